//! `attributes` and `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9): which attributes of a resource a
//! response carries, with upstream v1.7.1's rules.
//!
//! Names are case-insensitive, may carry the core schema URN (`urn:…:core:2.0:User:userName`) or name
//! an Enterprise User attribute (`urn:…:enterprise:2.0:User:department`, or its bare name such as
//! `manager`), and may select sub-attributes (`name.givenName`, `emails.value` — for multi-valued
//! attributes the selection applies to every value). `schemas` and `id` are always returned; when
//! `attributes` is given, nothing else is (`meta` included).

use serde_json::{Map, Value};

use bulwark_scim_protocol::urn::{CORE_USER, ENTERPRISE_USER};

use crate::error::ScimError;

/// The attributes of the Enterprise User extension.
const ENTERPRISE_ATTRIBUTES: [&str; 6] = [
    "employeeNumber",
    "costCenter",
    "organization",
    "division",
    "department",
    "manager",
];

/// Which attributes a response carries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Projection {
    /// Everything (no parameter).
    #[default]
    All,
    /// Only these (`attributes`), plus `schemas` and `id`.
    Include(Vec<Selector>),
    /// Everything but these (`excludedAttributes`).
    Exclude(Vec<Selector>),
}

/// One selected attribute: a top-level key (lower-cased) and optionally a sub-attribute (lower-cased).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selector {
    /// The top-level attribute (or the extension URN), lower-cased.
    pub attribute: String,
    /// The sub-attribute, lower-cased. Below an extension URN it is the extension's attribute,
    /// possibly with a sub-attribute of its own (`manager.value`).
    pub sub: Option<String>,
}

impl Projection {
    /// The projection the query parameters ask for: every value of `attributes` and of
    /// `excludedAttributes` (each possibly comma-separated).
    pub fn from_query(attributes: &[String], excluded: &[String]) -> Result<Self, ScimError> {
        Self::from_query_with(attributes, excluded, &[])
    }

    /// As [`Projection::from_query`], where `extensions` are the URNs of declared schema extensions:
    /// `<urn>` selects a whole extension and `<urn>:<attribute>` one of its attributes.
    pub fn from_query_with(
        attributes: &[String],
        excluded: &[String],
        extensions: &[&str],
    ) -> Result<Self, ScimError> {
        match (attributes.is_empty(), excluded.is_empty()) {
            (true, true) => Ok(Self::All),
            (false, false) => Err(ScimError::invalid_value(
                "attributes and excludedAttributes cannot be used together",
            )),
            (false, true) => Ok(Self::Include(selectors(
                "attributes",
                attributes,
                extensions,
            )?)),
            (true, false) => Ok(Self::Exclude(selectors(
                "excludedAttributes",
                excluded,
                extensions,
            )?)),
        }
    }

    /// The resource with only the projected attributes, keys in the resource's order and spelling.
    pub fn apply(&self, resource: Value) -> Value {
        let Value::Object(object) = resource else {
            return resource;
        };
        let projected = match self {
            Self::All => return Value::Object(object),
            Self::Include(selectors) => include(object, selectors),
            Self::Exclude(selectors) => exclude(object, selectors),
        };
        Value::Object(identity_first(projected))
    }
}

/// A projected resource opens with `schemas` and `id`, then keeps the resource's order, as upstream
/// v1.7.1 writes it.
fn identity_first(mut object: Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    for key in ["schemas", "id"] {
        if let Some(value) = object.shift_remove(key) {
            out.insert(key.to_owned(), value);
        }
    }
    out.extend(object);
    out
}

fn selectors(
    param: &str,
    values: &[String],
    extensions: &[&str],
) -> Result<Vec<Selector>, ScimError> {
    let invalid = || {
        ScimError::invalid_value(format!(
            "{param} must be a comma-separated list of attribute paths"
        ))
    };
    let mut out = Vec::new();
    for value in values {
        for part in value.split(',') {
            let part = part.trim();
            if part.is_empty() || part.chars().any(char::is_whitespace) {
                return Err(invalid());
            }
            out.push(selector(part, extensions).ok_or_else(invalid)?);
        }
    }
    Ok(out)
}

/// The selector `path` names.
fn selector(path: &str, extensions: &[&str]) -> Option<Selector> {
    let lower = path.to_ascii_lowercase();
    let enterprise = ENTERPRISE_USER.to_ascii_lowercase();
    let declared = extensions.iter().map(|urn| urn.to_ascii_lowercase());
    for urn in std::iter::once(enterprise.clone()).chain(declared) {
        if lower == urn {
            return Some(Selector {
                attribute: urn,
                sub: None,
            });
        }
        if let Some(rest) = lower.strip_prefix(&format!("{urn}:")) {
            // `<urn>:manager.value` selects a sub-attribute of an extension attribute: the
            // selector's `sub` is the dotted path below the extension.
            let (attribute, sub) = split_dotted(rest)?;
            let path = match sub {
                Some(sub) => format!("{attribute}.{sub}"),
                None => attribute,
            };
            return Some(Selector {
                attribute: urn,
                sub: Some(path),
            });
        }
    }
    let core = format!("{}:", CORE_USER.to_ascii_lowercase());
    let rest = lower.strip_prefix(&core).unwrap_or(&lower);
    if rest.starts_with("urn:") {
        return None;
    }
    let (attribute, sub) = split_dotted(rest)?;
    if sub.is_none()
        && ENTERPRISE_ATTRIBUTES
            .iter()
            .any(|a| a.eq_ignore_ascii_case(&attribute))
    {
        // A bare Enterprise User attribute (`manager`) that is not a core attribute.
        return Some(Selector {
            attribute: format!("{enterprise}|{attribute}"),
            sub: None,
        });
    }
    Some(Selector { attribute, sub })
}

/// `attr` or `attr.sub`; more segments or empty ones are not attribute paths.
fn split_dotted(path: &str) -> Option<(String, Option<String>)> {
    let mut parts = path.split('.');
    let attribute = parts.next().filter(|p| !p.is_empty())?.to_owned();
    let sub = match parts.next() {
        Some(sub) if !sub.is_empty() => Some(sub.to_owned()),
        Some(_) => return None,
        None => None,
    };
    if parts.next().is_some() {
        return None;
    }
    Some((attribute, sub))
}

/// How the selectors apply to one top-level attribute.
enum Selected<'a> {
    /// No selector names it.
    No,
    /// A selector names the whole attribute.
    Whole,
    /// Selectors name these sub-attributes.
    Subs(Vec<&'a str>),
}

/// How the selectors apply to the top-level `key`.
fn selected<'a>(key: &str, selectors: &'a [Selector]) -> Selected<'a> {
    let key = key.to_ascii_lowercase();
    let enterprise = ENTERPRISE_USER.to_ascii_lowercase();
    let mut subs = Vec::new();
    let mut whole = false;
    for selector in selectors {
        let (attribute, sub) = match selector.attribute.split_once('|') {
            Some((urn, attribute)) if urn == enterprise => (urn, Some(attribute)),
            _ => (selector.attribute.as_str(), selector.sub.as_deref()),
        };
        if attribute != key {
            continue;
        }
        match sub {
            None => whole = true,
            Some(sub) => subs.push(sub),
        }
    }
    if whole {
        Selected::Whole
    } else if subs.is_empty() {
        Selected::No
    } else {
        Selected::Subs(subs)
    }
}

fn include(object: Map<String, Value>, selectors: &[Selector]) -> Map<String, Value> {
    let mut out = Map::new();
    for (key, value) in object {
        if key == "schemas" || key == "id" {
            out.insert(key, value);
            continue;
        }
        match selected(&key, selectors) {
            Selected::No => {}
            Selected::Whole => {
                out.insert(key, value);
            }
            Selected::Subs(subs) => {
                let kept = keep_subs(value, &subs);
                if !is_empty(&kept) {
                    out.insert(key, kept);
                }
            }
        }
    }
    out
}

fn exclude(object: Map<String, Value>, selectors: &[Selector]) -> Map<String, Value> {
    let mut out = Map::new();
    for (key, value) in object {
        if key == "schemas" || key == "id" {
            out.insert(key, value);
            continue;
        }
        match selected(&key, selectors) {
            Selected::No => {
                out.insert(key, value);
            }
            Selected::Whole => {}
            Selected::Subs(subs) => {
                let kept = drop_subs(value, &subs);
                if !is_empty(&kept) {
                    out.insert(key, kept);
                }
            }
        }
    }
    out
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.is_empty(),
        Value::Array(items) => items.iter().all(is_empty),
        Value::Null => true,
        _ => false,
    }
}

/// Maps over a complex value or each value of a multi-valued one.
fn map_complex(value: Value, f: &dyn Fn(Map<String, Value>) -> Map<String, Value>) -> Value {
    match value {
        Value::Object(map) => Value::Object(f(map)),
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|item| match item {
                    Value::Object(map) => Value::Object(f(map)),
                    other => other,
                })
                .collect(),
        ),
        other => other,
    }
}

/// How the selected sub-attribute paths (`manager`, `manager.value`) apply to the key `key` of a
/// complex value: a path naming it selects it whole, deeper paths select inside it.
fn sub_selection<'a>(key: &str, subs: &[&'a str]) -> Selected<'a> {
    let mut deeper = Vec::new();
    for sub in subs {
        let (head, rest) = match sub.split_once('.') {
            Some((head, rest)) => (head, Some(rest)),
            None => (*sub, None),
        };
        if !head.eq_ignore_ascii_case(key) {
            continue;
        }
        match rest {
            None => return Selected::Whole,
            Some(rest) => deeper.push(rest),
        }
    }
    if deeper.is_empty() {
        Selected::No
    } else {
        Selected::Subs(deeper)
    }
}

fn keep_subs(value: Value, subs: &[&str]) -> Value {
    map_complex(value, &|map| {
        map.into_iter()
            .filter_map(|(k, v)| match sub_selection(&k, subs) {
                Selected::No => None,
                Selected::Whole => Some((k, v)),
                Selected::Subs(deeper) => {
                    let kept = keep_subs(v, &deeper);
                    (!is_empty(&kept)).then_some((k, kept))
                }
            })
            .collect()
    })
}

fn drop_subs(value: Value, subs: &[&str]) -> Value {
    map_complex(value, &|map| {
        map.into_iter()
            .filter_map(|(k, v)| match sub_selection(&k, subs) {
                Selected::No => Some((k, v)),
                Selected::Whole => None,
                Selected::Subs(deeper) => {
                    let kept = drop_subs(v, &deeper);
                    (!is_empty(&kept)).then_some((k, kept))
                }
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use crate::error::ScimType;
    use serde_json::json;

    use super::*;

    fn user() -> Value {
        json!({
            "schemas": [CORE_USER, ENTERPRISE_USER],
            "name": {"formatted": "Ada Lovelace", "givenName": "Ada", "familyName": "Lovelace"},
            "emails": [{"value": "ada@example.com", "primary": true, "type": "work"}],
            "id": "u1",
            "userName": "ada@example.com",
            "displayName": "Ada Lovelace",
            "active": true,
            ENTERPRISE_USER: {"department": "R&D", "manager": {"value": "m1"}},
            "meta": {"resourceType": "User", "created": "2026-01-01T00:00:00.000Z"}
        })
    }

    fn project(attributes: &[&str], excluded: &[&str]) -> Value {
        let own = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        Projection::from_query(&own(attributes), &own(excluded))
            .unwrap()
            .apply(user())
    }

    // upstream: resource-attribute-projection.test.ts › projectSCIMResourceAttributes › preserves schemas and id for an included attribute projection
    #[test]
    fn attributes_keep_only_the_named_ones_with_schemas_and_id() {
        assert_eq!(
            project(&["userName"], &[]),
            json!({"schemas": [CORE_USER, ENTERPRISE_USER], "id": "u1", "userName": "ada@example.com"})
        );
    }

    // upstream: resource-attribute-projection.test.ts › projectSCIMResourceAttributes › includes dotted object and multi-valued subattributes
    // upstream: resource-attribute-projection.test.ts › projectSCIMResourceAttributes › matches resource key spelling case-insensitively
    #[test]
    fn sub_attributes_apply_to_every_value() {
        assert_eq!(
            project(&["NAME.givenName,emails.value"], &[]),
            json!({
                "schemas": [CORE_USER, ENTERPRISE_USER],
                "name": {"givenName": "Ada"},
                "emails": [{"value": "ada@example.com"}],
                "id": "u1"
            })
        );
    }

    // upstream: scim-enterprise-user.test.ts › SCIM classic Enterprise User provisioning › resolves a bare Enterprise User sub-attribute name in the attributes projection
    #[test]
    fn urns_and_bare_enterprise_names_select_extension_attributes() {
        let got = project(
            &[
                &format!("{CORE_USER}:userName"),
                &format!("{ENTERPRISE_USER}:department"),
            ],
            &[],
        );
        assert_eq!(got["userName"], "ada@example.com");
        assert_eq!(got[ENTERPRISE_USER], json!({"department": "R&D"}));
        let got = project(&["manager"], &[]);
        assert_eq!(got[ENTERPRISE_USER], json!({"manager": {"value": "m1"}}));
    }

    // upstream: resource-attribute-projection.test.ts › projectSCIMResourceAttributes › preserves mandatory attributes even when excluded explicitly
    // upstream: resource-attribute-projection.test.ts › projectSCIMResourceAttributes › excludes dotted attributes while preserving sibling values
    #[test]
    fn excluded_attributes_remove_paths_but_never_schemas_or_id() {
        let got = project(&[], &["emails", "name.givenName", "meta", "id", "schemas"]);
        assert_eq!(got.get("emails"), None);
        assert_eq!(got.get("meta"), None);
        assert_eq!(got["id"], "u1");
        assert_eq!(
            got["name"],
            json!({"formatted": "Ada Lovelace", "familyName": "Lovelace"})
        );
    }

    // upstream: resource-attribute-projection.test.ts › projectSCIMResourceAttributes › treats a selected top-level attribute as the complete value
    // upstream: resource-attribute-projection.test.ts › projectSCIMResourceAttributes › returns a shallow copy for the default projection
    #[test]
    fn whole_attributes_and_the_default_projection_keep_values_as_they_are() {
        let got = project(&["name"], &[]);
        assert_eq!(got["name"], user()["name"]);
        assert_eq!(Projection::All.apply(user()), user());
    }

    #[test]
    fn declared_extensions_are_selected_by_urn() {
        const BADGE: &str = "urn:example:params:scim:schemas:extension:acme:2.0:User";
        let mut resource = user();
        resource[BADGE] = json!({"badge": "B-7", "floor": 3});
        let own = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let projection =
            Projection::from_query_with(&own(&[&format!("{BADGE}:badge")]), &[], &[BADGE]).unwrap();
        assert_eq!(
            projection.apply(resource.clone())[BADGE],
            json!({"badge": "B-7"})
        );
        let projection = Projection::from_query_with(&[], &own(&[BADGE]), &[BADGE]).unwrap();
        assert_eq!(projection.apply(resource).get(BADGE), None);
        assert!(Projection::from_query(&own(&[BADGE]), &[]).is_err());
    }

    #[test]
    fn bad_parameters_are_invalid_values() {
        let own = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let both = Projection::from_query(&own(&["userName"]), &own(&["emails"])).unwrap_err();
        assert_eq!(
            both.detail.as_deref(),
            Some("attributes and excludedAttributes cannot be used together")
        );
        for bad in [
            "",
            "user Name",
            "name.",
            "a.b.c",
            "userName,,emails",
            "urn:x:y",
        ] {
            let err = Projection::from_query(&own(&[bad]), &[]).unwrap_err();
            assert_eq!(err.scim_type, Some(ScimType::InvalidValue), "{bad:?}");
        }
    }

    #[test]
    fn an_extension_sub_attribute_selects_inside_the_attribute() {
        let user = || {
            json!({
                "schemas": [CORE_USER, ENTERPRISE_USER],
                "id": "u1",
                "userName": "ada@example.com",
                ENTERPRISE_USER: {"department": "R&D", "manager": {"value": "m1", "$ref": "https://example.com/Users/m1"}}
            })
        };
        let path = vec![format!("{ENTERPRISE_USER}:manager.value")];
        let included = Projection::from_query(&path, &[]).unwrap().apply(user());
        assert_eq!(
            included,
            json!({"schemas": [CORE_USER, ENTERPRISE_USER], "id": "u1", ENTERPRISE_USER: {"manager": {"value": "m1"}}})
        );
        let excluded = Projection::from_query(&[], &path).unwrap().apply(user());
        assert_eq!(
            excluded[ENTERPRISE_USER],
            json!({"department": "R&D", "manager": {"$ref": "https://example.com/Users/m1"}})
        );
    }
}
