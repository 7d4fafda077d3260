//! A pseudo-terminal harness: the real binary in a PTY, keys typed, the screen read through a VT
//! parser that answers cursor queries like a terminal would. Shared by the tests and the benchmarks.
#![allow(dead_code)]

use portable_pty::{CommandBuilder, MasterPty, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// STS for processes that are not told otherwise: a loopback port nothing listens on, so that
/// no test ever asks AWS's own STS who it is (`--endpoint-url` is Service Catalog's only).
pub const NO_STS: &str = "http://127.0.0.1:1";

/// Counts cursor-position queries (CSI 6 n) so the harness can answer like a terminal would.
#[derive(Default)]
pub struct Queries {
    dsr: usize,
}

impl vt100::Callbacks for Queries {
    fn unhandled_csi(&mut self, _: &mut vt100::Screen, i1: Option<u8>, _: Option<u8>, params: &[&[u16]], c: char) {
        if c == 'n' && i1.is_none() && params == [&[6u16][..]] {
            self.dsr += 1;
        }
    }
}

pub struct Tui {
    pub parser: Arc<Mutex<vt100::Parser<Queries>>>,
    pub writer: Box<dyn Write + Send>,
    pub child: Box<dyn portable_pty::Child + Send + Sync>,
    pub master: Box<dyn MasterPty + Send>,
    _home: tempfile::TempDir,
    pub queries: Arc<Mutex<usize>>,
    pub bytes: Arc<Mutex<usize>>,
    /// Everything the program wrote, raw (for sequences the screen does not show, like OSC 52).
    pub raw: Arc<Mutex<Vec<u8>>>,
}

impl Tui {
    pub fn spawn(args: &[&str], rows: u16, cols: u16) -> Tui {
        Tui::spawn_with(CommandBuilder::new(env!("CARGO_BIN_EXE_sctui")), args, rows, cols, &[])
    }

    pub fn spawn_with(mut cmd: CommandBuilder, args: &[&str], rows: u16, cols: u16, env: &[(&str, &str)]) -> Tui {
        let home = tempfile::tempdir().unwrap();
        let pair = native_pty_system().openpty(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 }).unwrap();
        cmd.args(args);
        cmd.env_clear();
        cmd.env("PATH", std::env::var_os("PATH").unwrap_or_default());
        cmd.env("TERM", "xterm-256color");
        cmd.env("LANG", "C.UTF-8");
        cmd.env("HOME", home.path());
        cmd.env("XDG_STATE_HOME", home.path().join("state"));
        cmd.env("RUST_BACKTRACE", "0");
        cmd.env("AWS_ENDPOINT_URL_STS", NO_STS);
        // Nor AWS's own SSM.
        cmd.env("AWS_ENDPOINT_URL_SSM", NO_STS);
        // The caller's variables last, so that they win (HOME for a profile, say).
        for (k, v) in env {
            cmd.env(k, v);
        }
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
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (q, b, rw) = (queries.clone(), bytes.clone(), raw.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n @ 1..) = reader.read(&mut buf) {
                *b.lock().unwrap() += n;
                rw.lock().unwrap().extend_from_slice(&buf[..n]);
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
        Tui { parser, writer, child, master: pair.master, _home: home, queries, bytes, raw }
    }

    pub fn resize(&self, rows: u16, cols: u16) {
        self.parser
            .lock()
            .unwrap()
            .screen_mut()
            .set_size(NonZeroU16::new(rows).unwrap(), NonZeroU16::new(cols).unwrap());
        self.master.resize(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 }).unwrap();
    }

    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    pub fn send(&mut self, bytes: &str) {
        self.writer.write_all(bytes.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    pub fn wait_for(&self, needle: &str) {
        self.wait_for_timeout(needle, Duration::from_secs(20));
    }

    pub fn wait_for_timeout(&self, needle: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while !self.screen().contains(needle) {
            assert!(Instant::now() < deadline, "timed out waiting for {needle:?}; screen:\n{}", self.screen());
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until the program has written `bytes` (sequences the screen does not show, such as
    /// OSC 52); fails after 5 s saying `what` was missing.
    pub fn wait_for_bytes(&self, bytes: &[u8], what: &str) {
        let deadline = Instant::now() + Duration::from_secs(5);
        while !self.raw.lock().unwrap().windows(bytes.len()).any(|w| w == bytes) {
            assert!(Instant::now() < deadline, "{what} was not written");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Where `needle` is on the screen: (column, row), 1-based as mouse reports count.
    pub fn find(&self, needle: &str) -> (u16, u16) {
        let screen = self.screen();
        for (row, line) in screen.lines().enumerate() {
            if let Some(byte) = line.find(needle) {
                let col = line[..byte].chars().count();
                return (col as u16 + 1, row as u16 + 1);
            }
        }
        panic!("{needle:?} is not on the screen:\n{screen}");
    }

    /// A left click at `needle` (press and release, SGR encoding as xterm sends them).
    pub fn click(&mut self, needle: &str) {
        let (x, y) = self.find(needle);
        self.send(&format!("\x1b[<0;{x};{y}M\x1b[<0;{x};{y}m"));
    }

    /// A wheel notch at `needle`, down or up.
    pub fn wheel(&mut self, needle: &str, down: bool) {
        let (x, y) = self.find(needle);
        self.send(&format!("\x1b[<{};{x};{y}M", if down { 65 } else { 64 }));
    }

    pub fn wait_exit(&mut self) -> portable_pty::ExitStatus {
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
    pub fn assert_restored(&self) {
        // The reader thread may still be applying the last bytes.
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let p = self.parser.lock().unwrap();
            let s = p.screen();
            let mouse = s.mouse_protocol_mode() != vt100::MouseProtocolMode::None;
            if !s.alternate_screen() && !s.bracketed_paste() && !s.hide_cursor() && !mouse {
                return;
            }
            let state = (s.alternate_screen(), s.bracketed_paste(), s.hide_cursor(), mouse);
            drop(p);
            assert!(
                Instant::now() < deadline,
                "terminal not restored (alternate, paste, hidden cursor, mouse) = {state:?}"
            );
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
