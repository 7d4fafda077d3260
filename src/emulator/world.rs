//! The emulator's world as read from a catalog file (JSON). `assets/demo-catalog.json` is embedded
//! in the binary and is the default; `--scale N` adds N deterministic synthetic provisioned products.

use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};

pub const DEMO_CATALOG: &str = include_str!("../../assets/demo-catalog.json");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct World {
    pub account_id: String,
    pub region: String,
    pub base_time: f64,
    #[serde(default)]
    pub portfolios: Vec<Portfolio>,
    pub products: Vec<Product>,
    pub actions: Vec<Action>,
    pub provisioned_products: Vec<ProvisionedProduct>,
    /// Who may call, by access key. Keys not listed act as the account's admin.
    #[serde(default)]
    pub principals: Vec<Principal>,
    /// The accounts the emulator serves, with their names (`account_id` is always one of them,
    /// listed or not). A caller's account is its principal's.
    #[serde(default)]
    pub accounts: Vec<AccountDef>,
    /// The regions with provisioned products (`region` is always one). A request is served by
    /// the cell of its caller's account and its SigV4 signing region.
    #[serde(default)]
    pub regions: Vec<String>,
    /// IAM Identity Center: the roles each account offers to the SSO user.
    #[serde(default)]
    pub sso_roles: Vec<SsoRole>,
    /// SSM Change Calendars (GetCalendarState), in every account and region; opened and
    /// closed at run time by `POST /_emulator/calendar`.
    #[serde(default)]
    pub calendars: Vec<Calendar>,
}

/// An SSM Change Calendar: its name and whether changes are allowed now.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Calendar {
    pub name: String,
    /// OPEN or CLOSED.
    pub state: String,
    /// When it changes state next (RFC 3339), as GetCalendarState's NextTransitionTime.
    #[serde(default)]
    pub next_transition: Option<String>,
}

/// An account of the emulator.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountDef {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub email: String,
}

/// A permission set the SSO user may use in an account, and the policy its sessions get.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SsoRole {
    pub account: String,
    pub role: String,
    pub policy: Policy,
}

/// A caller of the emulator: its access key, its ARN (an IAM user, or a session of a role), and
/// the policy attached to it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Principal {
    pub access_key: String,
    pub arn: String,
    pub policy: Policy,
    /// Actions denied whatever the policy allows (`ssm:GetDocument`, `servicecatalog:…`): an
    /// explicit deny, as a permission boundary or an SCP gives an otherwise broad role.
    #[serde(default)]
    pub deny: Vec<String>,
}

/// The policies the emulator knows, after AWS's managed ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Policy {
    /// Every operation, at the account level.
    Admin,
    /// AWSServiceCatalogEndUserFullAccess: the user level only; no DescribeServiceAction.
    EndUser,
    /// The same without Execute.
    EndUserReadonly,
    /// The role level: what sessions of the same role provisioned.
    RoleLevel,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Portfolio {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub product_ids: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Product {
    pub id: String,
    pub name: String,
    /// ProductType: CLOUD_FORMATION_TEMPLATE (the default), TERRAFORM_OPEN_SOURCE, EXTERNAL…
    #[serde(rename = "type", default = "cloudformation")]
    pub kind: String,
    #[serde(default)]
    pub owner: String,
    #[serde(default)]
    pub description: String,
    pub versions: Vec<Version>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Version {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub action_ids: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub document: String,
    pub document_version: String,
    pub assume_role: String,
    pub target_type: String,
    pub parameters: Vec<ParamDef>,
    /// The SSM document's parameters, as DescribeDocument lists them (and its content holds).
    #[serde(default)]
    pub document_parameters: Vec<DocParam>,
    /// The document's steps, in order; the automation walks them on the record's clock.
    #[serde(default)]
    pub steps: Vec<StepDef>,
    pub scenario: Scenario,
}

/// A parameter of an SSM document.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocParam {
    pub name: String,
    /// String, StringList, Integer, Boolean, MapList, StringMap.
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub description: String,
    /// None: the parameter is required.
    #[serde(default)]
    pub default: Option<String>,
    #[serde(default)]
    pub allowed_values: Vec<String>,
    #[serde(default)]
    pub allowed_pattern: Option<String>,
}

/// A step of an SSM document.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepDef {
    pub name: String,
    /// The automation action: `aws:executeAwsApi`, `aws:changeInstanceState`, …
    pub action: String,
    /// Runs only when an earlier step failed (a rollback).
    #[serde(default)]
    pub on_failure: bool,
}

/// How a record names its automation execution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Link {
    /// RecordOutputs carries `AutomationExecutionId`.
    #[default]
    Outputs,
    /// Nothing names it: clients find it with DescribeAutomationExecutions.
    Search,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamDef {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Outcome {
    Succeeded,
    Failed,
    FailedAfterRollback,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub duration_secs: f64,
    pub outcome: Outcome,
    #[serde(default)]
    pub errors: Vec<ErrorDef>,
    #[serde(default)]
    pub outputs: Vec<OutputDef>,
    /// A failing run fails at this step (by name) with `failure_message`; by default the last.
    #[serde(default)]
    pub fail_step: Option<String>,
    #[serde(default)]
    pub failure_message: Option<String>,
    #[serde(default)]
    pub link: Link,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorDef {
    pub code: String,
    pub description: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputDef {
    pub key: String,
    pub value: String,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProvisionedProduct {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub product_id: String,
    pub version_id: String,
    pub status: String,
    #[serde(default)]
    pub status_message: Option<String>,
    pub created_offset_secs: f64,
    /// Who provisioned it: an IAM user name, or a whole ARN (an assumed-role session).
    #[serde(default)]
    pub user: String,
    #[serde(default)]
    pub tags: Vec<TagDef>,
    #[serde(default)]
    pub resources: Vec<Resource>,
    /// Optional fields AWS leaves out of this product's answers (`Tags`, `UserArn`,
    /// `LastRecordId`, `LaunchRoleArn`…), so that clients are tested without them.
    #[serde(default)]
    pub omit: Vec<String>,
    /// The account it lives in (default: the world's `account_id`).
    #[serde(default)]
    pub account: Option<String>,
    /// The region it lives in (default: the world's `region`).
    #[serde(default)]
    pub region: Option<String>,
}

fn cloudformation() -> String {
    "CLOUD_FORMATION_TEMPLATE".into()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TagDef {
    pub key: String,
    pub value: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resource {
    pub logical_id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub physical_id: String,
}

#[derive(Debug, thiserror::Error)]
pub enum WorldError {
    #[error("the catalog file is not valid: {0}")]
    Parse(#[from] serde_json::Error),
    #[error("the catalog file is inconsistent: {0}")]
    Inconsistent(String),
}

impl World {
    pub fn demo() -> Result<World, WorldError> {
        World::parse(DEMO_CATALOG)
    }

    pub fn parse(text: &str) -> Result<World, WorldError> {
        let world: World = serde_json::from_str(text)?;
        world.check()?;
        Ok(world)
    }

    /// Every account id: the world's own first, then the listed ones.
    pub fn account_ids(&self) -> Vec<&str> {
        let mut out = vec![self.account_id.as_str()];
        out.extend(self.accounts.iter().map(|a| a.id.as_str()).filter(|a| *a != self.account_id));
        out
    }

    /// Every region with products: the world's own first, then the listed ones.
    pub fn region_names(&self) -> Vec<&str> {
        let mut out = vec![self.region.as_str()];
        out.extend(self.regions.iter().map(String::as_str).filter(|r| *r != self.region));
        out
    }

    /// The name of an account, where the world gives one.
    pub fn account_name(&self, id: &str) -> Option<&str> {
        self.accounts.iter().find(|a| a.id == id).map(|a| a.name.as_str())
    }

    /// Each account with the access key of an administrator of it (an admin principal whose
    /// ARN is in that account): (id, name, access key), for the demo's fleet.
    pub fn admin_keys(&self) -> Vec<(String, String, String)> {
        self.accounts
            .iter()
            .filter_map(|a| {
                let admin = self
                    .principals
                    .iter()
                    .find(|p| p.policy == Policy::Admin && p.arn.split(':').nth(4) == Some(a.id.as_str()))?;
                Some((a.id.clone(), a.name.clone(), admin.access_key.clone()))
            })
            .collect()
    }

    /// The regions of its cells (`region` alone when it names none).
    pub fn all_regions(&self) -> Vec<String> {
        if self.regions.is_empty() { vec![self.region.clone()] } else { self.regions.clone() }
    }

    /// The (account, region) a provisioned product lives in.
    pub fn cell_of<'a>(&'a self, pp: &'a ProvisionedProduct) -> (&'a str, &'a str) {
        (pp.account.as_deref().unwrap_or(&self.account_id), pp.region.as_deref().unwrap_or(&self.region))
    }

    /// The world as one account in one region sees it: the same portfolios, products and
    /// actions (shared into every account), its own provisioned products.
    pub fn cell(&self, account: &str, region: &str) -> World {
        World {
            account_id: account.to_string(),
            region: region.to_string(),
            base_time: self.base_time,
            portfolios: self.portfolios.clone(),
            products: self.products.clone(),
            actions: self.actions.clone(),
            provisioned_products: self
                .provisioned_products
                .iter()
                .filter(|pp| self.cell_of(pp) == (account, region))
                .cloned()
                .collect(),
            principals: self.principals.clone(),
            accounts: self.accounts.clone(),
            regions: self.regions.clone(),
            sso_roles: self.sso_roles.clone(),
            calendars: self.calendars.clone(),
        }
    }

    /// Every reference resolves and every id is unique, so handlers never meet a dangling id.
    fn check(&self) -> Result<(), WorldError> {
        let bad = |m: String| Err(WorldError::Inconsistent(m));
        let accounts = self.account_ids();
        let account_ok = |a: &str| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit());
        if let Some(a) = accounts.iter().find(|a| !account_ok(a)) {
            return bad(format!("account id {a:?} is not 12 digits"));
        }
        if accounts.iter().collect::<HashSet<_>>().len() != accounts.len() {
            return bad("an account is listed twice".into());
        }
        if let Some(r) = self.region_names().iter().find(|r| crate::validate::region(r).is_err()) {
            return bad(format!("region {r:?} is not a region name"));
        }
        let mut keys = HashSet::new();
        for p in &self.principals {
            if p.access_key.is_empty() || !keys.insert(&p.access_key) {
                return bad(format!("principal access key {:?} is empty or listed twice", p.access_key));
            }
            if !p.arn.starts_with("arn:aws:") || !accounts.iter().any(|a| p.arn.contains(&format!(":{a}:"))) {
                return bad(format!("principal {} is not an ARN of one of the accounts", p.arn));
            }
        }
        for r in &self.sso_roles {
            if !accounts.contains(&r.account.as_str()) {
                return bad(format!("SSO role {} names unknown account {}", r.role, r.account));
            }
        }
        let mut seen = HashSet::new();
        let ids = self
            .products
            .iter()
            .map(|p| &p.id)
            .chain(self.products.iter().flat_map(|p| p.versions.iter().map(|v| &v.id)))
            .chain(self.actions.iter().map(|a| &a.id))
            .chain(self.provisioned_products.iter().map(|p| &p.id));
        for id in ids {
            if !seen.insert(id.as_str()) {
                return bad(format!("id {id} is used twice"));
            }
        }
        for a in &self.actions {
            if let Some(step) = &a.scenario.fail_step
                && !a.steps.iter().any(|s| &s.name == step && !s.on_failure)
            {
                return bad(format!("action {} fails at step {step}, which its document does not run", a.id));
            }
            if a.scenario.outcome == Outcome::FailedAfterRollback && !a.steps.iter().any(|s| s.on_failure) {
                return bad(format!("action {} rolls back, but its document has no on_failure step", a.id));
            }
        }
        let actions: HashSet<&str> = self.actions.iter().map(|a| a.id.as_str()).collect();
        for p in &self.products {
            for v in &p.versions {
                for a in &v.action_ids {
                    if !actions.contains(a.as_str()) {
                        return bad(format!("version {} names unknown action {a}", v.id));
                    }
                }
            }
        }
        let mut names = HashSet::new();
        for pp in &self.provisioned_products {
            let (account, region) = self.cell_of(pp);
            if !accounts.contains(&account) || !self.region_names().contains(&region) {
                return bad(format!("{} lives in {account}/{region}, which the world does not list", pp.id));
            }
            // Names are unique within an account and region.
            if !names.insert((account, region, pp.name.as_str())) {
                return bad(format!("provisioned product name {} is used twice in {account}/{region}", pp.name));
            }
            let Some(product) = self.products.iter().find(|p| p.id == pp.product_id) else {
                return bad(format!("{} names unknown product {}", pp.id, pp.product_id));
            };
            if !product.versions.iter().any(|v| v.id == pp.version_id) {
                return bad(format!("{} names version {} that {} does not have", pp.id, pp.version_id, product.id));
            }
        }
        Ok(())
    }

    /// Adds `n` synthetic provisioned products, the same ones every time for the same `n`.
    pub fn scale(&mut self, n: usize) {
        self.scale_cell(n, None);
    }

    /// Adds `n` synthetic provisioned products to every account and region (a fleet).
    pub fn scale_fleet(&mut self, n: usize) {
        let cells: Vec<(String, String)> = self
            .account_ids()
            .iter()
            .flat_map(|a| self.region_names().into_iter().map(move |r| (a.to_string(), r.to_string())))
            .collect();
        for (account, region) in cells {
            self.scale_cell(n, Some((account, region)));
        }
    }

    /// `n` synthetic products in `cell` (None: the world's own account and region).
    fn scale_cell(&mut self, n: usize, cell: Option<(String, String)>) {
        let tag = cell.as_ref().map(|(a, r)| format!("{a}-{r}-")).unwrap_or_default();
        let candidates: Vec<(usize, usize)> = self
            .products
            .iter()
            .enumerate()
            // CloudFormation versions with actions: the synthetic products are CFN stacks.
            .filter(|(_, p)| p.kind == "CLOUD_FORMATION_TEMPLATE")
            .flat_map(|(pi, p)| {
                (0..p.versions.len()).filter(move |&vi| !p.versions[vi].action_ids.is_empty()).map(move |vi| (pi, vi))
            })
            .collect();
        if candidates.is_empty() {
            return;
        }
        // Templates: the resources of a real provisioned product of the same product, renamed.
        let templates: BTreeMap<&str, &ProvisionedProduct> =
            self.provisioned_products.iter().map(|pp| (pp.product_id.as_str(), pp)).collect();
        let envs = ["prod", "staging", "dev", "test", "qa"];
        let teams = ["storefront", "payments", "data", "platform", "search", "identity"];
        let mut extra = Vec::with_capacity(n);
        for i in 0..n {
            let (pi, vi) = candidates[i % candidates.len()];
            let product = &self.products[pi];
            let env = envs[(i / 7) % envs.len()];
            let team = teams[(i / 3) % teams.len()];
            let id = format!("pp-{}", short_id(&format!("synthetic-{tag}{i}")));
            let stem: String = product
                .name
                .to_ascii_lowercase()
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| !w.is_empty())
                .take(2)
                .collect::<Vec<_>>()
                .join("-");
            let resources = templates
                .get(product.id.as_str())
                .map(|t| {
                    t.resources
                        .iter()
                        .map(|r| Resource {
                            logical_id: r.logical_id.clone(),
                            kind: r.kind.clone(),
                            physical_id: format!("{}-{:05}", r.physical_id, i),
                        })
                        .collect()
                })
                .unwrap_or_default();
            extra.push(ProvisionedProduct {
                id,
                name: format!("{stem}-{env}-{i:05}"),
                kind: "CFN_STACK".into(),
                product_id: product.id.clone(),
                version_id: product.versions[vi].id.clone(),
                status: if i % 97 == 13 { "TAINTED".into() } else { "AVAILABLE".into() },
                status_message: (i % 97 == 13).then(|| "Update rolled back: resource limit exceeded".into()),
                created_offset_secs: -((i as f64) * 3600.0 + 60.0),
                user: format!("user{}", i % 40),
                tags: vec![
                    TagDef { key: "env".into(), value: env.into() },
                    TagDef { key: "team".into(), value: team.into() },
                ],
                resources,
                omit: Vec::new(),
                account: cell.as_ref().map(|c| c.0.clone()),
                region: cell.as_ref().map(|c| c.1.clone()),
            });
        }
        self.provisioned_products.extend(extra);
    }
}

/// 13 lowercase alphanumerics derived from `seed`, as in AWS's ids (`pp-abcd27bm4mldq`).
pub fn short_id(seed: &str) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut h = fnv1a(seed.as_bytes());
    let mut out = String::with_capacity(13);
    for _ in 0..13 {
        h = splitmix(h);
        out.push(ALPHABET[(h % ALPHABET.len() as u64) as usize] as char);
    }
    out
}

pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

pub fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E3779B97F4A7C15);
    let mut z = x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D049BB133111EB);
    z ^ (z >> 31)
}
