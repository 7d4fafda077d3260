//! The review: exactly what will be sent, the token, the AWS CLI line; Cancel is the default, a
//! production run needs the product's name typed. For a batch: every product with its own action
//! and TARGET, the concurrency and what a failure does. Nothing is sent before this screen.

use super::form::fields::{Form, TargetChoice};
use super::form::{FormScreen, header_lines};
use super::run::RunScreen;
use super::{Cx, Fetch, Next, Screen};
use crate::catalog::{Error, Target, find_action};
use crate::domain::{ExecutionParameter, ParameterMap, ProvisionedProduct, ServiceAction};
use crate::runs::batch::BatchPlan;
use crate::runs::cli_equiv;
use crate::tui::effect::Effect;
use crate::tui::keymap::{Cmd, KeyMode};
use crate::tui::runbook::{BatchSummary, NewRun, RunPhase, operator_message};
use crate::tui::screen::browse::ProductList;
use crate::tui::view::{ViewCx, block, fit, hang, label, safe, scrolled, styled};
use crossterm::event::{Event, KeyEvent};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use tui_input::Input;
use tui_input::backend::crossterm::to_input_request;

/// One product of a batch review: its action (found by name on its own version) and the TARGET
/// values Service Catalog will use for it.
#[derive(Debug, Clone)]
pub struct BatchItem {
    pub product: ProvisionedProduct,
    /// Loading until the product version's actions are known; Ready(None): it has no such action.
    pub action: Fetch<Option<ServiceAction>>,
    pub targets: Fetch<Vec<ExecutionParameter>>,
}

/// What the operator chose for a batch.
#[derive(Debug, Clone)]
pub struct BatchChoice {
    pub items: Vec<BatchItem>,
    pub concurrency: usize,
    pub stop_on_failure: bool,
}

impl BatchChoice {
    /// The products that will get a run: those whose version has the action (or not known yet).
    pub fn runnable(&self) -> usize {
        self.items.iter().filter(|i| !matches!(i.action, Fetch::Ready(None) | Fetch::Failed(_))).count()
    }
}

#[derive(Debug, Clone)]
pub struct Review {
    pub token: String,
    pub parameters: Option<ParameterMap>,
    /// The Execute button has the focus; Cancel is the default.
    pub on_execute: bool,
    /// Production: the product's name (for a batch, the number of products), typed to confirm.
    pub confirm: Option<Input>,
    pub batch: Option<BatchChoice>,
    /// How far the details are scrolled (the buttons and the typed confirmation stay in view).
    pub scroll: u16,
    /// Production: the name field has the keys (Enter gave it them). Before, keys are
    /// commands (c copies, j/k scroll), so no stray key is ever typed into the confirmation.
    pub typing: bool,
    /// What SSM says the run would touch (its execution preview).
    pub preview: Preview,
    /// What the config's change calendars say of a production run.
    pub freeze: FreezeCheck,
    /// The reason to run during the freeze (`:override-freeze REASON`).
    pub freeze_reason: Option<String>,
}

/// The change calendars' word on a production run (`freeze_calendars`).
#[derive(Debug, Clone, PartialEq)]
pub enum FreezeCheck {
    /// Not production, or no calendar in the config.
    NotAsked,
    Loading,
    Open,
    /// Closed, or unreadable: the calendars' answer, and what it says for people (made once, not
    /// at every frame).
    Held {
        freeze: crate::runs::freeze::Freeze,
        calendars: Vec<String>,
        text: String,
    },
}

impl FreezeCheck {
    pub fn of(freeze: crate::runs::freeze::Freeze, calendars: &[String]) -> FreezeCheck {
        if !freeze.blocks() {
            return FreezeCheck::Open;
        }
        FreezeCheck::Held { text: freeze.describe(calendars), freeze, calendars: calendars.to_vec() }
    }
}

/// SSM's execution preview of a single run, as the review shows it in one line.
#[derive(Debug, Clone, PartialEq)]
pub enum Preview {
    /// Not asked for: why.
    NotAsked(String),
    Loading,
    Ready(crate::domain::ImpactPreview),
    /// The preview ran and failed, in SSM's words: the run would likely fail the same way.
    Failed(String),
    /// It could not be asked: denied, not offered here, or the call failed.
    Unavailable(String),
}

/// What SSM would be given for a run of `form`: each sent value, and a TARGET left to Service
/// Catalog as the resources it resolves (the product's defaults). AutomationAssumeRole is
/// Service Catalog's to fill.
fn preview_parameters(form: &Form) -> std::collections::BTreeMap<String, Vec<String>> {
    use super::form::fields::Body;
    let mut out = std::collections::BTreeMap::new();
    for field in &form.fields {
        match (field.values(), &field.body) {
            (Some(v), _) => {
                out.insert(field.name.clone(), v);
            }
            (None, Body::Target { defaults, .. }) => {
                out.insert(field.name.clone(), defaults.clone());
            }
            (None, _) => {}
        }
    }
    out
}

/// The review always has the form it came from (Cancel goes back to it).
#[derive(Debug, Clone)]
pub struct ReviewScreen {
    pub form: Box<Form>,
    pub review: Review,
}

/// Ctrl-S on a form without problems: a new token, and for a batch, each product's action.
pub fn open(form: Box<Form>, cx: &mut Cx) -> Next {
    let batch = (!form.batch.is_empty()).then(|| BatchChoice {
        items: form
            .batch
            .iter()
            .map(|p| BatchItem { product: p.clone(), action: Fetch::Loading, targets: Fetch::Loading })
            .collect(),
        concurrency: cx.session.settings.concurrency.min(form.batch.len()).max(1),
        stop_on_failure: false,
    });
    let token = cx.session.next_id();
    let (preview, ask) = match (&batch, &form.definition.name) {
        (Some(_), _) => (Preview::NotAsked("not asked for a batch".into()), None),
        (None, None) => (Preview::NotAsked("the SSM document is not known".into()), None),
        (None, Some(document)) => (
            Preview::Loading,
            Some(Effect::at(
                form.product.cell,
                Effect::LoadPreview {
                    token: token.clone(),
                    document: document.clone(),
                    version: form.definition.version.clone(),
                    parameters: preview_parameters(&form),
                },
            )),
        ),
    };
    // A production run asks the change calendars first, in the (first) production product's account.
    let production = std::iter::once(form.product.cell)
        .chain(form.batch.iter().map(|p| p.cell))
        .find(|c| cx.session.production_at(*c));
    let calendars = cx.session.settings.config.freeze_calendars.clone();
    let (freeze, ask_freeze) = match production {
        Some(cell) if !calendars.is_empty() => {
            (FreezeCheck::Loading, Some(Effect::at(cell, Effect::LoadFreeze { token: token.clone(), calendars })))
        }
        _ => (FreezeCheck::NotAsked, None),
    };
    let review = Review {
        freeze,
        freeze_reason: None,
        token,
        parameters: form.parameters(),
        on_execute: false,
        // Production by the connection, or by the account of the product (or of any product of
        // a batch).
        confirm: (cx.session.production_at(form.product.cell)
            || form.batch.iter().any(|p| cx.session.production_at(p.cell)))
        .then(Input::default),
        batch,
        scroll: 0,
        typing: false,
        preview,
    };
    let mut screen = ReviewScreen { form, review };
    let mut effects = screen.resolve_batch(cx.list);
    effects.extend(ask);
    effects.extend(ask_freeze);
    (Screen::Review(Box::new(screen)), effects)
}

impl ReviewScreen {
    pub fn key_mode(&self) -> KeyMode {
        match (&self.review.confirm, &self.review.batch) {
            (Some(_), _) if self.review.typing => KeyMode::ReviewTyping,
            (Some(_), _) => KeyMode::ReviewConfirm,
            (None, Some(_)) => KeyMode::ReviewBatch,
            (None, None) => KeyMode::Review,
        }
    }

    /// Letters typed into the production confirmation.
    pub fn typed(&mut self, key: KeyEvent) -> bool {
        let Some(input) = self.review.confirm.as_mut().filter(|_| self.review.typing) else { return false };
        let Some(req) = to_input_request(&Event::Key(key)) else { return false };
        input.handle(req).is_some()
    }

    /// The AWS CLI command that sends the same request.
    pub fn copy_text(&self, target: &Target) -> Option<String> {
        matches!(self.key_mode(), KeyMode::Review | KeyMode::ReviewConfirm).then(|| self.cli_line(target))
    }

    pub fn cli_line(&self, target: &Target) -> String {
        let (f, r) = (&self.form, &self.review);
        cli_equiv::execute_command(target, &f.product.id, &f.action.id, &r.token, r.parameters.as_ref())
    }

    /// Finds each batch item's action on its own version; fetches what is missing.
    pub fn resolve_batch(&mut self, list: &mut ProductList) -> Vec<Effect> {
        let mut effects = Vec::new();
        let Some(plan) = self.review.batch.as_mut() else { return effects };
        let name = self.form.action.name.clone();
        for item in plan.items.iter_mut().filter(|i| matches!(i.action, Fetch::Loading)) {
            let Some(key) = crate::tui::screen::browse::actions_key(&item.product) else {
                item.action = Fetch::Ready(None);
                continue;
            };
            let (known, fetch) = list.actions_for(&key);
            match known {
                Some(Fetch::Ready(actions)) => {
                    let found = find_action(actions, &name).cloned();
                    if let Some(a) = &found {
                        let load = Effect::LoadTargets { pp_id: item.product.id.clone(), action_id: a.id.clone() };
                        effects.push(Effect::at(item.product.cell, load));
                    }
                    item.action = Fetch::Ready(found);
                }
                Some(Fetch::Failed(e)) => item.action = Fetch::Failed(e.clone()),
                Some(Fetch::Loading) | None => {}
            }
            effects.extend(fetch);
        }
        effects
    }

    /// The execution preview of this review (an answer for an earlier review is dropped).
    pub fn on_preview(&mut self, token: &str, result: Result<Result<crate::domain::ImpactPreview, String>, Error>) {
        if token != self.review.token {
            return;
        }
        self.review.preview = match result {
            Ok(Ok(p)) => Preview::Ready(p),
            Ok(Err(why)) => Preview::Failed(why),
            Err(e) if e.kind == crate::catalog::ErrorKind::AccessDenied => {
                Preview::Unavailable(format!("not allowed: needs ssm:{}", e.operation))
            }
            Err(e) if e.code.as_deref() == Some("UnknownOperationException") => {
                Preview::Unavailable("not offered by SSM in this region (UnknownOperationException)".into())
            }
            Err(e) => Preview::Unavailable(format!("unavailable: {e}")),
        };
    }

    pub fn on_targets(&mut self, pp_id: &str, result: &Result<Vec<ExecutionParameter>, Error>) {
        let Some(plan) = self.review.batch.as_mut() else { return };
        for item in plan.items.iter_mut().filter(|i| i.product.id == pp_id) {
            item.targets = match result {
                Ok(p) => Fetch::Ready(p.clone()),
                Err(e) => Fetch::Failed(operator_message(e, Some(&item.product.name))),
            };
        }
    }
}

pub fn command(mut s: ReviewScreen, cmd: Cmd, cx: &mut Cx) -> Next {
    match cmd {
        Cmd::Cancel => return (Screen::Form(Box::new(FormScreen::Ready(s.form))), vec![]),
        Cmd::Execute if s.review.batch.is_some() => return start_batch(s, cx),
        Cmd::Execute => return start_run(s, cx),
        Cmd::Open if s.review.on_execute => return start_run(s, cx),
        Cmd::Open => return (Screen::Form(Box::new(FormScreen::Ready(s.form))), vec![]),
        Cmd::Left | Cmd::Right => s.review.on_execute = cmd == Cmd::Right,
        Cmd::Toggle if s.review.confirm.is_some() => s.review.typing = true,
        Cmd::Back => s.review.typing = false,
        Cmd::HalfDown => s.review.scroll = s.review.scroll.saturating_add(5),
        Cmd::HalfUp => s.review.scroll = s.review.scroll.saturating_sub(5),
        // Clamped when drawn: the details never scroll past their end.
        Cmd::Down => s.review.scroll = s.review.scroll.saturating_add(1),
        Cmd::Up => s.review.scroll = s.review.scroll.saturating_sub(1),
        Cmd::PageDown => s.review.scroll = s.review.scroll.saturating_add(10),
        Cmd::PageUp => s.review.scroll = s.review.scroll.saturating_sub(10),
        Cmd::More | Cmd::Less | Cmd::ToggleStop => {
            if let Some(plan) = s.review.batch.as_mut() {
                match cmd {
                    // More at once than there are products means nothing.
                    Cmd::More => plan.concurrency = (plan.concurrency + 1).min(64).min(plan.items.len().max(1)),
                    Cmd::Less => plan.concurrency = plan.concurrency.saturating_sub(1).max(1),
                    _ => plan.stop_on_failure = !plan.stop_on_failure,
                }
            }
        }
        _ => {}
    }
    (Screen::Review(Box::new(s)), vec![])
}

/// The typed confirmation of a production run, if one is asked for and does not match.
fn unconfirmed(review: &Review, expected: &str, what: &str, cx: &mut Cx) -> bool {
    match &review.confirm {
        Some(typed) if typed.value() != expected => {
            cx.session.toast(format!("PRODUCTION: type {expected} {what}to confirm"), true);
            true
        }
        _ => false,
    }
}

/// Held by a change freeze without a reason given (or the calendars not answered yet).
fn frozen(review: &Review, cx: &mut Cx) -> bool {
    match (&review.freeze, &review.freeze_reason) {
        (FreezeCheck::Loading, _) => {
            cx.session.toast("Asking the change calendars first (GetCalendarState); nothing was sent", true);
            true
        }
        (FreezeCheck::Held { text, .. }, None) => {
            let t = format!("FREEZE: {text}: nothing was sent; `:override-freeze REASON` runs it anyway (journaled)");
            cx.session.toast(t, true);
            true
        }
        _ => false,
    }
}

/// The freeze a run starts in, with its reason, as the journal keeps it.
fn overridden(review: &Review) -> Option<crate::runs::journal::FreezeOverride> {
    match (&review.freeze, &review.freeze_reason) {
        (FreezeCheck::Held { freeze, calendars, .. }, Some(reason)) => freeze.overridden(calendars, reason.clone()),
        _ => None,
    }
}

/// Read-only: nothing is sent, and no run is made that would look as if it were going.
fn refused_read_only(cx: &mut Cx) -> bool {
    if cx.session.read_only {
        cx.session.toast(READ_ONLY, true);
    }
    cx.session.read_only
}

const READ_ONLY: &str =
    "READ-ONLY: executing is off (--read-only, the profile's read_only, or no journal); nothing was sent";

fn start_run(s: ReviewScreen, cx: &mut Cx) -> Next {
    if refused_read_only(cx) || unconfirmed(&s.review, &s.form.product.name, "exactly ", cx) || frozen(&s.review, cx) {
        return (Screen::Review(Box::new(s)), vec![]);
    }
    let ReviewScreen { form, review } = s;
    let freeze = overridden(&review);
    let new = NewRun {
        product: form.product.clone(),
        action: form.action.clone(),
        document: form.definition.name.clone(),
        parameters: review.parameters,
        token: review.token,
        journal_id: cx.session.next_id(),
        phase: RunPhase::Submitting,
    };
    let id = cx.runs.add(new, cx.session.now);
    if let Some(r) = cx.runs.get_mut(id) {
        r.freeze = freeze;
    }
    let spec = cx.runs.get(id).map(|r| r.spec());
    let cell = form.product.cell;
    let effects = spec.map(|spec| Effect::at(cell, Effect::Execute { run: id, spec })).into_iter().collect();
    (Screen::Run(RunScreen::of(id)), effects)
}

/// Every product of the batch review becomes a run with its own token; products without the
/// action are shown as not started, with the reason.
fn start_batch(s: ReviewScreen, cx: &mut Cx) -> Next {
    let Some(plan) = s.review.batch.clone() else { return (Screen::Review(Box::new(s)), vec![]) };
    if refused_read_only(cx)
        || unconfirmed(&s.review, &plan.items.len().to_string(), "(the number of products) ", cx)
        || frozen(&s.review, cx)
    {
        return (Screen::Review(Box::new(s)), vec![]);
    }
    let freeze = overridden(&s.review);
    let action_name = s.form.action.name.clone();
    let mut specs = Vec::new();
    let mut ids = Vec::new();
    for item in plan.items {
        let (action, phase) = match &item.action {
            Fetch::Ready(Some(a)) => (a.clone(), RunPhase::Queued),
            other => {
                let why = match other {
                    Fetch::Failed(e) => format!("skipped: {e}"),
                    Fetch::Loading => "skipped: its actions were not known yet when the batch started".into(),
                    _ => format!("skipped: its version has no action {action_name}"),
                };
                (ServiceAction { name: action_name.clone(), ..Default::default() }, RunPhase::NotStarted(why))
            }
        };
        let queued = phase == RunPhase::Queued;
        let new = NewRun {
            product: item.product,
            action,
            document: s.form.definition.name.clone(),
            parameters: s.review.parameters.clone(),
            token: cx.session.next_id(),
            journal_id: cx.session.next_id(),
            phase,
        };
        let id = cx.runs.add(new, cx.session.now);
        ids.push(id);
        if let Some(r) = cx.runs.get_mut(id) {
            r.freeze = freeze.clone();
        }
        if queued && let Some(r) = cx.runs.get(id) {
            specs.push((id, r.spec(), r.product.cell));
        }
    }
    cx.runs.batch = Some(BatchSummary { action: action_name, runs: ids });
    cx.list.marks.clear();
    let plan = BatchPlan { concurrency: plan.concurrency, stop_on_failure: plan.stop_on_failure, wait: true };
    let screen = super::runs::RunsScreen::newest(cx.runs);
    (Screen::Runs(screen), vec![Effect::Batch { runs: specs, plan }])
}

// ---- view ----

pub fn render(s: &ReviewScreen, target: &Target, vcx: &ViewCx, f: &mut Frame, area: Rect) {
    if let Some(plan) = &s.review.batch {
        render_batch(s, plan, vcx, f, area);
        return;
    }
    let t = vcx.theme;
    let (form, review) = (&s.form, &s.review);
    let b = block(t, " Review: nothing has been sent yet ", true);
    let inner = b.inner(area);
    f.render_widget(b, area);
    let mut lines = header_lines(form, inner.width, vcx);
    let width = inner.width as usize;
    if let Some(msg) = &form.product.status_message {
        let style = t.product_status(form.product.status.as_ref());
        lines.extend(hang(Line::from(Span::styled(format!("{:14}{}", "", safe(msg)), style)), width, 14));
    }
    if let Some(warning) = form.product.status.as_ref().and_then(status_warning) {
        let line = Line::from(vec![label(t, "Warning"), Span::styled(warning, t.error())]);
        lines.extend(hang(line, width, 14));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled("Parameters sent", t.title())));
    if form.fields.is_empty() {
        lines.push(Line::from(Span::styled("  (none)", t.dim())));
    }
    // Names in a column as wide as the longest (at most 32), always two spaces from the value.
    let name_w = form.fields.iter().map(|f| crate::validate::width(&safe(&f.name))).max().unwrap_or(0).min(32);
    for field in &form.fields {
        let sent = review.parameters.as_ref().and_then(|p| p.get(&field.name));
        let value = match (sent, field.target_choice()) {
            (Some(v), _) => styled(quoted(v), t.warn()),
            // No resource of the action's target type: the action would run on nothing.
            (None, Some(TargetChoice::Default(0))) => styled(
                "default: the product has no resource of the action's target type: it would act on nothing",
                t.warn(),
            ),
            (None, Some(TargetChoice::Default(n))) => {
                styled(format!("default: resolved by Service Catalog ({n} resources)"), t.ok())
            }
            (None, _) => styled("left empty: not sent (the SSM document's default applies, if it has one)", t.dim()),
        };
        let line = Line::from(vec![Span::raw(format!("  {:<name_w$}  ", safe(&field.name))), value]);
        lines.extend(hang(line, width, name_w + 4));
    }
    lines.push(Line::default());
    lines.extend(hang(preview_line(&review.preview, vcx), width, 14));
    if let Some(f) = freeze_line(review, vcx) {
        lines.extend(hang(f, width, 14));
    }
    lines.push(Line::default());
    let token = Line::from(vec![
        label(t, "ExecuteToken"),
        Span::raw(review.token.clone()),
        Span::styled("  (a retry with this token never runs twice)", t.dim()),
    ]);
    lines.extend(hang(token, width, 14));
    lines.push(Line::default());
    lines.push(Line::from(Span::styled("The same request with the AWS CLI", t.title())));
    lines.push(Line::from(Span::raw(safe(&s.cli_line(target)))));
    let mut decision = vec![Line::default()];
    buttons(s, vcx, &mut decision);
    details_and_decision(lines, decision, s.review.scroll, vcx, f, inner);
}

/// The change calendars' word on a production run, when the config names calendars.
fn freeze_line(review: &Review, vcx: &ViewCx) -> Option<Line<'static>> {
    let t = vcx.theme;
    let (text, style) = match (&review.freeze, &review.freeze_reason) {
        (FreezeCheck::NotAsked, _) => return None,
        (FreezeCheck::Loading, _) => {
            (format!("{} asking the change calendars (GetCalendarState)…", t.spinner(vcx.frame)), t.dim())
        }
        (FreezeCheck::Open, _) => ("change calendars open: no freeze".to_string(), t.ok()),
        (FreezeCheck::Held { text, .. }, None) => (
            format!("FREEZE: {}. `:override-freeze REASON` runs it anyway; the journal keeps the reason", safe(text)),
            t.error(),
        ),
        (FreezeCheck::Held { text, .. }, Some(reason)) => {
            (format!("FREEZE overridden ({}): {}", safe(text), safe(reason)), t.warn())
        }
    };
    Some(Line::from(vec![label(t, "Freeze"), Span::styled(text, style)]))
}

/// SSM's execution preview in one line: what the run would touch and what its steps do.
fn preview_line(preview: &Preview, vcx: &ViewCx) -> Line<'static> {
    let t = vcx.theme;
    let head = label(t, "SSM preview");
    let (text, style) = match preview {
        Preview::NotAsked(why) => (why.clone(), t.dim()),
        Preview::Loading => (format!("{} asking SSM (StartExecutionPreview)…", t.spinner(vcx.frame)), t.dim()),
        Preview::Ready(p) => (impact_text(p), Style::new()),
        Preview::Failed(why) => {
            (format!("SSM's preview failed, and the run would likely fail too: {}", safe(why)), t.error())
        }
        Preview::Unavailable(why) => (safe(why), t.warn()),
    };
    Line::from(vec![head, Span::styled(text, style)])
}

/// `3 AWS::EC2::Instance · 1 account · us-east-1 · steps: 2 change resources, 1 only reads`.
pub fn impact_text(p: &crate::domain::ImpactPreview) -> String {
    let plural = |n: i64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let targets: Vec<String> = p.targets.iter().map(|(kind, n)| format!("{n} {}", safe(kind))).collect();
    let mut parts = vec![if targets.is_empty() { "no target resources".to_string() } else { targets.join(", ") }];
    parts.push(plural(p.accounts, "account", "accounts"));
    if !p.regions.is_empty() {
        parts.push(p.regions.iter().map(|r| safe(r)).collect::<Vec<_>>().join(", "));
    }
    let steps: Vec<String> = p
        .steps
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(kind, n)| match kind.as_str() {
            "Mutating" => plural(*n, "changes resources", "change resources"),
            "NonMutating" => plural(*n, "only reads", "only read"),
            "Undetermined" => plural(*n, "runs code SSM cannot see into", "run code SSM cannot see into"),
            other => format!("{n} {}", safe(other)),
        })
        .collect();
    if !steps.is_empty() {
        parts.push(format!("steps: {}", steps.join(", ")));
    }
    parts.join(" · ")
}

/// The details scroll (↑/↓, PgUp/PgDn) above the decision (buttons, the typed confirmation),
/// which is always in view, whatever the screen's height.
fn details_and_decision(
    details: Vec<Line<'static>>,
    decision: Vec<Line<'static>>,
    scroll: u16,
    vcx: &ViewCx,
    f: &mut Frame,
    inner: Rect,
) {
    let decision = Paragraph::new(decision).wrap(Wrap { trim: false });
    let rows = u16::try_from(decision.line_count(inner.width)).unwrap_or(u16::MAX).min(inner.height);
    let [top, bottom] = Layout::vertical([Constraint::Min(0), Constraint::Length(rows)]).areas::<2>(inner);
    let details = Paragraph::new(details).wrap(Wrap { trim: false });
    scrolled(details, scroll, ("↓/PgDn", "↑/PgUp"), vcx, f, top);
    f.render_widget(decision, bottom);
}

fn buttons(s: &ReviewScreen, vcx: &ViewCx, lines: &mut Vec<Line<'static>>) {
    let t = vcx.theme;
    if let Some(typed) = &s.review.confirm {
        let name = &s.form.product.name;
        let ok = typed.value() == name.as_str();
        lines.push(Line::from(Span::styled(
            format!("PRODUCTION. Type the product's name ({}) and press Enter to execute:", safe(name)),
            t.error(),
        )));
        let mark = if ok { styled("  matches", t.ok()) } else { styled("", t.dim()) };
        if s.review.typing {
            lines.push(Line::from(vec![Span::raw("  > "), Span::styled(safe(typed.value()), t.key()), mark]));
        } else {
            lines.push(Line::from(Span::styled(
                "  Press Enter to start typing (c copies the CLI line first).",
                t.dim(),
            )));
        }
        lines.push(Line::default());
        let cancel = if s.review.typing { "[ Stop typing (Esc) ]" } else { "[ Cancel (n) ]" };
        lines.push(Line::from(vec![Span::raw("  "), Span::styled(cancel, t.key())]));
        return;
    }
    if vcx.read_only {
        lines.push(Line::from(vec![
            Span::raw("  "),
            Span::styled("[ Cancel (n) ]", t.selected()),
            Span::raw("   "),
            Span::styled("Execute is off: READ-ONLY (nothing can be sent; c copies the CLI line)", t.warn()),
        ]));
        return;
    }
    let (cancel, execute) = if s.review.on_execute { (t.key(), t.selected()) } else { (t.selected(), t.key()) };
    lines.push(Line::from(vec![
        Span::raw("  "),
        Span::styled("[ Cancel (n) ]", cancel),
        Span::raw("   "),
        Span::styled("[ Execute (y) ]", execute),
    ]));
}

/// Values as the review lists them: `["i-1", "café"]`. Each is drawn as it is (made safe), not
/// through Rust's Debug, which would write an accent as `\u{301}`.
fn quoted(values: &[String]) -> String {
    let items: Vec<String> = values.iter().map(|v| format!("\"{}\"", safe(v))).collect();
    format!("[{}]", items.join(", "))
}

/// What a product's status means for running an action on it now.
pub fn status_warning(status: &crate::domain::ProductStatus) -> Option<&'static str> {
    use crate::domain::ProductStatus as S;
    match status {
        S::UnderChange | S::PlanInProgress => {
            Some("the product is being changed right now: Service Catalog refuses actions until it is AVAILABLE again")
        }
        S::Error => {
            Some("the product is in ERROR: its last operation failed, and the action may act on a broken stack")
        }
        S::Tainted => Some(
            "the product is TAINTED: its last update did not complete; check that its resources are what you expect",
        ),
        _ => None,
    }
}

/// "1 run", "5 runs".
fn runs_count(n: usize) -> String {
    crate::tui::view::count(n, "run", "runs")
}

fn batch_item_line(item: &BatchItem, vcx: &ViewCx) -> Line<'static> {
    let t = vcx.theme;
    let (action, style) = match &item.action {
        Fetch::Loading => (format!("{} finding the action…", t.spinner(vcx.frame)), t.dim()),
        Fetch::Ready(Some(a)) => (safe(&a.id), Style::new()),
        Fetch::Ready(None) => ("no such action: skipped".to_string(), t.warn()),
        Fetch::Failed(e) => (safe(e), t.error()),
    };
    let target = match (&item.action, &item.targets) {
        (Fetch::Ready(Some(_)), Fetch::Ready(params)) => params
            .iter()
            .filter(|p| p.is_target())
            .map(|p| format!("{}={}", safe(&p.name), safe(&p.default_values.join(", "))))
            .collect::<Vec<_>>()
            .join("  "),
        (Fetch::Ready(Some(_)), Fetch::Loading) => format!("{} resolving TARGET…", t.spinner(vcx.frame)),
        (Fetch::Ready(Some(_)), Fetch::Failed(e)) => safe(e),
        _ => String::new(),
    };
    let mut spans = vec![Span::raw(format!("  {:<28} ", safe(&item.product.name)))];
    // Over a fleet, each product's account and region (a production account in red).
    if let Some(c) = vcx.cell(item.product.cell) {
        let account = crate::tui::view::account_label(c, vcx, false);
        let style = if c.production { t.error() } else { t.accent() };
        spans.push(Span::styled(format!("{:<12} {:<14} ", fit(&account, 12), safe(&c.region)), style));
    }
    spans.push(Span::styled(format!("{action:<24} "), style));
    spans.push(Span::styled(target, t.ok()));
    Line::from(spans)
}

/// Over a fleet: how the batch spreads, `3 accounts, 2 regions: prod ×4 (PRODUCTION), dev ×3`.
fn fleet_spread(plan: &BatchChoice, vcx: &ViewCx) -> Option<Line<'static>> {
    let t = vcx.theme;
    vcx.fleet?;
    let mut accounts: Vec<(&str, &str, bool, usize)> = Vec::new();
    let mut regions: Vec<&str> = Vec::new();
    for item in &plan.items {
        let Some(c) = vcx.cell(item.product.cell) else { continue };
        if !regions.contains(&c.region.as_str()) {
            regions.push(&c.region);
        }
        match accounts.iter_mut().find(|a| a.0 == c.account_id) {
            Some(a) => a.3 += 1,
            None => accounts.push((&c.account_id, &c.account_name, c.production, 1)),
        }
    }
    let plural = |n: usize, one: &str| if n == 1 { format!("1 {one}") } else { format!("{n} {one}s") };
    let mut spans = vec![
        label(t, "Where"),
        Span::raw(format!("{}, {}: ", plural(accounts.len(), "account"), plural(regions.len(), "region"))),
    ];
    for (i, (id, name, production, n)) in accounts.iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw(", "));
        }
        let who = if vcx.presenter { safe(id) } else { safe(name) };
        if *production {
            spans.push(Span::styled(format!("{who} x{n} (PRODUCTION)"), t.error()));
        } else {
            spans.push(Span::styled(format!("{who} x{n}"), t.accent()));
        }
    }
    Some(Line::from(spans))
}

fn render_batch(s: &ReviewScreen, plan: &BatchChoice, vcx: &ViewCx, f: &mut Frame, area: Rect) {
    let t = vcx.theme;
    let title =
        format!(" Review: {} on {} products · nothing has been sent yet ", safe(&s.form.action.name), plan.items.len());
    let b = block(t, title, true);
    let inner = b.inner(area);
    f.render_widget(b, area);
    let width = inner.width as usize;
    let mut lines: Vec<Line<'static>> = Vec::new();
    if let Some(spread) = fleet_spread(plan, vcx) {
        lines.extend(hang(spread, width, 14));
    }
    lines.push(Line::from(Span::styled("Each product gets its own run and ExecuteToken:", t.title())));
    lines.extend(plan.items.iter().flat_map(|item| hang(batch_item_line(item, vcx), width, 31)));
    lines.push(Line::default());
    let sent = match &s.review.parameters {
        None => "none besides TARGET".to_string(),
        Some(p) => p.iter().map(|(k, v)| format!("{}={}", safe(k), quoted(v))).collect::<Vec<_>>().join("  "),
    };
    lines.extend(hang(Line::from(vec![label(t, "Parameters"), Span::styled(sent, t.warn())]), width, 14));
    lines.push(Line::from(vec![
        label(t, "At once"),
        Span::styled(runs_count(plan.concurrency), t.key()),
        Span::styled("  (+/-)", t.dim()),
    ]));
    let stop = if plan.stop_on_failure {
        "stop: nothing more is launched after a failure"
    } else {
        "go on: every product is run"
    };
    lines.push(Line::from(vec![label(t, "On a failure"), Span::styled(stop, t.key()), Span::styled("  (f)", t.dim())]));
    if let Some(f) = freeze_line(&s.review, vcx) {
        lines.extend(hang(f, width, 14));
    }
    let mut decision = vec![Line::default()];
    if let Some(typed) = &s.review.confirm {
        decision.push(Line::from(Span::styled(
            format!("PRODUCTION. Type {} (the number of products) and press Enter to start:", plan.items.len()),
            t.error(),
        )));
        if s.review.typing {
            decision.push(Line::from(vec![Span::raw("  > "), Span::styled(safe(typed.value()), t.key())]));
        } else {
            decision.push(Line::from(Span::styled("  Press Enter to start typing.", t.dim())));
        }
    } else {
        let start = if vcx.read_only {
            Span::styled("Start is off: READ-ONLY (nothing can be sent)", t.warn())
        } else {
            Span::styled(format!("[ Start {} (y) ]", runs_count(plan.runnable())), t.key())
        };
        decision.push(Line::from(vec![
            Span::raw("  "),
            Span::styled("[ Cancel (n) ]", t.selected()),
            Span::raw("   "),
            start,
        ]));
    }
    details_and_decision(lines, decision, s.review.scroll, vcx, f, inner);
}
