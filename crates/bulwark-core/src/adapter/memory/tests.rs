//! Unit tests of the in-memory adapter's tricky parts: null logic, literal patterns, constraints, cascades.

use std::sync::Arc;

use super::MemoryAdapter;
use crate::adapter::{
    Adapter, AdapterErrorKind, Case, Create, Exists, Find, FindMany, Increment, Op, Row, Sort,
    Update, Value, Where,
};
use crate::schema::{FieldDef, FieldType, ModelDef, OnDelete, Schema};

fn schema() -> Schema {
    let parent = ModelDef::new("parent")
        .field(FieldDef::new("name", FieldType::String).unique())
        .field(FieldDef::new("score", FieldType::Number))
        .field(FieldDef::new("a", FieldType::String))
        .field(FieldDef::new("b", FieldType::String))
        .index("parent_a_b", &["a", "b"], true);
    let child = ModelDef::new("child")
        .field(
            FieldDef::new("parentId", FieldType::String)
                .required()
                .references("parent", "id"),
        )
        .field(FieldDef::new("kind", FieldType::String));
    let note = ModelDef::new("note").field(
        FieldDef::new("parentId", FieldType::String)
            .references("parent", "id")
            .on_delete(OnDelete::SetNull),
    );
    let lock = ModelDef::new("lock").field(
        FieldDef::new("childId", FieldType::String)
            .references("child", "id")
            .on_delete(OnDelete::Restrict),
    );
    Schema::new(vec![parent, child, note, lock]).unwrap()
}

async fn insert(db: &MemoryAdapter, schema: &Schema, model: &str, row: Row) {
    db.create(Create {
        schema,
        model,
        data: row,
    })
    .await
    .unwrap();
}

/// The ids of `model`'s rows matching `filter`, in primary-key order.
async fn ids(db: &dyn Adapter, schema: &Schema, model: &str, filter: &Where) -> Vec<String> {
    let rows = db
        .find_many(FindMany {
            schema,
            model,
            filter,
            sort: &[],
            limit: None,
            offset: None,
        })
        .await
        .unwrap();
    rows.iter()
        .map(|r| r.get("id").unwrap().as_str().unwrap().to_owned())
        .collect()
}

async fn seeded() -> (MemoryAdapter, Schema) {
    let schema = schema();
    let db = MemoryAdapter::new();
    insert(
        &db,
        &schema,
        "parent",
        Row::new()
            .with("id", "p1")
            .with("name", "100%_off")
            .with("score", 1_i64),
    )
    .await;
    insert(
        &db,
        &schema,
        "parent",
        Row::new().with("id", "p2").with("name", "100 percent off"),
    )
    .await;
    insert(
        &db,
        &schema,
        "parent",
        Row::new()
            .with("id", "p3")
            .with("name", "A\\b")
            .with("score", 3_i64),
    )
    .await;
    (db, schema)
}

#[tokio::test]
async fn comparisons_with_a_null_field_are_unknown_and_not_keeps_them_unknown() {
    let (db, schema) = seeded().await;
    let check = |filter: Where, expected: &'static [&'static str]| {
        let (db, schema) = (db.clone(), schema.clone());
        async move {
            assert_eq!(
                ids(&db, &schema, "parent", &filter).await,
                expected,
                "{filter:?}"
            );
        }
    };
    check(Where::eq("score", Value::Null), &["p2"]).await;
    check(Where::cmp("score", Op::Ne, Value::Null), &["p1", "p3"]).await;
    check(Where::cmp("score", Op::Ne, 1_i64), &["p3"]).await;
    check(Where::cmp("score", Op::Lt, 5_i64), &["p1", "p3"]).await;
    check(Where::cmp("score", Op::Lt, 5_i64).negate(), &[]).await;
    check(Where::eq("score", 1_i64).negate(), &["p3"]).await;
    check(Where::eq("score", Value::Null).negate(), &["p1", "p3"]).await;
    // Unknown OR true is true; unknown AND true is unknown; NOT(unknown OR false) stays unknown.
    check(Where::eq("score", 9_i64).or(Where::eq("id", "p2")), &["p2"]).await;
    check(
        Where::cmp("score", Op::Gt, 0_i64).and(Where::eq("id", "p2")),
        &[],
    )
    .await;
    check(
        Where::eq("score", 9_i64).or(Where::eq("id", "zz")).negate(),
        &["p1", "p3"],
    )
    .await;
    check(Where::cmp("score", Op::In, Value::NumberList(vec![])), &[]).await;
    check(
        Where::cmp("score", Op::NotIn, Value::NumberList(vec![])),
        &["p1", "p3"],
    )
    .await;
    check(
        Where::cmp("score", Op::NotIn, Value::NumberList(vec![3])),
        &["p1"],
    )
    .await;
    check(Where::Or(vec![]), &[]).await;
    check(Where::all(), &["p1", "p2", "p3"]).await;
}

#[tokio::test]
async fn pattern_operators_are_literal_and_optionally_case_insensitive() {
    let (db, schema) = seeded().await;
    let check = |filter: Where, expected: &'static [&'static str]| {
        let (db, schema) = (db.clone(), schema.clone());
        async move {
            assert_eq!(
                ids(&db, &schema, "parent", &filter).await,
                expected,
                "{filter:?}"
            );
        }
    };
    check(Where::cmp("name", Op::Contains, "%"), &["p1"]).await;
    check(Where::cmp("name", Op::Contains, "%_o"), &["p1"]).await;
    check(Where::cmp("name", Op::StartsWith, "100%"), &["p1"]).await;
    check(Where::cmp("name", Op::StartsWith, "100_"), &[]).await;
    check(Where::cmp("name", Op::StartsWith, "1%"), &[]).await;
    check(Where::cmp("name", Op::EndsWith, "_off"), &["p1"]).await;
    check(Where::cmp("name", Op::Contains, "\\"), &["p3"]).await;
    check(Where::cmp("name", Op::Contains, ".*"), &[]).await;
    check(Where::cmp("name", Op::StartsWith, "a\\"), &[]).await;
    check(
        Where::cmp_case("name", Op::StartsWith, "a\\", Case::Insensitive),
        &["p3"],
    )
    .await;
    check(
        Where::cmp_case("name", Op::Eq, "a\\B", Case::Insensitive),
        &["p3"],
    )
    .await;
    check(
        Where::cmp_case("name", Op::In, vec!["A\\B".to_owned()], Case::Insensitive),
        &["p3"],
    )
    .await;
}

#[tokio::test]
async fn exists_tests_related_rows_with_a_filter() {
    let (db, schema) = seeded().await;
    insert(
        &db,
        &schema,
        "child",
        Row::new()
            .with("id", "c1")
            .with("parentId", "p1")
            .with("kind", "work"),
    )
    .await;
    insert(
        &db,
        &schema,
        "child",
        Row::new().with("id", "c2").with("parentId", "p3"),
    )
    .await;
    let exists = |filter: Option<Where>| {
        Where::Exists(Box::new(Exists {
            model: "child".into(),
            foreign_field: "parentId".into(),
            local_field: "id".into(),
            filter,
        }))
    };
    assert_eq!(
        ids(&db, &schema, "parent", &exists(None)).await,
        ["p1", "p3"]
    );
    assert_eq!(
        ids(
            &db,
            &schema,
            "parent",
            &exists(Some(Where::eq("kind", "work")))
        )
        .await,
        ["p1"]
    );
    assert_eq!(
        ids(
            &db,
            &schema,
            "parent",
            &exists(Some(Where::eq("kind", "work"))).negate()
        )
        .await,
        ["p2", "p3"]
    );
}

#[tokio::test]
async fn delete_cascades_sets_null_and_restricts() {
    let (db, schema) = seeded().await;
    insert(
        &db,
        &schema,
        "child",
        Row::new().with("id", "c1").with("parentId", "p1"),
    )
    .await;
    insert(
        &db,
        &schema,
        "child",
        Row::new().with("id", "c2").with("parentId", "p2"),
    )
    .await;
    insert(
        &db,
        &schema,
        "note",
        Row::new().with("id", "n1").with("parentId", "p1"),
    )
    .await;
    insert(
        &db,
        &schema,
        "lock",
        Row::new().with("id", "l2").with("childId", "c2"),
    )
    .await;

    let p1 = Where::eq("id", "p1");
    db.delete(Find {
        schema: &schema,
        model: "parent",
        filter: &p1,
    })
    .await
    .unwrap();
    assert_eq!(ids(&db, &schema, "child", &Where::all()).await, ["c2"]);
    let note = db
        .find_one(Find {
            schema: &schema,
            model: "note",
            filter: &Where::all(),
        })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(note.get("parentId"), Some(&Value::Null));

    // `lock` restricts deleting `c2`, so deleting `p2` (which would cascade to `c2`) fails and changes nothing.
    let p2 = Where::eq("id", "p2");
    let err = db
        .delete(Find {
            schema: &schema,
            model: "parent",
            filter: &p2,
        })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), AdapterErrorKind::ForeignKeyViolation);
    assert_eq!(
        ids(&db, &schema, "parent", &Where::all()).await,
        ["p2", "p3"]
    );
    assert_eq!(ids(&db, &schema, "child", &Where::all()).await, ["c2"]);
}

#[tokio::test]
async fn constraints_map_to_portable_kinds() {
    let (db, schema) = seeded().await;
    let create = |model: &'static str, row: Row| {
        let (db, schema) = (db.clone(), schema.clone());
        async move {
            db.create(Create {
                schema: &schema,
                model,
                data: row,
            })
            .await
            .unwrap_err()
            .kind()
        }
    };
    assert_eq!(
        create("parent", Row::new().with("id", "p1")).await,
        AdapterErrorKind::UniqueViolation
    );
    assert_eq!(
        create("parent", Row::new().with("id", "p9").with("name", "A\\b")).await,
        AdapterErrorKind::UniqueViolation
    );
    // Uniqueness is case-sensitive, even where lookups are not.
    db.create(Create {
        schema: &schema,
        model: "parent",
        data: Row::new().with("id", "p4").with("name", "a\\b"),
    })
    .await
    .unwrap();
    assert_eq!(
        create("child", Row::new().with("id", "c1")).await,
        AdapterErrorKind::ConstraintViolation
    );
    assert_eq!(
        create(
            "child",
            Row::new().with("id", "c1").with("parentId", "nope")
        )
        .await,
        AdapterErrorKind::ForeignKeyViolation
    );
    assert_eq!(
        create("parent", Row::new().with("id", "p9").with("score", "x")).await,
        AdapterErrorKind::Unsupported
    );
    assert_eq!(
        create("parent", Row::new().with("id", "p9").with("nope", 1_i64)).await,
        AdapterErrorKind::Unsupported
    );
    assert_eq!(
        create("nope", Row::new().with("id", "p9")).await,
        AdapterErrorKind::Unsupported
    );

    // Composite unique index: a null column makes rows distinct.
    let ab = |id: &str, b: Option<&str>| Row::new().with("id", id).with("a", "x").with("b", b);
    db.create(Create {
        schema: &schema,
        model: "parent",
        data: ab("q1", Some("y")),
    })
    .await
    .unwrap();
    db.create(Create {
        schema: &schema,
        model: "parent",
        data: ab("q2", None),
    })
    .await
    .unwrap();
    db.create(Create {
        schema: &schema,
        model: "parent",
        data: ab("q3", None),
    })
    .await
    .unwrap();
    assert_eq!(
        create("parent", ab("q4", Some("y"))).await,
        AdapterErrorKind::UniqueViolation
    );

    // update_many that would give two rows the same unique value fails as a whole.
    let filter = Where::cmp("id", Op::In, vec!["q2".to_owned(), "q3".to_owned()]);
    let err = db
        .update_many(Update {
            schema: &schema,
            model: "parent",
            filter: &filter,
            data: Row::new().with("b", "z"),
        })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), AdapterErrorKind::UniqueViolation);
    let unchanged = Where::eq("b", Value::Null).and(Where::eq("a", "x"));
    assert_eq!(ids(&db, &schema, "parent", &unchanged).await, ["q2", "q3"]);
}

#[tokio::test]
async fn sort_puts_nulls_first_ascending_and_breaks_ties_by_key() {
    let (db, schema) = seeded().await;
    insert(
        &db,
        &schema,
        "parent",
        Row::new().with("id", "p0").with("score", 3_i64),
    )
    .await;
    let sorted = |sort: Vec<Sort>| {
        let (db, schema) = (db.clone(), schema.clone());
        async move {
            let filter = Where::all();
            let rows = db
                .find_many(FindMany {
                    schema: &schema,
                    model: "parent",
                    filter: &filter,
                    sort: &sort,
                    limit: Some(3),
                    offset: Some(0),
                })
                .await
                .unwrap();
            rows.iter()
                .map(|r| r.get("id").unwrap().as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(sorted(vec![Sort::asc("score")]).await, ["p2", "p1", "p0"]);
    assert_eq!(sorted(vec![Sort::desc("score")]).await, ["p0", "p3", "p1"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conditional_increments_do_not_lose_updates() {
    let (db, schema) = seeded().await;
    let schema = Arc::new(schema);
    let tasks: Vec<_> = (0..40)
        .map(|_| {
            let (db, schema) = (db.clone(), Arc::clone(&schema));
            tokio::spawn(async move {
                let filter = Where::eq("id", "p1").and(Where::cmp("score", Op::Lt, 10_i64));
                db.increment_one(Increment {
                    schema: &schema,
                    model: "parent",
                    filter: &filter,
                    field: "score",
                    by: 1,
                    set: Row::new(),
                })
                .await
                .unwrap()
                .is_some()
            })
        })
        .collect();
    let mut successes = 0;
    for task in tasks {
        successes += usize::from(task.await.unwrap());
    }
    assert_eq!(successes, 9);
    let row = db
        .find_one(Find {
            schema: &schema,
            model: "parent",
            filter: &Where::eq("id", "p1"),
        })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.get("score"), Some(&Value::Int(10)));
}

#[tokio::test]
async fn transactions_are_isolated_until_commit() {
    let (db, schema) = seeded().await;
    let tx = db.begin().await.unwrap();
    tx.create(Create {
        schema: &schema,
        model: "parent",
        data: Row::new().with("id", "t1"),
    })
    .await
    .unwrap();
    assert_eq!(
        ids(tx.as_ref(), &schema, "parent", &Where::all()).await,
        ["p1", "p2", "p3", "t1"]
    );
    assert_eq!(
        ids(&db, &schema, "parent", &Where::all()).await,
        ["p1", "p2", "p3"]
    );
    assert_eq!(
        tx.begin().await.err().unwrap().kind(),
        AdapterErrorKind::Unsupported
    );
    tx.commit().await.unwrap();
    assert_eq!(
        ids(&db, &schema, "parent", &Where::all()).await,
        ["p1", "p2", "p3", "t1"]
    );

    let tx = db.begin().await.unwrap();
    tx.delete_many(Find {
        schema: &schema,
        model: "parent",
        filter: &Where::all(),
    })
    .await
    .unwrap();
    drop(tx);
    assert_eq!(
        ids(&db, &schema, "parent", &Where::all()).await,
        ["p1", "p2", "p3", "t1"]
    );
}
