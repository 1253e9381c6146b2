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

#[test]
fn exists_correlates_with_the_outer_alias() {
    let filter = Where::Exists(Box::new(Exists {
        model: "email".into(),
        foreign_field: "userId".into(),
        local_field: "id".into(),
        filter: Some(Where::eq("value", "w")),
    }));
    check(
        Dialect::Postgres,
        &filter,
        r#""user" AS "t0" WHERE EXISTS(SELECT 1 FROM "user_emails" AS "t1" WHERE "t1"."userId" = "t0"."id" AND "t1"."value" = $1)"#,
        &[&s("w")],
    );
}

#[test]
fn exists_on_the_same_table_uses_a_fresh_alias() {
    let filter = Where::Exists(Box::new(Exists {
        model: "user".into(),
        foreign_field: "name".into(),
        local_field: "email".into(),
        filter: None,
    }));
    check(
        Dialect::Sqlite,
        &filter,
        r#""user" AS "t0" WHERE EXISTS(SELECT 1 FROM "user" AS "t1" WHERE "t1"."name" = "t0"."email")"#,
        &[],
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
