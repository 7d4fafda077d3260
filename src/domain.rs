//! The program's own vocabulary. SDK types stop at `catalog/convert.rs`; everything else speaks these.
//!
//! Field names serialise in AWS's PascalCase and timestamps as ISO 8601 text, so that `--output json`
//! matches what the AWS CLI prints for the same operation and existing `jq` scripts keep working.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// Seconds since the Unix epoch, with fractions. Serialised the way the AWS CLI prints timestamps.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct Timestamp(pub f64);

impl Timestamp {
    pub fn now() -> Self {
        let d = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        Timestamp(d.as_secs_f64())
    }

    /// ISO 8601 in UTC with microseconds when there are any, as Python's `isoformat()` (the CLI) does.
    pub fn iso(&self) -> String {
        let nanos = (self.0 * 1e6).round() as i128 * 1000;
        match time::OffsetDateTime::from_unix_timestamp_nanos(nanos) {
            Ok(t) => {
                let micros = t.microsecond();
                let base = format!(
                    "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                    t.year(),
                    u8::from(t.month()),
                    t.day(),
                    t.hour(),
                    t.minute(),
                    t.second()
                );
                if micros == 0 { format!("{base}+00:00") } else { format!("{base}.{micros:06}+00:00") }
            }
            Err(_) => format!("{}", self.0),
        }
    }

    /// Short form for tables: `2026-03-01 14:02`.
    pub fn short(&self) -> String {
        let iso = self.iso();
        if iso.len() >= 16 { format!("{} {}", &iso[..10], &iso[11..16]) } else { iso }
    }

    /// Time of day `14:02:07` (UTC), for run timelines.
    pub fn clock(&self) -> String {
        let iso = self.iso();
        iso.get(11..19).unwrap_or(&iso).to_string()
    }
}

impl Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.iso())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Num(f64),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Num(n) => Ok(Timestamp(n)),
            Raw::Text(s) => {
                let t = time::OffsetDateTime::parse(&s, &time::format_description::well_known::Rfc3339)
                    .map_err(serde::de::Error::custom)?;
                Ok(Timestamp(t.unix_timestamp_nanos() as f64 / 1e9))
            }
        }
    }
}

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant,)+ /// A value this version of sctui does not know; shown as sent.
            Other(String) }
        impl $name {
            pub fn as_str(&self) -> &str { match self { $(Self::$variant => $text,)+ Self::Other(s) => s } }
            pub fn parse(s: &str) -> Self { match s { $($text => Self::$variant,)+ other => Self::Other(other.to_string()) } }
        }
        impl From<&str> for $name {
            fn from(s: &str) -> Self { Self::parse(s) }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }
        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> { s.serialize_str(self.as_str()) }
        }
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                Ok(Self::parse(&String::deserialize(d)?))
            }
        }
    };
}

string_enum!(
    /// Status of a provisioned product.
    ProductStatus {
        Available => "AVAILABLE",
        UnderChange => "UNDER_CHANGE",
        Tainted => "TAINTED",
        Error => "ERROR",
        PlanInProgress => "PLAN_IN_PROGRESS",
    }
);

string_enum!(
    /// Status of a record (one request against a provisioned product).
    RecordStatus {
        Created => "CREATED",
        InProgress => "IN_PROGRESS",
        InProgressInError => "IN_PROGRESS_IN_ERROR",
        Succeeded => "SUCCEEDED",
        Failed => "FAILED",
    }
);

impl RecordStatus {
    /// SUCCEEDED and FAILED end a record; everything else means keep watching.
    pub fn is_terminal(&self) -> bool {
        matches!(self, RecordStatus::Succeeded | RecordStatus::Failed)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    pub key: String,
    pub value: String,
}

/// What SSM Change Calendars say of changes now: closed (a freeze) or not, and when that changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarState {
    /// CLOSED (or any state SSM may add that is not OPEN: fail closed).
    pub closed: bool,
    pub next_transition: Option<String>,
}

/// A provisioned product as SearchProvisionedProducts (ProvisionedProductAttribute) describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct ProvisionedProduct {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    #[serde(rename = "Type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    pub id: String,
    pub status: Option<ProductStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_time: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_record_id: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub tags: Vec<Tag>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub physical_id: Option<String>,
    pub product_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_name: Option<String>,
    pub provisioning_artifact_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provisioning_artifact_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_arn: Option<String>,
    /// The fleet cell (account, region) it was listed from, in the TUI over a fleet: its
    /// actions, runs and history go through that cell's client. Not part of the API.
    #[serde(skip)]
    pub cell: Option<u16>,
}

impl ProvisionedProduct {
    /// (product, version): the key under which self-service actions are associated.
    pub fn artifact_key(&self) -> Option<(String, String)> {
        Some((self.product_id.clone()?, self.provisioning_artifact_id.clone()?))
    }

    /// Why no self-service action can run on it, when its type rules them out: AWS's
    /// administrator guide says they are not supported for Terraform products (TERRAFORM_OPEN_SOURCE,
    /// TERRAFORM_CLOUD, and EXTERNAL, the engine type Terraform products were first made with).
    /// The text holds the product's name as AWS sent it: sanitise it before printing.
    pub fn actions_unsupported(&self) -> Option<String> {
        let kind = self.kind.as_deref()?;
        matches!(kind, "TERRAFORM_OPEN_SOURCE" | "TERRAFORM_CLOUD" | "EXTERNAL").then(|| {
            format!(
                "Self-service actions are not supported for Terraform products ({} is {kind}; AWS Service Catalog Administrator Guide)",
                self.name
            )
        })
    }
}

/// One page of results and the token for the next, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_token: Option<String>,
    pub total: Option<i32>,
}

/// ServiceActionSummary, plus what DescribeServiceAction adds when it has been fetched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct ServiceAction {
    pub id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub definition_type: Option<String>,
}

/// The SSM automation behind an action (DescribeServiceAction's Definition).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct ActionDefinition {
    pub name: Option<String>,
    pub version: Option<String>,
    pub assume_role: Option<String>,
    /// The raw `Parameters` JSON text, as Service Catalog stores it.
    pub parameters: Option<String>,
    /// The SSM document's own parameters (DescribeDocument), when they could be read.
    #[serde(skip)]
    pub document_parameters: Vec<DocumentParameter>,
    /// Why they could not be (a missing `ssm:DescribeDocument`, say).
    #[serde(skip)]
    pub document_missing: Option<String>,
    /// Why the allowed values and patterns (the document's content, GetDocument) are not known.
    #[serde(skip)]
    pub content_missing: Option<String>,
}

/// A parameter of an SSM document, as DescribeDocument describes it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DocumentParameter {
    pub name: String,
    /// String, StringList, Integer, Boolean, MapList, StringMap.
    pub kind: String,
    pub description: String,
    /// None: the document has no default, so the parameter is required.
    pub default: Option<String>,
    /// The values it takes, when the document's content lists them (`allowedValues`).
    pub allowed_values: Vec<String>,
    /// The pattern each value must match (`allowedPattern`), as the document's content has it.
    pub allowed_pattern: Option<String>,
}

/// What an Automation run would touch (SSM GetExecutionPreview): resources by type, the regions
/// and accounts, and its steps by impact (Mutating, NonMutating, Undetermined).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ImpactPreview {
    /// (target type, count)
    pub targets: Vec<(String, i64)>,
    pub regions: Vec<String>,
    pub accounts: i64,
    pub steps: BTreeMap<String, i64>,
}

string_enum!(
    /// The type of an execution parameter: TARGET is filled by Service Catalog from the product's
    /// own resources; TEXT_VALUE is whatever the operator types.
    ParameterKind {
        Target => "TARGET",
        TextValue => "TEXT_VALUE",
    }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ExecutionParameter {
    pub name: String,
    #[serde(rename = "Type")]
    pub kind: ParameterKind,
    pub default_values: Vec<String>,
}

impl ExecutionParameter {
    /// TARGET parameters are filled by Service Catalog from the product's own resources.
    pub fn is_target(&self) -> bool {
        match &self.kind {
            ParameterKind::Target => true,
            ParameterKind::Other(s) => s.eq_ignore_ascii_case("TARGET"),
            ParameterKind::TextValue => false,
        }
    }
}

/// One AccessLevelFilter key: which provisioned products and records a list call covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Account,
    Role,
    User,
}

impl Level {
    /// As sctui says it: `account`, `role`, `user`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Account => "account",
            Level::Role => "role",
            Level::User => "user",
        }
    }

    /// As the API spells the key: `Account`, `Role`, `User`.
    pub fn wire(self) -> &'static str {
        match self {
            Level::Account => "Account",
            Level::Role => "Role",
            Level::User => "User",
        }
    }

    pub fn from_wire(key: &str) -> Option<Level> {
        [Level::Account, Level::Role, Level::User].into_iter().find(|l| l.wire() == key)
    }
}

/// Which provisioned products and records the list calls cover (AccessLevelFilter). `Auto`
/// asks for the account and falls back to the role, then the user, when denied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum AccessLevel {
    #[default]
    Auto,
    Account,
    Role,
    User,
}

impl AccessLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            AccessLevel::Auto => "auto",
            AccessLevel::Account => "account",
            AccessLevel::Role => "role",
            AccessLevel::User => "user",
        }
    }
}

/// What makes a connection production: its profile, or the accounts the config names.
#[derive(Debug, Clone, Default)]
pub struct ProductionRule {
    pub by_profile: bool,
    pub accounts: Vec<String>,
}

impl ProductionRule {
    /// Whether the answer depends on the caller's account (STS must be asked).
    pub fn needs_account(&self) -> bool {
        !self.by_profile && !self.accounts.is_empty()
    }

    /// Why the connection changes production, if it does. `account`: `None` when not asked yet,
    /// `Err` with why it could not be known. An unknown account counts as production when
    /// production accounts are named (fail closed).
    pub fn reason(&self, account: Option<Result<&str, &str>>) -> Option<String> {
        if self.by_profile {
            return Some("the profile is a production one".into());
        }
        match account? {
            Ok(a) if self.accounts.iter().any(|x| x == a) => Some(format!("account {a} is production")),
            Ok(_) => None,
            Err(_) if self.accounts.is_empty() => None,
            Err(why) => {
                Some(format!("the caller's account is unknown ({why}) and the config names production accounts"))
            }
        }
    }
}

/// How a run ended, as the journal records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RunOutcome {
    Succeeded,
    Failed,
    /// Service Catalog refused the execute for good; the action did not run.
    NotStarted,
    /// `--read-only` refused it before anything was sent.
    Refused,
    /// It can no longer be followed (its demo emulator ended with its process).
    Abandoned,
}

impl RunOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            RunOutcome::Succeeded => "SUCCEEDED",
            RunOutcome::Failed => "FAILED",
            RunOutcome::NotStarted => "NOT_STARTED",
            RunOutcome::Refused => "REFUSED",
            RunOutcome::Abandoned => "ABANDONED",
        }
    }

    /// The outcome of a record that ended in `status`.
    pub fn of(status: &RecordStatus) -> RunOutcome {
        if *status == RecordStatus::Succeeded { RunOutcome::Succeeded } else { RunOutcome::Failed }
    }
}

impl fmt::Display for RunOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RecordError {
    pub code: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RecordOutput {
    pub output_key: Option<String>,
    pub output_value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct RecordDetail {
    pub record_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provisioned_product_name: Option<String>,
    pub status: Option<RecordStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_time: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_time: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provisioned_product_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provisioned_product_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provisioning_artifact_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path_id: Option<String>,
    pub record_errors: Vec<RecordError>,
    pub record_tags: Vec<Tag>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub launch_role_arn: Option<String>,
}

impl RecordDetail {
    pub fn is_terminal(&self) -> bool {
        self.status.as_ref().is_some_and(RecordStatus::is_terminal)
    }
}

/// Parameter values as sent in ExecuteProvisionedProductServiceAction. `None` means "send no
/// Parameters at all": Service Catalog then resolves TARGET parameters itself.
pub type ParameterMap = BTreeMap<String, Vec<String>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_print_like_the_aws_cli() {
        assert_eq!(Timestamp(0.0).iso(), "1970-01-01T00:00:00+00:00");
        assert_eq!(Timestamp(1577222793.362).iso(), "2019-12-24T21:26:33.362000+00:00");
        assert_eq!(Timestamp(1577222793.0).short(), "2019-12-24 21:26");
    }

    #[test]
    fn unknown_enum_values_survive() {
        assert_eq!(RecordStatus::parse("SUCCEEDED"), RecordStatus::Succeeded);
        let odd = RecordStatus::parse("PAUSED");
        assert_eq!(odd.as_str(), "PAUSED");
        assert!(!odd.is_terminal());
    }
}

/// An SSM Automation execution, shaped as `aws ssm get-automation-execution` prints its
/// `AutomationExecution` (the fields sctui reads; absent ones are left out).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Automation {
    pub automation_execution_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub execution_start_time: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub execution_end_time: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub automation_execution_status: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub step_executions: Vec<AutomationStep>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub parameters: BTreeMap<String, Vec<String>>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub outputs: BTreeMap<String, Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub executed_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_step_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_action: Option<String>,
}

impl Automation {
    /// Success, Failed, Cancelled, TimedOut and the other ends SSM names.
    pub fn is_over(&self) -> bool {
        matches!(
            self.automation_execution_status.as_deref(),
            Some(
                "Success"
                    | "Failed"
                    | "Cancelled"
                    | "TimedOut"
                    | "CompletedWithSuccess"
                    | "CompletedWithFailure"
                    | "Rejected"
                    | "Exited"
            )
        )
    }

    /// The step that failed, if one did.
    pub fn failed_step(&self) -> Option<&AutomationStep> {
        self.step_executions.iter().find(|s| matches!(s.step_status.as_deref(), Some("Failed" | "TimedOut")))
    }
}

/// One step of an execution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct AutomationStep {
    pub step_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub execution_start_time: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub execution_end_time: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step_status: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub outputs: BTreeMap<String, Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_details: Option<FailureDetails>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct FailureDetails {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_stage: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_type: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub details: BTreeMap<String, Vec<String>>,
}
