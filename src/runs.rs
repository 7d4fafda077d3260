//! The run worker, shared by the TUI and the headless commands. It writes the run to the journal
//! before the execute is sent and sends it with a caller-chosen token, again with the same token
//! after any transient failure, so it never runs twice. It then watches the record until it ends,
//! journaling every change. Open runs are taken up again after a crash.
//!
//! May import: catalog, domain, paths (through journal). Never tui, headless or emulator.

pub mod automation;
pub mod batch;
pub mod cli_equiv;
pub mod console;
pub mod freeze;
pub mod journal;
pub mod schedule;

use crate::catalog::{CatalogClient, Error, ErrorKind, Target};
use crate::domain::{
    ParameterMap, ProvisionedProduct, RecordDetail, RecordOutput, RecordStatus, ServiceAction, Timestamp,
};
use journal::{Event, Journal, JournalError, JournalRun, Problem};
use schedule::PollSchedule;
use std::sync::Arc;
use std::time::Duration;

/// What the worker reports while a run goes on (its start and its end are returned instead).
#[derive(Debug, Clone)]
pub enum RunEvent {
    /// Sending failed for a passing reason; it will be sent again with the same token.
    Retrying(Error),
    /// Service Catalog created the record.
    Submitted(RecordDetail),
    Polled(Result<(RecordDetail, Vec<RecordOutput>), Error>),
    /// The journal could not record this run's progress (a full disk, say): the run goes on in
    /// AWS, but the journal will not show how it ended.
    Unjournaled(String),
}

/// Why a run did not end with its record: the first three mean nothing ran.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RunError {
    /// `--read-only` (or the config) refused it before anything was sent.
    #[error("{0}")]
    Refused(String),
    /// The journal could not take the request, so it was not sent: never run what could be forgotten.
    #[error("{0}")]
    Journal(String),
    /// Service Catalog refused it: nothing ran.
    #[error("{0}")]
    Api(Error),
    /// No answer after every retry (network, throttling, 5xx): it may have run. It stays open in
    /// the journal, and `sctui runs resume` sends it again with the same token.
    #[error("{0}; it may have run: `sctui runs resume` asks again with the same token, which never runs it twice")]
    Unanswered(Error),
    /// It started, but its record can no longer be read (ResourceNotFound): nobody can follow it.
    #[error("{0}")]
    Lost(Error),
    /// Watching stopped: the record could not be read (access denied, or failing calls for longer
    /// than the poll error timeout). The run goes on in AWS and stays open in the journal.
    #[error("{0}; the run goes on in AWS: `sctui runs resume --wait` watches it again")]
    Unwatched(Error),
    /// Its Execute was never answered and its token is older than the token window: sending it
    /// again could run it twice, and no single record in the product's history is clearly its.
    #[error("{0}")]
    Uncertain(String),
}

impl RunError {
    /// Whether the action may have run.
    pub fn started(&self) -> bool {
        matches!(self, RunError::Lost(_) | RunError::Unanswered(_) | RunError::Uncertain(_) | RunError::Unwatched(_))
    }
}

/// How long watching a run rides out failing calls (expired credentials, no network) by default.
pub const POLL_ERROR_TIMEOUT: Duration = Duration::from_secs(300);

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
    /// Where the run starts in the session's recording (set by the TUI's runtime).
    pub recording: Option<journal::Recording>,
    /// Run in a freeze, with the operator's reason.
    pub freeze: Option<journal::FreezeOverride>,
}

impl RunSpec {
    /// The run as sent, to find its SSM execution by.
    pub fn sent(&self) -> automation::Sent {
        automation::Sent {
            product_id: self.product_id.clone(),
            action_id: self.action_id.clone(),
            parameters: self.parameters.clone(),
        }
    }

    /// `run` is the journal's id for the run; `token` the ExecuteToken. Both come from the caller
    /// (random in practice, fixed in tests).
    pub fn new(
        run: String,
        product: &ProvisionedProduct,
        action: &ServiceAction,
        parameters: Option<ParameterMap>,
        token: String,
    ) -> RunSpec {
        RunSpec {
            run,
            product_id: product.id.clone(),
            product_name: product.name.clone(),
            action_id: action.id.clone(),
            action_name: action.name.clone(),
            parameters,
            token,
            recording: None,
            freeze: None,
        }
    }

    pub fn from_journal(r: &JournalRun) -> RunSpec {
        RunSpec {
            run: r.run.clone(),
            product_id: r.product_id.clone(),
            product_name: r.product_name.clone(),
            action_id: r.action_id.clone(),
            action_name: r.action_name.clone(),
            parameters: r.parameters.clone(),
            token: r.token.clone(),
            recording: r.recording.clone(),
            freeze: r.freeze.clone(),
        }
    }
}

/// A fresh random id (a run's journal id, an ExecuteToken).
pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Transient failures of the execute are retried this many times (each after the SDK's own
/// retries), always with the same ExecuteToken. After that the run stays open in the journal and
/// `sctui runs resume` (or the next start of the TUI) sends it again, still with the same token.
pub const SUBMIT_ATTEMPTS: u32 = 8;

/// Progress of a run, as it happens.
pub type Report<'a> = &'a mut (dyn FnMut(RunEvent) + Send);

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

/// How long an unanswered Execute may be sent again with its token (AWS does not document how
/// long a token stays idempotent).
pub const TOKEN_WINDOW: Duration = Duration::from_secs(3600);

/// A record is taken as an unanswered run's own when it was created this close after the request.
const ADOPT_WITHIN_SECS: f64 = 300.0;

/// The RecordType of a self-service action's record.
const EXECUTE_RECORD: &str = "EXECUTE_PROVISIONED_PRODUCT_SERVICE_ACTION";

#[derive(Clone)]
pub struct Runner {
    pub client: CatalogClient,
    pub journal: Option<Arc<Journal>>,
    pub read_only: bool,
    /// Unanswered Executes older than this are not sent again blindly.
    pub token_window: Duration,
    /// Watching gives up after failing this long.
    pub poll_error_timeout: Duration,
    /// Told when a run ends or needs the operator (`--notify-command`, `--notify-webhook`).
    pub notifier: Option<Arc<crate::notify::Notifier>>,
}

impl Runner {
    pub fn new(client: CatalogClient, journal: Option<Arc<Journal>>, read_only: bool) -> Runner {
        Runner {
            client,
            journal,
            read_only,
            token_window: TOKEN_WINDOW,
            poll_error_timeout: POLL_ERROR_TIMEOUT,
            notifier: None,
        }
    }

    pub fn with_notifier(mut self, notifier: Option<Arc<crate::notify::Notifier>>) -> Runner {
        self.notifier = notifier;
        self
    }

    /// Tells the notifier (if any) about `spec`: it ended with `record`, or needs the operator
    /// (`status` UNCERTAIN, CREDENTIALS_EXPIRED, LOST, UNWATCHED, and why).
    fn notify(&self, spec: &RunSpec, record: Option<&RecordDetail>, attention: Option<(&str, String)>) {
        use crate::notify::{Kind, NotifyEvent};
        let Some(n) = &self.notifier else { return };
        let status = match (&attention, record.and_then(|r| r.status.as_ref())) {
            (Some((s, _)), _) => s.to_string(),
            (None, Some(s)) => s.as_str().to_string(),
            (None, None) => "UNKNOWN".into(),
        };
        let kind = if attention.is_some() { Kind::RunNeedsAttention } else { Kind::RunEnded };
        let mut e = NotifyEvent::new(kind, &spec.action_name, &status);
        e.caller = operator();
        e.run = Some(spec.run.clone());
        e.action_id = Some(spec.action_id.clone());
        e.product_name = Some(crate::validate::clean(&spec.product_name));
        e.product_id = Some(spec.product_id.clone());
        e.record_id = record.map(|r| r.record_id.clone());
        let t = &self.client.target;
        (e.account, e.region, e.profile) = (t.account.clone(), t.region.clone(), t.profile.clone());
        e.reason = match attention {
            Some((_, why)) => Some(crate::validate::clean(&why)),
            None => record
                .and_then(|r| r.record_errors.first())
                .map(|x| crate::validate::clean(x.description.as_deref().unwrap_or(""))),
        };
        n.send(e.with_text());
    }

    pub fn with_poll_error_timeout(mut self, timeout: Duration) -> Runner {
        self.poll_error_timeout = timeout;
        self
    }

    pub fn with_token_window(mut self, window: Duration) -> Runner {
        self.token_window = window;
        self
    }

    /// Journals that the execution behind `record_id` was stopped, on the run that made the
    /// record (when this journal has it). Returns that run's id.
    pub async fn journal_stop(&self, record_id: &str, execution_id: &str) -> Result<Option<String>, JournalError> {
        let Some(j) = self.journal.clone() else { return Ok(None) };
        let (path, record) = (j.path().to_path_buf(), record_id.to_string());
        let found = tokio::task::spawn_blocking(move || journal::run_of_record(&path, &record)).await;
        let Ok(Some(run)) = found else { return Ok(None) };
        let event =
            Event::StopRequested { run: run.run.clone(), at: Timestamp::now(), execution_id: execution_id.to_string() };
        self.log(event).await.map(|()| Some(run.run))
    }

    /// Appends to the journal on a blocking thread: the write is synced to disk, and the async
    /// executor must not wait for a disk.
    async fn log(&self, event: Event) -> Result<(), JournalError> {
        let Some(j) = self.journal.clone() else { return Ok(()) };
        let path = j.path().to_path_buf();
        match tokio::task::spawn_blocking(move || j.append(&event)).await {
            Ok(result) => result,
            Err(e) => Err(JournalError { path, what: "written", source: std::io::Error::other(e.to_string()) }),
        }
    }

    /// Journals the request, then sends it. Returns the record once Service Catalog has one.
    pub async fn start(&self, spec: &RunSpec, report: Report<'_>) -> Result<RecordDetail, RunError> {
        if self.read_only {
            let reason = "sctui runs with --read-only: executing actions is refused".to_string();
            let _ =
                self.log(Event::Refused { run: spec.run.clone(), at: Timestamp::now(), reason: reason.clone() }).await;
            tracing::warn!(run = spec.run, "execute refused: read-only");
            return Err(RunError::Refused(reason));
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
            account: t.account.clone(),
            role: t.role.clone(),
            product_id: spec.product_id.clone(),
            product_name: spec.product_name.clone(),
            action_id: spec.action_id.clone(),
            action_name: spec.action_name.clone(),
            parameters: spec.parameters.clone(),
            token: spec.token.clone(),
            recording: spec.recording.clone(),
            freeze: spec.freeze.clone(),
            sctui: Some(crate::version::line()),
        };
        // Never run what could be forgotten.
        self.log(requested).await.map_err(|e| RunError::Journal(e.to_string()))?;
        self.submit(spec, report).await
    }

    async fn submit(&self, spec: &RunSpec, report: Report<'_>) -> Result<RecordDetail, RunError> {
        let mut schedule = PollSchedule::for_key(&spec.token);
        let mut attempt = 1;
        loop {
            match self.client.execute(&spec.product_id, &spec.action_id, spec.parameters.as_ref(), &spec.token).await {
                Ok(record) => {
                    let now = Timestamp::now();
                    let run = spec.run.clone();
                    let created = Event::Created { run: run.clone(), at: now, record_id: record.record_id.clone() };
                    self.log_or_report(created, report).await;
                    if let Some(s) = &record.status {
                        let at = record.created_time.unwrap_or(now);
                        self.log_or_report(Event::Status { run, at, status: s.clone() }, report).await;
                    }
                    report(RunEvent::Submitted(record.clone()));
                    return Ok(record);
                }
                Err(e) if e.is_transient() && attempt < SUBMIT_ATTEMPTS => {
                    tracing::warn!(error = %e, attempt, run = spec.run, "execute failed; sending again with the same token");
                    report(RunEvent::Retrying(e));
                    tokio::time::sleep(schedule.after_throttle()).await;
                    attempt += 1;
                }
                Err(e) if e.is_transient() => return Err(RunError::Unanswered(e)),
                Err(e) => {
                    let (run, reason) = (spec.run.clone(), e.to_string());
                    self.log_or_report(Event::NotStarted { run, at: Timestamp::now(), reason }, report).await;
                    return Err(RunError::Api(e));
                }
            }
        }
    }

    /// Appends an event about a run that may already be running; a failure is reported, not
    /// swallowed (the run goes on, but the operator must know the journal missed it).
    async fn log_or_report(&self, event: Event, report: Report<'_>) {
        if let Err(e) = self.log(event).await {
            tracing::error!(error = %e, "journal write failed after the execute");
            report(RunEvent::Unjournaled(e.to_string()));
        }
    }

    /// Polls until the record ends, journaling each status change and the end; returns the ended
    /// record and its outputs. Passing errors are reported and polling goes on, slower, for up to
    /// the poll error timeout. A record that no longer exists is given up at once (and journaled
    /// as abandoned); one the caller may not read ends the watch at once (the run stays open).
    pub async fn follow(
        &self,
        run: &RunSpec,
        record_id: &str,
        report: Report<'_>,
    ) -> Result<(RecordDetail, Vec<RecordOutput>), RunError> {
        // The first look comes at once (a record may already have ended), then the schedule.
        self.follow_from(run, record_id, None, report).await
    }

    /// Follows a record that Execute has just answered with: its status is known, so the first
    /// look waits for the schedule (one DescribeRecord fewer per run, which a batch of 200
    /// against a rate limit feels).
    pub async fn watch(
        &self,
        run: &RunSpec,
        record: &RecordDetail,
        report: Report<'_>,
    ) -> Result<(RecordDetail, Vec<RecordOutput>), RunError> {
        self.follow_from(run, &record.record_id, Some(record), report).await
    }

    async fn follow_from(
        &self,
        spec: &RunSpec,
        record_id: &str,
        answered: Option<&RecordDetail>,
        report: Report<'_>,
    ) -> Result<(RecordDetail, Vec<RecordOutput>), RunError> {
        let run = spec.run.as_str();
        // Expired credentials are told once per watch.
        let mut told_credentials = false;
        let mut schedule = PollSchedule::for_key(record_id);
        // The answered status was journaled by `start`; an ended one is journaled with its end.
        let mut last: Option<RecordStatus> = answered.and_then(|r| r.status.clone()).filter(|s| !s.is_terminal());
        let mut wait = match answered {
            Some(_) => schedule.after_answer(),
            None => Duration::ZERO,
        };
        let mut failing_since: Option<tokio::time::Instant> = None;
        loop {
            tokio::time::sleep(wait).await;
            match self.client.record(record_id).await {
                Ok((detail, outputs)) => {
                    failing_since = None;
                    if detail.status != last {
                        schedule.on_change();
                        if let Some(s) = &detail.status {
                            self.log_status(run, &detail, &outputs, s, report).await;
                        }
                        last = detail.status.clone();
                    }
                    let ended = detail.is_terminal();
                    report(RunEvent::Polled(Ok((detail.clone(), outputs.clone()))));
                    if ended {
                        self.notify(spec, Some(&detail), None);
                        return Ok((detail, outputs));
                    }
                    wait = schedule.after_answer();
                }
                Err(e) if e.kind == ErrorKind::NotFound => {
                    let reason = format!("its record {record_id} no longer exists: {e}");
                    self.log_or_report(
                        Event::Abandoned { run: run.to_string(), at: Timestamp::now(), reason: reason.clone() },
                        report,
                    )
                    .await;
                    self.notify(spec, answered, Some(("LOST", reason)));
                    return Err(RunError::Lost(e));
                }
                Err(e) if e.kind == ErrorKind::AccessDenied => {
                    self.notify(spec, answered, Some(("UNWATCHED", e.to_string())));
                    return Err(RunError::Unwatched(e));
                }
                Err(e) => {
                    let since = *failing_since.get_or_insert_with(tokio::time::Instant::now);
                    if e.kind == ErrorKind::Credentials && !told_credentials {
                        told_credentials = true;
                        self.notify(spec, answered, Some(("CREDENTIALS_EXPIRED", e.to_string())));
                    }
                    if since.elapsed() >= self.poll_error_timeout {
                        self.notify(spec, answered, Some(("UNWATCHED", e.to_string())));
                        return Err(RunError::Unwatched(e));
                    }
                    tracing::warn!(error = %e, record_id, "polling failed; will try again");
                    report(RunEvent::Polled(Err(e)));
                    let left = self.poll_error_timeout.saturating_sub(since.elapsed());
                    wait =
                        schedule.after_throttle().max(Duration::from_secs(1)).min(left.max(Duration::from_millis(100)));
                }
            }
        }
    }

    async fn log_status(
        &self,
        run: &str,
        detail: &RecordDetail,
        outputs: &[RecordOutput],
        s: &RecordStatus,
        report: Report<'_>,
    ) {
        let at = detail.updated_time.unwrap_or_else(Timestamp::now);
        let run = run.to_string();
        let event = if s.is_terminal() {
            let (errors, outputs) = (detail.record_errors.clone(), outputs.to_vec());
            Event::Finished { run, at, status: s.clone(), errors, outputs }
        } else {
            Event::Status { run, at, status: s.clone() }
        };
        self.log_or_report(event, report).await;
    }

    /// Starts and follows a run to its end.
    pub async fn run(&self, spec: &RunSpec, report: Report<'_>) -> Result<RecordDetail, RunError> {
        let record = self.start(spec, report).await?;
        Ok(self.watch(spec, &record, report).await?.0)
    }

    /// Takes up a run the journal shows as open: polls its record, or, if no record id was ever
    /// received, sends the execute again with the same token (Service Catalog returns the record
    /// of the first if it did arrive). A token older than the token window is not sent again:
    /// the run's record is looked for in its product's history instead, and adopted when exactly
    /// one fits; otherwise the run is uncertain and left to the operator (`resend`). With `wait`
    /// false it returns once the record is known.
    pub async fn resume(&self, open: &JournalRun, wait: bool, report: Report<'_>) -> Result<RecordDetail, RunError> {
        let resend = open.record_id.is_none() && self.token_fresh(open);
        self.take_up(open, wait, resend, report).await
    }

    /// Sends an unanswered run's Execute again with its token, whatever its age: the operator
    /// checked the product's history and decided.
    pub async fn resend(&self, open: &JournalRun, wait: bool, report: Report<'_>) -> Result<RecordDetail, RunError> {
        self.take_up(open, wait, true, report).await
    }

    async fn take_up(
        &self,
        open: &JournalRun,
        wait: bool,
        resend: bool,
        report: Report<'_>,
    ) -> Result<RecordDetail, RunError> {
        let spec = RunSpec::from_journal(open);
        let record = match &open.record_id {
            Some(id) if !wait => return self.client.record(id).await.map(|(d, _)| d).map_err(RunError::Api),
            Some(id) => id.clone(),
            None if self.read_only => {
                return Err(RunError::Refused(
                    "sctui runs with --read-only: the unsent execute was not sent again".into(),
                ));
            }
            None if resend => {
                let record = self.submit(&spec, report).await?;
                if !wait {
                    return Ok(record);
                }
                record.record_id
            }
            None => {
                let record = self.adopt(open, report).await?;
                if !wait {
                    return Ok(record);
                }
                record.record_id
            }
        };
        Ok(self.follow(&spec, &record, report).await?.0)
    }

    /// Takes up an open run without ever sending anything (the TUI at start-up): a run with a
    /// record is watched; one without is adopted from its product's history when exactly one
    /// record fits, and is otherwise uncertain, for the operator to decide (`candidates`,
    /// `adopt_record`, `resend`, `abandon`).
    pub async fn take_up_asking(&self, open: &JournalRun, report: Report<'_>) -> Result<RecordDetail, RunError> {
        let record = match &open.record_id {
            Some(id) => id.clone(),
            None => self.adopt(open, report).await?.record_id,
        };
        Ok(self.follow(&RunSpec::from_journal(open), &record, report).await?.0)
    }

    /// Whether the run's token is still inside the token window: sending it again with it is
    /// then safe (Service Catalog answers with the first run's record if that one arrived).
    pub fn token_fresh(&self, open: &JournalRun) -> bool {
        Timestamp::now().0 - open.requested_at.0 <= self.token_window.as_secs_f64()
    }

    /// The action records of the run's product created since its request (newest first, at
    /// most 10): what an uncertain run may have become.
    pub async fn candidates(&self, open: &JournalRun) -> Result<Vec<RecordDetail>, Error> {
        let mut found = self.action_records_since(open).await?;
        found.sort_by(|a, b| {
            b.created_time.map(|t| t.0).unwrap_or(0.0).total_cmp(&a.created_time.map(|t| t.0).unwrap_or(0.0))
        });
        found.truncate(10);
        Ok(found)
    }

    /// The action records of the run's product created since its request (a few seconds of
    /// clock skew allowed): what it may have become.
    async fn action_records_since(&self, open: &JournalRun) -> Result<Vec<RecordDetail>, Error> {
        let from = open.requested_at.0 - 5.0;
        let history = self.client.history(&open.product_id).await?;
        Ok(history
            .into_iter()
            .filter(|r| r.record_type.as_deref() == Some(EXECUTE_RECORD))
            .filter(|r| r.created_time.is_some_and(|t| t.0 >= from))
            .collect())
    }

    /// The operator chose `record_id` as the run's own: checked to be an action record of the
    /// run's product, journaled, then followed to its end.
    pub async fn adopt_record(
        &self,
        open: &JournalRun,
        record_id: &str,
        report: Report<'_>,
    ) -> Result<RecordDetail, RunError> {
        let (record, _) = self.client.record(record_id).await.map_err(RunError::Api)?;
        if record.provisioned_product_id.as_deref() != Some(open.product_id.as_str())
            || record.record_type.as_deref() != Some(EXECUTE_RECORD)
        {
            return Err(RunError::Uncertain(format!(
                "record {record_id} is not an action record of {}: not adopted",
                open.product_name
            )));
        }
        let event = Event::Created { run: open.run.clone(), at: Timestamp::now(), record_id: record.record_id.clone() };
        self.log_or_report(event, report).await;
        report(RunEvent::Submitted(record.clone()));
        Ok(self.follow(&RunSpec::from_journal(open), &record.record_id, report).await?.0)
    }

    /// The operator closed the run: journaled as abandoned with the reason.
    pub async fn abandon(&self, run: &str, reason: String) -> Result<(), JournalError> {
        self.log(Event::Abandoned { run: run.to_string(), at: Timestamp::now(), reason }).await
    }

    /// The record of an unanswered run: the one action record of its product created in the
    /// minutes after the request. Journaled as the run's own when found.
    async fn adopt(&self, open: &JournalRun, report: Report<'_>) -> Result<RecordDetail, RunError> {
        let until = open.requested_at.0 + ADOPT_WITHIN_SECS;
        let candidates: Vec<RecordDetail> = (self.action_records_since(open).await.map_err(RunError::Api)?)
            .into_iter()
            .filter(|r| r.created_time.is_some_and(|t| t.0 <= until))
            .collect();
        let [record] = candidates.as_slice() else {
            let uncertain = |why: String| {
                self.notify(&RunSpec::from_journal(open), None, Some(("UNCERTAIN", why.clone())));
                RunError::Uncertain(why)
            };
            let found = if candidates.is_empty() {
                "no action record".to_string()
            } else {
                format!("{} action records", candidates.len())
            };
            let age = if self.token_fresh(open) {
                format!("its token is younger than {} min", self.token_window.as_secs() / 60)
            } else {
                format!("its token is older than {} min", self.token_window.as_secs() / 60)
            };
            return Err(uncertain(format!(
                "run {} on {}: its Execute was never answered, {age}, and its product's history \
                 shows {found} from that time. Check `sctui history {}`; `sctui runs resume --resend {}` sends it again",
                open.run, open.product_name, open.product_id, open.run
            )));
        };
        let event = Event::Created { run: open.run.clone(), at: Timestamp::now(), record_id: record.record_id.clone() };
        self.log_or_report(event, report).await;
        Ok(record.clone())
    }

    /// Reads the journal and returns the open runs this connection can take up (same profile,
    /// region and endpoint). Open runs of a demo emulator, which ended with its process, are
    /// closed as abandoned on the way: nothing can follow them any more.
    /// The open runs this connection can take up, the journal's problems, and how many open
    /// demo runs of earlier processes were closed as abandoned just now (their emulator is gone).
    pub async fn open_runs(&self) -> Result<(Vec<JournalRun>, Vec<Problem>, usize), JournalError> {
        self.open_runs_for(std::slice::from_ref(&self.client.target)).await
    }

    /// The same for several connections at once (a fleet's cells): the open runs any of
    /// `targets` can take up.
    pub async fn open_runs_for(
        &self,
        targets: &[Target],
    ) -> Result<(Vec<JournalRun>, Vec<Problem>, usize), JournalError> {
        let Some(j) = self.journal.clone() else { return Ok((Vec::new(), Vec::new(), 0)) };
        let path = j.path().to_path_buf();
        let read = tokio::task::spawn_blocking(move || Journal::read(&path)).await;
        let (events, problems) = read.map_err(|e| JournalError {
            path: j.path().to_path_buf(),
            what: "read",
            source: std::io::Error::other(e.to_string()),
        })??;
        let mut runs = journal::runs(&events);
        journal::mark_damaged(&mut runs, &problems);
        // A damaged run with no record may have been refused, or may have run: it is listed as
        // damaged for the operator to check, never sent again by itself.
        let mut candidates: Vec<JournalRun> = Vec::new();
        for target in targets {
            for r in resumable(&runs, target) {
                let unsure = r.damaged && r.record_id.is_none();
                if !unsure && !candidates.iter().any(|c| c.run == r.run) {
                    candidates.push(r);
                }
            }
        }
        let (demo, open): (Vec<_>, Vec<_>) = candidates.into_iter().partition(|r| r.demo);
        let closed = demo.len();
        for r in demo {
            let reason = "it ran on a demo emulator, which ended with its process".to_string();
            let _ = self.log(Event::Abandoned { run: r.run.clone(), at: Timestamp::now(), reason }).await;
        }
        Ok((open, problems, closed))
    }
}

/// Open runs of a journal that this connection can take up (same profile, region and endpoint),
/// and open demo runs of earlier processes, to be closed as abandoned (their emulator is gone).
pub fn resumable(runs: &[JournalRun], target: &Target) -> Vec<JournalRun> {
    runs.iter()
        .filter(|r| r.is_open())
        .filter(|r| {
            r.demo
                || (!target.demo
                    && r.endpoint == target.endpoint
                    && r.region == target.region
                    && r.profile == target.profile
                    && r.account == target.account
                    && r.role == target.role)
        })
        .cloned()
        .collect()
}
