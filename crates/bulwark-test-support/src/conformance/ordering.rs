//! Conformance cases: sorting (directions, nulls, several keys, case), the primary-key tie-breaker, and
//! limit/offset paging.

use bulwark_core::Where;
use bulwark_core::adapter::{Case, Op, Sort};

use super::{page, seed};
use crate::TestDb;

/// Asserts the ids of all people sorted by `sort`.
async fn check(db: &TestDb, sort: &[Sort], expected: &[&str]) {
    let got = page(db, "person", &Where::all(), sort, None, None).await;
    assert_eq!(got, expected, "{sort:?}");
}

fn insensitive(mut sort: Sort) -> Sort {
    sort.case = Case::Insensitive;
    sort
}

/// Ascending puts nulls first and descending puts them last, for integers, floats, booleans and
/// timestamps; equal keys fall back to primary-key order.
///
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › findMany - should find many models with sortBy
pub async fn sort_directions_and_nulls(db: &TestDb) {
    seed(db).await;
    check(
        db,
        &[Sort::asc("age")],
        &["p03", "p02", "p05", "p01", "p04"],
    )
    .await;
    check(
        db,
        &[Sort::desc("age")],
        &["p04", "p01", "p02", "p05", "p03"],
    )
    .await;
    check(
        db,
        &[Sort::desc("score")],
        &["p02", "p01", "p05", "p04", "p03"],
    )
    .await;
    check(
        db,
        &[Sort::asc("score")],
        &["p03", "p04", "p05", "p01", "p02"],
    )
    .await;
    check(
        db,
        &[Sort::asc("active")],
        &["p03", "p02", "p05", "p01", "p04"],
    )
    .await;
    // Bob and Erin were born one millisecond apart.
    check(
        db,
        &[Sort::asc("bornAt")],
        &["p03", "p01", "p02", "p05", "p04"],
    )
    .await;
    check(
        db,
        &[Sort::desc("bornAt")],
        &["p04", "p05", "p02", "p01", "p03"],
    )
    .await;
}

/// Several sort keys apply in order, each with its own direction.
pub async fn sort_by_several_keys(db: &TestDb) {
    seed(db).await;
    check(
        db,
        &[Sort::asc("org"), Sort::desc("age")],
        &["p04", "p01", "p02", "p05", "p03"],
    )
    .await;
    check(
        db,
        &[Sort::desc("org"), Sort::asc("handle")],
        &["p03", "p05", "p01", "p02", "p04"],
    )
    .await;
    check(
        db,
        &[Sort::asc("age"), Sort::desc("id")],
        &["p03", "p05", "p02", "p01", "p04"],
    )
    .await;
}

/// `Case::Insensitive` sorts by the lower-cased string.
pub async fn sort_case_insensitively(db: &TestDb) {
    seed(db).await;
    check(
        db,
        &[insensitive(Sort::asc("name"))],
        &["p01", "p02", "p03", "p04", "p05"],
    )
    .await;
    check(
        db,
        &[insensitive(Sort::desc("name"))],
        &["p05", "p04", "p03", "p02", "p01"],
    )
    .await;
    check(
        db,
        &[insensitive(Sort::asc("email"))],
        &["p04", "p01", "p02", "p03", "p05"],
    )
    .await;
}

/// Rows with equal sort keys come back in primary-key order, so pages never overlap.
pub async fn sort_ties_break_by_primary_key(db: &TestDb) {
    for id in ["k3", "k1", "k5", "k2", "k4"] {
        let row = super::person(id, "same").with("age", 7_i64);
        super::create(db, "person", row).await;
    }
    check(db, &[Sort::asc("name")], &["k1", "k2", "k3", "k4", "k5"]).await;
    check(db, &[Sort::desc("age")], &["k1", "k2", "k3", "k4", "k5"]).await;
    let mut paged = Vec::new();
    for offset in [0, 2, 4] {
        paged.extend(
            page(
                db,
                "person",
                &Where::all(),
                &[Sort::desc("name")],
                Some(2),
                Some(offset),
            )
            .await,
        );
    }
    assert_eq!(paged, ["k1", "k2", "k3", "k4", "k5"]);
}

/// `limit` and `offset` page through sorted, filtered results.
///
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › findMany - should find many models with limit
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › findMany - should find many models with offset
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › findMany - should find many models with limit and offset
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › findMany - should find many models with sortBy and limit and offset and where
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › findMany - should find many models with sortBy and offset
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › findMany - should find many models with sortBy and limit
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › findMany - should find many models with sortBy and limit and offset
pub async fn limit_and_offset(db: &TestDb) {
    seed(db).await;
    let all = Where::all();
    let by_age = [Sort::asc("age")];
    assert_eq!(
        page(db, "person", &all, &by_age, Some(2), None).await,
        ["p03", "p02"]
    );
    assert_eq!(
        page(db, "person", &all, &by_age, Some(2), Some(2)).await,
        ["p05", "p01"]
    );
    assert_eq!(
        page(db, "person", &all, &by_age, Some(2), Some(4)).await,
        ["p04"]
    );
    assert_eq!(
        page(db, "person", &all, &by_age, Some(2), Some(5)).await,
        Vec::<String>::new()
    );
    assert_eq!(
        page(db, "person", &all, &[], Some(3), None).await,
        ["p01", "p02", "p03"]
    );
    assert_eq!(
        page(db, "person", &all, &[], None, Some(3)).await,
        ["p04", "p05"]
    );
    assert_eq!(
        page(db, "person", &all, &[], Some(0), None).await,
        Vec::<String>::new()
    );
    let with_age = Where::cmp("age", Op::Ne, bulwark_core::Value::Null);
    let oldest_first = [Sort::desc("age")];
    assert_eq!(
        page(db, "person", &with_age, &oldest_first, Some(2), Some(1)).await,
        ["p01", "p02"]
    );
}
