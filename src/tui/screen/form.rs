//! The parameter form: loading the action's parameters and Service Catalog's defaults, the
//! fields (a TARGET checklist, text values), the keys, and its view. Ctrl-S goes to the review.

pub mod fields;

use super::browse::{Browse, Pane};
use super::{Cx, Next, Screen};
use crate::catalog::Error;
use crate::domain::{ActionDefinition, ExecutionParameter, ParameterMap, ProvisionedProduct, ServiceAction};
use crate::tui::effect::Effect;
use crate::tui::keymap::{Cmd, KeyMode};
use crate::tui::runbook::operator_message;
use crate::tui::view::{ViewCx, block, hang, label, safe};
use crate::validate;
use crossterm::event::{Event, KeyCode, KeyEvent};
use fields::{Body, Field, Form, TargetChoice};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use tui_input::backend::crossterm::to_input_request;

#[derive(Debug, Clone)]
pub enum FormScreen {
    /// The parameters are being read; what the form will be filled with comes with it.
    Loading {
        product: ProvisionedProduct,
        action: ServiceAction,
        /// Values of an earlier run (a re-run).
        prefill: Option<ParameterMap>,
        /// The marked products the form is for (a batch).
        batch: Option<Vec<ProvisionedProduct>>,
    },
    Failed {
        product: ProvisionedProduct,
        action: ServiceAction,
        message: String,
    },
    Ready(Box<Form>),
}

/// The form of `action` on `product`: its parameters are loaded first.
pub fn open(
    product: ProvisionedProduct,
    action: ServiceAction,
    prefill: Option<ParameterMap>,
    batch: Option<Vec<ProvisionedProduct>>,
) -> Next {
    let load = Effect::LoadForm { pp_id: product.id.clone(), action_id: action.id.clone() };
    let effect = Effect::at(product.cell, load);
    (Screen::Form(Box::new(FormScreen::Loading { product, action, prefill, batch })), vec![effect])
}

impl FormScreen {
    pub fn key_mode(&self) -> KeyMode {
        match self {
            FormScreen::Ready(f) if f.asking_discard => KeyMode::ConfirmDiscard,
            FormScreen::Ready(f) => match f.focused() {
                None => KeyMode::FormButton,
                Some(field) if field.on_input() => KeyMode::FormText,
                Some(_) => KeyMode::FormChecklist,
            },
            _ => KeyMode::FormButton,
        }
    }

    /// The parameters arrived: the form, filled as asked, or why it cannot be shown.
    pub fn loaded(
        self,
        pp_id: &str,
        action_id: &str,
        result: Result<(Vec<ExecutionParameter>, ActionDefinition), Error>,
        definition_missing: Option<String>,
    ) -> FormScreen {
        let FormScreen::Loading { product, action, prefill, batch } = self else { return self };
        if product.id != pp_id || action.id != action_id {
            return FormScreen::Loading { product, action, prefill, batch };
        }
        match result {
            Ok((params, definition)) => {
                let mut form = Form::new(product, action, definition, &params);
                form.definition_missing = definition_missing;
                for f in &mut form.fields {
                    f.describe(form.definition.document_parameters.iter().find(|d| d.name == f.name).cloned());
                }
                if let Some(values) = prefill {
                    form.prefill(&values);
                }
                if let Some(products) = batch {
                    form = form.for_batch(products);
                }
                form.baseline = form.parameters();
                FormScreen::Ready(Box::new(form))
            }
            Err(e) => {
                let message = operator_message(&e, Some(&product.name));
                FormScreen::Failed { product, action, message }
            }
        }
    }

    /// A key typed into the focused input; Backspace in an empty one takes back the last value.
    pub fn typed(&mut self, key: KeyEvent) -> bool {
        let FormScreen::Ready(form) = self else { return false };
        let Some(field) = form.focused_mut().filter(|f| f.on_input()) else { return false };
        if key.code == KeyCode::Backspace && field.input.value().is_empty() {
            return field.pop_value();
        }
        let Some(req) = to_input_request(&Event::Key(key)) else { return false };
        field.input.handle(req).is_some()
    }

    /// Pasted text goes into the focused field, one value per line.
    pub fn paste(&mut self, text: &str) -> bool {
        let FormScreen::Ready(form) = self else { return false };
        let Some(field) = form.focused_mut() else { return false };
        if !field.on_input() {
            while field.cursor_down() {}
        }
        field.paste(text);
        true
    }
}

pub fn command(mut state: FormScreen, cmd: Cmd, cx: &mut Cx) -> Next {
    // Esc while typing on a TARGET's add line stops typing; the form stays.
    if cmd == Cmd::Back
        && let FormScreen::Ready(form) = &mut state
        && let Some(f) = form.focused_mut()
        && f.is_target()
        && f.stop_editing()
    {
        return (Screen::Form(Box::new(state)), vec![]);
    }
    // "Drop the changes?": y goes back to the actions, n stays.
    if let FormScreen::Ready(form) = &mut state
        && form.asking_discard
    {
        form.asking_discard = false;
        if cmd == Cmd::Execute {
            cx.list.pane = Pane::Actions;
            return (Screen::Browse(Browse::default()), vec![]);
        }
        return (Screen::Form(Box::new(state)), vec![]);
    }
    if cmd == Cmd::Back {
        if let FormScreen::Ready(form) = &mut state
            && form.edited()
        {
            form.asking_discard = true;
            return (Screen::Form(Box::new(state)), vec![]);
        }
        cx.list.pane = Pane::Actions;
        return (Screen::Browse(Browse::default()), vec![]);
    }
    let FormScreen::Ready(mut form) = state else { return (Screen::Form(Box::new(state)), vec![]) };
    match cmd {
        Cmd::NextField => form.next(),
        Cmd::PrevField => form.prev(),
        Cmd::Up => {
            if let Some(f) = form.focused_mut()
                && !f.cursor_up()
            {
                form.prev();
            }
        }
        Cmd::Down => {
            if let Some(f) = form.focused_mut()
                && !f.cursor_down()
            {
                form.next();
            }
        }
        Cmd::Toggle => {
            if let Some(f) = form.focused_mut() {
                f.toggle_or_add();
            }
        }
        Cmd::ResetTarget => {
            if let Some(f) = form.focused_mut() {
                f.reset_target();
            }
        }
        Cmd::Review => {
            if let Some((field, problem)) = form.problems().first() {
                cx.session.toast(format!("{field}: {problem}"), true);
            } else {
                return super::review::open(form, cx);
            }
        }
        _ => {}
    }
    (Screen::Form(Box::new(FormScreen::Ready(form))), vec![])
}

// ---- view ----

/// The product, the action and its SSM document: the top of the form and of the review.
pub fn header_lines(form: &Form, width: u16, vcx: &ViewCx) -> Vec<Line<'static>> {
    let t = vcx.theme;
    let p = &form.product;
    let d = &form.definition;
    let status = p.status.as_ref().map(|s| safe(s.as_str())).unwrap_or_default();
    let mut product = vec![label(t, "Product"), Span::raw(format!("{} ({})", safe(&p.name), safe(&p.id)))];
    if let (Some(n), Some(v)) = (&p.product_name, &p.provisioning_artifact_name) {
        product.push(Span::styled(format!(" · {} {}", safe(n), safe(v)), t.dim()));
    }
    product.push(Span::raw(" · "));
    product.push(Span::styled(status, t.product_status(p.status.as_ref())));
    let width = usize::from(width);
    // Over a fleet, where it runs comes first and large: the account and region.
    let mut lines: Vec<Line<'static>> = crate::tui::view::place_banner(p.cell, vcx).into_iter().collect();
    lines.extend(hang(Line::from(product), width, 14));
    lines.extend(hang(
        Line::from(vec![
            label(t, "Action"),
            Span::raw(format!("{} ({})", safe(&form.action.name), safe(&form.action.id))),
        ]),
        width,
        14,
    ));
    // The action's description in full: it is often the only word on what the action does.
    if let Some(text) = form.action.description.as_deref().filter(|d| !d.trim().is_empty()) {
        lines.extend(hang(Line::from(vec![label(t, "Description"), Span::raw(safe(text))]), width, 14));
    }
    let document = match &form.definition_missing {
        Some(why) => Line::from(vec![label(t, "SSM document"), Span::styled(safe(why), t.warn())]),
        None => Line::from(vec![
            label(t, "SSM document"),
            Span::raw(format!(
                "{}, version {} · AssumeRole {}",
                safe(d.name.as_deref().unwrap_or("?")),
                safe(d.version.as_deref().unwrap_or("?")),
                safe(d.assume_role.as_deref().unwrap_or("(caller's permissions)"))
            )),
        ]),
    };
    lines.extend(hang(document, width, 14));
    // Without DescribeDocument nothing is known of the parameters; without GetDocument, their
    // allowed values and patterns.
    let missing = d.document_missing.as_ref().or(d.content_missing.as_ref());
    if form.definition_missing.is_none()
        && let Some(why) = missing
    {
        let line = Line::from(vec![label(t, "Parameters"), Span::styled(safe(why), t.warn())]);
        lines.extend(hang(line, width, 14));
    }
    lines
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

fn field_head(field: &Field, focused: bool, vcx: &ViewCx) -> Line<'static> {
    let t = vcx.theme;
    let marker = if focused { t.pointer() } else { "  " };
    let name_style = if focused { t.key() } else { t.title() };
    let mut head = vec![
        Span::styled(format!("{marker}{}", safe(&field.name)), name_style),
        Span::styled(format!("  {}", safe(field.kind.as_str())), t.dim()),
    ];
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    match field.target_choice() {
        Some(TargetChoice::Default(n)) => head.push(Span::styled(
            format!("   {} sends nothing: Service Catalog's default ({n} resource{})", t.arrow(), plural(n)),
            t.ok(),
        )),
        Some(TargetChoice::Override(v)) => head.push(Span::styled(
            format!("   {} OVERRIDE: sends {} value{}", t.arrow(), v.len(), plural(v.len())),
            t.warn(),
        )),
        None if field.is_choice() => match field.values() {
            None => head.push(Span::styled(
                format!("   {} sends nothing: the SSM document's default applies", t.arrow()),
                t.ok(),
            )),
            Some(v) => head.push(Span::styled(format!("   {} sends {}", t.arrow(), safe(&v.join(", "))), t.dim())),
        },
        None => {
            let n = field.values().map(|v| v.len()).unwrap_or(0);
            head.push(Span::styled(format!("   {n}/{} values", validate::PARAM_VALUES_MAX), t.dim()));
        }
    }
    Line::from(head)
}

/// What the SSM document says of a field: type, required or its default, pattern, description.
fn doc_lines(field: &Field, width: usize, vcx: &ViewCx, lines: &mut Vec<Line<'static>>) {
    let t = vcx.theme;
    if let Some(d) = &field.doc {
        let need = match &d.default {
            _ if field.is_target() => "Service Catalog fills it".to_string(),
            _ if field.required() => "required".to_string(),
            Some(v) if v.is_empty() => "optional".to_string(),
            Some(v) => format!("default {}", safe(v)),
            None => "optional".to_string(),
        };
        let pattern = match &field.pattern {
            Some(Ok(re)) => format!(" · pattern {}", safe(re.as_str())),
            Some(Err(why)) => format!(" · pattern not checked here ({why})"),
            None => String::new(),
        };
        let text = format!("    {} · {need}{pattern} · {}", safe(&d.kind), safe(&d.description));
        let missing = !field.is_target() && field.required() && field.values().is_none_or(|v| v.is_empty());
        let style = if missing { t.warn() } else { t.dim() };
        lines.extend(crate::tui::view::hang(Line::from(Span::styled(text, style)), width, 6));
    }
}

fn field_lines(
    field: &Field,
    focused: bool,
    width: usize,
    vcx: &ViewCx,
    lines: &mut Vec<Line<'static>>,
    cursor: &mut Option<CursorAt>,
) {
    let t = vcx.theme;
    lines.push(field_head(field, focused, vcx));
    doc_lines(field, width, vcx, lines);
    let row_style = |on: bool| if on { t.selected() } else { Style::new() };
    match &field.body {
        Body::Target { defaults, selected, added, cursor: c } => {
            for (j, (d, s)) in defaults.iter().zip(selected).enumerate() {
                let on = focused && *c == j;
                let text = format!("{} {}", t.checkbox(*s), safe(d));
                lines.push(Line::from(vec![Span::raw("      "), Span::styled(text, row_style(on))]));
            }
            if defaults.is_empty() {
                let text = "      (the product has no resource of the action's target type)";
                lines.push(Line::from(Span::styled(text, t.warn())));
            }
            for (j, a) in added.iter().enumerate() {
                let on = focused && *c == defaults.len() + j;
                let text = format!("[+] {}  (added; Space removes)", safe(a));
                lines.push(Line::from(vec![Span::raw("      "), Span::styled(text, row_style(on))]));
            }
            if field.editing {
                let prefix = "      add resource: ";
                let (shown, cur) = input_span(field, width.saturating_sub(prefix.len() + 1));
                if focused && field.on_input() {
                    *cursor = Some(CursorAt { line: lines.len(), col: prefix.len(), offset: cur });
                }
                let hint = if t.ascii { "  (Enter adds it, Esc stops)" } else { "  (Enter adds it · Esc stops)" };
                lines.push(Line::from(vec![
                    Span::styled(prefix, t.dim()),
                    Span::raw(shown),
                    Span::styled(hint, t.dim()),
                ]));
            } else {
                let on = focused && field.on_add_line();
                let text = "[+] add a resource (Enter)";
                lines.push(Line::from(vec![Span::raw("      "), Span::styled(text, row_style(on))]));
            }
        }
        Body::Choice { options, selected, multi, cursor: c } => {
            let allowed = field.doc.as_ref().map(|d| d.allowed_values.as_slice()).unwrap_or_default();
            for (j, (o, s)) in options.iter().zip(selected).enumerate() {
                let on = focused && *c == j;
                let mark = if *multi { t.checkbox(*s) } else { t.radio(*s) };
                let note = if allowed.contains(o) { "" } else { "  (not allowed by the document)" };
                let text = format!("{mark} {}{note}", safe(o));
                lines.push(Line::from(vec![Span::raw("      "), Span::styled(text, row_style(on))]));
            }
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
            let count = if n > 0 { format!("  {n}/{}", validate::PARAM_VALUE_MAX) } else { String::new() };
            lines.push(Line::from(vec![Span::styled(prefix, t.dim()), Span::raw(shown), Span::styled(count, t.dim())]));
        }
    }
    for p in field.problems() {
        let line = Line::from(Span::styled(format!("      {} {p}", if t.ascii { "X" } else { "✗" }), t.error()));
        lines.extend(hang(line, width, 8));
    }
    lines.push(Line::default());
}

fn batch_lines(form: &Form, vcx: &ViewCx, lines: &mut Vec<Line<'static>>) {
    let t = vcx.theme;
    let names: Vec<String> = form.batch.iter().take(6).map(|p| safe(&p.name)).collect();
    let more = if form.batch.len() > 6 { format!(" and {} more", form.batch.len() - 6) } else { String::new() };
    lines.push(Line::from(vec![
        label(t, "Batch"),
        Span::styled(format!("{} products: {}{more}", form.batch.len(), names.join(", ")), t.key()),
    ]));
    for name in &form.batch_targets {
        lines.push(Line::from(vec![
            label(t, ""),
            Span::styled(format!("{} (TARGET): resolved by Service Catalog for each product", safe(name)), t.ok()),
        ]));
    }
}

pub fn render(state: &FormScreen, vcx: &ViewCx, f: &mut Frame, area: Rect) {
    let t = vcx.theme;
    let title = |action: &ServiceAction, product: &ProvisionedProduct| {
        format!(" Run {} on {} ", safe(&action.name), safe(&product.name))
    };
    let form = match state {
        FormScreen::Ready(form) => form,
        FormScreen::Loading { product, action, .. } => {
            let text =
                format!("{} loading the action's parameters and Service Catalog's defaults…", t.spinner(vcx.frame));
            f.render_widget(Paragraph::new(text).block(block(t, title(action, product), true)), area);
            return;
        }
        FormScreen::Failed { product, action, message } => {
            let lines =
                vec![Line::from(Span::styled(safe(message), t.error())), Line::default(), Line::from("Esc goes back.")];
            let b = block(t, title(action, product), true);
            f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }).block(b), area);
            return;
        }
    };
    let title = if form.batch.is_empty() {
        title(&form.action, &form.product)
    } else {
        format!(" Run {} on {} products (a batch) ", safe(&form.action.name), form.batch.len())
    };
    let b = block(t, title, true);
    let inner = b.inner(area);
    f.render_widget(b, area);
    let mut lines = header_lines(form, inner.width, vcx);
    if !form.batch.is_empty() {
        batch_lines(form, vcx, &mut lines);
    }
    lines.push(Line::default());
    let mut cursor = None;
    let mut focus_line = 0;
    // Where each field's lines are, for the mouse: (first line, end).
    let mut spans = Vec::with_capacity(form.fields.len());
    for (i, field) in form.fields.iter().enumerate() {
        if i == form.focus {
            focus_line = lines.len();
        }
        let first = lines.len();
        field_lines(field, i == form.focus, inner.width as usize, vcx, &mut lines, &mut cursor);
        spans.push((first, lines.len()));
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
    // A click on a field's lines gives it the focus; the wheel moves through the fields.
    vcx.hits.push(inner, crate::tui::hits::Hit::Pane(crate::tui::hits::List::Fields));
    for (i, (first, end)) in spans.into_iter().enumerate() {
        let (top, bottom) = (first.max(offset), end.min(offset + height));
        if top < bottom {
            let area = Rect { y: inner.y + (top - offset) as u16, height: (bottom - top) as u16, ..inner };
            vcx.hits.push(area, crate::tui::hits::Hit::Row(crate::tui::hits::List::Fields, i));
        }
    }
    if let Some(c) = cursor
        && c.line >= offset
        && c.line < offset + height
    {
        let x = inner.x + (c.col + c.offset) as u16;
        f.set_cursor_position((x.min(inner.right().saturating_sub(1)), inner.y + (c.line - offset) as u16));
    }
    if form.asking_discard {
        crate::tui::view::dialogs::confirm_discard(vcx, f, area);
    }
}
