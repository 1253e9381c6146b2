//! Integration tests of the SCIM plugin: one binary, one module per area, sharing the harness below (an
//! `Auth` with the scim plugin on the memory adapter, a fixed clock and sequential ids).

// `cfg(test)` lets clippy treat the helpers as test code (unwrap, indexing).
#[cfg(test)]
mod db;
#[cfg(test)]
mod dynamic_auth;
#[cfg(test)]
mod extensions;
#[cfg(test)]
mod identity;
#[cfg(test)]
mod managed;
#[cfg(test)]
mod metadata;
#[cfg(test)]
mod routing;
#[cfg(test)]
mod tokens;
#[cfg(test)]
mod upstream_v17;
#[cfg(test)]
mod users;

/// The shared harness: an `Auth` with the scim plugin on the memory adapter, a fixed clock and
/// sequential ids, and request helpers.
#[cfg(test)]
mod harness {
    use std::sync::Arc;

    use bulwark_core::adapter::memory::MemoryAdapter;
    use bulwark_core::{Adapter, Auth, AuthBuilder, Environment};
    use bulwark_scim::{ScimOptions, scim};
    use bulwark_test_support::{FakeClock, SequentialIds};
    use bytes::Bytes;
    use http::{HeaderMap, Method, Request, StatusCode};
    use serde_json::Value;
    use time::macros::datetime;

    pub(crate) const SECRET: &str = "test-secret-that-is-long-enough-for-hmac";
    pub(crate) const ORIGIN: &str = "http://localhost:3000";

    /// An auth instance with the scim plugin (default options) on a fresh memory adapter.
    pub(crate) fn auth() -> Auth {
        auth_with(ScimOptions::default())
    }

    /// An auth instance with the scim plugin configured by `options` on a fresh memory adapter.
    pub(crate) fn auth_with(options: ScimOptions) -> Auth {
        builder()
            .plugin(scim(options))
            .build()
            .expect("valid configuration")
    }

    /// A builder on a fresh memory adapter with a fixed clock and sequential ids, without plugins.
    pub(crate) fn builder() -> AuthBuilder {
        let adapter: Arc<dyn Adapter> = Arc::new(MemoryAdapter::new());
        let env = Environment {
            clock: Arc::new(FakeClock::at(datetime!(2026-01-01 00:00:00 UTC))),
            ids: Arc::new(SequentialIds::new()),
        };
        Auth::builder()
            .database(adapter)
            .secret(SECRET)
            .base_url(ORIGIN)
            .environment(env)
    }

    /// A response as the tests read it.
    #[derive(Debug)]
    pub(crate) struct Response {
        pub(crate) status: StatusCode,
        pub(crate) headers: HeaderMap,
        pub(crate) json: Value,
    }

    /// Sends `method path` (below the base path) with `headers` and no body.
    pub(crate) async fn send(
        auth: &Auth,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
    ) -> Response {
        let mut req = Request::builder()
            .method(method)
            .uri(format!("{ORIGIN}/api/auth{path}"));
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        let res = auth.handle(req.body(Bytes::new()).unwrap()).await;
        let status = res.status();
        let headers = res.headers().clone();
        let json = serde_json::from_slice(res.body()).unwrap_or(Value::Null);
        Response {
            status,
            headers,
            json,
        }
    }

    /// `GET path` (below the base path) without credentials.
    pub(crate) async fn get(auth: &Auth, path: &str) -> Response {
        send(auth, Method::GET, path, &[]).await
    }

    /// `method /scim/v2<path>` with a bearer `token` and an optional `application/scim+json` body.
    pub(crate) async fn scim_call(
        auth: &Auth,
        method: Method,
        path: &str,
        token: &str,
        body: Option<&Value>,
    ) -> Response {
        let mut req = Request::builder()
            .method(method)
            .uri(format!("{ORIGIN}/api/auth/scim/v2{path}"))
            .header("authorization", format!("Bearer {token}"));
        if body.is_some() {
            req = req.header("content-type", "application/scim+json");
        }
        let body = body.map_or_else(Bytes::new, |body| Bytes::from(body.to_string()));
        let res = auth.handle(req.body(body).unwrap()).await;
        Response {
            status: res.status(),
            headers: res.headers().clone(),
            json: serde_json::from_slice(res.body()).unwrap_or(Value::Null),
        }
    }
}
