//! The canonical profile of a valid User resource (upstream v1.7.1's `createCanonicalSCIMUserProfile`):
//! emails lower-cased with exactly one primary, the formatted name and display name derived from what
//! was sent, and the `attributes` document stored for exact round trips.

use serde_json::{Map, Value};

use super::ENTERPRISE_ATTRIBUTE;
use super::input::{UserInput, is_email};

/// One email of the canonical profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CanonicalEmail {
    /// The address, trimmed and lower-cased.
    pub(crate) value: String,
    /// Whether it is the primary email (exactly one is).
    pub(crate) primary: bool,
    /// The type, lower-cased.
    pub(crate) r#type: Option<String>,
}

/// The canonical profile of a SCIM User: what is stored and what the Bulwark user follows.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct CanonicalUser {
    /// `userName`, trimmed, case preserved.
    pub(crate) user_name: String,
    /// `externalId`.
    pub(crate) external_id: Option<String>,
    /// `displayName` (sent, else the formatted name).
    pub(crate) display_name: String,
    /// `name.givenName`.
    pub(crate) given_name: Option<String>,
    /// `name.familyName`.
    pub(crate) family_name: Option<String>,
    /// The primary email's value: `None` only for a User without any email address, which
    /// [`MissingEmail::Placeholder`](crate::options::MissingEmail::Placeholder) accepts.
    pub(crate) primary_email: Option<String>,
    /// Every email, in the order sent.
    pub(crate) emails: Vec<CanonicalEmail>,
    /// `active` (absent means active).
    pub(crate) active: bool,
    /// The stored document: `schemas`, `name`, `emails`, the optional attributes and `enterprise`.
    pub(crate) attributes: Value,
}

impl CanonicalUser {
    /// The canonical profile of `input`.
    pub(crate) fn new(input: UserInput) -> Self {
        let emails = canonical_emails(&input);
        let primary_email = emails.iter().find(|e| e.primary).map(|e| e.value.clone());
        let part = |key: &str| {
            input
                .name
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.clone())
        };
        let given_name = part("givenName");
        let family_name = part("familyName");
        let composed = [&given_name, &family_name]
            .into_iter()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
            .join(" ");
        let formatted_name = part("formatted")
            .or_else(|| input.display_name.clone())
            .unwrap_or_else(|| {
                if composed.is_empty() {
                    primary_email
                        .clone()
                        .unwrap_or_else(|| input.user_name.to_lowercase())
                } else {
                    composed
                }
            });
        let display_name = input
            .display_name
            .clone()
            .unwrap_or_else(|| formatted_name.clone());

        let mut name = Map::new();
        name.insert("formatted".to_owned(), Value::from(formatted_name));
        for (key, value) in input.name.iter().filter(|(k, _)| *k != "formatted") {
            name.insert((*key).to_owned(), Value::from(value.as_str()));
        }
        let mut attributes = Map::new();
        let schemas: Vec<&str> = input
            .schemas
            .iter()
            .copied()
            .chain(input.extension_schemas.iter().map(String::as_str))
            .collect();
        attributes.insert("schemas".to_owned(), Value::from(schemas));
        attributes.insert("name".to_owned(), Value::Object(name));
        if !emails.is_empty() {
            attributes.insert(
                "emails".to_owned(),
                Value::Array(emails.iter().map(email_json).collect()),
            );
        }
        for (key, value) in &input.singular {
            attributes.insert((*key).to_owned(), Value::from(value.as_str()));
        }
        for (key, values) in &input.multi_valued {
            attributes.insert((*key).to_owned(), Value::Array(values.clone()));
        }
        if let Some(enterprise) = input.enterprise {
            attributes.insert(ENTERPRISE_ATTRIBUTE.to_owned(), Value::Object(enterprise));
        }
        // Declared custom extensions are stored under their URN (as declared).
        for (urn, values) in input.extensions {
            attributes.insert(urn, Value::Object(values));
        }
        Self {
            user_name: input.user_name,
            external_id: input.external_id,
            display_name,
            given_name,
            family_name,
            primary_email,
            emails,
            active: input.active != Some(false),
            attributes: Value::Object(attributes),
        }
    }
}

/// The emails lower-cased, with one primary: the one marked primary, else the first `work` email, else
/// the first. Without emails, the lower-cased `userName` is the only (primary) email when it is an
/// email address; otherwise (only valid under `MissingEmail::Placeholder`) there is none.
fn canonical_emails(input: &UserInput) -> Vec<CanonicalEmail> {
    let sent = input.emails.as_deref().unwrap_or_default();
    if sent.is_empty() {
        if !is_email(&input.user_name) {
            return Vec::new();
        }
        return vec![CanonicalEmail {
            value: input.user_name.to_lowercase(),
            primary: true,
            r#type: None,
        }];
    }
    let primary = sent
        .iter()
        .position(|e| e.primary == Some(true))
        .or_else(|| {
            sent.iter()
                .position(|e| e.r#type.as_deref() == Some("work"))
        })
        .unwrap_or(0);
    sent.iter()
        .enumerate()
        .map(|(index, email)| CanonicalEmail {
            value: email.value.trim().to_lowercase(),
            primary: index == primary,
            r#type: email.r#type.clone(),
        })
        .collect()
}

/// An email as upstream stores and answers it: `{value, primary, type?}`.
fn email_json(email: &CanonicalEmail) -> Value {
    let mut object = Map::new();
    object.insert("value".to_owned(), Value::from(email.value.as_str()));
    object.insert("primary".to_owned(), Value::Bool(email.primary));
    if let Some(t) = &email.r#type {
        object.insert("type".to_owned(), Value::from(t.as_str()));
    }
    Value::Object(object)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::users::input::parse_user;
    use bulwark_scim_protocol::urn;

    #[expect(clippy::needless_pass_by_value, reason = "tests pass json! literals")]
    fn canonical(body: Value) -> CanonicalUser {
        CanonicalUser::new(parse_user(&body).unwrap())
    }

    #[test]
    // upstream: scim-profile.test.ts › SCIM canonical User profiles › round-trips provider-standard names, displayName, and typed emails
    fn names_display_names_and_typed_emails_are_canonicalised() {
        let user = canonical(json!({
            "schemas": [urn::CORE_USER],
            "userName": "JDoe",
            "name": {"givenName": "John", "familyName": "Doe", "middleName": "Q"},
            "emails": [
                {"value": "Home@Example.com", "type": "HOME"},
                {"value": "JDoe@Example.com", "type": "Work"},
            ],
        }));
        assert_eq!(user.user_name, "JDoe");
        assert_eq!(user.display_name, "John Doe");
        assert_eq!(user.primary_email.as_deref(), Some("jdoe@example.com"));
        assert_eq!(
            user.attributes,
            json!({
                "schemas": [urn::CORE_USER],
                "name": {"formatted": "John Doe", "givenName": "John", "familyName": "Doe", "middleName": "Q"},
                "emails": [
                    {"value": "home@example.com", "primary": false, "type": "home"},
                    {"value": "jdoe@example.com", "primary": true, "type": "work"},
                ],
            })
        );
    }

    #[test]
    fn the_formatted_name_falls_back_to_display_name_then_parts_then_email() {
        let base = json!({"schemas": [urn::CORE_USER], "userName": "A@Example.com"});
        let user = canonical(base.clone());
        assert_eq!(user.primary_email.as_deref(), Some("a@example.com"));
        assert_eq!(user.display_name, "a@example.com");
        assert_eq!(
            user.attributes["emails"],
            json!([{"value": "a@example.com", "primary": true}])
        );
        let mut with_display = base.clone();
        with_display["displayName"] = json!("Ada");
        with_display["name"] = json!({"givenName": "A", "familyName": "L"});
        let user = canonical(with_display);
        assert_eq!(user.attributes["name"]["formatted"], "Ada");
        let mut formatted = base;
        formatted["name"] = json!({"formatted": "Dr. Ada"});
        assert_eq!(canonical(formatted).display_name, "Dr. Ada");
    }

    #[test]
    fn the_first_work_email_is_primary_when_none_is_marked_and_active_defaults_to_true() {
        let user = canonical(json!({
            "schemas": [urn::CORE_USER, urn::ENTERPRISE_USER], "userName": "x",
            "emails": [{"value": "a@example.com"}, {"value": "b@example.com", "type": "work"}],
            urn::ENTERPRISE_USER: {},
        }));
        assert_eq!(user.primary_email.as_deref(), Some("b@example.com"));
        assert!(user.active);
        assert_eq!(user.attributes["enterprise"], json!({}));
    }
}
