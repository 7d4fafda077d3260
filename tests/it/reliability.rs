//! Nothing lost, nothing run twice: faults, crashes, expired credentials, outages, read-only,
//! exact values and secrets. All on loopback, bounded, and stopping by themselves.

use crate::support::*;
use sctui::catalog::{CatalogClient, ErrorKind, Target};
use sctui::domain::{RecordStatus, RunOutcome};
use sctui::emulator::faults::FaultConfig;
use sctui::runs::journal::{self, Event, Journal};
use sctui::runs::{RunError, RunEvent, RunSpec, Runner};
use sctui::tui::runtime::{NullHost, step};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Full-size runs with `SCTUI_FAULT_RUNS=50` (see scripts/reliability.sh); 12 in the suite.
fn fault_runs() -> usize {
    std::env::var("SCTUI_FAULT_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(12)
}

/// `n` (product, first action) pairs on distinct products.
async fn targets(
    c: &CatalogClient,
    n: usize,
) -> Vec<(sctui::domain::ProvisionedProduct, sctui::domain::ServiceAction)> {
    let (products, _) = c.all_products(&Default::default()).await.unwrap();
    let mut out = Vec::new();
    for p in products.into_iter().filter(|p| p.status == Some(sctui::domain::ProductStatus::Available)) {
        let (prod, ver) = p.artifact_key().unwrap();
        let actions = c.actions(&prod, &ver).await.unwrap();
        if let Some(a) = actions.first() {
            out.push((p, a.clone()));
        }
        if out.len() == n {
            break;
        }
    }
    assert_eq!(out.len(), n, "enough products");
    out
}

#[tokio::test]
async fn throttling_503s_and_dropped_connections_never_run_anything_twice() {
    let n = fault_runs();
    let emu = emulator_with(n, 0.01, FaultConfig::default()).await;
    let (_, region) = emu.account_and_region();
    let client = CatalogClient::demo(&emu.url(), &region, &fast_settings(3));
    let picks = targets(&client, n).await;
    emu.set_faults(FaultConfig {
        throttle_rate: 0.3,
        error_rate: 0.1,
        drop_rate: 0.05,
        seed: 2026,
        ..Default::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let journal = Arc::new(Journal::open(&dir.path().join("journal.jsonl")).unwrap());
    let runner = Runner::new(client, Some(journal.clone()), false);
    let mut tasks = Vec::new();
    for (p, a) in picks {
        let runner = runner.clone();
        tasks.push(tokio::spawn(async move {
            let spec = RunSpec::new(sctui::runs::new_id(), &p, &a, None, sctui::runs::new_id());
            runner.run(&spec, &mut |_| {}).await
        }));
    }
    let mut ended = 0;
    for t in tasks {
        let detail = t.await.unwrap().expect("every run started despite the faults");
        assert!(detail.is_terminal());
        ended += 1;
    }
    assert_eq!(ended, n);
    let stats = emu.stats();
    assert_eq!(stats.executions_started as usize, n, "exactly {n} executions: {stats:?}");
    for kind in ["throttle", "server_error", "drop"] {
        assert!(stats.faults.get(kind).copied().unwrap_or(0) > 0, "{kind} was injected: {stats:?}");
    }
    let (events, problems) = Journal::read(journal.path()).unwrap();
    assert!(problems.is_empty());
    let runs = journal::runs(&events);
    assert_eq!(runs.len(), n);
    assert!(runs.iter().all(|r| matches!(r.outcome, Some(RunOutcome::Succeeded | RunOutcome::Failed))), "{runs:?}");
    // One record per run: every Created event of a run names the same record.
    for r in &runs {
        let ids: std::collections::HashSet<_> = events
            .iter()
            .filter_map(|e| match e {
                Event::Created { run, record_id, .. } if *run == r.run => Some(record_id.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(ids.len(), 1, "{}: {ids:?}", r.run);
    }
    println!("fault drill: {n} runs, {stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_with_runs_in_flight_then_resume_ends_each_exactly_once() {
    let n = 10;
    // Nothing ends on its own during the drill: every action takes ten minutes of the emulator's
    // clock, which the test moves on when it wants the records to end.
    let mut w = world(n);
    w.actions.iter_mut().for_each(|a| a.scenario.duration_secs = 600.0);
    let emu = sctui::emulator::start_local(w, sctui::emulator::Options::default()).await.unwrap();
    let client = client(&emu);
    let picks = targets(&client, n).await;
    let home = tempfile::tempdir().unwrap();
    let journal_path = home.path().join("journal.jsonl");
    let (_, region) = emu.account_and_region();
    let spawn = |p: &sctui::domain::ProvisionedProduct, a: &sctui::domain::ServiceAction| {
        let mut cmd = sctui(home.path());
        cmd.args(["--endpoint-url", &emu.url(), "--region", &region, "--journal", journal_path.to_str().unwrap()])
            .args(["exec", &p.id, &a.id, "--wait"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        cmd.spawn().unwrap()
    };
    let wait_for = |what: &str, cond: &dyn Fn() -> bool| {
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while !cond() {
            assert!(std::time::Instant::now() < deadline, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    let journal_runs = || journal::runs(&Journal::read(&journal_path).unwrap().0);
    let executes = || emu.stats().requests.get("ExecuteProvisionedProductServiceAction").copied().unwrap_or(0);
    // Five runs whose records exist (being polled)...
    let mut children: Vec<_> = picks[..5].iter().map(|(p, a)| spawn(p, a)).collect();
    wait_for("five records", &|| {
        let runs = journal_runs();
        runs.len() == 5 && runs.iter().all(|r| r.record_id.is_some())
    });
    // ...and five whose Execute the emulator holds unanswered (a fault scoped to Execute).
    let hold = vec!["ExecuteProvisionedProductServiceAction".to_string()];
    emu.set_faults(FaultConfig { ops: hold, latency_ms: 120_000, ..Default::default() });
    children.extend(picks[5..].iter().map(|(p, a)| spawn(p, a)));
    wait_for("ten Execute requests at the emulator", &|| executes() == 10 && journal_runs().len() == 10);
    for c in &mut children {
        c.kill().unwrap();
        c.wait().unwrap();
    }
    let open: Vec<_> = journal_runs().into_iter().filter(|r| r.is_open()).collect();
    assert_eq!(open.len(), n, "all were in flight when killed");
    assert_eq!(open.iter().filter(|r| r.record_id.is_none()).count(), 5, "five Execute requests were unanswered");
    // The faults end; the records end: the first five by the clock, the others at once.
    emu.set_faults(FaultConfig::default());
    emu.set_time_scale(0.0);
    emu.advance_clock(601.0);

    let out =
        run_against(&emu, home.path(), &["--journal", journal_path.to_str().unwrap(), "runs", "resume", "--wait"])
            .await;
    let runs = journal_runs();
    assert!(runs.iter().all(|r| matches!(r.outcome, Some(RunOutcome::Succeeded | RunOutcome::Failed))), "{runs:#?}");
    let all_succeeded = runs.iter().all(|r| r.outcome == Some(RunOutcome::Succeeded));
    assert_eq!(out.status.code(), Some(if all_succeeded { 0 } else { 1 }), "{}", text(&out.stderr));
    assert_eq!(emu.stats().executions_started as usize, n, "{:?}", emu.stats());
    let again = run_against(&emu, home.path(), &["--journal", journal_path.to_str().unwrap(), "runs", "resume"]).await;
    assert!(text(&again.stdout).contains("No open runs"), "{}", text(&again.stdout));
    println!(
        "sigkill drill: {n} runs, 5 Execute requests unanswered at the kill, {} executions",
        emu.stats().executions_started
    );
}

#[tokio::test]
async fn expired_credentials_are_explained_and_polling_goes_on() {
    let emu = emulator(0.5).await;
    let (_, region) = emu.account_and_region();
    let mut client = CatalogClient::demo(&emu.url(), &region, &fast_settings(1));
    client.target = Target { profile: Some("prod-ops".into()), ..client.target.clone() };
    let runner = Runner::new(client.clone(), None, false);
    let web = client.product(WEB).await.unwrap();
    let restart = sctui::domain::ServiceAction {
        id: action_id(&client, WEB, RESTART).await,
        name: RESTART.into(),
        ..Default::default()
    };
    let spec = RunSpec::new("expiry-run".into(), &web, &restart, None, "expiry-1".into());
    let record = runner.start(&spec, &mut |_| {}).await.unwrap();
    emu.set_faults(FaultConfig { expired_rate: 1.0, ..Default::default() });
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let log = seen.clone();
    let follower = {
        let runner = runner.clone();
        let id = record.record_id.clone();
        tokio::spawn(async move {
            runner
                .follow(
                    &sctui::runs::RunSpec::from_journal(&sctui::runs::journal::JournalRun {
                        run: "expiry-run".into(),
                        ..Default::default()
                    }),
                    &id,
                    &mut move |e| {
                        if let RunEvent::Polled(Err(err)) = e {
                            assert_eq!(err.kind, ErrorKind::Credentials);
                            log.lock().unwrap().push(err.to_string());
                        }
                    },
                )
                .await
        })
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while seen.lock().unwrap().is_empty() {
        assert!(std::time::Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let message = seen.lock().unwrap()[0].clone();
    assert!(message.contains("aws sso login --profile prod-ops"), "{message}");
    // The operator refreshes the credentials: polling picks up again by itself.
    emu.set_faults(FaultConfig::default());
    let end = tokio::time::timeout(Duration::from_secs(30), follower).await.unwrap().unwrap();
    assert_eq!(end.unwrap().0.status, Some(RecordStatus::Succeeded));
}

#[tokio::test]
async fn an_outage_while_running_is_shown_and_the_run_still_ends() {
    let mut d = crate::tui::Driver::new(0.3).await;
    d.pick(WEB, RESTART).await;
    d.open_form().await;
    d.ctrl('s');
    d.key(crossterm::event::KeyCode::Char('y'));
    d.until("the run started", |a| a.runs.list[0].record.is_some()).await;
    d.emu.set_faults(FaultConfig { error_rate: 1.0, ..Default::default() });
    d.until("the outage shown", |a| a.runs.list[0].problem.is_some()).await;
    let screen = d.screen(120, 40);
    assert!(screen.contains("Connection") && screen.contains("still watching"), "{screen}");
    d.emu.set_faults(FaultConfig::default());
    d.until("the end", |a| a.runs.list[0].phase == sctui::tui::runbook::RunPhase::Ended).await;
    assert!(d.app.runs.list[0].problem.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_endpoint_at_start_is_a_clear_state_and_recovers_by_itself() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let client = CatalogClient::demo(&format!("http://127.0.0.1:{port}"), "eu-west-1", &fast_settings(2));
    let mut app = crate::tui::test_app(client.target.clone());
    let (mut rt, mut rx) =
        sctui::tui::runtime::Runtime::new(sctui::tui::runtime::Connection::Ready(client), None, false);
    for e in app.start() {
        rt.run(e, &mut NullHost);
    }
    while app.list.loading.error.is_none() {
        let a = tokio::time::timeout(Duration::from_secs(20), rx.recv()).await.unwrap().unwrap();
        step(&mut app, &mut rt, &mut NullHost, a);
    }
    let err = app.list.loading.error.clone().unwrap();
    assert!(err.contains("could not reach the endpoint") && err.contains("--endpoint-url"), "{err}");
    assert!(err.contains("retrying by itself"), "{err}");
    // The endpoint comes up: the list loads without the operator doing anything.
    let addr: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let emu = sctui::emulator::bind(addr, false, world(0), Default::default()).await.unwrap();
    while !app.list.loading.done {
        let a = tokio::time::timeout(Duration::from_secs(30), rx.recv()).await.unwrap().unwrap();
        step(&mut app, &mut rt, &mut NullHost, a);
    }
    assert_eq!(app.list.len(), 23);
    assert!(app.list.loading.error.is_none());
    let searches = emu.stats().requests["SearchProvisionedProducts"];
    assert_eq!(searches, 1, "the first page was asked once it could be answered");
}

#[tokio::test]
async fn read_only_is_enforced_in_the_worker() {
    let emu = emulator(0.0).await;
    let c = client(&emu);
    let dir = tempfile::tempdir().unwrap();
    let journal = Arc::new(Journal::open(&dir.path().join("journal.jsonl")).unwrap());
    // A crafted execute effect, as if a key had slipped through: the worker refuses it.
    let mut app = crate::tui::test_app(c.target.clone());
    let (mut rt, mut rx) = sctui::tui::runtime::Runtime::new(
        sctui::tui::runtime::Connection::Ready(c.clone()),
        Some(journal.clone()),
        true,
    );
    let web = c.product(WEB).await.unwrap();
    let restart = sctui::domain::ServiceAction {
        id: action_id(&c, WEB, RESTART).await,
        name: RESTART.into(),
        ..Default::default()
    };
    let spec = RunSpec::new("crafted".into(), &web, &restart, None, "crafted-1".into());
    rt.run(sctui::tui::effect::Effect::Execute { run: sctui::tui::action::RunId(99), spec }, &mut NullHost);
    loop {
        let a = tokio::time::timeout(Duration::from_secs(10), rx.recv()).await.unwrap().unwrap();
        if let sctui::tui::action::Action::RunFailed { error: RunError::Refused(reason), .. } = &a {
            assert!(reason.contains("read-only"));
            break;
        }
        step(&mut app, &mut rt, &mut NullHost, a);
    }
    let (events, _) = Journal::read(journal.path()).unwrap();
    assert!(matches!(events.as_slice(), [Event::Refused { .. }]), "{events:?}");
    // Headless too.
    let home = tempfile::tempdir().unwrap();
    let out = run_against(&emu, home.path(), &["--read-only", "exec", WEB, RESTART]).await;
    assert_eq!(out.status.code(), Some(5), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("read-only"));
    assert_eq!(emu.stats().executions_started, 0);
    assert_eq!(emu.stats().requests.get("ExecuteProvisionedProductServiceAction"), None);
}

#[tokio::test]
async fn parameter_values_keep_every_character() {
    let emu = emulator(0.0).await;
    let home = tempfile::tempdir().unwrap();
    let value = "  pre change\t#42 'quoted' $(not a shell) ";
    let param = format!("DBSnapshotIdentifier={value}");
    let out = run_against(
        &emu,
        home.path(),
        &["exec", "orders-db-prod", "AWS-CreateRdsSnapshot", "-p", &param, "--wait", "-o", "json"],
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let outputs = v["RecordOutputs"].as_array().unwrap();
    assert!(outputs.iter().any(|o| o["OutputValue"] == value), "{outputs:?}");
}

#[test]
fn secrets_never_reach_logs_journal_or_output() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let emu = rt.block_on(emulator(0.0));
    let home = tempfile::tempdir().unwrap();
    let secret = "PLANTEDsecretKEY0123456789abcdefghijklmnop";
    let token = "PLANTEDsessionTOKENzyxwvutsrqponmlkjihgfedcba9876543210";
    let (_, region) = emu.account_and_region();
    let mut outputs = Vec::new();
    for args in [
        vec!["products"],
        vec!["exec", WEB, RESTART, "--wait", "-o", "json"],
        vec!["record", "rec-doesnotexist1"],
        vec!["runs", "export", "--format", "md"],
    ] {
        let out = sctui(home.path())
            .env("AWS_SECRET_ACCESS_KEY", secret)
            .env("AWS_SESSION_TOKEN", token)
            .env("SCTUI_LOG", "trace")
            .args(["--endpoint-url", &emu.url(), "--region", &region])
            .args(&args)
            .output()
            .unwrap();
        outputs.push(out.stdout);
        outputs.push(out.stderr);
    }
    let state = home.path().join("state/sctui");
    let log = std::fs::read(state.join("sctui.log")).unwrap();
    let journal = std::fs::read(state.join("journal.jsonl")).unwrap();
    assert!(log.len() > 1000, "the trace log was written");
    assert!(!journal.is_empty());
    for (what, bytes) in std::iter::once(("log", &log))
        .chain(std::iter::once(("journal", &journal)))
        .chain(outputs.iter().map(|o| ("output", o)))
    {
        let text = String::from_utf8_lossy(bytes);
        assert!(!text.contains(secret) && !text.contains(token), "the secret reached the {what}");
    }
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(state.join("journal.jsonl")).unwrap().permissions().mode() & 0o777, 0o600);
}

#[test]
fn a_demo_run_left_open_is_closed_as_abandoned_by_the_next_session() {
    let home = tempfile::tempdir().unwrap();
    let journal = home.path().join("j.jsonl");
    // A demo run without --wait stays open when its process (and its emulator) ends.
    let out = sctui(home.path())
        .args(["--demo", "--journal", journal.to_str().unwrap(), "exec", WEB, RESTART])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let (events, _) = Journal::read(&journal).unwrap();
    assert!(journal::runs(&events)[0].is_open());
    let out =
        sctui(home.path()).args(["--demo", "--journal", journal.to_str().unwrap(), "runs", "resume"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("1 open demo run was closed as ABANDONED"), "{}", text(&out.stderr));
    let (events, _) = Journal::read(&journal).unwrap();
    let r = &journal::runs(&events)[0];
    assert_eq!(r.outcome, Some(RunOutcome::Abandoned));
    // The TUI says so too when it opens (issue 12: it used to close them without a word).
    let out = sctui(home.path())
        .args(["--demo", "--journal", journal.to_str().unwrap(), "exec", WEB, RESTART])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let mut t = crate::pty_harness::Tui::spawn(&["--demo", "--journal", journal.to_str().unwrap()], 30, 120);
    t.wait_for("1 run of an earlier demo session did not end before it quit: closed as ABANDONED");
    t.send("q");
    assert!(t.wait_exit().success());
    let listed = sctui(home.path()).args(["--journal", journal.to_str().unwrap(), "runs"]).output().unwrap();
    assert!(text(&listed.stdout).contains("ABANDONED"), "{}", text(&listed.stdout));
}

#[tokio::test]
async fn without_a_journal_the_worker_refuses_and_damaged_runs_are_not_sent_again() {
    use sctui::tui::runtime::{Connection, Runtime};
    let emu = emulator(0.0).await;
    let c = client(&emu);
    // The TUI without a journal (a read-only file system): an execute that slipped through is
    // refused in the worker, whatever the read-only setting said.
    let (mut rt, mut rx) = Runtime::new(Connection::Ready(c.clone()), None, false);
    let web = c.product(WEB).await.unwrap();
    let restart = sctui::domain::ServiceAction {
        id: action_id(&c, WEB, RESTART).await,
        name: RESTART.into(),
        ..Default::default()
    };
    let spec = RunSpec::new("no-journal".into(), &web, &restart, None, "no-journal-1".into());
    rt.run(sctui::tui::effect::Effect::Execute { run: sctui::tui::action::RunId(1), spec }, &mut NullHost);
    let a = tokio::time::timeout(Duration::from_secs(10), rx.recv()).await.unwrap().unwrap();
    assert!(matches!(a, sctui::tui::action::Action::RunFailed { error: RunError::Refused(_), .. }), "{a:?}");
    assert_eq!(emu.stats().executions_started, 0);
    // A run whose `not_started` line was torn may have been refused or may have run: it is listed
    // as damaged, and never sent again by itself.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.jsonl");
    let j = Arc::new(Journal::open(&path).unwrap());
    j.append(&web_restart_requested(&c, "torn-1", "torn-token", &web.id, &restart.id)).unwrap();
    drop(j);
    let mut live = c.clone();
    live.target.demo = false;
    use std::io::Write;
    std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap()
        .write_all(b"{\"event\":\"not_started\",\"run\":\"torn-1\",\"at\":")
        .unwrap();
    let runner = Runner::new(live, Some(Arc::new(Journal::open(&path).unwrap())), false);
    let (open, problems, _) = runner.open_runs().await.unwrap();
    assert!(open.is_empty(), "{open:?}");
    assert_eq!(problems[0].run.as_deref(), Some("torn-1"));
    assert_eq!(emu.stats().executions_started, 0);
}

/// An Execute whose answer was lost long ago is never sent again blindly: past the token window,
/// its record is looked for in the product's history and adopted when exactly one fits.
#[tokio::test]
async fn an_old_unanswered_execute_is_adopted_from_history_and_never_run_twice() {
    let emu = emulator(0.0).await;
    let c = client(&emu);
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("journal.jsonl");
    let web = c.product(WEB).await.unwrap();
    let restart = sctui::domain::ServiceAction {
        id: action_id(&c, WEB, RESTART).await,
        name: RESTART.into(),
        ..Default::default()
    };
    let requested = |run: &str, token: &str| web_restart_requested(&c, run, token, &web.id, &restart.id);
    // The request was journaled and sent; the action ran; the answer never came back.
    let j = Journal::open(&path).unwrap();
    j.append(&requested("old-1", "old-token-1")).unwrap();
    let ran = c.execute(&web.id, &restart.id, None, "old-token-1").await.unwrap();
    drop(j);
    assert_eq!(emu.stats().executions_started, 1);
    // Past the token window (0 s here), `runs resume --wait` adopts the record instead of sending.
    let j = path.to_str().unwrap();
    let out =
        run_against(&emu, home.path(), &["--journal", j, "--token-window", "0", "runs", "resume", "--wait"]).await;
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    assert_eq!(emu.stats().executions_started, 1, "exactly one execution");
    let runs = journal::runs(&Journal::read(&path).unwrap().0);
    assert_eq!(runs[0].record_id.as_deref(), Some(ran.record_id.as_str()), "the run adopted that record");
    assert_eq!(runs[0].outcome, Some(RunOutcome::Succeeded));

    // Two action records from that time (someone else ran it too): uncertain, nothing sent.
    let j2 = Journal::open(&path).unwrap();
    j2.append(&requested("old-2", "old-token-2")).unwrap();
    drop(j2);
    c.execute(&web.id, &restart.id, None, "old-token-2").await.unwrap();
    c.execute(&web.id, &restart.id, None, "someone-else").await.unwrap();
    let out =
        run_against(&emu, home.path(), &["--journal", j, "--token-window", "0", "runs", "resume", "--wait"]).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("UNCERTAIN"), "{}", text(&out.stdout));
    assert!(text(&out.stderr).contains("--resend old-2"), "{}", text(&out.stderr));
    assert_eq!(emu.stats().executions_started, 3, "nothing was sent");
    // The operator checked the history and sends it again: the same token, still idempotent at
    // the service, so it still runs once.
    let out = run_against(
        &emu,
        home.path(),
        &["--journal", j, "--token-window", "0", "runs", "resume", "--wait", "--resend", "old-2"],
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(emu.stats().executions_started, 3);
    let out = run_against(&emu, home.path(), &["--journal", j, "runs", "resume", "--resend", "no-such-run"]).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("--resend no-such-run: no open run"), "{}", text(&out.stderr));
}
