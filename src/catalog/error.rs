//! Errors from Service Catalog, sorted into what the operator can do about them.

use aws_sdk_servicecatalog::config::http::HttpResponse;
use aws_sdk_servicecatalog::error::{ProvideErrorMetadata, SdkError};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// A value broke one of the API's rules (ValidationException).
    Validation,
    /// The values are well-formed but do not fit together (InvalidParametersException).
    InvalidParameters,
    /// The product is busy (InvalidStateException).
    InvalidState,
    /// No such product, action or record, or no access to it (ResourceNotFoundException).
    NotFound,
    /// Too many requests, even after the SDK's retries.
    Throttled,
    /// Credentials are missing, expired or not accepted.
    Credentials,
    /// The caller may not do this (AccessDeniedException).
    AccessDenied,
    /// The endpoint could not be reached, or did not answer in time.
    Network,
    /// The service failed (HTTP 5xx).
    Service,
    Other,
}

/// A failed call, with a message written for the operator: what failed, why, what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct Error {
    pub kind: ErrorKind,
    pub operation: &'static str,
    /// The service's error code, when it sent one.
    pub code: Option<String>,
    /// What the service (or the connection) said.
    pub message: String,
    /// What to do next.
    pub hint: String,
    /// The member a ValidationException names, in lowerCamelCase (`executeToken`).
    pub field: Option<String>,
    pub request_id: Option<String>,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed: {}", self.operation, self.message)?;
        if let Some(code) = &self.code {
            write!(f, " ({code})")?;
        }
        if !self.hint.is_empty() {
            write!(f, ". {}", self.hint)?;
        }
        Ok(())
    }
}

impl Error {
    pub fn new(kind: ErrorKind, operation: &'static str, message: impl Into<String>) -> Self {
        let mut e = Error {
            kind,
            operation,
            code: None,
            message: message.into(),
            hint: String::new(),
            field: None,
            request_id: None,
        };
        e.hint = default_hint(kind, None).into();
        e
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = hint.into();
        self
    }

    /// Worth trying again unchanged (the run worker retries these with the same ExecuteToken).
    pub fn is_transient(&self) -> bool {
        matches!(self.kind, ErrorKind::Throttled | ErrorKind::Network | ErrorKind::Service)
    }

    pub fn from_sdk<E>(operation: &'static str, err: SdkError<E, HttpResponse>, profile: Option<&str>) -> Self
    where
        E: ProvideErrorMetadata + aws_sdk_servicecatalog::operation::RequestId + std::error::Error + 'static,
    {
        match &err {
            SdkError::ServiceError(se) => {
                let code = se.err().code().map(str::to_string);
                let message = se.err().message().unwrap_or("").to_string();
                let request_id = aws_sdk_servicecatalog::operation::RequestId::request_id(se.err()).map(str::to_string);
                let kind = classify(code.as_deref(), se.raw().status().as_u16());
                let field = (kind == ErrorKind::Validation).then(|| validation_field(&message)).flatten();
                // No code and no message: not an AWS error answer. Say what came instead.
                let message = match (&code, message.is_empty()) {
                    (None, true) => format!("the endpoint answered {}", describe(se.raw())),
                    (_, true) => "(no message)".to_string(),
                    _ => message,
                };
                let hint = match (&code, kind) {
                    (None, ErrorKind::Other) => NOT_SERVICE_CATALOG.to_string(),
                    (_, ErrorKind::AccessDenied) => {
                        let service = match operation {
                            "GetCallerIdentity" => "sts",
                            "DescribeDocument"
                            | "GetAutomationExecution"
                            | "DescribeAutomationExecutions"
                            | "DescribeAutomationStepExecutions"
                            | "StopAutomationExecution" => "ssm",
                            _ => "servicecatalog",
                        };
                        format!("Needs {service}:{operation}: ask for it, or use another profile (or --access-level)")
                    }
                    _ => default_hint(kind, profile).into_owned(),
                };
                Error { kind, operation, hint, code, message, field, request_id }
            }
            SdkError::TimeoutError(_) => Error::new(ErrorKind::Network, operation, "the request timed out"),
            SdkError::DispatchFailure(df) => dispatch_failure(operation, df, profile),
            SdkError::ResponseError(re) => Error::new(
                ErrorKind::Network,
                operation,
                format!("the answer could not be read: {}", describe(re.raw())),
            )
            .with_hint(NOT_SERVICE_CATALOG),
            _ => Error::new(ErrorKind::Other, operation, innermost(&err)),
        }
    }
}

/// The hint for answers no Service Catalog would send.
pub const NOT_SERVICE_CATALOG: &str = "The endpoint does not answer as Service Catalog does; check --endpoint-url";

/// A request that got no answer: too large, no credentials, a timeout, or no connection.
fn dispatch_failure(
    operation: &'static str,
    df: &aws_smithy_runtime_api::client::result::DispatchFailure,
    profile: Option<&str>,
) -> Error {
    if let Some(too_large) = find::<super::guard::TooLarge>(df.as_connector_error()) {
        return Error::new(ErrorKind::Other, operation, too_large.to_string())
            .with_hint("No Service Catalog answer is that large; check --endpoint-url (or raise max_response_mb)");
    }
    if let Some(what) = credentials_problem(df.as_connector_error()) {
        let mut e = Error::new(ErrorKind::Credentials, operation, what);
        e.hint = default_hint(ErrorKind::Credentials, profile).into_owned();
        return e;
    }
    if df.is_timeout() {
        return Error::new(ErrorKind::Network, operation, "the connection timed out");
    }
    let cause = df.as_connector_error().map(|c| innermost(c)).unwrap_or_else(|| "no connection".into());
    Error::new(ErrorKind::Network, operation, format!("could not reach the endpoint: {cause}"))
}

/// An answer in a few plain words: its HTTP status, content type and the start of its body.
fn describe(raw: &HttpResponse) -> String {
    let status = raw.status().as_u16();
    let kind = raw.headers().get("content-type").unwrap_or("no content type");
    let body = raw.body().bytes().unwrap_or_default();
    let start: String = String::from_utf8_lossy(&body[..body.len().min(120)]).chars().take(80).collect();
    let start = crate::validate::clean(start.trim());
    if start.is_empty() {
        format!("HTTP {status} ({kind}) with an empty body")
    } else {
        format!("HTTP {status} ({kind}), body starts: {start}")
    }
}

/// The last error of a chain, in its own words: the most specific one.
fn innermost(e: &(dyn std::error::Error + 'static)) -> String {
    let mut last = e;
    while let Some(next) = last.source() {
        last = next;
    }
    let text = last.to_string();
    if text.is_empty() || text.contains('{') { e.to_string() } else { text }
}

/// An error of type `T` in the chain.
fn find<T: std::error::Error + 'static>(err: Option<&aws_sdk_servicecatalog::error::ConnectorError>) -> Option<&T> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = err.map(|e| e as _);
    while let Some(e) = source {
        if let Some(t) = e.downcast_ref::<T>() {
            return Some(t);
        }
        source = e.source();
    }
    None
}

/// The credentials error behind a dispatch failure, in its own words.
fn credentials_problem(err: Option<&aws_sdk_servicecatalog::error::ConnectorError>) -> Option<String> {
    use aws_credential_types::provider::error::CredentialsError;
    Some(match find::<CredentialsError>(err)? {
        CredentialsError::CredentialsNotLoaded(_) => "no AWS credentials were found".to_string(),
        CredentialsError::ProviderTimedOut(_) => "resolving AWS credentials timed out".to_string(),
        other => format!("AWS credentials could not be loaded: {other}"),
    })
}

/// The kind of a service error, from its code, else from its HTTP status.
fn classify(code: Option<&str>, http_status: u16) -> ErrorKind {
    match code {
        Some("ValidationException") => ErrorKind::Validation,
        Some("InvalidParametersException") => ErrorKind::InvalidParameters,
        Some("InvalidStateException") => ErrorKind::InvalidState,
        Some("ResourceNotFoundException") => ErrorKind::NotFound,
        Some(
            "ThrottlingException"
            | "Throttling"
            | "TooManyRequestsException"
            | "RequestLimitExceeded"
            | "LimitExceededException",
        ) => ErrorKind::Throttled,
        Some(
            "ExpiredTokenException"
            | "ExpiredToken"
            | "UnrecognizedClientException"
            | "InvalidSignatureException"
            | "IncompleteSignatureException"
            | "MissingAuthenticationTokenException"
            | "InvalidClientTokenId",
        ) => ErrorKind::Credentials,
        Some("AccessDeniedException" | "AccessDenied") => ErrorKind::AccessDenied,
        Some("InternalFailure" | "ServiceUnavailable" | "InternalServerError") => ErrorKind::Service,
        _ if (500..600).contains(&http_status) => ErrorKind::Service,
        _ if http_status == 429 => ErrorKind::Throttled,
        _ => ErrorKind::Other,
    }
}

/// `... at 'executeToken' failed to satisfy ...` -> `executeToken`.
fn validation_field(message: &str) -> Option<String> {
    let start = message.find(" at '")? + 5;
    let end = message[start..].find('\'')?;
    Some(message[start..start + end].to_string())
}

fn default_hint(kind: ErrorKind, profile: Option<&str>) -> std::borrow::Cow<'static, str> {
    use std::borrow::Cow::*;
    match kind {
        ErrorKind::Validation => Borrowed("Correct the value the message names and try again"),
        ErrorKind::InvalidParameters => {
            Borrowed("Check that the action belongs to this product's version and the values fit it")
        }
        ErrorKind::InvalidState => {
            Borrowed("Another operation is running on this product; wait until it finishes, then try again")
        }
        ErrorKind::NotFound => Borrowed("Check the id, the region and that your role has access to the portfolio"),
        ErrorKind::Throttled => Borrowed("Service Catalog is limiting requests; wait a moment and try again"),
        ErrorKind::Credentials => Owned(match profile {
            Some(p) => format!(
                "Refresh the credentials of profile {p} (for an SSO profile, `sctui login --profile {p}` or `aws sso login --profile {p}`) and try again"
            ),
            None => {
                "Provide credentials (environment, `--profile`, or `sctui login --profile P` for SSO) and try again"
                    .into()
            }
        }),
        ErrorKind::AccessDenied => Borrowed("Your role lacks this permission; ask for access or use another profile"),
        ErrorKind::Network => {
            Borrowed("Check the network, the region and `--endpoint-url`; sctui retries with backoff")
        }
        ErrorKind::Service => Borrowed("Service Catalog failed to answer; try again shortly"),
        ErrorKind::Other => Borrowed(""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_field_is_found() {
        let m = "1 validation error detected: Value '-abc' at 'executeToken' failed to satisfy constraint: x";
        assert_eq!(validation_field(m).as_deref(), Some("executeToken"));
        assert_eq!(validation_field("nothing here"), None);
    }

    #[test]
    fn codes_are_sorted() {
        assert_eq!(classify(Some("ExpiredTokenException"), 400), ErrorKind::Credentials);
        assert_eq!(classify(Some("InvalidStateException"), 400), ErrorKind::InvalidState);
        assert_eq!(classify(None, 503), ErrorKind::Service);
        assert_eq!(classify(Some("Whatever"), 500), ErrorKind::Service);
        assert_eq!(classify(None, 429), ErrorKind::Throttled);
        assert_eq!(classify(Some("Whatever"), 400), ErrorKind::Other);
    }

    #[test]
    fn credential_hint_names_the_profile() {
        let e = Error::new(ErrorKind::Credentials, "DescribeRecord", "expired")
            .with_hint(default_hint(ErrorKind::Credentials, Some("prod-admin")));
        assert!(e.to_string().contains("sctui login --profile prod-admin"), "{e}");
    }
}
