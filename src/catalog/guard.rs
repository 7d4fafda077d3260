//! The HTTP client under the SDK, guarded against answers no Service Catalog sends: no body is
//! read past a size cap (a huge answer is an error, not memory), and an HTTP 200 whose body is an
//! AWS error envelope (`{"__type": …}`) is handed to the SDK as the error it is.

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use http_body_util::{BodyExt, Limited};

/// An answer was larger than the cap.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the answer was larger than {} MB, so sctui stopped reading it", .cap / (1024 * 1024))]
pub struct TooLarge {
    pub cap: usize,
}

/// `inner`, with every answer read through the guard.
pub fn guarded(inner: SharedHttpClient, cap: usize) -> SharedHttpClient {
    SharedHttpClient::new(Guarded { inner, cap })
}

#[derive(Debug)]
struct Guarded {
    inner: SharedHttpClient,
    cap: usize,
}

impl HttpClient for Guarded {
    fn http_connector(&self, settings: &HttpConnectorSettings, components: &RuntimeComponents) -> SharedHttpConnector {
        let inner = self.inner.http_connector(settings, components);
        SharedHttpConnector::new(GuardedConnector { inner, cap: self.cap })
    }
}

#[derive(Debug)]
struct GuardedConnector {
    inner: SharedHttpConnector,
    cap: usize,
}

impl HttpConnector for GuardedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let (inner, cap) = (self.inner.clone(), self.cap);
        HttpConnectorFuture::new(async move {
            let response = inner.call(request).await?;
            read_bounded(response, cap).await
        })
    }
}

/// Reads the whole body, at most `cap` bytes of it; an error envelope under HTTP 200 becomes 400.
async fn read_bounded(mut response: HttpResponse, cap: usize) -> Result<HttpResponse, ConnectorError> {
    if response.body().content_length().is_some_and(|n| n > cap as u64) {
        return Err(ConnectorError::other(Box::new(TooLarge { cap }), None));
    }
    let body = response.take_body();
    let bytes = match Limited::new(body, cap).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => {
            return Err(ConnectorError::other(Box::new(TooLarge { cap }), None));
        }
        Err(e) => return Err(ConnectorError::io(e)),
    };
    if response.status().as_u16() == 200
        && carries_error(&bytes)
        && let Ok(bad_request) = StatusCode::try_from(400u16)
    {
        *response.status_mut() = bad_request;
    }
    *response.body_mut() = SdkBody::from(bytes);
    Ok(response)
}

/// A JSON object with `__type` at its top: AWS's error envelope.
fn carries_error(body: &[u8]) -> bool {
    body.len() < 64 * 1024
        && body.first() == Some(&b'{')
        && serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(body)
            .is_ok_and(|m| m.get("__type").is_some_and(|t| t.is_string()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_an_error_envelope_counts() {
        assert!(super::carries_error(br#"{"__type":"ThrottlingException","message":"slow down"}"#));
        assert!(!super::carries_error(br#"{"ProvisionedProducts":[],"TotalResultsCount":0}"#));
        assert!(!super::carries_error(b"<html>"));
        assert!(!super::carries_error(br#"{"__type":5}"#));
    }
}
