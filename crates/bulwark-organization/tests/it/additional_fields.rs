//! Additional fields on organizations, members, invitations and teams (upstream's
//! `schema.<model>.additionalFields`): accepted by the create and update endpoints (those with `input`),
//! stored, and answered in declaration order before `id` (those with `returned`).
//!
//! Upstream's two suites share one instance each and run in order, so each test below replays the steps
//! before it. Where upstream expects an unset field to be `undefined` (its memory adapter leaves it out),
//! Bulwark answers `null`, as upstream does on SQL databases.
//!
//! Bulwark's memory adapter enforces required fields as SQL databases do, and upstream's does not. The
//! plugin's own writes (the creator's membership, the default team, the membership an accepted
//! invitation makes) cannot fill a required additional field, so here the required member and team
//! fields have a default; with upstream on a SQL database those writes would fail the same way.

use std::sync::Arc;

use bulwark_core::adapter::memory::MemoryAdapter;
use bulwark_core::adapter::{Row, Value};
use bulwark_core::schema::FieldType;
use bulwark_organization::OrganizationOptions;
use bulwark_organization::api::NewMember;
use bulwark_organization::fields::{AdditionalField, AdditionalFields};
use bulwark_organization::options::{Limit, TeamOptions};
use bulwark_test_support::{Backend, TestDb};
use http::StatusCode;
use serde_json::{Value as Json, json};

use crate::Harness;

/// A required string field (with `default`, if any), an optional one and an optional one that takes no
/// input.
fn three(prefix: &str, default: Option<&str>) -> Vec<AdditionalField> {
    let mut required = AdditionalField::new(format!("{prefix}RequiredField"), FieldType::String);
    if let Some(default) = default {
        required = required.default_value(default);
    }
    vec![
        required,
        AdditionalField::new(format!("{prefix}OptionalField"), FieldType::String).required(false),
        AdditionalField::new(format!("{prefix}HiddenField"), FieldType::String)
            .required(false)
            .input(false),
    ]
}

/// Upstream's "Additional Fields" options: teams, three fields per model, at most three invitations.
fn options() -> OrganizationOptions {
    let fields = AdditionalFields::default()
        .organization(three("some", None))
        .member(three("member", Some("default")))
        .team(three("team", Some("default")))
        .invitation(three("invitation", None));
    OrganizationOptions::default()
        .teams(TeamOptions::enabled())
        .additional_fields(fields)
        .invitation_limit(Limit::Fixed(3))
}

fn stored(row: &Row, field: &str) -> Option<String> {
    row.get(field).and_then(Value::as_str).map(str::to_owned)
}

/// Whether an answer leaves `field` unset (absent or `null`).
fn unset(json: &Json, field: &str) -> bool {
    json.get(field).is_none_or(Json::is_null)
}

fn keys(json: &Json) -> Vec<&str> {
    json.as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect()
}

/// The shared state of upstream's "Additional Fields" suite.
struct Suite {
    h: Harness,
    cookie: String,
    org: String,
}

impl Suite {
    async fn new() -> Self {
        let h = Harness::with_options(options());
        let (_, cookie) = h.user("Test").await;
        Self {
            h,
            cookie,
            org: String::new(),
        }
    }

    /// Step "create organization".
    async fn create_organization(&mut self) -> Json {
        let res = self
            .h
            .post(
                "/organization/create",
                json!({
                    "name": "test",
                    "slug": "test",
                    "someRequiredField": "hey",
                    "someOptionalField": "hey",
                    "someHiddenField": "not accepted",
                }),
                Some(&self.cookie),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.json);
        self.org = res.json["id"].as_str().unwrap().to_owned();
        res.json
    }

    /// Step "update organization".
    async fn update_organization(&self) -> Json {
        let res = self
            .h
            .post(
                "/organization/update",
                json!({"data": {"someRequiredField": "hey2"}, "organizationId": self.org}),
                Some(&self.cookie),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.json);
        res.json
    }

    /// The organization suite up to the updated organization.
    async fn with_organization() -> Self {
        let mut suite = Self::new().await;
        suite.create_organization().await;
        suite.update_organization().await;
        suite
    }

    /// Step "add member": a new user joins with two of the member fields. Returns the user's id,
    /// cookie and membership id.
    async fn add_member(&self) -> (String, String, String) {
        let (user_id, cookie) = self.h.user("NewMember").await;
        let member = self
            .h
            .api()
            .add_member(
                NewMember::new(&self.org, &user_id, &["member"])
                    .field("memberRequiredField", "hey")
                    .field("memberOptionalField", "hey2"),
            )
            .await
            .unwrap();
        (user_id, cookie, member.id)
    }

    /// Step "create invitation" for a new user. Returns the invitation answer and the user's cookie.
    async fn invite(&self) -> (Json, String) {
        let (_, invited) = self.h.user("Invited").await;
        let res = self
            .h
            .post(
                "/organization/invite-member",
                json!({
                    "email": "invited@example.com",
                    "role": "member",
                    "invitationRequiredField": "hey",
                    "invitationOptionalField": "hey2",
                    "organizationId": self.org,
                }),
                Some(&self.cookie),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.json);
        (res.json, invited)
    }

    /// Step "create team".
    async fn create_team(&self) -> Json {
        let res = self
            .h
            .post(
                "/organization/create-team",
                json!({
                    "name": "test",
                    "teamRequiredField": "hey",
                    "teamOptionalField": "hey2",
                    "organizationId": self.org,
                }),
                Some(&self.cookie),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.json);
        res.json
    }
}

// upstream: organization.test.ts › Additional Fields › create organization
#[tokio::test]
async fn create_organization() {
    let mut suite = Suite::new().await;
    let missing = suite
        .h
        .post(
            "/organization/create",
            json!({"name": "test", "slug": "test", "someOptionalField": 1}),
            Some(&suite.cookie),
        )
        .await;
    missing.assert_error(StatusCode::BAD_REQUEST, "VALIDATION_ERROR");
    assert_eq!(
        missing.json["message"],
        "[body.someRequiredField] Invalid input: expected string, received undefined; \
         [body.someOptionalField] Invalid input: expected string, received number"
    );
    let org = suite.create_organization().await;
    assert_eq!(org["someRequiredField"], "hey");
    assert_eq!(org["someOptionalField"], "hey");
    assert!(unset(&org, "someHiddenField"));
    assert_eq!(
        keys(&org),
        [
            "name",
            "slug",
            "logo",
            "createdAt",
            "someRequiredField",
            "someOptionalField",
            "someHiddenField",
            "id",
            "members"
        ]
    );
    let row = suite
        .h
        .api()
        .find_organization(&suite.org)
        .await
        .unwrap()
        .unwrap()
        .extra;
    assert_eq!(stored(&row, "someRequiredField").as_deref(), Some("hey"));
    assert_eq!(stored(&row, "someHiddenField"), None);
}

// upstream: organization.test.ts › Additional Fields › update organization
#[tokio::test]
async fn update_organization() {
    let mut suite = Suite::new().await;
    suite.create_organization().await;
    let null = suite
        .h
        .post(
            "/organization/update",
            json!({"data": {"someRequiredField": null}, "organizationId": suite.org}),
            Some(&suite.cookie),
        )
        .await;
    assert_eq!(
        null.json["message"],
        "[body.data.someRequiredField] Invalid input: expected string, received null"
    );
    let updated = suite.update_organization().await;
    assert_eq!(updated["someRequiredField"], "hey2");
    assert_eq!(updated["someOptionalField"], "hey");
    let row = suite
        .h
        .api()
        .find_organization(&suite.org)
        .await
        .unwrap()
        .unwrap()
        .extra;
    assert_eq!(stored(&row, "someRequiredField").as_deref(), Some("hey2"));
}

// upstream: organization.test.ts › Additional Fields › list user organizations
#[tokio::test]
async fn list_user_organizations() {
    let suite = Suite::with_organization().await;
    let res = suite.h.get("/organization/list", Some(&suite.cookie)).await;
    let orgs = res.json.as_array().unwrap();
    assert_eq!(orgs.len(), 1);
    assert_eq!(orgs[0]["someRequiredField"], "hey2");
    assert_eq!(orgs[0]["someOptionalField"], "hey");
    assert!(unset(&orgs[0], "someHiddenField"));
}

// upstream: organization.test.ts › Additional Fields › add member
#[tokio::test]
async fn add_member() {
    let suite = Suite::with_organization().await;
    let (_, _, member_id) = suite.add_member().await;
    let member = suite
        .h
        .api()
        .find_member_by_id(&member_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored(&member.extra, "memberRequiredField").as_deref(),
        Some("hey")
    );
    assert_eq!(
        stored(&member.extra, "memberOptionalField").as_deref(),
        Some("hey2")
    );
    assert_eq!(stored(&member.extra, "memberHiddenField"), None);
}

// upstream: organization.test.ts › Additional Fields › list members
#[tokio::test]
async fn list_members() {
    let suite = Suite::with_organization().await;
    suite.add_member().await;
    let res = suite
        .h
        .get(
            &format!("/organization/list-members?organizationId={}", suite.org),
            Some(&suite.cookie),
        )
        .await;
    let added = &res.json["members"][1];
    assert_eq!(added["memberRequiredField"], "hey");
    assert_eq!(added["memberOptionalField"], "hey2");
    assert_eq!(
        keys(added),
        [
            "organizationId",
            "userId",
            "role",
            "createdAt",
            "memberRequiredField",
            "memberOptionalField",
            "memberHiddenField",
            "id",
            "user"
        ]
    );
}

// upstream: organization.test.ts › Additional Fields › get active member
#[tokio::test]
async fn get_active_member() {
    let suite = Suite::with_organization().await;
    let (_, member_cookie, _) = suite.add_member().await;
    let active = suite
        .h
        .post(
            "/organization/set-active",
            json!({"organizationId": suite.org}),
            Some(&member_cookie),
        )
        .await;
    assert_eq!(active.status, StatusCode::OK, "{}", active.json);
    let res = suite
        .h
        .get("/organization/get-active-member", Some(&member_cookie))
        .await;
    assert_eq!(res.json["memberRequiredField"], "hey");
    assert_eq!(res.json["memberOptionalField"], "hey2");
    assert!(unset(&res.json, "memberHiddenField"));
    assert_eq!(res.json["user"]["email"], "newmember@example.com");
    assert_eq!(res.json["user"]["name"], "NewMember");
    assert_eq!(res.json["user"]["image"], Json::Null);
}

// upstream: organization.test.ts › Additional Fields › remove member
#[tokio::test]
async fn remove_member() {
    let suite = Suite::with_organization().await;
    let (_, _, member_id) = suite.add_member().await;
    let res = suite
        .h
        .post(
            "/organization/remove-member",
            json!({"organizationId": suite.org, "memberIdOrEmail": "newmember@example.com"}),
            Some(&suite.cookie),
        )
        .await;
    let member = &res.json["member"];
    assert_eq!(member["user"]["email"], "newmember@example.com");
    assert_eq!(member["memberRequiredField"], "hey");
    assert_eq!(member["memberOptionalField"], "hey2");
    assert!(unset(member, "memberHiddenField"));
    let api = suite.h.api();
    assert!(api.find_member_by_id(&member_id).await.unwrap().is_none());
}

// upstream: organization.test.ts › Additional Fields › create invitation
#[tokio::test]
async fn create_invitation() {
    let suite = Suite::with_organization().await;
    let (invitation, _) = suite.invite().await;
    assert_eq!(invitation["invitationRequiredField"], "hey");
    assert_eq!(invitation["invitationOptionalField"], "hey2");
    assert!(unset(&invitation, "invitationHiddenField"));
    let id = invitation["id"].as_str().unwrap();
    let row = suite
        .h
        .api()
        .find_invitation(id)
        .await
        .unwrap()
        .unwrap()
        .extra;
    assert_eq!(
        stored(&row, "invitationRequiredField").as_deref(),
        Some("hey")
    );
    assert_eq!(
        stored(&row, "invitationOptionalField").as_deref(),
        Some("hey2")
    );
    assert_eq!(stored(&row, "invitationHiddenField"), None);
}

// upstream: organization.test.ts › Additional Fields › get invitation
#[tokio::test]
async fn get_invitation() {
    let suite = Suite::with_organization().await;
    let (invitation, invited) = suite.invite().await;
    let res = suite
        .h
        .get(
            &format!(
                "/organization/get-invitation?id={}",
                invitation["id"].as_str().unwrap()
            ),
            Some(&invited),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["invitationRequiredField"], "hey");
    assert_eq!(res.json["invitationOptionalField"], "hey2");
    assert!(unset(&res.json, "invitationHiddenField"));
    assert_eq!(res.json["organizationName"], "test");
    assert_eq!(res.json["organizationSlug"], "test");
}

// upstream: organization.test.ts › Additional Fields › accept invitation
#[tokio::test]
async fn accept_invitation() {
    let suite = Suite::with_organization().await;
    let (invitation, invited) = suite.invite().await;
    let res = suite
        .h
        .post(
            "/organization/accept-invitation",
            json!({"invitationId": invitation["id"]}),
            Some(&invited),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    let member = res.json["member"].as_object().unwrap();
    for field in [
        "memberRequiredField",
        "memberOptionalField",
        "memberHiddenField",
    ] {
        assert!(member.contains_key(field), "{field}");
    }
    let accepted = &res.json["invitation"];
    assert!(unset(accepted, "invitationHiddenField"));
    assert_eq!(accepted["invitationOptionalField"], "hey2");
    assert_eq!(accepted["status"], "accepted");
}

// upstream: organization.test.ts › Additional Fields › list invitations
#[tokio::test]
async fn list_invitations() {
    let suite = Suite::with_organization().await;
    suite.invite().await;
    let res = suite
        .h
        .get(
            &format!(
                "/organization/list-invitations?organizationId={}",
                suite.org
            ),
            Some(&suite.cookie),
        )
        .await;
    let invitations = res.json.as_array().unwrap();
    assert_eq!(invitations.len(), 1);
    assert_eq!(invitations[0]["invitationRequiredField"], "hey");
    assert_eq!(invitations[0]["invitationOptionalField"], "hey2");
}

// upstream: organization.test.ts › Additional Fields › create team
#[tokio::test]
async fn create_team() {
    let suite = Suite::with_organization().await;
    let team = suite.create_team().await;
    assert_eq!(team["teamRequiredField"], "hey");
    assert_eq!(team["teamOptionalField"], "hey2");
    let id = team["id"].as_str().unwrap();
    let row = suite
        .h
        .api()
        .find_team(id, None)
        .await
        .unwrap()
        .unwrap()
        .extra;
    assert_eq!(stored(&row, "teamRequiredField").as_deref(), Some("hey"));
    assert_eq!(stored(&row, "teamOptionalField").as_deref(), Some("hey2"));
}

// upstream: organization.test.ts › Additional Fields › update team
#[tokio::test]
async fn update_team() {
    let suite = Suite::with_organization().await;
    let team = suite.create_team().await;
    let res = suite
        .h
        .post(
            "/organization/update-team",
            json!({
                "teamId": team["id"],
                "data": {"teamOptionalField": "hey3", "teamRequiredField": "hey4"},
            }),
            Some(&suite.cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["teamOptionalField"], "hey3");
    assert_eq!(res.json["teamRequiredField"], "hey4");
    let row = suite
        .h
        .api()
        .find_team(team["id"].as_str().unwrap(), None)
        .await
        .unwrap()
        .unwrap()
        .extra;
    assert_eq!(stored(&row, "teamOptionalField").as_deref(), Some("hey3"));
    assert_eq!(stored(&row, "teamRequiredField").as_deref(), Some("hey4"));
}

/// Upstream's "returned: false" options: a required public field and an optional secret one (accepted as
/// input, stored, never answered) on organizations, members and invitations.
fn secret_options() -> OrganizationOptions {
    let pair = |public: &str, secret: &str| {
        let mut public = AdditionalField::new(public, FieldType::String);
        if public.name == "memberPublicField" {
            public = public.default_value("default");
        }
        vec![
            public,
            AdditionalField::new(secret, FieldType::String)
                .required(false)
                .returned(false),
        ]
    };
    let fields = AdditionalFields::default()
        .organization(pair("publicField", "secretField"))
        .member(pair("memberPublicField", "memberSecretField"))
        .invitation(pair("invitationPublicField", "invitationSecretField"));
    OrganizationOptions::default()
        .additional_fields(fields)
        .invitation_limit(Limit::Fixed(3))
}

/// Creates an organization with `fields` as `cookie` and returns the answer.
async fn create_with(h: &Harness, cookie: &str, name: &str, slug: &str, fields: Json) -> Json {
    let mut body = json!({"name": name, "slug": slug});
    body.as_object_mut()
        .unwrap()
        .extend(fields.as_object().unwrap().clone());
    let res = h.post("/organization/create", body, Some(cookie)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    res.json
}

fn has(json: &Json, field: &str) -> bool {
    json.as_object().unwrap().contains_key(field)
}

/// The stored value of an organization's field.
async fn stored_organization_field(h: &Harness, id: &str, field: &str) -> Option<String> {
    let organization = h.api().find_organization(id).await.unwrap().unwrap();
    stored(&organization.extra, field)
}

// upstream: organization.test.ts › organization additionalFields with returned: false › should save field with returned: false but not return it in response
#[tokio::test]
async fn a_field_not_returned_is_stored_but_not_answered() {
    let h = Harness::with_options(secret_options());
    let (_, cookie) = h.user("Test").await;
    let org = create_with(
        &h,
        &cookie,
        "Test Org",
        "test-org-secret",
        json!({"publicField": "public-value", "secretField": "secret-value"}),
    )
    .await;
    assert_eq!(org["publicField"], "public-value");
    assert!(!has(&org, "secretField"));
    let id = org["id"].as_str().unwrap();
    assert_eq!(
        stored_organization_field(&h, id, "secretField")
            .await
            .as_deref(),
        Some("secret-value")
    );
}

// upstream: organization.test.ts › organization additionalFields with returned: false › should not return secret field when getting organization by slug
#[tokio::test]
async fn a_field_not_returned_stays_out_of_the_full_organization_by_slug() {
    let h = Harness::with_options(secret_options());
    let (_, cookie) = h.user("Test").await;
    create_with(
        &h,
        &cookie,
        "Test Org 2",
        "test-org-secret-2",
        json!({"publicField": "public-value-2", "secretField": "secret-value-2"}),
    )
    .await;
    let full = h
        .get(
            "/organization/get-full-organization?organizationSlug=test-org-secret-2",
            Some(&cookie),
        )
        .await;
    assert_eq!(full.json["publicField"], "public-value-2");
    assert!(!has(&full.json, "secretField"));
}

// upstream: organization.test.ts › organization additionalFields with returned: false › should not return secret field when listing organizations
#[tokio::test]
async fn a_field_not_returned_stays_out_of_the_list() {
    let h = Harness::with_options(secret_options());
    let (_, cookie) = h.user("Test").await;
    for (i, secret) in [Some("secret-value"), Some("secret-value-2"), None]
        .into_iter()
        .enumerate()
    {
        let mut fields = json!({"publicField": format!("public-{i}")});
        if let Some(secret) = secret {
            fields["secretField"] = json!(secret);
        }
        create_with(&h, &cookie, "Org", &format!("org-{i}"), fields).await;
    }
    let list = h.get("/organization/list", Some(&cookie)).await;
    let orgs = list.json.as_array().unwrap();
    assert_eq!(orgs.len(), 3);
    for org in orgs {
        assert!(!has(org, "secretField"), "{org}");
        assert!(org["publicField"].is_string(), "{org}");
    }
}

// upstream: organization.test.ts › organization additionalFields with returned: false › should not return member secret field in full organization response
#[tokio::test]
async fn a_member_field_not_returned_stays_out_of_the_full_organization() {
    let h = Harness::with_options(secret_options());
    let (_, cookie) = h.user("Test").await;
    let org = create_with(
        &h,
        &cookie,
        "Member Test Org",
        "member-test-org",
        json!({"publicField": "public"}),
    )
    .await;
    let org = org["id"].as_str().unwrap();
    let (user_id, _) = h.user("MemberTest").await;
    let member = h
        .api()
        .add_member(
            NewMember::new(org, &user_id, &["member"])
                .field("memberPublicField", "member-public")
                .field("memberSecretField", "member-secret"),
        )
        .await
        .unwrap();
    let full = h
        .get(
            &format!("/organization/get-full-organization?organizationId={org}"),
            Some(&cookie),
        )
        .await;
    let added = full.json["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["userId"] == user_id.as_str())
        .unwrap();
    assert_eq!(added["memberPublicField"], "member-public");
    assert!(!has(added, "memberSecretField"));
    let stored_member = h
        .api()
        .find_member_by_id(&member.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored(&stored_member.extra, "memberSecretField").as_deref(),
        Some("member-secret")
    );
    // Bulwark leaves it out of every answer, the member listing included.
    let list = h
        .get(
            &format!("/organization/list-members?organizationId={org}"),
            Some(&cookie),
        )
        .await;
    for member in list.json["members"].as_array().unwrap() {
        assert!(!has(member, "memberSecretField"), "{member}");
    }
}

// upstream: organization.test.ts › organization additionalFields with returned: false › should not return invitation secret field
#[tokio::test]
async fn an_invitation_field_not_returned_stays_out_of_the_full_organization() {
    let h = Harness::with_options(secret_options());
    let (_, cookie) = h.user("Test").await;
    let org = create_with(
        &h,
        &cookie,
        "Invitation Test Org",
        "invitation-test-org",
        json!({"publicField": "public"}),
    )
    .await;
    let org = org["id"].as_str().unwrap();
    let invited = h
        .post(
            "/organization/invite-member",
            json!({
                "email": "invite-test@example.com",
                "role": "member",
                "organizationId": org,
                "invitationPublicField": "invite-public",
                "invitationSecretField": "invite-secret",
            }),
            Some(&cookie),
        )
        .await;
    assert_eq!(invited.status, StatusCode::OK, "{}", invited.json);
    assert!(!has(&invited.json, "invitationSecretField"));
    let full = h
        .get(
            &format!("/organization/get-full-organization?organizationId={org}"),
            Some(&cookie),
        )
        .await;
    let invitation = full.json["invitations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["email"] == "invite-test@example.com")
        .unwrap();
    assert_eq!(invitation["invitationPublicField"], "invite-public");
    assert!(!has(invitation, "invitationSecretField"));
    let stored_invitation = h
        .api()
        .find_invitation(invitation["id"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored(&stored_invitation.extra, "invitationSecretField").as_deref(),
        Some("invite-secret")
    );
}

// upstream: organization.test.ts › organization additionalFields with returned: false › should not return secret field after updating organization
#[tokio::test]
async fn a_field_not_returned_stays_out_of_the_update_answer() {
    let h = Harness::with_options(secret_options());
    let (_, cookie) = h.user("Test").await;
    let org = create_with(
        &h,
        &cookie,
        "Update Test Org",
        "update-test-org",
        json!({"publicField": "original-public", "secretField": "original-secret"}),
    )
    .await;
    let id = org["id"].as_str().unwrap();
    let updated = h
        .post(
            "/organization/update",
            json!({
                "organizationId": id,
                "data": {
                    "name": "Updated Test Org",
                    "publicField": "updated-public",
                    "secretField": "updated-secret",
                },
            }),
            Some(&cookie),
        )
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.json);
    assert_eq!(updated.json["publicField"], "updated-public");
    assert!(!has(&updated.json, "secretField"));
    assert_eq!(
        stored_organization_field(&h, id, "secretField")
            .await
            .as_deref(),
        Some("updated-secret")
    );
}

/// Typed fields and defaults, for the backends: the creator's membership gets the member default.
fn typed_options() -> OrganizationOptions {
    let fields = AdditionalFields::default()
        .organization([
            AdditionalField::new("publicField", FieldType::String),
            AdditionalField::new("secretField", FieldType::String)
                .required(false)
                .returned(false),
            AdditionalField::new("seats", FieldType::Number).required(false),
            AdditionalField::new("verified", FieldType::Boolean)
                .required(false)
                .default_value(false),
            AdditionalField::new("renewsAt", FieldType::Date).required(false),
        ])
        .member([
            AdditionalField::new("memberPublicField", FieldType::String).default_value("none"),
            AdditionalField::new("memberSecretField", FieldType::String)
                .required(false)
                .returned(false),
        ]);
    OrganizationOptions::default().additional_fields(fields)
}

/// Additional fields are columns on every backend: written, read back, updated and hidden alike.
async fn fields_persist_on(backend: Backend) {
    let schema = Harness::with_options(typed_options()).auth.schema().clone();
    let Some(db) = TestDb::new(backend, &schema).await else {
        return;
    };
    let h = Harness::build(typed_options(), db.adapter(), |b| b);
    let (_, cookie) = h.user("Test").await;
    let org = create_with(
        &h,
        &cookie,
        "Acme",
        "acme",
        json!({
            "publicField": "public",
            "secretField": "secret",
            "seats": 5,
            "renewsAt": "2026-02-01T00:00:00.000Z",
        }),
    )
    .await;
    let id = org["id"].as_str().unwrap();
    assert!(!has(&org, "secretField"));
    assert_eq!(org["seats"], 5);
    assert_eq!(org["verified"], false);
    assert_eq!(org["renewsAt"], "2026-02-01T00:00:00.000Z");
    assert_eq!(org["members"][0]["memberPublicField"], "none");
    let res = h
        .post(
            "/organization/update",
            json!({
                "organizationId": id,
                "data": {"secretField": null, "publicField": "changed", "verified": true},
            }),
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["publicField"], "changed");
    assert_eq!(res.json["verified"], true);
    let organization = h.api().find_organization(id).await.unwrap().unwrap();
    assert_eq!(
        stored(&organization.extra, "publicField").as_deref(),
        Some("changed")
    );
    assert_eq!(organization.extra.get("secretField"), Some(&Value::Null));
    let wrong = h
        .post(
            "/organization/update",
            json!({"organizationId": id, "data": {"seats": "many", "renewsAt": "soon"}}),
            Some(&cookie),
        )
        .await;
    assert_eq!(
        wrong.json["message"],
        "[body.data.seats] Invalid input: expected int, received string; \
         [body.data.renewsAt] Invalid input: expected date, received string"
    );
    let (user_id, _) = h.user("Bob").await;
    let member = h
        .api()
        .add_member(
            NewMember::new(id, &user_id, &["member"])
                .field("memberPublicField", "bob")
                .field("memberSecretField", "hidden"),
        )
        .await
        .unwrap();
    assert_eq!(
        stored(&member.extra, "memberSecretField").as_deref(),
        Some("hidden")
    );
    let full = h
        .get(
            &format!("/organization/get-full-organization?organizationId={id}"),
            Some(&cookie),
        )
        .await;
    let bob = &full.json["members"][1];
    assert_eq!(bob["memberPublicField"], "bob");
    assert!(!has(bob, "memberSecretField"));
    drop(h);
    db.cleanup().await;
}

#[tokio::test]
async fn fields_persist_on_memory() {
    fields_persist_on(Backend::Memory).await;
}

#[tokio::test]
async fn fields_persist_on_sqlite() {
    fields_persist_on(Backend::Sqlite).await;
}

#[tokio::test]
async fn fields_persist_on_postgres() {
    fields_persist_on(Backend::Postgres).await;
}

#[tokio::test]
async fn fields_persist_on_mysql() {
    fields_persist_on(Backend::Mysql).await;
}

#[test]
fn a_field_named_like_a_model_field_fails_the_build() {
    let fields = AdditionalFields::default()
        .organization([AdditionalField::new("slug", FieldType::String)])
        .member([AdditionalField::new("title", FieldType::String)]);
    let built = bulwark_core::Auth::builder()
        .database(Arc::new(MemoryAdapter::new()) as Arc<dyn bulwark_core::Adapter>)
        .secret(crate::harness::SECRET)
        .base_url(crate::harness::ORIGIN)
        .plugin(bulwark_organization::organization(
            OrganizationOptions::default().additional_fields(fields),
        ))
        .build();
    let err = built.unwrap_err().to_string();
    assert!(err.contains("slug"), "{err}");
}
