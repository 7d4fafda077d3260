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
    assert!(stderr.contains("sctui login --profile P"), "{stderr}");
    assert!(emu.stats().requests.is_empty(), "nothing was sent unsigned");
}

/// `--rate-limit`: a token bucket per operation answers ThrottlingException past the rate, as
/// Service Catalog's own limits do; the stats count what it refused.
#[tokio::test]
async fn the_rate_limit_throttles_past_its_rate_and_counts_it() {
    let options = sctui::emulator::Options { time_scale: 0.0, rate_limit: Some(5.0), ..Default::default() };
    let emu = sctui::emulator::start_local(crate::support::world(0), options).await.unwrap();
    let s = crate::support::sdk(&emu);
    let mut ok = 0;
    let mut throttled = 0;
    for _ in 0..20 {
        match s.describe_provisioned_product().name(crate::support::WEB).send().await {
            Ok(_) => ok += 1,
            Err(e) => {
                assert_eq!(aws_sdk_servicecatalog::error::ProvideErrorMetadata::code(&e), Some("ThrottlingException"));
                throttled += 1;
            }
        }
    }
    assert!((5..=8).contains(&ok), "the burst is the rate: {ok} answered, {throttled} throttled");
    assert_eq!(emu.stats().throttled["DescribeProvisionedProduct"], throttled);
    // Another operation has a bucket of its own.
    assert!(s.search_provisioned_products().send().await.is_ok());
}

/// Faults scoped to a list of operations, through `POST /_emulator/faults` as other clients use it.
#[tokio::test]
async fn faults_can_be_scoped_to_operations_over_http() {
    let emu = crate::support::emulator(0.0).await;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let body = r#"{"ops": ["DescribeRecord", "ListRecordHistory"], "throttle_rate": 1.0}"#;
    let mut conn = tokio::net::TcpStream::connect(emu.addr()).await.unwrap();
    let request = format!(
        "POST /_emulator/faults HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    conn.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200") && answer.contains(r#"{"ok":true}"#), "{answer}");
    let s = crate::support::sdk(&emu);
    assert!(s.describe_provisioned_product().name(crate::support::WEB).send().await.is_ok(), "not in the list");
    let e = s.describe_record().id("rec-aaaaaaaaaaaaa").send().await.unwrap_err();
    assert_eq!(aws_sdk_servicecatalog::error::ProvideErrorMetadata::code(&e), Some("ThrottlingException"));
}
