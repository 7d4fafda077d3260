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
/// What an export says of the journal it was taken from: where, how long, its chain head (to
/// pin in a ticket: `sctui runs verify --head` checks the journal still holds it), and whether
/// the chain held when it was taken.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Chain {
    pub path: String,
    pub lines: usize,
    pub chain_head: String,
    pub intact: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub broken: Option<String>,
}

impl Chain {
    pub fn of(path: &std::path::Path, bytes: &[u8]) -> Chain {
        use crate::runs::journal::{Verdict, verify};
        let path = clean(&path.display().to_string());
        match verify(bytes) {
            Verdict::Intact { lines, head, .. } => Chain { path, lines, chain_head: head, intact: true, broken: None },
            Verdict::Broken { line, why } => Chain {
                path: path.clone(),
                lines: bytes.split(|b| *b == b'\n').filter(|l| !l.is_empty()).count(),
                chain_head: String::new(),
                intact: false,
                broken: Some(format!("the journal {path} is broken at line {line}: {why}")),
            },
        }
    }
}

/// A run's AWS console links (its product, record and SSM execution), where its region is known.
pub fn console_links(r: &JournalRun) -> Vec<String> {
    let Some(region) = r.region.as_deref() else { return Vec::new() };
    let execution = crate::runs::automation::named(&r.outputs);
    crate::runs::console::run_links(region, &r.product_id, r.record_id.as_deref(), execution)
}

/// The runs as the JSON export gives them: each with its `console` links.
pub fn export_json_runs(runs: &[JournalRun]) -> Vec<serde_json::Value> {
    runs.iter()
        .map(|r| {
            let mut v = serde_json::to_value(r).unwrap_or_default();
            if let Some(o) = v.as_object_mut() {
                o.insert("console".into(), serde_json::json!(console_links(r)));
            }
            v
        })
        .collect()
}

/// A spreadsheet takes a cell starting with = + - @ (or a tab or return) for a formula: such a
/// cell is written with a leading ' so that it stays text.
fn csv_cell(text: &str) -> String {
    let text = clean(text);
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text }
}

/// The runs as CSV, a header row first; each row carries the journal's chain head.
pub fn export_csv(runs: &[JournalRun], chain: &Chain, out: &mut dyn Write) {
    let mut w = csv::Writer::from_writer(out);
    let _ = w.write_record([
        "Run",
        "RequestedAt",
        "EndedAt",
        "Caller",
        "Account",
        "Region",
        "Profile",
        "ProductId",
        "ProductName",
        "ActionId",
        "ActionName",
        "Parameters",
        "ExecuteToken",
        "RecordId",
        "Outcome",
        "Errors",
        "ConsoleLinks",
        "Recording",
        "Sctui",
        "ChainHead",
    ]);
    for r in runs {
        let params = r.parameters.as_ref().map(|p| serde_json::to_string(p).unwrap_or_default()).unwrap_or_default();
        let errors: Vec<String> = r
            .errors
            .iter()
            .map(|e| format!("{}: {}", e.code.as_deref().unwrap_or(""), e.description.as_deref().unwrap_or("")))
            .collect();
        let opt = |v: &Option<String>| v.as_deref().map(csv_cell).unwrap_or_default();
        let _ = w.write_record([
            csv_cell(&r.run),
            r.requested_at.iso(),
            r.ended_at.map(|t| t.iso()).unwrap_or_default(),
            opt(&r.caller),
            opt(&r.account),
            opt(&r.region),
            opt(&r.profile),
            csv_cell(&r.product_id),
            csv_cell(&r.product_name),
            csv_cell(&r.action_id),
            csv_cell(&r.action_name),
            csv_cell(&params),
            csv_cell(&r.token),
            opt(&r.record_id),
            r.outcome.map(|o| o.as_str().to_string()).unwrap_or_else(|| "OPEN".into()),
            csv_cell(&errors.join("; ")),
            console_links(r).join(" "),
            r.recording.as_ref().map(|x| csv_cell(&format!("{} at {:.1} s", x.file, x.at))).unwrap_or_default(),
            opt(&r.sctui),
            chain.chain_head.clone(),
        ]);
    }
    let _ = w.flush();
}

pub fn export_md(runs: &[JournalRun], chain: &Chain, out: &mut dyn Write) {
    let _ = writeln!(out, "# Service Catalog self-service actions\n");
    let _ = writeln!(out, "Exported by {}.\n", crate::version::line());
    match &chain.broken {
        None => {
            let _ = writeln!(
                out,
                "Journal `{}`, {} lines, chain head `{}` (`sctui runs verify --head {}` checks that the journal still holds it).\n",
                chain.path, chain.lines, chain.chain_head, chain.chain_head
            );
        }
        Some(why) => {
            let _ = writeln!(out, "**Warning: {why}.**\n");
        }
    }
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
        let links = console_links(r);
        if !links.is_empty() {
            let _ = writeln!(out, "- Console: {}", links.join(" · "));
        }
        if let Some(f) = &r.freeze {
            let _ = writeln!(
                out,
                "- Freeze: run while {} was {}; the reason given: {}",
                clean(&f.calendars.join(", ")),
                clean(&f.state),
                clean(&f.reason)
            );
        }
        if let Some(x) = &r.recording {
            let _ = writeln!(out, "- Recording: `{}` at {:.1} s", clean(&x.file), x.at);
        }
        let by = r.sctui.as_deref().unwrap_or("not recorded (journaled by an older sctui)");
        let _ = writeln!(out, "- Sent by: {}", clean(by));
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A product named by a server as a formula stays text in a spreadsheet; control characters
    /// never reach the file.
    #[test]
    fn csv_cells_never_become_formulas() {
        assert_eq!(csv_cell("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
        for bad in ["+1", "-1+2", "@SUM(A1)"] {
            assert!(csv_cell(bad).starts_with('\''), "{bad}");
        }
        assert_eq!(csv_cell("web-prod-01"), "web-prod-01");
        assert!(!csv_cell("a\u{1b}[31mb").contains('\u{1b}'));
        let run = JournalRun { run: "r1".into(), product_name: "=cmd|' /C calc'!A0".into(), ..Default::default() };
        let chain = Chain { path: "j".into(), lines: 1, chain_head: "h".into(), intact: true, broken: None };
        let mut out = Vec::new();
        export_csv(&[run], &chain, &mut out);
        let mut reader = csv::Reader::from_reader(&out[..]);
        let row = reader.records().next().unwrap().unwrap();
        assert_eq!(&row[8], "'=cmd|' /C calc'!A0");
        assert_eq!(&row[19], "h");
    }
}
