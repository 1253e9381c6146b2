//! `OrganizationOptions`: upstream's option names and defaults, with Rust callbacks where upstream
//! accepts functions.
//!
//! Callbacks are `Arc<dyn Fn(..) -> BoxFuture<'static, Result<..>>>`: they may do I/O, and an `Err`
//! aborts the operation with that error, as a thrown `APIError` does upstream.

mod hooks;

use std::fmt;
use std::sync::Arc;

use bulwark_core::ApiError;
use bulwark_core::adapter::BoxFuture;
use bulwark_core::models::User;
use bulwark_core::session::SessionWithUser;
use time::Duration;

pub use hooks::{
    AddMember, AddTeamMember, AfterHook, BeforeHook, CreateInvitation, CreateOrganization,
    CreateTeam, DataHook, InvitationAccepted, InvitationCancel, InvitationCreated,
    InvitationResponse, MemberAdded, MemberChange, MemberRoleChange, MemberRoleChanged,
    OrganizationChange, OrganizationCreated, OrganizationHooks, OrganizationUpdated, RequestInfo,
    TeamChange, TeamCreated, TeamMemberAdded, TeamMemberChange, TeamUpdated, UpdateOrganization,
    UpdateTeam,
};

use crate::access::{AccessControl, Role, RoleSet, default_roles};
use crate::fields::AdditionalFields;
use crate::models::{Invitation, Member, Organization};

/// A predicate over a user (upstream: `(user) => boolean | Promise<boolean>`).
pub type UserPredicate =
    Arc<dyn Fn(User) -> BoxFuture<'static, Result<bool, ApiError>> + Send + Sync>;

/// A number or a callback computing it from `A`.
#[derive(Clone)]
pub enum Limit<A> {
    /// A fixed number.
    Fixed(u64),
    /// Computed per call.
    Dynamic(Arc<dyn Fn(A) -> BoxFuture<'static, Result<u64, ApiError>> + Send + Sync>),
}

impl<A> Limit<A> {
    /// The limit for `input`.
    pub async fn resolve(&self, input: A) -> Result<u64, ApiError> {
        match self {
            Self::Fixed(n) => Ok(*n),
            Self::Dynamic(f) => f(input).await,
        }
    }
}

impl<A> fmt::Debug for Limit<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Fixed(n) => write!(f, "Fixed({n})"),
            Self::Dynamic(_) => f.write_str("Dynamic(..)"),
        }
    }
}

/// Whether a user may create organizations (upstream's `allowUserToCreateOrganization`).
#[derive(Clone)]
pub enum AllowCreate {
    /// Always or never.
    Always(bool),
    /// Decided per user.
    Check(UserPredicate),
}

impl fmt::Debug for AllowCreate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Always(b) => write!(f, "Always({b})"),
            Self::Check(_) => f.write_str("Check(..)"),
        }
    }
}

/// How many organizations a user may belong to before creating another is refused (upstream's
/// `organizationLimit`: a number, or a callback answering "has the user reached the limit?").
#[derive(Clone)]
pub enum OrganizationLimit {
    /// No limit (upstream's default).
    Unlimited,
    /// At most this many memberships.
    Max(u64),
    /// `true` when the user has reached the limit.
    Reached(UserPredicate),
}

impl fmt::Debug for OrganizationLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unlimited => f.write_str("Unlimited"),
            Self::Max(n) => write!(f, "Max({n})"),
            Self::Reached(_) => f.write_str("Reached(..)"),
        }
    }
}

/// What `membershipLimit` callbacks receive.
#[derive(Clone, Debug)]
pub struct MembershipLimitInput {
    /// The user being added.
    pub user: User,
    /// The organization.
    pub organization: Organization,
}

/// What `invitationLimit` callbacks receive.
#[derive(Clone, Debug)]
pub struct InvitationLimitInput {
    /// The inviting user.
    pub user: User,
    /// The organization.
    pub organization: Organization,
    /// The inviter's membership.
    pub member: Member,
}

/// What `teams.maximumTeams` callbacks receive.
#[derive(Clone, Debug)]
pub struct TeamLimitInput {
    /// The organization.
    pub organization_id: String,
    /// The caller's session, when there is one.
    pub session: Option<SessionWithUser>,
}

/// What `teams.maximumMembersPerTeam` callbacks receive.
#[derive(Clone, Debug)]
pub struct TeamMemberLimitInput {
    /// The team.
    pub team_id: String,
    /// The organization.
    pub organization_id: String,
    /// The caller's session.
    pub session: Option<SessionWithUser>,
}

/// What `sendInvitationEmail` receives.
#[derive(Clone, Debug)]
pub struct InvitationEmail {
    /// The invitation id.
    pub id: String,
    /// The offered role(s).
    pub role: String,
    /// The invited address.
    pub email: String,
    /// The organization.
    pub organization: Organization,
    /// The invitation.
    pub invitation: Invitation,
    /// The inviter's membership.
    pub inviter: Member,
    /// The inviter.
    pub inviter_user: User,
}

/// Sends an invitation email.
pub type SendInvitationEmail =
    Arc<dyn Fn(InvitationEmail) -> BoxFuture<'static, Result<(), ApiError>> + Send + Sync>;

/// Teams (upstream's `teams`).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct TeamOptions {
    /// Whether teams exist (adds the `team` and `teamMember` models and `session.activeTeamId`).
    pub enabled: bool,
    /// Whether a new organization gets a team of the same name, with its creator in it (default on).
    pub default_team: bool,
    /// How many teams an organization may have (unlimited when `None`).
    pub maximum_teams: Option<Limit<TeamLimitInput>>,
    /// How many members a team may have (unlimited when `None`).
    pub maximum_members_per_team: Option<Limit<TeamMemberLimitInput>>,
    /// Whether the last team of an organization may be removed.
    pub allow_removing_all_teams: bool,
}

impl Default for TeamOptions {
    fn default() -> Self {
        Self {
            enabled: false,
            default_team: true,
            maximum_teams: None,
            maximum_members_per_team: None,
            allow_removing_all_teams: false,
        }
    }
}

impl TeamOptions {
    /// Teams on, with upstream's defaults.
    pub fn enabled() -> Self {
        Self {
            enabled: true,
            ..Self::default()
        }
    }

    /// Whether new organizations get a default team.
    #[must_use]
    pub fn default_team(mut self, on: bool) -> Self {
        self.default_team = on;
        self
    }

    /// A fixed or computed maximum number of teams per organization.
    #[must_use]
    pub fn maximum_teams(mut self, limit: Limit<TeamLimitInput>) -> Self {
        self.maximum_teams = Some(limit);
        self
    }

    /// A fixed or computed maximum number of members per team.
    #[must_use]
    pub fn maximum_members_per_team(mut self, limit: Limit<TeamMemberLimitInput>) -> Self {
        self.maximum_members_per_team = Some(limit);
        self
    }

    /// Whether the last team may be removed.
    #[must_use]
    pub fn allow_removing_all_teams(mut self, on: bool) -> Self {
        self.allow_removing_all_teams = on;
        self
    }
}

/// Roles stored per organization (upstream's `dynamicAccessControl`).
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct DynamicAccessControl {
    /// Whether the `organizationRole` model and the role endpoints exist.
    pub enabled: bool,
    /// How many stored roles an organization may have (unlimited when `None`).
    pub maximum_roles_per_organization: Option<Limit<String>>,
}

impl DynamicAccessControl {
    /// Dynamic access control on, without a role limit.
    pub fn enabled() -> Self {
        Self {
            enabled: true,
            maximum_roles_per_organization: None,
        }
    }

    /// A fixed or computed (per organization id) maximum number of stored roles.
    #[must_use]
    pub fn maximum_roles_per_organization(mut self, limit: Limit<String>) -> Self {
        self.maximum_roles_per_organization = Some(limit);
        self
    }
}

/// The organization plugin's options, with upstream's names (snake-cased) and defaults.
#[derive(Clone)]
#[non_exhaustive]
pub struct OrganizationOptions {
    /// Whether users may create organizations (default: yes).
    pub allow_user_to_create_organization: AllowCreate,
    /// How many organizations a user may belong to when creating another (default: unlimited).
    pub organization_limit: OrganizationLimit,
    /// The role the creator gets, and the role the last-owner rules protect (default `owner`).
    pub creator_role: String,
    /// How many members an organization may have (default 100).
    pub membership_limit: Limit<MembershipLimitInput>,
    /// How long an invitation is valid (default 48 hours).
    pub invitation_expires_in: Duration,
    /// How many pending invitations an organization may have (default 100).
    pub invitation_limit: Limit<InvitationLimitInput>,
    /// Whether re-inviting an address cancels its pending invitations (default off).
    pub cancel_pending_invitations_on_re_invite: bool,
    /// Whether accepting or rejecting an invitation requires a verified email (default off).
    pub require_email_verification_on_invitation: bool,
    /// Sends invitation emails.
    pub send_invitation_email: Option<SendInvitationEmail>,
    /// Teams.
    pub teams: TeamOptions,
    /// The access control the roles are written against (upstream's `ac`; default statements when `None`).
    pub access_control: Option<AccessControl>,
    /// Custom roles (upstream's `roles`). Upstream replaces the defaults with them for permission checks
    /// when given; the defaults remain valid role names.
    pub roles: Option<Vec<(String, Role)>>,
    /// Roles stored per organization.
    pub dynamic_access_control: DynamicAccessControl,
    /// Whether `/organization/delete` is turned off.
    pub disable_organization_deletion: bool,
    /// Callbacks around organization and member changes.
    pub organization_hooks: OrganizationHooks,
    /// Fields the application adds to the plugin's models (upstream's `schema.<model>.additionalFields`).
    pub additional_fields: AdditionalFields,
}

impl fmt::Debug for OrganizationOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OrganizationOptions")
            .field(
                "allow_user_to_create_organization",
                &self.allow_user_to_create_organization,
            )
            .field("organization_limit", &self.organization_limit)
            .field("creator_role", &self.creator_role)
            .field("membership_limit", &self.membership_limit)
            .field("invitation_expires_in", &self.invitation_expires_in)
            .field("invitation_limit", &self.invitation_limit)
            .field("teams", &self.teams)
            .field("dynamic_access_control", &self.dynamic_access_control)
            .field(
                "disable_organization_deletion",
                &self.disable_organization_deletion,
            )
            .field("additional_fields", &self.additional_fields)
            .finish_non_exhaustive()
    }
}

impl Default for OrganizationOptions {
    fn default() -> Self {
        Self {
            allow_user_to_create_organization: AllowCreate::Always(true),
            organization_limit: OrganizationLimit::Unlimited,
            creator_role: "owner".to_owned(),
            membership_limit: Limit::Fixed(100),
            invitation_expires_in: Duration::hours(48),
            invitation_limit: Limit::Fixed(100),
            cancel_pending_invitations_on_re_invite: false,
            require_email_verification_on_invitation: false,
            send_invitation_email: None,
            teams: TeamOptions::default(),
            access_control: None,
            roles: None,
            dynamic_access_control: DynamicAccessControl::default(),
            disable_organization_deletion: false,
            organization_hooks: OrganizationHooks::default(),
            additional_fields: AdditionalFields::default(),
        }
    }
}

impl OrganizationOptions {
    /// Whether users may create organizations.
    #[must_use]
    pub fn allow_user_to_create_organization(mut self, allow: bool) -> Self {
        self.allow_user_to_create_organization = AllowCreate::Always(allow);
        self
    }

    /// Decides per user whether they may create organizations.
    #[must_use]
    pub fn allow_user_to_create_organization_with(mut self, check: UserPredicate) -> Self {
        self.allow_user_to_create_organization = AllowCreate::Check(check);
        self
    }

    /// The organization limit.
    #[must_use]
    pub fn organization_limit(mut self, limit: OrganizationLimit) -> Self {
        self.organization_limit = limit;
        self
    }

    /// The creator's role.
    #[must_use]
    pub fn creator_role(mut self, role: impl Into<String>) -> Self {
        self.creator_role = role.into();
        self
    }

    /// The membership limit.
    #[must_use]
    pub fn membership_limit(mut self, limit: Limit<MembershipLimitInput>) -> Self {
        self.membership_limit = limit;
        self
    }

    /// How long invitations last.
    #[must_use]
    pub fn invitation_expires_in(mut self, ttl: Duration) -> Self {
        self.invitation_expires_in = ttl;
        self
    }

    /// The invitation limit.
    #[must_use]
    pub fn invitation_limit(mut self, limit: Limit<InvitationLimitInput>) -> Self {
        self.invitation_limit = limit;
        self
    }

    /// Whether re-inviting cancels pending invitations.
    #[must_use]
    pub fn cancel_pending_invitations_on_re_invite(mut self, on: bool) -> Self {
        self.cancel_pending_invitations_on_re_invite = on;
        self
    }

    /// Whether invitations require a verified email.
    #[must_use]
    pub fn require_email_verification_on_invitation(mut self, on: bool) -> Self {
        self.require_email_verification_on_invitation = on;
        self
    }

    /// The invitation email sender.
    #[must_use]
    pub fn send_invitation_email(mut self, send: SendInvitationEmail) -> Self {
        self.send_invitation_email = Some(send);
        self
    }

    /// Teams.
    #[must_use]
    pub fn teams(mut self, teams: TeamOptions) -> Self {
        self.teams = teams;
        self
    }

    /// The access control statements.
    #[must_use]
    pub fn access_control(mut self, ac: AccessControl) -> Self {
        self.access_control = Some(ac);
        self
    }

    /// Custom roles (replacing the defaults in permission checks, as upstream does).
    #[must_use]
    pub fn roles(mut self, roles: impl IntoIterator<Item = (impl Into<String>, Role)>) -> Self {
        self.roles = Some(roles.into_iter().map(|(n, r)| (n.into(), r)).collect());
        self
    }

    /// Dynamic access control.
    #[must_use]
    pub fn dynamic_access_control(mut self, dac: DynamicAccessControl) -> Self {
        self.dynamic_access_control = dac;
        self
    }

    /// Turns organization deletion off.
    #[must_use]
    pub fn disable_organization_deletion(mut self, disable: bool) -> Self {
        self.disable_organization_deletion = disable;
        self
    }

    /// Organization and member hooks.
    #[must_use]
    pub fn organization_hooks(mut self, hooks: OrganizationHooks) -> Self {
        self.organization_hooks = hooks;
        self
    }

    /// Fields added to the plugin's models: they become columns, the create and update endpoints accept
    /// them (those with `input`), and answers include them (those with `returned`).
    #[must_use]
    pub fn additional_fields(mut self, fields: AdditionalFields) -> Self {
        self.additional_fields = fields;
        self
    }

    /// The roles permission checks use: the custom roles when given, else the defaults (upstream's
    /// `options.roles || defaultRoles`).
    pub fn permission_roles(&self) -> RoleSet {
        match &self.roles {
            Some(roles) => roles.iter().cloned().collect(),
            None => default_roles().into_iter().collect(),
        }
    }

    /// Whether `role` is a statically known role name (a default or a custom one).
    pub fn is_static_role(&self, role: &str) -> bool {
        default_roles().iter().any(|(name, _)| name == role)
            || self
                .roles
                .as_ref()
                .is_some_and(|roles| roles.iter().any(|(name, _)| name == role))
    }
}
