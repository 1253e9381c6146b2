//! Test support: `SQLite`'s `EXPLAIN QUERY PLAN` of a built statement, for tests that pin query plans.

use sea_query::SelectStatement;
use sea_query_binder::SqlxBinder as _;
use sqlx::{Row as _, SqliteConnection};

/// One step of a plan: its id, its parent's id, and what it does (`SEARCH t0 USING INDEX …`).
pub(crate) struct Step {
    pub(crate) id: i64,
    pub(crate) parent: i64,
    pub(crate) detail: String,
}

/// The plan of `stmt` on `conn`, in `SQLite`'s order.
pub(crate) async fn explain(conn: &mut SqliteConnection, stmt: &SelectStatement) -> Vec<Step> {
    let (sql, values) = stmt.build_sqlx(sea_query::SqliteQueryBuilder);
    sqlx::query_with(&format!("EXPLAIN QUERY PLAN {sql}"), values)
        .fetch_all(&mut *conn)
        .await
        .unwrap()
        .iter()
        .map(|row| Step {
            id: row.get("id"),
            parent: row.get("parent"),
            detail: row.get("detail"),
        })
        .collect()
}
