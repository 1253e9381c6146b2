//! In-process HTTP tests of `bulwark_axum::router` and the session extractors (no sockets).
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test helpers outside #[test] functions fail loudly, like the tests themselves"
)]

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::body::HttpBody as _;
use axum::response::IntoResponse;
use axum::routing::get;
use bulwark_axum::{OptionalSession, RouterOptions, Session, router, router_with};
use bulwark_core::Auth;
use bulwark_core::adapter::memory::MemoryAdapter;
use http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

const BASE_URL: &str = "http://localhost:3000";

fn auth() -> Auth {
    Auth::builder()
        .database(Arc::new(MemoryAdapter::new()) as Arc<dyn bulwark_core::Adapter>)
        .secret("a-test-secret-that-is-long-enough-for-bulwark")
        .base_url(BASE_URL)
        .build()
        .unwrap()
}

/// An application with its own routes and Bulwark merged in, as `examples/embed.rs` builds it.
fn app(auth: Auth) -> Router {
    Router::new()
        .route(
            "/me",
            get(|session: Session| async move {
                let email = session.user().email.clone();
                (session.cookies(), axum::Json(json!({ "email": email })))
            }),
        )
        .route(
            "/maybe",
            get(|OptionalSession(session): OptionalSession| async move {
                session.map_or_else(|| "anonymous".to_owned(), |s| s.user().name.clone())
            }),
        )
        .route(
            "/option",
            get(|session: Option<Session>| async move { session.is_some().to_string() }),
        )
        .with_state(auth.clone())
        .merge(router(auth))
}

struct Res {
    status: StatusCode,
    headers: http::HeaderMap,
    body: Vec<u8>,
}

impl Res {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|err| {
            panic!("not JSON ({err}): {}", String::from_utf8_lossy(&self.body))
        })
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// `name=value` of the session token cookie set by this response.
    fn session_cookie(&self) -> String {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap())
            .find(|v| v.starts_with("better-auth.session_token="))
            .and_then(|v| v.split(';').next())
            .expect("a session cookie")
            .to_owned()
    }
}

async fn send(app: &Router, req: Request<Body>) -> Res {
    let res = app.clone().oneshot(req).await.unwrap().into_response();
    let (parts, body) = res.into_parts();
    let body = body.collect().await.unwrap().to_bytes().to_vec();
    Res {
        status: parts.status,
        headers: parts.headers,
        body,
    }
}

fn get_req(path: &str, cookie: Option<&str>) -> Request<Body> {
    let mut req = Request::builder().method(Method::GET).uri(path);
    if let Some(cookie) = cookie {
        req = req.header(header::COOKIE, cookie);
    }
    req.body(Body::empty()).unwrap()
}

fn post_json(path: &str, body: &Value) -> Request<Body> {
    Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ORIGIN, BASE_URL)
        .body(Body::from(body.to_string()))
        .unwrap()
}

async fn sign_up(app: &Router, email: &str) -> String {
    let res = send(
        app,
        post_json(
            "/api/auth/sign-up/email",
            &json!({ "name": "Ada", "email": email, "password": "correct horse battery" }),
        ),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert_eq!(res.json()["user"]["email"], email);
    res.session_cookie()
}

#[tokio::test]
async fn sign_up_cookie_reaches_the_session_extractor() {
    let app = app(auth());
    let cookie = sign_up(&app, "ada@example.com").await;

    let me = send(&app, get_req("/me", Some(&cookie))).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text());
    assert_eq!(me.json(), json!({ "email": "ada@example.com" }));

    let maybe = send(&app, get_req("/maybe", Some(&cookie))).await;
    assert_eq!(maybe.text(), "Ada");
    let option = send(&app, get_req("/option", Some(&cookie))).await;
    assert_eq!(option.text(), "true");

    // The mounted core sees the same session.
    let session = send(&app, get_req("/api/auth/get-session", Some(&cookie))).await;
    assert_eq!(session.status, StatusCode::OK);
    assert_eq!(session.json()["user"]["email"], "ada@example.com");
}

#[tokio::test]
async fn missing_session_is_a_401_with_upstream_json() {
    let app = app(auth());
    let res = send(&app, get_req("/me", None)).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        res.headers.get(header::CONTENT_TYPE).unwrap(),
        "application/json"
    );
    assert_eq!(
        res.json(),
        json!({ "code": "UNAUTHORIZED", "message": "Unauthorized" })
    );

    let maybe = send(&app, get_req("/maybe", None)).await;
    assert_eq!(maybe.status, StatusCode::OK);
    assert_eq!(maybe.text(), "anonymous");
    let option = send(&app, get_req("/option", None)).await;
    assert_eq!(option.text(), "false");
}

#[tokio::test]
async fn tampered_cookie_is_rejected() {
    let app = app(auth());
    let cookie = sign_up(&app, "eve@example.com").await;
    let (token, signature) = cookie.rsplit_once('.').unwrap();
    let flipped = if signature.starts_with('A') { "B" } else { "A" };
    let forged = format!("{token}.{flipped}{}", &signature[1..]);
    assert_ne!(cookie, forged);

    let res = send(&app, get_req("/me", Some(&forged))).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    let genuine = send(&app, get_req("/me", Some(&cookie))).await;
    assert_eq!(genuine.status, StatusCode::OK);
}

#[tokio::test]
async fn session_of_a_deleted_row_is_a_401_that_clears_cookies() {
    let auth = auth();
    let app = app(auth.clone());
    let cookie = sign_up(&app, "gone@example.com").await;
    let signed_out = send(
        &app,
        Request::builder()
            .method(Method::POST)
            .uri("/api/auth/sign-out")
            .header(header::ORIGIN, BASE_URL)
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{}"))
            .unwrap(),
    )
    .await;
    assert_eq!(signed_out.status, StatusCode::OK, "{}", signed_out.text());

    let res = send(&app, get_req("/me", Some(&cookie))).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    let cleared: Vec<_> = res
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    assert!(
        cleared
            .iter()
            .any(|c| c.starts_with("better-auth.session_token=;") && c.contains("Max-Age=0")),
        "{cleared:?}"
    );
}

#[tokio::test]
async fn oversized_body_is_a_413_with_json() {
    let app = app(auth());
    let big = "x".repeat(bulwark_axum::DEFAULT_BODY_LIMIT + 1);
    let mut req = post_json(
        "/api/auth/sign-up/email",
        &json!({ "name": big, "email": "big@example.com", "password": "long enough" }),
    );
    // A declared length over the limit is refused before the body is read.
    let length = req.body().size_hint().exact().unwrap();
    req.headers_mut()
        .insert(header::CONTENT_LENGTH, length.to_string().parse().unwrap());
    let res = send(&app, req).await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(res.json(), json!({ "message": "Payload Too Large" }));
}

#[tokio::test]
async fn oversized_body_without_content_length_is_a_413() {
    let app = router_with(auth(), RouterOptions::default().body_limit(64));
    // No `Content-Length` header: the limit is enforced while the body is collected.
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/auth/sign-in/email")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(" ".repeat(65)))
        .unwrap();
    assert!(req.headers().get(header::CONTENT_LENGTH).is_none());
    let res = send(&app, req).await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(res.json(), json!({ "message": "Payload Too Large" }));
}

#[tokio::test]
async fn small_limit_still_accepts_small_bodies() {
    let app = router_with(auth(), RouterOptions::default().body_limit(4096));
    let res = send(
        &app,
        post_json(
            "/api/auth/sign-up/email",
            &json!({ "name": "Small", "email": "small@example.com", "password": "long enough" }),
        ),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
}

#[tokio::test]
async fn unknown_paths_are_404() {
    let app = app(auth());
    let inside = send(&app, get_req("/api/auth/no-such-endpoint", None)).await;
    assert_eq!(inside.status, StatusCode::NOT_FOUND);
    let outside = send(&app, get_req("/elsewhere", None)).await;
    assert_eq!(outside.status, StatusCode::NOT_FOUND);
    // Wrong method on a known endpoint is not served either.
    let wrong_method = send(&app, get_req("/api/auth/sign-up/email", None)).await;
    assert_eq!(wrong_method.status, StatusCode::NOT_FOUND);
    // A sibling prefix is not part of the base path.
    let sibling = send(&app, get_req("/api/authx/get-session", None)).await;
    assert_eq!(sibling.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn custom_base_path_is_mounted() {
    let auth = Auth::builder()
        .database(Arc::new(MemoryAdapter::new()) as Arc<dyn bulwark_core::Adapter>)
        .secret("a-test-secret-that-is-long-enough-for-bulwark")
        .base_url(BASE_URL)
        .base_path("/auth")
        .build()
        .unwrap();
    let app = router(auth);
    let res = send(&app, get_req("/auth/get-session", None)).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.json(), Value::Null);
    let old = send(&app, get_req("/api/auth/get-session", None)).await;
    assert_eq!(old.status, StatusCode::NOT_FOUND);
}
