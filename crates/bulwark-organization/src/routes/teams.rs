//! Team endpoints (teams enabled): `/organization/create-team`, `/update-team`, `/remove-team`,
//! `/list-teams`, `/set-active-team`, `/list-user-teams`, `/list-team-members`, `/add-team-member` and
//! `/remove-team-member`.
//!
//! Each checks the caller as upstream does (membership, then `team` or `member` permissions) and leaves
//! the rest (limits, the last-team rule, the checks on the target user) to [`OrganizationApi`], which
//! server-side callers share. `/list-user-teams` follows v1.7.1 (`userId` and `organizationId`
//! parameters); v1.6.30 ignored its query and always listed the caller's own teams.
//!
//! [`OrganizationApi`]: crate::api::OrganizationApi

use std::sync::Arc;

use bulwark_core::ApiError;
use bulwark_core::adapter::Value;
use bulwark_core::endpoint::{ApiResponse, Endpoint, RequestCtx};
use bulwark_core::error::codes as core_codes;
use http::{Method, StatusCode};
use serde_json::{Value as Json, json};

use super::caller::{Caller, bare};
use super::{Input, Nullish, route};
use crate::access::permissions;
use crate::api::{NewTeam, TeamChanges};
use crate::codes;
use crate::models::Team;
use crate::options::OrganizationOptions;

/// The endpoints of this group.
pub(super) fn endpoints(options: &Arc<OrganizationOptions>) -> Vec<Endpoint> {
    vec![
        route(
            Method::POST,
            "/organization/create-team",
            options,
            create_team,
        ),
        route(
            Method::POST,
            "/organization/update-team",
            options,
            update_team,
        ),
        route(
            Method::POST,
            "/organization/remove-team",
            options,
            remove_team,
        ),
        route(Method::GET, "/organization/list-teams", options, list_teams),
        route(
            Method::POST,
            "/organization/set-active-team",
            options,
            set_active_team,
        ),
        route(
            Method::GET,
            "/organization/list-user-teams",
            options,
            list_user_teams,
        ),
        route(
            Method::GET,
            "/organization/list-team-members",
            options,
            list_team_members,
        ),
        route(
            Method::POST,
            "/organization/add-team-member",
            options,
            add_team_member,
        ),
        route(
            Method::POST,
            "/organization/remove-team-member",
            options,
            remove_team_member,
        ),
    ]
}

fn no_active_organization() -> ApiError {
    ApiError::bad_request(codes::NO_ACTIVE_ORGANIZATION)
}

fn not_in_team() -> ApiError {
    ApiError::bad_request(codes::USER_IS_NOT_A_MEMBER_OF_THE_TEAM)
}

/// A non-empty value (upstream's `a || b` treats `""` as absent).
fn given(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.is_empty())
}

/// The session's `activeTeamId`.
fn active_team_id(caller: &Caller) -> Option<String> {
    caller
        .session
        .session
        .extra
        .get("activeTeamId")
        .and_then(Value::as_str)
        .filter(|id| !id.is_empty())
        .map(str::to_owned)
}

/// The caller, or `None` without a session (the endpoints that serve server calls too answer their own
/// `401`).
async fn optional_caller(req: RequestCtx, options: &Arc<OrganizationOptions>) -> Option<Caller> {
    Caller::signed_in_or(
        req,
        options,
        ApiError::unauthorized(core_codes::UNAUTHORIZED),
    )
    .await
    .ok()
}

/// `POST /organization/create-team`: a team in the given or active organization (`team: create`).
async fn create_team(
    req: RequestCtx,
    options: Arc<OrganizationOptions>,
) -> Result<ApiResponse, ApiError> {
    let mut body = Input::parse(&req)?;
    let name = body.string("name");
    let organization_id = body.opt_string("organizationId");
    let additional_fields = body.additional(&options.additional_fields.team);
    body.finish()?;
    let Some(caller) = optional_caller(req, &options).await else {
        return Ok(bare(StatusCode::UNAUTHORIZED));
    };
    let Some(organization_id) = given(organization_id).or_else(|| caller.active_organization_id())
    else {
        return Err(no_active_organization());
    };
    let member = caller
        .member_of(
            &organization_id,
            ApiError::forbidden(codes::YOU_ARE_NOT_ALLOWED_TO_INVITE_USERS_TO_THIS_ORGANIZATION),
        )
        .await?;
    caller
        .require_permission(
            &organization_id,
            &member,
            &permissions([("team", ["create"])]),
            ApiError::forbidden(codes::YOU_ARE_NOT_ALLOWED_TO_CREATE_TEAMS_IN_THIS_ORGANIZATION),
        )
        .await?;
    let mut input = NewTeam::new(organization_id, name.unwrap_or_default());
    input.additional_fields = additional_fields;
    let team = caller
        .api
        .create_team_for(input, Some(caller.session.clone()))
        .await?;
    caller.respond(&caller.output(&team))
}

/// `POST /organization/update-team`: renames a team (`team: update`). The organization comes from
/// `data.organizationId` or the active one.
async fn update_team(
    req: RequestCtx,
    options: Arc<OrganizationOptions>,
) -> Result<ApiResponse, ApiError> {
    let mut body = Input::parse(&req)?;
    let team_id = body.string("teamId");
    let data = body.object("data", |input, data, path| {
        let mut fields = [None, None];
        for (slot, key) in fields.iter_mut().zip(["name", "organizationId"]) {
            match input.nested_nullish(data, path, key) {
                Nullish::Set(value) => *slot = Some(value),
                Nullish::Null => input.problem(format!(
                    "[{path}.{key}] Invalid input: expected string, received null"
                )),
                Nullish::Absent => {}
            }
        }
        let additional = input.additional_in(data, path, &options.additional_fields.team, true);
        (fields, additional)
    });
    body.finish()?;
    let caller = Caller::signed_in(req, &options).await?;
    let ([name, organization_id], additional_fields) = data.unwrap_or_default();
    let Some(organization_id) = given(organization_id).or_else(|| caller.active_organization_id())
    else {
        return Err(no_active_organization());
    };
    let not_allowed = || ApiError::forbidden(codes::YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_TEAM);
    let member = caller.member_of(&organization_id, not_allowed()).await?;
    caller
        .require_permission(
            &organization_id,
            &member,
            &permissions([("team", ["update"])]),
            not_allowed(),
        )
        .await?;
    let changes = TeamChanges {
        name,
        additional_fields,
    };
    let team = caller
        .api
        .update_team_for(
            &organization_id,
            &team_id.unwrap_or_default(),
            changes,
            Some(&caller.session.user),
        )
        .await?;
    caller.respond(&caller.output(&team))
}

/// `POST /organization/remove-team`: removes a team (`team: delete`), never the caller's active team.
async fn remove_team(
    req: RequestCtx,
    options: Arc<OrganizationOptions>,
) -> Result<ApiResponse, ApiError> {
    let mut body = Input::parse(&req)?;
    let team_id = body.string("teamId");
    let organization_id = body.opt_string("organizationId");
    body.finish()?;
    let caller = optional_caller(req, &options).await;
    let Some(organization_id) =
        given(organization_id).or_else(|| caller.as_ref().and_then(Caller::active_organization_id))
    else {
        return Err(no_active_organization());
    };
    let Some(caller) = caller else {
        return Ok(bare(StatusCode::UNAUTHORIZED));
    };
    let team_id = team_id.unwrap_or_default();
    let not_allowed = || ApiError::forbidden(codes::YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_TEAM);
    let member = caller.member_of(&organization_id, not_allowed()).await?;
    if active_team_id(&caller).as_deref() == Some(team_id.as_str()) {
        return Err(not_allowed());
    }
    caller
        .require_permission(
            &organization_id,
            &member,
            &permissions([("team", ["delete"])]),
            ApiError::forbidden(codes::YOU_ARE_NOT_ALLOWED_TO_DELETE_TEAMS_IN_THIS_ORGANIZATION),
        )
        .await?;
    caller
        .api
        .remove_team_for(&organization_id, &team_id, Some(&caller.session.user))
        .await?;
    caller.respond(&json!({ "message": "Team removed successfully." }))
}

/// `GET /organization/list-teams`: the teams of the given or active organization, for its members.
async fn list_teams(
    req: RequestCtx,
    options: Arc<OrganizationOptions>,
) -> Result<ApiResponse, ApiError> {
    let caller = Caller::signed_in(req, &options).await?;
    let Some(organization_id) =
        given(caller.req.query("organizationId")).or_else(|| caller.active_organization_id())
    else {
        return Err(no_active_organization());
    };
    caller
        .member_of(
            &organization_id,
            ApiError::forbidden(codes::YOU_ARE_NOT_ALLOWED_TO_ACCESS_THIS_ORGANIZATION),
        )
        .await?;
    let teams = caller.api.list_teams(&organization_id).await?;
    caller.respond(&caller.output(&teams))
}

/// `POST /organization/set-active-team`: makes a team of the active organization that the caller is in
/// active, or clears the active team with `teamId: null`.
async fn set_active_team(
    req: RequestCtx,
    options: Arc<OrganizationOptions>,
) -> Result<ApiResponse, ApiError> {
    let mut body = Input::parse(&req)?;
    let team_id = body.nullish_string("teamId");
    body.finish()?;
    let caller = Caller::signed_in(req, &options).await?;
    let current = active_team_id(&caller);
    let team_id = match team_id {
        Nullish::Null => {
            if current.is_none() {
                return caller.respond(&Json::Null);
            }
            caller.api.set_active_team(caller.token(), None).await?;
            return caller.respond_with_session_cookie(&Json::Null);
        }
        Nullish::Set(id) if !id.is_empty() => id,
        Nullish::Set(_) | Nullish::Absent => match current {
            Some(current) => current,
            None => return caller.respond(&Json::Null),
        },
    };
    let Some(organization_id) = caller.active_organization_id() else {
        return Err(no_active_organization());
    };
    let team = caller
        .api
        .find_team(&team_id, Some(&organization_id))
        .await?
        .ok_or_else(|| ApiError::bad_request(codes::TEAM_NOT_FOUND))?;
    if caller
        .api
        .find_team_member(&team.id, caller.user_id())
        .await?
        .is_none()
    {
        return Err(ApiError::forbidden(codes::USER_IS_NOT_A_MEMBER_OF_THE_TEAM));
    }
    caller
        .api
        .set_active_team(caller.token(), Some(&team.id))
        .await?;
    caller.respond_with_session_cookie(&caller.output(&team))
}

/// `GET /organization/list-user-teams`: the caller's teams (in organizations they belong to, or in the
/// given one), or another member's teams in the given or active organization (`member: update`).
async fn list_user_teams(
    req: RequestCtx,
    options: Arc<OrganizationOptions>,
) -> Result<ApiResponse, ApiError> {
    let caller = Caller::signed_in(req, &options).await?;
    let explicit_organization = given(caller.req.query("organizationId"));
    let target = given(caller.req.query("userId")).unwrap_or_else(|| caller.user_id().to_owned());
    let in_organization = |teams: Vec<Team>, organization_id: &str| -> Vec<Team> {
        teams
            .into_iter()
            .filter(|t| t.organization_id == organization_id)
            .collect()
    };
    if target != caller.user_id() {
        let Some(organization_id) = explicit_organization
            .clone()
            .or_else(|| caller.active_organization_id())
        else {
            return Err(no_active_organization());
        };
        let member = caller
            .member_of(
                &organization_id,
                ApiError::forbidden(codes::YOU_ARE_NOT_A_MEMBER_OF_THIS_ORGANIZATION),
            )
            .await?;
        caller
            .require_permission(
                &organization_id,
                &member,
                &permissions([("member", ["update"])]),
                ApiError::forbidden(codes::YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_MEMBER),
            )
            .await?;
        if caller
            .api
            .find_member(&organization_id, &target)
            .await?
            .is_none()
        {
            return Err(ApiError::bad_request(
                codes::USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION,
            ));
        }
        let teams = caller.api.list_user_teams(&target).await?;
        return caller.respond(&caller.output(&in_organization(teams, &organization_id)));
    }
    if let Some(organization_id) = explicit_organization {
        caller
            .member_of(
                &organization_id,
                ApiError::forbidden(codes::YOU_ARE_NOT_A_MEMBER_OF_THIS_ORGANIZATION),
            )
            .await?;
        let teams = caller.api.list_user_teams(caller.user_id()).await?;
        return caller.respond(&caller.output(&in_organization(teams, &organization_id)));
    }
    // A membership row alone does not reveal a team: the caller must belong to its organization.
    let mut visible = Vec::new();
    for team in caller.api.list_user_teams(caller.user_id()).await? {
        if caller
            .api
            .find_member(&team.organization_id, caller.user_id())
            .await?
            .is_some()
        {
            visible.push(team);
        }
    }
    caller.respond(&caller.output(&visible))
}

/// `GET /organization/list-team-members`: the members of the given or active team, for members of
/// that team (who must also belong to its organization).
async fn list_team_members(
    req: RequestCtx,
    options: Arc<OrganizationOptions>,
) -> Result<ApiResponse, ApiError> {
    let caller = Caller::signed_in(req, &options).await?;
    let Some(team_id) = given(caller.req.query("teamId")).or_else(|| active_team_id(&caller))
    else {
        return Err(ApiError::bad_request(codes::YOU_DO_NOT_HAVE_AN_ACTIVE_TEAM));
    };
    let team = caller
        .api
        .find_team(&team_id, None)
        .await?
        .ok_or_else(|| ApiError::bad_request(codes::TEAM_NOT_FOUND))?;
    caller
        .member_of(&team.organization_id, not_in_team())
        .await?;
    if caller
        .api
        .find_team_member(&team_id, caller.user_id())
        .await?
        .is_none()
    {
        return Err(not_in_team());
    }
    let members = caller.api.list_team_members(&team_id).await?;
    caller.respond(&members)
}

/// A team-member change's body: `teamId`, `userId` (required, any scalar coerced to a string, as
/// upstream's `z.coerce.string()`) and the organization (given or active).
async fn team_member_change(
    req: RequestCtx,
    options: &Arc<OrganizationOptions>,
) -> Result<(Caller, String, String, String), ApiError> {
    let mut body = Input::parse(&req)?;
    let team_id = body.string("teamId");
    let user_id = body.coerced_string("userId");
    if user_id.is_none() {
        body.problem("[body.userId] Invalid input: expected nonoptional, received undefined");
    }
    let organization_id = body.opt_string("organizationId");
    body.finish()?;
    let caller = Caller::signed_in(req, options).await?;
    let Some(organization_id) = given(organization_id).or_else(|| caller.active_organization_id())
    else {
        return Err(no_active_organization());
    };
    Ok((
        caller,
        organization_id,
        team_id.unwrap_or_default(),
        user_id.unwrap_or_default(),
    ))
}

/// `POST /organization/add-team-member`: puts a member of the organization in one of its teams
/// (`member: update`), within `maximumMembersPerTeam`.
async fn add_team_member(
    req: RequestCtx,
    options: Arc<OrganizationOptions>,
) -> Result<ApiResponse, ApiError> {
    let (caller, organization_id, team_id, user_id) = team_member_change(req, &options).await?;
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
            &permissions([("member", ["update"])]),
            ApiError::forbidden(codes::YOU_ARE_NOT_ALLOWED_TO_CREATE_A_NEW_TEAM_MEMBER),
        )
        .await?;
    let team_member = caller
        .api
        .add_to_team_for(
            &organization_id,
            &team_id,
            &user_id,
            Some(caller.session.clone()),
        )
        .await?;
    caller.respond(&team_member)
}

/// `POST /organization/remove-team-member`: takes a user out of a team (`member: delete`).
async fn remove_team_member(
    req: RequestCtx,
    options: Arc<OrganizationOptions>,
) -> Result<ApiResponse, ApiError> {
    let (caller, organization_id, team_id, user_id) = team_member_change(req, &options).await?;
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
            &permissions([("member", ["delete"])]),
            ApiError::forbidden(codes::YOU_ARE_NOT_ALLOWED_TO_REMOVE_A_TEAM_MEMBER),
        )
        .await?;
    caller
        .api
        .remove_from_team(&organization_id, &team_id, &user_id)
        .await?;
    caller.respond(&json!({ "message": "Team member removed successfully." }))
}
