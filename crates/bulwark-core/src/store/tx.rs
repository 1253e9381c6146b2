//! `SharedTransaction`: one adapter transaction shared by the store, its hooks and the code in between.

use std::sync::Arc;

use tokio::sync::Mutex;

use crate::adapter::{
    Adapter, AdapterError, BoxFuture, Capabilities, Create, Find, FindMany, Increment, Row,
    Transaction, Update,
};

/// A transaction behind a mutex, so it can be used through `&self` from several places in turn and still
/// be committed (which consumes it) at the end. After commit or rollback every call fails.
#[derive(Clone, Debug)]
pub(super) struct SharedTransaction(Arc<Mutex<Option<Box<dyn Transaction>>>>);

fn finished() -> AdapterError {
    AdapterError::unsupported("the transaction has already finished")
}

impl SharedTransaction {
    pub(super) async fn begin(adapter: &dyn Adapter) -> Result<Self, AdapterError> {
        Ok(Self(Arc::new(Mutex::new(Some(adapter.begin().await?)))))
    }

    pub(super) async fn commit(&self) -> Result<(), AdapterError> {
        let tx = self.0.lock().await.take().ok_or_else(finished)?;
        tx.commit().await
    }

    pub(super) async fn rollback(&self) -> Result<(), AdapterError> {
        let tx = self.0.lock().await.take().ok_or_else(finished)?;
        tx.rollback().await
    }
}

/// Delegates one adapter call to the open transaction.
macro_rules! delegate {
    ($self:ident, $method:ident, $q:ident) => {
        Box::pin(async move {
            let guard = $self.0.lock().await;
            let tx = guard.as_ref().ok_or_else(finished)?;
            tx.$method($q).await
        })
    };
}

impl Adapter for SharedTransaction {
    fn id(&self) -> &'static str {
        "transaction"
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::none()
    }

    fn create<'a>(&'a self, q: Create<'a>) -> BoxFuture<'a, Result<Row, AdapterError>> {
        delegate!(self, create, q)
    }

    fn find_one<'a>(&'a self, q: Find<'a>) -> BoxFuture<'a, Result<Option<Row>, AdapterError>> {
        delegate!(self, find_one, q)
    }

    fn find_many<'a>(&'a self, q: FindMany<'a>) -> BoxFuture<'a, Result<Vec<Row>, AdapterError>> {
        delegate!(self, find_many, q)
    }

    fn count<'a>(&'a self, q: Find<'a>) -> BoxFuture<'a, Result<u64, AdapterError>> {
        delegate!(self, count, q)
    }

    fn update<'a>(&'a self, q: Update<'a>) -> BoxFuture<'a, Result<Option<Row>, AdapterError>> {
        delegate!(self, update, q)
    }

    fn update_many<'a>(&'a self, q: Update<'a>) -> BoxFuture<'a, Result<u64, AdapterError>> {
        delegate!(self, update_many, q)
    }

    fn delete<'a>(&'a self, q: Find<'a>) -> BoxFuture<'a, Result<(), AdapterError>> {
        delegate!(self, delete, q)
    }

    fn delete_many<'a>(&'a self, q: Find<'a>) -> BoxFuture<'a, Result<u64, AdapterError>> {
        delegate!(self, delete_many, q)
    }

    fn consume_one<'a>(&'a self, q: Find<'a>) -> BoxFuture<'a, Result<Option<Row>, AdapterError>> {
        delegate!(self, consume_one, q)
    }

    fn increment_one<'a>(
        &'a self,
        q: Increment<'a>,
    ) -> BoxFuture<'a, Result<Option<Row>, AdapterError>> {
        delegate!(self, increment_one, q)
    }

    fn begin(&self) -> BoxFuture<'_, Result<Box<dyn Transaction>, AdapterError>> {
        Box::pin(async {
            Err(AdapterError::unsupported(
                "nested transactions are not supported",
            ))
        })
    }
}
