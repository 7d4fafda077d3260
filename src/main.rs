//! sctui: parse the command line, send logs to a file, dispatch.

use anyhow::Context;
use clap::Parser;
use sctui::catalog::{CatalogClient, ClientSettings, LiveOptions};
use sctui::cli::{Cli, Command, EmulatorArgs, Global, RunsAction};
use sctui::emulator::{self, World, faults::FaultConfig};
use sctui::headless;
use sctui::runs::journal::{self, Journal};
use std::io::Write;
use std::sync::Arc;

fn main() {
    let cli = Cli::parse();
    // What sctui says about itself needs no log, no runtime and no AWS.
    if let Some(code) = about_sctui(&cli) {
        std::process::exit(code);
    }
    sctui::logging::init(cli.global.log_file.as_deref());
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("sctui: could not start the async runtime: {e}");
            std::process::exit(headless::EXIT_API);
        }
    };
    let code = runtime.block_on(run(cli));
    // Do not wait for background tasks (a poll in flight) to finish.
    runtime.shutdown_background();
    std::process::exit(code);
}

/// `completions`, `man` and `config`: printed at once, before anything is opened.
fn about_sctui(cli: &Cli) -> Option<i32> {
    use sctui::cli::ConfigAction;
    let mut out = std::io::stdout().lock();
    let done = match &cli.command {
        Some(Command::Completions { shell }) => sctui::manual::completions(*shell, &mut out),
        Some(Command::Man { dir: Some(dir), .. }) => match sctui::manual::write_pages(dir) {
            Ok(written) => {
                for path in written {
                    let _ = writeln!(out, "{}", sctui::validate::clean(&path.display().to_string()));
                }
                Ok(())
            }
            Err(e) => {
                let dir = sctui::validate::clean(&dir.display().to_string());
                eprintln!("sctui: could not write the manual pages into {dir}: {e}; name a folder you can write to");
                return Some(headless::EXIT_BAD_INPUT);
            }
        },
        Some(Command::Man { command, dir: None }) => match sctui::manual::page(command) {
            Ok(text) => out.write_all(text.as_bytes()),
            Err(e) => {
                eprintln!("sctui: {e}");
                return Some(headless::EXIT_BAD_INPUT);
            }
        },
        Some(Command::Config { action: ConfigAction::Example }) => out.write_all(sctui::config::EXAMPLE.as_bytes()),
        Some(Command::Config { action: ConfigAction::Path }) => {
            let json = cli.global.output == sctui::cli::Output::Json;
            sctui::manual::print_places(&sctui::manual::places(&cli.global), json, &mut out)
        }
        _ => return None,
    };
    match done.and_then(|()| out.flush()) {
        Ok(()) => Some(headless::EXIT_OK),
        // A closed pipe (`| head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Some(headless::EXIT_OK),
        Err(e) => {
            eprintln!("sctui: could not write to standard output: {e}");
            Some(headless::EXIT_API)
        }
    }
}

/// The command line, with the config file's defaults filled in where a flag was not given.
fn apply_config(mut cli: Cli) -> (Cli, sctui::config::Config, Option<String>) {
    let (config, warning) = sctui::config::load(cli.global.config.as_deref());
    let g = &mut cli.global;
    if !g.demo {
        if g.profile.is_none() {
            g.profile = config.profile.clone();
        }
        if g.region.is_none() {
            g.region = g
                .profile
                .as_ref()
                .and_then(|p| config.profiles.get(p))
                .and_then(|p| p.region.clone())
                .or(config.region.clone());
        }
    }
    if g.accept_language.is_none() {
        g.accept_language = config.accept_language.clone();
    }
    if g.access_level.is_none() {
        g.access_level = config.access_level;
    }
    if config.bell == Some(false) {
        g.no_bell = true;
    }
    g.read_only = g.read_only || config.read_only_for(g.profile.as_deref());
    (cli, config, warning)
}

async fn run(cli: Cli) -> i32 {
    let cli_read_only = cli.global.read_only;
    let (cli, config, warning) = apply_config(cli);
    if let (Some(w), Some(_)) = (&warning, &cli.command) {
        eprintln!("sctui: {w}");
    }
    match &cli.command {
        Some(Command::Emulator(args)) => match serve_emulator(&cli.global, args).await {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("sctui: {e:#}");
                headless::EXIT_API
            }
        },
        Some(Command::Runs { action }) if !matches!(action, Some(RunsAction::Resume { .. })) => {
            let Some(path) = journal_path(&cli.global) else {
                eprintln!("sctui: no journal path: set HOME or XDG_STATE_HOME, or pass --journal PATH");
                return headless::EXIT_BAD_INPUT;
            };
            let (mut out, mut err) = (std::io::stdout().lock(), std::io::stderr());
            if let Some(RunsAction::Verify { head }) = action {
                return headless::runs_verify(&path, head.as_deref(), &mut out, &mut err);
            }
            let export = match action {
                Some(RunsAction::Export { format, since, runs }) => {
                    match headless::ExportSpec::new(*format, since.as_deref(), runs, sctui::domain::Timestamp::now()) {
                        Ok(spec) => Some(spec),
                        Err(e) => {
                            eprintln!("sctui: {e}");
                            return headless::EXIT_BAD_INPUT;
                        }
                    }
                }
                _ => None,
            };
            headless::runs_report(&path, export, cli.global.output, &mut out, &mut err)
        }
        Some(Command::Products { query, fleet: Some(fleet) }) => {
            fleet_products(&cli.global, &config, fleet, query.clone()).await
        }
        Some(Command::Login) => login(&cli.global, &config).await,
        Some(Command::Accounts) => accounts(&cli.global, &config).await,
        Some(command) => run_headless(&cli.global, command, &config).await,
        None => {
            let tui = TuiArgs { fleet: cli.fleet.as_deref(), record: cli.record.clone() };
            run_tui(&cli.global, &config, warning, cli_read_only, tui).await
        }
    }
}

/// A command for scripts: checked before anything is sent, then run against AWS or the demo.
async fn run_headless(g: &Global, command: &Command, config: &sctui::config::Config) -> i32 {
    let checked = headless::check_input(command).and_then(|()| check_environment(g));
    if let Err(errors) = checked {
        for e in errors {
            eprintln!("sctui: {e}");
        }
        return headless::EXIT_BAD_INPUT;
    }
    let (settings, warnings) = settings(g, config);
    for w in warnings {
        eprintln!("sctui: {}", sctui::validate::clean(&w));
    }
    // `batch --fleet`: each cell has its own client; the first one serves what is not per cell.
    let fleet = match command {
        Command::Batch(args) if args.fleet.is_some() => match batch_fleet(g, config, args, &settings).await {
            Ok(f) => Some(f),
            Err(code) => return code,
        },
        _ => None,
    };
    let (client, _emulator) = match &fleet {
        Some(f) => (f.cells[0].client.clone(), None),
        None => match connect(g, &settings).await {
            Ok(c) => c,
            Err(e) => {
                eprintln!("sctui: {e:#}");
                return headless::EXIT_API;
            }
        },
    };
    for n in &client.notices {
        eprintln!("sctui: {}", sctui::validate::clean(n));
    }
    let (journal, notifier) = match (headless_journal(g, command), notifier(g, config)) {
        (Ok(j), Ok(n)) => (j, n),
        (Err(code), _) | (_, Err(code)) => return code,
    };
    let ctx = headless::Context {
        client: &client,
        output: g.output,
        journal,
        read_only: g.read_only,
        concurrency: config.concurrency.unwrap_or(4),
        interactive: std::io::IsTerminal::is_terminal(&std::io::stdin()),
        token_window: token_window(g, config),
        poll_error_timeout: std::time::Duration::from_secs(g.poll_error_timeout),
        production: headless::Production(config.production_rule(g.profile.as_deref())),
        fleet: fleet.as_ref(),
        cell_clients: match command {
            Command::Runs { action: Some(RunsAction::Resume { .. }) } => resume_cells(g, config, &settings).await,
            _ => Vec::new(),
        },
        notifier: notifier.clone(),
        freeze_calendars: config.freeze_calendars.clone(),
    };
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr();
    let code = headless::run(command, &ctx, &mut out, &mut err).await;
    // The notifications still going are waited for (each bounded by its timeout).
    if let Some(n) = &notifier {
        n.flush().await;
    }
    let _ = out.flush();
    code
}

/// The journal a headless command writes (exec, batch, runs, stop) or only reads (steps, to
/// narrow its search by the record's action: without one, steps still work).
fn headless_journal(g: &Global, command: &Command) -> Result<Option<std::sync::Arc<Journal>>, i32> {
    if matches!(command, Command::Steps { .. }) {
        return Ok(open_journal(g).ok());
    }
    if !matches!(command, Command::Exec(_) | Command::Batch(_) | Command::Runs { .. } | Command::Stop { .. }) {
        return Ok(None);
    }
    match open_journal(g) {
        Ok(j) => {
            for n in j.notices() {
                eprintln!("sctui: {}", sctui::validate::clean(n));
            }
            Ok(Some(j))
        }
        Err(e) => {
            eprintln!("sctui: {e}");
            Err(headless::EXIT_API)
        }
    }
}

/// The notifier of a headless command, checked before anything runs; its failures are said on
/// stderr (they never change the run's exit code).
fn notifier(
    g: &Global,
    config: &sctui::config::Config,
) -> Result<Option<std::sync::Arc<sctui::notify::Notifier>>, i32> {
    let notify = config.notify_settings(g.notify_command.as_deref(), g.notify_webhook.as_deref(), g.notify_timeout);
    if let Err(e) = notify.check() {
        eprintln!("sctui: {e}");
        return Err(headless::EXIT_BAD_INPUT);
    }
    Ok(notify.any().then(|| {
        let n = sctui::notify::Notifier::new(notify);
        n.on_failure(std::sync::Arc::new(|what: String| eprintln!("sctui: {}", sctui::validate::clean(&what))));
        n
    }))
}

/// The endpoint variables the SDK would read (not in the demo, which reads none).
fn check_environment(g: &Global) -> Result<(), Vec<sctui::validate::Invalid>> {
    if g.demo {
        return Ok(());
    }
    sctui::catalog::connect::check_endpoint_environment(|k| std::env::var(k).ok())
}

/// What only the TUI takes from the command line.
struct TuiArgs<'a> {
    fleet: Option<&'a str>,
    record: Option<std::path::PathBuf>,
}

/// The interactive TUI, on the demo emulator or connecting to AWS in the background.
async fn run_tui(
    g: &Global,
    config: &sctui::config::Config,
    warning: Option<String>,
    cli_read_only: bool,
    tui: TuiArgs<'_>,
) -> i32 {
    let TuiArgs { fleet, record } = tui;
    if let Err(errors) = check_environment(g) {
        for e in errors {
            eprintln!("sctui: {e}");
        }
        return headless::EXIT_BAD_INPUT;
    }
    // Without a journal nothing may run, but browsing still works (a read-only file system, say).
    let mut notices: Vec<String> = warning.into_iter().collect();
    let (settings, warnings) = settings(g, config);
    notices.extend(warnings);
    let mut read_only = g.read_only;
    let journal = match open_journal(g) {
        Ok(j) => {
            notices.extend(j.notices().iter().cloned());
            Some(j)
        }
        Err(e) => {
            read_only = true;
            notices.push(format!("no journal, so executing is off (browsing works): {e:#}"));
            None
        }
    };
    let journal_missing = journal.is_none();
    let account = g.demo.then(|| World::demo().ok().map(|w| w.account_id)).flatten();
    let options = sctui::tui::Options {
        theme: sctui::tui::theme::Theme::detect(g.no_color, g.ascii)
            .variant(g.theme.or(config.theme).unwrap_or_default()),
        bell: !g.no_bell,
        journal,
        read_only,
        production: config.production_for(g.profile.as_deref(), account.as_deref()),
        notice: (!notices.is_empty()).then(|| notices.join(" · ")),
        presenter: g.presenter,
        config: config.clone(),
        // No journal: read-only whatever profile the palette switches to.
        read_only_flag: cli_read_only || journal_missing,
        token_window: token_window(g, config),
        poll_error_timeout: std::time::Duration::from_secs(g.poll_error_timeout),
        tmux: std::env::var_os("TMUX").is_some_and(|v| !v.is_empty()),
        mouse: !g.no_mouse && config.mouse.unwrap_or(true),
        notify: config.notify_settings(g.notify_command.as_deref(), g.notify_webhook.as_deref(), g.notify_timeout),
        record,
    };
    if let Err(e) = options.notify.check() {
        eprintln!("sctui: {e}");
        return headless::EXIT_BAD_INPUT;
    }
    if let Some(name) = fleet {
        return tui_fleet(g, config, name, settings, options).await;
    }
    if !g.demo {
        let live = sctui::tui::Connection::Live {
            options: live_options(g),
            settings,
            accept_language: g.accept_language.clone(),
        };
        return sctui::tui::run(live, options).await;
    }
    match connect(g, &settings).await {
        Ok((client, _emulator)) => sctui::tui::run(sctui::tui::demo(client), options).await,
        Err(e) => {
            eprintln!("sctui: {e:#}");
            headless::EXIT_API
        }
    }
}

/// The TUI over a fleet: resolved in the background (live), or the demo's own accounts and
/// regions on its emulator.
async fn tui_fleet(
    g: &Global,
    config: &sctui::config::Config,
    name: &str,
    settings: ClientSettings,
    options: sctui::tui::Options,
) -> i32 {
    let access_level = g.access_level.or(config.access_level).unwrap_or_default();
    if g.demo {
        if name != "demo" {
            eprintln!("sctui: with --demo, the fleet is the demo's own: --fleet demo");
            return headless::EXIT_BAD_INPUT;
        }
        let (fleet, _emulator) = match demo_fleet(g, &settings).await {
            Ok(f) => f,
            Err(e) => {
                eprintln!("sctui: {e:#}");
                return headless::EXIT_API;
            }
        };
        let spec = sctui::config::FleetConfig::default();
        let setup = sctui::tui::runtime::FleetSetup {
            name: fleet.name.clone(),
            spec,
            profile: None,
            settings,
            access_level,
            ready: Some(std::sync::Arc::new(fleet)),
        };
        return sctui::tui::run(sctui::tui::Connection::Fleet(setup), options).await;
    }
    let (name, spec) = match sctui::fleet::spec(name, config) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("sctui: {e}");
            return headless::EXIT_BAD_INPUT;
        }
    };
    let setup =
        sctui::tui::runtime::FleetSetup { name, spec, profile: g.profile.clone(), settings, access_level, ready: None };
    sctui::tui::run(sctui::tui::Connection::Fleet(setup), options).await
}

/// The demo's fleet: each of its accounts (signed with that account's administrator's keys) in
/// each of its regions, on one embedded emulator (kept alive by the handle).
async fn demo_fleet(
    g: &Global,
    settings: &ClientSettings,
) -> anyhow::Result<(sctui::fleet::Fleet, emulator::Emulator)> {
    let world = load_world(None, g.scale)?;
    let options = emulator::Options { time_scale: g.time_scale, ..Default::default() };
    let emu = emulator::start_local(world.clone(), options).await.context("could not start the demo emulator")?;
    // Each account is reached with the keys of its administrator.
    let accounts: Vec<sctui::fleet::DemoAccount> = world
        .admin_keys()
        .into_iter()
        .map(|(id, name, access_key)| sctui::fleet::DemoAccount { id, name, access_key })
        .collect();
    let fleet = sctui::fleet::demo(&accounts, &world.all_regions(), &emu.url(), settings, g.accept_language.clone());
    Ok((fleet, emu))
}

/// `--token-window`, else the config's `token_window_secs`, else an hour.
fn token_window(g: &Global, config: &sctui::config::Config) -> std::time::Duration {
    g.token_window.or(config.token_window_secs).map(std::time::Duration::from_secs).unwrap_or(sctui::runs::TOKEN_WINDOW)
}

/// Retries (AWS_MAX_ATTEMPTS honoured), timeouts and the answer size cap, from the environment
/// and the config; with what is wrong with the retry variables (the default is used), for
/// stderr or the TUI's notice. The demo uses none of the variables, so says nothing of them.
fn settings(g: &Global, config: &sctui::config::Config) -> (ClientSettings, Vec<String>) {
    let (mut s, mut warnings) = ClientSettings::live(|k| std::env::var(k).ok());
    if g.demo {
        warnings.clear();
    }
    for w in &warnings {
        tracing::warn!("{w}");
    }
    if let Some(mb) = config.max_response_mb {
        s.max_response_bytes = mb as usize * 1024 * 1024;
    }
    s.max_rate = g.max_rate.or(config.max_rate).unwrap_or(sctui::catalog::connect::DEFAULT_MAX_RATE);
    (s, warnings)
}

/// The connection the flags ask for.
fn live_options(g: &Global) -> LiveOptions {
    LiveOptions {
        profile: g.profile.clone(),
        region: g.region.clone(),
        endpoint_url: g.endpoint_url.clone(),
        access_level: g.access_level.unwrap_or_default(),
    }
}

fn journal_path(g: &Global) -> Option<std::path::PathBuf> {
    g.journal.clone().or_else(journal::default_path)
}

fn open_journal(g: &Global) -> anyhow::Result<Arc<Journal>> {
    let path = journal_path(g).context("no journal path: set HOME or XDG_STATE_HOME, or pass --journal PATH")?;
    Ok(Arc::new(Journal::open(&path)?))
}

fn load_world(catalog: Option<&std::path::Path>, scale: usize) -> anyhow::Result<World> {
    let mut world = match catalog {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("could not read the catalog file {}", path.display()))?;
            World::parse(&text).with_context(|| format!("in {}", path.display()))?
        }
        None => World::demo().context("the embedded demo catalog")?,
    };
    world.scale(scale);
    Ok(world)
}

/// A client for the embedded emulator (`--demo`, which is kept alive as long as the handle) or for AWS.
async fn connect(g: &Global, settings: &ClientSettings) -> anyhow::Result<(CatalogClient, Option<emulator::Emulator>)> {
    if g.demo {
        let world = load_world(None, g.scale)?;
        let region = world.region.clone();
        let options = emulator::Options { time_scale: g.time_scale, ..Default::default() };
        let emu = emulator::start_local(world, options).await.context("could not start the demo emulator")?;
        let client = CatalogClient::demo(&emu.url(), &region, settings).with_accept_language(g.accept_language.clone());
        return Ok((client, Some(emu)));
    }
    let client = CatalogClient::live(&live_options(g), settings, g.accept_language.clone()).await?;
    Ok((client, None))
}

async fn serve_emulator(g: &Global, args: &EmulatorArgs) -> anyhow::Result<()> {
    let world = load_world(args.catalog.as_deref(), g.scale)?;
    let options = emulator::Options {
        time_scale: g.time_scale,
        idle_timeout: std::time::Duration::from_secs(args.idle_timeout_secs),
        max_connections: args.max_connections as usize,
        token_window: std::time::Duration::from_secs(args.token_window),
        rate_limit: args.rate_limit,
        execution_preview: !args.no_execution_preview,
        sso_approve_after: args.sso_approve_after,
        sso_credentials_ttl: args.sso_credentials_ttl,
        faults: FaultConfig {
            ops: args.fault_ops.clone(),
            latency_ms: args.fault_latency_ms,
            throttle_rate: args.fault_throttle_rate,
            error_rate: args.fault_error_rate,
            drop_rate: args.fault_drop_rate,
            expired_rate: args.fault_expired_rate,
            seed: args.seed,
        },
    };
    let emu = emulator::bind(args.listen, args.allow_remote, world, options)
        .await
        .with_context(|| format!("could not listen on {}", args.listen))?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "listening on {}", emu.url())?;
        out.flush()?;
    }
    tracing::info!(addr = %emu.addr(), "emulator listening");
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
    tracing::info!("emulator stopping");
    emu.shutdown().await;
    Ok(())
}

/// The profile's SSO settings and the clients to reach IAM Identity Center.
async fn sso_setup(
    g: &Global,
    config: &sctui::config::Config,
) -> Result<(sctui::sso::SsoConfig, aws_sdk_ssooidc::Client, aws_sdk_sso::Client, std::path::PathBuf), String> {
    if g.demo {
        return Err("--demo has no SSO login: use a profile with sso_session (see the README)".into());
    }
    let cfg = sctui::sso::config_for(g.profile.as_deref()).await?;
    let (settings, _) = settings(g, config);
    let (oidc, portal) = sctui::catalog::connect::sso_clients(&cfg.region, &settings).await;
    let home = sctui::sso::home().ok_or("HOME is not set: the token cache lives under it")?;
    let cache = sctui::sso::cache_path(&home, cfg.identifier());
    Ok((cfg, oidc, portal, cache))
}

/// `sctui login`: the device-code flow; the token goes to the AWS CLI's cache.
async fn login(g: &Global, config: &sctui::config::Config) -> i32 {
    let (cfg, oidc, _, cache) = match sso_setup(g, config).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("sctui: {e}");
            return headless::EXIT_BAD_INPUT;
        }
    };
    let width = crossterm::terminal::size().map(|(w, _)| usize::from(w)).unwrap_or(80);
    let show = |p: &sctui::sso::Prompt| sctui::sso::write_prompt(p, width, &mut std::io::stderr());
    match sctui::sso::login(&cfg, &oidc, &cache, show).await {
        Ok(token) => {
            println!(
                "Logged in to {} (profile {}): the session is good until {}.",
                sctui::validate::clean(&cfg.start_url),
                sctui::validate::clean(&cfg.profile),
                token.expires_at
            );
            headless::EXIT_OK
        }
        Err(e) => {
            eprintln!("sctui: {e}");
            headless::EXIT_API
        }
    }
}

/// `sctui accounts`: the accounts and roles of the SSO session, from its cached token.
async fn accounts(g: &Global, config: &sctui::config::Config) -> i32 {
    let (cfg, _, portal, cache) = match sso_setup(g, config).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("sctui: {e}");
            return headless::EXIT_BAD_INPUT;
        }
    };
    let Some(token) = sctui::sso::read_cache(&cache).filter(|t| t.remaining() > 0) else {
        eprintln!(
            "sctui: not signed in to IAM Identity Center for profile {} (no cached token, or it expired): run sctui login --profile {}",
            sctui::validate::clean(&cfg.profile),
            sctui::validate::clean(&cfg.profile)
        );
        return headless::EXIT_REFUSED;
    };
    match sctui::sso::accounts(&portal, &token.access_token).await {
        Ok(list) => {
            let mut out = std::io::stdout().lock();
            headless::output::accounts(&mut out, &list, g.output);
            headless::EXIT_OK
        }
        Err(e) => {
            eprintln!("sctui: {e}");
            headless::EXIT_API
        }
    }
}

/// `products --fleet`: the fleet's cells, then every cell's products.
async fn fleet_products(g: &Global, config: &sctui::config::Config, name: &str, query: Option<String>) -> i32 {
    if g.demo {
        eprintln!("sctui: --fleet reaches real accounts: use profiles, or an SSO session (sctui login)");
        return headless::EXIT_BAD_INPUT;
    }
    let (name, spec) = match sctui::fleet::spec(name, config) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("sctui: {e}");
            return headless::EXIT_BAD_INPUT;
        }
    };
    let (settings, _) = settings(g, config);
    let level = g.access_level.or(config.access_level).unwrap_or_default();
    let fleet = match sctui::fleet::resolve(name, &spec, g.profile.as_deref(), &settings, level).await {
        Ok(f) => f,
        Err(e) => {
            eprintln!("sctui: {e}");
            return headless::EXIT_API;
        }
    };
    let concurrency = usize::from(config.concurrency.unwrap_or(8));
    let (mut out, mut err) = (std::io::stdout().lock(), std::io::stderr());
    headless::fleet_products(&fleet, query, g.output, concurrency, &mut out, &mut err).await
}

/// The fleet of `batch --fleet`, with each cell's production known; an exit code when it
/// cannot be had.
async fn batch_fleet(
    g: &Global,
    config: &sctui::config::Config,
    args: &sctui::cli::BatchArgs,
    settings: &sctui::catalog::ClientSettings,
) -> Result<sctui::fleet::Fleet, i32> {
    if g.demo {
        eprintln!("sctui: --fleet reaches real accounts: use profiles, or an SSO session (sctui login)");
        return Err(headless::EXIT_BAD_INPUT);
    }
    let name = args.fleet.as_deref().unwrap_or_default();
    let (name, spec) = sctui::fleet::spec(name, config).map_err(|e| {
        eprintln!("sctui: {e}");
        headless::EXIT_BAD_INPUT
    })?;
    let level = g.access_level.or(config.access_level).unwrap_or_default();
    let mut fleet = sctui::fleet::resolve(name, &spec, g.profile.as_deref(), settings, level).await.map_err(|e| {
        eprintln!("sctui: {e}");
        headless::EXIT_API
    })?;
    if fleet.cells.is_empty() {
        for p in &fleet.problems {
            eprintln!("sctui: {}", sctui::validate::clean(p));
        }
        eprintln!("sctui: the fleet has no account and region to run in");
        return Err(headless::EXIT_API);
    }
    // By its profile (a profiles fleet) or by its account (every cell).
    for c in &mut fleet.cells {
        c.production = config.production_for(c.profile.as_deref(), Some(&c.account_id));
    }
    Ok(fleet)
}

/// `runs resume`: a client for each fleet cell (account, region, role or profile) that open runs
/// of the journal went to, each with its own account's credentials.
async fn resume_cells(
    g: &Global,
    config: &sctui::config::Config,
    settings: &sctui::catalog::ClientSettings,
) -> Vec<sctui::catalog::CatalogClient> {
    let Some(path) = journal_path(g) else { return Vec::new() };
    let Ok((events, _)) = sctui::runs::journal::Journal::read(&path) else { return Vec::new() };
    let mut keys: Vec<(Option<String>, String, String, Option<String>)> = Vec::new();
    for r in sctui::runs::journal::runs(&events).into_iter().filter(|r| r.is_open() && !r.demo) {
        if let (Some(account), Some(region)) = (r.account, r.region) {
            let key = (r.profile, region, account, r.role);
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
    }
    let level = g.access_level.or(config.access_level).unwrap_or_default();
    let mut out = Vec::new();
    for (profile, region, account, role) in keys {
        match sctui::fleet::cell_client(profile.as_deref(), &region, &account, role.as_deref(), settings, level).await {
            Ok(c) => out.push(c),
            Err(e) => eprintln!(
                "sctui: the open runs in {account} {region} cannot be taken up: {}",
                sctui::validate::clean(&e)
            ),
        }
    }
    out
}
