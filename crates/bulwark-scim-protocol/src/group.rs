//! The Group resource (RFC 7643 §4.2) and the member references it and `User.groups` hold.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::Meta;

/// A Group resource.
///
/// Field order follows upstream v1.7.1's output (`schemas, id, externalId, displayName, meta,
/// members`). Attributes not modelled are kept in [`Group::additional`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    /// `["urn:ietf:params:scim:schemas:core:2.0:Group"]`, plus extension URNs.
    #[serde(default)]
    pub schemas: Vec<String>,
    /// The service provider's identifier (read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The client's identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// The group's name (required).
    pub display_name: String,
    /// Resource metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    /// The members.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub members: Option<Vec<Member>>,
    /// Attributes not modelled above, kept in order.
    #[serde(flatten)]
    pub additional: Map<String, Value>,
}

/// A reference to a member of a group (`Group.members`) or to a group of a user (`User.groups`).
///
/// Field order follows upstream's members (`value, $ref, display, type`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// The `id` of the referenced resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The URI of the referenced resource.
    #[serde(rename = "$ref", default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// The referenced resource's display name (read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
    /// `User` or `Group` in `members`; `direct` or `indirect` in `User.groups`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}
