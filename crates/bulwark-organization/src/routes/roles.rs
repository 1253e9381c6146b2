//! Role endpoints (dynamic access control enabled): `/organization/create-role`, `/delete-role`,
//! `/list-roles`, `/get-role` and `/update-role`.
//!
//! Each validates its input with upstream's messages, then checks the caller as upstream does (an
//! organization, membership, then the `ac` permission the action needs) and leaves the rest to
//! [`OrganizationApi`]. Creating or updating permissions also requires the caller's own roles to grant
//! every `resource:action` given; otherwise the answer is a `403` listing them in `missingPermissions`.
//! The role's additional fields come in `additionalFields` on create and in `data` on update, and every
//! answer lists them (shaped as [`crate::fields`] says). Both pins behave identically here.
//!
//! [`OrganizationApi`]: crate::api::OrganizationApi

use std::sync::Arc;

use bulwark_core::adapter::Row;
use bulwark_core::endpoint::{ApiResponse, Endpoint, RequestCtx};
use bulwark_core::error::codes as core_codes;
use bulwark_core::{ApiError, ErrorCode};
use http::{Method, StatusCode};
use serde_json::{Map, Value, json};

use super::caller::Caller;
use super::{Input, route};
use crate::access::{Permissions, permissions};
use crate::api::{NewRole, RoleChanges, RoleRef, role_data};
use crate::codes;
use crate::fields::{self, AdditionalField};
use crate::models::{Member, OrganizationRole};
use crate::options::OrganizationOptions;

/// The endpoints of this group.
pub(super) fn endpoints(options: &Arc<OrganizationOptions>) -> Vec<Endpoint> {
    vec![
        route(
            Method::POST,
            "/organization/create-role",
            options,
            create_role,
        ),
        route(
            Method::POST,
            "/organization/delete-role",
            options,
            delete_role,
        ),
        route(Method::GET, "/organization/list-roles", options, list_roles),
        route(Method::GET, "/organization/get-role", options, get_role),
        route(
            Method::POST,
            "/organization/update-role",
            options,
            update_role,
        ),
    ]
}

/// zod's name for the type of `value`.
fn kind(value: Option<&Value>) -> &'static str {
    match value {
        None => "undefined",
        Some(Value::Null) => "null",
        Some(Value::Bool(_)) => "boolean",
        Some(Value::Number(_)) => "number",
        Some(Value::String(_)) => "string",
        Some(Value::Array(_)) => "array",
        Some(Value::Object(_)) => "object",
    }
}

/// A `z.record(z.string(), z.array(z.string()))` at `path`, reporting every problem in zod's words.
fn permission_record(input: &mut Input, value: Option<&Value>, path: &str) -> Option<Permissions> {
    let Some(Value::Object(map)) = value else {
        input.problem(format!(
            "[{path}] Invalid input: expected record, received {}",
            kind(value)
        ));
        return None;
    };
    let mut record = Permissions::new();
    let mut valid = true;
    for (resource, actions) in map {
        let Value::Array(items) = actions else {
            input.problem(format!(
                "[{path}.{resource}] Invalid input: expected array, received {}",
                kind(Some(actions))
            ));
            valid = false;
            continue;
        };
        let mut names = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            match item {
                Value::String(action) => names.push(action.clone()),
                other => {
                    input.problem(format!(
                        "[{path}.{resource}.{index}] Invalid input: expected string, received {}",
                        kind(Some(other))
                    ));
                    valid = false;
                }
            }
        }
        record.push((resource.clone(), names));
    }
    valid.then_some(record)
}

/// One side of upstream's `roleName | roleId` union: a non-empty string, an empty one (zod's "too
/// small", which does not abort), or anything else.
enum Choice {
    Given(String),
    Empty,
    Invalid,
}

impl Choice {
    fn of(value: Option<&Value>) -> Self {
        match value {
            Some(Value::String(s)) if s.is_empty() => Self::Empty,
            Some(Value::String(s)) => Self::Given(s.clone()),
            _ => Self::Invalid,
        }
    }

    fn of_query(value: Option<String>) -> Self {
        match value {
            Some(s) if s.is_empty() => Self::Empty,
            Some(s) => Self::Given(s),
            None => Self::Invalid,
        }
    }
}

/// The role a body or query names, with zod's union report when it names none: the one non-aborted
/// option's issue, else a bare "Invalid input".
fn role_ref(name: Choice, id: Choice, path: &str) -> Result<RoleRef, String> {
    let too_small =
        |key: &str| format!("[{path}.{key}] Too small: expected string to have >=1 characters");
    match (name, id) {
        (Choice::Given(name), _) => Ok(RoleRef::Name(name)),
        (_, Choice::Given(id)) => Ok(RoleRef::Id(id)),
        (Choice::Empty, Choice::Invalid) => Err(too_small("roleName")),
        (Choice::Invalid, Choice::Empty) => Err(too_small("roleId")),
        _ => Err(format!("[{path}] Invalid input")),
    }
}

/// Parses a body whose schema is an object intersected with the `roleName | roleId` union: a body that
/// is not an object fails both sides.
fn parse_union_body(req: &RequestCtx) -> Result<Input, ApiError> {
    Input::parse(req).map_err(|err| {
        if err.code() != Some(core_codes::VALIDATION_ERROR) {
            return err;
        }
        ApiError::with_message(
            StatusCode::BAD_REQUEST,
            core_codes::VALIDATION_ERROR,
            format!("{}; [body] Invalid input", err.message()),
        )
    })
}

/// The organization an action is about: the given id, else the active one (upstream's `??`, so an
/// empty id given stays empty and counts as none).
fn resolve_organization(given: Option<String>, caller: &Caller) -> Option<String> {
    given
        .or_else(|| caller.active_organization_id())
        .filter(|id| !id.is_empty())
}

/// The caller's membership and their `ac` permission for `action`, or upstream's `403`s.
async fn member_allowed(
    caller: &Caller,
    organization_id: &str,
    action: &str,
    denied: ErrorCode,
) -> Result<Member, ApiError> {
    let member = caller
        .member_of(
            organization_id,
            ApiError::forbidden(codes::YOU_ARE_NOT_A_MEMBER_OF_THIS_ORGANIZATION),
        )
        .await?;
    caller
        .require_permission(
            organization_id,
            &member,
            &permissions([("ac", [action])]),
            ApiError::forbidden(denied),
        )
        .await?;
    Ok(member)
}

/// A stored role as the endpoints answer it: [`role_data`] with the additional fields shaped.
fn answer(caller: &Caller, role: &OrganizationRole) -> Result<Map<String, Value>, ApiError> {
    let mut data = role_data(role)?;
    let fields = &caller.api.options().additional_fields.organization_role;
    fields::shape_map(&mut data, fields);
    Ok(data)
}

/// The role's additional fields from a create-role body's `additionalFields` (upstream's optional
/// object of the fields with `input`). Without the object, the defaults apply, and a required field
/// without one is reported as missing, since its column cannot stay empty.
fn create_fields(input: &mut Input, fields: &[AdditionalField]) -> Row {
    let path = "body.additionalFields";
    match input.map().get("additionalFields").cloned() {
        Some(Value::Object(given)) => input.additional_in(&given, path, fields, false),
        None => {
            let undefaulted: Vec<AdditionalField> = fields
                .iter()
                .filter(|f| f.required && f.default_value.is_none())
                .cloned()
                .collect();
            input.additional_in(&Map::new(), path, &undefaulted, false)
        }
        Some(other) => {
            let received = kind(Some(&other));
            input.problem(format!(
                "[{path}] Invalid input: expected object, received {received}"
            ));
            Row::new()
        }
    }
}

/// `403` with `missingPermissions` (upstream's answer when the caller's roles do not grant what a role
/// would), or `None` when nothing is missing.
async fn missing_permissions(
    caller: &Caller,
    member: &Member,
    permission: &Permissions,
    denied: ErrorCode,
) -> Result<Option<ApiResponse>, ApiError> {
    let missing = caller.api.missing_permissions(member, permission).await?;
    if missing.is_empty() {
        return Ok(None);
    }
    let body = json!({
        "message": denied.message(),
        "code": denied.as_str(),
        "missingPermissions": missing,
    });
    ApiResponse::json_with_status(StatusCode::FORBIDDEN, "application/json", &body).map(Some)
}

/// `POST /organization/create-role`: stores a role (`ac: create`, and the caller's roles must grant
/// every permission given). Answers `{success, roleData, statements}`.
async fn create_role(
    req: RequestCtx,
    options: Arc<OrganizationOptions>,
) -> Result<ApiResponse, ApiError> {
    let mut body = Input::parse(&req)?;
    let organization_id = body.opt_string("organizationId");
    let role = body.string("role");
    let raw_permission = body.map().get("permission").cloned();
    let permission = permission_record(&mut body, raw_permission.as_ref(), "body.permission");
    let additional_fields = create_fields(&mut body, &options.additional_fields.organization_role);
    body.finish()?;
    let caller = Caller::signed_in(req, &options).await?;
    caller.api.require_access_control()?;
    let Some(organization_id) = resolve_organization(organization_id, &caller) else {
        return Err(ApiError::bad_request(
            codes::YOU_MUST_BE_IN_AN_ORGANIZATION_TO_CREATE_A_ROLE,
        ));
    };
    let name = role.unwrap_or_default().to_lowercase();
    caller.api.check_predefined_name(&name)?;
    let denied = codes::YOU_ARE_NOT_ALLOWED_TO_CREATE_A_ROLE;
    let member = member_allowed(&caller, &organization_id, "create", denied).await?;
    let permission = permission.unwrap_or_default();
    caller.api.check_role_limit(&organization_id).await?;
    caller.api.check_resources(&permission)?;
    if let Some(res) = missing_permissions(&caller, &member, &permission, denied).await? {
        return Ok(res);
    }
    let mut input = NewRole::new(organization_id, name, permission);
    input.additional_fields = additional_fields;
    let stored = caller.api.insert_role(input).await?;
    let role_data = answer(&caller, &stored)?;
    let statements = role_data.get("permission").cloned().unwrap_or(Value::Null);
    caller.respond(&json!({
        "success": true,
        "roleData": role_data,
        "statements": statements,
    }))
}

/// `POST /organization/delete-role`: deletes a stored role by name or id (`ac: delete`).
async fn delete_role(
    req: RequestCtx,
    options: Arc<OrganizationOptions>,
) -> Result<ApiResponse, ApiError> {
    let mut body = parse_union_body(&req)?;
    let organization_id = body.opt_string("organizationId");
    let role = role_ref(
        Choice::of(body.map().get("roleName")),
        Choice::of(body.map().get("roleId")),
        "body",
    );
    if let Err(problem) = &role {
        body.problem(problem.clone());
    }
    body.finish()?;
    let caller = Caller::signed_in(req, &options).await?;
    let Some(organization_id) = resolve_organization(organization_id, &caller) else {
        return Err(ApiError::bad_request(codes::NO_ACTIVE_ORGANIZATION));
    };
    member_allowed(
        &caller,
        &organization_id,
        "delete",
        codes::YOU_ARE_NOT_ALLOWED_TO_DELETE_A_ROLE,
    )
    .await?;
    let role = role.map_err(|_| ApiError::bad_request(codes::ROLE_NOT_FOUND))?;
    caller.api.delete_role(&organization_id, &role).await?;
    caller.respond(&json!({ "success": true }))
}

/// `GET /organization/list-roles`: the organization's stored roles (`ac: read`).
async fn list_roles(
    req: RequestCtx,
    options: Arc<OrganizationOptions>,
) -> Result<ApiResponse, ApiError> {
    let caller = Caller::signed_in(req, &options).await?;
    let given = caller.req.query("organizationId");
    let Some(organization_id) = resolve_organization(given, &caller) else {
        return Err(ApiError::bad_request(codes::NO_ACTIVE_ORGANIZATION));
    };
    member_allowed(
        &caller,
        &organization_id,
        "read",
        codes::YOU_ARE_NOT_ALLOWED_TO_LIST_A_ROLE,
    )
    .await?;
    let roles = caller
        .api
        .list_roles(&organization_id)
        .await?
        .iter()
        .map(|role| answer(&caller, role))
        .collect::<Result<Vec<_>, _>>()?;
    caller.respond(&roles)
}

/// `GET /organization/get-role`: one stored role by `roleName` or `roleId` (`ac: read`).
async fn get_role(
    req: RequestCtx,
    options: Arc<OrganizationOptions>,
) -> Result<ApiResponse, ApiError> {
    let role = role_ref(
        Choice::of_query(req.query("roleName")),
        Choice::of_query(req.query("roleId")),
        "query",
    )
    .map_err(|problem| {
        ApiError::with_message(
            StatusCode::BAD_REQUEST,
            core_codes::VALIDATION_ERROR,
            problem,
        )
    })?;
    let caller = Caller::signed_in(req, &options).await?;
    let given = caller.req.query("organizationId");
    let Some(organization_id) = resolve_organization(given, &caller) else {
        return Err(ApiError::bad_request(codes::NO_ACTIVE_ORGANIZATION));
    };
    member_allowed(
        &caller,
        &organization_id,
        "read",
        codes::YOU_ARE_NOT_ALLOWED_TO_READ_A_ROLE,
    )
    .await?;
    let Some(found) = caller.api.find_role(&organization_id, &role).await? else {
        return Err(ApiError::bad_request(codes::ROLE_NOT_FOUND));
    };
    caller.respond(&answer(&caller, &found)?)
}

/// The `data` of an update-role body: optional `permission`, `roleName` and additional fields.
fn role_changes(
    input: &mut Input,
    data: &Map<String, Value>,
    path: &str,
    fields: &[AdditionalField],
) -> RoleChanges {
    let mut changes = RoleChanges::default();
    if let Some(value) = data.get("permission") {
        changes.permission = permission_record(input, Some(value), &format!("{path}.permission"));
    }
    match data.get("roleName") {
        None => {}
        Some(Value::String(name)) => changes.role_name = Some(name.clone()),
        Some(other) => input.problem(format!(
            "[{path}.roleName] Invalid input: expected string, received {}",
            kind(Some(other))
        )),
    }
    changes.additional_fields = input.additional_in(data, path, fields, true);
    changes
}

/// `POST /organization/update-role`: renames a stored role, replaces its permissions or sets additional
/// fields (`ac: update`, and the caller's roles must grant every new permission). Answers `{success, roleData}`, where
/// `roleData` keeps the `updatedAt` the role had before, as upstream's does.
async fn update_role(
    req: RequestCtx,
    options: Arc<OrganizationOptions>,
) -> Result<ApiResponse, ApiError> {
    let mut body = parse_union_body(&req)?;
    let organization_id = body.opt_string("organizationId");
    let fields = &options.additional_fields.organization_role;
    let changes = body.object("data", |input, data, path| {
        role_changes(input, data, path, fields)
    });
    let role = role_ref(
        Choice::of(body.map().get("roleName")),
        Choice::of(body.map().get("roleId")),
        "body",
    );
    if let Err(problem) = &role {
        body.problem(problem.clone());
    }
    body.finish()?;
    let caller = Caller::signed_in(req, &options).await?;
    caller.api.require_access_control()?;
    let Some(organization_id) = resolve_organization(organization_id, &caller) else {
        return Err(ApiError::bad_request(codes::NO_ACTIVE_ORGANIZATION));
    };
    let denied = codes::YOU_ARE_NOT_ALLOWED_TO_UPDATE_A_ROLE;
    let member = member_allowed(&caller, &organization_id, "update", denied).await?;
    let role = role.map_err(|_| ApiError::bad_request(codes::ROLE_NOT_FOUND))?;
    let Some(found) = caller.api.find_role(&organization_id, &role).await? else {
        return Err(ApiError::bad_request(codes::ROLE_NOT_FOUND));
    };
    let previous = answer(&caller, &found)?;
    let changes = changes.unwrap_or_default();
    if let Some(permission) = &changes.permission {
        caller.api.check_resources(permission)?;
        if let Some(res) = missing_permissions(&caller, &member, permission, denied).await? {
            return Ok(res);
        }
    }
    let updated = caller.api.write_role_changes(&found, changes).await?;
    let mut role_data = answer(&caller, &updated)?;
    if let Some(updated_at) = previous.get("updatedAt") {
        role_data.insert("updatedAt".to_owned(), updated_at.clone());
    }
    caller.respond(&json!({ "success": true, "roleData": role_data }))
}
