//! Everything that can change the App: what the operator did (keys, paste, resize) and what
//! background work reports back (past tense). Background tasks never touch the App directly.

use crate::catalog::{CatalogClient, Error, Target};
use crate::domain::{
    ActionDefinition, ExecutionParameter, Page, ParameterMap, ProvisionedProduct, RecordDetail, RecordOutput,
    ServiceAction, Timestamp,
};
use crate::runs::RunError;
use crate::runs::journal::JournalRun;
use crossterm::event::KeyEvent;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RunId(pub u64);

/// A client that is ready: the runtime keeps it, the App only reads where it points.
#[derive(Clone)]
pub struct Connected(pub CatalogClient);

impl Connected {
    pub fn target(&self) -> &Target {
        &self.0.target
    }
}

impl std::fmt::Debug for Connected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Connected").field(&self.0.target).finish()
    }
}

/// A resolved fleet: the runtime keeps its clients, the App reads its cells' names.
#[derive(Clone)]
pub struct FleetConnected(pub Arc<crate::fleet::Fleet>);

impl std::fmt::Debug for FleetConnected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("FleetConnected").field(&self.0.cells).finish()
    }
}

#[derive(Debug, Clone)]
pub enum Action {
    Key(KeyEvent),
    /// A left click or a wheel notch (other mouse events are not passed on).
    Mouse(crossterm::event::MouseEvent),
    Paste(String),
    Resize(u16, u16),
    /// The clock moved (only sent while something animates).
    Tick(Timestamp),
    /// Connection attempt `generation` ended; answers to older attempts are dropped.
    ClientReady {
        generation: u64,
        result: Result<Connected, Error>,
    },
    /// A page of products; `cell` is the fleet cell it came from (None: the connection).
    ProductsPage {
        generation: u64,
        cell: Option<u16>,
        page: Page<ProvisionedProduct>,
    },
    ProductsFailed {
        generation: u64,
        cell: Option<u16>,
        error: Error,
        retrying: bool,
    },
    /// The fleet was resolved (attempt `generation`): its cells, or why it could not be.
    FleetReady {
        generation: u64,
        result: Result<FleetConnected, String>,
    },
    ProductUpdated(ProvisionedProduct),
    /// The access level the list calls use (`auto: user`) when narrower than the whole account,
    /// and a fallback to tell once.
    AccessLevelKnown {
        narrowed: Option<String>,
        note: Option<String>,
    },
    ActionsLoaded {
        key: crate::tui::screen::browse::ActionsKey,
        result: Result<Arc<Vec<ServiceAction>>, Error>,
    },
    FormLoaded {
        pp_id: String,
        action_id: String,
        result: Result<(Vec<ExecutionParameter>, ActionDefinition), Error>,
        /// The SSM document could not be read (DescribeServiceAction denied): why. The form opens
        /// without it.
        definition_missing: Option<String>,
    },
    /// A transient failure sending the execute; it is being sent again with the same token.
    /// What the look-up of a run's SSM Automation execution found.
    StepsLoaded {
        run: RunId,
        result: Result<crate::runs::automation::Found, Error>,
    },
    /// StopAutomationExecution answered (the next record poll shows the end).
    StopSent {
        run: RunId,
        result: Result<(), String>,
    },
    /// A queued batch run's turn came: it is being sent now.
    RunLaunched {
        run: RunId,
    },
    RunRetrying {
        run: RunId,
        error: Error,
    },
    /// Service Catalog created the run's record.
    RunSubmitted {
        run: RunId,
        record: RecordDetail,
    },
    /// The run did not start (nothing ran), or its record can no longer be followed.
    RunFailed {
        run: RunId,
        error: RunError,
    },
    /// The records an uncertain run may have become, and whether its token is still fresh.
    Candidates {
        run: RunId,
        result: Result<Vec<RecordDetail>, Error>,
        token_fresh: bool,
    },
    /// The journal could not record the run's progress.
    RunUnjournaled {
        run: RunId,
        message: String,
    },
    /// A batch run that was not launched (an earlier one failed).
    RunSkipped {
        run: RunId,
        reason: String,
    },
    RecordPolled {
        run: RunId,
        result: Result<(RecordDetail, Vec<RecordOutput>), Error>,
    },
    DefinitionLoaded {
        cell: Option<u16>,
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
    /// The execution preview of the review with this token: the outer error a call that failed
    /// (denied, not offered), the inner one a preview that failed, in SSM's words.
    PreviewLoaded {
        token: String,
        result: Result<Result<crate::domain::ImpactPreview, String>, Error>,
    },
    /// What the change calendars say, for the review with `token`.
    FreezeLoaded {
        token: String,
        freeze: crate::runs::freeze::Freeze,
    },
    /// A notification could not be delivered (the runs are not affected): why.
    NotifyFailed(String),
    /// `:login`: what the operator must do to approve it.
    LoginPrompt(crate::sso::Prompt),
    /// `:login` ended: until when the session is good, or why it failed.
    LoginDone(Result<String, String>),
    /// (account, ARN) of the caller, or why it is not known.
    IdentityLoaded(Result<(String, String), Error>),
    /// Record id → action name, for a product's records sctui's journal holds.
    HistoryActions {
        pp_id: String,
        actions: std::collections::HashMap<String, String>,
    },
    /// The journal's run behind a record: (action id, action name, parameters), or None.
    JournalRunFound {
        product: ProvisionedProduct,
        found: Option<(String, String, Option<ParameterMap>)>,
    },
    /// Runs of earlier sessions that did not end, and journal lines that could not be read.
    JournalLoaded {
        /// Open runs of an earlier demo session, closed as abandoned just now.
        closed_demo: usize,
        open: Vec<JournalRun>,
        problems: Vec<String>,
    },
}
