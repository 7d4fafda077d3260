//! Drawing: `render(&App, &mut Frame)` reads the App and never changes it. One module per region.

mod browse;
mod form;
pub use form::cli_command;
mod run;

use super::app::{App, Conn, Screen};
use super::keymap::{self, Cmd};
pub use crate::validate::clean as safe;
use crate::validate::clean;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

pub fn render(app: &App, f: &mut Frame) {
    let area = f.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(app, f, area);
        return;
    }
    let [header_area, body, footer_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(1), Constraint::Length(1)]).areas(area);
    header(app, f, header_area);
    match app.screen {
        Screen::Browse => browse::render(app, f, body),
        Screen::Form => form::form(app, f, body),
        Screen::Review => form::review(app, f, body),
        Screen::Run(id) => run::run(app, f, body, id),
        Screen::Runs => run::runs(app, f, body),
        Screen::History => run::history(app, f, body),
    }
    footer(app, f, footer_area);
    if app.help {
        help(app, f, body);
    }
    if app.confirm_quit {
        confirm_quit(app, f, body);
    }
    if let Some(text) = &app.copy_dialog {
        let t = &app.theme;
        let lines = vec![
            Line::from(Span::styled("Select the text below to copy it (OSC 52 is off for this terminal):", t.title())),
            Line::default(),
            Line::from(Span::raw(clean(text))),
            Line::default(),
            Line::from(Span::styled("Any key closes this.", t.dim())),
        ];
        let area = centered(body, body.width.saturating_sub(4), 9);
        f.render_widget(Clear, area);
        f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(block(app, " Copy ", true)), area);
    }
    if app.presenter {
        mask(f.buffer_mut(), app.theme.ascii);
    }
}

/// Presenter mode: identifiers, ARNs and account numbers drawn masked, keeping their width so the
/// layout does not move. Done on the drawn buffer, so no screen can forget it.
fn mask(buf: &mut ratatui::buffer::Buffer, ascii: bool) {
    static PATTERN: std::sync::OnceLock<Option<regex::Regex>> = std::sync::OnceLock::new();
    let Some(re) = PATTERN
        .get_or_init(|| {
            regex::Regex::new(
                r"\b(?:pp|act|rec|prod|pa|port|lpv\d)-([a-z0-9]{13})\b|\barn:aws[a-z-]*:([^\s│|]+)|\b(\d{12})\b|\b(?:i|sg|ami|vol|eni)-([0-9a-f]{8,17})\b",
            )
            .ok()
        })
        .as_ref()
    else {
        return;
    };
    let dot = if ascii { "*" } else { "•" };
    let area = buf.area;
    for y in area.top()..area.bottom() {
        // One char per cell: wide characters are not used on these screens.
        let cells: Vec<String> = (area.left()..area.right()).map(|x| buf[(x, y)].symbol().to_string()).collect();
        let line: String = cells.iter().map(|c| c.chars().next().unwrap_or(' ')).collect();
        for caps in re.captures_iter(&line) {
            for g in 1..=4 {
                if let Some(m) = caps.get(g) {
                    let start = line[..m.start()].chars().count();
                    let len = m.as_str().chars().count();
                    for i in start..start + len {
                        let x = area.left() + i as u16;
                        if x < area.right() {
                            buf[(x, y)].set_symbol(dot);
                        }
                    }
                }
            }
        }
    }
}

fn too_small(app: &App, f: &mut Frame, area: Rect) {
    let text = vec![
        Line::from(Span::styled("Terminal too small", app.theme.title())),
        Line::from(format!("{}x{}: sctui needs at least {MIN_WIDTH}x{MIN_HEIGHT}.", area.width, area.height)),
        Line::from("Enlarge the window, or press q to quit."),
    ];
    f.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
}

fn header(app: &App, f: &mut Frame, area: Rect) {
    let t = &app.theme;
    let mut spans = vec![Span::styled(" sctui ", t.title()), Span::raw(" ")];
    if app.presenter {
        spans.push(Span::styled("Service Catalog self-service actions ", t.title()));
    }
    if app.target.demo {
        spans.push(Span::styled(" DEMO ", t.badge(Color::Magenta)));
        if area.width >= 110 {
            spans.push(Span::styled(" embedded emulator", t.dim()));
        }
    } else {
        if let Some(p) = &app.target.profile {
            spans.push(Span::raw(format!("profile {}", clean(p))));
            spans.push(Span::styled(" · ", t.dim()));
        }
        match &app.conn {
            Conn::Resolving => spans.push(Span::styled("resolving credentials…", t.warn())),
            Conn::Failed(_) => spans.push(Span::styled("not connected", t.error())),
            Conn::Ready => {}
        }
    }
    if let Some(r) = &app.target.region {
        spans.push(Span::styled(" · ", t.dim()));
        spans.push(Span::raw(format!("region {}", clean(r))));
    }
    if !app.target.demo
        && let Some(e) = &app.target.endpoint
    {
        spans.push(Span::styled(" · ", t.dim()));
        spans.push(Span::raw(format!("endpoint {}", clean(e))));
    }
    if app.production {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(" PRODUCTION ", t.badge(Color::Red)));
    }
    if app.read_only {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(" READ-ONLY ", t.badge(Color::Yellow)));
    }
    let n = app.in_flight();
    if n > 0 {
        spans.push(Span::styled(" · ", t.dim()));
        let label = if n == 1 { "1 run in flight".to_string() } else { format!("{n} runs in flight") };
        spans.push(Span::styled(format!("{} {label}", t.spinner(app.frame)), t.accent().add_modifier(Modifier::BOLD)));
    }
    // Last, as the one part that may be cut off on a narrow screen.
    match &app.identity {
        Some(Ok((account, arn))) => {
            spans.push(Span::styled(" · ", t.dim()));
            // The account is shown; of the ARN, the principal says the rest (user/…, assumed-role/…).
            let principal = arn.splitn(6, ':').nth(5).unwrap_or(arn);
            spans.push(Span::raw(format!("account {} · {}", clean(account), clean(principal))));
        }
        Some(Err(_)) => {
            spans.push(Span::styled(" · identity unknown", t.dim()));
        }
        None => {}
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn short(cmd: Cmd) -> &'static str {
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

fn footer(app: &App, f: &mut Frame, area: Rect) {
    let t = &app.theme;
    if let Some(input) = &app.palette {
        let prefix = " :";
        let line = Line::from(vec![
            Span::styled(prefix, t.key()),
            Span::raw(clean(input.value())),
            Span::styled("   Tab completes · Enter runs · Esc closes", t.dim()),
        ]);
        f.render_widget(Paragraph::new(line), area);
        let x = area.x + prefix.len() as u16 + input.visual_cursor() as u16;
        f.set_cursor_position((x.min(area.right().saturating_sub(1)), area.y));
        return;
    }
    if app.filtering {
        let prefix = " Filter: ";
        let line = Line::from(vec![
            Span::styled(prefix, t.key()),
            Span::raw(clean(app.filter.value())),
            Span::styled("   Enter keep · Esc clear", t.dim()),
        ]);
        f.render_widget(Paragraph::new(line), area);
        let x = area.x + prefix.len() as u16 + app.filter.visual_cursor() as u16;
        f.set_cursor_position((x.min(area.right().saturating_sub(1)), area.y));
        return;
    }
    if let Some(toast) = &app.toast {
        let style = if toast.error { t.error() } else { t.ok() };
        let mark = if toast.error { "! " } else { "· " };
        f.render_widget(
            Paragraph::new(Line::from(Span::styled(format!(" {mark}{}", clean(&toast.text)), style))),
            area,
        );
        return;
    }
    let mut spans = Vec::new();
    for b in keymap::bindings(app.key_mode()).iter().filter(|b| b.footer) {
        spans.push(Span::styled(format!(" {}", b.label), t.key()));
        spans.push(Span::raw(format!(" {} ", short(b.cmd))));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// A box centred in `area`, at most `w` x `h`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h }
}

pub fn block<'a>(app: &App, title: impl Into<Line<'a>>, focused: bool) -> Block<'a> {
    Block::bordered().border_set(app.theme.border()).border_style(app.theme.border_style(focused)).title(title)
}

fn help(app: &App, f: &mut Frame, body: Rect) {
    let t = &app.theme;
    let mode = app.key_mode_below_help();
    let mut lines = vec![Line::from(Span::styled(format!("Keys: {}", mode_name(mode)), t.title())), Line::default()];
    for b in keymap::bindings(mode).iter().chain(keymap::global()) {
        lines.push(Line::from(vec![Span::styled(format!("  {:<12}", b.label), t.key()), Span::raw(b.help)]));
    }
    for o in &app.key_overrides {
        if let Some(b) = keymap::bindings(mode).iter().find(|b| b.cmd == o.cmd) {
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<12}", o.label), t.key()),
                Span::raw(format!("{} (config)", b.help)),
            ]));
        }
    }
    // The closing hint only where there is room: every key always fits first.
    if lines.len() as u16 + 4 <= body.height {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled("  Esc or ? closes this help", t.dim())));
    }
    let h = lines.len() as u16 + 2;
    let area = centered(body, 72, h);
    f.render_widget(Clear, area);
    f.render_widget(Paragraph::new(lines).block(block(app, " Help ", true)), area);
}

fn mode_name(mode: keymap::KeyMode) -> &'static str {
    use keymap::KeyMode::*;
    match mode {
        Products => "products list",
        Actions => "actions list",
        Filter => "filter",
        FormText => "parameter form, typing a value",
        FormChecklist => "parameter form, TARGET checklist",
        FormButton => "parameter form",
        Review => "review before execute",
        ReviewConfirm => "review of a production run",
        ReviewBatch => "review of a batch",
        Run => "run",
        Runs => "runs",
        History => "history",
        Palette => "command palette",
        Help => "help",
        ConfirmQuit => "quit",
    }
}

fn confirm_quit(app: &App, f: &mut Frame, body: Rect) {
    let t = &app.theme;
    let n = app.in_flight();
    let lines = vec![
        Line::from(Span::styled(format!("{n} run(s) still in progress."), t.warn().add_modifier(Modifier::BOLD))),
        Line::from("They go on in AWS; sctui only stops watching them."),
        Line::default(),
        Line::from(vec![
            Span::styled("y", t.key()),
            Span::raw(" quit    "),
            Span::styled("n/Esc", t.key()),
            Span::raw(" stay"),
        ]),
    ];
    let area = centered(body, 56, 6);
    f.render_widget(Clear, area);
    f.render_widget(Paragraph::new(lines).block(block(app, " Quit sctui? ", true)), area);
}

pub fn label(app: &App, s: &str) -> Span<'static> {
    Span::styled(format!("{s:<14}"), app.theme.dim())
}

pub fn styled(s: impl Into<String>, style: Style) -> Span<'static> {
    Span::styled(s.into(), style)
}
