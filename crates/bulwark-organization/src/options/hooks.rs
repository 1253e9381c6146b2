//! `organizationHooks`: callbacks around organization, member, invitation and team changes, with
//! upstream's names.
//!
//! A "before" hook that may change the data returns `Ok(Some(data))` (upstream: `return { data }`), which
//! is merged over the data about to be written; `Ok(None)` keeps it. An `Err` aborts the operation. After
//! hooks see what was written. The team hooks run for the team endpoints (and the server actions behind
//! them) and for the default team of a new organization, as upstream's do; adding a member with a team or
//! accepting a team invitation runs the member hooks only.

use std::fmt;
use std::sync::Arc;

use bulwark_core::ApiError;
use bulwark_core::adapter::BoxFuture;
use bulwark_core::endpoint::RequestCtx;
use bulwark_core::models::User;
use http::{HeaderMap, Method};
use serde_json::{Map, Value};

use crate::models::{Invitation, Member, Organization, Team, TeamMember};

/// A hook that may replace fields of the data about to be written.
pub type DataHook<I> = Arc<
    dyn Fn(I) -> BoxFuture<'static, Result<Option<Map<String, Value>>, ApiError>> + Send + Sync,
>;
/// A hook that observes (and may abort) an operation.
pub type BeforeHook<I> = Arc<dyn Fn(I) -> BoxFuture<'static, Result<(), ApiError>> + Send + Sync>;
/// A hook that runs after an operation.
pub type AfterHook<I> = BeforeHook<I>;

/// `beforeCreateOrganization`'s input.
#[derive(Clone, Debug)]
pub struct CreateOrganization {
    /// The organization fields about to be written (`name`, `slug`, `logo`, `metadata`, additional fields).
    pub organization: Map<String, Value>,
    /// The creator.
    pub user: User,
}

/// `afterCreateOrganization`'s input.
#[derive(Clone, Debug)]
pub struct OrganizationCreated {
    /// The organization.
    pub organization: Organization,
    /// The creator's membership.
    pub member: Member,
    /// The creator.
    pub user: User,
}

/// `beforeUpdateOrganization`'s input.
#[derive(Clone, Debug)]
pub struct UpdateOrganization {
    /// The changes about to be written.
    pub organization: Map<String, Value>,
    /// The user making them.
    pub user: User,
    /// Their membership.
    pub member: Member,
}

/// `afterUpdateOrganization`'s input.
#[derive(Clone, Debug)]
pub struct OrganizationUpdated {
    /// The updated organization (`None` if it vanished meanwhile).
    pub organization: Option<Organization>,
    /// The user who updated it.
    pub user: User,
    /// Their membership.
    pub member: Member,
}

/// The HTTP request an operation came from: what upstream's hooks read from the endpoint context they
/// receive (`ctx.request`, `ctx.headers`, `ctx.path`).
///
/// Its `Debug` output lists header names only, since the headers carry the session cookie.
#[derive(Clone)]
#[non_exhaustive]
pub struct RequestInfo {
    /// The method.
    pub method: Method,
    /// The endpoint's path below the base path (`/organization/delete`).
    pub path: String,
    /// The request headers.
    pub headers: HeaderMap,
}

impl RequestInfo {
    /// The request of `req`.
    pub fn of(req: &RequestCtx) -> Self {
        Self {
            method: req.method().clone(),
            path: req.path().to_owned(),
            headers: req.headers().clone(),
        }
    }
}

impl fmt::Debug for RequestInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestInfo")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// `before`/`afterDeleteOrganization`'s input.
#[derive(Clone, Debug)]
pub struct OrganizationChange {
    /// The organization.
    pub organization: Organization,
    /// The user deleting it.
    pub user: User,
    /// The request that deletes it (upstream's endpoint context); `None` for a server call
    /// ([`OrganizationApi::delete_organization`](crate::OrganizationApi::delete_organization)).
    pub request: Option<RequestInfo>,
}

/// `beforeAddMember`'s input.
#[derive(Clone, Debug)]
pub struct AddMember {
    /// The membership about to be written (`userId`, `organizationId`, `role`, additional fields).
    pub member: Map<String, Value>,
    /// The user being added.
    pub user: User,
    /// The organization.
    pub organization: Organization,
}

/// `afterAddMember`'s input.
#[derive(Clone, Debug)]
pub struct MemberAdded {
    /// The new membership.
    pub member: Member,
    /// Its user.
    pub user: User,
    /// The organization.
    pub organization: Organization,
}

/// `before`/`afterRemoveMember`'s input.
pub type MemberChange = MemberAdded;

/// `beforeUpdateMemberRole`'s input.
#[derive(Clone, Debug)]
pub struct MemberRoleChange {
    /// The membership before the change.
    pub member: Member,
    /// The role(s) about to be set, comma-separated.
    pub new_role: String,
    /// The member's user.
    pub user: User,
    /// The organization.
    pub organization: Organization,
}

/// `afterUpdateMemberRole`'s input.
#[derive(Clone, Debug)]
pub struct MemberRoleChanged {
    /// The membership after the change.
    pub member: Member,
    /// The role(s) before the change.
    pub previous_role: String,
    /// The member's user.
    pub user: User,
    /// The organization.
    pub organization: Organization,
}

/// `beforeCreateInvitation`'s input.
#[derive(Clone, Debug)]
pub struct CreateInvitation {
    /// The invitation about to be written (`role`, `email`, `organizationId`, `teamIds`, `inviterId`,
    /// `teamId`); a hook may return `id`, `email`, `role`, `teamId` or `expiresAt` (RFC 3339) to replace
    /// them.
    pub invitation: Map<String, Value>,
    /// The inviting user.
    pub inviter: User,
    /// The organization.
    pub organization: Organization,
}

/// `afterCreateInvitation`'s input.
#[derive(Clone, Debug)]
pub struct InvitationCreated {
    /// The stored invitation.
    pub invitation: Invitation,
    /// The inviting user.
    pub inviter: User,
    /// The organization.
    pub organization: Organization,
}

/// `beforeAcceptInvitation`'s and `before`/`afterRejectInvitation`'s input.
#[derive(Clone, Debug)]
pub struct InvitationResponse {
    /// The invitation (after the change, for after-hooks).
    pub invitation: Invitation,
    /// The invited user.
    pub user: User,
    /// The organization.
    pub organization: Organization,
}

/// `afterAcceptInvitation`'s input.
#[derive(Clone, Debug)]
pub struct InvitationAccepted {
    /// The accepted invitation.
    pub invitation: Invitation,
    /// The new membership.
    pub member: Member,
    /// The user who accepted.
    pub user: User,
    /// The organization.
    pub organization: Organization,
}

/// `before`/`afterCancelInvitation`'s input.
#[derive(Clone, Debug)]
pub struct InvitationCancel {
    /// The invitation (after the change, for the after-hook).
    pub invitation: Invitation,
    /// The member cancelling it.
    pub cancelled_by: User,
    /// The organization.
    pub organization: Organization,
}

/// `beforeCreateTeam`'s input.
#[derive(Clone, Debug)]
pub struct CreateTeam {
    /// The team about to be written (`name`, `organizationId`); a hook may return `id` or `name` to
    /// replace them.
    pub team: Map<String, Value>,
    /// The user creating it: the caller, the organization's creator for its default team, `None` for a
    /// server action.
    pub user: Option<User>,
    /// The organization.
    pub organization: Organization,
}

/// `afterCreateTeam`'s input.
#[derive(Clone, Debug)]
pub struct TeamCreated {
    /// The stored team.
    pub team: Team,
    /// The user who created it (as in [`CreateTeam`]).
    pub user: Option<User>,
    /// The organization.
    pub organization: Organization,
}

/// `beforeUpdateTeam`'s input.
#[derive(Clone, Debug)]
pub struct UpdateTeam {
    /// The team before the change.
    pub team: Team,
    /// The changes about to be written (`name` when given). Data a hook returns *replaces* them, as
    /// upstream does; `name` is the field it may set.
    pub updates: Map<String, Value>,
    /// The caller (`None` for a server action).
    pub user: Option<User>,
    /// The organization.
    pub organization: Organization,
}

/// `afterUpdateTeam`'s input.
#[derive(Clone, Debug)]
pub struct TeamUpdated {
    /// The updated team (`None` if it vanished meanwhile).
    pub team: Option<Team>,
    /// The caller (`None` for a server action).
    pub user: Option<User>,
    /// The organization.
    pub organization: Organization,
}

/// `before`/`afterDeleteTeam`'s input.
#[derive(Clone, Debug)]
pub struct TeamChange {
    /// The team.
    pub team: Team,
    /// The caller (`None` for a server action).
    pub user: Option<User>,
    /// The organization.
    pub organization: Organization,
}

/// `beforeAddTeamMember`'s input.
#[derive(Clone, Debug)]
pub struct AddTeamMember {
    /// The membership about to be written (`teamId`, `userId`).
    pub team_member: Map<String, Value>,
    /// The team.
    pub team: Team,
    /// The user being added.
    pub user: User,
    /// The organization.
    pub organization: Organization,
}

/// `afterAddTeamMember`'s input.
#[derive(Clone, Debug)]
pub struct TeamMemberAdded {
    /// The team membership (the existing one when the user was already in the team).
    pub team_member: TeamMember,
    /// The team.
    pub team: Team,
    /// The member's user.
    pub user: User,
    /// The organization.
    pub organization: Organization,
}

/// `before`/`afterRemoveTeamMember`'s input.
pub type TeamMemberChange = TeamMemberAdded;

/// Upstream's `organizationHooks` for organizations, members, invitations and teams.
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct OrganizationHooks {
    /// `beforeCreateOrganization`.
    pub before_create_organization: Option<DataHook<CreateOrganization>>,
    /// `afterCreateOrganization`.
    pub after_create_organization: Option<AfterHook<OrganizationCreated>>,
    /// `beforeUpdateOrganization`.
    pub before_update_organization: Option<DataHook<UpdateOrganization>>,
    /// `afterUpdateOrganization`.
    pub after_update_organization: Option<AfterHook<OrganizationUpdated>>,
    /// `beforeDeleteOrganization`.
    pub before_delete_organization: Option<BeforeHook<OrganizationChange>>,
    /// `afterDeleteOrganization`.
    pub after_delete_organization: Option<AfterHook<OrganizationChange>>,
    /// `beforeAddMember`.
    pub before_add_member: Option<DataHook<AddMember>>,
    /// `afterAddMember`.
    pub after_add_member: Option<AfterHook<MemberAdded>>,
    /// `beforeRemoveMember`.
    pub before_remove_member: Option<BeforeHook<MemberChange>>,
    /// `afterRemoveMember`.
    pub after_remove_member: Option<AfterHook<MemberChange>>,
    /// `beforeUpdateMemberRole`: may replace the role (`{"role": "..."}`).
    pub before_update_member_role: Option<DataHook<MemberRoleChange>>,
    /// `afterUpdateMemberRole`.
    pub after_update_member_role: Option<AfterHook<MemberRoleChanged>>,
    /// `beforeCreateInvitation`: may replace fields of the invitation.
    pub before_create_invitation: Option<DataHook<CreateInvitation>>,
    /// `afterCreateInvitation`.
    pub after_create_invitation: Option<AfterHook<InvitationCreated>>,
    /// `beforeAcceptInvitation`.
    pub before_accept_invitation: Option<BeforeHook<InvitationResponse>>,
    /// `afterAcceptInvitation`.
    pub after_accept_invitation: Option<AfterHook<InvitationAccepted>>,
    /// `beforeRejectInvitation`.
    pub before_reject_invitation: Option<BeforeHook<InvitationResponse>>,
    /// `afterRejectInvitation`.
    pub after_reject_invitation: Option<AfterHook<InvitationResponse>>,
    /// `beforeCancelInvitation`.
    pub before_cancel_invitation: Option<BeforeHook<InvitationCancel>>,
    /// `afterCancelInvitation`.
    pub after_cancel_invitation: Option<AfterHook<InvitationCancel>>,
    /// `beforeCreateTeam`: may replace the team's `id` or `name`.
    pub before_create_team: Option<DataHook<CreateTeam>>,
    /// `afterCreateTeam`.
    pub after_create_team: Option<AfterHook<TeamCreated>>,
    /// `beforeUpdateTeam`: may replace the changes.
    pub before_update_team: Option<DataHook<UpdateTeam>>,
    /// `afterUpdateTeam`.
    pub after_update_team: Option<AfterHook<TeamUpdated>>,
    /// `beforeDeleteTeam`.
    pub before_delete_team: Option<BeforeHook<TeamChange>>,
    /// `afterDeleteTeam`.
    pub after_delete_team: Option<AfterHook<TeamChange>>,
    /// `beforeAddTeamMember`. Upstream lets it return data but ignores it; here it observes or aborts.
    pub before_add_team_member: Option<BeforeHook<AddTeamMember>>,
    /// `afterAddTeamMember`.
    pub after_add_team_member: Option<AfterHook<TeamMemberAdded>>,
    /// `beforeRemoveTeamMember`.
    pub before_remove_team_member: Option<BeforeHook<TeamMemberChange>>,
    /// `afterRemoveTeamMember`.
    pub after_remove_team_member: Option<AfterHook<TeamMemberChange>>,
}

impl fmt::Debug for OrganizationHooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let set = |present: bool, name: &'static str| present.then_some(name);
        let names: Vec<&str> = [
            set(
                self.before_create_organization.is_some(),
                "before_create_organization",
            ),
            set(
                self.after_create_organization.is_some(),
                "after_create_organization",
            ),
            set(
                self.before_update_organization.is_some(),
                "before_update_organization",
            ),
            set(
                self.after_update_organization.is_some(),
                "after_update_organization",
            ),
            set(
                self.before_delete_organization.is_some(),
                "before_delete_organization",
            ),
            set(
                self.after_delete_organization.is_some(),
                "after_delete_organization",
            ),
            set(self.before_add_member.is_some(), "before_add_member"),
            set(self.after_add_member.is_some(), "after_add_member"),
            set(self.before_remove_member.is_some(), "before_remove_member"),
            set(self.after_remove_member.is_some(), "after_remove_member"),
            set(
                self.before_update_member_role.is_some(),
                "before_update_member_role",
            ),
            set(
                self.after_update_member_role.is_some(),
                "after_update_member_role",
            ),
            set(
                self.before_create_invitation.is_some(),
                "before_create_invitation",
            ),
            set(
                self.after_create_invitation.is_some(),
                "after_create_invitation",
            ),
            set(
                self.before_accept_invitation.is_some(),
                "before_accept_invitation",
            ),
            set(
                self.after_accept_invitation.is_some(),
                "after_accept_invitation",
            ),
            set(
                self.before_reject_invitation.is_some(),
                "before_reject_invitation",
            ),
            set(
                self.after_reject_invitation.is_some(),
                "after_reject_invitation",
            ),
            set(
                self.before_cancel_invitation.is_some(),
                "before_cancel_invitation",
            ),
            set(
                self.after_cancel_invitation.is_some(),
                "after_cancel_invitation",
            ),
            set(self.before_create_team.is_some(), "before_create_team"),
            set(self.after_create_team.is_some(), "after_create_team"),
            set(self.before_update_team.is_some(), "before_update_team"),
            set(self.after_update_team.is_some(), "after_update_team"),
            set(self.before_delete_team.is_some(), "before_delete_team"),
            set(self.after_delete_team.is_some(), "after_delete_team"),
            set(
                self.before_add_team_member.is_some(),
                "before_add_team_member",
            ),
            set(
                self.after_add_team_member.is_some(),
                "after_add_team_member",
            ),
            set(
                self.before_remove_team_member.is_some(),
                "before_remove_team_member",
            ),
            set(
                self.after_remove_team_member.is_some(),
                "after_remove_team_member",
            ),
        ]
        .into_iter()
        .flatten()
        .collect();
        f.debug_tuple("OrganizationHooks").field(&names).finish()
    }
}
