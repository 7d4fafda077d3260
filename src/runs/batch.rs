//! The one batch scheduler: one action on many products, each run with its own token and journal
//! entry, at most `concurrency` at once, and nothing more launched after a failure if asked. The
//! TUI and `sctui batch` both use it.

use super::{RunError, RunEvent, RunSpec, Runner};
use crate::domain::{RecordDetail, RecordStatus};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchPlan {
    /// Runs in flight at once (at least 1).
    pub concurrency: usize,
    /// Launch nothing more once a run has failed (runs in flight go on).
    pub stop_on_failure: bool,
    /// Follow every run to its end; otherwise each is done once Service Catalog has its record.
    pub wait: bool,
}

/// What became of one run of a batch.
#[derive(Debug, Clone, PartialEq)]
pub enum BatchOutcome {
    /// The record ended (with `wait`).
    Ended(RecordDetail),
    /// The record exists and goes on (without `wait`).
    Started(RecordDetail),
    /// It did not start (nothing ran), or its record could no longer be followed.
    Failed(RunError),
    /// Not launched: an earlier run of the batch failed, and the batch stops after a failure.
    Stopped,
}

impl BatchOutcome {
    /// A failure stops a batch that stops on failure: a record that ended other than SUCCEEDED,
    /// or a run that did not start.
    pub fn is_failure(&self) -> bool {
        match self {
            BatchOutcome::Ended(d) => d.status != Some(RecordStatus::Succeeded),
            BatchOutcome::Failed(_) => true,
            BatchOutcome::Started(_) | BatchOutcome::Stopped => false,
        }
    }

    /// What the batch was asked for: ended SUCCEEDED (with `wait`), or started (without).
    pub fn is_success(&self) -> bool {
        match self {
            BatchOutcome::Ended(d) => d.status == Some(RecordStatus::Succeeded),
            BatchOutcome::Started(_) => true,
            BatchOutcome::Failed(_) | BatchOutcome::Stopped => false,
        }
    }

    pub fn record(&self) -> Option<&RecordDetail> {
        match self {
            BatchOutcome::Ended(d) | BatchOutcome::Started(d) => Some(d),
            BatchOutcome::Failed(_) | BatchOutcome::Stopped => None,
        }
    }
}

/// The reason shown for a run the batch did not launch.
pub const STOPPED: &str = "not launched: an earlier run of the batch failed (stop after the first failure)";

/// What the scheduler tells its caller about one run while the batch goes on.
#[derive(Debug, Clone)]
#[expect(clippy::large_enum_variant, reason = "handed to the caller by value once, never stored")]
pub enum Note<'a> {
    /// Its turn came: it is being started now (until then it waits in the queue).
    Launched,
    Progress(RunEvent),
    Done(&'a BatchOutcome),
}

/// Runs every spec, in order, at most `plan.concurrency` at once. `notify` hears each run's
/// progress and end, keyed by the caller's `K`; the outcomes come back in the order given.
pub async fn run<K, F>(runner: &Runner, items: Vec<(K, RunSpec)>, plan: BatchPlan, notify: F) -> Vec<(K, BatchOutcome)>
where
    K: Clone + Send + Sync + 'static,
    F: Fn(&K, Note<'_>) + Send + Sync + Clone + 'static,
{
    let items = items.into_iter().map(|(k, spec)| (k, runner.clone(), spec)).collect();
    run_each(items, plan, notify).await
}

/// The same, each run with its own runner (a fleet: each account's client). Runs of one
/// account go in the order given, at most `plan.concurrency` at once per account, so a slow
/// or throttled account never holds the others back; a failure anywhere stops a batch that
/// stops on failure.
pub async fn run_each<K, F>(items: Vec<(K, Runner, RunSpec)>, plan: BatchPlan, notify: F) -> Vec<(K, BatchOutcome)>
where
    K: Clone + Send + Sync + 'static,
    F: Fn(&K, Note<'_>) + Send + Sync + Clone + 'static,
{
    let failed = Arc::new(AtomicBool::new(false));
    // The batch's end is told once, with its tally (each run's end is told by its runner).
    let notifier = items.first().and_then(|(_, r, _)| r.notifier.clone());
    let action = items.first().map(|(_, _, s)| s.action_name.clone()).unwrap_or_default();
    let mut groups: Vec<(String, Vec<Queued<K>>)> = Vec::new();
    for (i, (key, runner, spec)) in items.into_iter().enumerate() {
        let account = runner.client.target.account.clone().unwrap_or_default();
        match groups.iter_mut().find(|(a, _)| *a == account) {
            Some((_, list)) => list.push((i, key, runner, spec)),
            None => groups.push((account, vec![(i, key, runner, spec)])),
        }
    }
    let launchers: Vec<_> = groups
        .into_iter()
        .map(|(_, list)| {
            let (failed, notify) = (failed.clone(), notify.clone());
            tokio::spawn(launch(list, plan, failed, notify))
        })
        .collect();
    let mut out = Vec::new();
    for l in launchers {
        match l.await {
            Ok(done) => out.extend(done),
            Err(e) => tracing::error!(error = %e, "a batch launcher failed"),
        }
    }
    out.sort_by_key(|(i, _, _)| *i);
    let outcomes: Vec<(K, BatchOutcome)> = out.into_iter().map(|(_, k, o)| (k, o)).collect();
    if let Some(n) = notifier {
        n.send(batch_event(&action, outcomes.iter().map(|(_, o)| o)));
    }
    outcomes
}

/// The notification of a batch's end: its tally; SUCCEEDED only when every run did.
fn batch_event<'a>(action: &str, outcomes: impl Iterator<Item = &'a BatchOutcome>) -> crate::notify::NotifyEvent {
    use crate::notify::{Kind, NotifyEvent, Tally};
    let mut t = Tally::default();
    for o in outcomes {
        t.total += 1;
        match o {
            o if o.is_success() => t.succeeded += 1,
            BatchOutcome::Stopped => t.not_started += 1,
            BatchOutcome::Failed(e) if !e.started() => t.not_started += 1,
            _ => t.failed += 1,
        }
    }
    let status = if t.succeeded == t.total { "SUCCEEDED" } else { "FAILED" };
    let mut e = NotifyEvent::new(Kind::BatchEnded, action, status);
    e.caller = super::operator();
    e.batch = Some(t);
    e.with_text()
}

/// A run waiting its turn: its place in the batch, the caller's key, its runner and spec.
type Queued<K> = (usize, K, Runner, RunSpec);

/// One account's runs, in order, at most `plan.concurrency` at once.
async fn launch<K, F>(
    items: Vec<Queued<K>>,
    plan: BatchPlan,
    failed: Arc<AtomicBool>,
    notify: F,
) -> Vec<(usize, K, BatchOutcome)>
where
    K: Clone + Send + Sync + 'static,
    F: Fn(&K, Note<'_>) + Send + Sync + Clone + 'static,
{
    let gate = Arc::new(tokio::sync::Semaphore::new(plan.concurrency.max(1)));
    let mut tasks = Vec::new();
    for (i, key, runner, spec) in items {
        let permit = gate.clone().acquire_owned().await;
        if permit.is_err() || (plan.stop_on_failure && failed.load(Ordering::SeqCst)) {
            notify(&key, Note::Done(&BatchOutcome::Stopped));
            tasks.push(tokio::spawn(std::future::ready((i, key, BatchOutcome::Stopped))));
            continue;
        }
        let (failed, notify) = (failed.clone(), notify.clone());
        tasks.push(tokio::spawn(async move {
            let _permit = permit;
            notify(&key, Note::Launched);
            let outcome = one(&runner, &key, &spec, plan.wait, &notify).await;
            if outcome.is_failure() {
                failed.store(true, Ordering::SeqCst);
            }
            notify(&key, Note::Done(&outcome));
            (i, key, outcome)
        }));
    }
    let mut out = Vec::with_capacity(tasks.len());
    for t in tasks {
        match t.await {
            Ok(done) => out.push(done),
            Err(e) => tracing::error!(error = %e, "a batch run's task failed"),
        }
    }
    out
}

async fn one<K, F>(runner: &Runner, key: &K, spec: &RunSpec, wait: bool, notify: &F) -> BatchOutcome
where
    F: Fn(&K, Note<'_>) + Send + Sync,
    K: Sync,
{
    let mut report = |e: RunEvent| notify(key, Note::Progress(e));
    match runner.start(spec, &mut report).await {
        Err(e) => BatchOutcome::Failed(e),
        Ok(record) if !wait => BatchOutcome::Started(record),
        Ok(record) => match runner.watch(spec, &record, &mut report).await {
            Ok((end, _)) => BatchOutcome::Ended(end),
            Err(e) => BatchOutcome::Failed(e),
        },
    }
}
