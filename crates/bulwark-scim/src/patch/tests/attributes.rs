//! Tests of User PATCH outside the typed profile: simple strings, the structured multi-valued
//! attributes, the Enterprise User extension and Entra's string booleans.

use bulwark_scim_protocol::ScimType;
use bulwark_scim_protocol::urn::{CORE_USER, ENTERPRISE_USER};
use serde_json::{Value, json};

use super::super::normalize::operation_value;
use super::{ada, ada_with, assert_error, patch, reject};

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
    assert_eq!(error.scim_type, Some(ScimType::InvalidPath));
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
