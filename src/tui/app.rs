//! The one owner of state, changed only by `update(&mut App, Action) -> Vec<Effect>`: pure (no
//! I/O, no await, ids from an injected source), so every behaviour of the TUI can be tested by
//! feeding it actions. `update` only dispatches: keys to the overlay or the screen that has them,
//! background results to the model they are about.
//!
//! May import: the screens (their state and update), session, runbook, keymap, effect, action.
//! Never `view`.

use super::action::RunId;
use super::action::{Action, Connected, FleetConnected};
use super::effect::Effect;
use super::hits::{Hit, List as HitList};
use super::keymap::{self, Cmd, KeyMode};
use super::runbook::{NewRun, RunBook, RunPhase};
use super::screen::browse::{Pane, ProductList};
use super::screen::form::FormScreen;
use super::screen::history::HistoryScreen;
use super::screen::palette::{self, Command as P};
use super::screen::review::{self, Review};
use super::screen::run::RunScreen;
use super::screen::runs::RunsScreen;
use super::screen::{Cx, Overlay, Screen};
use super::session::{Conn, FleetCell, FleetView, IdSource, Session};
use super::theme::Theme;
use crate::catalog::{Error, Target};
use crate::domain::{ParameterMap, ProvisionedProduct, ServiceAction, Timestamp};
use crate::runs::journal::JournalRun;
use crossterm::event::KeyEvent;
use tui_input::Input;

pub struct App {
    pub session: Session,
    /// The products and everything known about them (kept while other screens show).
    pub list: ProductList,
    /// The runs of this session.
    pub runs: RunBook,
    pub screen: Screen,
    pub overlay: Option<Overlay>,
    pub quit: bool,
    /// Something changed since the last draw.
    pub dirty: bool,
    /// What the mouse can act on in the last frame drawn (written by the view).
    pub hits: super::hits::Hits,
}

impl App {
    pub fn new(theme: Theme, target: Target, now: Timestamp, ids: Box<dyn IdSource>) -> App {
        App {
            session: Session::new(theme, target, now, ids),
            list: ProductList::default(),
            runs: RunBook::default(),
            screen: Screen::browse(),
            overlay: None,
            quit: false,
            dirty: true,
            hits: Default::default(),
        }
    }

    /// The client exists already (demo, tests): no credentials to resolve.
    pub fn with_client_ready(mut self) -> App {
        self.session.conn = Conn::Ready;
        self
    }

    /// The effects to run at start: connect (live) or load the products (demo).
    pub fn start(&mut self) -> Vec<Effect> {
        match self.session.conn {
            Conn::Ready => vec![self.list.reload(), Effect::LoadJournal, Effect::LoadIdentity],
            _ => vec![Effect::Connect],
        }
    }

    /// The key table of the screen (under any overlay): what the help lists.
    pub fn screen_key_mode(&self) -> KeyMode {
        match &self.screen {
            Screen::Run(s) if self.runs.get(s.id).is_some_and(|r| r.decision.is_some()) => KeyMode::RunUncertain,
            Screen::Run(s)
                if self
                    .runs
                    .get(s.id)
                    .is_some_and(|r| matches!(r.steps, Some(super::runbook::Steps::Choose { .. }))) =>
            {
                KeyMode::RunChoose
            }
            screen => screen.key_mode(&self.list),
        }
    }

    pub fn key_mode(&self) -> KeyMode {
        match &self.overlay {
            Some(Overlay::ConfirmQuit) => KeyMode::ConfirmQuit,
            Some(Overlay::Palette(_)) => KeyMode::Palette,
            Some(Overlay::Help { .. }) => KeyMode::Help,
            Some(Overlay::Decide { .. }) => KeyMode::ConfirmDecision,
            Some(Overlay::ConfirmStop { .. }) => KeyMode::ConfirmStop,
            Some(Overlay::Copy(_) | Overlay::Login(_)) | None => self.screen_key_mode(),
        }
    }

    /// Something on screen moves with time (spinner, elapsed time, loading), or a toast is
    /// waiting to expire: the clock must tick.
    pub fn animating(&self) -> bool {
        self.moving() || self.session.toast.is_some()
    }

    /// Something drawn changes with each tick (a toast waiting to expire does not).
    fn moving(&self) -> bool {
        self.runs.in_flight() > 0
            || self.list.loading_shown(&self.session.conn)
            || self.session.conn == Conn::Resolving
            || self.screen.animating()
    }

    /// The review on screen, if one is.
    pub fn review(&self) -> Option<&Review> {
        match &self.screen {
            Screen::Review(r) => Some(&r.review),
            _ => None,
        }
    }

    /// The form on screen, if one is.
    pub fn form(&self) -> Option<&FormScreen> {
        match &self.screen {
            Screen::Form(f) => Some(f),
            _ => None,
        }
    }

    /// The history on screen, if one is.
    pub fn history(&self) -> Option<&HistoryScreen> {
        match &self.screen {
            Screen::History(h) => Some(h),
            _ => None,
        }
    }

    /// Runs a screen's update: the screen state is taken, and the next one put in its place.
    fn with_screen(&mut self, f: impl FnOnce(Screen, &mut Cx) -> (Screen, Vec<Effect>)) -> Vec<Effect> {
        let screen = std::mem::replace(&mut self.screen, Screen::browse());
        let mut cx = Cx { session: &mut self.session, list: &mut self.list, runs: &mut self.runs };
        let (next, effects) = f(screen, &mut cx);
        self.screen = next;
        effects
    }

    fn typed(&mut self, key: KeyEvent) -> bool {
        match &mut self.overlay {
            Some(Overlay::Palette(input)) | Some(Overlay::ConfirmStop { typed: Some(input), .. }) => {
                let event = crossterm::event::Event::Key(key);
                tui_input::backend::crossterm::to_input_request(&event).is_some_and(|r| input.handle(r).is_some())
            }
            Some(_) => false,
            None => self.screen.typed(key, &mut self.list),
        }
    }

    fn command(&mut self, cmd: Cmd) -> Vec<Effect> {
        match (&mut self.overlay, cmd) {
            (_, Cmd::ForceQuit) => self.quit_now(),
            (_, Cmd::Suspend) => vec![Effect::Suspend],
            (Some(Overlay::ConfirmQuit), Cmd::Execute) => self.quit_now(),
            (Some(Overlay::ConfirmStop { run, typed }), Cmd::Execute) => {
                let run = *run;
                let expected = self.runs.get(run).map(|r| r.product.name.clone()).unwrap_or_default();
                if typed.as_ref().is_some_and(|t| t.value() != expected) {
                    self.session.toast(format!("PRODUCTION: type {expected} exactly to stop it"), true);
                    return vec![];
                }
                self.overlay = None;
                self.runs.stop_effect(run).into_iter().collect()
            }
            (Some(Overlay::ConfirmStop { .. }), _) => {
                self.overlay = None;
                vec![]
            }
            (Some(Overlay::Decide { run, resend }), Cmd::Execute) => {
                let (run, resend) = (*run, *resend);
                self.overlay = None;
                self.decide(run, resend)
            }
            (
                Some(Overlay::Help { scroll }),
                Cmd::Down | Cmd::Up | Cmd::PageDown | Cmd::PageUp | Cmd::HalfDown | Cmd::HalfUp,
            ) => {
                // Clamped when drawn: the help never scrolls past its last key.
                *scroll = match cmd {
                    Cmd::Down => scroll.saturating_add(1),
                    Cmd::Up => scroll.saturating_sub(1),
                    Cmd::PageDown => scroll.saturating_add(10),
                    Cmd::HalfDown => scroll.saturating_add(5),
                    Cmd::HalfUp => scroll.saturating_sub(5),
                    _ => scroll.saturating_sub(10),
                };
                vec![]
            }
            (
                Some(
                    Overlay::ConfirmQuit
                    | Overlay::Help { .. }
                    | Overlay::Copy(_)
                    | Overlay::Decide { .. }
                    | Overlay::Login(_),
                ),
                _,
            ) => {
                self.overlay = None;
                vec![]
            }
            (Some(Overlay::Palette(input)), c) => match palette::on_cmd(input, c, &self.session.settings.profiles) {
                palette::Outcome::Stay => vec![],
                palette::Outcome::Close => {
                    self.overlay = None;
                    vec![]
                }
                palette::Outcome::Run(parsed) => {
                    self.overlay = None;
                    match parsed {
                        Ok(c) => self.palette_command(c),
                        Err(e) => {
                            self.session.toast(e, true);
                            vec![]
                        }
                    }
                }
            },
            (None, c) => self.screen_command(c),
        }
    }

    /// Commands that mean the same on every screen whose table has them; the rest go to the screen.
    fn screen_command(&mut self, cmd: Cmd) -> Vec<Effect> {
        match cmd {
            Cmd::Help => self.overlay = Some(Overlay::Help { scroll: 0 }),
            Cmd::Palette => self.overlay = Some(Overlay::Palette(Input::default())),
            Cmd::Quit if self.runs.in_flight() + self.runs.queued() > 0 => self.overlay = Some(Overlay::ConfirmQuit),
            Cmd::Quit => return self.quit_now(),
            Cmd::Runs => self.screen = Screen::Runs(RunsScreen::newest(&self.runs)),
            Cmd::LastRun => match self.runs.last() {
                Some(r) => self.screen = Screen::Run(RunScreen::of(r.id)),
                None => self.session.toast("No run has been started in this session yet", false),
            },
            Cmd::Copy => return self.copy(),
            Cmd::StopRun => {
                let Screen::Run(s) = &self.screen else { return vec![] };
                let id = s.id;
                if self.session.read_only {
                    self.session.toast("READ-ONLY: stopping an automation is refused", true);
                } else if self.runs.get(id).is_some_and(|r| r.stoppable()) {
                    let cell = self.runs.get(id).and_then(|r| r.product.cell);
                    let typed = self.session.production_at(cell).then(Input::default);
                    self.overlay = Some(Overlay::ConfirmStop { run: id, typed });
                } else {
                    self.session.toast("Nothing to stop: its SSM execution is not known or not running", false);
                }
            }
            Cmd::Login => return self.open_login(),
            Cmd::ConsoleLink => return self.copy_out(self.console_links()),
            Cmd::Resend | Cmd::Abandon => {
                if let Screen::Run(s) = &self.screen
                    && self.runs.get(s.id).is_some_and(|r| r.decision.is_some())
                {
                    self.overlay = Some(Overlay::Decide { run: s.id, resend: cmd == Cmd::Resend });
                }
            }
            other => return self.with_screen(|screen, cx| screen.command(other, cx)),
        }
        vec![]
    }

    /// The operator confirmed a choice for an uncertain run. Abandon: the journal closes it.
    /// Send again: with its own token while that is fresh (Service Catalog answers with the
    /// first run's record if it did arrive); past the token window, as a new run with a new
    /// token, the old one closed with a pointer to it.
    fn decide(&mut self, run: RunId, resend: bool) -> Vec<Effect> {
        let Some(r) = self.runs.get(run) else { return vec![] };
        let Some(fresh) = r.decision.as_ref().map(|d| d.token_fresh) else { return vec![] };
        let journal_id = r.journal_id.clone();
        let cell = r.product.cell;
        if !resend {
            let reason = "abandoned by the operator: its Execute was never answered".to_string();
            self.runs.decided(run, RunPhase::Abandoned(reason.clone()));
            return vec![Effect::at(cell, Effect::Abandon { run, journal_id, reason })];
        }
        if fresh {
            let Some(open) = self.runs.decided(run, RunPhase::Submitting) else { return vec![] };
            return vec![Effect::at(cell, Effect::Resend { run, open })];
        }
        let new = NewRun {
            product: r.product.clone(),
            action: r.action.clone(),
            document: r.document.clone(),
            parameters: r.parameters.clone(),
            token: self.session.next_id(),
            journal_id: self.session.next_id(),
            phase: RunPhase::Submitting,
        };
        let reason = format!("sent again as run {} with a new token", new.journal_id);
        self.runs.decided(run, RunPhase::Abandoned(reason.clone()));
        let id = self.runs.add(new, self.session.now);
        let Some(spec) = self.runs.get(id).map(|r| r.spec()) else { return vec![] };
        self.screen = Screen::Run(RunScreen::of(id));
        vec![
            Effect::at(cell, Effect::Abandon { run, journal_id, reason }),
            Effect::at(cell, Effect::Execute { run: id, spec }),
        ]
    }

    fn quit_now(&mut self) -> Vec<Effect> {
        self.quit = true;
        vec![Effect::Quit]
    }

    /// What `c` copies on this screen: through OSC 52, or shown to select by hand. It goes
    /// through the same sanitiser as the screen, so what is copied is exactly what is shown, and
    /// no control character reaches a clipboard (or a shell it is pasted into).
    fn copy(&mut self) -> Vec<Effect> {
        let cell = match &self.screen {
            Screen::Review(r) => r.form.product.cell,
            _ => None,
        };
        let text = self.screen.copy_text(&self.list, &self.runs, &self.session.target_of(cell));
        self.copy_out(text)
    }

    /// `o`: the AWS console links of what this screen shows (in its product's region).
    fn console_links(&self) -> Option<String> {
        use crate::runs::console;
        let region = |cell: Option<u16>| self.session.target_of(cell).region.unwrap_or_else(|| "us-east-1".into());
        let of_run = |r: &crate::tui::runbook::Run| {
            let execution = match &r.steps {
                Some(crate::tui::runbook::Steps::Ready(a)) => Some(a.automation_execution_id.as_str()),
                _ => crate::runs::automation::named(&r.outputs),
            };
            let record = r.record.as_ref().map(|d| d.record_id.as_str());
            console::run_links(&region(r.product.cell), &r.product.id, record, execution).join("  ")
        };
        match &self.screen {
            Screen::Browse(_) => {
                let p = self.list.selected_product()?;
                Some(console::provisioned_product(&region(p.cell), &p.id))
            }
            Screen::Run(s) => self.runs.get(s.id).map(of_run),
            Screen::Runs(s) => s.chosen(&self.runs).map(of_run),
            Screen::History(h) => {
                let record = h.records.get(h.selected).map(|r| r.record_id.as_str());
                Some(console::run_links(&region(h.product.cell), &h.product.id, record, None).join("  "))
            }
            Screen::Form(_) | Screen::Review(_) => None,
        }
    }

    /// Puts `text` on the clipboard (OSC 52), or shows it to select where the terminal takes none.
    fn copy_out(&mut self, text: Option<String>) -> Vec<Effect> {
        let text = text.map(|t| crate::validate::clean(&t));
        match text {
            Some(t) if !self.session.settings.osc52 => {
                self.overlay = Some(Overlay::Copy(t));
                vec![]
            }
            Some(t) => {
                let how = if self.session.settings.tmux {
                    "Copied to tmux's paste buffer (prefix ]) and, through tmux, to your terminal's clipboard"
                } else {
                    "Copied (OSC 52)"
                };
                self.session.toast(format!("{how}: {t}"), false);
                vec![Effect::Copy(t)]
            }
            None => {
                self.session.toast("Nothing to copy here yet", false);
                vec![]
            }
        }
    }

    fn palette_command(&mut self, command: P) -> Vec<Effect> {
        // A form or review is never dropped by a command typed over it: Esc first.
        let leaves = matches!(command, P::Profile(_) | P::Region(_) | P::Filter(_) | P::Runs | P::History);
        if leaves && matches!(self.screen, Screen::Form(_) | Screen::Review(_)) {
            self.session.toast("Finish or cancel the form first (Esc): that command would drop it", true);
            return vec![];
        }
        match command {
            P::Profile(_) | P::Region(_) if self.session.target.demo => {
                let text = "The demo has one world: start sctui without --demo to switch profiles and regions";
                self.session.toast(text, true);
                vec![]
            }
            P::Profile(p) => self.reconnect(Some(p), None),
            P::Region(r) => self.reconnect(self.session.target.profile.clone(), Some(r)),
            P::Access(level) => {
                self.session.access_level = None;
                vec![Effect::SetAccessLevel(level), self.list.reload()]
            }
            P::Theme(t) => {
                self.session.theme = self.session.theme.clone().variant(t);
                vec![]
            }
            P::Filter(text) => {
                self.screen = Screen::browse();
                self.list.pane = Pane::Products;
                self.list.set_filter(text)
            }
            P::Runs => self.screen_command(Cmd::Runs),
            P::History => {
                self.screen = Screen::browse();
                self.list.pane = Pane::Products;
                self.screen_command(Cmd::History)
            }
            P::Refresh => vec![self.list.reload()],
            P::OverrideFreeze(reason) => {
                match &mut self.screen {
                    Screen::Review(r) if matches!(r.review.freeze, review::FreezeCheck::Held { .. }) => {
                        self.session.toast(format!("FREEZE overridden, the journal keeps why: {reason}"), false);
                        r.review.freeze_reason = Some(reason);
                    }
                    _ => self.session.toast("override-freeze: only on a review that a change freeze holds", true),
                }
                vec![]
            }
            P::Login if self.session.target.demo => {
                self.session.toast("The demo has no SSO: start sctui with an SSO profile to sign in", true);
                vec![]
            }
            P::Login => self.open_login(),
            P::Help => self.screen_command(Cmd::Help),
            P::Quit => self.screen_command(Cmd::Quit),
        }
    }

    /// The access level the list settled on (narrower than asked), said once.
    fn access_level_known(&mut self, narrowed: Option<String>, note: Option<String>) -> Vec<Effect> {
        self.session.access_level = narrowed;
        if let Some(n) = note {
            self.session.toast(n, false);
        }
        vec![]
    }

    /// `:login` (or L on a run whose credentials expired): the device-code dialog, for the
    /// fleet's SSO profile or the connection's.
    pub fn open_login(&mut self) -> Vec<Effect> {
        self.overlay = Some(Overlay::Login(Default::default()));
        let fleet = self.session.fleet.as_ref().and_then(|f| f.login_profile.clone());
        vec![Effect::Login { profile: fleet.or_else(|| self.session.target.profile.clone()) }]
    }

    /// The fleet was resolved: its cells become the list's, each loaded on its own; the
    /// journal's open runs of any of its accounts are taken up (again, after a login).
    fn fleet_ready(&mut self, generation: u64, result: Result<FleetConnected, String>) -> Vec<Effect> {
        if generation != self.session.connection {
            return vec![];
        }
        let f = match result {
            Ok(FleetConnected(f)) => f,
            Err(e) => {
                self.session.conn = Conn::Failed(e);
                return vec![];
            }
        };
        let config = &self.session.settings.config;
        let cells: Vec<FleetCell> = f
            .cells
            .iter()
            .map(|c| FleetCell {
                account_id: c.account_id.clone(),
                account_name: c.account_name.clone(),
                region: c.region.clone(),
                production: config.production_for(c.profile.as_deref(), Some(&c.account_id)),
            })
            .collect();
        let login_profile = self.session.fleet.as_ref().and_then(|v| v.login_profile.clone());
        let view = FleetView { name: f.name.clone(), cells: cells.clone(), login_profile };
        self.session.fleet = Some(view);
        self.session.conn = Conn::Ready;
        if let Some(p) = f.problems.first() {
            let more = f.problems.len() - 1;
            let more = if more > 0 { format!(" (and {more} more)") } else { String::new() };
            self.session.notice(format!("fleet {}: {p}{more}", f.name));
        }
        vec![self.list.set_fleet(cells), Effect::LoadJournal]
    }

    /// `:login`'s code to approve, on its dialog if it is still open.
    fn login_prompt(&mut self, p: crate::sso::Prompt) -> Vec<Effect> {
        if let Some(Overlay::Login(d)) = &mut self.overlay {
            d.qr = p.complete.as_deref().and_then(|c| crate::sso::qr_lines(c, usize::MAX)).unwrap_or_default();
            d.prompt = Some(p);
        }
        vec![]
    }

    /// `:login` ended: signed in, the connection is made again with the fresh credentials (runs
    /// in flight go on being watched); otherwise the reason, on the dialog if it is still open.
    fn login_done(&mut self, result: Result<String, String>) -> Vec<Effect> {
        let text = match &result {
            Ok(until) => format!("Signed in to IAM Identity Center: the session is good until {until}"),
            Err(e) => format!("Sign-in failed: {e}"),
        };
        self.session.toast(text, result.is_err());
        if let Some(Overlay::Login(d)) = &mut self.overlay {
            d.ended = Some(result.clone());
        }
        match result {
            // A fleet is resolved again: every cell gets credentials from the new session.
            Ok(_) if self.session.fleet.is_some() => {
                let s = &mut self.session;
                s.connection += 1;
                s.conn = Conn::Resolving;
                self.list.forget();
                vec![Effect::ConnectFleet { generation: s.connection }]
            }
            Ok(_) => self.reconnect(self.session.target.profile.clone(), self.session.target.region.clone()),
            Err(_) => vec![],
        }
    }

    /// Another profile or region: a new connection, a new list; runs in flight go on being watched.
    fn reconnect(&mut self, profile: Option<String>, region: Option<String>) -> Vec<Effect> {
        let s = &mut self.session;
        let read_only = s.settings.read_only_flag || s.settings.config.read_only_for(profile.as_deref());
        s.read_only = read_only;
        s.production = s.settings.config.production_for(profile.as_deref(), None);
        s.target.profile = profile.clone();
        s.target.region = region.clone();
        s.conn = Conn::Resolving;
        s.identity = None;
        s.access_level = None;
        s.connection += 1;
        self.list.forget();
        self.screen = Screen::browse();
        vec![Effect::Reconnect { generation: self.session.connection, profile, region, read_only }]
    }

    fn client_ready(&mut self, generation: u64, result: Result<Connected, Error>) -> Vec<Effect> {
        if generation != self.session.connection {
            return vec![];
        }
        match result {
            Ok(c) => {
                self.session.target = c.target().clone();
                self.session.conn = Conn::Ready;
                self.session.identity = None;
                if !c.0.notices.is_empty() {
                    self.session.notice(c.0.notices.join(" · "));
                }
                vec![self.list.reload(), Effect::LoadJournal, Effect::LoadIdentity]
            }
            Err(e) => {
                self.session.conn = Conn::Failed(e.to_string());
                vec![]
            }
        }
    }

    fn identity_loaded(&mut self, result: Result<(String, String), Error>) {
        let s = &mut self.session;
        let account = result.as_ref().map(|(a, _)| a.as_str()).map_err(|e| e.message.as_str());
        let why = s.settings.config.production_reason(s.target.profile.as_deref(), Some(account));
        if let Some(why) = why.filter(|_| !s.production) {
            s.production = true;
            // An unknown account fails closed, and the operator is told why.
            if result.is_err() {
                s.notice(format!("{why}: treated as PRODUCTION"));
            }
        }
        s.identity = Some(result.map_err(|e| e.message));
    }

    fn tick(&mut self, now: Timestamp) -> bool {
        let s = &mut self.session;
        s.now = now;
        s.frame = s.frame.wrapping_add(1);
        let expired = s.toast.as_ref().is_some_and(|t| t.until <= now.0);
        if expired {
            s.toast = None;
        }
        // A tick that changes nothing on screen draws nothing (an idle screen with a message
        // waiting to expire wrote an empty frame four times a second).
        expired || self.moving()
    }

    /// Background results about the screen on show; dropped if that screen has gone.
    fn on_screen_result(&mut self, action: Action) {
        let screen = std::mem::replace(&mut self.screen, Screen::browse());
        self.screen = match (screen, action) {
            (Screen::Form(f), Action::FormLoaded { pp_id, action_id, result, definition_missing }) => {
                Screen::Form(Box::new(f.loaded(&pp_id, &action_id, result, definition_missing)))
            }
            (Screen::Review(mut r), Action::TargetsLoaded { pp_id, result }) => {
                r.on_targets(&pp_id, &result);
                Screen::Review(r)
            }
            (Screen::Review(mut r), Action::PreviewLoaded { token, result }) => {
                r.on_preview(&token, result);
                Screen::Review(r)
            }
            (Screen::Review(mut r), Action::FreezeLoaded { token, freeze }) if r.review.token == token => {
                if let review::FreezeCheck::Loading = r.review.freeze {
                    r.review.freeze = review::FreezeCheck::of(freeze, &self.session.settings.config.freeze_calendars);
                }
                Screen::Review(r)
            }
            (Screen::History(mut h), Action::HistoryActions { pp_id, actions }) if h.product.id == pp_id => {
                h.actions = actions;
                h.actions_known = true;
                Screen::History(h)
            }
            (Screen::History(mut h), Action::HistoryPage { pp_id, result }) => {
                h.on_page(&pp_id, result);
                Screen::History(h)
            }
            (Screen::History(mut h), Action::RecordLoaded { record_id, result }) => {
                h.on_record(&record_id, result);
                Screen::History(h)
            }
            (other, _) => other,
        };
    }

    fn journal_found(
        &mut self,
        product: ProvisionedProduct,
        found: Option<(String, String, Option<ParameterMap>)>,
    ) -> Vec<Effect> {
        // The answer belongs to the history that asked: once the operator has left it, no form
        // replaces the screen they went to.
        if !matches!(&self.screen, Screen::History(h) if h.product.id == product.id) {
            return vec![];
        }
        match found {
            Some((action_id, action_name, parameters)) => {
                let action = ServiceAction { id: action_id, name: action_name, ..Default::default() };
                let (screen, effects) = super::screen::form::open(product, action, parameters, None);
                self.screen = screen;
                effects
            }
            None => {
                let text = "sctui's journal has no run for this record (it was started elsewhere): pick the action from the actions list";
                self.session.toast(text, true);
                vec![]
            }
        }
    }

    fn journal_loaded(&mut self, open: Vec<JournalRun>, problems: Vec<String>, closed_demo: usize) -> Vec<Effect> {
        let (n, effects) = self.runs.resume(open, self.session.fleet.as_ref());
        if let Some(p) = problems.first() {
            let n = problems.len();
            let problems = if n == 1 { "1 journal problem".to_string() } else { format!("{n} journal problems") };
            self.session.toast(format!("{p} ({problems}; see `sctui runs`)"), true);
        } else if n > 0 {
            let runs = if n == 1 {
                "1 run from an earlier session did not end; it is".to_string()
            } else {
                format!("{n} runs from an earlier session did not end; they are")
            };
            let text = format!("{runs} watched again (R lists them)");
            self.session.toast(text, false);
        } else if closed_demo > 0 {
            // The demo's runs end with its emulator: said when the next demo opens (issue 12).
            let runs = if closed_demo == 1 { "1 run".to_string() } else { format!("{closed_demo} runs") };
            let text = format!(
                "{runs} of an earlier demo session did not end before it quit: closed as ABANDONED (`sctui runs` lists them)"
            );
            self.session.toast(text, false);
        }
        effects
    }
}

/// Lines (or rows) one wheel notch moves.
const WHEEL_LINES: usize = 3;

/// Applies one action. Returns what the runtime must do next.
pub fn update(app: &mut App, action: Action) -> Vec<Effect> {
    let mut changed = true;
    let effects = match action {
        Action::Key(_) | Action::Mouse(_) => {
            let screen = std::mem::discriminant(&app.screen);
            let toast = app.session.toast.as_ref().map(|t| (t.text.clone(), t.until.to_bits()));
            let (effects, c) = match action {
                Action::Key(key) => app.key(key),
                Action::Mouse(m) => app.mouse(m),
                _ => (vec![], false),
            };
            changed = c;
            // A message belongs to the screen it was shown on: leaving that screen clears it
            // (one raised by this very key stays).
            if std::mem::discriminant(&app.screen) != screen
                && app.session.toast.as_ref().map(|t| (t.text.clone(), t.until.to_bits())) == toast
            {
                app.session.toast = None;
            }
            effects
        }
        Action::Paste(text) => {
            // A paste is never taken as keys: no Enter inside it can confirm anything.
            changed = app.overlay.is_none() && app.screen.paste(&text, &mut app.list);
            vec![]
        }
        Action::Resize(w, h) => {
            app.session.size = (w, h);
            vec![]
        }
        Action::Tick(now) => {
            changed = app.tick(now);
            vec![]
        }
        other => app.on_result(other),
    };
    if changed {
        app.dirty = true;
    }
    let mut effects = effects;
    // The run on screen: its SSM steps, read at most once per record poll (never for a run
    // that is not on screen).
    if let Screen::Run(s) = &app.screen
        && let Some(e) = app.runs.steps_effect(s.id)
    {
        effects.push(e);
    }
    effects
}

impl App {
    /// A key: the command it means on this screen, or text typed into the focused input.
    /// Returns the effects and whether anything changed.
    fn key(&mut self, key: KeyEvent) -> (Vec<Effect>, bool) {
        if matches!(self.overlay, Some(Overlay::Copy(_) | Overlay::Login(_))) {
            self.overlay = None;
            return (vec![], true);
        }
        match keymap::lookup_with(self.key_mode(), &key, &self.session.settings.keys) {
            Some(cmd) => (self.command(cmd), true),
            None => (vec![], self.typed(key)),
        }
    }

    /// A click or a wheel notch, on what the last frame drew there: the same as the keys that
    /// do it (a button is its key; the wheel is three ↑ or ↓ on the list or text under it).
    fn mouse(&mut self, m: crossterm::event::MouseEvent) -> (Vec<Effect>, bool) {
        use crossterm::event::{KeyCode, MouseButton, MouseEventKind as M};
        let Some(hit) = self.hits.at(m.column, m.row) else { return (vec![], false) };
        let wheel = match m.kind {
            M::Down(MouseButton::Left) => return self.click(hit),
            M::ScrollDown => KeyCode::Down,
            M::ScrollUp => KeyCode::Up,
            _ => return (vec![], false),
        };
        match hit {
            Hit::Row(list, _) | Hit::Pane(list) => self.focus(list),
            Hit::Text => {}
            // Over a dialog only the help scrolls; a wheel must not answer a question.
            Hit::Modal if matches!(self.overlay, Some(Overlay::Help { .. })) => {}
            Hit::Modal | Hit::Key(_) => return (vec![], false),
        }
        let mut effects = Vec::new();
        for _ in 0..WHEEL_LINES {
            effects.extend(self.key(KeyEvent::from(wheel)).0);
        }
        (effects, true)
    }

    fn click(&mut self, hit: Hit) -> (Vec<Effect>, bool) {
        match hit {
            Hit::Key(key) => self.key(key),
            // Outside a dialog: the help and copied text close; a question stays until answered.
            Hit::Modal if matches!(self.overlay, Some(Overlay::Help { .. } | Overlay::Copy(_) | Overlay::Login(_))) => {
                self.overlay = None;
                (vec![], true)
            }
            Hit::Modal | Hit::Text => (vec![], false),
            Hit::Pane(list) => {
                self.focus(list);
                (vec![], true)
            }
            Hit::Row(list, index) => (self.select(list, index), true),
        }
    }

    /// The pane under the mouse gets the keys.
    fn focus(&mut self, list: HitList) {
        if let Screen::Browse(b) = &mut self.screen {
            match list {
                HitList::Products => self.list.pane = Pane::Products,
                HitList::Actions if self.list.selected_product().is_some() => {
                    self.list.pane = Pane::Actions;
                    b.filtering = false;
                }
                _ => {}
            }
        }
    }

    /// A click on a row selects it; a click on the row already selected opens it (as Enter).
    fn select(&mut self, list: HitList, index: usize) -> Vec<Effect> {
        let actions_had_keys = self.list.pane == Pane::Actions;
        self.focus(list);
        let again = match (&mut self.screen, list) {
            (Screen::Browse(_), HitList::Products) => {
                if index < self.list.visible.len() && index != self.list.selected {
                    self.list.selected = index;
                    return self.list.selection_changed();
                }
                false
            }
            (Screen::Browse(_), HitList::Actions) => {
                let again = actions_had_keys && self.list.action_selected == index;
                self.list.action_selected = index;
                again
            }
            (Screen::Runs(s), HitList::Runs) => std::mem::replace(&mut s.selected, index) == index,
            (Screen::History(h), HitList::History) => std::mem::replace(&mut h.selected, index) == index,
            (Screen::Form(f), HitList::Fields) => {
                if let FormScreen::Ready(form) = &mut **f
                    && index < form.fields.len()
                    && !form.asking_discard
                {
                    // A field being typed in stops typing when another gets the focus.
                    if let Some(field) = form.focused_mut() {
                        field.stop_editing();
                    }
                    form.focus = index;
                }
                false
            }
            _ => false,
        };
        if again { self.screen_command(Cmd::Open) } else { vec![] }
    }

    /// A batch run's turn, or a run's SSM steps.
    fn on_run_news(&mut self, action: Action) {
        match action {
            Action::StepsLoaded { run, result } => self.runs.steps_loaded(run, result),
            Action::RunLaunched { run } => self.runs.launched(run, self.session.now),
            Action::StopSent { result: Ok(()), .. } => {
                self.session.toast("Stopped: the automation is Cancelled, and the record ends FAILED", false);
            }
            Action::StopSent { result: Err(e), .. } => self.session.toast(e, true),
            _ => {}
        }
    }

    /// A problem on the message line; nothing to do.
    fn say_error(&mut self, text: String) -> Vec<Effect> {
        self.session.toast(text, true);
        vec![]
    }

    /// What background work reports: to the model it is about.
    fn on_result(&mut self, action: Action) -> Vec<Effect> {
        let app = self;
        match action {
            Action::Key(_) | Action::Mouse(_) | Action::Paste(_) | Action::Resize(..) | Action::Tick(_) => vec![],
            Action::ClientReady { generation, result } => app.client_ready(generation, result),
            Action::ProductsPage { generation, cell, page } => app.list.on_page(generation, cell, page),
            Action::FleetReady { generation, result } => app.fleet_ready(generation, result),
            Action::ProductsFailed { generation, cell, error, retrying } => {
                app.list.on_failed(generation, cell, &error, retrying).map(|t| app.say_error(t)).unwrap_or_default()
            }
            Action::AccessLevelKnown { narrowed, note } => app.access_level_known(narrowed, note),
            Action::ProductUpdated(fresh) => {
                app.list.on_product_updated(fresh);
                vec![]
            }
            Action::ActionsLoaded { key, result } => {
                let mut effects = app.list.on_actions(key, result);
                if let Screen::Review(r) = &mut app.screen {
                    effects.extend(r.resolve_batch(&mut app.list));
                }
                effects
            }
            Action::DefinitionLoaded { cell, action_id, result } => {
                app.list.on_definition(cell, action_id, result);
                vec![]
            }
            Action::NotifyFailed(what) => app.say_error(what),
            Action::LoginPrompt(p) => app.login_prompt(p),
            Action::LoginDone(result) => app.login_done(result),
            Action::IdentityLoaded(result) => {
                app.identity_loaded(result);
                vec![]
            }
            Action::JournalRunFound { product, found } => app.journal_found(product, found),
            Action::JournalLoaded { open, problems, closed_demo } => app.journal_loaded(open, problems, closed_demo),
            a @ (Action::StepsLoaded { .. } | Action::RunLaunched { .. } | Action::StopSent { .. }) => {
                app.on_run_news(a);
                vec![]
            }
            Action::RunRetrying { run, error } => {
                app.runs.retrying(run, &error);
                vec![]
            }
            Action::RunSubmitted { run, record } => {
                if let Some((pp, record_id)) = app.runs.submitted(run, record, app.session.now) {
                    app.list.set_busy(&pp, &record_id);
                }
                vec![]
            }
            Action::RunFailed { run, error } => {
                app.runs.failed(run, &error, &mut app.session);
                vec![]
            }
            Action::Candidates { run, result, token_fresh } => {
                app.runs.candidates(run, result, token_fresh);
                vec![]
            }
            Action::RunUnjournaled { run, message } => {
                app.runs.unjournaled(run, &message, &mut app.session);
                vec![]
            }
            Action::RunSkipped { run, reason } => {
                app.runs.skipped(run, &reason);
                vec![]
            }
            Action::RecordPolled { run, result } => app.runs.polled(run, result, &mut app.session),
            a @ (Action::FormLoaded { .. }
            | Action::TargetsLoaded { .. }
            | Action::PreviewLoaded { .. }
            | Action::FreezeLoaded { .. }
            | Action::HistoryPage { .. }
            | Action::HistoryActions { .. }
            | Action::RecordLoaded { .. }) => {
                app.on_screen_result(a);
                vec![]
            }
        }
    }
}

#[cfg(test)]
mod tests;
