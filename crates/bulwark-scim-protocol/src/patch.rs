//! The PATCH request body (RFC 7644 §3.5.2).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::{PatchPath, PathError};

/// A PATCH request: `{"schemas":[PatchOp], "Operations":[...]}`.
///
/// ```
/// use bulwark_scim_protocol::{PatchOp, PatchOpKind, PatchPath};
///
/// let body: PatchOp = serde_json::from_str(r#"{
///     "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
///     "Operations": [{"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "a@example.com"}]
/// }"#)?;
/// let operation = &body.operations[0];
/// assert_eq!(operation.op.as_deref(), Some("Replace"));
/// assert_eq!(operation.kind(), Some(PatchOpKind::Replace));
/// assert!(matches!(operation.parse_path(), Some(Ok(PatchPath::Attribute { .. }))));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatchOp {
    /// `["urn:ietf:params:scim:api:messages:2.0:PatchOp"]`.
    pub schemas: Vec<String>,
    /// The operations, applied in order.
    #[serde(rename = "Operations")]
    pub operations: Vec<PatchOperation>,
}

/// One PATCH operation, kept as sent: `op` in whatever case, `path` unparsed, `value` any JSON.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatchOperation {
    /// `add`, `replace` or `remove`, in any case; see [`PatchOperation::kind`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub op: Option<String>,
    /// The target; see [`PatchOperation::parse_path`]. Absent means the whole resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The value. An explicit `null` is `Some(Value::Null)`, an absent value `None`.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub value: Option<Value>,
}

impl PatchOperation {
    /// The operation, or `None` when `op` is absent or not `add`, `replace` or `remove` (in any
    /// case). Upstream v1.7.1 treats an absent `op` as `replace` and answers an unknown one with
    /// `400 invalidValue`.
    pub fn kind(&self) -> Option<PatchOpKind> {
        self.op.as_deref().and_then(PatchOpKind::parse)
    }

    /// The parsed `path`, if there is one.
    pub fn parse_path(&self) -> Option<Result<PatchPath, PathError>> {
        self.path.as_deref().map(PatchPath::parse)
    }
}

/// The three PATCH operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PatchOpKind {
    /// `add`.
    Add,
    /// `replace`.
    Replace,
    /// `remove`.
    Remove,
}

impl PatchOpKind {
    /// The operation spelled `text`, ignoring ASCII case (`Replace`, `ADD`).
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Add, Self::Replace, Self::Remove]
            .into_iter()
            .find(|kind| kind.as_str().eq_ignore_ascii_case(text))
    }

    /// `add`, `replace` or `remove`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Add => "add",
            Self::Replace => "replace",
            Self::Remove => "remove",
        }
    }
}

impl fmt::Display for PatchOpKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Reads a present field as `Some`, `null` included.
fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(deserializer).map(Some)
}
