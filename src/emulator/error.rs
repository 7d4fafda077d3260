//! Errors the emulator answers with, in the shape the SDKs parse (awsJson1_1).

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ServiceError {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
}

impl ServiceError {
    fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        ServiceError { status, code, message: message.into() }
    }
    /// An SSM error by its code (AutomationExecutionNotFoundException, InvalidDocument, …).
    pub fn ssm(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(400, code, message)
    }
    /// A request signed for something the service does not accept (a region that is none).
    pub fn invalid_signature(message: impl Into<String>) -> Self {
        Self::new(403, "InvalidSignatureException", message)
    }
    pub fn validation(message: impl Into<String>) -> Self {
        Self::new(400, "ValidationException", message)
    }
    pub fn invalid_parameters(message: impl Into<String>) -> Self {
        Self::new(400, "InvalidParametersException", message)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(400, "ResourceNotFoundException", message)
    }
    pub fn invalid_state(message: impl Into<String>) -> Self {
        Self::new(400, "InvalidStateException", message)
    }
    pub fn serialization(message: impl Into<String>) -> Self {
        Self::new(400, "SerializationException", message)
    }
    pub fn unknown_operation(target: &str) -> Self {
        Self::new(400, "UnknownOperationException", format!("Unknown operation: {target}"))
    }
    pub fn missing_authentication() -> Self {
        Self::new(400, "MissingAuthenticationTokenException", "Missing Authentication Token")
    }
    pub fn access_denied(message: impl Into<String>) -> Self {
        Self::new(400, "AccessDeniedException", message)
    }
    pub fn throttling() -> Self {
        Self::new(400, "ThrottlingException", "Rate exceeded")
    }
    pub fn expired_token() -> Self {
        Self::new(400, "ExpiredTokenException", "The security token included in the request is expired")
    }
    pub fn internal() -> Self {
        Self::new(
            500,
            "InternalFailure",
            "The request processing has failed because of an unknown error, exception or failure.",
        )
    }
    pub fn unavailable() -> Self {
        Self::new(503, "ServiceUnavailable", "Service is unavailable. Please try again later.")
    }
}
