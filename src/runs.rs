//! The run worker, shared by the TUI and the headless commands. It writes the run to the journal
//! before the execute is sent and sends it with a caller-chosen token, again with the same token
//! after any transient failure, so it never runs twice. It then watches the record until it ends,
//! journaling every change. Open runs are taken up again after a crash.

pub mod journal;
pub mod schedule;

use crate::catalog::{CatalogClient, Error, ErrorKind};
use crate::domain::{
    ParameterMap, ProvisionedProduct, RecordDetail, RecordOutput, RecordStatus, ServiceAction, Timestamp,
};
use journal::{Event, Journal, JournalRun};
use schedule::PollSchedule;
use std::sync::Arc;
use std::time::Duration;

/// What the worker reports while it runs.
#[derive(Debug, Clone)]
pub enum RunEvent {
    /// `--read-only` refused the run; nothing was sent.
    Refused(String),
    /// Sending failed for a passing reason; it will be sent again with the same token.
    Retrying(Error),
    Submitted(Result<RecordDetail, Error>),
    Polled(Result<(RecordDetail, Vec<RecordOutput>), Error>),
}

/// One run's request: what to execute, and the token that makes it happen at most once.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSpec {
    /// The run's id in the journal.
    pub run: String,
    pub product_id: String,
    pub product_name: String,
    pub action_id: String,
    pub action_name: String,
    pub parameters: Option<ParameterMap>,
    pub token: String,
}

impl RunSpec {
    pub fn new(
        product: &ProvisionedProduct,
        action: &ServiceAction,
        parameters: Option<ParameterMap>,
        token: String,
    ) -> RunSpec {
        RunSpec {
            run: uuid::Uuid::new_v4().to_string(),
            product_id: product.id.clone(),
            product_name: product.name.clone(),
            action_id: action.id.clone(),
            action_name: action.name.clone(),
            parameters,
            token,
        }
    }

    fn from_journal(r: &JournalRun) -> RunSpec {
        RunSpec {
            run: r.run.clone(),
            product_id: r.product_id.clone(),
            product_name: r.product_name.clone(),
            action_id: r.action_id.clone(),
            action_name: r.action_name.clone(),
            parameters: r.parameters.clone(),
            token: r.token.clone(),
        }
    }
}

/// Transient failures of the execute are retried this many times (each after the SDK's own
/// retries), always with the same ExecuteToken. After that the run stays open in the journal and
/// `sctui runs resume` (or the next start of the TUI) sends it again, still with the same token.
pub const SUBMIT_ATTEMPTS: u32 = 8;

pub type Report<'a> = &'a (dyn Fn(RunEvent) + Send + Sync);

/// Who ran sctui, for the journal and change tickets: the local user and host.
pub fn operator() -> Option<String> {
    let user = std::env::var("USER").or_else(|_| std::env::var("LOGNAME")).ok()?;
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its length; gethostname writes at most that many bytes.
    let ok = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) } == 0;
    let host =
        ok.then(|| String::from_utf8_lossy(&buf[..buf.iter().position(|b| *b == 0).unwrap_or(buf.len())]).into_owned());
    Some(match host {
        Some(h) if !h.is_empty() => format!("{user}@{h}"),
        _ => user,
    })
}

#[derive(Clone)]
pub struct Runner {
    pub client: CatalogClient,
    pub journal: Option<Arc<Journal>>,
    pub read_only: bool,
}

impl Runner {
    pub fn new(client: CatalogClient, journal: Option<Arc<Journal>>, read_only: bool) -> Runner {
        Runner { client, journal, read_only }
    }

    fn log(&self, event: Event) -> Result<(), journal::JournalError> {
        match &self.journal {
            Some(j) => j.append(&event),
            None => Ok(()),
        }
    }

    /// Journals the request, then sends it. Returns the record once Service Catalog has one.
    pub async fn start(&self, spec: &RunSpec, report: Report<'_>) -> Option<RecordDetail> {
        if self.read_only {
            let reason = "sctui runs with --read-only: executing actions is refused".to_string();
            let _ = self.log(Event::Refused { run: spec.run.clone(), at: Timestamp::now(), reason: reason.clone() });
            tracing::warn!(run = spec.run, "execute refused: read-only");
            report(RunEvent::Refused(reason));
            return None;
        }
        let t = &self.client.target;
        let requested = Event::Requested {
            run: spec.run.clone(),
            at: Timestamp::now(),
            caller: operator(),
            profile: t.profile.clone(),
            region: t.region.clone(),
            endpoint: t.endpoint.clone(),
            demo: t.demo,
            product_id: spec.product_id.clone(),
            product_name: spec.product_name.clone(),
            action_id: spec.action_id.clone(),
            action_name: spec.action_name.clone(),
            parameters: spec.parameters.clone(),
            token: spec.token.clone(),
        };
        if let Err(e) = self.log(requested) {
            // Never run what could be forgotten.
            report(RunEvent::Submitted(Err(Error::new(ErrorKind::Other, "Journal", e.to_string()).with_hint(""))));
            return None;
        }
        self.submit(spec, report).await
    }

    async fn submit(&self, spec: &RunSpec, report: Report<'_>) -> Option<RecordDetail> {
        let mut schedule = PollSchedule::new(crate::emulator::world::fnv1a(spec.token.as_bytes()));
        for attempt in 1..=SUBMIT_ATTEMPTS {
            match self.client.execute(&spec.product_id, &spec.action_id, spec.parameters.as_ref(), &spec.token).await {
                Ok(record) => {
                    let now = Timestamp::now();
                    let _ = self.log(Event::Created {
                        run: spec.run.clone(),
                        at: now,
                        record_id: record.record_id.clone(),
                    });
                    if let Some(s) = &record.status {
                        let _ = self.log(Event::Status {
                            run: spec.run.clone(),
                            at: record.created_time.unwrap_or(now),
                            status: s.clone(),
                        });
                    }
                    report(RunEvent::Submitted(Ok(record.clone())));
                    return Some(record);
                }
                Err(e) if e.is_transient() && attempt < SUBMIT_ATTEMPTS => {
                    tracing::warn!(error = %e, attempt, run = spec.run, "execute failed; sending again with the same token");
                    report(RunEvent::Retrying(e));
                    tokio::time::sleep(schedule.after_throttle()).await;
                }
                Err(e) => {
                    if !e.is_transient() {
                        let _ = self.log(Event::NotStarted {
                            run: spec.run.clone(),
                            at: Timestamp::now(),
                            reason: e.to_string(),
                        });
                    }
                    report(RunEvent::Submitted(Err(e)));
                    return None;
                }
            }
        }
        None
    }

    /// Polls until the record ends, journaling each status change and the end; returns the ended
    /// record and its outputs. Errors are reported and polling goes on, slower: a record that has
    /// not ended is never given up.
    pub async fn follow(&self, run: &str, record_id: &str, report: Report<'_>) -> (RecordDetail, Vec<RecordOutput>) {
        let mut schedule = PollSchedule::new(crate::emulator::world::fnv1a(record_id.as_bytes()));
        // The first look comes at once (a record may already have ended), then the schedule.
        let mut wait = Duration::ZERO;
        let mut last: Option<RecordStatus> = None;
        loop {
            tokio::time::sleep(wait).await;
            match self.client.record(record_id).await {
                Ok((detail, outputs)) => {
                    let status = detail.status.clone();
                    if status != last {
                        schedule.on_change();
                        if let Some(s) = &status {
                            let at = detail.updated_time.unwrap_or_else(Timestamp::now);
                            if s.is_terminal() {
                                let _ = self.log(Event::Finished {
                                    run: run.to_string(),
                                    at,
                                    status: s.clone(),
                                    errors: detail.record_errors.clone(),
                                    outputs: outputs.clone(),
                                });
                            } else {
                                let _ = self.log(Event::Status { run: run.to_string(), at, status: s.clone() });
                            }
                        }
                        last = status;
                    }
                    let ended = detail.is_terminal();
                    report(RunEvent::Polled(Ok((detail.clone(), outputs.clone()))));
                    if ended {
                        return (detail, outputs);
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

    /// Starts and follows a run to its end. None if it never started.
    pub async fn run(&self, spec: &RunSpec, report: Report<'_>) -> Option<RecordDetail> {
        let record = self.start(spec, report).await?;
        Some(self.follow(&spec.run, &record.record_id, report).await.0)
    }

    /// Sends the execute of an open run once more (same token), for `runs resume` without --wait.
    pub async fn submit_once(&self, open: &JournalRun, report: Report<'_>) -> Option<RecordDetail> {
        if self.read_only {
            return None;
        }
        self.submit(&RunSpec::from_journal(open), report).await
    }

    /// Takes up a run the journal shows as open: polls its record, or, if no record id was ever
    /// received, sends the execute again with the same token (Service Catalog returns the record
    /// of the first if it did arrive).
    pub async fn resume(&self, open: &JournalRun, report: Report<'_>) -> Option<RecordDetail> {
        if open.demo {
            let reason = "it ran on a demo emulator, which ended with its process".to_string();
            let _ = self.log(Event::Abandoned { run: open.run.clone(), at: Timestamp::now(), reason });
            return None;
        }
        let spec = RunSpec::from_journal(open);
        let record_id = match &open.record_id {
            Some(id) => id.clone(),
            None => {
                if self.read_only {
                    let reason = "sctui runs with --read-only: the unsent execute was not sent again".to_string();
                    report(RunEvent::Refused(reason));
                    return None;
                }
                self.submit(&spec, report).await?.record_id
            }
        };
        Some(self.follow(&spec.run, &record_id, report).await.0)
    }
}

/// Open runs of a journal that this connection can take up (same profile, region and endpoint),
/// and open demo runs of earlier processes, to be closed as abandoned (their emulator is gone).
pub fn resumable(runs: &[JournalRun], target: &crate::catalog::Target) -> Vec<JournalRun> {
    runs.iter()
        .filter(|r| r.is_open())
        .filter(|r| {
            r.demo
                || (!target.demo
                    && r.endpoint == target.endpoint
                    && r.region == target.region
                    && r.profile == target.profile)
        })
        .cloned()
        .collect()
}
