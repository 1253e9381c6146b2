//! Set-ups shared by the ports of upstream's organization tests (`ported_*`): harnesses whose users start
//! with a verified email, sign-ups with any address, and rows written straight through the adapter.

use std::sync::Arc;

use bulwark_core::AuthBuilder;
use bulwark_core::adapter::memory::MemoryAdapter;
use bulwark_core::adapter::{Create, Find, Row, Where};
use bulwark_core::hooks::{self, Before};
use bulwark_core::models::User;
use bulwark_organization::OrganizationOptions;
use http::StatusCode;
use serde_json::json;

use crate::Harness;
use crate::harness::Response;

/// Marks every new user's email as verified, as upstream's suites do with a
/// `databaseHooks.user.create.before` hook.
pub(crate) fn verify_new_users(builder: AuthBuilder) -> AuthBuilder {
    builder.database_hook_before::<hooks::Create<User>>(Arc::new(|_ctx, mut user: User| {
        user.email_verified = true;
        Box::pin(async move { Ok(Before::Continue(user)) })
    }))
}

/// A memory harness with `options` whose users sign up with a verified email.
pub(crate) fn verified(options: OrganizationOptions) -> Harness {
    Harness::build(options, Arc::new(MemoryAdapter::new()), verify_new_users)
}

/// Signs up `email` (as given) and returns the user id and session cookie.
pub(crate) async fn sign_up(h: &Harness, email: &str, name: &str) -> (String, String) {
    let res = h
        .post(
            "/sign-up/email",
            json!({"name": name, "email": email, "password": "password123"}),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    (
        res.json["user"]["id"].as_str().unwrap().to_owned(),
        session_cookie(&res),
    )
}

/// Signs `email` in (password `password123`) and returns a new session cookie.
pub(crate) async fn sign_in(h: &Harness, email: &str) -> String {
    let res = h
        .post(
            "/sign-in/email",
            json!({"email": email, "password": "password123"}),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    session_cookie(&res)
}

fn session_cookie(res: &Response) -> String {
    res.cookies
        .iter()
        .filter_map(|c| c.split(';').next())
        .find(|p| p.starts_with("better-auth.session_token=") && !p.ends_with('='))
        .expect("session cookie")
        .to_owned()
}

/// Writes `row` into `model` through the adapter, past the store and its hooks (upstream's `db.create`).
pub(crate) async fn insert_row(h: &Harness, model: &str, row: Row) {
    h.auth
        .adapter()
        .create(Create {
            schema: h.auth.schema(),
            model,
            data: row,
        })
        .await
        .unwrap();
}

/// Deletes the rows of `model` matching `filter` through the adapter (upstream's `db.delete`).
pub(crate) async fn delete_rows(h: &Harness, model: &str, filter: &Where) {
    h.auth
        .adapter()
        .delete_many(Find {
            schema: h.auth.schema(),
            model,
            filter,
        })
        .await
        .unwrap();
}

/// The token of the session behind `cookie`.
pub(crate) async fn session_token(h: &Harness, cookie: &str) -> String {
    let res = h.get("/get-session", Some(cookie)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    res.json["session"]["token"].as_str().unwrap().to_owned()
}
