//! Microsoft Entra's string booleans (upstream's PATCH ingress rewrite): the exact strings `"true"`
//! and `"false"`, in any case, become booleans for `active` and for `primary` of the multi-valued
//! attributes. Nothing else is rewritten (`" true"`, `"1"`, `"yes"`, `["true"]` stay as sent).

use bulwark_scim_protocol::{PatchPath, urn};
use serde_json::Value;

use super::strip_core_prefix;

/// The multi-valued attributes whose values carry `primary`.
const PRIMARY_ATTRIBUTES: [&str; 5] = [
    "emails",
    "phoneNumbers",
    "addresses",
    "roles",
    "entitlements",
];

/// The operation's value with Entra's string booleans rewritten where its path calls for it.
pub(super) fn operation_value(path: Option<&str>, value: &Value) -> Value {
    let mut value = value.clone();
    let path = path.map(str::trim).filter(|path| !path.is_empty());
    let Some(path) = path else {
        if let Value::Object(object) = &mut value {
            if let Some(active) = object.get_mut("active") {
                boolean(active);
            }
            for attribute in PRIMARY_ATTRIBUTES {
                if let Some(values) = object.get_mut(attribute) {
                    primaries(values);
                }
            }
        }
        return value;
    };
    if strip_core_prefix(path).eq_ignore_ascii_case("active") {
        boolean(&mut value);
        return value;
    }
    match primary_path(path) {
        Some(true) => boolean(&mut value),
        Some(false) => primaries(&mut value),
        None => {}
    }
    value
}

/// For a path naming a multi-valued `primary` attribute (optionally filtered): whether it ends in
/// `.primary` (the value is the flag itself) or not (the value holds entries).
fn primary_path(path: &str) -> Option<bool> {
    let PatchPath::Attribute { attr, .. } = PatchPath::parse(path).ok()? else {
        return None;
    };
    let core = attr
        .urn()
        .is_none_or(|schema| schema.eq_ignore_ascii_case(urn::CORE_USER));
    if !core || !PRIMARY_ATTRIBUTES.iter().any(|name| attr.name_is(name)) {
        return None;
    }
    match attr.sub_attr() {
        None => Some(false),
        Some(sub) if sub.eq_ignore_ascii_case("primary") => Some(true),
        Some(_) => None,
    }
}

/// Rewrites `primary` of one entry or of each entry of an array.
fn primaries(value: &mut Value) {
    match value {
        Value::Array(entries) => entries.iter_mut().for_each(entry_primary),
        entry => entry_primary(entry),
    }
}

fn entry_primary(entry: &mut Value) {
    if let Some(primary) = entry
        .as_object_mut()
        .and_then(|entry| entry.get_mut("primary"))
    {
        boolean(primary);
    }
}

/// `"true"`/`"false"` (any case, nothing around them) become booleans.
fn boolean(value: &mut Value) {
    let flag = match value.as_str() {
        Some(text) if text.eq_ignore_ascii_case("true") => true,
        Some(text) if text.eq_ignore_ascii_case("false") => false,
        _ => return,
    };
    *value = Value::Bool(flag);
}
