//! `Auth` and its builder: configuration, plugin assembly, and the one HTTP handler.

use std::any::{Any, TypeId};
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use http::StatusCode;

use crate::adapter::Adapter;
use crate::clock::Environment;
use crate::crypto::Secret;
use crate::endpoint::{ApiResponse, Endpoint, RequestCtx};
use crate::error::{ApiError, BuildError, ConfigError, ErrorCode};
use crate::hooks::{
    AfterHook, BeforeEndpoint, BeforeHook, DbEvent, EndpointAfter, EndpointBefore, HookRegistry,
    Matcher,
};
use crate::models::core_models;
use crate::options::{AdvancedOptions, EmailAndPasswordOptions, SessionOptions, UserOptions};
use crate::routes;
use crate::schema::{FieldDef, ModelDef, Schema};
use crate::store::Store;

/// A plugin: adds models, fields, endpoints, hooks and typed extensions while the `Auth` is built.
pub trait Plugin: Send + Sync + 'static {
    /// Upstream's plugin id (`organization`, `scim`).
    fn id(&self) -> &'static str;
    /// Registers everything the plugin contributes.
    fn build(&self, auth: &mut AuthBuilder) -> Result<(), BuildError>;
}

/// Resolved configuration of an `Auth`.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct AuthOptions {
    /// The secret that signs cookies and derives keys.
    pub secret: Secret,
    /// The public origin, e.g. `https://app.example.com`.
    pub base_url: url::Url,
    /// Where the endpoints live (upstream: `/api/auth`).
    pub base_path: String,
    /// Origins allowed to make state-changing, cookie-authenticated requests (the base URL's origin always is).
    pub trusted_origins: Vec<String>,
    /// Email and password.
    pub email_and_password: EmailAndPasswordOptions,
    /// Sessions.
    pub session: SessionOptions,
    /// Users.
    pub user: UserOptions,
    /// Cookies and security.
    pub advanced: AdvancedOptions,
}

struct AuthInner {
    options: AuthOptions,
    schema: Schema,
    adapter: Arc<dyn Adapter>,
    env: Environment,
    hooks: HookRegistry,
    endpoints: Vec<Endpoint>,
    fallbacks: Vec<Endpoint>,
    extensions: HashMap<TypeId, Arc<dyn Any + Send + Sync>>,
    plugins: Vec<&'static str>,
    error_codes: Vec<(&'static str, &'static [ErrorCode])>,
}

/// A configured auth instance: immutable after `build`, and a cheap `Clone`.
#[derive(Clone)]
pub struct Auth(Arc<AuthInner>);

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Auth")
            .field("base_url", &self.0.options.base_url.as_str())
            .field("base_path", &self.0.options.base_path)
            .field("adapter", &self.0.adapter.id())
            .field("plugins", &self.0.plugins)
            .finish_non_exhaustive()
    }
}

impl Auth {
    /// A builder with upstream's defaults.
    pub fn builder() -> AuthBuilder {
        AuthBuilder::default()
    }

    /// The resolved options.
    pub fn options(&self) -> &AuthOptions {
        &self.0.options
    }

    /// The schema: core models plus every plugin's contribution.
    pub fn schema(&self) -> &Schema {
        &self.0.schema
    }

    /// The database adapter.
    pub fn adapter(&self) -> &Arc<dyn Adapter> {
        &self.0.adapter
    }

    /// The injected clock and id source.
    pub fn env(&self) -> &Environment {
        &self.0.env
    }

    /// The hook registry.
    pub fn hooks(&self) -> &HookRegistry {
        &self.0.hooks
    }

    /// The typed store (runs database hooks), outside any request.
    pub fn store(&self) -> Store {
        Store::new(self.clone(), None)
    }

    /// An extension a plugin inserted, by type.
    pub fn extension<T: Send + Sync + 'static>(&self) -> Option<&T> {
        self.0
            .extensions
            .get(&TypeId::of::<T>())
            .and_then(|e| e.downcast_ref::<T>())
    }

    /// Whether a plugin with this id is registered.
    pub fn has_plugin(&self, id: &str) -> bool {
        self.0.plugins.contains(&id)
    }

    /// Every error code, by owner (`core`, then each plugin that registered its own), as upstream's
    /// `$ERROR_CODES` merges them.
    pub fn error_codes(&self) -> &[(&'static str, &'static [ErrorCode])] {
        &self.0.error_codes
    }

    /// The registered endpoints.
    pub fn endpoints(&self) -> &[Endpoint] {
        &self.0.endpoints
    }

    /// Handles one HTTP request. Never panics and never fails: every error becomes a response.
    pub async fn handle(&self, req: http::Request<Bytes>) -> http::Response<Bytes> {
        let (parts, body) = req.into_parts();
        let base = self.0.options.base_path.as_str();
        let full_path = parts.uri.path();
        let Some(path) = full_path
            .strip_prefix(base)
            .filter(|p| p.is_empty() || p.starts_with('/'))
        else {
            return ApiResponse::empty(StatusCode::NOT_FOUND).into_http();
        };
        let path = if path.is_empty() { "/" } else { path };
        let route = self.0.endpoints.iter().find_map(|e| {
            if e.method != parts.method {
                return None;
            }
            e.match_path(path).map(|params| (e, params))
        });
        let fallback = || {
            self.0.fallbacks.iter().find(|f| {
                path == f.path
                    || path
                        .strip_prefix(f.path.as_str())
                        .is_some_and(|rest| rest.starts_with('/'))
            })
        };
        let Some((endpoint, params)) = route.or_else(|| fallback().map(|f| (f, Vec::new()))) else {
            return ApiResponse::empty(StatusCode::NOT_FOUND).into_http();
        };
        let query = parts.uri.query().map(str::to_owned);
        let ctx = RequestCtx::new(
            self.clone(),
            parts.method.clone(),
            path,
            parts.headers,
            body,
        )
        .with_route(query, params);
        let result = self.run(endpoint, ctx).await;
        match result {
            Ok(res) => res.into_http(),
            Err(err) => err.into_response(),
        }
    }

    async fn run(&self, endpoint: &Endpoint, mut ctx: RequestCtx) -> Result<ApiResponse, ApiError> {
        // The body's media type and JSON syntax are checked before any hook, as upstream reads the
        // body first: a malformed request gets 415 or 400 whatever else is wrong with it.
        if !endpoint.own_body_checks {
            ctx.json_value(endpoint.media_types)?;
        }
        for (matcher, hook) in &self.0.hooks.endpoint_before {
            if !matcher.matches(&ctx) {
                continue;
            }
            match hook(ctx).await? {
                BeforeEndpoint::Continue(next) => ctx = next,
                BeforeEndpoint::Respond(res) => return Ok(res),
            }
        }
        let after: Vec<_> = self
            .0
            .hooks
            .endpoint_after
            .iter()
            .filter(|(m, _)| m.matches(&ctx))
            .collect();
        if after.is_empty() {
            return (endpoint.handler)(ctx).await;
        }
        let mut result = (endpoint.handler)(ctx.clone()).await;
        for (_, hook) in after {
            result = hook(ctx.clone(), result).await;
        }
        result
    }
}

/// A registration run once every plugin has built.
type DeferredRegistration = Box<dyn FnOnce(&mut AuthBuilder) + Send>;

/// Builds an [`Auth`]. Every problem is collected and reported together by [`AuthBuilder::build`].
#[must_use]
pub struct AuthBuilder {
    adapter: Option<Arc<dyn Adapter>>,
    secret: Option<String>,
    base_url: Option<String>,
    base_path: String,
    trusted_origins: Vec<String>,
    email_and_password: EmailAndPasswordOptions,
    session: SessionOptions,
    user: UserOptions,
    advanced: AdvancedOptions,
    env: Environment,
    plugins: Vec<Box<dyn Plugin>>,
    // Assembled while building.
    models: Vec<ModelDef>,
    extra_fields: Vec<(String, Vec<FieldDef>)>,
    endpoints: Vec<Endpoint>,
    fallbacks: Vec<Endpoint>,
    hooks: HookRegistry,
    extensions: HashMap<TypeId, Arc<dyn Any + Send + Sync>>,
    plugin_ids: Vec<&'static str>,
    error_codes: Vec<(&'static str, &'static [ErrorCode])>,
    /// The application's own hooks, registered after every plugin's.
    app_hooks: Vec<DeferredRegistration>,
    current_owner: &'static str,
    problems: Vec<ConfigError>,
}

impl Default for AuthBuilder {
    fn default() -> Self {
        Self {
            adapter: None,
            secret: None,
            base_url: None,
            base_path: "/api/auth".to_owned(),
            trusted_origins: Vec::new(),
            email_and_password: EmailAndPasswordOptions::default(),
            session: SessionOptions::default(),
            user: UserOptions::default(),
            advanced: AdvancedOptions::default(),
            env: Environment::default(),
            plugins: Vec::new(),
            models: Vec::new(),
            extra_fields: Vec::new(),
            endpoints: Vec::new(),
            fallbacks: Vec::new(),
            hooks: HookRegistry::default(),
            extensions: HashMap::new(),
            plugin_ids: Vec::new(),
            error_codes: vec![("core", crate::error::codes::ALL)],
            app_hooks: Vec::new(),
            current_owner: "app",
            problems: Vec::new(),
        }
    }
}

impl fmt::Debug for AuthBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthBuilder")
            .field("base_url", &self.base_url)
            .field("base_path", &self.base_path)
            .field(
                "plugins",
                &self.plugins.iter().map(|p| p.id()).collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

impl AuthBuilder {
    /// The database adapter.
    pub fn database(mut self, adapter: impl Into<Arc<dyn Adapter>>) -> Self {
        self.adapter = Some(adapter.into());
        self
    }

    /// The secret (at least 32 characters) that signs cookies and derives encryption keys.
    pub fn secret(mut self, secret: impl Into<String>) -> Self {
        self.secret = Some(secret.into());
        self
    }

    /// The public base URL, e.g. `http://localhost:3000`.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Where endpoints are mounted (default `/api/auth`).
    pub fn base_path(mut self, path: impl Into<String>) -> Self {
        self.base_path = path.into();
        self
    }

    /// Origins trusted for state-changing requests, besides the base URL's.
    pub fn trusted_origins(mut self, origins: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.trusted_origins
            .extend(origins.into_iter().map(Into::into));
        self
    }

    /// Email and password options.
    pub fn email_and_password(mut self, options: EmailAndPasswordOptions) -> Self {
        self.email_and_password = options;
        self
    }

    /// Session options.
    pub fn session(mut self, options: SessionOptions) -> Self {
        self.session = options;
        self
    }

    /// User options.
    pub fn user(mut self, options: UserOptions) -> Self {
        self.user = options;
        self
    }

    /// Cookie and security options.
    pub fn advanced(mut self, options: AdvancedOptions) -> Self {
        self.advanced = options;
        self
    }

    /// The clock and id source (tests inject deterministic ones).
    pub fn environment(mut self, env: Environment) -> Self {
        self.env = env;
        self
    }

    /// Adds a plugin; plugins build in the order they are added.
    pub fn plugin(mut self, plugin: impl Plugin) -> Self {
        self.plugins.push(Box::new(plugin));
        self
    }

    /// Adds a model (a new table).
    pub fn model(&mut self, def: ModelDef) -> &mut Self {
        self.models.push(def);
        self
    }

    /// Adds fields to an existing model (core or another plugin's).
    pub fn extend_model(
        &mut self,
        model: &str,
        fields: impl IntoIterator<Item = FieldDef>,
    ) -> &mut Self {
        self.extra_fields
            .push((model.to_owned(), fields.into_iter().collect()));
        self
    }

    /// Adds an endpoint.
    pub fn endpoint(&mut self, endpoint: Endpoint) -> &mut Self {
        self.endpoints.push(endpoint);
        self
    }

    /// Adds a fallback: it answers requests of any method to its path, or below it, that no endpoint
    /// matches (a protocol with its own "not found" body, such as SCIM under `/scim/v2`).
    pub fn fallback(&mut self, endpoint: Endpoint) -> &mut Self {
        self.fallbacks.push(endpoint);
        self
    }

    /// Adds an endpoint before-hook.
    pub fn before(&mut self, matcher: Matcher, hook: EndpointBefore) -> &mut Self {
        self.hooks.endpoint_before.push((matcher, hook));
        self
    }

    /// Adds an endpoint after-hook.
    pub fn after(&mut self, matcher: Matcher, hook: EndpointAfter) -> &mut Self {
        self.hooks.endpoint_after.push((matcher, hook));
        self
    }

    /// Adds a database before-hook for the event `E` (e.g. `Create<User>`).
    pub fn on_before<E: DbEvent>(&mut self, hook: BeforeHook<E>) -> &mut Self {
        self.hooks.add_before::<E>(self.current_owner, hook);
        self
    }

    /// Adds a database after-hook for the event `E`.
    pub fn on_after<E: DbEvent>(&mut self, hook: AfterHook<E>) -> &mut Self {
        self.hooks.add_after::<E>(self.current_owner, hook);
        self
    }

    /// Adds an application database before-hook; it runs after the core's and every plugin's.
    pub fn database_hook_before<E: DbEvent>(mut self, hook: BeforeHook<E>) -> Self {
        self.app_hooks.push(Box::new(move |b| {
            b.on_before::<E>(hook);
        }));
        self
    }

    /// Adds an application database after-hook; it runs after the core's and every plugin's.
    pub fn database_hook_after<E: DbEvent>(mut self, hook: AfterHook<E>) -> Self {
        self.app_hooks.push(Box::new(move |b| {
            b.on_after::<E>(hook);
        }));
        self
    }

    /// Registers the plugin's error codes (its `$ERROR_CODES`).
    pub fn error_codes(&mut self, codes: &'static [ErrorCode]) -> &mut Self {
        self.error_codes.push((self.current_owner, codes));
        self
    }

    /// Stores a typed value other plugins and endpoints can read with `Auth::extension`.
    pub fn insert_extension<T: Send + Sync + 'static>(&mut self, value: T) -> &mut Self {
        self.extensions.insert(TypeId::of::<T>(), Arc::new(value));
        self
    }

    /// A typed value inserted by an earlier plugin.
    pub fn extension<T: Send + Sync + 'static>(&self) -> Option<&T> {
        self.extensions
            .get(&TypeId::of::<T>())
            .and_then(|e| e.downcast_ref::<T>())
    }

    /// Whether a plugin with this id is registered (at any position).
    pub fn has_plugin(&self, id: &str) -> bool {
        self.plugins.iter().any(|p| p.id() == id)
    }

    /// The email and password options being built.
    pub fn email_and_password_options(&self) -> &EmailAndPasswordOptions {
        &self.email_and_password
    }

    /// Validates everything and freezes the configuration.
    pub fn build(mut self) -> Result<Auth, BuildError> {
        let options = self.resolve_options();
        self.models = core_models();
        self.current_owner = "core";
        routes::register(&mut self);
        let plugins = std::mem::take(&mut self.plugins);
        let mut seen = HashSet::new();
        for plugin in &plugins {
            if !seen.insert(plugin.id()) {
                self.problems
                    .push(ConfigError::DuplicatePlugin(plugin.id().to_owned()));
                continue;
            }
            self.current_owner = plugin.id();
            self.plugin_ids.push(plugin.id());
            if let Err(err) = plugin.build(&mut self) {
                self.problems.extend(err.problems().iter().cloned());
            }
        }
        self.current_owner = "app";
        for register in std::mem::take(&mut self.app_hooks) {
            register(&mut self);
        }
        let schema = self.assemble_schema();
        self.check_endpoints();
        let adapter = self.adapter.take();
        if adapter.is_none() {
            self.problems.push(ConfigError::Missing("database"));
        }
        let (Ok(options), Some(schema), Some(adapter), true) =
            (options, schema, adapter, self.problems.is_empty())
        else {
            return Err(BuildError::new(self.problems));
        };
        tracing::debug!(hooks = ?self.hooks.describe(), plugins = ?self.plugin_ids, "auth built");
        Ok(Auth(Arc::new(AuthInner {
            options,
            schema,
            adapter,
            env: self.env,
            hooks: self.hooks,
            endpoints: self.endpoints,
            fallbacks: self.fallbacks,
            extensions: self.extensions,
            plugins: self.plugin_ids,
            error_codes: self.error_codes,
        })))
    }

    fn resolve_options(&mut self) -> Result<AuthOptions, ()> {
        let secret = match self.secret.take() {
            Some(s) if s.len() >= 32 => Some(Secret::new(s)),
            Some(_) => {
                self.problems.push(ConfigError::Invalid {
                    option: "secret",
                    reason: "must be at least 32 characters".to_owned(),
                });
                None
            }
            None => {
                self.problems.push(ConfigError::Missing("secret"));
                None
            }
        };
        let base_url = match self.base_url.as_deref().map(url::Url::parse) {
            Some(Ok(url)) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {
                Some(url)
            }
            Some(_) => {
                self.problems.push(ConfigError::Invalid {
                    option: "base_url",
                    reason: "must be an absolute http(s) URL".to_owned(),
                });
                None
            }
            None => {
                self.problems.push(ConfigError::Missing("base_url"));
                None
            }
        };
        let base_path = self.base_path.trim_end_matches('/').to_owned();
        if !base_path.is_empty() && !base_path.starts_with('/') {
            self.problems.push(ConfigError::Invalid {
                option: "base_path",
                reason: "must start with `/`".to_owned(),
            });
        }
        let eap = &self.email_and_password;
        if eap.min_password_length == 0 || eap.min_password_length > eap.max_password_length {
            self.problems.push(ConfigError::Invalid {
                option: "email_and_password.min_password_length",
                reason: "must be at least 1 and at most max_password_length".to_owned(),
            });
        }
        if self.session.expires_in <= time::Duration::ZERO {
            self.problems.push(ConfigError::Invalid {
                option: "session.expires_in",
                reason: "must be positive".to_owned(),
            });
        }
        let (Some(secret), Some(base_url)) = (secret, base_url) else {
            return Err(());
        };
        let mut trusted_origins = vec![base_url.origin().ascii_serialization()];
        trusted_origins.extend(
            self.trusted_origins
                .iter()
                .map(|o| o.trim_end_matches('/').to_owned()),
        );
        Ok(AuthOptions {
            secret,
            base_url,
            base_path,
            trusted_origins,
            email_and_password: self.email_and_password.clone(),
            session: self.session.clone(),
            user: self.user.clone(),
            advanced: self.advanced.clone(),
        })
    }

    fn assemble_schema(&mut self) -> Option<Schema> {
        let mut models = std::mem::take(&mut self.models);
        for (model, fields) in std::mem::take(&mut self.extra_fields) {
            match models.iter_mut().find(|m| m.name == model) {
                Some(def) => def.fields.extend(fields),
                None => self.problems.push(ConfigError::Schema(
                    crate::schema::SchemaError::UnknownModel(model),
                )),
            }
        }
        match Schema::new(models) {
            Ok(schema) => Some(schema),
            Err(errors) => {
                self.problems
                    .extend(errors.into_iter().map(ConfigError::Schema));
                None
            }
        }
    }

    fn check_endpoints(&mut self) {
        let mut seen = HashSet::new();
        for e in &self.endpoints {
            if !seen.insert((e.method.clone(), e.path.clone())) {
                self.problems.push(ConfigError::DuplicateEndpoint {
                    method: e.method.to_string(),
                    path: e.path.clone(),
                });
            }
        }
    }
}
