//! SCIM errors (RFC 7644 §3.12): every `/scim/v2` failure answers
//! `{"schemas":[…Error],"status":"<code>","detail":…,"scimType":…}` with `application/scim+json`, and
//! a 401 also carries `WWW-Authenticate: Bearer realm="SCIM"`.

use std::fmt;

use bulwark_core::{ApiError, ApiResponse};
pub use bulwark_scim_protocol::ScimType;
use http::{HeaderValue, StatusCode, header};
use serde_json::Value;

/// The SCIM media type.
pub const SCIM_MEDIA_TYPE: &str = bulwark_scim_protocol::MEDIA_TYPE;

/// The URN of SCIM error bodies.
pub const ERROR_SCHEMA: &str = bulwark_scim_protocol::urn::ERROR;

/// A SCIM error as the plugin raises and answers it: a status, a detail and, for 400 and 409, a
/// `scimType`. Its body is the protocol crate's wire type ([`ScimError::to_wire`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScimError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The human-readable detail.
    pub detail: Option<String>,
    /// RFC 7644's error type (`invalidFilter`, `uniqueness`, …).
    pub scim_type: Option<ScimType>,
}

impl ScimError {
    /// An error with a status and detail.
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Self {
            status,
            detail: Some(detail.into()),
            scim_type: None,
        }
    }

    /// Sets the `scimType`.
    #[must_use]
    pub fn scim_type(mut self, scim_type: ScimType) -> Self {
        self.scim_type = Some(scim_type);
        self
    }

    /// 400 with a `scimType`.
    pub fn bad_request(scim_type: ScimType, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, detail).scim_type(scim_type)
    }

    /// 400 `invalidValue`.
    pub fn invalid_value(detail: impl Into<String>) -> Self {
        Self::bad_request(ScimType::InvalidValue, detail)
    }

    /// 401.
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, detail)
    }

    /// 403.
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, detail)
    }

    /// 404.
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, detail)
    }

    /// 409 `uniqueness`.
    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, detail).scim_type(ScimType::Uniqueness)
    }

    /// The wire type of the body.
    pub fn to_wire(&self) -> bulwark_scim_protocol::ScimError {
        let mut wire = bulwark_scim_protocol::ScimError::new(self.status.as_u16(), "");
        wire.detail.clone_from(&self.detail);
        wire.scim_type = self.scim_type;
        wire
    }

    /// The JSON body, keys in upstream's order `schemas, status, detail, scimType`.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self.to_wire()).unwrap_or(Value::Null)
    }

    /// The HTTP response.
    pub fn into_response(self) -> ApiResponse {
        let mut res = ApiResponse::json_with_status(self.status, SCIM_MEDIA_TYPE, &self.to_json())
            .unwrap_or_else(|_| ApiResponse::empty(self.status));
        if self.status == StatusCode::UNAUTHORIZED {
            res.headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"SCIM\""),
            );
        }
        res.headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(SCIM_MEDIA_TYPE),
        );
        res
    }
}

impl fmt::Display for ScimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}",
            self.status.as_u16(),
            self.detail.as_deref().unwrap_or_default()
        )
    }
}

impl std::error::Error for ScimError {}

/// An error of the core or another plugin, re-shaped as upstream v1.7.1 does: same status, its message
/// as the detail, and `invalidValue` for validation failures.
impl From<ApiError> for ScimError {
    fn from(err: ApiError) -> Self {
        let status = err.status();
        let validation = status == StatusCode::BAD_REQUEST
            && err.code().is_some_and(|c| c.as_str() == "VALIDATION_ERROR");
        if status.is_server_error() {
            tracing::error!(error = %err, "SCIM request failed");
        }
        let detail = if err.message().is_empty() {
            status.canonical_reason().unwrap_or_default().to_owned()
        } else {
            err.message().to_owned()
        };
        Self {
            status,
            detail: Some(detail),
            scim_type: validation.then_some(ScimType::InvalidValue),
        }
    }
}
