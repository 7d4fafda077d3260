//! Request shapes as they arrive on the wire (PascalCase members). Every member is optional here:
//! "required" is a constraint checked by `handlers`, answering ValidationException as AWS does.

use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccessLevelFilter {
    pub key: Option<String>,
    pub value: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SearchProvisionedProducts {
    pub accept_language: Option<String>,
    pub access_level_filter: Option<AccessLevelFilter>,
    pub filters: Option<BTreeMap<String, Vec<String>>>,
    pub sort_by: Option<String>,
    pub sort_order: Option<String>,
    pub page_size: Option<i64>,
    pub page_token: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ScanProvisionedProducts {
    pub accept_language: Option<String>,
    pub access_level_filter: Option<AccessLevelFilter>,
    pub page_size: Option<i64>,
    pub page_token: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeProvisionedProduct {
    pub accept_language: Option<String>,
    pub id: Option<String>,
    pub name: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListServiceActionsForProvisioningArtifact {
    pub product_id: Option<String>,
    pub provisioning_artifact_id: Option<String>,
    pub page_size: Option<i64>,
    pub page_token: Option<String>,
    pub accept_language: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeServiceAction {
    pub id: Option<String>,
    pub accept_language: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeServiceActionExecutionParameters {
    pub provisioned_product_id: Option<String>,
    pub service_action_id: Option<String>,
    pub accept_language: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ExecuteProvisionedProductServiceAction {
    pub provisioned_product_id: Option<String>,
    pub service_action_id: Option<String>,
    pub execute_token: Option<String>,
    pub accept_language: Option<String>,
    pub parameters: Option<BTreeMap<String, Vec<String>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeRecord {
    pub accept_language: Option<String>,
    pub id: Option<String>,
    pub page_token: Option<String>,
    pub page_size: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SearchFilter {
    pub key: Option<String>,
    pub value: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListRecordHistory {
    pub accept_language: Option<String>,
    pub access_level_filter: Option<AccessLevelFilter>,
    pub search_filter: Option<SearchFilter>,
    pub page_size: Option<i64>,
    pub page_token: Option<String>,
}
