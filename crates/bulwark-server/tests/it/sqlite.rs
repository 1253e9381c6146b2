//! The server on `SQLite` files: the full flow, and the development secret kept across restarts.

use serde_json::json;

use crate::flow;
use crate::harness::{Req, Server, TempDir};

#[tokio::test]
async fn sign_up_sign_in_sign_out() {
    let dir = TempDir::new();
    let url = dir.sqlite_url("auth.db");
    flow::sign_up_sign_in_sign_out(&url).await;
    assert!(dir.path().join("auth.db").is_file());
}

#[tokio::test]
async fn development_secret_is_generated_once_and_reused() {
    let cwd = TempDir::new();
    // No secret and the default database URL: both files land in the working directory.
    let server = Server::start(cwd.path(), &["--port", "0"]).await;
    assert!(
        cwd.path().join("bulwark.db").is_file(),
        "the default database file is created"
    );
    let secret_file = cwd.path().join(".bulwark-secret");
    let secret = std::fs::read_to_string(&secret_file).unwrap();
    assert_eq!(secret.len(), 64);
    assert!(secret.chars().all(|c| c.is_ascii_alphanumeric()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&secret_file)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    let body = json!({ "name": "Grace", "email": "grace@example.com", "password": "hopper1906!" })
        .to_string();
    let signed_up = server
        .send(Req::post("/api/auth/sign-up/email", &body))
        .await;
    assert_eq!(signed_up.status, 200, "{}", signed_up.body);
    let cookie = signed_up
        .cookie("better-auth.session_token")
        .expect("a session cookie");
    assert!(server.terminate().await);

    // A restart reuses the secret and the database, so the signed cookie still opens the session.
    let restarted = Server::start(cwd.path(), &["--port", "0"]).await;
    assert_eq!(std::fs::read_to_string(&secret_file).unwrap(), secret);
    let session = restarted
        .send(Req::get("/api/auth/get-session").headers(&[("Cookie", &cookie)]))
        .await;
    assert_eq!(session.status, 200, "{}", session.body);
    assert_eq!(session.json()["user"]["email"], "grace@example.com");
}

#[tokio::test]
async fn unknown_paths_and_oversized_bodies_get_clean_answers() {
    let dir = TempDir::new();
    let url = dir.sqlite_url("auth.db");
    let server = Server::start(
        dir.path(),
        &[
            "--port",
            "0",
            "--database-url",
            &url,
            "--secret",
            crate::harness::SECRET,
        ],
    )
    .await;
    let missing = server.send(Req::get("/api/auth/nope")).await;
    assert_eq!(missing.status, 404);
    let outside = server.send(Req::get("/")).await;
    assert_eq!(outside.status, 404);
    // A declared length over the 1 MiB limit is refused before any of the body is sent.
    let head = "POST /api/auth/sign-up/email HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\
                Content-Type: application/json\r\nContent-Length: 2097152\r\n\r\n";
    let too_large = server.send_raw(head.as_bytes()).await;
    assert_eq!(too_large.status, 413);
    assert_eq!(too_large.json(), json!({ "message": "Payload Too Large" }));
}
