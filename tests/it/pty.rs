//! The real `sctui --demo` in a pseudo-terminal: keys typed, the screen read through a VT parser.

use portable_pty::{CommandBuilder, MasterPty, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Counts cursor-position queries (CSI 6 n) so the harness can answer like a terminal would.
#[derive(Default)]
struct Queries {
    dsr: usize,
}

impl vt100::Callbacks for Queries {
    fn unhandled_csi(&mut self, _: &mut vt100::Screen, i1: Option<u8>, _: Option<u8>, params: &[&[u16]], c: char) {
        if c == 'n' && i1.is_none() && params == [&[6u16][..]] {
            self.dsr += 1;
        }
    }
}

struct Tui {
    parser: Arc<Mutex<vt100::Parser<Queries>>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    master: Box<dyn MasterPty + Send>,
    _home: tempfile::TempDir,
    queries: Arc<Mutex<usize>>,
    bytes: Arc<Mutex<usize>>,
}

impl Tui {
    fn spawn(args: &[&str], rows: u16, cols: u16) -> Tui {
        Tui::spawn_with(CommandBuilder::new(env!("CARGO_BIN_EXE_sctui")), args, rows, cols, &[])
    }

    fn spawn_with(mut cmd: CommandBuilder, args: &[&str], rows: u16, cols: u16, env: &[(&str, &str)]) -> Tui {
        let home = tempfile::tempdir().unwrap();
        let pair = native_pty_system().openpty(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 }).unwrap();
        cmd.args(args);
        cmd.env_clear();
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.env("PATH", std::env::var_os("PATH").unwrap_or_default());
        cmd.env("TERM", "xterm-256color");
        cmd.env("LANG", "C.UTF-8");
        cmd.env("HOME", home.path());
        cmd.env("XDG_STATE_HOME", home.path().join("state"));
        cmd.env("RUST_BACKTRACE", "0");
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let parser = Arc::new(Mutex::new(vt100::Parser::new_with_callbacks(
            NonZeroU16::new(rows).unwrap(),
            NonZeroU16::new(cols).unwrap(),
            0,
            Queries::default(),
        )));
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = Arc::new(Mutex::new(pair.master.take_writer().unwrap()));
        let (p, w) = (parser.clone(), writer.clone());
        let queries = Arc::new(Mutex::new(0));
        let bytes = Arc::new(Mutex::new(0));
        let (q, b) = (queries.clone(), bytes.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n @ 1..) = reader.read(&mut buf) {
                *b.lock().unwrap() += n;
                let mut p = p.lock().unwrap();
                p.process(&buf[..n]);
                let (screen, cb) = p.screen_and_callbacks_mut();
                for _ in 0..std::mem::take(&mut cb.dsr) {
                    *q.lock().unwrap() += 1;
                    let (r, c) = screen.cursor_position();
                    let _ = write!(w.lock().unwrap(), "\x1b[{};{}R", r + 1, c + 1);
                }
            }
        });
        let writer: Box<dyn Write + Send> = Box::new(SharedWriter(writer));
        Tui { parser, writer, child, master: pair.master, _home: home, queries, bytes }
    }

    fn resize(&self, rows: u16, cols: u16) {
        self.parser
            .lock()
            .unwrap()
            .screen_mut()
            .set_size(NonZeroU16::new(rows).unwrap(), NonZeroU16::new(cols).unwrap());
        self.master.resize(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 }).unwrap();
    }

    fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    fn send(&mut self, bytes: &str) {
        self.writer.write_all(bytes.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    fn wait_for(&self, needle: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !self.screen().contains(needle) {
            assert!(Instant::now() < deadline, "timed out waiting for {needle:?}; screen:\n{}", self.screen());
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "sctui did not exit; screen:\n{}", self.screen());
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The terminal modes a crash or a careless exit would leave behind.
    fn assert_restored(&self) {
        // The reader thread may still be applying the last bytes.
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let p = self.parser.lock().unwrap();
            let s = p.screen();
            if !s.alternate_screen() && !s.bracketed_paste() && !s.hide_cursor() {
                return;
            }
            let state = (s.alternate_screen(), s.bracketed_paste(), s.hide_cursor());
            drop(p);
            assert!(Instant::now() < deadline, "terminal not restored (alternate, paste, hidden cursor) = {state:?}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

struct SharedWriter(Arc<Mutex<Box<dyn Write + Send>>>);

impl Write for SharedWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.lock().unwrap().flush()
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
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
    t.wait_for("Products 1 of 20");
    t.send("\t");
    t.wait_for("AWS-RestartEC2Instance");
    t.send("\r");
    t.wait_for("add resource:");
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
    t.wait_for("Products 1 of 20");
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
    t.send("\t\r");
    t.wait_for("add resource:");
    t.send("\x13");
    t.wait_for("Execute (y)");
    t.send("y");
    t.wait_for("1 run in flight");
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
    // Wait until the first screens are settled: the byte count stops moving.
    let mut last = *t.bytes.lock().unwrap();
    loop {
        std::thread::sleep(Duration::from_millis(300));
        let now = *t.bytes.lock().unwrap();
        if now == last {
            break;
        }
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
