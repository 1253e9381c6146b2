//! The plugin's rows: provider tokens (`scimProvider`), connection-owned SCIM users (`scimUser`), their
//! emails (`scimEmail`) and the audit trail (`scimAuditEvent`).

use bulwark_core::adapter::{AdapterError, Row};
use bulwark_core::models::{Fields, Model};
use serde_json::Value as Json;
use time::OffsetDateTime;

/// A v1.6 provider token row: a provider id, the stored form of its secret, and its scope.
#[derive(Clone, PartialEq, Eq)]
pub struct ScimProvider {
    /// The row id.
    pub id: String,
    /// The provider id (unique).
    pub provider_id: String,
    /// The stored form of the token's secret (see `TokenStorage`).
    pub scim_token: String,
    /// The organization the provider provisions into, if any.
    pub organization_id: Option<String>,
    /// The user who created the token (with provider ownership).
    pub user_id: Option<String>,
}

impl std::fmt::Debug for ScimProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScimProvider")
            .field("id", &self.id)
            .field("provider_id", &self.provider_id)
            .field("scim_token", &"[redacted]")
            .field("organization_id", &self.organization_id)
            .field("user_id", &self.user_id)
            .finish()
    }
}

impl Model for ScimProvider {
    const NAME: &'static str = "scimProvider";

    fn from_row(row: Row) -> Result<Self, AdapterError> {
        let mut f = Fields::new(Self::NAME, row);
        Ok(Self {
            id: f.string("id")?,
            provider_id: f.string("providerId")?,
            scim_token: f.string("scimToken")?,
            organization_id: f.opt_string("organizationId")?,
            user_id: f.opt_string("userId")?,
        })
    }

    fn to_row(&self) -> Row {
        let mut row = Row::new();
        row.set("id", self.id.as_str());
        row.set("providerId", self.provider_id.as_str());
        row.set("scimToken", self.scim_token.as_str());
        row.set("organizationId", self.organization_id.clone());
        row.set("userId", self.user_id.clone());
        row
    }
}

/// A SCIM user: owned by one connection, linked to one Bulwark `user`.
///
/// The attributes identity providers filter and sort on are columns; the whole resource as last written
/// (extensions and rarely used attributes included) is the `attributes` document, so it round-trips.
#[derive(Clone, Debug, PartialEq)]
pub struct ScimUser {
    /// The SCIM id (not the Bulwark user id).
    pub id: String,
    /// The owning connection.
    pub connection_id: String,
    /// The connection's organization at creation, if any.
    pub organization_id: Option<String>,
    /// The linked Bulwark user.
    pub user_id: String,
    /// `userName` as sent (trimmed).
    pub user_name: String,
    /// `userName` lower-cased: unique per connection.
    pub user_name_key: String,
    /// `externalId`: unique per connection, case-sensitive.
    pub external_id: Option<String>,
    /// `displayName`.
    pub display_name: String,
    /// `name.givenName`.
    pub given_name: Option<String>,
    /// `name.familyName`.
    pub family_name: Option<String>,
    /// The primary email, lower-cased: the linked Bulwark user's email (a placeholder address under
    /// [`MissingEmail::Placeholder`](crate::options::MissingEmail::Placeholder) when the User has no
    /// email).
    pub primary_email: String,
    /// `active`.
    pub active: bool,
    /// The linked Bulwark user's id when this SCIM user manages its profile (email and name follow
    /// it), else `None`. Unique: a user has at most one profile-managing source.
    pub profile_user_id: Option<String>,
    /// The full resource as stored (without `id`, `meta`).
    pub attributes: Json,
    /// Bumped on every change (for weak `ETag`s).
    pub version: i64,
    /// `meta.created`.
    pub created_at: OffsetDateTime,
    /// `meta.lastModified`.
    pub updated_at: OffsetDateTime,
}

impl Model for ScimUser {
    const NAME: &'static str = "scimUser";

    fn from_row(row: Row) -> Result<Self, AdapterError> {
        let mut f = Fields::new(Self::NAME, row);
        Ok(Self {
            id: f.string("id")?,
            connection_id: f.string("connectionId")?,
            organization_id: f.opt_string("organizationId")?,
            user_id: f.string("userId")?,
            user_name: f.string("userName")?,
            user_name_key: f.string("userNameKey")?,
            external_id: f.opt_string("externalId")?,
            display_name: f.string("displayName")?,
            given_name: f.opt_string("givenName")?,
            family_name: f.opt_string("familyName")?,
            primary_email: f.string("primaryEmail")?,
            active: f.bool("active")?,
            profile_user_id: f.opt_string("profileUserId")?,
            attributes: f.opt_json("attributes")?.unwrap_or(Json::Null),
            version: f.int("version")?,
            created_at: f.date("createdAt")?,
            updated_at: f.date("updatedAt")?,
        })
    }

    fn to_row(&self) -> Row {
        let mut row = Row::new();
        row.set("id", self.id.as_str());
        row.set("connectionId", self.connection_id.as_str());
        row.set("organizationId", self.organization_id.clone());
        row.set("userId", self.user_id.as_str());
        row.set("userName", self.user_name.as_str());
        row.set("userNameKey", self.user_name_key.as_str());
        row.set("externalId", self.external_id.clone());
        row.set("displayName", self.display_name.as_str());
        row.set("givenName", self.given_name.clone());
        row.set("familyName", self.family_name.clone());
        row.set("primaryEmail", self.primary_email.as_str());
        row.set("active", self.active);
        row.set("profileUserId", self.profile_user_id.clone());
        row.set("attributes", self.attributes.clone());
        row.set("version", self.version);
        row.set("createdAt", self.created_at);
        row.set("updatedAt", self.updated_at);
        row
    }
}

/// One email of a SCIM user, so `emails.value` and `emails[type eq …]` filters run as indexed
/// subqueries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScimEmail {
    /// The row id.
    pub id: String,
    /// The SCIM user.
    pub scim_user_id: String,
    /// The owning connection (so lookups by value stay inside one tenant).
    pub connection_id: String,
    /// The address, lower-cased.
    pub value: String,
    /// The type (`work`, `home`, …), lower-cased.
    pub r#type: Option<String>,
    /// Whether it is the primary email.
    pub primary: bool,
}

impl Model for ScimEmail {
    const NAME: &'static str = "scimEmail";

    fn from_row(row: Row) -> Result<Self, AdapterError> {
        let mut f = Fields::new(Self::NAME, row);
        Ok(Self {
            id: f.string("id")?,
            scim_user_id: f.string("scimUserId")?,
            connection_id: f.string("connectionId")?,
            value: f.string("value")?,
            r#type: f.opt_string("type")?,
            primary: f.bool("primary")?,
        })
    }

    fn to_row(&self) -> Row {
        let mut row = Row::new();
        row.set("id", self.id.as_str());
        row.set("scimUserId", self.scim_user_id.as_str());
        row.set("connectionId", self.connection_id.as_str());
        row.set("value", self.value.as_str());
        row.set("type", self.r#type.clone());
        row.set("primary", self.primary);
        row
    }
}

/// One SCIM mutation: who (connection and credential), what, when.
#[derive(Clone, Debug, PartialEq)]
pub struct ScimAuditEvent {
    /// The row id.
    pub id: String,
    /// The connection that made the change.
    pub connection_id: String,
    /// Where its credential came from (`static`, `provider-token`, …).
    pub credential_source: String,
    /// The credential's id (never its value).
    pub credential_id: String,
    /// What happened (`user.created`, `user.updated`, `user.deactivated`, `user.deleted`, …).
    pub action: String,
    /// The resource type (`User`).
    pub resource_type: String,
    /// The SCIM id of the resource.
    pub resource_id: String,
    /// The Bulwark user concerned, if any.
    pub user_id: Option<String>,
    /// When.
    pub created_at: OffsetDateTime,
}

impl Model for ScimAuditEvent {
    const NAME: &'static str = "scimAuditEvent";

    fn from_row(row: Row) -> Result<Self, AdapterError> {
        let mut f = Fields::new(Self::NAME, row);
        Ok(Self {
            id: f.string("id")?,
            connection_id: f.string("connectionId")?,
            credential_source: f.string("credentialSource")?,
            credential_id: f.string("credentialId")?,
            action: f.string("action")?,
            resource_type: f.string("resourceType")?,
            resource_id: f.string("resourceId")?,
            user_id: f.opt_string("userId")?,
            created_at: f.date("createdAt")?,
        })
    }

    fn to_row(&self) -> Row {
        let mut row = Row::new();
        row.set("id", self.id.as_str());
        row.set("connectionId", self.connection_id.as_str());
        row.set("credentialSource", self.credential_source.as_str());
        row.set("credentialId", self.credential_id.as_str());
        row.set("action", self.action.as_str());
        row.set("resourceType", self.resource_type.as_str());
        row.set("resourceId", self.resource_id.as_str());
        row.set("userId", self.user_id.clone());
        row.set("createdAt", self.created_at);
        row
    }
}

/// One single-valued attribute of a declared schema extension of a SCIM user, so filters on extension
/// attributes run as indexed subqueries (the full extension object stays in
/// `scimUser.attributes`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScimUserAttribute {
    /// The row id.
    pub id: String,
    /// The SCIM user.
    pub scim_user_id: String,
    /// The owning connection.
    pub connection_id: String,
    /// `<extension URN>:<attribute name>`, lower-cased.
    pub key: String,
    /// The value as text: strings as sent, booleans `true`/`false`, integers in decimal, timestamps as
    /// RFC 3339 UTC with milliseconds (which sort as text).
    pub value: String,
    /// The lower-cased value of a case-insensitive string attribute.
    pub folded: Option<String>,
    /// The value of an integer attribute, compared as a number.
    pub number: Option<i64>,
}

impl Model for ScimUserAttribute {
    const NAME: &'static str = "scimUserAttribute";

    fn from_row(row: Row) -> Result<Self, AdapterError> {
        let mut f = Fields::new(Self::NAME, row);
        Ok(Self {
            id: f.string("id")?,
            scim_user_id: f.string("scimUserId")?,
            connection_id: f.string("connectionId")?,
            key: f.string("key")?,
            value: f.string("value")?,
            folded: f.opt_string("folded")?,
            number: f.opt_int("number")?,
        })
    }

    fn to_row(&self) -> Row {
        let mut row = Row::new();
        row.set("id", self.id.as_str());
        row.set("scimUserId", self.scim_user_id.as_str());
        row.set("connectionId", self.connection_id.as_str());
        row.set("key", self.key.as_str());
        row.set("value", self.value.as_str());
        row.set("folded", self.folded.clone());
        row.set("number", self.number);
        row
    }
}
