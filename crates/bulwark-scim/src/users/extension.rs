//! Custom User schema extensions declared in options ([`SchemaExtension`]): validation of an
//! extension object against its declaration, its stored form (under the declared URN in the
//! `attributes` document), its output order, and the `scimUserAttribute` rows that make its
//! single-valued attributes filterable in the database.
//!
//! Values are normalised on input: strings trimmed, `"true"`/`"false"` strings become booleans (as
//! Microsoft Entra sends them), timestamps become RFC 3339 UTC with milliseconds; a `null` value is an
//! absent attribute. Attribute names are matched case-insensitively and stored as declared.

use bulwark_core::models::wire::{format_date, parse_date};
use serde_json::{Map, Value};

use crate::options::{AttributeKind, ExtensionAttribute, Mutability, SchemaExtension};

/// The longest string or reference value (single values are an indexed column).
const MAX_LENGTH: usize = 255;
/// The most values of a multi-valued attribute.
const MAX_VALUES: usize = 100;

/// The declared extension `urn` names, if any (URNs are case-insensitive).
pub(crate) fn declared<'e>(
    extensions: &'e [SchemaExtension],
    urn: &str,
) -> Option<&'e SchemaExtension> {
    extensions
        .iter()
        .find(|extension| extension.urn.eq_ignore_ascii_case(urn))
}

/// The value of the body key naming `urn` (keys compared ignoring case).
pub(crate) fn body_value<'b>(object: &'b Map<String, Value>, urn: &str) -> Option<&'b Value> {
    object
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(urn))
        .map(|(_, value)| value)
}

/// Validates the extension object `value` against `extension`: the valid object (declared names,
/// normalised values, declaration order) or the issues as `(path below the URN, message)`.
pub(crate) fn parse_object(
    extension: &SchemaExtension,
    value: &Value,
) -> Result<Map<String, Value>, Vec<(String, String)>> {
    let urn = extension.urn.as_str();
    let Value::Object(object) = value else {
        return Err(vec![(urn.to_owned(), format!("{urn} must be an object"))]);
    };
    let mut issues = Vec::new();
    for key in object.keys() {
        if extension.find(key).is_none() {
            issues.push((
                format!("{urn}.{key}"),
                format!("{key} is not an attribute of {urn}"),
            ));
        }
    }
    let mut out = Map::new();
    for attribute in &extension.attributes {
        let path = format!("{urn}.{}", attribute.name);
        let sent = object
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(&attribute.name))
            .map(|(_, value)| value)
            .filter(|value| !value.is_null());
        let Some(sent) = sent else {
            if attribute.required {
                issues.push((path, format!("{} is required", attribute.name)));
            }
            continue;
        };
        match attribute_value(attribute, sent) {
            Ok(value) => {
                out.insert(attribute.name.clone(), value);
            }
            Err(message) => issues.push((path, message)),
        }
    }
    if issues.is_empty() {
        Ok(out)
    } else {
        Err(issues)
    }
}

/// One attribute's normalised value, or why it is invalid.
fn attribute_value(attribute: &ExtensionAttribute, value: &Value) -> Result<Value, String> {
    if attribute.multi_valued {
        let values = match value {
            Value::Array(values) => values.as_slice(),
            single => std::slice::from_ref(single),
        };
        if values.len() > MAX_VALUES {
            return Err(format!(
                "{} must have at most {MAX_VALUES} values",
                attribute.name
            ));
        }
        return values
            .iter()
            .map(|v| scalar(attribute, v))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array);
    }
    let value = match value {
        Value::Array(values) if values.len() == 1 => values.first().unwrap_or(value),
        other => other,
    };
    scalar(attribute, value)
}

fn scalar(attribute: &ExtensionAttribute, value: &Value) -> Result<Value, String> {
    let name = &attribute.name;
    let kind = attribute.kind.scim_type();
    let wrong = || format!("{name} must be a {kind}");
    match attribute.kind {
        AttributeKind::String | AttributeKind::Reference => {
            let Value::String(text) = value else {
                return Err(wrong());
            };
            let text = text.trim();
            if text.is_empty() {
                return Err(format!("{name} must not be empty"));
            }
            if text.chars().count() > MAX_LENGTH {
                return Err(format!("{name} must have at most {MAX_LENGTH} characters"));
            }
            Ok(Value::from(text))
        }
        AttributeKind::Boolean => match value {
            Value::Bool(flag) => Ok(Value::Bool(*flag)),
            Value::String(text) if text.eq_ignore_ascii_case("true") => Ok(Value::Bool(true)),
            Value::String(text) if text.eq_ignore_ascii_case("false") => Ok(Value::Bool(false)),
            _ => Err(wrong()),
        },
        AttributeKind::Integer => value
            .as_i64()
            .map(Value::from)
            .ok_or_else(|| format!("{name} must be an integer")),
        AttributeKind::DateTime => value
            .as_str()
            .and_then(|text| parse_date(text.trim()))
            .map(|at| Value::from(format_date(at)))
            .ok_or_else(|| format!("{name} must be an RFC 3339 dateTime")),
    }
}

/// The declared extensions stored in `attributes`, in declaration order, each object with its keys in
/// declaration order: what follows the Enterprise User extension (responses then drop `writeOnly`
/// attributes with [`hide_write_only`]; a PATCH keeps them).
pub(crate) fn output(
    attributes: &Map<String, Value>,
    extensions: &[SchemaExtension],
) -> Vec<(String, Value)> {
    extensions
        .iter()
        .filter_map(|extension| {
            let Some(Value::Object(stored)) = attributes.get(&extension.urn) else {
                return None;
            };
            let object: Map<String, Value> = extension
                .attributes
                .iter()
                .filter_map(|attribute| {
                    stored
                        .get(&attribute.name)
                        .map(|value| (attribute.name.clone(), value.clone()))
                })
                .collect();
            Some((extension.urn.clone(), Value::Object(object)))
        })
        .collect()
}

/// Drops the `writeOnly` attributes of the declared extensions from a resource (they are never
/// returned).
pub(crate) fn hide_write_only(resource: &mut Map<String, Value>, extensions: &[SchemaExtension]) {
    for extension in extensions {
        if let Some(Value::Object(object)) = resource.get_mut(&extension.urn) {
            for attribute in &extension.attributes {
                if attribute.mutability == Mutability::WriteOnly {
                    object.remove(&attribute.name);
                }
            }
        }
    }
}

/// A `scimUserAttribute` row's content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct IndexedValue {
    /// `<urn>:<name>`, lower-cased.
    pub(crate) key: String,
    /// The value as text.
    pub(crate) value: String,
    /// The lower-cased value of a case-insensitive string.
    pub(crate) folded: Option<String>,
    /// The value of an integer.
    pub(crate) number: Option<i64>,
}

/// The filter key of `attribute` of `extension`.
pub(crate) fn key(extension: &SchemaExtension, attribute: &ExtensionAttribute) -> String {
    format!("{}:{}", extension.urn, attribute.name).to_lowercase()
}

/// The indexed rows of the single-valued extension attributes stored in `attributes`.
pub(crate) fn indexed(attributes: &Value, extensions: &[SchemaExtension]) -> Vec<IndexedValue> {
    let mut rows = Vec::new();
    for extension in extensions {
        let Some(Value::Object(stored)) = attributes.get(&extension.urn) else {
            continue;
        };
        for attribute in extension.attributes.iter().filter(|a| !a.multi_valued) {
            let Some(value) = stored.get(&attribute.name) else {
                continue;
            };
            let text = match value {
                Value::String(text) => text.clone(),
                Value::Bool(flag) => flag.to_string(),
                Value::Number(number) => number.to_string(),
                _ => continue,
            };
            rows.push(IndexedValue {
                key: key(extension, attribute),
                folded: attribute.folds_case().then(|| text.to_lowercase()),
                number: (attribute.kind == AttributeKind::Integer)
                    .then(|| value.as_i64())
                    .flatten(),
                value: text,
            });
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const URN: &str = "urn:example:params:scim:schemas:extension:acme:2.0:User";

    fn acme() -> SchemaExtension {
        SchemaExtension::new(URN, "AcmeUser")
            .attribute(ExtensionAttribute::new("badge", AttributeKind::String).required())
            .attribute(ExtensionAttribute::new("level", AttributeKind::Integer))
            .attribute(ExtensionAttribute::new("vip", AttributeKind::Boolean))
            .attribute(ExtensionAttribute::new("since", AttributeKind::DateTime))
            .attribute(ExtensionAttribute::new("tags", AttributeKind::String).multi_valued())
    }

    #[test]
    fn values_are_normalised_and_ordered_as_declared() {
        let parsed = parse_object(
            &acme(),
            &json!({"TAGS": "a", "since": "2026-03-01T10:00:00+02:00", "vip": "True",
                    "level": 3, "Badge": " B-7 "}),
        )
        .unwrap();
        assert_eq!(
            Value::Object(parsed),
            json!({"badge": "B-7", "level": 3, "vip": true,
                   "since": "2026-03-01T08:00:00.000Z", "tags": ["a"]})
        );
    }

    #[test]
    fn type_errors_missing_and_unknown_attributes_are_reported() {
        let issues = parse_object(&acme(), &json!({"level": "3", "color": "red"})).unwrap_err();
        let messages: Vec<&str> = issues.iter().map(|(_, m)| m.as_str()).collect();
        assert_eq!(
            messages,
            [
                format!("color is not an attribute of {URN}").as_str(),
                "badge is required",
                "level must be an integer",
            ]
        );
    }

    #[test]
    fn single_values_become_indexed_rows() {
        let attributes = json!({URN: {"badge": "B-7", "level": 12, "vip": false, "tags": ["x"]}});
        let rows = indexed(&attributes, &[acme()]);
        let key = |name: &str| format!("{}:{name}", URN.to_lowercase());
        assert_eq!(
            rows,
            [
                IndexedValue {
                    key: key("badge"),
                    value: "B-7".to_owned(),
                    folded: Some("b-7".to_owned()),
                    number: None
                },
                IndexedValue {
                    key: key("level"),
                    value: "12".to_owned(),
                    folded: None,
                    number: Some(12)
                },
                IndexedValue {
                    key: key("vip"),
                    value: "false".to_owned(),
                    folded: None,
                    number: None
                },
            ]
        );
    }
}
