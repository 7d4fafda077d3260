//! Notifications for change control (issue 15): when a run or a batch ends, and when a run needs
//! the operator (UNCERTAIN, credentials expired, no longer watched). A command is fed the event
//! as JSON on its standard input; a webhook gets it as JSON with a Slack-compatible `text`.
//! Nothing here ever holds a run up: each notification is a task of its own, bounded in time,
//! and a failure is logged and told through `on_failure` (the TUI's message line, or stderr).
//! The webhook's URL is logged by its host only (a Slack URL's path is its secret); parameters
//! are never sent (they may hold secrets); presenter masking does not apply.

use serde::Serialize;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The schema's name and version, first in every event.
pub const SCHEMA: &str = "sctui.notify/1";

/// Attempts of a webhook POST (5xx, 429 and network failures are tried again, with backoff).
const WEBHOOK_ATTEMPTS: u32 = 3;

/// A webhook's answer is read up to this many bytes (it is never used).
const WEBHOOK_ANSWER_MAX: usize = 64 * 1024;

/// What ended, or what needs the operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    RunEnded,
    BatchEnded,
    RunNeedsAttention,
}

/// A batch's tally.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Tally {
    pub total: usize,
    pub succeeded: usize,
    pub failed: usize,
    pub not_started: usize,
}

/// One notification: the documented schema (README, "Change control").
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NotifyEvent {
    pub schema: &'static str,
    pub kind: Kind,
    /// When it happened (RFC 3339, UTC).
    pub at: String,
    /// The run's journal id (none for a batch).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run: Option<String>,
    pub action_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_id: Option<String>,
    /// SUCCEEDED, FAILED, … for an ended run; UNCERTAIN, CREDENTIALS_EXPIRED, LOST or UNWATCHED
    /// for one that needs the operator; SUCCEEDED or FAILED for a batch (any run not succeeded).
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// Who ran it (user@host).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caller: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch: Option<Tally>,
    /// One line for people (a chat message).
    pub text: String,
}

impl NotifyEvent {
    /// An event of `kind` about `action_name`, its other fields empty; `text` is made last.
    pub fn new(kind: Kind, action_name: &str, status: &str) -> NotifyEvent {
        NotifyEvent {
            schema: SCHEMA,
            kind,
            at: crate::domain::Timestamp::now().iso(),
            run: None,
            action_name: crate::validate::clean(action_name),
            action_id: None,
            product_name: None,
            product_id: None,
            record_id: None,
            status: status.to_string(),
            reason: None,
            account: None,
            region: None,
            profile: None,
            caller: None,
            batch: None,
            text: String::new(),
        }
    }

    /// `text`, from the rest: `sctui: AWS-RestartEC2Instance on web-prod-01 SUCCEEDED (rec-…, 123456789012 eu-west-1)`.
    pub fn with_text(mut self) -> NotifyEvent {
        let what = match (&self.product_name, &self.batch) {
            (_, Some(t)) => format!(
                "batch {} on {} products {}: {} succeeded, {} failed, {} not started",
                self.action_name, t.total, self.status, t.succeeded, t.failed, t.not_started
            ),
            (Some(p), None) => format!("{} on {p} {}", self.action_name, self.status),
            (None, None) => format!("{} {}", self.action_name, self.status),
        };
        let mut place: Vec<String> = Vec::new();
        place.extend(self.record_id.clone());
        place.extend(self.account.clone());
        place.extend(self.region.clone());
        let place = if place.is_empty() { String::new() } else { format!(" ({})", place.join(", ")) };
        let reason = self.reason.as_ref().map(|r| format!(": {r}")).unwrap_or_default();
        self.text = crate::validate::clean(&format!("sctui: {what}{place}{reason}"));
        self
    }
}

/// Where notifications go, from the flags and the config.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NotifySettings {
    /// Run with `sh -c`, the event on standard input.
    pub command: Option<String>,
    /// POSTed to (http or https).
    pub webhook: Option<String>,
    /// How long a command, or one webhook attempt, may take.
    pub timeout: Duration,
}

impl NotifySettings {
    /// Checks the webhook's URL: http or https with a host, no spaces or control characters.
    pub fn check(&self) -> Result<(), String> {
        if let Some(url) = &self.webhook {
            let uri: http::Uri = url.parse().map_err(|_| "--notify-webhook: not a URL".to_string())?;
            if !matches!(uri.scheme_str(), Some("http" | "https")) || uri.host().is_none() {
                return Err("--notify-webhook: the URL must be http:// or https:// with a host".into());
            }
        }
        if self.command.as_deref().is_some_and(|c| c.trim().is_empty() || c.contains('\0')) {
            return Err("--notify-command: empty, or holds a NUL character".into());
        }
        Ok(())
    }

    pub fn any(&self) -> bool {
        self.command.is_some() || self.webhook.is_some()
    }
}

/// Where a failure to notify is told.
pub type OnFailure = Arc<dyn Fn(String) + Send + Sync>;

/// Sends notifications in the background; `flush` waits for those still going (a process about
/// to exit).
pub struct Notifier {
    settings: NotifySettings,
    on_failure: Mutex<Option<OnFailure>>,
    tasks: Mutex<Vec<tokio::task::JoinHandle<()>>>,
}

impl std::fmt::Debug for Notifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Notifier").field("command", &self.settings.command.is_some()).finish()
    }
}

impl Notifier {
    pub fn new(settings: NotifySettings) -> Arc<Notifier> {
        Arc::new(Notifier { settings, on_failure: Mutex::new(None), tasks: Mutex::new(Vec::new()) })
    }

    /// Where failures are told from now on.
    pub fn on_failure(&self, f: OnFailure) {
        *self.on_failure.lock().unwrap_or_else(|p| p.into_inner()) = Some(f);
    }

    fn failed(&self, what: String) {
        tracing::warn!(%what, "a notification failed");
        if let Some(f) = self.on_failure.lock().unwrap_or_else(|p| p.into_inner()).clone() {
            f(what);
        }
    }

    /// Sends `event` to the command and the webhook, each in a task of its own.
    pub fn send(self: &Arc<Self>, event: NotifyEvent) {
        let Ok(json) = serde_json::to_vec(&event) else { return };
        let mut tasks = self.tasks.lock().unwrap_or_else(|p| p.into_inner());
        tasks.retain(|t| !t.is_finished());
        if let Some(cmd) = self.settings.command.clone() {
            let (me, json) = (self.clone(), json.clone());
            tasks.push(tokio::spawn(async move {
                if let Err(e) = run_command(&cmd, &json, me.settings.timeout).await {
                    me.failed(format!("the notify command failed: {e}"));
                }
            }));
        }
        if let Some(url) = self.settings.webhook.clone() {
            let body = serde_json::json!({ "text": event.text, "event": event });
            let (me, body) = (self.clone(), body.to_string());
            tasks.push(tokio::spawn(async move {
                if let Err(e) = post(&url, body, me.settings.timeout).await {
                    me.failed(format!("the notify webhook ({}) failed: {e}", host_of(&url)));
                }
            }));
        }
    }

    /// Waits for the notifications still going (each is bounded by its timeout and retries).
    pub async fn flush(&self) {
        let tasks: Vec<_> = std::mem::take(&mut *self.tasks.lock().unwrap_or_else(|p| p.into_inner()));
        for t in tasks {
            let _ = t.await;
        }
    }
}

/// `https://hooks.example.com`: a URL as the log may name it (its path and query can be secret).
pub fn host_of(url: &str) -> String {
    match url.parse::<http::Uri>() {
        Ok(u) => format!("{}://{}", u.scheme_str().unwrap_or("?"), u.authority().map(|a| a.host()).unwrap_or("?")),
        Err(_) => "an unreadable URL".into(),
    }
}

/// `sh -c CMD`, the event on its standard input; at `timeout` its whole process group is killed
/// (what it started too). Its error output is kept (4 KiB at most) for the failure's message;
/// nothing of it reaches the terminal.
async fn run_command(cmd: &str, json: &[u8], timeout: Duration) -> Result<(), String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut child = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .process_group(0)
        .spawn()
        .map_err(|e| format!("could not start it: {e}"))?;
    let group = child.id().and_then(|id| i32::try_from(id).ok());
    let mut stdin = child.stdin.take();
    let mut stderr = child.stderr.take();
    let work = async {
        if let Some(mut s) = stdin.take() {
            // A command that does not read its input is not a failure.
            let _ = s.write_all(json).await;
            let _ = s.write_all(b"\n").await;
        }
        let mut said = Vec::new();
        if let Some(e) = stderr.as_mut() {
            let _ = e.take(4096).read_to_end(&mut said).await;
        }
        (child.wait().await, said)
    };
    let outcome = tokio::time::timeout(timeout, work).await;
    match outcome {
        Ok((Ok(status), _)) if status.success() => Ok(()),
        Ok((Ok(status), said)) => {
            let said = crate::validate::clean(String::from_utf8_lossy(&said).trim());
            Err(format!("it exited with {status}{}", if said.is_empty() { String::new() } else { format!(": {said}") }))
        }
        Ok((Err(e), _)) => Err(e.to_string()),
        Err(_) => {
            if let Some(g) = group {
                // SAFETY: a signal to the process group this function created.
                unsafe { libc::kill(-g, libc::SIGKILL) };
            }
            // Reaped, so that no zombie is left (SIGKILL ends it at once).
            let _ = tokio::time::timeout(Duration::from_secs(5), child.wait()).await;
            Err(format!("it took longer than {} s and was stopped", timeout.as_secs_f64()))
        }
    }
}

/// POSTs `body` to `url`, up to `WEBHOOK_ATTEMPTS` times (a 5xx, a 429 or a failed connection is
/// tried again after 1 s, then 2 s); each attempt bounded by `timeout`.
async fn post(url: &str, body: String, timeout: Duration) -> Result<(), String> {
    use http_body_util::{BodyExt, Full};
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_native_roots()
        .map_err(|e| format!("no TLS roots: {e}"))?
        .https_or_http()
        .enable_http1()
        .build();
    let client: hyper_util::client::legacy::Client<_, Full<bytes::Bytes>> =
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new()).build(https);
    let mut last = String::new();
    for attempt in 0..WEBHOOK_ATTEMPTS {
        if attempt > 0 {
            tokio::time::sleep(Duration::from_secs(1 << (attempt - 1))).await;
        }
        let request = http::Request::post(url)
            .header("content-type", "application/json")
            .header("user-agent", concat!("sctui/", env!("CARGO_PKG_VERSION")))
            .body(Full::new(bytes::Bytes::from(body.clone())))
            .map_err(|_| "not a URL".to_string())?;
        match tokio::time::timeout(timeout, client.request(request)).await {
            Ok(Ok(response)) => {
                let status = response.status();
                // The answer is read (bounded in time and size) and dropped: its body may echo
                // the secret.
                let body = http_body_util::Limited::new(response.into_body(), WEBHOOK_ANSWER_MAX);
                let _ = tokio::time::timeout(timeout, body.collect()).await;
                if status.is_success() {
                    return Ok(());
                }
                last = format!("HTTP {status}");
                if !(status.is_server_error() || status.as_u16() == 429) {
                    return Err(last);
                }
            }
            Ok(Err(e)) => {
                last = format!(
                    "could not reach it ({})",
                    if e.is_connect() { "connection failed" } else { "request failed" }
                )
            }
            Err(_) => last = format!("no answer within {} s", timeout.as_secs_f64()),
        }
    }
    Err(format!("{last}, after {WEBHOOK_ATTEMPTS} attempts"))
}
