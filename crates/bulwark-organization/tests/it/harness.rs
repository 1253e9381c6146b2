//! The test harness: an `Auth` with the organization plugin on the memory adapter (or a `TestDb`), a
//! fixed clock and sequential ids, and request helpers.

use std::sync::Arc;

use bulwark_core::adapter::memory::MemoryAdapter;
use bulwark_core::options::EmailAndPasswordOptions;
use bulwark_core::{Adapter, Auth, AuthBuilder, Environment};
use bulwark_organization::{OrganizationApi, OrganizationOptions, organization};
use bulwark_test_support::{FakeClock, SequentialIds};
use bytes::Bytes;
use http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};
use time::macros::datetime;

pub(crate) const SECRET: &str = "test-secret-that-is-long-enough-for-hmac";
pub(crate) const ORIGIN: &str = "http://localhost:3000";

/// An auth instance with the organization plugin on a fresh memory adapter with a fixed clock.
pub(crate) struct Harness {
    pub(crate) auth: Auth,
}

impl Default for Harness {
    fn default() -> Self {
        Self::new()
    }
}

impl Harness {
    pub(crate) fn new() -> Self {
        Self::with_options(OrganizationOptions::default())
    }

    pub(crate) fn with_options(options: OrganizationOptions) -> Self {
        Self::build(options, Arc::new(MemoryAdapter::new()), |b| b)
    }

    pub(crate) fn build(
        options: OrganizationOptions,
        adapter: Arc<dyn Adapter>,
        configure: impl FnOnce(AuthBuilder) -> AuthBuilder,
    ) -> Self {
        let clock: Arc<FakeClock> = Arc::new(FakeClock::at(datetime!(2026-01-01 00:00:00 UTC)));
        let env = Environment {
            clock,
            ids: Arc::new(SequentialIds::new()),
        };
        let builder = Auth::builder()
            .database(adapter)
            .secret(SECRET)
            .base_url(ORIGIN)
            .environment(env)
            .email_and_password(EmailAndPasswordOptions::enabled())
            .plugin(organization(options));
        let auth = configure(builder).build().expect("valid configuration");
        Self { auth }
    }

    pub(crate) fn api(&self) -> OrganizationApi {
        OrganizationApi::new(&self.auth).expect("the plugin is registered")
    }

    pub(crate) async fn send(&self, req: Request<Bytes>) -> Response {
        let res = self.auth.handle(req).await;
        let status = res.status();
        let cookies = res
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        let body = res.into_body();
        let json = serde_json::from_slice(&body).unwrap_or(Value::Null);
        Response {
            status,
            cookies,
            json,
            raw: body,
        }
    }

    pub(crate) async fn post(&self, path: &str, body: Value, cookie: Option<&str>) -> Response {
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

    pub(crate) async fn get(&self, path: &str, cookie: Option<&str>) -> Response {
        let mut req = Request::builder()
            .method(Method::GET)
            .uri(format!("{ORIGIN}/api/auth{path}"));
        if let Some(cookie) = cookie {
            req = req.header(header::COOKIE, cookie);
        }
        self.send(req.body(Bytes::new()).unwrap()).await
    }

    /// Signs up `name` (`<name>@example.com`) and returns the user id and session cookie.
    pub(crate) async fn user(&self, name: &str) -> (String, String) {
        let email = format!("{}@example.com", name.to_lowercase());
        let res = self
            .post(
                "/sign-up/email",
                json!({"name": name, "email": email, "password": "password123"}),
                None,
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.json);
        let cookie = res
            .cookies
            .iter()
            .filter_map(|c| c.split(';').next())
            .find(|p| p.starts_with("better-auth.session_token=") && !p.ends_with('='))
            .expect("session cookie")
            .to_owned();
        (res.json["user"]["id"].as_str().unwrap().to_owned(), cookie)
    }

    /// Creates an organization as the session `cookie` and returns its id.
    pub(crate) async fn organization(&self, cookie: &str, slug: &str) -> String {
        let res = self
            .post(
                "/organization/create",
                json!({"name": slug.to_uppercase(), "slug": slug}),
                Some(cookie),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.json);
        res.json["id"].as_str().unwrap().to_owned()
    }

    /// Adds `user_id` to `org` with `role` through the server API.
    pub(crate) async fn add(&self, org: &str, user_id: &str, role: &str) -> String {
        let member = self
            .api()
            .add_member(bulwark_organization::api::NewMember::new(
                org,
                user_id,
                &[role],
            ))
            .await
            .expect("member added");
        member.id
    }

    /// The `role` of every member of `org`, by user id, oldest first.
    pub(crate) async fn roles(&self, org: &str) -> Vec<(String, String)> {
        self.api()
            .list_members(org)
            .await
            .unwrap()
            .into_iter()
            .map(|m| (m.user_id, m.role))
            .collect()
    }
}

pub(crate) struct Response {
    pub(crate) status: StatusCode,
    pub(crate) cookies: Vec<String>,
    pub(crate) json: Value,
    pub(crate) raw: Bytes,
}

impl Response {
    /// Asserts an upstream error answer.
    #[track_caller]
    pub(crate) fn assert_error(&self, status: StatusCode, code: &str) {
        assert_eq!(self.status, status, "{}", self.json);
        assert_eq!(self.json["code"], code, "{}", self.json);
    }
}
