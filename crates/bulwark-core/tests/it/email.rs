//! Sign-up and sign-in with email and password.

use http::StatusCode;
use serde_json::json;

use crate::Harness;

/// upstream: packages/better-auth/src/api/routes/sign-in.test.ts › email case insensitivity › should store email as lowercase regardless of input casing
#[tokio::test]
async fn sign_up_creates_user_and_session() {
    let h = Harness::new();
    let res = h
        .post(
            "/sign-up/email",
            json!({"name": "Ada", "email": "Ada@Example.com", "password": "password123"}),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.content_type.as_deref(), Some("application/json"));
    insta::assert_json_snapshot!("sign_up__ok", res.json);
    let cookie = res
        .cookies
        .iter()
        .find(|c| c.starts_with("better-auth.session_token="))
        .unwrap();
    assert!(
        cookie.ends_with("; Max-Age=604800; Path=/; HttpOnly; SameSite=Lax"),
        "{cookie}"
    );
    let session = h
        .get("/get-session", Some(&res.session_cookie().unwrap()))
        .await;
    assert_eq!(session.json["user"]["email"], "ada@example.com");
    assert_eq!(session.json["session"]["token"], res.json["token"]);
}

/// upstream: packages/better-auth/src/api/routes/sign-in.test.ts › email case insensitivity › should not allow duplicate sign-ups with different email casing
#[tokio::test]
async fn duplicate_sign_up_is_rejected_whatever_the_case() {
    let h = Harness::new();
    h.sign_up("dup@example.com").await;
    let res = h
        .post(
            "/sign-up/email",
            json!({"name": "Other", "email": "DUP@example.com", "password": "password456"}),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    insta::assert_json_snapshot!("sign_up__duplicate", res.json);
    assert!(res.cookies.is_empty());
    // The original password still works and the second one does not.
    let ok = h
        .post(
            "/sign-in/email",
            json!({"email": "dup@example.com", "password": "password123"}),
            None,
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK);
    let bad = h
        .post(
            "/sign-in/email",
            json!({"email": "dup@example.com", "password": "password456"}),
            None,
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
}

/// upstream: packages/better-auth/src/api/routes/sign-up.test.ts › sign-up user enumeration protection › should return token: null for new sign-up when autoSignIn is disabled
#[tokio::test]
async fn sign_up_without_auto_sign_in_returns_null_token_and_no_cookie() {
    let h = Harness::with(|b| {
        let mut options = bulwark_core::options::EmailAndPasswordOptions::enabled();
        options.auto_sign_in = false;
        b.email_and_password(options)
    });
    let res = h
        .post(
            "/sign-up/email",
            json!({"name": "N", "email": "n@example.com", "password": "password123"}),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.json["token"], serde_json::Value::Null);
    assert_eq!(res.json["user"]["email"], "n@example.com");
    assert!(res.session_cookie().is_none());
}

#[tokio::test]
async fn disabled_sign_up_is_refused() {
    let h = Harness::with(|b| {
        let mut options = bulwark_core::options::EmailAndPasswordOptions::enabled();
        options.disable_sign_up = true;
        b.email_and_password(options)
    });
    let res = h
        .post(
            "/sign-up/email",
            json!({"name": "N", "email": "n@example.com", "password": "password123"}),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(res.json["code"], "EMAIL_PASSWORD_SIGN_UP_DISABLED");
}

/// upstream: packages/better-auth/src/api/routes/sign-in.test.ts › sign-in › should return a response with a set-cookie header
#[tokio::test]
async fn sign_in_returns_user_token_and_cookie() {
    let h = Harness::new();
    h.sign_up("ada@example.com").await;
    let res = h
        .post(
            "/sign-in/email",
            json!({"email": "ADA@example.com", "password": "password123"}),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    insta::assert_json_snapshot!("sign_in__ok", res.json);
    assert!(res.session_cookie().is_some());
}

#[tokio::test]
async fn sign_in_with_callback_url_reports_redirect() {
    let h = Harness::new();
    h.sign_up("ada@example.com").await;
    let res = h
        .post("/sign-in/email", json!({"email": "ada@example.com", "password": "password123", "callbackURL": "/dashboard"}), None)
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.json["redirect"], true);
    assert_eq!(res.json["url"], "/dashboard");
}

/// upstream: packages/better-auth/src/api/routes/session-api.test.ts › session › should handle 'don't remember me' option
#[tokio::test]
async fn sign_in_without_remember_me_sets_a_browser_session_cookie() {
    let h = Harness::new();
    h.sign_up("ada@example.com").await;
    let res = h
        .post(
            "/sign-in/email",
            json!({"email": "ada@example.com", "password": "password123", "rememberMe": false}),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let token_cookie = res
        .cookies
        .iter()
        .find(|c| c.starts_with("better-auth.session_token="))
        .unwrap();
    assert!(!token_cookie.contains("Max-Age"), "{token_cookie}");
    assert!(
        res.cookies
            .iter()
            .any(|c| c.starts_with("better-auth.dont_remember="))
    );
    let both = res
        .cookies
        .iter()
        .map(|c| c.split(';').next().unwrap())
        .collect::<Vec<_>>()
        .join("; ");
    let session = h.get("/get-session", Some(&both)).await;
    assert_eq!(
        session.json["session"]["expiresAt"],
        "2026-01-02T00:00:00.000Z"
    );
    // Even when the refresh would be due, a not-remembered session keeps its one-day lifetime.
    h.clock.advance(time::Duration::hours(20));
    let session = h.get("/get-session", Some(&both)).await;
    assert_eq!(
        session.json["session"]["expiresAt"],
        "2026-01-02T00:00:00.000Z"
    );
    assert!(session.cookies.is_empty());
}

#[tokio::test]
async fn wrong_password_and_unknown_user_look_the_same() {
    let h = Harness::new();
    h.sign_up("ada@example.com").await;
    let wrong = h
        .post(
            "/sign-in/email",
            json!({"email": "ada@example.com", "password": "nope-nope"}),
            None,
        )
        .await;
    let unknown = h
        .post(
            "/sign-in/email",
            json!({"email": "who@example.com", "password": "password123"}),
            None,
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.json, unknown.json);
    insta::assert_json_snapshot!("sign_in__invalid", wrong.json);
    assert!(wrong.cookies.is_empty());
}

/// A user migrated from upstream Better Auth keeps their password: the scrypt hash upstream stored
/// verifies, and the first sign-in replaces it with an argon2id hash.
#[tokio::test]
async fn upstream_scrypt_hashes_verify_and_are_upgraded() {
    use bulwark_core::Row;
    use bulwark_core::models::{Account, Model, User};

    // Produced by better-auth 1.6.30's `hashPassword("correct horse battery staple")`.
    const UPSTREAM_HASH: &str = "eb98e1cf7578c8a4cc510564aeaeb821:219f3cfb8b381c368c507711b64115160bc2d6df3086b33a80585f8c9ba4c281b58c831766f118e0b3abd2d0219d35e222c26225eb023b7daee6e98d66c52c96";
    let h = Harness::new();
    let now = h.auth.env().clock.now();
    let store = h.auth.store();
    let user = User::from_row(
        Row::new()
            .with("id", "migrated")
            .with("name", "Migrated")
            .with("email", "old@example.com")
            .with("emailVerified", true)
            .with("image", bulwark_core::Value::Null)
            .with("createdAt", now)
            .with("updatedAt", now),
    )
    .unwrap();
    store.create(user).await.unwrap().unwrap();
    let account = Account::from_row(
        Row::new()
            .with("id", "acc")
            .with("accountId", "migrated")
            .with("providerId", "credential")
            .with("userId", "migrated")
            .with("password", UPSTREAM_HASH)
            .with("createdAt", now)
            .with("updatedAt", now),
    )
    .unwrap();
    store.create(account).await.unwrap().unwrap();

    let wrong = h
        .post(
            "/sign-in/email",
            json!({"email": "old@example.com", "password": "wrong horse"}),
            None,
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let res = h
        .post(
            "/sign-in/email",
            json!({"email": "old@example.com", "password": "correct horse battery staple"}),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    let stored = store
        .find_one::<Account>(&bulwark_core::Where::eq("id", "acc"))
        .await
        .unwrap()
        .unwrap();
    assert!(
        stored
            .password
            .as_deref()
            .unwrap()
            .starts_with("$argon2id$"),
        "the hash was upgraded"
    );
    let again = h
        .post(
            "/sign-in/email",
            json!({"email": "old@example.com", "password": "correct horse battery staple"}),
            None,
        )
        .await;
    assert_eq!(again.status, StatusCode::OK);
}
