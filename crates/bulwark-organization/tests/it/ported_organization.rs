//! Ports of upstream's organization tests (`organization.test.ts`, `crud-org.test.ts`,
//! `crud-members.test.ts`): the schema, server-side creation, limits given as callbacks, listing a user's
//! invitations, permission checks with custom and stored roles, member sorting, and hooks choosing ids.

use std::sync::Arc;

use bulwark_core::adapter::{Row, Where};
use bulwark_core::schema::FieldType;
use bulwark_organization::access::{
    AccessControl, Role, default_roles, default_statements, has_permission, permissions,
};
use bulwark_organization::api::{NewMember, NewOrganization};
use bulwark_organization::models::Member;
use bulwark_organization::options::{
    DynamicAccessControl, Limit, MembershipLimitInput, OrganizationHooks, TeamOptions,
};
use bulwark_organization::{OrganizationOptions, schema};
use http::StatusCode;
use serde_json::{Map, Value, json};
use time::macros::datetime;

use crate::Harness;
use crate::ported_fixtures::{insert_row, sign_up, verified};

async fn invite(h: &Harness, cookie: &str, org: &str, email: &str) -> crate::harness::Response {
    h.post(
        "/organization/invite-member",
        json!({"organizationId": org, "email": email, "role": "member"}),
        Some(cookie),
    )
    .await
}

async fn answer(h: &Harness, cookie: &str, action: &str, id: &Value) -> crate::harness::Response {
    h.post(
        &format!("/organization/{action}-invitation"),
        json!({"invitationId": id}),
        Some(cookie),
    )
    .await
}

// organization.test.ts › organization

// upstream: organization.test.ts › organization › should have correct schema order when dynamicAccessControl is enabled
#[test]
fn organization_comes_before_organization_role_in_the_schema() {
    let options =
        OrganizationOptions::default().dynamic_access_control(DynamicAccessControl::enabled());
    let names: Vec<String> = schema::models(&options)
        .into_iter()
        .map(|m| m.name)
        .collect();
    let organization = names.iter().position(|n| n == "organization").unwrap();
    let role = names.iter().position(|n| n == "organizationRole").unwrap();
    assert!(organization < role, "{names:?}");
    // The assembled schema keeps the order, so referenced tables are created first.
    let h = Harness::with_options(options);
    let models: Vec<&str> = h
        .auth
        .schema()
        .models()
        .iter()
        .map(|m| m.name.as_str())
        .collect();
    let organization = models.iter().position(|n| *n == "organization").unwrap();
    let role = models
        .iter()
        .position(|n| *n == "organizationRole")
        .unwrap();
    assert!(organization < role, "{models:?}");
}

// upstream: organization.test.ts › organization › should include activeTeamId when both dynamicAccessControl and teams are enabled
#[test]
fn the_session_gets_active_team_id_with_teams_and_stored_roles() {
    let options = OrganizationOptions::default()
        .dynamic_access_control(DynamicAccessControl::enabled())
        .teams(TeamOptions::enabled());
    let h = Harness::with_options(options);
    let schema = h.auth.schema();
    let session = schema.model("session").unwrap();
    for name in ["activeOrganizationId", "activeTeamId"] {
        let field = session.get(name).unwrap();
        assert_eq!(field.ty, FieldType::String, "{name}");
        assert!(!field.required, "{name}");
    }
    for model in ["team", "teamMember", "organizationRole"] {
        assert!(schema.model(model).is_some(), "{model}");
    }
}

// upstream: organization.test.ts › organization › should create organization directly in the server without cookie
#[tokio::test]
async fn the_server_creates_an_organization_for_a_user_without_a_session() {
    let h = Harness::new();
    let (user_id, _) = h.user("Owner").await;
    let user = h.api().find_user(&user_id).await.unwrap().unwrap();
    let created = h
        .api()
        .create_organization(&user, NewOrganization::new("test2", "test2"))
        .await
        .unwrap();
    assert_eq!(created.organization.name, "test2");
    assert_eq!(created.member.role, "owner");
    assert_eq!(
        h.roles(&created.organization.id).await,
        [(user_id, "owner".to_owned())]
    );
}

// upstream: organization.test.ts › organization › should allow accepting invitation when user signs up with different email casing
#[tokio::test]
async fn an_invitation_to_a_mixed_case_address_is_accepted_by_its_lower_case_owner() {
    let h = verified(OrganizationOptions::default());
    let (_, owner) = h.user("Owner").await;
    let org = h.organization(&owner, "test-org").await;
    let mixed = "Test.User.42@Example.COM";
    let invitation = invite(&h, &owner, &org, mixed).await;
    assert_eq!(invitation.status, StatusCode::OK, "{}", invitation.json);
    assert_eq!(invitation.json["email"], mixed.to_lowercase());

    let (user_id, cookie) = sign_up(&h, &mixed.to_lowercase(), "Test User").await;
    let listed = h
        .get("/organization/list-user-invitations", Some(&cookie))
        .await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.json);
    let listed = listed.json.as_array().unwrap();
    assert!(listed.iter().any(|i| i["id"] == invitation.json["id"]));

    let accepted = answer(&h, &cookie, "accept", &invitation.json["id"]).await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.json);
    assert_eq!(accepted.json["invitation"]["status"], "accepted");
    assert!(
        h.roles(&org)
            .await
            .contains(&(user_id, "member".to_owned()))
    );
}

// upstream: organization.test.ts › organization › should respect membershipLimit function when adding members to organization
#[tokio::test]
async fn a_membership_limit_callback_decides_per_organization() {
    let limit = Limit::Dynamic(Arc::new(|input: MembershipLimitInput| {
        let limit = if input.organization.name.contains("limit") {
            2
        } else {
            100
        };
        Box::pin(async move { Ok(limit) })
    }));
    let h = Harness::with_options(OrganizationOptions::default().membership_limit(limit));
    let (_, owner) = h.user("Owner").await;
    let created = h
        .post(
            "/organization/create",
            json!({"name": "test-membership-limit-func", "slug": "test-membership-limit-func"}),
            Some(&owner),
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.json);
    let org = created.json["id"].as_str().unwrap().to_owned();
    let (first, _) = h.user("User1").await;
    let (second, _) = h.user("User2").await;

    h.api()
        .add_member(NewMember::new(&org, &first, &["admin"]))
        .await
        .unwrap();
    let err = h
        .api()
        .add_member(NewMember::new(&org, &second, &["admin"]))
        .await
        .unwrap_err();
    assert_eq!(
        err.code().map(bulwark_core::ErrorCode::as_str),
        Some("ORGANIZATION_MEMBERSHIP_LIMIT_REACHED")
    );
    assert_eq!(err.message(), "Organization membership limit reached");

    let full = h
        .get(
            &format!("/organization/get-full-organization?organizationId={org}"),
            Some(&owner),
        )
        .await;
    assert_eq!(full.status, StatusCode::OK, "{}", full.json);
    assert_eq!(full.json["members"].as_array().unwrap().len(), 2);
    // Another organization's name does not trigger the small limit.
    let roomy = h.organization(&owner, "roomy").await;
    for user in [&first, &second] {
        h.api()
            .add_member(NewMember::new(&roomy, user, &["member"]))
            .await
            .unwrap();
    }
}

// upstream: organization.test.ts › organization › should allow listing invitations for a user using authClient
#[tokio::test]
async fn a_user_lists_the_invitations_addressed_to_them() {
    let h = verified(OrganizationOptions::default());
    let (_, admin) = sign_up(&h, "org-admin@email.com", "Org Admin").await;
    let (_, user) = sign_up(&h, "invitee@email.com", "Invitee").await;
    let org = h.organization(&admin, "invitations-org").await;
    let invitation = invite(&h, &admin, &org, "invitee@email.com").await;
    assert_eq!(invitation.status, StatusCode::OK, "{}", invitation.json);

    let listed = h
        .get("/organization/list-user-invitations", Some(&user))
        .await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.json);
    let listed = listed.json.as_array().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], invitation.json["id"]);
    assert_eq!(listed[0]["organizationName"], "INVITATIONS-ORG");
}

// upstream: organization.test.ts › organization › should allow listing invitations for a user using server
#[tokio::test]
async fn the_server_lists_a_users_invitations_by_email_in_any_case() {
    let h = Harness::new();
    let (_, owner) = h.user("Owner").await;
    let org = h.organization(&owner, "acme").await;
    let other = h.organization(&owner, "globex").await;
    for (org, email) in [
        (&org, "first@example.com"),
        (&org, "second@example.com"),
        (&other, "first@example.com"),
    ] {
        let res = invite(&h, &owner, org, email).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    }
    let in_org = h.api().list_invitations(&org).await.unwrap();
    let email = in_org[0].email.clone();
    let expected = h
        .api()
        .list_invitations(&org)
        .await
        .unwrap()
        .into_iter()
        .chain(h.api().list_invitations(&other).await.unwrap())
        .filter(|i| i.email == email)
        .count();
    assert_eq!(expected, 2);
    let listed = h.api().list_user_invitations(&email).await.unwrap();
    assert_eq!(listed.len(), expected);
    let upper = h
        .api()
        .list_user_invitations(&email.to_uppercase())
        .await
        .unwrap();
    assert_eq!(upper.len(), expected);
}

// organization.test.ts › invitation expiration and filtering

// upstream: organization.test.ts › invitation expiration and filtering › should only list pending invitations for a user
#[tokio::test]
async fn accepted_invitations_are_not_listed_for_the_user() {
    let h = verified(OrganizationOptions::default());
    let (_, admin) = sign_up(&h, "admin2@email.com", "Admin").await;
    let (_, invited) = sign_up(&h, "invited2@email.com", "Invited").await;
    let first_org = h.organization(&admin, "org1").await;
    let second_org = h.organization(&admin, "org2").await;
    let first = invite(&h, &admin, &first_org, "invited2@email.com").await;
    let second = invite(&h, &admin, &second_org, "invited2@email.com").await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.json);
    assert_eq!(second.status, StatusCode::OK, "{}", second.json);

    let accepted = answer(&h, &invited, "accept", &first.json["id"]).await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.json);

    let listed = h
        .get("/organization/list-user-invitations", Some(&invited))
        .await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.json);
    let listed = listed.json.as_array().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], second.json["id"]);
    assert_eq!(listed[0]["status"], "pending");
}

// upstream: organization.test.ts › invitation expiration and filtering › should not list rejected invitations
#[tokio::test]
async fn rejected_invitations_are_not_listed_for_the_user() {
    let h = verified(OrganizationOptions::default());
    let (_, admin) = sign_up(&h, "admin3@email.com", "Admin").await;
    let (_, invited) = sign_up(&h, "invited3@email.com", "Invited").await;
    let org = h.organization(&admin, "org").await;
    let invitation = invite(&h, &admin, &org, "invited3@email.com").await;
    assert_eq!(invitation.status, StatusCode::OK, "{}", invitation.json);

    let rejected = answer(&h, &invited, "reject", &invitation.json["id"]).await;
    assert_eq!(rejected.status, StatusCode::OK, "{}", rejected.json);

    let listed = h
        .get("/organization/list-user-invitations", Some(&invited))
        .await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.json);
    assert_eq!(listed.json, json!([]));
}

// organization.test.ts › access control

/// Upstream's `access control` suite: `project` and `sales` next to the default statements, with owner,
/// admin and member roles extending the default ones, and dynamic access control on.
fn custom_roles() -> OrganizationOptions {
    let mut statements = permissions([
        ("project", vec!["create", "read", "update", "delete"]),
        ("sales", vec!["create", "read", "update", "delete"]),
    ]);
    statements.extend(default_statements());
    let ac = AccessControl::new(statements);
    let default = |name: &str| {
        default_roles()
            .into_iter()
            .find(|(n, _)| n == name)
            .unwrap()
            .1
    };
    let role = |project: Vec<&str>, sales: Vec<&str>, base: &str| {
        Role::new(permissions([("project", project), ("sales", sales)]))
            .merged(default(base).statements())
    };
    OrganizationOptions::default()
        .roles([
            (
                "admin",
                role(vec!["create", "read"], vec!["create", "read"], "admin"),
            ),
            ("member", role(vec!["read"], vec!["read"], "member")),
            (
                "owner",
                role(
                    vec!["create", "delete", "update", "read"],
                    vec!["create", "read", "update", "delete"],
                    "owner",
                ),
            ),
        ])
        .access_control(ac)
        .dynamic_access_control(DynamicAccessControl::enabled())
}

/// Whether the configured `role` grants `request` (upstream's client-side `checkRolePermission`).
fn role_grants(options: &OrganizationOptions, role: &str, request: &[(&str, &[&str])]) -> bool {
    let request = permissions(request.iter().map(|(r, a)| (*r, a.iter().copied())));
    has_permission(
        role,
        &request,
        &options.permission_roles(),
        &options.creator_role,
        false,
    )
}

async fn has_permission_over_http(h: &Harness, cookie: &str, permissions: Value) -> bool {
    let res = h
        .post(
            "/organization/has-permission",
            json!({"permissions": permissions}),
            Some(cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    res.json["success"].as_bool().unwrap()
}

// upstream: organization.test.ts › access control › should return success
#[tokio::test]
async fn custom_roles_grant_their_permissions() {
    let options = custom_roles();
    assert!(role_grants(&options, "admin", &[("project", &["create"])]));
    let h = Harness::with_options(options);
    let (_, owner) = h.user("Owner").await;
    h.organization(&owner, "test").await;
    assert!(has_permission_over_http(&h, &owner, json!({"project": ["create"]})).await);
}

// upstream: organization.test.ts › access control › should return not success
#[test]
fn custom_roles_deny_what_they_do_not_grant() {
    let options = custom_roles();
    assert!(!role_grants(&options, "admin", &[("project", &["delete"])]));
    assert!(!role_grants(
        &options,
        "admin",
        &[("project", &["read"]), ("sales", &["delete"])]
    ));
}

// organization.test.ts › dynamic access control should merge DB permissions with built-in roles

/// The default roles as custom roles over the default statements plus `sales`, with dynamic access
/// control, and an organization owned by the returned session.
async fn stored_roles_over_defaults() -> (Harness, String, String) {
    let mut statements = default_statements();
    statements.extend(permissions([(
        "sales",
        vec!["create", "read", "update", "delete"],
    )]));
    let options = OrganizationOptions::default()
        .access_control(AccessControl::new(statements))
        .roles(default_roles())
        .dynamic_access_control(DynamicAccessControl::enabled());
    let h = Harness::with_options(options);
    let (_, owner) = h.user("Owner").await;
    let org = h.organization(&owner, "test-dac").await;
    (h, owner, org)
}

/// Stores an `owner` role for `org` with `permission`, straight in the database.
async fn store_owner_role(h: &Harness, org: &str, permission: Value) {
    let row = Row::new()
        .with("id", format!("stored-owner-{org}"))
        .with("organizationId", org)
        .with("role", "owner")
        .with("permission", permission.to_string())
        .with("createdAt", datetime!(2026-01-01 00:00:00 UTC));
    insert_row(h, "organizationRole", row).await;
}

// upstream: organization.test.ts › dynamic access control should merge DB permissions with built-in roles › should merge DB permissions with built-in role permissions
#[tokio::test]
async fn a_stored_role_adds_to_the_built_in_role_of_the_same_name() {
    let (h, owner, org) = stored_roles_over_defaults().await;
    store_owner_role(&h, &org, json!({"sales": ["create", "read", "delete"]})).await;
    assert!(has_permission_over_http(&h, &owner, json!({"sales": ["delete"]})).await);
    assert!(has_permission_over_http(&h, &owner, json!({"organization": ["delete"]})).await);
}

// upstream: organization.test.ts › dynamic access control should merge DB permissions with built-in roles › should not lose built-in actions when DB defines partial actions for the same resource
#[tokio::test]
async fn a_stored_role_keeps_the_built_in_actions_of_a_resource() {
    let (h, owner, org) = stored_roles_over_defaults().await;
    store_owner_role(&h, &org, json!({"organization": ["update"]})).await;
    assert!(has_permission_over_http(&h, &owner, json!({"organization": ["update"]})).await);
    assert!(has_permission_over_http(&h, &owner, json!({"organization": ["delete"]})).await);
}

// upstream: organization.test.ts › invitation limit › should throw error with custom invitation limit
#[tokio::test]
async fn an_invitation_limit_callback_can_refuse_every_invitation() {
    let limit = Limit::Dynamic(Arc::new(|_| Box::pin(async { Ok(0) })));
    let h = Harness::with_options(OrganizationOptions::default().invitation_limit(limit));
    let (_, owner) = h.user("Owner").await;
    let org = h.organization(&owner, "test").await;
    let res = invite(&h, &owner, &org, "test8@test.com").await;
    res.assert_error(StatusCode::FORBIDDEN, "INVITATION_LIMIT_REACHED");
    assert_eq!(res.json["message"], "Invitation limit reached");
    assert!(h.api().list_invitations(&org).await.unwrap().is_empty());
}

// crud-org.test.ts › organization hooks

// upstream: crud-org.test.ts › organization hooks › should allow passing id through `beforeCreateInvitation`
#[tokio::test]
async fn before_create_invitation_may_choose_the_id() {
    let mut hooks = OrganizationHooks::default();
    hooks.before_create_invitation = Some(Arc::new(|_| {
        let mut data = Map::new();
        data.insert("id".to_owned(), json!("custom-invitation-id"));
        Box::pin(async move { Ok(Some(data)) })
    }));
    let h = Harness::with_options(OrganizationOptions::default().organization_hooks(hooks));
    let (_, owner) = h.user("Owner").await;
    let org = h.organization(&owner, "test").await;
    let res = invite(&h, &owner, &org, "invited@test.com").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["id"], "custom-invitation-id");
    let stored = h
        .api()
        .find_invitation("custom-invitation-id")
        .await
        .unwrap();
    assert_eq!(stored.unwrap().email, "invited@test.com");
}

// upstream: crud-org.test.ts › organization hooks › should allow internal organization creation when disabled for users
#[tokio::test]
async fn the_server_creates_organizations_when_users_may_not() {
    let h = Harness::with_options(
        OrganizationOptions::default().allow_user_to_create_organization(false),
    );
    let (user_id, cookie) = h.user("Internal").await;
    let refused = h
        .post(
            "/organization/create",
            json!({"name": "Own Org", "slug": "own-org"}),
            Some(&cookie),
        )
        .await;
    refused.assert_error(
        StatusCode::FORBIDDEN,
        "YOU_ARE_NOT_ALLOWED_TO_CREATE_A_NEW_ORGANIZATION",
    );
    let user = h.api().find_user(&user_id).await.unwrap().unwrap();
    let created = h
        .api()
        .create_organization(&user, NewOrganization::new("Internal Org", "internal-org"))
        .await
        .unwrap();
    assert_eq!(created.organization.name, "Internal Org");
}

// crud-members.test.ts › listMembers

// upstream: crud-members.test.ts › listMembers › should sort the members
#[tokio::test]
async fn members_are_listed_by_creation_time_when_asked() {
    let h = Harness::new();
    let (_, owner) = h.user("Owner").await;
    let org = h.organization(&owner, "test").await;
    for i in 0..10 {
        let (user_id, _) = h.user(&format!("test{i}")).await;
        h.add(&org, &user_id, "member").await;
    }
    let list = |query: &'static str| {
        let h = &h;
        let owner = owner.clone();
        async move {
            let res = h
                .get(&format!("/organization/list-members{query}"), Some(&owner))
                .await;
            assert_eq!(res.status, StatusCode::OK, "{}", res.json);
            res.json["members"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["id"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    let default = list("").await;
    assert_eq!(default.len(), 11);
    let (first, second) = (&default[0], &default[1]);
    let (last, before_last) = (&default[10], &default[9]);
    let move_to = |id: &str, at| {
        let h = &h;
        let id = id.to_owned();
        async move {
            h.auth
                .store()
                .update::<Member>(
                    &Where::eq("id", id.as_str()),
                    Row::new().with("createdAt", at),
                )
                .await
                .unwrap()
                .unwrap();
        }
    };
    // The second member becomes the oldest, the one before last the newest.
    move_to(second, datetime!(2025-12-02 00:00:00 UTC)).await;
    move_to(before_last, datetime!(2026-01-31 00:00:00 UTC)).await;

    let sorted = list("?sortBy=createdAt&sortDirection=asc").await;
    assert_ne!(&sorted[0], first);
    assert_ne!(&sorted[10], last);
    assert_eq!(&sorted[0], second);
    assert_eq!(&sorted[10], before_last);
}
