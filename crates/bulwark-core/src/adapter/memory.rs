//! The in-memory adapter: every `Adapter` operation over process-local maps, for tests and prototypes.
//!
//! It is the reference implementation of the contract in [`super`]: filters use SQL's three-valued logic,
//! unique constraints, required fields and foreign keys (with their on-delete actions) are enforced from the
//! [`Schema`](crate::schema::Schema), and values are type-checked against their fields.
//!
//! Concurrency: the committed state sits behind an async mutex, so every operation is atomic. Writers also
//! take a second "writer" lock. A transaction holds the writer lock for its whole life and works on its own
//! copy of the state, which replaces the committed state on commit; readers outside keep seeing the
//! committed state meanwhile, and writers outside wait. Transactions are therefore serialised, which is
//! correct and fast enough for tests. A task that writes through the adapter while it holds an open
//! transaction of the same adapter waits forever, as it would on a row lock in a database.

mod eval;
mod store;
#[cfg(test)]
mod tests;

use std::fmt;
use std::sync::Arc;

use tokio::sync::{Mutex, OwnedMutexGuard};

use self::store::Store;
use super::{
    Adapter, AdapterError, BoxFuture, Capabilities, Create, Find, FindMany, Increment, Row,
    Transaction, Update,
};

/// What the in-memory adapter supports: everything, natively.
const CAPABILITIES: Capabilities = Capabilities {
    json: true,
    arrays: true,
    returning: true,
    transactions: true,
};

/// An [`Adapter`] over process-local maps.
///
/// Clones share the same data. Rows are keyed by logical model name, so one adapter can serve any schema,
/// but a model's rows are only meaningful under the schema that wrote them.
#[derive(Clone, Default)]
pub struct MemoryAdapter {
    writer: Arc<Mutex<()>>,
    committed: Arc<Mutex<Store>>,
}

impl MemoryAdapter {
    /// An empty adapter.
    pub fn new() -> Self {
        Self::default()
    }

    async fn read<T>(&self, f: impl FnOnce(&Store) -> T) -> T {
        let store = self.committed.lock().await;
        f(&store)
    }

    async fn write<T>(&self, f: impl FnOnce(&mut Store) -> T) -> T {
        let _writer = self.writer.lock().await;
        let mut store = self.committed.lock().await;
        f(&mut store)
    }
}

impl fmt::Debug for MemoryAdapter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryAdapter").finish_non_exhaustive()
    }
}

/// An open transaction: a private copy of the state plus the writer lock.
struct MemoryTransaction {
    committed: Arc<Mutex<Store>>,
    work: Mutex<Store>,
    writer: OwnedMutexGuard<()>,
}

impl MemoryTransaction {
    async fn read<T>(&self, f: impl FnOnce(&Store) -> T) -> T {
        let store = self.work.lock().await;
        f(&store)
    }

    async fn write<T>(&self, f: impl FnOnce(&mut Store) -> T) -> T {
        let mut store = self.work.lock().await;
        f(&mut store)
    }
}

impl fmt::Debug for MemoryTransaction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryTransaction").finish_non_exhaustive()
    }
}

/// The `Adapter` methods shared by the adapter and its transactions; each type provides `read` and
/// `write`, which run a synchronous operation on the right copy of the state under the right locks.
macro_rules! memory_operations {
    () => {
        fn id(&self) -> &'static str {
            "memory"
        }

        fn capabilities(&self) -> Capabilities {
            CAPABILITIES
        }

        fn create<'a>(&'a self, q: Create<'a>) -> BoxFuture<'a, Result<Row, AdapterError>> {
            Box::pin(self.write(move |s| store::create(s, q)))
        }

        fn find_one<'a>(&'a self, q: Find<'a>) -> BoxFuture<'a, Result<Option<Row>, AdapterError>> {
            Box::pin(self.read(move |s| store::find_one(s, q)))
        }

        fn find_many<'a>(
            &'a self,
            q: FindMany<'a>,
        ) -> BoxFuture<'a, Result<Vec<Row>, AdapterError>> {
            Box::pin(self.read(move |s| store::find_many(s, q)))
        }

        fn count<'a>(&'a self, q: Find<'a>) -> BoxFuture<'a, Result<u64, AdapterError>> {
            Box::pin(self.read(move |s| store::count(s, q)))
        }

        fn update<'a>(&'a self, q: Update<'a>) -> BoxFuture<'a, Result<Option<Row>, AdapterError>> {
            Box::pin(self.write(move |s| {
                store::update(s, q, store::Limit::One).map(|rows| rows.into_iter().next())
            }))
        }

        fn update_many<'a>(&'a self, q: Update<'a>) -> BoxFuture<'a, Result<u64, AdapterError>> {
            Box::pin(self.write(move |s| {
                store::update(s, q, store::Limit::All).map(|rows| store::len(&rows))
            }))
        }

        fn delete<'a>(&'a self, q: Find<'a>) -> BoxFuture<'a, Result<(), AdapterError>> {
            Box::pin(self.write(move |s| store::delete(s, q, store::Limit::One).map(drop)))
        }

        fn delete_many<'a>(&'a self, q: Find<'a>) -> BoxFuture<'a, Result<u64, AdapterError>> {
            Box::pin(self.write(move |s| {
                store::delete(s, q, store::Limit::All).map(|rows| store::len(&rows))
            }))
        }

        fn consume_one<'a>(
            &'a self,
            q: Find<'a>,
        ) -> BoxFuture<'a, Result<Option<Row>, AdapterError>> {
            Box::pin(self.write(move |s| {
                store::delete(s, q, store::Limit::One).map(|rows| rows.into_iter().next())
            }))
        }

        fn increment_one<'a>(
            &'a self,
            q: Increment<'a>,
        ) -> BoxFuture<'a, Result<Option<Row>, AdapterError>> {
            Box::pin(self.write(move |s| store::increment(s, q)))
        }
    };
}

impl Adapter for MemoryAdapter {
    memory_operations!();

    fn begin(&self) -> BoxFuture<'_, Result<Box<dyn Transaction>, AdapterError>> {
        Box::pin(async move {
            let writer = Arc::clone(&self.writer).lock_owned().await;
            let snapshot = self.committed.lock().await.clone();
            let tx: Box<dyn Transaction> = Box::new(MemoryTransaction {
                committed: Arc::clone(&self.committed),
                work: Mutex::new(snapshot),
                writer,
            });
            Ok(tx)
        })
    }
}

impl Adapter for MemoryTransaction {
    memory_operations!();

    fn begin(&self) -> BoxFuture<'_, Result<Box<dyn Transaction>, AdapterError>> {
        Box::pin(async {
            Err(AdapterError::unsupported(
                "nested transactions are not supported",
            ))
        })
    }
}

impl Transaction for MemoryTransaction {
    fn commit(self: Box<Self>) -> BoxFuture<'static, Result<(), AdapterError>> {
        let Self {
            committed,
            work,
            writer,
        } = *self;
        Box::pin(async move {
            *committed.lock().await = work.into_inner();
            drop(writer);
            Ok(())
        })
    }

    fn rollback(self: Box<Self>) -> BoxFuture<'static, Result<(), AdapterError>> {
        drop(self);
        Box::pin(async { Ok(()) })
    }
}
