//! User PATCH outside the typed profile: the simple strings (`title`, `userType`, …), the
//! structured multi-valued attributes (`phoneNumbers`, `addresses`, `roles`, `entitlements`) with
//! their filters, and the Enterprise User extension, patched as JSON with upstream v1.7.1's rules.

use bulwark_scim_protocol::urn;
use serde_json::{Map, Value};

use crate::error::{ScimError, ScimType};

use super::{Op, Scope, Selector, Target, invalid_value, read_only, unsupported_path};

/// How an attribute is shaped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Simple,
    Complex,
    MultiValued,
}

/// An attribute of the User schemas as PATCH sees it.
#[derive(Debug)]
struct Attribute {
    name: &'static str,
    kind: Kind,
    subs: &'static [&'static str],
    read_only_subs: &'static [&'static str],
}

const fn simple(name: &'static str) -> Attribute {
    Attribute {
        name,
        kind: Kind::Simple,
        subs: &[],
        read_only_subs: &[],
    }
}

const fn multi(name: &'static str, subs: &'static [&'static str]) -> Attribute {
    Attribute {
        name,
        kind: Kind::MultiValued,
        subs,
        read_only_subs: &[],
    }
}

/// The core User attributes (upstream's discovery schema, in its order).
const CORE: [Attribute; 14] = [
    simple("userName"),
    simple("displayName"),
    simple("active"),
    Attribute {
        name: "name",
        kind: Kind::Complex,
        subs: &[
            "formatted",
            "givenName",
            "familyName",
            "middleName",
            "honorificPrefix",
            "honorificSuffix",
        ],
        read_only_subs: &[],
    },
    multi("emails", &["value", "type", "primary"]),
    simple("title"),
    simple("userType"),
    simple("preferredLanguage"),
    simple("locale"),
    simple("timezone"),
    multi("phoneNumbers", &["value", "type", "primary"]),
    multi(
        "addresses",
        &[
            "formatted",
            "streetAddress",
            "locality",
            "region",
            "postalCode",
            "country",
            "type",
            "primary",
        ],
    ),
    multi("roles", &["value", "display", "type", "primary"]),
    multi("entitlements", &["value", "display", "type", "primary"]),
];

/// The Enterprise User attributes.
const ENTERPRISE: [Attribute; 6] = [
    simple("employeeNumber"),
    simple("costCenter"),
    simple("organization"),
    simple("division"),
    simple("department"),
    Attribute {
        name: "manager",
        kind: Kind::Complex,
        subs: &["value", "$ref", "displayName"],
        read_only_subs: &["displayName"],
    },
];

/// The Enterprise User string attributes and their maximum lengths.
const ENTERPRISE_STRINGS: [(&str, usize); 5] = [
    ("employeeNumber", 256),
    ("costCenter", 256),
    ("organization", 1024),
    ("division", 1024),
    ("department", 1024),
];

/// A path resolved against the schemas.
#[derive(Debug)]
struct Resolved {
    attribute: &'static Attribute,
    enterprise: bool,
    selector: Option<Selector>,
    sub: Option<&'static str>,
}

fn find<'a>(attributes: &'a [Attribute], name: &str) -> Option<&'a Attribute> {
    attributes
        .iter()
        .find(|attribute| attribute.name.eq_ignore_ascii_case(name))
}

fn resolve(path: &str, target: &Target) -> Result<Option<Resolved>, ScimError> {
    let Target::Attribute {
        scope,
        name,
        sub,
        selector,
    } = target
    else {
        return Ok(None);
    };
    let enterprise = *scope == Scope::Enterprise;
    let attributes: &'static [Attribute] = if enterprise { &ENTERPRISE } else { &CORE };
    let attribute = find(attributes, name).ok_or_else(|| unsupported_path(path))?;
    let sub = match sub {
        None => None,
        Some(sub) => {
            let canonical = attribute
                .subs
                .iter()
                .find(|candidate| candidate.eq_ignore_ascii_case(sub))
                .ok_or_else(|| unsupported_path(path))?;
            if attribute.read_only_subs.contains(canonical) {
                return Err(read_only(path));
            }
            Some(*canonical)
        }
    };
    if selector.is_some() && attribute.kind != Kind::MultiValued {
        return Err(ScimError::bad_request(
            ScimType::InvalidPath,
            format!("User PATCH path {path} is not a multi-valued attribute"),
        ));
    }
    Ok(Some(Resolved {
        attribute,
        enterprise,
        selector: selector.clone(),
        sub,
    }))
}

/// Applies one operation whose path is outside the typed profile to the resource document.
pub(super) fn apply(
    document: &mut Map<String, Value>,
    op: Op,
    path: &str,
    target: &Target,
    value: Option<&Value>,
) -> Result<(), ScimError> {
    let Some(resolved) = resolve(path, target)? else {
        if op == Op::Remove {
            document.remove(urn::ENTERPRISE_USER);
            declare_enterprise(document, false);
            return Ok(());
        }
        let merged = merge_enterprise(document.get(urn::ENTERPRISE_USER), value)?;
        document.insert(urn::ENTERPRISE_USER.to_owned(), Value::Object(merged));
        declare_enterprise(document, true);
        return Ok(());
    };
    let name = resolved.attribute.name;
    if !resolved.enterprise && (name == "emails" || name == "name") {
        return Err(unsupported_path(path));
    }
    if resolved.enterprise {
        if !document
            .get(urn::ENTERPRISE_USER)
            .is_some_and(Value::is_object)
        {
            if op == Op::Remove {
                return Ok(());
            }
            document.insert(urn::ENTERPRISE_USER.to_owned(), Value::Object(Map::new()));
        }
        if op != Op::Remove {
            declare_enterprise(document, true);
        }
    }
    let container = if resolved.enterprise {
        match document.get_mut(urn::ENTERPRISE_USER) {
            Some(Value::Object(extension)) => extension,
            _ => return Ok(()),
        }
    } else {
        &mut *document
    };

    if resolved.attribute.kind == Kind::MultiValued {
        multi_valued(container, &resolved, op, value, path)?;
    } else if let Some(sub) = resolved.sub {
        if let Some(Value::Object(current)) = container.get_mut(name) {
            if op == Op::Remove {
                current.remove(sub);
                if current.is_empty() {
                    container.remove(name);
                }
            } else {
                set(current, sub, value);
            }
        } else {
            if op == Op::Remove {
                return Ok(());
            }
            let mut object = Map::new();
            set(&mut object, sub, value);
            container.insert(name.to_owned(), Value::Object(object));
            return Ok(());
        }
    } else if op == Op::Remove {
        container.remove(name);
    } else if resolved.enterprise && name == "manager" {
        // Microsoft Entra clears the manager with a replace to "" instead of a remove.
        if value.and_then(Value::as_str) == Some("") {
            container.remove(name);
        } else {
            let patch = manager(value)?;
            let mut merged = match container.remove(name) {
                Some(Value::Object(current)) => current,
                _ => Map::new(),
            };
            merged.extend(patch);
            container.insert(name.to_owned(), Value::Object(merged));
            return Ok(());
        }
    } else if let (Kind::Complex, Some(Value::Object(patch))) = (resolved.attribute.kind, value) {
        let mut merged = match container.remove(name) {
            Some(Value::Object(current)) => current,
            _ => Map::new(),
        };
        merged.extend(patch.clone());
        container.insert(name.to_owned(), Value::Object(merged));
    } else {
        set(container, name, super::unwrap_single(value));
    }
    remove_empty_enterprise(document);
    Ok(())
}

/// Sets `key` to a copy of `value`; an absent value removes it (as JavaScript's `undefined`).
fn set(object: &mut Map<String, Value>, key: &str, value: Option<&Value>) {
    match value {
        Some(value) => {
            object.insert(key.to_owned(), value.clone());
        }
        None => {
            object.remove(key);
        }
    }
}

/// Adds (at the end) or removes the Enterprise User URN in `schemas`.
fn declare_enterprise(document: &mut Map<String, Value>, declared: bool) {
    let mut schemas: Vec<Value> = match document.get("schemas") {
        Some(Value::Array(schemas)) => schemas
            .iter()
            .filter(|schema| schema.is_string() && schema.as_str() != Some(urn::ENTERPRISE_USER))
            .cloned()
            .collect(),
        _ => Vec::new(),
    };
    if declared {
        schemas.push(Value::String(urn::ENTERPRISE_USER.to_owned()));
    }
    document.insert("schemas".to_owned(), Value::Array(schemas));
}

/// Drops an empty Enterprise User extension and its URN.
fn remove_empty_enterprise(document: &mut Map<String, Value>) {
    if let Some(Value::Object(extension)) = document.get(urn::ENTERPRISE_USER)
        && extension.is_empty()
    {
        document.remove(urn::ENTERPRISE_USER);
        declare_enterprise(document, false);
    }
}

/// Merges an Enterprise User object into the current extension; `manager` merges too.
fn merge_enterprise(
    current: Option<&Value>,
    value: Option<&Value>,
) -> Result<Map<String, Value>, ScimError> {
    let mut merged = match current {
        Some(Value::Object(current)) => current.clone(),
        _ => Map::new(),
    };
    let patch = enterprise_object(value, urn::ENTERPRISE_USER)?;
    for (key, value) in patch {
        match (key.as_str(), value, merged.get_mut("manager")) {
            ("manager", Value::Object(manager), Some(Value::Object(current))) => {
                current.extend(manager);
            }
            (_, value, _) => {
                merged.insert(key, value);
            }
        }
    }
    Ok(merged)
}

/// A manager PATCH value (a string, an object or a one-element array of one) as `{value?, $ref?}`.
fn manager(value: Option<&Value>) -> Result<Map<String, Value>, ScimError> {
    let mut object = Map::new();
    if let Some(value) = value {
        object.insert("manager".to_owned(), value.clone());
    }
    let label = format!("{}:manager", urn::ENTERPRISE_USER);
    match enterprise_object(Some(&Value::Object(object)), &label)?.remove("manager") {
        Some(Value::Object(manager)) => Ok(manager),
        _ => Err(invalid_value("manager must contain value or $ref")),
    }
}

/// Validates an Enterprise User object like upstream's input schema: keys must be extension
/// attributes (case-insensitively, else `invalidPath`); exactly named ones are kept, trimmed, and
/// the manager's read-only `displayName` is discarded. A `schemas` key naming just the extension
/// (what SCIM client libraries serialize an extension object with) is ignored.
fn enterprise_object(value: Option<&Value>, label: &str) -> Result<Map<String, Value>, ScimError> {
    let Some(Value::Object(object)) = value else {
        return Err(invalid_value(format!("{label} must be an object")));
    };
    for (key, value) in object {
        if key == "schemas" && names_only_enterprise(value) {
            continue;
        }
        if find(&ENTERPRISE, key).is_none() {
            return Err(ScimError::bad_request(
                ScimType::InvalidPath,
                format!(
                    "User PATCH path {}:{key} is not supported",
                    urn::ENTERPRISE_USER
                ),
            ));
        }
    }
    let issue = |path: &str, message: String| invalid_value(format!("{label}.{path}: {message}"));
    let mut parsed = Map::new();
    for (key, max) in ENTERPRISE_STRINGS {
        let Some(value) = object.get(key) else {
            continue;
        };
        let text = string(super::unwrap_single(Some(value)), max).map_err(|m| issue(key, m))?;
        parsed.insert(key.to_owned(), Value::String(text));
    }
    if let Some(value) = object.get("manager") {
        let manager = match value {
            Value::String(_) => {
                let text = string(Some(value), 256).map_err(|m| issue("manager", m))?;
                Map::from_iter([("value".to_owned(), Value::String(text))])
            }
            Value::Object(manager) => {
                manager_object(manager).map_err(|(path, m)| issue(&format!("manager.{path}"), m))?
            }
            Value::Array(items) if items.len() == 1 => match items.first() {
                Some(Value::Object(manager)) => manager_object(manager)
                    .map_err(|(path, m)| issue(&format!("manager.0.{path}"), m))?,
                _ => return Err(issue("manager", "Invalid input".to_owned())),
            },
            _ => return Err(issue("manager", "Invalid input".to_owned())),
        };
        if !manager.is_empty() {
            parsed.insert("manager".to_owned(), Value::Object(manager));
        }
    }
    Ok(parsed)
}

/// Whether a `schemas` value is `[<Enterprise User URN>]` (the URN in any case).
fn names_only_enterprise(value: &Value) -> bool {
    matches!(value, Value::Array(items) if matches!(items.as_slice(),
        [Value::String(urn)] if urn.eq_ignore_ascii_case(urn::ENTERPRISE_USER)))
}

/// A manager object's `value` and `$ref` (its `displayName` is checked, then discarded), or the
/// failing key and zod's message.
fn manager_object(
    manager: &Map<String, Value>,
) -> Result<Map<String, Value>, (&'static str, String)> {
    let mut parsed = Map::new();
    for (key, max) in [("value", 256), ("$ref", 2048), ("displayName", 1024)] {
        let Some(value) = manager.get(key) else {
            continue;
        };
        let text = string(Some(value), max).map_err(|m| (key, m))?;
        if key != "displayName" {
            parsed.insert(key.to_owned(), Value::String(text));
        }
    }
    Ok(parsed)
}

/// A zod `z.string().trim().min(1).max(max)`: the trimmed text or zod 4's message.
fn string(value: Option<&Value>, max: usize) -> Result<String, String> {
    let Some(Value::String(text)) = value else {
        return Err(super::expected("string", value));
    };
    let text = text.trim();
    if text.is_empty() {
        return Err("Too small: expected string to have >=1 characters".to_owned());
    }
    if text.chars().count() > max {
        return Err(format!(
            "Too big: expected string to have <={max} characters"
        ));
    }
    Ok(text.to_owned())
}

/// Whether a multi-valued entry matches the selector (no selector matches every entry).
fn matches(entry: &Value, selector: Option<&Selector>) -> bool {
    match selector {
        None => true,
        Some(Selector::Type(kind)) => entry
            .get("type")
            .and_then(Value::as_str)
            .is_some_and(|own| own.trim().to_lowercase() == *kind),
        Some(Selector::Primary(flag)) => {
            entry.is_object() && entry.get("primary").and_then(Value::as_bool) == Some(*flag)
        }
    }
}

/// The values of an `add`/`replace`: an array's items, or the single value.
fn additions(value: Option<&Value>) -> Vec<Value> {
    match value {
        Some(Value::Array(items)) => items.clone(),
        Some(value) => vec![value.clone()],
        None => vec![Value::Null],
    }
}

fn is_primary(entry: &Value) -> bool {
    entry.get("primary").and_then(Value::as_bool) == Some(true) && entry.is_object()
}

/// Keeps `primary: true` only on the entry at `preferred` (when given).
fn single_primary(mut values: Vec<Value>, preferred: Option<usize>) -> Vec<Value> {
    let Some(preferred) = preferred else {
        return values;
    };
    for (index, entry) in values.iter_mut().enumerate() {
        if index != preferred
            && is_primary(entry)
            && let Some(object) = entry.as_object_mut()
        {
            object.insert("primary".to_owned(), Value::Bool(false));
        }
    }
    values
}

/// `phoneNumbers`, `addresses`, `roles` and `entitlements`, with or without a filter or
/// sub-attribute.
fn multi_valued(
    container: &mut Map<String, Value>,
    resolved: &Resolved,
    op: Op,
    value: Option<&Value>,
    path: &str,
) -> Result<(), ScimError> {
    let name = resolved.attribute.name;
    let current: Vec<Value> = match container.get(name) {
        Some(Value::Array(items)) => items.clone(),
        _ => Vec::new(),
    };
    let selector = resolved.selector.as_ref();

    if selector.is_none() && resolved.sub.is_none() {
        if op == Op::Remove {
            container.remove(name);
            return Ok(());
        }
        let added = additions(value);
        let first_primary = added.iter().position(is_primary);
        let offset = if op == Op::Add { current.len() } else { 0 };
        let next = if op == Op::Add {
            current.into_iter().chain(added).collect()
        } else {
            added
        };
        container.insert(
            name.to_owned(),
            Value::Array(single_primary(
                next,
                first_primary.map(|index| offset + index),
            )),
        );
        return Ok(());
    }

    let hits: Vec<bool> = current
        .iter()
        .map(|entry| matches(entry, selector))
        .collect();
    let Some(first_hit) = hits.iter().position(|hit| *hit) else {
        // A selector miss creates the value: Entra replaces values that do not exist yet.
        if op != Op::Remove {
            let next = append_on_miss(current, resolved, value);
            container.insert(name.to_owned(), Value::Array(next));
        }
        return Ok(());
    };

    let Some(sub) = resolved.sub else {
        if op == Op::Remove {
            let remaining: Vec<Value> = current
                .into_iter()
                .zip(&hits)
                .filter(|(_, hit)| !**hit)
                .map(|(entry, _)| entry)
                .collect();
            if remaining.is_empty() {
                container.remove(name);
            } else {
                container.insert(name.to_owned(), Value::Array(remaining));
            }
            return Ok(());
        }
        let replacements = additions(value);
        let [Value::Object(replacement)] = replacements.as_slice() else {
            return Err(invalid_value(format!(
                "User PATCH path {path} requires one complex value"
            )));
        };
        let next = edit_hits(current, &hits, name, |entry| {
            entry.extend(replacement.clone());
        })?;
        let preferred =
            (replacement.get("primary") == Some(&Value::Bool(true))).then_some(first_hit);
        container.insert(
            name.to_owned(),
            Value::Array(single_primary(next, preferred)),
        );
        return Ok(());
    };

    let next = edit_hits(current, &hits, name, |entry| {
        if op == Op::Remove {
            entry.remove(sub);
        } else {
            set(entry, sub, value);
        }
    })?;
    let sets_primary = (sub.eq_ignore_ascii_case("primary") && value == Some(&Value::Bool(true)))
        || value.is_some_and(value_sets_primary);
    container.insert(
        name.to_owned(),
        Value::Array(single_primary(next, sets_primary.then_some(first_hit))),
    );
    Ok(())
}

/// Whether a value (or any item of an array value) is an object with `primary: true`.
fn value_sets_primary(value: &Value) -> bool {
    match value {
        Value::Array(items) => items.iter().any(value_sets_primary),
        value => is_primary(value),
    }
}

/// A filtered path that matched nothing appends the value(s) (or `{filter attribute, sub: value}`),
/// marked with the filter's `type` or `primary`.
fn append_on_miss(current: Vec<Value>, resolved: &Resolved, value: Option<&Value>) -> Vec<Value> {
    let selector = resolved.selector.as_ref();
    let mark = |entry: &mut Map<String, Value>| match selector {
        Some(Selector::Type(kind)) => {
            entry.insert("type".to_owned(), Value::String(kind.clone()));
        }
        Some(Selector::Primary(flag)) => {
            entry.insert("primary".to_owned(), Value::Bool(*flag));
        }
        None => {}
    };
    let length = current.len();
    let mut next = current;
    let preferred = if let Some(sub) = resolved.sub {
        let mut entry = Map::new();
        mark(&mut entry);
        set(&mut entry, sub, value);
        next.push(Value::Object(entry));
        (sub.eq_ignore_ascii_case("primary") && value == Some(&Value::Bool(true)))
            .then_some(next.len() - 1)
    } else {
        let added: Vec<Value> = additions(value)
            .into_iter()
            .map(|mut item| {
                if let Value::Object(entry) = &mut item {
                    mark(entry);
                }
                item
            })
            .collect();
        let first_primary = added.iter().position(is_primary);
        next.extend(added);
        first_primary.map(|index| length + index)
    };
    single_primary(next, preferred)
}

/// Edits the entries a filter selected; a selected entry that is not an object is an error.
fn edit_hits(
    current: Vec<Value>,
    hits: &[bool],
    name: &str,
    edit: impl Fn(&mut Map<String, Value>),
) -> Result<Vec<Value>, ScimError> {
    current
        .into_iter()
        .zip(hits)
        .map(|(entry, hit)| match entry {
            entry if !*hit => Ok(entry),
            Value::Object(mut entry) => {
                edit(&mut entry);
                Ok(Value::Object(entry))
            }
            _ => Err(invalid_value(format!("{name} must contain objects"))),
        })
        .collect()
}
