//! Tests of User PATCH: every row of upstream v1.7.1's path table, the provider quirks and ports of
//! upstream's PATCH tests (applied to the resource as the server outputs it, without `meta`).

mod attributes;

use bulwark_scim_protocol::urn::{CORE_USER, PATCH_OP};
use serde_json::{Value, json};

use super::apply;
use crate::error::{ScimError, ScimType};

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
    assert_eq!(
        error.scim_type.map(ScimType::as_str),
        Some(scim_type),
        "{error}"
    );
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
        assert_eq!(error.scim_type, Some(ScimType::InvalidValue), "{schemas}");
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
    // The PATCH shapes of upstream's "rejects invalid active values across every User mutation shape".
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
    assert_eq!(error.scim_type, Some(ScimType::Mutability));
    assert_eq!(user["active"], true);
}

#[test]
fn okta_deactivates_with_a_pathless_replace() {
    // The PATCH steps of upstream's Okta CRUD wire sequence (scim-okta-conformance.test.ts).
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
        assert_eq!(error.scim_type, Some(ScimType::InvalidPath), "{path}");
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

// ---- robustness ----

#[test]
fn every_path_op_and_value_combination_answers_without_panicking() {
    let paths = [
        "userName",
        "externalId",
        "active",
        "displayName",
        "name",
        "name.formatted",
        "name.givenName",
        "emails",
        "emails.value",
        "emails[type eq \"work\"].value",
        "emails[primary eq true].value",
        "title",
        "phoneNumbers",
        "phoneNumbers.value",
        "addresses[type eq \"work\"]",
        "addresses[primary eq true].postalCode",
        "roles[primary eq \"true\"].primary",
        "entitlements[type eq \"x\"].display",
        "manager",
        "manager.value",
        "manager.$ref",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
        "id",
        "meta.created",
        "nickName",
        "a.b.c",
        "emails[",
        "]",
        "[",
        "\"",
        "",
        "  ",
    ];
    let values = [
        json!(null),
        json!(true),
        json!("x"),
        json!(""),
        json!("a@example.com"),
        json!(1),
        json!([]),
        json!(["a@example.com"]),
        json!([{"value": "b@example.com", "primary": true}]),
        json!({"value": "v", "primary": "true"}),
        json!({"givenName": "G", "formatted": "F"}),
        json!([{"value": "v"}, "s", null]),
    ];
    let mut resource = ada();
    resource["roles"] = json!([{"value": "r", "primary": true}, "not an object"]);
    let before = resource.clone();
    for path in paths {
        for op in ["add", "replace", "remove"] {
            for value in &values {
                let operations = json!([{"op": op, "path": path, "value": value}]);
                if let Ok(patched) = apply(&resource, &body(operations)) {
                    assert!(patched.is_object());
                    assert!(
                        patched["emails"]
                            .as_array()
                            .is_some_and(|emails| !emails.is_empty())
                    );
                }
            }
        }
    }
    assert_eq!(resource, before);
}

#[test]
fn an_enterprise_value_may_name_its_own_schema() {
    let enterprise = bulwark_scim_protocol::urn::ENTERPRISE_USER;
    let value = json!({"schemas": [enterprise], "department": "R&D"});
    let patched = patch(
        &ada(),
        json!([{"op": "add", "path": enterprise, "value": value}]),
    );
    assert_eq!(patched[enterprise], json!({"department": "R&D"}));
    // Any other `schemas` value is not an attribute of the extension.
    let error = reject(
        &ada(),
        json!([{"op": "add", "path": enterprise, "value": {"schemas": [CORE_USER]}}]),
    );
    assert_error(
        &error,
        "invalidPath",
        &format!("User PATCH path {enterprise}:schemas is not supported"),
    );
}

#[test]
fn emails_can_be_removed_only_when_users_without_email_are_accepted() {
    let remove = body(json!([{"op": "remove", "path": "emails"}]));
    let placeholder = super::MissingEmail::Placeholder;
    let patched = super::apply_under(&ada(), &remove, &[], placeholder).unwrap();
    assert!(patched.get("emails").is_none(), "{patched}");
    let emptied = body(json!([{"op": "replace", "path": "emails", "value": []}]));
    assert_eq!(
        super::apply_under(&ada(), &emptied, &[], placeholder).unwrap(),
        patched
    );
    assert!(apply(&ada(), &remove).is_err());
    assert!(apply(&ada(), &emptied).is_err());
}
