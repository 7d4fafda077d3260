//! What `update` asks the runtime to do. The runtime does it off the UI path and reports back
//! with `Action`s.

use super::action::RunId;
use crate::catalog::ProductQuery;
use crate::domain::ProvisionedProduct;
use crate::runs::RunSpec;
use crate::runs::batch::BatchPlan;
use crate::runs::journal::JournalRun;

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Resolve credentials and build the client (live mode).
    Connect,
    /// Load every page of products, reporting each page as it arrives.
    LoadProducts {
        generation: u64,
        query: ProductQuery,
    },
    /// Re-read one product (its status after a run).
    RefreshProduct {
        id: String,
    },
    /// DescribeServiceAction: the SSM document behind an action (once per action).
    LoadDefinition {
        action_id: String,
    },
    LoadActions {
        product_id: String,
        version_id: String,
    },
    LoadForm {
        pp_id: String,
        action_id: String,
    },
    /// Journal the run, send the execute (again with the same token after transient failures),
    /// then follow the record until it ends.
    Execute {
        run: RunId,
        spec: RunSpec,
    },
    /// Read the journal for runs that did not end.
    LoadJournal,
    /// Take up a run from the journal, never sending anything: watch its record, or adopt the one
    /// record that is clearly its; otherwise it is uncertain and the operator decides.
    Resume {
        run: RunId,
        open: Box<JournalRun>,
    },
    /// The operator's choice for an uncertain run: this record is its own.
    Adopt {
        run: RunId,
        open: Box<JournalRun>,
        record_id: String,
    },
    /// The operator's choice for an uncertain run whose token is fresh: send it again with it.
    Resend {
        run: RunId,
        open: Box<JournalRun>,
    },
    /// Close a run in the journal (the operator abandoned it, or sent it again as another run).
    Abandon {
        run: RunId,
        journal_id: String,
        reason: String,
    },
    /// Put text on the operator's clipboard (OSC 52).
    Copy(String),
    /// One page of a product's records (ListRecordHistory).
    LoadHistory {
        pp_id: String,
        token: Option<String>,
    },
    /// A run's SSM Automation execution: read again by id once `known`, else found from the
    /// record (its outputs, or a search narrowed by the document).
    LoadSteps {
        run: RunId,
        record: crate::domain::RecordDetail,
        outputs: Vec<crate::domain::RecordOutput>,
        document: Option<String>,
        /// The run as sent, to tell apart executions the search finds.
        sent: crate::runs::automation::Sent,
        known: Option<String>,
    },
    /// SSM's execution preview of what the review would send (StartExecutionPreview, then
    /// GetExecutionPreview until it ends); `token` is the review's, to match the answer.
    LoadPreview {
        token: String,
        document: String,
        version: Option<String>,
        parameters: std::collections::BTreeMap<String, Vec<String>>,
    },
    /// GetCalendarState on the config's freeze calendars, for the review with `token`.
    LoadFreeze {
        token: String,
        calendars: Vec<String>,
    },
    /// The device-code login of the profile's SSO session (`:login`).
    Login {
        profile: Option<String>,
    },
    /// StopAutomationExecution on a run's execution, journaled on the run.
    StopAutomation {
        run: RunId,
        execution_id: String,
        record_id: String,
    },
    /// A record with its outputs, for the history details.
    LoadRecord {
        record_id: String,
    },
    /// The execution parameters of an action on one product of a batch (its TARGET defaults).
    LoadTargets {
        pp_id: String,
        action_id: String,
    },
    /// The runs of a batch, through the one batch scheduler; each with its product's fleet
    /// cell (None: the connection's own client).
    Batch {
        runs: Vec<(RunId, RunSpec, Option<u16>)>,
        plan: BatchPlan,
    },
    /// Resolve the fleet (again, after a login): every cell gets a new client.
    ConnectFleet {
        generation: u64,
    },
    /// `effect` through the client of one fleet cell: a product's own account and region.
    InCell {
        cell: u16,
        effect: Box<Effect>,
    },
    /// Connect again with another profile or region (runs in flight keep their client).
    Reconnect {
        generation: u64,
        profile: Option<String>,
        region: Option<String>,
        read_only: bool,
    },
    /// Ask the list calls for another access level (the list is loaded again after it).
    SetAccessLevel(crate::domain::AccessLevel),
    /// STS GetCallerIdentity: the account and ARN behind the credentials.
    LoadIdentity,
    /// The action name of each of a product's records the journal knows (history's ACTION).
    LoadHistoryActions {
        pp_id: String,
    },
    /// Find in the journal the run that created a record (for a re-run from history).
    FindInJournal {
        record_id: String,
        product: ProvisionedProduct,
    },
    Bell,
    Suspend,
    Quit,
}

impl Effect {
    /// `effect` through the client of `cell`, or of the connection when there is none.
    pub fn at(cell: Option<u16>, effect: Effect) -> Effect {
        match cell {
            Some(cell) => Effect::InCell { cell, effect: Box::new(effect) },
            None => effect,
        }
    }
}
