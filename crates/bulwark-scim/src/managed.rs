//! The managed connection catalog (upstream v1.7.1's server-only `*SCIMManaged*` endpoints): SCIM
//! connections and their bearer credentials created, rotated, revoked and decommissioned by the
//! application at run time, per provisioning domain (tenant).
//!
//! Nothing here has an HTTP route: the application calls [`ManagedConnections`] from its own trusted
//! code. A credential's token (`ba_scim_credential_<32>.<48>`) is returned once, at issuance; only its
//! HMAC-SHA-256 digest under [`ManagedConnectionOptions::credential_hash_secret`] is stored. A
//! connection holds at most `max_active_credentials` active credentials, enforced by the database
//! through the unique `activeSlotKey`; rotation issues a new credential while the old ones keep working
//! until they expire or are revoked. Every change bumps the connection's `revision` (a fence against
//! concurrent changes) and appends an event numbered by it.
//!
//! [`authenticate`] is the `/scim/v2` side: a `ba_scim_credential_` bearer token is verified against
//! the catalog only, never against the application's verifier.

pub mod models;

use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

use bulwark_core::adapter::Sort;
use bulwark_core::crypto::{
    base64url_encode, constant_time_eq, generate_random_string, hmac_sha256,
};
use bulwark_core::error::{ErrorCode, codes};
use bulwark_core::store::Store;
use bulwark_core::{AdapterErrorKind, ApiError, Auth, Row, Where};
use http::StatusCode;
use time::OffsetDateTime;

use crate::credentials::provider_token::MANAGED_CREDENTIAL_PREFIX;
use crate::credentials::{CredentialSource, MANAGED_CONNECTION_PREFIX, Principal, Scopes};
use crate::error::ScimError;
use crate::options::{ManagedConnectionOptions, ScimOptions};

pub use models::{
    ConnectionStatus, CredentialStatus, ScimManagedConnection, ScimManagedConnectionEvent,
    ScimManagedCredential,
};

/// Upstream's error code for a reused creation request id.
pub const CREATION_REQUEST_ID_CONFLICT: ErrorCode = ErrorCode::new(
    "SCIM_MANAGED_CREATION_REQUEST_ID_CONFLICT",
    "Managed SCIM connection creation request ID already exists",
);

/// The digest scheme stored in `hashVersion`.
pub const HASH_VERSION: &str = "v1";
/// How many events [`ManagedConnections::events`] returns at most (the newest).
pub const EVENT_LIMIT: u64 = 100;
/// Random characters after the prefix of a connection or credential id.
const ID_LEN: usize = 32;
/// Random characters of a token's secret part.
const SECRET_LEN: usize = 48;
/// How often a change that lost a race with another change is retried.
const ATTEMPTS: usize = 5;

const NOT_FOUND: &str = "Managed SCIM connection not found";
const NOT_ACTIVE: &str = "Managed SCIM connection is not active";
const CREDENTIAL_NOT_ACTIVE: &str = "Managed SCIM credential is not active";
const AT_CAPACITY: &str = "Managed SCIM connection has the maximum number of active credentials";

/// A managed connection as the API shows it (no record id, no revision).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManagedConnection {
    /// The idempotency key it was created with.
    pub creation_request_id: String,
    /// Its id, `ba_scim_connection_…`: the `connectionId` of the SCIM users it provisions.
    pub connection_id: String,
    /// The provisioning domain that owns it.
    pub provisioning_domain_id: String,
    /// The organization its users become members of, if any (Bulwark extension).
    pub organization_id: Option<String>,
    /// Its status.
    pub status: ConnectionStatus,
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

impl From<&ScimManagedConnection> for ManagedConnection {
    fn from(row: &ScimManagedConnection) -> Self {
        Self {
            creation_request_id: row.creation_request_id.clone(),
            connection_id: row.connection_id.clone(),
            provisioning_domain_id: row.provisioning_domain_id.clone(),
            organization_id: row.organization_id.clone(),
            status: row.status,
            created_at: row.created_at,
            created_by: row.created_by.clone(),
            decommission_started_at: row.decommission_started_at,
            decommission_started_by: row.decommission_started_by.clone(),
            decommissioned_at: row.decommissioned_at,
            decommissioned_by: row.decommissioned_by.clone(),
        }
    }
}

/// A managed credential as the API shows it (never its token or digest).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManagedCredential {
    /// Its id, `ba_scim_credential_…` (the token's first part).
    pub credential_id: String,
    /// Its status; `Expired` as soon as `expires_at` passed.
    pub status: CredentialStatus,
    /// What it may do.
    pub scopes: Scopes,
    /// When it stops working.
    pub expires_at: OffsetDateTime,
    /// When it was issued.
    pub created_at: OffsetDateTime,
    /// Who issued it.
    pub created_by: String,
    /// When it last authenticated a request (at most once per write interval).
    pub last_used_at: Option<OffsetDateTime>,
    /// When it was revoked.
    pub revoked_at: Option<OffsetDateTime>,
    /// Who revoked it.
    pub revoked_by: Option<String>,
}

impl ManagedCredential {
    fn from_row(row: &ScimManagedCredential, now: OffsetDateTime) -> Result<Self, ApiError> {
        let status = if row.status == CredentialStatus::Active && row.expires_at <= now {
            CredentialStatus::Expired
        } else {
            row.status
        };
        Ok(Self {
            credential_id: row.credential_id.clone(),
            status,
            scopes: parse_scopes(&row.serialized_scopes)?,
            expires_at: row.expires_at,
            created_at: row.created_at,
            created_by: row.created_by.clone(),
            last_used_at: row.last_used_at,
            revoked_at: row.revoked_at,
            revoked_by: row.revoked_by.clone(),
        })
    }
}

/// A connection and its credentials, newest first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnectionState {
    /// The connection.
    pub connection: ManagedConnection,
    /// Its credentials, newest first.
    pub credentials: Vec<ManagedCredential>,
}

/// A newly issued credential with its token, which is shown this once.
#[derive(Clone, PartialEq, Eq)]
pub struct IssuedCredential {
    /// The connection.
    pub connection: ManagedConnection,
    /// The new credential.
    pub credential: ManagedCredential,
    /// The bearer token, `<credential id>.<secret>`: not stored anywhere, not recoverable.
    pub token: String,
}

impl fmt::Debug for IssuedCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuedCredential")
            .field("connection", &self.connection)
            .field("credential", &self.credential)
            .field("token", &"[redacted]")
            .finish()
    }
}

/// One change of a connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnectionEvent {
    /// The connection's revision after the change (1 for its creation).
    pub sequence: i64,
    /// What happened: `connection.created`, `credential.issued`, `credential.rotated`,
    /// `credential.revoked`, `connection.decommissioning` or `connection.decommissioned`.
    pub event_type: String,
    /// Who did it.
    pub actor_id: String,
    /// The credential concerned, if any.
    pub credential_id: Option<String>,
    /// When.
    pub created_at: OffsetDateTime,
}

/// What [`ManagedConnections::create`] needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateRequest {
    /// The caller's idempotency key (trimmed, 16–255 characters): a second creation with the same key
    /// fails with 409 `SCIM_MANAGED_CREATION_REQUEST_ID_CONFLICT`.
    pub creation_request_id: String,
    /// The provisioning domain (tenant) that owns the connection (trimmed, 1–255 characters).
    pub provisioning_domain_id: String,
    /// Who creates it (trimmed, 1–255 characters; recorded in the events).
    pub actor_id: String,
    /// What the first credential may do (at least one scope).
    pub scopes: Scopes,
    /// When the first credential stops working (in the future).
    pub expires_at: OffsetDateTime,
    /// The organization the connection's users become members of, if any.
    pub organization_id: Option<String>,
}

/// What [`ManagedConnections::rotate`] needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RotateRequest {
    /// The connection.
    pub connection_id: String,
    /// The provisioning domain that owns it.
    pub provisioning_domain_id: String,
    /// Who rotates (recorded in the events).
    pub actor_id: String,
    /// What the new credential may do (at least one scope).
    pub scopes: Scopes,
    /// When the new credential stops working (in the future).
    pub expires_at: OffsetDateTime,
}

/// The managed connection catalog of an `Auth` (see the module docs).
#[derive(Clone)]
pub struct ManagedConnections {
    auth: Auth,
    store: Store,
    joined: bool,
    options: ManagedConnectionOptions,
}

impl fmt::Debug for ManagedConnections {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ManagedConnections")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl ManagedConnections {
    /// The catalog of `auth`; `None` unless the scim plugin is registered with
    /// [`ScimOptions::managed_connections`].
    pub fn new(auth: &Auth) -> Option<Self> {
        let options = auth
            .extension::<ScimOptions>()?
            .managed_connections
            .clone()?;
        Some(Self {
            auth: auth.clone(),
            store: auth.store(),
            joined: false,
            options,
        })
    }

    /// Like [`ManagedConnections::new`], failing as upstream does (400 `SCIM managed connections are
    /// not configured`) when the catalog is off.
    pub fn require(auth: &Auth) -> Result<Self, ApiError> {
        Self::new(auth).ok_or_else(|| {
            ApiError::message_only(
                StatusCode::BAD_REQUEST,
                "SCIM managed connections are not configured",
            )
        })
    }

    /// The catalog writing through `store`: inside `store.transaction(...)` its changes join that
    /// transaction and commit or roll back with it.
    #[must_use]
    pub fn within(mut self, store: &Store) -> Self {
        self.store = store.clone();
        self.joined = true;
        self
    }

    fn now(&self) -> OffsetDateTime {
        self.auth.env().clock.now()
    }

    fn opaque_id(&self, prefix: &str) -> String {
        let random = generate_random_string(self.auth.env().ids.as_ref(), ID_LEN);
        format!("{prefix}{random}")
    }

    /// A fresh credential id and its token.
    fn new_token(&self) -> (String, String) {
        let credential_id = self.opaque_id(MANAGED_CREDENTIAL_PREFIX);
        let secret = generate_random_string(self.auth.env().ids.as_ref(), SECRET_LEN);
        let token = format!("{credential_id}.{secret}");
        (credential_id, token)
    }

    /// Creates a connection with its first credential. The result carries the token, which is shown
    /// only here.
    pub async fn create(&self, request: CreateRequest) -> Result<IssuedCredential, ApiError> {
        let creation_request_id = bounded("creationRequestId", &request.creation_request_id, 16)?;
        let provisioning_domain_id =
            bounded("provisioningDomainId", &request.provisioning_domain_id, 1)?;
        let actor_id = bounded("actorId", &request.actor_id, 1)?;
        let now = self.now();
        check_policy(request.scopes, request.expires_at, now)?;
        let ids = &self.auth.env().ids;
        let (credential_id, token) = self.new_token();
        let connection = ScimManagedConnection {
            id: ids.id(),
            creation_request_id: creation_request_id.clone(),
            connection_id: self.opaque_id(MANAGED_CONNECTION_PREFIX),
            provisioning_domain_id,
            organization_id: request.organization_id,
            status: ConnectionStatus::Active,
            revision: 2,
            created_at: now,
            created_by: actor_id.clone(),
            decommission_started_at: None,
            decommission_started_by: None,
            decommissioned_at: None,
            decommissioned_by: None,
        };
        let credential = ScimManagedCredential {
            id: ids.id(),
            connection_record_id: connection.id.clone(),
            credential_id: credential_id.clone(),
            token_digest: digest(&self.options, &token),
            hash_version: HASH_VERSION.to_owned(),
            active_slot_key: active_slot(&connection.id, 0),
            status: CredentialStatus::Active,
            serialized_scopes: serialize_scopes(request.scopes),
            expires_at: request.expires_at,
            created_at: now,
            created_by: actor_id.clone(),
            last_used_at: None,
            revoked_at: None,
            revoked_by: None,
            decommissioned_at: None,
        };
        let events = [
            event(
                ids.id(),
                &connection.id,
                1,
                "connection.created",
                &actor_id,
                None,
                now,
            ),
            event(
                ids.id(),
                &connection.id,
                2,
                "credential.issued",
                &actor_id,
                Some(&credential_id),
                now,
            ),
        ];
        let rows = NewConnection {
            connection,
            credential,
            events,
        };
        let created = self
            .store
            .transaction(move |store| Box::pin(async move { rows.insert(store).await }))
            .await;
        let (connection, credential) = match created {
            Ok(created) => created,
            Err(err) => {
                if err.code() == Some(CREATION_REQUEST_ID_CONFLICT) || self.joined {
                    return Err(err);
                }
                let again = Where::eq("creationRequestId", creation_request_id.as_str());
                if self
                    .store
                    .find_one::<ScimManagedConnection>(&again)
                    .await?
                    .is_some()
                {
                    return Err(creation_conflict());
                }
                return Err(err);
            }
        };
        Ok(IssuedCredential {
            connection: ManagedConnection::from(&connection),
            credential: ManagedCredential::from_row(&credential, now)?,
            token,
        })
    }

    /// The connections of a provisioning domain, newest first.
    pub async fn list(
        &self,
        provisioning_domain_id: &str,
    ) -> Result<Vec<ManagedConnection>, ApiError> {
        let domain = bounded("provisioningDomainId", provisioning_domain_id, 1)?;
        let rows = self
            .store
            .find_many::<ScimManagedConnection>(
                &Where::eq("provisioningDomainId", domain.as_str()),
                &[Sort::desc("createdAt"), Sort::desc("id")],
                None,
                None,
            )
            .await?;
        Ok(rows.iter().map(ManagedConnection::from).collect())
    }

    /// A connection of a provisioning domain and its credentials; 404 `Managed SCIM connection not
    /// found` for an unknown connection or another domain's.
    pub async fn get(
        &self,
        connection_id: &str,
        provisioning_domain_id: &str,
    ) -> Result<ConnectionState, ApiError> {
        let connection = self.find(connection_id, provisioning_domain_id).await?;
        self.state(&connection).await
    }

    /// Issues another credential for an active connection. The existing credentials keep working until
    /// they expire or are revoked; overdue ones are marked expired first, and 409 answers when the
    /// connection already has `max_active_credentials` live credentials.
    pub async fn rotate(&self, request: RotateRequest) -> Result<IssuedCredential, ApiError> {
        let connection_id = connection_id(&request.connection_id)?;
        let domain = bounded("provisioningDomainId", &request.provisioning_domain_id, 1)?;
        let actor_id = bounded("actorId", &request.actor_id, 1)?;
        let now = self.now();
        check_policy(request.scopes, request.expires_at, now)?;
        let (credential_id, token) = self.new_token();
        let token_digest = digest(&self.options, &token);
        for _ in 0..ATTEMPTS {
            let rotation = Rotation {
                connection_id: connection_id.clone(),
                domain: domain.clone(),
                actor_id: actor_id.clone(),
                scopes: request.scopes,
                expires_at: request.expires_at,
                credential_id: credential_id.clone(),
                token_digest: token_digest.clone(),
                now,
                max: self.options.max_active_credentials,
                auth: self.auth.clone(),
            };
            let attempt = self
                .store
                .transaction(move |store| Box::pin(async move { rotation.run(store).await }))
                .await;
            if let Some((connection, credential)) = self.settle(attempt)? {
                return Ok(IssuedCredential {
                    connection: ManagedConnection::from(&connection),
                    credential: ManagedCredential::from_row(&credential, now)?,
                    token,
                });
            }
        }
        Err(conflict(
            "Managed SCIM connection changed repeatedly during credential rotation",
        ))
    }

    /// Revokes a credential at once; revoking a revoked credential changes nothing. Answers the
    /// connection with its credentials.
    pub async fn revoke(
        &self,
        connection_id: &str,
        provisioning_domain_id: &str,
        credential_id: &str,
        actor_id: &str,
    ) -> Result<ConnectionState, ApiError> {
        let connection_id = self::connection_id(connection_id)?;
        let domain = bounded("provisioningDomainId", provisioning_domain_id, 1)?;
        let actor_id = bounded("actorId", actor_id, 1)?;
        if !credential_id.starts_with(MANAGED_CREDENTIAL_PREFIX) || credential_id.len() > 255 {
            return Err(invalid("credentialId"));
        }
        for _ in 0..ATTEMPTS {
            let (connection_id, domain, actor_id) =
                (connection_id.clone(), domain.clone(), actor_id.clone());
            let credential_id = credential_id.to_owned();
            let ids = Arc::clone(&self.auth.env().ids);
            let now = self.now();
            let attempt = self
                .store
                .transaction(move |store| {
                    Box::pin(async move {
                        let connection = find_in(store, &connection_id, &domain).await?;
                        let by_id = Where::eq("credentialId", credential_id.as_str())
                            .and(Where::eq("connectionRecordId", connection.id.as_str()));
                        let Some(credential) =
                            store.find_one::<ScimManagedCredential>(&by_id).await?
                        else {
                            return Err(not_found());
                        };
                        if credential.status == CredentialStatus::Revoked {
                            return Ok(Some(connection));
                        }
                        if connection.status != ConnectionStatus::Active
                            || credential.status != CredentialStatus::Active
                        {
                            return Err(conflict(CREDENTIAL_NOT_ACTIVE));
                        }
                        let Some(fenced) = fence(store, &connection, Row::new()).await? else {
                            return Ok(None);
                        };
                        let mut changes = Row::new();
                        changes.set("status", CredentialStatus::Revoked.as_str());
                        changes.set("activeSlotKey", inactive_slot(&credential.credential_id));
                        changes.set("revokedAt", now);
                        changes.set("revokedBy", actor_id.as_str());
                        if retire(store, &credential, changes).await?.is_none() {
                            return Ok(None);
                        }
                        written(
                            store
                                .create(event(
                                    ids.id(),
                                    &connection.id,
                                    fenced.revision,
                                    "credential.revoked",
                                    &actor_id,
                                    Some(&credential.credential_id),
                                    now,
                                ))
                                .await?,
                        )?;
                        Ok(Some(fenced))
                    })
                })
                .await;
            if let Some(connection) = self.settle(attempt)? {
                return self.state(&connection).await;
            }
        }
        Err(conflict(
            "Managed SCIM connection changed repeatedly during credential revocation",
        ))
    }

    /// The connection's newest events (at most [`EVENT_LIMIT`]), oldest first.
    pub async fn events(
        &self,
        connection_id: &str,
        provisioning_domain_id: &str,
    ) -> Result<Vec<ConnectionEvent>, ApiError> {
        let connection = self.find(connection_id, provisioning_domain_id).await?;
        let mut rows = self
            .store
            .find_many::<ScimManagedConnectionEvent>(
                &Where::eq("connectionRecordId", connection.id.as_str()),
                &[Sort::desc("sequence")],
                Some(EVENT_LIMIT),
                None,
            )
            .await?;
        rows.reverse();
        Ok(rows
            .into_iter()
            .map(|row| ConnectionEvent {
                sequence: row.sequence,
                event_type: row.event_type,
                actor_id: row.actor_id,
                credential_id: row.credential_id,
                created_at: row.created_at,
            })
            .collect())
    }

    /// Decommissions a connection: its credentials stop working at once (status `decommissioned`) and
    /// the connection ends `decommissioned`. Repeating it changes nothing. The connection's SCIM users
    /// stay as they are.
    pub async fn decommission(
        &self,
        connection_id: &str,
        provisioning_domain_id: &str,
        actor_id: &str,
    ) -> Result<ConnectionState, ApiError> {
        let connection_id = self::connection_id(connection_id)?;
        let domain = bounded("provisioningDomainId", provisioning_domain_id, 1)?;
        let actor_id = bounded("actorId", actor_id, 1)?;
        let mut started = None;
        for _ in 0..ATTEMPTS {
            let step = self.decommission_step(&connection_id, &domain, &actor_id, false);
            if let Some(connection) = self.settle(step.await)? {
                started = Some(connection);
                break;
            }
        }
        let Some(started) = started else {
            return Err(conflict(
                "Managed SCIM connection changed repeatedly while decommissioning began",
            ));
        };
        if started.status == ConnectionStatus::Decommissioned {
            return self.state(&started).await;
        }
        for _ in 0..ATTEMPTS {
            let step = self.decommission_step(&connection_id, &domain, &actor_id, true);
            if let Some(connection) = self.settle(step.await)? {
                return self.state(&connection).await;
            }
        }
        Err(conflict(
            "Managed SCIM connection changed repeatedly while decommissioning completed",
        ))
    }

    /// One transaction of a decommission: beginning it (`complete` false: the connection becomes
    /// `decommissioning` and its active credentials `decommissioned`) or completing it.
    async fn decommission_step(
        &self,
        connection_id: &str,
        domain: &str,
        actor_id: &str,
        complete: bool,
    ) -> Result<Option<ScimManagedConnection>, ApiError> {
        let (connection_id, domain, actor_id) = (
            connection_id.to_owned(),
            domain.to_owned(),
            actor_id.to_owned(),
        );
        let ids = Arc::clone(&self.auth.env().ids);
        let now = self.now();
        self.store
            .transaction(move |store| {
                Box::pin(async move {
                    let connection = find_in(store, &connection_id, &domain).await?;
                    let (from, to, kind) = if complete {
                        if connection.status == ConnectionStatus::Decommissioned {
                            return Ok(Some(connection));
                        }
                        if connection.status != ConnectionStatus::Decommissioning {
                            return Err(conflict(
                                "Managed SCIM connection did not begin decommissioning",
                            ));
                        }
                        (
                            ConnectionStatus::Decommissioning,
                            ConnectionStatus::Decommissioned,
                            "connection.decommissioned",
                        )
                    } else {
                        if connection.status != ConnectionStatus::Active {
                            return Ok(Some(connection));
                        }
                        (
                            ConnectionStatus::Active,
                            ConnectionStatus::Decommissioning,
                            "connection.decommissioning",
                        )
                    };
                    let mut set = Row::new();
                    set.set("status", to.as_str());
                    if complete {
                        set.set("decommissionedAt", now);
                        set.set("decommissionedBy", actor_id.as_str());
                    } else {
                        set.set("decommissionStartedAt", now);
                        set.set("decommissionStartedBy", actor_id.as_str());
                    }
                    let filter = Where::eq("id", connection.id.as_str())
                        .and(Where::eq("status", from.as_str()))
                        .and(Where::eq("revision", connection.revision));
                    let Some(fenced) = store
                        .increment::<ScimManagedConnection>(&filter, "revision", 1, set)
                        .await?
                    else {
                        return Ok(None);
                    };
                    if !complete {
                        for credential in active_credentials(store, &connection.id).await? {
                            let mut changes = Row::new();
                            changes.set("status", CredentialStatus::Decommissioned.as_str());
                            changes.set("activeSlotKey", inactive_slot(&credential.credential_id));
                            changes.set("decommissionedAt", now);
                            retire(store, &credential, changes).await?;
                        }
                    }
                    written(
                        store
                            .create(event(
                                ids.id(),
                                &connection.id,
                                fenced.revision,
                                kind,
                                &actor_id,
                                None,
                                now,
                            ))
                            .await?,
                    )?;
                    Ok(Some(fenced))
                })
            })
            .await
    }

    /// The outcome of one attempt: `Ok(None)` means "lost a race, try again" — a fence that matched
    /// nothing, or (outside a caller's transaction) a unique or serialization conflict.
    fn settle<T>(&self, attempt: Result<Option<T>, ApiError>) -> Result<Option<T>, ApiError> {
        match attempt {
            Err(err)
                if !self.joined
                    && matches!(
                        err.adapter_kind(),
                        Some(
                            AdapterErrorKind::UniqueViolation
                                | AdapterErrorKind::SerializationFailure
                        )
                    ) =>
            {
                Ok(None)
            }
            other => other,
        }
    }

    async fn find(
        &self,
        connection_id: &str,
        provisioning_domain_id: &str,
    ) -> Result<ScimManagedConnection, ApiError> {
        let connection_id = self::connection_id(connection_id)?;
        let domain = bounded("provisioningDomainId", provisioning_domain_id, 1)?;
        find_in(&self.store, &connection_id, &domain).await
    }

    async fn state(&self, connection: &ScimManagedConnection) -> Result<ConnectionState, ApiError> {
        let now = self.now();
        let rows = self
            .store
            .find_many::<ScimManagedCredential>(
                &Where::eq("connectionRecordId", connection.id.as_str()),
                &[Sort::desc("createdAt"), Sort::desc("id")],
                None,
                None,
            )
            .await?;
        Ok(ConnectionState {
            connection: ManagedConnection::from(connection),
            credentials: rows
                .iter()
                .map(|row| ManagedCredential::from_row(row, now))
                .collect::<Result<_, _>>()?,
        })
    }
}

/// The rows of a new connection, inserted in one transaction unless its creation request id is taken.
struct NewConnection {
    connection: ScimManagedConnection,
    credential: ScimManagedCredential,
    events: [ScimManagedConnectionEvent; 2],
}

impl NewConnection {
    async fn insert(
        self,
        store: &Store,
    ) -> Result<(ScimManagedConnection, ScimManagedCredential), ApiError> {
        let taken = Where::eq(
            "creationRequestId",
            self.connection.creation_request_id.as_str(),
        );
        if store
            .find_one::<ScimManagedConnection>(&taken)
            .await?
            .is_some()
        {
            return Err(creation_conflict());
        }
        let connection = written(store.create(self.connection).await?)?;
        let credential = written(store.create(self.credential).await?)?;
        for event in self.events {
            written(store.create(event).await?)?;
        }
        Ok((connection, credential))
    }
}

/// One rotation attempt, run inside a transaction.
struct Rotation {
    connection_id: String,
    domain: String,
    actor_id: String,
    scopes: Scopes,
    expires_at: OffsetDateTime,
    credential_id: String,
    token_digest: String,
    now: OffsetDateTime,
    max: u32,
    auth: Auth,
}

impl Rotation {
    async fn run(
        self,
        store: &Store,
    ) -> Result<Option<(ScimManagedConnection, ScimManagedCredential)>, ApiError> {
        let connection = find_in(store, &self.connection_id, &self.domain).await?;
        if connection.status != ConnectionStatus::Active {
            return Err(conflict(NOT_ACTIVE));
        }
        let Some(fenced) = fence(store, &connection, Row::new()).await? else {
            return Ok(None);
        };
        let mut live = HashSet::new();
        for credential in active_credentials(store, &connection.id).await? {
            if credential.expires_at <= self.now {
                let mut changes = Row::new();
                changes.set("status", CredentialStatus::Expired.as_str());
                changes.set("activeSlotKey", inactive_slot(&credential.credential_id));
                retire(store, &credential, changes).await?;
            } else {
                live.insert(credential.active_slot_key);
            }
        }
        let free = (0..self.max)
            .map(|n| active_slot(&connection.id, n))
            .find(|slot| !live.contains(slot));
        let Some(slot) = free.filter(|_| live.len() < self.max as usize) else {
            return Err(conflict(AT_CAPACITY));
        };
        let ids = &self.auth.env().ids;
        let credential = written(
            store
                .create(ScimManagedCredential {
                    id: ids.id(),
                    connection_record_id: connection.id.clone(),
                    credential_id: self.credential_id.clone(),
                    token_digest: self.token_digest,
                    hash_version: HASH_VERSION.to_owned(),
                    active_slot_key: slot,
                    status: CredentialStatus::Active,
                    serialized_scopes: serialize_scopes(self.scopes),
                    expires_at: self.expires_at,
                    created_at: self.now,
                    created_by: self.actor_id.clone(),
                    last_used_at: None,
                    revoked_at: None,
                    revoked_by: None,
                    decommissioned_at: None,
                })
                .await?,
        )?;
        written(
            store
                .create(event(
                    ids.id(),
                    &connection.id,
                    fenced.revision,
                    "credential.rotated",
                    &self.actor_id,
                    Some(&self.credential_id),
                    self.now,
                ))
                .await?,
        )?;
        Ok(Some((fenced, credential)))
    }
}

/// Verifies a `ba_scim_credential_…` bearer token against the catalog: the caller's [`Principal`], or
/// `None` (401) for a malformed, unknown, inactive, expired or mismatching token, or one whose
/// connection is no longer active. `lastUsedAt` is written at most once per write interval, best
/// effort.
pub async fn authenticate(
    auth: &Auth,
    options: &ScimOptions,
    token: &str,
    now: OffsetDateTime,
) -> Result<Option<Principal>, ScimError> {
    let Some(managed) = &options.managed_connections else {
        return Ok(None);
    };
    let Some(credential_id) = parse_token(token) else {
        return Ok(None);
    };
    let store = auth.store();
    let Some(credential) = store
        .find_one::<ScimManagedCredential>(&Where::eq("credentialId", credential_id))
        .await?
    else {
        return Ok(None);
    };
    let usable = credential.hash_version == HASH_VERSION
        && credential.status == CredentialStatus::Active
        && credential.expires_at > now;
    let expected = digest(managed, token);
    if !usable || !constant_time_eq(expected.as_bytes(), credential.token_digest.as_bytes()) {
        return Ok(None);
    }
    let owner = Where::eq("id", credential.connection_record_id.as_str())
        .and(Where::eq("status", ConnectionStatus::Active.as_str()));
    let Some(connection) = store.find_one::<ScimManagedConnection>(&owner).await? else {
        return Ok(None);
    };
    let due = credential
        .last_used_at
        .is_none_or(|at| at + managed.last_used_write_interval <= now);
    if due {
        let unchanged = Where::eq("id", credential.id.as_str())
            .and(Where::eq("status", CredentialStatus::Active.as_str()))
            .and(Where::eq("lastUsedAt", credential.last_used_at));
        let mut changes = Row::new();
        changes.set("lastUsedAt", now);
        if let Err(err) = store
            .update::<ScimManagedCredential>(&unchanged, changes)
            .await
        {
            tracing::debug!(error = %err, "could not record a managed SCIM credential's last use");
        }
    }
    Ok(Some(Principal {
        connection_id: connection.connection_id,
        provisioning_domain_id: connection.provisioning_domain_id,
        organization_id: connection.organization_id,
        source: CredentialSource::Managed,
        credential_id: credential.credential_id,
        scopes: parse_scopes(&credential.serialized_scopes)?,
    }))
}

/// The credential id of a well-formed managed token:
/// `^(ba_scim_credential_[A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$`.
fn parse_token(token: &str) -> Option<&str> {
    let (credential_id, secret) = token.split_once('.')?;
    let random = credential_id.strip_prefix(MANAGED_CREDENTIAL_PREFIX)?;
    let allowed = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    };
    (allowed(random) && allowed(secret)).then_some(credential_id)
}

/// `base64url(HMAC-SHA-256(credentialHashSecret, token))`, unpadded.
fn digest(options: &ManagedConnectionOptions, token: &str) -> String {
    base64url_encode(&hmac_sha256(
        options.credential_hash_secret.as_bytes(),
        token.as_bytes(),
    ))
}

fn active_slot(connection_record_id: &str, n: u32) -> String {
    format!("{connection_record_id}:active:{n}")
}

fn inactive_slot(credential_id: &str) -> String {
    format!("{credential_id}:inactive")
}

fn serialize_scopes(scopes: Scopes) -> String {
    serde_json::Value::from(scopes.names()).to_string()
}

fn parse_scopes(serialized: &str) -> Result<Scopes, ApiError> {
    let invalid = || {
        ApiError::message_only(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Managed SCIM credential scope policy is invalid",
        )
    };
    let names: Vec<String> = serde_json::from_str(serialized).map_err(|_| invalid())?;
    let unique: HashSet<&str> = names.iter().map(String::as_str).collect();
    if names.is_empty() || unique.len() != names.len() {
        return Err(invalid());
    }
    Scopes::parse(names.iter().map(String::as_str)).ok_or_else(invalid)
}

fn check_policy(
    scopes: Scopes,
    expires_at: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<(), ApiError> {
    if expires_at <= now {
        return Err(ApiError::message_only(
            StatusCode::BAD_REQUEST,
            "Managed SCIM credential expiry must be in the future",
        ));
    }
    if scopes.is_empty() {
        return Err(ApiError::message_only(
            StatusCode::BAD_REQUEST,
            "Managed SCIM credential scopes cannot be empty",
        ));
    }
    Ok(())
}

/// `value` trimmed, which must then hold `min`–255 characters (upstream's body schema).
fn bounded(field: &'static str, value: &str, min: usize) -> Result<String, ApiError> {
    let trimmed = value.trim();
    let len = trimmed.chars().count();
    if len < min || len > 255 {
        return Err(invalid(field));
    }
    Ok(trimmed.to_owned())
}

fn connection_id(value: &str) -> Result<String, ApiError> {
    if !value.starts_with(MANAGED_CONNECTION_PREFIX) || value.chars().count() > 255 {
        return Err(invalid("connectionId"));
    }
    Ok(value.to_owned())
}

fn invalid(field: &'static str) -> ApiError {
    ApiError::with_message(
        StatusCode::BAD_REQUEST,
        codes::VALIDATION_ERROR,
        format!("Invalid {field}"),
    )
}

fn not_found() -> ApiError {
    ApiError::message_only(StatusCode::NOT_FOUND, NOT_FOUND)
}

fn conflict(message: &'static str) -> ApiError {
    ApiError::message_only(StatusCode::CONFLICT, message)
}

fn creation_conflict() -> ApiError {
    ApiError::new(StatusCode::CONFLICT, CREATION_REQUEST_ID_CONFLICT)
}

/// A row a database hook cancelled is a failure here: the catalog cannot be half-written.
fn written<T>(row: Option<T>) -> Result<T, ApiError> {
    row.ok_or_else(|| {
        ApiError::internal(
            codes::INTERNAL_SERVER_ERROR,
            &"a database hook cancelled a managed SCIM catalog write",
        )
    })
}

async fn find_in(
    store: &Store,
    connection_id: &str,
    domain: &str,
) -> Result<ScimManagedConnection, ApiError> {
    let filter =
        Where::eq("connectionId", connection_id).and(Where::eq("provisioningDomainId", domain));
    store
        .find_one::<ScimManagedConnection>(&filter)
        .await?
        .ok_or_else(not_found)
}

/// Bumps the connection's revision if nobody changed it since it was read; `None` when somebody did.
async fn fence(
    store: &Store,
    connection: &ScimManagedConnection,
    set: Row,
) -> Result<Option<ScimManagedConnection>, ApiError> {
    let filter = Where::eq("id", connection.id.as_str())
        .and(Where::eq("status", ConnectionStatus::Active.as_str()))
        .and(Where::eq("revision", connection.revision));
    store
        .increment::<ScimManagedConnection>(&filter, "revision", 1, set)
        .await
}

async fn active_credentials(
    store: &Store,
    connection_record_id: &str,
) -> Result<Vec<ScimManagedCredential>, ApiError> {
    let filter = Where::eq("connectionRecordId", connection_record_id)
        .and(Where::eq("status", CredentialStatus::Active.as_str()));
    store.find_many(&filter, &[], None, None).await
}

/// Moves an active credential out of its slot with `changes`, if it is still where it was read.
async fn retire(
    store: &Store,
    credential: &ScimManagedCredential,
    changes: Row,
) -> Result<Option<ScimManagedCredential>, ApiError> {
    let filter = Where::eq("id", credential.id.as_str())
        .and(Where::eq("status", CredentialStatus::Active.as_str()))
        .and(Where::eq(
            "activeSlotKey",
            credential.active_slot_key.as_str(),
        ));
    store.update(&filter, changes).await
}

fn event(
    id: String,
    connection_record_id: &str,
    sequence: i64,
    kind: &str,
    actor_id: &str,
    credential_id: Option<&str>,
    now: OffsetDateTime,
) -> ScimManagedConnectionEvent {
    ScimManagedConnectionEvent {
        id,
        connection_record_id: connection_record_id.to_owned(),
        event_key: format!("{connection_record_id}:{sequence}"),
        sequence,
        event_type: kind.to_owned(),
        actor_id: actor_id.to_owned(),
        credential_id: credential_id.map(str::to_owned),
        created_at: now,
    }
}
