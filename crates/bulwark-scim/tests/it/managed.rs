//! The managed connection catalog: creation, listing, rotation with overlap, revocation, events,
//! decommissioning, the active-credential cap, and authentication of its tokens on `/scim/v2`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bulwark_core::adapter::memory::MemoryAdapter;
use bulwark_core::hooks::{Before, Create};
use bulwark_core::{Adapter, ApiError, Auth, AuthBuilder, Environment, Row, Where};
use bulwark_organization::models::Organization;
use bulwark_organization::{OrganizationApi, OrganizationOptions, organization};
use bulwark_scim::credentials::{Scopes, VerifiedBearer};
use bulwark_scim::managed::{
    ConnectionStatus, CreateRequest, CredentialStatus, IssuedCredential, ManagedConnections,
    RotateRequest, ScimManagedConnection, ScimManagedConnectionEvent, ScimManagedCredential,
};
use bulwark_scim::models::ScimUser;
use bulwark_scim::options::{ManagedConnectionOptions, StaticConnection, StaticCredential};
use bulwark_scim::{ScimOptions, scim};
use bulwark_test_support::{Backend, FakeClock, SequentialIds, TestDb};
use bytes::Bytes;
use http::{Method, Request, StatusCode};
use serde_json::{Value, json};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

const ORIGIN: &str = "http://localhost:3000";
const HASH_SECRET: &str = "managed-credential-hash-secret-0123456789";
const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const START: OffsetDateTime = datetime!(2026-01-01 00:00:00 UTC);

struct Setup {
    auth: Auth,
    clock: FakeClock,
    managed: ManagedConnections,
}

fn managed_options() -> ManagedConnectionOptions {
    ManagedConnectionOptions::new(HASH_SECRET)
}

fn setup_with(options: ScimOptions, adapter: Arc<dyn Adapter>) -> Setup {
    setup_built(options, adapter, |builder| builder)
}

/// A setup whose builder `extra` adds to (plugins, hooks) before the scim plugin.
fn setup_built(
    options: ScimOptions,
    adapter: Arc<dyn Adapter>,
    extra: impl FnOnce(AuthBuilder) -> AuthBuilder,
) -> Setup {
    let clock = FakeClock::at(START);
    let env = Environment {
        clock: Arc::new(clock.clone()),
        ids: Arc::new(SequentialIds::new()),
    };
    let builder = Auth::builder()
        .database(adapter)
        .secret("test-secret-that-is-long-enough-for-hmac")
        .base_url(ORIGIN)
        .environment(env);
    let auth = extra(builder)
        .plugin(scim(options))
        .build()
        .expect("valid configuration");
    let managed = ManagedConnections::new(&auth).expect("catalog configured");
    Setup {
        auth,
        clock,
        managed,
    }
}

fn setup() -> Setup {
    setup_with(
        ScimOptions::default().managed_connections(managed_options()),
        Arc::new(MemoryAdapter::new()),
    )
}

fn create_request(creation_request_id: &str, domain: &str) -> CreateRequest {
    CreateRequest {
        creation_request_id: creation_request_id.to_owned(),
        provisioning_domain_id: domain.to_owned(),
        actor_id: "admin-1".to_owned(),
        scopes: Scopes::all(),
        expires_at: START + Duration::days(30),
        organization_id: None,
    }
}

fn rotate_request(connection_id: &str, domain: &str, expires_at: OffsetDateTime) -> RotateRequest {
    RotateRequest {
        connection_id: connection_id.to_owned(),
        provisioning_domain_id: domain.to_owned(),
        actor_id: "admin-2".to_owned(),
        scopes: Scopes::all(),
        expires_at,
    }
}

async fn create(setup: &Setup, creation_request_id: &str) -> IssuedCredential {
    setup
        .managed
        .create(create_request(creation_request_id, "tenant-a"))
        .await
        .unwrap()
}

async fn rotate(setup: &Setup, connection_id: &str) -> Result<IssuedCredential, ApiError> {
    setup
        .managed
        .rotate(rotate_request(
            connection_id,
            "tenant-a",
            START + Duration::days(60),
        ))
        .await
}

async fn send(
    auth: &Auth,
    method: Method,
    token: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let req = Request::builder()
        .method(method)
        .uri(format!("{ORIGIN}/api/auth/scim/v2/Users"))
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/scim+json");
    let body = body.map_or_else(Bytes::new, |b| Bytes::from(b.to_string()));
    let res = auth.handle(req.body(body).unwrap()).await;
    let json = serde_json::from_slice(res.body()).unwrap_or(Value::Null);
    (res.status(), json)
}

async fn list_users(auth: &Auth, token: &str) -> StatusCode {
    send(auth, Method::GET, token, None).await.0
}

async fn credentials(auth: &Auth) -> Vec<ScimManagedCredential> {
    auth.store()
        .find_many(&Where::all(), &[], None, None)
        .await
        .unwrap()
}

async fn count<M: bulwark_core::models::Model>(auth: &Auth) -> u64 {
    auth.store().count::<M>(&Where::all()).await.unwrap()
}

fn assert_unauthorized(status: StatusCode, json: &Value) {
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{json}");
    assert_eq!(json["detail"], "Invalid SCIM bearer token");
}

fn is_opaque(id: &str, prefix: &str) -> bool {
    id.strip_prefix(prefix).is_some_and(|rest| {
        rest.len() == 32
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    })
}

// upstream: scim-managed-connections.test.ts › SCIM managed connections › creates, lists, and gets a tenant-scoped connection without storing its token
#[tokio::test]
async fn creates_lists_and_gets_without_storing_the_token() {
    let setup = setup();
    let issued = create(&setup, "creation-request-0001").await;
    let connection_id = issued.connection.connection_id.clone();
    let credential_id = issued.credential.credential_id.clone();
    assert!(is_opaque(&connection_id, "ba_scim_connection_"));
    assert!(is_opaque(&credential_id, "ba_scim_credential_"));
    let (prefix, secret) = issued.token.split_once('.').unwrap();
    assert_eq!(prefix, credential_id);
    assert_eq!(secret.len(), 48);
    assert_eq!(issued.connection.status, ConnectionStatus::Active);
    assert_eq!(issued.credential.status, CredentialStatus::Active);
    assert_eq!(issued.credential.scopes, Scopes::all());

    let listed = setup.managed.list("tenant-a").await.unwrap();
    assert_eq!(listed, vec![issued.connection.clone()]);
    let got = setup.managed.get(&connection_id, "tenant-a").await.unwrap();
    assert_eq!(got.connection, issued.connection);
    assert_eq!(got.credentials, vec![issued.credential.clone()]);

    let events = setup
        .managed
        .events(&connection_id, "tenant-a")
        .await
        .unwrap();
    let summary: Vec<_> = events
        .iter()
        .map(|e| {
            (
                e.sequence,
                e.event_type.as_str(),
                e.credential_id.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (1, "connection.created", None),
            (2, "credential.issued", Some(credential_id.as_str())),
        ]
    );

    // Another tenant sees nothing.
    assert!(setup.managed.list("tenant-b").await.unwrap().is_empty());
    let other = setup
        .managed
        .get(&connection_id, "tenant-b")
        .await
        .unwrap_err();
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
    assert_eq!(other.message(), "Managed SCIM connection not found");

    // Only the digest is stored: HMAC-SHA-256 under the hash secret, unpadded base64url.
    let stored = credentials(&setup.auth).await;
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0].token_digest, issued.token);
    assert!(!stored[0].token_digest.contains(secret));
    assert_eq!(stored[0].hash_version, "v1");
    let expected = bulwark_core::crypto::base64url_encode(&bulwark_core::crypto::hmac_sha256(
        HASH_SECRET.as_bytes(),
        issued.token.as_bytes(),
    ));
    assert_eq!(stored[0].token_digest, expected);
    assert!(!stored[0].token_digest.contains('='));
}

// upstream: scim-managed-connections.test.ts › SCIM managed connections › joins an ambient transaction for create, rotate, and revoke
#[tokio::test]
async fn joins_an_ambient_transaction() {
    let setup = setup();
    let managed = setup.managed.clone();
    let result: Result<(), ApiError> = setup
        .auth
        .store()
        .transaction(move |store| {
            Box::pin(async move {
                let managed = managed.within(store);
                let issued = managed
                    .create(create_request("creation-request-0001", "tenant-a"))
                    .await?;
                let id = issued.connection.connection_id.clone();
                managed
                    .rotate(rotate_request(&id, "tenant-a", START + Duration::days(2)))
                    .await?;
                managed
                    .revoke(&id, "tenant-a", &issued.credential.credential_id, "admin")
                    .await?;
                assert_eq!(managed.events(&id, "tenant-a").await?.len(), 4);
                Err(ApiError::message_only(StatusCode::IM_A_TEAPOT, "roll back"))
            })
        })
        .await;
    assert_eq!(result.unwrap_err().status(), StatusCode::IM_A_TEAPOT);
    assert_eq!(count::<ScimManagedConnection>(&setup.auth).await, 0);
    assert_eq!(count::<ScimManagedCredential>(&setup.auth).await, 0);
    assert_eq!(count::<ScimManagedConnectionEvent>(&setup.auth).await, 0);
}

// upstream: scim-managed-connections.test.ts › SCIM managed connections › requires a bounded creation request ID and atomically rejects duplicate creation
#[tokio::test]
async fn bounded_and_idempotent_creation_request_ids() {
    let setup = setup();
    for bad in ["too-short".to_owned(), "x".repeat(256), " ".repeat(20)] {
        let err = setup
            .managed
            .create(create_request(&bad, "tenant-a"))
            .await
            .unwrap_err();
        assert_eq!(err.status(), StatusCode::BAD_REQUEST);
    }
    let (first, second) = tokio::join!(
        setup
            .managed
            .create(create_request("creation-request-0001", "tenant-a")),
        setup
            .managed
            .create(create_request("creation-request-0001", "tenant-a")),
    );
    let (ok, err) = match (first, second) {
        (Ok(ok), Err(err)) | (Err(err), Ok(ok)) => (ok, err),
        other => panic!("expected one success and one conflict: {other:?}"),
    };
    assert!(ok.token.starts_with("ba_scim_credential_"));
    assert_eq!(err.status(), StatusCode::CONFLICT);
    assert_eq!(
        err.code().map(bulwark_core::ErrorCode::as_str),
        Some("SCIM_MANAGED_CREATION_REQUEST_ID_CONFLICT")
    );
    assert_eq!(
        err.message(),
        "Managed SCIM connection creation request ID already exists"
    );
    // A later retry with the same id is refused the same way, without a token.
    let again = setup
        .managed
        .create(create_request("creation-request-0001", "tenant-b"))
        .await
        .unwrap_err();
    assert_eq!(again.status(), StatusCode::CONFLICT);
    assert_eq!(count::<ScimManagedConnection>(&setup.auth).await, 1);
    assert_eq!(count::<ScimManagedCredential>(&setup.auth).await, 1);
    assert_eq!(count::<ScimManagedConnectionEvent>(&setup.auth).await, 2);
}

// upstream: scim-managed-connections.test.ts › SCIM managed connections › authenticates generated tokens, overlaps rotation, revokes immediately, and throttles last-used writes
#[tokio::test]
async fn authenticates_overlaps_revokes_and_throttles_last_use() {
    let setup = setup();
    let issued = create(&setup, "creation-request-0001").await;
    let id = issued.connection.connection_id.clone();
    assert_eq!(list_users(&setup.auth, &issued.token).await, StatusCode::OK);
    let used = credentials(&setup.auth).await[0].last_used_at;
    assert_eq!(used, Some(START));

    // Within the interval, no write.
    setup.clock.advance(Duration::seconds(10));
    assert_eq!(list_users(&setup.auth, &issued.token).await, StatusCode::OK);
    assert_eq!(credentials(&setup.auth).await[0].last_used_at, Some(START));
    // After it, one.
    setup.clock.advance(Duration::seconds(300));
    assert_eq!(list_users(&setup.auth, &issued.token).await, StatusCode::OK);
    assert_eq!(
        credentials(&setup.auth).await[0].last_used_at,
        Some(START + Duration::seconds(310))
    );

    // Rotation overlaps: both tokens work.
    let rotated = rotate(&setup, &id).await.unwrap();
    assert_ne!(rotated.token, issued.token);
    assert_eq!(list_users(&setup.auth, &issued.token).await, StatusCode::OK);
    assert_eq!(
        list_users(&setup.auth, &rotated.token).await,
        StatusCode::OK
    );

    // Revocation is immediate and idempotent.
    let old = issued.credential.credential_id.as_str();
    let state = setup
        .managed
        .revoke(&id, "tenant-a", old, "admin-3")
        .await
        .unwrap();
    let revoked = state
        .credentials
        .iter()
        .find(|c| c.credential_id == old)
        .unwrap();
    assert_eq!(revoked.status, CredentialStatus::Revoked);
    assert_eq!(revoked.revoked_by.as_deref(), Some("admin-3"));
    let (status, json) = send(&setup.auth, Method::GET, &issued.token, None).await;
    assert_unauthorized(status, &json);
    assert_eq!(
        list_users(&setup.auth, &rotated.token).await,
        StatusCode::OK
    );
    let again = setup
        .managed
        .revoke(&id, "tenant-a", old, "admin-3")
        .await
        .unwrap();
    assert_eq!(again, state);

    let types: Vec<_> = setup
        .managed
        .events(&id, "tenant-a")
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.sequence, e.event_type))
        .collect();
    assert_eq!(
        types,
        [
            (1, "connection.created".to_owned()),
            (2, "credential.issued".to_owned()),
            (3, "credential.rotated".to_owned()),
            (4, "credential.revoked".to_owned()),
        ]
    );
}

// upstream: scim-managed-connections.test.ts › SCIM managed connections › decommissions managed credentials before canonical reconciliation and remains retry-safe
#[tokio::test]
async fn decommissions_and_stays_decommissioned() {
    let setup = setup();
    let issued = create(&setup, "creation-request-0001").await;
    let id = issued.connection.connection_id.clone();
    let rotated = rotate(&setup, &id).await.unwrap();
    let state = setup
        .managed
        .decommission(&id, "tenant-a", "admin-9")
        .await
        .unwrap();
    assert_eq!(state.connection.status, ConnectionStatus::Decommissioned);
    assert_eq!(
        state.connection.decommissioned_by.as_deref(),
        Some("admin-9")
    );
    assert!(
        state
            .credentials
            .iter()
            .all(|c| c.status == CredentialStatus::Decommissioned)
    );
    let repeated = setup
        .managed
        .decommission(&id, "tenant-a", "admin-9")
        .await
        .unwrap();
    assert_eq!(repeated, state);
    for token in [&issued.token, &rotated.token] {
        let (status, json) = send(&setup.auth, Method::GET, token, None).await;
        assert_unauthorized(status, &json);
    }
    let err = rotate(&setup, &id).await.unwrap_err();
    assert_eq!(err.status(), StatusCode::CONFLICT);
    assert_eq!(err.message(), "Managed SCIM connection is not active");
    let events: Vec<_> = setup
        .managed
        .events(&id, "tenant-a")
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.event_type)
        .collect();
    assert_eq!(
        events[3..],
        ["connection.decommissioning", "connection.decommissioned"]
    );
}

// upstream: scim-managed-connections.test.ts › SCIM managed connections › uses tenant-qualified not-found behavior and atomically enforces active credential slots
#[tokio::test]
async fn tenant_qualified_not_found_and_atomic_slots() {
    let setup = setup_with(
        ScimOptions::default().managed_connections(managed_options().max_active_credentials(2)),
        Arc::new(MemoryAdapter::new()),
    );
    let issued = create(&setup, "creation-request-0001").await;
    let id = issued.connection.connection_id.clone();
    let (a, b) = tokio::join!(rotate(&setup, &id), rotate(&setup, &id));
    assert_eq!(
        u8::from(a.is_ok()) + u8::from(b.is_ok()),
        1,
        "{a:?} / {b:?}"
    );
    let refused = a.err().or(b.err()).unwrap();
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert_eq!(
        refused.message(),
        "Managed SCIM connection has the maximum number of active credentials"
    );
    let mut slots: Vec<_> = credentials(&setup.auth)
        .await
        .into_iter()
        .map(|c| c.active_slot_key)
        .collect();
    slots.sort();
    slots.dedup();
    assert_eq!(slots.len(), 2);

    for (connection, domain) in [
        (id.as_str(), "tenant-b"),
        (
            "ba_scim_connection_unknownunknownunknownunknown00",
            "tenant-a",
        ),
    ] {
        let err = setup.managed.get(connection, domain).await.unwrap_err();
        assert_eq!(err.status(), StatusCode::NOT_FOUND);
        let err = rotate(&setup, connection).await;
        if domain == "tenant-a" {
            assert_eq!(err.unwrap_err().status(), StatusCode::NOT_FOUND);
        }
        let err = setup
            .managed
            .revoke(connection, domain, &issued.credential.credential_id, "x")
            .await
            .unwrap_err();
        assert_eq!(err.status(), StatusCode::NOT_FOUND);
        let err = setup.managed.events(connection, domain).await.unwrap_err();
        assert_eq!(err.message(), "Managed SCIM connection not found");
    }
}

// upstream: scim-managed-connections.test.ts › SCIM managed connections › keeps the managed bearer namespace catalog-only while preserving static-first dispatch
#[tokio::test]
async fn managed_namespace_is_catalog_only() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let options = ScimOptions::default()
        .managed_connections(managed_options())
        .connection(
            StaticConnection::new("okta")
                .credential(StaticCredential::new("okta-1", "static-token")),
        )
        .verify_bearer_token(Arc::new(move |_req| {
            counter.fetch_add(1, Ordering::SeqCst);
            Box::pin(async {
                Ok(Some(VerifiedBearer {
                    connection_id: "okta".to_owned(),
                    provisioning_domain_id: None,
                    organization_id: None,
                    credential_id: "claimed".to_owned(),
                    scopes: Scopes::all(),
                    expires_at: None,
                }))
            })
        }));
    let setup = setup_with(options, Arc::new(MemoryAdapter::new()));
    assert_eq!(
        list_users(&setup.auth, "static-token").await,
        StatusCode::OK
    );
    let issued = create(&setup, "creation-request-0001").await;
    assert_eq!(list_users(&setup.auth, &issued.token).await, StatusCode::OK);
    // Unknown or malformed managed tokens are refused without asking the verifier, which would have
    // accepted them.
    let forged = format!("{}.{}", issued.credential.credential_id, "x".repeat(48));
    for token in [
        "ba_scim_credential_unknown.secret",
        "ba_scim_credential_",
        "ba_scim_credential_a.b.c",
        forged.as_str(),
    ] {
        let (status, json) = send(&setup.auth, Method::GET, token, None).await;
        assert_unauthorized(status, &json);
    }
    assert_eq!(calls.load(Ordering::SeqCst), 0);

    // Static connections cannot take the reserved prefix.
    let reserved = ScimOptions::default().connection(
        StaticConnection::new("ba_scim_connection_mine")
            .credential(StaticCredential::new("c", "t")),
    );
    assert_eq!(
        reserved.problems(),
        ["Static SCIM connection ids cannot use the reserved \"ba_scim_connection_\" prefix."]
    );
}

// upstream: scim-managed-connections.test.ts › SCIM managed connections › enforces explicit future expiry and exact scopes at issuance and request time
#[tokio::test]
async fn future_expiry_and_exact_scopes() {
    let setup = setup();
    let mut past = create_request("creation-request-0001", "tenant-a");
    past.expires_at = START;
    let err = setup.managed.create(past).await.unwrap_err();
    assert_eq!(err.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        err.message(),
        "Managed SCIM credential expiry must be in the future"
    );

    let mut read_only = create_request("creation-request-0002", "tenant-a");
    read_only.scopes = Scopes::parse(["scim.users.read"]).unwrap();
    read_only.expires_at = START + Duration::hours(1);
    let issued = setup.managed.create(read_only).await.unwrap();
    assert_eq!(list_users(&setup.auth, &issued.token).await, StatusCode::OK);
    let body = json!({"schemas": [USER_SCHEMA], "userName": "ada@example.com"});
    let (status, _) = send(&setup.auth, Method::POST, &issued.token, Some(body)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let err = setup
        .managed
        .rotate(rotate_request(
            &issued.connection.connection_id,
            "tenant-a",
            START,
        ))
        .await
        .unwrap_err();
    assert_eq!(err.status(), StatusCode::BAD_REQUEST);

    setup.clock.advance(Duration::hours(1));
    let (status, json) = send(&setup.auth, Method::GET, &issued.token, None).await;
    assert_unauthorized(status, &json);
    let state = setup
        .managed
        .get(&issued.connection.connection_id, "tenant-a")
        .await
        .unwrap();
    assert_eq!(state.credentials[0].status, CredentialStatus::Expired);
}

// upstream: scim-managed-connections.test.ts › SCIM managed connections › reclaims expired slots and never exceeds the cap during rotate-revoke races
#[tokio::test]
async fn reclaims_expired_slots() {
    let setup = setup_with(
        ScimOptions::default().managed_connections(managed_options().max_active_credentials(2)),
        Arc::new(MemoryAdapter::new()),
    );
    let mut short = create_request("creation-request-0001", "tenant-a");
    short.expires_at = START + Duration::minutes(5);
    let issued = setup.managed.create(short).await.unwrap();
    let id = issued.connection.connection_id.clone();
    let second = rotate(&setup, &id).await.unwrap();
    assert_eq!(
        rotate(&setup, &id).await.unwrap_err().status(),
        StatusCode::CONFLICT
    );

    setup.clock.advance(Duration::minutes(5));
    let third = rotate(&setup, &id).await.unwrap();
    let rows = credentials(&setup.auth).await;
    let expired = rows
        .iter()
        .find(|c| c.credential_id == issued.credential.credential_id)
        .unwrap();
    assert_eq!(expired.status, CredentialStatus::Expired);
    assert_eq!(
        expired.active_slot_key,
        format!("{}:inactive", issued.credential.credential_id)
    );
    let live = rows
        .iter()
        .filter(|c| c.status == CredentialStatus::Active)
        .count();
    assert_eq!(live, 2);

    // Revoking and rotating concurrently never goes over the cap.
    let (revoked, rotated) = tokio::join!(
        setup
            .managed
            .revoke(&id, "tenant-a", &second.credential.credential_id, "admin"),
        rotate(&setup, &id),
    );
    revoked.unwrap();
    let _ = rotated;
    let live = credentials(&setup.auth)
        .await
        .into_iter()
        .filter(|c| c.status == CredentialStatus::Active)
        .count();
    assert!(live <= 2);
    assert_eq!(list_users(&setup.auth, &third.token).await, StatusCode::OK);
}

// upstream: scim-managed-connections.test.ts › SCIM managed connections › enforces a reduced active credential cap across existing slot layouts
#[tokio::test]
async fn reduced_cap_applies_to_existing_slots() {
    let adapter: Arc<dyn Adapter> = Arc::new(MemoryAdapter::new());
    let wide = setup_with(
        ScimOptions::default().managed_connections(managed_options().max_active_credentials(2)),
        Arc::clone(&adapter),
    );
    let issued = create(&wide, "creation-request-0001").await;
    let id = issued.connection.connection_id.clone();
    rotate(&wide, &id).await.unwrap();

    let narrow = setup_with(
        ScimOptions::default().managed_connections(managed_options().max_active_credentials(1)),
        adapter,
    );
    let err = rotate(&narrow, &id).await.unwrap_err();
    assert_eq!(err.status(), StatusCode::CONFLICT);
    let live = credentials(&narrow.auth)
        .await
        .into_iter()
        .filter(|c| c.status == CredentialStatus::Active)
        .count();
    assert_eq!(live, 2);
}

// upstream: scim-managed-connections.test.ts › SCIM managed connections › rejects unsafe managed catalog configuration before startup
#[test]
fn rejects_unsafe_configuration() {
    let cases = [
        (
            ManagedConnectionOptions::new("too-short"),
            "SCIM managed credentialHashSecret must contain at least 32 characters.",
        ),
        (
            managed_options().max_active_credentials(0),
            "SCIM managed maxActiveCredentials must be an integer between 1 and 100.",
        ),
        (
            managed_options().max_active_credentials(101),
            "SCIM managed maxActiveCredentials must be an integer between 1 and 100.",
        ),
        (
            managed_options().last_used_write_interval(Duration::seconds(-1)),
            "SCIM managed lastUsedWriteIntervalSeconds must be a non-negative integer.",
        ),
    ];
    for (options, message) in cases {
        let problems = ScimOptions::default()
            .managed_connections(options)
            .problems();
        assert_eq!(problems, [message.to_owned()]);
    }
    assert!(
        ScimOptions::default()
            .managed_connections(managed_options())
            .problems()
            .is_empty()
    );
}

#[tokio::test]
async fn tables_exist_only_when_configured() {
    let off = bulwark_scim::schema::models(&ScimOptions::default());
    assert!(!off.iter().any(|m| m.name.starts_with("scimManaged")));
    let on = bulwark_scim::schema::models(
        &ScimOptions::default().managed_connections(managed_options()),
    );
    let names: Vec<_> = on.iter().map(|m| m.name.as_str()).collect();
    for name in [
        "scimManagedConnection",
        "scimManagedCredential",
        "scimManagedConnectionEvent",
    ] {
        assert!(names.contains(&name));
    }
    let auth = Auth::builder()
        .database(Arc::new(MemoryAdapter::new()) as Arc<dyn Adapter>)
        .secret("test-secret-that-is-long-enough-for-hmac")
        .base_url(ORIGIN)
        .plugin(scim(ScimOptions::default()))
        .build()
        .unwrap();
    assert!(ManagedConnections::new(&auth).is_none());
    let err = ManagedConnections::require(&auth).unwrap_err();
    assert_eq!(err.message(), "SCIM managed connections are not configured");
}

#[tokio::test]
async fn a_managed_token_provisions_users_of_its_connection() {
    let setup = setup();
    let issued = create(&setup, "creation-request-0001").await;
    let body = json!({"schemas": [USER_SCHEMA], "userName": "ada@example.com"});
    let (status, json) = send(&setup.auth, Method::POST, &issued.token, Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{json}");
    let scim_user: ScimUser = setup
        .auth
        .store()
        .find_one(&Where::eq("id", json["id"].as_str().unwrap()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(scim_user.connection_id, issued.connection.connection_id);
    // A rotated credential of the same connection sees the user; another connection does not.
    let rotated = rotate(&setup, &issued.connection.connection_id)
        .await
        .unwrap();
    let (_, list) = send(&setup.auth, Method::GET, &rotated.token, None).await;
    assert_eq!(list["totalResults"], 1);
    let other = setup
        .managed
        .create(create_request("creation-request-0002", "tenant-a"))
        .await
        .unwrap();
    let (_, list) = send(&setup.auth, Method::GET, &other.token, None).await;
    assert_eq!(list["totalResults"], 0);
}

#[tokio::test]
async fn tampered_digests_and_versions_are_refused() {
    let setup = setup();
    let issued = create(&setup, "creation-request-0001").await;
    let mut change = Row::new();
    change.set("hashVersion", "v0");
    setup
        .auth
        .store()
        .update::<ScimManagedCredential>(&Where::all(), change)
        .await
        .unwrap();
    let (status, json) = send(&setup.auth, Method::GET, &issued.token, None).await;
    assert_unauthorized(status, &json);
}

// upstream: scim-managed-connections.test.ts › SCIM managed connections › joins an ambient transaction for decommission without deadlocking
#[tokio::test]
async fn decommission_joins_an_ambient_transaction() {
    let setup = setup();
    let issued = create(&setup, "creation-request-0001").await;
    let id = issued.connection.connection_id.clone();
    let managed = setup.managed.clone();
    let inner_id = id.clone();
    let state = setup
        .auth
        .store()
        .transaction(move |store| {
            Box::pin(async move {
                managed
                    .within(store)
                    .decommission(&inner_id, "tenant-a", "admin")
                    .await
            })
        })
        .await
        .unwrap();
    assert_eq!(state.connection.status, ConnectionStatus::Decommissioned);
    let stored = setup.managed.get(&id, "tenant-a").await.unwrap();
    assert_eq!(stored, state);
    let (status, json) = send(&setup.auth, Method::GET, &issued.token, None).await;
    assert_unauthorized(status, &json);
}

// upstream: scim-managed-connections.test.ts › SCIM managed connections › uses the native adapter transaction when no ambient transaction exists
#[tokio::test]
async fn a_failed_creation_leaves_nothing_behind() {
    let setup = setup_built(
        ScimOptions::default().managed_connections(managed_options()),
        Arc::new(MemoryAdapter::new()),
        |builder| {
            builder.database_hook_before::<Create<ScimManagedConnectionEvent>>(Arc::new(
                |_ctx, event: ScimManagedConnectionEvent| {
                    Box::pin(async move {
                        if event.event_type == "credential.issued" {
                            Err(ApiError::message_only(StatusCode::IM_A_TEAPOT, "refused"))
                        } else {
                            Ok(Before::Continue(event))
                        }
                    })
                },
            ))
        },
    );
    let err = setup
        .managed
        .create(create_request("creation-request-0001", "tenant-a"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), StatusCode::IM_A_TEAPOT);
    assert_eq!(count::<ScimManagedConnection>(&setup.auth).await, 0);
    assert_eq!(count::<ScimManagedCredential>(&setup.auth).await, 0);
    assert_eq!(count::<ScimManagedConnectionEvent>(&setup.auth).await, 0);
}

#[tokio::test]
async fn an_organization_scoped_managed_connection_provisions_memberships() {
    let setup = setup_built(
        ScimOptions::default().managed_connections(managed_options()),
        Arc::new(MemoryAdapter::new()),
        |builder| builder.plugin(organization(OrganizationOptions::default())),
    );
    let org = setup
        .auth
        .store()
        .create(Organization {
            id: "org-1".to_owned(),
            name: "Acme".to_owned(),
            slug: "acme".to_owned(),
            logo: None,
            created_at: START,
            metadata: None,
            extra: Row::new(),
        })
        .await
        .unwrap()
        .unwrap();
    let mut request = create_request("creation-request-0001", "tenant-a");
    request.organization_id = Some(org.id.clone());
    let issued = setup.managed.create(request).await.unwrap();
    assert_eq!(issued.connection.organization_id.as_deref(), Some("org-1"));
    let body = json!({"schemas": [USER_SCHEMA], "userName": "ada@example.com"});
    let (status, json) = send(&setup.auth, Method::POST, &issued.token, Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{json}");
    let scim_user: ScimUser = setup
        .auth
        .store()
        .find_one(&Where::eq("id", json["id"].as_str().unwrap()))
        .await
        .unwrap()
        .unwrap();
    let api = OrganizationApi::new(&setup.auth).unwrap();
    let member = api.find_member(&org.id, &scim_user.user_id).await.unwrap();
    assert_eq!(member.map(|m| m.role).as_deref(), Some("member"));
}

/// Concurrent rotations on a real database never leave more active credentials than the cap.
async fn concurrent_rotations_respect_the_cap(backend: Backend) {
    let options =
        ScimOptions::default().managed_connections(managed_options().max_active_credentials(3));
    let schema = setup().auth.schema().clone();
    let Some(db) = TestDb::new(backend, &schema).await else {
        return;
    };
    let setup = Arc::new(setup_with(options, db.adapter()));
    let issued = create(&setup, "creation-request-0001").await;
    let id = issued.connection.connection_id.clone();
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let setup = Arc::clone(&setup);
        let id = id.clone();
        tasks.push(tokio::spawn(async move { rotate(&setup, &id).await }));
    }
    let mut issued_count = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => issued_count += 1,
            Err(err) => assert_eq!(err.status(), StatusCode::CONFLICT, "{err:?}"),
        }
    }
    assert_eq!(issued_count, 2);
    let live = credentials(&setup.auth)
        .await
        .into_iter()
        .filter(|c| c.status == CredentialStatus::Active)
        .count();
    assert_eq!(live, 3);
    drop(setup);
    db.cleanup().await;
}

mod db {
    pub(crate) mod sqlite {
        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn concurrent_managed_rotations_respect_the_cap() {
            super::super::concurrent_rotations_respect_the_cap(
                bulwark_test_support::Backend::Sqlite,
            )
            .await;
        }
    }

    pub(crate) mod postgres {
        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn concurrent_managed_rotations_respect_the_cap() {
            super::super::concurrent_rotations_respect_the_cap(
                bulwark_test_support::Backend::Postgres,
            )
            .await;
        }
    }

    pub(crate) mod mysql {
        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn concurrent_managed_rotations_respect_the_cap() {
            super::super::concurrent_rotations_respect_the_cap(
                bulwark_test_support::Backend::Mysql,
            )
            .await;
        }
    }
}
