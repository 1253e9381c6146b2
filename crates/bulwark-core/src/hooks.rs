//! The hook registry: typed database hooks per (model, operation) and endpoint hooks by matcher.
//!
//! Order is fixed: hooks run in registration order, and registration order is core first, then plugins in
//! `.plugin()` order, then the application's own hooks (`AuthBuilder::on_before` after the plugins).
//! Before-hooks may change the data or cancel the operation; after-hooks see the stored row and cannot
//! change it. A failing hook (an `Err`) aborts the operation with that error.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use http::Method;

use crate::adapter::{BoxFuture, Row};
use crate::auth::Auth;
use crate::endpoint::{ApiResponse, RequestCtx};
use crate::error::ApiError;
use crate::models::Model;

/// What a before-hook decided.
#[derive(Clone, Debug, PartialEq)]
pub enum Before<T> {
    /// Go on with this (possibly changed) data.
    Continue(T),
    /// Stop: the operation does not happen (upstream: the hook returned `false`).
    Cancel,
}

/// The database operation of a hook.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DbOp {
    /// Insert.
    Create,
    /// Update.
    Update,
    /// Delete.
    Delete,
}

/// A (model, operation) pair that hooks can attach to.
pub trait DbEvent: 'static {
    /// The logical model name.
    const MODEL: &'static str;
    /// The operation.
    const OP: DbOp;
    /// What a before-hook receives and returns.
    type Input: Send + 'static;
    /// What an after-hook sees.
    type Output: Send + Sync + 'static;
}

/// Marker: creating an `M`. Before-hooks receive the new `M`; after-hooks the stored `M`.
#[derive(Debug)]
pub struct Create<M>(PhantomData<M>);
/// Marker: updating an `M`. Before-hooks receive the changed fields; after-hooks the updated `M`.
#[derive(Debug)]
pub struct Update<M>(PhantomData<M>);
/// Marker: deleting an `M`. Before-hooks receive the `M` about to go; after-hooks the deleted `M`.
#[derive(Debug)]
pub struct Delete<M>(PhantomData<M>);

impl<M: Model + Send + Sync + 'static> DbEvent for Create<M> {
    const MODEL: &'static str = M::NAME;
    const OP: DbOp = DbOp::Create;
    type Input = M;
    type Output = M;
}

impl<M: Model + Send + Sync + 'static> DbEvent for Update<M> {
    const MODEL: &'static str = M::NAME;
    const OP: DbOp = DbOp::Update;
    type Input = Row;
    type Output = M;
}

impl<M: Model + Send + Sync + 'static> DbEvent for Delete<M> {
    const MODEL: &'static str = M::NAME;
    const OP: DbOp = DbOp::Delete;
    type Input = M;
    type Output = M;
}

/// What a hook knows about its surroundings: the `Auth` it runs in (for storage and options) and, when
/// the operation comes from an endpoint, the endpoint's path.
#[derive(Clone, Debug)]
pub struct HookCtx {
    /// The auth instance.
    pub auth: Auth,
    /// The endpoint path (without base path) that caused the operation, if any.
    pub path: Option<String>,
    /// The open transaction the operation runs in, if any (see `HookCtx::store`).
    pub(crate) adapter: Option<Arc<dyn crate::adapter::Adapter>>,
}

/// A database before-hook.
pub type BeforeHook<E> = Arc<
    dyn Fn(
            HookCtx,
            <E as DbEvent>::Input,
        ) -> BoxFuture<'static, Result<Before<<E as DbEvent>::Input>, ApiError>>
        + Send
        + Sync,
>;
/// A database after-hook.
pub type AfterHook<E> = Arc<
    dyn Fn(HookCtx, Arc<<E as DbEvent>::Output>) -> BoxFuture<'static, Result<(), ApiError>>
        + Send
        + Sync,
>;

/// Which requests an endpoint hook applies to.
#[derive(Clone)]
#[non_exhaustive]
pub enum Matcher {
    /// Exactly this path (without base path), any method.
    Path(String),
    /// Every path starting with this prefix.
    PathPrefix(String),
    /// This method and exact path.
    Method(Method, String),
    /// Every request.
    Any,
    /// A predicate; `name` identifies it in diagnostics.
    Custom {
        /// A name for diagnostics.
        name: &'static str,
        /// The predicate.
        test: fn(&RequestCtx) -> bool,
    },
}

impl Matcher {
    /// Whether the hook applies to `req`.
    pub fn matches(&self, req: &RequestCtx) -> bool {
        match self {
            Self::Path(p) => req.path() == p,
            Self::PathPrefix(p) => req.path().starts_with(p.as_str()),
            Self::Method(m, p) => req.method() == m && req.path() == p,
            Self::Any => true,
            Self::Custom { test, .. } => test(req),
        }
    }
}

impl fmt::Debug for Matcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Path(p) => write!(f, "Path({p})"),
            Self::PathPrefix(p) => write!(f, "PathPrefix({p})"),
            Self::Method(m, p) => write!(f, "Method({m} {p})"),
            Self::Any => f.write_str("Any"),
            Self::Custom { name, .. } => write!(f, "Custom({name})"),
        }
    }
}

/// An endpoint before-hook: may change the request or answer early with a response.
pub type EndpointBefore =
    Arc<dyn Fn(RequestCtx) -> BoxFuture<'static, Result<BeforeEndpoint, ApiError>> + Send + Sync>;
/// An endpoint after-hook: sees the request and may change the response.
pub type EndpointAfter = Arc<
    dyn Fn(
            RequestCtx,
            Result<ApiResponse, ApiError>,
        ) -> BoxFuture<'static, Result<ApiResponse, ApiError>>
        + Send
        + Sync,
>;

/// What an endpoint before-hook decided.
#[derive(Debug)]
pub enum BeforeEndpoint {
    /// Go on with this (possibly changed) request.
    Continue(RequestCtx),
    /// Answer with this response without running the endpoint.
    Respond(ApiResponse),
}

/// Every registered hook. Immutable after `AuthBuilder::build`.
#[derive(Default)]
pub struct HookRegistry {
    before: HashMap<TypeId, Box<dyn Any + Send + Sync>>,
    after: HashMap<TypeId, Box<dyn Any + Send + Sync>>,
    /// Names of registered database hooks, in order, for diagnostics.
    log: Vec<String>,
    pub(crate) endpoint_before: Vec<(Matcher, EndpointBefore)>,
    pub(crate) endpoint_after: Vec<(Matcher, EndpointAfter)>,
}

impl fmt::Debug for HookRegistry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HookRegistry")
            .field("database", &self.log)
            .field(
                "endpoint_before",
                &self
                    .endpoint_before
                    .iter()
                    .map(|(m, _)| m)
                    .collect::<Vec<_>>(),
            )
            .field(
                "endpoint_after",
                &self
                    .endpoint_after
                    .iter()
                    .map(|(m, _)| m)
                    .collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

impl HookRegistry {
    /// Registers a database before-hook for `E`.
    pub fn add_before<E: DbEvent>(&mut self, owner: &str, hook: BeforeHook<E>) {
        self.log
            .push(format!("{owner}: before {:?} {}", E::OP, E::MODEL));
        let slot = self
            .before
            .entry(TypeId::of::<E>())
            .or_insert_with(|| Box::new(Vec::<BeforeHook<E>>::new()));
        if let Some(list) = slot.downcast_mut::<Vec<BeforeHook<E>>>() {
            list.push(hook);
        }
    }

    /// Registers a database after-hook for `E`.
    pub fn add_after<E: DbEvent>(&mut self, owner: &str, hook: AfterHook<E>) {
        self.log
            .push(format!("{owner}: after {:?} {}", E::OP, E::MODEL));
        let slot = self
            .after
            .entry(TypeId::of::<E>())
            .or_insert_with(|| Box::new(Vec::<AfterHook<E>>::new()));
        if let Some(list) = slot.downcast_mut::<Vec<AfterHook<E>>>() {
            list.push(hook);
        }
    }

    /// The before-hooks for `E`, in order.
    pub fn before<E: DbEvent>(&self) -> &[BeforeHook<E>] {
        self.before
            .get(&TypeId::of::<E>())
            .and_then(|b| b.downcast_ref::<Vec<BeforeHook<E>>>())
            .map_or(&[], Vec::as_slice)
    }

    /// The after-hooks for `E`, in order.
    pub fn after<E: DbEvent>(&self) -> &[AfterHook<E>] {
        self.after
            .get(&TypeId::of::<E>())
            .and_then(|b| b.downcast_ref::<Vec<AfterHook<E>>>())
            .map_or(&[], Vec::as_slice)
    }

    /// The registered database hooks, in run order, as `owner: before|after Op model` lines.
    pub fn describe(&self) -> &[String] {
        &self.log
    }

    /// Runs every before-hook for `E` in order; `None` when one cancelled.
    pub async fn run_before<E: DbEvent>(
        &self,
        ctx: &HookCtx,
        mut input: E::Input,
    ) -> Result<Option<E::Input>, ApiError> {
        for hook in self.before::<E>() {
            match hook(ctx.clone(), input).await? {
                Before::Continue(next) => input = next,
                Before::Cancel => return Ok(None),
            }
        }
        Ok(Some(input))
    }

    /// Runs every after-hook for `E` in order.
    pub async fn run_after<E: DbEvent>(
        &self,
        ctx: &HookCtx,
        output: &Arc<E::Output>,
    ) -> Result<(), ApiError> {
        for hook in self.after::<E>() {
            hook(ctx.clone(), Arc::clone(output)).await?;
        }
        Ok(())
    }
}
