//! Roles stored per organization (upstream's dynamic access control): creating, reading, updating and
//! deleting them, with `maximumRolesPerOrganization` and upstream's checks on names and resources.
//!
//! The typed methods are server actions (upstream's role endpoints called without a session): they skip
//! the caller's membership and `ac` permission checks and run everything else. The endpoints check the
//! caller first and call the same steps in upstream's order, with the caller's own permissions checked
//! in between (a member may only grant what their roles grant).
//!
//! Upstream stores a role's permissions as JSON text and answers with the parsed object; [`role_data`]
//! does the same. Neither the role limit nor the name check is atomic upstream; Bulwark keeps its order
//! of checks, so two concurrent creates of one name in one organization can both succeed.

use bulwark_core::ApiError;
use bulwark_core::adapter::AdapterErrorKind;
use bulwark_core::adapter::{Op, Row, Value, Where};
use bulwark_core::error::codes as core_codes;
use http::StatusCode;
use serde_json::{Map, Value as Json};

use super::OrganizationApi;
use crate::access::{Permissions, default_roles, has_permission, permissions};
use crate::codes;
use crate::fields;
use crate::models::{Member, OrganizationRole};

/// A role to store (upstream's `createOrgRole` body).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct NewRole {
    /// The organization.
    pub organization_id: String,
    /// The role name (stored lower-cased).
    pub role: String,
    /// The granted actions per resource, in the order given.
    pub permission: Permissions,
    /// Values of the role's additional fields (any of them, `input` or not); absent ones get their
    /// default.
    pub additional_fields: Row,
}

impl NewRole {
    /// A role called `role` in `organization_id` granting `permission`.
    pub fn new(
        organization_id: impl Into<String>,
        role: impl Into<String>,
        permission: Permissions,
    ) -> Self {
        Self {
            organization_id: organization_id.into(),
            role: role.into(),
            permission,
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

/// Which stored role an operation is about: by name (exact) or by id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RoleRef {
    /// The role's name, compared exactly.
    Name(String),
    /// The role's id.
    Id(String),
}

/// Changes to a stored role (upstream's `updateOrgRole` `data`); `None` or an absent field leaves it as
/// it is.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct RoleChanges {
    /// New permissions, replacing the old ones.
    pub permission: Option<Permissions>,
    /// A new name (stored lower-cased; an empty name changes nothing).
    pub role_name: Option<String>,
    /// New values of additional fields.
    pub additional_fields: Row,
}

impl RoleChanges {
    /// Replaces the permissions.
    #[must_use]
    pub fn permission(mut self, permission: Permissions) -> Self {
        self.permission = Some(permission);
        self
    }

    /// Renames the role.
    #[must_use]
    pub fn role_name(mut self, name: impl Into<String>) -> Self {
        self.role_name = Some(name.into());
        self
    }

    /// Sets the additional field `name`.
    #[must_use]
    pub fn field(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.additional_fields.set(name, value);
        self
    }
}

/// Permissions as upstream stores them: a JSON object of action arrays, in the given order.
pub(crate) fn permission_json(permission: &Permissions) -> Json {
    Json::Object(
        permission
            .iter()
            .map(|(resource, actions)| {
                let actions = actions.iter().cloned().map(Json::String).collect();
                (resource.clone(), Json::Array(actions))
            })
            .collect(),
    )
}

/// A stored role as upstream answers it: the row with `permission` parsed from its JSON text (a 500 when
/// the text is not JSON, as upstream's `JSON.parse` throws).
pub fn role_data(role: &OrganizationRole) -> Result<Map<String, Json>, ApiError> {
    let permission: Json = serde_json::from_str(&role.permission)
        .map_err(|e| ApiError::internal(core_codes::INTERNAL_SERVER_ERROR, &e))?;
    let Json::Object(mut data) = serde_json::to_value(role)
        .map_err(|e| ApiError::internal(core_codes::INTERNAL_SERVER_ERROR, &e))?
    else {
        return Err(ApiError::message_only(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Unexpected role shape",
        ));
    };
    data.insert("permission".to_owned(), permission);
    Ok(data)
}

/// Upstream's `normalizeRoleName`.
fn normalize(name: &str) -> String {
    name.to_lowercase()
}

fn role_not_found() -> ApiError {
    ApiError::bad_request(codes::ROLE_NOT_FOUND)
}

fn name_taken() -> ApiError {
    ApiError::bad_request(codes::ROLE_NAME_IS_ALREADY_TAKEN)
}

impl OrganizationApi {
    /// Fails with upstream's `501 MISSING_AC_INSTANCE` unless an access control is configured (roles can
    /// only be written against declared statements).
    pub(crate) fn require_access_control(&self) -> Result<(), ApiError> {
        if self.options().access_control.is_some() {
            return Ok(());
        }
        tracing::error!(
            "dynamic access control needs an access control (OrganizationOptions::access_control)"
        );
        Err(ApiError::new(
            StatusCode::NOT_IMPLEMENTED,
            codes::MISSING_AC_INSTANCE,
        ))
    }

    /// The names stored roles may not take or delete: the custom roles when given, else upstream's three
    /// defaults.
    fn predefined_role(&self, name: &str) -> bool {
        match &self.options().roles {
            Some(roles) => roles.iter().any(|(n, _)| n == name),
            None => default_roles().iter().any(|(n, _)| n == name),
        }
    }

    /// Fails with `ROLE_NAME_IS_ALREADY_TAKEN` when `name` (already normalized) is a predefined role.
    pub(crate) fn check_predefined_name(&self, name: &str) -> Result<(), ApiError> {
        if self.predefined_role(name) {
            return Err(name_taken());
        }
        Ok(())
    }

    /// The stored roles of `organization_id`.
    pub async fn list_roles(
        &self,
        organization_id: &str,
    ) -> Result<Vec<OrganizationRole>, ApiError> {
        self.store()
            .find_many(
                &Where::eq("organizationId", organization_id),
                &[],
                None,
                None,
            )
            .await
    }

    /// The stored role of `organization_id` named or identified by `role`.
    pub async fn find_role(
        &self,
        organization_id: &str,
        role: &RoleRef,
    ) -> Result<Option<OrganizationRole>, ApiError> {
        let condition = match role {
            RoleRef::Name(name) => Where::eq("role", name.as_str()),
            RoleRef::Id(id) => Where::eq("id", id.as_str()),
        };
        let filter = Where::eq("organizationId", organization_id).and(condition);
        self.store().find_one(&filter).await
    }

    /// Stores a role as a server action: an access control must be configured, the name must be free
    /// (neither predefined nor stored), the organization under its role limit, and every resource
    /// declared. The name is lower-cased.
    pub async fn create_role(&self, input: NewRole) -> Result<OrganizationRole, ApiError> {
        self.require_access_control()?;
        let input = NewRole {
            role: normalize(&input.role),
            ..input
        };
        self.check_predefined_name(&input.role)?;
        self.check_role_limit(&input.organization_id).await?;
        self.check_resources(&input.permission)?;
        self.insert_role(input).await
    }

    /// Fails with `TOO_MANY_ROLES` when `organization_id` has reached `maximumRolesPerOrganization`.
    pub(crate) async fn check_role_limit(&self, organization_id: &str) -> Result<(), ApiError> {
        let Some(limit) = &self
            .options()
            .dynamic_access_control
            .maximum_roles_per_organization
        else {
            return Ok(());
        };
        let maximum = limit.resolve(organization_id.to_owned()).await?;
        let stored = self
            .store()
            .count::<OrganizationRole>(&Where::eq("organizationId", organization_id))
            .await?;
        if stored >= maximum {
            return Err(ApiError::bad_request(codes::TOO_MANY_ROLES));
        }
        Ok(())
    }

    /// Fails with `INVALID_RESOURCE` when `permission` names a resource the access control does not
    /// declare (actions are not checked here; the caller's own grants bound them).
    pub(crate) fn check_resources(&self, permission: &Permissions) -> Result<(), ApiError> {
        let Some(ac) = &self.options().access_control else {
            return self.require_access_control();
        };
        if permission
            .iter()
            .all(|(resource, _)| ac.has_resource(resource))
        {
            return Ok(());
        }
        Err(ApiError::bad_request(codes::INVALID_RESOURCE))
    }

    /// The `resource:action` pairs of `permission` that `member`'s roles do not grant, in order (a
    /// repeated pair is listed each time, as upstream does).
    pub(crate) async fn missing_permissions(
        &self,
        member: &Member,
        permission: &Permissions,
    ) -> Result<Vec<String>, ApiError> {
        let known = self.known_roles(&member.organization_id).await?;
        let creator = &self.options().creator_role;
        Ok(permission
            .iter()
            .flat_map(|(resource, actions)| actions.iter().map(move |a| (resource, a)))
            .filter(|(resource, action)| {
                let request = permissions([(resource.as_str(), [action.as_str()])]);
                !has_permission(&member.role, &request, &known, creator, false)
            })
            .map(|(resource, action)| format!("{resource}:{action}"))
            .collect())
    }

    /// Fails with `ROLE_NAME_IS_ALREADY_TAKEN` when `organization_id` already stores a role `name`.
    async fn check_stored_name(&self, organization_id: &str, name: &str) -> Result<(), ApiError> {
        let existing = self
            .find_role(organization_id, &RoleRef::Name(name.to_owned()))
            .await?;
        if existing.is_some() {
            return Err(name_taken());
        }
        Ok(())
    }

    /// The last steps of creating a role: the stored-name check and the insert (`input.role` is already
    /// normalized), with the additional fields given and the defaults of the others.
    pub(crate) async fn insert_role(&self, input: NewRole) -> Result<OrganizationRole, ApiError> {
        self.check_stored_name(&input.organization_id, &input.role)
            .await?;
        let mut data = Map::new();
        fields::to_data(&input.additional_fields, &mut data);
        let extra = fields::from_data(
            &self.options().additional_fields.organization_role,
            &data,
            true,
        )?;
        let role = OrganizationRole {
            organization_id: input.organization_id,
            role: input.role,
            permission: permission_json(&input.permission).to_string(),
            created_at: self.now(),
            updated_at: None,
            id: self.new_id(),
            extra,
        };
        match self.store().create(role).await {
            Ok(Some(role)) => Ok(role),
            Ok(None) => Err(ApiError::message_only(
                StatusCode::BAD_REQUEST,
                "Failed to create role",
            )),
            Err(err) if err.adapter_kind() == Some(AdapterErrorKind::UniqueViolation) => {
                Err(ApiError::bad_request(codes::ROLE_NAME_IS_ALREADY_TAKEN))
            }
            Err(err) => Err(err),
        }
    }

    /// Updates a stored role as a server action: new permissions must name declared resources, a new
    /// name must be free. Returns the role as stored afterwards.
    pub async fn update_role(
        &self,
        organization_id: &str,
        role: &RoleRef,
        changes: RoleChanges,
    ) -> Result<OrganizationRole, ApiError> {
        self.require_access_control()?;
        let found = self
            .find_role(organization_id, role)
            .await?
            .ok_or_else(role_not_found)?;
        if let Some(permission) = &changes.permission {
            self.check_resources(permission)?;
        }
        self.write_role_changes(&found, changes).await
    }

    /// The last steps of an update: the checks on a new name, then the write of the changes and the
    /// additional fields given (which always sets `updatedAt`, as upstream's `onUpdate` does).
    pub(crate) async fn write_role_changes(
        &self,
        role: &OrganizationRole,
        changes: RoleChanges,
    ) -> Result<OrganizationRole, ApiError> {
        let mut data = Map::new();
        fields::to_data(&changes.additional_fields, &mut data);
        let mut row = fields::from_data(
            &self.options().additional_fields.organization_role,
            &data,
            false,
        )?;
        if let Some(permission) = &changes.permission {
            row.set("permission", permission_json(permission).to_string());
        }
        if let Some(name) = changes.role_name.filter(|n| !n.is_empty()) {
            let name = normalize(&name);
            self.check_predefined_name(&name)?;
            self.check_stored_name(&role.organization_id, &name).await?;
            row.set("role", name);
        }
        row.set("updatedAt", self.now());
        self.store()
            .update::<OrganizationRole>(&Where::eq("id", role.id.as_str()), row)
            .await?
            .ok_or_else(role_not_found)
    }

    /// Deletes a stored role as a server action: predefined names cannot be deleted, and a role some
    /// member of the organization still holds cannot either.
    pub async fn delete_role(&self, organization_id: &str, role: &RoleRef) -> Result<(), ApiError> {
        if let RoleRef::Name(name) = role
            && self.predefined_role(name)
        {
            return Err(ApiError::bad_request(
                codes::CANNOT_DELETE_A_PRE_DEFINED_ROLE,
            ));
        }
        let found = self
            .find_role(organization_id, role)
            .await?
            .ok_or_else(role_not_found)?;
        role_data(&found)?;
        let filter = Where::eq("organizationId", organization_id).and(Where::cmp(
            "role",
            Op::Contains,
            found.role.as_str(),
        ));
        let candidates: Vec<Member> = self.store().find_many(&filter, &[], None, None).await?;
        if candidates
            .iter()
            .any(|m| m.role.split(',').any(|r| r.trim() == found.role))
        {
            return Err(ApiError::bad_request(codes::ROLE_IS_ASSIGNED_TO_MEMBERS));
        }
        self.store()
            .delete::<OrganizationRole>(&Where::eq("id", found.id.as_str()))
            .await?;
        Ok(())
    }
}
