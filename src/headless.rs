//! Commands for scripts: the same calls as the TUI, printed as a table or as the AWS CLI's JSON.
//! Runs go through `runs` (the Runner, the batch scheduler, the journal); nothing here
//! re-implements them.
//!
//! Exit codes: 0 success, 1 the record FAILED, 2 bad input (nothing was sent), 3 timed out
//! waiting, 4 an API or connection error, 5 `--read-only` refused to execute.
//!
//! May import: catalog, cli, domain, runs, validate. Never tui or emulator.

pub mod input;
pub mod output;

use crate::catalog::{ActionLookup, CatalogClient, Error, ProductQuery};
use crate::cli::{BatchArgs, Command, ExecArgs, ExportFormat, Output, RunsAction};
use crate::domain::{ProvisionedProduct, RecordDetail, RecordStatus, ServiceAction};
use crate::runs::batch::{self, BatchOutcome, BatchPlan};
use crate::runs::journal::{self, Journal, JournalRun};
use crate::runs::{RunError, RunEvent, RunSpec, Runner, cli_equiv, new_id};
use crate::validate::clean;
pub use input::{check as check_input, parse_params};
use serde_json::json;
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

pub const EXIT_OK: i32 = 0;
pub const EXIT_FAILED: i32 = 1;
pub const EXIT_BAD_INPUT: i32 = 2;
pub const EXIT_TIMEOUT: i32 = 3;
pub const EXIT_API: i32 = 4;
/// Refused: `--read-only`, production without `--confirm`, or a closed change calendar.
pub const EXIT_REFUSED: i32 = 5;
/// The action ran, but the journal could not record how it went (a full disk, say).
pub const EXIT_JOURNAL: i32 = 6;

/// Every exit code and what it means: the README's table and the man page are made from this.
pub const EXIT_CODES: &[(i32, &str)] = &[
    (EXIT_OK, "success (with `--wait`: the record SUCCEEDED)"),
    (EXIT_FAILED, "the record FAILED (its RecordErrors are printed)"),
    (EXIT_BAD_INPUT, "bad input: nothing was sent"),
    (
        EXIT_TIMEOUT,
        "`--timeout` passed while waiting (`exec`, `batch` and `runs resume` with `--wait`; the runs go on in AWS)",
    ),
    (
        EXIT_API,
        "an API or connection error, with what to do next; also a watch that had to stop: a record that no longer \
         exists or may not be read (at once), or calls failing for longer than `--poll-error-timeout` (default 300 s: \
         expired credentials, no network), the run left open for `runs resume`",
    ),
    (
        EXIT_REFUSED,
        "refused: `--read-only`, a production run without its `--confirm`, or a change calendar closed without \
         `--override-freeze` (nothing was sent)",
    ),
    (EXIT_JOURNAL, "the action ran, but the journal could not record how it went (a full disk, say)"),
];

/// What a headless command works with.
pub struct Context<'a> {
    pub client: &'a CatalogClient,
    pub output: Output,
    pub journal: Option<Arc<Journal>>,
    pub read_only: bool,
    /// `batch`'s concurrency when the flag is not given.
    pub concurrency: u16,
    /// Standard input is a terminal: `batch` may ask before acting on many products.
    pub interactive: bool,
    /// Unanswered Executes older than this are not sent again blindly (`--token-window`).
    pub token_window: Duration,
    /// Watching a run gives up after failing this long (`--poll-error-timeout`).
    pub poll_error_timeout: Duration,
    /// Which profile or accounts change production (from the config).
    pub production: Production,
    /// `batch --fleet`: the fleet, resolved (each cell's production already known).
    pub fleet: Option<&'a crate::fleet::Fleet>,
    /// `runs resume`: the clients of the fleet cells the journal's open runs went to.
    pub cell_clients: Vec<CatalogClient>,
    /// Told when a run or a batch ends or a run needs the operator.
    pub notifier: Option<Arc<crate::notify::Notifier>>,
    /// Change calendars production runs check first (the config's `freeze_calendars`).
    pub freeze_calendars: Vec<String>,
}

/// Whether runs change production: by profile (known at once) or by account (asked of STS).
#[derive(Debug, Clone, Default)]
pub struct Production(pub crate::domain::ProductionRule);

impl Production {
    /// Why this connection changes production, if it does (`ProductionRule::reason`). STS is
    /// asked only when the answer depends on the account.
    async fn why(&self, client: &CatalogClient) -> Option<String> {
        if !self.0.needs_account() {
            return self.0.reason(None);
        }
        let identity = client.caller_identity().await;
        self.0.reason(Some(identity.as_ref().map(|(a, _)| a.as_str()).map_err(|e| e.message.as_str())))
    }

    /// Refused unless `confirm` is exactly `expected`: the exit code and what to do, or None to go on.
    async fn guard(
        &self,
        client: &CatalogClient,
        confirm: Option<&str>,
        expected: &str,
        what: &str,
        err: &mut dyn Write,
    ) -> Option<i32> {
        let why = self.why(client).await?;
        if confirm == Some(expected) {
            return None;
        }
        let _ = writeln!(
            err,
            "sctui: PRODUCTION ({}): nothing was run; add --confirm {} to run {}",
            clean(&why),
            cli_equiv::sh_quote(&clean(expected)),
            clean(what)
        );
        Some(EXIT_REFUSED)
    }
}

/// The production confirmation (`confirm` against what is expected), then the freeze: what
/// the journal keeps of an overridden freeze, or the exit code of a refusal.
async fn guards(
    ctx: &Context<'_>,
    (confirm, expected): (Option<&str>, &str),
    reason: Option<&str>,
    what: &str,
    err: &mut dyn Write,
) -> Result<Option<crate::runs::journal::FreezeOverride>, i32> {
    if let Some(code) = ctx.production.guard(ctx.client, confirm, expected, what, err).await {
        return Err(code);
    }
    freeze_guard(ctx, ctx.client, reason, what, err).await
}

/// A production run while a change calendar is closed (or unreadable): refused (the exit code),
/// or, with `--override-freeze REASON`, let through with what the journal keeps.
async fn freeze_guard(
    ctx: &Context<'_>,
    client: &CatalogClient,
    reason: Option<&str>,
    what: &str,
    err: &mut dyn Write,
) -> Result<Option<crate::runs::journal::FreezeOverride>, i32> {
    use crate::runs::freeze;
    let calendars = &ctx.freeze_calendars;
    if calendars.is_empty() || ctx.production.why(client).await.is_none() {
        return Ok(None);
    }
    let state = freeze::check(client, calendars).await;
    if !state.blocks() {
        return Ok(None);
    }
    let Some(reason) = reason else {
        let _ = writeln!(
            err,
            "sctui: FREEZE: {}: nothing was run; --override-freeze \"REASON\" runs {} anyway and journals why",
            state.describe(calendars),
            clean(what)
        );
        return Err(EXIT_REFUSED);
    };
    let reason = freeze::check_reason(reason).map_err(|e| {
        let _ = writeln!(err, "sctui: {e}");
        EXIT_BAD_INPUT
    })?;
    let _ = writeln!(
        err,
        "sctui: FREEZE overridden ({}): {} runs; the journal keeps why: {reason}",
        state.describe(calendars),
        clean(what)
    );
    Ok(state.overridden(calendars, reason))
}

/// `batch` asks (or, without a terminal, refuses without `--yes`) above this many products.
pub const BATCH_ASK_ABOVE: usize = 3;

impl Context<'_> {
    fn runner(&self) -> Runner {
        Runner::new(self.client.clone(), self.journal.clone(), self.read_only)
            .with_notifier(self.notifier.clone())
            .with_token_window(self.token_window)
            .with_poll_error_timeout(self.poll_error_timeout)
    }
}

enum Failure {
    Api(Error),
    BadInput(String),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Api(e)
    }
}

/// Runs a headless command and returns the process exit code.
pub async fn run(command: &Command, ctx: &Context<'_>, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let (client, output) = (ctx.client, ctx.output);
    let result = match command {
        Command::Emulator(_)
        | Command::Login
        | Command::Accounts
        | Command::Config { .. }
        | Command::Completions { .. }
        | Command::Man { .. }
        | Command::Runs { action: None | Some(RunsAction::Export { .. } | RunsAction::Verify { .. }) } => Ok(EXIT_OK),
        Command::Runs { action: Some(RunsAction::Resume { wait, resend, timeout }) } => {
            resume(ctx, Resume { wait: *wait, resend, timeout: *timeout }, out, err).await
        }
        Command::Products { query, .. } => products(client, query.clone(), output, out).await,
        Command::Actions { product } => actions(client, product, output, out).await,
        Command::Params { product, action } => params(client, product, action, output, out).await,
        Command::History { product } => history(client, product, output, out).await,
        Command::Record { record_id } => record(client, record_id, output, out).await,
        Command::Steps { record_id } => steps(ctx, record_id, output, out).await,
        Command::Stop { record_id, confirm } => stop(ctx, record_id, confirm.as_deref(), out, err).await,
        Command::Exec(args) => exec(ctx, args, out, err).await,
        Command::Batch(args) if args.fleet.is_some() => match ctx.fleet {
            Some(fleet) => fleet_batch(ctx, fleet, args, out, err).await,
            None => Err(Failure::BadInput("the fleet could not be resolved".into())),
        },
        Command::Batch(args) => batch(ctx, args, out, err).await,
    };
    if let Some(note) = client.take_access_note() {
        let _ = writeln!(err, "sctui: {}", clean(&note));
    }
    match result {
        Ok(code) => code,
        Err(Failure::Api(e)) => {
            let _ = writeln!(err, "sctui: {}", clean(&e.to_string()));
            EXIT_API
        }
        Err(Failure::BadInput(m)) => {
            let _ = writeln!(err, "sctui: {}", clean(&m));
            EXIT_BAD_INPUT
        }
    }
}

async fn products(
    client: &CatalogClient,
    query: Option<String>,
    output: Output,
    out: &mut dyn Write,
) -> Result<i32, Failure> {
    let q = ProductQuery { query, page_size: 100, ..Default::default() };
    let (items, total) = client.all_products(&q).await?;
    match output {
        Output::Json => output::json(out, &json!({"ProvisionedProducts": items, "TotalResultsCount": total})),
        Output::Table => {
            let rows: Vec<Vec<String>> = items
                .iter()
                .map(|p| {
                    vec![
                        p.name.clone(),
                        p.status.as_ref().map(|s| s.to_string()).unwrap_or_default(),
                        output::opt(&p.product_name),
                        output::opt(&p.provisioning_artifact_name),
                        p.id.clone(),
                        output::opt(&p.last_record_id),
                    ]
                })
                .collect();
            output::table(out, &["NAME", "STATUS", "PRODUCT", "VERSION", "ID", "LAST RECORD"], &rows);
            let _ = writeln!(out, "{} of {total} provisioned products", items.len());
        }
    }
    Ok(EXIT_OK)
}

async fn actions(client: &CatalogClient, product: &str, output: Output, out: &mut dyn Write) -> Result<i32, Failure> {
    let pp = client.product(product).await?;
    if let Some(why) = pp.actions_unsupported() {
        return Err(Failure::BadInput(why));
    }
    let Some((prod, version)) = pp.artifact_key() else {
        return Err(Failure::BadInput(format!("{} has no product version; it has no actions", pp.name)));
    };
    let list = client.actions(&prod, &version).await?;
    match output {
        Output::Json => output::json(out, &json!({"ServiceActionSummaries": *list})),
        Output::Table => {
            let rows: Vec<Vec<String>> =
                list.iter().map(|a| vec![a.name.clone(), a.id.clone(), output::opt(&a.description)]).collect();
            output::table(out, &["NAME", "ID", "DESCRIPTION"], &rows);
        }
    }
    Ok(EXIT_OK)
}

/// The product, and its action found by id or exact name on the product's own version.
async fn resolve(
    client: &CatalogClient,
    product: &str,
    action: &str,
) -> Result<(ProvisionedProduct, ServiceAction), Failure> {
    let pp = client.product(product).await?;
    if let Some(why) = pp.actions_unsupported() {
        return Err(Failure::BadInput(why));
    }
    match client.find_action(&pp, action).await? {
        ActionLookup::Found(a) => Ok((pp, a)),
        ActionLookup::NoVersion => {
            Err(Failure::BadInput(format!("{} has no product version; it has no actions", pp.name)))
        }
        // An id the version does not list: let Service Catalog say why.
        ActionLookup::Missing { .. } if action.starts_with("act-") => {
            Ok((pp, ServiceAction { id: action.to_string(), name: action.to_string(), ..Default::default() }))
        }
        ActionLookup::Missing { available } => Err(Failure::BadInput(format!(
            "{} has no action named {}; its actions are: {}",
            pp.name,
            action,
            if available.is_empty() { "(none)".to_string() } else { available.join(", ") }
        ))),
    }
}

async fn params(
    client: &CatalogClient,
    product: &str,
    action: &str,
    output: Output,
    out: &mut dyn Write,
) -> Result<i32, Failure> {
    let (pp, action) = resolve(client, product, action).await?;
    let list = client.execution_parameters(&pp.id, &action.id).await?;
    match output {
        Output::Json => output::json(out, &json!({"ServiceActionParameters": list})),
        Output::Table => {
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|p| {
                    let defaults =
                        if p.default_values.is_empty() { "-".to_string() } else { p.default_values.join(", ") };
                    vec![p.name.clone(), p.kind.to_string(), defaults]
                })
                .collect();
            output::table(out, &["NAME", "TYPE", "DEFAULT VALUES"], &rows);
        }
    }
    Ok(EXIT_OK)
}

async fn history(client: &CatalogClient, product: &str, output: Output, out: &mut dyn Write) -> Result<i32, Failure> {
    let pp = client.product(product).await?;
    let records = client.history(&pp.id).await?;
    match output {
        Output::Json => output::json(out, &json!({"RecordDetails": records})),
        Output::Table => {
            output::table(out, &["RECORD", "TYPE", "STATUS", "CREATED", "UPDATED"], &output::record_rows(&records))
        }
    }
    Ok(EXIT_OK)
}

async fn record(client: &CatalogClient, id: &str, output: Output, out: &mut dyn Write) -> Result<i32, Failure> {
    let (detail, outputs) = client.record(id).await?;
    match output {
        Output::Json => output::json(out, &json!({"RecordDetail": detail, "RecordOutputs": outputs})),
        Output::Table => output::record(out, &detail, Some(&outputs)),
    }
    Ok(EXIT_OK)
}

/// The SSM Automation execution behind a record, and its steps. The document narrows the search
/// where this machine's journal knows the record's action.
async fn steps(ctx: &Context<'_>, id: &str, output: Output, out: &mut dyn Write) -> Result<i32, Failure> {
    let client = ctx.client;
    let (detail, outputs) = client.record(id).await?;
    let (document, sent) = journal_hint(ctx, id).await;
    match crate::runs::automation::find(client, &detail, &outputs, document.as_deref(), sent.as_ref()).await? {
        crate::runs::automation::Found::One(a) => {
            match output {
                Output::Json => output::json(out, &json!({"AutomationExecution": a})),
                Output::Table => output::automation(out, &a),
            }
            Ok(EXIT_OK)
        }
        crate::runs::automation::Found::Many(list) => {
            let ids: Vec<String> = list
                .iter()
                .map(|a| {
                    format!(
                        "{} ({}, {})",
                        a.automation_execution_id,
                        output::opt(&a.document_name),
                        output::opt(&a.automation_execution_status)
                    )
                })
                .collect();
            Err(Failure::BadInput(clean(&format!(
                "{} SSM Automation executions could be this record's (its outputs do not name one): {}. sctui does not guess: look at each with `aws ssm get-automation-execution`",
                list.len(),
                ids.join(", ")
            ))))
        }
        crate::runs::automation::Found::None(why) => Err(Failure::BadInput(clean(&why))),
    }
}

/// Stops the execution behind a record: found as `steps` finds it (never guessed), refused
/// read-only, confirmed by the product's name on production, journaled on the run that made it.
async fn stop(
    ctx: &Context<'_>,
    id: &str,
    confirm: Option<&str>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<i32, Failure> {
    use crate::runs::automation::{Found, find};
    let client = ctx.client;
    if ctx.read_only {
        let _ = writeln!(err, "sctui: --read-only: stopping an automation is refused");
        return Ok(EXIT_REFUSED);
    }
    let (detail, outputs) = client.record(id).await?;
    let (document, sent) = journal_hint(ctx, id).await;
    let a = match find(client, &detail, &outputs, document.as_deref(), sent.as_ref()).await? {
        Found::One(a) => a,
        Found::Many(list) => {
            let ids: Vec<&str> = list.iter().map(|a| a.automation_execution_id.as_str()).collect();
            return Err(Failure::BadInput(clean(&format!(
                "{} SSM Automation executions could be this record's; sctui stops none of them without knowing which: {}",
                list.len(),
                ids.join(", ")
            ))));
        }
        Found::None(why) => return Err(Failure::BadInput(clean(&why))),
    };
    if a.is_over() {
        let status = a.automation_execution_status.as_deref().unwrap_or("over");
        let _ = writeln!(
            err,
            "sctui: execution {} is already {}: nothing to stop",
            clean(&a.automation_execution_id),
            clean(status)
        );
        return Ok(EXIT_FAILED);
    }
    let product = detail.provisioned_product_name.clone().unwrap_or_default();
    let what = format!("stopping {} of {}", a.automation_execution_id, product);
    if let Some(code) = ctx.production.guard(client, confirm, &product, &what, err).await {
        return Ok(code);
    }
    client.stop_automation(&a.automation_execution_id).await?;
    let journaled = ctx.runner().journal_stop(id, &a.automation_execution_id).await;
    if let Err(e) = &journaled {
        let _ = writeln!(err, "sctui: stopped, but the journal could not record it: {}", clean(&e.to_string()));
    }
    let _ = writeln!(
        out,
        "Stopped    {} ({}); record {} ends FAILED",
        clean(&a.automation_execution_id),
        clean(a.document_name.as_deref().unwrap_or("?")),
        clean(id)
    );
    Ok(if journaled.is_err() { EXIT_JOURNAL } else { EXIT_OK })
}

/// The SSM document of the run that made `record_id`, where this machine's journal has it.
/// What this machine's journal knows of the run behind a record, to find its execution: the
/// action's SSM document (DescribeServiceAction; unknown when denied) and the parameters sent.
async fn journal_hint(ctx: &Context<'_>, record_id: &str) -> (Option<String>, Option<crate::runs::automation::Sent>) {
    let Some(run) = ctx.journal.as_ref().and_then(|j| journal::run_of_record(j.path(), record_id)) else {
        return (None, None);
    };
    let document = document_of(ctx.client, &run.action_id).await;
    let sent = crate::runs::automation::Sent {
        product_id: run.product_id,
        action_id: run.action_id,
        parameters: run.parameters,
    };
    (document, Some(sent))
}

/// The SSM document behind an action, where DescribeServiceAction is allowed.
async fn document_of(client: &CatalogClient, action_id: &str) -> Option<String> {
    client.action_definition(action_id).await.ok().and_then(|(_, d)| d.name)
}

/// `exec --wait`, for people: each SSM step's change of status on stderr as the polls bring it
/// (at most one GetAutomationExecution per record poll), and a failing step's reason.
async fn step_lines(
    client: CatalogClient,
    sent: crate::runs::automation::Sent,
    mut polled: tokio::sync::mpsc::UnboundedReceiver<(RecordDetail, Vec<crate::domain::RecordOutput>)>,
) {
    use crate::runs::automation::{Found, find};
    let mut known: Option<String> = None;
    // Asked once, before the first search: Some(None) when it cannot be known.
    let mut document: Option<Option<String>> = None;
    let mut seen: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    let mut said = false;
    while let Some(mut latest) = polled.recv().await {
        // Only the newest poll matters.
        while let Ok(newer) = polled.try_recv() {
            latest = newer;
        }
        let (record, outputs) = latest;
        let result = match &known {
            Some(id) => client.automation(id).await.map(|a| Found::One(Box::new(a))),
            None => {
                if document.is_none() && crate::runs::automation::named(&outputs).is_none() {
                    document = Some(document_of(&client, &sent.action_id).await);
                }
                let doc = document.as_ref().and_then(|d| d.as_deref());
                find(&client, &record, &outputs, doc, Some(&sent)).await
            }
        };
        match result {
            Ok(Found::One(a)) => {
                known = Some(a.automation_execution_id.clone());
                for s in &a.step_executions {
                    let status = s.step_status.clone().unwrap_or_default();
                    if seen.get(&s.step_name) == Some(&status) {
                        continue;
                    }
                    eprintln!("  step {}  {}", clean(&s.step_name), clean(&status));
                    if let Some(m) =
                        s.failure_message.as_deref().filter(|_| matches!(status.as_str(), "Failed" | "TimedOut"))
                    {
                        eprintln!("  step {} failed: {}", clean(&s.step_name), clean(m));
                    }
                    seen.insert(s.step_name.clone(), status);
                }
            }
            Ok(Found::Many(list)) if !said => {
                said = true;
                eprintln!(
                    "  steps: {} SSM executions fit and the record names none; `sctui steps {}` lists them",
                    list.len(),
                    clean(&record.record_id)
                );
            }
            Err(e) if e.kind == crate::catalog::ErrorKind::AccessDenied && !said => {
                said = true;
                eprintln!("  steps: not shown: {}", clean(&e.to_string()));
            }
            // Not started yet, or a passing problem: the next poll asks again.
            _ => {}
        }
    }
}

/// For people (table output): each status change on stderr as it happens. A journal failure is
/// always said, and remembered in `unjournaled` for the exit code.
fn progress(
    output: Output,
    product: &str,
    unjournaled: Arc<std::sync::atomic::AtomicBool>,
) -> impl FnMut(RunEvent) + Send + use<> {
    let product = clean(product);
    let mut last: Option<String> = None;
    move |e: RunEvent| {
        let line = match e {
            RunEvent::Polled(Ok((d, _))) | RunEvent::Submitted(d) => {
                format!("{}  {}  {product}", clean(&d.record_id), clean(&output::status_text(&d.status)))
            }
            RunEvent::Polled(Err(e)) | RunEvent::Retrying(e) => format!("retrying: {}", clean(&e.to_string())),
            RunEvent::Unjournaled(why) => {
                unjournaled.store(true, std::sync::atomic::Ordering::SeqCst);
                eprintln!("sctui: the run goes on, but {}", clean(&why));
                return;
            }
        };
        if output == Output::Table && last.as_ref() != Some(&line) {
            eprintln!("{line}");
            last = Some(line);
        }
    }
}

/// An `exec` whose run did not start (or whose start was not answered): its exit code.
fn not_started(e: RunError, err: &mut dyn Write) -> Result<i32, Failure> {
    match e {
        RunError::Refused(reason) => {
            let _ = writeln!(err, "sctui: {reason}");
            Ok(EXIT_REFUSED)
        }
        RunError::Api(e) | RunError::Lost(e) => Err(Failure::Api(e)),
        e @ (RunError::Unanswered(_) | RunError::Uncertain(_) | RunError::Unwatched(_)) => {
            let _ = writeln!(err, "sctui: {}", clean(&e.to_string()));
            Ok(EXIT_API)
        }
        RunError::Journal(e) => {
            let _ = writeln!(err, "sctui: {}", clean(&e));
            Ok(EXIT_API)
        }
    }
}

async fn exec(ctx: &Context<'_>, args: &ExecArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<i32, Failure> {
    let params = parse_params(&args.params).map_err(|es| Failure::BadInput(input::join(&es)))?;
    let token = args.token.clone().unwrap_or_else(new_id);
    let (pp, action) = resolve(ctx.client, &args.product, &args.action).await?;
    let what = format!("{} on {}", action.name, pp.name);
    let (confirm, reason) = (args.confirm.as_deref(), args.override_freeze.as_deref());
    let freeze = match guards(ctx, (confirm, &pp.name), reason, &what, err).await {
        Ok(f) => f,
        Err(code) => return Ok(code),
    };
    let mut spec = RunSpec::new(new_id(), &pp, &action, params, token.clone());
    spec.freeze = freeze;
    let runner = ctx.runner();
    let unjournaled = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut inner = progress(ctx.output, &pp.name, unjournaled.clone());
    // With --wait, for people: each poll's record also goes to the step watcher.
    let (polls, polled) = tokio::sync::mpsc::unbounded_channel::<(RecordDetail, Vec<crate::domain::RecordOutput>)>();
    let mut report = move |e: RunEvent| {
        if let RunEvent::Polled(Ok((d, o))) = &e {
            let _ = polls.send((d.clone(), o.clone()));
        }
        inner(e)
    };
    let journal_failed = || unjournaled.load(std::sync::atomic::Ordering::SeqCst);
    let detail = match runner.start(&spec, &mut report).await {
        Ok(d) => d,
        Err(e) => return not_started(e, err),
    };
    if !args.wait {
        match ctx.output {
            Output::Json => output::json(out, &json!({"RecordDetail": detail})),
            Output::Table => {
                output::record(out, &detail, None);
                let _ = writeln!(out, "Token      {}", clean(&token));
            }
        }
        return Ok(if journal_failed() { EXIT_JOURNAL } else { EXIT_OK });
    }
    let steps =
        (ctx.output == Output::Table).then(|| tokio::spawn(step_lines(ctx.client.clone(), spec.sent(), polled)));
    let deadline = Duration::from_secs_f64(args.timeout);
    let followed = tokio::time::timeout(deadline, runner.follow(&spec, &detail.record_id, &mut report)).await;
    // The run's end closes the watcher's channel; its last lines come before the record.
    drop(report);
    if let Some(task) = steps {
        let _ = tokio::time::timeout(Duration::from_secs(10), task).await;
    }
    let Ok(followed) = followed else {
        let id = clean(&detail.record_id);
        let _ = writeln!(
            err,
            "sctui: gave up waiting after {:.0} s; record {id} goes on in AWS (`sctui record {id}`, or `sctui runs resume --wait`)",
            args.timeout
        );
        return Ok(EXIT_TIMEOUT);
    };
    let (detail, outputs) = match followed {
        Ok(x) => x,
        Err(e) => {
            let _ = writeln!(err, "sctui: {}", clean(&e.to_string()));
            return Ok(EXIT_API);
        }
    };
    match ctx.output {
        Output::Json => output::json(out, &json!({"RecordDetail": detail, "RecordOutputs": outputs})),
        Output::Table => output::record(out, &detail, Some(&outputs)),
    }
    Ok(match detail.status {
        _ if journal_failed() => EXIT_JOURNAL,
        Some(RecordStatus::Succeeded) => EXIT_OK,
        _ => EXIT_FAILED,
    })
}

/// One line of a batch: a product and what became of its run.
struct BatchRow {
    /// A fleet's cell: "account-name (id) region".
    place: Option<String>,
    product: String,
    record: Option<String>,
    status: String,
    detail: String,
    ok: bool,
}

impl BatchRow {
    fn skipped(pp: &ProvisionedProduct, why: String) -> BatchRow {
        BatchRow {
            place: None,
            product: pp.name.clone(),
            record: None,
            status: "NOT_STARTED".into(),
            detail: why,
            ok: false,
        }
    }

    /// The STATUS cell: the record's status, or what became of a run without one.
    fn status(outcome: &BatchOutcome) -> String {
        match outcome {
            BatchOutcome::Ended(d) | BatchOutcome::Started(d) => output::status_text(&d.status),
            BatchOutcome::Failed(e) if e.started() => "LOST".into(),
            BatchOutcome::Failed(_) => "NOT_STARTED".into(),
            BatchOutcome::Stopped => "SKIPPED".into(),
        }
    }

    fn of(pp: &ProvisionedProduct, outcome: &BatchOutcome) -> BatchRow {
        let status = BatchRow::status(outcome);
        let detail = match outcome {
            BatchOutcome::Ended(d) => d
                .record_errors
                .iter()
                .map(|e| format!("{}: {}", e.code.as_deref().unwrap_or(""), e.description.as_deref().unwrap_or("")))
                .collect::<Vec<_>>()
                .join("; "),
            BatchOutcome::Started(_) => String::new(),
            BatchOutcome::Failed(e) => e.to_string(),
            BatchOutcome::Stopped => batch::STOPPED.to_string(),
        };
        let record = outcome.record().map(|d| d.record_id.clone());
        BatchRow { place: None, product: pp.name.clone(), record, status, detail, ok: outcome.is_success() }
    }
}

/// The products a batch names: by a search, or one by one.
async fn batch_products(client: &CatalogClient, args: &BatchArgs) -> Result<Vec<ProvisionedProduct>, Failure> {
    if let Some(q) = &args.query {
        let query = ProductQuery { query: Some(q.clone()), page_size: 100, ..Default::default() };
        return Ok(client.all_products(&query).await?.0);
    }
    let mut list = Vec::new();
    for p in &args.products {
        list.push(client.product(p).await?);
    }
    Ok(list)
}

/// `sctui batch`: one action on many products through the one batch scheduler, each run with its
/// own token and journal entry (the same exactly-once path as `exec`). A product whose version
/// lacks the action is reported and not run.
async fn batch(ctx: &Context<'_>, args: &BatchArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<i32, Failure> {
    let params = parse_params(&args.params).map_err(|es| Failure::BadInput(input::join(&es)))?;
    let products = batch_products(ctx.client, args).await?;
    if products.is_empty() {
        return Err(Failure::BadInput("no provisioned product matches; nothing was run".into()));
    }
    let what = format!("{} on {} products", args.action, products.len());
    let expected = products.len().to_string();
    let (confirm, reason) = (args.confirm.as_deref(), args.override_freeze.as_deref());
    let freeze = match guards(ctx, (confirm, &expected), reason, &what, err).await {
        Ok(f) => f,
        Err(code) => return Ok(code),
    };
    if products.len() > BATCH_ASK_ABOVE && !args.yes {
        confirm_batch(ctx, &args.action, &products, err).await?;
    }
    let targets: Vec<BatchTarget> =
        products.into_iter().map(|product| BatchTarget { product, client: ctx.client, place: None }).collect();
    run_batch(ctx, args, &targets, &params, (true, freeze), out, err).await
}

/// A product a batch runs on, the client of where it lives and, in a fleet, where that is.
struct BatchTarget<'c> {
    product: ProvisionedProduct,
    client: &'c CatalogClient,
    place: Option<String>,
}

/// The batch itself, for `batch` and `batch --fleet` alike: each target's action found on its
/// own version, its run through its own client's runner (the scheduler groups them by account),
/// progress on stderr for people, the table, and the exit code (`complete`: every product the
/// batch was meant for could be listed).
async fn run_batch(
    ctx: &Context<'_>,
    args: &BatchArgs,
    targets: &[BatchTarget<'_>],
    params: &Option<crate::domain::ParameterMap>,
    (complete, freeze): (bool, Option<crate::runs::journal::FreezeOverride>),
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<i32, Failure> {
    let base = ctx.runner();
    let mut rows: Vec<Option<BatchRow>> = Vec::new();
    let mut items = Vec::new();
    for (i, t) in targets.iter().enumerate() {
        let pp = &t.product;
        let row = match t.client.find_action(pp, &args.action).await {
            Ok(ActionLookup::Found(a)) => {
                let runner = Runner { client: t.client.clone(), ..base.clone() };
                let mut spec = RunSpec::new(new_id(), pp, &a, params.clone(), new_id());
                spec.freeze = freeze.clone();
                items.push((i, runner, spec));
                None
            }
            Ok(ActionLookup::NoVersion) => Some(BatchRow::skipped(pp, "the product has no version".into())),
            Ok(ActionLookup::Missing { .. }) => {
                Some(BatchRow::skipped(pp, format!("its version has no action {}", args.action)))
            }
            Err(e) => Some(BatchRow::skipped(pp, e.to_string())),
        };
        rows.push(row.map(|r| BatchRow { place: t.place.clone(), ..r }));
    }
    let plan = BatchPlan {
        concurrency: usize::from(args.concurrency.unwrap_or(ctx.concurrency)),
        stop_on_failure: args.stop_on_failure,
        wait: args.wait,
    };
    let unjournaled = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = unjournaled.clone();
    let names: Arc<Vec<String>> = Arc::new(
        targets
            .iter()
            .map(|t| match &t.place {
                Some(place) => format!("{place}  {}", clean(&t.product.name)),
                None => clean(&t.product.name),
            })
            .collect(),
    );
    let table = ctx.output == Output::Table;
    let notify = move |i: &usize, note: batch::Note<'_>| match note {
        batch::Note::Progress(RunEvent::Unjournaled(why)) => {
            flag.store(true, std::sync::atomic::Ordering::SeqCst);
            eprintln!("sctui: a run goes on, but {}", clean(&why));
        }
        // Progress for people, as each run starts and ends.
        batch::Note::Progress(RunEvent::Submitted(d)) if table => {
            eprintln!("{}  {}  {}", clean(&d.record_id), clean(&output::status_text(&d.status)), names[*i]);
        }
        batch::Note::Done(outcome) if table => {
            let record = outcome.record().map(|d| clean(&d.record_id)).unwrap_or("-".into());
            eprintln!("{record}  {}  {}", BatchRow::status(outcome), names[*i]);
        }
        _ => {}
    };
    let deadline = Duration::from_secs_f64(args.timeout);
    let Ok(outcomes) = tokio::time::timeout(deadline, batch::run_each(items, plan, notify)).await else {
        let _ = writeln!(
            err,
            "sctui: gave up waiting after {:.0} s; the runs go on in AWS (`sctui runs` lists them, `sctui runs resume --wait` watches them)",
            args.timeout
        );
        return Ok(EXIT_TIMEOUT);
    };
    for (i, outcome) in outcomes {
        let t = &targets[i];
        rows[i] = Some(BatchRow { place: t.place.clone(), ..BatchRow::of(&t.product, &outcome) });
    }
    let rows: Vec<BatchRow> = rows.into_iter().flatten().collect();
    print_batch(ctx.output, &rows, args.wait, out, err);
    Ok(match () {
        _ if unjournaled.load(std::sync::atomic::Ordering::SeqCst) => EXIT_JOURNAL,
        _ if rows.iter().all(|r| r.ok) && complete => EXIT_OK,
        _ => EXIT_FAILED,
    })
}

/// Where a fleet's cell is, for people: `dev (210987654321) us-east-1`.
fn place(c: &crate::fleet::Cell) -> String {
    format!("{} ({}) {}", clean(&c.account_name), clean(&c.account_id), clean(&c.region))
}

/// The products matching the batch's query in every cell (cell index, product), and how many
/// cells could not be listed (each named on `err`).
async fn fleet_matches(
    ctx: &Context<'_>,
    fleet: &crate::fleet::Fleet,
    args: &BatchArgs,
    err: &mut dyn Write,
) -> (Vec<(usize, ProvisionedProduct)>, usize) {
    let q = ProductQuery { query: args.query.clone(), page_size: 100, ..Default::default() };
    for p in &fleet.problems {
        let _ = writeln!(err, "sctui: fleet {}: {}", clean(&fleet.name), clean(p));
    }
    let answers = crate::fleet::products(fleet, &q, usize::from(ctx.concurrency).max(1), |_| {}).await;
    let mut found = Vec::new();
    let mut unlisted = 0;
    for a in answers {
        match a.result {
            Ok(list) => found.extend(list.into_iter().map(|p| (a.cell, p))),
            Err(e) => {
                unlisted += 1;
                let why = clean(&e.to_string());
                let _ = writeln!(err, "sctui: {}: not listed, nothing run there: {why}", place(&fleet.cells[a.cell]));
            }
        }
    }
    (found, unlisted)
}

/// `sctui batch --fleet`: the action on the products matching the query in every cell of the
/// fleet, each run with its own cell's client and credentials, at most `--concurrency` at once
/// per account, one journal. A production account anywhere asks `--confirm N` for the whole
/// batch; a cell that cannot be listed is named and the others run.
async fn fleet_batch(
    ctx: &Context<'_>,
    fleet: &crate::fleet::Fleet,
    args: &BatchArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<i32, Failure> {
    let params = parse_params(&args.params).map_err(|es| Failure::BadInput(input::join(&es)))?;
    let (found, unlisted) = fleet_matches(ctx, fleet, args, err).await;
    if found.is_empty() {
        return Err(Failure::BadInput("no provisioned product matches in the fleet; nothing was run".into()));
    }
    let n = found.len();
    let production: Vec<String> = {
        let mut v: Vec<String> =
            found.iter().filter(|(c, _)| fleet.cells[*c].production).map(|(c, _)| place(&fleet.cells[*c])).collect();
        v.dedup();
        v
    };
    if !production.is_empty() && args.confirm.as_deref() != Some(n.to_string().as_str()) {
        let _ = writeln!(
            err,
            "sctui: PRODUCTION: {} on {n} products reaches production ({}): add --confirm {n} to go ahead (nothing was run)",
            clean(&args.action),
            production.join(", ")
        );
        return Ok(EXIT_REFUSED);
    }
    let targets: Vec<BatchTarget> = found
        .into_iter()
        .map(|(c, product)| {
            let cell = &fleet.cells[c];
            BatchTarget { product, client: &cell.client, place: Some(place(cell)) }
        })
        .collect();
    if n > BATCH_ASK_ABOVE && !args.yes {
        let products: Vec<ProvisionedProduct> = targets.iter().map(|t| t.product.clone()).collect();
        confirm_batch(ctx, &args.action, &products, err).await?;
    }
    let complete = unlisted == 0 && fleet.problems.is_empty();
    // Each production account's calendars are asked in that account.
    let mut freeze = None;
    let mut asked: Vec<&str> = Vec::new();
    for cell in fleet.cells.iter().filter(|c| c.production) {
        if asked.contains(&cell.account_id.as_str()) {
            continue;
        }
        asked.push(&cell.account_id);
        let what = format!("{} in {}", args.action, place(cell));
        match freeze_guard(ctx, &cell.client, args.override_freeze.as_deref(), &what, err).await {
            Ok(f) => freeze = freeze.or(f),
            Err(code) => return Ok(code),
        }
    }
    run_batch(ctx, args, &targets, &params, (complete, freeze), out, err).await
}

/// Many products and no `--yes`: on a terminal, the operator types the number of products to go
/// ahead; without one, sctui refuses.
async fn confirm_batch(
    ctx: &Context<'_>,
    action: &str,
    products: &[ProvisionedProduct],
    err: &mut dyn Write,
) -> Result<(), Failure> {
    let n = products.len();
    if !ctx.interactive {
        return Err(Failure::BadInput(format!(
            "batch would run {action} on {n} provisioned products; add --yes to go ahead (nothing was run)"
        )));
    }
    let names: Vec<String> = products.iter().take(8).map(|p| clean(&p.name)).collect();
    let more = if n > 8 { format!(" and {} more", n - 8) } else { String::new() };
    let _ = write!(
        err,
        "Run {} on {n} provisioned products ({}{more})? Type {n} to go ahead: ",
        clean(action),
        names.join(", ")
    );
    let _ = err.flush();
    let line = tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).map(|_| line)
    })
    .await;
    match line {
        Ok(Ok(l)) if l.trim() == n.to_string() => Ok(()),
        _ => Err(Failure::BadInput(format!("not confirmed; nothing was run (type {n} to go ahead, or pass --yes)"))),
    }
}

fn print_batch(output: Output, rows: &[BatchRow], wait: bool, out: &mut dyn Write, err: &mut dyn Write) {
    match output {
        Output::Json => {
            let runs: Vec<_> = rows
                .iter()
                .map(|r| json!({"Cell": r.place, "ProvisionedProductName": r.product, "RecordId": r.record, "Status": r.status, "Detail": r.detail}))
                .collect();
            output::json(out, &json!({"Runs": runs}));
        }
        Output::Table => {
            let fleet = rows.iter().any(|r| r.place.is_some());
            let table: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    let mut row = vec![
                        r.product.clone(),
                        r.record.clone().unwrap_or_else(|| "-".into()),
                        r.status.clone(),
                        r.detail.clone(),
                    ];
                    if fleet {
                        row.insert(0, r.place.clone().unwrap_or_default());
                    }
                    row
                })
                .collect();
            let headers: &[&str] = if fleet {
                &["CELL", "PRODUCT", "RECORD", "STATUS", "DETAIL"]
            } else {
                &["PRODUCT", "RECORD", "STATUS", "DETAIL"]
            };
            output::table(out, headers, &table);
            let good = rows.iter().filter(|r| r.ok).count();
            let _ = writeln!(err, "{good} of {} runs {}", rows.len(), if wait { "succeeded" } else { "started" });
        }
    }
}

/// What `sctui runs resume` was asked.
struct Resume<'a> {
    wait: bool,
    resend: &'a [String],
    timeout: f64,
}

/// One resumed run's line, and whether it is an error the exit code must say.
fn resumed_row(r: &JournalRun, end: &Result<RecordDetail, RunError>, err: &mut dyn Write) -> (Vec<String>, bool) {
    let status = end.as_ref().ok().and_then(|d| d.status.clone());
    let (shown, broken) = match end {
        Err(RunError::Uncertain(why)) => {
            let _ = writeln!(err, "sctui: {}", clean(why));
            ("UNCERTAIN".to_string(), false)
        }
        Err(e) => {
            let _ = writeln!(err, "sctui: run {}: {}", clean(&r.run), clean(&e.to_string()));
            let lost = matches!(e, RunError::Lost(_) | RunError::Unwatched(_));
            (if lost { "UNWATCHED".to_string() } else { output::status_text(&status) }, lost)
        }
        Ok(_) => (output::status_text(&status), false),
    };
    let record = end.as_ref().ok().map(|d| d.record_id.clone()).unwrap_or_else(|| "-".into());
    (vec![r.run.clone(), r.product_name.clone(), r.action_name.clone(), record, shown], broken)
}

/// `sctui runs resume [--wait]`: takes up every open run of this connection.
/// This connection's open runs, then each fleet cell's, each with the runner of its own client;
/// the journal's unreadable lines, and how many demo runs were closed.
async fn open_everywhere(
    ctx: &Context<'_>,
) -> Result<(Vec<(Runner, JournalRun)>, Vec<journal::Problem>, usize), Failure> {
    let mut open = Vec::new();
    let (mut problems, mut closed) = (Vec::new(), 0);
    for client in std::iter::once(ctx.client).chain(&ctx.cell_clients) {
        let runner = Runner { client: client.clone(), ..ctx.runner() };
        let (runs, p, c) = runner.open_runs().await.map_err(|e| Failure::BadInput(e.to_string()))?;
        if problems.is_empty() {
            problems = p;
        }
        closed += c;
        open.extend(runs.into_iter().map(|r| (runner.clone(), r)));
    }
    Ok((open, problems, closed))
}

async fn resume(ctx: &Context<'_>, ask: Resume<'_>, out: &mut dyn Write, err: &mut dyn Write) -> Result<i32, Failure> {
    if ctx.journal.is_none() {
        return Err(Failure::BadInput("there is no journal to resume from".into()));
    }
    let (open, problems, closed) = open_everywhere(ctx).await?;
    for p in &problems {
        let _ = writeln!(err, "sctui: {p}");
    }
    if closed > 0 {
        let runs =
            if closed == 1 { "1 open demo run was".to_string() } else { format!("{closed} open demo runs were") };
        let _ = writeln!(err, "sctui: {runs} closed as ABANDONED: their emulator ended with its process");
    }
    if let Some(missing) = ask.resend.iter().find(|id| !open.iter().any(|(_, r)| &r.run == *id)) {
        return Err(Failure::BadInput(format!("--resend {missing}: no open run of this connection has that id")));
    }
    if open.is_empty() {
        let _ = writeln!(out, "No open runs to resume.");
        return Ok(EXIT_OK);
    }
    let unjournaled = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (wait, table) = (ask.wait, ctx.output == Output::Table);
    let mut tasks = Vec::new();
    for (runner, r) in open {
        let flag = unjournaled.clone();
        let resend = ask.resend.contains(&r.run);
        tasks.push(tokio::spawn(async move {
            let mut report = |e: RunEvent| {
                if let RunEvent::Unjournaled(why) = e {
                    flag.store(true, std::sync::atomic::Ordering::SeqCst);
                    eprintln!("sctui: a run goes on, but {}", clean(&why));
                }
            };
            let end = match resend {
                true => runner.resend(&r, wait, &mut report).await,
                false => runner.resume(&r, wait, &mut report).await,
            };
            if table && let Ok(d) = &end {
                // Progress as each run ends, for people.
                eprintln!(
                    "{}  {}  {}",
                    clean(&d.record_id),
                    clean(&output::status_text(&d.status)),
                    clean(&r.product_name)
                );
            }
            (r, end)
        }));
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs_f64(ask.timeout);
    let (mut all_ok, mut broken, mut uncertain) = (true, false, false);
    let mut rows = Vec::new();
    for t in tasks {
        let Ok(joined) = tokio::time::timeout_at(deadline, t).await else {
            let _ = writeln!(
                err,
                "sctui: gave up waiting after {:.0} s; the runs go on in AWS (`sctui runs resume --wait`)",
                ask.timeout
            );
            return Ok(EXIT_TIMEOUT);
        };
        let Ok((r, end)) = joined else { continue };
        all_ok &= end.as_ref().ok().and_then(|d| d.status.clone()) == Some(RecordStatus::Succeeded);
        let (row, lost) = resumed_row(&r, &end, err);
        broken |= lost;
        uncertain |= matches!(end, Err(RunError::Uncertain(_)));
        rows.push(row);
    }
    match ctx.output {
        Output::Json => output::json(out, &json!({"Resumed": rows})),
        Output::Table => output::table(out, &["RUN", "PRODUCT", "ACTION", "RECORD", "STATUS"], &rows),
    }
    Ok(match () {
        _ if unjournaled.load(std::sync::atomic::Ordering::SeqCst) => EXIT_JOURNAL,
        _ if broken => EXIT_API,
        _ if all_ok || (!wait && !uncertain) => EXIT_OK,
        _ => EXIT_FAILED,
    })
}

/// `sctui runs [export]`: reads the journal; needs no connection.
/// `products --fleet`: every cell's products in one table with ACCOUNT and REGION, each cell's
/// answer said on stderr as it comes; a cell that fails is named and the others still shown
/// (exit 4 when any failed).
pub async fn fleet_products(
    fleet: &crate::fleet::Fleet,
    query: Option<String>,
    output: Output,
    concurrency: usize,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let q = ProductQuery { query, page_size: 100, ..Default::default() };
    for p in &fleet.problems {
        let _ = writeln!(err, "sctui: fleet {}: {}", clean(&fleet.name), clean(p));
    }
    let label = |i: usize| {
        let c = &fleet.cells[i];
        format!("{} ({}) {}", clean(&c.account_name), clean(&c.account_id), clean(&c.region))
    };
    let answers = crate::fleet::products(fleet, &q, concurrency, |a| {
        let line = match &a.result {
            Ok(items) => format!("{}: {} products", label(a.cell), items.len()),
            Err(e) => format!("{}: FAILED: {}", label(a.cell), clean(&e.to_string())),
        };
        if output == Output::Table {
            let _ = writeln!(err, "{line}");
        }
    })
    .await;
    let failed = answers.iter().filter(|a| a.result.is_err()).count();
    let mut rows = Vec::new();
    let mut items = Vec::new();
    let mut cells = Vec::new();
    for a in &answers {
        let c = &fleet.cells[a.cell];
        let (status, error) = match &a.result {
            Ok(list) => {
                for p in list {
                    rows.push(vec![
                        c.account_name.clone(),
                        c.account_id.clone(),
                        c.region.clone(),
                        p.name.clone(),
                        p.status.as_ref().map(|s| s.to_string()).unwrap_or_default(),
                        output::opt(&p.product_name),
                        output::opt(&p.provisioning_artifact_name),
                        p.id.clone(),
                    ]);
                    let mut v = serde_json::to_value(p).unwrap_or_default();
                    v["Account"] = json!(c.account_id);
                    v["AccountName"] = json!(c.account_name);
                    v["Region"] = json!(c.region);
                    items.push(v);
                }
                ("ok", None)
            }
            Err(e) => ("failed", Some(clean(&e.to_string()))),
        };
        cells.push(json!({"Account": c.account_id, "AccountName": c.account_name, "Region": c.region, "Status": status, "Error": error}));
    }
    match output {
        Output::Json => {
            output::json(out, &json!({"ProvisionedProducts": items, "Cells": cells, "Problems": fleet.problems}))
        }
        Output::Table => {
            let headers = ["ACCOUNT", "ID", "REGION", "NAME", "STATUS", "PRODUCT", "VERSION", "PRODUCT ID"];
            output::table(out, &headers, &rows);
            let answered = answers.len() - failed;
            let _ = writeln!(
                out,
                "{} provisioned products in {answered} of {} cells of fleet {}",
                rows.len(),
                fleet.cells.len(),
                clean(&fleet.name)
            );
        }
    }
    if failed > 0 || !fleet.problems.is_empty() { EXIT_API } else { EXIT_OK }
}

/// What `runs export` writes: its format, and which runs.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportSpec {
    pub format: ExportFormat,
    pub since: Option<crate::domain::Timestamp>,
    pub runs: Vec<String>,
}

impl ExportSpec {
    /// `since` as RFC 3339, a date (UTC midnight) or an age before `now` (`90m`, `12h`, `7d`).
    pub fn new(
        format: ExportFormat,
        since: Option<&str>,
        runs: &[String],
        now: crate::domain::Timestamp,
    ) -> Result<ExportSpec, String> {
        let since = since.map(|s| parse_since(s, now)).transpose()?;
        Ok(ExportSpec { format, since, runs: runs.to_vec() })
    }

    fn keeps(&self, r: &crate::runs::journal::JournalRun) -> bool {
        self.since.is_none_or(|t| r.requested_at.0 >= t.0) && (self.runs.is_empty() || self.runs.contains(&r.run))
    }
}

fn parse_since(s: &str, now: crate::domain::Timestamp) -> Result<crate::domain::Timestamp, String> {
    use time::format_description::well_known::Rfc3339;
    let bad = || {
        format!(
            "--since {}: not a time: give RFC 3339 (2026-11-30T09:00:00Z), a date (2026-11-30) or an age (90m, 12h, 7d)",
            crate::validate::clean(s)
        )
    };
    let s = s.trim();
    // The unit is the last character (split where it starts: a multi-byte one is not cut).
    if let Some((i, _)) = s.char_indices().last()
        && let (n, unit) = s.split_at(i)
        && let Ok(n) = n.parse::<u32>()
    {
        let secs = match unit {
            "m" => 60.0,
            "h" => 3600.0,
            "d" => 86_400.0,
            _ => return Err(bad()),
        };
        return Ok(crate::domain::Timestamp(now.0 - f64::from(n) * secs));
    }
    let text = if s.len() == 10 { format!("{s}T00:00:00Z") } else { s.to_string() };
    let t = time::OffsetDateTime::parse(&text, &Rfc3339).map_err(|_| bad())?;
    Ok(crate::domain::Timestamp(t.unix_timestamp_nanos() as f64 / 1e9))
}

/// `sctui runs verify`: the journal's hash chain, line by line.
pub fn runs_verify(path: &std::path::Path, head: Option<&str>, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            let _ = writeln!(err, "sctui: the journal {} could not be read: {e}", path.display());
            return EXIT_BAD_INPUT;
        }
    };
    match journal::verify(&bytes) {
        journal::Verdict::Broken { line, why } => {
            let _ = writeln!(err, "sctui: the journal {} is broken at line {line}: {why}", path.display());
            EXIT_FAILED
        }
        journal::Verdict::Intact { lines, from, head: last } => {
            if let Some(pinned) = head
                && pinned != last
                && !journal::holds(&bytes, pinned)
            {
                let _ = writeln!(
                    err,
                    "sctui: the journal {} does not hold the line with hash {}: it, or lines before it, were deleted or changed",
                    path.display(),
                    crate::validate::clean(pinned)
                );
                return EXIT_FAILED;
            }
            let older = if from > 1 { format!(" (lines 1 to {} predate the chain)", from - 1) } else { String::new() };
            let _ = writeln!(out, "{}: {lines} lines, every link holds{older}; chain head {last}", path.display());
            EXIT_OK
        }
    }
}

pub fn runs_report(
    path: &std::path::Path,
    export: Option<ExportSpec>,
    output: Output,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => {
            let _ = writeln!(err, "sctui: the journal {} could not be read: {e}", path.display());
            return EXIT_BAD_INPUT;
        }
    };
    let (events, problems) = journal::parse(&bytes);
    for p in &problems {
        let _ = writeln!(err, "sctui: {p}");
    }
    let mut runs = journal::runs(&events);
    journal::mark_damaged(&mut runs, &problems);
    if let Some(spec) = &export {
        runs.retain(|r| spec.keeps(r));
        let chain = output::Chain::of(path, &bytes);
        if let Some(broken) = &chain.broken {
            let _ = writeln!(err, "sctui: {broken}; `sctui runs verify` says more");
        }
        match spec.format {
            ExportFormat::Json => output::json(
                out,
                &json!({"Runs": output::export_json_runs(&runs), "Journal": chain, "ExportedBy": crate::version::line()}),
            ),
            ExportFormat::Md => output::export_md(&runs, &chain, out),
            ExportFormat::Csv => output::export_csv(&runs, &chain, out),
        }
        return EXIT_OK;
    }
    match output {
        Output::Json => output::json(out, &json!({"Runs": runs})),
        Output::Table => {
            let fleet = runs.iter().any(|r| r.account.is_some());
            let rows: Vec<Vec<String>> = runs
                .iter()
                .map(|r| {
                    let open = || match r.damaged {
                        true => "damaged: check history".to_string(),
                        false => format!("open ({})", r.last_status().map(|s| s.as_str()).unwrap_or("not answered")),
                    };
                    let mut row = vec![
                        r.requested_at.short(),
                        r.product_name.clone(),
                        r.action_name.clone(),
                        r.record_id.clone().unwrap_or_else(|| "-".into()),
                        r.outcome.map(|o| o.to_string()).unwrap_or_else(open),
                        r.caller.clone().unwrap_or_default(),
                    ];
                    if fleet {
                        row.insert(1, r.account.clone().unwrap_or_else(|| "-".into()));
                        row.insert(2, r.region.clone().unwrap_or_else(|| "-".into()));
                    }
                    row
                })
                .collect();
            // Runs of a fleet say where they went.
            let headers: &[&str] = if fleet {
                &["REQUESTED", "ACCOUNT", "REGION", "PRODUCT", "ACTION", "RECORD", "OUTCOME", "BY"]
            } else {
                &["REQUESTED", "PRODUCT", "ACTION", "RECORD", "OUTCOME", "BY"]
            };
            output::table(out, headers, &rows);
        }
    }
    EXIT_OK
}

#[cfg(test)]
mod since {
    use super::parse_since;
    use crate::domain::Timestamp;

    /// Ages, dates and RFC 3339; anything else, however it ends (a multi-byte last character
    /// included), is refused with the flag named, never a panic.
    #[test]
    fn since_takes_ages_dates_and_rfc3339() {
        let now = Timestamp(1_000_000.0);
        assert_eq!(parse_since("90m", now), Ok(Timestamp(1_000_000.0 - 5400.0)));
        assert_eq!(parse_since("2d", now), Ok(Timestamp(1_000_000.0 - 172_800.0)));
        assert_eq!(parse_since("1970-01-02", now), Ok(Timestamp(86_400.0)));
        assert_eq!(parse_since("1970-01-01T00:01:00Z", now), Ok(Timestamp(60.0)));
        for bad in ["yesterday", "5é", "é", "", "12x", "-3h"] {
            assert!(parse_since(bad, now).is_err_and(|e| e.starts_with("--since")), "{bad}");
        }
    }
}
