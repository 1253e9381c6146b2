//! One function per `Adapter` method, over a borrowed connection: `RETURNING` on `SQLite` and
//! `PostgreSQL`, a short transaction with a locking read and a read-back on `MySQL`.

use bulwark_core::adapter::{Create, Find, FindMany, Increment, Update, Where};
use bulwark_core::schema::{FieldType, ModelDef};
use bulwark_core::{AdapterError, Row, Value};
use sea_query::{Alias, Expr, Order, Query, ReturningClause, SimpleExpr};
use sqlx::Connection as _;

use crate::codec::encode;
use crate::condition::{Scope, field, reads_model};
use crate::conn::Conn;
use crate::dialect::Dialect;
use crate::query::returning_columns;

fn returning(model: &ModelDef) -> ReturningClause {
    Query::returning().columns(returning_columns(model))
}

/// The filter that selects exactly the row `row` by primary key.
fn by_pk(model: &ModelDef, row: &Row) -> Result<Where, AdapterError> {
    let pk = model.primary_key();
    let value = row
        .get(&pk.name)
        .cloned()
        .ok_or_else(|| AdapterError::decode("row has no primary key"))?;
    Ok(Where::eq(pk.name.clone(), value))
}

/// Inserts one row and returns it as stored.
pub(crate) async fn create(conn: &mut Conn<'_>, q: &Create<'_>) -> Result<Row, AdapterError> {
    let scope = Scope {
        dialect: conn.dialect(),
        schema: q.schema,
    };
    let model = scope.model(q.model)?;
    let pk = model.primary_key();
    if !q.data.contains(&pk.name) {
        return Err(AdapterError::unsupported("create needs the primary key"));
    }
    let mut insert = scope.insert(model, &q.data)?;
    if scope.dialect == Dialect::Mysql {
        conn.execute(&insert).await?;
        let select = scope.select_first(model, &by_pk(model, &q.data)?, false)?;
        return conn
            .first(&select, model)
            .await?
            .ok_or_else(|| AdapterError::decode("inserted row could not be read back"));
    }
    insert.returning(returning(model));
    conn.first(&insert, model)
        .await?
        .ok_or_else(|| AdapterError::decode("insert returned no row"))
}

/// The first matching row in primary-key order.
pub(crate) async fn find_one(
    conn: &mut Conn<'_>,
    q: &Find<'_>,
) -> Result<Option<Row>, AdapterError> {
    let scope = Scope {
        dialect: conn.dialect(),
        schema: q.schema,
    };
    let model = scope.model(q.model)?;
    let select = scope.select_first(model, q.filter, false)?;
    conn.first(&select, model).await
}

/// Matching rows, sorted and paged in the database.
pub(crate) async fn find_many(
    conn: &mut Conn<'_>,
    q: &FindMany<'_>,
) -> Result<Vec<Row>, AdapterError> {
    let scope = Scope {
        dialect: conn.dialect(),
        schema: q.schema,
    };
    let model = scope.model(q.model)?;
    let select = scope.page(model, q.filter, q.sort, q.limit, q.offset)?;
    conn.rows(&select, model).await
}

/// The number of matching rows.
pub(crate) async fn count(conn: &mut Conn<'_>, q: &Find<'_>) -> Result<u64, AdapterError> {
    let scope = Scope {
        dialect: conn.dialect(),
        schema: q.schema,
    };
    let model = scope.model(q.model)?;
    let n = conn.integer(&scope.count(model, q.filter)?).await?;
    Ok(n.unsigned_abs())
}

/// Updates the first matching row (and adds `increment` to a field) and returns it after the change.
async fn update_first(
    conn: &mut Conn<'_>,
    scope: Scope<'_>,
    model: &ModelDef,
    filter: &Where,
    data: &Row,
    increment: Option<(&str, i64)>,
) -> Result<Option<Row>, AdapterError> {
    let mut update = scope.update(model, data)?;
    if let Some((name, by)) = increment {
        let field = field(model, name)?;
        if field.ty != FieldType::Number {
            return Err(AdapterError::unsupported(format!(
                "field `{name}` is not an integer and cannot be incremented"
            )));
        }
        let current = Expr::col((Alias::new(&model.table), Alias::new(&field.column)));
        let by = SimpleExpr::Value(encode(scope.dialect, field, &Value::Int(by))?);
        update.value(Alias::new(&field.column), current.add(by));
    } else if data.is_empty() {
        return conn
            .first(&scope.select_first(model, filter, false)?, model)
            .await;
    }
    if let Conn::Mysql(c) = conn {
        {
            let mut tx = c.begin().await.map_err(crate::mysql::error)?;
            let mut inner = Conn::Mysql(&mut tx);
            let Some(row) = inner
                .first(&scope.select_first(model, filter, true)?, model)
                .await?
            else {
                tx.commit().await.map_err(crate::mysql::error)?;
                return Ok(None);
            };
            let pk = by_pk(model, &row)?;
            if let Some(cond) = scope.direct_condition(model, &pk)? {
                update.and_where(cond);
            }
            inner.execute(&update).await?;
            let after = inner
                .first(&scope.select_first(model, &pk, false)?, model)
                .await?;
            tx.commit().await.map_err(crate::mysql::error)?;
            return Ok(after);
        }
    }
    update
        .and_where(scope.first_pk_condition(model, filter)?)
        .returning(returning(model));
    conn.first(&update, model).await
}

/// Updates the first matching row and returns it after the change.
pub(crate) async fn update(
    conn: &mut Conn<'_>,
    q: &Update<'_>,
) -> Result<Option<Row>, AdapterError> {
    let scope = Scope {
        dialect: conn.dialect(),
        schema: q.schema,
    };
    let model = scope.model(q.model)?;
    update_first(conn, scope, model, q.filter, &q.data, None).await
}

/// Updates every matching row and returns how many.
pub(crate) async fn update_many(conn: &mut Conn<'_>, q: &Update<'_>) -> Result<u64, AdapterError> {
    let scope = Scope {
        dialect: conn.dialect(),
        schema: q.schema,
    };
    let model = scope.model(q.model)?;
    if q.data.is_empty() {
        return Ok(conn
            .integer(&scope.count(model, q.filter)?)
            .await?
            .unsigned_abs());
    }
    let mut update = scope.update(model, &q.data)?;
    if let Some(cond) = scope.direct_condition(model, q.filter)? {
        update.and_where(cond);
    }
    conn.execute(&update).await
}

/// Deletes the first matching row, if any.
pub(crate) async fn delete(conn: &mut Conn<'_>, q: &Find<'_>) -> Result<(), AdapterError> {
    let scope = Scope {
        dialect: conn.dialect(),
        schema: q.schema,
    };
    let model = scope.model(q.model)?;
    let mut delete = Scope::delete(model);
    if scope.dialect == Dialect::Mysql && reads_model(q.filter, &model.name) {
        delete.and_where(scope.materialized_pk_condition(model, q.filter, true)?);
    } else if scope.dialect == Dialect::Mysql {
        // Single-table DELETE takes ORDER BY and LIMIT on MySQL, but not a subquery on its own table.
        if let Some(cond) = scope.direct_condition(model, q.filter)? {
            delete.and_where(cond);
        }
        let pk = model.primary_key();
        delete
            .order_by(
                (Alias::new(&model.table), Alias::new(&pk.column)),
                Order::Asc,
            )
            .limit(1);
    } else {
        delete.and_where(scope.first_pk_condition(model, q.filter)?);
    }
    conn.execute(&delete).await.map(drop)
}

/// Deletes every matching row and returns how many.
pub(crate) async fn delete_many(conn: &mut Conn<'_>, q: &Find<'_>) -> Result<u64, AdapterError> {
    let scope = Scope {
        dialect: conn.dialect(),
        schema: q.schema,
    };
    let model = scope.model(q.model)?;
    let mut delete = Scope::delete(model);
    if let Some(cond) = scope.direct_condition(model, q.filter)? {
        delete.and_where(cond);
    }
    conn.execute(&delete).await
}

/// Atomically deletes the first matching row and returns it.
pub(crate) async fn consume_one(
    conn: &mut Conn<'_>,
    q: &Find<'_>,
) -> Result<Option<Row>, AdapterError> {
    let scope = Scope {
        dialect: conn.dialect(),
        schema: q.schema,
    };
    let model = scope.model(q.model)?;
    if let Conn::Mysql(c) = conn {
        {
            let mut tx = c.begin().await.map_err(crate::mysql::error)?;
            let mut inner = Conn::Mysql(&mut tx);
            let Some(row) = inner
                .first(&scope.select_first(model, q.filter, true)?, model)
                .await?
            else {
                tx.commit().await.map_err(crate::mysql::error)?;
                return Ok(None);
            };
            let mut delete = Scope::delete(model);
            if let Some(cond) = scope.direct_condition(model, &by_pk(model, &row)?)? {
                delete.and_where(cond);
            }
            let deleted = inner.execute(&delete).await?;
            tx.commit().await.map_err(crate::mysql::error)?;
            return Ok((deleted > 0).then_some(row));
        }
    }
    let mut delete = Scope::delete(model);
    delete
        .and_where(scope.first_pk_condition(model, q.filter)?)
        .returning(returning(model));
    conn.first(&delete, model).await
}

/// Atomically increments a field of the first matching row and returns it after the change.
pub(crate) async fn increment_one(
    conn: &mut Conn<'_>,
    q: &Increment<'_>,
) -> Result<Option<Row>, AdapterError> {
    let scope = Scope {
        dialect: conn.dialect(),
        schema: q.schema,
    };
    let model = scope.model(q.model)?;
    update_first(conn, scope, model, q.filter, &q.set, Some((q.field, q.by))).await
}
