//! The adapter conformance suite: the contract of [`bulwark_core::Adapter`], checked against any backend.
//!
//! This is our port of upstream's adapter test suites (`packages/test-utils/src/adapter/suites/` at
//! v1.7.1: basic, case-insensitive, transactions), in spirit rather than line by line, plus the parts of
//! our contract upstream leaves implicit: SQL null logic, `Exists`, foreign keys, and atomic
//! `consume_one`/`increment_one` under concurrency. Every case is an `async fn(&TestDb)` that starts from an
//! empty database migrated from [`schema`]; [`conformance_tests!`](crate::conformance_tests) turns each
//! (backend, case) pair into one test.

// Every case panics when the adapter breaks the contract; that is its purpose, not a caveat to document.
#[expect(
    clippy::missing_panics_doc,
    reason = "conformance cases fail by panicking"
)]
mod concurrency;
#[expect(
    clippy::missing_panics_doc,
    reason = "conformance cases fail by panicking"
)]
mod constraints;
#[expect(
    clippy::missing_panics_doc,
    reason = "conformance cases fail by panicking"
)]
#[expect(
    clippy::doc_markdown,
    reason = "upstream test names are quoted verbatim"
)]
mod filters;
#[expect(
    clippy::missing_panics_doc,
    reason = "conformance cases fail by panicking"
)]
mod ordering;
#[expect(
    clippy::missing_panics_doc,
    reason = "conformance cases fail by panicking"
)]
mod transactions;
#[expect(
    clippy::missing_panics_doc,
    reason = "conformance cases fail by panicking"
)]
mod types;
#[expect(
    clippy::missing_panics_doc,
    reason = "conformance cases fail by panicking"
)]
mod writes;

pub use self::concurrency::*;
pub use self::constraints::*;
pub use self::filters::*;
pub use self::ordering::*;
pub use self::transactions::*;
pub use self::types::*;
pub use self::writes::*;

use bulwark_core::adapter::{Create, Exists, Find, FindMany, Sort};
use bulwark_core::schema::OnDelete;
use bulwark_core::{AdapterError, FieldDef, FieldType, ModelDef, Row, Schema, Value, Where};
use time::OffsetDateTime;
use time::macros::datetime;

use crate::TestDb;

/// The test schema.
///
/// - `person` (table `people`) holds a field of every type, a unique `email` that is looked up
///   case-insensitively (physical column `email_address`), and a unique index over `(org, handle)`.
/// - `email` (table `person_emails`) references `person` and is deleted with it; `Exists` runs over it.
/// - `note` references `person` with `ON DELETE SET NULL`, `permit` with `ON DELETE RESTRICT`.
/// - `token` (single-use values) and `counter` (increments) serve the atomic operations.
///
/// # Panics
///
/// Never: the schema is valid.
pub fn schema() -> Schema {
    let person = ModelDef::new("person")
        .table("people")
        .field(FieldDef::new("name", FieldType::String).required())
        .field(
            FieldDef::new("email", FieldType::String)
                .unique()
                .case_insensitive()
                .column("email_address"),
        )
        .field(FieldDef::new("age", FieldType::Number))
        .field(FieldDef::new("score", FieldType::Float))
        .field(FieldDef::new("active", FieldType::Boolean))
        .field(FieldDef::new("bornAt", FieldType::Date).column("born_at"))
        .field(FieldDef::new("profile", FieldType::Json))
        .field(FieldDef::new("tags", FieldType::StringList))
        .field(FieldDef::new("lucky", FieldType::NumberList))
        .field(FieldDef::new("org", FieldType::String))
        .field(FieldDef::new("handle", FieldType::String))
        .index("people_org_handle", &["org", "handle"], true);
    let email = ModelDef::new("email")
        .table("person_emails")
        .field(
            FieldDef::new("personId", FieldType::String)
                .required()
                .index()
                .references("person", "id"),
        )
        .field(FieldDef::new("address", FieldType::String).required())
        .field(FieldDef::new("kind", FieldType::String))
        .field(FieldDef::new("verified", FieldType::Boolean));
    let note = ModelDef::new("note")
        .field(
            FieldDef::new("authorId", FieldType::String)
                .references("person", "id")
                .on_delete(OnDelete::SetNull),
        )
        .field(FieldDef::new("body", FieldType::String));
    let permit = ModelDef::new("permit")
        .field(
            FieldDef::new("personId", FieldType::String)
                .required()
                .references("person", "id")
                .on_delete(OnDelete::Restrict),
        )
        .field(FieldDef::new("scope", FieldType::String));
    let token = ModelDef::new("token")
        .field(
            FieldDef::new("value", FieldType::String)
                .required()
                .unique(),
        )
        .field(FieldDef::new("expiresAt", FieldType::Date));
    let counter = ModelDef::new("counter")
        .field(FieldDef::new("count", FieldType::Number).required())
        .field(FieldDef::new("label", FieldType::String))
        .field(FieldDef::new("touchedAt", FieldType::Date));
    #[expect(clippy::expect_used, reason = "the test schema is a constant")]
    Schema::new(vec![person, email, note, permit, token, counter]).expect("valid test schema")
}

/// Inserts the five people most cases query:
///
/// | id  | name  | email             | age | score | active | bornAt                  | org    | handle |
/// |-----|-------|-------------------|-----|-------|--------|-------------------------|--------|--------|
/// | p01 | alice | Alice@Example.com | 30  | 1.5   | true   | 1990-01-01 00:00:00.000 | acme   | al     |
/// | p02 | bob   | bob@example.org   | 25  | 2.25  | false  | 1995-06-15 12:30:00.250 | acme   | bo     |
/// | p03 | Carol | carol@Example.com | -   | -     | -      | -                       | globex | al     |
/// | p04 | dave  | -                 | 40  | -1.0  | true   | 2001-02-03 04:05:06.007 | -      | -      |
/// | p05 | erin  | erin@example.com  | 25  | 0.0   | false  | 1995-06-15 12:30:00.251 | globex | er     |
///
/// and four emails: `e1` (p01, work, verified), `e2` (p01, home, unverified), `e3` (p02, home,
/// unverified) and `e4` (p05, work, verification unknown, address `erin%work@example.com`).
pub async fn seed(db: &TestDb) {
    let people = [
        person("p01", "alice")
            .with("email", "Alice@Example.com")
            .with("age", 30_i64)
            .with("score", 1.5)
            .with("active", true)
            .with("bornAt", datetime!(1990-01-01 00:00:00.000 UTC))
            .with("org", "acme")
            .with("handle", "al"),
        person("p02", "bob")
            .with("email", "bob@example.org")
            .with("age", 25_i64)
            .with("score", 2.25)
            .with("active", false)
            .with("bornAt", BOB_BORN)
            .with("org", "acme")
            .with("handle", "bo"),
        person("p03", "Carol")
            .with("email", "carol@Example.com")
            .with("org", "globex")
            .with("handle", "al"),
        person("p04", "dave")
            .with("age", 40_i64)
            .with("score", -1.0)
            .with("active", true)
            .with("bornAt", datetime!(2001-02-03 04:05:06.007 UTC)),
        person("p05", "erin")
            .with("email", "erin@example.com")
            .with("age", 25_i64)
            .with("score", 0.0)
            .with("active", false)
            .with("bornAt", datetime!(1995-06-15 12:30:00.251 UTC))
            .with("org", "globex")
            .with("handle", "er"),
    ];
    for row in people {
        create(db, "person", row).await;
    }
    let emails = [
        ("e1", "p01", "alice@work.example", "work", Some(true)),
        ("e2", "p01", "alice@home.example", "home", Some(false)),
        ("e3", "p02", "bob@home.example", "home", Some(false)),
        ("e4", "p05", "erin%work@example.com", "work", None),
    ];
    for (id, person_id, address, kind, verified) in emails {
        let row = Row::new()
            .with("id", id)
            .with("personId", person_id)
            .with("address", address)
            .with("kind", kind)
            .with("verified", verified);
        create(db, "email", row).await;
    }
}

/// Bob's `bornAt`: one millisecond before Erin's.
pub const BOB_BORN: OffsetDateTime = datetime!(1995-06-15 12:30:00.250 UTC);

/// A minimal valid `person` row.
pub fn person(id: &str, name: &str) -> Row {
    Row::new().with("id", id).with("name", name)
}

/// `EXISTS` over the person's emails, optionally filtered.
pub fn has_email(filter: Option<Where>) -> Where {
    Where::Exists(Box::new(Exists {
        model: "email".into(),
        foreign_field: "personId".into(),
        local_field: "id".into(),
        filter,
    }))
}

/// Creates a row and returns it as stored.
///
/// # Panics
///
/// When the adapter fails.
pub async fn create(db: &TestDb, model: &str, data: Row) -> Row {
    match try_create(db, model, data).await {
        Ok(row) => row,
        Err(e) => fail(&format!("create {model}"), &e),
    }
}

/// Creates a row, returning the adapter's result.
pub async fn try_create(db: &TestDb, model: &str, data: Row) -> Result<Row, AdapterError> {
    let schema = db.schema();
    db.adapter()
        .create(Create {
            schema,
            model,
            data,
        })
        .await
}

/// The first matching row in primary-key order.
///
/// # Panics
///
/// When the adapter fails.
pub async fn find(db: &TestDb, model: &str, filter: &Where) -> Option<Row> {
    let schema = db.schema();
    match db
        .adapter()
        .find_one(Find {
            schema,
            model,
            filter,
        })
        .await
    {
        Ok(row) => row,
        Err(e) => fail(&format!("find_one {model}"), &e),
    }
}

/// The ids of the matching rows, in primary-key order.
pub async fn ids(db: &TestDb, model: &str, filter: &Where) -> Vec<String> {
    page(db, model, filter, &[], None, None).await
}

/// The ids of the matching rows, sorted and paged.
///
/// # Panics
///
/// When the adapter fails.
pub async fn page(
    db: &TestDb,
    model: &str,
    filter: &Where,
    sort: &[Sort],
    limit: Option<u64>,
    offset: Option<u64>,
) -> Vec<String> {
    let schema = db.schema();
    let query = FindMany {
        schema,
        model,
        filter,
        sort,
        limit,
        offset,
    };
    match db.adapter().find_many(query).await {
        Ok(rows) => rows.iter().map(id_of).collect(),
        Err(e) => fail(&format!("find_many {model} where {filter:?}"), &e),
    }
}

/// The `id` of a row, or `"<no id>"`.
pub fn id_of(row: &Row) -> String {
    row.get("id")
        .and_then(Value::as_str)
        .unwrap_or("<no id>")
        .to_owned()
}

#[expect(
    clippy::panic,
    reason = "a failing adapter call fails the conformance case"
)]
fn fail(what: &str, error: &AdapterError) -> ! {
    panic!("{what} failed: {error} ({:?})", error.kind())
}
