//! One fresh database per test on each backend: a temporary `SQLite` file, or a `bulwark_<random>` database
//! created on the `PostgreSQL`/`MariaDB` server named by the environment and dropped afterwards.

use std::collections::hash_map::RandomState;
use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::path::PathBuf;

use bulwark_core::schema::{FieldDef, FieldType, ModelDef, OnDelete, Schema};
use bulwark_sql::SqlAdapter;
use sqlx::Connection;

/// A backend under test.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Backend {
    Sqlite,
    Postgres,
    Mysql,
}

/// The schema the smoke tests use: a `user` table (a reserved word), and sessions referencing it.
pub(crate) fn schema() -> Schema {
    Schema::new(vec![
        ModelDef::new("user")
            .field(
                FieldDef::new("email", FieldType::String)
                    .required()
                    .unique()
                    .case_insensitive(),
            )
            .field(FieldDef::new("name", FieldType::String))
            .field(FieldDef::new("emailVerified", FieldType::Boolean).required())
            .field(FieldDef::new("createdAt", FieldType::Date).required())
            .field(FieldDef::new("count", FieldType::Number))
            .field(FieldDef::new("score", FieldType::Float))
            .field(FieldDef::new("tags", FieldType::StringList))
            .field(FieldDef::new("meta", FieldType::Json))
            .field(
                FieldDef::new("invitedBy", FieldType::String)
                    .references("user", "id")
                    .on_delete(OnDelete::SetNull),
            ),
        ModelDef::new("session")
            .table("sessions")
            .field(
                FieldDef::new("userId", FieldType::String)
                    .required()
                    .index()
                    .references("user", "id"),
            )
            .field(
                FieldDef::new("token", FieldType::String)
                    .required()
                    .unique(),
            )
            .field(FieldDef::new("expiresAt", FieldType::Date).column("expires_at")),
    ])
    .unwrap()
}

fn random_name() -> String {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    format!("bulwark_{:016x}", hasher.finish())
}

#[expect(
    clippy::disallowed_methods,
    reason = "tests choose their databases from the environment"
)]
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// `url` with its database (path) replaced by `database`.
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{database}", &base[..host_end]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

/// Runs `test` against a fresh database on `backend`; skips (or fails under CI) when the server is not
/// configured.
pub(crate) async fn run<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(SqlAdapter) -> Fut,
    Fut: Future<Output = ()>,
{
    let name = random_name();
    match backend {
        Backend::Sqlite => {
            let path: PathBuf = std::env::temp_dir().join(format!("{name}.db"));
            let url = format!("sqlite://{}", path.display());
            let db = SqlAdapter::connect(&url).await.unwrap();
            test(db.clone()).await;
            db.close().await;
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
        }
        Backend::Postgres | Backend::Mysql => {
            let var = match backend {
                Backend::Postgres => "BULWARK_TEST_POSTGRES_URL",
                _ => "BULWARK_TEST_MYSQL_URL",
            };
            let Some(admin_url) = env(var) else {
                assert!(env("CI").is_none(), "{var} must be set under CI");
                println!("skipped: {var} is not set");
                return;
            };
            let create = format!("CREATE DATABASE {name}");
            let drop = match backend {
                Backend::Postgres => format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                _ => format!("DROP DATABASE IF EXISTS {name}"),
            };
            let admin = |sql: String| {
                let admin_url = admin_url.clone();
                async move {
                    if matches!(backend, Backend::Postgres) {
                        let mut c = sqlx::PgConnection::connect(&admin_url).await.unwrap();
                        sqlx::raw_sql(&sql).execute(&mut c).await.unwrap();
                        c.close().await.unwrap();
                    } else {
                        let mut c = sqlx::MySqlConnection::connect(&admin_url).await.unwrap();
                        sqlx::raw_sql(&sql).execute(&mut c).await.unwrap();
                        c.close().await.unwrap();
                    }
                }
            };
            admin(create).await;
            let db = SqlAdapter::connect(&with_database(&admin_url, &name))
                .await
                .unwrap();
            test(db.clone()).await;
            db.close().await;
            admin(drop).await;
        }
    }
}

#[test]
fn database_urls_swap_their_path() {
    assert_eq!(
        with_database("postgres://postgres@127.0.0.1:5432/test", "x"),
        "postgres://postgres@127.0.0.1:5432/x"
    );
    assert_eq!(
        with_database("mysql://root@127.0.0.1:3306/test?ssl-mode=disabled", "x"),
        "mysql://root@127.0.0.1:3306/x?ssl-mode=disabled"
    );
    assert_eq!(
        with_database("mysql://root@127.0.0.1:3306", "x"),
        "mysql://root@127.0.0.1:3306/x"
    );
}
