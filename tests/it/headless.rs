//! The headless commands as a process: exit codes, output shapes, and bad input that sends nothing.

use crate::support::*;
use std::io::{BufRead, BufReader};

#[tokio::test]
async fn exec_wait_succeeds_with_exit_0() {
    let emu = emulator(0.0).await;
    let home = tempfile::tempdir().unwrap();
    let out = run_against(&emu, home.path(), &["exec", WEB, RESTART, "--wait"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("Status     SUCCEEDED"), "{stdout}");
    assert!(stdout.contains("Output     RestartedInstances = i-"), "{stdout}");
    assert_eq!(emu.stats().executions_started, 1);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("  step stopInstances  Success") && stderr.contains("  step startInstances  Success"),
        "{stderr}"
    );
    // At most one GetAutomationExecution per record poll.
    let stats = emu.stats();
    assert!(stats.requests["GetAutomationExecution"] <= stats.requests["DescribeRecord"], "{stats:?}");
}

#[tokio::test]
async fn exec_wait_failed_exits_1_and_prints_the_record_errors() {
    let emu = emulator(0.0).await;
    let home = tempfile::tempdir().unwrap();
    let out = run_against(&emu, home.path(), &["exec", "orders-db-prod", "AWS-StopRdsInstance", "--wait"]).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("Status     FAILED"), "{stdout}");
    assert!(stdout.contains("Error      AutomationStepFailed: "), "{stdout}");
    // Issue 13: the SSM steps on stderr as the polls bring them, the failing one's reason.
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("  step AssertNotStopped  Success") && stderr.contains("  step StopInstance  Failed"),
        "{stderr}"
    );
    assert!(stderr.contains("step StopInstance failed: Step fails when it is Calling StopDBInstance"), "{stderr}");
}

#[tokio::test]
async fn exec_json_mirrors_the_aws_cli() {
    let emu = emulator(0.0).await;
    let home = tempfile::tempdir().unwrap();
    let out = run_against(
        &emu,
        home.path(),
        &[
            "exec",
            WEB,
            RESTART,
            "--wait",
            "--output",
            "json",
            "--token",
            "json-1",
            "-p",
            "InstanceId=i-ca812554ca6a80470",
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys, ["RecordDetail", "RecordOutputs"]);
    let d = &v["RecordDetail"];
    assert_eq!(d["Status"], "SUCCEEDED");
    assert!(d["RecordId"].as_str().unwrap().starts_with("rec-"));
    assert!(d["CreatedTime"].as_str().unwrap().ends_with("+00:00"), "ISO 8601 as the CLI prints: {d}");
    assert!(d["RecordErrors"].as_array().unwrap().is_empty());
    let outputs = v["RecordOutputs"].as_array().unwrap();
    assert!(
        outputs.iter().any(|o| o["OutputKey"] == "RestartedInstances" && o["OutputValue"] == "i-ca812554ca6a80470"),
        "{outputs:?}"
    );
    // The same token again: the same record, nothing new started.
    let again = run_against(
        &emu,
        home.path(),
        &["exec", WEB, RESTART, "--output", "json", "--token", "json-1", "-p", "InstanceId=i-ca812554ca6a80470"],
    )
    .await;
    let w: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(w["RecordDetail"]["RecordId"], d["RecordId"]);
    assert_eq!(emu.stats().executions_started, 1);
}

#[tokio::test]
async fn bad_input_exits_2_before_any_request() {
    let emu = emulator(0.0).await;
    let home = tempfile::tempdir().unwrap();
    let long_key = format!("{}=v", "k".repeat(51));
    let long_value = format!("Reason={}", "x".repeat(513));
    let many: Vec<String> = (0..26).map(|i| format!("InstanceId=i-{i}")).collect();
    let mut many_args = vec!["exec", WEB, RESTART];
    for m in &many {
        many_args.extend(["-p", m.as_str()]);
    }
    let long_id = "p".repeat(101);
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["exec", WEB, RESTART, "--token=-abc"], "ExecuteToken"),
        (vec!["exec", WEB, RESTART, "-p", &long_key], "parameter name"),
        (vec!["exec", WEB, RESTART, "-p", &long_value], "512"),
        (many_args.clone(), "at most 25 values"),
        (vec!["exec", WEB, RESTART, "-p", "no-equals-sign"], "NAME=VALUE"),
        (vec!["exec", "web prod 01", RESTART], "product"),
        (vec!["record", &long_id], "record id"),
        (vec!["actions", "bad/name"], "product"),
    ];
    for (args, needle) in cases {
        let out = run_against(&emu, home.path(), &args).await;
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?} should name {needle}: {stderr}");
        assert!(!stderr.contains('\u{1b}'));
    }
    let stats = emu.stats();
    assert!(stats.requests.is_empty(), "no request reached the emulator: {stats:?}");
}

#[tokio::test]
async fn exec_wait_times_out_with_exit_3() {
    let emu = emulator(1.0).await;
    let home = tempfile::tempdir().unwrap();
    let out = run_against(
        &emu,
        home.path(),
        &[
            "exec",
            WEB,
            "AWS-CreateImage",
            "-p",
            "ImageName=nightly",
            "-p",
            "NoReboot=true",
            "--wait",
            "--timeout",
            "0.3",
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("sctui record rec-"), "{}", text(&out.stderr));
}

#[tokio::test]
async fn api_errors_exit_4_with_a_message_for_the_operator() {
    let emu = emulator(0.0).await;
    let home = tempfile::tempdir().unwrap();
    let out = run_against(&emu, home.path(), &["record", "rec-doesnotexist1"]).await;
    assert_eq!(out.status.code(), Some(4));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("DescribeRecord failed: Record rec-doesnotexist1 not found") && stderr.contains("region"),
        "{stderr}"
    );
    let out = run_against(&emu, home.path(), &["exec", WEB, "AWS-NoSuchAction"]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("AWS-RestartEC2Instance"), "lists the actions there are");
}

#[tokio::test]
async fn json_shapes_of_the_listing_commands() {
    let emu = emulator(0.0).await;
    let home = tempfile::tempdir().unwrap();
    let json = |args: Vec<&'static str>| {
        let emu_url = emu.url();
        let home = home.path().to_path_buf();
        async move {
            let mut cmd = sctui(&home);
            cmd.args(["--endpoint-url", &emu_url, "--region", "eu-west-1", "--output", "json"]).args(args);
            let out = tokio::task::spawn_blocking(move || cmd.output().unwrap()).await.unwrap();
            assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
            serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
        }
    };
    let p = json(vec!["products", "--query", "name:web-prod-01"]).await;
    assert_eq!(p["TotalResultsCount"], 1);
    let pp = &p["ProvisionedProducts"][0];
    for key in [
        "Name",
        "Arn",
        "Type",
        "Id",
        "Status",
        "CreatedTime",
        "LastRecordId",
        "Tags",
        "ProductId",
        "ProductName",
        "ProvisioningArtifactId",
    ] {
        assert!(pp.get(key).is_some(), "{key} in {pp}");
    }
    let a = json(vec!["actions", WEB]).await;
    assert!(
        a["ServiceActionSummaries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["Name"] == RESTART && x["Id"].as_str().unwrap().starts_with("act-"))
    );
    let prm = json(vec!["params", WEB, RESTART]).await;
    assert_eq!(prm["ServiceActionParameters"][0]["Type"], "TARGET");
    assert_eq!(prm["ServiceActionParameters"][0]["DefaultValues"].as_array().unwrap().len(), 3);
    let h = json(vec!["history", WEB]).await;
    let rec = h["RecordDetails"][0]["RecordId"].as_str().unwrap().to_string();
    let r = json(vec!["record", Box::leak(rec.into_boxed_str())]).await;
    assert!(r.get("RecordDetail").is_some() && r["RecordOutputs"].is_array());
}

#[test]
fn the_demo_runs_without_any_aws_setup() {
    let home = tempfile::tempdir().unwrap();
    let out = sctui(home.path()).env_remove("AWS_ACCESS_KEY_ID").args(["--demo", "products"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("web-prod-01") && stdout.contains("of 23 provisioned products"), "{stdout}");
    assert!(out.stderr.is_empty(), "nothing but the table: {}", text(&out.stderr));
    let log = home.path().join("state/sctui/sctui.log");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&log).unwrap().permissions().mode() & 0o777, 0o600);
    assert_eq!(std::fs::metadata(log.parent().unwrap()).unwrap().permissions().mode() & 0o777, 0o700);
}

#[test]
fn the_emulator_command_prints_its_address_and_stops_on_sigterm() {
    let home = tempfile::tempdir().unwrap();
    let mut child = sctui(home.path())
        .args(["emulator", "--listen", "127.0.0.1:0", "--scale", "5"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    let url = first.trim().strip_prefix("listening on ").unwrap_or_else(|| panic!("{first}")).to_string();
    assert!(url.starts_with("http://127.0.0.1:") && !url.ends_with(":0"), "{url}");
    let out = sctui(home.path()).args(["--endpoint-url", &url, "--region", "eu-west-1", "products"]).output().unwrap();
    assert!(text(&out.stdout).contains("of 28 provisioned products"), "{}", text(&out.stdout));
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}

#[tokio::test]
async fn batch_runs_one_action_on_many_products_each_exactly_once() {
    let emu = emulator(0.0).await;
    let home = tempfile::tempdir().unwrap();
    let out =
        run_against(&emu, home.path(), &["batch", RESTART, "--query", "name:web-prod-0*", "--wait", "-o", "json"])
            .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let runs = v["Runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2, "{v}");
    assert!(runs.iter().all(|r| r["Status"] == "SUCCEEDED" && r["RecordId"].as_str().unwrap().starts_with("rec-")));
    assert_eq!(emu.stats().executions_started, 2);
    let journal = std::fs::read_to_string(home.path().join("state/sctui/journal.jsonl")).unwrap();
    assert_eq!(journal.matches("\"event\":\"finished\"").count(), 2, "both runs are in the journal");
}

#[tokio::test]
async fn batch_stops_launching_after_the_first_failure_and_exits_1() {
    let emu = emulator(0.0).await;
    let home = tempfile::tempdir().unwrap();
    let args = [
        "batch",
        "AWS-StopRdsInstance",
        "--products",
        "orders-db-prod,analytics-db-prod",
        "--concurrency",
        "1",
        "--stop-on-failure",
        "--wait",
    ];
    let out = run_against(&emu, home.path(), &args).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("FAILED") && stdout.contains("SKIPPED"), "{stdout}");
    assert_eq!(emu.stats().executions_started, 1, "nothing launched after the failure");
    // A product whose version lacks the action is reported, and the others still run.
    let out =
        run_against(&emu, home.path(), &["batch", RESTART, "--products", "web-prod-01,orders-db-prod", "--wait"]).await;
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("NOT_STARTED") && stdout.contains("has no action AWS-RestartEC2Instance"), "{stdout}");
    assert!(stdout.contains("SUCCEEDED"), "{stdout}");
    // Bad input sends nothing.
    let before = emu.stats();
    let out = run_against(&emu, home.path(), &["batch", RESTART, "--products", "web-prod-01", "-p", "nonsense"]).await;
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(emu.stats(), before);
}

#[tokio::test]
async fn the_config_file_sets_defaults_and_read_only() {
    let emu = emulator(0.0).await;
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    std::fs::write(&config, "[profiles.audit]\nread_only = true\n").unwrap();
    // Read-only for that profile only.
    let mut cmd = sctui(home.path());
    cmd.env("XDG_CONFIG_HOME", home.path());
    std::fs::create_dir_all(home.path().join("sctui")).unwrap();
    std::fs::copy(&config, home.path().join("sctui/config.toml")).unwrap();
    std::fs::create_dir_all(home.path().join(".aws")).unwrap();
    std::fs::write(home.path().join(".aws/config"), format!("[profile audit]\nregion = eu-west-1\nendpoint_url = {}\naws_access_key_id = AKIDAUDIT\naws_secret_access_key = x\n", emu.url())).unwrap();
    let out =
        tokio::task::spawn_blocking(move || cmd.args(["--profile", "audit", "exec", WEB, RESTART]).output().unwrap())
            .await
            .unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", text(&out.stderr));
    // Defaults: with no --profile and no --region, the config's profile and its region are used
    // (the profile's endpoint is the emulator; without the default nothing would answer).
    let defaults = "profile = \"ops\"\n[profiles.ops]\nregion = \"eu-west-1\"\n";
    std::fs::write(home.path().join("sctui/config.toml"), defaults).unwrap();
    let aws = format!(
        "[profile ops]\nendpoint_url = {}\naws_access_key_id = AKIDOPS\naws_secret_access_key = x\n",
        emu.url()
    );
    std::fs::write(home.path().join(".aws/config"), aws).unwrap();
    let mut cmd = sctui(home.path());
    cmd.env("XDG_CONFIG_HOME", home.path()).env_remove("AWS_ACCESS_KEY_ID").env_remove("AWS_SECRET_ACCESS_KEY");
    let out =
        tokio::task::spawn_blocking(move || cmd.args(["products", "-o", "json"]).output().unwrap()).await.unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["TotalResultsCount"], 23, "the config's profile and region reached the emulator");
    // A broken config: a warning with line and column, and the command still runs on defaults.
    std::fs::write(home.path().join("sctui/config.toml"), "concurrency = \"many\"\n").unwrap();
    let mut cmd = sctui(home.path());
    cmd.env("XDG_CONFIG_HOME", home.path());
    let url = emu.url();
    let out = tokio::task::spawn_blocking(move || {
        cmd.args(["--endpoint-url", &url, "--region", "eu-west-1", "products"]).output().unwrap()
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stderr).contains("line 1, column 15"), "{}", text(&out.stderr));
    assert_eq!(emu.stats().executions_started, 0);
}

/// Issue 10: AWS's administrator guide says self-service actions are not supported for
/// Terraform products; sctui says so instead of listing nothing or sending a doomed Execute.
#[tokio::test]
async fn terraform_products_say_actions_are_not_supported() {
    let emu = emulator(0.0).await;
    let home = tempfile::tempdir().unwrap();
    for args in [&["actions", "docs-site-prod"][..], &["exec", "partner-feed-prod", RESTART]] {
        let out = run_against(&emu, home.path(), args).await;
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out.stderr));
        let err = text(&out.stderr);
        assert!(err.contains("Self-service actions are not supported for Terraform products"), "{err}");
    }
    assert_eq!(emu.stats().executions_started, 0);
    assert_eq!(emu.stats().requests.get("ExecuteProvisionedProductServiceAction"), None, "nothing was sent");
}

/// Issue 13: `sctui steps RECORD` shows the SSM Automation behind an action's record: found by
/// the record's outputs (RestartEC2Instance) or, where they do not name it, by search
/// (StartEC2Instance); JSON shaped like `aws ssm get-automation-execution`; the failing step's
/// reason whole; a record with no execution is exit 2 with the reason.
#[tokio::test]
async fn steps_show_the_automation_behind_a_record() {
    let emu = emulator(0.0).await;
    let home = tempfile::tempdir().unwrap();
    let record = |out: &std::process::Output| -> String {
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["RecordDetail"]["RecordId"].as_str().unwrap().to_string()
    };
    let exec = |product: &'static str, action: &'static str| {
        let (emu, home) = (&emu, home.path());
        async move { run_against(emu, home, &["exec", product, action, "--wait", "--output", "json"]).await }
    };
    let restarted = record(&exec(WEB, RESTART).await);
    let out = run_against(&emu, home.path(), &["steps", &restarted, "--output", "json"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let a = &v["AutomationExecution"];
    assert_eq!(a["AutomationExecutionStatus"], "Success");
    assert_eq!(a["DocumentName"], "AWS-RestartEC2Instance");
    let steps: Vec<&str> =
        a["StepExecutions"].as_array().unwrap().iter().map(|s| s["StepName"].as_str().unwrap()).collect();
    assert_eq!(steps, ["stopInstances", "startInstances"]);
    assert!(a["ExecutionStartTime"].as_str().unwrap().ends_with("+00:00"), "ISO 8601, as the AWS CLI prints: {a}");

    let started = record(&exec(WEB, "AWS-StartEC2Instance").await);
    let out = run_against(&emu, home.path(), &["steps", &started]).await;
    assert_eq!(out.status.code(), Some(0), "found by search: {}", text(&out.stderr));
    let table = text(&out.stdout);
    assert!(table.contains("Document   AWS-StartEC2Instance v1") && table.contains("startInstances"), "{table}");
    // Without the journal that knows its action, two executions fit the window: sctui says so
    // and names both instead of guessing.
    let other = home.path().join("other-journal.jsonl");
    let out = run_against(&emu, home.path(), &["--journal", other.to_str().unwrap(), "steps", &started]).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("2 SSM Automation executions could be this record's") && err.contains("does not guess"),
        "{err}"
    );

    let failed = record(&exec("orders-db-prod", "AWS-StopRdsInstance").await);
    let out = run_against(&emu, home.path(), &["steps", &failed]).await;
    let table = text(&out.stdout);
    assert!(table.contains("Status     Failed"), "{table}");
    assert!(table.contains("Step StopInstance failed: Step fails when it is Calling StopDBInstance"), "{table}");
    assert!(table.contains("ExceptionMessage: Step fails"), "FailureDetails too: {table}");

    // A record no automation made (the product's provisioning): exit 2, saying why.
    let h = run_against(&emu, home.path(), &["history", "bastion-prod-eu", "--output", "json"]).await;
    let h: serde_json::Value = serde_json::from_slice(&h.stdout).unwrap();
    let provision = h["RecordDetails"].as_array().unwrap().last().unwrap()["RecordId"].as_str().unwrap().to_string();
    let out = run_against(&emu, home.path(), &["steps", &provision]).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("no SSM Automation execution"), "{}", text(&out.stderr));
    let out = run_against(&emu, home.path(), &["steps", "rec-\u{1b}[2J"]).await;
    assert_eq!(out.status.code(), Some(2), "a bad id is refused before anything is sent");
}

/// Issue 13: `sctui stop RECORD` stops the SSM Automation behind a running action: refused
/// read-only (exit 5) and, on production, without the product's name (exit 5); then the
/// execution ends Cancelled, the record FAILED, the journal holds who stopped what; an ended
/// one is exit 1 ("nothing to stop").
#[tokio::test]
async fn stop_cancels_a_running_automation_and_is_journaled() {
    let emu = emulator(1.0).await;
    let home = tempfile::tempdir().unwrap();
    let out = run_against(&emu, home.path(), &["exec", WEB, RESTART, "--output", "json"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let record = v["RecordDetail"]["RecordId"].as_str().unwrap().to_string();
    emu.advance_clock(1.0);
    let out = run_against(&emu, home.path(), &["--read-only", "stop", &record]).await;
    assert_eq!(out.status.code(), Some(5), "{}", text(&out.stderr));
    let config = home.path().join("config.toml");
    std::fs::write(&config, "production_accounts = [\"123456789012\"]\n").unwrap();
    let c = config.to_str().unwrap();
    let out = run_against(&emu, home.path(), &["--config", c, "stop", &record]).await;
    assert_eq!(out.status.code(), Some(5), "production asks for the name: {}", text(&out.stderr));
    assert_eq!(emu.stats().requests.get("StopAutomationExecution"), None, "nothing was stopped");
    let out = run_against(&emu, home.path(), &["--config", c, "stop", &record, "--confirm", WEB]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("Stopped    "), "{}", text(&out.stdout));
    let (detail, _) = client(&emu).record(&record).await.unwrap();
    assert_eq!(detail.status, Some(sctui::domain::RecordStatus::Failed));
    let journal = std::fs::read_to_string(home.path().join("state/sctui/journal.jsonl")).unwrap();
    assert!(journal.lines().any(|l| l.contains("\"event\":\"stop_requested\"")), "{journal}");
    let out = run_against(&emu, home.path(), &["stop", &record]).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("is already Cancelled: nothing to stop"), "{}", text(&out.stderr));
}
