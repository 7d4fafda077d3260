//! Every operation through the real SDK against the emulator, errors included.

use crate::support::*;
use sctui::catalog::{ErrorKind, ProductQuery};
use sctui::domain::{ParameterMap, ProductStatus, RecordStatus};
use std::collections::HashSet;

#[tokio::test]
async fn search_pages_through_a_large_catalog() {
    let emu = emulator_with(250, 1.0, Default::default()).await;
    let c = client(&emu);
    let q = ProductQuery { page_size: 100, ..Default::default() };
    let first = c.products_page(&q, None).await.unwrap();
    assert_eq!(first.items.len(), 100);
    assert_eq!(first.total, Some(273));
    let second = c.products_page(&q, first.next_token.clone()).await.unwrap();
    let third = c.products_page(&q, second.next_token.clone()).await.unwrap();
    assert_eq!(third.items.len(), 73);
    assert_eq!(third.next_token, None, "the last page has no token");
    let ids: HashSet<_> = first.items.iter().chain(&second.items).chain(&third.items).map(|p| p.id.clone()).collect();
    assert_eq!(ids.len(), 273, "no product twice, none missing");
    assert_eq!(emu.stats().requests["SearchProvisionedProducts"], 3);
}

#[tokio::test]
async fn search_queries_filter_and_sort() {
    let emu = emulator(1.0).await;
    let c = client(&emu);
    let q = |s: &str| ProductQuery { query: Some(s.into()), ..Default::default() };
    let (hits, total) = c.all_products(&q("name:web-prod-01")).await.unwrap();
    assert_eq!((hits.len(), total), (1, 1));
    assert_eq!(hits[0].name, WEB);
    assert_eq!(hits[0].product_name.as_deref(), Some("EC2 Web Server"));
    assert!(!hits[0].tags.is_empty());
    let (tainted, _) = c.all_products(&q("status:TAINTED")).await.unwrap();
    assert!(tainted.len() >= 2 && tainted.iter().all(|p| p.status == Some(ProductStatus::Tainted)));
    let (free, _) = c.all_products(&q("bucket")).await.unwrap();
    assert!(
        !free.is_empty()
            && free
                .iter()
                .all(|p| p.name.contains("bucket") || p.product_name.as_deref().unwrap_or("").contains("Bucket"))
    );
    let sorted = ProductQuery { sort_by: Some("name".into()), descending: true, ..Default::default() };
    let (all, _) = c.all_products(&sorted).await.unwrap();
    let names: Vec<_> = all.iter().map(|p| p.name.clone()).collect();
    let mut expected = names.clone();
    expected.sort();
    expected.reverse();
    assert_eq!(names, expected);
    let (code, _) = err_code(sdk(&emu).search_provisioned_products().sort_by("color").send().await);
    assert_eq!(code, "InvalidParametersException");
    let (code, msg) = err_code(sdk(&emu).search_provisioned_products().page_size(101).send().await);
    assert_eq!(code, "ValidationException");
    assert!(msg.contains("'pageSize'") && msg.contains("less than or equal to 100"), "{msg}");
}

/// Issue 10: every searchable field of SearchQuery (the model's list), a bare id as free text,
/// and the provisioned product types beyond CloudFormation, some with optional fields left out.
#[tokio::test]
async fn search_covers_every_field_of_the_model_and_every_product_type() {
    let emu = emulator(1.0).await;
    let c = client(&emu);
    let q = |s: String| ProductQuery { query: Some(s), ..Default::default() };
    let names = async |query: String| -> Vec<String> {
        c.all_products(&q(query)).await.unwrap().0.into_iter().map(|p| p.name).collect()
    };
    assert_eq!(names("type:TERRAFORM_OPEN_SOURCE".into()).await, ["docs-site-prod"]);
    assert_eq!(names("type:EXTERNAL".into()).await, ["partner-feed-prod"]);
    assert_eq!(names("type:CONTROL_TOWER_ACCOUNT".into()).await, ["sandbox-account-eu"]);
    assert_eq!(names("pp-tf7docssite01".into()).await, ["docs-site-prod"], "a bare id is free text");
    // Each field, searched by the value the product's own answer carries.
    let raw = sdk(&emu).search_provisioned_products().filters(
        aws_sdk_servicecatalog::types::ProvisionedProductViewFilterBy::SearchQuery,
        vec!["name:web-prod-01".into()],
    );
    let out = raw.send().await.unwrap();
    let web = &out.provisioned_products()[0];
    let created = sctui::domain::Timestamp(web.created_time().unwrap().as_secs_f64()).iso();
    for (field, value) in [
        ("physicalId", web.physical_id().unwrap().to_string()),
        ("idempotencyToken", web.idempotency_token().unwrap().to_string()),
        ("lastProvisioningRecordId", web.last_provisioning_record_id().unwrap().to_string()),
        ("lastSuccessfulProvisioningRecordId", web.last_successful_provisioning_record_id().unwrap().to_string()),
        ("createdTime", created.clone()),
        ("createdTime", format!("{}*", &created[..10])),
    ] {
        let hits = names(format!("{field}:{value}")).await;
        assert!(hits.contains(&WEB.to_string()), "{field}:{value} -> {hits:?}");
        assert!(hits.len() == 1 || value.ends_with('*'), "{field}:{value} -> {hits:?}");
    }
    // AWS may leave optional fields out: the EXTERNAL product's answers have no owner, tags,
    // physical id or last record, and sctui reads it all the same.
    let (feed, _) = c.all_products(&q("name:partner-feed-prod".into())).await.unwrap();
    let feed = &feed[0];
    assert_eq!((feed.user_arn.as_deref(), feed.tags.len(), feed.physical_id.as_deref()), (None, 0, None));
    assert_eq!(feed.last_record_id, None);
    assert!(feed.actions_unsupported().is_some());
    let described = c.product("partner-feed-prod").await.unwrap();
    assert_eq!(described.kind.as_deref(), Some("EXTERNAL"));
    assert!(c.product("sandbox-account-eu").await.unwrap().actions_unsupported().is_none());
}

#[tokio::test]
async fn scan_pages_by_twenty() {
    let emu = emulator_with(30, 1.0, Default::default()).await;
    let s = sdk(&emu);
    let mut token = None;
    let mut n = 0;
    let mut pages = 0;
    loop {
        let account = aws_sdk_servicecatalog::types::AccessLevelFilter::builder()
            .key(aws_sdk_servicecatalog::types::AccessLevelFilterKey::Account)
            .value("self")
            .build();
        let out = s
            .scan_provisioned_products()
            .access_level_filter(account)
            .page_size(20)
            .set_page_token(token)
            .send()
            .await
            .unwrap();
        n += out.provisioned_products().len();
        pages += 1;
        // Every product has a launch role but the one whose answers leave it out.
        assert!(
            out.provisioned_products()
                .iter()
                .all(|p| p.launch_role_arn().is_some() != (p.name() == Some("partner-feed-prod")))
        );
        token = out.next_page_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    assert_eq!((n, pages), (53, 3));
    let (code, _) = err_code(s.scan_provisioned_products().page_size(21).send().await);
    assert_eq!(code, "ValidationException");
}

#[tokio::test]
async fn describe_provisioned_product_by_id_or_name_but_not_both() {
    let emu = emulator(1.0).await;
    let c = client(&emu);
    let s = sdk(&emu);
    let by_name = c.product(WEB).await.unwrap();
    let by_id = c.product(&by_name.id).await.unwrap();
    assert_eq!(by_name, by_id);
    assert!(by_id.id.starts_with("pp-") && by_id.id.len() == 16);
    let (code1, _) = err_code(s.describe_provisioned_product().id(&by_id.id).name(WEB).send().await);
    let (code2, _) = err_code(s.describe_provisioned_product().send().await);
    assert_eq!((code1.as_str(), code2.as_str()), ("InvalidParametersException", "InvalidParametersException"));
    let (code3, _) = err_code(s.describe_provisioned_product().id("pp-doesnotexist0").send().await);
    assert_eq!(code3, "ResourceNotFoundException");
    let (code4, msg) = err_code(s.describe_provisioned_product().name("web prod").send().await);
    assert_eq!(code4, "ValidationException");
    assert!(msg.contains("at 'name'"), "{msg}");
    let e = c.product("pp-doesnotexist0").await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound);
    assert!(e.to_string().contains("region"), "the message says what to check: {e}");
}

#[tokio::test]
async fn actions_are_listed_per_version_and_described() {
    let emu = emulator(1.0).await;
    let c = client(&emu);
    let web = c.product(WEB).await.unwrap();
    let (prod, ver) = web.artifact_key().unwrap();
    let actions = c.actions(&prod, &ver).await.unwrap();
    assert!(actions.iter().any(|a| a.name == RESTART));
    assert!(actions.iter().all(|a| a.id.starts_with("act-") && a.definition_type.as_deref() == Some("SSM_AUTOMATION")));
    // Cached: a second ask sends nothing.
    c.actions(&prod, &ver).await.unwrap();
    assert_eq!(emu.stats().requests["ListServiceActionsForProvisioningArtifact"], 1);
    // An older version of the same product has fewer actions.
    let legacy = c.product("web-legacy-01").await.unwrap();
    let (p2, v2) = legacy.artifact_key().unwrap();
    assert_eq!(p2, prod);
    assert!(c.actions(&p2, &v2).await.unwrap().len() < actions.len());

    let restart = actions.iter().find(|a| a.name == RESTART).unwrap();
    let (summary, def) = c.action_definition(&restart.id).await.unwrap();
    assert_eq!(summary.id, restart.id);
    assert_eq!(def.name.as_deref(), Some("AWS-RestartEC2Instance"));
    assert_eq!(def.version.as_deref(), Some("1"));
    assert!(def.assume_role.is_some());
    let params: serde_json::Value = serde_json::from_str(def.parameters.as_deref().unwrap()).unwrap();
    assert_eq!(params[0]["Type"], "TARGET");

    let s = sdk(&emu);
    let (c1, _) = err_code(s.describe_service_action().id("act-doesnotexist").send().await);
    let (c2, _) = err_code(
        s.list_service_actions_for_provisioning_artifact()
            .product_id("prod-nope")
            .provisioning_artifact_id("pa-nope")
            .send()
            .await,
    );
    let (c3, m3) = err_code(s.list_service_actions_for_provisioning_artifact().product_id(&prod).send().await);
    assert_eq!(
        (c1.as_str(), c2.as_str(), c3.as_str()),
        ("ResourceNotFoundException", "ResourceNotFoundException", "ValidationException")
    );
    assert!(m3.contains("Value null at 'provisioningArtifactId'") && m3.contains("must not be null"), "{m3}");
}

#[tokio::test]
async fn target_defaults_are_the_products_own_resources_of_the_target_type() {
    let emu = emulator(1.0).await;
    let c = client(&emu);
    let web = pp_id(&c, WEB).await;
    let restart = action_id(&c, WEB, RESTART).await;
    let params = c.execution_parameters(&web, &restart).await.unwrap();
    let target = params.iter().find(|p| p.is_target()).unwrap();
    assert_eq!(target.default_values.len(), 3, "three instances, not the security groups: {target:?}");
    assert!(target.default_values.iter().all(|v| v.starts_with("i-")));
    // An action of another product's version is not associated with this one.
    let db = pp_id(&c, "orders-db-prod").await;
    let snapshot = action_id(&c, "orders-db-prod", "AWS-CreateRdsSnapshot").await;
    let e = c.execution_parameters(&web, &snapshot).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidParameters);
    let e = c.execute(&web, &snapshot, None, "tok-unassociated").await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidParameters);
    assert!(c.execution_parameters(&db, &snapshot).await.is_ok());
}

#[tokio::test]
async fn every_execute_constraint_answers_validation_exception() {
    let emu = emulator(1.0).await;
    let s = sdk(&emu);
    let long = |n| "a".repeat(n);
    let ok_pp = "pp-6y61928a94txg";
    let ok_act = "act-58tx34ou66v7u";
    let params = |k: String, v: Vec<String>| -> std::collections::HashMap<String, Vec<String>> { [(k, v)].into() };
    // (field in the message, rule fragment, request)
    let cases: Vec<(&str, &str, _)> = vec![
        (
            "provisionedProductId",
            "greater than or equal to 1",
            s.execute_provisioned_product_service_action()
                .provisioned_product_id("")
                .service_action_id(ok_act)
                .execute_token("t1"),
        ),
        (
            "provisionedProductId",
            "less than or equal to 100",
            s.execute_provisioned_product_service_action()
                .provisioned_product_id(long(101))
                .service_action_id(ok_act)
                .execute_token("t1"),
        ),
        (
            "provisionedProductId",
            r"pattern: ^[a-zA-Z0-9_\-]*",
            s.execute_provisioned_product_service_action()
                .provisioned_product_id("pp/1")
                .service_action_id(ok_act)
                .execute_token("t1"),
        ),
        (
            "serviceActionId",
            "less than or equal to 100",
            s.execute_provisioned_product_service_action()
                .provisioned_product_id(ok_pp)
                .service_action_id(long(101))
                .execute_token("t1"),
        ),
        (
            "serviceActionId",
            "pattern",
            s.execute_provisioned_product_service_action()
                .provisioned_product_id(ok_pp)
                .service_action_id("act 1")
                .execute_token("t1"),
        ),
        (
            "executeToken",
            "greater than or equal to 1",
            s.execute_provisioned_product_service_action()
                .provisioned_product_id(ok_pp)
                .service_action_id(ok_act)
                .execute_token(""),
        ),
        (
            "executeToken",
            "less than or equal to 128",
            s.execute_provisioned_product_service_action()
                .provisioned_product_id(ok_pp)
                .service_action_id(ok_act)
                .execute_token(long(129)),
        ),
        (
            "executeToken",
            "pattern: [a-zA-Z0-9][a-zA-Z0-9_-]*",
            s.execute_provisioned_product_service_action()
                .provisioned_product_id(ok_pp)
                .service_action_id(ok_act)
                .execute_token("-abc"),
        ),
        (
            "parameters",
            "less than or equal to 50",
            s.execute_provisioned_product_service_action()
                .provisioned_product_id(ok_pp)
                .service_action_id(ok_act)
                .execute_token("t1")
                .set_parameters(Some(params(long(51), vec![]))),
        ),
        (
            "parameters.InstanceId",
            "less than or equal to 25",
            s.execute_provisioned_product_service_action()
                .provisioned_product_id(ok_pp)
                .service_action_id(ok_act)
                .execute_token("t1")
                .set_parameters(Some(params("InstanceId".into(), vec!["i".into(); 26]))),
        ),
        (
            "parameters.InstanceId.member",
            "less than or equal to 512",
            s.execute_provisioned_product_service_action()
                .provisioned_product_id(ok_pp)
                .service_action_id(ok_act)
                .execute_token("t1")
                .set_parameters(Some(params("InstanceId".into(), vec![long(513)]))),
        ),
        (
            "acceptLanguage",
            "less than or equal to 100",
            s.execute_provisioned_product_service_action()
                .provisioned_product_id(ok_pp)
                .service_action_id(ok_act)
                .execute_token("t1")
                .accept_language(long(101)),
        ),
    ];
    for (field, rule, req) in cases {
        let (code, msg) = err_code(req.send().await);
        assert_eq!(code, "ValidationException", "{field}: {msg}");
        assert!(msg.contains(" validation error") && msg.contains("detected: Value "), "{msg}");
        assert!(msg.contains(&format!("at '{field}'")), "{field}: {msg}");
        assert!(msg.contains(rule), "{field} / {rule}: {msg}");
    }
    // Boundaries that are allowed reach the business logic instead (and here fail as not found).
    let (code_ok, _) = err_code(
        s.execute_provisioned_product_service_action()
            .provisioned_product_id(long(100))
            .service_action_id(ok_act)
            .execute_token(long(128))
            .send()
            .await,
    );
    assert_eq!(code_ok, "ResourceNotFoundException");
    // Several violations are counted in one message.
    let (_, msg) = err_code(
        s.execute_provisioned_product_service_action()
            .provisioned_product_id("")
            .service_action_id("a b")
            .execute_token("-x")
            .send()
            .await,
    );
    assert!(msg.starts_with("3 validation errors detected: "), "{msg}");
    assert_eq!(emu.stats().executions_started, 0, "nothing ran");
}

#[tokio::test]
async fn the_same_token_returns_the_same_record_and_other_input_is_refused() {
    let emu = emulator(1.0).await;
    let c = client(&emu);
    let web = pp_id(&c, WEB).await;
    let restart = action_id(&c, WEB, RESTART).await;
    let first = c.execute(&web, &restart, None, "run-token-1").await.unwrap();
    let again = c.execute(&web, &restart, None, "run-token-1").await.unwrap();
    assert_eq!(first.record_id, again.record_id);
    assert_eq!(emu.stats().executions_started, 1);
    let other: ParameterMap = [("InstanceId".to_string(), vec!["i-ca812554ca6a80470".to_string()])].into();
    let e = c.execute(&web, &restart, Some(&other), "run-token-1").await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidParameters);
    assert!(e.message.contains("run-token-1"), "{e}");
    assert_eq!(emu.stats().executions_started, 1);
}

#[tokio::test]
async fn records_reach_each_terminal_path() {
    let emu = emulator(0.02).await;
    let c = client(&emu);
    // SUCCEEDED, with outputs derived from the parameters.
    let web = pp_id(&c, WEB).await;
    let restart = action_id(&c, WEB, RESTART).await;
    let r = c.execute(&web, &restart, None, "ok-1").await.unwrap();
    assert_eq!(r.status, Some(RecordStatus::Created));
    assert_eq!(r.record_type.as_deref(), Some("EXECUTE_PROVISIONED_PRODUCT_SERVICE_ACTION"));
    let (seen, d, outputs) = follow(&c, &r.record_id).await;
    assert_eq!(seen, ["CREATED", "IN_PROGRESS", "SUCCEEDED"]);
    assert!(d.record_errors.is_empty());
    let instances = c.execution_parameters(&web, &restart).await.unwrap()[0].default_values.join(",");
    assert!(outputs.iter().any(|o| o.output_value.as_deref() == Some(instances.as_str())), "{outputs:?}");
    assert!(outputs.iter().any(|o| o.output_key.as_deref() == Some("AutomationExecutionId")));
    // FAILED with RecordErrors.
    let db = pp_id(&c, "orders-db-prod").await;
    let stop = action_id(&c, "orders-db-prod", "AWS-StopRdsInstance").await;
    let r = c.execute(&db, &stop, None, "fail-1").await.unwrap();
    let (seen, d, _) = follow(&c, &r.record_id).await;
    assert_eq!(seen, ["CREATED", "IN_PROGRESS", "FAILED"]);
    assert!(d.record_errors[0].description.as_deref().unwrap().contains("read replica"), "{d:?}");
    // Through IN_PROGRESS_IN_ERROR to FAILED.
    let api = pp_id(&c, "checkout-api-prod").await;
    let deploy = action_id(&c, "checkout-api-prod", "Platform-ForceNewDeployment").await;
    let r = c.execute(&api, &deploy, None, "rollback-1").await.unwrap();
    let (seen, d, _) = follow(&c, &r.record_id).await;
    assert_eq!(seen, ["CREATED", "IN_PROGRESS", "IN_PROGRESS_IN_ERROR", "FAILED"]);
    assert!(!d.record_errors.is_empty());
}

#[tokio::test]
async fn a_foreign_target_or_unknown_parameter_fails_the_record() {
    let emu = emulator(0.0).await;
    let c = client(&emu);
    let web = pp_id(&c, WEB).await;
    let restart = action_id(&c, WEB, RESTART).await;
    let foreign: ParameterMap = [("InstanceId".to_string(), vec!["i-0123456789abcdef0".to_string()])].into();
    let r = c.execute(&web, &restart, Some(&foreign), "foreign-1").await.unwrap();
    let (_, d, _) = follow(&c, &r.record_id).await;
    assert_eq!(d.status, Some(RecordStatus::Failed));
    let why = d.record_errors[0].description.clone().unwrap();
    assert!(why.contains("i-0123456789abcdef0") && why.contains("not a resource"), "{why}");
    // A subset of the product's own instances is a valid override.
    let own = c.execution_parameters(&web, &restart).await.unwrap()[0].default_values[0].clone();
    let narrowed: ParameterMap = [("InstanceId".to_string(), vec![own.clone()])].into();
    let r = c.execute(&web, &restart, Some(&narrowed), "narrow-1").await.unwrap();
    let (_, d, outputs) = follow(&c, &r.record_id).await;
    assert_eq!(d.status, Some(RecordStatus::Succeeded));
    assert!(outputs.iter().any(|o| o.output_value.as_deref() == Some(own.as_str())));
    let unknown: ParameterMap = [("Force".to_string(), vec!["true".to_string()])].into();
    let r = c.execute(&web, &restart, Some(&unknown), "unknown-1").await.unwrap();
    let (_, d, _) = follow(&c, &r.record_id).await;
    assert_eq!(d.status, Some(RecordStatus::Failed));
    assert!(d.record_errors.iter().any(|e| e.description.as_deref().unwrap_or("").contains("Force")), "{d:?}");
}

#[tokio::test]
async fn a_busy_product_refuses_another_run_until_it_ends() {
    let emu = emulator(0.05).await;
    let c = client(&emu);
    let web = pp_id(&c, WEB).await;
    let restart = action_id(&c, WEB, RESTART).await;
    let r = c.execute(&web, &restart, None, "busy-1").await.unwrap();
    let during = c.product(&web).await.unwrap();
    assert_eq!(during.status, Some(ProductStatus::UnderChange));
    assert_eq!(during.last_record_id.as_deref(), Some(r.record_id.as_str()));
    let e = c.execute(&web, &restart, None, "busy-2").await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidState);
    assert!(e.message.contains("UNDER_CHANGE") && e.hint.contains("wait"), "{e}");
    follow(&c, &r.record_id).await;
    let after = c.product(&web).await.unwrap();
    assert_eq!(after.status, Some(ProductStatus::Available));
    assert!(c.execute(&web, &restart, None, "busy-3").await.is_ok());
    assert_eq!(emu.stats().executions_started, 2);
}

#[tokio::test]
async fn history_lists_records_newest_first() {
    let emu = emulator(0.0).await;
    let c = client(&emu);
    let web = pp_id(&c, WEB).await;
    let restart = action_id(&c, WEB, RESTART).await;
    let before = c.history(&web).await.unwrap();
    assert!(before.iter().any(|r| r.record_type.as_deref() == Some("PROVISION_PRODUCT")));
    let r = c.execute(&web, &restart, None, "hist-1").await.unwrap();
    let after = c.history(&web).await.unwrap();
    assert_eq!(after.len(), before.len() + 1);
    assert_eq!(after[0].record_id, r.record_id);
    let s = sdk(&emu);
    // Every record of every web server: the account level (the default, User, is the caller's own).
    let account = aws_sdk_servicecatalog::types::AccessLevelFilter::builder()
        .key(aws_sdk_servicecatalog::types::AccessLevelFilterKey::Account)
        .value("self")
        .build();
    let by_product = s
        .list_record_history()
        .access_level_filter(account)
        .search_filter(
            aws_sdk_servicecatalog::types::ListRecordHistorySearchFilter::builder()
                .key("product")
                .value(after[0].product_id.clone().unwrap())
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert!(by_product.record_details().len() > after.len(), "every web server's records");
    let (code, _) = err_code(
        s.list_record_history()
            .search_filter(
                aws_sdk_servicecatalog::types::ListRecordHistorySearchFilter::builder().key("owner").value("x").build(),
            )
            .send()
            .await,
    );
    assert_eq!(code, "InvalidParametersException");
    let (code, _) = err_code(s.describe_record().id("rec-doesnotexist1").send().await);
    assert_eq!(code, "ResourceNotFoundException");
}
