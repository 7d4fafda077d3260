//! Issue 13: the emulator's SSM side through the real aws-sdk-ssm: each operation, its errors,
//! the steps on the record's clock, a failing step, a stop, both ways of linking a record to its
//! execution, and the permissions of the demo principals.

use crate::support::*;
use aws_sdk_ssm::error::ProvideErrorMetadata;
use aws_sdk_ssm::types::{AutomationExecutionFilter, AutomationExecutionFilterKey, AutomationExecutionStatus};
use sctui::domain::RecordStatus;

const READ_ONLY: &str = "AKIADEMOREADONLY0001";
const END_USER: &str = "AKIADEMOENDUSER00001";

fn ssm_as(emu: &sctui::emulator::Emulator, key: &str) -> aws_sdk_ssm::Client {
    let (_, region) = emu.account_and_region();
    sctui::catalog::connect::demo_ssm_client(&emu.url(), &region, &fast_settings(1), key)
}

fn ssm(emu: &sctui::emulator::Emulator) -> aws_sdk_ssm::Client {
    ssm_as(emu, sctui::catalog::connect::DEMO_ACCESS_KEY)
}

fn code<T: std::fmt::Debug, E: ProvideErrorMetadata + std::fmt::Debug, R: std::fmt::Debug>(
    r: Result<T, aws_sdk_ssm::error::SdkError<E, R>>,
) -> String {
    r.expect_err("the call should fail").code().unwrap_or("(none)").to_string()
}

fn filter(key: AutomationExecutionFilterKey, value: &str) -> AutomationExecutionFilter {
    AutomationExecutionFilter::builder().key(key).values(value).build().unwrap()
}

/// Starts `action` on `product` and moves the clock past the record's CREATED phase; returns the
/// record id and, where the record's outputs name it, the execution id.
async fn start(emu: &sctui::emulator::Emulator, product: &str, action: &str) -> (String, Option<String>) {
    let c = client(emu);
    let pp = pp_id(&c, product).await;
    let act = action_id(&c, &pp, action).await;
    let token = uuid::Uuid::new_v4().to_string();
    let record = c.execute(&pp, &act, None, &token).await.unwrap();
    emu.advance_clock(1.0);
    let (detail, outputs) = c.record(&record.record_id).await.unwrap();
    assert_eq!(detail.status, Some(RecordStatus::InProgress));
    let id = outputs.iter().find(|o| o.output_key.as_deref() == Some("AutomationExecutionId"));
    (record.record_id, id.and_then(|o| o.output_value.clone()))
}

#[tokio::test]
async fn describe_document_lists_the_runbooks_parameters() {
    let emu = emulator(1.0).await;
    let doc = ssm(&emu).describe_document().name("AWS-RestartEC2Instance").send().await.unwrap();
    let doc = doc.document().unwrap();
    assert_eq!(doc.document_type().map(|t| t.as_str()), Some("Automation"));
    let params: Vec<(&str, &str, Option<&str>)> = doc
        .parameters()
        .iter()
        .map(|p| (p.name().unwrap(), p.r#type().map(|t| t.as_str()).unwrap(), p.default_value()))
        .collect();
    assert_eq!(params, [("InstanceId", "StringList", None), ("AutomationAssumeRole", "String", Some(""))]);
    let resize = ssm(&emu).describe_document().name("AWS-ResizeInstance").send().await.unwrap();
    let names: Vec<_> = resize.document().unwrap().parameters().iter().filter_map(|p| p.name()).collect();
    assert_eq!(names, ["InstanceId", "InstanceType", "SleepWait", "AutomationAssumeRole"]);
    assert_eq!(code(ssm(&emu).describe_document().name("NoSuchDocument").send().await), "InvalidDocument");
    assert_eq!(code(ssm(&emu).describe_document().name("x").send().await), "ValidationException", "too short a name");
}

#[tokio::test]
async fn an_execution_walks_its_steps_on_the_records_clock() {
    let emu = emulator(1.0).await;
    let (_, id) = start(&emu, WEB, RESTART).await;
    let id = id.expect("RestartEC2Instance's outputs name the execution");
    let ex = ssm(&emu).get_automation_execution().automation_execution_id(&id).send().await.unwrap();
    let ex = ex.automation_execution().unwrap();
    assert_eq!(ex.automation_execution_status(), Some(&AutomationExecutionStatus::Inprogress));
    assert_eq!(ex.document_name(), Some("AWS-RestartEC2Instance"));
    assert!(ex.executed_by().unwrap().contains(":assumed-role/SC-launch-role/"));
    assert_eq!(ex.parameters().unwrap()["InstanceId"].len(), 3, "the product's TARGET defaults");
    let steps: Vec<_> = ex.step_executions().iter().map(|s| s.step_name().unwrap()).collect();
    assert_eq!(steps, ["stopInstances"], "the second step has not started");
    assert_eq!(ex.current_step_name(), Some("stopInstances"));
    emu.advance_clock(10.0);
    let done = ssm(&emu).get_automation_execution().automation_execution_id(&id).send().await.unwrap();
    let done = done.automation_execution().unwrap();
    assert_eq!(done.automation_execution_status(), Some(&AutomationExecutionStatus::Success));
    assert!(done.execution_end_time().is_some() && done.outputs().is_some_and(|o| !o.is_empty()));
    let steps = ssm(&emu).describe_automation_step_executions().automation_execution_id(&id).send().await.unwrap();
    let names: Vec<_> = steps.step_executions().iter().map(|s| s.step_name().unwrap()).collect();
    assert_eq!(names, ["stopInstances", "startInstances"]);
    let reversed = ssm(&emu)
        .describe_automation_step_executions()
        .automation_execution_id(&id)
        .reverse_order(true)
        .max_results(1)
        .send()
        .await
        .unwrap();
    assert_eq!(reversed.step_executions()[0].step_name(), Some("startInstances"));
    assert!(reversed.next_token().is_some(), "one per page: there is another");
    let missing = "00000000-0000-4000-8000-000000000000";
    let e = ssm(&emu).get_automation_execution().automation_execution_id(missing).send().await;
    assert_eq!(code(e), "AutomationExecutionNotFoundException");
}

#[tokio::test]
async fn a_failing_action_fails_at_its_named_step_with_the_reason() {
    let emu = emulator(1.0).await;
    let (_, id) = start(&emu, "orders-db-prod", "AWS-StopRdsInstance").await;
    emu.advance_clock(60.0);
    let ex = ssm(&emu).get_automation_execution().automation_execution_id(id.unwrap()).send().await.unwrap();
    let ex = ex.automation_execution().unwrap();
    assert_eq!(ex.automation_execution_status(), Some(&AutomationExecutionStatus::Failed));
    let steps: Vec<_> =
        ex.step_executions().iter().map(|s| (s.step_name().unwrap(), s.step_status().unwrap().as_str())).collect();
    assert_eq!(steps, [("AssertNotStopped", "Success"), ("StopInstance", "Failed")]);
    let failed = &ex.step_executions()[1];
    assert!(failed.failure_message().unwrap().starts_with("Step fails when it is Calling StopDBInstance"));
    let details = failed.failure_details().unwrap();
    assert_eq!(details.failure_stage(), Some("Invocation"));
    assert!(details.details().unwrap()["ExceptionMessage"][0].contains("InvalidDBInstanceState"));
    assert_eq!(ex.failure_message(), failed.failure_message());
}

#[tokio::test]
async fn stop_cancels_the_execution_and_fails_the_record() {
    let emu = emulator(1.0).await;
    let (record, id) = start(&emu, WEB, RESTART).await;
    let id = id.unwrap();
    ssm(&emu).stop_automation_execution().automation_execution_id(&id).send().await.unwrap();
    let ex = ssm(&emu).get_automation_execution().automation_execution_id(&id).send().await.unwrap();
    let ex = ex.automation_execution().unwrap();
    assert_eq!(ex.automation_execution_status(), Some(&AutomationExecutionStatus::Cancelled));
    assert_eq!(ex.step_executions()[0].step_status().map(|s| s.as_str()), Some("Cancelled"));
    let (detail, _) = client(&emu).record(&record).await.unwrap();
    assert_eq!(detail.status, Some(RecordStatus::Failed));
    assert_eq!(detail.record_errors[0].code.as_deref(), Some("AutomationExecutionCancelled"));
    let again = ssm(&emu).stop_automation_execution().automation_execution_id(&id).send().await;
    assert_eq!(code(again), "InvalidAutomationStatusUpdateException");
}

/// The record ↔ execution link both ways: StartEC2Instance's record does not name its
/// execution; DescribeAutomationExecutions finds it by document and start time.
#[tokio::test]
async fn an_execution_the_record_does_not_name_is_found_by_search() {
    let emu = emulator(1.0).await;
    let before = time::OffsetDateTime::now_utc() - time::Duration::seconds(5);
    let (_, id) = start(&emu, WEB, "AWS-StartEC2Instance").await;
    assert_eq!(id, None, "this scenario's outputs do not name the execution");
    let after = before.format(&time::format_description::well_known::Rfc3339).unwrap();
    let found = ssm(&emu)
        .describe_automation_executions()
        .filters(filter(AutomationExecutionFilterKey::DocumentNamePrefix, "AWS-StartEC2"))
        .filters(filter(AutomationExecutionFilterKey::StartTimeAfter, &after))
        .send()
        .await
        .unwrap();
    let list = found.automation_execution_metadata_list();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].document_name(), Some("AWS-StartEC2Instance"));
    assert!(list[0].executed_by().unwrap().contains("SC-launch-role"));
    let none = ssm(&emu)
        .describe_automation_executions()
        .filters(filter(AutomationExecutionFilterKey::ExecutionStatus, "Success"))
        .send()
        .await
        .unwrap();
    assert!(none.automation_execution_metadata_list().is_empty(), "it is still running");
    let bad = ssm(&emu)
        .describe_automation_executions()
        .filters(filter(AutomationExecutionFilterKey::StartTimeAfter, "yesterday"))
        .send()
        .await;
    assert_eq!(code(bad), "InvalidFilterValue");
}

/// AWSServiceCatalogEndUserFullAccess grants GetAutomationExecution and DescribeDocument only;
/// the read-only end-user policy no SSM action.
#[tokio::test]
async fn ssm_permissions_follow_the_end_user_policies() {
    let emu = emulator(1.0).await;
    let (_, id) = start(&emu, WEB, RESTART).await;
    let id = id.unwrap();
    let user = ssm_as(&emu, END_USER);
    assert!(user.get_automation_execution().automation_execution_id(&id).send().await.is_ok());
    assert!(user.describe_document().name("AWS-RestartEC2Instance").send().await.is_ok());
    assert_eq!(code(user.describe_automation_executions().send().await), "AccessDeniedException");
    assert_eq!(
        code(user.stop_automation_execution().automation_execution_id(&id).send().await),
        "AccessDeniedException"
    );
    let auditor = ssm_as(&emu, READ_ONLY);
    let denied = auditor.get_automation_execution().automation_execution_id(&id).send().await;
    let e = denied.expect_err("denied");
    assert_eq!(e.code(), Some("AccessDeniedException"));
    assert!(e.message().unwrap().contains("ssm:GetAutomationExecution"), "{:?}", e.message());
    assert_eq!(emu.stats().requests["GetAutomationExecution"], 2);
}

/// Every bound of the model is checked by the emulator, as by SSM: the SDK sends what it is
/// given.
#[tokio::test]
async fn ssm_input_is_checked_as_the_model_says() {
    let emu = emulator(1.0).await;
    let c = ssm(&emu);
    let e = c.describe_automation_executions().max_results(51).send().await;
    assert_eq!(code(e), "ValidationException");
    let e = c.describe_automation_executions().next_token("not-a-token").send().await;
    assert_eq!(code(e), "InvalidNextToken");
    let long = "x".repeat(151);
    let e = c
        .describe_automation_executions()
        .filters(filter(AutomationExecutionFilterKey::DocumentNamePrefix, &long))
        .send()
        .await;
    assert_eq!(code(e), "InvalidFilterValue");
    let mut many = c.describe_automation_executions();
    for _ in 0..11 {
        many = many.filters(filter(AutomationExecutionFilterKey::DocumentNamePrefix, "AWS"));
    }
    assert_eq!(code(many.send().await), "ValidationException");
    let e = c.get_automation_execution().automation_execution_id("short").send().await;
    assert_eq!(code(e), "ValidationException");
    let e = c.describe_document().name("AWS-RestartEC2Instance").document_version("01").send().await;
    assert_eq!(code(e), "ValidationException");
    let e = c.describe_document().name("bad name\u{1b}[2J").send().await;
    assert_eq!(code(e), "ValidationException");
}

/// A denied SSM call names the SSM permission it needs (not a Service Catalog one).
#[tokio::test]
async fn a_denied_ssm_call_names_the_ssm_permission() {
    let emu = emulator(1.0).await;
    let (_, region) = emu.account_and_region();
    let auditor = sctui::catalog::CatalogClient::demo_as(&emu.url(), &region, &fast_settings(1), READ_ONLY);
    let e = auditor.automation("00000000-0000-4000-8000-000000000000").await.unwrap_err();
    assert_eq!(e.kind, sctui::catalog::ErrorKind::AccessDenied);
    assert!(e.to_string().contains("ssm:GetAutomationExecution"), "{e}");
    assert!(!e.to_string().contains("servicecatalog:GetAutomationExecution"), "{e}");
}

/// The SSM operations take the emulator's faults and rate limit like Service Catalog's, and the
/// client's retries and pacing carry them through.
#[tokio::test]
async fn ssm_operations_meet_the_faults_and_the_rate_limit() {
    let faults = sctui::emulator::faults::FaultConfig {
        ops: vec!["GetAutomationExecution".into()],
        throttle_rate: 1.0,
        ..Default::default()
    };
    let emu = emulator_with(0, 1.0, faults).await;
    let (_, id) = start(&emu, WEB, RESTART).await;
    let id = id.unwrap();
    let e = ssm(&emu).get_automation_execution().automation_execution_id(&id).send().await;
    assert_eq!(code(e), "ThrottlingException");
    assert!(emu.stats().faults["throttle"] >= 1);
    // Only that operation: the others answer.
    assert!(ssm(&emu).describe_automation_step_executions().automation_execution_id(&id).send().await.is_ok());
    emu.set_faults(Default::default());
    assert!(client(&emu).automation(&id).await.is_ok(), "through the client once the faults stop");

    let options = sctui::emulator::Options { rate_limit: Some(1.0), ..Default::default() };
    let limited = sctui::emulator::start_local(world(0), options).await.unwrap();
    let mut throttled = 0;
    for _ in 0..3 {
        let r = ssm(&limited).describe_document().name("AWS-RestartEC2Instance").send().await;
        if r.is_err() {
            throttled += 1;
        }
    }
    assert!(throttled >= 1, "1 call per second: 3 at once are not all answered");
    assert!(limited.stats().throttled["DescribeDocument"] >= 1);
}

/// GetDocument gives the document's content: each parameter's allowed values and pattern, and
/// the steps. AWS's end-user policy does not grant it.
#[tokio::test]
async fn get_document_gives_allowed_values_patterns_and_steps() {
    use aws_sdk_ssm::types::DocumentFormat;
    let emu = emulator(1.0).await;
    let doc =
        ssm(&emu).get_document().name("AWS-CreateImage").document_format(DocumentFormat::Json).send().await.unwrap();
    assert_eq!(doc.document_type().map(|t| t.as_str()), Some("Automation"));
    assert_eq!(doc.document_format(), Some(&DocumentFormat::Json));
    let content: serde_json::Value = serde_json::from_str(doc.content().unwrap()).unwrap();
    assert_eq!(content["parameters"]["NoReboot"]["allowedValues"], serde_json::json!(["true", "false"]));
    assert_eq!(content["parameters"]["InstanceId"]["allowedPattern"], "^i-[a-z0-9]{8,17}$");
    assert_eq!(content["mainSteps"][0]["name"], "createImage");
    // YAML: the same text (JSON is YAML), labelled as asked.
    let yaml = ssm(&emu).get_document().name("AWS-CreateImage").document_format(DocumentFormat::Yaml).send().await;
    assert_eq!(yaml.unwrap().document_format(), Some(&DocumentFormat::Yaml));
    assert_eq!(code(ssm(&emu).get_document().name("NoSuchDocument").send().await), "InvalidDocument");
    let e = ssm(&emu).get_document().name("AWS-CreateImage").document_version("7").send().await;
    assert_eq!(code(e), "InvalidDocumentVersion");
    let e = ssm_as(&emu, END_USER).get_document().name("AWS-CreateImage").send().await.expect_err("denied");
    assert_eq!(e.code(), Some("AccessDeniedException"));
    assert!(e.message().unwrap().contains("ssm:GetDocument"), "{:?}", e.message());
    // Through the client: the admin gets the limits; the end user the parameters and what lacks.
    let (_, region) = emu.account_and_region();
    let (params, missing) = client(&emu).document_parameters("AWS-EnableS3BucketEncryption").await.unwrap();
    assert_eq!(missing, None);
    let sse = params.iter().find(|p| p.name == "SSEAlgorithm").unwrap();
    assert_eq!(sse.allowed_values, ["AES256", "aws:kms"]);
    let bucket = params.iter().find(|p| p.name == "BucketName").unwrap();
    assert_eq!(bucket.allowed_pattern.as_deref(), Some("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"));
    let user = sctui::catalog::CatalogClient::demo_as(&emu.url(), &region, &fast_settings(1), END_USER);
    let (params, missing) = user.document_parameters("AWS-EnableS3BucketEncryption").await.unwrap();
    assert_eq!(missing.as_deref(), Some("allowed values and patterns unknown: needs ssm:GetDocument"));
    assert!(params.iter().all(|p| p.allowed_values.is_empty() && p.allowed_pattern.is_none()) && params.len() == 3);
}

/// StartExecutionPreview / GetExecutionPreview: the resources a run would touch by type, its
/// region and account, its steps by impact; a preview of parameters the document refuses
/// fails with the reason; denied to end users; unknown where SSM does not offer it.
#[tokio::test]
async fn the_execution_preview_counts_targets_and_steps() {
    use aws_sdk_ssm::types::{
        AutomationExecutionInputs, ExecutionInputs, ExecutionPreview, ExecutionPreviewStatus, ImpactType,
    };
    let emu = emulator(1.0).await;
    let inputs = |pairs: &[(&str, &[&str])]| {
        let mut b = AutomationExecutionInputs::builder();
        for (k, v) in pairs {
            b = b.parameters(*k, v.iter().map(|s| s.to_string()).collect());
        }
        ExecutionInputs::Automation(b.build())
    };
    let ids: &[&str] = &["i-0123456789abcdef0", "i-0123456789abcdef1"];
    let started = ssm(&emu)
        .start_execution_preview()
        .document_name("AWS-ResizeInstance")
        .execution_inputs(inputs(&[("InstanceId", ids), ("InstanceType", &["m6i.large"])]))
        .send()
        .await
        .unwrap();
    let id = started.execution_preview_id().unwrap().to_string();
    let get = || ssm(&emu).get_execution_preview().execution_preview_id(id.clone()).send();
    assert_eq!(get().await.unwrap().status(), Some(&ExecutionPreviewStatus::InProgress), "not at once");
    emu.advance_clock(2.0);
    let done = get().await.unwrap();
    assert_eq!(done.status(), Some(&ExecutionPreviewStatus::Success));
    let Some(ExecutionPreview::Automation(p)) = done.execution_preview() else { panic!("an Automation preview") };
    assert_eq!((p.target_previews()[0].count(), p.target_previews()[0].target_type()), (2, Some("AWS::EC2::Instance")));
    assert_eq!((p.regions(), p.total_accounts()), (&[emu.account_and_region().1][..], 1));
    let steps = p.step_previews().unwrap();
    assert_eq!((steps[&ImpactType::Mutating], steps[&ImpactType::NonMutating]), (3, 2), "{steps:?}");

    // Through the client, which reads until it ends (at once at time scale 0): a parameter the
    // document refuses fails the preview, with SSM's reason.
    let instant = emulator(0.0).await;
    let c = client(&instant);
    let params = |pairs: &[(&str, &[&str])]| {
        pairs.iter().map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect())).collect()
    };
    let huge = params(&[("InstanceId", ids), ("InstanceType", &["huge"])]);
    let why = c.execution_preview("AWS-ResizeInstance", None, &huge).await.unwrap().unwrap_err();
    assert!(why.contains("InstanceType") && why.contains("allowed pattern"), "{why}");
    let good = c.execution_preview("AWS-RestartEC2Instance", Some("1"), &params(&[("InstanceId", ids)])).await;
    let good = good.unwrap().unwrap();
    assert_eq!(good.targets, [("AWS::EC2::Instance".to_string(), 2)]);
    assert_eq!(instant.stats().requests["GetExecutionPreview"], 2, "one read each: both had ended");

    let (_, region) = emu.account_and_region();
    let user = sctui::catalog::CatalogClient::demo_as(&emu.url(), &region, &fast_settings(1), END_USER);
    let e = user.execution_preview("AWS-RestartEC2Instance", None, &params(&[("InstanceId", ids)])).await.unwrap_err();
    assert_eq!(e.kind, sctui::catalog::ErrorKind::AccessDenied);
    assert!(e.to_string().contains("ssm:StartExecutionPreview"), "{e}");
    let e = ssm(&emu).get_execution_preview().execution_preview_id("00000000-0000-4000-8000-000000000000").send().await;
    assert_eq!(code(e), "ResourceNotFoundException");
    let e = ssm(&emu).get_execution_preview().execution_preview_id("short").send().await;
    assert_eq!(code(e), "ValidationException");

    let options = sctui::emulator::Options { execution_preview: false, ..Default::default() };
    let old = sctui::emulator::start_local(world(0), options).await.unwrap();
    let e = client(&old).execution_preview("AWS-RestartEC2Instance", None, &params(&[("InstanceId", ids)])).await;
    assert_eq!(e.unwrap_err().code.as_deref(), Some("UnknownOperationException"));
}

/// Issue 13: when the search finds several executions of the document in the window (the same
/// action on two products at once, as a batch runs it), what each run was given tells them
/// apart: the values sent, or the product's own TARGET resources when it sent none. Without
/// that, or when none carries it, sctui does not guess.
#[tokio::test]
async fn what_each_run_was_given_tells_apart_executions_the_search_finds() {
    use sctui::runs::automation::{Found, Sent, find};
    let emu = emulator(1.0).await;
    let c = client(&emu);
    let (pp1, pp2) = (pp_id(&c, WEB).await, pp_id(&c, "web-prod-02").await);
    let act = action_id(&c, &pp1, "AWS-StartEC2Instance").await;
    assert_eq!(action_id(&c, &pp2, "AWS-StartEC2Instance").await, act, "the same version, the same action");
    let defaults = c.execution_parameters(&pp1, &act).await.unwrap();
    let ids = defaults.iter().find(|p| p.name == "InstanceId").unwrap().default_values.clone();
    let one: sctui::domain::ParameterMap = [("InstanceId".to_string(), vec![ids[0].clone()])].into();
    let first = c.execute(&pp1, &act, Some(&one), &uuid::Uuid::new_v4().to_string()).await.unwrap();
    let second = c.execute(&pp2, &act, None, &uuid::Uuid::new_v4().to_string()).await.unwrap();
    emu.advance_clock(1.0);
    let doc = Some("AWS-StartEC2Instance");
    let sent = |pp: &str, parameters: Option<&sctui::domain::ParameterMap>| Sent {
        product_id: pp.to_string(),
        action_id: act.clone(),
        parameters: parameters.cloned(),
    };
    let (record, outputs) = c.record(&first.record_id).await.unwrap();
    let Found::One(a) = find(&c, &record, &outputs, doc, Some(&sent(&pp1, Some(&one)))).await.unwrap() else {
        panic!("the override tells it apart")
    };
    assert_eq!(a.parameters["InstanceId"], one["InstanceId"]);
    assert!(matches!(find(&c, &record, &outputs, doc, None).await.unwrap(), Found::Many(l) if l.len() == 2));
    let neither: sctui::domain::ParameterMap = [("InstanceId".to_string(), vec!["i-0000000000000000".into()])].into();
    let found = find(&c, &record, &outputs, doc, Some(&sent(&pp1, Some(&neither)))).await.unwrap();
    assert!(matches!(found, Found::Many(l) if l.len() == 2), "none carries it: both, for the operator");
    // The run that sent nothing: its product's own resources.
    let (record, outputs) = c.record(&second.record_id).await.unwrap();
    let Found::One(b) = find(&c, &record, &outputs, doc, Some(&sent(&pp2, None))).await.unwrap() else {
        panic!("the product's TARGET resources tell it apart")
    };
    assert_ne!(b.automation_execution_id, a.automation_execution_id);
    assert!(!b.parameters["InstanceId"].contains(&ids[0]), "web-prod-02's own instances");
}

/// Issue 15: GetCalendarState through aws-sdk-ssm: OPEN, CLOSED once the switch closes it (in
/// every account), an unknown calendar is InvalidDocument, a missing name a validation error,
/// and the end user's managed policy does not allow it.
#[tokio::test]
async fn get_calendar_state_answers_open_closed_and_unknown_calendars() {
    let emu = emulator(0.0).await;
    let ssm = ssm(&emu);
    let ask = |names: &[&str]| {
        ssm.get_calendar_state().set_calendar_names(Some(names.iter().map(|n| n.to_string()).collect())).send()
    };
    let open = ask(&["prod-change-freeze"]).await.unwrap();
    assert_eq!(open.state(), Some(&aws_sdk_ssm::types::CalendarState::Open));
    assert!(open.at_time().is_some());
    assert!(emu.set_calendar("prod-change-freeze", "CLOSED"));
    let arn = "arn:aws:ssm:eu-west-1:123456789012:document/prod-change-freeze";
    assert_eq!(ask(&[arn]).await.unwrap().state(), Some(&aws_sdk_ssm::types::CalendarState::Closed));
    let dev = ssm_as(&emu, "AKIADEMODEVADMIN0001");
    let closed = dev.get_calendar_state().calendar_names("prod-change-freeze").send().await.unwrap();
    assert_eq!(closed.state(), Some(&aws_sdk_ssm::types::CalendarState::Closed), "closed in every account");
    let e = ask(&["no-such-calendar"]).await.unwrap_err().into_service_error();
    assert_eq!(e.meta().code(), Some("InvalidDocument"), "{e:?}");
    let e = ssm.get_calendar_state().send().await.unwrap_err().into_service_error();
    assert_eq!(e.meta().code(), Some("ValidationException"), "{e:?}");
    let end_user = ssm_as(&emu, "AKIADEMOENDUSER00001");
    let e = end_user
        .get_calendar_state()
        .calendar_names("prod-change-freeze")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(e.meta().code(), Some("AccessDeniedException"), "{e:?}");
    assert!(!emu.set_calendar("no-such-calendar", "OPEN"));
}
