//! Tests of User PATCH: every row of upstream v1.7.1's path table, the provider quirks and ports of
//! upstream's PATCH tests (applied to the resource as the server outputs it, without `meta`).

use bulwark_scim_protocol::urn::{CORE_USER, ENTERPRISE_USER, PATCH_OP};
use serde_json::{Value, json};

use super::apply;
use super::normalize::operation_value;
use crate::error::ScimError;

/// A provisioned user as the server outputs it (minus `meta`).
fn ada() -> Value {
    json!({
        "schemas": [CORE_USER],
        "name": {"formatted": "Ada Lovelace", "givenName": "Ada", "familyName": "Lovelace"},
        "emails": [{"value": "ada@example.com", "primary": true, "type": "work"}],
        "id": "scim-1",
        "externalId": "directory-1",
        "userName": "ada@example.com",
        "displayName": "Ada Lovelace",
        "active": true
    })
}

/// `ada()` with `key` set to `value`.
fn ada_with(key: &str, value: Value) -> Value {
    let mut user = ada();
    user[key] = value;
    user
}

fn body(operations: Value) -> Value {
    let mut body = json!({"schemas": [PATCH_OP]});
    body["Operations"] = operations;
    body
}

fn patch(resource: &Value, operations: Value) -> Value {
    apply(resource, &body(operations)).unwrap()
}

fn reject(resource: &Value, operations: Value) -> ScimError {
    apply(resource, &body(operations)).unwrap_err()
}

/// Asserts a 400 with the scimType and detail.
fn assert_error(error: &ScimError, scim_type: &str, detail: &str) {
    assert_eq!(error.status.as_u16(), 400, "{error}");
    assert_eq!(error.scim_type, Some(scim_type), "{error}");
    assert_eq!(error.detail.as_deref(), Some(detail));
}

// ---- envelope ----

#[test]
fn an_empty_operations_array_is_a_no_op() {
    // upstream: scim-user-patch.test.ts › SCIM User compatibility with pre-serializedAttributes rows › accepts an empty Operations array as a no-op PATCH
    let user = ada();
    assert_eq!(patch(&user, json!([])), user);
}

#[test]
fn the_output_keeps_the_server_key_order() {
    let user = ada_with("title", json!("Engineer"));
    let patched = patch(
        &user,
        json!([{"op": "replace", "path": "title", "value": "Lead"}]),
    );
    let keys: Vec<&str> = patched
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "schemas",
            "name",
            "emails",
            "title",
            "id",
            "externalId",
            "userName",
            "displayName",
            "active"
        ]
    );
}

#[test]
fn schemas_must_be_exactly_the_patch_op_urn() {
    // upstream: scim-enterprise-user.test.ts › SCIM classic Enterprise User provisioning › requires exactly the PatchOp schema on User PATCH without mutating rejected resources
    let operations = json!([{"op": "Replace", "path": "title", "value": "Must not persist"}]);
    for schemas in [
        json!([
            PATCH_OP,
            "urn:ietf:params:scim:schemas:extension:Microsoft:Entra:2.0:User"
        ]),
        json!([PATCH_OP, PATCH_OP]),
        json!([]),
        json!([CORE_USER]),
    ] {
        let error = apply(
            &ada(),
            &json!({"schemas": schemas, "Operations": operations}),
        )
        .unwrap_err();
        assert_eq!(error.scim_type, Some("invalidValue"), "{schemas}");
    }
    let error = apply(
        &ada(),
        &json!({"schemas": [PATCH_OP, PATCH_OP], "Operations": []}),
    )
    .unwrap_err();
    assert_eq!(
        error.detail.as_deref(),
        Some("[body.schemas] schemas must contain only the PatchOp schema")
    );
    let error = apply(&ada(), &json!({"Operations": []})).unwrap_err();
    assert_eq!(
        error.detail.as_deref(),
        Some("[body.schemas] Invalid input: expected array, received undefined")
    );
    let accepted = patch(&ada(), operations);
    assert_eq!(accepted["title"], "Must not persist");
    assert_eq!(accepted["schemas"], json!([CORE_USER]));
}

#[test]
fn operations_must_be_an_array_of_objects() {
    let error = apply(&ada(), &json!({"schemas": [PATCH_OP]})).unwrap_err();
    assert_error(
        &error,
        "invalidValue",
        "[body.Operations] Invalid input: expected array, received undefined",
    );
    let error = reject(&ada(), json!(["replace"]));
    assert_error(
        &error,
        "invalidValue",
        "[body.Operations.0] Invalid input: expected object, received string",
    );
    let error = reject(&ada(), json!([{"op": "replace", "path": 3, "value": "x"}]));
    assert_error(
        &error,
        "invalidValue",
        "[body.Operations.0.path] Invalid input: expected string, received number",
    );
}

#[test]
fn op_is_case_insensitive_defaults_to_replace_and_rejects_others() {
    let patched = patch(
        &ada(),
        json!([
            {"op": "Replace", "path": "title", "value": "A"},
            {"op": "ADD", "path": "userType", "value": "Employee"},
            {"path": "locale", "value": "en-GB"}
        ]),
    );
    assert_eq!(
        (&patched["title"], &patched["userType"], &patched["locale"]),
        (&json!("A"), &json!("Employee"), &json!("en-GB"))
    );
    let error = reject(
        &ada(),
        json!([{"op": "replace", "path": "title", "value": "A"}, {"op": "copy", "path": "title"}]),
    );
    assert_error(
        &error,
        "invalidValue",
        r#"[body.Operations.1.op] Invalid option: expected one of "replace"|"add"|"remove""#,
    );
    let error = reject(&ada(), json!([{"op": 1, "path": "title"}]));
    assert_error(
        &error,
        "invalidValue",
        "[body.Operations.0.op] Invalid input: expected string, received number",
    );
}

// ---- read-only paths ----

#[test]
fn read_only_paths_are_rejected_with_mutability() {
    for path in [
        "id",
        "ID",
        "schemas",
        "meta",
        "meta.created",
        "meta.lastModified",
        "urn:ietf:params:scim:schemas:core:2.0:User:id",
    ] {
        for op in ["add", "replace", "remove"] {
            let error = reject(&ada(), json!([{"op": op, "path": path, "value": "x"}]));
            assert_error(&error, "mutability", &format!("{path} is read-only"));
        }
    }
}

#[test]
fn a_read_only_path_aborts_the_whole_patch() {
    // upstream: scim-user-patch.test.ts › SCIM User PATCH provider compatibility › rejects a read-only path without applying any operation
    let user = ada();
    let error = reject(
        &user,
        json!([
            {"op": "replace", "path": "userName", "value": "must-not-persist.login@example.com"},
            {"op": "replace", "path": "name.formatted", "value": "Must Not Persist"},
            {"op": "replace", "path": "id", "value": "read-only-mutation"},
            {"op": "replace", "path": "emails[type eq \"work\"].value", "value": "must-not-persist.primary@example.com"}
        ]),
    );
    assert_error(&error, "mutability", "id is read-only");
    assert_eq!(user, ada());
}

// ---- userName, externalId, active, displayName ----

#[test]
fn user_name_is_set_unwrapped_and_cannot_be_removed() {
    let patched = patch(
        &ada(),
        json!([{"op": "replace", "path": "userName", "value": " augusta@example.com "}]),
    );
    assert_eq!(patched["userName"], "augusta@example.com");
    let patched = patch(
        &ada(),
        json!([{"op": "add", "path": "USERNAME", "value": ["king@example.com"]}]),
    );
    assert_eq!(patched["userName"], "king@example.com");
    let error = reject(&ada(), json!([{"op": "remove", "path": "userName"}]));
    assert_error(&error, "mutability", "userName is read-only");
    for value in [
        json!(""),
        json!("  "),
        json!(3),
        json!(["a", "b"]),
        Value::Null,
    ] {
        let error = reject(
            &ada(),
            json!([{"op": "replace", "path": "userName", "value": value}]),
        );
        assert_error(
            &error,
            "invalidValue",
            "userName must be a non-empty string",
        );
    }
}

#[test]
fn external_id_is_set_and_cleared() {
    let patched = patch(
        &ada(),
        json!([{"op": "replace", "path": "externalId", "value": "directory-2"}]),
    );
    assert_eq!(patched["externalId"], "directory-2");
    let patched = patch(&ada(), json!([{"op": "remove", "path": "externalId"}]));
    assert!(patched.get("externalId").is_none());
    let error = reject(
        &ada(),
        json!([{"op": "add", "path": "externalId", "value": ""}]),
    );
    assert_error(
        &error,
        "invalidValue",
        "externalId must be a non-empty string",
    );
}

#[test]
fn active_takes_booleans_entra_strings_and_resets_to_true_on_remove() {
    let inactive = ada_with("active", json!(false));
    for (value, expected) in [
        (json!(false), false),
        (json!("False"), false),
        (json!("TRUE"), true),
        (json!([false]), false),
    ] {
        let patched = patch(
            &ada(),
            json!([{"op": "replace", "path": "active", "value": value}]),
        );
        assert_eq!(patched["active"], expected, "{value}");
    }
    let patched = patch(
        &ada(),
        json!([{"op": "replace", "path": "urn:ietf:params:scim:schemas:core:2.0:User:active", "value": "false"}]),
    );
    assert_eq!(patched["active"], false);
    let patched = patch(&inactive, json!([{"op": "remove", "path": "active"}]));
    assert_eq!(patched["active"], true);
}

#[test]
fn active_rejects_near_miss_values() {
    // upstream: scim-active-normalization.test.ts › SCIM User active HTTP normalization › rejects invalid active values across every User mutation shape without persistence
    for value in [
        Value::Null,
        json!(" false"),
        json!("1"),
        json!("yes"),
        json!(0),
        json!(["true"]),
        json!({"value": false}),
    ] {
        let error = reject(
            &ada(),
            json!([{"op": "replace", "path": "active", "value": value}]),
        );
        assert_error(&error, "invalidValue", "active must be a boolean");
    }
    let error = reject(
        &ada(),
        json!([{"op": "replace", "value": {"active": {"value": false}}}]),
    );
    assert_error(&error, "invalidValue", "active must be a boolean");
}

#[test]
fn a_later_failure_discards_an_earlier_normalized_active() {
    // upstream: scim-active-normalization.test.ts › SCIM User active HTTP normalization › rolls back an earlier normalized active operation when a later PATCH operation fails
    let user = ada();
    let error = reject(
        &user,
        json!([
            {"op": "replace", "path": "active", "value": "False"},
            {"op": "replace", "path": "id", "value": "must-not-be-applied"}
        ]),
    );
    assert_eq!(error.scim_type, Some("mutability"));
    assert_eq!(user["active"], true);
}

#[test]
fn okta_deactivates_with_a_pathless_replace() {
    // upstream: scim-okta-conformance.test.ts › Okta SCIM 2.0 CRUD test net wire sequence › creates, reads, replaces, deactivates, reactivates, and deactivates a user
    let patched = patch(
        &ada(),
        json!([{"op": "replace", "value": {"active": false}}]),
    );
    assert_eq!(patched["active"], false);
    let patched = patch(
        &patched,
        json!([{"op": "replace", "value": {"active": true}}]),
    );
    assert_eq!(patched["active"], true);
}

#[test]
fn display_name_is_set_and_reset_to_the_formatted_name() {
    let user = ada_with("displayName", json!("Countess"));
    let patched = patch(
        &ada(),
        json!([{"op": "replace", "path": "displayName", "value": ["Replaced"]}]),
    );
    assert_eq!(patched["displayName"], "Replaced");
    let patched = patch(&user, json!([{"op": "remove", "path": "displayName"}]));
    assert_eq!(patched["displayName"], "Ada Lovelace");
}

// ---- name ----

#[test]
fn a_name_object_merges_parts_and_formatted_pulls_a_derived_display_name() {
    let patched = patch(
        &ada(),
        json!([{"op": "replace", "path": "name", "value": {"GIVENNAME": "Augusta", "formatted": "Augusta Ada King"}}]),
    );
    assert_eq!(
        patched["name"],
        json!({"formatted": "Augusta Ada King", "givenName": "Augusta", "familyName": "Lovelace"})
    );
    assert_eq!(patched["displayName"], "Augusta Ada King");

    let user = ada_with("displayName", json!("Countess"));
    let patched = patch(
        &user,
        json!([{"op": "add", "path": "name", "value": {"formatted": "Augusta Ada King"}}]),
    );
    assert_eq!(patched["displayName"], "Countess");

    let error = reject(
        &ada(),
        json!([{"op": "replace", "path": "name", "value": {"nickName": "A"}}]),
    );
    assert_error(
        &error,
        "invalidPath",
        "User attribute name.nickName is not supported",
    );
    let error = reject(
        &ada(),
        json!([{"op": "replace", "path": "name", "value": "Ada"}]),
    );
    assert_error(&error, "invalidValue", "name must be an object");
    let error = reject(
        &ada(),
        json!([{"op": "replace", "path": "name", "value": {"givenName": " "}}]),
    );
    assert_error(
        &error,
        "invalidValue",
        "name.givenName must be a non-empty string",
    );
}

#[test]
fn removing_name_clears_parts_and_formats_from_the_display_name() {
    let user = ada_with("displayName", json!("Countess"));
    let patched = patch(&user, json!([{"op": "remove", "path": "name"}]));
    assert_eq!(patched["name"], json!({"formatted": "Countess"}));
    assert_eq!(patched["displayName"], "Countess");
}

#[test]
fn name_formatted_follows_the_display_name_rule() {
    let patched = patch(
        &ada(),
        json!([{"op": "replace", "path": "name.formatted", "value": "Augusta Ada King"}]),
    );
    assert_eq!(patched["name"]["formatted"], "Augusta Ada King");
    assert_eq!(patched["displayName"], "Augusta Ada King");

    let mut user = ada();
    user["name"]["formatted"] = json!("A. Lovelace");
    let patched = patch(&user, json!([{"op": "remove", "path": "name.formatted"}]));
    assert_eq!(patched["name"]["formatted"], "Ada Lovelace");

    let mut user = ada();
    user["name"] = json!({"formatted": "Solo"});
    user["displayName"] = json!("Solo");
    let patched = patch(&user, json!([{"op": "remove", "path": "name.formatted"}]));
    assert_eq!(patched["name"]["formatted"], "Solo");
}

#[test]
fn a_name_part_changes_only_that_part() {
    // upstream: scim-user-patch.test.ts › SCIM User PATCH provider compatibility › preserves explicitly supplied formatted and display names when patching one name part
    let patched = patch(
        &ada(),
        json!([{"op": "replace", "path": "name.givenName", "value": "Augusta"}]),
    );
    assert_eq!(
        patched["name"],
        json!({"formatted": "Ada Lovelace", "givenName": "Augusta", "familyName": "Lovelace"})
    );
    assert_eq!(patched["displayName"], "Ada Lovelace");

    let patched = patch(
        &ada(),
        json!([
            {"op": "add", "path": "name.middleName", "value": "Byron"},
            {"op": "add", "path": "NAME.HONORIFICPREFIX", "value": "Countess"},
            {"op": "add", "path": "name.honorificSuffix", "value": "FRS"},
            {"op": "remove", "path": "name.familyName"}
        ]),
    );
    assert_eq!(
        patched["name"],
        json!({"formatted": "Ada Lovelace", "givenName": "Ada", "middleName": "Byron",
               "honorificPrefix": "Countess", "honorificSuffix": "FRS"})
    );
    let error = reject(
        &ada(),
        json!([{"op": "replace", "path": "name.nickName", "value": "A"}]),
    );
    assert_error(
        &error,
        "invalidPath",
        "User PATCH path name.nickName is not supported",
    );
}

// ---- emails ----

fn two_emails() -> Value {
    ada_with(
        "emails",
        json!([
            {"value": "home@example.com", "primary": true, "type": "home"},
            {"value": "work@example.com", "primary": false, "type": "work"}
        ]),
    )
}

#[test]
fn emails_value_replaces_every_email() {
    // upstream: scim-user-patch.test.ts › SCIM User PATCH provider compatibility › replaces the value subattribute on every selected email record
    let patched = patch(
        &two_emails(),
        json!([{"op": "replace", "path": "emails.value", "value": "shared@example.com"}]),
    );
    assert_eq!(
        patched["emails"],
        json!([
            {"value": "shared@example.com", "type": "home", "primary": true},
            {"value": "shared@example.com", "type": "work", "primary": false}
        ])
    );
    let error = reject(
        &two_emails(),
        json!([{"op": "remove", "path": "emails.value"}]),
    );
    assert_error(&error, "invalidValue", "emails.value cannot be removed");
    let error = reject(
        &two_emails(),
        json!([{"op": "replace", "path": "emails.value", "value": "not-an-email"}]),
    );
    assert_error(&error, "invalidValue", "emails.value must be an email");
}

#[test]
fn emails_value_cannot_collapse_distinct_tuples() {
    // upstream: scim-user-patch.test.ts › SCIM User PATCH provider compatibility › rejects emails.value replacements that collapse distinct email tuples
    let user = ada_with(
        "emails",
        json!([
            {"value": "primary-work@example.com", "primary": true},
            {"value": "secondary-work@example.com", "primary": false}
        ]),
    );
    let error = reject(
        &user,
        json!([{"op": "replace", "path": "emails.value", "value": "collision@example.com"}]),
    );
    assert_error(
        &error,
        "invalidValue",
        "emails cannot contain duplicate type and value pairs",
    );
}

#[test]
fn a_filtered_work_email_is_created_replaced_and_removed() {
    // upstream: scim-user-patch.test.ts › SCIM User PATCH provider compatibility › creates a missing work email for add and replace and treats a missing filtered removal as a no-op
    let home = ada_with(
        "emails",
        json!([{"value": "home@example.com", "primary": true, "type": "home"}]),
    );
    let with_work = patch(
        &home,
        json!([{"op": "add", "path": "emails[type eq \"work\"].value", "value": "work@example.com"}]),
    );
    assert_eq!(
        with_work["emails"],
        json!([
            {"value": "home@example.com", "type": "home", "primary": true},
            {"value": "work@example.com", "type": "work", "primary": false}
        ])
    );
    let removed = patch(
        &with_work,
        json!([{"op": "remove", "path": "emails[type eq \"work\"].value"}]),
    );
    assert_eq!(removed, home);
    let replaced = patch(
        &removed,
        json!([{"op": "replace", "path": "emails[type eq \"work\"].value", "value": "replacement@example.com"}]),
    );
    assert_eq!(
        replaced["emails"][1],
        json!({"value": "replacement@example.com", "type": "work", "primary": false})
    );
    let removed = patch(
        &replaced,
        json!([{"op": "remove", "path": "emails[type eq \"work\"].value"}]),
    );
    assert_eq!(
        patch(
            &removed,
            json!([{"op": "remove", "path": "emails[type eq \"work\"].value"}])
        ),
        removed
    );
}

#[test]
fn a_filtered_home_email_is_added_replaced_and_removed() {
    // upstream: scim-user-patch.test.ts › SCIM User PATCH provider compatibility › adds, replaces, and removes a non-work typed email through the filtered path
    let user = ada();
    let with_home = patch(
        &user,
        json!([{"op": "add", "path": "emails[type eq \"home\"].value", "value": "home@example.com"}]),
    );
    let replaced = patch(
        &with_home,
        json!([{"op": "replace", "path": "emails[type eq \"home\"].value", "value": "home-updated@example.com"}]),
    );
    assert_eq!(
        replaced["emails"],
        json!([
            {"value": "ada@example.com", "type": "work", "primary": true},
            {"value": "home-updated@example.com", "type": "home", "primary": false}
        ])
    );
    let removed = patch(
        &replaced,
        json!([{"op": "remove", "path": "emails[type eq \"home\"].value"}]),
    );
    assert_eq!(removed["emails"], user["emails"]);
}

#[test]
fn removing_the_only_typed_email_is_rejected() {
    let error = reject(
        &ada(),
        json!([{"op": "remove", "path": "emails[type eq \"work\"].value"}]),
    );
    assert_error(
        &error,
        "invalidValue",
        "emails must contain between 1 and 20 valid emails",
    );
}

#[test]
fn entra_creates_a_filtered_email_without_moving_the_primary() {
    // upstream: scim-entra-conformance.test.ts › SCIM User PATCH against Microsoft Entra ID attribute mappings › creates a filtered email without moving the primary address
    let patched = patch(
        &ada(),
        json!([{"op": "Replace", "path": "emails[type eq \"other\"].value", "value": "other-email@example.com"}]),
    );
    assert_eq!(
        patched["emails"],
        json!([
            {"value": "ada@example.com", "type": "work", "primary": true},
            {"value": "other-email@example.com", "type": "other", "primary": false}
        ])
    );
}

#[test]
fn emails_add_appends_tuples_and_ignores_duplicates() {
    // upstream: scim-user-patch.test.ts › SCIM User PATCH provider compatibility › appends email tuples and treats duplicate additions as a no-op
    let home = ada_with(
        "emails",
        json!([{"value": "home@example.com", "primary": true, "type": "home"}]),
    );
    let appended = patch(
        &home,
        json!([{"op": "add", "path": "emails", "value": [{"value": "work@example.com", "type": "work"}]}]),
    );
    assert_eq!(
        appended["emails"],
        json!([
            {"value": "home@example.com", "type": "home", "primary": true},
            {"value": "work@example.com", "type": "work", "primary": false}
        ])
    );
    let again = patch(
        &appended,
        json!([{"op": "add", "value": {"emails": [
            {"value": "WORK@example.com", "type": "WORK"},
            {"value": "work@example.com", "type": "work"}
        ]}}]),
    );
    assert_eq!(again, appended);
}

#[test]
fn an_added_explicit_primary_email_wins() {
    // upstream: scim-user-patch.test.ts › SCIM User PATCH provider compatibility › makes a newly appended explicit primary email authoritative
    let home = ada_with(
        "emails",
        json!([{"value": "old-primary@example.com", "primary": true, "type": "home"}]),
    );
    let patched = patch(
        &home,
        json!([{"op": "add", "path": "emails", "value": [{"value": "new-primary@example.com", "type": "work", "primary": true}]}]),
    );
    assert_eq!(
        patched["emails"],
        json!([
            {"value": "old-primary@example.com", "type": "home", "primary": false},
            {"value": "new-primary@example.com", "type": "work", "primary": true}
        ])
    );
    let error = reject(
        &home,
        json!([{"op": "add", "path": "emails", "value": [
            {"value": "a@example.com", "primary": true},
            {"value": "b@example.com", "primary": true}
        ]}]),
    );
    assert_error(
        &error,
        "invalidValue",
        "emails cannot contain multiple primary values",
    );
}

#[test]
fn duplicate_email_types_are_rejected_in_every_shape() {
    // upstream: scim-user-patch.test.ts › SCIM User PATCH provider compatibility › rejects duplicate email types atomically across HTTP PATCH shapes
    let user = two_emails();
    for operations in [
        json!([{"op": "add", "path": "emails", "value": [{"value": "second-work@example.com", "type": "Work"}]}]),
        json!([{"op": "replace", "path": "emails", "value": [
            {"value": "home@example.com", "type": "home", "primary": true},
            {"value": "first-work@example.com", "type": "Work"},
            {"value": "second-work@example.com", "type": "work"}
        ]}]),
        json!([{"op": "add", "value": {"emails": [{"value": "pathless-work@example.com", "type": "Work"}]}}]),
    ] {
        let error = reject(&user, operations);
        assert_error(
            &error,
            "invalidValue",
            "emails cannot contain duplicate defined types",
        );
    }
}

#[test]
fn emails_replace_validates_the_whole_set() {
    // upstream: scim-user-patch.test.ts › SCIM User PATCH provider compatibility › rejects an email replacement with a duplicate type and value tuple
    let error = reject(
        &two_emails(),
        json!([{"op": "replace", "path": "emails", "value": [
            {"value": "home@example.com", "type": "home", "primary": true},
            {"value": "duplicate@example.com"},
            {"value": "duplicate@example.com"}
        ]}]),
    );
    assert_error(
        &error,
        "invalidValue",
        "emails cannot contain duplicate type and value pairs",
    );

    let patched = patch(
        &ada(),
        json!([{"op": "replace", "path": "emails", "value": [
            {"value": "Home@Example.com", "type": " HOME "},
            {"value": "Work@Example.com", "type": "work", "display": "ignored"}
        ]}]),
    );
    assert_eq!(
        patched["emails"],
        json!([
            {"value": "home@example.com", "type": "home", "primary": false},
            {"value": "work@example.com", "type": "work", "primary": true}
        ])
    );
    for value in [
        json!([]),
        json!({"value": "a@example.com"}),
        json!([{"value": "nope"}]),
        json!([{"value": "a@example.com", "primary": "yes"}]),
    ] {
        let error = reject(
            &ada(),
            json!([{"op": "replace", "path": "emails", "value": value}]),
        );
        assert_error(
            &error,
            "invalidValue",
            "emails must contain between 1 and 20 valid emails",
        );
    }
    let error = reject(&ada(), json!([{"op": "remove", "path": "emails"}]));
    assert_error(&error, "invalidValue", "emails cannot be removed");
}

#[test]
fn the_primary_email_filter_replaces_the_primary_value() {
    for path in [
        "emails[primary eq true].value",
        "emails[primary eq \"true\"].value",
        "EMAILS[PRIMARY EQ TRUE].VALUE",
    ] {
        let patched = patch(
            &two_emails(),
            json!([{"op": "replace", "path": path, "value": "Replaced@example.com"}]),
        );
        assert_eq!(
            patched["emails"][0],
            json!({"value": "replaced@example.com", "type": "home", "primary": true}),
            "{path}"
        );
        let error = reject(&two_emails(), json!([{"op": "remove", "path": path}]));
        assert_error(&error, "invalidValue", "emails.value cannot be removed");
    }
    let no_primary = ada_with(
        "emails",
        json!([{"value": "a@example.com", "primary": false}]),
    );
    let error = reject(
        &no_primary,
        json!([{"op": "replace", "path": "emails[primary eq true].value", "value": "b@example.com"}]),
    );
    assert_error(
        &error,
        "noTarget",
        "No primary email matches the PATCH path",
    );
}

#[test]
fn other_email_paths_are_unsupported() {
    for path in [
        "emails[type eq \"work\"]",
        "emails[primary eq false].value",
        "emails.type",
        "emails.primary",
        "emails[value eq \"ada@example.com\"].value",
        "emails[type eq \"work\"].type",
    ] {
        let error = reject(
            &ada(),
            json!([{"op": "replace", "path": path, "value": "x@example.com"}]),
        );
        assert_error(
            &error,
            "invalidPath",
            &format!("User PATCH path {path} is not supported"),
        );
    }
    let error = reject(
        &ada(),
        json!([{"op": "replace", "path": "name[type eq \"x\"]", "value": {}}]),
    );
    assert_error(
        &error,
        "invalidPath",
        "User PATCH path name[type eq \"x\"] is not a multi-valued attribute",
    );
}

// ---- simple strings ----

#[test]
fn simple_strings_are_set_unwrapped_and_removed() {
    for attribute in [
        "title",
        "userType",
        "preferredLanguage",
        "locale",
        "timezone",
    ] {
        let patched = patch(
            &ada(),
            json!([{"op": "replace", "path": attribute, "value": ["Value"]}]),
        );
        assert_eq!(patched[attribute], "Value");
        let upper = attribute.to_uppercase();
        let patched = patch(&patched, json!([{"op": "remove", "path": upper}]));
        assert!(patched.get(attribute).is_none(), "{attribute}");
    }
    let error = reject(
        &ada(),
        json!([{"op": "replace", "path": "title.sub", "value": "x"}]),
    );
    assert_error(
        &error,
        "invalidPath",
        "User PATCH path title.sub is not supported",
    );
    let error = reject(
        &ada(),
        json!([{"op": "replace", "path": "title[type eq \"x\"]", "value": "x"}]),
    );
    assert_error(
        &error,
        "invalidPath",
        "User PATCH path title[type eq \"x\"] is not a multi-valued attribute",
    );
}

// ---- structured multi-valued attributes ----

#[test]
fn entra_creates_a_filtered_phone_number_with_the_other_operations() {
    // upstream: scim-entra-conformance.test.ts › SCIM User PATCH against Microsoft Entra ID attribute mappings › creates a filtered phone number and keeps the operations bundled with it
    let patched = patch(
        &ada(),
        json!([
            {"op": "Replace", "path": "phoneNumbers[type eq \"work\"].value", "value": "+1-555-0100"},
            {"op": "Replace", "path": "name.familyName", "value": "King"}
        ]),
    );
    assert_eq!(
        patched["phoneNumbers"],
        json!([{"value": "+1-555-0100", "type": "work"}])
    );
    assert_eq!(patched["name"]["familyName"], "King");
}

#[test]
fn entra_creates_a_filtered_address_sub_attribute() {
    // upstream: scim-entra-conformance.test.ts › SCIM User PATCH against Microsoft Entra ID attribute mappings › creates a filtered address sub-attribute
    let patched = patch(
        &ada(),
        json!([{"op": "Replace", "path": "addresses[type eq \"work\"].postalCode", "value": "94105"}]),
    );
    assert_eq!(
        patched["addresses"],
        json!([{"type": "work", "postalCode": "94105"}])
    );
}

#[test]
fn entra_creates_filtered_roles_and_entitlements() {
    // upstream: scim-entra-conformance.test.ts › SCIM User PATCH against Microsoft Entra ID attribute mappings › creates filtered roles and entitlements
    let patched = patch(
        &ada(),
        json!([
            {"op": "Replace", "path": "roles[type eq \"work\"].value", "value": "engineer"},
            {"op": "Replace", "path": "entitlements[type eq \"work\"].value", "value": "vpn"}
        ]),
    );
    assert_eq!(
        patched["roles"],
        json!([{"value": "engineer", "type": "work"}])
    );
    assert_eq!(
        patched["entitlements"],
        json!([{"value": "vpn", "type": "work"}])
    );
}

#[test]
fn entra_creates_a_single_primary_for_a_quoted_primary_filter() {
    // upstream: scim-entra-conformance.test.ts › SCIM User PATCH against Microsoft Entra ID attribute mappings › creates a single primary value for a quoted primary filter
    let user = ada_with("roles", json!([{"value": "engineer", "primary": false}]));
    let patched = patch(
        &user,
        json!([{"op": "Replace", "path": "roles[primary eq \"true\"].value", "value": "senior-engineer"}]),
    );
    assert_eq!(
        patched["roles"],
        json!([{"value": "engineer", "primary": false}, {"value": "senior-engineer", "primary": true}])
    );
}

#[test]
fn a_primary_filter_miss_creates_the_target() {
    // upstream: scim-enterprise-user.test.ts › SCIM classic Enterprise User provisioning › creates a primary-filtered replace target when no value is currently primary
    let user = ada_with("roles", json!([{"value": "engineer", "primary": false}]));
    let patched = patch(
        &user,
        json!([{"op": "Replace", "path": "roles[primary eq true].value", "value": "senior-engineer"}]),
    );
    assert_eq!(
        patched["roles"],
        json!([{"value": "engineer", "primary": false}, {"value": "senior-engineer", "primary": true}])
    );
}

#[test]
fn the_quoted_primary_filter_resolves_an_existing_primary() {
    // upstream: scim-enterprise-user.test.ts › SCIM classic Enterprise User provisioning › resolves the quoted string-literal primary filter variant
    let user = ada_with("roles", json!([{"value": "engineer", "primary": true}]));
    let patched = patch(
        &user,
        json!([{"op": "Replace", "path": "roles[primary eq \"true\"].value", "value": "senior-engineer"}]),
    );
    assert_eq!(
        patched["roles"],
        json!([{"value": "senior-engineer", "primary": true}])
    );
}

#[test]
fn entra_updates_a_populated_filtered_phone_number_in_place() {
    // upstream: scim-entra-conformance.test.ts › SCIM User PATCH against Microsoft Entra ID attribute mappings › updates a populated filtered phone number in place
    let user = ada_with(
        "phoneNumbers",
        json!([{"value": "+1-555-0100", "type": "work"}]),
    );
    let patched = patch(
        &user,
        json!([{"op": "Replace", "path": "phoneNumbers[type eq \"work\"].value", "value": "+1-555-0199"}]),
    );
    assert_eq!(
        patched["phoneNumbers"],
        json!([{"value": "+1-555-0199", "type": "work"}])
    );
}

#[test]
fn added_primary_values_demote_existing_ones() {
    // upstream: scim-enterprise-user.test.ts › SCIM classic Enterprise User provisioning › demotes existing primary values for every structured core attribute over HTTP
    let mut user = ada();
    user["phoneNumbers"] = json!([{"value": "+1-555-0100", "type": "work", "primary": true}]);
    user["addresses"] = json!([{"locality": "Seattle", "type": "work", "primary": true}]);
    user["roles"] = json!([{"value": "analyst", "type": "work", "primary": true}]);
    user["entitlements"] = json!([{"value": "standard", "type": "work", "primary": true}]);
    let patched = patch(
        &user,
        json!([{"op": "Add", "value": {
            "phoneNumbers": [{"value": "+1-555-0199", "type": "mobile", "primary": true}],
            "addresses": [{"locality": "Vancouver", "type": "home", "primary": true}],
            "roles": [{"value": "manager", "type": "project", "primary": true}],
            "entitlements": [{"value": "premium", "type": "license", "primary": true}]
        }}]),
    );
    assert_eq!(
        patched["phoneNumbers"],
        json!([
            {"value": "+1-555-0100", "type": "work", "primary": false},
            {"value": "+1-555-0199", "type": "mobile", "primary": true}
        ])
    );
    assert_eq!(
        patched["addresses"],
        json!([
            {"locality": "Seattle", "type": "work", "primary": false},
            {"locality": "Vancouver", "type": "home", "primary": true}
        ])
    );
    assert_eq!(patched["roles"][0]["primary"], false);
    assert_eq!(
        patched["entitlements"][1],
        json!({"value": "premium", "type": "license", "primary": true})
    );
}

#[test]
fn multi_valued_replace_remove_and_single_objects() {
    let user = ada_with(
        "phoneNumbers",
        json!([{"value": "1", "type": "work", "primary": true}, {"value": "2", "type": "home"}]),
    );
    let patched = patch(
        &user,
        json!([{"op": "replace", "path": "phoneNumbers", "value": {"value": "3"}}]),
    );
    assert_eq!(patched["phoneNumbers"], json!([{"value": "3"}]));
    let patched = patch(
        &user,
        json!([{"op": "add", "path": "phoneNumbers", "value": {"value": "3", "primary": true}}]),
    );
    assert_eq!(
        patched["phoneNumbers"],
        json!([
            {"value": "1", "type": "work", "primary": false},
            {"value": "2", "type": "home"},
            {"value": "3", "primary": true}
        ])
    );
    let patched = patch(&user, json!([{"op": "remove", "path": "phoneNumbers"}]));
    assert!(patched.get("phoneNumbers").is_none());
    let patched = patch(
        &user,
        json!([{"op": "remove", "path": "phoneNumbers[type eq \"home\"]"}]),
    );
    assert_eq!(
        patched["phoneNumbers"],
        json!([{"value": "1", "type": "work", "primary": true}])
    );
    let patched = patch(
        &patched,
        json!([{"op": "remove", "path": "phoneNumbers[type eq \"work\"]"}]),
    );
    assert!(patched.get("phoneNumbers").is_none());
    let unchanged = patch(
        &user,
        json!([{"op": "remove", "path": "phoneNumbers[type eq \"fax\"]"}]),
    );
    assert_eq!(unchanged, user);
}

#[test]
fn filtered_complex_values_merge_into_hits_or_append_on_miss() {
    let user = ada_with(
        "phoneNumbers",
        json!([{"value": "1", "type": "work", "primary": true}, {"value": "2", "type": "home"}]),
    );
    let patched = patch(
        &user,
        json!([{"op": "replace", "path": "phoneNumbers[type eq \"home\"]", "value": {"value": "22", "primary": true}}]),
    );
    assert_eq!(
        patched["phoneNumbers"],
        json!([{"value": "1", "type": "work", "primary": false}, {"value": "22", "type": "home", "primary": true}])
    );
    let patched = patch(
        &user,
        json!([{"op": "add", "path": "phoneNumbers[type eq \"fax\"]", "value": [{"value": "9"}]}]),
    );
    assert_eq!(
        patched["phoneNumbers"][2],
        json!({"value": "9", "type": "fax"})
    );
    let patched = patch(
        &user,
        json!([{"op": "replace", "path": "phoneNumbers[primary eq false]", "value": {"value": "5"}}]),
    );
    assert_eq!(
        patched["phoneNumbers"][2],
        json!({"value": "5", "primary": false})
    );
    for value in [
        json!([{"value": "a"}, {"value": "b"}]),
        json!("a"),
        json!([]),
    ] {
        let error = reject(
            &user,
            json!([{"op": "replace", "path": "phoneNumbers[type eq \"home\"]", "value": value}]),
        );
        assert_error(
            &error,
            "invalidValue",
            "User PATCH path phoneNumbers[type eq \"home\"] requires one complex value",
        );
    }
}

#[test]
fn filtered_sub_attributes_set_remove_and_demote() {
    let user = ada_with(
        "addresses",
        json!([{"locality": "Seattle", "type": "work", "primary": true}, {"locality": "Austin", "type": "home"}]),
    );
    let patched = patch(
        &user,
        json!([{"op": "replace", "path": "addresses[type eq \"home\"].primary", "value": true}]),
    );
    assert_eq!(patched["addresses"][0]["primary"], false);
    assert_eq!(patched["addresses"][1]["primary"], true);
    let patched = patch(
        &user,
        json!([{"op": "remove", "path": "addresses[type eq \"home\"].locality"}]),
    );
    assert_eq!(patched["addresses"][1], json!({"type": "home"}));
    let patched = patch(
        &user,
        json!([{"op": "replace", "path": "addresses[primary eq true].postalCode", "value": "98101"}]),
    );
    assert_eq!(patched["addresses"][0]["postalCode"], "98101");
    let patched = patch(
        &user,
        json!([{"op": "remove", "path": "addresses[type eq \"fax\"].locality"}]),
    );
    assert_eq!(patched, user);
    let patched = patch(
        &user,
        json!([{"op": "add", "path": "addresses[type eq \"other\"].primary", "value": true}]),
    );
    assert_eq!(
        patched["addresses"],
        json!([
            {"locality": "Seattle", "type": "work", "primary": false},
            {"locality": "Austin", "type": "home"},
            {"type": "other", "primary": true}
        ])
    );
    let error = reject(
        &user,
        json!([{"op": "replace", "path": "addresses[type eq \"work\"].street", "value": "x"}]),
    );
    assert_error(
        &error,
        "invalidPath",
        "User PATCH path addresses[type eq \"work\"].street is not supported",
    );
}

#[test]
fn unfiltered_sub_attributes_touch_every_value_or_create_one() {
    let user = ada_with(
        "roles",
        json!([{"value": "a", "display": "A"}, {"value": "b"}]),
    );
    let patched = patch(
        &user,
        json!([{"op": "replace", "path": "roles.display", "value": "Role"}]),
    );
    assert_eq!(
        patched["roles"],
        json!([{"value": "a", "display": "Role"}, {"value": "b", "display": "Role"}])
    );
    let patched = patch(
        &ada(),
        json!([{"op": "replace", "path": "phoneNumbers.value", "value": "+1-555-0188"}]),
    );
    assert_eq!(patched["phoneNumbers"], json!([{"value": "+1-555-0188"}]));
}

// ---- Enterprise User ----

fn report() -> Value {
    let mut user = ada();
    user["displayName"] = json!("Jordan Lee");
    user["name"] = json!({"formatted": "Jordan Quinn Lee", "givenName": "Jordan", "middleName": "Quinn", "familyName": "Lee"});
    user["title"] = json!("Analyst");
    user["phoneNumbers"] = json!([{"value": "+1-555-0100", "type": "work", "primary": true}]);
    user
}

#[test]
fn core_and_enterprise_attributes_patch_through_entra_and_rfc_shapes() {
    // upstream: scim-enterprise-user.test.ts › SCIM classic Enterprise User provisioning › patches core and Enterprise User attributes through Entra and RFC path shapes
    let reference = "http://localhost:3000/api/auth/scim/v2/Users/manager-1";
    let patched = patch(
        &report(),
        json!([
            {"op": "Replace", "path": format!("{ENTERPRISE_USER}:manager"), "value": "manager-1"},
            {"op": "Replace", "value": {"title": "Senior Analyst", format!("{ENTERPRISE_USER}:department"): "Finance"}},
            {"op": "Add", "path": "addresses", "value": [{"streetAddress": "1 Finance Way", "locality": "Seattle",
                "region": "WA", "postalCode": "98101", "country": "US", "type": "work", "primary": true}]},
            {"op": "Replace", "path": "phoneNumbers[type eq \"work\"].value", "value": "+1-555-0199"},
            {"op": "Add", "path": "phoneNumbers", "value": [{"value": "+1-555-0177", "type": "mobile", "primary": true}]},
            {"op": "Replace", "path": "name", "value": {"givenName": "Jordana"}},
            {"op": "Replace", "path": format!("{ENTERPRISE_USER}:costCenter"), "value": "CC-204"},
            {"op": "Replace", "path": ENTERPRISE_USER, "value": {"division": "Financial Planning"}},
            {"op": "Add", "path": "manager", "value": [{"value": "manager-1", "$ref": reference,
                "displayName": "Client supplied manager name"}]}
        ]),
    );
    assert_eq!(patched["schemas"], json!([CORE_USER, ENTERPRISE_USER]));
    assert_eq!(patched["title"], "Senior Analyst");
    assert_eq!(
        patched["name"],
        json!({"formatted": "Jordan Quinn Lee", "givenName": "Jordana", "middleName": "Quinn", "familyName": "Lee"})
    );
    assert_eq!(
        patched["phoneNumbers"],
        json!([
            {"value": "+1-555-0199", "type": "work", "primary": false},
            {"value": "+1-555-0177", "type": "mobile", "primary": true}
        ])
    );
    assert_eq!(patched["addresses"][0]["primary"], true);
    assert_eq!(
        patched[ENTERPRISE_USER],
        json!({"department": "Finance", "costCenter": "CC-204", "division": "Financial Planning",
               "manager": {"value": "manager-1", "$ref": reference}})
    );

    let error = reject(
        &patched,
        json!([{"op": "Replace", "path": "manager.displayName", "value": "Must not persist"}]),
    );
    assert_error(&error, "mutability", "manager.displayName is read-only");

    let removed = patch(
        &patched,
        json!([
            {"op": "Remove", "path": "title"},
            {"op": "Remove", "path": "addresses[type eq \"work\"]"},
            {"op": "Remove", "path": format!("{ENTERPRISE_USER}:department")},
            {"op": "Remove", "path": "manager"}
        ]),
    );
    assert!(removed.get("title").is_none() && removed.get("addresses").is_none());
    assert_eq!(
        removed[ENTERPRISE_USER],
        json!({"costCenter": "CC-204", "division": "Financial Planning"})
    );
    let managed = patch(
        &removed,
        json!([{"op": "Replace", "path": "manager.value", "value": "manager-1"}]),
    );
    assert_eq!(
        managed[ENTERPRISE_USER]["manager"],
        json!({"value": "manager-1"})
    );

    let error = reject(
        &removed,
        json!([
            {"op": "Replace", "path": "title", "value": "Must not persist"},
            {"op": "Replace", "path": "urn:ietf:params:scim:schemas:extension:Microsoft:Entra:2.0:User:department", "value": "Unsupported"}
        ]),
    );
    assert_eq!(error.scim_type, Some("invalidPath"));
}

#[test]
fn entras_full_replace_attributes_shape_applies() {
    // upstream: scim-enterprise-user.test.ts › SCIM classic Enterprise User provisioning › applies Microsoft Entra's full multi-op Replace Attributes PATCH shape
    let mut user = ada();
    user["schemas"] = json!([CORE_USER, ENTERPRISE_USER]);
    user["phoneNumbers"] = json!([{"value": "+1-555-0100", "type": "work", "primary": true}]);
    user["addresses"] =
        json!([{"formatted": "1 Old Way", "locality": "Redmond", "type": "work", "primary": true}]);
    user["roles"] = json!([{"value": "engineer", "display": "Engineer", "primary": true}]);
    user[ENTERPRISE_USER] = json!({"employeeNumber": "1"});
    let patched = patch(
        &user,
        json!([
            {"op": "Replace", "path": "emails[primary eq true].value", "value": "replaced@example.com"},
            {"op": "Replace", "path": "phoneNumbers[primary eq true].value", "value": "+1-555-0199"},
            {"op": "Replace", "path": "addresses[primary eq true].formatted", "value": "2 New Way"},
            {"op": "Replace", "path": "addresses[primary eq true].locality", "value": "Bellevue"},
            {"op": "Replace", "path": "roles[primary eq true].value", "value": "senior-engineer"},
            {"op": "Replace", "path": "roles[primary eq true].display", "value": "Senior Engineer"},
            {"op": "Replace", "path": "displayName", "value": ["Replaced Attributes"]},
            {"op": "Replace", "path": "title", "value": ["Senior Engineer"]},
            {"op": "Replace", "path": "timezone", "value": ["America/Los_Angeles"]},
            {"op": "Replace", "path": format!("{ENTERPRISE_USER}:employeeNumber"), "value": ["99999"]}
        ]),
    );
    assert_eq!(patched["displayName"], "Replaced Attributes");
    assert_eq!(patched["title"], "Senior Engineer");
    assert_eq!(patched["timezone"], "America/Los_Angeles");
    assert_eq!(
        patched["emails"],
        json!([{"value": "replaced@example.com", "primary": true, "type": "work"}])
    );
    assert_eq!(patched["phoneNumbers"][0]["value"], "+1-555-0199");
    assert_eq!(
        patched["addresses"],
        json!([{"formatted": "2 New Way", "locality": "Bellevue", "type": "work", "primary": true}])
    );
    assert_eq!(
        patched["roles"],
        json!([{"value": "senior-engineer", "display": "Senior Engineer", "primary": true}])
    );
    assert_eq!(patched[ENTERPRISE_USER], json!({"employeeNumber": "99999"}));
}

#[test]
fn entras_flat_key_pathless_replace_applies() {
    // upstream: scim-enterprise-user.test.ts › SCIM classic Enterprise User provisioning › applies Entra's captured flat-key pathless replace alongside primary filters
    let mut user = ada();
    user["schemas"] = json!([CORE_USER, ENTERPRISE_USER]);
    user["name"] = json!({"formatted": "Original"});
    user["displayName"] = json!("Original");
    user["entitlements"] = json!([{"value": "vpn", "display": "VPN", "primary": true}]);
    user[ENTERPRISE_USER] = json!({"manager": {"value": "manager-id"}});
    let patched = patch(
        &user,
        json!([
            {"op": "replace", "path": "entitlements[primary eq true].value", "value": "vpn-admin"},
            {"op": "replace", "value": {
                "displayName": "Flat Key Replace",
                "name.formatted": "Replaced",
                "name.givenName": "First",
                format!("{ENTERPRISE_USER}:employeeNumber"): "99999"
            }}
        ]),
    );
    assert_eq!(patched["displayName"], "Flat Key Replace");
    assert_eq!(
        patched["name"],
        json!({"formatted": "Replaced", "givenName": "First"})
    );
    assert_eq!(
        patched["entitlements"],
        json!([{"value": "vpn-admin", "display": "VPN", "primary": true}])
    );
    assert_eq!(
        patched[ENTERPRISE_USER],
        json!({"manager": {"value": "manager-id"}, "employeeNumber": "99999"})
    );
}

#[test]
fn removing_the_last_manager_value_drops_the_extension() {
    // upstream: scim-enterprise-user.test.ts › SCIM classic Enterprise User provisioning › cascades an emptied manager object out of the Enterprise extension on subattribute removal
    let mut user = ada_with("schemas", json!([CORE_USER, ENTERPRISE_USER]));
    user[ENTERPRISE_USER] = json!({"manager": {"value": "manager-id"}});
    let patched = patch(
        &user,
        json!([{"op": "Remove", "path": format!("{ENTERPRISE_USER}:manager.value")}]),
    );
    assert_eq!(patched["schemas"], json!([CORE_USER]));
    assert!(patched.get(ENTERPRISE_USER).is_none());
}

#[test]
fn an_empty_string_clears_the_manager() {
    // upstream: scim-enterprise-user.test.ts › SCIM classic Enterprise User provisioning › clears manager on Microsoft Entra's replace-with-empty-string PATCH
    let mut user = ada_with("schemas", json!([CORE_USER, ENTERPRISE_USER]));
    user[ENTERPRISE_USER] = json!({"manager": {"value": "manager-id"}});
    let patched = patch(
        &user,
        json!([{"op": "replace", "path": format!("{ENTERPRISE_USER}:manager"), "value": ""}]),
    );
    assert_eq!(patched["schemas"], json!([CORE_USER]));
    assert!(patched.get(ENTERPRISE_USER).is_none());
    user[ENTERPRISE_USER] = json!({"manager": {"value": "manager-id"}, "department": "Finance"});
    let patched = patch(
        &user,
        json!([{"op": "replace", "path": "manager", "value": ""}]),
    );
    assert_eq!(patched[ENTERPRISE_USER], json!({"department": "Finance"}));
}

#[test]
fn a_pathless_enterprise_root_object_merges_and_declares_the_schema() {
    // upstream: scim-enterprise-user.test.ts › SCIM classic Enterprise User provisioning › applies a pathless Enterprise User root object with canonical persistence and response
    let patched = patch(
        &ada(),
        json!([{"op": "Replace", "value": {ENTERPRISE_USER: {
            "employeeNumber": "E-204", "department": " Finance ", "manager": {"value": "manager-1"}
        }}}]),
    );
    assert_eq!(patched["schemas"], json!([CORE_USER, ENTERPRISE_USER]));
    assert_eq!(
        patched[ENTERPRISE_USER],
        json!({"employeeNumber": "E-204", "department": "Finance", "manager": {"value": "manager-1"}})
    );
    let keys: Vec<&String> = patched.as_object().unwrap().keys().collect();
    assert_eq!(keys.last().map(|key| key.as_str()), Some(ENTERPRISE_USER));
}

#[test]
fn the_enterprise_root_validates_merges_and_removes() {
    let mut user = ada_with("schemas", json!([CORE_USER, ENTERPRISE_USER]));
    user[ENTERPRISE_USER] = json!({"department": "Finance", "manager": {"value": "m-1"}});
    let patched = patch(
        &user,
        json!([{"op": "add", "path": ENTERPRISE_USER, "value": {"manager": {"$ref": "https://x/Users/m-1"}}}]),
    );
    assert_eq!(
        patched[ENTERPRISE_USER],
        json!({"department": "Finance", "manager": {"value": "m-1", "$ref": "https://x/Users/m-1"}})
    );
    let removed = patch(&user, json!([{"op": "remove", "path": ENTERPRISE_USER}]));
    assert_eq!(removed["schemas"], json!([CORE_USER]));
    assert!(removed.get(ENTERPRISE_USER).is_none());

    let error = reject(
        &user,
        json!([{"op": "add", "path": ENTERPRISE_USER, "value": {"badge": "1"}}]),
    );
    assert_error(
        &error,
        "invalidPath",
        &format!("User PATCH path {ENTERPRISE_USER}:badge is not supported"),
    );
    let error = reject(
        &user,
        json!([{"op": "add", "path": ENTERPRISE_USER, "value": "x"}]),
    );
    assert_error(
        &error,
        "invalidValue",
        &format!("{ENTERPRISE_USER} must be an object"),
    );
    let error = reject(
        &user,
        json!([{"op": "add", "path": ENTERPRISE_USER, "value": {"department": ""}}]),
    );
    assert_error(
        &error,
        "invalidValue",
        &format!("{ENTERPRISE_USER}.department: Too small: expected string to have >=1 characters"),
    );
    let error = reject(
        &user,
        json!([{"op": "add", "path": "manager", "value": {"displayName": "Only"}}]),
    );
    assert_error(&error, "invalidValue", "manager must contain value or $ref");
}

#[test]
fn enterprise_attributes_declare_and_undeclare_the_schema() {
    let patched = patch(
        &ada(),
        json!([{"op": "add", "path": format!("{ENTERPRISE_USER}:costCenter"), "value": "CC-1"}]),
    );
    assert_eq!(patched["schemas"], json!([CORE_USER, ENTERPRISE_USER]));
    assert_eq!(patched[ENTERPRISE_USER], json!({"costCenter": "CC-1"}));
    let removed = patch(
        &patched,
        json!([{"op": "remove", "path": format!("{ENTERPRISE_USER}:COSTCENTER")}]),
    );
    assert_eq!(removed, ada());
    let unchanged = patch(
        &ada(),
        json!([{"op": "remove", "path": format!("{ENTERPRISE_USER}:department")}]),
    );
    assert_eq!(unchanged, ada());
    let error = reject(
        &ada(),
        json!([{"op": "add", "path": format!("{ENTERPRISE_USER}:badge"), "value": "1"}]),
    );
    assert_error(
        &error,
        "invalidPath",
        &format!("User PATCH path {ENTERPRISE_USER}:badge is not supported"),
    );
}

// ---- malformed and unknown paths, pathless operations ----

#[test]
fn whitespace_inside_a_simple_path_is_rejected() {
    // upstream: scim-user-patch.test.ts › SCIM User PATCH provider compatibility › rejects whitespace inside a simple PATCH attribute path
    let error = reject(
        &ada(),
        json!([{"op": "replace", "path": "user Name", "value": "unexpected@example.com"}]),
    );
    assert_error(
        &error,
        "invalidPath",
        "User PATCH path user Name is not supported",
    );
}

#[test]
fn a_trailing_empty_segment_is_rejected() {
    // upstream: scim-user-patch.test.ts › SCIM User PATCH provider compatibility › rejects a PATCH attribute path with a trailing empty segment
    let error = reject(
        &ada(),
        json!([{"op": "replace", "path": "name.", "value": {"formatted": "Unexpected Name"}}]),
    );
    assert_error(
        &error,
        "invalidPath",
        "User PATCH path name. is not supported",
    );
}

#[test]
fn unknown_and_malformed_paths_are_invalid_paths() {
    let long = "a".repeat(5000);
    for path in [
        "nickName",
        "a.b.c",
        "name.givenName.x",
        "emails[type eq \"work\"",
        "urn:ietf:params:scim:schemas:core:2.0:User",
        "urn:ietf:params:scim:schemas:core:2.0:Group:displayName",
        "groups",
        "password",
        long.as_str(),
    ] {
        let error = reject(
            &ada(),
            json!([{"op": "replace", "path": path, "value": "x"}]),
        );
        assert_eq!(error.scim_type, Some("invalidPath"), "{path}");
    }
}

#[test]
fn pathless_operations_apply_each_key() {
    // upstream: scim-user-patch.test.ts › SCIM User PATCH provider compatibility › atomically applies pathless object updates and removes externalId
    let user = ada_with("name", json!({"formatted": "Ada Lovelace"}));
    let patched = patch(
        &user,
        json!([
            {"op": "replace", "value": {"userName": "pathless.login@example.com", "name": {"formatted": "Pathless Replacement"}, "active": false}},
            {"op": "add", "value": {"emails": [{"value": "pathless.primary@example.com", "primary": true}]}},
            {"op": "remove", "path": "externalId"}
        ]),
    );
    assert_eq!(patched["userName"], "pathless.login@example.com");
    assert_eq!(patched["displayName"], "Pathless Replacement");
    assert_eq!(patched["active"], false);
    assert_eq!(
        patched["emails"],
        json!([
            {"value": "ada@example.com", "primary": false, "type": "work"},
            {"value": "pathless.primary@example.com", "primary": true}
        ])
    );
    assert!(patched.get("externalId").is_none());

    let patched = patch(
        &ada(),
        json!([{"op": "replace", "path": " ", "value": {"urn:ietf:params:scim:schemas:core:2.0:User:title": "Lead"}}]),
    );
    assert_eq!(patched["title"], "Lead");
    let error = reject(&ada(), json!([{"op": "replace", "value": ["title"]}]));
    assert_error(
        &error,
        "invalidValue",
        "A pathless User PATCH value must be an object",
    );
    let error = reject(&ada(), json!([{"op": "replace", "value": {"id": "x"}}]));
    assert_error(&error, "mutability", "id is read-only");
}

#[test]
fn a_pathless_remove_has_no_target() {
    // upstream: scim-user-patch.test.ts › SCIM User PATCH provider compatibility › rejects pathless remove operations with noTarget
    let error = reject(&ada(), json!([{"op": "remove"}]));
    assert_error(
        &error,
        "noTarget",
        "A remove User PATCH operation requires a path",
    );
}

#[test]
fn entras_pathless_remove_with_a_value_has_no_target() {
    // upstream: scim-entra-conformance.test.ts › SCIM User PATCH against Microsoft Entra ID attribute mappings › rejects a remove operation without a path
    let error = reject(
        &ada(),
        json!([{"op": "Remove", "value": {"displayName": "Ada"}}]),
    );
    assert_error(
        &error,
        "noTarget",
        "A remove User PATCH operation requires a path",
    );
}

// ---- Entra string booleans ----

#[test]
fn a_filtered_primary_sub_attribute_value_is_normalized() {
    // upstream: scim-active-normalization.test.ts › SCIM User multi-valued primary ingress helper › normalizes a filtered-path value targeting the primary sub-attribute directly
    assert_eq!(
        operation_value(Some("emails[type eq \"work\"].primary"), &json!("true")),
        json!(true)
    );
}

#[test]
fn a_whitespace_padded_filtered_primary_path_is_normalized() {
    // upstream: scim-active-normalization.test.ts › SCIM User multi-valued primary ingress helper › normalizes a filtered-path value with whitespace around the filter and dot
    assert_eq!(
        operation_value(
            Some("roles [ type eq \"engineer\" ] . primary"),
            &json!("true")
        ),
        json!(true)
    );
    let user = ada_with("roles", json!([{"value": "a", "type": "engineer"}]));
    let patched = patch(
        &user,
        json!([{"op": "replace", "path": "roles [ type eq \"engineer\" ] . primary", "value": "True"}]),
    );
    assert_eq!(
        patched["roles"],
        json!([{"value": "a", "type": "engineer", "primary": true}])
    );
}

#[test]
fn primary_inside_a_filtered_element_value_is_normalized() {
    // upstream: scim-active-normalization.test.ts › SCIM User multi-valued primary ingress helper › normalizes primary inside a filtered-path element replace value
    assert_eq!(
        operation_value(
            Some("addresses[type eq \"work\"]"),
            &json!({"formatted": "1 Infinite Loop", "primary": "true"})
        ),
        json!({"formatted": "1 Infinite Loop", "primary": true})
    );
}

#[test]
fn primary_inside_an_unfiltered_array_value_is_normalized() {
    // upstream: scim-active-normalization.test.ts › SCIM User multi-valued primary ingress helper › normalizes primary inside an unfiltered attribute-path array replace value
    assert_eq!(
        operation_value(
            Some("roles"),
            &json!([{"value": "engineer", "primary": "true"}])
        ),
        json!([{"value": "engineer", "primary": true}])
    );
}

#[test]
fn a_direct_unfiltered_primary_target_is_normalized() {
    // upstream: scim-active-normalization.test.ts › SCIM User multi-valued primary ingress helper › normalizes a direct unfiltered primary sub-attribute path target
    assert_eq!(
        operation_value(Some("emails.primary"), &json!("false")),
        json!(false)
    );
}

#[test]
fn a_pathless_full_resource_value_is_normalized() {
    // upstream: scim-active-normalization.test.ts › SCIM User multi-valued primary ingress helper › normalizes active and multi-valued primary fields inside a pathless full-resource PATCH value
    assert_eq!(
        operation_value(
            None,
            &json!({"active": "true", "emails": [{"value": "a@example.com", "primary": "true"}],
                    "addresses": [{"formatted": "1 Infinite Loop", "primary": "TRUE"}]})
        ),
        json!({"active": true, "emails": [{"value": "a@example.com", "primary": true}],
               "addresses": [{"formatted": "1 Infinite Loop", "primary": true}]})
    );
    let patched = patch(
        &ada(),
        json!([{"op": "replace", "value": {"active": "FALSE"}}]),
    );
    assert_eq!(patched["active"], false);
}

#[test]
fn an_untouched_operation_is_left_unchanged() {
    // upstream: scim-active-normalization.test.ts › SCIM User multi-valued primary ingress helper › leaves an untouched PATCH operation unchanged
    assert_eq!(
        operation_value(Some("displayName"), &json!("False")),
        json!("False")
    );
    let patched = patch(
        &ada(),
        json!([{"op": "replace", "path": "displayName", "value": "False"}]),
    );
    assert_eq!(patched["displayName"], "False");
}

#[test]
fn near_miss_strings_are_not_normalized() {
    for value in [
        json!(" true"),
        json!("1"),
        json!("yes"),
        json!(["true"]),
        json!({"value": true}),
    ] {
        assert_eq!(operation_value(Some("active"), &value), value);
        assert_eq!(operation_value(Some("phoneNumbers.primary"), &value), value);
    }
    assert_eq!(
        operation_value(Some("phoneNumbers.value"), &json!("true")),
        json!("true")
    );
    assert_eq!(
        operation_value(None, &json!({"Active": "true"})),
        json!({"Active": "true"})
    );
}

#[test]
fn a_string_primary_through_a_filtered_path_is_applied() {
    // upstream: scim-active-normalization.test.ts › SCIM User multi-valued primary HTTP normalization › normalizes a string primary through a filtered PATCH path at the real HTTP ingress
    let user = ada_with(
        "phoneNumbers",
        json!([{"value": "1", "type": "work", "primary": true}, {"value": "2", "type": "home"}]),
    );
    let patched = patch(
        &user,
        json!([{"op": "replace", "path": "phoneNumbers[type eq \"home\"].primary", "value": "True"}]),
    );
    assert_eq!(
        patched["phoneNumbers"],
        json!([{"value": "1", "type": "work", "primary": false}, {"value": "2", "type": "home", "primary": true}])
    );
}
