//! Organization endpoints: `/organization/create`, `/check-slug`, `/update`, `/delete`, `/list`,
//! `/get-organization` (v1.7.1), `/get-full-organization` and `/set-active`.

use std::sync::Arc;

use bulwark_core::ApiError;
use bulwark_core::adapter::{Sort, Where};
use bulwark_core::endpoint::{ApiResponse, Endpoint, RequestCtx};
use bulwark_core::error::codes as core_codes;
use http::{Method, StatusCode};
use serde_json::{Map, Value as Json, json};

use super::caller::{Caller, api_for, bare};
use super::{Input, Nullish, route};
use crate::access::permissions;
use crate::api::NewOrganization;
use crate::codes;
use crate::fields;
use crate::models::{Invitation, Member, Organization, Team};
use crate::options::{OrganizationOptions, RequestInfo};

/// The endpoints of this group.
pub(super) fn endpoints(options: &Arc<OrganizationOptions>) -> Vec<Endpoint> {
    vec![
        route(Method::POST, "/organization/create", options, create),
        route(
            Method::POST,
            "/organization/check-slug",
            options,
            check_slug,
        ),
        route(Method::POST, "/organization/update", options, update),
        route(Method::POST, "/organization/delete", options, delete),
        route(Method::GET, "/organization/list", options, list),
        route(
            Method::GET,
            "/organization/get-organization",
            options,
            get_organization,
        ),
        route(
            Method::GET,
            "/organization/get-full-organization",
            options,
            get_full_organization,
        ),
        route(
            Method::POST,
            "/organization/set-active",
            options,
            set_active,
        ),
    ]
}

/// `POST /organization/create`: creates an organization with the caller as its creator, makes it active
/// unless `keepCurrentActiveOrganization`, and answers it with `members: [creator]`.
async fn create(
    req: RequestCtx,
    options: Arc<OrganizationOptions>,
) -> Result<ApiResponse, ApiError> {
    let mut body = Input::parse(&req)?;
    let name = body.nonempty_string("name");
    let slug = body.nonempty_string("slug");
    let _user_id = body.coerced_string("userId");
    let logo = body.nullish_string("logo");
    let metadata = body.opt_record("metadata");
    let keep_active = body.opt_bool("keepCurrentActiveOrganization");
    let additional_fields = body.additional(&options.additional_fields.organization);
    body.finish()?;
    // Over HTTP there is always a request, so upstream requires a session (its `userId` path is for
    // server calls: `OrganizationApi::create_organization`).
    let Ok(caller) = Caller::signed_in_or(
        req,
        &options,
        ApiError::unauthorized(core_codes::UNAUTHORIZED),
    )
    .await
    else {
        return Ok(bare(StatusCode::UNAUTHORIZED));
    };
    let input = NewOrganization {
        name: name.unwrap_or_default(),
        slug: slug.unwrap_or_default(),
        logo: logo.value(),
        metadata,
        additional_fields,
    };
    let created = caller
        .api
        .create_organization_as(&caller.session.user, input, false)
        .await?;
    if !keep_active.unwrap_or(false) {
        caller
            .api
            .set_active_organization(caller.token(), Some(&created.organization.id))
            .await?;
        if let Some(team_id) = &created.team_id {
            caller
                .api
                .set_active_team(caller.token(), Some(team_id))
                .await?;
        }
    }
    let mut json = created.organization.to_written_json();
    fields::shape(&mut json, &options.additional_fields.organization);
    if let Json::Object(map) = &mut json {
        map.insert(
            "members".to_owned(),
            json!([caller.output(&created.member)]),
        );
    }
    caller.respond(&json)
}

/// `POST /organization/check-slug`: `{"status": true}` when the slug is free.
async fn check_slug(
    req: RequestCtx,
    options: Arc<OrganizationOptions>,
) -> Result<ApiResponse, ApiError> {
    let mut body = Input::parse(&req)?;
    let slug = body.string("slug");
    body.finish()?;
    let caller = Caller::signed_in(req, &options).await?;
    let slug = slug.unwrap_or_default();
    if caller.api.find_organization_by_slug(&slug).await?.is_some() {
        return Err(ApiError::bad_request(
            codes::ORGANIZATION_SLUG_ALREADY_TAKEN,
        ));
    }
    caller.respond(&json!({ "status": true }))
}

/// `POST /organization/update`: changes the name, slug, logo or metadata (`organization: update`).
async fn update(
    req: RequestCtx,
    options: Arc<OrganizationOptions>,
) -> Result<ApiResponse, ApiError> {
    let mut body = Input::parse(&req)?;
    let changes = body.object("data", |input, data, path| {
        // Upstream's `data` schema lists the additional fields first.
        let additional =
            input.additional_in(data, path, &options.additional_fields.organization, true);
        let mut changes = Map::new();
        fields::to_data(&additional, &mut changes);
        if let Some(name) = input.nested_nonempty(data, path, "name") {
            changes.insert("name".to_owned(), Json::String(name));
        }
        if let Some(slug) = input.nested_nonempty(data, path, "slug") {
            changes.insert("slug".to_owned(), Json::String(slug));
        }
        match input.nested_nullish(data, path, "logo") {
            Nullish::Set(logo) => {
                changes.insert("logo".to_owned(), Json::String(logo));
            }
            Nullish::Null => {
                changes.insert("logo".to_owned(), Json::Null);
            }
            Nullish::Absent => {}
        }
        if let Some(metadata) = input.nested_record(data, path, "metadata") {
            changes.insert("metadata".to_owned(), Json::Object(metadata));
        }
        changes
    });
    let organization_id = body.opt_string("organizationId");
    body.finish()?;
    let not_signed_in = ApiError::message_only(StatusCode::UNAUTHORIZED, "User not found");
    let caller = Caller::signed_in_or(req, &options, not_signed_in).await?;
    let Some(organization_id) = organization_id.or_else(|| caller.active_organization_id()) else {
        return Err(ApiError::bad_request(codes::ORGANIZATION_NOT_FOUND));
    };
    let member = caller
        .member_of(
            &organization_id,
            ApiError::bad_request(codes::USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION),
        )
        .await?;
    caller
        .require_permission(
            &organization_id,
            &member,
            &permissions([("organization", ["update"])]),
            ApiError::forbidden(codes::YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_ORGANIZATION),
        )
        .await?;
    let changes = changes.unwrap_or_default();
    if let Some(slug) = changes.get("slug").and_then(Json::as_str)
        && let Some(existing) = caller.api.find_organization_by_slug(slug).await?
        && existing.id != organization_id
    {
        return Err(ApiError::bad_request(
            codes::ORGANIZATION_SLUG_ALREADY_TAKEN,
        ));
    }
    let updated = caller
        .api
        .update_organization(&organization_id, changes, &caller.session.user, &member)
        .await?;
    match updated {
        Some(organization) => {
            let mut json = organization.to_written_json();
            fields::shape(&mut json, &options.additional_fields.organization);
            caller.respond(&json)
        }
        None => caller.respond(&Json::Null),
    }
}

/// `POST /organization/delete`: deletes the organization (`organization: delete`) and answers it.
async fn delete(
    req: RequestCtx,
    options: Arc<OrganizationOptions>,
) -> Result<ApiResponse, ApiError> {
    let mut body = Input::parse(&req)?;
    let organization_id = body.string("organizationId");
    body.finish()?;
    if options.disable_organization_deletion {
        return Err(ApiError::not_found(codes::ORGANIZATION_DELETION_DISABLED));
    }
    let Ok(caller) = Caller::signed_in_or(
        req,
        &options,
        ApiError::unauthorized(core_codes::UNAUTHORIZED),
    )
    .await
    else {
        return Ok(bare(StatusCode::UNAUTHORIZED));
    };
    let organization_id = organization_id.unwrap_or_default();
    if organization_id.is_empty() {
        return Err(ApiError::bad_request(codes::ORGANIZATION_NOT_FOUND));
    }
    let member = caller
        .member_of(
            &organization_id,
            ApiError::bad_request(codes::USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION),
        )
        .await?;
    caller
        .require_permission(
            &organization_id,
            &member,
            &permissions([("organization", ["delete"])]),
            ApiError::forbidden(codes::YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_ORGANIZATION),
        )
        .await?;
    if caller.active_organization_id().as_deref() == Some(organization_id.as_str()) {
        caller.clear_active_organization().await?;
    }
    let Some(organization) = caller.api.find_organization(&organization_id).await? else {
        return Ok(bare(StatusCode::BAD_REQUEST));
    };
    let request = RequestInfo::of(&caller.req);
    caller
        .api
        .delete_organization_for(&organization, &caller.session.user, Some(request))
        .await?;
    caller.respond(&caller.output(&organization))
}

/// `GET /organization/list`: the caller's organizations.
async fn list(req: RequestCtx, options: Arc<OrganizationOptions>) -> Result<ApiResponse, ApiError> {
    let caller = Caller::signed_in(req, &options).await?;
    let organizations = caller.api.list_organizations(caller.user_id()).await?;
    caller.respond(&caller.output(&organizations))
}

/// The organization a read names: `organizationSlug`, else `organizationId`, else the active one.
fn requested_organization(caller: &Caller) -> Option<(String, bool)> {
    if let Some(slug) = caller
        .req
        .query("organizationSlug")
        .filter(|s| !s.is_empty())
    {
        return Some((slug, true));
    }
    caller
        .req
        .query("organizationId")
        .filter(|s| !s.is_empty())
        .or_else(|| caller.active_organization_id())
        .map(|id| (id, false))
}

/// Finds the requested organization and checks the caller belongs to it (clearing the active
/// organization and answering `403` when not).
async fn readable_organization(
    caller: &Caller,
    key: &str,
    is_slug: bool,
) -> Result<Organization, ApiError> {
    let found = if is_slug {
        caller.api.find_organization_by_slug(key).await?
    } else {
        caller.api.find_organization(key).await?
    };
    let Some(organization) = found else {
        return Err(ApiError::bad_request(codes::ORGANIZATION_NOT_FOUND));
    };
    if caller
        .api
        .find_member(&organization.id, caller.user_id())
        .await?
        .is_none()
    {
        caller.clear_active_organization().await?;
        return Err(ApiError::forbidden(
            codes::USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION,
        ));
    }
    Ok(organization)
}

/// `GET /organization/get-organization` (v1.7.1): the organization alone, or `null` without one.
async fn get_organization(
    req: RequestCtx,
    options: Arc<OrganizationOptions>,
) -> Result<ApiResponse, ApiError> {
    let caller = Caller::signed_in(req, &options).await?;
    let Some((key, is_slug)) = requested_organization(&caller) else {
        return caller.respond(&Json::Null);
    };
    let organization = readable_organization(&caller, &key, is_slug).await?;
    caller.respond(&caller.output(&organization))
}

/// `GET /organization/get-full-organization`: the organization with its invitations, members (with their
/// users, at most `membersLimit` or the membership limit) and, with teams, its teams.
async fn get_full_organization(
    req: RequestCtx,
    options: Arc<OrganizationOptions>,
) -> Result<ApiResponse, ApiError> {
    let caller = Caller::signed_in(req, &options).await?;
    let Some((key, is_slug)) = requested_organization(&caller) else {
        return caller.respond(&Json::Null);
    };
    let organization = readable_organization(&caller, &key, is_slug).await?;
    let in_org = Where::eq("organizationId", organization.id.as_str());
    let store = caller.api.store();
    let invitations: Vec<Invitation> = store
        .find_many(&in_org, &[Sort::asc("createdAt")], None, None)
        .await?;
    let default_limit = match &options.membership_limit {
        crate::options::Limit::Fixed(n) => *n,
        crate::options::Limit::Dynamic(_) => 100,
    };
    let limit = caller
        .req
        .query("membersLimit")
        .and_then(|l| l.trim().parse::<u64>().ok())
        .filter(|l| *l > 0)
        .unwrap_or(default_limit);
    let members: Vec<Member> = store
        .find_many(&in_org, &[Sort::asc("createdAt")], Some(limit), None)
        .await?;
    let members = caller.api.with_users(members).await?;
    let mut json = caller.output(&organization);
    if let Json::Object(map) = &mut json {
        map.insert("invitations".to_owned(), caller.output(&invitations));
        map.insert("members".to_owned(), caller.output(&members));
        if options.teams.enabled {
            let teams: Vec<Team> = store
                .find_many(&in_org, &[Sort::asc("createdAt")], None, None)
                .await?;
            // v1.7.1 shows each team's seat counter here (right after `name`); other answers hide it.
            let teams: Vec<serde_json::Value> = teams
                .iter()
                .map(|team| {
                    let serde_json::Value::Object(fields) = caller.output(team) else {
                        return serde_json::Value::Null;
                    };
                    let mut with_count = Map::new();
                    for (key, value) in fields {
                        let after_name = key == "name";
                        with_count.insert(key, value);
                        if after_name {
                            with_count.insert(
                                "memberCount".to_owned(),
                                json!(team.member_count.unwrap_or(0)),
                            );
                        }
                    }
                    serde_json::Value::Object(with_count)
                })
                .collect();
            map.insert("teams".to_owned(), serde_json::Value::Array(teams));
        }
    }
    caller.respond(&json)
}

/// `POST /organization/set-active`: makes an organization (by id or slug) active, or clears it with
/// `organizationId: null`.
async fn set_active(
    req: RequestCtx,
    options: Arc<OrganizationOptions>,
) -> Result<ApiResponse, ApiError> {
    let mut body = Input::parse(&req)?;
    let organization_id = body.nullish_string("organizationId");
    let organization_slug = body.opt_string("organizationSlug");
    body.finish()?;
    let caller = Caller::signed_in(req, &options).await?;
    let api = api_for(&caller.req, &options);
    let mut organization_id = match organization_id {
        Nullish::Null => {
            if caller.active_organization_id().is_none() {
                return caller.respond(&Json::Null);
            }
            api.set_active_organization(caller.token(), None).await?;
            return caller.respond_with_session_cookie(&Json::Null);
        }
        Nullish::Set(id) => Some(id).filter(|id| !id.is_empty()),
        Nullish::Absent => None,
    };
    let organization_slug = organization_slug.filter(|s| !s.is_empty());
    if organization_id.is_none() && organization_slug.is_none() {
        let Some(active) = caller.active_organization_id() else {
            return caller.respond(&Json::Null);
        };
        organization_id = Some(active);
    }
    if let (None, Some(slug)) = (&organization_id, &organization_slug) {
        let Some(found) = api.find_organization_by_slug(slug).await? else {
            return Err(ApiError::bad_request(codes::ORGANIZATION_NOT_FOUND));
        };
        organization_id = Some(found.id);
    }
    let Some(organization_id) = organization_id else {
        return Err(ApiError::bad_request(codes::ORGANIZATION_NOT_FOUND));
    };
    if api
        .find_member(&organization_id, caller.user_id())
        .await?
        .is_none()
    {
        caller.clear_active_organization().await?;
        return Err(ApiError::forbidden(
            codes::USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION,
        ));
    }
    let organization = api.organization(&organization_id).await?;
    api.set_active_organization(caller.token(), Some(&organization.id))
        .await?;
    caller.respond_with_session_cookie(&caller.output(&organization))
}
