//! The `meta` attribute every resource carries (RFC 7643 §3.1).

use serde::{Deserialize, Serialize};

/// Resource metadata. Dates are RFC 3339 strings; read them with [`Timestamp`](crate::Timestamp).
///
/// Field order follows upstream v1.7.1's output (`resourceType, created, lastModified, location`),
/// then `version`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Meta {
    /// The resource's type (`User`, `Group`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
    /// When the resource was added.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// When the resource last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    /// The resource's URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// The resource's version, a weak entity tag (`W/"3694e05e9dff592"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}
