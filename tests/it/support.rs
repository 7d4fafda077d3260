//! Shared test plumbing: an emulator per test, SDK clients pointed at it, the real binary.

use sctui::catalog::{CatalogClient, ClientSettings};
use sctui::emulator::{self, Emulator, Options, World, faults::FaultConfig};
use std::process::{Command, Output};
use std::time::Duration;

pub const WEB: &str = "web-prod-01";
pub const RESTART: &str = "AWS-RestartEC2Instance";

pub fn world(scale: usize) -> World {
    let mut w = World::demo().expect("demo catalog parses");
    w.scale(scale);
    w
}

pub async fn emulator_with(scale: usize, time_scale: f64, faults: FaultConfig) -> Emulator {
    emulator::start_local(world(scale), Options { time_scale, faults, ..Default::default() })
        .await
        .expect("emulator starts")
}

pub async fn emulator(time_scale: f64) -> Emulator {
    emulator_with(0, time_scale, FaultConfig::default()).await
}

/// Fast retries so that fault tests finish quickly; attempts enough to outlast the injected rates.
pub fn fast_settings(max_attempts: u32) -> ClientSettings {
    ClientSettings {
        max_attempts,
        initial_backoff: Duration::from_millis(5),
        connect_timeout: Duration::from_secs(2),
        attempt_timeout: Duration::from_secs(5),
        operation_timeout: Duration::from_secs(30),
        ..Default::default()
    }
}

pub fn client(emu: &Emulator) -> CatalogClient {
    let (_, region) = emu.account_and_region();
    CatalogClient::demo(&emu.url(), &region, &fast_settings(3))
}

/// The raw SDK client, for checking error codes exactly as the SDK parses them.
pub fn sdk(emu: &Emulator) -> aws_sdk_servicecatalog::Client {
    let (_, region) = emu.account_and_region();
    sctui::catalog::connect::demo_client(&emu.url(), &region, &fast_settings(1))
}

/// Error code of a failed SDK call, as the SDK read it.
pub fn err_code<T, E, R>(r: Result<T, aws_sdk_servicecatalog::error::SdkError<E, R>>) -> (String, String)
where
    E: aws_sdk_servicecatalog::error::ProvideErrorMetadata + std::fmt::Debug,
    R: std::fmt::Debug,
    T: std::fmt::Debug,
{
    use aws_sdk_servicecatalog::error::ProvideErrorMetadata;
    let e = r.expect_err("the call should fail");
    (e.code().unwrap_or("(none)").to_string(), e.message().unwrap_or("").to_string())
}

pub async fn pp_id(client: &CatalogClient, name: &str) -> String {
    client.product(name).await.expect("product exists").id
}

pub async fn action_id(client: &CatalogClient, pp: &str, name: &str) -> String {
    let p = client.product(pp).await.expect("product exists");
    let (prod, ver) = p.artifact_key().expect("has a version");
    let actions = client.actions(&prod, &ver).await.expect("actions");
    actions.iter().find(|a| a.name == name).unwrap_or_else(|| panic!("{pp} has no action {name}")).id.clone()
}

/// The journal line an earlier session wrote before sending `RESTART` on `WEB` with `token`,
/// addressed to `client`'s endpoint as a live (not demo) target.
pub fn web_restart_requested(
    client: &CatalogClient,
    run: &str,
    token: &str,
    product_id: &str,
    action_id: &str,
) -> sctui::runs::journal::Event {
    sctui::runs::journal::Event::Requested {
        run: run.into(),
        at: sctui::domain::Timestamp::now(),
        caller: None,
        profile: None,
        region: client.target.region.clone(),
        endpoint: client.target.endpoint.clone(),
        demo: false,
        account: None,
        role: None,
        product_id: product_id.into(),
        product_name: WEB.into(),
        action_id: action_id.into(),
        action_name: RESTART.into(),
        parameters: None,
        token: token.into(),
        recording: None,
        freeze: None,
        sctui: None,
    }
}

/// Polls a record until it ends, returning each distinct status seen in order.
pub async fn follow(
    client: &CatalogClient,
    record_id: &str,
) -> (Vec<String>, sctui::domain::RecordDetail, Vec<sctui::domain::RecordOutput>) {
    let mut seen: Vec<String> = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let (d, o) = client.record(record_id).await.expect("describe record");
        let s = d.status.as_ref().map(|s| s.to_string()).unwrap_or_default();
        if seen.last() != Some(&s) {
            seen.push(s);
        }
        if d.is_terminal() {
            return (seen, d, o);
        }
        assert!(tokio::time::Instant::now() < deadline, "record {record_id} did not end: {seen:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The sctui binary with a clean environment: no real AWS profile can be used by accident.
pub fn sctui(home: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sctui"));
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "test-secret")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ENDPOINT_URL_STS", NO_STS)
        .env("AWS_ENDPOINT_URL_SSM", NO_STS)
        .env("LANG", "C.UTF-8");
    cmd
}

pub use crate::pty_harness::NO_STS;

/// Runs sctui against an emulator of the test's own, so its stats show what the process sent.
pub async fn run_against(emu: &Emulator, home: &std::path::Path, args: &[&str]) -> Output {
    let (_, region) = emu.account_and_region();
    let mut cmd = sctui(home);
    cmd.env("AWS_ENDPOINT_URL_STS", emu.url())
        .env("AWS_ENDPOINT_URL_SSM", emu.url())
        .args(["--endpoint-url", &emu.url(), "--region", &region])
        .args(args);
    tokio::task::spawn_blocking(move || cmd.output().expect("sctui runs")).await.expect("join")
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A plain HTTP GET of `url` (http://host:port/path?query) on loopback: (status, body).
pub async fn http_get(url: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url.strip_prefix("http://").expect("an http URL");
    let (host, path) = rest.split_once('/').map(|(h, p)| (h, format!("/{p}"))).unwrap_or((rest, "/".into()));
    let mut s = tokio::net::TcpStream::connect(host).await.unwrap();
    let req = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await.unwrap();
    let text = String::from_utf8_lossy(&buf).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    (head.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0), body.to_string())
}

/// A HOME whose `~/.aws/config` is an SSO operator's, as the AWS CLI writes it: profile `dev`
/// (the dev account's OpsAdmin, in us-east-1) of the sso-session `corp`. Not signed in yet.
pub fn sso_home() -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join(".aws")).unwrap();
    std::fs::write(
        home.path().join(".aws/config"),
        "[profile dev]\nsso_session = corp\nsso_account_id = 210987654321\nsso_role_name = OpsAdmin\nregion = us-east-1\n\n\
         [sso-session corp]\nsso_start_url = https://example.awsapps.com/start\nsso_region = eu-west-1\n\
         sso_registration_scopes = sso:account:access\n",
    )
    .unwrap();
    home
}

/// The environment of a process on `home` whose SSO, Service Catalog and STS are the emulator
/// at `url`.
pub fn sso_env<'a>(url: &'a str, home: &'a str) -> [(&'static str, &'a str); 6] {
    [
        ("HOME", home),
        ("AWS_EC2_METADATA_DISABLED", "true"),
        ("AWS_ENDPOINT_URL_SSO_OIDC", url),
        ("AWS_ENDPOINT_URL_SSO", url),
        ("AWS_ENDPOINT_URL_SERVICE_CATALOG", url),
        ("AWS_ENDPOINT_URL_STS", url),
    ]
}
