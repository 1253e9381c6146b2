//! The SQL side of `TestDb`: a temporary `SQLite` file, or a fresh database on a `PostgreSQL` or `MySQL`
//! server, migrated by `bulwark-sql` and removed afterwards.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use bulwark_core::{Adapter, Schema};
use bulwark_sql::SqlAdapter;
use sqlx::{Connection, Executor};

use super::Backend;

/// The adapter of a SQL test database and the database itself.
pub(super) struct Resources {
    adapter: SqlAdapter,
    place: Place,
}

impl Resources {
    /// Creates, connects and migrates a database; `None` when the backend's server is not configured (and
    /// for [`Backend::Memory`], which needs no SQL database).
    #[expect(
        clippy::panic,
        reason = "a test database that cannot be set up fails the test"
    )]
    pub(super) async fn create(backend: Backend, schema: &Schema) -> Option<Self> {
        let name = unique_name();
        let place = match backend {
            Backend::Memory => return None,
            Backend::Sqlite => Place::File {
                path: std::env::temp_dir().join(format!("{name}.db")),
                removed: false,
            },
            Backend::Postgres | Backend::Mysql => {
                let server = if backend == Backend::Postgres {
                    Server::Postgres
                } else {
                    Server::Mysql
                };
                let admin_url = server_url(backend)?;
                server
                    .execute(&admin_url, &[server.create_statement(&name)])
                    .await
                    .unwrap_or_else(|e| panic!("cannot create test database on {backend}: {e}"));
                Place::Server {
                    server,
                    admin_url,
                    name,
                    removed: false,
                }
            }
        };
        // From here on `place` removes the database again if connecting or migrating panics.
        let url = place
            .url()
            .unwrap_or_else(|e| panic!("cannot build the {backend} test database URL: {e}"));
        let adapter = SqlAdapter::connect(&url)
            .await
            .unwrap_or_else(|e| panic!("cannot connect to the {backend} test database: {e}"));
        if let Err(e) = adapter.migrate(schema).await {
            adapter.close().await;
            panic!("cannot migrate the {backend} test database: {e}");
        }
        Some(Self { adapter, place })
    }

    /// The adapter as a trait object.
    pub(super) fn adapter(&self) -> Arc<dyn Adapter> {
        Arc::new(self.adapter.clone())
    }

    /// Closes the pool, then removes the database.
    pub(super) async fn cleanup(mut self) {
        self.adapter.close().await;
        self.place.remove().await;
    }
}

/// Where a test database lives; dropping it without [`Place::remove`] removes it on a helper thread.
enum Place {
    File {
        path: PathBuf,
        removed: bool,
    },
    Server {
        server: Server,
        admin_url: String,
        name: String,
        removed: bool,
    },
}

impl Place {
    fn url(&self) -> Result<String, url::ParseError> {
        match self {
            Self::File { path, .. } => Ok(format!("sqlite://{}?mode=rwc", path.display())),
            Self::Server {
                admin_url, name, ..
            } => {
                let mut url = url::Url::parse(admin_url)?;
                url.set_path(&format!("/{name}"));
                Ok(url.into())
            }
        }
    }

    async fn remove(&mut self) {
        match self {
            Self::File { path, removed } => {
                remove_files(path);
                *removed = true;
            }
            Self::Server {
                server,
                admin_url,
                name,
                removed,
            } => {
                // Best effort: a leftover database is harmless, so a failure here does not fail the test.
                let _ = server.drop_database(admin_url, name).await;
                *removed = true;
            }
        }
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        match self {
            Self::File { path, removed } => {
                if !*removed {
                    remove_files(path);
                }
            }
            Self::Server {
                server,
                admin_url,
                name,
                removed,
            } => {
                if *removed {
                    return;
                }
                // The test's runtime may be unwinding or blocked on this very thread, so use a fresh one.
                let (server, admin_url, name) = (*server, admin_url.clone(), name.clone());
                let handle = std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build();
                    if let Ok(runtime) = runtime {
                        let _ = runtime.block_on(server.drop_database(&admin_url, &name));
                    }
                });
                let _ = handle.join();
            }
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Server {
    Postgres,
    Mysql,
}

impl Server {
    fn create_statement(self, name: &str) -> String {
        match self {
            Self::Postgres => format!("CREATE DATABASE \"{name}\""),
            Self::Mysql => format!("CREATE DATABASE `{name}`"),
        }
    }

    /// Drops the database, first ending any connection still using it.
    async fn drop_database(self, admin_url: &str, name: &str) -> Result<(), sqlx::Error> {
        match self {
            Self::Postgres => {
                let statement = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                self.execute(admin_url, &[statement]).await
            }
            Self::Mysql => {
                let mut conn = sqlx::MySqlConnection::connect(admin_url).await?;
                let ids: Vec<(u64,)> = sqlx::query_as(
                    "SELECT CAST(ID AS UNSIGNED) FROM information_schema.PROCESSLIST \
                     WHERE DB = ? AND ID <> CONNECTION_ID()",
                )
                .bind(name)
                .fetch_all(&mut conn)
                .await?;
                for (id,) in ids {
                    // The connection may have gone away on its own in the meantime.
                    let _ = conn.execute(format!("KILL {id}").as_str()).await;
                }
                conn.execute(format!("DROP DATABASE IF EXISTS `{name}`").as_str())
                    .await?;
                conn.close().await
            }
        }
    }

    /// Runs statements on a fresh connection to the server's administrative database.
    async fn execute(self, admin_url: &str, statements: &[String]) -> Result<(), sqlx::Error> {
        match self {
            Self::Postgres => {
                let mut conn = sqlx::PgConnection::connect(admin_url).await?;
                for statement in statements {
                    conn.execute(statement.as_str()).await?;
                }
                conn.close().await
            }
            Self::Mysql => {
                let mut conn = sqlx::MySqlConnection::connect(admin_url).await?;
                for statement in statements {
                    conn.execute(statement.as_str()).await?;
                }
                conn.close().await
            }
        }
    }
}

/// The server URL for `backend`, or `None` (with a message) when it is not set outside CI.
#[expect(
    clippy::disallowed_methods,
    reason = "test-support reads the test database URLs from the environment"
)]
#[expect(
    clippy::print_stderr,
    reason = "a skipped backend is reported on the test's output"
)]
fn server_url(backend: Backend) -> Option<String> {
    let var = backend.url_var()?;
    if let Ok(url) = std::env::var(var)
        && !url.is_empty()
    {
        return Some(url);
    }
    let under_ci = std::env::var("CI").is_ok_and(|ci| !ci.is_empty());
    assert!(!under_ci, "{var} must be set under CI");
    eprintln!("skipped: {var} is not set");
    None
}

/// A database or file name no other test, process or earlier run uses: `bulwark_t_<pid>_<ms>_<n>`.
fn unique_name() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    #[expect(
        clippy::disallowed_methods,
        reason = "the wall clock only makes names unique across runs; it is not test input"
    )]
    let now = std::time::SystemTime::now();
    let millis = now
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("bulwark_t_{}_{millis}_{n}", std::process::id())
}

fn remove_files(path: &std::path::Path) {
    // Missing files are fine: SQLite creates the side files only in some journal modes.
    let _ = std::fs::remove_file(path);
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut side = path.as_os_str().to_owned();
        side.push(suffix);
        let _ = std::fs::remove_file(side);
    }
}
