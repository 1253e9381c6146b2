//! The plugin's endpoints and their registration.
//!
//! Each endpoint group lives in its own module and exposes `endpoints(&options)`; registering a new group
//! (invitations, teams, roles) is one `mod` line and one `extend` line in [`register`]. What the groups
//! share — the signed-in caller, their membership and permission checks, JSON responses that carry the
//! session's refreshed cookies — is in [`caller`]; request bodies with upstream's messages are in
//! [`input`].

mod caller;
mod input;
mod invitations;
mod members;
mod organization;
mod permission;
mod roles;
mod teams;

use std::sync::Arc;

use bulwark_core::endpoint::{ApiResponse, Endpoint, RequestCtx};
use bulwark_core::{ApiError, AuthBuilder};
use http::Method;

use crate::options::OrganizationOptions;

pub(crate) use input::{Input, Nullish};

/// Registers every endpoint the options turn on.
pub(crate) fn register(builder: &mut AuthBuilder, options: &Arc<OrganizationOptions>) {
    let mut endpoints = organization::endpoints(options);
    endpoints.extend(members::endpoints(options));
    endpoints.extend(invitations::endpoints(options));
    endpoints.extend(permission::endpoints(options));
    if options.teams.enabled {
        endpoints.extend(teams::endpoints(options));
    }
    if options.dynamic_access_control.enabled {
        endpoints.extend(roles::endpoints(options));
    }
    for endpoint in endpoints {
        builder.endpoint(endpoint);
    }
}

/// An endpoint whose handler also receives the plugin's options.
pub(crate) fn route<F, Fut>(
    method: Method,
    path: &'static str,
    options: &Arc<OrganizationOptions>,
    handler: F,
) -> Endpoint
where
    F: Fn(RequestCtx, Arc<OrganizationOptions>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<ApiResponse, ApiError>> + Send + 'static,
{
    let options = Arc::clone(options);
    Endpoint::new(method, path, move |req| handler(req, Arc::clone(&options)))
}
