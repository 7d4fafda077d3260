//! The real `sctui --demo` in a pseudo-terminal: keys typed, the screen read through a VT parser.

use crate::pty_harness::Tui;
use portable_pty::CommandBuilder;
use std::time::Duration;

/// From the products list: the first product's actions (once loaded), then the restart form.
fn open_restart_form(t: &mut Tui) {
    t.send("\t");
    t.wait_for("AWS-RestartEC2Instance v1");
    t.send("\r");
    t.wait_for("add a resource (Enter)");
}

#[test]
fn the_demo_runs_an_action_in_a_real_terminal() {
    let mut t = Tui::spawn(&["--demo", "--time-scale", "0.05"], 30, 100);
    t.wait_for("web-prod-01");
    {
        let p = t.parser.lock().unwrap();
        assert!(p.screen().alternate_screen() && p.screen().bracketed_paste() && p.screen().hide_cursor());
    }
    t.send("/web-prod-01\r");
    t.wait_for("Products 1 of 23");
    t.send("\t");
    t.wait_for("AWS-RestartEC2Instance");
    t.send("\r");
    t.wait_for("add a resource (Enter)");
    // A bracketed paste into the TARGET's add row: its CR adds the value and confirms nothing.
    t.send("\x1b[200~i-0123456789abcdef0\r\x1b[201~");
    t.wait_for("OVERRIDE: sends 4 values");
    t.send("\x12"); // Ctrl-R: back to Service Catalog's defaults
    t.wait_for("sends nothing: Service Catalog's default (3 resources)");
    t.send("\x13"); // Ctrl-S
    t.wait_for("Review: nothing has been sent yet");
    t.send("y");
    t.wait_for("SUCCEEDED");
    t.send("\x1b");
    t.wait_for("Products 1 of 23");
    t.send("q");
    let status = t.wait_exit();
    assert!(status.success(), "{status:?}");
    t.assert_restored();
    assert_eq!(*t.queries.lock().unwrap(), 0, "sctui never asks the terminal where its cursor is");
}

#[test]
fn sigterm_and_sighup_restore_the_terminal() {
    for signal in [libc::SIGTERM, libc::SIGHUP] {
        let mut t = Tui::spawn(&["--demo"], 24, 80);
        t.wait_for("web-prod-01");
        let pid = t.child.process_id().unwrap() as i32;
        unsafe { libc::kill(pid, signal) };
        let status = t.wait_exit();
        assert!(status.success(), "signal {signal}: {status:?}");
        t.assert_restored();
    }
}

#[test]
fn ctrl_c_quits_at_once_even_with_a_run_in_flight() {
    let mut t = Tui::spawn(&["--demo"], 24, 80);
    t.wait_for("web-prod-01");
    open_restart_form(&mut t);
    t.send("\x13");
    t.wait_for("Execute (y)");
    t.send("y");
    t.wait_for("1 run in flight");
    t.send("q"); // back from the run view (q quits only from the top)
    t.wait_for("Products 23");
    t.send("q");
    t.wait_for("Quit sctui?");
    t.send("n");
    t.send("\x03");
    let status = t.wait_exit();
    assert!(status.success());
    t.assert_restored();
}

#[test]
fn idle_writes_nothing_to_the_terminal() {
    let t = Tui::spawn(&["--demo"], 24, 80);
    t.wait_for("web-prod-01");
    // Wait until the first screens are settled: the byte count stops moving. An app that
    // animates forever fails here instead of hanging the test.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let mut last = *t.bytes.lock().unwrap();
    loop {
        std::thread::sleep(Duration::from_millis(300));
        let now = *t.bytes.lock().unwrap();
        if now == last {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the screen never settled: it keeps being redrawn");
        last = now;
    }
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(*t.bytes.lock().unwrap(), last, "an idle sctui wrote to the terminal");
}

#[test]
fn a_pipe_instead_of_a_terminal_gets_advice_not_a_crash() {
    let home = tempfile::tempdir().unwrap();
    let out = crate::support::sctui(home.path()).arg("--demo").stdin(std::process::Stdio::null()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("ssh -t"), "{stderr}");
}

#[test]
fn resizing_re_lays_out_and_too_small_says_so() {
    let mut t = Tui::spawn(&["--demo"], 30, 100);
    t.wait_for("web-prod-01");
    t.resize(20, 70);
    t.wait_for("Terminal too small");
    t.resize(40, 130);
    t.wait_for("CREATED");
    t.send("q");
    assert!(t.wait_exit().success());
}

#[test]
fn a_panic_in_a_background_thread_restores_the_terminal() {
    let mut t = Tui::spawn_with(
        CommandBuilder::new(env!("CARGO_BIN_EXE_sctui")),
        &["--demo"],
        24,
        80,
        &[("SCTUI_TEST_PANIC", "1")],
    );
    t.wait_for("web-prod-01");
    t.send("\x1b[24~"); // F12: with the test hooks, a background task panics now
    let status = t.wait_exit();
    assert_eq!(status.exit_code(), 101);
    t.assert_restored();
    t.wait_for("The terminal was restored");
}

#[test]
fn ctrl_z_suspends_and_fg_repaints() {
    let mut shell = CommandBuilder::new("bash");
    shell.args(["--norc", "--noprofile", "-i"]);
    // bash's readline turns bracketed paste on for its own prompt; keep it off so that what the
    // test sees after Ctrl-Z is what sctui left behind.
    let rc = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(rc.path(), "set enable-bracketed-paste off\n").unwrap();
    let inputrc = rc.path().to_str().unwrap().to_string();
    let mut t = Tui::spawn_with(shell, &[], 24, 80, &[("PS1", "$ "), ("INPUTRC", &inputrc)]);
    t.wait_for("$ ");
    t.send(&format!("{} --demo\r", env!("CARGO_BIN_EXE_sctui")));
    t.wait_for("web-prod-01");
    t.send("\x1a"); // Ctrl-Z
    t.wait_for("Stopped");
    t.assert_restored();
    t.send("fg\r");
    t.wait_for("web-prod-01");
    t.send("q");
    t.wait_for("$ ");
    t.send("exit\r");
    t.wait_exit();
}

/// Live mode: credentials resolved in the background, then the products of the endpoint.
#[test]
fn live_mode_with_an_endpoint_and_with_a_profile() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let emu = rt.block_on(crate::support::emulator(1.0));
    let url = emu.url();
    let creds = [
        ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", "pty-secret"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ];
    let mut t = Tui::spawn_with(
        CommandBuilder::new(env!("CARGO_BIN_EXE_sctui")),
        &["--endpoint-url", &url, "--region", "eu-west-1"],
        30,
        120,
        &creds,
    );
    t.wait_for("web-prod-01");
    assert!(
        t.screen().contains("region eu-west-1") && t.screen().contains(&format!("endpoint {url}")),
        "{}",
        t.screen()
    );
    assert!(!t.screen().contains("DEMO"));
    t.send("q");
    assert!(t.wait_exit().success());

    // A named profile from ~/.aws/config with its own region, endpoint and credentials.
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join(".aws")).unwrap();
    std::fs::write(
        home.path().join(".aws/config"),
        format!("[profile ops]\nregion = eu-west-1\nendpoint_url = {url}\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = profile-secret\n"),
    )
    .unwrap();
    let home_str = home.path().to_str().unwrap().to_string();
    let env = [("HOME", home_str.as_str()), ("AWS_EC2_METADATA_DISABLED", "true")];
    let mut t = Tui::spawn_with(CommandBuilder::new(env!("CARGO_BIN_EXE_sctui")), &["--profile", "ops"], 30, 120, &env);
    t.wait_for("web-prod-01");
    assert!(t.screen().contains("profile ops"), "{}", t.screen());
    t.send("q");
    assert!(t.wait_exit().success());
}

#[test]
fn c_copies_through_osc52() {
    let mut t = Tui::spawn(&["--demo"], 30, 120);
    t.wait_for("web-prod-01");
    t.send("c");
    t.wait_for("Copied (OSC 52): pp-6y61928a94txg");
    // base64("pp-6y61928a94txg")
    t.wait_for_bytes(b"\x1b]52;c;cHAtNnk2MTkyOGE5NHR4Zw==\x07", "OSC 52 with the product id");
    t.send("q");
    assert!(t.wait_exit().success());
}

fn with_config(text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, text).unwrap();
    let p = path.to_str().unwrap().to_string();
    (dir, p)
}

#[test]
fn a_production_account_gets_a_banner_and_a_typed_confirmation() {
    let (_dir, config) = with_config("production_accounts = [\"123456789012\"]\n");
    let mut t = Tui::spawn(&["--demo", "--time-scale", "0.05", "--config", &config], 30, 120);
    t.wait_for("PRODUCTION");
    t.wait_for("web-prod-01");
    open_restart_form(&mut t);
    t.send("\x13");
    t.wait_for("Type the product's name (web-prod-01)");
    // Keys are commands until Enter gives the name field the keys: y sends and types nothing.
    t.send("y");
    t.send("\r");
    t.wait_for("> ");
    t.send("y\r");
    t.wait_for("PRODUCTION: type web-prod-01 exactly to confirm");
    t.send("\x7f");
    t.send("web-prod-01");
    t.wait_for("matches");
    t.send("\r");
    t.wait_for("SUCCEEDED");
    t.send("q"); // back from the run view
    t.wait_for("Products 23");
    t.send("q");
    assert!(t.wait_exit().success());
}

#[test]
fn config_read_only_and_config_mistakes() {
    let (_dir, config) = with_config("read_only = true\n");
    let mut t = Tui::spawn(&["--demo", "--config", &config], 24, 100);
    t.wait_for("READ-ONLY");
    t.send("q");
    assert!(t.wait_exit().success());
    let (_dir2, broken) = with_config("theme = \"dark\"\nbell = sometimes\n");
    let mut t = Tui::spawn(&["--demo", "--config", &broken], 24, 160);
    t.wait_for("line 2, column 8");
    t.wait_for("web-prod-01");
    t.send("q");
    assert!(t.wait_exit().success());
}

#[test]
fn the_palette_switches_profile_inside_the_app_with_completion() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let one = rt.block_on(crate::support::emulator_with(0, 1.0, Default::default()));
    let two = rt.block_on(crate::support::emulator_with(5, 1.0, Default::default()));
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join(".aws")).unwrap();
    let profile = |name: &str, url: &str| {
        format!(
            "[profile {name}]\nregion = eu-west-1\nendpoint_url = {url}\naws_access_key_id = AKID{name}\naws_secret_access_key = x\n\n"
        )
    };
    std::fs::write(home.path().join(".aws/config"), profile("one", &one.url()) + &profile("two", &two.url())).unwrap();
    let home_str = home.path().to_str().unwrap().to_string();
    let env = [("HOME", home_str.as_str()), ("AWS_EC2_METADATA_DISABLED", "true")];
    let mut t = Tui::spawn_with(CommandBuilder::new(env!("CARGO_BIN_EXE_sctui")), &["--profile", "one"], 30, 120, &env);
    t.wait_for("Products 23 ");
    t.send(":pro\t");
    t.wait_for(":profile ");
    t.send("t\t");
    t.wait_for(":profile two");
    t.send("\r");
    t.wait_for("Products 28 ");
    assert!(t.screen().contains("profile two"), "{}", t.screen());
    t.send(":nonsense\r");
    t.wait_for("no command nonsense");
    t.send("q");
    assert!(t.wait_exit().success());
}

/// Finding 14: on a read-only file system even `--demo --read-only` refused to start. Without a
/// journal nothing may run, but browsing works, and the screen says why.
#[test]
fn without_a_writable_journal_the_tui_browses_read_only() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-folder");
    std::fs::write(&file, "").unwrap();
    let journal = file.join("journal.jsonl");
    let mut t = Tui::spawn(&["--demo", "--journal", journal.to_str().unwrap()], 30, 160);
    t.wait_for("READ-ONLY");
    t.wait_for("executing is off");
    t.wait_for("web-prod-01");
    t.send("q");
    assert!(t.wait_exit().success());
}

/// Finding 6: on a terminal, a batch over more than a few products asks first; the operator types
/// the number of products to go ahead.
#[test]
fn batch_asks_on_a_terminal_before_acting_on_many_products() {
    let mut t = Tui::spawn(
        &["--demo", "--time-scale", "0", "batch", "AWS-RestartEC2Instance", "--query", "web", "--wait"],
        30,
        160,
    );
    t.wait_for("on 4 provisioned products");
    t.wait_for("Type 4 to go ahead");
    t.send("4\r");
    t.wait_for("4 of 4 runs succeeded");
    assert!(t.wait_exit().success());
    let mut t = Tui::spawn(&["--demo", "batch", "AWS-RestartEC2Instance", "--query", "web"], 30, 160);
    t.wait_for("Type 4 to go ahead");
    t.send("y\r");
    t.wait_for("not confirmed; nothing was run");
    assert_eq!(t.wait_exit().exit_code(), 2);
}

/// Issue 12: on the TARGET checklist, stray keys change nothing: `j`, `k` and `d` on the add line
/// are the checklist's keys, and only a line confirmed with Enter adds a value.
#[test]
fn stray_keys_on_the_target_checklist_send_nothing() {
    let mut t = Tui::spawn(&["--demo", "--time-scale", "0.05"], 30, 100);
    t.wait_for("web-prod-01");
    open_restart_form(&mut t);
    let default = "sends nothing: Service Catalog's default (3 resources)";
    t.wait_for(default);
    // To the add line, about on it, then `d` (the checklist's reset, which goes back to the top).
    t.send("jjjkkjjd");
    t.wait_for(default);
    assert!(!t.screen().contains("OVERRIDE") && !t.screen().contains("add resource: "), "{}", t.screen());
    t.send("jjj\r"); // start typing on the add line
    t.wait_for("Enter adds it");
    t.send("i-77aa77bb");
    t.wait_for("add resource: i-77aa77bb");
    assert!(t.screen().contains(default), "typed but not added: {}", t.screen());
    t.send("\x1b"); // Esc stops typing; the form stays
    t.wait_for("add a resource (Enter)");
    assert!(t.screen().contains(default) && !t.screen().contains("i-77aa77bb"), "{}", t.screen());
    t.send("\r");
    t.wait_for("Enter adds it");
    t.send("i-77aa77bb\r");
    t.wait_for("OVERRIDE: sends 4 values");
    t.send("\x13"); // Ctrl-S: the review shows the value added
    t.wait_for("Review: nothing has been sent yet");
    assert!(t.screen().contains("i-77aa77bb"), "{}", t.screen());
    t.send("n");
    t.wait_for("[+] i-77aa77bb");
    t.send("\x1b"); // a changed form asks before it is dropped
    t.wait_for("Drop the changes?");
    t.send("y");
    t.wait_for("Products 23");
    t.send("q");
    assert!(t.wait_exit().success());
}

/// Issue 12: inside tmux (whose default `set-clipboard external` ignores a program's OSC 52),
/// `c` goes through tmux itself (`tmux set-buffer -w`, which also reaches the outer terminal's
/// clipboard) and sends OSC 52 wrapped for tmux's passthrough; the message says so. The `tmux`
/// here is a stand-in that records how it was called.
#[test]
fn c_inside_tmux_copies_through_tmux() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("tmux-args");
    let fake = dir.path().join("tmux");
    std::fs::write(&fake, format!("#!/bin/sh\nprintf '%s\\n' \"$@\" > '{}'\n", log.display())).unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!("{}:{}", dir.path().display(), std::env::var("PATH").unwrap_or_default());
    let env = [("TMUX", "/tmp/tmux-1000/default,4242,0"), ("PATH", path.as_str())];
    let mut t = Tui::spawn_with(CommandBuilder::new(env!("CARGO_BIN_EXE_sctui")), &["--demo"], 30, 120, &env);
    t.wait_for("web-prod-01");
    t.send("c");
    t.wait_for("Copied to tmux's paste buffer");
    // base64("pp-6y61928a94txg"), its ESC doubled inside tmux's DCS passthrough.
    t.wait_for_bytes(b"\x1bPtmux;\x1b\x1b]52;c;cHAtNnk2MTkyOGE5NHR4Zw==\x07\x1b\\", "OSC 52 wrapped for tmux");
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while std::fs::read_to_string(&log).unwrap_or_default() != "set-buffer\n-w\n--\npp-6y61928a94txg\n" {
        assert!(
            std::time::Instant::now() < deadline,
            "tmux set-buffer -w was not run: {:?}",
            std::fs::read_to_string(&log)
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    t.send("q");
    assert!(t.wait_exit().success());
}

/// Issue 12: at 80x24 the production prompt and the review's buttons were below the screen. They
/// are pinned at the bottom of the review now; the details above them scroll.
#[test]
fn at_80x24_the_review_keeps_its_buttons_and_the_production_prompt_in_view() {
    let mut t = Tui::spawn(&["--demo", "--time-scale", "0.05"], 24, 80);
    t.wait_for("web-prod-01");
    open_restart_form(&mut t);
    t.send("\x13");
    t.wait_for("[ Execute (y) ]");
    t.send("\x1b[6~"); // PgDn: nothing more to show, and the buttons stay
    t.send("j");
    assert!(t.screen().contains("[ Execute (y) ]") && t.screen().contains("Review:"), "{}", t.screen());
    t.send("n");
    t.wait_for("add a resource (Enter)");
    t.send("\x1b");
    t.wait_for("Products 23");
    t.send("q");
    assert!(t.wait_exit().success());

    let (_dir, config) = with_config("production_accounts = [\"123456789012\"]\n");
    let mut t = Tui::spawn(&["--demo", "--time-scale", "0.05", "--config", &config], 24, 80);
    t.wait_for("PRODUCTION");
    t.wait_for("web-prod-01");
    open_restart_form(&mut t);
    t.send("\x13");
    t.wait_for("Type the product's name (web-prod-01)");
    t.send("\r");
    t.send("web-prod-01");
    t.wait_for("matches");
    t.send("\r");
    t.wait_for("SUCCEEDED");
    t.send("q"); // back from the run view
    t.wait_for("Products 23");
    t.send("q");
    assert!(t.wait_exit().success());
}

/// Issue 12: a burst of keys (a held key, or keys arriving together over a slow link) is applied
/// together and drawn once, instead of one frame per key.
#[test]
fn a_burst_of_keys_is_drawn_once() {
    let mut t = Tui::spawn(&["--demo"], 40, 120);
    t.wait_for("web-prod-01");
    t.wait_for("AWS-RestartEC2Instance v1");
    let before = t.raw.lock().unwrap().len();
    t.send(&"j".repeat(20));
    t.wait_for("> docs-site-prod");
    let frames = |raw: &[u8]| raw.windows(8).filter(|w| w == b"\x1b[?2026h").count();
    let drawn = frames(&t.raw.lock().unwrap()[before..]);
    // The first key's frame, the other 19 together, and what their product's actions bring.
    assert!((1..=4).contains(&drawn), "20 keys drew {drawn} frames");
    t.send("q");
    assert!(t.wait_exit().success());
}

/// Issue 12: the mouse. A click selects a row or gives a pane the keys, a second click on the
/// selected action opens it, the wheel moves through a list, a click on a button presses its
/// key; the mouse is off again on the way out, and `--no-mouse` never turns it on.
#[test]
fn mouse_clicks_select_and_press_buttons_and_the_wheel_scrolls() {
    let mut t = Tui::spawn(&["--demo", "--time-scale", "0.05"], 40, 120);
    t.wait_for("> web-prod-01");
    t.wait_for("AWS-RestartEC2Instance v1");
    assert_eq!(t.parser.lock().unwrap().screen().mouse_protocol_mode(), vt100::MouseProtocolMode::PressRelease);
    t.click("orders-db-prod");
    t.wait_for("> orders-db-prod");
    let row = |t: &Tui| t.screen().lines().position(|l| l.contains("│> "));
    let before = row(&t).unwrap();
    t.wheel("orders-db-prod", true);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while row(&t) != Some(before + 3) {
        assert!(std::time::Instant::now() < deadline, "the wheel moves three rows down:\n{}", t.screen());
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    t.wheel("STATUS", false);
    t.click("web-prod-01");
    t.wait_for("> web-prod-01");
    t.wait_for("AWS-RestartEC2Instance v1");
    // The first click on an action gives the actions pane the keys; the second opens it.
    t.click("AWS-RestartEC2Instance");
    t.wait_for("> AWS-RestartEC2Instance");
    t.click("AWS-RestartEC2Instance");
    t.wait_for("Run AWS-RestartEC2Instance on web-prod-01");
    t.wait_for("[ Review (Ctrl-S) ]");
    t.click("[ Review (Ctrl-S) ]");
    t.wait_for("[ Execute (y) ]");
    t.click("[ Cancel (n) ]");
    t.wait_for("[ Review (Ctrl-S) ]");
    t.send("\x13");
    t.wait_for("[ Execute (y) ]");
    t.click("[ Execute (y) ]");
    t.wait_for("SUCCEEDED");
    t.send("q"); // back
    t.wait_for("Products 23");
    t.send("q");
    assert!(t.wait_exit().success());
    t.assert_restored();

    let mut t = Tui::spawn(&["--demo", "--no-mouse"], 24, 80);
    t.wait_for("web-prod-01");
    assert_eq!(t.parser.lock().unwrap().screen().mouse_protocol_mode(), vt100::MouseProtocolMode::None);
    t.send("q");
    assert!(t.wait_exit().success());
}

/// Issue 12: a vt100 or the Linux console gets none of xterm's extensions (synchronized output,
/// bracketed paste, mouse reports) and no 256-colour sequences: the console gets classic SGR
/// colours, the vt100 none at all.
#[test]
fn basic_terminals_get_only_what_they_understand() {
    for term in ["vt100", "linux"] {
        let cmd = portable_pty::CommandBuilder::new(env!("CARGO_BIN_EXE_sctui"));
        let mut t = Tui::spawn_with(cmd, &["--demo"], 24, 80, &[("TERM", term)]);
        t.wait_for("web-prod-01");
        t.send("q");
        assert!(t.wait_exit().success());
        let raw = t.raw.lock().unwrap().clone();
        let has = |s: &str| raw.windows(s.len()).any(|w| w == s.as_bytes());
        for modern in ["\x1b[?2026h", "\x1b[?2004h", "\x1b[?1000h", "38;5;", "48;5;"] {
            assert!(!has(modern), "TERM={term} was sent {modern:?}");
        }
        let sgr: std::collections::BTreeSet<String> = String::from_utf8_lossy(&raw)
            .split('\x1b')
            .filter(|s| s.starts_with('[') && s.contains('m'))
            .map(|s| s[..=s.find('m').unwrap_or(0)].to_string())
            .collect();
        assert_eq!(has("\x1b[32;") || has("\x1b[36;"), term == "linux", "TERM={term}: classic colours: {sgr:?}");
        assert!(raw.is_ascii(), "TERM={term}: ASCII only");
    }
}

/// Issue 14: `sctui login` on a jump host: the device code shown large (and as a QR code where
/// it fits), the wait, the approval elsewhere; the token lands in the AWS CLI's cache, where
/// the standard credential chain finds it: `accounts` lists the session's accounts and a
/// profile of the dev account lists dev's products through role credentials.
#[test]
fn login_with_a_device_code_then_the_credential_chain_uses_it() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let emu = rt.block_on(crate::support::emulator(1.0));
    let url = emu.url();
    let home = crate::support::sso_home();
    let home_str = home.path().to_str().unwrap().to_string();
    let env = crate::support::sso_env(&url, &home_str);
    let bin = || CommandBuilder::new(env!("CARGO_BIN_EXE_sctui"));
    let mut t = Tui::spawn_with(bin(), &["--profile", "dev", "login"], 60, 120, &env);
    t.wait_for("Enter this code");
    t.wait_for("Waiting for the approval");
    let screen = t.screen();
    assert!(screen.contains("Or scan it:") && screen.contains('▀'), "a QR code at 120 columns: {screen}");
    let code_line = screen.lines().find(|l| l.contains('┃')).unwrap().to_string();
    let user_code: String = code_line.chars().filter(|c| c.is_ascii_uppercase() || *c == '-').collect();
    assert_eq!(user_code.len(), 9, "{code_line}");
    assert_eq!(emu.approve_sso(Some(&user_code)), 1, "the code on screen is the one to approve");
    t.wait_for("Logged in to https://example.awsapps.com/start (profile dev)");
    assert!(t.wait_exit().success());
    let cache = sctui::sso::cache_path(home.path(), "corp");
    let token = sctui::sso::read_cache(&cache).expect("the AWS CLI's cache file");
    assert!(token.remaining() > 3600 && token.refresh_token.is_some() && token.client_secret.is_some());

    // The accounts of the session, and dev's products with the role credentials it gives.
    let mut t = Tui::spawn_with(bin(), &["--profile", "dev", "accounts"], 30, 120, &env);
    t.wait_for("staging");
    assert!(t.screen().contains("210987654321  dev") && t.screen().contains("OpsAdmin, ReadOnly"), "{}", t.screen());
    assert!(t.wait_exit().success());
    let mut t = Tui::spawn_with(bin(), &["--profile", "dev", "products"], 30, 160, &env);
    t.wait_for("web-dev-use1-01");
    assert!(!t.screen().contains("web-prod-01"), "dev's products in us-east-1 only: {}", t.screen());
    assert!(t.wait_exit().success());
    assert!(emu.stats().requests["GetRoleCredentials"] >= 1);

    // The TUI over the session's fleet: the three accounts in two regions, one table.
    let fleet = ["--profile", "dev", "--fleet", "role=OpsAdmin regions=eu-west-1,us-east-1"];
    let mut t = Tui::spawn_with(bin(), &fleet, 60, 200, &env);
    t.wait_for("Products 40");
    t.wait_for("6 cells answered (3 accounts)");
    let screen = t.screen();
    for (name, account, region) in [
        ("web-prod-01", "prod", "eu-west-1"),
        ("web-prod-use1-01", "prod", "us-east-1"),
        ("web-dev-01", "dev", "eu-west-1"),
        ("web-dev-use1-01", "dev", "us-east-1"),
        ("web-staging-11", "staging", "eu-west-1"),
        ("web-staging-use1-01", "staging", "us-east-1"),
    ] {
        let row =
            screen.lines().find(|l| l.contains(&format!(" {name} "))).unwrap_or_else(|| panic!("{name}: {screen}"));
        assert!(row.contains(&format!(" {account} ")) && row.contains(&format!(" {region} ")), "{row}");
    }
    assert!(screen.contains("Products 40"), "every product of the six cells: {screen}");
    t.send("q");
    assert!(t.wait_exit().success());
}

/// The device code of the `sctui login` (or `:login` dialog) on screen, approved in the emulator.
fn approve_code_on_screen(t: &Tui, emu: &sctui::emulator::Emulator) {
    t.wait_for("user_code=");
    let screen = t.screen();
    let after = screen.split("user_code=").nth(1).unwrap_or_default();
    let user_code: String = after.chars().take_while(|c| c.is_ascii_uppercase() || *c == '-').collect();
    assert_eq!(user_code.len(), 9, "{screen}");
    assert_eq!(emu.approve_sso(Some(&user_code)), 1);
}

/// Issue 14: a run in the staging account of a fleet whose SSO session ends while it is in
/// flight: the run view offers the login (L), the code is approved, the fleet gets fresh
/// credentials and the same run is watched to its end; nothing is sent twice.
#[test]
fn credentials_expiring_mid_run_are_renewed_from_the_run_view() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    // Slow actions: the run is still in progress when the session ends.
    let emu = rt.block_on(crate::support::emulator(100.0));
    let url = emu.url();
    let home = crate::support::sso_home();
    let home_str = home.path().to_str().unwrap().to_string();
    let mut env = crate::support::sso_env(&url, &home_str).to_vec();
    env.push(("AWS_ENDPOINT_URL_SSM", &url));
    let bin = || CommandBuilder::new(env!("CARGO_BIN_EXE_sctui"));
    let mut t = Tui::spawn_with(bin(), &["--profile", "dev", "login"], 40, 120, &env);
    approve_code_on_screen(&t, &emu);
    assert!(t.wait_exit().success());

    let fleet = ["--profile", "dev", "--fleet", "role=OpsAdmin accounts=dev,staging regions=eu-west-1"];
    let mut t = Tui::spawn_with(bin(), &fleet, 40, 140, &env);
    t.wait_for("2 cells answered");
    t.send("/web-staging-11\r");
    t.wait_for("Actions · web-staging-11 ");
    t.wait_for("AWS-RestartEC2Instance v1");
    t.send("\t\r");
    t.wait_for("ACCOUNT staging (345678901234)");
    t.wait_for("Review (Ctrl-S)");
    t.send("\x13");
    t.wait_for("Execute (y)");
    t.send("y");
    t.wait_for("IN_PROGRESS");
    assert!(emu.expire_sso("345678901234") >= 1, "staging's role session ended");
    t.wait_for_timeout("[ Log in (L) ]", std::time::Duration::from_secs(40));
    t.send("L");
    approve_code_on_screen(&t, &emu);
    t.wait_for("Signed in");
    t.send("\x1b");
    // The action may end now: the run, watched again with staging's new credentials, ends.
    // (Within the new credentials' hour: they were issued on the emulator's clock.)
    emu.advance_clock(2_500.0);
    t.wait_for_timeout("SUCCEEDED", std::time::Duration::from_secs(40));
    assert!(!t.screen().contains("[ Log in (L) ]"), "{}", t.screen());
    let stats = emu.stats();
    assert_eq!(stats.executions_by_account.get("345678901234"), Some(&1), "sent once: {stats:?}");
    t.send("q");
    t.wait_for("cells: 2 of 2 answered");
    t.send("q");
    assert!(t.wait_exit().success());
}

/// Issue 14: `:login` inside the TUI: started on an SSO profile whose session has no token yet,
/// the list cannot load; `:login` shows the code to approve elsewhere, and once approved the
/// connection is made again and the dev account's products appear.
#[test]
fn login_from_the_tui_then_the_list_loads() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let emu = rt.block_on(crate::support::emulator(1.0));
    let url = emu.url();
    let home = crate::support::sso_home();
    let home_str = home.path().to_str().unwrap().to_string();
    let env = crate::support::sso_env(&url, &home_str);
    let mut t = Tui::spawn_with(CommandBuilder::new(env!("CARGO_BIN_EXE_sctui")), &["--profile", "dev"], 50, 140, &env);
    t.wait_for("sctui login --profile dev");
    t.send(":login\r");
    t.wait_for("Enter this code");
    let screen = t.screen();
    let code_line =
        screen.lines().skip_while(|l| !l.contains("Enter this code")).nth(2).unwrap_or_default().to_string();
    let user_code: String = code_line.chars().filter(|c| c.is_ascii_uppercase() || *c == '-').collect();
    assert_eq!(user_code.len(), 9, "{screen}");
    assert_eq!(emu.approve_sso(Some(&user_code)), 1);
    t.wait_for("Signed in");
    t.send("\x1b");
    t.wait_for("web-dev-use1-01");
    assert!(!t.screen().contains("web-prod-01"), "{}", t.screen());
    t.send("q");
    assert!(t.wait_exit().success());
}

fn nz(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).unwrap()
}

/// The screen a vt100 terminal shows after `bytes`.
fn replay(bytes: &[u8], rows: u16, cols: u16) -> vt100::Parser {
    let mut p = vt100::Parser::new(nz(rows), nz(cols), 0);
    p.process(bytes);
    p
}

/// Issue 15: `--record` writes the session as asciicast v2 (0600); replayed through a terminal
/// emulator it ends on the screen the live terminal showed, presenter masking holds in it, and
/// the run started is journaled with the recording's name and where it starts in it.
#[test]
fn a_recorded_session_replays_to_the_live_screen_with_presenter_masking() {
    let home = tempfile::tempdir().unwrap();
    let home_str = home.path().to_str().unwrap().to_string();
    let state = home.path().join("state");
    let state_str = state.to_str().unwrap().to_string();
    let cast = home.path().join("session.cast");
    let cast_str = cast.to_str().unwrap().to_string();
    let env = [("HOME", home_str.as_str()), ("XDG_STATE_HOME", state_str.as_str())];
    let bin = || CommandBuilder::new(env!("CARGO_BIN_EXE_sctui"));
    let args = ["--demo", "--presenter", "--time-scale", "0.05", "--record", &cast_str];
    let mut t = Tui::spawn_with(bin(), &args, 30, 100, &env);
    t.wait_for("web-prod-01");
    t.send("/web-prod-01\r");
    t.wait_for("Products 1 of 23");
    t.send("\t");
    t.wait_for("AWS-RestartEC2Instance v1");
    t.send("\r");
    t.wait_for("Review (Ctrl-S)");
    t.send("\x13");
    t.wait_for("Execute (y)");
    t.send("y");
    t.wait_for("SUCCEEDED");
    t.send("\x1b");
    t.wait_for("Products 1 of 23");
    t.send("q");
    assert!(t.wait_exit().success());
    t.assert_restored();

    // What the terminal showed just before sctui left its screen.
    let raw = t.raw.lock().unwrap().clone();
    let leave = raw.windows(8).rposition(|w| w == b"\x1b[?1049l").expect("the alternate screen was left");
    let live = replay(&raw[..leave], 30, 100);
    // The recording, replayed.
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&cast).unwrap().permissions().mode() & 0o777, 0o600);
    let text = std::fs::read_to_string(&cast).unwrap();
    let mut lines = text.lines();
    let header: serde_json::Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    assert_eq!(
        (header["version"].as_i64(), header["width"].as_i64(), header["height"].as_i64()),
        (Some(2), Some(100), Some(30))
    );
    let mut played = vt100::Parser::new(nz(30), nz(100), 0);
    let mut last = 0.0;
    for line in lines {
        let e: serde_json::Value = serde_json::from_str(line).unwrap();
        let at = e[0].as_f64().unwrap();
        assert!(at >= last, "events in time order");
        last = at;
        match e[1].as_str().unwrap() {
            "o" => played.process(e[2].as_str().unwrap().as_bytes()),
            "r" => {
                let (w, h) = e[2].as_str().unwrap().split_once('x').unwrap();
                played.screen_mut().set_size(nz(h.parse().unwrap()), nz(w.parse().unwrap()));
            }
            other => panic!("unknown event {other}"),
        }
    }
    assert_eq!(played.screen().contents(), live.screen().contents(), "the recording ends on the live screen");
    assert!(played.screen().contents().contains("web-prod-01"));
    // Presenter masking holds: no account number or product id in the clear, masked ones instead.
    assert!(!text.contains("123456789012") && !text.contains("pp-6y61928a94txg"), "unmasked ids in the recording");
    assert!(text.contains("pp-•••"), "masked ids");
    // The run says where it starts in the recording.
    let out = crate::support::sctui(home.path()).args(["runs", "export", "--format", "json"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rec = &v["Runs"][0]["recording"];
    assert_eq!(rec["file"], "session.cast");
    assert!(rec["at"].as_f64().is_some_and(|a| a > 0.0 && a < last), "{rec}");
    // An existing recording is never overwritten.
    let mut t = Tui::spawn_with(bin(), &args, 30, 100, &env);
    assert!(!t.wait_exit().success());
    assert!(t.screen().contains("the file exists and is not empty"), "{}", t.screen());
    assert_eq!(std::fs::read_to_string(&cast).unwrap(), text);
}
