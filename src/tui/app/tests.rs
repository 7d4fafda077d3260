//! `update` driven by actions alone: no I/O, no clock, ids counted.

use super::*;
use crate::catalog::ErrorKind;
use crate::domain::{ExecutionParameter, Page, ProductStatus, RecordDetail, RecordStatus};
use crate::tui::runbook::{NewRun, RunPhase};
use crate::tui::session::CountedIds;
use crossterm::event::{KeyCode, KeyModifiers};
use std::sync::Arc;

fn key(c: KeyCode) -> Action {
    Action::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

fn ch(c: char) -> Action {
    key(KeyCode::Char(c))
}

fn ctrl(c: char) -> Action {
    Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        update(app, ch(c));
    }
}

fn product(i: usize, status: &str) -> ProvisionedProduct {
    ProvisionedProduct {
        name: format!("web-{i:02}"),
        id: format!("pp-{i:013}"),
        status: Some(ProductStatus::parse(status)),
        product_id: Some("prod-1".into()),
        product_name: Some("EC2 Web Server".into()),
        provisioning_artifact_id: Some(if i.is_multiple_of(2) { "pa-even" } else { "pa-odd" }.into()),
        ..Default::default()
    }
}

fn new_app(target: Target) -> App {
    App::new(Theme::plain_unicode(), target, Timestamp(1000.0), Box::new(CountedIds::default()))
}

fn demo() -> Target {
    Target { demo: true, ..Default::default() }
}

fn app_with(n: usize) -> App {
    let mut app = new_app(demo());
    app.start();
    let items = (0..n).map(|i| product(i, "AVAILABLE")).collect();
    update(
        &mut app,
        Action::ProductsPage {
            generation: 1,
            cell: None,
            page: Page { items, next_token: None, total: Some(n as i32) },
        },
    );
    app
}

fn open_form(app: &mut App) {
    let version = crate::tui::screen::browse::actions_key(app.list.selected_product().unwrap()).unwrap();
    let restart = ServiceAction { id: "act-1".into(), name: "AWS-RestartEC2Instance".into(), ..Default::default() };
    update(app, Action::ActionsLoaded { key: version, result: Ok(Arc::new(vec![restart])) });
    if app.key_mode() == KeyMode::Products {
        update(app, key(KeyCode::Tab));
    }
    let effects = update(app, key(KeyCode::Enter));
    assert!(matches!(&effects[..], [Effect::LoadForm { action_id, .. }] if action_id == "act-1"));
    let pp_id = app.list.selected_product().unwrap().id.clone();
    let params = vec![
        ExecutionParameter {
            name: "InstanceId".into(),
            kind: "TARGET".into(),
            default_values: vec!["i-1".into(), "i-2".into()],
        },
        ExecutionParameter { name: "Reason".into(), kind: "TEXT_VALUE".into(), default_values: vec![] },
    ];
    update(
        app,
        Action::FormLoaded {
            pp_id,
            action_id: "act-1".into(),
            result: Ok((params, Default::default())),
            definition_missing: None,
        },
    );
}

#[test]
fn demo_starts_loading_products_and_live_starts_connecting() {
    let mut demo = new_app(demo());
    assert!(matches!(
        demo.start()[..],
        [Effect::LoadProducts { generation: 1, .. }, Effect::LoadJournal, Effect::LoadIdentity]
    ));
    let mut live = new_app(Target::default());
    assert_eq!(live.start(), vec![Effect::Connect]);
    assert_eq!(live.session.conn, Conn::Resolving);
}

#[test]
fn the_first_page_selects_and_fetches_actions_once_per_version() {
    let mut app = new_app(demo());
    app.start();
    let items = vec![product(0, "AVAILABLE"), product(1, "AVAILABLE"), product(2, "AVAILABLE")];
    let page = Page { items, next_token: Some("t".into()), total: Some(5) };
    let effects = update(&mut app, Action::ProductsPage { generation: 1, cell: None, page });
    assert!(matches!(&effects[..], [Effect::LoadActions { version_id, .. }] if version_id == "pa-even"));
    assert!(!app.list.loading.done);
    let effects = update(&mut app, ch('j'));
    assert!(matches!(&effects[..], [Effect::LoadActions { version_id, .. }] if version_id == "pa-odd"));
    assert!(update(&mut app, ch('j')).is_empty(), "pa-even is already fetched");
    assert!(update(&mut app, ch('k')).is_empty(), "pa-odd too");
}

#[test]
fn stale_pages_are_ignored() {
    let mut app = app_with(3);
    update(&mut app, ch('r'));
    let page = Page { items: vec![product(9, "ERROR")], next_token: None, total: None };
    update(&mut app, Action::ProductsPage { generation: 1, cell: None, page });
    assert_eq!(app.list.len(), 3);
}

#[test]
fn the_selection_follows_the_product_across_a_refresh() {
    let mut app = app_with(5);
    update(&mut app, ch('j'));
    update(&mut app, ch('j'));
    assert_eq!(app.list.selected_product().unwrap().name, "web-02");
    update(&mut app, ch('r'));
    // The refreshed list comes back in another order, in two pages.
    let first = vec![product(4, "AVAILABLE"), product(3, "AVAILABLE")];
    let page = Page { items: first, next_token: Some("t".into()), total: Some(5) };
    update(&mut app, Action::ProductsPage { generation: 2, cell: None, page });
    let rest = vec![product(2, "UNDER_CHANGE"), product(1, "AVAILABLE"), product(0, "AVAILABLE")];
    update(
        &mut app,
        Action::ProductsPage {
            generation: 2,
            cell: None,
            page: Page { items: rest, next_token: None, total: Some(5) },
        },
    );
    assert_eq!(app.list.selected_product().unwrap().name, "web-02");
    assert_eq!(app.list.selected, 2);
}

#[test]
fn filter_as_you_type_then_enter_keeps_it_and_esc_clears_it() {
    let mut app = app_with(12);
    update(&mut app, ch('/'));
    assert_eq!(app.key_mode(), KeyMode::Filter);
    update(&mut app, ch('1'));
    assert_eq!(app.list.visible.len(), 3, "web-01, web-10, web-11");
    update(&mut app, ch('1'));
    assert_eq!(app.list.visible.len(), 1);
    update(&mut app, key(KeyCode::Enter));
    assert_eq!(app.key_mode(), KeyMode::Products);
    assert_eq!(app.list.selected_product().unwrap().name, "web-11");
    assert_eq!(app.list.filter.value(), "11");
    update(&mut app, ch('/'));
    update(&mut app, key(KeyCode::Esc));
    assert_eq!(app.list.visible.len(), 12);
    assert_eq!(app.list.selected_product().unwrap().name, "web-11", "still selected after clearing");
}

#[test]
fn q_asks_first_when_runs_are_in_flight() {
    let mut app = app_with(1);
    assert_eq!(update(&mut app, ch('q')), vec![Effect::Quit]);
    let mut app = app_with(1);
    let new = NewRun {
        product: product(0, "AVAILABLE"),
        action: ServiceAction::default(),
        document: None,
        parameters: None,
        token: "t".into(),
        journal_id: "j-1".into(),
        phase: RunPhase::Watching,
    };
    app.runs.add(new, Timestamp(0.0));
    assert!(update(&mut app, ch('q')).is_empty());
    assert_eq!(app.key_mode(), KeyMode::ConfirmQuit);
    update(&mut app, ch('n'));
    assert!(app.overlay.is_none() && !app.quit);
    update(&mut app, ch('q'));
    assert_eq!(update(&mut app, ch('y')), vec![Effect::Quit]);
}

#[test]
fn form_review_execute_watch_with_ids_from_the_source() {
    let mut app = app_with(2);
    open_form(&mut app);
    assert_eq!(app.key_mode(), KeyMode::FormChecklist);
    update(&mut app, ch(' ')); // unselect i-1
    update(&mut app, key(KeyCode::Tab));
    assert_eq!(app.key_mode(), KeyMode::FormText);
    typed(&mut app, "CHG-42 q");
    update(&mut app, ctrl('s'));
    let review = app.review().cloned().unwrap();
    let params = review.parameters.unwrap();
    assert_eq!(params["InstanceId"], ["i-2"]);
    assert_eq!(params["Reason"], ["CHG-42 q"], "q was typed, not taken as quit");
    assert!(!review.on_execute, "Cancel is the default");
    assert_eq!(review.token, "00000000-0000-4000-8000-000000000001", "the token comes from the id source");
    // Enter on the default button cancels: the form comes back with what was typed.
    update(&mut app, key(KeyCode::Enter));
    assert!(matches!(app.form(), Some(FormScreen::Ready(f)) if f.parameters().unwrap()["Reason"] == ["CHG-42 q"]));
    update(&mut app, ctrl('s'));
    let effects = update(&mut app, ch('y'));
    let Some(Effect::Execute { run, spec }) = effects.first().cloned() else { panic!("{effects:?}") };
    assert!(matches!(app.screen, Screen::Run(RunScreen { id, .. }) if id == run));
    assert_eq!(app.runs.in_flight(), 1);
    assert_eq!(
        (spec.token.as_str(), spec.run.as_str()),
        ("00000000-0000-4000-8000-000000000002", "00000000-0000-4000-8000-000000000003")
    );
    let record = RecordDetail { record_id: "rec-1".into(), status: Some(RecordStatus::Created), ..Default::default() };
    let effects = update(&mut app, Action::RunSubmitted { run, record: record.clone() });
    // The Execute task follows the record itself; the run on screen asks for its SSM steps.
    assert!(matches!(&effects[..], [Effect::LoadSteps { known: None, .. }]), "{effects:?}");
    assert_eq!(spec.parameters.unwrap()["InstanceId"], ["i-2"]);
    assert_eq!(app.list.products().next().unwrap().status, Some(ProductStatus::UnderChange));
    let done = RecordDetail { status: Some(RecordStatus::Succeeded), updated_time: Some(Timestamp(5.0)), ..record };
    let effects = update(&mut app, Action::RecordPolled { run, result: Ok((done, vec![])) });
    assert!(effects.contains(&Effect::Bell));
    assert_eq!(app.runs.in_flight(), 0);
    let statuses: Vec<_> = app.runs.list[0].timeline.iter().map(|t| t.1.as_str()).collect();
    assert_eq!(statuses, ["CREATED", "SUCCEEDED"]);
    // Issue 12: Esc from the run view (or the runs list) is back to the products pane, not to
    // the actions pane the form was opened from.
    update(&mut app, key(KeyCode::Esc));
    assert_eq!((app.key_mode(), app.list.pane), (KeyMode::Products, crate::tui::screen::browse::Pane::Products));
    update(&mut app, ch('R'));
    update(&mut app, key(KeyCode::Esc));
    assert_eq!(app.key_mode(), KeyMode::Products);
}

#[test]
fn production_review_executes_only_once_the_name_is_typed() {
    let mut app = app_with(2);
    app.session.production = true;
    open_form(&mut app);
    update(&mut app, ctrl('s'));
    assert_eq!(app.key_mode(), KeyMode::ReviewConfirm);
    // Before Enter gives the name field the keys, keys are commands: c copies, y does nothing.
    assert!(matches!(update(&mut app, ch('c'))[..], [Effect::Copy(_)]), "c copies the CLI line");
    assert!(update(&mut app, ch('y')).is_empty());
    update(&mut app, key(KeyCode::Enter));
    assert_eq!(app.key_mode(), KeyMode::ReviewTyping);
    assert_eq!(app.review().unwrap().confirm.as_ref().unwrap().value(), "", "nothing typed before Enter");
    // y is a letter of the confirmation here, not "execute".
    assert!(update(&mut app, ch('y')).is_empty());
    assert!(update(&mut app, key(KeyCode::Enter)).is_empty(), "y is not the product's name");
    assert!(app.session.toast.as_ref().unwrap().text.contains("PRODUCTION"));
    update(&mut app, key(KeyCode::Backspace));
    let name = app.list.selected_product().unwrap().name.clone();
    typed(&mut app, &name);
    let effects = update(&mut app, key(KeyCode::Enter));
    assert!(matches!(effects.first(), Some(Effect::Execute { .. })), "{effects:?}");
}

#[test]
fn the_palette_runs_commands_and_the_demo_keeps_its_one_world() {
    let mut app = app_with(12);
    update(&mut app, ch(':'));
    assert_eq!(app.key_mode(), KeyMode::Palette);
    typed(&mut app, "filter 1");
    update(&mut app, key(KeyCode::Enter));
    assert!(app.overlay.is_none());
    assert_eq!(app.list.visible.len(), 3, "web-01, web-10, web-11");
    update(&mut app, ch(':'));
    typed(&mut app, "profile prod");
    assert!(update(&mut app, key(KeyCode::Enter)).is_empty(), "no reconnect in the demo");
    assert!(app.session.toast.as_ref().unwrap().text.contains("demo has one world"));
    update(&mut app, ch(':'));
    update(&mut app, key(KeyCode::Esc));
    assert!(app.overlay.is_none());
}

#[test]
fn the_palette_switches_the_access_level_and_reloads() {
    let mut app = app_with(3);
    update(&mut app, ch(':'));
    typed(&mut app, "access role");
    let effects = update(&mut app, key(KeyCode::Enter));
    assert!(
        matches!(
            &effects[..],
            [Effect::SetAccessLevel(crate::domain::AccessLevel::Role), Effect::LoadProducts { generation: 2, .. }]
        ),
        "{effects:?}"
    );
}

#[test]
fn only_the_newest_connection_attempt_counts() {
    let mut app = new_app(Target::default());
    app.start();
    let gen_of = |effects: Vec<Effect>| match effects.as_slice() {
        [Effect::Reconnect { generation, .. }] => *generation,
        other => panic!("{other:?}"),
    };
    update(&mut app, ch(':'));
    typed(&mut app, "profile one");
    let first = gen_of(update(&mut app, key(KeyCode::Enter)));
    update(&mut app, ch(':'));
    typed(&mut app, "profile two");
    let second = gen_of(update(&mut app, key(KeyCode::Enter)));
    assert!(second > first);
    let failed = |what: &str| Err(Error::new(ErrorKind::Credentials, "Connect", what));
    update(&mut app, Action::ClientReady { generation: first, result: failed("old") });
    assert_eq!(app.session.conn, Conn::Resolving, "the older attempt's answer is dropped");
    update(&mut app, Action::ClientReady { generation: second, result: failed("new") });
    assert!(matches!(&app.session.conn, Conn::Failed(e) if e.contains("new")));
    assert_eq!(app.session.target.profile.as_deref(), Some("two"));
}

#[test]
fn a_production_account_is_recognised_once_the_identity_is_known() {
    let mut app = app_with(1);
    app.session.settings.config.production_accounts = vec!["123456789012".into()];
    assert!(!app.session.production);
    let arn = "arn:aws:iam::123456789012:user/x".to_string();
    update(&mut app, Action::IdentityLoaded(Ok(("123456789012".into(), arn))));
    assert!(app.session.production);
    let mut other = app_with(1);
    other.session.settings.config.production_accounts = vec!["123456789012".into()];
    let arn = "arn:aws:iam::210987654321:user/x".to_string();
    update(&mut other, Action::IdentityLoaded(Ok(("210987654321".into(), arn))));
    assert!(!other.session.production);
}

#[test]
fn an_unknown_identity_is_production_when_the_config_names_production_accounts() {
    let mut app = app_with(1);
    app.session.settings.config.production_accounts = vec!["123456789012".into()];
    let denied = Error::new(ErrorKind::AccessDenied, "GetCallerIdentity", "no");
    update(&mut app, Action::IdentityLoaded(Err(denied.clone())));
    assert!(app.session.production, "fails closed");
    assert!(app.session.toast.as_ref().unwrap().text.contains("treated as PRODUCTION"));
    let mut free = app_with(1);
    update(&mut free, Action::IdentityLoaded(Err(denied)));
    assert!(!free.session.production, "no production accounts named: nothing to guard");
}

#[test]
fn review_is_refused_while_a_field_breaks_a_limit() {
    let mut app = app_with(1);
    open_form(&mut app);
    update(&mut app, key(KeyCode::Tab));
    update(&mut app, Action::Paste("x".repeat(513)));
    update(&mut app, ctrl('s'));
    assert!(app.form().is_some(), "still on the form");
    assert!(app.session.toast.as_ref().unwrap().text.contains("513"));
}

#[test]
fn a_busy_product_is_explained_in_the_operators_words() {
    let e = Error::new(ErrorKind::InvalidState, "ExecuteProvisionedProductServiceAction", "x");
    assert_eq!(
        crate::tui::runbook::operator_message(&e, Some("web-prod-01")),
        "web-prod-01 is UNDER_CHANGE: another operation is running on it; wait until it finishes"
    );
}

#[test]
fn idle_ticks_do_not_redraw() {
    let mut app = app_with(3);
    app.dirty = false;
    update(&mut app, Action::Tick(Timestamp(2000.0)));
    assert!(!app.animating());
    assert!(!app.dirty);
}

#[test]
fn a_result_for_a_screen_that_has_gone_is_dropped() {
    let mut app = app_with(2);
    update(&mut app, ch('h'));
    assert!(app.history().is_some());
    update(&mut app, key(KeyCode::Esc));
    assert!(matches!(app.screen, Screen::Browse(_)), "Back drops the history");
    let page = Page { items: vec![RecordDetail::default()], next_token: None, total: None };
    update(&mut app, Action::HistoryPage { pp_id: "pp-0000000000000".into(), result: Ok(page) });
    assert!(matches!(app.screen, Screen::Browse(_)));
}

/// An earlier session's run that no record is clearly the one of, on screen with its choices.
fn uncertain_run_on_screen(app: &mut App) {
    let requested = crate::runs::journal::Event::Requested {
        run: "old-1".into(),
        at: Timestamp(0.0),
        caller: None,
        profile: None,
        region: None,
        endpoint: None,
        demo: false,
        account: None,
        role: None,
        product_id: "pp-0000000000000".into(),
        product_name: "web-00".into(),
        action_id: "act-1".into(),
        action_name: "Restart".into(),
        parameters: None,
        token: "t-1".into(),
        recording: None,
        freeze: None,
        sctui: None,
    };
    let open = crate::runs::journal::runs(&[requested]);
    update(app, Action::JournalLoaded { open, problems: vec![], closed_demo: 0 });
    let run = app.runs.list.last().unwrap().id;
    let error = crate::runs::RunError::Uncertain("no record".into());
    update(app, Action::RunFailed { run, error });
    app.overlay = None;
    app.screen = Screen::Run(crate::tui::screen::run::RunScreen::of(run));
}

/// The first run on screen, with what is known of its SSM execution.
fn steps_on_screen(app: &mut App, steps: crate::tui::runbook::Steps) {
    let run = app.runs.list[0].id;
    if let Some(r) = app.runs.list.iter_mut().find(|r| r.id == run) {
        r.steps = Some(steps);
        r.record.get_or_insert_with(Default::default);
    }
    app.screen = Screen::Run(crate::tui::screen::run::RunScreen::of(run));
}

/// Every key table has a key that really leaves it: pressed, the mode is another one.
#[test]
fn every_mode_has_a_way_out() {
    use crate::tui::runbook::Steps;
    let mut seen = std::collections::BTreeSet::new();
    let mut leaves = |app: &mut App, out: Action| {
        let before = app.key_mode();
        seen.insert(format!("{before:?}"));
        update(app, out.clone());
        assert_ne!(app.key_mode(), before, "{out:?} did not leave {before:?}");
    };
    let mut app = app_with(2);
    update(&mut app, ch('/'));
    leaves(&mut app, key(KeyCode::Esc)); // Filter
    update(&mut app, ch('?'));
    leaves(&mut app, key(KeyCode::Esc)); // Help
    update(&mut app, ch(':'));
    leaves(&mut app, key(KeyCode::Esc)); // Palette
    update(&mut app, ch('h'));
    leaves(&mut app, key(KeyCode::Esc)); // History
    update(&mut app, ch('R'));
    update(&mut app, ch('/'));
    leaves(&mut app, key(KeyCode::Esc)); // RunsFilter
    leaves(&mut app, key(KeyCode::Esc)); // Runs
    open_form(&mut app);
    update(&mut app, ch(' ')); // a change: Esc asks first
    leaves(&mut app, key(KeyCode::Esc)); // FormChecklist
    leaves(&mut app, ch('y')); // ConfirmDiscard
    leaves(&mut app, key(KeyCode::Esc)); // Actions
    open_form(&mut app);
    update(&mut app, key(KeyCode::Tab));
    leaves(&mut app, key(KeyCode::Esc)); // FormText
    open_form(&mut app);
    update(&mut app, key(KeyCode::Tab));
    update(&mut app, key(KeyCode::Tab));
    leaves(&mut app, key(KeyCode::Esc)); // FormButton
    open_form(&mut app);
    update(&mut app, ctrl('s'));
    leaves(&mut app, ch('n')); // Review
    app.session.production = true;
    update(&mut app, ctrl('s'));
    leaves(&mut app, key(KeyCode::Enter)); // ReviewConfirm
    leaves(&mut app, key(KeyCode::Esc)); // ReviewTyping
    leaves(&mut app, key(KeyCode::Esc)); // ReviewConfirm
    app.session.production = false;
    update(&mut app, ctrl('s'));
    update(&mut app, ch('y'));
    leaves(&mut app, ch('q')); // Run (q is back, as Esc: quitting is for the top)
    update(&mut app, ch('*')); // every product marked: the next form is a batch
    leaves(&mut app, ch('q')); // Products (quit asks: a run is in flight)
    leaves(&mut app, ch('n')); // ConfirmQuit
    update(&mut app, key(KeyCode::Tab));
    update(&mut app, key(KeyCode::Enter));
    let pp_id = app.list.selected_product().unwrap().id.clone();
    update(
        &mut app,
        Action::FormLoaded {
            pp_id,
            action_id: "act-1".into(),
            result: Ok((vec![], Default::default())),
            definition_missing: None,
        },
    );
    update(&mut app, ctrl('s'));
    leaves(&mut app, ch('n')); // ReviewBatch
    uncertain_run_on_screen(&mut app);
    update(&mut app, ch('x'));
    leaves(&mut app, ch('n')); // ConfirmDecision
    leaves(&mut app, key(KeyCode::Esc)); // RunUncertain
    // A run whose record does not name its SSM execution, several fitting: pick one.
    let candidate = |id: &str| crate::domain::Automation { automation_execution_id: id.into(), ..Default::default() };
    steps_on_screen(&mut app, Steps::Choose { candidates: vec![candidate("a"), candidate("b")], selected: 0 });
    leaves(&mut app, key(KeyCode::Esc)); // RunChoose
    // A run whose SSM execution runs: x asks before stopping it.
    let running =
        crate::domain::Automation { automation_execution_status: Some("InProgress".into()), ..candidate("e") };
    steps_on_screen(&mut app, Steps::Ready(Box::new(running)));
    update(&mut app, ch('x'));
    leaves(&mut app, key(KeyCode::Esc)); // ConfirmStop
    let modes: std::collections::BTreeSet<String> = KeyMode::ALL.iter().map(|m| format!("{m:?}")).collect();
    assert_eq!(seen, modes, "every mode was tried");
}

/// Found by an attacker: a product id with a bracketed-paste end and a command in it went to the
/// clipboard raw. What is copied is what is shown: escaped.
#[test]
fn copied_text_carries_no_control_character() {
    let mut app = new_app(demo());
    app.start();
    let mut evil = product(0, "AVAILABLE");
    evil.id = "pp-\u{1b}[201~\u{15}echo PWNED > FILE\r\u{202e}".into();
    update(
        &mut app,
        Action::ProductsPage {
            generation: 1,
            cell: None,
            page: Page { items: vec![evil], next_token: None, total: None },
        },
    );
    let effects = update(&mut app, ch('c'));
    let [Effect::Copy(text)] = effects.as_slice() else { panic!("{effects:?}") };
    assert!(!text.chars().any(crate::validate::is_unsafe), "{text:?}");
    assert_eq!(text, "pp-\\u{1b}[201~\\u{15}echo PWNED > FILE\\u{d}\\u{202e}");
    assert!(app.session.toast.as_ref().unwrap().text.ends_with(text.as_str()), "the toast shows what was copied");
}

/// Without a journal (read-only file system) sctui is read-only, and stays so on another profile.
#[test]
fn read_only_for_want_of_a_journal_survives_a_profile_switch() {
    let mut app = new_app(Target::default());
    app.session.settings.read_only_flag = true;
    app.session.read_only = true;
    update(&mut app, ch(':'));
    typed(&mut app, "profile other");
    let effects = update(&mut app, key(KeyCode::Enter));
    assert!(matches!(effects[..], [Effect::Reconnect { read_only: true, .. }]), "{effects:?}");
    assert!(app.session.read_only);
}

#[test]
fn a_journal_answer_opens_the_form_only_while_its_history_shows() {
    let mut app = app_with(3);
    let product = app.list.selected_product().cloned().unwrap();
    let found = || Some(("act-1".to_string(), "AWS-RestartEC2Instance".to_string(), None));
    // The operator left the history before the journal answered: the screen stays theirs.
    update(&mut app, Action::JournalRunFound { product: product.clone(), found: found() });
    assert!(matches!(app.screen, Screen::Browse(_)), "{:?}", app.screen);
    let (history, _) = crate::tui::screen::history::open(product.clone());
    app.screen = history;
    update(&mut app, Action::JournalRunFound { product, found: found() });
    assert!(matches!(app.screen, Screen::Form(_)), "{:?}", app.screen);
}

/// Issue 12: the TUI filter takes `field:value` terms, as `products --query` does; several terms
/// must all match.
#[test]
fn the_filter_takes_field_value_terms() {
    let mut app = new_app(demo()).with_client_ready();
    app.start();
    let items = vec![product(0, "AVAILABLE"), product(1, "TAINTED"), product(2, "ERROR"), product(3, "TAINTED")];
    update(
        &mut app,
        Action::ProductsPage { generation: 1, cell: None, page: Page { items, next_token: None, total: Some(4) } },
    );
    let names = |app: &App| app.list.visible.iter().map(|&i| app.list.rows[i].product.name.clone()).collect::<Vec<_>>();
    app.list.set_filter("status:tainted".into());
    assert_eq!(names(&app), ["web-01", "web-03"]);
    app.list.set_filter("status:tainted name:03".into());
    assert_eq!(names(&app), ["web-03"]);
    app.list.set_filter("status:error".into());
    assert_eq!(names(&app), ["web-02"]);
    app.list.set_filter("web-0".into());
    assert_eq!(names(&app).len(), 4, "one word: anywhere, as before");
}

/// Issue 12: read-only, the review offered [Execute (y)] and `y` made a run that looked as if it
/// were going. Now nothing is sent and no run is made; the review says why.
#[test]
fn read_only_review_sends_nothing_and_makes_no_run() {
    let mut app = app_with(2);
    app.session.read_only = true;
    open_form(&mut app);
    update(&mut app, ctrl('s'));
    assert!(app.review().is_some());
    assert!(update(&mut app, ch('y')).is_empty(), "no Execute");
    assert!(app.runs.list.is_empty(), "no run that looks as if it were going");
    assert!(app.review().is_some(), "the review stays");
    assert!(app.session.toast.as_ref().is_some_and(|t| t.text.starts_with("READ-ONLY")));
}

/// Issue 12: a message waiting to expire draws nothing on each tick (it wrote empty frames),
/// and leaving its screen clears it; one raised by the key that changes screen stays.
#[test]
fn a_message_ends_with_its_screen_and_its_ticks_draw_nothing() {
    let mut app = app_with(3);
    app.session.toast("Copied", false);
    app.dirty = false;
    update(&mut app, Action::Tick(Timestamp(1001.0)));
    assert!(!app.dirty, "a tick with only a message waiting draws nothing");
    update(&mut app, ch('R'));
    assert!(app.session.toast.is_none(), "the message ended with the products screen");
    update(&mut app, key(KeyCode::Esc));
    update(&mut app, ch('l'));
    assert!(app.session.toast.as_ref().is_some_and(|t| t.text.contains("No run")), "raised by this key: kept");
}

/// Issue 12: Esc clears a kept filter; Ctrl-D/Ctrl-U move half a page; q goes back from a
/// sub-screen and quits only from the top; the runs list filters.
#[test]
fn keys_operators_expect() {
    let mut app = app_with(30);
    app.session.size = (120, 40);
    update(&mut app, ch('/'));
    typed(&mut app, "web-1");
    update(&mut app, key(KeyCode::Enter));
    assert_eq!(app.list.visible.len(), 10);
    update(&mut app, key(KeyCode::Esc));
    assert_eq!(app.list.visible.len(), 30, "Esc cleared the kept filter");
    let before = app.list.selected;
    update(&mut app, ctrl('d'));
    assert_eq!(app.list.selected, before + 13, "half of a 26-row page");
    update(&mut app, ctrl('u'));
    assert_eq!(app.list.selected, before);
    update(&mut app, ch('h'));
    update(&mut app, ch('q'));
    assert!(matches!(app.screen, Screen::Browse(_)) && !app.quit, "q is back from the history");
    for _ in 0..3 {
        open_form(&mut app);
        update(&mut app, ctrl('s'));
        update(&mut app, ch('y'));
        update(&mut app, key(KeyCode::Esc));
        update(&mut app, ch('j'));
    }
    assert_eq!(app.runs.list.len(), 3);
    update(&mut app, ch('R'));
    update(&mut app, ch('/'));
    assert_eq!(app.key_mode(), KeyMode::RunsFilter);
    typed(&mut app, "nomatch");
    update(&mut app, key(KeyCode::Enter));
    let Screen::Runs(r) = &app.screen else { panic!("runs") };
    assert!(r.shown(&app.runs).is_empty());
    update(&mut app, key(KeyCode::Esc));
    let Screen::Runs(r) = &app.screen else { panic!("Esc clears the filter first") };
    assert_eq!(r.shown(&app.runs).len(), 3);
    update(&mut app, ch('q'));
    assert!(matches!(app.screen, Screen::Browse(_)) && !app.quit);
    update(&mut app, ch('q'));
    assert!(app.quit || app.overlay.is_some(), "q at the top quits (or asks)");
}

/// Issue 12: a palette command that would drop a form is refused there.
#[test]
fn the_palette_never_drops_a_form() {
    let mut app = app_with(3);
    open_form(&mut app);
    update(&mut app, ch(':'));
    typed(&mut app, "filter web");
    update(&mut app, key(KeyCode::Enter));
    assert!(matches!(app.screen, Screen::Form(_)), "still on the form");
    assert!(app.session.toast.as_ref().is_some_and(|t| t.text.contains("Finish or cancel the form first")));
}

/// Issue 12: the products pane keeps its page while the selection moves inside it, and moves by
/// half a page past an edge; versions sort as people read them.
#[test]
fn the_page_stays_until_the_selection_leaves_it_and_versions_sort_naturally() {
    use crate::tui::screen::browse::{natural_cmp, page_offset};
    assert_eq!(page_offset(0, 5, 20, 100), 0);
    assert_eq!(page_offset(0, 19, 20, 100), 0);
    assert_eq!(page_offset(0, 20, 20, 100), 10, "past the edge: the selection in the middle");
    assert_eq!(page_offset(10, 25, 20, 100), 10, "inside the page: it stays");
    assert_eq!(page_offset(10, 9, 20, 100), 0);
    assert_eq!(page_offset(50, 99, 20, 100), 80, "never past the end");
    assert_eq!(page_offset(70, 5, 20, 10), 0, "a short list");
    assert_eq!(natural_cmp("v1.10.0", "v1.9.2"), std::cmp::Ordering::Greater);
    assert_eq!(natural_cmp("v2.0.0", "v10.0.0"), std::cmp::Ordering::Less);
    assert_eq!(natural_cmp("v1.0", "v1.0.1"), std::cmp::Ordering::Less);
}

/// A fleet of two cells: dev in eu-west-1, and prod (a production account) in us-east-1, each
/// with one product; prod's answers first.
fn fleet_app() -> App {
    let mut app = new_app(demo());
    let cell = |id: &str, name: &str, region: &str, production| FleetCell {
        account_id: id.into(),
        account_name: name.into(),
        region: region.into(),
        production,
    };
    let cells = vec![cell("210987654321", "dev", "eu-west-1", false), cell("123456789012", "prod", "us-east-1", true)];
    app.session.fleet = Some(FleetView { name: "ops".into(), cells: cells.clone(), ..Default::default() });
    app.list.set_fleet(cells);
    let generation = app.list.loading.generation;
    for (c, i) in [(1u16, 0usize), (0, 1)] {
        let page = Page { items: vec![product(i, "AVAILABLE")], next_token: None, total: None };
        update(&mut app, Action::ProductsPage { generation, cell: Some(c), page });
    }
    app
}

/// Issue 14: over a fleet, what concerns a product goes through its own cell's client: its
/// actions (kept per cell), their documents, its form and its execute; the review of a product
/// of a production account asks for the typed name even though the connection is not production.
#[test]
fn over_a_fleet_each_products_calls_go_through_its_cell() {
    let mut app = fleet_app();
    assert!(app.list.loading.done);
    assert_eq!(app.list.cells_answered(), (2, 2));
    // Listed in the fleet's order whatever order the cells answered in (dev's product first);
    // the selection stays on the product first listed.
    let names: Vec<String> = app.list.visible.iter().map(|&i| app.list.rows[i].product.name.clone()).collect();
    assert_eq!(names, ["web-01", "web-00"]);
    let p = app.list.selected_product().unwrap().clone();
    assert_eq!((p.name.as_str(), p.cell), ("web-00", Some(1)));
    // The other cell's product: its actions asked of its own account.
    let effects = update(&mut app, key(KeyCode::Up));
    assert!(
        matches!(&effects[..], [Effect::InCell { cell: 0, effect }] if matches!(**effect, Effect::LoadActions { .. })),
        "{effects:?}"
    );
    update(&mut app, key(KeyCode::Down));
    assert_eq!(app.list.actions.len(), 2, "one entry per (cell, product, version): {:?}", app.list.actions.keys());
    let key1 = crate::tui::screen::browse::actions_key(&p).unwrap();
    assert_eq!(key1.0, Some(1));
    let restart = ServiceAction { id: "act-1".into(), name: "AWS-RestartEC2Instance".into(), ..Default::default() };
    let effects = update(&mut app, Action::ActionsLoaded { key: key1, result: Ok(Arc::new(vec![restart])) });
    assert!(
        matches!(&effects[..], [Effect::InCell { cell: 1, effect }] if matches!(**effect, Effect::LoadDefinition { .. })),
        "{effects:?}"
    );
    update(&mut app, key(KeyCode::Tab));
    let effects = update(&mut app, key(KeyCode::Enter));
    assert!(
        matches!(&effects[..], [Effect::InCell { cell: 1, effect }] if matches!(**effect, Effect::LoadForm { .. })),
        "{effects:?}"
    );
    let params = vec![ExecutionParameter {
        name: "InstanceId".into(),
        kind: crate::domain::ParameterKind::Target,
        default_values: vec!["i-1".into()],
    }];
    let definition = crate::domain::ActionDefinition::default();
    update(
        &mut app,
        Action::FormLoaded {
            pp_id: p.id.clone(),
            action_id: "act-1".into(),
            result: Ok((params, definition)),
            definition_missing: None,
        },
    );
    assert!(!app.session.production);
    update(&mut app, ctrl('s'));
    assert_eq!(app.key_mode(), KeyMode::ReviewConfirm, "prod is a production account");
    update(&mut app, key(KeyCode::Enter));
    typed(&mut app, &p.name);
    let effects = update(&mut app, key(KeyCode::Enter));
    assert!(
        matches!(&effects[..], [Effect::InCell { cell: 1, effect }] if matches!(**effect, Effect::Execute { .. })),
        "{effects:?}"
    );
    assert_eq!(app.session.target_of(Some(1)).region.as_deref(), Some("us-east-1"));
}

/// Issue 14: the journal read again (a reconnect, or after a login) takes up only what this
/// session stopped watching: a run still watched is not doubled; one whose credentials
/// expired is watched again as the same run, through its cell.
#[test]
fn the_journal_read_again_takes_up_only_runs_no_longer_watched() {
    let mut app = fleet_app();
    let p = app.list.selected_product().unwrap().clone();
    let action = ServiceAction { id: "act-1".into(), name: "AWS-RestartEC2Instance".into(), ..Default::default() };
    let new = |journal_id: &str| NewRun {
        product: p.clone(),
        action: action.clone(),
        document: None,
        parameters: None,
        token: format!("tok-{journal_id}"),
        journal_id: journal_id.into(),
        phase: RunPhase::Watching,
    };
    let watched = app.runs.add(new("j-1"), Timestamp(1.0));
    let expired = app.runs.add(new("j-2"), Timestamp(1.0));
    let error = crate::catalog::Error::new(ErrorKind::Credentials, "ExpiredTokenException", "the token expired");
    update(&mut app, Action::RecordPolled { run: expired, result: Err(error) });
    assert!(app.runs.get(expired).unwrap().credentials_expired);
    let open = |run: &str| JournalRun {
        run: run.into(),
        account: Some("210987654321".into()),
        region: Some("eu-west-1".into()),
        product_id: p.id.clone(),
        record_id: Some("rec-1".into()),
        ..Default::default()
    };
    let effects = update(
        &mut app,
        Action::JournalLoaded { open: vec![open("j-1"), open("j-2")], problems: vec![], closed_demo: 0 },
    );
    assert_eq!(app.runs.list.len(), 2, "no run doubled");
    assert!(
        matches!(&effects[..], [Effect::InCell { cell: 0, effect }] if matches!(&**effect, Effect::Resume { run, .. } if *run == expired)),
        "{effects:?}"
    );
    assert!(!app.runs.get(expired).unwrap().credentials_expired);
    assert_eq!(app.runs.get(watched).unwrap().phase, RunPhase::Watching);
}
