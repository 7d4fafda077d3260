//! A product's records (ListRecordHistory), newest first, loaded page by page, with the details
//! of the one asked for; `e` runs its action again with the parameters the journal kept.

use super::browse::Browse;
use super::{Cx, Fetch, Next, Screen};
use crate::catalog::Error;
use crate::domain::{Page, ProvisionedProduct, RecordDetail, RecordOutput};
use crate::tui::effect::Effect;
use crate::tui::keymap::Cmd;
use crate::tui::runbook::operator_message;
use crate::tui::view::{ViewCx, block, label, safe};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState, Wrap};

pub type RecordWithOutputs = (RecordDetail, Vec<RecordOutput>);

#[derive(Debug, Clone)]
pub struct HistoryScreen {
    pub product: ProvisionedProduct,
    pub records: Vec<RecordDetail>,
    pub next_token: Option<String>,
    pub loading: bool,
    pub error: Option<String>,
    pub selected: usize,
    /// The record whose details are shown, and its details once read.
    pub detail: Option<(String, Fetch<RecordWithOutputs>)>,
    /// How far the details are scrolled.
    pub detail_scroll: u16,
    /// Record id → the action that made it, where sctui's journal knows (AWS's records do not say).
    pub actions: std::collections::HashMap<String, String>,
    /// The journal has answered (ACTION reads "—" for a record it does not know only then).
    pub actions_known: bool,
}

/// The history of `product`, its first page asked for.
pub fn open(product: ProvisionedProduct) -> Next {
    let effects = vec![
        Effect::at(product.cell, Effect::LoadHistory { pp_id: product.id.clone(), token: None }),
        Effect::LoadHistoryActions { pp_id: product.id.clone() },
    ];
    let screen = HistoryScreen {
        product,
        records: Vec::new(),
        next_token: None,
        loading: true,
        error: None,
        selected: 0,
        detail: None,
        detail_scroll: 0,
        actions: Default::default(),
        actions_known: false,
    };
    (Screen::History(Box::new(screen)), effects)
}

impl HistoryScreen {
    pub fn copy_text(&self) -> Option<String> {
        self.records.get(self.selected).map(|r| r.record_id.clone())
    }

    pub fn on_page(&mut self, pp_id: &str, result: Result<Page<RecordDetail>, Error>) {
        if self.product.id != pp_id {
            return;
        }
        self.loading = false;
        match result {
            Ok(page) => {
                self.records.extend(page.items);
                self.next_token = page.next_token;
                self.error = None;
            }
            Err(e) => self.error = Some(operator_message(&e, Some(&self.product.name))),
        }
    }

    pub fn on_record(&mut self, record_id: &str, result: Result<RecordWithOutputs, Error>) {
        if let Some((id, fetch)) = self.detail.as_mut()
            && *id == record_id
        {
            *fetch = match result {
                Ok(x) => Fetch::Ready(x),
                Err(e) => Fetch::Failed(operator_message(&e, None)),
            };
        }
    }
}

pub fn command(mut h: HistoryScreen, cmd: Cmd, cx: &mut Cx) -> Next {
    let effects = match cmd {
        Cmd::Back => return (Screen::Browse(Browse::default()), vec![]),
        Cmd::Up | Cmd::HalfUp => {
            h.selected = h.selected.saturating_sub(if cmd == Cmd::Up { 1 } else { 5 });
            vec![]
        }
        // Clamped when drawn.
        Cmd::PageDown => {
            h.detail_scroll = h.detail_scroll.saturating_add(5);
            vec![]
        }
        Cmd::PageUp => {
            h.detail_scroll = h.detail_scroll.saturating_sub(5);
            vec![]
        }
        Cmd::Down | Cmd::HalfDown => {
            let step = if cmd == Cmd::Down { 1 } else { 5 };
            h.selected = (h.selected + step).min(h.records.len().saturating_sub(1));
            // At the end of what is loaded: the next page.
            match (&h.next_token, h.loading) {
                (Some(t), false) if h.selected + 1 >= h.records.len() => {
                    let load = Effect::LoadHistory { pp_id: h.product.id.clone(), token: Some(t.clone()) };
                    let effect = Effect::at(h.product.cell, load);
                    h.loading = true;
                    vec![effect]
                }
                _ => vec![],
            }
        }
        Cmd::Open => match h.records.get(h.selected).map(|r| r.record_id.clone()) {
            Some(record_id) => {
                h.detail = Some((record_id.clone(), Fetch::Loading));
                h.detail_scroll = 0;
                vec![Effect::at(h.product.cell, Effect::LoadRecord { record_id })]
            }
            None => vec![],
        },
        Cmd::Rerun => return rerun(h, cx),
        _ => vec![],
    };
    (Screen::History(Box::new(h)), effects)
}

/// The run of this session behind the record, or else the journal's (an earlier session's).
fn rerun(h: HistoryScreen, cx: &mut Cx) -> Next {
    let Some(record) = h.records.get(h.selected) else { return (Screen::History(Box::new(h)), vec![]) };
    let mine = cx.runs.list.iter().find(|r| r.record.as_ref().is_some_and(|d| d.record_id == record.record_id));
    if let Some(r) = mine.cloned() {
        return super::form::open(r.product, r.action, r.parameters, None);
    }
    let effect = Effect::FindInJournal { record_id: record.record_id.clone(), product: h.product.clone() };
    (Screen::History(Box::new(h)), vec![effect])
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

fn records_table(h: &HistoryScreen, vcx: &ViewCx, f: &mut Frame, inner: Rect) {
    let t = vcx.theme;
    // RECORD, TYPE and STATUS always; CREATED from 100 columns, UPDATED from 120; ACTION takes
    // the rest (up to 40).
    let created = inner.width >= 100;
    let wide = inner.width >= 120;
    let fixed = 18 + 10 + 20 + if created { 16 } else { 0 } + if wide { 16 } else { 0 } + 6 + 2;
    let action_w = usize::from(inner.width.saturating_sub(fixed)).clamp(6, 40);
    let rows: Vec<Row> = h
        .records
        .iter()
        .map(|r| {
            let status = r.status.as_ref().map(|s| safe(s.as_str())).unwrap_or_default();
            let unknown = if h.actions_known { t.none() } else { "…" };
            let action = h.actions.get(&r.record_id).map(|a| safe(a)).unwrap_or_else(|| unknown.to_string());
            let mut cells: Vec<Cell> = vec![
                safe(&r.record_id).into(),
                record_type(r.record_type.as_deref()).into(),
                crate::tui::view::fit(&action, action_w).into(),
                Cell::from(Span::styled(status, t.record_status(r.status.as_ref()))),
            ];
            if created {
                cells.push(r.created_time.map(|c| c.short()).unwrap_or_default().into());
            }
            if wide {
                cells.push(r.updated_time.map(|c| c.short()).unwrap_or_default().into());
            }
            Row::new(cells)
        })
        .collect();
    let mut widths = vec![
        Constraint::Length(18),
        Constraint::Length(10),
        Constraint::Length(action_w as u16),
        Constraint::Length(20),
    ];
    let mut header = vec!["RECORD", "TYPE", "ACTION", "STATUS"];
    if created {
        widths.push(Constraint::Length(16));
        header.push("CREATED");
    }
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
    let rows = Rect { y: inner.y + 1, height: inner.height.saturating_sub(1), ..inner };
    vcx.hits.rows(crate::tui::hits::List::History, rows, state.offset(), h.records.len());
}

fn detail_lines(h: &HistoryScreen, vcx: &ViewCx) -> Vec<Line<'static>> {
    let t = vcx.theme;
    let mut lines: Vec<Line> = Vec::new();
    match &h.detail {
        None => lines.push(Line::from(Span::styled(
            "Enter shows a record's errors and outputs; e runs its action again.",
            t.dim(),
        ))),
        Some((_, Fetch::Loading)) => lines.push(Line::from(format!("{} reading the record…", t.spinner(vcx.frame)))),
        Some((_, Fetch::Failed(e))) => lines.push(Line::from(Span::styled(safe(e), t.error()))),
        Some((id, Fetch::Ready((d, outputs)))) => {
            let status = d.status.as_ref().map(|s| safe(s.as_str())).unwrap_or_default();
            lines.push(Line::from(vec![
                label(t, "Record"),
                Span::raw(safe(id)),
                Span::raw("  "),
                Span::styled(status, t.record_status(d.status.as_ref())),
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
    lines
}

pub fn render(h: &HistoryScreen, vcx: &ViewCx, f: &mut Frame, area: Rect) {
    let t = vcx.theme;
    let [top, bottom] = Layout::vertical([Constraint::Min(6), Constraint::Length(10)]).areas(area);
    let more = if h.next_token.is_some() { " (more below)" } else { "" };
    let records = crate::tui::view::count(h.records.len(), "record", "records");
    let title = format!(" History · {} · {records}{more} ", safe(&h.product.name));
    let b = block(t, title, true);
    let inner = b.inner(top);
    f.render_widget(b, top);
    if h.records.is_empty() {
        let text = match (&h.error, h.loading) {
            (Some(e), _) => safe(e),
            (None, true) => format!("{} loading the records…", t.spinner(vcx.frame)),
            (None, false) => "No records.".into(),
        };
        f.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), inner);
    } else {
        records_table(h, vcx, f, inner);
    }
    let b = block(t, " Details ", false);
    let inner = b.inner(bottom);
    f.render_widget(b, bottom);
    let details = Paragraph::new(detail_lines(h, vcx)).wrap(Wrap { trim: false });
    crate::tui::view::scrolled(details, h.detail_scroll, ("PgDn", "PgUp"), vcx, f, inner);
}
