//! One room per screen. Each screen's state lives in its `Screen` variant, so a state that cannot
//! happen cannot be written (a review always has its form; a history is dropped when left). Each
//! screen module holds its state, its update (it consumes the state and returns the next screen)
//! and its view. Overlays (help, quit, palette, copy) sit above whichever screen is showing.

pub mod browse;
pub mod form;
pub mod history;
pub mod palette;
pub mod review;
pub mod run;
pub mod runs;

use super::effect::Effect;
use super::keymap::KeyMode;
use super::runbook::RunBook;
use super::session::Session;
use browse::{Browse, ProductList};
use tui_input::Input;

/// Something loaded in the background.
#[derive(Debug, Clone)]
pub enum Fetch<T> {
    Loading,
    Ready(T),
    Failed(String),
}

#[derive(Debug, Clone)]
pub enum Screen {
    Browse(Browse),
    Form(Box<form::FormScreen>),
    Review(Box<review::ReviewScreen>),
    Run(run::RunScreen),
    Runs(runs::RunsScreen),
    History(Box<history::HistoryScreen>),
}

#[derive(Debug, Clone)]
pub enum Overlay {
    /// Every key of the screen below, scrolled this far (↑/↓, PgUp/PgDn).
    Help {
        scroll: u16,
    },
    ConfirmQuit,
    Palette(Input),
    /// Text to select by hand (no OSC 52); any key closes it.
    Copy(String),
    /// "Stop its SSM automation?" for a running run; on production, the product's name typed.
    ConfirmStop {
        run: super::action::RunId,
        typed: Option<Input>,
    },
    /// "Send it again?" (`resend`) or "Abandon it?" for an uncertain run.
    Decide {
        run: super::action::RunId,
        resend: bool,
    },
    /// `:login`. Any key closes it; the login goes on and says its end.
    Login(LoginDialog),
}

/// `:login`'s dialog: the device code to approve elsewhere (None until IAM Identity Center gave
/// one), and how the login ended.
#[derive(Debug, Clone, Default)]
pub struct LoginDialog {
    pub prompt: Option<crate::sso::Prompt>,
    /// The QR code of the URL with the code, made once when the prompt came (drawn where the
    /// screen has room).
    pub qr: Vec<String>,
    pub ended: Option<Result<String, String>>,
}

/// What a screen's update may read and change besides its own state.
pub struct Cx<'a> {
    pub session: &'a mut Session,
    pub list: &'a mut ProductList,
    pub runs: &'a mut RunBook,
}

/// The screen after a key, and what the runtime must do.
pub type Next = (Screen, Vec<Effect>);

impl Screen {
    /// The products and actions panes, the products focused.
    pub fn browse() -> Screen {
        Screen::Browse(Browse::default())
    }

    pub fn key_mode(&self, list: &ProductList) -> KeyMode {
        match self {
            Screen::Browse(b) => b.key_mode(list),
            Screen::Form(f) => f.key_mode(),
            Screen::Review(r) => r.key_mode(),
            Screen::Run(_) => KeyMode::Run,
            Screen::Runs(r) => r.key_mode(),
            Screen::History(_) => KeyMode::History,
        }
    }

    /// Applies a command of this screen's key table.
    pub fn command(self, cmd: super::keymap::Cmd, cx: &mut Cx) -> Next {
        match self {
            Screen::Browse(b) => browse::command(b, cmd, cx),
            Screen::Form(f) => form::command(*f, cmd, cx),
            Screen::Review(r) => review::command(*r, cmd, cx),
            Screen::Run(r) => run::command(r, cmd, cx),
            Screen::Runs(r) => runs::command(r, cmd, cx),
            Screen::History(h) => history::command(*h, cmd, cx),
        }
    }

    /// A key that is not a command, typed into the focused input. True if something changed.
    pub fn typed(&mut self, key: crossterm::event::KeyEvent, list: &mut ProductList) -> bool {
        match self {
            Screen::Browse(b) if b.filtering => list.type_in_filter(key),
            Screen::Form(f) => f.typed(key),
            Screen::Review(r) => r.typed(key),
            Screen::Runs(r) => r.typed(key),
            _ => false,
        }
    }

    /// Pasted text: only into an input, never taken as keys.
    pub fn paste(&mut self, text: &str, list: &mut ProductList) -> bool {
        match self {
            Screen::Browse(b) if b.filtering => list.paste_in_filter(text),
            Screen::Form(f) => f.paste(text),
            _ => false,
        }
    }

    /// What `c` copies here.
    pub fn copy_text(&self, list: &ProductList, runs: &RunBook, target: &crate::catalog::Target) -> Option<String> {
        match self {
            Screen::Browse(b) => b.copy_text(list),
            Screen::Review(r) => r.copy_text(target),
            Screen::Run(r) => r.copy_text(runs),
            Screen::Runs(r) => r.copy_text(runs),
            Screen::History(h) => h.copy_text(),
            Screen::Form(_) => None,
        }
    }

    /// Something on this screen moves with time.
    pub fn animating(&self) -> bool {
        matches!(self, Screen::Form(f) if matches!(**f, form::FormScreen::Loading { .. }))
    }
}
