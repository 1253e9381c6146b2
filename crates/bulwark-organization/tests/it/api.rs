//! `OrganizationApi`: server-side add-member with its limits, role checks and hooks.

use std::sync::{Arc, Mutex};

use bulwark_core::hooks::{Before, Create};
use bulwark_organization::OrganizationOptions;
use bulwark_organization::api::NewMember;
use bulwark_organization::models::Member;
use bulwark_organization::options::{Limit, OrganizationHooks};
use http::StatusCode;

use crate::Harness;

#[tokio::test]
async fn add_member_checks_user_duplicates_roles_and_limit() {
    let h = Harness::with_options(OrganizationOptions::default().membership_limit(Limit::Fixed(2)));
    let (_, alice) = h.user("Alice").await;
    let (bob_id, _) = h.user("Bob").await;
    let (carol_id, _) = h.user("Carol").await;
    let org = h.organization(&alice, "acme").await;
    let api = h.api();

    let err = api
        .add_member(NewMember::new(&org, "nobody", &["member"]))
        .await
        .unwrap_err();
    assert_eq!(
        (err.status(), err.code().unwrap().as_str()),
        (StatusCode::BAD_REQUEST, "USER_NOT_FOUND")
    );
    let err = api
        .add_member(NewMember::new(&org, &bob_id, &["ghost"]))
        .await
        .unwrap_err();
    assert_eq!(err.code().unwrap().as_str(), "ROLE_NOT_FOUND");
    let err = api
        .add_member(NewMember::new("nope", &bob_id, &["member"]))
        .await
        .unwrap_err();
    assert_eq!(err.code().unwrap().as_str(), "ORGANIZATION_NOT_FOUND");

    let member = api
        .add_member(NewMember::new(&org, &bob_id, &["admin", "member"]))
        .await
        .unwrap();
    assert_eq!(member.role, "admin,member");
    let err = api
        .add_member(NewMember::new(&org, &bob_id, &["member"]))
        .await
        .unwrap_err();
    assert_eq!(
        err.code().unwrap().as_str(),
        "USER_IS_ALREADY_A_MEMBER_OF_THIS_ORGANIZATION"
    );
    let err = api
        .add_member(NewMember::new(&org, &carol_id, &["member"]))
        .await
        .unwrap_err();
    assert_eq!(
        (err.status(), err.code().unwrap().as_str()),
        (
            StatusCode::FORBIDDEN,
            "ORGANIZATION_MEMBERSHIP_LIMIT_REACHED"
        )
    );
    assert_eq!(h.roles(&org).await.len(), 2);
}

#[tokio::test]
async fn add_member_runs_organization_and_database_hooks() {
    let log = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut hooks = OrganizationHooks::default();
    let before = Arc::clone(&log);
    hooks.before_add_member = Some(Arc::new(move |input| {
        before
            .lock()
            .unwrap()
            .push(format!("before {}", input.user.name));
        let mut data = serde_json::Map::new();
        if input.user.name == "Bob" {
            data.insert("role".to_owned(), "admin".into());
        }
        Box::pin(async move { Ok(Some(data)) })
    }));
    let after = Arc::clone(&log);
    hooks.after_add_member = Some(Arc::new(move |added| {
        after
            .lock()
            .unwrap()
            .push(format!("after {} {}", added.user.name, added.member.role));
        Box::pin(async { Ok(()) })
    }));
    let db_log = Arc::clone(&log);
    let h = Harness::build(
        OrganizationOptions::default().organization_hooks(hooks),
        Arc::new(bulwark_core::adapter::memory::MemoryAdapter::new()),
        move |b| {
            b.database_hook_before::<Create<Member>>(Arc::new(move |_ctx, member: Member| {
                db_log.lock().unwrap().push(format!("db {}", member.role));
                Box::pin(async move { Ok(Before::Continue(member)) })
            }))
        },
    );
    let (_, alice) = h.user("Alice").await;
    let (bob_id, _) = h.user("Bob").await;
    let org = h.organization(&alice, "acme").await;
    h.add(&org, &bob_id, "member").await;
    assert_eq!(
        *log.lock().unwrap(),
        [
            "before Alice",
            "db owner",
            "after Alice owner",
            "before Bob",
            "db admin",
            "after Bob admin"
        ]
    );
}

#[tokio::test]
async fn server_side_role_changes_and_removals_keep_an_owner() {
    let h = Harness::new();
    let (alice_id, alice) = h.user("Alice").await;
    let (bob_id, _) = h.user("Bob").await;
    let org = h.organization(&alice, "acme").await;
    let bob = h.add(&org, &bob_id, "member").await;
    let api = h.api();
    let owner = api.find_member(&org, &alice_id).await.unwrap().unwrap();

    let err = api
        .update_member_role(&org, &owner.id, &["admin"])
        .await
        .unwrap_err();
    assert_eq!(
        err.code().unwrap().as_str(),
        "YOU_CANNOT_LEAVE_THE_ORGANIZATION_WITHOUT_AN_OWNER"
    );
    let err = api.remove_member(&org, &owner.id).await.unwrap_err();
    assert_eq!(
        err.code().unwrap().as_str(),
        "YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER"
    );

    let promoted = api
        .update_member_role(&org, &bob, &["owner"])
        .await
        .unwrap();
    assert_eq!(promoted.role, "owner");
    api.remove_member(&org, &owner.id).await.unwrap();
    assert_eq!(h.roles(&org).await, [(bob_id, "owner".to_owned())]);
    assert!(
        api.has_permission(
            &org,
            &promoted.user_id,
            &bulwark_organization::access::permissions([("organization", ["delete"])])
        )
        .await
        .unwrap()
    );
}

#[tokio::test]
async fn the_api_creates_organizations_for_a_user() {
    let h = Harness::with_options(
        OrganizationOptions::default().allow_user_to_create_organization(false),
    );
    let (alice_id, _) = h.user("Alice").await;
    let api = h.api();
    let user = api.find_user(&alice_id).await.unwrap().unwrap();
    let created = api
        .create_organization(
            &user,
            bulwark_organization::api::NewOrganization::new("Acme", "acme"),
        )
        .await
        .unwrap();
    assert_eq!(created.member.role, "owner");
    assert_eq!(api.list_organizations(&alice_id).await.unwrap().len(), 1);
}
