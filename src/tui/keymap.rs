//! Keys as data: each mode's table drives `update`, the footer hints and the `?` help screen, so
//! the three can never disagree.

use crate::config::keys::{KeyCommand, KeySpec};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key asks for, whatever the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cmd {
    Up,
    Down,
    PageUp,
    PageDown,
    /// Ctrl-D / Ctrl-U: half a page.
    HalfDown,
    HalfUp,
    Top,
    Bottom,
    SwitchPane,
    Open,
    Back,
    Filter,
    Help,
    Refresh,
    Quit,
    ForceQuit,
    SortNext,
    SortReverse,
    Runs,
    LastRun,
    NextField,
    PrevField,
    Toggle,
    ResetTarget,
    Review,
    Execute,
    Cancel,
    Left,
    Right,
    Suspend,
    Copy,
    History,
    Rerun,
    Mark,
    MarkAll,
    ClearMarks,
    More,
    Less,
    ToggleStop,
    Palette,
    Complete,
    /// An uncertain run: the selected record is its own.
    Adopt,
    /// An uncertain run: send it again (asks first).
    Resend,
    /// An uncertain run: close it in the journal (asks first).
    Abandon,
    /// Stop the run's SSM Automation execution (asks first).
    StopRun,
    /// L on a run whose credentials expired: the SSO device-code login, then it is watched again.
    Login,
    /// o: the AWS console links of what is selected, copied like the rest.
    ConsoleLink,
}

/// Which key table is in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyMode {
    Products,
    Actions,
    Filter,
    /// The form, with a text input focused (letters are typed, not commands).
    FormText,
    /// The form, with a TARGET checklist row focused.
    FormChecklist,
    /// The form, with its Review button focused.
    FormButton,
    Review,
    /// The review of a production run: keys are commands until Enter starts typing the name.
    ReviewConfirm,
    /// The review of a production run, typing the product's name to confirm.
    ReviewTyping,
    /// The review of a batch: every product, concurrency, stop on failure.
    ReviewBatch,
    Run,
    /// A run whose Execute was never answered and that no record is clearly its: the choices.
    RunUncertain,
    /// A run whose record does not name its SSM execution and several fit: pick one.
    RunChoose,
    Runs,
    History,
    /// Confirming a choice for an uncertain run (send again, abandon).
    ConfirmDecision,
    /// The command palette (`:`), typing a command.
    Palette,
    Help,
    ConfirmQuit,
    /// Esc on a form with changes: drop them?
    ConfirmDiscard,
    /// Stop the run's SSM execution? (production: its product's name typed).
    ConfirmStop,
    /// The runs list's filter, being typed.
    RunsFilter,
}

#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: &'static [(KeyCode, KeyModifiers)],
    /// How the key is written in the footer and help (`j/↓`).
    pub label: &'static str,
    pub help: &'static str,
    pub cmd: Cmd,
    /// Shown in the footer as one of the main keys.
    pub footer: bool,
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;

macro_rules! b {
    ([$($k:expr),+], $label:literal, $help:literal, $cmd:ident, $footer:literal) => {
        Binding { keys: &[$($k),+], label: $label, help: $help, cmd: Cmd::$cmd, footer: $footer }
    };
}

use KeyCode::*;

const UP: (KeyCode, KeyModifiers) = (Up, NONE);
const DOWN: (KeyCode, KeyModifiers) = (Down, NONE);

const GLOBAL: &[Binding] = &[
    b!([(Char('c'), CTRL)], "Ctrl-C", "quit at once (runs go on in AWS)", ForceQuit, false),
    b!([(Char('z'), CTRL)], "Ctrl-Z", "suspend (resume with fg)", Suspend, false),
];

const PRODUCTS: &[Binding] = &[
    b!([UP, (Char('k'), NONE)], "↑/k", "previous product", Up, false),
    b!([DOWN, (Char('j'), NONE)], "↓/j", "next product", Down, false),
    b!([(PageUp, NONE)], "PgUp", "page up", PageUp, false),
    b!([(PageDown, NONE)], "PgDn", "page down", PageDown, false),
    b!([(Char('d'), CTRL)], "Ctrl-D", "half a page down", HalfDown, false),
    b!([(Char('u'), CTRL)], "Ctrl-U", "half a page up", HalfUp, false),
    b!([(Home, NONE), (Char('g'), NONE)], "g/Home", "first product", Top, false),
    b!([(End, NONE), (Char('G'), SHIFT), (Char('G'), NONE)], "G/End", "last product", Bottom, false),
    b!([(Enter, NONE), (Tab, NONE)], "Enter/Tab", "go to the product's actions", SwitchPane, true),
    b!([(Char('/'), NONE)], "/", "filter by name, id, product, status, tag or field:value", Filter, true),
    b!([(Esc, NONE)], "Esc", "clear the kept filter", Cancel, false),
    b!([(Char('s'), NONE)], "s", "sort by the next column (shown in its header)", SortNext, false),
    b!([(Char('S'), SHIFT), (Char('S'), NONE)], "S", "reverse the sort order", SortReverse, false),
    b!([(Char('r'), NONE)], "r", "refresh the list", Refresh, true),
    b!([(Char('c'), NONE)], "c", "copy the product id (OSC 52: works over SSH and in tmux)", Copy, false),
    b!([(Char('o'), NONE)], "o", "copy the product's AWS console link", ConsoleLink, false),
    b!([(Char('R'), SHIFT), (Char('R'), NONE)], "R", "runs started in this session", Runs, true),
    b!([(Char('l'), NONE)], "l", "watch the latest run", LastRun, false),
    b!([(Char('h'), NONE)], "h", "history: the product's records, newest first", History, true),
    b!(
        [(Char(':'), NONE), (Char(':'), SHIFT)],
        ":",
        "command palette: profile, region, theme, filter, … (Tab completes)",
        Palette,
        true
    ),
    b!([(Char(' '), NONE)], "Space", "mark or unmark the product for a batch run", Mark, false),
    b!([(Char('*'), NONE), (Char('*'), SHIFT)], "*", "mark every product the filter shows", MarkAll, false),
    b!([(Char('u'), NONE)], "u", "clear the marks", ClearMarks, false),
    b!([(Char('?'), NONE), (F(1), NONE)], "?", "help: every key of this screen", Help, true),
    b!([(Char('q'), NONE)], "q", "quit (asks first when runs are in flight)", Quit, true),
];

const ACTIONS: &[Binding] = &[
    b!([UP, (Char('k'), NONE)], "↑/k", "previous action", Up, false),
    b!([DOWN, (Char('j'), NONE)], "↓/j", "next action", Down, false),
    b!([(Enter, NONE)], "Enter", "fill in the action's parameters", Open, true),
    b!(
        [(Tab, NONE), (BackTab, SHIFT), (BackTab, NONE), (Esc, NONE)],
        "Tab/Esc",
        "back to the products",
        SwitchPane,
        true
    ),
    b!([(Char('/'), NONE)], "/", "filter the products", Filter, false),
    b!([(Char('h'), NONE)], "h", "history: the product's records, newest first", History, false),
    b!([(Char(':'), NONE), (Char(':'), SHIFT)], ":", "command palette", Palette, false),
    b!([(Char('r'), NONE)], "r", "refresh the list", Refresh, false),
    b!([(Char('R'), SHIFT), (Char('R'), NONE)], "R", "runs started in this session", Runs, true),
    b!([(Char('l'), NONE)], "l", "watch the latest run", LastRun, false),
    b!([(Char('?'), NONE), (F(1), NONE)], "?", "help: every key of this screen", Help, true),
    b!([(Char('q'), NONE)], "q", "quit (asks first when runs are in flight)", Quit, true),
];

const FILTER: &[Binding] = &[
    b!([(Enter, NONE)], "Enter", "keep the filter, select the first match", Open, true),
    b!([(Esc, NONE)], "Esc", "clear the filter", Cancel, true),
    b!([UP], "↑", "previous match", Up, false),
    b!([DOWN], "↓", "next match", Down, false),
];

const FORM_TEXT: &[Binding] = &[
    b!([(Tab, NONE)], "Tab", "next field", NextField, true),
    b!([(BackTab, SHIFT), (BackTab, NONE)], "Shift-Tab", "previous field", PrevField, true),
    b!([(Char('s'), CTRL)], "Ctrl-S", "review what will be sent", Review, true),
    b!([(Char('r'), CTRL)], "Ctrl-R", "TARGET: back to Service Catalog's defaults", ResetTarget, false),
    b!([UP], "↑", "TARGET: up the checklist", Up, false),
    b!([DOWN], "↓", "TARGET: down the checklist", Down, false),
    b!([(Enter, NONE)], "Enter", "add the typed value to the list", Toggle, false),
    b!(
        [(Esc, NONE)],
        "Esc",
        "TARGET: stop typing; otherwise back to the actions (asks first if you changed something)",
        Back,
        true
    ),
    b!([(F(1), NONE)], "F1", "help: every key of this screen", Help, false),
];

const FORM_CHECKLIST: &[Binding] = &[
    b!([UP, (Char('k'), NONE)], "↑/k", "previous resource or allowed value", Up, false),
    b!([DOWN, (Char('j'), NONE)], "↓/j", "next resource or allowed value", Down, false),
    b!(
        [(Char(' '), NONE), (Enter, NONE)],
        "Space",
        "select or unselect the resource or value; on the add line, type a new one",
        Toggle,
        true
    ),
    b!(
        [(Char('d'), NONE), (Char('r'), CTRL)],
        "d",
        "back to the defaults (Service Catalog's TARGET, the document's value)",
        ResetTarget,
        true
    ),
    b!([(Tab, NONE)], "Tab", "next field", NextField, true),
    b!([(BackTab, SHIFT), (BackTab, NONE)], "Shift-Tab", "previous field", PrevField, false),
    b!([(Char('s'), CTRL)], "Ctrl-S", "review what will be sent", Review, true),
    b!([(Esc, NONE)], "Esc", "back to the actions (asks first if you changed something)", Back, true),
    b!([(Char(':'), NONE), (Char(':'), SHIFT)], ":", "command palette", Palette, false),
    b!([(Char('?'), NONE), (F(1), NONE)], "?", "help: every key of this screen", Help, false),
];

const FORM_BUTTON: &[Binding] = &[
    b!([(Enter, NONE), (Char('s'), CTRL)], "Enter", "review what will be sent", Review, true),
    b!([(Tab, NONE)], "Tab", "next field", NextField, true),
    b!([(BackTab, SHIFT), (BackTab, NONE)], "Shift-Tab", "previous field", PrevField, false),
    b!([(Esc, NONE)], "Esc", "back to the actions (asks first if you changed something)", Back, true),
    b!([(Char(':'), NONE), (Char(':'), SHIFT)], ":", "command palette", Palette, false),
    b!([(Char('?'), NONE), (F(1), NONE)], "?", "help: every key of this screen", Help, false),
];

const REVIEW: &[Binding] = &[
    b!([(Char('y'), NONE)], "y", "execute now", Execute, true),
    b!([(Char('c'), NONE)], "c", "copy the equivalent AWS CLI command", Copy, false),
    b!([(Char('n'), NONE), (Esc, NONE)], "n/Esc", "cancel, back to the form", Cancel, true),
    b!([(Enter, NONE)], "Enter", "press the focused button (Cancel unless moved)", Open, true),
    b!([(Left, NONE), (Char('h'), NONE), (BackTab, SHIFT), (BackTab, NONE)], "←", "focus Cancel", Left, false),
    b!([(Right, NONE), (Tab, NONE)], "→/Tab", "focus Execute", Right, false),
    b!([DOWN, (Char('j'), NONE)], "↓/j", "scroll the details down", Down, false),
    b!([UP, (Char('k'), NONE)], "↑/k", "scroll the details up", Up, false),
    b!([(PageDown, NONE)], "PgDn", "scroll the details a page down", PageDown, false),
    b!([(PageUp, NONE)], "PgUp", "scroll the details a page up", PageUp, false),
    b!([(Char('d'), CTRL)], "Ctrl-D", "half a page down", HalfDown, false),
    b!([(Char('u'), CTRL)], "Ctrl-U", "half a page up", HalfUp, false),
    b!([(Char(':'), NONE), (Char(':'), SHIFT)], ":", "command palette", Palette, false),
    b!([(Char('?'), NONE), (F(1), NONE)], "?", "help: every key of this screen", Help, false),
];

const REVIEW_BATCH: &[Binding] = &[
    b!([(Char('y'), NONE)], "y", "start the batch", Execute, true),
    b!([(Char('n'), NONE), (Esc, NONE), (Enter, NONE)], "n/Esc", "cancel, back to the form", Cancel, true),
    b!([(Char('+'), NONE), (Char('+'), SHIFT), (Char('='), NONE)], "+", "more runs at once", More, true),
    b!([(Char('-'), NONE)], "-", "fewer runs at once", Less, true),
    b!([(Char('f'), NONE)], "f", "stop launching after the first failure, or not", ToggleStop, true),
    b!([DOWN, (Char('j'), NONE)], "↓/j", "scroll the products down", Down, false),
    b!([UP, (Char('k'), NONE)], "↑/k", "scroll the products up", Up, false),
    b!([(PageDown, NONE)], "PgDn", "scroll a page down", PageDown, false),
    b!([(PageUp, NONE)], "PgUp", "scroll a page up", PageUp, false),
    b!([(Char('d'), CTRL)], "Ctrl-D", "half a page down", HalfDown, false),
    b!([(Char('u'), CTRL)], "Ctrl-U", "half a page up", HalfUp, false),
    b!([(Char(':'), NONE), (Char(':'), SHIFT)], ":", "command palette", Palette, false),
    b!([(Char('?'), NONE), (F(1), NONE)], "?", "help: every key of this screen", Help, false),
];

const REVIEW_CONFIRM: &[Binding] = &[
    b!([(Enter, NONE), (Tab, NONE), (Char('i'), NONE)], "Enter", "type the product's name to confirm", Toggle, true),
    b!([(Char('c'), NONE)], "c", "copy the equivalent AWS CLI command", Copy, false),
    b!([(Char('n'), NONE), (Esc, NONE)], "n/Esc", "cancel, back to the form", Cancel, true),
    b!([DOWN, (Char('j'), NONE)], "↓/j", "scroll the details down", Down, false),
    b!([UP, (Char('k'), NONE)], "↑/k", "scroll the details up", Up, false),
    b!([(PageDown, NONE)], "PgDn", "scroll the details a page down", PageDown, false),
    b!([(PageUp, NONE)], "PgUp", "scroll the details a page up", PageUp, false),
    b!([(Char('d'), CTRL)], "Ctrl-D", "half a page down", HalfDown, false),
    b!([(Char('u'), CTRL)], "Ctrl-U", "half a page up", HalfUp, false),
    b!([(Char(':'), NONE), (Char(':'), SHIFT)], ":", "command palette", Palette, false),
    b!([(Char('?'), NONE), (F(1), NONE)], "?", "help: every key of this screen", Help, false),
];

const REVIEW_TYPING: &[Binding] = &[
    b!([(Enter, NONE)], "Enter", "execute, once the typed name matches the product's", Execute, true),
    b!([(Esc, NONE)], "Esc", "stop typing (Esc again cancels)", Back, true),
    b!([DOWN], "↓", "scroll the details down", Down, false),
    b!([UP], "↑", "scroll the details up", Up, false),
    b!([(PageDown, NONE)], "PgDn", "scroll the details a page down", PageDown, false),
    b!([(PageUp, NONE)], "PgUp", "scroll the details a page up", PageUp, false),
    b!([(F(1), NONE)], "F1", "help: every key of this screen", Help, false),
];

const RUN: &[Binding] = &[
    b!([(Esc, NONE), (Char('b'), NONE)], "Esc", "back (the run is still watched)", Back, true),
    b!([DOWN, (Char('j'), NONE)], "↓/j", "scroll down", Down, false),
    b!([UP, (Char('k'), NONE)], "↑/k", "scroll up", Up, false),
    b!([(PageDown, NONE)], "PgDn", "a page down", PageDown, false),
    b!([(PageUp, NONE)], "PgUp", "a page up", PageUp, false),
    b!([(Char('d'), CTRL)], "Ctrl-D", "half a page down", HalfDown, false),
    b!([(Char('u'), CTRL)], "Ctrl-U", "half a page up", HalfUp, false),
    b!([(Char('c'), NONE)], "c", "copy the record id", Copy, false),
    b!([(Char('o'), NONE)], "o", "copy the AWS console links: product, record, SSM execution", ConsoleLink, false),
    b!([(Char('e'), NONE)], "e", "run it again (same parameters, new token, reviewed first)", Rerun, false),
    b!([(Char('x'), NONE)], "x", "stop its SSM automation (asks first; the record ends FAILED)", StopRun, false),
    b!(
        [(Char('L'), SHIFT), (Char('L'), NONE)],
        "L",
        "log in again (IAM Identity Center) when its credentials expired; then it is watched again",
        Login,
        false
    ),
    b!([(Char('R'), SHIFT), (Char('R'), NONE)], "R", "all runs", Runs, true),
    b!([(Char(':'), NONE), (Char(':'), SHIFT)], ":", "command palette", Palette, false),
    b!([(Char('?'), NONE), (F(1), NONE)], "?", "help: every key of this screen", Help, true),
    b!([(Char('q'), NONE)], "q", "back, as Esc (q quits from the products)", Back, false),
];

const RUN_UNCERTAIN: &[Binding] = &[
    b!([UP, (Char('k'), NONE)], "↑/k", "previous record of the product", Up, false),
    b!([DOWN, (Char('j'), NONE)], "↓/j", "next record of the product", Down, false),
    b!([(Char('a'), NONE)], "a", "adopt the selected record: it is this run's", Adopt, true),
    b!([(Char('s'), NONE)], "s", "send it again (asks first)", Resend, true),
    b!([(Char('x'), NONE)], "x", "abandon it: the journal closes it (asks first)", Abandon, true),
    b!([(PageDown, NONE)], "PgDn", "scroll a page down", PageDown, false),
    b!([(PageUp, NONE)], "PgUp", "scroll a page up", PageUp, false),
    b!([(Esc, NONE), (Char('b'), NONE)], "Esc", "back (the run waits for a decision)", Back, true),
    b!([(Char('R'), SHIFT), (Char('R'), NONE)], "R", "all runs", Runs, false),
    b!([(Char(':'), NONE), (Char(':'), SHIFT)], ":", "command palette", Palette, false),
    b!([(Char('?'), NONE), (F(1), NONE)], "?", "help: every key of this screen", Help, true),
    b!([(Char('q'), NONE)], "q", "back, as Esc (the run waits for a decision)", Back, false),
];

const RUN_CHOOSE: &[Binding] = &[
    b!([UP, (Char('k'), NONE)], "↑/k", "previous SSM execution", Up, false),
    b!([DOWN, (Char('j'), NONE)], "↓/j", "next SSM execution", Down, false),
    b!([(Enter, NONE)], "Enter", "this execution is the run's: show its steps", Open, true),
    b!([(Esc, NONE), (Char('b'), NONE), (Char('q'), NONE)], "Esc", "back (nothing is chosen)", Back, true),
    b!([(Char('R'), SHIFT), (Char('R'), NONE)], "R", "all runs", Runs, false),
    b!([(Char('?'), NONE), (F(1), NONE)], "?", "help: every key of this screen", Help, true),
];

const CONFIRM_DECISION: &[Binding] = &[
    b!([(Char('y'), NONE)], "y", "yes, do it", Execute, true),
    b!([(Char('n'), NONE), (Esc, NONE), (Enter, NONE)], "n/Esc", "no: back to the choices", Cancel, true),
];

const RUNS: &[Binding] = &[
    b!([UP, (Char('k'), NONE)], "↑/k", "previous run", Up, false),
    b!([DOWN, (Char('j'), NONE)], "↓/j", "next run", Down, false),
    b!([(PageDown, NONE)], "PgDn", "a page down", PageDown, false),
    b!([(PageUp, NONE)], "PgUp", "a page up", PageUp, false),
    b!([(Char('d'), CTRL)], "Ctrl-D", "half a page down", HalfDown, false),
    b!([(Char('u'), CTRL)], "Ctrl-U", "half a page up", HalfUp, false),
    b!([(Enter, NONE)], "Enter", "watch the run", Open, true),
    b!([(Char('/'), NONE)], "/", "filter the runs by action, product, status or record", Filter, true),
    b!([(Char('c'), NONE)], "c", "copy the record id", Copy, false),
    b!([(Char('o'), NONE)], "o", "copy the run's AWS console links", ConsoleLink, false),
    b!([(Char('e'), NONE)], "e", "run it again (same parameters, new token, reviewed first)", Rerun, true),
    b!([(Esc, NONE)], "Esc", "clear the kept filter, else back to the products", Back, true),
    b!([(Char(':'), NONE), (Char(':'), SHIFT)], ":", "command palette", Palette, false),
    b!([(Char('?'), NONE), (F(1), NONE)], "?", "help: every key of this screen", Help, true),
    b!([(Char('q'), NONE)], "q", "back, as Esc (q quits from the products)", Back, false),
];

const HISTORY: &[Binding] = &[
    b!([UP, (Char('k'), NONE)], "↑/k", "newer record", Up, false),
    b!([DOWN, (Char('j'), NONE)], "↓/j", "older record (the next page loads at the end)", Down, false),
    b!([(Enter, NONE)], "Enter", "details: errors and outputs of the record", Open, true),
    b!([(Char('e'), NONE)], "e", "run this action again (parameters from the journal, new token)", Rerun, true),
    b!([(Char('c'), NONE)], "c", "copy the record id", Copy, false),
    b!([(Char('o'), NONE)], "o", "copy the AWS console links of the product and the record", ConsoleLink, false),
    b!([(PageDown, NONE)], "PgDn", "scroll the details down", PageDown, false),
    b!([(PageUp, NONE)], "PgUp", "scroll the details up", PageUp, false),
    b!([(Char('d'), CTRL)], "Ctrl-D", "half a page of records down", HalfDown, false),
    b!([(Char('u'), CTRL)], "Ctrl-U", "half a page of records up", HalfUp, false),
    b!([(Esc, NONE)], "Esc", "back to the products", Back, true),
    b!([(Char(':'), NONE), (Char(':'), SHIFT)], ":", "command palette", Palette, false),
    b!([(Char('?'), NONE), (F(1), NONE)], "?", "help: every key of this screen", Help, true),
    b!([(Char('q'), NONE)], "q", "back, as Esc (q quits from the products)", Back, false),
];

const PALETTE: &[Binding] = &[
    b!([(Enter, NONE)], "Enter", "run the command", Open, true),
    b!([(Tab, NONE)], "Tab", "complete the command or its argument", Complete, true),
    b!([(Esc, NONE)], "Esc", "close the palette", Cancel, true),
];

const HELP: &[Binding] = &[
    b!([(Esc, NONE), (Char('?'), NONE), (Char('q'), NONE), (F(1), NONE)], "Esc", "close the help", Back, true),
    b!([DOWN, (Char('j'), NONE)], "↓/j", "scroll down", Down, false),
    b!([UP, (Char('k'), NONE)], "↑/k", "scroll up", Up, false),
    b!([(PageDown, NONE)], "PgDn", "a page down", PageDown, false),
    b!([(PageUp, NONE)], "PgUp", "a page up", PageUp, false),
    b!([(Char('d'), CTRL)], "Ctrl-D", "half a page down", HalfDown, false),
    b!([(Char('u'), CTRL)], "Ctrl-U", "half a page up", HalfUp, false),
];

const CONFIRM_DISCARD: &[Binding] = &[
    b!([(Char('y'), NONE)], "y", "drop the changes and go back to the actions", Execute, true),
    b!([(Char('n'), NONE), (Esc, NONE), (Enter, NONE)], "n/Esc", "keep editing", Cancel, true),
];

const CONFIRM_STOP: &[Binding] = &[
    b!([(Enter, NONE)], "Enter", "stop it (on production, once the typed name matches)", Execute, true),
    b!([(Esc, NONE)], "Esc", "keep it running", Cancel, true),
];

const RUNS_FILTER: &[Binding] = &[
    b!([(Enter, NONE)], "Enter", "keep the filter", Open, true),
    b!([(Esc, NONE)], "Esc", "clear the filter", Cancel, true),
    b!([UP], "↑", "previous run", Up, false),
    b!([DOWN], "↓", "next run", Down, false),
];

const CONFIRM_QUIT: &[Binding] = &[
    b!([(Char('y'), NONE)], "y", "quit; the runs go on in AWS", Execute, true),
    b!([(Char('n'), NONE), (Esc, NONE), (Enter, NONE)], "n/Esc", "stay", Cancel, true),
];

impl KeyMode {
    /// What the screen is, in words: the help's title and the man page's sections.
    pub fn title(self) -> &'static str {
        use KeyMode::*;
        match self {
            Products => "products list",
            Actions => "actions list",
            Filter => "filter",
            FormText => "parameter form, typing a value",
            FormChecklist => "parameter form, TARGET checklist",
            FormButton => "parameter form",
            Review => "review before execute",
            ReviewConfirm => "review of a production run",
            ReviewTyping => "review of a production run, typing the name",
            ReviewBatch => "review of a batch",
            Run => "run",
            RunUncertain => "run whose Execute was never answered",
            RunChoose => "run: pick its SSM execution",
            ConfirmDecision => "confirm a choice for an uncertain run",
            Runs => "runs",
            History => "history",
            Palette => "command palette",
            Help => "help",
            ConfirmQuit => "quit",
            ConfirmDiscard => "drop the form's changes?",
            ConfirmStop => "stop the run's SSM automation?",
            RunsFilter => "runs filter",
        }
    }

    /// Every key table, for the help screen's tests and the README check.
    pub const ALL: [KeyMode; 22] = [
        KeyMode::Products,
        KeyMode::Actions,
        KeyMode::Filter,
        KeyMode::FormText,
        KeyMode::FormChecklist,
        KeyMode::FormButton,
        KeyMode::Review,
        KeyMode::ReviewConfirm,
        KeyMode::ReviewTyping,
        KeyMode::ReviewBatch,
        KeyMode::Run,
        KeyMode::RunUncertain,
        KeyMode::RunChoose,
        KeyMode::Runs,
        KeyMode::History,
        KeyMode::ConfirmDecision,
        KeyMode::Palette,
        KeyMode::Help,
        KeyMode::ConfirmQuit,
        KeyMode::ConfirmDiscard,
        KeyMode::ConfirmStop,
        KeyMode::RunsFilter,
    ];
}

pub fn bindings(mode: KeyMode) -> &'static [Binding] {
    match mode {
        KeyMode::Products => PRODUCTS,
        KeyMode::Actions => ACTIONS,
        KeyMode::Filter => FILTER,
        KeyMode::FormText => FORM_TEXT,
        KeyMode::FormChecklist => FORM_CHECKLIST,
        KeyMode::FormButton => FORM_BUTTON,
        KeyMode::Review => REVIEW,
        KeyMode::ReviewConfirm => REVIEW_CONFIRM,
        KeyMode::ReviewTyping => REVIEW_TYPING,
        KeyMode::ReviewBatch => REVIEW_BATCH,
        KeyMode::Run => RUN,
        KeyMode::RunUncertain => RUN_UNCERTAIN,
        KeyMode::RunChoose => RUN_CHOOSE,
        KeyMode::ConfirmDecision => CONFIRM_DECISION,
        KeyMode::Runs => RUNS,
        KeyMode::History => HISTORY,
        KeyMode::Palette => PALETTE,
        KeyMode::Help => HELP,
        KeyMode::ConfirmQuit => CONFIRM_QUIT,
        KeyMode::ConfirmDiscard => CONFIRM_DISCARD,
        KeyMode::ConfirmStop => CONFIRM_STOP,
        KeyMode::RunsFilter => RUNS_FILTER,
    }
}

pub fn global() -> &'static [Binding] {
    GLOBAL
}

fn matches(binding: &Binding, key: &KeyEvent) -> bool {
    binding.keys.iter().any(|(code, mods)| {
        // Shifted letters arrive with or without SHIFT depending on the terminal.
        *code == key.code
            && (*mods == key.modifiers || (matches!(code, Char(_)) && *mods == NONE && key.modifiers == SHIFT))
    })
}

/// An extra key from the config, as a binding: (key, command).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
    pub cmd: Cmd,
    /// As written in the config, for the help screen.
    pub label: String,
}

impl Override {
    /// The binding a config `[keys]` entry asks for.
    pub fn from_spec(spec: KeySpec) -> Override {
        let cmd = match spec.command {
            KeyCommand::Quit => Cmd::Quit,
            KeyCommand::Help => Cmd::Help,
            KeyCommand::Filter => Cmd::Filter,
            KeyCommand::Refresh => Cmd::Refresh,
            KeyCommand::Runs => Cmd::Runs,
            KeyCommand::History => Cmd::History,
            KeyCommand::Palette => Cmd::Palette,
            KeyCommand::Copy => Cmd::Copy,
            KeyCommand::Rerun => Cmd::Rerun,
            KeyCommand::Mark => Cmd::Mark,
            KeyCommand::MarkAll => Cmd::MarkAll,
            KeyCommand::ClearMarks => Cmd::ClearMarks,
            KeyCommand::Sort => Cmd::SortNext,
            KeyCommand::LastRun => Cmd::LastRun,
        };
        Override { code: spec.code, modifiers: spec.modifiers, cmd, label: spec.label }
    }
}

/// The command a key means in `mode`: the mode's own keys first, then the config's extra keys for
/// commands this mode has.
pub fn lookup_with(mode: KeyMode, key: &KeyEvent, overrides: &[Override]) -> Option<Cmd> {
    lookup(mode, key).or_else(|| {
        let table = bindings(mode);
        overrides
            .iter()
            .find(|o| {
                o.code == key.code
                    && (o.modifiers == key.modifiers || (matches!(o.code, Char(_)) && key.modifiers == SHIFT))
            })
            .map(|o| o.cmd)
            .filter(|cmd| table.iter().any(|b| b.cmd == *cmd))
    })
}

/// Why a config key would do nothing: in a screen whose table has its command, the key already
/// means something else there (the screen's own keys come first). None when it works.
pub fn shadowed(o: &Override) -> Option<String> {
    let key = KeyEvent::new(o.code, o.modifiers);
    KeyMode::ALL.iter().filter(|m| bindings(**m).iter().any(|b| b.cmd == o.cmd)).find_map(|m| {
        let taken = GLOBAL.iter().chain(bindings(*m)).find(|b| matches(b, &key) && b.cmd != o.cmd)?;
        Some(format!(
            "[keys]: {} already means \"{}\" where that command is used, so it would do nothing; pick another key",
            o.label, taken.help
        ))
    })
}

/// The command a key means in `mode`, global keys first.
pub fn lookup(mode: KeyMode, key: &KeyEvent) -> Option<Cmd> {
    GLOBAL.iter().chain(bindings(mode)).find(|b| matches(b, key)).map(|b| b.cmd)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, NONE)
    }

    #[test]
    fn the_minimum_keys_are_bound() {
        assert_eq!(lookup(KeyMode::Products, &key(Char('j'))), Some(Cmd::Down));
        assert_eq!(lookup(KeyMode::Products, &key(Down)), Some(Cmd::Down));
        assert_eq!(lookup(KeyMode::Products, &key(Char('k'))), Some(Cmd::Up));
        assert_eq!(lookup(KeyMode::Products, &key(Tab)), Some(Cmd::SwitchPane));
        assert_eq!(lookup(KeyMode::Products, &key(Char('/'))), Some(Cmd::Filter));
        assert_eq!(lookup(KeyMode::Products, &key(Char('?'))), Some(Cmd::Help));
        assert_eq!(lookup(KeyMode::Products, &key(Char('r'))), Some(Cmd::Refresh));
        assert_eq!(lookup(KeyMode::Products, &key(Char('q'))), Some(Cmd::Quit));
        assert_eq!(lookup(KeyMode::Actions, &key(Enter)), Some(Cmd::Open));
        assert_eq!(lookup(KeyMode::Actions, &key(Esc)), Some(Cmd::SwitchPane));
        assert_eq!(lookup(KeyMode::FormText, &KeyEvent::new(Char('s'), CTRL)), Some(Cmd::Review));
        assert_eq!(lookup(KeyMode::Review, &key(Char('y'))), Some(Cmd::Execute));
        assert_eq!(lookup(KeyMode::Review, &key(Char('n'))), Some(Cmd::Cancel));
        assert_eq!(lookup(KeyMode::Review, &key(Esc)), Some(Cmd::Cancel));
        assert_eq!(lookup(KeyMode::FormChecklist, &key(Char(' '))), Some(Cmd::Toggle));
    }

    fn parse_override(command: &str, key: &str) -> Result<Override, String> {
        crate::config::keys::parse(command, key).map(Override::from_spec)
    }

    #[test]
    fn config_keys_add_to_the_keymap_where_the_command_exists() {
        let o = vec![parse_override("quit", "ctrl-q").unwrap(), parse_override("history", "H").unwrap()];
        let ctrl_q = KeyEvent::new(Char('q'), CTRL);
        assert_eq!(lookup_with(KeyMode::Products, &ctrl_q, &o), Some(Cmd::Quit));
        assert_eq!(lookup_with(KeyMode::Products, &KeyEvent::new(Char('H'), SHIFT), &o), Some(Cmd::History));
        assert_eq!(lookup_with(KeyMode::FormText, &KeyEvent::new(Char('H'), SHIFT), &o), None, "typed in text fields");
        assert_eq!(lookup_with(KeyMode::Products, &key(Char('q')), &o), Some(Cmd::Quit), "the defaults stay");
        assert_eq!(parse_override("sort", "f2").unwrap().cmd, Cmd::SortNext);
    }

    #[test]
    fn ctrl_c_quits_everywhere() {
        for mode in KeyMode::ALL {
            assert_eq!(lookup(mode, &KeyEvent::new(Char('c'), CTRL)), Some(Cmd::ForceQuit), "{mode:?}");
        }
    }

    #[test]
    fn letters_are_typed_in_text_fields() {
        for c in ['q', 'j', 'k', '?', '/', 'y', 'n', 'r', ' '] {
            assert_eq!(lookup(KeyMode::FormText, &key(Char(c))), None, "{c} must reach the input");
            assert_eq!(lookup(KeyMode::Filter, &key(Char(c))), None, "{c} must reach the filter");
        }
    }

    #[test]
    fn no_key_means_two_things_in_one_mode() {
        for mode in KeyMode::ALL {
            let table: Vec<&Binding> = GLOBAL.iter().chain(bindings(mode)).collect();
            for (i, a) in table.iter().enumerate() {
                for b in &table[i + 1..] {
                    for k in a.keys {
                        assert!(
                            !b.keys.contains(k) || a.cmd == b.cmd,
                            "{mode:?}: {k:?} is both {:?} and {:?}",
                            a.cmd,
                            b.cmd
                        );
                    }
                }
            }
        }
    }
}
