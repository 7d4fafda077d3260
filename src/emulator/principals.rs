//! Who is calling, and what their policy lets them do: the permission model AWS has, in small.
//! The caller is found by the access key of the request's SigV4 signature; a key the world does
//! not list acts as the admin, so clients that know nothing of principals keep working.

use super::error::ServiceError;
use super::world::{Policy, World};
use crate::domain::Level;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub arn: String,
    pub policy: Policy,
    /// Actions explicitly denied (`service:Operation`).
    pub deny: Vec<String>,
}

impl Caller {
    /// The account of the caller's ARN (`arn:aws:iam::ACCOUNT:…`).
    pub fn account(&self) -> &str {
        self.arn.split(':').nth(4).unwrap_or_default()
    }

    /// An explicit deny of `service:op`, in AWS's words.
    pub fn denied(&self, service: &str, op: &str, resource: &str) -> Result<(), ServiceError> {
        let action = format!("{service}:{op}");
        if !self.deny.contains(&action) {
            return Ok(());
        }
        Err(ServiceError::access_denied(format!(
            "User: {} is not authorized to perform: {action} on resource: {resource} with an explicit deny in an identity-based policy",
            self.arn
        )))
    }

    /// The role of an assumed-role session.
    pub fn role(&self) -> Option<&str> {
        role_of(&self.arn)
    }

    /// The widest access level the caller's policy allows (for reads of one resource).
    pub fn widest(&self) -> Level {
        match self.policy {
            Policy::Admin => Level::Account,
            Policy::RoleLevel => Level::Role,
            Policy::EndUser | Policy::EndUserReadonly => Level::User,
        }
    }
}

/// `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION` is a session of ROLE.
pub fn role_of(arn: &str) -> Option<&str> {
    arn.split(":assumed-role/").nth(1)?.split('/').next()
}

/// The region a SigV4 `Authorization` header was signed for (`… Credential=AKID/date/REGION/…`).
pub fn signing_region(authorization: &str) -> Option<&str> {
    authorization.split("Credential=").nth(1)?.split('/').nth(2)
}

/// The access key of a SigV4 `Authorization` header (`… Credential=AKID/date/region/…`).
pub fn access_key(authorization: &str) -> Option<&str> {
    authorization.split("Credential=").nth(1)?.split('/').next()
}

/// The principal behind an access key; unknown keys act as the account's admin.
pub fn caller(world: &World, key: Option<&str>) -> Caller {
    key.and_then(|k| world.principals.iter().find(|p| p.access_key == k))
        .map(|p| Caller { arn: p.arn.clone(), policy: p.policy, deny: p.deny.clone() })
        .unwrap_or_else(|| Caller {
            arn: format!("arn:aws:iam::{}:user/demo-operator", world.account_id),
            policy: Policy::Admin,
            deny: Vec::new(),
        })
}

/// Whether the caller's policy allows `op` (at `level`, for the list calls); AccessDenied in AWS's
/// words otherwise. The end-user policies (AWSServiceCatalogEndUserFullAccess and its read-only
/// twin) allow the user level only and do not grant DescribeServiceAction.
pub fn authorize(caller: &Caller, op: &str, level: Option<Level>, resource: &str) -> Result<(), ServiceError> {
    caller.denied("servicecatalog", op, resource)?;
    let op_allowed = match (caller.policy, op) {
        (Policy::Admin, _) => true,
        (_, "DescribeServiceAction") => false,
        (Policy::EndUserReadonly, "ExecuteProvisionedProductServiceAction") => false,
        _ => true,
    };
    let level_allowed = matches!(
        (caller.policy, level),
        (Policy::Admin, _)
            | (_, None)
            | (Policy::RoleLevel, Some(Level::Role | Level::User))
            | (Policy::EndUser | Policy::EndUserReadonly, Some(Level::User))
    );
    if op_allowed && level_allowed {
        return Ok(());
    }
    let context = match level {
        Some(l) if !level_allowed => format!(" with AccessLevelFilter {}", l.wire()),
        _ => String::new(),
    };
    Err(ServiceError::access_denied(format!(
        "User: {} is not authorized to perform: servicecatalog:{op} on resource: {resource}{context} because no identity-based policy allows the servicecatalog:{op} action",
        caller.arn
    )))
}

/// Whether a resource owned by `owner_arn` is covered at `level` for the caller.
pub fn visible(caller: &Caller, level: Level, owner_arn: &str) -> bool {
    match level {
        Level::Account => true,
        Level::Role => owner_arn == caller.arn || (caller.role().is_some() && caller.role() == role_of(owner_arn)),
        Level::User => owner_arn == caller.arn,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_roles_and_levels() {
        let h = "AWS4-HMAC-SHA256 Credential=AKIADEMOENDUSER00001/20261130/eu-west-1/servicecatalog/aws4_request, SignedHeaders=host, Signature=x";
        assert_eq!(access_key(h), Some("AKIADEMOENDUSER00001"));
        assert_eq!(role_of("arn:aws:sts::1:assumed-role/ops/alice"), Some("ops"));
        assert_eq!(role_of("arn:aws:iam::1:user/bob"), None);
        let ops =
            Caller { arn: "arn:aws:sts::1:assumed-role/ops/alice".into(), policy: Policy::RoleLevel, deny: vec![] };
        assert!(visible(&ops, Level::Role, "arn:aws:sts::1:assumed-role/ops/bob"));
        assert!(!visible(&ops, Level::User, "arn:aws:sts::1:assumed-role/ops/bob"));
        assert!(!visible(&ops, Level::Role, "arn:aws:iam::1:user/bob"));
        let e = authorize(&ops, "SearchProvisionedProducts", Some(Level::Account), "*").unwrap_err();
        assert!(e.message.contains("is not authorized to perform: servicecatalog:SearchProvisionedProducts"), "{e}");
        assert!(authorize(&ops, "SearchProvisionedProducts", Some(Level::Role), "*").is_ok());
    }
}
