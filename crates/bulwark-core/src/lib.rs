//! Bulwark's auth core: Better Auth's models, adapter contract, hooks, plugins, endpoints and sessions.
//!
//! The crate knows nothing about SQL, axum or SCIM. Storage goes through the object-safe [`Adapter`]
//! trait; HTTP goes through one handler over `http` types.

pub mod adapter;
pub mod auth;
pub mod body;
pub mod clock;
pub mod crypto;
pub mod endpoint;
pub mod error;
pub mod hooks;
pub mod models;
pub mod options;
mod routes;
pub mod schema;
pub mod session;
pub mod store;

pub use adapter::{Adapter, AdapterError, AdapterErrorKind, Row, Value, Where};
pub use auth::{Auth, AuthBuilder, AuthOptions, Plugin};
pub use clock::{Clock, Environment, IdGenerator};
pub use endpoint::{ApiResponse, Endpoint, RequestCtx};
pub use error::{ApiError, BuildError, ErrorCode};
pub use schema::{FieldDef, FieldType, ModelDef, Schema};
