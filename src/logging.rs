//! Logs go to a file, never to the terminal: the SDK's own warnings included.

use crate::paths::{open_private, state_dir};
use std::path::{Path, PathBuf};

/// Crates whose debug and trace output can carry credentials or signed headers.
const SECRET_BEARING_TARGETS: [&str; 10] = [
    "aws_smithy_runtime",
    "aws_smithy_runtime_api",
    "aws_smithy_http_client",
    "aws_sigv4",
    "aws_runtime",
    "aws_config",
    "aws_credential_types",
    "hyper",
    "hyper_util",
    "rustls",
];

/// `$XDG_STATE_HOME/sctui/sctui.log`, else `~/.local/state/sctui/sctui.log`.
pub fn default_path() -> Option<PathBuf> {
    state_dir().map(|d| d.join("sctui.log"))
}

/// Installs the file logger. Level from `SCTUI_LOG` (default `info`). Returns the path in use, if any.
pub fn init(path: Option<&Path>) -> Option<PathBuf> {
    let path = path.map(Path::to_path_buf).or_else(default_path)?;
    let file = open_private(&path).ok()?.file;
    let mut filter = tracing_subscriber::EnvFilter::try_from_env("SCTUI_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // The SDK and HTTP stacks log request headers at debug/trace, session tokens among them:
    // however verbose sctui's own log is asked to be, theirs stays at info.
    for quiet in SECRET_BEARING_TARGETS {
        if let Ok(d) = format!("{quiet}=info").parse() {
            filter = filter.add_directive(d);
        }
    }
    let installed = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(std::sync::Mutex::new(file))
        .try_init()
        .is_ok();
    // The first line says which build wrote what follows.
    if installed {
        tracing::info!("{}", crate::version::line());
    }
    installed.then_some(path)
}
