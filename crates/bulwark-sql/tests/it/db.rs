//! Database-backed tests: create/find/update/delete/increment/consume, transactions, error kinds and
//! migrations, as `db::<backend>::<case>` (the server backends form nextest's `db-server` group).

use std::cmp::Ordering;
use std::sync::Arc;

use bulwark_core::adapter::{
    Case, Create, Direction, Exists, Find, FindMany, Increment, Op, Sort, Update, Where,
};
use bulwark_core::{Adapter, AdapterErrorKind, Row, Schema, Value};
use bulwark_sql::SqlAdapter;
use time::macros::datetime;

use crate::backend::schema;

/// Emits one test per (backend, case), so each reports on its own.
macro_rules! backend_tests {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                crate::backend::run(crate::backend::Backend::Sqlite, super::$case).await;
            })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                crate::backend::run(crate::backend::Backend::Postgres, super::$case).await;
            })*
        }
        mod mysql {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                crate::backend::run(crate::backend::Backend::Mysql, super::$case).await;
            })*
        }
    };
}

backend_tests!(
    crud_round_trips_every_type,
    filters_sort_and_page,
    unique_and_foreign_keys_map_to_kinds,
    increments_lose_no_updates,
    consume_one_hands_out_a_row_once,
    transactions_commit_roll_back_and_do_not_nest,
    migrate_is_additive_and_idempotent,
    writes_may_filter_on_their_own_table,
    exists_is_never_unknown_over_nullable_keys,
    a_deadlock_victim_gets_a_serialization_failure,
    pages_of_tied_rows_are_complete_and_in_order,
);

fn user(id: &str, email: &str) -> Row {
    Row::new()
        .with("id", id)
        .with("email", email)
        .with("emailVerified", false)
        .with("createdAt", datetime!(2026-01-02 03:04:05.678 UTC))
        .with("count", 0_i64)
}

async fn create(db: &dyn Adapter, schema: &Schema, model: &str, data: Row) -> Row {
    db.create(Create {
        schema,
        model,
        data,
    })
    .await
    .unwrap()
}

async fn find(db: &dyn Adapter, schema: &Schema, model: &str, filter: &Where) -> Option<Row> {
    db.find_one(Find {
        schema,
        model,
        filter,
    })
    .await
    .unwrap()
}

async fn crud_round_trips_every_type(db: SqlAdapter) {
    let schema = schema();
    db.migrate(&schema).await.unwrap();
    let data = user("u1", "Ann@Example.com")
        .with("name", "Ann")
        .with("score", 1.5)
        .with("tags", vec!["a".to_owned(), "b c".to_owned()])
        .with("meta", serde_json::json!({"k": [1, true, null]}));
    let created = create(&db, &schema, "user", data.clone()).await;
    let data = data.with("invitedBy", Value::Null);
    assert_eq!(created, data);

    let found = find(&db, &schema, "user", &Where::eq("email", "Ann@Example.com")).await;
    assert_eq!(found.as_ref(), Some(&data));
    let insensitive = Where::cmp_case("email", Op::Eq, "ann@example.COM", Case::Insensitive);
    assert_eq!(
        find(&db, &schema, "user", &insensitive).await.as_ref(),
        Some(&data)
    );
    assert_eq!(
        find(&db, &schema, "user", &Where::eq("email", "ann@example.com")).await,
        None
    );

    // Optional fields left out come back as null.
    let bare = create(&db, &schema, "user", user("u2", "bob@example.com")).await;
    assert_eq!(bare.get("name"), Some(&Value::Null));
    assert_eq!(bare.get("tags"), Some(&Value::Null));

    let filter = Where::eq("id", "u1");
    let updated = db
        .update(Update {
            schema: &schema,
            model: "user",
            filter: &filter,
            data: Row::new()
                .with("name", Value::Null)
                .with("emailVerified", true),
        })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(updated.get("name"), Some(&Value::Null));
    assert_eq!(updated.get("emailVerified"), Some(&Value::Bool(true)));
    assert_eq!(updated.get("score"), Some(&Value::Float(1.5)));

    let all = Where::all();
    let n = db
        .update_many(Update {
            schema: &schema,
            model: "user",
            filter: &all,
            data: Row::new().with("count", 7_i64),
        })
        .await
        .unwrap();
    assert_eq!(n, 2);
    let find_all = Find {
        schema: &schema,
        model: "user",
        filter: &all,
    };
    assert_eq!(db.count(find_all).await.unwrap(), 2);

    db.delete(Find {
        schema: &schema,
        model: "user",
        filter: &filter,
    })
    .await
    .unwrap();
    assert_eq!(db.count(find_all).await.unwrap(), 1);
    assert_eq!(db.delete_many(find_all).await.unwrap(), 1);
    assert_eq!(db.count(find_all).await.unwrap(), 0);
    let none = db
        .update(Update {
            schema: &schema,
            model: "user",
            filter: &filter,
            data: Row::new().with("name", "x"),
        })
        .await
        .unwrap();
    assert_eq!(none, None);
}

/// Five users with awkward names (LIKE wildcards, mixed case, a null) and one session for `u4`.
async fn seed_people(db: &SqlAdapter, schema: &Schema) {
    db.migrate(schema).await.unwrap();
    for (id, email, name) in [
        ("u1", "a@x", Some("50% off")),
        ("u2", "b@x", Some("a_b")),
        ("u3", "c@x", None),
        ("u4", "d@x", Some("Abc")),
        ("u5", "e@x", Some("abc")),
    ] {
        create(db, schema, "user", user(id, email).with("name", name)).await;
    }
    create(
        db,
        schema,
        "session",
        Row::new()
            .with("id", "s1")
            .with("userId", "u4")
            .with("token", "t1"),
    )
    .await;
}

/// The ids of the users `find_many` returns.
async fn ids(
    db: &SqlAdapter,
    schema: &Schema,
    filter: Where,
    sort: &[Sort],
    page: (Option<u64>, Option<u64>),
) -> Vec<String> {
    let rows = db
        .find_many(FindMany {
            schema,
            model: "user",
            filter: &filter,
            sort,
            limit: page.0,
            offset: page.1,
        })
        .await
        .unwrap();
    rows.iter()
        .map(|r| r.get("id").and_then(Value::as_str).unwrap().to_owned())
        .collect()
}

async fn filters_sort_and_page(db: SqlAdapter) {
    let schema = schema();
    seed_people(&db, &schema).await;
    let all = (None, None);
    // LIKE wildcards are literal, and matching is case-sensitive unless asked otherwise.
    let like = |op, v: &str| Where::cmp("name", op, v);
    assert_eq!(
        ids(&db, &schema, like(Op::Contains, "%"), &[], all).await,
        ["u1"]
    );
    assert_eq!(
        ids(&db, &schema, like(Op::Contains, "_"), &[], all).await,
        ["u2"]
    );
    assert_eq!(
        ids(&db, &schema, like(Op::StartsWith, "ab"), &[], all).await,
        ["u5"]
    );
    assert_eq!(
        ids(&db, &schema, like(Op::EndsWith, "off"), &[], all).await,
        ["u1"]
    );
    let insensitive = Where::cmp_case("name", Op::StartsWith, "ab", Case::Insensitive);
    assert_eq!(ids(&db, &schema, insensitive, &[], all).await, ["u4", "u5"]);
    assert_eq!(
        ids(&db, &schema, Where::eq("name", "abc"), &[], all).await,
        ["u5"]
    );
    // Ne and Not skip nulls (three-valued logic).
    let ne = Where::cmp("name", Op::Ne, "abc");
    assert_eq!(ids(&db, &schema, ne, &[], all).await, ["u1", "u2", "u4"]);
    let not = Where::eq("name", "abc").negate();
    assert_eq!(ids(&db, &schema, not, &[], all).await, ["u1", "u2", "u4"]);
    let listed = Where::cmp("email", Op::In, vec!["b@x".to_owned(), "e@x".to_owned()]);
    assert_eq!(ids(&db, &schema, listed, &[], all).await, ["u2", "u5"]);
    let empty = Where::cmp("email", Op::In, Value::StringList(vec![]));
    assert!(ids(&db, &schema, empty, &[], all).await.is_empty());
    // Ascending puts nulls first; the primary key breaks ties; paging happens in the database.
    let by_name = [Sort::asc("name")];
    assert_eq!(
        ids(&db, &schema, Where::all(), &by_name, all).await,
        ["u3", "u1", "u4", "u2", "u5"]
    );
    assert_eq!(
        ids(&db, &schema, Where::all(), &[Sort::desc("name")], all).await,
        ["u5", "u2", "u4", "u1", "u3"]
    );
    let page = (Some(2), Some(1));
    assert_eq!(
        ids(&db, &schema, Where::all(), &by_name, page).await,
        ["u1", "u4"]
    );
    let tail = (None, Some(3));
    assert_eq!(
        ids(&db, &schema, Where::all(), &[], tail).await,
        ["u4", "u5"]
    );
    let has_session = Where::Exists(Box::new(Exists {
        model: "session".into(),
        foreign_field: "userId".into(),
        local_field: "id".into(),
        filter: Some(Where::eq("token", "t1")),
    }));
    assert_eq!(
        ids(&db, &schema, has_session.clone(), &[], all).await,
        ["u4"]
    );
    let removed = db
        .delete_many(Find {
            schema: &schema,
            model: "user",
            filter: &has_session,
        })
        .await
        .unwrap();
    assert_eq!(removed, 1);
}

async fn unique_and_foreign_keys_map_to_kinds(db: SqlAdapter) {
    let schema = schema();
    db.migrate(&schema).await.unwrap();
    create(&db, &schema, "user", user("u1", "a@x")).await;
    let duplicate = db
        .create(Create {
            schema: &schema,
            model: "user",
            data: user("u2", "a@x"),
        })
        .await
        .unwrap_err();
    assert_eq!(duplicate.kind(), AdapterErrorKind::UniqueViolation);
    assert!(!duplicate.to_string().contains("a@x"), "{duplicate}");
    let same_id = db
        .create(Create {
            schema: &schema,
            model: "user",
            data: user("u1", "b@x"),
        })
        .await
        .unwrap_err();
    assert_eq!(same_id.kind(), AdapterErrorKind::UniqueViolation);
    let orphan = db
        .create(Create {
            schema: &schema,
            model: "session",
            data: Row::new()
                .with("id", "s1")
                .with("userId", "nobody")
                .with("token", "t"),
        })
        .await
        .unwrap_err();
    assert_eq!(orphan.kind(), AdapterErrorKind::ForeignKeyViolation);
    let missing = db
        .create(Create {
            schema: &schema,
            model: "user",
            data: Row::new().with("id", "u3").with("email", "c@x"),
        })
        .await
        .unwrap_err();
    assert_eq!(missing.kind(), AdapterErrorKind::ConstraintViolation);

    // Deleting a user cascades to its sessions.
    create(
        &db,
        &schema,
        "session",
        Row::new()
            .with("id", "s1")
            .with("userId", "u1")
            .with("token", "t"),
    )
    .await;
    db.delete(Find {
        schema: &schema,
        model: "user",
        filter: &Where::eq("id", "u1"),
    })
    .await
    .unwrap();
    let all = Where::all();
    assert_eq!(
        db.count(Find {
            schema: &schema,
            model: "session",
            filter: &all
        })
        .await
        .unwrap(),
        0
    );
}

async fn increments_lose_no_updates(db: SqlAdapter) {
    let schema = Arc::new(schema());
    db.migrate(&schema).await.unwrap();
    create(&db, &schema, "user", user("u1", "a@x")).await;
    let mut tasks = Vec::new();
    for i in 0..24_i32 {
        let db = db.clone();
        let schema = Arc::clone(&schema);
        tasks.push(tokio::spawn(async move {
            let filter = Where::eq("id", "u1");
            db.increment_one(Increment {
                schema: &schema,
                model: "user",
                filter: &filter,
                field: "count",
                by: 1,
                set: Row::new().with("score", f64::from(i)),
            })
            .await
            .unwrap()
            .unwrap()
        }));
    }
    let mut seen = Vec::new();
    for task in tasks {
        seen.push(
            task.await
                .unwrap()
                .get("count")
                .and_then(Value::as_i64)
                .unwrap(),
        );
    }
    seen.sort_unstable();
    assert_eq!(seen, (1..=24).collect::<Vec<_>>());

    // A condition on the field makes it a bounded counter.
    let mut tasks = Vec::new();
    for _ in 0..12 {
        let db = db.clone();
        let schema = Arc::clone(&schema);
        tasks.push(tokio::spawn(async move {
            let filter = Where::eq("id", "u1").and(Where::cmp("count", Op::Lt, 30_i64));
            db.increment_one(Increment {
                schema: &schema,
                model: "user",
                filter: &filter,
                field: "count",
                by: 1,
                set: Row::new(),
            })
            .await
            .unwrap()
        }));
    }
    let mut hits = 0;
    for task in tasks {
        hits += usize::from(task.await.unwrap().is_some());
    }
    assert_eq!(hits, 6);
    let row = find(&db, &schema, "user", &Where::eq("id", "u1"))
        .await
        .unwrap();
    assert_eq!(row.get("count"), Some(&Value::Int(30)));
}

async fn consume_one_hands_out_a_row_once(db: SqlAdapter) {
    let schema = Arc::new(schema());
    db.migrate(&schema).await.unwrap();
    create(&db, &schema, "user", user("u1", "a@x")).await;
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let db = db.clone();
        let schema = Arc::clone(&schema);
        tasks.push(tokio::spawn(async move {
            let filter = Where::eq("email", "a@x");
            db.consume_one(Find {
                schema: &schema,
                model: "user",
                filter: &filter,
            })
            .await
            .unwrap()
        }));
    }
    let mut got = Vec::new();
    for task in tasks {
        got.extend(task.await.unwrap());
    }
    assert_eq!(
        got,
        [user("u1", "a@x")
            .with("name", Value::Null)
            .with("score", Value::Null)
            .with("tags", Value::Null)
            .with("meta", Value::Null)
            .with("invitedBy", Value::Null)]
    );
}

async fn transactions_commit_roll_back_and_do_not_nest(db: SqlAdapter) {
    let schema = schema();
    db.migrate(&schema).await.unwrap();
    let all = Where::all();
    let count = || {
        db.count(Find {
            schema: &schema,
            model: "user",
            filter: &all,
        })
    };

    let tx = db.begin().await.unwrap();
    create(&*tx, &schema, "user", user("u1", "a@x")).await;
    assert_eq!(
        tx.count(Find {
            schema: &schema,
            model: "user",
            filter: &all
        })
        .await
        .unwrap(),
        1
    );
    assert_eq!(
        tx.begin().await.unwrap_err().kind(),
        AdapterErrorKind::Unsupported
    );
    tx.rollback().await.unwrap();
    assert_eq!(count().await.unwrap(), 0);

    let tx = db.begin().await.unwrap();
    create(&*tx, &schema, "user", user("u1", "a@x")).await;
    let filter = Where::eq("id", "u1");
    let bumped = tx
        .increment_one(Increment {
            schema: &schema,
            model: "user",
            filter: &filter,
            field: "count",
            by: 5,
            set: Row::new(),
        })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(bumped.get("count"), Some(&Value::Int(5)));
    // A failed write leaves the transaction usable on every backend, and its earlier writes intact.
    let duplicate = tx
        .create(Create {
            schema: &schema,
            model: "user",
            data: user("u2", "a@x"),
        })
        .await
        .unwrap_err();
    assert_eq!(duplicate.kind(), AdapterErrorKind::UniqueViolation);
    create(&*tx, &schema, "user", user("u3", "c@x")).await;
    tx.commit().await.unwrap();
    assert_eq!(count().await.unwrap(), 2);

    {
        let tx = db.begin().await.unwrap();
        tx.delete_many(Find {
            schema: &schema,
            model: "user",
            filter: &all,
        })
        .await
        .unwrap();
        // Dropped without commit: rolled back.
    }
    assert_eq!(count().await.unwrap(), 2);
}

async fn migrate_is_additive_and_idempotent(db: SqlAdapter) {
    use bulwark_core::schema::{FieldDef, FieldType, ModelDef};
    let small = Schema::new(vec![
        ModelDef::new("user").field(FieldDef::new("email", FieldType::String).required()),
    ])
    .unwrap();
    let first = db.migrate(&small).await.unwrap();
    assert!(!first.statements.is_empty());
    assert!(db.migrate(&small).await.unwrap().statements.is_empty());
    create(
        &db,
        &small,
        "user",
        Row::new().with("id", "u1").with("email", "A@x"),
    )
    .await;

    let full = schema();
    let grown = db.migrate(&full).await.unwrap();
    assert!(
        grown.statements.iter().any(|s| s.contains("ALTER TABLE")),
        "{:?}",
        grown.statements
    );
    assert!(
        grown.statements.iter().any(|s| s.contains("sessions")),
        "{:?}",
        grown.statements
    );
    let second = db.migrate(&full).await.unwrap();
    assert!(second.statements.is_empty(), "{:?}", second.statements);

    // The old row is still there, and the new columns read as null.
    let row = find(
        &db,
        &full,
        "user",
        &Where::cmp_case("email", Op::Eq, "a@X", Case::Insensitive),
    )
    .await
    .unwrap();
    assert_eq!(row.get("id"), Some(&Value::String("u1".into())));
    assert_eq!(row.get("createdAt"), Some(&Value::Null));
}

#[tokio::test]
async fn memory_databases_are_shared_by_the_pool() {
    let db = SqlAdapter::connect("sqlite::memory:").await.unwrap();
    let schema = schema();
    db.migrate(&schema).await.unwrap();
    create(&db, &schema, "user", user("u1", "a@x")).await;
    let all = Where::all();
    let (a, b) = tokio::join!(
        db.count(Find {
            schema: &schema,
            model: "user",
            filter: &all
        }),
        db.count(Find {
            schema: &schema,
            model: "user",
            filter: &all
        })
    );
    assert_eq!((a.unwrap(), b.unwrap()), (1, 1));
    assert!(!format!("{db:?}").contains("secret"));
}

#[tokio::test]
async fn unreachable_servers_closed_pools_and_bad_urls_fail_with_their_kind() {
    let mut options = bulwark_sql::PoolOptions::default();
    options.acquire_timeout = std::time::Duration::from_secs(2);
    let err = SqlAdapter::connect_with("postgres://app:hunter2@127.0.0.1:1/x", options)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), AdapterErrorKind::Unavailable);
    assert!(!format!("{err:?}").contains("hunter2"));
    let err = SqlAdapter::connect("oracle://x").await.unwrap_err();
    assert_eq!(err.kind(), AdapterErrorKind::Unsupported);

    let db = SqlAdapter::connect("sqlite::memory:").await.unwrap();
    assert_eq!(db.dialect(), bulwark_sql::Dialect::Sqlite);
    assert_eq!(db.id(), "sqlite");
    db.close().await;
    let schema = schema();
    let all = Where::all();
    let err = db
        .count(Find {
            schema: &schema,
            model: "user",
            filter: &all,
        })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), AdapterErrorKind::Unavailable);
}

#[tokio::test]
async fn debug_output_hides_the_password() {
    let db = SqlAdapter::connect("sqlite::memory:").await.unwrap();
    let shown = format!("{db:?}");
    assert!(shown.contains("Sqlite"), "{shown}");
    let tx = db.begin().await.unwrap();
    assert!(format!("{tx:?}").contains("SqlTransaction"));
}

async fn writes_may_filter_on_their_own_table(db: SqlAdapter) {
    let schema = schema();
    db.migrate(&schema).await.unwrap();
    create(&db, &schema, "user", user("u1", "a@x")).await;
    create(
        &db,
        &schema,
        "user",
        user("u2", "b@x").with("invitedBy", "u1"),
    )
    .await;
    create(
        &db,
        &schema,
        "user",
        user("u3", "c@x").with("invitedBy", "u1"),
    )
    .await;
    create(
        &db,
        &schema,
        "user",
        user("u4", "d@x").with("invitedBy", "u3"),
    )
    .await;
    // Users who invited someone: u1 and u3.
    let inviters = Where::Exists(Box::new(Exists {
        model: "user".into(),
        foreign_field: "invitedBy".into(),
        local_field: "id".into(),
        filter: None,
    }));
    let changed = db
        .update_many(Update {
            schema: &schema,
            model: "user",
            filter: &inviters,
            data: Row::new().with("count", 1_i64),
        })
        .await
        .unwrap();
    assert_eq!(changed, 2);
    let find = Find {
        schema: &schema,
        model: "user",
        filter: &inviters,
    };
    db.delete(find).await.unwrap();
    assert!(find_row(&db, &schema, "u1").await.is_none());
    // u1's invitees lost their inviter (SET NULL), so only u3 still invites anyone.
    assert_eq!(db.count(find).await.unwrap(), 1);
    assert_eq!(db.delete_many(find).await.unwrap(), 1);
    assert!(find_row(&db, &schema, "u3").await.is_none());
    assert!(find_row(&db, &schema, "u2").await.is_some());
}

/// `Exists` over nullable keys stays true or false, so its negation keeps the rows a null key
/// leaves without a match (`NOT x IN (..., NULL)` alone would be unknown).
async fn exists_is_never_unknown_over_nullable_keys(db: SqlAdapter) {
    let schema = schema();
    db.migrate(&schema).await.unwrap();
    create(&db, &schema, "user", user("u1", "a@x")).await;
    for (id, email) in [("u2", "b@x"), ("u3", "c@x")] {
        let invited = user(id, email).with("invitedBy", "u1");
        create(&db, &schema, "user", invited).await;
    }
    create(&db, &schema, "user", user("u4", "d@x")).await;
    let all = (None, None);
    // The foreign key `invitedBy` is null for u1 and u4.
    let inviters = Where::Exists(Box::new(Exists {
        model: "user".into(),
        foreign_field: "invitedBy".into(),
        local_field: "id".into(),
        filter: None,
    }));
    assert_eq!(ids(&db, &schema, inviters.clone(), &[], all).await, ["u1"]);
    assert_eq!(
        ids(&db, &schema, inviters.negate(), &[], all).await,
        ["u2", "u3", "u4"]
    );
    // Here the local key is the nullable one.
    let invited = Where::Exists(Box::new(Exists {
        model: "user".into(),
        foreign_field: "id".into(),
        local_field: "invitedBy".into(),
        filter: Some(Where::eq("email", "a@x")),
    }));
    assert_eq!(
        ids(&db, &schema, invited.clone(), &[], all).await,
        ["u2", "u3"]
    );
    assert_eq!(
        ids(&db, &schema, invited.negate(), &[], all).await,
        ["u1", "u4"]
    );
}

/// A user of [`pages_of_tied_rows_are_complete_and_in_order`], as its sort keys.
struct Tied {
    id: String,
    email: String,
    name: Option<&'static str>,
    count: Option<i64>,
    second: i64,
}

impl Tied {
    /// The order `sort` asks for, with ties broken by the primary key: ascending puts nulls first,
    /// descending last; case-insensitive keys compare lower-cased (all values are ASCII).
    fn cmp(&self, other: &Tied, sort: &[Sort]) -> Ordering {
        let text = |v: &str, case| match case {
            Case::Insensitive => Value::String(v.to_ascii_lowercase()),
            Case::Sensitive => Value::String(v.to_owned()),
        };
        let key = |t: &Tied, key: &Sort| -> Option<Value> {
            match key.field.as_str() {
                "id" => Some(text(&t.id, key.case)),
                "email" => Some(text(&t.email, key.case)),
                "name" => t.name.map(|n| text(n, key.case)),
                "count" => t.count.map(Value::Int),
                "createdAt" => Some(Value::Int(t.second)),
                other => panic!("no sort key {other}"),
            }
        };
        let order = |a: Option<Value>, b: Option<Value>| match (a, b) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Less,
            (Some(_), None) => Ordering::Greater,
            (Some(Value::Int(a)), Some(Value::Int(b))) => a.cmp(&b),
            (Some(Value::String(a)), Some(Value::String(b))) => a.cmp(&b),
            (a, b) => panic!("incomparable {a:?} and {b:?}"),
        };
        sort.iter()
            .map(|k| {
                let ordering = order(key(self, k), key(other, k));
                match k.direction {
                    Direction::Asc => ordering,
                    Direction::Desc => ordering.reverse(),
                }
            })
            .find(|o| o.is_ne())
            .unwrap_or_else(|| self.id.cmp(&other.id))
    }
}

/// Deep pages (a derived table of primary keys under `LIMIT`/`OFFSET`) hold the same rows in the same
/// order as slices of the full list, under sorts with many equal keys, nulls, case-insensitive keys,
/// and a filter with a subquery; paging through them misses and repeats nothing.
async fn pages_of_tied_rows_are_complete_and_in_order(db: SqlAdapter) {
    let schema = schema();
    db.migrate(&schema).await.unwrap();
    let names = [None, Some("ann"), Some("Ann"), Some("bob"), Some("ANN")];
    let mut people = Vec::new();
    for i in 0..30_i64 {
        // Ids out of creation order, so creation order and id order differ.
        let id = format!("u{:02}", (i * 7) % 30);
        let email = if i % 2 == 0 {
            format!("E{i:02}@x")
        } else {
            format!("e{i:02}@x")
        };
        let person = Tied {
            id,
            email,
            name: names[usize::try_from(i % 5).unwrap()],
            count: (i % 4 != 0).then_some(i % 3),
            second: i % 3,
        };
        let created = datetime!(2026-01-02 03:04:00 UTC) + time::Duration::seconds(person.second);
        let row = user(&person.id, &person.email)
            .with("name", person.name)
            .with("count", person.count)
            .with("createdAt", created);
        create(&db, &schema, "user", row).await;
        if i % 5 != 4 {
            let session = Row::new()
                .with("id", format!("s{i:02}"))
                .with("userId", person.id.clone())
                .with("token", format!("t{i:02}"));
            create(&db, &schema, "session", session).await;
        }
        people.push((person, i % 5 != 4));
    }
    let insensitive = |sort: Sort| Sort {
        case: Case::Insensitive,
        ..sort
    };
    let sorts: [Vec<Sort>; 6] = [
        vec![],
        vec![Sort::asc("createdAt"), Sort::asc("id")],
        vec![Sort::asc("count")],
        vec![insensitive(Sort::desc("name")), Sort::desc("count")],
        vec![insensitive(Sort::asc("email"))],
        vec![Sort::desc("createdAt"), Sort::desc("id"), Sort::asc("name")],
    ];
    let with_session = Where::Exists(Box::new(Exists {
        model: "session".into(),
        foreign_field: "userId".into(),
        local_field: "id".into(),
        filter: Some(Where::cmp("token", Op::Ne, "none")),
    }));
    for (filter, only_with_session) in [(Where::all(), false), (with_session, true)] {
        for sort in &sorts {
            let mut expected: Vec<&Tied> = people
                .iter()
                .filter(|(_, has)| *has || !only_with_session)
                .map(|(p, _)| p)
                .collect();
            expected.sort_by(|a, b| a.cmp(b, sort));
            let expected: Vec<String> = expected.iter().map(|p| p.id.clone()).collect();
            let context = format!("sort {sort:?}, only with a session: {only_with_session}");
            let all = ids(&db, &schema, filter.clone(), sort, (None, None)).await;
            assert_eq!(all, expected, "{context}");
            let n = expected.len();
            for offset in 0..=n + 1 {
                let start = offset.min(n);
                let at = Some(u64::try_from(offset).unwrap());
                let page = ids(&db, &schema, filter.clone(), sort, (Some(3), at)).await;
                assert_eq!(
                    page,
                    expected[start..(start + 3).min(n)],
                    "{context}, at {offset}"
                );
                let rest = ids(&db, &schema, filter.clone(), sort, (None, at)).await;
                assert_eq!(rest, expected[start..], "{context}, after {offset}");
            }
            for size in [1_usize, 4, 7] {
                let mut walked = Vec::new();
                let mut offset = 0;
                loop {
                    let page = (
                        Some(u64::try_from(size).unwrap()),
                        Some(u64::try_from(offset).unwrap()),
                    );
                    let got = ids(&db, &schema, filter.clone(), sort, page).await;
                    if got.is_empty() {
                        break;
                    }
                    offset += got.len();
                    walked.extend(got);
                }
                assert_eq!(walked, expected, "{context}, pages of {size}");
            }
        }
    }
}

async fn find_row(db: &SqlAdapter, schema: &Schema, id: &str) -> Option<Row> {
    find(db, schema, "user", &Where::eq("id", id)).await
}

async fn a_deadlock_victim_gets_a_serialization_failure(db: SqlAdapter) {
    if db.dialect() == bulwark_sql::Dialect::Sqlite {
        // SQLite transactions take the write lock up front, so they never deadlock.
        return;
    }
    let schema = Arc::new(schema());
    db.migrate(&schema).await.unwrap();
    create(&db, &schema, "user", user("a", "a@x")).await;
    create(&db, &schema, "user", user("b", "b@x")).await;
    let one = db.begin().await.unwrap();
    let two = db.begin().await.unwrap();
    let (a, b) = (Where::eq("id", "a"), Where::eq("id", "b"));
    set_name(&*one, &schema, &a, "one").await.unwrap();
    set_name(&*two, &schema, &b, "two").await.unwrap();
    // Each now wants the other's row; the database picks a victim. Each task then commits.
    let run = |tx: Box<dyn bulwark_core::adapter::Transaction>, filter: Where, delay: u64| {
        let schema = Arc::clone(&schema);
        tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
            let write = set_name(&*tx, &schema, &filter, "x")
                .await
                .err()
                .map(|e| e.kind());
            let after = tx
                .count(Find {
                    schema: &schema,
                    model: "user",
                    filter: &filter,
                })
                .await
                .err()
                .map(|e| e.kind());
            let commit = tx.commit().await.err().map(|e| e.kind());
            (write, after, commit)
        })
    };
    let first = run(one, b, 0);
    let second = run(two, a, 300);
    let outcomes = [first.await.unwrap(), second.await.unwrap()];
    let failure = Some(AdapterErrorKind::SerializationFailure);
    let victim = if db.dialect() == bulwark_sql::Dialect::Mysql {
        // InnoDB rolled the victim back entirely: it refuses further work and cannot commit.
        (failure, failure, failure)
    } else {
        // PostgreSQL undoes only the failed write (its savepoint); the rest of the transaction stands.
        (failure, None, None)
    };
    let winner = (None, None, None);
    assert!(
        outcomes == [winner, victim] || outcomes == [victim, winner],
        "{outcomes:?}"
    );
}

async fn set_name(
    tx: &dyn Adapter,
    schema: &Schema,
    filter: &Where,
    name: &str,
) -> Result<Option<Row>, bulwark_core::AdapterError> {
    tx.update(Update {
        schema,
        model: "user",
        filter,
        data: Row::new().with("name", name),
    })
    .await
}
