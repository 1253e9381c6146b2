//! Bulwark's SCIM 2.0 provisioning plugin: identity providers (Okta, Microsoft Entra ID, Google
//! Workspace, `OneLogin`) create, update, deactivate and delete users of a Bulwark host over
//! `{basePath}/scim/v2`.
//!
//! Register it with `Auth::builder().plugin(scim(ScimOptions::default()))`. Bearer credentials come from
//! provider tokens minted by signed-in users (`POST /scim/generate-token`, stored hashed by default),
//! connections defined in code with static credentials, or an application verifier (see
//! [`options`]). The wire protocol is upstream v1.7.1's, which is RFC 7644's: `application/scim+json`,
//! SCIM error bodies everywhere, `201` with `Location`, `PATCH` answering `200` with the resource.
//!
//! Every created SCIM User gets a new Bulwark user unless the application links it to one that
//! already exists (users who signed up before the identity provider was connected), with
//! [`ScimOptions::resolve_user`]. Decide on a stable mapping you own, never on an unverified email:
//!
//! ```
//! use std::sync::Arc;
//!
//! use bulwark_core::Where;
//! use bulwark_core::models::User;
//! use bulwark_scim::ScimOptions;
//! use bulwark_scim::options::{IdentityResolution, ProfileAuthority};
//!
//! let options = ScimOptions::default().resolve_user(Arc::new(|input| {
//!     Box::pin(async move {
//!         // Here: link verified users of the customer's own domain, keeping their profile.
//!         let Some(email) = input.primary_email.filter(|e| e.ends_with("@customer.example")) else {
//!             return Ok(IdentityResolution::Create);
//!         };
//!         let existing = input.auth.store().find_one::<User>(&Where::eq("email", email)).await?;
//!         Ok(match existing.filter(|user| user.email_verified) {
//!             Some(user) => IdentityResolution::Link {
//!                 user_id: user.id,
//!                 profile: ProfileAuthority::Preserve,
//!             },
//!             None => IdentityResolution::Create,
//!         })
//!     })
//! }));
//! # drop(options);
//! ```

pub mod audit;
pub mod credentials;
pub mod error;
pub mod filter;
pub mod managed;
pub mod models;
pub mod options;
pub mod patch;
pub mod projection;
mod routes;
pub mod schema;
mod users;

use std::sync::Arc;

use bulwark_core::error::ConfigError;
use bulwark_core::{AuthBuilder, BuildError, Plugin};

pub use credentials::{Principal, Scope, Scopes};
pub use error::ScimError;
pub use options::ScimOptions;

/// The SCIM plugin (upstream id `scim`).
#[derive(Clone, Debug)]
pub struct ScimPlugin {
    options: ScimOptions,
}

/// The SCIM plugin with `options`.
pub fn scim(options: ScimOptions) -> ScimPlugin {
    ScimPlugin { options }
}

impl ScimPlugin {
    /// The options the plugin was created with.
    pub fn options(&self) -> &ScimOptions {
        &self.options
    }
}

impl Plugin for ScimPlugin {
    fn id(&self) -> &'static str {
        "scim"
    }

    fn build(&self, auth: &mut AuthBuilder) -> Result<(), BuildError> {
        let problems = self.options.problems();
        if !problems.is_empty() {
            return Err(BuildError::new(
                problems
                    .into_iter()
                    .map(|reason| ConfigError::Invalid {
                        option: "scim",
                        reason,
                    })
                    .collect(),
            ));
        }
        for model in schema::models(&self.options) {
            auth.model(model);
        }
        routes::register(auth, &Arc::new(self.options.clone()));
        auth.insert_extension(self.options.clone());
        Ok(())
    }
}
