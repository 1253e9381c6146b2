//! Owners and custom roles (upstream's "owner can update roles"): an owner gives members and themselves a
//! custom role next to or instead of `owner`, and the last owner cannot give up the creator role.
//!
//! Upstream creates its users with the admin plugin; here they sign up. Its tests share one instance and
//! run in order, so each test below replays the steps before it.

use bulwark_organization::OrganizationOptions;
use bulwark_organization::access::{AccessControl, default_roles};
use bulwark_organization::api::NewMember;
use http::StatusCode;
use serde_json::{Value, json};

use crate::Harness;

/// Statements `custom: [custom]`, and the roles `custom` (granting it) and `owner` (upstream's default).
fn options() -> OrganizationOptions {
    let ac = AccessControl::new([("custom", ["custom"])]);
    let custom = ac.new_role([("custom", ["custom"])]);
    let owner = default_roles()
        .into_iter()
        .find(|(name, _)| name == "owner")
        .unwrap()
        .1;
    OrganizationOptions::default()
        .access_control(ac)
        .roles([("custom", custom), ("owner", owner)])
}

/// The shared state: the creator (`admin`), the organization and the creator's membership.
struct Owners {
    h: Harness,
    admin: String,
    org: String,
    owner_member: String,
}

impl Owners {
    async fn new() -> Self {
        let h = Harness::with_options(options());
        let (_, admin) = h.user("Admin").await;
        let org = h.organization(&admin, "org").await;
        let full = h
            .get(
                &format!("/organization/get-full-organization?organizationId={org}"),
                Some(&admin),
            )
            .await;
        let owner_member = full.json["members"][0]["id"].as_str().unwrap().to_owned();
        Self {
            h,
            admin,
            org,
            owner_member,
        }
    }

    async fn update_role(&self, cookie: &str, member_id: &str, role: Value) -> (StatusCode, Value) {
        let res = self
            .h
            .post(
                "/organization/update-member-role",
                json!({"organizationId": self.org, "memberId": member_id, "role": role}),
                Some(cookie),
            )
            .await;
        (res.status, res.json)
    }

    async fn may_custom(&self, cookie: &str) -> Value {
        let res = self
            .h
            .post(
                "/organization/has-permission",
                json!({"organizationId": self.org, "permissions": {"custom": ["custom"]}}),
                Some(cookie),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.json);
        res.json
    }

    /// Step one: a new member, made `custom,owner` by the creator. Returns the member's cookie.
    async fn custom_owner_member(&self) -> String {
        let (user_id, user) = self.h.user("User").await;
        let api = self.h.api();
        // Upstream adds the user with `role: []` and stores an empty role; Bulwark's `add_member` refuses
        // an empty role list (as it refuses unknown roles), so the user joins as `member`.
        let empty = api
            .add_member(NewMember::new(&self.org, &user_id, &[]))
            .await
            .unwrap_err();
        assert_eq!(empty.status(), StatusCode::BAD_REQUEST);
        let member = api
            .add_member(NewMember::new(&self.org, &user_id, &["member"]))
            .await
            .unwrap();
        let (status, updated) = self
            .update_role(&self.admin, &member.id, json!(["custom", "owner"]))
            .await;
        assert_eq!(status, StatusCode::OK, "{updated}");
        assert_eq!(updated["role"], "custom,owner");
        user
    }
}

// upstream: organization.test.ts › owner can update roles › allows setting custom role to a user
#[tokio::test]
async fn an_owner_gives_a_member_a_custom_role() {
    let owners = Owners::new().await;
    let user = owners.custom_owner_member().await;
    assert_eq!(
        owners.may_custom(&user).await,
        json!({"error": null, "success": true})
    );
}

// upstream: organization.test.ts › owner can update roles › allows org owner to set a custom role for themselves
#[tokio::test]
async fn an_owner_gives_themselves_a_custom_role() {
    let owners = Owners::new().await;
    owners.custom_owner_member().await;
    let before = owners.may_custom(&owners.admin).await;
    assert_eq!(before["success"], false);
    let (status, updated) = owners
        .update_role(
            &owners.admin,
            &owners.owner_member,
            json!(["owner", "custom"]),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(updated["role"], "owner,custom");
    assert_eq!(
        owners.may_custom(&owners.admin).await,
        json!({"error": null, "success": true})
    );
}

// upstream: organization.test.ts › owner can update roles › allows an org owner to remove their own creator role if not sole owner
#[tokio::test]
async fn an_owner_gives_up_the_creator_role_while_another_owner_remains() {
    let owners = Owners::new().await;
    owners.custom_owner_member().await;
    let (status, updated) = owners
        .update_role(&owners.admin, &owners.owner_member, json!(["custom"]))
        .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(updated["role"], "custom");
    let roles = owners.h.roles(&owners.org).await;
    assert_eq!(roles.iter().filter(|(_, r)| r.contains("owner")).count(), 1);
}

// upstream: organization.test.ts › owner can update roles › should throw error if sole org owner tries to remove creator role
#[tokio::test]
async fn the_sole_owner_keeps_the_creator_role() {
    let owners = Owners::new().await;
    let user = owners.custom_owner_member().await;
    let (status, _) = owners
        .update_role(&owners.admin, &owners.owner_member, json!(["custom"]))
        .await;
    assert_eq!(status, StatusCode::OK);
    // The user is now the only owner: dropping `owner` from their own roles is refused.
    let full = owners
        .h
        .get(
            &format!(
                "/organization/get-full-organization?organizationId={}",
                owners.org
            ),
            Some(&user),
        )
        .await;
    let own = full.json["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["user"]["name"] == "User")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, body) = owners.update_role(&user, &own, json!(["custom"])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(
        body["code"],
        "YOU_CANNOT_LEAVE_THE_ORGANIZATION_WITHOUT_AN_OWNER"
    );
    // Upstream's (never run) body sends `role: []`, which is refused before any owner check.
    let (status, _) = owners
        .update_role(&user, &owners.owner_member, json!([]))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let roles = owners.h.roles(&owners.org).await;
    assert!(roles.iter().any(|(_, r)| r == "custom,owner"));
}
