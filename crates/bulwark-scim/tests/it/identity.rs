//! Identity resolution (`ScimOptions::resolve_user`, upstream v1.7.1's `identity.resolveUser`): a SCIM
//! User being created either makes a new Bulwark user or links an existing one, managing its profile
//! or preserving it; at most one source manages a user's profile, and one connection links a user once.
//! v1.6.30's `linkExistingUsers` tests run here with a resolver that does what that option did.

use std::sync::Arc;

use bulwark_core::models::{Account, Session, User};
use bulwark_core::{Auth, Row, Where};
use bulwark_scim::ScimOptions;
use bulwark_scim::models::ScimUser;
use bulwark_scim::options::{
    IdentityResolution, IdentityResolver, ProfileAuthority, StaticConnection, StaticCredential,
};
use http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::{Response, builder, scim_call};

const CORE_USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const A: &str = "connection-a-token";
const B: &str = "connection-b-token";

/// Two connections (`a`, `b`) and, when given, the resolver.
fn auth(resolver: Option<IdentityResolver>) -> Auth {
    let mut options = ScimOptions::default()
        .connection(StaticConnection::new("a").credential(StaticCredential::new("a1", A)))
        .connection(StaticConnection::new("b").credential(StaticCredential::new("b1", B)));
    if let Some(resolver) = resolver {
        options = options.resolve_user(resolver);
    }
    builder()
        .plugin(bulwark_scim::scim(options))
        .build()
        .expect("valid configuration")
}

/// A resolver that links every User to `user_id` with `profile`.
fn link_to(user_id: &str, profile: ProfileAuthority) -> IdentityResolver {
    let user_id = user_id.to_owned();
    Arc::new(move |_| {
        let user_id = user_id.clone();
        Box::pin(async move { Ok(IdentityResolution::Link { user_id, profile }) })
    })
}

/// An existing user (as if signed up before provisioning), verified, with one session.
async fn existing_user(auth: &Auth) -> User {
    let now = auth.env().clock.now();
    let user = User {
        id: "existing-user".to_owned(),
        name: "Ada Original".to_owned(),
        email: "ada.original@example.com".to_owned(),
        email_verified: true,
        image: None,
        created_at: now,
        updated_at: now,
        extra: Row::new(),
    };
    let user = auth.store().create(user).await.unwrap().unwrap();
    let session = Session {
        id: "session-1".to_owned(),
        token: "session-token-1".to_owned(),
        user_id: user.id.clone(),
        expires_at: now + time::Duration::days(7),
        ip_address: None,
        user_agent: None,
        created_at: now,
        updated_at: now,
        extra: Row::new(),
    };
    auth.store().create(session).await.unwrap();
    user
}

async fn create(auth: &Auth, token: &str, body: &Value) -> Response {
    scim_call(auth, Method::POST, "/Users", token, Some(body)).await
}

fn user_body(user_name: &str, email: &str, display_name: &str) -> Value {
    json!({
        "schemas": [CORE_USER],
        "userName": user_name,
        "displayName": display_name,
        "emails": [{"value": email, "primary": true}],
    })
}

async fn deactivate(auth: &Auth, token: &str, id: &str) -> Response {
    let body = json!({"schemas": [PATCH_OP], "Operations": [{"op": "replace", "path": "active", "value": false}]});
    scim_call(
        auth,
        Method::PATCH,
        &format!("/Users/{id}"),
        token,
        Some(&body),
    )
    .await
}

async fn all<M: bulwark_core::models::Model>(auth: &Auth) -> Vec<M> {
    auth.store()
        .find_many(&Where::all(), &[], None, None)
        .await
        .unwrap()
}

async fn the_user(auth: &Auth, id: &str) -> User {
    auth.store()
        .find_one(&Where::eq("id", id))
        .await
        .unwrap()
        .expect("the user")
}

/// Asserts a 409 `uniqueness` SCIM error with `detail`.
fn assert_conflict(res: &Response, detail: &str) {
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.json);
    assert_eq!(res.json["scimType"], "uniqueness");
    assert_eq!(res.json["detail"], detail);
}

/// upstream: scim-identity-resolution.test.ts › SCIM explicit identity resolution › defaults to creating a new Better Auth User when no resolver is configured
#[tokio::test]
async fn without_a_resolver_every_create_makes_a_new_user() {
    let auth = auth(None);
    let existing = existing_user(&auth).await;
    let res = create(
        &auth,
        A,
        &user_body("ada", "ada@example.com", "Ada Directory"),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
    let users: Vec<User> = all(&auth).await;
    assert_eq!(users.len(), 2);
    let scim: Vec<ScimUser> = all(&auth).await;
    assert_ne!(scim[0].user_id, existing.id);
    assert_eq!(
        scim[0].profile_user_id.as_deref(),
        Some(scim[0].user_id.as_str())
    );
}

/// upstream: scim-identity-resolution.test.ts › SCIM explicit identity resolution › links with preserved profile authority without creating or overwriting identity records
#[tokio::test]
async fn a_preserving_link_leaves_the_user_profile_alone() {
    let auth = auth(Some(link_to("existing-user", ProfileAuthority::Preserve)));
    let existing = existing_user(&auth).await;
    let res = create(
        &auth,
        A,
        &user_body(
            "directory-ada",
            "directory-managed@example.com",
            "Directory Managed Name",
        ),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
    let id = res.json["id"].as_str().unwrap().to_owned();
    let body = json!({"schemas": [PATCH_OP], "Operations": [{"op": "replace", "value": {
        "displayName": "Updated Directory Name",
        "emails": [{"value": "updated-directory@example.com", "primary": true}],
    }}]});
    let res = scim_call(
        &auth,
        Method::PATCH,
        &format!("/Users/{id}"),
        A,
        Some(&body),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);

    assert_eq!(all::<User>(&auth).await.len(), 1);
    let user = the_user(&auth, &existing.id).await;
    assert_eq!(
        (user.name.as_str(), user.email.as_str(), user.email_verified),
        ("Ada Original", "ada.original@example.com", true)
    );
    let scim: Vec<ScimUser> = all(&auth).await;
    assert_eq!(scim[0].user_id, existing.id);
    assert_eq!(scim[0].display_name, "Updated Directory Name");
    assert_eq!(scim[0].primary_email, "updated-directory@example.com");
    assert_eq!(scim[0].profile_user_id, None);
}

/// upstream: scim-identity-resolution.test.ts › SCIM explicit identity resolution › revokes email verification whenever a managing source changes the backing email
#[tokio::test]
async fn a_managing_link_takes_over_the_profile_and_unverifies_changed_emails() {
    let auth = auth(Some(link_to("existing-user", ProfileAuthority::Manage)));
    let existing = existing_user(&auth).await;
    let res = create(
        &auth,
        A,
        &user_body(
            "managed-directory-user",
            "managed@example.com",
            "Managed Profile",
        ),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
    let id = res.json["id"].as_str().unwrap().to_owned();
    let user = the_user(&auth, &existing.id).await;
    assert_eq!(
        (user.name.as_str(), user.email.as_str(), user.email_verified),
        ("Managed Profile", "managed@example.com", false)
    );

    let mut verified = Row::new();
    verified.set("emailVerified", true);
    auth.store()
        .update::<User>(&Where::eq("id", existing.id.as_str()), verified)
        .await
        .unwrap();
    let replaced = user_body("managed-directory-user", "replaced@example.com", "Replaced");
    let res = scim_call(
        &auth,
        Method::PUT,
        &format!("/Users/{id}"),
        A,
        Some(&replaced),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    let user = the_user(&auth, &existing.id).await;
    assert_eq!(
        (user.email.as_str(), user.email_verified),
        ("replaced@example.com", false)
    );
}

/// upstream: scim-identity-resolution.test.ts › SCIM explicit identity resolution › rejects a second profile-managing source atomically
#[tokio::test]
async fn a_second_managing_source_is_a_conflict() {
    let auth = auth(Some(link_to("existing-user", ProfileAuthority::Manage)));
    existing_user(&auth).await;
    let first = create(&auth, A, &user_body("ada-a", "ada.a@example.com", "Ada A")).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.json);
    let second = create(&auth, B, &user_body("ada-b", "ada.b@example.com", "Ada B")).await;
    assert_conflict(
        &second,
        "Another SCIM source already manages this User profile",
    );
    assert_eq!(all::<ScimUser>(&auth).await.len(), 1);
    assert_eq!(
        the_user(&auth, "existing-user").await.email,
        "ada.a@example.com"
    );
}

/// upstream: scim-identity-resolution.test.ts › SCIM explicit identity resolution › allows two connections to link independent sources to one User
/// upstream: scim-identity-resolution.test.ts › SCIM explicit identity resolution › revokes sessions only when the final linked source becomes inactive
#[tokio::test]
async fn two_connections_link_one_user_and_sessions_end_with_the_last_active_source() {
    let auth = auth(Some(link_to("existing-user", ProfileAuthority::Preserve)));
    existing_user(&auth).await;
    let a = create(&auth, A, &user_body("ada", "ada@example.com", "Ada")).await;
    let b = create(&auth, B, &user_body("ada", "ada@example.com", "Ada")).await;
    assert_eq!(
        (a.status, b.status),
        (StatusCode::CREATED, StatusCode::CREATED)
    );
    let scim: Vec<ScimUser> = all(&auth).await;
    assert_eq!(scim.len(), 2);
    assert!(scim.iter().all(|s| s.user_id == "existing-user"));
    assert_eq!(all::<User>(&auth).await.len(), 1);

    let res = deactivate(&auth, A, a.json["id"].as_str().unwrap()).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(all::<Session>(&auth).await.len(), 1);
    let res = deactivate(&auth, B, b.json["id"].as_str().unwrap()).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert!(all::<Session>(&auth).await.is_empty());
}

/// upstream: scim-identity-resolution.test.ts › SCIM explicit identity resolution › rejects a second source for the same User in one connection
#[tokio::test]
async fn one_connection_links_a_user_once() {
    let auth = auth(Some(link_to("existing-user", ProfileAuthority::Preserve)));
    existing_user(&auth).await;
    let first = create(&auth, A, &user_body("ada", "ada@example.com", "Ada")).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.json);
    let second = create(&auth, A, &user_body("ada-2", "ada2@example.com", "Ada")).await;
    assert_conflict(
        &second,
        "The Better Auth User is already linked to a SCIM User of this connection",
    );
    assert_eq!(all::<ScimUser>(&auth).await.len(), 1);
}

/// upstream: scim-identity-resolution.test.ts › SCIM explicit identity resolution › rejects a missing link target without persisting partial identity state
#[tokio::test]
async fn a_missing_link_target_writes_nothing() {
    let auth = auth(Some(link_to("missing-user", ProfileAuthority::Preserve)));
    let res = create(
        &auth,
        A,
        &json!({"schemas": [CORE_USER], "userName": "missing-target@example.com"}),
    )
    .await;
    assert!(res.status.is_client_error(), "{} {}", res.status, res.json);
    assert!(all::<User>(&auth).await.is_empty());
    assert!(all::<ScimUser>(&auth).await.is_empty());
}

#[tokio::test]
async fn a_resolver_error_is_answered_and_nothing_is_written() {
    let resolver: IdentityResolver = Arc::new(|input| {
        Box::pin(async move {
            assert_eq!(input.connection_id, "a");
            assert_eq!(input.primary_email.as_deref(), Some("ada@example.com"));
            Err(bulwark_core::ApiError::message_only(
                StatusCode::FORBIDDEN,
                "not this one",
            ))
        })
    });
    let auth = auth(Some(resolver));
    let res = create(&auth, A, &user_body("ada", "ada@example.com", "Ada")).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.json);
    assert!(all::<User>(&auth).await.is_empty());
}

/// A resolver in the spirit of v1.6.30's `linkExistingUsers: { trustedDomains }`: a User whose
/// email belongs to a trusted domain links the existing user of that email, keeping its profile.
fn link_trusted_emails(trusted: &'static [&'static str]) -> IdentityResolver {
    Arc::new(move |input| {
        Box::pin(async move {
            let Some(email) = input.primary_email else {
                return Ok(IdentityResolution::Create);
            };
            let domain = email.rsplit_once('@').map(|(_, domain)| domain.to_owned());
            if !domain.is_some_and(|domain| trusted.contains(&domain.as_str())) {
                return Ok(IdentityResolution::Create);
            }
            let existing = input
                .auth
                .store()
                .find_one::<User>(&Where::eq("email", email.as_str()))
                .await?;
            Ok(existing.map_or(IdentityResolution::Create, |user| {
                IdentityResolution::Link {
                    user_id: user.id,
                    profile: ProfileAuthority::Preserve,
                }
            }))
        })
    })
}

/// An existing user of `email` with a password account.
async fn signed_up(auth: &Auth, id: &str, email: &str, name: &str) -> User {
    let now = auth.env().clock.now();
    let user = User {
        id: id.to_owned(),
        name: name.to_owned(),
        email: email.to_owned(),
        email_verified: false,
        image: None,
        created_at: now,
        updated_at: now,
        extra: Row::new(),
    };
    let user = auth.store().create(user).await.unwrap().unwrap();
    let account = Account {
        id: format!("{id}-account"),
        account_id: user.id.clone(),
        provider_id: "credential".to_owned(),
        user_id: user.id.clone(),
        access_token: None,
        refresh_token: None,
        id_token: None,
        access_token_expires_at: None,
        refresh_token_expires_at: None,
        scope: None,
        password: Some("hashed".to_owned()),
        created_at: now,
        updated_at: now,
        extra: Row::new(),
    };
    auth.store().create(account).await.unwrap();
    user
}

/// upstream: scim.test.ts › SCIM › POST /scim/v2/Users › should create a new account linked to an existing user
/// upstream: scim.test.ts › SCIM › POST /scim/v2/Users › should only link a pre-existing user whose email domain is trusted
#[tokio::test]
async fn a_resolver_links_existing_users_of_trusted_domains_only() {
    let auth = auth(Some(link_trusted_emails(&["trusted.com"])));
    signed_up(&auth, "other", "user@other.com", "other").await;
    let trusted = signed_up(&auth, "trusted", "user@trusted.com", "trusted").await;

    let refused = create(
        &auth,
        A,
        &json!({"schemas": [CORE_USER], "userName": "other", "emails": [{"value": "user@other.com"}]}),
    )
    .await;
    assert_conflict(&refused, "A Better Auth User already uses this email");

    let linked = create(
        &auth,
        A,
        &json!({"schemas": [CORE_USER], "userName": "trusted", "emails": [{"value": "user@trusted.com"}]}),
    )
    .await;
    assert_eq!(linked.status, StatusCode::CREATED, "{}", linked.json);
    assert_eq!(
        linked.json["emails"],
        json!([{"value": "user@trusted.com", "primary": true}])
    );
    assert_eq!(all::<User>(&auth).await.len(), 2);
    let scim: Vec<ScimUser> = all(&auth).await;
    assert_eq!(scim[0].user_id, trusted.id);
    assert_eq!(the_user(&auth, &trusted.id).await.name, "trusted");
}

/// upstream: scim-users.test.ts › SCIM write-path access and validation › revokes sessions when create links and deactivates a pre-existing user
#[tokio::test]
async fn linking_an_inactive_user_ends_its_sessions() {
    let auth = auth(Some(link_to("existing-user", ProfileAuthority::Preserve)));
    existing_user(&auth).await;
    assert_eq!(all::<Session>(&auth).await.len(), 1);
    let mut body = user_body("ada", "ada@example.com", "Ada");
    body["active"] = json!(false);
    let res = create(&auth, A, &body).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
    assert_eq!(res.json["active"], false);
    assert!(all::<Session>(&auth).await.is_empty());
}

/// upstream: scim-users.test.ts › SCIM write-path access and validation › unlinks the provider account instead of globally deleting a user with other identities
#[tokio::test]
async fn deleting_a_linked_user_keeps_a_user_with_other_identities() {
    let auth = auth(Some(link_trusted_emails(&["example.com"])));
    let user = signed_up(&auth, "ada", "ada@example.com", "Ada").await;
    let res = create(&auth, A, &user_body("ada", "ada@example.com", "Ada")).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
    let id = res.json["id"].as_str().unwrap();
    let res = scim_call(&auth, Method::DELETE, &format!("/Users/{id}"), A, None).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.json);
    assert!(all::<ScimUser>(&auth).await.is_empty());
    assert_eq!(the_user(&auth, &user.id).await.email, "ada@example.com");
    let accounts: Vec<Account> = all(&auth).await;
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0].provider_id, "credential");
}
