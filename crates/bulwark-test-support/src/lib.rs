//! Test support for Bulwark: a fake clock and ids, one isolated database per test, and the adapter
//! conformance suite that every backend must pass.
//!
//! Not published; only tests depend on it, so it may read environment variables and panic.

pub mod clock;
pub mod conformance;
pub mod db;

pub use clock::{FakeClock, SequentialIds};
pub use db::{Backend, TestDb};

/// Emits one `#[tokio::test]` per (backend, conformance case), each in a module named after the backend.
///
/// ```text
/// mod db {
///     bulwark_test_support::conformance_tests!(memory: Memory, sqlite: Sqlite, postgres: Postgres, mysql: Mysql);
/// }
/// ```
///
/// The example yields tests named `db::memory::eq_and_ne`, `db::postgres::eq_and_ne`, and so on, so
/// `cargo nextest run -E 'test(/^db::postgres::/)'` selects one backend. Each test creates its own database
/// with [`TestDb::new`] from [`conformance::schema`], runs the case, and removes the database. A server
/// backend whose URL is unset is skipped (or fails under `CI`). The calling crate needs `tokio` with the
/// `macros` and `rt-multi-thread` features.
#[macro_export]
macro_rules! conformance_tests {
    ($($module:ident: $backend:ident),+ $(,)?) => {
        $(
            mod $module {
                $crate::conformance_tests!(@cases $backend; (flavor = "current_thread");
                    create_returns_the_stored_row,
                    round_trips_every_type,
                    round_trips_nulls,
                    timestamps_keep_milliseconds,
                    eq_and_ne,
                    ordering_operators,
                    in_and_not_in,
                    pattern_operators,
                    pattern_operators_are_literal,
                    case_sensitive_by_default,
                    case_insensitive_matching,
                    null_semantics,
                    boolean_nesting,
                    exists_over_related_rows,
                    find_one_returns_the_first_match,
                    count_matches,
                    sort_directions_and_nulls,
                    sort_by_several_keys,
                    sort_case_insensitively,
                    sort_ties_break_by_primary_key,
                    limit_and_offset,
                    update_returns_the_changed_row,
                    update_changes_one_row,
                    update_many_returns_the_count,
                    delete_and_delete_many,
                    consume_one_returns_the_row_once,
                    increment_one_adds_and_sets,
                    unique_field_violation,
                    composite_unique_violation,
                    duplicate_primary_key_violation,
                    required_field_violation,
                    foreign_key_violation,
                    delete_cascades,
                    delete_sets_null_or_restricts,
                    unknown_names_are_unsupported,
                    transaction_commit_makes_writes_visible,
                    transaction_rollback_discards_writes,
                    dropping_a_transaction_rolls_back,
                );
                $crate::conformance_tests!(@cases $backend; (flavor = "multi_thread", worker_threads = 2);
                    consume_one_is_single_use,
                    conditional_increments_stop_at_the_limit,
                    concurrent_increments_lose_nothing,
                );
            }
        )+
    };
    (@cases $backend:ident; $flavor:tt; $($case:ident),+ $(,)?) => {
        $(
            #[::tokio::test $flavor]
            async fn $case() {
                let schema = $crate::conformance::schema();
                let Some(db) = $crate::TestDb::new($crate::Backend::$backend, &schema).await else {
                    return;
                };
                $crate::conformance::$case(&db).await;
                db.cleanup().await;
            }
        )+
    };
}
