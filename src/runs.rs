//! The run worker: send an execute with a caller-chosen token (again with the same token after a
//! transient failure, so it never runs twice), then watch the record until it ends.

pub mod schedule;

use crate::catalog::{CatalogClient, Error};
use crate::domain::{ParameterMap, RecordDetail, RecordOutput};
use schedule::PollSchedule;
use std::time::Duration;

/// What the worker reports while it runs.
#[derive(Debug, Clone)]
pub enum RunEvent {
    /// Sending failed for a passing reason; it will be sent again with the same token.
    Retrying(Error),
    Submitted(Result<RecordDetail, Error>),
    Polled(Result<(RecordDetail, Vec<RecordOutput>), Error>),
}

/// Transient failures of the execute are retried this many times (each one after the SDK's own
/// retries), always with the same ExecuteToken.
pub const SUBMIT_ATTEMPTS: u32 = 8;

pub async fn submit(
    client: &CatalogClient,
    pp_id: &str,
    action_id: &str,
    parameters: Option<&ParameterMap>,
    token: &str,
    report: &(dyn Fn(RunEvent) + Send + Sync),
) -> Option<RecordDetail> {
    let mut schedule = PollSchedule::new(crate::emulator::world::fnv1a(token.as_bytes()));
    for attempt in 1..=SUBMIT_ATTEMPTS {
        match client.execute(pp_id, action_id, parameters, token).await {
            Ok(record) => {
                report(RunEvent::Submitted(Ok(record.clone())));
                return Some(record);
            }
            Err(e) if e.is_transient() && attempt < SUBMIT_ATTEMPTS => {
                tracing::warn!(error = %e, attempt, token, "execute failed; sending again with the same token");
                report(RunEvent::Retrying(e));
                tokio::time::sleep(schedule.after_throttle()).await;
            }
            Err(e) => {
                report(RunEvent::Submitted(Err(e)));
                return None;
            }
        }
    }
    None
}

/// Polls until the record ends. Errors are reported and polling goes on, slower: a record that
/// has not ended is never silently given up.
pub async fn watch(
    client: &CatalogClient,
    record_id: &str,
    report: &(dyn Fn(RunEvent) + Send + Sync),
) -> RecordDetail {
    let mut schedule = PollSchedule::new(crate::emulator::world::fnv1a(record_id.as_bytes()));
    let mut wait = schedule.after_answer();
    let mut last = None;
    loop {
        tokio::time::sleep(wait).await;
        match client.record(record_id).await {
            Ok((detail, outputs)) => {
                let ended = detail.is_terminal();
                if last.as_ref() != Some(&detail.status) {
                    schedule.on_change();
                    last = Some(detail.status.clone());
                }
                report(RunEvent::Polled(Ok((detail.clone(), outputs))));
                if ended {
                    return detail;
                }
                wait = schedule.after_answer();
            }
            Err(e) => {
                tracing::warn!(error = %e, record_id, "polling failed; will try again");
                report(RunEvent::Polled(Err(e)));
                wait = schedule.after_throttle().max(Duration::from_secs(1));
            }
        }
    }
}
