//! CatalogClient: the calls sctui needs, over the real aws-sdk-servicecatalog client, speaking
//! `domain` types. Actions are cached per (product, version): many provisioned products share one.

pub mod access;
pub mod connect;
pub mod convert;
pub mod error;
pub mod guard;
pub mod pacer;
pub mod pager;

use crate::domain::{
    ActionDefinition, ExecutionParameter, Page, ParameterMap, ProvisionedProduct, RecordDetail, RecordOutput,
    ServiceAction, Timestamp,
};
use aws_sdk_servicecatalog::types::{ListRecordHistorySearchFilter, ProvisionedProductViewFilterBy, SortOrder};
pub use connect::{ClientSettings, LiveOptions, Target, redact_userinfo};
pub use error::{Error, ErrorKind};
pub use pager::Pager;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

/// GetExecutionPreview is read at most this many times for one preview, this far apart.
pub const PREVIEW_POLLS: u32 = 20;
pub const PREVIEW_PAUSE: std::time::Duration = std::time::Duration::from_millis(250);

/// How the products list is ordered (SearchProvisionedProducts SortBy).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProductQuery {
    /// Free text or `field:value` terms, all of which must match.
    pub query: Option<String>,
    pub sort_by: Option<String>,
    pub descending: bool,
    pub page_size: i32,
}

/// Actions per (product id, version id).
type ActionCache = HashMap<(String, String), Arc<Vec<ServiceAction>>>;

#[derive(Clone)]
pub struct CatalogClient {
    sdk: aws_sdk_servicecatalog::Client,
    sts: aws_sdk_sts::Client,
    accept_language: Option<String>,
    pub target: Target,
    actions: Arc<Mutex<ActionCache>>,
    levels: Arc<access::Levels>,
    /// Executes, DescribeRecords and product look-ups, paced per operation (`--max-rate`); None: no limit.
    pacer: Option<Arc<pacer::Pacer>>,
    /// What the operator should know about this connection's settings (a bad `max_attempts`
    /// in the profile, say), said once when it is ready.
    pub notices: Vec<String>,
    /// SSM, for the Automation execution behind each action (same credentials and region).
    ssm: Option<aws_sdk_ssm::Client>,
}

impl CatalogClient {
    pub fn new(
        sdk: aws_sdk_servicecatalog::Client,
        sts: aws_sdk_sts::Client,
        target: Target,
        accept_language: Option<String>,
    ) -> Self {
        let levels = Arc::new(access::Levels::new(crate::domain::AccessLevel::Auto));
        CatalogClient {
            sdk,
            sts,
            accept_language,
            target,
            actions: Arc::default(),
            levels,
            pacer: None,
            notices: Vec::new(),
            ssm: None,
        }
    }

    /// Adds the SSM client the execution look-ups use.
    pub fn with_ssm(mut self, ssm: aws_sdk_ssm::Client) -> Self {
        self.ssm = Some(ssm);
        self
    }

    fn ssm_client(&self, op: &'static str) -> Result<&aws_sdk_ssm::Client, Error> {
        self.ssm.as_ref().ok_or_else(|| Error::new(ErrorKind::Other, op, "no SSM client for this connection"))
    }

    /// GetAutomationExecution: the execution and its steps.
    pub async fn automation(&self, id: &str) -> Result<crate::domain::Automation, Error> {
        const OP: &str = "GetAutomationExecution";
        let ssm = self.ssm_client(OP)?;
        let call = ssm.get_automation_execution().automation_execution_id(id).send();
        let out = self.paced(OP, async { call.await.map_err(self.err(OP)) }).await?;
        out.automation_execution()
            .map(convert::ssm::automation)
            .ok_or_else(|| Error::new(ErrorKind::Other, OP, "the answer had no AutomationExecution"))
    }

    /// DescribeDocument: the SSM document's parameters; with GetDocument (asked at the same
    /// time) their allowed values and patterns, or why those are not known (AWS's end-user policy
    /// grants DescribeDocument but not GetDocument).
    pub async fn document_parameters(
        &self,
        name: &str,
    ) -> Result<(Vec<crate::domain::DocumentParameter>, Option<String>), Error> {
        const OP: &str = "DescribeDocument";
        const CONTENT: &str = "GetDocument";
        let ssm = self.ssm_client(OP)?;
        let describe = ssm.describe_document().name(name).send();
        let get = ssm.get_document().name(name).document_format(aws_sdk_ssm::types::DocumentFormat::Json).send();
        let (described, content) = tokio::join!(
            self.paced(OP, async { describe.await.map_err(self.err(OP)) }),
            self.paced(CONTENT, async { get.await.map_err(self.err(CONTENT)) })
        );
        let params = described?.document().map(|d| d.parameters().to_vec()).unwrap_or_default();
        let mut params: Vec<crate::domain::DocumentParameter> = params
            .iter()
            .map(|p| crate::domain::DocumentParameter {
                name: p.name().unwrap_or_default().to_string(),
                kind: p.r#type().map(|t| t.as_str().to_string()).unwrap_or_default(),
                description: p.description().unwrap_or_default().to_string(),
                default: p.default_value().map(str::to_string),
                ..Default::default()
            })
            .collect();
        let missing = match content {
            Ok(out) => convert::ssm::content_limits(out.content().unwrap_or("{}"), &mut params)
                .err()
                .map(|why| format!("allowed values and patterns unknown: {why}")),
            Err(e) if e.kind == ErrorKind::AccessDenied => {
                Some("allowed values and patterns unknown: needs ssm:GetDocument".to_string())
            }
            Err(e) => Some(format!("allowed values and patterns unknown: {e}")),
        };
        Ok((params, missing))
    }

    /// StartExecutionPreview, then GetExecutionPreview until it ends (at most `PREVIEW_POLLS`
    /// reads, `PREVIEW_PAUSE` apart): what a run of `document` with `parameters` would touch.
    /// The outer error is a call that failed (denied, not offered); the inner one a preview that
    /// failed or did not end in time, in SSM's words.
    pub async fn execution_preview(
        &self,
        document: &str,
        version: Option<&str>,
        parameters: &BTreeMap<String, Vec<String>>,
    ) -> Result<Result<crate::domain::ImpactPreview, String>, Error> {
        const START: &str = "StartExecutionPreview";
        const GET: &str = "GetExecutionPreview";
        let ssm = self.ssm_client(START)?;
        let mut inputs = aws_sdk_ssm::types::AutomationExecutionInputs::builder();
        for (k, v) in parameters {
            inputs = inputs.parameters(k.clone(), v.clone());
        }
        let call = ssm
            .start_execution_preview()
            .document_name(document)
            .set_document_version(version.map(str::to_string))
            .execution_inputs(aws_sdk_ssm::types::ExecutionInputs::Automation(inputs.build()))
            .send();
        let started = self.paced(START, async { call.await.map_err(self.err(START)) }).await?;
        let id = started.execution_preview_id().unwrap_or_default().to_string();
        for attempt in 0..PREVIEW_POLLS {
            if attempt > 0 {
                tokio::time::sleep(PREVIEW_PAUSE).await;
            }
            let call = ssm.get_execution_preview().execution_preview_id(&id).send();
            let out = self.paced(GET, async { call.await.map_err(self.err(GET)) }).await?;
            use aws_sdk_ssm::types::{ExecutionPreview, ExecutionPreviewStatus as S};
            match out.status() {
                Some(S::Success) => {
                    return Ok(match out.execution_preview() {
                        Some(ExecutionPreview::Automation(a)) => Ok(convert::ssm::preview(a)),
                        _ => Err("the preview had no Automation part".to_string()),
                    });
                }
                Some(S::Failed) => {
                    return Ok(Err(out.status_message().unwrap_or("the preview failed").to_string()));
                }
                _ => {}
            }
        }
        Ok(Err(format!("the preview had not ended after {PREVIEW_POLLS} reads")))
    }

    /// StopAutomationExecution (Cancel): the execution ends Cancelled.
    pub async fn stop_automation(&self, id: &str) -> Result<(), Error> {
        const OP: &str = "StopAutomationExecution";
        let ssm = self.ssm_client(OP)?;
        let call = ssm
            .stop_automation_execution()
            .automation_execution_id(id)
            .r#type(aws_sdk_ssm::types::StopType::Cancel)
            .send();
        self.paced(OP, async { call.await.map_err(self.err(OP)) }).await.map(|_| ())
    }

    /// GetCalendarState: whether the SSM Change Calendars `names` allow changes now (CLOSED when
    /// any is closed), and when that changes next, as SSM says.
    pub async fn calendar_state(&self, names: &[String]) -> Result<crate::domain::CalendarState, Error> {
        const OP: &str = "GetCalendarState";
        let ssm = self.ssm_client(OP)?;
        let call = ssm.get_calendar_state().set_calendar_names(Some(names.to_vec())).send();
        let out = self.paced(OP, async { call.await.map_err(self.err(OP)) }).await?;
        Ok(crate::domain::CalendarState {
            closed: out.state() != Some(&aws_sdk_ssm::types::CalendarState::Open),
            next_transition: out.next_transition_time().map(crate::validate::clean),
        })
    }

    /// DescribeAutomationExecutions: executions of `document` started between `after` and
    /// `before` (every page, bounded), newest first as SSM lists them.
    pub async fn automations_between(
        &self,
        document: Option<&str>,
        after: Timestamp,
        before: Timestamp,
    ) -> Result<Vec<crate::domain::Automation>, Error> {
        use aws_sdk_ssm::types::{AutomationExecutionFilter as F, AutomationExecutionFilterKey as K};
        const OP: &str = "DescribeAutomationExecutions";
        let ssm = self.ssm_client(OP)?;
        let when = |t: Timestamp| {
            let iso = t.iso();
            // `yyyy-MM-ddTHH:mm:ssZ`, whole seconds, as the filter takes it.
            format!("{}Z", &iso[..iso.len().min(19)])
        };
        let mut filters = vec![
            F::builder().key(K::StartTimeAfter).values(when(after)).build(),
            F::builder().key(K::StartTimeBefore).values(when(before)).build(),
        ];
        if let Some(d) = document {
            filters.push(F::builder().key(K::DocumentNamePrefix).values(d).build());
        }
        let filters: Vec<F> = filters
            .into_iter()
            .collect::<Result<_, _>>()
            .map_err(|e| Error::new(ErrorKind::Validation, OP, format!("a filter could not be built: {e}")))?;
        let mut found = Vec::new();
        let mut pager = Pager::new(OP);
        loop {
            let call = ssm
                .describe_automation_executions()
                .set_filters(Some(filters.clone()))
                .max_results(50)
                .set_next_token(pager.token())
                .send();
            let out = self.paced(OP, async { call.await.map_err(self.err(OP)) }).await?;
            found.extend(out.automation_execution_metadata_list().iter().map(convert::ssm::summary));
            if !pager.advance(out.next_token())? {
                return Ok(found);
            }
        }
    }

    /// Paces Executes, DescribeRecords and product look-ups at `per_second` per operation (0: no limit), one limit
    /// shared by every clone of this client.
    pub fn with_max_rate(mut self, per_second: f64) -> Self {
        self.pacer = pacer::Pacer::new(per_second).map(Arc::new);
        self
    }

    /// A call that waits for its operation's slot first, and tells the pacer how it went.
    async fn paced<T>(&self, op: &'static str, call: impl Future<Output = Result<T, Error>>) -> Result<T, Error> {
        let Some(pacer) = &self.pacer else { return call.await };
        pacer.wait(op).await;
        let result = call.await;
        match &result {
            Err(e) if e.kind == ErrorKind::Throttled => pacer.throttled(op),
            _ => pacer.answered(op),
        }
        result
    }

    /// Who the credentials belong to (STS GetCallerIdentity): (account, ARN).
    pub async fn caller_identity(&self) -> Result<(String, String), Error> {
        let out = self
            .sts
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| Error::from_sdk("GetCallerIdentity", e, self.target.profile.as_deref()))?;
        Ok((out.account().unwrap_or_default().to_string(), out.arn().unwrap_or_default().to_string()))
    }

    /// A client for a running emulator, as its admin.
    pub fn demo(endpoint: &str, region: &str, settings: &ClientSettings) -> Self {
        Self::demo_as(endpoint, region, settings, connect::DEMO_ACCESS_KEY)
    }

    /// A client for a running emulator, signed with one of its principals' access keys.
    pub fn demo_as(endpoint: &str, region: &str, settings: &ClientSettings, access_key: &str) -> Self {
        let target = Target {
            demo: true,
            profile: None,
            region: Some(region.to_string()),
            endpoint: Some(endpoint.to_string()),
            ..Default::default()
        };
        let (sdk, sts, ssm) = connect::demo_clients(endpoint, region, settings, access_key);
        CatalogClient::new(sdk, sts, target, None).with_max_rate(settings.max_rate).with_ssm(ssm)
    }

    pub async fn live(
        opts: &LiveOptions,
        settings: &ClientSettings,
        accept_language: Option<String>,
    ) -> Result<Self, Error> {
        let (sdk, sts, ssm, notices) = connect::live_clients(opts, settings).await?;
        let target = Target { region: sdk.config().region().map(|r| r.to_string()), ..opts.target() };
        let client = CatalogClient::new(sdk, sts, target, accept_language)
            .with_access_level(opts.access_level)
            .with_max_rate(settings.max_rate)
            .with_ssm(ssm);
        Ok(CatalogClient { notices, ..client })
    }

    /// A client on a loaded configuration (a fleet's cell: `connect::cell_config`).
    pub fn from_config(opts: &LiveOptions, settings: &ClientSettings, shared: &aws_types::SdkConfig) -> Self {
        let (sdk, sts, ssm) = connect::clients_from(shared, opts);
        let target = Target { region: sdk.config().region().map(|r| r.to_string()), ..opts.target() };
        CatalogClient::new(sdk, sts, target, None)
            .with_access_level(opts.access_level)
            .with_max_rate(settings.max_rate)
            .with_ssm(ssm)
    }

    /// A client in `region` with given credentials (a fleet's cell: SSO role credentials).
    pub async fn with_credentials(
        opts: &LiveOptions,
        settings: &ClientSettings,
        region: &str,
        credentials: aws_credential_types::provider::SharedCredentialsProvider,
    ) -> Self {
        let base = connect::base_config(settings, region).await;
        CatalogClient::from_config(opts, settings, &connect::cell_config(&base, region, credentials))
    }

    /// The access level the list calls ask for (`auto` by default).
    pub fn with_access_level(mut self, level: crate::domain::AccessLevel) -> Self {
        self.levels = Arc::new(access::Levels::new(level));
        self
    }

    /// The access level of the list calls: `account`, or `auto: role` once known.
    pub fn access_level_shown(&self) -> String {
        self.levels.shown()
    }

    /// The access level as the header shows it, when it is narrower than the whole account
    /// (then the list is not everything).
    pub fn access_level_narrowed(&self) -> Option<String> {
        (!self.levels.whole_account()).then(|| self.levels.shown())
    }

    /// The note about an `auto` fallback, once.
    pub fn take_access_note(&self) -> Option<String> {
        self.levels.take_note()
    }

    /// The SDK client underneath (for contract tests that send what sctui does not).
    pub fn sdk(&self) -> &aws_sdk_servicecatalog::Client {
        &self.sdk
    }

    pub fn with_accept_language(mut self, lang: Option<String>) -> Self {
        self.accept_language = lang;
        self
    }

    fn err<E>(
        &self,
        op: &'static str,
    ) -> impl FnOnce(
        aws_sdk_servicecatalog::error::SdkError<E, aws_sdk_servicecatalog::config::http::HttpResponse>,
    ) -> Error
    + '_
    where
        E: aws_sdk_servicecatalog::error::ProvideErrorMetadata
            + aws_sdk_servicecatalog::operation::RequestId
            + std::error::Error
            + 'static,
    {
        move |e| Error::from_sdk(op, e, self.target.profile.as_deref())
    }

    /// One page of provisioned products (SearchProvisionedProducts).
    pub async fn products_page(
        &self,
        q: &ProductQuery,
        token: Option<String>,
    ) -> Result<Page<ProvisionedProduct>, Error> {
        let op = "SearchProvisionedProducts";
        let out = self
            .at_levels(op, |filter| {
                let mut req = self
                    .sdk
                    .search_provisioned_products()
                    .set_accept_language(self.accept_language.clone())
                    .access_level_filter(filter)
                    .page_size(if q.page_size > 0 { q.page_size } else { 100 })
                    .set_page_token(token.clone());
                if let Some(query) = q.query.as_ref().filter(|s| !s.trim().is_empty()) {
                    req = req.filters(ProvisionedProductViewFilterBy::SearchQuery, vec![query.clone()]);
                }
                if let Some(by) = &q.sort_by {
                    let order = if q.descending { SortOrder::Descending } else { SortOrder::Ascending };
                    req = req.sort_by(by).sort_order(order);
                }
                async move { req.send().await.map_err(self.err(op)) }
            })
            .await?;
        if out.total_results_count() < 0 {
            return Err(out_of_range(op, "TotalResultsCount", out.total_results_count()));
        }
        for p in out.provisioned_products() {
            check_time(op, "CreatedTime", p.created_time())?;
        }
        Ok(Page {
            items: out.provisioned_products().iter().map(convert::attribute).collect(),
            next_token: out.next_page_token().filter(|t| !t.is_empty()).map(str::to_string),
            total: Some(out.total_results_count()),
        })
    }

    /// Sends `op` at each level the access setting allows, in turn: denied at one, the next,
    /// narrower one is tried (auto only); the level that answered is remembered.
    async fn at_levels<T, Fut>(
        &self,
        op: &'static str,
        send: impl Fn(aws_sdk_servicecatalog::types::AccessLevelFilter) -> Fut,
    ) -> Result<T, Error>
    where
        Fut: std::future::Future<Output = Result<T, Error>>,
    {
        let candidates = self.levels.candidates();
        for (i, level) in candidates.iter().enumerate() {
            match send(access::filter(*level)).await {
                Err(e) if e.kind == ErrorKind::AccessDenied && i + 1 < candidates.len() => continue,
                Err(e) => return Err(e),
                Ok(out) => {
                    self.levels.worked(*level, op);
                    return Ok(out);
                }
            }
        }
        Err(Error::new(ErrorKind::Other, op, "no access level was tried"))
    }

    /// Every page of a search, in order.
    pub async fn all_products(&self, q: &ProductQuery) -> Result<(Vec<ProvisionedProduct>, i32), Error> {
        let mut all = Vec::new();
        let mut total = 0;
        let mut pager = Pager::new("SearchProvisionedProducts");
        loop {
            let page = self.products_page(q, pager.token()).await?;
            all.extend(page.items);
            total = page.total.unwrap_or(total);
            if !pager.advance(page.next_token.as_deref())? {
                return Ok((all, total));
            }
        }
    }

    /// A provisioned product by id (`pp-…`) or exact name.
    pub async fn product(&self, id_or_name: &str) -> Result<ProvisionedProduct, Error> {
        let by_id = crate::validate::id("product", id_or_name).is_ok()
            && (id_or_name.starts_with("pp-") || crate::validate::pp_name("product", id_or_name).is_err());
        let by_name = |name: &str| {
            self.sdk.describe_provisioned_product().set_accept_language(self.accept_language.clone()).name(name).send()
        };
        let op = "DescribeProvisionedProduct";
        // Paced: `batch --products` with 200 ids looks each one up.
        let out = self
            .paced(op, async {
                let out = if by_id {
                    self.sdk
                        .describe_provisioned_product()
                        .set_accept_language(self.accept_language.clone())
                        .id(id_or_name)
                        .send()
                        .await
                } else {
                    by_name(id_or_name).await
                };
                out.map_err(self.err(op))
            })
            .await?;
        check_time(
            "DescribeProvisionedProduct",
            "CreatedTime",
            out.provisioned_product_detail().and_then(|d| d.created_time()),
        )?;
        out.provisioned_product_detail()
            .map(convert::detail)
            .ok_or_else(|| Error::new(ErrorKind::Other, "DescribeProvisionedProduct", "the answer had no product"))
    }

    /// The self-service actions of a (product, version), fetched once and cached.
    pub async fn actions(&self, product_id: &str, version_id: &str) -> Result<Arc<Vec<ServiceAction>>, Error> {
        let key = (product_id.to_string(), version_id.to_string());
        if let Some(hit) = self.cached_actions(product_id, version_id) {
            return Ok(hit);
        }
        let mut all = Vec::new();
        let op = "ListServiceActionsForProvisioningArtifact";
        let mut pager = Pager::new(op);
        loop {
            let out = self
                .sdk
                .list_service_actions_for_provisioning_artifact()
                .set_accept_language(self.accept_language.clone())
                .product_id(product_id)
                .provisioning_artifact_id(version_id)
                .page_size(20)
                .set_page_token(pager.token())
                .send()
                .await
                .map_err(self.err(op))?;
            all.extend(out.service_action_summaries().iter().map(convert::action_summary));
            if !pager.advance(out.next_page_token())? {
                break;
            }
        }
        let all = Arc::new(all);
        self.actions.lock().unwrap_or_else(|p| p.into_inner()).insert(key, all.clone());
        Ok(all)
    }

    pub fn cached_actions(&self, product_id: &str, version_id: &str) -> Option<Arc<Vec<ServiceAction>>> {
        let key = (product_id.to_string(), version_id.to_string());
        self.actions.lock().unwrap_or_else(|p| p.into_inner()).get(&key).cloned()
    }

    pub async fn action_definition(&self, action_id: &str) -> Result<(ServiceAction, ActionDefinition), Error> {
        let out = self
            .sdk
            .describe_service_action()
            .set_accept_language(self.accept_language.clone())
            .id(action_id)
            .send()
            .await
            .map_err(self.err("DescribeServiceAction"))?;
        let detail = out
            .service_action_detail()
            .ok_or_else(|| Error::new(ErrorKind::Other, "DescribeServiceAction", "the answer had no action"))?;
        let summary = detail.service_action_summary().map(convert::action_summary).unwrap_or_default();
        Ok((summary, convert::action_definition(detail)))
    }

    pub async fn execution_parameters(&self, pp_id: &str, action_id: &str) -> Result<Vec<ExecutionParameter>, Error> {
        let out = self
            .sdk
            .describe_service_action_execution_parameters()
            .set_accept_language(self.accept_language.clone())
            .provisioned_product_id(pp_id)
            .service_action_id(action_id)
            .send()
            .await
            .map_err(self.err("DescribeServiceActionExecutionParameters"))?;
        Ok(out.service_action_parameters().iter().map(convert::execution_parameter).collect())
    }

    /// Starts an action with the caller's ExecuteToken. The same token with the same input returns
    /// the same record, so this is safe to repeat after any failure.
    pub async fn execute(
        &self,
        pp_id: &str,
        action_id: &str,
        parameters: Option<&ParameterMap>,
        token: &str,
    ) -> Result<RecordDetail, Error> {
        let params = parameters.map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect::<HashMap<_, _>>());
        let op = "ExecuteProvisionedProductServiceAction";
        let call = self
            .sdk
            .execute_provisioned_product_service_action()
            .set_accept_language(self.accept_language.clone())
            .provisioned_product_id(pp_id)
            .service_action_id(action_id)
            .execute_token(token)
            .set_parameters(params)
            .send();
        let out = self.paced(op, async { call.await.map_err(self.err(op)) }).await?;
        out.record_detail().map(convert::record).ok_or_else(|| {
            Error::new(ErrorKind::Other, "ExecuteProvisionedProductServiceAction", "the answer had no record")
        })
    }

    /// A record and all its outputs (every page of them).
    pub async fn record(&self, record_id: &str) -> Result<(RecordDetail, Vec<RecordOutput>), Error> {
        let mut outputs = Vec::new();
        let mut pager = Pager::new("DescribeRecord");
        loop {
            let call = self
                .sdk
                .describe_record()
                .set_accept_language(self.accept_language.clone())
                .id(record_id)
                .page_size(20)
                .set_page_token(pager.token())
                .send();
            let out = self.paced("DescribeRecord", async { call.await.map_err(self.err("DescribeRecord")) }).await?;
            outputs.extend(out.record_outputs().iter().map(convert::output));
            check_record_times("DescribeRecord", out.record_detail())?;
            if !pager.advance(out.next_page_token())? {
                let detail = out
                    .record_detail()
                    .map(convert::record)
                    .ok_or_else(|| Error::new(ErrorKind::Other, "DescribeRecord", "the answer had no record"))?;
                return Ok((detail, outputs));
            }
        }
    }

    /// One page of a provisioned product's records, newest first.
    /// History covers the same level as the products list (every record of the product at the
    /// account level; ListRecordHistory's own default is the caller's records only).
    pub async fn history_page(&self, pp_id: &str, token: Option<String>) -> Result<Page<RecordDetail>, Error> {
        let op = "ListRecordHistory";
        let out = self
            .at_levels(op, |level| {
                let by_product =
                    ListRecordHistorySearchFilter::builder().key("provisionedproduct").value(pp_id).build();
                let req = self
                    .sdk
                    .list_record_history()
                    .set_accept_language(self.accept_language.clone())
                    .search_filter(by_product)
                    .access_level_filter(level)
                    .page_size(20)
                    .set_page_token(token.clone());
                async move { req.send().await.map_err(self.err(op)) }
            })
            .await?;
        for r in out.record_details() {
            check_record_times(op, Some(r))?;
        }
        Ok(Page {
            items: out.record_details().iter().map(convert::record).collect(),
            next_token: out.next_page_token().filter(|t| !t.is_empty()).map(str::to_string),
            total: None,
        })
    }

    /// Every record of a provisioned product, newest first.
    pub async fn history(&self, pp_id: &str) -> Result<Vec<RecordDetail>, Error> {
        let mut all = Vec::new();
        let mut pager = Pager::new("ListRecordHistory");
        loop {
            let page = self.history_page(pp_id, pager.token()).await?;
            all.extend(page.items);
            if !pager.advance(page.next_token.as_deref())? {
                return Ok(all);
            }
        }
    }

    /// The action a product's version offers under this id or exact name (the id wins).
    pub async fn find_action(&self, product: &ProvisionedProduct, id_or_name: &str) -> Result<ActionLookup, Error> {
        let Some((prod, version)) = product.artifact_key() else {
            return Ok(ActionLookup::NoVersion);
        };
        let list = self.actions(&prod, &version).await?;
        Ok(match find_action(&list, id_or_name) {
            Some(a) => ActionLookup::Found(a.clone()),
            None => ActionLookup::Missing { available: list.iter().map(|a| a.name.clone()).collect() },
        })
    }
}

/// A number in an answer that no Service Catalog sends.
fn out_of_range(operation: &'static str, field: &str, value: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::Other, operation, format!("the answer's {field} is {value}, which is out of range"))
        .with_hint(error::NOT_SERVICE_CATALOG)
}

/// Times from the year 1970 to 9999.
fn check_time(
    operation: &'static str,
    field: &str,
    t: Option<&aws_sdk_servicecatalog::primitives::DateTime>,
) -> Result<(), Error> {
    match t {
        Some(t) if !(0.0..=253_402_300_799.0).contains(&t.as_secs_f64()) => {
            Err(out_of_range(operation, field, t.as_secs_f64()))
        }
        _ => Ok(()),
    }
}

fn check_record_times(
    operation: &'static str,
    r: Option<&aws_sdk_servicecatalog::types::RecordDetail>,
) -> Result<(), Error> {
    let Some(r) = r else { return Ok(()) };
    check_time(operation, "CreatedTime", r.created_time())?;
    check_time(operation, "UpdatedTime", r.updated_time())
}

/// What a product's version says about an action asked for by id or name.
#[derive(Debug, Clone, PartialEq)]
pub enum ActionLookup {
    Found(ServiceAction),
    /// The product has no version, so no actions.
    NoVersion,
    /// The version has no such action; these are the names it has.
    Missing {
        available: Vec<String>,
    },
}

/// The action with this id, else the one with exactly this name.
pub fn find_action<'a>(list: &'a [ServiceAction], id_or_name: &str) -> Option<&'a ServiceAction> {
    list.iter().find(|a| a.id == id_or_name).or_else(|| list.iter().find(|a| a.name == id_or_name))
}
