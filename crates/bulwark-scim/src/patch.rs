//! User `PATCH` (RFC 7644 §3.5.2) with upstream v1.7.1's semantics: the `PatchOp` envelope, the
//! Microsoft Entra string-boolean ingress rewrite, and the ordered operations applied to a copy of
//! the User resource.
//!
//! [`apply`] is pure: it reads the stored resource and the request body and answers the patched
//! resource, or the first operation's error (nothing is half-applied). The caller re-validates the
//! result with the `POST` validator, checks uniqueness and stores it.
//!
//! Profile attributes (`userName`, `externalId`, `active`, `displayName`, `name`, `emails`) live in
//! a typed state with upstream's derivation rules (a `displayName` that equals `name.formatted`
//! follows it; `emails` keep exactly one primary). Every other attribute — `title` and the other
//! strings, the structured multi-valued attributes and the Enterprise User extension — is patched
//! as JSON by the `document` module. Paths are parsed with [`bulwark_scim_protocol::PatchPath`]
//! (which bounds their length) and then narrowed to the forms upstream accepts.
//!
//! [`apply_with`] also knows the custom User schema extensions declared in options: their root
//! (`urn:…`) and their attributes (`urn:…:<attribute>`) can be added, replaced and removed; other URNs
//! stay `invalidPath`. Values are checked afterwards, when the caller re-validates the resource.

mod document;
mod email;
mod normalize;
mod profile;
#[cfg(test)]
mod tests;

use bulwark_scim_protocol::{CompareOp, CompareValue, Filter, PatchPath, urn};
use serde_json::{Map, Value};

use crate::error::{ScimError, ScimType};
use crate::options::{MissingEmail, SchemaExtension};

use self::profile::{NAME_PARTS, Profile};

/// Applies a `PatchOp` request body to a User resource and answers the patched resource.
///
/// `resource` is the User resource as the server outputs it, without `meta`; the answer has the
/// same shape and key order. An invalid envelope answers `400 invalidValue` with upstream's
/// zod-style detail (`[body.Operations.0.op] Invalid option: …`); an operation's error (read-only
/// path, unknown path, invalid value, pathless remove) aborts the whole request. An empty
/// `Operations` array answers the resource unchanged.
pub fn apply(resource: &Value, body: &Value) -> Result<Value, ScimError> {
    apply_with(resource, body, &[])
}

/// [`apply`] for a server with the `declared` custom schema extensions: their paths are patched too.
pub fn apply_with(
    resource: &Value,
    body: &Value,
    declared: &[SchemaExtension],
) -> Result<Value, ScimError> {
    apply_under(resource, body, declared, MissingEmail::Reject)
}

/// [`apply_with`] under the plugin's `missing_email` rule: with
/// [`MissingEmail::Placeholder`], `remove emails` (or replacing them with an empty list) is allowed.
pub(crate) fn apply_under(
    resource: &Value,
    body: &Value,
    declared: &[SchemaExtension],
    missing_email: MissingEmail,
) -> Result<Value, ScimError> {
    let operations = operations(body)?;
    let mut patch = Patch::new(resource, declared, missing_email);
    for operation in operations {
        patch.operation(operation)?;
    }
    Ok(patch.finish())
}

/// A PATCH operation kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Add,
    Replace,
    Remove,
}

/// One validated operation, its value already rewritten by the Entra normalisation.
#[derive(Debug)]
struct Operation {
    op: Op,
    path: Option<String>,
    value: Option<Value>,
}

/// Validates the envelope as upstream's zod schema does, reporting the first issue.
fn operations(body: &Value) -> Result<Vec<Operation>, ScimError> {
    let Value::Object(body) = body else {
        return Err(zod_issue("body", &expected("object", Some(body))));
    };
    match body.get("schemas") {
        Some(Value::Array(schemas)) => {
            for (index, schema) in schemas.iter().enumerate() {
                if schema.as_str() != Some(urn::PATCH_OP) {
                    return Err(zod_issue(
                        &format!("body.schemas.{index}"),
                        &format!("Invalid input: expected \"{}\"", urn::PATCH_OP),
                    ));
                }
            }
            if schemas.len() != 1 {
                return Err(zod_issue(
                    "body.schemas",
                    "schemas must contain only the PatchOp schema",
                ));
            }
        }
        other => return Err(zod_issue("body.schemas", &expected("array", other))),
    }
    let operations = match body.get("Operations") {
        Some(Value::Array(operations)) => operations,
        other => return Err(zod_issue("body.Operations", &expected("array", other))),
    };
    let mut parsed = Vec::with_capacity(operations.len());
    for (index, operation) in operations.iter().enumerate() {
        let Value::Object(operation) = operation else {
            return Err(zod_issue(
                &format!("body.Operations.{index}"),
                &expected("object", Some(operation)),
            ));
        };
        let op = match operation.get("op") {
            None => Op::Replace,
            Some(Value::String(op)) => match op.to_lowercase().as_str() {
                "add" => Op::Add,
                "replace" => Op::Replace,
                "remove" => Op::Remove,
                _ => {
                    return Err(zod_issue(
                        &format!("body.Operations.{index}.op"),
                        r#"Invalid option: expected one of "replace"|"add"|"remove""#,
                    ));
                }
            },
            other => {
                return Err(zod_issue(
                    &format!("body.Operations.{index}.op"),
                    &expected("string", other),
                ));
            }
        };
        let path = match operation.get("path") {
            None => None,
            Some(Value::String(path)) => Some(path.clone()),
            other => {
                return Err(zod_issue(
                    &format!("body.Operations.{index}.path"),
                    &expected("string", other),
                ));
            }
        };
        let value = operation
            .get("value")
            .map(|value| normalize::operation_value(path.as_deref(), value));
        parsed.push(Operation { op, path, value });
    }
    Ok(parsed)
}

/// A zod issue as upstream's endpoint reports it: `[<path>] <message>`, `400 invalidValue`.
fn zod_issue(path: &str, message: &str) -> ScimError {
    ScimError::invalid_value(format!("[{path}] {message}"))
}

/// zod 4's type mismatch message.
fn expected(kind: &str, value: Option<&Value>) -> String {
    format!(
        "Invalid input: expected {kind}, received {}",
        type_name(value)
    )
}

/// The JavaScript type name zod reports for a JSON value.
fn type_name(value: Option<&Value>) -> &'static str {
    match value {
        None => "undefined",
        Some(Value::Null) => "null",
        Some(Value::Bool(_)) => "boolean",
        Some(Value::Number(_)) => "number",
        Some(Value::String(_)) => "string",
        Some(Value::Array(_)) => "array",
        Some(Value::Object(_)) => "object",
    }
}

/// 400 `invalidValue`.
fn invalid_value(detail: impl Into<String>) -> ScimError {
    ScimError::invalid_value(detail)
}

/// 400 `invalidPath` `User PATCH path <path> is not supported`.
fn unsupported_path(path: &str) -> ScimError {
    ScimError::bad_request(
        ScimType::InvalidPath,
        format!("User PATCH path {path} is not supported"),
    )
}

/// 400 `mutability` `<attribute> is read-only`.
fn read_only(attribute: &str) -> ScimError {
    ScimError::bad_request(ScimType::Mutability, format!("{attribute} is read-only"))
}

/// A single-element array is the element (Entra wraps single-valued attributes).
fn unwrap_single(value: Option<&Value>) -> Option<&Value> {
    match value {
        Some(Value::Array(items)) if items.len() == 1 => items.first(),
        other => other,
    }
}

/// A trimmed non-empty string, or `400 <attribute> must be a non-empty string`.
fn non_empty_string(value: Option<&Value>, attribute: &str) -> Result<String, ScimError> {
    match unwrap_single(value) {
        Some(Value::String(text)) if !text.trim().is_empty() => Ok(text.trim().to_owned()),
        _ => Err(invalid_value(format!(
            "{attribute} must be a non-empty string"
        ))),
    }
}

/// Strips the core User URN prefix (`urn:…:core:2.0:User:`), ignoring ASCII case.
fn strip_core_prefix(path: &str) -> &str {
    let prefix_len = urn::CORE_USER.len() + 1;
    match path.get(..prefix_len) {
        Some(prefix)
            if prefix.len() == prefix_len
                && prefix[..prefix_len - 1].eq_ignore_ascii_case(urn::CORE_USER)
                && prefix.ends_with(':') =>
        {
            &path[prefix_len..]
        }
        _ => path,
    }
}

/// The path in upstream's canonical persistence form, lower-cased: the core URN prefix stripped,
/// the Enterprise User URN (or the bare `manager` alias) mapped to `enterprise[.…]`.
fn canonical_path(path: &str) -> String {
    let lower = path.to_ascii_lowercase();
    let enterprise = urn::ENTERPRISE_USER.to_ascii_lowercase();
    if lower == "manager" || lower.starts_with("manager.") {
        return format!("enterprise.{lower}");
    }
    if lower == enterprise {
        return "enterprise".to_owned();
    }
    if let Some(rest) = lower.strip_prefix(&format!("{enterprise}:")) {
        return format!("enterprise.{rest}");
    }
    strip_core_prefix(&lower).to_owned()
}

/// A value filter upstream understands: `[type eq "t"]` or `[primary eq true|"true"|false]`.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Selector {
    Type(String),
    Primary(bool),
}

impl Selector {
    /// The selector a parsed filter expresses, if it is one upstream supports.
    fn from_filter(filter: &Filter) -> Option<Self> {
        let Filter::Compare {
            path,
            op: CompareOp::Equal,
            value,
        } = filter
        else {
            return None;
        };
        if path.urn().is_some() || path.sub_attr().is_some() {
            return None;
        }
        if path.name_is("type") {
            return match value {
                CompareValue::String(text) if !text.is_empty() && !text.contains('"') => {
                    Some(Self::Type(text.trim().to_lowercase()))
                }
                _ => None,
            };
        }
        if path.name_is("primary") {
            return match value {
                CompareValue::Bool(flag) => Some(Self::Primary(*flag)),
                CompareValue::String(text) if text.eq_ignore_ascii_case("true") => {
                    Some(Self::Primary(true))
                }
                CompareValue::String(text) if text.eq_ignore_ascii_case("false") => {
                    Some(Self::Primary(false))
                }
                _ => None,
            };
        }
        None
    }
}

/// Which schema a parsed path addresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scope {
    Core,
    Enterprise,
}

/// A parsed path: the whole Enterprise User extension, or an attribute of one schema.
#[derive(Debug)]
enum Target {
    EnterpriseRoot,
    Attribute {
        scope: Scope,
        name: String,
        sub: Option<String>,
        selector: Option<Selector>,
    },
}

/// Parses a path (bounded by the protocol crate's length limit) into a [`Target`]; anything
/// upstream would not match is `invalidPath`.
fn parse_target(path: &str) -> Result<Target, ScimError> {
    let parsed = PatchPath::parse(path.trim()).map_err(|_| unsupported_path(path))?;
    match parsed {
        PatchPath::Schema(schema) if schema.eq_ignore_ascii_case(urn::ENTERPRISE_USER) => {
            Ok(Target::EnterpriseRoot)
        }
        PatchPath::Schema(_) => Err(unsupported_path(path)),
        PatchPath::Attribute { attr, value_filter } => {
            let scope = match attr.urn() {
                None if attr.name_is("manager") && value_filter.is_none() => Scope::Enterprise,
                None => Scope::Core,
                Some(schema) if schema.eq_ignore_ascii_case(urn::CORE_USER) => Scope::Core,
                Some(schema) if schema.eq_ignore_ascii_case(urn::ENTERPRISE_USER) => {
                    Scope::Enterprise
                }
                Some(_) => return Err(unsupported_path(path)),
            };
            let selector = match &value_filter {
                None => None,
                Some(filter) => {
                    Some(Selector::from_filter(filter).ok_or_else(|| unsupported_path(path))?)
                }
            };
            Ok(Target::Attribute {
                scope,
                name: attr.name().to_owned(),
                sub: attr.sub_attr().map(str::to_owned),
                selector,
            })
        }
    }
}

/// A patch in progress: the typed profile and the rest of the resource as JSON.
#[derive(Debug)]
struct Patch<'d> {
    profile: Profile,
    document: Map<String, Value>,
    declared: &'d [SchemaExtension],
    missing_email: MissingEmail,
}

impl<'d> Patch<'d> {
    fn new(resource: &Value, declared: &'d [SchemaExtension], missing_email: MissingEmail) -> Self {
        let document = resource.as_object().cloned().unwrap_or_default();
        let text = |value: Option<&Value>| value.and_then(Value::as_str).map(str::to_owned);
        let name = document.get("name");
        let part = |key: &str| text(name.and_then(|name| name.get(key)));
        let user_name = text(document.get("userName")).unwrap_or_default();
        let emails = email::stored(document.get("emails"));
        let primary_email =
            email::primary_value(&emails).unwrap_or_else(|| user_name.to_lowercase());
        let formatted = part("formatted");
        let display_name = text(document.get("displayName"))
            .or_else(|| formatted.clone())
            .unwrap_or_else(|| primary_email.clone());
        let profile = Profile {
            formatted: formatted.unwrap_or_else(|| display_name.clone()),
            given_name: part("givenName"),
            family_name: part("familyName"),
            middle_name: part("middleName"),
            honorific_prefix: part("honorificPrefix"),
            honorific_suffix: part("honorificSuffix"),
            external_id: text(document.get("externalId")),
            active: document
                .get("active")
                .and_then(Value::as_bool)
                .unwrap_or(true),
            user_name,
            emails,
            primary_email,
            display_name,
        };
        Self {
            profile,
            document,
            declared,
            missing_email,
        }
    }

    fn operation(&mut self, operation: Operation) -> Result<(), ScimError> {
        if let Some(path) = operation
            .path
            .as_deref()
            .filter(|path| !path.trim().is_empty())
        {
            return self.attribute(operation.op, path.trim(), operation.value.as_ref());
        }
        if operation.op == Op::Remove {
            return Err(ScimError::bad_request(
                ScimType::NoTarget,
                "A remove User PATCH operation requires a path",
            ));
        }
        let Some(Value::Object(values)) = operation.value else {
            return Err(invalid_value(
                "A pathless User PATCH value must be an object",
            ));
        };
        for (key, value) in &values {
            self.attribute(operation.op, key, Some(value))?;
        }
        Ok(())
    }

    /// Applies one operation to one path (an operation's path, or a key of a pathless value).
    fn attribute(&mut self, op: Op, path: &str, value: Option<&Value>) -> Result<(), ScimError> {
        let normalized = canonical_path(path.trim());
        if matches!(normalized.as_str(), "id" | "schemas" | "meta")
            || normalized.starts_with("meta.")
        {
            return Err(read_only(path));
        }
        let profile = &mut self.profile;
        match normalized.as_str() {
            "username" => {
                if op == Op::Remove {
                    return Err(read_only("userName"));
                }
                profile.user_name = non_empty_string(value, "userName")?;
            }
            "externalid" => {
                profile.external_id = match op {
                    Op::Remove => None,
                    Op::Add | Op::Replace => Some(non_empty_string(value, "externalId")?),
                };
            }
            "active" => {
                profile.active = match op {
                    Op::Remove => true,
                    Op::Add | Op::Replace => match unwrap_single(value) {
                        Some(Value::Bool(active)) => *active,
                        _ => return Err(invalid_value("active must be a boolean")),
                    },
                };
            }
            "displayname" => {
                profile.display_name = match op {
                    Op::Remove => profile.formatted.clone(),
                    Op::Add | Op::Replace => non_empty_string(value, "displayName")?,
                };
            }
            "name" => match op {
                Op::Remove => {
                    for part in NAME_PARTS {
                        *profile.name_part(part) = None;
                    }
                    let formatted = if profile.display_name.is_empty() {
                        profile.primary_email.clone()
                    } else {
                        profile.display_name.clone()
                    };
                    profile.set_formatted(formatted);
                }
                Op::Add | Op::Replace => profile.merge_name(value)?,
            },
            "name.formatted" => {
                let formatted = match op {
                    Op::Remove => {
                        let composed = profile.composed_name();
                        if !composed.is_empty() {
                            composed
                        } else if !profile.display_name.is_empty() {
                            profile.display_name.clone()
                        } else {
                            profile.primary_email.clone()
                        }
                    }
                    Op::Add | Op::Replace => non_empty_string(value, "name.formatted")?,
                };
                profile.set_formatted(formatted);
            }
            "name.givenname"
            | "name.familyname"
            | "name.middlename"
            | "name.honorificprefix"
            | "name.honorificsuffix" => {
                let Some(part) = NAME_PARTS
                    .into_iter()
                    .find(|part| normalized.ends_with(&part.to_ascii_lowercase()))
                else {
                    return Err(unsupported_path(path));
                };
                *profile.name_part(part) = match op {
                    Op::Remove => None,
                    Op::Add | Op::Replace => {
                        Some(non_empty_string(value, &format!("name.{part}"))?)
                    }
                };
            }
            "emails" => self.emails(op, value)?,
            "emails.value" => {
                if op == Op::Remove {
                    return Err(invalid_value("emails.value cannot be removed"));
                }
                profile.replace_all_email_values(value)?;
            }
            _ => return self.other_attribute(op, path, value),
        }
        Ok(())
    }

    /// `add`, `replace` or `remove` of `emails` as a whole; removing them all is allowed only
    /// under [`MissingEmail::Placeholder`].
    fn emails(&mut self, op: Op, value: Option<&Value>) -> Result<(), ScimError> {
        let profile = &mut self.profile;
        match op {
            Op::Remove if self.missing_email.allows_none() => profile.clear_emails(),
            Op::Remove => return Err(invalid_value("emails cannot be removed")),
            Op::Add => profile.add_emails(value)?,
            Op::Replace
                if self.missing_email.allows_none()
                    && matches!(value, Some(Value::Array(items)) if items.is_empty()) =>
            {
                profile.clear_emails();
            }
            Op::Replace => profile.set_emails(email::read_inputs(value)?)?,
        }
        Ok(())
    }

    /// Filtered email paths, then everything outside the typed profile.
    fn other_attribute(
        &mut self,
        op: Op,
        path: &str,
        value: Option<&Value>,
    ) -> Result<(), ScimError> {
        if let Some((extension, attribute)) = declared_path(self.declared, path) {
            return extension_operation(
                &mut self.document,
                extension,
                attribute.map(|a| (a, path)),
                op,
                value,
            );
        }
        let target = parse_target(path)?;
        if let Target::Attribute {
            scope: Scope::Core,
            name,
            sub: Some(sub),
            selector: Some(selector),
        } = &target
            && name.eq_ignore_ascii_case("emails")
            && sub.eq_ignore_ascii_case("value")
        {
            match selector {
                Selector::Type(kind) => {
                    return match op {
                        Op::Remove => self.profile.remove_typed_emails(kind),
                        Op::Add | Op::Replace => self.profile.replace_typed_email(kind, value),
                    };
                }
                Selector::Primary(true) => {
                    if op == Op::Remove {
                        return Err(invalid_value("emails.value cannot be removed"));
                    }
                    return self.profile.replace_primary_email(value);
                }
                Selector::Primary(false) => {}
            }
        }
        document::apply(&mut self.document, op, path, &target, value)
    }

    /// The patched resource in the server's output order.
    fn finish(self) -> Value {
        let Self {
            profile,
            mut document,
            ..
        } = self;
        let mut name = Map::new();
        name.insert(
            "formatted".to_owned(),
            Value::String(profile.formatted.clone()),
        );
        for (key, part) in [
            ("givenName", &profile.given_name),
            ("familyName", &profile.family_name),
            ("middleName", &profile.middle_name),
            ("honorificPrefix", &profile.honorific_prefix),
            ("honorificSuffix", &profile.honorific_suffix),
        ] {
            if let Some(part) = part.as_ref().filter(|part| !part.is_empty()) {
                name.insert(key.to_owned(), Value::String(part.clone()));
            }
        }
        document.insert("name".to_owned(), Value::Object(name));
        if profile.emails.is_empty() {
            document.remove("emails");
        } else {
            document.insert("emails".to_owned(), email::to_json(&profile.emails));
        }
        document.insert("userName".to_owned(), Value::String(profile.user_name));
        match profile.external_id {
            Some(external_id) => {
                document.insert("externalId".to_owned(), Value::String(external_id));
            }
            None => {
                document.remove("externalId");
            }
        }
        document.insert(
            "displayName".to_owned(),
            Value::String(profile.display_name),
        );
        document.insert("active".to_owned(), Value::Bool(profile.active));

        let mut output = Map::new();
        for key in [
            "schemas",
            "name",
            "emails",
            "title",
            "userType",
            "preferredLanguage",
            "locale",
            "timezone",
            "phoneNumbers",
            "addresses",
            "roles",
            "entitlements",
            "id",
            "externalId",
            "userName",
            "displayName",
            "active",
            urn::ENTERPRISE_USER,
        ] {
            if let Some(value) = document.remove(key) {
                output.insert(key.to_owned(), value);
            }
        }
        output.extend(document);
        Value::Object(output)
    }
}

/// The declared extension a path names, with the attribute part (`None` for the extension root).
fn declared_path<'d, 'p>(
    declared: &'d [SchemaExtension],
    path: &'p str,
) -> Option<(&'d SchemaExtension, Option<&'p str>)> {
    declared.iter().find_map(|extension| {
        let prefix = path.get(..extension.urn.len())?;
        if !prefix.eq_ignore_ascii_case(&extension.urn) {
            return None;
        }
        let rest = &path[extension.urn.len()..];
        if rest.is_empty() {
            return Some((extension, None));
        }
        rest.strip_prefix(':').map(|name| (extension, Some(name)))
    })
}

/// One operation on a declared extension: its root (`attribute` `None`) or one attribute (name and
/// the whole path, for errors). Adding a value to a multi-valued attribute appends; an extension left
/// empty is removed with its URN in `schemas`; a value makes sure the URN is in `schemas`.
fn extension_operation(
    document: &mut Map<String, Value>,
    extension: &SchemaExtension,
    attribute: Option<(&str, &str)>,
    op: Op,
    value: Option<&Value>,
) -> Result<(), ScimError> {
    let urn = extension.urn.as_str();
    let mut object = match document.remove(urn) {
        Some(Value::Object(object)) => object,
        _ => Map::new(),
    };
    match (attribute, op) {
        (None, Op::Remove) => object.clear(),
        (None, Op::Add | Op::Replace) => {
            let Some(Value::Object(values)) = value else {
                return Err(invalid_value(format!("{urn} must be an object")));
            };
            if op == Op::Replace {
                object.clear();
            }
            for (key, value) in values {
                let name = extension
                    .find(key)
                    .map_or_else(|| key.clone(), |a| a.name.clone());
                object.insert(name, value.clone());
            }
        }
        (Some((name, path)), op) => {
            let Some(declared) = extension.find(name) else {
                return Err(unsupported_path(path));
            };
            let name = declared.name.clone();
            match op {
                Op::Remove => {
                    object.remove(&name);
                }
                Op::Add if declared.multi_valued => {
                    let mut values = match object.remove(&name) {
                        Some(Value::Array(values)) => values,
                        _ => Vec::new(),
                    };
                    match value {
                        Some(Value::Array(added)) => values.extend(added.iter().cloned()),
                        Some(added) => values.push(added.clone()),
                        None => {}
                    }
                    object.insert(name, Value::Array(values));
                }
                Op::Add | Op::Replace => {
                    let Some(value) = value else {
                        return Err(invalid_value(format!("{path} requires a value")));
                    };
                    object.insert(name, value.clone());
                }
            }
        }
    }
    let mut schemas: Vec<Value> = match document.remove("schemas") {
        Some(Value::Array(schemas)) => schemas,
        _ => Vec::new(),
    };
    schemas.retain(|schema| !schema.as_str().is_some_and(|s| s.eq_ignore_ascii_case(urn)));
    if !object.is_empty() {
        schemas.push(Value::from(urn));
        document.insert(urn.to_owned(), Value::Object(object));
    }
    document.insert("schemas".to_owned(), Value::Array(schemas));
    Ok(())
}
