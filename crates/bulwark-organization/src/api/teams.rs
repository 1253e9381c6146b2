//! Teams and team members: creating, updating, removing and listing teams, adding and removing team
//! members, with `maximumTeams`, `maximumMembersPerTeam` and the last-team rule.
//!
//! The typed methods are server actions (upstream's endpoints called without a session): they skip the
//! caller's permission checks and run everything else. The endpoints check the caller first, then call
//! the `*_for` variants with the caller's session, which the limit callbacks receive.
//!
//! `maximumMembersPerTeam` is enforced as v1.7.1 does it: a seat is reserved on the team's `memberCount`
//! with a conditional atomic increment (`memberCount < maximum`) before the membership row is written,
//! and the unique `membershipKey` makes a second add of the same user find the first. Parallel adds at
//! the limit therefore never exceed it and never duplicate, on every backend and without a transaction;
//! a seat reserved by an add that then fails is released.
//!
//! The team hooks (`organizationHooks`) run here, in upstream's places: create, update and delete team,
//! add and remove team member. The `*_for` variants pass the caller to the hooks that take one.

use bulwark_core::adapter::{Op, Row, Sort, Value, Where};
use bulwark_core::models::User;
use bulwark_core::session::SessionWithUser;
use bulwark_core::{AdapterErrorKind, ApiError};
use http::StatusCode;
use serde_json::{Map, Value as Json};
use time::OffsetDateTime;

use super::{OrganizationApi, merge_data};
use crate::codes;
use crate::fields;
use crate::models::{Invitation, Organization, Team, TeamMember, team_membership_key};
use crate::options::{
    AddTeamMember, CreateTeam, TeamChange, TeamCreated, TeamLimitInput, TeamMemberAdded,
    TeamMemberChange, TeamMemberLimitInput, TeamUpdated, UpdateTeam,
};

/// A team to create (upstream's `createTeam` body).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct NewTeam {
    /// The organization the team belongs to.
    pub organization_id: String,
    /// The team's name.
    pub name: String,
    /// Values of the team's additional fields (any of them, `input` or not).
    pub additional_fields: Row,
}

impl NewTeam {
    /// A team called `name` in `organization_id`.
    pub fn new(organization_id: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            organization_id: organization_id.into(),
            name: name.into(),
            additional_fields: Row::new(),
        }
    }

    /// Sets the additional field `name`.
    #[must_use]
    pub fn field(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.additional_fields.set(name, value);
        self
    }
}

/// Changes to a team (upstream's `updateTeam` `data`); `None` or an absent field leaves it as it is.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct TeamChanges {
    /// A new name.
    pub name: Option<String>,
    /// New values of additional fields.
    pub additional_fields: Row,
}

impl TeamChanges {
    /// Renames the team.
    pub fn name(name: impl Into<String>) -> Self {
        Self {
            name: Some(name.into()),
            additional_fields: Row::new(),
        }
    }

    /// Sets the additional field `name`.
    #[must_use]
    pub fn field(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.additional_fields.set(name, value);
        self
    }
}

fn team_not_found() -> ApiError {
    ApiError::bad_request(codes::TEAM_NOT_FOUND)
}

fn user_not_found() -> ApiError {
    ApiError::message_only(StatusCode::BAD_REQUEST, "User not found")
}

fn teams_disabled() -> ApiError {
    ApiError::message_only(StatusCode::BAD_REQUEST, "Teams are not enabled")
}

fn json_string(data: &Map<String, Json>, key: &str) -> Option<String> {
    data.get(key).and_then(Json::as_str).map(str::to_owned)
}

impl OrganizationApi {
    fn require_teams(&self) -> Result<(), ApiError> {
        if self.options().teams.enabled {
            Ok(())
        } else {
            Err(teams_disabled())
        }
    }

    /// The team with `team_id`, restricted to `organization_id` when given.
    pub async fn find_team(
        &self,
        team_id: &str,
        organization_id: Option<&str>,
    ) -> Result<Option<Team>, ApiError> {
        self.require_teams()?;
        let mut filter = Where::eq("id", team_id);
        if let Some(organization_id) = organization_id {
            filter = filter.and(Where::eq("organizationId", organization_id));
        }
        self.store().find_one(&filter).await
    }

    /// The teams of `organization_id`, oldest first.
    pub async fn list_teams(&self, organization_id: &str) -> Result<Vec<Team>, ApiError> {
        self.require_teams()?;
        self.store()
            .find_many(
                &Where::eq("organizationId", organization_id),
                &[Sort::asc("createdAt")],
                None,
                None,
            )
            .await
    }

    /// The members of `team_id`, oldest first.
    pub async fn list_team_members(&self, team_id: &str) -> Result<Vec<TeamMember>, ApiError> {
        self.require_teams()?;
        self.store()
            .find_many(
                &Where::eq("teamId", team_id),
                &[Sort::asc("createdAt")],
                None,
                None,
            )
            .await
    }

    /// `user_id`'s membership of `team_id`.
    pub async fn find_team_member(
        &self,
        team_id: &str,
        user_id: &str,
    ) -> Result<Option<TeamMember>, ApiError> {
        self.require_teams()?;
        let filter = Where::eq("teamId", team_id).and(Where::eq("userId", user_id));
        self.store().find_one(&filter).await
    }

    /// Every team `user_id` is in, in any organization, in the order the user joined them.
    pub async fn list_user_teams(&self, user_id: &str) -> Result<Vec<Team>, ApiError> {
        self.require_teams()?;
        let memberships: Vec<TeamMember> = self
            .store()
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
        let ids: Vec<String> = memberships.iter().map(|m| m.team_id.clone()).collect();
        let teams: Vec<Team> = self
            .store()
            .find_many(&Where::cmp("id", Op::In, ids), &[], None, None)
            .await?;
        Ok(memberships
            .iter()
            .filter_map(|m| teams.iter().find(|t| t.id == m.team_id))
            .cloned()
            .collect())
    }

    /// Creates a team as a server action: the organization must exist and be under `maximumTeams`
    /// (whose callback receives no session).
    pub async fn create_team(&self, input: NewTeam) -> Result<Team, ApiError> {
        self.create_team_for(input, None).await
    }

    /// Creates a team on behalf of `session` (whose permission the endpoint has checked).
    pub(crate) async fn create_team_for(
        &self,
        input: NewTeam,
        session: Option<SessionWithUser>,
    ) -> Result<Team, ApiError> {
        self.require_teams()?;
        let organization_id = input.organization_id;
        let user = session.as_ref().map(|s| s.user.clone());
        let existing = self
            .store()
            .count::<Team>(&Where::eq("organizationId", organization_id.as_str()))
            .await?;
        if let Some(limit) = &self.options().teams.maximum_teams {
            let maximum = limit
                .resolve(TeamLimitInput {
                    organization_id: organization_id.clone(),
                    session,
                })
                .await?;
            // Upstream treats a maximum of 0 as "no maximum".
            if maximum > 0 && existing >= maximum {
                return Err(ApiError::bad_request(
                    codes::YOU_HAVE_REACHED_THE_MAXIMUM_NUMBER_OF_TEAMS,
                ));
            }
        }
        let organization = self.organization(&organization_id).await?;
        let now = self.now();
        let team = self
            .insert_team(
                input.name,
                &input.additional_fields,
                &organization,
                user.as_ref(),
                Some(now),
            )
            .await?;
        self.team_created(&team, user.as_ref(), &organization)
            .await?;
        Ok(team)
    }

    /// Writes a team called `name` with `additional` fields in `organization` after the
    /// `beforeCreateTeam` hook, which may replace its `id`, `name` or additional fields.
    pub(crate) async fn insert_team(
        &self,
        name: String,
        additional: &Row,
        organization: &Organization,
        user: Option<&User>,
        updated_at: Option<OffsetDateTime>,
    ) -> Result<Team, ApiError> {
        let mut data = Map::new();
        data.insert("name".to_owned(), Json::String(name));
        data.insert(
            "organizationId".to_owned(),
            Json::String(organization.id.clone()),
        );
        fields::to_data(additional, &mut data);
        if let Some(hook) = &self.options().organization_hooks.before_create_team {
            let response = hook(CreateTeam {
                team: data.clone(),
                user: user.cloned(),
                organization: organization.clone(),
            })
            .await?;
            merge_data(&mut data, response);
        }
        let extra = fields::from_data(&self.options().additional_fields.team, &data, true)?;
        let team = Team {
            name: json_string(&data, "name").unwrap_or_default(),
            member_count: Some(0),
            organization_id: organization.id.clone(),
            created_at: self.now(),
            updated_at,
            id: json_string(&data, "id").unwrap_or_else(|| self.new_id()),
            extra,
        };
        self.store().create(team).await?.ok_or_else(|| {
            ApiError::message_only(
                StatusCode::BAD_REQUEST,
                "Failed to create team: cancelled by a database hook",
            )
        })
    }

    /// Runs the `afterCreateTeam` hook for `team`.
    pub(crate) async fn team_created(
        &self,
        team: &Team,
        user: Option<&User>,
        organization: &Organization,
    ) -> Result<(), ApiError> {
        if let Some(hook) = &self.options().organization_hooks.after_create_team {
            hook(TeamCreated {
                team: team.clone(),
                user: user.cloned(),
                organization: organization.clone(),
            })
            .await?;
        }
        Ok(())
    }

    /// Updates a team of `organization_id` as a server action; `updatedAt` is always refreshed.
    pub async fn update_team(
        &self,
        organization_id: &str,
        team_id: &str,
        changes: TeamChanges,
    ) -> Result<Team, ApiError> {
        self.update_team_for(organization_id, team_id, changes, None)
            .await
    }

    /// Updates a team on behalf of `user` (whose permission the endpoint has checked), with the
    /// update-team hooks; changes a before-hook returns replace `changes`, as upstream's do.
    pub(crate) async fn update_team_for(
        &self,
        organization_id: &str,
        team_id: &str,
        changes: TeamChanges,
        user: Option<&User>,
    ) -> Result<Team, ApiError> {
        let team = self
            .find_team(team_id, Some(organization_id))
            .await?
            .ok_or_else(team_not_found)?;
        let organization = self.organization(organization_id).await?;
        let mut updates = Map::new();
        if let Some(name) = changes.name {
            updates.insert("name".to_owned(), Json::String(name));
        }
        fields::to_data(&changes.additional_fields, &mut updates);
        let hooks = &self.options().organization_hooks;
        if let Some(hook) = &hooks.before_update_team {
            let response = hook(UpdateTeam {
                team: team.clone(),
                updates: updates.clone(),
                user: user.cloned(),
                organization: organization.clone(),
            })
            .await?;
            if let Some(replaced) = response {
                updates = replaced;
            }
        }
        let mut row = Row::new().with("updatedAt", self.now());
        if let Some(name) = json_string(&updates, "name") {
            row.set("name", name);
        }
        row.merge(fields::from_data(
            &self.options().additional_fields.team,
            &updates,
            false,
        )?);
        let updated = self
            .store()
            .update::<Team>(&Where::eq("id", team.id.as_str()), row)
            .await?;
        if let Some(hook) = &hooks.after_update_team {
            hook(TeamUpdated {
                team: updated.clone(),
                user: user.cloned(),
                organization,
            })
            .await?;
        }
        updated.ok_or_else(team_not_found)
    }

    /// Removes a team of `organization_id` as a server action, with its memberships. Unless
    /// `allowRemovingAllTeams`, the organization's last team cannot be removed. Pending invitations to
    /// the team stay valid without it.
    pub async fn remove_team(
        &self,
        organization_id: &str,
        team_id: &str,
    ) -> Result<Team, ApiError> {
        self.remove_team_for(organization_id, team_id, None).await
    }

    /// Removes a team on behalf of `user` (whose permission the endpoint has checked), with the
    /// delete-team hooks.
    pub(crate) async fn remove_team_for(
        &self,
        organization_id: &str,
        team_id: &str,
        user: Option<&User>,
    ) -> Result<Team, ApiError> {
        let team = self
            .find_team(team_id, Some(organization_id))
            .await?
            .ok_or_else(team_not_found)?;
        if !self.options().teams.allow_removing_all_teams {
            let teams = self
                .store()
                .count::<Team>(&Where::eq("organizationId", organization_id))
                .await?;
            if teams <= 1 {
                return Err(ApiError::bad_request(codes::UNABLE_TO_REMOVE_LAST_TEAM));
            }
        }
        let organization = self.organization(organization_id).await?;
        let hooks = &self.options().organization_hooks;
        let change = TeamChange {
            team: team.clone(),
            user: user.cloned(),
            organization,
        };
        if let Some(hook) = &hooks.before_delete_team {
            hook(change.clone()).await?;
        }
        let id = team.id.clone();
        let organization_id = organization_id.to_owned();
        self.store()
            .transaction(move |tx| {
                Box::pin(async move {
                    tx.delete_many::<TeamMember>(&Where::eq("teamId", id.as_str()))
                        .await?;
                    tx.delete::<Team>(&Where::eq("id", id.as_str())).await?;
                    let pending = Where::eq("organizationId", organization_id.as_str())
                        .and(Where::eq("status", "pending"));
                    let invitations: Vec<Invitation> =
                        tx.find_many(&pending, &[], None, None).await?;
                    for invitation in invitations {
                        let Some(Some(team_ids)) = &invitation.team_id else {
                            continue;
                        };
                        let ids: Vec<&str> = team_ids.split(',').collect();
                        if !ids.contains(&id.as_str()) {
                            continue;
                        }
                        let remaining: Vec<&str> =
                            ids.into_iter().filter(|t| *t != id.as_str()).collect();
                        let team_id = (!remaining.is_empty()).then(|| remaining.join(","));
                        tx.update::<Invitation>(
                            &Where::eq("id", invitation.id.as_str()),
                            Row::new().with("teamId", team_id),
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .await?;
        if let Some(hook) = &hooks.after_delete_team {
            hook(change).await?;
        }
        Ok(team)
    }

    /// Adds `user_id`, a member of `organization_id`, to a team of that organization as a server
    /// action, under `maximumMembersPerTeam` (whose callback receives no session). Adding a user who is
    /// already in the team answers the existing membership and changes nothing.
    pub async fn add_to_team(
        &self,
        organization_id: &str,
        team_id: &str,
        user_id: &str,
    ) -> Result<TeamMember, ApiError> {
        self.add_to_team_for(organization_id, team_id, user_id, None)
            .await
    }

    /// Adds a team member on behalf of `session` (whose permission the endpoint has checked).
    pub(crate) async fn add_to_team_for(
        &self,
        organization_id: &str,
        team_id: &str,
        user_id: &str,
        session: Option<SessionWithUser>,
    ) -> Result<TeamMember, ApiError> {
        let (organization, team, user) = self
            .team_and_user(organization_id, team_id, user_id)
            .await?;
        let hooks = &self.options().organization_hooks;
        if let Some(hook) = &hooks.before_add_team_member {
            let mut team_member = Map::new();
            team_member.insert("teamId".to_owned(), Json::String(team.id.clone()));
            team_member.insert("userId".to_owned(), Json::String(user.id.clone()));
            hook(AddTeamMember {
                team_member,
                team: team.clone(),
                user: user.clone(),
                organization: organization.clone(),
            })
            .await?;
        }
        let maximum = match &self.options().teams.maximum_members_per_team {
            Some(limit) => Some(
                limit
                    .resolve(TeamMemberLimitInput {
                        team_id: team.id.clone(),
                        organization_id: organization_id.to_owned(),
                        session,
                    })
                    .await?,
            ),
            None => None,
        };
        let team_member = match maximum {
            Some(maximum) => self.join_team_within(&team.id, user_id, maximum).await?,
            None => self.add_team_member(&team.id, user_id).await?,
        };
        if let Some(hook) = &hooks.after_add_team_member {
            hook(TeamMemberAdded {
                team_member: team_member.clone(),
                team,
                user,
                organization,
            })
            .await?;
        }
        Ok(team_member)
    }

    /// Removes `user_id` from a team of `organization_id` as a server action and answers the removed
    /// membership.
    pub async fn remove_from_team(
        &self,
        organization_id: &str,
        team_id: &str,
        user_id: &str,
    ) -> Result<TeamMember, ApiError> {
        let (organization, team, user) = self
            .team_and_user(organization_id, team_id, user_id)
            .await?;
        let team_member = self
            .find_team_member(&team.id, user_id)
            .await?
            .ok_or_else(|| ApiError::bad_request(codes::USER_IS_NOT_A_MEMBER_OF_THE_TEAM))?;
        let hooks = &self.options().organization_hooks;
        let change = TeamMemberChange {
            team_member: team_member.clone(),
            team,
            user,
            organization,
        };
        if let Some(hook) = &hooks.before_remove_team_member {
            hook(change.clone()).await?;
        }
        let filter = Where::eq("teamId", change.team.id.as_str()).and(Where::eq("userId", user_id));
        let removed = self.store().delete_many::<TeamMember>(&filter).await?;
        self.release_seats(&change.team.id, removed).await?;
        if let Some(hook) = &hooks.after_remove_team_member {
            hook(change).await?;
        }
        Ok(team_member)
    }

    /// Upstream's checks before a team-member change, in its order: the user is a member of the
    /// organization, the team belongs to it, the organization and the user exist.
    async fn team_and_user(
        &self,
        organization_id: &str,
        team_id: &str,
        user_id: &str,
    ) -> Result<(Organization, Team, User), ApiError> {
        self.require_teams()?;
        if self.find_member(organization_id, user_id).await?.is_none() {
            return Err(ApiError::bad_request(
                codes::USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION,
            ));
        }
        let team = self
            .find_team(team_id, Some(organization_id))
            .await?
            .ok_or_else(team_not_found)?;
        let organization = self.organization(organization_id).await?;
        let user = self.find_user(user_id).await?.ok_or_else(user_not_found)?;
        Ok((organization, team, user))
    }

    /// Puts `user_id` in `team_id` if the team has fewer than `maximum` members. One transaction
    /// reserves a seat on `memberCount` and writes the membership (keyed by `membershipKey`): the seat
    /// row stays locked until the membership is written, so a write that fails (the user is already
    /// there, a hook cancels) gives the seat back atomically and never makes a concurrent add see a
    /// full team that is not.
    pub(crate) async fn join_team_within(
        &self,
        team_id: &str,
        user_id: &str,
        maximum: u64,
    ) -> Result<TeamMember, ApiError> {
        let key = team_membership_key(team_id, user_id);
        if let Some(existing) = self.existing_team_member(team_id, user_id, &key).await? {
            return Ok(existing);
        }
        self.sync_member_count(team_id).await?;
        let maximum = i64::try_from(maximum).unwrap_or(i64::MAX);
        let seat = Where::eq("id", team_id).and(Where::cmp("memberCount", Op::Lt, maximum));
        let team_member = TeamMember {
            team_id: team_id.to_owned(),
            user_id: user_id.to_owned(),
            membership_key: Some(key.clone()),
            created_at: Some(self.now()),
            id: self.new_id(),
        };
        let joined = self
            .store()
            .transaction(move |tx| {
                Box::pin(async move {
                    let reserved = tx
                        .increment::<Team>(&seat, "memberCount", 1, Row::new())
                        .await?;
                    if reserved.is_none() {
                        return Err(ApiError::forbidden(codes::TEAM_MEMBER_LIMIT_REACHED));
                    }
                    tx.create(team_member).await?.ok_or_else(|| {
                        ApiError::message_only(
                            StatusCode::BAD_REQUEST,
                            "Failed to create team member: cancelled by a database hook",
                        )
                    })
                })
            })
            .await;
        match joined {
            Err(err) if err.adapter_kind() == Some(AdapterErrorKind::UniqueViolation) => self
                .existing_team_member(team_id, user_id, &key)
                .await?
                .ok_or(err),
            joined => joined,
        }
    }

    /// The membership with `key`, or (rows written before v1.7.1 have no key) with the pair.
    async fn existing_team_member(
        &self,
        team_id: &str,
        user_id: &str,
        key: &str,
    ) -> Result<Option<TeamMember>, ApiError> {
        if let Some(found) = self
            .store()
            .find_one(&Where::eq("membershipKey", key))
            .await?
        {
            return Ok(Some(found));
        }
        let pair = Where::eq("teamId", team_id).and(Where::eq("userId", user_id));
        self.store().find_one(&pair).await
    }

    /// Raises a missing or low `memberCount` to the number of membership rows (teams created before the
    /// counter existed, or members added without counting). It never lowers the counter, so seats
    /// reserved by adds in flight stay reserved.
    async fn sync_member_count(&self, team_id: &str) -> Result<(), ApiError> {
        let rows = self
            .store()
            .count::<TeamMember>(&Where::eq("teamId", team_id))
            .await?;
        let rows = i64::try_from(rows).unwrap_or(i64::MAX);
        let stale =
            Where::eq("memberCount", Value::Null).or(Where::cmp("memberCount", Op::Lt, rows));
        self.store()
            .update::<Team>(
                &Where::eq("id", team_id).and(stale),
                Row::new().with("memberCount", rows),
            )
            .await?;
        Ok(())
    }

    /// Gives back `count` seats of `team_id` (never below zero).
    async fn release_seats(&self, team_id: &str, count: u64) -> Result<(), ApiError> {
        let count = i64::try_from(count).unwrap_or(i64::MAX);
        if count <= 0 {
            return Ok(());
        }
        let filter = Where::eq("id", team_id).and(Where::cmp("memberCount", Op::Gte, count));
        self.store()
            .increment::<Team>(&filter, "memberCount", -count, Row::new())
            .await?;
        Ok(())
    }
}
