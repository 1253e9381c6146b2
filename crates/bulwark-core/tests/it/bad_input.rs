//! Bad input: each gets upstream's status and error JSON, never a 500, and changes nothing.

use bytes::Bytes;
use http::{Method, Request, StatusCode, header};
use serde_json::json;

use crate::{Harness, ORIGIN};

fn raw_post(path: &str, content_type: Option<&str>, body: &'static str) -> Request<Bytes> {
    let mut req = Request::builder()
        .method(Method::POST)
        .uri(format!("{ORIGIN}/api/auth{path}"));
    if let Some(ct) = content_type {
        req = req.header(header::CONTENT_TYPE, ct);
    }
    req.body(Bytes::from_static(body.as_bytes())).unwrap()
}

/// Asserts no user exists yet: a sign-in for the address fails and the address is still free.
async fn assert_no_user(h: &Harness, email: &str) {
    let res = h
        .post(
            "/sign-up/email",
            json!({"name": "Check", "email": email, "password": "password123"}),
            None,
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::OK,
        "the email was free: {}",
        res.json
    );
}

#[tokio::test]
async fn malformed_json_is_a_400() {
    let h = Harness::new();
    let res = h
        .send(raw_post(
            "/sign-up/email",
            Some("application/json"),
            "{\"name\": \"x\", \"email\":",
        ))
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    insta::assert_json_snapshot!("bad_input__malformed_json", res.json);
}

#[tokio::test]
async fn json_that_is_not_an_object_is_a_400() {
    let h = Harness::new();
    let res = h
        .send(raw_post(
            "/sign-in/email",
            Some("application/json"),
            "[1, 2]",
        ))
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        res.json,
        json!({"message": "[body] Invalid input: expected object, received array", "code": "VALIDATION_ERROR"})
    );
    let res = h
        .send(raw_post("/sign-up/email", Some("application/json"), "null"))
        .await;
    assert_eq!(
        res.json["message"],
        "[body] Invalid input: expected object, received null; [body] Invalid input: expected record, received null"
    );
}

#[tokio::test]
async fn wrong_content_type_is_a_415() {
    let h = Harness::new();
    let res = h
        .send(raw_post(
            "/sign-in/email",
            Some("text/plain"),
            "email=a@b.co",
        ))
        .await;
    assert_eq!(res.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    insta::assert_json_snapshot!("bad_input__wrong_content_type", res.json);
    let res = h
        .send(raw_post(
            "/update-user",
            Some("application/x-www-form-urlencoded"),
            "name=x",
        ))
        .await;
    assert_eq!(res.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

/// upstream: packages/better-auth/src/api/routes/sign-up.test.ts › sign-up with form data › should accept form-urlencoded content type
#[tokio::test]
async fn form_bodies_are_accepted_where_upstream_accepts_them() {
    let h = Harness::new();
    let res = h
        .send(raw_post(
            "/sign-up/email",
            Some("application/x-www-form-urlencoded"),
            "name=Form&email=form%40example.com&password=password123",
        ))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["user"]["email"], "form@example.com");
}

#[tokio::test]
async fn empty_bodies_are_rejected_as_upstream_rejects_them() {
    let h = Harness::new();
    // An empty body that claims to be JSON is unparseable JSON.
    let res = h
        .send(raw_post("/sign-up/email", Some("application/json"), ""))
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    insta::assert_json_snapshot!("bad_input__empty_sign_up", res.json);
    // No body at all fails the body schema.
    let res = h.send(raw_post("/sign-up/email", None, "")).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        res.json["message"],
        "[body] Invalid input: expected object, received undefined; [body] Invalid input: expected record, received undefined"
    );
    let res = h.post("/sign-up/email", json!({}), None).await;
    assert_eq!(
        res.json["message"],
        "[body.name] Invalid input: expected string, received undefined; [body.email] Invalid input: expected string, received undefined; [body.password] Invalid input: expected string, received undefined"
    );
    // A body without a content type is refused.
    let res = h.send(raw_post("/sign-in/email", None, "{}")).await;
    assert_eq!(res.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(res.json["code"], "UNSUPPORTED_MEDIA_TYPE");
}

#[tokio::test]
async fn missing_and_mistyped_fields_are_validation_errors() {
    let h = Harness::new();
    let res = h
        .post(
            "/sign-up/email",
            json!({"email": "a@example.com", "password": "password123"}),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(res.json["code"], "VALIDATION_ERROR");
    let res = h
        .post(
            "/sign-up/email",
            json!({"name": 42, "email": "a@example.com", "password": "password123"}),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    insta::assert_json_snapshot!("bad_input__mistyped_name", res.json);
    let res = h
        .post(
            "/sign-in/email",
            json!({"email": "a@example.com", "password": "password123", "rememberMe": "yes"}),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_no_user(&h, "a@example.com").await;
}

#[tokio::test]
async fn invalid_email_is_rejected() {
    let h = Harness::new();
    let res = h
        .post(
            "/sign-up/email",
            json!({"name": "x", "email": "not-an-email", "password": "password123"}),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    insta::assert_json_snapshot!("bad_input__invalid_email", res.json);
    let res = h
        .post(
            "/sign-in/email",
            json!({"email": "not-an-email", "password": "password123"}),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(res.json["code"], "INVALID_EMAIL");
}

#[tokio::test]
async fn password_length_limits_apply() {
    let h = Harness::new();
    let res = h
        .post(
            "/sign-up/email",
            json!({"name": "x", "email": "s@example.com", "password": "short"}),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    insta::assert_json_snapshot!("bad_input__password_too_short", res.json);
    let long = "x".repeat(129);
    let res = h
        .post(
            "/sign-up/email",
            json!({"name": "x", "email": "s@example.com", "password": long}),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(res.json["code"], "PASSWORD_TOO_LONG");
    assert_no_user(&h, "s@example.com").await;
}

#[tokio::test]
async fn cookie_requests_from_untrusted_or_missing_origins_are_refused() {
    let h = Harness::new();
    let cookie = h.sign_up("ada@example.com").await;
    let mut req = raw_post(
        "/update-user",
        Some("application/json"),
        "{\"name\":\"Mallory\"}",
    );
    req.headers_mut()
        .insert(header::COOKIE, cookie.parse().unwrap());
    req.headers_mut()
        .insert(header::ORIGIN, "https://evil.example".parse().unwrap());
    let res = h.send(req).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    insta::assert_json_snapshot!("bad_input__invalid_origin", res.json);
    let mut req = raw_post(
        "/update-user",
        Some("application/json"),
        "{\"name\":\"Mallory\"}",
    );
    req.headers_mut()
        .insert(header::COOKIE, cookie.parse().unwrap());
    let res = h.send(req).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(res.json["code"], "MISSING_OR_NULL_ORIGIN");
    assert_eq!(
        h.get("/get-session", Some(&cookie)).await.json["user"]["name"],
        "Test User",
        "nothing changed"
    );
}

#[tokio::test]
async fn unknown_routes_and_methods_are_404() {
    let h = Harness::new();
    assert_eq!(
        h.get("/no-such-endpoint", None).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        h.get("/sign-in/email", None).await.status,
        StatusCode::NOT_FOUND
    );
    let outside = Request::builder()
        .uri(format!("{ORIGIN}/elsewhere"))
        .body(Bytes::new())
        .unwrap();
    assert_eq!(h.send(outside).await.status, StatusCode::NOT_FOUND);
    let ok = h.get("/ok", None).await;
    assert_eq!(ok.json, json!({"ok": true}));
}

#[tokio::test]
async fn untrusted_callback_urls_are_refused_with_or_without_cookies() {
    let h = Harness::new();
    h.sign_up("ada@example.com").await;
    let res = h
        .post("/sign-in/email", json!({"email": "ada@example.com", "password": "password123", "callbackURL": "https://evil.example/x"}), None)
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    insta::assert_json_snapshot!("bad_input__invalid_callback_url", res.json);
    assert!(res.session_cookie().is_none(), "no session was created");
    let res = h
        .post("/sign-in/email", json!({"email": "ada@example.com", "password": "password123", "callbackURL": "//evil.example"}), None)
        .await;
    assert_eq!(res.json["code"], "INVALID_CALLBACK_URL");
    let res = h
        .post(
            "/sign-in/email",
            json!({"email": "ada@example.com", "password": "password123", "callbackURL": 5}),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        res.json,
        json!({"message": "Invalid callbackURL: expected a string"})
    );
    let res = h
        .post("/sign-in/email", json!({"email": "ada@example.com", "password": "password123", "callbackURL": "http://localhost:3000/home"}), None)
        .await;
    assert_eq!(res.status, StatusCode::OK);
}

/// upstream: packages/better-auth/src/api/routes/sign-in.test.ts › sign-in CSRF protection › should block cross-site navigation login attempts (no cookies)
#[tokio::test]
async fn sign_in_from_a_foreign_page_is_refused_even_without_cookies() {
    let h = Harness::new();
    h.sign_up("ada@example.com").await;
    let body = r#"{"email":"ada@example.com","password":"password123"}"#;
    let mut req = raw_post("/sign-in/email", Some("application/json"), body);
    req.headers_mut()
        .insert(header::ORIGIN, "https://evil.example".parse().unwrap());
    let res = h.send(req).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(res.json["code"], "INVALID_ORIGIN");
    let mut req = raw_post("/sign-in/email", Some("application/json"), body);
    req.headers_mut()
        .insert("sec-fetch-site", "cross-site".parse().unwrap());
    req.headers_mut()
        .insert("sec-fetch-mode", "navigate".parse().unwrap());
    let res = h.send(req).await;
    assert_eq!(res.json["code"], "CROSS_SITE_NAVIGATION_LOGIN_BLOCKED");
    // A server-side caller with no browser headers is allowed.
    let res = h
        .send(raw_post("/sign-in/email", Some("application/json"), body))
        .await;
    assert_eq!(res.status, StatusCode::OK);
}

/// upstream: error.test.ts › error page security › should sanitize error description to prevent XSS
#[tokio::test]
async fn the_error_page_escapes_the_description() {
    let h = Harness::new();
    let res = h
        .get(
            "/error?error=TEST&error_description=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.content_type.as_deref(), Some("text/html"));
    let text = String::from_utf8(res.raw.to_vec()).unwrap();
    assert!(!text.contains("<script>"), "{text}");
    assert!(text.contains("&lt;script&gt;"), "{text}");
    assert!(text.contains("TEST"), "{text}");
}

/// upstream: error.test.ts › error page security › should sanitize code parameter
#[tokio::test]
async fn the_error_page_replaces_an_unsafe_code() {
    let h = Harness::new();
    let text =
        String::from_utf8(h.get("/error?error=%3Cscript%3E", None).await.raw.to_vec()).unwrap();
    assert!(
        text.contains("UNKNOWN") && !text.contains("<script>"),
        "{text}"
    );
}
