//! Tests of User input validation against upstream v1.7.1's messages.

use bulwark_scim_protocol::urn::{CORE_USER, ENTERPRISE_USER};
use serde_json::json;

use super::*;

#[expect(clippy::needless_pass_by_value, reason = "tests pass json! literals")]
fn error(body: Value) -> String {
    parse_user(&body)
        .expect_err("invalid")
        .detail
        .unwrap_or_default()
}

#[test]
fn emails_follow_zods_pattern() {
    for ok in [
        "a@example.com",
        "A.B+c@sub.example.co",
        "o'neil@example.org",
        "x-y_z@a-b.io",
    ] {
        assert!(is_email(ok), "{ok}");
    }
    for bad in [
        "a@b",
        "a@localhost",
        "\"a\"@example.com",
        "é@example.com",
        "a@example.c",
        "a.@example.com",
        ".a@example.com",
        "a'@example.com",
        "a@-x.com",
        "a@@example.com",
        "a@example..com",
        "",
    ] {
        assert!(!is_email(bad), "{bad}");
    }
}

#[test]
fn missing_schemas_and_user_name_are_reported_with_their_paths() {
    assert_eq!(
        error(json!({})),
        "[body.schemas] Invalid input: expected array, received undefined; \
         [body.userName] Invalid input: expected string, received undefined"
    );
    // A length issue does not stop the refinements, as in upstream's zod schema (scenario
    // scim/v17-user-projection): the email rule reports too.
    assert_eq!(
        error(json!({"schemas": [CORE_USER], "userName": "  "})),
        "[body.userName] Too small: expected string to have >=1 characters; \
         [body.emails] emails must contain an email when userName is not an email address"
    );
}

#[test]
fn schemas_must_be_known_unique_and_contain_the_core_schema() {
    let body = |schemas: Value| json!({"schemas": schemas, "userName": "a@example.com"});
    assert_eq!(
        error(body(json!(["urn:x"]))),
        "[body.schemas] Unsupported SCIM User schema urn:x; \
         [body.schemas] schemas must contain urn:ietf:params:scim:schemas:core:2.0:User"
    );
    assert_eq!(
        error(body(json!([CORE_USER, CORE_USER]))),
        format!(
            "[body.schemas] SCIM User schema {CORE_USER} must not be duplicated; \
             [body.schemas] SCIM User schema {CORE_USER} must not be duplicated"
        )
    );
    let input = parse_user(&body(json!([ENTERPRISE_USER, CORE_USER]))).unwrap();
    assert_eq!(input.schemas, vec![CORE_USER, ENTERPRISE_USER]);
}

#[test]
fn a_user_name_that_is_not_an_email_needs_emails() {
    assert_eq!(
        error(json!({"schemas": [CORE_USER], "userName": "jdoe"})),
        "[body.emails] emails must contain an email when userName is not an email address"
    );
}

#[test]
fn email_sets_have_one_primary_unique_pairs_and_unique_types() {
    let body =
        |emails: Value| json!({"schemas": [CORE_USER], "userName": "jdoe", "emails": emails});
    assert_eq!(
        error(body(
            json!([{"value": "a@example.com", "primary": true}, {"value": "b@example.com", "primary": "TRUE"}])
        )),
        "[body.emails] emails cannot contain multiple primary values"
    );
    assert_eq!(
        error(body(
            json!([{"value": "A@example.com"}, {"value": "a@example.com "}])
        )),
        "[body.emails.1.value] Invalid email address"
    );
    assert_eq!(
        error(body(
            json!([{"value": "A@example.com"}, {"value": "a@example.com"}])
        )),
        "[body.emails] emails cannot contain duplicate type and value pairs"
    );
    assert_eq!(
        error(body(
            json!([{"value": "a@example.com", "type": "Work"}, {"value": "b@example.com", "type": "work "}])
        )),
        "[body.emails] emails cannot contain duplicate defined types"
    );
    assert_eq!(
        error(body(json!([{"value": "nope"}]))),
        "[body.emails.0.value] Invalid email address"
    );
}

#[test]
fn singular_attributes_unwrap_single_element_arrays() {
    let input = parse_user(&json!({
        "schemas": [CORE_USER], "userName": "a@example.com",
        "title": [" Engineer "], "locale": "en-US", "nickName": "ignored",
    }))
    .unwrap();
    assert_eq!(
        input.singular,
        vec![
            ("title", "Engineer".to_owned()),
            ("locale", "en-US".to_owned())
        ]
    );
}

#[test]
fn multi_valued_attributes_are_checked() {
    let body = |key: &str, values: Value| json!({"schemas": [CORE_USER], "userName": "a@example.com", key: values});
    assert_eq!(
        error(body("addresses", json!([{"type": "work"}]))),
        "[body.addresses.0] addresses must contain at least one address value"
    );
    assert_eq!(
        error(body(
            "roles",
            json!([{"value": "a", "type": "X"}, {"value": "b", "type": "x"}])
        )),
        "[body.roles] roles cannot contain duplicate defined types"
    );
    assert_eq!(
        error(body(
            "phoneNumbers",
            json!([{"value": "1", "primary": true}, {"value": "2", "primary": true}])
        )),
        "[body.phoneNumbers] phoneNumbers cannot contain multiple primary values"
    );
    assert_eq!(
        error(body("entitlements", json!([{}]))),
        "[body.entitlements.0.value] Invalid input: expected string, received undefined"
    );
}

#[test]
fn active_accepts_booleans_and_exact_string_booleans() {
    let body = |active: Value| json!({"schemas": [CORE_USER], "userName": "a@example.com", "active": active});
    assert_eq!(
        parse_user(&body(json!("False"))).unwrap().active,
        Some(false)
    );
    assert_eq!(parse_user(&body(json!("TRUE"))).unwrap().active, Some(true));
    assert_eq!(
        error(body(json!("yes"))),
        "[body.active] Invalid input: expected boolean, received string"
    );
    assert_eq!(
        error(body(json!([true]))),
        "[body.active] Invalid input: expected boolean, received array"
    );
}

#[test]
fn the_enterprise_extension_needs_its_schema_and_accepts_manager_forms() {
    let body = |schemas: Value, enterprise: Value| json!({"schemas": schemas, "userName": "a@example.com", ENTERPRISE_USER: enterprise});
    assert_eq!(
        error(body(json!([CORE_USER]), json!({"department": "R&D"}))),
        format!(
            "[body.schemas] The Enterprise User extension requires {ENTERPRISE_USER} in schemas"
        )
    );
    let both = json!([CORE_USER, ENTERPRISE_USER]);
    for (manager, expected) in [
        (json!("m1"), Some(json!({"value": "m1"}))),
        (
            json!({"value": "m1", "displayName": "Boss"}),
            Some(json!({"value": "m1"})),
        ),
        (
            json!([{"$ref": "../Users/m1"}]),
            Some(json!({"$ref": "../Users/m1"})),
        ),
        (json!({"displayName": "Boss"}), None),
    ] {
        let input = parse_user(&body(both.clone(), json!({"manager": manager}))).unwrap();
        let enterprise = input.enterprise.unwrap();
        assert_eq!(enterprise.get("manager").cloned(), expected);
    }
    assert_eq!(
        error(body(both, json!({"manager": 7}))),
        format!("[body.{ENTERPRISE_USER}.manager] Invalid input")
    );
}

#[test]
fn oversized_bodies_are_rejected() {
    let emails: Vec<Value> = (0..20)
        .map(|i| json!({"value": format!("{}{i}@example.com", "a".repeat(60))}))
        .collect();
    let roles: Vec<Value> = (0..10)
        .map(|i| json!({"value": format!("{i}{}", "r".repeat(1_000)), "display": "d".repeat(1_000), "type": format!("t{i}")}))
        .collect();
    let entitlements = roles.clone();
    let phones = roles
        .iter()
        .map(|r| json!({"value": r["value"], "type": r["type"]}))
        .collect::<Vec<_>>();
    let body = json!({
        "schemas": [CORE_USER], "userName": "a@example.com", "emails": emails,
        "roles": roles, "entitlements": entitlements, "phoneNumbers": phones,
        "addresses": (0..10).map(|i| json!({"formatted": "f".repeat(1_000), "streetAddress": "s".repeat(1_000), "type": format!("t{i}")})).collect::<Vec<_>>(),
    });
    assert_eq!(
        error(body),
        "[body] SCIM User attributes exceed the supported serialized size"
    );
}
