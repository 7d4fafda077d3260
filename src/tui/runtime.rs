//! Runs the effects `update` asks for, off the UI path, and feeds the results back as actions
//! over one channel. Draws only when something changed.

use super::action::{Action, RunId};
use super::app::{App, update};
use super::effect::Effect;
use super::view;
use crate::catalog::{CatalogClient, ClientSettings, LiveOptions, ProductQuery, Target};
use crate::domain::Timestamp;
use crate::runs::journal::{self, Journal};
use crate::runs::{self, RunEvent, Runner};
use crossterm::event::{Event, EventStream, KeyEventKind};
use futures::StreamExt;
use ratatui::Terminal;
use ratatui::backend::Backend;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

/// How the client is obtained: ready (demo) or resolved in the background (live).
pub enum Connection {
    Ready(CatalogClient),
    Live { options: LiveOptions, settings: ClientSettings, accept_language: Option<String> },
}

pub struct Runtime {
    tx: UnboundedSender<Action>,
    /// The live connection's options, to connect again with another profile or region.
    live: Option<(LiveOptions, ClientSettings, Option<String>)>,
    runner: Arc<Mutex<Option<Runner>>>,
    connection: Option<Connection>,
    journal: Option<Arc<Journal>>,
    read_only: bool,
    products_task: Option<tokio::task::JoinHandle<()>>,
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

impl Runtime {
    /// `journal` receives every run before it is sent; `read_only` refuses every run in the worker.
    pub fn new(
        connection: Connection,
        journal: Option<Arc<Journal>>,
        read_only: bool,
    ) -> (Runtime, UnboundedReceiver<Action>) {
        let (tx, rx) = unbounded_channel();
        let runner = match &connection {
            Connection::Ready(c) => Some(Runner::new(c.clone(), journal.clone(), read_only)),
            Connection::Live { .. } => None,
        };
        let live = match &connection {
            Connection::Live { options, settings, accept_language } => {
                Some((options.clone(), settings.clone(), accept_language.clone()))
            }
            Connection::Ready(_) => None,
        };
        let rt = Runtime {
            tx,
            live,
            runner: Arc::new(Mutex::new(runner)),
            connection: Some(connection),
            journal,
            read_only,
            products_task: None,
        };
        (rt, rx)
    }

    fn runner(&self) -> Option<Runner> {
        self.runner.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn client(&self) -> Option<CatalogClient> {
        self.runner().map(|r| r.client)
    }

    /// Builds a live client in the background; once it exists, runs go through it and the App
    /// hears ClientReady. Runs in flight keep the runner they started with.
    fn connect(
        &self,
        options: LiveOptions,
        settings: ClientSettings,
        accept_language: Option<String>,
        read_only: bool,
        send: impl Fn(Action) + Send + 'static,
    ) {
        let slot = self.runner.clone();
        let journal = self.journal.clone();
        tokio::spawn(async move {
            let result = CatalogClient::live(&options, &settings, accept_language).await;
            let result = result.map(|c| {
                let target = c.target.clone();
                *slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(Runner::new(c, journal, read_only));
                target
            });
            send(Action::ClientReady(result));
        });
    }

    /// Starts the work an effect asks for. Terminal effects (bell, suspend) go to the host.
    pub fn run(&mut self, effect: Effect, host: &mut dyn Host) {
        let tx = self.tx.clone();
        let send = move |a: Action| {
            let _ = tx.send(a);
        };
        match effect {
            Effect::Connect => {
                let Some(Connection::Live { options, settings, accept_language }) = self.connection.take() else {
                    return;
                };
                self.connect(options, settings, accept_language, self.read_only, send);
            }
            Effect::LoadProducts { generation, query } => {
                let Some(client) = self.client() else { return };
                if let Some(old) = self.products_task.take() {
                    old.abort();
                }
                self.products_task = Some(tokio::spawn(load_products(client, generation, query, send)));
            }
            Effect::RefreshProduct { id } => {
                let Some(client) = self.client() else { return };
                tokio::spawn(async move {
                    if let Ok(p) = client.product(&id).await {
                        send(Action::ProductUpdated(p));
                    }
                });
            }
            Effect::LoadDefinition { action_id } => {
                let Some(client) = self.client() else { return };
                tokio::spawn(async move {
                    let result = client.action_definition(&action_id).await.map(|(_, d)| d);
                    send(Action::DefinitionLoaded { action_id, result });
                });
            }
            Effect::LoadActions { product_id, version_id } => {
                let Some(client) = self.client() else { return };
                tokio::spawn(async move {
                    let result = client.actions(&product_id, &version_id).await;
                    send(Action::ActionsLoaded { key: (product_id, version_id), result });
                });
            }
            Effect::LoadForm { pp_id, action_id } => {
                let Some(client) = self.client() else { return };
                tokio::spawn(async move {
                    let (params, def) = tokio::join!(
                        client.execution_parameters(&pp_id, &action_id),
                        client.action_definition(&action_id)
                    );
                    let result = match (params, def) {
                        (Ok(p), Ok((_, d))) => Ok((p, d)),
                        (Err(e), _) | (_, Err(e)) => Err(e),
                    };
                    send(Action::FormLoaded { pp_id, action_id, result });
                });
            }
            Effect::Execute { run, spec } => {
                let Some(runner) = self.runner() else { return };
                tokio::spawn(async move {
                    let report = move |e: RunEvent| send(run_action(run, e));
                    runner.run(&spec, &report).await;
                });
            }
            Effect::Resume { run, open } => {
                let Some(runner) = self.runner() else { return };
                tokio::spawn(async move {
                    let report = move |e: RunEvent| send(run_action(run, e));
                    runner.resume(&open, &report).await;
                });
            }
            Effect::LoadJournal => {
                let (Some(runner), Some(journal)) = (self.runner(), self.journal.clone()) else {
                    return;
                };
                tokio::spawn(async move {
                    let (events, problems) = match Journal::read(journal.path()) {
                        Ok(x) => x,
                        Err(e) => (Vec::new(), vec![journal::Problem { line: 0, message: e.to_string() }]),
                    };
                    let open = runs::resumable(&journal::runs(&events), &runner.client.target);
                    let (abandon, open): (Vec<_>, Vec<_>) = open.into_iter().partition(|r| r.demo);
                    for r in abandon {
                        runner.resume(&r, &|_| {}).await;
                    }
                    send(Action::JournalLoaded { open, problems: problems.iter().map(|p| p.to_string()).collect() });
                });
            }
            Effect::LoadHistory { pp_id, token } => {
                let Some(client) = self.client() else { return };
                tokio::spawn(async move {
                    let result = client.history_page(&pp_id, token).await;
                    send(Action::HistoryPage { pp_id, result });
                });
            }
            Effect::LoadRecord { record_id } => {
                let Some(client) = self.client() else { return };
                tokio::spawn(async move {
                    let result = client.record(&record_id).await;
                    send(Action::RecordLoaded { record_id, result });
                });
            }
            Effect::LoadTargets { pp_id, action_id } => {
                let Some(client) = self.client() else { return };
                tokio::spawn(async move {
                    let result = client.execution_parameters(&pp_id, &action_id).await;
                    send(Action::TargetsLoaded { pp_id, result });
                });
            }
            Effect::Batch { runs, concurrency, stop_on_failure } => {
                let Some(runner) = self.runner() else { return };
                tokio::spawn(async move {
                    let gate = Arc::new(tokio::sync::Semaphore::new(concurrency.max(1)));
                    let failed = Arc::new(std::sync::atomic::AtomicBool::new(false));
                    for (run, spec) in runs {
                        let Ok(permit) = gate.clone().acquire_owned().await else { return };
                        if stop_on_failure && failed.load(std::sync::atomic::Ordering::SeqCst) {
                            let reason = "skipped: an earlier run of the batch failed (stop after the first failure)"
                                .to_string();
                            send(Action::RunRefused { run, reason });
                            continue;
                        }
                        let (runner, failed, send) = (runner.clone(), failed.clone(), send.clone());
                        tokio::spawn(async move {
                            let _permit = permit;
                            let report = |e: RunEvent| send(run_action(run, e));
                            let end = runner.run(&spec, &report).await;
                            if end.and_then(|d| d.status) != Some(crate::domain::RecordStatus::Succeeded) {
                                failed.store(true, std::sync::atomic::Ordering::SeqCst);
                            }
                        });
                    }
                });
            }
            Effect::Reconnect { profile, region, read_only } => {
                let Some((mut options, settings, accept_language)) = self.live.clone() else { return };
                options.profile = profile;
                options.region = region;
                if let Some(old) = self.products_task.take() {
                    old.abort();
                }
                self.connect(options, settings, accept_language, read_only, send);
            }
            Effect::LoadIdentity => {
                let Some(client) = self.client() else { return };
                tokio::spawn(async move {
                    send(Action::IdentityLoaded(client.caller_identity().await));
                });
            }
            Effect::FindInJournal { record_id, product } => {
                let Some(journal) = self.journal.clone() else {
                    send(Action::JournalRunFound { record_id, product, found: None });
                    return;
                };
                tokio::spawn(async move {
                    let found = Journal::read(journal.path()).ok().and_then(|(events, _)| {
                        journal::runs(&events)
                            .into_iter()
                            .find(|r| r.record_id.as_deref() == Some(record_id.as_str()))
                            .map(|r| (r.action_id, r.action_name, r.parameters))
                    });
                    send(Action::JournalRunFound { record_id, product, found });
                });
            }
            Effect::Bell => host.bell(),
            Effect::Copy(text) => host.copy(&text),
            Effect::Suspend => {
                if let Err(e) = host.suspend() {
                    tracing::warn!(error = %e, "suspend failed");
                }
            }
            Effect::Quit => {}
        }
    }
}

fn run_action(run: RunId, e: RunEvent) -> Action {
    match e {
        RunEvent::Refused(reason) => Action::RunRefused { run, reason },
        RunEvent::Retrying(error) => Action::RunRetrying { run, error },
        RunEvent::Submitted(result) => Action::RunSubmitted { run, result },
        RunEvent::Polled(result) => Action::RecordPolled { run, result },
    }
}

async fn load_products(client: CatalogClient, generation: u64, query: ProductQuery, send: impl Fn(Action)) {
    let mut token = None;
    let mut backoff = runs::schedule::PollSchedule::new(generation);
    loop {
        match client.products_page(&query, token.clone()).await {
            Ok(page) => {
                token = page.next_token.clone();
                send(Action::ProductsPage { generation, page });
                if token.is_none() {
                    return;
                }
            }
            Err(error) => {
                // A passing problem (network, throttling, 5xx) is retried with backoff from the
                // same page; anything else waits for the operator (r).
                let retrying = error.is_transient();
                send(Action::ProductsFailed { generation, error, retrying });
                if !retrying {
                    return;
                }
                tokio::time::sleep(backoff.after_throttle()).await;
            }
        }
    }
}

fn translate(event: Event) -> Option<Action> {
    match event {
        Event::Key(k) if k.kind != KeyEventKind::Release => Some(Action::Key(k)),
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
pub async fn run_loop(
    app: &mut App,
    runtime: &mut Runtime,
    mut rx: UnboundedReceiver<Action>,
    host: &mut dyn Host,
    terminal_size: Option<(u16, u16)>,
) -> std::io::Result<()> {
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(if app.presenter { CALM_TICK } else { TICK });
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    let mut hup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())?;
    if let Some((w, h)) = terminal_size {
        update(app, Action::Resize(w, h));
    }
    for effect in app.start() {
        runtime.run(effect, host);
    }
    let apply = |app: &mut App, runtime: &mut Runtime, host: &mut dyn Host, action: Action| {
        app.now = Timestamp::now();
        for effect in update(app, action) {
            runtime.run(effect, host);
        }
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
                Some(Ok(e)) => translate(e),
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

/// What the header shows for a live connection before the client exists.
pub fn live_target(options: &LiveOptions) -> Target {
    Target {
        demo: false,
        profile: options.profile.clone(),
        region: options.region.clone(),
        endpoint: options.endpoint_url.clone(),
    }
}
