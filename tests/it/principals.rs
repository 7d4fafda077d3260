//! The emulator's permission model through the real SDK: each demo principal sees and may do
//! what its policy (after AWS's managed ones) allows, and a denied call says which action.

use crate::support::*;
use sctui::catalog::{CatalogClient, ErrorKind, ProductQuery};

const END_USER: &str = "AKIADEMOENDUSER00001";
const READ_ONLY: &str = "AKIADEMOREADONLY0001";
const ROLE_OPS: &str = "AKIADEMOROLEOPS00001";

fn as_principal(emu: &sctui::emulator::Emulator, key: &str) -> CatalogClient {
    let (_, region) = emu.account_and_region();
    CatalogClient::demo_as(&emu.url(), &region, &fast_settings(1), key)
}

/// SearchProvisionedProducts at a level, every page: the names found.
async fn names_at(c: &CatalogClient, level: Option<&str>) -> Result<Vec<String>, sctui::catalog::Error> {
    use aws_sdk_servicecatalog::types::{AccessLevelFilter, AccessLevelFilterKey};
    let sdk = sdk_as(c);
    let mut req = sdk.search_provisioned_products().page_size(100);
    if let Some(l) = level {
        req = req
            .access_level_filter(AccessLevelFilter::builder().key(AccessLevelFilterKey::from(l)).value("self").build());
    }
    let out = req.send().await.map_err(|e| sctui::catalog::Error::from_sdk("SearchProvisionedProducts", e, None))?;
    let mut names: Vec<String> =
        out.provisioned_products().iter().filter_map(|p| p.name().map(str::to_string)).collect();
    names.sort();
    Ok(names)
}

fn sdk_as(c: &CatalogClient) -> aws_sdk_servicecatalog::Client {
    c.sdk().clone()
}

#[tokio::test]
async fn each_principal_sees_what_its_access_level_allows() {
    let emu = emulator(0.0).await;
    let admin = client(&emu);
    assert_eq!(names_at(&admin, None).await.unwrap().len(), 23, "the admin sees the account");
    assert_eq!(admin.caller_identity().await.unwrap().1, "arn:aws:iam::123456789012:user/demo-operator");

    // The end user: Search defaults to Account, which AWSServiceCatalogEndUserFullAccess denies.
    let user = as_principal(&emu, END_USER);
    let e = names_at(&user, None).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::AccessDenied);
    assert!(
        e.message.contains("User: arn:aws:iam::123456789012:user/dev-user is not authorized to perform: servicecatalog:SearchProvisionedProducts")
            && e.message.contains("because no identity-based policy allows the servicecatalog:SearchProvisionedProducts action"),
        "{e}"
    );
    assert_eq!(
        names_at(&user, Some("User")).await.unwrap(),
        ["catalog-api-dev", "catalog-api-staging", "ml-artifacts-bucket-staging"],
        "exactly its own products"
    );
    assert_eq!(user.caller_identity().await.unwrap().1, "arn:aws:iam::123456789012:user/dev-user");

    // A session of role ops: the role level shows what sessions of the same role provisioned.
    let ops = as_principal(&emu, ROLE_OPS);
    assert_eq!(names_at(&ops, Some("Role")).await.unwrap(), ["bastion-prod-eu", "bastion-staging-eu"]);
    assert!(names_at(&ops, Some("User")).await.unwrap().is_empty(), "nothing provisioned by this very session");
    assert_eq!(names_at(&ops, Some("Account")).await.unwrap_err().kind, ErrorKind::AccessDenied);
}

#[tokio::test]
async fn an_end_user_runs_actions_on_its_own_products_only_and_cannot_describe_actions() {
    let emu = emulator(0.0).await;
    let user = as_principal(&emu, END_USER);
    let own = user.product("catalog-api-staging").await.unwrap();
    let (prod, ver) = own.artifact_key().unwrap();
    let actions = user.actions(&prod, &ver).await.unwrap();
    let action = actions.first().unwrap().clone();
    // The end-user policy has no DescribeServiceAction.
    let e = user.action_definition(&action.id).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::AccessDenied);
    assert!(e.message.contains("servicecatalog:DescribeServiceAction"), "{e}");
    // Its own product: parameters and an execute.
    user.execution_parameters(&own.id, &action.id).await.unwrap();
    let admin = client(&emu);
    let by_admin = admin.execute(&own.id, &action.id, None, "admin-1").await.unwrap();
    let record = user.execute(&own.id, &action.id, None, "end-user-1").await.unwrap();
    let (detail, _) = user.record(&record.record_id).await.unwrap();
    assert_eq!(detail.record_id, record.record_id);
    assert_eq!(user.record(&by_admin.record_id).await.unwrap_err().kind, ErrorKind::NotFound, "not its record");
    assert_eq!(emu.stats().executions_started, 2);
    // Someone else's product does not exist for it.
    let web = admin.product(WEB).await.unwrap();
    assert_eq!(user.product(WEB).await.unwrap_err().kind, ErrorKind::NotFound);
    let restart = action_id(&admin, WEB, RESTART).await;
    assert_eq!(user.execute(&web.id, &restart, None, "end-user-2").await.unwrap_err().kind, ErrorKind::NotFound);
    assert_eq!(emu.stats().executions_started, 2);
    // History: ListRecordHistory's default level is User: the user's own records only; the
    // account level (what sctui asks for) is the admin's.
    let history = |c: &CatalogClient| {
        let filter = aws_sdk_servicecatalog::types::ListRecordHistorySearchFilter::builder()
            .key("provisionedproduct")
            .value(own.id.clone())
            .build();
        sdk_as(c).list_record_history().search_filter(filter).send()
    };
    let mine: Vec<String> = history(&user)
        .await
        .unwrap()
        .record_details()
        .iter()
        .filter_map(|r| r.record_id().map(str::to_string))
        .collect();
    assert!(mine.contains(&record.record_id) && !mine.contains(&by_admin.record_id), "its own records: {mine:?}");
    let all = admin.history(&own.id).await.unwrap();
    assert_eq!(all.len(), mine.len() + 1, "the account level sees the admin's record too");
    // sctui's history (auto) falls back to the user level for it: the same records.
    assert_eq!(user.history(&own.id).await.unwrap().len(), mine.len());
    let strict = as_principal(&emu, END_USER).with_access_level(sctui::domain::AccessLevel::Account);
    assert_eq!(strict.history(&own.id).await.unwrap_err().kind, ErrorKind::AccessDenied, "no account level for it");
    // The read-only end user may not execute.
    let auditor = as_principal(&emu, READ_ONLY);
    let e = auditor.execute(&own.id, &action.id, None, "auditor-1").await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::AccessDenied, "{e}");
}

#[tokio::test]
async fn auto_falls_back_to_what_the_policy_allows_and_says_so_once() {
    let emu = emulator(0.0).await;
    // The end user: the account level is denied, the user level answers.
    let user = as_principal(&emu, END_USER);
    let (items, _) = user.all_products(&ProductQuery::default()).await.unwrap();
    let mut names: Vec<_> = items.iter().map(|p| p.name.clone()).collect();
    names.sort();
    assert_eq!(names, ["catalog-api-dev", "catalog-api-staging", "ml-artifacts-bucket-staging"]);
    assert_eq!(user.access_level_shown(), "auto: user");
    assert!(user.take_access_note().unwrap().contains("showing the user level"));
    assert_eq!(user.take_access_note(), None, "said once");
    // History follows the same level.
    let own = items.iter().find(|p| p.name == "catalog-api-staging").unwrap();
    assert!(!user.history(&own.id).await.unwrap().is_empty());
    // A session of role ops falls back to the role level.
    let ops = as_principal(&emu, ROLE_OPS);
    assert_eq!(ops.all_products(&ProductQuery::default()).await.unwrap().0.len(), 2);
    assert_eq!(ops.access_level_shown(), "auto: role");
    // Asked for the account level explicitly: denied, and the error names the missing action.
    let strict = as_principal(&emu, END_USER).with_access_level(sctui::domain::AccessLevel::Account);
    let e = strict.all_products(&ProductQuery::default()).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::AccessDenied);
    assert!(e.to_string().contains("Needs servicecatalog:SearchProvisionedProducts"), "{e}");
    // The admin keeps the account level, and nothing is said.
    let admin = client(&emu);
    assert_eq!(admin.all_products(&ProductQuery::default()).await.unwrap().0.len(), 23);
    assert_eq!((admin.access_level_shown().as_str(), admin.take_access_note()), ("auto: account", None));
    assert_eq!((admin.access_level_narrowed(), user.access_level_narrowed()), (None, Some("auto: user".into())));
}

#[tokio::test]
async fn an_end_user_browses_in_the_tui_and_on_the_command_line() {
    let emu = emulator(0.0).await;
    let user = as_principal(&emu, END_USER);
    let dir = tempfile::tempdir().unwrap();
    let mut d = crate::tui::Driver::with(emu, user, &dir.path().join("journal.jsonl")).await;
    assert_eq!(d.app.list.len(), 3);
    let screen = d.screen(140, 40);
    assert!(screen.contains("level auto: user"), "{screen}");
    assert!(screen.contains("showing the user level"), "the fallback is told: {screen}");
    // The form opens without DescribeServiceAction, says what it lacks, and the run goes.
    d.pick("catalog-api-staging", "Platform-ScaleECSService").await;
    d.open_form().await;
    let form = d.screen(140, 40);
    assert!(form.contains("unknown: needs servicecatalog:DescribeServiceAction"), "{form}");
    d.ctrl('s');
    d.key(crossterm::event::KeyCode::Char('y'));
    d.until("the run ended", |a| a.runs.list.first().is_some_and(|r| !r.in_flight())).await;
    assert_eq!(d.app.runs.list[0].status(), Some(&sctui::domain::RecordStatus::Succeeded), "{}", d.screen(140, 40));
    assert_eq!(d.emu.stats().executions_started, 1);
    // The command line: the same fallback, said on stderr.
    let home = tempfile::tempdir().unwrap();
    let (_, region) = d.emu.account_and_region();
    let mut cmd = sctui(home.path());
    cmd.env("AWS_ACCESS_KEY_ID", END_USER).args(["--endpoint-url", &d.emu.url(), "--region", &region, "products"]);
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap()).await.unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("3 of 3 provisioned products"), "{}", text(&out.stdout));
    assert!(text(&out.stderr).contains("showing the user level"), "{}", text(&out.stderr));
    let mut cmd = sctui(home.path());
    cmd.env("AWS_ACCESS_KEY_ID", END_USER).args([
        "--endpoint-url",
        &d.emu.url(),
        "--region",
        &region,
        "--access-level",
        "account",
        "products",
    ]);
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap()).await.unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert!(text(&out.stderr).contains("Needs servicecatalog:SearchProvisionedProducts"), "{}", text(&out.stderr));
}

/// Issue 10: headless `exec` and `batch` had no production check. On a production account they
/// are refused (exit 5) unless `--confirm` names the product (or the number of products).
#[tokio::test]
async fn headless_runs_on_a_production_account_need_a_typed_confirmation() {
    let emu = emulator(0.0).await;
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    std::fs::write(&config, "production_accounts = [\"123456789012\"]\n").unwrap();
    let c = config.to_str().unwrap();
    let out = run_against(&emu, home.path(), &["--config", c, "exec", WEB, RESTART]).await;
    assert_eq!(out.status.code(), Some(5), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("PRODUCTION (account 123456789012 is production)"), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("--confirm web-prod-01"), "{}", text(&out.stderr));
    let out = run_against(&emu, home.path(), &["--config", c, "exec", WEB, RESTART, "--confirm", "web-prod-02"]).await;
    assert_eq!(out.status.code(), Some(5), "the wrong name is no confirmation");
    let out = run_against(&emu, home.path(), &["--config", c, "batch", RESTART, "--query", "name:web-prod-0*"]).await;
    assert_eq!(out.status.code(), Some(5), "{}", text(&out.stderr));
    assert_eq!(emu.stats().executions_started, 0, "nothing ran");
    let out = run_against(&emu, home.path(), &["--config", c, "exec", WEB, RESTART, "--confirm", WEB, "--wait"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let args = ["--config", c, "batch", RESTART, "--query", "name:web-prod-0*", "--confirm", "2", "--wait"];
    let out = run_against(&emu, home.path(), &args).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(emu.stats().executions_started, 3);
    // Another account is not production: no confirmation asked.
    std::fs::write(&config, "production_accounts = [\"999999999999\"]\n").unwrap();
    let out = run_against(&emu, home.path(), &["--config", c, "exec", "web-prod-02", RESTART, "--wait"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

/// Issue 10: `--endpoint-url` is Service Catalog's alone (a VPC endpoint, say); STS follows
/// AWS_ENDPOINT_URL_STS. When STS cannot say who the caller is and the config names production
/// accounts, the session is production, and sctui says why (fail closed).
#[tokio::test]
async fn the_endpoint_flag_is_service_catalogs_and_an_unknown_identity_is_production() {
    let catalog = emulator(0.0).await;
    let sts = emulator(0.0).await;
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    std::fs::write(&config, "production_accounts = [\"123456789012\"]\n").unwrap();
    let (_, region) = catalog.account_and_region();
    let exec = async |sts_url: &str| {
        let mut cmd = sctui(home.path());
        cmd.env("AWS_ENDPOINT_URL_STS", sts_url).env("AWS_MAX_ATTEMPTS", "1").args([
            "--config",
            config.to_str().unwrap(),
            "--endpoint-url",
            &catalog.url(),
            "--region",
            &region,
            "exec",
            WEB,
            RESTART,
        ]);
        tokio::task::spawn_blocking(move || cmd.output().unwrap()).await.unwrap()
    };
    let out = exec(&sts.url()).await;
    assert_eq!(out.status.code(), Some(5), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("account 123456789012 is production"), "{}", text(&out.stderr));
    assert_eq!(sts.stats().requests.get("sts:GetCallerIdentity"), Some(&1), "STS was asked at its own endpoint");
    assert_eq!(catalog.stats().requests.get("sts:GetCallerIdentity"), None, "not at Service Catalog's");
    assert!(catalog.stats().requests.keys().any(|op| !op.starts_with("sts:")), "{:?}", catalog.stats());

    let out = exec(NO_STS).await;
    assert_eq!(out.status.code(), Some(5), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("the caller's account is unknown") && err.contains("names production accounts"), "{err}");
    assert_eq!(catalog.stats().executions_started, 0, "nothing ran");
}
