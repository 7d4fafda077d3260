//! The parameter form and the review before anything runs.

use super::{block, label, safe, styled};
use crate::domain::ParameterMap;
use crate::tui::app::{App, FormScreen};
use crate::tui::form::{Body, Field, Form, TargetChoice};
use crate::validate;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

fn header_lines(app: &App, form: &Form) -> Vec<Line<'static>> {
    let p = &form.product;
    let d = &form.definition;
    let status = p.status.as_ref().map(|s| s.as_str().to_string()).unwrap_or_default();
    let mut product = vec![label(app, "Product"), Span::raw(format!("{} ({})", safe(&p.name), safe(&p.id)))];
    if let (Some(n), Some(v)) = (&p.product_name, &p.provisioning_artifact_name) {
        product.push(Span::styled(format!(" · {} {}", safe(n), safe(v)), app.theme.dim()));
    }
    product.push(Span::raw(" · "));
    product.push(Span::styled(status, app.theme.product_status(p.status.as_ref())));
    vec![
        Line::from(product),
        Line::from(vec![
            label(app, "Action"),
            Span::raw(format!("{} ({})", safe(&form.action.name), safe(&form.action.id))),
        ]),
        Line::from(vec![
            label(app, "SSM document"),
            Span::raw(format!(
                "{}, version {} · AssumeRole {}",
                safe(d.name.as_deref().unwrap_or("?")),
                safe(d.version.as_deref().unwrap_or("?")),
                safe(d.assume_role.as_deref().unwrap_or("(caller's permissions)"))
            )),
        ]),
    ]
}

/// Where a focused input sits in the list of lines: (line, column of its first character).
struct CursorAt {
    line: usize,
    col: usize,
    offset: usize,
}

fn input_span(field: &Field, width: usize) -> (String, usize) {
    let scroll = field.input.visual_scroll(width);
    let shown: String = field.input.value().chars().skip(scroll).take(width).collect();
    (safe(&shown), field.input.visual_cursor().saturating_sub(scroll))
}

fn field_lines(
    app: &App,
    field: &Field,
    focused: bool,
    width: usize,
    lines: &mut Vec<Line<'static>>,
    cursor: &mut Option<CursorAt>,
) {
    let t = &app.theme;
    let marker = if focused { t.pointer() } else { "  " };
    let name_style = if focused { t.key() } else { t.title() };
    let mut head = vec![
        Span::styled(format!("{marker}{}", safe(&field.name)), name_style),
        Span::styled(format!("  {}", safe(&field.kind)), t.dim()),
    ];
    match field.target_choice() {
        Some(TargetChoice::Default(n)) => head.push(Span::styled(
            format!(
                "   {} sends nothing: Service Catalog's default ({n} resource{})",
                t.arrow(),
                if n == 1 { "" } else { "s" }
            ),
            t.ok(),
        )),
        Some(TargetChoice::Override(v)) => head.push(Span::styled(
            format!("   {} OVERRIDE: sends {} value{}", t.arrow(), v.len(), if v.len() == 1 { "" } else { "s" }),
            t.warn(),
        )),
        None => {
            let n = field.values().map(|v| v.len()).unwrap_or(0);
            head.push(Span::styled(format!("   {n}/{} values", validate::PARAM_VALUES_MAX), t.dim()));
        }
    }
    lines.push(Line::from(head));
    let row_style = |on: bool| if on { t.selected() } else { Style::new() };
    match &field.body {
        Body::Target { defaults, selected, added, cursor: c } => {
            for (j, (d, s)) in defaults.iter().zip(selected).enumerate() {
                let on = focused && *c == j;
                lines.push(Line::from(vec![
                    Span::raw("      "),
                    Span::styled(format!("{} {}", t.checkbox(*s), safe(d)), row_style(on)),
                ]));
            }
            if defaults.is_empty() {
                lines.push(Line::from(Span::styled(
                    "      (the product has no resource of the action's target type)",
                    t.warn(),
                )));
            }
            for (j, a) in added.iter().enumerate() {
                let on = focused && *c == defaults.len() + j;
                lines.push(Line::from(vec![
                    Span::raw("      "),
                    Span::styled(format!("[+] {}  (added; Space removes)", safe(a)), row_style(on)),
                ]));
            }
            let prefix = "      add resource: ";
            let (shown, cur) = input_span(field, width.saturating_sub(prefix.len() + 1));
            if focused && field.on_input() {
                *cursor = Some(CursorAt { line: lines.len(), col: prefix.len(), offset: cur });
            }
            lines.push(Line::from(vec![Span::styled(prefix, t.dim()), Span::raw(shown)]));
        }
        Body::Text { values } => {
            for (j, v) in values.iter().enumerate() {
                lines.push(Line::from(vec![Span::styled(format!("      {}. ", j + 1), t.dim()), Span::raw(safe(v))]));
            }
            let prefix = "      value: ";
            let (shown, cur) = input_span(field, width.saturating_sub(prefix.len() + 12));
            if focused {
                *cursor = Some(CursorAt { line: lines.len(), col: prefix.len(), offset: cur });
            }
            let n = validate::len(field.input.value());
            lines.push(Line::from(vec![
                Span::styled(prefix, t.dim()),
                Span::raw(shown),
                Span::styled(
                    if n > 0 { format!("  {n}/{}", validate::PARAM_VALUE_MAX) } else { String::new() },
                    t.dim(),
                ),
            ]));
        }
    }
    for p in field.problems() {
        lines.push(Line::from(Span::styled(format!("      {} {p}", if t.ascii { "X" } else { "✗" }), t.error())));
    }
    lines.push(Line::default());
}

pub fn form(app: &App, f: &mut Frame, area: Rect) {
    let t = &app.theme;
    let (title, form) = match &app.form {
        Some(FormScreen::Ready(form)) => {
            (format!(" Run {} on {} ", safe(&form.action.name), safe(&form.product.name)), form)
        }
        Some(FormScreen::Loading { product, action }) => {
            let b = block(app, format!(" Run {} on {} ", safe(&action.name), safe(&product.name)), true);
            let text =
                format!("{} loading the action's parameters and Service Catalog's defaults…", t.spinner(app.frame));
            f.render_widget(Paragraph::new(text).block(b), area);
            return;
        }
        Some(FormScreen::Failed { product, action, message }) => {
            let b = block(app, format!(" Run {} on {} ", safe(&action.name), safe(&product.name)), true);
            let lines =
                vec![Line::from(Span::styled(safe(message), t.error())), Line::default(), Line::from("Esc goes back.")];
            f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }).block(b), area);
            return;
        }
        None => return,
    };
    let b = block(app, title, true);
    let inner = b.inner(area);
    f.render_widget(b, area);
    let mut lines = header_lines(app, form);
    if !form.batch.is_empty() {
        let names: Vec<String> = form.batch.iter().take(6).map(|p| safe(&p.name)).collect();
        let more = if form.batch.len() > 6 { format!(" and {} more", form.batch.len() - 6) } else { String::new() };
        lines.push(Line::from(vec![
            label(app, "Batch"),
            Span::styled(format!("{} products: {}{more}", form.batch.len(), names.join(", ")), t.key()),
        ]));
        for name in &form.batch_targets {
            lines.push(Line::from(vec![
                label(app, ""),
                Span::styled(format!("{} (TARGET): resolved by Service Catalog for each product", safe(name)), t.ok()),
            ]));
        }
    }
    lines.push(Line::default());
    let mut cursor = None;
    let mut focus_line = 0;
    for (i, field) in form.fields.iter().enumerate() {
        if i == form.focus {
            focus_line = lines.len();
        }
        field_lines(app, field, i == form.focus, inner.width as usize, &mut lines, &mut cursor);
    }
    if form.fields.is_empty() {
        lines.push(Line::from(Span::styled("  This action takes no parameters.", t.dim())));
        lines.push(Line::default());
    }
    if form.on_button() {
        focus_line = lines.len();
    }
    let button_style = if form.on_button() { t.selected() } else { t.key() };
    lines.push(Line::from(vec![Span::raw("  "), Span::styled("[ Review (Ctrl-S) ]", button_style)]));
    // Keep the focused field (and its input) in view.
    let height = inner.height as usize;
    let want = cursor.as_ref().map(|c| c.line).unwrap_or(focus_line).max(focus_line);
    let offset = (want + 2).saturating_sub(height);
    let visible: Vec<Line> = lines.into_iter().skip(offset).take(height).collect();
    f.render_widget(Paragraph::new(visible), inner);
    if let Some(c) = cursor
        && c.line >= offset
        && c.line < offset + height
    {
        let x = inner.x + (c.col + c.offset) as u16;
        f.set_cursor_position((x.min(inner.right().saturating_sub(1)), inner.y + (c.line - offset) as u16));
    }
}

/// A word for a POSIX shell: quoted unless it is plainly safe.
pub fn sh_quote(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_./:=@,".contains(c)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// The AWS CLI command that sends exactly the same request.
pub fn cli_command(app: &App, pp_id: &str, action_id: &str, token: &str, parameters: Option<&ParameterMap>) -> String {
    let mut words = vec![
        "aws servicecatalog execute-provisioned-product-service-action".to_string(),
        format!("--provisioned-product-id {}", sh_quote(pp_id)),
        format!("--service-action-id {}", sh_quote(action_id)),
        format!("--execute-token {}", sh_quote(token)),
    ];
    if let Some(p) = parameters {
        words.push(format!("--parameters {}", sh_quote(&serde_json::to_string(p).unwrap_or_default())));
    }
    if !app.target.demo {
        if let Some(p) = &app.target.profile {
            words.push(format!("--profile {}", sh_quote(p)));
        }
        if let Some(r) = &app.target.region {
            words.push(format!("--region {}", sh_quote(r)));
        }
    }
    if let Some(e) = &app.target.endpoint {
        words.push(format!("--endpoint-url {}", sh_quote(e)));
    }
    words.join(" ")
}

pub fn review(app: &App, f: &mut Frame, area: Rect) {
    let t = &app.theme;
    let (Some(FormScreen::Ready(form)), Some(review)) = (&app.form, &app.review) else {
        return;
    };
    if let Some(plan) = &review.batch {
        batch_review(app, f, area, form, review, plan);
        return;
    }
    let b = block(app, " Review: nothing has been sent yet ", true);
    let inner = b.inner(area);
    f.render_widget(b, area);
    let mut lines = header_lines(app, form);
    if let Some(msg) = &form.product.status_message {
        lines.push(Line::from(Span::styled(
            format!("{:14}{}", "", safe(msg)),
            t.product_status(form.product.status.as_ref()),
        )));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled("Parameters sent", t.title())));
    if form.fields.is_empty() {
        lines.push(Line::from(Span::styled("  (none)", t.dim())));
    }
    for field in &form.fields {
        let sent = review.parameters.as_ref().and_then(|p| p.get(&field.name));
        let value = match (sent, field.target_choice()) {
            (Some(v), _) => styled(format!("{:?}", v.iter().map(|s| safe(s)).collect::<Vec<_>>()), t.warn()),
            (None, Some(TargetChoice::Default(n))) => {
                styled(format!("default: resolved by Service Catalog ({n} resources)"), t.ok())
            }
            (None, _) => styled("(not sent)", t.dim()),
        };
        lines.push(Line::from(vec![Span::raw(format!("  {:<20}", safe(&field.name))), value]));
    }
    lines.push(Line::default());
    lines.push(Line::from(vec![
        label(app, "ExecuteToken"),
        Span::raw(review.token.clone()),
        Span::styled("  (a retry with this token never runs twice)", t.dim()),
    ]));
    lines.push(Line::default());
    lines.push(Line::from(Span::styled("The same request with the AWS CLI", t.title())));
    lines.push(Line::from(Span::raw(cli_command(
        app,
        &form.product.id,
        &form.action.id,
        &review.token,
        review.parameters.as_ref(),
    ))));
    lines.push(Line::default());
    if let Some(typed) = &review.confirm {
        let name = &form.product.name;
        let ok = typed.value() == name.as_str();
        lines.push(Line::from(Span::styled(
            format!("PRODUCTION. Type the product's name ({}) and press Enter to execute:", safe(name)),
            t.error(),
        )));
        let mark = if ok { styled("  matches", t.ok()) } else { styled("", t.dim()) };
        lines.push(Line::from(vec![Span::raw("  > "), Span::styled(safe(typed.value()), t.key()), mark]));
        lines.push(Line::default());
        lines.push(Line::from(vec![Span::raw("  "), Span::styled("[ Cancel (Esc) ]", t.key())]));
        f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
        return;
    }
    let (cancel, execute) = if review.on_execute { (t.key(), t.selected()) } else { (t.selected(), t.key()) };
    lines.push(Line::from(vec![
        Span::raw("  "),
        Span::styled("[ Cancel (n) ]", cancel),
        Span::raw("   "),
        Span::styled("[ Execute (y) ]", execute),
    ]));
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

fn batch_review(
    app: &App,
    f: &mut Frame,
    area: Rect,
    form: &Form,
    review: &crate::tui::app::Review,
    plan: &crate::tui::app::BatchPlan,
) {
    use crate::tui::app::Fetch;
    let t = &app.theme;
    let title =
        format!(" Review: {} on {} products · nothing has been sent yet ", safe(&form.action.name), plan.items.len());
    let b = block(app, title, true);
    let inner = b.inner(area);
    f.render_widget(b, area);
    let mut lines = vec![Line::from(Span::styled("Each product gets its own run and ExecuteToken:", t.title()))];
    for item in &plan.items {
        let (action, style) = match &item.action {
            Fetch::Loading => (format!("{} finding the action…", t.spinner(app.frame)), t.dim()),
            Fetch::Ready(Some(a)) => (safe(&a.id), Style::new()),
            Fetch::Ready(None) => ("no such action: skipped".to_string(), t.warn()),
            Fetch::Failed(e) => (safe(e), t.error()),
        };
        let target = match (&item.action, &item.targets) {
            (Fetch::Ready(Some(_)), Fetch::Ready(params)) => params
                .iter()
                .filter(|p| p.is_target())
                .map(|p| format!("{}={}", safe(&p.name), safe(&p.default_values.join(","))))
                .collect::<Vec<_>>()
                .join("  "),
            (Fetch::Ready(Some(_)), Fetch::Loading) => format!("{} resolving TARGET…", t.spinner(app.frame)),
            (Fetch::Ready(Some(_)), Fetch::Failed(e)) => safe(e),
            _ => String::new(),
        };
        lines.push(Line::from(vec![
            Span::raw(format!("  {:<28} ", safe(&item.product.name))),
            Span::styled(format!("{action:<24} "), style),
            Span::styled(target, t.ok()),
        ]));
    }
    lines.push(Line::default());
    let sent = match &review.parameters {
        None => "none besides TARGET".to_string(),
        Some(p) => p
            .iter()
            .map(|(k, v)| format!("{}={:?}", safe(k), v.iter().map(|s| safe(s)).collect::<Vec<_>>()))
            .collect::<Vec<_>>()
            .join("  "),
    };
    lines.push(Line::from(vec![label(app, "Parameters"), Span::styled(sent, t.warn())]));
    lines.push(Line::from(vec![
        label(app, "At once"),
        Span::styled(format!("{} runs", plan.concurrency), t.key()),
        Span::styled("  (+/-)", t.dim()),
    ]));
    let stop = if plan.stop_on_failure {
        "stop: nothing more is launched after a failure"
    } else {
        "go on: every product is run"
    };
    lines.push(Line::from(vec![
        label(app, "On a failure"),
        Span::styled(stop, t.key()),
        Span::styled("  (f)", t.dim()),
    ]));
    lines.push(Line::default());
    if let Some(typed) = &review.confirm {
        lines.push(Line::from(Span::styled(
            format!("PRODUCTION. Type {} (the number of products) and press Enter to start:", plan.items.len()),
            t.error(),
        )));
        lines.push(Line::from(vec![Span::raw("  > "), Span::styled(safe(typed.value()), t.key())]));
    } else {
        lines.push(Line::from(vec![
            Span::raw("  "),
            Span::styled("[ Cancel (n) ]", t.selected()),
            Span::raw("   "),
            Span::styled(format!("[ Start {} runs (y) ]", plan.items.len()), t.key()),
        ]));
    }
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_quoting() {
        assert_eq!(sh_quote("pp-abc"), "pp-abc");
        assert_eq!(sh_quote(r#"{"A":["it's"]}"#), r#"'{"A":["it'\''s"]}'"#);
        assert_eq!(sh_quote(""), "''");
        assert_eq!(sh_quote("a b"), "'a b'");
    }
}
