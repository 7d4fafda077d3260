//! The products table and the actions pane.

use super::{block, safe};
use crate::domain::ProvisionedProduct;
use crate::tui::app::{App, Conn, Fetch, Pane, Screen, SortKey};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState, Wrap};

pub fn render(app: &App, f: &mut Frame, area: Rect) {
    let actions_height = match (app.presenter, area.height >= 36) {
        (true, true) => 14,
        (_, true) => 12,
        _ => 9,
    };
    let [top, bottom] = Layout::vertical([Constraint::Min(6), Constraint::Length(actions_height)]).areas(area);
    products(app, f, top);
    actions(app, f, bottom);
}

fn title(app: &App) -> Line<'static> {
    let t = &app.theme;
    let mut spans = vec![Span::styled(" Products ", t.title())];
    let shown = app.visible.len();
    let loaded = app.products.len();
    let count = if app.filter.value().is_empty() { format!("{loaded}") } else { format!("{shown} of {loaded}") };
    spans.push(Span::raw(format!("{count} ")));
    if !app.loading.done && app.conn == Conn::Ready && app.loading.error.is_none() {
        let total = app.loading.total.map(|n| format!(" of {n}")).unwrap_or_default();
        spans.push(Span::styled(format!("{} loading {loaded}{total} ", t.spinner(app.frame)), t.warn()));
    }
    if !app.filter.value().is_empty() {
        spans.push(Span::styled(format!("/{} ", safe(app.filter.value())), t.key()));
    }
    if !app.marks.is_empty() {
        spans.push(Span::styled(format!("· {} marked for a batch ", app.marks.len()), t.key()));
    }
    if app.sort != SortKey::Listed || app.descending {
        let dir = if app.descending { "desc" } else { "asc" };
        spans.push(Span::styled(format!("sort: {} {dir} ", app.sort.label()), t.dim()));
    }
    Line::from(spans)
}

fn products(app: &App, f: &mut Frame, area: Rect) {
    let t = &app.theme;
    let focused = app.focus == Pane::Products && app.screen == Screen::Browse;
    let b = block(app, title(app), focused);
    let inner = b.inner(area);
    f.render_widget(b, area);
    if app.visible.is_empty() {
        let text = match (&app.conn, &app.loading.error) {
            (Conn::Resolving, _) => "Resolving credentials…".to_string(),
            (Conn::Failed(e), _) => format!("Could not connect: {}", safe(e)),
            (_, Some(e)) => format!("Could not load the provisioned products: {}", safe(e)),
            _ if !app.loading.done => "Loading provisioned products…".to_string(),
            _ if !app.filter.value().is_empty() => {
                format!("No product matches \"{}\" (Esc in the filter clears it).", safe(app.filter.value()))
            }
            _ => "No provisioned products in this account and region.".to_string(),
        };
        f.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), inner);
        return;
    }
    let wide = inner.width >= 110;
    let with_type = inner.width >= 140;
    let mut header = vec!["NAME", "STATUS"];
    let mut widths = vec![Constraint::Fill(1), Constraint::Length(13)];
    if with_type {
        header.push("TYPE");
        widths.push(Constraint::Length(13));
    }
    header.extend(["PRODUCT", "VERSION", "LAST RECORD"]);
    widths.extend([
        Constraint::Length(if inner.width >= 96 { 24 } else { 17 }),
        Constraint::Length(8),
        Constraint::Length(17),
    ]);
    if wide {
        header.push("CREATED");
        widths.push(Constraint::Length(16));
    }
    let height = inner.height.saturating_sub(1) as usize;
    let offset = if app.selected >= height { app.selected + 1 - height } else { 0 };
    let end = (offset + height).min(app.visible.len());
    let rows: Vec<Row> =
        app.visible[offset..end].iter().map(|&i| row(app, &app.products[i], wide, with_type)).collect();
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(t.dim().add_modifier(Modifier::BOLD)))
        .column_spacing(if app.presenter { 2 } else { 1 })
        .row_highlight_style(if focused { t.selected() } else { t.title() })
        .highlight_symbol(t.pointer());
    let mut state = TableState::default().with_selected(Some(app.selected - offset));
    f.render_stateful_widget(table, inner, &mut state);
}

fn row(app: &App, p: &ProvisionedProduct, wide: bool, with_type: bool) -> Row<'static> {
    let t = &app.theme;
    let status = p.status.as_ref().map(|s| s.as_str().to_string()).unwrap_or_else(|| "-".into());
    let marked = app.marks.contains(&p.id);
    let mark = match (marked, t.ascii) {
        (true, false) => "● ",
        (true, true) => "* ",
        (false, _) => "",
    };
    let name_style = if marked { t.key() } else { ratatui::style::Style::new() };
    let mut cells = vec![
        Cell::from(Span::styled(format!("{mark}{}", safe(&p.name)), name_style)),
        Cell::from(Span::styled(status, t.product_status(p.status.as_ref()))),
    ];
    if with_type {
        cells.push(Cell::from(safe(p.kind.as_deref().unwrap_or("-"))));
    }
    cells.push(Cell::from(safe(p.product_name.as_deref().unwrap_or("-"))));
    cells.push(Cell::from(safe(p.provisioning_artifact_name.as_deref().unwrap_or("-"))));
    cells.push(Cell::from(safe(p.last_record_id.as_deref().unwrap_or("-"))));
    if wide {
        cells.push(Cell::from(p.created_time.map(|c| c.short()).unwrap_or_default()));
    }
    Row::new(cells)
}

fn actions(app: &App, f: &mut Frame, area: Rect) {
    let t = &app.theme;
    let focused = app.focus == Pane::Actions && app.screen == Screen::Browse;
    let Some(p) = app.selected_product() else {
        f.render_widget(block(app, " Actions ", focused), area);
        return;
    };
    let version = match (&p.product_name, &p.provisioning_artifact_name) {
        (Some(n), Some(v)) => format!(" · {} {}", safe(n), safe(v)),
        _ => String::new(),
    };
    let title =
        Line::from(vec![Span::styled(" Actions ", t.title()), Span::raw(format!("· {}{version} ", safe(&p.name)))]);
    let b = block(app, title, focused);
    let inner = b.inner(area);
    f.render_widget(b, area);
    let mut lines: Vec<Line> = Vec::new();
    if let Some(msg) = &p.status_message {
        let status = p.status.as_ref().map(|s| s.as_str()).unwrap_or_default();
        lines.push(Line::from(Span::styled(format!("{status}: {}", safe(msg)), t.product_status(p.status.as_ref()))));
    }
    match app.actions_of_selected() {
        None | Some(Fetch::Loading) => {
            lines.push(Line::from(Span::styled(format!("{} loading actions…", t.spinner(app.frame)), t.dim())))
        }
        Some(Fetch::Failed(e)) => {
            lines.push(Line::from(Span::styled(format!("Could not load the actions: {}", safe(e)), t.error())));
        }
        Some(Fetch::Ready(list)) if list.is_empty() => {
            lines.push(Line::from(Span::styled(
                "No self-service actions are associated with this product version.",
                t.dim(),
            )));
        }
        Some(Fetch::Ready(list)) => {
            let room = inner.height as usize - lines.len().min(inner.height as usize);
            let offset = if app.action_selected >= room { app.action_selected + 1 - room } else { 0 };
            let name_w = list.iter().map(|a| a.name.chars().count()).max().unwrap_or(0).min(34);
            let doc = |id: &str| match app.definitions.get(id) {
                Some(Fetch::Ready(d)) => {
                    format!("{} v{}", safe(d.name.as_deref().unwrap_or("?")), safe(d.version.as_deref().unwrap_or("?")))
                }
                Some(Fetch::Failed(_)) => "(document unknown)".to_string(),
                _ => "…".to_string(),
            };
            let docs: Vec<String> = list.iter().map(|a| doc(&a.id)).collect();
            let doc_w = docs.iter().map(|d| d.chars().count()).max().unwrap_or(0).min(40);
            for (i, a) in list.iter().enumerate().skip(offset).take(room) {
                let selected = i == app.action_selected;
                let pointer = if selected && focused { t.pointer() } else { "  " };
                let style = if selected && focused {
                    t.selected()
                } else if selected {
                    t.title()
                } else {
                    ratatui::style::Style::new()
                };
                lines.push(Line::from(vec![
                    Span::styled(format!("{pointer}{:<name_w$}", safe(&a.name)), style),
                    Span::raw("  "),
                    Span::styled(format!("{:<doc_w$}", docs[i]), t.accent()),
                    Span::raw("  "),
                    Span::styled(safe(a.description.as_deref().unwrap_or("")), t.dim()),
                ]));
            }
        }
    }
    f.render_widget(Paragraph::new(lines), inner);
}
