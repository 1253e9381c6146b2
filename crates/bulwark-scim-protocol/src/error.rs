//! The SCIM error body (RFC 7644 §3.12) and its `scimType` codes.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::urn;

/// A SCIM error response body.
///
/// Serialises as `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"400",
/// "detail":"...","scimType":"invalidFilter"}`: keys in that order, `status` as a string, `detail`
/// and `scimType` left out when absent, as upstream v1.7.1 writes it. `status` also reads from a
/// JSON number.
///
/// ```
/// use bulwark_scim_protocol::{ScimError, ScimType};
///
/// let error = ScimError::bad_request(ScimType::InvalidPath, "User PATCH path x is not supported");
/// assert_eq!(
///     serde_json::to_string(&error)?,
///     r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"400","detail":"User PATCH path x is not supported","scimType":"invalidPath"}"#
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScimError {
    /// `["urn:ietf:params:scim:api:messages:2.0:Error"]`.
    pub schemas: Vec<String>,
    /// The HTTP status code (a string on the wire).
    #[serde(
        serialize_with = "status_as_string",
        deserialize_with = "status_from_any"
    )]
    pub status: u16,
    /// A human-readable explanation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The SCIM error code, for `400` and `409` answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scim_type: Option<ScimType>,
}

impl ScimError {
    /// An error with `status` and `detail`, without a `scimType`.
    pub fn new(status: u16, detail: impl Into<String>) -> Self {
        Self {
            schemas: vec![urn::ERROR.to_owned()],
            status,
            detail: Some(detail.into()),
            scim_type: None,
        }
    }

    /// A `400 Bad Request` with `scim_type` and `detail`.
    pub fn bad_request(scim_type: ScimType, detail: impl Into<String>) -> Self {
        Self::new(400, detail).with_scim_type(scim_type)
    }

    /// This error with `scim_type` as its `scimType`.
    #[must_use]
    pub fn with_scim_type(mut self, scim_type: ScimType) -> Self {
        self.scim_type = Some(scim_type);
        self
    }
}

impl fmt::Display for ScimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SCIM error {}", self.status)?;
        if let Some(scim_type) = self.scim_type {
            write!(f, " ({scim_type})")?;
        }
        if let Some(detail) = &self.detail {
            write!(f, ": {detail}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ScimError {}

/// The `scimType` codes of RFC 7644 §3.12, table 9.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ScimType {
    /// The filter syntax is invalid, or the attribute or operator is unsupported (400).
    InvalidFilter,
    /// The filter yields too many results to process (400).
    TooMany,
    /// A value violates a uniqueness constraint (409).
    Uniqueness,
    /// The change would modify an immutable or read-only attribute (400).
    Mutability,
    /// The request body is not valid SCIM (400).
    InvalidSyntax,
    /// The PATCH path is invalid (400).
    InvalidPath,
    /// The PATCH path matches no attribute or value (400).
    NoTarget,
    /// A value is missing, of the wrong type, or otherwise unacceptable (400).
    InvalidValue,
    /// The requested protocol version is not supported (400).
    InvalidVers,
    /// The request carries sensitive information in its URI (403).
    Sensitive,
}

impl ScimType {
    /// The code as written on the wire (`invalidFilter`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidFilter => "invalidFilter",
            Self::TooMany => "tooMany",
            Self::Uniqueness => "uniqueness",
            Self::Mutability => "mutability",
            Self::InvalidSyntax => "invalidSyntax",
            Self::InvalidPath => "invalidPath",
            Self::NoTarget => "noTarget",
            Self::InvalidValue => "invalidValue",
            Self::InvalidVers => "invalidVers",
            Self::Sensitive => "sensitive",
        }
    }
}

impl fmt::Display for ScimType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[expect(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde's serialize_with passes a reference"
)]
fn status_as_string<S: Serializer>(status: &u16, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(status)
}

fn status_from_any<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u16, D::Error> {
    struct StatusVisitor;

    impl serde::de::Visitor<'_> for StatusVisitor {
        type Value = u16;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an HTTP status code as a string or a number")
        }

        fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<u16, E> {
            text.parse()
                .map_err(|_| E::invalid_value(serde::de::Unexpected::Str(text), &self))
        }

        fn visit_u64<E: serde::de::Error>(self, number: u64) -> Result<u16, E> {
            u16::try_from(number)
                .map_err(|_| E::invalid_value(serde::de::Unexpected::Unsigned(number), &self))
        }

        fn visit_i64<E: serde::de::Error>(self, number: i64) -> Result<u16, E> {
            u16::try_from(number)
                .map_err(|_| E::invalid_value(serde::de::Unexpected::Signed(number), &self))
        }
    }

    deserializer.deserialize_any(StatusVisitor)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn writes_upstream_key_order_with_a_string_status() {
        let error = ScimError::new(404, "SCIM User not found");
        assert_eq!(
            serde_json::to_string(&error).unwrap(),
            r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"404","detail":"SCIM User not found"}"#
        );
        let error = ScimError::new(409, "SCIM User userName already exists")
            .with_scim_type(ScimType::Uniqueness);
        assert_eq!(
            serde_json::to_value(&error).unwrap(),
            json!({
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
                "status": "409",
                "detail": "SCIM User userName already exists",
                "scimType": "uniqueness",
            })
        );
        assert_eq!(
            error.to_string(),
            "SCIM error 409 (uniqueness): SCIM User userName already exists"
        );
    }

    #[test]
    fn reads_string_or_number_status() {
        let body = json!({"schemas": [urn::ERROR], "status": "413", "scimType": "tooMany"});
        let error: ScimError = serde_json::from_value(body).unwrap();
        assert_eq!(
            (error.status, error.scim_type, error.detail),
            (413, Some(ScimType::TooMany), None)
        );
        let error: ScimError =
            serde_json::from_value(json!({"schemas": [urn::ERROR], "status": 500})).unwrap();
        assert_eq!(error.status, 500);
        assert!(
            serde_json::from_value::<ScimError>(json!({"schemas": [], "status": "abc"})).is_err()
        );
    }

    #[test]
    fn every_scim_type_round_trips() {
        for scim_type in [
            ScimType::InvalidFilter,
            ScimType::TooMany,
            ScimType::Uniqueness,
            ScimType::Mutability,
            ScimType::InvalidSyntax,
            ScimType::InvalidPath,
            ScimType::NoTarget,
            ScimType::InvalidValue,
            ScimType::InvalidVers,
            ScimType::Sensitive,
        ] {
            let text = serde_json::to_string(&scim_type).unwrap();
            assert_eq!(text, format!("\"{scim_type}\""));
            assert_eq!(serde_json::from_str::<ScimType>(&text).unwrap(), scim_type);
        }
    }
}
