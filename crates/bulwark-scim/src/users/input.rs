//! Validation of the User resource in a `POST` or `PUT` body, rule for rule as upstream v1.7.1's
//! schema: `schemas` required, `userName` 1–512 characters, at most 20 emails with one primary, the
//! optional singular and multi-valued attributes, `active`, and the Enterprise User extension. Unknown
//! keys are ignored. Failures answer 400 `invalidValue` with upstream's messages, each prefixed with
//! the path it concerns (`[body.emails.0.value] Invalid email address`), joined by `; `.

use std::fmt;

use serde_json::{Map, Value};

use bulwark_scim_protocol::urn;

use super::{USER_SCHEMAS, extension};
use crate::error::ScimError;
use crate::options::{MissingEmail, SchemaExtension};

/// The largest serialised User (upstream counts UTF-16 code units of its JSON).
pub(crate) const MAX_SERIALIZED_LENGTH: usize = 65_535;

const MAX_EMAILS: usize = 20;
const MAX_STRUCTURED_VALUES: usize = 10;
const SHORT: usize = 256;
const LONG: usize = 1_024;
const REFERENCE: usize = 2_048;
const EMAIL: usize = 254;
const USER_NAME: usize = 512;

/// The singular string attributes after `name`, in output order, with their length limit.
pub(crate) const SINGULAR_ATTRIBUTES: [(&str, usize); 5] = [
    ("title", LONG),
    ("userType", SHORT),
    ("preferredLanguage", SHORT),
    ("locale", SHORT),
    ("timezone", SHORT),
];

/// The parts of `name`, in output order, with their length limit.
pub(crate) const NAME_PARTS: [(&str, usize); 6] = [
    ("formatted", LONG),
    ("givenName", SHORT),
    ("familyName", SHORT),
    ("middleName", SHORT),
    ("honorificPrefix", SHORT),
    ("honorificSuffix", SHORT),
];

/// The multi-valued attributes besides `emails`, in output order.
pub(crate) const MULTI_VALUED: [MultiValued; 4] = [
    MultiValued {
        name: "phoneNumbers",
        fields: &[
            ("value", Field::Required(LONG)),
            ("type", Field::Type),
            ("primary", Field::Primary),
        ],
    },
    MultiValued {
        name: "addresses",
        fields: &[
            ("formatted", Field::Optional(LONG)),
            ("streetAddress", Field::Optional(LONG)),
            ("locality", Field::Optional(SHORT)),
            ("region", Field::Optional(SHORT)),
            ("postalCode", Field::Optional(SHORT)),
            ("country", Field::Optional(SHORT)),
            ("type", Field::Type),
            ("primary", Field::Primary),
        ],
    },
    MultiValued {
        name: "roles",
        fields: ROLE_FIELDS,
    },
    MultiValued {
        name: "entitlements",
        fields: ROLE_FIELDS,
    },
];

const ROLE_FIELDS: &[(&str, Field)] = &[
    ("value", Field::Required(LONG)),
    ("display", Field::Optional(LONG)),
    ("type", Field::Type),
    ("primary", Field::Primary),
];

/// The scalar attributes of the Enterprise User extension, in output order, with their length limit.
pub(crate) const ENTERPRISE_ATTRIBUTES: [(&str, usize); 5] = [
    ("employeeNumber", SHORT),
    ("costCenter", SHORT),
    ("organization", LONG),
    ("division", LONG),
    ("department", LONG),
];

/// A multi-valued complex attribute and its sub-attributes in output order.
#[derive(Clone, Copy, Debug)]
pub(crate) struct MultiValued {
    /// The attribute name.
    pub(crate) name: &'static str,
    /// Its sub-attributes.
    pub(crate) fields: &'static [(&'static str, Field)],
}

/// How a sub-attribute of a multi-valued attribute is validated.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Field {
    /// A required trimmed string up to the limit.
    Required(usize),
    /// An optional trimmed string up to the limit.
    Optional(usize),
    /// `type`: an optional trimmed string up to 256 characters, lower-cased.
    Type,
    /// `primary`: an optional boolean.
    Primary,
}

/// One email of a valid resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct EmailInput {
    /// The address as sent.
    pub(crate) value: String,
    /// `primary`, if sent.
    pub(crate) primary: Option<bool>,
    /// `type`, trimmed and lower-cased.
    pub(crate) r#type: Option<String>,
}

/// A valid User resource: unknown keys dropped, strings trimmed, types lower-cased.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct UserInput {
    /// `schemas` in registry order (core first).
    pub(crate) schemas: Vec<&'static str>,
    /// `userName`, trimmed.
    pub(crate) user_name: String,
    /// `externalId`, trimmed.
    pub(crate) external_id: Option<String>,
    /// `displayName`, trimmed.
    pub(crate) display_name: Option<String>,
    /// The parts of `name` that were sent, trimmed, in output order.
    pub(crate) name: Vec<(&'static str, String)>,
    /// `emails`, if sent.
    pub(crate) emails: Option<Vec<EmailInput>>,
    /// The singular attributes that were sent, in output order.
    pub(crate) singular: Vec<(&'static str, String)>,
    /// The other multi-valued attributes that were sent (objects with keys in output order).
    pub(crate) multi_valued: Vec<(&'static str, Vec<Value>)>,
    /// `active`, if sent.
    pub(crate) active: Option<bool>,
    /// The Enterprise User extension, if sent (keys in output order).
    pub(crate) enterprise: Option<Map<String, Value>>,
    /// The declared custom extensions named in `schemas`, as declared, in declaration order.
    pub(crate) extension_schemas: Vec<String>,
    /// The declared custom extensions sent: URN as declared, and the valid object.
    pub(crate) extensions: Vec<(String, Map<String, Value>)>,
}

/// Validates a `POST` or `PUT` body without custom schema extensions.
#[cfg(test)]
pub(crate) fn parse_user(body: &Value) -> Result<UserInput, ScimError> {
    parse_user_with(body, &[], MissingEmail::Reject)
}

/// Validates a `POST` or `PUT` body. Microsoft Entra's string booleans (`"True"`, `"false"`) for
/// `active` and for `primary` inside multi-valued attributes are accepted as booleans first. The
/// `declared` custom extensions may be named in `schemas`; their objects are validated against the
/// declaration (see [`extension::parse_object`]). A User without any email address is refused unless
/// `missing_email` accepts it.
pub(crate) fn parse_user_with(
    body: &Value,
    declared: &[SchemaExtension],
    missing_email: MissingEmail,
) -> Result<UserInput, ScimError> {
    let mut body = body.clone();
    normalize_string_booleans(&mut body);
    let mut issues = Issues::default();
    let Value::Object(object) = &body else {
        issues.add("", ExpectedType("object", Some(&body)));
        return Err(issues.into_error());
    };
    let (schemas, extension_schemas) = schemas(&mut issues, object.get("schemas"), declared);
    let input = UserInput {
        schemas,
        user_name: trimmed(&mut issues, "userName", object.get("userName"), USER_NAME)
            .unwrap_or_default(),
        external_id: optional_string(&mut issues, "externalId", object.get("externalId"), LONG),
        display_name: optional_string(&mut issues, "displayName", object.get("displayName"), LONG),
        name: name(&mut issues, object.get("name")),
        emails: emails(&mut issues, object.get("emails")),
        singular: SINGULAR_ATTRIBUTES
            .iter()
            .filter_map(|&(key, max)| {
                let value = object.get(key).map(unwrap_single);
                optional_string(&mut issues, key, value, max).map(|v| (key, v))
            })
            .collect(),
        multi_valued: MULTI_VALUED
            .iter()
            .filter_map(|attribute| {
                multi_valued(&mut issues, attribute, object.get(attribute.name))
                    .map(|values| (attribute.name, values))
            })
            .collect(),
        active: match object.get("active") {
            None => None,
            Some(Value::Bool(active)) => Some(*active),
            Some(other) => {
                issues.add("active", ExpectedType("boolean", Some(other)));
                None
            }
        },
        enterprise: enterprise(&mut issues, object.get(urn::ENTERPRISE_USER)),
        extensions: extensions(&mut issues, object, declared),
        extension_schemas,
    };
    // As zod, the refinements below still run after continuable issues (a string too short or too
    // long), and not after a wrong type or shape.
    if !issues.only_continuable() {
        return Err(issues.into_error());
    }
    let emails_sent = input
        .emails
        .as_ref()
        .is_some_and(|emails| !emails.is_empty())
        || object
            .get("emails")
            .and_then(Value::as_array)
            .is_some_and(|emails| !emails.is_empty());
    if !emails_sent && !is_email(&input.user_name) && !missing_email.allows_none() {
        issues.add(
            "emails",
            "emails must contain an email when userName is not an email address",
        );
    }
    if input.enterprise.is_some() && !input.schemas.contains(&urn::ENTERPRISE_USER) {
        issues.add(
            "schemas",
            format!(
                "The Enterprise User extension requires {} in schemas",
                urn::ENTERPRISE_USER
            ),
        );
    }
    for declaration in declared {
        let sent = input
            .extensions
            .iter()
            .any(|(urn, _)| *urn == declaration.urn);
        let named = input.extension_schemas.contains(&declaration.urn);
        if sent && !named {
            issues.add(
                "schemas",
                format!("The {} extension requires it in schemas", declaration.urn),
            );
        }
        if declaration.required && !sent {
            issues.add(
                &declaration.urn,
                format!("The {} extension is required", declaration.urn),
            );
        }
    }
    if serialized_length(&input) > MAX_SERIALIZED_LENGTH {
        issues.add(
            "",
            "SCIM User attributes exceed the supported serialized size",
        );
    }
    if issues.is_empty() {
        Ok(input)
    } else {
        Err(issues.into_error())
    }
}

/// Whether `value` is an email address by zod 4's `z.email()` pattern:
/// `^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$`.
pub(crate) fn is_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    let local_char = |c: char| c.is_ascii_alphanumeric() || "_'+-".contains(c);
    let local_ok = local
        .split('.')
        .all(|part| !part.is_empty() && part.chars().all(local_char))
        && !local.ends_with('\'');
    let labels: Vec<&str> = domain.split('.').collect();
    let Some((top, rest)) = labels.split_last() else {
        return false;
    };
    let label_ok = |label: &&str| {
        label.starts_with(|c: char| c.is_ascii_alphanumeric())
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    local_ok
        && !rest.is_empty()
        && rest.iter().all(label_ok)
        && top.len() >= 2
        && top.chars().all(|c| c.is_ascii_alphabetic())
}

/// Turns the exact case-insensitive strings `"true"`/`"false"` into booleans where upstream's ingress
/// does for `POST` and `PUT`: top-level `active`, and `primary` of each multi-valued attribute value.
pub(crate) fn normalize_string_booleans(body: &mut Value) {
    let Value::Object(object) = body else {
        return;
    };
    if let Some(active) = object.get_mut("active") {
        normalize_boolean(active);
    }
    for key in [
        "emails",
        "phoneNumbers",
        "addresses",
        "roles",
        "entitlements",
    ] {
        if let Some(Value::Array(values)) = object.get_mut(key) {
            for value in values {
                if let Some(primary) = value.get_mut("primary") {
                    normalize_boolean(primary);
                }
            }
        }
    }
}

fn normalize_boolean(value: &mut Value) {
    let parsed = match value.as_str() {
        Some(s) if s.eq_ignore_ascii_case("true") => true,
        Some(s) if s.eq_ignore_ascii_case("false") => false,
        _ => return,
    };
    *value = Value::Bool(parsed);
}

/// Validation issues in upstream's form `[body.<path>] <message>`, and how many of them are length
/// bounds (zod's continuable issues).
#[derive(Debug, Default)]
struct Issues {
    messages: Vec<String>,
    bounds: usize,
}

impl Issues {
    fn add(&mut self, path: &str, message: impl fmt::Display) {
        let separator = if path.is_empty() { "" } else { "." };
        self.messages
            .push(format!("[body{separator}{path}] {message}"));
    }

    /// A length bound (`Too small: …`, `Too big: …`): zod still runs the refinements after it.
    fn bound(&mut self, path: &str, message: impl fmt::Display) {
        self.add(path, message);
        self.bounds += 1;
    }

    fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }

    /// Whether every issue is one after which zod still runs refinements: a length bound.
    fn only_continuable(&self) -> bool {
        self.bounds == self.messages.len()
    }

    fn len(&self) -> usize {
        self.messages.len()
    }

    fn into_error(self) -> ScimError {
        ScimError::invalid_value(self.messages.join("; "))
    }
}

/// zod's type mismatch message: `Invalid input: expected string, received number`.
struct ExpectedType<'a>(&'static str, Option<&'a Value>);

impl fmt::Display for ExpectedType<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let received = match self.1 {
            None => "undefined",
            Some(Value::Null) => "null",
            Some(Value::Bool(_)) => "boolean",
            Some(Value::Number(_)) => "number",
            Some(Value::String(_)) => "string",
            Some(Value::Array(_)) => "array",
            Some(Value::Object(_)) => "object",
        };
        write!(f, "Invalid input: expected {}, received {received}", self.0)
    }
}

/// A JavaScript string length (UTF-16 code units).
fn js_length(s: &str) -> usize {
    s.encode_utf16().count()
}

/// A single-element array stands for its element (Microsoft Entra wraps scalars).
fn unwrap_single(value: &Value) -> &Value {
    match value {
        Value::Array(values) if values.len() == 1 => values.first().unwrap_or(value),
        other => other,
    }
}

/// A trimmed string of 1 to `max` characters.
fn trimmed(issues: &mut Issues, path: &str, value: Option<&Value>, max: usize) -> Option<String> {
    let Some(Value::String(raw)) = value else {
        issues.add(path, ExpectedType("string", value));
        return None;
    };
    let text = raw.trim();
    if text.is_empty() {
        issues.bound(path, "Too small: expected string to have >=1 characters");
        return None;
    }
    if js_length(text) > max {
        issues.bound(
            path,
            format!("Too big: expected string to have <={max} characters"),
        );
        return None;
    }
    Some(text.to_owned())
}

fn optional_string(
    issues: &mut Issues,
    path: &str,
    value: Option<&Value>,
    max: usize,
) -> Option<String> {
    value.and_then(|v| trimmed(issues, path, Some(v), max))
}

/// An array of at most `max` items.
fn array<'v>(
    issues: &mut Issues,
    path: &str,
    value: &'v Value,
    max: usize,
) -> Option<&'v Vec<Value>> {
    let Value::Array(values) = value else {
        issues.add(path, ExpectedType("array", Some(value)));
        return None;
    };
    if values.len() > max {
        issues.bound(
            path,
            format!("Too big: expected array to have <={max} items"),
        );
        return None;
    }
    Some(values)
}

/// `schemas`: the built-in schemas in registry order, and the declared extensions named (as declared,
/// in declaration order).
fn schemas(
    issues: &mut Issues,
    value: Option<&Value>,
    declared: &[SchemaExtension],
) -> (Vec<&'static str>, Vec<String>) {
    let Some(value) = value else {
        issues.add("schemas", ExpectedType("array", None));
        return (Vec::new(), Vec::new());
    };
    let Value::Array(values) = value else {
        issues.add("schemas", ExpectedType("array", Some(value)));
        return (Vec::new(), Vec::new());
    };
    let max_schemas = USER_SCHEMAS.len() + declared.len();
    let before = issues.len();
    let mut names = Vec::new();
    for (index, value) in values.iter().enumerate() {
        match value {
            Value::String(name) => names.push(name.as_str()),
            other => issues.add(
                &format!("schemas.{index}"),
                ExpectedType("string", Some(other)),
            ),
        }
    }
    if values.is_empty() {
        issues.bound("schemas", "Too small: expected array to have >=1 items");
    } else if values.len() > max_schemas {
        issues.bound(
            "schemas",
            format!("Too big: expected array to have <={max_schemas} items"),
        );
    }
    if issues.len() > before {
        return (Vec::new(), Vec::new());
    }
    for name in &names {
        if !USER_SCHEMAS.contains(name) && extension::declared(declared, name).is_none() {
            issues.add("schemas", format!("Unsupported SCIM User schema {name}"));
        }
        if names.iter().filter(|n| *n == name).count() > 1 {
            issues.add(
                "schemas",
                format!("SCIM User schema {name} must not be duplicated"),
            );
        }
    }
    if !names.contains(&urn::CORE_USER) {
        issues.add(
            "schemas",
            format!("schemas must contain {}", urn::CORE_USER),
        );
    }
    let builtin = USER_SCHEMAS
        .into_iter()
        .filter(|schema| names.contains(schema))
        .collect();
    let custom = declared
        .iter()
        .filter(|d| names.iter().any(|n| n.eq_ignore_ascii_case(&d.urn)))
        .map(|d| d.urn.clone())
        .collect();
    (builtin, custom)
}

/// The declared extensions sent in the body, each validated against its declaration.
fn extensions(
    issues: &mut Issues,
    object: &Map<String, Value>,
    declared: &[SchemaExtension],
) -> Vec<(String, Map<String, Value>)> {
    let mut out = Vec::new();
    for declaration in declared {
        let Some(value) = extension::body_value(object, &declaration.urn) else {
            continue;
        };
        match extension::parse_object(declaration, value) {
            Ok(valid) => out.push((declaration.urn.clone(), valid)),
            Err(problems) => {
                for (path, message) in problems {
                    issues.add(&path, message);
                }
            }
        }
    }
    out
}

fn name(issues: &mut Issues, value: Option<&Value>) -> Vec<(&'static str, String)> {
    let Some(value) = value else {
        return Vec::new();
    };
    let Value::Object(object) = value else {
        issues.add("name", ExpectedType("object", Some(value)));
        return Vec::new();
    };
    NAME_PARTS
        .iter()
        .filter_map(|&(key, max)| {
            optional_string(issues, &format!("name.{key}"), object.get(key), max)
                .map(|part| (key, part))
        })
        .collect()
}

fn emails(issues: &mut Issues, value: Option<&Value>) -> Option<Vec<EmailInput>> {
    let values = array(issues, "emails", value?, MAX_EMAILS)?;
    let before = issues.len();
    let mut emails = Vec::new();
    for (index, value) in values.iter().enumerate() {
        let path = format!("emails.{index}");
        let Value::Object(object) = value else {
            issues.add(&path, ExpectedType("object", Some(value)));
            continue;
        };
        let address = match object.get("value") {
            Some(Value::String(address)) if !is_email(address) => {
                issues.add(&format!("{path}.value"), "Invalid email address");
                None
            }
            Some(Value::String(address)) if js_length(address) > EMAIL => {
                issues.bound(
                    &format!("{path}.value"),
                    format!("Too big: expected string to have <={EMAIL} characters"),
                );
                None
            }
            Some(Value::String(address)) => Some(address.clone()),
            other => {
                issues.add(&format!("{path}.value"), ExpectedType("string", other));
                None
            }
        };
        let primary = primary(issues, &path, object.get("primary"));
        let r#type = optional_string(issues, &format!("{path}.type"), object.get("type"), SHORT)
            .map(|t| t.to_lowercase());
        if let Some(value) = address {
            emails.push(EmailInput {
                value,
                primary,
                r#type,
            });
        }
    }
    if issues.len() > before {
        return None;
    }
    let tuples: Vec<(Option<String>, String)> = emails
        .iter()
        .map(|e| (e.r#type.clone(), e.value.trim().to_lowercase()))
        .collect();
    let types: Vec<Option<String>> = emails.iter().map(|e| e.r#type.clone()).collect();
    if emails.iter().filter(|e| e.primary == Some(true)).count() > 1 {
        issues.add("emails", "emails cannot contain multiple primary values");
    } else if has_duplicates(&tuples) {
        issues.add(
            "emails",
            "emails cannot contain duplicate type and value pairs",
        );
    } else if has_duplicate_types(&types) {
        issues.add("emails", "emails cannot contain duplicate defined types");
    }
    Some(emails)
}

fn primary(issues: &mut Issues, path: &str, value: Option<&Value>) -> Option<bool> {
    match value {
        None => None,
        Some(Value::Bool(primary)) => Some(*primary),
        Some(other) => {
            issues.add(
                &format!("{path}.primary"),
                ExpectedType("boolean", Some(other)),
            );
            None
        }
    }
}

fn has_duplicates<T: PartialEq>(values: &[T]) -> bool {
    values
        .iter()
        .enumerate()
        .any(|(i, v)| values.iter().skip(i + 1).any(|w| w == v))
}

/// Whether a defined `type` occurs twice (untyped values do not count).
fn has_duplicate_types(types: &[Option<String>]) -> bool {
    let defined: Vec<&String> = types.iter().flatten().collect();
    has_duplicates(&defined)
}

fn multi_valued(
    issues: &mut Issues,
    attribute: &MultiValued,
    value: Option<&Value>,
) -> Option<Vec<Value>> {
    let name = attribute.name;
    let values = array(issues, name, value?, MAX_STRUCTURED_VALUES)?;
    let before = issues.len();
    let mut valid = Vec::new();
    for (index, value) in values.iter().enumerate() {
        let path = format!("{name}.{index}");
        let Value::Object(object) = value else {
            issues.add(&path, ExpectedType("object", Some(value)));
            continue;
        };
        let mut out = Map::new();
        for &(key, field) in attribute.fields {
            let sub_path = format!("{path}.{key}");
            let parsed = match field {
                Field::Required(max) => {
                    trimmed(issues, &sub_path, object.get(key), max).map(Value::String)
                }
                Field::Optional(max) => {
                    optional_string(issues, &sub_path, object.get(key), max).map(Value::String)
                }
                Field::Type => optional_string(issues, &sub_path, object.get(key), SHORT)
                    .map(|t| Value::String(t.to_lowercase())),
                Field::Primary => primary(issues, &path, object.get(key)).map(Value::Bool),
            };
            if let Some(parsed) = parsed {
                out.insert(key.to_owned(), parsed);
            }
        }
        if name == "addresses" && !out.keys().any(|k| k != "type" && k != "primary") {
            issues.add(&path, "addresses must contain at least one address value");
        }
        valid.push(Value::Object(out));
    }
    if issues.len() > before {
        return None;
    }
    let types: Vec<Option<String>> = valid
        .iter()
        .map(|v| v.get("type").and_then(Value::as_str).map(str::to_owned))
        .collect();
    let primaries = valid
        .iter()
        .filter(|v| v.get("primary") == Some(&Value::Bool(true)))
        .count();
    if primaries > 1 {
        issues.add(
            name,
            format!("{name} cannot contain multiple primary values"),
        );
    } else if has_duplicate_types(&types) {
        issues.add(
            name,
            format!("{name} cannot contain duplicate defined types"),
        );
    }
    Some(valid)
}

fn enterprise(issues: &mut Issues, value: Option<&Value>) -> Option<Map<String, Value>> {
    let value = value?;
    let Value::Object(object) = value else {
        issues.add(urn::ENTERPRISE_USER, ExpectedType("object", Some(value)));
        return None;
    };
    let mut out = Map::new();
    for &(key, max) in &ENTERPRISE_ATTRIBUTES {
        let path = format!("{}.{key}", urn::ENTERPRISE_USER);
        let value = object.get(key).map(unwrap_single);
        if let Some(text) = optional_string(issues, &path, value, max) {
            out.insert(key.to_owned(), Value::String(text));
        }
    }
    if let Some(manager) = object.get("manager") {
        match manager_input(manager) {
            Ok(Some(manager)) => {
                out.insert("manager".to_owned(), Value::Object(manager));
            }
            Ok(None) => {}
            Err(()) => issues.add(
                &format!("{}.manager", urn::ENTERPRISE_USER),
                "Invalid input",
            ),
        }
    }
    Some(out)
}

/// `manager` as a string (its `value`), an object `{value?, $ref?, displayName?}` or a one-element
/// array of such an object; `displayName` is read-only and dropped. `Ok(None)` when neither `value`
/// nor `$ref` is given.
pub(crate) fn manager_input(manager: &Value) -> Result<Option<Map<String, Value>>, ()> {
    let mut scratch = Issues::default();
    let candidate = match manager {
        Value::String(_) => {
            let value = trimmed(&mut scratch, "", Some(manager), SHORT).ok_or(())?;
            let mut out = Map::new();
            out.insert("value".to_owned(), Value::String(value));
            return Ok(Some(out));
        }
        Value::Object(object) => object,
        Value::Array(values) if values.len() == 1 => match values.first() {
            Some(Value::Object(object)) => object,
            _ => return Err(()),
        },
        _ => return Err(()),
    };
    let value = optional_string(&mut scratch, "", candidate.get("value"), SHORT);
    let reference = optional_string(&mut scratch, "", candidate.get("$ref"), REFERENCE);
    optional_string(&mut scratch, "", candidate.get("displayName"), LONG);
    if !scratch.is_empty() {
        return Err(());
    }
    let mut out = Map::new();
    if let Some(value) = value {
        out.insert("value".to_owned(), Value::String(value));
    }
    if let Some(reference) = reference {
        out.insert("$ref".to_owned(), Value::String(reference));
    }
    Ok((!out.is_empty()).then_some(out))
}

/// The length of the validated body as upstream measures it (`JSON.stringify(user).length`).
fn serialized_length(input: &UserInput) -> usize {
    let mut object = Map::new();
    let schemas: Vec<&str> = input
        .schemas
        .iter()
        .copied()
        .chain(input.extension_schemas.iter().map(String::as_str))
        .collect();
    object.insert("schemas".to_owned(), Value::from(schemas));
    object.insert("userName".to_owned(), Value::from(input.user_name.as_str()));
    if let Some(external_id) = &input.external_id {
        object.insert("externalId".to_owned(), Value::from(external_id.as_str()));
    }
    if let Some(display_name) = &input.display_name {
        object.insert("displayName".to_owned(), Value::from(display_name.as_str()));
    }
    if !input.name.is_empty() {
        let name: Map<String, Value> = input
            .name
            .iter()
            .map(|(k, v)| ((*k).to_owned(), Value::from(v.as_str())))
            .collect();
        object.insert("name".to_owned(), Value::Object(name));
    }
    if let Some(emails) = &input.emails {
        let emails: Vec<Value> = emails
            .iter()
            .map(|e| {
                let mut email = Map::new();
                email.insert("value".to_owned(), Value::from(e.value.as_str()));
                if let Some(primary) = e.primary {
                    email.insert("primary".to_owned(), Value::Bool(primary));
                }
                if let Some(t) = &e.r#type {
                    email.insert("type".to_owned(), Value::from(t.as_str()));
                }
                Value::Object(email)
            })
            .collect();
        object.insert("emails".to_owned(), Value::Array(emails));
    }
    for (key, value) in &input.singular {
        object.insert((*key).to_owned(), Value::from(value.as_str()));
    }
    for (key, values) in &input.multi_valued {
        object.insert((*key).to_owned(), Value::Array(values.clone()));
    }
    if let Some(enterprise) = &input.enterprise {
        object.insert(
            urn::ENTERPRISE_USER.to_owned(),
            Value::Object(enterprise.clone()),
        );
    }
    for (urn, values) in &input.extensions {
        object.insert(urn.clone(), Value::Object(values.clone()));
    }
    serde_json::to_string(&Value::Object(object)).map_or(usize::MAX, |s| js_length(&s))
}

#[cfg(test)]
mod tests;
