//! Custom User schema extensions declared in options (upstream issue #10980, where extension objects
//! are dropped): accepted in `schemas`, validated against the declaration, stored and echoed after the
//! Enterprise User extension, patched, filtered in the database through `scimUserAttribute`, and
//! advertised in discovery. Undeclared extensions are still rejected.

use std::sync::Arc;

use bulwark_core::adapter::memory::MemoryAdapter;
use bulwark_core::{Adapter, Auth, Environment, Where};
use bulwark_scim::ScimOptions;
use bulwark_scim::models::ScimUserAttribute;
use bulwark_scim::options::{
    AttributeKind, ExtensionAttribute, Mutability, SchemaExtension, StaticConnection,
    StaticCredential,
};
use bulwark_scim::scim;
use bulwark_test_support::{Backend, FakeClock, SequentialIds, TestDb};
use bytes::Bytes;
use http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};
use time::macros::datetime;

const ORIGIN: &str = "http://localhost:3000";
const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const ENTERPRISE_SCHEMA: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const ACME: &str = "urn:ietf:params:scim:schemas:extension:acme:2.0:User";
const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const TOKEN: &str = "token-okta";
const OTHER: &str = "token-entra";

fn acme() -> SchemaExtension {
    SchemaExtension::new(ACME, "AcmeUser")
        .description("Acme's user attributes")
        .attribute(
            ExtensionAttribute::new("badge", AttributeKind::String)
                .required()
                .description("Badge number"),
        )
        .attribute(ExtensionAttribute::new("code", AttributeKind::String).case_exact())
        .attribute(ExtensionAttribute::new("vip", AttributeKind::Boolean))
        .attribute(ExtensionAttribute::new("level", AttributeKind::Integer))
        .attribute(ExtensionAttribute::new("hiredAt", AttributeKind::DateTime))
        .attribute(ExtensionAttribute::new(
            "homepage",
            AttributeKind::Reference,
        ))
        .attribute(ExtensionAttribute::new("tags", AttributeKind::String).multi_valued())
        .attribute(
            ExtensionAttribute::new("pin", AttributeKind::String).mutability(Mutability::WriteOnly),
        )
}

fn options() -> ScimOptions {
    ScimOptions::default()
        .connection(StaticConnection::new("okta").credential(StaticCredential::new("c1", TOKEN)))
        .connection(StaticConnection::new("entra").credential(StaticCredential::new("c2", OTHER)))
        .schema_extension(acme())
}

fn auth_on(adapter: Arc<dyn Adapter>) -> Auth {
    Auth::builder()
        .database(adapter)
        .secret("test-secret-that-is-long-enough-for-hmac")
        .base_url(ORIGIN)
        .environment(Environment {
            clock: Arc::new(FakeClock::at(datetime!(2026-01-01 00:00:00 UTC))),
            ids: Arc::new(SequentialIds::new()),
        })
        .plugin(scim(options()))
        .build()
        .expect("valid configuration")
}

fn auth() -> Auth {
    auth_on(Arc::new(MemoryAdapter::new()))
}

struct Response {
    status: StatusCode,
    json: Value,
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
        req = req.header(header::CONTENT_TYPE, "application/scim+json");
    }
    let body = body.map_or_else(Bytes::new, |b| Bytes::from(b.to_string()));
    let res = auth.handle(req.body(body).unwrap()).await;
    Response {
        status: res.status(),
        json: serde_json::from_slice(res.body()).unwrap_or(Value::Null),
    }
}

async fn post(auth: &Auth, body: Value) -> Response {
    call(auth, Method::POST, "/Users", TOKEN, Some(body)).await
}

async fn patch(auth: &Auth, id: &str, operations: Value) -> Response {
    let body = json!({"schemas": [PATCH_OP], "Operations": operations});
    call(
        auth,
        Method::PATCH,
        &format!("/Users/{id}"),
        TOKEN,
        Some(body),
    )
    .await
}

/// Creates `user_name` with the Acme extension `acme` and answers its id.
async fn create(auth: &Auth, user_name: &str, acme: Value) -> String {
    let res = post(
        auth,
        json!({"schemas": [USER_SCHEMA, ACME], "userName": user_name, ACME: acme}),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
    res.json["id"].as_str().unwrap().to_owned()
}

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

/// The `userName`s a filter matches, in creation order.
async fn matching(auth: &Auth, filter: &str) -> Vec<String> {
    let res = call(
        auth,
        Method::GET,
        &format!("/Users?filter={}", url_encode(filter)),
        TOKEN,
        None,
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{filter}: {}", res.json);
    res.json["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["userName"].as_str().unwrap().to_owned())
        .collect()
}

fn assert_invalid(res: &Response, scim_type: &str, detail: &str) {
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.json);
    assert_eq!(res.json["scimType"], scim_type, "{}", res.json);
    assert_eq!(res.json["detail"], detail, "{}", res.json);
}

#[tokio::test]
async fn a_declared_extension_round_trips_after_the_enterprise_extension() {
    let auth = auth();
    let res = post(
        &auth,
        json!({
            "schemas": [ACME, ENTERPRISE_SCHEMA, USER_SCHEMA],
            "userName": "ada@example.com",
            ACME: {"Level": 3, "badge": " B-7 ", "vip": "True", "hiredAt": "2025-06-01T10:00:00+02:00",
                   "tags": ["a", "b"], "pin": "1234", "homepage": "https://acme.example/ada"},
            ENTERPRISE_SCHEMA: {"department": "R&D"},
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
            "id",
            "userName",
            "displayName",
            "active",
            ENTERPRISE_SCHEMA,
            ACME,
            "meta"
        ]
    );
    assert_eq!(
        res.json["schemas"],
        json!([USER_SCHEMA, ENTERPRISE_SCHEMA, ACME])
    );
    // Declaration order, normalised values, the writeOnly `pin` stored but never answered.
    let expected = json!({"badge": "B-7", "vip": true, "level": 3, "hiredAt": "2025-06-01T08:00:00.000Z",
                          "homepage": "https://acme.example/ada", "tags": ["a", "b"]});
    assert_eq!(res.json[ACME], expected);
    let expected_keys: Vec<&str> = expected
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let answered: Vec<&str> = res.json[ACME]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(answered, expected_keys);
    let id = res.json["id"].as_str().unwrap().to_owned();
    let got = call(&auth, Method::GET, &format!("/Users/{id}"), TOKEN, None).await;
    assert_eq!(got.json[ACME], expected);
    let stored = auth
        .store()
        .find_one::<bulwark_scim::models::ScimUser>(&Where::eq("id", id.as_str()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.attributes[ACME]["pin"], "1234");
}

#[tokio::test]
async fn put_replaces_the_extension_and_delete_removes_its_rows() {
    let auth = auth();
    let id = create(
        &auth,
        "ada@example.com",
        json!({"badge": "A", "level": 1, "vip": true}),
    )
    .await;
    // PUT replaces the extension object (and its rows); without it the URN leaves `schemas`.
    let put = call(
        &auth,
        Method::PUT,
        &format!("/Users/{id}"),
        TOKEN,
        Some(json!({"schemas": [USER_SCHEMA, ACME], "userName": "ada@example.com", ACME: {"badge": "C-1"}})),
    )
    .await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.json);
    assert_eq!(put.json[ACME], json!({"badge": "C-1"}));
    let rows = auth
        .store()
        .find_many::<ScimUserAttribute>(&Where::eq("scimUserId", id.as_str()), &[], None, None)
        .await
        .unwrap();
    let keys: Vec<&str> = rows.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys, [format!("{}:badge", ACME.to_lowercase())]);
    let put = call(
        &auth,
        Method::PUT,
        &format!("/Users/{id}"),
        TOKEN,
        Some(json!({"schemas": [USER_SCHEMA], "userName": "ada@example.com"})),
    )
    .await;
    // `badge` is required only when the extension is sent; the extension itself is optional.
    assert_eq!(put.status, StatusCode::OK, "{}", put.json);
    assert_eq!(put.json["schemas"], json!([USER_SCHEMA]));
    assert!(put.json.get(ACME).is_none());

    // DELETE removes the rows with the user.
    let deleted = call(&auth, Method::DELETE, &format!("/Users/{id}"), TOKEN, None).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let left = auth
        .store()
        .count::<ScimUserAttribute>(&Where::all())
        .await
        .unwrap();
    assert_eq!(left, 0);
}

#[tokio::test]
async fn extension_objects_are_validated_against_the_declaration() {
    let auth = auth();
    let body = |acme: Value| json!({"schemas": [USER_SCHEMA, ACME], "userName": "a@example.com", ACME: acme});
    let res = post(
        &auth,
        body(
            json!({"badge": 7, "level": "3", "hiredAt": "yesterday", "color": "red", "tags": [1]}),
        ),
    )
    .await;
    assert_invalid(
        &res,
        "invalidValue",
        &format!(
            "[body.{ACME}.color] color is not an attribute of {ACME}; \
             [body.{ACME}.badge] badge must be a string; \
             [body.{ACME}.level] level must be an integer; \
             [body.{ACME}.hiredAt] hiredAt must be an RFC 3339 dateTime; \
             [body.{ACME}.tags] tags must be a string"
        ),
    );
    let res = post(&auth, body(json!({"vip": "yes"}))).await;
    assert_invalid(
        &res,
        "invalidValue",
        &format!("[body.{ACME}.badge] badge is required; [body.{ACME}.vip] vip must be a boolean"),
    );
    let res = post(&auth, body(json!("B-7"))).await;
    assert_invalid(
        &res,
        "invalidValue",
        &format!("[body.{ACME}] {ACME} must be an object"),
    );
    let res = post(&auth, body(json!({"badge": "x".repeat(256)}))).await;
    assert_invalid(
        &res,
        "invalidValue",
        &format!("[body.{ACME}.badge] badge must have at most 255 characters"),
    );
    // The object needs its URN in `schemas`.
    let res = post(
        &auth,
        json!({"schemas": [USER_SCHEMA], "userName": "a@example.com", ACME: {"badge": "B"}}),
    )
    .await;
    assert_invalid(
        &res,
        "invalidValue",
        &format!("[body.schemas] The {ACME} extension requires it in schemas"),
    );
    assert_eq!(
        auth.store()
            .count::<bulwark_scim::models::ScimUser>(&Where::all())
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn an_undeclared_extension_is_still_rejected() {
    let auth = auth();
    let other = "urn:ietf:params:scim:schemas:extension:other:2.0:User";
    let res = post(
        &auth,
        json!({"schemas": [USER_SCHEMA, other], "userName": "a@example.com", other: {"x": 1}}),
    )
    .await;
    assert_invalid(
        &res,
        "invalidValue",
        &format!("[body.schemas] Unsupported SCIM User schema {other}"),
    );
    // Without declarations the Acme URN is unknown too.
    let plain = Auth::builder()
        .database(Arc::new(MemoryAdapter::new()) as Arc<dyn Adapter>)
        .secret("test-secret-that-is-long-enough-for-hmac")
        .base_url(ORIGIN)
        .plugin(scim(ScimOptions::default().connection(
            StaticConnection::new("okta").credential(StaticCredential::new("c1", TOKEN)),
        )))
        .build()
        .unwrap();
    let res = post(
        &plain,
        json!({"schemas": [USER_SCHEMA, ACME], "userName": "a@example.com", ACME: {"badge": "B"}}),
    )
    .await;
    assert_invalid(
        &res,
        "invalidValue",
        &format!("[body.schemas] Unsupported SCIM User schema {ACME}"),
    );
    let res = call(
        &plain,
        Method::GET,
        &format!(
            "/Users?filter={}",
            url_encode(&format!("{ACME}:badge eq \"B\""))
        ),
        TOKEN,
        None,
    )
    .await;
    assert_invalid(
        &res,
        "invalidFilter",
        &format!("filter attribute {ACME}:badge is not supported for User"),
    );
}

/// Three users whose extension attributes the filter tests compare.
async fn filter_fixture(auth: &Auth) {
    create(
        auth,
        "ada@example.com",
        json!({"badge": "Alpha-1", "code": "Xy", "vip": true, "level": 9,
                                            "hiredAt": "2024-03-01T00:00:00Z", "tags": ["t"]}),
    )
    .await;
    create(
        auth,
        "bob@example.com",
        json!({"badge": "beta-2", "code": "xy", "vip": false, "level": 10,
                                            "hiredAt": "2025-03-01T12:30:00+01:00"}),
    )
    .await;
    create(auth, "cy@example.com", json!({"badge": "GAMMA-3"})).await;
    // Another connection's user never matches.
    let res = call(
        auth,
        Method::POST,
        "/Users",
        OTHER,
        Some(
            json!({"schemas": [USER_SCHEMA, ACME], "userName": "eve@example.com",
                    ACME: {"badge": "alpha-1", "vip": true, "level": 99}}),
        ),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED);
}

async fn check_filters(auth: &Auth) {
    filter_fixture(auth).await;
    let cases: &[(&str, &[&str])] = &[
        // Strings: case-insensitive unless caseExact.
        (r#"badge eq "ALPHA-1""#, &["ada@example.com"]),
        (
            r#"badge co "a-""#,
            &["ada@example.com", "bob@example.com", "cy@example.com"],
        ),
        (r#"badge sw "g""#, &["cy@example.com"]),
        (r#"badge ew "-2""#, &["bob@example.com"]),
        (
            r#"badge ne "beta-2""#,
            &["ada@example.com", "cy@example.com"],
        ),
        (r#"code eq "xy""#, &["bob@example.com"]),
        (r"CODE pr", &["ada@example.com", "bob@example.com"]),
        // Booleans.
        ("vip eq true", &["ada@example.com"]),
        (r#"vip eq "false""#, &["bob@example.com"]),
        ("vip ne true", &["bob@example.com"]),
        // Integers compare as numbers (10 > 9).
        ("level gt 9", &["bob@example.com"]),
        ("level le 9", &["ada@example.com"]),
        ("level ge 9", &["ada@example.com", "bob@example.com"]),
        // Timestamps compare as instants, whatever offset was sent.
        (r#"hiredAt gt "2025-03-01T11:00:00Z""#, &["bob@example.com"]),
        (r#"hiredAt ge "2025-03-01T11:30:00Z""#, &["bob@example.com"]),
        (
            r#"hiredAt lt "2025-01-01T00:00:00+00:00""#,
            &["ada@example.com"],
        ),
        // With core attributes and logic.
        (
            r#"level pr and not (vip eq true) or userName eq "cy@example.com""#,
            &["bob@example.com", "cy@example.com"],
        ),
    ];
    for (filter, expected) in cases {
        let qualified = if filter.starts_with("level pr") {
            filter
                .replace("level", &format!("{ACME}:level"))
                .replace("vip", &format!("{ACME}:vip"))
        } else {
            format!("{ACME}:{filter}")
        };
        assert_eq!(matching(auth, &qualified).await, *expected, "{qualified}");
    }
    for (filter, detail) in [
        (
            format!("{ACME}:tags eq \"t\""),
            format!("filter attribute {ACME}:tags is not supported for User"),
        ),
        (
            format!("{ACME}:color eq \"x\""),
            format!("filter attribute {ACME}:color is not supported for User"),
        ),
        (
            format!("{ACME}:level co 1"),
            format!("filter value for {ACME}:level co has the wrong type"),
        ),
        (
            format!("{ACME}:badge gt \"a\""),
            format!("filter value for {ACME}:badge gt has the wrong type"),
        ),
        (
            format!("{ACME}:vip eq 1"),
            format!("filter value for {ACME}:vip eq has the wrong type"),
        ),
    ] {
        let res = call(
            auth,
            Method::GET,
            &format!("/Users?filter={}", url_encode(&filter)),
            TOKEN,
            None,
        )
        .await;
        assert_invalid(&res, "invalidFilter", &detail);
    }
}

#[tokio::test]
async fn extension_attributes_filter_in_the_database() {
    check_filters(&auth()).await;
}

/// The filter checks on a real database (skipped when its URL is unset).
async fn filters_on(backend: Backend) {
    let schema = auth().schema().clone();
    let Some(db) = TestDb::new(backend, &schema).await else {
        return;
    };
    let auth = auth_on(db.adapter());
    check_filters(&auth).await;
    drop(auth);
    db.cleanup().await;
}

#[tokio::test]
async fn extension_filters_on_sqlite() {
    filters_on(Backend::Sqlite).await;
}

#[tokio::test]
async fn extension_filters_on_postgres() {
    filters_on(Backend::Postgres).await;
}

#[tokio::test]
async fn extension_filters_on_mysql() {
    filters_on(Backend::Mysql).await;
}

#[tokio::test]
async fn patch_changes_extension_attributes_and_their_rows() {
    let auth = auth();
    let id = create(
        &auth,
        "ada@example.com",
        json!({"badge": "A", "level": 1, "tags": ["x"]}),
    )
    .await;
    let res = patch(
        &auth,
        &id,
        json!([
            {"op": "replace", "path": format!("{ACME}:LEVEL"), "value": 12},
            {"op": "add", "path": format!("{ACME}:tags"), "value": ["y"]},
            {"op": "add", "path": format!("{ACME}:vip"), "value": "true"},
        ]),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(
        res.json[ACME],
        json!({"badge": "A", "vip": true, "level": 12, "tags": ["x", "y"]})
    );
    assert_eq!(
        matching(&auth, &format!("{ACME}:level gt 10")).await,
        ["ada@example.com"]
    );
    assert_eq!(
        matching(&auth, &format!("{ACME}:vip eq true")).await,
        ["ada@example.com"]
    );

    // Removing an attribute removes its row; a pathless value keyed by the URN merges.
    let res = patch(
        &auth,
        &id,
        json!([
            {"op": "remove", "path": format!("{ACME}:level")},
            {"op": "add", "value": {ACME: {"Badge": "B"}}},
        ]),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(
        res.json[ACME],
        json!({"badge": "B", "vip": true, "tags": ["x", "y"]})
    );
    assert!(
        matching(&auth, &format!("{ACME}:level pr"))
            .await
            .is_empty()
    );
    assert_eq!(
        matching(&auth, &format!("{ACME}:badge eq \"b\"")).await,
        ["ada@example.com"]
    );
}

#[tokio::test]
async fn patched_extensions_are_validated_and_can_be_removed() {
    let auth = auth();
    let id = create(&auth, "ada@example.com", json!({"badge": "B", "level": 1})).await;
    // Values are validated as on POST; undeclared attributes and other URNs are invalid paths.
    let res = patch(
        &auth,
        &id,
        json!([{"op": "replace", "path": format!("{ACME}:level"), "value": "high"}]),
    )
    .await;
    assert_invalid(
        &res,
        "invalidValue",
        &format!("{ACME}.level: level must be an integer"),
    );
    let res = patch(
        &auth,
        &id,
        json!([{"op": "replace", "path": format!("{ACME}:color"), "value": "red"}]),
    )
    .await;
    assert_invalid(
        &res,
        "invalidPath",
        &format!("User PATCH path {ACME}:color is not supported"),
    );
    let other = "urn:ietf:params:scim:schemas:extension:other:2.0:User";
    let res = patch(
        &auth,
        &id,
        json!([{"op": "replace", "path": format!("{other}:x"), "value": "1"}]),
    )
    .await;
    assert_invalid(
        &res,
        "invalidPath",
        &format!("User PATCH path {other}:x is not supported"),
    );

    // Removing the root removes the extension and its URN.
    let res = patch(&auth, &id, json!([{"op": "remove", "path": ACME}])).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["schemas"], json!([USER_SCHEMA]));
    assert!(res.json.get(ACME).is_none());
    assert_eq!(
        auth.store()
            .count::<ScimUserAttribute>(&Where::all())
            .await
            .unwrap(),
        0
    );
    // Adding it back needs its required attribute.
    let res = patch(
        &auth,
        &id,
        json!([{"op": "add", "path": ACME, "value": {"vip": false}}]),
    )
    .await;
    assert_invalid(
        &res,
        "invalidValue",
        &format!("{ACME}.badge: badge is required"),
    );
}

#[tokio::test]
async fn discovery_advertises_declared_extensions() {
    let auth = auth();
    let schema = call(&auth, Method::GET, &format!("/Schemas/{ACME}"), TOKEN, None).await;
    assert_eq!(schema.status, StatusCode::OK);
    insta::assert_json_snapshot!("schema", schema.json);
    let list = call(&auth, Method::GET, "/Schemas", TOKEN, None).await;
    let ids: Vec<&str> = list.json["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [USER_SCHEMA, ENTERPRISE_SCHEMA, ACME]);
    assert_eq!(list.json["totalResults"], 3);
    let user = call(&auth, Method::GET, "/ResourceTypes/User", TOKEN, None).await;
    insta::assert_json_snapshot!("resource_type", user.json["schemaExtensions"]);
}

#[test]
fn declarations_are_checked() {
    let options = ScimOptions::default()
        .schema_extension(SchemaExtension::new("acme:user", "A"))
        .schema_extension(SchemaExtension::new(ENTERPRISE_SCHEMA, "E"))
        .schema_extension(
            SchemaExtension::new(ACME, "Acme")
                .attribute(ExtensionAttribute::new("badge", AttributeKind::String))
                .attribute(ExtensionAttribute::new("Badge", AttributeKind::String))
                .attribute(ExtensionAttribute::new("level", AttributeKind::Integer).multi_valued())
                .attribute(
                    ExtensionAttribute::new("id", AttributeKind::String)
                        .mutability(Mutability::ReadOnly),
                )
                .attribute(ExtensionAttribute::new("2fa", AttributeKind::Boolean)),
        )
        .schema_extension(SchemaExtension::new(ACME.to_uppercase(), "Again"));
    assert_eq!(
        options.problems(),
        [
            "SCIM schema extension \"acme:user\" must be a URN of the form urn:…".to_owned(),
            format!("SCIM schema extension {ENTERPRISE_SCHEMA} is built in and cannot be declared"),
            format!("SCIM schema extension {ACME} declares attribute Badge twice"),
            format!(
                "SCIM schema extension {ACME}: only String attributes can be multi-valued (level)"
            ),
            format!(
                "SCIM schema extension {ACME}: attribute id cannot be readOnly (clients write extension attributes)"
            ),
            format!("SCIM schema extension {ACME} has an invalid attribute name \"2fa\""),
            format!(
                "SCIM schema extension {} is declared twice",
                ACME.to_uppercase()
            ),
        ]
    );
}
