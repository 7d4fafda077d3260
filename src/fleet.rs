//! A fleet: the same list, batch or view over many accounts and regions. A fleet is profiles
//! (one account each) or the accounts of an SSO session with one role, times regions; each cell
//! (account, region) gets its own client and credentials, and one cell that fails never hides
//! the others.

use crate::catalog::{CatalogClient, ClientSettings, LiveOptions, ProductQuery};
use crate::config::{Config, FLEET_CELLS_MAX, FleetConfig};
use crate::domain::ProvisionedProduct;
use crate::validate::clean;

/// One account in one region, with the client that reaches it.
#[derive(Clone)]
pub struct Cell {
    pub account_id: String,
    /// The SSO account name, or the profile's name.
    pub account_name: String,
    pub region: String,
    /// The profile it uses (a profiles fleet), for the journal and for resuming.
    pub profile: Option<String>,
    pub client: CatalogClient,
    /// Runs here change production (the config's production accounts or profiles).
    pub production: bool,
}

impl std::fmt::Debug for Cell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Cell({} {} {})", self.account_id, self.account_name, self.region)
    }
}

/// A fleet, resolved: its cells, and what could not be made a cell and why.
#[derive(Debug)]
pub struct Fleet {
    pub name: String,
    pub cells: Vec<Cell>,
    pub problems: Vec<String>,
}

/// The fleet named `name` in the config, or given as `key=value …` on the command line.
pub fn spec(name: &str, config: &Config) -> Result<(String, FleetConfig), String> {
    if name.contains('=') {
        return FleetConfig::parse_spec(name).map(|f| ("(command line)".to_string(), f));
    }
    match config.fleet.get(name) {
        Some(f) => Ok((name.to_string(), f.clone())),
        None => {
            let known: Vec<&str> = config.fleet.keys().map(String::as_str).collect();
            Err(format!(
                "no fleet {} in the config ([fleet.NAME]; known: {}); or give one as --fleet \"role=OpsAdmin regions=eu-west-1\"",
                clean(name),
                if known.is_empty() { "none".to_string() } else { known.join(", ") }
            ))
        }
    }
}

/// Resolves a fleet into its cells: for profiles, a client per profile and region (the account
/// asked of STS); for a role, the SSO session's accounts (ListAccounts, from the cached token)
/// and a client per account and region with that role's credentials.
pub async fn resolve(
    name: String,
    f: &FleetConfig,
    profile: Option<&str>,
    settings: &ClientSettings,
    access_level: crate::domain::AccessLevel,
) -> Result<Fleet, String> {
    let cells = f.profiles.len().max(f.accounts.len().max(1)) * f.regions.len();
    if cells > FLEET_CELLS_MAX {
        return Err(format!("the fleet would have {cells} cells: at most {FLEET_CELLS_MAX}"));
    }
    if !f.profiles.is_empty() {
        return Ok(by_profiles(name, f, settings, access_level).await);
    }
    by_role(name, f, profile, settings, access_level).await
}

async fn by_profiles(
    name: String,
    f: &FleetConfig,
    settings: &ClientSettings,
    access_level: crate::domain::AccessLevel,
) -> Fleet {
    let mut cells = Vec::new();
    let mut problems = Vec::new();
    for p in &f.profiles {
        for r in &f.regions {
            let opts =
                LiveOptions { profile: Some(p.clone()), region: Some(r.clone()), endpoint_url: None, access_level };
            match CatalogClient::live(&opts, settings, None).await {
                Ok(client) => cells.push(Cell {
                    account_id: String::new(),
                    account_name: p.clone(),
                    region: r.clone(),
                    profile: Some(p.clone()),
                    client,
                    production: false,
                }),
                Err(e) => problems.push(format!("profile {} in {r}: {}", clean(p), clean(&e.to_string()))),
            }
        }
    }
    // Which account each profile is: asked once per profile, all at once.
    let ids = futures::future::join_all(cells.iter().map(|c| c.client.caller_identity())).await;
    for (c, id) in cells.iter_mut().zip(ids) {
        c.account_id = match id {
            Ok((account, _)) => account,
            Err(_) => "?".to_string(),
        };
        c.client.target.account = Some(c.account_id.clone());
    }
    Fleet { name, cells, problems }
}

async fn by_role(
    name: String,
    f: &FleetConfig,
    profile: Option<&str>,
    settings: &ClientSettings,
    access_level: crate::domain::AccessLevel,
) -> Result<Fleet, String> {
    let role = f.role.clone().unwrap_or_default();
    let sso_profile = f.sso_profile.as_deref().or(profile);
    let sso = crate::sso::config_for(sso_profile).await?;
    let home = crate::sso::home().ok_or("HOME is not set: the SSO token cache lives under it")?;
    let token = crate::sso::read_cache(&crate::sso::cache_path(&home, sso.identifier()))
        .filter(|t| t.remaining() > 0)
        .ok_or_else(|| {
            format!(
                "not signed in to IAM Identity Center for profile {} (no cached token, or it expired): run sctui login --profile {}",
                clean(&sso.profile),
                clean(&sso.profile)
            )
        })?;
    let (_, portal) = crate::catalog::connect::sso_clients(&sso.region, settings).await;
    let offered = crate::sso::accounts(&portal, &token.access_token).await?;
    let mut chosen = Vec::new();
    let mut problems = Vec::new();
    if f.accounts.is_empty() {
        chosen = offered.iter().collect();
    } else {
        for want in &f.accounts {
            match offered.iter().find(|a| &a.account_id == want || &a.account_name == want) {
                Some(a) => chosen.push(a),
                None => problems.push(format!("account {}: not offered by the SSO session", clean(want))),
            }
        }
    }
    let session = crate::catalog::connect::SsoSessionRef {
        start_url: &sso.start_url,
        region: &sso.region,
        session: sso.session.as_deref(),
    };
    let mut cells = Vec::new();
    // The configuration is loaded once; each cell only sets its region and credentials.
    let base = crate::catalog::connect::base_config(settings, &f.regions[0]).await;
    for a in chosen {
        if !a.roles.contains(&role) {
            problems.push(format!("account {} ({}): no role {}", a.account_id, a.account_name, clean(&role)));
            continue;
        }
        let credentials = crate::catalog::connect::sso_role_credentials(&session, &a.account_id, &role, settings);
        for r in &f.regions {
            let opts = LiveOptions { profile: None, region: Some(r.clone()), endpoint_url: None, access_level };
            let shared = crate::catalog::connect::cell_config(&base, r, credentials.clone());
            let mut client = CatalogClient::from_config(&opts, settings, &shared);
            // The journal says where each run went, and with what, to take it up again.
            client.target.profile = Some(sso.profile.clone());
            client.target.account = Some(a.account_id.clone());
            client.target.role = Some(role.clone());
            cells.push(Cell {
                account_id: a.account_id.clone(),
                account_name: a.account_name.clone(),
                region: r.clone(),
                profile: None,
                client,
                production: false,
            });
        }
    }
    Ok(Fleet { name, cells, problems })
}

/// An account of the demo's emulator and the access key of its administrator.
pub struct DemoAccount {
    pub id: String,
    pub name: String,
    pub access_key: String,
}

/// The demo's fleet (`sctui --demo --fleet demo`): each account in each region of its emulator,
/// each cell signed with its account's keys, so the emulator serves it from that account's cell.
pub fn demo(
    accounts: &[DemoAccount],
    regions: &[String],
    endpoint: &str,
    settings: &ClientSettings,
    accept_language: Option<String>,
) -> Fleet {
    let mut cells = Vec::new();
    for a in accounts {
        for r in regions {
            let mut client = CatalogClient::demo_as(endpoint, r, settings, &a.access_key)
                .with_accept_language(accept_language.clone());
            client.target.account = Some(a.id.clone());
            cells.push(Cell {
                account_id: a.id.clone(),
                account_name: a.name.clone(),
                region: r.clone(),
                profile: None,
                client,
                production: false,
            });
        }
    }
    Fleet { name: "demo".to_string(), cells, problems: Vec::new() }
}

/// The client of one cell of an earlier fleet run (to take it up again): the SSO `role` in
/// `account` through the SSO session of `profile`, or (no role) the `profile` itself.
pub async fn cell_client(
    profile: Option<&str>,
    region: &str,
    account: &str,
    role: Option<&str>,
    settings: &ClientSettings,
    access_level: crate::domain::AccessLevel,
) -> Result<CatalogClient, String> {
    let opts = LiveOptions { profile: None, region: Some(region.to_string()), endpoint_url: None, access_level };
    let mut client = match role {
        Some(role) => {
            let sso = crate::sso::config_for(profile).await?;
            let session = crate::catalog::connect::SsoSessionRef {
                start_url: &sso.start_url,
                region: &sso.region,
                session: sso.session.as_deref(),
            };
            let credentials = crate::catalog::connect::sso_role_credentials(&session, account, role, settings);
            CatalogClient::with_credentials(&opts, settings, region, credentials).await
        }
        None => {
            let opts = LiveOptions { profile: profile.map(str::to_string), ..opts };
            CatalogClient::live(&opts, settings, None).await.map_err(|e| e.to_string())?
        }
    };
    client.target.profile = profile.map(str::to_string);
    client.target.account = Some(account.to_string());
    client.target.role = role.map(str::to_string);
    Ok(client)
}

/// What one cell answered: its products, or why not.
pub struct CellProducts {
    pub cell: usize,
    pub result: Result<Vec<ProvisionedProduct>, crate::catalog::Error>,
}

/// Every cell's products, at most `concurrency` cells at a time; `on_cell` hears each answer
/// as it comes (per-cell progress).
pub async fn products(
    fleet: &Fleet,
    query: &ProductQuery,
    concurrency: usize,
    mut on_cell: impl FnMut(&CellProducts),
) -> Vec<CellProducts> {
    use futures::StreamExt;
    let calls = fleet.cells.iter().enumerate().map(|(i, c)| async move {
        CellProducts { cell: i, result: c.client.all_products(query).await.map(|(items, _)| items) }
    });
    let mut stream = futures::stream::iter(calls).buffer_unordered(concurrency.clamp(1, 64));
    let mut out = Vec::new();
    while let Some(answer) = stream.next().await {
        on_cell(&answer);
        out.push(answer);
    }
    out.sort_by_key(|a| a.cell);
    out
}
