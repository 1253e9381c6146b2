//! Creating, updating, deleting organizations and the session's active organization.

use bulwark_core::adapter::{Row, Value, Where};
use bulwark_core::models::{Session, User};
use bulwark_core::{AdapterErrorKind, ApiError};
use http::StatusCode;
use serde_json::{Map, Value as Json};

use super::{OrganizationApi, merge_data};
use crate::codes;
use crate::fields;
use crate::models::{Invitation, Member, Organization, OrganizationRole, Team, TeamMember};
use crate::options::{
    AddMember, AllowCreate, CreateOrganization, MemberAdded, OrganizationChange,
    OrganizationCreated, OrganizationLimit, OrganizationUpdated, RequestInfo, UpdateOrganization,
};

/// What a new organization is made of.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct NewOrganization {
    /// The name.
    pub name: String,
    /// The unique slug.
    pub slug: String,
    /// A logo URL.
    pub logo: Option<String>,
    /// Application metadata (stored as JSON text).
    pub metadata: Option<Map<String, Json>>,
    /// Values of the organization's additional fields (any of them, `input` or not).
    pub additional_fields: Row,
}

impl NewOrganization {
    /// An organization called `name` at `slug`.
    pub fn new(name: impl Into<String>, slug: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            slug: slug.into(),
            logo: None,
            metadata: None,
            additional_fields: Row::new(),
        }
    }

    /// Sets the additional field `name`.
    #[must_use]
    pub fn field(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.additional_fields.set(name, value);
        self
    }

    fn to_data(&self) -> Map<String, Json> {
        let mut data = Map::new();
        data.insert("name".to_owned(), Json::String(self.name.clone()));
        data.insert("slug".to_owned(), Json::String(self.slug.clone()));
        if let Some(logo) = &self.logo {
            data.insert("logo".to_owned(), Json::String(logo.clone()));
        }
        if let Some(metadata) = &self.metadata {
            data.insert("metadata".to_owned(), Json::Object(metadata.clone()));
        }
        fields::to_data(&self.additional_fields, &mut data);
        data
    }
}

/// A created organization with its creator's membership.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct CreatedOrganization {
    /// The organization.
    pub organization: Organization,
    /// The creator's membership.
    pub member: Member,
    /// The default team the creator was put in (teams with `default_team`).
    pub team_id: Option<String>,
}

fn json_string(data: &Map<String, Json>, key: &str) -> Option<String> {
    data.get(key).and_then(Json::as_str).map(str::to_owned)
}

/// Stored metadata: objects become JSON text, strings stay, anything else is absent.
fn metadata_text(value: Option<&Json>) -> Option<String> {
    match value {
        Some(Json::String(s)) => Some(s.clone()),
        Some(v @ Json::Object(_)) => Some(v.to_string()),
        _ => None,
    }
}

fn is_unique_violation(err: &ApiError) -> bool {
    err.adapter_kind() == Some(AdapterErrorKind::UniqueViolation)
}

impl OrganizationApi {
    /// Creates an organization for `user` as a server action (upstream's `createOrganization` with a
    /// `userId` and no session): the organization limit and slug uniqueness apply, the
    /// `allow_user_to_create_organization` check does not.
    pub async fn create_organization(
        &self,
        user: &User,
        input: NewOrganization,
    ) -> Result<CreatedOrganization, ApiError> {
        self.create_organization_as(user, input, true).await
    }

    /// Creates an organization; `system` skips the "may this user create organizations" check.
    pub(crate) async fn create_organization_as(
        &self,
        user: &User,
        input: NewOrganization,
        system: bool,
    ) -> Result<CreatedOrganization, ApiError> {
        let options = self.options();
        let allowed = match &options.allow_user_to_create_organization {
            AllowCreate::Always(allowed) => *allowed,
            AllowCreate::Check(check) => check(user.clone()).await?,
        };
        if !allowed && !system {
            return Err(ApiError::forbidden(
                codes::YOU_ARE_NOT_ALLOWED_TO_CREATE_A_NEW_ORGANIZATION,
            ));
        }
        let reached = match &options.organization_limit {
            OrganizationLimit::Unlimited => false,
            OrganizationLimit::Max(max) => {
                let count = self.list_organizations(&user.id).await?.len();
                u64::try_from(count).unwrap_or(u64::MAX) >= *max
            }
            OrganizationLimit::Reached(check) => check(user.clone()).await?,
        };
        if reached {
            return Err(ApiError::forbidden(
                codes::YOU_HAVE_REACHED_THE_MAXIMUM_NUMBER_OF_ORGANIZATIONS,
            ));
        }
        if self.find_organization_by_slug(&input.slug).await?.is_some() {
            return Err(ApiError::bad_request(codes::ORGANIZATION_ALREADY_EXISTS));
        }
        let mut data = input.to_data();
        if let Some(hook) = &options.organization_hooks.before_create_organization {
            let response = hook(CreateOrganization {
                organization: data.clone(),
                user: user.clone(),
            })
            .await?;
            merge_data(&mut data, response);
        }
        let extra = fields::from_data(&options.additional_fields.organization, &data, true)?;
        let organization = Organization {
            name: json_string(&data, "name").unwrap_or(input.name),
            slug: json_string(&data, "slug").unwrap_or(input.slug),
            logo: json_string(&data, "logo"),
            created_at: self.now(),
            metadata: metadata_text(data.get("metadata")),
            id: self.new_id(),
            extra,
        };
        let organization = match self.store().create(organization).await {
            Ok(Some(created)) => created,
            Ok(None) => return Err(cancelled("organization")),
            Err(err) if is_unique_violation(&err) => {
                return Err(ApiError::bad_request(codes::ORGANIZATION_ALREADY_EXISTS));
            }
            Err(err) => return Err(err),
        };
        let mut member_data = Map::new();
        member_data.insert("userId".to_owned(), Json::String(user.id.clone()));
        member_data.insert(
            "organizationId".to_owned(),
            Json::String(organization.id.clone()),
        );
        member_data.insert(
            "role".to_owned(),
            Json::String(options.creator_role.clone()),
        );
        let member = match self.insert_member(member_data, user, &organization).await {
            Ok(member) => member,
            Err(err) => {
                // Without its creator the organization would be unreachable: take it back.
                self.store()
                    .delete::<Organization>(&Where::eq("id", organization.id.as_str()))
                    .await?;
                return Err(err);
            }
        };
        let team_id = if options.teams.enabled && options.teams.default_team {
            Some(self.create_default_team(&organization, user).await?)
        } else {
            None
        };
        if let Some(hook) = &options.organization_hooks.after_create_organization {
            hook(OrganizationCreated {
                organization: organization.clone(),
                member: member.clone(),
                user: user.clone(),
            })
            .await?;
        }
        Ok(CreatedOrganization {
            organization,
            member,
            team_id,
        })
    }

    /// The default team: named after the organization, with the creator in it, and the create-team
    /// hooks around it.
    async fn create_default_team(
        &self,
        organization: &Organization,
        user: &User,
    ) -> Result<String, ApiError> {
        let name = organization.name.clone();
        let team = self
            .insert_team(name, &Row::new(), organization, Some(user), None)
            .await?;
        self.add_team_member(&team.id, &user.id).await?;
        self.team_created(&team, Some(user), organization).await?;
        Ok(team.id)
    }

    /// Puts `user_id` in `team_id` unless already there (keyed by v1.7.1's `membershipKey`), keeping the
    /// team's `memberCount` in step.
    pub(crate) async fn add_team_member(
        &self,
        team_id: &str,
        user_id: &str,
    ) -> Result<TeamMember, ApiError> {
        let key = crate::models::team_membership_key(team_id, user_id);
        let existing = Where::eq("teamId", team_id).and(Where::eq("userId", user_id));
        if let Some(found) = self.store().find_one::<TeamMember>(&existing).await? {
            return Ok(found);
        }
        let team_member = TeamMember {
            team_id: team_id.to_owned(),
            user_id: user_id.to_owned(),
            membership_key: Some(key),
            created_at: Some(self.now()),
            id: self.new_id(),
        };
        match self.store().create(team_member).await {
            Ok(Some(created)) => {
                self.store()
                    .increment::<Team>(&Where::eq("id", team_id), "memberCount", 1, Row::new())
                    .await?;
                Ok(created)
            }
            Ok(None) => Err(cancelled("team member")),
            Err(err) if is_unique_violation(&err) => self
                .store()
                .find_one::<TeamMember>(&existing)
                .await?
                .ok_or(err),
            Err(err) => Err(err),
        }
    }

    /// Applies `changes` (`name`, `slug`, `logo`, `metadata` and additional fields) to the organization,
    /// with the update hooks.
    pub(crate) async fn update_organization(
        &self,
        organization_id: &str,
        mut changes: Map<String, Json>,
        user: &User,
        member: &Member,
    ) -> Result<Option<Organization>, ApiError> {
        let hooks = &self.options().organization_hooks;
        if let Some(hook) = &hooks.before_update_organization {
            let response = hook(UpdateOrganization {
                organization: changes.clone(),
                user: user.clone(),
                member: member.clone(),
            })
            .await?;
            merge_data(&mut changes, response);
        }
        let mut row = Row::new();
        for key in ["name", "slug"] {
            if let Some(value) = json_string(&changes, key) {
                row.set(key, value);
            }
        }
        match changes.get("logo") {
            Some(Json::String(logo)) => row.set("logo", logo.as_str()),
            Some(Json::Null) => row.set("logo", Value::Null),
            _ => {}
        }
        if changes.contains_key("metadata") {
            row.set("metadata", metadata_text(changes.get("metadata")));
        }
        row.merge(fields::from_data(
            &self.options().additional_fields.organization,
            &changes,
            false,
        )?);
        let updated = if row.is_empty() {
            self.find_organization(organization_id).await?
        } else {
            match self
                .store()
                .update::<Organization>(&Where::eq("id", organization_id), row)
                .await
            {
                Ok(updated) => updated,
                Err(err) if is_unique_violation(&err) => {
                    return Err(ApiError::bad_request(
                        codes::ORGANIZATION_SLUG_ALREADY_TAKEN,
                    ));
                }
                Err(err) => return Err(err),
            }
        };
        if let Some(hook) = &hooks.after_update_organization {
            hook(OrganizationUpdated {
                organization: updated.clone(),
                user: user.clone(),
                member: member.clone(),
            })
            .await?;
        }
        Ok(updated)
    }

    /// Deletes the organization with everything in it (members, invitations, teams, stored roles), with
    /// the delete hooks, as a server call (the hooks see no request). The deletes run in one transaction.
    pub async fn delete_organization(
        &self,
        organization: &Organization,
        user: &User,
    ) -> Result<(), ApiError> {
        self.delete_organization_for(organization, user, None).await
    }

    /// [`Self::delete_organization`] on behalf of `request`, which the delete hooks receive.
    pub(crate) async fn delete_organization_for(
        &self,
        organization: &Organization,
        user: &User,
        request: Option<RequestInfo>,
    ) -> Result<(), ApiError> {
        let hooks = &self.options().organization_hooks;
        let change = OrganizationChange {
            organization: organization.clone(),
            user: user.clone(),
            request,
        };
        if let Some(hook) = &hooks.before_delete_organization {
            hook(change.clone()).await?;
        }
        let id = organization.id.clone();
        let teams = self.options().teams.enabled;
        let roles = self.options().dynamic_access_control.enabled;
        self.store()
            .transaction(move |tx| {
                Box::pin(async move {
                    let in_org = Where::eq("organizationId", id.as_str());
                    tx.delete_many::<Member>(&in_org).await?;
                    tx.delete_many::<Invitation>(&in_org).await?;
                    if teams {
                        let found: Vec<Team> = tx.find_many(&in_org, &[], None, None).await?;
                        for team in found {
                            tx.delete_many::<TeamMember>(&Where::eq("teamId", team.id.as_str()))
                                .await?;
                        }
                        tx.delete_many::<Team>(&in_org).await?;
                    }
                    if roles {
                        tx.delete_many::<OrganizationRole>(&in_org).await?;
                    }
                    tx.delete::<Organization>(&Where::eq("id", id.as_str()))
                        .await?;
                    Ok(())
                })
            })
            .await?;
        if let Some(hook) = &hooks.after_delete_organization {
            hook(change).await?;
        }
        Ok(())
    }

    /// Sets (or with `None` clears) the active organization of the session with `token`.
    pub async fn set_active_organization(
        &self,
        token: &str,
        organization_id: Option<&str>,
    ) -> Result<Option<Session>, ApiError> {
        let changes = Row::new()
            .with("activeOrganizationId", organization_id)
            .with("updatedAt", self.now());
        self.store()
            .update::<Session>(&Where::eq("token", token), changes)
            .await
    }

    /// Sets the active team of the session with `token` (teams only).
    pub(crate) async fn set_active_team(
        &self,
        token: &str,
        team_id: Option<&str>,
    ) -> Result<Option<Session>, ApiError> {
        let changes = Row::new()
            .with("activeTeamId", team_id)
            .with("updatedAt", self.now());
        self.store()
            .update::<Session>(&Where::eq("token", token), changes)
            .await
    }

    /// Inserts a membership from `data` (`userId`, `organizationId`, `role` and additional fields) with the
    /// add-member hooks.
    /// A concurrent duplicate (the unique index) is upstream's "already a member".
    pub(crate) async fn insert_member(
        &self,
        mut data: Map<String, Json>,
        user: &User,
        organization: &Organization,
    ) -> Result<Member, ApiError> {
        let hooks = &self.options().organization_hooks;
        if let Some(hook) = &hooks.before_add_member {
            let response = hook(AddMember {
                member: data.clone(),
                user: user.clone(),
                organization: organization.clone(),
            })
            .await?;
            merge_data(&mut data, response);
        }
        let extra = fields::from_data(&self.options().additional_fields.member, &data, true)?;
        let member = Member {
            organization_id: json_string(&data, "organizationId")
                .unwrap_or_else(|| organization.id.clone()),
            user_id: json_string(&data, "userId").unwrap_or_else(|| user.id.clone()),
            role: json_string(&data, "role").unwrap_or_else(|| "member".to_owned()),
            created_at: self.now(),
            id: self.new_id(),
            extra,
        };
        let member = match self.store().create(member).await {
            Ok(Some(created)) => created,
            Ok(None) => return Err(cancelled("member")),
            Err(err) if is_unique_violation(&err) => {
                return Err(ApiError::bad_request(
                    codes::USER_IS_ALREADY_A_MEMBER_OF_THIS_ORGANIZATION,
                ));
            }
            Err(err) => return Err(err),
        };
        if let Some(hook) = &hooks.after_add_member {
            hook(MemberAdded {
                member: member.clone(),
                user: user.clone(),
                organization: organization.clone(),
            })
            .await?;
        }
        Ok(member)
    }
}

/// A database before-hook cancelled a write the operation cannot do without.
fn cancelled(what: &str) -> ApiError {
    ApiError::message_only(
        StatusCode::BAD_REQUEST,
        format!("Failed to create {what}: cancelled by a database hook"),
    )
}
