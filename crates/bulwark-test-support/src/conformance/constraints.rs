//! Conformance cases: unique, required and foreign-key constraints with portable error kinds, on-delete
//! actions, and `Unsupported` for what the schema does not know.

use bulwark_core::adapter::{Find, FindMany, Update};
use bulwark_core::{AdapterErrorKind, Row, Value, Where};

use super::{create, find, ids, person, seed, try_create};
use crate::TestDb;

async fn create_error(db: &TestDb, model: &str, row: Row) -> Option<AdapterErrorKind> {
    try_create(db, model, row).await.err().map(|e| e.kind())
}

async fn update_error(
    db: &TestDb,
    model: &str,
    filter: Where,
    data: Row,
) -> Option<AdapterErrorKind> {
    let schema = db.schema();
    let result = db
        .adapter()
        .update(Update {
            schema,
            model,
            filter: &filter,
            data,
        })
        .await;
    result.err().map(|e| e.kind())
}

async fn delete_error(db: &TestDb, model: &str, filter: Where) -> Option<AdapterErrorKind> {
    let schema = db.schema();
    let result = db
        .adapter()
        .delete(Find {
            schema,
            model,
            filter: &filter,
        })
        .await;
    result.err().map(|e| e.kind())
}

/// A duplicate unique value fails with `UniqueViolation` on create and update; nulls never collide, and
/// a case-insensitive lookup field is still unique case-sensitively.
pub async fn unique_field_violation(db: &TestDb) {
    seed(db).await;
    let duplicate = person("p10", "x").with("email", "Alice@Example.com");
    assert_eq!(
        create_error(db, "person", duplicate).await,
        Some(AdapterErrorKind::UniqueViolation)
    );
    create(
        db,
        "person",
        person("p11", "x").with("email", "alice@example.com"),
    )
    .await;
    create(db, "person", person("p12", "x")).await;
    let taken = Row::new().with("email", "bob@example.org");
    let kind = update_error(db, "person", Where::eq("id", "p05"), taken).await;
    assert_eq!(kind, Some(AdapterErrorKind::UniqueViolation));
    let erin = find(db, "person", &Where::eq("id", "p05")).await;
    assert_eq!(
        erin.and_then(|r| r.get("email").cloned()),
        Some(Value::from("erin@example.com"))
    );
    let same = Row::new().with("value", "v");
    create(db, "token", same.clone().with("id", "t1")).await;
    assert_eq!(
        create_error(db, "token", same.with("id", "t2")).await,
        Some(AdapterErrorKind::UniqueViolation)
    );
}

/// A composite unique index rejects a repeated combination, but a null in any column makes rows distinct.
pub async fn composite_unique_violation(db: &TestDb) {
    seed(db).await;
    let pair = |id: &str, org: Option<&str>, handle: Option<&str>| {
        person(id, "x").with("org", org).with("handle", handle)
    };
    let kind = create_error(db, "person", pair("p10", Some("acme"), Some("al"))).await;
    assert_eq!(kind, Some(AdapterErrorKind::UniqueViolation));
    create(db, "person", pair("p11", Some("initech"), Some("al"))).await;
    create(db, "person", pair("p12", Some("acme"), Some("AL"))).await;
    create(db, "person", pair("p13", Some("acme"), None)).await;
    create(db, "person", pair("p14", Some("acme"), None)).await;
    let kind = update_error(
        db,
        "person",
        Where::eq("id", "p02"),
        Row::new().with("handle", "al"),
    )
    .await;
    assert_eq!(kind, Some(AdapterErrorKind::UniqueViolation));
    assert_eq!(
        ids(db, "person", &Where::eq("org", "acme")).await,
        ["p01", "p02", "p12", "p13", "p14"]
    );
}

/// A repeated primary key is a `UniqueViolation`.
pub async fn duplicate_primary_key_violation(db: &TestDb) {
    create(db, "person", person("p01", "alice")).await;
    assert_eq!(
        create_error(db, "person", person("p01", "again")).await,
        Some(AdapterErrorKind::UniqueViolation)
    );
    assert_eq!(
        find(db, "person", &Where::eq("id", "p01"))
            .await
            .and_then(|r| r.get("name").cloned()),
        Some(Value::from("alice"))
    );
}

/// A missing or nulled required field is a `ConstraintViolation`.
pub async fn required_field_violation(db: &TestDb) {
    let nameless = Row::new().with("id", "p01");
    assert_eq!(
        create_error(db, "person", nameless).await,
        Some(AdapterErrorKind::ConstraintViolation)
    );
    let null_name = person("p01", "x").with("name", Value::Null);
    assert_eq!(
        create_error(db, "person", null_name).await,
        Some(AdapterErrorKind::ConstraintViolation)
    );
    create(db, "person", person("p01", "alice")).await;
    let kind = update_error(
        db,
        "person",
        Where::eq("id", "p01"),
        Row::new().with("name", Value::Null),
    )
    .await;
    assert_eq!(kind, Some(AdapterErrorKind::ConstraintViolation));
    assert_eq!(
        ids(db, "person", &Where::eq("name", "alice")).await,
        ["p01"]
    );
}

/// A reference to a missing row is a `ForeignKeyViolation`, on create and on update.
pub async fn foreign_key_violation(db: &TestDb) {
    seed(db).await;
    let dangling = Row::new()
        .with("id", "e9")
        .with("personId", "nobody")
        .with("address", "a@b.c");
    assert_eq!(
        create_error(db, "email", dangling).await,
        Some(AdapterErrorKind::ForeignKeyViolation)
    );
    let kind = update_error(
        db,
        "email",
        Where::eq("id", "e1"),
        Row::new().with("personId", "nobody"),
    )
    .await;
    assert_eq!(kind, Some(AdapterErrorKind::ForeignKeyViolation));
    let moved = update_error(
        db,
        "email",
        Where::eq("id", "e1"),
        Row::new().with("personId", "p03"),
    )
    .await;
    assert_eq!(moved, None);
    assert_eq!(
        ids(db, "email", &Where::eq("personId", "p03")).await,
        ["e1"]
    );
}

/// Deleting a row deletes the rows that reference it with `ON DELETE CASCADE`, also through
/// `delete_many`.
pub async fn delete_cascades(db: &TestDb) {
    seed(db).await;
    assert_eq!(
        delete_error(db, "person", Where::eq("id", "p01")).await,
        None
    );
    assert_eq!(ids(db, "email", &Where::all()).await, ["e3", "e4"]);
    let schema = db.schema();
    let filter = Where::eq("org", "globex");
    let deleted = db
        .adapter()
        .delete_many(Find {
            schema,
            model: "person",
            filter: &filter,
        })
        .await;
    assert_eq!(deleted.map_err(|e| e.to_string()), Ok(2));
    assert_eq!(ids(db, "email", &Where::all()).await, ["e3"]);
}

/// `ON DELETE SET NULL` clears the reference; `ON DELETE RESTRICT` refuses the delete with
/// `ForeignKeyViolation` and changes nothing.
pub async fn delete_sets_null_or_restricts(db: &TestDb) {
    seed(db).await;
    create(
        db,
        "note",
        Row::new()
            .with("id", "n1")
            .with("authorId", "p01")
            .with("body", "hi"),
    )
    .await;
    create(
        db,
        "permit",
        Row::new()
            .with("id", "r1")
            .with("personId", "p02")
            .with("scope", "admin"),
    )
    .await;
    assert_eq!(
        delete_error(db, "person", Where::eq("id", "p01")).await,
        None
    );
    let note = find(db, "note", &Where::eq("id", "n1")).await;
    assert_eq!(
        note.and_then(|r| r.get("authorId").cloned()),
        Some(Value::Null)
    );

    assert_eq!(
        delete_error(db, "person", Where::eq("id", "p02")).await,
        Some(AdapterErrorKind::ForeignKeyViolation)
    );
    assert_eq!(ids(db, "person", &Where::eq("id", "p02")).await, ["p02"]);
    assert_eq!(
        ids(db, "email", &Where::eq("personId", "p02")).await,
        ["e3"]
    );
    assert_eq!(
        delete_error(db, "permit", Where::eq("id", "r1")).await,
        None
    );
    assert_eq!(
        delete_error(db, "person", Where::eq("id", "p02")).await,
        None
    );
    assert_eq!(
        ids(db, "person", &Where::all()).await,
        ["p03", "p04", "p05"]
    );
}

/// Unknown models and fields, and values of the wrong type, are `Unsupported`.
pub async fn unknown_names_are_unsupported(db: &TestDb) {
    let schema = db.schema();
    let adapter = db.adapter();
    let all = Where::all();
    let unknown_model = adapter
        .find_one(Find {
            schema,
            model: "nope",
            filter: &all,
        })
        .await;
    assert_eq!(
        unknown_model.err().map(|e| e.kind()),
        Some(AdapterErrorKind::Unsupported)
    );
    let unknown_field = Where::eq("nope", 1_i64);
    let query = FindMany {
        schema,
        model: "person",
        filter: &unknown_field,
        sort: &[],
        limit: None,
        offset: None,
    };
    assert_eq!(
        adapter.find_many(query).await.err().map(|e| e.kind()),
        Some(AdapterErrorKind::Unsupported)
    );
    let extra = person("p01", "x").with("nope", 1_i64);
    assert_eq!(
        create_error(db, "person", extra).await,
        Some(AdapterErrorKind::Unsupported)
    );
    let wrong_type = person("p01", "x").with("age", "forty");
    assert_eq!(
        create_error(db, "person", wrong_type).await,
        Some(AdapterErrorKind::Unsupported)
    );
    assert_eq!(
        create_error(db, "nope", person("p01", "x")).await,
        Some(AdapterErrorKind::Unsupported)
    );
    assert_eq!(ids(db, "person", &Where::all()).await, Vec::<String>::new());
}
