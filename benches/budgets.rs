//! sctui's budgets, measured on the release build: `cargo bench --locked --bench budgets`.
//! Prints one row per budget and exits 1 if any is missed. Figures are published in BENCHMARKS.md.
//! Everything runs on 127.0.0.1 and stops by itself.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

#[path = "../tests/it/pty_harness.rs"]
mod pty_harness;

use portable_pty::CommandBuilder;
use pty_harness::Tui;
use ratatui::Terminal;
use ratatui::backend::{CrosstermBackend, TestBackend};
use sctui::catalog::{CatalogClient, ClientSettings};
use sctui::domain::{Page, ProductStatus, ProvisionedProduct, RecordDetail, RecordStatus, Tag, Timestamp};
use sctui::emulator::{self, Options, World};
use sctui::tui::action::Action;
use sctui::tui::app::{App, update};
use sctui::tui::runtime::{Connection, NullHost, Runtime, step};
use sctui::tui::screen::Fetch;
use sctui::tui::session::CountedIds;
use sctui::tui::theme::Theme;
use sctui::tui::view;
use std::time::{Duration, Instant};

struct Row {
    what: String,
    budget: String,
    measured: String,
    ok: bool,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn p95(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[(v.len() * 95 / 100).min(v.len() - 1)]
}

fn world(scale: usize) -> World {
    let mut w = World::demo().expect("demo world");
    w.scale(scale);
    w
}

fn draw(t: &mut Terminal<TestBackend>, app: &App) -> Duration {
    let started = Instant::now();
    t.draw(|f| view::render(app, f)).expect("draw");
    started.elapsed()
}

/// 1. From launch to the first frame that shows products.
fn startup(rows: &mut Vec<Row>) {
    let mut times = Vec::new();
    for _ in 0..10 {
        let started = Instant::now();
        let mut t = Tui::spawn(&["--demo"], 30, 100);
        t.wait_for("web-prod-01");
        times.push(ms(started.elapsed()));
        t.send("q");
        t.wait_exit();
    }
    let m = median(times.clone());
    rows.push(Row {
        what: "start-up: `sctui --demo` to the first frame with products (median of 10)".into(),
        budget: "< 150 ms".into(),
        measured: format!("{m:.1} ms (p95 {:.1} ms)", p95(times)),
        ok: m < 150.0,
    });
}

/// 2. A 10,000-product catalog: first page on screen, all loaded, keys answered while loading.
async fn large_catalog(rows: &mut Vec<Row>) -> App {
    let emu = emulator::start_local(world(10_000), Options::default()).await.expect("emulator");
    let client = CatalogClient::demo(&emu.url(), "eu-west-1", &ClientSettings::default());
    let mut term = Terminal::new(TestBackend::new(200, 50)).expect("terminal");
    let mut app = bench_app(client.target.clone());
    let (mut rt, mut rx) = Runtime::new(Connection::Ready(client), None, false);
    let ready = Instant::now();
    for e in app.start() {
        rt.run(e, &mut NullHost);
    }
    let mut first_page = None;
    let mut key_times = Vec::new();
    while !app.list.loading.done {
        let a = rx.recv().await.expect("action");
        let is_page = matches!(a, Action::ProductsPage { .. });
        step(&mut app, &mut rt, &mut NullHost, a);
        if is_page {
            draw(&mut term, &app);
            if first_page.is_none() {
                first_page = Some(ready.elapsed());
            }
            // A key between pages: how long until its frame is drawn.
            let k = Instant::now();
            step(&mut app, &mut rt, &mut NullHost, down());
            draw(&mut term, &app);
            key_times.push(ms(k.elapsed()));
        }
    }
    let all = ready.elapsed();
    let first = first_page.unwrap_or_default();
    rows.push(Row {
        what: "10,000 products: first page on screen after the client is ready".into(),
        budget: "< 100 ms".into(),
        measured: format!("{:.1} ms", ms(first)),
        ok: first < Duration::from_millis(100),
    });
    rows.push(Row {
        what: format!("10,000 products: all loaded ({} products, {} pages)", app.list.len(), app.list.loading.pages),
        budget: "< 2 s".into(),
        measured: format!("{:.0} ms", ms(all)),
        ok: all < Duration::from_secs(2),
    });
    let worst = key_times.iter().cloned().fold(0.0, f64::max);
    rows.push(Row {
        what: "10,000 products: a key pressed while pages load, to its frame (worst)".into(),
        budget: "answers while loading".into(),
        measured: format!("{worst:.2} ms worst, {:.2} ms median", median(key_times)),
        ok: worst < 50.0,
    });
    // 7a. Actions fetched once per distinct (product, version), not per product: walk 500 rows.
    for _ in 0..500 {
        step(&mut app, &mut rt, &mut NullHost, down());
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while app.list.actions.values().any(|f| matches!(f, Fetch::Loading)) && Instant::now() < deadline {
        if let Ok(Some(a)) = tokio::time::timeout(Duration::from_millis(200), rx.recv()).await {
            step(&mut app, &mut rt, &mut NullHost, a);
        }
    }
    let lists = emu.stats().requests.get("ListServiceActionsForProvisioningArtifact").copied().unwrap_or(0);
    let visited = app.list.actions.len();
    rows.push(Row {
        what: format!("ListServiceActionsForProvisioningArtifact after visiting {} products", app.list.selected + 1),
        budget: "once per distinct (product, version)".into(),
        measured: format!("{lists} calls for {visited} distinct versions"),
        ok: lists as usize == visited,
    });
    app
}

fn synthetic(n: usize) -> Vec<ProvisionedProduct> {
    let statuses = [ProductStatus::Available, ProductStatus::Tainted, ProductStatus::Error, ProductStatus::UnderChange];
    (0..n)
        .map(|i| ProvisionedProduct {
            name: format!("svc-{}-{i:06}", ["web", "db", "cache", "api"][i % 4]),
            id: format!("pp-{i:013}"),
            kind: Some("CFN_STACK".into()),
            status: Some(statuses[i % 4].clone()),
            product_id: Some(format!("prod-{:013}", i % 6)),
            product_name: Some(["EC2 Web Server", "RDS PostgreSQL", "Redis", "ECS Service"][i % 4].into()),
            provisioning_artifact_id: Some(format!("pa-{:013}", i % 11)),
            provisioning_artifact_name: Some("v1.4.0".into()),
            last_record_id: Some(format!("rec-{i:013}")),
            created_time: Some(Timestamp(1.7e9 + i as f64)),
            tags: vec![Tag { key: "env".into(), value: ["prod", "staging"][i % 2].into() }],
            ..Default::default()
        })
        .collect()
}

fn down() -> Action {
    Action::Key(crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Down))
}

/// The App as the TUI makes it, with counted ids and no bell.
fn bench_app(target: sctui::catalog::Target) -> App {
    let mut app = App::new(Theme::plain_unicode(), target, Timestamp::now(), Box::new(CountedIds::default()));
    app.session.settings.bell = false;
    app.with_client_ready()
}

fn app_with(products: Vec<ProvisionedProduct>) -> App {
    let mut app = bench_app(sctui::catalog::Target { demo: true, ..Default::default() });
    app.start();
    let n = products.len() as i32;
    update(
        &mut app,
        Action::ProductsPage {
            generation: 1,
            cell: None,
            page: Page { items: products, next_token: None, total: Some(n) },
        },
    );
    app
}

/// 3. Render and filter costs.
fn render(rows: &mut Vec<Row>) {
    let app = app_with(synthetic(10_000));
    let mut term = Terminal::new(TestBackend::new(200, 50)).expect("terminal");
    draw(&mut term, &app);
    let frames: Vec<f64> = (0..300).map(|_| ms(draw(&mut term, &app))).collect();
    let m = median(frames.clone());
    rows.push(Row {
        what: "one full frame of the products screen, 10,000 products, 200x50 (median of 300)".into(),
        budget: "< 2 ms".into(),
        measured: format!("{m:.3} ms (p95 {:.3} ms)", p95(frames)),
        ok: m < 2.0,
    });
    for (n, budget) in [(10_000usize, 10.0), (100_000, 50.0)] {
        let mut app = app_with(synthetic(n));
        let mut term = Terminal::new(TestBackend::new(200, 50)).expect("terminal");
        update(&mut app, Action::Key(crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Char('/'))));
        draw(&mut term, &app);
        let mut times = Vec::new();
        // Type "web-0", then erase it, over and over: every keystroke re-filters and redraws.
        for _ in 0..6 {
            for c in "web-0".chars() {
                let t = Instant::now();
                update(&mut app, Action::Key(crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Char(c))));
                draw(&mut term, &app);
                times.push(ms(t.elapsed()));
            }
            for _ in 0..5 {
                let t = Instant::now();
                update(&mut app, Action::Key(crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Backspace)));
                draw(&mut term, &app);
                times.push(ms(t.elapsed()));
            }
        }
        let worst = times.iter().cloned().fold(0.0, f64::max);
        rows.push(Row {
            what: format!("filter keystroke to the updated frame, {n} products (worst of {})", times.len()),
            budget: format!("< {budget:.0} ms"),
            measured: format!("{worst:.2} ms worst, {:.2} ms median", median(times)),
            ok: worst < budget,
        });
    }
}

/// 5b. Bytes written for one status change of a run on screen.
fn status_change_bytes(rows: &mut Vec<Row>) {
    let mut app = app_with(synthetic(50));
    // Open a form on the first product and start a run, as an operator would.
    let key = app.list.selected_product().and_then(sctui::tui::screen::browse::actions_key).expect("product");
    let action = sctui::domain::ServiceAction {
        id: "act-1".into(),
        name: "AWS-RestartEC2Instance".into(),
        ..Default::default()
    };
    update(&mut app, Action::ActionsLoaded { key, result: Ok(std::sync::Arc::new(vec![action])) });
    update(&mut app, Action::Key(crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Tab)));
    update(&mut app, Action::Key(crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Enter)));
    let pp_id = app.list.selected_product().map(|p| p.id.clone()).unwrap_or_default();
    let param = sctui::domain::ExecutionParameter {
        name: "InstanceId".into(),
        kind: "TARGET".into(),
        default_values: vec!["i-1".into()],
    };
    update(
        &mut app,
        Action::FormLoaded {
            pp_id,
            action_id: "act-1".into(),
            result: Ok((vec![param], Default::default())),
            definition_missing: None,
        },
    );
    update(
        &mut app,
        Action::Key(crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char('s'),
            crossterm::event::KeyModifiers::CONTROL,
        )),
    );
    let effects = update(&mut app, Action::Key(crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Char('y'))));
    let Some(sctui::tui::effect::Effect::Execute { run, .. }) = effects.first().cloned() else { return };
    let created = RecordDetail {
        record_id: "rec-abcdefghijklm".into(),
        status: Some(RecordStatus::Created),
        created_time: Some(Timestamp(1.0)),
        ..Default::default()
    };
    update(&mut app, Action::RunSubmitted { run, record: created.clone() });
    let written = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut term = Terminal::new(CrosstermBackend::new(Counter(written.clone()))).expect("terminal");
    term.resize(ratatui::layout::Rect::new(0, 0, 120, 40)).expect("size");
    term.draw(|f| view::render(&app, f)).expect("draw");
    let full = written.swap(0, std::sync::atomic::Ordering::SeqCst);
    let in_progress =
        RecordDetail { status: Some(RecordStatus::InProgress), updated_time: Some(Timestamp(2.0)), ..created };
    update(&mut app, Action::RecordPolled { run, result: Ok((in_progress, vec![])) });
    term.draw(|f| view::render(&app, f)).expect("draw");
    let update_bytes = written.load(std::sync::atomic::Ordering::SeqCst);
    rows.push(Row {
        what: "a run changing status (CREATED to IN_PROGRESS), bytes written for that frame at 120x40".into(),
        budget: "< 2 KB".into(),
        measured: format!("{update_bytes} B (a full first frame is {full} B)"),
        ok: update_bytes < 2048,
    });
}

/// Counts the bytes a terminal backend writes.
struct Counter(std::sync::Arc<std::sync::atomic::AtomicUsize>);

impl std::io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.fetch_add(buf.len(), std::sync::atomic::Ordering::SeqCst);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    f.get(11).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0)
        + f.get(12).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0)
}

fn rss_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .unwrap_or(0.0)
        / 1024.0
}

fn cpu_percent(t: &Tui, secs: u64) -> f64 {
    let pid = t.child.process_id().unwrap_or(0);
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    let a = cpu_ticks(pid);
    std::thread::sleep(Duration::from_secs(secs));
    let b = cpu_ticks(pid);
    (b - a) as f64 / hz / secs as f64 * 100.0
}

/// 4, 5a, 6: memory, idle bandwidth and CPU of the real binary in a pseudo-terminal, on a live
/// connection to an emulator of its own (so the emulator's own memory is not counted).
fn process_budgets(rows: &mut Vec<Row>, rt: &tokio::runtime::Runtime) {
    for (scale, budget) in [(10_000usize, 60.0), (100_000, 300.0)] {
        let emu = rt.block_on(emulator::start_local(world(scale), Options::default())).expect("emulator");
        let cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_sctui"));
        let url = emu.url();
        // STS at the emulator too, as a real session's STS answers: an unreachable one would
        // change the header (identity unknown) seconds later, inside the idle window.
        let env = [
            ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
            ("AWS_SECRET_ACCESS_KEY", "bench-secret"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
            ("AWS_ENDPOINT_URL_STS", url.as_str()),
        ];
        let t = Tui::spawn_with(cmd, &["--endpoint-url", &url, "--region", "eu-west-1", "--no-bell"], 40, 160, &env);
        let total = world(scale).provisioned_products.len();
        let started = Instant::now();
        t.wait_for_timeout(&format!("Products {total} "), Duration::from_secs(120));
        let loaded = started.elapsed();
        let pid = t.child.process_id().unwrap_or(0);
        std::thread::sleep(Duration::from_millis(500));
        let rss = rss_mb(pid);
        rows.push(Row {
            what: format!(
                "memory (RSS) with {total} products loaded (live client, {:.1} s to load all)",
                loaded.as_secs_f64()
            ),
            budget: format!("< {budget:.0} MB"),
            measured: format!("{rss:.1} MB"),
            ok: rss < budget,
        });
        if scale == 10_000 {
            // Idle: nothing running, nothing loading.
            let before = *t.bytes.lock().expect("bytes");
            let cpu = cpu_percent(&t, 10);
            let idle_bytes = *t.bytes.lock().expect("bytes") - before;
            rows.push(Row {
                what: "idle: bytes written to the terminal over 10 s".into(),
                budget: "0 B".into(),
                measured: format!("{idle_bytes} B"),
                ok: idle_bytes == 0,
            });
            rows.push(Row {
                what: "idle: CPU over 10 s".into(),
                budget: "< 1 % of a core".into(),
                measured: format!("{cpu:.2} %"),
                ok: cpu < 1.0,
            });
        }
        drop(t);
        drop(emu);
    }
    // One run being polled (AWS-CreateImage, 45 s): CPU while it is IN_PROGRESS.
    let mut t = Tui::spawn(&["--demo", "--no-bell"], 30, 120);
    t.wait_for("web-prod-01");
    t.send("\t");
    t.wait_for("AWS-CreateImage");
    t.send("jjj\r");
    t.wait_for("add a resource (Enter)");
    t.send("\x13");
    t.wait_for("Execute (y)");
    t.send("y");
    t.wait_for("IN_PROGRESS");
    let before = *t.bytes.lock().expect("bytes");
    let cpu = cpu_percent(&t, 10);
    let polled_bytes = *t.bytes.lock().expect("bytes") - before;
    rows.push(Row {
        what: format!("one run being polled (spinner at 4 Hz): CPU over 10 s ({polled_bytes} B written)"),
        budget: "< 2 % of a core".into(),
        measured: format!("{cpu:.2} %"),
        ok: cpu < 2.0,
    });
}

/// 7b. DescribeRecord calls for a 60-second run.
async fn polls_for_a_minute(rows: &mut Vec<Row>) {
    // AWS-CreateImage takes 45 s; a time scale of 4/3 makes it 60 s.
    let emu = emulator::start_local(world(0), Options { time_scale: 60.0 / 45.0, ..Default::default() })
        .await
        .expect("emulator");
    let client = CatalogClient::demo(&emu.url(), "eu-west-1", &ClientSettings::default());
    let web = client.product("web-prod-01").await.expect("product");
    let (prod, ver) = web.artifact_key().expect("version");
    let actions = client.actions(&prod, &ver).await.expect("actions");
    let image = actions.iter().find(|a| a.name == "AWS-CreateImage").expect("AWS-CreateImage").clone();
    let runner = sctui::runs::Runner::new(client, None, false);
    let spec = sctui::runs::RunSpec::new(sctui::runs::new_id(), &web, &image, None, sctui::runs::new_id());
    let started = Instant::now();
    let end = runner.run(&spec, &mut |_| {}).await.expect("run");
    let took = started.elapsed();
    let polls = emu.stats().requests.get("DescribeRecord").copied().unwrap_or(0);
    rows.push(Row {
        what: format!(
            "DescribeRecord calls for a {:.0}-second run (ended {})",
            took.as_secs_f64(),
            end.status.map(|s| s.to_string()).unwrap_or_default()
        ),
        budget: "<= 20".into(),
        measured: format!("{polls}"),
        ok: polls <= 20,
    });
}

/// 7c. A batch of 200 against Service Catalog's rate limits (the emulator's `--rate-limit 5`: 5
/// calls per second per operation): the shared client-side limit keeps it from throttling itself.
async fn throttled_batch(rows: &mut Vec<Row>) {
    const RUNS: usize = 200;
    const TPS: f64 = 5.0;
    // 1,100 synthetic products hold exactly 200 named ec2-web-*, each with AWS-RestartEC2Instance.
    let options = Options { time_scale: 0.02, rate_limit: Some(TPS), ..Default::default() };
    let emu = emulator::start_local(world(1100), options).await.expect("emulator");
    let (url, home) = (emu.url(), tempfile::tempdir().expect("dir"));
    let started = Instant::now();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_sctui"))
            .env_clear()
            .env("HOME", home.path())
            .env("XDG_STATE_HOME", home.path())
            .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
            .env("AWS_SECRET_ACCESS_KEY", "bench-secret")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:1")
            .args(["--endpoint-url", &url, "--region", "eu-west-1", "-o", "json"])
            .args(["batch", "AWS-RestartEC2Instance", "--query", "name:ec2-web-*", "--yes", "--wait"])
            .args(["--concurrency", "64"])
            .output()
            .expect("sctui batch")
    })
    .await
    .expect("join");
    let took = started.elapsed().as_secs_f64();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    let runs = v["Runs"].as_array().cloned().unwrap_or_default();
    let failed = runs.iter().filter(|r| r["Status"] != "SUCCEEDED").count() + RUNS.saturating_sub(runs.len());
    let stats = emu.stats();
    let requests: u64 = stats.requests.values().sum();
    let throttled: u64 = stats.throttled.values().sum();
    let share = throttled as f64 / requests.max(1) as f64 * 100.0;
    let bound = 1.3 * RUNS as f64 / TPS;
    rows.push(Row {
        what: format!(
            "`sctui batch` of {RUNS} products against `--rate-limit 5 --time-scale 0.02`: failed runs / throttled answers / wall time ({requests} requests, exit {})",
            out.status.code().unwrap_or(-1)
        ),
        budget: format!("0 / <= 5 % / <= {bound:.0} s"),
        measured: format!("{failed} / {share:.1} % ({throttled}) / {took:.1} s"),
        ok: failed == 0 && share <= 5.0 && took <= bound && runs.len() == RUNS,
    });
}

/// 7d. Keys over a slow link: a burst of 50 keys is drawn in a few frames, and one step down a
/// 1,000-row list writes what changed.
fn key_bursts(rows: &mut Vec<Row>) {
    let frames = |raw: &[u8]| raw.windows(8).filter(|w| w == b"\x1b[?2026h").count();
    let mut t = Tui::spawn(&["--demo", "--scale", "1000"], 40, 120);
    t.wait_for("Products 1023");
    t.wait_for("AWS-RestartEC2Instance v1");
    // Visit the first 60 products once so that their actions are known (as after a minute of use).
    for _ in 0..60 {
        t.send("j");
    }
    t.send("g");
    t.wait_for("> web-prod-01");
    let settle = |t: &Tui| {
        // Until nothing more is written for 300 ms (at most 5 s).
        let deadline = Instant::now() + Duration::from_secs(5);
        let mut last = t.raw.lock().unwrap().len();
        let mut quiet_since = Instant::now();
        while Instant::now() < deadline && quiet_since.elapsed() < Duration::from_millis(300) {
            std::thread::sleep(Duration::from_millis(20));
            let now = t.raw.lock().unwrap().len();
            if now != last {
                last = now;
                quiet_since = Instant::now();
            }
        }
        last
    };
    let before = settle(&t);
    t.send(&"j".repeat(50));
    let after = settle(&t);
    let drawn = frames(&t.raw.lock().unwrap()[before..after]);
    rows.push(Row {
        what: "50 keys sent at once (j on a 1,023-product list, actions already known): frames drawn".into(),
        budget: "<= 3".into(),
        measured: format!("{drawn}"),
        ok: drawn <= 3,
    });
    let mut steps = Vec::new();
    for _ in 0..20 {
        let before = settle(&t);
        t.send("j");
        steps.push((settle(&t) - before) as f64);
    }
    let bytes = median(steps.clone());
    rows.push(Row {
        what: "one step down a 1,023-product list at 120x40 (j; the actions pane changes with the product): bytes written, median of 20".into(),
        budget: "<= 1 KB".into(),
        measured: format!("{bytes:.0} B (max {:.0} B)", steps.iter().copied().fold(0.0, f64::max)),
        ok: bytes <= 1024.0,
    });
    t.send("q");
}

/// 8. `sctui exec … --wait` against the AWS CLI doing the same, on records that end at once.
fn versus_aws_cli(rows: &mut Vec<Row>) {
    let aws = std::process::Command::new("aws").arg("--version").output();
    if aws.is_err() {
        rows.push(Row {
            what: "sctui exec --wait vs the AWS CLI".into(),
            budget: ">= 10x faster".into(),
            measured: "skipped: no `aws` (pip install awscli)".into(),
            ok: true,
        });
        return;
    }
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_sctui"))
        .args(["--time-scale", "0", "emulator", "--listen", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("emulator");
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(server.stdout.take().expect("stdout")), &mut line)
        .expect("address");
    let url = line.trim().trim_start_matches("listening on ").to_string();
    let env = [
        ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", "bench-secret"),
        ("AWS_DEFAULT_REGION", "eu-west-1"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ];
    let journal = tempfile::tempdir().expect("dir");
    let (pp, act) = ("pp-6y61928a94txg", "act-58tx34ou66v7u");
    let mut sctui_times = Vec::new();
    let mut cli_times = Vec::new();
    for i in 0..10 {
        let t = Instant::now();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_sctui"))
            .envs(env)
            .env("XDG_STATE_HOME", journal.path())
            .args(["--endpoint-url", &url, "--region", "eu-west-1", "exec", pp, act, "--wait", "-o", "json"])
            .output()
            .expect("sctui");
        sctui_times.push(ms(t.elapsed()));
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let t = Instant::now();
        let script = format!(
            "rec=$(aws --endpoint-url {url} servicecatalog execute-provisioned-product-service-action --provisioned-product-id {pp} --service-action-id {act} --execute-token cli-{i}-{} --query RecordDetail.RecordId --output text) && \
             while :; do s=$(aws --endpoint-url {url} servicecatalog describe-record --id \"$rec\" --query RecordDetail.Status --output text); \
             case $s in SUCCEEDED|FAILED) break;; esac; sleep 1; done",
            std::process::id()
        );
        let out = std::process::Command::new("bash").arg("-c").arg(script).envs(env).output().expect("aws");
        cli_times.push(ms(t.elapsed()));
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let _ = server.kill();
    let _ = server.wait();
    let (s, c) = (median(sctui_times), median(cli_times));
    rows.push(Row {
        what: "execute and wait for the end, records ending at once: `sctui exec --wait` vs AWS CLI execute + describe-record loop (median of 10)".into(),
        budget: ">= 10x faster".into(),
        measured: format!("sctui {s:.0} ms, AWS CLI {c:.0} ms: {:.1}x", c / s),
        ok: c / s >= 10.0,
    });
}

/// Peak memory (VmHWM) of a process, in MB; 0 once it is gone.
fn peak_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .unwrap_or(0.0)
        / 1024.0
}

/// Budget 9, a fleet: 3 accounts in 2 regions with 2,000 products in each cell, signed in through
/// `sctui login` (SSO). The TUI over the fleet (`sctui --fleet`, in a pseudo-terminal, from the
/// process's start: the SSO accounts and roles, each cell's role credentials, every cell's pages):
/// its first rows on screen, every cell answered, its peak memory. Then `sctui products --fleet`,
/// the same listing for scripts, start to end.
fn fleet_listing(rows: &mut Vec<Row>, rt: &tokio::runtime::Runtime) {
    let mut w = world(0);
    w.scale_fleet(2000);
    let total = w.provisioned_products.len();
    let options = Options { sso_approve_after: Some(0.0), ..Default::default() };
    let emu = rt.block_on(emulator::start_local(w, options)).expect("emulator");
    let url = emu.url();
    let home = tempfile::tempdir().expect("home");
    std::fs::create_dir_all(home.path().join(".aws")).expect("dir");
    std::fs::write(
        home.path().join(".aws/config"),
        "[profile ops]\nsso_session = corp\nregion = eu-west-1\n\n[sso-session corp]\nsso_start_url = https://example.awsapps.com/start\nsso_region = eu-west-1\n",
    )
    .expect("config");
    let home_str = home.path().to_str().expect("utf-8").to_string();
    let state = home.path().join("state").to_str().expect("utf-8").to_string();
    let env: Vec<(&str, &str)> = vec![
        ("HOME", &home_str),
        ("XDG_STATE_HOME", &state),
        ("AWS_EC2_METADATA_DISABLED", "true"),
        ("AWS_ENDPOINT_URL_SSO_OIDC", &url),
        ("AWS_ENDPOINT_URL_SSO", &url),
        ("AWS_ENDPOINT_URL_SERVICE_CATALOG", &url),
        ("AWS_ENDPOINT_URL_STS", &url),
        ("AWS_ENDPOINT_URL_SSM", &url),
    ];
    let bin = || CommandBuilder::new(env!("CARGO_BIN_EXE_sctui"));
    let mut login = Tui::spawn_with(bin(), &["--profile", "ops", "login"], 40, 120, &env);
    assert!(login.wait_exit().success(), "login: {}", login.screen());
    let spec = "role=OpsAdmin regions=eu-west-1,us-east-1";

    // The TUI: first rows, every cell, peak memory.
    let started = Instant::now();
    let mut t = Tui::spawn_with(bin(), &["--profile", "ops", "--fleet", spec], 50, 200, &env);
    let pid = t.child.process_id().expect("pid");
    let mut peak: f64 = 0.0;
    let (mut first, mut all) = (None, None);
    let want = format!("Products {total} ");
    let deadline = Instant::now() + Duration::from_secs(30);
    while all.is_none() && Instant::now() < deadline {
        let screen = t.screen();
        if first.is_none() && screen.contains("ACCOUNT") {
            first = Some(started.elapsed());
        }
        if screen.contains(" · 6 cells answered (3 accounts)") && screen.contains(&want) {
            all = Some(started.elapsed());
        }
        peak = peak.max(peak_mb(pid));
        std::thread::sleep(Duration::from_millis(1));
    }
    let (first, all) = (first.expect("first rows"), all.unwrap_or_else(|| panic!("every cell: {}", t.screen())));
    t.send("q");
    t.wait_exit();
    rows.push(Row {
        what: format!("fleet TUI, 3 accounts x 2 regions, {total} products (SSO, `sctui --fleet`): first rows on screen from the process's start"),
        budget: "<= 150 ms".into(),
        measured: format!("{:.0} ms", ms(first)),
        ok: ms(first) <= 150.0,
    });
    rows.push(Row {
        what: "fleet TUI: every cell answered and listed".into(),
        budget: "<= 3 s".into(),
        measured: format!("{:.2} s", all.as_secs_f64()),
        ok: all <= Duration::from_secs(3),
    });
    rows.push(Row {
        what: "fleet TUI: peak memory (VmHWM) of the process".into(),
        budget: "<= 120 MB".into(),
        measured: format!("{peak:.1} MB"),
        ok: peak > 0.0 && peak <= 120.0,
    });

    // The same listing for scripts, start to end.
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_sctui"));
    cmd.env_clear().env("PATH", std::env::var_os("PATH").unwrap_or_default());
    for (k, v) in &env {
        cmd.env(k, v);
    }
    let started = Instant::now();
    let out = cmd.args(["--profile", "ops", "products", "--fleet", spec]).output().expect("sctui");
    let took = started.elapsed();
    let listed = String::from_utf8_lossy(&out.stdout).into_owned();
    let tail = listed.lines().last().unwrap_or_default().to_string();
    assert!(out.status.success() && tail.contains(&format!("{total} provisioned products in 6 of 6 cells")), "{tail}");
    rows.push(Row {
        what: "fleet: `sctui products --fleet`, every cell listed (the process, start to end)".into(),
        budget: "<= 3 s".into(),
        measured: format!("{:.2} s", took.as_secs_f64()),
        ok: took <= Duration::from_secs(3),
    });
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` would pass nothing useful: run only under bench.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let only = std::env::var("SCTUI_BUDGETS").unwrap_or_default();
    let want = |name: &str| only.is_empty() || only.split(',').any(|o| o == name);
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let mut rows = Vec::new();
    if want("startup") {
        startup(&mut rows);
    }
    if want("catalog") {
        rt.block_on(large_catalog(&mut rows));
    }
    if want("render") {
        render(&mut rows);
        status_change_bytes(&mut rows);
    }
    if want("process") {
        process_budgets(&mut rows, &rt);
    }
    if want("polls") {
        rt.block_on(polls_for_a_minute(&mut rows));
    }
    if want("keys") {
        key_bursts(&mut rows);
    }
    if want("batch") {
        rt.block_on(throttled_batch(&mut rows));
    }
    if want("cli") {
        versus_aws_cli(&mut rows);
    }
    if want("fleet") {
        fleet_listing(&mut rows, &rt);
    }
    println!("\n| budget | target | measured | |\n|---|---|---|---|");
    std::io::Write::flush(&mut std::io::stdout()).ok();
    for r in &rows {
        println!("| {} | {} | {} | {} |", r.what, r.budget, r.measured, if r.ok { "ok" } else { "MISSED" });
    }
    if rows.iter().any(|r| !r.ok) {
        std::process::exit(1);
    }
}
