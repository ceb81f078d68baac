//! The API's error type and its one mapping to JSON: `{"error": {"code", "message", "param"?}}`.
//!
//! | code | status | when |
//! |---|---|---|
//! | `invalid_parameter` | 400 | a parameter does not parse or is out of range (`param` names it) |
//! | `invalid_body` | 400 | a request body that is not the JSON expected |
//! | `unauthorized` | 401 | a staff endpoint without `Authorization: Bearer` |
//! | `forbidden` | 403 | a wrong token, or no token configured (writes disabled) |
//! | `not_found` | 404 | no such initiative or route |
//! | `method_not_allowed` | 405 | the route exists, not with that method |
//! | `payload_too_large` | 413 | a bulk body over the limit (64 MiB by default) |
//! | `unsupported_media_type` | 415 | a bulk body that is not NDJSON, a JSON array or CSV |
//! | `invalid_documents` | 422 | a bulk batch with invalid rows under `on_error=abort` (with `rejected`) |
//! | `rate_limited` | 429 | the client IP is over its rate (with `Retry-After`) |
//! | `busy` | 503 | too many searches are waiting (with `Retry-After`) |
//! | `timeout` | 503 | the request ran longer than the timeout (logged) |
//! | `index_locked` | 503 | the index is held by another process |
//! | `internal` | 500 | a bug or an I/O failure (logged) |

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::engine;

/// Everything a handler can answer besides success.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A bad parameter.
    #[error("{message}")]
    InvalidParameter {
        /// The parameter.
        param: String,
        /// What is wrong.
        message: String,
    },
    /// A body that does not parse.
    #[error("{0}")]
    InvalidBody(String),
    /// Nothing there.
    #[error("{0}")]
    NotFound(String),
    /// No credentials.
    #[error("{0}")]
    Unauthorized(String),
    /// Wrong credentials, or writes disabled.
    #[error("{0}")]
    Forbidden(String),
    /// A body over the limit.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// A body in a format the endpoint does not take.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// Wrong method.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// Over the rate limit.
    #[error("too many requests from this address; retry after {retry_after} s")]
    TooManyRequests {
        /// Seconds to wait.
        retry_after: u64,
    },
    /// The search queue is full.
    #[error("{0}")]
    Busy(String),
    /// The request ran too long.
    #[error("{0}")]
    Timeout(String),
    /// The engine failed.
    #[error(transparent)]
    Engine(#[from] engine::Error),
    /// A blocking task panicked or was cancelled.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    /// A bad parameter.
    pub fn param(param: &str, message: impl Into<String>) -> Self {
        ApiError::InvalidParameter {
            param: param.to_string(),
            message: message.into(),
        }
    }

    /// The status, the error code and the parameter at fault (if any).
    pub(crate) fn parts(&self) -> (StatusCode, &'static str, Option<&str>) {
        match self {
            ApiError::InvalidParameter { param, .. } => {
                (StatusCode::BAD_REQUEST, "invalid_parameter", Some(param))
            }
            ApiError::InvalidBody(_) => (StatusCode::BAD_REQUEST, "invalid_body", None),
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found", None),
            ApiError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized", None),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden", None),
            ApiError::PayloadTooLarge(_) => {
                (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", None)
            }
            ApiError::UnsupportedMediaType(_) => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                None,
            ),
            ApiError::MethodNotAllowed => {
                (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", None)
            }
            ApiError::TooManyRequests { .. } => {
                (StatusCode::TOO_MANY_REQUESTS, "rate_limited", None)
            }
            ApiError::Busy(_) => (StatusCode::SERVICE_UNAVAILABLE, "busy", None),
            ApiError::Timeout(_) => (StatusCode::SERVICE_UNAVAILABLE, "timeout", None),
            ApiError::Engine(error) => match error {
                engine::Error::InvalidParam { param, .. } => {
                    (StatusCode::BAD_REQUEST, "invalid_parameter", Some(param))
                }
                engine::Error::NotFound(_) => (StatusCode::NOT_FOUND, "not_found", None),
                engine::Error::InvalidDocuments(_) => {
                    (StatusCode::UNPROCESSABLE_ENTITY, "invalid_documents", None)
                }
                engine::Error::Locked(_) => (StatusCode::SERVICE_UNAVAILABLE, "index_locked", None),
                _ => (StatusCode::INTERNAL_SERVER_ERROR, "internal", None),
            },
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal", None),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, param) = self.parts();
        let retry_after = match &self {
            ApiError::TooManyRequests { retry_after } => Some(*retry_after),
            ApiError::Busy(_) | ApiError::Timeout(_) => Some(1),
            _ => None,
        };
        let message = if status == StatusCode::INTERNAL_SERVER_ERROR {
            tracing::error!(error = %self, "internal error");
            "internal error; see the server log".to_string()
        } else {
            self.to_string()
        };
        let mut error = json!({"code": code, "message": message});
        if let Some(param) = param {
            error["param"] = json!(param);
        }
        let mut response = (status, Json(json!({ "error": error }))).into_response();
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response
    }
}

impl ApiError {
    /// A body that could not be read: over `limit` bytes, or cut off.
    pub fn from_body(rejection: axum::extract::rejection::BytesRejection, limit: usize) -> Self {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge(format!(
                "the body is larger than the limit of {limit} bytes"
            ))
        } else {
            ApiError::InvalidBody(rejection.body_text())
        }
    }
}

/// An `{id}` in a path that does not decode (not UTF-8) is a bad `id` parameter.
impl From<axum::extract::rejection::PathRejection> for ApiError {
    fn from(rejection: axum::extract::rejection::PathRejection) -> Self {
        ApiError::param("id", rejection.body_text())
    }
}
