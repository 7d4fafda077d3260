//! The SSM documents behind the actions, as content (GetDocument), and the execution previews
//! of Automation runs (StartExecutionPreview, GetExecutionPreview): what a run with given
//! parameters would touch, counted per target type, region and account, and what its steps do.

use super::error::ServiceError;
use super::ssm::{check_document_name, check_len};
use super::store::Store;
use super::world::{Action, DocParam};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// A preview is ready this many seconds (on the emulator's clock, times its scale) after it
/// was asked for; until then it reads InProgress, as AWS's does for a moment.
pub const PREVIEW_SECS: f64 = 1.0;

/// A preview asked for, and what it found.
#[derive(Debug, Clone)]
pub struct Preview {
    pub id: String,
    pub ready_at: f64,
    /// The preview (ExecutionPreview's Automation), or why it failed (StatusMessage).
    pub outcome: Result<Value, String>,
}

pub(super) fn find<'a>(store: &'a Store, name: &str, version: Option<&str>) -> Result<&'a Action, ServiceError> {
    check_document_name(name)?;
    let action = store
        .world
        .actions
        .iter()
        .find(|a| a.document == name)
        .ok_or_else(|| ServiceError::ssm("InvalidDocument", "Document with that name does not exist."))?;
    if let Some(v) = version
        && v != action.document_version
        && v != "$LATEST"
        && v != "$DEFAULT"
    {
        return Err(ServiceError::ssm(
            "InvalidDocumentVersion",
            "The document version is not valid or does not exist.",
        ));
    }
    Ok(action)
}

/// A parameter's default as the document's content types it.
fn typed_default(p: &DocParam, value: &str) -> Value {
    match p.kind.as_str() {
        "Boolean" => value.parse::<bool>().map(Value::from).unwrap_or_else(|_| json!(value)),
        "Integer" => value.parse::<i64>().map(Value::from).unwrap_or_else(|_| json!(value)),
        "StringList" if value.is_empty() => json!([]),
        "StringList" => json!([value]),
        _ => json!(value),
    }
}

/// The document as its author wrote it (schema 0.3): parameters with their allowed values and
/// patterns, and the steps.
pub fn content(action: &Action) -> Value {
    let parameters: serde_json::Map<String, Value> = action
        .document_parameters
        .iter()
        .map(|p| {
            let mut v = json!({"type": p.kind, "description": p.description});
            if let Some(d) = &p.default {
                v["default"] = typed_default(p, d);
            }
            if !p.allowed_values.is_empty() {
                v["allowedValues"] = json!(p.allowed_values);
            }
            if let Some(pattern) = &p.allowed_pattern {
                v["allowedPattern"] = json!(pattern);
            }
            (p.name.clone(), v)
        })
        .collect();
    let rollback = action.steps.iter().find(|s| s.on_failure).map(|s| s.name.clone());
    let steps: Vec<Value> = action
        .steps
        .iter()
        .map(|s| {
            let mut v = json!({"name": s.name, "action": s.action, "inputs": {}});
            if !s.on_failure
                && let Some(r) = &rollback
            {
                v["onFailure"] = json!(format!("step:{r}"));
            }
            v
        })
        .collect();
    json!({
        "schemaVersion": "0.3",
        "description": action.description,
        "assumeRole": "{{ AutomationAssumeRole }}",
        "parameters": parameters,
        "mainSteps": steps,
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct GetDocument {
    name: String,
    version_name: Option<String>,
    document_version: Option<String>,
    document_format: Option<String>,
}

pub fn get_document(store: &Store, req: GetDocument) -> Result<Value, ServiceError> {
    if let Some(v) = &req.version_name {
        check_len("versionName", v, 1, 128)?;
    }
    let format = req.document_format.as_deref().unwrap_or("JSON");
    if !["YAML", "JSON", "TEXT"].contains(&format) {
        return Err(ServiceError::validation(format!(
            "1 validation error detected: Value '{}' at 'documentFormat' failed to satisfy constraint: Member must satisfy enum value set: [YAML, JSON, TEXT]",
            crate::validate::clean(format)
        )));
    }
    let action = find(store, &req.name, req.document_version.as_deref())?;
    // Stored as JSON; JSON is also YAML (1.2), so a YAML request gets the same text.
    let text = serde_json::to_string_pretty(&content(action)).unwrap_or_default();
    Ok(json!({
        "Name": action.document,
        "DocumentVersion": action.document_version,
        "Status": "Active",
        "Content": text,
        "DocumentType": "Automation",
        "DocumentFormat": if format == "TEXT" { "JSON" } else { format },
        "CreatedDate": store.world.base_time,
    }))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct StartPreview {
    document_name: String,
    document_version: Option<String>,
    execution_inputs: Option<ExecutionInputs>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct ExecutionInputs {
    automation: Option<AutomationInputs>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct AutomationInputs {
    parameters: Option<BTreeMap<String, Vec<String>>>,
    target_parameter_name: Option<String>,
    targets: Option<Vec<Value>>,
    target_maps: Option<Vec<Value>>,
    target_locations: Option<Vec<Value>>,
    #[serde(rename = "TargetLocationsURL")]
    target_locations_url: Option<String>,
}

/// What a step does to resources, as the preview classes it: reads, writes, or runs code that
/// SSM cannot see into. `aws:executeAwsApi` may do either; it is counted as changing things.
fn impact(action: &str) -> &'static str {
    match action {
        "aws:assertAwsResourceProperty"
        | "aws:waitForAwsResourceProperty"
        | "aws:sleep"
        | "aws:pause"
        | "aws:branch"
        | "aws:approve" => "NonMutating",
        "aws:executeScript"
        | "aws:invokeLambdaFunction"
        | "aws:runCommand"
        | "aws:executeAutomation"
        | "aws:executeStateMachine" => "Undetermined",
        _ => "Mutating",
    }
}

/// Checks `values` against the document's parameters, as the Automation service does when a run
/// starts: unknown names, missing required ones, allowed values and patterns.
pub fn check_parameters(action: &Action, values: &BTreeMap<String, Vec<String>>) -> Result<(), String> {
    for name in values.keys() {
        if !action.document_parameters.iter().any(|p| &p.name == name) {
            return Err(format!("Parameter {} is not defined in the document.", crate::validate::clean(name)));
        }
    }
    for p in &action.document_parameters {
        let given = values.get(&p.name).filter(|v| !v.is_empty());
        let Some(given) = given else {
            if p.default.is_none() {
                return Err(format!("A value for the required parameter {} is missing.", p.name));
            }
            continue;
        };
        // Service Catalog hands a TARGET's resources over as a list, whatever the type.
        let target = action.parameters.iter().any(|d| d.name == p.name && d.kind == "TARGET");
        if !target && !matches!(p.kind.as_str(), "StringList" | "MapList") && given.len() > 1 {
            return Err(format!("Parameter {} of type {} takes one value, not {}.", p.name, p.kind, given.len()));
        }
        for v in given {
            if !p.allowed_values.is_empty() && !p.allowed_values.contains(v) {
                return Err(format!(
                    "Parameter {} value {} is not one of the allowed values: {}.",
                    p.name,
                    crate::validate::clean(v),
                    p.allowed_values.join(", ")
                ));
            }
            if let Some(pattern) = &p.allowed_pattern
                && let Ok(re) = regex::RegexBuilder::new(pattern).size_limit(1 << 20).build()
                && !re.is_match(v)
            {
                return Err(format!(
                    "Parameter {} value {} does not match the allowed pattern {pattern}.",
                    p.name,
                    crate::validate::clean(v)
                ));
            }
        }
    }
    Ok(())
}

/// The preview of a run of `action` with `values`: the TARGET parameter's resources counted
/// under the action's target type, this region and account, and the steps by impact.
fn preview_of(store: &Store, action: &Action, values: &BTreeMap<String, Vec<String>>) -> Result<Value, String> {
    check_parameters(action, values)?;
    let mut steps: BTreeMap<&str, i64> = BTreeMap::new();
    for s in action.steps.iter().filter(|s| !s.on_failure) {
        *steps.entry(impact(&s.action)).or_default() += 1;
    }
    let count: usize =
        action.parameters.iter().filter(|p| p.kind == "TARGET").filter_map(|p| values.get(&p.name)).map(Vec::len).sum();
    Ok(json!({
        "StepPreviews": steps,
        "Regions": [store.world.region],
        "TargetPreviews": [{"Count": count, "TargetType": action.target_type}],
        "TotalAccounts": 1,
    }))
}

pub fn start_preview(store: &mut Store, req: StartPreview, now: f64) -> Result<Value, ServiceError> {
    if let Some(v) = &req.document_version {
        check_len("documentVersion", v, 1, 128)?;
    }
    let inputs = req.execution_inputs.and_then(|i| i.automation).unwrap_or_default();
    let values = inputs.parameters.unwrap_or_default();
    if values.len() > 200 || values.values().any(|v| v.len() > 200) {
        return Err(ServiceError::validation(
            "1 validation error detected: Value at 'executionInputs.automation.parameters' failed to satisfy constraint: Member must have length between 1 and 200",
        ));
    }
    if let Some(u) = &inputs.target_locations_url {
        check_len("executionInputs.automation.targetLocationsURL", u, 1, 2048)?;
    }
    // This emulator's documents take their resources as parameters: rate-control targeting
    // (Targets, TargetMaps, TargetLocations) is refused as the service refuses what a
    // document does not support.
    if inputs.target_parameter_name.is_some()
        || inputs.targets.is_some_and(|t| !t.is_empty())
        || inputs.target_maps.is_some_and(|t| !t.is_empty())
        || inputs.target_locations.is_some_and(|t| !t.is_empty())
    {
        return Err(ServiceError::validation(
            "This emulator previews runs whose resources are given as parameters; targets and target locations are not supported.",
        ));
    }
    let action = find(store, &req.document_name, req.document_version.as_deref())?;
    let outcome = preview_of(store, action, &values);
    let id = uuid::Uuid::new_v4().to_string();
    store.previews.push(Preview { id: id.clone(), ready_at: now + PREVIEW_SECS * store.time_scale, outcome });
    // Bounded: the oldest previews are forgotten, as a service's would expire.
    if store.previews.len() > 1000 {
        store.previews.remove(0);
    }
    Ok(json!({"ExecutionPreviewId": id}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct GetPreview {
    execution_preview_id: String,
}

pub fn get_preview(store: &Store, req: GetPreview, now: f64) -> Result<Value, ServiceError> {
    check_len("executionPreviewId", &req.execution_preview_id, 36, 36)?;
    let p = store.previews.iter().find(|p| p.id == req.execution_preview_id).ok_or_else(|| {
        ServiceError::not_found(format!(
            "Execution preview {} not found.",
            crate::validate::clean(&req.execution_preview_id)
        ))
    })?;
    if now < p.ready_at {
        return Ok(json!({"ExecutionPreviewId": p.id, "Status": "InProgress"}));
    }
    Ok(match &p.outcome {
        Ok(preview) => json!({
            "ExecutionPreviewId": p.id,
            "Status": "Success",
            "EndedAt": p.ready_at,
            "ExecutionPreview": {"Automation": preview},
        }),
        Err(why) => json!({
            "ExecutionPreviewId": p.id,
            "Status": "Failed",
            "StatusMessage": why,
            "EndedAt": p.ready_at,
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::World;

    fn action(document: &str) -> Action {
        let world = World::demo().unwrap_or_else(|e| panic!("{e}"));
        world.actions.into_iter().find(|a| a.document == document).unwrap()
    }

    fn values(pairs: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect())).collect()
    }

    #[test]
    fn the_parameters_are_checked_as_the_automation_service_does() {
        let resize = action("AWS-ResizeInstance");
        let ok = values(&[("InstanceId", &["i-0123456789abcdef0"]), ("InstanceType", &["m6i.large"])]);
        assert_eq!(check_parameters(&resize, &ok), Ok(()));
        let missing = values(&[("InstanceId", &["i-0123456789abcdef0"])]);
        assert!(check_parameters(&resize, &missing).unwrap_err().contains("required parameter InstanceType"));
        let bad = values(&[("InstanceId", &["i-0123456789abcdef0"]), ("InstanceType", &["huge"])]);
        assert!(check_parameters(&resize, &bad).unwrap_err().contains("allowed pattern"));
        let unknown = values(&[("InstanceId", &["i-0123456789abcdef0"]), ("InstanceType", &["t3.micro"]), ("X", &[])]);
        assert!(check_parameters(&resize, &unknown).unwrap_err().contains("Parameter X is not defined"));
        let image = action("AWS-CreateImage");
        let not_allowed = values(&[("InstanceId", &["i-0123456789abcdef0"]), ("NoReboot", &["maybe"])]);
        assert!(check_parameters(&image, &not_allowed).unwrap_err().contains("allowed values: true, false"));
    }

    #[test]
    fn the_content_carries_allowed_values_patterns_and_the_steps() {
        let c = content(&action("AWS-CreateImage"));
        assert_eq!(c["schemaVersion"], "0.3");
        assert_eq!(c["parameters"]["NoReboot"]["allowedValues"], json!(["true", "false"]));
        assert_eq!(c["parameters"]["NoReboot"]["default"], json!(false), "a Boolean default is typed");
        assert_eq!(c["parameters"]["InstanceId"]["allowedPattern"], "^i-[a-z0-9]{8,17}$");
        assert_eq!(c["mainSteps"][0]["action"], "aws:createImage");
    }
}
