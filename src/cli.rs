//! The command line: global connection flags, the TUI's display flags and the headless commands.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "sctui",
    version = crate::version::VERSION,
    about = "Run AWS Service Catalog self-service actions from a terminal",
    long_about = "Run AWS Service Catalog self-service actions from a terminal.\n\n\
        With no command, opens the interactive TUI. `--demo` runs everything on an embedded \
        Service Catalog emulator; otherwise the standard AWS credential chain, profiles, regions \
        and endpoints are used (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL_SERVICE_CATALOG, ...)."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    /// Open the TUI over a fleet: every account and region of a `[fleet.NAME]` of the config,
    /// or one given as "role=OpsAdmin regions=eu-west-1,us-east-1". With --demo, `--fleet demo`
    /// is the demo's three accounts in two regions.
    #[arg(long, value_name = "NAME|SPEC")]
    pub fleet: Option<String>,
    /// Record the TUI session as an asciicast v2 file (0600; presenter masking applies; each run
    /// started is journaled with the file's name and where it starts in it).
    #[arg(long, value_name = "FILE.cast")]
    pub record: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args, Clone)]
pub struct Global {
    /// Use the embedded Service Catalog emulator and its demo world (no AWS account needed).
    #[arg(long, global = true)]
    pub demo: bool,
    /// AWS profile (from ~/.aws/config and ~/.aws/credentials).
    #[arg(long, global = true, conflicts_with = "demo")]
    pub profile: Option<String>,
    /// AWS region, for example eu-west-1.
    #[arg(long, global = true, conflicts_with = "demo")]
    pub region: Option<String>,
    /// Send Service Catalog's requests to this endpoint instead of AWS's (a VPC endpoint, or a
    /// local emulator). STS keeps AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL or AWS's own.
    #[arg(long, global = true, conflicts_with = "demo", value_parser = endpoint)]
    pub endpoint_url: Option<String>,
    /// Demo and emulator: multiply every action's duration (0 makes records end at once).
    #[arg(long, global = true, default_value_t = 1.0, value_parser = non_negative)]
    pub time_scale: f64,
    /// Demo and emulator: add N synthetic provisioned products to the world.
    #[arg(long, global = true, default_value_t = 0)]
    pub scale: usize,
    /// Language for Service Catalog's answers: en, jp or zh.
    #[arg(long, global = true, value_parser = accept_language)]
    pub accept_language: Option<String>,
    /// Which provisioned products and records to list: auto (the account, else the role, else
    /// your own, as your policy allows), account, role or user (also `access_level` in the config).
    #[arg(long, global = true, value_enum)]
    pub access_level: Option<crate::domain::AccessLevel>,
    /// Output of the headless commands: a table for people, or JSON with the AWS CLI's keys.
    #[arg(long, short = 'o', global = true, value_enum, default_value_t = Output::Table)]
    pub output: Output,
    /// Write logs here (default: $XDG_STATE_HOME/sctui/sctui.log). Nothing is ever logged to the terminal.
    #[arg(long, global = true)]
    pub log_file: Option<PathBuf>,
    /// The journal of runs (default: $XDG_STATE_HOME/sctui/journal.jsonl).
    #[arg(long, global = true, value_name = "PATH")]
    pub journal: Option<PathBuf>,
    /// Config file (default: $XDG_CONFIG_HOME/sctui/config.toml).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Refuse to execute any action (browsing, history and watching still work).
    #[arg(long, global = true)]
    pub read_only: bool,
    /// TUI: no colours at all (also when NO_COLOR is set).
    #[arg(long, global = true)]
    pub no_color: bool,
    /// TUI: ASCII borders and symbols (automatic when the locale is not UTF-8).
    #[arg(long, global = true)]
    pub ascii: bool,
    /// TUI colours: dark (default), light or high-contrast (also `theme` in the config).
    #[arg(long, global = true, value_enum)]
    pub theme: Option<crate::config::ThemeName>,
    /// TUI for demos: ids, ARNs and account numbers masked on screen, a title line, calm animation.
    #[arg(long, global = true)]
    pub presenter: bool,
    /// TUI: no clicks or wheel (the terminal's own selection works without Shift); also `mouse = false` in the config.
    #[arg(long, global = true)]
    pub no_mouse: bool,
    /// TUI: do not ring the terminal bell when a run ends.
    #[arg(long, global = true)]
    pub no_bell: bool,
    /// While watching a run, give up after this many seconds of failing calls (expired
    /// credentials, no network): exit 4, and the run stays open for `sctui runs resume`.
    #[arg(long, global = true, value_name = "SECS", default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..=86400))]
    pub poll_error_timeout: u64,
    /// Executes, DescribeRecords and product look-ups per second, per operation, shared by every run (a
    /// batch of 200 spaces them out instead of being throttled). Default: the config's
    /// `max_rate`, else 5; 0 = no limit.
    #[arg(long, global = true, value_name = "TPS", value_parser = max_rate)]
    pub max_rate: Option<f64>,
    /// An Execute never answered is sent again (same token) only while it is younger than this
    /// (default 3600, or the config's `token_window_secs`); older, sctui looks for its record
    /// instead, and never runs it twice blindly.
    #[arg(long, global = true, value_name = "SECS", value_parser = clap::value_parser!(u64).range(0..=604800))]
    pub token_window: Option<u64>,
    /// When a run or a batch ends, or a run needs you: run this with `sh -c`, the event as JSON on
    /// its standard input (config `notify_command`; the schema is in the README).
    #[arg(long, global = true, value_name = "CMD")]
    pub notify_command: Option<String>,
    /// The same events POSTed as JSON with a Slack-compatible `text` (config `notify_webhook`).
    #[arg(long, global = true, value_name = "URL")]
    pub notify_webhook: Option<String>,
    /// How long the notify command, or one webhook attempt, may take (default 10; config
    /// `notify_timeout_secs`).
    #[arg(long, global = true, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=300))]
    pub notify_timeout: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    Table,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the Service Catalog emulator (for tests, demos and other clients such as the AWS CLI).
    Emulator(EmulatorArgs),
    /// List provisioned products (SearchProvisionedProducts).
    Products {
        /// Free text or field:value terms such as name:web-prod-01 or status:AVAILABLE.
        #[arg(long, short)]
        query: Option<String>,
        /// Every account and region of a fleet: a `[fleet.NAME]` of the config, or
        /// "role=OpsAdmin regions=eu-west-1,us-east-1 [accounts=dev,staging]" or
        /// "profiles=dev,prod regions=eu-west-1".
        #[arg(long, value_name = "NAME|SPEC")]
        fleet: Option<String>,
    },
    /// List the self-service actions of a provisioned product (by id or exact name).
    Actions { product: String },
    /// Show the parameters of an action on a product, with Service Catalog's defaults.
    Params { product: String, action: String },
    /// List a provisioned product's records, newest first.
    History { product: String },
    /// Show a record and its outputs.
    Record { record_id: String },
    /// Show the SSM Automation steps behind an action's record: each step's status and times, and
    /// the failing step's reason in full (JSON shaped like `aws ssm get-automation-execution`).
    Steps { record_id: String },
    /// Stop the SSM Automation execution behind an action's record (StopAutomationExecution):
    /// it ends Cancelled and the record FAILED. On production, the product's name is typed to
    /// confirm (`--confirm NAME`); `--read-only` refuses it.
    Stop {
        record_id: String,
        /// On a production profile or account: the product's name, typed to confirm.
        #[arg(long, value_name = "NAME")]
        confirm: Option<String>,
    },
    /// Execute a self-service action on a provisioned product.
    Exec(ExecArgs),
    /// Run one action on many provisioned products, each with its own token and journal entry.
    Batch(BatchArgs),
    /// Sign in to AWS IAM Identity Center with a device code (no browser needed here): open the
    /// URL shown on any device and enter the code. The token goes to the AWS CLI's cache
    /// (~/.aws/sso/cache), where the AWS CLI and sctui's credential chain find it.
    Login,
    /// The accounts and roles the profile's SSO session can use (ListAccounts,
    /// ListAccountRoles).
    Accounts,
    /// Runs recorded in the journal: list them, export them for a change ticket, or resume the
    /// ones that did not end.
    Runs {
        #[command(subcommand)]
        action: Option<RunsAction>,
    },
    /// Where sctui's config, journal and log are, and a commented example config.
    Config {
        #[command(subcommand)]
        action: ConfigAction,
    },
    /// Print a shell completion script: subcommands, flags and their values; bash and zsh also
    /// complete --profile with the profiles of ~/.aws/config and ~/.aws/credentials. The Debian
    /// package installs them; otherwise, for example, `sctui completions bash >
    /// ~/.local/share/bash-completion/completions/sctui`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print a manual page (roff): sctui's, or a command's (`sctui man runs export`). `--dir DIR`
    /// writes every page there instead (sctui.1, sctui-exec.1, ...). Read one with
    /// `sctui man | man -l -`.
    Man {
        /// The command whose page to print (default: sctui's own, with the TUI's keys).
        #[arg(value_name = "COMMAND")]
        command: Vec<String>,
        /// Write every page into this folder (created if needed; existing pages are replaced).
        #[arg(long, value_name = "DIR", conflicts_with = "command")]
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Print where the config file, the journal and the log are (flags and XDG variables
    /// applied), and whether each exists.
    Path,
    /// Print a commented example config: every setting, with its default or an example value.
    Example,
}

#[derive(Debug, Subcommand)]
pub enum RunsAction {
    /// Write a summary fit for a change ticket: who, what, when, parameters, outcome, record ids,
    /// and the journal's chain head (what `runs verify --head` checks later).
    Export {
        #[arg(long, value_enum, default_value_t = ExportFormat::Md)]
        format: ExportFormat,
        /// Only runs requested at or after this time: RFC 3339 (2026-11-30T09:00:00Z), a date
        /// (2026-11-30, UTC) or an age (90m, 12h, 7d).
        #[arg(long, value_name = "TIME")]
        since: Option<String>,
        /// Only this run (its journal id; repeat for several).
        #[arg(long = "run", value_name = "ID")]
        runs: Vec<String>,
    },
    /// Check the journal's hash chain: exit 0 when every line follows the one before it, 1 at
    /// the first broken link (a line edited, deleted or moved), which it names.
    Verify {
        /// A chain head an export recorded: also check that the journal still holds that line
        /// (deleting the last lines is found this way).
        #[arg(long, value_name = "HASH")]
        head: Option<String>,
    },
    /// Take up runs without an end: poll their record, or send the execute again with the same
    /// token if no record id was ever received.
    Resume {
        /// Wait until every resumed run has ended (exit 0 only if all SUCCEEDED).
        #[arg(long)]
        wait: bool,
        /// Send this run's Execute again (same token) even though it is older than the token
        /// window: after you checked its product's history. Repeat for several runs.
        #[arg(long, value_name = "RUN")]
        resend: Vec<String>,
        /// With --wait: give up waiting after this many seconds, up to 7 days (exit 3; the runs
        /// go on in AWS).
        #[arg(long, value_name = "SECS", default_value_t = 3600.0, value_parser = timeout)]
        timeout: f64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Md,
    Json,
    /// Comma-separated values with a header row (cells that a spreadsheet would take for a
    /// formula are quoted with a leading ').
    Csv,
}

#[derive(Debug, Args)]
pub struct ExecArgs {
    /// Provisioned product id (pp-…) or exact name.
    pub product: String,
    /// Action id (act-…) or exact name.
    pub action: String,
    /// NAME=VALUE; repeat a NAME to send several values. Without one for a TARGET parameter,
    /// Service Catalog's default (the product's own resources) is used.
    #[arg(long = "param", short = 'p', value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// ExecuteToken (idempotency token): the same token with the same input never runs twice.
    #[arg(long)]
    pub token: Option<String>,
    /// Wait until the record ends: exit 0 on SUCCEEDED, 1 on FAILED, 3 on timeout.
    #[arg(long)]
    pub wait: bool,
    /// With --wait: give up waiting after this many seconds, up to 7 days (the run goes on in AWS).
    #[arg(long, value_name = "SECS", default_value_t = 3600.0, value_parser = timeout)]
    pub timeout: f64,
    /// On a production profile or account: the product's name, typed to confirm (as the TUI asks).
    #[arg(long, value_name = "NAME")]
    pub confirm: Option<String>,
    /// Run even while a change calendar of the config (`freeze_calendars`) is CLOSED, or cannot be
    /// read; the reason is journaled with the run.
    #[arg(long, value_name = "REASON")]
    pub override_freeze: Option<String>,
}

#[derive(Debug, Args)]
pub struct BatchArgs {
    /// Action id (act-…) or exact name, looked up on each product's own version.
    pub action: String,
    /// Provisioned products by id or exact name, comma-separated.
    #[arg(long, value_delimiter = ',', conflicts_with_all = ["query", "fleet"], required_unless_present = "query")]
    pub products: Vec<String>,
    /// Run on the products matching --query in every account and region of a fleet (a
    /// `[fleet.NAME]` of the config, or "role=OpsAdmin regions=eu-west-1,us-east-1").
    #[arg(long, value_name = "NAME|SPEC", requires = "query")]
    pub fleet: Option<String>,
    /// Every provisioned product a search finds (free text or field:value, as `products --query`).
    /// It may not be blank: an unset shell variable must not select every product.
    #[arg(long)]
    pub query: Option<String>,
    /// Run on more than 3 products without asking (without a terminal, sctui refuses instead).
    #[arg(long)]
    pub yes: bool,
    /// On a production profile or account: the number of products, typed to confirm.
    #[arg(long, value_name = "N")]
    pub confirm: Option<String>,
    /// Run even while a change calendar of the config (`freeze_calendars`) is CLOSED, or cannot be
    /// read; the reason is journaled with every run.
    #[arg(long, value_name = "REASON")]
    pub override_freeze: Option<String>,
    /// NAME=VALUE, sent to every product (repeat a NAME for several values). TARGET parameters
    /// left out are resolved by Service Catalog for each product.
    #[arg(long = "param", short = 'p', value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// How many runs are in flight at once (default: the config's `concurrency`, else 4).
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: Option<u16>,
    /// Launch nothing more after the first run that fails (runs in flight go on).
    #[arg(long)]
    pub stop_on_failure: bool,
    /// Wait until every run has ended: exit 0 only if all SUCCEEDED.
    #[arg(long)]
    pub wait: bool,
    /// With --wait: give up waiting after this many seconds, up to 7 days (exit 3; the runs go
    /// on in AWS).
    #[arg(long, value_name = "SECS", default_value_t = 3600.0, value_parser = timeout)]
    pub timeout: f64,
}

#[derive(Debug, Args, Clone)]
pub struct EmulatorArgs {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:4566")]
    pub listen: std::net::SocketAddr,
    /// Allow listening on an address that is not loopback.
    #[arg(long)]
    pub allow_remote: bool,
    /// Catalog file (JSON); default: the embedded demo world.
    #[arg(long)]
    pub catalog: Option<PathBuf>,
    /// Fault injection: add this much latency to every request.
    #[arg(long, default_value_t = 0)]
    pub fault_latency_ms: u64,
    /// Fault injection: share of requests answered with ThrottlingException (0..1).
    #[arg(long, default_value_t = 0.0, value_parser = rate)]
    pub fault_throttle_rate: f64,
    /// Fault injection: share of requests answered with HTTP 500 or 503 (0..1).
    #[arg(long, default_value_t = 0.0, value_parser = rate)]
    pub fault_error_rate: f64,
    /// Fault injection: share of requests applied, then dropped without an answer (0..1).
    #[arg(long, default_value_t = 0.0, value_parser = rate)]
    pub fault_drop_rate: f64,
    /// Fault injection: share of requests answered with ExpiredTokenException (0..1).
    #[arg(long, default_value_t = 0.0, value_parser = rate)]
    pub fault_expired_rate: f64,
    /// Fault injection only for these operations, comma-separated (default: every operation).
    #[arg(long, value_delimiter = ',', value_name = "OP,OP")]
    pub fault_ops: Vec<String>,
    /// Answer ThrottlingException past this many requests per second per operation (a token
    /// bucket per account and operation, burst = the rate), as Service Catalog's limits do.
    #[arg(long, value_name = "TPS", value_parser = positive)]
    pub rate_limit: Option<f64>,
    /// Seed for fault injection: the same seed gives the same faults.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Close a connection that sends no request for this many seconds.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub idle_timeout_secs: u64,
    /// How long an ExecuteToken stays idempotent; after it, the same token starts a new run.
    #[arg(long, value_name = "SECS", default_value_t = 28800, value_parser = clap::value_parser!(u64).range(0..=604800))]
    pub token_window: u64,
    /// Answer SSM's StartExecutionPreview and GetExecutionPreview as unknown operations, as a
    /// region without execution previews does.
    #[arg(long)]
    pub no_execution_preview: bool,
    /// Approve SSO device logins this many seconds after they start (default: only when the
    /// verification page is opened or `POST /_emulator/sso/approve` is sent).
    #[arg(long, value_name = "SECS", value_parser = non_negative)]
    pub sso_approve_after: Option<f64>,
    /// SSO role credentials (GetRoleCredentials) expire after this many seconds.
    #[arg(long, value_name = "SECS", default_value_t = 3600.0, value_parser = positive)]
    pub sso_credentials_ttl: f64,
    /// Serve at most this many connections at once (more wait to be accepted).
    #[arg(long, default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..=65536))]
    pub max_connections: u32,
}

fn rate(s: &str) -> Result<f64, String> {
    let v: f64 = s.parse().map_err(|_| format!("{s} is not a number"))?;
    if (0.0..=1.0).contains(&v) { Ok(v) } else { Err(format!("{s} is not between 0 and 1")) }
}

fn positive(s: &str) -> Result<f64, String> {
    let v: f64 = s.parse().map_err(|_| format!("{s} is not a number"))?;
    if v > 0.0 && v.is_finite() && v <= 1_000_000.0 { Ok(v) } else { Err(format!("{s} must be above 0")) }
}

fn non_negative(s: &str) -> Result<f64, String> {
    let v: f64 = s.parse().map_err(|_| format!("{s} is not a number"))?;
    if v >= 0.0 && v.is_finite() { Ok(v) } else { Err(format!("{s} must be 0 or more")) }
}

/// Seconds to wait: a finite number above 0, at most 7 days.
fn timeout(s: &str) -> Result<f64, String> {
    let v: f64 = s.parse().map_err(|_| format!("{s} is not a number of seconds"))?;
    if v.is_finite() && v > 0.0 && v <= 604_800.0 {
        Ok(v)
    } else {
        Err(format!("{s} must be more than 0 and at most 604800 seconds (7 days)"))
    }
}

fn max_rate(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(r) if (0.0..=100.0).contains(&r) => Ok(r),
        _ => Err("must be a number from 0 (no limit) to 100 calls per second".into()),
    }
}

fn endpoint(s: &str) -> Result<String, String> {
    crate::validate::endpoint_url("--endpoint-url", s).map(|_| s.to_string()).map_err(|e| e.to_string())
}

fn accept_language(s: &str) -> Result<String, String> {
    crate::validate::accept_language(s).map(|_| s.to_string()).map_err(|e| e.rule)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn repeated_params_are_kept_in_order() {
        let cli = Cli::parse_from(["sctui", "--demo", "exec", "web", "restart", "-p", "A=1", "--param", "A=2"]);
        let Some(Command::Exec(e)) = cli.command else { panic!("not exec") };
        assert_eq!(e.params, ["A=1", "A=2"]);
    }

    #[test]
    fn bad_language_and_rates_are_refused() {
        assert!(Cli::try_parse_from(["sctui", "--accept-language", "fr"]).is_err());
        assert!(Cli::try_parse_from(["sctui", "emulator", "--fault-drop-rate", "1.5"]).is_err());
        assert!(Cli::try_parse_from(["sctui", "--demo", "--profile", "x"]).is_err());
        for t in ["-1", "nan", "inf", "1e300", "0", "abc"] {
            assert!(Cli::try_parse_from(["sctui", "exec", "p", "a", "--wait", "--timeout", t]).is_err(), "{t}");
        }
        for e in ["", "ftp://x", "localhost:1", "http://x:99999"] {
            assert!(Cli::try_parse_from(["sctui", "--endpoint-url", e, "products"]).is_err(), "{e:?}");
        }
    }
}
