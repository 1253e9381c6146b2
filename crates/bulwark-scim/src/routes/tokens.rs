//! v1.6.30's provider-token management: `POST /scim/generate-token`,
//! `GET /scim/list-provider-connections`, `GET /scim/get-provider-connection` and
//! `POST /scim/delete-provider-connection`, authenticated by the session cookie.
//!
//! These are not `/scim/v2` routes: errors are upstream's plain error JSON. Access follows upstream: an
//! organization's provider is managed by its members holding a required role (`admin` and the
//! organization plugin's creator role by default), a personal provider by its owner (Bulwark records the
//! owner by default).
//!
//! Two deliberate differences: a rejected `before_token_generated` hook leaves the previous token valid
//! (the old row is replaced in the same transaction that stores the new one, after the hook), and with
//! `provider_ownership` on, a personal provider without an owner (made by the server's
//! `scim create-token` command, or before ownership was turned on) is managed by no session: upstream
//! lets any signed-in user rotate it, which would hand them a working token.

use std::sync::Arc;

use bulwark_core::adapter::{Op, Sort, Value};
use bulwark_core::endpoint::{ApiResponse, Endpoint, RequestCtx};
use bulwark_core::error::codes as core_codes;
use bulwark_core::session::{self, SessionLookup};
use bulwark_core::{ApiError, Auth, AuthBuilder, Where};
use bulwark_organization::models::Member;
use bulwark_organization::{OrganizationApi, OrganizationOptions};
use http::{Method, StatusCode};
use serde::Serialize;
use serde_json::{Map, Value as Json, json};

use crate::credentials::provider_token::{self, NewProviderToken};
use crate::models::ScimProvider;
use crate::options::{ScimOptions, TokenGenerated, TokenRequest};

/// Registers the token management endpoints.
pub(crate) fn register(auth: &mut AuthBuilder, options: &Arc<ScimOptions>) {
    let opts = Arc::clone(options);
    auth.endpoint(Endpoint::new(
        Method::POST,
        "/scim/generate-token",
        move |req| generate_token(req, Arc::clone(&opts)),
    ));
    let opts = Arc::clone(options);
    auth.endpoint(Endpoint::new(
        Method::GET,
        "/scim/list-provider-connections",
        move |req| list_provider_connections(req, Arc::clone(&opts)),
    ));
    let opts = Arc::clone(options);
    auth.endpoint(Endpoint::new(
        Method::GET,
        "/scim/get-provider-connection",
        move |req| get_provider_connection(req, Arc::clone(&opts)),
    ));
    let opts = Arc::clone(options);
    auth.endpoint(Endpoint::new(
        Method::POST,
        "/scim/delete-provider-connection",
        move |req| delete_provider_connection(req, Arc::clone(&opts)),
    ));
}

/// A provider as the management endpoints show it (never its token).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProviderConnection<'a> {
    id: &'a str,
    provider_id: &'a str,
    organization_id: Option<&'a str>,
}

impl<'a> From<&'a ScimProvider> for ProviderConnection<'a> {
    fn from(provider: &'a ScimProvider) -> Self {
        Self {
            id: &provider.id,
            provider_id: &provider.provider_id,
            organization_id: provider.organization_id.as_deref(),
        }
    }
}

/// `POST /scim/generate-token` `{providerId, organizationId?}`: mints a provider token (201
/// `{"scimToken": …}`), replacing the provider's previous token.
async fn generate_token(
    req: RequestCtx,
    options: Arc<ScimOptions>,
) -> Result<ApiResponse, ApiError> {
    let mut body = Body::parse(&req)?;
    let provider_id = body.string("providerId");
    let organization_id = body.optional_string("organizationId");
    body.finish()?;
    let provider_id = provider_id.unwrap_or_default();
    // Upstream treats an empty organization id as none.
    let organization_id = organization_id.filter(|id| !id.is_empty());
    let (signed_in, lookup) = session::require(&req).await?;
    let user = signed_in.user;
    let auth = req.auth();
    let required = required_roles(auth, &options);

    provider_token::check_provider_id(&provider_id)?;
    let organizations = OrganizationApi::new(auth);
    let member = match (&organization_id, &organizations) {
        (None, _) => None,
        (Some(_), None) => {
            return Err(ApiError::message_only(
                StatusCode::BAD_REQUEST,
                "Restricting a token to an organization requires the organization plugin",
            ));
        }
        (Some(organization_id), Some(organizations)) => {
            let Some(member) = organizations.find_member(organization_id, &user.id).await? else {
                return Err(forbidden("You are not a member of the organization"));
            };
            if !has_required_role(&member.role, &required) {
                return Err(forbidden("Insufficient role for this operation"));
            }
            Some(member)
        }
    };
    if let Some(gate) = &options.can_generate_token {
        let allowed = gate(TokenRequest {
            user: user.clone(),
            provider_id: provider_id.clone(),
            organization_id: organization_id.clone(),
            member: member.clone(),
        })
        .await?;
        if !allowed {
            return Err(forbidden("You are not allowed to generate a SCIM token"));
        }
    }

    // The provider id is unique, so its row (whatever its scope) is the one a new token replaces; the
    // caller must be allowed to manage it.
    let store = req.store();
    let existing: Option<ScimProvider> = store
        .find_one(&Where::eq("providerId", provider_id.as_str()))
        .await?;
    if let Some(existing) = &existing {
        assert_access(auth, &options, &user.id, existing, &required).await?;
    }
    let new = NewProviderToken {
        provider_id: &provider_id,
        organization_id: organization_id.as_deref(),
        user_id: options.provider_ownership.then_some(user.id.as_str()),
    };
    let before = {
        let hook = options.before_token_generated.clone();
        let user = user.clone();
        let member = member.clone();
        move |scim_token: String| -> bulwark_core::adapter::BoxFuture<'static, _> {
            Box::pin(async move {
                match hook {
                    Some(hook) => {
                        hook(TokenGenerated {
                            user,
                            member,
                            scim_token,
                            scim_provider: None,
                        })
                        .await
                    }
                    None => Ok(()),
                }
            })
        }
    };
    let (scim_token, provider) = provider_token::issue_in(
        &store,
        auth,
        &options.store_scim_token,
        new,
        existing.as_ref(),
        before,
    )
    .await?;
    if let Some(hook) = &options.after_token_generated {
        hook(TokenGenerated {
            user,
            member,
            scim_token: scim_token.clone(),
            scim_provider: Some(provider),
        })
        .await?;
    }
    respond(
        StatusCode::CREATED,
        &json!({ "scimToken": scim_token }),
        &lookup,
    )
}

/// `GET /scim/list-provider-connections`: the caller's personal providers (and unowned ones when
/// provider ownership is off), and the providers of organizations where the caller holds a required
/// role.
async fn list_provider_connections(
    req: RequestCtx,
    options: Arc<ScimOptions>,
) -> Result<ApiResponse, ApiError> {
    let (signed_in, lookup) = session::require(&req).await?;
    let user_id = signed_in.user.id;
    let auth = req.auth();
    let required = required_roles(auth, &options);
    let store = req.store();
    let organization_ids: Vec<String> = if OrganizationApi::new(auth).is_some() {
        let memberships: Vec<Member> = store
            .find_many(&Where::eq("userId", user_id.as_str()), &[], None, None)
            .await?;
        memberships
            .into_iter()
            .filter(|member| has_required_role(&member.role, &required))
            .map(|member| member.organization_id)
            .collect()
    } else {
        Vec::new()
    };
    let mut owners = Where::eq("userId", user_id.as_str());
    if !options.provider_ownership {
        owners = owners.or(Where::eq("userId", Value::Null));
    }
    let personal = Where::eq("organizationId", Value::Null).and(owners);
    let filter = if organization_ids.is_empty() {
        personal
    } else {
        Where::cmp("organizationId", Op::In, organization_ids).or(personal)
    };
    let providers: Vec<ScimProvider> = store
        .find_many(&filter, &[Sort::asc("providerId")], None, None)
        .await?;
    let providers: Vec<ProviderConnection<'_>> = providers.iter().map(Into::into).collect();
    respond(StatusCode::OK, &json!({ "providers": providers }), &lookup)
}

/// `GET /scim/get-provider-connection?providerId=`: one provider the caller may manage.
async fn get_provider_connection(
    req: RequestCtx,
    options: Arc<ScimOptions>,
) -> Result<ApiResponse, ApiError> {
    let Some(provider_id) = req.query("providerId") else {
        return Err(ApiError::with_message(
            StatusCode::BAD_REQUEST,
            core_codes::VALIDATION_ERROR,
            "[query.providerId] Invalid input: expected string, received undefined",
        ));
    };
    let (signed_in, lookup) = session::require(&req).await?;
    let provider = accessible_provider(&req, &options, &signed_in.user.id, &provider_id).await?;
    respond(
        StatusCode::OK,
        &ProviderConnection::from(&provider),
        &lookup,
    )
}

/// `POST /scim/delete-provider-connection` `{providerId}`: deletes a provider the caller may manage; its
/// token stops working at once.
async fn delete_provider_connection(
    req: RequestCtx,
    options: Arc<ScimOptions>,
) -> Result<ApiResponse, ApiError> {
    let mut body = Body::parse(&req)?;
    let provider_id = body.string("providerId");
    body.finish()?;
    let provider_id = provider_id.unwrap_or_default();
    let (signed_in, lookup) = session::require(&req).await?;
    accessible_provider(&req, &options, &signed_in.user.id, &provider_id).await?;
    req.store()
        .delete_many::<ScimProvider>(&Where::eq("providerId", provider_id.as_str()))
        .await?;
    respond(StatusCode::OK, &json!({ "success": true }), &lookup)
}

/// The provider with `provider_id` if `user_id` may manage it: 404 `SCIM provider not found`, else
/// [`assert_access`]'s 403s.
async fn accessible_provider(
    req: &RequestCtx,
    options: &ScimOptions,
    user_id: &str,
    provider_id: &str,
) -> Result<ScimProvider, ApiError> {
    let provider: Option<ScimProvider> = req
        .store()
        .find_one(&Where::eq("providerId", provider_id))
        .await?;
    let Some(provider) = provider else {
        return Err(ApiError::message_only(
            StatusCode::NOT_FOUND,
            "SCIM provider not found",
        ));
    };
    let auth = req.auth();
    assert_access(
        auth,
        options,
        user_id,
        &provider,
        &required_roles(auth, options),
    )
    .await?;
    Ok(provider)
}

/// Upstream's `assertSCIMProviderAccess`: an organization's provider needs a membership with a
/// required role; a personal provider needs its owner (and with provider ownership on, an owner).
async fn assert_access(
    auth: &Auth,
    options: &ScimOptions,
    user_id: &str,
    provider: &ScimProvider,
    required: &[String],
) -> Result<(), ApiError> {
    let Some(organization_id) = &provider.organization_id else {
        let owned = match &provider.user_id {
            Some(owner) => owner == user_id,
            None => !options.provider_ownership,
        };
        return if owned {
            Ok(())
        } else {
            Err(forbidden("You must be the owner to access this provider"))
        };
    };
    let Some(organizations) = OrganizationApi::new(auth) else {
        return Err(forbidden(
            "Organization plugin is required to access this SCIM provider",
        ));
    };
    let Some(member) = organizations.find_member(organization_id, user_id).await? else {
        return Err(forbidden(
            "You must be a member of the organization to access this provider",
        ));
    };
    if !has_required_role(&member.role, required) {
        return Err(forbidden("Insufficient role for this operation"));
    }
    Ok(())
}

/// The roles that may manage organization providers: the option, else `admin` and the organization
/// plugin's creator role (`owner` by default).
fn required_roles(auth: &Auth, options: &ScimOptions) -> Vec<String> {
    if let Some(roles) = &options.required_role {
        return roles.clone();
    }
    let creator = auth
        .extension::<OrganizationOptions>()
        .map_or("owner", |organization| organization.creator_role.as_str());
    let mut roles = vec!["admin".to_owned()];
    if creator != "admin" {
        roles.push(creator.to_owned());
    }
    roles
}

/// Whether one of a member's comma-separated roles is required (any role is, when none is required).
fn has_required_role(member_role: &str, required: &[String]) -> bool {
    required.is_empty()
        || member_role
            .split(',')
            .map(str::trim)
            .filter(|role| !role.is_empty())
            .any(|role| required.iter().any(|r| r == role))
}

fn forbidden(message: &'static str) -> ApiError {
    ApiError::message_only(StatusCode::FORBIDDEN, message)
}

/// A JSON response carrying the session lookup's pending cookies.
fn respond(
    status: StatusCode,
    value: &impl Serialize,
    lookup: &SessionLookup,
) -> Result<ApiResponse, ApiError> {
    let mut res = ApiResponse::json_with_status(status, "application/json", value)?;
    lookup.apply(&mut res);
    Ok(res)
}

/// A JSON object body checked with upstream's (zod's) messages, all problems reported together as one
/// `400 VALIDATION_ERROR`.
struct Body {
    map: Map<String, Json>,
    problems: Vec<String>,
}

impl Body {
    fn parse(req: &RequestCtx) -> Result<Self, ApiError> {
        match req.json_value(&["application/json"])? {
            Some(Json::Object(map)) => Ok(Self {
                map,
                problems: Vec::new(),
            }),
            other => Err(validation_error(format!(
                "[body] Invalid input: expected object, received {}",
                kind(other.as_ref())
            ))),
        }
    }

    /// A required string.
    fn string(&mut self, key: &str) -> Option<String> {
        match self.map.get(key) {
            Some(Json::String(value)) => Some(value.clone()),
            other => {
                let problem = format!(
                    "[body.{key}] Invalid input: expected string, received {}",
                    kind(other)
                );
                self.problems.push(problem);
                None
            }
        }
    }

    /// An optional string (absent is `None`; `null` is a type error, as zod's `.optional()` says).
    fn optional_string(&mut self, key: &str) -> Option<String> {
        match self.map.get(key) {
            None => None,
            Some(Json::String(value)) => Some(value.clone()),
            other => {
                let problem = format!(
                    "[body.{key}] Invalid input: expected string, received {}",
                    kind(other)
                );
                self.problems.push(problem);
                None
            }
        }
    }

    fn finish(self) -> Result<(), ApiError> {
        if self.problems.is_empty() {
            return Ok(());
        }
        Err(validation_error(self.problems.join("; ")))
    }
}

fn kind(value: Option<&Json>) -> &'static str {
    match value {
        None => "undefined",
        Some(Json::Null) => "null",
        Some(Json::Bool(_)) => "boolean",
        Some(Json::Number(_)) => "number",
        Some(Json::String(_)) => "string",
        Some(Json::Array(_)) => "array",
        Some(Json::Object(_)) => "object",
    }
}

fn validation_error(message: String) -> ApiError {
    ApiError::with_message(
        StatusCode::BAD_REQUEST,
        core_codes::VALIDATION_ERROR,
        message,
    )
}

#[cfg(test)]
mod tests {
    use super::has_required_role;

    #[test]
    fn roles_are_comma_separated() {
        let required = ["admin".to_owned(), "owner".to_owned()];
        assert!(has_required_role("member,admin", &required));
        assert!(has_required_role(" owner ", &required));
        assert!(!has_required_role("member", &required));
        assert!(!has_required_role("", &required));
        assert!(has_required_role("member", &[]));
    }
}
