//! Commands for scripts: the same calls as the TUI, printed as a table or as the AWS CLI's JSON.
//!
//! Exit codes: 0 success, 1 the record FAILED, 2 bad input (nothing was sent), 3 timed out
//! waiting, 4 an API or connection error.

use crate::catalog::{CatalogClient, Error, ProductQuery};
use crate::cli::{Command, ExecArgs, Output};
use crate::domain::{ParameterMap, RecordDetail, RecordOutput, RecordStatus};
use crate::runs::schedule::PollSchedule;
use crate::validate::{self, Invalid};
use serde_json::json;
use std::io::Write;
use std::time::{Duration, Instant};

pub const EXIT_OK: i32 = 0;
pub const EXIT_FAILED: i32 = 1;
pub const EXIT_BAD_INPUT: i32 = 2;
pub const EXIT_TIMEOUT: i32 = 3;
pub const EXIT_API: i32 = 4;

/// Checks every argument against the API's rules before anything is sent.
pub fn check_input(command: &Command) -> Result<(), Vec<Invalid>> {
    let mut errors = Vec::new();
    let mut push = |r: Result<(), Invalid>| {
        if let Err(e) = r {
            errors.push(e);
        }
    };
    match command {
        Command::Emulator(_) | Command::Products { .. } => {}
        Command::Actions { product } | Command::History { product } => {
            push(validate::product_ref("product", product))
        }
        Command::Params { product, action } => {
            push(validate::product_ref("product", product));
            push(action_ref(action));
        }
        Command::Record { record_id } => push(validate::id("record id", record_id)),
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
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// An action is named by id or by name; names may hold characters ids may not (`.`), up to 256.
fn action_ref(value: &str) -> Result<(), Invalid> {
    if validate::id("action", value).is_ok() {
        return Ok(());
    }
    let ok = (1..=256).contains(&validate::len(value))
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if ok {
        Ok(())
    } else {
        Err(Invalid {
            field: "action".into(),
            rule: "must be an action id (act-…) or a name of letters, digits, '.', '_' and '-'"
                .into(),
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
            Some((name, value)) => map
                .entry(name.to_string())
                .or_default()
                .push(value.to_string()),
            None => errors.push(Invalid {
                field: "--param".into(),
                rule: "must be NAME=VALUE".into(),
                shown: validate::show(p),
            }),
        }
    }
    if errors.is_empty() {
        Ok(Some(map))
    } else {
        Err(errors)
    }
}

/// Runs a headless command and returns the process exit code.
pub async fn run(
    command: &Command,
    client: &CatalogClient,
    output: Output,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let result = match command {
        Command::Emulator(_) => Ok(EXIT_OK),
        Command::Products { query } => products(client, query.clone(), output, out).await,
        Command::Actions { product } => actions(client, product, output, out).await,
        Command::Params { product, action } => params(client, product, action, output, out).await,
        Command::History { product } => history(client, product, output, out).await,
        Command::Record { record_id } => record(client, record_id, output, out).await,
        Command::Exec(args) => exec(client, args, output, out, err).await,
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

/// Text for a table cell: no control characters (an ESC in a value must never reach the terminal).
pub fn clean(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

fn print_table(out: &mut dyn Write, headers: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| clean(c)).collect())
        .collect();
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
    let q = ProductQuery {
        query,
        page_size: 100,
        ..Default::default()
    };
    let (items, total) = client.all_products(&q).await?;
    match output {
        Output::Json => print_json(
            out,
            &json!({"ProvisionedProducts": items, "TotalResultsCount": total}),
        ),
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
            print_table(
                out,
                &["NAME", "STATUS", "PRODUCT", "VERSION", "ID", "LAST RECORD"],
                &rows,
            );
            let _ = writeln!(out, "{} of {total} provisioned products", items.len());
        }
    }
    Ok(EXIT_OK)
}

async fn actions(
    client: &CatalogClient,
    product: &str,
    output: Output,
    out: &mut dyn Write,
) -> Result<i32, Failure> {
    let pp = client.product(product).await?;
    let Some((prod, version)) = pp.artifact_key() else {
        return Err(Failure::BadInput(format!(
            "{} has no product version; it has no actions",
            pp.name
        )));
    };
    let list = client.actions(&prod, &version).await?;
    match output {
        Output::Json => print_json(out, &json!({"ServiceActionSummaries": *list})),
        Output::Table => {
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|a| vec![a.name.clone(), a.id.clone(), opt(&a.description)])
                .collect();
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
        return Err(Failure::BadInput(format!(
            "{} has no product version; it has no actions",
            pp.name
        )));
    };
    let list = client.actions(&prod, &version).await?;
    if let Some(a) = list
        .iter()
        .find(|a| a.id == action)
        .or_else(|| list.iter().find(|a| a.name == action))
    {
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
        if names.is_empty() {
            "(none)".to_string()
        } else {
            names.join(", ")
        }
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
                    let defaults = if p.default_values.is_empty() {
                        "-".to_string()
                    } else {
                        p.default_values.join(", ")
                    };
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

async fn history(
    client: &CatalogClient,
    product: &str,
    output: Output,
    out: &mut dyn Write,
) -> Result<i32, Failure> {
    let pp = client.product(product).await?;
    let records = client.history(&pp.id).await?;
    match output {
        Output::Json => print_json(out, &json!({"RecordDetails": records})),
        Output::Table => print_table(
            out,
            &["RECORD", "TYPE", "STATUS", "CREATED", "UPDATED"],
            &record_rows(&records),
        ),
    }
    Ok(EXIT_OK)
}

fn print_record(out: &mut dyn Write, r: &RecordDetail, outputs: Option<&[RecordOutput]>) {
    let status = r.status.as_ref().map(|s| s.to_string()).unwrap_or_default();
    let _ = writeln!(out, "Record     {}", r.record_id);
    let _ = writeln!(out, "Status     {status}");
    let _ = writeln!(
        out,
        "Product    {} ({})",
        clean(&opt(&r.provisioned_product_name)),
        opt(&r.provisioned_product_id)
    );
    let _ = writeln!(out, "Type       {}", opt(&r.record_type));
    let _ = writeln!(
        out,
        "Created    {}",
        r.created_time.map(|t| t.iso()).unwrap_or_default()
    );
    let _ = writeln!(
        out,
        "Updated    {}",
        r.updated_time.map(|t| t.iso()).unwrap_or_default()
    );
    for e in &r.record_errors {
        let _ = writeln!(
            out,
            "Error      {}: {}",
            clean(&opt(&e.code)),
            clean(&opt(&e.description))
        );
    }
    for o in outputs.unwrap_or_default() {
        let _ = writeln!(
            out,
            "Output     {} = {}",
            clean(&opt(&o.output_key)),
            clean(&opt(&o.output_value))
        );
    }
}

async fn record(
    client: &CatalogClient,
    id: &str,
    output: Output,
    out: &mut dyn Write,
) -> Result<i32, Failure> {
    let (detail, outputs) = client.record(id).await?;
    match output {
        Output::Json => print_json(
            out,
            &json!({"RecordDetail": detail, "RecordOutputs": outputs}),
        ),
        Output::Table => print_record(out, &detail, Some(&outputs)),
    }
    Ok(EXIT_OK)
}

async fn exec(
    client: &CatalogClient,
    args: &ExecArgs,
    output: Output,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<i32, Failure> {
    let params = parse_params(&args.params).map_err(|es| Failure::BadInput(join(&es)))?;
    let token = args
        .token
        .clone()
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let (pp, action_id) = resolve(client, &args.product, &args.action).await?;
    let detail = client
        .execute(&pp.id, &action_id, params.as_ref(), &token)
        .await?;
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
    let started = Instant::now();
    let deadline = Duration::from_secs_f64(args.timeout);
    let mut schedule = PollSchedule::starting_at(
        Duration::from_millis(250),
        crate::emulator::world::fnv1a(token.as_bytes()),
    );
    let mut last_status = detail.status.clone();
    if output == Output::Table {
        let _ = writeln!(
            err,
            "{}  {}  {}",
            detail.record_id,
            status_text(&last_status),
            clean(&pp.name)
        );
    }
    let mut wait = Duration::ZERO;
    let (detail, outputs) = loop {
        if started.elapsed() + wait > deadline {
            let _ = writeln!(
                err,
                "sctui: gave up waiting after {:.0} s; record {} is still {} (it goes on in AWS: `sctui record {}`)",
                args.timeout,
                detail.record_id,
                status_text(&last_status),
                detail.record_id
            );
            return Ok(EXIT_TIMEOUT);
        }
        tokio::time::sleep(wait).await;
        match client.record(&detail.record_id).await {
            Ok((d, o)) => {
                if d.status != last_status {
                    schedule.on_change();
                    last_status = d.status.clone();
                    if output == Output::Table {
                        let _ = writeln!(err, "{}  {}", d.record_id, status_text(&last_status));
                    }
                }
                if d.is_terminal() {
                    break (d, o);
                }
                wait = schedule.after_answer();
            }
            Err(e) if e.is_transient() => {
                tracing::warn!(error = %e, "polling failed; retrying");
                wait = schedule.after_throttle();
            }
            Err(e) => return Err(e.into()),
        }
    };
    match output {
        Output::Json => print_json(
            out,
            &json!({"RecordDetail": detail, "RecordOutputs": outputs}),
        ),
        Output::Table => print_record(out, &detail, Some(&outputs)),
    }
    Ok(if detail.status == Some(RecordStatus::Succeeded) {
        EXIT_OK
    } else {
        EXIT_FAILED
    })
}

fn status_text(s: &Option<RecordStatus>) -> String {
    s.as_ref()
        .map(|s| s.to_string())
        .unwrap_or_else(|| "UNKNOWN".into())
}

pub fn join(errors: &[Invalid]) -> String {
    errors
        .iter()
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}
