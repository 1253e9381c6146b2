//! Bearer authentication of `/scim/v2` requests: which credential sent the request, which connection it
//! speaks for and what it may do.
//!
//! The order follows upstream: the `Authorization` header must carry a bearer token; static credentials of
//! code-defined connections are compared first (constant time, every credential), then a
//! `ba_scim_credential_` token is verified against the managed catalog (and nothing else), then v1.6
//! provider tokens (`defaultSCIM` providers, then `scimProvider` rows), then the application's
//! verifier. The result is a [`Principal`]; no credential value is ever logged or kept in it.

pub mod provider_token;

use std::fmt;

use bulwark_core::crypto::constant_time_eq;
use bulwark_core::endpoint::RequestCtx;
use http::{Method, header};
use time::OffsetDateTime;

use crate::error::ScimError;
use crate::options::{BearerRequest, ScimOptions};

/// The prefix reserved for managed connection ids.
pub const MANAGED_CONNECTION_PREFIX: &str = "ba_scim_connection_";

/// What a credential may do: read or write Users and Groups (upstream's four `scim.*` scopes).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Scopes {
    /// `scim.users.read`.
    pub users_read: bool,
    /// `scim.users.write`.
    pub users_write: bool,
    /// `scim.groups.read`.
    pub groups_read: bool,
    /// `scim.groups.write`.
    pub groups_write: bool,
}

impl Scopes {
    /// Every scope.
    pub const fn all() -> Self {
        Self {
            users_read: true,
            users_write: true,
            groups_read: true,
            groups_write: true,
        }
    }

    /// No scope.
    pub const fn none() -> Self {
        Self {
            users_read: false,
            users_write: false,
            groups_read: false,
            groups_write: false,
        }
    }

    /// Scopes from upstream's names (`scim.users.read`, …); `None` for an unknown name.
    pub fn parse<'a>(names: impl IntoIterator<Item = &'a str>) -> Option<Self> {
        let mut scopes = Self::none();
        for name in names {
            match name {
                "scim.users.read" => scopes.users_read = true,
                "scim.users.write" => scopes.users_write = true,
                "scim.groups.read" => scopes.groups_read = true,
                "scim.groups.write" => scopes.groups_write = true,
                _ => return None,
            }
        }
        Some(scopes)
    }

    /// Upstream's names of the granted scopes.
    pub fn names(self) -> Vec<&'static str> {
        [
            (self.users_read, "scim.users.read"),
            (self.users_write, "scim.users.write"),
            (self.groups_read, "scim.groups.read"),
            (self.groups_write, "scim.groups.write"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect()
    }

    /// Whether no scope is granted.
    pub fn is_empty(self) -> bool {
        self == Self::none()
    }

    /// Whether `scope` is granted.
    pub fn allows(self, scope: Scope) -> bool {
        match scope {
            Scope::UsersRead => self.users_read,
            Scope::UsersWrite => self.users_write,
            Scope::GroupsRead => self.groups_read,
            Scope::GroupsWrite => self.groups_write,
        }
    }
}

impl fmt::Debug for Scopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.names()).finish()
    }
}

/// One scope a request needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// `scim.users.read`.
    UsersRead,
    /// `scim.users.write`.
    UsersWrite,
    /// `scim.groups.read`.
    GroupsRead,
    /// `scim.groups.write`.
    GroupsWrite,
}

impl Scope {
    /// Upstream's name.
    pub fn name(self) -> &'static str {
        match self {
            Self::UsersRead => "scim.users.read",
            Self::UsersWrite => "scim.users.write",
            Self::GroupsRead => "scim.groups.read",
            Self::GroupsWrite => "scim.groups.write",
        }
    }

    /// The scope a request on Users (or Groups) with `method` needs: reads for `GET`/`HEAD`, writes
    /// otherwise.
    pub fn for_users(method: &Method) -> Self {
        if method == Method::GET || method == Method::HEAD {
            Self::UsersRead
        } else {
            Self::UsersWrite
        }
    }
}

/// Where the credential of a request came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CredentialSource {
    /// A provider token minted with `POST /scim/generate-token` (a `scimProvider` row).
    ProviderToken,
    /// A provider defined in code (`default_scim`).
    DefaultProvider,
    /// A static credential of a code-defined connection.
    Static,
    /// The application's bearer verifier.
    Verifier,
    /// A credential of the managed connection catalog (`crate::managed`).
    Managed,
}

impl CredentialSource {
    /// A stable name for audit records.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ProviderToken => "provider-token",
            Self::DefaultProvider => "default-provider",
            Self::Static => "static",
            Self::Verifier => "verifier",
            Self::Managed => "managed",
        }
    }
}

/// The authenticated caller of a `/scim/v2` request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    /// The connection the request speaks for: its users are the only ones it sees. For v1.6 provider
    /// tokens this is the provider id.
    pub connection_id: String,
    /// The provisioning domain of the connection.
    pub provisioning_domain_id: String,
    /// The organization the connection provisions into, if any.
    pub organization_id: Option<String>,
    /// Where the credential came from.
    pub source: CredentialSource,
    /// The credential's id (the provider row id, the static credential id, …), never its value.
    pub credential_id: String,
    /// What the credential may do.
    pub scopes: Scopes,
}

impl Principal {
    /// Fails with 403 unless the credential grants `scope`.
    pub fn require(&self, scope: Scope) -> Result<(), ScimError> {
        if self.scopes.allows(scope) {
            Ok(())
        } else {
            Err(ScimError::forbidden(format!(
                "The SCIM bearer token is missing the {} scope",
                scope.name()
            )))
        }
    }
}

/// What the application's verifier answers for a token it accepts.
///
/// It names a connection in one of upstream's two forms: a code-defined connection by its id alone
/// (`provisioning_domain_id: None`, upstream's `connectionId`), or a dynamic connection the application
/// manages by its id and provisioning domain (upstream's `connection: {id, provisioningDomainId}`).
/// An answer upstream would not accept is refused with 401, as an unknown token: an unknown
/// code-defined connection, a dynamic connection that takes a code-defined connection's id or the
/// managed catalog's `ba_scim_connection_` prefix, an id that is not trimmed or not 1–255 characters,
/// no scope, or an expiry in the past.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedBearer {
    /// The connection: a code-defined connection's id, or the id of a dynamic connection.
    pub connection_id: String,
    /// `None` for a code-defined connection (it keeps its own domain); the provisioning domain of a
    /// dynamic connection.
    pub provisioning_domain_id: Option<String>,
    /// The organization the connection provisions into, if any.
    pub organization_id: Option<String>,
    /// The credential's id.
    pub credential_id: String,
    /// What the credential may do.
    pub scopes: Scopes,
    /// When the credential stops working, if ever.
    pub expires_at: Option<OffsetDateTime>,
}

/// The bearer token of a request: `Authorization: Bearer <token>` (scheme case-insensitive).
fn bearer(req: &RequestCtx) -> Option<&str> {
    let value = req.header(header::AUTHORIZATION)?;
    let (scheme, rest) = value.split_once(char::is_whitespace)?;
    let token = rest.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Authenticates `req`: the caller's [`Principal`], or a 401 SCIM error.
pub async fn authenticate(req: &RequestCtx, options: &ScimOptions) -> Result<Principal, ScimError> {
    let Some(token) = bearer(req) else {
        return Err(ScimError::unauthorized("SCIM bearer token is required"));
    };
    let now = req.auth().env().clock.now();
    if let Some(principal) = static_credential(options, token, now) {
        return Ok(principal);
    }
    if token.starts_with(provider_token::MANAGED_CREDENTIAL_PREFIX) {
        // The managed namespace belongs to the catalog alone: never the verifier or provider tokens.
        return crate::managed::authenticate(req.auth(), options, token, now)
            .await?
            .ok_or_else(|| ScimError::unauthorized("Invalid SCIM bearer token"));
    }
    if let Some(principal) = provider_token::verify(req.auth(), options, token).await? {
        return Ok(principal);
    }
    if let Some(verifier) = &options.verify_bearer_token
        && !token.starts_with(provider_token::MANAGED_CREDENTIAL_PREFIX)
    {
        let verified = verifier(BearerRequest {
            token: token.to_owned(),
            method: req.method().clone(),
            path: req.path().to_owned(),
            headers: req.headers().clone(),
        })
        .await
        .map_err(ScimError::from)?;
        if let Some(principal) = verified.and_then(|v| from_verifier(options, v, now)) {
            return Ok(principal);
        }
    }
    Err(ScimError::unauthorized("Invalid SCIM bearer token"))
}

/// The static credential `token` names, if any: every credential is compared so the time taken does not
/// depend on which one matched.
fn static_credential(options: &ScimOptions, token: &str, now: OffsetDateTime) -> Option<Principal> {
    let mut found = None;
    for connection in &options.connections {
        for credential in &connection.credentials {
            let equal = constant_time_eq(credential.token.as_bytes(), token.as_bytes());
            let live = credential.expires_at.is_none_or(|at| at > now);
            if equal && live && found.is_none() {
                found = Some(Principal {
                    connection_id: connection.id.clone(),
                    provisioning_domain_id: connection
                        .provisioning_domain_id
                        .clone()
                        .unwrap_or_else(|| connection.id.clone()),
                    organization_id: connection.organization_id.clone(),
                    source: CredentialSource::Static,
                    credential_id: credential.id.clone(),
                    scopes: credential.scopes,
                });
            }
        }
    }
    found
}

/// Whether `value` is an identifier upstream accepts for a connection, domain or credential: trimmed
/// and 1–255 characters.
pub(crate) fn is_identifier(value: &str) -> bool {
    !value.is_empty() && value.trim() == value && value.chars().count() <= 255
}

/// The principal of a verified token, or `None` when the answer is not one upstream accepts (see
/// [`VerifiedBearer`]). A code-defined connection keeps its own domain and organization.
fn from_verifier(
    options: &ScimOptions,
    verified: VerifiedBearer,
    now: OffsetDateTime,
) -> Option<Principal> {
    if !is_identifier(&verified.credential_id)
        || verified.scopes.is_empty()
        || verified.expires_at.is_some_and(|at| at <= now)
    {
        return None;
    }
    let configured = options
        .connections
        .iter()
        .find(|c| c.id == verified.connection_id);
    let (provisioning_domain_id, organization_id) =
        match (verified.provisioning_domain_id, configured) {
            (None, Some(configured)) => (
                configured
                    .provisioning_domain_id
                    .clone()
                    .unwrap_or_else(|| configured.id.clone()),
                verified
                    .organization_id
                    .or_else(|| configured.organization_id.clone()),
            ),
            (Some(domain), None)
                if is_identifier(&verified.connection_id)
                    && !verified
                        .connection_id
                        .starts_with(MANAGED_CONNECTION_PREFIX)
                    && is_identifier(&domain) =>
            {
                (domain, verified.organization_id)
            }
            _ => return None,
        };
    Some(Principal {
        connection_id: verified.connection_id,
        provisioning_domain_id,
        organization_id,
        source: CredentialSource::Verifier,
        credential_id: verified.credential_id,
        scopes: verified.scopes,
    })
}
