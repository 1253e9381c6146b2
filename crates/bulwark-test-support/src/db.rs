//! `TestDb`: one isolated, migrated database per test, on the in-memory adapter, `SQLite`,
//! `PostgreSQL` or `MySQL`/`MariaDB`.
//!
//! Server backends read their URL from `BULWARK_TEST_POSTGRES_URL` / `BULWARK_TEST_MYSQL_URL`. When the
//! variable is unset the test is skipped with a message, unless `CI` is set: then it fails, so CI cannot
//! skip a backend quietly.

mod sql;

use std::fmt;
use std::sync::Arc;

use bulwark_core::adapter::memory::MemoryAdapter;
use bulwark_core::{Adapter, Schema};

/// A storage backend the tests can run on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Backend {
    /// [`MemoryAdapter`]: always available.
    Memory,
    /// A `SQLite` file in the temporary directory: always available.
    Sqlite,
    /// A fresh database on the server named by `BULWARK_TEST_POSTGRES_URL`.
    Postgres,
    /// A fresh database on the server named by `BULWARK_TEST_MYSQL_URL`.
    Mysql,
}

impl Backend {
    /// The environment variable naming the server, for server backends.
    pub fn url_var(self) -> Option<&'static str> {
        match self {
            Self::Memory | Self::Sqlite => None,
            Self::Postgres => Some("BULWARK_TEST_POSTGRES_URL"),
            Self::Mysql => Some("BULWARK_TEST_MYSQL_URL"),
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Memory => "memory",
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
            Self::Mysql => "mysql",
        })
    }
}

/// An isolated database migrated from a [`Schema`], removed again when the test ends.
///
/// Call [`TestDb::cleanup`] at the end of a test; if the test panics first, dropping the `TestDb` removes
/// the database on a best-effort basis.
pub struct TestDb {
    backend: Backend,
    schema: Schema,
    adapter: Arc<dyn Adapter>,
    sql: Option<sql::Resources>,
}

impl TestDb {
    /// Creates and migrates a database on `backend`.
    ///
    /// Returns `None` (after printing `skipped: ...`) when a server backend's URL is not set and `CI` is not
    /// set either.
    ///
    /// # Panics
    ///
    /// When the database cannot be created or migrated, or when a server backend's URL is missing under CI.
    pub async fn new(backend: Backend, schema: &Schema) -> Option<TestDb> {
        let (adapter, sql): (Arc<dyn Adapter>, _) = match backend {
            Backend::Memory => (Arc::new(MemoryAdapter::new()), None),
            Backend::Sqlite | Backend::Postgres | Backend::Mysql => {
                let resources = sql::Resources::create(backend, schema).await?;
                (resources.adapter(), Some(resources))
            }
        };
        Some(TestDb {
            backend,
            schema: schema.clone(),
            adapter,
            sql,
        })
    }

    /// The backend this database lives on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The schema the database was migrated from.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// A shared handle to the adapter.
    pub fn adapter(&self) -> Arc<dyn Adapter> {
        Arc::clone(&self.adapter)
    }

    /// Closes the connections and removes the database.
    pub async fn cleanup(self) {
        if let Some(resources) = self.sql {
            resources.cleanup().await;
        }
    }
}

impl fmt::Debug for TestDb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestDb")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}
