//! How headless results are printed: tables for people, JSON with the AWS CLI's keys for scripts.
//! Every text from a server or a file goes through `clean` before it reaches a terminal.

use crate::domain::{RecordDetail, RecordOutput, RecordStatus};
use crate::runs::journal::JournalRun;
use crate::validate::{clean, json_for_terminal, width};
use std::io::Write;

/// The AWS CLI's JSON: values exact, but no character that could drive a terminal written raw.
pub fn json(out: &mut dyn Write, v: &serde_json::Value) {
    let text = serde_json::to_string_pretty(v).unwrap_or_default();
    let _ = writeln!(out, "{}", json_for_terminal(&text));
}

/// Columns padded to their widest cell, measured in terminal columns (a CJK character takes two);
/// every cell cleaned by the one sanitiser.
pub fn table(out: &mut dyn Write, headers: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = headers.iter().map(|h| width(h)).collect();
    let rows: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(|c| clean(c)).collect()).collect();
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(width(c));
        }
    }
    let line = |cells: Vec<&str>| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            s.push_str(c);
            if i + 1 < cells.len() {
                s.push_str(&" ".repeat(widths[i].saturating_sub(width(c)) + 2));
            }
        }
        s.trim_end().to_string()
    };
    let _ = writeln!(out, "{}", line(headers.to_vec()));
    for r in &rows {
        let _ = writeln!(out, "{}", line(r.iter().map(String::as_str).collect()));
    }
}

pub fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_else(|| "-".into())
}

pub fn status_text(s: &Option<RecordStatus>) -> String {
    s.as_ref().map(|s| s.to_string()).unwrap_or_else(|| "UNKNOWN".into())
}

pub fn record_rows(records: &[RecordDetail]) -> Vec<Vec<String>> {
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

/// A record as lines of `Key  value`.
pub fn record(out: &mut dyn Write, r: &RecordDetail, outputs: Option<&[RecordOutput]>) {
    let status = r.status.as_ref().map(|s| s.to_string()).unwrap_or_default();
    let _ = writeln!(out, "Record     {}", clean(&r.record_id));
    let _ = writeln!(out, "Status     {}", clean(&status));
    let product = format!("{} ({})", opt(&r.provisioned_product_name), opt(&r.provisioned_product_id));
    let _ = writeln!(out, "Product    {}", clean(&product));
    let _ = writeln!(out, "Type       {}", clean(&opt(&r.record_type)));
    let _ = writeln!(out, "Created    {}", r.created_time.map(|t| t.iso()).unwrap_or_default());
    let _ = writeln!(out, "Updated    {}", r.updated_time.map(|t| t.iso()).unwrap_or_default());
    for e in &r.record_errors {
        let _ = writeln!(out, "Error      {}: {}", clean(&opt(&e.code)), clean(&opt(&e.description)));
    }
    for o in outputs.unwrap_or_default() {
        let _ = writeln!(out, "Output     {} = {}", clean(&opt(&o.output_key)), clean(&opt(&o.output_value)));
    }
}

/// The journal's runs as Markdown for a change ticket.
pub fn export_md(runs: &[JournalRun], out: &mut dyn Write) {
    let _ = writeln!(out, "# Service Catalog self-service actions\n");
    for r in runs {
        let _ = writeln!(out, "## {} on {}\n", clean(&r.action_name), clean(&r.product_name));
        let _ = writeln!(out, "- Who: {}", clean(r.caller.as_deref().unwrap_or("unknown")));
        let target = match (&r.profile, &r.region) {
            (Some(p), Some(g)) => format!("profile {p}, region {g}"),
            (None, Some(g)) => format!("region {g}"),
            _ if r.demo => "demo emulator".to_string(),
            _ => "default".to_string(),
        };
        let _ = writeln!(out, "- Where: {}", clean(&target));
        let _ = writeln!(out, "- Requested: {}", r.requested_at.iso());
        if let Some(e) = r.ended_at {
            let _ = writeln!(out, "- Ended: {}", e.iso());
        }
        let _ = writeln!(out, "- Product: {} ({})", clean(&r.product_name), clean(&r.product_id));
        let _ = writeln!(out, "- Action: {} ({})", clean(&r.action_name), clean(&r.action_id));
        let params = match &r.parameters {
            None => "none (Service Catalog's defaults)".to_string(),
            Some(p) => {
                p.iter().map(|(k, v)| format!("`{}={}`", clean(k), clean(&v.join(",")))).collect::<Vec<_>>().join(", ")
            }
        };
        let _ = writeln!(out, "- Parameters: {params}");
        let _ = writeln!(out, "- ExecuteToken: `{}`", clean(&r.token));
        let _ = writeln!(out, "- Record: {}", clean(r.record_id.as_deref().unwrap_or("none")));
        let outcome = r.outcome.map(|o| o.as_str()).unwrap_or("still open");
        let _ = writeln!(out, "- Outcome: **{outcome}**");
        for e in &r.errors {
            let (code, text) = (e.code.as_deref().unwrap_or(""), e.description.as_deref().unwrap_or(""));
            let _ = writeln!(out, "  - {}: {}", clean(code), clean(text));
        }
        if let Some(reason) = &r.reason {
            let _ = writeln!(out, "  - {}", clean(reason));
        }
        let _ = writeln!(out);
    }
}

/// An SSM Automation execution for people: what ran, each step, and a failure's reason whole.
pub fn automation(out: &mut dyn Write, a: &crate::domain::Automation) {
    let when = |t: Option<crate::domain::Timestamp>| t.map(|t| t.iso()).unwrap_or_else(|| "-".into());
    let _ = writeln!(out, "Execution  {}", clean(&a.automation_execution_id));
    let document = format!("{} v{}", opt(&a.document_name), opt(&a.document_version));
    let _ = writeln!(out, "Document   {}", clean(&document));
    let _ = writeln!(out, "Status     {}", clean(&opt(&a.automation_execution_status)));
    let _ = writeln!(out, "Started    {}", when(a.execution_start_time));
    let _ = writeln!(out, "Ended      {}", when(a.execution_end_time));
    let _ = writeln!(out, "Ran as     {}", clean(&opt(&a.executed_by)));
    let _ = writeln!(out);
    let rows: Vec<Vec<String>> = a
        .step_executions
        .iter()
        .map(|s| {
            let took = match (s.execution_start_time, s.execution_end_time) {
                (Some(b), Some(e)) => format!("{:.1}s", (e.0 - b.0).max(0.0)),
                _ => "-".into(),
            };
            vec![
                clean(&s.step_name),
                clean(&opt(&s.action)),
                clean(&opt(&s.step_status)),
                when(s.execution_start_time),
                took,
            ]
        })
        .collect();
    table(out, &["STEP", "ACTION", "STATUS", "STARTED", "TOOK"], &rows);
    if let Some(s) = a.failed_step() {
        let _ = writeln!(out);
        let _ = writeln!(out, "Step {} failed: {}", clean(&s.step_name), clean(&opt(&s.failure_message)));
        if let Some(d) = &s.failure_details {
            for (k, v) in &d.details {
                let _ = writeln!(out, "  {}: {}", clean(k), clean(&v.join(", ")));
            }
        }
    } else if let Some(f) = &a.failure_message {
        let _ = writeln!(out);
        let _ = writeln!(out, "Failure    {}", clean(f));
    }
}

/// `sctui accounts`: each account of the SSO session and its roles.
pub fn accounts(out: &mut dyn Write, list: &[crate::sso::Account], output: crate::cli::Output) {
    if output == crate::cli::Output::Json {
        json(out, &serde_json::json!({"Accounts": list}));
        return;
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|a| vec![a.account_id.clone(), a.account_name.clone(), a.email_address.clone(), a.roles.join(", ")])
        .collect();
    table(out, &["ACCOUNT", "NAME", "EMAIL", "ROLES"], &rows);
}
