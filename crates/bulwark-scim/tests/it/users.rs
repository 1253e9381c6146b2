//! `/scim/v2/Users`: the resource upstream v1.7.1 answers, validation, uniqueness (also under
//! concurrency on real databases), tenant isolation, paging, deactivation, deletion, organization
//! membership and the audit trail.

use std::sync::Arc;

use bulwark_core::adapter::memory::MemoryAdapter;
use bulwark_core::models::{Account, Session, User};
use bulwark_core::options::EmailAndPasswordOptions;
use bulwark_core::{Adapter, Auth, Environment, Where};
use bulwark_organization::options::TeamOptions;
use bulwark_organization::{OrganizationOptions, organization};
use bulwark_scim::ScimOptions;
use bulwark_scim::models::{ScimEmail, ScimUser};
use bulwark_scim::options::{DeleteUsers, MissingEmail, StaticConnection, StaticCredential};
use bulwark_scim::scim;
use bulwark_test_support::{Backend, FakeClock, SequentialIds, TestDb};
use bytes::Bytes;
use http::{HeaderMap, Method, Request, StatusCode, header};
use serde_json::{Value, json};
use time::macros::datetime;

const ORIGIN: &str = "http://localhost:3000";
const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const ENTERPRISE_SCHEMA: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const OKTA: &str = "token-okta";
const ENTRA: &str = "token-entra";
const SCIM_JSON: &str = "application/scim+json";

/// Two connections (`okta`, `entra`), each with one static credential.
fn options() -> ScimOptions {
    ScimOptions::default()
        .connection(StaticConnection::new("okta").credential(StaticCredential::new("c1", OKTA)))
        .connection(StaticConnection::new("entra").credential(StaticCredential::new("c2", ENTRA)))
}

struct Setup {
    options: ScimOptions,
    adapter: Arc<dyn Adapter>,
    organization: bool,
    /// Whether the organization plugin runs with teams.
    teams: bool,
    env: Environment,
}

impl Setup {
    fn new() -> Self {
        Self {
            options: options(),
            adapter: Arc::new(MemoryAdapter::new()),
            organization: false,
            teams: false,
            env: Environment {
                clock: Arc::new(FakeClock::at(datetime!(2026-01-01 00:00:00 UTC))),
                ids: Arc::new(SequentialIds::new()),
            },
        }
    }

    fn build(self) -> Auth {
        let env = self.env;
        let mut builder = Auth::builder()
            .database(self.adapter)
            .secret("test-secret-that-is-long-enough-for-hmac")
            .base_url(ORIGIN)
            .environment(env)
            .email_and_password(EmailAndPasswordOptions::enabled());
        if self.organization {
            let mut teams = TeamOptions::enabled();
            teams.enabled = self.teams;
            builder = builder.plugin(organization(OrganizationOptions::default().teams(teams)));
        }
        builder
            .plugin(scim(self.options))
            .build()
            .expect("valid configuration")
    }
}

fn auth() -> Auth {
    Setup::new().build()
}

#[derive(Debug)]
struct Response {
    status: StatusCode,
    headers: HeaderMap,
    json: Value,
}

impl Response {
    fn header(&self, name: header::HeaderName) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    fn id(&self) -> String {
        self.json["id"].as_str().expect("an id").to_owned()
    }

    /// Asserts a SCIM error body with `status`, `scimType` and `detail`.
    fn assert_error(&self, status: StatusCode, scim_type: Option<&str>, detail: &str) {
        assert_eq!(self.status, status, "{}", self.json);
        assert_eq!(self.header(header::CONTENT_TYPE), Some(SCIM_JSON));
        let mut expected = json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
            "status": status.as_u16().to_string(),
            "detail": detail,
        });
        if let Some(scim_type) = scim_type {
            expected["scimType"] = json!(scim_type);
        }
        assert_eq!(self.json, expected);
    }
}

async fn call(
    auth: &Auth,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> Response {
    let mut req = Request::builder()
        .method(method)
        .uri(format!("{ORIGIN}/api/auth/scim/v2{path}"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"));
    if body.is_some() {
        req = req.header(header::CONTENT_TYPE, SCIM_JSON);
    }
    let body = body.map_or_else(Bytes::new, |b| Bytes::from(b.to_string()));
    let res = auth.handle(req.body(body).unwrap()).await;
    Response {
        status: res.status(),
        headers: res.headers().clone(),
        json: serde_json::from_slice(res.body()).unwrap_or(Value::Null),
    }
}

async fn post(auth: &Auth, token: &str, body: Value) -> Response {
    call(auth, Method::POST, "/Users", token, Some(body)).await
}

async fn get(auth: &Auth, token: &str, path: &str) -> Response {
    call(auth, Method::GET, path, token, None).await
}

/// Creates `user_name` on the `okta` connection and returns its SCIM id.
async fn create(auth: &Auth, user_name: &str) -> String {
    let res = post(
        auth,
        OKTA,
        json!({"schemas": [USER_SCHEMA], "userName": user_name}),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
    res.id()
}

async fn users(auth: &Auth) -> Vec<User> {
    auth.store()
        .find_many(&Where::all(), &[], None, None)
        .await
        .unwrap()
}

async fn scim_user(auth: &Auth, id: &str) -> Option<ScimUser> {
    auth.store().find_one(&Where::eq("id", id)).await.unwrap()
}

fn oracle_body() -> Value {
    json!({
        "schemas": [USER_SCHEMA],
        "userName": "jdoe@example.com",
        "externalId": "ext-123",
        "name": {"givenName": "John", "familyName": "Doe"},
        "emails": [{"value": "jdoe@example.com", "primary": true, "type": "work"}],
    })
}

#[tokio::test]
// upstream: scim-http-contract.test.ts › SCIM HTTP contract › returns the created User using the SCIM creation response contract
async fn create_answers_the_oracle_resource() {
    let auth = auth();
    let res = post(&auth, OKTA, oracle_body()).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
    assert_eq!(res.header(header::CONTENT_TYPE), Some(SCIM_JSON));
    let id = res.id();
    let location = format!("{ORIGIN}/api/auth/scim/v2/Users/{id}");
    assert_eq!(res.header(header::LOCATION), Some(location.as_str()));
    assert_eq!(
        res.header(header::CONTENT_LOCATION),
        Some(location.as_str())
    );
    let expected = json!({
        "schemas": [USER_SCHEMA],
        "name": {"formatted": "John Doe", "givenName": "John", "familyName": "Doe"},
        "emails": [{"value": "jdoe@example.com", "primary": true, "type": "work"}],
        "id": id,
        "externalId": "ext-123",
        "userName": "jdoe@example.com",
        "displayName": "John Doe",
        "active": true,
        "meta": {
            "resourceType": "User",
            "created": "2026-01-01T00:00:00.000Z",
            "lastModified": "2026-01-01T00:00:00.000Z",
            "location": location,
        },
    });
    // Key order is part of the contract.
    assert_eq!(res.json.to_string(), expected.to_string());

    let stored = scim_user(&auth, &id).await.unwrap();
    assert_ne!(stored.user_id, id, "the SCIM id is not the Bulwark user id");
    let users = users(&auth).await;
    assert_eq!(users.len(), 1);
    assert_eq!(users[0].id, stored.user_id);
    assert_eq!(users[0].email, "jdoe@example.com");
    assert_eq!(users[0].name, "John Doe");
    assert!(!users[0].email_verified);
    let emails: Vec<ScimEmail> = auth
        .store()
        .find_many(&Where::eq("scimUserId", id.as_str()), &[], None, None)
        .await
        .unwrap();
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0].r#type.as_deref(), Some("work"));

    let read = get(&auth, OKTA, &format!("/Users/{id}")).await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.json.to_string(), expected.to_string());
}

#[tokio::test]
// upstream: scim-http-contract.test.ts › SCIM HTTP contract › accepts the standard Enterprise User extension schema
async fn the_enterprise_extension_round_trips_after_active() {
    let auth = auth();
    let res = post(
        &auth,
        OKTA,
        json!({
            "schemas": [ENTERPRISE_SCHEMA, USER_SCHEMA],
            "userName": "enterprise@example.com",
            "title": ["Engineer"],
            "roles": [{"primary": "True", "type": "Main", "value": "admin"}],
            ENTERPRISE_SCHEMA: {"department": "R&D", "employeeNumber": "42", "manager": {"value": "m1", "displayName": "Boss"}},
        }),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
    let keys: Vec<&str> = res
        .json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "schemas",
            "name",
            "emails",
            "title",
            "roles",
            "id",
            "userName",
            "displayName",
            "active",
            ENTERPRISE_SCHEMA,
            "meta"
        ]
    );
    assert_eq!(res.json["schemas"], json!([USER_SCHEMA, ENTERPRISE_SCHEMA]));
    assert_eq!(res.json["title"], "Engineer");
    assert_eq!(
        res.json["roles"],
        json!([{"value": "admin", "type": "main", "primary": true}])
    );
    assert_eq!(
        res.json[ENTERPRISE_SCHEMA].to_string(),
        json!({"employeeNumber": "42", "department": "R&D", "manager": {"value": "m1"}})
            .to_string()
    );
}

#[tokio::test]
async fn invalid_resources_answer_invalid_value() {
    let auth = auth();
    let cases = [
        // upstream: scim-http-contract.test.ts › SCIM HTTP contract › rejects a User resource without its core schema
        (
            json!({"userName": "a@example.com"}),
            "[body.schemas] Invalid input: expected array, received undefined".to_owned(),
        ),
        // upstream: scim-http-contract.test.ts › SCIM HTTP contract › returns invalidValue for a constrained User attribute
        (
            json!({"schemas": [USER_SCHEMA], "userName": ""}),
            "[body.userName] Too small: expected string to have >=1 characters; \
             [body.emails] emails must contain an email when userName is not an email address"
                .to_owned(),
        ),
        // upstream: scim-http-contract.test.ts › SCIM HTTP contract › rejects unknown User schema URIs
        (
            json!({"schemas": [USER_SCHEMA, "urn:example:User"], "userName": "a@example.com"}),
            "[body.schemas] Unsupported SCIM User schema urn:example:User".to_owned(),
        ),
        // upstream: scim-http-contract.test.ts › SCIM HTTP contract › rejects duplicate User schema URNs
        (
            json!({"schemas": [USER_SCHEMA, USER_SCHEMA], "userName": "a@example.com"}),
            format!(
                "[body.schemas] SCIM User schema {USER_SCHEMA} must not be duplicated; [body.schemas] SCIM User schema {USER_SCHEMA} must not be duplicated"
            ),
        ),
        // upstream: scim-http-contract.test.ts › SCIM HTTP contract › rejects Enterprise User data without its schema URI
        (
            json!({"schemas": [USER_SCHEMA], "userName": "a@example.com", ENTERPRISE_SCHEMA: {"employeeNumber": "42"}}),
            format!(
                "[body.schemas] The Enterprise User extension requires {ENTERPRISE_SCHEMA} in schemas"
            ),
        ),
        // upstream: scim-http-contract.test.ts › SCIM HTTP contract › rejects case-insensitive duplicate email types over HTTP POST
        (
            json!({"schemas": [USER_SCHEMA], "userName": "a@example.com", "emails": [
                {"value": "first@example.com", "type": "Work", "primary": true},
                {"value": "second@example.com", "type": "work"},
            ]}),
            "[body.emails] emails cannot contain duplicate defined types".to_owned(),
        ),
        (
            json!({"schemas": [USER_SCHEMA], "userName": "jdoe"}),
            "[body.emails] emails must contain an email when userName is not an email address"
                .to_owned(),
        ),
        (
            json!({"schemas": [USER_SCHEMA], "userName": "a@example.com", "active": "yes"}),
            "[body.active] Invalid input: expected boolean, received string".to_owned(),
        ),
    ];
    for (body, detail) in cases {
        post(&auth, OKTA, body).await.assert_error(
            StatusCode::BAD_REQUEST,
            Some("invalidValue"),
            &detail,
        );
    }
    assert!(users(&auth).await.is_empty());
}

#[tokio::test]
async fn string_booleans_are_accepted_for_active() {
    let auth = auth();
    let res = post(
        &auth,
        OKTA,
        json!({"schemas": [USER_SCHEMA], "userName": "a@example.com", "active": "False"}),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
    assert_eq!(res.json["active"], false);
}

#[tokio::test]
// upstream: scim-http-contract.test.ts › SCIM HTTP contract › returns a SCIM uniqueness error for a duplicate User
async fn duplicates_answer_409_uniqueness() {
    let auth = auth();
    assert_eq!(
        post(&auth, OKTA, oracle_body()).await.status,
        StatusCode::CREATED
    );
    let mut same_name = oracle_body();
    same_name["userName"] = json!("JDOE@example.com");
    same_name["externalId"] = json!("other");
    same_name["emails"] = json!([{"value": "x@example.com"}]);
    post(&auth, OKTA, same_name).await.assert_error(
        StatusCode::CONFLICT,
        Some("uniqueness"),
        "SCIM User userName already exists",
    );
    let mut same_external = oracle_body();
    same_external["userName"] = json!("other@example.com");
    same_external["emails"] = json!([{"value": "other@example.com"}]);
    post(&auth, OKTA, same_external).await.assert_error(
        StatusCode::CONFLICT,
        Some("uniqueness"),
        "SCIM User externalId already exists",
    );
    // Another connection may use the same userName, but the Bulwark user's email is taken.
    post(&auth, ENTRA, oracle_body()).await.assert_error(
        StatusCode::CONFLICT,
        Some("uniqueness"),
        "A Better Auth User already uses this email",
    );
    assert_eq!(users(&auth).await.len(), 1);
}

#[tokio::test]
async fn another_connection_cannot_see_or_change_a_user() {
    let auth = auth();
    let id = create(&auth, "ada@example.com").await;
    let path = format!("/Users/{id}");
    get(&auth, ENTRA, &path)
        .await
        .assert_error(StatusCode::NOT_FOUND, None, "SCIM User not found");
    let body = json!({"schemas": [USER_SCHEMA], "userName": "eve@example.com"});
    call(&auth, Method::PUT, &path, ENTRA, Some(body))
        .await
        .assert_error(StatusCode::NOT_FOUND, None, "SCIM User not found");
    call(&auth, Method::DELETE, &path, ENTRA, None)
        .await
        .assert_error(StatusCode::NOT_FOUND, None, "SCIM User not found");
    let listed = get(&auth, ENTRA, "/Users").await;
    assert_eq!(listed.json["totalResults"], 0);
    let still = get(&auth, OKTA, &path).await;
    assert_eq!(still.json["userName"], "ada@example.com");
}

#[tokio::test]
async fn put_replaces_the_resource_and_the_bulwark_user_follows() {
    let auth = auth();
    let res = post(&auth, OKTA, oracle_body()).await;
    let id = res.id();
    let path = format!("/Users/{id}");
    let replaced = call(
        &auth,
        Method::PUT,
        &path,
        OKTA,
        Some(json!({"schemas": [USER_SCHEMA], "userName": "jdoe@example.com", "emails": [{"value": "John.Doe@Example.com", "type": "work"}]})),
    )
    .await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.json);
    let location = format!("{ORIGIN}/api/auth/scim/v2/Users/{id}");
    assert_eq!(replaced.header(header::LOCATION), Some(location.as_str()));
    // Everything not sent is cleared; displayName falls back to the primary email.
    assert_eq!(replaced.json.get("externalId"), None);
    assert_eq!(replaced.json["displayName"], "john.doe@example.com");
    assert_eq!(
        replaced.json["name"],
        json!({"formatted": "john.doe@example.com"})
    );
    let stored = scim_user(&auth, &id).await.unwrap();
    assert_eq!(stored.version, 2);
    let user: User = auth
        .store()
        .find_one(&Where::eq("id", stored.user_id.as_str()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.email, "john.doe@example.com");
    assert_eq!(user.name, "john.doe@example.com");
    assert!(!user.email_verified);
}

#[tokio::test]
// upstream: scim-http-contract.test.ts › SCIM HTTP contract › rejects case-insensitive duplicate complex types over HTTP PUT without replacing the User
async fn an_invalid_put_changes_nothing() {
    let auth = auth();
    let id = create(&auth, "replace-types@example.com").await;
    let path = format!("/Users/{id}");
    let before = get(&auth, OKTA, &path).await.json;
    let res = call(
        &auth,
        Method::PUT,
        &path,
        OKTA,
        Some(json!({"schemas": [USER_SCHEMA], "userName": "replace-types@example.com", "phoneNumbers": [
            {"value": "+1-555-0100", "type": "Work"}, {"value": "+1-555-0101", "type": "work"},
        ]})),
    )
    .await;
    res.assert_error(
        StatusCode::BAD_REQUEST,
        Some("invalidValue"),
        "[body.phoneNumbers] phoneNumbers cannot contain duplicate defined types",
    );
    assert_eq!(get(&auth, OKTA, &path).await.json, before);
}

#[tokio::test]
async fn put_to_a_taken_email_or_user_name_is_a_conflict() {
    let auth = auth();
    create(&auth, "ada@example.com").await;
    let grace = create(&auth, "grace@example.com").await;
    let path = format!("/Users/{grace}");
    call(
        &auth,
        Method::PUT,
        &path,
        OKTA,
        Some(json!({"schemas": [USER_SCHEMA], "userName": "ADA@example.com"})),
    )
    .await
    .assert_error(
        StatusCode::CONFLICT,
        Some("uniqueness"),
        "SCIM User userName already exists",
    );
    call(
        &auth,
        Method::PUT,
        &path,
        OKTA,
        Some(json!({"schemas": [USER_SCHEMA], "userName": "grace@example.com", "emails": [{"value": "ada@example.com"}]})),
    )
    .await
    .assert_error(StatusCode::CONFLICT, Some("uniqueness"), "A Better Auth User already uses this email");
}

#[tokio::test]
async fn list_pages_in_creation_order() {
    let auth = auth();
    let mut ids = Vec::new();
    for n in 0..5 {
        ids.push(create(&auth, &format!("user{n}@example.com")).await);
    }
    create_on_entra(&auth).await;
    let all = get(&auth, OKTA, "/Users").await;
    assert_eq!(all.status, StatusCode::OK);
    assert_eq!(
        all.json["schemas"],
        json!(["urn:ietf:params:scim:api:messages:2.0:ListResponse"])
    );
    assert_eq!(all.json["totalResults"], 5);
    assert_eq!(all.json["startIndex"], 1);
    assert_eq!(all.json["itemsPerPage"], 5);
    let listed: Vec<&str> = all.json["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(listed, ids);

    let page = get(&auth, OKTA, "/Users?startIndex=2&count=2").await;
    assert_eq!(page.json["totalResults"], 5);
    assert_eq!(page.json["startIndex"], 2);
    assert_eq!(page.json["itemsPerPage"], 2);
    assert_eq!(page.json["Resources"][0]["id"], ids[1].as_str());
    assert_eq!(page.json["Resources"][1]["id"], ids[2].as_str());

    let beyond = get(&auth, OKTA, "/Users?startIndex=9").await;
    assert_eq!(
        (
            beyond.json["startIndex"].clone(),
            beyond.json["itemsPerPage"].clone()
        ),
        (json!(9), json!(0))
    );
    let clamped = get(&auth, OKTA, "/Users?startIndex=-3&count=1000").await;
    assert_eq!(
        (
            clamped.json["startIndex"].clone(),
            clamped.json["itemsPerPage"].clone()
        ),
        (json!(1), json!(5))
    );
    let none = get(&auth, OKTA, "/Users?count=0").await;
    assert_eq!(
        (
            none.json["totalResults"].clone(),
            none.json["Resources"].clone()
        ),
        (json!(5), json!([]))
    );
    get(&auth, OKTA, "/Users?count=ten").await.assert_error(
        StatusCode::BAD_REQUEST,
        Some("invalidValue"),
        "count must be an integer",
    );
    get(&auth, OKTA, "/Users?startIndex=1.5")
        .await
        .assert_error(
            StatusCode::BAD_REQUEST,
            Some("invalidValue"),
            "startIndex must be an integer",
        );
}

fn filter_query(filter: &str) -> String {
    let encoded: String = url_encode(filter);
    format!("/Users?filter={encoded}")
}

/// Percent-encodes a query value.
fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
// upstream: scim-okta-conformance.test.ts › Okta SCIM 2.0 SPEC test › R3 — Required Test: Test invalid User by username
// upstream: scim-okta-conformance.test.ts › Okta SCIM 2.0 SPEC test › R4 — Required Test: Test invalid User by ID
// upstream: scim-okta-conformance.test.ts › Okta SCIM 2.0 SPEC test › R5 — Required Test: Make sure random user doesn't exist
// upstream: scim-okta-conformance.test.ts › Okta SCIM 2.0 SPEC test › R6 — Required Test: Create Okta user with realistic values
// upstream: scim-okta-conformance.test.ts › Okta SCIM 2.0 SPEC test › R7 — Required Test: Verify that user was created
// upstream: scim-okta-conformance.test.ts › Okta SCIM 2.0 SPEC test › R8 — Required Test: Expect failure when recreating user with same values
// upstream: scim-okta-conformance.test.ts › Okta SCIM 2.0 SPEC test › R9 — Required Test: Username Case Sensitivity Check
async fn okta_required_user_checks() {
    let auth = auth();
    let missing = get(
        &auth,
        OKTA,
        &filter_query(r#"userName eq "nonexistent-user@example.invalid""#),
    )
    .await;
    assert_eq!(missing.status, StatusCode::OK);
    assert_eq!(missing.json["totalResults"], 0);
    get(&auth, OKTA, "/Users/00000000000000000000")
        .await
        .assert_error(StatusCode::NOT_FOUND, None, "SCIM User not found");
    let body = json!({
        "schemas": [USER_SCHEMA],
        "userName": "Okta.Tester@example.com",
        "name": {"givenName": "Okta", "familyName": "Tester"},
        "emails": [{"primary": true, "value": "okta.tester@example.com", "type": "work"}],
        "displayName": "Okta Tester",
        "active": true,
    });
    let created = post(&auth, OKTA, body.clone()).await;
    assert_eq!(created.status, StatusCode::CREATED);
    assert_eq!(created.json["name"]["givenName"], "Okta");
    let read = get(&auth, OKTA, &format!("/Users/{}", created.id())).await;
    assert_eq!(read.json["userName"], "Okta.Tester@example.com");
    let mut again = body;
    again["emails"] =
        json!([{"primary": true, "value": "Okta.Tester@example.com", "type": "work"}]);
    assert_eq!(post(&auth, OKTA, again).await.status, StatusCode::CONFLICT);
    let found = get(
        &auth,
        OKTA,
        &filter_query(r#"userName eq "OKTA.TESTER@EXAMPLE.COM""#),
    )
    .await;
    assert_eq!(found.json["totalResults"], 1);
    assert_eq!(
        found.json["Resources"][0]["userName"],
        "Okta.Tester@example.com"
    );
}

#[tokio::test]
async fn filters_run_within_the_connection() {
    let auth = auth();
    let ada = post(
        &auth,
        OKTA,
        json!({"schemas": [USER_SCHEMA], "userName": "ada", "externalId": "E-1",
               "emails": [{"value": "ada@example.com", "type": "work"}, {"value": "ada@home.example", "type": "home"}]}),
    )
    .await
    .id();
    create(&auth, "grace@example.com").await;
    create_on_entra(&auth).await;
    for (filter, expected) in [
        (
            r#"emails[type eq "work"].value eq "ADA@example.com""#,
            vec![ada.as_str()],
        ),
        (r#"emails.value eq "ada@home.example""#, vec![ada.as_str()]),
        (r#"externalId eq "E-1""#, vec![ada.as_str()]),
        (r#"externalId eq "e-1""#, vec![]),
        (r#"userName eq "entra@example.com""#, vec![]),
    ] {
        let res = get(&auth, OKTA, &filter_query(filter)).await;
        assert_eq!(res.status, StatusCode::OK, "{filter}: {}", res.json);
        let ids: Vec<&str> = res.json["Resources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, expected, "{filter}");
        assert_eq!(res.json["totalResults"], expected.len(), "{filter}");
    }
    let bad = get(&auth, OKTA, &filter_query("userName eq")).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json["scimType"], "invalidFilter");
}

const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

async fn patch(auth: &Auth, id: &str, operations: Value) -> Response {
    let body = json!({"schemas": [PATCH_OP], "Operations": operations});
    call(
        auth,
        Method::PATCH,
        &format!("/Users/{id}"),
        OKTA,
        Some(body),
    )
    .await
}

#[tokio::test]
// upstream: scim-okta-conformance.test.ts › Okta SCIM 2.0 CRUD test net wire sequence › creates, reads, replaces, deactivates, reactivates, and deactivates a user
async fn okta_crud_sequence() {
    let auth = auth();
    let user_name = "riley.okta.test@atko.com";
    let created = post(
        &auth,
        OKTA,
        json!({
            "schemas": [USER_SCHEMA], "userName": user_name,
            "name": {"givenName": "Riley", "familyName": "Okta"},
            "emails": [{"value": user_name, "type": "work", "primary": true}],
            "displayName": "Riley Okta", "title": "Engineer",
            "phoneNumbers": [{"value": "415.123.4567"}],
            "password": "N3verSt0red!", "active": true,
        }),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED);
    assert_eq!(created.json.get("password"), None);
    let id = created.id();
    let found = get(
        &auth,
        OKTA,
        &filter_query(&format!(r#"userName eq "{user_name}""#)),
    )
    .await;
    assert_eq!(found.json["Resources"][0]["id"], id.as_str());
    let path = format!("/Users/{id}");
    let mut before = get(&auth, OKTA, &path).await.json;
    before["name"]["givenName"] = json!("Rileyupdate");
    let replaced = call(&auth, Method::PUT, &path, OKTA, Some(before)).await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.json);
    assert_eq!(replaced.json["name"]["givenName"], "Rileyupdate");
    let user_id = scim_user(&auth, &id).await.unwrap().user_id;
    sign_in(&auth, &user_id, "t1").await;
    for active in [false, true, false] {
        let res = patch(
            &auth,
            &id,
            json!([{"op": "replace", "value": {"active": active}}]),
        )
        .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.json);
        assert_eq!(res.json["active"], active);
    }
    assert_eq!(sessions(&auth, &user_id).await, 0);
    let actions: Vec<String> = bulwark_scim::audit::list(&auth, "okta", 10)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions,
        [
            "user.deactivated",
            "user.reactivated",
            "user.deactivated",
            "user.updated",
            "user.created"
        ]
    );
}

#[tokio::test]
// upstream: scim-user-patch.test.ts › SCIM User PATCH provider compatibility › applies ordered Entra-style replacements to the canonical and backing Users
async fn patch_updates_the_scim_user_and_the_bulwark_user() {
    let auth = auth();
    let created = post(
        &auth,
        OKTA,
        json!({
            "schemas": [USER_SCHEMA], "userName": "ada.login@example.com",
            "name": {"formatted": "Ada Lovelace"},
            "emails": [{"value": "ada.primary@example.com", "type": "work", "primary": true}],
            "externalId": "directory-user-1",
        }),
    )
    .await;
    let id = created.id();
    let res = patch(
        &auth,
        &id,
        json!([
            {"op": "Replace", "path": "userName", "value": "augusta.login@example.com"},
            {"op": "Replace", "path": "name.formatted", "value": "Augusta Ada King"},
            {"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "augusta.primary@example.com"},
        ]),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    let location = format!("{ORIGIN}/api/auth/scim/v2/Users/{id}");
    assert_eq!(res.header(header::LOCATION), Some(location.as_str()));
    let read = get(&auth, OKTA, &format!("/Users/{id}")).await.json;
    assert_eq!(read["userName"], "augusta.login@example.com");
    assert_eq!(read["name"]["formatted"], "Augusta Ada King");
    assert_eq!(read["displayName"], "Augusta Ada King");
    assert_eq!(read["externalId"], "directory-user-1");
    assert_eq!(
        read["emails"],
        json!([{"value": "augusta.primary@example.com", "primary": true, "type": "work"}])
    );
    let stored = scim_user(&auth, &id).await.unwrap();
    assert_eq!(stored.primary_email, "augusta.primary@example.com");
    assert_eq!(stored.version, 2);
    let user: User = auth
        .store()
        .find_one(&Where::eq("id", stored.user_id.as_str()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (user.email.as_str(), user.name.as_str()),
        ("augusta.primary@example.com", "Augusta Ada King")
    );
}

#[tokio::test]
// upstream: scim-user-patch.test.ts › SCIM User compatibility with pre-serializedAttributes rows › accepts an empty Operations array as a no-op PATCH
async fn an_empty_patch_writes_nothing() {
    let auth = auth();
    let id = create(&auth, "ada@example.com").await;
    let before = get(&auth, OKTA, &format!("/Users/{id}")).await.json;
    let res = patch(&auth, &id, json!([])).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json, before);
    assert_eq!(scim_user(&auth, &id).await.unwrap().version, 1);
    assert_eq!(
        bulwark_scim::audit::list(&auth, "okta", 10)
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn patch_conflicts_and_tenancy() {
    let auth = auth();
    create(&auth, "ada@example.com").await;
    let grace = create(&auth, "grace@example.com").await;
    patch(
        &auth,
        &grace,
        json!([{"op": "replace", "path": "userName", "value": "ADA@example.com"}]),
    )
    .await
    .assert_error(
        StatusCode::CONFLICT,
        Some("uniqueness"),
        "SCIM User userName already exists",
    );
    patch(&auth, &grace, json!([{"op": "replace", "path": "emails", "value": [{"value": "ada@example.com", "primary": true}]}]))
        .await
        .assert_error(StatusCode::CONFLICT, Some("uniqueness"), "A Better Auth User already uses this email");
    let body = json!({"schemas": [PATCH_OP], "Operations": []});
    call(
        &auth,
        Method::PATCH,
        &format!("/Users/{grace}"),
        ENTRA,
        Some(body),
    )
    .await
    .assert_error(StatusCode::NOT_FOUND, None, "SCIM User not found");
    patch(
        &auth,
        &grace,
        json!([{"op": "add", "path": "title", "value": "t".repeat(1_025)}]),
    )
    .await
    .assert_error(
        StatusCode::BAD_REQUEST,
        Some("invalidValue"),
        "title: Too big: expected string to have <=1024 characters",
    );
    let res = patch(&auth, &grace, json!([{"op": "remove"}])).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.json);
    assert_eq!(scim_user(&auth, &grace).await.unwrap().version, 1);
}

async fn create_on_entra(auth: &Auth) -> String {
    let res = post(
        auth,
        ENTRA,
        json!({"schemas": [USER_SCHEMA], "userName": "entra@example.com"}),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
    res.id()
}

/// Adds a session for `user_id` straight to the store.
async fn sign_in(auth: &Auth, user_id: &str, token: &str) {
    let now = datetime!(2026-01-01 00:00:00 UTC);
    auth.store()
        .create(Session {
            expires_at: datetime!(2026-02-01 00:00:00 UTC),
            token: token.to_owned(),
            created_at: now,
            updated_at: now,
            ip_address: None,
            user_agent: None,
            user_id: user_id.to_owned(),
            extra: bulwark_core::Row::new(),
            id: format!("session-{token}"),
        })
        .await
        .unwrap();
}

async fn sessions(auth: &Auth, user_id: &str) -> u64 {
    auth.store()
        .count::<Session>(&Where::eq("userId", user_id))
        .await
        .unwrap()
}

#[tokio::test]
async fn deactivation_revokes_sessions_and_reactivation_is_recorded() {
    let auth = auth();
    let id = create(&auth, "ada@example.com").await;
    let user_id = scim_user(&auth, &id).await.unwrap().user_id;
    sign_in(&auth, &user_id, "t1").await;
    let path = format!("/Users/{id}");
    let body = |active: bool| json!({"schemas": [USER_SCHEMA], "userName": "ada@example.com", "active": active});
    let res = call(&auth, Method::PUT, &path, OKTA, Some(body(false))).await;
    assert_eq!(res.json["active"], false);
    assert_eq!(sessions(&auth, &user_id).await, 0);
    assert!(!scim_user(&auth, &id).await.unwrap().active);
    // The Bulwark user stays.
    assert_eq!(users(&auth).await.len(), 1);
    let res = call(&auth, Method::PUT, &path, OKTA, Some(body(true))).await;
    assert_eq!(res.json["active"], true);
    let actions: Vec<String> = bulwark_scim::audit::list(&auth, "okta", 10)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions,
        ["user.reactivated", "user.deactivated", "user.created"]
    );
}

#[tokio::test]
async fn delete_removes_the_scim_user_and_an_unused_bulwark_user() {
    let auth = auth();
    let id = create(&auth, "ada@example.com").await;
    let user_id = scim_user(&auth, &id).await.unwrap().user_id;
    sign_in(&auth, &user_id, "t1").await;
    let res = call(&auth, Method::DELETE, &format!("/Users/{id}"), OKTA, None).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(res.header(header::CONTENT_TYPE), Some(SCIM_JSON));
    assert!(scim_user(&auth, &id).await.is_none());
    assert!(users(&auth).await.is_empty());
    assert_eq!(sessions(&auth, &user_id).await, 0);
    let emails = auth
        .store()
        .count::<ScimEmail>(&Where::all())
        .await
        .unwrap();
    assert_eq!(emails, 0);
    get(&auth, OKTA, &format!("/Users/{id}"))
        .await
        .assert_error(StatusCode::NOT_FOUND, None, "SCIM User not found");
    let events = bulwark_scim::audit::list(&auth, "okta", 10).await.unwrap();
    assert_eq!(events[0].action, "user.deleted");
    assert_eq!(events[0].credential_source, "static");
    assert_eq!(events[0].credential_id, "c1");
    assert_eq!(events[0].resource_id, id);
    assert_eq!(events[0].user_id.as_deref(), Some(user_id.as_str()));
}

#[tokio::test]
async fn delete_keeps_a_bulwark_user_with_another_sign_in_method() {
    let auth = auth();
    let id = create(&auth, "ada@example.com").await;
    let user_id = scim_user(&auth, &id).await.unwrap().user_id;
    let now = datetime!(2026-01-01 00:00:00 UTC);
    auth.store()
        .create(Account {
            id: "account-1".to_owned(),
            account_id: user_id.clone(),
            provider_id: "credential".to_owned(),
            user_id: user_id.clone(),
            access_token: None,
            refresh_token: None,
            id_token: None,
            access_token_expires_at: None,
            refresh_token_expires_at: None,
            scope: None,
            password: Some("hash".to_owned()),
            created_at: now,
            updated_at: now,
            extra: bulwark_core::Row::new(),
        })
        .await
        .unwrap();
    sign_in(&auth, &user_id, "t1").await;
    let res = call(&auth, Method::DELETE, &format!("/Users/{id}"), OKTA, None).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(users(&auth).await.len(), 1);
    // No active SCIM source remains, so its sessions end.
    assert_eq!(sessions(&auth, &user_id).await, 0);
}

#[tokio::test]
async fn delete_users_never_keeps_the_bulwark_user() {
    let mut setup = Setup::new();
    setup.options = options().delete_users(DeleteUsers::Never);
    let auth = setup.build();
    let id = create(&auth, "ada@example.com").await;
    let res = call(&auth, Method::DELETE, &format!("/Users/{id}"), OKTA, None).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(users(&auth).await.len(), 1);
}

#[tokio::test]
async fn hooks_run_after_each_change() {
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let hook = |seen: Arc<std::sync::Mutex<Vec<String>>>| -> bulwark_scim::options::ScimUserHook {
        Arc::new(move |event| {
            seen.lock()
                .unwrap()
                .push(format!("{} {}", event.action, event.scim_user.user_name));
            Box::pin(async { Ok(()) })
        })
    };
    let mut setup = Setup::new();
    setup.options = options()
        .on_user_provisioned(hook(Arc::clone(&seen)))
        .on_user_updated(hook(Arc::clone(&seen)))
        .on_user_deprovisioned(hook(Arc::clone(&seen)));
    let auth = setup.build();
    let id = create(&auth, "ada@example.com").await;
    let path = format!("/Users/{id}");
    call(
        &auth,
        Method::PUT,
        &path,
        OKTA,
        Some(json!({"schemas": [USER_SCHEMA], "userName": "ada@example.com", "active": false})),
    )
    .await;
    call(&auth, Method::DELETE, &path, OKTA, None).await;
    assert_eq!(
        *seen.lock().unwrap(),
        [
            "user.created ada@example.com",
            "user.deactivated ada@example.com",
            "user.deleted ada@example.com"
        ]
    );
}

/// Signs up an owner and creates the organization `acme` over HTTP; returns its id.
async fn acme(auth: &Auth) -> String {
    let send = |path: &str, body: Value, cookie: Option<String>| {
        let mut req = Request::builder()
            .method(Method::POST)
            .uri(format!("{ORIGIN}/api/auth{path}"))
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ORIGIN, ORIGIN);
        if let Some(cookie) = cookie {
            req = req.header(header::COOKIE, cookie);
        }
        auth.handle(req.body(Bytes::from(body.to_string())).unwrap())
    };
    let res = send(
        "/sign-up/email",
        json!({"name": "Owner", "email": "owner@example.com", "password": "password123"}),
        None,
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let cookie = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next().map(str::to_owned))
        .collect::<Vec<_>>()
        .join("; ");
    let res = send(
        "/organization/create",
        json!({"name": "Acme", "slug": "acme"}),
        Some(cookie),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = serde_json::from_slice(res.body()).unwrap();
    body["id"].as_str().unwrap().to_owned()
}

async fn member_roles(auth: &Auth, organization_id: &str, user_id: &str) -> Vec<String> {
    let api = bulwark_organization::OrganizationApi::new(auth).unwrap();
    api.find_member(organization_id, user_id)
        .await
        .unwrap()
        .map(|m| m.role)
        .into_iter()
        .collect()
}

#[tokio::test]
async fn an_organization_scoped_connection_manages_memberships() {
    for teams in [false, true] {
        organization_scoped_memberships(teams).await;
    }
}

async fn organization_scoped_memberships(teams: bool) {
    let adapter: Arc<dyn Adapter> = Arc::new(MemoryAdapter::new());
    // The organization exists before the connection is configured with it.
    let mut setup = Setup::new();
    setup.adapter = Arc::clone(&adapter);
    setup.organization = true;
    setup.teams = teams;
    let env = setup.env.clone();
    let org = acme(&setup.build()).await;
    let mut setup = Setup::new();
    setup.env = env;
    setup.adapter = adapter;
    setup.organization = true;
    setup.teams = teams;
    setup.options = ScimOptions::default().connection(
        StaticConnection::new("okta")
            .organization(org.as_str())
            .credential(StaticCredential::new("c1", OKTA)),
    );
    let auth = setup.build();
    let id = create(&auth, "ada@example.com").await;
    let user_id = scim_user(&auth, &id).await.unwrap().user_id;
    assert_eq!(member_roles(&auth, &org, &user_id).await, ["member"]);
    let res = call(&auth, Method::DELETE, &format!("/Users/{id}"), OKTA, None).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.json);
    assert!(member_roles(&auth, &org, &user_id).await.is_empty());
    assert!(users(&auth).await.iter().all(|u| u.id != user_id));
}

#[tokio::test]
async fn a_user_with_another_organization_outlives_its_deprovisioning() {
    let adapter: Arc<dyn Adapter> = Arc::new(MemoryAdapter::new());
    let mut setup = Setup::new();
    setup.adapter = Arc::clone(&adapter);
    setup.organization = true;
    let env = setup.env.clone();
    let org = acme(&setup.build()).await;
    let mut setup = Setup::new();
    setup.env = env;
    setup.adapter = adapter;
    setup.organization = true;
    setup.options = ScimOptions::default().connection(
        StaticConnection::new("okta")
            .organization(org.as_str())
            .credential(StaticCredential::new("c1", OKTA)),
    );
    let auth = setup.build();
    let id = create(&auth, "ada@example.com").await;
    let user_id = scim_user(&auth, &id).await.unwrap().user_id;
    let user = users(&auth)
        .await
        .into_iter()
        .find(|u| u.id == user_id)
        .unwrap();
    let api = bulwark_organization::OrganizationApi::new(&auth).unwrap();
    let other = api
        .create_organization(
            &user,
            bulwark_organization::api::NewOrganization::new("Other", "other"),
        )
        .await
        .unwrap();
    let res = call(&auth, Method::DELETE, &format!("/Users/{id}"), OKTA, None).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.json);
    // This connection's membership goes; the user and its other organization stay.
    assert!(member_roles(&auth, &org, &user_id).await.is_empty());
    assert!(users(&auth).await.iter().any(|u| u.id == user_id));
    assert_eq!(
        member_roles(&auth, &other.organization.id, &user_id).await,
        ["owner"]
    );
}

#[tokio::test]
async fn an_organization_scoped_connection_needs_the_organization_plugin() {
    let mut setup = Setup::new();
    setup.options = ScimOptions::default().connection(
        StaticConnection::new("okta")
            .organization("org-1")
            .credential(StaticCredential::new("c1", OKTA)),
    );
    let auth = setup.build();
    post(
        &auth,
        OKTA,
        json!({"schemas": [USER_SCHEMA], "userName": "ada@example.com"}),
    )
    .await
    .assert_error(
        StatusCode::BAD_REQUEST,
        Some("invalidValue"),
        "Organization-scoped SCIM provisioning requires the organization plugin",
    );
    assert!(users(&auth).await.is_empty());
}

#[tokio::test]
async fn a_failed_membership_leaves_nothing_behind() {
    let mut setup = Setup::new();
    setup.organization = true;
    setup.options = ScimOptions::default().connection(
        StaticConnection::new("okta")
            .organization("missing-org")
            .credential(StaticCredential::new("c1", OKTA)),
    );
    let auth = setup.build();
    let res = post(
        &auth,
        OKTA,
        json!({"schemas": [USER_SCHEMA], "userName": "ada@example.com"}),
    )
    .await;
    assert!(res.status.is_client_error(), "{} {}", res.status, res.json);
    assert!(users(&auth).await.is_empty());
    assert_eq!(
        auth.store().count::<ScimUser>(&Where::all()).await.unwrap(),
        0
    );
    assert!(
        bulwark_scim::audit::list(&auth, "okta", 10)
            .await
            .unwrap()
            .is_empty()
    );
}

/// Several creates of one user at once give exactly one user; the others answer 409.
async fn concurrent_creates_give_one_user(auth: &Auth) {
    for round in 0..3 {
        let body = json!({
            "schemas": [USER_SCHEMA],
            "userName": format!("racer{round}@example.com"),
            "externalId": format!("ext-{round}"),
        });
        let tasks: Vec<_> = (0..4)
            .map(|_| {
                let auth = auth.clone();
                let body = body.clone();
                tokio::spawn(async move { post(&auth, OKTA, body).await })
            })
            .collect();
        let mut created = 0;
        for task in tasks {
            let res = task.await.unwrap();
            if res.status == StatusCode::CREATED {
                created += 1;
            } else {
                assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.json);
                assert_eq!(res.json["scimType"], "uniqueness");
            }
        }
        assert_eq!(created, 1, "round {round}");
    }
    assert_eq!(users(auth).await.len(), 3);
    assert_eq!(
        auth.store().count::<ScimUser>(&Where::all()).await.unwrap(),
        3
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
// upstream: scim-create-uniqueness.test.ts › SCIM resource create uniqueness races › normalizes a concurrent User userName commit to SCIM uniqueness
async fn memory_concurrent_creates_give_one_user() {
    concurrent_creates_give_one_user(&auth()).await;
}

/// The concurrency test on `backend` (skipped when its database URL is unset).
pub(crate) async fn concurrent_creates_on(backend: Backend) {
    let schema = auth().schema().clone();
    let Some(db) = TestDb::new(backend, &schema).await else {
        return;
    };
    let mut setup = Setup::new();
    setup.adapter = db.adapter();
    let auth = setup.build();
    concurrent_creates_give_one_user(&auth).await;
    drop(auth);
    db.cleanup().await;
}

/// Sorting, projection and `POST /.search`.
mod search {
    use super::*;

    const SEARCH_REQUEST: &str = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";

    fn user_names(res: &Response) -> Vec<&str> {
        res.json["Resources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["userName"].as_str().unwrap())
            .collect()
    }

    #[tokio::test]
    async fn sort_by_user_name_in_either_order() {
        let auth = auth();
        for name in ["carol@example.com", "Alice@example.com", "bob@example.com"] {
            create(&auth, name).await;
        }
        let asc = get(&auth, OKTA, "/Users?sortBy=userName").await;
        assert_eq!(
            user_names(&asc),
            ["Alice@example.com", "bob@example.com", "carol@example.com"]
        );
        let desc = get(&auth, OKTA, "/Users?sortBy=userName&sortOrder=descending").await;
        assert_eq!(
            user_names(&desc),
            ["carol@example.com", "bob@example.com", "Alice@example.com"]
        );
        let bad = get(&auth, OKTA, "/Users?sortBy=title").await;
        bad.assert_error(
            StatusCode::BAD_REQUEST,
            Some("invalidValue"),
            "sortBy attribute title is not supported",
        );
        let bad = get(&auth, OKTA, "/Users?sortBy=userName&sortOrder=sideways").await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    }

    // upstream: scim-attribute-projection.test.ts › SCIM core-schema-qualified attribute projection › projects included and excluded User attributes on an item
    // upstream: scim-attribute-projection.test.ts › SCIM core-schema-qualified attribute projection › projects included and excluded User attributes in a collection
    #[tokio::test]
    async fn projection_on_items_lists_and_writes() {
        let auth = auth();
        let id = create(&auth, "ada@example.com").await;
        let path = format!(
            "/Users/{id}?attributes={}",
            url_encode("urn:ietf:params:scim:schemas:core:2.0:User:userName")
        );
        let item = get(&auth, OKTA, &path).await;
        assert_eq!(
            item.json,
            json!({"schemas": [USER_SCHEMA], "id": id, "userName": "ada@example.com"})
        );
        let list = get(&auth, OKTA, "/Users?excludedAttributes=emails,meta,name").await;
        let resource = &list.json["Resources"][0];
        assert_eq!(resource["id"], json!(id));
        assert!(resource.get("emails").is_none() && resource.get("meta").is_none());
        assert_eq!(resource["userName"], "ada@example.com");
        let created = call(
            &auth,
            Method::POST,
            "/Users?attributes=displayName",
            OKTA,
            Some(json!({"schemas": [USER_SCHEMA], "userName": "bob@example.com"})),
        )
        .await;
        assert_eq!(created.status, StatusCode::CREATED);
        assert_eq!(
            created.json.as_object().unwrap().keys().collect::<Vec<_>>(),
            ["schemas", "id", "displayName"]
        );
        let both = get(
            &auth,
            OKTA,
            "/Users?attributes=userName&excludedAttributes=emails",
        )
        .await;
        both.assert_error(
            StatusCode::BAD_REQUEST,
            Some("invalidValue"),
            "attributes and excludedAttributes cannot be used together",
        );
    }

    #[tokio::test]
    async fn search_requests_filter_sort_page_and_project_in_the_body() {
        let auth = auth();
        for name in ["carol@example.com", "alice@example.com", "bob@other.org"] {
            create(&auth, name).await;
        }
        for path in ["/Users/.search", "/.search"] {
            let res = call(
                &auth,
                Method::POST,
                path,
                OKTA,
                Some(json!({
                    "schemas": [SEARCH_REQUEST],
                    "filter": "userName ew \"@example.com\"",
                    "sortBy": "userName",
                    "sortOrder": "descending",
                    "attributes": ["userName"],
                    "startIndex": 1,
                    "count": 10
                })),
            )
            .await;
            assert_eq!(res.status, StatusCode::OK, "{path}: {}", res.json);
            assert_eq!(res.json["totalResults"], 2);
            assert_eq!(user_names(&res), ["carol@example.com", "alice@example.com"]);
            assert!(res.json["Resources"][0].get("meta").is_none());
        }
        let other = call(
            &auth,
            Method::POST,
            "/.search",
            ENTRA,
            Some(json!({"schemas": [SEARCH_REQUEST]})),
        )
        .await;
        assert_eq!(
            other.json["totalResults"], 0,
            "another connection sees nothing"
        );
        let bad = call(
            &auth,
            Method::POST,
            "/.search",
            OKTA,
            Some(json!({"filter": "userName pr"})),
        )
        .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert_eq!(bad.json["scimType"], "invalidValue");
    }

    #[tokio::test]
    async fn searching_needs_the_read_scope_only() {
        use bulwark_scim::Scopes;
        let read_only = ScimOptions::default().connection(
            StaticConnection::new("okta").credential(
                StaticCredential::new("reader", "token-reader")
                    .scopes(Scopes::parse(["scim.users.read"]).unwrap()),
            ),
        );
        let mut setup = Setup::new();
        setup.options = read_only;
        let auth = setup.build();
        let res = call(
            &auth,
            Method::POST,
            "/.search",
            "token-reader",
            Some(json!({"schemas": [SEARCH_REQUEST]})),
        )
        .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.json);
        let res = post(
            &auth,
            "token-reader",
            json!({"schemas": [USER_SCHEMA], "userName": "x@example.com"}),
        )
        .await;
        res.assert_error(
            StatusCode::FORBIDDEN,
            None,
            "The SCIM bearer token is missing the scim.users.write scope",
        );
    }
}

/// A server that accepts Users without an email address.
fn without_email() -> Auth {
    let mut setup = Setup::new();
    setup.options = options().missing_email(MissingEmail::Placeholder);
    setup.build()
}

async fn bulwark_user(auth: &Auth, scim_id: &str) -> User {
    let linked = scim_user(auth, scim_id).await.expect("the SCIM user");
    auth.store()
        .find_one(&Where::eq("id", linked.user_id.as_str()))
        .await
        .unwrap()
        .expect("the linked user")
}

#[tokio::test]
async fn a_user_without_email_is_refused_by_default() {
    let auth = auth();
    let res = post(
        &auth,
        OKTA,
        json!({"schemas": [USER_SCHEMA], "userName": "bjensen"}),
    )
    .await;
    res.assert_error(
        StatusCode::BAD_REQUEST,
        Some("invalidValue"),
        "[body.emails] emails must contain an email when userName is not an email address",
    );
    assert!(users(&auth).await.is_empty());
}

#[tokio::test]
async fn placeholder_users_get_their_own_unverified_address() {
    let auth = without_email();
    let first = post(
        &auth,
        OKTA,
        json!({"schemas": [USER_SCHEMA], "userName": "bjensen"}),
    )
    .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.json);
    assert!(first.json.get("emails").is_none(), "{}", first.json);
    assert_eq!(first.json["displayName"], "bjensen");
    let id = first.id();
    let user = bulwark_user(&auth, &id).await;
    assert_eq!(user.email, format!("{id}@scim.invalid"));
    assert!(MissingEmail::is_placeholder(&user.email));
    assert!(!user.email_verified);
    let emails: Vec<ScimEmail> = auth
        .store()
        .find_many(&Where::eq("scimUserId", id.as_str()), &[], None, None)
        .await
        .unwrap();
    assert!(emails.is_empty());

    // Another connection's User of the same name gets its own user, never the first one.
    let second = post(
        &auth,
        ENTRA,
        json!({"schemas": [USER_SCHEMA], "userName": "bjensen"}),
    )
    .await;
    assert_eq!(second.status, StatusCode::CREATED, "{}", second.json);
    assert_ne!(bulwark_user(&auth, &second.id()).await.id, user.id);
    assert_eq!(users(&auth).await.len(), 2);

    // An email-shaped userName is still the email, as without the option.
    let res = post(
        &auth,
        OKTA,
        json!({"schemas": [USER_SCHEMA], "userName": "Ada@Example.com"}),
    )
    .await;
    assert_eq!(
        res.json["emails"],
        json!([{"value": "ada@example.com", "primary": true}])
    );
    assert_eq!(
        bulwark_user(&auth, &res.id()).await.email,
        "ada@example.com"
    );
}

#[tokio::test]
async fn a_real_email_replaces_the_placeholder_and_removing_it_restores_it() {
    let auth = without_email();
    let id = post(
        &auth,
        OKTA,
        json!({"schemas": [USER_SCHEMA], "userName": "bjensen"}),
    )
    .await
    .id();
    let placeholder = format!("{id}@scim.invalid");

    let res = patch(
        &auth,
        &id,
        json!([{"op": "add", "path": "emails", "value": [{"value": "B@Example.com", "type": "work"}]}]),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(
        res.json["emails"],
        json!([{"value": "b@example.com", "primary": true, "type": "work"}])
    );
    assert_eq!(bulwark_user(&auth, &id).await.email, "b@example.com");

    let res = patch(&auth, &id, json!([{"op": "remove", "path": "emails"}])).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert!(res.json.get("emails").is_none(), "{}", res.json);
    assert_eq!(bulwark_user(&auth, &id).await.email, placeholder);

    // Replacing the emails with an empty list removes them too; a PUT without emails keeps none.
    patch(
        &auth,
        &id,
        json!([{"op": "replace", "path": "emails", "value": [{"value": "b@example.com"}]}]),
    )
    .await;
    let res = patch(
        &auth,
        &id,
        json!([{"op": "replace", "path": "emails", "value": []}]),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(bulwark_user(&auth, &id).await.email, placeholder);
    let put = call(
        &auth,
        Method::PUT,
        &format!("/Users/{id}"),
        OKTA,
        Some(json!({"schemas": [USER_SCHEMA], "userName": "bjensen", "displayName": "Barbara"})),
    )
    .await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.json);
    assert!(put.json.get("emails").is_none(), "{}", put.json);
    let user = bulwark_user(&auth, &id).await;
    assert_eq!(
        (user.email.as_str(), user.name.as_str()),
        (placeholder.as_str(), "Barbara")
    );
}

#[tokio::test]
async fn without_the_option_the_last_email_cannot_be_removed() {
    let auth = auth();
    let id = create(&auth, "ada@example.com").await;
    let res = patch(&auth, &id, json!([{"op": "remove", "path": "emails"}])).await;
    res.assert_error(
        StatusCode::BAD_REQUEST,
        Some("invalidValue"),
        "emails cannot be removed",
    );
}

#[tokio::test]
// upstream: scim-users.test.ts › SCIM write-path access and validation › resets emailVerified when a SCIM email change is applied
async fn an_email_change_is_no_longer_verified() {
    let auth = auth();
    let id = post(
        &auth,
        OKTA,
        json!({"schemas": [USER_SCHEMA], "userName": "before", "emails": [{"value": "before@email.com"}]}),
    )
    .await
    .id();
    let user_id = scim_user(&auth, &id).await.unwrap().user_id;
    let mut verified = bulwark_core::Row::new();
    verified.set("emailVerified", true);
    auth.store()
        .update::<User>(&Where::eq("id", user_id.as_str()), verified)
        .await
        .unwrap();
    let res = call(
        &auth,
        Method::PUT,
        &format!("/Users/{id}"),
        OKTA,
        Some(json!({"schemas": [USER_SCHEMA], "userName": "after", "emails": [{"value": "after@email.com"}]})),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    let user = bulwark_user(&auth, &id).await;
    assert_eq!(user.email, "after@email.com");
    assert!(!user.email_verified);
}
