//! `scim create-token`: mints a SCIM bearer token for a provider from the command line, for an
//! administrator setting up an identity provider before anyone can sign in.
//!
//! It migrates the database, then writes the provider's row exactly as `POST /scim/generate-token` does
//! (through `bulwark_scim::credentials::provider_token::issue`, with the plugin's storage, hashed by
//! default), replacing the provider's previous row and so invalidating its previous token. The row has
//! no owner; with provider ownership on (the default) no session can rotate or delete a personal one.
//! The token is the last line of stdout and appears nowhere else: not in logs, not in errors.

use std::sync::Arc;

use anyhow::{Context as _, bail};
use bulwark_core::{Adapter, Auth, Where};
use bulwark_organization::OrganizationApi;
use bulwark_scim::credentials::provider_token;
use bulwark_scim::models::ScimProvider;

use crate::cli::Config;
use crate::{configure, connect, secret};

/// The absolute URL of the SCIM endpoints of `auth` (`<base_url><base_path>/scim/v2`).
pub(crate) fn base_url(auth: &Auth) -> String {
    let options = auth.options();
    format!(
        "{}{}/scim/v2",
        options.base_url.as_str().trim_end_matches('/'),
        options.base_path
    )
}

/// Mints and prints a token for `provider_id`, scoped to `organization_id` when given.
pub(crate) async fn create_token(
    config: &Config,
    provider_id: &str,
    organization_id: Option<&str>,
) -> anyhow::Result<()> {
    if config.disable_scim {
        bail!("SCIM is disabled (--disable-scim or BULWARK_DISABLE_SCIM)");
    }
    if provider_id.is_empty() {
        bail!("--provider-id must not be empty");
    }
    let organization_id = organization_id.filter(|id| !id.is_empty());
    if organization_id.is_some() && config.disable_organization {
        bail!("--organization-id needs the organization plugin (drop --disable-organization)");
    }
    provider_token::check_provider_id(provider_id).context("invalid --provider-id")?;
    let secret = secret::resolve(config)?;
    let adapter = connect(config).await?;
    let auth = configure(Auth::builder(), config)
        .database(Arc::new(adapter.clone()) as Arc<dyn Adapter>)
        .secret(secret)
        .base_url(config.configured_base_url())
        .build()?;
    let report = adapter
        .migrate(auth.schema())
        .await
        .context("migration failed")?;
    tracing::info!(statements = report.statements.len(), "database migrated");
    let issued = issue(&auth, provider_id, organization_id).await;
    adapter.close().await;
    print(&base_url(&auth), &issued?);
    Ok(())
}

async fn issue(
    auth: &Auth,
    provider_id: &str,
    organization_id: Option<&str>,
) -> anyhow::Result<String> {
    if let Some(organization_id) = organization_id {
        let organizations = OrganizationApi::new(auth).context("no organization plugin")?;
        if organizations
            .find_organization(organization_id)
            .await?
            .is_none()
        {
            bail!("organization {organization_id} not found");
        }
    }
    let previous: Option<ScimProvider> = auth
        .store()
        .find_one(&Where::eq("providerId", provider_id))
        .await?;
    let (token, provider) = provider_token::issue(auth, provider_id, organization_id, None).await?;
    tracing::info!(
        provider_id = provider.provider_id,
        organization_id = provider.organization_id,
        replaced_previous_token = previous.is_some(),
        "SCIM provider token issued"
    );
    Ok(token)
}

/// Prints the SCIM base URL, then the token as the last line.
#[expect(
    clippy::print_stdout,
    reason = "the token is the command's output, for the administrator or a script"
)]
fn print(scim_url: &str, token: &str) {
    println!("SCIM: {scim_url}");
    println!("{token}");
}
