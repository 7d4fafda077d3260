//! Building the SDK client: live (the standard credential chain, profiles, regions, endpoints) or
//! demo (the embedded emulator, static credentials, nothing looked up on the network).

use super::error::{Error, ErrorKind};
use aws_config::BehaviorVersion;
use aws_config::meta::region::RegionProviderChain;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_sdk_servicecatalog::config::retry::RetryConfig;
use aws_sdk_servicecatalog::config::timeout::TimeoutConfig;
use aws_sdk_servicecatalog::config::{Credentials, Region, SharedHttpClient};
use std::time::Duration;

/// Where sctui talks to, for the header and the journal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Target {
    pub demo: bool,
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint: Option<String>,
    /// A fleet's cell: the account it is in…
    pub account: Option<String>,
    /// …and, for an SSO session's account, the role used there (`profile` is then the SSO
    /// session's profile).
    pub role: Option<String>,
}

/// The connection the operator asked for on the command line.
#[derive(Debug, Clone, Default)]
pub struct LiveOptions {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    /// Which products and records the list calls cover.
    pub access_level: crate::domain::AccessLevel,
}

impl LiveOptions {
    /// Where this connection goes, as sctui shows and journals it (a password in the endpoint
    /// replaced by `***`). The region is the one asked for; the SDK may settle another.
    pub fn target(&self) -> super::Target {
        super::Target {
            demo: false,
            profile: self.profile.clone(),
            region: self.region.clone(),
            endpoint: self.endpoint_url.as_deref().map(redact_userinfo),
            account: None,
            role: None,
        }
    }
}

/// How the SDK retries: `standard`, or `adaptive` (standard, plus a client-side rate limit that
/// slows every call down once Service Catalog throttles).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RetryMode {
    Standard,
    #[default]
    Adaptive,
}

/// Retry and timeout settings, explicit so that a bad `AWS_MAX_ATTEMPTS` cannot crash start-up.
#[derive(Debug, Clone)]
pub struct ClientSettings {
    pub max_attempts: u32,
    pub retry_mode: RetryMode,
    pub initial_backoff: Duration,
    pub connect_timeout: Duration,
    pub attempt_timeout: Duration,
    pub operation_timeout: Duration,
    /// No answer is read past this many bytes (config `max_response_mb`).
    pub max_response_bytes: usize,
    /// Executes, DescribeRecords and product look-ups per second and per operation, shared by every run of
    /// the process (`--max-rate`, config `max_rate`); 0 = no limit.
    pub max_rate: f64,
    /// AWS_MAX_ATTEMPTS / AWS_RETRY_MODE said: the profile's values give way.
    pub attempts_from_env: bool,
    pub mode_from_env: bool,
}

/// The default cap on an answer's size: far above any Service Catalog page.
pub const MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;

impl Default for ClientSettings {
    fn default() -> Self {
        ClientSettings {
            max_attempts: 3,
            initial_backoff: Duration::from_secs(1),
            connect_timeout: Duration::from_secs(3),
            attempt_timeout: Duration::from_secs(10),
            operation_timeout: Duration::from_secs(30),
            max_response_bytes: MAX_RESPONSE_BYTES,
            retry_mode: RetryMode::Standard,
            max_rate: 0.0,
            attempts_from_env: false,
            mode_from_env: false,
        }
    }
}

/// The endpoint as sctui shows and journals it: a password in it is replaced by `***`.
pub fn redact_userinfo(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_string() };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let Some((userinfo, host)) = authority.rsplit_once('@') else { return url.to_string() };
    let user = userinfo.split(':').next().unwrap_or("");
    let shown = if userinfo.contains(':') { format!("{user}:***") } else { user.to_string() };
    format!("{scheme}://{shown}@{host}{path}")
}

/// Endpoint variables the SDK reads: each one that is set must be a usable URL. An empty one is
/// an unset shell variable, and would fail deep inside the SDK.
pub fn check_endpoint_environment(env: impl Fn(&str) -> Option<String>) -> Result<(), Vec<crate::validate::Invalid>> {
    let errors: Vec<_> = ["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SERVICE_CATALOG", "AWS_ENDPOINT_URL_STS"]
        .into_iter()
        .filter_map(|var| env(var).map(|v| crate::validate::endpoint_url(var, &v)))
        .filter_map(Result::err)
        .collect();
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

/// Attempts per call against AWS when `AWS_MAX_ATTEMPTS` does not say: enough to ride out a
/// throttling rate of 30 % (five throttles in a row: 0.24 % of calls).
pub const LIVE_MAX_ATTEMPTS: u32 = 5;

/// The client-side rate limit of runs by default: AWS publishes no per-operation limit for
/// Service Catalog, and a few calls per second per operation are safe.
pub const DEFAULT_MAX_RATE: f64 = 5.0;

impl ClientSettings {
    /// The settings for AWS: `AWS_MAX_ATTEMPTS` (1 to 20) and `AWS_RETRY_MODE` (`standard`,
    /// `adaptive`, or `legacy`, taken as standard) are honoured; a bad value is named in a warning
    /// and the default used (the SDK's own reading of them would stop the program).
    pub fn live(env: impl Fn(&str) -> Option<String>) -> (ClientSettings, Vec<String>) {
        let mut s = ClientSettings {
            max_attempts: LIVE_MAX_ATTEMPTS,
            retry_mode: RetryMode::Adaptive,
            max_rate: DEFAULT_MAX_RATE,
            ..ClientSettings::default()
        };
        let mut warnings = Vec::new();
        if let Some(v) = env("AWS_MAX_ATTEMPTS") {
            match attempts("AWS_MAX_ATTEMPTS", &v) {
                Ok(n) => (s.max_attempts, s.attempts_from_env) = (n, true),
                Err(w) => warnings.push(w),
            }
        }
        if let Some(v) = env("AWS_RETRY_MODE") {
            match mode("AWS_RETRY_MODE", &v) {
                Ok(m) => (s.retry_mode, s.mode_from_env) = (m, true),
                Err(w) => warnings.push(w),
            }
        }
        (s, warnings)
    }

    /// The profile's `max_attempts` and `retry_mode`, where the environment did not say (AWS's
    /// order: environment, then profile). A bad value is named in a warning and ignored.
    pub fn with_profile(
        mut self,
        profile: &str,
        get: impl Fn(&str) -> Option<String>,
    ) -> (ClientSettings, Vec<String>) {
        let mut warnings = Vec::new();
        let field = |key: &str| format!("[profile {}] {key}", crate::validate::clean(profile));
        if let (false, Some(v)) = (self.attempts_from_env, get("max_attempts")) {
            match attempts(&field("max_attempts"), &v) {
                Ok(n) => self.max_attempts = n,
                Err(w) => warnings.push(w),
            }
        }
        if let (false, Some(v)) = (self.mode_from_env, get("retry_mode")) {
            match mode(&field("retry_mode"), &v) {
                Ok(m) => self.retry_mode = m,
                Err(w) => warnings.push(w),
            }
        }
        (self, warnings)
    }

    fn retry(&self) -> RetryConfig {
        let config = match self.retry_mode {
            RetryMode::Standard => RetryConfig::standard(),
            RetryMode::Adaptive => RetryConfig::adaptive(),
        };
        config
            .with_max_attempts(self.max_attempts.max(1))
            .with_initial_backoff(self.initial_backoff)
            .with_max_backoff(Duration::from_secs(20))
    }

    fn timeouts(&self) -> TimeoutConfig {
        TimeoutConfig::builder()
            .connect_timeout(self.connect_timeout)
            .operation_attempt_timeout(self.attempt_timeout)
            .operation_timeout(self.operation_timeout)
            .build()
    }
}

fn attempts(field: &str, v: &str) -> Result<u32, String> {
    match v.trim().parse::<u32>() {
        Ok(n) if (1..=20).contains(&n) => Ok(n),
        _ => Err(format!(
            "{field}={} is not a number from 1 to 20; {LIVE_MAX_ATTEMPTS} attempts are used",
            crate::validate::show(v)
        )),
    }
}

fn mode(field: &str, v: &str) -> Result<RetryMode, String> {
    match v.trim() {
        "standard" | "legacy" => Ok(RetryMode::Standard),
        "adaptive" => Ok(RetryMode::Adaptive),
        _ => Err(format!(
            "{field}={} is not a retry mode (standard, adaptive or legacy); adaptive retries are used",
            crate::validate::show(v)
        )),
    }
}

/// The selected profile's properties (`--profile`, else AWS_PROFILE, else `default`), read the
/// way the SDK reads them; None without a config file or with one the SDK cannot parse (the
/// credential chain then says what is wrong with it).
pub async fn profile_properties(profile: Option<&str>) -> Option<(String, aws_config::profile::ProfileSet)> {
    use aws_types::os_shim_internal::{Env, Fs};
    let files = aws_runtime::env_config::file::EnvConfigFiles::default();
    let chosen = profile.map(|p| std::borrow::Cow::Owned(p.to_string()));
    let set = aws_config::profile::load(&Fs::real(), &Env::real(), &files, chosen).await.ok()?;
    Some((set.selected_profile().to_string(), set))
}

/// HTTPS with rustls on ring (no C toolchain needed, smaller and faster to build than aws-lc),
/// every answer read through the guard.
fn http_client(settings: &ClientSettings) -> SharedHttpClient {
    use aws_smithy_http_client::tls;
    let inner = aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(tls::rustls_provider::CryptoMode::Ring))
        .build_https();
    super::guard::guarded(inner, settings.max_response_bytes)
}

/// The demo's access key: the emulator's admin principal.
pub const DEMO_ACCESS_KEY: &str = "AKIADEMOADMIN0000001";

/// The Service Catalog and STS clients for the emulator at `endpoint`, signed with `access_key`
/// (one of the emulator's principals): one configuration for both.
pub fn demo_clients(
    endpoint: &str,
    region: &str,
    settings: &ClientSettings,
    access_key: &str,
) -> (aws_sdk_servicecatalog::Client, aws_sdk_sts::Client, aws_sdk_ssm::Client) {
    let config = demo_config(endpoint, region, settings, access_key);
    (aws_sdk_servicecatalog::Client::new(&config), aws_sdk_sts::Client::new(&config), aws_sdk_ssm::Client::new(&config))
}

/// An SSM client for the emulator at `endpoint` (which serves SSM on the same port), signed with
/// one of its principals' access keys.
pub fn demo_ssm_client(
    endpoint: &str,
    region: &str,
    settings: &ClientSettings,
    access_key: &str,
) -> aws_sdk_ssm::Client {
    aws_sdk_ssm::Client::new(&demo_config(endpoint, region, settings, access_key))
}

/// SSO OIDC and SSO portal clients in the SSO region, for a login against AWS: no credentials
/// (their operations are not signed); endpoints from AWS_ENDPOINT_URL_SSO_OIDC and
/// AWS_ENDPOINT_URL_SSO, AWS_ENDPOINT_URL, or AWS's.
pub async fn sso_clients(region: &str, settings: &ClientSettings) -> (aws_sdk_ssooidc::Client, aws_sdk_sso::Client) {
    let shared = base_config(settings, region).await;
    (aws_sdk_ssooidc::Client::new(&shared), aws_sdk_sso::Client::new(&shared))
}

/// SSO OIDC and SSO portal clients for the emulator at `endpoint` (which serves both on the
/// same port). Their operations are not signed.
pub fn demo_sso_clients(
    endpoint: &str,
    region: &str,
    settings: &ClientSettings,
) -> (aws_sdk_ssooidc::Client, aws_sdk_sso::Client) {
    let config = demo_config(endpoint, region, settings, DEMO_ACCESS_KEY);
    (aws_sdk_ssooidc::Client::new(&config), aws_sdk_sso::Client::new(&config))
}

/// A client for the emulator at `endpoint`: fixed region, static credentials, no look-ups.
pub fn demo_client(endpoint: &str, region: &str, settings: &ClientSettings) -> aws_sdk_servicecatalog::Client {
    aws_sdk_servicecatalog::Client::new(&demo_config(endpoint, region, settings, DEMO_ACCESS_KEY))
}

fn demo_config(endpoint: &str, region: &str, settings: &ClientSettings, access_key: &str) -> aws_types::SdkConfig {
    let credentials = Credentials::new(access_key, "sctui-demo-secret", None, None, "sctui-demo");
    aws_types::SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region.to_string()))
        .credentials_provider(aws_credential_types::provider::SharedCredentialsProvider::new(credentials))
        .endpoint_url(endpoint)
        .http_client(http_client(settings))
        .retry_config(settings.retry())
        .timeout_config(settings.timeouts())
        .build()
}

/// A client from the standard chain. Instance metadata is asked once with short timeouts, so a
/// laptop or jump host that is not on EC2 does not stall for seconds.
pub async fn live_clients(
    opts: &LiveOptions,
    settings: &ClientSettings,
) -> Result<(aws_sdk_servicecatalog::Client, aws_sdk_sts::Client, aws_sdk_ssm::Client, Vec<String>), Error> {
    let (settings, warnings) = match profile_properties(opts.profile.as_deref()).await {
        Some((name, set)) => settings.clone().with_profile(&name, |k| set.get(k).map(str::to_string)),
        None => (settings.clone(), Vec::new()),
    };
    for w in &warnings {
        tracing::warn!("{w}");
    }
    let settings = &settings;
    let http = http_client(settings);
    let provider_config = aws_config::provider_config::ProviderConfig::without_region().with_http_client(http.clone());
    let imds = aws_config::imds::Client::builder()
        .configure(&provider_config)
        .max_attempts(1)
        .connect_timeout(Duration::from_millis(500))
        .read_timeout(Duration::from_millis(500))
        .build();
    let mut profile_region = aws_config::profile::ProfileFileRegionProvider::builder().configure(&provider_config);
    if let Some(p) = &opts.profile {
        profile_region = profile_region.profile_name(p);
    }
    let region_chain = RegionProviderChain::first_try(opts.region.clone().map(Region::new))
        .or_else(aws_config::environment::EnvironmentVariableRegionProvider::new())
        .or_else(profile_region.build())
        .or_else(
            aws_config::imds::region::ImdsRegionProvider::builder()
                .configure(&provider_config)
                .imds_client(imds.clone())
                .build(),
        );
    let Some(region) = region_chain.region().await else {
        return Err(Error::new(ErrorKind::Credentials, "Connect", "no AWS region is configured")
            .with_hint("Pass --region, set AWS_REGION, or set a region in the profile"));
    };
    let mut credentials = aws_config::default_provider::credentials::DefaultCredentialsChain::builder()
        .configure(provider_config.with_region(Some(region.clone())))
        .region(region.clone())
        .imds_client(imds);
    if let Some(p) = &opts.profile {
        credentials = credentials.profile_name(p);
    }
    let credentials = credentials.build().await;
    let (sc, sts, ssm) = clients_with(opts, settings, region, SharedCredentialsProvider::new(credentials)).await;
    Ok((sc, sts, ssm, warnings))
}

/// Where an SSO session is: its start URL, its region, its name (sso-session profiles).
pub struct SsoSessionRef<'a> {
    pub start_url: &'a str,
    pub region: &'a str,
    pub session: Option<&'a str>,
}

/// The SSO credentials of `role` in `account`, from the session whose token the AWS CLI's cache
/// holds (refreshed by GetRoleCredentials as they expire): a fleet's cell.
pub fn sso_role_credentials(
    sso: &SsoSessionRef<'_>,
    account: &str,
    role: &str,
    settings: &ClientSettings,
) -> SharedCredentialsProvider {
    let provider_config =
        aws_config::provider_config::ProviderConfig::without_region().with_http_client(http_client(settings));
    let mut b = aws_config::sso::SsoCredentialsProvider::builder()
        .configure(&provider_config)
        .account_id(account)
        .role_name(role)
        .start_url(sso.start_url)
        .region(Region::new(sso.region.to_string()));
    if let Some(session) = sso.session {
        b = b.session_name(session);
    }
    SharedCredentialsProvider::new(b.build())
}

/// The clients of a connection whose region and credentials are known.
pub async fn clients_with(
    opts: &LiveOptions,
    settings: &ClientSettings,
    region: Region,
    credentials: SharedCredentialsProvider,
) -> (aws_sdk_servicecatalog::Client, aws_sdk_sts::Client, aws_sdk_ssm::Client) {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http_client(settings))
        .region(region)
        .credentials_provider(credentials)
        .retry_config(settings.retry())
        .timeout_config(settings.timeouts());
    if let Some(p) = &opts.profile {
        loader = loader.profile_name(p);
    }
    let shared = loader.load().await;
    clients_from(&shared, opts)
}

/// Settings without credentials, loaded (config files, endpoint variables): the SSO clients',
/// and a fleet's, whose cells then only set their region and credentials (`cell_config`).
pub async fn base_config(settings: &ClientSettings, region: &str) -> aws_types::SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .http_client(http_client(settings))
        .region(Region::new(region.to_string()))
        .no_credentials()
        .retry_config(settings.retry())
        .timeout_config(settings.timeouts())
        .load()
        .await
}

/// A cell's settings: the fleet's, with its region and credentials.
pub fn cell_config(
    base: &aws_types::SdkConfig,
    region: &str,
    credentials: SharedCredentialsProvider,
) -> aws_types::SdkConfig {
    base.to_builder().region(Region::new(region.to_string())).credentials_provider(credentials).build()
}

/// The clients of a loaded configuration.
pub fn clients_from(
    shared: &aws_types::SdkConfig,
    opts: &LiveOptions,
) -> (aws_sdk_servicecatalog::Client, aws_sdk_sts::Client, aws_sdk_ssm::Client) {
    // `--endpoint-url` is Service Catalog's (a VPC endpoint, say); STS keeps its own:
    // AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, the profile's, or AWS's default.
    let mut catalog = aws_sdk_servicecatalog::config::Builder::from(shared);
    if let Some(url) = &opts.endpoint_url {
        catalog = catalog.endpoint_url(url);
    }
    // SSM likewise: AWS_ENDPOINT_URL_SSM, AWS_ENDPOINT_URL, the profile's, or AWS's.
    (
        aws_sdk_servicecatalog::Client::from_conf(catalog.build()),
        aws_sdk_sts::Client::new(shared),
        aws_sdk_ssm::Client::new(shared),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_in_the_endpoint_is_never_shown() {
        assert_eq!(redact_userinfo("http://user:secret@host:8080/x"), "http://user:***@host:8080/x");
        assert_eq!(redact_userinfo("https://token@host"), "https://token@host");
        assert_eq!(redact_userinfo("http://host/p@x"), "http://host/p@x");
        assert_eq!(redact_userinfo("http://127.0.0.1:4566"), "http://127.0.0.1:4566");
    }

    #[test]
    fn retry_variables_are_honoured_and_bad_ones_named() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |k: &str| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
        };
        assert_eq!(ClientSettings::live(env(&[])).0.max_attempts, LIVE_MAX_ATTEMPTS);
        assert_eq!(ClientSettings::live(env(&[("AWS_MAX_ATTEMPTS", "2")])).0.max_attempts, 2);
        let (s, w) = ClientSettings::live(env(&[("AWS_MAX_ATTEMPTS", "0"), ("AWS_RETRY_MODE", "turbo")]));
        assert_eq!(s.max_attempts, LIVE_MAX_ATTEMPTS);
        assert!(w[0].contains("AWS_MAX_ATTEMPTS='0'") && w[1].contains("AWS_RETRY_MODE='turbo'"), "{w:?}");
        assert_eq!(s.retry_mode, RetryMode::Adaptive, "adaptive by default");
        assert_eq!(ClientSettings::live(env(&[("AWS_RETRY_MODE", "standard")])).0.retry_mode, RetryMode::Standard);
        assert_eq!(ClientSettings::live(env(&[("AWS_RETRY_MODE", "legacy")])).0.retry_mode, RetryMode::Standard);
    }

    #[test]
    fn the_profile_says_where_the_environment_does_not() {
        let profile = |k: &str| match k {
            "max_attempts" => Some("9".to_string()),
            "retry_mode" => Some("standard".to_string()),
            _ => None,
        };
        let (s, w) = ClientSettings::live(|_| None).0.with_profile("ops", profile);
        assert_eq!((s.max_attempts, s.retry_mode, w.len()), (9, RetryMode::Standard, 0));
        // AWS's order: the environment first.
        let env = |k: &str| (k == "AWS_MAX_ATTEMPTS").then(|| "2".to_string());
        let (s, _) = ClientSettings::live(env).0.with_profile("ops", profile);
        assert_eq!((s.max_attempts, s.retry_mode), (2, RetryMode::Standard));
        // A bad value in the profile is named, with its profile, and the default kept.
        let bad = |k: &str| match k {
            "max_attempts" => Some("lots".to_string()),
            "retry_mode" => Some("\x1b[2Jfast".to_string()),
            _ => None,
        };
        let (s, w) = ClientSettings::live(|_| None).0.with_profile("ops", bad);
        assert_eq!((s.max_attempts, s.retry_mode), (LIVE_MAX_ATTEMPTS, RetryMode::Adaptive));
        assert!(w[0].starts_with("[profile ops] max_attempts='lots' is not a number"), "{w:?}");
        assert!(w[1].starts_with("[profile ops] retry_mode=") && !w[1].contains('\x1b'), "{w:?}");
    }

    #[test]
    fn empty_or_broken_endpoint_variables_are_refused() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |k: &str| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
        };
        assert!(check_endpoint_environment(env(&[])).is_ok());
        assert!(check_endpoint_environment(env(&[("AWS_ENDPOINT_URL", "http://127.0.0.1:4566")])).is_ok());
        let e = check_endpoint_environment(env(&[("AWS_ENDPOINT_URL", "")])).unwrap_err();
        assert_eq!(e[0].field, "AWS_ENDPOINT_URL");
        let e = check_endpoint_environment(env(&[("AWS_ENDPOINT_URL_SERVICE_CATALOG", "ftp://x")])).unwrap_err();
        assert!(e[0].rule.contains("http"), "{e:?}");
    }
}
