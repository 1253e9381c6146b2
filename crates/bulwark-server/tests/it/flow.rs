//! The sign-up → session → sign-in → list → sign-out flow every backend must pass over real HTTP.

use serde_json::json;

use crate::harness::{Req, SECRET, Server, TempDir};

/// The session cookie's name (no `__Secure-` prefix over plain HTTP).
const SESSION_COOKIE: &str = "better-auth.session_token";

/// Starts the binary on an ephemeral port against `database_url` and runs the whole flow.
/// upstream: auth-flow.ts › auth-flow › should successfully sign up
/// upstream: auth-flow.ts › auth-flow › should successfully sign in
/// upstream: auth-flow.ts › auth-flow › should successfully get session
pub(crate) async fn sign_up_sign_in_sign_out(database_url: &str) {
    let cwd = TempDir::new();
    let server = Server::start(
        cwd.path(),
        &[
            "serve",
            "--port",
            "0",
            "--database-url",
            database_url,
            "--secret",
            SECRET,
        ],
    )
    .await;
    let origin = server.origin();
    let email = "ada@example.com";
    let password = "correct horse battery staple";

    let sign_up_body =
        json!({ "name": "Ada Lovelace", "email": email, "password": password }).to_string();
    let signed_up = server
        .send(Req::post("/api/auth/sign-up/email", &sign_up_body).headers(&[("Origin", &origin)]))
        .await;
    assert_eq!(signed_up.status, 200, "{}", signed_up.body);
    assert_eq!(signed_up.json()["user"]["email"], email);
    let first = signed_up.cookie(SESSION_COOKIE).expect("a session cookie");

    let session = server
        .send(Req::get("/api/auth/get-session").headers(&[("Cookie", &first)]))
        .await;
    assert_eq!(session.status, 200, "{}", session.body);
    let session = session.json();
    assert_eq!(session["user"]["email"], email);
    assert_eq!(session["user"]["name"], "Ada Lovelace");

    let sign_in_body = json!({ "email": email, "password": password }).to_string();
    let signed_in = server
        .send(Req::post("/api/auth/sign-in/email", &sign_in_body).headers(&[("Origin", &origin)]))
        .await;
    assert_eq!(signed_in.status, 200, "{}", signed_in.body);
    assert_eq!(signed_in.json()["user"]["email"], email);
    let second = signed_in.cookie(SESSION_COOKIE).expect("a session cookie");
    assert_ne!(first, second);

    let listed = server
        .send(Req::get("/api/auth/list-sessions").headers(&[("Cookie", &second)]))
        .await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    let sessions = listed.json();
    let sessions = sessions.as_array().expect("a list of sessions");
    assert_eq!(sessions.len(), 2, "{sessions:?}");
    let user_id = &session["user"]["id"];
    assert!(
        sessions.iter().all(|s| &s["userId"] == user_id),
        "{sessions:?}"
    );

    // The organization plugin is on by default: the signed-in user can create one.
    let org_body = json!({ "name": "Acme", "slug": "acme" }).to_string();
    let created = server
        .send(
            Req::post("/api/auth/organization/create", &org_body)
                .headers(&[("Origin", &origin), ("Cookie", &second)]),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    assert_eq!(created.json()["slug"], "acme");

    let signed_out = server
        .send(
            Req::post("/api/auth/sign-out", "{}")
                .headers(&[("Origin", &origin), ("Cookie", &second)]),
        )
        .await;
    assert_eq!(signed_out.status, 200, "{}", signed_out.body);
    assert_eq!(signed_out.json(), json!({ "success": true }));
    let cleared = signed_out
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with(&format!("{SESSION_COOKIE}=")))
        .expect("the session cookie is cleared");
    assert!(
        cleared.starts_with(&format!("{SESSION_COOKIE}=;")) && cleared.contains("Max-Age=0"),
        "{cleared}"
    );

    let after = server
        .send(Req::get("/api/auth/get-session").headers(&[("Cookie", &second)]))
        .await;
    assert_eq!(after.status, 200, "{}", after.body);
    assert_eq!(after.body, "null");
    // The first session is still alive.
    let still = server
        .send(Req::get("/api/auth/get-session").headers(&[("Cookie", &first)]))
        .await;
    assert_eq!(still.json()["user"]["email"], email);

    assert!(server.terminate().await, "SIGTERM stops the server cleanly");
}
