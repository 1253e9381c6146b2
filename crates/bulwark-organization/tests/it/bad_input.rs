//! Bad input: upstream's validation messages, status codes and error codes, and nothing stored.

use http::StatusCode;
use insta::assert_json_snapshot;
use serde_json::json;

use crate::Harness;

#[tokio::test]
async fn create_reports_every_invalid_field() {
    let h = Harness::new();
    let (_, alice) = h.user("Alice").await;
    let res = h
        .post(
            "/organization/create",
            json!({"name": "", "slug": 5}),
            Some(&alice),
        )
        .await;
    res.assert_error(StatusCode::BAD_REQUEST, "VALIDATION_ERROR");
    assert_json_snapshot!("bad_input__create_fields", res.json);
    let res = h
        .post(
            "/organization/create",
            json!({"name": "a", "slug": "b", "metadata": "x", "keepCurrentActiveOrganization": "y"}),
            Some(&alice),
        )
        .await;
    assert_eq!(
        res.json["message"],
        "[body.metadata] Invalid input: expected record, received string; \
         [body.keepCurrentActiveOrganization] Invalid input: expected boolean, received string"
    );
    assert!(
        h.api()
            .list_organizations("anyone")
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn nested_and_union_fields_use_upstreams_paths() {
    let h = Harness::new();
    let (_, alice) = h.user("Alice").await;
    let cases = [
        (
            "/organization/update",
            json!({"data": {"name": ""}}),
            "[body.data.name] Too small: expected string to have >=1 characters",
        ),
        (
            "/organization/update",
            json!({}),
            "[body.data] Invalid input: expected object, received undefined",
        ),
        (
            "/organization/remove-member",
            json!({}),
            "[body.memberIdOrEmail] Invalid input: expected string, received undefined",
        ),
        (
            "/organization/update-member-role",
            json!({"role": 5}),
            "[body.role] Invalid input; [body.memberId] Invalid input: expected string, received undefined",
        ),
        (
            "/organization/delete",
            json!({}),
            "[body.organizationId] Invalid input: expected string, received undefined",
        ),
        (
            "/organization/has-permission",
            json!({}),
            "[body] Invalid input",
        ),
        (
            "/organization/has-permission",
            json!({"permission": {}, "permissions": {}}),
            "[body] Invalid input: more than one option matched",
        ),
    ];
    for (path, body, message) in cases {
        let res = h.post(path, body, Some(&alice)).await;
        res.assert_error(StatusCode::BAD_REQUEST, "VALIDATION_ERROR");
        assert_eq!(res.json["message"], message, "{path}");
    }
}

#[tokio::test]
async fn signed_out_callers_get_upstreams_401s() {
    let h = Harness::new();
    for path in [
        "/organization/leave",
        "/organization/check-slug",
        "/organization/set-active",
    ] {
        let res = h
            .post(path, json!({"organizationId": "x", "slug": "x"}), None)
            .await;
        res.assert_error(StatusCode::UNAUTHORIZED, "UNAUTHORIZED");
    }
    let res = h.get("/organization/list", None).await;
    res.assert_error(StatusCode::UNAUTHORIZED, "UNAUTHORIZED");
    let res = h
        .post("/organization/update", json!({"data": {"name": "x"}}), None)
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(res.json, json!({"message": "User not found"}));
    let res = h
        .post("/organization/delete", json!({"organizationId": "x"}), None)
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert!(res.raw.is_empty());
}
