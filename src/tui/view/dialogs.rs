//! Boxes drawn over the screen: the help (every key of the screen below, from the keymap), the
//! quit confirmation, and copied text to select by hand.

use super::{ViewCx, block, centered, safe, scroll_note};
use crate::tui::keymap::{self, KeyMode, Override};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

/// Every key of `mode` (the screen under the help), the global ones and the config's extra ones.
pub fn help(mode: KeyMode, extra: &[Override], scroll: u16, vcx: &ViewCx, f: &mut Frame, body: Rect) {
    let t = vcx.theme;
    let mut lines = vec![Line::from(Span::styled(format!("Keys: {}", mode.title()), t.title())), Line::default()];
    for b in keymap::bindings(mode).iter().chain(keymap::global()) {
        lines.push(Line::from(vec![Span::styled(format!("  {:<12}", b.label), t.key()), Span::raw(b.help)]));
    }
    for o in extra {
        if let Some(b) = keymap::bindings(mode).iter().find(|b| b.cmd == o.cmd) {
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<12}", safe(&o.label)), t.key()),
                Span::raw(format!("{} (config)", b.help)),
            ]));
        }
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled("  Esc or ? closes this help", t.dim())));
    let total = u16::try_from(lines.len()).unwrap_or(u16::MAX);
    let area = centered(body, 72, total.saturating_add(2));
    // Taller than the screen (80x24): it scrolls, and the title says how.
    let shown = area.height.saturating_sub(2);
    let hidden = total.saturating_sub(shown);
    let scroll = scroll.min(hidden);
    let title = if hidden == 0 {
        " Help ".to_string()
    } else {
        format!(" Help ({}) ", scroll_note(t, scroll, hidden, "↓/PgDn", "↑/PgUp"))
    };
    f.render_widget(Clear, area);
    vcx.hits.push(area, crate::tui::hits::Hit::Text);
    f.render_widget(Paragraph::new(lines).scroll((scroll, 0)).block(block(t, title, true)), area);
}

/// `runs`: in flight, and queued in a batch (those are never sent once sctui quits).
pub fn confirm_quit(runs: (usize, usize), demo: bool, vcx: &ViewCx, f: &mut Frame, body: Rect) {
    let t = vcx.theme;
    let (in_flight, queued) = runs;
    let runs = if in_flight == 1 { "1 run is".to_string() } else { format!("{in_flight} runs are") };
    let queued = match queued {
        0 => String::new(),
        1 => " 1 queued run will not be started.".to_string(),
        n => format!(" {n} queued runs will not be started."),
    };
    // The demo's emulator ends with sctui: its runs cannot go on anywhere.
    let after = if demo {
        "The demo's emulator ends with sctui: they end with it (ABANDONED)."
    } else {
        "They go on in AWS; sctui only stops watching them."
    };
    let lines = vec![
        Line::from(Span::styled(format!("{runs} still in progress.{queued}"), t.warn().add_modifier(Modifier::BOLD))),
        Line::from(after),
        Line::default(),
        yes_no(t, "Quit", "Stay"),
    ];
    let area = centered(body, 72, 6);
    f.render_widget(Clear, area);
    f.render_widget(Paragraph::new(lines).block(block(t, " Quit sctui? ", true)), area);
}

/// "Send it again?" or "Abandon it?" for an uncertain run, saying what each means.
pub fn confirm_decision(run: Option<&crate::tui::runbook::Run>, resend: bool, vcx: &ViewCx, f: &mut Frame, body: Rect) {
    let t = vcx.theme;
    let Some(r) = run else { return };
    let fresh = r.decision.as_ref().is_some_and(|d| d.token_fresh);
    let (title, what, risk) = match (resend, fresh) {
        (false, _) => (
            " Abandon this run? ",
            format!("The journal closes run {} on {}; nothing is sent.", safe(&r.journal_id), safe(&r.product.name)),
            "If it did run, its record stays in the product's history.",
        ),
        (true, true) => (
            " Send it again? ",
            format!("{} on {} is sent again with its own token.", safe(&r.action.name), safe(&r.product.name)),
            "Inside the token window: if the first did arrive, Service Catalog answers with its record.",
        ),
        (true, false) => (
            " Send it again as a new run? ",
            format!("{} on {} is sent as a new run with a new token.", safe(&r.action.name), safe(&r.product.name)),
            "If the first did run, the action runs twice: check the records listed first.",
        ),
    };
    let lines = vec![
        Line::from(Span::raw(what)),
        Line::from(Span::styled(risk, t.warn())),
        Line::default(),
        yes_no(t, "Yes", "No"),
    ];
    let width = body.width.saturating_sub(4).min(96);
    // Every line wrapped to the box, so that the y/n line is never cut off on a narrow screen.
    let area = centered(body, width, wrapped_height(&lines, width));
    f.render_widget(Clear, area);
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(block(t, title, true)), area);
}

/// Esc on a form with changes: drop them?
pub fn confirm_discard(vcx: &ViewCx, f: &mut Frame, body: Rect) {
    let t = vcx.theme;
    let lines = vec![
        Line::from("You changed this form. Going back drops what you changed; nothing has been sent."),
        Line::default(),
        yes_no(t, "Drop the changes", "Keep editing"),
    ];
    let width = body.width.saturating_sub(4).min(72);
    let area = centered(body, width, wrapped_height(&lines, width));
    vcx.hits.push(body, crate::tui::hits::Hit::Modal);
    f.render_widget(Clear, area);
    f.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(block(t, " Drop the changes? ", true)),
        area,
    );
}

/// Stop a run's SSM execution? What it means, and on production the product's name to type.
pub fn confirm_stop(
    run: Option<&crate::tui::runbook::Run>,
    typed: Option<&tui_input::Input>,
    vcx: &ViewCx,
    f: &mut Frame,
    body: Rect,
) {
    let t = vcx.theme;
    let Some(r) = run else { return };
    let execution = match &r.steps {
        Some(crate::tui::runbook::Steps::Ready(a)) => a.automation_execution_id.clone(),
        _ => String::new(),
    };
    let mut lines = vec![
        Line::from(format!(
            "StopAutomationExecution on {} ({} on {}).",
            safe(&execution),
            safe(&r.action.name),
            safe(&r.product.name)
        )),
        Line::from(Span::styled(
            "The step running now is cancelled and the later ones never run; the record ends FAILED.",
            t.warn(),
        )),
        Line::default(),
    ];
    match typed {
        Some(input) => {
            lines.push(Line::from(Span::styled(
                format!("PRODUCTION. Type the product's name ({}) and press Enter:", safe(&r.product.name)),
                t.error(),
            )));
            lines.push(Line::from(vec![Span::raw("  > "), Span::styled(safe(input.value()), t.key())]));
            lines.push(Line::from(Span::styled("  Esc keeps it running.", t.dim())));
        }
        None => lines.push(Line::from(vec![
            Span::raw("  "),
            Span::styled("[ Stop it (Enter) ]", t.key()),
            Span::raw("   "),
            Span::styled("[ Keep it running (Esc) ]", t.key()),
        ])),
    }
    let width = body.width.saturating_sub(4).min(96);
    let area = centered(body, width, wrapped_height(&lines, width));
    f.render_widget(Clear, area);
    f.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(block(t, " Stop the automation? ", true)),
        area,
    );
}

/// Copied text shown to select by hand, when the terminal takes no OSC 52.
pub fn copy(text: &str, vcx: &ViewCx, f: &mut Frame, body: Rect) {
    let t = vcx.theme;
    let lines = vec![
        Line::from(Span::styled("Select the text below to copy it (OSC 52 is off for this terminal):", t.title())),
        Line::default(),
        Line::from(Span::raw(safe(text))),
        Line::default(),
        Line::from(Span::styled("Any key closes this.", t.dim())),
    ];
    // As high as the wrapped text needs (a CLI line is long): nothing of it is cut off.
    let width = body.width.saturating_sub(4);
    let area = centered(body, width, wrapped_height(&lines, width));
    f.render_widget(Clear, area);
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(block(t, " Copy ", true)), area);
}

/// `:login`: the URL and the code, large, the URL with the code and a QR code of it where the
/// screen has room; then how the login ended.
pub fn login(d: &crate::tui::screen::LoginDialog, vcx: &ViewCx, f: &mut Frame, body: Rect) {
    let (prompt, qr, ended) = (d.prompt.as_ref(), &d.qr, d.ended.as_ref());
    let t = vcx.theme;
    let mut lines = Vec::new();
    match prompt {
        None => lines.push(Line::from(Span::styled(
            format!("{} asking IAM Identity Center for a code…", t.spinner(vcx.frame)),
            t.dim(),
        ))),
        Some(p) => {
            lines.push(Line::from(format!("Sign in ({}) for profile {}:", safe(&p.start_url), safe(&p.profile))));
            lines.push(Line::from(vec![
                Span::raw("  1. Open "),
                Span::styled(safe(&p.uri), t.key()),
                Span::raw(" on any device."),
            ]));
            lines.push(Line::from("  2. Enter this code:"));
            let spaced: String = p.user_code.chars().map(|c| format!("{c} ")).collect();
            lines.push(Line::default());
            lines.push(Line::from(Span::styled(format!("      {}", safe(spaced.trim_end())), t.title())));
            lines.push(Line::default());
            if let Some(c) = &p.complete {
                lines.push(Line::from(format!("  Or open {}", safe(c))));
                let room = usize::from(body.width.saturating_sub(6));
                let rows = usize::from(body.height).saturating_sub(lines.len() + 6);
                let widest = qr.iter().map(|l| l.chars().count()).max().unwrap_or(0);
                if !qr.is_empty() && widest <= room && qr.len() <= rows {
                    lines.extend(qr.iter().map(|l| Line::from(l.clone())));
                }
            }
        }
    }
    let end = match ended {
        None if prompt.is_some() => {
            Span::styled("Waiting for the approval… (any key closes this; the sign-in goes on)", t.dim())
        }
        None => Span::raw(""),
        Some(Ok(until)) => Span::styled(format!("Signed in: the session is good until {}", safe(until)), t.ok()),
        Some(Err(e)) => Span::styled(format!("Sign-in failed: {}", safe(e)), t.error()),
    };
    lines.push(Line::default());
    lines.push(Line::from(end));
    let width = body.width.saturating_sub(4);
    let area = centered(body, width, wrapped_height(&lines, width));
    f.render_widget(Clear, area);
    f.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(block(t, " Sign in to IAM Identity Center ", true)),
        area,
    );
}

/// The height of a bordered box `width` wide holding `lines` wrapped as they will be drawn.
fn wrapped_height(lines: &[Line<'static>], width: u16) -> u16 {
    let rows = Paragraph::new(lines.to_vec()).wrap(Wrap { trim: false }).line_count(width.saturating_sub(2));
    u16::try_from(rows + 2).unwrap_or(u16::MAX)
}

/// The last line of a yes/no dialog: two buttons, each with its key (a click presses it).
fn yes_no(t: &crate::tui::theme::Theme, yes: &str, no: &str) -> Line<'static> {
    Line::from(vec![
        Span::raw("  "),
        Span::styled(format!("[ {yes} (y) ]"), t.key()),
        Span::raw("   "),
        Span::styled(format!("[ {no} (n) ]"), t.key()),
        Span::styled("   (Esc is n)", t.dim()),
    ])
}
