//! The runs of this session, and what the run worker reports about them: one record per run,
//! keyed by its `RunId`, whichever screen is showing.

use super::action::RunId;
use super::effect::Effect;
use super::screen::Fetch;
use super::session::{FleetView, Session};
use crate::catalog::{Error, ErrorKind};
use crate::domain::{
    ParameterMap, ProvisionedProduct, RecordDetail, RecordOutput, RecordStatus, ServiceAction, Timestamp,
};
use crate::runs::journal::JournalRun;
use crate::runs::{RunError, RunSpec};

#[derive(Debug, Clone, PartialEq)]
pub enum RunPhase {
    /// A batch run waiting for its turn: nothing sent yet, no clock running.
    Queued,
    /// The execute is being sent.
    Submitting,
    Watching,
    Ended,
    /// Nothing ran: why.
    NotStarted(String),
    /// It started, but its record can no longer be read: why.
    Lost(String),
    /// No answer after every retry: it may have run (`sctui runs resume` asks again).
    Unanswered(String),
    /// Watching stopped (access denied, or failing for too long); the run goes on in AWS.
    Unwatched(String),
    /// Its Execute was never answered and no record is clearly its: the operator decides
    /// (adopt a record, send it again, or abandon it), nothing is sent before.
    Uncertain(String),
    /// The operator closed it (abandoned, or sent again as another run): why.
    Abandoned(String),
}

/// What the operator may choose for an uncertain run.
#[derive(Debug, Clone)]
pub struct Decision {
    /// The action records of its product since its request: what it may have become.
    pub candidates: Fetch<Vec<RecordDetail>>,
    pub selected: usize,
    /// Its token is inside the token window: sending it again reuses it (safe); otherwise a new
    /// run with a new token is sent.
    pub token_fresh: bool,
}

#[derive(Debug, Clone)]
pub struct Run {
    pub id: RunId,
    pub product: ProvisionedProduct,
    pub action: ServiceAction,
    pub document: Option<String>,
    pub parameters: Option<ParameterMap>,
    pub token: String,
    pub started: Timestamp,
    pub record: Option<RecordDetail>,
    pub outputs: Vec<RecordOutput>,
    /// Each status with the time it was first seen (the record's UpdatedTime when it has one).
    pub timeline: Vec<(Timestamp, RecordStatus)>,
    pub phase: RunPhase,
    /// The last problem reaching Service Catalog while watching; cleared by the next answer.
    pub problem: Option<String>,
    /// The run's id in the journal.
    pub journal_id: String,
    /// Taken up from the journal of an earlier session.
    pub resumed: bool,
    /// The journal could not record part of this run (kept: the journal will not show its end).
    pub unjournaled: Option<String>,
    /// The run as the journal had it, when taken up from an earlier session.
    pub journal: Option<Box<JournalRun>>,
    /// Set while the run is uncertain: the operator's choices.
    pub decision: Option<Decision>,
    /// The SSM Automation execution behind the run, once asked for (only while it is on screen).
    pub steps: Option<Steps>,
    /// Its credentials expired while it was sent or watched: the run view offers the login,
    /// after which the run is taken up again.
    pub credentials_expired: bool,
    /// Started during a change freeze, with the operator's reason (journaled with the run).
    pub freeze: Option<crate::runs::journal::FreezeOverride>,
    /// Record polls answered so far, and the poll the steps were last asked for after: at most
    /// one GetAutomationExecution per poll.
    pub polls: u64,
    pub steps_at_poll: u64,
}

/// What is known of a run's SSM Automation execution.
#[derive(Debug, Clone)]
pub enum Steps {
    Loading,
    Ready(Box<crate::domain::Automation>),
    /// Several executions fit and the record does not name one: the operator picks.
    Choose {
        candidates: Vec<crate::domain::Automation>,
        selected: usize,
    },
    /// Why the steps cannot be shown (a missing permission, no execution found).
    Unavailable(String),
}

impl Run {
    /// Reading the run's SSM execution: again by id once `known`, else found from the record.
    fn load_steps(&self, run: RunId, record: RecordDetail, known: Option<String>) -> Effect {
        let load = Effect::LoadSteps {
            run,
            record,
            outputs: self.outputs.clone(),
            document: self.document.clone(),
            sent: self.sent(),
            known,
        };
        Effect::at(self.product.cell, load)
    }

    /// The run as it was sent, to find its SSM execution by.
    pub fn sent(&self) -> crate::runs::automation::Sent {
        crate::runs::automation::Sent {
            product_id: self.product.id.clone(),
            action_id: self.action.id.clone(),
            parameters: self.parameters.clone(),
        }
    }

    /// Its SSM execution is known and still running: `x` may stop it.
    pub fn stoppable(&self) -> bool {
        matches!(&self.steps, Some(Steps::Ready(a)) if !a.is_over())
    }

    pub fn status(&self) -> Option<&RecordStatus> {
        self.record.as_ref().and_then(|r| r.status.as_ref())
    }

    pub fn in_flight(&self) -> bool {
        matches!(self.phase, RunPhase::Submitting | RunPhase::Watching)
    }

    /// Since when the run has been in its current status.
    pub fn since(&self) -> Timestamp {
        self.timeline.last().map(|t| t.0).unwrap_or(self.started)
    }

    /// What the worker needs to send it.
    pub fn spec(&self) -> RunSpec {
        RunSpec {
            run: self.journal_id.clone(),
            product_id: self.product.id.clone(),
            product_name: self.product.name.clone(),
            action_id: self.action.id.clone(),
            action_name: self.action.name.clone(),
            parameters: self.parameters.clone(),
            token: self.token.clone(),
            // The runtime knows the recording's clock: it sets this as it starts the run.
            recording: None,
            freeze: self.freeze.clone(),
        }
    }
}

/// What a new run is made of; the book gives it its id.
pub struct NewRun {
    pub product: ProvisionedProduct,
    pub action: ServiceAction,
    pub document: Option<String>,
    pub parameters: Option<ParameterMap>,
    pub token: String,
    pub journal_id: String,
    pub phase: RunPhase,
}

/// The runs of the last batch, for the summary above the runs list.
#[derive(Debug, Clone)]
pub struct BatchSummary {
    pub action: String,
    pub runs: Vec<RunId>,
}

#[derive(Debug, Default)]
pub struct RunBook {
    pub list: Vec<Run>,
    pub batch: Option<BatchSummary>,
    next: u64,
}

/// An error in the operator's words, naming the product when it is about one.
pub fn operator_message(e: &Error, product: Option<&str>) -> String {
    match (e.kind, product) {
        (ErrorKind::InvalidState, Some(p)) => {
            format!("{p} is UNDER_CHANGE: another operation is running on it; wait until it finishes")
        }
        _ => e.to_string(),
    }
}

impl RunBook {
    pub fn get(&self, id: RunId) -> Option<&Run> {
        self.list.iter().find(|r| r.id == id)
    }

    pub fn get_mut(&mut self, id: RunId) -> Option<&mut Run> {
        self.list.iter_mut().find(|r| r.id == id)
    }

    pub fn in_flight(&self) -> usize {
        self.list.iter().filter(|r| r.in_flight()).count()
    }

    /// Batch runs still waiting for their turn.
    pub fn queued(&self) -> usize {
        self.list.iter().filter(|r| r.phase == RunPhase::Queued).count()
    }

    /// A queued run's turn came: its clock starts now.
    pub fn launched(&mut self, run: RunId, now: Timestamp) {
        if let Some(r) = self.get_mut(run)
            && r.phase == RunPhase::Queued
        {
            r.phase = RunPhase::Submitting;
            r.started = now;
        }
    }

    pub fn last(&self) -> Option<&Run> {
        self.list.last()
    }

    /// Adds a run; returns its id.
    pub fn add(&mut self, new: NewRun, now: Timestamp) -> RunId {
        self.next += 1;
        let id = RunId(self.next);
        self.list.push(Run {
            id,
            product: new.product,
            action: new.action,
            document: new.document,
            parameters: new.parameters,
            token: new.token,
            started: now,
            record: None,
            outputs: Vec::new(),
            timeline: Vec::new(),
            phase: new.phase,
            problem: None,
            journal_id: new.journal_id,
            resumed: false,
            unjournaled: None,
            journal: None,
            decision: None,
            steps: None,
            credentials_expired: false,
            freeze: None,
            polls: 0,
            steps_at_poll: 0,
        });
        id
    }

    /// The run on screen wants its steps read (again): it has a record, its execution is not
    /// over, nothing is being read, and a record poll came since the last read.
    pub fn steps_effect(&mut self, run: RunId) -> Option<Effect> {
        let r = self.get_mut(run)?;
        let record = r.record.clone()?;
        let known = match &r.steps {
            None => None,
            Some(Steps::Ready(a)) if !a.is_over() && r.polls > r.steps_at_poll => {
                Some(a.automation_execution_id.clone())
            }
            // Not found yet (the execution may not have started): asked again after a poll.
            Some(Steps::Unavailable(_)) if r.in_flight() && r.polls > r.steps_at_poll => None,
            _ => return None,
        };
        r.steps_at_poll = r.polls;
        if known.is_none() {
            r.steps = Some(Steps::Loading);
        }
        Some(r.load_steps(run, record, known))
    }

    /// Stop the run's SSM execution: the effect, if it is still running.
    pub fn stop_effect(&self, run: RunId) -> Option<Effect> {
        let r = self.get(run)?;
        let Some(Steps::Ready(a)) = &r.steps else { return None };
        if a.is_over() {
            return None;
        }
        let record_id = r.record.as_ref()?.record_id.clone();
        let stop = Effect::StopAutomation { run, execution_id: a.automation_execution_id.clone(), record_id };
        Some(Effect::at(r.product.cell, stop))
    }

    /// The operator picked one of several executions: it is read, and kept as the run's.
    pub fn pick_execution(&mut self, run: RunId) -> Option<Effect> {
        let r = self.get_mut(run)?;
        let Some(Steps::Choose { candidates, selected }) = &r.steps else { return None };
        let id = candidates.get(*selected)?.automation_execution_id.clone();
        let record = r.record.clone()?;
        r.steps = Some(Steps::Loading);
        Some(r.load_steps(run, record, Some(id)))
    }

    /// ↑/↓ among the executions to pick from.
    pub fn select_execution(&mut self, run: RunId, down: bool) {
        if let Some(Run { steps: Some(Steps::Choose { candidates, selected }), .. }) = self.get_mut(run) {
            *selected =
                if down { (*selected + 1).min(candidates.len().saturating_sub(1)) } else { selected.saturating_sub(1) };
        }
    }

    /// What the search for a run's execution found.
    pub fn steps_loaded(&mut self, run: RunId, result: Result<crate::runs::automation::Found, Error>) {
        use crate::runs::automation::Found;
        let Some(r) = self.get_mut(run) else { return };
        r.steps = Some(match (result, r.steps.take()) {
            (Ok(Found::One(a)), _) => Steps::Ready(a),
            (Ok(Found::Many(candidates)), _) => Steps::Choose { candidates, selected: 0 },
            (Ok(Found::None(why)), _) => Steps::Unavailable(why),
            // A passing problem while the steps show: they stay, and the next poll asks again.
            (Err(e), Some(Steps::Ready(a))) if e.is_transient() => Steps::Ready(a),
            (Err(e), _) if e.kind == crate::catalog::ErrorKind::AccessDenied => Steps::Unavailable(format!(
                "the steps need ssm:{} (AWSServiceCatalogEndUserFullAccess grants GetAutomationExecution, not the search)",
                e.operation
            )),
            (Err(e), _) => Steps::Unavailable(operator_message(&e, None)),
        });
    }

    /// Runs of earlier sessions that did not end: shown as resumed, and taken up again.
    /// Takes up the journal's open runs: each one this session does not know yet, and each one
    /// it knows but stopped watching (its credentials expired, say: after a login they are
    /// watched again, with the same run on screen). A run still watched is left alone. Over a
    /// fleet each goes through the cell of its account and region. Returns how many were taken up.
    pub fn resume(&mut self, open: Vec<JournalRun>, fleet: Option<&FleetView>) -> (usize, Vec<Effect>) {
        let mut effects = Vec::new();
        for j in open {
            let cell = fleet.and_then(|f| f.cell_of(j.account.as_deref(), j.region.as_deref()));
            let known = self.list.iter().find(|r| r.journal_id == j.run).map(|r| (r.id, r.phase.clone()));
            let phase = if j.record_id.is_some() { RunPhase::Watching } else { RunPhase::Submitting };
            let id = match known {
                // Watched already (and not failing for want of credentials), or decided.
                Some((id, RunPhase::Watching | RunPhase::Submitting))
                    if self.get(id).is_some_and(|r| r.credentials_expired) =>
                {
                    self.retake(id, phase, &j);
                    id
                }
                Some((_, RunPhase::Watching | RunPhase::Submitting | RunPhase::Queued | RunPhase::Ended)) => continue,
                Some((_, RunPhase::Uncertain(_) | RunPhase::Abandoned(_) | RunPhase::NotStarted(_))) => continue,
                Some((id, _)) => {
                    self.retake(id, phase, &j);
                    id
                }
                None => {
                    let product = ProvisionedProduct {
                        id: j.product_id.clone(),
                        name: j.product_name.clone(),
                        cell,
                        ..Default::default()
                    };
                    let action =
                        ServiceAction { id: j.action_id.clone(), name: j.action_name.clone(), ..Default::default() };
                    let new = NewRun {
                        product,
                        action,
                        document: None,
                        parameters: j.parameters.clone(),
                        token: j.token.clone(),
                        journal_id: j.run.clone(),
                        phase,
                    };
                    let id = self.add(new, j.requested_at);
                    if let Some(r) = self.get_mut(id) {
                        r.timeline = j.statuses.clone();
                        r.resumed = true;
                        r.journal = Some(Box::new(j.clone()));
                    }
                    id
                }
            };
            effects.push(Effect::at(cell, Effect::Resume { run: id, open: Box::new(j) }));
        }
        (effects.len(), effects)
    }

    /// A run this session stopped watching is watched again (the runtime ends its old watcher).
    fn retake(&mut self, id: RunId, phase: RunPhase, j: &JournalRun) {
        if let Some(r) = self.get_mut(id) {
            r.phase = phase;
            r.problem = None;
            r.credentials_expired = false;
            r.journal = Some(Box::new(j.clone()));
        }
    }

    pub fn retrying(&mut self, run: RunId, error: &Error) {
        if let Some(r) = self.get_mut(run) {
            r.credentials_expired |= error.kind == ErrorKind::Credentials;
            r.problem = Some(format!("{} (sending again with the same token)", operator_message(error, None)));
        }
    }

    /// The record exists. Returns the product and record ids, to mark the product busy.
    pub fn submitted(&mut self, run: RunId, record: RecordDetail, now: Timestamp) -> Option<(String, String)> {
        let r = self.get_mut(run)?;
        let status = record.status.clone().unwrap_or(RecordStatus::Created);
        if r.timeline.last().map(|t| &t.1) != Some(&status) {
            r.timeline.push((record.created_time.unwrap_or(now), status));
        }
        r.problem = None;
        let ids = (r.product.id.clone(), record.record_id.clone());
        r.record = Some(record);
        if r.phase != RunPhase::Ended {
            r.phase = RunPhase::Watching;
        }
        Some(ids)
    }

    /// Nothing ran, or the record was lost; the reason is shown on the run and as a toast.
    pub fn failed(&mut self, run: RunId, error: &RunError, session: &mut Session) {
        let Some(r) = self.get_mut(run) else { return };
        let text = match error {
            RunError::Api(e) => operator_message(e, Some(&r.product.name)),
            other => other.to_string(),
        };
        r.credentials_expired = match error {
            RunError::Api(e) | RunError::Unanswered(e) | RunError::Lost(e) | RunError::Unwatched(e) => {
                e.kind == ErrorKind::Credentials
            }
            _ => false,
        };
        r.phase = match error {
            RunError::Lost(_) => RunPhase::Lost(text.clone()),
            RunError::Unanswered(_) => RunPhase::Unanswered(text.clone()),
            RunError::Uncertain(_) => RunPhase::Uncertain(text.clone()),
            RunError::Unwatched(_) => RunPhase::Unwatched(text.clone()),
            _ => RunPhase::NotStarted(text.clone()),
        };
        // Only a run taken up from the journal can be decided on (its journal entry is the request).
        if matches!(error, RunError::Uncertain(_)) && r.journal.is_some() {
            // Whether the token is fresh comes with the candidates (the runtime knows the window).
            r.decision = Some(Decision { candidates: Fetch::Loading, selected: 0, token_fresh: false });
        }
        session.toast(text, true);
    }

    /// The records an uncertain run may have become.
    pub fn candidates(&mut self, run: RunId, result: Result<Vec<RecordDetail>, Error>, token_fresh: bool) {
        if let Some(d) = self.get_mut(run).and_then(|r| r.decision.as_mut()) {
            d.token_fresh = token_fresh;
            d.candidates = match result {
                Ok(list) => Fetch::Ready(list),
                Err(e) => Fetch::Failed(e.to_string()),
            };
            d.selected = 0;
        }
    }

    /// Moves the selection among an uncertain run's candidate records.
    pub fn select_candidate(&mut self, run: RunId, down: bool) {
        if let Some(d) = self.get_mut(run).and_then(|r| r.decision.as_mut())
            && let Fetch::Ready(list) = &d.candidates
        {
            d.selected =
                if down { (d.selected + 1).min(list.len().saturating_sub(1)) } else { d.selected.saturating_sub(1) };
        }
    }

    /// The operator decided: the choices are gone, and the run is watched again (`adopt`,
    /// `resend`) or closed (`abandon`). Returns the run as the journal has it, for the worker.
    pub fn decided(&mut self, run: RunId, phase: RunPhase) -> Option<Box<JournalRun>> {
        let r = self.get_mut(run)?;
        r.decision.take()?;
        r.phase = phase;
        r.journal.clone()
    }

    /// The journal missed the run's progress: said on the run and as a toast.
    pub fn unjournaled(&mut self, run: RunId, message: &str, session: &mut Session) {
        let Some(r) = self.get_mut(run) else { return };
        let text = format!("the journal could not record this run: {message}");
        r.unjournaled = Some(text.clone());
        session.toast(text, true);
    }

    /// A batch run that was never launched.
    pub fn skipped(&mut self, run: RunId, reason: &str) {
        if let Some(r) = self.get_mut(run) {
            // The batch stopped after a failure: its queued runs were never started.
            r.phase = RunPhase::NotStarted(reason.to_string());
        }
    }

    /// A poll's answer. When the record ended: the toast, the bell, and a fresh look at the product.
    pub fn polled(
        &mut self,
        run: RunId,
        result: Result<(RecordDetail, Vec<RecordOutput>), Error>,
        session: &mut Session,
    ) -> Vec<Effect> {
        let now = session.now;
        let Some(r) = self.get_mut(run) else { return vec![] };
        let (record, outputs) = match result {
            Ok(x) => x,
            Err(e) => {
                r.credentials_expired |= e.kind == ErrorKind::Credentials;
                r.problem = Some(format!("{} (still watching)", operator_message(&e, None)));
                return vec![];
            }
        };
        r.problem = None;
        r.polls += 1;
        let status = record.status.clone();
        if let Some(s) = &status
            && r.timeline.last().map(|t| &t.1) != Some(s)
        {
            r.timeline.push((record.updated_time.unwrap_or(now), s.clone()));
        }
        r.outputs = outputs;
        r.record = Some(record);
        if !status.as_ref().is_some_and(RecordStatus::is_terminal) || r.phase == RunPhase::Ended {
            return vec![];
        }
        r.phase = RunPhase::Ended;
        let ok = status == Some(RecordStatus::Succeeded);
        let text = format!(
            "{} on {}: {}",
            r.action.name,
            r.product.name,
            status.as_ref().map(|s| s.as_str()).unwrap_or_default()
        );
        let mut effects = vec![Effect::at(r.product.cell, Effect::RefreshProduct { id: r.product.id.clone() })];
        session.toast(text, !ok);
        if session.settings.bell {
            effects.push(Effect::Bell);
        }
        effects
    }
}
