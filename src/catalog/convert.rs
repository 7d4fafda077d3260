//! Where SDK types stop: every conversion from aws-sdk-servicecatalog shapes to `domain` types.

use crate::domain::{
    ActionDefinition, ExecutionParameter, ParameterKind, ProductStatus, ProvisionedProduct, RecordDetail, RecordError,
    RecordOutput, RecordStatus, ServiceAction, Tag, Timestamp,
};
use aws_sdk_servicecatalog::primitives::DateTime;
use aws_sdk_servicecatalog::types as sdk;

fn ts(t: Option<&DateTime>) -> Option<Timestamp> {
    t.map(|t| Timestamp(t.as_secs_f64()))
}

fn s(v: Option<&str>) -> Option<String> {
    v.map(str::to_string)
}

pub fn attribute(a: &sdk::ProvisionedProductAttribute) -> ProvisionedProduct {
    ProvisionedProduct {
        name: a.name().unwrap_or_default().to_string(),
        arn: s(a.arn()),
        kind: s(a.r#type()),
        id: a.id().unwrap_or_default().to_string(),
        status: a.status().map(|x| ProductStatus::parse(x.as_str())),
        status_message: s(a.status_message()),
        created_time: ts(a.created_time()),
        last_record_id: s(a.last_record_id()),
        tags: a.tags().iter().map(|t| Tag { key: t.key().to_string(), value: t.value().to_string() }).collect(),
        physical_id: s(a.physical_id()),
        product_id: s(a.product_id()),
        product_name: s(a.product_name()),
        provisioning_artifact_id: s(a.provisioning_artifact_id()),
        provisioning_artifact_name: s(a.provisioning_artifact_name()),
        user_arn: s(a.user_arn()),
        cell: None,
    }
}

pub fn detail(d: &sdk::ProvisionedProductDetail) -> ProvisionedProduct {
    ProvisionedProduct {
        name: d.name().unwrap_or_default().to_string(),
        arn: s(d.arn()),
        kind: s(d.r#type()),
        id: d.id().unwrap_or_default().to_string(),
        status: d.status().map(|x| ProductStatus::parse(x.as_str())),
        status_message: s(d.status_message()),
        created_time: ts(d.created_time()),
        last_record_id: s(d.last_record_id()),
        tags: Vec::new(),
        physical_id: None,
        product_id: s(d.product_id()),
        product_name: None,
        provisioning_artifact_id: s(d.provisioning_artifact_id()),
        provisioning_artifact_name: None,
        user_arn: None,
        cell: None,
    }
}

pub fn action_summary(a: &sdk::ServiceActionSummary) -> ServiceAction {
    ServiceAction {
        id: a.id().unwrap_or_default().to_string(),
        name: a.name().unwrap_or_default().to_string(),
        description: s(a.description()).filter(|d| !d.is_empty()),
        definition_type: a.definition_type().map(|t| t.as_str().to_string()),
    }
}

pub fn action_definition(d: &sdk::ServiceActionDetail) -> ActionDefinition {
    let get = |k: sdk::ServiceActionDefinitionKey| d.definition().and_then(|m| m.get(&k)).cloned();
    ActionDefinition {
        name: get(sdk::ServiceActionDefinitionKey::Name),
        version: get(sdk::ServiceActionDefinitionKey::Version),
        assume_role: get(sdk::ServiceActionDefinitionKey::AssumeRole),
        parameters: get(sdk::ServiceActionDefinitionKey::Parameters),
        ..Default::default()
    }
}

pub fn execution_parameter(p: &sdk::ExecutionParameter) -> ExecutionParameter {
    ExecutionParameter {
        name: p.name().unwrap_or_default().to_string(),
        kind: ParameterKind::parse(p.r#type().unwrap_or_default()),
        default_values: p.default_values().to_vec(),
    }
}

pub fn record(r: &sdk::RecordDetail) -> RecordDetail {
    RecordDetail {
        record_id: r.record_id().unwrap_or_default().to_string(),
        provisioned_product_name: s(r.provisioned_product_name()),
        status: r.status().map(|x| RecordStatus::parse(x.as_str())),
        created_time: ts(r.created_time()),
        updated_time: ts(r.updated_time()),
        provisioned_product_type: s(r.provisioned_product_type()),
        record_type: s(r.record_type()),
        provisioned_product_id: s(r.provisioned_product_id()),
        product_id: s(r.product_id()),
        provisioning_artifact_id: s(r.provisioning_artifact_id()),
        path_id: s(r.path_id()),
        record_errors: r
            .record_errors()
            .iter()
            .map(|e| RecordError { code: s(e.code()), description: s(e.description()) })
            .collect(),
        record_tags: r
            .record_tags()
            .iter()
            .map(|t| Tag {
                key: t.key().unwrap_or_default().to_string(),
                value: t.value().unwrap_or_default().to_string(),
            })
            .collect(),
        launch_role_arn: s(r.launch_role_arn()),
    }
}

pub fn output(o: &sdk::RecordOutput) -> RecordOutput {
    RecordOutput { output_key: s(o.output_key()), output_value: s(o.output_value()), description: s(o.description()) }
}

/// Where aws-sdk-ssm's shapes stop.
pub mod ssm {
    // Both SDKs use smithy's one DateTime: the same conversion serves.
    use super::ts;
    use crate::domain::{Automation, AutomationStep, FailureDetails};
    use aws_sdk_ssm::types as sdk;
    use std::collections::{BTreeMap, HashMap};

    fn map(m: Option<&HashMap<String, Vec<String>>>) -> BTreeMap<String, Vec<String>> {
        m.map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default()
    }

    pub fn automation(a: &sdk::AutomationExecution) -> Automation {
        Automation {
            automation_execution_id: a.automation_execution_id().unwrap_or_default().to_string(),
            document_name: a.document_name().map(str::to_string),
            document_version: a.document_version().map(str::to_string),
            execution_start_time: ts(a.execution_start_time()),
            execution_end_time: ts(a.execution_end_time()),
            automation_execution_status: a.automation_execution_status().map(|s| s.as_str().to_string()),
            step_executions: a.step_executions().iter().map(step).collect(),
            parameters: map(a.parameters()),
            outputs: map(a.outputs()),
            failure_message: a.failure_message().map(str::to_string),
            executed_by: a.executed_by().map(str::to_string),
            current_step_name: a.current_step_name().map(str::to_string),
            current_action: a.current_action().map(str::to_string),
        }
    }

    pub fn summary(a: &sdk::AutomationExecutionMetadata) -> Automation {
        Automation {
            automation_execution_id: a.automation_execution_id().unwrap_or_default().to_string(),
            document_name: a.document_name().map(str::to_string),
            document_version: a.document_version().map(str::to_string),
            execution_start_time: ts(a.execution_start_time()),
            execution_end_time: ts(a.execution_end_time()),
            automation_execution_status: a.automation_execution_status().map(|s| s.as_str().to_string()),
            outputs: map(a.outputs()),
            failure_message: a.failure_message().map(str::to_string),
            executed_by: a.executed_by().map(str::to_string),
            current_step_name: a.current_step_name().map(str::to_string),
            current_action: a.current_action().map(str::to_string),
            ..Default::default()
        }
    }

    /// The largest document content read (SSM's own limit for a document is 64 KB).
    pub const CONTENT_MAX: usize = 512 * 1024;
    /// At most this many allowed values of one parameter are kept, each of at most this length.
    pub const ALLOWED_VALUES_MAX: usize = 256;
    pub const ALLOWED_VALUE_LEN: usize = 512;
    /// A longer pattern is not checked.
    pub const PATTERN_MAX: usize = 1024;

    /// Reads the allowed values and patterns of `params` from the document's content (GetDocument
    /// as JSON). The content is untrusted: bounded, and anything malformed is skipped or named.
    pub fn content_limits(content: &str, params: &mut [crate::domain::DocumentParameter]) -> Result<(), String> {
        if content.len() > CONTENT_MAX {
            return Err(format!("the document's content is {} bytes, more than {CONTENT_MAX} read", content.len()));
        }
        let doc: serde_json::Value =
            serde_json::from_str(content).map_err(|e| format!("the document's content is not JSON ({e})"))?;
        let Some(declared) = doc.get("parameters").and_then(|p| p.as_object()) else {
            return Ok(());
        };
        for p in params.iter_mut() {
            let Some(spec) = declared.get(&p.name) else { continue };
            if let Some(values) = spec.get("allowedValues").and_then(|v| v.as_array()) {
                p.allowed_values = values
                    .iter()
                    .take(ALLOWED_VALUES_MAX)
                    .filter_map(|v| match v {
                        serde_json::Value::String(s) => Some(s.clone()),
                        serde_json::Value::Number(n) => Some(n.to_string()),
                        serde_json::Value::Bool(b) => Some(b.to_string()),
                        _ => None,
                    })
                    .filter(|v| v.chars().count() <= ALLOWED_VALUE_LEN)
                    .collect();
            }
            p.allowed_pattern = spec
                .get("allowedPattern")
                .and_then(|v| v.as_str())
                .filter(|v| !v.is_empty() && v.chars().count() <= PATTERN_MAX)
                .map(str::to_string);
        }
        Ok(())
    }

    /// GetExecutionPreview's Automation preview.
    pub fn preview(p: &sdk::AutomationExecutionPreview) -> crate::domain::ImpactPreview {
        crate::domain::ImpactPreview {
            targets: p
                .target_previews()
                .iter()
                .map(|t| (t.target_type().unwrap_or("resources").to_string(), i64::from(t.count())))
                .collect(),
            regions: p.regions().to_vec(),
            accounts: i64::from(p.total_accounts()),
            steps: p
                .step_previews()
                .map(|m| m.iter().map(|(k, v)| (k.as_str().to_string(), i64::from(*v))).collect())
                .unwrap_or_default(),
        }
    }

    fn step(s: &sdk::StepExecution) -> AutomationStep {
        AutomationStep {
            step_name: s.step_name().unwrap_or_default().to_string(),
            action: s.action().map(str::to_string),
            execution_start_time: ts(s.execution_start_time()),
            execution_end_time: ts(s.execution_end_time()),
            step_status: s.step_status().map(|x| x.as_str().to_string()),
            outputs: map(s.outputs()),
            failure_message: s.failure_message().map(str::to_string),
            failure_details: s.failure_details().map(|d| FailureDetails {
                failure_stage: d.failure_stage().map(str::to_string),
                failure_type: d.failure_type().map(str::to_string),
                details: map(d.details()),
            }),
        }
    }
}
