//! Invitation endpoints: `/organization/invite-member`, `/accept-invitation`, `/reject-invitation`,
//! `/cancel-invitation`, `/get-invitation`, `/list-invitations` and `/list-user-invitations`.
//!
//! The statuses, codes and messages are upstream's at both pins (they agree): some answers carry a code,
//! some only a message (`"Invitation not found!"`, `"Not authenticated"`), exactly as upstream throws them.

use std::sync::Arc;

use bulwark_core::ApiError;
use bulwark_core::endpoint::{ApiResponse, Endpoint, RequestCtx};
use bulwark_core::error::codes as core_codes;
use bulwark_core::session;
use http::{Method, StatusCode};
use serde_json::{Value as Json, json};

use super::caller::Caller;
use super::{Input, route};
use crate::api::NewInvitation;
use crate::codes;
use crate::options::OrganizationOptions;

/// The endpoints of this group.
pub(super) fn endpoints(options: &Arc<OrganizationOptions>) -> Vec<Endpoint> {
    vec![
        route(
            Method::POST,
            "/organization/invite-member",
            options,
            invite_member,
        ),
        route(
            Method::POST,
            "/organization/accept-invitation",
            options,
            accept_invitation,
        ),
        route(
            Method::POST,
            "/organization/reject-invitation",
            options,
            reject_invitation,
        ),
        route(
            Method::POST,
            "/organization/cancel-invitation",
            options,
            cancel_invitation,
        ),
        route(
            Method::GET,
            "/organization/get-invitation",
            options,
            get_invitation,
        ),
        route(
            Method::GET,
            "/organization/list-invitations",
            options,
            list_invitations,
        ),
        route(
            Method::GET,
            "/organization/list-user-invitations",
            options,
            list_user_invitations,
        ),
    ]
}

/// `teamId`: absent, a string, or an array of strings (upstream's union).
fn team_ids(body: &mut Input) -> Vec<String> {
    match body.map().get("teamId") {
        None => Vec::new(),
        Some(Json::String(id)) => vec![id.clone()],
        Some(Json::Array(ids)) if ids.iter().all(Json::is_string) => ids
            .iter()
            .filter_map(Json::as_str)
            .map(str::to_owned)
            .collect(),
        Some(_) => {
            body.problem("[body.teamId] Invalid input");
            Vec::new()
        }
    }
}

/// `POST /organization/invite-member`: invites an address to the given or the active organization
/// (`invitation: create`), or with `resend` renews a pending invitation, and answers the invitation.
async fn invite_member(
    req: RequestCtx,
    options: Arc<OrganizationOptions>,
) -> Result<ApiResponse, ApiError> {
    let mut body = Input::parse(&req)?;
    let email = body.string("email");
    let roles = body.roles("role");
    let organization_id = body.opt_string("organizationId");
    let resend = body.opt_bool("resend");
    let team_ids = team_ids(&mut body);
    let additional_fields = body.additional(&options.additional_fields.invitation);
    body.finish()?;
    let caller = Caller::signed_in(req, &options).await?;
    let Some(organization_id) = organization_id
        .filter(|id| !id.is_empty())
        .or_else(|| caller.active_organization_id())
    else {
        return Err(ApiError::bad_request(codes::ORGANIZATION_NOT_FOUND));
    };
    let input = NewInvitation {
        organization_id,
        email: email.unwrap_or_default(),
        role: roles.unwrap_or_default().join(","),
        resend: resend.unwrap_or(false),
        team_ids,
        additional_fields,
    };
    let invitation = caller
        .api
        .invite(&caller.session.user, Some(&caller.session), input)
        .await?;
    caller.respond(&caller.output(&invitation))
}

/// The `invitationId` of an accept, reject or cancel body.
fn invitation_id(req: &RequestCtx) -> Result<String, ApiError> {
    let mut body = Input::parse(req)?;
    let id = body.string("invitationId");
    body.finish()?;
    Ok(id.unwrap_or_default())
}

/// `POST /organization/accept-invitation`: the recipient joins; answers `{invitation, member}`.
async fn accept_invitation(
    req: RequestCtx,
    options: Arc<OrganizationOptions>,
) -> Result<ApiResponse, ApiError> {
    let id = invitation_id(&req)?;
    let caller = Caller::signed_in(req, &options).await?;
    let accepted = caller
        .api
        .accept_invitation(&caller.session.user, &id, Some(&caller.session))
        .await?;
    // Upstream re-issues the session cookie only when it made an invited team active.
    if accepted.active_team_id.is_some() {
        return caller.respond_with_session_cookie(&caller.output(&accepted));
    }
    caller.respond(&caller.output(&accepted))
}

/// `POST /organization/reject-invitation`: answers `{invitation, member: null}`.
async fn reject_invitation(
    req: RequestCtx,
    options: Arc<OrganizationOptions>,
) -> Result<ApiResponse, ApiError> {
    let id = invitation_id(&req)?;
    let caller = Caller::signed_in(req, &options).await?;
    let rejected = caller
        .api
        .reject_invitation(&caller.session.user, &id)
        .await?;
    caller.respond(&json!({ "invitation": caller.output(&rejected), "member": null }))
}

/// `POST /organization/cancel-invitation`: a member allowed to (`invitation: cancel`) cancels it; answers
/// the invitation.
async fn cancel_invitation(
    req: RequestCtx,
    options: Arc<OrganizationOptions>,
) -> Result<ApiResponse, ApiError> {
    let id = invitation_id(&req)?;
    let caller = Caller::signed_in(req, &options).await?;
    let canceled = caller
        .api
        .cancel_invitation(&caller.session.user, &id)
        .await?;
    caller.respond(&caller.output(&canceled))
}

/// `GET /organization/get-invitation?id=`: a pending, unexpired invitation for its recipient, with the
/// organization's name and slug and the inviter's email.
async fn get_invitation(
    req: RequestCtx,
    options: Arc<OrganizationOptions>,
) -> Result<ApiResponse, ApiError> {
    let Some(id) = req.query("id") else {
        return Err(ApiError::with_message(
            StatusCode::BAD_REQUEST,
            core_codes::VALIDATION_ERROR,
            "[query.id] Invalid input: expected string, received undefined",
        ));
    };
    let not_signed_in = ApiError::message_only(StatusCode::UNAUTHORIZED, "Not authenticated");
    let caller = Caller::signed_in_or(req, &options, not_signed_in).await?;
    let now = caller.api.now();
    let Some(invitation) = caller
        .api
        .find_invitation(&id)
        .await?
        .filter(|i| i.status == "pending" && i.expires_at >= now)
    else {
        return Err(ApiError::message_only(
            StatusCode::BAD_REQUEST,
            "Invitation not found!",
        ));
    };
    caller.api.check_reader(&invitation, &caller.session.user)?;
    let organization = caller.api.organization(&invitation.organization_id).await?;
    let inviter = caller
        .api
        .find_member(&invitation.organization_id, &invitation.inviter_id)
        .await?;
    let inviter_user = match inviter {
        Some(member) => caller.api.find_user(&member.user_id).await?,
        None => None,
    };
    let Some(inviter_user) = inviter_user else {
        return Err(ApiError::bad_request(
            codes::INVITER_IS_NO_LONGER_A_MEMBER_OF_THE_ORGANIZATION,
        ));
    };
    let mut json = caller.output(&invitation);
    if let Json::Object(map) = &mut json {
        map.insert(
            "organizationName".to_owned(),
            Json::String(organization.name),
        );
        map.insert(
            "organizationSlug".to_owned(),
            Json::String(organization.slug),
        );
        map.insert("inviterEmail".to_owned(), Json::String(inviter_user.email));
    }
    caller.respond(&json)
}

/// `GET /organization/list-invitations`: every invitation of the given or the active organization, for
/// its members.
async fn list_invitations(
    req: RequestCtx,
    options: Arc<OrganizationOptions>,
) -> Result<ApiResponse, ApiError> {
    let caller = Caller::signed_in(req, &options).await?;
    let Some(organization_id) = caller
        .req
        .query("organizationId")
        .filter(|id| !id.is_empty())
        .or_else(|| caller.active_organization_id())
    else {
        return Err(ApiError::message_only(
            StatusCode::BAD_REQUEST,
            "Organization ID is required",
        ));
    };
    caller
        .member_of(
            &organization_id,
            ApiError::message_only(
                StatusCode::FORBIDDEN,
                "You are not a member of this organization",
            ),
        )
        .await?;
    let invitations = caller.api.list_invitations(&organization_id).await?;
    caller.respond(&caller.output(&invitations))
}

/// `GET /organization/list-user-invitations`: the pending invitations for the session's (verified)
/// email. The `email` query is for server calls only (`OrganizationApi::list_user_invitations`).
async fn list_user_invitations(
    req: RequestCtx,
    options: Arc<OrganizationOptions>,
) -> Result<ApiResponse, ApiError> {
    if req.query("email").is_some_and(|e| !e.is_empty()) {
        // Upstream looks the session up first; a refreshed cookie would be its only visible effect.
        session::lookup(&req, false).await?;
        return Err(ApiError::message_only(
            StatusCode::BAD_REQUEST,
            "User email cannot be passed for client side API calls.",
        ));
    }
    let missing = ApiError::message_only(
        StatusCode::BAD_REQUEST,
        "Missing session headers, or email query parameter.",
    );
    let caller = Caller::signed_in_or(req, &options, missing).await?;
    if !caller.session.user.email_verified {
        return Err(ApiError::forbidden(
            codes::EMAIL_VERIFICATION_REQUIRED_FOR_INVITATION,
        ));
    }
    let invitations = caller
        .api
        .list_user_invitations(&caller.session.user.email)
        .await?;
    caller.respond(&caller.output(&invitations))
}
