//! sctui against a hostile endpoint, as an attacker would run one: endless and repeating page
//! tokens, huge and slow bodies, errors under HTTP 200, malformed JSON, HTML error pages, a
//! redirect, numbers out of range, and escape sequences in every string. Everything on 127.0.0.1,
//! bounded, stopping by itself.

use crate::support::*;
use axum::body::Body;
use axum::http::{HeaderMap, Response};
use sctui::catalog::{CatalogClient, ClientSettings};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

type Handler = dyn Fn(&str, &Value, usize) -> Response<Body> + Send + Sync;

/// A server that answers every request with `handler(operation, request body, request number)`.
pub struct Hostile {
    pub url: String,
    pub requests: Arc<AtomicUsize>,
    /// Requests per operation.
    pub ops: Arc<std::sync::Mutex<std::collections::HashMap<String, usize>>>,
    _task: tokio::task::JoinHandle<()>,
}

impl Drop for Hostile {
    fn drop(&mut self) {
        self._task.abort();
    }
}

pub async fn hostile(handler: impl Fn(&str, &Value, usize) -> Response<Body> + Send + Sync + 'static) -> Hostile {
    let handler: Arc<Handler> = Arc::new(handler);
    let requests = Arc::new(AtomicUsize::new(0));
    let ops: Arc<std::sync::Mutex<std::collections::HashMap<String, usize>>> = Arc::default();
    let (count, per_op) = (requests.clone(), ops.clone());
    let app = axum::Router::new().fallback(move |headers: HeaderMap, body: axum::body::Bytes| {
        let (handler, count, per_op) = (handler.clone(), count.clone(), per_op.clone());
        async move {
            let n = count.fetch_add(1, Ordering::SeqCst);
            let op = headers
                .get("x-amz-target")
                .and_then(|v| v.to_str().ok())
                .and_then(|t| t.rsplit('.').next())
                .unwrap_or("")
                .to_string();
            let op = if op.is_empty() && body.starts_with(b"Action=") { "sts".to_string() } else { op };
            let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            *per_op.lock().unwrap().entry(op.clone()).or_default() += 1;
            handler(&op, &request, n)
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Hostile { url, requests, ops, _task: task }
}

pub fn reply(status: u16, content_type: &str, body: impl Into<Body>) -> Response<Body> {
    Response::builder().status(status).header("content-type", content_type).body(body.into()).unwrap()
}

pub fn json_reply(v: Value) -> Response<Body> {
    reply(200, "application/x-amz-json-1.1", v.to_string())
}

/// A page of one product whose next-page token is `token`.
fn page(token: Option<String>) -> Response<Body> {
    json_reply(json!({
        "ProvisionedProducts": [{"Name": "p", "Id": "pp-aaaaaaaaaaaaa", "Status": "AVAILABLE"}],
        "TotalResultsCount": 1,
        "NextPageToken": token,
    }))
}

fn client(url: &str) -> CatalogClient {
    CatalogClient::demo(url, "eu-west-1", &fast_settings(1))
}

/// `sctui ARGS` against the hostile endpoint, as an operator would run it. A process that has not
/// ended after 60 s is killed and the test fails: looping forever is one of the findings.
async fn sctui_at(url: &str, home: &std::path::Path, args: &[&str]) -> std::process::Output {
    let mut cmd = sctui(home);
    // One attempt per call (AWS_MAX_ATTEMPTS is honoured): the findings are about what comes
    // back, not about the SDK's retries.
    cmd.env("AWS_MAX_ATTEMPTS", "1").args(["--endpoint-url", url, "--region", "eu-west-1"]).args(args);
    cmd.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
    let what = format!("{args:?}");
    tokio::task::spawn_blocking(move || {
        let mut child = cmd.spawn().unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while child.try_wait().unwrap().is_none() {
            if std::time::Instant::now() > deadline {
                child.kill().unwrap();
                panic!("sctui {what} did not end within 60 s");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap()
}

/// No character that could drive or deceive a terminal.
fn assert_terminal_safe(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let bad: Vec<char> = text.chars().filter(|c| sctui::validate::is_unsafe(*c) && *c != '\n').collect();
    assert!(bad.is_empty(), "{what} holds {bad:?}:\n{text}");
}

#[tokio::test]
async fn a_page_token_that_never_ends_or_repeats_stops_with_an_error() {
    // Finding 3: `products` made 1,570 calls in 60 s and went on.
    let endless = hostile(|_, _, n| page(Some(format!("t{n}")))).await;
    let home = tempfile::tempdir().unwrap();
    let out = sctui_at(&endless.url, home.path(), &["products"]).await;
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("did not end after 2000 pages"), "{}", text(&out.stderr));
    assert_eq!(endless.requests.load(Ordering::SeqCst), sctui::catalog::pager::MAX_PAGES);

    let repeating = hostile(|_, _, _| page(Some("same".into()))).await;
    let out = sctui_at(&repeating.url, home.path(), &["products"]).await;
    assert_eq!(out.status.code(), Some(4));
    assert!(text(&out.stderr).contains("a page token it had sent before"), "{}", text(&out.stderr));
    assert_eq!(repeating.requests.load(Ordering::SeqCst), 2);

    // The same walker serves every list: history and a record's outputs too.
    let c = client(&repeating.url);
    let history = hostile(|_, _, _| json_reply(json!({"RecordDetails": [], "NextPageToken": "same"}))).await;
    assert!(client(&history.url).history("pp-aaaaaaaaaaaaa").await.unwrap_err().to_string().contains("before"));
    let record = hostile(|_, _, _| {
        json_reply(json!({"RecordDetail": {"RecordId": "rec-1", "Status": "SUCCEEDED"}, "RecordOutputs": [], "NextPageToken": "same"}))
    })
    .await;
    assert!(client(&record.url).record("rec-1").await.unwrap_err().to_string().contains("before"));
    drop(c);
}

#[tokio::test]
async fn a_huge_answer_is_an_error_not_memory() {
    // Finding 11: a 1 GiB body took the client to 1.05 GB RSS. Here: 8 MiB streamed, cap 1 MiB.
    let huge = hostile(|_, _, _| {
        let chunks = (0..128).map(|_| Ok::<_, std::io::Error>(axum::body::Bytes::from(vec![b' '; 64 * 1024])));
        reply(200, "application/x-amz-json-1.1", Body::from_stream(futures::stream::iter(chunks)))
    })
    .await;
    let settings = ClientSettings { max_response_bytes: 1024 * 1024, ..fast_settings(1) };
    let c = CatalogClient::demo(&huge.url, "eu-west-1", &settings);
    let e = c.all_products(&Default::default()).await.unwrap_err();
    assert!(e.to_string().contains("larger than 1 MB"), "{e}");
    // Through the command line, with the cap from the config file.
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    std::fs::write(&config, "max_response_mb = 2\n").unwrap();
    let out = sctui_at(&huge.url, home.path(), &["--config", config.to_str().unwrap(), "products"]).await;
    assert_eq!(out.status.code(), Some(4));
    assert!(text(&out.stderr).contains("larger than 2 MB"), "{}", text(&out.stderr));
}

#[tokio::test]
async fn unreadable_answers_are_explained_in_plain_words() {
    // Finding 12: each of these printed a Debug dump, or exit 0 with 0 products.
    type Make = fn() -> Response<Body>;
    let cases: Vec<(Make, &str)> = vec![
        (
            || reply(200, "application/x-amz-json-1.1", "{not json"),
            "HTTP 200 (application/x-amz-json-1.1), body starts: {not json",
        ),
        (
            || json_reply(json!({"ProvisionedProducts": "many"})),
            "HTTP 200 (application/x-amz-json-1.1), body starts: {\"ProvisionedProducts\":\"many\"}",
        ),
        (
            || reply(503, "text/html", "<html><body>Service Unavailable</body></html>"),
            "HTTP 503 (text/html), body starts: <html>",
        ),
        (|| reply(500, "text/html", ""), "HTTP 500 (text/html) with an empty body"),
        (
            || Response::builder().status(302).header("location", "http://127.0.0.1:9/").body(Body::empty()).unwrap(),
            "HTTP 302",
        ),
        (
            || json_reply(json!({"__type": "ResourceNotFoundException", "message": "gone"})),
            "gone (ResourceNotFoundException)",
        ),
        (
            || json_reply(json!({"ProvisionedProducts": [], "TotalResultsCount": -5})),
            "TotalResultsCount is -5, which is out of range",
        ),
        (
            || {
                json_reply(
                    json!({"ProvisionedProducts": [{"Name": "p", "Id": "pp-1", "CreatedTime": -1e300}], "TotalResultsCount": 1}),
                )
            },
            "CreatedTime is",
        ),
    ];
    let home = tempfile::tempdir().unwrap();
    for (make, expected) in cases {
        let server = hostile(move |_, _, _| make()).await;
        let out = sctui_at(&server.url, home.path(), &["products"]).await;
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(4), "{expected}: {stderr}");
        assert!(stderr.contains(expected), "expected {expected:?} in: {stderr}");
        assert!(!stderr.contains("ConnectPathInner") && !stderr.contains("{ source"), "a Debug dump: {stderr}");
    }
    // A bad endpoint is refused before anything is sent (finding 9 and 12).
    for bad in ["", "ftp://127.0.0.1", "127.0.0.1:4566", "http://127.0.0.1:99999"] {
        let out =
            sctui(home.path()).args(["--endpoint-url", bad, "--region", "eu-west-1", "products"]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", text(&out.stderr));
        assert!(text(&out.stderr).contains("must be an http or https URL"), "{}", text(&out.stderr));
    }
    for var in ["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SERVICE_CATALOG"] {
        let out = sctui(home.path()).env(var, "").args(["--region", "eu-west-1", "products"]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{var}: {}", text(&out.stderr));
        assert!(text(&out.stderr).contains(var), "{}", text(&out.stderr));
    }
}

#[tokio::test]
async fn a_slow_body_times_out_instead_of_hanging() {
    let slow = hostile(|_, _, _| {
        let dribble = futures::stream::unfold(0, |i| async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            (i < 100).then(|| (Ok::<_, std::io::Error>(axum::body::Bytes::from_static(b" ")), i + 1))
        });
        reply(200, "application/x-amz-json-1.1", Body::from_stream(dribble))
    })
    .await;
    let settings = ClientSettings {
        attempt_timeout: Duration::from_secs(1),
        operation_timeout: Duration::from_secs(2),
        ..fast_settings(1)
    };
    let c = CatalogClient::demo(&slow.url, "eu-west-1", &settings);
    let started = std::time::Instant::now();
    let e = c.all_products(&Default::default()).await.unwrap_err();
    assert!(e.to_string().contains("timed out"), "{e}");
    assert!(started.elapsed() < Duration::from_secs(10));
}

/// Every string a server sends, hostile: OSC title and clipboard writes, CSI, BEL, C1, DEL, a
/// bidi override and a zero-width space.
const EVIL: &str = "x\u{1b}]0;PWNED\u{7}\u{1b}]52;c;ZWNobyBQV05FRA==\u{7}\u{1b}[2J\u{9b}31m\u{7f}\u{202e}evil\u{200b}";

fn evil_world(op: &str, _: &Value, _: usize) -> Response<Body> {
    let record = json!({
        "RecordId": format!("rec-{EVIL}"), "Status": format!("SUCCEEDED{EVIL}"), "RecordType": EVIL,
        "ProvisionedProductId": format!("pp-{EVIL}"), "ProvisionedProductName": EVIL, "CreatedTime": 1.7e9,
        "RecordErrors": [{"Code": EVIL, "Description": EVIL}], "RecordTags": [],
    });
    let pp = json!({"Name": EVIL, "Id": format!("pp-{EVIL}"), "Status": EVIL, "ProductName": EVIL,
        "ProductId": "prod-aaaaaaaaaaaaa", "ProvisioningArtifactId": "pa-aaaaaaaaaaaaa", "ProvisioningArtifactName": EVIL,
        "LastRecordId": EVIL, "Type": EVIL});
    match op {
        "SearchProvisionedProducts" => json_reply(json!({"ProvisionedProducts": [pp], "TotalResultsCount": 1})),
        "DescribeProvisionedProduct" => json_reply(json!({"ProvisionedProductDetail": pp})),
        "ListServiceActionsForProvisioningArtifact" => json_reply(json!({"ServiceActionSummaries": [
            {"Id": "act-aaaaaaaaaaaaa", "Name": "restart", "Description": EVIL}]})),
        "ExecuteProvisionedProductServiceAction" => json_reply(json!({"RecordDetail": record})),
        "DescribeRecord" => {
            json_reply(json!({"RecordDetail": record, "RecordOutputs": [{"OutputKey": EVIL, "OutputValue": EVIL}]}))
        }
        "ListRecordHistory" => json_reply(json!({"RecordDetails": [record]})),
        _ => reply(
            400,
            "application/x-amz-json-1.1",
            json!({"__type": "InvalidParametersException", "message": format!("bad {EVIL}")}).to_string(),
        ),
    }
}

#[tokio::test]
async fn server_text_never_drives_the_terminal() {
    // Finding 4 and 13: RecordId, Status, errors, "its actions are", Markdown, JSON.
    let evil = hostile(evil_world).await;
    let home = tempfile::tempdir().unwrap();
    let journal = home.path().join("j.jsonl");
    let j = journal.to_str().unwrap();
    let runs: Vec<Vec<&str>> = vec![
        vec!["products"],
        vec!["products", "-o", "json"],
        vec!["actions", "pp-aaaaaaaaaaaaa"],
        vec!["history", "pp-aaaaaaaaaaaaa"],
        vec!["record", "rec-aaaaaaaaaaaaa"],
        vec!["record", "rec-aaaaaaaaaaaaa", "-o", "json"],
        vec!["exec", "pp-aaaaaaaaaaaaa", "no-such-action"],
        vec!["--journal", j, "exec", "pp-aaaaaaaaaaaaa", "restart", "--wait", "--timeout", "5"],
        vec!["params", "pp-aaaaaaaaaaaaa", "act-aaaaaaaaaaaaa"],
        vec!["--journal", j, "runs"],
        vec!["--journal", j, "runs", "export"],
        vec!["--journal", j, "runs", "export", "--format", "json"],
    ];
    for args in runs {
        let out = sctui_at(&evil.url, home.path(), &args).await;
        assert_terminal_safe(&format!("stdout of {args:?}"), &out.stdout);
        assert_terminal_safe(&format!("stderr of {args:?}"), &out.stderr);
        if args.contains(&"json") {
            // Values stay exact: the JSON parses back to what the server sent.
            let v: Value = serde_json::from_slice(&out.stdout).unwrap();
            assert!(v.to_string().contains("PWNED"), "{v}");
        }
    }
    let out = sctui_at(&evil.url, home.path(), &["record", "rec-aaaaaaaaaaaaa", "-o", "json"]).await;
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["RecordDetail"]["RecordType"], EVIL, "JSON keeps the exact value");
}

#[tokio::test]
async fn table_columns_are_measured_in_terminal_columns() {
    // Finding 13: CJK rows were off by 9 columns.
    let wide = hostile(|_, _, _| {
        json_reply(json!({"ProvisionedProducts": [
            {"Name": "日本語の製品名", "Id": "pp-aaaaaaaaaaaaa", "Status": "AVAILABLE"},
            {"Name": "ascii-name", "Id": "pp-bbbbbbbbbbbbb", "Status": "AVAILABLE"}], "TotalResultsCount": 2}))
    })
    .await;
    let home = tempfile::tempdir().unwrap();
    let out = sctui_at(&wide.url, home.path(), &["products"]).await;
    let stdout = text(&out.stdout);
    let columns: Vec<usize> = stdout
        .lines()
        .filter(|l| l.contains("AVAILABLE"))
        .map(|l| sctui::validate::width(&l[..l.find("AVAILABLE").unwrap()]))
        .collect();
    assert_eq!(columns.len(), 2, "{stdout}");
    assert_eq!(columns[0], columns[1], "STATUS starts at the same column:\n{stdout}");
}

#[tokio::test]
async fn an_endpoint_password_is_never_stored_or_shown() {
    // Finding 7.
    let emu = emulator(0.0).await;
    let home = tempfile::tempdir().unwrap();
    let url = emu.url().replace("http://", "http://operator:s3cret-pass@");
    let journal = home.path().join("j.jsonl");
    let mut cmd = sctui(home.path());
    cmd.args(["--endpoint-url", &url, "--region", "eu-west-1", "--journal", journal.to_str().unwrap()]);
    cmd.args(["exec", WEB, RESTART, "--wait"]);
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap()).await.unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stored = std::fs::read_to_string(&journal).unwrap();
    assert!(!stored.contains("s3cret-pass") && stored.contains("operator:***@"), "{stored}");
    for args in [vec!["runs", "-o", "json"], vec!["runs", "export", "--format", "json"], vec!["runs", "export"]] {
        let out = sctui(home.path()).args(["--journal", journal.to_str().unwrap()]).args(&args).output().unwrap();
        assert!(!text(&out.stdout).contains("s3cret-pass"), "{args:?}");
    }
    // The TUI's header and the review's AWS CLI line show the target's endpoint: redacted.
    let options = sctui::catalog::LiveOptions { endpoint_url: Some(url.clone()), ..Default::default() };
    let target = options.target();
    assert_eq!(target.endpoint.as_deref(), Some(emu.url().replace("http://", "http://operator:***@").as_str()));
    let line = sctui::runs::cli_equiv::execute_command(&target, "pp-1", "act-1", "t", None);
    assert!(!line.contains("s3cret-pass"), "{line}");
}

#[tokio::test]
async fn bad_flags_and_config_values_are_refused_before_anything_is_sent() {
    let emu = emulator(0.0).await;
    let home = tempfile::tempdir().unwrap();
    // Finding 2: these executed the action, then panicked.
    for t in ["-1", "nan", "inf", "1e300", "0"] {
        let flag = format!("--timeout={t}");
        let out = run_against(&emu, home.path(), &["exec", WEB, RESTART, "--wait", &flag]).await;
        assert_eq!(out.status.code(), Some(2), "--timeout {t}: {}", text(&out.stderr));
        assert!(text(&out.stderr).contains("--timeout"), "{}", text(&out.stderr));
    }
    // Finding 6: a blank query (an unset shell variable) selected every product.
    let out = run_against(&emu, home.path(), &["batch", RESTART, "--query", ""]).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("--query: must not be blank"), "{}", text(&out.stderr));
    // Many products and no --yes: without a terminal, refused.
    let out = run_against(&emu, home.path(), &["batch", RESTART, "--query", "web", "--wait"]).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("on 4 provisioned products; add --yes"), "{}", text(&out.stderr));
    assert_eq!(emu.stats().executions_started, 0, "nothing ran");
    // Finding 10: concurrency = 0 made batch hang. Now the mistake is said, and the config fails
    // closed (its guardrails cannot be known): nothing runs, nothing hangs.
    let config = home.path().join("config.toml");
    std::fs::write(&config, "concurrency = 0\n").unwrap();
    let args = ["--config", config.to_str().unwrap(), "batch", RESTART, "--query", "web", "--yes", "--wait"];
    let out = run_against(&emu, home.path(), &args).await;
    let stderr = text(&out.stderr);
    assert!(stderr.contains("concurrency must be 1 to 64, not 0") && stderr.contains("executing is off"), "{stderr}");
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(emu.stats().executions_started, 0);
    // Fixed, the batch runs, at the default concurrency.
    std::fs::write(&config, "concurrency = 2\n").unwrap();
    let out = run_against(&emu, home.path(), &args).await;
    assert!(text(&out.stderr).contains("4 of 4 runs succeeded"), "{}", text(&out.stderr));
    assert_eq!(emu.stats().executions_started, 4);
}

/// The length of the `requested` line an `exec` of `args` writes, measured on a journal of its own.
async fn requested_line_len(emu: &sctui::emulator::Emulator, home: &std::path::Path) -> usize {
    let probe = home.join("probe.jsonl");
    let out = run_against(emu, home, &["--journal", probe.to_str().unwrap(), "exec", "web-prod-02", RESTART]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    std::fs::read_to_string(&probe).unwrap().lines().next().unwrap().len() + 1
}

#[tokio::test]
async fn a_journal_that_fails_after_the_execute_is_said_and_the_exit_code_says_so() {
    // Finding 1: a full disk after the action had run produced a torn line, and nothing was said.
    let emu = emulator(0.0).await;
    let home = tempfile::tempdir().unwrap();
    let room = requested_line_len(&emulator(0.0).await, home.path()).await + 24;
    let journal = home.path().join("full.jsonl");
    let (_, region) = emu.account_and_region();
    let mut cmd = sctui(home.path());
    cmd.args(["--endpoint-url", &emu.url(), "--region", &region, "--journal", journal.to_str().unwrap()]);
    cmd.args(["--log-file", "/dev/null", "exec", WEB, RESTART, "--wait"]);
    // The disk fills up right after the `requested` line: every later write fails.
    unsafe {
        use std::os::unix::process::CommandExt;
        cmd.pre_exec(move || {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let limit = libc::rlimit { rlim_cur: room as u64, rlim_max: room as u64 };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap()).await.unwrap();
    assert_eq!(out.status.code(), Some(6), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("the run goes on, but the journal"), "{}", text(&out.stderr));
    assert_eq!(emu.stats().executions_started, 1, "the action ran");
    // The next sctui closes the torn line, lists the run as damaged, and its own runs are whole.
    let listed = sctui(home.path()).args(["--journal", journal.to_str().unwrap(), "runs"]).output().unwrap();
    let stderr = text(&listed.stderr);
    assert!(text(&listed.stdout).contains("damaged: check history"), "{}{stderr}", text(&listed.stdout));
    let out = run_against(
        &emu,
        home.path(),
        &["--journal", journal.to_str().unwrap(), "exec", "web-prod-02", RESTART, "--wait"],
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("cut short"), "the repair is said: {}", text(&out.stderr));
    let (events, _) = sctui::runs::journal::Journal::read(&journal).unwrap();
    let runs = sctui::runs::journal::runs(&events);
    assert_eq!(runs.len(), 2, "the next run is listed, not swallowed: {runs:#?}");
    assert_eq!(runs[1].outcome, Some(sctui::domain::RunOutcome::Succeeded));
}

#[tokio::test]
async fn the_journal_refuses_a_symlink_and_tightens_loose_permissions() {
    // Finding 14.
    use std::os::unix::fs::PermissionsExt;
    let emu = emulator(0.0).await;
    let home = tempfile::tempdir().unwrap();
    let target = home.path().join("elsewhere.txt");
    std::fs::write(&target, "someone else's file\n").unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).unwrap();
    let link = home.path().join("journal.jsonl");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let out = run_against(&emu, home.path(), &["--journal", link.to_str().unwrap(), "exec", WEB, RESTART]).await;
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("could not be opened"), "{}", text(&out.stderr));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "someone else's file\n", "nothing was appended");
    assert_eq!(emu.stats().executions_started, 0);
    let state = home.path().join("loose");
    std::fs::create_dir(&state).unwrap();
    std::fs::set_permissions(&state, std::fs::Permissions::from_mode(0o777)).unwrap();
    let journal = state.join("journal.jsonl");
    std::fs::write(&journal, "").unwrap();
    std::fs::set_permissions(&journal, std::fs::Permissions::from_mode(0o666)).unwrap();
    let out = run_against(&emu, home.path(), &["--journal", journal.to_str().unwrap(), "exec", WEB, RESTART]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("was open to other users (mode 666)"), "{stderr}");
    assert!(stderr.contains("may be written by other users (mode 777)"), "the folder is warned about: {stderr}");
    assert_eq!(std::fs::metadata(&journal).unwrap().permissions().mode() & 0o777, 0o600);
}

#[tokio::test]
async fn resume_gives_up_on_a_record_that_no_longer_exists() {
    // Finding 8: `runs resume --wait` hung silently forever.
    let emu = emulator(0.0).await;
    let home = tempfile::tempdir().unwrap();
    let journal = home.path().join("j.jsonl");
    let client = client(&emu.url());
    let j = sctui::runs::journal::Journal::open(&journal).unwrap();
    j.append(&web_restart_requested(&client, "gone-1", "gone-token", "pp-6y61928a94txg", "act-58tx34ou66v7u")).unwrap();
    let created = sctui::runs::journal::Event::Created {
        run: "gone-1".into(),
        at: sctui::domain::Timestamp::now(),
        record_id: "rec-doesnotexist0".into(),
    };
    j.append(&created).unwrap();
    drop(j);
    let started = std::time::Instant::now();
    let out =
        sctui_at(&emu.url(), home.path(), &["--journal", journal.to_str().unwrap(), "runs", "resume", "--wait"]).await;
    assert_eq!(out.status.code(), Some(4), "exits 4 at once: {}", text(&out.stderr));
    assert!(text(&out.stdout).contains("UNWATCHED"), "{}", text(&out.stdout));
    assert!(started.elapsed() < Duration::from_secs(15));
    let (events, _) = sctui::runs::journal::Journal::read(&journal).unwrap();
    let run = &sctui::runs::journal::runs(&events)[0];
    assert_eq!(run.outcome, Some(sctui::domain::RunOutcome::Abandoned));
    assert!(run.reason.as_deref().unwrap_or("").contains("no longer exists"), "{run:?}");
}

#[tokio::test]
async fn the_emulator_closes_idle_connections_and_caps_them() {
    // Finding 15: 8,000 idle connections were held for minutes.
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let options = sctui::emulator::Options {
        idle_timeout: Duration::from_millis(1000),
        max_connections: 2,
        ..Default::default()
    };
    let emu = sctui::emulator::start_local(world(0), options).await.unwrap();
    let addr = emu.addr();
    let mut idle = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut buf = [0u8; 64];
    let closed = tokio::time::timeout(Duration::from_secs(5), idle.read(&mut buf)).await;
    assert!(matches!(closed, Ok(Ok(0))), "an idle connection is closed: {closed:?}");
    // Two connections held open: a third is not served until one of them goes.
    let first = tokio::net::TcpStream::connect(addr).await.unwrap();
    let _second = tokio::net::TcpStream::connect(addr).await.unwrap();
    // Both are taken by the emulator (not only queued by the kernel) before the third comes.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while emu.stats().connections_accepted < 3 {
        assert!(std::time::Instant::now() < deadline, "the emulator did not accept: {:?}", emu.stats());
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let mut third = tokio::net::TcpStream::connect(addr).await.unwrap();
    third.write_all(b"GET /_emulator/stats HTTP/1.1\r\nhost: x\r\n\r\n").await.unwrap();
    let waiting = tokio::time::timeout(Duration::from_millis(150), third.read(&mut buf)).await;
    assert!(waiting.is_err(), "the third waits while two are held");
    drop(first);
    let served = tokio::time::timeout(Duration::from_secs(5), third.read(&mut buf)).await;
    assert!(matches!(served, Ok(Ok(n)) if n > 0), "served once one went: {served:?}");
    drop((third, _second));
    // A body that trickles does not hold a connection either.
    let mut trickle = tokio::net::TcpStream::connect(addr).await.unwrap();
    trickle.write_all(b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 100000\r\n\r\nab").await.unwrap();
    let ended = tokio::time::timeout(Duration::from_secs(5), trickle.read(&mut buf)).await;
    assert!(matches!(ended, Ok(Ok(0)) | Ok(Err(_))), "a trickling body ends its connection: {ended:?}");
    assert!(sctui::emulator::accept_backoff(1) >= Duration::from_millis(10));
    assert_eq!(sctui::emulator::accept_backoff(30), Duration::from_secs(1), "accept errors never spin");
}

#[tokio::test]
async fn the_tui_stops_on_an_endless_list_and_draws_no_server_control_character() {
    use sctui::tui::runtime::{Connection, NullHost, Runtime, step};
    // The products list: a page token that repeats stops the load with a message (finding 3).
    let repeating = hostile(|_, _, _| page(Some("same".into()))).await;
    let c = client(&repeating.url);
    let mut app = crate::tui::test_app(c.target.clone());
    let (mut rt, mut rx) = Runtime::new(Connection::Ready(c), None, false);
    for e in app.start() {
        rt.run(e, &mut NullHost);
    }
    while app.list.loading.error.is_none() {
        let a = tokio::time::timeout(Duration::from_secs(10), rx.recv()).await.unwrap().unwrap();
        step(&mut app, &mut rt, &mut NullHost, a);
    }
    assert!(app.list.loading.error.as_deref().unwrap().contains("page token it had sent before"));
    assert_eq!(repeating.ops.lock().unwrap()["SearchProvisionedProducts"], 2);
    // Every string of the evil world, drawn: no raw control, bidi or zero-width character in
    // any cell, box titles included (finding 13).
    let evil = hostile(evil_world).await;
    let c = client(&evil.url);
    let mut app = crate::tui::test_app(c.target.clone());
    let (mut rt, mut rx) = Runtime::new(Connection::Ready(c), None, false);
    for e in app.start() {
        rt.run(e, &mut NullHost);
    }
    while !(app.list.loading.done
        && matches!(app.list.actions_of_selected(), Some(sctui::tui::screen::Fetch::Ready(_))))
    {
        let a = tokio::time::timeout(Duration::from_secs(10), rx.recv()).await.unwrap().unwrap();
        step(&mut app, &mut rt, &mut NullHost, a);
    }
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(160, 40)).unwrap();
    term.draw(|f| sctui::tui::view::render(&app, f)).unwrap();
    let cells: String = term.backend().buffer().content().iter().map(|c| c.symbol().to_string()).collect();
    assert!(!cells.chars().any(sctui::validate::is_unsafe), "a raw character was drawn");
    assert!(cells.contains("\\u{202e}evil"), "shown escaped, in the table and the actions title");
}

/// Issue 10: with credentials expired after the submit, `exec --wait` used to exit 3 after an
/// hour. Now it ends after --poll-error-timeout with exit 4 and the login hint, the run open.
#[tokio::test]
async fn exec_wait_with_credentials_expired_after_the_submit_exits_4_within_the_poll_error_timeout() {
    let emu = emulator(0.0).await;
    let home = tempfile::tempdir().unwrap();
    let ops = vec!["DescribeRecord".to_string()];
    emu.set_faults(sctui::emulator::faults::FaultConfig { ops, expired_rate: 1.0, ..Default::default() });
    let journal = home.path().join("j.jsonl");
    let started = std::time::Instant::now();
    let args = ["--journal", journal.to_str().unwrap(), "--poll-error-timeout", "2", "exec", WEB, RESTART, "--wait"];
    let out = sctui_at(&emu.url(), home.path(), &args).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(stderr.contains("ExpiredToken") && stderr.contains("sctui login"), "{stderr}");
    assert!(stderr.contains("`sctui runs resume --wait` watches it again"), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(20), "{:?}", started.elapsed());
    assert_eq!(emu.stats().executions_started, 1);
    let runs = sctui::runs::journal::runs(&sctui::runs::journal::Journal::read(&journal).unwrap().0);
    assert!(runs[0].is_open() && runs[0].record_id.is_some(), "the run stays open for runs resume");
    // Fixed credentials: `runs resume --wait` takes it up and it ends.
    emu.set_faults(Default::default());
    let out = sctui_at(
        &emu.url(),
        home.path(),
        &["--journal", journal.to_str().unwrap(), "runs", "resume", "--wait", "--timeout", "30"],
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[tokio::test]
async fn retry_variables_are_honoured_and_a_bad_one_is_named() {
    // AWS_MAX_ATTEMPTS=2 against a server that always fails: exactly two requests, then an error.
    let failing = hostile(|_, _, _| reply(500, "application/x-amz-json-1.1", r#"{"__type":"InternalFailure"}"#)).await;
    let home = tempfile::tempdir().unwrap();
    let mut cmd = sctui(home.path());
    cmd.env("AWS_MAX_ATTEMPTS", "2").args(["--endpoint-url", &failing.url, "--region", "eu-west-1", "products"]);
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap()).await.unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
    assert_eq!(failing.ops.lock().unwrap().get("SearchProvisionedProducts"), Some(&2));

    // The profile's max_attempts, where the environment does not say; a bad retry_mode is named
    // with its profile.
    std::fs::create_dir_all(home.path().join(".aws")).unwrap();
    let profile = "[profile ops]\nmax_attempts = 3\nretry_mode = sometimes\n";
    std::fs::write(home.path().join(".aws/config"), profile).unwrap();
    let mut cmd = sctui(home.path());
    cmd.args(["--profile", "ops", "--endpoint-url", &failing.url, "--region", "eu-west-1", "products"]);
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap()).await.unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
    assert_eq!(failing.ops.lock().unwrap().get("SearchProvisionedProducts"), Some(&5), "2 + the profile's 3");
    assert!(
        text(&out.stderr).contains("[profile ops] retry_mode='sometimes' is not a retry mode"),
        "{}",
        text(&out.stderr)
    );
    let mut cmd = sctui(home.path());
    cmd.env("AWS_MAX_ATTEMPTS", "1");
    cmd.args(["--profile", "ops", "--endpoint-url", &failing.url, "--region", "eu-west-1", "products"]);
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap()).await.unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
    assert_eq!(failing.ops.lock().unwrap().get("SearchProvisionedProducts"), Some(&6), "the environment wins");
    std::fs::remove_file(home.path().join(".aws/config")).unwrap();

    // A bad value is named on stderr, the default used, and the command still does its work.
    let fine = hostile(|_, _, _| page(None)).await;
    let mut cmd = sctui(home.path());
    cmd.env("AWS_MAX_ATTEMPTS", "0\u{1b}[2J").env("AWS_RETRY_MODE", "turbo");
    cmd.args(["--endpoint-url", &fine.url, "--region", "eu-west-1", "products"]);
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap()).await.unwrap();
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("AWS_MAX_ATTEMPTS=") && err.contains("is not a number from 1 to 20"), "{err}");
    assert!(err.contains("AWS_RETRY_MODE='turbo' is not a retry mode"), "{err}");
    assert_terminal_safe("stderr", &out.stderr);
    assert!(text(&out.stdout).contains("pp-aaaaaaaaaaaaa"), "{}", text(&out.stdout));
}
