//! Commands for scripts: the same calls as the TUI, printed as a table or as the AWS CLI's JSON.
//!
//! Exit codes: 0 success, 1 the record FAILED, 2 bad input (nothing was sent), 3 timed out
//! waiting, 4 an API or connection error.

use crate::catalog::{CatalogClient, Error, ProductQuery};
use crate::cli::{Command, ExecArgs, ExportFormat, Output};
use crate::domain::{ParameterMap, RecordDetail, RecordOutput, RecordStatus};
use crate::runs::journal::{self, Journal, JournalRun};
use crate::runs::{RunEvent, RunSpec, Runner};
use crate::validate::{self, Invalid, clean};
use serde_json::json;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const EXIT_OK: i32 = 0;
pub const EXIT_FAILED: i32 = 1;
pub const EXIT_BAD_INPUT: i32 = 2;
pub const EXIT_TIMEOUT: i32 = 3;
pub const EXIT_API: i32 = 4;
/// `--read-only` refused to execute.
pub const EXIT_REFUSED: i32 = 5;

/// What a headless command works with.
pub struct Context<'a> {
    pub client: &'a CatalogClient,
    pub output: Output,
    pub journal: Option<Arc<Journal>>,
    pub read_only: bool,
    /// `batch`'s concurrency when the flag is not given.
    pub concurrency: u16,
}

/// Checks every argument against the API's rules before anything is sent.
pub fn check_input(command: &Command) -> Result<(), Vec<Invalid>> {
    let mut errors = Vec::new();
    let mut push = |r: Result<(), Invalid>| {
        if let Err(e) = r {
            errors.push(e);
        }
    };
    match command {
        Command::Emulator(_) | Command::Products { .. } | Command::Runs { .. } => {}
        Command::Actions { product } | Command::History { product } => push(validate::product_ref("product", product)),
        Command::Params { product, action } => {
            push(validate::product_ref("product", product));
            push(action_ref(action));
        }
        Command::Record { record_id } => push(validate::id("record id", record_id)),
        Command::Batch(b) => {
            push(action_ref(&b.action));
            for p in &b.products {
                push(validate::product_ref("product", p));
            }
            match parse_params(&b.params) {
                Ok(Some(map)) => {
                    if let Err(mut es) = validate::parameters(&map) {
                        errors.append(&mut es);
                    }
                }
                Ok(None) => {}
                Err(mut es) => errors.append(&mut es),
            }
        }
        Command::Exec(e) => {
            push(validate::product_ref("product", &e.product));
            push(action_ref(&e.action));
            if let Some(t) = &e.token {
                push(validate::execute_token(t));
            }
            match parse_params(&e.params) {
                Ok(Some(map)) => {
                    if let Err(mut es) = validate::parameters(&map) {
                        errors.append(&mut es);
                    }
                }
                Ok(None) => {}
                Err(mut es) => errors.append(&mut es),
            }
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

/// An action is named by id or by name; names may hold characters ids may not (`.`), up to 256.
fn action_ref(value: &str) -> Result<(), Invalid> {
    if validate::id("action", value).is_ok() {
        return Ok(());
    }
    let ok = (1..=256).contains(&validate::len(value))
        && value.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if ok {
        Ok(())
    } else {
        Err(Invalid {
            field: "action".into(),
            rule: "must be an action id (act-…) or a name of letters, digits, '.', '_' and '-'".into(),
            shown: validate::show(value),
        })
    }
}

/// `NAME=VALUE` pairs; a repeated name appends a value. Values are kept exactly as given.
pub fn parse_params(params: &[String]) -> Result<Option<ParameterMap>, Vec<Invalid>> {
    if params.is_empty() {
        return Ok(None);
    }
    let mut map = ParameterMap::new();
    let mut errors = Vec::new();
    for p in params {
        match p.split_once('=') {
            Some((name, value)) => map.entry(name.to_string()).or_default().push(value.to_string()),
            None => errors.push(Invalid {
                field: "--param".into(),
                rule: "must be NAME=VALUE".into(),
                shown: validate::show(p),
            }),
        }
    }
    if errors.is_empty() { Ok(Some(map)) } else { Err(errors) }
}

/// Runs a headless command and returns the process exit code.
pub async fn run(command: &Command, ctx: &Context<'_>, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let (client, output) = (ctx.client, ctx.output);
    let result = match command {
        Command::Emulator(_) | Command::Runs { action: None | Some(crate::cli::RunsAction::Export { .. }) } => {
            Ok(EXIT_OK)
        }
        Command::Runs { action: Some(crate::cli::RunsAction::Resume { wait }) } => resume(ctx, *wait, out, err).await,
        Command::Products { query } => products(client, query.clone(), output, out).await,
        Command::Actions { product } => actions(client, product, output, out).await,
        Command::Params { product, action } => params(client, product, action, output, out).await,
        Command::History { product } => history(client, product, output, out).await,
        Command::Record { record_id } => record(client, record_id, output, out).await,
        Command::Exec(args) => exec(ctx, args, out, err).await,
        Command::Batch(args) => batch(ctx, args, out, err).await,
    };
    match result {
        Ok(code) => code,
        Err(Failure::Api(e)) => {
            let _ = writeln!(err, "sctui: {e}");
            EXIT_API
        }
        Err(Failure::BadInput(m)) => {
            let _ = writeln!(err, "sctui: {m}");
            EXIT_BAD_INPUT
        }
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

fn print_json(out: &mut dyn Write, v: &serde_json::Value) {
    let text = serde_json::to_string_pretty(v).unwrap_or_default();
    let _ = writeln!(out, "{text}");
}

fn print_table(out: &mut dyn Write, headers: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    let rows: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(|c| clean(c)).collect()).collect();
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                s.push_str(c);
            } else {
                s.push_str(&format!("{c:<w$}  ", w = widths[i]));
            }
        }
        s.trim_end().to_string()
    };
    let _ = writeln!(out, "{}", line(headers.to_vec()));
    for r in &rows {
        let _ = writeln!(out, "{}", line(r.iter().map(String::as_str).collect()));
    }
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_else(|| "-".into())
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
        Output::Json => print_json(out, &json!({"ProvisionedProducts": items, "TotalResultsCount": total})),
        Output::Table => {
            let rows: Vec<Vec<String>> = items
                .iter()
                .map(|p| {
                    vec![
                        p.name.clone(),
                        p.status.as_ref().map(|s| s.to_string()).unwrap_or_default(),
                        opt(&p.product_name),
                        opt(&p.provisioning_artifact_name),
                        p.id.clone(),
                        opt(&p.last_record_id),
                    ]
                })
                .collect();
            print_table(out, &["NAME", "STATUS", "PRODUCT", "VERSION", "ID", "LAST RECORD"], &rows);
            let _ = writeln!(out, "{} of {total} provisioned products", items.len());
        }
    }
    Ok(EXIT_OK)
}

async fn actions(client: &CatalogClient, product: &str, output: Output, out: &mut dyn Write) -> Result<i32, Failure> {
    let pp = client.product(product).await?;
    let Some((prod, version)) = pp.artifact_key() else {
        return Err(Failure::BadInput(format!("{} has no product version; it has no actions", pp.name)));
    };
    let list = client.actions(&prod, &version).await?;
    match output {
        Output::Json => print_json(out, &json!({"ServiceActionSummaries": *list})),
        Output::Table => {
            let rows: Vec<Vec<String>> =
                list.iter().map(|a| vec![a.name.clone(), a.id.clone(), opt(&a.description)]).collect();
            print_table(out, &["NAME", "ID", "DESCRIPTION"], &rows);
        }
    }
    Ok(EXIT_OK)
}

/// The product and the action's id, the action found by id or exact name among the product's.
async fn resolve(
    client: &CatalogClient,
    product: &str,
    action: &str,
) -> Result<(crate::domain::ProvisionedProduct, String), Failure> {
    let pp = client.product(product).await?;
    let Some((prod, version)) = pp.artifact_key() else {
        return Err(Failure::BadInput(format!("{} has no product version; it has no actions", pp.name)));
    };
    let list = client.actions(&prod, &version).await?;
    if let Some(a) = list.iter().find(|a| a.id == action).or_else(|| list.iter().find(|a| a.name == action)) {
        return Ok((pp, a.id.clone()));
    }
    if action.starts_with("act-") {
        // Not associated with this version: let Service Catalog say so.
        return Ok((pp, action.to_string()));
    }
    let names: Vec<&str> = list.iter().map(|a| a.name.as_str()).collect();
    Err(Failure::BadInput(format!(
        "{} has no action named {}; its actions are: {}",
        pp.name,
        clean(action),
        if names.is_empty() { "(none)".to_string() } else { names.join(", ") }
    )))
}

async fn params(
    client: &CatalogClient,
    product: &str,
    action: &str,
    output: Output,
    out: &mut dyn Write,
) -> Result<i32, Failure> {
    let (pp, action_id) = resolve(client, product, action).await?;
    let list = client.execution_parameters(&pp.id, &action_id).await?;
    match output {
        Output::Json => print_json(out, &json!({"ServiceActionParameters": list})),
        Output::Table => {
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|p| {
                    let defaults =
                        if p.default_values.is_empty() { "-".to_string() } else { p.default_values.join(", ") };
                    vec![p.name.clone(), p.kind.clone(), defaults]
                })
                .collect();
            print_table(out, &["NAME", "TYPE", "DEFAULT VALUES"], &rows);
        }
    }
    Ok(EXIT_OK)
}

fn record_rows(records: &[RecordDetail]) -> Vec<Vec<String>> {
    records
        .iter()
        .map(|r| {
            vec![
                r.record_id.clone(),
                opt(&r.record_type),
                r.status.as_ref().map(|s| s.to_string()).unwrap_or_default(),
                r.created_time.map(|t| t.short()).unwrap_or_default(),
                r.updated_time.map(|t| t.short()).unwrap_or_default(),
            ]
        })
        .collect()
}

async fn history(client: &CatalogClient, product: &str, output: Output, out: &mut dyn Write) -> Result<i32, Failure> {
    let pp = client.product(product).await?;
    let records = client.history(&pp.id).await?;
    match output {
        Output::Json => print_json(out, &json!({"RecordDetails": records})),
        Output::Table => print_table(out, &["RECORD", "TYPE", "STATUS", "CREATED", "UPDATED"], &record_rows(&records)),
    }
    Ok(EXIT_OK)
}

fn print_record(out: &mut dyn Write, r: &RecordDetail, outputs: Option<&[RecordOutput]>) {
    let status = r.status.as_ref().map(|s| s.to_string()).unwrap_or_default();
    let _ = writeln!(out, "Record     {}", r.record_id);
    let _ = writeln!(out, "Status     {status}");
    let _ =
        writeln!(out, "Product    {} ({})", clean(&opt(&r.provisioned_product_name)), opt(&r.provisioned_product_id));
    let _ = writeln!(out, "Type       {}", opt(&r.record_type));
    let _ = writeln!(out, "Created    {}", r.created_time.map(|t| t.iso()).unwrap_or_default());
    let _ = writeln!(out, "Updated    {}", r.updated_time.map(|t| t.iso()).unwrap_or_default());
    for e in &r.record_errors {
        let _ = writeln!(out, "Error      {}: {}", clean(&opt(&e.code)), clean(&opt(&e.description)));
    }
    for o in outputs.unwrap_or_default() {
        let _ = writeln!(out, "Output     {} = {}", clean(&opt(&o.output_key)), clean(&opt(&o.output_value)));
    }
}

async fn record(client: &CatalogClient, id: &str, output: Output, out: &mut dyn Write) -> Result<i32, Failure> {
    let (detail, outputs) = client.record(id).await?;
    match output {
        Output::Json => print_json(out, &json!({"RecordDetail": detail, "RecordOutputs": outputs})),
        Output::Table => print_record(out, &detail, Some(&outputs)),
    }
    Ok(EXIT_OK)
}

async fn exec(ctx: &Context<'_>, args: &ExecArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<i32, Failure> {
    let (client, output) = (ctx.client, ctx.output);
    let params = parse_params(&args.params).map_err(|es| Failure::BadInput(join(&es)))?;
    let token = args.token.clone().unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let (pp, action_id) = resolve(client, &args.product, &args.action).await?;
    let action_name = client
        .cached_actions(
            pp.product_id.as_deref().unwrap_or_default(),
            pp.provisioning_artifact_id.as_deref().unwrap_or_default(),
        )
        .and_then(|l| l.iter().find(|a| a.id == action_id).map(|a| a.name.clone()))
        .unwrap_or_else(|| action_id.clone());
    let action = crate::domain::ServiceAction { id: action_id, name: action_name, ..Default::default() };
    let spec = RunSpec::new(&pp, &action, params, token.clone());
    let runner = Runner::new(client.clone(), ctx.journal.clone(), ctx.read_only);
    let refused: Mutex<Option<String>> = Mutex::new(None);
    let failed: Mutex<Option<Error>> = Mutex::new(None);
    // For people (table output): each status change on stderr as it happens.
    let last_line: Mutex<Option<String>> = Mutex::new(None);
    let progress = |line: String| {
        let mut last = last_line.lock().unwrap_or_else(|p| p.into_inner());
        if output == Output::Table && last.as_ref() != Some(&line) {
            eprintln!("{line}");
            *last = Some(line);
        }
    };
    let report = |e: RunEvent| match e {
        RunEvent::Refused(r) => *refused.lock().unwrap_or_else(|p| p.into_inner()) = Some(r),
        RunEvent::Submitted(Err(e)) => *failed.lock().unwrap_or_else(|p| p.into_inner()) = Some(e),
        RunEvent::Polled(Ok((d, _))) | RunEvent::Submitted(Ok(d)) => {
            progress(format!("{}  {}  {}", d.record_id, status_text(&d.status), clean(&pp.name)));
        }
        RunEvent::Polled(Err(e)) | RunEvent::Retrying(e) => progress(format!("retrying: {e}")),
    };
    let Some(detail) = runner.start(&spec, &report).await else {
        if let Some(reason) = refused.lock().unwrap_or_else(|p| p.into_inner()).take() {
            let _ = writeln!(err, "sctui: {reason}");
            return Ok(EXIT_REFUSED);
        }
        let e = failed.lock().unwrap_or_else(|p| p.into_inner()).take();
        return Err(Failure::Api(e.unwrap_or_else(|| {
            Error::new(
                crate::catalog::ErrorKind::Other,
                "ExecuteProvisionedProductServiceAction",
                "the execute could not be sent",
            )
        })));
    };
    if !args.wait {
        match output {
            Output::Json => print_json(out, &json!({"RecordDetail": detail})),
            Output::Table => {
                print_record(out, &detail, None);
                let _ = writeln!(out, "Token      {token}");
            }
        }
        return Ok(EXIT_OK);
    }
    let deadline = Duration::from_secs_f64(args.timeout);
    let followed = tokio::time::timeout(deadline, runner.follow(&spec.run, &detail.record_id, &report)).await;
    let Ok((detail, outputs)) = followed else {
        let _ = writeln!(
            err,
            "sctui: gave up waiting after {:.0} s; record {} goes on in AWS (`sctui record {}`, or `sctui runs resume --wait`)",
            args.timeout, detail.record_id, detail.record_id
        );
        return Ok(EXIT_TIMEOUT);
    };
    match output {
        Output::Json => print_json(out, &json!({"RecordDetail": detail, "RecordOutputs": outputs})),
        Output::Table => print_record(out, &detail, Some(&outputs)),
    }
    Ok(if detail.status == Some(RecordStatus::Succeeded) { EXIT_OK } else { EXIT_FAILED })
}

/// One line of a batch: a product and what became of its run.
struct BatchRow {
    product: String,
    record: Option<String>,
    status: String,
    detail: String,
}

/// `sctui batch`: one action on many products, at most `concurrency` at once, each with its own
/// token and journal entry (the same exactly-once path as `exec`).
async fn batch(
    ctx: &Context<'_>,
    args: &crate::cli::BatchArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<i32, Failure> {
    let client = ctx.client;
    let params = parse_params(&args.params).map_err(|es| Failure::BadInput(join(&es)))?;
    let products = match &args.query {
        Some(q) => {
            client.all_products(&ProductQuery { query: Some(q.clone()), page_size: 100, ..Default::default() }).await?.0
        }
        None => {
            let mut list = Vec::new();
            for p in &args.products {
                list.push(client.product(p).await?);
            }
            list
        }
    };
    if products.is_empty() {
        return Err(Failure::BadInput("no provisioned product matches; nothing was run".into()));
    }
    let runner = Runner::new(client.clone(), ctx.journal.clone(), ctx.read_only);
    let gate = Arc::new(tokio::sync::Semaphore::new(usize::from(args.concurrency.unwrap_or(ctx.concurrency))));
    let failed = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut tasks = Vec::new();
    for pp in products {
        let permit =
            gate.clone().acquire_owned().await.map_err(|_| Failure::BadInput("the batch was stopped".into()))?;
        if args.stop_on_failure && failed.load(std::sync::atomic::Ordering::SeqCst) {
            drop(permit);
            tasks.push(tokio::spawn(std::future::ready(BatchRow {
                product: pp.name.clone(),
                record: None,
                status: "SKIPPED".into(),
                detail: "not launched: an earlier run failed (--stop-on-failure)".into(),
            })));
            continue;
        }
        let (runner, params, failed, action, wait) =
            (runner.clone(), params.clone(), failed.clone(), args.action.clone(), args.wait);
        tasks.push(tokio::spawn(async move {
            let _permit = permit;
            let row = batch_one(&runner, &pp, &action, params, wait).await;
            if row.status != "SUCCEEDED" && !(row.status == "CREATED" || row.status == "IN_PROGRESS") {
                failed.store(true, std::sync::atomic::Ordering::SeqCst);
            }
            row
        }));
    }
    let mut rows = Vec::new();
    for t in tasks {
        if let Ok(row) = t.await {
            rows.push(row);
        }
    }
    let ok = |r: &BatchRow| if args.wait { r.status == "SUCCEEDED" } else { r.record.is_some() };
    let all_ok = rows.iter().all(ok);
    match ctx.output {
        Output::Json => {
            let runs: Vec<_> = rows
                .iter()
                .map(|r| json!({"ProvisionedProductName": r.product, "RecordId": r.record, "Status": r.status, "Detail": r.detail}))
                .collect();
            print_json(out, &json!({"Runs": runs}));
        }
        Output::Table => {
            let table: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    vec![
                        clean(&r.product),
                        r.record.clone().unwrap_or_else(|| "-".into()),
                        r.status.clone(),
                        clean(&r.detail),
                    ]
                })
                .collect();
            print_table(out, &["PRODUCT", "RECORD", "STATUS", "DETAIL"], &table);
            let good = rows.iter().filter(|r| ok(r)).count();
            let _ = writeln!(err, "{good} of {} runs {}", rows.len(), if args.wait { "succeeded" } else { "started" });
        }
    }
    Ok(if all_ok { EXIT_OK } else { EXIT_FAILED })
}

async fn batch_one(
    runner: &Runner,
    pp: &crate::domain::ProvisionedProduct,
    action: &str,
    params: Option<ParameterMap>,
    wait: bool,
) -> BatchRow {
    let row = |record: Option<String>, status: &str, detail: String| BatchRow {
        product: pp.name.clone(),
        record,
        status: status.into(),
        detail,
    };
    let Some((prod, version)) = pp.artifact_key() else {
        return row(None, "NOT_STARTED", "the product has no version".into());
    };
    let actions = match runner.client.actions(&prod, &version).await {
        Ok(a) => a,
        Err(e) => return row(None, "NOT_STARTED", e.to_string()),
    };
    let Some(a) = actions.iter().find(|a| a.id == action || a.name == action) else {
        return row(None, "NOT_STARTED", format!("its version has no action {}", clean(action)));
    };
    let spec = RunSpec::new(pp, a, params, uuid::Uuid::new_v4().to_string());
    let problem: Mutex<Option<String>> = Mutex::new(None);
    let report = |e: RunEvent| match e {
        RunEvent::Refused(r) => *problem.lock().unwrap_or_else(|p| p.into_inner()) = Some(r),
        RunEvent::Submitted(Err(e)) => *problem.lock().unwrap_or_else(|p| p.into_inner()) = Some(e.to_string()),
        _ => {}
    };
    let Some(started) = runner.start(&spec, &report).await else {
        let why = problem.lock().unwrap_or_else(|p| p.into_inner()).take().unwrap_or_default();
        return row(None, "NOT_STARTED", why);
    };
    if !wait {
        return row(Some(started.record_id.clone()), &status_text(&started.status), String::new());
    }
    let (end, _) = runner.follow(&spec.run, &started.record_id, &|_| {}).await;
    let detail = end
        .record_errors
        .iter()
        .map(|e| format!("{}: {}", e.code.as_deref().unwrap_or(""), e.description.as_deref().unwrap_or("")))
        .collect::<Vec<_>>()
        .join("; ");
    row(Some(end.record_id.clone()), &status_text(&end.status), detail)
}

/// `sctui runs resume [--wait]`: takes up every open run of this connection.
async fn resume(ctx: &Context<'_>, wait: bool, out: &mut dyn Write, err: &mut dyn Write) -> Result<i32, Failure> {
    let Some(j) = &ctx.journal else {
        return Err(Failure::BadInput("there is no journal to resume from".into()));
    };
    let (events, problems) = Journal::read(j.path()).map_err(|e| Failure::BadInput(e.to_string()))?;
    for p in &problems {
        let _ = writeln!(err, "sctui: {p}");
    }
    let open = crate::runs::resumable(&journal::runs(&events), &ctx.client.target);
    if open.is_empty() {
        let _ = writeln!(out, "No open runs to resume.");
        return Ok(EXIT_OK);
    }
    let runner = Runner::new(ctx.client.clone(), ctx.journal.clone(), ctx.read_only);
    let quiet = |_: RunEvent| {};
    let mut tasks = Vec::new();
    for r in open {
        let runner = runner.clone();
        tasks.push(tokio::spawn(async move {
            if wait || r.demo {
                let end = runner.resume(&r, &quiet).await;
                (r, end)
            } else {
                // Without --wait: make sure each has a record, and say where it stands.
                let end = match &r.record_id {
                    Some(id) => runner.client.record(id).await.ok().map(|(d, _)| d),
                    None => runner.submit_once(&r, &quiet).await,
                };
                (r, end)
            }
        }));
    }
    let mut all_ok = true;
    let mut rows = Vec::new();
    for t in tasks {
        let Ok((r, end)) = t.await else { continue };
        let status = end.as_ref().and_then(|d| d.status.clone());
        all_ok &= status == Some(RecordStatus::Succeeded);
        rows.push(vec![
            r.run.clone(),
            clean(&r.product_name),
            clean(&r.action_name),
            end.map(|d| d.record_id).unwrap_or_else(|| "-".into()),
            status_text(&status),
        ]);
    }
    match ctx.output {
        Output::Json => print_json(out, &json!({"Resumed": rows})),
        Output::Table => print_table(out, &["RUN", "PRODUCT", "ACTION", "RECORD", "STATUS"], &rows),
    }
    Ok(if !wait || all_ok { EXIT_OK } else { EXIT_FAILED })
}

/// `sctui runs [export]`: reads the journal; needs no connection.
pub fn runs_report(
    path: &std::path::Path,
    export: Option<ExportFormat>,
    output: Output,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let (events, problems) = match Journal::read(path) {
        Ok(x) => x,
        Err(e) => {
            let _ = writeln!(err, "sctui: {e}");
            return EXIT_BAD_INPUT;
        }
    };
    for p in &problems {
        let _ = writeln!(err, "sctui: {p}");
    }
    let runs = journal::runs(&events);
    match (export, output) {
        (Some(ExportFormat::Json), _) | (None, Output::Json) => print_json(out, &json!({"Runs": runs})),
        (Some(ExportFormat::Md), _) => export_md(&runs, out),
        (None, Output::Table) => {
            let rows: Vec<Vec<String>> = runs
                .iter()
                .map(|r| {
                    vec![
                        r.requested_at.short(),
                        clean(&r.product_name),
                        clean(&r.action_name),
                        r.record_id.clone().unwrap_or_else(|| "-".into()),
                        r.outcome.clone().unwrap_or_else(|| {
                            format!("open ({})", r.last_status().map(|s| s.as_str()).unwrap_or("not answered"))
                        }),
                        r.caller.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            print_table(out, &["REQUESTED", "PRODUCT", "ACTION", "RECORD", "OUTCOME", "BY"], &rows);
        }
    }
    EXIT_OK
}

fn export_md(runs: &[JournalRun], out: &mut dyn Write) {
    let _ = writeln!(out, "# Service Catalog self-service actions\n");
    for r in runs {
        let _ = writeln!(out, "## {} on {}\n", clean(&r.action_name), clean(&r.product_name));
        let _ = writeln!(out, "- Who: {}", r.caller.as_deref().unwrap_or("unknown"));
        let target = match (&r.profile, &r.region) {
            (Some(p), Some(g)) => format!("profile {p}, region {g}"),
            (None, Some(g)) => format!("region {g}"),
            _ => {
                if r.demo {
                    "demo emulator".to_string()
                } else {
                    "default".to_string()
                }
            }
        };
        let _ = writeln!(out, "- Where: {target}");
        let _ = writeln!(out, "- Requested: {}", r.requested_at.iso());
        if let Some(e) = r.ended_at {
            let _ = writeln!(out, "- Ended: {}", e.iso());
        }
        let _ = writeln!(out, "- Product: {} ({})", clean(&r.product_name), r.product_id);
        let _ = writeln!(out, "- Action: {} ({})", clean(&r.action_name), r.action_id);
        let params = match &r.parameters {
            None => "none (Service Catalog's defaults)".to_string(),
            Some(p) => {
                p.iter().map(|(k, v)| format!("`{}={}`", clean(k), clean(&v.join(",")))).collect::<Vec<_>>().join(", ")
            }
        };
        let _ = writeln!(out, "- Parameters: {params}");
        let _ = writeln!(out, "- ExecuteToken: `{}`", r.token);
        let _ = writeln!(out, "- Record: {}", r.record_id.as_deref().unwrap_or("none"));
        let outcome = r.outcome.clone().unwrap_or_else(|| "still open".into());
        let _ = writeln!(out, "- Outcome: **{outcome}**");
        for e in &r.errors {
            let _ = writeln!(
                out,
                "  - {}: {}",
                clean(e.code.as_deref().unwrap_or("")),
                clean(e.description.as_deref().unwrap_or(""))
            );
        }
        if let Some(reason) = &r.reason {
            let _ = writeln!(out, "  - {}", clean(reason));
        }
        let _ = writeln!(out);
    }
}

fn status_text(s: &Option<RecordStatus>) -> String {
    s.as_ref().map(|s| s.to_string()).unwrap_or_else(|| "UNKNOWN".into())
}

pub fn join(errors: &[Invalid]) -> String {
    errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; ")
}
