//! `--record FILE.cast`: the TUI session as an asciicast v2 file, what the terminal received
//! (presenter masking is applied before anything is written, so it holds in the recording).
//! The file is 0600 in a private folder; an existing non-empty file is never overwritten. A
//! frame is one `"o"` event, written and flushed when the frame is; a new terminal size is an
//! `"r"` event. Clipboard sequences (OSC 52, which carry unmasked ids) are not recorded.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

pub struct Recorder {
    file: std::io::BufWriter<std::fs::File>,
    start: Instant,
    pending: Vec<u8>,
    size: (u16, u16),
    /// The file's name, as runs are journaled with it.
    pub name: String,
    /// The first write that failed (the session goes on unrecorded; said when it ends).
    pub failed: Option<String>,
}

impl Recorder {
    /// Starts `path` with the asciicast v2 header for a `width` x `height` terminal.
    pub fn create(path: &Path, width: u16, height: u16, term: Option<&str>) -> Result<Recorder, String> {
        let shown = path.display().to_string();
        let opened = crate::paths::open_private(path).map_err(|e| format!("--record {shown}: {e}"))?;
        let len = opened.file.metadata().map(|m| m.len()).unwrap_or(0);
        if len > 0 {
            return Err(format!("--record {shown}: the file exists and is not empty: give a new file name"));
        }
        let header = serde_json::json!({
            "version": 2,
            "width": width,
            "height": height,
            "timestamp": crate::domain::Timestamp::now().0 as i64,
            "title": "sctui",
            "env": {"TERM": term.unwrap_or("xterm-256color")},
        });
        let mut file = std::io::BufWriter::new(opened.file);
        writeln!(file, "{header}").and_then(|()| file.flush()).map_err(|e| format!("--record {shown}: {e}"))?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or(shown);
        Ok(Recorder { file, start: Instant::now(), pending: Vec::new(), size: (width, height), name, failed: None })
    }

    /// Seconds since the recording started.
    pub fn elapsed(&self) -> f64 {
        self.start.elapsed().as_secs_f64()
    }

    pub fn started(&self) -> Instant {
        self.start
    }

    fn event(&mut self, kind: &str, data: &str) {
        if self.failed.is_some() {
            return;
        }
        let line = serde_json::json!([(self.elapsed() * 1e6).round() / 1e6, kind, data]);
        if let Err(e) = writeln!(self.file, "{line}").and_then(|()| self.file.flush()) {
            self.failed = Some(e.to_string());
        }
    }

    /// Bytes the terminal was sent (kept until the frame is flushed).
    pub fn output(&mut self, bytes: &[u8]) {
        // Bounded: a frame is far smaller; past this, the frame is written early.
        self.pending.extend_from_slice(bytes);
        if self.pending.len() > 1 << 20 {
            self.frame();
        }
    }

    /// The frame so far, as one event.
    pub fn frame(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let data = String::from_utf8_lossy(&std::mem::take(&mut self.pending)).into_owned();
        self.event("o", &data);
    }

    /// The terminal's new size, if it changed.
    pub fn resize(&mut self, width: u16, height: u16) {
        if (width, height) != self.size {
            self.frame();
            self.size = (width, height);
            self.event("r", &format!("{width}x{height}"));
        }
    }
}

/// The terminal's output, copied into the recording (when there is one).
pub struct Tee<W: Write> {
    pub inner: W,
    pub recorder: Option<std::sync::Arc<std::sync::Mutex<Recorder>>>,
}

impl<W: Write> Write for Tee<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        if let Some(r) = &self.recorder {
            r.lock().unwrap_or_else(|p| p.into_inner()).output(&buf[..n]);
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()?;
        if let Some(r) = &self.recorder {
            r.lock().unwrap_or_else(|p| p.into_inner()).frame();
        }
        Ok(())
    }
}
