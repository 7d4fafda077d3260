//! The SSM side of the emulator (awsJson1_1, `X-Amz-Target: AmazonSSM.<Op>`, same port): the
//! documents behind the actions and the Automation executions they start. Each operation checks
//! its input as the service model says, then reads the store.

use super::automation::{self, ExecutionNow};
use super::documents;
use super::error::ServiceError;
use super::principals::Caller;
use super::store::Store;
use super::world::Policy;
use crate::domain::Timestamp;
use serde::Deserialize;
use serde_json::{Value, json};

pub const TARGET_PREFIX: &str = "AmazonSSM.";

/// The SSM operations this emulator answers.
pub const OPERATIONS: [&str; 9] = [
    "GetCalendarState",
    "DescribeDocument",
    "GetDocument",
    "StartExecutionPreview",
    "GetExecutionPreview",
    "GetAutomationExecution",
    "DescribeAutomationExecutions",
    "DescribeAutomationStepExecutions",
    "StopAutomationExecution",
];

pub fn dispatch(store: &mut Store, caller: &Caller, op: &str, body: &[u8], now: f64) -> Result<Value, ServiceError> {
    // Where execution previews are not offered (an older region, a partition), the service does
    // not know the operations.
    if !store.execution_preview && matches!(op, "StartExecutionPreview" | "GetExecutionPreview") {
        return Err(ServiceError::unknown_operation(&format!("{TARGET_PREFIX}{op}")));
    }
    authorize(store, caller, op)?;
    match op {
        "DescribeDocument" => describe_document(store, decode(body)?),
        "GetDocument" => documents::get_document(store, decode(body)?),
        "StartExecutionPreview" => documents::start_preview(store, decode(body)?, now),
        "GetExecutionPreview" => documents::get_preview(store, decode(body)?, now),
        "GetAutomationExecution" => get_execution(store, decode(body)?, now),
        "DescribeAutomationExecutions" => describe_executions(store, decode(body)?, now),
        "DescribeAutomationStepExecutions" => describe_steps(store, decode(body)?, now),
        "StopAutomationExecution" => stop(store, caller, decode(body)?, now),
        "GetCalendarState" => calendar_state(store, decode(body)?, now),
        other => Err(ServiceError::unknown_operation(&format!("{TARGET_PREFIX}{other}"))),
    }
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CalendarStateRequest {
    calendar_names: Option<Vec<String>>,
    at_time: Option<String>,
}

/// GetCalendarState: CLOSED when any of the named calendars is closed; a name that is no
/// change calendar is InvalidDocument, as SSM answers. (The emulator keeps no schedule: the
/// state is the calendar's now, whatever `AtTime` asks.)
fn calendar_state(store: &Store, req: CalendarStateRequest, now: f64) -> Result<Value, ServiceError> {
    let names = req.calendar_names.unwrap_or_default();
    if names.is_empty() {
        return Err(ServiceError::validation(
            "1 validation error detected: Value null at 'calendarNames' failed to satisfy constraint: Member must not be null",
        ));
    }
    let mut closed = false;
    let mut next: Option<String> = None;
    for n in &names {
        check_len("calendarNames", n, 1, 2048)?;
        // A name, or an ARN ending in document/NAME.
        let name = n.rsplit_once(":document/").map_or(n.as_str(), |(_, name)| name);
        let Some(c) = store.world.calendars.iter().find(|c| c.name == name) else {
            return Err(ServiceError::ssm(
                "InvalidDocument",
                format!("Calendar {} does not exist.", crate::validate::clean(n)),
            ));
        };
        closed |= c.state == "CLOSED";
        next = next.or_else(|| c.next_transition.clone());
    }
    let at = req.at_time.unwrap_or_else(|| crate::domain::Timestamp(now).iso());
    let mut out = serde_json::json!({"State": if closed { "CLOSED" } else { "OPEN" }, "AtTime": at});
    if let Some(t) = next {
        out["NextTransitionTime"] = Value::String(t);
    }
    Ok(out)
}

fn decode<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ServiceError> {
    let body = if body.is_empty() { b"{}".as_slice() } else { body };
    serde_json::from_slice(body)
        .map_err(|e| ServiceError::serialization(format!("Start of structure or map found where not expected: {e}")))
}

/// AWSServiceCatalogEndUserFullAccess grants `ssm:DescribeDocument` and
/// `ssm:GetAutomationExecution` only (not GetDocument, not the execution previews); the
/// read-only end-user policy no SSM action at all; the admin and the operators' role everything
/// here.
fn authorize(store: &Store, caller: &Caller, op: &str) -> Result<(), ServiceError> {
    let w = &store.world;
    let resource = match op {
        "DescribeDocument" | "GetDocument" | "StartExecutionPreview" | "GetCalendarState" => {
            format!("arn:aws:ssm:{}:{}:document/*", w.region, w.account_id)
        }
        "GetExecutionPreview" => format!("arn:aws:ssm:{}:{}:*", w.region, w.account_id),
        _ => format!("arn:aws:ssm:{}:{}:automation-execution/*", w.region, w.account_id),
    };
    caller.denied("ssm", op, &resource)?;
    let allowed = match caller.policy {
        Policy::Admin | Policy::RoleLevel => true,
        Policy::EndUser => matches!(op, "DescribeDocument" | "GetAutomationExecution"),
        Policy::EndUserReadonly => false,
    };
    if allowed {
        return Ok(());
    }
    Err(ServiceError::access_denied(format!(
        "User: {} is not authorized to perform: ssm:{op} on resource: {resource} because no identity-based policy allows the ssm:{op} action",
        caller.arn
    )))
}

pub(super) fn check_len(field: &str, value: &str, min: usize, max: usize) -> Result<(), ServiceError> {
    let n = value.chars().count();
    if n < min || n > max {
        return Err(ServiceError::validation(format!(
            "1 validation error detected: Value at '{field}' failed to satisfy constraint: Member must have length between {min} and {max}"
        )));
    }
    Ok(())
}

fn max_results(field: &str, value: Option<i64>) -> Result<usize, ServiceError> {
    match value {
        None => Ok(50),
        Some(n @ 1..=50) => Ok(n as usize),
        Some(n) => Err(ServiceError::validation(format!(
            "1 validation error detected: Value '{n}' at '{field}' failed to satisfy constraint: Member must have value between 1 and 50"
        ))),
    }
}

fn execution_id(store: &Store, id: &str) -> Result<usize, ServiceError> {
    check_len("automationExecutionId", id, 36, 36)?;
    store.automation_by_id(id).ok_or_else(|| {
        ServiceError::ssm("AutomationExecutionNotFoundException", format!("Automation Execution {id} not found."))
    })
}

/// The answer of a listing: the page of `items` under `key`, and NextToken when more follow.
fn paged(key: &str, items: &[Value], token: Option<&str>, size: usize) -> Result<Value, ServiceError> {
    let (items, next) = page(items, token, size)?;
    let mut out = json!({ key: items });
    if let Some(t) = next {
        out["NextToken"] = json!(t);
    }
    Ok(out)
}

/// A page of `items` from `token` (an index written as text), and the next token.
fn page<T: Clone>(items: &[T], token: Option<&str>, size: usize) -> Result<(Vec<T>, Option<String>), ServiceError> {
    let start = match token {
        None => 0,
        Some(t) => t
            .parse::<usize>()
            .ok()
            .filter(|n| *n <= items.len())
            .ok_or_else(|| ServiceError::ssm("InvalidNextToken", "The specified token isn't valid."))?,
    };
    let end = (start + size).min(items.len());
    Ok((items[start..end].to_vec(), (end < items.len()).then(|| end.to_string())))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct DescribeDocument {
    name: String,
    document_version: Option<String>,
    version_name: Option<String>,
}

/// The model's DocumentARN: `^[a-zA-Z0-9_\-.:/]{3,128}$`.
pub(super) fn check_document_name(name: &str) -> Result<(), ServiceError> {
    let ok = (3..=128).contains(&name.len()) && name.chars().all(|c| c.is_ascii_alphanumeric() || "_-.:/".contains(c));
    if ok {
        return Ok(());
    }
    Err(ServiceError::validation(format!(
        "1 validation error detected: Value '{}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9_\\-.:/]{{3,128}}$",
        crate::validate::clean(name)
    )))
}

fn describe_document(store: &Store, req: DescribeDocument) -> Result<Value, ServiceError> {
    // DocumentVersion `$LATEST`, `$DEFAULT` or a number; VersionName `^[a-zA-Z0-9_\-.]{1,128}$`.
    check_document_name(&req.name)?;
    if let Some(v) = &req.document_version
        && !(v == "$LATEST"
            || v == "$DEFAULT"
            || (v.bytes().all(|b| b.is_ascii_digit()) && !v.starts_with('0') && !v.is_empty()))
    {
        return Err(ServiceError::validation(
            "1 validation error detected: Value at 'documentVersion' failed to satisfy constraint: Member must satisfy regular expression pattern: ([$]LATEST|[$]DEFAULT|^[1-9][0-9]*$)",
        ));
    }
    let version_ok =
        |v: &str| (1..=128).contains(&v.len()) && v.chars().all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c));
    if req.version_name.as_deref().is_some_and(|v| !version_ok(v)) {
        return Err(ServiceError::validation(
            "1 validation error detected: Value at 'versionName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9_\\-.]{1,128}$",
        ));
    }
    let action = documents::find(store, &req.name, req.document_version.as_deref())?;
    let owner = if action.document.starts_with("AWS-") { "Amazon".to_string() } else { store.world.account_id.clone() };
    let parameters: Vec<Value> = action
        .document_parameters
        .iter()
        .map(|p| {
            let mut v = json!({"Name": p.name, "Type": p.kind, "Description": p.description});
            if let Some(d) = &p.default {
                v["DefaultValue"] = json!(d);
            }
            v
        })
        .collect();
    Ok(json!({"Document": {
        "Name": action.document,
        "Owner": owner,
        "Status": "Active",
        "DocumentVersion": action.document_version,
        "LatestVersion": action.document_version,
        "DefaultVersion": action.document_version,
        "DocumentType": "Automation",
        "SchemaVersion": "0.3",
        "DocumentFormat": "JSON",
        "HashType": "Sha256",
        "Hash": format!("{:064x}", fnv(&action.document)),
        "Description": action.description,
        "Parameters": parameters,
        "PlatformTypes": ["Windows", "Linux", "MacOS"],
        "TargetType": format!("/{}", action.target_type),
        "CreatedDate": store.world.base_time,
    }}))
}

/// A stable number from text (for a document's hash).
fn fnv(s: &str) -> u128 {
    s.bytes().fold(0x6c62272e07bb014262b821756295c58d_u128, |h, b| {
        (h ^ u128::from(b)).wrapping_mul(0x1000000000000000000013b)
    })
}

fn step_json(s: &automation::StepNow, execution: &str) -> Value {
    let mut v = json!({
        "StepName": s.name,
        "Action": s.action,
        "StepStatus": s.status,
        "ExecutionStartTime": s.start,
        "OnFailure": "Abort",
        "MaxAttempts": 1,
        "StepExecutionId": format!("{}-{:012x}", &execution[..23], s.index),
        "IsEnd": false,
        "IsCritical": true,
    });
    if let Some(e) = s.end {
        v["ExecutionEndTime"] = json!(e);
    }
    if let Some(f) = &s.failure {
        v["FailureMessage"] = json!(f);
        v["FailureDetails"] = json!({
            "FailureStage": "Invocation",
            "FailureType": "Unknown",
            "Details": {"ExceptionMessage": [f]},
        });
        v["ResponseCode"] = json!("Failed");
    }
    v
}

/// The execution's metadata (DescribeAutomationExecutions) or, `full`, all of it.
fn execution_json(store: &Store, i: usize, state: &ExecutionNow, full: bool) -> Value {
    let a = &store.automations[i];
    let action = &store.world.actions[a.action];
    let mut v = json!({
        "AutomationExecutionId": a.id,
        "DocumentName": action.document,
        "DocumentVersion": action.document_version,
        "AutomationExecutionStatus": state.status,
        "ExecutionStartTime": state.start,
        "ExecutedBy": a.executed_by,
        "Mode": "Auto",
        "AutomationType": "Local",
    });
    if let Some(e) = state.end {
        v["ExecutionEndTime"] = json!(e);
    }
    if let Some(f) = &state.failure {
        v["FailureMessage"] = json!(f);
    }
    if !automation::is_terminal(state.status)
        && let Some(s) = state.steps.last()
    {
        v["CurrentStepName"] = json!(s.name);
        v["CurrentAction"] = json!(s.action);
    }
    // Outputs once it succeeded: the record's outputs, as the last step's.
    if state.status == automation::SUCCESS {
        let last = state.steps.last().map(|s| s.name.clone()).unwrap_or_default();
        let outputs: serde_json::Map<String, Value> = store.records[a.record]
            .outputs
            .iter()
            .filter(|(k, _, _)| k != "AutomationExecutionId")
            .map(|(k, val, _)| (format!("{last}.{k}"), json!([val])))
            .collect();
        v["Outputs"] = Value::Object(outputs);
    }
    if full {
        v["Parameters"] = json!(a.parameters);
        v["StepExecutions"] = state.steps.iter().map(|s| step_json(s, &a.id)).collect();
        v["StepExecutionsTruncated"] = json!(false);
    }
    v
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct ById {
    automation_execution_id: String,
}

fn get_execution(store: &Store, req: ById, now: f64) -> Result<Value, ServiceError> {
    let i = execution_id(store, &req.automation_execution_id)?;
    let state = store.automation_at(i, now);
    Ok(json!({"AutomationExecution": execution_json(store, i, &state, true)}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct Filter {
    key: String,
    values: Vec<String>,
}

fn check_filters(filters: &[Filter], keys: &[&str]) -> Result<(), ServiceError> {
    if filters.is_empty() || filters.len() > 10 {
        return Err(ServiceError::validation(
            "1 validation error detected: Value at 'filters' failed to satisfy constraint: Member must have length between 1 and 10",
        ));
    }
    for f in filters {
        if !keys.contains(&f.key.as_str()) {
            return Err(ServiceError::ssm("InvalidFilterKey", format!("The filter key {} is not valid.", f.key)));
        }
        if f.values.is_empty() || f.values.len() > 10 || f.values.iter().any(|v| v.is_empty() || v.len() > 150) {
            return Err(ServiceError::ssm(
                "InvalidFilterValue",
                format!("The filter values of {} are not valid: 1 to 10 values of 1 to 150 characters.", f.key),
            ));
        }
    }
    Ok(())
}

/// `yyyy-MM-ddTHH:mm:ssZ`, as the time filters take them.
fn filter_time(key: &str, value: &str) -> Result<f64, ServiceError> {
    time::OffsetDateTime::parse(value, &time::format_description::well_known::Rfc3339)
        .map(|t| t.unix_timestamp_nanos() as f64 / 1e9)
        .map_err(|_| {
            ServiceError::ssm(
                "InvalidFilterValue",
                format!("{key} takes a time such as 2026-11-30T17:00:00Z, not {value}"),
            )
        })
}

const EXECUTION_FILTERS: [&str; 12] = [
    "DocumentNamePrefix",
    "ExecutionStatus",
    "ExecutionId",
    "ParentExecutionId",
    "CurrentAction",
    "StartTimeBefore",
    "StartTimeAfter",
    "AutomationType",
    "TagKey",
    "TargetResourceGroup",
    "AutomationSubtype",
    "OpsItemId",
];

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct DescribeExecutions {
    filters: Option<Vec<Filter>>,
    max_results: Option<i64>,
    next_token: Option<String>,
}

fn describe_executions(store: &Store, req: DescribeExecutions, now: f64) -> Result<Value, ServiceError> {
    let size = max_results("maxResults", req.max_results)?;
    let filters = req.filters.unwrap_or_default();
    if !filters.is_empty() {
        check_filters(&filters, &EXECUTION_FILTERS)?;
    }
    let mut matched = Vec::new();
    // Newest first.
    for i in (0..store.automations.len()).rev() {
        let a = &store.automations[i];
        let state = store.automation_at(i, now);
        let document = &store.world.actions[a.action].document;
        let mut ok = true;
        for f in &filters {
            let any = |test: &dyn Fn(&str) -> Result<bool, ServiceError>| -> Result<bool, ServiceError> {
                for v in &f.values {
                    if test(v)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            };
            ok &= match f.key.as_str() {
                "DocumentNamePrefix" => any(&|v| Ok(document.starts_with(v)))?,
                "ExecutionStatus" => any(&|v| Ok(v == state.status))?,
                "ExecutionId" => any(&|v| Ok(v == a.id))?,
                "CurrentAction" => any(&|v| Ok(state.steps.last().is_some_and(|s| s.action == v)))?,
                "StartTimeBefore" => any(&|v| Ok(state.start <= filter_time("StartTimeBefore", v)?))?,
                "StartTimeAfter" => any(&|v| Ok(state.start >= filter_time("StartTimeAfter", v)?))?,
                "AutomationType" => any(&|v| Ok(v == "Local"))?,
                // No execution of this emulator has a parent, tags, a resource group, a change
                // request or an OpsItem.
                _ => false,
            };
        }
        if ok {
            matched.push(execution_json(store, i, &state, false));
        }
    }
    paged("AutomationExecutionMetadataList", &matched, req.next_token.as_deref(), size)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct DescribeSteps {
    automation_execution_id: String,
    filters: Option<Vec<Filter>>,
    next_token: Option<String>,
    max_results: Option<i64>,
    reverse_order: Option<bool>,
}

const STEP_FILTERS: [&str; 7] = [
    "StartTimeBefore",
    "StartTimeAfter",
    "StepExecutionStatus",
    "StepExecutionId",
    "StepName",
    "Action",
    "ParentStepDetails",
];

fn describe_steps(store: &Store, req: DescribeSteps, now: f64) -> Result<Value, ServiceError> {
    let i = execution_id(store, &req.automation_execution_id)?;
    let size = max_results("maxResults", req.max_results)?;
    let filters = req.filters.unwrap_or_default();
    if !filters.is_empty() {
        check_filters(&filters, &STEP_FILTERS)?;
    }
    let state = store.automation_at(i, now);
    let id = &store.automations[i].id;
    let mut steps = Vec::new();
    for s in &state.steps {
        let json = step_json(s, id);
        let mut ok = true;
        for f in &filters {
            let field = |name: &str| json[name].as_str().unwrap_or_default().to_string();
            ok &= f.values.iter().any(|v| match f.key.as_str() {
                "StepExecutionStatus" => v.eq_ignore_ascii_case(s.status),
                "StepExecutionId" => *v == field("StepExecutionId"),
                "StepName" => *v == s.name,
                "Action" => *v == s.action,
                "StartTimeBefore" => filter_time("StartTimeBefore", v).is_ok_and(|t| s.start <= t),
                "StartTimeAfter" => filter_time("StartTimeAfter", v).is_ok_and(|t| s.start >= t),
                _ => false,
            });
        }
        if ok {
            steps.push(json);
        }
    }
    if req.reverse_order == Some(true) {
        steps.reverse();
    }
    paged("StepExecutions", &steps, req.next_token.as_deref(), size)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct Stop {
    automation_execution_id: String,
    #[serde(rename = "Type")]
    kind: Option<String>,
}

fn stop(store: &mut Store, caller: &Caller, req: Stop, now: f64) -> Result<Value, ServiceError> {
    let i = execution_id(store, &req.automation_execution_id)?;
    match req.kind.as_deref() {
        None | Some("Cancel") | Some("Complete") => {}
        Some(other) => {
            return Err(ServiceError::validation(format!(
                "1 validation error detected: Value '{other}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [Complete, Cancel]"
            )));
        }
    }
    store.stop_automation(i, now, &caller.arn)?;
    tracing::debug!(execution = %store.automations[i].id, at = %Timestamp(now).iso(), "emulator: automation stopped");
    Ok(json!({}))
}
