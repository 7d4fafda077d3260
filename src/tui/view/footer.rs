//! The bottom line: the palette or the filter being typed, else a message, else the main keys of
//! the screen (from the keymap, so it can never disagree with what the keys do).

use super::{ViewCx, safe};
use crate::tui::keymap::{self, Cmd, KeyMode};
use crate::tui::session::Toast;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use tui_input::Input;

/// The footer's word for a command, in the key table `mode`.
fn short(mode: KeyMode, cmd: Cmd) -> &'static str {
    match (mode, cmd) {
        (KeyMode::ConfirmQuit, Cmd::Execute) => return "quit",
        (KeyMode::ConfirmQuit, Cmd::Cancel) => return "stay",
        (KeyMode::ConfirmDecision, Cmd::Execute) => return "yes",
        (KeyMode::ConfirmDecision, Cmd::Cancel) => return "no",
        (KeyMode::Help, Cmd::Back) => return "close",
        (KeyMode::Review, Cmd::Open) => return "press the focused button",
        (KeyMode::ConfirmDiscard, Cmd::Execute) => return "drop the changes",
        (KeyMode::ConfirmDiscard, Cmd::Cancel) => return "keep editing",
        (KeyMode::ReviewConfirm, Cmd::Toggle) => return "type the name",
        (KeyMode::ReviewTyping, Cmd::Back) => return "stop typing",
        (KeyMode::RunsFilter, Cmd::Open) => return "keep",
        (KeyMode::RunsFilter, Cmd::Cancel) => return "clear",
        _ => {}
    }
    match cmd {
        Cmd::SwitchPane => "switch",
        Cmd::Open => "open",
        Cmd::Back => "back",
        Cmd::Filter => "filter",
        Cmd::Help => "help",
        Cmd::Refresh => "refresh",
        Cmd::Quit => "quit",
        Cmd::Runs => "runs",
        Cmd::History => "history",
        Cmd::More => "more at once",
        Cmd::Palette => "commands",
        Cmd::Complete => "complete",
        Cmd::Less => "fewer",
        Cmd::ToggleStop => "stop on failure",
        Cmd::Rerun => "run again",
        Cmd::NextField => "next field",
        Cmd::PrevField => "prev field",
        Cmd::Toggle => "toggle",
        Cmd::ResetTarget => "defaults",
        Cmd::Review => "review",
        Cmd::Execute => "execute",
        Cmd::Cancel => "cancel",
        _ => "",
    }
}

/// A line being typed, with its cursor.
pub fn input_line(prefix: &str, input: &Input, hint: &str, theme: &Theme, f: &mut Frame, area: Rect) {
    let line = Line::from(vec![
        Span::styled(prefix.to_string(), theme.key()),
        Span::raw(safe(input.value())),
        Span::styled(hint.to_string(), theme.dim()),
    ]);
    f.render_widget(Paragraph::new(line), area);
    let x = area.x + prefix.len() as u16 + input.visual_cursor() as u16;
    f.set_cursor_position((x.min(area.right().saturating_sub(1)), area.y));
}

/// What the footer shows: the line being typed, else the keys of what has them.
pub struct Footer<'a> {
    /// The palette's line being typed.
    pub palette: Option<&'a Input>,
    /// The products filter being typed.
    pub filter: Option<&'a Input>,
    /// The key table in force, for the hints.
    pub mode: KeyMode,
    /// AWS profile names, the palette's choices for `profile`.
    pub profiles: &'a [String],
}

/// A message, on its own line above the footer (the keys stay in view while it shows).
pub fn message(toast: &Toast, vcx: &ViewCx, f: &mut Frame, area: Rect) {
    let t = vcx.theme;
    let style = if toast.error { t.error() } else { t.ok() };
    let mark = if toast.error { "! " } else { "· " };
    let line = Line::from(Span::styled(format!(" {mark}{}", safe(&toast.text)), style));
    f.render_widget(Paragraph::new(super::hang(line, usize::from(area.width), 3)), area);
}

pub fn render(footer: Footer, vcx: &ViewCx, f: &mut Frame, area: Rect) {
    let t = vcx.theme;
    if let Some(input) = footer.palette {
        crate::tui::screen::palette::render_line(input, footer.profiles, t, f, area);
        return;
    }
    if let Some(filter) = footer.filter {
        input_line(" Filter: ", filter, "   Enter keep · Esc clear", t, f, area);
        return;
    }
    // Hints that do not fit whole are left out (from the right), but help and quit always stay:
    // a hint cut in half reads as a different key.
    let mut hints: Vec<(String, String, bool)> = keymap::bindings(footer.mode)
        .iter()
        .filter(|b| b.footer)
        .map(|b| {
            (
                format!(" {}", b.label),
                format!(" {} ", short(footer.mode, b.cmd)),
                matches!(b.cmd, Cmd::Help | Cmd::Quit),
            )
        })
        .collect();
    let width =
        |h: &[(String, String, bool)]| h.iter().map(|(k, w, _)| k.chars().count() + w.chars().count()).sum::<usize>();
    while width(&hints) > usize::from(area.width) {
        match hints.iter().rposition(|(_, _, keep)| !keep) {
            Some(i) => {
                hints.remove(i);
            }
            None => break,
        }
    }
    let mut spans = Vec::new();
    for (key, word, _) in hints {
        spans.push(Span::styled(key, t.key()));
        spans.push(Span::raw(word));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}
