//! What every screen may read: where sctui is connected, who the caller is, the guardrails, the
//! look, the clock and the message line. Screens change it only through `update`.

use super::keymap::Override;
use super::theme::Theme;
use crate::catalog::Target;
use crate::config::Config;
use crate::domain::Timestamp;

#[derive(Debug, Clone, PartialEq)]
pub enum Conn {
    Resolving,
    Ready,
    Failed(String),
}

/// A message on the footer line until `until`.
#[derive(Debug, Clone)]
pub struct Toast {
    pub text: String,
    pub error: bool,
    pub until: f64,
}

const TOAST_SECS: f64 = 6.0;

/// Where new ids (journal run ids, ExecuteTokens) come from, so that `update` stays pure: random
/// in the product, counted in the tests.
pub trait IdSource: Send {
    fn next_id(&mut self) -> String;
}

/// Version 4 UUIDs.
pub struct RandomIds;

impl IdSource for RandomIds {
    fn next_id(&mut self) -> String {
        crate::runs::new_id()
    }
}

/// `00000000-0000-4000-8000-000000000001`, `…002`, …: UUID-shaped (ExecuteToken's pattern
/// takes them) and the same on every run of a test.
#[derive(Default)]
pub struct CountedIds(u64);

impl IdSource for CountedIds {
    fn next_id(&mut self) -> String {
        self.0 += 1;
        format!("00000000-0000-4000-8000-{:012}", self.0)
    }
}

/// One cell of the fleet the TUI shows: an account in a region, as the screens name it.
#[derive(Debug, Clone, PartialEq)]
pub struct FleetCell {
    pub account_id: String,
    /// The SSO account name, or the profile's name.
    pub account_name: String,
    pub region: String,
    /// Runs here change production (the config's production accounts or profiles).
    pub production: bool,
}

/// The fleet the TUI lists (`sctui --fleet NAME`): its name and its cells in the runtime's order
/// (a product's `cell` indexes them).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FleetView {
    pub name: String,
    pub cells: Vec<FleetCell>,
    /// The profile whose SSO session the fleet's credentials come from (`:login` signs in to it).
    pub login_profile: Option<String>,
}

impl FleetView {
    /// The cell of a journal run (its account and region), to take it up with that account's client.
    pub fn cell_of(&self, account: Option<&str>, region: Option<&str>) -> Option<u16> {
        let i = self
            .cells
            .iter()
            .position(|c| Some(c.account_id.as_str()) == account && Some(c.region.as_str()) == region)?;
        u16::try_from(i).ok()
    }
}

/// Settings fixed when the TUI opens (from flags and the config file).
#[derive(Debug, Clone)]
pub struct Settings {
    pub bell: bool,
    /// `--read-only` was given on the command line, or there is no journal (whatever the profile).
    pub read_only_flag: bool,
    /// Presenter mode: identifiers masked, a title line, calm animation.
    pub presenter: bool,
    /// The terminal takes OSC 52; otherwise copied text is shown in a dialog to select.
    pub osc52: bool,
    /// Inside tmux: copied text goes through tmux's paste buffer as well.
    pub tmux: bool,
    /// Extra keys from the config's `[keys]`.
    pub keys: Vec<Override>,
    /// The default number of batch runs at once (config `concurrency`).
    pub concurrency: usize,
    /// Profile names for completion.
    pub profiles: Vec<String>,
    /// The config, for the guardrails of another profile.
    pub config: Config,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            bell: true,
            read_only_flag: false,
            presenter: false,
            osc52: true,
            tmux: false,
            keys: Vec::new(),
            concurrency: 4,
            profiles: Vec::new(),
            config: Config::default(),
        }
    }
}

pub struct Session {
    pub theme: Theme,
    pub target: Target,
    pub conn: Conn,
    /// Counts connection attempts; an answer to an older one is dropped.
    pub connection: u64,
    /// The caller's (account, ARN), or why it is not known (STS refused, say).
    pub identity: Option<Result<(String, String), String>>,
    /// The access level of the list calls, as the header shows it, once known to be narrower
    /// than the whole account.
    pub access_level: Option<String>,
    pub settings: Settings,
    /// Executes are refused (`--read-only`, or the config for this profile).
    pub read_only: bool,
    /// The profile or account changes production.
    pub production: bool,
    /// A fleet (`--fleet`): many accounts and regions in one list; None for one connection.
    pub fleet: Option<FleetView>,
    pub toast: Option<Toast>,
    pub now: Timestamp,
    /// Animation frame (spinners).
    pub frame: usize,
    pub size: (u16, u16),
    pub ids: Box<dyn IdSource>,
}

impl Session {
    pub fn new(theme: Theme, target: Target, now: Timestamp, ids: Box<dyn IdSource>) -> Session {
        Session {
            theme,
            conn: if target.demo { Conn::Ready } else { Conn::Resolving },
            target,
            connection: 0,
            identity: None,
            access_level: None,
            settings: Settings::default(),
            read_only: false,
            production: false,
            fleet: None,
            toast: None,
            now,
            frame: 0,
            size: (80, 24),
            ids,
        }
    }

    pub fn toast(&mut self, text: impl Into<String>, error: bool) {
        self.toast = Some(Toast { text: text.into(), error, until: self.now.0 + TOAST_SECS });
    }

    /// A message shown when the TUI opens (a config mistake, say), for longer than a toast.
    pub fn notice(&mut self, text: String) {
        self.toast = Some(Toast { text, error: true, until: self.now.0 + 4.0 * TOAST_SECS });
    }

    pub fn next_id(&mut self) -> String {
        self.ids.next_id()
    }

    /// The fleet cell a product was listed from.
    pub fn cell(&self, cell: Option<u16>) -> Option<&FleetCell> {
        self.fleet.as_ref()?.cells.get(usize::from(cell?))
    }

    /// Whether a run on a product of `cell` changes production: the connection's rule, or the
    /// cell's own account.
    pub fn production_at(&self, cell: Option<u16>) -> bool {
        self.production || self.cell(cell).is_some_and(|c| c.production)
    }

    /// Where a product's requests go: its fleet cell's region and account, or the connection.
    pub fn target_of(&self, cell: Option<u16>) -> Target {
        match self.cell(cell) {
            Some(c) => Target {
                region: Some(c.region.clone()),
                account: Some(c.account_id.clone()),
                profile: None,
                ..self.target.clone()
            },
            None => self.target.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counted_ids_are_valid_execute_tokens() {
        let mut ids = CountedIds::default();
        let a = ids.next_id();
        assert_eq!(a, "00000000-0000-4000-8000-000000000001");
        assert!(crate::validate::execute_token(&a).is_ok());
        assert_ne!(a, ids.next_id());
    }
}
