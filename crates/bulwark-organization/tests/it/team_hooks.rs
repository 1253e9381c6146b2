//! Team hooks (`organizationHooks` for teams and team members) through the endpoints and the default
//! team, and `add_member` with a team under `maximumMembersPerTeam` (on memory, `SQLite`, `PostgreSQL`
//! and `MySQL`).

use std::sync::{Arc, Mutex};

use bulwark_core::adapter::memory::MemoryAdapter;
use bulwark_core::models::User;
use bulwark_core::{Adapter, ApiError};
use bulwark_organization::OrganizationOptions;
use bulwark_organization::api::{NewMember, NewTeam};
use bulwark_organization::models::TeamMember;
use bulwark_organization::options::{
    AddTeamMember, BeforeHook, CreateTeam, DataHook, Limit, OrganizationHooks, TeamChange,
    TeamCreated, TeamMemberAdded, TeamMemberChange, TeamOptions, TeamUpdated, UpdateTeam,
};
use bulwark_test_support::{Backend, TestDb};
use http::StatusCode;
use serde_json::{Map, Value, json};

use crate::Harness;

type Log = Arc<Mutex<Vec<String>>>;

fn harness(teams: TeamOptions, hooks: OrganizationHooks) -> Harness {
    Harness::with_options(
        OrganizationOptions::default()
            .teams(teams)
            .organization_hooks(hooks),
    )
}

fn rejected() -> ApiError {
    ApiError::message_only(StatusCode::FORBIDDEN, "rejected by a hook")
}

/// A before- or after-hook that logs `describe(input)` and refuses when `refuse`.
fn observer<I: 'static>(
    log: &Log,
    refuse: bool,
    describe: impl Fn(&I) -> String + Send + Sync + 'static,
) -> BeforeHook<I> {
    let log = Arc::clone(log);
    Arc::new(move |input| {
        log.lock().unwrap().push(describe(&input));
        Box::pin(async move { if refuse { Err(rejected()) } else { Ok(()) } })
    })
}

/// A data hook that logs `describe(input)`, keeps the data, and refuses when `refuse`.
fn data_observer<I: 'static>(
    log: &Log,
    refuse: bool,
    describe: impl Fn(&I) -> String + Send + Sync + 'static,
) -> DataHook<I> {
    let log = Arc::clone(log);
    Arc::new(move |input| {
        log.lock().unwrap().push(describe(&input));
        Box::pin(async move { if refuse { Err(rejected()) } else { Ok(None) } })
    })
}

fn user_name(user: Option<&User>) -> &str {
    user.map_or("", |u| u.name.as_str())
}

/// Every team hook, recording its name and what it saw; `reject` names a before-hook that refuses.
fn recording_hooks(log: &Log, reject: Option<&'static str>) -> OrganizationHooks {
    let fail = |name: &str| reject == Some(name);
    let mut hooks = OrganizationHooks::default();
    hooks.before_create_team = Some(data_observer(
        log,
        fail("before_create_team"),
        |i: &CreateTeam| {
            let user = user_name(i.user.as_ref());
            format!("before_create_team {} {user}", i.team["name"])
        },
    ));
    hooks.after_create_team = Some(observer(log, false, |i: &TeamCreated| {
        let user = user_name(i.user.as_ref());
        format!("after_create_team {} {user}", i.team.name)
    }));
    hooks.before_update_team = Some(data_observer(
        log,
        fail("before_update_team"),
        |i: &UpdateTeam| {
            let updates = Value::Object(i.updates.clone());
            format!("before_update_team {} {updates}", i.team.name)
        },
    ));
    hooks.after_update_team = Some(observer(log, false, |i: &TeamUpdated| {
        let name = i.team.as_ref().map_or("", |t| t.name.as_str());
        format!("after_update_team {name}")
    }));
    hooks.before_delete_team = Some(observer(
        log,
        fail("before_delete_team"),
        |i: &TeamChange| format!("before_delete_team {}", i.team.name),
    ));
    hooks.after_delete_team = Some(observer(log, false, |i: &TeamChange| {
        format!("after_delete_team {}", i.team.name)
    }));
    hooks.before_add_team_member = Some(observer(
        log,
        fail("before_add_team_member"),
        |i: &AddTeamMember| {
            let keyed = i.team_member["userId"] == i.user.id.as_str()
                && i.team_member["teamId"] == i.team.id.as_str();
            format!(
                "before_add_team_member {} {} {keyed}",
                i.team.name, i.user.name
            )
        },
    ));
    hooks.after_add_team_member = Some(observer(log, false, |i: &TeamMemberAdded| {
        let same = i.team_member.user_id == i.user.id;
        format!(
            "after_add_team_member {} {} {same}",
            i.team.name, i.user.name
        )
    }));
    hooks.before_remove_team_member = Some(observer(
        log,
        fail("before_remove_team_member"),
        |i: &TeamMemberChange| format!("before_remove_team_member {} {}", i.team.name, i.user.name),
    ));
    hooks.after_remove_team_member = Some(observer(log, false, |i: &TeamMemberChange| {
        format!("after_remove_team_member {} {}", i.team.name, i.user.name)
    }));
    hooks
}

/// An organization `acme` owned by Alice, with Bob as a member, and the hooks' log emptied.
struct Setup {
    h: Harness,
    log: Log,
    org: String,
    alice: String,
    bob: String,
}

impl Setup {
    async fn new(reject: Option<&'static str>) -> Self {
        Self::with(TeamOptions::enabled(), reject).await
    }

    async fn with(teams: TeamOptions, reject: Option<&'static str>) -> Self {
        let log: Log = Arc::default();
        let h = harness(teams, recording_hooks(&log, reject));
        let (_, alice) = h.user("Alice").await;
        let (bob, _) = h.user("Bob").await;
        let org = h.organization(&alice, "acme").await;
        h.add(&org, &bob, "member").await;
        log.lock().unwrap().clear();
        Self {
            h,
            log,
            org,
            alice,
            bob,
        }
    }

    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.log.lock().unwrap())
    }

    async fn create_team(&self, name: &str) -> String {
        let res = self
            .h
            .post(
                "/organization/create-team",
                json!({"name": name, "organizationId": self.org}),
                Some(&self.alice),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.json);
        res.json["id"].as_str().unwrap().to_owned()
    }

    async fn team_names(&self) -> Vec<String> {
        let teams = self.h.api().list_teams(&self.org).await.unwrap();
        teams.into_iter().map(|t| t.name).collect()
    }

    async fn team_user_ids(&self, team: &str) -> Vec<String> {
        let members = self.h.api().list_team_members(team).await.unwrap();
        members.into_iter().map(|m| m.user_id).collect()
    }
}

/// upstream: crud-org.test.ts › organization hooks › should apply beforeCreateTeam hook
#[tokio::test]
async fn upstream_before_create_team_changes_the_default_team() {
    let called = Arc::new(Mutex::new(0));
    let mut hooks = OrganizationHooks::default();
    let count = Arc::clone(&called);
    hooks.before_create_team = Some(Arc::new(move |_| {
        *count.lock().unwrap() += 1;
        let mut data = Map::new();
        data.insert("name".to_owned(), json!("changed-name"));
        Box::pin(async move { Ok(Some(data)) })
    }));
    let h = harness(TeamOptions::enabled(), hooks);
    let (_, cookie) = h.user("Owner").await;
    let org = h.organization(&cookie, "test").await;
    assert_eq!(*called.lock().unwrap(), 1);
    let teams = h
        .get(
            &format!("/organization/list-teams?organizationId={org}"),
            Some(&cookie),
        )
        .await;
    assert_eq!(teams.json[0]["name"], "changed-name", "{}", teams.json);
}

/// upstream: crud-org.test.ts › organization hooks › should apply afterCreateTeam hook
#[tokio::test]
async fn upstream_after_create_team_runs_for_the_default_team() {
    let log: Log = Arc::default();
    let h = harness(TeamOptions::enabled(), recording_hooks(&log, None));
    let (_, cookie) = h.user("Owner").await;
    h.organization(&cookie, "test").await;
    assert_eq!(
        *log.lock().unwrap(),
        [
            "before_create_team \"TEST\" Owner",
            "after_create_team TEST Owner"
        ]
    );
}

/// upstream: crud-org.test.ts › organization hooks › should allow passing id through `beforeCreateTeam`
#[tokio::test]
async fn upstream_before_create_team_may_choose_the_id() {
    let mut hooks = OrganizationHooks::default();
    hooks.before_create_team = Some(Arc::new(|_| {
        let mut data = Map::new();
        data.insert("id".to_owned(), json!("custom-team-id"));
        Box::pin(async move { Ok(Some(data)) })
    }));
    let h = harness(TeamOptions::enabled(), hooks);
    let (_, cookie) = h.user("Owner").await;
    let org = h.organization(&cookie, "test").await;
    let teams = h
        .get(
            &format!("/organization/list-teams?organizationId={org}"),
            Some(&cookie),
        )
        .await;
    assert_eq!(teams.json[0]["id"], "custom-team-id", "{}", teams.json);
    // The creator joined the team under its chosen id.
    let members = h.api().list_team_members("custom-team-id").await.unwrap();
    assert_eq!(members.len(), 1);
}

#[tokio::test]
async fn no_default_team_no_team_hooks() {
    let log: Log = Arc::default();
    let h = harness(
        TeamOptions::enabled().default_team(false),
        recording_hooks(&log, None),
    );
    let (_, cookie) = h.user("Owner").await;
    h.organization(&cookie, "test").await;
    assert!(log.lock().unwrap().is_empty());
}

#[tokio::test]
async fn create_team_hooks_see_the_caller_and_may_rename_the_team() {
    let s = Setup::new(None).await;
    s.create_team("Sales").await;
    assert_eq!(
        s.take(),
        [
            "before_create_team \"Sales\" Alice",
            "after_create_team Sales Alice"
        ]
    );
    // A server action has no caller.
    s.h.api()
        .create_team(NewTeam::new(&s.org, "Support"))
        .await
        .unwrap();
    assert_eq!(
        s.take(),
        [
            "before_create_team \"Support\" ",
            "after_create_team Support "
        ]
    );
}

#[tokio::test]
async fn a_rejecting_before_create_team_creates_nothing() {
    let s = Setup::with(
        TeamOptions::enabled().default_team(false),
        Some("before_create_team"),
    )
    .await;
    let res =
        s.h.post(
            "/organization/create-team",
            json!({"name": "Sales", "organizationId": s.org}),
            Some(&s.alice),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.json);
    assert_eq!(res.json["message"], "rejected by a hook");
    assert_eq!(s.take(), ["before_create_team \"Sales\" Alice"]);
    assert!(s.team_names().await.is_empty());
}

#[tokio::test]
async fn a_rejected_default_team_fails_the_organization_creation() {
    let log: Log = Arc::default();
    let h = harness(
        TeamOptions::enabled(),
        recording_hooks(&log, Some("before_create_team")),
    );
    let (_, cookie) = h.user("Owner").await;
    let res = h
        .post(
            "/organization/create",
            json!({"name": "Test", "slug": "test"}),
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.json);
    assert_eq!(*log.lock().unwrap(), ["before_create_team \"Test\" Owner"]);
}

#[tokio::test]
async fn before_update_team_data_replaces_the_changes() {
    let log: Log = Arc::default();
    let mut hooks = recording_hooks(&log, None);
    let inner = hooks.before_update_team.take().unwrap();
    hooks.before_update_team = Some(Arc::new(move |input| {
        let seen = inner(input);
        Box::pin(async move {
            seen.await?;
            let mut data = Map::new();
            data.insert("name".to_owned(), json!("Renamed by hook"));
            Ok(Some(data))
        })
    }));
    let h = harness(TeamOptions::enabled(), hooks);
    let (_, alice) = h.user("Alice").await;
    let org = h.organization(&alice, "acme").await;
    let team = h.api().list_teams(&org).await.unwrap()[0].id.clone();
    log.lock().unwrap().clear();
    let res = h
        .post(
            "/organization/update-team",
            json!({"teamId": team, "data": {"name": "Asked for"}}),
            Some(&alice),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["name"], "Renamed by hook");
    assert_eq!(
        *log.lock().unwrap(),
        [
            "before_update_team ACME {\"name\":\"Asked for\"}",
            "after_update_team Renamed by hook"
        ]
    );
}

#[tokio::test]
async fn a_rejecting_before_update_team_changes_nothing() {
    let s = Setup::new(Some("before_update_team")).await;
    let team = s.create_team("Sales").await;
    s.take();
    let res =
        s.h.post(
            "/organization/update-team",
            json!({"teamId": team, "data": {"name": "Renamed"}}),
            Some(&s.alice),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.json);
    assert_eq!(
        s.take(),
        ["before_update_team Sales {\"name\":\"Renamed\"}"]
    );
    assert_eq!(s.team_names().await, ["ACME", "Sales"]);
}

#[tokio::test]
async fn delete_team_hooks_run_around_the_removal() {
    let s = Setup::new(None).await;
    let team = s.create_team("Sales").await;
    s.take();
    let res =
        s.h.post(
            "/organization/remove-team",
            json!({"teamId": team, "organizationId": s.org}),
            Some(&s.alice),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(
        s.take(),
        ["before_delete_team Sales", "after_delete_team Sales"]
    );
    assert_eq!(s.team_names().await, ["ACME"]);
}

#[tokio::test]
async fn a_rejecting_before_delete_team_keeps_the_team_and_its_members() {
    let s = Setup::new(Some("before_delete_team")).await;
    let team = s.create_team("Sales").await;
    s.h.api().add_to_team(&s.org, &team, &s.bob).await.unwrap();
    s.take();
    let err = s.h.api().remove_team(&s.org, &team).await.unwrap_err();
    assert_eq!(err.status(), StatusCode::FORBIDDEN);
    assert_eq!(s.take(), ["before_delete_team Sales"]);
    assert_eq!(s.team_names().await, ["ACME", "Sales"]);
    assert_eq!(s.team_user_ids(&team).await, std::slice::from_ref(&s.bob));
}

#[tokio::test]
async fn team_member_hooks_see_the_member_being_added_and_removed() {
    let s = Setup::new(None).await;
    let team = s.create_team("Sales").await;
    s.take();
    let res =
        s.h.post(
            "/organization/add-team-member",
            json!({"teamId": team, "userId": s.bob, "organizationId": s.org}),
            Some(&s.alice),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    // Adding again answers the existing membership, and the hooks run again, as upstream's do.
    let again = s.h.api().add_to_team(&s.org, &team, &s.bob).await.unwrap();
    assert_eq!(again.id, res.json["id"].as_str().unwrap());
    assert_eq!(
        s.take(),
        [
            "before_add_team_member Sales Bob true",
            "after_add_team_member Sales Bob true",
            "before_add_team_member Sales Bob true",
            "after_add_team_member Sales Bob true",
        ]
    );
    let res =
        s.h.post(
            "/organization/remove-team-member",
            json!({"teamId": team, "userId": s.bob, "organizationId": s.org}),
            Some(&s.alice),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(
        s.take(),
        [
            "before_remove_team_member Sales Bob",
            "after_remove_team_member Sales Bob"
        ]
    );
    assert!(s.team_user_ids(&team).await.is_empty());
}

#[tokio::test]
async fn team_member_hooks_do_not_run_for_failed_checks() {
    let s = Setup::new(None).await;
    let team = s.create_team("Sales").await;
    let (outsider, _) = s.h.user("Outsider").await;
    s.take();
    let err =
        s.h.api()
            .add_to_team(&s.org, &team, &outsider)
            .await
            .unwrap_err();
    assert_eq!(
        err.code().unwrap().as_str(),
        "USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION"
    );
    let err =
        s.h.api()
            .remove_from_team(&s.org, &team, &s.bob)
            .await
            .unwrap_err();
    assert_eq!(
        err.code().unwrap().as_str(),
        "USER_IS_NOT_A_MEMBER_OF_THE_TEAM"
    );
    assert!(s.take().is_empty());
}

#[tokio::test]
async fn a_rejecting_before_add_team_member_adds_nobody() {
    let s = Setup::new(Some("before_add_team_member")).await;
    let team = s.create_team("Sales").await;
    s.take();
    let res =
        s.h.post(
            "/organization/add-team-member",
            json!({"teamId": team, "userId": s.bob, "organizationId": s.org}),
            Some(&s.alice),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.json);
    assert_eq!(s.take(), ["before_add_team_member Sales Bob true"]);
    assert!(s.team_user_ids(&team).await.is_empty());
    let team = s.h.api().find_team(&team, None).await.unwrap().unwrap();
    assert_eq!(team.member_count, Some(0));
}

#[tokio::test]
async fn a_rejecting_before_remove_team_member_keeps_the_member() {
    let s = Setup::new(Some("before_remove_team_member")).await;
    let team = s.create_team("Sales").await;
    s.h.api().add_to_team(&s.org, &team, &s.bob).await.unwrap();
    s.take();
    let err =
        s.h.api()
            .remove_from_team(&s.org, &team, &s.bob)
            .await
            .unwrap_err();
    assert_eq!(err.status(), StatusCode::FORBIDDEN);
    assert_eq!(s.take(), ["before_remove_team_member Sales Bob"]);
    assert_eq!(s.team_user_ids(&team).await, std::slice::from_ref(&s.bob));
}

#[tokio::test]
async fn adding_a_member_with_a_team_runs_the_member_hooks_only() {
    let s = Setup::new(None).await;
    let team = s.create_team("Sales").await;
    let (carol, _) = s.h.user("Carol").await;
    s.take();
    s.h.api()
        .add_member(NewMember::new(&s.org, &carol, &["member"]).team(&team))
        .await
        .unwrap();
    assert!(s.take().is_empty());
    assert_eq!(s.team_user_ids(&team).await, [carol]);
}

/// Writes a team membership straight to the store, past the team's `memberCount`.
async fn seed_team_member(h: &Harness, team: &str, user_id: &str) {
    let seed = TeamMember {
        team_id: team.to_owned(),
        user_id: user_id.to_owned(),
        membership_key: None,
        created_at: None,
        id: format!("seed-{user_id}"),
    };
    h.auth.store().create(seed).await.unwrap();
}

#[track_caller]
fn assert_team_full(err: &ApiError) {
    assert_eq!(
        (err.status(), err.code().unwrap().as_str()),
        (StatusCode::FORBIDDEN, "TEAM_MEMBER_LIMIT_REACHED")
    );
}

/// upstream: team.test.ts › accept-invitation validates team capacity before adding the member › rolls back addMember when the requested team is already full
#[tokio::test]
async fn upstream_add_member_to_a_full_team_is_rolled_back() {
    let h = harness(
        TeamOptions::enabled().maximum_members_per_team(Limit::Fixed(2)),
        OrganizationHooks::default(),
    );
    let (_, owner) = h.user("Owner").await;
    let org = h.organization(&owner, "capacity-org").await;
    let team = h
        .api()
        .create_team(NewTeam::new(&org, "Add Member Full Team"))
        .await
        .unwrap();
    for name in ["Seed0", "Seed1"] {
        let (seed, _) = h.user(name).await;
        seed_team_member(&h, &team.id, &seed).await;
    }
    let (new_user, _) = h.user("FullTeamAddMember").await;
    let err = h
        .api()
        .add_member(NewMember::new(&org, &new_user, &["member"]).team(&team.id))
        .await
        .unwrap_err();
    assert_team_full(&err);
    assert!(
        h.api()
            .find_member(&org, &new_user)
            .await
            .unwrap()
            .is_none()
    );
}

/// upstream: team.test.ts › direct team-add paths enforce maximumMembersPerTeam › rejects addMember with a teamId over capacity without creating the org member
#[tokio::test]
async fn upstream_add_member_over_team_capacity_creates_no_member() {
    let h = harness(
        TeamOptions::enabled().maximum_members_per_team(Limit::Fixed(1)),
        OrganizationHooks::default(),
    );
    let (_, owner) = h.user("Owner").await;
    let org = h.organization(&owner, "direct-add-org").await;
    let res = h
        .post(
            "/organization/create-team",
            json!({"name": "Full AddMember Team", "organizationId": org}),
            Some(&owner),
        )
        .await;
    let team = res.json["id"].as_str().unwrap().to_owned();
    let (seated, _) = h.user("Direct0").await;
    h.add(&org, &seated, "member").await;
    let res = h
        .post(
            "/organization/add-team-member",
            json!({"teamId": team, "userId": seated}),
            Some(&owner),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    let (overflow, _) = h.user("Overflow").await;
    let err = h
        .api()
        .add_member(NewMember::new(&org, &overflow, &["member"]).team(&team))
        .await
        .unwrap_err();
    assert_team_full(&err);
    assert_eq!(h.api().list_team_members(&team).await.unwrap().len(), 1);
    let members = h.api().list_members(&org).await.unwrap();
    assert!(!members.iter().any(|m| m.user_id == overflow));
}

/// upstream: team.test.ts › direct team-add paths enforce maximumMembersPerTeam › rejects add-team-member once the team is at capacity
#[tokio::test]
async fn upstream_add_team_member_at_capacity_is_refused() {
    let h = harness(
        TeamOptions::enabled().maximum_members_per_team(Limit::Fixed(1)),
        OrganizationHooks::default(),
    );
    let (_, owner) = h.user("Owner").await;
    let org = h.organization(&owner, "direct-add-org").await;
    let res = h
        .post(
            "/organization/create-team",
            json!({"name": "Full Direct Team", "organizationId": org}),
            Some(&owner),
        )
        .await;
    let team = res.json["id"].as_str().unwrap().to_owned();
    let (first, _) = h.user("Direct0").await;
    let (second, _) = h.user("Direct1").await;
    h.add(&org, &first, "member").await;
    h.add(&org, &second, "member").await;
    let res = h
        .post(
            "/organization/add-team-member",
            json!({"teamId": team, "userId": first}),
            Some(&owner),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    h.post(
        "/organization/add-team-member",
        json!({"teamId": team, "userId": second}),
        Some(&owner),
    )
    .await
    .assert_error(StatusCode::FORBIDDEN, "TEAM_MEMBER_LIMIT_REACHED");
    assert_eq!(h.api().list_team_members(&team).await.unwrap().len(), 1);
}

/// `add_member` into a full team fails with `TEAM_MEMBER_LIMIT_REACHED` and leaves the organization, the
/// team, its counter and the add-member hooks untouched; with a free seat the same add succeeds.
async fn add_member_with_a_full_team_on(adapter: Arc<dyn Adapter>) {
    let log: Log = Arc::default();
    let mut hooks = OrganizationHooks::default();
    let l = Arc::clone(&log);
    hooks.before_add_member = Some(Arc::new(move |input| {
        l.lock()
            .unwrap()
            .push(format!("before_add_member {}", input.user.name));
        Box::pin(async { Ok(None) })
    }));
    let l = Arc::clone(&log);
    hooks.after_add_member = Some(Arc::new(move |input| {
        l.lock()
            .unwrap()
            .push(format!("after_add_member {}", input.user.name));
        Box::pin(async { Ok(()) })
    }));
    let h = Harness::build(
        OrganizationOptions::default()
            .teams(TeamOptions::enabled().maximum_members_per_team(Limit::Fixed(1)))
            .organization_hooks(hooks),
        adapter,
        |b| b,
    );
    let (_, owner) = h.user("Owner").await;
    let org = h.organization(&owner, "acme").await;
    // The default team holds its creator: it is full.
    let team = h.api().list_teams(&org).await.unwrap().remove(0);
    assert_eq!(team.member_count, Some(1));
    let (bob, _) = h.user("Bob").await;
    log.lock().unwrap().clear();
    let members_before = h.api().list_members(&org).await.unwrap();

    let err = h
        .api()
        .add_member(NewMember::new(&org, &bob, &["member"]).team(&team.id))
        .await
        .unwrap_err();
    assert_team_full(&err);

    assert_eq!(h.api().list_members(&org).await.unwrap(), members_before);
    let team_members = h.api().list_team_members(&team.id).await.unwrap();
    assert_eq!(team_members.len(), 1);
    assert!(!team_members.iter().any(|m| m.user_id == bob));
    let after = h.api().find_team(&team.id, None).await.unwrap().unwrap();
    assert_eq!(after.member_count, Some(1));
    assert!(h.api().list_user_teams(&bob).await.unwrap().is_empty());
    // Neither add-member hook saw a membership that was never written.
    assert!(log.lock().unwrap().is_empty());
    // With a free seat the same add succeeds, in the team and the organization.
    let team_b = h
        .api()
        .create_team(NewTeam::new(&org, "Empty"))
        .await
        .unwrap();
    let member = h
        .api()
        .add_member(NewMember::new(&org, &bob, &["member"]).team(&team_b.id))
        .await
        .unwrap();
    assert_eq!(member.user_id, bob);
    assert_eq!(
        *log.lock().unwrap(),
        ["before_add_member Bob", "after_add_member Bob"]
    );
    let team_b = h.api().find_team(&team_b.id, None).await.unwrap().unwrap();
    assert_eq!(team_b.member_count, Some(1));
}

#[tokio::test]
async fn add_member_with_a_full_team_changes_nothing() {
    add_member_with_a_full_team_on(Arc::new(MemoryAdapter::new())).await;
}

async fn add_member_with_a_full_team_in(backend: Backend) {
    let options = OrganizationOptions::default().teams(TeamOptions::enabled());
    let schema = Harness::with_options(options).auth.schema().clone();
    let Some(db) = TestDb::new(backend, &schema).await else {
        return;
    };
    add_member_with_a_full_team_on(db.adapter()).await;
    db.cleanup().await;
}

#[tokio::test]
async fn sqlite_add_member_with_a_full_team_changes_nothing() {
    add_member_with_a_full_team_in(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_add_member_with_a_full_team_changes_nothing() {
    add_member_with_a_full_team_in(Backend::Postgres).await;
}

#[tokio::test]
async fn mysql_add_member_with_a_full_team_changes_nothing() {
    add_member_with_a_full_team_in(Backend::Mysql).await;
}
