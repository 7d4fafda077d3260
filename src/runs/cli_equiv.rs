//! The AWS CLI command that sends exactly the request sctui is about to send: shown on the review
//! and copied with `c`.

use crate::catalog::Target;
use crate::domain::ParameterMap;

/// A word for a POSIX shell: quoted unless it is plainly safe.
pub fn sh_quote(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_./:=@,".contains(c)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// `aws servicecatalog execute-provisioned-product-service-action …` for this request and target.
pub fn execute_command(
    target: &Target,
    pp_id: &str,
    action_id: &str,
    token: &str,
    parameters: Option<&ParameterMap>,
) -> String {
    let mut words = vec![
        "aws servicecatalog execute-provisioned-product-service-action".to_string(),
        format!("--provisioned-product-id {}", sh_quote(pp_id)),
        format!("--service-action-id {}", sh_quote(action_id)),
        format!("--execute-token {}", sh_quote(token)),
    ];
    if let Some(p) = parameters {
        words.push(format!("--parameters {}", sh_quote(&serde_json::to_string(p).unwrap_or_default())));
    }
    if !target.demo {
        if let Some(p) = &target.profile {
            words.push(format!("--profile {}", sh_quote(p)));
        }
        if let Some(r) = &target.region {
            words.push(format!("--region {}", sh_quote(r)));
        }
    }
    if let Some(e) = &target.endpoint {
        words.push(format!("--endpoint-url {}", sh_quote(e)));
    }
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_quoting() {
        assert_eq!(sh_quote("pp-abc"), "pp-abc");
        assert_eq!(sh_quote(r#"{"A":["it's"]}"#), r#"'{"A":["it'\''s"]}'"#);
        assert_eq!(sh_quote(""), "''");
        assert_eq!(sh_quote("a b"), "'a b'");
    }

    #[test]
    fn the_live_target_is_named_and_the_demo_one_is_not() {
        let params: ParameterMap = [("Reason".to_string(), vec!["it's".to_string()])].into();
        let live = Target {
            demo: false,
            profile: Some("ops".into()),
            region: Some("eu-west-1".into()),
            endpoint: None,
            ..Default::default()
        };
        let line = execute_command(&live, "pp-1", "act-1", "tok", Some(&params));
        assert_eq!(
            line,
            "aws servicecatalog execute-provisioned-product-service-action --provisioned-product-id pp-1 \
             --service-action-id act-1 --execute-token tok --parameters '{\"Reason\":[\"it'\\''s\"]}' \
             --profile ops --region eu-west-1"
        );
        let demo = Target {
            demo: true,
            profile: None,
            region: Some("eu-west-1".into()),
            endpoint: Some("http://x".into()),
            ..Default::default()
        };
        let line = execute_command(&demo, "pp-1", "act-1", "tok", None);
        assert!(line.ends_with("--execute-token tok --endpoint-url http://x"), "{line}");
    }
}
