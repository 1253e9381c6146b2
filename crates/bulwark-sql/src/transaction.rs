//! `SqlTransaction`: an open sqlx transaction behind the `Adapter` trait; dropping it rolls back.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};

use bulwark_core::adapter::{
    BoxFuture, Capabilities, Create, Find, FindMany, Increment, Transaction, Update,
};
use bulwark_core::{Adapter, AdapterError, AdapterErrorKind, Row};
use sqlx::{MySql, Postgres, Sqlite};
use tokio::sync::Mutex;

use crate::dialect::Dialect;
use crate::{Lease, capabilities, mysql, ops, postgres, sqlite};

/// An open sqlx transaction of any backend.
pub(crate) enum TxConn {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Postgres(sqlx::Transaction<'static, Postgres>),
    Mysql(sqlx::Transaction<'static, MySql>),
}

/// A transaction on an [`SqlAdapter`](crate::SqlAdapter)'s database. Dropping it rolls back.
pub(crate) struct SqlTransaction {
    dialect: Dialect,
    tx: Mutex<Option<TxConn>>,
    /// Whether the database already rolled the transaction back (a lost deadlock on `MySQL`).
    lost: AtomicBool,
}

impl fmt::Debug for SqlTransaction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqlTransaction")
            .field("dialect", &self.dialect)
            .finish_non_exhaustive()
    }
}

impl SqlTransaction {
    /// Wraps an open transaction.
    pub(crate) fn new(dialect: Dialect, tx: TxConn) -> Self {
        Self {
            dialect,
            tx: Mutex::new(Some(tx)),
            lost: AtomicBool::new(false),
        }
    }

    async fn lease(&self) -> Result<Lease<'_>, AdapterError> {
        if self.lost.load(Ordering::Relaxed) {
            return Err(lost_error());
        }
        Ok(Lease::Tx(self.tx.lock().await))
    }

    /// `InnoDB` rolls the whole transaction back when it loses a deadlock; later statements would run
    /// outside any transaction, so the transaction refuses them and its commit fails.
    fn note<T>(&self, result: &Result<T, AdapterError>) {
        if self.dialect == Dialect::Mysql
            && result
                .as_ref()
                .is_err_and(|e| e.kind() == AdapterErrorKind::SerializationFailure)
        {
            self.lost.store(true, Ordering::Relaxed);
        }
    }

    async fn finish(self: Box<Self>, commit: bool) -> Result<(), AdapterError> {
        let lost = self.lost.load(Ordering::Relaxed);
        let Some(tx) = self.tx.into_inner() else {
            return Ok(());
        };
        if lost {
            drop(tx);
            return Err(lost_error());
        }
        match (tx, commit) {
            (TxConn::Sqlite(tx), true) => tx.commit().await.map_err(sqlite::error),
            (TxConn::Sqlite(tx), false) => tx.rollback().await.map_err(sqlite::error),
            (TxConn::Postgres(tx), true) => tx.commit().await.map_err(postgres::error),
            (TxConn::Postgres(tx), false) => tx.rollback().await.map_err(postgres::error),
            (TxConn::Mysql(tx), true) => tx.commit().await.map_err(mysql::error),
            (TxConn::Mysql(tx), false) => tx.rollback().await.map_err(mysql::error),
        }
    }
}

impl Adapter for SqlTransaction {
    fn id(&self) -> &'static str {
        self.dialect.id()
    }

    fn capabilities(&self) -> Capabilities {
        capabilities(self.dialect)
    }

    fn create<'a>(&'a self, q: Create<'a>) -> BoxFuture<'a, Result<Row, AdapterError>> {
        Box::pin(async move {
            let mut lease = self.lease().await?;
            let mut conn = lease.conn()?;
            let guarded = conn.guard_write().await?;
            let result = ops::create(&mut conn, &q).await;
            conn.end_write(guarded, result.is_ok()).await?;
            self.note(&result);
            result
        })
    }

    fn find_one<'a>(&'a self, q: Find<'a>) -> BoxFuture<'a, Result<Option<Row>, AdapterError>> {
        Box::pin(async move { ops::find_one(&mut self.lease().await?.conn()?, &q).await })
    }

    fn find_many<'a>(&'a self, q: FindMany<'a>) -> BoxFuture<'a, Result<Vec<Row>, AdapterError>> {
        Box::pin(async move { ops::find_many(&mut self.lease().await?.conn()?, &q).await })
    }

    fn count<'a>(&'a self, q: Find<'a>) -> BoxFuture<'a, Result<u64, AdapterError>> {
        Box::pin(async move { ops::count(&mut self.lease().await?.conn()?, &q).await })
    }

    fn update<'a>(&'a self, q: Update<'a>) -> BoxFuture<'a, Result<Option<Row>, AdapterError>> {
        Box::pin(async move {
            let mut lease = self.lease().await?;
            let mut conn = lease.conn()?;
            let guarded = conn.guard_write().await?;
            let result = ops::update(&mut conn, &q).await;
            conn.end_write(guarded, result.is_ok()).await?;
            self.note(&result);
            result
        })
    }

    fn update_many<'a>(&'a self, q: Update<'a>) -> BoxFuture<'a, Result<u64, AdapterError>> {
        Box::pin(async move {
            let mut lease = self.lease().await?;
            let mut conn = lease.conn()?;
            let guarded = conn.guard_write().await?;
            let result = ops::update_many(&mut conn, &q).await;
            conn.end_write(guarded, result.is_ok()).await?;
            self.note(&result);
            result
        })
    }

    fn delete<'a>(&'a self, q: Find<'a>) -> BoxFuture<'a, Result<(), AdapterError>> {
        Box::pin(async move {
            let mut lease = self.lease().await?;
            let mut conn = lease.conn()?;
            let guarded = conn.guard_write().await?;
            let result = ops::delete(&mut conn, &q).await;
            conn.end_write(guarded, result.is_ok()).await?;
            self.note(&result);
            result
        })
    }

    fn delete_many<'a>(&'a self, q: Find<'a>) -> BoxFuture<'a, Result<u64, AdapterError>> {
        Box::pin(async move {
            let mut lease = self.lease().await?;
            let mut conn = lease.conn()?;
            let guarded = conn.guard_write().await?;
            let result = ops::delete_many(&mut conn, &q).await;
            conn.end_write(guarded, result.is_ok()).await?;
            self.note(&result);
            result
        })
    }

    fn consume_one<'a>(&'a self, q: Find<'a>) -> BoxFuture<'a, Result<Option<Row>, AdapterError>> {
        Box::pin(async move {
            let mut lease = self.lease().await?;
            let mut conn = lease.conn()?;
            let guarded = conn.guard_write().await?;
            let result = ops::consume_one(&mut conn, &q).await;
            conn.end_write(guarded, result.is_ok()).await?;
            self.note(&result);
            result
        })
    }

    fn increment_one<'a>(
        &'a self,
        q: Increment<'a>,
    ) -> BoxFuture<'a, Result<Option<Row>, AdapterError>> {
        Box::pin(async move {
            let mut lease = self.lease().await?;
            let mut conn = lease.conn()?;
            let guarded = conn.guard_write().await?;
            let result = ops::increment_one(&mut conn, &q).await;
            conn.end_write(guarded, result.is_ok()).await?;
            self.note(&result);
            result
        })
    }

    fn begin(&self) -> BoxFuture<'_, Result<Box<dyn Transaction>, AdapterError>> {
        Box::pin(async {
            Err(AdapterError::unsupported(
                "transactions do not nest; use the open transaction",
            ))
        })
    }
}

impl Transaction for SqlTransaction {
    fn commit(self: Box<Self>) -> BoxFuture<'static, Result<(), AdapterError>> {
        Box::pin(self.finish(true))
    }

    fn rollback(self: Box<Self>) -> BoxFuture<'static, Result<(), AdapterError>> {
        Box::pin(self.finish(false))
    }
}

/// The error for any use of a transaction the database already rolled back.
fn lost_error() -> AdapterError {
    AdapterError::new(
        AdapterErrorKind::SerializationFailure,
        "the transaction was rolled back after a deadlock; run it again",
    )
}
