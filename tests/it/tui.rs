//! The real App and runtime driven by actions against the emulator, drawn on a TestBackend:
//! snapshots of every screen, and whole flows from filter to a finished run.

use crate::support::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use sctui::domain::{RecordStatus, Timestamp};
use sctui::emulator::Emulator;
use sctui::tui::action::Action;
use sctui::tui::app::{App, update};
use sctui::tui::runbook::RunPhase;
use sctui::tui::runtime::{Connection, Host, Runtime, step};
use sctui::tui::screen::form::FormScreen;
use sctui::tui::screen::review::Preview;
use sctui::tui::screen::{Fetch, Overlay, Screen};
use sctui::tui::session::CountedIds;
use sctui::tui::theme::Theme;
use sctui::tui::view;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedReceiver;

#[derive(Default)]
struct TestHost {
    bells: usize,
}

impl Host for TestHost {
    fn suspend(&mut self) -> std::io::Result<()> {
        Ok(())
    }
    fn bell(&mut self) {
        self.bells += 1;
    }
    fn draw(&mut self, _: &App) -> std::io::Result<()> {
        Ok(())
    }
}

pub struct Driver {
    pub app: App,
    rt: Runtime,
    rx: UnboundedReceiver<Action>,
    host: TestHost,
    pub emu: Emulator,
}

impl Driver {
    pub async fn new(time_scale: f64) -> Driver {
        let emu = emulator(time_scale).await;
        let client = client(&emu);
        Driver::with(emu, client, &emu_journal_path()).await
    }

    /// A driver on `client` (its target decides which journal runs are resumed) and `journal`.
    pub async fn with(emu: Emulator, client: sctui::catalog::CatalogClient, journal: &std::path::Path) -> Driver {
        let mut app = test_app(client.target.clone());
        let journal = std::sync::Arc::new(sctui::runs::journal::Journal::open(journal).unwrap());
        let (mut rt, rx) = Runtime::new(Connection::Ready(client), Some(journal), false);
        let mut host = TestHost::default();
        for e in app.start() {
            rt.run(e, &mut host);
        }
        let mut d = Driver { app, rt, rx, host, emu };
        d.until("the products are loaded", |a| {
            a.list.loading.done && a.list.actions_of_selected().is_some_and(|f| matches!(f, Fetch::Ready(_)))
        })
        .await;
        d.until("the SSM documents", |a| {
            !a.list.definitions.is_empty() && a.list.definitions.values().all(|d| !matches!(d, Fetch::Loading))
        })
        .await;
        d.until("the caller identity", |a| a.session.identity.is_some()).await;
        d
    }

    /// A driver over a fleet already resolved (the demo's accounts and regions on `emu`), with a
    /// journal of its own; ready once every cell has answered or failed.
    pub async fn fleet(emu: Emulator, fleet: sctui::fleet::Fleet) -> Driver {
        let setup = sctui::tui::runtime::FleetSetup {
            name: fleet.name.clone(),
            spec: Default::default(),
            profile: None,
            settings: fast_settings(1),
            access_level: Default::default(),
            ready: Some(std::sync::Arc::new(fleet)),
        };
        let mut app = App::new(
            Theme::plain_unicode(),
            sctui::tui::fleet_target(&setup),
            Timestamp::now(),
            Box::new(CountedIds::default()),
        );
        sctui::tui::open_fleet(&mut app, &setup);
        let journal = std::sync::Arc::new(sctui::runs::journal::Journal::open(&emu_journal_path()).unwrap());
        let (mut rt, rx) = Runtime::new(Connection::Fleet(setup), Some(journal), false);
        let mut host = TestHost::default();
        for e in app.start() {
            rt.run(e, &mut host);
        }
        let mut d = Driver { app, rt, rx, host, emu };
        d.until("every cell answered or failed", |a| {
            a.session.fleet.as_ref().is_some_and(|f| !f.cells.is_empty()) && a.list.loading.done
        })
        .await;
        d
    }

    pub fn journal_runs(&self) -> Vec<sctui::runs::journal::JournalRun> {
        let path = self.rt.journal_path().expect("a journal");
        let (events, _) = sctui::runs::journal::Journal::read(&path).unwrap();
        sctui::runs::journal::runs(&events)
    }

    pub fn apply(&mut self, action: Action) {
        self.app.session.now = Timestamp::now();
        step(&mut self.app, &mut self.rt, &mut self.host, action);
    }

    pub fn apply_paste(&mut self, text: &str) {
        self.apply(Action::Paste(text.to_string()));
    }

    pub fn key(&mut self, code: KeyCode) {
        self.apply(Action::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    pub fn ctrl(&mut self, c: char) {
        self.apply(Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)));
    }

    pub fn type_text(&mut self, s: &str) {
        for c in s.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    /// Applies background results until `cond` holds; fails with the screen after 20 s.
    pub async fn until(&mut self, what: &str, cond: impl Fn(&App) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        while !cond(&self.app) {
            match tokio::time::timeout_at(deadline, self.rx.recv()).await {
                Ok(Some(a)) => self.apply(a),
                _ => panic!("timed out waiting for {what}; screen:\n{}", self.screen(120, 40)),
            }
        }
    }

    pub fn screen(&self, w: u16, h: u16) -> String {
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| view::render(&self.app, f)).unwrap();
        let buf = t.backend().buffer().clone();
        (0..h)
            .map(|y| (0..w).map(|x| buf[(x, y)].symbol().to_string()).collect::<String>().trim_end().to_string())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Filters the products to `name` and moves to its actions, on `action`.
    pub async fn pick(&mut self, name: &str, action: &str) {
        self.key(KeyCode::Char('/'));
        self.key(KeyCode::Esc); // a fresh filter
        self.key(KeyCode::Char('/'));
        self.type_text(name);
        self.key(KeyCode::Enter);
        assert_eq!(self.app.list.selected_product().unwrap().name, name);
        self.until("the actions", |a| matches!(a.list.actions_of_selected(), Some(Fetch::Ready(_)))).await;
        self.until("their SSM documents", |a| a.list.definitions.values().all(|d| !matches!(d, Fetch::Loading))).await;
        self.key(KeyCode::Tab);
        for _ in 0..20 {
            if self.app.list.selected_action().is_some_and(|a| a.name == action) {
                return;
            }
            self.key(KeyCode::Down);
        }
        panic!("no action {action} on {name}");
    }

    pub async fn open_form(&mut self) {
        self.key(KeyCode::Enter);
        self.until("the form", form_ready).await;
    }
}

/// The App the tests drive: the demo's plain theme, ids counted from 1 (so snapshots need no
/// filter for them), the client ready.
pub fn test_app(target: sctui::catalog::Target) -> App {
    App::new(Theme::plain_unicode(), target, Timestamp::now(), Box::new(CountedIds::default())).with_client_ready()
}

pub fn form_ready(a: &App) -> bool {
    matches!(a.form(), Some(FormScreen::Ready(_)))
}

/// A journal of its own for each driver.
fn emu_journal_path() -> std::path::PathBuf {
    let dir = tempfile::tempdir().unwrap().keep();
    dir.join("journal.jsonl")
}

pub fn snapshot(name: &str, text: &str) {
    insta::with_settings!({
        snapshot_path => "snapshots",
        prepend_module_to_snapshot => false,
        omit_expression => true,
        filters => vec![
            (r"rec-[a-z0-9]{13}", "rec-[RECORD]"),
            (r"\b\d{4}-\d\d-\d\d \d\d:\d\d\b", "[DATE]"),
            (r"\b\d\d:\d\d:\d\d\b", "[TIME]"),
            (r"elapsed \d+s", "elapsed [N]s"),
            (r"for \d+s", "for [N]s"),
            (r"\b\d+(m\d\d)?s\b", "[N]s"),
            (r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]"),
        ],
    }, {
        insta::assert_snapshot!(name, text);
    });
}

/// A screen at 80x24, 100x30, 120x40 and 200x60, each as the operator sees it and, below, as a
/// presenter's audience does (ids masked but for their last 4 characters).
fn all_sizes(d: &mut Driver, name: &str) {
    for (w, h) in [(80, 24), (100, 30), (120, 40), (200, 60)] {
        let plain = d.screen(w, h);
        d.app.session.settings.presenter = true;
        let presenter = d.screen(w, h);
        d.app.session.settings.presenter = false;
        snapshot(&format!("{name}_{w}x{h}"), &format!("{plain}\n\n--- presenter mode ---\n\n{presenter}"));
    }
}

#[tokio::test]
async fn snapshots_of_every_screen() {
    let mut d = Driver::new(1.0).await;
    all_sizes(&mut d, "products");
    snapshot("too_small_79x23", &d.screen(79, 23));
    snapshot("too_small_60x20", &d.screen(60, 20));
    d.key(KeyCode::Char('?'));
    all_sizes(&mut d, "help");
    d.key(KeyCode::Esc);
    d.pick(WEB, RESTART).await;
    all_sizes(&mut d, "actions");
    d.open_form().await;
    d.key(KeyCode::Char(' ')); // narrow: unselect the first instance
    d.key(KeyCode::Down);
    all_sizes(&mut d, "form_target_checklist");
    d.ctrl('s');
    d.until("the preview", |a| matches!(a.review().map(|r| &r.preview), Some(Preview::Ready(_)))).await;
    all_sizes(&mut d, "review");
    // A long run (60 s), so that its first step is still the one running when it is drawn.
    d.emu.set_time_scale(10.0);
    d.key(KeyCode::Char('y'));
    d.until("the run in progress", |a| a.runs.list[0].status() == Some(&RecordStatus::InProgress)).await;
    // Its SSM steps as read after that poll: the first step running (the second starts later).
    d.until("its first step", |a| {
        matches!(&a.runs.list[0].steps, Some(sctui::tui::runbook::Steps::Ready(x))
            if x.step_executions.len() == 1 && x.automation_execution_status.as_deref() == Some("InProgress"))
    })
    .await;
    all_sizes(&mut d, "run_in_progress");
    d.key(KeyCode::Char('R'));
    all_sizes(&mut d, "runs");
    d.key(KeyCode::Char('q')); // back to the products
    d.key(KeyCode::Char('q')); // a run is in flight: asks
    all_sizes(&mut d, "quit_dialog");
    d.key(KeyCode::Char('n'));
    d.pick(WEB, RESTART).await;
    d.open_form().await;
    d.key(KeyCode::Char(' '));
    d.key(KeyCode::Esc); // changed: asks before dropping it
    all_sizes(&mut d, "form_drop_changes");

    let mut f = Driver::new(0.0).await;
    f.pick("orders-db-prod", "AWS-StopRdsInstance").await;
    f.open_form().await;
    f.ctrl('s');
    f.key(KeyCode::Char('y'));
    f.until("the failed run", |a| a.runs.list[0].phase == RunPhase::Ended).await;
    f.until(
        "its steps",
        |a| matches!(&a.runs.list[0].steps, Some(sctui::tui::runbook::Steps::Ready(x)) if x.is_over()),
    )
    .await;
    all_sizes(&mut f, "run_failed");
}

#[tokio::test]
async fn flow_filter_narrow_review_execute_succeeds() {
    let mut d = Driver::new(0.05).await;
    d.pick(WEB, RESTART).await;
    d.open_form().await;
    let screen = d.screen(120, 40);
    assert!(screen.contains("sends nothing: Service Catalog's default (3 resources)"), "{screen}");
    // Narrow the TARGET to the second instance only.
    d.key(KeyCode::Char(' '));
    d.key(KeyCode::Down);
    d.key(KeyCode::Down);
    d.key(KeyCode::Char(' '));
    let screen = d.screen(120, 40);
    assert!(screen.contains("OVERRIDE: sends 1 value"), "{screen}");
    d.ctrl('s');
    let review = d.screen(120, 40);
    assert!(review.contains("Review: nothing has been sent yet") && review.contains("[ Cancel (n) ]"), "{review}");
    assert_eq!(d.emu.stats().executions_started, 0, "nothing ran before y");
    let token = d.app.review().unwrap().token.clone();
    assert!(review.contains(&format!("--execute-token {token}")), "the CLI line carries the token");
    d.key(KeyCode::Char('y'));
    d.until("SUCCEEDED", |a| a.runs.list[0].phase == RunPhase::Ended).await;
    let screen = d.screen(120, 40);
    assert!(screen.contains("SUCCEEDED") && screen.contains("RestartedInstances = i-d17cc38c48aa68e6a"), "{screen}");
    assert!(!screen.contains("i-ca812554ca6a80470,"), "only the narrowed instance was sent");
    let statuses: Vec<_> = d.app.runs.list[0].timeline.iter().map(|t| t.1.as_str().to_string()).collect();
    assert_eq!(statuses.first().map(String::as_str), Some("CREATED"));
    assert_eq!(statuses.last().map(String::as_str), Some("SUCCEEDED"));
    assert_eq!(d.host.bells, 1, "the bell rings when a run ends");
    assert_eq!(d.emu.stats().executions_started, 1);
    // The product is AVAILABLE again in the list once re-read.
    d.until("the product re-read", |a| {
        a.list.products().any(|p| {
            p.name == WEB
                && p.status == Some(sctui::domain::ProductStatus::Available)
                && p.last_record_id == a.runs.list[0].record.as_ref().map(|r| r.record_id.clone())
        })
    })
    .await;
}

#[tokio::test]
async fn flow_failed_run_shows_its_record_errors_and_busy_products_are_explained() {
    let mut d = Driver::new(0.0).await;
    d.pick("orders-db-prod", "AWS-StopRdsInstance").await;
    d.open_form().await;
    d.ctrl('s');
    d.key(KeyCode::Char('y'));
    d.until("FAILED", |a| a.runs.list[0].phase == RunPhase::Ended).await;
    let screen = d.screen(120, 40);
    assert!(screen.contains("✗ FAILED"), "{screen}");
    assert!(
        screen.contains("Errors (RecordErrors)")
            && screen.contains("AutomationStepFailed: ")
            && screen.contains("read replica"),
        "{screen}"
    );

    // A product that is busy: the second run is refused in the operator's words.
    let mut b = Driver::new(1.0).await;
    b.pick(WEB, RESTART).await;
    b.open_form().await;
    b.ctrl('s');
    b.key(KeyCode::Char('y'));
    b.until("the first run started", |a| a.runs.list[0].phase == RunPhase::Watching).await;
    b.key(KeyCode::Esc); // back to the products
    b.key(KeyCode::Tab); // the product's actions
    b.open_form().await;
    b.ctrl('s');
    b.key(KeyCode::Char('y'));
    b.until("the refusal", |a| matches!(a.runs.list.get(1).map(|r| &r.phase), Some(RunPhase::NotStarted(_)))).await;
    let screen = b.screen(120, 40);
    assert!(
        screen.contains("web-prod-01 is UNDER_CHANGE: another operation is running on it; wait until it finishes"),
        "{screen}"
    );
    assert_eq!(b.emu.stats().executions_started, 1);
}

#[tokio::test]
async fn actions_are_fetched_once_per_product_version() {
    let mut d = Driver::new(1.0).await;
    // Walk down the whole list and back up.
    for _ in 0..25 {
        d.key(KeyCode::Down);
    }
    for _ in 0..25 {
        d.key(KeyCode::Up);
    }
    d.until("every version's actions", |a| a.list.actions.values().all(|f| !matches!(f, Fetch::Loading))).await;
    let versions: std::collections::HashSet<_> = d.app.list.products().filter_map(|p| p.artifact_key()).collect();
    assert_eq!(d.emu.stats().requests["ListServiceActionsForProvisioningArtifact"] as usize, versions.len());
    assert!(versions.len() < d.app.list.len());
}

#[tokio::test]
async fn no_color_keeps_meaning_in_text_and_reverse_video_and_ascii_borders() {
    let mut d = Driver::new(1.0).await;
    d.app.session.theme = Theme { color: false, ascii: true, truecolor: false, variant: Default::default() };
    let mut t = Terminal::new(TestBackend::new(100, 30)).unwrap();
    t.draw(|f| view::render(&d.app, f)).unwrap();
    let buf = t.backend().buffer().clone();
    use ratatui::style::{Color, Modifier};
    for cell in buf.content() {
        assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset), "a colour was drawn: {cell:?}");
    }
    // The selected row is reverse video; statuses are words.
    let selected_row = (0..30).find(|&y| buf[(1, y)].symbol() == ">").expect("a selection marker");
    assert!(buf[(4, selected_row)].modifier.contains(Modifier::REVERSED));
    let screen = d.screen(100, 30);
    assert!(screen.contains("TAINTED") && screen.contains("ERROR"));
    assert!(screen.lines().nth(1).unwrap().starts_with("+ Products"), "{screen}");
    assert!(!screen.contains('┌') && !screen.contains('│'), "{screen}");
    d.key(KeyCode::Char('?'));
    assert!(!d.screen(100, 30).contains('─'));
    // Issue 12: `--ascii` still sent "·", "↑/k" and "…". Every screen is ASCII only now.
    let ascii = |d: &Driver, what: &str| {
        for (w, h) in [(80, 24), (120, 40)] {
            let screen = d.screen(w, h);
            assert!(screen.is_ascii(), "{what} at {w}x{h}:\n{screen}");
        }
    };
    ascii(&d, "the help");
    d.key(KeyCode::Esc);
    ascii(&d, "the products");
    d.pick(WEB, RESTART).await;
    ascii(&d, "the actions");
    d.open_form().await;
    ascii(&d, "the form");
    d.ctrl('s');
    ascii(&d, "the review");
    d.key(KeyCode::Char('y'));
    d.until("the run ended", |a| a.runs.list.first().is_some_and(|r| !r.in_flight())).await;
    ascii(&d, "the run");
}

#[test]
fn the_readme_lists_every_key() {
    use sctui::tui::keymap::{self, KeyMode};
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let modes = KeyMode::ALL;
    for b in modes.iter().flat_map(|m| keymap::bindings(*m)).chain(keymap::global()) {
        let row = format!("| `{}` | {} |", b.label, b.help);
        assert!(readme.contains(&row), "README.md lacks the key row {row}");
    }
}

#[tokio::test]
async fn values_on_screen_never_emit_control_sequences() {
    let mut d = Driver::new(1.0).await;
    // Reason: free text (the document has no pattern or allowed values for it).
    d.pick("checkout-api-prod", "Platform-ScaleECSService").await;
    d.open_form().await;
    d.key(KeyCode::Tab); // DesiredCount
    d.type_text("2");
    d.key(KeyCode::Tab); // Reason
    d.apply_paste("\u{1b}[2J\u{1b}[31mred\u{7}");
    let screen = d.screen(120, 40);
    assert!(screen.contains(r"\u{1b}[2J\u{1b}[31mred\u{7}"), "shown escaped: {screen}");
    assert!(!screen.contains('\u{1b}') && !screen.contains('\u{7}'), "no raw control character on screen");
    // The value itself is kept exactly.
    d.ctrl('s');
    let params = d.app.review().unwrap().parameters.clone().unwrap();
    assert!(params.values().any(|v| v == &vec!["\u{1b}[2J\u{1b}[31mred\u{7}".to_string()]), "{params:?}");
}

/// A journal with `runs` (id, token, seconds ago) requested on WEB/RESTART and never answered,
/// addressed to `client` as a live target; the driver that starts on it.
async fn with_unanswered(emu: Emulator, runs: &[(&str, &str, f64)]) -> (Driver, std::path::PathBuf, tempfile::TempDir) {
    let mut client = client(&emu);
    // As against AWS: a live target, which journal runs of the same endpoint can be resumed on.
    client.target.demo = false;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.jsonl");
    let web = client.product(WEB).await.unwrap();
    let restart = action_id(&client, WEB, RESTART).await;
    let j = sctui::runs::journal::Journal::open(&path).unwrap();
    for (run, token, ago) in runs {
        let mut event = web_restart_requested(&client, run, token, &web.id, &restart);
        if let sctui::runs::journal::Event::Requested { at, .. } = &mut event {
            *at = Timestamp(at.0 - ago);
        }
        j.append(&event).unwrap();
    }
    drop(j);
    let d = Driver::with(emu, client, &path).await;
    (d, path, dir)
}

fn journal_runs(path: &std::path::Path) -> Vec<sctui::runs::journal::JournalRun> {
    sctui::runs::journal::runs(&sctui::runs::journal::Journal::read(path).unwrap().0)
}

/// Issue 10: the TUI never sends anything at start-up without asking. A run whose Execute was
/// never answered and that no record is clearly its waits for the operator; inside the token
/// window, "send again" reuses its token.
#[tokio::test]
async fn the_tui_asks_before_sending_again_a_run_an_earlier_session_left_unanswered() {
    let emu = emulator(0.05).await;
    // The earlier session wrote the request and died before any answer.
    let (mut d, path, _dir) = with_unanswered(emu, &[("earlier-1", "earlier-token-1", 0.0)]).await;
    d.until("the choices", |a| {
        a.runs.list.first().and_then(|r| r.decision.as_ref()).is_some_and(|d| matches!(d.candidates, Fetch::Ready(_)))
    })
    .await;
    assert_eq!(d.emu.stats().requests.get("ExecuteProvisionedProductServiceAction"), None, "nothing was sent");
    d.key(KeyCode::Char('l'));
    assert_eq!(d.app.key_mode(), sctui::tui::keymap::KeyMode::RunUncertain);
    let screen = d.screen(120, 40);
    assert!(screen.contains("UNCERTAIN") && screen.contains("it most likely never ran"), "{screen}");
    assert!(screen.contains("with its own token"), "{screen}");
    d.key(KeyCode::Char('s'));
    assert!(d.screen(120, 40).contains("Send it again?"), "{}", d.screen(120, 40));
    d.key(KeyCode::Char('n'));
    assert!(d.app.overlay.is_none() && d.app.runs.list[0].decision.is_some(), "n changes nothing");
    d.key(KeyCode::Char('s'));
    d.key(KeyCode::Char('y'));
    d.until("the run to end", |a| a.runs.list.first().is_some_and(|r| r.resumed && r.phase == RunPhase::Ended)).await;
    d.key(KeyCode::Char('R'));
    let screen = d.screen(120, 40);
    assert!(screen.contains("web-prod-01 (resumed)") && screen.contains("SUCCEEDED"), "{screen}");
    assert_eq!(d.emu.stats().executions_started, 1);
    let run = &journal_runs(&path)[0];
    assert_eq!((run.outcome, run.token.as_str()), (Some(sctui::domain::RunOutcome::Succeeded), "earlier-token-1"));
}

/// Issue 10: two action records since the request (someone else ran it too): the operator
/// picks the one that is the run's, and it is watched to its end; nothing is sent.
#[tokio::test]
async fn the_operator_adopts_one_of_the_records_the_product_shows() {
    let emu = emulator(0.0).await;
    let c = client(&emu);
    let (web, restart) = (c.product(WEB).await.unwrap().id, action_id(&c, WEB, RESTART).await);
    let ours = c.execute(&web, &restart, None, "mine-token").await.unwrap();
    let theirs = c.execute(&web, &restart, None, "someone-else").await.unwrap();
    let (mut d, path, _dir) = with_unanswered(emu, &[("mine-1", "mine-token", 30.0)]).await;
    d.until("two candidates", |a| {
        a.runs.list.first().and_then(|r| r.decision.as_ref()).is_some_and(|d| match &d.candidates {
            Fetch::Ready(list) => list.len() == 2,
            _ => false,
        })
    })
    .await;
    d.key(KeyCode::Char('l'));
    let screen = d.screen(120, 40);
    assert!(screen.contains(&ours.record_id) && screen.contains(&theirs.record_id), "{screen}");
    // Newest first: theirs, then ours.
    d.key(KeyCode::Char('j'));
    d.key(KeyCode::Char('a'));
    d.until("the adopted run to end", |a| a.runs.list[0].phase == RunPhase::Ended).await;
    assert_eq!(d.emu.stats().executions_started, 2, "nothing more ran");
    let run = &journal_runs(&path)[0];
    assert_eq!(run.record_id.as_deref(), Some(ours.record_id.as_str()), "the run adopted the record chosen");
    assert_eq!(run.outcome, Some(sctui::domain::RunOutcome::Succeeded));
}

/// Issue 10: past the token window, "send again" is a new run with a new token (the old one
/// closed with a pointer to it); "abandon" closes a run in the journal and sends nothing.
#[tokio::test]
async fn past_the_token_window_a_run_is_sent_as_a_new_run_or_abandoned() {
    let emu = emulator(0.0).await;
    let two_hours = 7200.0;
    let runs = [("stale-1", "stale-token-1", two_hours), ("stale-2", "stale-token-2", two_hours)];
    let (mut d, path, _dir) = with_unanswered(emu, &runs).await;
    d.until("both uncertain", |a| {
        a.runs.list.len() == 2
            && a.runs.list.iter().all(|r| r.decision.as_ref().is_some_and(|d| matches!(d.candidates, Fetch::Ready(_))))
    })
    .await;
    let first = d.app.runs.list[0].id;
    d.app.screen = Screen::Run(sctui::tui::screen::run::RunScreen::of(first));
    assert!(d.screen(120, 40).contains("as a new run with a new token"), "{}", d.screen(120, 40));
    d.key(KeyCode::Char('x'));
    assert!(d.screen(120, 40).contains("Abandon this run?"), "{}", d.screen(120, 40));
    d.key(KeyCode::Char('y'));
    let second = d.app.runs.list[1].id;
    d.app.screen = Screen::Run(sctui::tui::screen::run::RunScreen::of(second));
    d.key(KeyCode::Char('s'));
    assert!(d.screen(120, 40).contains("Send it again as a new run?"), "{}", d.screen(120, 40));
    d.key(KeyCode::Char('y'));
    d.until("the new run to end", |a| a.runs.list.len() == 3 && a.runs.list[2].phase == RunPhase::Ended).await;
    assert_eq!(d.emu.stats().executions_started, 1, "only the new run ran");
    let runs = journal_runs(&path);
    let by_id = |id: &str| runs.iter().find(|r| r.run == id).unwrap().clone();
    assert_eq!(by_id("stale-1").outcome, Some(sctui::domain::RunOutcome::Abandoned));
    assert!(by_id("stale-1").reason.unwrap_or_default().contains("abandoned by the operator"));
    let resent = by_id("stale-2");
    assert_eq!(resent.outcome, Some(sctui::domain::RunOutcome::Abandoned));
    let new_id = resent.reason.unwrap_or_default().split(' ').nth(4).unwrap_or_default().to_string();
    let new = by_id(&new_id);
    assert_eq!(new.outcome, Some(sctui::domain::RunOutcome::Succeeded));
    assert_ne!(new.token, "stale-token-2", "a new token");
}

#[tokio::test]
async fn c_on_the_review_copies_the_cli_command_it_shows() {
    let mut d = Driver::new(1.0).await;
    d.pick(WEB, RESTART).await;
    d.open_form().await;
    d.ctrl('s');
    let effects = update(&mut d.app, Action::Key(crossterm::event::KeyEvent::from(KeyCode::Char('c'))));
    let Some(sctui::tui::effect::Effect::Copy(text)) = effects.first() else { panic!("{effects:?}") };
    assert!(
        text.starts_with(
            "aws servicecatalog execute-provisioned-product-service-action --provisioned-product-id pp-6y61928a94txg"
        ),
        "{text}"
    );
    let token = d.app.review().unwrap().token.clone();
    assert!(text.contains(&format!("--execute-token {token}")));
    assert_eq!(d.emu.stats().executions_started, 0, "copying executes nothing");
}

#[tokio::test]
async fn history_shows_records_newest_first_and_a_rerun_is_prefilled_with_a_new_token() {
    let mut d = Driver::new(0.0).await;
    d.pick(WEB, RESTART).await;
    d.open_form().await;
    d.key(KeyCode::Char(' ')); // narrow: without the first instance
    d.ctrl('s');
    let first_token = d.app.review().unwrap().token.clone();
    d.key(KeyCode::Char('y'));
    d.until("the run ended", |a| a.runs.list[0].phase == RunPhase::Ended).await;
    let record = d.app.runs.list[0].record.as_ref().unwrap().record_id.clone();
    d.key(KeyCode::Esc);
    d.key(KeyCode::Char('h'));
    d.until("the history", |a| a.history().is_some_and(|h| !h.records.is_empty() && h.actions_known)).await;
    let h = d.app.history().unwrap();
    assert_eq!(h.records[0].record_id, record, "newest first");
    assert!(h.records.iter().any(|r| r.record_type.as_deref() == Some("PROVISION_PRODUCT")));
    d.key(KeyCode::Enter);
    d.until("the details", |a| matches!(a.history().unwrap().detail, Some((_, Fetch::Ready(_))))).await;
    all_sizes(&mut d, "history");
    let screen = d.screen(120, 40);
    assert!(
        screen.contains("History · web-prod-01")
            && screen.contains("RestartedInstances = i-d17cc38c48aa68e6a,i-f7743f19c0479d1d1"),
        "{screen}"
    );
    // Run it again from history: the narrowed TARGET comes back, with a new token at the review.
    d.key(KeyCode::Char('e'));
    d.until("the prefilled form", form_ready).await;
    assert!(d.screen(120, 40).contains("OVERRIDE: sends 2 values"));
    d.ctrl('s');
    let review = d.app.review().unwrap();
    assert_eq!(review.parameters.as_ref().unwrap()["InstanceId"], ["i-d17cc38c48aa68e6a", "i-f7743f19c0479d1d1"]);
    assert_ne!(review.token, first_token, "a re-run is a new run");
    d.key(KeyCode::Esc);
    d.key(KeyCode::Esc);
    // And from the runs list.
    d.key(KeyCode::Char('R'));
    d.key(KeyCode::Char('e'));
    d.until("the prefilled form", form_ready).await;
    assert!(d.screen(120, 40).contains("OVERRIDE: sends 2 values"));
    assert_eq!(d.emu.stats().executions_started, 1, "nothing ran again without a review");
}

#[tokio::test]
async fn presenter_mode_masks_ids_arns_and_accounts() {
    let mut d = Driver::new(0.0).await;
    d.app.session.settings.presenter = true;
    let wide = d.screen(160, 40);
    assert!(wide.contains("Service Catalog self-service actions"), "{wide}");
    // Where the title would push the identity off, the title gives way (issue 12).
    let products = d.screen(120, 40);
    assert!(products.contains("user/demo-operator") && !products.contains("self-service actions"), "{products}");
    assert!(products.contains("web-prod-01"), "names stay readable");
    // Masked, but the last 4 kept so that the audience can follow which one is meant.
    assert!(products.contains("rec-•••••••••ah8o") && !products.contains("rec-bdhagtn9fah8o"), "{products}");
    d.pick(WEB, RESTART).await;
    d.open_form().await;
    let form = d.screen(120, 40);
    assert!(
        !form.contains("pp-6y61928a94txg")
            && !form.contains("act-58tx34ou66v7u")
            && !form.contains("i-ca812554ca6a80470"),
        "{form}"
    );
    assert!(form.contains("pp-•••••••••4txg") && form.contains("i-•••••••••••••0470"), "{form}");
    d.ctrl('s');
    d.key(KeyCode::Char('y'));
    d.until("the run ended", |a| a.runs.list[0].phase == RunPhase::Ended).await;
    let run = d.screen(120, 40);
    assert!(!run.contains("123456789012") && !run.contains("i-d17cc38c48aa68e6a"), "{run}");
    // Only the screen is masked: what `c` copies is the real record id.
    let record_id = d.app.runs.list[0].record.as_ref().unwrap().record_id.clone();
    assert!(!run.contains(&record_id) && run.contains(&format!("rec-•••••••••{}", &record_id[13..])), "{run}");
    let effects = update(&mut d.app, Action::Key(crossterm::event::KeyEvent::from(KeyCode::Char('c'))));
    assert_eq!(effects, vec![sctui::tui::effect::Effect::Copy(record_id)]);
}

async fn mark(d: &mut Driver, filter: &str, all: bool) {
    d.key(KeyCode::Char('/'));
    d.key(KeyCode::Esc); // a fresh filter
    d.key(KeyCode::Char('/'));
    d.type_text(filter);
    d.key(KeyCode::Enter);
    d.key(KeyCode::Char(if all { '*' } else { ' ' }));
}

#[tokio::test]
async fn a_batch_runs_one_action_on_every_marked_product() {
    let mut d = Driver::new(0.0).await;
    mark(&mut d, "web-prod-0", true).await;
    mark(&mut d, "orders-db-prod", false).await;
    assert_eq!(d.app.list.marks.len(), 3);
    assert!(d.screen(120, 40).contains("3 marked for a batch"));
    d.pick(WEB, RESTART).await;
    d.open_form().await;
    let form = d.screen(120, 40);
    assert!(form.contains("3 products: web-prod-01, web-prod-02, orders-db-prod"), "{form}");
    assert!(form.contains("InstanceId (TARGET): resolved by Service Catalog for each product"), "{form}");
    d.ctrl('s');
    assert_eq!(d.app.key_mode(), sctui::tui::keymap::KeyMode::ReviewBatch);
    d.until("every product resolved", |a| {
        a.review().and_then(|r| r.batch.as_ref()).is_some_and(|p| {
            p.items.iter().all(|i| match &i.action {
                Fetch::Ready(Some(_)) => matches!(i.targets, Fetch::Ready(_)),
                Fetch::Ready(None) => true,
                _ => false,
            })
        })
    })
    .await;
    all_sizes(&mut d, "batch_review");
    let review = d.screen(200, 40);
    assert!(
        review.contains("InstanceId=i-ca812554ca6a80470, i-d17cc38c48aa68e6a, i-f7743f19c0479d1d1"),
        "each product's own TARGET: {review}"
    );
    assert!(review.contains("no such action: skipped"), "{review}");
    assert!(review.contains("At once       3 runs"), "the default concurrency (4), at most one per product: {review}");
    assert!(review.contains("[ Start 2 runs (y) ]"), "the skipped product gets no run: {review}");
    d.key(KeyCode::Char('+'));
    assert!(d.screen(120, 40).contains("At once       3 runs"), "no more at once than there are products");
    assert_eq!(d.emu.stats().executions_started, 0, "nothing before y");
    // One at a time, so the runs end in a known order and the snapshot is the same every time.
    for _ in 0..3 {
        d.key(KeyCode::Char('-'));
    }
    d.key(KeyCode::Char('y'));
    // Until its turn comes a run is QUEUED: no clock, not counted in flight (issue 12).
    let queued = d.screen(120, 40);
    assert!(queued.contains("QUEUED") && queued.contains("- 2 queued"), "{queued}");
    assert!(queued.contains("SKIPPED") && !queued.contains("in flight ·"), "{queued}");
    d.until("the batch to finish", |a| a.runs.in_flight() + a.runs.queued() == 0 && a.runs.list.len() == 3).await;
    all_sizes(&mut d, "batch_runs");
    let runs = d.screen(120, 40);
    assert!(runs.contains("Batch AWS-RestartEC2Instance finished: 2 succeeded, 0 failed, 1 not started"), "{runs}");
    assert_eq!(d.emu.stats().executions_started, 2);
    assert!(d.app.list.marks.is_empty(), "marks are cleared once the batch starts");
    let tokens: std::collections::HashSet<_> = d.app.runs.list.iter().map(|r| r.token.clone()).collect();
    assert_eq!(tokens.len(), 3, "a token per run");
}

#[tokio::test]
async fn a_batch_can_stop_launching_after_the_first_failure() {
    let mut d = Driver::new(0.0).await;
    mark(&mut d, "orders-db-prod", false).await;
    mark(&mut d, "analytics-db-prod", false).await;
    d.pick("orders-db-prod", "AWS-StopRdsInstance").await;
    d.open_form().await;
    d.ctrl('s');
    for _ in 0..5 {
        d.key(KeyCode::Char('-'));
    }
    d.key(KeyCode::Char('f'));
    let plan = d.app.review().unwrap().batch.clone().unwrap();
    assert_eq!((plan.concurrency, plan.stop_on_failure), (1, true));
    d.until("resolved", |a| {
        a.review()
            .and_then(|r| r.batch.as_ref())
            .is_some_and(|p| p.items.iter().all(|i| matches!(i.targets, Fetch::Ready(_))))
    })
    .await;
    d.key(KeyCode::Char('y'));
    d.until("the batch to finish", |a| a.runs.in_flight() + a.runs.queued() == 0 && a.runs.list.len() == 2).await;
    let runs = d.screen(120, 40);
    assert!(runs.contains("1 failed, 1 not started"), "{runs}");
    assert_eq!(d.emu.stats().executions_started, 1, "nothing launched after the failure");
}

#[tokio::test]
async fn without_osc52_copied_text_is_shown_to_select_and_config_keys_work() {
    let mut d = Driver::new(1.0).await;
    d.app.session.settings.osc52 = false;
    let spec = sctui::config::keys::parse("history", "H").unwrap();
    d.app.session.settings.keys = vec![sctui::tui::keymap::Override::from_spec(spec)];
    d.key(KeyCode::Char('c'));
    assert!(matches!(d.app.overlay, Some(Overlay::Copy(_))));
    let screen = d.screen(120, 40);
    assert!(screen.contains("Select the text below") && screen.contains("pp-6y61928a94txg"), "{screen}");
    d.key(KeyCode::Esc);
    assert!(d.app.overlay.is_none());
    d.key(KeyCode::Char('?'));
    assert!(d.screen(120, 40).contains("history: the product's records, newest first (config)"));
    d.key(KeyCode::Esc);
    d.apply(Action::Key(crossterm::event::KeyEvent::new(KeyCode::Char('H'), crossterm::event::KeyModifiers::SHIFT)));
    assert!(matches!(d.app.screen, Screen::History(_)), "the config's key opened the history");
}

#[tokio::test]
async fn the_header_shows_the_caller_identity_from_sts() {
    let mut d = Driver::new(1.0).await;
    d.until("the identity", |a| a.session.identity.is_some()).await;
    let screen = d.screen(120, 40);
    assert!(screen.contains("account 123456789012 · user/demo-operator"), "{screen}");
    assert_eq!(d.emu.stats().requests["sts:GetCallerIdentity"], 1);
}

#[tokio::test]
async fn a_rerun_from_history_takes_an_earlier_sessions_parameters_from_the_journal() {
    let emu = emulator(0.0).await;
    let client = client(&emu);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.jsonl");
    // An earlier session ran the action with a narrowed TARGET.
    let earlier = sctui::runs::Runner::new(
        client.clone(),
        Some(std::sync::Arc::new(sctui::runs::journal::Journal::open(&path).unwrap())),
        false,
    );
    let web = client.product(WEB).await.unwrap();
    let restart = sctui::domain::ServiceAction {
        id: action_id(&client, WEB, RESTART).await,
        name: RESTART.into(),
        ..Default::default()
    };
    let params: sctui::domain::ParameterMap =
        [("InstanceId".to_string(), vec!["i-f7743f19c0479d1d1".to_string()])].into();
    let spec = sctui::runs::RunSpec::new("earlier-1".into(), &web, &restart, Some(params), "earlier-session".into());
    earlier.run(&spec, &mut |_| {}).await.unwrap();
    // A new session, on the same journal.
    let mut d = Driver::with(emu, client, &path).await;
    d.key(KeyCode::Char('h'));
    d.until("the history", |a| a.history().is_some_and(|h| !h.records.is_empty() && h.actions_known)).await;
    d.key(KeyCode::Char('e'));
    d.until("the prefilled form", form_ready).await;
    d.ctrl('s');
    let review = d.app.review().unwrap();
    assert_eq!(review.parameters.as_ref().unwrap()["InstanceId"], ["i-f7743f19c0479d1d1"]);
    assert_ne!(review.token, "earlier-session");
}

#[tokio::test]
async fn snapshots_of_the_palette_and_a_production_review() {
    let mut d = Driver::new(1.0).await;
    d.key(KeyCode::Char(':'));
    d.type_text("profile prod");
    all_sizes(&mut d, "palette");
    d.key(KeyCode::Esc);
    d.app.session.production = true;
    d.pick(WEB, RESTART).await;
    d.open_form().await;
    d.ctrl('s');
    d.until("the preview", |a| matches!(a.review().map(|r| &r.preview), Some(Preview::Ready(_)))).await;
    all_sizes(&mut d, "review_production");
    d.key(KeyCode::Enter); // the name field gets the keys
    d.type_text("web-prod");
    all_sizes(&mut d, "review_production_typing");
}

/// Issue 10: a Terraform product's actions pane says actions are not supported (AWS's admin
/// guide) instead of an empty list; fields AWS left out read "—".
#[tokio::test]
async fn a_terraform_product_says_actions_are_not_supported_and_missing_fields_read_as_a_dash() {
    let mut d = Driver::new(1.0).await;
    d.key(KeyCode::Char('/'));
    d.type_text("docs-site");
    d.key(KeyCode::Enter);
    let screen = d.screen(160, 40);
    assert!(screen.contains("Self-service actions are not supported for Terraform products"), "{screen}");
    d.key(KeyCode::Char('/'));
    d.key(KeyCode::Esc);
    d.key(KeyCode::Char('/'));
    d.type_text("partner-feed");
    d.key(KeyCode::Enter);
    let screen = d.screen(160, 40);
    let row = screen.lines().find(|l| l.contains("partner-feed-prod")).unwrap_or_default();
    assert!(row.contains("—"), "the missing LastRecordId reads as a dash: {screen}");
}

/// Issue 12: presenter mode masks at every width. For every width from 40 to 220, no screen
/// shows a run of 5 characters of the account number or of an id's masked part (the last 4
/// characters are kept on purpose, so the audience can follow which one is meant).
#[tokio::test]
async fn presenter_mode_masks_every_id_at_every_width() {
    let mut d = Driver::new(0.0).await;
    d.until("the caller identity", |a| a.session.identity.is_some()).await;
    d.app.session.settings.presenter = true;
    let mut secrets: Vec<String> = vec!["123456789012".into()];
    for p in d.app.list.products() {
        secrets.push(p.id.clone());
        secrets.extend(p.last_record_id.clone());
    }
    let forbidden: Vec<String> = secrets
        .iter()
        .flat_map(|s| {
            let body = s.split_once('-').map(|(_, b)| b).unwrap_or(s).to_string();
            let masked = body.chars().count() - 4;
            (0..masked).filter_map(move |i| body.get(i..i + 5).map(str::to_string))
        })
        .collect();
    let check = |d: &Driver, what: &str, h: u16| {
        for w in 40..=220 {
            let screen = d.screen(w, h);
            if let Some(f) = forbidden.iter().find(|f| screen.contains(f.as_str())) {
                panic!("{what} at {w}x{h} shows {f}:\n{screen}");
            }
        }
    };
    d.pick(WEB, RESTART).await;
    check(&d, "the products and actions", 24);
    d.open_form().await;
    d.ctrl('s');
    check(&d, "the review", 30);
    d.key(KeyCode::Char('y'));
    d.until("the run ended", |a| a.runs.list.first().is_some_and(|r| !r.in_flight())).await;
    check(&d, "the run", 24);
    d.key(KeyCode::Char('R'));
    check(&d, "the runs list", 24);
    d.key(KeyCode::Esc);
    d.key(KeyCode::Char('h'));
    d.until("the history", |a| a.history().is_some_and(|h| !h.loading && h.actions_known)).await;
    d.key(KeyCode::Enter);
    d.until("the record's details", |a| {
        a.history().is_some_and(|h| matches!(h.detail, Some((_, sctui::tui::screen::Fetch::Ready(_)))))
    })
    .await;
    check(&d, "the history", 30);
}

/// Issue 12: at 80x24 the help was cut off (Ctrl-C, Ctrl-Z, q missing) and the run view could
/// not scroll past a 20,000-character RecordError to the outputs. Both scroll now and say so.
#[tokio::test]
async fn the_help_and_the_run_view_scroll_at_80x24() {
    let mut d = Driver::new(0.0).await;
    d.key(KeyCode::Char('?'));
    let help = d.screen(80, 24);
    assert!(help.contains("more below") && !help.contains("Ctrl-Z"), "{help}");
    d.key(KeyCode::PageDown);
    d.key(KeyCode::PageDown);
    let help = d.screen(80, 24);
    assert!(help.contains("Ctrl-Z") && help.contains("Ctrl-C") && help.contains("for the top"), "{help}");
    d.key(KeyCode::Esc);
    d.pick(WEB, RESTART).await;
    d.open_form().await;
    d.ctrl('s');
    d.key(KeyCode::Char('y'));
    d.until("the run ended", |a| a.runs.list.first().is_some_and(|r| !r.in_flight())).await;
    let r = d.app.runs.list[0].clone();
    let mut record = r.record.clone().unwrap();
    let long =
        sctui::domain::RecordError { code: Some("AutomationStepFailed".into()), description: Some("x".repeat(20_000)) };
    record.record_errors = vec![long];
    update(&mut d.app, Action::RecordPolled { run: r.id, result: Ok((record, r.outputs.clone())) });
    let screen = d.screen(80, 24);
    assert!(screen.contains("more below") && !screen.contains("AutomationExecutionId"), "{screen}");
    for _ in 0..30 {
        d.key(KeyCode::PageDown);
    }
    let screen = d.screen(80, 24);
    assert!(screen.contains("AutomationExecutionId") && screen.contains("for the top"), "{screen}");
}

/// Where `needle` is in a screen: (column, row), 0-based as crossterm reports mouse events.
fn spot(screen: &str, needle: &str) -> (u16, u16) {
    for (row, line) in screen.lines().enumerate() {
        if let Some(byte) = line.find(needle) {
            return (line[..byte].chars().count() as u16, row as u16);
        }
    }
    panic!("{needle:?} is not on the screen:\n{screen}");
}

fn click(d: &mut Driver, screen: &str, needle: &str) {
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    let (column, row) = spot(screen, needle);
    let kind = MouseEventKind::Down(MouseButton::Left);
    d.apply(Action::Mouse(MouseEvent { kind, column, row, modifiers: KeyModifiers::NONE }));
}

/// Issue 12: a click acts on what the last frame drew there: a product row, a form field, a
/// dialog's button; outside a question it does nothing.
#[tokio::test]
async fn clicks_select_rows_focus_fields_and_answer_dialogs() {
    let mut d = Driver::new(1.0).await;
    let screen = d.screen(120, 40);
    click(&mut d, &screen, "orders-db-prod");
    assert_eq!(d.app.list.selected_product().unwrap().name, "orders-db-prod");
    d.pick(WEB, "AWS-CreateImage").await;
    d.open_form().await;
    let screen = d.screen(120, 40);
    let Some(FormScreen::Ready(form)) = d.app.form() else { panic!("the form") };
    let before = form.focus;
    let second = form.fields[1].name.clone();
    click(&mut d, &screen, &format!("  {second}  "));
    let Some(FormScreen::Ready(form)) = d.app.form() else { panic!("the form") };
    assert_ne!(before, form.focus);
    assert_eq!(form.fields[form.focus].name, second, "the clicked field has the focus");
    // A change (NoReboot is a pick list: Space chooses), then Esc: the question is modal; a
    // click outside it does nothing, its button answers.
    d.key(KeyCode::Char(' '));
    d.key(KeyCode::Esc);
    let screen = d.screen(120, 40);
    assert!(screen.contains("Drop the changes?"), "{screen}");
    click(&mut d, &screen, "sctui");
    assert!(d.screen(120, 40).contains("Drop the changes?"), "a click outside a question does nothing");
    click(&mut d, &screen, "[ Keep editing (n) ]");
    assert!(!d.screen(120, 40).contains("Drop the changes?") && d.app.form().is_some());
}

/// Issue 13: the run on screen shows its SSM Automation: each step, the failing one's reason
/// whole; an execution the record does not name is found by search; when several fit, the
/// operator picks (sctui never guesses).
#[tokio::test]
async fn the_run_view_shows_the_ssm_steps_found_by_outputs_or_search() {
    use sctui::tui::runbook::Steps;
    let over = |a: &App, n: usize| matches!(&a.runs.list[n].steps, Some(Steps::Ready(x)) if x.is_over());
    let mut d = Driver::new(0.0).await;
    d.pick("orders-db-prod", "AWS-StopRdsInstance").await;
    d.open_form().await;
    d.ctrl('s');
    d.key(KeyCode::Char('y'));
    d.until("the failed run's steps", |a| over(a, 0)).await;
    let screen = d.screen(120, 60);
    assert!(screen.contains("AssertNotStopped") && screen.contains("StopInstance"), "{screen}");
    assert!(screen.contains("Step StopInstance failed"), "{screen}");
    assert!(screen.contains("Step fails when it is Calling StopDBInstance"), "{screen}");
    assert!(screen.contains("Invocation · Unknown"), "FailureDetails: {screen}");

    // StartEC2Instance's record does not name its execution: found by search.
    d.key(KeyCode::Esc);
    d.pick(WEB, "AWS-StartEC2Instance").await;
    d.open_form().await;
    d.ctrl('s');
    d.key(KeyCode::Char('y'));
    d.until("the searched steps", |a| over(a, 1)).await;
    let screen = d.screen(120, 50);
    assert!(screen.contains("AWS-StartEC2Instance · Success") && screen.contains("startInstances"), "{screen}");

    // The same action on another product within the window: two executions fit the search,
    // and the product's own resources (its TARGET) tell them apart.
    d.key(KeyCode::Esc);
    d.pick("web-prod-02", "AWS-StartEC2Instance").await;
    d.open_form().await;
    d.ctrl('s');
    d.key(KeyCode::Char('y'));
    d.until("told apart", |a| over(a, 2)).await;
    // The same run again on the same product: two executions carry the same parameters, and
    // sctui asks.
    d.key(KeyCode::Esc);
    d.pick(WEB, "AWS-StartEC2Instance").await;
    d.open_form().await;
    d.ctrl('s');
    d.key(KeyCode::Char('y'));
    d.until(
        "the choice",
        |a| matches!(&a.runs.list[3].steps, Some(Steps::Choose { candidates, .. }) if candidates.len() == 2),
    )
    .await;
    assert_eq!(d.app.key_mode(), sctui::tui::keymap::KeyMode::RunChoose);
    let screen = d.screen(120, 50);
    assert!(screen.contains("which SSM execution is this run's?") && screen.contains("does not guess"), "{screen}");
    d.key(KeyCode::Down);
    let Some(Steps::Choose { candidates, selected }) = d.app.runs.list[3].steps.clone() else { panic!("choose") };
    let picked = candidates[selected].automation_execution_id.clone();
    d.key(KeyCode::Enter);
    d.until("the picked execution", |a| over(a, 3)).await;
    let Some(Steps::Ready(a)) = &d.app.runs.list[3].steps else { panic!("ready") };
    assert_eq!(a.automation_execution_id, picked, "the one the operator picked");
}

/// Issue 13: `x` on a running run asks, then stops its SSM automation; on production the
/// product's name is typed first. The execution ends Cancelled and the record FAILED.
#[tokio::test]
async fn x_stops_the_runs_automation_after_asking() {
    use sctui::tui::runbook::Steps;
    let mut d = Driver::new(1.0).await;
    d.app.session.production = true;
    d.pick(WEB, RESTART).await;
    d.open_form().await;
    d.ctrl('s');
    d.key(KeyCode::Enter);
    d.type_text(WEB);
    d.emu.set_time_scale(10.0); // a long run
    d.key(KeyCode::Enter);
    d.until("its steps", |a| a.runs.list.first().is_some_and(|r| r.stoppable())).await;
    d.key(KeyCode::Char('x'));
    assert_eq!(d.app.key_mode(), sctui::tui::keymap::KeyMode::ConfirmStop);
    let screen = d.screen(100, 30);
    assert!(screen.contains("Stop the automation?") && screen.contains("Type the product's name"), "{screen}");
    d.key(KeyCode::Enter);
    assert!(d.app.overlay.is_some(), "production: nothing happens before the name is typed");
    assert_eq!(d.emu.stats().requests.get("StopAutomationExecution"), None);
    d.type_text(WEB);
    d.key(KeyCode::Enter);
    d.until("the stop answered", |a| a.session.toast.as_ref().is_some_and(|t| t.text.starts_with("Stopped"))).await;
    d.until("the record's end", |a| a.runs.list[0].status() == Some(&RecordStatus::Failed)).await;
    d.until("the steps' end", |a| {
        matches!(&a.runs.list[0].steps, Some(Steps::Ready(x)) if x.automation_execution_status.as_deref() == Some("Cancelled"))
    })
    .await;
    let screen = d.screen(120, 50);
    assert!(screen.contains("AutomationExecutionCancelled"), "{screen}");
    assert!(!d.app.runs.list[0].stoppable(), "nothing more to stop");
}

/// Issue 13: the form describes each parameter as the SSM document does (type, required or its
/// default, description), and a required text value left empty blocks the review with the
/// reason.
#[tokio::test]
async fn the_form_describes_parameters_from_the_ssm_document() {
    let mut d = Driver::new(0.0).await;
    d.pick(WEB, "AWS-ResizeInstance").await;
    d.open_form().await;
    let form = d.screen(120, 40);
    assert!(
        form.contains(
            "String · required · pattern ^[a-z][a-z0-9-]*\\.[a-z0-9]+$ · (Required) The desired instance type."
        ),
        "{form}"
    );
    d.ctrl('s');
    assert!(d.app.review().is_none(), "blocked: InstanceType is required");
    let toast = d.app.session.toast.as_ref().map(|t| t.text.clone()).unwrap_or_default();
    assert!(toast.contains("InstanceType: required by the SSM document"), "{toast}");
    d.key(KeyCode::Tab); // to InstanceType
    // The document's pattern is checked as the value is typed.
    d.type_text("large");
    let form = d.screen(120, 40);
    assert!(form.contains("✗ \"large\" does not match the SSM document's pattern"), "{form}");
    d.ctrl('s');
    assert!(d.app.review().is_none(), "blocked: the value does not match");
    for _ in 0.."large".len() {
        d.key(KeyCode::Backspace);
    }
    d.type_text("t3.large");
    d.key(KeyCode::Enter);
    d.ctrl('s');
    let review = d.app.review().expect("the review, once the value is there");
    assert_eq!(review.parameters.as_ref().unwrap()["InstanceType"], ["t3.large"]);
    // SSM's execution preview of that run, in one line.
    d.until("the preview", |a| !matches!(a.review().map(|r| &r.preview), Some(Preview::Loading))).await;
    let screen = d.screen(120, 40);
    assert!(
        screen.contains(
            "SSM preview   3 AWS::EC2::Instance · 1 account · eu-west-1 · steps: 3 change resources, 2 only read"
        ),
        "{screen}"
    );
}

/// Issue 13: allowed values are a pick list (Space chooses); the review's preview says what the
/// run would touch.
#[tokio::test]
async fn allowed_values_are_a_pick_list_in_the_form() {
    let mut d = Driver::new(0.0).await;
    d.pick(WEB, "AWS-CreateImage").await;
    d.open_form().await;
    d.key(KeyCode::Tab); // NoReboot
    let form = d.screen(120, 40);
    assert!(form.contains("NoReboot  TEXT_VALUE   → sends nothing: the SSM document's default applies"), "{form}");
    assert!(form.contains("( ) true") && form.contains("( ) false"), "{form}");
    d.key(KeyCode::Char('j'));
    d.key(KeyCode::Char(' '));
    let form = d.screen(120, 40);
    assert!(form.contains("(•) false") && form.contains("→ sends false"), "{form}");
    d.key(KeyCode::Char('d'));
    assert!(d.screen(120, 40).contains("( ) false"), "d: back to the document's default");
    d.key(KeyCode::Char(' '));
    d.ctrl('s');
    let review = d.app.review().expect("the review");
    assert_eq!(review.parameters.as_ref().unwrap()["NoReboot"], ["false"]);
    d.until("the preview", |a| matches!(a.review().map(|r| &r.preview), Some(Preview::Ready(_)))).await;
    assert!(d.screen(120, 40).contains("SSM preview   3 AWS::EC2::Instance"));
}

/// Issue 13: an admin whose boundary denies ssm:GetDocument and the execution preview (AWS's
/// end-user policy grants neither): the form still works and says what it lacks; the review
/// says in one line why there is no preview.
#[tokio::test]
async fn without_getdocument_the_form_says_what_it_lacks() {
    use sctui::emulator::world::{Policy, Principal};
    let mut w = world(0);
    w.principals.push(Principal {
        access_key: "AKIADEMOBOUNDED00001".into(),
        arn: "arn:aws:iam::123456789012:user/bounded-admin".into(),
        policy: Policy::Admin,
        deny: vec!["ssm:GetDocument".into(), "ssm:StartExecutionPreview".into()],
    });
    let options = sctui::emulator::Options { time_scale: 0.0, ..Default::default() };
    let emu = sctui::emulator::start_local(w, options).await.unwrap();
    let (_, region) = emu.account_and_region();
    let bounded =
        sctui::catalog::CatalogClient::demo_as(&emu.url(), &region, &fast_settings(3), "AKIADEMOBOUNDED00001");
    let dir = tempfile::tempdir().unwrap();
    let mut d = Driver::with(emu, bounded, &dir.path().join("journal.jsonl")).await;
    d.pick(WEB, "AWS-ResizeInstance").await;
    d.open_form().await;
    let form = d.screen(120, 40);
    assert!(form.contains("Parameters    allowed values and patterns unknown: needs ssm:GetDocument"), "{form}");
    assert!(
        form.contains("String · required · (Required) The desired instance type."),
        "described, no pattern: {form}"
    );
    d.key(KeyCode::Tab); // InstanceType: its pattern is not known, so not checked
    d.type_text("huge");
    d.ctrl('s');
    assert!(d.app.review().is_some(), "nothing unknown blocks the review");
    d.until("the preview", |a| matches!(a.review().map(|r| &r.preview), Some(Preview::Unavailable(_)))).await;
    let screen = d.screen(120, 40);
    assert!(screen.contains("SSM preview   not allowed: needs ssm:StartExecutionPreview"), "{screen}");
}

/// Issue 15 in the TUI: a run's end reaches the notify command (the same Runner as the headless
/// commands), and a notification that fails is said on the message line, the run unaffected.
#[tokio::test]
async fn the_tui_notifies_a_run_end_and_shows_a_failed_notification() {
    let mut d = Driver::new(0.0).await;
    let dir = tempfile::tempdir().unwrap();
    let got = dir.path().join("event.json");
    let settings = sctui::notify::NotifySettings {
        command: Some(format!("cat > {}; echo refused >&2; exit 3", got.display())),
        webhook: None,
        timeout: Duration::from_secs(10),
    };
    d.rt.set_notifier(sctui::notify::Notifier::new(settings));
    d.pick(WEB, RESTART).await;
    d.open_form().await;
    d.ctrl('s');
    d.key(KeyCode::Char('y'));
    d.until("the run ended", |a| a.runs.list.first().is_some_and(|r| r.phase == RunPhase::Ended)).await;
    d.until("the failed notification said", |a| {
        a.session.toast.as_ref().is_some_and(|t| t.text.contains("the notify command failed: it exited with"))
    })
    .await;
    let toast = d.app.session.toast.clone().unwrap().text;
    assert!(toast.contains("refused"), "what it said on stderr: {toast}");
    // o on the run: its console links, through the same copy as c (OSC 52).
    d.until("its SSM execution", |a| matches!(a.runs.list[0].steps, Some(sctui::tui::runbook::Steps::Ready(_)))).await;
    let effects =
        sctui::tui::app::update(&mut d.app, Action::Key(KeyEvent::new(KeyCode::Char('o'), KeyModifiers::NONE)));
    let run = &d.app.runs.list[0];
    let Some(sctui::tui::effect::Effect::Copy(text)) = effects.first() else { panic!("{effects:?}") };
    let Some(sctui::tui::runbook::Steps::Ready(a)) = &run.steps else { unreachable!() };
    let want = sctui::runs::console::run_links(
        "eu-west-1",
        &run.product.id,
        Some(&run.record.as_ref().unwrap().record_id),
        Some(&a.automation_execution_id),
    );
    assert_eq!(text, &want.join("  "));
    assert_eq!(d.app.runs.list[0].status(), Some(&RecordStatus::Succeeded));
    let e: serde_json::Value = serde_json::from_slice(&std::fs::read(&got).unwrap()).unwrap();
    assert_eq!(
        (e["kind"].as_str(), e["status"].as_str(), e["product_name"].as_str()),
        (Some("run_ended"), Some("SUCCEEDED"), Some(WEB))
    );
}

/// Issue 15 in the TUI: the review of a production run asks the change calendars; while one is
/// CLOSED the run is refused, and `:override-freeze REASON` on the review runs it, the journal
/// keeping the reason.
#[tokio::test]
async fn a_change_freeze_holds_the_review_until_a_reason_is_given() {
    let mut d = Driver::new(0.0).await;
    d.app.session.production = true;
    d.app.session.settings.config.freeze_calendars = vec!["prod-change-freeze".into()];
    assert!(d.emu.set_calendar("prod-change-freeze", "CLOSED"));
    d.pick(WEB, RESTART).await;
    d.open_form().await;
    d.ctrl('s');
    d.until("the calendars' answer", |a| {
        matches!(a.review().map(|r| &r.freeze), Some(sctui::tui::screen::review::FreezeCheck::Held { .. }))
    })
    .await;
    let screen = d.screen(120, 40);
    assert!(screen.contains("FREEZE: change calendar prod-change-freeze: CLOSED"), "{screen}");
    d.key(KeyCode::Enter);
    d.type_text(WEB);
    d.key(KeyCode::Enter);
    assert!(d.app.runs.list.is_empty(), "nothing was sent");
    assert!(d.app.session.toast.as_ref().is_some_and(|t| t.text.contains("FREEZE")));
    d.key(KeyCode::Esc);
    d.key(KeyCode::Char(':'));
    d.type_text("override-freeze CHG-9 approved by the change board");
    d.key(KeyCode::Enter);
    assert!(d.screen(120, 40).contains("FREEZE overridden"));
    d.key(KeyCode::Enter);
    d.key(KeyCode::Enter);
    d.until("the run ended", |a| a.runs.list.first().is_some_and(|r| r.phase == RunPhase::Ended)).await;
    let journal = d.rt.journal_path().unwrap();
    let (events, _) = sctui::runs::journal::Journal::read(&journal).unwrap();
    let runs = sctui::runs::journal::runs(&events);
    let f = runs[0].freeze.as_ref().expect("journaled with the freeze");
    assert_eq!((f.state.as_str(), f.reason.as_str()), ("CLOSED", "CHG-9 approved by the change board"));
}
