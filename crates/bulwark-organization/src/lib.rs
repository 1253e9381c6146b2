//! Better Auth's organization plugin for Bulwark: organizations, members, invitations, teams, roles and
//! permissions, with upstream's paths, bodies, responses and error codes.
//!
//! Register it with `Auth::builder().plugin(organization(OrganizationOptions::default()))`. Other plugins
//! (SCIM) use [`OrganizationApi`], which runs the same checks, limits and hooks as the endpoints, and read
//! the resolved options with `auth.extension::<OrganizationOptions>()`.

pub mod access;
pub mod api;
pub mod codes;
pub mod fields;
pub mod models;
pub mod options;
mod routes;
pub mod schema;

use std::sync::Arc;

use bulwark_core::{AuthBuilder, BuildError, Plugin};

pub use api::OrganizationApi;
pub use options::OrganizationOptions;

/// The organization plugin (upstream id `organization`).
#[derive(Clone, Debug)]
pub struct OrganizationPlugin {
    options: OrganizationOptions,
}

/// The organization plugin with `options`.
pub fn organization(options: OrganizationOptions) -> OrganizationPlugin {
    OrganizationPlugin { options }
}

impl OrganizationPlugin {
    /// The options the plugin was created with.
    pub fn options(&self) -> &OrganizationOptions {
        &self.options
    }
}

impl Plugin for OrganizationPlugin {
    fn id(&self) -> &'static str {
        "organization"
    }

    fn build(&self, auth: &mut AuthBuilder) -> Result<(), BuildError> {
        for model in schema::models(&self.options) {
            auth.model(model);
        }
        auth.extend_model("session", schema::session_fields(&self.options));
        routes::register(auth, &Arc::new(self.options.clone()));
        auth.insert_extension(self.options.clone());
        Ok(())
    }
}
