//! Concurrency on real databases: two adds of the same user at once give exactly one membership.
//! The tests skip locally when their database URL is unset and fail under CI.

use std::sync::Arc;

use bulwark_core::adapter::memory::MemoryAdapter;
use bulwark_organization::OrganizationOptions;
use bulwark_organization::api::NewMember;
use bulwark_test_support::{Backend, TestDb};

use crate::Harness;

async fn concurrent_add_member_gives_one_membership(backend: Backend) {
    let schema = Harness::with_options(OrganizationOptions::default())
        .auth
        .schema()
        .clone();
    let Some(db) = TestDb::new(backend, &schema).await else {
        return;
    };
    let h = Harness::build(OrganizationOptions::default(), db.adapter(), |b| b);
    let (_, alice) = h.user("Alice").await;
    let org = h.organization(&alice, "acme").await;
    for round in 0..5 {
        let (user_id, _) = h.user(&format!("User{round}")).await;
        let attempts = (0..4).map(|_| {
            let api = h.api();
            let add = NewMember::new(&org, &user_id, &["member"]);
            tokio::spawn(async move { api.add_member(add).await })
        });
        let mut added = 0;
        for attempt in attempts.collect::<Vec<_>>() {
            match attempt.await.unwrap() {
                Ok(_) => added += 1,
                Err(err) => assert_eq!(
                    err.code().map(bulwark_core::ErrorCode::as_str),
                    Some("USER_IS_ALREADY_A_MEMBER_OF_THIS_ORGANIZATION"),
                    "{err}"
                ),
            }
        }
        assert_eq!(added, 1, "round {round}");
        let rows = h.roles(&org).await;
        assert_eq!(rows.iter().filter(|(u, _)| *u == user_id).count(), 1);
    }
    drop(h);
    db.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn memory_concurrent_add_member() {
    let h = Harness::build(
        OrganizationOptions::default(),
        Arc::new(MemoryAdapter::new()),
        |b| b,
    );
    let (_, alice) = h.user("Alice").await;
    let (bob_id, _) = h.user("Bob").await;
    let org = h.organization(&alice, "acme").await;
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let api = h.api();
            let add = NewMember::new(&org, &bob_id, &["member"]);
            tokio::spawn(async move { api.add_member(add).await.is_ok() })
        })
        .collect();
    let mut added = 0;
    for task in tasks {
        added += usize::from(task.await.unwrap());
    }
    assert_eq!(added, 1);
    assert_eq!(h.roles(&org).await.len(), 2);
}

pub(crate) mod postgres {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_add_member() {
        concurrent_add_member_gives_one_membership(Backend::Postgres).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_accept_invitation() {
        crate::invitations::concurrent_accepts_on(Backend::Postgres).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_team_adds() {
        crate::teams::concurrent_adds_on(Backend::Postgres).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn organization_flow() {
        crate::backends::flow_on(Backend::Postgres).await;
    }
}

pub(crate) mod mysql {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_add_member() {
        concurrent_add_member_gives_one_membership(Backend::Mysql).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_accept_invitation() {
        crate::invitations::concurrent_accepts_on(Backend::Mysql).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_team_adds() {
        crate::teams::concurrent_adds_on(Backend::Mysql).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn organization_flow() {
        crate::backends::flow_on(Backend::Mysql).await;
    }
}

pub(crate) mod sqlite {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_add_member() {
        concurrent_add_member_gives_one_membership(Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_accept_invitation() {
        crate::invitations::concurrent_accepts_on(Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_team_adds() {
        crate::teams::concurrent_adds_on(Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn organization_flow() {
        crate::backends::flow_on(Backend::Sqlite).await;
    }
}
