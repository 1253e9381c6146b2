//! Organization endpoints: create, check-slug, update, delete, list, get-full-organization, set-active.

use http::StatusCode;
use insta::assert_json_snapshot;
use serde_json::json;

use crate::Harness;

#[tokio::test]
async fn create_then_read_back() {
    let h = Harness::new();
    let (_, alice) = h.user("Alice").await;
    let res = h
        .post(
            "/organization/create",
            json!({"name": "Acme", "slug": "acme", "metadata": {"plan": "pro"}}),
            Some(&alice),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_json_snapshot!("organization__create", res.json);
    let org = res.json["id"].as_str().unwrap().to_owned();

    let session = h.get("/get-session", Some(&alice)).await;
    assert_eq!(
        session.json["session"]["activeOrganizationId"],
        org.as_str()
    );

    let list = h.get("/organization/list", Some(&alice)).await;
    assert_json_snapshot!("organization__list", list.json);
    let full = h
        .get("/organization/get-full-organization", Some(&alice))
        .await;
    assert_json_snapshot!("organization__get_full", full.json);
    let by_slug = h
        .get(
            "/organization/get-full-organization?organizationSlug=acme",
            Some(&alice),
        )
        .await;
    assert_eq!(by_slug.json, full.json);
}

#[tokio::test]
async fn create_without_metadata_omits_it_and_can_keep_the_active_organization() {
    let h = Harness::new();
    let (_, alice) = h.user("Alice").await;
    let first = h.organization(&alice, "first").await;
    let res = h
        .post(
            "/organization/create",
            json!({"name": "Second", "slug": "second", "keepCurrentActiveOrganization": true}),
            Some(&alice),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.json.get("metadata").is_none(), "{}", res.json);
    assert_eq!(res.json["logo"], serde_json::Value::Null);
    let session = h.get("/get-session", Some(&alice)).await;
    assert_eq!(
        session.json["session"]["activeOrganizationId"],
        first.as_str()
    );
}

#[tokio::test]
async fn duplicate_slugs_are_refused_and_nothing_changes() {
    let h = Harness::new();
    let (_, alice) = h.user("Alice").await;
    let (_, bob) = h.user("Bob").await;
    h.organization(&alice, "acme").await;
    let res = h
        .post(
            "/organization/create",
            json!({"name": "Other", "slug": "acme"}),
            Some(&bob),
        )
        .await;
    res.assert_error(StatusCode::BAD_REQUEST, "ORGANIZATION_ALREADY_EXISTS");
    assert_json_snapshot!("organization__duplicate_slug", res.json);
    let bobs = h.get("/organization/list", Some(&bob)).await;
    assert_eq!(bobs.json, json!([]));

    let taken = h
        .post(
            "/organization/check-slug",
            json!({"slug": "acme"}),
            Some(&bob),
        )
        .await;
    taken.assert_error(StatusCode::BAD_REQUEST, "ORGANIZATION_SLUG_ALREADY_TAKEN");
    let free = h
        .post(
            "/organization/check-slug",
            json!({"slug": "free"}),
            Some(&bob),
        )
        .await;
    assert_eq!(free.json, json!({"status": true}));
}

#[tokio::test]
async fn creating_needs_a_session_and_may_be_forbidden_or_limited() {
    let h = Harness::new();
    let res = h
        .post(
            "/organization/create",
            json!({"name": "A", "slug": "a"}),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert!(res.raw.is_empty());

    let limited = Harness::with_options(
        bulwark_organization::OrganizationOptions::default()
            .organization_limit(bulwark_organization::options::OrganizationLimit::Max(1)),
    );
    let (_, alice) = limited.user("Alice").await;
    limited.organization(&alice, "one").await;
    let res = limited
        .post(
            "/organization/create",
            json!({"name": "Two", "slug": "two"}),
            Some(&alice),
        )
        .await;
    res.assert_error(
        StatusCode::FORBIDDEN,
        "YOU_HAVE_REACHED_THE_MAXIMUM_NUMBER_OF_ORGANIZATIONS",
    );
    assert!(
        limited
            .api()
            .find_organization_by_slug("two")
            .await
            .unwrap()
            .is_none()
    );

    let closed = Harness::with_options(
        bulwark_organization::OrganizationOptions::default()
            .allow_user_to_create_organization(false),
    );
    let (_, alice) = closed.user("Alice").await;
    let res = closed
        .post(
            "/organization/create",
            json!({"name": "A", "slug": "a"}),
            Some(&alice),
        )
        .await;
    res.assert_error(
        StatusCode::FORBIDDEN,
        "YOU_ARE_NOT_ALLOWED_TO_CREATE_A_NEW_ORGANIZATION",
    );
}

#[tokio::test]
async fn owners_update_members_may_not() {
    let h = Harness::new();
    let (_, alice) = h.user("Alice").await;
    let (bob_id, bob) = h.user("Bob").await;
    let org = h.organization(&alice, "acme").await;
    h.add(&org, &bob_id, "member").await;

    let res = h
        .post(
            "/organization/update",
            json!({"data": {"name": "Acme Inc", "metadata": {"a": 1}}}),
            Some(&alice),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_json_snapshot!("organization__update", res.json);

    let res = h
        .post(
            "/organization/update",
            json!({"organizationId": org, "data": {"name": "Hacked"}}),
            Some(&bob),
        )
        .await;
    res.assert_error(
        StatusCode::FORBIDDEN,
        "YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_ORGANIZATION",
    );
    let stored = h.api().find_organization(&org).await.unwrap().unwrap();
    assert_eq!(stored.name, "Acme Inc");

    let (_, carol) = h.user("Carol").await;
    h.organization(&carol, "other").await;
    let res = h
        .post(
            "/organization/update",
            json!({"organizationId": org, "data": {"slug": "other"}}),
            Some(&alice),
        )
        .await;
    res.assert_error(StatusCode::BAD_REQUEST, "ORGANIZATION_SLUG_ALREADY_TAKEN");
}

#[tokio::test]
async fn only_owners_delete_and_everything_goes() {
    let h = Harness::new();
    let (_, alice) = h.user("Alice").await;
    let (bob_id, bob) = h.user("Bob").await;
    let org = h.organization(&alice, "acme").await;
    h.add(&org, &bob_id, "admin").await;

    let res = h
        .post(
            "/organization/delete",
            json!({"organizationId": org}),
            Some(&bob),
        )
        .await;
    res.assert_error(
        StatusCode::FORBIDDEN,
        "YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_ORGANIZATION",
    );
    assert_eq!(h.roles(&org).await.len(), 2);

    let res = h
        .post(
            "/organization/delete",
            json!({"organizationId": org}),
            Some(&alice),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.json["slug"], "acme");
    assert!(h.api().find_organization(&org).await.unwrap().is_none());
    assert!(h.roles(&org).await.is_empty());
    let session = h.get("/get-session", Some(&alice)).await;
    assert_eq!(
        session.json["session"]["activeOrganizationId"],
        serde_json::Value::Null
    );
}

#[tokio::test]
async fn deletion_can_be_turned_off() {
    let h = Harness::with_options(
        bulwark_organization::OrganizationOptions::default().disable_organization_deletion(true),
    );
    let (_, alice) = h.user("Alice").await;
    let org = h.organization(&alice, "acme").await;
    let res = h
        .post(
            "/organization/delete",
            json!({"organizationId": org}),
            Some(&alice),
        )
        .await;
    res.assert_error(StatusCode::NOT_FOUND, "ORGANIZATION_DELETION_DISABLED");
    assert!(h.api().find_organization(&org).await.unwrap().is_some());
}

#[tokio::test]
async fn non_members_cannot_read_or_activate() {
    let h = Harness::new();
    let (_, alice) = h.user("Alice").await;
    let (_, mallory) = h.user("Mallory").await;
    let org = h.organization(&alice, "acme").await;
    let res = h
        .get(
            &format!("/organization/get-full-organization?organizationId={org}"),
            Some(&mallory),
        )
        .await;
    res.assert_error(
        StatusCode::FORBIDDEN,
        "USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION",
    );
    let res = h
        .post(
            "/organization/set-active",
            json!({"organizationId": org}),
            Some(&mallory),
        )
        .await;
    res.assert_error(
        StatusCode::FORBIDDEN,
        "USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION",
    );
    let session = h.get("/get-session", Some(&mallory)).await;
    assert_eq!(
        session.json["session"]["activeOrganizationId"],
        serde_json::Value::Null
    );
    let none = h
        .get("/organization/get-full-organization", Some(&mallory))
        .await;
    assert_eq!(none.status, StatusCode::OK);
    assert_eq!(none.json, serde_json::Value::Null);
}

#[tokio::test]
async fn set_active_by_slug_and_clear() {
    let h = Harness::new();
    let (_, alice) = h.user("Alice").await;
    let first = h.organization(&alice, "first").await;
    h.organization(&alice, "second").await;
    let res = h
        .post(
            "/organization/set-active",
            json!({"organizationSlug": "first"}),
            Some(&alice),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.json["id"], first.as_str());
    assert!(
        res.cookies
            .iter()
            .any(|c| c.starts_with("better-auth.session_token="))
    );
    let session = h.get("/get-session", Some(&alice)).await;
    assert_eq!(
        session.json["session"]["activeOrganizationId"],
        first.as_str()
    );

    let res = h
        .post(
            "/organization/set-active",
            json!({"organizationId": null}),
            Some(&alice),
        )
        .await;
    assert_eq!(res.json, serde_json::Value::Null);
    let session = h.get("/get-session", Some(&alice)).await;
    assert_eq!(
        session.json["session"]["activeOrganizationId"],
        serde_json::Value::Null
    );

    let res = h
        .post(
            "/organization/set-active",
            json!({"organizationSlug": "nope"}),
            Some(&alice),
        )
        .await;
    res.assert_error(StatusCode::BAD_REQUEST, "ORGANIZATION_NOT_FOUND");
}
