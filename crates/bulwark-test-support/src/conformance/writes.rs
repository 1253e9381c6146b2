//! Conformance cases: `update`, `update_many`, `delete`, `delete_many`, `consume_one` and
//! `increment_one`.

use bulwark_core::adapter::{Find, Increment, Op, Update};
use bulwark_core::{AdapterError, Row, Value, Where};
use time::macros::datetime;

use super::{create, find, id_of, ids, seed};
use crate::TestDb;

async fn update(db: &TestDb, filter: &Where, data: Row) -> Result<Option<Row>, AdapterError> {
    let schema = db.schema();
    db.adapter()
        .update(Update {
            schema,
            model: "person",
            filter,
            data,
        })
        .await
}

async fn update_many(db: &TestDb, filter: &Where, data: Row) -> Result<u64, AdapterError> {
    let schema = db.schema();
    db.adapter()
        .update_many(Update {
            schema,
            model: "person",
            filter,
            data,
        })
        .await
}

async fn increment(
    db: &TestDb,
    filter: &Where,
    by: i64,
    set: Row,
) -> Result<Option<Row>, AdapterError> {
    let schema = db.schema();
    db.adapter()
        .increment_one(Increment {
            schema,
            model: "counter",
            filter,
            field: "count",
            by,
            set,
        })
        .await
}

/// `update` returns the whole row after the change and leaves other fields alone, also when the filter
/// is on a field it changes.
///
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › update - should update a model
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › update - should correctly return record when updating a field used in where clause
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › update - should handle updating multiple fields including where clause field
pub async fn update_returns_the_changed_row(db: &TestDb) {
    seed(db).await;
    let before = find(db, "person", &Where::eq("id", "p02"))
        .await
        .unwrap_or_default();
    let change = Row::new()
        .with("name", "robert")
        .with("age", 26_i64)
        .with("bornAt", datetime!(2020-02-29 23:59:59.999 UTC))
        .with("email", Value::Null);
    let updated = update(db, &Where::eq("name", "bob"), change.clone())
        .await
        .map_err(|e| e.to_string());
    let mut expected = before;
    expected.merge(change);
    assert_eq!(updated, Ok(Some(expected.clone())));
    assert_eq!(
        find(db, "person", &Where::eq("id", "p02")).await,
        Some(expected)
    );
    assert_eq!(
        ids(db, "person", &Where::eq("name", "bob")).await,
        Vec::<String>::new()
    );
}

/// `update` changes only the first match in primary-key order, and returns `None` when nothing matches.
///
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › update - should return null when a multi-predicate where matches no row
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › update - should return updated record when where condition uses null value
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › update - should work when updated field is not in where clause
pub async fn update_changes_one_row(db: &TestDb) {
    seed(db).await;
    let updated = update(
        db,
        &Where::eq("age", 25_i64),
        Row::new().with("handle", "x"),
    )
    .await;
    assert_eq!(
        updated.ok().flatten().as_ref().map(id_of).as_deref(),
        Some("p02")
    );
    assert_eq!(ids(db, "person", &Where::eq("handle", "x")).await, ["p02"]);
    let none = update(
        db,
        &Where::eq("age", 25_i64).and(Where::eq("name", "zed")),
        Row::new().with("handle", "y"),
    )
    .await;
    assert_eq!(none.map_err(|e| e.to_string()), Ok(None));
    assert_eq!(
        ids(db, "person", &Where::eq("handle", "y")).await,
        Vec::<String>::new()
    );
    let by_null = update(
        db,
        &Where::eq("age", Value::Null),
        Row::new().with("age", 1_i64),
    )
    .await;
    let row = by_null.ok().flatten();
    assert_eq!(row.as_ref().map(id_of).as_deref(), Some("p03"));
    assert_eq!(row.and_then(|r| r.get("age").cloned()), Some(Value::Int(1)));
}

/// `update_many` changes every match and returns how many.
///
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › updateMany - should update many models with a specific where
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › updateMany - should update all models when where is empty
pub async fn update_many_returns_the_count(db: &TestDb) {
    seed(db).await;
    let changed = update_many(
        db,
        &Where::eq("age", 25_i64),
        Row::new().with("active", true),
    )
    .await;
    assert_eq!(changed.map_err(|e| e.to_string()), Ok(2));
    assert_eq!(
        ids(db, "person", &Where::eq("active", true)).await,
        ["p01", "p02", "p04", "p05"]
    );
    let none = update_many(
        db,
        &Where::eq("name", "zed"),
        Row::new().with("active", false),
    )
    .await;
    assert_eq!(none.map_err(|e| e.to_string()), Ok(0));
    let all = update_many(db, &Where::all(), Row::new().with("score", 9.5)).await;
    assert_eq!(all.map_err(|e| e.to_string()), Ok(5));
    assert_eq!(ids(db, "person", &Where::eq("score", 9.5)).await.len(), 5);
}

/// `delete` removes the first match only and is a no-op without one; `delete_many` returns the count.
///
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › delete - should delete by non-unique field
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › delete - should not throw on record not found
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › deleteMany - should delete many models with boolean values
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › delete - should delete a model
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › deleteMany - should delete many models
pub async fn delete_and_delete_many(db: &TestDb) {
    seed(db).await;
    let schema = db.schema();
    let delete = |filter: Where| {
        let adapter = db.adapter();
        async move {
            adapter
                .delete(Find {
                    schema,
                    model: "person",
                    filter: &filter,
                })
                .await
                .map_err(|e| e.to_string())
        }
    };
    assert_eq!(delete(Where::eq("age", 25_i64)).await, Ok(()));
    assert_eq!(
        ids(db, "person", &Where::all()).await,
        ["p01", "p03", "p04", "p05"]
    );
    assert_eq!(delete(Where::eq("name", "zed")).await, Ok(()));
    let delete_many = |filter: Where| {
        let adapter = db.adapter();
        async move {
            adapter
                .delete_many(Find {
                    schema,
                    model: "person",
                    filter: &filter,
                })
                .await
                .map_err(|e| e.to_string())
        }
    };
    assert_eq!(delete_many(Where::eq("active", true)).await, Ok(2));
    assert_eq!(delete_many(Where::cmp("age", Op::Gt, 100_i64)).await, Ok(0));
    assert_eq!(ids(db, "person", &Where::all()).await, ["p03", "p05"]);
    assert_eq!(delete_many(Where::all()).await, Ok(2));
    assert_eq!(ids(db, "person", &Where::all()).await, Vec::<String>::new());
}

/// `consume_one` returns the row it deletes, once.
pub async fn consume_one_returns_the_row_once(db: &TestDb) {
    let expires = datetime!(2026-01-01 00:10:00 UTC);
    let token = create(
        db,
        "token",
        Row::new()
            .with("id", "t1")
            .with("value", "abc")
            .with("expiresAt", expires),
    )
    .await;
    create(
        db,
        "token",
        Row::new().with("id", "t2").with("value", "def"),
    )
    .await;
    let schema = db.schema();
    let filter = Where::eq("value", "abc");
    let first = db
        .adapter()
        .consume_one(Find {
            schema,
            model: "token",
            filter: &filter,
        })
        .await;
    assert_eq!(first.map_err(|e| e.to_string()), Ok(Some(token)));
    let second = db
        .adapter()
        .consume_one(Find {
            schema,
            model: "token",
            filter: &filter,
        })
        .await;
    assert_eq!(second.map_err(|e| e.to_string()), Ok(None));
    assert_eq!(ids(db, "token", &Where::all()).await, ["t2"]);
}

/// `increment_one` adds to the field, sets other fields, and returns the row after the change; a guard
/// on the field that no longer holds returns `None` and changes nothing.
///
/// upstream: packages/test-utils/src/adapter/suites/basic.ts › normal › incrementOne - guarded set transition returns the row on a matching guard and null on a guard miss
pub async fn increment_one_adds_and_sets(db: &TestDb) {
    create(
        db,
        "counter",
        Row::new()
            .with("id", "c1")
            .with("count", 5_i64)
            .with("label", "pending"),
    )
    .await;
    create(
        db,
        "counter",
        Row::new().with("id", "c2").with("count", 100_i64),
    )
    .await;
    let touched = datetime!(2026-01-01 00:00:01.5 UTC);
    let c1 = Where::eq("id", "c1");
    let set = Row::new().with("label", "done").with("touchedAt", touched);
    let pending = c1.clone().and(Where::eq("label", "pending"));
    let row = increment(db, &pending, 3, set.clone())
        .await
        .map_err(|e| e.to_string());
    let expected = Row::new()
        .with("id", "c1")
        .with("count", 8_i64)
        .with("label", "done")
        .with("touchedAt", touched);
    assert_eq!(row, Ok(Some(expected)));
    assert_eq!(
        increment(db, &pending, 3, set)
            .await
            .map_err(|e| e.to_string()),
        Ok(None)
    );
    let below_eight = c1.clone().and(Where::cmp("count", Op::Lt, 8_i64));
    assert_eq!(
        increment(db, &below_eight, 1, Row::new())
            .await
            .map_err(|e| e.to_string()),
        Ok(None)
    );
    let row = increment(db, &c1, -10, Row::new()).await.ok().flatten();
    assert_eq!(
        row.and_then(|r| r.get("count").cloned()),
        Some(Value::Int(-2))
    );
    let other = find(db, "counter", &Where::eq("id", "c2")).await;
    assert_eq!(
        other.and_then(|r| r.get("count").cloned()),
        Some(Value::Int(100))
    );
}
