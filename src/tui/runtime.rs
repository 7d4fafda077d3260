//! Runs the effects `update` asks for, off the UI path, and feeds the results back as actions
//! over one channel. `step` is the one way an action is applied: the real loop, the tests and
//! the benchmarks all use it. Draws only when something changed.

use super::action::{Action, Connected, FleetConnected, RunId};
use super::app::{App, update};
use super::effect::Effect;
use super::view;
use crate::catalog::{CatalogClient, ClientSettings, LiveOptions, Pager, ProductQuery};
use crate::domain::Timestamp;
use crate::runs::batch::{self, BatchOutcome, Note};
use crate::runs::journal::Journal;
use crate::runs::{RunEvent, RunSpec, Runner, schedule::PollSchedule};
use crossterm::event::{Event, EventStream, KeyEventKind};
use futures::StreamExt;
use ratatui::Terminal;
use ratatui::backend::Backend;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

/// How the client is obtained: ready (demo) or resolved in the background (live); or a fleet's
/// clients, one per cell.
pub enum Connection {
    Ready(CatalogClient),
    Live { options: LiveOptions, settings: ClientSettings, accept_language: Option<String> },
    Fleet(FleetSetup),
}

/// A fleet to resolve (again after a login), or already resolved (the demo's).
#[derive(Clone)]
pub struct FleetSetup {
    pub name: String,
    pub spec: crate::config::FleetConfig,
    /// The SSO profile (`--profile`), when the fleet names none.
    pub profile: Option<String>,
    pub settings: ClientSettings,
    pub access_level: crate::domain::AccessLevel,
    /// Resolved already (the demo's fleet of its own accounts): used as it is.
    pub ready: Option<Arc<crate::fleet::Fleet>>,
}

impl FleetSetup {
    async fn resolve(self) -> Result<Arc<crate::fleet::Fleet>, String> {
        if let Some(f) = self.ready {
            return Ok(f);
        }
        let f =
            crate::fleet::resolve(self.name, &self.spec, self.profile.as_deref(), &self.settings, self.access_level)
                .await?;
        if f.cells.is_empty() {
            let why = f.problems.first().cloned().unwrap_or_else(|| "no account offers the role".into());
            return Err(format!("the fleet has no account and region to list: {why}"));
        }
        Ok(Arc::new(f))
    }
}

/// The live connection's options, to connect again with another profile or region.
#[derive(Clone)]
struct LiveSetup {
    options: LiveOptions,
    settings: ClientSettings,
    accept_language: Option<String>,
}

pub struct Runtime {
    tx: UnboundedSender<Action>,
    live: Option<LiveSetup>,
    /// The runner of the current connection; runs in flight keep the one they started with.
    runner: Option<Runner>,
    /// The connection attempt whose client is wanted (older answers are dropped).
    generation: u64,
    journal: Option<Arc<Journal>>,
    read_only: bool,
    /// Unanswered Executes older than this are not sent again blindly.
    token_window: Duration,
    /// Watching a run gives up after failing this long.
    poll_error_timeout: Duration,
    products_task: Option<tokio::task::JoinHandle<()>>,
    /// A fleet: how to resolve it, and each cell's runner (a product's `cell` indexes them).
    fleet: Option<FleetSetup>,
    cells: Vec<Runner>,
    /// The cell an effect in flight is run for (`Effect::InCell`), for the answers that name it.
    current_cell: Option<u16>,
    /// Told when a run or a batch ends or needs the operator; its failures come back as actions.
    notifier: Option<Arc<crate::notify::Notifier>>,
    /// The session's recording (`--record`): its file's name and start, to journal where each
    /// run starts in it.
    recording: Option<(String, std::time::Instant)>,
    /// The task sending or watching each run: a run taken up again (after a login) ends its
    /// old watcher first, so that no run is ever watched twice.
    watchers: std::collections::HashMap<RunId, tokio::task::AbortHandle>,
}

/// Where background work reports: the App's channel (a closed channel means the TUI has gone).
#[derive(Clone)]
struct Sender(UnboundedSender<Action>);

impl Sender {
    fn send(&self, a: Action) {
        let _ = self.0.send(a);
    }
}

/// The terminal operations the runtime needs besides drawing (the real one lives in `tui.rs`).
pub trait Host {
    fn suspend(&mut self) -> std::io::Result<()>;
    fn bell(&mut self);
    /// Puts text on the clipboard of the terminal the operator sits at (OSC 52).
    fn copy(&mut self, _text: &str) {}
    fn draw(&mut self, app: &App) -> std::io::Result<()>;
}

/// A host that draws nothing: for driving the App headlessly (tests, benchmarks).
pub struct NullHost;

impl Host for NullHost {
    fn suspend(&mut self) -> std::io::Result<()> {
        Ok(())
    }
    fn bell(&mut self) {}
    fn draw(&mut self, _: &App) -> std::io::Result<()> {
        Ok(())
    }
}

/// Applies one action: the runtime takes what is its own (a new client), `update` the rest, and
/// the effects are started.
pub fn step(app: &mut App, runtime: &mut Runtime, host: &mut dyn Host, action: Action) {
    runtime.observe(&action);
    for effect in update(app, action) {
        runtime.run(effect, host);
    }
}

impl Runtime {
    /// `journal` receives every run before it is sent; `read_only` refuses every run in the worker.
    pub fn new(
        connection: Connection,
        journal: Option<Arc<Journal>>,
        read_only: bool,
    ) -> (Runtime, UnboundedReceiver<Action>) {
        let (tx, rx) = unbounded_channel();
        // Without a journal nothing may run: it could be forgotten.
        let read_only = read_only || journal.is_none();
        let (ready, live, fleet) = match connection {
            Connection::Ready(c) => (Some(c), None, None),
            Connection::Live { options, settings, accept_language } => {
                (None, Some(LiveSetup { options, settings, accept_language }), None)
            }
            Connection::Fleet(setup) => (None, None, Some(setup)),
        };
        let mut rt = Runtime {
            tx,
            live,
            runner: None,
            generation: 0,
            journal,
            read_only,
            token_window: crate::runs::TOKEN_WINDOW,
            poll_error_timeout: crate::runs::POLL_ERROR_TIMEOUT,
            products_task: None,
            fleet,
            cells: Vec::new(),
            current_cell: None,
            notifier: None,
            recording: None,
            watchers: Default::default(),
        };
        rt.runner = ready.map(|c| rt.runner_for(c));
        (rt, rx)
    }

    /// The runner for a connected client, with this runtime's journal and windows.
    fn runner_for(&self, client: CatalogClient) -> Runner {
        Runner::new(client, self.journal.clone(), self.read_only)
            .with_notifier(self.notifier.clone())
            .with_token_window(self.token_window)
            .with_poll_error_timeout(self.poll_error_timeout)
    }

    /// How old an unanswered Execute may be and still be sent again with its token, and how long
    /// watching a run rides out failing calls.
    pub fn set_windows(&mut self, token_window: Duration, poll_error_timeout: Duration) {
        self.token_window = token_window;
        self.poll_error_timeout = poll_error_timeout;
        self.rebuild_runners();
    }

    /// The runners again, with this runtime's journal, windows and notifier (same clients).
    fn rebuild_runners(&mut self) {
        self.runner = self.runner.take().map(|r| self.runner_for(r.client));
        self.cells = std::mem::take(&mut self.cells).into_iter().map(|r| self.runner_for(r.client)).collect();
    }

    /// A client for the connection attempt the App waits for becomes the runner.
    fn observe(&mut self, action: &Action) {
        if let Action::ClientReady { generation, result: Ok(Connected(client)) } = action
            && *generation == self.generation
        {
            self.runner = Some(self.runner_for(client.clone()));
        }
        // A fleet: a runner per cell; what is not per cell (the journal) goes through the first.
        if let Action::FleetReady { generation, result: Ok(FleetConnected(fleet)) } = action
            && *generation == self.generation
        {
            self.cells = fleet.cells.iter().map(|c| self.runner_for(c.client.clone())).collect();
            self.runner = self.cells.first().cloned();
        }
    }

    /// Resolves the fleet in the background (SSO accounts, a client per cell); the App hears
    /// FleetReady with its generation. Runs in flight keep their runners.
    fn connect_fleet(&mut self, generation: u64) {
        let Some(setup) = self.fleet.clone() else { return };
        self.generation = generation;
        self.runner = None;
        self.cells.clear();
        if let Some(old) = self.products_task.take() {
            old.abort();
        }
        let send = self.sender();
        tokio::spawn(async move {
            let result = setup.resolve().await.map(FleetConnected);
            send.send(Action::FleetReady { generation, result });
        });
    }

    /// A connection (again): the live client, another profile or region, or the fleet's cells.
    fn connection(&mut self, effect: Effect) {
        match effect {
            Effect::Connect if self.fleet.is_some() => self.connect_fleet(0),
            Effect::Connect => {
                if let Some(setup) = self.live.clone() {
                    self.connect(setup, 0, self.read_only);
                }
            }
            Effect::ConnectFleet { generation } => self.connect_fleet(generation),
            Effect::Reconnect { generation, profile, region, read_only } => {
                if let Some(mut setup) = self.live.clone() {
                    setup.options.profile = profile;
                    setup.options.region = region;
                    self.connect(setup, generation, read_only);
                }
            }
            _ => {}
        }
    }

    /// An effect through one fleet cell's runner: the effect's work starts with it (each spawns
    /// its task at once), then the connection's runner is back.
    fn run_in_cell(&mut self, cell: u16, effect: Effect, host: &mut dyn Host) {
        let Some(runner) = self.cells.get(usize::from(cell)).cloned() else {
            tracing::warn!(cell, "no such fleet cell");
            return;
        };
        let own = self.runner.replace(runner);
        self.current_cell = Some(cell);
        self.run(effect, host);
        self.current_cell = None;
        self.runner = own;
    }

    /// Notifications from now on (every runner gets it); a failure is shown on the message line.
    pub fn set_notifier(&mut self, notifier: Arc<crate::notify::Notifier>) {
        let send = self.sender();
        notifier.on_failure(Arc::new(move |what: String| send.send(Action::NotifyFailed(what))));
        self.notifier = Some(notifier);
        self.rebuild_runners();
    }

    /// The session is recorded: each run started from now on is journaled with where it starts.
    pub fn set_recording(&mut self, file: String, started: std::time::Instant) {
        self.recording = Some((file, started));
    }

    /// Where in the recording a run starts now.
    fn recording_now(&self) -> Option<crate::runs::journal::Recording> {
        let (file, started) = self.recording.as_ref()?;
        Some(crate::runs::journal::Recording {
            file: file.clone(),
            at: (started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0,
        })
    }

    /// Waits for the notifications still being sent (the TUI is closing).
    pub async fn flush_notifications(&self) {
        if let Some(n) = &self.notifier {
            n.flush().await;
        }
    }

    /// Where the journal is (tests read it back).
    pub fn journal_path(&self) -> Option<std::path::PathBuf> {
        self.journal.as_ref().map(|j| j.path().to_path_buf())
    }

    fn sender(&self) -> Sender {
        Sender(self.tx.clone())
    }

    fn client(&self) -> Option<CatalogClient> {
        self.runner.as_ref().map(|r| r.client.clone())
    }

    /// Builds a live client in the background; the App hears ClientReady with its generation.
    fn connect(&mut self, setup: LiveSetup, generation: u64, read_only: bool) {
        self.generation = generation;
        self.read_only = read_only || self.journal.is_none();
        // Nothing new goes through the old connection while the new one is made (runs in flight
        // keep the runner they started with).
        self.runner = None;
        if let Some(old) = self.products_task.take() {
            old.abort();
        }
        let send = self.sender();
        tokio::spawn(async move {
            let result = CatalogClient::live(&setup.options, &setup.settings, setup.accept_language).await;
            send.send(Action::ClientReady { generation, result: result.map(Connected) });
        });
    }

    /// A run of an earlier session: taken up without sending, or as the operator decided.
    fn take_up(&mut self, effect: Effect) {
        match effect {
            Effect::Resume { run, open } => self.watch(run, |runner, send| async move {
                let mut report = reporter(run, send.clone());
                match runner.take_up_asking(&open, &mut report).await {
                    Ok(_) => {}
                    Err(error @ crate::runs::RunError::Uncertain(_)) => {
                        send.send(Action::RunFailed { run, error });
                        let result = runner.candidates(&open).await;
                        send.send(Action::Candidates { run, result, token_fresh: runner.token_fresh(&open) });
                    }
                    Err(error) => send.send(Action::RunFailed { run, error }),
                }
            }),
            Effect::Adopt { run, open, record_id } => self.watch(run, |runner, send| async move {
                let mut report = reporter(run, send.clone());
                if let Err(error) = runner.adopt_record(&open, &record_id, &mut report).await {
                    send.send(Action::RunFailed { run, error });
                }
            }),
            Effect::Resend { run, open } => self.watch(run, |runner, send| async move {
                let mut report = reporter(run, send.clone());
                if let Err(error) = runner.resend(&open, true, &mut report).await {
                    send.send(Action::RunFailed { run, error });
                }
            }),
            Effect::Abandon { run, journal_id, reason } => self.with_runner(|runner, send| async move {
                if let Err(e) = runner.abandon(&journal_id, reason).await {
                    send.send(Action::RunUnjournaled { run, message: e.to_string() });
                }
            }),
            _ => {}
        }
    }

    /// StopAutomationExecution, then the journal's note of it on the run.
    fn stop_automation(&mut self, run: RunId, execution_id: String, record_id: String) {
        self.with_runner(|runner, send| async move {
            let result = match runner.client.stop_automation(&execution_id).await {
                Ok(()) => match runner.journal_stop(&record_id, &execution_id).await {
                    Ok(_) => Ok(()),
                    Err(e) => Err(format!("stopped, but the journal could not record it: {e}")),
                },
                Err(e) => Err(crate::tui::runbook::operator_message(&e, None)),
            };
            send.send(Action::StopSent { run, result });
        });
    }

    /// Starts the work an effect asks for. Terminal effects (bell, suspend) go to the host.
    pub fn run(&mut self, effect: Effect, host: &mut dyn Host) {
        match effect {
            e @ (Effect::Connect | Effect::ConnectFleet { .. } | Effect::Reconnect { .. }) => self.connection(e),
            Effect::InCell { cell, effect } => self.run_in_cell(cell, *effect, host),
            Effect::Execute { run, mut spec } => {
                spec.recording = self.recording_now();
                self.watch(run, |runner, send| async move {
                    let mut report = reporter(run, send.clone());
                    if let Err(error) = runner.run(&spec, &mut report).await {
                        send.send(Action::RunFailed { run, error });
                    }
                })
            }
            Effect::Login { profile } => self.login(profile),
            Effect::StopAutomation { run, execution_id, record_id } => {
                self.stop_automation(run, execution_id, record_id)
            }
            e @ (Effect::Resume { .. } | Effect::Adopt { .. } | Effect::Resend { .. } | Effect::Abandon { .. }) => {
                self.take_up(e);
            }
            Effect::Batch { runs, plan } => self.batch(runs, plan),
            Effect::LoadJournal => {
                // Over a fleet, the open runs of every cell's account and region.
                let targets: Vec<crate::catalog::Target> = self.cells.iter().map(|r| r.client.target.clone()).collect();
                self.load_journal(targets);
            }
            Effect::LoadHistoryActions { pp_id } => {
                let (journal, send) = (self.journal.clone(), self.sender());
                tokio::spawn(async move {
                    let actions = history_actions(journal, &pp_id).await;
                    send.send(Action::HistoryActions { pp_id, actions });
                });
            }
            Effect::FindInJournal { record_id, product } => {
                let (journal, send) = (self.journal.clone(), self.sender());
                tokio::spawn(async move {
                    let found = find_in_journal(journal, &record_id).await;
                    send.send(Action::JournalRunFound { product, found });
                });
            }
            Effect::LoadProducts { generation, query } if !self.cells.is_empty() => {
                if let Some(old) = self.products_task.take() {
                    old.abort();
                }
                let clients: Vec<CatalogClient> = self.cells.iter().map(|r| r.client.clone()).collect();
                self.products_task = Some(tokio::spawn(load_fleet(clients, generation, query, self.sender())));
            }
            Effect::LoadProducts { generation, query } => {
                let Some(client) = self.client() else { return };
                if let Some(old) = self.products_task.take() {
                    old.abort();
                }
                let send = self.sender();
                self.products_task = Some(tokio::spawn(load_products(client, None, generation, query, send)));
            }
            Effect::SetAccessLevel(level) => {
                if let Some(r) = self.runner.as_mut() {
                    r.client = r.client.clone().with_access_level(level);
                }
                if let Some(setup) = self.live.as_mut() {
                    setup.options.access_level = level;
                }
            }
            Effect::Bell => host.bell(),
            Effect::Copy(text) => host.copy(&text),
            Effect::Suspend => {
                if let Err(e) = host.suspend() {
                    tracing::warn!(error = %e, "suspend failed");
                }
            }
            Effect::Quit => {}
            read => self.read(read),
        }
    }

    /// The journal's open runs this connection (or any of the fleet's cells) can take up.
    fn load_journal(&self, targets: Vec<crate::catalog::Target>) {
        self.with_runner(|runner, send| async move {
            let targets = if targets.is_empty() { vec![runner.client.target.clone()] } else { targets };
            let (open, problems, closed_demo) = match runner.open_runs_for(&targets).await {
                Ok((open, problems, closed)) => (open, problems.iter().map(|p| p.to_string()).collect(), closed),
                Err(e) => (Vec::new(), vec![e.to_string()], 0),
            };
            send.send(Action::JournalLoaded { open, problems, closed_demo });
        });
    }

    /// A batch: each run through its product's cell (a fleet's runs, at most the batch's
    /// concurrency per account), or all through the connection's runner.
    fn batch(&self, runs: Vec<(RunId, RunSpec, Option<u16>)>, plan: batch::BatchPlan) {
        let Some(own) = self.runner.clone() else { return };
        let items: Vec<(RunId, Runner, RunSpec)> = runs
            .into_iter()
            .map(|(id, mut spec, cell)| {
                spec.recording = self.recording_now();
                let runner = cell.and_then(|c| self.cells.get(usize::from(c))).cloned().unwrap_or_else(|| own.clone());
                (id, runner, spec)
            })
            .collect();
        let send = self.sender();
        tokio::spawn(async move {
            batch::run_each(items, plan, move |run: &RunId, note: Note<'_>| batch_note(*run, note, &send)).await;
        });
    }

    /// `:login`, in the background: its prompt and its end come back as actions.
    fn login(&self, profile: Option<String>) {
        let settings = match (&self.live, &self.fleet) {
            (Some(l), _) => l.settings.clone(),
            (None, Some(f)) => f.settings.clone(),
            (None, None) => ClientSettings::default(),
        };
        let send = self.sender();
        tokio::spawn(async move {
            let result = sso_login(profile, settings, send.clone()).await;
            send.send(Action::LoginDone(result));
        });
    }

    /// Spawns the work that sends or watches `run` (ending the run's earlier watcher).
    fn watch<F, Fut>(&mut self, run: RunId, work: F)
    where
        F: FnOnce(Runner, Sender) -> Fut,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        let Some(runner) = self.runner.clone() else { return };
        self.watchers.retain(|_, h| !h.is_finished());
        if let Some(old) = self.watchers.remove(&run) {
            old.abort();
        }
        let handle = tokio::spawn(work(runner, self.sender()));
        self.watchers.insert(run, handle.abort_handle());
    }

    /// Spawns `work` with the current runner, if there is one yet.
    fn with_runner<F, Fut>(&self, work: F)
    where
        F: FnOnce(Runner, Sender) -> Fut,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        let Some(runner) = self.runner.clone() else { return };
        tokio::spawn(work(runner, self.sender()));
    }

    /// The one-call reads: each answer comes back as its action.
    fn read(&self, effect: Effect) {
        let Some(client) = self.client() else { return };
        let (send, cell) = (self.sender(), self.current_cell);
        tokio::spawn(async move {
            let action = match effect {
                Effect::RefreshProduct { id } => match client.product(&id).await {
                    Ok(p) => Action::ProductUpdated(p),
                    Err(_) => return,
                },
                Effect::LoadDefinition { action_id } => {
                    let result = client.action_definition(&action_id).await.map(|(_, d)| d);
                    Action::DefinitionLoaded { cell, action_id, result }
                }
                Effect::LoadActions { product_id, version_id } => {
                    let result = client.actions(&product_id, &version_id).await;
                    Action::ActionsLoaded { key: (cell, product_id, version_id), result }
                }
                Effect::LoadForm { pp_id, action_id } => load_form(&client, pp_id, action_id).await,
                Effect::LoadHistory { pp_id, token } => {
                    let result = client.history_page(&pp_id, token).await;
                    Action::HistoryPage { pp_id, result }
                }
                Effect::LoadSteps { run, record, outputs, document, sent, known } => {
                    use crate::runs::automation::{Found, find};
                    let result = match known {
                        Some(id) => client.automation(&id).await.map(|a| Found::One(Box::new(a))),
                        None => find(&client, &record, &outputs, document.as_deref(), Some(&sent)).await,
                    };
                    Action::StepsLoaded { run, result }
                }
                Effect::LoadRecord { record_id } => {
                    let result = client.record(&record_id).await;
                    Action::RecordLoaded { record_id, result }
                }
                Effect::LoadTargets { pp_id, action_id } => {
                    let result = client.execution_parameters(&pp_id, &action_id).await;
                    Action::TargetsLoaded { pp_id, result }
                }
                Effect::LoadPreview { token, document, version, parameters } => {
                    let result = client.execution_preview(&document, version.as_deref(), &parameters).await;
                    Action::PreviewLoaded { token, result }
                }
                Effect::LoadIdentity => Action::IdentityLoaded(client.caller_identity().await),
                Effect::LoadFreeze { token, calendars } => {
                    Action::FreezeLoaded { token, freeze: crate::runs::freeze::check(&client, &calendars).await }
                }
                other => {
                    tracing::error!(?other, "not a read");
                    return;
                }
            };
            send.send(action);
        });
    }
}

/// A run's progress as the App's actions.
fn reporter(run: RunId, send: Sender) -> impl FnMut(RunEvent) + Send {
    move |e: RunEvent| {
        send.send(match e {
            RunEvent::Retrying(error) => Action::RunRetrying { run, error },
            RunEvent::Unjournaled(message) => Action::RunUnjournaled { run, message },
            RunEvent::Submitted(record) => Action::RunSubmitted { run, record },
            RunEvent::Polled(result) => Action::RecordPolled { run, result },
        })
    }
}

/// What the batch scheduler says about one run, as the App's actions.
fn batch_note(run: RunId, note: Note<'_>, send: &Sender) {
    match note {
        Note::Launched => send.send(Action::RunLaunched { run }),
        Note::Progress(e) => reporter(run, send.clone())(e),
        Note::Done(BatchOutcome::Failed(error)) => send.send(Action::RunFailed { run, error: error.clone() }),
        Note::Done(BatchOutcome::Stopped) => send.send(Action::RunSkipped { run, reason: batch::STOPPED.into() }),
        Note::Done(BatchOutcome::Ended(_) | BatchOutcome::Started(_)) => {}
    }
}

/// The journal's run behind a record: its action and parameters (read off the async executor).
/// The action of each record of `pp_id` that a run in the journal created.
async fn history_actions(journal: Option<Arc<Journal>>, pp_id: &str) -> std::collections::HashMap<String, String> {
    let Some(path) = journal.map(|j| j.path().to_path_buf()) else { return Default::default() };
    let Ok(Ok((events, _))) = tokio::task::spawn_blocking(move || Journal::read(&path)).await else {
        return Default::default();
    };
    crate::runs::journal::runs(&events)
        .into_iter()
        .filter(|r| r.product_id == pp_id)
        .filter_map(|r| Some((r.record_id?, r.action_name)))
        .collect()
}

async fn find_in_journal(
    journal: Option<Arc<Journal>>,
    record_id: &str,
) -> Option<(String, String, Option<crate::domain::ParameterMap>)> {
    let (path, record_id) = (journal?.path().to_path_buf(), record_id.to_string());
    let run =
        tokio::task::spawn_blocking(move || crate::runs::journal::run_of_record(&path, &record_id)).await.ok()??;
    Some((run.action_id, run.action_name, run.parameters))
}

/// Every fleet cell's products, at most 8 cells at a time (each cell has its own rate limit),
/// each page reported with its cell as it arrives.
async fn load_fleet(clients: Vec<CatalogClient>, generation: u64, query: ProductQuery, send: Sender) {
    let loads = clients.into_iter().enumerate().map(|(i, client)| {
        let cell = u16::try_from(i).ok();
        load_products(client, cell, generation, query.clone(), send.clone())
    });
    futures::stream::iter(loads).buffer_unordered(8).collect::<Vec<()>>().await;
}

/// Every page of products, each reported as it arrives. A passing problem (network, throttling,
/// 5xx) is retried with backoff from the same page; anything else waits for the operator (r).
async fn load_products(client: CatalogClient, cell: Option<u16>, generation: u64, query: ProductQuery, send: Sender) {
    let mut pager = Pager::new("SearchProvisionedProducts");
    let mut backoff = PollSchedule::new(generation);
    // The level cannot change within one load: it is told with the first page.
    let mut told_level = false;
    loop {
        let error = match client.products_page(&query, pager.token()).await {
            Ok(page) => match pager.advance(page.next_token.as_deref()) {
                Ok(more) => {
                    if !told_level && cell.unwrap_or(0) == 0 {
                        told_level = true;
                        let narrowed = client.access_level_narrowed();
                        send.send(Action::AccessLevelKnown { narrowed, note: client.take_access_note() });
                    }
                    send.send(Action::ProductsPage { generation, cell, page });
                    if !more {
                        return;
                    }
                    continue;
                }
                Err(e) => e,
            },
            Err(e) => e,
        };
        let retrying = error.is_transient();
        send.send(Action::ProductsFailed { generation, cell, error, retrying });
        if !retrying {
            return;
        }
        tokio::time::sleep(backoff.after_throttle()).await;
    }
}

fn translate(event: Event) -> Option<Action> {
    match event {
        Event::Key(k) if k.kind != KeyEventKind::Release => Some(Action::Key(k)),
        Event::Mouse(m) => {
            use crossterm::event::{MouseButton, MouseEventKind as M};
            matches!(m.kind, M::Down(MouseButton::Left) | M::ScrollUp | M::ScrollDown).then_some(Action::Mouse(m))
        }
        Event::Paste(s) => Some(Action::Paste(s)),
        Event::Resize(w, h) => Some(Action::Resize(w, h)),
        _ => None,
    }
}

const TICK: Duration = Duration::from_millis(250);
/// Presenter mode: a calm spinner.
const CALM_TICK: Duration = Duration::from_millis(1000);

/// The loop: wait for input, results or (only while something animates) the tick; apply; draw
/// once per batch.
/// At most this many waiting terminal events are applied before a frame is drawn.
const MAX_COALESCED: usize = 256;

pub async fn run_loop(
    app: &mut App,
    runtime: &mut Runtime,
    mut rx: UnboundedReceiver<Action>,
    host: &mut dyn Host,
    terminal_size: Option<(u16, u16)>,
) -> std::io::Result<()> {
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(if app.session.settings.presenter { CALM_TICK } else { TICK });
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    let mut hup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())?;
    if let Some((w, h)) = terminal_size {
        step(app, runtime, host, Action::Resize(w, h));
    }
    for effect in app.start() {
        runtime.run(effect, host);
    }
    let apply = |app: &mut App, runtime: &mut Runtime, host: &mut dyn Host, action: Action| {
        app.session.now = Timestamp::now();
        step(app, runtime, host, action);
    };
    loop {
        if app.quit {
            return Ok(());
        }
        if app.dirty {
            host.draw(app)?;
            app.dirty = false;
        }
        let action = tokio::select! {
            event = events.next() => match event {
                Some(Ok(e)) => {
                    super::test_hooks::on_event(&e);
                    translate(e)
                }
                Some(Err(e)) => return Err(e),
                None => return Ok(()),
            },
            Some(action) = rx.recv() => Some(action),
            _ = tick.tick(), if app.animating() => Some(Action::Tick(Timestamp::now())),
            _ = term.recv() => { tracing::info!("SIGTERM: quitting"); return Ok(()) }
            _ = hup.recv() => { tracing::info!("SIGHUP (terminal gone): quitting"); return Ok(()) }
        };
        if let Some(action) = action {
            apply(app, runtime, host, action);
        }
        // Keys that came faster than frames are drawn (a held key, a burst over a slow link)
        // are applied together and drawn once: take every event already waiting, a bounded
        // number of them, before drawing again.
        // (A zero-timeout poll of crossterm's reader, which the event stream shares: it never
        // blocks, and it leaves the stream's own wake-up to the stream.)
        for _ in 0..MAX_COALESCED {
            if app.quit || !crossterm::event::poll(Duration::ZERO)? {
                break;
            }
            let e = crossterm::event::read()?;
            super::test_hooks::on_event(&e);
            if let Some(action) = translate(e) {
                apply(app, runtime, host, action);
            }
        }
        // Take everything else that is already waiting before drawing again.
        while let Ok(action) = rx.try_recv() {
            apply(app, runtime, host, action);
        }
    }
}

/// Draws a frame wrapped in synchronized output, so a terminal never shows half of it.
pub fn draw_synchronized<B: Backend + std::io::Write>(terminal: &mut Terminal<B>, app: &App) -> std::io::Result<()>
where
    B::Error: Into<std::io::Error>,
{
    use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
    crossterm::queue!(terminal.backend_mut(), BeginSynchronizedUpdate)?;
    terminal.draw(|f| view::render(app, f)).map_err(Into::into)?;
    crossterm::execute!(terminal.backend_mut(), EndSynchronizedUpdate)?;
    Ok(())
}

/// `:login`: the profile's SSO settings, the device-code flow (its prompt sent as it comes),
/// the token written to the AWS CLI's cache. Until when the session is good, or why not.
async fn sso_login(profile: Option<String>, settings: ClientSettings, send: Sender) -> Result<String, String> {
    let cfg = crate::sso::config_for(profile.as_deref()).await?;
    let (oidc, _) = crate::catalog::connect::sso_clients(&cfg.region, &settings).await;
    let home = crate::sso::home().ok_or("HOME is not set: the token cache lives under it")?;
    let cache = crate::sso::cache_path(&home, cfg.identifier());
    let prompt = |p: &crate::sso::Prompt| send.send(Action::LoginPrompt(p.clone()));
    crate::sso::login(&cfg, &oidc, &cache, prompt).await.map(|t| t.expires_at)
}

/// The form's parameters with Service Catalog's defaults, and what the action's SSM document
/// says of them (DescribeServiceAction, DescribeDocument, GetDocument): whatever of those is
/// denied, the form still opens and says what it lacks.
async fn load_form(client: &crate::catalog::CatalogClient, pp_id: String, action_id: String) -> Action {
    let (params, def) =
        tokio::join!(client.execution_parameters(&pp_id, &action_id), client.action_definition(&action_id));
    // The form needs the parameters; the SSM document only adds detail, and AWS's
    // end-user policy does not grant DescribeServiceAction.
    let (def, definition_missing) = match def {
        Err(e) if e.kind == crate::catalog::ErrorKind::AccessDenied => {
            (Ok(Default::default()), Some(format!("unknown: needs servicecatalog:{}", e.operation)))
        }
        other => (other.map(|(_, d)| d), None),
    };
    // The document's own parameters describe the fields (type, default, required).
    let def = match def {
        Ok(mut d) => {
            match d.name.clone() {
                Some(name) => match client.document_parameters(&name).await {
                    Ok((p, content_missing)) => {
                        d.document_parameters = p;
                        d.content_missing = content_missing;
                    }
                    Err(e) if e.kind == crate::catalog::ErrorKind::AccessDenied => {
                        d.document_missing = Some("unknown: needs ssm:DescribeDocument".into());
                    }
                    Err(e) => d.document_missing = Some(format!("unknown: {e}")),
                },
                None => d.document_missing = Some("unknown: the SSM document is not known".into()),
            }
            Ok(d)
        }
        Err(e) => Err(e),
    };
    let result = params.and_then(|p| def.map(|d| (p, d)));
    Action::FormLoaded { pp_id, action_id, result, definition_missing }
}
