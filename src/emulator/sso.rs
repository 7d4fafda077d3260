//! IAM Identity Center as a jump host meets it: the SSO OIDC device flow (RegisterClient,
//! StartDeviceAuthorization, CreateToken answering `authorization_pending`, `slow_down` and
//! `expired_token` until the user approves) and the SSO portal (ListAccounts, ListAccountRoles,
//! GetRoleCredentials with the `x-amz-sso_bearer_token` header), restJson1 as AWS speaks them.
//! Approval comes after a configured delay, from `POST /_emulator/sso/approve`, or from opening
//! the verification URL (the emulator's own page). Every table here is bounded.

use super::cells::Cells;
use serde_json::{Value, json};
use std::collections::HashMap;

/// How long a device code may be polled (AWS: 600 s), and how often (`interval`).
pub const DEVICE_EXPIRES_SECS: f64 = 600.0;
pub const DEVICE_INTERVAL_SECS: f64 = 1.0;
/// An access token's life (AWS's default session is 8 hours).
pub const TOKEN_EXPIRES_SECS: f64 = 8.0 * 3600.0;
/// A registered client's life (AWS: 90 days).
pub const CLIENT_EXPIRES_SECS: f64 = 90.0 * 86400.0;
/// At most this many clients, device authorizations and tokens are kept each.
pub const MAX_ENTRIES: usize = 10_000;
/// The SSO user every approval stands for.
pub const USER: &str = "operator@example.com";

#[derive(Debug, Clone)]
struct Client {
    secret: String,
    expires: f64,
    refresh: bool,
}

#[derive(Debug, Clone)]
struct Device {
    client_id: String,
    user_code: String,
    start_url: String,
    created: f64,
    approved: bool,
    last_poll: Option<f64>,
}

#[derive(Debug, Clone)]
struct Token {
    expires: f64,
    client_id: String,
}

/// What the SSO side holds, on the emulator's clock.
#[derive(Debug, Default)]
pub struct Sso {
    clients: HashMap<String, Client>,
    devices: HashMap<String, Device>,
    tokens: HashMap<String, Token>,
    refresh: HashMap<String, String>,
    /// Device authorizations are approved this long after they start (None: only when asked).
    pub approve_after: Option<f64>,
    /// Role credentials last this long (seconds of the emulator's clock).
    pub credentials_ttl: f64,
    /// Where the verification page is: the emulator's own URL.
    pub base_url: String,
}

/// An answer: HTTP status and JSON body, or an error type and message.
pub type Answer = Result<Value, Failure>;

#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub status: u16,
    /// The error shape, as `x-amzn-ErrorType` names it.
    pub kind: &'static str,
    /// OAuth's error code (`authorization_pending`…), for the OIDC errors.
    pub error: Option<&'static str>,
    pub message: String,
}

impl Failure {
    fn oidc(status: u16, kind: &'static str, error: &'static str, message: impl Into<String>) -> Failure {
        Failure { status, kind, error: Some(error), message: message.into() }
    }
    fn portal(status: u16, kind: &'static str, message: impl Into<String>) -> Failure {
        Failure { status, kind, error: None, message: message.into() }
    }
    pub fn body(&self) -> Value {
        match self.error {
            Some(e) => json!({"error": e, "error_description": self.message}),
            None => json!({"message": self.message}),
        }
    }
}

pub fn invalid_request(message: impl Into<String>) -> Failure {
    Failure::oidc(400, "InvalidRequestException", "invalid_request", message)
}

fn new_secret() -> String {
    format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple())
}

/// Keeps a table under `MAX_ENTRIES` by forgetting what expired, then the oldest.
fn bound<T>(table: &mut HashMap<String, T>, expired: impl Fn(&T) -> bool, age: impl Fn(&T) -> f64) {
    if table.len() < MAX_ENTRIES {
        return;
    }
    table.retain(|_, v| !expired(v));
    while table.len() >= MAX_ENTRIES {
        let Some(oldest) = table.iter().min_by(|a, b| age(a.1).total_cmp(&age(b.1))).map(|(k, _)| k.clone()) else {
            break;
        };
        table.remove(&oldest);
    }
}

fn text<'a>(body: &'a Value, field: &str, max: usize) -> Result<&'a str, Failure> {
    match body.get(field).and_then(Value::as_str) {
        Some(v) if !v.is_empty() && v.len() <= max => Ok(v),
        Some(_) => Err(invalid_request(format!("{field} must be 1 to {max} characters"))),
        None => Err(invalid_request(format!("{field} is required"))),
    }
}

impl Sso {
    fn client(&self, body: &Value, now: f64) -> Result<(String, Client), Failure> {
        let id = text(body, "clientId", 256)?;
        let secret = text(body, "clientSecret", 4096)?;
        match self.clients.get(id) {
            Some(c) if c.secret == secret && now < c.expires => Ok((id.to_string(), c.clone())),
            Some(c) if c.secret == secret => Err(Failure::oidc(
                400,
                "InvalidClientException",
                "invalid_client",
                "The client registration has expired.",
            )),
            _ => Err(Failure::oidc(401, "InvalidClientException", "invalid_client", "Invalid client id or secret.")),
        }
    }

    /// RegisterClient (`POST /client/register`).
    pub fn register(&mut self, body: &Value, now: f64) -> Answer {
        text(body, "clientName", 256)?;
        if text(body, "clientType", 16)? != "public" {
            return Err(invalid_request("clientType must be public"));
        }
        let grants: Vec<&str> =
            body.get("grantTypes").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
        bound(&mut self.clients, |c| c.expires <= now, |c| c.expires);
        let id = format!("client-{}", uuid::Uuid::new_v4().simple());
        let secret = new_secret();
        let expires = now + CLIENT_EXPIRES_SECS;
        self.clients
            .insert(id.clone(), Client { secret: secret.clone(), expires, refresh: grants.contains(&"refresh_token") });
        Ok(json!({
            "clientId": id,
            "clientSecret": secret,
            "clientIdIssuedAt": now as i64,
            "clientSecretExpiresAt": expires as i64,
        }))
    }

    /// StartDeviceAuthorization (`POST /device_authorization`).
    pub fn start(&mut self, body: &Value, now: f64) -> Answer {
        let (client_id, _) = self.client(body, now)?;
        let start_url = text(body, "startUrl", 2048)?;
        if !start_url.starts_with("https://") && !start_url.starts_with("http://") {
            return Err(invalid_request("startUrl must be an https:// URL"));
        }
        bound(&mut self.devices, |d| now >= d.created + DEVICE_EXPIRES_SECS, |d| d.created);
        let device_code = new_secret();
        let letters: String = uuid::Uuid::new_v4()
            .as_bytes()
            .iter()
            .take(8)
            .map(|b| char::from(b"BCDFGHJKLMNPQRSTVWXZ"[usize::from(*b) % 20]))
            .collect();
        let user_code = format!("{}-{}", &letters[..4], &letters[4..]);
        self.devices.insert(
            device_code.clone(),
            Device {
                client_id,
                user_code: user_code.clone(),
                start_url: start_url.to_string(),
                created: now,
                approved: false,
                last_poll: None,
            },
        );
        let uri = format!("{}/_emulator/sso/device", self.base_url);
        Ok(json!({
            "deviceCode": device_code,
            "userCode": user_code,
            "verificationUri": uri,
            "verificationUriComplete": format!("{uri}?user_code={user_code}"),
            "expiresIn": DEVICE_EXPIRES_SECS as i64,
            "interval": DEVICE_INTERVAL_SECS as i64,
        }))
    }

    /// Approves the device authorization with `user_code` (all pending ones without it); how
    /// many were approved.
    pub fn approve(&mut self, user_code: Option<&str>) -> usize {
        let mut n = 0;
        for d in self.devices.values_mut().filter(|d| !d.approved) {
            if user_code.is_none_or(|c| c.eq_ignore_ascii_case(&d.user_code)) {
                d.approved = true;
                n += 1;
            }
        }
        n
    }

    /// CreateToken (`POST /token`): the device code grant, polled until approved, and the
    /// refresh token grant.
    pub fn token(&mut self, body: &Value, now: f64) -> Answer {
        let (client_id, client) = self.client(body, now)?;
        let grant = text(body, "grantType", 256)?;
        if grant == "refresh_token" {
            let refresh = text(body, "refreshToken", 4096)?;
            if !client.refresh || self.refresh.get(refresh) != Some(&client_id) {
                return Err(Failure::oidc(400, "InvalidGrantException", "invalid_grant", "Invalid refresh token."));
            }
            return Ok(self.grant(&client_id, true, now));
        }
        if grant != "urn:ietf:params:oauth:grant-type:device_code" {
            return Err(Failure::oidc(
                400,
                "UnsupportedGrantTypeException",
                "unsupported_grant_type",
                "The grant type is not supported.",
            ));
        }
        let code = text(body, "deviceCode", 4096)?;
        let approve_after = self.approve_after;
        let Some(d) = self.devices.get_mut(code).filter(|d| d.client_id == client_id) else {
            return Err(Failure::oidc(400, "InvalidGrantException", "invalid_grant", "Invalid device code provided"));
        };
        if now >= d.created + DEVICE_EXPIRES_SECS {
            self.devices.remove(code);
            return Err(Failure::oidc(400, "ExpiredTokenException", "expired_token", "Device code has expired"));
        }
        if approve_after.is_some_and(|after| now >= d.created + after) {
            d.approved = true;
        }
        if !d.approved {
            let early = d.last_poll.is_some_and(|t| now < t + DEVICE_INTERVAL_SECS);
            d.last_poll = Some(now);
            if early {
                return Err(Failure::oidc(400, "SlowDownException", "slow_down", "Client is polling too quickly"));
            }
            return Err(Failure::oidc(
                400,
                "AuthorizationPendingException",
                "authorization_pending",
                "Authorization is still pending",
            ));
        }
        tracing::debug!(start_url = %d.start_url, "emulator: device authorization used");
        self.devices.remove(code);
        Ok(self.grant(&client_id, client.refresh, now))
    }

    fn grant(&mut self, client_id: &str, refresh: bool, now: f64) -> Value {
        bound(&mut self.tokens, |t| t.expires <= now, |t| t.expires);
        let access = format!("aoa{}", new_secret());
        self.tokens
            .insert(access.clone(), Token { expires: now + TOKEN_EXPIRES_SECS, client_id: client_id.to_string() });
        let mut out = json!({"accessToken": access, "tokenType": "Bearer", "expiresIn": TOKEN_EXPIRES_SECS as i64});
        if refresh {
            if self.refresh.len() >= MAX_ENTRIES {
                self.refresh.clear();
            }
            let r = format!("aor{}", new_secret());
            self.refresh.insert(r.clone(), client_id.to_string());
            out["refreshToken"] = json!(r);
        }
        out
    }

    /// The portal's bearer token must be one this emulator gave and not expired.
    pub fn check_bearer(&self, token: Option<&str>, now: f64) -> Result<(), Failure> {
        match token.and_then(|t| self.tokens.get(t)) {
            Some(t) if now < t.expires => {
                tracing::trace!(client = %t.client_id, "emulator: portal call");
                Ok(())
            }
            _ => Err(Failure::portal(401, "UnauthorizedException", "Session token not found or invalid")),
        }
    }

    /// Every access and refresh token ends (the session ran out, or an admin revoked it).
    pub fn expire_tokens(&mut self) {
        self.tokens.clear();
        self.refresh.clear();
    }

    /// LogOut: the token is forgotten.
    pub fn logout(&mut self, token: Option<&str>) {
        if let Some(t) = token {
            self.tokens.remove(t);
        }
    }
}

/// `max_result` (1 to 100; AWS's default 20) and `next_token` (an index) of a portal listing.
fn page<T: Clone>(items: &[T], query: &HashMap<String, String>) -> Result<(Vec<T>, Option<String>), Failure> {
    let size = match query.get("max_result") {
        None => 20,
        Some(v) => v.parse::<usize>().ok().filter(|n| (1..=100).contains(n)).ok_or_else(|| {
            Failure::portal(400, "InvalidRequestException", "max_result must be a number from 1 to 100")
        })?,
    };
    let start = match query.get("next_token") {
        None => 0,
        Some(t) => t
            .parse::<usize>()
            .ok()
            .filter(|n| *n <= items.len())
            .ok_or_else(|| Failure::portal(400, "InvalidRequestException", "The next token is not valid"))?,
    };
    let end = (start + size).min(items.len());
    Ok((items[start..end].to_vec(), (end < items.len()).then(|| end.to_string())))
}

fn listing(key: &str, items: Vec<Value>, next: Option<String>) -> Value {
    let mut out = json!({ key: items });
    if let Some(t) = next {
        out["nextToken"] = json!(t);
    }
    out
}

fn account_param(query: &HashMap<String, String>) -> Result<&str, Failure> {
    let id = query
        .get("account_id")
        .ok_or_else(|| Failure::portal(400, "InvalidRequestException", "account_id is required"))?;
    if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Failure::portal(400, "InvalidRequestException", "account_id must be 12 digits"));
    }
    Ok(id)
}

/// ListAccounts (`GET /assignment/accounts`): the accounts with a role for the SSO user.
pub fn list_accounts(cells: &Cells, query: &HashMap<String, String>) -> Answer {
    let w = cells.world();
    let accounts: Vec<Value> = w
        .account_ids()
        .into_iter()
        .filter(|a| w.sso_roles.iter().any(|r| r.account == *a))
        .map(|a| {
            let def = w.accounts.iter().find(|d| d.id == a);
            json!({
                "accountId": a,
                "accountName": def.map(|d| d.name.as_str()).unwrap_or(a),
                "emailAddress": def.map(|d| d.email.as_str()).unwrap_or_default(),
            })
        })
        .collect();
    let (items, next) = page(&accounts, query)?;
    Ok(listing("accountList", items, next))
}

/// ListAccountRoles (`GET /assignment/roles?account_id=`).
pub fn list_roles(cells: &Cells, query: &HashMap<String, String>) -> Answer {
    let account = account_param(query)?;
    let roles: Vec<Value> = cells
        .world()
        .sso_roles
        .iter()
        .filter(|r| r.account == account)
        .map(|r| json!({"roleName": r.role, "accountId": r.account}))
        .collect();
    let (items, next) = page(&roles, query)?;
    Ok(listing("roleList", items, next))
}

/// GetRoleCredentials (`GET /federation/credentials?role_name=&account_id=`): temporary
/// credentials of the role's session in that account.
pub fn role_credentials(cells: &mut Cells, query: &HashMap<String, String>, now: f64) -> Answer {
    let account = account_param(query)?.to_string();
    let role = query
        .get("role_name")
        .filter(|r| !r.is_empty() && r.len() <= 64)
        .ok_or_else(|| Failure::portal(400, "InvalidRequestException", "role_name is required"))?
        .clone();
    let Some(policy) =
        cells.world().sso_roles.iter().find(|r| r.account == account && r.role == role).map(|r| r.policy)
    else {
        return Err(Failure::portal(403, "ForbiddenException", "No access"));
    };
    let ttl = cells.sso.credentials_ttl;
    let user = USER.split('@').next().unwrap_or(USER).to_string();
    let (key, session) = cells.issue(&account, &role, policy, &user, ttl, now);
    Ok(json!({"roleCredentials": {
        "accessKeyId": key,
        "secretAccessKey": session.secret,
        "sessionToken": session.token,
        "expiration": (session.expires * 1000.0) as i64,
    }}))
}
