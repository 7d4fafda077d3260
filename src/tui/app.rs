//! The one owner of state, changed only by `update(&mut App, Action) -> Vec<Effect>`: pure, no I/O,
//! no await, so every behaviour of the TUI can be tested by feeding it actions.

use super::action::{Action, RunId};
use super::effect::Effect;
use super::form::Form;
use super::keymap::{self, Cmd, KeyMode};
use super::theme::Theme;
use crate::catalog::{Error, ErrorKind, ProductQuery, Target};
use crate::domain::{
    ActionDefinition, ExecutionParameter, ParameterMap, ProductStatus, ProvisionedProduct, RecordDetail, RecordOutput,
    RecordStatus, ServiceAction, Timestamp,
};
use crate::runs::RunSpec;
use crate::runs::journal::JournalRun;
use crossterm::event::{Event, KeyCode, KeyEvent};
use std::collections::HashMap;
use std::sync::Arc;
use tui_input::Input;
use tui_input::backend::crossterm::to_input_request;

#[derive(Debug, Clone, PartialEq)]
pub enum Conn {
    Resolving,
    Ready,
    Failed(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Products,
    Actions,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Browse,
    Form,
    Review,
    Run(RunId),
    Runs,
    History,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Listed,
    Name,
    Status,
    Product,
    Created,
}

impl SortKey {
    pub fn label(self) -> &'static str {
        match self {
            SortKey::Listed => "as listed",
            SortKey::Name => "name",
            SortKey::Status => "status",
            SortKey::Product => "product",
            SortKey::Created => "created",
        }
    }

    fn next(self) -> SortKey {
        match self {
            SortKey::Listed => SortKey::Name,
            SortKey::Name => SortKey::Status,
            SortKey::Status => SortKey::Product,
            SortKey::Product => SortKey::Created,
            SortKey::Created => SortKey::Listed,
        }
    }
}

#[derive(Debug, Clone)]
pub enum Fetch<T> {
    Loading,
    Ready(T),
    Failed(String),
}

#[derive(Debug, Clone, Default)]
pub struct Loading {
    pub generation: u64,
    pub pages: usize,
    pub done: bool,
    pub total: Option<i32>,
    pub error: Option<String>,
}

#[derive(Debug, Clone)]
pub enum FormScreen {
    Loading { product: ProvisionedProduct, action: ServiceAction },
    Failed { product: ProvisionedProduct, action: ServiceAction, message: String },
    Ready(Box<Form>),
}

/// One product of a batch review: its action (found by name on its own version) and the TARGET
/// values Service Catalog will use for it.
#[derive(Debug, Clone)]
pub struct BatchItem {
    pub product: ProvisionedProduct,
    /// Loading until the product version's actions are known; Ready(None): it has no such action.
    pub action: Fetch<Option<ServiceAction>>,
    pub targets: Fetch<Vec<ExecutionParameter>>,
}

#[derive(Debug, Clone)]
pub struct BatchPlan {
    pub items: Vec<BatchItem>,
    pub concurrency: usize,
    pub stop_on_failure: bool,
}

/// The runs of the last batch, for the summary above the runs list.
#[derive(Debug, Clone)]
pub struct BatchSummary {
    pub action: String,
    pub runs: Vec<RunId>,
}

#[derive(Debug, Clone)]
pub struct Review {
    pub token: String,
    pub parameters: Option<ParameterMap>,
    /// The Execute button has the focus; Cancel is the default.
    pub on_execute: bool,
    /// Production: the product's name (for a batch, the number of products), typed to confirm.
    pub confirm: Option<Input>,
    pub batch: Option<BatchPlan>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RunPhase {
    Submitting,
    Watching,
    Ended,
    SubmitFailed(String),
}

#[derive(Debug, Clone)]
pub struct Run {
    pub id: RunId,
    pub product: ProvisionedProduct,
    pub action: ServiceAction,
    pub document: Option<String>,
    pub parameters: Option<ParameterMap>,
    pub token: String,
    pub started: Timestamp,
    pub record: Option<RecordDetail>,
    pub outputs: Vec<RecordOutput>,
    /// Each status with the time it was first seen (the record's UpdatedTime when it has one).
    pub timeline: Vec<(Timestamp, RecordStatus)>,
    pub phase: RunPhase,
    /// The last problem reaching Service Catalog while watching; cleared by the next answer.
    pub problem: Option<String>,
    /// The run's id in the journal.
    pub journal_id: String,
    /// Taken up from the journal of an earlier session.
    pub resumed: bool,
}

impl Run {
    pub fn status(&self) -> Option<&RecordStatus> {
        self.record.as_ref().and_then(|r| r.status.as_ref())
    }

    pub fn in_flight(&self) -> bool {
        matches!(self.phase, RunPhase::Submitting | RunPhase::Watching)
    }

    /// Since when the run has been in its current status.
    pub fn since(&self) -> Timestamp {
        self.timeline.last().map(|t| t.0).unwrap_or(self.started)
    }
}

pub type RecordWithOutputs = (RecordDetail, Vec<RecordOutput>);

/// A product's records (ListRecordHistory), newest first, loaded page by page.
#[derive(Debug, Clone)]
pub struct History {
    pub product: ProvisionedProduct,
    pub records: Vec<RecordDetail>,
    pub next_token: Option<String>,
    pub loading: bool,
    pub error: Option<String>,
    pub selected: usize,
    /// The record whose details are shown, and its details once read.
    pub detail: Option<(String, Fetch<RecordWithOutputs>)>,
}

#[derive(Debug, Clone)]
pub struct Toast {
    pub text: String,
    pub error: bool,
    pub until: f64,
}

pub struct App {
    pub theme: Theme,
    pub target: Target,
    pub bell: bool,
    pub conn: Conn,
    pub products: Vec<ProvisionedProduct>,
    /// Per product, the lowercase text the filter searches (built once, not per keystroke).
    search_keys: Vec<String>,
    /// The filter text `visible` was computed for, to narrow instead of rescanning while typing.
    filtered_for: String,
    /// Indices into `products` that pass the filter, in display order.
    pub visible: Vec<usize>,
    /// Position in `visible`.
    pub selected: usize,
    /// The selected product's id: the selection follows the product, not the row.
    pub selected_id: Option<String>,
    pub loading: Loading,
    pub filter: Input,
    pub filtering: bool,
    pub sort: SortKey,
    pub descending: bool,
    pub focus: Pane,
    pub actions: HashMap<(String, String), Fetch<Arc<Vec<ServiceAction>>>>,
    /// Each action's SSM document, by action id (fetched once).
    pub definitions: HashMap<String, Fetch<ActionDefinition>>,
    pub action_selected: usize,
    pub screen: Screen,
    pub form: Option<FormScreen>,
    pub review: Option<Review>,
    pub runs: Vec<Run>,
    pub runs_selected: usize,
    pub history: Option<History>,
    /// Products marked for a batch run, by id.
    pub marks: std::collections::BTreeSet<String>,
    pub batch: Option<BatchSummary>,
    /// The default number of batch runs at once (config `concurrency`).
    pub concurrency: usize,
    /// The command palette, while it is open.
    pub palette: Option<Input>,
    /// Profile names for completion.
    pub profiles: Vec<String>,
    /// The config, for the guardrails of another profile.
    pub config: crate::config::Config,
    /// `--read-only` was given on the command line (whatever the profile).
    pub read_only_flag: bool,
    /// Extra keys from the config's `[keys]`.
    pub key_overrides: Vec<keymap::Override>,
    /// The terminal takes OSC 52; otherwise copied text is shown in a dialog to select.
    pub osc52: bool,
    /// Text to select by hand (no OSC 52); any key closes it.
    pub copy_dialog: Option<String>,
    /// The caller's (account, ARN), or why it is not known (STS refused, say).
    pub identity: Option<Result<(String, String), String>>,
    /// Parameters to fill the next form with (a re-run).
    prefill: Option<ParameterMap>,
    /// The marked products the next form is for (a batch).
    pending_batch: Option<Vec<ProvisionedProduct>>,
    pub help: bool,
    pub confirm_quit: bool,
    pub quit: bool,
    pub toast: Option<Toast>,
    pub now: Timestamp,
    pub frame: usize,
    pub size: (u16, u16),
    /// Executes are refused (`--read-only`, or the config for this profile).
    pub read_only: bool,
    /// The profile or account changes production.
    pub production: bool,
    /// Presenter mode: identifiers masked, a title line, calm animation.
    pub presenter: bool,
    /// Something changed since the last draw.
    pub dirty: bool,
    next_run: u64,
}

const TOAST_SECS: f64 = 6.0;

impl App {
    pub fn new(theme: Theme, target: Target, bell: bool, now: Timestamp) -> App {
        App {
            theme,
            conn: if target.demo { Conn::Ready } else { Conn::Resolving },
            target,
            bell,
            products: Vec::new(),
            search_keys: Vec::new(),
            filtered_for: String::new(),
            visible: Vec::new(),
            selected: 0,
            selected_id: None,
            loading: Loading::default(),
            filter: Input::default(),
            filtering: false,
            sort: SortKey::Listed,
            descending: false,
            focus: Pane::Products,
            actions: HashMap::new(),
            definitions: HashMap::new(),
            action_selected: 0,
            screen: Screen::Browse,
            form: None,
            review: None,
            runs: Vec::new(),
            runs_selected: 0,
            history: None,
            marks: Default::default(),
            batch: None,
            concurrency: 4,
            palette: None,
            profiles: Vec::new(),
            config: Default::default(),
            read_only_flag: false,
            key_overrides: Vec::new(),
            osc52: true,
            copy_dialog: None,
            identity: None,
            prefill: None,
            pending_batch: None,
            help: false,
            confirm_quit: false,
            quit: false,
            toast: None,
            now,
            frame: 0,
            size: (80, 24),
            read_only: false,
            production: false,
            presenter: false,
            dirty: true,
            next_run: 1,
        }
    }

    /// The client exists already (demo, tests): no credentials to resolve.
    pub fn with_client_ready(mut self) -> App {
        self.conn = Conn::Ready;
        self
    }

    /// The effects to run at start: connect (live) or load the products (demo).
    pub fn start(&mut self) -> Vec<Effect> {
        match self.conn {
            Conn::Ready => {
                let mut effects = self.reload();
                effects.push(Effect::LoadJournal);
                effects.push(Effect::LoadIdentity);
                effects
            }
            _ => vec![Effect::Connect],
        }
    }

    pub fn selected_product(&self) -> Option<&ProvisionedProduct> {
        self.visible.get(self.selected).map(|&i| &self.products[i])
    }

    pub fn actions_of_selected(&self) -> Option<&Fetch<Arc<Vec<ServiceAction>>>> {
        let key = self.selected_product()?.artifact_key()?;
        self.actions.get(&key)
    }

    pub fn selected_action(&self) -> Option<&ServiceAction> {
        match self.actions_of_selected()? {
            Fetch::Ready(list) => list.get(self.action_selected),
            _ => None,
        }
    }

    pub fn in_flight(&self) -> usize {
        self.runs.iter().filter(|r| r.in_flight()).count()
    }

    pub fn run(&self, id: RunId) -> Option<&Run> {
        self.runs.iter().find(|r| r.id == id)
    }

    /// Something on screen moves with time (spinner, elapsed time, loading, a toast to expire).
    pub fn animating(&self) -> bool {
        self.in_flight() > 0
            || (!self.loading.done && self.conn == Conn::Ready && self.loading.error.is_none())
            || self.conn == Conn::Resolving
            || matches!(self.form, Some(FormScreen::Loading { .. }))
            || self.toast.is_some()
    }

    /// The key table of the screen under the help overlay (what the help lists).
    pub fn key_mode_below_help(&self) -> KeyMode {
        if self.confirm_quit { KeyMode::ConfirmQuit } else { self.screen_mode() }
    }

    pub fn key_mode(&self) -> KeyMode {
        if self.confirm_quit {
            return KeyMode::ConfirmQuit;
        }
        if self.palette.is_some() {
            return KeyMode::Palette;
        }
        if self.help {
            return KeyMode::Help;
        }
        self.screen_mode()
    }

    fn screen_mode(&self) -> KeyMode {
        match self.screen {
            Screen::Browse if self.filtering => KeyMode::Filter,
            Screen::Browse => match self.focus {
                Pane::Products => KeyMode::Products,
                Pane::Actions => KeyMode::Actions,
            },
            Screen::Form => match &self.form {
                Some(FormScreen::Ready(f)) => match f.focused() {
                    None => KeyMode::FormButton,
                    Some(field) if field.on_input() => KeyMode::FormText,
                    Some(_) => KeyMode::FormChecklist,
                },
                _ => KeyMode::FormButton,
            },
            Screen::Review if self.review.as_ref().is_some_and(|r| r.confirm.is_some()) => KeyMode::ReviewConfirm,
            Screen::Review if self.review.as_ref().is_some_and(|r| r.batch.is_some()) => KeyMode::ReviewBatch,
            Screen::Review => KeyMode::Review,
            Screen::Run(_) => KeyMode::Run,
            Screen::Runs => KeyMode::Runs,
            Screen::History => KeyMode::History,
        }
    }

    /// A message shown when the TUI opens (a config mistake, say), for longer than a toast.
    pub fn notice(&mut self, text: String) {
        self.toast = Some(Toast { text, error: true, until: self.now.0 + 4.0 * TOAST_SECS });
    }

    fn toast(&mut self, text: impl Into<String>, error: bool) {
        self.toast = Some(Toast { text: text.into(), error, until: self.now.0 + TOAST_SECS });
    }

    fn reload(&mut self) -> Vec<Effect> {
        self.loading = Loading { generation: self.loading.generation + 1, ..Default::default() };
        vec![Effect::LoadProducts {
            generation: self.loading.generation,
            query: ProductQuery { page_size: 100, ..Default::default() },
        }]
    }

    /// Recomputes the visible rows after the list, filter or sort changed, keeping the selection
    /// on the same product.
    fn recompute(&mut self) {
        let needle = self.filter.value().to_lowercase();
        // Typing more only narrows: search the current matches, not every product.
        let narrowing = !self.filtered_for.is_empty()
            && needle.starts_with(&self.filtered_for)
            && self.visible.len() <= self.products.len();
        let keys = &self.search_keys;
        let mut visible: Vec<usize> = if needle.is_empty() {
            (0..self.products.len()).collect()
        } else if narrowing {
            self.visible.iter().copied().filter(|&i| keys[i].contains(&needle)).collect()
        } else {
            (0..self.products.len()).filter(|&i| keys[i].contains(&needle)).collect()
        };
        self.filtered_for = needle;
        if !narrowing {
            let p = &self.products;
            match self.sort {
                SortKey::Listed => {}
                SortKey::Name => visible.sort_by(|a, b| p[*a].name.cmp(&p[*b].name)),
                SortKey::Status => visible.sort_by_key(|i| p[*i].status.clone()),
                SortKey::Product => visible
                    .sort_by(|a, b| p[*a].product_name.cmp(&p[*b].product_name).then(p[*a].name.cmp(&p[*b].name))),
                SortKey::Created => visible.sort_by(|a, b| {
                    p[*a].created_time.partial_cmp(&p[*b].created_time).unwrap_or(std::cmp::Ordering::Equal)
                }),
            }
            if self.descending {
                visible.reverse();
            }
        }
        self.visible = visible;
        let found =
            self.selected_id.as_ref().and_then(|id| self.visible.iter().position(|&i| self.products[i].id == *id));
        match found {
            Some(pos) => self.selected = pos,
            None => {
                self.selected = self.selected.min(self.visible.len().saturating_sub(1));
                // Keep remembering a product that is not (yet) loaded; otherwise follow the row.
                if self.selected_id.is_none() || self.loading.done {
                    self.selected_id = self.selected_product().map(|p| p.id.clone());
                }
            }
        }
    }

    /// After the selection moved: remember it, and fetch its actions once per (product, version).
    fn selection_changed(&mut self) -> Vec<Effect> {
        self.selected_id = self.selected_product().map(|p| p.id.clone());
        self.action_selected = 0;
        self.ensure_actions()
    }

    fn ensure_actions(&mut self) -> Vec<Effect> {
        let Some((product_id, version_id)) = self.selected_product().and_then(|p| p.artifact_key()) else {
            return vec![];
        };
        if self.actions.contains_key(&(product_id.clone(), version_id.clone())) {
            return vec![];
        }
        self.actions.insert((product_id.clone(), version_id.clone()), Fetch::Loading);
        vec![Effect::LoadActions { product_id, version_id }]
    }

    fn move_selection(&mut self, delta: isize) -> Vec<Effect> {
        if self.visible.is_empty() {
            return vec![];
        }
        let last = self.visible.len() as isize - 1;
        let next = (self.selected as isize + delta).clamp(0, last) as usize;
        if next == self.selected {
            return vec![];
        }
        self.selected = next;
        self.selection_changed()
    }

    fn page(&self) -> isize {
        (self.size.1 as isize - 14).max(1)
    }

    fn start_run(&mut self) -> Vec<Effect> {
        let (Some(FormScreen::Ready(form)), Some(review)) = (&self.form, &self.review) else {
            return vec![];
        };
        if review.batch.is_some() {
            return self.start_batch();
        }
        if let Some(typed) = &review.confirm
            && typed.value() != form.product.name
        {
            let text = format!("PRODUCTION: type {} exactly to confirm", form.product.name);
            self.toast(text, true);
            return vec![];
        }
        let id = RunId(self.next_run);
        self.next_run += 1;
        let run = Run {
            id,
            product: form.product.clone(),
            action: form.action.clone(),
            document: form.definition.name.clone(),
            parameters: review.parameters.clone(),
            token: review.token.clone(),
            started: self.now,
            record: None,
            outputs: Vec::new(),
            timeline: Vec::new(),
            phase: RunPhase::Submitting,
            problem: None,
            journal_id: uuid::Uuid::new_v4().to_string(),
            resumed: false,
        };
        let spec = RunSpec {
            run: run.journal_id.clone(),
            product_id: run.product.id.clone(),
            product_name: run.product.name.clone(),
            action_id: run.action.id.clone(),
            action_name: run.action.name.clone(),
            parameters: run.parameters.clone(),
            token: run.token.clone(),
        };
        let effect = Effect::Execute { run: id, spec };
        self.runs.push(run);
        self.form = None;
        self.review = None;
        self.screen = Screen::Run(id);
        vec![effect]
    }

    fn command(&mut self, cmd: Cmd) -> Vec<Effect> {
        let mode = self.key_mode();
        match (mode, cmd) {
            (_, Cmd::ForceQuit) => {
                self.quit = true;
                vec![Effect::Quit]
            }
            (_, Cmd::Suspend) => vec![Effect::Suspend],
            (KeyMode::ConfirmQuit, Cmd::Execute) => {
                self.quit = true;
                vec![Effect::Quit]
            }
            (KeyMode::ConfirmQuit, _) => {
                self.confirm_quit = false;
                vec![]
            }
            (KeyMode::Help, _) => {
                self.help = false;
                vec![]
            }
            (_, Cmd::Help) => {
                self.help = true;
                vec![]
            }
            (_, Cmd::Quit) => {
                if self.in_flight() > 0 {
                    self.confirm_quit = true;
                    vec![]
                } else {
                    self.quit = true;
                    vec![Effect::Quit]
                }
            }
            (_, Cmd::Runs) => {
                self.screen = Screen::Runs;
                self.runs_selected = self.runs.len().saturating_sub(1);
                vec![]
            }
            (_, Cmd::LastRun) => {
                if let Some(r) = self.runs.last() {
                    self.screen = Screen::Run(r.id);
                } else {
                    self.toast("No run has been started in this session yet", false);
                }
                vec![]
            }
            (_, Cmd::Copy) => self.copy(),
            (_, Cmd::Palette) => {
                self.palette = Some(Input::default());
                vec![]
            }
            (KeyMode::Palette, Cmd::Cancel) => {
                self.palette = None;
                vec![]
            }
            (KeyMode::Palette, Cmd::Complete) => {
                if let Some(input) = &mut self.palette
                    && let Some(done) = super::palette::complete(input.value(), &self.profiles)
                {
                    *input = Input::new(done);
                }
                vec![]
            }
            (KeyMode::Palette, Cmd::Open) => {
                let line = self.palette.take().map(|i| i.value().to_string()).unwrap_or_default();
                match super::palette::parse(&line) {
                    Ok(c) => self.palette_command(c),
                    Err(e) => {
                        self.toast(e, true);
                        vec![]
                    }
                }
            }
            (KeyMode::Products | KeyMode::Actions, Cmd::History) => {
                let Some(product) = self.selected_product().cloned() else { return vec![] };
                let pp_id = product.id.clone();
                self.history = Some(History {
                    product,
                    records: Vec::new(),
                    next_token: None,
                    loading: true,
                    error: None,
                    selected: 0,
                    detail: None,
                });
                self.screen = Screen::History;
                vec![Effect::LoadHistory { pp_id, token: None }]
            }
            (KeyMode::History, c) => self.history_command(c),
            (KeyMode::Products, Cmd::Mark) => {
                if let Some(id) = self.selected_product().map(|p| p.id.clone())
                    && !self.marks.remove(&id)
                {
                    self.marks.insert(id);
                }
                self.move_selection(1)
            }
            (KeyMode::Products, Cmd::MarkAll) => {
                let ids: Vec<String> = self.visible.iter().map(|&i| self.products[i].id.clone()).collect();
                self.marks.extend(ids);
                vec![]
            }
            (KeyMode::Products, Cmd::ClearMarks) => {
                self.marks.clear();
                vec![]
            }
            (KeyMode::ReviewBatch, Cmd::More | Cmd::Less | Cmd::ToggleStop) => {
                if let Some(plan) = self.review.as_mut().and_then(|r| r.batch.as_mut()) {
                    match cmd {
                        Cmd::More => plan.concurrency = (plan.concurrency + 1).min(64),
                        Cmd::Less => plan.concurrency = plan.concurrency.saturating_sub(1).max(1),
                        _ => plan.stop_on_failure = !plan.stop_on_failure,
                    }
                }
                vec![]
            }
            (KeyMode::ReviewBatch, Cmd::Execute) => self.start_batch(),
            (KeyMode::ReviewBatch, Cmd::Cancel) => {
                self.review = None;
                self.screen = Screen::Form;
                vec![]
            }
            (KeyMode::Run | KeyMode::Runs, Cmd::Rerun) => {
                let run = match self.screen {
                    Screen::Run(id) => self.run(id).cloned(),
                    _ => self.runs.get(self.runs_selected).cloned(),
                };
                match run {
                    Some(r) => self.rerun(r.product, r.action, r.parameters),
                    None => vec![],
                }
            }
            (KeyMode::Products | KeyMode::Actions, Cmd::Refresh) => self.reload(),
            (KeyMode::Products, Cmd::Up) => self.move_selection(-1),
            (KeyMode::Products, Cmd::Down) => self.move_selection(1),
            (KeyMode::Products, Cmd::PageUp) => self.move_selection(-self.page()),
            (KeyMode::Products, Cmd::PageDown) => self.move_selection(self.page()),
            (KeyMode::Products, Cmd::Top) => self.move_selection(isize::MIN / 2),
            (KeyMode::Products, Cmd::Bottom) => self.move_selection(isize::MAX / 2),
            (KeyMode::Products, Cmd::SwitchPane) => {
                if self.selected_product().is_some() {
                    self.focus = Pane::Actions;
                }
                self.ensure_actions()
            }
            (KeyMode::Products | KeyMode::Actions, Cmd::Filter) => {
                self.focus = Pane::Products;
                self.filtering = true;
                vec![]
            }
            (KeyMode::Products, Cmd::SortNext) => {
                self.sort = self.sort.next();
                self.filtered_for.clear();
                self.recompute();
                vec![]
            }
            (KeyMode::Products, Cmd::SortReverse) => {
                self.descending = !self.descending;
                self.filtered_for.clear();
                self.recompute();
                vec![]
            }
            (KeyMode::Filter, Cmd::Open) => {
                self.filtering = false;
                if !self.visible.is_empty() {
                    self.selected = 0;
                }
                self.selection_changed()
            }
            (KeyMode::Filter, Cmd::Cancel) => {
                self.filtering = false;
                self.filter.reset();
                self.recompute();
                self.ensure_actions()
            }
            (KeyMode::Filter, Cmd::Up) => self.move_selection(-1),
            (KeyMode::Filter, Cmd::Down) => self.move_selection(1),
            (KeyMode::Actions, Cmd::SwitchPane) => {
                self.focus = Pane::Products;
                vec![]
            }
            (KeyMode::Actions, Cmd::Up) => {
                self.action_selected = self.action_selected.saturating_sub(1);
                vec![]
            }
            (KeyMode::Actions, Cmd::Down) => {
                if let Some(Fetch::Ready(list)) = self.actions_of_selected() {
                    self.action_selected = (self.action_selected + 1).min(list.len().saturating_sub(1));
                }
                vec![]
            }
            (KeyMode::Actions, Cmd::Open) => {
                let (Some(product), Some(action)) = (self.selected_product().cloned(), self.selected_action().cloned())
                else {
                    return vec![];
                };
                let effect = Effect::LoadForm { pp_id: product.id.clone(), action_id: action.id.clone() };
                // Marked products: the action runs on all of them.
                self.pending_batch = (!self.marks.is_empty())
                    .then(|| self.products.iter().filter(|p| self.marks.contains(&p.id)).cloned().collect());
                self.form = Some(FormScreen::Loading { product, action });
                self.screen = Screen::Form;
                vec![effect]
            }
            (KeyMode::FormText | KeyMode::FormChecklist | KeyMode::FormButton, Cmd::Back) => {
                self.form = None;
                self.screen = Screen::Browse;
                self.focus = Pane::Actions;
                vec![]
            }
            (KeyMode::FormText | KeyMode::FormChecklist | KeyMode::FormButton, c) => self.form_command(c),
            (KeyMode::Review | KeyMode::ReviewConfirm, Cmd::Execute) => self.start_run(),
            (KeyMode::Review | KeyMode::ReviewConfirm, Cmd::Cancel) => {
                self.review = None;
                self.screen = Screen::Form;
                vec![]
            }
            (KeyMode::Review, Cmd::Open) => {
                if self.review.as_ref().is_some_and(|r| r.on_execute) {
                    self.start_run()
                } else {
                    self.review = None;
                    self.screen = Screen::Form;
                    vec![]
                }
            }
            (KeyMode::Review, Cmd::Left | Cmd::Right) => {
                if let Some(r) = &mut self.review {
                    r.on_execute = cmd == Cmd::Right;
                }
                vec![]
            }
            (KeyMode::Run, Cmd::Back) | (KeyMode::Runs, Cmd::Back) => {
                self.screen = Screen::Browse;
                vec![]
            }
            (KeyMode::Runs, Cmd::Up) => {
                self.runs_selected = self.runs_selected.saturating_sub(1);
                vec![]
            }
            (KeyMode::Runs, Cmd::Down) => {
                self.runs_selected = (self.runs_selected + 1).min(self.runs.len().saturating_sub(1));
                vec![]
            }
            (KeyMode::Runs, Cmd::Open) => {
                if let Some(r) = self.runs.get(self.runs_selected) {
                    self.screen = Screen::Run(r.id);
                }
                vec![]
            }
            _ => vec![],
        }
    }

    fn palette_command(&mut self, command: super::palette::Command) -> Vec<Effect> {
        use super::palette::Command as P;
        match command {
            P::Profile(_) | P::Region(_) if self.target.demo => {
                self.toast("The demo has one world: start sctui without --demo to switch profiles and regions", true);
                vec![]
            }
            P::Profile(p) => self.reconnect(Some(p), None),
            P::Region(r) => self.reconnect(self.target.profile.clone(), Some(r)),
            P::Theme(t) => {
                self.theme = self.theme.clone().variant(Some(&t));
                vec![]
            }
            P::Filter(text) => {
                self.filter = Input::new(text);
                self.screen = Screen::Browse;
                self.focus = Pane::Products;
                self.recompute();
                self.ensure_actions()
            }
            P::Runs => self.command(Cmd::Runs),
            P::History => {
                self.screen = Screen::Browse;
                self.focus = Pane::Products;
                self.command(Cmd::History)
            }
            P::Refresh => self.reload(),
            P::Help => self.command(Cmd::Help),
            P::Quit => self.command(Cmd::Quit),
        }
    }

    /// Another profile or region: a new connection, a new list; runs in flight go on being watched.
    fn reconnect(&mut self, profile: Option<String>, region: Option<String>) -> Vec<Effect> {
        let read_only = self.read_only_flag || self.config.read_only_for(profile.as_deref());
        self.read_only = read_only;
        self.production = self.config.production_for(profile.as_deref(), None);
        self.target.profile = profile.clone();
        self.target.region = region.clone();
        self.conn = Conn::Resolving;
        self.products.clear();
        self.search_keys.clear();
        self.visible.clear();
        self.filtered_for.clear();
        self.selected = 0;
        self.selected_id = None;
        self.actions.clear();
        self.definitions.clear();
        self.marks.clear();
        self.loading = Loading { generation: self.loading.generation + 1, ..Default::default() };
        self.screen = Screen::Browse;
        self.focus = Pane::Products;
        vec![Effect::Reconnect { profile, region, read_only }]
    }

    fn history_command(&mut self, cmd: Cmd) -> Vec<Effect> {
        let Some(h) = &mut self.history else { return vec![] };
        match cmd {
            Cmd::Back => {
                self.screen = Screen::Browse;
                vec![]
            }
            Cmd::Up => {
                h.selected = h.selected.saturating_sub(1);
                vec![]
            }
            Cmd::Down => {
                h.selected = (h.selected + 1).min(h.records.len().saturating_sub(1));
                // At the end of what is loaded: the next page.
                match (&h.next_token, h.loading) {
                    (Some(t), false) if h.selected + 1 >= h.records.len() => {
                        h.loading = true;
                        vec![Effect::LoadHistory { pp_id: h.product.id.clone(), token: Some(t.clone()) }]
                    }
                    _ => vec![],
                }
            }
            Cmd::Open => {
                let Some(r) = h.records.get(h.selected) else { return vec![] };
                let record_id = r.record_id.clone();
                h.detail = Some((record_id.clone(), Fetch::Loading));
                vec![Effect::LoadRecord { record_id }]
            }
            Cmd::Rerun => {
                let Some(record) = h.records.get(h.selected).cloned() else { return vec![] };
                // The parameters of a run live in the journal of the session that ran it.
                let source = self
                    .runs
                    .iter()
                    .find(|r| r.record.as_ref().is_some_and(|d| d.record_id == record.record_id))
                    .cloned();
                match source {
                    Some(r) => self.rerun(r.product, r.action, r.parameters),
                    // An earlier session's run: its parameters are in the journal.
                    None => vec![Effect::FindInJournal { record_id: record.record_id, product: h.product.clone() }],
                }
            }
            _ => vec![],
        }
    }

    /// Finds each batch item's action on its own version; fetches what is missing.
    fn resolve_batch(&mut self) -> Vec<Effect> {
        let mut effects = Vec::new();
        let Some(plan) = self.review.as_mut().and_then(|r| r.batch.as_mut()) else { return effects };
        let Some(FormScreen::Ready(form)) = &self.form else { return effects };
        let name = form.action.name.clone();
        for item in plan.items.iter_mut().filter(|i| matches!(i.action, Fetch::Loading)) {
            let Some(key) = item.product.artifact_key() else {
                item.action = Fetch::Ready(None);
                continue;
            };
            match self.actions.get(&key) {
                Some(Fetch::Ready(list)) => {
                    let found = list.iter().find(|a| a.name == name).cloned();
                    if let Some(a) = &found {
                        effects.push(Effect::LoadTargets { pp_id: item.product.id.clone(), action_id: a.id.clone() });
                    }
                    item.action = Fetch::Ready(found);
                }
                Some(Fetch::Failed(e)) => item.action = Fetch::Failed(e.clone()),
                Some(Fetch::Loading) => {}
                None => {
                    self.actions.insert(key.clone(), Fetch::Loading);
                    effects.push(Effect::LoadActions { product_id: key.0, version_id: key.1 });
                }
            }
        }
        effects
    }

    /// Every product of the batch review becomes a run with its own token; products without the
    /// action are shown as skipped.
    fn start_batch(&mut self) -> Vec<Effect> {
        let (Some(FormScreen::Ready(form)), Some(review)) = (&self.form, &self.review) else { return vec![] };
        let Some(plan) = review.batch.clone() else { return vec![] };
        if let Some(typed) = &review.confirm
            && typed.value() != plan.items.len().to_string()
        {
            let text = format!("PRODUCTION: type {} (the number of products) to confirm", plan.items.len());
            self.toast(text, true);
            return vec![];
        }
        let parameters = review.parameters.clone();
        let document = form.definition.name.clone();
        let action_name = form.action.name.clone();
        let mut specs = Vec::new();
        let mut ids = Vec::new();
        for item in plan.items {
            let id = RunId(self.next_run);
            self.next_run += 1;
            ids.push(id);
            let (action, phase) = match &item.action {
                Fetch::Ready(Some(a)) => (a.clone(), RunPhase::Submitting),
                Fetch::Ready(None) => (
                    ServiceAction { name: action_name.clone(), ..Default::default() },
                    RunPhase::SubmitFailed(format!("skipped: its version has no action {action_name}")),
                ),
                Fetch::Loading => (
                    ServiceAction { name: action_name.clone(), ..Default::default() },
                    RunPhase::SubmitFailed("skipped: its actions were not known yet when the batch started".into()),
                ),
                Fetch::Failed(e) => (
                    ServiceAction { name: action_name.clone(), ..Default::default() },
                    RunPhase::SubmitFailed(format!("skipped: {e}")),
                ),
            };
            let run = Run {
                id,
                product: item.product.clone(),
                action: action.clone(),
                document: document.clone(),
                parameters: parameters.clone(),
                token: uuid::Uuid::new_v4().to_string(),
                started: self.now,
                record: None,
                outputs: Vec::new(),
                timeline: Vec::new(),
                phase,
                problem: None,
                journal_id: uuid::Uuid::new_v4().to_string(),
                resumed: false,
            };
            if run.phase == RunPhase::Submitting {
                specs.push((
                    id,
                    RunSpec {
                        run: run.journal_id.clone(),
                        product_id: run.product.id.clone(),
                        product_name: run.product.name.clone(),
                        action_id: action.id.clone(),
                        action_name: action.name.clone(),
                        parameters: run.parameters.clone(),
                        token: run.token.clone(),
                    },
                ));
            }
            self.runs.push(run);
        }
        self.batch = Some(BatchSummary { action: action_name, runs: ids });
        self.marks.clear();
        self.form = None;
        self.review = None;
        self.screen = Screen::Runs;
        self.runs_selected = self.runs.len().saturating_sub(1);
        vec![Effect::Batch { runs: specs, concurrency: plan.concurrency, stop_on_failure: plan.stop_on_failure }]
    }

    /// Opens the form of an earlier run with its parameters filled in; a new token comes with the review.
    fn rerun(
        &mut self,
        product: ProvisionedProduct,
        action: ServiceAction,
        parameters: Option<ParameterMap>,
    ) -> Vec<Effect> {
        let effect = Effect::LoadForm { pp_id: product.id.clone(), action_id: action.id.clone() };
        self.prefill = parameters;
        self.pending_batch = None;
        self.form = Some(FormScreen::Loading { product, action });
        self.screen = Screen::Form;
        vec![effect]
    }

    /// What `c` copies on this screen.
    fn copy(&mut self) -> Vec<Effect> {
        let record_of = |r: &Run| r.record.as_ref().map(|d| d.record_id.clone());
        let text = match self.key_mode() {
            KeyMode::Products => self.selected_product().map(|p| p.id.clone()),
            KeyMode::Run => match self.screen {
                Screen::Run(id) => self.run(id).and_then(record_of),
                _ => None,
            },
            KeyMode::Runs => self.runs.get(self.runs_selected).and_then(record_of),
            KeyMode::History => {
                self.history.as_ref().and_then(|h| h.records.get(h.selected)).map(|r| r.record_id.clone())
            }
            KeyMode::Review => match (&self.form, &self.review) {
                (Some(FormScreen::Ready(f)), Some(r)) => {
                    Some(super::view::cli_command(self, &f.product.id, &f.action.id, &r.token, r.parameters.as_ref()))
                }
                _ => None,
            },
            _ => None,
        };
        match text {
            Some(t) if !self.osc52 => {
                self.copy_dialog = Some(t);
                vec![]
            }
            Some(t) => {
                self.toast(format!("Copied (OSC 52): {t}"), false);
                vec![Effect::Copy(t)]
            }
            None => {
                self.toast("Nothing to copy here yet", false);
                vec![]
            }
        }
    }

    fn form_command(&mut self, cmd: Cmd) -> Vec<Effect> {
        let Some(FormScreen::Ready(form)) = &mut self.form else {
            return vec![];
        };
        match cmd {
            Cmd::NextField => form.next(),
            Cmd::PrevField => form.prev(),
            Cmd::Up => {
                if let Some(f) = form.focused_mut()
                    && !f.cursor_up()
                {
                    form.prev();
                }
            }
            Cmd::Down => {
                if let Some(f) = form.focused_mut()
                    && !f.cursor_down()
                {
                    form.next();
                }
            }
            Cmd::Toggle => {
                if let Some(f) = form.focused_mut() {
                    f.toggle_or_add();
                }
            }
            Cmd::ResetTarget => {
                if let Some(f) = form.focused_mut() {
                    f.reset_target();
                }
            }
            Cmd::Review => {
                let problems = form.problems();
                if let Some((field, problem)) = problems.first() {
                    let text = format!("{field}: {problem}");
                    self.toast(text, true);
                    return vec![];
                }
                let batch = (!form.batch.is_empty()).then(|| BatchPlan {
                    items: form
                        .batch
                        .iter()
                        .map(|p| BatchItem { product: p.clone(), action: Fetch::Loading, targets: Fetch::Loading })
                        .collect(),
                    concurrency: self.concurrency,
                    stop_on_failure: false,
                });
                self.review = Some(Review {
                    token: uuid::Uuid::new_v4().to_string(),
                    parameters: form.parameters(),
                    on_execute: false,
                    confirm: self.production.then(Input::default),
                    batch,
                });
                self.screen = Screen::Review;
                return self.resolve_batch();
            }
            _ => {}
        }
        vec![]
    }

    /// A key that is not a command: typed into the focused input.
    fn typed(&mut self, key: KeyEvent) -> bool {
        let event = Event::Key(key);
        match self.key_mode() {
            KeyMode::Filter => {
                let Some(req) = to_input_request(&event) else {
                    return false;
                };
                if self.filter.handle(req).is_some() {
                    self.recompute();
                }
                true
            }
            KeyMode::Palette => {
                let Some(input) = self.palette.as_mut() else { return false };
                let Some(req) = to_input_request(&event) else { return false };
                input.handle(req).is_some()
            }
            KeyMode::ReviewConfirm => {
                let Some(input) = self.review.as_mut().and_then(|r| r.confirm.as_mut()) else { return false };
                let Some(req) = to_input_request(&event) else { return false };
                input.handle(req).is_some()
            }
            KeyMode::FormText => {
                let Some(FormScreen::Ready(form)) = &mut self.form else {
                    return false;
                };
                let Some(field) = form.focused_mut() else {
                    return false;
                };
                if key.code == KeyCode::Backspace && field.input.value().is_empty() {
                    return field.pop_value();
                }
                let Some(req) = to_input_request(&event) else {
                    return false;
                };
                field.input.handle(req).is_some()
            }
            _ => false,
        }
    }

    fn paste(&mut self, text: &str) -> bool {
        match self.key_mode() {
            KeyMode::Filter => {
                let line: String = text.chars().filter(|c| !c.is_control()).collect();
                for c in line.chars() {
                    self.filter.handle(tui_input::InputRequest::InsertChar(c));
                }
                self.recompute();
                true
            }
            KeyMode::FormText | KeyMode::FormChecklist => {
                let Some(FormScreen::Ready(form)) = &mut self.form else {
                    return false;
                };
                let Some(field) = form.focused_mut() else {
                    return false;
                };
                if !field.on_input() {
                    while field.cursor_down() {}
                }
                field.paste(text);
                true
            }
            // A paste is never taken as keys: no Enter inside it can confirm anything.
            _ => false,
        }
    }
}

/// What the filter matches a product on, lowercase, fields separated so no match spans two.
fn search_key(p: &ProvisionedProduct) -> String {
    let mut k = String::with_capacity(96);
    for part in [
        p.name.as_str(),
        p.id.as_str(),
        p.product_name.as_deref().unwrap_or(""),
        p.status.as_ref().map(|s| s.as_str()).unwrap_or(""),
    ] {
        k.push_str(part);
        k.push('\u{1}');
    }
    for t in &p.tags {
        k.push_str(&t.key);
        k.push('=');
        k.push_str(&t.value);
        k.push('\u{1}');
    }
    k.to_lowercase()
}

/// An error in the operator's words, naming the product when it is about one.
pub fn operator_message(e: &Error, product: Option<&str>) -> String {
    match (e.kind, product) {
        (ErrorKind::InvalidState, Some(p)) => {
            format!("{p} is UNDER_CHANGE: another operation is running on it; wait until it finishes")
        }
        _ => e.to_string(),
    }
}

/// Applies one action. Returns what the runtime must do next.
pub fn update(app: &mut App, action: Action) -> Vec<Effect> {
    let mut changed = true;
    let effects = match action {
        Action::Key(_) if app.copy_dialog.is_some() => {
            app.copy_dialog = None;
            vec![]
        }
        Action::Key(key) => {
            let mode = app.key_mode();
            match keymap::lookup_with(mode, &key, &app.key_overrides) {
                Some(cmd) => app.command(cmd),
                None => {
                    changed = app.typed(key);
                    vec![]
                }
            }
        }
        Action::Paste(text) => {
            changed = app.paste(&text);
            vec![]
        }
        Action::Resize(w, h) => {
            app.size = (w, h);
            vec![]
        }
        Action::Tick(now) => {
            app.now = now;
            app.frame = app.frame.wrapping_add(1);
            let expired = app.toast.as_ref().is_some_and(|t| t.until <= now.0);
            if expired {
                app.toast = None;
            }
            changed = expired || app.animating();
            vec![]
        }
        Action::ClientReady(Ok(target)) => {
            app.target = target;
            app.conn = Conn::Ready;
            app.identity = None;
            let mut effects = app.reload();
            effects.push(Effect::LoadJournal);
            effects.push(Effect::LoadIdentity);
            effects
        }
        Action::ClientReady(Err(e)) => {
            app.conn = Conn::Failed(e.to_string());
            vec![]
        }
        Action::ProductsPage { generation, page } => {
            if generation != app.loading.generation {
                return vec![];
            }
            if app.loading.pages == 0 {
                app.products.clear();
                app.search_keys.clear();
                app.filtered_for.clear();
            }
            app.loading.pages += 1;
            app.loading.error = None;
            app.loading.total = page.total.or(app.loading.total);
            app.loading.done = page.next_token.is_none();
            app.search_keys.extend(page.items.iter().map(search_key));
            app.filtered_for.clear();
            app.products.extend(page.items);
            app.recompute();
            app.ensure_actions()
        }
        Action::ProductsFailed { generation, error, retrying } => {
            if generation == app.loading.generation {
                let mut text = operator_message(&error, None);
                if retrying {
                    text.push_str(" (retrying by itself; r retries now)");
                }
                app.loading.error = Some(text.clone());
                app.toast(text, true);
            }
            vec![]
        }
        Action::ProductUpdated(fresh) => {
            if let Some(i) = app.products.iter().position(|p| p.id == fresh.id) {
                let p = &mut app.products[i];
                p.status = fresh.status;
                p.status_message = fresh.status_message;
                p.last_record_id = fresh.last_record_id;
                app.search_keys[i] = search_key(&app.products[i]);
                app.filtered_for.clear();
            }
            vec![]
        }
        Action::ActionsLoaded { key, result } => {
            let mut effects = Vec::new();
            let value = match result {
                Ok(list) => {
                    for a in list.iter() {
                        if !app.definitions.contains_key(&a.id) {
                            app.definitions.insert(a.id.clone(), Fetch::Loading);
                            effects.push(Effect::LoadDefinition { action_id: a.id.clone() });
                        }
                    }
                    Fetch::Ready(list)
                }
                Err(e) => Fetch::Failed(operator_message(&e, None)),
            };
            app.actions.insert(key, value);
            effects.extend(app.resolve_batch());
            effects
        }
        Action::JournalRunFound { record_id: _, product, found } => match found {
            Some((action_id, action_name, parameters)) => {
                let action = ServiceAction { id: action_id, name: action_name, ..Default::default() };
                app.rerun(product, action, parameters)
            }
            None => {
                app.toast("sctui's journal has no run for this record (it was started elsewhere): pick the action from the actions list", true);
                vec![]
            }
        },
        Action::IdentityLoaded(result) => {
            app.identity = Some(match result {
                Ok((account, arn)) => {
                    if app.config.production_for(app.target.profile.as_deref(), Some(&account)) {
                        app.production = true;
                    }
                    Ok((account, arn))
                }
                Err(e) => Err(e.message),
            });
            vec![]
        }
        Action::TargetsLoaded { pp_id, result } => {
            if let Some(plan) = app.review.as_mut().and_then(|r| r.batch.as_mut()) {
                for item in plan.items.iter_mut().filter(|i| i.product.id == pp_id) {
                    item.targets = match &result {
                        Ok(p) => Fetch::Ready(p.clone()),
                        Err(e) => Fetch::Failed(operator_message(e, Some(&item.product.name))),
                    };
                }
            }
            vec![]
        }
        Action::DefinitionLoaded { action_id, result } => {
            let value = match result {
                Ok(d) => Fetch::Ready(d),
                Err(e) => Fetch::Failed(operator_message(&e, None)),
            };
            app.definitions.insert(action_id, value);
            vec![]
        }
        Action::FormLoaded { pp_id, action_id, result } => {
            if let Some(FormScreen::Loading { product, action }) = &app.form
                && product.id == pp_id
                && action.id == action_id
            {
                let (product, action) = (product.clone(), action.clone());
                app.form = Some(match result {
                    Ok((params, definition)) => {
                        let mut form = Form::new(product, action, definition, &params);
                        if let Some(values) = app.prefill.take() {
                            form.prefill(&values);
                        }
                        if let Some(products) = app.pending_batch.take() {
                            form = form.for_batch(products);
                        }
                        FormScreen::Ready(Box::new(form))
                    }
                    Err(e) => {
                        let message = operator_message(&e, Some(&product.name));
                        FormScreen::Failed { product, action, message }
                    }
                });
            }
            vec![]
        }
        Action::RunRetrying { run, error } => {
            if let Some(r) = app.runs.iter_mut().find(|r| r.id == run) {
                r.problem = Some(format!("{} (sending again with the same token)", operator_message(&error, None)));
            }
            vec![]
        }
        Action::RunSubmitted { run, result } => run_submitted(app, run, result),
        Action::RunRefused { run, reason } => {
            if let Some(r) = app.runs.iter_mut().find(|r| r.id == run) {
                r.phase = RunPhase::SubmitFailed(reason.clone());
            }
            app.toast(reason, true);
            vec![]
        }
        Action::JournalLoaded { open, problems } => journal_loaded(app, open, problems),
        Action::HistoryPage { pp_id, result } => {
            if let Some(h) = app.history.as_mut().filter(|h| h.product.id == pp_id) {
                h.loading = false;
                match result {
                    Ok(page) => {
                        h.records.extend(page.items);
                        h.next_token = page.next_token;
                        h.error = None;
                    }
                    Err(e) => h.error = Some(operator_message(&e, Some(&h.product.name))),
                }
            }
            vec![]
        }
        Action::RecordLoaded { record_id, result } => {
            if let Some(h) = app.history.as_mut()
                && let Some((id, fetch)) = h.detail.as_mut()
                && *id == record_id
            {
                *fetch = match result {
                    Ok(x) => Fetch::Ready(x),
                    Err(e) => Fetch::Failed(operator_message(&e, None)),
                };
            }
            vec![]
        }
        Action::RecordPolled { run, result } => record_polled(app, run, result),
    };
    if changed {
        app.dirty = true;
    }
    effects
}

/// Runs of earlier sessions that did not end: shown as resumed and taken up again.
fn journal_loaded(app: &mut App, open: Vec<JournalRun>, problems: Vec<String>) -> Vec<Effect> {
    let mut effects = Vec::new();
    let n = open.len();
    for j in open {
        let id = RunId(app.next_run);
        app.next_run += 1;
        let product =
            ProvisionedProduct { id: j.product_id.clone(), name: j.product_name.clone(), ..Default::default() };
        let action = ServiceAction { id: j.action_id.clone(), name: j.action_name.clone(), ..Default::default() };
        app.runs.push(Run {
            id,
            product,
            action,
            document: None,
            parameters: j.parameters.clone(),
            token: j.token.clone(),
            started: j.requested_at,
            record: None,
            outputs: Vec::new(),
            timeline: j.statuses.clone(),
            phase: if j.record_id.is_some() { RunPhase::Watching } else { RunPhase::Submitting },
            problem: None,
            journal_id: j.run.clone(),
            resumed: true,
        });
        effects.push(Effect::Resume { run: id, open: Box::new(j) });
    }
    if let Some(p) = problems.first() {
        app.toast(format!("{p} ({} journal problem(s); see `sctui runs`)", problems.len()), true);
    } else if n > 0 {
        app.toast(
            format!("{n} run(s) from an earlier session did not end; they are watched again (R lists them)"),
            false,
        );
    }
    effects
}

fn set_product_status(app: &mut App, pp_id: &str, status: ProductStatus, record_id: Option<&str>) {
    if let Some(i) = app.products.iter().position(|p| p.id == pp_id) {
        let p = &mut app.products[i];
        p.status = Some(status);
        if let Some(r) = record_id {
            p.last_record_id = Some(r.to_string());
        }
        app.search_keys[i] = search_key(&app.products[i]);
        app.filtered_for.clear();
    }
}

fn run_submitted(app: &mut App, run: RunId, result: Result<RecordDetail, Error>) -> Vec<Effect> {
    let now = app.now;
    let Some(r) = app.runs.iter_mut().find(|r| r.id == run) else {
        return vec![];
    };
    match result {
        Ok(record) => {
            let status = record.status.clone().unwrap_or(RecordStatus::Created);
            r.timeline.push((record.created_time.unwrap_or(now), status));
            r.problem = None;
            let record_id = record.record_id.clone();
            let pp_id = r.product.id.clone();
            r.record = Some(record);
            r.phase = RunPhase::Watching;
            set_product_status(app, &pp_id, ProductStatus::UnderChange, Some(&record_id));
            vec![]
        }
        Err(e) => {
            let text = operator_message(&e, Some(&r.product.name));
            r.phase = RunPhase::SubmitFailed(text.clone());
            app.toast(text, true);
            vec![]
        }
    }
}

fn record_polled(app: &mut App, run: RunId, result: Result<(RecordDetail, Vec<RecordOutput>), Error>) -> Vec<Effect> {
    let now = app.now;
    let bell = app.bell;
    let Some(r) = app.runs.iter_mut().find(|r| r.id == run) else {
        return vec![];
    };
    match result {
        Ok((record, outputs)) => {
            r.problem = None;
            let status = record.status.clone();
            if let Some(s) = &status
                && r.timeline.last().map(|t| &t.1) != Some(s)
            {
                r.timeline.push((record.updated_time.unwrap_or(now), s.clone()));
            }
            r.outputs = outputs;
            r.record = Some(record);
            if status.as_ref().is_some_and(RecordStatus::is_terminal) && r.phase != RunPhase::Ended {
                r.phase = RunPhase::Ended;
                let ok = status == Some(RecordStatus::Succeeded);
                let text = format!(
                    "{} on {}: {}",
                    r.action.name,
                    r.product.name,
                    status.as_ref().map(|s| s.as_str()).unwrap_or_default()
                );
                let pp_id = r.product.id.clone();
                app.toast(text, !ok);
                let mut effects = vec![Effect::RefreshProduct { id: pp_id }];
                if bell {
                    effects.push(Effect::Bell);
                }
                return effects;
            }
            vec![]
        }
        Err(e) => {
            r.problem = Some(format!("{} (still watching)", operator_message(&e, None)));
            vec![]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ExecutionParameter, Page};
    use crossterm::event::KeyModifiers;

    fn key(c: KeyCode) -> Action {
        Action::Key(KeyEvent::new(c, KeyModifiers::NONE))
    }

    fn ch(c: char) -> Action {
        key(KeyCode::Char(c))
    }

    fn product(i: usize, status: &str) -> ProvisionedProduct {
        ProvisionedProduct {
            name: format!("web-{i:02}"),
            id: format!("pp-{i:013}"),
            status: Some(ProductStatus::parse(status)),
            product_id: Some("prod-1".into()),
            product_name: Some("EC2 Web Server".into()),
            provisioning_artifact_id: Some(if i.is_multiple_of(2) { "pa-even" } else { "pa-odd" }.into()),
            ..Default::default()
        }
    }

    fn app_with(n: usize) -> App {
        let mut app =
            App::new(Theme::plain_unicode(), Target { demo: true, ..Default::default() }, true, Timestamp(1000.0));
        app.start();
        let items = (0..n).map(|i| product(i, "AVAILABLE")).collect();
        update(
            &mut app,
            Action::ProductsPage { generation: 1, page: Page { items, next_token: None, total: Some(n as i32) } },
        );
        app
    }

    #[test]
    fn demo_starts_loading_products_and_live_starts_connecting() {
        let mut demo =
            App::new(Theme::plain_unicode(), Target { demo: true, ..Default::default() }, true, Timestamp(0.0));
        assert!(matches!(
            demo.start()[..],
            [Effect::LoadProducts { generation: 1, .. }, Effect::LoadJournal, Effect::LoadIdentity]
        ));
        let mut live = App::new(Theme::plain_unicode(), Target::default(), true, Timestamp(0.0));
        assert_eq!(live.start(), vec![Effect::Connect]);
        assert_eq!(live.conn, Conn::Resolving);
    }

    #[test]
    fn the_first_page_selects_and_fetches_actions_once_per_version() {
        let mut app =
            App::new(Theme::plain_unicode(), Target { demo: true, ..Default::default() }, true, Timestamp(0.0));
        app.start();
        let effects = update(
            &mut app,
            Action::ProductsPage {
                generation: 1,
                page: Page {
                    items: vec![product(0, "AVAILABLE"), product(1, "AVAILABLE"), product(2, "AVAILABLE")],
                    next_token: Some("t".into()),
                    total: Some(5),
                },
            },
        );
        assert!(matches!(&effects[..], [Effect::LoadActions { version_id, .. }] if version_id == "pa-even"));
        assert!(!app.loading.done);
        let effects = update(&mut app, ch('j'));
        assert!(matches!(&effects[..], [Effect::LoadActions { version_id, .. }] if version_id == "pa-odd"));
        assert!(update(&mut app, ch('j')).is_empty(), "pa-even is already fetched");
        assert!(update(&mut app, ch('k')).is_empty(), "pa-odd too");
    }

    #[test]
    fn stale_pages_are_ignored() {
        let mut app = app_with(3);
        update(&mut app, ch('r'));
        let before = app.products.len();
        update(
            &mut app,
            Action::ProductsPage {
                generation: 1,
                page: Page { items: vec![product(9, "ERROR")], next_token: None, total: None },
            },
        );
        assert_eq!(app.products.len(), before);
    }

    #[test]
    fn the_selection_follows_the_product_across_a_refresh() {
        let mut app = app_with(5);
        update(&mut app, ch('j'));
        update(&mut app, ch('j'));
        assert_eq!(app.selected_product().unwrap().name, "web-02");
        update(&mut app, ch('r'));
        // The refreshed list comes back in another order, in two pages.
        let first = vec![product(4, "AVAILABLE"), product(3, "AVAILABLE")];
        update(
            &mut app,
            Action::ProductsPage {
                generation: 2,
                page: Page { items: first, next_token: Some("t".into()), total: Some(5) },
            },
        );
        let rest = vec![product(2, "UNDER_CHANGE"), product(1, "AVAILABLE"), product(0, "AVAILABLE")];
        update(
            &mut app,
            Action::ProductsPage { generation: 2, page: Page { items: rest, next_token: None, total: Some(5) } },
        );
        assert_eq!(app.selected_product().unwrap().name, "web-02");
        assert_eq!(app.selected, 2);
    }

    #[test]
    fn filter_as_you_type_then_enter_keeps_it_and_esc_clears_it() {
        let mut app = app_with(12);
        update(&mut app, ch('/'));
        assert_eq!(app.key_mode(), KeyMode::Filter);
        update(&mut app, ch('1'));
        assert_eq!(app.visible.len(), 3, "web-01, web-10, web-11");
        update(&mut app, ch('1'));
        assert_eq!(app.visible.len(), 1);
        update(&mut app, key(KeyCode::Enter));
        assert_eq!(app.key_mode(), KeyMode::Products);
        assert_eq!(app.selected_product().unwrap().name, "web-11");
        assert_eq!(app.filter.value(), "11");
        update(&mut app, ch('/'));
        update(&mut app, key(KeyCode::Esc));
        assert_eq!(app.visible.len(), 12);
        assert_eq!(app.selected_product().unwrap().name, "web-11", "still selected after clearing");
    }

    #[test]
    fn q_asks_first_when_runs_are_in_flight() {
        let mut app = app_with(1);
        assert_eq!(update(&mut app, ch('q')), vec![Effect::Quit]);
        let mut app = app_with(1);
        app.runs.push(Run {
            id: RunId(1),
            product: product(0, "AVAILABLE"),
            action: ServiceAction::default(),
            document: None,
            parameters: None,
            token: "t".into(),
            started: Timestamp(0.0),
            record: None,
            outputs: vec![],
            timeline: vec![],
            phase: RunPhase::Watching,
            problem: None,
            journal_id: "j-1".into(),
            resumed: false,
        });
        assert!(update(&mut app, ch('q')).is_empty());
        assert!(app.confirm_quit);
        update(&mut app, ch('n'));
        assert!(!app.confirm_quit && !app.quit);
        update(&mut app, ch('q'));
        assert_eq!(update(&mut app, ch('y')), vec![Effect::Quit]);
    }

    fn open_form(app: &mut App) {
        let key = app.selected_product().unwrap().artifact_key().unwrap();
        let restart = ServiceAction { id: "act-1".into(), name: "AWS-RestartEC2Instance".into(), ..Default::default() };
        update(app, Action::ActionsLoaded { key, result: Ok(Arc::new(vec![restart])) });
        update(app, key_tab());
        let effects = update(app, ch_enter());
        assert!(matches!(&effects[..], [Effect::LoadForm { action_id, .. }] if action_id == "act-1"));
        let pp_id = app.selected_product().unwrap().id.clone();
        let params = vec![
            ExecutionParameter {
                name: "InstanceId".into(),
                kind: "TARGET".into(),
                default_values: vec!["i-1".into(), "i-2".into()],
            },
            ExecutionParameter { name: "Reason".into(), kind: "TEXT_VALUE".into(), default_values: vec![] },
        ];
        update(app, Action::FormLoaded { pp_id, action_id: "act-1".into(), result: Ok((params, Default::default())) });
    }

    fn key_tab() -> Action {
        key(KeyCode::Tab)
    }

    fn ch_enter() -> Action {
        key(KeyCode::Enter)
    }

    fn ctrl(c: char) -> Action {
        Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
    }

    #[test]
    fn form_review_execute_watch() {
        let mut app = app_with(2);
        open_form(&mut app);
        assert_eq!(app.key_mode(), KeyMode::FormChecklist);
        update(&mut app, ch(' ')); // unselect i-1
        update(&mut app, key_tab());
        assert_eq!(app.key_mode(), KeyMode::FormText);
        for c in "CHG-42 q".chars() {
            update(&mut app, ch(c));
        }
        update(&mut app, ctrl('s'));
        assert_eq!(app.screen, Screen::Review);
        let review = app.review.clone().unwrap();
        let params = review.parameters.unwrap();
        assert_eq!(params["InstanceId"], ["i-2"]);
        assert_eq!(params["Reason"], ["CHG-42 q"], "q was typed, not taken as quit");
        assert!(!review.on_execute, "Cancel is the default");
        // Enter on the default button cancels.
        update(&mut app, ch_enter());
        assert_eq!(app.screen, Screen::Form);
        update(&mut app, ctrl('s'));
        let effects = update(&mut app, ch('y'));
        let Some(Effect::Execute { run, spec }) = effects.first().cloned() else { panic!("{effects:?}") };
        assert_eq!(app.screen, Screen::Run(run));
        assert_eq!(app.in_flight(), 1);
        let record =
            RecordDetail { record_id: "rec-1".into(), status: Some(RecordStatus::Created), ..Default::default() };
        let effects = update(&mut app, Action::RunSubmitted { run, result: Ok(record.clone()) });
        assert!(effects.is_empty(), "the Execute task follows the record itself: {effects:?}");
        assert_eq!(app.runs[0].token, spec.token);
        assert_eq!(app.runs[0].journal_id, spec.run);
        assert_eq!(spec.parameters.unwrap()["InstanceId"], ["i-2"]);
        assert_eq!(app.products[app.visible[0]].status, Some(ProductStatus::UnderChange));
        let done = RecordDetail { status: Some(RecordStatus::Succeeded), updated_time: Some(Timestamp(5.0)), ..record };
        let effects = update(&mut app, Action::RecordPolled { run, result: Ok((done, vec![])) });
        assert!(effects.contains(&Effect::Bell));
        assert_eq!(app.in_flight(), 0);
        let statuses: Vec<_> = app.runs[0].timeline.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(statuses, ["CREATED", "SUCCEEDED"]);
    }

    #[test]
    fn production_review_executes_only_once_the_name_is_typed() {
        let mut app = app_with(2);
        app.production = true;
        open_form(&mut app);
        update(&mut app, ctrl('s'));
        assert_eq!(app.key_mode(), KeyMode::ReviewConfirm);
        // y is a letter of the confirmation here, not "execute".
        assert!(update(&mut app, ch('y')).is_empty());
        assert!(update(&mut app, ch_enter()).is_empty(), "y is not the product's name");
        assert!(app.toast.as_ref().unwrap().text.contains("PRODUCTION"));
        update(&mut app, key(KeyCode::Backspace));
        let name = app.selected_product().unwrap().name.clone();
        for c in name.chars() {
            update(&mut app, ch(c));
        }
        let effects = update(&mut app, ch_enter());
        assert!(matches!(effects.first(), Some(Effect::Execute { .. })), "{effects:?}");
    }

    #[test]
    fn the_palette_runs_commands_and_the_demo_keeps_its_one_world() {
        let mut app = app_with(12);
        update(&mut app, ch(':'));
        assert_eq!(app.key_mode(), KeyMode::Palette);
        for c in "filter 1".chars() {
            update(&mut app, ch(c));
        }
        update(&mut app, ch_enter());
        assert!(app.palette.is_none());
        assert_eq!(app.visible.len(), 3, "web-01, web-10, web-11");
        update(&mut app, ch(':'));
        for c in "profile prod".chars() {
            update(&mut app, ch(c));
        }
        assert!(update(&mut app, ch_enter()).is_empty(), "no reconnect in the demo");
        assert!(app.toast.as_ref().unwrap().text.contains("demo has one world"));
        update(&mut app, ch(':'));
        update(&mut app, key(KeyCode::Esc));
        assert!(app.palette.is_none());
    }

    #[test]
    fn a_production_account_is_recognised_once_the_identity_is_known() {
        let mut app = app_with(1);
        app.config.production_accounts = vec!["123456789012".into()];
        assert!(!app.production);
        update(
            &mut app,
            Action::IdentityLoaded(Ok(("123456789012".into(), "arn:aws:iam::123456789012:user/x".into()))),
        );
        assert!(app.production);
        let mut other = app_with(1);
        other.config.production_accounts = vec!["123456789012".into()];
        update(
            &mut other,
            Action::IdentityLoaded(Ok(("210987654321".into(), "arn:aws:iam::210987654321:user/x".into()))),
        );
        assert!(!other.production);
    }

    #[test]
    fn review_is_refused_while_a_field_breaks_a_limit() {
        let mut app = app_with(1);
        open_form(&mut app);
        update(&mut app, key_tab());
        update(&mut app, Action::Paste("x".repeat(513)));
        update(&mut app, ctrl('s'));
        assert_eq!(app.screen, Screen::Form);
        assert!(app.toast.as_ref().unwrap().text.contains("513"));
    }

    #[test]
    fn a_busy_product_is_explained_in_the_operators_words() {
        let e = Error::new(ErrorKind::InvalidState, "ExecuteProvisionedProductServiceAction", "x");
        assert_eq!(
            operator_message(&e, Some("web-prod-01")),
            "web-prod-01 is UNDER_CHANGE: another operation is running on it; wait until it finishes"
        );
    }

    #[test]
    fn idle_ticks_do_not_redraw() {
        let mut app = app_with(3);
        app.dirty = false;
        update(&mut app, Action::Tick(Timestamp(2000.0)));
        assert!(!app.animating());
        assert!(!app.dirty);
    }
}
