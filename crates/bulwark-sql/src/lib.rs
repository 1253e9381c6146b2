//! Bulwark's SQL adapter: [`SqlAdapter`] implements `bulwark_core::Adapter` over sqlx and sea-query for
//! `SQLite`, `PostgreSQL` and `MySQL`/`MariaDB`, chosen by the database URL's scheme.
//!
//! Every value is bound and every identifier quoted by sea-query. [`SqlAdapter::migrate`] creates what the
//! [`Schema`] needs and never drops anything; [`generate_ddl`] prints the same DDL for a fresh database.
//!
//! Backend notes:
//! - `SQLite` runs with foreign keys on, a 5 s busy timeout, `synchronous=NORMAL`, WAL for files, and
//!   `case_sensitive_like` so LIKE is exact, and `PRAGMA optimize` when a pooled connection closes (so
//!   the planner gets table statistics); timestamps are fixed-width UTC text, so text order is time
//!   order. Transactions start with `BEGIN IMMEDIATE`. An in-memory database uses a single connection, so
//!   work outside an open transaction waits for it. Its `lower()` folds ASCII letters only.
//! - `PostgreSQL` one-row writes lock their row (`FOR UPDATE`) and return it with `RETURNING`. Inside a
//!   transaction each write runs under a savepoint, so a failed write (say, a unique violation) leaves the
//!   transaction usable, as on the other backends.
//! - `MySQL`/`MariaDB` has no `RETURNING`: one-row writes run in a short transaction (locking read, write
//!   by primary key, read back). Tables use the binary `utf8mb4_bin` collation, so comparisons are
//!   case-sensitive (it pads: trailing spaces do not count); case-insensitive fields get an indexed
//!   generated `<column>_lower` column that is never part of a row.
//!   `MySQL` needs a bounded `VARCHAR(255)` to index a string: a field that becomes unique or indexed after
//!   its column was created as `TEXT` needs its column changed by hand (`MariaDB` indexes `TEXT` as is).
//! - Writes on the pool that lose a deadlock or serialization conflict are retried a few times; a `MySQL`
//!   transaction that loses a deadlock was rolled back by the server, so it refuses further work.

mod codec;
mod condition;
mod conn;
mod dialect;
mod migrate;
mod mysql;
mod ops;
mod postgres;
mod query;
mod sqlite;
#[cfg(test)]
mod sqlite_plan;
mod transaction;

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use bulwark_core::adapter::{
    BoxFuture, Capabilities, Create, Find, FindMany, Increment, Transaction, Update,
};
use bulwark_core::schema::Schema;
use bulwark_core::{Adapter, AdapterError, AdapterErrorKind, Row};
use sqlx::mysql::{MySqlConnectOptions, MySqlPoolOptions};
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::SqlitePoolOptions;
use sqlx::{MySql, MySqlPool, PgPool, Postgres, Sqlite, SqlitePool};
use tokio::sync::MutexGuard;

pub use dialect::{Dialect, UnknownDialect};
pub use migrate::{MigrationReport, generate_ddl};

use conn::Conn;
use transaction::{SqlTransaction, TxConn};

/// Connection-pool settings.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PoolOptions {
    /// The most connections the pool opens (an in-memory `SQLite` database always uses one).
    pub max_connections: u32,
    /// The connections the pool keeps open when idle.
    pub min_connections: u32,
    /// How long a query waits for a free connection before failing with `Unavailable`.
    pub acquire_timeout: Duration,
    /// Idle connections above `min_connections` close after this long.
    pub idle_timeout: Option<Duration>,
}

impl Default for PoolOptions {
    fn default() -> Self {
        Self {
            max_connections: 10,
            min_connections: 0,
            acquire_timeout: Duration::from_secs(30),
            idle_timeout: Some(Duration::from_mins(10)),
        }
    }
}

/// The SQL adapter: a connection pool for one database. Cheap to clone.
#[derive(Clone)]
pub struct SqlAdapter {
    inner: Arc<Inner>,
}

struct Inner {
    pool: Pool,
    /// The URL without password or query, for `Debug`.
    shown_url: String,
}

#[derive(Clone, Debug)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
    Mysql(MySqlPool),
}

impl fmt::Debug for SqlAdapter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqlAdapter")
            .field("dialect", &self.dialect())
            .field("url", &self.inner.shown_url)
            .finish_non_exhaustive()
    }
}

impl SqlAdapter {
    /// Connects with default [`PoolOptions`].
    pub async fn connect(url: &str) -> Result<SqlAdapter, AdapterError> {
        Self::connect_with(url, PoolOptions::default()).await
    }

    /// Connects to the database `url` names: `sqlite:`, `postgres:`/`postgresql:` or `mysql:`/`mariadb:`.
    pub async fn connect_with(url: &str, options: PoolOptions) -> Result<SqlAdapter, AdapterError> {
        let unavailable = |e: sqlx::Error| {
            AdapterError::new(
                AdapterErrorKind::Unavailable,
                "could not connect to the database",
            )
            .with_source(e)
        };
        let invalid =
            |e: sqlx::Error| AdapterError::unsupported("invalid database url").with_source(e);
        let pool = match Dialect::from_url(url)? {
            Dialect::Sqlite => {
                let (connect, in_memory) = sqlite::connect_options(url)?;
                let mut pool = SqlitePoolOptions::new()
                    .max_connections(options.max_connections.max(1))
                    .min_connections(options.min_connections)
                    .acquire_timeout(options.acquire_timeout)
                    .idle_timeout(options.idle_timeout);
                if in_memory {
                    // The database lives as long as a connection does, and one connection sees
                    // everything: no shared-cache table locks.
                    pool = pool
                        .max_connections(1)
                        .min_connections(1)
                        .idle_timeout(None)
                        .max_lifetime(None);
                }
                Pool::Sqlite(pool.connect_with(connect).await.map_err(unavailable)?)
            }
            Dialect::Postgres => {
                let connect = PgConnectOptions::from_str(url).map_err(invalid)?;
                Pool::Postgres(
                    PgPoolOptions::new()
                        .max_connections(options.max_connections.max(1))
                        .min_connections(options.min_connections)
                        .acquire_timeout(options.acquire_timeout)
                        .idle_timeout(options.idle_timeout)
                        .connect_with(connect)
                        .await
                        .map_err(unavailable)?,
                )
            }
            Dialect::Mysql => {
                let normalized = match url.split_once(':') {
                    Some((_, rest)) => format!("mysql:{rest}"),
                    None => url.to_owned(),
                };
                let connect = MySqlConnectOptions::from_str(&normalized)
                    .map_err(invalid)?
                    .charset("utf8mb4")
                    .timezone(Some(String::from("+00:00")));
                Pool::Mysql(
                    MySqlPoolOptions::new()
                        .max_connections(options.max_connections.max(1))
                        .min_connections(options.min_connections)
                        .acquire_timeout(options.acquire_timeout)
                        .idle_timeout(options.idle_timeout)
                        .connect_with(connect)
                        .await
                        .map_err(unavailable)?,
                )
            }
        };
        Ok(SqlAdapter {
            inner: Arc::new(Inner {
                pool,
                shown_url: redact_url(url),
            }),
        })
    }

    /// The backend.
    pub fn dialect(&self) -> Dialect {
        match self.inner.pool {
            Pool::Sqlite(_) => Dialect::Sqlite,
            Pool::Postgres(_) => Dialect::Postgres,
            Pool::Mysql(_) => Dialect::Mysql,
        }
    }

    /// Creates missing tables, columns and indexes for `schema`; never drops anything. Running it again
    /// on an up-to-date database executes nothing.
    pub async fn migrate(&self, schema: &Schema) -> Result<MigrationReport, AdapterError> {
        let mut lease = self.lease().await?;
        migrate::migrate(&mut lease.conn()?, schema).await
    }

    /// Closes every connection; later queries fail with `Unavailable`.
    pub async fn close(&self) {
        match &self.inner.pool {
            Pool::Sqlite(pool) => pool.close().await,
            Pool::Postgres(pool) => pool.close().await,
            Pool::Mysql(pool) => pool.close().await,
        }
    }

    async fn lease(&self) -> Result<Lease<'_>, AdapterError> {
        Ok(match &self.inner.pool {
            Pool::Sqlite(pool) => Lease::Sqlite(pool.acquire().await.map_err(sqlite::error)?),
            Pool::Postgres(pool) => Lease::Postgres(pool.acquire().await.map_err(postgres::error)?),
            Pool::Mysql(pool) => Lease::Mysql(pool.acquire().await.map_err(mysql::error)?),
        })
    }
}

/// How many times a write that lost a serialization conflict or deadlock is retried on the pool.
const RETRIES: u32 = 8;

/// Runs one pool write on a fresh lease, again after a serialization conflict or deadlock (see
/// [`settle`]).
macro_rules! retrying {
    ($adapter:ident, $op:path, $q:ident) => {
        Box::pin(async move {
            let mut attempt = 0;
            loop {
                let mut lease = $adapter.lease().await?;
                let result = $op(&mut lease.conn()?, &$q).await;
                if let Some(done) = settle(result, &mut attempt).await {
                    return done;
                }
            }
        })
    };
}

/// Decides whether a pool write is done or should run again (after a short pause).
async fn settle<T>(
    result: Result<T, AdapterError>,
    attempt: &mut u32,
) -> Option<Result<T, AdapterError>> {
    match result {
        Err(e) if e.kind() == AdapterErrorKind::SerializationFailure && *attempt < RETRIES => {
            *attempt += 1;
            tracing::debug!(attempt = *attempt, error = %e, "retrying a write after a conflict");
            tokio::time::sleep(Duration::from_millis(u64::from(*attempt) * 5)).await;
            None
        }
        result => Some(result),
    }
}

/// One connection for one operation: from the pool, or the transaction's own.
enum Lease<'a> {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
    Mysql(PoolConnection<MySql>),
    Tx(MutexGuard<'a, Option<TxConn>>),
}

impl Lease<'_> {
    fn conn(&mut self) -> Result<Conn<'_>, AdapterError> {
        Ok(match self {
            Self::Sqlite(c) => Conn::Sqlite(c),
            Self::Postgres(c) => Conn::Postgres(c),
            Self::Mysql(c) => Conn::Mysql(c),
            Self::Tx(guard) => match guard.as_mut() {
                Some(TxConn::Sqlite(tx)) => Conn::Sqlite(tx),
                Some(TxConn::Postgres(tx)) => Conn::Postgres(tx),
                Some(TxConn::Mysql(tx)) => Conn::Mysql(tx),
                None => {
                    return Err(AdapterError::new(
                        AdapterErrorKind::Other,
                        "transaction already finished",
                    ));
                }
            },
        })
    }
}

impl Adapter for SqlAdapter {
    fn id(&self) -> &'static str {
        self.dialect().id()
    }

    fn capabilities(&self) -> Capabilities {
        capabilities(self.dialect())
    }

    fn create<'a>(&'a self, q: Create<'a>) -> BoxFuture<'a, Result<Row, AdapterError>> {
        retrying!(self, ops::create, q)
    }

    fn find_one<'a>(&'a self, q: Find<'a>) -> BoxFuture<'a, Result<Option<Row>, AdapterError>> {
        Box::pin(async move { ops::find_one(&mut self.lease().await?.conn()?, &q).await })
    }

    fn find_many<'a>(&'a self, q: FindMany<'a>) -> BoxFuture<'a, Result<Vec<Row>, AdapterError>> {
        Box::pin(async move { ops::find_many(&mut self.lease().await?.conn()?, &q).await })
    }

    fn count<'a>(&'a self, q: Find<'a>) -> BoxFuture<'a, Result<u64, AdapterError>> {
        Box::pin(async move { ops::count(&mut self.lease().await?.conn()?, &q).await })
    }

    fn update<'a>(&'a self, q: Update<'a>) -> BoxFuture<'a, Result<Option<Row>, AdapterError>> {
        retrying!(self, ops::update, q)
    }

    fn update_many<'a>(&'a self, q: Update<'a>) -> BoxFuture<'a, Result<u64, AdapterError>> {
        retrying!(self, ops::update_many, q)
    }

    fn delete<'a>(&'a self, q: Find<'a>) -> BoxFuture<'a, Result<(), AdapterError>> {
        retrying!(self, ops::delete, q)
    }

    fn delete_many<'a>(&'a self, q: Find<'a>) -> BoxFuture<'a, Result<u64, AdapterError>> {
        retrying!(self, ops::delete_many, q)
    }

    fn consume_one<'a>(&'a self, q: Find<'a>) -> BoxFuture<'a, Result<Option<Row>, AdapterError>> {
        retrying!(self, ops::consume_one, q)
    }

    fn increment_one<'a>(
        &'a self,
        q: Increment<'a>,
    ) -> BoxFuture<'a, Result<Option<Row>, AdapterError>> {
        retrying!(self, ops::increment_one, q)
    }

    fn begin(&self) -> BoxFuture<'_, Result<Box<dyn Transaction>, AdapterError>> {
        Box::pin(async move {
            let tx = match &self.inner.pool {
                // IMMEDIATE takes the write lock up front (waiting up to busy_timeout), so a transaction
                // never fails halfway when it turns from reading to writing.
                Pool::Sqlite(pool) => TxConn::Sqlite(
                    pool.begin_with("BEGIN IMMEDIATE")
                        .await
                        .map_err(sqlite::error)?,
                ),
                Pool::Postgres(pool) => {
                    TxConn::Postgres(pool.begin().await.map_err(postgres::error)?)
                }
                Pool::Mysql(pool) => TxConn::Mysql(pool.begin().await.map_err(mysql::error)?),
            };
            Ok(Box::new(SqlTransaction::new(self.dialect(), tx)) as Box<dyn Transaction>)
        })
    }
}

pub(crate) fn capabilities(dialect: Dialect) -> Capabilities {
    let mut caps = Capabilities::none();
    caps.json = dialect != Dialect::Sqlite;
    caps.returning = dialect != Dialect::Mysql;
    caps.transactions = true;
    caps
}

/// Maps sqlx errors that are not the database's own (pool, I/O, decoding) to portable kinds.
pub(crate) fn driver_error(err: sqlx::Error) -> AdapterError {
    let (kind, message) = match &err {
        sqlx::Error::PoolTimedOut => (
            AdapterErrorKind::Unavailable,
            "timed out waiting for a connection",
        ),
        sqlx::Error::PoolClosed => (AdapterErrorKind::Unavailable, "connection pool is closed"),
        sqlx::Error::Io(_) | sqlx::Error::Tls(_) | sqlx::Error::WorkerCrashed => (
            AdapterErrorKind::Unavailable,
            "lost the database connection",
        ),
        sqlx::Error::ColumnDecode { .. }
        | sqlx::Error::Decode(_)
        | sqlx::Error::ColumnNotFound(_)
        | sqlx::Error::ColumnIndexOutOfBounds { .. }
        | sqlx::Error::TypeNotFound { .. } => {
            (AdapterErrorKind::Decode, "could not decode a column")
        }
        _ => (AdapterErrorKind::Other, "database driver error"),
    };
    AdapterError::new(kind, message).with_source(err)
}

/// The URL without its password and query string, for `Debug`.
fn redact_url(url: &str) -> String {
    let without_query = url.split(['?', '#']).next().unwrap_or_default();
    let Some((scheme, rest)) = without_query.split_once("://") else {
        return without_query.to_owned();
    };
    let (authority, path) = rest.find('/').map_or((rest, ""), |i| rest.split_at(i));
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or_default();
            let masked = if userinfo.contains(':') { ":***" } else { "" };
            format!("{scheme}://{user}{masked}@{host}{path}")
        }
        None => without_query.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_urls_hide_passwords_and_queries() {
        let check = |url: &str, expected: &str| assert_eq!(redact_url(url), expected, "{url}");
        check(
            "postgres://app:s3cret@db:5432/auth",
            "postgres://app:***@db:5432/auth",
        );
        check("mysql://root@127.0.0.1/test", "mysql://root@127.0.0.1/test");
        check("postgres://db/auth?password=s3cret", "postgres://db/auth");
        check("sqlite::memory:", "sqlite::memory:");
        check("sqlite://data/app.db?mode=rwc", "sqlite://data/app.db");
        check("postgres://a:p@ss@h/x", "postgres://a:***@h/x");
    }
}
