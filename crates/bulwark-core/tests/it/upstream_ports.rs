//! Upstream route tests that need time to pass or a failing database, which the parity scenarios cannot
//! express: ported onto the fake clock and a session store that can be switched off.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use bulwark_core::adapter::memory::MemoryAdapter;
use bulwark_core::adapter::{
    BoxFuture, Capabilities, Create, Find, FindMany, Increment, Transaction, Update,
};
use bulwark_core::models::Account;
use bulwark_core::options::SessionOptions;
use bulwark_core::{Adapter, AdapterError, AdapterErrorKind, Row, Where};
use bytes::Bytes;
use http::{Method, Request, StatusCode, header};
use serde_json::json;
use time::Duration;

use crate::{Harness, ORIGIN};

/// A harness whose session options are the defaults changed by `configure`.
fn with_session(configure: impl FnOnce(&mut SessionOptions)) -> Harness {
    let mut options = SessionOptions::default();
    configure(&mut options);
    Harness::with(|b| b.session(options))
}

/// Signs in `test@test.com` (created first) and returns the session cookie.
async fn sign_in_test_user(h: &Harness) -> String {
    h.sign_up("test@test.com").await;
    let res = h
        .post(
            "/sign-in/email",
            json!({"email": "test@test.com", "password": "password123"}),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    res.session_cookie()
        .expect("sign-in sets the session cookie")
}

/// A GET whose response headers are all kept.
async fn raw_get(h: &Harness, path: &str, cookie: Option<&str>) -> http::Response<Bytes> {
    let mut req = Request::builder()
        .method(Method::GET)
        .uri(format!("{ORIGIN}/api/auth{path}"));
    if let Some(cookie) = cookie {
        req = req.header(header::COOKIE, cookie);
    }
    h.auth.handle(req.body(Bytes::new()).unwrap()).await
}

/// The `Max-Age` of the first `set-cookie` for the session token, if any.
fn session_max_age(cookies: &[String]) -> Option<i64> {
    cookies
        .iter()
        .find(|c| c.starts_with("better-auth.session_token="))
        .and_then(|c| {
            c.split(';')
                .filter_map(|attr| attr.trim().strip_prefix("Max-Age="))
                .find_map(|v| v.parse().ok())
        })
}

/// upstream: session-api.test.ts › session › should require a fresh session to list sessions
#[tokio::test]
async fn list_sessions_refuses_a_session_older_than_fresh_age() {
    let h = with_session(|s| s.fresh_age = Duration::seconds(60));
    let cookie = sign_in_test_user(&h).await;
    assert_eq!(
        h.get("/list-sessions", Some(&cookie)).await.status,
        StatusCode::OK
    );
    h.clock.advance(Duration::minutes(5));
    let res = h.get("/list-sessions", Some(&cookie)).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(
        res.json,
        json!({"message": "Session is not fresh", "code": "SESSION_NOT_FRESH"})
    );
    // The session itself is still valid; only the freshness-gated endpoint refuses it.
    let session = h.get("/get-session", Some(&cookie)).await;
    assert_eq!(session.json["user"]["email"], "test@test.com");
}

/// upstream: session-api.test.ts › session › should update the session every time when set to 0
#[tokio::test]
async fn update_age_zero_extends_the_session_on_every_use() {
    let h = with_session(|s| s.update_age = Duration::ZERO);
    let cookie = sign_in_test_user(&h).await;
    let first = h.get("/get-session", Some(&cookie)).await;
    let first_expiry = first.json["session"]["expiresAt"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(first_expiry, "2026-01-08T00:00:00.000Z");
    h.clock.advance(Duration::minutes(5));
    let second = h.get("/get-session", Some(&cookie)).await;
    let second_expiry = second.json["session"]["expiresAt"].as_str().unwrap();
    assert_ne!(second_expiry, first_expiry);
    assert_eq!(second_expiry, "2026-01-08T00:05:00.000Z");
    assert!(
        second_expiry > first_expiry.as_str(),
        "the expiry moves forward"
    );
}

/// upstream: session-api.test.ts › session › should not exceed the 400-day browser Max-Age ceiling on session refresh
#[tokio::test]
async fn a_refreshed_cookie_stays_within_the_400_day_ceiling() {
    const CEILING: i64 = 400 * 24 * 60 * 60;
    let h = with_session(|s| {
        s.expires_in = Duration::seconds(CEILING);
        s.update_age = Duration::seconds(30);
    });
    let cookie = sign_in_test_user(&h).await;
    h.clock.advance(Duration::seconds(31));
    let res = h.get("/get-session", Some(&cookie)).await;
    assert_eq!(res.json["user"]["email"], "test@test.com");
    let max_age = session_max_age(&res.cookies).expect("the refresh sets the cookie again");
    assert!(max_age <= CEILING, "Max-Age {max_age} exceeds {CEILING}");
}

/// upstream: session-api.test.ts › get-session cache headers › sets Cache-Control: no-store on authenticated GET /get-session responses
#[tokio::test]
async fn an_authenticated_get_session_is_not_cacheable() {
    let h = Harness::new();
    let cookie = sign_in_test_user(&h).await;
    let res = raw_get(&h, "/get-session", Some(&cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: serde_json::Value = serde_json::from_slice(res.body()).unwrap();
    assert!(
        body["user"]["id"].as_str().is_some_and(|id| !id.is_empty()),
        "{body}"
    );
    let cache = res.headers().get(header::CACHE_CONTROL).unwrap();
    assert!(cache.to_str().unwrap().contains("no-store"), "{cache:?}");
}

/// upstream: session-api.test.ts › get-session cache headers › sets Cache-Control: no-store on unauthenticated GET /get-session responses
#[tokio::test]
async fn an_anonymous_get_session_is_not_cacheable() {
    let h = Harness::new();
    let res = raw_get(&h, "/get-session", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.body().as_ref(), b"null");
    let cache = res.headers().get(header::CACHE_CONTROL).unwrap();
    assert!(cache.to_str().unwrap().contains("no-store"), "{cache:?}");
}

/// upstream: session-api.test.ts › get-session cache headers › does not set Cache-Control: no-store on session-gated endpoints
#[tokio::test]
async fn a_fresh_session_gated_endpoint_sets_no_cache_control() {
    // Upstream gates a test endpoint with its fresh-session middleware; `/list-sessions` is the core
    // endpoint behind the same middleware.
    let h = Harness::new();
    let cookie = sign_in_test_user(&h).await;
    let res = raw_get(&h, "/list-sessions", Some(&cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers().get(header::CACHE_CONTROL).is_none(),
        "{:?}",
        res.headers()
    );
}

/// upstream: session-api.test.ts › deferSessionRefresh › should still update session on GET when deferSessionRefresh is not enabled (default behavior)
#[tokio::test]
async fn get_session_refreshes_in_place_without_defer_session_refresh() {
    let h = with_session(|s| s.update_age = Duration::ZERO);
    let cookie = sign_in_test_user(&h).await;
    h.clock.advance(Duration::seconds(1));
    let res = h.get("/get-session", Some(&cookie)).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(
        res.json["session"]["expiresAt"], "2026-01-08T00:00:01.000Z",
        "the GET itself updated the session"
    );
    assert_eq!(res.json["session"]["updatedAt"], "2026-01-01T00:00:01.000Z");
    assert!(res.session_cookie().is_some());
    assert!(
        res.json.get("needsRefresh").is_none(),
        "no deferred-refresh flag: {}",
        res.json
    );
}

/// A memory adapter whose `session` model fails while switched off, as a database that went away.
#[derive(Debug, Default)]
struct FlakySessions {
    inner: MemoryAdapter,
    down: AtomicBool,
}

impl FlakySessions {
    fn fails(&self, model: &str) -> bool {
        model == "session" && self.down.load(Ordering::SeqCst)
    }
}

fn unavailable<'a, T: Send + 'a>() -> BoxFuture<'a, Result<T, AdapterError>> {
    Box::pin(async {
        Err(AdapterError::new(
            AdapterErrorKind::Unavailable,
            "database unavailable",
        ))
    })
}

impl Adapter for FlakySessions {
    fn id(&self) -> &'static str {
        self.inner.id()
    }

    fn capabilities(&self) -> Capabilities {
        self.inner.capabilities()
    }

    fn create<'a>(&'a self, q: Create<'a>) -> BoxFuture<'a, Result<Row, AdapterError>> {
        if self.fails(q.model) {
            return unavailable();
        }
        self.inner.create(q)
    }

    fn find_one<'a>(&'a self, q: Find<'a>) -> BoxFuture<'a, Result<Option<Row>, AdapterError>> {
        if self.fails(q.model) {
            return unavailable();
        }
        self.inner.find_one(q)
    }

    fn find_many<'a>(&'a self, q: FindMany<'a>) -> BoxFuture<'a, Result<Vec<Row>, AdapterError>> {
        if self.fails(q.model) {
            return unavailable();
        }
        self.inner.find_many(q)
    }

    fn count<'a>(&'a self, q: Find<'a>) -> BoxFuture<'a, Result<u64, AdapterError>> {
        if self.fails(q.model) {
            return unavailable();
        }
        self.inner.count(q)
    }

    fn update<'a>(&'a self, q: Update<'a>) -> BoxFuture<'a, Result<Option<Row>, AdapterError>> {
        if self.fails(q.model) {
            return unavailable();
        }
        self.inner.update(q)
    }

    fn update_many<'a>(&'a self, q: Update<'a>) -> BoxFuture<'a, Result<u64, AdapterError>> {
        if self.fails(q.model) {
            return unavailable();
        }
        self.inner.update_many(q)
    }

    fn delete<'a>(&'a self, q: Find<'a>) -> BoxFuture<'a, Result<(), AdapterError>> {
        if self.fails(q.model) {
            return unavailable();
        }
        self.inner.delete(q)
    }

    fn delete_many<'a>(&'a self, q: Find<'a>) -> BoxFuture<'a, Result<u64, AdapterError>> {
        if self.fails(q.model) {
            return unavailable();
        }
        self.inner.delete_many(q)
    }

    fn consume_one<'a>(&'a self, q: Find<'a>) -> BoxFuture<'a, Result<Option<Row>, AdapterError>> {
        if self.fails(q.model) {
            return unavailable();
        }
        self.inner.consume_one(q)
    }

    fn increment_one<'a>(
        &'a self,
        q: Increment<'a>,
    ) -> BoxFuture<'a, Result<Option<Row>, AdapterError>> {
        if self.fails(q.model) {
            return unavailable();
        }
        self.inner.increment_one(q)
    }

    fn begin(&self) -> BoxFuture<'_, Result<Box<dyn Transaction>, AdapterError>> {
        if self.fails("session") {
            return unavailable();
        }
        self.inner.begin()
    }
}

/// upstream: sign-out.test.ts › sign-out › should clear local session cookie when reading the session fails
#[tokio::test]
async fn sign_out_clears_the_cookie_when_the_session_cannot_be_read() {
    let db = Arc::new(FlakySessions::default());
    let h = Harness::with(|b| b.database(Arc::clone(&db) as Arc<dyn Adapter>));
    let cookie = sign_in_test_user(&h).await;
    db.down.store(true, Ordering::SeqCst);
    let res = h.post("/sign-out", json!({}), Some(&cookie)).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.json, json!({"success": true}));
    let cleared = res
        .cookies
        .iter()
        .find(|c| c.starts_with("better-auth.session_token="))
        .expect("the session cookie is cleared");
    assert!(
        cleared.starts_with("better-auth.session_token=;"),
        "{cleared}"
    );
    assert_eq!(session_max_age(&res.cookies), Some(0));
    // The failure was real: the session row could not be deleted and is still there.
    db.down.store(false, Ordering::SeqCst);
    let session = h.get("/get-session", Some(&cookie)).await;
    assert_eq!(session.json["user"]["email"], "test@test.com");
}

/// upstream: update-user.test.ts › updateUser › should update account's updatedAt when changing password
#[tokio::test]
async fn changing_the_password_touches_the_credential_account() {
    let h = Harness::new();
    let res = h
        .post(
            "/sign-up/email",
            json!({"name": "Test User", "email": "test-updated-at@email.com", "password": "originalPassword"}),
            None,
        )
        .await;
    let cookie = res.session_cookie().unwrap();
    let user_id = h.get("/get-session", Some(&cookie)).await.json["user"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let credential_accounts = || async {
        let filter =
            Where::eq("userId", user_id.as_str()).and(Where::eq("providerId", "credential"));
        h.auth
            .store()
            .find_many::<Account>(&filter, &[], None, None)
            .await
            .unwrap()
    };
    let before = credential_accounts().await;
    assert_eq!(before.len(), 1);
    h.clock.advance(Duration::milliseconds(100));
    let res = h
        .post(
            "/change-password",
            json!({"newPassword": "newPassword123", "currentPassword": "originalPassword"}),
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    let after = credential_accounts().await;
    assert_eq!(after.len(), 1);
    assert_ne!(after[0].updated_at, before[0].updated_at);
    assert!(after[0].updated_at > before[0].updated_at);
    assert_eq!(
        after[0].updated_at,
        before[0].updated_at + Duration::milliseconds(100)
    );
}
