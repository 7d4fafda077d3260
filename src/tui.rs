//! The interactive TUI: terminal set-up and a restore that runs on every way out (quit, Ctrl-C,
//! SIGTERM, SIGHUP, a panic in any thread), then the App, its runtime and its views.

pub mod action;
pub mod app;
pub mod effect;
pub mod form;
pub mod keymap;
pub mod palette;
pub mod runtime;
pub mod theme;
pub mod view;

use crate::catalog::{CatalogClient, ClientSettings, LiveOptions};
use crate::domain::Timestamp;
use app::App;
use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use runtime::{Connection, Host, Runtime};
use std::io::{IsTerminal, Stdout, Write};
use theme::Theme;

/// Raw mode, the alternate screen, bracketed paste, hidden cursor.
pub fn enter() -> std::io::Result<()> {
    enable_raw_mode()?;
    crossterm::execute!(std::io::stdout(), EnterAlternateScreen, EnableBracketedPaste, crossterm::cursor::Hide)?;
    Ok(())
}

/// Undoes `enter`; safe to call twice and from a panic hook.
pub fn leave() {
    let mut out = std::io::stdout();
    let _ = crossterm::execute!(out, DisableBracketedPaste, LeaveAlternateScreen, crossterm::cursor::Show);
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
    terminal: Terminal<CrosstermBackend<Stdout>>,
}

impl Host for TerminalHost {
    fn suspend(&mut self) -> std::io::Result<()> {
        leave();
        // SAFETY: raise only sends a signal to this process.
        unsafe { libc::raise(libc::SIGTSTP) };
        // Back after `fg`.
        enter()?;
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
        runtime::draw_synchronized(&mut self.terminal, app)
    }

    fn copy(&mut self, text: &str) {
        let _ = self.terminal.backend_mut().write_all(osc52(text).as_bytes());
        let _ = self.terminal.backend_mut().flush();
    }
}

/// The OSC 52 sequence that sets the clipboard: terminals pass it back over SSH, and tmux takes
/// it with its default `set-clipboard external`.
pub fn osc52(text: &str) -> String {
    use base64::Engine;
    format!("\x1b]52;c;{}\x07", base64::engine::general_purpose::STANDARD.encode(text))
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
    let target = match &connection {
        Connection::Ready(c) => c.target.clone(),
        Connection::Live { options, .. } => runtime::live_target(options),
    };
    let mut app = App::new(options.theme, target, options.bell, Timestamp::now());
    if matches!(connection, Connection::Ready(_)) {
        app = app.with_client_ready();
    }
    app.read_only = options.read_only;
    app.production = options.production;
    app.presenter = options.presenter;
    app.profiles = palette::aws_profiles();
    app.config = options.config;
    app.read_only_flag = options.read_only_flag;
    app.concurrency = usize::from(app.config.concurrency.unwrap_or(4));
    app.osc52 = app.config.osc52.unwrap_or(true) && std::env::var("TERM").map(|t| t != "linux").unwrap_or(true);
    app.key_overrides = app.config.keys.iter().filter_map(|(c, k)| keymap::parse_override(c, k).ok()).collect();
    if let Some(n) = options.notice {
        app.notice(n);
    }
    let (mut rt, rx) = Runtime::new(connection, options.journal, options.read_only);
    install_panic_hook();
    if let Err(e) = enter() {
        leave();
        eprintln!("sctui: could not set up the terminal: {e}");
        return crate::headless::EXIT_API;
    }
    let result = match Terminal::new(CrosstermBackend::new(std::io::stdout())) {
        Ok(terminal) => {
            let mut host = TerminalHost { terminal };
            let size = host.terminal.size().ok().map(|s| (s.width, s.height));
            // Test hook: a panic in a background thread must still restore the terminal.
            if std::env::var_os("SCTUI_TEST_PANIC").is_some() {
                tokio::spawn(async {
                    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
                    panic!("SCTUI_TEST_PANIC was set");
                });
            }
            runtime::run_loop(&mut app, &mut rt, rx, &mut host, size).await
        }
        Err(e) => Err(e),
    };
    leave();
    match result {
        Ok(()) => {
            let n = app.in_flight();
            if n > 0 {
                eprintln!("sctui: {n} run(s) were still in progress; they go on in AWS.");
            }
            0
        }
        Err(e) => {
            eprintln!("sctui: the terminal failed: {e}");
            crate::headless::EXIT_API
        }
    }
}

/// The live connection the operator asked for.
pub fn live(
    profile: Option<String>,
    region: Option<String>,
    endpoint_url: Option<String>,
    accept_language: Option<String>,
) -> Connection {
    Connection::Live {
        options: LiveOptions { profile, region, endpoint_url },
        settings: ClientSettings::default(),
        accept_language,
    }
}

pub fn demo(client: CatalogClient) -> Connection {
    Connection::Ready(client)
}

#[cfg(test)]
mod tests {
    #[test]
    fn osc52_is_base64_between_the_markers() {
        assert_eq!(super::osc52("pp-6y61928a94txg"), "\x1b]52;c;cHAtNnk2MTkyOGE5NHR4Zw==\x07");
    }
}
