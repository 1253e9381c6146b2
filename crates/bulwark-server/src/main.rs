//! `bulwark-server`: Better Auth's endpoints as a standalone server over `SQLite`, `PostgreSQL` or `MySQL`.
//!
//! `serve` (the default) connects, migrates and serves `/api/auth`; `migrate` only migrates;
//! `generate` prints the schema's DDL for a dialect without touching a database; `scim create-token`
//! mints a SCIM bearer token for a provider without a session. Configuration comes
//! from flags and their environment variables (`cli.rs`); this crate is the only one that reads the
//! environment or files. Logs go to stderr (`RUST_LOG`, default `info`) and never contain secrets,
//! cookies or query strings; stdout carries only command output and the `listening on` line.

mod cli;
mod scim;
mod secret;
mod serve;

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use bulwark_core::adapter::memory::MemoryAdapter;
use bulwark_core::options::EmailAndPasswordOptions;
use bulwark_core::{Adapter, Auth, AuthBuilder, Schema};
use bulwark_organization::options::TeamOptions;
use bulwark_organization::{OrganizationOptions, organization};
use bulwark_scim::ScimOptions;
use bulwark_scim::options::MissingEmail;
use bulwark_sql::{SqlAdapter, generate_ddl};
use clap::Parser as _;
use tracing_subscriber::EnvFilter;

use crate::cli::{Cli, Command, Config, ScimCommand};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => return fail(&anyhow::Error::new(err).context("cannot start the runtime")),
    };
    let config = cli.config;
    let result = runtime.block_on(async move {
        match cli.command.unwrap_or(Command::Serve) {
            Command::Serve => serve::run(&config).await,
            Command::Migrate => migrate(&config).await,
            Command::Generate { dialect } => generate(dialect, &config),
            Command::Scim {
                command:
                    ScimCommand::CreateToken {
                        provider_id,
                        organization_id,
                    },
            } => scim::create_token(&config, &provider_id, organization_id.as_deref()).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => fail(&err),
    }
}

#[expect(
    clippy::print_stderr,
    reason = "the final error goes to stderr even when RUST_LOG silences logs"
)]
fn fail(err: &anyhow::Error) -> ExitCode {
    eprintln!("error: {err:#}");
    ExitCode::FAILURE
}

/// The server's auth configuration, shared by every subcommand so that `generate` and `migrate` see
/// the same schema `serve` uses.
fn configure(builder: AuthBuilder, config: &Config) -> AuthBuilder {
    let mut builder = builder.email_and_password(EmailAndPasswordOptions::enabled());
    if !config.disable_organization {
        let mut teams = TeamOptions::enabled();
        teams.enabled = !config.disable_teams;
        builder = builder.plugin(organization(OrganizationOptions::default().teams(teams)));
    }
    if !config.disable_scim {
        let mut options = ScimOptions::default();
        if config.scim_users_without_email {
            options = options.missing_email(MissingEmail::Placeholder);
        }
        builder = builder.plugin(bulwark_scim::scim(options));
    }
    builder
}

/// The schema of the configured auth, built without a database or the real secret.
fn schema(config: &Config) -> anyhow::Result<Schema> {
    // Only the schema of this instance is used: it never signs anything or serves a request.
    const SCHEMA_ONLY_SECRET: &str = "schema-only-secret-never-used-to-sign-anything";
    let auth = configure(Auth::builder(), config)
        .database(Arc::new(MemoryAdapter::new()) as Arc<dyn Adapter>)
        .secret(SCHEMA_ONLY_SECRET)
        .base_url("http://127.0.0.1")
        .build()?;
    Ok(auth.schema().clone())
}

/// Connects to the configured database.
async fn connect(config: &Config) -> anyhow::Result<SqlAdapter> {
    let url = config.database_url();
    SqlAdapter::connect(&url)
        .await
        .with_context(|| format!("cannot connect to {}", cli::redact(&url)))
}

/// `migrate`: brings the database up to the schema and prints what ran.
#[expect(
    clippy::print_stdout,
    reason = "the statements are the command's output"
)]
async fn migrate(config: &Config) -> anyhow::Result<()> {
    let adapter = connect(config).await?;
    let report = adapter
        .migrate(&schema(config)?)
        .await
        .context("migration failed")?;
    tracing::info!(statements = report.statements.len(), "database migrated");
    for statement in &report.statements {
        println!("{}", terminated(statement));
    }
    adapter.close().await;
    Ok(())
}

/// `generate`: prints the DDL of the full schema, one statement per line.
#[expect(clippy::print_stdout, reason = "the DDL is the command's output")]
fn generate(dialect: bulwark_sql::Dialect, config: &Config) -> anyhow::Result<()> {
    for statement in generate_ddl(dialect, &schema(config)?) {
        println!("{}", terminated(&statement));
    }
    Ok(())
}

/// `statement` with exactly one trailing `;`.
fn terminated(statement: &str) -> String {
    format!("{};", statement.trim_end().trim_end_matches(';'))
}
