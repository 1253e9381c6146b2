//! `OrganizationApi`: the typed server-side API (upstream's `auth.api.*` for organizations and members).
//!
//! Endpoints and other plugins (SCIM) share this code, so membership limits, role validation, the
//! last-owner rules and the organization hooks apply whichever way a change comes in. Every write goes
//! through the core `Store`, so database hooks run too.
//!
//! `add_member` is upstream's server-only `addMember`: its HTTP route does not exist (upstream's router
//! answers 404 for it at both pins), so this is the only way in. Unlike upstream it validates the roles
//! (`ROLE_NOT_FOUND`), and it relies on the unique index over `member(organizationId, userId)`: of two
//! concurrent adds of the same user exactly one succeeds, the other gets
//! `USER_IS_ALREADY_A_MEMBER_OF_THIS_ORGANIZATION`.

mod invitations;
mod members;
mod organizations;
mod roles;
mod teams;

use std::sync::Arc;

use bulwark_core::adapter::{Op, Sort, Where};
use bulwark_core::models::User;
use bulwark_core::store::Store;
use bulwark_core::{ApiError, Auth};
use http::StatusCode;

pub use invitations::{AcceptedInvitation, NewInvitation, UserInvitation};
pub use members::NewMember;
pub use organizations::{CreatedOrganization, NewOrganization};
pub use roles::{NewRole, RoleChanges, RoleRef, role_data};
pub use teams::{NewTeam, TeamChanges};

use crate::access::{Permissions, RoleSet, has_permission};
use crate::codes;
use crate::models::{Member, MemberUser, MemberWithUser, Organization, OrganizationRole};
use crate::options::OrganizationOptions;

/// The organization plugin's typed API over one `Auth`.
#[derive(Clone, Debug)]
pub struct OrganizationApi {
    auth: Auth,
    store: Store,
    options: Arc<OrganizationOptions>,
}

impl OrganizationApi {
    /// The API of `auth`, or `None` when the organization plugin is not registered.
    pub fn new(auth: &Auth) -> Option<Self> {
        let options = auth.extension::<OrganizationOptions>()?.clone();
        Some(Self {
            auth: auth.clone(),
            store: auth.store(),
            options: Arc::new(options),
        })
    }

    /// The API over a given store (an endpoint's, or a transaction's).
    pub(crate) fn with_store(auth: Auth, store: Store, options: Arc<OrganizationOptions>) -> Self {
        Self {
            auth,
            store,
            options,
        }
    }

    /// The API writing through `store`: inside `store.transaction(...)` (another plugin's, say) its
    /// changes join that transaction and commit or roll back with it, and its own transactions nest
    /// into it.
    #[must_use]
    pub fn within(mut self, store: &Store) -> Self {
        self.store = store.clone();
        self
    }

    /// The resolved options.
    pub fn options(&self) -> &OrganizationOptions {
        &self.options
    }

    /// The store writes go through.
    pub fn store(&self) -> &Store {
        &self.store
    }

    pub(crate) fn now(&self) -> time::OffsetDateTime {
        self.store_auth().env().clock.now()
    }

    pub(crate) fn new_id(&self) -> String {
        self.store_auth().env().ids.id()
    }

    fn store_auth(&self) -> &Auth {
        &self.auth
    }

    /// The organization with `id`.
    pub async fn find_organization(&self, id: &str) -> Result<Option<Organization>, ApiError> {
        self.store.find_one(&Where::eq("id", id)).await
    }

    /// The organization with `slug`.
    pub async fn find_organization_by_slug(
        &self,
        slug: &str,
    ) -> Result<Option<Organization>, ApiError> {
        self.store.find_one(&Where::eq("slug", slug)).await
    }

    /// The organization with `id`, or upstream's `400 ORGANIZATION_NOT_FOUND`.
    pub(crate) async fn organization(&self, id: &str) -> Result<Organization, ApiError> {
        self.find_organization(id)
            .await?
            .ok_or_else(|| ApiError::bad_request(codes::ORGANIZATION_NOT_FOUND))
    }

    /// The organizations `user_id` belongs to, in the order the memberships were made.
    pub async fn list_organizations(&self, user_id: &str) -> Result<Vec<Organization>, ApiError> {
        let memberships: Vec<Member> = self
            .store
            .find_many(
                &Where::eq("userId", user_id),
                &[Sort::asc("createdAt")],
                None,
                None,
            )
            .await?;
        if memberships.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<String> = memberships
            .iter()
            .map(|m| m.organization_id.clone())
            .collect();
        let organizations: Vec<Organization> = self
            .store
            .find_many(&Where::cmp("id", Op::In, ids), &[], None, None)
            .await?;
        Ok(memberships
            .iter()
            .filter_map(|m| organizations.iter().find(|o| o.id == m.organization_id))
            .cloned()
            .collect())
    }

    /// The membership of `user_id` in `organization_id`.
    pub async fn find_member(
        &self,
        organization_id: &str,
        user_id: &str,
    ) -> Result<Option<Member>, ApiError> {
        let filter = Where::eq("userId", user_id).and(Where::eq("organizationId", organization_id));
        self.store.find_one(&filter).await
    }

    /// The membership with `id`.
    pub async fn find_member_by_id(&self, id: &str) -> Result<Option<Member>, ApiError> {
        self.store.find_one(&Where::eq("id", id)).await
    }

    /// The membership in `organization_id` of the user with `email` (compared lower-cased).
    pub async fn find_member_by_email(
        &self,
        organization_id: &str,
        email: &str,
    ) -> Result<Option<Member>, ApiError> {
        let user: Option<User> = self
            .store
            .find_one(&Where::eq("email", email.to_lowercase()))
            .await?;
        match user {
            Some(user) => self.find_member(organization_id, &user.id).await,
            None => Ok(None),
        }
    }

    /// Every member of `organization_id`, oldest first.
    pub async fn list_members(&self, organization_id: &str) -> Result<Vec<Member>, ApiError> {
        self.store
            .find_many(
                &Where::eq("organizationId", organization_id),
                &[Sort::asc("createdAt")],
                None,
                None,
            )
            .await
    }

    /// How many members `organization_id` has.
    pub async fn count_members(&self, organization_id: &str) -> Result<u64, ApiError> {
        self.store
            .count::<Member>(&Where::eq("organizationId", organization_id))
            .await
    }

    /// `members` with their users attached (upstream's `{ ...member, user: {id, name, email, image} }`).
    pub async fn with_users(&self, members: Vec<Member>) -> Result<Vec<MemberWithUser>, ApiError> {
        if members.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<String> = members.iter().map(|m| m.user_id.clone()).collect();
        let users: Vec<User> = self
            .store
            .find_many(&Where::cmp("id", Op::In, ids), &[], None, None)
            .await?;
        members
            .into_iter()
            .map(|member| {
                let user = users
                    .iter()
                    .find(|u| u.id == member.user_id)
                    .ok_or_else(|| {
                        ApiError::message_only(
                            StatusCode::INTERNAL_SERVER_ERROR,
                            "Unexpected error: User not found for member",
                        )
                    })?;
                Ok(MemberWithUser {
                    user: MemberUser::from(user),
                    member,
                })
            })
            .collect()
    }

    /// The user with `id`.
    pub async fn find_user(&self, id: &str) -> Result<Option<User>, ApiError> {
        self.store.find_one(&Where::eq("id", id)).await
    }

    /// Whether `member_roles` (comma-separated) grant `request` in `organization_id`: the static roles,
    /// with roles stored for the organization merged over them when dynamic access control is on.
    pub async fn roles_grant(
        &self,
        organization_id: &str,
        member_roles: &str,
        request: &Permissions,
        allow_creator_all: bool,
    ) -> Result<bool, ApiError> {
        let known = self.known_roles(organization_id).await?;
        Ok(has_permission(
            member_roles,
            request,
            &known,
            &self.options.creator_role,
            allow_creator_all,
        ))
    }

    /// The roles permission checks in `organization_id` use: the static roles, with the organization's
    /// stored roles merged over them when dynamic access control is on and an access control is given
    /// (upstream loads stored roles only with an `ac` instance).
    pub(crate) async fn known_roles(&self, organization_id: &str) -> Result<RoleSet, ApiError> {
        let mut known = self.options.permission_roles();
        if self.options.dynamic_access_control.enabled && self.options.access_control.is_some() {
            let stored: Vec<OrganizationRole> = self
                .store
                .find_many(
                    &Where::eq("organizationId", organization_id),
                    &[],
                    None,
                    None,
                )
                .await?;
            for role in stored {
                let Some(statements) = role.statements() else {
                    tracing::error!(role = %role.role, "invalid permissions for stored role");
                    return Err(ApiError::message_only(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        format!("Invalid permissions for role {}", role.role),
                    ));
                };
                let base = known.remove(&role.role).unwrap_or_else(|| {
                    crate::access::Role::new(Vec::<(String, Vec<String>)>::new())
                });
                known.insert(role.role.clone(), base.merged(&statements));
            }
        }
        Ok(known)
    }

    /// Whether `user_id` is a member of `organization_id` whose roles grant `request`.
    pub async fn has_permission(
        &self,
        organization_id: &str,
        user_id: &str,
        request: &Permissions,
    ) -> Result<bool, ApiError> {
        let Some(member) = self.find_member(organization_id, user_id).await? else {
            return Ok(false);
        };
        self.roles_grant(organization_id, &member.role, request, false)
            .await
    }

    /// Fails with upstream's `ROLE_NOT_FOUND` (`"ROLE_NOT_FOUND: a, b"`) unless every role is a static
    /// role or, with dynamic access control, a role stored for `organization_id`.
    pub async fn validate_roles(
        &self,
        organization_id: &str,
        roles: &[String],
    ) -> Result<(), ApiError> {
        let unknown: Vec<String> = roles
            .iter()
            .filter(|r| !self.options.is_static_role(r))
            .cloned()
            .collect();
        if unknown.is_empty() {
            return Ok(());
        }
        let mut missing = unknown.clone();
        if self.options.dynamic_access_control.enabled {
            let filter = Where::eq("organizationId", organization_id).and(Where::cmp(
                "role",
                Op::In,
                unknown,
            ));
            let found: Vec<OrganizationRole> =
                self.store.find_many(&filter, &[], None, None).await?;
            missing.retain(|r| !found.iter().any(|f| &f.role == r));
        }
        if missing.is_empty() {
            return Ok(());
        }
        Err(ApiError::with_message(
            StatusCode::BAD_REQUEST,
            codes::ROLE_NOT_FOUND,
            format!("{}: {}", codes::ROLE_NOT_FOUND.as_str(), missing.join(", ")),
        ))
    }

    /// How many members of `organization_id` hold the creator role.
    pub(crate) async fn count_owners(&self, organization_id: &str) -> Result<usize, ApiError> {
        let creator = self.options.creator_role.as_str();
        Ok(self
            .list_members(organization_id)
            .await?
            .iter()
            .filter(|m| m.role.split(',').any(|r| r == creator))
            .count())
    }
}

/// Merges a hook's `data` over `target` (upstream's `{ ...data, ...response.data }`).
pub(crate) fn merge_data(
    target: &mut serde_json::Map<String, serde_json::Value>,
    data: Option<serde_json::Map<String, serde_json::Value>>,
) {
    if let Some(data) = data {
        target.extend(data);
    }
}
