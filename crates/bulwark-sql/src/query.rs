//! Statement building shared by every backend: selects, counts, inserts, updates and deletes of one model.

use bulwark_core::adapter::{Case, Direction, Sort, Where};
use bulwark_core::schema::{FieldDef, FieldType, ModelDef};
use bulwark_core::{AdapterError, Row};
use sea_query::{
    Alias, Asterisk, DeleteStatement, Expr, InsertStatement, LockType, NullOrdering, Order, Query,
    SelectStatement, SimpleExpr, UpdateStatement,
};

use crate::codec::encode;
use crate::condition::{Scope, column, field, reads_model};
use crate::dialect::Dialect;

/// The alias of the queried table in selects (subqueries use `t1`, `t2`, ...).
pub(crate) const ALIAS: &str = "t0";

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
}
