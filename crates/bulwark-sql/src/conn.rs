//! `Conn`: one borrowed connection of any backend, running sea-query statements and decoding rows.

use bulwark_core::schema::ModelDef;
use bulwark_core::{AdapterError, Row};
use sea_query_binder::{SqlxBinder, SqlxValues};
use sqlx::{MySqlConnection, PgConnection, Row as _, SqliteConnection};

use crate::dialect::Dialect;
use crate::{mysql, postgres, sqlite};

/// A connection borrowed from a pool or a transaction.
#[derive(Debug)]
pub(crate) enum Conn<'c> {
    /// `SQLite`.
    Sqlite(&'c mut SqliteConnection),
    /// `PostgreSQL`.
    Postgres(&'c mut PgConnection),
    /// `MySQL`/`MariaDB`.
    Mysql(&'c mut MySqlConnection),
}

impl Conn<'_> {
    /// The connection's dialect.
    pub(crate) fn dialect(&self) -> Dialect {
        match self {
            Self::Sqlite(_) => Dialect::Sqlite,
            Self::Postgres(_) => Dialect::Postgres,
            Self::Mysql(_) => Dialect::Mysql,
        }
    }

    fn build(&self, stmt: &impl SqlxBinder) -> (String, SqlxValues) {
        stmt.build_any_sqlx(self.dialect().query_builder())
    }

    /// Runs a statement that returns every column of `model` and decodes the rows.
    pub(crate) async fn rows(
        &mut self,
        stmt: &impl SqlxBinder,
        model: &ModelDef,
    ) -> Result<Vec<Row>, AdapterError> {
        let (sql, values) = self.build(stmt);
        match self {
            Self::Sqlite(c) => sqlx::query_with(&sql, values)
                .fetch_all(&mut **c)
                .await
                .map_err(sqlite::error)?
                .iter()
                .map(|row| sqlite::decode_row(row, model))
                .collect(),
            Self::Postgres(c) => sqlx::query_with(&sql, values)
                .fetch_all(&mut **c)
                .await
                .map_err(postgres::error)?
                .iter()
                .map(|row| postgres::decode_row(row, model))
                .collect(),
            Self::Mysql(c) => sqlx::query_with(&sql, values)
                .fetch_all(&mut **c)
                .await
                .map_err(mysql::error)?
                .iter()
                .map(|row| mysql::decode_row(row, model))
                .collect(),
        }
    }

    /// Runs a statement that returns every column of `model`, keeping the first row.
    pub(crate) async fn first(
        &mut self,
        stmt: &impl SqlxBinder,
        model: &ModelDef,
    ) -> Result<Option<Row>, AdapterError> {
        Ok(self.rows(stmt, model).await?.into_iter().next())
    }

    /// Runs a statement and returns how many rows it affected.
    pub(crate) async fn execute(&mut self, stmt: &impl SqlxBinder) -> Result<u64, AdapterError> {
        let (sql, values) = self.build(stmt);
        match self {
            Self::Sqlite(c) => sqlx::query_with(&sql, values)
                .execute(&mut **c)
                .await
                .map(|r| r.rows_affected())
                .map_err(sqlite::error),
            Self::Postgres(c) => sqlx::query_with(&sql, values)
                .execute(&mut **c)
                .await
                .map(|r| r.rows_affected())
                .map_err(postgres::error),
            Self::Mysql(c) => sqlx::query_with(&sql, values)
                .execute(&mut **c)
                .await
                .map(|r| r.rows_affected())
                .map_err(mysql::error),
        }
    }

    /// Runs a statement whose single row holds one integer (a count).
    pub(crate) async fn integer(&mut self, stmt: &impl SqlxBinder) -> Result<i64, AdapterError> {
        let (sql, values) = self.build(stmt);
        match self {
            Self::Sqlite(c) => sqlx::query_with(&sql, values)
                .fetch_one(&mut **c)
                .await
                .and_then(|row| row.try_get::<i64, _>(0))
                .map_err(sqlite::error),
            Self::Postgres(c) => sqlx::query_with(&sql, values)
                .fetch_one(&mut **c)
                .await
                .and_then(|row| row.try_get::<i64, _>(0))
                .map_err(postgres::error),
            Self::Mysql(c) => sqlx::query_with(&sql, values)
                .fetch_one(&mut **c)
                .await
                .and_then(|row| row.try_get::<i64, _>(0))
                .map_err(mysql::error),
        }
    }

    /// Before a write inside a transaction: guards it with a savepoint where a failure would otherwise
    /// abort the transaction (`PostgreSQL`). Returns whether it did.
    pub(crate) async fn guard_write(&mut self) -> Result<bool, AdapterError> {
        match self {
            Self::Postgres(c) => {
                sqlx::query(postgres::SAVEPOINT)
                    .execute(&mut **c)
                    .await
                    .map_err(postgres::error)?;
                Ok(true)
            }
            Self::Sqlite(_) | Self::Mysql(_) => Ok(false),
        }
    }

    /// After a guarded write: keeps it, or undoes it so the transaction goes on.
    pub(crate) async fn end_write(&mut self, guarded: bool, ok: bool) -> Result<(), AdapterError> {
        if !guarded {
            return Ok(());
        }
        let sql = if ok {
            postgres::RELEASE
        } else {
            postgres::ROLLBACK_TO
        };
        match self {
            Self::Postgres(c) => sqlx::query(sql)
                .execute(&mut **c)
                .await
                .map(drop)
                .map_err(postgres::error),
            Self::Sqlite(_) | Self::Mysql(_) => Ok(()),
        }
    }

    /// Runs fixed statement text (DDL generated from the schema, savepoints), never built from values.
    pub(crate) async fn execute_ddl(&mut self, sql: &str) -> Result<(), AdapterError> {
        match self {
            Self::Sqlite(c) => sqlx::raw_sql(sql)
                .execute(&mut **c)
                .await
                .map(drop)
                .map_err(sqlite::error),
            Self::Postgres(c) => sqlx::raw_sql(sql)
                .execute(&mut **c)
                .await
                .map(drop)
                .map_err(postgres::error),
            Self::Mysql(c) => sqlx::raw_sql(sql)
                .execute(&mut **c)
                .await
                .map(drop)
                .map_err(mysql::error),
        }
    }

    /// Runs a fixed catalog query with one bound text argument (or none) and returns each row's text
    /// columns; nulls become `None`.
    pub(crate) async fn catalog(
        &mut self,
        sql: &str,
        arg: Option<&str>,
        width: usize,
    ) -> Result<Vec<Vec<Option<String>>>, AdapterError> {
        fn texts<R: sqlx::Row>(row: &R, width: usize) -> Result<Vec<Option<String>>, sqlx::Error>
        where
            for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
            usize: sqlx::ColumnIndex<R>,
        {
            (0..width)
                .map(|i| row.try_get_unchecked::<Option<String>, _>(i))
                .collect()
        }
        match self {
            Self::Sqlite(c) => {
                let mut query = sqlx::query(sql);
                if let Some(arg) = arg {
                    query = query.bind(arg.to_owned());
                }
                let rows = query.fetch_all(&mut **c).await.map_err(sqlite::error)?;
                rows.iter()
                    .map(|r| texts(r, width).map_err(sqlite::error))
                    .collect()
            }
            Self::Postgres(c) => {
                let mut query = sqlx::query(sql);
                if let Some(arg) = arg {
                    query = query.bind(arg.to_owned());
                }
                let rows = query.fetch_all(&mut **c).await.map_err(postgres::error)?;
                rows.iter()
                    .map(|r| texts(r, width).map_err(postgres::error))
                    .collect()
            }
            Self::Mysql(c) => {
                let mut query = sqlx::query(sql);
                if let Some(arg) = arg {
                    query = query.bind(arg.to_owned());
                }
                let rows = query.fetch_all(&mut **c).await.map_err(mysql::error)?;
                rows.iter()
                    .map(|r| texts(r, width).map_err(mysql::error))
                    .collect()
            }
        }
    }
}
