//! The interactive TUI: terminal set-up and a restore that runs on every way out (quit, Ctrl-C,
//! SIGTERM, SIGHUP, a panic in any thread), then the App, its runtime and its views.

pub mod action;
pub mod app;
pub mod effect;
pub mod hits;
pub mod keymap;
pub mod record;
pub mod runbook;
pub mod runtime;
pub mod screen;
pub mod session;
mod test_hooks;
pub mod theme;
pub mod view;

use crate::catalog::{CatalogClient, Target};
use crate::domain::Timestamp;
use app::App;
use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
pub use runtime::Connection;
use runtime::{Host, Runtime};
use std::io::{IsTerminal, Stdout, Write};
use theme::Theme;

/// What the terminal is sent beyond plain text, from `$TERM` and the settings. The Linux
/// console and the vt100 family take no synchronized output, bracketed paste or mouse reports,
/// and read colours only as the classic SGR 30–37/90–97 (not `38;5;N`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caps {
    /// Synchronized output and bracketed paste (xterm and its kin).
    pub modern: bool,
    /// Click and wheel reports (SGR encoding, presses and wheel only: no motion over SSH).
    pub mouse: bool,
    /// Colours written as SGR 30–37/90–97.
    pub sgr16: bool,
}

impl Caps {
    pub fn for_term(term: Option<&str>, mouse: bool) -> Caps {
        let term = term.unwrap_or("");
        let basic = term.is_empty()
            || term.starts_with("vt")
            || matches!(term, "linux" | "dumb" | "ansi" | "cons25" | "sun" | "pcansi" | "wsvt25");
        Caps { modern: !basic, mouse: mouse && !basic, sgr16: basic }
    }
}

/// What `enter` turned on, for `leave` (which also runs from the panic hook): bit 1 modern, 2 mouse.
static ENTERED: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

const MOUSE_ON: &str = "\x1b[?1000h\x1b[?1006h";
const MOUSE_OFF: &str = "\x1b[?1006l\x1b[?1000l";

/// Raw mode, the alternate screen, hidden cursor; bracketed paste and mouse reports where the
/// terminal takes them.
pub fn enter(caps: Caps) -> std::io::Result<()> {
    enable_raw_mode()?;
    let mut out = std::io::stdout();
    ENTERED.store(u8::from(caps.modern) | (u8::from(caps.mouse) << 1), std::sync::atomic::Ordering::SeqCst);
    crossterm::queue!(out, EnterAlternateScreen, crossterm::cursor::Hide)?;
    if caps.modern {
        crossterm::queue!(out, EnableBracketedPaste)?;
    }
    if caps.mouse {
        out.write_all(MOUSE_ON.as_bytes())?;
    }
    out.flush()
}

/// Undoes `enter`; safe to call twice and from a panic hook.
pub fn leave() {
    let mut out = std::io::stdout();
    let entered = ENTERED.swap(0, std::sync::atomic::Ordering::SeqCst);
    if entered & 2 != 0 {
        let _ = out.write_all(MOUSE_OFF.as_bytes());
    }
    if entered & 1 != 0 {
        let _ = crossterm::queue!(out, DisableBracketedPaste);
    }
    let _ = crossterm::execute!(out, LeaveAlternateScreen, crossterm::cursor::Show);
    let _ = disable_raw_mode();
    let _ = out.flush();
}

/// A panic anywhere restores the terminal first, then reports, then ends the process: a task that
/// died must not leave a half-working screen behind.
fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        leave();
        tracing::error!(%info, "panic");
        previous(info);
        eprintln!("sctui stopped because of a bug (details are in the log). The terminal was restored.");
        std::process::exit(101);
    }));
}

struct TerminalHost {
    terminal: Terminal<CrosstermBackend<Sgr16<record::Tee<Stdout>>>>,
    caps: Caps,
    /// Inside tmux: copied text goes through tmux too.
    tmux: bool,
    recorder: Option<std::sync::Arc<std::sync::Mutex<record::Recorder>>>,
}

impl Host for TerminalHost {
    fn suspend(&mut self) -> std::io::Result<()> {
        leave();
        // SAFETY: raise only sends a signal to this process.
        unsafe { libc::raise(libc::SIGTSTP) };
        // Back after `fg`.
        enter(self.caps)?;
        let size = self.terminal.size()?;
        // A full repaint without asking the terminal where its cursor is.
        self.terminal.resize(Rect::new(0, 0, size.width, size.height))?;
        Ok(())
    }

    fn bell(&mut self) {
        let _ = self.terminal.backend_mut().write_all(b"\x07");
        let _ = self.terminal.backend_mut().flush();
    }

    fn draw(&mut self, app: &App) -> std::io::Result<()> {
        // A recording learns a new size before the frame drawn at it.
        if let (Some(r), Ok(size)) = (&self.recorder, self.terminal.size()) {
            r.lock().unwrap_or_else(|p| p.into_inner()).resize(size.width, size.height);
        }
        if self.caps.modern {
            runtime::draw_synchronized(&mut self.terminal, app)
        } else {
            self.terminal.draw(|f| view::render(app, f)).map(|_| ())
        }
    }

    fn copy(&mut self, text: &str) {
        let text = crate::validate::clean(text);
        let sequence = if self.tmux { tmux_passthrough(&osc52(&text)) } else { osc52(&text) };
        // Straight to the terminal (once the frame is out): a recording never holds the
        // clipboard's text, which presenter masking does not touch.
        let _ = self.terminal.backend_mut().flush();
        let mut out = std::io::stdout();
        let _ = out.write_all(sequence.as_bytes()).and_then(|()| out.flush());
        if self.tmux {
            tmux_set_buffer(text);
        }
    }
}

/// The OSC 52 sequence that sets the clipboard: terminals pass it back over SSH.
pub fn osc52(text: &str) -> String {
    use base64::Engine;
    let text = crate::validate::clean(text);
    format!("\x1b]52;c;{}\x07", base64::engine::general_purpose::STANDARD.encode(text))
}

/// A sequence wrapped for tmux's passthrough (`DCS tmux; … ST`, every ESC doubled): tmux hands
/// it to the outer terminal when `allow-passthrough` is on.
pub fn tmux_passthrough(sequence: &str) -> String {
    format!("\x1bPtmux;{}\x1b\\", sequence.replace('\x1b', "\x1b\x1b"))
}

/// Under tmux's default `set-clipboard external`, tmux ignores OSC 52 from programs, so the
/// text goes through tmux itself: `tmux set-buffer -w` puts it in tmux's paste buffer and sends
/// it on to the outer terminal's clipboard. In the background, its output never reaches the
/// screen; a failure is logged.
fn tmux_set_buffer(text: String) {
    std::thread::spawn(move || {
        let out = std::process::Command::new("tmux")
            .args(["set-buffer", "-w", "--", &text])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .output();
        match out {
            Ok(o) if o.status.success() => tracing::info!("copied through tmux set-buffer -w"),
            Ok(o) => tracing::warn!(stderr = %String::from_utf8_lossy(&o.stderr), "tmux set-buffer failed"),
            Err(e) => tracing::warn!(error = %e, "tmux could not be run"),
        }
    });
}

pub struct Options {
    pub theme: Theme,
    pub bell: bool,
    pub journal: Option<std::sync::Arc<crate::runs::journal::Journal>>,
    pub read_only: bool,
    /// The profile or account is production: a banner, and the review asks for the product's name.
    pub production: bool,
    /// Shown when the TUI opens (a config file mistake, say).
    pub notice: Option<String>,
    pub presenter: bool,
    pub config: crate::config::Config,
    /// `--read-only` on the command line.
    pub read_only_flag: bool,
    /// Unanswered Executes older than this are not sent again blindly (`--token-window`).
    pub token_window: std::time::Duration,
    /// Watching a run gives up after failing this long (`--poll-error-timeout`).
    pub poll_error_timeout: std::time::Duration,
    /// Inside tmux (`$TMUX` is set): copying goes through tmux as well.
    pub tmux: bool,
    /// Clicks and the wheel (`--no-mouse` or `mouse = false` turn them off).
    pub mouse: bool,
    /// Where notifications go (none: not sent).
    pub notify: crate::notify::NotifySettings,
    /// `--record FILE.cast`: the session as asciicast v2.
    pub record: Option<std::path::PathBuf>,
}

/// The App the options ask for, before anything is connected. `term` is `$TERM` (the Linux
/// console takes no OSC 52); `profiles` the AWS profile names for completion.
pub fn build_app(
    target: Target,
    client_ready: bool,
    options: &Options,
    term: Option<&str>,
    profiles: Vec<String>,
    ids: Box<dyn session::IdSource>,
) -> App {
    let mut app = App::new(options.theme.clone(), target, Timestamp::now(), ids);
    if client_ready {
        app = app.with_client_ready();
    }
    let config = &options.config;
    let s = &mut app.session;
    s.read_only = options.read_only;
    s.production = options.production;
    s.settings = session::Settings {
        bell: options.bell,
        read_only_flag: options.read_only_flag,
        presenter: options.presenter,
        osc52: config.osc52.unwrap_or(true) && term != Some("linux"),
        tmux: options.tmux,
        keys: config.key_specs().into_iter().map(keymap::Override::from_spec).collect(),
        concurrency: usize::from(config.concurrency.unwrap_or(4)).max(1),
        profiles,
        config: config.clone(),
    };
    // A config key that a screen's own key shadows would do nothing: said, not silently kept.
    let shadowed: Vec<String> = s.settings.keys.iter().filter_map(keymap::shadowed).collect();
    let notices: Vec<String> = options.notice.iter().cloned().chain(shadowed).collect();
    if !notices.is_empty() {
        s.notice(notices.join(" · "));
    }
    app
}

/// Where a fleet's TUI says it is before its cells are known: the SSO profile, and whether it
/// is the demo's.
pub fn fleet_target(f: &runtime::FleetSetup) -> Target {
    let demo = f.ready.as_ref().and_then(|r| r.cells.first()).is_some_and(|c| c.client.target.demo);
    Target { demo, profile: f.profile.clone(), ..Default::default() }
}

/// The App of a fleet: its name in the header, resolving until the runtime has its cells.
pub fn open_fleet(app: &mut App, f: &runtime::FleetSetup) {
    app.session.fleet = Some(session::FleetView {
        name: f.name.clone(),
        login_profile: f.spec.sso_profile.clone().or_else(|| f.profile.clone()),
        ..Default::default()
    });
    app.session.conn = session::Conn::Resolving;
}

/// `--record`: the recording, started at the terminal's size; the runtime journals runs with it.
fn start_recording(
    path: Option<&std::path::Path>,
    term: Option<&str>,
    rt: &mut Runtime,
) -> Result<Option<std::sync::Arc<std::sync::Mutex<record::Recorder>>>, String> {
    let Some(path) = path else { return Ok(None) };
    let (w, h) = crossterm::terminal::size().unwrap_or((80, 24));
    let r = record::Recorder::create(path, w, h, term)?;
    rt.set_recording(r.name.clone(), r.started());
    Ok(Some(std::sync::Arc::new(std::sync::Mutex::new(r))))
}

/// Opens the TUI on a ready client (demo) or resolves one in the background (live).
pub async fn run(connection: Connection, options: Options) -> i32 {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        eprintln!(
            "sctui: the interactive view needs a terminal, and this is not one. Over SSH, use `ssh -t HOST sctui`; \
             in scripts, use a command such as `sctui products` (see `sctui --help`)."
        );
        return crate::headless::EXIT_BAD_INPUT;
    }
    let (target, ready) = match &connection {
        Connection::Ready(c) => (c.target.clone(), true),
        Connection::Live { options, .. } => (options.target(), false),
        Connection::Fleet(f) => (fleet_target(f), false),
    };
    let term = std::env::var("TERM").ok();
    let ids = Box::new(session::RandomIds);
    let mut app = build_app(target, ready, &options, term.as_deref(), screen::palette::aws_profiles(), ids);
    if let Connection::Fleet(f) = &connection {
        open_fleet(&mut app, f);
    }
    let (mut rt, rx) = Runtime::new(connection, options.journal, options.read_only);
    rt.set_windows(options.token_window, options.poll_error_timeout);
    if options.notify.any() {
        rt.set_notifier(crate::notify::Notifier::new(options.notify.clone()));
    }
    let recorder = match start_recording(options.record.as_deref(), term.as_deref(), &mut rt) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("sctui: {e}");
            return crate::headless::EXIT_BAD_INPUT;
        }
    };
    install_panic_hook();
    let caps = Caps::for_term(term.as_deref(), options.mouse);
    if let Err(e) = enter(caps) {
        leave();
        eprintln!("sctui: could not set up the terminal: {e}");
        return crate::headless::EXIT_API;
    }
    let out = Sgr16::new(record::Tee { inner: std::io::stdout(), recorder: recorder.clone() }, caps.sgr16);
    let result = match Terminal::new(CrosstermBackend::new(out)) {
        Ok(terminal) => {
            let mut host = TerminalHost { terminal, caps, tmux: options.tmux, recorder: recorder.clone() };
            let size = host.terminal.size().ok().map(|s| (s.width, s.height));
            runtime::run_loop(&mut app, &mut rt, rx, &mut host, size).await
        }
        Err(e) => Err(e),
    };
    leave();
    // Notifications still going are waited for (each bounded by its timeout and retries).
    rt.flush_notifications().await;
    if let Some(r) = &recorder {
        let r = r.lock().unwrap_or_else(|p| p.into_inner());
        match &r.failed {
            Some(e) => eprintln!("sctui: the recording {} stopped early: {e}", r.name),
            None => eprintln!("sctui: the session was recorded in {} (asciicast v2: `asciinema play`)", r.name),
        }
    }
    match result {
        Ok(()) => {
            let n = app.runs.in_flight();
            let runs = if n == 1 { "1 run was".to_string() } else { format!("{n} runs were") };
            if n > 0 && app.session.target.demo {
                eprintln!("sctui: {runs} still in progress; the demo's emulator ended with sctui, and they with it.");
            } else if n > 0 {
                eprintln!(
                    "sctui: {runs} still in progress; they go on in AWS (`sctui runs resume --wait` watches them)."
                );
            }
            0
        }
        Err(e) => {
            eprintln!("sctui: the terminal failed: {e}");
            crate::headless::EXIT_API
        }
    }
}

/// The terminal's output, with colours rewritten for terminals that only know the 16 classic
/// ones (the Linux console): crossterm writes every colour as `38;5;N`, which they misread.
/// A frame is kept until it is flushed, so no sequence is ever split when it is rewritten.
pub struct Sgr16<W: Write> {
    pub inner: W,
    pub on: bool,
    pending: Vec<u8>,
}

impl<W: Write> Sgr16<W> {
    pub fn new(inner: W, on: bool) -> Sgr16<W> {
        Sgr16 { inner, on, pending: Vec::new() }
    }
}

impl<W: Write> Write for Sgr16<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if !self.on {
            return self.inner.write(buf);
        }
        self.pending.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.pending.is_empty() {
            let text = String::from_utf8_lossy(&self.pending).into_owned();
            self.pending.clear();
            self.inner.write_all(sgr16(&text).as_bytes())?;
        }
        self.inner.flush()
    }
}

/// Every SGR sequence with `38;5;N` or `48;5;N` (N < 16) rewritten as 30–37/90–97 (40–47/100–107);
/// other 256-colour values become the default colour.
pub fn sgr16(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("\x1b[") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find(|c: char| !(c.is_ascii_digit() || c == ';'));
        match end {
            Some(e) if after[e..].starts_with('m') => {
                out.push_str("\x1b[");
                out.push_str(&sgr16_params(&after[..e]));
                out.push('m');
                rest = &after[e + 1..];
            }
            _ => {
                out.push_str("\x1b[");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn sgr16_params(params: &str) -> String {
    let parts: Vec<&str> = params.split(';').collect();
    let mut out: Vec<String> = Vec::with_capacity(parts.len());
    let mut i = 0;
    while i < parts.len() {
        match (parts[i], parts.get(i + 1), parts.get(i + 2)) {
            (base @ ("38" | "48"), Some(&"5"), Some(n)) => {
                let fg = base == "38";
                out.push(match n.parse::<u8>() {
                    Ok(n @ 0..=7) => (u16::from(n) + if fg { 30 } else { 40 }).to_string(),
                    Ok(n @ 8..=15) => (u16::from(n) - 8 + if fg { 90 } else { 100 }).to_string(),
                    _ => (if fg { "39" } else { "49" }).to_string(),
                });
                i += 3;
            }
            (p, _, _) => {
                out.push(p.to_string());
                i += 1;
            }
        }
    }
    out.join(";")
}

pub fn demo(client: CatalogClient) -> Connection {
    Connection::Ready(client)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_terminals_get_no_modern_sequences_and_classic_colours() {
        let xterm = Caps::for_term(Some("xterm-256color"), true);
        assert_eq!(xterm, Caps { modern: true, mouse: true, sgr16: false });
        assert!(!Caps::for_term(Some("tmux-256color"), false).mouse, "--no-mouse");
        for basic in ["linux", "vt100", "vt220", "dumb", ""] {
            let term = (!basic.is_empty()).then_some(basic);
            assert_eq!(Caps::for_term(term, true), Caps { modern: false, mouse: false, sgr16: true }, "{basic}");
        }
        assert_eq!(sgr16("a\x1b[38;5;1mb\x1b[39m"), "a\x1b[31mb\x1b[39m");
        assert_eq!(sgr16("\x1b[38;5;8;48;5;12m"), "\x1b[90;104m");
        assert_eq!(sgr16("\x1b[1;38;5;200m\x1b[2J\x1b[5;1H"), "\x1b[1;39m\x1b[2J\x1b[5;1H");
        // Split across writes: kept until the frame is flushed.
        let mut w = Sgr16::new(Vec::new(), true);
        w.write_all(b"\x1b[38;").unwrap();
        w.write_all(b"5;2mok").unwrap();
        assert!(w.inner.is_empty());
        w.flush().unwrap();
        assert_eq!(w.inner, b"\x1b[32mok");
    }

    #[test]
    fn osc52_is_base64_between_the_markers() {
        assert_eq!(osc52("pp-6y61928a94txg"), "\x1b]52;c;cHAtNnk2MTkyOGE5NHR4Zw==\x07");
        // Inside tmux's passthrough every ESC is doubled, and ST ends it.
        assert_eq!(tmux_passthrough("\x1b]52;c;eA==\x07"), "\x1bPtmux;\x1b\x1b]52;c;eA==\x07\x1b\\");
    }

    fn options(config: &str) -> Options {
        Options {
            theme: Theme::plain_unicode(),
            bell: false,
            journal: None,
            read_only: true,
            production: true,
            notice: Some("the config file has a mistake".into()),
            presenter: true,
            config: crate::config::parse(config, std::path::Path::new("c.toml")).unwrap(),
            read_only_flag: true,
            token_window: crate::runs::TOKEN_WINDOW,
            poll_error_timeout: crate::runs::POLL_ERROR_TIMEOUT,
            tmux: true,
            mouse: true,
            notify: Default::default(),
            record: None,
        }
    }

    /// What the command line and the config file say reaches the App, in-process.
    #[test]
    fn the_options_reach_the_app() {
        let o = options("concurrency = 9\nosc52 = true\n[keys]\nhistory = \"H\"\n");
        let ids = Box::new(session::CountedIds::default());
        let app = build_app(Target::default(), false, &o, Some("xterm-256color"), vec!["ops".into()], ids);
        let s = &app.session;
        assert!(s.read_only && s.production && s.settings.presenter && s.settings.read_only_flag);
        assert!(!s.settings.bell && s.settings.osc52);
        assert_eq!(s.settings.concurrency, 9);
        assert_eq!(s.settings.profiles, ["ops"]);
        assert_eq!(s.settings.keys.len(), 1);
        assert_eq!(s.settings.keys[0].cmd, keymap::Cmd::History);
        assert!(s.toast.as_ref().is_some_and(|t| t.text.contains("mistake")));
        assert_eq!(s.conn, session::Conn::Resolving, "live: the client is resolved later");
        // The Linux console takes no OSC 52; the config can turn it off anywhere.
        let ids = Box::new(session::CountedIds::default());
        let console = build_app(Target::default(), true, &o, Some("linux"), vec![], ids);
        assert!(!console.session.settings.osc52);
        assert_eq!(console.session.conn, session::Conn::Ready);
        let off = options("osc52 = false\n");
        let ids = Box::new(session::CountedIds::default());
        assert!(!build_app(Target::default(), true, &off, Some("xterm"), vec![], ids).session.settings.osc52);
        // Issue 12: `history = "j"` would do nothing (j is "next product" where history is);
        // it is said, not silently kept. `H` is free, so it says nothing.
        let shadowed = options("[keys]\nhistory = \"j\"\n");
        let ids = Box::new(session::CountedIds::default());
        let app = build_app(Target::default(), true, &shadowed, Some("xterm"), vec![], ids);
        let toast = app.session.toast.as_ref().map(|t| t.text.clone()).unwrap_or_default();
        assert!(toast.contains("[keys]: j already means \"next product\""), "{toast}");
        assert!(!s.toast.as_ref().is_some_and(|t| t.text.contains("[keys]")), "H is free");
    }
}
