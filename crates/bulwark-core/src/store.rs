//! The typed `Store`: model-level storage that runs database hooks (upstream's internal adapter).
//!
//! Endpoints and plugins write through the store so hooks always apply. Hook timing follows upstream:
//! before-hooks run before the write and may change or cancel it; after-hooks run once the write has
//! succeeded, and inside [`Store::transaction`] only after the commit (a rolled-back write never reaches
//! an after-hook). A cancelled create returns `Ok(None)`.

mod tx;

use std::sync::Arc;

use tokio::sync::Mutex;

use crate::adapter::{
    Adapter, BoxFuture, Create as CreateQuery, Find, FindMany, Increment, Row, Sort,
    Update as UpdateQuery, Value, Where,
};
use crate::auth::Auth;
use crate::error::ApiError;
use crate::hooks::{Create, DbEvent, Delete, HookCtx, Update};
use crate::models::Model;

use tx::SharedTransaction;

/// An after-hook run waiting for its transaction to commit.
type PendingAfter = Box<dyn FnOnce() -> BoxFuture<'static, Result<(), ApiError>> + Send>;

/// Model-level storage with hooks, bound to an `Auth`, optionally to the endpoint that uses it, and
/// optionally to a transaction.
#[derive(Clone)]
pub struct Store {
    ctx: HookCtx,
    /// After-hooks deferred until commit; `Some` inside a transaction.
    pending: Option<Arc<Mutex<Vec<PendingAfter>>>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.ctx.path)
            .field("in_transaction", &self.pending.is_some())
            .finish_non_exhaustive()
    }
}

impl Store {
    pub(crate) fn new(auth: Auth, path: Option<String>) -> Self {
        Self {
            ctx: HookCtx {
                auth,
                path,
                adapter: None,
            },
            pending: None,
        }
    }

    fn auth(&self) -> &Auth {
        &self.ctx.auth
    }

    /// The adapter writes go to: the transaction's inside [`Store::transaction`], else the auth's.
    pub fn adapter(&self) -> &dyn Adapter {
        match &self.ctx.adapter {
            Some(tx) => tx.as_ref(),
            None => self.auth().adapter().as_ref(),
        }
    }

    /// Runs `work` in one database transaction: it commits when `work` returns `Ok` and rolls back when it
    /// returns `Err`. Hooks run inside; after-hooks run once the commit succeeded. Nested calls join the
    /// outer transaction.
    pub async fn transaction<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send,
        F: for<'s> FnOnce(&'s Store) -> BoxFuture<'s, Result<T, ApiError>> + Send,
    {
        if self.ctx.adapter.is_some() {
            return work(self).await;
        }
        let tx = SharedTransaction::begin(self.auth().adapter().as_ref()).await?;
        let pending = Arc::new(Mutex::new(Vec::new()));
        let inner = Self {
            ctx: HookCtx {
                auth: self.auth().clone(),
                path: self.ctx.path.clone(),
                adapter: Some(Arc::new(tx.clone())),
            },
            pending: Some(Arc::clone(&pending)),
        };
        let result = work(&inner).await;
        drop(inner);
        match result {
            Ok(value) => {
                tx.commit().await?;
                let runs = std::mem::take(&mut *pending.lock().await);
                for run in runs {
                    run().await?;
                }
                Ok(value)
            }
            Err(err) => {
                if let Err(rollback) = tx.rollback().await {
                    tracing::error!(%rollback, "rollback failed");
                }
                Err(err)
            }
        }
    }

    /// Inserts `value` after the `Create<M>` before-hooks; `None` when a hook cancelled.
    pub async fn create<M>(&self, value: M) -> Result<Option<M>, ApiError>
    where
        M: Model + Clone + Send + Sync + 'static,
    {
        let hooks = self.auth().hooks();
        let Some(value) = hooks.run_before::<Create<M>>(&self.ctx, value).await? else {
            return Ok(None);
        };
        let schema = self.auth().schema();
        let query = CreateQuery {
            schema,
            model: M::NAME,
            data: value.to_row(),
        };
        let stored = M::from_row(self.adapter().create(query).await?)?;
        self.after::<Create<M>>(&stored).await?;
        Ok(Some(stored))
    }

    /// The first `M` matching `filter`.
    pub async fn find_one<M: Model>(&self, filter: &Where) -> Result<Option<M>, ApiError> {
        let query = Find {
            schema: self.auth().schema(),
            model: M::NAME,
            filter,
        };
        let row = self.adapter().find_one(query).await?;
        Ok(row.map(M::from_row).transpose()?)
    }

    /// Every `M` matching `filter`, sorted and paged in the database.
    pub async fn find_many<M: Model>(
        &self,
        filter: &Where,
        sort: &[Sort],
        limit: Option<u64>,
        offset: Option<u64>,
    ) -> Result<Vec<M>, ApiError> {
        let schema = self.auth().schema();
        let query = FindMany {
            schema,
            model: M::NAME,
            filter,
            sort,
            limit,
            offset,
        };
        let rows = self.adapter().find_many(query).await?;
        Ok(rows
            .into_iter()
            .map(M::from_row)
            .collect::<Result<_, _>>()?)
    }

    /// How many `M` match `filter`.
    pub async fn count<M: Model>(&self, filter: &Where) -> Result<u64, ApiError> {
        let query = Find {
            schema: self.auth().schema(),
            model: M::NAME,
            filter,
        };
        Ok(self.adapter().count(query).await?)
    }

    /// Updates the first `M` matching `filter` with `changes` after the `Update<M>` before-hooks.
    /// `None` when nothing matched or a hook cancelled.
    pub async fn update<M>(&self, filter: &Where, changes: Row) -> Result<Option<M>, ApiError>
    where
        M: Model + Clone + Send + Sync + 'static,
    {
        let hooks = self.auth().hooks();
        let Some(changes) = hooks.run_before::<Update<M>>(&self.ctx, changes).await? else {
            return Ok(None);
        };
        let schema = self.auth().schema();
        let query = UpdateQuery {
            schema,
            model: M::NAME,
            filter,
            data: changes,
        };
        let Some(row) = self.adapter().update(query).await? else {
            return Ok(None);
        };
        let stored = M::from_row(row)?;
        self.after::<Update<M>>(&stored).await?;
        Ok(Some(stored))
    }

    /// Atomically adds `by` to an integer field of the first `M` matching `filter` (which may include a
    /// condition on the field, for a conditional increment). No hooks run: counters are not entities.
    pub async fn increment<M: Model>(
        &self,
        filter: &Where,
        field: &str,
        by: i64,
        set: Row,
    ) -> Result<Option<M>, ApiError> {
        let schema = self.auth().schema();
        let query = Increment {
            schema,
            model: M::NAME,
            filter,
            field,
            by,
            set,
        };
        let row = self.adapter().increment_one(query).await?;
        Ok(row.map(M::from_row).transpose()?)
    }

    /// Deletes the first `M` matching `filter`, running the `Delete<M>` hooks. Returns the deleted value,
    /// `None` when nothing matched or a hook cancelled.
    pub async fn delete<M>(&self, filter: &Where) -> Result<Option<M>, ApiError>
    where
        M: Model + Clone + Send + Sync + 'static,
    {
        let Some(found) = self.find_one::<M>(filter).await? else {
            return Ok(None);
        };
        self.delete_found(found).await
    }

    /// Deletes every `M` matching `filter`. With delete hooks registered, each row goes through them;
    /// without, it is one `DELETE`. Returns how many were deleted.
    pub async fn delete_many<M>(&self, filter: &Where) -> Result<u64, ApiError>
    where
        M: Model + Clone + Send + Sync + 'static,
    {
        let hooks = self.auth().hooks();
        if hooks.before::<Delete<M>>().is_empty() && hooks.after::<Delete<M>>().is_empty() {
            let query = Find {
                schema: self.auth().schema(),
                model: M::NAME,
                filter,
            };
            return Ok(self.adapter().delete_many(query).await?);
        }
        let mut deleted = 0;
        for found in self.find_many::<M>(filter, &[], None, None).await? {
            if self.delete_found(found).await?.is_some() {
                deleted += 1;
            }
        }
        Ok(deleted)
    }

    async fn delete_found<M>(&self, found: M) -> Result<Option<M>, ApiError>
    where
        M: Model + Clone + Send + Sync + 'static,
    {
        let hooks = self.auth().hooks();
        let Some(found) = hooks.run_before::<Delete<M>>(&self.ctx, found).await? else {
            return Ok(None);
        };
        let id = found.to_row().take("id").unwrap_or(Value::Null);
        let by_id = Where::eq("id", id);
        let query = Find {
            schema: self.auth().schema(),
            model: M::NAME,
            filter: &by_id,
        };
        self.adapter().delete(query).await?;
        self.after::<Delete<M>>(&found).await?;
        Ok(Some(found))
    }

    /// Runs the after-hooks of `E` now, or after the commit inside a transaction. The value is cloned
    /// only when hooks exist.
    async fn after<E>(&self, value: &E::Output) -> Result<(), ApiError>
    where
        E: DbEvent,
        E::Output: Clone,
    {
        if self.auth().hooks().after::<E>().is_empty() {
            return Ok(());
        }
        let value = Arc::new(value.clone());
        let Some(pending) = &self.pending else {
            return self.auth().hooks().run_after::<E>(&self.ctx, &value).await;
        };
        // After the commit the hooks see the auth's own adapter, not the finished transaction.
        let ctx = HookCtx {
            adapter: None,
            ..self.ctx.clone()
        };
        pending.lock().await.push(Box::new(move || {
            Box::pin(async move { ctx.auth.hooks().run_after::<E>(&ctx, &value).await })
        }));
        Ok(())
    }
}

impl HookCtx {
    /// A store bound to the same auth, endpoint and transaction as the operation the hook runs for, so
    /// a hook's own writes commit or roll back with it.
    pub fn store(&self) -> Store {
        Store {
            ctx: self.clone(),
            pending: None,
        }
    }
}
