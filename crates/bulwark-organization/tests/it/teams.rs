//! Teams: the team endpoints with their permission checks, limits and bad input, the typed API, and
//! concurrent team-member adds at the member limit (on memory here, on real databases in `db::`).

use std::sync::Arc;

use bulwark_core::Adapter;
use bulwark_core::adapter::memory::MemoryAdapter;
use bulwark_organization::OrganizationOptions;
use bulwark_organization::api::{NewTeam, TeamChanges};
use bulwark_organization::options::{Limit, TeamOptions};
use bulwark_test_support::{Backend, TestDb};
use http::StatusCode;
use insta::assert_json_snapshot;
use serde_json::{Value, json};

use crate::Harness;

fn teams(options: TeamOptions) -> Harness {
    Harness::with_options(OrganizationOptions::default().teams(options))
}

/// An organization owned by Alice with Bob (`member`) and Carol (`admin`) in it.
struct Org {
    h: Harness,
    id: String,
    default_team: String,
    alice: (String, String),
    bob: (String, String),
    carol: (String, String),
}

impl Org {
    async fn new(options: TeamOptions) -> Self {
        let h = teams(options);
        let alice = h.user("Alice").await;
        let bob = h.user("Bob").await;
        let carol = h.user("Carol").await;
        let id = h.organization(&alice.1, "acme").await;
        h.add(&id, &bob.0, "member").await;
        h.add(&id, &carol.0, "admin").await;
        for cookie in [&bob.1, &carol.1] {
            let res = h
                .post(
                    "/organization/set-active",
                    json!({"organizationId": id}),
                    Some(cookie),
                )
                .await;
            assert_eq!(res.status, StatusCode::OK, "{}", res.json);
        }
        let default_team = h.api().list_teams(&id).await.unwrap()[0].id.clone();
        Self {
            h,
            id,
            default_team,
            alice,
            bob,
            carol,
        }
    }

    async fn team_names(&self) -> Vec<String> {
        let teams = self.h.api().list_teams(&self.id).await.unwrap();
        teams.into_iter().map(|t| t.name).collect()
    }

    async fn team_user_ids(&self, team: &str) -> Vec<String> {
        let members = self.h.api().list_team_members(team).await.unwrap();
        members.into_iter().map(|m| m.user_id).collect()
    }

    async fn member_count(&self, team: &str) -> Option<i64> {
        let team = self.h.api().find_team(team, None).await.unwrap().unwrap();
        team.member_count
    }
}

/// `/get-session`'s `session.activeTeamId`.
async fn active_team(h: &Harness, cookie: &str) -> Value {
    h.get("/get-session", Some(cookie)).await.json["session"]["activeTeamId"].clone()
}

#[tokio::test]
async fn a_new_organization_gets_a_default_team_with_its_creator() {
    let h = teams(TeamOptions::enabled());
    let (alice_id, alice) = h.user("Alice").await;
    let org = h.organization(&alice, "acme").await;
    let list = h.get("/organization/list-teams", Some(&alice)).await;
    assert_eq!(list.status, StatusCode::OK);
    assert_json_snapshot!("teams__default_team", list.json);
    let team = list.json[0]["id"].as_str().unwrap();
    assert_eq!(active_team(&h, &alice).await, team);
    let members = h.api().list_team_members(team).await.unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!(members[0].user_id, alice_id);
    let stored = h.api().find_team(team, Some(&org)).await.unwrap().unwrap();
    assert_eq!(stored.member_count, Some(1));

    let without = teams(TeamOptions::enabled().default_team(false));
    let (_, alice) = without.user("Alice").await;
    let org = without.organization(&alice, "acme").await;
    assert!(without.api().list_teams(&org).await.unwrap().is_empty());
    assert_eq!(active_team(&without, &alice).await, Value::Null);
}

#[tokio::test]
async fn teams_are_created_updated_listed_and_removed() {
    let o = Org::new(TeamOptions::enabled()).await;
    let created =
        o.h.post(
            "/organization/create-team",
            json!({"name": "Dev", "ignored": true}),
            Some(&o.carol.1),
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.json);
    assert_json_snapshot!("teams__create", created.json);
    let dev = created.json["id"].as_str().unwrap().to_owned();

    let updated =
        o.h.post(
            "/organization/update-team",
            json!({"teamId": dev, "data": {"name": "Devs", "organizationId": o.id}}),
            Some(&o.carol.1),
        )
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.json);
    assert_eq!(updated.json["name"], "Devs");
    let unchanged =
        o.h.post(
            "/organization/update-team",
            json!({"teamId": dev, "data": {}}),
            Some(&o.carol.1),
        )
        .await;
    assert_eq!(unchanged.json["name"], "Devs");

    let list =
        o.h.get(
            &format!("/organization/list-teams?organizationId={}", o.id),
            Some(&o.bob.1),
        )
        .await;
    assert_json_snapshot!("teams__list", list.json);

    let removed =
        o.h.post(
            "/organization/remove-team",
            json!({"teamId": dev}),
            Some(&o.carol.1),
        )
        .await;
    assert_eq!(removed.status, StatusCode::OK, "{}", removed.json);
    assert_eq!(
        removed.json,
        json!({"message": "Team removed successfully."})
    );
    assert_eq!(o.team_names().await, ["ACME"]);
}

#[tokio::test]
async fn team_members_are_added_listed_made_active_and_removed() {
    let o = Org::new(TeamOptions::enabled()).await;
    let team = o.default_team.clone();
    let add = json!({"teamId": team, "userId": o.bob.0});
    let added =
        o.h.post(
            "/organization/add-team-member",
            add.clone(),
            Some(&o.carol.1),
        )
        .await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.json);
    assert_json_snapshot!("teams__add_member", added.json);

    // Adding the same user again answers the existing membership and changes nothing.
    let again =
        o.h.post("/organization/add-team-member", add, Some(&o.carol.1))
            .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json, added.json);
    assert_eq!(
        o.team_user_ids(&team).await,
        [o.alice.0.as_str(), o.bob.0.as_str()]
    );
    assert_eq!(o.member_count(&team).await, Some(2));

    let listed =
        o.h.get(
            &format!("/organization/list-team-members?teamId={team}"),
            Some(&o.bob.1),
        )
        .await;
    assert_json_snapshot!("teams__list_members", listed.json);
    // Carol is not in the team.
    o.h.get(
        &format!("/organization/list-team-members?teamId={team}"),
        Some(&o.carol.1),
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "USER_IS_NOT_A_MEMBER_OF_THE_TEAM");
    o.h.get("/organization/list-team-members", Some(&o.bob.1))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "YOU_DO_NOT_HAVE_AN_ACTIVE_TEAM");

    let active =
        o.h.post(
            "/organization/set-active-team",
            json!({"teamId": team}),
            Some(&o.bob.1),
        )
        .await;
    assert_eq!(active.status, StatusCode::OK, "{}", active.json);
    assert_eq!(active.json["id"], team.as_str());
    assert!(
        active
            .cookies
            .iter()
            .any(|c| c.starts_with("better-auth.session_token="))
    );
    assert_eq!(active_team(&o.h, &o.bob.1).await, team.as_str());
    let own =
        o.h.get("/organization/list-team-members", Some(&o.bob.1))
            .await;
    assert_eq!(own.json, listed.json);
    let user_teams =
        o.h.get("/organization/list-user-teams", Some(&o.bob.1))
            .await;
    assert_eq!(user_teams.json.as_array().unwrap().len(), 1);
    assert_eq!(user_teams.json[0]["id"], team.as_str());
    let cleared =
        o.h.post(
            "/organization/set-active-team",
            json!({"teamId": null}),
            Some(&o.bob.1),
        )
        .await;
    assert_eq!(
        (cleared.status, cleared.json.clone()),
        (StatusCode::OK, Value::Null)
    );
    assert_eq!(active_team(&o.h, &o.bob.1).await, Value::Null);

    let remove = json!({"teamId": team, "userId": o.bob.0});
    let removed =
        o.h.post(
            "/organization/remove-team-member",
            remove.clone(),
            Some(&o.carol.1),
        )
        .await;
    assert_eq!(
        removed.json,
        json!({"message": "Team member removed successfully."})
    );
    o.h.post("/organization/remove-team-member", remove, Some(&o.carol.1))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "USER_IS_NOT_A_MEMBER_OF_THE_TEAM");
    assert_eq!(o.team_user_ids(&team).await, [o.alice.0.as_str()]);
    assert_eq!(o.member_count(&team).await, Some(1));
}

#[tokio::test]
async fn members_without_team_permissions_change_nothing() {
    let o = Org::new(TeamOptions::enabled()).await;
    let team = o.default_team.clone();
    let bob = Some(o.bob.1.as_str());
    let cases = [
        (
            "/organization/create-team",
            json!({"name": "B"}),
            StatusCode::FORBIDDEN,
            "YOU_ARE_NOT_ALLOWED_TO_CREATE_TEAMS_IN_THIS_ORGANIZATION",
        ),
        (
            "/organization/update-team",
            json!({"teamId": team, "data": {"name": "B"}}),
            StatusCode::FORBIDDEN,
            "YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_TEAM",
        ),
        (
            "/organization/remove-team",
            json!({"teamId": team}),
            StatusCode::FORBIDDEN,
            "YOU_ARE_NOT_ALLOWED_TO_DELETE_TEAMS_IN_THIS_ORGANIZATION",
        ),
        (
            "/organization/add-team-member",
            json!({"teamId": team, "userId": o.bob.0}),
            StatusCode::FORBIDDEN,
            "YOU_ARE_NOT_ALLOWED_TO_CREATE_A_NEW_TEAM_MEMBER",
        ),
        (
            "/organization/remove-team-member",
            json!({"teamId": team, "userId": o.alice.0}),
            StatusCode::FORBIDDEN,
            "YOU_ARE_NOT_ALLOWED_TO_REMOVE_A_TEAM_MEMBER",
        ),
    ];
    for (path, body, status, code) in cases {
        o.h.post(path, body, bob).await.assert_error(status, code);
    }
    o.h.get(
        &format!("/organization/list-user-teams?userId={}", o.alice.0),
        bob,
    )
    .await
    .assert_error(
        StatusCode::FORBIDDEN,
        "YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_MEMBER",
    );
    assert_eq!(o.team_names().await, ["ACME"]);
    assert_eq!(o.team_user_ids(&team).await, [o.alice.0.as_str()]);
}

#[tokio::test]
async fn outsiders_and_anonymous_callers_are_refused() {
    let o = Org::new(TeamOptions::enabled()).await;
    let team = o.default_team.clone();
    let (_, mallory) = o.h.user("Mallory").await;
    let mallory = Some(mallory.as_str());
    let cases = [
        (
            "/organization/create-team",
            json!({"name": "M", "organizationId": o.id}),
            StatusCode::FORBIDDEN,
            "YOU_ARE_NOT_ALLOWED_TO_INVITE_USERS_TO_THIS_ORGANIZATION",
        ),
        (
            "/organization/update-team",
            json!({"teamId": team, "data": {"name": "M", "organizationId": o.id}}),
            StatusCode::FORBIDDEN,
            "YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_TEAM",
        ),
        (
            "/organization/remove-team",
            json!({"teamId": team, "organizationId": o.id}),
            StatusCode::FORBIDDEN,
            "YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_TEAM",
        ),
        (
            "/organization/add-team-member",
            json!({"teamId": team, "userId": o.bob.0, "organizationId": o.id}),
            StatusCode::BAD_REQUEST,
            "USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION",
        ),
        (
            "/organization/create-team",
            json!({"name": "M"}),
            StatusCode::BAD_REQUEST,
            "NO_ACTIVE_ORGANIZATION",
        ),
    ];
    for (path, body, status, code) in cases {
        o.h.post(path, body, mallory)
            .await
            .assert_error(status, code);
    }
    o.h.get(
        &format!("/organization/list-teams?organizationId={}", o.id),
        mallory,
    )
    .await
    .assert_error(
        StatusCode::FORBIDDEN,
        "YOU_ARE_NOT_ALLOWED_TO_ACCESS_THIS_ORGANIZATION",
    );
    o.h.get(
        &format!("/organization/list-user-teams?organizationId={}", o.id),
        mallory,
    )
    .await
    .assert_error(
        StatusCode::FORBIDDEN,
        "YOU_ARE_NOT_A_MEMBER_OF_THIS_ORGANIZATION",
    );

    // Without a session: create-team and remove-team answer a bare 401, the others upstream's JSON.
    let anonymous =
        o.h.post(
            "/organization/create-team",
            json!({"name": "A", "organizationId": o.id}),
            None,
        )
        .await;
    assert_eq!(
        (anonymous.status, anonymous.raw.is_empty()),
        (StatusCode::UNAUTHORIZED, true)
    );
    let anonymous =
        o.h.post(
            "/organization/remove-team",
            json!({"teamId": team, "organizationId": o.id}),
            None,
        )
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    o.h.post("/organization/remove-team", json!({"teamId": team}), None)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "NO_ACTIVE_ORGANIZATION");
    o.h.get("/organization/list-teams", None)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "UNAUTHORIZED");
    o.h.post(
        "/organization/add-team-member",
        json!({"teamId": team, "userId": o.bob.0}),
        None,
    )
    .await
    .assert_error(StatusCode::UNAUTHORIZED, "UNAUTHORIZED");
    assert_eq!(o.team_names().await, ["ACME"]);
    assert_eq!(o.team_user_ids(&team).await, [o.alice.0.as_str()]);
}

#[tokio::test]
async fn a_team_of_another_organization_is_not_found() {
    let o = Org::new(TeamOptions::enabled()).await;
    let (_, mallory) = o.h.user("Mallory").await;
    let other = o.h.organization(&mallory, "other").await;
    let foreign = o.h.api().list_teams(&other).await.unwrap()[0].id.clone();
    let carol = Some(o.carol.1.as_str());
    let cases = [
        (
            "/organization/update-team",
            json!({"teamId": foreign, "data": {"name": "Stolen"}}),
        ),
        ("/organization/remove-team", json!({"teamId": foreign})),
        (
            "/organization/add-team-member",
            json!({"teamId": foreign, "userId": o.bob.0}),
        ),
        (
            "/organization/remove-team-member",
            json!({"teamId": foreign, "userId": o.bob.0}),
        ),
        ("/organization/set-active-team", json!({"teamId": foreign})),
    ];
    for (path, body) in cases {
        o.h.post(path, body, carol)
            .await
            .assert_error(StatusCode::BAD_REQUEST, "TEAM_NOT_FOUND");
    }
    o.h.get(
        &format!("/organization/list-team-members?teamId={foreign}"),
        carol,
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "USER_IS_NOT_A_MEMBER_OF_THE_TEAM");
    let theirs = o.h.api().list_teams(&other).await.unwrap();
    assert_eq!((theirs.len(), theirs[0].name.as_str()), (1, "OTHER"));
    assert_eq!(
        o.h.api().list_team_members(&foreign).await.unwrap().len(),
        1
    );
}

#[tokio::test]
async fn the_last_team_and_the_active_team_stay_unless_allowed() {
    let o = Org::new(TeamOptions::enabled()).await;
    let team = o.default_team.clone();
    o.h.post(
        "/organization/remove-team",
        json!({"teamId": team}),
        Some(&o.carol.1),
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "UNABLE_TO_REMOVE_LAST_TEAM");
    // Alice's session has the default team active.
    o.h.post(
        "/organization/remove-team",
        json!({"teamId": team}),
        Some(&o.alice.1),
    )
    .await
    .assert_error(
        StatusCode::FORBIDDEN,
        "YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_TEAM",
    );
    assert_eq!(o.team_names().await, ["ACME"]);

    let o = Org::new(TeamOptions::enabled().allow_removing_all_teams(true)).await;
    let removed =
        o.h.post(
            "/organization/remove-team",
            json!({"teamId": o.default_team}),
            Some(&o.carol.1),
        )
        .await;
    assert_eq!(removed.status, StatusCode::OK, "{}", removed.json);
    assert!(o.team_names().await.is_empty());
    assert!(
        o.h.api()
            .list_team_members(&o.default_team)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn maximum_teams_refuses_another_team() {
    let o = Org::new(TeamOptions::enabled().maximum_teams(Limit::Fixed(2))).await;
    let create = |name: &str| json!({"name": name});
    let first =
        o.h.post("/organization/create-team", create("Two"), Some(&o.carol.1))
            .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.json);
    o.h.post(
        "/organization/create-team",
        create("Three"),
        Some(&o.carol.1),
    )
    .await
    .assert_error(
        StatusCode::BAD_REQUEST,
        "YOU_HAVE_REACHED_THE_MAXIMUM_NUMBER_OF_TEAMS",
    );
    assert_eq!(o.team_names().await, ["ACME", "Two"]);
    let err =
        o.h.api()
            .create_team(NewTeam::new(&o.id, "Four"))
            .await
            .unwrap_err();
    assert_eq!(
        err.code().unwrap().as_str(),
        "YOU_HAVE_REACHED_THE_MAXIMUM_NUMBER_OF_TEAMS"
    );
}

#[tokio::test]
async fn maximum_members_per_team_refuses_another_member() {
    let o = Org::new(TeamOptions::enabled().maximum_members_per_team(Limit::Fixed(2))).await;
    let team = o.default_team.clone();
    let add = |user: &str| json!({"teamId": team, "userId": user});
    let carol = Some(o.carol.1.as_str());
    let added =
        o.h.post("/organization/add-team-member", add(&o.bob.0), carol)
            .await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.json);
    o.h.post("/organization/add-team-member", add(&o.carol.0), carol)
        .await
        .assert_error(StatusCode::FORBIDDEN, "TEAM_MEMBER_LIMIT_REACHED");
    // A member already in a full team is still answered with their membership.
    let again =
        o.h.post("/organization/add-team-member", add(&o.bob.0), carol)
            .await;
    assert_eq!(again.json, added.json);
    assert_eq!(
        o.team_user_ids(&team).await,
        [o.alice.0.as_str(), o.bob.0.as_str()]
    );
    assert_eq!(o.member_count(&team).await, Some(2));

    // A freed seat can be taken.
    o.h.post(
        "/organization/remove-team-member",
        json!({"teamId": team, "userId": o.bob.0}),
        carol,
    )
    .await;
    let taken =
        o.h.post("/organization/add-team-member", add(&o.carol.0), carol)
            .await;
    assert_eq!(taken.status, StatusCode::OK, "{}", taken.json);
    assert_eq!(
        o.team_user_ids(&team).await,
        [o.alice.0.as_str(), o.carol.0.as_str()]
    );
}

#[tokio::test]
async fn only_members_of_the_organization_join_its_teams() {
    let o = Org::new(TeamOptions::enabled()).await;
    let (mallory_id, _) = o.h.user("Mallory").await;
    let team = o.default_team.clone();
    let carol = Some(o.carol.1.as_str());
    for user in [json!(mallory_id), json!("nobody"), json!(7)] {
        o.h.post(
            "/organization/add-team-member",
            json!({"teamId": team, "userId": user}),
            carol,
        )
        .await
        .assert_error(
            StatusCode::BAD_REQUEST,
            "USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION",
        );
    }
    o.h.post(
        "/organization/add-team-member",
        json!({"teamId": "nope", "userId": o.bob.0}),
        carol,
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "TEAM_NOT_FOUND");
    assert_eq!(o.team_user_ids(&team).await, [o.alice.0.as_str()]);
}

#[tokio::test]
async fn listing_another_members_teams_needs_member_update() {
    let o = Org::new(TeamOptions::enabled()).await;
    let (mallory_id, _) = o.h.user("Mallory").await;
    let carol = Some(o.carol.1.as_str());
    let alices =
        o.h.get(
            &format!("/organization/list-user-teams?userId={}", o.alice.0),
            carol,
        )
        .await;
    assert_eq!(alices.status, StatusCode::OK);
    assert_eq!(alices.json[0]["id"], o.default_team.as_str());
    let bobs =
        o.h.get(
            &format!("/organization/list-user-teams?userId={}", o.bob.0),
            carol,
        )
        .await;
    assert_eq!(bobs.json, json!([]));
    o.h.get(
        &format!("/organization/list-user-teams?userId={mallory_id}"),
        carol,
    )
    .await
    .assert_error(
        StatusCode::BAD_REQUEST,
        "USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION",
    );
}

#[tokio::test]
async fn bad_bodies_get_upstreams_validation_messages() {
    let o = Org::new(TeamOptions::enabled()).await;
    let carol = Some(o.carol.1.as_str());
    let cases = [
        (
            "/organization/create-team",
            json!({}),
            "[body.name] Invalid input: expected string, received undefined",
        ),
        (
            "/organization/update-team",
            json!({"teamId": o.default_team}),
            "[body.data] Invalid input: expected object, received undefined",
        ),
        (
            "/organization/update-team",
            json!({"teamId": o.default_team, "data": {"name": 5}}),
            "[body.data.name] Invalid input: expected string, received number",
        ),
        (
            "/organization/remove-team",
            json!({}),
            "[body.teamId] Invalid input: expected string, received undefined",
        ),
        (
            "/organization/add-team-member",
            json!({"teamId": 5, "userId": 7}),
            "[body.teamId] Invalid input: expected string, received number",
        ),
        (
            "/organization/add-team-member",
            json!({}),
            "[body.teamId] Invalid input: expected string, received undefined; \
             [body.userId] Invalid input: expected nonoptional, received undefined",
        ),
        (
            "/organization/remove-team-member",
            json!({"teamId": o.default_team}),
            "[body.userId] Invalid input: expected nonoptional, received undefined",
        ),
        (
            "/organization/update-team",
            json!({"teamId": 3, "data": {"name": null, "organizationId": 4}}),
            "[body.teamId] Invalid input: expected string, received number; \
             [body.data.name] Invalid input: expected string, received null; \
             [body.data.organizationId] Invalid input: expected string, received number",
        ),
        (
            "/organization/create-team",
            json!({"name": "x", "organizationId": null}),
            "[body.organizationId] Invalid input: expected string, received null",
        ),
        (
            "/organization/set-active-team",
            json!({"teamId": 5}),
            "[body.teamId] Invalid input: expected string, received number",
        ),
    ];
    for (path, body, message) in cases {
        let res = o.h.post(path, body, carol).await;
        res.assert_error(StatusCode::BAD_REQUEST, "VALIDATION_ERROR");
        assert_eq!(res.json["message"], message, "{path}");
    }
    assert_eq!(o.team_names().await, ["ACME"]);
}

#[tokio::test]
async fn team_endpoints_exist_only_with_teams() {
    let h = Harness::new();
    let (_, alice) = h.user("Alice").await;
    h.organization(&alice, "acme").await;
    let res = h.get("/organization/list-teams", Some(&alice)).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_api_runs_the_same_checks_as_the_endpoints() {
    let o = Org::new(TeamOptions::enabled().maximum_members_per_team(Limit::Fixed(2))).await;
    let api = o.h.api();
    let team = api.create_team(NewTeam::new(&o.id, "Ops")).await.unwrap();
    assert_eq!((team.name.as_str(), team.member_count), ("Ops", Some(0)));
    let err = api
        .create_team(NewTeam::new("nope", "Ops"))
        .await
        .unwrap_err();
    assert_eq!(err.code().unwrap().as_str(), "ORGANIZATION_NOT_FOUND");

    let renamed = api
        .update_team(&o.id, &team.id, TeamChanges::name("Operations"))
        .await
        .unwrap();
    assert_eq!(renamed.name, "Operations");

    api.add_to_team(&o.id, &team.id, &o.bob.0).await.unwrap();
    let again = api.add_to_team(&o.id, &team.id, &o.bob.0).await.unwrap();
    assert_eq!(again.user_id, o.bob.0);
    api.add_to_team(&o.id, &team.id, &o.carol.0).await.unwrap();
    let err = api
        .add_to_team(&o.id, &team.id, &o.alice.0)
        .await
        .unwrap_err();
    assert_eq!(
        (err.status(), err.code().unwrap().as_str()),
        (StatusCode::FORBIDDEN, "TEAM_MEMBER_LIMIT_REACHED")
    );
    let err = api
        .add_to_team(&o.id, &o.default_team, "nobody")
        .await
        .unwrap_err();
    assert_eq!(
        err.code().unwrap().as_str(),
        "USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION"
    );
    assert_eq!(
        o.team_user_ids(&team.id).await,
        [o.bob.0.as_str(), o.carol.0.as_str()]
    );

    let removed = api
        .remove_from_team(&o.id, &team.id, &o.bob.0)
        .await
        .unwrap();
    assert_eq!(removed.user_id, o.bob.0);
    assert_eq!(o.member_count(&team.id).await, Some(1));
    let err = api
        .remove_from_team(&o.id, &team.id, &o.bob.0)
        .await
        .unwrap_err();
    assert_eq!(
        err.code().unwrap().as_str(),
        "USER_IS_NOT_A_MEMBER_OF_THE_TEAM"
    );

    let teams: Vec<String> = api
        .list_user_teams(&o.carol.0)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(teams, ["Operations"]);
    api.remove_team(&o.id, &team.id).await.unwrap();
    let err = api.remove_team(&o.id, &o.default_team).await.unwrap_err();
    assert_eq!(err.code().unwrap().as_str(), "UNABLE_TO_REMOVE_LAST_TEAM");
    assert!(api.list_team_members(&team.id).await.unwrap().is_empty());
    assert_eq!(o.team_names().await, ["ACME"]);
}

/// Users who are members of `org`, ready to be added to a team concurrently.
async fn members(h: &Harness, org: &str, count: usize) -> Vec<String> {
    let mut ids = Vec::new();
    for n in 0..count {
        let (id, _) = h.user(&format!("User{n}")).await;
        h.add(org, &id, "member").await;
        ids.push(id);
    }
    ids
}

/// Eight members (two of them twice) race for the last three seats of a team of five: exactly three
/// join, nobody twice, and the counter matches the rows.
pub(crate) async fn concurrent_adds_respect_the_limit(adapter: Arc<dyn Adapter>) {
    let options = OrganizationOptions::default()
        .teams(TeamOptions::enabled().maximum_members_per_team(Limit::Fixed(5)));
    let h = Harness::build(options, adapter, |b| b);
    let (alice_id, alice) = h.user("Alice").await;
    let org = h.organization(&alice, "acme").await;
    let users = members(&h, &org, 9).await;
    let api = h.api();
    let team = api.create_team(NewTeam::new(&org, "Seats")).await.unwrap();
    api.add_to_team(&org, &team.id, &alice_id).await.unwrap();
    api.add_to_team(&org, &team.id, &users[8]).await.unwrap();
    let contenders: Vec<String> = users[..8].iter().chain(&users[..2]).cloned().collect();
    let tasks: Vec<_> = contenders
        .into_iter()
        .map(|user| {
            let api = h.api();
            let (org, team) = (org.clone(), team.id.clone());
            tokio::spawn(async move { (user.clone(), api.add_to_team(&org, &team, &user).await) })
        })
        .collect();
    for task in tasks {
        let (user, result) = task.await.unwrap();
        if let Err(err) = result {
            assert_eq!(
                err.code().map(bulwark_core::ErrorCode::as_str),
                Some("TEAM_MEMBER_LIMIT_REACHED"),
                "{user}: {err}"
            );
        }
    }
    let rows = api.list_team_members(&team.id).await.unwrap();
    let mut user_ids: Vec<&str> = rows.iter().map(|m| m.user_id.as_str()).collect();
    assert_eq!(user_ids.len(), 5, "{user_ids:?}");
    user_ids.sort_unstable();
    user_ids.dedup();
    assert_eq!(user_ids.len(), 5, "a user joined twice");
    let stored = api.find_team(&team.id, None).await.unwrap().unwrap();
    assert_eq!(stored.member_count, Some(5));
}

/// Concurrent adds on a database server (`Backend::Postgres` or `Backend::Mysql`).
pub(crate) async fn concurrent_adds_on(backend: Backend) {
    let options = OrganizationOptions::default().teams(TeamOptions::enabled());
    let schema = Harness::with_options(options).auth.schema().clone();
    let Some(db) = TestDb::new(backend, &schema).await else {
        return;
    };
    concurrent_adds_respect_the_limit(db.adapter()).await;
    db.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn memory_concurrent_team_adds_never_exceed_the_limit() {
    for _ in 0..5 {
        concurrent_adds_respect_the_limit(Arc::new(MemoryAdapter::new())).await;
    }
}

// Ports of upstream's team tests.

/// Creates a team in `org` as `cookie` and returns its id.
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

/// Adds `user_id` to `team` of `org` as `cookie`.
async fn add_to_team(h: &Harness, cookie: &str, org: &str, team: &str, user_id: &str) {
    let res = h
        .post(
            "/organization/add-team-member",
            json!({"teamId": team, "userId": user_id, "organizationId": org}),
            Some(cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
}

async fn set_active(h: &Harness, cookie: &str, org: Value) {
    let res = h
        .post(
            "/organization/set-active",
            json!({"organizationId": org}),
            Some(cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
}

fn ids(teams: &Value) -> Vec<&str> {
    let mut ids: Vec<&str> = teams
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    ids
}

/// upstream: team.test.ts › team › should update a team with explicit organizationId in data
#[tokio::test]
async fn upstream_update_team_with_explicit_organization_id() {
    let h = teams(TeamOptions::enabled());
    let (_, owner) = h.user("Owner").await;
    let first = h.organization(&owner, "test-org").await;
    let new_org = h.organization(&owner, "new-test-org").await;
    assert_ne!(new_org, first);
    set_active(&h, &owner, json!(first)).await;
    let team = create_team(&h, &owner, &new_org, "Team in New Org").await;
    let updated = h
        .post(
            "/organization/update-team",
            json!({"teamId": team, "data": {"name": "Updated Team Name", "organizationId": new_org}}),
            Some(&owner),
        )
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.json);
    assert_eq!(updated.json["name"], "Updated Team Name");
    assert_eq!(updated.json["id"], team.as_str());
    assert_eq!(updated.json["organizationId"], new_org.as_str());
}

/// upstream: team.test.ts › team › should add and remove team member with explicit organizationId
#[tokio::test]
async fn upstream_add_and_remove_team_member_with_explicit_organization_id() {
    let h = teams(TeamOptions::enabled());
    let (owner_id, owner) = h.user("Owner").await;
    let org = h.organization(&owner, "test-org").await;
    let team = create_team(&h, &owner, &org, "Team for Member Test").await;
    add_to_team(&h, &owner, &org, &team, &owner_id).await;
    let (user_id, _) = h.user("TeamUser").await;
    h.add(&org, &user_id, "member").await;
    let added = h
        .post(
            "/organization/add-team-member",
            json!({"userId": user_id, "teamId": team, "organizationId": org}),
            Some(&owner),
        )
        .await;
    assert_eq!(added.json["teamId"], team.as_str());
    assert_eq!(added.json["userId"], user_id.as_str());
    let list = format!("/organization/list-team-members?teamId={team}");
    let before = h.get(&list, Some(&owner)).await.json;
    assert!(
        before
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["userId"] == user_id.as_str())
    );
    let removed = h
        .post(
            "/organization/remove-team-member",
            json!({"userId": user_id, "teamId": team, "organizationId": org}),
            Some(&owner),
        )
        .await;
    assert_eq!(removed.json["message"], "Team member removed successfully.");
    let after = h.get(&list, Some(&owner)).await.json;
    assert!(
        !after
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["userId"] == user_id.as_str())
    );
}

/// An owner in an organization with a second team and a member in it, and an outsider.
struct UserTeams {
    h: Harness,
    team: String,
    owner: (String, String),
    member: (String, String),
    outsider: String,
}

async fn user_teams() -> UserTeams {
    let h = teams(TeamOptions::enabled());
    let owner = h.user("Owner").await;
    let org = h.organization(&owner.1, "teams-test-org").await;
    let team = create_team(&h, &owner.1, &org, "Alpha Team").await;
    let member = h.user("Member").await;
    h.add(&org, &member.0, "member").await;
    add_to_team(&h, &owner.1, &org, &team, &member.0).await;
    set_active(&h, &member.1, json!(org)).await;
    let (_, outsider) = h.user("Outsider").await;
    UserTeams {
        h,
        team,
        owner,
        member,
        outsider,
    }
}

/// upstream: team.test.ts › listUserTeams with userId parameter › should list own teams without userId param (backwards compatible)
#[tokio::test]
async fn upstream_list_own_teams_without_user_id() {
    let t = user_teams().await;
    let res =
        t.h.get("/organization/list-user-teams", Some(&t.member.1))
            .await;
    assert_eq!(ids(&res.json), [t.team.as_str()]);
}

/// upstream: team.test.ts › listUserTeams with userId parameter › should allow a user to list their own teams with userId param
#[tokio::test]
async fn upstream_list_own_teams_with_user_id() {
    let t = user_teams().await;
    let path = format!("/organization/list-user-teams?userId={}", t.member.0);
    let res = t.h.get(&path, Some(&t.member.1)).await;
    assert_eq!(ids(&res.json), [t.team.as_str()]);
}

/// upstream: team.test.ts › listUserTeams with userId parameter › should allow an owner to list another user's teams
#[tokio::test]
async fn upstream_owner_lists_another_users_teams() {
    let t = user_teams().await;
    let path = format!("/organization/list-user-teams?userId={}", t.member.0);
    let res = t.h.get(&path, Some(&t.owner.1)).await;
    assert_eq!(ids(&res.json), [t.team.as_str()]);
}

/// upstream: team.test.ts › listUserTeams with userId parameter › should not allow a member to list another user's teams
#[tokio::test]
async fn upstream_member_cannot_list_another_users_teams() {
    let t = user_teams().await;
    let path = format!("/organization/list-user-teams?userId={}", t.owner.0);
    t.h.get(&path, Some(&t.member.1)).await.assert_error(
        StatusCode::FORBIDDEN,
        "YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_MEMBER",
    );
}

/// upstream: team.test.ts › listUserTeams with userId parameter › should not allow querying teams of a user not in the organization
#[tokio::test]
async fn upstream_cannot_list_teams_of_a_non_member() {
    let t = user_teams().await;
    let path = "/organization/list-user-teams?userId=non-existent-user-id";
    t.h.get(path, Some(&t.owner.1)).await.assert_error(
        StatusCode::BAD_REQUEST,
        "USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION",
    );
}

/// upstream: team.test.ts › listUserTeams with userId parameter › should fail when querying another user without an active organization
#[tokio::test]
async fn upstream_listing_another_user_needs_an_active_organization() {
    let t = user_teams().await;
    let path = format!("/organization/list-user-teams?userId={}", t.member.0);
    t.h.get(&path, Some(&t.outsider))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "NO_ACTIVE_ORGANIZATION");
}

/// Two organizations of one owner (active: B) with a team each; a member in both teams (active: A).
struct TwoOrgs {
    h: Harness,
    org_a: String,
    org_b: String,
    team_a: String,
    team_b: String,
    owner: String,
    member: (String, String),
}

async fn two_orgs() -> TwoOrgs {
    let h = teams(TeamOptions::enabled());
    let (_, owner) = h.user("Owner").await;
    let org_a = h.organization(&owner, "multi-org-a").await;
    let org_b = h.organization(&owner, "multi-org-b").await;
    set_active(&h, &owner, json!(org_b)).await;
    let team_a = create_team(&h, &owner, &org_a, "Team in A").await;
    let team_b = create_team(&h, &owner, &org_b, "Team in B").await;
    let member = h.user("Member").await;
    for (org, team) in [(&org_a, &team_a), (&org_b, &team_b)] {
        h.add(org, &member.0, "member").await;
        add_to_team(&h, &owner, org, team, &member.0).await;
    }
    set_active(&h, &member.1, json!(org_a)).await;
    TwoOrgs {
        h,
        org_a,
        org_b,
        team_a,
        team_b,
        owner,
        member,
    }
}

/// upstream: team.test.ts › listUserTeams with organizationId parameter › should return self teams across all orgs when organizationId is omitted
#[tokio::test]
async fn upstream_own_teams_across_organizations() {
    let t = two_orgs().await;
    let res =
        t.h.get("/organization/list-user-teams", Some(&t.member.1))
            .await;
    let mut expected = [t.team_a.as_str(), t.team_b.as_str()];
    expected.sort_unstable();
    assert_eq!(ids(&res.json), expected);
}

/// upstream: team.test.ts › listUserTeams with organizationId parameter › should scope self query to explicit organizationId
#[tokio::test]
async fn upstream_own_teams_in_one_organization() {
    let t = two_orgs().await;
    let path = format!("/organization/list-user-teams?organizationId={}", t.org_b);
    let res = t.h.get(&path, Some(&t.member.1)).await;
    assert_eq!(ids(&res.json), [t.team_b.as_str()]);
}

/// upstream: team.test.ts › listUserTeams with organizationId parameter › should allow owner to list another user's teams in a non-active org via explicit organizationId
#[tokio::test]
async fn upstream_owner_lists_teams_in_a_non_active_organization() {
    let t = two_orgs().await;
    let path = format!(
        "/organization/list-user-teams?userId={}&organizationId={}",
        t.member.0, t.org_a
    );
    let res = t.h.get(&path, Some(&t.owner)).await;
    assert_eq!(ids(&res.json), [t.team_a.as_str()]);
}

/// upstream: team.test.ts › listUserTeams with organizationId parameter › should forbid self query with explicit organizationId when user is not a member
#[tokio::test]
async fn upstream_outsider_cannot_scope_to_an_organization() {
    let t = two_orgs().await;
    let (_, outsider) = t.h.user("Outsider").await;
    let path = format!("/organization/list-user-teams?organizationId={}", t.org_a);
    t.h.get(&path, Some(&outsider)).await.assert_error(
        StatusCode::FORBIDDEN,
        "YOU_ARE_NOT_A_MEMBER_OF_THIS_ORGANIZATION",
    );
}

/// A user with an active team in their active organization and a team in a second organization.
async fn scoped_active_team() -> (Harness, String, String, String, String) {
    let h = teams(TeamOptions::enabled());
    let (user_id, cookie) = h.user("Scoped").await;
    let active_org = h.organization(&cookie, "scoped-org-one").await;
    let scoped = create_team(&h, &cookie, &active_org, "Scoped Team One").await;
    add_to_team(&h, &cookie, &active_org, &scoped, &user_id).await;
    let res = h
        .post(
            "/organization/create",
            json!({"name": "Scoped Org Two", "slug": "scoped-org-two", "keepCurrentActiveOrganization": true}),
            Some(&cookie),
        )
        .await;
    let other_org = res.json["id"].as_str().unwrap().to_owned();
    let out_of_scope = create_team(&h, &cookie, &other_org, "Scoped Team Two").await;
    add_to_team(&h, &cookie, &other_org, &out_of_scope, &user_id).await;
    set_active(&h, &cookie, json!(active_org)).await;
    let set = h
        .post(
            "/organization/set-active-team",
            json!({"teamId": scoped}),
            Some(&cookie),
        )
        .await;
    assert_eq!(set.json["id"], scoped.as_str());
    (h, cookie, active_org, scoped, out_of_scope)
}

/// upstream: team.test.ts › setActiveTeam org scoping › should reject teams outside the active organization and preserve the active team
#[tokio::test]
async fn upstream_set_active_team_outside_the_active_organization() {
    let (h, cookie, active_org, scoped, out_of_scope) = scoped_active_team().await;
    h.post(
        "/organization/set-active-team",
        json!({"teamId": out_of_scope}),
        Some(&cookie),
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "TEAM_NOT_FOUND");
    let session = h.get("/get-session", Some(&cookie)).await.json;
    assert_eq!(
        session["session"]["activeOrganizationId"],
        active_org.as_str()
    );
    assert_eq!(session["session"]["activeTeamId"], scoped.as_str());
}

/// upstream: team.test.ts › setActiveTeam org scoping › should require an active organization before setting the active team
#[tokio::test]
async fn upstream_set_active_team_needs_an_active_organization() {
    let (h, cookie, _, scoped, _) = scoped_active_team().await;
    set_active(&h, &cookie, Value::Null).await;
    h.post(
        "/organization/set-active-team",
        json!({"teamId": scoped}),
        Some(&cookie),
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "NO_ACTIVE_ORGANIZATION");
    let session = h.get("/get-session", Some(&cookie)).await.json;
    assert_eq!(session["session"]["activeOrganizationId"], Value::Null);
}

/// upstream: team.test.ts › accept-invitation validates team capacity before adding the member › enforces the team limit when adding an existing organization member directly
#[tokio::test]
async fn upstream_team_limit_on_direct_adds_counts_uncounted_rows() {
    let h = teams(TeamOptions::enabled().maximum_members_per_team(Limit::Fixed(2)));
    let (_, owner) = h.user("Owner").await;
    let org = h.organization(&owner, "capacity-org").await;
    let team = create_team(&h, &owner, &org, "Direct Add Capacity Team").await;
    // A membership written straight to the database, past the counter.
    let (seed_id, _) = h.user("Seed").await;
    let seed = bulwark_organization::models::TeamMember {
        team_id: team.clone(),
        user_id: seed_id,
        membership_key: None,
        created_at: None,
        id: "seeded-team-member".to_owned(),
    };
    h.auth.store().create(seed).await.unwrap();
    let (first, _) = h.user("First").await;
    let (second, _) = h.user("Second").await;
    h.add(&org, &first, "member").await;
    h.add(&org, &second, "member").await;
    add_to_team(&h, &owner, &org, &team, &first).await;
    h.post(
        "/organization/add-team-member",
        json!({"teamId": team, "userId": second, "organizationId": org}),
        Some(&owner),
    )
    .await
    .assert_error(StatusCode::FORBIDDEN, "TEAM_MEMBER_LIMIT_REACHED");
    let members = h.api().list_team_members(&team).await.unwrap();
    assert_eq!(members.len(), 2);
    assert!(members.iter().any(|m| m.user_id == first));
    assert!(!members.iter().any(|m| m.user_id == second));
}

/// An organization (with its default team) and two more teams, as upstream's `team` suite sets up.
async fn three_teams() -> (Harness, String, String, String) {
    let h = teams(TeamOptions::enabled());
    let (_, owner) = h.user("Owner").await;
    let org = h.organization(&owner, "test-org").await;
    let development = create_team(&h, &owner, &org, "Development Team").await;
    create_team(&h, &owner, &org, "Marketing Team").await;
    (h, owner, org, development)
}

/// upstream: team.test.ts › team › should create an organization and a team
#[tokio::test]
async fn upstream_create_an_organization_and_a_team() {
    let h = teams(TeamOptions::enabled());
    let (_, owner) = h.user("Owner").await;
    let org = h.organization(&owner, "test-org").await;
    for name in ["Development Team", "Marketing Team"] {
        let res = h
            .post(
                "/organization/create-team",
                json!({"name": name, "organizationId": org}),
                Some(&owner),
            )
            .await;
        assert_eq!(res.json["name"], name);
        assert_eq!(res.json["organizationId"], org.as_str());
    }
}

/// upstream: team.test.ts › team › should get all teams
#[tokio::test]
async fn upstream_get_all_teams() {
    let (h, owner, _, _) = three_teams().await;
    let res = h.get("/organization/list-teams", Some(&owner)).await;
    assert_eq!(res.json.as_array().unwrap().len(), 3);
}

/// upstream: team.test.ts › team › should update a team
#[tokio::test]
async fn upstream_update_a_team() {
    let (h, owner, _, development) = three_teams().await;
    let res = h
        .post(
            "/organization/update-team",
            json!({"teamId": development, "data": {"name": "Updated Development Team"}}),
            Some(&owner),
        )
        .await;
    assert_eq!(res.json["name"], "Updated Development Team");
    assert_eq!(res.json["id"], development.as_str());
}

/// upstream: team.test.ts › team › should remove a team
#[tokio::test]
async fn upstream_remove_a_team() {
    let (h, owner, org, development) = three_teams().await;
    let before = h.get("/organization/list-teams", Some(&owner)).await;
    assert_eq!(before.json.as_array().unwrap().len(), 3);
    let res = h
        .post(
            "/organization/remove-team",
            json!({"teamId": development, "organizationId": org}),
            Some(&owner),
        )
        .await;
    assert_eq!(res.json["message"], "Team removed successfully.");
    let after = h.get("/organization/list-teams", Some(&owner)).await;
    assert_eq!(after.json.as_array().unwrap().len(), 2);
}
