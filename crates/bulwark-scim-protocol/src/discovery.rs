//! The discovery resources: `ServiceProviderConfig` (RFC 7643 §5), `ResourceType` (§6) and
//! `Schema` (§7).

use serde::{Deserialize, Serialize};

use crate::Meta;

/// What the service provider supports (`GET /ServiceProviderConfig`).
///
/// Field order follows upstream v1.7.1's output (`schemas, patch, bulk, filter, changePassword,
/// sort, etag, authenticationSchemes, meta`), with `documentationUri` after `schemas`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceProviderConfig {
    /// `["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"]`.
    pub schemas: Vec<String>,
    /// Human-readable help.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub documentation_uri: Option<String>,
    /// PATCH support.
    pub patch: Supported,
    /// Bulk support and its limits.
    pub bulk: BulkSupport,
    /// Filter support and its result limit.
    pub filter: FilterSupport,
    /// Password change support.
    pub change_password: Supported,
    /// Sorting support.
    pub sort: Supported,
    /// `ETag` support.
    pub etag: Supported,
    /// The supported authentication schemes.
    pub authentication_schemes: Vec<AuthenticationScheme>,
    /// Resource metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
}

/// Whether a feature is supported.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Supported {
    /// Whether it is.
    pub supported: bool,
}

/// Bulk support.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkSupport {
    /// Whether `/Bulk` is supported.
    pub supported: bool,
    /// The most operations in one request.
    pub max_operations: u64,
    /// The largest request body, in bytes.
    pub max_payload_size: u64,
}

/// Filter support.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FilterSupport {
    /// Whether filtering is supported.
    pub supported: bool,
    /// The most resources one query returns.
    pub max_results: u64,
}

/// An authentication scheme. Field order follows upstream's (`name, description, specUri, type,
/// primary`), with `documentationUri` after `specUri`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthenticationScheme {
    /// The scheme's name ("OAuth Bearer Token").
    pub name: String,
    /// A description.
    pub description: String,
    /// The specification's URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec_uri: Option<String>,
    /// Human-readable help.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub documentation_uri: Option<String>,
    /// `oauth`, `oauth2`, `oauthbearertoken`, `httpbasic` or `httpdigest`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Whether this is the preferred scheme.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary: Option<bool>,
}

/// A resource type (`GET /ResourceTypes`). Field order follows upstream v1.7.1's output.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceType {
    /// `["urn:ietf:params:scim:schemas:core:2.0:ResourceType"]`.
    #[serde(default)]
    pub schemas: Vec<String>,
    /// The type's identifier (`User`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The type's name (`User`).
    pub name: String,
    /// The endpoint, relative to the base URL (`/Users`).
    pub endpoint: String,
    /// A description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The URN of the type's core schema.
    pub schema: String,
    /// The extension schemas the type may carry.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schema_extensions: Vec<SchemaExtension>,
    /// Resource metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
}

/// An extension schema of a resource type.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemaExtension {
    /// The extension's URN.
    pub schema: String,
    /// Whether every resource of the type must carry it.
    pub required: bool,
}

/// A schema definition (`GET /Schemas`). Field order follows upstream v1.7.1's output (`id,
/// schemas, name, description, attributes, meta`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Schema {
    /// The schema's URN.
    pub id: String,
    /// `["urn:ietf:params:scim:schemas:core:2.0:Schema"]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schemas: Vec<String>,
    /// The schema's name (`User`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The attributes.
    pub attributes: Vec<SchemaAttribute>,
    /// Resource metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
}

/// An attribute definition of a schema (RFC 7643 §7). Keys are written in the order Better Auth writes
/// them: `referenceTypes` right after `type`, `subAttributes` before `mutability`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaAttribute {
    /// The attribute's name.
    pub name: String,
    /// The attribute's data type.
    #[serde(rename = "type")]
    pub kind: AttributeType,
    /// The resource types a reference may point to (`User`, `Group`, `external`, `uri`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_types: Option<Vec<String>>,
    /// Whether the attribute holds a list of values.
    #[serde(default)]
    pub multi_valued: bool,
    /// A description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether a value is required.
    #[serde(default)]
    pub required: bool,
    /// Whether string comparisons are case-sensitive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_exact: Option<bool>,
    /// Suggested values ("work", "home").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canonical_values: Option<Vec<String>>,
    /// The sub-attributes of a complex attribute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_attributes: Option<Vec<SchemaAttribute>>,
    /// When the attribute may change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mutability: Option<Mutability>,
    /// When the attribute is returned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returned: Option<Returned>,
    /// How values are unique.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uniqueness: Option<Uniqueness>,
}

/// The data type of an attribute.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AttributeType {
    /// `string`.
    #[default]
    String,
    /// `boolean`.
    Boolean,
    /// `decimal`.
    Decimal,
    /// `integer`.
    Integer,
    /// `dateTime`.
    DateTime,
    /// `reference`.
    Reference,
    /// `complex`.
    Complex,
    /// `binary`.
    Binary,
}

/// When an attribute may change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Mutability {
    /// `readOnly`: never changed by clients.
    ReadOnly,
    /// `readWrite`: changed freely.
    ReadWrite,
    /// `immutable`: set once, then never changed.
    Immutable,
    /// `writeOnly`: set, never returned.
    WriteOnly,
}

/// When an attribute is returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Returned {
    /// `always`.
    Always,
    /// `never`.
    Never,
    /// `default`: unless excluded.
    Default,
    /// `request`: only when asked for.
    Request,
}

/// How an attribute's values are unique.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Uniqueness {
    /// `none`.
    None,
    /// `server`: within the service provider.
    Server,
    /// `global`: globally.
    Global,
}
