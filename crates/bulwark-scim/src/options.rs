//! The plugin's options: where bearer credentials come from and how the provider tokens of upstream's
//! v1.6 line are stored and issued.
//!
//! Three credential sources can be combined: provider tokens minted by signed-in users through
//! `POST /scim/generate-token` (v1.6.30's model, [`ScimOptions::store_scim_token`] and the options
//! around it), connections defined in code with static bearer credentials (v1.7.1's `connections`), and
//! an application verifier that resolves any other bearer token ([`ScimOptions::verify_bearer_token`]).

use std::fmt;
use std::sync::Arc;

use bulwark_core::ApiError;
use bulwark_core::adapter::BoxFuture;
use bulwark_core::models::User;
use bulwark_organization::models::Member;
use time::OffsetDateTime;

use crate::credentials::{Scopes, VerifiedBearer};

mod extensions;

pub use extensions::{AttributeKind, ExtensionAttribute, Mutability, SchemaExtension};

/// A function over a token secret (a custom hash or encryption).
pub type SecretFn = Arc<dyn Fn(&str) -> String + Send + Sync>;
/// Reverses a custom encryption (`None` when the stored value does not decrypt).
pub type DecryptFn = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// How the secret part of a provider token is stored in `scimProvider.scimToken` (upstream's
/// `storeSCIMToken`). Bulwark's default is [`TokenStorage::Hashed`]; upstream's is plain text.
#[derive(Clone, Default)]
#[non_exhaustive]
pub enum TokenStorage {
    /// As issued (upstream's default; readable by anyone who can read the table).
    Plain,
    /// `base64url(SHA-256(secret))`, unpadded: the token cannot be recovered from the database.
    #[default]
    Hashed,
    /// XChaCha20-Poly1305 under the auth secret, in upstream's format (recoverable by the server).
    Encrypted,
    /// An application hash: the stored value is `hash(secret)`.
    CustomHash(SecretFn),
    /// Application encryption: the stored value is `encrypt(secret)`; `decrypt` reverses it.
    CustomEncryption {
        /// Turns the secret into the stored value.
        encrypt: SecretFn,
        /// Turns the stored value back into the secret (`None` when it cannot).
        decrypt: DecryptFn,
    },
}

impl fmt::Debug for TokenStorage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Plain => "Plain",
            Self::Hashed => "Hashed",
            Self::Encrypted => "Encrypted",
            Self::CustomHash(_) => "CustomHash",
            Self::CustomEncryption { .. } => "CustomEncryption",
        })
    }
}

/// A provider defined in code (upstream's `defaultSCIM`): its token is accepted without a database row.
#[derive(Clone)]
pub struct DefaultScimProvider {
    /// The provider id the token names.
    pub provider_id: String,
    /// The secret part of the token, as issued.
    pub scim_token: String,
    /// The organization the provider provisions into, if any.
    pub organization_id: Option<String>,
}

impl fmt::Debug for DefaultScimProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DefaultScimProvider")
            .field("provider_id", &self.provider_id)
            .field("scim_token", &"[redacted]")
            .field("organization_id", &self.organization_id)
            .finish()
    }
}

/// A bearer credential of a code-defined connection (upstream v1.7.1's `connections[].credentials[]`).
#[derive(Clone)]
pub struct StaticCredential {
    /// The credential's id (recorded in the audit trail; never the token).
    pub id: String,
    /// The bearer token: non-empty, without whitespace, unique across all connections.
    pub token: String,
    /// What the credential may do (all four scopes by default).
    pub scopes: Scopes,
    /// When the credential stops working, if ever.
    pub expires_at: Option<OffsetDateTime>,
}

impl StaticCredential {
    /// A credential with every scope that never expires.
    pub fn new(id: impl Into<String>, token: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            token: token.into(),
            scopes: Scopes::all(),
            expires_at: None,
        }
    }

    /// Restricts the credential to `scopes`.
    #[must_use]
    pub fn scopes(mut self, scopes: Scopes) -> Self {
        self.scopes = scopes;
        self
    }

    /// Makes the credential stop working at `at`.
    #[must_use]
    pub fn expires_at(mut self, at: OffsetDateTime) -> Self {
        self.expires_at = Some(at);
        self
    }
}

impl fmt::Debug for StaticCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaticCredential")
            .field("id", &self.id)
            .field("token", &"[redacted]")
            .field("scopes", &self.scopes)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// A connection defined in code (upstream v1.7.1's `connections[]`): an identity provider's tenant with
/// its own users, reached with the connection's static credentials.
#[derive(Clone, Debug)]
pub struct StaticConnection {
    /// The connection id: trimmed, 1–255 characters, unique.
    pub id: String,
    /// The provisioning domain (defaults to the id).
    pub provisioning_domain_id: Option<String>,
    /// The organization its users become members of, if any.
    pub organization_id: Option<String>,
    /// Its bearer credentials.
    pub credentials: Vec<StaticCredential>,
}

impl StaticConnection {
    /// A connection with no credentials yet.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            provisioning_domain_id: None,
            organization_id: None,
            credentials: Vec::new(),
        }
    }

    /// Adds a credential.
    #[must_use]
    pub fn credential(mut self, credential: StaticCredential) -> Self {
        self.credentials.push(credential);
        self
    }

    /// Sets the provisioning domain.
    #[must_use]
    pub fn provisioning_domain(mut self, id: impl Into<String>) -> Self {
        self.provisioning_domain_id = Some(id.into());
        self
    }

    /// Provisions the connection's users into `organization_id` (through the organization plugin).
    #[must_use]
    pub fn organization(mut self, organization_id: impl Into<String>) -> Self {
        self.organization_id = Some(organization_id.into());
        self
    }
}

/// What the bearer verifier receives (upstream's `verifyBearerToken` input).
#[derive(Clone)]
pub struct BearerRequest {
    /// The bearer token.
    pub token: String,
    /// The request method.
    pub method: http::Method,
    /// The path below the base path.
    pub path: String,
    /// The request headers.
    pub headers: http::HeaderMap,
}

impl fmt::Debug for BearerRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BearerRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// The application's bearer verifier: `Ok(None)` rejects the token (401).
pub type BearerVerifier = Arc<
    dyn Fn(BearerRequest) -> BoxFuture<'static, Result<Option<VerifiedBearer>, ApiError>>
        + Send
        + Sync,
>;

/// What `can_generate_token` receives (upstream's `canGenerateToken` input).
#[derive(Clone, Debug)]
pub struct TokenRequest {
    /// The signed-in user asking for a token.
    pub user: User,
    /// The provider id asked for.
    pub provider_id: String,
    /// The organization asked for, if any.
    pub organization_id: Option<String>,
    /// The user's membership of that organization.
    pub member: Option<Member>,
}

/// What the token hooks receive (upstream's `before/afterSCIMTokenGenerated` input).
#[derive(Clone)]
pub struct TokenGenerated {
    /// The signed-in user.
    pub user: User,
    /// Their membership of the token's organization, if any.
    pub member: Option<Member>,
    /// The token about to be (or just) issued.
    pub scim_token: String,
    /// The stored provider row (after-hook only).
    pub scim_provider: Option<crate::models::ScimProvider>,
}

impl fmt::Debug for TokenGenerated {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenGenerated")
            .field("user", &self.user.id)
            .field("scim_token", &"[redacted]")
            .finish_non_exhaustive()
    }
}

/// A gate on token issuance: `Ok(false)` refuses with 403.
pub type TokenGate =
    Arc<dyn Fn(TokenRequest) -> BoxFuture<'static, Result<bool, ApiError>> + Send + Sync>;
/// A hook around token issuance: an error aborts it.
pub type TokenHook =
    Arc<dyn Fn(TokenGenerated) -> BoxFuture<'static, Result<(), ApiError>> + Send + Sync>;

/// The SCIM plugin's options.
#[derive(Clone)]
pub struct ScimOptions {
    /// How provider tokens are stored (default: hashed).
    pub store_scim_token: TokenStorage,
    /// Providers defined in code, checked before the database.
    pub default_scim: Vec<DefaultScimProvider>,
    /// Whether a provider token without an organization belongs to the user who created it (default:
    /// on; upstream: off).
    pub provider_ownership: bool,
    /// Organization roles allowed to manage organization-scoped provider tokens (`None`: `admin` and the
    /// organization plugin's creator role; empty: any member).
    pub required_role: Option<Vec<String>>,
    /// An extra gate on token issuance.
    pub can_generate_token: Option<TokenGate>,
    /// Runs before a token is issued; an error aborts and the previous token stays valid.
    pub before_token_generated: Option<TokenHook>,
    /// Runs after a token was issued.
    pub after_token_generated: Option<TokenHook>,
    /// Connections defined in code with static bearer credentials.
    pub connections: Vec<StaticConnection>,
    /// The application's verifier for other bearer tokens.
    pub verify_bearer_token: Option<BearerVerifier>,
    /// Whether `DELETE /Users/:id` also deletes the Bulwark user (default: when nothing else uses it).
    pub delete_users: DeleteUsers,
    /// What happens to a User without an email address (default: refused, as upstream).
    pub missing_email: MissingEmail,
    /// Links a SCIM User being created to an existing Bulwark user (upstream v1.7.1's
    /// `identity.resolveUser`); without it every create makes a new user.
    pub resolve_user: Option<IdentityResolver>,
    /// The managed connection catalog (upstream v1.7.1's `managedConnections`); off by default.
    pub managed_connections: Option<ManagedConnectionOptions>,
    /// Runs after a SCIM user was created (after the commit).
    pub on_user_provisioned: Option<ScimUserHook>,
    /// Runs after a SCIM user was replaced, patched, deactivated or reactivated (after the commit).
    pub on_user_updated: Option<ScimUserHook>,
    /// Runs after a SCIM user was deleted (after the commit).
    pub on_user_deprovisioned: Option<ScimUserHook>,
    /// Custom User schema extensions (see [`SchemaExtension`]).
    pub schema_extensions: Vec<SchemaExtension>,
}

impl Default for ScimOptions {
    fn default() -> Self {
        Self {
            store_scim_token: TokenStorage::Hashed,
            default_scim: Vec::new(),
            provider_ownership: true,
            required_role: None,
            can_generate_token: None,
            before_token_generated: None,
            after_token_generated: None,
            connections: Vec::new(),
            verify_bearer_token: None,
            delete_users: DeleteUsers::WhenUnused,
            missing_email: MissingEmail::Reject,
            resolve_user: None,
            managed_connections: None,
            on_user_provisioned: None,
            on_user_updated: None,
            on_user_deprovisioned: None,
            schema_extensions: Vec::new(),
        }
    }
}

impl fmt::Debug for ScimOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScimOptions")
            .field("store_scim_token", &self.store_scim_token)
            .field("default_scim", &self.default_scim)
            .field("provider_ownership", &self.provider_ownership)
            .field("required_role", &self.required_role)
            .field("connections", &self.connections)
            .field(
                "verify_bearer_token",
                &self.verify_bearer_token.as_ref().map(|_| "<fn>"),
            )
            .field("delete_users", &self.delete_users)
            .field("missing_email", &self.missing_email)
            .field("resolve_user", &self.resolve_user.as_ref().map(|_| "<fn>"))
            .finish_non_exhaustive()
    }
}

impl ScimOptions {
    /// Sets how provider tokens are stored.
    #[must_use]
    pub fn store_scim_token(mut self, storage: TokenStorage) -> Self {
        self.store_scim_token = storage;
        self
    }

    /// Adds a provider defined in code.
    #[must_use]
    pub fn default_provider(mut self, provider: DefaultScimProvider) -> Self {
        self.default_scim.push(provider);
        self
    }

    /// Turns provider ownership on or off.
    #[must_use]
    pub fn provider_ownership(mut self, enabled: bool) -> Self {
        self.provider_ownership = enabled;
        self
    }

    /// Sets the roles allowed to manage organization-scoped provider tokens.
    #[must_use]
    pub fn required_role(mut self, roles: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.required_role = Some(roles.into_iter().map(Into::into).collect());
        self
    }

    /// Sets the extra gate on token issuance.
    #[must_use]
    pub fn can_generate_token(mut self, gate: TokenGate) -> Self {
        self.can_generate_token = Some(gate);
        self
    }

    /// Sets the hook that runs before a token is issued.
    #[must_use]
    pub fn before_token_generated(mut self, hook: TokenHook) -> Self {
        self.before_token_generated = Some(hook);
        self
    }

    /// Sets the hook that runs after a token was issued.
    #[must_use]
    pub fn after_token_generated(mut self, hook: TokenHook) -> Self {
        self.after_token_generated = Some(hook);
        self
    }

    /// Adds a connection defined in code.
    #[must_use]
    pub fn connection(mut self, connection: StaticConnection) -> Self {
        self.connections.push(connection);
        self
    }

    /// Sets the application's bearer verifier.
    #[must_use]
    pub fn verify_bearer_token(mut self, verifier: BearerVerifier) -> Self {
        self.verify_bearer_token = Some(verifier);
        self
    }

    /// Declares a custom User schema extension.
    #[must_use]
    pub fn schema_extension(mut self, extension: SchemaExtension) -> Self {
        self.schema_extensions.push(extension);
        self
    }

    /// Every problem with the options, in upstream's words where upstream checks the same thing.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = extensions::problems(&self.schema_extensions);
        let mut ids = std::collections::HashSet::new();
        let mut tokens = std::collections::HashSet::new();
        for connection in &self.connections {
            let id = connection.id.as_str();
            if !crate::credentials::is_identifier(id) {
                problems.push(
                    "SCIM connection ids must be trimmed and contain between 1 and 255 characters."
                        .to_owned(),
                );
            }
            if !ids.insert(id) {
                problems.push("SCIM connection ids must be unique.".to_owned());
            }
            if id.starts_with(crate::credentials::MANAGED_CONNECTION_PREFIX) {
                problems.push(
                    "Static SCIM connection ids cannot use the reserved \"ba_scim_connection_\" prefix."
                        .to_owned(),
                );
            }
            if connection.credentials.is_empty() && self.verify_bearer_token.is_none() {
                problems.push(
                    "SCIM connections require a static credential or bearer token verifier."
                        .to_owned(),
                );
            }
            let mut credential_ids = std::collections::HashSet::new();
            for credential in &connection.credentials {
                let cid = credential.id.as_str();
                if !crate::credentials::is_identifier(cid) {
                    problems.push("SCIM credential ids must be trimmed and contain between 1 and 255 characters.".to_owned());
                }
                if !credential_ids.insert(cid) {
                    problems
                        .push("SCIM credential ids must be unique within a connection.".to_owned());
                }
                if credential.token.is_empty() || credential.token.chars().any(char::is_whitespace)
                {
                    problems.push(
                        "SCIM bearer tokens cannot be empty or contain whitespace.".to_owned(),
                    );
                } else if !tokens.insert(credential.token.as_str()) {
                    problems.push("SCIM bearer tokens must be unique.".to_owned());
                }
                if credential.scopes.is_empty() {
                    problems.push("SCIM credential scopes cannot be empty.".to_owned());
                }
            }
        }
        if let Some(managed) = &self.managed_connections {
            problems.extend(managed.problems());
        }
        problems
    }

    /// Sets whether `DELETE /Users/:id` deletes the Bulwark user.
    #[must_use]
    pub fn delete_users(mut self, delete_users: DeleteUsers) -> Self {
        self.delete_users = delete_users;
        self
    }

    /// Sets what happens to a User without an email address.
    #[must_use]
    pub fn missing_email(mut self, missing_email: MissingEmail) -> Self {
        self.missing_email = missing_email;
        self
    }

    /// Sets the resolver that links a SCIM User being created to an existing Bulwark user.
    #[must_use]
    pub fn resolve_user(mut self, resolver: IdentityResolver) -> Self {
        self.resolve_user = Some(resolver);
        self
    }

    /// Turns on the managed connection catalog (`bulwark_scim::managed`).
    #[must_use]
    pub fn managed_connections(mut self, managed: ManagedConnectionOptions) -> Self {
        self.managed_connections = Some(managed);
        self
    }

    /// Sets the hook that runs after a SCIM user was created.
    #[must_use]
    pub fn on_user_provisioned(mut self, hook: ScimUserHook) -> Self {
        self.on_user_provisioned = Some(hook);
        self
    }

    /// Sets the hook that runs after a SCIM user was changed.
    #[must_use]
    pub fn on_user_updated(mut self, hook: ScimUserHook) -> Self {
        self.on_user_updated = Some(hook);
        self
    }

    /// Sets the hook that runs after a SCIM user was deleted.
    #[must_use]
    pub fn on_user_deprovisioned(mut self, hook: ScimUserHook) -> Self {
        self.on_user_deprovisioned = Some(hook);
        self
    }
}

/// Whether deleting a SCIM user also deletes the Bulwark user it is linked to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeleteUsers {
    /// Never: the Bulwark user, its accounts and sessions stay (upstream v1.7.1's behaviour).
    Never,
    /// When no other SCIM user links it, it has no `account` rows (no password, no social or SSO
    /// sign-in) and, with the organization plugin, no membership is left (an organization-scoped
    /// connection's own membership goes first): a user that only existed because an identity provider
    /// created it goes with it.
    #[default]
    WhenUnused,
}

/// What provisioning does with a User that has no email address: no `emails` value and a `userName`
/// that is not an email address either.
///
/// A Bulwark user needs an email, so upstream refuses such a User. Identity providers that key users by
/// employee number or login name, and test suites that send random `userName`s, need them accepted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum MissingEmail {
    /// `400 invalidValue` ("emails must contain an email when userName is not an email address"), and
    /// a PATCH may not remove the last email: upstream v1.7.1's behaviour.
    #[default]
    Reject,
    /// The User is accepted without emails, and a PATCH may remove them all. Its linked Bulwark user
    /// gets the placeholder address `<SCIM User id>@scim.invalid` (under the `.invalid` top-level
    /// domain that RFC 2606 reserves, so it never reaches a mailbox), unverified. The address is
    /// unique to the SCIM User, so it never links to an existing Bulwark user; the first real email
    /// that arrives replaces it. See [`MissingEmail::is_placeholder`].
    Placeholder,
}

impl MissingEmail {
    /// The domain of the placeholder addresses of [`MissingEmail::Placeholder`].
    pub const PLACEHOLDER_DOMAIN: &'static str = "scim.invalid";

    /// The placeholder address of the SCIM User `scim_user_id`.
    pub fn placeholder(scim_user_id: &str) -> String {
        format!("{scim_user_id}@{}", Self::PLACEHOLDER_DOMAIN)
    }

    /// Whether `email` is a placeholder address (a Bulwark user whose SCIM User has no email).
    pub fn is_placeholder(email: &str) -> bool {
        email
            .rsplit_once('@')
            .is_some_and(|(_, domain)| domain.eq_ignore_ascii_case(Self::PLACEHOLDER_DOMAIN))
    }

    /// Whether Users without an email address are accepted.
    pub(crate) const fn allows_none(self) -> bool {
        matches!(self, Self::Placeholder)
    }
}

/// Which Bulwark user a SCIM User being created belongs to (upstream v1.7.1's
/// `SCIMIdentityResolution`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum IdentityResolution {
    /// A new Bulwark user, whose profile this SCIM User manages (the default).
    Create,
    /// The existing Bulwark user `user_id`. It must exist, and must not have a SCIM User of this
    /// connection already (`409 uniqueness`). Never decide this on an unverified email match: the
    /// identity provider controls the email it sends.
    Link {
        /// The Bulwark user.
        user_id: String,
        /// Whether this SCIM User manages the user's email and name.
        profile: ProfileAuthority,
    },
}

/// Whether a linked SCIM User manages its Bulwark user's profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProfileAuthority {
    /// The user's email and name follow this SCIM User (email no longer verified when it changes). A
    /// user has at most one managing source: a second answers `409 uniqueness` ("Another SCIM
    /// source already manages this User profile").
    Manage,
    /// The user's email and name stay as they are; the SCIM User keeps its own values.
    Preserve,
}

/// What an [`IdentityResolver`] is asked about: the incoming User, validated and canonical, and where
/// it comes from.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct IdentityInput {
    /// The connection creating the User.
    pub connection_id: String,
    /// The connection's provisioning domain.
    pub provisioning_domain_id: String,
    /// The connection's organization, if it is organization-scoped.
    pub organization_id: Option<String>,
    /// `userName`, trimmed.
    pub user_name: String,
    /// `externalId`.
    pub external_id: Option<String>,
    /// The primary email, lower-cased (none only under [`MissingEmail::Placeholder`]).
    pub primary_email: Option<String>,
    /// The display name.
    pub display_name: String,
    /// The auth instance, to read what the decision needs (`auth.store()`).
    pub auth: bulwark_core::Auth,
}

/// Decides which Bulwark user a SCIM User being created belongs to. It runs before the create's
/// transaction; an error is answered as the SCIM error of its status and nothing is written.
pub type IdentityResolver = Arc<
    dyn Fn(IdentityInput) -> BoxFuture<'static, Result<IdentityResolution, ApiError>> + Send + Sync,
>;

/// What a SCIM user hook receives.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ScimUserEvent {
    /// What happened: `user.created`, `user.updated`, `user.deactivated`, `user.reactivated` or
    /// `user.deleted` (as in the audit trail).
    pub action: &'static str,
    /// The connection that made the change.
    pub connection_id: String,
    /// The SCIM user after the change (as it was, for a deletion).
    pub scim_user: crate::models::ScimUser,
    /// Whether the Bulwark user was deleted with it (deletions only).
    pub user_deleted: bool,
}

/// A hook on SCIM user changes. It runs after the change committed, so an error cannot undo it: the
/// error is logged and the client still gets its answer.
pub type ScimUserHook =
    Arc<dyn Fn(ScimUserEvent) -> BoxFuture<'static, Result<(), ApiError>> + Send + Sync>;

/// The managed connection catalog's options (upstream's `managedConnections`): connections and their
/// rotating credentials created at run time through `bulwark_scim::managed::ManagedConnections`.
#[derive(Clone)]
pub struct ManagedConnectionOptions {
    /// The HMAC key under which credential digests are stored: at least 32 characters.
    pub credential_hash_secret: String,
    /// How many unexpired, unrevoked credentials a connection may have at once: 1–100 (default 5).
    pub max_active_credentials: u32,
    /// How often a credential's `lastUsedAt` is written at most (default 300 seconds).
    pub last_used_write_interval: time::Duration,
}

impl ManagedConnectionOptions {
    /// The catalog with `credential_hash_secret` and upstream's defaults.
    pub fn new(credential_hash_secret: impl Into<String>) -> Self {
        Self {
            credential_hash_secret: credential_hash_secret.into(),
            max_active_credentials: 5,
            last_used_write_interval: time::Duration::seconds(300),
        }
    }

    /// Sets how many credentials a connection may have active at once.
    #[must_use]
    pub fn max_active_credentials(mut self, max: u32) -> Self {
        self.max_active_credentials = max;
        self
    }

    /// Sets how often `lastUsedAt` is written at most.
    #[must_use]
    pub fn last_used_write_interval(mut self, interval: time::Duration) -> Self {
        self.last_used_write_interval = interval;
        self
    }

    /// Every problem with these options, in upstream's words.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.credential_hash_secret.chars().count() < 32 {
            problems.push(
                "SCIM managed credentialHashSecret must contain at least 32 characters.".to_owned(),
            );
        }
        if !(1..=100).contains(&self.max_active_credentials) {
            problems.push(
                "SCIM managed maxActiveCredentials must be an integer between 1 and 100."
                    .to_owned(),
            );
        }
        if self.last_used_write_interval.is_negative() {
            problems.push(
                "SCIM managed lastUsedWriteIntervalSeconds must be a non-negative integer."
                    .to_owned(),
            );
        }
        problems
    }
}

impl fmt::Debug for ManagedConnectionOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ManagedConnectionOptions")
            .field("credential_hash_secret", &"[redacted]")
            .field("max_active_credentials", &self.max_active_credentials)
            .field("last_used_write_interval", &self.last_used_write_interval)
            .finish()
    }
}
