//! Unit tests of filter translation: the SQL text per dialect and the values bound with it.

use bulwark_core::AdapterErrorKind::Unsupported;
use bulwark_core::Value;
use bulwark_core::adapter::{Case, Exists, Op, Where};
use bulwark_core::schema::{FieldDef, FieldType, ModelDef, Schema};
use sea_query::{Alias, Query};

use super::Scope;
use crate::dialect::Dialect;

fn schema() -> Schema {
    Schema::new(vec![
        ModelDef::new("user")
            .field(
                FieldDef::new("email", FieldType::String)
                    .required()
                    .unique()
                    .case_insensitive(),
            )
            .field(FieldDef::new("name", FieldType::String))
            .field(FieldDef::new("age", FieldType::Number))
            .field(FieldDef::new("emailVerified", FieldType::Boolean).column("email_verified")),
        ModelDef::new("email")
            .table("user_emails")
            .field(FieldDef::new("userId", FieldType::String).references("user", "id"))
            .field(FieldDef::new("value", FieldType::String)),
    ])
    .unwrap()
}

/// Renders `SELECT 1 FROM user AS t0 WHERE <filter>` in `dialect`, with the bound values.
fn render(dialect: Dialect, filter: &Where) -> (String, Vec<String>) {
    let schema = schema();
    let scope = Scope {
        dialect,
        schema: &schema,
    };
    let model = schema.model("user").unwrap();
    let cond = scope.condition(model, "t0", filter).unwrap();
    let mut select = Query::select();
    select
        .expr(sea_query::SimpleExpr::Constant(1.into()))
        .from_as(Alias::new("user"), Alias::new("t0"))
        .and_where(cond);
    let (sql, values) = select.build_any(dialect.query_builder());
    let sql = sql.trim_start_matches("SELECT 1 FROM ").to_owned();
    let values = values.into_iter().map(|v| format!("{v:?}")).collect();
    (sql, values)
}

fn check(dialect: Dialect, filter: &Where, expected_sql: &str, expected_values: &[&str]) {
    let (sql, values) = render(dialect, filter);
    assert_eq!(sql, expected_sql);
    assert_eq!(values, expected_values);
}

fn s(v: &str) -> String {
    format!("{:?}", sea_query::Value::from(v))
}

#[test]
fn equality_binds_the_value() {
    check(
        Dialect::Postgres,
        &Where::eq("email", "a@b.c"),
        r#""user" AS "t0" WHERE "t0"."email" = $1"#,
        &[&s("a@b.c")],
    );
    check(
        Dialect::Mysql,
        &Where::eq("emailVerified", true),
        "`user` AS `t0` WHERE `t0`.`email_verified` = ?",
        &["Bool(Some(true))"],
    );
}

#[test]
fn null_comparisons_become_is_null() {
    check(
        Dialect::Sqlite,
        &Where::eq("name", Value::Null),
        r#""user" AS "t0" WHERE "t0"."name" IS NULL"#,
        &[],
    );
    check(
        Dialect::Sqlite,
        &Where::cmp("name", Op::Ne, Value::Null),
        r#""user" AS "t0" WHERE "t0"."name" IS NOT NULL"#,
        &[],
    );
    let (_, values) = render(Dialect::Sqlite, &Where::eq("age", 3_i64).negate());
    assert_eq!(values, ["BigInt(Some(3))"]);
}

#[test]
fn and_or_not_keep_precedence() {
    let filter = Where::eq("name", "x")
        .and(Where::eq("age", 1_i64).or(Where::eq("age", 2_i64)))
        .and(Where::eq("name", "y").negate());
    check(
        Dialect::Postgres,
        &filter,
        r#""user" AS "t0" WHERE "t0"."name" = $1 AND ("t0"."age" = $2 OR "t0"."age" = $3) AND (NOT "t0"."name" = $4)"#,
        &[&s("x"), "BigInt(Some(1))", "BigInt(Some(2))", &s("y")],
    );
}

#[test]
fn empty_groups_are_constants() {
    check(
        Dialect::Postgres,
        &Where::Or(vec![]),
        r#""user" AS "t0" WHERE FALSE"#,
        &[],
    );
    check(
        Dialect::Postgres,
        &Where::eq("name", "x").and(Where::Or(vec![])),
        r#""user" AS "t0" WHERE "t0"."name" = $1 AND FALSE"#,
        &[&s("x")],
    );
}

#[test]
fn in_lists_and_their_empty_forms() {
    check(
        Dialect::Postgres,
        &Where::cmp("name", Op::In, vec!["a".to_owned(), "b".to_owned()]),
        r#""user" AS "t0" WHERE "t0"."name" IN ($1, $2)"#,
        &[&s("a"), &s("b")],
    );
    check(
        Dialect::Postgres,
        &Where::cmp("age", Op::NotIn, Value::NumberList(vec![4])),
        r#""user" AS "t0" WHERE "t0"."age" NOT IN ($1)"#,
        &["BigInt(Some(4))"],
    );
    check(
        Dialect::Postgres,
        &Where::cmp("name", Op::In, Value::StringList(vec![])),
        r#""user" AS "t0" WHERE FALSE"#,
        &[],
    );
    check(
        Dialect::Postgres,
        &Where::cmp("name", Op::NotIn, Value::StringList(vec![])),
        r#""user" AS "t0" WHERE "t0"."name" IS NOT NULL"#,
        &[],
    );
}

#[test]
fn like_patterns_are_escaped_and_bound() {
    check(
        Dialect::Postgres,
        &Where::cmp("name", Op::Contains, "50%_a\\b"),
        r#""user" AS "t0" WHERE "t0"."name" LIKE $1 ESCAPE E'\\'"#,
        &[&s("%50\\%\\_a\\\\b%")],
    );
    check(
        Dialect::Sqlite,
        &Where::cmp("name", Op::StartsWith, "ab"),
        r#""user" AS "t0" WHERE "t0"."name" LIKE ? ESCAPE '\'"#,
        &[&s("ab%")],
    );
    check(
        Dialect::Mysql,
        &Where::cmp("name", Op::EndsWith, "ab"),
        r"`user` AS `t0` WHERE `t0`.`name` LIKE ? ESCAPE '\\'",
        &[&s("%ab")],
    );
}

#[test]
fn case_insensitive_comparisons_lower_both_sides() {
    let filter = Where::cmp_case("email", Op::Eq, "A@B.C", Case::Insensitive);
    check(
        Dialect::Postgres,
        &filter,
        r#""user" AS "t0" WHERE LOWER("t0"."email") = LOWER($1)"#,
        &[&s("A@B.C")],
    );
    // MySQL reads the indexed generated column instead of lower-casing the column.
    check(
        Dialect::Mysql,
        &filter,
        "`user` AS `t0` WHERE `t0`.`email_lower` = LOWER(?)",
        &[&s("A@B.C")],
    );
    check(
        Dialect::Mysql,
        &Where::cmp_case("name", Op::Contains, "X", Case::Insensitive),
        r"`user` AS `t0` WHERE LOWER(`t0`.`name`) LIKE LOWER(?) ESCAPE '\\'",
        &[&s("%X%")],
    );
}

fn emails(filter: Option<Where>) -> Where {
    Where::Exists(Box::new(Exists {
        model: "email".into(),
        foreign_field: "userId".into(),
        local_field: "id".into(),
        filter,
    }))
}

#[test]
fn exists_is_an_uncorrelated_semi_join() {
    // `userId` is nullable, so the subquery leaves nulls out: `IN` is then never unknown.
    check(
        Dialect::Postgres,
        &emails(Some(Where::eq("value", "w"))),
        r#""user" AS "t0" WHERE "t0"."id" IN (SELECT "t1"."userId" FROM "user_emails" AS "t1" WHERE "t1"."userId" IS NOT NULL AND "t1"."value" = $1)"#,
        &[&s("w")],
    );
    check(
        Dialect::Mysql,
        &emails(None),
        "`user` AS `t0` WHERE `t0`.`id` IN (SELECT `t1`.`userId` FROM `user_emails` AS `t1` WHERE `t1`.`userId` IS NOT NULL)",
        &[],
    );
}

#[test]
fn exists_without_nullable_keys_has_no_guards() {
    let filter = Where::Exists(Box::new(Exists {
        model: "user".into(),
        foreign_field: "id".into(),
        local_field: "email".into(),
        filter: None,
    }));
    check(
        Dialect::Sqlite,
        &filter,
        r#""user" AS "t0" WHERE "t0"."email" IN (SELECT "t1"."id" FROM "user" AS "t1")"#,
        &[],
    );
}

#[test]
fn negated_exists_guards_a_nullable_local_key() {
    // Over the same table, with a fresh alias; `name` may be null on both sides.
    let filter = Where::Exists(Box::new(Exists {
        model: "user".into(),
        foreign_field: "name".into(),
        local_field: "name".into(),
        filter: Some(Where::cmp("age", Op::Gt, 3_i64)),
    }))
    .negate();
    check(
        Dialect::Sqlite,
        &filter,
        r#""user" AS "t0" WHERE NOT ("t0"."name" IS NOT NULL AND "t0"."name" IN (SELECT "t1"."name" FROM "user" AS "t1" WHERE "t1"."name" IS NOT NULL AND "t1"."age" > ?))"#,
        &["BigInt(Some(3))"],
    );
}

#[test]
fn nested_exists_take_one_alias_per_depth() {
    let inner = Where::Exists(Box::new(Exists {
        model: "user".into(),
        foreign_field: "email".into(),
        local_field: "value".into(),
        filter: Some(Where::eq("age", 1_i64)),
    }));
    check(
        Dialect::Postgres,
        &emails(Some(inner)).and(Where::eq("age", 2_i64)),
        concat!(
            r#""user" AS "t0" WHERE "t0"."id" IN (SELECT "t1"."userId" FROM "user_emails" AS "t1" "#,
            r#"WHERE "t1"."userId" IS NOT NULL AND ("t1"."value" IS NOT NULL AND "t1"."value" IN "#,
            r#"(SELECT "t2"."email" FROM "user" AS "t2" WHERE "t2"."age" = $1))) AND "t0"."age" = $2"#,
        ),
        &["BigInt(Some(1))", "BigInt(Some(2))"],
    );
}

#[test]
fn unknown_fields_and_mismatched_values_are_unsupported() {
    let schema = schema();
    let scope = Scope {
        dialect: Dialect::Sqlite,
        schema: &schema,
    };
    let model = schema.model("user").unwrap();
    let kind = |filter: Where| scope.condition(model, "t0", &filter).unwrap_err().kind();
    assert_eq!(kind(Where::eq("nope", 1_i64)), Unsupported);
    assert_eq!(kind(Where::eq("age", "three")), Unsupported);
    assert_eq!(kind(Where::cmp("age", Op::In, 3_i64)), Unsupported);
    assert_eq!(kind(Where::cmp("age", Op::Lt, Value::Null)), Unsupported);
    assert_eq!(kind(Where::cmp("age", Op::Contains, "1")), Unsupported);
}

/// The query plans `SQLite` picks for an `Exists` list filter, on tables shaped like the SCIM plugin's
/// `scimUser` and `scimEmail` (`emails.value eq "x"` within one connection).
mod sqlite_plans {
    use bulwark_core::adapter::{Exists, Sort, Where};
    use bulwark_core::schema::{FieldDef, FieldType, ModelDef, Schema};
    use sea_query::SelectStatement;
    use sqlx::{Connection as _, SqliteConnection};

    use crate::condition::Scope;
    use crate::dialect::Dialect;

    /// The columns and indexes of the SCIM tables that a list filtered on an email reads.
    fn schema() -> Schema {
        let string = |name: &str| FieldDef::new(name, FieldType::String).required();
        Schema::new(vec![
            ModelDef::new("scimUser")
                .field(string("connectionId").index())
                .field(string("userNameKey"))
                .field(FieldDef::new("createdAt", FieldType::Date).required())
                .index("scimUser_key_uidx", &["connectionId", "userNameKey"], true)
                .index(
                    "scimUser_page_idx",
                    &["connectionId", "createdAt", "id"],
                    false,
                ),
            ModelDef::new("scimEmail")
                .field(string("scimUserId").index().references("scimUser", "id"))
                .field(string("connectionId"))
                .field(string("value"))
                .index("scimEmail_value_idx", &["connectionId", "value"], false),
        ])
        .unwrap()
    }

    /// An in-memory database with `schema`'s tables.
    async fn database(schema: &Schema) -> SqliteConnection {
        let mut conn = SqliteConnection::connect("sqlite::memory:").await.unwrap();
        for ddl in crate::generate_ddl(Dialect::Sqlite, schema) {
            sqlx::raw_sql(&ddl).execute(&mut conn).await.unwrap();
        }
        conn
    }

    /// Fills one connection with 1,000 users of one email each and records the statistics.
    async fn fill(conn: &mut SqliteConnection) {
        sqlx::raw_sql(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) \
             INSERT INTO scimUser SELECT 'u' || i, 'c1', 'k' || i, '2026-01-01' FROM n; \
             INSERT INTO scimEmail SELECT 'e' || id, id, 'c1', id || '@x.io' FROM scimUser; \
             ANALYZE;",
        )
        .execute(&mut *conn)
        .await
        .unwrap();
    }

    /// The detail lines of `EXPLAIN QUERY PLAN` for `stmt`.
    async fn plan(conn: &mut SqliteConnection, stmt: &SelectStatement) -> Vec<String> {
        crate::sqlite_plan::explain(conn, stmt)
            .await
            .into_iter()
            .map(|step| step.detail)
            .collect()
    }

    /// The page and the count of `connectionId = c1 AND emails.value eq "u7@x.io"`.
    fn queries(schema: &Schema) -> [SelectStatement; 2] {
        let scope = Scope {
            dialect: Dialect::Sqlite,
            schema,
        };
        let email = Where::eq("connectionId", "c1").and(Where::eq("value", "u7@x.io"));
        let filter = Where::eq("connectionId", "c1").and(Where::Exists(Box::new(Exists {
            model: "scimEmail".into(),
            foreign_field: "scimUserId".into(),
            local_field: "id".into(),
            filter: Some(email),
        })));
        let user = schema.model("scimUser").unwrap();
        let order = [Sort::asc("createdAt"), Sort::asc("id")];
        let mut page = scope.select(user, &filter, &order).unwrap();
        page.limit(100).offset(0);
        [page, scope.count(user, &filter).unwrap()]
    }

    /// Without statistics `SQLite` walks the connection's users by `connectionId` and probes the list the
    /// subquery built once from the email index; neither table is scanned.
    #[tokio::test]
    async fn an_email_lookup_reads_no_table_in_full() {
        let schema = schema();
        let mut conn = database(&schema).await;
        for query in queries(&schema) {
            let steps = plan(&mut conn, &query).await;
            assert!(
                steps.iter().all(|step| !step.starts_with("SCAN")),
                "{steps:?}"
            );
        }
    }

    /// Once `ANALYZE` shows that `connectionId` is not selective, the subquery's rows drive the lookup:
    /// users are found by primary key, independent of how many the connection has.
    #[tokio::test]
    async fn with_statistics_an_email_lookup_finds_users_by_primary_key() {
        let schema = schema();
        let mut conn = database(&schema).await;
        fill(&mut conn).await;
        for query in queries(&schema) {
            let steps = plan(&mut conn, &query).await;
            let users = steps.iter().find(|step| step.contains(" t0 ")).unwrap();
            assert!(
                users.starts_with("SEARCH t0 USING") && users.ends_with("(id=?)"),
                "{steps:?}"
            );
            let email = "SEARCH t1 USING INDEX scimEmail_value_idx (connectionId=? AND value=?)";
            assert!(steps.iter().any(|step| step == email), "{steps:?}");
            assert!(
                steps.iter().all(|step| !step.starts_with("SCAN")),
                "{steps:?}"
            );
        }
    }
}
