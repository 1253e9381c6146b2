//! The `Adapter` trait: upstream's database adapter, method for method, as an object-safe Rust trait.
//!
//! Every query names its model by logical name and carries the [`Schema`] it belongs to, so an adapter is
//! stateless with respect to plugins: the same adapter serves any set of plugins, and transactions share it.
//! Semantics every implementation must follow (the conformance suite in `bulwark-test-support` checks them):
//!
//! - `create` inserts one row and returns it as stored (defaults applied). Missing optional fields are null.
//! - `find_one` returns the first matching row in primary-key order; `find_many` applies `sort` (then the
//!   primary key, so paging is stable), `offset` and `limit` in the database.
//! - `update` changes at most one matching row (the first in primary-key order) and returns it after the
//!   change; `update_many` changes all matching rows and returns how many.
//! - `consume_one` atomically deletes one matching row and returns it (single-use tokens).
//! - `increment_one` atomically adds `by` to an integer field of one matching row, sets `set`, and returns
//!   the row after the change; a filter on the same field makes it a conditional increment (`count < max`).
//! - `begin` starts a transaction; dropping a [`Transaction`] without committing rolls it back.

mod condition;
mod error;
pub mod memory;
mod value;

use std::fmt;
use std::future::Future;
use std::pin::Pin;

pub use condition::{Case, Clause, Comparison, Connector, Exists, Op, Where};
pub use error::{AdapterError, AdapterErrorKind};
pub use value::{Row, Value};

use crate::schema::Schema;

/// A boxed, sendable future: the one future type adapters and hooks return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What a backend can do natively. Callers use it to choose a strategy, never to skip a feature.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Capabilities {
    /// Native JSON columns and functions.
    pub json: bool,
    /// Native array columns.
    pub arrays: bool,
    /// `INSERT/UPDATE ... RETURNING`.
    pub returning: bool,
    /// Real (ACID) transactions across connections.
    pub transactions: bool,
}

impl Capabilities {
    /// No native capability at all; set the flags that apply.
    pub fn none() -> Self {
        Self::default()
    }
}

/// Sort direction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Ascending (nulls first, as in `SQLite` and `MySQL`; `PostgreSQL` adapters emit `NULLS FIRST`).
    #[default]
    Asc,
    /// Descending (nulls last).
    Desc,
}

/// One sort key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sort {
    /// The logical field name.
    pub field: String,
    /// The direction.
    pub direction: Direction,
    /// Whether strings sort case-insensitively.
    pub case: Case,
}

impl Sort {
    /// Ascending, case-sensitive sort on `field`.
    pub fn asc(field: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            direction: Direction::Asc,
            case: Case::Sensitive,
        }
    }

    /// Descending, case-sensitive sort on `field`.
    pub fn desc(field: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            direction: Direction::Desc,
            case: Case::Sensitive,
        }
    }
}

/// Insert one row.
#[derive(Clone, Debug)]
pub struct Create<'a> {
    /// The schema the model belongs to.
    pub schema: &'a Schema,
    /// The logical model name.
    pub model: &'a str,
    /// The row to insert; it must contain the primary key.
    pub data: Row,
}

/// Find, count, delete or consume by a filter.
#[derive(Clone, Copy, Debug)]
pub struct Find<'a> {
    /// The schema the model belongs to.
    pub schema: &'a Schema,
    /// The logical model name.
    pub model: &'a str,
    /// The filter ([`Where::all`] for every row).
    pub filter: &'a Where,
}

/// Find many rows, sorted and paged in the database.
#[derive(Clone, Copy, Debug)]
pub struct FindMany<'a> {
    /// The schema the model belongs to.
    pub schema: &'a Schema,
    /// The logical model name.
    pub model: &'a str,
    /// The filter ([`Where::all`] for every row).
    pub filter: &'a Where,
    /// Sort keys, most significant first; the primary key is always the final tie-breaker.
    pub sort: &'a [Sort],
    /// At most this many rows.
    pub limit: Option<u64>,
    /// Skip this many rows first.
    pub offset: Option<u64>,
}

/// Update one or many rows.
#[derive(Clone, Debug)]
pub struct Update<'a> {
    /// The schema the model belongs to.
    pub schema: &'a Schema,
    /// The logical model name.
    pub model: &'a str,
    /// Which rows.
    pub filter: &'a Where,
    /// The fields to set.
    pub data: Row,
}

/// Atomically add to an integer field of one row.
#[derive(Clone, Debug)]
pub struct Increment<'a> {
    /// The schema the model belongs to.
    pub schema: &'a Schema,
    /// The logical model name.
    pub model: &'a str,
    /// Which row; include a condition on `field` for a conditional increment.
    pub filter: &'a Where,
    /// The integer field to change.
    pub field: &'a str,
    /// The amount to add (may be negative).
    pub by: i64,
    /// Other fields to set in the same statement.
    pub set: Row,
}

/// Upstream's database adapter as an object-safe trait (`Arc<dyn Adapter>`).
pub trait Adapter: Send + Sync + fmt::Debug {
    /// The backend's name: `"memory"`, `"sqlite"`, `"postgres"` or `"mysql"`.
    fn id(&self) -> &'static str;
    /// What the backend can do natively.
    fn capabilities(&self) -> Capabilities;
    /// Inserts one row and returns it as stored.
    fn create<'a>(&'a self, q: Create<'a>) -> BoxFuture<'a, Result<Row, AdapterError>>;
    /// The first matching row in primary-key order.
    fn find_one<'a>(&'a self, q: Find<'a>) -> BoxFuture<'a, Result<Option<Row>, AdapterError>>;
    /// Matching rows, sorted and paged.
    fn find_many<'a>(&'a self, q: FindMany<'a>) -> BoxFuture<'a, Result<Vec<Row>, AdapterError>>;
    /// The number of matching rows.
    fn count<'a>(&'a self, q: Find<'a>) -> BoxFuture<'a, Result<u64, AdapterError>>;
    /// Updates the first matching row and returns it after the change.
    fn update<'a>(&'a self, q: Update<'a>) -> BoxFuture<'a, Result<Option<Row>, AdapterError>>;
    /// Updates every matching row and returns how many changed.
    fn update_many<'a>(&'a self, q: Update<'a>) -> BoxFuture<'a, Result<u64, AdapterError>>;
    /// Deletes the first matching row, if any.
    fn delete<'a>(&'a self, q: Find<'a>) -> BoxFuture<'a, Result<(), AdapterError>>;
    /// Deletes every matching row and returns how many.
    fn delete_many<'a>(&'a self, q: Find<'a>) -> BoxFuture<'a, Result<u64, AdapterError>>;
    /// Atomically deletes the first matching row and returns it.
    fn consume_one<'a>(&'a self, q: Find<'a>) -> BoxFuture<'a, Result<Option<Row>, AdapterError>>;
    /// Atomically increments a field of the first matching row and returns it after the change.
    fn increment_one<'a>(
        &'a self,
        q: Increment<'a>,
    ) -> BoxFuture<'a, Result<Option<Row>, AdapterError>>;
    /// Starts a transaction. Calling it on a [`Transaction`] fails with `Unsupported`.
    fn begin(&self) -> BoxFuture<'_, Result<Box<dyn Transaction>, AdapterError>>;
}

/// A transaction: an [`Adapter`] whose writes become visible to others only on [`Transaction::commit`].
/// Dropping it without committing rolls it back.
pub trait Transaction: Adapter {
    /// Commits every write.
    fn commit(self: Box<Self>) -> BoxFuture<'static, Result<(), AdapterError>>;
    /// Discards every write.
    fn rollback(self: Box<Self>) -> BoxFuture<'static, Result<(), AdapterError>>;
}
