//! `POST /organization/has-permission`: whether the caller's roles in an organization grant a set of
//! permissions.

use std::sync::Arc;

use bulwark_core::ApiError;
use bulwark_core::endpoint::{ApiResponse, Endpoint, RequestCtx};
use http::Method;
use serde_json::{Value, json};

use super::caller::Caller;
use super::{Input, route};
use crate::access::Permissions;
use crate::codes;
use crate::options::OrganizationOptions;

/// The endpoints of this group.
pub(super) fn endpoints(options: &Arc<OrganizationOptions>) -> Vec<Endpoint> {
    vec![route(
        Method::POST,
        "/organization/has-permission",
        options,
        has_permission,
    )]
}

/// A record of string arrays, as upstream's `z.record(z.string(), z.array(z.string()))` accepts.
fn permission_record(value: Option<&Value>) -> Option<Permissions> {
    let Value::Object(map) = value? else {
        return None;
    };
    map.iter()
        .map(|(resource, actions)| {
            let actions = actions
                .as_array()?
                .iter()
                .map(|a| a.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()?;
            Some((resource.clone(), actions))
        })
        .collect()
}

/// `{"error": null, "success": bool}`. The body has exactly one of `permissions` and the deprecated
/// `permission`; upstream checks only `permissions`, so a `permission` body always answers `false`.
async fn has_permission(
    req: RequestCtx,
    options: Arc<OrganizationOptions>,
) -> Result<ApiResponse, ApiError> {
    let mut body = Input::parse(&req)?;
    let organization_id = body.opt_string("organizationId");
    let permission = permission_record(body.map().get("permission"));
    let permissions = permission_record(body.map().get("permissions"));
    match (&permission, &permissions) {
        (Some(_), Some(_)) => body.problem("[body] Invalid input: more than one option matched"),
        (None, None) => body.problem("[body] Invalid input"),
        _ => {}
    }
    body.finish()?;
    let caller = Caller::signed_in(req, &options).await?;
    let Some(organization_id) = organization_id
        .filter(|id| !id.is_empty())
        .or_else(|| caller.active_organization_id())
    else {
        return Err(ApiError::bad_request(codes::NO_ACTIVE_ORGANIZATION));
    };
    let member = caller
        .member_of(
            &organization_id,
            ApiError::unauthorized(codes::USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION),
        )
        .await?;
    let success = match &permissions {
        Some(request) => {
            caller
                .api
                .roles_grant(&organization_id, &member.role, request, false)
                .await?
        }
        None => false,
    };
    caller.respond(&json!({ "error": null, "success": success }))
}
