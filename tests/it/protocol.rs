//! The awsJson1_1 envelope over raw HTTP: what no SDK would ever send.

use crate::support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

struct Answer {
    status: u16,
    headers: String,
    body: serde_json::Value,
}

async fn raw(addr: std::net::SocketAddr, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Answer {
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut req =
        format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await.unwrap();
    let text = String::from_utf8_lossy(&buf).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    Answer {
        status,
        headers: head.to_ascii_lowercase(),
        body: serde_json::from_str(body).unwrap_or(serde_json::Value::Null),
    }
}

const AUTH: (&str, &str) = (
    "Authorization",
    "AWS4-HMAC-SHA256 Credential=AKID/20261129/eu-west-1/servicecatalog/aws4_request, SignedHeaders=host, Signature=00",
);
const JSON: (&str, &str) = ("Content-Type", "application/x-amz-json-1.1");

fn target(op: &str) -> (&'static str, String) {
    ("X-Amz-Target", format!("AWS242ServiceCatalogService.{op}"))
}

#[tokio::test]
async fn envelope_errors_are_the_ones_aws_sends() {
    let emu = emulator(1.0).await;
    let a = emu.addr();
    let t = target("NoSuchOperation");
    let unknown = raw(a, "POST", "/", &[AUTH, JSON, (t.0, &t.1)], "{}").await;
    assert_eq!(unknown.status, 400);
    assert_eq!(unknown.body["__type"], "UnknownOperationException");
    assert!(unknown.headers.contains("x-amzn-errortype: unknownoperationexception"));
    assert!(unknown.headers.contains("x-amzn-requestid: "));

    let t = target("DescribeRecord");
    let not_json = raw(a, "POST", "/", &[AUTH, JSON, (t.0, &t.1)], "{not json").await;
    assert_eq!(not_json.body["__type"], "SerializationException");
    let wrong_type = raw(a, "POST", "/", &[AUTH, JSON, (t.0, &t.1)], r#"{"Id": 7}"#).await;
    assert_eq!(wrong_type.body["__type"], "SerializationException");
    let unsigned = raw(a, "POST", "/", &[JSON, (t.0, &t.1)], r#"{"Id":"rec-1"}"#).await;
    assert_eq!(unsigned.body["__type"], "MissingAuthenticationTokenException");
    let ok = raw(a, "POST", "/", &[AUTH, JSON, (t.0, &t.1)], r#"{"Id":"rec-doesnotexist1"}"#).await;
    assert_eq!(ok.body["__type"], "ResourceNotFoundException");
    assert!(ok.body["message"].as_str().unwrap().contains("rec-doesnotexist1"));

    // Success: JSON 1.1, epoch-second numbers, a request id.
    let t = target("DescribeProvisionedProduct");
    let pp = raw(a, "POST", "/", &[AUTH, JSON, (t.0, &t.1)], r#"{"Name":"web-prod-01"}"#).await;
    assert_eq!(pp.status, 200);
    assert!(pp.headers.contains("content-type: application/x-amz-json-1.1"));
    assert!(
        pp.body["ProvisionedProductDetail"]["CreatedTime"].is_f64()
            || pp.body["ProvisionedProductDetail"]["CreatedTime"].is_number()
    );
}

#[tokio::test]
async fn stats_count_requests_per_operation() {
    let emu = emulator(1.0).await;
    let c = client(&emu);
    c.product(WEB).await.unwrap();
    c.product(WEB).await.unwrap();
    let via_http = raw(emu.addr(), "GET", "/_emulator/stats", &[], "").await;
    assert_eq!(via_http.body["requests"]["DescribeProvisionedProduct"], 2);
    assert_eq!(via_http.body["executions_started"], 0);
}

#[tokio::test]
async fn the_emulator_refuses_a_non_loopback_address() {
    let addr: std::net::SocketAddr = "0.0.0.0:0".parse().unwrap();
    let err = sctui::emulator::bind(addr, false, world(0), Default::default()).await.err().expect("refused");
    assert!(err.to_string().contains("--allow-remote"), "{err}");
}

/// Issue 14: a request signed for a region that is none is refused as AWS refuses it, and the
/// cells an emulator builds (account × region) are bounded.
#[tokio::test]
async fn a_region_that_is_none_is_refused_and_cells_are_bounded() {
    let emu = emulator(0.0).await;
    let (k, op) = target("SearchProvisionedProducts");
    let signed = |region: &str| {
        format!(
            "AWS4-HMAC-SHA256 Credential=AKID/20261130/{region}/servicecatalog/aws4_request, SignedHeaders=host, Signature=00"
        )
    };
    let auth = signed("not_a_region");
    let a = raw(emu.addr(), "POST", "/", &[("Authorization", &auth), JSON, (k, &op)], "{}").await;
    assert_eq!((a.status, a.body["__type"].as_str()), (403, Some("InvalidSignatureException")));
    assert!(a.body["message"].as_str().unwrap().contains("Credential should be scoped to a valid region"));
    let mut refused = 0;
    for i in 0..70 {
        let auth = signed(&format!("xx-test-{}", i + 1));
        let a = raw(emu.addr(), "POST", "/", &[("Authorization", &auth), JSON, (k, &op)], "{}").await;
        if a.status == 403 {
            refused += 1;
        }
    }
    // The world's own cell is one of the 64.
    assert_eq!(refused, 70 - (sctui::emulator::cells::MAX_CELLS - 1));
}
