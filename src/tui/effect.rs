//! What `update` asks the runtime to do. The runtime does it off the UI path and reports back
//! with `Action`s.

use super::action::RunId;
use crate::catalog::ProductQuery;
use crate::domain::ParameterMap;

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
    LoadActions {
        product_id: String,
        version_id: String,
    },
    LoadForm {
        pp_id: String,
        action_id: String,
    },
    /// Send the execute with this token, again with the same token after transient failures.
    Execute {
        run: RunId,
        pp_id: String,
        action_id: String,
        parameters: Option<ParameterMap>,
        token: String,
    },
    /// Poll the record until it ends.
    Watch {
        run: RunId,
        record_id: String,
    },
    Bell,
    Suspend,
    Quit,
}
