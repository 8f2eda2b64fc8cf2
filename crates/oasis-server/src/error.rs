//! Every failure is a JSON body `{"error": code, "message": text, "errors": [...]}` with a 4xx
//! status for the caller's mistakes; the message is the CLI's own (file, line, field).

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// Itemised problems (e.g. one per bad line of an `.inp` file).
    pub errors: Option<Value>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { status, code, message: message.into(), errors: None }
    }
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }
    /// Input that was read but is wrong (a bad `.inp`, CSV or TOML): 422.
    pub fn invalid(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }
    pub fn not_found(what: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", what)
    }
    pub fn unauthorized() -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "log in first (session cookie or Authorization: Bearer token)")
    }
    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", message)
    }
    pub fn conflict(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, "conflict", message)
    }
    pub fn internal(message: impl std::fmt::Display) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message.to_string())
    }
    pub fn with_errors(mut self, errors: Value) -> ApiError {
        self.errors = Some(errors);
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({"error": self.code, "message": self.message});
        if let Some(e) = self.errors {
            body["errors"] = e;
        }
        (self.status, Json(body)).into_response()
    }
}

impl From<oasis_store::StoreError> for ApiError {
    fn from(e: oasis_store::StoreError) -> ApiError {
        ApiError::internal(e)
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
