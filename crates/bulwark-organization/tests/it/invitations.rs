//! Invitation endpoints: invite, accept, reject, cancel, get, list, list for the user; their options,
//! hooks, bad input and concurrent acceptance.

use std::sync::{Arc, Mutex};

use bulwark_core::adapter::memory::MemoryAdapter;
use bulwark_core::adapter::{Row, Where};
use bulwark_core::models::User;
use bulwark_core::{ApiError, Environment};
use bulwark_organization::OrganizationOptions;
use bulwark_organization::models::{Invitation, Team};
use bulwark_organization::options::{Limit, OrganizationHooks, TeamOptions};
use bulwark_test_support::{Backend, FakeClock, SequentialIds, TestDb};
use http::StatusCode;
use insta::assert_json_snapshot;
use serde_json::{Value, json};
use time::Duration;
use time::macros::datetime;

use crate::Harness;

/// A harness whose clock the test can move.
fn with_clock(options: OrganizationOptions) -> (Harness, Arc<FakeClock>) {
    let clock = Arc::new(FakeClock::at(datetime!(2026-01-01 00:00:00 UTC)));
    let env = Environment {
        clock: Arc::clone(&clock) as _,
        ids: Arc::new(SequentialIds::new()),
    };
    let h = Harness::build(options, Arc::new(MemoryAdapter::new()), move |b| {
        b.environment(env)
    });
    (h, clock)
}

async fn invite(h: &Harness, cookie: &str, body: Value) -> crate::harness::Response {
    h.post("/organization/invite-member", body, Some(cookie))
        .await
}

/// Invites `email` as `member` with the session `cookie` and returns the invitation id.
async fn invited(h: &Harness, cookie: &str, org: &str, email: &str) -> String {
    let res = invite(
        h,
        cookie,
        json!({"organizationId": org, "email": email, "role": "member"}),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    res.json["id"].as_str().unwrap().to_owned()
}

async fn stored(h: &Harness, id: &str) -> Invitation {
    h.api().find_invitation(id).await.unwrap().unwrap()
}

async fn verify_email(h: &Harness, user_id: &str) {
    h.auth
        .store()
        .update::<User>(
            &Where::eq("id", user_id),
            Row::new().with("emailVerified", true),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn inviting_accepting_and_the_active_organization() {
    let h = Harness::new();
    let (_, alice) = h.user("Alice").await;
    let (bob_id, bob) = h.user("Bob").await;
    let org = h.organization(&alice, "acme").await;

    let res = invite(
        &h,
        &alice,
        json!({"email": "Bob@Example.com", "role": "member"}),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_json_snapshot!("invitations__invite", res.json);
    let id = res.json["id"].as_str().unwrap().to_owned();

    let got = h
        .get(&format!("/organization/get-invitation?id={id}"), Some(&bob))
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.json);
    assert_json_snapshot!("invitations__get", got.json);
    let listed = h.get("/organization/list-invitations", Some(&alice)).await;
    assert_eq!(listed.json, json!([res.json]));

    let accepted = h
        .post(
            "/organization/accept-invitation",
            json!({"invitationId": id}),
            Some(&bob),
        )
        .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.json);
    assert_json_snapshot!("invitations__accept", accepted.json);
    // Without teams upstream leaves the session cookie alone.
    assert!(accepted.cookies.is_empty(), "{:?}", accepted.cookies);
    let session = h.get("/get-session", Some(&bob)).await;
    assert_eq!(
        session.json["session"]["activeOrganizationId"],
        org.as_str()
    );
    assert!(h.roles(&org).await.contains(&(bob_id, "member".to_owned())));
}

/// upstream: organization.test.ts › organization › invites user to organization with role
#[tokio::test]
async fn invitees_join_with_the_offered_role() {
    let h = Harness::new();
    let (_, alice) = h.user("Alice").await;
    let org = h.organization(&alice, "acme").await;
    for role in ["owner", "admin", "member"] {
        let email = format!("{role}@example.com");
        let res = invite(&h, &alice, json!({"email": email, "role": role})).await;
        assert_eq!(res.json["email"], email.as_str());
        assert_eq!(res.json["role"], role);
        let id = res.json["id"].as_str().unwrap().to_owned();
        let (user_id, cookie) = h.user(role).await;
        let accept = |id: String, cookie: String| {
            let h = &h;
            async move {
                h.post(
                    "/organization/accept-invitation",
                    json!({"invitationId": id}),
                    Some(&cookie),
                )
                .await
            }
        };
        assert_eq!(
            accept("123".to_owned(), cookie.clone()).await.status,
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            accept(id.clone(), alice.clone()).await.status,
            StatusCode::FORBIDDEN
        );
        let res = accept(id, cookie.clone()).await;
        assert_eq!(res.json["invitation"]["status"], "accepted");
        let session = h.get("/get-session", Some(&cookie)).await;
        assert_eq!(
            session.json["session"]["activeOrganizationId"],
            org.as_str()
        );
        assert!(h.roles(&org).await.contains(&(user_id, role.to_owned())));
    }
}

/// upstream: organization.test.ts › organization › should create invitation with multiple roles
#[tokio::test]
async fn invitations_offer_several_roles() {
    let h = Harness::new();
    let (_, alice) = h.user("Alice").await;
    h.organization(&alice, "acme").await;
    let res = invite(
        &h,
        &alice,
        json!({"email": "carol@example.com", "role": ["admin", "member"]}),
    )
    .await;
    assert_eq!(res.json["role"], "admin,member");
}

#[tokio::test]
async fn accepting_twice_changes_nothing() {
    let h = Harness::new();
    let (_, alice) = h.user("Alice").await;
    let (_, bob) = h.user("Bob").await;
    let org = h.organization(&alice, "acme").await;
    let id = invited(&h, &alice, &org, "bob@example.com").await;
    let accept = || {
        h.post(
            "/organization/accept-invitation",
            json!({"invitationId": id}),
            Some(&bob),
        )
    };
    assert_eq!(accept().await.status, StatusCode::OK);
    let again = accept().await;
    again.assert_error(StatusCode::BAD_REQUEST, "INVITATION_NOT_FOUND");
    assert_eq!(again.json["message"], "Invitation not found");
    assert_eq!(h.roles(&org).await.len(), 2);
    assert_eq!(stored(&h, &id).await.status, "accepted");
    let rejected = h
        .post(
            "/organization/reject-invitation",
            json!({"invitationId": id}),
            Some(&bob),
        )
        .await;
    rejected.assert_error(StatusCode::BAD_REQUEST, "INVITATION_NOT_FOUND");
    assert_eq!(rejected.json["message"], "Invitation not found!");
}

#[tokio::test]
async fn another_users_invitation_cannot_be_used() {
    let h = Harness::new();
    let (_, alice) = h.user("Alice").await;
    let (_, _bob) = h.user("Bob").await;
    let (_, mallory) = h.user("Mallory").await;
    let org = h.organization(&alice, "acme").await;
    let id = invited(&h, &alice, &org, "bob@example.com").await;
    for path in [
        "/organization/accept-invitation",
        "/organization/reject-invitation",
    ] {
        let res = h
            .post(path, json!({"invitationId": id}), Some(&mallory))
            .await;
        res.assert_error(
            StatusCode::FORBIDDEN,
            "YOU_ARE_NOT_THE_RECIPIENT_OF_THE_INVITATION",
        );
    }
    let res = h
        .get(
            &format!("/organization/get-invitation?id={id}"),
            Some(&mallory),
        )
        .await;
    res.assert_error(
        StatusCode::FORBIDDEN,
        "YOU_ARE_NOT_THE_RECIPIENT_OF_THE_INVITATION",
    );
    assert_eq!(stored(&h, &id).await.status, "pending");
    assert_eq!(h.roles(&org).await.len(), 1);
}

/// upstream: organization.test.ts › invitation expiration and filtering › should allow rejecting expired invitations
#[tokio::test]
async fn expired_invitations_cannot_be_accepted_but_can_be_rejected() {
    let (h, clock) = with_clock(OrganizationOptions::default());
    let (_, alice) = h.user("Alice").await;
    let (_, bob) = h.user("Bob").await;
    let org = h.organization(&alice, "acme").await;
    let id = invited(&h, &alice, &org, "bob@example.com").await;
    assert_eq!(
        stored(&h, &id).await.expires_at,
        datetime!(2026-01-03 00:00:00 UTC)
    );
    clock.advance(Duration::hours(48) + Duration::milliseconds(1));

    let res = h
        .post(
            "/organization/accept-invitation",
            json!({"invitationId": id}),
            Some(&bob),
        )
        .await;
    res.assert_error(StatusCode::BAD_REQUEST, "INVITATION_NOT_FOUND");
    let res = h
        .get(&format!("/organization/get-invitation?id={id}"), Some(&bob))
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(res.json, json!({"message": "Invitation not found!"}));
    assert_eq!(h.roles(&org).await.len(), 1);

    let res = h
        .post(
            "/organization/reject-invitation",
            json!({"invitationId": id}),
            Some(&bob),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["invitation"]["status"], "rejected");
    assert_eq!(res.json["member"], Value::Null);
    // An expired invitation no longer blocks a new one.
    invited(&h, &alice, &org, "bob@example.com").await;
}

/// upstream: organization.test.ts › organization › should not allow inviting member with a creator role unless they are creator
#[tokio::test]
async fn only_the_creator_role_may_offer_it() {
    let h = Harness::new();
    let (_, alice) = h.user("Alice").await;
    let (bob_id, bob) = h.user("Bob").await;
    let org = h.organization(&alice, "acme").await;
    h.add(&org, &bob_id, "admin").await;
    let res = invite(
        &h,
        &bob,
        json!({"organizationId": org, "email": "carol@example.com", "role": "owner"}),
    )
    .await;
    res.assert_error(
        StatusCode::FORBIDDEN,
        "YOU_ARE_NOT_ALLOWED_TO_INVITE_USER_WITH_THIS_ROLE",
    );
    let res = invite(
        &h,
        &bob,
        json!({"organizationId": org, "email": "carol@example.com", "role": ["admin", "owner"]}),
    )
    .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(h.api().list_invitations(&org).await.unwrap().is_empty());
    let res = invite(
        &h,
        &alice,
        json!({"email": "carol@example.com", "role": "owner"}),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
}

#[tokio::test]
async fn members_without_the_permission_cannot_invite_or_cancel() {
    let h = Harness::new();
    let (_, alice) = h.user("Alice").await;
    let (bob_id, bob) = h.user("Bob").await;
    let (_, mallory) = h.user("Mallory").await;
    let org = h.organization(&alice, "acme").await;
    h.add(&org, &bob_id, "member").await;
    let body = json!({"organizationId": org, "email": "carol@example.com", "role": "member"});
    let res = invite(&h, &bob, body.clone()).await;
    res.assert_error(
        StatusCode::FORBIDDEN,
        "YOU_ARE_NOT_ALLOWED_TO_INVITE_USERS_TO_THIS_ORGANIZATION",
    );
    let res = invite(&h, &mallory, body).await;
    res.assert_error(StatusCode::BAD_REQUEST, "MEMBER_NOT_FOUND");
    assert!(h.api().list_invitations(&org).await.unwrap().is_empty());

    let id = invited(&h, &alice, &org, "carol@example.com").await;
    let cancel = |cookie: String| {
        let body = json!({"invitationId": id});
        let h = &h;
        async move {
            h.post("/organization/cancel-invitation", body, Some(&cookie))
                .await
        }
    };
    cancel(mallory.clone())
        .await
        .assert_error(StatusCode::BAD_REQUEST, "MEMBER_NOT_FOUND");
    cancel(bob.clone()).await.assert_error(
        StatusCode::FORBIDDEN,
        "YOU_ARE_NOT_ALLOWED_TO_CANCEL_THIS_INVITATION",
    );
    assert_eq!(stored(&h, &id).await.status, "pending");
    let res = cancel(alice.clone()).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_json_snapshot!("invitations__cancel", res.json);
    let res = h
        .post(
            "/organization/cancel-invitation",
            json!({"invitationId": "missing"}),
            Some(&alice),
        )
        .await;
    res.assert_error(StatusCode::BAD_REQUEST, "INVITATION_NOT_FOUND");
}

/// upstream: crud-members.test.ts › inviteMember role validation › should fail when inviting with a non-existent role
#[tokio::test]
async fn unknown_roles_are_refused() {
    let h = Harness::new();
    let (_, alice) = h.user("Alice").await;
    h.organization(&alice, "acme").await;
    let res = invite(
        &h,
        &alice,
        json!({"email": "carol@example.com", "role": ["member", "ghost"]}),
    )
    .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    // Upstream answers this one with a message and no code.
    assert_eq!(res.json, json!({"message": "ROLE_NOT_FOUND: ghost"}));
}

/// upstream: organization.test.ts › organization › should not allow inviting a user twice regardless of email casing
#[tokio::test]
async fn a_pending_invitation_is_not_duplicated() {
    let h = Harness::new();
    let (_, alice) = h.user("Alice").await;
    let (bob_id, _) = h.user("Bob").await;
    let org = h.organization(&alice, "acme").await;
    invited(&h, &alice, &org, "carol@example.com").await;
    let res = invite(
        &h,
        &alice,
        json!({"email": "CAROL@example.com", "role": "member"}),
    )
    .await;
    res.assert_error(
        StatusCode::BAD_REQUEST,
        "USER_IS_ALREADY_INVITED_TO_THIS_ORGANIZATION",
    );
    h.add(&org, &bob_id, "member").await;
    let res = invite(
        &h,
        &alice,
        json!({"email": "bob@example.com", "role": "member"}),
    )
    .await;
    res.assert_error(
        StatusCode::BAD_REQUEST,
        "USER_IS_ALREADY_A_MEMBER_OF_THIS_ORGANIZATION",
    );
    assert_eq!(h.api().list_invitations(&org).await.unwrap().len(), 1);
}

/// upstream: organization.test.ts › resend invitation should reuse existing › should reuse existing invitation when resend is true
#[tokio::test]
async fn resending_renews_the_same_invitation() {
    let (h, clock) = with_clock(OrganizationOptions::default());
    let (_, alice) = h.user("Alice").await;
    let org = h.organization(&alice, "acme").await;
    let id = invited(&h, &alice, &org, "carol@example.com").await;
    clock.advance(Duration::hours(1));
    let res = invite(
        &h,
        &alice,
        json!({"email": "carol@example.com", "role": "member", "resend": true}),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["id"], id.as_str());
    assert_eq!(res.json["expiresAt"], "2026-01-03T01:00:00.000Z");
    assert_eq!(res.json["createdAt"], "2026-01-01T00:00:00.000Z");
    assert_eq!(h.api().list_invitations(&org).await.unwrap().len(), 1);
}

/// upstream: organization.test.ts › cancel pending invitations on re-invite › should cancel pending invitation and create a new one when re-inviting without resend
#[tokio::test]
async fn re_inviting_can_cancel_the_pending_invitation() {
    let h = Harness::with_options(
        OrganizationOptions::default().cancel_pending_invitations_on_re_invite(true),
    );
    let (_, alice) = h.user("Alice").await;
    let org = h.organization(&alice, "acme").await;
    let first = invited(&h, &alice, &org, "carol@example.com").await;
    let second = invited(&h, &alice, &org, "carol@example.com").await;
    assert_ne!(first, second);
    assert_eq!(stored(&h, &first).await.status, "canceled");
    assert_eq!(stored(&h, &second).await.status, "pending");
}

/// upstream: organization.test.ts › invitation limit › should throw error when invitation limit is reached
#[tokio::test]
async fn the_invitation_limit_counts_pending_invitations() {
    let h = Harness::with_options(OrganizationOptions::default().invitation_limit(Limit::Fixed(1)));
    let (_, alice) = h.user("Alice").await;
    let org = h.organization(&alice, "acme").await;
    let first = invited(&h, &alice, &org, "carol@example.com").await;
    let res = invite(
        &h,
        &alice,
        json!({"email": "dave@example.com", "role": "member"}),
    )
    .await;
    res.assert_error(StatusCode::FORBIDDEN, "INVITATION_LIMIT_REACHED");
    assert_eq!(h.api().list_invitations(&org).await.unwrap().len(), 1);
    // A cancelled invitation no longer counts.
    h.post(
        "/organization/cancel-invitation",
        json!({"invitationId": first}),
        Some(&alice),
    )
    .await;
    invited(&h, &alice, &org, "dave@example.com").await;
}

#[tokio::test]
async fn accepting_respects_the_membership_limit() {
    let h = Harness::with_options(OrganizationOptions::default().membership_limit(Limit::Fixed(1)));
    let (_, alice) = h.user("Alice").await;
    let (_, bob) = h.user("Bob").await;
    let org = h.organization(&alice, "acme").await;
    let id = invited(&h, &alice, &org, "bob@example.com").await;
    let res = h
        .post(
            "/organization/accept-invitation",
            json!({"invitationId": id}),
            Some(&bob),
        )
        .await;
    res.assert_error(
        StatusCode::FORBIDDEN,
        "ORGANIZATION_MEMBERSHIP_LIMIT_REACHED",
    );
    assert_eq!(stored(&h, &id).await.status, "pending");
    assert_eq!(h.roles(&org).await.len(), 1);
}

/// upstream: crud-invites.test.ts › organization invitation recipient ownership gates › requires verified email for invitation ID calls when explicitly enabled
#[tokio::test]
async fn verification_can_be_required_for_invitation_ids() {
    let h = Harness::with_options(
        OrganizationOptions::default().require_email_verification_on_invitation(true),
    );
    let (_, alice) = h.user("Alice").await;
    let (bob_id, bob) = h.user("Bob").await;
    let org = h.organization(&alice, "acme").await;
    let id = invited(&h, &alice, &org, "bob@example.com").await;
    for path in [
        "/organization/accept-invitation",
        "/organization/reject-invitation",
    ] {
        let res = h.post(path, json!({"invitationId": id}), Some(&bob)).await;
        res.assert_error(
            StatusCode::FORBIDDEN,
            "EMAIL_VERIFICATION_REQUIRED_BEFORE_ACCEPTING_OR_REJECTING_INVITATION",
        );
    }
    let res = h
        .get(&format!("/organization/get-invitation?id={id}"), Some(&bob))
        .await;
    res.assert_error(
        StatusCode::FORBIDDEN,
        "EMAIL_VERIFICATION_REQUIRED_FOR_INVITATION",
    );
    assert_eq!(stored(&h, &id).await.status, "pending");
    verify_email(&h, &bob_id).await;
    let res = h
        .post(
            "/organization/accept-invitation",
            json!({"invitationId": id}),
            Some(&bob),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
}

/// upstream: crud-invites.test.ts › organization invitation recipient ownership gates › accepts an invitation by ID from an unverified matching session by default
#[tokio::test]
async fn unverified_recipients_accept_by_default() {
    let h = Harness::new();
    let (_, alice) = h.user("Alice").await;
    let (_, bob) = h.user("Bob").await;
    let org = h.organization(&alice, "acme").await;
    let id = invited(&h, &alice, &org, "bob@example.com").await;
    let res = h
        .post(
            "/organization/accept-invitation",
            json!({"invitationId": id}),
            Some(&bob),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["member"]["role"], "member");
}

/// upstream: crud-invites.test.ts › organization invitation recipient ownership gates › rejects listUserInvitations from an unverified session
#[tokio::test]
async fn listing_a_users_invitations_needs_a_verified_session() {
    let h = Harness::new();
    let (_, alice) = h.user("Alice").await;
    let (bob_id, bob) = h.user("Bob").await;
    let org = h.organization(&alice, "acme").await;
    let id = invited(&h, &alice, &org, "bob@example.com").await;
    let other = h.organization(&alice, "globex").await;
    let rejected = invited(&h, &alice, &other, "bob@example.com").await;

    let res = h
        .get("/organization/list-user-invitations", Some(&bob))
        .await;
    res.assert_error(
        StatusCode::FORBIDDEN,
        "EMAIL_VERIFICATION_REQUIRED_FOR_INVITATION",
    );
    let res = h
        .get(
            "/organization/list-user-invitations?email=bob@example.com",
            Some(&bob),
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        res.json,
        json!({"message": "User email cannot be passed for client side API calls."})
    );
    let res = h.get("/organization/list-user-invitations", None).await;
    assert_eq!(
        res.json,
        json!({"message": "Missing session headers, or email query parameter."})
    );

    verify_email(&h, &bob_id).await;
    h.post(
        "/organization/reject-invitation",
        json!({"invitationId": rejected}),
        Some(&bob),
    )
    .await;
    let res = h
        .get("/organization/list-user-invitations", Some(&bob))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_json_snapshot!("invitations__list_user", res.json);
    assert_eq!(res.json.as_array().unwrap().len(), 1);
    assert_eq!(res.json[0]["id"], id.as_str());
    // The server-side API takes an address.
    let listed = h
        .api()
        .list_user_invitations("BOB@example.com")
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].organization_name.as_deref(), Some("ACME"));
}

#[tokio::test]
async fn invitation_reads_need_a_member_or_the_recipient() {
    let h = Harness::new();
    let (_, alice) = h.user("Alice").await;
    let (_, bob) = h.user("Bob").await;
    let org = h.organization(&alice, "acme").await;
    let id = invited(&h, &alice, &org, "bob@example.com").await;
    let res = h
        .get(
            &format!("/organization/list-invitations?organizationId={org}"),
            Some(&bob),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(
        res.json,
        json!({"message": "You are not a member of this organization"})
    );
    let res = h.get("/organization/list-invitations", Some(&bob)).await;
    assert_eq!(res.json, json!({"message": "Organization ID is required"}));
    let res = h.get("/organization/list-invitations", None).await;
    res.assert_error(StatusCode::UNAUTHORIZED, "UNAUTHORIZED");
    let res = h
        .get(&format!("/organization/get-invitation?id={id}"), None)
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(res.json, json!({"message": "Not authenticated"}));
    let res = h.get("/organization/get-invitation", Some(&bob)).await;
    res.assert_error(StatusCode::BAD_REQUEST, "VALIDATION_ERROR");
    assert_eq!(
        res.json["message"],
        "[query.id] Invalid input: expected string, received undefined"
    );
}

#[tokio::test]
async fn bad_invitation_bodies() {
    let h = Harness::new();
    let (_, alice) = h.user("Alice").await;
    let (_, bob) = h.user("Bob").await;
    h.organization(&alice, "acme").await;
    let cases = [
        (
            json!({"email": "x@example.com"}),
            "[body.role] Invalid input",
        ),
        (
            json!({"role": "member", "teamId": 5}),
            "[body.email] Invalid input: expected string, received undefined; [body.teamId] Invalid input",
        ),
        (
            json!({"email": "x@example.com", "role": "member", "resend": "yes"}),
            "[body.resend] Invalid input: expected boolean, received string",
        ),
    ];
    for (body, message) in cases {
        let res = invite(&h, &alice, body).await;
        res.assert_error(StatusCode::BAD_REQUEST, "VALIDATION_ERROR");
        assert_eq!(res.json["message"], message);
    }
    let res = invite(
        &h,
        &alice,
        json!({"email": "not-an-email", "role": "member"}),
    )
    .await;
    res.assert_error(StatusCode::BAD_REQUEST, "INVALID_EMAIL");
    let res = h
        .post(
            "/organization/invite-member",
            json!({"email": "x@example.com", "role": "member"}),
            None,
        )
        .await;
    res.assert_error(StatusCode::UNAUTHORIZED, "UNAUTHORIZED");
    let res = invite(
        &h,
        &bob,
        json!({"email": "x@example.com", "role": "member"}),
    )
    .await;
    res.assert_error(StatusCode::BAD_REQUEST, "ORGANIZATION_NOT_FOUND");
    let res = h
        .post("/organization/accept-invitation", json!({}), Some(&bob))
        .await;
    res.assert_error(StatusCode::BAD_REQUEST, "VALIDATION_ERROR");
    assert_eq!(
        res.json["message"],
        "[body.invitationId] Invalid input: expected string, received undefined"
    );
    let res = h
        .post(
            "/organization/accept-invitation",
            json!({"invitationId": "x"}),
            None,
        )
        .await;
    res.assert_error(StatusCode::UNAUTHORIZED, "UNAUTHORIZED");
}

type Log = Arc<Mutex<Vec<String>>>;

fn hooks(log: &Log) -> OrganizationHooks {
    let mut hooks = OrganizationHooks::default();
    let entry = |name: &'static str| {
        let log = Arc::clone(log);
        move |detail: String| log.lock().unwrap().push(format!("{name} {detail}"))
    };
    let note = entry("beforeCreateInvitation");
    hooks.before_create_invitation = Some(Arc::new(move |input| {
        note(
            input.invitation["email"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        );
        // Hooks may replace the offered role, as upstream's `return { data }`.
        Box::pin(async move {
            let mut data = serde_json::Map::new();
            data.insert("role".to_owned(), json!("admin"));
            Ok(Some(data))
        })
    }));
    let note = entry("afterCreateInvitation");
    hooks.after_create_invitation = Some(Arc::new(move |input| {
        note(input.invitation.role.clone().unwrap_or_default());
        Box::pin(async { Ok(()) })
    }));
    let note = entry("beforeAcceptInvitation");
    hooks.before_accept_invitation = Some(Arc::new(move |input| {
        note(input.invitation.status.clone());
        Box::pin(async { Ok(()) })
    }));
    let note = entry("afterAcceptInvitation");
    hooks.after_accept_invitation = Some(Arc::new(move |input| {
        note(format!("{} {}", input.invitation.status, input.member.role));
        Box::pin(async { Ok(()) })
    }));
    let note = entry("beforeRejectInvitation");
    hooks.before_reject_invitation = Some(Arc::new(move |input| {
        note(input.user.email.clone());
        Box::pin(async { Ok(()) })
    }));
    let note = entry("afterRejectInvitation");
    hooks.after_reject_invitation = Some(Arc::new(move |input| {
        note(input.invitation.status.clone());
        Box::pin(async { Ok(()) })
    }));
    let note = entry("beforeCancelInvitation");
    hooks.before_cancel_invitation = Some(Arc::new(move |input| {
        note(input.cancelled_by.email.clone());
        // Refuse cancelling Dave's invitation, to show a before-hook aborts.
        let refuse = input.invitation.email == "dave@example.com";
        Box::pin(async move {
            if refuse {
                return Err(ApiError::message_only(StatusCode::FORBIDDEN, "not Dave's"));
            }
            Ok(())
        })
    }));
    let note = entry("afterCancelInvitation");
    hooks.after_cancel_invitation = Some(Arc::new(move |input| {
        note(input.invitation.status.clone());
        Box::pin(async { Ok(()) })
    }));
    hooks
}

/// upstream: organization.test.ts › organization hooks › should call invitation hooks
#[tokio::test]
async fn invitation_hooks_and_the_invitation_email() {
    let log: Log = Arc::default();
    let sent: Log = Arc::default();
    let mailbox = Arc::clone(&sent);
    let options = OrganizationOptions::default()
        .organization_hooks(hooks(&log))
        .send_invitation_email(Arc::new(move |email| {
            mailbox.lock().unwrap().push(format!(
                "{} {} {} {} by {}",
                email.email,
                email.role,
                email.organization.slug,
                email.id,
                email.inviter_user.email
            ));
            Box::pin(async { Ok(()) })
        }));
    let h = Harness::with_options(options);
    let (_, alice) = h.user("Alice").await;
    let (_, bob) = h.user("Bob").await;
    let (_, carol) = h.user("Carol").await;
    let org = h.organization(&alice, "acme").await;
    let bobs = invited(&h, &alice, &org, "Bob@example.com").await;
    let carols = invited(&h, &alice, &org, "carol@example.com").await;
    let daves = invited(&h, &alice, &org, "dave@example.com").await;
    let erins = invited(&h, &alice, &org, "erin@example.com").await;
    assert_eq!(stored(&h, &bobs).await.role.as_deref(), Some("admin"));
    let res = h
        .post(
            "/organization/accept-invitation",
            json!({"invitationId": bobs}),
            Some(&bob),
        )
        .await;
    assert_eq!(res.json["member"]["role"], "admin");
    h.post(
        "/organization/reject-invitation",
        json!({"invitationId": carols}),
        Some(&carol),
    )
    .await;
    let refused = h
        .post(
            "/organization/cancel-invitation",
            json!({"invitationId": daves}),
            Some(&alice),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(stored(&h, &daves).await.status, "pending");
    h.post(
        "/organization/cancel-invitation",
        json!({"invitationId": erins}),
        Some(&alice),
    )
    .await;
    assert_json_snapshot!("invitations__hooks", *log.lock().unwrap());
    assert_json_snapshot!("invitations__emails", *sent.lock().unwrap());
}

async fn teams_harness() -> (Harness, String, String, String, String, String) {
    let h = Harness::with_options(OrganizationOptions::default().teams(TeamOptions::enabled()));
    let (_, alice) = h.user("Alice").await;
    let (_, bob) = h.user("Bob").await;
    let org = h.organization(&alice, "acme").await;
    let other = h.organization(&alice, "globex").await;
    let team = |org: String| {
        let h = &h;
        async move {
            let teams: Vec<Team> = h
                .auth
                .store()
                .find_many(&Where::eq("organizationId", org.as_str()), &[], None, None)
                .await
                .unwrap();
            teams[0].id.clone()
        }
    };
    let acme_team = team(org.clone()).await;
    let globex_team = team(other).await;
    (h, alice, bob, org, acme_team, globex_team)
}

/// upstream: team.test.ts › invitation team ids are scoped to the invited organization › rejects createInvitation when the team belongs to another organization
#[tokio::test]
async fn invited_teams_must_belong_to_the_organization() {
    let (h, alice, _, org, _, globex_team) = teams_harness().await;
    let body = |team: Value| json!({"organizationId": org, "email": "bob@example.com", "role": "member", "teamId": team});
    let res = invite(&h, &alice, body(json!(globex_team))).await;
    res.assert_error(StatusCode::BAD_REQUEST, "TEAM_NOT_FOUND");
    let res = invite(&h, &alice, body(json!(["a,b"]))).await;
    res.assert_error(StatusCode::BAD_REQUEST, "INVALID_TEAM_ID");
    assert!(h.api().list_invitations(&org).await.unwrap().is_empty());
}

/// upstream: team.test.ts › team › should invite member to team
#[tokio::test]
async fn accepting_a_team_invitation_joins_the_team() {
    let (h, alice, bob, org, team, _) = teams_harness().await;
    let res = invite(
        &h,
        &alice,
        json!({"organizationId": org, "email": "bob@example.com", "role": "member", "teamId": team}),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_json_snapshot!("invitations__invite_team", res.json);
    let plain = invite(
        &h,
        &alice,
        json!({"organizationId": org, "email": "carol@example.com", "role": "member"}),
    )
    .await;
    assert_eq!(plain.json["teamId"], Value::Null);
    let res = h
        .post(
            "/organization/accept-invitation",
            json!({"invitationId": res.json["id"]}),
            Some(&bob),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert!(
        res.cookies
            .iter()
            .any(|c| c.starts_with("better-auth.session_token=")),
        "{:?}",
        res.cookies
    );
    let session = h.get("/get-session", Some(&bob)).await;
    assert_eq!(session.json["session"]["activeTeamId"], team.as_str());
    assert_eq!(
        session.json["session"]["activeOrganizationId"],
        org.as_str()
    );
    let members: Vec<bulwark_organization::models::TeamMember> = h
        .auth
        .store()
        .find_many(&Where::eq("teamId", team.as_str()), &[], None, None)
        .await
        .unwrap();
    assert_eq!(members.len(), 2);
}

/// Two accepts of one invitation at once: exactly one membership, the other answer is upstream's
/// `INVITATION_NOT_FOUND`.
pub(crate) async fn concurrent_accepts(h: &Harness) {
    let (_, alice) = h.user("Alice").await;
    let org = h.organization(&alice, "acme").await;
    for round in 0..4 {
        let name = format!("User{round}");
        let (user_id, _) = h.user(&name).await;
        let email = format!("user{round}@example.com");
        let id = invited(h, &alice, &org, &email).await;
        let user = h.api().find_user(&user_id).await.unwrap().unwrap();
        let attempts: Vec<_> = (0..2)
            .map(|_| {
                let api = h.api();
                let user = user.clone();
                let id = id.clone();
                tokio::spawn(async move { api.accept_invitation(&user, &id, None).await })
            })
            .collect();
        let mut accepted = 0;
        for attempt in attempts {
            match attempt.await.unwrap() {
                Ok(_) => accepted += 1,
                Err(err) => assert_eq!(
                    err.code().map(bulwark_core::ErrorCode::as_str),
                    Some("INVITATION_NOT_FOUND"),
                    "{err}"
                ),
            }
        }
        assert_eq!(accepted, 1, "round {round}");
        let memberships = h.roles(&org).await;
        assert_eq!(memberships.iter().filter(|(u, _)| *u == user_id).count(), 1);
        assert_eq!(stored(h, &id).await.status, "accepted");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_accepts_on_memory() {
    concurrent_accepts(&Harness::new()).await;
}

/// [`concurrent_accepts`] on a real database (skipped locally when its URL is unset).
pub(crate) async fn concurrent_accepts_on(backend: Backend) {
    let schema = Harness::new().auth.schema().clone();
    let Some(db) = TestDb::new(backend, &schema).await else {
        return;
    };
    let h = Harness::build(OrganizationOptions::default(), db.adapter(), |b| b);
    concurrent_accepts(&h).await;
    drop(h);
    db.cleanup().await;
}

/// upstream: team.test.ts › accept-invitation validates team capacity before adding the member › rejects with TEAM_MEMBER_LIMIT_REACHED and creates no membership row when the team fills between invite and accept
#[expect(
    clippy::doc_markdown,
    reason = "the upstream test title is quoted verbatim"
)]
#[tokio::test]
async fn a_team_filled_after_the_invitation_refuses_the_accept() {
    let teams = TeamOptions::enabled().maximum_members_per_team(Limit::Fixed(2));
    let h = Harness::with_options(OrganizationOptions::default().teams(teams));
    let (_, alice) = h.user("Alice").await;
    let (bob_id, bob) = h.user("Bob").await;
    let (_, carol) = h.user("Carol").await;
    let org = h.organization(&alice, "acme").await;
    let teams: Vec<Team> = h
        .auth
        .store()
        .find_many(&Where::eq("organizationId", org.as_str()), &[], None, None)
        .await
        .unwrap();
    let team = teams[0].id.clone();
    let mut ids = Vec::new();
    for email in ["bob@example.com", "carol@example.com"] {
        let res = invite(
            &h,
            &alice,
            json!({"email": email, "role": "member", "teamId": team}),
        )
        .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.json);
        ids.push(res.json["id"].as_str().unwrap().to_owned());
    }
    let accept = |id: String, cookie: String| {
        let h = &h;
        async move {
            h.post(
                "/organization/accept-invitation",
                json!({"invitationId": id}),
                Some(&cookie),
            )
            .await
        }
    };
    assert_eq!(accept(ids[1].clone(), carol).await.status, StatusCode::OK);
    let res = accept(ids[0].clone(), bob).await;
    res.assert_error(StatusCode::FORBIDDEN, "TEAM_MEMBER_LIMIT_REACHED");
    assert_eq!(stored(&h, &ids[0]).await.status, "pending");
    assert!(!h.roles(&org).await.iter().any(|(u, _)| *u == bob_id));
    let members: Vec<bulwark_organization::models::TeamMember> = h
        .auth
        .store()
        .find_many(&Where::eq("teamId", team.as_str()), &[], None, None)
        .await
        .unwrap();
    assert_eq!(members.len(), 2);
    assert!(!members.iter().any(|m| m.user_id == bob_id));
}
