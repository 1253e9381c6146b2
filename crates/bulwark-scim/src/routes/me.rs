//! `/scim/v2/Me` (RFC 7644 §3.11): a bearer credential here stands for a connection, not a user, so
//! there is no "me" to address and every method answers `501 Not Implemented`.

use std::sync::Arc;

use bulwark_core::AuthBuilder;
use http::{Method, StatusCode};

use crate::error::ScimError;
use crate::options::ScimOptions;
use crate::routes::{Access, scim};

/// Registers `/Me` for every method.
pub(crate) fn register(auth: &mut AuthBuilder, options: &Arc<ScimOptions>) {
    for method in [
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
    ] {
        auth.endpoint(scim(method, "/Me", Access::Public, options, |_| async {
            Err(ScimError::new(
                StatusCode::NOT_IMPLEMENTED,
                "The /Me endpoint is not supported: SCIM credentials belong to a connection, not a user",
            ))
        }));
    }
}
