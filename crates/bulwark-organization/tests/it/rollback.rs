//! Deleting an organization and removing a member are atomic: when a later step of the cascade fails
//! (here a database hook that refuses a delete), every earlier delete is rolled back. Each test runs on
//! memory, `SQLite`, and `PostgreSQL` and `MySQL` when their URLs are set.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use bulwark_core::AuthBuilder;
use bulwark_core::hooks::{Before, BeforeHook, DbEvent, Delete, HookCtx};
use bulwark_organization::OrganizationOptions;
use bulwark_organization::api::NewMember;
use bulwark_organization::models::{Invitation, TeamMember};
use bulwark_organization::options::TeamOptions;
use bulwark_test_support::{Backend, TestDb};
use http::StatusCode;
use serde_json::json;

use crate::Harness;

fn options() -> OrganizationOptions {
    OrganizationOptions::default().teams(TeamOptions::enabled())
}

/// A before-hook for `E` that fails while `armed` is set (upstream's test swaps the transaction's
/// `deleteMany` for one that throws).
fn failing_while<E: DbEvent>(armed: &Arc<AtomicBool>) -> BeforeHook<E> {
    let armed = Arc::clone(armed);
    Arc::new(move |_ctx: HookCtx, input: E::Input| {
        let fail = armed.load(Ordering::SeqCst);
        Box::pin(async move {
            if fail {
                return Err(bulwark_core::ApiError::message_only(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "simulated mid-cascade failure",
                ));
            }
            Ok(Before::Continue(input))
        })
    })
}

/// The harness on `backend` with `configure` applied, or `None` when the backend is not available.
async fn harness_on(
    backend: Backend,
    configure: impl FnOnce(AuthBuilder) -> AuthBuilder,
) -> Option<(Harness, TestDb)> {
    let schema = Harness::with_options(options()).auth.schema().clone();
    let db = TestDb::new(backend, &schema).await?;
    let h = Harness::build(options(), db.adapter(), configure);
    Some((h, db))
}

async fn delete_organization_rolls_back(backend: Backend) {
    let armed = Arc::new(AtomicBool::new(false));
    let hook = failing_while::<Delete<Invitation>>(&armed);
    let Some((h, db)) = harness_on(backend, |b| {
        b.database_hook_before::<Delete<Invitation>>(hook)
    })
    .await
    else {
        return;
    };
    let (_, alice) = h.user("Alice").await;
    let org = h.organization(&alice, "cascade-org").await;
    let invited = h
        .post(
            "/organization/invite-member",
            json!({"email": "invitee@email.com", "role": "member", "organizationId": org}),
            Some(&alice),
        )
        .await;
    assert_eq!(invited.status, StatusCode::OK, "{}", invited.json);

    armed.store(true, Ordering::SeqCst);
    let res = h
        .post(
            "/organization/delete",
            json!({"organizationId": org}),
            Some(&alice),
        )
        .await;
    armed.store(false, Ordering::SeqCst);
    assert_eq!(
        res.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{}",
        res.json
    );

    let api = h.api();
    assert!(api.count_members(&org).await.unwrap() > 0);
    assert!(!api.list_invitations(&org).await.unwrap().is_empty());
    assert!(api.find_organization(&org).await.unwrap().is_some());
    drop(h);
    db.cleanup().await;
}

async fn remove_member_rolls_back(backend: Backend) {
    let armed = Arc::new(AtomicBool::new(false));
    let hook = failing_while::<Delete<TeamMember>>(&armed);
    let Some((h, db)) = harness_on(backend, |b| {
        b.database_hook_before::<Delete<TeamMember>>(hook)
    })
    .await
    else {
        return;
    };
    let (_, alice) = h.user("Alice").await;
    let org = h.organization(&alice, "cascade-member-org").await;
    let team = h
        .post(
            "/organization/create-team",
            json!({"name": "Cascade Team", "organizationId": org}),
            Some(&alice),
        )
        .await;
    assert_eq!(team.status, StatusCode::OK, "{}", team.json);
    let team_id = team.json["id"].as_str().unwrap().to_owned();
    let (user_id, _) = h.user("Member").await;
    let member = h
        .api()
        .add_member(NewMember::new(&org, &user_id, &["member"]))
        .await
        .unwrap();
    let added = h
        .post(
            "/organization/add-team-member",
            json!({"userId": user_id, "teamId": team_id, "organizationId": org}),
            Some(&alice),
        )
        .await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.json);

    armed.store(true, Ordering::SeqCst);
    let res = h
        .post(
            "/organization/remove-member",
            json!({"organizationId": org, "memberIdOrEmail": member.id}),
            Some(&alice),
        )
        .await;
    armed.store(false, Ordering::SeqCst);
    assert_eq!(
        res.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{}",
        res.json
    );

    let api = h.api();
    assert!(api.find_member_by_id(&member.id).await.unwrap().is_some());
    assert!(
        api.find_team_member(&team_id, &user_id)
            .await
            .unwrap()
            .is_some()
    );
    let team = api.find_team(&team_id, None).await.unwrap().unwrap();
    assert_eq!(team.member_count, Some(1));
    drop(h);
    db.cleanup().await;
}

// upstream: organization.test.ts › delete cascade rollback › rolls back deleteOrganization when an intermediate step throws
#[tokio::test]
async fn delete_organization_rolls_back_on_memory() {
    delete_organization_rolls_back(Backend::Memory).await;
}

// upstream: organization.test.ts › delete cascade rollback › rolls back removeMember when an intermediate step throws
#[tokio::test]
async fn remove_member_rolls_back_on_memory() {
    remove_member_rolls_back(Backend::Memory).await;
}

#[tokio::test]
async fn delete_organization_rolls_back_on_sqlite() {
    delete_organization_rolls_back(Backend::Sqlite).await;
}

#[tokio::test]
async fn remove_member_rolls_back_on_sqlite() {
    remove_member_rolls_back(Backend::Sqlite).await;
}

#[tokio::test]
async fn delete_organization_rolls_back_on_postgres() {
    delete_organization_rolls_back(Backend::Postgres).await;
}

#[tokio::test]
async fn remove_member_rolls_back_on_postgres() {
    remove_member_rolls_back(Backend::Postgres).await;
}

#[tokio::test]
async fn delete_organization_rolls_back_on_mysql() {
    delete_organization_rolls_back(Backend::Mysql).await;
}

#[tokio::test]
async fn remove_member_rolls_back_on_mysql() {
    remove_member_rolls_back(Backend::Mysql).await;
}
