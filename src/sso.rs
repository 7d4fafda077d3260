//! IAM Identity Center on a jump host: the device-code login (no browser needed on this
//! machine), the SSO token cache the AWS CLI and the SDKs' credential chain read, and the
//! accounts and roles a session can use. Everything the servers send is untrusted: bounded,
//! and cleaned before it is printed.

use crate::validate::clean;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// A login waits at most this long for the approval, whatever the server says.
pub const LOGIN_MAX: Duration = Duration::from_secs(30 * 60);
/// The token cache file is never read past this size.
const CACHE_MAX_BYTES: u64 = 64 * 1024;
/// Listing accounts reads at most this many pages.
const MAX_PAGES: usize = 100;

/// Where a profile's SSO login lives: an `[sso-session NAME]` section, or the legacy
/// `sso_start_url`/`sso_region` on the profile itself.
#[derive(Debug, Clone, PartialEq)]
pub struct SsoConfig {
    pub profile: String,
    pub session: Option<String>,
    pub start_url: String,
    pub region: String,
    pub scopes: Vec<String>,
}

impl SsoConfig {
    /// What names the token in the cache: the session's name, or (legacy) the start URL.
    pub fn identifier(&self) -> &str {
        self.session.as_deref().unwrap_or(&self.start_url)
    }
}

/// The SSO settings of `profile` (AWS_PROFILE or `default` without one), from the AWS config
/// file, checked.
pub async fn config_for(profile: Option<&str>) -> Result<SsoConfig, String> {
    let Some((name, set)) = crate::catalog::connect::profile_properties(profile).await else {
        return Err("the AWS config file could not be read (~/.aws/config, or AWS_CONFIG_FILE)".into());
    };
    let Some(p) = set.get_profile(&name) else {
        return Err(format!("profile {} is not in the AWS config file", clean(&name)));
    };
    let (session, start_url, region, scopes) = match p.get("sso_session") {
        Some(session) => {
            let Some(s) = set.sso_session(session) else {
                return Err(format!(
                    "profile {} names sso_session {}, which has no [sso-session {}] section",
                    clean(&name),
                    clean(session),
                    clean(session)
                ));
            };
            (Some(session.to_string()), s.get("sso_start_url"), s.get("sso_region"), s.get("sso_registration_scopes"))
        }
        None => (None, p.get("sso_start_url"), p.get("sso_region"), None),
    };
    let (Some(start_url), Some(region)) = (start_url, region) else {
        return Err(format!(
            "profile {} has no SSO login: give it sso_session (with an [sso-session] section holding sso_start_url and sso_region), or sso_start_url and sso_region",
            clean(&name)
        ));
    };
    if !start_url.starts_with("https://") || start_url.len() > 2048 || start_url.chars().any(char::is_control) {
        return Err(format!("sso_start_url of profile {}: must be an https:// URL", clean(&name)));
    }
    crate::validate::region(region).map_err(|e| format!("sso_region of profile {}: {}", clean(&name), e.rule))?;
    let scopes = scopes
        .unwrap_or("sso:account:access")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    Ok(SsoConfig { profile: name, session, start_url: start_url.to_string(), region: region.to_string(), scopes })
}

/// The token cache entry, in the AWS CLI's format (`~/.aws/sso/cache/<sha1>.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CachedToken {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    pub access_token: String,
    /// RFC 3339, UTC: `2026-11-30T20:18:30Z`.
    pub expires_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registration_expires_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
}

fn rfc3339(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into())
}

fn parse_time(s: &str) -> Option<i64> {
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok().map(|t| t.unix_timestamp())
}

fn now_unix() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

impl CachedToken {
    /// Seconds it is still good for (0 once expired or unreadable).
    pub fn remaining(&self) -> i64 {
        parse_time(&self.expires_at).map(|t| (t - now_unix()).max(0)).unwrap_or(0)
    }
}

/// `~/.aws/sso/cache/<sha1 of identifier>.json`, as the AWS CLI and the SDKs name it.
pub fn cache_path(home: &Path, identifier: &str) -> PathBuf {
    use sha1::Digest;
    let digest = sha1::Sha1::digest(identifier.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    home.join(".aws/sso/cache").join(format!("{hex}.json"))
}

/// The cached token, if there is a readable one.
pub fn read_cache(path: &Path) -> Option<CachedToken> {
    use std::io::Read;
    let file = std::fs::File::open(path).ok()?;
    let mut text = String::new();
    file.take(CACHE_MAX_BYTES).read_to_string(&mut text).ok()?;
    serde_json::from_str(&text).ok()
}

/// Writes the token where the AWS CLI keeps it: the directory 0700, the file 0600, replaced
/// whole (written beside it, then renamed).
pub fn write_cache(path: &Path, token: &CachedToken) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    let dir = path.parent().ok_or_else(|| std::io::Error::other("the cache path has no directory"))?;
    std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
    let tmp = path.with_extension(format!("json.{}.tmp", std::process::id()));
    let text = serde_json::to_string_pretty(token).map_err(std::io::Error::other)?;
    let mut f = std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(&tmp)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)
}

/// The home directory the AWS CLI uses.
pub fn home() -> Option<PathBuf> {
    std::env::var_os("HOME").filter(|h| !h.is_empty()).map(PathBuf::from)
}

fn sdk_error<E, R>(op: &str, e: &aws_sdk_ssooidc::error::SdkError<E, R>) -> String
where
    E: aws_sdk_ssooidc::error::ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    use aws_sdk_ssooidc::error::ProvideErrorMetadata;
    match e.code() {
        Some(code) => format!("{op} failed: {} ({})", clean(e.message().unwrap_or("no message")), clean(code)),
        None => format!("{op} failed: {}", clean(&aws_sdk_ssooidc::error::DisplayErrorContext(e).to_string())),
    }
}

/// The user code, large: spaced out in a box, readable on a projector or a phone camera.
fn big_code(code: &str) -> Vec<String> {
    let spaced: String = code.chars().map(|c| format!("{c} ")).collect::<String>().trim_end().to_string();
    let width = spaced.chars().count() + 4;
    vec![format!("    ┏{}┓", "━".repeat(width)), format!("    ┃  {spaced}  ┃"), format!("    ┗{}┛", "━".repeat(width))]
}

/// The verification URL as a QR code in half-block characters, if it fits in `width` columns.
pub fn qr_lines(url: &str, width: usize) -> Option<Vec<String>> {
    let code = qrcode::QrCode::new(url.as_bytes()).ok()?;
    let text = code
        .render::<qrcode::render::unicode::Dense1x2>()
        .dark_color(qrcode::render::unicode::Dense1x2::Light)
        .light_color(qrcode::render::unicode::Dense1x2::Dark)
        .quiet_zone(true)
        .build();
    let lines: Vec<String> = text.lines().map(|l| format!("    {l}")).collect();
    let widest = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    (widest <= width).then_some(lines)
}

/// sctui's registration with IAM Identity Center: the cached one while it has an hour left,
/// else a new one (with the refresh grant for an sso-session profile): (id, secret, expiry).
async fn registration(
    cfg: &SsoConfig,
    oidc: &aws_sdk_ssooidc::Client,
    cached: Option<&CachedToken>,
) -> Result<(String, String, String), String> {
    let now = now_unix();
    let reuse = cached.and_then(|c| {
        let fresh = c.registration_expires_at.as_deref().and_then(parse_time).is_some_and(|t| t > now + 3600);
        Some((c.client_id.clone()?, c.client_secret.clone()?, c.registration_expires_at.clone()?)).filter(|_| fresh)
    });
    if let Some(r) = reuse {
        return Ok(r);
    }
    let mut reg = oidc.register_client().client_name("sctui").client_type("public");
    for s in &cfg.scopes {
        reg = reg.scopes(s);
    }
    if cfg.session.is_some() {
        reg = reg.grant_types(DEVICE_GRANT).grant_types("refresh_token");
    }
    let reg = reg.send().await.map_err(|e| sdk_error("RegisterClient", &e))?;
    let id = reg.client_id().filter(|s| !s.is_empty() && s.len() <= 1024);
    let secret = reg.client_secret().filter(|s| !s.is_empty() && s.len() <= 8192);
    let (Some(id), Some(secret)) = (id, secret) else {
        return Err("RegisterClient answered without a client id or secret".into());
    };
    Ok((id.to_string(), secret.to_string(), rfc3339(reg.client_secret_expires_at())))
}

/// What the operator must do to approve a login: open `uri` and enter `user_code` (or open
/// `complete`, which has the code in it), before `minutes` are up. Every field is cleaned.
#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    pub start_url: String,
    pub profile: String,
    pub uri: String,
    pub user_code: String,
    pub complete: Option<String>,
    pub minutes: u64,
}

/// The prompt as text for a terminal: the URL, the code large, the URL with the code, a QR code.
pub fn write_prompt(p: &Prompt, width: usize, out: &mut dyn Write) {
    let (user_code, uri, complete) = (&p.user_code, &p.uri, p.complete.as_deref());
    let _ = writeln!(out, "Sign in to AWS IAM Identity Center ({}) for profile {}:", p.start_url, p.profile);
    let _ = writeln!(out, "  1. Open {uri} on any device (a phone will do).");
    let _ = writeln!(out, "  2. Enter this code:");
    for line in big_code(user_code) {
        let _ = writeln!(out, "{line}");
    }
    if let Some(c) = complete {
        let _ = writeln!(out, "  Or open {c} (the code is filled in).");
        if let Some(qr) = qr_lines(c, width) {
            let _ = writeln!(out, "  Or scan it:");
            for line in qr {
                let _ = writeln!(out, "{line}");
            }
        }
    }
    let minutes = p.minutes;
    let _ = writeln!(out, "Waiting for the approval (the code expires in {minutes} minutes; Ctrl-C cancels)…");
    let _ = out.flush();
}

/// Polls CreateToken at the pace the server asks until the approval, at most `expires`.
async fn wait_for_token(
    oidc: &aws_sdk_ssooidc::Client,
    client: (&str, &str),
    device: &str,
    mut interval: Duration,
    expires: Duration,
) -> Result<aws_sdk_ssooidc::operation::create_token::CreateTokenOutput, String> {
    let started = std::time::Instant::now();
    let expired = || "the code expired before it was approved: run sctui login again".to_string();
    loop {
        if started.elapsed() >= expires {
            return Err(expired());
        }
        tokio::time::sleep(interval).await;
        let answer = oidc
            .create_token()
            .client_id(client.0)
            .client_secret(client.1)
            .grant_type(DEVICE_GRANT)
            .device_code(device)
            .send()
            .await;
        let e = match answer {
            Ok(t) => return Ok(t),
            Err(e) => e,
        };
        match e.as_service_error() {
            Some(s) if s.is_authorization_pending_exception() => {}
            // RFC 8628: each slow_down adds five seconds to the interval.
            Some(s) if s.is_slow_down_exception() => {
                interval = (interval + Duration::from_secs(5)).min(Duration::from_secs(60));
            }
            Some(s) if s.is_expired_token_exception() => return Err(expired()),
            Some(s) if s.is_access_denied_exception() => return Err("the login was denied in the browser".into()),
            _ => return Err(sdk_error("CreateToken", &e)),
        }
    }
}

/// The device-code login: registers sctui (or reuses its registration from the cache), gives
/// `prompt` what the operator must do, waits for the approval at the pace the server asks, and
/// writes the token to the cache.
pub async fn login(
    cfg: &SsoConfig,
    oidc: &aws_sdk_ssooidc::Client,
    cache: &Path,
    mut prompt: impl FnMut(&Prompt) + Send,
) -> Result<CachedToken, String> {
    let (client_id, secret, registration_expires) = registration(cfg, oidc, read_cache(cache).as_ref()).await?;
    let dev = oidc
        .start_device_authorization()
        .client_id(&client_id)
        .client_secret(&secret)
        .start_url(&cfg.start_url)
        .send()
        .await
        .map_err(|e| sdk_error("StartDeviceAuthorization", &e))?;
    let (Some(device), Some(user_code), Some(uri)) = (dev.device_code(), dev.user_code(), dev.verification_uri())
    else {
        return Err("StartDeviceAuthorization answered without a device code, user code or URL".into());
    };
    let expires = Duration::from_secs(u64::try_from(dev.expires_in()).unwrap_or(600).clamp(1, LOGIN_MAX.as_secs()));
    let interval = Duration::from_secs(u64::try_from(dev.interval()).unwrap_or(5).clamp(1, 60));
    prompt(&Prompt {
        start_url: clean(&cfg.start_url),
        profile: clean(&cfg.profile),
        uri: clean(uri),
        user_code: clean(user_code),
        complete: dev.verification_uri_complete().map(clean),
        minutes: expires.as_secs().div_ceil(60),
    });
    let token = wait_for_token(oidc, (&client_id, &secret), device, interval, expires).await?;
    let access = token.access_token().filter(|t| !t.is_empty() && t.len() <= 16 * 1024);
    let Some(access) = access else { return Err("CreateToken answered without an access token".into()) };
    let lifetime = i64::from(token.expires_in()).clamp(60, 7 * 86400);
    let entry = CachedToken {
        start_url: Some(cfg.start_url.clone()),
        region: Some(cfg.region.clone()),
        access_token: access.to_string(),
        expires_at: rfc3339(now_unix() + lifetime),
        client_id: Some(client_id),
        client_secret: Some(secret),
        registration_expires_at: Some(registration_expires),
        refresh_token: token.refresh_token().filter(|t| t.len() <= 16 * 1024).map(str::to_string),
    };
    write_cache(cache, &entry).map_err(|e| format!("could not write the token cache {}: {e}", cache.display()))?;
    Ok(entry)
}

/// An account the SSO session may use, with its roles.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Account {
    pub account_id: String,
    pub account_name: String,
    pub email_address: String,
    pub roles: Vec<String>,
}

/// Every account and its roles (ListAccounts, then ListAccountRoles for each; bounded pages).
pub async fn accounts(portal: &aws_sdk_sso::Client, token: &str) -> Result<Vec<Account>, String> {
    let portal_error = |op: &str, e: &dyn std::fmt::Display| format!("{op} failed: {}", clean(&e.to_string()));
    let mut out = Vec::new();
    let mut next: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page = portal
            .list_accounts()
            .access_token(token)
            .set_next_token(next.clone())
            .max_results(100)
            .send()
            .await
            .map_err(|e| portal_error("ListAccounts", &aws_sdk_sso::error::DisplayErrorContext(&e)))?;
        for a in page.account_list() {
            out.push(Account {
                account_id: clean(a.account_id().unwrap_or_default()),
                account_name: clean(a.account_name().unwrap_or_default()),
                email_address: clean(a.email_address().unwrap_or_default()),
                roles: Vec::new(),
            });
        }
        next = page.next_token().filter(|t| !t.is_empty()).map(str::to_string);
        if next.is_none() {
            break;
        }
    }
    // Each account's roles, 8 accounts at a time.
    use futures::StreamExt;
    // Owned ids: the future is then Send for any caller (a spawned task resolving a fleet).
    let ids: Vec<String> = out.iter().map(|a| a.account_id.clone()).collect();
    let roles: Vec<Result<Vec<String>, String>> =
        futures::stream::iter(ids.into_iter().map(|id| account_roles(portal, token, id))).buffered(8).collect().await;
    for (a, r) in out.iter_mut().zip(roles) {
        a.roles = r?;
    }
    Ok(out)
}

/// ListAccountRoles, every page (bounded).
async fn account_roles(portal: &aws_sdk_sso::Client, token: &str, account: String) -> Result<Vec<String>, String> {
    let mut roles = Vec::new();
    let mut next: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page = portal
            .list_account_roles()
            .access_token(token)
            .account_id(&account)
            .set_next_token(next.clone())
            .max_results(100)
            .send()
            .await
            .map_err(|e| {
                format!("ListAccountRoles failed: {}", clean(&aws_sdk_sso::error::DisplayErrorContext(&e).to_string()))
            })?;
        roles.extend(page.role_list().iter().filter_map(|r| r.role_name()).map(clean));
        next = page.next_token().filter(|t| !t.is_empty()).map(str::to_string);
        if next.is_none() {
            break;
        }
    }
    Ok(roles)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_is_named_as_the_aws_cli_names_it() {
        // sha1("my-sso") and the AWS CLI's own example for a start URL.
        let p = cache_path(Path::new("/home/op"), "my-sso");
        assert_eq!(p, Path::new("/home/op/.aws/sso/cache/0ad374308c5a4e22f723adf10145eafad7c4031c.json"));
        let legacy = cache_path(Path::new("/h"), "https://d-abc123.awsapps.com/start");
        assert_eq!(legacy, Path::new("/h/.aws/sso/cache/40a89917e3175433e361b710a9d43528d7f1890a.json"));
    }

    #[test]
    fn the_cache_is_written_private_and_read_back() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = cache_path(dir.path(), "s");
        let token = CachedToken {
            start_url: Some("https://x.awsapps.com/start".into()),
            region: Some("eu-west-1".into()),
            access_token: "aoa1".into(),
            expires_at: rfc3339(now_unix() + 100),
            client_id: None,
            client_secret: None,
            registration_expires_at: None,
            refresh_token: None,
        };
        write_cache(&path, &token).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(std::fs::metadata(path.parent().unwrap()).unwrap().permissions().mode() & 0o777, 0o700);
        let back = read_cache(&path).unwrap();
        assert_eq!(back, token);
        assert!((90..=100).contains(&back.remaining()));
        std::fs::write(&path, "x".repeat(100_000)).unwrap();
        assert_eq!(read_cache(&path), None, "too large or not JSON: no token");
    }

    #[test]
    fn the_code_is_shown_large_and_the_qr_only_where_it_fits() {
        let big = big_code("ABCD-EFGH");
        assert!(big[1].contains("A B C D - E F G H"));
        let url = "https://device.sso.eu-west-1.amazonaws.com/?user_code=ABCD-EFGH";
        assert!(qr_lines(url, 200).is_some_and(|l| l.len() > 10));
        assert!(qr_lines(url, 20).is_none());
    }
}
