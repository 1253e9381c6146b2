//! Provider-token management (`/scim/generate-token`, `/scim/list-provider-connections`,
//! `/scim/get-provider-connection`, `/scim/delete-provider-connection`): upstream v1.6.30's
//! `scim.management.test.ts`, plus storage, rotation and the before-hook difference.
//!
//! Upstream's tests that check a minted token by provisioning a user check it here with
//! `provider_token::verify`, the credential check every `/scim/v2` request runs. Upstream's tests of
//! collisions with social, generic OAuth and SSO providers have no counterpart: Bulwark has none of
//! those plugins.
//!
//! The file is long because it ports one upstream file test by test (37 of its 42 tests) and keeps its
//! order, so the two read side by side.

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use bulwark_core::adapter::BoxFuture;
use bulwark_core::crypto::{base64url_decode, base64url_encode};
use bulwark_core::options::EmailAndPasswordOptions;
use bulwark_core::{ApiError, Auth, AuthBuilder, Where};
use bulwark_organization::api::NewMember;
use bulwark_organization::models::Member;
use bulwark_organization::{OrganizationApi, OrganizationOptions, organization};
use bulwark_scim::credentials::provider_token;
use bulwark_scim::models::ScimProvider;
use bulwark_scim::options::{TokenGenerated, TokenRequest, TokenStorage};
use bulwark_scim::{Principal, ScimError, ScimOptions, scim};
use bulwark_test_support::{Backend, TestDb};
use bytes::Bytes;
use http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};

use crate::harness::{ORIGIN, builder};

/// An auth with email and password, the scim plugin and the organization plugin.
fn auth_with(options: ScimOptions) -> Auth {
    auth_with_organization(options, Some(OrganizationOptions::default()))
}

fn auth_with_organization(
    options: ScimOptions,
    organization_options: Option<OrganizationOptions>,
) -> Auth {
    auth_on(builder(), options, organization_options)
}

fn auth_on(
    builder: AuthBuilder,
    options: ScimOptions,
    organization_options: Option<OrganizationOptions>,
) -> Auth {
    let mut builder = builder
        .email_and_password(EmailAndPasswordOptions::enabled())
        .plugin(scim(options));
    if let Some(organization_options) = organization_options {
        builder = builder.plugin(organization(organization_options));
    }
    builder.build().expect("valid configuration")
}

fn plain() -> ScimOptions {
    ScimOptions::default().store_scim_token(TokenStorage::Plain)
}

struct Res {
    status: StatusCode,
    json: Value,
}

async fn send(
    auth: &Auth,
    method: Method,
    path: &str,
    body: Option<Value>,
    cookie: Option<&str>,
) -> Res {
    let mut req = Request::builder()
        .method(method)
        .uri(format!("{ORIGIN}/api/auth{path}"))
        .header(header::ORIGIN, ORIGIN);
    if body.is_some() {
        req = req.header(header::CONTENT_TYPE, "application/json");
    }
    if let Some(cookie) = cookie {
        req = req.header(header::COOKIE, cookie);
    }
    let body = body.map_or_else(Bytes::new, |b| Bytes::from(b.to_string()));
    let res = auth.handle(req.body(body).unwrap()).await;
    Res {
        status: res.status(),
        json: serde_json::from_slice(res.body()).unwrap_or(Value::Null),
    }
}

async fn post(auth: &Auth, path: &str, body: Value, cookie: Option<&str>) -> Res {
    send(auth, Method::POST, path, Some(body), cookie).await
}

async fn get(auth: &Auth, path: &str, cookie: &str) -> Res {
    send(auth, Method::GET, path, None, Some(cookie)).await
}

/// A signed-up user: id, email and session cookie.
struct User {
    id: String,
    email: String,
    cookie: String,
}

async fn sign_up(auth: &Auth, name: &str) -> User {
    let email = format!("{}@policy.test", name.to_lowercase());
    let body = json!({"name": name, "email": email, "password": "password123"});
    let req = Request::builder()
        .method(Method::POST)
        .uri(format!("{ORIGIN}/api/auth/sign-up/email"))
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ORIGIN, ORIGIN)
        .body(Bytes::from(body.to_string()))
        .unwrap();
    let res = auth.handle(req).await;
    assert_eq!(res.status(), StatusCode::OK);
    let cookie = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|c| c.to_str().unwrap().split(';').next())
        .find(|c| c.starts_with("better-auth.session_token="))
        .expect("a session cookie")
        .to_owned();
    let json: Value = serde_json::from_slice(res.body()).unwrap();
    User {
        id: json["user"]["id"].as_str().unwrap().to_owned(),
        email,
        cookie,
    }
}

/// Creates an organization as `user` (its creator role) and returns its id.
async fn create_organization(auth: &Auth, user: &User, slug: &str) -> String {
    let res = post(
        auth,
        "/organization/create",
        json!({"name": format!("the organization {slug}"), "slug": slug}),
        Some(&user.cookie),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    res.json["id"].as_str().unwrap().to_owned()
}

async fn add_member(auth: &Auth, organization_id: &str, user: &User, roles: &[&str]) {
    OrganizationApi::new(auth)
        .unwrap()
        .add_member(NewMember::new(organization_id, &user.id, roles))
        .await
        .unwrap();
}

async fn generate(
    auth: &Auth,
    user: &User,
    provider_id: &str,
    organization_id: Option<&str>,
) -> Res {
    let mut body = json!({ "providerId": provider_id });
    if let Some(organization_id) = organization_id {
        body["organizationId"] = json!(organization_id);
    }
    post(auth, "/scim/generate-token", body, Some(&user.cookie)).await
}

/// Generates a token and returns it.
async fn token(
    auth: &Auth,
    user: &User,
    provider_id: &str,
    organization_id: Option<&str>,
) -> String {
    let res = generate(auth, user, provider_id, organization_id).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
    res.json["scimToken"].as_str().unwrap().to_owned()
}

/// The credential check every `/scim/v2` request runs on a bearer token.
async fn verify(auth: &Auth, token: &str) -> Result<Option<Principal>, ScimError> {
    let options = auth.extension::<ScimOptions>().unwrap();
    provider_token::verify(auth, options, token).await
}

async fn assert_valid(auth: &Auth, token: &str, provider_id: &str) -> Principal {
    let principal = verify(auth, token)
        .await
        .unwrap()
        .expect("a provider token");
    assert_eq!(principal.connection_id, provider_id);
    principal
}

async fn assert_invalid(auth: &Auth, token: &str) {
    match verify(auth, token).await {
        Err(err) => assert_eq!(err.status, StatusCode::UNAUTHORIZED),
        Ok(None) => {}
        Ok(Some(principal)) => panic!("{token} still authenticates as {principal:?}"),
    }
}

async fn stored(auth: &Auth, provider_id: &str) -> Option<ScimProvider> {
    auth.store()
        .find_one(&Where::eq("providerId", provider_id))
        .await
        .unwrap()
}

/// The random secret of a token.
fn secret_of(token: &str) -> String {
    provider_token::decode(token).unwrap().secret
}

#[track_caller]
fn assert_message(res: &Res, status: StatusCode, message: &str) {
    assert_eq!(res.status, status, "{}", res.json);
    assert_eq!(res.json, json!({ "message": message }));
}

fn provider_ids(res: &Res) -> Vec<&str> {
    res.json["providers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["providerId"].as_str().unwrap())
        .collect()
}

fn hook(
    f: impl Fn(TokenGenerated) -> Result<(), ApiError> + Send + Sync + 'static,
) -> bulwark_scim::options::TokenHook {
    Arc::new(move |event| -> BoxFuture<'static, Result<(), ApiError>> {
        let result = f(event);
        Box::pin(async move { result })
    })
}

fn gate(
    f: impl Fn(TokenRequest) -> bool + Send + Sync + 'static,
) -> bulwark_scim::options::TokenGate {
    Arc::new(
        move |request| -> BoxFuture<'static, Result<bool, ApiError>> {
            let allowed = f(request);
            Box::pin(async move { Ok(allowed) })
        },
    )
}

/// What `can_generate_token` was called with.
type Seen = (String, Option<Member>);

// ---- POST /scim/generate-token ----

// upstream: scim.management.test.ts › SCIM provider management › POST /scim/generate-token › should require user session
#[tokio::test]
async fn generate_token_requires_a_session() {
    let auth = auth_with(ScimOptions::default());
    let res = post(
        &auth,
        "/scim/generate-token",
        json!({"providerId": "the id"}),
        None,
    )
    .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        res.json,
        json!({"message": "Unauthorized", "code": "UNAUTHORIZED"})
    );
}

#[tokio::test]
async fn generate_token_validates_its_body_as_upstream_does() {
    let auth = auth_with(ScimOptions::default());
    let user = sign_up(&auth, "Ada").await;
    let res = post(&auth, "/scim/generate-token", json!({}), Some(&user.cookie)).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        res.json,
        json!({"message": "[body.providerId] Invalid input: expected string, received undefined", "code": "VALIDATION_ERROR"})
    );
    let res = post(
        &auth,
        "/scim/generate-token",
        json!({"providerId": 1, "organizationId": null}),
        Some(&user.cookie),
    )
    .await;
    assert_eq!(
        res.json["message"],
        "[body.providerId] Invalid input: expected string, received number; [body.organizationId] Invalid input: expected string, received null"
    );
}

// upstream: scim.management.test.ts › SCIM provider management › POST /scim/generate-token › should deny personal token creation when canGenerateToken returns false
#[tokio::test]
async fn can_generate_token_may_refuse_personal_tokens() {
    let options = ScimOptions::default().can_generate_token(gate(|r| r.organization_id.is_some()));
    let auth = auth_with(options);
    let user = sign_up(&auth, "Ada").await;
    let res = generate(&auth, &user, "personal-provider", None).await;
    assert_message(
        &res,
        StatusCode::FORBIDDEN,
        "You are not allowed to generate a SCIM token",
    );
    assert!(stored(&auth, "personal-provider").await.is_none());
}

// upstream: scim.management.test.ts › SCIM provider management › POST /scim/generate-token › should allow token creation when canGenerateToken returns true (member is null for personal)
#[tokio::test]
async fn can_generate_token_sees_no_member_for_personal_tokens() {
    let received: Arc<Mutex<Option<Seen>>> = Arc::default();
    let seen = Arc::clone(&received);
    let options = ScimOptions::default().can_generate_token(gate(move |r| {
        *seen.lock().unwrap() = Some((r.provider_id, r.member));
        true
    }));
    let auth = auth_with(options);
    let user = sign_up(&auth, "Ada").await;
    let token = token(&auth, &user, "personal-provider", None).await;
    assert!(!token.is_empty());
    assert_eq!(
        *received.lock().unwrap(),
        Some(("personal-provider".to_owned(), None))
    );
}

// upstream: scim.management.test.ts › SCIM provider management › POST /scim/generate-token › should fail if the authenticated user does not belong to the given org
#[tokio::test]
async fn organization_tokens_need_a_membership() {
    let auth = auth_with(ScimOptions::default());
    let user = sign_up(&auth, "Ada").await;
    let res = generate(&auth, &user, "the id", Some("the-org")).await;
    assert_message(
        &res,
        StatusCode::FORBIDDEN,
        "You are not a member of the organization",
    );
}

#[tokio::test]
async fn organization_tokens_need_the_organization_plugin() {
    let auth = auth_with_organization(ScimOptions::default(), None);
    let user = sign_up(&auth, "Ada").await;
    let res = generate(&auth, &user, "the id", Some("the-org")).await;
    assert_message(
        &res,
        StatusCode::BAD_REQUEST,
        "Restricting a token to an organization requires the organization plugin",
    );
    // Personal tokens work without it.
    let token = token(&auth, &user, "the id", None).await;
    assert_valid(&auth, &token, "the id").await;
}

// upstream: scim.management.test.ts › SCIM provider management › POST /scim/generate-token › should fail to generate a SCIM token on invalid provider
#[tokio::test]
async fn provider_ids_with_colons_are_refused() {
    let auth = auth_with(plain());
    let user = sign_up(&auth, "Ada").await;
    let res = generate(&auth, &user, "the:provider", None).await;
    assert_message(
        &res,
        StatusCode::BAD_REQUEST,
        "Provider id contains forbidden characters",
    );
}

// upstream: scim.management.test.ts › SCIM provider management › POST /scim/generate-token › rejects providerId values that collide with built-in account providers
#[tokio::test]
async fn built_in_account_provider_ids_are_refused() {
    let auth = auth_with(ScimOptions::default());
    let user = sign_up(&auth, "Ada").await;
    for reserved in [
        "credential",
        "email-otp",
        "magic-link",
        "phone-number",
        "anonymous",
        "siwe",
    ] {
        let res = generate(&auth, &user, reserved, None).await;
        assert_message(
            &res,
            StatusCode::BAD_REQUEST,
            "Provider id collides with another account provider and cannot be used for SCIM",
        );
    }
}

// upstream: scim.management.test.ts › SCIM provider management › POST /scim/generate-token › should generate a new scim token (client)
#[tokio::test]
async fn generated_tokens_authenticate() {
    let auth = auth_with(ScimOptions::default());
    let user = sign_up(&auth, "Ada").await;
    let res = generate(&auth, &user, "the id", None).await;
    assert_eq!(res.status, StatusCode::CREATED);
    let object = res.json.as_object().unwrap();
    assert_eq!(object.keys().collect::<Vec<_>>(), ["scimToken"]);
    let token = res.json["scimToken"].as_str().unwrap();
    let principal = assert_valid(&auth, token, "the id").await;
    assert_eq!(principal.organization_id, None);
    let row = stored(&auth, "the id").await.unwrap();
    assert_eq!(
        row.user_id.as_deref(),
        Some(user.id.as_str()),
        "ownership is on by default"
    );
}

// upstream: scim.management.test.ts › SCIM provider management › POST /scim/generate-token › should generate a new scim token (plain)
#[tokio::test]
async fn plain_tokens_are_stored_as_issued() {
    let auth = auth_with(plain());
    let user = sign_up(&auth, "Ada").await;
    let token = token(&auth, &user, "the id", None).await;
    assert_valid(&auth, &token, "the id").await;
    let row = stored(&auth, "the id").await.unwrap();
    assert_eq!(row.scim_token, secret_of(&token));
    assert!(provider_token::matches(
        &auth,
        &TokenStorage::Plain,
        &row.scim_token,
        &secret_of(&token)
    ));
}

// upstream: scim.management.test.ts › SCIM provider management › POST /scim/generate-token › should generate a new scim token (hashed)
#[tokio::test]
async fn hashed_tokens_are_stored_as_sha256() {
    // Hashed storage is Bulwark's default.
    let auth = auth_with(ScimOptions::default());
    let user = sign_up(&auth, "Ada").await;
    let token = token(&auth, &user, "the id", None).await;
    assert_valid(&auth, &token, "the id").await;
    let secret = secret_of(&token);
    assert_eq!(secret.len(), provider_token::SECRET_LEN);
    let row = stored(&auth, "the id").await.unwrap();
    assert_eq!(row.scim_token.len(), 43);
    assert_ne!(row.scim_token, secret);
    assert!(!row.scim_token.contains(&secret));
    assert_eq!(row.scim_token, provider_token::hash(&secret));
}

// upstream: scim.management.test.ts › SCIM provider management › POST /scim/generate-token › should generate a new scim token (custom hash)
#[tokio::test]
async fn custom_hashes_are_applied() {
    let storage = TokenStorage::CustomHash(Arc::new(|value| format!("{value}hello")));
    let auth = auth_with(ScimOptions::default().store_scim_token(storage));
    let user = sign_up(&auth, "Ada").await;
    let token = token(&auth, &user, "the id", None).await;
    assert_valid(&auth, &token, "the id").await;
    let row = stored(&auth, "the id").await.unwrap();
    assert_eq!(row.scim_token, format!("{}hello", secret_of(&token)));
}

// upstream: scim.management.test.ts › SCIM provider management › POST /scim/generate-token › should generate a new scim token (encrypted)
#[tokio::test]
async fn encrypted_tokens_decrypt_with_the_secret() {
    let auth = auth_with(ScimOptions::default().store_scim_token(TokenStorage::Encrypted));
    let user = sign_up(&auth, "Ada").await;
    let token = token(&auth, &user, "the id", None).await;
    assert_valid(&auth, &token, "the id").await;
    let row = stored(&auth, "the id").await.unwrap();
    let secret = secret_of(&token);
    assert!(!row.scim_token.contains(&secret));
    assert!(provider_token::matches(
        &auth,
        &TokenStorage::Encrypted,
        &row.scim_token,
        &secret
    ));
    assert!(!provider_token::matches(
        &auth,
        &TokenStorage::Encrypted,
        &row.scim_token,
        "x"
    ));
}

// upstream: scim.management.test.ts › SCIM provider management › POST /scim/generate-token › should generate a new scim token (custom encryption)
#[tokio::test]
async fn custom_encryption_is_applied() {
    let storage = TokenStorage::CustomEncryption {
        encrypt: Arc::new(|value| value.chars().rev().collect()),
        decrypt: Arc::new(|value| Some(value.chars().rev().collect())),
    };
    let auth = auth_with(ScimOptions::default().store_scim_token(storage));
    let user = sign_up(&auth, "Ada").await;
    let token = token(&auth, &user, "the id", None).await;
    assert_valid(&auth, &token, "the id").await;
    let row = stored(&auth, "the id").await.unwrap();
    assert_eq!(
        row.scim_token,
        secret_of(&token).chars().rev().collect::<String>()
    );
}

// upstream: scim.management.test.ts › SCIM provider management › POST /scim/generate-token › rejects a SCIM token whose secret does not match the stored value
#[tokio::test]
async fn tampered_secrets_are_rejected() {
    let auth = auth_with(ScimOptions::default());
    let user = sign_up(&auth, "Ada").await;
    let token = token(&auth, &user, "the id", None).await;
    let raw = String::from_utf8(base64url_decode(token.trim_end_matches('=')).unwrap()).unwrap();
    let (secret, rest) = raw.split_once(':').unwrap();
    let last = if secret.ends_with('x') { "y" } else { "x" };
    let forged_secret = format!("{}{last}", &secret[..secret.len() - 1]);
    let forged = base64url_encode(format!("{forged_secret}:{rest}").as_bytes());
    let err = verify(&auth, &forged).await.unwrap_err();
    assert_eq!(err.status, StatusCode::UNAUTHORIZED);
}

// upstream: scim.management.test.ts › SCIM provider management › POST /scim/generate-token › should generate a new scim token associated to an org
#[tokio::test]
async fn organization_tokens_carry_the_organization() {
    let auth = auth_with(ScimOptions::default());
    let user = sign_up(&auth, "Ada").await;
    let org = create_organization(&auth, &user, "the-org-a").await;
    let token = token(&auth, &user, "the id", Some(&org)).await;
    let principal = assert_valid(&auth, &token, "the id").await;
    assert_eq!(principal.organization_id.as_deref(), Some(org.as_str()));
    let parts = provider_token::decode(&token).unwrap();
    assert_eq!(parts.organization_id.as_deref(), Some(org.as_str()));
}

// upstream: scim.management.test.ts › SCIM provider management › POST /scim/generate-token › should execute hooks before SCIM token generation
#[tokio::test]
async fn before_hooks_can_refuse_a_token() {
    let options = ScimOptions::default().before_token_generated(hook(|event| match event.member {
        Some(member) if member.role == "owner" => Err(ApiError::message_only(
            StatusCode::FORBIDDEN,
            "You do not have enough privileges to generate a SCIM token",
        )),
        _ => Ok(()),
    }));
    let auth = auth_with(options);
    let user = sign_up(&auth, "Ada").await;
    let org = create_organization(&auth, &user, "the-org").await;
    let res = generate(&auth, &user, "the id", Some(&org)).await;
    assert_message(
        &res,
        StatusCode::FORBIDDEN,
        "You do not have enough privileges to generate a SCIM token",
    );
    assert!(stored(&auth, "the id").await.is_none());
}

/// Bulwark differs from upstream here: upstream deletes the previous row before the hook runs, so a
/// refusing hook leaves the provider without any valid token.
#[tokio::test]
async fn a_refused_rotation_keeps_the_previous_token_valid() {
    let refuse = Arc::new(Mutex::new(false));
    let flag = Arc::clone(&refuse);
    let options = ScimOptions::default().before_token_generated(hook(move |event| {
        assert!(!event.scim_token.is_empty());
        assert!(event.scim_provider.is_none());
        if *flag.lock().unwrap() {
            return Err(ApiError::message_only(
                StatusCode::FORBIDDEN,
                "rotation frozen",
            ));
        }
        Ok(())
    }));
    let auth = auth_with(options);
    let user = sign_up(&auth, "Ada").await;
    let first = token(&auth, &user, "okta", None).await;
    let row = stored(&auth, "okta").await.unwrap();
    *refuse.lock().unwrap() = true;
    let res = generate(&auth, &user, "okta", None).await;
    assert_message(&res, StatusCode::FORBIDDEN, "rotation frozen");
    assert_valid(&auth, &first, "okta").await;
    assert_eq!(stored(&auth, "okta").await.unwrap(), row);
}

// upstream: scim.management.test.ts › SCIM provider management › POST /scim/generate-token › should execute hooks after SCIM token generation
#[tokio::test]
async fn after_hooks_see_the_stored_row() {
    let seen: Arc<Mutex<Option<(String, ScimProvider)>>> = Arc::default();
    let sink = Arc::clone(&seen);
    let options = plain().after_token_generated(hook(move |event| {
        *sink.lock().unwrap() = Some((event.scim_token, event.scim_provider.unwrap()));
        Ok(())
    }));
    let auth = auth_with(options);
    let user = sign_up(&auth, "Ada").await;
    let token = token(&auth, &user, "the id", None).await;
    let (hook_token, provider) = seen.lock().unwrap().clone().unwrap();
    assert_eq!(hook_token, token);
    assert_eq!(provider.scim_token, secret_of(&token));
    assert_eq!(Some(provider), stored(&auth, "the id").await);
}

#[tokio::test]
async fn regenerating_replaces_the_previous_token() {
    let auth = auth_with(ScimOptions::default());
    let user = sign_up(&auth, "Ada").await;
    let first = token(&auth, &user, "okta", None).await;
    let second = token(&auth, &user, "okta", None).await;
    assert_ne!(first, second);
    assert_invalid(&auth, &first).await;
    assert_valid(&auth, &second, "okta").await;
    let rows: Vec<ScimProvider> = auth
        .store()
        .find_many(&Where::all(), &[], None, None)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
}

// upstream: scim.management.test.ts › SCIM provider management › POST /scim/generate-token › should deny regenerate when user is not the owner of a personal provider
#[tokio::test]
async fn only_the_owner_regenerates_a_personal_provider() {
    let auth = auth_with(ScimOptions::default().provider_ownership(true));
    let a = sign_up(&auth, "User1").await;
    let b = sign_up(&auth, "User2").await;
    let token = token(&auth, &a, "user-a-owned-provider", None).await;
    let res = generate(&auth, &b, "user-a-owned-provider", None).await;
    assert_message(
        &res,
        StatusCode::FORBIDDEN,
        "You must be the owner to access this provider",
    );
    assert_valid(&auth, &token, "user-a-owned-provider").await;
}

// upstream: scim.management.test.ts › SCIM provider management › POST /scim/generate-token › should deny regenerate when provider belongs to another org
#[tokio::test]
async fn another_organizations_provider_cannot_be_regenerated() {
    let auth = auth_with(ScimOptions::default());
    let a = sign_up(&auth, "User1").await;
    let b = sign_up(&auth, "User2").await;
    let org1 = create_organization(&auth, &a, "policy-org-1").await;
    let org2 = create_organization(&auth, &b, "policy-org-2").await;
    let token = token(&auth, &a, "other-org", Some(&org1)).await;
    let res = generate(&auth, &b, "other-org", None).await;
    assert_message(
        &res,
        StatusCode::FORBIDDEN,
        "You must be a member of the organization to access this provider",
    );
    // Naming their own organization does not help: the provider id is taken.
    let res = generate(&auth, &b, "other-org", Some(&org2)).await;
    assert_message(
        &res,
        StatusCode::FORBIDDEN,
        "You must be a member of the organization to access this provider",
    );
    assert_valid(&auth, &token, "other-org").await;
}

#[tokio::test]
async fn rotation_and_deletion_on_sqlite() {
    let schema = auth_with(ScimOptions::default()).schema().clone();
    let Some(db) = TestDb::new(Backend::Sqlite, &schema).await else {
        return;
    };
    let auth = auth_on(
        builder().database(db.adapter()),
        ScimOptions::default(),
        Some(OrganizationOptions::default()),
    );
    let user = sign_up(&auth, "Ada").await;
    let org = create_organization(&auth, &user, "org-a").await;
    let first = token(&auth, &user, "okta", Some(&org)).await;
    let second = token(&auth, &user, "okta", Some(&org)).await;
    assert_invalid(&auth, &first).await;
    assert_valid(&auth, &second, "okta").await;
    // Moving the provider to a personal scope replaces the organization's row too.
    let personal = token(&auth, &user, "okta", None).await;
    assert_invalid(&auth, &second).await;
    assert_eq!(
        assert_valid(&auth, &personal, "okta").await.organization_id,
        None
    );
    let res = post(
        &auth,
        "/scim/delete-provider-connection",
        json!({"providerId": "okta"}),
        Some(&user.cookie),
    )
    .await;
    assert_eq!(res.json, json!({"success": true}));
    assert_invalid(&auth, &personal).await;
    drop(auth);
    db.cleanup().await;
}

// ---- GET /scim/list-provider-connections ----

// upstream: scim.management.test.ts › SCIM provider management › GET /scim/list-provider-connections › should return empty list when user is not in any org
#[tokio::test]
async fn list_is_empty_without_providers() {
    let auth = auth_with(ScimOptions::default());
    let user = sign_up(&auth, "Ada").await;
    let res = get(&auth, "/scim/list-provider-connections", &user.cookie).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.json, json!({"providers": []}));
}

#[tokio::test]
async fn list_requires_a_session() {
    let auth = auth_with(ScimOptions::default());
    let res = send(
        &auth,
        Method::GET,
        "/scim/list-provider-connections",
        None,
        None,
    )
    .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
}

// upstream: scim.management.test.ts › SCIM provider management › GET /scim/list-provider-connections › should return org-scoped providers for orgs the user is a member of
#[tokio::test]
async fn list_shows_the_providers_of_the_callers_organizations() {
    let auth = auth_with(ScimOptions::default());
    let a = sign_up(&auth, "User1").await;
    let b = sign_up(&auth, "User2").await;
    let org_a = create_organization(&auth, &a, "org-a").await;
    let org_b = create_organization(&auth, &b, "org-b").await;
    token(&auth, &a, "provider-1", Some(&org_a)).await;
    token(&auth, &a, "provider-2", Some(&org_a)).await;
    token(&auth, &b, "provider-3", Some(&org_b)).await;
    let res = get(&auth, "/scim/list-provider-connections", &a.cookie).await;
    assert_eq!(res.status, StatusCode::OK);
    let providers = res.json["providers"].as_array().unwrap();
    assert_eq!(providers.len(), 2);
    for (provider, expected) in providers.iter().zip(["provider-1", "provider-2"]) {
        let row = stored(&auth, expected).await.unwrap();
        assert_eq!(
            *provider,
            json!({"id": row.id, "providerId": expected, "organizationId": org_a})
        );
    }
}

// upstream: scim.management.test.ts › SCIM provider management › GET /scim/list-provider-connections › should return owned non-org providers in list for the owner
#[tokio::test]
async fn list_shows_personal_providers_to_their_owner_only() {
    let auth = auth_with(ScimOptions::default().provider_ownership(true));
    let a = sign_up(&auth, "User1").await;
    let b = sign_up(&auth, "User2").await;
    token(&auth, &a, "user-a-personal-provider", None).await;
    let res = get(&auth, "/scim/list-provider-connections", &a.cookie).await;
    assert_eq!(res.json["providers"].as_array().unwrap().len(), 1);
    assert_eq!(
        res.json["providers"][0]["providerId"],
        "user-a-personal-provider"
    );
    assert_eq!(res.json["providers"][0]["organizationId"], Value::Null);
    let res = get(&auth, "/scim/list-provider-connections", &b.cookie).await;
    assert_eq!(res.json, json!({"providers": []}));
}

#[tokio::test]
async fn unowned_personal_providers_are_visible_to_everyone() {
    // Without ownership (upstream's default) no owner is recorded, and upstream lets any signed-in user
    // manage such a provider.
    let auth = auth_with(ScimOptions::default().provider_ownership(false));
    let a = sign_up(&auth, "User1").await;
    let b = sign_up(&auth, "User2").await;
    token(&auth, &a, "shared", None).await;
    assert_eq!(stored(&auth, "shared").await.unwrap().user_id, None);
    let res = get(&auth, "/scim/list-provider-connections", &b.cookie).await;
    assert_eq!(provider_ids(&res), ["shared"]);
    let res = get(
        &auth,
        "/scim/get-provider-connection?providerId=shared",
        &b.cookie,
    )
    .await;
    assert_eq!(res.status, StatusCode::OK);
}

/// Bulwark differs from upstream here: with provider ownership on, an unowned personal provider (the
/// server's `scim create-token` makes them) is managed by no session, so no signed-in user can rotate it
/// into a token of their own.
#[tokio::test]
async fn unowned_personal_providers_are_closed_to_sessions_under_ownership() {
    let auth = auth_with(ScimOptions::default());
    let user = sign_up(&auth, "Ada").await;
    let (issued, row) = provider_token::issue(&auth, "from-the-command", None, None)
        .await
        .unwrap();
    assert_eq!(row.user_id, None);
    assert_eq!(row.scim_token, provider_token::hash(&secret_of(&issued)));
    let res = get(&auth, "/scim/list-provider-connections", &user.cookie).await;
    assert_eq!(res.json, json!({"providers": []}));
    let res = get(
        &auth,
        "/scim/get-provider-connection?providerId=from-the-command",
        &user.cookie,
    )
    .await;
    assert_message(
        &res,
        StatusCode::FORBIDDEN,
        "You must be the owner to access this provider",
    );
    let res = generate(&auth, &user, "from-the-command", None).await;
    assert_message(
        &res,
        StatusCode::FORBIDDEN,
        "You must be the owner to access this provider",
    );
    let res = post(
        &auth,
        "/scim/delete-provider-connection",
        json!({"providerId": "from-the-command"}),
        Some(&user.cookie),
    )
    .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_valid(&auth, &issued, "from-the-command").await;
    // Issuing again (the command run twice) replaces the row.
    let (again, _) = provider_token::issue(&auth, "from-the-command", None, None)
        .await
        .unwrap();
    assert_invalid(&auth, &issued).await;
    assert_valid(&auth, &again, "from-the-command").await;
    let err = provider_token::issue(&auth, "a:b", None, None)
        .await
        .unwrap_err();
    assert_eq!(err.message(), "Provider id contains forbidden characters");
}

// ---- GET /scim/get-provider-connection ----

// upstream: scim.management.test.ts › SCIM provider management › GET /scim/get-provider-connection › should return provider details when user is org member
#[tokio::test]
async fn get_shows_an_organization_provider_to_its_members() {
    let auth = auth_with(ScimOptions::default());
    let user = sign_up(&auth, "Ada").await;
    let org = create_organization(&auth, &user, "scim-get-org").await;
    token(&auth, &user, "my-provider", Some(&org)).await;
    let res = get(
        &auth,
        "/scim/get-provider-connection?providerId=my-provider",
        &user.cookie,
    )
    .await;
    assert_eq!(res.status, StatusCode::OK);
    let row = stored(&auth, "my-provider").await.unwrap();
    assert_eq!(
        res.json,
        json!({"id": row.id, "providerId": "my-provider", "organizationId": org})
    );
}

// upstream: scim.management.test.ts › SCIM provider management › GET /scim/get-provider-connection › should return own non-org provider
#[tokio::test]
async fn get_shows_the_callers_personal_provider() {
    let auth = auth_with(ScimOptions::default());
    let user = sign_up(&auth, "Ada").await;
    token(&auth, &user, "no-org-provider", None).await;
    let res = get(
        &auth,
        "/scim/get-provider-connection?providerId=no-org-provider",
        &user.cookie,
    )
    .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.json["providerId"], "no-org-provider");
    assert_eq!(res.json["organizationId"], Value::Null);
    assert!(res.json.get("scimToken").is_none());
}

#[tokio::test]
async fn get_requires_a_provider_id() {
    let auth = auth_with(ScimOptions::default());
    let user = sign_up(&auth, "Ada").await;
    let res = get(&auth, "/scim/get-provider-connection", &user.cookie).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        res.json,
        json!({"message": "[query.providerId] Invalid input: expected string, received undefined", "code": "VALIDATION_ERROR"})
    );
}

// upstream: scim.management.test.ts › SCIM provider management › GET /scim/get-provider-connection › should deny access to non-org provider when user is not the owner
#[tokio::test]
async fn get_hides_another_users_personal_provider() {
    let auth = auth_with(ScimOptions::default().provider_ownership(true));
    let a = sign_up(&auth, "User1").await;
    let b = sign_up(&auth, "User2").await;
    token(&auth, &a, "user-a-owned-provider", None).await;
    let res = get(
        &auth,
        "/scim/get-provider-connection?providerId=user-a-owned-provider",
        &b.cookie,
    )
    .await;
    assert_message(
        &res,
        StatusCode::FORBIDDEN,
        "You must be the owner to access this provider",
    );
}

// upstream: scim.management.test.ts › SCIM provider management › GET /scim/get-provider-connection › should return 403 when provider belongs to another org
#[tokio::test]
async fn get_hides_another_organizations_provider() {
    let auth = auth_with(ScimOptions::default());
    let a = sign_up(&auth, "User1").await;
    let b = sign_up(&auth, "User2").await;
    let org1 = create_organization(&auth, &a, "get-policy-org-1").await;
    create_organization(&auth, &b, "get-policy-org-2").await;
    token(&auth, &a, "other-org-provider", Some(&org1)).await;
    let res = get(
        &auth,
        "/scim/get-provider-connection?providerId=other-org-provider",
        &b.cookie,
    )
    .await;
    assert_message(
        &res,
        StatusCode::FORBIDDEN,
        "You must be a member of the organization to access this provider",
    );
}

// upstream: scim.management.test.ts › SCIM provider management › GET /scim/get-provider-connection › should return 403 when token creator was removed from org (org membership required)
#[tokio::test]
async fn a_removed_creator_loses_access() {
    let auth = auth_with(ScimOptions::default());
    let a = sign_up(&auth, "User1").await;
    let b = sign_up(&auth, "User2").await;
    let org = create_organization(&auth, &a, "owner-removed-org").await;
    token(&auth, &a, "owner-removed-provider", Some(&org)).await;
    add_member(&auth, &org, &b, &["owner"]).await;
    let res = post(
        &auth,
        "/organization/remove-member",
        json!({"organizationId": org, "memberIdOrEmail": a.email}),
        Some(&b.cookie),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    let res = get(
        &auth,
        "/scim/get-provider-connection?providerId=owner-removed-provider",
        &a.cookie,
    )
    .await;
    assert_message(
        &res,
        StatusCode::FORBIDDEN,
        "You must be a member of the organization to access this provider",
    );
    let res = get(&auth, "/scim/list-provider-connections", &a.cookie).await;
    assert!(!provider_ids(&res).contains(&"owner-removed-provider"));
}

// upstream: scim.management.test.ts › SCIM provider management › GET /scim/get-provider-connection › should return 404 for unknown providerId
#[tokio::test]
async fn get_answers_404_for_unknown_providers() {
    let auth = auth_with(ScimOptions::default());
    let user = sign_up(&auth, "Ada").await;
    let res = get(
        &auth,
        "/scim/get-provider-connection?providerId=unknown",
        &user.cookie,
    )
    .await;
    assert_message(&res, StatusCode::NOT_FOUND, "SCIM provider not found");
}

// ---- POST /scim/delete-provider-connection ----

// upstream: scim.management.test.ts › SCIM provider management › POST /scim/delete-provider-connection › should delete org-scoped provider and invalidate token when user is org member
#[tokio::test]
async fn deleting_a_provider_invalidates_its_token() {
    let auth = auth_with(ScimOptions::default());
    let user = sign_up(&auth, "Ada").await;
    let org = create_organization(&auth, &user, "org-a").await;
    let token = token(&auth, &user, "my-provider", Some(&org)).await;
    let res = get(&auth, "/scim/list-provider-connections", &user.cookie).await;
    assert!(provider_ids(&res).contains(&"my-provider"));
    let res = post(
        &auth,
        "/scim/delete-provider-connection",
        json!({"providerId": "my-provider"}),
        Some(&user.cookie),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.json, json!({"success": true}));
    let res = get(&auth, "/scim/list-provider-connections", &user.cookie).await;
    assert!(!provider_ids(&res).contains(&"my-provider"));
    assert_invalid(&auth, &token).await;
}

// upstream: scim.management.test.ts › SCIM provider management › POST /scim/delete-provider-connection › should return 403 when provider belongs to another org
#[tokio::test]
async fn another_organizations_provider_cannot_be_deleted() {
    let auth = auth_with(ScimOptions::default());
    let a = sign_up(&auth, "User1").await;
    let b = sign_up(&auth, "User2").await;
    let org1 = create_organization(&auth, &a, "del-policy-org-1").await;
    create_organization(&auth, &b, "del-policy-org-2").await;
    let token = token(&auth, &a, "other-org-del", Some(&org1)).await;
    let res = post(
        &auth,
        "/scim/delete-provider-connection",
        json!({"providerId": "other-org-del"}),
        Some(&b.cookie),
    )
    .await;
    assert_message(
        &res,
        StatusCode::FORBIDDEN,
        "You must be a member of the organization to access this provider",
    );
    assert_valid(&auth, &token, "other-org-del").await;
}

// upstream: scim.management.test.ts › SCIM provider management › POST /scim/delete-provider-connection › should return 404 for unknown providerId
#[tokio::test]
async fn delete_answers_404_for_unknown_providers() {
    let auth = auth_with(ScimOptions::default());
    let user = sign_up(&auth, "Ada").await;
    let res = post(
        &auth,
        "/scim/delete-provider-connection",
        json!({"providerId": "unknown"}),
        Some(&user.cookie),
    )
    .await;
    assert_message(&res, StatusCode::NOT_FOUND, "SCIM provider not found");
}

// upstream: scim.management.test.ts › SCIM provider management › POST /scim/delete-provider-connection › should deny delete of non-org provider when user is not the owner
#[tokio::test]
async fn another_users_personal_provider_cannot_be_deleted() {
    let auth = auth_with(ScimOptions::default().provider_ownership(true));
    let a = sign_up(&auth, "User1").await;
    let b = sign_up(&auth, "User2").await;
    let token = token(&auth, &a, "user-a-delete-provider", None).await;
    let res = post(
        &auth,
        "/scim/delete-provider-connection",
        json!({"providerId": "user-a-delete-provider"}),
        Some(&b.cookie),
    )
    .await;
    assert_message(
        &res,
        StatusCode::FORBIDDEN,
        "You must be the owner to access this provider",
    );
    assert_valid(&auth, &token, "user-a-delete-provider").await;
}

// ---- role-based authorization ----

// upstream: scim.management.test.ts › SCIM provider management › role-based authorization › should deny org-scoped token generation for a regular member
#[tokio::test]
async fn regular_members_cannot_generate_organization_tokens() {
    let auth = auth_with(ScimOptions::default());
    let owner = sign_up(&auth, "User1").await;
    let member = sign_up(&auth, "User2").await;
    let org = create_organization(&auth, &owner, "role-test-org").await;
    add_member(&auth, &org, &member, &["member"]).await;
    let res = generate(&auth, &member, "member-attempt", Some(&org)).await;
    assert_message(
        &res,
        StatusCode::FORBIDDEN,
        "Insufficient role for this operation",
    );
}

// upstream: scim.management.test.ts › SCIM provider management › role-based authorization › should allow org-scoped token generation for an admin
#[tokio::test]
async fn admins_generate_organization_tokens() {
    let auth = auth_with(ScimOptions::default());
    let owner = sign_up(&auth, "User1").await;
    let admin = sign_up(&auth, "User2").await;
    let org = create_organization(&auth, &owner, "admin-test-org").await;
    add_member(&auth, &org, &admin, &["admin"]).await;
    let token = token(&auth, &admin, "admin-attempt", Some(&org)).await;
    assert_valid(&auth, &token, "admin-attempt").await;
}

// upstream: scim.management.test.ts › SCIM provider management › role-based authorization › should allow org provider access for members with multiple roles
#[tokio::test]
async fn any_of_several_roles_may_qualify() {
    let auth = auth_with(ScimOptions::default());
    let owner = sign_up(&auth, "User1").await;
    let privileged = sign_up(&auth, "User2").await;
    let org = create_organization(&auth, &owner, "multi-role-org").await;
    add_member(&auth, &org, &privileged, &["member", "admin"]).await;
    token(&auth, &privileged, "multi-role-provider", Some(&org)).await;
    let res = get(&auth, "/scim/list-provider-connections", &privileged.cookie).await;
    assert!(provider_ids(&res).contains(&"multi-role-provider"));
    let res = get(
        &auth,
        "/scim/get-provider-connection?providerId=multi-role-provider",
        &privileged.cookie,
    )
    .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.json["organizationId"], json!(org));
}

// upstream: scim.management.test.ts › SCIM provider management › role-based authorization › should respect custom requiredRole configuration
#[tokio::test]
async fn required_roles_can_be_configured() {
    let auth = auth_with(ScimOptions::default().required_role(["owner"]));
    let owner = sign_up(&auth, "User1").await;
    let admin = sign_up(&auth, "User2").await;
    let org = create_organization(&auth, &owner, "custom-role-org").await;
    add_member(&auth, &org, &admin, &["admin"]).await;
    let res = generate(&auth, &admin, "custom-role-attempt", Some(&org)).await;
    assert_message(
        &res,
        StatusCode::FORBIDDEN,
        "Insufficient role for this operation",
    );
    token(&auth, &owner, "custom-role-attempt", Some(&org)).await;
}

// upstream: scim.management.test.ts › SCIM provider management › role-based authorization › should default to the organization creator role when it is customized
#[tokio::test]
async fn the_organization_creator_role_qualifies_by_default() {
    let mut organization_options = OrganizationOptions::default();
    organization_options.creator_role = "super-admin".to_owned();
    let auth = auth_with_organization(ScimOptions::default(), Some(organization_options));
    let creator = sign_up(&auth, "User1").await;
    let org = create_organization(&auth, &creator, "custom-creator-role").await;
    token(&auth, &creator, "custom-creator-role-provider", Some(&org)).await;
    let res = get(&auth, "/scim/list-provider-connections", &creator.cookie).await;
    assert!(provider_ids(&res).contains(&"custom-creator-role-provider"));
}

// upstream: scim.management.test.ts › SCIM provider management › role-based authorization › should filter org providers by role in list endpoint
#[tokio::test]
async fn list_hides_organization_providers_from_regular_members() {
    let auth = auth_with(ScimOptions::default());
    let owner = sign_up(&auth, "User1").await;
    let member = sign_up(&auth, "User2").await;
    let org = create_organization(&auth, &owner, "list-role-org").await;
    add_member(&auth, &org, &member, &["member"]).await;
    token(&auth, &owner, "list-role-provider", Some(&org)).await;
    let res = get(&auth, "/scim/list-provider-connections", &owner.cookie).await;
    assert!(provider_ids(&res).contains(&"list-role-provider"));
    let res = get(&auth, "/scim/list-provider-connections", &member.cookie).await;
    assert!(!provider_ids(&res).contains(&"list-role-provider"));
    // Nor can they read or delete it.
    let res = get(
        &auth,
        "/scim/get-provider-connection?providerId=list-role-provider",
        &member.cookie,
    )
    .await;
    assert_message(
        &res,
        StatusCode::FORBIDDEN,
        "Insufficient role for this operation",
    );
}

// ---- logging ----

/// Records every event and span field, at every level, as text.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<String>>);

struct Fields<'a>(&'a mut String);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={value:?}", field.name());
    }
}

impl tracing::Subscriber for Recorder {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut log = self.0.lock().unwrap();
        log.push_str(span.metadata().name());
        span.record(&mut Fields(&mut log));
        log.push('\n');
        tracing::span::Id::from_u64(1)
    }

    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        values.record(&mut Fields(&mut self.0.lock().unwrap()));
    }

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, event: &tracing::Event<'_>) {
        let mut log = self.0.lock().unwrap();
        event.record(&mut Fields(&mut log));
        log.push('\n');
    }

    fn enter(&self, _: &tracing::span::Id) {}

    fn exit(&self, _: &tracing::span::Id) {}
}

#[tokio::test]
async fn tokens_are_never_logged() {
    let recorder = Recorder::default();
    let _guard = tracing::subscriber::set_default(recorder.clone());
    let failing_hook = hook(|_| {
        Err(ApiError::internal(
            bulwark_core::error::codes::INTERNAL_SERVER_ERROR,
            &"hook failed",
        ))
    });
    let auth = auth_with(plain().after_token_generated(failing_hook));
    let user = sign_up(&auth, "Ada").await;
    // The after-hook fails after the row was written; the token it was given must not reach the log.
    let res = generate(&auth, &user, "okta", None).await;
    assert_eq!(res.status, StatusCode::INTERNAL_SERVER_ERROR);
    let row = stored(&auth, "okta").await.unwrap();
    let forged = provider_token::encode("wrong-secret-of-24-chars", "okta", None);
    assert!(verify(&auth, &forged).await.is_err());
    let good = provider_token::encode(&row.scim_token, "okta", None);
    assert_valid(&auth, &good, "okta").await;
    // Debug output of the row and the hook input is redacted too.
    tracing::debug!(?row, "row");
    let log = recorder.0.lock().unwrap().clone();
    assert!(
        log.contains("hook failed"),
        "the recorder sees events: {log}"
    );
    for secret in [
        row.scim_token.as_str(),
        good.as_str(),
        forged.as_str(),
        "wrong-secret-of-24-chars",
    ] {
        assert!(!log.contains(secret), "{secret} was logged:\n{log}");
    }
}
