//! Command-line flags, their environment variables and defaults.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use clap::{Parser, Subcommand, ValueEnum};

/// Better Auth's endpoints as a standalone server.
#[derive(Debug, Parser)]
#[command(name = "bulwark-server", version, about)]
pub(crate) struct Cli {
    /// Settings shared by every subcommand.
    #[command(flatten)]
    pub(crate) config: Config,
    /// What to do (default: `serve`).
    #[command(subcommand)]
    pub(crate) command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Migrate the database, then serve the auth endpoints (the default).
    Serve,
    /// Migrate the database and print the statements that ran.
    Migrate,
    /// Print the DDL of the full schema for a dialect, without connecting to a database.
    Generate {
        /// The SQL dialect: `sqlite`, `postgres` or `mysql`.
        #[arg(long)]
        dialect: bulwark_sql::Dialect,
    },
    /// SCIM administration.
    Scim {
        /// What to do.
        #[command(subcommand)]
        command: ScimCommand,
    },
}

/// The `scim` subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum ScimCommand {
    /// Migrate the database, then mint a SCIM bearer token for a provider, replacing its previous
    /// token, and print it as the last line of output.
    CreateToken {
        /// The provider id the identity provider's connection is known by (no `:`).
        #[arg(long)]
        provider_id: String,
        /// Provision the provider's users into this organization.
        #[arg(long)]
        organization_id: Option<String>,
    },
}

/// Development or production rules.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub(crate) enum Mode {
    /// A missing secret is generated and kept in a file.
    #[default]
    Development,
    /// A secret is required.
    Production,
}

/// Settings shared by every subcommand.
#[derive(Debug, clap::Args)]
pub(crate) struct Config {
    /// The database URL (`sqlite:`, `postgres:` or `mysql:`).
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://bulwark.db?mode=rwc",
        hide_env_values = true,
        global = true
    )]
    database_url: String,
    /// The secret that signs cookies (at least 32 characters). Required in production.
    #[arg(long, env = "BULWARK_SECRET", hide_env_values = true, global = true)]
    pub(crate) secret: Option<String>,
    /// The public base URL (default: `http://127.0.0.1:<port>`).
    #[arg(long, env = "BULWARK_BASE_URL", global = true)]
    base_url: Option<String>,
    /// The port to listen on; `0` picks a free one.
    #[arg(long, env = "PORT", default_value_t = 3000, global = true)]
    pub(crate) port: u16,
    /// The address to listen on.
    #[arg(long, env = "BULWARK_HOST", default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST), global = true)]
    pub(crate) host: IpAddr,
    /// Serve without the organization plugin (it is on by default, with teams).
    #[arg(long, env = "BULWARK_DISABLE_ORGANIZATION", global = true)]
    pub(crate) disable_organization: bool,
    /// Serve the organization plugin without teams.
    #[arg(long, env = "BULWARK_DISABLE_TEAMS", global = true)]
    pub(crate) disable_teams: bool,
    /// Serve without the SCIM plugin (it is on by default).
    #[arg(long, env = "BULWARK_DISABLE_SCIM", global = true)]
    pub(crate) disable_scim: bool,
    /// Accept SCIM Users without an email address; their users get a placeholder address
    /// `<SCIM User id>@scim.invalid` (by default such a User is refused with 400, as upstream).
    #[arg(long, env = "BULWARK_SCIM_USERS_WITHOUT_EMAIL", global = true)]
    pub(crate) scim_users_without_email: bool,
    /// Production mode (same as `BULWARK_ENV=production`).
    #[arg(long, global = true)]
    production: bool,
    /// The environment: `development` or `production`.
    #[arg(
        long = "env",
        env = "BULWARK_ENV",
        value_enum,
        default_value_t = Mode::Development,
        global = true
    )]
    mode: Mode,
}

impl Config {
    /// Development or production.
    pub(crate) fn mode(&self) -> Mode {
        if self.production {
            Mode::Production
        } else {
            self.mode
        }
    }

    /// The database URL; a `SQLite` file URL without a `mode` gets `mode=rwc`, so the file is created.
    pub(crate) fn database_url(&self) -> String {
        let url = self.database_url.as_str();
        if sqlite_file(url).is_none() || url.contains("mode=") {
            return url.to_owned();
        }
        let separator = if url.contains('?') { '&' } else { '?' };
        format!("{url}{separator}mode=rwc")
    }

    /// The path of the `SQLite` database file, if the database is one.
    pub(crate) fn sqlite_path(&self) -> Option<&str> {
        sqlite_file(&self.database_url)
    }

    /// The base URL outside `serve` (commands that bind nothing): the configured one, else the one
    /// `serve` would use on the configured host and port.
    pub(crate) fn configured_base_url(&self) -> String {
        self.base_url(SocketAddr::new(self.host, self.port))
    }

    /// The base URL for a server bound to `addr`.
    pub(crate) fn base_url(&self, addr: SocketAddr) -> String {
        if let Some(url) = &self.base_url {
            return url.clone();
        }
        let host = if addr.ip().is_unspecified() {
            IpAddr::V4(Ipv4Addr::LOCALHOST)
        } else {
            addr.ip()
        };
        format!("http://{}", SocketAddr::new(host, addr.port()))
    }
}

/// The file path of a `SQLite` URL (`sqlite://path?..`, `sqlite:path`), or `None` for in-memory and
/// other databases.
fn sqlite_file(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    let in_memory = path.is_empty() || path == ":memory:" || url.contains("mode=memory");
    (!in_memory).then_some(path)
}

/// `url` without its password, for messages.
pub(crate) fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((credentials, host)) = rest.split_once('@') else {
        return url.to_owned();
    };
    match credentials.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::{Cli, Mode, redact, sqlite_file};
    use clap::Parser as _;

    #[test]
    fn sqlite_urls_name_their_file() {
        let check =
            |url: &str, expected: Option<&str>| assert_eq!(sqlite_file(url), expected, "{url}");
        check("sqlite://bulwark.db?mode=rwc", Some("bulwark.db"));
        check("sqlite:data/app.db", Some("data/app.db"));
        check("sqlite:///tmp/x.db", Some("/tmp/x.db"));
        check("sqlite::memory:", None);
        check("sqlite://file?mode=memory", None);
        check("postgres://localhost/db", None);
    }

    #[test]
    fn database_urls_create_sqlite_files() {
        let check = |url: &str, expected: &str| {
            let cli = Cli::try_parse_from(["bulwark-server", "--database-url", url]).unwrap();
            assert_eq!(cli.config.database_url(), expected);
        };
        check("sqlite://a.db", "sqlite://a.db?mode=rwc");
        check(
            "sqlite://a.db?cache=shared",
            "sqlite://a.db?cache=shared&mode=rwc",
        );
        check("sqlite://a.db?mode=ro", "sqlite://a.db?mode=ro");
        check("sqlite::memory:", "sqlite::memory:");
        check("postgres://u@h/db", "postgres://u@h/db");
    }

    #[test]
    fn production_comes_from_the_flag_or_the_environment_option() {
        let mode = |args: &[&str]| {
            let mut argv = vec!["bulwark-server"];
            argv.extend_from_slice(args);
            Cli::try_parse_from(argv).unwrap().config.mode()
        };
        assert_eq!(mode(&[]), Mode::Development);
        assert_eq!(mode(&["--production"]), Mode::Production);
        assert_eq!(mode(&["--env", "production"]), Mode::Production);
        assert_eq!(mode(&["migrate", "--production"]), Mode::Production);
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("postgres://u:pw@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact("sqlite://a.db"), "sqlite://a.db");
    }
}
