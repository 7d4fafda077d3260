//! One run, live: status, elapsed time, timeline, errors, outputs. The run itself lives in the
//! run book (it goes on whichever screen shows); this screen only says which one it shows.

use super::Fetch;
use super::browse::Browse;
use super::{Cx, Next, Screen};
use crate::tui::action::RunId;
use crate::tui::effect::Effect;
use crate::tui::keymap::Cmd;
use crate::tui::runbook::{Decision, Run, RunBook, RunPhase};
use crate::tui::view::{ViewCx, block, hang, label, safe, scrolled};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunScreen {
    pub id: RunId,
    /// How far the run's details are scrolled (a long RecordError, many outputs).
    pub scroll: u16,
}

impl RunScreen {
    pub fn of(id: RunId) -> RunScreen {
        RunScreen { id, scroll: 0 }
    }

    pub fn copy_text(&self, runs: &RunBook) -> Option<String> {
        runs.get(self.id).and_then(|r| r.record.as_ref()).map(|d| d.record_id.clone())
    }
}

pub fn command(s: RunScreen, cmd: Cmd, cx: &mut Cx) -> Next {
    match cmd {
        Cmd::Back => {
            // Back to the products, as the README says (not to the pane last used).
            cx.list.pane = crate::tui::screen::browse::Pane::Products;
            (Screen::Browse(Browse::default()), vec![])
        }
        Cmd::Rerun => match cx.runs.get(s.id).cloned() {
            Some(r) => super::form::open(r.product, r.action, r.parameters, None),
            None => (Screen::Run(s), vec![]),
        },
        // Several executions fit: ↑/↓ choose one, Enter takes it.
        Cmd::Up | Cmd::Down
            if cx
                .runs
                .get(s.id)
                .is_some_and(|r| matches!(r.steps, Some(crate::tui::runbook::Steps::Choose { .. }))) =>
        {
            cx.runs.select_execution(s.id, cmd == Cmd::Down);
            (Screen::Run(s), vec![])
        }
        Cmd::Open => {
            let effects = cx.runs.pick_execution(s.id).into_iter().collect();
            (Screen::Run(s), effects)
        }
        // An uncertain run's ↑/↓ choose a record; otherwise they scroll (clamped when drawn).
        Cmd::Up | Cmd::Down if cx.runs.get(s.id).is_some_and(|r| r.decision.is_some()) => {
            cx.runs.select_candidate(s.id, cmd == Cmd::Down);
            (Screen::Run(s), vec![])
        }
        Cmd::Up | Cmd::PageUp | Cmd::HalfUp => {
            let step = match cmd {
                Cmd::Up => 1,
                Cmd::HalfUp => 5,
                _ => 10,
            };
            (Screen::Run(RunScreen { scroll: s.scroll.saturating_sub(step), ..s }), vec![])
        }
        Cmd::Down | Cmd::PageDown | Cmd::HalfDown => {
            let step = match cmd {
                Cmd::Down => 1,
                Cmd::HalfDown => 5,
                _ => 10,
            };
            (Screen::Run(RunScreen { scroll: s.scroll.saturating_add(step), ..s }), vec![])
        }
        Cmd::Adopt => {
            let chosen = cx.runs.get(s.id).and_then(|r| r.decision.as_ref()).and_then(|d| match &d.candidates {
                super::Fetch::Ready(list) => list.get(d.selected).map(|c| c.record_id.clone()),
                _ => None,
            });
            let Some(record_id) = chosen else {
                cx.session.toast("No record to adopt: its product's history shows none since the request", true);
                return (Screen::Run(s), vec![]);
            };
            let cell = cx.runs.get(s.id).and_then(|r| r.product.cell);
            let effects = cx
                .runs
                .decided(s.id, RunPhase::Watching)
                .map(|open| Effect::at(cell, Effect::Adopt { run: s.id, open, record_id }))
                .into_iter()
                .collect();
            (Screen::Run(s), effects)
        }
        _ => (Screen::Run(s), vec![]),
    }
}

/// `12s`, `3m05s`, `1h02m`.
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

/// A run's status in words, with a spinner while it goes on and a mark once it ended.
pub fn status_text(r: &Run, vcx: &ViewCx) -> (String, Style) {
    let t = vcx.theme;
    let status = || r.status().map(|s| safe(s.as_str())).unwrap_or_default();
    match &r.phase {
        RunPhase::Submitting => (format!("{} sending the request…", t.spinner(vcx.frame)), t.accent()),
        RunPhase::Queued => ("QUEUED".into(), t.dim()),
        // Left out of a batch at its review, or never launched because the batch stopped.
        RunPhase::NotStarted(why) if why.starts_with("skipped") => ("SKIPPED".into(), t.dim()),
        RunPhase::NotStarted(_) => ("NOT STARTED".into(), t.error()),
        RunPhase::Lost(_) => ("LOST".into(), t.error()),
        RunPhase::Unanswered(_) => ("NO ANSWER".into(), t.error()),
        RunPhase::Unwatched(_) => ("NOT WATCHED".into(), t.warn()),
        RunPhase::Uncertain(_) => ("UNCERTAIN: your decision".into(), t.warn()),
        RunPhase::Abandoned(_) => ("ABANDONED".into(), t.dim()),
        RunPhase::Watching => (format!("{} {}", t.spinner(vcx.frame), status()), t.record_status(r.status())),
        RunPhase::Ended => (format!("{} {}", t.record_mark(r.status()), status()), t.record_status(r.status())),
    }
}

/// How long the run has taken; None for one that never got a record and is no longer going (it
/// did not start, or nobody knows whether it did: no clock is running).
pub fn elapsed(r: &Run, vcx: &ViewCx) -> Option<f64> {
    if !r.in_flight() && r.record.is_none() {
        return None;
    }
    let start = r.record.as_ref().and_then(|d| d.created_time).unwrap_or(r.started);
    let end = if r.in_flight() { vcx.now } else { r.record.as_ref().and_then(|d| d.updated_time).unwrap_or(vcx.now) };
    Some(end.0 - start.0)
}

/// The run's facts, each long one wrapped under its text (`width` columns).
fn facts(r: &Run, width: usize, vcx: &ViewCx) -> Vec<Line<'static>> {
    let t = vcx.theme;
    let (status, style) = status_text(r, vcx);
    let mut head = vec![label(t, "Status"), Span::styled(status, style.add_modifier(Modifier::BOLD))];
    if let Some(e) = elapsed(r, vcx) {
        head.push(Span::styled(format!("   elapsed {}", duration(e)), t.dim()));
    }
    if r.in_flight() && r.record.is_some() {
        head.push(Span::styled(format!(" · in this status for {}", duration(vcx.now.0 - r.since().0)), t.dim()));
    }
    let mut lines = vec![Line::from(head)];
    if let RunPhase::NotStarted(e)
    | RunPhase::Lost(e)
    | RunPhase::Unanswered(e)
    | RunPhase::Unwatched(e)
    | RunPhase::Uncertain(e)
    | RunPhase::Abandoned(e) = &r.phase
    {
        lines.push(Line::from(vec![label(t, "Problem"), Span::styled(safe(e), t.error())]));
    }
    if let Some(j) = &r.unjournaled {
        lines.push(Line::from(vec![label(t, "Journal"), Span::styled(safe(j), t.error())]));
    }
    if let Some(p) = &r.problem {
        lines.push(Line::from(vec![label(t, "Connection"), Span::styled(safe(p), t.warn())]));
    }
    // Expired credentials: the login is offered here, not a command to type elsewhere.
    if r.credentials_expired {
        lines.push(Line::from(vec![
            label(t, "Sign in"),
            Span::styled("[ Log in (L) ]", t.key()),
            Span::styled(
                "  its credentials expired; the run goes on in AWS, and once signed in it is watched again",
                t.warn(),
            ),
        ]));
    }
    let record = match (&r.record, &r.phase) {
        (Some(d), _) => d.record_id.clone(),
        (None, RunPhase::Queued | RunPhase::Submitting | RunPhase::Watching) => "(not yet created)".into(),
        (None, _) => "none: Service Catalog created no record for it".into(),
    };
    lines.push(Line::from(vec![label(t, "Record"), Span::raw(safe(&record))]));
    let product = format!("{} ({})", safe(&r.product.name), safe(&r.product.id));
    lines.push(Line::from(vec![label(t, "Product"), Span::raw(product)]));
    if let Some(c) = vcx.cell(r.product.cell) {
        let place = format!("{} · {}", crate::tui::view::account_label(c, vcx, true), safe(&c.region));
        let style = if c.production { t.error() } else { t.accent() };
        lines.push(Line::from(vec![label(t, "Account"), Span::styled(place, style)]));
    }
    let action = format!("{} · SSM {}", safe(&r.action.name), safe(r.document.as_deref().unwrap_or("?")));
    lines.push(Line::from(vec![label(t, "Action"), Span::raw(action)]));
    if let Some(role) = r.record.as_ref().and_then(|d| d.launch_role_arn.as_deref()) {
        lines.push(Line::from(vec![label(t, "Launch role"), Span::raw(safe(role))]));
    }
    lines.push(Line::from(vec![label(t, "ExecuteToken"), Span::raw(safe(&r.token))]));
    let params = match &r.parameters {
        None => "none sent (Service Catalog's defaults)".to_string(),
        Some(p) => p.iter().map(|(k, v)| format!("{}={}", safe(k), safe(&v.join(", ")))).collect::<Vec<_>>().join("  "),
    };
    lines.push(Line::from(vec![label(t, "Parameters"), Span::raw(params)]));
    lines.into_iter().flat_map(|l| hang(l, width, 14)).collect()
}

/// Service Catalog's launch-role failures read "Access denied while assuming the role": the
/// operator is told which role, and that its trust policy is for the catalog's administrator.
pub fn launch_role_hint(d: &crate::domain::RecordDetail) -> Option<String> {
    let assuming = d
        .record_errors
        .iter()
        .any(|e| e.description.as_deref().is_some_and(|t| t.to_ascii_lowercase().contains("assuming the role")));
    assuming.then(|| {
        let role = d.launch_role_arn.as_deref().map(safe).unwrap_or_else(|| "the product's launch role".into());
        format!(
            "  Service Catalog could not assume {role}: the catalog's administrator must let servicecatalog.amazonaws.com assume it (its trust policy) and grant it what the action needs"
        )
    })
}

/// Several executions fit a run whose record names none: the list to pick from.
fn choose_lines(
    candidates: &[crate::domain::Automation],
    selected: usize,
    vcx: &ViewCx,
    width: usize,
    lines: &mut Vec<Line<'static>>,
) {
    let t = vcx.theme;
    lines.push(Line::from(Span::styled("Steps: which SSM execution is this run's?", t.title())));
    let text = format!(
        "  The record does not name its execution and {} fit (same document, start time and role). sctui does not guess: pick one (↑/↓, Enter).",
        candidates.len()
    );
    lines.extend(hang(Line::from(Span::styled(text, t.warn())), width, 2));
    for (i, c) in candidates.iter().enumerate() {
        let pointer = if i == selected { t.pointer() } else { "  " };
        let style = if i == selected { t.selected() } else { ratatui::style::Style::new() };
        let started = c.execution_start_time.map(|s| s.clock()).unwrap_or_default();
        let status = c.automation_execution_status.as_deref().unwrap_or("?");
        let by = c.executed_by.as_deref().unwrap_or("");
        let line = format!("  {pointer}{}  {started}  {status}  {}", safe(&c.automation_execution_id), safe(by));
        lines.extend(hang(Line::from(Span::styled(line, style)), width, 6));
    }
}

/// The failing step's reason in full, and its FailureDetails.
fn failure_lines(s: &crate::domain::AutomationStep, vcx: &ViewCx, width: usize, lines: &mut Vec<Line<'static>>) {
    let t = vcx.theme;
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(format!("Step {} failed", safe(&s.step_name)), t.error())));
    if let Some(m) = &s.failure_message {
        lines.extend(hang(Line::from(Span::raw(format!("  {}", safe(m)))), width, 2));
    }
    if let Some(d) = &s.failure_details {
        let kind = [d.failure_stage.as_deref(), d.failure_type.as_deref()].into_iter().flatten().collect::<Vec<_>>();
        if !kind.is_empty() {
            lines.push(Line::from(Span::styled(format!("  {}", safe(&kind.join(" · "))), t.dim())));
        }
        // A detail that only repeats the failure message is not shown twice.
        for (k, v) in d.details.iter().filter(|(_, v)| v.first() != s.failure_message.as_ref() || v.len() > 1) {
            let line =
                Line::from(vec![Span::styled(format!("  {}: ", safe(k)), t.dim()), Span::raw(safe(&v.join(", ")))]);
            lines.extend(hang(line, width, 4));
        }
    }
}

/// The SSM Automation behind the run: its steps (name, action, status, start, duration), the
/// failing step's reason in full, and what it put out; or why they cannot be shown.
fn step_lines(r: &Run, vcx: &ViewCx, width: usize, lines: &mut Vec<Line<'static>>) {
    use crate::tui::runbook::Steps;
    let t = vcx.theme;
    let Some(steps) = &r.steps else { return };
    lines.push(Line::default());
    let a = match steps {
        Steps::Loading => {
            lines.push(Line::from(Span::styled("Steps (SSM Automation)", t.title())));
            lines.push(Line::from(Span::styled(format!("  {} reading the execution…", t.spinner(vcx.frame)), t.dim())));
            return;
        }
        Steps::Unavailable(why) => {
            lines.push(Line::from(Span::styled("Steps (SSM Automation)", t.title())));
            lines.extend(hang(Line::from(Span::styled(format!("  {}", safe(why)), t.dim())), width, 4));
            return;
        }
        Steps::Choose { candidates, selected } => {
            choose_lines(candidates, *selected, vcx, width, lines);
            return;
        }
        Steps::Ready(a) => a,
    };
    let status = a.automation_execution_status.as_deref().unwrap_or("?");
    let title = format!(
        "Steps (SSM Automation {} · {} · {})",
        safe(&a.automation_execution_id),
        safe(a.document_name.as_deref().unwrap_or("?")),
        safe(status)
    );
    lines.extend(hang(Line::from(Span::styled(title, t.title())), width, 2));
    let name_w = a.step_executions.iter().map(|s| s.step_name.chars().count()).max().unwrap_or(0).min(32);
    let action_w =
        a.step_executions.iter().map(|s| s.action.as_deref().unwrap_or("").chars().count()).max().unwrap_or(0).min(30);
    for s in &a.step_executions {
        let st = s.step_status.as_deref().unwrap_or("?");
        let (mark, style) = match st {
            "Success" => (if t.ascii { "+" } else { "✓" }, t.ok()),
            "Failed" | "TimedOut" => (if t.ascii { "x" } else { "✗" }, t.error()),
            "Cancelled" | "Cancelling" => ("-", t.warn()),
            "InProgress" | "Pending" | "Waiting" => (t.spinner(vcx.frame), t.accent()),
            _ => (" ", ratatui::style::Style::new()),
        };
        let started = s.execution_start_time.map(|x| x.clock()).unwrap_or_default();
        let took = match (s.execution_start_time, s.execution_end_time) {
            (Some(b), Some(e)) => duration(e.0 - b.0),
            (Some(b), None) => duration(vcx.now.0 - b.0),
            _ => String::new(),
        };
        lines.push(Line::from(vec![
            Span::styled(format!("  {mark} "), style),
            Span::raw(format!("{:<name_w$}  ", safe(&s.step_name))),
            Span::styled(format!("{:<action_w$}  ", safe(s.action.as_deref().unwrap_or(""))), t.dim()),
            Span::styled(format!("{st:<10}"), style),
            Span::styled(format!("  {started}  {took}"), t.dim()),
        ]));
    }
    if let Some(s) = a.failed_step() {
        failure_lines(s, vcx, width, lines);
    }
    if !a.outputs.is_empty() {
        lines.push(Line::from(Span::styled("  Execution outputs", t.dim())));
        for (k, v) in &a.outputs {
            let line =
                Line::from(vec![Span::styled(format!("    {} = ", safe(k)), t.dim()), Span::raw(safe(&v.join(", ")))]);
            lines.extend(hang(line, width, 6));
        }
    }
}

/// The record's errors, outputs and tags; long ones wrap under their text (`width` columns).
fn record_lines(r: &Run, vcx: &ViewCx, width: usize, lines: &mut Vec<Line<'static>>) {
    let t = vcx.theme;
    let Some(d) = &r.record else { return };
    if !d.record_errors.is_empty() {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled("Errors (RecordErrors)", t.error())));
        for e in &d.record_errors {
            let line = Line::from(vec![
                Span::styled(format!("  {}: ", safe(e.code.as_deref().unwrap_or("Error"))), t.error()),
                Span::raw(safe(e.description.as_deref().unwrap_or(""))),
            ]);
            lines.extend(hang(line, width, 4));
        }
        if let Some(hint) = launch_role_hint(d) {
            lines.push(Line::from(Span::styled(hint, t.warn())));
        }
    }
    if !r.outputs.is_empty() {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled("Outputs (RecordOutputs)", t.title())));
        for o in &r.outputs {
            let line = Line::from(vec![
                Span::styled(format!("  {} = ", safe(o.output_key.as_deref().unwrap_or("?"))), t.dim()),
                Span::raw(safe(o.output_value.as_deref().unwrap_or(""))),
            ]);
            lines.extend(hang(line, width, 4));
        }
    }
    if !d.record_tags.is_empty() {
        lines.push(Line::default());
        let tags =
            d.record_tags.iter().map(|t| format!("{}={}", safe(&t.key), safe(&t.value))).collect::<Vec<_>>().join("  ");
        lines.extend(hang(Line::from(vec![label(t, "Tags"), Span::raw(tags)]), width, 14));
    }
}

/// An uncertain run's choices: the records its product's history shows since the request.
fn decision_lines(d: &Decision, vcx: &ViewCx, lines: &mut Vec<Line<'static>>) {
    let t = vcx.theme;
    lines.push(Line::default());
    lines.push(Line::from(Span::styled("Decide: nothing is sent until you choose", t.title())));
    match &d.candidates {
        Fetch::Loading => lines.push(Line::from(Span::styled(
            format!("  {} reading the product's history…", t.spinner(vcx.frame)),
            t.dim(),
        ))),
        Fetch::Failed(e) => lines
            .push(Line::from(Span::styled(format!("  Could not read the product's history: {}", safe(e)), t.error()))),
        Fetch::Ready(list) if list.is_empty() => lines.push(Line::from(Span::styled(
            "  The product's history shows no action record since the request: it most likely never ran.",
            t.dim(),
        ))),
        Fetch::Ready(list) => {
            lines.push(Line::from(Span::styled("  Action records of the product since the request:", t.dim())));
            for (i, rec) in list.iter().enumerate() {
                let pointer = if i == d.selected { t.pointer() } else { "  " };
                let style = if i == d.selected { t.selected() } else { Style::new() };
                let when = rec.created_time.map(|c| c.short()).unwrap_or_else(|| t.none().into());
                let status = rec.status.as_ref().map(|s| s.as_str().to_string()).unwrap_or_else(|| t.none().into());
                lines.push(Line::from(Span::styled(
                    format!("  {pointer}{}  {when}  {}", safe(&rec.record_id), safe(&status)),
                    style,
                )));
            }
        }
    }
    let resend = if d.token_fresh {
        "s sends it again with its own token (still inside the token window: it cannot run twice)"
    } else {
        "s sends it again as a new run with a new token (it may run twice if the first did run)"
    };
    lines.push(Line::from(Span::styled(format!("  a adopts the selected record · {resend} · x abandons it"), t.dim())));
}

pub fn render(s: &RunScreen, runs: &RunBook, vcx: &ViewCx, f: &mut Frame, area: Rect) {
    let t = vcx.theme;
    let Some(r) = runs.get(s.id) else { return };
    let resumed = if r.resumed { " · resumed from the journal" } else { "" };
    let title = format!(" Run {} · {} on {}{resumed} ", r.id.0, safe(&r.action.name), safe(&r.product.name));
    let b = block(t, title, true);
    let inner = b.inner(area);
    f.render_widget(b, area);
    let mut lines = facts(r, inner.width as usize, vcx);
    if let Some(d) = &r.decision {
        decision_lines(d, vcx, &mut lines);
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled("Timeline", t.title())));
    if r.timeline.is_empty() {
        let none = if r.in_flight() { "  (waiting for Service Catalog)" } else { "  (no record: no status to show)" };
        lines.push(Line::from(Span::styled(none, t.dim())));
    }
    for (at, s) in &r.timeline {
        lines.push(Line::from(vec![
            Span::styled(format!("  {}  ", at.clock()), t.dim()),
            Span::styled(safe(s.as_str()), t.record_status(Some(s))),
        ]));
    }
    step_lines(r, vcx, inner.width as usize, &mut lines);
    record_lines(r, vcx, inner.width as usize, &mut lines);
    let p = Paragraph::new(lines).wrap(Wrap { trim: false });
    scrolled(p, s.scroll, ("↓/j, PgDn", "↑/k, PgUp"), vcx, f, inner);
}

#[cfg(test)]
mod tests {
    use crate::domain::{RecordDetail, RecordError};

    #[test]
    fn a_launch_role_failure_names_the_role_and_who_can_fix_it() {
        let error = |d: &str| RecordError { code: Some("AccessDenied".into()), description: Some(d.into()) };
        let mut d = RecordDetail {
            record_errors: vec![error("Access denied while assuming the role arn:aws:iam::1:role/x.")],
            launch_role_arn: Some("arn:aws:iam::123456789012:role/SC-launch-role".into()),
            ..Default::default()
        };
        let hint = super::launch_role_hint(&d).unwrap();
        assert!(hint.contains("could not assume arn:aws:iam::123456789012:role/SC-launch-role"), "{hint}");
        assert!(hint.contains("servicecatalog.amazonaws.com"), "{hint}");
        d.launch_role_arn = None;
        assert!(super::launch_role_hint(&d).unwrap().contains("the product's launch role"));
        d.record_errors = vec![error("Step 'StopInstance' failed")];
        assert_eq!(super::launch_role_hint(&d), None);
    }
}
