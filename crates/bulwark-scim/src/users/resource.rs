//! The User resource answered to clients, with upstream v1.7.1's key order: `schemas, name, emails,
//! [title … entitlements], id, externalId?, userName, displayName, active, <enterprise URN>?,
//! <declared extension URNs>?, meta`.
//!
//! The stored `attributes` document may come back from the database with its keys reordered
//! (`PostgreSQL`'s `jsonb`), so every object is written out in the schema's order here.

use std::fmt::Write as _;

use bulwark_core::Auth;
use bulwark_core::models::wire::format_date;
use serde_json::{Map, Value};

use super::input::{ENTERPRISE_ATTRIBUTES, MULTI_VALUED, NAME_PARTS, SINGULAR_ATTRIBUTES};
use bulwark_scim_protocol::urn;

use super::{ENTERPRISE_ATTRIBUTE, extension};
use crate::models::ScimUser;
use crate::options::SchemaExtension;

/// The resource of `user` without `meta`: what a PATCH operates on. The `declared` custom extensions
/// follow the Enterprise User extension, in declaration order (`writeOnly` attributes included).
pub(crate) fn current(user: &ScimUser, declared: &[SchemaExtension]) -> Value {
    let mut object = Map::new();
    let empty = Map::new();
    let attributes = user.attributes.as_object().unwrap_or(&empty);
    copy(&mut object, attributes, "schemas", Clone::clone);
    copy(&mut object, attributes, "name", |name| {
        ordered(name, NAME_PARTS.iter().map(|(k, _)| *k))
    });
    copy(&mut object, attributes, "emails", |emails| {
        each(emails, &["value", "primary", "type"])
    });
    for (key, _) in SINGULAR_ATTRIBUTES {
        copy(&mut object, attributes, key, Clone::clone);
    }
    for attribute in MULTI_VALUED {
        let keys: Vec<&str> = attribute.fields.iter().map(|(k, _)| *k).collect();
        copy(&mut object, attributes, attribute.name, |values| {
            each(values, &keys)
        });
    }
    object.insert("id".to_owned(), Value::from(user.id.as_str()));
    if let Some(external_id) = user.external_id.as_deref().filter(|e| !e.is_empty()) {
        object.insert("externalId".to_owned(), Value::from(external_id));
    }
    object.insert("userName".to_owned(), Value::from(user.user_name.as_str()));
    object.insert(
        "displayName".to_owned(),
        Value::from(user.display_name.as_str()),
    );
    object.insert("active".to_owned(), Value::Bool(user.active));
    if let Some(enterprise) = attributes.get(ENTERPRISE_ATTRIBUTE) {
        let keys = ENTERPRISE_ATTRIBUTES
            .iter()
            .map(|(k, _)| *k)
            .chain(["manager"]);
        let mut enterprise = ordered(enterprise, keys);
        if let Some(manager) = enterprise.get_mut("manager") {
            *manager = ordered(manager, ["value", "$ref"]);
        }
        object.insert(urn::ENTERPRISE_USER.to_owned(), enterprise);
    }
    object.extend(extension::output(attributes, declared));
    Value::Object(object)
}

/// The full resource of `user`, `meta` included.
pub(crate) fn render(auth: &Auth, user: &ScimUser, declared: &[SchemaExtension]) -> Value {
    let mut resource = current(user, declared);
    if let Value::Object(object) = &mut resource {
        extension::hide_write_only(object, declared);
        object.insert(
            "meta".to_owned(),
            serde_json::json!({
                "resourceType": "User",
                "created": format_date(user.created_at),
                "lastModified": format_date(user.updated_at),
                "location": location(auth, &user.id),
            }),
        );
    }
    resource
}

/// `meta.location` of the User `id`: `<base URL><base path>/scim/v2/Users/<id, percent-encoded>`.
pub(crate) fn location(auth: &Auth, id: &str) -> String {
    let options = auth.options();
    format!(
        "{}{}/scim/v2/Users/{}",
        options.base_url.as_str().trim_end_matches('/'),
        options.base_path.trim_end_matches('/'),
        encode_uri_component(id)
    )
}

/// JavaScript's `encodeURIComponent`.
fn encode_uri_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&byte) {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// Copies `attributes[key]` into `object` through `map`, when present.
fn copy(
    object: &mut Map<String, Value>,
    attributes: &Map<String, Value>,
    key: &str,
    map: impl FnOnce(&Value) -> Value,
) {
    if let Some(value) = attributes.get(key) {
        object.insert(key.to_owned(), map(value));
    }
}

/// `value` with the given keys in that order (other keys dropped); non-objects unchanged.
fn ordered<'k>(value: &Value, keys: impl IntoIterator<Item = &'k str>) -> Value {
    let Value::Object(object) = value else {
        return value.clone();
    };
    Value::Object(
        keys.into_iter()
            .filter_map(|key| object.get(key).map(|v| (key.to_owned(), v.clone())))
            .collect(),
    )
}

/// Every element of an array ordered by `keys`.
fn each(values: &Value, keys: &[&str]) -> Value {
    match values {
        Value::Array(values) => Value::Array(
            values
                .iter()
                .map(|v| ordered(v, keys.iter().copied()))
                .collect(),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::encode_uri_component;

    #[test]
    fn ids_are_encoded_like_encode_uri_component() {
        assert_eq!(encode_uri_component("a b/c?é"), "a%20b%2Fc%3F%C3%A9");
        assert_eq!(encode_uri_component("A-z_0.~!*'()"), "A-z_0.~!*'()");
    }
}
