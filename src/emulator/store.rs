//! The emulator's state: the world, the records created so far, ExecuteToken idempotency, and the
//! statuses derived from the clock. Every method takes `now` so answers are consistent per request.

use super::automation::{self, Automation};
use super::error::ServiceError;
use super::lifecycle::{self, Plan};
use super::world::{self, World};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};

pub const RECORD_TYPE_ACTION: &str = "EXECUTE_PROVISIONED_PRODUCT_SERVICE_ACTION";

pub struct Record {
    pub id: String,
    pub pp: usize,
    pub record_type: &'static str,
    pub plan: Plan,
    pub errors: Vec<(String, String)>,
    pub outputs: Vec<(String, String, String)>,
    pub tags: Vec<(String, String)>,
    pub path_id: String,
    /// Who made the request (UserArn): the provisioned product's owner, or the caller of Execute.
    pub owner: String,
}

struct Execution {
    fingerprint: String,
    record: usize,
    /// When the token was first used.
    at: f64,
}

/// How long an ExecuteToken stays idempotent by default (AWS does not document it).
pub const TOKEN_WINDOW_SECS: f64 = 8.0 * 3600.0;

/// Parameter values by name.
type ParamValues = BTreeMap<String, Vec<String>>;

pub struct Store {
    pub world: World,
    pub time_scale: f64,
    /// After this many seconds, the same ExecuteToken starts a new execution.
    pub token_window: f64,
    pp_by_id: HashMap<String, usize>,
    pp_by_name: HashMap<String, usize>,
    action_by_id: HashMap<String, usize>,
    /// version id -> (product index, version index)
    versions: HashMap<String, (usize, usize)>,
    pub records: Vec<Record>,
    record_by_id: HashMap<String, usize>,
    /// Records of each provisioned product in creation order.
    pp_records: Vec<Vec<usize>>,
    tokens: HashMap<String, Execution>,
    pub executions_started: u64,
    /// Sorted, filtered index lists of recent searches, reused by the following pages.
    search_cache: Option<(String, std::sync::Arc<Vec<usize>>)>,
    /// The SSM Automation executions the actions started, oldest first.
    pub automations: Vec<Automation>,
    /// Execution previews asked for (StartExecutionPreview), oldest first, at most 1000.
    pub previews: Vec<super::documents::Preview>,
    /// The SSM of this emulator offers execution previews (StartExecutionPreview).
    pub execution_preview: bool,
    automation_by_id: HashMap<String, usize>,
}

#[derive(Debug, Clone, Default)]
pub struct SearchArgs {
    pub queries: Vec<String>,
    pub sort_by: Option<String>,
    pub descending: bool,
}

impl Store {
    pub fn new(world: World, time_scale: f64) -> Store {
        let pp_by_id = world.provisioned_products.iter().enumerate().map(|(i, p)| (p.id.clone(), i)).collect();
        let pp_by_name = world.provisioned_products.iter().enumerate().map(|(i, p)| (p.name.clone(), i)).collect();
        let action_by_id = world.actions.iter().enumerate().map(|(i, a)| (a.id.clone(), i)).collect();
        let mut versions = HashMap::new();
        for (pi, p) in world.products.iter().enumerate() {
            for (vi, v) in p.versions.iter().enumerate() {
                versions.insert(v.id.clone(), (pi, vi));
            }
        }
        let mut store = Store {
            pp_records: vec![Vec::new(); world.provisioned_products.len()],
            world,
            time_scale,
            token_window: TOKEN_WINDOW_SECS,
            pp_by_id,
            pp_by_name,
            action_by_id,
            versions,
            records: Vec::new(),
            record_by_id: HashMap::new(),
            tokens: HashMap::new(),
            executions_started: 0,
            search_cache: None,
            automations: Vec::new(),
            previews: Vec::new(),
            execution_preview: true,
            automation_by_id: HashMap::new(),
        };
        store.seed_history();
        store
    }

    /// Each provisioned product starts with the records that made it what it is.
    fn seed_history(&mut self) {
        for i in 0..self.world.provisioned_products.len() {
            let pp = &self.world.provisioned_products[i];
            let created = self.world.base_time + pp.created_offset_secs;
            let mut plan =
                vec![("PROVISION_PRODUCT", Plan::finished(created, created + 184.0, lifecycle::SUCCEEDED), Vec::new())];
            if matches!(pp.status.as_str(), "TAINTED" | "ERROR") {
                let at = created + 86_400.0 * 3.0;
                let msg = pp.status_message.clone().unwrap_or_else(|| "The last update failed".into());
                plan.push((
                    "UPDATE_PROVISIONED_PRODUCT",
                    Plan::finished(at, at + 312.0, lifecycle::FAILED),
                    vec![("StackUpdateFailed".to_string(), msg)],
                ));
            }
            for (n, (kind, p, errors)) in plan.into_iter().enumerate() {
                let id = format!("rec-{}", world::short_id(&format!("{}/{n}", self.world.provisioned_products[i].id)));
                let owner = self.user_arn(i);
                self.push_record(Record {
                    id,
                    pp: i,
                    record_type: kind,
                    plan: p,
                    errors,
                    outputs: Vec::new(),
                    tags: Vec::new(),
                    path_id: self.path_id(i),
                    owner,
                });
            }
        }
    }

    fn path_id(&self, pp: usize) -> String {
        format!("lpv3-{}", world::short_id(&self.world.provisioned_products[pp].product_id))
    }

    fn push_record(&mut self, record: Record) -> usize {
        let idx = self.records.len();
        self.record_by_id.insert(record.id.clone(), idx);
        self.pp_records[record.pp].push(idx);
        self.records.push(record);
        idx
    }

    pub fn pp_count(&self) -> usize {
        self.world.provisioned_products.len()
    }

    pub fn pp_by_id(&self, id: &str) -> Option<usize> {
        self.pp_by_id.get(id).copied()
    }

    pub fn pp_by_name(&self, name: &str) -> Option<usize> {
        self.pp_by_name.get(name).copied()
    }

    fn last_record(&self, pp: usize) -> Option<&Record> {
        self.pp_records[pp].last().map(|&r| &self.records[r])
    }

    /// The product's status now: UNDER_CHANGE while one of its records runs.
    pub fn pp_status(&self, pp: usize, now: f64) -> (&str, Option<&str>) {
        let def = &self.world.provisioned_products[pp];
        if self.last_record(pp).is_some_and(|r| !r.plan.is_terminal_at(now)) {
            return ("UNDER_CHANGE", None);
        }
        (def.status.as_str(), def.status_message.as_deref())
    }

    fn pp_arn(&self, pp: usize) -> String {
        let def = &self.world.provisioned_products[pp];
        format!("arn:aws:servicecatalog:{}:{}:stack/{}/{}", self.world.region, self.world.account_id, def.name, def.id)
    }

    /// Who provisioned the product (UserArn).
    pub fn user_arn(&self, pp: usize) -> String {
        let def = &self.world.provisioned_products[pp];
        match def.user.as_str() {
            arn if arn.starts_with("arn:") => arn.to_string(),
            "" => format!("arn:aws:iam::{}:user/operator", self.world.account_id),
            user => format!("arn:aws:iam::{}:user/{user}", self.world.account_id),
        }
    }

    fn provisioning_records(&self, pp: usize) -> (Option<&Record>, Option<&Record>) {
        let provisioning = |r: &&Record| r.record_type != RECORD_TYPE_ACTION;
        let recs = self.pp_records[pp].iter().map(|&r| &self.records[r]);
        let last = recs.clone().rfind(provisioning);
        let ok = recs.filter(provisioning).rfind(|r| r.plan.steps.last().is_some_and(|s| s.1 == lifecycle::SUCCEEDED));
        (last, ok)
    }

    /// ProvisionedProductAttribute (SearchProvisionedProducts).
    pub fn pp_attribute(&self, pp: usize, now: f64) -> Value {
        let def = &self.world.provisioned_products[pp];
        let (product, version) = self.product_and_version(&def.version_id);
        let (status, message) = self.pp_status(pp, now);
        let (last_prov, last_ok) = self.provisioning_records(pp);
        let mut v = json!({
            "Name": def.name,
            "Arn": self.pp_arn(pp),
            "Type": def.kind,
            "Id": def.id,
            "Status": status,
            "CreatedTime": self.world.base_time + def.created_offset_secs,
            "IdempotencyToken": Self::pp_token(def),
            "Tags": def.tags.iter().map(|t| json!({"Key": t.key, "Value": t.value})).collect::<Vec<_>>(),
            "PhysicalId": self.pp_physical_id(pp),
            "ProductId": def.product_id,
            "ProductName": product.map(|p| p.name.clone()),
            "ProvisioningArtifactId": def.version_id,
            "ProvisioningArtifactName": version.map(|v| v.name.clone()),
            "UserArn": self.user_arn(pp),
            "UserArnSession": self.user_arn(pp),
        });
        if let Some(m) = message {
            v["StatusMessage"] = json!(m);
        }
        if let Some(r) = self.last_record(pp) {
            v["LastRecordId"] = json!(r.id);
        }
        if let Some(r) = last_prov {
            v["LastProvisioningRecordId"] = json!(r.id);
        }
        if let Some(r) = last_ok {
            v["LastSuccessfulProvisioningRecordId"] = json!(r.id);
        }
        Self::omit(def, &mut v);
        v
    }

    /// Leaves out the optional fields the world says AWS omits for this product.
    fn omit(def: &world::ProvisionedProduct, v: &mut Value) {
        if let Some(obj) = v.as_object_mut() {
            for k in &def.omit {
                obj.remove(k);
            }
        }
    }

    fn pp_token(def: &world::ProvisionedProduct) -> String {
        world::short_id(&format!("token/{}", def.id))
    }

    fn pp_physical_id(&self, pp: usize) -> String {
        let def = &self.world.provisioned_products[pp];
        let (region, account) = (&self.world.region, &self.world.account_id);
        format!(
            "arn:aws:cloudformation:{region}:{account}:stack/SC-{account}-{}/{}",
            def.id,
            world::short_id(&def.name)
        )
    }

    /// ProvisionedProductDetail (Scan and Describe).
    pub fn pp_detail(&self, pp: usize, now: f64) -> Value {
        let mut v = self.pp_attribute(pp, now);
        if let Some(obj) = v.as_object_mut() {
            for k in ["Tags", "PhysicalId", "ProductName", "ProvisioningArtifactName", "UserArn", "UserArnSession"] {
                obj.remove(k);
            }
            obj.insert(
                "LaunchRoleArn".into(),
                json!(format!("arn:aws:iam::{}:role/SC-launch-role", self.world.account_id)),
            );
        }
        Self::omit(&self.world.provisioned_products[pp], &mut v);
        v
    }

    fn product_and_version(&self, version_id: &str) -> (Option<&world::Product>, Option<&world::Version>) {
        match self.versions.get(version_id) {
            Some(&(pi, vi)) => (Some(&self.world.products[pi]), Some(&self.world.products[pi].versions[vi])),
            None => (None, None),
        }
    }

    /// The provisioned products matching a search, sorted; cached per query for the following pages.
    pub fn search(&mut self, args: &SearchArgs, now: f64) -> std::sync::Arc<Vec<usize>> {
        let key = format!("{:?}|{:?}|{}", args.queries, args.sort_by, args.descending);
        let uses_status = args.queries.iter().any(|q| q.to_ascii_lowercase().contains("status"))
            || args.queries.iter().any(|q| !q.contains(':'));
        if !uses_status
            && let Some((k, hits)) = &self.search_cache
            && *k == key
        {
            return hits.clone();
        }
        let mut hits: Vec<usize> = (0..self.pp_count()).filter(|&i| self.matches(i, &args.queries, now)).collect();
        if let Some(field) = &args.sort_by {
            let keyf = |i: &usize| -> String {
                let def = &self.world.provisioned_products[*i];
                match field.as_str() {
                    "arn" => self.pp_arn(*i),
                    "id" => def.id.clone(),
                    "lastRecordId" => self.last_record(*i).map(|r| r.id.clone()).unwrap_or_default(),
                    _ => def.name.clone(),
                }
            };
            hits.sort_by_cached_key(keyf);
        }
        if args.descending {
            hits.reverse();
        }
        let hits = std::sync::Arc::new(hits);
        self.search_cache = Some((key, hits.clone()));
        hits
    }

    fn matches(&self, pp: usize, queries: &[String], now: f64) -> bool {
        let def = &self.world.provisioned_products[pp];
        queries.iter().all(|q| {
            let q = q.trim();
            if q.is_empty() {
                return true;
            }
            if let Some((field, value)) = q.split_once(':') {
                let want = value.trim().to_ascii_lowercase();
                let eq = |have: &str| {
                    let have = have.to_ascii_lowercase();
                    match want.strip_suffix('*') {
                        Some(prefix) => have.starts_with(prefix),
                        None => have == want,
                    }
                };
                let (product, version) = self.product_and_version(&def.version_id);
                return match field.trim() {
                    "name" => eq(&def.name),
                    "id" => eq(&def.id),
                    "arn" => eq(&self.pp_arn(pp)),
                    "status" => eq(self.pp_status(pp, now).0),
                    "type" => eq(&def.kind),
                    "productId" => eq(&def.product_id),
                    "provisioningArtifactId" => eq(&def.version_id),
                    "productName" => product.is_some_and(|p| eq(&p.name)),
                    "provisioningArtifactName" => version.is_some_and(|v| eq(&v.name)),
                    "lastRecordId" => self.last_record(pp).is_some_and(|r| eq(&r.id)),
                    "lastProvisioningRecordId" => self.provisioning_records(pp).0.is_some_and(|r| eq(&r.id)),
                    "lastSuccessfulProvisioningRecordId" => self.provisioning_records(pp).1.is_some_and(|r| eq(&r.id)),
                    "createdTime" => {
                        eq(&crate::domain::Timestamp(self.world.base_time + def.created_offset_secs).iso())
                    }
                    "physicalId" => eq(&self.pp_physical_id(pp)),
                    "idempotencyToken" => eq(&Self::pp_token(def)),
                    "userArn" | "userArnSession" => eq(&self.user_arn(pp)),
                    "tags" => {
                        def.tags.iter().any(|t| eq(&t.value) || eq(&t.key) || eq(&format!("{}={}", t.key, t.value)))
                    }
                    // An unknown field is matched as free text, as the service does.
                    _ => self.free_text(pp, &q.to_ascii_lowercase(), now),
                };
            }
            self.free_text(pp, &q.to_ascii_lowercase(), now)
        })
    }

    fn free_text(&self, pp: usize, needle: &str, now: f64) -> bool {
        let def = &self.world.provisioned_products[pp];
        let (product, _) = self.product_and_version(&def.version_id);
        let has = |s: &str| s.to_ascii_lowercase().contains(needle);
        has(&def.name)
            || has(&def.id)
            || has(&def.kind)
            || has(self.pp_status(pp, now).0)
            || product.is_some_and(|p| has(&p.name))
            || def.tags.iter().any(|t| has(&t.key) || has(&t.value))
    }

    /// The actions associated with a product version.
    pub fn actions_for(&self, product_id: &str, version_id: &str) -> Result<&[String], ServiceError> {
        let Some(product) = self.world.products.iter().find(|p| p.id == product_id) else {
            return Err(ServiceError::not_found(format!("Product {product_id} not found.")));
        };
        let Some(version) = product.versions.iter().find(|v| v.id == version_id) else {
            return Err(ServiceError::not_found(format!(
                "Provisioning artifact {version_id} not found for product {product_id}."
            )));
        };
        Ok(&version.action_ids)
    }

    pub fn action(&self, id: &str) -> Result<&world::Action, ServiceError> {
        self.action_by_id
            .get(id)
            .map(|&i| &self.world.actions[i])
            .ok_or_else(|| ServiceError::not_found(format!("Service action {id} not found.")))
    }

    fn pp_checked(&self, id: &str) -> Result<usize, ServiceError> {
        self.pp_by_id(id).ok_or_else(|| ServiceError::not_found(format!("Provisioned product {id} not found.")))
    }

    /// The product and action, checked to belong together.
    fn pp_and_action(&self, pp_id: &str, action_id: &str) -> Result<(usize, &world::Action), ServiceError> {
        let pp = self.pp_checked(pp_id)?;
        let action = self.action(action_id)?;
        let def = &self.world.provisioned_products[pp];
        let associated = self
            .actions_for(&def.product_id, &def.version_id)
            .map(|ids| ids.iter().any(|a| a == action_id))
            .unwrap_or(false);
        if !associated {
            return Err(ServiceError::invalid_parameters(format!(
                "Service action {action_id} is not associated with provisioning artifact {} of product {}.",
                def.version_id, def.product_id
            )));
        }
        Ok((pp, action))
    }

    /// Physical ids of the product's resources whose type is the action's target type.
    fn target_defaults(&self, pp: usize, action: &world::Action) -> Vec<String> {
        self.world.provisioned_products[pp]
            .resources
            .iter()
            .filter(|r| r.kind == action.target_type)
            .map(|r| r.physical_id.clone())
            .collect()
    }

    pub fn execution_parameters(&self, pp_id: &str, action_id: &str) -> Result<Value, ServiceError> {
        let (pp, action) = self.pp_and_action(pp_id, action_id)?;
        let params: Vec<Value> = action
            .parameters
            .iter()
            .map(|p| {
                let defaults =
                    if p.kind.eq_ignore_ascii_case("TARGET") { self.target_defaults(pp, action) } else { Vec::new() };
                json!({"Name": p.name, "Type": p.kind, "DefaultValues": defaults})
            })
            .collect();
        Ok(json!({ "ServiceActionParameters": params }))
    }

    /// The values each parameter of the action will have, and the problems Service Catalog
    /// reports in the record (not as API errors): TARGET values that are not the product's
    /// resources, parameters the action does not define.
    fn check_parameters(
        &self,
        pp: usize,
        action: &world::Action,
        parameters: Option<&BTreeMap<String, Vec<String>>>,
        defaults: &[String],
    ) -> (Vec<(String, String)>, ParamValues) {
        let def = &self.world.provisioned_products[pp];
        let mut errors = Vec::new();
        let mut effective = ParamValues::new();
        let invalid = |text: String| ("InvalidParameters".to_string(), text);
        for p in &action.parameters {
            let sent = parameters.and_then(|m| m.get(&p.name));
            let is_target = p.kind.eq_ignore_ascii_case("TARGET");
            let values = match sent {
                Some(v) => v.clone(),
                None if is_target => defaults.to_vec(),
                None => Vec::new(),
            };
            if is_target && values.is_empty() {
                errors.push(invalid(format!(
                    "No resource of type {} was found in provisioned product {} to use for TARGET parameter {}.",
                    action.target_type, def.name, p.name
                )));
            }
            for v in values.iter().filter(|v| is_target && !defaults.contains(v)) {
                errors.push(invalid(format!(
                    "The value '{v}' of parameter {} is not a resource of provisioned product {} ({}). TARGET values must be {} resources of this product.",
                    p.name, def.name, def.id, action.target_type
                )));
            }
            effective.insert(p.name.clone(), values);
        }
        for name in parameters.into_iter().flat_map(|m| m.keys()) {
            if !action.parameters.iter().any(|p| &p.name == name) {
                errors
                    .push(invalid(format!("Parameter {name} is not defined in self-service action {}.", action.name)));
            }
        }
        (errors, effective)
    }

    /// Starts a run, or returns the run the same token already started. Returns (record, started).
    pub fn execute(
        &mut self,
        pp_id: &str,
        action_id: &str,
        token: &str,
        parameters: Option<&BTreeMap<String, Vec<String>>>,
        now: f64,
        owner: &str,
    ) -> Result<(usize, bool), ServiceError> {
        let fingerprint = serde_json::to_string(&(pp_id, action_id, parameters)).unwrap_or_default();
        if let Some(prior) = self.tokens.get(token).filter(|p| now - p.at <= self.token_window) {
            if prior.fingerprint == fingerprint {
                return Ok((prior.record, false));
            }
            return Err(ServiceError::invalid_parameters(format!(
                "ExecuteToken {token} was already used with different input. Use a new token for a new request."
            )));
        }
        let (pp, action) = self.pp_and_action(pp_id, action_id)?;
        let (status, _) = self.pp_status(pp, now);
        if matches!(status, "UNDER_CHANGE" | "PLAN_IN_PROGRESS") {
            let name = &self.world.provisioned_products[pp].name;
            return Err(ServiceError::invalid_state(format!(
                "Provisioned product {name} ({pp_id}) is {status}; another operation is in progress."
            )));
        }
        let action = action.clone();
        let defaults = self.target_defaults(pp, &action);
        let (mut errors, effective) = self.check_parameters(pp, &action, parameters, &defaults);
        let def = &self.world.provisioned_products[pp];

        self.executions_started += 1;
        let n = self.executions_started;
        let record_id = format!("rec-{}", world::short_id(&format!("{}/run/{n}/{token}", def.id)));
        let execution_id = uuid_like(&record_id);
        let rejected = !errors.is_empty();
        let plan = Plan::for_run(now, &action.scenario, self.time_scale, rejected);
        if !rejected && action.scenario.outcome != world::Outcome::Succeeded {
            errors = action.scenario.errors.iter().map(|e| (e.code.clone(), e.description.clone())).collect();
        }
        let fill = |template: &str| -> String {
            let mut out = template
                .replace("{execution_id}", &execution_id)
                .replace("{product_name}", &def.name)
                .replace("{record_id}", &record_id);
            for (name, values) in &effective {
                out = out.replace(&format!("{{param:{name}}}"), &values.join(","));
            }
            out
        };
        let outputs = if rejected {
            Vec::new()
        } else {
            action.scenario.outputs.iter().map(|o| (o.key.clone(), fill(&o.value), o.description.clone())).collect()
        };
        let tags = def.tags.iter().map(|t| (t.key.clone(), t.value.clone())).collect();
        let launch_role = format!("arn:aws:iam::{}:role/SC-launch-role", self.world.account_id);
        let executed_by =
            format!("arn:aws:sts::{}:assumed-role/SC-launch-role/servicecatalog-{record_id}", self.world.account_id);
        let mut automation_parameters = effective.clone();
        automation_parameters.insert("AutomationAssumeRole".into(), vec![launch_role]);
        let idx = self.push_record(Record {
            id: record_id,
            pp,
            record_type: RECORD_TYPE_ACTION,
            plan,
            errors,
            outputs,
            tags,
            path_id: self.path_id(pp),
            owner: owner.to_string(),
        });
        self.tokens.insert(token.to_string(), Execution { fingerprint, record: idx, at: now });
        self.search_cache = None;
        // A rejected parameter fails the record before any automation starts.
        if !rejected {
            let action_index = self.action_by_id.get(action_id).copied().unwrap_or_default();
            self.automation_by_id.insert(execution_id.clone(), self.automations.len());
            self.automations.push(Automation {
                id: execution_id,
                record: idx,
                action: action_index,
                parameters: automation_parameters,
                executed_by,
                plan: self.records[idx].plan.clone(),
                stopped_at: None,
            });
        }
        Ok((idx, true))
    }

    pub fn automation_by_id(&self, id: &str) -> Option<usize> {
        self.automation_by_id.get(id).copied()
    }

    /// Automation `i` as it stands at `now`.
    pub fn automation_at(&self, i: usize, now: f64) -> automation::ExecutionNow {
        let a = &self.automations[i];
        automation::at(a, &self.world.actions[a.action], now)
    }

    /// StopAutomationExecution: the execution ends Cancelled now, and its record FAILED with an
    /// error that says who stopped it.
    pub fn stop_automation(&mut self, i: usize, now: f64, by: &str) -> Result<(), ServiceError> {
        let state = self.automation_at(i, now);
        if automation::is_terminal(state.status) {
            return Err(ServiceError::ssm(
                "InvalidAutomationStatusUpdateException",
                format!("The execution {} is {} and cannot be stopped.", self.automations[i].id, state.status),
            ));
        }
        let a = &mut self.automations[i];
        a.stopped_at = Some(now);
        let id = a.id.clone();
        let record = &mut self.records[a.record];
        record.plan.steps.retain(|s| s.0 <= now);
        record.plan.steps.push((now, lifecycle::FAILED));
        record.errors = vec![(
            "AutomationExecutionCancelled".to_string(),
            format!("The SSM Automation execution {id} was stopped (StopAutomationExecution) by {by}."),
        )];
        self.search_cache = None;
        Ok(())
    }

    pub fn record_by_id(&self, id: &str) -> Result<usize, ServiceError> {
        self.record_by_id.get(id).copied().ok_or_else(|| ServiceError::not_found(format!("Record {id} not found.")))
    }

    pub fn record_detail(&self, idx: usize, now: f64) -> Value {
        let (status, updated) = self.records[idx].plan.at(now);
        self.record_detail_as(idx, status, updated)
    }

    /// The record as it was when it was created (what Execute answers for a new run).
    pub fn record_detail_created(&self, idx: usize) -> Value {
        let (created, status) = self.records[idx].plan.steps[0];
        self.record_detail_as(idx, status, created)
    }

    fn record_detail_as(&self, idx: usize, status: &str, updated: f64) -> Value {
        let r = &self.records[idx];
        let def = &self.world.provisioned_products[r.pp];
        let terminal_failure = status == lifecycle::FAILED;
        let errors: Vec<Value> = if terminal_failure || status == lifecycle::IN_PROGRESS_IN_ERROR {
            r.errors.iter().map(|(c, d)| json!({"Code": c, "Description": d})).collect()
        } else {
            Vec::new()
        };
        let mut v = json!({
            "RecordId": r.id,
            "ProvisionedProductName": def.name,
            "Status": status,
            "CreatedTime": r.plan.steps[0].0,
            "UpdatedTime": updated,
            "ProvisionedProductType": def.kind,
            "RecordType": r.record_type,
            "ProvisionedProductId": def.id,
            "ProductId": def.product_id,
            "ProvisioningArtifactId": def.version_id,
            "PathId": r.path_id,
            "RecordErrors": errors,
            "RecordTags": r.tags.iter().map(|(k, v)| json!({"Key": k, "Value": v})).collect::<Vec<_>>(),
            "LaunchRoleArn": format!("arn:aws:iam::{}:role/SC-launch-role", self.world.account_id),
        });
        Self::omit(def, &mut v);
        v
    }

    /// Outputs appear once the automation has started.
    pub fn record_outputs(&self, idx: usize, now: f64) -> Vec<Value> {
        let r = &self.records[idx];
        if r.plan.at(now).0 == lifecycle::CREATED {
            return Vec::new();
        }
        r.outputs
            .iter()
            .map(|(k, v, d)| {
                let mut o = json!({"OutputKey": k, "OutputValue": v});
                if !d.is_empty() {
                    o["Description"] = json!(d);
                }
                o
            })
            .collect()
    }

    /// Records matching a history filter, newest first.
    pub fn history(&self, key: Option<&str>, value: Option<&str>) -> Result<Vec<usize>, ServiceError> {
        let mut hits: Vec<usize> = match (key, value) {
            (None, _) => (0..self.records.len()).collect(),
            (Some("provisionedproduct"), Some(v)) => match self.pp_by_id(v) {
                Some(pp) => self.pp_records[pp].clone(),
                None => Vec::new(),
            },
            (Some("product"), Some(v)) => (0..self.records.len())
                .filter(|&r| self.world.provisioned_products[self.records[r].pp].product_id == v)
                .collect(),
            (Some(k), _) => {
                return Err(ServiceError::invalid_parameters(format!(
                    "SearchFilter key {k} is not supported; use provisionedproduct or product with a value."
                )));
            }
        };
        hits.sort_by(|a, b| {
            let (ta, tb) = (self.records[*a].plan.steps[0].0, self.records[*b].plan.steps[0].0);
            tb.total_cmp(&ta).then(b.cmp(a))
        });
        Ok(hits)
    }
}

/// An SSM automation execution id (UUID form) derived from the record id.
fn uuid_like(seed: &str) -> String {
    let a = world::splitmix(world::fnv1a(seed.as_bytes()));
    let b = world::splitmix(a);
    let hex = format!("{a:016x}{b:016x}");
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}
