//! Ports of upstream's `team.test.ts`: the active team checked against a session organization changed
//! behind its back, team ids carrying the `,` separator, invitations naming another organization's team,
//! concurrent acceptances at the team capacity, the guarded status updates acceptance relies on, and a
//! sessionless add under a team limit callback.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use bulwark_core::adapter::memory::MemoryAdapter;
use bulwark_core::adapter::{Row, Where};
use bulwark_core::models::Session;
use bulwark_core::{Environment, IdGenerator};
use bulwark_organization::OrganizationOptions;
use bulwark_organization::api::NewMember;
use bulwark_organization::models::{Invitation, Team, TeamMember};
use bulwark_organization::options::{Limit, TeamMemberLimitInput, TeamOptions};
use bulwark_test_support::SequentialIds;
use http::StatusCode;
use serde_json::{Value, json};
use time::macros::datetime;

use crate::Harness;
use crate::harness::Response;
use crate::ported_fixtures::{insert_row, session_token, sign_up, verified, verify_new_users};

fn teams(options: TeamOptions) -> OrganizationOptions {
    OrganizationOptions::default().teams(options)
}

async fn create_team(h: &Harness, cookie: &str, org: &str, name: &str) -> String {
    let res = h
        .post(
            "/organization/create-team",
            json!({"name": name, "organizationId": org}),
            Some(cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    res.json["id"].as_str().unwrap().to_owned()
}

async fn invite(h: &Harness, cookie: &str, body: Value) -> Response {
    h.post("/organization/invite-member", body, Some(cookie))
        .await
}

/// Invites `email` to `team` of `org` as `cookie`, signs the invitee up, and returns the invitation id,
/// the invitee's id and session cookie (upstream's `inviteAndSignUp`).
async fn invite_and_sign_up(
    h: &Harness,
    cookie: &str,
    org: &str,
    team: &str,
    email: &str,
) -> (String, String, String) {
    let res = invite(
        h,
        cookie,
        json!({"organizationId": org, "email": email, "role": "member", "teamId": team}),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    let (user_id, invitee) = sign_up(h, email, email).await;
    (
        res.json["id"].as_str().unwrap().to_owned(),
        user_id,
        invitee,
    )
}

/// A team membership written straight to the database, past the seat counter (upstream's
/// `seedTeamMember`).
async fn seed_team_member(h: &Harness, team: &str, name: &str) {
    let (user_id, _) = sign_up(h, &format!("{name}@email.com"), name).await;
    let row = Row::new()
        .with("id", format!("seeded-{name}"))
        .with("teamId", team)
        .with("userId", user_id)
        .with("createdAt", datetime!(2026-01-01 00:00:00 UTC));
    insert_row(h, "teamMember", row).await;
}

async fn team_members(h: &Harness, team: &str) -> Vec<TeamMember> {
    h.auth
        .store()
        .find_many(&Where::eq("teamId", team), &[], None, None)
        .await
        .unwrap()
}

/// Accepts each `(invitation, cookie)` at the same time, each request on its own task, and returns the
/// answers in order.
async fn accept_concurrently(h: &Harness, attempts: &[(&str, &str)]) -> Vec<Response> {
    let tasks: Vec<_> = attempts
        .iter()
        .map(|(invitation, cookie)| {
            let h = Harness {
                auth: h.auth.clone(),
            };
            let body = json!({"invitationId": invitation});
            let cookie = (*cookie).to_owned();
            tokio::spawn(async move {
                h.post("/organization/accept-invitation", body, Some(&cookie))
                    .await
            })
        })
        .collect();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.unwrap());
    }
    answers
}

// setActiveTeam org scoping

// upstream: team.test.ts › setActiveTeam org scoping › should reject refreshing the current active team when the session org changes externally
#[tokio::test]
async fn refreshing_the_active_team_checks_the_sessions_current_organization() {
    let h = verified(teams(TeamOptions::enabled()));
    let (user_id, cookie) = h.user("Scoped").await;
    let active_org = h.organization(&cookie, "scoped-org-one").await;
    let scoped = create_team(&h, &cookie, &active_org, "Scoped Team One").await;
    let res = h
        .post(
            "/organization/create",
            json!({"name": "Scoped Org Two", "slug": "scoped-org-two", "keepCurrentActiveOrganization": true}),
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    let other_org = res.json["id"].as_str().unwrap().to_owned();
    let other_team = create_team(&h, &cookie, &other_org, "Scoped Team Two").await;
    for (org, team) in [(&active_org, &scoped), (&other_org, &other_team)] {
        let res = h
            .post(
                "/organization/add-team-member",
                json!({"userId": user_id, "teamId": team, "organizationId": org}),
                Some(&cookie),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    }
    let res = h
        .post(
            "/organization/set-active-team",
            json!({"teamId": scoped}),
            Some(&cookie),
        )
        .await;
    assert_eq!(res.json["id"], scoped.as_str(), "{}", res.json);

    // The session's organization changes behind the endpoint's back.
    let token = session_token(&h, &cookie).await;
    h.auth
        .store()
        .update::<Session>(
            &Where::eq("token", token.as_str()),
            Row::new().with("activeOrganizationId", other_org.as_str()),
        )
        .await
        .unwrap()
        .unwrap();

    let res = h
        .post("/organization/set-active-team", json!({}), Some(&cookie))
        .await;
    res.assert_error(StatusCode::BAD_REQUEST, "TEAM_NOT_FOUND");
    assert_eq!(res.json["message"], "Team not found");
    let session = h.get("/get-session", Some(&cookie)).await.json;
    assert_eq!(
        session["session"]["activeOrganizationId"],
        other_org.as_str()
    );
    assert_eq!(session["session"]["activeTeamId"], scoped.as_str());
}

// invitation with team id containing comma

/// Sequential ids, except that the id after [`CommaTeamIds::arm`] carries `,` (upstream's
/// `advanced.database.generateId` giving teams `team,id,<uuid>`).
#[derive(Debug, Default)]
struct CommaTeamIds {
    ids: SequentialIds,
    armed: AtomicBool,
}

impl CommaTeamIds {
    fn arm(&self) {
        self.armed.store(true, Ordering::SeqCst);
    }
}

impl IdGenerator for CommaTeamIds {
    fn id(&self) -> String {
        let id = self.ids.id();
        if self.armed.swap(false, Ordering::SeqCst) {
            format!("team,id,{id}")
        } else {
            id
        }
    }

    fn fill(&self, buf: &mut [u8]) {
        self.ids.fill(buf);
    }
}

// upstream: team.test.ts › invitation with team id containing comma › seeds a team whose generated id contains the storage separator
// upstream: team.test.ts › invitation with team id containing comma › rejects createInvitation with $name
#[tokio::test]
async fn a_team_id_containing_the_separator_cannot_be_invited_to() {
    let ids = Arc::new(CommaTeamIds::default());
    let env = Environment {
        clock: Arc::new(bulwark_test_support::FakeClock::at(datetime!(
            2026-01-01 00:00:00 UTC
        ))),
        ids: Arc::clone(&ids) as _,
    };
    let h = Harness::build(
        teams(TeamOptions::enabled()),
        Arc::new(MemoryAdapter::new()),
        move |b| verify_new_users(b.environment(env)),
    );
    let (_, admin) = h.user("Admin").await;
    let org = h.organization(&admin, "comma-org").await;
    ids.arm();
    let team = create_team(&h, &admin, &org, "Comma Team").await;
    assert!(team.contains(','), "{team}");

    // `rejects createInvitation with $name`, for a string body and an array body.
    for team_id in [json!(team), json!([team])] {
        let res = invite(
            &h,
            &admin,
            json!({"email": "comma-invitee@email.com", "role": "member", "organizationId": org, "teamId": team_id}),
        )
        .await;
        res.assert_error(StatusCode::BAD_REQUEST, "INVALID_TEAM_ID");
    }
    assert!(h.api().list_invitations(&org).await.unwrap().is_empty());
}

// invitation team ids are scoped to the invited organization

// upstream: team.test.ts › invitation team ids are scoped to the invited organization › does not add the member to another organization's team when accepting an invitation that stored one
#[tokio::test]
async fn a_stored_invitation_naming_another_organizations_team_is_refused() {
    let h = verified(teams(TeamOptions::enabled()));
    let (owner_a_id, owner_a) = h.user("Owner").await;
    let org_a = h.organization(&owner_a, "org-a").await;
    let (_, owner_b) = sign_up(&h, "org-b-owner@email.com", "Org B Owner").await;
    let org_b = h.organization(&owner_b, "org-b").await;
    let team_b = create_team(&h, &owner_b, &org_b, "Org B Team").await;

    // An older invitation of org A naming org B's team, written before team scoping was enforced.
    let row = Row::new()
        .with("id", "team-scope-invitation")
        .with("email", "team-scope-invitee@email.com")
        .with("role", "member")
        .with("organizationId", org_a.as_str())
        .with("teamId", team_b.as_str())
        .with("status", "pending")
        .with("inviterId", owner_a_id)
        .with("expiresAt", datetime!(2026-01-01 01:00:00 UTC))
        .with("createdAt", datetime!(2026-01-01 00:00:00 UTC));
    insert_row(&h, "invitation", row).await;

    let (invitee_id, invitee) = sign_up(&h, "team-scope-invitee@email.com", "Invitee").await;
    h.post(
        "/organization/accept-invitation",
        json!({"invitationId": "team-scope-invitation"}),
        Some(&invitee),
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "TEAM_NOT_FOUND");
    assert!(
        !team_members(&h, &team_b)
            .await
            .iter()
            .any(|m| m.user_id == invitee_id)
    );
    assert!(!h.roles(&org_a).await.iter().any(|(u, _)| *u == invitee_id));
}

// accept-invitation validates team capacity before adding the member

/// Upstream's capacity suite: teams limited to two members, and an organization owned by the returned
/// session.
async fn capacity() -> (Harness, String, String) {
    let h = verified(teams(
        TeamOptions::enabled().maximum_members_per_team(Limit::Fixed(2)),
    ));
    let (_, owner) = h.user("Owner").await;
    let org = h.organization(&owner, "capacity-org").await;
    (h, owner, org)
}

// upstream: team.test.ts › accept-invitation validates team capacity before adding the member › accepts only once when the same invitation is accepted concurrently
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_invitation_accepted_twice_at_once_makes_one_membership() {
    let (h, owner, org) = capacity().await;
    let team = create_team(&h, &owner, &org, "Concurrent Team").await;
    let (invitation, user_id, invitee) =
        invite_and_sign_up(&h, &owner, &org, &team, "concurrent-accept@email.com").await;

    let answers =
        accept_concurrently(&h, &[(&invitation, &invitee), (&invitation, &invitee)]).await;
    let accepted = answers
        .iter()
        .filter(|r| r.status == StatusCode::OK)
        .count();
    assert_eq!(
        accepted,
        1,
        "{:?}",
        answers.iter().map(|r| &r.json).collect::<Vec<_>>()
    );
    for refused in answers.iter().filter(|r| r.status != StatusCode::OK) {
        refused.assert_error(StatusCode::BAD_REQUEST, "INVITATION_NOT_FOUND");
    }
    let memberships = h.roles(&org).await;
    assert_eq!(memberships.iter().filter(|(u, _)| *u == user_id).count(), 1);
    let in_team = team_members(&h, &team).await;
    assert_eq!(in_team.iter().filter(|m| m.user_id == user_id).count(), 1);
}

// upstream: team.test.ts › accept-invitation validates team capacity before adding the member › accepts only one of two concurrent invitations competing for the final team slot
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_invitations_for_the_last_seat_admit_one() {
    let (h, owner, org) = capacity().await;
    let team = create_team(&h, &owner, &org, "Final Slot Team").await;
    seed_team_member(&h, &team, "seed").await;
    let (first, first_user, first_cookie) =
        invite_and_sign_up(&h, &owner, &org, &team, "final-slot-one@email.com").await;
    let (second, second_user, second_cookie) =
        invite_and_sign_up(&h, &owner, &org, &team, "final-slot-two@email.com").await;

    let answers =
        accept_concurrently(&h, &[(&first, &first_cookie), (&second, &second_cookie)]).await;
    let accepted = answers
        .iter()
        .filter(|r| r.status == StatusCode::OK)
        .count();
    assert_eq!(
        accepted,
        1,
        "{:?}",
        answers.iter().map(|r| &r.json).collect::<Vec<_>>()
    );
    for refused in answers.iter().filter(|r| r.status != StatusCode::OK) {
        refused.assert_error(StatusCode::FORBIDDEN, "TEAM_MEMBER_LIMIT_REACHED");
    }

    let members = team_members(&h, &team).await;
    assert_eq!(members.len(), 2);
    let invitees = members
        .iter()
        .filter(|m| m.user_id == first_user || m.user_id == second_user)
        .count();
    assert_eq!(invitees, 1);
    let team: Team = h
        .auth
        .store()
        .find_one(&Where::eq("id", team.as_str()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(team.member_count, Some(2));
}

// upstream: team.test.ts › accept-invitation validates team capacity before adding the member › does not reopen an invitation when a stale rollback loses its status guard
#[tokio::test]
async fn a_stale_rollback_does_not_reopen_an_answered_invitation() {
    let (h, owner, org) = capacity().await;
    let team = create_team(&h, &owner, &org, "Rollback Guard Team").await;
    let (invitation, _, _) =
        invite_and_sign_up(&h, &owner, &org, &team, "rollback-guard@email.com").await;
    let guarded = |from: &'static str, to: &'static str| {
        let h = &h;
        let invitation = invitation.clone();
        async move {
            h.auth
                .store()
                .update::<Invitation>(
                    &Where::eq("id", invitation.as_str()).and(Where::eq("status", from)),
                    Row::new().with("status", to),
                )
                .await
                .unwrap()
        }
    };
    assert_eq!(
        guarded("pending", "accepted").await.unwrap().status,
        "accepted"
    );
    assert_eq!(
        guarded("accepted", "rejected").await.unwrap().status,
        "rejected"
    );
    // The claim's rollback comes too late: its guard no longer matches, so nothing changes.
    assert!(guarded("accepted", "pending").await.is_none());
    let stored = h.api().find_invitation(&invitation).await.unwrap().unwrap();
    assert_eq!(stored.status, "rejected");
}

// addMember fails closed when a function team cap needs a session (v1.6.30)

/// Upstream refuses a sessionless `addMember` under a callback team limit because its callback needs a
/// session; Bulwark's callback takes `session: Option<..>`, so `OrganizationApi::add_member` evaluates it
/// with `None` and enforces the answer. The limit is never skipped.
#[tokio::test]
async fn a_sessionless_add_evaluates_a_team_limit_callback_without_a_session() {
    let calls = Arc::new(AtomicUsize::new(0));
    let sessions = Arc::new(Mutex::new(Vec::new()));
    let (c, s) = (Arc::clone(&calls), Arc::clone(&sessions));
    let limit = Limit::Dynamic(Arc::new(move |input: TeamMemberLimitInput| {
        c.fetch_add(1, Ordering::SeqCst);
        s.lock().unwrap().push(input.session.is_some());
        Box::pin(async { Ok(1) })
    }));
    let h = verified(teams(
        TeamOptions::enabled().maximum_members_per_team(limit),
    ));
    let (_, owner) = h.user("Owner").await;
    let org = h.organization(&owner, "fn-cap-org").await;
    let team = create_team(&h, &owner, &org, "Fn Cap Team").await;
    let (first, _) = h.user("Target").await;
    let (second, _) = h.user("Other").await;
    calls.store(0, Ordering::SeqCst);
    sessions.lock().unwrap().clear();

    h.api()
        .add_member(NewMember::new(&org, &first, &["member"]).team(&team))
        .await
        .unwrap();
    let err = h
        .api()
        .add_member(NewMember::new(&org, &second, &["member"]).team(&team))
        .await
        .unwrap_err();
    assert_eq!(
        err.code().map(bulwark_core::ErrorCode::as_str),
        Some("TEAM_MEMBER_LIMIT_REACHED")
    );
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert_eq!(*sessions.lock().unwrap(), [false, false]);
    assert!(!h.roles(&org).await.iter().any(|(u, _)| *u == second));
}
