//! Member endpoints: `/organization/remove-member`, `/update-member-role`, `/list-members`,
//! `/get-active-member`, `/get-active-member-role` and `/leave`.
//!
//! `/organization/add-member` is deliberately absent: upstream's `addMember` is server-only at both pins
//! (its router answers 404), so Bulwark offers it as `OrganizationApi::add_member` only.

use std::sync::Arc;

use bulwark_core::ApiError;
use bulwark_core::adapter::{Case, Op, Sort, Value, Where};
use bulwark_core::endpoint::{ApiResponse, Endpoint, RequestCtx};
use http::{Method, StatusCode};
use serde_json::{Value as Json, json};

use super::caller::Caller;
use super::{Input, route};
use crate::access::{permissions, split_roles};
use crate::codes;
use crate::models::Member;
use crate::options::{Limit, OrganizationOptions};

/// The endpoints of this group.
pub(super) fn endpoints(options: &Arc<OrganizationOptions>) -> Vec<Endpoint> {
    vec![
        route(
            Method::POST,
            "/organization/remove-member",
            options,
            remove_member,
        ),
        route(
            Method::POST,
            "/organization/update-member-role",
            options,
            update_member_role,
        ),
        route(
            Method::GET,
            "/organization/list-members",
            options,
            list_members,
        ),
        route(
            Method::GET,
            "/organization/get-active-member",
            options,
            get_active_member,
        ),
        route(
            Method::GET,
            "/organization/get-active-member-role",
            options,
            get_active_member_role,
        ),
        route(Method::POST, "/organization/leave", options, leave),
    ]
}

fn no_active_organization() -> ApiError {
    ApiError::bad_request(codes::NO_ACTIVE_ORGANIZATION)
}

fn member_not_found() -> ApiError {
    ApiError::bad_request(codes::MEMBER_NOT_FOUND)
}

/// `POST /organization/remove-member`: removes a member by id or email (`member: delete`). The creator
/// role's last holder cannot be removed, and only a holder of it may remove another.
async fn remove_member(
    req: RequestCtx,
    options: Arc<OrganizationOptions>,
) -> Result<ApiResponse, ApiError> {
    let mut body = Input::parse(&req)?;
    let member_id_or_email = body.string("memberIdOrEmail");
    let organization_id = body.opt_string("organizationId");
    body.finish()?;
    let caller = Caller::signed_in(req, &options).await?;
    let Some(organization_id) = organization_id.or_else(|| caller.active_organization_id()) else {
        return Err(no_active_organization());
    };
    let member = caller
        .member_of(&organization_id, member_not_found())
        .await?;
    let target = member_id_or_email.unwrap_or_default();
    let removed = if target.contains('@') {
        caller
            .api
            .find_member_by_email(&organization_id, &target)
            .await?
    } else {
        caller.api.find_member_by_id(&target).await?
    };
    let Some(removed) = removed else {
        return Err(member_not_found());
    };
    let creator = options.creator_role.as_str();
    if removed.role.split(',').any(|r| r == creator)
        && (!member.has_role(creator) || caller.api.count_owners(&organization_id).await? <= 1)
    {
        return Err(ApiError::bad_request(
            codes::YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER,
        ));
    }
    caller
        .require_permission(
            &organization_id,
            &member,
            &permissions([("member", ["delete"])]),
            ApiError::unauthorized(codes::YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_MEMBER),
        )
        .await?;
    if removed.organization_id != organization_id {
        return Err(member_not_found());
    }
    let organization = caller.api.organization(&organization_id).await?;
    // Upstream answers with the removed membership, and its user when it was found by email.
    let by_email = target.contains('@');
    let removed_with_user = if by_email {
        caller.api.with_users(vec![removed.clone()]).await?
    } else {
        Vec::new()
    };
    caller.api.delete_member(&removed, &organization).await?;
    if caller.user_id() == removed.user_id
        && caller.active_organization_id().as_deref() == Some(removed.organization_id.as_str())
    {
        caller.clear_active_organization().await?;
    }
    match removed_with_user.first() {
        Some(with_user) => caller.respond(&json!({ "member": caller.output(with_user) })),
        None => caller.respond(&json!({ "member": caller.output(&removed) })),
    }
}

/// An empty body that still says it is JSON, as upstream answers a bare `APIError` status.
fn empty_json(status: StatusCode) -> ApiResponse {
    let mut res = ApiResponse::empty(status);
    res.headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    res
}

/// `POST /organization/update-member-role`: sets a member's roles (`member: update`; the creator may
/// always). Only a creator may touch a creator or grant the creator role, and the last creator cannot
/// give it up.
async fn update_member_role(
    req: RequestCtx,
    options: Arc<OrganizationOptions>,
) -> Result<ApiResponse, ApiError> {
    let mut body = Input::parse(&req)?;
    // Upstream's `!ctx.body.role` catches an empty string only; an empty list fails later, once the
    // organization is known.
    let empty_role = matches!(body.map().get("role"), Some(Json::String(role)) if role.is_empty());
    let roles = body.roles("role");
    let member_id = body.string("memberId");
    let organization_id = body.opt_string("organizationId");
    body.finish()?;
    let caller = Caller::signed_in(req, &options).await?;
    let roles = roles.unwrap_or_default();
    if empty_role {
        return Ok(empty_json(StatusCode::BAD_REQUEST));
    }
    let Some(organization_id) = organization_id
        .filter(|id| !id.is_empty())
        .or_else(|| caller.active_organization_id())
    else {
        return Err(no_active_organization());
    };
    let role_to_set: Vec<String> = roles.iter().flat_map(|r| split_roles(r)).collect();
    if role_to_set.is_empty() {
        return Ok(empty_json(StatusCode::BAD_REQUEST));
    }
    let member = caller
        .member_of(&organization_id, member_not_found())
        .await?;
    let member_id = member_id.unwrap_or_default();
    let target = if member.id == member_id {
        member.clone()
    } else {
        caller
            .api
            .find_member_by_id(&member_id)
            .await?
            .ok_or_else(member_not_found)?
    };
    let not_allowed = || ApiError::forbidden(codes::YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_MEMBER);
    if target.organization_id != organization_id {
        return Err(not_allowed());
    }
    let creator = options.creator_role.as_str();
    let updater_is_creator = member.role.split(',').any(|r| r == creator);
    let target_is_creator = target.role.split(',').any(|r| r == creator);
    let setting_creator = role_to_set.iter().any(|r| r == creator);
    if (target_is_creator || setting_creator) && !updater_is_creator {
        return Err(not_allowed());
    }
    if updater_is_creator
        && member.id == target.id
        && !setting_creator
        && caller.api.count_owners(&organization_id).await? <= 1
    {
        return Err(ApiError::bad_request(
            codes::YOU_CANNOT_LEAVE_THE_ORGANIZATION_WITHOUT_AN_OWNER,
        ));
    }
    let allowed = caller
        .api
        .roles_grant(
            &organization_id,
            &member.role,
            &permissions([("member", ["update"])]),
            true,
        )
        .await?;
    if !allowed {
        return Err(not_allowed());
    }
    caller
        .api
        .validate_roles(&organization_id, &role_to_set)
        .await?;
    let organization = caller.api.organization(&organization_id).await?;
    let updated = caller
        .api
        .write_member_role(&target, &role_to_set.join(","), &organization)
        .await?;
    caller.respond(&caller.output(&updated))
}

/// The organization a member read names: `organizationSlug` (which must exist), else `organizationId`,
/// else the active one.
async fn requested_organization_id(caller: &Caller) -> Result<String, ApiError> {
    if let Some(slug) = caller
        .req
        .query("organizationSlug")
        .filter(|s| !s.is_empty())
    {
        let Some(found) = caller.api.find_organization_by_slug(&slug).await? else {
            return Err(ApiError::bad_request(codes::ORGANIZATION_NOT_FOUND));
        };
        return Ok(found.id);
    }
    caller
        .req
        .query("organizationId")
        .filter(|s| !s.is_empty())
        .or_else(|| caller.active_organization_id())
        .ok_or_else(no_active_organization)
}

fn not_a_member() -> ApiError {
    ApiError::forbidden(codes::YOU_ARE_NOT_A_MEMBER_OF_THIS_ORGANIZATION)
}

/// Upstream's `whereOperators` by name.
fn operator(name: &str) -> Option<Op> {
    Some(match name {
        "eq" => Op::Eq,
        "ne" => Op::Ne,
        "lt" => Op::Lt,
        "lte" => Op::Lte,
        "gt" => Op::Gt,
        "gte" => Op::Gte,
        "in" => Op::In,
        "not_in" => Op::NotIn,
        "contains" => Op::Contains,
        "starts_with" => Op::StartsWith,
        "ends_with" => Op::EndsWith,
        _ => return None,
    })
}

/// The member fields a listing may filter and sort on.
const MEMBER_FIELDS: &[&str] = &["id", "organizationId", "userId", "role", "createdAt"];

/// `GET /organization/list-members`: the organization's members with their users and the total, with
/// upstream's `limit`, `offset`, `sortBy`, `sortDirection` and `filterField`/`filterOperator`/`filterValue`.
async fn list_members(
    req: RequestCtx,
    options: Arc<OrganizationOptions>,
) -> Result<ApiResponse, ApiError> {
    let caller = Caller::signed_in(req, &options).await?;
    let organization_id = requested_organization_id(&caller).await?;
    caller.member_of(&organization_id, not_a_member()).await?;
    let number = |name: &str| {
        caller
            .req
            .query(name)
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|n| *n > 0)
    };
    let default_limit = match &options.membership_limit {
        Limit::Fixed(n) if *n > 0 => *n,
        _ => 100,
    };
    let limit = number("limit").unwrap_or(default_limit);
    let offset = number("offset").unwrap_or(0);
    let mut filter = Where::eq("organizationId", organization_id.as_str());
    if let Some(field) = caller.req.query("filterField").filter(|f| !f.is_empty()) {
        let op = caller
            .req
            .query("filterOperator")
            .map_or(Some(Op::Eq), |o| operator(&o));
        let (Some(op), true) = (op, MEMBER_FIELDS.contains(&field.as_str())) else {
            return Err(ApiError::message_only(
                StatusCode::BAD_REQUEST,
                "Invalid filter",
            ));
        };
        // A list comes as repeated `filterValue`s (or, as a convenience, one comma-separated value).
        let values = caller.req.query_all("filterValue");
        let invalid = || ApiError::message_only(StatusCode::BAD_REQUEST, "Invalid filter");
        let value = match op {
            Op::In | Op::NotIn => {
                let items = match values.as_slice() {
                    [one] => one.split(',').map(str::to_owned).collect(),
                    many => many.to_vec(),
                };
                Value::StringList(items)
            }
            _ if field == "createdAt" => {
                let raw = values.into_iter().next().unwrap_or_default();
                Value::Timestamp(bulwark_core::models::wire::parse_date(&raw).ok_or_else(invalid)?)
            }
            _ => Value::String(values.into_iter().next().unwrap_or_default()),
        };
        filter = filter.and(Where::cmp_case(field, op, value, Case::Sensitive));
    }
    let sort = match caller
        .req
        .query("sortBy")
        .filter(|s| MEMBER_FIELDS.contains(&s.as_str()))
    {
        Some(field) if caller.req.query("sortDirection").as_deref() == Some("desc") => {
            vec![Sort::desc(field)]
        }
        Some(field) => vec![Sort::asc(field)],
        // Upstream lists in insertion order; creation time is Bulwark's portable equivalent.
        None => vec![Sort::asc("createdAt")],
    };
    let store = caller.api.store();
    let members: Vec<Member> = store
        .find_many(&filter, &sort, Some(limit), Some(offset))
        .await?;
    let total = store.count::<Member>(&filter).await?;
    let members = caller.api.with_users(members).await?;
    caller.respond(&json!({ "members": caller.output(&members), "total": total }))
}

/// `GET /organization/get-active-member`: the caller's membership of the active organization.
async fn get_active_member(
    req: RequestCtx,
    options: Arc<OrganizationOptions>,
) -> Result<ApiResponse, ApiError> {
    let caller = Caller::signed_in(req, &options).await?;
    let Some(organization_id) = caller.active_organization_id() else {
        return Err(no_active_organization());
    };
    let member = caller
        .member_of(&organization_id, member_not_found())
        .await?;
    let mut with_user = caller.api.with_users(vec![member]).await?;
    match with_user.pop() {
        Some(member) => caller.respond(&caller.output(&member)),
        None => Err(member_not_found()),
    }
}

/// `GET /organization/get-active-member-role`: `{"role": ...}` of the caller, or of `userId`.
async fn get_active_member_role(
    req: RequestCtx,
    options: Arc<OrganizationOptions>,
) -> Result<ApiResponse, ApiError> {
    let caller = Caller::signed_in(req, &options).await?;
    let organization_id = requested_organization_id(&caller).await?;
    let own = caller.member_of(&organization_id, not_a_member()).await?;
    let Some(user_id) = caller.req.query("userId").filter(|u| !u.is_empty()) else {
        return caller.respond(&json!({ "role": own.role }));
    };
    let member = caller
        .api
        .find_member(&organization_id, &user_id)
        .await?
        .ok_or_else(not_a_member)?;
    caller.respond(&json!({ "role": member.role }))
}

/// `POST /organization/leave`: the caller leaves; the creator role's last holder cannot.
async fn leave(
    req: RequestCtx,
    options: Arc<OrganizationOptions>,
) -> Result<ApiResponse, ApiError> {
    let mut body = Input::parse(&req)?;
    let organization_id = body.string("organizationId");
    body.finish()?;
    let caller = Caller::signed_in(req, &options).await?;
    let organization_id = organization_id.unwrap_or_default();
    let member = caller
        .member_of(&organization_id, member_not_found())
        .await?;
    if member.has_role(&options.creator_role)
        && caller.api.count_owners(&organization_id).await? <= 1
    {
        return Err(ApiError::bad_request(
            codes::YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER,
        ));
    }
    let organization = caller.api.organization(&organization_id).await?;
    caller.api.delete_member(&member, &organization).await?;
    if caller.active_organization_id().as_deref() == Some(organization_id.as_str()) {
        caller.clear_active_organization().await?;
    }
    let mut with_user = caller.api.with_users(vec![member]).await?;
    match with_user.pop() {
        Some(member) => caller.respond(&caller.output(&member)),
        None => Err(member_not_found()),
    }
}
