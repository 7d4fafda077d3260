//! The SSM Automation execution behind an action's record. AWS does not document that a
//! record's outputs name it: they are read first (`AutomationExecutionId`); without them the
//! execution is searched for (DescribeAutomationExecutions: the document when it is known, a
//! start-time window around the record's creation, the launch role that ran it, and, among a
//! few candidates, the parameters that were sent). More than one match is never guessed
//! between: the caller gets them all and asks.

use crate::catalog::{CatalogClient, Error};
use crate::domain::{Automation, ParameterMap, RecordDetail, RecordOutput, Timestamp};

/// The output key under which a record names its execution, where it does.
pub const OUTPUT_KEY: &str = "AutomationExecutionId";

/// Seconds before a record's creation and after it in which its execution may have started.
const WINDOW_BEFORE: f64 = 60.0;
const WINDOW_AFTER: f64 = 300.0;

/// At most this many candidates are read whole (GetAutomationExecution) to compare their
/// parameters with what was sent; more are left to the operator.
pub const MATCH_READS: usize = 5;

#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    /// The execution, read whole (GetAutomationExecution).
    One(Box<Automation>),
    /// Several executions fit: the operator chooses (summaries, without steps).
    Many(Vec<Automation>),
    /// None fits, and why.
    None(String),
}

/// The execution id a record's outputs name, if they name one.
pub fn named(outputs: &[RecordOutput]) -> Option<&str> {
    outputs
        .iter()
        .find(|o| o.output_key.as_deref() == Some(OUTPUT_KEY))
        .and_then(|o| o.output_value.as_deref())
        .filter(|v| !v.is_empty())
}

/// The run behind a record, as sctui knows it: to tell apart executions the search finds.
#[derive(Debug, Clone, PartialEq)]
pub struct Sent {
    pub product_id: String,
    pub action_id: String,
    /// What the run sent; a TARGET it did not send was the product's defaults.
    pub parameters: Option<ParameterMap>,
}

/// What the execution of `sent` was given: the values sent, and each TARGET left to Service
/// Catalog as the product's resources (DescribeServiceActionExecutionParameters, asked only
/// here; if it fails, what was sent is all there is to compare).
async fn expected(client: &CatalogClient, sent: &Sent) -> ParameterMap {
    let mut out = sent.parameters.clone().unwrap_or_default();
    if let Ok(params) = client.execution_parameters(&sent.product_id, &sent.action_id).await {
        for p in params.iter().filter(|p| p.is_target() && !p.default_values.is_empty()) {
            out.entry(p.name.clone()).or_insert_with(|| p.default_values.clone());
        }
    }
    out
}

/// Finds the execution of `record`; `document` narrows the search where it is known, and what
/// the run was given (`sent`) among a few candidates.
pub async fn find(
    client: &CatalogClient,
    record: &RecordDetail,
    outputs: &[RecordOutput],
    document: Option<&str>,
    sent: Option<&Sent>,
) -> Result<Found, Error> {
    if let Some(id) = named(outputs) {
        return client.automation(id).await.map(|a| Found::One(Box::new(a)));
    }
    let Some(created) = record.created_time else {
        return Ok(Found::None("the record has no creation time to search around".into()));
    };
    let after = Timestamp(created.0 - WINDOW_BEFORE);
    let before = Timestamp(created.0 + WINDOW_AFTER);
    let mut list = client.automations_between(document, after, before).await?;
    // Run by this product's launch role, where both are known.
    let role = record.launch_role_arn.as_deref().and_then(|arn| arn.rsplit('/').next()).filter(|r| !r.is_empty());
    if let Some(role) = role {
        let by_role: Vec<Automation> =
            list.iter().filter(|a| a.executed_by.as_deref().is_some_and(|e| e.contains(role))).cloned().collect();
        if !by_role.is_empty() {
            list = by_role;
        }
    }
    // What the run was given (the values sent, the TARGET resources) is in its execution's
    // parameters: read each of a few candidates whole and keep those that carry it all.
    if let Some(sent) = sent
        && (2..=MATCH_READS).contains(&list.len())
        && let sent = expected(client, sent).await
        && !sent.is_empty()
    {
        let mut matching = Vec::new();
        for a in &list {
            let full = client.automation(&a.automation_execution_id).await?;
            if sent.iter().all(|(k, v)| full.parameters.get(k) == Some(v)) {
                matching.push(full);
            }
        }
        match matching.len() {
            1 => return Ok(Found::One(Box::new(matching.remove(0)))),
            // None carries them: all stay, for the operator to judge.
            0 => {}
            _ => list = matching,
        }
    }
    match list.len() {
        0 => Ok(Found::None(format!(
            "no SSM Automation execution{} started between {} and {} (the record's outputs do not name one)",
            document.map(|d| format!(" of {d}")).unwrap_or_default(),
            after.iso(),
            before.iso()
        ))),
        1 => client.automation(&list[0].automation_execution_id).await.map(|a| Found::One(Box::new(a))),
        _ => Ok(Found::Many(list)),
    }
}
