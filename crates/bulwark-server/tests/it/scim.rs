//! SCIM in the server: `scim create-token` on a `SQLite` file (the printed token verifies against the
//! row it wrote, a second run replaces it, bad input fails before anything is written), the SCIM line
//! `serve` prints, and `--disable-scim`.

use std::process::{Output, Stdio};
use std::sync::Arc;
use std::time::Duration;

use bulwark_core::{Adapter, Auth, Where};
use bulwark_organization::models::Organization;
use bulwark_organization::{OrganizationOptions, organization};
use bulwark_scim::credentials::provider_token;
use bulwark_scim::models::ScimProvider;
use bulwark_scim::{Principal, ScimOptions, scim};
use bulwark_sql::SqlAdapter;
use tokio::io::AsyncBufReadExt as _;

use crate::harness::{Req, SECRET, Server, TempDir, command, run};

/// Runs `scim create-token` with `args` on the database at `url`.
async fn create_token(dir: &TempDir, url: &str, args: &[&str]) -> Output {
    let mut argv = vec![
        "scim",
        "create-token",
        "--database-url",
        url,
        "--secret",
        SECRET,
    ];
    argv.extend_from_slice(args);
    run(dir.path(), &argv).await
}

/// The token a successful run printed as its last line, after the SCIM base URL.
fn printed_token(output: &Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let stdout = String::from_utf8(output.stdout.clone()).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert_eq!(lines[0], "SCIM: http://127.0.0.1:3000/api/auth/scim/v2");
    let token = lines[1].to_owned();
    assert!(!stderr.contains(&token), "the token was logged: {stderr}");
    let secret = provider_token::decode(&token)
        .expect("a provider token")
        .secret;
    assert!(!stderr.contains(&secret), "the secret was logged: {stderr}");
    token
}

/// An auth over the database at `url` with the server's plugins.
async fn open(url: &str) -> (Auth, SqlAdapter) {
    let adapter = SqlAdapter::connect(url).await.unwrap();
    let auth = Auth::builder()
        .database(Arc::new(adapter.clone()) as Arc<dyn Adapter>)
        .secret(SECRET)
        .base_url("http://127.0.0.1:3000")
        .plugin(organization(OrganizationOptions::default()))
        .plugin(scim(ScimOptions::default()))
        .build()
        .unwrap();
    (auth, adapter)
}

/// What a `/scim/v2` request with `token` would authenticate as.
async fn verify(auth: &Auth, token: &str) -> Result<Option<Principal>, bulwark_scim::ScimError> {
    provider_token::verify(auth, &ScimOptions::default(), token).await
}

async fn rows(auth: &Auth) -> Vec<ScimProvider> {
    auth.store()
        .find_many(&Where::all(), &[], None, None)
        .await
        .unwrap()
}

#[tokio::test]
async fn create_token_prints_a_token_that_verifies() {
    let dir = TempDir::new();
    let url = dir.sqlite_url("scim.db");
    let output = create_token(&dir, &url, &["--provider-id", "okta"]).await;
    let token = printed_token(&output);

    let (auth, adapter) = open(&url).await;
    let principal = verify(&auth, &token)
        .await
        .unwrap()
        .expect("a provider token");
    assert_eq!(principal.connection_id, "okta");
    assert_eq!(principal.organization_id, None);
    let stored = rows(&auth).await;
    assert_eq!(stored.len(), 1);
    let secret = provider_token::decode(&token).unwrap().secret;
    // Stored as `generate-token` stores it by default: hashed, without an owner.
    assert_eq!(stored[0].scim_token, provider_token::hash(&secret));
    assert_eq!(stored[0].scim_token.len(), 43);
    assert_eq!(stored[0].user_id, None);
    adapter.close().await;

    // A second run replaces the row: the first token stops working.
    let output = create_token(&dir, &url, &["--provider-id", "okta"]).await;
    let second = printed_token(&output);
    assert_ne!(second, token);
    let (auth, adapter) = open(&url).await;
    let err = verify(&auth, &token).await.unwrap_err();
    assert_eq!(err.status, 401);
    assert!(verify(&auth, &second).await.unwrap().is_some());
    assert_eq!(rows(&auth).await.len(), 1);
    adapter.close().await;
}

#[tokio::test]
async fn create_token_scopes_tokens_to_an_existing_organization() {
    let dir = TempDir::new();
    let url = dir.sqlite_url("org.db");
    let migrated = run(
        dir.path(),
        &["migrate", "--database-url", &url, "--secret", SECRET],
    )
    .await;
    assert!(migrated.status.success());
    let (auth, adapter) = open(&url).await;
    let organization = Organization {
        name: "Acme".to_owned(),
        slug: "acme".to_owned(),
        logo: None,
        created_at: auth.env().clock.now(),
        metadata: None,
        id: "org-acme".to_owned(),
        extra: bulwark_core::Row::new(),
    };
    auth.store().create(organization).await.unwrap().unwrap();
    adapter.close().await;

    let unknown = create_token(
        &dir,
        &url,
        &["--provider-id", "okta", "--organization-id", "org-missing"],
    )
    .await;
    assert!(!unknown.status.success());
    assert!(unknown.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        stderr.contains("organization org-missing not found"),
        "{stderr}"
    );

    let output = create_token(
        &dir,
        &url,
        &["--provider-id", "okta", "--organization-id", "org-acme"],
    )
    .await;
    let token = printed_token(&output);
    let (auth, adapter) = open(&url).await;
    let principal = verify(&auth, &token)
        .await
        .unwrap()
        .expect("a provider token");
    assert_eq!(principal.organization_id.as_deref(), Some("org-acme"));
    let stored = rows(&auth).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].organization_id.as_deref(), Some("org-acme"));
    adapter.close().await;
}

#[tokio::test]
async fn create_token_refuses_bad_provider_ids_before_writing() {
    let dir = TempDir::new();
    let url = dir.sqlite_url("bad.db");
    for (provider_id, message) in [
        ("a:b", "Provider id contains forbidden characters"),
        (
            "credential",
            "Provider id collides with another account provider and cannot be used for SCIM",
        ),
        ("", "--provider-id must not be empty"),
    ] {
        let output = create_token(&dir, &url, &["--provider-id", provider_id]).await;
        assert!(!output.status.success());
        assert!(output.stdout.is_empty());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(message), "{provider_id}: {stderr}");
    }
    assert!(!dir.path().join("bad.db").exists());
}

#[tokio::test]
async fn disable_scim_leaves_scim_out() {
    let dir = TempDir::new();
    let url = dir.sqlite_url("off.db");
    let output = create_token(&dir, &url, &["--provider-id", "okta", "--disable-scim"]).await;
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    assert!(String::from_utf8_lossy(&output.stderr).contains("SCIM is disabled"));

    let on = run(dir.path(), &["generate", "--dialect", "sqlite"]).await;
    assert!(
        String::from_utf8(on.stdout)
            .unwrap()
            .contains("\"scimProvider\"")
    );
    let off = run(
        dir.path(),
        &["generate", "--dialect", "sqlite", "--disable-scim"],
    )
    .await;
    assert!(off.status.success());
    assert!(!String::from_utf8(off.stdout).unwrap().contains("scim"));
}

#[tokio::test]
async fn serve_announces_scim_and_accepts_command_tokens() {
    let dir = TempDir::new();
    let url = dir.sqlite_url("serve.db");
    let token = printed_token(&create_token(&dir, &url, &["--provider-id", "okta"]).await);

    let mut child = command(
        dir.path(),
        &["--port", "0", "--database-url", &url, "--secret", SECRET],
    )
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::inherit())
    .spawn()
    .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let (listening, scim_line) = tokio::time::timeout(Duration::from_mins(2), async {
        let listening = lines.next_line().await.unwrap().unwrap();
        let scim_line = lines.next_line().await.unwrap().unwrap();
        (listening, scim_line)
    })
    .await
    .expect("the server announced itself in time");
    let origin = listening.strip_prefix("listening on ").unwrap();
    assert_eq!(scim_line, format!("SCIM: {origin}/api/auth/scim/v2"));
    child.kill().await.unwrap();

    // The command's token works against the server.
    let server = Server::start(
        dir.path(),
        &["--port", "0", "--database-url", &url, "--secret", SECRET],
    )
    .await;
    let bearer = format!("Bearer {token}");
    let res = server
        .send(Req::get("/api/auth/scim/v2/Users").headers(&[("Authorization", &bearer)]))
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.json()["totalResults"], 0);
    let res = server
        .send(Req::get("/api/auth/scim/v2/Users").headers(&[("Authorization", "Bearer nope")]))
        .await;
    assert_eq!(res.status, 401, "{}", res.body);
    assert!(server.terminate().await);
}
