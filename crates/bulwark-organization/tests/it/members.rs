//! Member endpoints: list, active member and role, update role, remove, leave, has-permission.

use http::StatusCode;
use insta::assert_json_snapshot;
use serde_json::json;

use crate::Harness;

#[tokio::test]
async fn listing_members_and_the_active_member() {
    let h = Harness::new();
    let (_, alice) = h.user("Alice").await;
    let (bob_id, _) = h.user("Bob").await;
    let org = h.organization(&alice, "acme").await;
    h.add(&org, &bob_id, "member").await;
    let list = h.get("/organization/list-members", Some(&alice)).await;
    assert_eq!(list.status, StatusCode::OK);
    assert_json_snapshot!("members__list", list.json);
    let page = h
        .get("/organization/list-members?limit=1&offset=1", Some(&alice))
        .await;
    assert_eq!(page.json["total"], 2);
    assert_eq!(page.json["members"][0]["userId"], bob_id.as_str());
    let filtered = h
        .get(
            "/organization/list-members?filterField=role&filterValue=owner",
            Some(&alice),
        )
        .await;
    assert_eq!(filtered.json["total"], 1);

    let active = h.get("/organization/get-active-member", Some(&alice)).await;
    assert_json_snapshot!("members__active_member", active.json);
    let role = h
        .get("/organization/get-active-member-role", Some(&alice))
        .await;
    assert_eq!(role.json, json!({"role": "owner"}));
    let bobs = h
        .get(
            &format!("/organization/get-active-member-role?userId={bob_id}"),
            Some(&alice),
        )
        .await;
    assert_eq!(bobs.json, json!({"role": "member"}));
}

#[tokio::test]
async fn non_members_cannot_list_members() {
    let h = Harness::new();
    let (_, alice) = h.user("Alice").await;
    let (_, mallory) = h.user("Mallory").await;
    let org = h.organization(&alice, "acme").await;
    let res = h
        .get(
            &format!("/organization/list-members?organizationId={org}"),
            Some(&mallory),
        )
        .await;
    res.assert_error(
        StatusCode::FORBIDDEN,
        "YOU_ARE_NOT_A_MEMBER_OF_THIS_ORGANIZATION",
    );
    let res = h
        .get("/organization/get-active-member", Some(&mallory))
        .await;
    res.assert_error(StatusCode::BAD_REQUEST, "NO_ACTIVE_ORGANIZATION");
}

#[tokio::test]
async fn admins_change_roles_but_not_above_their_own() {
    let h = Harness::new();
    let (_, alice) = h.user("Alice").await;
    let (bob_id, bob) = h.user("Bob").await;
    let (carol_id, _) = h.user("Carol").await;
    let org = h.organization(&alice, "acme").await;
    let owner_member = h
        .api()
        .find_member(&org, &h.api().list_members(&org).await.unwrap()[0].user_id)
        .await
        .unwrap()
        .unwrap()
        .id;
    h.add(&org, &bob_id, "admin").await;
    let carol_member = h.add(&org, &carol_id, "member").await;

    let res = h
        .post(
            "/organization/update-member-role",
            json!({"organizationId": org, "memberId": carol_member, "role": ["admin", "member"]}),
            Some(&bob),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_json_snapshot!("members__update_role", res.json);

    for (member, role) in [(&carol_member, "owner"), (&owner_member, "member")] {
        let res = h
            .post(
                "/organization/update-member-role",
                json!({"organizationId": org, "memberId": member, "role": role}),
                Some(&bob),
            )
            .await;
        res.assert_error(
            StatusCode::FORBIDDEN,
            "YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_MEMBER",
        );
    }
    let res = h
        .post(
            "/organization/update-member-role",
            json!({"organizationId": org, "memberId": carol_member, "role": "ghost"}),
            Some(&alice),
        )
        .await;
    res.assert_error(StatusCode::BAD_REQUEST, "ROLE_NOT_FOUND");
    assert_eq!(res.json["message"], "ROLE_NOT_FOUND: ghost");
    let roles: Vec<String> = h.roles(&org).await.into_iter().map(|(_, r)| r).collect();
    assert_eq!(roles, ["owner", "admin", "admin,member"]);
}

#[tokio::test]
async fn the_last_owner_cannot_step_down_leave_or_be_removed() {
    let h = Harness::new();
    let (alice_id, alice) = h.user("Alice").await;
    let (bob_id, bob) = h.user("Bob").await;
    let org = h.organization(&alice, "acme").await;
    h.add(&org, &bob_id, "admin").await;
    let owner = h.api().find_member(&org, &alice_id).await.unwrap().unwrap();

    let res = h
        .post(
            "/organization/update-member-role",
            json!({"memberId": owner.id, "role": "member"}),
            Some(&alice),
        )
        .await;
    res.assert_error(
        StatusCode::BAD_REQUEST,
        "YOU_CANNOT_LEAVE_THE_ORGANIZATION_WITHOUT_AN_OWNER",
    );
    let res = h
        .post(
            "/organization/leave",
            json!({"organizationId": org}),
            Some(&alice),
        )
        .await;
    res.assert_error(
        StatusCode::BAD_REQUEST,
        "YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER",
    );
    for who in [&alice, &bob] {
        let res = h
            .post(
                "/organization/remove-member",
                json!({"organizationId": org, "memberIdOrEmail": "alice@example.com"}),
                Some(who),
            )
            .await;
        res.assert_error(
            StatusCode::BAD_REQUEST,
            "YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER",
        );
    }
    assert_eq!(
        h.roles(&org).await,
        [(alice_id, "owner".to_owned()), (bob_id, "admin".to_owned())]
    );
}

#[tokio::test]
async fn members_cannot_remove_and_admins_can() {
    let h = Harness::new();
    let (_, alice) = h.user("Alice").await;
    let (bob_id, bob) = h.user("Bob").await;
    let (carol_id, carol) = h.user("Carol").await;
    let org = h.organization(&alice, "acme").await;
    h.add(&org, &bob_id, "member").await;
    let carol_member = h.add(&org, &carol_id, "admin").await;

    let res = h
        .post(
            "/organization/remove-member",
            json!({"organizationId": org, "memberIdOrEmail": carol_member}),
            Some(&bob),
        )
        .await;
    res.assert_error(
        StatusCode::UNAUTHORIZED,
        "YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_MEMBER",
    );
    assert_eq!(h.roles(&org).await.len(), 3);

    let res = h
        .post(
            "/organization/remove-member",
            json!({"organizationId": org, "memberIdOrEmail": "bob@example.com"}),
            Some(&carol),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_json_snapshot!("members__remove", res.json);
    assert_eq!(h.roles(&org).await.len(), 2);
}

#[tokio::test]
async fn members_leave() {
    let h = Harness::new();
    let (_, alice) = h.user("Alice").await;
    let (bob_id, bob) = h.user("Bob").await;
    let org = h.organization(&alice, "acme").await;
    h.add(&org, &bob_id, "member").await;
    h.post(
        "/organization/set-active",
        json!({"organizationId": org}),
        Some(&bob),
    )
    .await;
    let res = h
        .post(
            "/organization/leave",
            json!({"organizationId": org}),
            Some(&bob),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.json["user"]["email"], "bob@example.com");
    let session = h.get("/get-session", Some(&bob)).await;
    assert_eq!(
        session.json["session"]["activeOrganizationId"],
        serde_json::Value::Null
    );
    let res = h
        .post(
            "/organization/leave",
            json!({"organizationId": org}),
            Some(&bob),
        )
        .await;
    res.assert_error(StatusCode::BAD_REQUEST, "MEMBER_NOT_FOUND");
}

#[tokio::test]
async fn has_permission_answers_per_role() {
    let h = Harness::new();
    let (_, alice) = h.user("Alice").await;
    let (bob_id, bob) = h.user("Bob").await;
    let (_, mallory) = h.user("Mallory").await;
    let org = h.organization(&alice, "acme").await;
    h.add(&org, &bob_id, "member").await;
    let ask =
        |permissions: serde_json::Value| json!({"organizationId": org, "permissions": permissions});

    let res = h
        .post(
            "/organization/has-permission",
            ask(json!({"member": ["create"]})),
            Some(&alice),
        )
        .await;
    assert_eq!(res.json, json!({"error": null, "success": true}));
    let res = h
        .post(
            "/organization/has-permission",
            ask(json!({"member": ["create"]})),
            Some(&bob),
        )
        .await;
    assert_eq!(res.json, json!({"error": null, "success": false}));
    let res = h
        .post(
            "/organization/has-permission",
            ask(json!({"ac": ["read"]})),
            Some(&bob),
        )
        .await;
    assert_eq!(res.json["success"], true);
    let res = h
        .post(
            "/organization/has-permission",
            ask(json!({"member": ["create"]})),
            Some(&mallory),
        )
        .await;
    res.assert_error(
        StatusCode::UNAUTHORIZED,
        "USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION",
    );
    // Upstream only reads `permissions`; the deprecated `permission` never grants anything.
    let res = h
        .post(
            "/organization/has-permission",
            json!({"organizationId": org, "permission": {"member": ["create"]}}),
            Some(&alice),
        )
        .await;
    assert_eq!(res.json["success"], false);
}

#[tokio::test]
async fn add_member_has_no_http_route() {
    let h = Harness::new();
    let (_, alice) = h.user("Alice").await;
    let (bob_id, _) = h.user("Bob").await;
    let org = h.organization(&alice, "acme").await;
    let res = h
        .post(
            "/organization/add-member",
            json!({"organizationId": org, "userId": bob_id, "role": "member"}),
            Some(&alice),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(h.roles(&org).await.len(), 1);
}
