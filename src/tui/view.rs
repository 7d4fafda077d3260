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
    /// The fleet, when the list spans accounts and regions: where each product lives.
    pub fleet: Option<&'a crate::tui::session::FleetView>,
}

impl ViewCx<'_> {
    /// The fleet cell of a product (None for the connection's own).
    pub fn cell(&self, cell: Option<u16>) -> Option<&crate::tui::session::FleetCell> {
        self.fleet?.cells.get(usize::from(cell?))
    }
}

/// A fleet account as a screen names it: its name (with its id when `with_id`); in presenter
/// mode only its id, which the frame masks (a name can say as much as an id).
pub fn account_label(c: &crate::tui::session::FleetCell, vcx: &ViewCx, with_id: bool) -> String {
    match (vcx.presenter, with_id) {
        (true, _) => safe(&c.account_id),
        (false, true) => format!("{} ({})", safe(&c.account_name), safe(&c.account_id)),
        (false, false) => safe(&c.account_name),
    }
}

/// Where a fleet product's run would go, as a banner too big to miss: ` ACCOUNT staging
/// (345678901234) · REGION us-east-1 `, red for a production account. None outside a fleet.
pub fn place_banner(cell: Option<u16>, vcx: &ViewCx) -> Option<Line<'static>> {
    let t = vcx.theme;
    let c = vcx.cell(cell)?;
    let colour = if c.production { ratatui::style::Color::Red } else { ratatui::style::Color::Blue };
    let style = t.badge(colour);
    let mut spans = vec![
        Span::styled(format!(" ACCOUNT {} ", account_label(c, vcx, true)), style),
        Span::raw(" "),
        Span::styled(format!(" REGION {} ", safe(&c.region)), style),
    ];
    if c.production {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(" PRODUCTION ACCOUNT ", t.badge(ratatui::style::Color::Red)));
    }
    Some(Line::from(spans))
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
        fleet: s.fleet.as_ref(),
    };
    app.hits.clear();
    let _presenting = Presenting::start(vcx.presenter, s.theme.ascii);
    let area = f.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(app, &vcx, f, area);
        return;
    }
    // A message wraps to at most 4 lines (a config file's mistake is long), never cut off.
    let message = s.toast.as_ref().map_or(0, |t| {
        let lines = hang(Line::from(format!(" ! {}", safe(&t.text))), usize::from(area.width), 3).len();
        u16::try_from(lines).unwrap_or(4).clamp(1, 4)
    });
    let [header_area, body, message_area, footer_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(message),
        Constraint::Length(1),
    ])
    .areas(area);
    header::render(s, (app.runs.in_flight(), app.runs.queued()), app.list.cells_answered(), &vcx, f, header_area);
    match &app.screen {
        Screen::Browse(_) => screen::browse::render(&app.list, true, &vcx, f, body),
        Screen::Form(form) => screen::form::render(form, &vcx, f, body),
        Screen::Review(r) => screen::review::render(r, &s.target_of(r.form.product.cell), &vcx, f, body),
        Screen::Run(r) => screen::run::render(r, &app.runs, &vcx, f, body),
        Screen::Runs(r) => screen::runs::render(r, &app.runs, &vcx, f, body),
        Screen::History(h) => screen::history::render(h, &vcx, f, body),
    }
    let footer = footer::Footer {
        palette: match &app.overlay {
            Some(Overlay::Palette(input)) => Some(input),
            _ => None,
        },
        filter: match &app.screen {
            Screen::Browse(b) if b.filtering => Some(&app.list.filter),
            Screen::Runs(r) if r.filtering => Some(&r.filter),
            _ => None,
        },
        mode: app.key_mode(),
        profiles: &s.settings.profiles,
    };
    footer::render(footer, &vcx, f, footer_area);
    if let Some(toast) = &s.toast {
        footer::message(toast, &vcx, f, message_area);
    }
    if app.overlay.as_ref().is_some_and(|o| !matches!(o, Overlay::Palette(_))) {
        app.hits.push(area, Hit::Modal);
    }
    match &app.overlay {
        Some(Overlay::Help { scroll }) => {
            dialogs::help(app.screen_key_mode(), &s.settings.keys, *scroll, &vcx, f, body)
        }
        Some(Overlay::ConfirmQuit) => {
            dialogs::confirm_quit((app.runs.in_flight(), app.runs.queued()), s.target.demo, &vcx, f, body)
        }
        Some(Overlay::Copy(text)) => dialogs::copy(text, &vcx, f, body),
        Some(Overlay::Login(d)) => dialogs::login(d, &vcx, f, body),
        Some(Overlay::Decide { run, resend }) => dialogs::confirm_decision(app.runs.get(*run), *resend, &vcx, f, body),
        Some(Overlay::ConfirmStop { run, typed }) => {
            dialogs::confirm_stop(app.runs.get(*run), typed.as_ref(), &vcx, f, body)
        }
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

fn too_small(app: &App, vcx: &ViewCx, f: &mut Frame, area: Rect) {
    let t = vcx.theme;
    let mut text = vec![
        Line::from(Span::styled("Terminal too small", t.title())),
        Line::from(format!("{}x{}: sctui needs at least {MIN_WIDTH}x{MIN_HEIGHT}.", area.width, area.height)),
    ];
    // A question asked stays answerable: a dialog nobody can see must not wait for a key.
    match &app.overlay {
        Some(Overlay::ConfirmQuit) => {
            let n = app.runs.in_flight();
            let runs = if n == 1 { "1 run is".to_string() } else { format!("{n} runs are") };
            text.push(Line::from(Span::styled(format!("Quit? {runs} still in progress."), t.warn())));
            text.push(Line::from("y quits, n stays."));
        }
        Some(Overlay::Decide { resend, .. }) => {
            let what = if *resend { "Send the run again?" } else { "Abandon the run?" };
            text.push(Line::from(Span::styled(format!("{what} Enlarge the window to read what it means."), t.warn())));
            text.push(Line::from("n or Esc goes back."));
        }
        Some(_) => text.push(Line::from("Enlarge the window to see the dialog, or press Esc to close it.")),
        None => text.push(Line::from("Enlarge the window, or press q to quit.")),
    }
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

/// `s` in at most `width` columns: cut with an ellipsis when longer, so that a cut name never
/// reads as a whole one.
pub fn fit(s: &str, width: usize) -> String {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    if s.width() <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push(c);
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// `line` word-wrapped to `width` columns with a hanging indent: the lines after the first start
/// `indent` columns in, under the text they continue, instead of at column 0. A word longer than
/// a line is cut where the line ends. Styles are kept.
pub fn hang(line: Line<'static>, width: usize, indent: usize) -> Vec<Line<'static>> {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    let indent = if width >= indent + 20 { indent } else { 2.min(width / 4) };
    if line.width() <= width || width <= indent {
        return vec![line];
    }
    let mut out: Vec<Line<'static>> = Vec::new();
    let mut cur: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    let mut fresh = true;
    let mut newline = |cur: &mut Vec<Span<'static>>, used: &mut usize| {
        out.push(Line::from(std::mem::take(cur)));
        cur.push(Span::raw(" ".repeat(indent)));
        *used = indent;
    };
    for span in &line.spans {
        let style = span.style;
        let mut rest: &str = &span.content;
        while !rest.is_empty() {
            let space = rest.starts_with(char::is_whitespace);
            let end = rest.find(|c: char| c.is_whitespace() != space).unwrap_or(rest.len());
            let (token, after) = rest.split_at(end);
            rest = after;
            let w = token.width();
            if used + w > width && !fresh {
                newline(&mut cur, &mut used);
                fresh = true;
                if space {
                    continue;
                }
            }
            if used + w <= width {
                cur.push(Span::styled(token.to_string(), style));
                used += w;
                fresh &= space;
                continue;
            }
            // A word longer than the line: cut where each line ends.
            let mut piece = String::new();
            for c in token.chars() {
                let cw = c.width().unwrap_or(0);
                if used + cw > width {
                    cur.push(Span::styled(std::mem::take(&mut piece), style));
                    newline(&mut cur, &mut used);
                }
                piece.push(c);
                used += cw;
            }
            cur.push(Span::styled(piece, style));
            fresh = false;
        }
    }
    out.push(Line::from(cur));
    out
}

/// "1 record", "3 records": a count with its noun, singular for one.
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 { format!("1 {one}") } else { format!("{n} {many}") }
}

/// A label column of the detail screens.
pub fn label(theme: &Theme, s: &str) -> Span<'static> {
    Span::styled(format!("{s:<14}"), theme.dim())
}

pub fn styled(s: impl Into<String>, style: Style) -> Span<'static> {
    Span::styled(s.into(), style)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hang_wraps_under_the_text_it_continues() {
        let text = |lines: &[Line]| lines.iter().map(|l| l.to_string()).collect::<Vec<_>>();
        let line = Line::from(vec![Span::raw("  Code: "), Span::raw("one two three four five six seven eight nine")]);
        let lines = hang(line, 31, 8);
        assert_eq!(text(&lines), ["  Code: one two three four five", "        six seven eight nine"]);
        let long = Line::from(format!("  X: {}", "y".repeat(50)));
        let lines = hang(long, 30, 5);
        assert!(lines.iter().all(|l| l.width() <= 30), "{:?}", text(&lines));
        assert_eq!(text(&lines)[1], format!("     {}", "y".repeat(25)));
        assert_eq!(text(&hang(Line::from("short"), 30, 4)), ["short"]);
        assert_eq!(fit("abcdefgh", 5), "abcd…");
        assert_eq!(fit("abc", 5), "abc");
        assert_eq!(count(1, "record", "records"), "1 record");
        assert_eq!(count(0, "record", "records"), "0 records");
    }
}
