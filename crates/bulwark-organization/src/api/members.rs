//! Adding, removing and re-roling members, with the limits, role checks, last-owner rules and hooks.

use std::sync::Arc;

use bulwark_core::ApiError;
use bulwark_core::adapter::{Row, Value, Where};
use bulwark_core::error::codes as core_codes;
use http::StatusCode;
use serde_json::{Map, Value as Json};

use super::OrganizationApi;
use crate::codes;
use crate::fields;
use crate::models::{Member, Organization, Team, TeamMember};
use crate::options::{
    MemberChange, MemberRoleChange, MemberRoleChanged, MembershipLimitInput, TeamMemberLimitInput,
};

/// A membership to add (upstream's `addMember` body).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct NewMember {
    /// The organization.
    pub organization_id: String,
    /// The user.
    pub user_id: String,
    /// The role(s), comma-separated.
    pub role: String,
    /// A team of the organization to put the user in as well (teams only).
    pub team_id: Option<String>,
    /// Values of the membership's additional fields (any of them, `input` or not).
    pub additional_fields: Row,
}

impl NewMember {
    /// `user_id` joins `organization_id` with `roles`.
    pub fn new(
        organization_id: impl Into<String>,
        user_id: impl Into<String>,
        roles: &[&str],
    ) -> Self {
        Self {
            organization_id: organization_id.into(),
            user_id: user_id.into(),
            role: roles.join(","),
            team_id: None,
            additional_fields: Row::new(),
        }
    }

    /// Also puts the user in `team_id`.
    #[must_use]
    pub fn team(mut self, team_id: impl Into<String>) -> Self {
        self.team_id = Some(team_id.into());
        self
    }

    /// Sets the additional field `name`.
    #[must_use]
    pub fn field(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.additional_fields.set(name, value);
        self
    }
}

impl OrganizationApi {
    /// Adds a member (upstream's server-only `addMember`): the user must exist and not be a member yet,
    /// the organization must exist and be under its membership limit, and the roles must be known.
    ///
    /// With a `team_id` the user joins that team as well, under `maximumMembersPerTeam` (whose callback
    /// receives no session): the seat is reserved atomically and the membership and the team membership
    /// are written in one transaction, so a full team (`TEAM_MEMBER_LIMIT_REACHED`) leaves nothing
    /// behind and the add-member hooks run only for a membership that is written. The team-member hooks
    /// do not run, as upstream's do not for this path.
    pub async fn add_member(&self, input: NewMember) -> Result<Member, ApiError> {
        let options = self.options();
        let org_id = input.organization_id.as_str();
        if input.team_id.is_some() && !options.teams.enabled {
            return Err(ApiError::message_only(
                StatusCode::BAD_REQUEST,
                "Teams are not enabled",
            ));
        }
        let Some(user) = self.find_user(&input.user_id).await? else {
            return Err(ApiError::bad_request(core_codes::USER_NOT_FOUND));
        };
        if self.find_member(org_id, &user.id).await?.is_some() {
            return Err(ApiError::bad_request(
                codes::USER_IS_ALREADY_A_MEMBER_OF_THIS_ORGANIZATION,
            ));
        }
        if let Some(team_id) = &input.team_id {
            let filter = Where::eq("id", team_id.as_str()).and(Where::eq("organizationId", org_id));
            if self.store().find_one::<Team>(&filter).await?.is_none() {
                return Err(ApiError::bad_request(codes::TEAM_NOT_FOUND));
            }
        }
        let count = self.count_members(org_id).await?;
        let organization = self.organization(org_id).await?;
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
        let roles = crate::access::split_roles(&input.role);
        if roles.is_empty() {
            return Err(ApiError::message_only(
                StatusCode::BAD_REQUEST,
                "Bad Request",
            ));
        }
        self.validate_roles(org_id, &roles).await?;
        let mut data = Map::new();
        data.insert("organizationId".to_owned(), Json::String(org_id.to_owned()));
        data.insert("userId".to_owned(), Json::String(user.id.clone()));
        data.insert("role".to_owned(), Json::String(input.role.clone()));
        fields::to_data(&input.additional_fields, &mut data);
        let Some(team_id) = input.team_id else {
            return self.insert_member(data, &user, &organization).await;
        };
        let maximum = match &options.teams.maximum_members_per_team {
            Some(limit) => Some(
                limit
                    .resolve(TeamMemberLimitInput {
                        team_id: team_id.clone(),
                        organization_id: org_id.to_owned(),
                        session: None,
                    })
                    .await?,
            ),
            None => None,
        };
        let auth = self.auth.clone();
        let options = Arc::clone(&self.options);
        self.store()
            .transaction(move |tx| {
                Box::pin(async move {
                    let api = OrganizationApi::with_store(auth, tx.clone(), options);
                    match maximum {
                        Some(maximum) => api.join_team_within(&team_id, &user.id, maximum).await?,
                        None => api.add_team_member(&team_id, &user.id).await?,
                    };
                    api.insert_member(data, &user, &organization).await
                })
            })
            .await
    }

    /// Removes `member_id` from `organization_id` as a server action: the member must belong to the
    /// organization, and the last holder of the creator role cannot be removed.
    pub async fn remove_member(
        &self,
        organization_id: &str,
        member_id: &str,
    ) -> Result<Member, ApiError> {
        let member = self
            .find_member_by_id(member_id)
            .await?
            .filter(|m| m.organization_id == organization_id)
            .ok_or_else(|| ApiError::bad_request(codes::MEMBER_NOT_FOUND))?;
        if member.has_role(&self.options().creator_role)
            && self.count_owners(organization_id).await? <= 1
        {
            return Err(ApiError::bad_request(
                codes::YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER,
            ));
        }
        let organization = self.organization(organization_id).await?;
        self.delete_member(&member, &organization).await?;
        Ok(member)
    }

    /// Deletes `member` and its team memberships in the organization, with the remove-member hooks
    /// around them. The deletes run in one transaction, so a failing step leaves everything in place.
    pub(crate) async fn delete_member(
        &self,
        member: &Member,
        organization: &Organization,
    ) -> Result<(), ApiError> {
        let Some(user) = self.find_user(&member.user_id).await? else {
            return Err(ApiError::message_only(
                StatusCode::BAD_REQUEST,
                "User not found",
            ));
        };
        let hooks = &self.options().organization_hooks;
        let change = MemberChange {
            member: member.clone(),
            user,
            organization: organization.clone(),
        };
        if let Some(hook) = &hooks.before_remove_member {
            hook(change.clone()).await?;
        }
        let member_id = member.id.clone();
        let user_id = member.user_id.clone();
        let organization_id = organization.id.clone();
        let teams = self.options().teams.enabled;
        self.store()
            .transaction(move |tx| {
                Box::pin(async move {
                    tx.delete::<Member>(&Where::eq("id", member_id.as_str()))
                        .await?;
                    if !teams {
                        return Ok(());
                    }
                    let in_org = Where::eq("organizationId", organization_id.as_str());
                    let teams: Vec<Team> = tx.find_many(&in_org, &[], None, None).await?;
                    for team in teams {
                        let filter = Where::eq("teamId", team.id.as_str())
                            .and(Where::eq("userId", user_id.as_str()));
                        let removed = tx.delete_many::<TeamMember>(&filter).await?;
                        if removed > 0 {
                            let by = -i64::try_from(removed).unwrap_or(0);
                            tx.increment::<Team>(
                                &Where::eq("id", team.id.as_str()),
                                "memberCount",
                                by,
                                Row::new(),
                            )
                            .await?;
                        }
                    }
                    Ok(())
                })
            })
            .await?;
        if let Some(hook) = &hooks.after_remove_member {
            hook(change).await?;
        }
        Ok(())
    }

    /// Sets the roles of `member_id` in `organization_id` as a server action: the roles must be known,
    /// and the last holder of the creator role cannot lose it.
    pub async fn update_member_role(
        &self,
        organization_id: &str,
        member_id: &str,
        roles: &[&str],
    ) -> Result<Member, ApiError> {
        let roles: Vec<String> = roles
            .iter()
            .flat_map(|r| crate::access::split_roles(r))
            .collect();
        if roles.is_empty() {
            return Err(ApiError::message_only(
                StatusCode::BAD_REQUEST,
                "Bad Request",
            ));
        }
        let member = self
            .find_member_by_id(member_id)
            .await?
            .filter(|m| m.organization_id == organization_id)
            .ok_or_else(|| ApiError::bad_request(codes::MEMBER_NOT_FOUND))?;
        let creator = self.options().creator_role.clone();
        if member.has_role(&creator)
            && !roles.contains(&creator)
            && self.count_owners(organization_id).await? <= 1
        {
            return Err(ApiError::bad_request(
                codes::YOU_CANNOT_LEAVE_THE_ORGANIZATION_WITHOUT_AN_OWNER,
            ));
        }
        self.validate_roles(organization_id, &roles).await?;
        let organization = self.organization(organization_id).await?;
        self.write_member_role(&member, &roles.join(","), &organization)
            .await
    }

    /// Stores `new_role` on `member` with the update-member-role hooks (a before-hook may replace it).
    pub(crate) async fn write_member_role(
        &self,
        member: &Member,
        new_role: &str,
        organization: &Organization,
    ) -> Result<Member, ApiError> {
        let Some(user) = self.find_user(&member.user_id).await? else {
            return Err(ApiError::message_only(
                StatusCode::BAD_REQUEST,
                "User not found",
            ));
        };
        let hooks = &self.options().organization_hooks;
        let mut role = new_role.to_owned();
        if let Some(hook) = &hooks.before_update_member_role {
            let response = hook(MemberRoleChange {
                member: member.clone(),
                new_role: role.clone(),
                user: user.clone(),
                organization: organization.clone(),
            })
            .await?;
            if let Some(replaced) = response
                .as_ref()
                .and_then(|d| d.get("role"))
                .and_then(Json::as_str)
                .filter(|r| !r.is_empty())
            {
                replaced.clone_into(&mut role);
            }
        }
        let updated = self
            .store()
            .update::<Member>(
                &Where::eq("id", member.id.as_str()),
                Row::new().with("role", role),
            )
            .await?
            .ok_or_else(|| ApiError::bad_request(codes::MEMBER_NOT_FOUND))?;
        if let Some(hook) = &hooks.after_update_member_role {
            hook(MemberRoleChanged {
                member: updated.clone(),
                previous_role: member.role.clone(),
                user,
                organization: organization.clone(),
            })
            .await?;
        }
        Ok(updated)
    }
}
