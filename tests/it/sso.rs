//! Issue 14: IAM Identity Center in the emulator, through the unmodified SDKs: the SSO OIDC
//! device flow with AWS's answers while it waits, and the SSO portal with the bearer token;
//! the role credentials it hands out act in their own account, and expire.

use crate::support::*;
use aws_sdk_ssooidc::error::ProvideErrorMetadata;
use sctui::emulator::{Emulator, Options};

const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
const START_URL: &str = "https://example.awsapps.com/start";

async fn with(options: Options) -> Emulator {
    sctui::emulator::start_local(world(0), options).await.unwrap()
}

fn clients(emu: &Emulator) -> (aws_sdk_ssooidc::Client, aws_sdk_sso::Client) {
    sctui::catalog::connect::demo_sso_clients(&emu.url(), "eu-west-1", &fast_settings(1))
}

fn code<T: std::fmt::Debug, E: ProvideErrorMetadata + std::fmt::Debug, R: std::fmt::Debug>(
    r: Result<T, aws_sdk_ssooidc::error::SdkError<E, R>>,
) -> String {
    r.expect_err("the call should fail").code().unwrap_or("(none)").to_string()
}

/// Registers a client and starts a device authorization: (client id, secret, device code, the
/// verification URL with the user code).
async fn start(oidc: &aws_sdk_ssooidc::Client) -> (String, String, String, String) {
    let reg = oidc.register_client().client_name("sctui").client_type("public").send().await.unwrap();
    let (id, secret) = (reg.client_id().unwrap().to_string(), reg.client_secret().unwrap().to_string());
    let dev = oidc
        .start_device_authorization()
        .client_id(&id)
        .client_secret(&secret)
        .start_url(START_URL)
        .send()
        .await
        .unwrap();
    assert!(dev.user_code().unwrap().len() == 9 && dev.interval() == 1 && dev.expires_in() == 600);
    (id, secret, dev.device_code().unwrap().to_string(), dev.verification_uri_complete().unwrap().to_string())
}

#[tokio::test]
async fn the_device_flow_waits_for_approval_as_aws_answers() {
    let emu = with(Options::default()).await;
    let (oidc, _) = clients(&emu);
    let (id, secret, device, page) = start(&oidc).await;
    let token =
        || oidc.create_token().client_id(&id).client_secret(&secret).grant_type(DEVICE_GRANT).device_code(&device);
    assert_eq!(code(token().send().await), "AuthorizationPendingException");
    assert_eq!(code(token().send().await), "SlowDownException", "polled again within the interval");
    emu.advance_clock(1.0);
    assert_eq!(code(token().send().await), "AuthorizationPendingException");
    // Opening the verification page is the user's approval.
    let (status, body) = http_get(&page).await;
    assert_eq!(status, 200);
    assert!(body.contains("approved"), "{body}");
    emu.advance_clock(1.0);
    let t = token().send().await.unwrap();
    assert!(t.access_token().unwrap().starts_with("aoa") && t.expires_in() == 28800);
    assert_eq!(t.token_type(), Some("Bearer"));
    assert_eq!(code(token().send().await), "InvalidGrantException", "a device code is used once");
    let e = oidc.create_token().client_id(&id).client_secret("wrong").grant_type(DEVICE_GRANT).device_code(&device);
    assert_eq!(code(e.send().await), "InvalidClientException");
    // An authorization nobody approves expires.
    let (id, secret, device, _) = start(&oidc).await;
    emu.advance_clock(601.0);
    let e = oidc.create_token().client_id(&id).client_secret(&secret).grant_type(DEVICE_GRANT).device_code(&device);
    assert_eq!(code(e.send().await), "ExpiredTokenException");
    assert_eq!(emu.stats().requests["CreateToken"], 7);
}

#[tokio::test]
async fn approval_after_a_delay_and_by_the_emulators_endpoint() {
    let emu = with(Options { sso_approve_after: Some(5.0), ..Default::default() }).await;
    let (oidc, _) = clients(&emu);
    let (id, secret, device, _) = start(&oidc).await;
    let token =
        || oidc.create_token().client_id(&id).client_secret(&secret).grant_type(DEVICE_GRANT).device_code(&device);
    assert_eq!(code(token().send().await), "AuthorizationPendingException");
    emu.advance_clock(5.0);
    assert!(token().send().await.is_ok(), "approved after the delay");
    let plain = with(Options::default()).await;
    let (oidc, _) = clients(&plain);
    let (id, secret, device, page) = start(&oidc).await;
    let user_code = page.rsplit('=').next().unwrap();
    assert_eq!(plain.approve_sso(Some("ZZZZ-ZZZZ")), 0, "another code approves nothing");
    assert_eq!(plain.approve_sso(Some(user_code)), 1);
    let t = oidc.create_token().client_id(&id).client_secret(&secret).grant_type(DEVICE_GRANT).device_code(&device);
    assert!(t.send().await.is_ok());
}

/// A token from the device flow, on an emulator with `options`.
async fn logged_in(emu: &Emulator) -> String {
    let (oidc, _) = clients(emu);
    let (id, secret, device, _) = start(&oidc).await;
    emu.approve_sso(None);
    let t = oidc.create_token().client_id(&id).client_secret(&secret).grant_type(DEVICE_GRANT).device_code(&device);
    t.send().await.unwrap().access_token().unwrap().to_string()
}

#[tokio::test]
async fn the_portal_lists_accounts_and_roles_and_hands_out_role_credentials() {
    let emu = with(Options { sso_credentials_ttl: 30.0, ..Default::default() }).await;
    let token = logged_in(&emu).await;
    let (_, portal) = clients(&emu);
    let accounts = portal.list_accounts().access_token(&token).send().await.unwrap();
    let names: Vec<(&str, &str)> =
        accounts.account_list().iter().map(|a| (a.account_id().unwrap(), a.account_name().unwrap())).collect();
    assert_eq!(names, [("123456789012", "prod"), ("210987654321", "dev"), ("345678901234", "staging")]);
    let page = portal.list_accounts().access_token(&token).max_results(2).send().await.unwrap();
    assert_eq!((page.account_list().len(), page.next_token()), (2, Some("2")));
    let roles = portal.list_account_roles().access_token(&token).account_id("210987654321").send().await.unwrap();
    let roles: Vec<&str> = roles.role_list().iter().map(|r| r.role_name().unwrap()).collect();
    assert_eq!(roles, ["OpsAdmin", "ReadOnly"]);
    let creds = portal
        .get_role_credentials()
        .access_token(&token)
        .account_id("210987654321")
        .role_name("OpsAdmin")
        .send()
        .await
        .unwrap();
    let creds = creds.role_credentials().unwrap();
    let key = creds.access_key_id().unwrap();
    assert!(key.starts_with("ASIA") && creds.session_token().is_some() && creds.expiration() > 0);
    // The credentials act in dev, in whatever region they sign for.
    let dev = sctui::catalog::CatalogClient::demo_as(&emu.url(), "us-east-1", &fast_settings(1), key);
    let (account, arn) = dev.caller_identity().await.unwrap();
    assert_eq!(account, "210987654321");
    assert!(arn.contains(":assumed-role/AWSReservedSSO_OpsAdmin_"), "{arn}");
    assert!(dev.product("web-dev-use1-01").await.is_ok());
    // They expire (30 s here): AWS's ExpiredTokenException.
    emu.advance_clock(31.0);
    let e = dev.product("web-dev-use1-01").await.unwrap_err();
    assert_eq!(e.kind, sctui::catalog::ErrorKind::Credentials, "{e}");
    // No token, a role the account does not offer.
    let e = portal.list_accounts().access_token("not-a-token").send().await.unwrap_err();
    assert_eq!(e.code(), Some("UnauthorizedException"));
    let e =
        portal.get_role_credentials().access_token(&token).account_id("210987654321").role_name("Root").send().await;
    assert_eq!(e.unwrap_err().code(), Some("ForbiddenException"));
    portal.logout().access_token(&token).send().await.unwrap();
    let e = portal.list_accounts().access_token(&token).send().await.unwrap_err();
    assert_eq!(e.code(), Some("UnauthorizedException"), "logged out");
}
