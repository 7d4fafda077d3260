//! Drawing: `render(&App, &mut Frame)` reads the App and never changes it. Each screen draws
//! itself (its view lives beside its state in `screen/`) from its own state and a small shared
//! context; the chrome around it (header, footer, dialogs) and the presenter mask live here.

pub mod dialogs;
pub mod footer;
pub mod header;
pub mod mask;

use super::app::App;
use super::hits::{Hit, Hits};
use super::screen::{self, Overlay, Screen};
use super::session::Conn;
use super::theme::Theme;
use crate::domain::Timestamp;

thread_local! {
    /// While a frame is drawn in presenter mode: Some(ascii). Then `safe` masks ids as it cleans.
    static PRESENTING: std::cell::Cell<Option<bool>> = const { std::cell::Cell::new(None) };
}

/// Text from AWS, a file or the operator, made safe to draw: control characters escaped
/// (`validate::clean`) and, in presenter mode, ids, ARNs and account numbers masked before any
/// column cuts them.
pub fn safe(s: &str) -> String {
    let clean = crate::validate::clean(s);
    match PRESENTING.with(std::cell::Cell::get) {
        Some(ascii) => mask::mask_text(&clean, ascii),
        None => clean,
    }
}

/// Presenter masking for the frame being drawn; off again when dropped.
struct Presenting;

impl Presenting {
    fn start(on: bool, ascii: bool) -> Presenting {
        PRESENTING.with(|p| p.set(on.then_some(ascii)));
        Presenting
    }
}

impl Drop for Presenting {
    fn drop(&mut self) {
        PRESENTING.with(|p| p.set(None));
    }
}
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// What every view may read besides its own state.
pub struct ViewCx<'a> {
    pub theme: &'a Theme,
    /// Animation frame (spinners).
    pub frame: usize,
    pub now: Timestamp,
    pub presenter: bool,
    pub conn: &'a Conn,
    /// Executing is off: the review offers no Execute.
    pub read_only: bool,
    /// Where the mouse can act in this frame.
    pub hits: &'a Hits,
}

pub fn render(app: &App, f: &mut Frame) {
    let s = &app.session;
    let vcx = ViewCx {
        theme: &s.theme,
        frame: s.frame,
        now: s.now,
        presenter: s.settings.presenter,
        conn: &s.conn,
        read_only: s.read_only,
        hits: &app.hits,
    };
    app.hits.clear();
    let _presenting = Presenting::start(vcx.presenter, s.theme.ascii);
    let area = f.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(&vcx, f, area);
        return;
    }
    let [header_area, body, footer_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(1), Constraint::Length(1)]).areas(area);
    header::render(s, app.runs.in_flight(), &vcx, f, header_area);
    match &app.screen {
        Screen::Browse(_) => screen::browse::render(&app.list, true, &vcx, f, body),
        Screen::Form(form) => screen::form::render(form, &vcx, f, body),
        Screen::Review(r) => screen::review::render(r, &s.target, &vcx, f, body),
        Screen::Run(r) => screen::run::render(r, &app.runs, &vcx, f, body),
        Screen::Runs(r) => screen::runs::render(r, &app.runs, &vcx, f, body),
        Screen::History(h) => screen::history::render(h, &vcx, f, body),
    }
    let footer = footer::Footer {
        palette: match &app.overlay {
            Some(Overlay::Palette(input)) => Some(input),
            _ => None,
        },
        filter: matches!(&app.screen, Screen::Browse(b) if b.filtering).then_some(&app.list.filter),
        toast: s.toast.as_ref(),
        mode: app.key_mode(),
    };
    footer::render(footer, &vcx, f, footer_area);
    if app.overlay.as_ref().is_some_and(|o| !matches!(o, Overlay::Palette(_))) {
        app.hits.push(area, Hit::Modal);
    }
    match &app.overlay {
        Some(Overlay::Help { scroll }) => {
            dialogs::help(app.screen_key_mode(), &s.settings.keys, *scroll, &vcx, f, body)
        }
        Some(Overlay::ConfirmQuit) => dialogs::confirm_quit(app.runs.in_flight(), s.target.demo, &vcx, f, body),
        Some(Overlay::Copy(text)) => dialogs::copy(text, &vcx, f, body),
        Some(Overlay::Decide { run, resend }) => dialogs::confirm_decision(app.runs.get(*run), *resend, &vcx, f, body),
        Some(Overlay::Palette(_)) | None => {}
    }
    app.hits.buttons(f.buffer_mut());
    if vcx.presenter {
        mask::apply(f.buffer_mut(), s.theme.ascii);
    }
    if s.theme.ascii {
        ascii_only(f.buffer_mut());
    }
}

/// ASCII mode (`--ascii`, a locale that is not UTF-8, the Linux console, vt100): whatever a
/// screen drew, only ASCII reaches the terminal. Known symbols get an ASCII look-alike of the
/// same width; anything else (text from AWS in another script, say) becomes `?`.
fn ascii_only(buf: &mut ratatui::buffer::Buffer) {
    let area = buf.area;
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            let cell = &mut buf[(x, y)];
            if cell.symbol().is_ascii() {
                continue;
            }
            let plain = match cell.symbol() {
                "·" | "•" | "●" => "*",
                "…" => ".",
                "—" | "–" | "─" => "-",
                "↑" => "^",
                "↓" => "v",
                "←" => "<",
                "→" => ">",
                "✓" => "+",
                "✗" => "x",
                "│" => "|",
                // The second cell of a wide character is empty: it stays empty.
                "" => "",
                _ => "?",
            };
            cell.set_symbol(plain);
        }
    }
}

fn too_small(vcx: &ViewCx, f: &mut Frame, area: Rect) {
    let text = vec![
        Line::from(Span::styled("Terminal too small", vcx.theme.title())),
        Line::from(format!("{}x{}: sctui needs at least {MIN_WIDTH}x{MIN_HEIGHT}.", area.width, area.height)),
        Line::from("Enlarge the window, or press q to quit."),
    ];
    f.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
}

/// A box centred in `area`, at most `w` x `h`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h }
}

pub fn block<'a>(theme: &Theme, title: impl Into<Line<'a>>, focused: bool) -> Block<'a> {
    Block::bordered().border_set(theme.border()).border_style(theme.border_style(focused)).title(title)
}

/// What a scrolled view says about itself: more below (and the keys that show it), or the end.
pub fn scroll_note(theme: &Theme, scroll: u16, hidden: u16, down: &str, up: &str) -> String {
    let note = if scroll < hidden { format!("more below: {down}") } else { format!("{up} for the top") };
    if theme.ascii { note.replace('↓', "Down").replace('↑', "Up") } else { note }
}

/// A wrapped paragraph in `area`; longer than it, it is drawn from row `scroll` (clamped to its
/// end) and the last row says there is more and which keys show it.
pub fn scrolled(p: Paragraph, scroll: u16, keys: (&str, &str), vcx: &ViewCx, f: &mut Frame, area: Rect) {
    let theme = vcx.theme;
    vcx.hits.push(area, Hit::Text);
    let total = u16::try_from(p.line_count(area.width)).unwrap_or(u16::MAX);
    if total <= area.height || area.height < 2 {
        f.render_widget(p, area);
        return;
    }
    let [text, hint] = Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas::<2>(area);
    let hidden = total.saturating_sub(text.height);
    let scroll = scroll.min(hidden);
    let note = scroll_note(theme, scroll, hidden, keys.0, keys.1);
    f.render_widget(p.scroll((scroll, 0)), text);
    f.render_widget(Paragraph::new(Line::from(Span::styled(format!("  ({note})"), theme.dim()))), hint);
}

/// A label column of the detail screens.
pub fn label(theme: &Theme, s: &str) -> Span<'static> {
    Span::styled(format!("{s:<14}"), theme.dim())
}

pub fn styled(s: impl Into<String>, style: Style) -> Span<'static> {
    Span::styled(s.into(), style)
}
