//! Sessions: get, list, refresh, expiry, revocation, sign-out, and the user endpoints that need one.

use http::StatusCode;
use serde_json::json;
use time::Duration;

use crate::{Harness, SECRET};

/// upstream: packages/better-auth/src/api/routes/session-api.test.ts › session › should return null when not authenticated
#[tokio::test]
async fn get_session_without_cookie_is_null() {
    let h = Harness::new();
    let res = h.get("/get-session", None).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.raw.as_ref(), b"null");
}

#[tokio::test]
async fn forged_or_unknown_cookie_gives_no_session() {
    let h = Harness::new();
    let cookie = h.sign_up("ada@example.com").await;
    let value = cookie.trim_start_matches("better-auth.session_token=");
    let (token, _signature) = value.split_once('.').unwrap();
    // A valid token with a signature made with another secret.
    let forged =
        bulwark_core::crypto::sign_cookie_value(token, "another-secret-that-is-long-enough-123");
    let res = h
        .get(
            "/get-session",
            Some(&format!("better-auth.session_token={forged}")),
        )
        .await;
    assert_eq!(res.raw.as_ref(), b"null");
    // A correctly signed token that names no session.
    let unknown = bulwark_core::crypto::sign_cookie_value("no-such-token", SECRET);
    let res = h
        .get(
            "/get-session",
            Some(&format!("better-auth.session_token={unknown}")),
        )
        .await;
    assert_eq!(res.raw.as_ref(), b"null");
    // Garbage.
    let res = h
        .get("/get-session", Some("better-auth.session_token=%%%"))
        .await;
    assert_eq!(res.raw.as_ref(), b"null");
}

#[tokio::test]
async fn get_session_returns_session_and_user() {
    let h = Harness::new();
    let cookie = h.sign_up("ada@example.com").await;
    let res = h.get("/get-session", Some(&cookie)).await;
    assert_eq!(res.status, StatusCode::OK);
    insta::assert_json_snapshot!("get_session__ok", res.json);
    assert!(res.cookies.is_empty(), "a fresh session is not refreshed");
}

/// upstream: packages/better-auth/src/api/routes/session-api.test.ts › session › should update session when update age is reached
#[tokio::test]
async fn session_refreshes_after_update_age_and_expires_after_expires_in() {
    let h = Harness::new();
    let cookie = h.sign_up("ada@example.com").await;
    h.clock.advance(Duration::hours(23));
    let res = h.get("/get-session", Some(&cookie)).await;
    assert_eq!(res.json["session"]["expiresAt"], "2026-01-08T00:00:00.000Z");
    assert!(res.cookies.is_empty());
    h.clock.advance(Duration::hours(2));
    let res = h.get("/get-session", Some(&cookie)).await;
    assert_eq!(res.json["session"]["expiresAt"], "2026-01-09T01:00:00.000Z");
    assert!(
        res.session_cookie().is_some(),
        "a refreshed session sets its cookie again"
    );
    h.clock.advance(Duration::days(9));
    let res = h.get("/get-session", Some(&cookie)).await;
    assert_eq!(res.raw.as_ref(), b"null");
    assert!(
        res.cookies
            .iter()
            .any(|c| c.starts_with("better-auth.session_token=;") && c.contains("Max-Age=0"))
    );
}

/// upstream: packages/better-auth/src/api/routes/session-api.test.ts › session › should list sessions
#[tokio::test]
async fn list_sessions_shows_every_live_session_of_the_user_only() {
    let h = Harness::new();
    let first = h.sign_up("ada@example.com").await;
    let second = h
        .post(
            "/sign-in/email",
            json!({"email": "ada@example.com", "password": "password123"}),
            None,
        )
        .await;
    h.sign_up("bob@example.com").await;
    let res = h.get("/list-sessions", Some(&first)).await;
    assert_eq!(res.status, StatusCode::OK);
    let sessions = res.json.as_array().unwrap();
    assert_eq!(sessions.len(), 2);
    assert!(sessions.iter().any(|s| s["token"] == second.json["token"]));
    let anonymous = h.get("/list-sessions", None).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    insta::assert_json_snapshot!("list_sessions__unauthorized", anonymous.json);
}

#[tokio::test]
async fn revoke_session_ignores_other_users_tokens() {
    let h = Harness::new();
    let ada = h.sign_up("ada@example.com").await;
    let bob = h
        .post(
            "/sign-up/email",
            json!({"name": "Bob", "email": "bob@example.com", "password": "password123"}),
            None,
        )
        .await;
    let bob_token = bob.json["token"].as_str().unwrap().to_owned();
    let res = h
        .post("/revoke-session", json!({"token": bob_token}), Some(&ada))
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.json, json!({"status": true}));
    let bob_session = h
        .get("/get-session", Some(&bob.session_cookie().unwrap()))
        .await;
    assert_eq!(
        bob_session.json["user"]["email"], "bob@example.com",
        "bob's session survives"
    );
    let ada_token = h.get("/get-session", Some(&ada)).await.json["session"]["token"].clone();
    let res = h
        .post("/revoke-session", json!({"token": ada_token}), Some(&ada))
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(
        h.get("/get-session", Some(&ada)).await.raw.as_ref(),
        b"null"
    );
}

#[tokio::test]
async fn revoke_other_sessions_keeps_the_current_one() {
    let h = Harness::new();
    let first = h.sign_up("ada@example.com").await;
    let second = h
        .post(
            "/sign-in/email",
            json!({"email": "ada@example.com", "password": "password123"}),
            None,
        )
        .await;
    let second = second.session_cookie().unwrap();
    let res = h
        .post("/revoke-other-sessions", json!({}), Some(&first))
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(
        h.get("/get-session", Some(&second)).await.raw.as_ref(),
        b"null"
    );
    assert_eq!(
        h.get("/get-session", Some(&first)).await.json["user"]["email"],
        "ada@example.com"
    );
    let res = h.post("/revoke-sessions", json!({}), Some(&first)).await;
    assert_eq!(res.json, json!({"status": true}));
    assert_eq!(
        h.get("/get-session", Some(&first)).await.raw.as_ref(),
        b"null"
    );
}

/// upstream: packages/better-auth/src/api/routes/session-api.test.ts › session › should clear session on sign out
#[tokio::test]
async fn sign_out_deletes_the_session_and_clears_cookies() {
    let h = Harness::new();
    let cookie = h.sign_up("ada@example.com").await;
    let res = h.post("/sign-out", json!({}), Some(&cookie)).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.json, json!({"success": true}));
    assert!(
        res.cookies
            .iter()
            .any(|c| c.starts_with("better-auth.session_token=;") && c.contains("Max-Age=0"))
    );
    assert_eq!(
        h.get("/get-session", Some(&cookie)).await.raw.as_ref(),
        b"null"
    );
    // Signing out without a session still succeeds.
    let res = h.post("/sign-out", json!({}), None).await;
    assert_eq!(res.status, StatusCode::OK);
}

/// upstream: packages/better-auth/src/api/routes/update-user.test.ts › updateUser › should update the user's name
#[tokio::test]
async fn update_user_changes_name_but_not_email() {
    let h = Harness::new();
    let cookie = h.sign_up("ada@example.com").await;
    let res = h
        .post("/update-user", json!({"name": "Ada L."}), Some(&cookie))
        .await;
    assert_eq!(res.json, json!({"status": true}));
    assert_eq!(
        h.get("/get-session", Some(&cookie)).await.json["user"]["name"],
        "Ada L."
    );
    let res = h
        .post(
            "/update-user",
            json!({"email": "new@example.com"}),
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(res.json["code"], "EMAIL_CAN_NOT_BE_UPDATED");
    let res = h.post("/update-user", json!({}), Some(&cookie)).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(res.json["message"], "No fields to update");
    assert_eq!(
        h.get("/get-session", Some(&cookie)).await.json["user"]["email"],
        "ada@example.com"
    );
}

/// upstream: packages/better-auth/src/api/routes/update-user.test.ts › updateUser › should update the user's password
/// upstream: packages/better-auth/src/api/routes/update-user.test.ts › updateUser › should not update password if current password is wrong
/// upstream: packages/better-auth/src/api/routes/update-user.test.ts › updateUser › should revoke other sessions
#[tokio::test]
async fn change_password_checks_the_current_one() {
    let h = Harness::new();
    let cookie = h.sign_up("ada@example.com").await;
    let res = h
        .post(
            "/change-password",
            json!({"currentPassword": "wrong-password", "newPassword": "new-password-1"}),
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(res.json["code"], "INVALID_PASSWORD");
    let res = h
        .post(
            "/change-password",
            json!({"currentPassword": "password123", "newPassword": "short"}),
            Some(&cookie),
        )
        .await;
    assert_eq!(res.json["code"], "PASSWORD_TOO_SHORT");
    let res = h
        .post(
            "/change-password",
            json!({"currentPassword": "password123", "newPassword": "new-password-1", "revokeOtherSessions": true}),
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.json["token"].is_string());
    assert_eq!(
        h.get("/get-session", Some(&cookie)).await.raw.as_ref(),
        b"null",
        "old session revoked"
    );
    let old = h
        .post(
            "/sign-in/email",
            json!({"email": "ada@example.com", "password": "password123"}),
            None,
        )
        .await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    let new = h
        .post(
            "/sign-in/email",
            json!({"email": "ada@example.com", "password": "new-password-1"}),
            None,
        )
        .await;
    assert_eq!(new.status, StatusCode::OK);
}

/// upstream: packages/better-auth/src/api/routes/update-user.test.ts › delete user › should require password when session is no longer fresh
#[tokio::test]
async fn delete_user_requires_the_password_or_a_fresh_session() {
    let h = Harness::new();
    let cookie = h.sign_up("ada@example.com").await;
    let res = h
        .post(
            "/delete-user",
            json!({"password": "wrong-password"}),
            Some(&cookie),
        )
        .await;
    assert_eq!(res.json["code"], "INVALID_PASSWORD");
    h.clock.advance(Duration::hours(25));
    let stale = h.get("/get-session", Some(&cookie)).await;
    assert!(stale.json["user"].is_object());
    let res = h.post("/delete-user", json!({}), Some(&cookie)).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(res.json["code"], "SESSION_EXPIRED");
    let res = h
        .post(
            "/delete-user",
            json!({"password": "password123"}),
            Some(&cookie),
        )
        .await;
    assert_eq!(
        res.json,
        json!({"success": true, "message": "User deleted"})
    );
    let again = h
        .post(
            "/sign-in/email",
            json!({"email": "ada@example.com", "password": "password123"}),
            None,
        )
        .await;
    assert_eq!(again.status, StatusCode::UNAUTHORIZED);
}

/// upstream: packages/better-auth/src/api/routes/update-user.test.ts › delete user › should not delete user if deleteUser is disabled
#[tokio::test]
async fn delete_user_is_off_by_default() {
    let h = Harness::with(|b| b.user(bulwark_core::options::UserOptions::default()));
    let cookie = h.sign_up("ada@example.com").await;
    let res = h
        .post(
            "/delete-user",
            json!({"password": "password123"}),
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(
        h.get("/get-session", Some(&cookie)).await.json["user"]["email"],
        "ada@example.com"
    );
}
