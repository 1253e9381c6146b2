//! Conformance cases: every operator, case sensitivity, SQL null logic, boolean nesting and `Exists`.

use bulwark_core::adapter::{Case, Clause, Connector, Find, Op};
use bulwark_core::{Value, Where};
use time::macros::datetime;

use super::{BOB_BORN, find, has_email, id_of, ids, seed};
use crate::TestDb;

/// Asserts that `filter` over `person` matches exactly `expected`, in primary-key order.
async fn check(db: &TestDb, filter: Where, expected: &[&str]) {
    assert_eq!(ids(db, "person", &filter).await, expected, "{filter:?}");
}

fn strings(items: &[&str]) -> Value {
    Value::StringList(items.iter().map(|s| (*s).to_owned()).collect())
}

fn cmp_ci(field: &str, op: Op, value: impl Into<Value>) -> Where {
    Where::cmp_case(field, op, value, Case::Insensitive)
}

/// `eq` and `ne` on strings, integers, floats, booleans and timestamps; `ne` never matches null.
///
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › findMany - should find many models with eq operator
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › findMany - should find many models with ne operator
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › findMany - should return an empty array when no models are found
pub async fn eq_and_ne(db: &TestDb) {
    seed(db).await;
    check(db, Where::eq("name", "bob"), &["p02"]).await;
    check(
        db,
        Where::cmp("name", Op::Ne, "bob"),
        &["p01", "p03", "p04", "p05"],
    )
    .await;
    check(db, Where::eq("age", 25_i64), &["p02", "p05"]).await;
    check(db, Where::cmp("age", Op::Ne, 25_i64), &["p01", "p04"]).await;
    check(db, Where::eq("score", 2.25), &["p02"]).await;
    check(db, Where::cmp("score", Op::Ne, 1.5), &["p02", "p04", "p05"]).await;
    check(db, Where::eq("active", true), &["p01", "p04"]).await;
    check(db, Where::cmp("active", Op::Ne, true), &["p02", "p05"]).await;
    check(db, Where::eq("bornAt", BOB_BORN), &["p02"]).await;
    check(
        db,
        Where::cmp("bornAt", Op::Ne, BOB_BORN),
        &["p01", "p04", "p05"],
    )
    .await;
    check(db, Where::eq("name", "nobody"), &[]).await;
}

/// `lt`, `lte`, `gt`, `gte` on integers, floats, timestamps and strings.
///
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › findMany - should find many models with gt operator
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › findMany - should find many models with lte operator
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › findMany - should find many models with gte operator
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › findMany - should find many models with lt operator
pub async fn ordering_operators(db: &TestDb) {
    seed(db).await;
    check(db, Where::cmp("age", Op::Lt, 30_i64), &["p02", "p05"]).await;
    check(
        db,
        Where::cmp("age", Op::Lte, 30_i64),
        &["p01", "p02", "p05"],
    )
    .await;
    check(db, Where::cmp("age", Op::Gt, 25_i64), &["p01", "p04"]).await;
    check(db, Where::cmp("age", Op::Gte, 40_i64), &["p04"]).await;
    check(db, Where::cmp("score", Op::Lt, 0.0), &["p04"]).await;
    check(db, Where::cmp("score", Op::Gte, 1.5), &["p01", "p02"]).await;
    check(db, Where::cmp("bornAt", Op::Gt, BOB_BORN), &["p04", "p05"]).await;
    check(db, Where::cmp("bornAt", Op::Lte, BOB_BORN), &["p01", "p02"]).await;
    let y2k = datetime!(2000-01-01 00:00:00 UTC);
    check(db, Where::cmp("bornAt", Op::Gte, y2k), &["p04"]).await;
    check(db, Where::cmp("handle", Op::Lt, "bo"), &["p01", "p03"]).await;
    check(
        db,
        Where::cmp("handle", Op::Lte, "bo"),
        &["p01", "p02", "p03"],
    )
    .await;
    check(db, Where::cmp("handle", Op::Gt, "bo"), &["p05"]).await;
    check(db, Where::cmp("handle", Op::Gte, "er"), &["p05"]).await;
}

/// `in` and `not_in` on strings and integers; an empty `in` matches nothing and an empty `not_in` every
/// non-null value.
///
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › findMany - should find many models with in operator
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › findMany - should find many models with not_in operator
pub async fn in_and_not_in(db: &TestDb) {
    seed(db).await;
    check(
        db,
        Where::cmp("name", Op::In, strings(&["alice", "dave", "zed"])),
        &["p01", "p04"],
    )
    .await;
    check(
        db,
        Where::cmp("name", Op::NotIn, strings(&["alice", "dave"])),
        &["p02", "p03", "p05"],
    )
    .await;
    check(
        db,
        Where::cmp("age", Op::In, Value::NumberList(vec![25, 40])),
        &["p02", "p04", "p05"],
    )
    .await;
    check(
        db,
        Where::cmp("age", Op::NotIn, Value::NumberList(vec![25])),
        &["p01", "p04"],
    )
    .await;
    check(
        db,
        Where::cmp("age", Op::In, Value::NumberList(vec![])),
        &[],
    )
    .await;
    check(db, Where::cmp("name", Op::In, strings(&[])), &[]).await;
    let everyone_with_age = ["p01", "p02", "p04", "p05"];
    check(
        db,
        Where::cmp("age", Op::NotIn, Value::NumberList(vec![])),
        &everyone_with_age,
    )
    .await;
    check(
        db,
        Where::cmp("name", Op::NotIn, strings(&[])),
        &["p01", "p02", "p03", "p04", "p05"],
    )
    .await;
}

/// `contains`, `starts_with` and `ends_with` are substring tests.
///
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › findMany - should find many models with contains operator
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › findMany - should find many models with starts_with operator
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › findMany - should find many models with ends_with operator
pub async fn pattern_operators(db: &TestDb) {
    seed(db).await;
    check(
        db,
        Where::cmp("email", Op::Contains, "example"),
        &["p02", "p05"],
    )
    .await;
    check(
        db,
        Where::cmp("email", Op::Contains, "Example"),
        &["p01", "p03"],
    )
    .await;
    check(db, Where::cmp("name", Op::StartsWith, "a"), &["p01"]).await;
    check(db, Where::cmp("name", Op::StartsWith, "ca"), &[]).await;
    check(db, Where::cmp("email", Op::EndsWith, ".org"), &["p02"]).await;
    check(db, Where::cmp("email", Op::EndsWith, "example"), &[]).await;
    check(
        db,
        Where::cmp("name", Op::Contains, ""),
        &["p01", "p02", "p03", "p04", "p05"],
    )
    .await;
}

/// `%`, `_`, `\` and regular-expression characters in a pattern are literal.
///
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › findMany - starts_with should not interpret regex patterns
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › findMany - contains should not interpret regex patterns
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › deleteMany - contains should not interpret regex patterns
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › findMany - ends_with should not interpret regex patterns
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › findMany - should find many models with contains operator (using symbol)
pub async fn pattern_operators_are_literal(db: &TestDb) {
    for (id, name) in [
        ("p1", "100%_off"),
        ("p2", "100 percent off"),
        ("p3", "back\\slash"),
        ("p4", "a.b*c"),
        ("p5", "axbbbc"),
        ("p6", "[x]"),
    ] {
        super::create(db, "person", super::person(id, name)).await;
    }
    check(db, Where::cmp("name", Op::Contains, "%"), &["p1"]).await;
    check(db, Where::cmp("name", Op::Contains, "%_o"), &["p1"]).await;
    check(db, Where::cmp("name", Op::StartsWith, "1%"), &[]).await;
    check(db, Where::cmp("name", Op::StartsWith, "100_"), &[]).await;
    check(db, Where::cmp("name", Op::EndsWith, "_off"), &["p1"]).await;
    check(db, Where::cmp("name", Op::EndsWith, "%off"), &[]).await;
    check(db, Where::cmp("name", Op::Contains, "\\"), &["p3"]).await;
    check(db, Where::cmp("name", Op::Contains, "k\\s"), &["p3"]).await;
    check(db, Where::cmp("name", Op::StartsWith, "back\\"), &["p3"]).await;
    check(db, Where::cmp("name", Op::Contains, ".b*"), &["p4"]).await;
    check(db, Where::cmp("name", Op::StartsWith, "a.b"), &["p4"]).await;
    check(db, Where::cmp("name", Op::Contains, "[x]"), &["p6"]).await;
    check(
        db,
        Where::cmp_case("name", Op::Contains, "%_OFF", Case::Insensitive),
        &["p1"],
    )
    .await;
    check(
        db,
        Where::cmp_case("name", Op::StartsWith, "_", Case::Insensitive),
        &[],
    )
    .await;
    let deleted = db
        .adapter()
        .delete_many(Find {
            schema: db.schema(),
            model: "person",
            filter: &Where::cmp("name", Op::Contains, "_"),
        })
        .await
        .map_err(|e| e.to_string());
    assert_eq!(deleted, Ok(1));
    check(db, Where::all(), &["p2", "p3", "p4", "p5", "p6"]).await;
}

/// Comparisons are case-sensitive unless the filter says otherwise.
///
/// upstream: packages/test-utils/src/adapter/suites/case-insensitive.ts › case-insensitive › findOne - eq with mode sensitive (default) should not match different case
pub async fn case_sensitive_by_default(db: &TestDb) {
    seed(db).await;
    check(db, Where::eq("email", "alice@example.com"), &[]).await;
    check(db, Where::eq("name", "carol"), &[]).await;
    check(db, Where::eq("name", "Carol"), &["p03"]).await;
    check(
        db,
        Where::cmp("name", Op::In, strings(&["ALICE", "Carol"])),
        &["p03"],
    )
    .await;
    check(db, Where::cmp("email", Op::StartsWith, "alice"), &[]).await;
    check(db, Where::cmp("email", Op::EndsWith, "EXAMPLE.COM"), &[]).await;
}

/// `Case::Insensitive` compares lower-cased strings for every string operator.
///
/// upstream: packages/test-utils/src/adapter/suites/case-insensitive.ts › case-insensitive › findOne - eq with mode insensitive should match regardless of case
/// upstream: packages/test-utils/src/adapter/suites/case-insensitive.ts › case-insensitive › findMany - ne with mode insensitive
/// upstream: packages/test-utils/src/adapter/suites/case-insensitive.ts › case-insensitive › findMany - eq with mode insensitive
/// upstream: packages/test-utils/src/adapter/suites/case-insensitive.ts › case-insensitive › findMany - in with mode insensitive
/// upstream: packages/test-utils/src/adapter/suites/case-insensitive.ts › case-insensitive › findMany - not_in with mode insensitive
/// upstream: packages/test-utils/src/adapter/suites/case-insensitive.ts › case-insensitive › findMany - contains with mode insensitive
/// upstream: packages/test-utils/src/adapter/suites/case-insensitive.ts › case-insensitive › findMany - starts_with with mode insensitive
/// upstream: packages/test-utils/src/adapter/suites/case-insensitive.ts › case-insensitive › findMany - ends_with with mode insensitive
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › findOne - should find a model with modified field name
pub async fn case_insensitive_matching(db: &TestDb) {
    seed(db).await;
    check(db, cmp_ci("email", Op::Eq, "alice@example.COM"), &["p01"]).await;
    check(db, cmp_ci("name", Op::Eq, "CAROL"), &["p03"]).await;
    check(
        db,
        cmp_ci("email", Op::Ne, "ALICE@EXAMPLE.COM"),
        &["p02", "p03", "p05"],
    )
    .await;
    check(
        db,
        cmp_ci(
            "email",
            Op::In,
            strings(&["CAROL@EXAMPLE.COM", "bob@example.org"]),
        ),
        &["p02", "p03"],
    )
    .await;
    check(
        db,
        cmp_ci("email", Op::NotIn, strings(&["ALICE@example.com"])),
        &["p02", "p03", "p05"],
    )
    .await;
    check(
        db,
        cmp_ci("email", Op::Contains, "EXAMPLE.COM"),
        &["p01", "p03", "p05"],
    )
    .await;
    check(db, cmp_ci("email", Op::StartsWith, "ALI"), &["p01"]).await;
    check(db, cmp_ci("email", Op::EndsWith, "EXAMPLE.ORG"), &["p02"]).await;
    let found = find(db, "person", &cmp_ci("email", Op::Eq, "ALICE@EXAMPLE.COM")).await;
    let stored = found.as_ref().and_then(|r| r.get("email")).cloned();
    assert_eq!(
        stored,
        Some(Value::from("Alice@Example.com")),
        "the stored case is kept"
    );
}

/// SQL three-valued logic: `eq`/`ne` null mean IS NULL / IS NOT NULL, every other comparison with a null
/// field is unknown, and `NOT unknown` is still unknown.
///
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › findMany - eq operator with null value (single condition) should use IS NULL
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › findMany - eq and ne operators with null value in AND group should use IS NULL / IS NOT NULL
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › findMany - eq and ne operators with null value in OR group should use IS NULL / IS NOT NULL
pub async fn null_semantics(db: &TestDb) {
    seed(db).await;
    let with_age = ["p01", "p02", "p04", "p05"];
    check(db, Where::eq("age", Value::Null), &["p03"]).await;
    check(db, Where::cmp("age", Op::Ne, Value::Null), &with_age).await;
    check(db, Where::eq("email", Value::Null), &["p04"]).await;
    check(
        db,
        Where::eq("bornAt", Value::Null).or(Where::eq("org", Value::Null)),
        &["p03", "p04"],
    )
    .await;
    check(
        db,
        Where::eq("age", Value::Null).and(Where::cmp("org", Op::Ne, Value::Null)),
        &["p03"],
    )
    .await;
    check(db, Where::cmp("age", Op::Lt, 100_i64).negate(), &[]).await;
    check(db, Where::eq("age", 25_i64).negate(), &["p01", "p04"]).await;
    check(db, Where::eq("age", Value::Null).negate(), &with_age).await;
    check(
        db,
        Where::cmp("age", Op::NotIn, Value::NumberList(vec![1])),
        &with_age,
    )
    .await;
    check(
        db,
        Where::cmp("age", Op::In, Value::NumberList(vec![25])).negate(),
        &["p01", "p04"],
    )
    .await;
    check(db, Where::cmp("email", Op::Contains, "@").negate(), &[]).await;
    // unknown OR true = true; unknown AND true = unknown; NOT (unknown OR false) = unknown.
    check(
        db,
        Where::eq("age", 99_i64).or(Where::eq("name", "Carol")),
        &["p03"],
    )
    .await;
    check(
        db,
        Where::cmp("age", Op::Gt, 0_i64).and(Where::eq("name", "Carol")),
        &[],
    )
    .await;
    check(
        db,
        Where::eq("age", 99_i64)
            .or(Where::eq("name", "zzz"))
            .negate(),
        &with_age,
    )
    .await;
    // NOT (unknown AND false) = NOT false = true.
    let all = ["p01", "p02", "p03", "p04", "p05"];
    check(
        db,
        Where::cmp("age", Op::Gt, 0_i64)
            .and(Where::eq("name", "zzz"))
            .negate(),
        &all,
    )
    .await;
}

/// `And`, `Or` and `Not` nest to any depth; empty `And` is true and empty `Or` false; upstream's flat
/// clause list groups like upstream.
///
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › findMany - should handle multiple where conditions with different operators
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › findMany - should find many models
pub async fn boolean_nesting(db: &TestDb) {
    seed(db).await;
    let acme_seniors = Where::eq("org", "acme").and(Where::cmp("age", Op::Gte, 30_i64));
    let globex_not_carol = Where::eq("org", "globex").and(Where::eq("name", "Carol").negate());
    check(
        db,
        acme_seniors.clone().or(globex_not_carol.clone()),
        &["p01", "p05"],
    )
    .await;
    check(
        db,
        acme_seniors.or(globex_not_carol).negate(),
        &["p02", "p03"],
    )
    .await;
    check(db, Where::all(), &["p01", "p02", "p03", "p04", "p05"]).await;
    check(db, Where::Or(Vec::new()), &[]).await;
    check(
        db,
        Where::Or(Vec::new()).negate(),
        &["p01", "p02", "p03", "p04", "p05"],
    )
    .await;
    let deep = Where::And(vec![Where::Or(vec![
        Where::And(vec![
            Where::eq("active", true),
            Where::Not(Box::new(Where::eq("age", 40_i64))),
        ]),
        Where::And(vec![
            Where::eq("active", false),
            Where::cmp("score", Op::Gt, 1.0),
        ]),
    ])]);
    check(db, deep, &["p01", "p02"]).await;
    let clause = |field: &str, value: &str, connector| Clause {
        field: field.to_owned(),
        op: Op::Eq,
        value: value.into(),
        connector,
        case: Case::Sensitive,
    };
    let flat = Where::from_clauses([
        clause("name", "bob", Connector::Or),
        clause("org", "acme", Connector::And),
        clause("name", "alice", Connector::Or),
        clause("name", "erin", Connector::Or),
    ]);
    check(db, flat, &["p01", "p02"]).await;
}

/// `Exists` over a related model, with and without a filter, negated and inside `Or`.
pub async fn exists_over_related_rows(db: &TestDb) {
    seed(db).await;
    check(db, has_email(None), &["p01", "p02", "p05"]).await;
    check(db, has_email(None).negate(), &["p03", "p04"]).await;
    check(
        db,
        has_email(Some(Where::eq("kind", "work"))),
        &["p01", "p05"],
    )
    .await;
    let verified_work = Where::eq("kind", "work").and(Where::eq("verified", true));
    check(db, has_email(Some(verified_work)), &["p01"]).await;
    // e4's `verified` is null, so `NOT verified = true` is unknown there.
    check(
        db,
        has_email(Some(Where::eq("verified", true).negate())),
        &["p01", "p02"],
    )
    .await;
    check(
        db,
        has_email(Some(Where::cmp("address", Op::Contains, "%work"))),
        &["p05"],
    )
    .await;
    check(
        db,
        has_email(Some(Where::eq("kind", "home"))).or(Where::eq("name", "dave")),
        &["p01", "p02", "p04"],
    )
    .await;
    let both =
        has_email(Some(Where::eq("kind", "home"))).and(has_email(Some(Where::eq("kind", "work"))));
    check(db, both, &["p01"]).await;
}

/// `find_one` returns the first match in primary-key order, or nothing.
///
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › findOne - should not throw on record not found
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › findOne - should find a model without id
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › findOne - should find a model using a reference field
pub async fn find_one_returns_the_first_match(db: &TestDb) {
    seed(db).await;
    let found = find(db, "person", &Where::eq("age", 25_i64)).await;
    assert_eq!(found.as_ref().map(id_of).as_deref(), Some("p02"));
    assert_eq!(find(db, "person", &Where::eq("name", "nobody")).await, None);
    let found = find(db, "email", &Where::eq("personId", "p05")).await;
    assert_eq!(found.as_ref().map(id_of).as_deref(), Some("e4"));
}

/// `count` counts the matching rows.
///
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › count - should count with where clause
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › count - should return 0 with no rows to count
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › count - should count many models
pub async fn count_matches(db: &TestDb) {
    let count = |filter: Where| async move {
        let schema = db.schema();
        let result = db
            .adapter()
            .count(Find {
                schema,
                model: "person",
                filter: &filter,
            })
            .await;
        result.map_err(|e| e.to_string())
    };
    assert_eq!(count(Where::all()).await, Ok(0));
    seed(db).await;
    assert_eq!(count(Where::all()).await, Ok(5));
    assert_eq!(count(Where::eq("age", 25_i64)).await, Ok(2));
    assert_eq!(count(Where::eq("email", Value::Null)).await, Ok(1));
    assert_eq!(count(has_email(None)).await, Ok(3));
    assert_eq!(count(Where::eq("name", "nobody")).await, Ok(0));
}
