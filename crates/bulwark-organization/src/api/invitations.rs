//! Invitations: inviting, accepting, rejecting, cancelling and listing, with upstream's checks, limits
//! and invitation hooks.
//!
//! Accepting claims the invitation with one guarded update (`pending` → `accepted`), so of two
//! concurrent accepts exactly one proceeds; the membership work then runs in one transaction, and when it
//! fails the claim is released back to `pending`. The unique index over `member(organizationId, userId)`
//! is the last line: a user never gets two memberships of one organization, even from two different
//! invitations accepted at once (upstream would create the second; Bulwark answers
//! `USER_IS_ALREADY_A_MEMBER_OF_THIS_ORGANIZATION` and leaves the invitation pending).

use std::sync::Arc;

use bulwark_core::adapter::{Op, Row, Sort, Value, Where};
use bulwark_core::error::codes as core_codes;
use bulwark_core::models::User;
use bulwark_core::session::SessionWithUser;
use bulwark_core::{AdapterErrorKind, ApiError};
use http::StatusCode;
use serde::Serialize;
use serde_json::{Map, Value as Json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{OrganizationApi, merge_data};
use crate::access::{permissions, split_roles};
use crate::codes;
use crate::fields;
use crate::models::{Invitation, Member, Organization, Team, TeamMember};
use crate::options::{
    CreateInvitation, InvitationAccepted, InvitationCancel, InvitationCreated, InvitationEmail,
    InvitationLimitInput, InvitationResponse, MembershipLimitInput, TeamMemberLimitInput,
};

/// `pending`: the invitation waits for an answer.
pub(crate) const PENDING: &str = "pending";
/// `accepted`.
pub(crate) const ACCEPTED: &str = "accepted";
/// `rejected`.
pub(crate) const REJECTED: &str = "rejected";
/// `canceled` (upstream's spelling).
pub(crate) const CANCELED: &str = "canceled";

/// An invitation to send (upstream's `createInvitation` body).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct NewInvitation {
    /// The organization.
    pub organization_id: String,
    /// The address to invite (stored lower-cased).
    pub email: String,
    /// The role(s) offered, comma-separated.
    pub role: String,
    /// Whether an existing pending invitation is re-sent (its expiry renewed) instead of refused.
    pub resend: bool,
    /// Teams of the organization the invitee joins on acceptance (teams only).
    pub team_ids: Vec<String>,
    /// Values of the invitation's additional fields (any of them, `input` or not).
    pub additional_fields: Row,
}

impl NewInvitation {
    /// Invites `email` to `organization_id` with `roles`.
    pub fn new(
        organization_id: impl Into<String>,
        email: impl Into<String>,
        roles: &[&str],
    ) -> Self {
        Self {
            organization_id: organization_id.into(),
            email: email.into(),
            role: roles.join(","),
            resend: false,
            team_ids: Vec::new(),
            additional_fields: Row::new(),
        }
    }

    /// Re-sends a pending invitation instead of refusing a second one.
    #[must_use]
    pub fn resend(mut self, resend: bool) -> Self {
        self.resend = resend;
        self
    }

    /// Also invites to `team_id`.
    #[must_use]
    pub fn team(mut self, team_id: impl Into<String>) -> Self {
        self.team_ids.push(team_id.into());
        self
    }

    /// Sets the additional field `name`.
    #[must_use]
    pub fn field(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.additional_fields.set(name, value);
        self
    }
}

/// An accepted invitation and the membership it made.
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct AcceptedInvitation {
    /// The invitation, now `accepted`.
    pub invitation: Invitation,
    /// The new membership.
    pub member: Member,
    /// The team made active on the session (an invitation to exactly one team).
    #[serde(skip)]
    pub active_team_id: Option<String>,
}

/// An invitation addressed to a user, with its organization's name (upstream's `listUserInvitations`).
#[derive(Clone, Debug, Serialize)]
pub struct UserInvitation {
    /// The invitation.
    #[serde(flatten)]
    pub invitation: Invitation,
    /// The organization's name (absent when the organization is gone).
    #[serde(rename = "organizationName", skip_serializing_if = "Option::is_none")]
    pub organization_name: Option<String>,
}

fn invitation_not_found() -> ApiError {
    ApiError::bad_request(codes::INVITATION_NOT_FOUND)
}

fn cancelled(what: &str) -> ApiError {
    ApiError::message_only(
        StatusCode::BAD_REQUEST,
        format!("Failed to create {what}: cancelled by a database hook"),
    )
}

fn json_string(data: &Map<String, Json>, key: &str) -> Option<String> {
    data.get(key).and_then(Json::as_str).map(str::to_owned)
}

impl OrganizationApi {
    /// The invitation with `id`.
    pub async fn find_invitation(&self, id: &str) -> Result<Option<Invitation>, ApiError> {
        self.store().find_one(&Where::eq("id", id)).await
    }

    /// Every invitation of `organization_id`, whatever its status.
    pub async fn list_invitations(
        &self,
        organization_id: &str,
    ) -> Result<Vec<Invitation>, ApiError> {
        self.store()
            .find_many(
                &Where::eq("organizationId", organization_id),
                &[Sort::asc("createdAt")],
                None,
                None,
            )
            .await
    }

    /// The pending invitations addressed to `email` (compared lower-cased), with their organizations'
    /// names (upstream's server-side `listUserInvitations`).
    pub async fn list_user_invitations(
        &self,
        email: &str,
    ) -> Result<Vec<UserInvitation>, ApiError> {
        let filter = Where::eq("email", email.to_lowercase()).and(Where::eq("status", PENDING));
        let invitations: Vec<Invitation> = self
            .store()
            .find_many(&filter, &[Sort::asc("createdAt")], None, None)
            .await?;
        let mut listed = Vec::with_capacity(invitations.len());
        for invitation in invitations {
            let organization_name = self
                .find_organization(&invitation.organization_id)
                .await?
                .map(|o| o.name);
            listed.push(UserInvitation {
                invitation,
                organization_name,
            });
        }
        Ok(listed)
    }

    /// Pending, unexpired invitations of `organization_id`, optionally only those for `email`.
    async fn pending_invitations(
        &self,
        organization_id: &str,
        email: Option<&str>,
    ) -> Result<Vec<Invitation>, ApiError> {
        let mut filter = Where::eq("organizationId", organization_id)
            .and(Where::eq("status", PENDING))
            .and(Where::cmp("expiresAt", Op::Gt, self.now()));
        if let Some(email) = email {
            filter = filter.and(Where::eq("email", email));
        }
        self.store()
            .find_many(&filter, &[Sort::asc("createdAt")], None, None)
            .await
    }

    /// Sets the status of the invitation `id`; with `from`, only when it currently has that status (one
    /// guarded, atomic update). `None` when nothing matched.
    async fn set_invitation_status(
        &self,
        id: &str,
        status: &str,
        from: Option<&str>,
    ) -> Result<Option<Invitation>, ApiError> {
        let mut filter = Where::eq("id", id);
        if let Some(from) = from {
            filter = filter.and(Where::eq("status", from));
        }
        self.store()
            .update::<Invitation>(&filter, Row::new().with("status", status))
            .await
    }

    /// Invites `input.email` as `inviter` (upstream's `createInvitation`): the inviter must be a member
    /// allowed to invite, may offer the creator role only when holding it, the roles must be known, the
    /// address must be neither a member nor (unless re-sent) invited, and the organization's pending
    /// invitations must be under the invitation limit.
    pub async fn invite_member(
        &self,
        inviter: &User,
        input: NewInvitation,
    ) -> Result<Invitation, ApiError> {
        self.invite(inviter, None, input).await
    }

    /// [`OrganizationApi::invite_member`] for a signed-in inviter (the session feeds the team limit).
    pub(crate) async fn invite(
        &self,
        inviter: &User,
        session: Option<&SessionWithUser>,
        input: NewInvitation,
    ) -> Result<Invitation, ApiError> {
        let options = self.options();
        let org_id = input.organization_id.as_str();
        let email = input.email.to_lowercase();
        if !bulwark_core::body::is_valid_email(&email) {
            return Err(ApiError::bad_request(core_codes::INVALID_EMAIL));
        }
        let Some(member) = self.find_member(org_id, &inviter.id).await? else {
            return Err(ApiError::bad_request(codes::MEMBER_NOT_FOUND));
        };
        let may_invite = self
            .roles_grant(
                org_id,
                &member.role,
                &permissions([("invitation", ["create"])]),
                false,
            )
            .await?;
        if !may_invite {
            return Err(ApiError::forbidden(
                codes::YOU_ARE_NOT_ALLOWED_TO_INVITE_USERS_TO_THIS_ORGANIZATION,
            ));
        }
        // Upstream answers unknown roles with a message and no code here.
        if let Err(err) = self.validate_roles(org_id, &split_roles(&input.role)).await {
            return Err(match err.code() {
                Some(code) if code == codes::ROLE_NOT_FOUND => {
                    ApiError::message_only(StatusCode::BAD_REQUEST, err.message().to_owned())
                }
                _ => err,
            });
        }
        let creator = options.creator_role.as_str();
        if !member.has_role(creator) && input.role.split(',').any(|r| r == creator) {
            return Err(ApiError::forbidden(
                codes::YOU_ARE_NOT_ALLOWED_TO_INVITE_USER_WITH_THIS_ROLE,
            ));
        }
        if self.find_member_by_email(org_id, &email).await?.is_some() {
            return Err(ApiError::bad_request(
                codes::USER_IS_ALREADY_A_MEMBER_OF_THIS_ORGANIZATION,
            ));
        }
        let already_invited = self.pending_invitations(org_id, Some(&email)).await?;
        if !already_invited.is_empty()
            && !input.resend
            && !options.cancel_pending_invitations_on_re_invite
        {
            return Err(ApiError::bad_request(
                codes::USER_IS_ALREADY_INVITED_TO_THIS_ORGANIZATION,
            ));
        }
        let organization = self.organization(org_id).await?;
        if let Some(existing) = already_invited.first() {
            if input.resend {
                let expires_at = self.now() + options.invitation_expires_in;
                let renewed = self
                    .store()
                    .update::<Invitation>(
                        &Where::eq("id", existing.id.as_str()),
                        Row::new().with("expiresAt", expires_at),
                    )
                    .await?
                    .unwrap_or_else(|| Invitation {
                        expires_at,
                        ..existing.clone()
                    });
                self.send_invitation_email(&renewed, &organization, &member, inviter)
                    .await?;
                return Ok(renewed);
            }
            self.set_invitation_status(&existing.id, CANCELED, None)
                .await?;
        }
        let limit = options
            .invitation_limit
            .resolve(InvitationLimitInput {
                user: inviter.clone(),
                organization: organization.clone(),
                member: member.clone(),
            })
            .await?;
        let pending = self.pending_invitations(org_id, None).await?;
        if u64::try_from(pending.len()).unwrap_or(u64::MAX) >= limit {
            return Err(ApiError::forbidden(codes::INVITATION_LIMIT_REACHED));
        }
        if options.teams.enabled && !input.team_ids.is_empty() {
            self.check_invited_teams(org_id, &input.team_ids, session)
                .await?;
        }
        self.store_invitation(inviter, &member, organization, input, email)
            .await
    }

    /// Writes a checked invitation: the create hooks around the insert, then the invitation email.
    async fn store_invitation(
        &self,
        inviter: &User,
        member: &Member,
        organization: Organization,
        input: NewInvitation,
        email: String,
    ) -> Result<Invitation, ApiError> {
        let options = self.options();
        let org_id = input.organization_id.as_str();
        let teams = options.teams.enabled;
        let mut data = Map::new();
        data.insert("role".to_owned(), Json::String(input.role.clone()));
        data.insert("email".to_owned(), Json::String(email.clone()));
        data.insert("organizationId".to_owned(), Json::String(org_id.to_owned()));
        data.insert(
            "teamIds".to_owned(),
            Json::Array(input.team_ids.iter().cloned().map(Json::String).collect()),
        );
        fields::to_data(&input.additional_fields, &mut data);
        let hooks = &options.organization_hooks;
        if let Some(hook) = &hooks.before_create_invitation {
            let mut offered = data.clone();
            offered.insert("inviterId".to_owned(), Json::String(inviter.id.clone()));
            if let Some(first) = input.team_ids.first() {
                offered.insert("teamId".to_owned(), Json::String(first.clone()));
            }
            let response = hook(CreateInvitation {
                invitation: offered,
                inviter: inviter.clone(),
                organization: organization.clone(),
            })
            .await?;
            merge_data(&mut data, response);
        }
        let team_ids: Vec<String> = match data.get("teamIds") {
            Some(Json::Array(ids)) => ids
                .iter()
                .filter_map(Json::as_str)
                .map(str::to_owned)
                .collect(),
            _ => Vec::new(),
        };
        let now = self.now();
        let expires_at = json_string(&data, "expiresAt")
            .and_then(|at| OffsetDateTime::parse(&at, &Rfc3339).ok())
            .unwrap_or(now + options.invitation_expires_in);
        let extra = fields::from_data(&options.additional_fields.invitation, &data, true)?;
        let invitation = Invitation {
            organization_id: json_string(&data, "organizationId")
                .unwrap_or_else(|| org_id.to_owned()),
            email: json_string(&data, "email").unwrap_or(email),
            role: Some(json_string(&data, "role").unwrap_or(input.role)),
            team_id: teams.then(|| (!team_ids.is_empty()).then(|| team_ids.join(","))),
            status: PENDING.to_owned(),
            expires_at,
            created_at: now,
            inviter_id: inviter.id.clone(),
            id: json_string(&data, "id").unwrap_or_else(|| self.new_id()),
            extra,
        };
        let invitation = self
            .store()
            .create(invitation)
            .await?
            .ok_or_else(|| cancelled("invitation"))?;
        self.send_invitation_email(&invitation, &organization, member, inviter)
            .await?;
        if let Some(hook) = &hooks.after_create_invitation {
            hook(InvitationCreated {
                invitation: invitation.clone(),
                inviter: inviter.clone(),
                organization,
            })
            .await?;
        }
        Ok(invitation)
    }

    /// Every invited team must be a team of `organization_id` without a reserved `,` in its id, and under
    /// the per-team member limit when one is set.
    async fn check_invited_teams(
        &self,
        organization_id: &str,
        team_ids: &[String],
        session: Option<&SessionWithUser>,
    ) -> Result<(), ApiError> {
        if team_ids.iter().any(|id| id.contains(',')) {
            return Err(ApiError::bad_request(codes::INVALID_TEAM_ID));
        }
        for team_id in team_ids {
            self.team_of(organization_id, team_id).await?;
        }
        let Some(limit) = &self.options().teams.maximum_members_per_team else {
            return Ok(());
        };
        for team_id in team_ids {
            let max = limit
                .resolve(TeamMemberLimitInput {
                    team_id: team_id.clone(),
                    organization_id: organization_id.to_owned(),
                    session: session.cloned(),
                })
                .await?;
            let members = self
                .store()
                .count::<TeamMember>(&Where::eq("teamId", team_id.as_str()))
                .await?;
            if members >= max {
                return Err(ApiError::forbidden(codes::TEAM_MEMBER_LIMIT_REACHED));
            }
        }
        Ok(())
    }

    /// The team `team_id` of `organization_id`, or `TEAM_NOT_FOUND`.
    async fn team_of(&self, organization_id: &str, team_id: &str) -> Result<Team, ApiError> {
        let filter = Where::eq("id", team_id).and(Where::eq("organizationId", organization_id));
        self.store()
            .find_one::<Team>(&filter)
            .await?
            .ok_or_else(|| ApiError::bad_request(codes::TEAM_NOT_FOUND))
    }

    async fn send_invitation_email(
        &self,
        invitation: &Invitation,
        organization: &Organization,
        inviter: &Member,
        inviter_user: &User,
    ) -> Result<(), ApiError> {
        let Some(send) = &self.options().send_invitation_email else {
            return Ok(());
        };
        send(InvitationEmail {
            id: invitation.id.clone(),
            role: invitation.role.clone().unwrap_or_default(),
            email: invitation.email.to_lowercase(),
            organization: organization.clone(),
            invitation: invitation.clone(),
            inviter: inviter.clone(),
            inviter_user: inviter_user.clone(),
        })
        .await
    }

    /// Fails unless `user` is the invitation's recipient, with a verified email when the options ask for
    /// one (`unverified` is the error then).
    fn check_recipient(
        &self,
        invitation: &Invitation,
        user: &User,
        unverified: ApiError,
    ) -> Result<(), ApiError> {
        if invitation.email.to_lowercase() != user.email.to_lowercase() {
            return Err(ApiError::forbidden(
                codes::YOU_ARE_NOT_THE_RECIPIENT_OF_THE_INVITATION,
            ));
        }
        if self.options().require_email_verification_on_invitation && !user.email_verified {
            return Err(unverified);
        }
        Ok(())
    }

    /// The recipient check of `/organization/get-invitation`: the session's user must be the recipient,
    /// verified when the options ask for it (`EMAIL_VERIFICATION_REQUIRED_FOR_INVITATION`).
    pub(crate) fn check_reader(
        &self,
        invitation: &Invitation,
        user: &User,
    ) -> Result<(), ApiError> {
        self.check_recipient(
            invitation,
            user,
            ApiError::forbidden(codes::EMAIL_VERIFICATION_REQUIRED_FOR_INVITATION),
        )
    }

    /// Accepts the invitation `invitation_id` as `user` (upstream's `acceptInvitation`): it must be
    /// pending, unexpired and addressed to the user, and the organization under its membership limit.
    /// The user joins with the offered roles (and teams), and with `session` the organization (and a
    /// single invited team) becomes active on it.
    pub async fn accept_invitation(
        &self,
        user: &User,
        invitation_id: &str,
        session: Option<&SessionWithUser>,
    ) -> Result<AcceptedInvitation, ApiError> {
        let options = self.options();
        let invitation = self
            .find_invitation(invitation_id)
            .await?
            .filter(|i| i.status == PENDING && i.expires_at >= self.now())
            .ok_or_else(invitation_not_found)?;
        self.check_recipient(
            &invitation,
            user,
            ApiError::forbidden(
                codes::EMAIL_VERIFICATION_REQUIRED_BEFORE_ACCEPTING_OR_REJECTING_INVITATION,
            ),
        )?;
        let count = self.count_members(&invitation.organization_id).await?;
        let organization = self.organization(&invitation.organization_id).await?;
        let limit = options
            .membership_limit
            .resolve(MembershipLimitInput {
                user: user.clone(),
                organization: organization.clone(),
            })
            .await?;
        if count >= limit {
            return Err(ApiError::forbidden(
                codes::ORGANIZATION_MEMBERSHIP_LIMIT_REACHED,
            ));
        }
        let hooks = &options.organization_hooks;
        if let Some(hook) = &hooks.before_accept_invitation {
            hook(InvitationResponse {
                invitation: invitation.clone(),
                user: user.clone(),
                organization: organization.clone(),
            })
            .await?;
        }
        let Some(accepted) = self
            .set_invitation_status(invitation_id, ACCEPTED, Some(PENDING))
            .await?
        else {
            return Err(invitation_not_found());
        };
        let joined = self.join(&accepted, user, session).await;
        let (member, active_team_id) = match joined {
            Ok(joined) => joined,
            Err(err) => {
                self.set_invitation_status(invitation_id, PENDING, Some(ACCEPTED))
                    .await?;
                return Err(err);
            }
        };
        if let Some(hook) = &hooks.after_accept_invitation {
            hook(InvitationAccepted {
                invitation: accepted.clone(),
                member: member.clone(),
                user: user.clone(),
                organization,
            })
            .await?;
        }
        Ok(AcceptedInvitation {
            invitation: accepted,
            member,
            active_team_id,
        })
    }

    /// The membership work of an accepted invitation, in one transaction: its teams, the membership, and
    /// the session's active organization (and team).
    async fn join(
        &self,
        accepted: &Invitation,
        user: &User,
        session: Option<&SessionWithUser>,
    ) -> Result<(Member, Option<String>), ApiError> {
        let auth = self.auth.clone();
        let options = Arc::clone(&self.options);
        let accepted = accepted.clone();
        let user_id = user.id.clone();
        let session = session.cloned();
        self.store()
            .transaction(move |tx| {
                Box::pin(async move {
                    let api = OrganizationApi::with_store(auth, tx.clone(), options);
                    let org_id = accepted.organization_id.as_str();
                    let token = session.as_ref().map(|s| s.session.token.clone());
                    let team_ids: Vec<String> = match (&accepted.team_id, api.options.teams.enabled)
                    {
                        (Some(Some(ids)), true) => ids
                            .split(',')
                            .filter(|id| !id.is_empty())
                            .map(str::to_owned)
                            .collect(),
                        _ => Vec::new(),
                    };
                    for team_id in &team_ids {
                        api.team_of(org_id, team_id).await?;
                        api.join_team(org_id, team_id, &user_id, session.as_ref())
                            .await?;
                    }
                    let active_team_id = match (team_ids.as_slice(), &token) {
                        ([only], Some(token)) => {
                            api.set_active_team(token, Some(only)).await?;
                            Some(only.clone())
                        }
                        _ => None,
                    };
                    let member = Member {
                        organization_id: org_id.to_owned(),
                        user_id: user_id.clone(),
                        role: accepted.role.clone().unwrap_or_default(),
                        created_at: api.now(),
                        id: api.new_id(),
                        extra: fields::defaults(&api.options.additional_fields.member),
                    };
                    let member = match api.store().create(member).await {
                        Ok(Some(created)) => created,
                        Ok(None) => return Err(cancelled("member")),
                        Err(err)
                            if err.adapter_kind() == Some(AdapterErrorKind::UniqueViolation) =>
                        {
                            return Err(ApiError::bad_request(
                                codes::USER_IS_ALREADY_A_MEMBER_OF_THIS_ORGANIZATION,
                            ));
                        }
                        Err(err) => return Err(err),
                    };
                    if let Some(token) = &token {
                        api.set_active_organization(token, Some(org_id)).await?;
                    }
                    Ok((member, active_team_id))
                })
            })
            .await
    }

    /// Puts `user_id` in `team_id`; under `maximumMembersPerTeam` a seat is reserved atomically, and a
    /// full team refuses with `TEAM_MEMBER_LIMIT_REACHED` (a user already in the team stays there).
    async fn join_team(
        &self,
        organization_id: &str,
        team_id: &str,
        user_id: &str,
        session: Option<&SessionWithUser>,
    ) -> Result<(), ApiError> {
        match &self.options().teams.maximum_members_per_team {
            Some(limit) => {
                let maximum = limit
                    .resolve(TeamMemberLimitInput {
                        team_id: team_id.to_owned(),
                        organization_id: organization_id.to_owned(),
                        session: session.cloned(),
                    })
                    .await?;
                self.join_team_within(team_id, user_id, maximum).await?;
            }
            None => {
                self.add_team_member(team_id, user_id).await?;
            }
        }
        Ok(())
    }

    /// Rejects the invitation `invitation_id` as `user` (upstream's `rejectInvitation`): it must be
    /// pending and addressed to the user; expired invitations may be rejected.
    pub async fn reject_invitation(
        &self,
        user: &User,
        invitation_id: &str,
    ) -> Result<Option<Invitation>, ApiError> {
        let Some(invitation) = self
            .find_invitation(invitation_id)
            .await?
            .filter(|i| i.status == PENDING)
        else {
            return Err(ApiError::with_message(
                StatusCode::BAD_REQUEST,
                codes::INVITATION_NOT_FOUND,
                "Invitation not found!",
            ));
        };
        self.check_recipient(
            &invitation,
            user,
            ApiError::forbidden(
                codes::EMAIL_VERIFICATION_REQUIRED_BEFORE_ACCEPTING_OR_REJECTING_INVITATION,
            ),
        )?;
        let organization = self.organization(&invitation.organization_id).await?;
        let hooks = &self.options().organization_hooks;
        if let Some(hook) = &hooks.before_reject_invitation {
            hook(InvitationResponse {
                invitation: invitation.clone(),
                user: user.clone(),
                organization: organization.clone(),
            })
            .await?;
        }
        let rejected = self
            .set_invitation_status(invitation_id, REJECTED, None)
            .await?;
        if let Some(hook) = &hooks.after_reject_invitation {
            hook(InvitationResponse {
                invitation: rejected.clone().unwrap_or(invitation),
                user: user.clone(),
                organization,
            })
            .await?;
        }
        Ok(rejected)
    }

    /// Cancels the invitation `invitation_id` as `user` (upstream's `cancelInvitation`): the user must be
    /// a member of its organization allowed to cancel invitations. Upstream does not look at the status.
    pub async fn cancel_invitation(
        &self,
        user: &User,
        invitation_id: &str,
    ) -> Result<Option<Invitation>, ApiError> {
        let invitation = self
            .find_invitation(invitation_id)
            .await?
            .ok_or_else(invitation_not_found)?;
        let org_id = invitation.organization_id.as_str();
        let Some(member) = self.find_member(org_id, &user.id).await? else {
            return Err(ApiError::bad_request(codes::MEMBER_NOT_FOUND));
        };
        let may_cancel = self
            .roles_grant(
                org_id,
                &member.role,
                &permissions([("invitation", ["cancel"])]),
                false,
            )
            .await?;
        if !may_cancel {
            return Err(ApiError::forbidden(
                codes::YOU_ARE_NOT_ALLOWED_TO_CANCEL_THIS_INVITATION,
            ));
        }
        let organization = self.organization(org_id).await?;
        let hooks = &self.options().organization_hooks;
        if let Some(hook) = &hooks.before_cancel_invitation {
            hook(InvitationCancel {
                invitation: invitation.clone(),
                cancelled_by: user.clone(),
                organization: organization.clone(),
            })
            .await?;
        }
        let canceled = self
            .set_invitation_status(invitation_id, CANCELED, None)
            .await?;
        if let Some(hook) = &hooks.after_cancel_invitation {
            hook(InvitationCancel {
                invitation: canceled.clone().unwrap_or(invitation),
                cancelled_by: user.clone(),
                organization,
            })
            .await?;
        }
        Ok(canceled)
    }
}
