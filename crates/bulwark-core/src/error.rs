//! Errors at the core's boundaries: `ApiError` (what an endpoint answers) and `BuildError` (configuration).

pub mod codes;

use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;
use http::{HeaderValue, StatusCode, header};
use serde::Serialize;

pub use codes::ErrorCode;

use crate::adapter::{AdapterError, AdapterErrorKind};

/// An error an endpoint answers with: an HTTP status, a stable upstream error code and a message.
///
/// It serialises as upstream's error JSON, `{"message":"User not found","code":"USER_NOT_FOUND"}`.
/// Internal failures (storage, crypto) become a 500 whose detail goes to `tracing`, never to the client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    status: StatusCode,
    code: Option<ErrorCode>,
    message: Cow<'static, str>,
    adapter_kind: Option<AdapterErrorKind>,
    code_first: bool,
}

impl ApiError {
    /// An error with upstream's message for `code`.
    pub fn new(status: StatusCode, code: ErrorCode) -> Self {
        Self {
            status,
            code: Some(code),
            message: Cow::Borrowed(code.message()),
            adapter_kind: None,
            code_first: false,
        }
    }

    /// An error with a code and a custom message.
    pub fn with_message(
        status: StatusCode,
        code: ErrorCode,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self {
            status,
            code: Some(code),
            message: message.into(),
            adapter_kind: None,
            code_first: false,
        }
    }

    /// An error without a code (upstream answers some failures with a message only).
    pub fn message_only(status: StatusCode, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            status,
            code: None,
            message: message.into(),
            adapter_kind: None,
            code_first: false,
        }
    }

    /// Writes `code` before `message` in the JSON body. Upstream builds a few errors with the fields in
    /// that order (for instance the organization plugin's `ROLE_NOT_FOUND`); key order is kept for parity.
    #[must_use]
    pub fn code_first(mut self) -> Self {
        self.code_first = true;
        self
    }

    /// `400 Bad Request` with `code`.
    pub fn bad_request(code: ErrorCode) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code)
    }

    /// `401 Unauthorized` with `code`.
    pub fn unauthorized(code: ErrorCode) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code)
    }

    /// `403 Forbidden` with `code`.
    pub fn forbidden(code: ErrorCode) -> Self {
        Self::new(StatusCode::FORBIDDEN, code)
    }

    /// `404 Not Found` with `code`.
    pub fn not_found(code: ErrorCode) -> Self {
        Self::new(StatusCode::NOT_FOUND, code)
    }

    /// `422 Unprocessable Entity` with `code`.
    pub fn unprocessable(code: ErrorCode) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code)
    }

    /// A 500 for an internal failure; `cause` is logged, the client sees only `code`.
    pub fn internal(code: ErrorCode, cause: &dyn fmt::Display) -> Self {
        tracing::error!(code = code.as_str(), %cause, "internal error");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, code)
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The error code, if any.
    pub fn code(&self) -> Option<ErrorCode> {
        self.code
    }

    /// The storage failure behind a 500, so callers can tell a lost race (`UniqueViolation`) from an
    /// outage without parsing messages.
    pub fn adapter_kind(&self) -> Option<AdapterErrorKind> {
        self.adapter_kind
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Upstream's JSON body.
    pub fn to_json(&self) -> Bytes {
        #[derive(Serialize)]
        struct Body<'a> {
            message: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            code: Option<&'a str>,
        }
        #[derive(Serialize)]
        struct CodeFirst<'a> {
            code: &'a str,
            message: &'a str,
        }
        let bytes = match (self.code, self.code_first) {
            (Some(code), true) => serde_json::to_vec(&CodeFirst {
                code: code.as_str(),
                message: &self.message,
            }),
            (code, _) => serde_json::to_vec(&Body {
                message: &self.message,
                code: code.map(ErrorCode::as_str),
            }),
        };
        bytes.map_or_else(|_| Bytes::from_static(b"{}"), Bytes::from)
    }

    /// The error as an HTTP response with a JSON body.
    pub fn into_response(self) -> http::Response<Bytes> {
        let mut res = http::Response::new(self.to_json());
        *res.status_mut() = self.status;
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        res
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.code {
            Some(code) => write!(
                f,
                "{} {}: {}",
                self.status.as_u16(),
                code.as_str(),
                self.message
            ),
            None => write!(f, "{}: {}", self.status.as_u16(), self.message),
        }
    }
}

impl std::error::Error for ApiError {}

impl From<AdapterError> for ApiError {
    fn from(err: AdapterError) -> Self {
        let kind = err.kind();
        Self {
            adapter_kind: Some(kind),
            ..Self::internal(codes::INTERNAL_SERVER_ERROR, &err)
        }
    }
}

/// A configuration problem found by `AuthBuilder::build`. The builder reports all of them at once.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A required option is missing.
    #[error("missing option `{0}`")]
    Missing(&'static str),
    /// An option has an invalid value.
    #[error("invalid option `{option}`: {reason}")]
    Invalid {
        /// The option.
        option: &'static str,
        /// Why it is invalid.
        reason: String,
    },
    /// Two plugins share an id.
    #[error("plugin `{0}` is registered twice")]
    DuplicatePlugin(String),
    /// Two endpoints share a method and path.
    #[error("endpoint {method} {path} is registered twice")]
    DuplicateEndpoint {
        /// The method.
        method: String,
        /// The path.
        path: String,
    },
    /// The schema is inconsistent.
    #[error(transparent)]
    Schema(#[from] crate::schema::SchemaError),
}

/// Every configuration problem found while building an `Auth`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildError {
    problems: Vec<ConfigError>,
}

impl BuildError {
    /// A build error from a non-empty list of problems.
    pub fn new(problems: Vec<ConfigError>) -> Self {
        Self { problems }
    }

    /// The problems, in the order they were found.
    pub fn problems(&self) -> &[ConfigError] {
        &self.problems
    }
}

impl From<ConfigError> for BuildError {
    fn from(problem: ConfigError) -> Self {
        Self {
            problems: vec![problem],
        }
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid auth configuration")?;
        for problem in &self.problems {
            write!(f, "; {problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for BuildError {}
