//! The plugin's schema contribution.
//!
//! `scimProvider` is v1.6.30's table (`userId` always exists: provider ownership is on by default).
//! SCIM users follow the identity model of upstream v1.7.1 — a connection-owned `scimUser` linked to a
//! Bulwark `user` — with Bulwark's storage: the attributes identity providers filter on are indexed
//! columns, emails are rows of `scimEmail`, and uniqueness of `userName` (case-insensitive) and
//! `externalId` per connection is enforced by unique indexes, so two concurrent creates of one user can
//! never both succeed.

use bulwark_core::schema::{FieldDef, FieldType, ModelDef};

/// Unique index over `scimUser(connectionId, userNameKey)`.
pub const USER_NAME_INDEX: &str = "scimUser_connectionId_userNameKey_uidx";
/// Unique index over `scimUser(connectionId, externalId)`.
pub const EXTERNAL_ID_INDEX: &str = "scimUser_connectionId_externalId_uidx";
/// Unique index over `scimUser(connectionId, userId)`: one SCIM user per Bulwark user and connection.
pub const CONNECTION_USER_INDEX: &str = "scimUser_connectionId_userId_uidx";

/// The models the plugin adds with `options`: the managed connection catalog's tables only when it is
/// configured.
pub fn models(options: &crate::options::ScimOptions) -> Vec<ModelDef> {
    let managed = options.managed_connections.is_some();
    let mut models = vec![
        scim_provider(),
        scim_user(),
        scim_email(),
        scim_user_attribute(),
        scim_audit_event(),
    ];
    if managed {
        models.extend(crate::managed::models::models());
    }
    models
}

fn string(name: &str) -> FieldDef {
    FieldDef::new(name, FieldType::String)
}

fn scim_provider() -> ModelDef {
    ModelDef::new("scimProvider")
        .field(string("providerId").required().unique())
        .field(string("scimToken").required().unique())
        .field(string("organizationId"))
        .field(string("userId"))
}

fn scim_user() -> ModelDef {
    ModelDef::new("scimUser")
        .field(string("connectionId").required().index())
        .field(string("organizationId"))
        .field(string("userId").required().index().references("user", "id"))
        .field(string("userName").required())
        .field(string("userNameKey").required())
        .field(string("externalId"))
        .field(string("displayName").required())
        .field(string("givenName"))
        .field(string("familyName"))
        .field(string("primaryEmail").required())
        .field(FieldDef::new("active", FieldType::Boolean).required())
        // Set to `userId` on the one SCIM user that manages the user's profile: the unique index
        // keeps a second managing source out, also under concurrency.
        .field(string("profileUserId").unique())
        .field(FieldDef::new("attributes", FieldType::Json))
        .field(FieldDef::new("version", FieldType::Number).required())
        .field(FieldDef::new("createdAt", FieldType::Date).required())
        .field(FieldDef::new("updatedAt", FieldType::Date).required())
        .index(USER_NAME_INDEX, &["connectionId", "userNameKey"], true)
        .index(EXTERNAL_ID_INDEX, &["connectionId", "externalId"], true)
        .index(CONNECTION_USER_INDEX, &["connectionId", "userId"], true)
        // Lists read one connection's users in creation order: this index serves the page without
        // sorting the whole set.
        .index(
            "scimUser_connectionId_createdAt_id_idx",
            &["connectionId", "createdAt", "id"],
            false,
        )
}

fn scim_email() -> ModelDef {
    ModelDef::new("scimEmail")
        .field(
            string("scimUserId")
                .required()
                .index()
                .references("scimUser", "id"),
        )
        .field(string("connectionId").required())
        .field(string("value").required())
        .field(string("type"))
        .field(FieldDef::new("primary", FieldType::Boolean).required())
        .index(
            "scimEmail_connectionId_value_idx",
            &["connectionId", "value"],
            false,
        )
}

/// Single-valued attributes of declared schema extensions, for filters: `key` is
/// `<urn>:<name>` lower-cased; `folded` holds the lower-cased value of case-insensitive strings and
/// `number` the value of integers (text comparison would put `10` before `9`).
fn scim_user_attribute() -> ModelDef {
    ModelDef::new("scimUserAttribute")
        .field(
            string("scimUserId")
                .required()
                .index()
                .references("scimUser", "id"),
        )
        .field(string("connectionId").required())
        .field(string("key").required())
        .field(string("value").required())
        .field(string("folded"))
        .field(FieldDef::new("number", FieldType::Number))
        .index(
            "scimUserAttribute_connectionId_key_value_idx",
            &["connectionId", "key", "value"],
            false,
        )
        .index(
            "scimUserAttribute_connectionId_key_folded_idx",
            &["connectionId", "key", "folded"],
            false,
        )
        .index(
            "scimUserAttribute_connectionId_key_number_idx",
            &["connectionId", "key", "number"],
            false,
        )
}

fn scim_audit_event() -> ModelDef {
    ModelDef::new("scimAuditEvent")
        .field(string("connectionId").required().index())
        .field(string("credentialSource").required())
        .field(string("credentialId").required())
        .field(string("action").required())
        .field(string("resourceType").required())
        .field(string("resourceId").required().index())
        .field(string("userId"))
        .field(FieldDef::new("createdAt", FieldType::Date).required())
}
