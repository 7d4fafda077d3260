//! `$XDG_CONFIG_HOME/sctui/config.toml` (else `~/.config/sctui/config.toml`): defaults for the
//! command line, and guardrails. A mistake in it is reported with its line and column, and sctui
//! starts with the defaults instead.

pub mod keys;

pub use keys::ThemeName;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// The AWS profile when `--profile` is not given.
    pub profile: Option<String>,
    /// The region when `--region` is not given.
    pub region: Option<String>,
    /// `dark` (default), `light` or `high-contrast`.
    pub theme: Option<ThemeName>,
    /// Ring the bell when a run ends (default true).
    pub bell: Option<bool>,
    /// Refuse every execute, whatever the profile.
    pub read_only: bool,
    /// `auto` (default), `account`, `role` or `user`: which products and records are listed.
    pub access_level: Option<crate::domain::AccessLevel>,
    /// `en`, `jp` or `zh`, sent on every call.
    pub accept_language: Option<String>,
    /// `batch` concurrency when `--concurrency` is not given (1 to 64).
    pub concurrency: Option<u16>,
    /// No answer from AWS is read past this many megabytes (1 to 4096; default 64).
    pub max_response_mb: Option<u32>,
    /// Executes, DescribeRecords and product look-ups per second and per operation, shared by every run
    /// (0 to 100, 0 = no limit; default 5).
    pub max_rate: Option<f64>,
    /// An unanswered Execute is sent again with its token only while younger than this (default 3600).
    pub token_window_secs: Option<u64>,
    /// Profiles that change production: a red banner, and typing the product's name to confirm.
    pub production_profiles: Vec<String>,
    /// Account ids that are production (where the account is known, as in the demo).
    pub production_accounts: Vec<String>,
    /// Settings per profile.
    pub profiles: BTreeMap<String, ProfileConfig>,
    /// Copy through OSC 52 (default true); false shows the text in a dialog to select instead.
    pub osc52: Option<bool>,
    /// Clicks and the wheel in the TUI (default true).
    pub mouse: Option<bool>,
    /// Extra keys for commands, e.g. `quit = "ctrl-q"` or `history = "H"` (see `config::keys`).
    pub keys: BTreeMap<String, String>,
    /// Fleets by name: the accounts and regions one list or batch spans (`[fleet.NAME]`).
    pub fleet: BTreeMap<String, FleetConfig>,
    /// Run with `sh -c` when a run or a batch ends or a run needs the operator, the event on stdin.
    pub notify_command: Option<String>,
    /// POSTed the same events (http or https).
    pub notify_webhook: Option<String>,
    /// Seconds the notify command, or one webhook attempt, may take (1 to 300; default 10).
    pub notify_timeout_secs: Option<u64>,
    /// SSM Change Calendars that production runs check first: while one is CLOSED they are
    /// refused (`--override-freeze REASON`, or a reason typed on the review, runs them anyway).
    pub freeze_calendars: Vec<String>,
}

/// A fleet: accounts (profiles, or the accounts of an SSO session with one role) times regions.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FleetConfig {
    /// Profiles of `~/.aws/config`, one account each.
    pub profiles: Vec<String>,
    /// Or the SSO session of this profile (default: `--profile`)…
    pub sso_profile: Option<String>,
    /// …its accounts, by id or name (empty: every account the session offers)…
    pub accounts: Vec<String>,
    /// …each with this role (permission set).
    pub role: Option<String>,
    /// The regions, in every account.
    pub regions: Vec<String>,
}

/// Fleets are bounded: at most this many accounts, regions, and cells (account × region).
pub const FLEET_ACCOUNTS_MAX: usize = 256;
pub const FLEET_REGIONS_MAX: usize = 32;
pub const FLEET_CELLS_MAX: usize = 1024;

impl FleetConfig {
    /// A fleet given on the command line: `role=OpsAdmin regions=eu-west-1,us-east-1
    /// accounts=dev,staging sso_profile=corp` or `profiles=dev,prod regions=eu-west-1`.
    pub fn parse_spec(spec: &str) -> Result<FleetConfig, String> {
        let mut f = FleetConfig::default();
        let list = |v: &str| v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect();
        for part in spec.split_whitespace() {
            let Some((k, v)) = part.split_once('=') else {
                return Err(format!(
                    "--fleet: {} is not key=value (role=, regions=, accounts=, profiles=, sso_profile=)",
                    crate::validate::clean(part)
                ));
            };
            match k {
                "role" => f.role = Some(v.to_string()),
                "regions" => f.regions = list(v),
                "accounts" => f.accounts = list(v),
                "profiles" => f.profiles = list(v),
                "sso_profile" | "profile" => f.sso_profile = Some(v.to_string()),
                other => {
                    return Err(format!(
                        "--fleet: unknown key {} (role, regions, accounts, profiles, sso_profile)",
                        crate::validate::clean(other)
                    ));
                }
            }
        }
        f.check().map(|()| f)
    }

    /// Profiles, or a role; regions that are region names; within the bounds.
    pub fn check(&self) -> Result<(), String> {
        if self.profiles.is_empty() == self.role.is_none() {
            return Err(
                "a fleet names either profiles (one account each) or a role (in the SSO session's accounts)".into()
            );
        }
        if !self.profiles.is_empty() && (!self.accounts.is_empty() || self.sso_profile.is_some()) {
            return Err("a fleet of profiles takes no accounts or sso_profile: those are for a role's fleet".into());
        }
        if self.regions.is_empty() {
            return Err("a fleet needs regions (regions = [\"eu-west-1\", …])".into());
        }
        if let Some(r) = self.regions.iter().find(|r| crate::validate::region(r).is_err()) {
            return Err(format!("the fleet's region {} is not a region name", crate::validate::clean(r)));
        }
        if let Some(role) = &self.role
            && (role.is_empty()
                || role.len() > 64
                || !role.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c)))
        {
            return Err(format!("the fleet's role {} is not a role name", crate::validate::clean(role)));
        }
        let accounts = self.profiles.len().max(self.accounts.len());
        if accounts > FLEET_ACCOUNTS_MAX || self.regions.len() > FLEET_REGIONS_MAX {
            return Err(format!("a fleet spans at most {FLEET_ACCOUNTS_MAX} accounts and {FLEET_REGIONS_MAX} regions"));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProfileConfig {
    pub read_only: bool,
    pub production: bool,
    pub region: Option<String>,
}

/// A commented example config (`sctui config example`): every setting, the defaults set and the
/// rest as `# ` examples. The README shows it whole.
pub const EXAMPLE: &str = include_str!("config/example.toml");

/// The default place of the config file.
pub fn default_path() -> Option<PathBuf> {
    crate::paths::config_dir().map(|d| d.join("config.toml"))
}

/// Parses config text; on a mistake, says where (line and column) and what.
pub fn parse(text: &str, path: &Path) -> Result<Config, String> {
    let config: Config = toml::from_str(text).map_err(|e| {
        let at = e
            .span()
            .map(|s| line_col(text, s.start))
            .map(|(l, c)| format!("line {l}, column {c}: "))
            .unwrap_or_default();
        format!("{}: {at}{}", path.display(), e.message())
    })?;
    for (name, f) in &config.fleet {
        f.check().map_err(|e| format!("{}: [fleet.{name}]: {e}", path.display()))?;
    }
    if let Some(c) = config.concurrency
        && !(1..=64).contains(&c)
    {
        return Err(format!("{}: concurrency must be 1 to 64, not {c}", path.display()));
    }
    if let Some(m) = config.max_response_mb
        && !(1..=4096).contains(&m)
    {
        return Err(format!("{}: max_response_mb must be 1 to 4096, not {m}", path.display()));
    }
    if let Some(r) = config.max_rate
        && !(0.0..=100.0).contains(&r)
    {
        return Err(format!("{}: max_rate must be 0 (no limit) to 100 calls per second, not {r}", path.display()));
    }
    for (command, key) in &config.keys {
        keys::parse(command, key).map_err(|e| format!("{}: [keys] {command} = {key:?}: {e}", path.display()))?;
    }
    if let Some(l) = &config.accept_language {
        crate::validate::accept_language(l).map_err(|e| format!("{}: accept_language {}", path.display(), e.rule))?;
    }
    if config.freeze_calendars.len() > 20 || config.freeze_calendars.iter().any(|c| c.is_empty() || c.len() > 2048) {
        return Err(format!("{}: freeze_calendars: at most 20 names of 1 to 2048 characters", path.display()));
    }
    if let Some(t) = config.notify_timeout_secs
        && !(1..=300).contains(&t)
    {
        return Err(format!("{}: notify_timeout_secs must be 1 to 300, not {t}", path.display()));
    }
    config
        .notify_settings(None, None, None)
        .check()
        .map_err(|e| format!("{}: {}", path.display(), e.replace("--notify-", "notify_")))?;
    Ok(config)
}

/// Reads the config file. A missing file is the defaults. A broken or unreadable one fails
/// closed: the guardrails it may hold (read-only and production profiles) cannot be known, so
/// the defaults are used with executing off, and the message says why.
pub fn load(path: Option<&Path>) -> (Config, Option<String>) {
    let Some(path) = path.map(Path::to_path_buf).or_else(default_path) else { return (Config::default(), None) };
    let closed = || Config { read_only: true, ..Config::default() };
    match std::fs::read_to_string(&path) {
        Ok(text) => match parse(&text, &path) {
            Ok(c) => (c, None),
            Err(e) => {
                (closed(), Some(format!("the config file has a mistake, so executing is off until it is fixed: {e}")))
            }
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Config::default(), None),
        Err(e) => {
            (closed(), Some(format!("could not read {}: {e}; executing is off until it can be read", path.display())))
        }
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
    (line, col)
}

impl Config {
    /// Where notifications go: the flags, else the config.
    pub fn notify_settings(
        &self,
        command: Option<&str>,
        webhook: Option<&str>,
        timeout: Option<u64>,
    ) -> crate::notify::NotifySettings {
        crate::notify::NotifySettings {
            command: command.map(str::to_string).or_else(|| self.notify_command.clone()),
            webhook: webhook.map(str::to_string).or_else(|| self.notify_webhook.clone()),
            timeout: std::time::Duration::from_secs(timeout.or(self.notify_timeout_secs).unwrap_or(10)),
        }
    }

    /// The `[keys]` entries, read (each was checked when the file was parsed).
    pub fn key_specs(&self) -> Vec<keys::KeySpec> {
        self.keys.iter().filter_map(|(c, k)| keys::parse(c, k).ok()).collect()
    }

    /// Whether executes are refused for this profile.
    pub fn read_only_for(&self, profile: Option<&str>) -> bool {
        self.read_only || profile.and_then(|p| self.profiles.get(p)).is_some_and(|p| p.read_only)
    }

    /// Whether this profile or account changes production.
    pub fn production_for(&self, profile: Option<&str>, account: Option<&str>) -> bool {
        let by_profile = profile.is_some_and(|p| {
            self.production_profiles.iter().any(|x| x == p) || self.profiles.get(p).is_some_and(|c| c.production)
        });
        let by_account = account.is_some_and(|a| self.production_accounts.iter().any(|x| x == a));
        by_profile || by_account
    }

    /// Why a connection changes production, if it does: its profile, or its account (`None`: not
    /// asked yet; `Err`: why it could not be known). An unknown account counts as production when
    /// the config names production accounts (fail closed).
    pub fn production_reason(&self, profile: Option<&str>, account: Option<Result<&str, &str>>) -> Option<String> {
        self.production_rule(profile).reason(account)
    }

    /// What makes a connection with this profile production.
    pub fn production_rule(&self, profile: Option<&str>) -> crate::domain::ProductionRule {
        crate::domain::ProductionRule {
            by_profile: self.production_for(profile, None),
            accounts: self.production_accounts.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names of Config's fields, as serde asks for them.
    fn config_fields() -> &'static [&'static str] {
        use serde::de::{Error, Visitor};
        struct Fields(std::cell::Cell<&'static [&'static str]>);
        impl<'de> serde::Deserializer<'de> for &Fields {
            type Error = serde::de::value::Error;
            fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
                Err(Error::custom("only a struct's fields are read"))
            }
            fn deserialize_struct<V: Visitor<'de>>(
                self,
                _: &'static str,
                fields: &'static [&'static str],
                _: V,
            ) -> Result<V::Value, Self::Error> {
                self.0.set(fields);
                Err(Error::custom("read"))
            }
            serde::forward_to_deserialize_any! {
                bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option
                unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
            }
        }
        let fields = Fields(std::cell::Cell::new(&[]));
        let _ = Config::deserialize(&fields);
        assert!(fields.0.get().len() > 10, "Config's fields were not read");
        fields.0.get()
    }

    /// The example with every `# setting` line taken in (prose comments stay comments).
    fn example_with_every_setting() -> String {
        let setting = regex::Regex::new(r"^# (\[[a-z_.-]+\]|[a-z_]+ = )").unwrap();
        EXAMPLE.lines().map(|l| if setting.is_match(l) { &l[2..] } else { l }).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn the_example_config_parses_as_it_is_and_with_every_example_taken_in() {
        let path = Path::new("example.toml");
        let as_is = parse(EXAMPLE, path).unwrap();
        assert_eq!(as_is.profile, None, "as it is, the example changes no connection");
        assert!(!as_is.read_only && as_is.production_profiles.is_empty() && as_is.notify_webhook.is_none());
        let all = parse(&example_with_every_setting(), path).unwrap();
        // Every setting is shown: a new one missing from the example fails here.
        let shown = [
            all.profile.is_some(),
            all.region.is_some(),
            all.theme.is_some(),
            all.bell.is_some(),
            all.access_level.is_some(),
            all.accept_language.is_some(),
            all.concurrency.is_some(),
            all.max_response_mb.is_some(),
            all.max_rate.is_some(),
            all.token_window_secs.is_some(),
            !all.production_profiles.is_empty(),
            !all.production_accounts.is_empty(),
            all.profiles.get("audit").is_some_and(|p| p.read_only),
            all.profiles.get("prod-eu").is_some_and(|p| p.production && p.region.is_some()),
            all.osc52.is_some(),
            all.mouse.is_some(),
            all.keys.len() == 2,
            all.fleet.len() == 2,
            all.notify_command.is_some(),
            all.notify_webhook.is_some(),
            all.notify_timeout_secs.is_some(),
            !all.freeze_calendars.is_empty(),
        ];
        assert!(shown.iter().all(|s| *s), "{shown:?}");
        // Every field of Config, read off its Deserialize, is in the example: a setting added
        // without an example fails here.
        for field in config_fields() {
            let set = format!("{field} = ");
            let table = format!("[{field}");
            assert!(
                example_with_every_setting().lines().any(|l| l.starts_with(&set) || l.starts_with(&table)),
                "the example config does not show `{field}`"
            );
        }
    }

    #[test]
    fn production_is_told_by_profile_by_account_and_when_the_account_is_unknown() {
        let c = Config {
            production_profiles: vec!["prod".into()],
            production_accounts: vec!["111111111111".into()],
            ..Config::default()
        };
        assert_eq!(c.production_reason(Some("prod"), None).as_deref(), Some("the profile is a production one"));
        assert_eq!(c.production_reason(Some("dev"), None), None, "the account is not known yet");
        assert!(c.production_reason(None, Some(Ok("111111111111"))).unwrap().contains("account 111111111111"));
        assert_eq!(c.production_reason(None, Some(Ok("222222222222"))), None);
        let unknown = c.production_reason(None, Some(Err("denied"))).unwrap();
        assert!(unknown.contains("unknown (denied)"), "{unknown}");
        assert_eq!(Config::default().production_reason(None, Some(Err("denied"))), None, "nothing named: no guard");
    }

    #[test]
    fn a_full_config_reads() {
        let text = r#"
profile = "ops"
region = "eu-west-1"
theme = "high-contrast"
bell = false
accept_language = "jp"
concurrency = 8
production_profiles = ["prod-admin"]
production_accounts = ["123456789012"]

[profiles.audit]
read_only = true

[profiles.prod-eu]
production = true
"#;
        let c = parse(text, Path::new("config.toml")).unwrap();
        assert_eq!(c.profile.as_deref(), Some("ops"));
        assert!(c.read_only_for(Some("audit")) && !c.read_only_for(Some("ops")));
        assert!(c.production_for(Some("prod-admin"), None));
        assert!(c.production_for(Some("prod-eu"), None));
        assert!(c.production_for(None, Some("123456789012")));
        assert!(!c.production_for(Some("ops"), Some("210987654321")));
    }

    #[test]
    fn mistakes_say_line_and_column() {
        let e = parse("profile = \"ops\"\nbell = maybe\n", Path::new("/x/config.toml")).unwrap_err();
        assert!(e.starts_with("/x/config.toml: line 2, column 8: "), "{e}");
        let e = parse("colour = \"red\"\n", Path::new("c.toml")).unwrap_err();
        assert!(e.contains("line 1, column 1") && e.contains("colour"), "{e}");
        assert!(parse("theme = \"neon\"", Path::new("c.toml")).unwrap_err().contains("high-contrast"));
        assert!(parse("accept_language = \"fr\"", Path::new("c.toml")).is_err());
        for bad in [
            "concurrency = 0",
            "concurrency = 1000",
            "max_response_mb = 0",
            "concurrency = -1",
            "max_rate = -1",
            "max_rate = nan",
            "max_rate = 1e9",
        ] {
            assert!(parse(bad, Path::new("c.toml")).is_err(), "{bad}");
        }
        assert!(parse("concurrency = 64\nmax_response_mb = 8", Path::new("c.toml")).is_ok());
    }

    #[test]
    fn a_broken_file_means_defaults_and_a_message() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("config.toml");
        std::fs::write(&p, "read_only = yes\n").unwrap();
        let (c, warning) = load(Some(&p));
        assert_eq!(c, Config { read_only: true, ..Config::default() }, "fails closed");
        assert!(warning.unwrap().contains("line 1"));
        let (c, warning) = load(Some(&dir.path().join("missing.toml")));
        assert_eq!((c, warning), (Config::default(), None));
    }
}
