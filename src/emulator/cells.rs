//! One emulator, many accounts and regions. The world is served per cell, (account, region): the
//! caller's account (its principal's, or the account of the SSO role its temporary credentials
//! came from) and the region its request was signed for. Every cell shares the portfolios,
//! products and actions (shared into every account) and has its own provisioned products,
//! records and executions. Cells are built when first asked for, at most `MAX_CELLS`.

use super::error::ServiceError;
use super::principals::{self, Caller};
use super::store::Store;
use super::world::{Policy, World};
use std::collections::HashMap;

/// Cells an emulator builds at most: the accounts it knows times the regions asked for.
pub const MAX_CELLS: usize = 64;
/// SSO role credentials an emulator keeps at most; the oldest are forgotten first.
pub const MAX_SESSIONS: usize = 10_000;

/// Temporary credentials handed out by the SSO portal (GetRoleCredentials).
#[derive(Debug, Clone)]
pub struct Session {
    pub caller: Caller,
    pub secret: String,
    pub token: String,
    /// Seconds on the emulator's clock.
    pub expires: f64,
    pub issued: u64,
}

pub struct Cells {
    world: World,
    stores: HashMap<(String, String), Store>,
    pub time_scale: f64,
    /// Seconds added to the wall clock: tests move time on instead of waiting for it.
    pub clock_offset: f64,
    pub token_window: f64,
    pub execution_preview: bool,
    sessions: HashMap<String, Session>,
    issued: u64,
    /// IAM Identity Center: clients, device authorizations, tokens.
    pub sso: super::sso::Sso,
}

impl Cells {
    pub fn new(world: World, time_scale: f64, token_window: f64, execution_preview: bool) -> Cells {
        let mut cells = Cells {
            world,
            stores: HashMap::new(),
            time_scale,
            clock_offset: 0.0,
            token_window,
            execution_preview,
            sessions: HashMap::new(),
            issued: 0,
            sso: super::sso::Sso::default(),
        };
        // The world's own cell is built at once: most clients only ever ask it.
        let (a, r) = cells.main_key();
        cells.build(a, r);
        cells
    }

    pub fn world(&self) -> &World {
        &self.world
    }

    /// The world's own account and region.
    pub fn main_key(&self) -> (String, String) {
        (self.world.account_id.clone(), self.world.region.clone())
    }

    fn build(&mut self, account: String, region: String) {
        let store = make(&self.world, &account, &region, self.time_scale, self.token_window, self.execution_preview);
        self.stores.insert((account, region), store);
    }

    /// Opens or closes the change calendar `name` in every account and region. Whether it exists.
    pub fn set_calendar(&mut self, name: &str, state: &str) -> bool {
        let set = |w: &mut World| {
            let found = w.calendars.iter_mut().find(|c| c.name == name);
            found.map(|c| c.state = state.to_string()).is_some()
        };
        let known = set(&mut self.world);
        for s in self.stores.values_mut() {
            set(&mut s.world);
        }
        known
    }

    /// The store of the world's own account and region.
    pub fn main(&mut self) -> &mut Store {
        let (world, scale, window, preview) = (&self.world, self.time_scale, self.token_window, self.execution_preview);
        let key = (world.account_id.clone(), world.region.clone());
        self.stores.entry(key).or_insert_with(|| make(world, &world.account_id, &world.region, scale, window, preview))
    }

    /// The store of `account` in `region`, built when first asked for. A region that is not a
    /// region name is refused as AWS refuses its signature; past `MAX_CELLS`, so are new cells.
    pub fn store(&mut self, account: &str, region: &str) -> Result<&mut Store, ServiceError> {
        let key = (account.to_string(), region.to_string());
        if !self.stores.contains_key(&key) {
            if crate::validate::region(region).is_err() {
                return Err(ServiceError::invalid_signature(format!(
                    "Credential should be scoped to a valid region, not '{}'.",
                    crate::validate::clean(region)
                )));
            }
            if self.stores.len() >= MAX_CELLS {
                return Err(ServiceError::invalid_signature(format!(
                    "This emulator serves at most {MAX_CELLS} account and region cells."
                )));
            }
            self.build(key.0.clone(), key.1.clone());
        }
        self.stores.get_mut(&key).ok_or_else(ServiceError::internal)
    }

    /// Every cell built so far.
    pub fn each(&mut self, f: impl FnMut(&mut Store)) {
        self.stores.values_mut().for_each(f);
    }

    /// Who is calling: a principal of the world, the holder of SSO role credentials (refused
    /// once they expired), or, for a key nobody knows, the world's own admin.
    pub fn caller(&self, key: Option<&str>, now: f64) -> Result<Caller, ServiceError> {
        if let Some(s) = key.and_then(|k| self.sessions.get(k)) {
            if now >= s.expires {
                return Err(ServiceError::expired_token());
            }
            return Ok(s.caller.clone());
        }
        Ok(principals::caller(&self.world, key))
    }

    /// Ends the SSO user's sessions: the role credentials handed out for `account` expire now,
    /// and so do the SSO access tokens (the user must sign in again). How many credentials ended.
    pub fn expire_sso(&mut self, account: &str, now: f64) -> usize {
        let mut n = 0;
        for s in self.sessions.values_mut().filter(|s| s.caller.account() == account && s.expires > now) {
            s.expires = now;
            n += 1;
        }
        self.sso.expire_tokens();
        n
    }

    /// Role credentials for the SSO user in `account` as `role`, valid `ttl` seconds of the
    /// emulator's clock: the access key and its session.
    pub fn issue(
        &mut self,
        account: &str,
        role: &str,
        policy: Policy,
        user: &str,
        ttl: f64,
        now: f64,
    ) -> (String, Session) {
        if self.sessions.len() >= MAX_SESSIONS
            && let Some(oldest) = self.sessions.iter().min_by_key(|(_, s)| s.issued).map(|(k, _)| k.clone())
        {
            self.sessions.remove(&oldest);
        }
        self.issued += 1;
        let n = self.issued;
        let key =
            format!("ASIA{:016}", super::world::fnv1a(format!("{account}/{role}/{n}").as_bytes()) % 10u64.pow(16));
        let session = Session {
            caller: Caller {
                arn: format!("arn:aws:sts::{account}:assumed-role/AWSReservedSSO_{role}_0123456789abcdef/{user}"),
                policy,
                deny: Vec::new(),
            },
            secret: uuid::Uuid::new_v4().simple().to_string(),
            token: format!("IQoJb3JpZ2luX2VjE{}", uuid::Uuid::new_v4().simple()),
            expires: now + ttl,
            issued: n,
        };
        self.sessions.insert(key.clone(), session.clone());
        (key, session)
    }
}

fn make(world: &World, account: &str, region: &str, time_scale: f64, token_window: f64, preview: bool) -> Store {
    let mut store = Store::new(world.cell(account, region), time_scale);
    store.token_window = token_window;
    store.execution_preview = preview;
    store
}
