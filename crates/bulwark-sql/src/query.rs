//! Statement building shared by every backend: selects, counts, inserts, updates and deletes of one model.

use bulwark_core::adapter::{Case, Direction, Sort, Where};
use bulwark_core::schema::{FieldDef, FieldType, ModelDef};
use bulwark_core::{AdapterError, Row};
use sea_query::{
    Alias, Asterisk, DeleteStatement, Expr, InsertStatement, JoinType, LockType, NullOrdering,
    Order, Query, SelectStatement, SimpleExpr, UpdateStatement,
};

use crate::codec::encode;
use crate::condition::{Scope, column, field, reads_model};
use crate::dialect::Dialect;

/// The alias of the queried table in selects (subqueries use `t1`, `t2`, ...).
pub(crate) const ALIAS: &str = "t0";
/// The alias of the table a deferred-join page reads its rows from: outside the `t<depth>` family
/// that filters use, so an `Exists` subquery never shadows it.
const ROWS: &str = "t";
/// The alias of the derived table of a deferred-join page's primary keys.
const PAGE: &str = "page";

/// Whether a filter is the empty conjunction, which needs no `WHERE`.
fn matches_all(filter: &Where) -> bool {
    matches!(filter, Where::And(items) if items.is_empty())
}

/// One term of `ORDER BY`: a field, its direction, and whether its lower-cased value is compared.
#[derive(Clone, Copy, Debug)]
struct Key<'m> {
    field: &'m FieldDef,
    direction: Direction,
    lowered: bool,
}

/// The terms that order a select by `sort`: the caller's keys up to the first that compares the
/// primary key exactly (a unique key leaves no ties for later keys to break), or else all of them and
/// the primary key ascending.
fn order_keys<'m>(model: &'m ModelDef, sort: &[Sort]) -> Result<Vec<Key<'m>>, AdapterError> {
    let mut keys = Vec::with_capacity(sort.len() + 1);
    for key in sort {
        let field = field(model, &key.field)?;
        if matches!(
            field.ty,
            FieldType::Json | FieldType::StringList | FieldType::NumberList
        ) {
            return Err(AdapterError::unsupported(format!(
                "cannot sort by `{}`: the field has no order",
                field.name
            )));
        }
        keys.push(Key {
            field,
            direction: key.direction,
            lowered: key.case == Case::Insensitive && field.ty == FieldType::String,
        });
    }
    if let Some(unique) = keys.iter().position(|k| k.field.primary_key && !k.lowered) {
        keys.truncate(unique + 1);
    } else {
        keys.push(Key {
            field: model.primary_key(),
            direction: Direction::Asc,
            lowered: false,
        });
    }
    Ok(keys)
}

impl Scope<'_> {
    /// `SELECT <every column> FROM <table> AS t0 WHERE <filter> ORDER BY <sort>, <pk>`, where the primary
    /// key is left out when the sort already orders by it.
    pub(crate) fn select(
        &self,
        model: &ModelDef,
        filter: &Where,
        sort: &[Sort],
    ) -> Result<SelectStatement, AdapterError> {
        let keys = order_keys(model, sort)?;
        let mut select = Query::select();
        select.from_as(Alias::new(&model.table), Alias::new(ALIAS));
        for field in &model.fields {
            select.expr(column(ALIAS, field));
        }
        if !matches_all(filter) {
            select.and_where(self.condition(model, ALIAS, filter)?);
        }
        self.order_by(&mut select, ALIAS, &keys);
        Ok(select)
    }

    /// One page of `select(model, filter, sort)`: `offset` rows skipped, then at most `limit` rows.
    ///
    /// With an offset, the skipped rows are walked in the derived table of primary keys alone, which an
    /// index over the filter and sort columns covers, and only the page's rows are read in full:
    /// `SELECT t.<cols> FROM <table> AS t JOIN (SELECT t0.<pk> FROM <table> AS t0 WHERE <filter>
    /// ORDER BY <sort> LIMIT ? OFFSET ?) AS page ON t.<pk> = page.<pk> ORDER BY <sort over t>`. Both
    /// orders end with the primary key, so they are total and agree. A derived table rather than
    /// `IN (subquery)`, because `MySQL` and `MariaDB` refuse `LIMIT` in the latter.
    pub(crate) fn page(
        &self,
        model: &ModelDef,
        filter: &Where,
        sort: &[Sort],
        limit: Option<u64>,
        offset: Option<u64>,
    ) -> Result<SelectStatement, AdapterError> {
        // Every backend binds these as signed 64-bit integers; `SQLite` and `MySQL` need a limit for an
        // offset.
        let clamp = |n: u64| n.min(i64::MAX.unsigned_abs());
        let Some(offset) = offset.filter(|&n| n > 0) else {
            let mut select = self.select(model, filter, sort)?;
            if let Some(limit) = limit {
                select.limit(clamp(limit));
            }
            return Ok(select);
        };
        let keys = order_keys(model, sort)?;
        let pk = model.primary_key();
        let table = Alias::new(&model.table);
        let pk_column = Alias::new(&pk.column);
        let mut ids = Query::select();
        ids.expr_as(column(ALIAS, pk), pk_column.clone())
            .from_as(table.clone(), Alias::new(ALIAS));
        if !matches_all(filter) {
            ids.and_where(self.condition(model, ALIAS, filter)?);
        }
        self.order_by(&mut ids, ALIAS, &keys);
        ids.limit(clamp(limit.unwrap_or(u64::MAX)))
            .offset(clamp(offset));
        let mut select = Query::select();
        select.from_as(table, Alias::new(ROWS));
        for field in &model.fields {
            select.expr(column(ROWS, field));
        }
        select.join_subquery(
            JoinType::InnerJoin,
            ids,
            Alias::new(PAGE),
            Expr::col((Alias::new(ROWS), pk_column.clone())).equals((Alias::new(PAGE), pk_column)),
        );
        self.order_by(&mut select, ROWS, &keys);
        Ok(select)
    }

    /// Appends `keys` over the table named `qualifier` to the `ORDER BY` of `select`.
    fn order_by(&self, select: &mut SelectStatement, qualifier: &str, keys: &[Key<'_>]) {
        for key in keys {
            let expr = if key.lowered {
                self.lowered(qualifier, key.field)
            } else {
                column(qualifier, key.field)
            };
            if key.field.primary_key {
                // The primary key is never null, so no null ordering is needed for it.
                let order = match key.direction {
                    Direction::Asc => Order::Asc,
                    Direction::Desc => Order::Desc,
                };
                select.order_by_expr(expr, order);
            } else {
                self.order(select, expr, key.direction);
            }
        }
    }

    /// Ascending puts nulls first and descending last on every backend; only `PostgreSQL` needs telling.
    fn order(&self, select: &mut SelectStatement, expr: SimpleExpr, direction: Direction) {
        let order = match direction {
            Direction::Asc => Order::Asc,
            Direction::Desc => Order::Desc,
        };
        if self.dialect == Dialect::Postgres {
            let nulls = match direction {
                Direction::Asc => NullOrdering::First,
                Direction::Desc => NullOrdering::Last,
            };
            select.order_by_expr_with_nulls(expr, order, nulls);
        } else {
            select.order_by_expr(expr, order);
        }
    }

    /// The first matching row in primary-key order, locked for update where the backend can.
    pub(crate) fn select_first(
        &self,
        model: &ModelDef,
        filter: &Where,
        lock: bool,
    ) -> Result<SelectStatement, AdapterError> {
        let mut select = self.select(model, filter, &[])?;
        select.limit(1);
        if lock && self.dialect != Dialect::Sqlite {
            select.lock(LockType::Update);
        }
        Ok(select)
    }

    /// `pk IN (SELECT pk ... LIMIT 1 [FOR UPDATE])`: the first matching row, for one-row writes.
    pub(crate) fn first_pk_condition(
        &self,
        model: &ModelDef,
        filter: &Where,
    ) -> Result<SimpleExpr, AdapterError> {
        let pk = model.primary_key();
        let mut inner = Query::select();
        inner
            .expr(column(ALIAS, pk))
            .from_as(Alias::new(&model.table), Alias::new(ALIAS));
        if !matches_all(filter) {
            inner.and_where(self.condition(model, ALIAS, filter)?);
        }
        inner.order_by_expr(column(ALIAS, pk), Order::Asc).limit(1);
        if self.dialect == Dialect::Postgres {
            inner.lock(LockType::Update);
        }
        Ok(Expr::col((Alias::new(&model.table), Alias::new(&pk.column))).in_subquery(inner))
    }

    /// `pk IN (SELECT pk FROM (SELECT pk ... [LIMIT 1]) AS ids)`: for `MySQL` writes whose filter reads
    /// their own table, which `MySQL` allows only through a materialized derived table.
    pub(crate) fn materialized_pk_condition(
        &self,
        model: &ModelDef,
        filter: &Where,
        first_only: bool,
    ) -> Result<SimpleExpr, AdapterError> {
        let pk = model.primary_key();
        let mut inner = Query::select();
        inner
            .expr_as(column(ALIAS, pk), Alias::new(&pk.column))
            .from_as(Alias::new(&model.table), Alias::new(ALIAS));
        if !matches_all(filter) {
            inner.and_where(self.condition(model, ALIAS, filter)?);
        }
        if first_only {
            inner.order_by_expr(column(ALIAS, pk), Order::Asc).limit(1);
        }
        let mut outer = Query::select();
        outer
            .column(Alias::new(&pk.column))
            .from_subquery(inner, Alias::new("ids"));
        Ok(Expr::col((Alias::new(&model.table), Alias::new(&pk.column))).in_subquery(outer))
    }

    /// `SELECT COUNT(*) FROM <table> AS t0 WHERE <filter>`.
    pub(crate) fn count(
        &self,
        model: &ModelDef,
        filter: &Where,
    ) -> Result<SelectStatement, AdapterError> {
        let mut select = Query::select();
        select
            .expr(Expr::col(Asterisk).count())
            .from_as(Alias::new(&model.table), Alias::new(ALIAS));
        if !matches_all(filter) {
            select.and_where(self.condition(model, ALIAS, filter)?);
        }
        Ok(select)
    }

    /// `INSERT INTO <table> (<columns of data>) VALUES (...)`.
    pub(crate) fn insert(
        &self,
        model: &ModelDef,
        data: &Row,
    ) -> Result<InsertStatement, AdapterError> {
        let mut columns = Vec::new();
        let mut values = Vec::new();
        for (name, value) in data.iter() {
            let field = field(model, name)?;
            columns.push(Alias::new(&field.column));
            values.push(SimpleExpr::Value(encode(self.dialect, field, value)?));
        }
        let mut insert = Query::insert();
        insert.into_table(Alias::new(&model.table)).columns(columns);
        insert
            .values(values)
            .map_err(|_| AdapterError::unsupported("insert has mismatched columns and values"))?;
        Ok(insert)
    }

    /// `UPDATE <table> SET <data>` without a filter yet.
    pub(crate) fn update(
        &self,
        model: &ModelDef,
        data: &Row,
    ) -> Result<UpdateStatement, AdapterError> {
        let mut update = Query::update();
        update.table(Alias::new(&model.table));
        for (name, value) in data.iter() {
            let field = field(model, name)?;
            if field.primary_key {
                return Err(AdapterError::unsupported(
                    "the primary key cannot be updated",
                ));
            }
            update.value(
                Alias::new(&field.column),
                SimpleExpr::Value(encode(self.dialect, field, value)?),
            );
        }
        Ok(update)
    }

    /// The filter applied directly in an `UPDATE` or `DELETE`, where the table keeps its own name.
    pub(crate) fn direct_condition(
        &self,
        model: &ModelDef,
        filter: &Where,
    ) -> Result<Option<SimpleExpr>, AdapterError> {
        if matches_all(filter) {
            return Ok(None);
        }
        if self.dialect == Dialect::Mysql && reads_model(filter, &model.name) {
            return self
                .materialized_pk_condition(model, filter, false)
                .map(Some);
        }
        self.condition(model, &model.table, filter).map(Some)
    }

    /// `DELETE FROM <table>` without a filter yet.
    pub(crate) fn delete(model: &ModelDef) -> DeleteStatement {
        let mut delete = Query::delete();
        delete.from_table(Alias::new(&model.table));
        delete
    }
}

/// The unqualified column names of `model`, for `RETURNING`.
pub(crate) fn returning_columns(model: &ModelDef) -> Vec<Alias> {
    model.fields.iter().map(|f| Alias::new(&f.column)).collect()
}

#[cfg(test)]
mod tests {
    use bulwark_core::schema::Schema;

    use super::*;

    fn schema() -> Schema {
        Schema::new(vec![
            ModelDef::new("user")
                .field(FieldDef::new("name", FieldType::String).case_insensitive())
                .field(FieldDef::new("count", FieldType::Number)),
            ModelDef::new("note")
                .field(FieldDef::new("userId", FieldType::String).references("user", "id")),
        ])
        .unwrap()
    }

    fn sql(dialect: Dialect, build: impl Fn(Scope<'_>, &ModelDef) -> String) -> String {
        let schema = schema();
        let scope = Scope {
            dialect,
            schema: &schema,
        };
        build(scope, schema.model("user").unwrap())
    }

    #[test]
    fn sorting_puts_nulls_first_ascending_and_ends_with_the_primary_key() {
        let sort = [
            Sort::asc("count"),
            Sort {
                case: Case::Insensitive,
                ..Sort::desc("name")
            },
        ];
        let select = |dialect| {
            sql(dialect, |scope, model| {
                let stmt = scope.select(model, &Where::all(), &sort).unwrap();
                render(dialect, &stmt)
            })
        };
        insta::assert_snapshot!(select(Dialect::Postgres), @r#"SELECT "t0"."id", "t0"."name", "t0"."count" FROM "user" AS "t0" ORDER BY "t0"."count" ASC NULLS FIRST, LOWER("t0"."name") DESC NULLS LAST, "t0"."id" ASC"#);
        insta::assert_snapshot!(select(Dialect::Sqlite), @r#"SELECT "t0"."id", "t0"."name", "t0"."count" FROM "user" AS "t0" ORDER BY "t0"."count" ASC, LOWER("t0"."name") DESC, "t0"."id" ASC"#);
        insta::assert_snapshot!(select(Dialect::Mysql), @"SELECT `t0`.`id`, `t0`.`name`, `t0`.`count` FROM `user` AS `t0` ORDER BY `t0`.`count` ASC, `t0`.`name_lower` DESC, `t0`.`id` ASC");
    }

    #[test]
    fn a_sort_that_orders_by_the_primary_key_gets_no_second_tie_breaker() {
        let select = |dialect, sort: &[Sort]| {
            sql(dialect, |scope, model| {
                let stmt = scope.select(model, &Where::all(), sort).unwrap();
                render(dialect, &stmt)
            })
        };
        let by_count_then_id = [Sort::asc("count"), Sort::asc("id")];
        insta::assert_snapshot!(select(Dialect::Sqlite, &by_count_then_id), @r#"SELECT "t0"."id", "t0"."name", "t0"."count" FROM "user" AS "t0" ORDER BY "t0"."count" ASC, "t0"."id" ASC"#);
        insta::assert_snapshot!(select(Dialect::Postgres, &by_count_then_id), @r#"SELECT "t0"."id", "t0"."name", "t0"."count" FROM "user" AS "t0" ORDER BY "t0"."count" ASC NULLS FIRST, "t0"."id" ASC"#);
        // Keys after the primary key never decide anything.
        let by_id_desc_then_name = [Sort::desc("id"), Sort::asc("name")];
        insta::assert_snapshot!(select(Dialect::Mysql, &by_id_desc_then_name), @"SELECT `t0`.`id`, `t0`.`name`, `t0`.`count` FROM `user` AS `t0` ORDER BY `t0`.`id` DESC");
        // Lower-cased ids may tie, so the exact primary key still breaks the ties.
        let by_lowered_id = [Sort {
            case: Case::Insensitive,
            ..Sort::asc("id")
        }];
        insta::assert_snapshot!(select(Dialect::Sqlite, &by_lowered_id), @r#"SELECT "t0"."id", "t0"."name", "t0"."count" FROM "user" AS "t0" ORDER BY LOWER("t0"."id") ASC, "t0"."id" ASC"#);
    }

    /// `find_many`'s statement for `(limit, offset)` by `count`, then `name` ignoring case.
    fn page(dialect: Dialect, filter: &Where, limit: Option<u64>, offset: Option<u64>) -> String {
        let sort = [
            Sort::asc("count"),
            Sort {
                case: Case::Insensitive,
                ..Sort::asc("name")
            },
        ];
        sql(dialect, |scope, model| {
            let stmt = scope.page(model, filter, &sort, limit, offset).unwrap();
            render(dialect, &stmt)
        })
    }

    #[test]
    fn a_first_page_is_a_plain_select() {
        let filter = Where::eq("count", 1_i64);
        insta::assert_snapshot!(page(Dialect::Sqlite, &filter, Some(10), None), @r#"SELECT "t0"."id", "t0"."name", "t0"."count" FROM "user" AS "t0" WHERE "t0"."count" = 1 ORDER BY "t0"."count" ASC, LOWER("t0"."name") ASC, "t0"."id" ASC LIMIT 10"#);
        insta::assert_snapshot!(page(Dialect::Sqlite, &filter, Some(10), Some(0)), @r#"SELECT "t0"."id", "t0"."name", "t0"."count" FROM "user" AS "t0" WHERE "t0"."count" = 1 ORDER BY "t0"."count" ASC, LOWER("t0"."name") ASC, "t0"."id" ASC LIMIT 10"#);
        insta::assert_snapshot!(page(Dialect::Postgres, &filter, None, None), @r#"SELECT "t0"."id", "t0"."name", "t0"."count" FROM "user" AS "t0" WHERE "t0"."count" = 1 ORDER BY "t0"."count" ASC NULLS FIRST, LOWER("t0"."name") ASC NULLS FIRST, "t0"."id" ASC"#);
    }

    #[test]
    fn a_later_page_skips_rows_in_a_derived_table_of_primary_keys() {
        // The filter's subquery takes `t1`, distinct from both the derived table's `t0` and the outer `t`.
        let noted = Where::Exists(Box::new(bulwark_core::adapter::Exists {
            model: "note".into(),
            foreign_field: "userId".into(),
            local_field: "id".into(),
            filter: None,
        }));
        insta::assert_snapshot!(page(Dialect::Sqlite, &noted, Some(10), Some(20)), @r#"SELECT "t"."id", "t"."name", "t"."count" FROM "user" AS "t" INNER JOIN (SELECT "t0"."id" AS "id" FROM "user" AS "t0" WHERE "t0"."id" IN (SELECT "t1"."userId" FROM "note" AS "t1" WHERE "t1"."userId" IS NOT NULL) ORDER BY "t0"."count" ASC, LOWER("t0"."name") ASC, "t0"."id" ASC LIMIT 10 OFFSET 20) AS "page" ON "t"."id" = "page"."id" ORDER BY "t"."count" ASC, LOWER("t"."name") ASC, "t"."id" ASC"#);
        insta::assert_snapshot!(page(Dialect::Postgres, &noted, Some(10), Some(20)), @r#"SELECT "t"."id", "t"."name", "t"."count" FROM "user" AS "t" INNER JOIN (SELECT "t0"."id" AS "id" FROM "user" AS "t0" WHERE "t0"."id" IN (SELECT "t1"."userId" FROM "note" AS "t1" WHERE "t1"."userId" IS NOT NULL) ORDER BY "t0"."count" ASC NULLS FIRST, LOWER("t0"."name") ASC NULLS FIRST, "t0"."id" ASC LIMIT 10 OFFSET 20) AS "page" ON "t"."id" = "page"."id" ORDER BY "t"."count" ASC NULLS FIRST, LOWER("t"."name") ASC NULLS FIRST, "t"."id" ASC"#);
        insta::assert_snapshot!(page(Dialect::Mysql, &noted, Some(10), Some(20)), @"SELECT `t`.`id`, `t`.`name`, `t`.`count` FROM `user` AS `t` INNER JOIN (SELECT `t0`.`id` AS `id` FROM `user` AS `t0` WHERE `t0`.`id` IN (SELECT `t1`.`userId` FROM `note` AS `t1` WHERE `t1`.`userId` IS NOT NULL) ORDER BY `t0`.`count` ASC, `t0`.`name_lower` ASC, `t0`.`id` ASC LIMIT 10 OFFSET 20) AS `page` ON `t`.`id` = `page`.`id` ORDER BY `t`.`count` ASC, `t`.`name_lower` ASC, `t`.`id` ASC");
        // An offset without a limit takes every row after it.
        insta::assert_snapshot!(page(Dialect::Mysql, &Where::all(), None, Some(20)), @"SELECT `t`.`id`, `t`.`name`, `t`.`count` FROM `user` AS `t` INNER JOIN (SELECT `t0`.`id` AS `id` FROM `user` AS `t0` ORDER BY `t0`.`count` ASC, `t0`.`name_lower` ASC, `t0`.`id` ASC LIMIT 9223372036854775807 OFFSET 20) AS `page` ON `t`.`id` = `page`.`id` ORDER BY `t`.`count` ASC, `t`.`name_lower` ASC, `t`.`id` ASC");
    }

    #[test]
    fn one_row_writes_pick_the_first_primary_key_under_a_lock() {
        let update = |dialect| {
            sql(dialect, |scope, model| {
                let data = Row::new().with("name", "x");
                let mut stmt = scope.update(model, &data).unwrap();
                stmt.and_where(
                    scope
                        .first_pk_condition(model, &Where::eq("count", 1_i64))
                        .unwrap(),
                );
                render(dialect, &stmt)
            })
        };
        insta::assert_snapshot!(update(Dialect::Postgres), @r#"UPDATE "user" SET "name" = 'x' WHERE "user"."id" IN (SELECT "t0"."id" FROM "user" AS "t0" WHERE "t0"."count" = 1 ORDER BY "t0"."id" ASC LIMIT 1 FOR UPDATE)"#);
        insta::assert_snapshot!(update(Dialect::Sqlite), @r#"UPDATE "user" SET "name" = 'x' WHERE "user"."id" IN (SELECT "t0"."id" FROM "user" AS "t0" WHERE "t0"."count" = 1 ORDER BY "t0"."id" ASC LIMIT 1)"#);
    }

    #[test]
    fn primary_keys_and_unknown_fields_cannot_be_written() {
        let schema = schema();
        let scope = Scope {
            dialect: Dialect::Sqlite,
            schema: &schema,
        };
        let model = schema.model("user").unwrap();
        assert!(scope.update(model, &Row::new().with("id", "x")).is_err());
        assert!(scope.insert(model, &Row::new().with("nope", "x")).is_err());
        assert!(
            scope
                .select(model, &Where::all(), &[Sort::asc("nope")])
                .is_err()
        );
    }

    fn render(dialect: Dialect, stmt: &impl sea_query::QueryStatementWriter) -> String {
        match dialect {
            Dialect::Sqlite => stmt.to_string(sea_query::SqliteQueryBuilder),
            Dialect::Postgres => stmt.to_string(sea_query::PostgresQueryBuilder),
            Dialect::Mysql => stmt.to_string(sea_query::MysqlQueryBuilder),
        }
    }

    /// `EXPLAIN QUERY PLAN` of a SCIM-like list, by creation order within one connection, on `SQLite`.
    mod sqlite_plans {
        use bulwark_core::adapter::{Sort, Where};
        use bulwark_core::schema::{FieldDef, FieldType, ModelDef, Schema};
        use sea_query::SelectStatement;
        use sqlx::{Connection as _, SqliteConnection};

        use crate::condition::Scope;
        use crate::dialect::Dialect;

        const INDEX: &str = "scimUser_page_idx";

        fn schema() -> Schema {
            Schema::new(vec![
                ModelDef::new("scimUser")
                    .field(FieldDef::new("connectionId", FieldType::String).required())
                    .field(FieldDef::new("attributes", FieldType::Json))
                    .field(FieldDef::new("createdAt", FieldType::Date).required())
                    .index(INDEX, &["connectionId", "createdAt", "id"], false),
            ])
            .unwrap()
        }

        /// An in-memory database with `schema`'s tables, and 1,000 users and statistics if `filled`.
        async fn database(schema: &Schema, filled: bool) -> SqliteConnection {
            let mut conn = SqliteConnection::connect("sqlite::memory:").await.unwrap();
            for ddl in crate::generate_ddl(Dialect::Sqlite, schema) {
                sqlx::raw_sql(&ddl).execute(&mut conn).await.unwrap();
            }
            if filled {
                sqlx::raw_sql(
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) \
                     INSERT INTO scimUser SELECT 'u' || i, 'c1', '{}', '2026-01-01' FROM n; \
                     ANALYZE;",
                )
                .execute(&mut conn)
                .await
                .unwrap();
            }
            conn
        }

        use crate::sqlite_plan::explain as plan;

        /// The page of 100 at `offset` of connection `c1`, in creation order and then by id.
        fn page(schema: &Schema, offset: u64) -> SelectStatement {
            let scope = Scope {
                dialect: Dialect::Sqlite,
                schema,
            };
            let user = schema.model("scimUser").unwrap();
            let order = [Sort::asc("createdAt"), Sort::asc("id")];
            let filter = Where::eq("connectionId", "c1");
            scope
                .page(user, &filter, &order, Some(100), Some(offset))
                .unwrap()
        }

        /// The first page walks the index in order and stops after 100 rows: nothing is sorted.
        #[tokio::test]
        async fn a_first_page_reads_the_index_in_order() {
            let schema = schema();
            for filled in [false, true] {
                let mut conn = database(&schema, filled).await;
                let steps = plan(&mut conn, &page(&schema, 0)).await;
                let details: Vec<&str> = steps.iter().map(|s| s.detail.as_str()).collect();
                assert_eq!(
                    details,
                    [format!("SEARCH t0 USING INDEX {INDEX} (connectionId=?)")],
                    "filled: {filled}"
                );
            }
        }

        /// A later page skips rows inside the covering index, unsorted, and reads only the page's rows
        /// from the table, by primary key; just those 100 rows are sorted again.
        #[tokio::test]
        async fn a_later_page_skips_rows_in_the_covering_index() {
            let schema = schema();
            for filled in [false, true] {
                let mut conn = database(&schema, filled).await;
                let steps = plan(&mut conn, &page(&schema, 900)).await;
                let details: Vec<&str> = steps.iter().map(|s| s.detail.as_str()).collect();
                let ids = steps
                    .iter()
                    .find(|s| s.detail.ends_with(" page"))
                    .unwrap_or_else(|| panic!("{details:?}"));
                let inner: Vec<&str> = steps
                    .iter()
                    .filter(|s| s.parent == ids.id)
                    .map(|s| s.detail.as_str())
                    .collect();
                assert_eq!(
                    inner,
                    [format!(
                        "SEARCH t0 USING COVERING INDEX {INDEX} (connectionId=?)"
                    )],
                    "filled: {filled}, {details:?}"
                );
                let rows = steps
                    .iter()
                    .find(|s| s.detail.starts_with("SEARCH t "))
                    .unwrap_or_else(|| panic!("{details:?}"));
                assert!(rows.detail.ends_with("(id=?)"), "{details:?}");
            }
        }
    }
}
