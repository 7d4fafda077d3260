//! One function per operation: decode, check every constraint of the model, then ask the store.

use super::error::ServiceError;
use super::principals::{self, Caller};
use super::store::{SearchArgs, Store};
use super::wire;
use crate::domain::Level;
use crate::validate::{self as v, len};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// The operations this emulator answers.
pub const OPERATIONS: [&str; 9] = [
    "SearchProvisionedProducts",
    "ScanProvisionedProducts",
    "DescribeProvisionedProduct",
    "ListServiceActionsForProvisioningArtifact",
    "DescribeServiceAction",
    "DescribeServiceActionExecutionParameters",
    "ExecuteProvisionedProductServiceAction",
    "DescribeRecord",
    "ListRecordHistory",
];

/// What a handler did, for the stats.
#[derive(Debug, Default)]
pub struct Effects {
    pub execution_started: bool,
}

pub fn dispatch(
    store: &mut Store,
    caller: &Caller,
    op: &str,
    body: &[u8],
    now: f64,
    effects: &mut Effects,
) -> Result<Value, ServiceError> {
    // The list calls check their access level themselves; the others here.
    if !matches!(op, "SearchProvisionedProducts" | "ScanProvisionedProducts" | "ListRecordHistory") {
        principals::authorize(caller, op, None, &catalog_resource(store))?;
    }
    match op {
        "SearchProvisionedProducts" => search(store, caller, decode(body)?, now),
        "ScanProvisionedProducts" => scan(store, caller, decode(body)?, now),
        "DescribeProvisionedProduct" => describe_pp(store, caller, decode(body)?, now),
        "ListServiceActionsForProvisioningArtifact" => list_actions(store, decode(body)?),
        "DescribeServiceAction" => describe_action(store, decode(body)?),
        "DescribeServiceActionExecutionParameters" => execution_parameters(store, caller, decode(body)?),
        "ExecuteProvisionedProductServiceAction" => execute(store, caller, decode(body)?, now, effects),
        "DescribeRecord" => describe_record(store, caller, decode(body)?, now),
        "ListRecordHistory" => history(store, caller, decode(body)?, now),
        other => Err(ServiceError::unknown_operation(&format!("{}{other}", super::protocol::TARGET_PREFIX))),
    }
}

/// The access level a list call asked for (or its default), checked against the caller's policy.
fn level_for(
    store: &Store,
    caller: &Caller,
    op: &str,
    filter: &Option<wire::AccessLevelFilter>,
    default: Level,
) -> Result<Level, ServiceError> {
    let level = filter.as_ref().and_then(|f| f.key.as_deref()).and_then(Level::from_wire).unwrap_or(default);
    principals::authorize(caller, op, Some(level), &catalog_resource(store))?;
    Ok(level)
}

/// The resource an AccessDenied names for the catalog's calls.
fn catalog_resource(store: &Store) -> String {
    format!("arn:aws:catalog:{}:{}:*", store.world.region, store.world.account_id)
}

/// A provisioned product the caller may see at the widest level its policy allows; to anyone
/// else it does not exist.
fn own_pp(store: &Store, caller: &Caller, pp: usize, shown: &str) -> Result<usize, ServiceError> {
    if principals::visible(caller, caller.widest(), &store.user_arn(pp)) {
        Ok(pp)
    } else {
        Err(ServiceError::not_found(format!("Provisioned product {shown} not found.")))
    }
}

fn decode<T: DeserializeOwned + Default>(body: &[u8]) -> Result<T, ServiceError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| ServiceError::serialization(format!("The request body is not valid JSON: {e}")))?;
    if !value.is_object() {
        return Err(ServiceError::serialization("The request body must be a JSON object."));
    }
    serde_json::from_value(value).map_err(|e| ServiceError::serialization(format!("Could not read the request: {e}")))
}

/// A pattern's text as the model writes it, and its predicate.
type Pattern<'a> = Option<(&'a str, fn(&str) -> bool)>;

/// Collects constraint violations in AWS's (Coral) wording.
#[derive(Default)]
struct Check {
    errors: Vec<String>,
}

impl Check {
    fn push(&mut self, value: Option<&str>, path: &str, rule: String) {
        let shown = match value {
            Some(v) => format!("'{v}'"),
            None => "null".into(),
        };
        self.errors.push(format!("Value {shown} at '{path}' failed to satisfy constraint: Member must {rule}"));
    }

    fn required<T>(&mut self, path: &str, value: &Option<T>) {
        if value.is_none() {
            self.push(None, path, "not be null".into());
        }
    }

    fn string(&mut self, path: &str, value: Option<&str>, min: usize, max: usize, pattern: Pattern<'_>) {
        let Some(s) = value else { return };
        let n = len(s);
        if n > max {
            self.push(Some(s), path, format!("have length less than or equal to {max}"));
        }
        if n < min {
            self.push(Some(s), path, format!("have length greater than or equal to {min}"));
        }
        if let Some((text, matches)) = pattern
            && !matches(s)
        {
            self.push(Some(s), path, format!("satisfy regular expression pattern: {text}"));
        }
    }

    fn id(&mut self, path: &str, value: Option<&str>) {
        self.string(path, value, v::ID_MIN, v::ID_MAX, Some((v::ID_PATTERN, v::matches_id)));
    }

    fn required_id(&mut self, path: &str, value: &Option<String>) {
        self.required(path, value);
        self.id(path, value.as_deref());
    }

    fn accept_language(&mut self, value: &Option<String>) {
        self.string("acceptLanguage", value.as_deref(), 0, v::ACCEPT_LANGUAGE_MAX, None);
    }

    fn page_token(&mut self, value: &Option<String>) {
        self.string(
            "pageToken",
            value.as_deref(),
            0,
            v::PAGE_TOKEN_MAX,
            Some((r"[\u0009\u000a\u000d\u0020-\uD7FF\uE000-\uFFFD]*", v::matches_page_token)),
        );
    }

    fn range(&mut self, path: &str, value: Option<i64>, min: i64, max: i64) {
        let Some(n) = value else { return };
        let shown = n.to_string();
        if n > max {
            self.push(Some(&shown), path, format!("have value less than or equal to {max}"));
        }
        if n < min {
            self.push(Some(&shown), path, format!("have value greater than or equal to {min}"));
        }
    }

    fn one_of(&mut self, path: &str, value: Option<&str>, allowed: &[&str]) {
        if let Some(s) = value
            && !allowed.contains(&s)
        {
            self.push(Some(s), path, format!("satisfy enum value set: [{}]", allowed.join(", ")));
        }
    }

    fn access_level(&mut self, filter: &Option<wire::AccessLevelFilter>) {
        if let Some(f) = filter {
            self.one_of("accessLevelFilter.key", f.key.as_deref(), &["Account", "Role", "User"]);
        }
    }

    fn finish(self) -> Result<(), ServiceError> {
        match self.errors.len() {
            0 => Ok(()),
            1 => Err(ServiceError::validation(format!("1 validation error detected: {}", self.errors[0]))),
            n => Err(ServiceError::validation(format!("{n} validation errors detected: {}", self.errors.join("; ")))),
        }
    }
}

fn access_level_semantics(filter: &Option<wire::AccessLevelFilter>) -> Result<(), ServiceError> {
    if let Some(f) = filter
        && let Some(value) = &f.value
        && value != "self"
    {
        return Err(ServiceError::invalid_parameters(format!(
            "AccessLevelFilter value {value} is not supported; the only supported value is self."
        )));
    }
    Ok(())
}

/// Page tokens are opaque to clients; here they carry the offset of the next page.
fn page_offset(token: &Option<String>) -> Result<usize, ServiceError> {
    match token.as_deref() {
        None | Some("") => Ok(0),
        Some(t) => t
            .strip_prefix("pt1-")
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| ServiceError::invalid_parameters("The page token is not valid.")),
    }
}

fn page<T: Clone>(items: &[T], offset: usize, size: usize) -> (Vec<T>, Option<String>) {
    let end = (offset + size).min(items.len());
    let slice = items.get(offset..end).map(<[T]>::to_vec).unwrap_or_default();
    let next = (end < items.len()).then(|| format!("pt1-{end}"));
    (slice, next)
}

fn page_size(requested: Option<i64>, max: usize) -> usize {
    match requested {
        Some(n) if n > 0 => (n as usize).min(max),
        _ => 20.min(max),
    }
}

fn with_token(mut body: Value, next: Option<String>) -> Value {
    if let Some(t) = next {
        body["NextPageToken"] = json!(t);
    }
    body
}

fn search(
    store: &mut Store,
    caller: &Caller,
    r: wire::SearchProvisionedProducts,
    now: f64,
) -> Result<Value, ServiceError> {
    let mut c = Check::default();
    c.accept_language(&r.accept_language);
    c.access_level(&r.access_level_filter);
    if let Some(filters) = &r.filters {
        for key in filters.keys() {
            c.one_of("filters", Some(key), &["SearchQuery"]);
        }
    }
    c.one_of("sortOrder", r.sort_order.as_deref(), &["ASCENDING", "DESCENDING"]);
    c.range("pageSize", r.page_size, 0, 100);
    c.page_token(&r.page_token);
    c.finish()?;
    access_level_semantics(&r.access_level_filter)?;
    if let Some(by) = &r.sort_by
        && !["arn", "id", "name", "lastRecordId"].contains(&by.as_str())
    {
        return Err(ServiceError::invalid_parameters(format!(
            "SortBy {by} is not supported; use one of arn, id, name, lastRecordId."
        )));
    }
    let args = SearchArgs {
        queries: r.filters.and_then(|mut f| f.remove("SearchQuery")).unwrap_or_default(),
        sort_by: r.sort_by,
        descending: r.sort_order.as_deref() == Some("DESCENDING"),
    };
    let level = level_for(store, caller, "SearchProvisionedProducts", &r.access_level_filter, Level::Account)?;
    let mut hits = store.search(&args, now);
    if level != Level::Account {
        let mine = hits.iter().copied().filter(|&i| principals::visible(caller, level, &store.user_arn(i))).collect();
        hits = std::sync::Arc::new(mine);
    }
    let offset = page_offset(&r.page_token)?;
    let (slice, next) = page(&hits, offset, page_size(r.page_size, 100));
    let items: Vec<Value> = slice.into_iter().map(|i| store.pp_attribute(i, now)).collect();
    Ok(with_token(json!({"ProvisionedProducts": items, "TotalResultsCount": hits.len()}), next))
}

fn scan(store: &mut Store, caller: &Caller, r: wire::ScanProvisionedProducts, now: f64) -> Result<Value, ServiceError> {
    let mut c = Check::default();
    c.accept_language(&r.accept_language);
    c.access_level(&r.access_level_filter);
    c.range("pageSize", r.page_size, 0, 20);
    c.page_token(&r.page_token);
    c.finish()?;
    access_level_semantics(&r.access_level_filter)?;
    let level = level_for(store, caller, "ScanProvisionedProducts", &r.access_level_filter, Level::User)?;
    let all: Vec<usize> = (0..store.pp_count())
        .filter(|&i| level == Level::Account || principals::visible(caller, level, &store.user_arn(i)))
        .collect();
    let (slice, next) = page(&all, page_offset(&r.page_token)?, page_size(r.page_size, 20));
    let items: Vec<Value> = slice.into_iter().map(|i| store.pp_detail(i, now)).collect();
    Ok(with_token(json!({"ProvisionedProducts": items}), next))
}

fn describe_pp(
    store: &mut Store,
    caller: &Caller,
    r: wire::DescribeProvisionedProduct,
    now: f64,
) -> Result<Value, ServiceError> {
    let mut c = Check::default();
    c.accept_language(&r.accept_language);
    c.id("id", r.id.as_deref());
    c.string("name", r.name.as_deref(), 1, v::PP_NAME_MAX, Some((v::PP_NAME_PATTERN, v::matches_pp_name)));
    c.finish()?;
    let pp = match (&r.id, &r.name) {
        (Some(id), None) => {
            store.pp_by_id(id).ok_or_else(|| ServiceError::not_found(format!("Provisioned product {id} not found.")))?
        }
        (None, Some(name)) => store
            .pp_by_name(name)
            .ok_or_else(|| ServiceError::not_found(format!("Provisioned product {name} not found.")))?,
        _ => {
            return Err(ServiceError::invalid_parameters("Provide exactly one of Id or Name."));
        }
    };
    let pp = own_pp(store, caller, pp, r.id.as_deref().or(r.name.as_deref()).unwrap_or_default())?;
    Ok(json!({"ProvisionedProductDetail": store.pp_detail(pp, now), "CloudWatchDashboards": []}))
}

fn list_actions(store: &mut Store, r: wire::ListServiceActionsForProvisioningArtifact) -> Result<Value, ServiceError> {
    let mut c = Check::default();
    c.required_id("productId", &r.product_id);
    c.required_id("provisioningArtifactId", &r.provisioning_artifact_id);
    c.range("pageSize", r.page_size, 0, 20);
    c.page_token(&r.page_token);
    c.accept_language(&r.accept_language);
    c.finish()?;
    let ids = store.actions_for(
        r.product_id.as_deref().unwrap_or_default(),
        r.provisioning_artifact_id.as_deref().unwrap_or_default(),
    )?;
    let (slice, next) = page(ids, page_offset(&r.page_token)?, page_size(r.page_size, 20));
    let mut summaries = Vec::new();
    for id in slice {
        let a = store.action(&id)?;
        summaries.push(
            json!({"Id": a.id, "Name": a.name, "Description": a.description, "DefinitionType": "SSM_AUTOMATION"}),
        );
    }
    Ok(with_token(json!({"ServiceActionSummaries": summaries}), next))
}

fn describe_action(store: &mut Store, r: wire::DescribeServiceAction) -> Result<Value, ServiceError> {
    let mut c = Check::default();
    c.required_id("id", &r.id);
    c.accept_language(&r.accept_language);
    c.finish()?;
    let a = store.action(r.id.as_deref().unwrap_or_default())?;
    let defs: Vec<Value> = a.parameters.iter().map(|p| json!({"Name": p.name, "Type": p.kind})).collect();
    let parameters = Value::Array(defs).to_string();
    Ok(json!({"ServiceActionDetail": {
        "ServiceActionSummary": {"Id": a.id, "Name": a.name, "Description": a.description, "DefinitionType": "SSM_AUTOMATION"},
        "Definition": {"Name": a.document, "Version": a.document_version, "AssumeRole": a.assume_role, "Parameters": parameters},
    }}))
}

fn execution_parameters(
    store: &mut Store,
    caller: &Caller,
    r: wire::DescribeServiceActionExecutionParameters,
) -> Result<Value, ServiceError> {
    let mut c = Check::default();
    c.required_id("provisionedProductId", &r.provisioned_product_id);
    c.required_id("serviceActionId", &r.service_action_id);
    c.accept_language(&r.accept_language);
    c.finish()?;
    let id = r.provisioned_product_id.as_deref().unwrap_or_default();
    if let Some(pp) = store.pp_by_id(id) {
        own_pp(store, caller, pp, id)?;
    }
    store.execution_parameters(id, r.service_action_id.as_deref().unwrap_or_default())
}

fn check_parameters(c: &mut Check, params: &Option<std::collections::BTreeMap<String, Vec<String>>>) {
    let Some(map) = params else { return };
    let shown = || format!("{map:?}");
    if map.is_empty() {
        c.push(Some(&shown()), "parameters", "have length greater than or equal to 1".into());
    }
    if map.len() > v::PARAM_ENTRIES_MAX {
        c.push(Some(&shown()), "parameters", format!("have length less than or equal to {}", v::PARAM_ENTRIES_MAX));
    }
    for (key, values) in map {
        let n = len(key);
        if !(1..=v::PARAM_KEY_MAX).contains(&n) {
            let rule = if n < 1 {
                "greater than or equal to 1".to_string()
            } else {
                format!("less than or equal to {}", v::PARAM_KEY_MAX)
            };
            c.errors.push(format!(
                "Value '{key}' at 'parameters' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length {rule}]"
            ));
        }
        if values.len() > v::PARAM_VALUES_MAX {
            c.push(
                Some(&format!("{values:?}")),
                &format!("parameters.{key}"),
                format!("have length less than or equal to {}", v::PARAM_VALUES_MAX),
            );
        }
        for value in values {
            c.string(&format!("parameters.{key}.member"), Some(value), 0, v::PARAM_VALUE_MAX, None);
        }
    }
}

fn execute(
    store: &mut Store,
    caller: &Caller,
    r: wire::ExecuteProvisionedProductServiceAction,
    now: f64,
    effects: &mut Effects,
) -> Result<Value, ServiceError> {
    let mut c = Check::default();
    c.required_id("provisionedProductId", &r.provisioned_product_id);
    c.required_id("serviceActionId", &r.service_action_id);
    c.required("executeToken", &r.execute_token);
    c.string("executeToken", r.execute_token.as_deref(), 1, v::TOKEN_MAX, Some((v::TOKEN_PATTERN, v::matches_token)));
    c.accept_language(&r.accept_language);
    check_parameters(&mut c, &r.parameters);
    c.finish()?;
    let id = r.provisioned_product_id.as_deref().unwrap_or_default();
    if let Some(pp) = store.pp_by_id(id) {
        own_pp(store, caller, pp, id)?;
    }
    let (idx, started) = store.execute(
        id,
        r.service_action_id.as_deref().unwrap_or_default(),
        r.execute_token.as_deref().unwrap_or_default(),
        r.parameters.as_ref(),
        now,
        &caller.arn,
    )?;
    effects.execution_started = started;
    // A new run answers with the record as created; a repeat of a token with its current state.
    let detail = if started { store.record_detail_created(idx) } else { store.record_detail(idx, now) };
    Ok(json!({"RecordDetail": detail}))
}

fn describe_record(
    store: &mut Store,
    caller: &Caller,
    r: wire::DescribeRecord,
    now: f64,
) -> Result<Value, ServiceError> {
    let mut c = Check::default();
    c.accept_language(&r.accept_language);
    c.required_id("id", &r.id);
    c.page_token(&r.page_token);
    c.range("pageSize", r.page_size, 0, 20);
    c.finish()?;
    let id = r.id.as_deref().unwrap_or_default();
    let idx = store.record_by_id(id)?;
    if !principals::visible(caller, caller.widest(), &store.records[idx].owner) {
        return Err(ServiceError::not_found(format!("Record {id} not found.")));
    }
    let outputs = store.record_outputs(idx, now);
    let (slice, next) = page(&outputs, page_offset(&r.page_token)?, page_size(r.page_size, 20));
    Ok(with_token(json!({"RecordDetail": store.record_detail(idx, now), "RecordOutputs": slice}), next))
}

fn history(store: &mut Store, caller: &Caller, r: wire::ListRecordHistory, now: f64) -> Result<Value, ServiceError> {
    let mut c = Check::default();
    c.accept_language(&r.accept_language);
    c.access_level(&r.access_level_filter);
    c.range("pageSize", r.page_size, 0, 20);
    c.page_token(&r.page_token);
    c.finish()?;
    access_level_semantics(&r.access_level_filter)?;
    let level = level_for(store, caller, "ListRecordHistory", &r.access_level_filter, Level::User)?;
    let filter = r.search_filter.unwrap_or_default();
    let mut hits = store.history(filter.key.as_deref(), filter.value.as_deref())?;
    hits.retain(|&i| principals::visible(caller, level, &store.records[i].owner));
    let (slice, next) = page(&hits, page_offset(&r.page_token)?, page_size(r.page_size, 20));
    let details: Vec<Value> = slice.into_iter().map(|i| store.record_detail(i, now)).collect();
    Ok(with_token(json!({"RecordDetails": details}), next))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::world::World;
    use proptest::prelude::*;

    fn admin() -> Caller {
        Caller {
            arn: "arn:aws:iam::123456789012:user/demo-operator".into(),
            policy: crate::emulator::world::Policy::Admin,
            deny: Vec::new(),
        }
    }

    fn store() -> Store {
        Store::new(World::demo().unwrap_or_else(|e| panic!("{e}")), 0.0)
    }

    const MEMBERS: [&str; 16] = [
        "Id",
        "Name",
        "ProvisionedProductId",
        "ServiceActionId",
        "ExecuteToken",
        "Parameters",
        "AcceptLanguage",
        "PageSize",
        "PageToken",
        "Filters",
        "SortBy",
        "SortOrder",
        "AccessLevelFilter",
        "SearchFilter",
        "ProductId",
        "ProvisioningArtifactId",
    ];

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
            ".{0,40}".prop_map(Value::from),
            "[a-zA-Z0-9_-]{0,120}".prop_map(Value::from),
        ];
        leaf.prop_recursive(3, 24, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
                proptest::collection::btree_map(
                    prop_oneof![proptest::sample::select(MEMBERS.to_vec()).prop_map(String::from), ".{0,60}"],
                    inner,
                    0..6
                )
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    fn request() -> impl Strategy<Value = Value> {
        proptest::collection::btree_map(
            proptest::sample::select(MEMBERS.to_vec()).prop_map(String::from),
            json_value(),
            0..8,
        )
        .prop_map(|m| Value::Object(m.into_iter().collect()))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn any_bytes_get_an_aws_error_not_a_panic(op in proptest::sample::select(OPERATIONS.to_vec()), body in proptest::collection::vec(any::<u8>(), 0..300)) {
            let mut s = store();
            if let Err(e) = dispatch(&mut s, &admin(), op, &body, 1.0e9, &mut Effects::default()) {
                prop_assert!((400..500).contains(&e.status), "{e:?}");
            }
        }

        #[test]
        fn any_json_request_gets_an_answer_or_a_4xx(op in proptest::sample::select(OPERATIONS.to_vec()), body in request()) {
            let mut s = store();
            let bytes = body.to_string();
            match dispatch(&mut s, &admin(), op, bytes.as_bytes(), 1.0e9, &mut Effects::default()) {
                Ok(v) => prop_assert!(v.is_object()),
                Err(e) => {
                    prop_assert!((400..500).contains(&e.status), "{e:?}");
                    prop_assert!(!e.message.is_empty());
                }
            }
        }

        #[test]
        fn sctui_and_the_emulator_agree_on_every_token(token in ".{0,140}") {
            let mut s = store();
            let body = json!({"ProvisionedProductId": "pp-6y61928a94txg", "ServiceActionId": "act-58tx34ou66v7u", "ExecuteToken": token});
            let answer = dispatch(&mut s, &admin(), "ExecuteProvisionedProductServiceAction", body.to_string().as_bytes(), 1.0e9, &mut Effects::default());
            let emulator_refused = matches!(&answer, Err(e) if e.code == "ValidationException");
            prop_assert_eq!(crate::validate::execute_token(&token).is_err(), emulator_refused, "{:?}", answer);
        }

        #[test]
        fn sctui_and_the_emulator_agree_on_every_id(id in ".{0,110}") {
            let mut s = store();
            let body = json!({"Id": id});
            let answer = dispatch(&mut s, &admin(), "DescribeRecord", body.to_string().as_bytes(), 1.0e9, &mut Effects::default());
            let emulator_refused = matches!(&answer, Err(e) if e.code == "ValidationException");
            prop_assert_eq!(crate::validate::id("Id", &id).is_err(), emulator_refused, "{:?}", answer);
        }

        #[test]
        fn sctui_and_the_emulator_agree_on_parameter_maps(map in proptest::collection::btree_map(".{0,55}", proptest::collection::vec(".{0,520}", 0..28), 0..3)) {
            let mut s = store();
            let body = json!({"ProvisionedProductId": "pp-6y61928a94txg", "ServiceActionId": "act-58tx34ou66v7u", "ExecuteToken": "t1", "Parameters": map});
            let answer = dispatch(&mut s, &admin(), "ExecuteProvisionedProductServiceAction", body.to_string().as_bytes(), 1.0e9, &mut Effects::default());
            let emulator_refused = matches!(&answer, Err(e) if e.code == "ValidationException");
            prop_assert_eq!(crate::validate::parameters(&map).is_err(), emulator_refused, "{:?}", answer);
        }
    }
}
