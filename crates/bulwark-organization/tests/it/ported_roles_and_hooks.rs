//! Additional fields on stored roles (upstream's `schema.organizationRole.additionalFields`) through
//! `/organization/create-role`, `/update-role`, `/get-role` and `/list-roles` and the server API, and the
//! request the organization delete hooks receive (upstream's endpoint context).

use std::sync::{Arc, Mutex};

use bulwark_core::adapter::{Value, Where};
use bulwark_core::endpoint::RequestCtx;
use bulwark_core::models::User;
use bulwark_core::schema::FieldType;
use bulwark_organization::OrganizationOptions;
use bulwark_organization::access::{AccessControl, Role, default_roles, permissions};
use bulwark_organization::api::{NewRole, RoleChanges, RoleRef};
use bulwark_organization::fields::{AdditionalField, AdditionalFields};
use bulwark_organization::options::{
    DynamicAccessControl, OrganizationChange, OrganizationHooks, RequestInfo,
};
use bulwark_test_support::{Backend, TestDb};
use http::{Method, StatusCode, header};
use serde_json::{Value as Json, json};

use crate::Harness;
use crate::harness::Response;

/// Upstream's `additionalFields` of the role tests: `color` (given, with a default) and `serverOnlyValue`
/// (no input, filled from its default).
fn role_fields() -> Vec<AdditionalField> {
    vec![
        AdditionalField::new("color", FieldType::String).default_value("#ffffff"),
        AdditionalField::new("serverOnlyValue", FieldType::String)
            .default_value("server-only-value")
            .input(false),
    ]
}

/// Upstream's setup of `crud-access-control.test.ts`: `project` and `sales` next to the default
/// statements, owner, admin and member roles granting some of them, dynamic access control, and `fields`
/// on `organizationRole`.
fn options_with(fields: Vec<AdditionalField>) -> OrganizationOptions {
    let mut statements = permissions([
        ("project", vec!["create", "read", "update", "delete"]),
        ("sales", vec!["create", "read", "update", "delete"]),
    ]);
    statements.extend(AccessControl::default().statements().clone());
    let default = |name: &str| {
        default_roles()
            .into_iter()
            .find(|(n, _)| n == name)
            .unwrap()
            .1
    };
    let owner = Role::new(permissions([
        ("project", vec!["create", "delete", "update", "read"]),
        ("sales", vec!["create", "read", "update", "delete"]),
    ]))
    .merged(default("owner").statements());
    let admin = Role::new(permissions([
        ("project", vec!["create", "read", "delete", "update"]),
        ("sales", vec!["create", "read"]),
    ]))
    .merged(default("admin").statements());
    let member = Role::new(permissions([
        ("project", vec!["read"]),
        ("sales", vec!["read"]),
    ]))
    .merged(default("member").statements());
    OrganizationOptions::default()
        .access_control(AccessControl::new(statements))
        .roles([("admin", admin), ("member", member), ("owner", owner)])
        .dynamic_access_control(DynamicAccessControl::enabled())
        .additional_fields(AdditionalFields::default().organization_role(fields))
}

/// An organization owned by Alice with Bob as a member (with it active).
struct Fixture {
    h: Harness,
    org: String,
    alice: String,
    bob: String,
    bob_member: String,
}

impl Fixture {
    async fn with(h: Harness) -> Self {
        let (_, alice) = h.user("Alice").await;
        let (bob_id, bob) = h.user("Bob").await;
        let org = h.organization(&alice, "acme").await;
        let bob_member = h.add(&org, &bob_id, "member").await;
        let res = h
            .post(
                "/organization/set-active",
                json!({"organizationId": org}),
                Some(&bob),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.json);
        Self {
            h,
            org,
            alice,
            bob,
            bob_member,
        }
    }

    async fn new() -> Self {
        Self::with(Harness::with_options(options_with(role_fields()))).await
    }

    async fn create_role(&self, body: Json) -> Response {
        self.h
            .post("/organization/create-role", body, Some(&self.alice))
            .await
    }

    async fn has_permission(&self, cookie: &str, permissions: Json) -> bool {
        let res = self
            .h
            .post(
                "/organization/has-permission",
                json!({"organizationId": self.org, "permissions": permissions}),
                Some(cookie),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.json);
        res.json["success"].as_bool().unwrap()
    }

    /// The stored value of `field` of the role `name`.
    async fn stored(&self, name: &str, field: &str) -> Option<Value> {
        let role = self
            .h
            .api()
            .find_role(&self.org, &RoleRef::Name(name.to_owned()))
            .await
            .unwrap()
            .expect("the role is stored");
        role.extra.get(field).cloned()
    }
}

fn keys(json: &Json) -> Vec<&str> {
    json.as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect()
}

// upstream: crud-access-control.test.ts › dynamic access control › should successfully create a new role
#[tokio::test]
async fn a_new_role_stores_its_additional_fields_and_grants_its_permissions() {
    let o = Fixture::new().await;
    let permission = json!({"project": ["create"]});
    let res = o
        .create_role(json!({
            "role": "test",
            "permission": permission,
            "additionalFields": {"color": "#000000"},
        }))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["success"], true);
    let role = &res.json["roleData"];
    assert_eq!(role["permission"], permission);
    assert_eq!(role["color"], "#000000");
    assert_eq!(role["serverOnlyValue"], "server-only-value");
    assert_eq!(role["role"], "test");
    assert_eq!(
        keys(role),
        [
            "organizationId",
            "role",
            "permission",
            "createdAt",
            "updatedAt",
            "color",
            "serverOnlyValue",
            "id"
        ]
    );
    assert_eq!(
        o.stored("test", "color").await,
        Some(Value::from("#000000"))
    );
    assert_eq!(
        o.stored("test", "serverOnlyValue").await,
        Some(Value::from("server-only-value"))
    );

    let res =
        o.h.post(
            "/organization/update-member-role",
            json!({"memberId": o.bob_member, "role": "test"}),
            Some(&o.alice),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert!(
        !o.has_permission(&o.bob, json!({"project": ["delete"]}))
            .await
    );
    assert!(
        o.has_permission(&o.bob, json!({"project": ["create"]}))
            .await
    );
}

// upstream: crud-access-control.test.ts › dynamic access control › should be able to update additional fields
#[tokio::test]
async fn updating_a_role_sets_its_additional_fields() {
    let o = Fixture::new().await;
    let res = o
        .create_role(json!({
            "role": "test-update",
            "permission": {"project": ["create"]},
            "additionalFields": {"color": "#000000", "someInvalidKey": "this would be ignored by zod"},
        }))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert!(res.json["roleData"].get("someInvalidKey").is_none());
    let role_id = res.json["roleData"]["id"].as_str().unwrap().to_owned();

    let res =
        o.h.post(
            "/organization/update-role",
            json!({"roleId": role_id, "data": {"color": "#111111"}}),
            Some(&o.alice),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["success"], true);
    assert_eq!(res.json["roleData"]["color"], "#111111");
    assert!(res.json["roleData"].get("someInvalidKey").is_none());
    assert_eq!(
        res.json["roleData"]["permission"],
        json!({"project": ["create"]})
    );
    assert_eq!(
        o.stored("test-update", "color").await,
        Some(Value::from("#111111"))
    );

    let res =
        o.h.get(
            &format!("/organization/get-role?roleId={role_id}"),
            Some(&o.alice),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["color"], "#111111");
    assert_eq!(res.json["serverOnlyValue"], "server-only-value");
}

#[tokio::test]
async fn a_role_created_without_additional_fields_gets_their_defaults() {
    let o = Fixture::new().await;
    let res = o
        .create_role(json!({"role": "plain", "permission": {"project": ["read"]}}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["roleData"]["color"], "#ffffff");
    assert_eq!(res.json["roleData"]["serverOnlyValue"], "server-only-value");
    let res = o.h.get("/organization/list-roles", Some(&o.alice)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json[0]["color"], "#ffffff");
}

#[tokio::test]
async fn a_field_without_input_cannot_be_set_by_a_request() {
    let o = Fixture::new().await;
    let res = o
        .create_role(json!({
            "role": "sneaky",
            "permission": {"project": ["read"]},
            "additionalFields": {"color": "#000000", "serverOnlyValue": "from the client"},
        }))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["roleData"]["serverOnlyValue"], "server-only-value");
    let res =
        o.h.post(
            "/organization/update-role",
            json!({"roleName": "sneaky", "data": {"serverOnlyValue": "from the client"}}),
            Some(&o.alice),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(
        o.stored("sneaky", "serverOnlyValue").await,
        Some(Value::from("server-only-value"))
    );
}

#[tokio::test]
async fn additional_fields_of_the_wrong_type_are_a_validation_error() {
    let o = Fixture::new().await;
    let res = o
        .create_role(json!({
            "role": "bad",
            "permission": {"project": ["read"]},
            "additionalFields": {"color": 7},
        }))
        .await;
    res.assert_error(StatusCode::BAD_REQUEST, "VALIDATION_ERROR");
    assert_eq!(
        res.json["message"],
        "[body.additionalFields.color] Invalid input: expected string, received number"
    );
    // Given the object, a required field must be in it, as zod requires it despite the default.
    let res = o
        .create_role(json!({
            "role": "bad",
            "permission": {"project": ["read"]},
            "additionalFields": {},
        }))
        .await;
    res.assert_error(StatusCode::BAD_REQUEST, "VALIDATION_ERROR");
    assert_eq!(
        res.json["message"],
        "[body.additionalFields.color] Invalid input: expected string, received undefined"
    );
    let id = o
        .create_role(json!({"role": "good", "permission": {"project": ["read"]}}))
        .await
        .json["roleData"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let res =
        o.h.post(
            "/organization/update-role",
            json!({"roleId": id, "data": {"color": false}}),
            Some(&o.alice),
        )
        .await;
    res.assert_error(StatusCode::BAD_REQUEST, "VALIDATION_ERROR");
    assert_eq!(
        res.json["message"],
        "[body.data.color] Invalid input: expected string, received boolean"
    );
    assert_eq!(
        o.stored("good", "color").await,
        Some(Value::from("#ffffff"))
    );
}

#[tokio::test]
async fn a_required_field_without_default_must_be_given() {
    let fields = vec![AdditionalField::new("team", FieldType::String)];
    let o = Fixture::with(Harness::with_options(options_with(fields))).await;
    let res = o
        .create_role(json!({"role": "x", "permission": {"project": ["read"]}}))
        .await;
    res.assert_error(StatusCode::BAD_REQUEST, "VALIDATION_ERROR");
    assert_eq!(
        res.json["message"],
        "[body.additionalFields.team] Invalid input: expected string, received undefined"
    );
    let res = o
        .create_role(json!({
            "role": "x",
            "permission": {"project": ["read"]},
            "additionalFields": {"team": "core"},
        }))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["roleData"]["team"], "core");
}

#[tokio::test]
async fn a_field_not_returned_is_stored_but_never_answered() {
    let fields = vec![
        AdditionalField::new("color", FieldType::String),
        AdditionalField::new("secret", FieldType::String)
            .required(false)
            .returned(false),
    ];
    let o = Fixture::with(Harness::with_options(options_with(fields))).await;
    let res = o
        .create_role(json!({
            "role": "hidden",
            "permission": {"project": ["read"]},
            "additionalFields": {"color": "#000000", "secret": "s3"},
        }))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert!(res.json["roleData"].get("secret").is_none());
    assert_eq!(o.stored("hidden", "secret").await, Some(Value::from("s3")));
    let res =
        o.h.post(
            "/organization/update-role",
            json!({"roleName": "hidden", "data": {"secret": "s4"}}),
            Some(&o.alice),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert!(res.json["roleData"].get("secret").is_none());
    assert_eq!(o.stored("hidden", "secret").await, Some(Value::from("s4")));
    for path in [
        "/organization/list-roles",
        "/organization/get-role?roleName=hidden",
    ] {
        let res = o.h.get(path, Some(&o.alice)).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.json);
        assert!(!res.raw.windows(6).any(|w| w == b"secret"), "{path}");
    }
}

#[tokio::test]
async fn the_server_api_sets_any_additional_field() {
    let o = Fixture::new().await;
    let api = o.h.api();
    let role = api
        .create_role(
            NewRole::new(&o.org, "Server", permissions([("project", ["read"])]))
                .field("serverOnlyValue", "set by the server"),
        )
        .await
        .unwrap();
    assert_eq!(role.role, "server");
    assert_eq!(role.extra.get("color"), Some(&Value::from("#ffffff")));
    assert_eq!(
        role.extra.get("serverOnlyValue"),
        Some(&Value::from("set by the server"))
    );
    let updated = api
        .update_role(
            &o.org,
            &RoleRef::Id(role.id.clone()),
            RoleChanges::default()
                .field("color", "#123456")
                .field("unknown", "ignored"),
        )
        .await
        .unwrap();
    assert_eq!(updated.extra.get("color"), Some(&Value::from("#123456")));
    assert!(!updated.extra.contains("unknown"));
    let err = api
        .update_role(
            &o.org,
            &RoleRef::Id(role.id),
            RoleChanges::default().field("color", 5_i64),
        )
        .await
        .unwrap_err();
    assert_eq!(err.message(), "[color] Invalid input: expected string");
}

/// Role fields are columns on every backend: written, read back and updated.
async fn role_fields_persist_on(backend: Backend) {
    let schema = Harness::with_options(options_with(role_fields()))
        .auth
        .schema()
        .clone();
    let Some(db) = TestDb::new(backend, &schema).await else {
        return;
    };
    let h = Harness::build(options_with(role_fields()), db.adapter(), |b| b);
    let o = Fixture::with(h).await;
    let res = o
        .create_role(json!({
            "role": "stored",
            "permission": {"project": ["read"]},
            "additionalFields": {"color": "#000000"},
        }))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    let res =
        o.h.post(
            "/organization/update-role",
            json!({"roleName": "stored", "data": {"color": "#222222"}}),
            Some(&o.alice),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    let res =
        o.h.get("/organization/get-role?roleName=stored", Some(&o.alice))
            .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["color"], "#222222");
    assert_eq!(res.json["serverOnlyValue"], "server-only-value");
}

#[tokio::test]
async fn role_fields_persist_on_memory() {
    role_fields_persist_on(Backend::Memory).await;
}

#[tokio::test]
async fn role_fields_persist_on_sqlite() {
    role_fields_persist_on(Backend::Sqlite).await;
}

#[tokio::test]
async fn role_fields_persist_on_postgres() {
    role_fields_persist_on(Backend::Postgres).await;
}

#[tokio::test]
async fn role_fields_persist_on_mysql() {
    role_fields_persist_on(Backend::Mysql).await;
}

/// What a delete hook saw of the request: its method, path and cookie header.
type Seen = Arc<Mutex<Vec<(&'static str, Option<(Method, String, bool)>)>>>;

fn recording_hooks(seen: &Seen) -> OrganizationOptions {
    let record = |name: &'static str, seen: &Seen| {
        let seen = Arc::clone(seen);
        move |change: OrganizationChange| {
            let request = change.request.map(|r: RequestInfo| {
                let cookie = r.headers.contains_key(header::COOKIE);
                (r.method, r.path, cookie)
            });
            seen.lock().unwrap().push((name, request));
            Box::pin(async { Ok(()) }) as _
        }
    };
    let mut hooks = OrganizationHooks::default();
    hooks.before_delete_organization = Some(Arc::new(record("beforeDeleteOrganization", seen)));
    hooks.after_delete_organization = Some(Arc::new(record("afterDeleteOrganization", seen)));
    OrganizationOptions::default().organization_hooks(hooks)
}

// upstream: organization.test.ts › organization delete hooks receive endpoint context › passes endpoint context to beforeDeleteOrganization and afterDeleteOrganization
#[tokio::test]
async fn the_delete_hooks_receive_the_request() {
    let seen = Seen::default();
    let h = Harness::with_options(recording_hooks(&seen));
    let (_, cookie) = h.user("Alice").await;
    let res = h
        .post(
            "/organization/create",
            json!({"name": "Org For Delete Ctx", "slug": "org-for-delete-ctx"}),
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    let id = res.json["id"].as_str().unwrap().to_owned();
    let res = h
        .post(
            "/organization/delete",
            json!({"organizationId": id}),
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    let request = Some((Method::POST, "/organization/delete".to_owned(), true));
    assert_eq!(
        *seen.lock().unwrap(),
        [
            ("beforeDeleteOrganization", request.clone()),
            ("afterDeleteOrganization", request),
        ]
    );
}

#[tokio::test]
async fn a_server_side_delete_passes_no_request_to_the_hooks() {
    let seen = Seen::default();
    let h = Harness::with_options(recording_hooks(&seen));
    let (user_id, cookie) = h.user("Alice").await;
    let id = h.organization(&cookie, "server-delete").await;
    let api = h.api();
    let organization = api.find_organization(&id).await.unwrap().unwrap();
    let user: User = h
        .auth
        .store()
        .find_one(&Where::eq("id", user_id.as_str()))
        .await
        .unwrap()
        .unwrap();
    api.delete_organization(&organization, &user).await.unwrap();
    assert_eq!(
        *seen.lock().unwrap(),
        [
            ("beforeDeleteOrganization", None),
            ("afterDeleteOrganization", None),
        ]
    );
    assert!(api.find_organization(&id).await.unwrap().is_none());
}

#[test]
fn request_info_does_not_print_header_values() {
    let mut headers = http::HeaderMap::new();
    headers.insert(
        header::COOKIE,
        "better-auth.session_token=secret".parse().unwrap(),
    );
    let info = RequestInfo::of(&RequestCtx::new(
        Harness::new().auth,
        Method::POST,
        "/organization/delete",
        headers,
        bytes::Bytes::new(),
    ));
    let printed = format!("{info:?}");
    assert!(printed.contains("cookie"), "{printed}");
    assert!(!printed.contains("secret"), "{printed}");
}
