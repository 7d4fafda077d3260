//! Issue 15: proof for the change ticket. The journal is a hash chain that `runs verify` checks
//! line by line, and every export pins its head.

use crate::support::*;

fn journal(home: &std::path::Path) -> std::path::PathBuf {
    home.join("state/sctui/journal.jsonl")
}

async fn sctui_runs(emu: &sctui::emulator::Emulator, home: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = run_against(emu, home, args).await;
    (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
}

/// The chain head `runs verify` reports on success.
fn head_of(stdout: &str) -> String {
    stdout.rsplit("chain head ").next().unwrap_or_default().trim().to_string()
}

#[tokio::test]
async fn verify_finds_an_edited_deleted_or_moved_line_and_exports_pin_the_chain_head() {
    let emu = emulator(0.0).await;
    let home = tempfile::tempdir().unwrap();
    for _ in 0..2 {
        let (code, _, err) = sctui_runs(&emu, home.path(), &["exec", WEB, RESTART, "--wait"]).await;
        assert_eq!(code, 0, "{err}");
    }
    let path = journal(home.path());
    let original = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = original.lines().collect();
    assert!(lines.len() >= 6, "requested, created, finished and statuses of two runs: {original}");
    let (code, out, err) = sctui_runs(&emu, home.path(), &["runs", "verify"]).await;
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(&format!("{} lines, every link holds", lines.len())), "{out}");
    let head = head_of(&out);
    assert_eq!(head.len(), 64, "{out}");

    // Every export carries the head; JSON and CSV parse.
    let (code, json, _) = sctui_runs(&emu, home.path(), &["runs", "export", "--format", "json"]).await;
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["Journal"]["ChainHead"], head.as_str());
    assert_eq!(v["Journal"]["Intact"], true);
    let runs = v["Runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2);
    // Each run says which build sent it: what `--version` prints, and the log's first line.
    let version = text(&sctui(home.path()).arg("--version").output().unwrap().stdout).trim().to_string();
    assert!(version.starts_with(&format!("sctui {} (commit ", env!("CARGO_PKG_VERSION"))), "{version}");
    assert!(runs.iter().all(|r| r["sctui"] == version.as_str()), "{json}");
    assert_eq!(v["ExportedBy"], version.as_str());
    let log = std::fs::read_to_string(home.path().join("state/sctui/sctui.log")).unwrap();
    assert!(log.lines().next().unwrap().ends_with(&version), "{log}");
    let (code, csv_text, _) = sctui_runs(&emu, home.path(), &["runs", "export", "--format", "csv"]).await;
    assert_eq!(code, 0);
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "Run");
    let head_col = headers.iter().position(|h| h == "ChainHead").unwrap();
    let outcome_col = headers.iter().position(|h| h == "Outcome").unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| &r[head_col] == head.as_str() && &r[outcome_col] == "SUCCEEDED"), "{csv_text}");
    let by_col = headers.iter().position(|h| h == "Sctui").unwrap();
    assert!(rows.iter().all(|r| r[by_col] == version), "{csv_text}");
    // Console links for the ticket: the product, the record, the SSM execution behind it.
    let links_col = headers.iter().position(|h| h == "ConsoleLinks").unwrap();
    let links: Vec<String> = rows[0][links_col].split(' ').map(str::to_string).collect();
    let record = runs[0]["record_id"].as_str().unwrap();
    assert_eq!(links.len(), 3, "{links:?}");
    assert!(links[0].starts_with(
        "https://eu-west-1.console.aws.amazon.com/servicecatalog/home?region=eu-west-1#/provisioned-products/pp-"
    ));
    assert!(links[1].ends_with(&format!("#/records/{record}")), "{links:?}");
    assert!(links[2].contains("/systems-manager/automation/execution/"), "{links:?}");
    assert_eq!(runs[0]["console"][1].as_str(), Some(links[1].as_str()));
    let (_, md, _) = sctui_runs(&emu, home.path(), &["runs", "export"]).await;
    assert!(md.contains(&format!("chain head `{head}`")), "{md}");
    assert_eq!(md.matches(&format!("- Sent by: {version}\n")).count(), 2, "{md}");
    assert!(md.contains(&format!("- Console: {}", links.join(" · "))), "{md}");
    // Which runs: one by its id, since a time, an age.
    let first = runs[0]["run"].as_str().unwrap().to_string();
    let (_, one, _) = sctui_runs(&emu, home.path(), &["runs", "export", "--format", "json", "--run", &first]).await;
    assert_eq!(serde_json::from_str::<serde_json::Value>(&one).unwrap()["Runs"].as_array().unwrap().len(), 1);
    for (since, n) in [("1h", 2), ("2000-01-01", 2), ("2999-01-01T00:00:00Z", 0)] {
        let (code, out, err) =
            sctui_runs(&emu, home.path(), &["runs", "export", "--format", "json", "--since", since]).await;
        assert_eq!(code, 0, "{err}");
        let got = serde_json::from_str::<serde_json::Value>(&out).unwrap()["Runs"].as_array().unwrap().len();
        assert_eq!(got, n, "--since {since}");
    }
    let (code, _, err) = sctui_runs(&emu, home.path(), &["runs", "export", "--since", "yesterday"]).await;
    assert_eq!(code, 2);
    assert!(err.contains("--since yesterday: not a time"), "{err}");

    // Tampering, each found at its line.
    let write = |lines: &[&str]| std::fs::write(&path, format!("{}\n", lines.join("\n"))).unwrap();
    let broken_at = |err: &str| -> usize {
        err.split("broken at line ").nth(1).and_then(|r| r.split(':').next()).and_then(|n| n.parse().ok()).unwrap_or(0)
    };
    let edited = lines[2].replacen("\"at\":", "\"at\":1", 1);
    let mut tampered = lines.clone();
    tampered[2] = &edited;
    write(&tampered);
    let (code, _, err) = sctui_runs(&emu, home.path(), &["runs", "verify"]).await;
    assert_eq!((code, broken_at(&err)), (1, 3), "an edit: {err}");
    assert!(err.contains("does not match its hash"), "{err}");
    let mut tampered = lines.clone();
    tampered.remove(3);
    write(&tampered);
    let (code, _, err) = sctui_runs(&emu, home.path(), &["runs", "verify"]).await;
    assert_eq!((code, broken_at(&err)), (1, 4), "a deletion: {err}");
    let mut tampered = lines.clone();
    tampered.swap(1, 4);
    write(&tampered);
    let (code, _, err) = sctui_runs(&emu, home.path(), &["runs", "verify"]).await;
    assert_eq!((code, broken_at(&err)), (1, 2), "a move: {err}");
    // An export of a broken journal says so.
    let (_, md, err) = sctui_runs(&emu, home.path(), &["runs", "export"]).await;
    assert!(md.contains("**Warning: the journal") && err.contains("broken at line 2"), "{md}{err}");
    // The last line deleted leaves a chain that holds, but not the head the export pinned.
    write(&lines[..lines.len() - 1]);
    let (code, _, _) = sctui_runs(&emu, home.path(), &["runs", "verify"]).await;
    assert_eq!(code, 0);
    let (code, _, err) = sctui_runs(&emu, home.path(), &["runs", "verify", "--head", &head]).await;
    assert_eq!(code, 1);
    assert!(err.contains("does not hold the line with hash"), "{err}");
    // Untouched again, the pinned head holds.
    std::fs::write(&path, &original).unwrap();
    let (code, _, err) = sctui_runs(&emu, home.path(), &["runs", "verify", "--head", &head]).await;
    assert_eq!(code, 0, "{err}");
}

/// A webhook receiver on 127.0.0.1: every POST's JSON body, in order; answers `fail_first` POSTs
/// with 500 before it takes them.
struct Receiver {
    url: String,
    bodies: std::sync::Arc<std::sync::Mutex<Vec<serde_json::Value>>>,
    posts: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

async fn receiver(fail_first: usize) -> Receiver {
    use axum::routing::post;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let bodies = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let posts = std::sync::Arc::new(AtomicUsize::new(0));
    let (b, p) = (bodies.clone(), posts.clone());
    let app = axum::Router::new().route(
        "/services/T000/B000/SECRETPATH",
        post(move |body: axum::body::Bytes| {
            let (b, p) = (b.clone(), p.clone());
            async move {
                if p.fetch_add(1, Ordering::SeqCst) < fail_first {
                    return axum::http::StatusCode::INTERNAL_SERVER_ERROR;
                }
                b.lock().unwrap().push(serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null));
                axum::http::StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/services/T000/B000/SECRETPATH", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    Receiver { url, bodies, posts }
}

/// Issue 15: one event per run end, and one per batch end, with the documented fields; the
/// parameters never sent.
#[tokio::test]
async fn a_webhook_gets_exactly_one_event_per_run_end_and_per_batch() {
    let emu = emulator(0.0).await;
    let home = tempfile::tempdir().unwrap();
    let hook = receiver(0).await;
    let (code, _, err) =
        sctui_runs(&emu, home.path(), &["--notify-webhook", &hook.url, "exec", WEB, RESTART, "--wait"]).await;
    assert_eq!(code, 0, "{err}");
    let batch = ["--notify-webhook", &hook.url, "batch", RESTART, "--query", "name:web-prod-0*", "--wait"];
    let (code, _, err) = sctui_runs(&emu, home.path(), &batch).await;
    assert_eq!(code, 0, "{err}");
    let bodies = hook.bodies.lock().unwrap().clone();
    let events: Vec<&serde_json::Value> = bodies.iter().map(|b| &b["event"]).collect();
    let kinds: Vec<&str> = events.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "run_ended").count(), 3, "{kinds:?}");
    assert_eq!(kinds.iter().filter(|k| **k == "batch_ended").count(), 1, "{kinds:?}");
    assert_eq!(kinds.len(), 4, "nothing else: {kinds:?}");
    let journal = std::fs::read_to_string(journal(home.path())).unwrap();
    for e in events.iter().filter(|e| e["kind"] == "run_ended") {
        assert_eq!(e["schema"], "sctui.notify/1");
        assert_eq!((e["status"].as_str(), e["action_name"].as_str()), (Some("SUCCEEDED"), Some(RESTART)));
        for field in ["at", "run", "action_id", "product_name", "product_id", "record_id", "text"] {
            assert!(e[field].is_string(), "{field}: {e}");
        }
        assert!(journal.contains(e["run"].as_str().unwrap()) && journal.contains(e["record_id"].as_str().unwrap()));
        assert!(e.get("parameters").is_none());
    }
    let b = events.iter().find(|e| e["kind"] == "batch_ended").unwrap();
    assert_eq!(b["batch"], serde_json::json!({"total": 2, "succeeded": 2, "failed": 0, "not_started": 0}));
    // Slack's field: one line for people.
    assert!(bodies.iter().all(|x| x["text"].as_str().is_some_and(|t| t.starts_with("sctui: "))), "{bodies:?}");
    assert!(bodies[0]["text"].as_str().unwrap().contains(&format!("{RESTART} on {WEB} SUCCEEDED")), "{bodies:?}");
}

/// A webhook that fails is tried again (with backoff), and when it never takes the event the
/// failure is said on stderr naming only its host; the run is not affected.
#[tokio::test]
async fn a_failing_webhook_is_retried_and_its_secret_path_never_shown() {
    let emu = emulator(0.0).await;
    let home = tempfile::tempdir().unwrap();
    let flaky = receiver(1).await;
    let (code, _, err) =
        sctui_runs(&emu, home.path(), &["--notify-webhook", &flaky.url, "exec", WEB, RESTART, "--wait"]).await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(flaky.posts.load(std::sync::atomic::Ordering::SeqCst), 2, "a 500, then again");
    assert_eq!(flaky.bodies.lock().unwrap().len(), 1);
    let down = receiver(10).await;
    let (code, _, err) =
        sctui_runs(&emu, home.path(), &["--notify-webhook", &down.url, "exec", WEB, RESTART, "--wait"]).await;
    assert_eq!(code, 0, "the run is not affected: {err}");
    assert_eq!(down.posts.load(std::sync::atomic::Ordering::SeqCst), 3, "three attempts");
    assert!(err.contains("the notify webhook (http://127.0.0.1) failed: HTTP 500"), "{err}");
    let log = std::fs::read_to_string(home.path().join("state/sctui/sctui.log")).unwrap_or_default();
    assert!(!err.contains("SECRETPATH") && !log.contains("SECRETPATH"), "the URL's path is its secret");
    // Not a URL: refused before anything runs.
    let (code, _, err) = sctui_runs(&emu, home.path(), &["--notify-webhook", "ftp://x/y", "exec", WEB, RESTART]).await;
    assert_eq!(code, 2);
    assert!(err.contains("--notify-webhook: the URL must be http:// or https://"), "{err}");
}

/// A webhook that answers 200 with an endless body: its answer is read only so far (64 KiB), so
/// the command ends without waiting for the timeout, and the hook sends a few socket buffers'
/// worth, never the gigabytes reading it to the end for 30 s would take.
#[tokio::test]
async fn a_webhook_answering_without_end_is_read_only_so_far() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let sent = std::sync::Arc::new(AtomicUsize::new(0));
    let counted = sent.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move || {
            let counted = counted.clone();
            async move {
                let chunk = bytes::Bytes::from(vec![b'x'; 64 * 1024]);
                let endless = futures::stream::repeat_with(move || {
                    counted.fetch_add(chunk.len(), Ordering::SeqCst);
                    Ok::<_, std::io::Error>(chunk.clone())
                });
                axum::body::Body::from_stream(endless)
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let emu = emulator(0.0).await;
    let home = tempfile::tempdir().unwrap();
    let args = ["--notify-webhook", &url, "--notify-timeout", "30", "exec", WEB, RESTART, "--wait"];
    let (code, _, err) = sctui_runs(&emu, home.path(), &args).await;
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("notify webhook"), "a 200 is taken, whatever its body: {err}");
    let sent = sent.load(Ordering::SeqCst);
    assert!(sent < 64 << 20, "the hook sent {sent} bytes: its answer was read on and on");
}

/// The notify command gets the event on its standard input; one that hangs is killed at its
/// timeout, said on stderr, and the run ends as it would have.
#[tokio::test]
async fn a_notify_command_reads_the_event_and_one_that_hangs_is_killed_at_its_timeout() {
    let emu = emulator(0.0).await;
    let home = tempfile::tempdir().unwrap();
    let got = home.path().join("event.json");
    let cmd = format!("cat > {}", got.display());
    let (code, _, err) =
        sctui_runs(&emu, home.path(), &["--notify-command", &cmd, "exec", WEB, RESTART, "--wait"]).await;
    assert_eq!(code, 0, "{err}");
    let e: serde_json::Value = serde_json::from_slice(&std::fs::read(&got).unwrap()).unwrap();
    assert_eq!((e["kind"].as_str(), e["status"].as_str()), (Some("run_ended"), Some("SUCCEEDED")));
    // A command that never ends: it writes its pid, then waits on a child forever.
    let pid_file = home.path().join("pid");
    let hang = format!("echo $$ > {}; sleep 600; true", pid_file.display());
    let args = ["--notify-command", &hang, "--notify-timeout", "1", "exec", WEB, RESTART, "--wait"];
    let (code, _, err) = sctui_runs(&emu, home.path(), &args).await;
    assert_eq!(code, 0, "the run is not affected: {err}");
    assert!(err.contains("the notify command failed: it took longer than 1 s and was stopped"), "{err}");
    let pid: i32 = std::fs::read_to_string(&pid_file).unwrap().trim().parse().unwrap();
    // SAFETY: signal 0 only asks whether the process, or any of its group, exists. (A killed
    // grandchild is reaped by init a moment later: waited for, within a bound.)
    let alive = || unsafe { libc::kill(pid, 0) } == 0 || unsafe { libc::kill(-pid, 0) } == 0;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while alive() && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(!alive(), "the hanging command {pid} and its sleep were killed");
    let journal = std::fs::read_to_string(journal(home.path())).unwrap();
    assert_eq!(journal.matches("\"status\":\"SUCCEEDED\"").count(), 2);
}

/// Issue 15: freeze windows. A production run asks the config's change calendars first: OPEN
/// runs; CLOSED refuses (nothing sent) unless `--override-freeze REASON`, which the journal
/// keeps with the run; a calendar that cannot be read holds runs as a freeze does.
#[tokio::test]
async fn a_closed_change_calendar_refuses_production_runs_unless_overridden_with_a_reason() {
    let emu = emulator(0.0).await;
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    std::fs::write(&config, "production_accounts = [\"123456789012\"]\nfreeze_calendars = [\"prod-change-freeze\"]\n")
        .unwrap();
    let c = config.to_str().unwrap();
    let exec = |extra: &[&str]| {
        let mut v = vec!["--config", c, "exec", WEB, RESTART, "--wait", "--confirm", WEB];
        v.extend_from_slice(extra);
        v.into_iter().map(str::to_string).collect::<Vec<String>>()
    };
    let run = |args: Vec<String>| {
        let (emu, home) = (&emu, home.path());
        async move {
            let refs: Vec<&str> = args.iter().map(String::as_str).collect();
            sctui_runs(emu, home, &refs).await
        }
    };
    let (code, _, err) = run(exec(&[])).await;
    assert_eq!(code, 0, "open: {err}");
    assert!(emu.set_calendar("prod-change-freeze", "CLOSED"));
    let before = emu.stats().executions_started;
    let (code, _, err) = run(exec(&[])).await;
    assert_eq!(code, 5, "{err}");
    assert!(err.contains("FREEZE: change calendar prod-change-freeze: CLOSED: nothing was run"), "{err}");
    assert_eq!(emu.stats().executions_started, before, "nothing was sent");
    let (code, _, err) = run(exec(&["--override-freeze", "CHG-1234: the outage fix cannot wait"])).await;
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("FREEZE overridden"), "{err}");
    let (code, _, err) = run(exec(&["--override-freeze", "   "])).await;
    assert_eq!(code, 2, "a blank reason is no reason: {err}");
    // A batch: refused whole, or every run with the reason.
    let batch = ["--config", c, "batch", RESTART, "--query", "name:web-prod-0*", "--wait", "--confirm", "2"];
    let (code, _, err) = sctui_runs(&emu, home.path(), &batch).await;
    assert_eq!(code, 5, "{err}");
    let mut with = batch.to_vec();
    with.extend(["--override-freeze", "CHG-1235"]);
    let (code, _, err) = sctui_runs(&emu, home.path(), &with).await;
    assert_eq!(code, 0, "{err}");
    // The journal keeps the reasons, and the export says them.
    let (_, json, _) = sctui_runs(&emu, home.path(), &["runs", "export", "--format", "json"]).await;
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let runs = v["Runs"].as_array().unwrap();
    let frozen: Vec<&serde_json::Value> = runs.iter().filter(|r| !r["freeze"].is_null()).collect();
    assert_eq!(frozen.len(), 3, "{runs:?}");
    assert_eq!(frozen[0]["freeze"]["reason"], "CHG-1234: the outage fix cannot wait");
    assert_eq!(frozen[0]["freeze"]["state"], "CLOSED");
    assert_eq!(frozen[0]["freeze"]["calendars"][0], "prod-change-freeze");
    assert!(frozen[1..].iter().all(|r| r["freeze"]["reason"] == "CHG-1235"));
    let (_, md, _) = sctui_runs(&emu, home.path(), &["runs", "export"]).await;
    assert!(md.contains("- Freeze: run while prod-change-freeze was CLOSED; the reason given: CHG-1234"), "{md}");
    // Open again: runs go.
    assert!(emu.set_calendar("prod-change-freeze", "OPEN"));
    let (code, _, err) = run(exec(&[])).await;
    assert_eq!(code, 0, "{err}");
    // A calendar that cannot be read holds runs (fail closed), saying why.
    std::fs::write(&config, "production_accounts = [\"123456789012\"]\nfreeze_calendars = [\"no-such-calendar\"]\n")
        .unwrap();
    let (code, _, err) = run(exec(&[])).await;
    assert_eq!(code, 5, "{err}");
    assert!(err.contains("could not be read, so changes are held") && err.contains("InvalidDocument"), "{err}");
    // Not production: no calendar is asked.
    std::fs::write(&config, "freeze_calendars = [\"no-such-calendar\"]\n").unwrap();
    let (code, _, err) = sctui_runs(&emu, home.path(), &["--config", c, "exec", WEB, RESTART, "--wait"]).await;
    assert_eq!(code, 0, "{err}");
}
