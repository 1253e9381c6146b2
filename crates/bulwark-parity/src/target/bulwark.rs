//! Bulwark in-process, built from a scenario's upstream-style options.

use std::sync::Arc;

use anyhow::{Context, bail};
use bulwark_core::adapter::memory::MemoryAdapter;
use bulwark_core::options::{
    AdvancedOptions, EmailAndPasswordOptions, SessionOptions, UserOptions,
};
use bulwark_core::{Adapter, Auth, AuthBuilder};
use bulwark_organization::api::NewMember;
use bulwark_organization::options::{Limit, OrganizationLimit, TeamOptions};
use bulwark_organization::{OrganizationApi, OrganizationOptions};
use bulwark_scim::ScimOptions;
use bulwark_scim::Scopes;
use bulwark_scim::options::{
    DefaultScimProvider, StaticConnection, StaticCredential, TokenStorage,
};
use bytes::Bytes;
use serde_json::Value;

use super::{BASE_PATH, BASE_URL, SECRET};
use crate::runner::Target;
use crate::transcript::{Request, Response};

/// Bulwark's handler, called directly (no sockets).
#[derive(Debug, Default)]
pub struct BulwarkTarget {
    auth: Option<Auth>,
}

impl Target for BulwarkTarget {
    fn name(&self) -> String {
        "bulwark".to_owned()
    }

    async fn init(&mut self, options: &Value, database: &str) -> anyhow::Result<()> {
        let sql = match database {
            "memory" => None,
            "sqlite" => Some(bulwark_sql::SqlAdapter::connect("sqlite::memory:").await?),
            other => bail!("unknown database `{other}`"),
        };
        let adapter: Arc<dyn Adapter> = match &sql {
            Some(sql) => Arc::new(sql.clone()),
            None => Arc::new(MemoryAdapter::new()),
        };
        let env = bulwark_core::Environment {
            clock: Arc::new(DistinctClock::default()),
            ids: Arc::new(bulwark_core::clock::OsIdGenerator),
        };
        let builder = Auth::builder()
            .database(adapter)
            .secret(SECRET)
            .base_url(BASE_URL)
            .environment(env);
        let auth = apply_options(builder, options)?
            .build()
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        if let Some(sql) = sql {
            sql.migrate(auth.schema()).await?;
        }
        self.auth = Some(auth);
        Ok(())
    }

    async fn call(&mut self, method: &str, args: &Value) -> anyhow::Result<Response> {
        let auth = self.auth.as_ref().context("init first")?;
        let body = args.get("body").cloned().unwrap_or(Value::Null);
        let result = match method {
            "addMember" => add_member(auth, &body).await?,
            other => bail!("server-side call `{other}` is not supported by the Bulwark target yet"),
        };
        let (status, body) = match result {
            Ok(value) => (200, value.to_string()),
            Err(err) => (
                err.status().as_u16(),
                String::from_utf8_lossy(&err.to_json()).into_owned(),
            ),
        };
        let headers = vec![("content-type".to_owned(), "application/json".to_owned())];
        Ok(Response {
            status,
            headers,
            body,
        })
    }

    async fn send(&mut self, request: &Request) -> anyhow::Result<Response> {
        let auth = self.auth.as_ref().context("init first")?;
        let mut builder = http::Request::builder()
            .method(request.method.as_str())
            .uri(format!("{BASE_URL}{BASE_PATH}{}", request.path));
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        let body = request.body.clone().map(Bytes::from).unwrap_or_default();
        let res = auth.handle(builder.body(body)?).await;
        let status = res.status().as_u16();
        let headers = res
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = String::from_utf8_lossy(res.body()).into_owned();
        Ok(Response {
            status,
            headers,
            body,
        })
    }
}

/// The system clock, except that no two readings are equal: each is at least a millisecond after the
/// last. Upstream lists rows in insertion order; Bulwark orders them by creation time, and the harness
/// sends requests faster than a millisecond apart, which real clients never do.
#[derive(Debug, Default)]
struct DistinctClock {
    last: std::sync::Mutex<Option<time::OffsetDateTime>>,
}

impl bulwark_core::Clock for DistinctClock {
    fn now(&self) -> time::OffsetDateTime {
        let now = bulwark_core::clock::SystemClock.now();
        let Ok(mut last) = self.last.lock() else {
            return now;
        };
        let next = match *last {
            Some(previous) if now <= previous => previous + time::Duration::milliseconds(1),
            _ => now,
        };
        *last = Some(next);
        next
    }
}

/// `auth.api.addMember({ body: { userId, organizationId, role, teamId } })`.
async fn add_member(
    auth: &Auth,
    body: &Value,
) -> anyhow::Result<Result<Value, bulwark_core::ApiError>> {
    let api = OrganizationApi::new(auth).context("addMember needs the organization plugin")?;
    let text = |key: &str| {
        body.get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let roles: Vec<String> = match body.get("role") {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        Some(Value::String(role)) => vec![role.clone()],
        _ => Vec::new(),
    };
    let roles: Vec<&str> = roles.iter().map(String::as_str).collect();
    let mut input = NewMember::new(text("organizationId"), text("userId"), &roles);
    if let Some(team) = body.get("teamId").and_then(Value::as_str) {
        input = input.team(team);
    }
    Ok(match api.add_member(input).await {
        Ok(member) => Ok(serde_json::to_value(&member)?),
        Err(err) => Err(err),
    })
}

/// Maps upstream option names onto the builder. An option Bulwark does not know is an error, so a
/// scenario can never pass by silently ignoring what it asks for.
fn apply_options(mut builder: AuthBuilder, options: &Value) -> anyhow::Result<AuthBuilder> {
    let Some(map) = options.as_object() else {
        if options.is_null() {
            return Ok(builder);
        }
        bail!("options must be a table");
    };
    for (key, value) in map {
        builder = match key.as_str() {
            "emailAndPassword" => builder.email_and_password(email_and_password(value)?),
            "session" => builder.session(session(value)?),
            "user" => builder.user(user(value)?),
            "advanced" => builder.advanced(advanced(value)?),
            "trustedOrigins" => {
                let origins = value.as_array().context("trustedOrigins must be a list")?;
                builder.trusted_origins(origins.iter().filter_map(Value::as_str).map(str::to_owned))
            }
            "secret" => builder.secret(value.as_str().context("secret must be a string")?),
            "baseURL" => builder.base_url(value.as_str().context("baseURL must be a string")?),
            "plugins" => plugins(builder, value)?,
            other => bail!("option `{other}` is not supported by Bulwark yet"),
        };
    }
    Ok(builder)
}

/// Upstream plugins by name, with their options.
fn plugins(mut builder: AuthBuilder, value: &Value) -> anyhow::Result<AuthBuilder> {
    for plugin in value.as_array().context("plugins must be a list")? {
        let (name, options) = match plugin {
            Value::String(name) => (name.as_str(), Value::Null),
            Value::Object(map) => (
                map.get("name")
                    .and_then(Value::as_str)
                    .context("a plugin needs a `name`")?,
                map.get("options").cloned().unwrap_or(Value::Null),
            ),
            _ => bail!("a plugin is a name or a table with `name` and `options`"),
        };
        builder = match name {
            "organization" => {
                builder.plugin(bulwark_organization::organization(organization(&options)?))
            }
            "scim" => builder.plugin(bulwark_scim::scim(scim(&options)?)),
            other => bail!("plugin `{other}` is not supported by Bulwark yet"),
        };
    }
    Ok(builder)
}

/// Upstream's organization options.
fn organization(value: &Value) -> anyhow::Result<OrganizationOptions> {
    let mut options = OrganizationOptions::default();
    if value.is_null() {
        return Ok(options);
    }
    for (key, v) in fields(value, "organization")? {
        let count = |v: &Value| {
            v.as_u64()
                .with_context(|| format!("`{key}` must be a non-negative integer"))
        };
        options = match key.as_str() {
            "allowUserToCreateOrganization" => {
                options.allow_user_to_create_organization(flag(&v, &key)?)
            }
            "organizationLimit" => options.organization_limit(OrganizationLimit::Max(count(&v)?)),
            "creatorRole" => {
                options.creator_role(v.as_str().context("creatorRole must be a string")?)
            }
            "membershipLimit" => options.membership_limit(Limit::Fixed(count(&v)?)),
            "invitationExpiresIn" => {
                options.invitation_expires_in(time::Duration::seconds(number(&v, &key)?))
            }
            "invitationLimit" => options.invitation_limit(Limit::Fixed(count(&v)?)),
            "cancelPendingInvitationsOnReInvite" => {
                options.cancel_pending_invitations_on_re_invite(flag(&v, &key)?)
            }
            "requireEmailVerificationOnInvitation" => {
                options.require_email_verification_on_invitation(flag(&v, &key)?)
            }
            "disableOrganizationDeletion" => options.disable_organization_deletion(flag(&v, &key)?),
            "teams" => options.teams(teams(&v)?),
            other => bail!("option `organization.{other}` is not supported by Bulwark yet"),
        };
    }
    Ok(options)
}

/// Upstream's SCIM options: v1.6.30's provider tokens (`storeSCIMToken`, `providerOwnership`,
/// `defaultSCIM`, `requiredRole`) and v1.7.1's code-defined `connections`.
fn scim(value: &Value) -> anyhow::Result<ScimOptions> {
    let mut options = ScimOptions::default();
    if value.is_null() {
        return Ok(options);
    }
    for (key, v) in fields(value, "scim")? {
        options = match key.as_str() {
            "storeSCIMToken" => options.store_scim_token(match v.as_str() {
                Some("plain") => TokenStorage::Plain,
                Some("hashed") => TokenStorage::Hashed,
                Some("encrypted") => TokenStorage::Encrypted,
                _ => bail!(
                    "option `scim.storeSCIMToken` must be \"plain\", \"hashed\" or \"encrypted\" here"
                ),
            }),
            "providerOwnership" => {
                let mut enabled = false;
                for (k, flag_value) in fields(&v, "scim.providerOwnership")? {
                    match k.as_str() {
                        "enabled" => enabled = flag(&flag_value, &k)?,
                        other => bail!(
                            "option `scim.providerOwnership.{other}` is not supported by Bulwark yet"
                        ),
                    }
                }
                options.provider_ownership(enabled)
            }
            "requiredRole" => options.required_role(strings(&v, "scim.requiredRole")?),
            "defaultSCIM" => {
                let list = v.as_array().context("`scim.defaultSCIM` must be a list")?;
                for entry in list {
                    options = options.default_provider(default_scim(entry)?);
                }
                options
            }
            "connections" => {
                let list = v.as_array().context("`scim.connections` must be a list")?;
                for entry in list {
                    options = options.connection(scim_connection(entry)?);
                }
                options
            }
            other => bail!("option `scim.{other}` is not supported by Bulwark yet"),
        };
    }
    Ok(options)
}

/// One of upstream's `defaultSCIM` providers.
fn default_scim(value: &Value) -> anyhow::Result<DefaultScimProvider> {
    let mut provider = DefaultScimProvider {
        provider_id: String::new(),
        scim_token: String::new(),
        organization_id: None,
    };
    for (key, v) in fields(value, "scim.defaultSCIM[]")? {
        let text = v
            .as_str()
            .with_context(|| format!("`scim.defaultSCIM[].{key}` must be a string"))?
            .to_owned();
        match key.as_str() {
            "providerId" => provider.provider_id = text,
            "scimToken" => provider.scim_token = text,
            "organizationId" => provider.organization_id = Some(text),
            other => bail!("option `scim.defaultSCIM[].{other}` is not supported by Bulwark yet"),
        }
    }
    Ok(provider)
}

/// One of upstream v1.7.1's `connections`, with its static bearer credentials.
fn scim_connection(value: &Value) -> anyhow::Result<StaticConnection> {
    let map = fields(value, "scim.connections[]")?;
    let id = map
        .get("id")
        .and_then(Value::as_str)
        .context("a SCIM connection needs an `id`")?;
    let mut connection = StaticConnection::new(id);
    for (key, v) in &map {
        let text = || {
            v.as_str()
                .with_context(|| format!("`scim.connections[].{key}` must be a string"))
        };
        connection = match key.as_str() {
            "id" => connection,
            "provisioningDomainId" => connection.provisioning_domain(text()?),
            "organizationId" => connection.organization(text()?),
            "credentials" => {
                let list = v
                    .as_array()
                    .context("`scim.connections[].credentials` must be a list")?;
                for credential in list {
                    connection = connection.credential(static_credential(credential)?);
                }
                connection
            }
            other => bail!("option `scim.connections[].{other}` is not supported by Bulwark yet"),
        };
    }
    Ok(connection)
}

/// A `{ type: "bearer", id, token, scopes? }` credential.
fn static_credential(value: &Value) -> anyhow::Result<StaticCredential> {
    let map = fields(value, "scim.connections[].credentials[]")?;
    let text = |key: &str| {
        map.get(key)
            .and_then(Value::as_str)
            .with_context(|| format!("a SCIM credential needs a string `{key}`"))
    };
    if text("type")? != "bearer" {
        bail!("only `bearer` SCIM credentials are supported");
    }
    let mut credential = StaticCredential::new(text("id")?, text("token")?);
    for (key, v) in &map {
        match key.as_str() {
            "type" | "id" | "token" => {}
            "scopes" => {
                let names = strings(v, "scopes")?;
                let scopes = Scopes::parse(names.iter().map(String::as_str))
                    .context("unknown SCIM scope")?;
                credential = credential.scopes(scopes);
            }
            "expiresAt" => credential = credential.expires_at(date(v, "expiresAt")?),
            other => bail!(
                "option `scim.connections[].credentials[].{other}` is not supported by Bulwark yet"
            ),
        }
    }
    Ok(credential)
}

/// A date option, written `{ "$date" = "<RFC 3339>" }` as the oracle reads it (a JavaScript `Date`).
fn date(value: &Value, name: &str) -> anyhow::Result<time::OffsetDateTime> {
    let text = value
        .get("$date")
        .and_then(Value::as_str)
        .with_context(|| format!("`{name}` must be {{ \"$date\" = \"<RFC 3339>\" }}"))?;
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .with_context(|| format!("`{name}` is not an RFC 3339 date: {text}"))
}

fn strings(value: &Value, name: &str) -> anyhow::Result<Vec<String>> {
    value
        .as_array()
        .with_context(|| format!("`{name}` must be a list of strings"))?
        .iter()
        .map(|item| {
            item.as_str()
                .map(str::to_owned)
                .with_context(|| format!("`{name}` must be a list of strings"))
        })
        .collect()
}

fn teams(value: &Value) -> anyhow::Result<TeamOptions> {
    let mut options = TeamOptions::default();
    for (key, v) in fields(value, "organization.teams")? {
        let count = |v: &Value| {
            v.as_u64()
                .with_context(|| format!("`{key}` must be a non-negative integer"))
        };
        options = match key.as_str() {
            "enabled" => {
                options.enabled = flag(&v, &key)?;
                options
            }
            "maximumTeams" => options.maximum_teams(Limit::Fixed(count(&v)?)),
            "maximumMembersPerTeam" => options.maximum_members_per_team(Limit::Fixed(count(&v)?)),
            "allowRemovingAllTeams" => options.allow_removing_all_teams(flag(&v, &key)?),
            "defaultTeam" => {
                let enabled = fields(&v, "organization.teams.defaultTeam")?
                    .get("enabled")
                    .map(|e| flag(e, "defaultTeam.enabled"))
                    .transpose()?
                    .unwrap_or(true);
                options.default_team(enabled)
            }
            other => bail!("option `organization.teams.{other}` is not supported by Bulwark yet"),
        };
    }
    Ok(options)
}

fn fields(value: &Value, section: &str) -> anyhow::Result<serde_json::Map<String, Value>> {
    value
        .as_object()
        .cloned()
        .with_context(|| format!("`{section}` must be a table"))
}

fn flag(value: &Value, name: &str) -> anyhow::Result<bool> {
    value
        .as_bool()
        .with_context(|| format!("`{name}` must be a boolean"))
}

fn number(value: &Value, name: &str) -> anyhow::Result<i64> {
    value
        .as_i64()
        .with_context(|| format!("`{name}` must be an integer"))
}

fn email_and_password(value: &Value) -> anyhow::Result<EmailAndPasswordOptions> {
    let mut options = EmailAndPasswordOptions::disabled();
    for (key, v) in fields(value, "emailAndPassword")? {
        match key.as_str() {
            "enabled" => options.enabled = flag(&v, &key)?,
            "disableSignUp" => options.disable_sign_up = flag(&v, &key)?,
            "autoSignIn" => options.auto_sign_in = flag(&v, &key)?,
            "requireEmailVerification" => options.require_email_verification = flag(&v, &key)?,
            "minPasswordLength" => {
                options.min_password_length = usize::try_from(number(&v, &key)?)?;
            }
            "maxPasswordLength" => {
                options.max_password_length = usize::try_from(number(&v, &key)?)?;
            }
            other => bail!("option `emailAndPassword.{other}` is not supported by Bulwark yet"),
        }
    }
    Ok(options)
}

fn session(value: &Value) -> anyhow::Result<SessionOptions> {
    let mut options = SessionOptions::default();
    for (key, v) in fields(value, "session")? {
        match key.as_str() {
            "expiresIn" => options.expires_in = time::Duration::seconds(number(&v, &key)?),
            "updateAge" => options.update_age = time::Duration::seconds(number(&v, &key)?),
            "freshAge" => options.fresh_age = time::Duration::seconds(number(&v, &key)?),
            "disableSessionRefresh" => options.disable_session_refresh = flag(&v, &key)?,
            other => bail!("option `session.{other}` is not supported by Bulwark yet"),
        }
    }
    Ok(options)
}

fn user(value: &Value) -> anyhow::Result<UserOptions> {
    let mut options = UserOptions::default();
    for (key, v) in fields(value, "user")? {
        match key.as_str() {
            "deleteUser" => {
                for (k, flag_value) in fields(&v, "user.deleteUser")? {
                    match k.as_str() {
                        "enabled" => options.delete_user_enabled = flag(&flag_value, &k)?,
                        other => bail!(
                            "option `user.deleteUser.{other}` is not supported by Bulwark yet"
                        ),
                    }
                }
            }
            other => bail!("option `user.{other}` is not supported by Bulwark yet"),
        }
    }
    Ok(options)
}

fn advanced(value: &Value) -> anyhow::Result<AdvancedOptions> {
    let mut options = AdvancedOptions::default();
    for (key, v) in fields(value, "advanced")? {
        match key.as_str() {
            "cookiePrefix" => v
                .as_str()
                .context("cookiePrefix must be a string")?
                .clone_into(&mut options.cookie_prefix),
            "useSecureCookies" => options.use_secure_cookies = Some(flag(&v, &key)?),
            "disableOriginCheck" => options.disable_origin_check = flag(&v, &key)?,
            other => bail!("option `advanced.{other}` is not supported by Bulwark yet"),
        }
    }
    Ok(options)
}
