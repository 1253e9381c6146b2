//! Upstream v1.7.1's `scim-dynamic-authentication.test.ts`: connections the application resolves from
//! its own bearer credentials through [`ScimOptions::verify_bearer_token`].
//!
//! Upstream keeps the application's credentials in a table its verifier reads through a database handle;
//! here the verifier closes over an in-memory credential store, which is what a Bulwark application's
//! verifier does with its own storage.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use bulwark_core::models::{Account, User};
use bulwark_core::{ApiError, Auth, Where};
use bulwark_scim::ScimOptions;
use bulwark_scim::credentials::{Scopes, VerifiedBearer};
use bulwark_scim::models::ScimUser;
use bulwark_scim::options::{BearerRequest, StaticConnection};
use http::{Method, StatusCode, header};
use serde_json::{Value, json};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};
use tokio::sync::Notify;

use crate::harness::{Response, auth_with, scim_call};

const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const PATCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
/// The harness clock's time.
const NOW: OffsetDateTime = datetime!(2026-01-01 00:00:00 UTC);

/// A credential of the application's own store (upstream's `testSCIMCredential` row).
#[derive(Clone, Debug)]
struct Credential {
    connection_id: String,
    provisioning_domain_id: String,
    /// The credential's id (never its token).
    id: String,
    scopes: Scopes,
    revoked: bool,
    expires_at: Option<OffsetDateTime>,
    last_authenticated_at: Option<OffsetDateTime>,
}

/// The application's credentials, by token.
type Store = Arc<Mutex<HashMap<String, Credential>>>;

/// Holds a request after its credential was accepted until the test lets it go on (upstream's
/// `afterCredentialAccepted`).
#[derive(Default)]
struct Gate {
    accepted: Notify,
    release: Notify,
}

/// The application: its credential store, answers that replace the store's for some tokens, and the
/// optional gate.
#[derive(Default)]
struct App {
    store: Store,
    overrides: HashMap<&'static str, Result<VerifiedBearer, ApiError>>,
    gate: Option<Arc<Gate>>,
}

impl App {
    /// Adds a credential for `token` with all four scopes (upstream's `addCredential`).
    fn add(&self, token: &str, connection_id: &str, provisioning_domain_id: &str) {
        self.add_with(
            token,
            connection_id,
            provisioning_domain_id,
            Scopes::all(),
            None,
        );
    }

    fn add_with(
        &self,
        token: &str,
        connection_id: &str,
        provisioning_domain_id: &str,
        scopes: Scopes,
        expires_at: Option<OffsetDateTime>,
    ) {
        self.store.lock().unwrap().insert(
            token.to_owned(),
            Credential {
                connection_id: connection_id.to_owned(),
                provisioning_domain_id: provisioning_domain_id.to_owned(),
                id: format!("{connection_id}-credential"),
                scopes,
                revoked: false,
                expires_at,
                last_authenticated_at: None,
            },
        );
    }

    /// The scim plugin with `connections` and this application's verifier, on the harness.
    fn auth(self, connections: Vec<StaticConnection>) -> Auth {
        let App {
            store,
            overrides,
            gate,
        } = self;
        let overrides = Arc::new(overrides);
        let mut options =
            ScimOptions::default().verify_bearer_token(Arc::new(move |req: BearerRequest| {
                let store = Arc::clone(&store);
                let overrides = Arc::clone(&overrides);
                let gate = gate.clone();
                Box::pin(async move {
                    if let Some(answer) = overrides.get(req.token.as_str()) {
                        return answer.clone().map(Some);
                    }
                    let Some(credential) = store.lock().unwrap().get(&req.token).cloned() else {
                        return Ok(None);
                    };
                    if credential.revoked || credential.expires_at.is_some_and(|at| at <= NOW) {
                        return Ok(None);
                    }
                    if let Some(gate) = gate {
                        gate.accepted.notify_one();
                        gate.release.notified().await;
                    }
                    if let Some(stored) = store.lock().unwrap().get_mut(&req.token) {
                        stored.last_authenticated_at = Some(NOW);
                    }
                    Ok(Some(VerifiedBearer {
                        connection_id: credential.connection_id,
                        provisioning_domain_id: Some(credential.provisioning_domain_id),
                        organization_id: None,
                        credential_id: credential.id,
                        scopes: credential.scopes,
                        expires_at: credential.expires_at,
                    }))
                })
            }));
        for connection in connections {
            options = options.connection(connection);
        }
        auth_with(options)
    }
}

/// A valid dynamic answer for `connection_id` in `workspace` with `users.read` (upstream's
/// `validFields`).
fn dynamic(connection_id: &str) -> VerifiedBearer {
    VerifiedBearer {
        connection_id: connection_id.to_owned(),
        provisioning_domain_id: Some("workspace".to_owned()),
        organization_id: None,
        credential_id: "dynamic-credential".to_owned(),
        scopes: Scopes::parse(["scim.users.read"]).unwrap(),
        expires_at: None,
    }
}

async fn call(
    auth: &Auth,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> Response {
    scim_call(auth, method, path, token, body.as_ref()).await
}

async fn create_user(auth: &Auth, token: &str, user: Value) -> Response {
    let mut body = json!({"schemas": [USER_SCHEMA]});
    body.as_object_mut()
        .unwrap()
        .extend(user.as_object().unwrap().clone());
    call(auth, Method::POST, "/Users", token, Some(body)).await
}

async fn list_users(auth: &Auth, token: &str) -> Response {
    call(auth, Method::GET, "/Users", token, None).await
}

/// Asserts a challenged 401 SCIM error.
fn assert_challenged(res: &Response, context: &str) {
    assert_eq!(
        res.status,
        StatusCode::UNAUTHORIZED,
        "{context}: {}",
        res.json
    );
    assert_eq!(
        res.headers
            .get(header::WWW_AUTHENTICATE)
            .and_then(|v| v.to_str().ok()),
        Some(r#"Bearer realm="SCIM""#),
        "{context}"
    );
    assert_eq!(res.json["status"], "401", "{context}");
}

async fn scim_users(auth: &Auth) -> Vec<ScimUser> {
    auth.store()
        .find_many(&Where::all(), &[], None, None)
        .await
        .unwrap()
}

async fn users(auth: &Auth) -> Vec<User> {
    auth.store()
        .find_many(&Where::all(), &[], None, None)
        .await
        .unwrap()
}

async fn accounts(auth: &Auth) -> Vec<Account> {
    auth.store()
        .find_many(&Where::all(), &[], None, None)
        .await
        .unwrap()
}

// Upstream also checks the `scimConnectionBinding` and `scimSubject` rows, the `provisioningDomainId`
// column of `scimUser` and the database handle its verifier receives; Bulwark has none of them (users
// belong to their connection, and the verifier brings its own storage).
/// upstream: scim-dynamic-authentication.test.ts › SCIM dynamic connection authentication › resolves application-owned credentials and isolates equal external IDs over HTTP
#[tokio::test]
async fn application_credentials_isolate_equal_external_ids() {
    let app = App::default();
    app.add("tenant-a-token", "dynamic-tenant-a", "workspace-a");
    app.add("tenant-b-token", "dynamic-tenant-b", "workspace-b");
    let store = Arc::clone(&app.store);
    let auth = app.auth(Vec::new());

    let tenant_a = create_user(
        &auth,
        "tenant-a-token",
        json!({"userName": "employee-a@example.com", "externalId": "shared-directory-user"}),
    )
    .await;
    let tenant_b = create_user(
        &auth,
        "tenant-b-token",
        json!({"userName": "employee-b@example.com", "externalId": "shared-directory-user"}),
    )
    .await;
    let tenant_a_users = list_users(&auth, "tenant-a-token").await;
    let tenant_b_users = list_users(&auth, "tenant-b-token").await;
    let b_id = tenant_b.json["id"].as_str().unwrap().to_owned();
    let cross_tenant_patch = call(
        &auth,
        Method::PATCH,
        &format!("/Users/{b_id}"),
        "tenant-a-token",
        Some(json!({
            "schemas": [PATCH_SCHEMA],
            "Operations": [{"op": "replace", "path": "active", "value": false}],
        })),
    )
    .await;
    let tenant_b_resource = call(
        &auth,
        Method::GET,
        &format!("/Users/{b_id}"),
        "tenant-b-token",
        None,
    )
    .await;

    assert_eq!(tenant_a.status, StatusCode::CREATED, "{}", tenant_a.json);
    assert_eq!(tenant_b.status, StatusCode::CREATED, "{}", tenant_b.json);
    assert_eq!(tenant_a_users.status, StatusCode::OK);
    assert_eq!(tenant_b_users.status, StatusCode::OK);
    assert_eq!(cross_tenant_patch.status, StatusCode::NOT_FOUND);
    assert_eq!(tenant_b_resource.status, StatusCode::OK);
    assert_eq!(tenant_b_resource.json["active"], true);
    for (list, created) in [(&tenant_a_users, &tenant_a), (&tenant_b_users, &tenant_b)] {
        assert_eq!(list.json["totalResults"], 1, "{}", list.json);
        let resources = list.json["Resources"].as_array().unwrap();
        assert_eq!(resources.len(), 1);
        assert_eq!(resources[0]["id"], created.json["id"]);
        assert_eq!(resources[0]["externalId"], "shared-directory-user");
    }

    let rows = scim_users(&auth).await;
    assert_eq!(rows.len(), 2);
    let mut owners: Vec<_> = rows
        .iter()
        .map(|row| (row.connection_id.as_str(), row.external_id.as_deref()))
        .collect();
    owners.sort_unstable();
    assert_eq!(
        owners,
        [
            ("dynamic-tenant-a", Some("shared-directory-user")),
            ("dynamic-tenant-b", Some("shared-directory-user")),
        ]
    );
    assert_ne!(rows[0].user_id, rows[1].user_id);
    assert_eq!(users(&auth).await.len(), 2);
    assert!(accounts(&auth).await.is_empty());
    let store = store.lock().unwrap();
    assert_eq!(store.len(), 2);
    assert!(store.values().all(|c| c.last_authenticated_at.is_some()));
}

// Two of upstream's answers cannot be written as a `VerifiedBearer`: one naming both a configured and a
// dynamic connection (a `VerifiedBearer` names one connection), and an `expiresAt` that is not a date.
/// upstream: scim-dynamic-authentication.test.ts › SCIM dynamic connection authentication › rejects unknown, malformed, ambiguous, and static-colliding resolutions before writes
#[tokio::test]
async fn malformed_and_colliding_resolutions_are_refused_before_writes() {
    let mut app = App::default();
    let cases: [(&str, VerifiedBearer); 9] = [
        ("malformed-token", dynamic(" dynamic-tenant ")),
        (
            "missing-domain-token",
            VerifiedBearer {
                provisioning_domain_id: None,
                ..dynamic("dynamic-tenant")
            },
        ),
        (
            "invalid-credential-token",
            VerifiedBearer {
                credential_id: " invalid-credential ".to_owned(),
                ..dynamic("dynamic-tenant")
            },
        ),
        (
            "empty-scopes-token",
            VerifiedBearer {
                scopes: Scopes::none(),
                ..dynamic("dynamic-tenant")
            },
        ),
        (
            "expired-result-token",
            VerifiedBearer {
                expires_at: Some(NOW - Duration::minutes(1)),
                ..dynamic("dynamic-tenant")
            },
        ),
        (
            "unknown-configured-token",
            VerifiedBearer {
                provisioning_domain_id: None,
                ..dynamic("missing-configured-tenant")
            },
        ),
        (
            "missing-connection-token",
            VerifiedBearer {
                provisioning_domain_id: None,
                ..dynamic("")
            },
        ),
        (
            "colliding-token",
            VerifiedBearer {
                provisioning_domain_id: Some("dynamic-workspace".to_owned()),
                ..dynamic("configured-tenant")
            },
        ),
        // Not in upstream's list, refused by the same check: the managed catalog's namespace.
        (
            "managed-prefix-token",
            dynamic("ba_scim_connection_00000000000000000000000000000000"),
        ),
    ];
    for (token, answer) in cases.clone() {
        app.overrides.insert(token, Ok(answer));
    }
    // Controls: the same verifier's well-formed answers in both forms are accepted.
    app.overrides
        .insert("dynamic-token", Ok(dynamic("dynamic-tenant")));
    app.overrides.insert(
        "configured-token",
        Ok(VerifiedBearer {
            provisioning_domain_id: None,
            ..dynamic("configured-tenant")
        }),
    );
    let auth = app.auth(vec![StaticConnection::new("configured-tenant")]);

    for token in std::iter::once("unknown-token").chain(cases.iter().map(|(token, _)| *token)) {
        assert_challenged(&list_users(&auth, token).await, token);
    }

    assert!(scim_users(&auth).await.is_empty());
    assert!(users(&auth).await.is_empty());
    for token in ["dynamic-token", "configured-token"] {
        assert_eq!(
            list_users(&auth, token).await.status,
            StatusCode::OK,
            "{token}"
        );
    }
}

// Upstream also checks that no `scimConnectionBinding` row was written; Bulwark has no such table.
/// upstream: scim-dynamic-authentication.test.ts › SCIM dynamic connection authentication › checks dynamic credential scopes and expiry before binding or provisioning
#[tokio::test]
async fn scopes_and_expiry_are_checked_before_provisioning() {
    let app = App::default();
    app.add_with(
        "read-only-token",
        "read-only-tenant",
        "read-only-workspace",
        Scopes::parse(["scim.users.read"]).unwrap(),
        None,
    );
    app.add_with(
        "expired-token",
        "expired-tenant",
        "expired-workspace",
        Scopes::all(),
        Some(NOW - Duration::minutes(1)),
    );
    let store = Arc::clone(&app.store);
    let auth = app.auth(Vec::new());

    let insufficient_scope = create_user(
        &auth,
        "read-only-token",
        json!({"userName": "read-only@example.com"}),
    )
    .await;
    let expired = create_user(
        &auth,
        "expired-token",
        json!({"userName": "expired@example.com"}),
    )
    .await;

    assert_eq!(
        insufficient_scope.status,
        StatusCode::FORBIDDEN,
        "{}",
        insufficient_scope.json
    );
    assert_challenged(&expired, "expired-token");
    assert!(scim_users(&auth).await.is_empty());
    assert!(users(&auth).await.is_empty());
    assert_eq!(
        store.lock().unwrap()["expired-token"].last_authenticated_at,
        None
    );
}

// Upstream also checks the one `scimConnectionBinding` row the accepted request wrote; Bulwark has no
// such table.
/// upstream: scim-dynamic-authentication.test.ts › SCIM dynamic connection authentication › applies dynamic credential revocation prospectively to real HTTP requests
#[tokio::test]
async fn revocation_applies_to_later_requests() {
    let gate = Arc::new(Gate::default());
    let app = App {
        gate: Some(Arc::clone(&gate)),
        ..App::default()
    };
    app.add(
        "prospective-revocation-token",
        "prospective-revocation-tenant",
        "prospective-revocation-workspace",
    );
    let store = Arc::clone(&app.store);
    let auth = app.auth(Vec::new());

    let (accepted, ()) = tokio::join!(
        create_user(
            &auth,
            "prospective-revocation-token",
            json!({"userName": "accepted-before-revocation@example.com"}),
        ),
        async {
            gate.accepted.notified().await;
            store
                .lock()
                .unwrap()
                .get_mut("prospective-revocation-token")
                .unwrap()
                .revoked = true;
            gate.release.notify_one();
        },
    );
    let later = list_users(&auth, "prospective-revocation-token").await;

    assert_eq!(accepted.status, StatusCode::CREATED, "{}", accepted.json);
    assert_challenged(&later, "after revocation");
    let rows = scim_users(&auth).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].user_name, "accepted-before-revocation@example.com");
    assert_eq!(rows[0].connection_id, "prospective-revocation-tenant");
}

// Upstream's verifier throws; a Bulwark verifier answers `Err`.
/// upstream: scim-dynamic-authentication.test.ts › SCIM dynamic connection authentication › preserves verifier infrastructure failures as server errors
#[tokio::test]
async fn verifier_failures_are_server_errors() {
    let mut app = App::default();
    app.overrides.insert(
        "infrastructure-error-token",
        Err(ApiError::message_only(
            StatusCode::INTERNAL_SERVER_ERROR,
            "dynamic credential store unavailable",
        )),
    );
    let auth = app.auth(Vec::new());

    let res = list_users(&auth, "infrastructure-error-token").await;

    assert_eq!(
        res.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{}",
        res.json
    );
    assert!(res.headers.get(header::WWW_AUTHENTICATE).is_none());
    assert!(scim_users(&auth).await.is_empty());
    assert!(users(&auth).await.is_empty());
}
