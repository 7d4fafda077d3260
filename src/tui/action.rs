//! Everything that can change the App: what the operator did (keys, paste, resize) and what
//! background work reports back (past tense). Background tasks never touch the App directly.

use crate::catalog::{Error, Target};
use crate::domain::{
    ActionDefinition, ExecutionParameter, Page, ParameterMap, ProvisionedProduct, RecordDetail, RecordOutput,
    ServiceAction, Timestamp,
};
use crate::runs::journal::JournalRun;
use crossterm::event::KeyEvent;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RunId(pub u64);

#[derive(Debug, Clone)]
pub enum Action {
    Key(KeyEvent),
    Paste(String),
    Resize(u16, u16),
    /// The clock moved (only sent while something animates).
    Tick(Timestamp),
    ClientReady(Result<Target, Error>),
    ProductsPage {
        generation: u64,
        page: Page<ProvisionedProduct>,
    },
    ProductsFailed {
        generation: u64,
        error: Error,
        retrying: bool,
    },
    ProductUpdated(ProvisionedProduct),
    ActionsLoaded {
        key: (String, String),
        result: Result<Arc<Vec<ServiceAction>>, Error>,
    },
    FormLoaded {
        pp_id: String,
        action_id: String,
        result: Result<(Vec<ExecutionParameter>, ActionDefinition), Error>,
    },
    /// A transient failure sending the execute; it is being sent again with the same token.
    RunRetrying {
        run: RunId,
        error: Error,
    },
    RunSubmitted {
        run: RunId,
        result: Result<RecordDetail, Error>,
    },
    RecordPolled {
        run: RunId,
        result: Result<(RecordDetail, Vec<RecordOutput>), Error>,
    },
    DefinitionLoaded {
        action_id: String,
        result: Result<ActionDefinition, Error>,
    },
    HistoryPage {
        pp_id: String,
        result: Result<Page<RecordDetail>, Error>,
    },
    RecordLoaded {
        record_id: String,
        result: Result<(RecordDetail, Vec<RecordOutput>), Error>,
    },
    TargetsLoaded {
        pp_id: String,
        result: Result<Vec<ExecutionParameter>, Error>,
    },
    /// (account, ARN) of the caller, or why it is not known.
    IdentityLoaded(Result<(String, String), Error>),
    /// The journal's run behind a record: (action id, action name, parameters), or None.
    JournalRunFound {
        record_id: String,
        product: ProvisionedProduct,
        found: Option<(String, String, Option<ParameterMap>)>,
    },
    /// `--read-only` refused the run; nothing was sent.
    RunRefused {
        run: RunId,
        reason: String,
    },
    /// Runs of earlier sessions that did not end, and journal lines that could not be read.
    JournalLoaded {
        open: Vec<JournalRun>,
        problems: Vec<String>,
    },
}
