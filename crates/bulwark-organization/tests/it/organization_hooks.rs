//! Organization hooks: organizations created from the core's user-creation database hooks (upstream's
//! `organization-hook.test.ts`), and the organization and member `organizationHooks` on creation.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bulwark_core::adapter::Where;
use bulwark_core::adapter::memory::MemoryAdapter;
use bulwark_core::hooks::{Before, Create, HookCtx};
use bulwark_core::models::User;
use bulwark_core::{ApiError, AuthBuilder};
use bulwark_organization::api::NewOrganization;
use bulwark_organization::models::{Member, Organization};
use bulwark_organization::options::OrganizationHooks;
use bulwark_organization::{OrganizationApi, OrganizationOptions};
use http::StatusCode;
use serde_json::{Map, json};

use crate::Harness;
use crate::harness::Response;

/// A harness whose application hooks are added by `configure`.
fn with_hooks(configure: impl FnOnce(AuthBuilder) -> AuthBuilder) -> Harness {
    Harness::build(
        OrganizationOptions::default(),
        Arc::new(MemoryAdapter::new()),
        configure,
    )
}

async fn sign_up(h: &Harness, email: &str, name: &str) -> Response {
    h.post(
        "/sign-up/email",
        json!({"email": email, "password": "password123", "name": name}),
        None,
    )
    .await
}

/// Creates an organization for `user` through the organization API of the hook's auth.
async fn create_for(
    ctx: &HookCtx,
    user: &User,
    name: String,
    slug: String,
) -> Result<Organization, ApiError> {
    let api = OrganizationApi::new(&ctx.auth).expect("the plugin is registered");
    let created = api
        .create_organization(user, NewOrganization::new(name, slug))
        .await?;
    Ok(created.organization)
}

fn id_prefix(user: &User) -> String {
    user.id.chars().take(8).collect()
}

async fn organizations(h: &Harness) -> Vec<Organization> {
    h.auth
        .store()
        .find_many(&Where::all(), &[], None, None)
        .await
        .unwrap()
}

/// upstream: organization-hook.test.ts › organization creation in database hooks › should create organization in user creation after hook within transaction
#[tokio::test]
async fn upstream_organization_created_in_a_user_after_hook() {
    let called = Arc::new(AtomicBool::new(false));
    let failure = Arc::new(Mutex::new(None::<String>));
    let created = Arc::new(Mutex::new(None::<Organization>));
    let (c, f, o) = (
        Arc::clone(&called),
        Arc::clone(&failure),
        Arc::clone(&created),
    );
    let h = with_hooks(move |b| {
        b.database_hook_after::<Create<User>>(Arc::new(move |ctx, user: Arc<User>| {
            let (c, f, o) = (Arc::clone(&c), Arc::clone(&f), Arc::clone(&o));
            Box::pin(async move {
                if user.email != "test-hook@example.com" {
                    return Ok(());
                }
                c.store(true, Ordering::SeqCst);
                let name = format!("{}'s Organization", user.email);
                let slug = format!("org-{}", id_prefix(&user));
                match create_for(&ctx, &user, name, slug).await {
                    Ok(org) => {
                        *o.lock().unwrap() = Some(org);
                        Ok(())
                    }
                    Err(err) => {
                        *f.lock().unwrap() = Some(err.to_string());
                        Err(err)
                    }
                }
            })
        }))
    });
    let res = sign_up(&h, "test-hook@example.com", "Test Hook User").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["user"]["email"], "test-hook@example.com");
    assert!(called.load(Ordering::SeqCst));
    assert_eq!(*failure.lock().unwrap(), None);
    let org = created
        .lock()
        .unwrap()
        .clone()
        .expect("organization created");
    assert_eq!(org.name, "test-hook@example.com's Organization");
    assert!(org.slug.starts_with("org-"));
    let stored = organizations(&h).await;
    let stored = stored.iter().find(|o| o.slug.starts_with("org-")).unwrap();
    assert_eq!(stored.name, "test-hook@example.com's Organization");
    let members: Vec<Member> = h
        .auth
        .store()
        .find_many(
            &Where::eq("organizationId", org.id.as_str()),
            &[],
            None,
            None,
        )
        .await
        .unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!(members[0].user_id, res.json["user"]["id"].as_str().unwrap());
    assert_eq!(members[0].organization_id, org.id);
    assert_eq!(members[0].role, "owner");
}

/// upstream: organization-hook.test.ts › organization creation in database hooks › keeps the committed user and surfaces a post-commit hook failure as the sign-up response
#[tokio::test]
async fn upstream_a_failing_after_hook_answers_the_sign_up_and_keeps_the_user() {
    let first_created = Arc::new(AtomicBool::new(false));
    let first = Arc::clone(&first_created);
    let h = with_hooks(move |b| {
        b.database_hook_after::<Create<User>>(Arc::new(move |ctx, user: Arc<User>| {
            let first = Arc::clone(&first);
            Box::pin(async move {
                if !user.email.contains("-hook@") {
                    return Ok(());
                }
                let slug = "duplicate-test-org".to_owned();
                create_for(&ctx, &user, "Test Org".to_owned(), slug).await?;
                first.store(true, Ordering::SeqCst);
                Ok(())
            })
        }))
    });
    let res = sign_up(&h, "user1-hook@example.com", "User 1").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["user"]["email"], "user1-hook@example.com");
    assert!(first_created.load(Ordering::SeqCst));

    let res = sign_up(&h, "user2-hook@example.com", "User 2").await;
    res.assert_error(StatusCode::BAD_REQUEST, "ORGANIZATION_ALREADY_EXISTS");

    let orgs = organizations(&h).await;
    let duplicates = orgs.iter().filter(|o| o.slug == "duplicate-test-org");
    assert_eq!(duplicates.count(), 1);
    let users: Vec<User> = h
        .auth
        .store()
        .find_many(
            &Where::eq("email", "user2-hook@example.com"),
            &[],
            None,
            None,
        )
        .await
        .unwrap();
    assert_eq!(users.len(), 1);
}

/// upstream: organization-hook.test.ts › organization creation in database hooks › should work with multiple async operations in the hook
#[tokio::test]
async fn upstream_a_user_after_hook_with_several_async_steps() {
    let steps = Arc::new(AtomicUsize::new(0));
    let found = Arc::new(AtomicBool::new(false));
    let (s, f) = (Arc::clone(&steps), Arc::clone(&found));
    let h = with_hooks(move |b| {
        b.database_hook_after::<Create<User>>(Arc::new(move |ctx, user: Arc<User>| {
            let (s, f) = (Arc::clone(&s), Arc::clone(&f));
            Box::pin(async move {
                if user.email != "async-hook@example.com" {
                    return Ok(());
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
                s.fetch_add(1, Ordering::SeqCst);
                let stored: Option<User> = ctx
                    .store()
                    .find_one(&Where::eq("id", user.id.as_str()))
                    .await?;
                f.store(stored.is_some(), Ordering::SeqCst);
                let name = format!("Async Org for {}", user.name);
                let slug = format!("async-{}", id_prefix(&user));
                create_for(&ctx, &user, name, slug).await?;
                tokio::time::sleep(Duration::from_millis(10)).await;
                s.fetch_add(1, Ordering::SeqCst);
                Ok(())
            })
        }))
    });
    let res = sign_up(&h, "async-hook@example.com", "Async User").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["user"]["email"], "async-hook@example.com");
    assert_eq!(steps.load(Ordering::SeqCst), 2);
    assert!(found.load(Ordering::SeqCst));
    let orgs = organizations(&h).await;
    let org = orgs
        .iter()
        .find(|o| o.slug.contains("async-") && o.name.contains("Async Org"))
        .expect("organization created");
    assert_eq!(org.name, "Async Org for Async User");
}

/// upstream: organization-hook.test.ts › organization creation in database hooks › should work when creating organization from before hook
#[tokio::test]
async fn upstream_user_before_and_after_hooks_prepare_and_create() {
    let org_id = Arc::new(Mutex::new(None::<String>));
    let id = Arc::clone(&org_id);
    let h = with_hooks(move |b| {
        b.database_hook_before::<Create<User>>(Arc::new(|_ctx, mut user: User| {
            user.image = Some("prepared-in-before-hook".to_owned());
            Box::pin(async move { Ok(Before::Continue(user)) })
        }))
        .database_hook_after::<Create<User>>(Arc::new(move |ctx, user: Arc<User>| {
            let id = Arc::clone(&id);
            Box::pin(async move {
                if user.email != "before-hook@example.com" {
                    return Ok(());
                }
                let slug = format!("before-after-{}", id_prefix(&user));
                let org = create_for(&ctx, &user, "Before-After Org".to_owned(), slug).await?;
                *id.lock().unwrap() = Some(org.id);
                Ok(())
            })
        }))
    });
    let res = sign_up(&h, "before-hook@example.com", "Before Hook User").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["user"]["image"], "prepared-in-before-hook");
    let org_id = org_id
        .lock()
        .unwrap()
        .clone()
        .expect("organization created");
    let org = h.api().find_organization(&org_id).await.unwrap().unwrap();
    assert_eq!(org.name, "Before-After Org");
}

/// A harness with `hooks`, and a signed-in user's cookie.
async fn hooked(hooks: OrganizationHooks) -> (Harness, String) {
    let h = Harness::with_options(OrganizationOptions::default().organization_hooks(hooks));
    let (_, cookie) = h.user("Tester").await;
    (h, cookie)
}

async fn create(h: &Harness, cookie: &str) -> Response {
    let res = h
        .post(
            "/organization/create",
            json!({"name": "test", "slug": "test"}),
            Some(cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    res
}

fn counter() -> (Arc<AtomicUsize>, Arc<AtomicUsize>) {
    let count = Arc::new(AtomicUsize::new(0));
    (Arc::clone(&count), count)
}

/// upstream: crud-org.test.ts › organization hooks › should apply beforeCreateOrganization hook
#[tokio::test]
async fn upstream_before_create_organization_changes_the_data() {
    let (calls, seen) = counter();
    let mut hooks = OrganizationHooks::default();
    hooks.before_create_organization = Some(Arc::new(move |input| {
        seen.fetch_add(1, Ordering::SeqCst);
        let mut data = input.organization;
        data.insert("metadata".to_owned(), json!({"hookCalled": true}));
        data.insert("name".to_owned(), json!("changed-name"));
        Box::pin(async move { Ok(Some(data)) })
    }));
    let (h, cookie) = hooked(hooks).await;
    let res = create(&h, &cookie).await;
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(res.json["name"], "changed-name");
    assert_eq!(res.json["metadata"], json!({"hookCalled": true}));
}

/// upstream: crud-org.test.ts › organization hooks › should apply afterCreateOrganization hook
#[tokio::test]
async fn upstream_after_create_organization_runs() {
    let (calls, seen) = counter();
    let mut hooks = OrganizationHooks::default();
    hooks.after_create_organization = Some(Arc::new(move |input| {
        assert_eq!(input.organization.slug, "test");
        assert_eq!(input.member.user_id, input.user.id);
        seen.fetch_add(1, Ordering::SeqCst);
        Box::pin(async { Ok(()) })
    }));
    let (h, cookie) = hooked(hooks).await;
    create(&h, &cookie).await;
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

/// upstream: crud-org.test.ts › organization hooks › should apply beforeAddMember hook
#[tokio::test]
async fn upstream_before_add_member_changes_the_creators_role() {
    let (calls, seen) = counter();
    let mut hooks = OrganizationHooks::default();
    hooks.before_add_member = Some(Arc::new(move |_| {
        seen.fetch_add(1, Ordering::SeqCst);
        let mut data = Map::new();
        data.insert("role".to_owned(), json!("changed-role"));
        Box::pin(async move { Ok(Some(data)) })
    }));
    let (h, cookie) = hooked(hooks).await;
    create(&h, &cookie).await;
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    let member = h
        .get("/organization/get-active-member", Some(&cookie))
        .await;
    assert_eq!(member.json["role"], "changed-role", "{}", member.json);
}

/// upstream: crud-org.test.ts › organization hooks › should apply afterAddMember hook
#[tokio::test]
async fn upstream_after_add_member_runs_for_the_creator() {
    let (calls, seen) = counter();
    let mut hooks = OrganizationHooks::default();
    hooks.after_add_member = Some(Arc::new(move |input| {
        assert_eq!(input.member.role, "owner");
        seen.fetch_add(1, Ordering::SeqCst);
        Box::pin(async { Ok(()) })
    }));
    let (h, cookie) = hooked(hooks).await;
    create(&h, &cookie).await;
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

/// upstream: organization.test.ts › organization hooks › should call organization creation hooks
#[tokio::test]
async fn upstream_organization_creation_hooks_are_called() {
    let called = Arc::new(Mutex::new(Vec::<&str>::new()));
    let mut hooks = OrganizationHooks::default();
    let log = Arc::clone(&called);
    hooks.before_create_organization = Some(Arc::new(move |input| {
        log.lock().unwrap().push("beforeCreateOrganization");
        let mut data = input.organization;
        data.insert("metadata".to_owned(), json!({"hookCalled": true}));
        Box::pin(async move { Ok(Some(data)) })
    }));
    let log = Arc::clone(&called);
    hooks.after_create_organization = Some(Arc::new(move |_| {
        log.lock().unwrap().push("afterCreateOrganization");
        Box::pin(async { Ok(()) })
    }));
    let (h, cookie) = hooked(hooks).await;
    let res = h
        .post(
            "/organization/create",
            json!({"name": "Test Org with Hooks", "slug": "test-org-hooks"}),
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    let called = called.lock().unwrap().clone();
    assert!(called.contains(&"beforeCreateOrganization"));
    assert!(called.contains(&"afterCreateOrganization"));
    assert_eq!(res.json["metadata"], json!({"hookCalled": true}));
}
