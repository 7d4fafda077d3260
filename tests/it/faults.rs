//! Each injected fault makes the SDK retry and still succeed; executions are never doubled.

use crate::support::*;
use sctui::catalog::{CatalogClient, ErrorKind};
use sctui::emulator::faults::FaultConfig;

async fn client_with(faults: FaultConfig) -> (sctui::emulator::Emulator, CatalogClient) {
    let emu = emulator_with(0, 0.0, faults).await;
    let (_, region) = emu.account_and_region();
    let c = CatalogClient::demo(&emu.url(), &region, &fast_settings(12));
    (emu, c)
}

async fn exercise(c: &CatalogClient, runs: usize) {
    let web = pp_id(c, WEB).await;
    let restart = action_id(c, WEB, RESTART).await;
    for i in 0..runs {
        let r = c.execute(&web, &restart, None, &format!("fault-run-{i}")).await.expect("execute survives faults");
        let (_, d, _) = follow(c, &r.record_id).await;
        assert!(d.is_terminal());
    }
}

#[tokio::test]
async fn throttling_is_retried() {
    let (emu, c) = client_with(FaultConfig { throttle_rate: 0.4, seed: 11, ..Default::default() }).await;
    exercise(&c, 5).await;
    let s = emu.stats();
    assert!(s.faults.get("throttle").copied().unwrap_or(0) > 0, "{s:?}");
    assert_eq!(s.executions_started, 5);
}

#[tokio::test]
async fn server_errors_are_retried() {
    let (emu, c) = client_with(FaultConfig { error_rate: 0.4, seed: 12, ..Default::default() }).await;
    exercise(&c, 5).await;
    let s = emu.stats();
    assert!(s.faults.get("server_error").copied().unwrap_or(0) > 0, "{s:?}");
    assert_eq!(s.executions_started, 5);
}

#[tokio::test]
async fn dropped_connections_are_retried_with_the_same_token() {
    let (emu, c) = client_with(FaultConfig { drop_rate: 0.4, seed: 13, ..Default::default() }).await;
    exercise(&c, 8).await;
    let s = emu.stats();
    let execs = s.requests["ExecuteProvisionedProductServiceAction"];
    assert!(s.faults.get("drop").copied().unwrap_or(0) > 0, "{s:?}");
    assert!(execs > 8, "some executes were sent again: {s:?}");
    assert_eq!(s.executions_started, 8, "every retry reused its token: {s:?}");
}

#[tokio::test]
async fn latency_is_added_and_calls_still_succeed() {
    let (emu, c) = client_with(FaultConfig { latency_ms: 30, ..Default::default() }).await;
    let started = std::time::Instant::now();
    c.product(WEB).await.unwrap();
    assert!(started.elapsed() >= std::time::Duration::from_millis(30));
    assert_eq!(emu.stats().requests["DescribeProvisionedProduct"], 1);
}

#[tokio::test]
async fn an_expired_token_is_reported_as_a_credentials_problem() {
    let (_emu, c) = client_with(FaultConfig { expired_rate: 1.0, ..Default::default() }).await;
    let e = c.product(WEB).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Credentials);
    assert_eq!(e.code.as_deref(), Some("ExpiredTokenException"));
    assert!(e.hint.contains("credentials"), "{e}");
}

#[tokio::test]
async fn an_unreachable_endpoint_is_a_network_error() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let c = CatalogClient::demo(&format!("http://127.0.0.1:{port}"), "eu-west-1", &fast_settings(2));
    let e = c.product(WEB).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Network, "{e}");
    assert!(e.is_transient());
}

#[test]
fn missing_credentials_are_explained() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let emu = rt.block_on(emulator(0.0));
    let home = tempfile::tempdir().unwrap();
    let out = sctui(home.path())
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .args(["--endpoint-url", &emu.url(), "--region", "eu-west-1", "products"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("SearchProvisionedProducts failed: no AWS credentials were found"), "{stderr}");
    assert!(stderr.contains("aws sso login"), "{stderr}");
    assert!(emu.stats().requests.is_empty(), "nothing was sent unsigned");
}
