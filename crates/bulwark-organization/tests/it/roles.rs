//! Dynamic access control: create, list, get, update and delete stored roles, their use in permission
//! checks and role validation, and bad input (upstream's messages, statuses and codes, nothing changed).

use bulwark_organization::OrganizationOptions;
use bulwark_organization::access::{AccessControl, Role, default_roles, permissions};
use bulwark_organization::api::{NewRole, RoleChanges, RoleRef};
use bulwark_organization::options::{DynamicAccessControl, Limit};
use http::StatusCode;
use insta::assert_json_snapshot;
use serde_json::{Value, json};

use crate::Harness;

/// Upstream's test setup: `project` and `sales` next to the default statements, and owner, admin and
/// member roles granting some of them.
fn options() -> OrganizationOptions {
    let mut statements = permissions([
        ("project", vec!["create", "read", "update", "delete"]),
        ("sales", vec!["create", "read", "update", "delete"]),
    ]);
    statements.extend(AccessControl::default().statements().clone());
    let ac = AccessControl::new(statements);
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
        .access_control(ac)
        .roles([("admin", admin), ("member", member), ("owner", owner)])
        .dynamic_access_control(DynamicAccessControl::enabled())
}

/// An organization owned by Alice, with Carol as admin and Bob as member, each with it active.
struct Fixture {
    h: Harness,
    org: String,
    alice: String,
    bob_id: String,
    bob_member: String,
    bob: String,
    carol: String,
}

async fn setup_with(options: OrganizationOptions) -> Fixture {
    let h = Harness::with_options(options);
    let (_, alice) = h.user("Alice").await;
    let (bob_id, bob) = h.user("Bob").await;
    let (carol_id, carol) = h.user("Carol").await;
    let org = h.organization(&alice, "acme").await;
    let bob_member = h.add(&org, &bob_id, "member").await;
    h.add(&org, &carol_id, "admin").await;
    for cookie in [&bob, &carol] {
        let res = h
            .post(
                "/organization/set-active",
                json!({"organizationId": org}),
                Some(cookie),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    }
    Fixture {
        h,
        org,
        alice,
        bob_id,
        bob_member,
        bob,
        carol,
    }
}

async fn setup() -> Fixture {
    setup_with(options()).await
}

impl Fixture {
    async fn create(
        &self,
        cookie: &str,
        role: &str,
        permission: Value,
    ) -> crate::harness::Response {
        self.h
            .post(
                "/organization/create-role",
                json!({"role": role, "permission": permission}),
                Some(cookie),
            )
            .await
    }

    /// Creates `role` as Alice and returns its id.
    async fn role(&self, role: &str, permission: Value) -> String {
        let res = self.create(&self.alice, role, permission).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.json);
        res.json["roleData"]["id"].as_str().unwrap().to_owned()
    }

    async fn stored(&self) -> Vec<(String, String)> {
        self.h
            .api()
            .list_roles(&self.org)
            .await
            .unwrap()
            .into_iter()
            .map(|r| (r.role, r.permission))
            .collect()
    }

    /// Gives Bob `role` (as Alice).
    async fn make_bob(&self, role: &str) {
        let res = self
            .h
            .post(
                "/organization/update-member-role",
                json!({"memberId": self.bob_member, "role": role}),
                Some(&self.alice),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    }

    async fn has_permission(&self, cookie: &str, permissions: Value) -> bool {
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
}

#[tokio::test]
async fn a_created_role_grants_its_permissions() {
    let o = setup().await;
    let res = o
        .h
        .post(
            "/organization/create-role",
            json!({"role": "Test", "permission": {"project": ["create"]}, "additionalFields": {"color": "#000000"}}),
            Some(&o.alice),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_json_snapshot!("roles__create", res.json);
    assert_eq!(
        o.stored().await,
        [("test".to_owned(), r#"{"project":["create"]}"#.to_owned())]
    );
    o.make_bob("test").await;
    assert!(
        !o.has_permission(&o.bob, json!({"project": ["delete"]}))
            .await
    );
    assert!(
        o.has_permission(&o.bob, json!({"project": ["create"]}))
            .await
    );
}

/// upstream: crud-access-control.test.ts › dynamic access control › should not be allowed to create a role without the right ac resource permissions
#[tokio::test]
async fn members_without_ac_create_cannot_create_roles() {
    let o = setup().await;
    o.role("test", json!({"project": ["create"]})).await;
    o.make_bob("test").await;
    let res = o
        .create(&o.bob, "test-2", json!({"project": ["create"]}))
        .await;
    res.assert_error(
        StatusCode::FORBIDDEN,
        "YOU_ARE_NOT_ALLOWED_TO_CREATE_A_ROLE",
    );
    assert_eq!(res.json["message"], "You are not allowed to create a role");
    assert_eq!(o.stored().await.len(), 1);
}

/// upstream: crud-access-control.test.ts › dynamic access control › should not be allowed to create a role with higher permissions than the current role
#[tokio::test]
async fn a_role_cannot_grant_more_than_its_creator_has() {
    let o = setup().await;
    let res = o
        .create(
            &o.carol,
            "test",
            json!({"sales": ["create", "delete", "create", "update", "read"]}),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(
        res.json,
        json!({
            "message": "You are not allowed to create a role",
            "code": "YOU_ARE_NOT_ALLOWED_TO_CREATE_A_ROLE",
            "missingPermissions": ["sales:delete", "sales:update"],
        })
    );
    // An action the access control does not declare is missing for everyone, owners included.
    let res = o.create(&o.alice, "fly", json!({"project": ["fly"]})).await;
    assert_eq!(res.json["missingPermissions"], json!(["project:fly"]));
    assert!(o.stored().await.is_empty());
}

/// upstream: crud-access-control.test.ts › dynamic access control › should not be allowed to create a role which is either predefined or already exists in DB
#[tokio::test]
async fn predefined_and_stored_names_are_taken() {
    let o = setup().await;
    o.role("test", json!({"project": ["create"]})).await;
    for name in ["admin", "Owner", "test", "TEST"] {
        let res = o.create(&o.alice, name, json!({"project": ["read"]})).await;
        res.assert_error(StatusCode::BAD_REQUEST, "ROLE_NAME_IS_ALREADY_TAKEN");
        assert_eq!(res.json["message"], "That role name is already taken");
    }
    // The same name in another organization is free.
    let other = o.h.organization(&o.alice, "other").await;
    let res =
        o.h.post(
            "/organization/create-role",
            json!({"role": "test", "permission": {}, "organizationId": other}),
            Some(&o.alice),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(o.stored().await.len(), 1);
}

/// upstream: crud-access-control.test.ts › dynamic access control › should delete a role by id
#[tokio::test]
async fn deleting_a_role_by_id() {
    let o = setup().await;
    let id = o.role("test", json!({"project": ["create"]})).await;
    let res =
        o.h.post(
            "/organization/delete-role",
            json!({"roleId": id}),
            Some(&o.alice),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.json, json!({"success": true}));
    assert!(o.stored().await.is_empty());
}

/// upstream: crud-access-control.test.ts › dynamic access control › should delete a role by name
#[tokio::test]
async fn deleting_a_role_by_name() {
    let o = setup().await;
    o.role("test", json!({"project": ["create"]})).await;
    let res =
        o.h.post(
            "/organization/delete-role",
            json!({"roleName": "test"}),
            Some(&o.alice),
        )
        .await;
    assert_eq!(res.json, json!({"success": true}));
    assert!(o.stored().await.is_empty());
}

/// upstream: crud-access-control.test.ts › dynamic access control › should not be allowed to delete a role that is assigned to members
#[tokio::test]
async fn an_assigned_role_cannot_be_deleted() {
    let o = setup().await;
    o.role("assigned-role", json!({"project": ["read"]})).await;
    let (dave, _) = o.h.user("Dave").await;
    let dave_member = o.h.add(&o.org, &dave, "assigned-role").await;
    let delete = || {
        o.h.post(
            "/organization/delete-role",
            json!({"roleName": "assigned-role"}),
            Some(&o.alice),
        )
    };
    let res = delete().await;
    res.assert_error(StatusCode::BAD_REQUEST, "ROLE_IS_ASSIGNED_TO_MEMBERS");
    assert_eq!(o.stored().await.len(), 1);
    o.h.api()
        .update_member_role(&o.org, &dave_member, &["member"])
        .await
        .unwrap();
    assert_eq!(delete().await.json, json!({"success": true}));
}

/// upstream: crud-access-control.test.ts › dynamic access control › should not be allowed to delete a role when member has multiple roles including that role
#[tokio::test]
async fn a_role_held_among_others_cannot_be_deleted() {
    let o = setup().await;
    o.role("multi-role-1", json!({"project": ["read"]})).await;
    o.role("multi-role-2", json!({"project": ["create"]})).await;
    // A role whose name merely contains another's does not protect it.
    o.role("multi-role-10", json!({"project": ["read"]})).await;
    let (dave, _) = o.h.user("Dave").await;
    o.h.add(&o.org, &dave, "multi-role-10,multi-role-2").await;
    let res =
        o.h.post(
            "/organization/delete-role",
            json!({"roleName": "multi-role-2"}),
            Some(&o.alice),
        )
        .await;
    res.assert_error(StatusCode::BAD_REQUEST, "ROLE_IS_ASSIGNED_TO_MEMBERS");
    let res =
        o.h.post(
            "/organization/delete-role",
            json!({"roleName": "multi-role-1"}),
            Some(&o.alice),
        )
        .await;
    assert_eq!(res.json, json!({"success": true}));
    assert_eq!(o.stored().await.len(), 2);
}

/// upstream: crud-access-control.test.ts › dynamic access control › should not be allowed to delete a role without necessary permissions
#[tokio::test]
async fn deleting_needs_ac_delete() {
    let o = setup().await;
    o.role("test", json!({"project": ["create"]})).await;
    let res = o
        .create(&o.carol, "by-admin", json!({"project": ["create"]}))
        .await;
    assert_eq!(res.status, StatusCode::OK);
    o.make_bob("test").await;
    let res =
        o.h.post(
            "/organization/delete-role",
            json!({"roleName": "by-admin"}),
            Some(&o.bob),
        )
        .await;
    res.assert_error(
        StatusCode::FORBIDDEN,
        "YOU_ARE_NOT_ALLOWED_TO_DELETE_A_ROLE",
    );
    assert_eq!(o.stored().await.len(), 2);
}

/// upstream: crud-access-control.test.ts › dynamic access control › should not be allowed to delete a role that doesn't exist
#[tokio::test]
async fn deleting_a_missing_role_is_role_not_found() {
    let o = setup().await;
    for body in [
        json!({"roleName": "non-existent-role"}),
        json!({"roleId": "nope"}),
    ] {
        let res =
            o.h.post("/organization/delete-role", body, Some(&o.alice))
                .await;
        res.assert_error(StatusCode::BAD_REQUEST, "ROLE_NOT_FOUND");
        assert_eq!(res.json["message"], "Role not found");
    }
}

/// upstream: crud-access-control.test.ts › dynamic access control › should list roles
#[tokio::test]
async fn listing_roles() {
    let o = setup().await;
    let permission = json!({"project": ["create"], "ac": ["read", "update", "create", "delete"]});
    o.role("list-test-role", permission.clone()).await;
    o.role("other", json!({"sales": ["read"]})).await;
    let res = o.h.get("/organization/list-roles", Some(&o.alice)).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.json[0]["permission"], permission);
    assert_json_snapshot!("roles__list", res.json);
}

/// upstream: crud-access-control.test.ts › dynamic access control › should not be allowed to list roles without necessary permissions
#[tokio::test]
async fn listing_needs_ac_read() {
    let o = setup().await;
    o.role("test", json!({"project": ["create"]})).await;
    o.make_bob("test").await;
    let res = o.h.get("/organization/list-roles", Some(&o.bob)).await;
    res.assert_error(StatusCode::FORBIDDEN, "YOU_ARE_NOT_ALLOWED_TO_LIST_A_ROLE");
    let res =
        o.h.get("/organization/get-role?roleName=test", Some(&o.bob))
            .await;
    res.assert_error(StatusCode::FORBIDDEN, "YOU_ARE_NOT_ALLOWED_TO_READ_A_ROLE");
}

/// upstream: crud-access-control.test.ts › dynamic access control › should get a role by id
#[tokio::test]
async fn getting_a_role_by_id() {
    let o = setup().await;
    let id = o
        .role("read-test-role", json!({"project": ["create"]}))
        .await;
    let res =
        o.h.get(
            &format!(
                "/organization/get-role?roleId={id}&organizationId={}",
                o.org
            ),
            Some(&o.alice),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_json_snapshot!("roles__get", res.json);
}

/// upstream: crud-access-control.test.ts › dynamic access control › should get a role by name
#[tokio::test]
async fn getting_a_role_by_name() {
    let o = setup().await;
    let id = o
        .role("read-test-role", json!({"project": ["create"]}))
        .await;
    let res =
        o.h.get(
            &format!(
                "/organization/get-role?roleName=read-test-role&organizationId={}",
                o.org
            ),
            Some(&o.alice),
        )
        .await;
    assert_eq!(res.json["id"], id.as_str());
    assert_eq!(res.json["permission"], json!({"project": ["create"]}));
    // Names are compared exactly.
    let res =
        o.h.get(
            "/organization/get-role?roleName=Read-Test-Role",
            Some(&o.alice),
        )
        .await;
    res.assert_error(StatusCode::BAD_REQUEST, "ROLE_NOT_FOUND");
}

/// upstream: crud-access-control.test.ts › dynamic access control › should update a role's permission by id
#[tokio::test]
async fn updating_permissions_by_id() {
    let o = setup().await;
    let id = o
        .role("update-test-role", json!({"project": ["create"]}))
        .await;
    let res =
        o.h.post(
            "/organization/update-role",
            json!({"roleId": id, "data": {"permission": {"project": ["create", "delete"]}}}),
            Some(&o.alice),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_json_snapshot!("roles__update_permission", res.json);
    assert_eq!(
        o.stored().await,
        [(
            "update-test-role".to_owned(),
            r#"{"project":["create","delete"]}"#.to_owned()
        )]
    );
}

/// upstream: crud-access-control.test.ts › dynamic access control › should update a role's name by name
#[tokio::test]
async fn renaming_a_role_by_name() {
    let o = setup().await;
    o.role("test", json!({"project": ["create"]})).await;
    let res =
        o.h.post(
            "/organization/update-role",
            json!({"roleName": "test", "data": {"roleName": "Updated-Test"}}),
            Some(&o.alice),
        )
        .await;
    assert_eq!(res.json["roleData"]["role"], "updated-test");
    // The answer keeps the `updatedAt` the role had before this update, as upstream's does.
    assert_eq!(res.json["roleData"]["updatedAt"], Value::Null);
    let res =
        o.h.get(
            "/organization/get-role?roleName=updated-test",
            Some(&o.alice),
        )
        .await;
    assert_eq!(res.json["role"], "updated-test");
    assert_eq!(res.json["updatedAt"], "2026-01-01T00:00:00.000Z");
    for name in ["member", "updated-test"] {
        let res =
            o.h.post(
                "/organization/update-role",
                json!({"roleName": "updated-test", "data": {"roleName": name}}),
                Some(&o.alice),
            )
            .await;
        res.assert_error(StatusCode::BAD_REQUEST, "ROLE_NAME_IS_ALREADY_TAKEN");
    }
}

/// upstream: crud-access-control.test.ts › dynamic access control › should not be allowed to update a role without the right ac resource permissions
#[tokio::test]
async fn updating_needs_ac_update() {
    let o = setup().await;
    let id = o
        .role("update-not-allowed", json!({"project": ["create"]}))
        .await;
    let res =
        o.h.post(
            "/organization/update-role",
            json!({"roleId": id, "data": {"roleName": "updated"}}),
            Some(&o.bob),
        )
        .await;
    res.assert_error(
        StatusCode::FORBIDDEN,
        "YOU_ARE_NOT_ALLOWED_TO_UPDATE_A_ROLE",
    );
    assert_eq!(o.stored().await[0].0, "update-not-allowed");
}

/// upstream: crud-access-control.test.ts › dynamic access control › should not allow member to list roles using another member's permissions
#[tokio::test]
async fn members_may_list_roles() {
    let o = setup().await;
    o.role("admin-only", json!({"project": ["delete"]})).await;
    let res =
        o.h.get(
            &format!("/organization/list-roles?organizationId={}", o.org),
            Some(&o.bob),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.json.as_array().unwrap().len(), 1);
}

/// upstream: crud-access-control.test.ts › dynamic access control › should not allow member to get role details using another member's permissions
#[tokio::test]
async fn members_may_get_a_role() {
    let o = setup().await;
    let id = o.role("test-get-role", json!({"project": ["read"]})).await;
    let res =
        o.h.get(
            &format!(
                "/organization/get-role?organizationId={}&roleId={id}",
                o.org
            ),
            Some(&o.bob),
        )
        .await;
    assert_eq!(res.json["id"], id.as_str());
}

/// upstream: crud-access-control.test.ts › dynamic access control › should not allow member to update roles without proper permissions (privilege escalation test)
#[tokio::test]
async fn members_cannot_escalate_through_a_role() {
    let o = setup().await;
    let id = o
        .role("vulnerable-role", json!({"project": ["read"]}))
        .await;
    let res =
        o.h.post(
            "/organization/update-role",
            json!({"roleId": id, "data": {"permission": {
                "ac": ["create", "update", "delete"],
                "organization": ["update", "delete"],
                "project": ["create", "read", "update", "delete"],
            }}}),
            Some(&o.bob),
        )
        .await;
    res.assert_error(
        StatusCode::FORBIDDEN,
        "YOU_ARE_NOT_ALLOWED_TO_UPDATE_A_ROLE",
    );
    let res =
        o.h.get(
            &format!("/organization/get-role?roleId={id}"),
            Some(&o.alice),
        )
        .await;
    assert_eq!(res.json["permission"], json!({"project": ["read"]}));
}

/// upstream: crud-access-control.test.ts › dynamic access control › should properly identify the correct member when checking permissions
#[tokio::test]
async fn the_callers_own_membership_decides() {
    let o = setup().await;
    let id = o
        .role("owner-only-update", json!({"sales": ["delete"]}))
        .await;
    let body = |name: &str| json!({"roleId": id, "data": {"roleName": name}});
    let res =
        o.h.post(
            "/organization/update-role",
            body("hijacked-role"),
            Some(&o.bob),
        )
        .await;
    res.assert_error(
        StatusCode::FORBIDDEN,
        "YOU_ARE_NOT_ALLOWED_TO_UPDATE_A_ROLE",
    );
    let res =
        o.h.post(
            "/organization/update-role",
            body("admin-updated-owner-only-update"),
            Some(&o.carol),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(
        res.json["roleData"]["role"],
        "admin-updated-owner-only-update"
    );
    // Renaming alone does not re-check permissions the admin lacks (`sales: delete`); replacing them does.
    let res =
        o.h.post(
            "/organization/update-role",
            json!({"roleId": id, "data": {"permission": {"sales": ["delete"]}}}),
            Some(&o.carol),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(res.json["missingPermissions"], json!(["sales:delete"]));
}

/// upstream: crud-access-control.test.ts › dynamic access control › should not allow cross-organization privilege escalation
#[tokio::test]
async fn roles_of_another_organization_are_out_of_reach() {
    let o = setup().await;
    let other = o.h.organization(&o.alice, "other").await;
    let res =
        o.h.post(
            "/organization/create-role",
            json!({"role": "secret", "permission": {"project": ["read"]}, "organizationId": other}),
            Some(&o.alice),
        )
        .await;
    let id = res.json["roleData"]["id"].as_str().unwrap().to_owned();
    let res =
        o.h.get(
            &format!("/organization/list-roles?organizationId={other}"),
            Some(&o.bob),
        )
        .await;
    res.assert_error(
        StatusCode::FORBIDDEN,
        "YOU_ARE_NOT_A_MEMBER_OF_THIS_ORGANIZATION",
    );
    assert_eq!(
        res.json["message"],
        "You are not a member of this organization"
    );
    let not_a_member = [
        (
            "/organization/delete-role",
            json!({"roleId": id, "organizationId": other}),
        ),
        (
            "/organization/update-role",
            json!({"roleId": id, "organizationId": other, "data": {"roleName": "x"}}),
        ),
        (
            "/organization/create-role",
            json!({"role": "x", "permission": {}, "organizationId": other}),
        ),
    ];
    for (path, body) in not_a_member {
        let res = o.h.post(path, body, Some(&o.carol)).await;
        res.assert_error(
            StatusCode::FORBIDDEN,
            "YOU_ARE_NOT_A_MEMBER_OF_THIS_ORGANIZATION",
        );
    }
    // A role of another organization is not found through one's own.
    let res =
        o.h.get(
            &format!("/organization/get-role?roleId={id}"),
            Some(&o.carol),
        )
        .await;
    res.assert_error(StatusCode::BAD_REQUEST, "ROLE_NOT_FOUND");
    let res =
        o.h.post(
            "/organization/delete-role",
            json!({"roleId": id}),
            Some(&o.carol),
        )
        .await;
    res.assert_error(StatusCode::BAD_REQUEST, "ROLE_NOT_FOUND");
    let roles = o.h.api().list_roles(&other).await.unwrap();
    assert_eq!(roles.len(), 1);
    assert_eq!(roles[0].role, "secret");
}

/// upstream: crud-access-control.test.ts › dynamic access control › does not reveal dynamic role existence to members without update permission
#[tokio::test]
async fn members_cannot_probe_role_names() {
    let o = setup().await;
    let (dave, _) = o.h.user("Dave").await;
    let target = o.h.add(&o.org, &dave, "member").await;
    o.role("hidden-role", json!({"project": ["read"]})).await;
    let mut answers = Vec::new();
    for role in ["hidden-role", "missing-role"] {
        let res =
            o.h.post(
                "/organization/update-member-role",
                json!({"memberId": target, "role": role}),
                Some(&o.bob),
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        answers.push(res.json);
    }
    assert_eq!(answers[0], answers[1]);
}

#[tokio::test]
async fn stored_roles_are_valid_member_and_invitation_roles() {
    let o = setup().await;
    o.role("sales-lead", json!({"sales": ["read", "update"]}))
        .await;
    let res =
        o.h.post(
            "/organization/invite-member",
            json!({"email": "erin@example.com", "role": "sales-lead"}),
            Some(&o.alice),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    let res =
        o.h.post(
            "/organization/invite-member",
            json!({"email": "frank@example.com", "role": "ghost"}),
            Some(&o.alice),
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.json);
    o.make_bob("member,sales-lead").await;
    // Held roles combine: one must grant the whole request.
    assert!(o.has_permission(&o.bob, json!({"sales": ["update"]})).await);
    assert!(
        !o.has_permission(&o.bob, json!({"sales": ["update"], "ac": ["read"]}))
            .await
    );
    assert!(
        o.h.api()
            .has_permission(&o.org, &o.bob_id, &permissions([("sales", ["update"])]))
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn server_actions_manage_roles_with_the_same_rules() {
    let o = setup().await;
    let api = o.h.api();
    let created = api
        .create_role(NewRole::new(
            &o.org,
            "Viewer",
            permissions([("project", ["read"])]),
        ))
        .await
        .unwrap();
    assert_eq!(created.role, "viewer");
    let updated = api
        .update_role(
            &o.org,
            &RoleRef::Name("viewer".to_owned()),
            RoleChanges::default().permission(permissions([("project", ["read", "update"])])),
        )
        .await
        .unwrap();
    assert_eq!(updated.permission, r#"{"project":["read","update"]}"#);
    assert!(updated.updated_at.is_some());
    let err = api
        .update_role(
            &o.org,
            &RoleRef::Id(updated.id.clone()),
            RoleChanges::default().permission(permissions([("billing", ["read"])])),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code().unwrap().as_str(), "INVALID_RESOURCE");
    let err = api
        .delete_role(&o.org, &RoleRef::Name("owner".to_owned()))
        .await
        .unwrap_err();
    assert_eq!(
        err.code().unwrap().as_str(),
        "CANNOT_DELETE_A_PRE_DEFINED_ROLE"
    );
    api.delete_role(&o.org, &RoleRef::Id(updated.id))
        .await
        .unwrap();
    assert!(o.stored().await.is_empty());
}

#[tokio::test]
async fn unknown_resources_are_refused() {
    let o = setup().await;
    let res = o
        .create(&o.alice, "billing", json!({"billing": ["read"]}))
        .await;
    res.assert_error(StatusCode::BAD_REQUEST, "INVALID_RESOURCE");
    assert_eq!(
        res.json["message"],
        "The provided permission includes an invalid resource"
    );
    let id = o.role("test", json!({"project": ["read"]})).await;
    let res =
        o.h.post(
            "/organization/update-role",
            json!({"roleId": id, "data": {"permission": {"billing": ["read"]}}}),
            Some(&o.alice),
        )
        .await;
    res.assert_error(StatusCode::BAD_REQUEST, "INVALID_RESOURCE");
    assert_eq!(
        o.stored().await,
        [("test".to_owned(), r#"{"project":["read"]}"#.to_owned())]
    );
}

#[tokio::test]
async fn the_role_limit_counts_each_organization() {
    let limited = options().dynamic_access_control(
        DynamicAccessControl::enabled().maximum_roles_per_organization(Limit::Fixed(2)),
    );
    let o = setup_with(limited).await;
    o.role("one", json!({"project": ["read"]})).await;
    o.role("two", json!({"project": ["read"]})).await;
    let res = o
        .create(&o.alice, "three", json!({"project": ["read"]}))
        .await;
    res.assert_error(StatusCode::BAD_REQUEST, "TOO_MANY_ROLES");
    assert_eq!(res.json["message"], "This organization has too many roles");
    assert_eq!(o.stored().await.len(), 2);
    let other = o.h.organization(&o.alice, "other").await;
    let res =
        o.h.post(
            "/organization/create-role",
            json!({"role": "three", "permission": {}, "organizationId": other}),
            Some(&o.alice),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
}

#[tokio::test]
async fn without_an_access_control_roles_cannot_be_written() {
    let options =
        OrganizationOptions::default().dynamic_access_control(DynamicAccessControl::enabled());
    let o = setup_with(options).await;
    let res = o.create(&o.alice, "x", json!({"project": ["read"]})).await;
    res.assert_error(StatusCode::NOT_IMPLEMENTED, "MISSING_AC_INSTANCE");
    let res =
        o.h.post(
            "/organization/update-role",
            json!({"roleName": "x", "data": {}}),
            Some(&o.alice),
        )
        .await;
    res.assert_error(StatusCode::NOT_IMPLEMENTED, "MISSING_AC_INSTANCE");
    let res = o.h.get("/organization/list-roles", Some(&o.alice)).await;
    assert_eq!(res.json, json!([]));
}

#[tokio::test]
async fn role_endpoints_exist_only_with_dynamic_access_control() {
    let h = Harness::new();
    let (_, alice) = h.user("Alice").await;
    h.organization(&alice, "acme").await;
    let res = h.get("/organization/list-roles", Some(&alice)).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = h
        .post(
            "/organization/create-role",
            json!({"role": "x", "permission": {}}),
            Some(&alice),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_organization_is_needed() {
    let o = setup().await;
    let (_, dave) = o.h.user("Dave").await;
    let res = o.create(&dave, "x", json!({"project": ["read"]})).await;
    res.assert_error(
        StatusCode::BAD_REQUEST,
        "YOU_MUST_BE_IN_AN_ORGANIZATION_TO_CREATE_A_ROLE",
    );
    let res =
        o.h.post(
            "/organization/create-role",
            json!({"role": "x", "permission": {}, "organizationId": ""}),
            Some(&o.alice),
        )
        .await;
    res.assert_error(
        StatusCode::BAD_REQUEST,
        "YOU_MUST_BE_IN_AN_ORGANIZATION_TO_CREATE_A_ROLE",
    );
    for (path, body) in [
        ("/organization/delete-role", json!({"roleName": "x"})),
        (
            "/organization/update-role",
            json!({"roleName": "x", "data": {}}),
        ),
    ] {
        let res = o.h.post(path, body, Some(&dave)).await;
        res.assert_error(StatusCode::BAD_REQUEST, "NO_ACTIVE_ORGANIZATION");
    }
    for path in [
        "/organization/list-roles",
        "/organization/get-role?roleName=x",
        "/organization/list-roles?organizationId=",
    ] {
        let who = if path.ends_with('=') { &o.alice } else { &dave };
        let res = o.h.get(path, Some(who)).await;
        res.assert_error(StatusCode::BAD_REQUEST, "NO_ACTIVE_ORGANIZATION");
    }
    let res = o.h.get("/organization/list-roles", None).await;
    res.assert_error(StatusCode::UNAUTHORIZED, "UNAUTHORIZED");
}

#[tokio::test]
async fn bad_input_uses_upstreams_messages() {
    let o = setup().await;
    let cases = [
        (
            "/organization/create-role",
            json!({"role": 5, "permission": "x", "additionalFields": "y"}),
            "[body.role] Invalid input: expected string, received number; \
             [body.permission] Invalid input: expected record, received string; \
             [body.additionalFields] Invalid input: expected object, received string",
        ),
        (
            "/organization/create-role",
            json!({}),
            "[body.role] Invalid input: expected string, received undefined; \
             [body.permission] Invalid input: expected record, received undefined",
        ),
        (
            "/organization/create-role",
            json!({"role": "x", "permission": {"a": [1], "b": "c"}, "organizationId": 3}),
            "[body.organizationId] Invalid input: expected string, received number; \
             [body.permission.a.0] Invalid input: expected string, received number; \
             [body.permission.b] Invalid input: expected array, received string",
        ),
        (
            "/organization/create-role",
            json!({"role": "q", "permission": ["x"], "additionalFields": null}),
            "[body.permission] Invalid input: expected record, received array; \
             [body.additionalFields] Invalid input: expected object, received null",
        ),
        (
            "/organization/delete-role",
            json!({}),
            "[body] Invalid input",
        ),
        (
            "/organization/delete-role",
            json!({"roleName": ""}),
            "[body.roleName] Too small: expected string to have >=1 characters",
        ),
        (
            "/organization/delete-role",
            json!({"roleName": "", "roleId": ""}),
            "[body] Invalid input",
        ),
        (
            "/organization/delete-role",
            json!({"organizationId": 5, "roleName": "x"}),
            "[body.organizationId] Invalid input: expected string, received number",
        ),
        (
            "/organization/delete-role",
            json!("x"),
            "[body] Invalid input: expected object, received string; [body] Invalid input",
        ),
        (
            "/organization/update-role",
            json!({}),
            "[body.data] Invalid input: expected object, received undefined; [body] Invalid input",
        ),
        (
            "/organization/update-role",
            json!({"roleId": "", "data": {"permission": "x", "roleName": 5}}),
            "[body.data.permission] Invalid input: expected record, received string; \
             [body.data.roleName] Invalid input: expected string, received number; \
             [body.roleId] Too small: expected string to have >=1 characters",
        ),
        (
            "/organization/update-role",
            json!({"roleName": "x", "data": {"permission": null, "roleName": null}}),
            "[body.data.permission] Invalid input: expected record, received null; \
             [body.data.roleName] Invalid input: expected string, received null",
        ),
    ];
    for (path, body, message) in cases {
        let res = o.h.post(path, body.clone(), Some(&o.alice)).await;
        res.assert_error(StatusCode::BAD_REQUEST, "VALIDATION_ERROR");
        assert_eq!(res.json["message"], message, "{path} {body}");
    }
    for (query, message) in [
        ("", "[query] Invalid input"),
        (
            "?roleId=",
            "[query.roleId] Too small: expected string to have >=1 characters",
        ),
        ("?roleId=&roleName=", "[query] Invalid input"),
    ] {
        // Validation comes before the session check, as upstream's.
        let res =
            o.h.get(&format!("/organization/get-role{query}"), None)
                .await;
        res.assert_error(StatusCode::BAD_REQUEST, "VALIDATION_ERROR");
        assert_eq!(res.json["message"], message, "{query}");
    }
    assert!(o.stored().await.is_empty());
}
