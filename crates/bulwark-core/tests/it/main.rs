//! HTTP tests of the core endpoints through `Auth::handle`, on the in-memory adapter.
#![expect(
    missing_docs,
    missing_debug_implementations,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::missing_panics_doc,
    reason = "test helpers fail the test by panicking"
)]

mod bad_input;
mod email;
mod hooks;
mod sessions;
mod upstream_ports;

use std::sync::Arc;

use bulwark_core::adapter::memory::MemoryAdapter;
use bulwark_core::options::{EmailAndPasswordOptions, UserOptions};
use bulwark_core::{Auth, AuthBuilder, Environment};
use bulwark_test_support::{FakeClock, SequentialIds};
use bytes::Bytes;
use http::{Method, Request, StatusCode, header};
use time::macros::datetime;

/// The secret every test instance uses.
pub const SECRET: &str = "test-secret-that-is-long-enough-for-hmac";
/// The base URL and trusted origin.
pub const ORIGIN: &str = "http://localhost:3000";

/// An auth instance on a fresh memory adapter with a fixed clock.
pub struct Harness {
    pub auth: Auth,
    pub clock: Arc<FakeClock>,
}

impl Default for Harness {
    fn default() -> Self {
        Self::new()
    }
}

impl Harness {
    pub fn new() -> Self {
        Self::with(|b| b)
    }

    pub fn with(configure: impl FnOnce(AuthBuilder) -> AuthBuilder) -> Self {
        let clock = Arc::new(FakeClock::at(datetime!(2026-01-01 00:00:00 UTC)));
        let env = Environment {
            clock: Arc::<FakeClock>::clone(&clock),
            ids: Arc::new(SequentialIds::new()),
        };
        let mut user = UserOptions::default();
        user.delete_user_enabled = true;
        let builder = Auth::builder()
            .database(Arc::new(MemoryAdapter::new()) as Arc<dyn bulwark_core::Adapter>)
            .secret(SECRET)
            .base_url(ORIGIN)
            .environment(env)
            .email_and_password(EmailAndPasswordOptions::enabled())
            .user(user);
        let auth = configure(builder).build().expect("valid configuration");
        Self { auth, clock }
    }

    pub async fn send(&self, req: Request<Bytes>) -> Response {
        let res = self.auth.handle(req).await;
        let status = res.status();
        let cookies = res
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        let content_type = res
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_owned());
        let body = res.into_body();
        let json = serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null);
        Response {
            status,
            cookies,
            content_type,
            json,
            raw: body,
        }
    }

    /// A JSON POST from the trusted origin, with an optional cookie.
    pub async fn post(
        &self,
        path: &str,
        body: serde_json::Value,
        cookie: Option<&str>,
    ) -> Response {
        let mut req = Request::builder()
            .method(Method::POST)
            .uri(format!("{ORIGIN}/api/auth{path}"))
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ORIGIN, ORIGIN);
        if let Some(cookie) = cookie {
            req = req.header(header::COOKIE, cookie);
        }
        self.send(req.body(Bytes::from(body.to_string())).unwrap())
            .await
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Response {
        let mut req = Request::builder()
            .method(Method::GET)
            .uri(format!("{ORIGIN}/api/auth{path}"));
        if let Some(cookie) = cookie {
            req = req.header(header::COOKIE, cookie);
        }
        self.send(req.body(Bytes::new()).unwrap()).await
    }

    /// Signs up `email` and returns the session cookie (`name=value`).
    pub async fn sign_up(&self, email: &str) -> String {
        let res = self
            .post(
                "/sign-up/email",
                serde_json::json!({"name": "Test User", "email": email, "password": "password123"}),
                None,
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.json);
        res.session_cookie()
            .expect("sign-up sets the session cookie")
    }
}

pub struct Response {
    pub status: StatusCode,
    pub cookies: Vec<String>,
    pub content_type: Option<String>,
    pub json: serde_json::Value,
    pub raw: Bytes,
}

impl Response {
    /// The `name=value` pair of the session cookie, if set to a non-empty value.
    pub fn session_cookie(&self) -> Option<String> {
        self.cookies
            .iter()
            .filter_map(|c| c.split(';').next())
            .find(|pair| pair.starts_with("better-auth.session_token=") && !pair.ends_with('='))
            .map(str::to_owned)
    }
}
