//! The runs of this session, with the last batch's summary above them.

use super::browse::Browse;
use super::run::{RunScreen, duration, elapsed, status_text};
use super::{Cx, Next, Screen};
use crate::domain::{RecordStatus, Timestamp};
use crate::tui::keymap::{Cmd, KeyMode};
use crate::tui::runbook::{BatchSummary, Run, RunBook, RunPhase};
use crate::tui::view::{ViewCx, block, safe};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState};
use tui_input::Input;
use tui_input::backend::crossterm::to_input_request;

#[derive(Debug, Clone, Default)]
pub struct RunsScreen {
    /// Position among the runs the filter shows.
    pub selected: usize,
    /// `/`: runs whose action, product, status or record contain every word.
    pub filter: Input,
    /// The filter has the keys.
    pub filtering: bool,
}

impl RunsScreen {
    /// The list, on its newest run.
    pub fn newest(runs: &RunBook) -> RunsScreen {
        RunsScreen { selected: runs.list.len().saturating_sub(1), ..Default::default() }
    }

    pub fn key_mode(&self) -> KeyMode {
        if self.filtering { KeyMode::RunsFilter } else { KeyMode::Runs }
    }

    /// The runs the filter lets through, in order.
    pub fn shown<'a>(&self, runs: &'a RunBook) -> Vec<&'a Run> {
        let words: Vec<String> = self.filter.value().split_whitespace().map(str::to_lowercase).collect();
        runs.list
            .iter()
            .filter(|r| {
                if words.is_empty() {
                    return true;
                }
                let status = r.status().map(|s| s.as_str().to_string()).unwrap_or_else(|| format!("{:?}", r.phase));
                let record = r.record.as_ref().map(|d| d.record_id.as_str()).unwrap_or_default();
                let text = format!("{} {} {} {}", r.action.name, r.product.name, status, record).to_lowercase();
                words.iter().all(|w| text.contains(w.as_str()))
            })
            .collect()
    }

    pub fn chosen<'a>(&self, runs: &'a RunBook) -> Option<&'a Run> {
        self.shown(runs).get(self.selected).copied()
    }

    pub fn copy_text(&self, runs: &RunBook) -> Option<String> {
        self.chosen(runs).and_then(|r| r.record.as_ref()).map(|d| d.record_id.clone())
    }

    /// A key typed into the filter.
    pub fn typed(&mut self, key: crossterm::event::KeyEvent) -> bool {
        if !self.filtering {
            return false;
        }
        let Some(req) = to_input_request(&crossterm::event::Event::Key(key)) else { return false };
        let changed = self.filter.handle(req).is_some();
        if changed {
            self.selected = 0;
        }
        changed
    }
}

pub fn command(mut s: RunsScreen, cmd: Cmd, cx: &mut Cx) -> Next {
    let last = s.shown(cx.runs).len().saturating_sub(1);
    match cmd {
        Cmd::Filter => s.filtering = true,
        Cmd::Open if s.filtering => s.filtering = false,
        Cmd::Cancel if s.filtering => {
            s.filtering = false;
            s.filter.reset();
        }
        // Esc with a kept filter clears it first.
        Cmd::Back if !s.filter.value().is_empty() => s.filter.reset(),
        Cmd::Back => {
            // Back to the products, as the README says (not to the pane last used).
            cx.list.pane = crate::tui::screen::browse::Pane::Products;
            return (Screen::Browse(Browse::default()), vec![]);
        }
        Cmd::Up | Cmd::PageUp | Cmd::HalfUp => {
            let step = match cmd {
                Cmd::Up => 1,
                Cmd::HalfUp => 5,
                _ => 10,
            };
            s.selected = s.selected.saturating_sub(step);
        }
        Cmd::Down | Cmd::PageDown | Cmd::HalfDown => {
            let step = match cmd {
                Cmd::Down => 1,
                Cmd::HalfDown => 5,
                _ => 10,
            };
            s.selected = (s.selected + step).min(last);
        }
        Cmd::Open => {
            if let Some(r) = s.chosen(cx.runs) {
                return (Screen::Run(RunScreen::of(r.id)), vec![]);
            }
        }
        Cmd::Rerun => {
            if let Some(r) = s.chosen(cx.runs).cloned() {
                return super::form::open(r.product, r.action, r.parameters, None);
            }
        }
        _ => {}
    }
    s.selected = s.selected.min(s.shown(cx.runs).len().saturating_sub(1));
    (Screen::Runs(s), vec![])
}

fn summary(batch: &BatchSummary, runs: &RunBook, vcx: &ViewCx) -> Line<'static> {
    let t = vcx.theme;
    let list: Vec<&Run> = batch.runs.iter().filter_map(|id| runs.get(*id)).collect();
    let succeeded = |r: &Run| r.status() == Some(&RecordStatus::Succeeded);
    let ok = list.iter().filter(|r| succeeded(r)).count();
    let failed = list
        .iter()
        .filter(|r| {
            (r.phase == RunPhase::Ended && !succeeded(r))
                || matches!(r.phase, RunPhase::Lost(_) | RunPhase::Unanswered(_))
        })
        .count();
    let skipped = list.iter().filter(|r| matches!(r.phase, RunPhase::NotStarted(_))).count();
    let going = list.iter().filter(|r| r.in_flight()).count();
    let queued = list.iter().filter(|r| r.phase == RunPhase::Queued).count();
    let state = if going + queued == 0 { "finished" } else { "running" };
    Line::from(vec![
        Span::styled(format!("Batch {} {state}: ", safe(&batch.action)), t.title()),
        Span::styled(format!("{ok} succeeded"), t.ok()),
        Span::raw(", "),
        Span::styled(format!("{failed} failed"), if failed > 0 { t.error() } else { t.dim() }),
        Span::raw(format!(", {skipped} not started, {going} in flight, {queued} queued (of {})", list.len())),
    ])
}

fn row(r: &Run, wide: bool, vcx: &ViewCx) -> Row<'static> {
    let (status, style) = status_text(r, vcx);
    let product = if r.resumed { format!("{} (resumed)", safe(&r.product.name)) } else { safe(&r.product.name) };
    let mut cells: Vec<Cell> = vec![format!("{}", r.id.0).into(), safe(&r.action.name).into(), product.into()];
    // Over a fleet: where each run went.
    if vcx.fleet.is_some() {
        let place = vcx
            .cell(r.product.cell)
            .map(|c| format!("{} {}", crate::tui::view::account_label(c, vcx, false), safe(&c.region)))
            .unwrap_or_else(|| vcx.theme.none().to_string());
        cells.push(place.into());
    }
    cells.extend([
        Cell::from(Span::styled(status, style)),
        elapsed(r, vcx).map(duration).unwrap_or_else(|| vcx.theme.none().into()).into(),
    ]);
    if wide {
        cells.push(r.record.as_ref().map(|d| safe(&d.record_id)).unwrap_or_default().into());
        // A run that never started (queued, skipped) has no start time.
        let started = match r.phase {
            RunPhase::Queued | RunPhase::NotStarted(_) => vcx.theme.none().to_string(),
            _ => Timestamp(r.started.0).clock(),
        };
        cells.push(started.into());
    }
    Row::new(cells)
}

pub fn render(s: &RunsScreen, runs: &RunBook, vcx: &ViewCx, f: &mut Frame, area: Rect) {
    let t = vcx.theme;
    let filter = if s.filter.value().is_empty() { String::new() } else { format!("/{} ", safe(s.filter.value())) };
    let title = format!(" Runs in this session ({}, {} in flight) {filter}", runs.list.len(), runs.in_flight());
    let b = block(t, title, true);
    let mut inner = b.inner(area);
    f.render_widget(b, area);
    if let Some(batch) = &runs.batch {
        let [top, rest] = Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(inner);
        f.render_widget(Paragraph::new(summary(batch, runs, vcx)), top);
        inner = rest;
    }
    if runs.list.is_empty() {
        f.render_widget(Paragraph::new("No run has been started yet. Pick an action and press Enter."), inner);
        return;
    }
    let shown = s.shown(runs);
    if shown.is_empty() {
        let text = format!("No run matches \"{}\" (Esc clears the filter).", safe(s.filter.value()));
        f.render_widget(Paragraph::new(text), inner);
        return;
    }
    let wide = inner.width >= 100;
    let rows: Vec<Row> = shown.iter().map(|r| row(r, wide, vcx)).collect();
    let mut widths = vec![
        Constraint::Length(3),
        Constraint::Fill(2),
        Constraint::Fill(2),
        Constraint::Length(22),
        Constraint::Length(8),
    ];
    let mut header = vec!["#", "ACTION", "PRODUCT", "STATUS", "ELAPSED"];
    if vcx.fleet.is_some() {
        widths.insert(3, Constraint::Length(24));
        header.insert(3, "ACCOUNT REGION");
    }
    if wide {
        widths.extend([Constraint::Length(17), Constraint::Length(8)]);
        header.extend(["RECORD", "STARTED"]);
    }
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(t.dim().add_modifier(Modifier::BOLD)))
        .row_highlight_style(t.selected())
        .highlight_symbol(t.pointer());
    let mut state = TableState::default().with_selected(Some(s.selected));
    f.render_stateful_widget(table, inner, &mut state);
    let rows = Rect { y: inner.y + 1, height: inner.height.saturating_sub(1), ..inner };
    vcx.hits.rows(crate::tui::hits::List::Runs, rows, state.offset(), shown.len());
}
