//! One end-to-end flow through every organization endpoint over HTTP, run on each storage backend
//! (`db::sqlite`, `db::postgres`, `db::mysql` and here on memory): organizations, invitations, members,
//! permissions, teams and stored roles, with the database checked against what each answer claims.

use std::sync::Arc;

use bulwark_core::Environment;
use bulwark_core::adapter::memory::MemoryAdapter;
use bulwark_core::adapter::{Row, Where};
use bulwark_core::models::{Model, User};
use bulwark_organization::OrganizationOptions;
use bulwark_organization::access::{AccessControl, Role, default_roles, permissions};
use bulwark_organization::models::{
    Invitation, Member, Organization, OrganizationRole, Team, TeamMember,
};
use bulwark_organization::options::{DynamicAccessControl, TeamOptions};
use bulwark_test_support::{Backend, FakeClock, SequentialIds, TestDb};
use http::StatusCode;
use serde_json::{Value, json};
use time::Duration;
use time::macros::datetime;

use crate::Harness;
use crate::harness::Response;

/// Teams on, and dynamic access control over the default statements plus `project`.
fn options() -> OrganizationOptions {
    let mut statements = permissions([("project", vec!["create", "read", "update", "delete"])]);
    statements.extend(AccessControl::default().statements().clone());
    let default = |name: &str| {
        default_roles()
            .into_iter()
            .find(|(n, _)| n == name)
            .unwrap()
            .1
    };
    let owner = Role::new(permissions([(
        "project",
        vec!["create", "read", "update", "delete"],
    )]))
    .merged(default("owner").statements());
    let admin = Role::new(permissions([("project", vec!["read", "update"])]))
        .merged(default("admin").statements());
    let member =
        Role::new(permissions([("project", vec!["read"])])).merged(default("member").statements());
    OrganizationOptions::default()
        .access_control(AccessControl::new(statements))
        .roles([("admin", admin), ("member", member), ("owner", owner)])
        .dynamic_access_control(DynamicAccessControl::enabled())
        .teams(TeamOptions::enabled())
}

/// A JSON document answered as a string.
fn parsed(value: &Value) -> Value {
    serde_json::from_str(value.as_str().unwrap()).unwrap()
}

/// The flow's state: the harness, its clock, the three users and the organization.
struct Flow {
    h: Harness,
    clock: Arc<FakeClock>,
    alice_id: String,
    alice: String,
    bob_id: String,
    bob: String,
    carol_id: String,
    carol: String,
    org: String,
}

/// Runs the flow on `backend` (skipped locally when its URL is unset).
pub(crate) async fn flow_on(backend: Backend) {
    let schema = Harness::with_options(options()).auth.schema().clone();
    let Some(db) = TestDb::new(backend, &schema).await else {
        return;
    };
    flow(db.adapter()).await;
    db.cleanup().await;
}

#[tokio::test]
async fn memory_flow() {
    flow(Arc::new(MemoryAdapter::new())).await;
}

async fn flow(adapter: Arc<dyn bulwark_core::Adapter>) {
    // Milliseconds in the start time check that every backend keeps them.
    let clock = Arc::new(FakeClock::at(datetime!(2026-01-01 00:00:00.123 UTC)));
    let env = Environment {
        clock: Arc::clone(&clock) as _,
        ids: Arc::new(SequentialIds::new()),
    };
    let h = Harness::build(options(), adapter, move |b| b.environment(env));
    let (alice_id, alice) = h.user("Alice").await;
    let (bob_id, bob) = h.user("Bob").await;
    let (carol_id, carol) = h.user("Carol").await;
    let mut flow = Flow {
        h,
        clock,
        alice_id,
        alice,
        bob_id,
        bob,
        carol_id,
        carol,
        org: String::new(),
    };
    flow.organization().await;
    flow.organization_reads_and_updates().await;
    flow.invitations().await;
    flow.rejections_and_cancels().await;
    flow.member_listing().await;
    flow.member_roles().await;
    flow.teams().await;
    flow.roles().await;
    flow.departures().await;
    flow.deletion().await;
}

impl Flow {
    async fn post(&self, path: &str, body: Value, cookie: &str) -> Response {
        let res = self
            .h
            .post(&format!("/organization/{path}"), body, Some(cookie))
            .await;
        self.clock.advance(Duration::seconds(1));
        res
    }

    async fn get(&self, path: &str, cookie: &str) -> Response {
        self.h
            .get(&format!("/organization/{path}"), Some(cookie))
            .await
    }

    /// `post`, asserting `200`, answering the body.
    async fn ok_post(&self, path: &str, body: Value, cookie: &str) -> Value {
        let res = self.post(path, body, cookie).await;
        assert_eq!(res.status, StatusCode::OK, "{path}: {}", res.json);
        res.json
    }

    /// `get`, asserting `200`, answering the body.
    async fn ok_get(&self, path: &str, cookie: &str) -> Value {
        let res = self.get(path, cookie).await;
        assert_eq!(res.status, StatusCode::OK, "{path}: {}", res.json);
        res.json
    }

    async fn count<M: Model>(&self, filter: &Where) -> u64 {
        self.h.auth.store().count::<M>(filter).await.unwrap()
    }

    fn in_org(&self) -> Where {
        Where::eq("organizationId", self.org.as_str())
    }

    async fn member_row(&self, user_id: &str) -> Option<Member> {
        self.h
            .auth
            .store()
            .find_one(&self.in_org().and(Where::eq("userId", user_id)))
            .await
            .unwrap()
    }

    async fn invitation_row(&self, id: &str) -> Invitation {
        self.h
            .auth
            .store()
            .find_one(&Where::eq("id", id))
            .await
            .unwrap()
            .unwrap()
    }

    async fn session(&self, cookie: &str) -> Value {
        let res = self.h.get("/get-session", Some(cookie)).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.json);
        res.json["session"].clone()
    }

    async fn has_permission(&self, cookie: &str, permissions: Value) -> bool {
        let res = self
            .ok_post(
                "has-permission",
                json!({"organizationId": self.org, "permissions": permissions}),
                cookie,
            )
            .await;
        res["success"].as_bool().unwrap()
    }

    /// check-slug and create.
    async fn organization(&mut self) {
        let res = self
            .ok_post("check-slug", json!({"slug": "acme"}), &self.alice)
            .await;
        assert_eq!(res, json!({"status": true}));
        let created = self
            .ok_post(
                "create",
                json!({"name": "Acme", "slug": "acme", "metadata": {"plan": "pro", "seats": 5}}),
                &self.alice,
            )
            .await;
        self.org = created["id"].as_str().unwrap().to_owned();
        assert_eq!(created["slug"], "acme");
        assert_eq!(created["createdAt"], "2026-01-01T00:00:01.123Z");
        assert_eq!(created["metadata"], json!({"plan": "pro", "seats": 5}));
        assert_eq!(created["members"][0]["userId"], self.alice_id.as_str());
        assert_eq!(created["members"][0]["role"], "owner");
        self.post("check-slug", json!({"slug": "acme"}), &self.alice)
            .await
            .assert_error(StatusCode::BAD_REQUEST, "ORGANIZATION_SLUG_ALREADY_TAKEN");
        let stored: Organization = self
            .h
            .auth
            .store()
            .find_one(&Where::eq("id", self.org.as_str()))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.created_at, datetime!(2026-01-01 00:00:01.123 UTC));
        assert_eq!(
            stored.metadata_json(),
            Some(json!({"plan": "pro", "seats": 5}))
        );
        assert_eq!(self.count::<Member>(&self.in_org()).await, 1);
        // Teams on: the creator's default team, with the creator in it, active in the session.
        let teams: Vec<Team> = self
            .h
            .auth
            .store()
            .find_many(&self.in_org(), &[], None, None)
            .await
            .unwrap();
        assert_eq!(teams.len(), 1);
        assert_eq!(teams[0].name, "Acme");
        assert_eq!(
            self.count::<TeamMember>(&Where::eq("teamId", teams[0].id.as_str()))
                .await,
            1
        );
        let session = self.session(&self.alice).await;
        assert_eq!(session["activeOrganizationId"], self.org.as_str());
        assert_eq!(session["activeTeamId"], teams[0].id.as_str());
    }

    /// list, get-organization, get-full-organization, update, set-active.
    async fn organization_reads_and_updates(&self) {
        let listed = self.ok_get("list", &self.alice).await;
        assert_eq!(listed.as_array().unwrap().len(), 1);
        assert_eq!(listed[0]["id"], self.org.as_str());
        // Reads answer the stored metadata string, as upstream's do.
        assert_eq!(
            parsed(&listed[0]["metadata"]),
            json!({"plan": "pro", "seats": 5})
        );
        assert_eq!(self.ok_get("list", &self.bob).await, json!([]));

        let got = self
            .ok_get("get-organization?organizationSlug=acme", &self.alice)
            .await;
        assert_eq!(got["id"], self.org.as_str());
        assert_eq!(got["name"], "Acme");

        let full = self.ok_get("get-full-organization", &self.alice).await;
        assert_eq!(full["id"], self.org.as_str());
        assert_eq!(
            parsed(&full["metadata"]),
            json!({"plan": "pro", "seats": 5})
        );
        assert_eq!(full["invitations"], json!([]));
        assert_eq!(full["members"].as_array().unwrap().len(), 1);
        assert_eq!(full["members"][0]["user"]["email"], "alice@example.com");
        assert_eq!(full["teams"].as_array().unwrap().len(), 1);
        assert_eq!(full["teams"][0]["name"], "Acme");

        let updated = self
            .ok_post(
                "update",
                json!({"organizationId": self.org, "data": {"name": "Acme Inc", "logo": "https://acme.test/logo.png", "metadata": {"plan": "enterprise"}}}),
                &self.alice,
            )
            .await;
        assert_eq!(updated["id"], self.org.as_str());
        assert_eq!(updated["name"], "Acme Inc");
        assert_eq!(updated["slug"], "acme");
        assert_eq!(updated["metadata"], json!({"plan": "enterprise"}));
        let stored: Organization = self
            .h
            .auth
            .store()
            .find_one(&Where::eq("id", self.org.as_str()))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.name, "Acme Inc");
        assert_eq!(stored.logo.as_deref(), Some("https://acme.test/logo.png"));
        assert_eq!(stored.metadata_json(), Some(json!({"plan": "enterprise"})));

        // Clear the active organization, then set it again by slug.
        let cleared = self
            .ok_post("set-active", json!({"organizationId": null}), &self.alice)
            .await;
        assert_eq!(cleared, Value::Null);
        assert_eq!(
            self.session(&self.alice).await["activeOrganizationId"],
            Value::Null
        );
        let active = self
            .ok_post(
                "set-active",
                json!({"organizationSlug": "acme"}),
                &self.alice,
            )
            .await;
        assert_eq!(active["id"], self.org.as_str());
        assert_eq!(active["name"], "Acme Inc");
        assert_eq!(
            self.session(&self.alice).await["activeOrganizationId"],
            self.org.as_str()
        );
        self.post("set-active", json!({"organizationId": self.org}), &self.bob)
            .await
            .assert_error(
                StatusCode::FORBIDDEN,
                "USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION",
            );
    }

    /// invite-member, list-invitations, get-invitation, list-user-invitations, accept.
    async fn invitations(&self) {
        let invited = self
            .ok_post(
                "invite-member",
                json!({"email": "bob@example.com", "role": "member"}),
                &self.alice,
            )
            .await;
        let bob_invitation = invited["id"].as_str().unwrap().to_owned();
        assert_eq!(invited["organizationId"], self.org.as_str());
        assert_eq!(invited["email"], "bob@example.com");
        assert_eq!(invited["status"], "pending");
        assert_eq!(invited["inviterId"], self.alice_id.as_str());
        assert_eq!(self.invitation_row(&bob_invitation).await.status, "pending");

        let listed = self.ok_get("list-invitations", &self.alice).await;
        assert_eq!(listed.as_array().unwrap().len(), 1);
        assert_eq!(listed[0]["id"], bob_invitation.as_str());
        assert_eq!(listed[0]["status"], "pending");

        let got = self
            .ok_get(&format!("get-invitation?id={bob_invitation}"), &self.bob)
            .await;
        assert_eq!(got["id"], bob_invitation.as_str());
        assert_eq!(got["organizationName"], "Acme Inc");
        assert_eq!(got["organizationSlug"], "acme");
        assert_eq!(got["inviterEmail"], "alice@example.com");

        self.get("list-user-invitations", &self.bob)
            .await
            .assert_error(
                StatusCode::FORBIDDEN,
                "EMAIL_VERIFICATION_REQUIRED_FOR_INVITATION",
            );
        for user in [&self.bob_id, &self.carol_id] {
            self.h
                .auth
                .store()
                .update::<User>(
                    &Where::eq("id", user.as_str()),
                    Row::new().with("emailVerified", true),
                )
                .await
                .unwrap();
        }
        let mine = self.ok_get("list-user-invitations", &self.bob).await;
        assert_eq!(mine.as_array().unwrap().len(), 1);
        assert_eq!(mine[0]["id"], bob_invitation.as_str());
        assert_eq!(mine[0]["organizationName"], "Acme Inc");

        let accepted = self
            .ok_post(
                "accept-invitation",
                json!({"invitationId": bob_invitation}),
                &self.bob,
            )
            .await;
        assert_eq!(accepted["invitation"]["status"], "accepted");
        assert_eq!(accepted["member"]["userId"], self.bob_id.as_str());
        assert_eq!(accepted["member"]["role"], "member");
        let member = self.member_row(&self.bob_id).await.expect("bob joined");
        assert_eq!(accepted["member"]["id"], member.id.as_str());
        assert_eq!(member.role, "member");
        assert_eq!(
            self.invitation_row(&bob_invitation).await.status,
            "accepted"
        );
        assert_eq!(
            self.session(&self.bob).await["activeOrganizationId"],
            self.org.as_str()
        );
        assert_eq!(
            self.ok_get("list-user-invitations", &self.bob).await,
            json!([])
        );
    }

    /// reject-invitation and cancel-invitation; then Carol accepts a second invitation as admin.
    async fn rejections_and_cancels(&self) {
        let invited = self
            .ok_post(
                "invite-member",
                json!({"organizationId": self.org, "email": "carol@example.com", "role": "admin"}),
                &self.alice,
            )
            .await;
        let rejected_id = invited["id"].as_str().unwrap().to_owned();
        let rejected = self
            .ok_post(
                "reject-invitation",
                json!({"invitationId": rejected_id}),
                &self.carol,
            )
            .await;
        assert_eq!(rejected["invitation"]["status"], "rejected");
        assert_eq!(rejected["member"], Value::Null);
        assert_eq!(self.invitation_row(&rejected_id).await.status, "rejected");
        assert!(self.member_row(&self.carol_id).await.is_none());

        let invited = self
            .ok_post(
                "invite-member",
                json!({"email": "dave@example.com", "role": "member"}),
                &self.alice,
            )
            .await;
        let canceled_id = invited["id"].as_str().unwrap().to_owned();
        let canceled = self
            .ok_post(
                "cancel-invitation",
                json!({"invitationId": canceled_id}),
                &self.alice,
            )
            .await;
        assert_eq!(canceled["id"], canceled_id.as_str());
        assert_eq!(canceled["status"], "canceled");
        assert_eq!(self.invitation_row(&canceled_id).await.status, "canceled");

        let invited = self
            .ok_post(
                "invite-member",
                json!({"email": "carol@example.com", "role": "admin"}),
                &self.alice,
            )
            .await;
        let carol_invitation = invited["id"].as_str().unwrap();
        let accepted = self
            .ok_post(
                "accept-invitation",
                json!({"invitationId": carol_invitation}),
                &self.carol,
            )
            .await;
        assert_eq!(accepted["member"]["role"], "admin");
        assert_eq!(self.member_row(&self.carol_id).await.unwrap().role, "admin");

        let statuses: Vec<(String, String)> = self
            .ok_get(
                &format!("list-invitations?organizationId={}", self.org),
                &self.alice,
            )
            .await
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["email"].as_str().unwrap().to_owned(),
                    i["status"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let mut statuses = statuses;
        statuses.sort();
        assert_eq!(
            statuses,
            [
                ("bob@example.com", "accepted"),
                ("carol@example.com", "accepted"),
                ("carol@example.com", "rejected"),
                ("dave@example.com", "canceled"),
            ]
            .map(|(e, s)| (e.to_owned(), s.to_owned()))
        );
        assert_eq!(self.count::<Invitation>(&self.in_org()).await, 4);
        assert_eq!(self.count::<Member>(&self.in_org()).await, 3);
    }

    /// list-members: paging, sorting, filtering.
    async fn member_listing(&self) {
        let all = self.ok_get("list-members", &self.alice).await;
        assert_eq!(all["total"], 3);
        let users: Vec<&str> = all["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["userId"].as_str().unwrap())
            .collect();
        assert_eq!(
            users,
            [
                self.alice_id.as_str(),
                self.bob_id.as_str(),
                self.carol_id.as_str()
            ]
        );
        assert_eq!(all["members"][1]["user"]["email"], "bob@example.com");

        let page = self
            .ok_get(
                "list-members?limit=1&offset=1&sortBy=createdAt&sortDirection=desc",
                &self.alice,
            )
            .await;
        assert_eq!(page["total"], 3);
        assert_eq!(page["members"].as_array().unwrap().len(), 1);
        assert_eq!(page["members"][0]["userId"], self.bob_id.as_str());

        let admins = self
            .ok_get(
                "list-members?filterField=role&filterOperator=eq&filterValue=admin",
                &self.bob,
            )
            .await;
        assert_eq!(admins["total"], 1);
        assert_eq!(admins["members"][0]["userId"], self.carol_id.as_str());
        let not_owners = self
            .ok_get(
                &format!(
                    "list-members?organizationId={}&filterField=role&filterOperator=ne&filterValue=owner&sortBy=userId&sortDirection=desc",
                    self.org
                ),
                &self.bob,
            )
            .await;
        assert_eq!(not_owners["total"], 2);
        assert_eq!(not_owners["members"][0]["userId"], self.carol_id.as_str());
        assert_eq!(not_owners["members"][1]["userId"], self.bob_id.as_str());

        // Timestamps compare as instants, lists as sets.
        let first_joined = all["members"][0]["createdAt"].as_str().unwrap();
        let later = self
            .ok_get(
                &format!("list-members?filterField=createdAt&filterOperator=gt&filterValue={first_joined}"),
                &self.alice,
            )
            .await;
        assert_eq!(later["total"], 2);
        assert_eq!(later["members"][0]["userId"], self.bob_id.as_str());
        let picked = self
            .ok_get(
                &format!(
                    "list-members?filterField=userId&filterOperator=in&filterValue={}&filterValue={}",
                    self.alice_id, self.carol_id
                ),
                &self.alice,
            )
            .await;
        assert_eq!(picked["total"], 2);
        assert_eq!(picked["members"][1]["userId"], self.carol_id.as_str());
    }

    /// update-member-role (Bob becomes admin), get-active-member, get-active-member-role,
    /// has-permission.
    async fn member_roles(&self) {
        let bob_member = self.member_row(&self.bob_id).await.unwrap().id;
        let updated = self
            .ok_post(
                "update-member-role",
                json!({"memberId": bob_member, "role": "admin"}),
                &self.alice,
            )
            .await;
        assert_eq!(updated["id"], bob_member.as_str());
        assert_eq!(updated["role"], "admin");
        assert_eq!(self.member_row(&self.bob_id).await.unwrap().role, "admin");
        // Only an owner may make an owner.
        self.post(
            "update-member-role",
            json!({"memberId": bob_member, "role": "owner"}),
            &self.carol,
        )
        .await
        .assert_error(
            StatusCode::FORBIDDEN,
            "YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_MEMBER",
        );
        assert_eq!(self.member_row(&self.bob_id).await.unwrap().role, "admin");

        let active = self.ok_get("get-active-member", &self.bob).await;
        assert_eq!(active["id"], bob_member.as_str());
        assert_eq!(active["role"], "admin");
        assert_eq!(active["user"]["email"], "bob@example.com");
        assert_eq!(
            self.ok_get("get-active-member-role", &self.bob).await,
            json!({"role": "admin"})
        );
        assert_eq!(
            self.ok_get(
                &format!("get-active-member-role?userId={}", self.alice_id),
                &self.bob
            )
            .await,
            json!({"role": "owner"})
        );

        assert!(
            self.has_permission(
                &self.bob,
                json!({"member": ["update"], "project": ["update"]})
            )
            .await
        );
        assert!(
            !self
                .has_permission(&self.bob, json!({"organization": ["delete"]}))
                .await
        );
        assert!(
            !self
                .has_permission(&self.bob, json!({"project": ["delete"]}))
                .await
        );
        assert!(
            self.has_permission(
                &self.alice,
                json!({"organization": ["delete"], "project": ["delete"]})
            )
            .await
        );
    }

    /// create-team, update-team, list-teams, add-team-member, list-team-members, set-active-team,
    /// list-user-teams, remove-team-member, remove-team.
    async fn teams(&self) {
        let created = self
            .ok_post("create-team", json!({"name": "Platform"}), &self.alice)
            .await;
        let team = created["id"].as_str().unwrap().to_owned();
        assert_eq!(created["name"], "Platform");
        assert_eq!(created["organizationId"], self.org.as_str());
        assert_eq!(self.count::<Team>(&self.in_org()).await, 2);

        let updated = self
            .ok_post(
                "update-team",
                json!({"teamId": team, "data": {"name": "Platform Core"}}),
                &self.alice,
            )
            .await;
        assert_eq!(updated["id"], team.as_str());
        assert_eq!(updated["name"], "Platform Core");
        let stored: Team = self
            .h
            .auth
            .store()
            .find_one(&Where::eq("id", team.as_str()))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.name, "Platform Core");

        let listed = self.ok_get("list-teams", &self.bob).await;
        let mut names: Vec<&str> = listed
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap())
            .collect();
        names.sort_unstable();
        assert_eq!(names, ["Acme", "Platform Core"]);

        let added = self
            .ok_post(
                "add-team-member",
                json!({"teamId": team, "userId": self.bob_id}),
                &self.alice,
            )
            .await;
        assert_eq!(added["teamId"], team.as_str());
        assert_eq!(added["userId"], self.bob_id.as_str());
        let in_team = Where::eq("teamId", team.as_str());
        assert_eq!(self.count::<TeamMember>(&in_team).await, 1);

        let members = self
            .ok_get(&format!("list-team-members?teamId={team}"), &self.bob)
            .await;
        assert_eq!(members.as_array().unwrap().len(), 1);
        assert_eq!(members[0]["userId"], self.bob_id.as_str());
        // Alice is in the default team only.
        self.get(&format!("list-team-members?teamId={team}"), &self.alice)
            .await
            .assert_error(StatusCode::BAD_REQUEST, "USER_IS_NOT_A_MEMBER_OF_THE_TEAM");

        let active = self
            .ok_post("set-active-team", json!({"teamId": team}), &self.bob)
            .await;
        assert_eq!(active["id"], team.as_str());
        assert_eq!(self.session(&self.bob).await["activeTeamId"], team.as_str());
        // With a team active, list-team-members needs no id.
        let members = self.ok_get("list-team-members", &self.bob).await;
        assert_eq!(members[0]["teamId"], team.as_str());

        let mine = self.ok_get("list-user-teams", &self.bob).await;
        assert_eq!(mine.as_array().unwrap().len(), 1);
        assert_eq!(mine[0]["id"], team.as_str());
        let alices = self
            .ok_get(
                &format!("list-user-teams?userId={}", self.alice_id),
                &self.bob,
            )
            .await;
        assert_eq!(alices.as_array().unwrap().len(), 1);
        assert_eq!(alices[0]["name"], "Acme");

        let removed = self
            .ok_post(
                "remove-team-member",
                json!({"teamId": team, "userId": self.bob_id}),
                &self.alice,
            )
            .await;
        assert_eq!(removed["message"], "Team member removed successfully.");
        assert_eq!(self.count::<TeamMember>(&in_team).await, 0);
        assert_eq!(self.ok_get("list-user-teams", &self.bob).await, json!([]));

        let removed = self
            .ok_post("remove-team", json!({"teamId": team}), &self.alice)
            .await;
        assert_eq!(removed["message"], "Team removed successfully.");
        assert_eq!(self.count::<Team>(&self.in_org()).await, 1);
        assert_eq!(self.count::<Team>(&Where::eq("id", team.as_str())).await, 0);
        // The last team stays.
        let default_team = self.ok_get("list-teams", &self.alice).await[0]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        self.post("remove-team", json!({"teamId": default_team}), &self.bob)
            .await
            .assert_error(StatusCode::BAD_REQUEST, "UNABLE_TO_REMOVE_LAST_TEAM");
        assert_eq!(self.count::<Team>(&self.in_org()).await, 1);
    }

    /// create-role, list-roles, get-role, update-role, assignment, delete-role refused while assigned.
    async fn roles(&self) {
        let created = self
            .ok_post(
                "create-role",
                json!({"role": "Editor", "permission": {"project": ["read", "update"]}}),
                &self.alice,
            )
            .await;
        assert_eq!(created["success"], true);
        assert_eq!(created["roleData"]["role"], "editor");
        assert_eq!(created["roleData"]["organizationId"], self.org.as_str());
        assert_eq!(
            created["roleData"]["permission"],
            json!({"project": ["read", "update"]})
        );
        let role_id = created["roleData"]["id"].as_str().unwrap().to_owned();
        let stored: Vec<OrganizationRole> = self
            .h
            .auth
            .store()
            .find_many(&self.in_org(), &[], None, None)
            .await
            .unwrap();
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].id, role_id);
        assert_eq!(stored[0].role, "editor");

        let listed = self.ok_get("list-roles", &self.alice).await;
        assert_eq!(listed.as_array().unwrap().len(), 1);
        assert_eq!(listed[0]["id"], role_id.as_str());
        let got = self.ok_get("get-role?roleName=editor", &self.bob).await;
        assert_eq!(got["id"], role_id.as_str());
        assert_eq!(got["permission"], json!({"project": ["read", "update"]}));

        let updated = self
            .ok_post(
                "update-role",
                json!({"roleId": role_id, "data": {"permission": {"project": ["read", "update", "delete"]}}}),
                &self.alice,
            )
            .await;
        assert_eq!(updated["success"], true);
        assert_eq!(
            updated["roleData"]["permission"],
            json!({"project": ["read", "update", "delete"]})
        );
        let stored: OrganizationRole = self
            .h
            .auth
            .store()
            .find_one(&Where::eq("id", role_id.as_str()))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            serde_json::from_str::<Value>(&stored.permission).unwrap(),
            json!({"project": ["read", "update", "delete"]})
        );
        assert!(stored.updated_at.is_some());

        // Carol (admin) cannot delete projects until she is given the stored role.
        assert!(
            !self
                .has_permission(&self.carol, json!({"project": ["delete"]}))
                .await
        );
        let carol_member = self.member_row(&self.carol_id).await.unwrap().id;
        let assigned = self
            .ok_post(
                "update-member-role",
                json!({"memberId": carol_member, "role": "editor"}),
                &self.alice,
            )
            .await;
        assert_eq!(assigned["role"], "editor");
        assert_eq!(
            self.member_row(&self.carol_id).await.unwrap().role,
            "editor"
        );
        assert!(
            self.has_permission(&self.carol, json!({"project": ["delete"]}))
                .await
        );
        assert!(
            !self
                .has_permission(&self.carol, json!({"member": ["update"]}))
                .await
        );

        self.post("delete-role", json!({"roleName": "editor"}), &self.alice)
            .await
            .assert_error(StatusCode::BAD_REQUEST, "ROLE_IS_ASSIGNED_TO_MEMBERS");
        assert_eq!(
            self.count::<OrganizationRole>(&Where::eq("id", role_id.as_str()))
                .await,
            1
        );
    }

    /// remove-member (by email) and leave.
    async fn departures(&self) {
        let removed = self
            .ok_post(
                "remove-member",
                json!({"memberIdOrEmail": "bob@example.com"}),
                &self.alice,
            )
            .await;
        assert_eq!(removed["member"]["userId"], self.bob_id.as_str());
        assert_eq!(removed["member"]["user"]["email"], "bob@example.com");
        assert!(self.member_row(&self.bob_id).await.is_none());
        assert_eq!(self.ok_get("list", &self.bob).await, json!([]));

        // The only owner cannot leave; Carol can.
        self.post("leave", json!({"organizationId": self.org}), &self.alice)
            .await
            .assert_error(
                StatusCode::BAD_REQUEST,
                "YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER",
            );
        let left = self
            .ok_post("leave", json!({"organizationId": self.org}), &self.carol)
            .await;
        assert_eq!(left["userId"], self.carol_id.as_str());
        assert!(self.member_row(&self.carol_id).await.is_none());
        assert_eq!(
            self.session(&self.carol).await["activeOrganizationId"],
            Value::Null
        );
        assert_eq!(self.count::<Member>(&self.in_org()).await, 1);
        // With nobody holding it, the stored role can go.
        let deleted = self
            .ok_post("delete-role", json!({"roleName": "editor"}), &self.alice)
            .await;
        assert_eq!(deleted, json!({"success": true}));
        assert_eq!(self.count::<OrganizationRole>(&self.in_org()).await, 0);
    }

    /// delete: nothing of the organization remains.
    async fn deletion(&self) {
        // Leave something in every table: a pending invitation and a stored role.
        self.ok_post(
            "invite-member",
            json!({"email": "erin@example.com", "role": "member"}),
            &self.alice,
        )
        .await;
        self.ok_post(
            "create-role",
            json!({"role": "viewer", "permission": {"project": ["read"]}}),
            &self.alice,
        )
        .await;
        let teams: Vec<Team> = self
            .h
            .auth
            .store()
            .find_many(&self.in_org(), &[], None, None)
            .await
            .unwrap();
        let team_ids: Vec<String> = teams.into_iter().map(|t| t.id).collect();

        self.post("delete", json!({"organizationId": self.org}), &self.bob)
            .await
            .assert_error(
                StatusCode::BAD_REQUEST,
                "USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION",
            );
        let deleted = self
            .ok_post("delete", json!({"organizationId": self.org}), &self.alice)
            .await;
        assert_eq!(deleted["id"], self.org.as_str());
        assert_eq!(deleted["slug"], "acme");

        let in_org = self.in_org();
        assert_eq!(
            self.count::<Organization>(&Where::eq("id", self.org.as_str()))
                .await,
            0
        );
        assert_eq!(self.count::<Member>(&in_org).await, 0);
        assert_eq!(self.count::<Invitation>(&in_org).await, 0);
        assert_eq!(self.count::<Team>(&in_org).await, 0);
        assert_eq!(self.count::<OrganizationRole>(&in_org).await, 0);
        for team in &team_ids {
            assert_eq!(
                self.count::<TeamMember>(&Where::eq("teamId", team.as_str()))
                    .await,
                0
            );
        }
        assert_eq!(self.count::<TeamMember>(&Where::all()).await, 0);
        assert_eq!(
            self.session(&self.alice).await["activeOrganizationId"],
            Value::Null
        );
        assert_eq!(self.ok_get("list", &self.alice).await, json!([]));
        self.get("get-full-organization?organizationSlug=acme", &self.alice)
            .await
            .assert_error(StatusCode::BAD_REQUEST, "ORGANIZATION_NOT_FOUND");
        // The slug is free again.
        assert_eq!(
            self.ok_post("check-slug", json!({"slug": "acme"}), &self.alice)
                .await,
            json!({"status": true})
        );
    }
}
