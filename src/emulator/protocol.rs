//! The awsJson1_1 envelope: which operation a request names, and the exact shape of answers and
//! errors that the Rust SDK, botocore and the AWS CLI parse.

use super::error::ServiceError;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

pub const TARGET_PREFIX: &str = "AWS242ServiceCatalogService.";
pub const CONTENT_TYPE: &str = "application/x-amz-json-1.1";

/// Which service a request is for: both are served on the same port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Catalog,
    Ssm,
}

/// The operation named by `X-Amz-Target`, without the service prefix, and its service.
pub fn operation(headers: &HeaderMap) -> Result<(Service, &str), ServiceError> {
    let target = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| ServiceError::unknown_operation("(no X-Amz-Target header)"))?;
    if let Some(op) = target.strip_prefix(TARGET_PREFIX) {
        return Ok((Service::Catalog, op));
    }
    target
        .strip_prefix(super::ssm::TARGET_PREFIX)
        .map(|op| (Service::Ssm, op))
        .ok_or_else(|| ServiceError::unknown_operation(target))
}

/// Requests must carry a SigV4 Authorization header (it is not verified).
pub fn check_signed(headers: &HeaderMap) -> Result<(), ServiceError> {
    let signed = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("AWS4-HMAC-SHA256"));
    if signed { Ok(()) } else { Err(ServiceError::missing_authentication()) }
}

pub fn request_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn with_common_headers(mut response: Response, request_id: &str) -> Response {
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    if let Ok(v) = HeaderValue::from_str(request_id) {
        h.insert("x-amzn-requestid", v);
    }
    response
}

pub fn ok(body: &serde_json::Value, request_id: &str) -> Response {
    let text = serde_json::to_string(body).unwrap_or_else(|_| "{}".into());
    with_common_headers((StatusCode::OK, text).into_response(), request_id)
}

pub fn error(e: &ServiceError, request_id: &str) -> Response {
    let body = serde_json::json!({"__type": e.code, "message": e.message}).to_string();
    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST);
    let mut response = with_common_headers((status, body).into_response(), request_id);
    response.headers_mut().insert("x-amzn-errortype", HeaderValue::from_static(e.code));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_envelope_has_type_message_and_header() {
        let r = error(&ServiceError::throttling(), "req-1");
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert_eq!(r.headers()["x-amzn-errortype"], "ThrottlingException");
        assert_eq!(r.headers()["x-amzn-requestid"], "req-1");
        assert_eq!(r.headers()["content-type"], CONTENT_TYPE);
    }

    #[test]
    fn operation_needs_the_service_prefix() {
        let mut h = HeaderMap::new();
        h.insert("x-amz-target", HeaderValue::from_static("AWS242ServiceCatalogService.DescribeRecord"));
        assert_eq!(operation(&h).ok(), Some((Service::Catalog, "DescribeRecord")));
        h.insert("x-amz-target", HeaderValue::from_static("AmazonSSM.GetAutomationExecution"));
        assert_eq!(operation(&h).ok(), Some((Service::Ssm, "GetAutomationExecution")));
        h.insert("x-amz-target", HeaderValue::from_static("DynamoDB_20120810.GetItem"));
        assert_eq!(operation(&h).unwrap_err().code, "UnknownOperationException");
    }
}
