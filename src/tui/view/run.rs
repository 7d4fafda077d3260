//! A run, live: status, elapsed time, timeline, errors, outputs; and the list of runs.

use super::{block, label, safe};
use crate::domain::Timestamp;
use crate::tui::action::RunId;
use crate::tui::app::{App, Run, RunPhase};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, TableState, Wrap};

pub fn duration(secs: f64) -> String {
    let s = secs.max(0.0) as u64;
    if s >= 3600 {
        format!("{}h{:02}m", s / 3600, (s % 3600) / 60)
    } else if s >= 60 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else {
        format!("{s}s")
    }
}

fn status_text(app: &App, r: &Run) -> (String, ratatui::style::Style) {
    let t = &app.theme;
    match &r.phase {
        RunPhase::Submitting => (format!("{} sending the request…", t.spinner(app.frame)), t.accent()),
        RunPhase::SubmitFailed(_) => ("NOT STARTED".into(), t.error()),
        RunPhase::Watching => {
            let s = r.status().map(|s| s.as_str().to_string()).unwrap_or_default();
            (format!("{} {s}", t.spinner(app.frame)), t.record_status(r.status()))
        }
        RunPhase::Ended => {
            let s = r.status().map(|s| s.as_str().to_string()).unwrap_or_default();
            (format!("{} {s}", t.record_mark(r.status())), t.record_status(r.status()))
        }
    }
}

fn elapsed(app: &App, r: &Run) -> f64 {
    let start = r.record.as_ref().and_then(|d| d.created_time).unwrap_or(r.started);
    let end = if r.in_flight() { app.now } else { r.record.as_ref().and_then(|d| d.updated_time).unwrap_or(app.now) };
    end.0 - start.0
}

pub fn run(app: &App, f: &mut Frame, area: Rect, id: RunId) {
    let t = &app.theme;
    let Some(r) = app.run(id) else { return };
    let resumed = if r.resumed { " · resumed from the journal" } else { "" };
    let title = format!(" Run {} · {} on {}{resumed} ", r.id.0, safe(&r.action.name), safe(&r.product.name));
    let b = block(app, title, true);
    let inner = b.inner(area);
    f.render_widget(b, area);
    let (status, style) = status_text(app, r);
    let mut head = vec![label(app, "Status"), Span::styled(status, style.add_modifier(Modifier::BOLD))];
    head.push(Span::styled(format!("   elapsed {}", duration(elapsed(app, r))), t.dim()));
    if r.in_flight() && r.record.is_some() {
        head.push(Span::styled(format!(" · in this status for {}", duration(app.now.0 - r.since().0)), t.dim()));
    }
    let mut lines = vec![Line::from(head)];
    if let RunPhase::SubmitFailed(e) = &r.phase {
        lines.push(Line::from(vec![label(app, "Problem"), Span::styled(safe(e), t.error())]));
    }
    if let Some(p) = &r.problem {
        lines.push(Line::from(vec![label(app, "Connection"), Span::styled(safe(p), t.warn())]));
    }
    let record = r.record.as_ref().map(|d| d.record_id.clone()).unwrap_or_else(|| "(not yet created)".into());
    lines.push(Line::from(vec![label(app, "Record"), Span::raw(safe(&record))]));
    lines.push(Line::from(vec![
        label(app, "Product"),
        Span::raw(format!("{} ({})", safe(&r.product.name), safe(&r.product.id))),
    ]));
    lines.push(Line::from(vec![
        label(app, "Action"),
        Span::raw(format!("{} · SSM {}", safe(&r.action.name), safe(r.document.as_deref().unwrap_or("?")))),
    ]));
    lines.push(Line::from(vec![label(app, "ExecuteToken"), Span::raw(r.token.clone())]));
    let params = match &r.parameters {
        None => "none sent (Service Catalog's defaults)".to_string(),
        Some(p) => p.iter().map(|(k, v)| format!("{}={}", safe(k), safe(&v.join(",")))).collect::<Vec<_>>().join("  "),
    };
    lines.push(Line::from(vec![label(app, "Parameters"), Span::raw(params)]));
    lines.push(Line::default());
    lines.push(Line::from(Span::styled("Timeline", t.title())));
    if r.timeline.is_empty() {
        lines.push(Line::from(Span::styled("  (waiting for Service Catalog)", t.dim())));
    }
    for (at, s) in &r.timeline {
        lines.push(Line::from(vec![
            Span::styled(format!("  {}  ", at.clock()), t.dim()),
            Span::styled(s.as_str().to_string(), t.record_status(Some(s))),
        ]));
    }
    if let Some(d) = &r.record {
        if !d.record_errors.is_empty() {
            lines.push(Line::default());
            lines.push(Line::from(Span::styled("Errors (RecordErrors)", t.error())));
            for e in &d.record_errors {
                lines.push(Line::from(vec![
                    Span::styled(format!("  {}: ", safe(e.code.as_deref().unwrap_or("Error"))), t.error()),
                    Span::raw(safe(e.description.as_deref().unwrap_or(""))),
                ]));
            }
        }
        if !r.outputs.is_empty() {
            lines.push(Line::default());
            lines.push(Line::from(Span::styled("Outputs (RecordOutputs)", t.title())));
            for o in &r.outputs {
                lines.push(Line::from(vec![
                    Span::styled(format!("  {} = ", safe(o.output_key.as_deref().unwrap_or("?"))), t.dim()),
                    Span::raw(safe(o.output_value.as_deref().unwrap_or(""))),
                ]));
            }
        }
        if !d.record_tags.is_empty() {
            lines.push(Line::default());
            let tags = d
                .record_tags
                .iter()
                .map(|t| format!("{}={}", safe(&t.key), safe(&t.value)))
                .collect::<Vec<_>>()
                .join("  ");
            lines.push(Line::from(vec![label(app, "Tags"), Span::raw(tags)]));
        }
    }
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

pub fn runs(app: &App, f: &mut Frame, area: Rect) {
    let t = &app.theme;
    let b = block(app, format!(" Runs in this session ({}, {} in flight) ", app.runs.len(), app.in_flight()), true);
    let mut inner = b.inner(area);
    f.render_widget(b, area);
    if let Some(batch) = &app.batch {
        let runs: Vec<&Run> = batch.runs.iter().filter_map(|id| app.run(*id)).collect();
        let ok = runs.iter().filter(|r| r.status() == Some(&crate::domain::RecordStatus::Succeeded)).count();
        let failed = runs
            .iter()
            .filter(|r| r.phase == RunPhase::Ended && r.status() != Some(&crate::domain::RecordStatus::Succeeded))
            .count();
        let skipped = runs.iter().filter(|r| matches!(r.phase, RunPhase::SubmitFailed(_))).count();
        let going = runs.iter().filter(|r| r.in_flight()).count();
        let state = if going == 0 { "finished" } else { "running" };
        let line = Line::from(vec![
            Span::styled(format!("Batch {} {state}: ", safe(&batch.action)), t.title()),
            Span::styled(format!("{ok} succeeded"), t.ok()),
            Span::raw(", "),
            Span::styled(format!("{failed} failed"), if failed > 0 { t.error() } else { t.dim() }),
            Span::raw(format!(", {skipped} not started, {going} in flight (of {})", runs.len())),
        ]);
        let [top, rest] = ratatui::layout::Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(inner);
        f.render_widget(Paragraph::new(line), top);
        inner = rest;
    }
    if app.runs.is_empty() {
        f.render_widget(Paragraph::new("No run has been started yet. Pick an action and press Enter."), inner);
        return;
    }
    let wide = inner.width >= 100;
    let rows: Vec<Row> = app
        .runs
        .iter()
        .map(|r| {
            let (status, style) = status_text(app, r);
            let mut cells: Vec<ratatui::widgets::Cell> = vec![
                format!("{}", r.id.0).into(),
                safe(&r.action.name).into(),
                if r.resumed {
                    format!("{} (resumed)", safe(&r.product.name)).into()
                } else {
                    safe(&r.product.name).into()
                },
                ratatui::widgets::Cell::from(Span::styled(status, style)),
                duration(elapsed(app, r)).into(),
            ];
            if wide {
                cells.push(r.record.as_ref().map(|d| d.record_id.clone()).unwrap_or_default().into());
                cells.push(Timestamp(r.started.0).clock().into());
            }
            Row::new(cells)
        })
        .collect();
    let mut widths = vec![
        Constraint::Length(3),
        Constraint::Fill(2),
        Constraint::Fill(2),
        Constraint::Length(22),
        Constraint::Length(8),
    ];
    let mut header = vec!["#", "ACTION", "PRODUCT", "STATUS", "ELAPSED"];
    if wide {
        widths.extend([Constraint::Length(17), Constraint::Length(8)]);
        header.extend(["RECORD", "STARTED"]);
    }
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(t.dim().add_modifier(Modifier::BOLD)))
        .row_highlight_style(t.selected())
        .highlight_symbol(t.pointer());
    let mut state = TableState::default().with_selected(Some(app.runs_selected));
    f.render_stateful_widget(table, inner, &mut state);
}

/// A product's records, newest first, with the details of the one asked for.
pub fn history(app: &App, f: &mut Frame, area: Rect) {
    let t = &app.theme;
    let Some(h) = &app.history else { return };
    let [top, bottom] = ratatui::layout::Layout::vertical([Constraint::Min(6), Constraint::Length(10)]).areas(area);
    let more = if h.next_token.is_some() { " (more below)" } else { "" };
    let title = format!(" History · {} · {} records{more} ", safe(&h.product.name), h.records.len());
    let b = block(app, title, true);
    let inner = b.inner(top);
    f.render_widget(b, top);
    if h.records.is_empty() {
        let text = match (&h.error, h.loading) {
            (Some(e), _) => safe(e),
            (None, true) => format!("{} loading the records…", t.spinner(app.frame)),
            (None, false) => "No records.".into(),
        };
        f.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), inner);
    } else {
        let wide = inner.width >= 100;
        let rows: Vec<Row> = h
            .records
            .iter()
            .map(|r| {
                let status = r.status.as_ref().map(|s| s.as_str().to_string()).unwrap_or_default();
                let mut cells: Vec<ratatui::widgets::Cell> = vec![
                    r.record_id.clone().into(),
                    record_type(r.record_type.as_deref()).into(),
                    ratatui::widgets::Cell::from(Span::styled(status, t.record_status(r.status.as_ref()))),
                    r.created_time.map(|c| c.short()).unwrap_or_default().into(),
                ];
                if wide {
                    cells.push(r.updated_time.map(|c| c.short()).unwrap_or_default().into());
                }
                Row::new(cells)
            })
            .collect();
        let mut widths =
            vec![Constraint::Length(18), Constraint::Length(10), Constraint::Length(20), Constraint::Length(16)];
        let mut header = vec!["RECORD", "TYPE", "STATUS", "CREATED"];
        if wide {
            widths.push(Constraint::Length(16));
            header.push("UPDATED");
        }
        let table = Table::new(rows, widths)
            .header(Row::new(header).style(t.dim().add_modifier(Modifier::BOLD)))
            .row_highlight_style(t.selected())
            .highlight_symbol(t.pointer());
        let mut state = TableState::default().with_selected(Some(h.selected));
        f.render_stateful_widget(table, inner, &mut state);
    }
    let b = block(app, " Details ", false);
    let inner = b.inner(bottom);
    f.render_widget(b, bottom);
    let mut lines: Vec<Line> = Vec::new();
    match &h.detail {
        None => lines.push(Line::from(Span::styled(
            "Enter shows a record's errors and outputs; e runs its action again.",
            t.dim(),
        ))),
        Some((_, crate::tui::app::Fetch::Loading)) => {
            lines.push(Line::from(format!("{} reading the record…", t.spinner(app.frame))))
        }
        Some((_, crate::tui::app::Fetch::Failed(e))) => lines.push(Line::from(Span::styled(safe(e), t.error()))),
        Some((id, crate::tui::app::Fetch::Ready((d, outputs)))) => {
            lines.push(Line::from(vec![
                label(app, "Record"),
                Span::raw(safe(id)),
                Span::raw("  "),
                Span::styled(
                    d.status.as_ref().map(|s| s.as_str().to_string()).unwrap_or_default(),
                    t.record_status(d.status.as_ref()),
                ),
            ]));
            for e in &d.record_errors {
                lines.push(Line::from(vec![
                    Span::styled(format!("  {}: ", safe(e.code.as_deref().unwrap_or("Error"))), t.error()),
                    Span::raw(safe(e.description.as_deref().unwrap_or(""))),
                ]));
            }
            for o in outputs {
                lines.push(Line::from(vec![
                    Span::styled(format!("  {} = ", safe(o.output_key.as_deref().unwrap_or("?"))), t.dim()),
                    Span::raw(safe(o.output_value.as_deref().unwrap_or(""))),
                ]));
            }
            if d.record_errors.is_empty() && outputs.is_empty() {
                lines.push(Line::from(Span::styled("  (no errors, no outputs)", t.dim())));
            }
        }
    }
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

/// A record type in a word: the service's names are long.
fn record_type(t: Option<&str>) -> String {
    match t {
        Some("EXECUTE_PROVISIONED_PRODUCT_SERVICE_ACTION") => "ACTION".into(),
        Some("PROVISION_PRODUCT") => "PROVISION".into(),
        Some("UPDATE_PROVISIONED_PRODUCT") => "UPDATE".into(),
        Some("TERMINATE_PROVISIONED_PRODUCT") => "TERMINATE".into(),
        Some(other) => safe(other),
        None => "-".into(),
    }
}
