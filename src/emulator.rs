//! A wire-compatible AWS Service Catalog emulator (awsJson1_1), for `--demo` and for every test.
//!
//! It never imports the TUI, the run worker or SDK types: it could become its own crate.

pub mod automation;
pub mod cells;
pub mod documents;
pub mod error;
pub mod faults;
pub mod handlers;
pub mod lifecycle;
pub mod principals;
pub mod protocol;
pub mod ssm;
pub mod sso;
pub mod store;
pub mod wire;
pub mod world;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Request};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use faults::{Fault, FaultConfig, Faults};
use hyper_util::rt::TokioIo;
use serde::Serialize;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tower::ServiceExt;

pub use error::ServiceError;
pub use world::World;

#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Multiplies every scenario duration; 0 makes records end at once.
    pub time_scale: f64,
    pub faults: FaultConfig,
    /// A connection that sends no request for this long is closed.
    pub idle_timeout: std::time::Duration,
    /// At most this many connections are served at once; more wait to be accepted.
    pub max_connections: usize,
    /// How long an ExecuteToken stays idempotent; after it, the same token starts a new run.
    pub token_window: std::time::Duration,
    /// Requests per second per account and operation before ThrottlingException (none: no limit).
    pub rate_limit: Option<f64>,
    /// SSM answers StartExecutionPreview and GetExecutionPreview (false: as a region without
    /// them, UnknownOperationException).
    pub execution_preview: bool,
    /// SSO device authorizations are approved this many seconds (of the emulator's clock) after
    /// they start; None: only by `POST /_emulator/sso/approve` or the verification page.
    pub sso_approve_after: Option<f64>,
    /// SSO role credentials (GetRoleCredentials) expire after this many seconds.
    pub sso_credentials_ttl: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            time_scale: 1.0,
            faults: FaultConfig::default(),
            idle_timeout: std::time::Duration::from_secs(60),
            max_connections: 1024,
            token_window: std::time::Duration::from_secs_f64(store::TOKEN_WINDOW_SECS),
            rate_limit: None,
            execution_preview: true,
            sso_approve_after: None,
            sso_credentials_ttl: 3600.0,
        }
    }
}

/// No request to the emulator is larger than this (a page of parameters is a few KB).
pub const MAX_REQUEST_BYTES: usize = 1024 * 1024;

/// How long to wait before accepting again after `failures` accept errors in a row (out of file
/// descriptors, say): from 10 ms doubling to 1 s, so the loop never spins.
pub fn accept_backoff(failures: u32) -> std::time::Duration {
    std::time::Duration::from_millis(10u64.saturating_mul(1u64 << failures.min(7)).min(1000))
}

/// What clients did, for tests and benchmarks: `GET /_emulator/stats`.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize, PartialEq)]
pub struct Stats {
    /// Requests per operation, counted as they arrive (faulted ones included).
    pub requests: BTreeMap<String, u64>,
    /// Executions that created a new record (idempotent repeats excluded).
    pub executions_started: u64,
    /// The same, by the caller's account.
    #[serde(default)]
    pub executions_by_account: BTreeMap<String, u64>,
    /// Faults injected, by kind.
    pub faults: BTreeMap<String, u64>,
    /// Requests answered ThrottlingException by the rate limit, per operation.
    #[serde(default)]
    pub throttled: BTreeMap<String, u64>,
    /// Connections accepted since the start.
    #[serde(default)]
    pub connections_accepted: u64,
}

/// A rate limit's token bucket: tokens left, and when it was last refilled.
type Bucket = (f64, std::time::Instant);

struct Shared {
    cells: Mutex<cells::Cells>,
    faults: Faults,
    stats: Mutex<Stats>,
    /// Calls per second per account and operation (`--rate-limit`), and their token buckets.
    rate_limit: Option<f64>,
    buckets: Mutex<BTreeMap<String, Bucket>>,
}

impl Shared {
    fn count(&self, f: impl FnOnce(&mut Stats)) {
        let mut s = self.stats.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut s);
    }
}

/// Marks a response whose connection must be closed without sending it.
#[derive(Clone, Copy)]
struct DropConnection;

#[derive(Debug, thiserror::Error)]
#[error("connection dropped by fault injection")]
struct Dropped;

/// A running emulator. Dropping it stops the server.
pub struct Emulator {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: tokio::sync::watch::Sender<bool>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Emulator {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Changes the injected faults while the emulator runs.
    pub fn set_faults(&self, config: FaultConfig) {
        self.shared.faults.set(config);
    }

    /// Moves the emulator's clock on: records planned to take `secs` end now.
    pub fn advance_clock(&self, secs: f64) {
        self.shared.cells.lock().unwrap_or_else(|p| p.into_inner()).clock_offset += secs;
    }

    /// Changes how long the records created from now on take (0: they end at once).
    pub fn set_time_scale(&self, scale: f64) {
        let mut cells = self.shared.cells.lock().unwrap_or_else(|p| p.into_inner());
        cells.time_scale = scale;
        cells.each(|s| s.time_scale = scale);
    }

    /// The SSO session ends mid-shift: `account`'s role credentials expire now, and the SSO
    /// tokens with them. How many role credentials ended.
    pub fn expire_sso(&self, account: &str) -> usize {
        let mut cells = self.shared.cells.lock().unwrap_or_else(|p| p.into_inner());
        let now = now() + cells.clock_offset;
        cells.expire_sso(account, now)
    }

    /// Opens or closes a change calendar in every account and region (`OPEN` or `CLOSED`).
    pub fn set_calendar(&self, name: &str, state: &str) -> bool {
        self.shared.cells.lock().unwrap_or_else(|p| p.into_inner()).set_calendar(name, state)
    }

    /// Approves the pending SSO device login with `user_code` (every pending one with None).
    pub fn approve_sso(&self, user_code: Option<&str>) -> usize {
        self.shared.cells.lock().unwrap_or_else(|p| p.into_inner()).sso.approve(user_code)
    }

    pub fn stats(&self) -> Stats {
        self.shared.stats.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Account and region of the world it serves.
    pub fn account_and_region(&self) -> (String, String) {
        self.shared.cells.lock().unwrap_or_else(|p| p.into_inner()).main_key()
    }

    /// Stops accepting and waits for the accept loop to end.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// Binds `addr` (loopback unless `allow_remote`) and serves `world`.
pub async fn bind(addr: SocketAddr, allow_remote: bool, world: World, options: Options) -> std::io::Result<Emulator> {
    if !addr.ip().is_loopback() && !allow_remote {
        return Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            format!("refusing to listen on {addr}: not a loopback address (pass --allow-remote to allow it)"),
        ));
    }
    let listener = tokio::net::TcpListener::bind(addr).await?;
    serve(listener, world, options)
}

/// Serves the emulator on 127.0.0.1 with a port chosen by the system.
pub async fn start_local(world: World, options: Options) -> std::io::Result<Emulator> {
    bind(SocketAddr::from(([127, 0, 0, 1], 0)), false, world, options).await
}

pub fn serve(listener: tokio::net::TcpListener, world: World, options: Options) -> std::io::Result<Emulator> {
    let addr = listener.local_addr()?;
    let mut cells =
        cells::Cells::new(world, options.time_scale, options.token_window.as_secs_f64(), options.execution_preview);
    cells.sso.approve_after = options.sso_approve_after;
    cells.sso.credentials_ttl = options.sso_credentials_ttl;
    cells.sso.base_url = format!("http://{addr}");
    let shared = Arc::new(Shared {
        cells: Mutex::new(cells),
        faults: Faults::new(options.faults.clone()),
        stats: Mutex::new(Stats::default()),
        rate_limit: options.rate_limit,
        buckets: Mutex::new(BTreeMap::new()),
    });
    let router = routes().fallback(not_found).with_state(shared.clone());
    let (stop, mut stopped) = tokio::sync::watch::channel(false);
    let (idle, max) = (options.idle_timeout, options.max_connections.max(1));
    let counted = shared.clone();
    let task = tokio::spawn(async move {
        let mut connections = tokio::task::JoinSet::new();
        let mut failures = 0;
        loop {
            tokio::select! {
                _ = stopped.changed() => break,
                accepted = listener.accept(), if connections.len() < max => {
                    let stream = match accepted {
                        Ok((stream, _)) => stream,
                        Err(e) => {
                            failures += 1;
                            tracing::warn!(error = %e, failures, "emulator: accept failed; backing off");
                            tokio::time::sleep(accept_backoff(failures)).await;
                            continue;
                        }
                    };
                    failures = 0;
                    counted.count(|s| s.connections_accepted += 1);
                    let _ = stream.set_nodelay(true);
                    let router = router.clone();
                    connections.spawn(async move {
                        let service = hyper::service::service_fn(move |req: Request<hyper::body::Incoming>| {
                            let router = router.clone();
                            async move {
                                // A body that trickles, or that is larger than any request, ends
                                // the connection instead of holding it.
                                let (parts, body) = req.into_parts();
                                let limited = http_body_util::Limited::new(body, MAX_REQUEST_BYTES);
                                let read = tokio::time::timeout(idle, http_body_util::BodyExt::collect(limited)).await;
                                let Ok(Ok(body)) = read else { return Err(Dropped) };
                                let req = Request::from_parts(parts, axum::body::Body::from(body.to_bytes()));
                                let response = router.oneshot(req).await;
                                let Ok(response) = response;
                                if response.extensions().get::<DropConnection>().is_some() {
                                    return Err(Dropped);
                                }
                                Ok(response)
                            }
                        });
                        let _ = hyper::server::conn::http1::Builder::new()
                            .keep_alive(true)
                            .timer(hyper_util::rt::TokioTimer::new())
                            .header_read_timeout(idle)
                            .serve_connection(TokioIo::new(stream), service)
                            .await;
                    });
                }
                Some(_) = connections.join_next(), if !connections.is_empty() => {}
            }
        }
        connections.abort_all();
    });
    Ok(Emulator { addr, shared, stop, task: Some(task) })
}

/// The emulator's paths: the AWS JSON services on `/`, the SSO OIDC and portal paths, and its
/// own controls under `/_emulator`.
fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/", post(api))
        .route("/_emulator/stats", get(stats))
        .route("/_emulator/faults", post(set_faults))
        .route("/client/register", post(sso_call))
        .route("/device_authorization", post(sso_call))
        .route("/token", post(sso_call))
        .route("/logout", post(sso_call))
        .route("/assignment/accounts", get(sso_call))
        .route("/assignment/roles", get(sso_call))
        .route("/federation/credentials", get(sso_call))
        .route("/_emulator/sso/approve", post(sso_approve))
        .route("/_emulator/sso/expire", post(sso_expire))
        .route("/_emulator/calendar", post(set_calendar))
        .route("/_emulator/sso/device", get(sso_page))
}

fn now() -> f64 {
    crate::domain::Timestamp::now().0
}

async fn api(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    let request_id = protocol::request_id();
    if headers.get("x-amz-target").is_none() && body.starts_with(b"Action=") {
        return sts(&shared, &headers, &body, &request_id);
    }
    let (service, op) = match protocol::operation(&headers) {
        Ok((service, op)) => (service, op.to_string()),
        Err(e) => {
            shared.count(|s| *s.requests.entry("(unknown)".into()).or_default() += 1);
            return protocol::error(&e, &request_id);
        }
    };
    shared.count(|s| *s.requests.entry(op.clone()).or_default() += 1);
    if let Some(d) = shared.faults.latency(&op) {
        tokio::time::sleep(d).await;
    }
    if let Err(e) = protocol::check_signed(&headers) {
        return protocol::error(&e, &request_id);
    }
    // Who calls, and so which account's limits and cell.
    let caller = {
        let cells = shared.cells.lock().unwrap_or_else(|p| p.into_inner());
        cells.caller(request_key(&headers), now() + cells.clock_offset)
    };
    let caller = match caller {
        Ok(c) => c,
        Err(e) => return protocol::error(&e, &request_id),
    };
    if !shared.take_token(caller.account(), &op) {
        shared.count(|s| *s.throttled.entry(op.clone()).or_default() += 1);
        return protocol::error(&ServiceError::throttling(), &request_id);
    }
    let fault = shared.faults.next(&op);
    let injected = |kind: &str| shared.count(|s| *s.faults.entry(kind.into()).or_default() += 1);
    match fault {
        Fault::Throttle => {
            injected("throttle");
            return protocol::error(&ServiceError::throttling(), &request_id);
        }
        Fault::ServerError(code) => {
            injected("server_error");
            let e = if code == 503 { ServiceError::unavailable() } else { ServiceError::internal() };
            return protocol::error(&e, &request_id);
        }
        Fault::Expired => {
            injected("expired_token");
            return protocol::error(&ServiceError::expired_token(), &request_id);
        }
        Fault::Drop | Fault::None => {}
    }
    let mut effects = handlers::Effects::default();
    let result = {
        let mut cells = shared.cells.lock().unwrap_or_else(|p| p.into_inner());
        let now = now() + cells.clock_offset;
        let region = request_region(&headers).map(str::to_string).unwrap_or_else(|| cells.main_key().1);
        match cells.store(caller.account(), &region) {
            Err(e) => Err(e),
            Ok(store) => match service {
                protocol::Service::Catalog => handlers::dispatch(store, &caller, &op, &body, now, &mut effects),
                protocol::Service::Ssm => ssm::dispatch(store, &caller, &op, &body, now),
            },
        }
    };
    if effects.execution_started {
        shared.count(|s| {
            s.executions_started += 1;
            *s.executions_by_account.entry(caller.account().to_string()).or_default() += 1;
        });
    }
    tracing::debug!(op, ok = result.is_ok(), "emulator request");
    let mut response = match result {
        Ok(body) => protocol::ok(&body, &request_id),
        Err(e) => protocol::error(&e, &request_id),
    };
    if fault == Fault::Drop {
        injected("drop");
        response.extensions_mut().insert(DropConnection);
    }
    response
}

impl Shared {
    /// A token from the operation's bucket (burst = rate, refilled at the rate); true without a
    /// rate limit.
    fn take_token(&self, account: &str, op: &str) -> bool {
        let Some(rate) = self.rate_limit else { return true };
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let now = std::time::Instant::now();
        // The accounts are the world's (and unknown keys act as its own), so these are bounded.
        let key = format!("{account}/{op}");
        if !buckets.contains_key(&key) {
            buckets.insert(key.clone(), (rate, now));
        }
        let Some((tokens, last)) = buckets.get_mut(&key) else { return true };
        *tokens = (*tokens + now.duration_since(*last).as_secs_f64() * rate).min(rate.max(1.0));
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// The access key the request was signed with.
fn request_key(headers: &HeaderMap) -> Option<&str> {
    headers.get("authorization").and_then(|v| v.to_str().ok()).and_then(principals::access_key)
}

/// The region the request was signed for.
fn request_region(headers: &HeaderMap) -> Option<&str> {
    headers.get("authorization").and_then(|v| v.to_str().ok()).and_then(principals::signing_region)
}

/// STS over the query protocol, just GetCallerIdentity: who the caller is.
fn sts(shared: &Shared, headers: &HeaderMap, body: &[u8], request_id: &str) -> Response {
    use axum::http::{StatusCode, header};
    let action = String::from_utf8_lossy(body)
        .split('&')
        .find_map(|kv| kv.strip_prefix("Action=").map(str::to_string))
        .unwrap_or_default();
    shared.count(|s| *s.requests.entry(format!("sts:{action}")).or_default() += 1);
    let xml = |status: StatusCode, text: String| {
        let mut r = (status, text).into_response();
        r.headers_mut().insert(header::CONTENT_TYPE, axum::http::HeaderValue::from_static("text/xml"));
        if let Ok(v) = axum::http::HeaderValue::from_str(request_id) {
            r.headers_mut().insert("x-amzn-requestid", v);
        }
        r
    };
    if protocol::check_signed(headers).is_err() {
        return xml(
            StatusCode::FORBIDDEN,
            format!(
                "<ErrorResponse><Error><Type>Sender</Type><Code>MissingAuthenticationToken</Code><Message>Missing Authentication Token</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>"
            ),
        );
    }
    if action != "GetCallerIdentity" {
        return xml(
            StatusCode::BAD_REQUEST,
            format!(
                "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>The emulator answers only GetCallerIdentity, not {action}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>"
            ),
        );
    }
    let caller = {
        let cells = shared.cells.lock().unwrap_or_else(|p| p.into_inner());
        cells.caller(request_key(headers), now() + cells.clock_offset)
    };
    let (account, arn) = match caller {
        Ok(c) => (c.account().to_string(), c.arn),
        Err(e) => {
            return xml(
                StatusCode::BAD_REQUEST,
                format!(
                    "<ErrorResponse><Error><Type>Sender</Type><Code>{}</Code><Message>{}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>",
                    e.code, e.message
                ),
            );
        }
    };
    xml(
        StatusCode::OK,
        format!(
            "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult><Arn>{arn}</Arn><UserId>AIDADEMOOPERATOR0001</UserId><Account>{account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata></GetCallerIdentityResponse>"
        ),
    )
}

async fn stats(State(shared): State<Arc<Shared>>) -> Response {
    let s = shared.stats.lock().unwrap_or_else(|p| p.into_inner()).clone();
    axum::Json(s).into_response()
}

/// Replaces the fault configuration of the running emulator (loopback tests and drills).
async fn set_faults(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    match serde_json::from_slice::<FaultConfig>(&body) {
        Ok(config) => {
            tracing::info!(?config, "faults changed");
            shared.faults.set(config);
            axum::Json(serde_json::json!({"ok": true})).into_response()
        }
        Err(e) => protocol::error(
            &ServiceError::serialization(format!("not a fault configuration: {e}")),
            &protocol::request_id(),
        ),
    }
}

async fn not_found() -> Response {
    protocol::error(&ServiceError::unknown_operation("(requests must be POST /)"), &protocol::request_id())
}

/// The SSO OIDC and portal operations (restJson1): the path names the operation.
async fn sso_call(
    State(shared): State<Arc<Shared>>,
    uri: axum::http::Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request_id = protocol::request_id();
    let op = match uri.path() {
        "/client/register" => "RegisterClient",
        "/device_authorization" => "StartDeviceAuthorization",
        "/token" => "CreateToken",
        "/logout" => "Logout",
        "/assignment/accounts" => "ListAccounts",
        "/assignment/roles" => "ListAccountRoles",
        _ => "GetRoleCredentials",
    };
    shared.count(|s| *s.requests.entry(op.into()).or_default() += 1);
    let query: std::collections::HashMap<String, String> =
        form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes()).into_owned().collect();
    let bearer = headers.get("x-amz-sso_bearer_token").and_then(|v| v.to_str().ok());
    let json: serde_json::Value = if body.is_empty() {
        serde_json::json!({})
    } else {
        match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(_) => return sso_answer(Err(sso::invalid_request("The request body is not JSON")), &request_id),
        }
    };
    let mut cells = shared.cells.lock().unwrap_or_else(|p| p.into_inner());
    let now = now() + cells.clock_offset;
    let answer = match op {
        "RegisterClient" => cells.sso.register(&json, now),
        "StartDeviceAuthorization" => cells.sso.start(&json, now),
        "CreateToken" => cells.sso.token(&json, now),
        other => match cells.sso.check_bearer(bearer, now) {
            Err(f) => Err(f),
            Ok(()) => match other {
                "Logout" => {
                    cells.sso.logout(bearer);
                    Ok(serde_json::json!({}))
                }
                "ListAccounts" => sso::list_accounts(&cells, &query),
                "ListAccountRoles" => sso::list_roles(&cells, &query),
                _ => sso::role_credentials(&mut cells, &query, now),
            },
        },
    };
    drop(cells);
    tracing::debug!(op, ok = answer.is_ok(), "emulator SSO request");
    sso_answer(answer, &request_id)
}

fn sso_answer(answer: sso::Answer, request_id: &str) -> Response {
    use axum::http::{HeaderValue, StatusCode, header};
    let (status, body, kind) = match answer {
        Ok(v) => (StatusCode::OK, v, None),
        Err(f) => (StatusCode::from_u16(f.status).unwrap_or(StatusCode::BAD_REQUEST), f.body(), Some(f.kind)),
    };
    let mut r = (status, body.to_string()).into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if let Ok(v) = HeaderValue::from_str(request_id) {
        r.headers_mut().insert("x-amzn-requestid", v);
    }
    if let Some(kind) = kind {
        r.headers_mut().insert("x-amzn-errortype", HeaderValue::from_static(kind));
    }
    r
}

/// Approves pending SSO device authorizations: `{"userCode": "ABCD-EFGH"}`, or every pending
/// one with an empty body. Answers how many.
async fn sso_approve(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let code: Option<String> = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v.get("userCode").and_then(|c| c.as_str()).map(str::to_string));
    let n = shared.cells.lock().unwrap_or_else(|p| p.into_inner()).sso.approve(code.as_deref());
    axum::Json(serde_json::json!({"approved": n})).into_response()
}

/// The verification page: opening it (with `user_code`) approves that authorization, as the
/// user's click in a browser would.
async fn sso_page(State(shared): State<Arc<Shared>>, uri: axum::http::Uri) -> Response {
    let code = form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "user_code")
        .map(|(_, v)| v.into_owned());
    let Some(code) = code.filter(|c| c.len() <= 16) else {
        return (axum::http::StatusCode::BAD_REQUEST, "Give the code: ?user_code=ABCD-EFGH\n").into_response();
    };
    let n = shared.cells.lock().unwrap_or_else(|p| p.into_inner()).sso.approve(Some(&code));
    let text =
        if n > 0 { "Request approved: you can close this page.\n" } else { "No pending request has that code.\n" };
    text.into_response()
}

/// Ends the SSO session for a drill: `{"account": "345678901234"}`: that account's role
/// credentials and every SSO token expire now. Answers how many credentials ended.
/// `POST /_emulator/calendar {"name": "prod-freeze", "state": "CLOSED"}`: a freeze begins or ends.
async fn set_calendar(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let v = serde_json::from_slice::<serde_json::Value>(&body).unwrap_or_default();
    let (name, state) = (v.get("name").and_then(|n| n.as_str()), v.get("state").and_then(|s| s.as_str()));
    let (Some(name), Some(state @ ("OPEN" | "CLOSED"))) = (name, state) else {
        return (
            axum::http::StatusCode::BAD_REQUEST,
            "give {\"name\": \"CALENDAR\", \"state\": \"OPEN\" or \"CLOSED\"}\n",
        )
            .into_response();
    };
    if !shared.cells.lock().unwrap_or_else(|p| p.into_inner()).set_calendar(name, state) {
        return (axum::http::StatusCode::NOT_FOUND, "no such calendar in the catalog file\n").into_response();
    }
    axum::Json(serde_json::json!({"name": name, "state": state})).into_response()
}

async fn sso_expire(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let account = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v.get("account").and_then(|a| a.as_str()).map(str::to_string))
        .filter(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()));
    let Some(account) = account else {
        return (axum::http::StatusCode::BAD_REQUEST, "give {\"account\": \"123456789012\"}\n").into_response();
    };
    let mut cells = shared.cells.lock().unwrap_or_else(|p| p.into_inner());
    let now = now() + cells.clock_offset;
    let n = cells.expire_sso(&account, now);
    axum::Json(serde_json::json!({"expired": n})).into_response()
}
