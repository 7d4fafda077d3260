//! Links into the AWS console for a change ticket or a chat (issue 15): the provisioned product,
//! the record, and the SSM Automation execution behind it, in the region's partition. The SSM
//! link is the console's documented page for an execution; the Service Catalog ones follow its
//! console's own routes (`#/provisioned-products/…`, `#/records/…`), which AWS does not document
//! and may change.

/// The console's origin for `region`: its partition's domain (China, GovCloud, else AWS's).
pub fn origin(region: &str) -> String {
    let region = crate::validate::clean(region);
    if region.starts_with("cn-") {
        "https://console.amazonaws.cn".to_string()
    } else if region.starts_with("us-gov-") {
        "https://console.amazonaws-us-gov.com".to_string()
    } else {
        format!("https://{region}.console.aws.amazon.com")
    }
}

/// Only what an id can hold: a link never carries a character that would change its meaning.
fn id(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_')).collect()
}

pub fn provisioned_product(region: &str, pp_id: &str) -> String {
    let r = id(region);
    format!("{}/servicecatalog/home?region={r}#/provisioned-products/{}", origin(&r), id(pp_id))
}

pub fn record(region: &str, record_id: &str) -> String {
    let r = id(region);
    format!("{}/servicecatalog/home?region={r}#/records/{}", origin(&r), id(record_id))
}

pub fn automation(region: &str, execution_id: &str) -> String {
    let r = id(region);
    format!("{}/systems-manager/automation/execution/{}?region={r}", origin(&r), id(execution_id))
}

/// The links of a run: its product, its record once known, its execution once known (from the
/// record's `AutomationExecutionId` output, `automation::named`, or as found).
pub fn run_links(region: &str, pp_id: &str, record_id: Option<&str>, execution_id: Option<&str>) -> Vec<String> {
    let mut out = vec![provisioned_product(region, pp_id)];
    out.extend(record_id.map(|r| record(region, r)));
    out.extend(execution_id.map(|e| automation(region, e)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_follow_the_partition_and_carry_only_ids() {
        assert_eq!(
            provisioned_product("eu-west-1", "pp-6y61928a94txg"),
            "https://eu-west-1.console.aws.amazon.com/servicecatalog/home?region=eu-west-1#/provisioned-products/pp-6y61928a94txg"
        );
        assert_eq!(
            automation("cn-north-1", "a1b2-c3"),
            "https://console.amazonaws.cn/systems-manager/automation/execution/a1b2-c3?region=cn-north-1"
        );
        assert!(record("us-gov-west-1", "rec-1").starts_with("https://console.amazonaws-us-gov.com/servicecatalog/"));
        // A hostile id from a server cannot add a query, a fragment or an escape.
        let evil = record("eu-west-1", "rec-1?x=1#/\u{1b}]52;c;AAAA\u{7}&y");
        assert!(evil.ends_with("#/records/rec-1x152cAAAAy"), "{evil}");
        assert_eq!(run_links("eu-west-1", "pp-1", None, None).len(), 1);
    }
}
