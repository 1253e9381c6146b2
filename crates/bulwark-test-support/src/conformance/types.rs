//! Conformance cases: rows of every field type survive a create/find round trip unchanged.

use bulwark_core::{Row, Value, Where};
use serde_json::json;
use time::OffsetDateTime;
use time::macros::datetime;

use super::{create, find, person};
use crate::TestDb;

/// `create` returns the row as stored: every field present, missing optional fields null.
///
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › create - should create a model
pub async fn create_returns_the_stored_row(db: &TestDb) {
    let created = create(db, "person", person("p01", "alice")).await;
    let schema = db.schema();
    let model = schema.model("person").map(|m| m.fields.len());
    assert_eq!(Some(created.len()), model, "every field is returned");
    assert_eq!(created.get("name"), Some(&Value::from("alice")));
    for field in [
        "email", "age", "score", "active", "bornAt", "profile", "tags", "lucky",
    ] {
        assert_eq!(created.get(field), Some(&Value::Null), "{field}");
    }
    let found = find(db, "person", &Where::eq("id", "p01")).await;
    assert_eq!(found, Some(created));
}

/// Every type round-trips exactly: strings with quotes and non-ASCII text, extreme integers, floats,
/// booleans, timestamps to the millisecond, nested JSON, and lists.
///
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › create - should support json
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › create - should support arrays
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › findOne - should find model with date field
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › findOne - should find a model
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › findOne - should find a model with modified model name
pub async fn round_trips_every_type(db: &TestDb) {
    let full = person("p01", "O'Brien \"Zoë\" \\ 名前 🚀")
        .with("email", "zoe@example.com")
        .with("age", i64::MAX)
        .with("score", -12.375)
        .with("active", true)
        .with("bornAt", datetime!(2026-02-03 04:05:06.789 UTC))
        .with(
            "profile",
            json!({"theme": "dark", "n": 42, "ratio": 0.5, "nested": {"list": [1, "two", null, true]}, "ünï": ""}),
        )
        .with(
            "tags",
            Value::StringList(vec![
                "a".into(),
                "b,c".into(),
                String::new(),
                "\"q\"".into(),
                "ünï".into(),
            ]),
        )
        .with("lucky", Value::NumberList(vec![1, -2, 9_007_199_254_740_993]))
        .with("org", "")
        .with("handle", "x");
    let other = person("p02", "min")
        .with("age", i64::MIN)
        .with("score", 0.1)
        .with("active", false)
        .with("bornAt", datetime!(1970-01-01 00:00:00.001 UTC))
        .with("profile", json!([1, {"a": []}, "s"]))
        .with("tags", Value::StringList(Vec::new()))
        .with("lucky", Value::NumberList(Vec::new()));
    for row in [full, other] {
        let id = row.get("id").cloned().unwrap_or(Value::Null);
        let created = create(db, "person", row.clone()).await;
        for (field, value) in row.iter() {
            assert_eq!(created.get(field), Some(value), "created {field}");
        }
        let found = find(db, "person", &Where::eq("id", id)).await;
        assert_eq!(found.as_ref(), Some(&created), "found equals created");
    }
}

/// Null round-trips for every optional type, and an explicit null equals an omitted field.
///
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › create - should return null for nullable foreign keys
pub async fn round_trips_nulls(db: &TestDb) {
    let mut explicit = person("p01", "nulls");
    for field in [
        "email", "age", "score", "active", "bornAt", "profile", "tags", "lucky", "org", "handle",
    ] {
        explicit.set(field, Value::Null);
    }
    let created = create(db, "person", explicit).await;
    let omitted = create(db, "person", person("p02", "nulls")).await;
    let strip = |mut row: Row| {
        row.take("id");
        row
    };
    assert_eq!(strip(created.clone()), strip(omitted));
    assert_eq!(
        find(db, "person", &Where::eq("id", "p01")).await,
        Some(created)
    );
    let note = create(db, "note", Row::new().with("id", "n1").with("body", "hi")).await;
    assert_eq!(note.get("authorId"), Some(&Value::Null));
}

/// Timestamps keep their milliseconds in storage, in equality and in range filters.
///
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › findMany - should find many models with date fields
pub async fn timestamps_keep_milliseconds(db: &TestDb) {
    let base = datetime!(2026-01-01 00:00:00.000 UTC);
    for (i, ms) in [0_i64, 1, 999, 1_000].into_iter().enumerate() {
        let row =
            person(&format!("p{i}"), "t").with("bornAt", base + time::Duration::milliseconds(ms));
        let created = create(db, "person", row).await;
        assert_eq!(
            created.get("bornAt").and_then(Value::as_timestamp),
            Some(base + time::Duration::milliseconds(ms))
        );
    }
    let at = |ms: i64| Value::from(base + time::Duration::milliseconds(ms));
    assert_eq!(
        super::ids(db, "person", &Where::eq("bornAt", at(999))).await,
        ["p2"]
    );
    let after = Where::cmp("bornAt", bulwark_core::adapter::Op::Gt, at(1));
    assert_eq!(super::ids(db, "person", &after).await, ["p2", "p3"]);
    let until = Where::cmp("bornAt", bulwark_core::adapter::Op::Lte, at(1));
    assert_eq!(super::ids(db, "person", &until).await, ["p0", "p1"]);
    let found = find(db, "person", &Where::eq("id", "p2")).await;
    let stored = found.and_then(|r| r.get("bornAt").and_then(Value::as_timestamp));
    assert_eq!(stored.map(OffsetDateTime::millisecond), Some(999));
    assert_eq!(
        stored.map(OffsetDateTime::offset),
        Some(time::UtcOffset::UTC)
    );
}
