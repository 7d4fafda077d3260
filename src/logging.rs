//! Logs go to a file, never to the terminal: the SDK's own warnings included.

use std::path::{Path, PathBuf};

/// `$XDG_STATE_HOME/sctui`, else `~/.local/state/sctui`.
pub fn state_dir() -> Option<PathBuf> {
    if let Some(x) = std::env::var_os("XDG_STATE_HOME").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(x).join("sctui"));
    }
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state/sctui"))
}

/// Creates `path`'s folder (0700) and the file (0600) for appending.
pub fn open_private(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
    }
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)
}

/// Installs the file logger. Level from `SCTUI_LOG` (default `info`). Returns the path in use, if any.
pub fn init(path: Option<&Path>) -> Option<PathBuf> {
    let path = path
        .map(Path::to_path_buf)
        .or_else(|| state_dir().map(|d| d.join("sctui.log")))?;
    let file = open_private(&path).ok()?;
    let filter = tracing_subscriber::EnvFilter::try_from_env("SCTUI_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let installed = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(std::sync::Mutex::new(file))
        .try_init()
        .is_ok();
    installed.then_some(path)
}
