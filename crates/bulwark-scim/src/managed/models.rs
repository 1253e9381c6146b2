//! The managed catalog's rows and tables: `scimManagedConnection`, `scimManagedCredential` and
//! `scimManagedConnectionEvent` (upstream v1.7.1's managed schema), added only when the catalog is
//! configured.

use bulwark_core::adapter::{AdapterError, AdapterErrorKind, Row};
use bulwark_core::models::{Fields, Model};
use bulwark_core::schema::{FieldDef, FieldType, ModelDef, OnDelete};
use time::OffsetDateTime;

/// Where a managed connection is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConnectionStatus {
    /// Its credentials work.
    Active,
    /// Decommissioning began: its credentials no longer work.
    Decommissioning,
    /// Decommissioned for good.
    Decommissioned,
}

impl ConnectionStatus {
    /// Upstream's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Decommissioning => "decommissioning",
            Self::Decommissioned => "decommissioned",
        }
    }

    fn parse(value: &str) -> Option<Self> {
        [Self::Active, Self::Decommissioning, Self::Decommissioned]
            .into_iter()
            .find(|s| s.as_str() == value)
    }
}

/// Where a managed credential is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CredentialStatus {
    /// It works until it expires.
    Active,
    /// It expired (reported as soon as `expiresAt` passed, even if the row still says active).
    Expired,
    /// It was revoked.
    Revoked,
    /// Its connection was decommissioned.
    Decommissioned,
}

impl CredentialStatus {
    /// Upstream's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Expired => "expired",
            Self::Revoked => "revoked",
            Self::Decommissioned => "decommissioned",
        }
    }

    fn parse(value: &str) -> Option<Self> {
        [
            Self::Active,
            Self::Expired,
            Self::Revoked,
            Self::Decommissioned,
        ]
        .into_iter()
        .find(|s| s.as_str() == value)
    }
}

fn status<T>(
    model: &str,
    value: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<T, AdapterError> {
    parse(value).ok_or_else(|| {
        AdapterError::new(
            AdapterErrorKind::Decode,
            format!("{model}.status has an unknown value"),
        )
    })
}

/// A `scimManagedConnection` row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScimManagedConnection {
    /// The row id (the connection's record id, never shown).
    pub id: String,
    /// The caller's idempotency key of the creation (unique).
    pub creation_request_id: String,
    /// The public connection id, `ba_scim_connection_…` (unique).
    pub connection_id: String,
    /// The provisioning domain (tenant) that owns it.
    pub provisioning_domain_id: String,
    /// The organization its users become members of, if any (Bulwark extension).
    pub organization_id: Option<String>,
    /// Its status.
    pub status: ConnectionStatus,
    /// Bumped by every change; events are numbered by it.
    pub revision: i64,
    /// When it was created.
    pub created_at: OffsetDateTime,
    /// Who created it.
    pub created_by: String,
    /// When decommissioning began.
    pub decommission_started_at: Option<OffsetDateTime>,
    /// Who began decommissioning.
    pub decommission_started_by: Option<String>,
    /// When it was decommissioned.
    pub decommissioned_at: Option<OffsetDateTime>,
    /// Who decommissioned it.
    pub decommissioned_by: Option<String>,
}

impl Model for ScimManagedConnection {
    const NAME: &'static str = "scimManagedConnection";

    fn from_row(row: Row) -> Result<Self, AdapterError> {
        let mut f = Fields::new(Self::NAME, row);
        Ok(Self {
            id: f.string("id")?,
            creation_request_id: f.string("creationRequestId")?,
            connection_id: f.string("connectionId")?,
            provisioning_domain_id: f.string("provisioningDomainId")?,
            organization_id: f.opt_string("organizationId")?,
            status: status(Self::NAME, &f.string("status")?, ConnectionStatus::parse)?,
            revision: f.int("revision")?,
            created_at: f.date("createdAt")?,
            created_by: f.string("createdBy")?,
            decommission_started_at: f.opt_date("decommissionStartedAt")?,
            decommission_started_by: f.opt_string("decommissionStartedBy")?,
            decommissioned_at: f.opt_date("decommissionedAt")?,
            decommissioned_by: f.opt_string("decommissionedBy")?,
        })
    }

    fn to_row(&self) -> Row {
        let mut row = Row::new();
        row.set("id", self.id.as_str());
        row.set("creationRequestId", self.creation_request_id.as_str());
        row.set("connectionId", self.connection_id.as_str());
        row.set("provisioningDomainId", self.provisioning_domain_id.as_str());
        row.set("organizationId", self.organization_id.clone());
        row.set("status", self.status.as_str());
        row.set("revision", self.revision);
        row.set("createdAt", self.created_at);
        row.set("createdBy", self.created_by.as_str());
        row.set("decommissionStartedAt", self.decommission_started_at);
        row.set(
            "decommissionStartedBy",
            self.decommission_started_by.clone(),
        );
        row.set("decommissionedAt", self.decommissioned_at);
        row.set("decommissionedBy", self.decommissioned_by.clone());
        row
    }
}

/// A `scimManagedCredential` row: never the token, only its digest.
#[derive(Clone, PartialEq, Eq)]
pub struct ScimManagedCredential {
    /// The row id.
    pub id: String,
    /// The owning `scimManagedConnection` row.
    pub connection_record_id: String,
    /// The public credential id, `ba_scim_credential_…` (unique; the token's first part).
    pub credential_id: String,
    /// `base64url(HMAC-SHA-256(credentialHashSecret, token))`, unpadded.
    pub token_digest: String,
    /// The digest scheme, `v1`.
    pub hash_version: String,
    /// `<connection record id>:active:<n>` while active, `<credential id>:inactive` after (unique): the
    /// database itself keeps a connection within its active-credential cap.
    pub active_slot_key: String,
    /// Its stored status.
    pub status: CredentialStatus,
    /// Upstream's scope names as a JSON array.
    pub serialized_scopes: String,
    /// When it stops working.
    pub expires_at: OffsetDateTime,
    /// When it was issued.
    pub created_at: OffsetDateTime,
    /// Who issued it.
    pub created_by: String,
    /// When it last authenticated a request (written at most once per interval).
    pub last_used_at: Option<OffsetDateTime>,
    /// When it was revoked.
    pub revoked_at: Option<OffsetDateTime>,
    /// Who revoked it.
    pub revoked_by: Option<String>,
    /// When its connection was decommissioned.
    pub decommissioned_at: Option<OffsetDateTime>,
}

impl std::fmt::Debug for ScimManagedCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScimManagedCredential")
            .field("id", &self.id)
            .field("credential_id", &self.credential_id)
            .field("token_digest", &"[redacted]")
            .field("active_slot_key", &self.active_slot_key)
            .field("status", &self.status)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

impl Model for ScimManagedCredential {
    const NAME: &'static str = "scimManagedCredential";

    fn from_row(row: Row) -> Result<Self, AdapterError> {
        let mut f = Fields::new(Self::NAME, row);
        Ok(Self {
            id: f.string("id")?,
            connection_record_id: f.string("connectionRecordId")?,
            credential_id: f.string("credentialId")?,
            token_digest: f.string("tokenDigest")?,
            hash_version: f.string("hashVersion")?,
            active_slot_key: f.string("activeSlotKey")?,
            status: status(Self::NAME, &f.string("status")?, CredentialStatus::parse)?,
            serialized_scopes: f.string("serializedScopes")?,
            expires_at: f.date("expiresAt")?,
            created_at: f.date("createdAt")?,
            created_by: f.string("createdBy")?,
            last_used_at: f.opt_date("lastUsedAt")?,
            revoked_at: f.opt_date("revokedAt")?,
            revoked_by: f.opt_string("revokedBy")?,
            decommissioned_at: f.opt_date("decommissionedAt")?,
        })
    }

    fn to_row(&self) -> Row {
        let mut row = Row::new();
        row.set("id", self.id.as_str());
        row.set("connectionRecordId", self.connection_record_id.as_str());
        row.set("credentialId", self.credential_id.as_str());
        row.set("tokenDigest", self.token_digest.as_str());
        row.set("hashVersion", self.hash_version.as_str());
        row.set("activeSlotKey", self.active_slot_key.as_str());
        row.set("status", self.status.as_str());
        row.set("serializedScopes", self.serialized_scopes.as_str());
        row.set("expiresAt", self.expires_at);
        row.set("createdAt", self.created_at);
        row.set("createdBy", self.created_by.as_str());
        row.set("lastUsedAt", self.last_used_at);
        row.set("revokedAt", self.revoked_at);
        row.set("revokedBy", self.revoked_by.clone());
        row.set("decommissionedAt", self.decommissioned_at);
        row
    }
}

/// A `scimManagedConnectionEvent` row: one change of a connection, numbered by its revision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScimManagedConnectionEvent {
    /// The row id.
    pub id: String,
    /// The connection's row.
    pub connection_record_id: String,
    /// `<connection record id>:<sequence>` (unique).
    pub event_key: String,
    /// The connection's revision after the change.
    pub sequence: i64,
    /// `connection.created`, `credential.issued`, `credential.rotated`, `credential.revoked`,
    /// `connection.decommissioning` or `connection.decommissioned`.
    pub event_type: String,
    /// Who made the change.
    pub actor_id: String,
    /// The credential it concerns, if any.
    pub credential_id: Option<String>,
    /// When it happened.
    pub created_at: OffsetDateTime,
}

impl Model for ScimManagedConnectionEvent {
    const NAME: &'static str = "scimManagedConnectionEvent";

    fn from_row(row: Row) -> Result<Self, AdapterError> {
        let mut f = Fields::new(Self::NAME, row);
        Ok(Self {
            id: f.string("id")?,
            connection_record_id: f.string("connectionRecordId")?,
            event_key: f.string("eventKey")?,
            sequence: f.int("sequence")?,
            event_type: f.string("type")?,
            actor_id: f.string("actorId")?,
            credential_id: f.opt_string("credentialId")?,
            created_at: f.date("createdAt")?,
        })
    }

    fn to_row(&self) -> Row {
        let mut row = Row::new();
        row.set("id", self.id.as_str());
        row.set("connectionRecordId", self.connection_record_id.as_str());
        row.set("eventKey", self.event_key.as_str());
        row.set("sequence", self.sequence);
        row.set("type", self.event_type.as_str());
        row.set("actorId", self.actor_id.as_str());
        row.set("credentialId", self.credential_id.clone());
        row.set("createdAt", self.created_at);
        row
    }
}

fn string(name: &str) -> FieldDef {
    FieldDef::new(name, FieldType::String)
}

fn date(name: &str) -> FieldDef {
    FieldDef::new(name, FieldType::Date)
}

fn connection_record(name: &str) -> FieldDef {
    string(name)
        .required()
        .index()
        .references(ScimManagedConnection::NAME, "id")
        .on_delete(OnDelete::Cascade)
}

/// The catalog's three tables.
pub fn models() -> Vec<ModelDef> {
    vec![
        ModelDef::new(ScimManagedConnection::NAME)
            .field(string("creationRequestId").required().unique())
            .field(string("connectionId").required().unique())
            .field(string("provisioningDomainId").required().index())
            .field(string("organizationId"))
            .field(string("status").required())
            .field(FieldDef::new("revision", FieldType::Number).required())
            .field(date("createdAt").required())
            .field(string("createdBy").required())
            .field(date("decommissionStartedAt"))
            .field(string("decommissionStartedBy"))
            .field(date("decommissionedAt"))
            .field(string("decommissionedBy")),
        ModelDef::new(ScimManagedCredential::NAME)
            .field(connection_record("connectionRecordId"))
            .field(string("credentialId").required().unique())
            .field(string("tokenDigest").required())
            .field(string("hashVersion").required())
            .field(string("activeSlotKey").required().unique())
            .field(string("status").required())
            .field(string("serializedScopes").required())
            .field(date("expiresAt").required())
            .field(date("createdAt").required())
            .field(string("createdBy").required())
            .field(date("lastUsedAt"))
            .field(date("revokedAt"))
            .field(string("revokedBy"))
            .field(date("decommissionedAt")),
        ModelDef::new(ScimManagedConnectionEvent::NAME)
            .field(connection_record("connectionRecordId"))
            .field(string("eventKey").required().unique())
            .field(FieldDef::new("sequence", FieldType::Number).required())
            .field(string("type").required())
            .field(string("actorId").required())
            .field(string("credentialId"))
            .field(date("createdAt").required()),
    ]
}
