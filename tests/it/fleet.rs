//! Issue 14: one emulator, many accounts and regions. Each request is served by the cell of its
//! caller's account and its signing region, through the unmodified SDKs.

use crate::support::*;
use sctui::catalog::{CatalogClient, ProductQuery};
use sctui::tui::runbook::RunPhase;
use std::time::Duration;

pub const DEV: &str = "AKIADEMODEVADMIN0001";
pub const STAGING: &str = "AKIADEMOSTGADMIN0001";

fn as_in(emu: &sctui::emulator::Emulator, key: &str, region: &str) -> CatalogClient {
    CatalogClient::demo_as(&emu.url(), region, &fast_settings(1), key)
}

async fn names(c: &CatalogClient) -> Vec<String> {
    let q = ProductQuery { page_size: 100, ..Default::default() };
    let mut v: Vec<String> = c.all_products(&q).await.unwrap().0.into_iter().map(|p| p.name).collect();
    v.sort();
    v
}

#[tokio::test]
async fn each_account_and_region_is_its_own_cell() {
    let emu = emulator(0.0).await;
    let admin = sctui::catalog::connect::DEMO_ACCESS_KEY;
    let prod_eu = names(&as_in(&emu, admin, "eu-west-1")).await;
    assert_eq!(prod_eu.len(), 23, "the world's own account and region, as before");
    assert_eq!(names(&as_in(&emu, admin, "us-east-1")).await.len(), 4);
    let dev_eu = names(&as_in(&emu, DEV, "eu-west-1")).await;
    assert_eq!(dev_eu, ["checkout-api-dev", "orders-db-dev", "sessions-cache-dev", "web-dev-01", "web-dev-02"]);
    assert_eq!(names(&as_in(&emu, STAGING, "us-east-1")).await, ["analytics-db-staging-use1", "web-staging-use1-01"]);
    // A region with nothing there: an empty list, as AWS answers.
    assert!(names(&as_in(&emu, DEV, "ap-southeast-2")).await.is_empty());
    // Who the caller is, by account.
    let (account, arn) = as_in(&emu, DEV, "eu-west-1").caller_identity().await.unwrap();
    assert_eq!((account.as_str(), arn.as_str()), ("210987654321", "arn:aws:iam::210987654321:user/demo-operator"));
    // The same product names, different products: each cell has its own records.
    let dev = as_in(&emu, DEV, "eu-west-1");
    let pp = pp_id(&dev, "web-dev-01").await;
    let act = action_id(&dev, &pp, RESTART).await;
    let rec = dev.execute(&pp, &act, None, &uuid::Uuid::new_v4().to_string()).await.unwrap();
    assert!(as_in(&emu, admin, "eu-west-1").record(&rec.record_id).await.is_err(), "not in prod's cell");
    assert!(dev.record(&rec.record_id).await.is_ok());
    let stats = emu.stats();
    assert_eq!(stats.executions_by_account.get("210987654321"), Some(&1));
    assert_eq!(stats.executions_by_account.get("123456789012"), None);
}

/// An SSO home (`sso_home`) signed in through the emulator, which must approve logins at once.
pub async fn signed_in_home(emu: &sctui::emulator::Emulator) -> tempfile::TempDir {
    let home = sso_home();
    // The emulator approves at once (sso_approve_after 0): no one has to click.
    let mut login = fleet_cmd(emu, home.path(), &["--profile", "dev", "login"]);
    let out = tokio::task::spawn_blocking(move || login.output().unwrap()).await.unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    home
}

/// sctui with a clean environment whose AWS endpoints are all the emulator's.
pub fn fleet_cmd(emu: &sctui::emulator::Emulator, home: &std::path::Path, args: &[&str]) -> std::process::Command {
    let mut cmd = sctui(home);
    for var in [
        "AWS_ENDPOINT_URL_SSO_OIDC",
        "AWS_ENDPOINT_URL_SSO",
        "AWS_ENDPOINT_URL_SERVICE_CATALOG",
        "AWS_ENDPOINT_URL_STS",
        "AWS_ENDPOINT_URL_SSM",
    ] {
        cmd.env(var, emu.url());
    }
    cmd.env_remove("AWS_ACCESS_KEY_ID").env_remove("AWS_SECRET_ACCESS_KEY").args(args);
    cmd
}

async fn run(emu: &sctui::emulator::Emulator, home: &std::path::Path, args: &[&str]) -> std::process::Output {
    let mut cmd = fleet_cmd(emu, home, args);
    tokio::task::spawn_blocking(move || cmd.output().unwrap()).await.unwrap()
}

/// Issue 14: `products --fleet`: one table over every account and region of the SSO session,
/// each cell with its own role credentials; a cell or account that fails is named, the others
/// still listed.
#[tokio::test]
async fn products_across_a_fleet_of_sso_accounts_and_regions() {
    let options = sctui::emulator::Options { time_scale: 0.0, sso_approve_after: Some(0.0), ..Default::default() };
    let emu = sctui::emulator::start_local(world(0), options).await.unwrap();
    let home = signed_in_home(&emu).await;
    let spec = "role=OpsAdmin regions=eu-west-1,us-east-1";
    let out = run(&emu, home.path(), &["--profile", "dev", "products", "--fleet", spec, "-o", "json"]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut per_cell = std::collections::BTreeMap::new();
    for p in v["ProvisionedProducts"].as_array().unwrap() {
        *per_cell
            .entry((p["AccountName"].as_str().unwrap().to_string(), p["Region"].as_str().unwrap().to_string()))
            .or_insert(0) += 1;
    }
    let expect = [
        (("dev", "eu-west-1"), 5),
        (("dev", "us-east-1"), 2),
        (("prod", "eu-west-1"), 23),
        (("prod", "us-east-1"), 4),
        (("staging", "eu-west-1"), 4),
        (("staging", "us-east-1"), 2),
    ];
    let expect: std::collections::BTreeMap<(String, String), i32> =
        expect.iter().map(|((a, r), n)| ((a.to_string(), r.to_string()), *n)).collect();
    assert_eq!(per_cell, expect);
    assert_eq!(v["Cells"].as_array().unwrap().len(), 6);
    // The table, with each cell's answer on stderr as it came.
    let out = run(&emu, home.path(), &["--profile", "dev", "products", "--fleet", spec]).await;
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(stdout.contains("40 provisioned products in 6 of 6 cells"), "{stdout}");
    assert!(stdout.lines().any(|l| l.starts_with("dev") && l.contains("210987654321") && l.contains("web-dev-01")));
    assert!(stderr.contains("staging (345678901234) us-east-1: 2 products"), "{stderr}");
    // A role only prod offers, and an account the session does not have: named, the rest shown.
    let spec = "role=ServiceCatalogEndUser regions=eu-west-1 accounts=prod,dev,nosuch";
    let out = run(&emu, home.path(), &["--profile", "dev", "products", "--fleet", spec]).await;
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(stderr.contains("account 210987654321 (dev): no role ServiceCatalogEndUser"), "{stderr}");
    assert!(stderr.contains("account nosuch: not offered by the SSO session"), "{stderr}");
    assert!(stdout.contains("in 1 of 1 cells"), "prod's own products, at the user level: {stdout}");
    // A bad spec is refused before anything is sent.
    let out = run(&emu, home.path(), &["--profile", "dev", "products", "--fleet", "role=OpsAdmin"]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("a fleet needs regions"));
}

/// Issue 14: one action on the matching products of every account and region of a fleet: each
/// run through its own account's role credentials, exactly one execution per product in its
/// own account, one journal that says where each run went; production accounts ask first.
#[tokio::test]
async fn a_batch_across_a_fleet_runs_once_per_product_in_its_own_account() {
    let options = sctui::emulator::Options { time_scale: 0.0, sso_approve_after: Some(0.0), ..Default::default() };
    let emu = sctui::emulator::start_local(world(0), options).await.unwrap();
    let home = signed_in_home(&emu).await;
    let journal = home.path().join("journal.jsonl");
    let journal_arg = journal.to_str().unwrap();
    let spec = "role=OpsAdmin regions=eu-west-1,us-east-1";
    let args = [
        "--profile",
        "dev",
        "--journal",
        journal_arg,
        "batch",
        RESTART,
        "--fleet",
        spec,
        "--query",
        "web",
        "--yes",
        "--wait",
    ];
    let out = run(&emu, home.path(), &[&args[..], &["-o", "json"]].concat()).await;
    let stderr = text(&out.stderr);
    assert!(out.status.code() == Some(0) || out.status.code() == Some(1), "{stderr}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let runs = v["Runs"].as_array().unwrap();
    let started: Vec<&serde_json::Value> = runs.iter().filter(|r| r["RecordId"].is_string()).collect();
    assert!(started.len() >= 6, "web products in every cell: {runs:#?}");
    // Exactly one execution per product that ran, counted in its own account.
    let mut per_account = std::collections::BTreeMap::<String, u64>::new();
    for r in &started {
        let cell = r["Cell"].as_str().unwrap();
        let id = cell.split(['(', ')']).nth(1).unwrap().to_string();
        *per_account.entry(id).or_default() += 1;
        assert_eq!(r["Status"], "SUCCEEDED", "{r}");
    }
    assert_eq!(emu.stats().executions_by_account, per_account);
    assert_eq!(per_account.len(), 3, "three accounts: {per_account:?}");
    // The journal says where each run went and with which role.
    let (events, _) = sctui::runs::journal::Journal::read(&journal).unwrap();
    let journaled = sctui::runs::journal::runs(&events);
    assert_eq!(
        journaled.len(),
        runs.len() - runs.iter().filter(|r| r["Status"] == "NOT_STARTED" && r["RecordId"].is_null()).count()
    );
    assert!(
        journaled.iter().all(|r| r.account.is_some() && r.role.as_deref() == Some("OpsAdmin") && r.region.is_some())
    );
    assert!(journaled.iter().all(|r| r.outcome.is_some()), "every run ended");
    let listed = run(&emu, home.path(), &["--journal", journal_arg, "runs"]).await;
    let table = text(&listed.stdout);
    assert!(table.contains("ACCOUNT") && table.contains("REGION"), "{table}");
    assert!(table.lines().any(|l| l.contains("345678901234") && l.contains("us-east-1")), "{table}");
    // Production: prod is named in the config, so the whole batch asks for the count.
    let config_dir = home.path().join("sctui-config");
    std::fs::create_dir_all(&config_dir).unwrap();
    let config = config_dir.join("config.toml");
    std::fs::write(&config, "production_accounts = [\"123456789012\"]\n").unwrap();
    let before = emu.stats().executions_started;
    let guarded = [
        "--config",
        config.to_str().unwrap(),
        "--profile",
        "dev",
        "--journal",
        journal_arg,
        "batch",
        RESTART,
        "--fleet",
        spec,
        "--query",
        "web",
        "--yes",
    ];
    let out = run(&emu, home.path(), &guarded).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{stderr}");
    assert!(
        stderr.contains("PRODUCTION") && stderr.contains("prod (123456789012)") && stderr.contains("--confirm"),
        "{stderr}"
    );
    assert_eq!(emu.stats().executions_started, before, "nothing was run");
}

/// Issue 14: the SSO session ends in the middle of a fleet batch: the staging account's role
/// credentials and the token expire while its runs are in flight. The other accounts' runs end;
/// staging's stay open in the journal (never lost, never sent again); `sctui login` and `runs
/// resume` take them up with fresh credentials of their own account.
#[tokio::test]
async fn credentials_expiring_mid_batch_are_recovered_by_login_without_losing_or_repeating_a_run() {
    const STAGING: &str = "345678901234";
    let options = sctui::emulator::Options { time_scale: 10.0, sso_approve_after: Some(0.0), ..Default::default() };
    let emu = sctui::emulator::start_local(world(0), options).await.unwrap();
    let home = signed_in_home(&emu).await;
    let journal = home.path().join("journal.jsonl");
    let j = journal.to_str().unwrap().to_string();
    let spec = "role=OpsAdmin regions=eu-west-1,us-east-1";
    let common = ["--profile", "dev", "--journal", j.as_str(), "--poll-error-timeout", "2"];
    let batch =
        [&common[..], &["batch", RESTART, "--fleet", spec, "--query", "web", "--yes", "--wait", "-o", "json"]].concat();
    let mut cmd = fleet_cmd(&emu, home.path(), &batch);
    let child = tokio::task::spawn_blocking(move || cmd.output().unwrap());
    // Mid-batch: once staging's two runs are in flight, its session ends.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while emu.stats().executions_by_account.get(STAGING) != Some(&2) {
        assert!(std::time::Instant::now() < deadline, "staging's runs never started: {:?}", emu.stats());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(emu.expire_sso(STAGING) >= 1);
    // Every record in flight ends; the runs still queued behind them end at once.
    emu.set_time_scale(0.0);
    emu.advance_clock(120.0);
    let out = child.await.unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let runs = v["Runs"].as_array().unwrap().clone();
    let in_staging = |r: &serde_json::Value| r["Cell"].as_str().unwrap().contains(STAGING);
    assert!(runs.iter().filter(|r| !in_staging(r) && r["RecordId"].is_string()).all(|r| r["Status"] == "SUCCEEDED"));
    assert!(runs.iter().filter(|r| in_staging(r)).all(|r| r["Status"] == "LOST"), "{runs:#?}");
    let executed = emu.stats().executions_by_account;
    let open = || {
        let (events, _) = sctui::runs::journal::Journal::read(&journal).unwrap();
        sctui::runs::journal::runs(&events).into_iter().filter(|r| r.is_open()).count()
    };
    assert_eq!(open(), 2, "staging's runs are open, not lost");
    // Without a new login, nothing can take them up: they stay open.
    let resume = [&common[..], &["runs", "resume", "--wait"]].concat();
    let out = run(&emu, home.path(), &resume).await;
    assert_ne!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(open(), 2);
    // Signed in again, each run is followed to its end with its own account's credentials.
    let login = run(&emu, home.path(), &["--profile", "dev", "login"]).await;
    assert!(login.status.success(), "{}", text(&login.stderr));
    let out = run(&emu, home.path(), &resume).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(open(), 0, "every run ended");
    assert_eq!(emu.stats().executions_by_account, executed, "nothing was sent twice");
}

/// The demo's fleet on `emu`: each account with its administrator's keys, in each region; and,
/// when `broken`, one more cell in a region that is none (it fails; the rest list).
fn demo_fleet(emu: &sctui::emulator::Emulator, broken: bool) -> sctui::fleet::Fleet {
    let w = world(0);
    let accounts: Vec<sctui::fleet::DemoAccount> = w
        .admin_keys()
        .into_iter()
        .map(|(id, name, access_key)| sctui::fleet::DemoAccount { id, name, access_key })
        .collect();
    assert_eq!(accounts.len(), 3, "prod, dev and staging");
    let mut fleet = sctui::fleet::demo(&accounts, &w.all_regions(), &emu.url(), &fast_settings(1), None);
    if broken {
        // A cell the emulator refuses as AWS refuses a signature for a region that is none.
        let bad = sctui::fleet::DemoAccount {
            id: "999999999999".into(),
            name: "broken".into(),
            access_key: sctui::catalog::connect::DEMO_ACCESS_KEY.into(),
        };
        fleet.cells.extend(sctui::fleet::demo(&[bad], &["nowhere".into()], &emu.url(), &fast_settings(1), None).cells);
    }
    fleet
}

/// Issue 14 in the TUI: one products table over 3 accounts x 2 regions (each cell's products
/// exactly, a failing cell named while the others list), filtered by account and region; a run
/// on a staging product goes through staging's client in its region (the review says where in
/// large type), and a batch over products of every account runs each once in its own account.
#[tokio::test]
async fn the_tui_over_a_fleet_lists_every_cell_and_runs_each_product_in_its_own_account() {
    use crossterm::event::KeyCode;
    let emu = emulator(0.02).await;
    let fleet = demo_fleet(&emu, true);
    let mut d = crate::tui::Driver::fleet(emu, fleet).await;
    let w = world(0);
    let cells = d.app.session.fleet.clone().unwrap().cells;
    assert_eq!(cells.len(), 7);
    assert_eq!(d.app.list.cells_answered(), (6, 7), "the cell in no region failed, the six others answered");
    for (i, c) in cells.iter().enumerate().take(6) {
        let want = w.provisioned_products.iter().filter(|pp| w.cell_of(pp) == (&c.account_id, &c.region)).count();
        let got = d.app.list.products().filter(|p| p.cell == Some(i as u16)).count();
        assert_eq!(got, want, "{} {}", c.account_name, c.region);
        assert!(want > 0);
    }
    // The projector's size and a wide one, from the first row (the first answer is not always
    // the first cell's).
    d.key(KeyCode::Char('g'));
    d.until("the first row's actions", |a| {
        matches!(a.list.actions_of_selected(), Some(sctui::tui::screen::Fetch::Ready(_)))
    })
    .await;
    d.until("their documents", |a| {
        a.list.definitions.values().all(|f| !matches!(f, sctui::tui::screen::Fetch::Loading))
    })
    .await;
    // (The failed cell's message is on the line under the table; its toast would depend on the clock.)
    d.app.session.toast = None;
    crate::tui::snapshot("fleet_products_80x24", &d.screen(80, 24));
    crate::tui::snapshot("fleet_products_160x40", &d.screen(160, 40));
    let screen = d.screen(140, 40);
    assert!(screen.contains("ACCOUNT") && screen.contains("REGION"), "{screen}");
    assert!(screen.contains("fleet demo · 6 of 7 cells answered (4 accounts)"), "{screen}");
    assert!(screen.contains("cells: 6 of 7 answered · ✗ broken nowhere:"), "{screen}");
    // Filtered by account and region: only staging's products in us-east-1.
    d.key(KeyCode::Char('/'));
    d.type_text("account:staging region:us-east-1");
    d.key(KeyCode::Enter);
    let shown: Vec<_> = d.app.list.visible.iter().map(|&i| d.app.list.rows[i].product.clone()).collect();
    assert_eq!(shown.len(), 2, "{shown:?}");
    assert!(
        shown.iter().all(|p| d
            .app
            .session
            .cell(p.cell)
            .is_some_and(|c| c.account_name == "staging" && c.region == "us-east-1"))
    );

    // One run on a staging product in us-east-1: its form, review and run through staging's client.
    d.pick("web-staging-use1-01", RESTART).await;
    d.key(KeyCode::Enter);
    d.until("the form", crate::tui::form_ready).await;
    d.ctrl('s');
    let review = d.screen(120, 40);
    assert!(review.contains("ACCOUNT staging (345678901234)") && review.contains("REGION us-east-1"), "{review}");
    assert!(review.contains("--region us-east-1") || d.app.session.target.demo, "{review}");
    d.key(KeyCode::Char('y'));
    d.until("the run ended", |a| {
        a.runs.last().is_some_and(|r| {
            r.record.as_ref().is_some_and(|x| x.status == Some(sctui::domain::RecordStatus::Succeeded))
        })
    })
    .await;
    let run = d.screen(120, 40);
    assert!(run.contains("Account       staging (345678901234) · us-east-1"), "{run}");
    let stats = d.emu.stats();
    assert_eq!(stats.executions_by_account.get("345678901234"), Some(&1), "{stats:?}");
    assert_eq!(stats.executions_by_account.len(), 1, "nothing anywhere else: {stats:?}");
    let journal = d.journal_runs();
    assert_eq!(journal[0].account.as_deref(), Some("345678901234"));
    assert_eq!(journal[0].region.as_deref(), Some("us-east-1"));
    // Its history, read in staging's us-east-1 cell, has the record the run made.
    let record = d.app.runs.last().and_then(|r| r.record.clone()).unwrap().record_id;
    d.key(KeyCode::Esc);
    d.key(KeyCode::Char('h'));
    d.until("the history", |a| matches!(&a.screen, sctui::tui::screen::Screen::History(h) if !h.loading)).await;
    let sctui::tui::screen::Screen::History(h) = &d.app.screen else { unreachable!() };
    assert!(h.error.is_none() && h.records.iter().any(|r| r.record_id == record), "{:?}", h.records);

    // A batch over every account's web servers: one review, each product with its place.
    d.key(KeyCode::Esc);
    d.key(KeyCode::Esc);
    d.key(KeyCode::Char('/'));
    d.key(KeyCode::Esc);
    d.key(KeyCode::Char('/'));
    d.type_text("product:ec2");
    d.key(KeyCode::Enter);
    d.key(KeyCode::Char('*'));
    let marked = d.app.list.marked();
    let mut per_account: std::collections::BTreeMap<String, u64> = Default::default();
    for p in &marked {
        *per_account.entry(d.app.session.cell(p.cell).unwrap().account_id.clone()).or_default() += 1;
    }
    assert_eq!(per_account.len(), 3, "web servers in all three accounts: {per_account:?}");
    d.until("the actions", |a| matches!(a.list.actions_of_selected(), Some(sctui::tui::screen::Fetch::Ready(_)))).await;
    d.key(KeyCode::Tab);
    d.key(KeyCode::Enter);
    d.until("the form", crate::tui::form_ready).await;
    d.ctrl('s');
    d.until("every product's action", |a| match &a.screen {
        sctui::tui::screen::Screen::Review(r) => r
            .review
            .batch
            .as_ref()
            .is_some_and(|b| b.items.iter().all(|i| !matches!(i.action, sctui::tui::screen::Fetch::Loading))),
        _ => false,
    })
    .await;
    let review = d.screen(160, 50);
    assert!(review.contains("Where         3 accounts, 2 regions:"), "{review}");
    assert!(review.contains("staging") && review.contains("dev") && review.contains("prod"), "{review}");
    d.key(KeyCode::Char('y'));
    let n = marked.len();
    d.until("every batch run ended", |a| {
        a.runs.list.iter().skip(1).filter(|r| r.phase == RunPhase::Ended).count() == n
    })
    .await;
    // Exactly one execution per product, each in its own account (staging's one run above too).
    *per_account.entry("345678901234".into()).or_default() += 1;
    let by_account: std::collections::BTreeMap<String, u64> = d.emu.stats().executions_by_account.into_iter().collect();
    assert_eq!(by_account, per_account);
}
