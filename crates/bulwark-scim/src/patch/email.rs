//! The `emails` rules of User PATCH: reading PATCH email values, the (type, value) tuple identity,
//! validation of a whole email set and the choice of the one primary email.

use std::collections::HashSet;

use serde_json::{Map, Value};

use crate::error::ScimError;
use crate::users::input::is_email;

use super::invalid_value;

/// The most emails a User may have.
const MAX_EMAILS: usize = 20;
/// The longest email address.
const MAX_EMAIL_LENGTH: usize = 254;

/// A canonical stored email: lower-cased value and type, and whether it is the primary one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Email {
    pub(super) value: String,
    pub(super) primary: bool,
    pub(super) kind: Option<String>,
}

/// An email as a PATCH supplies it (or as an intermediate set before canonicalisation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct EmailInput {
    pub(super) value: String,
    pub(super) primary: Option<bool>,
    pub(super) kind: Option<String>,
}

impl Email {
    /// The case-insensitive (type, value) identity.
    pub(super) fn tuple_key(&self) -> String {
        tuple_key(self.kind.as_deref(), &self.value)
    }

    /// The email as an input for a new set.
    pub(super) fn to_input(&self) -> EmailInput {
        EmailInput {
            value: self.value.clone(),
            primary: Some(self.primary),
            kind: self.kind.clone(),
        }
    }
}

impl EmailInput {
    /// The case-insensitive (type, value) identity.
    pub(super) fn tuple_key(&self) -> String {
        tuple_key(self.kind.as_deref(), &self.value)
    }

    /// Value and type trimmed and lower-cased (an empty type dropped), `primary` made explicit.
    pub(super) fn canonical(self) -> Self {
        Self {
            value: self.value.trim().to_lowercase(),
            kind: self
                .kind
                .map(|kind| kind.trim().to_lowercase())
                .filter(|kind| !kind.is_empty()),
            primary: Some(self.primary == Some(true)),
        }
    }
}

fn tuple_key(kind: Option<&str>, value: &str) -> String {
    format!(
        "{}\u{0}{}",
        kind.map_or_else(|| "\u{1}".to_owned(), |kind| kind.trim().to_lowercase()),
        value.trim().to_lowercase()
    )
}

/// The emails of a stored resource (tolerant: entries without a string value are skipped).
pub(super) fn stored(value: Option<&Value>) -> Vec<Email> {
    let Some(Value::Array(items)) = value else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| {
            Some(Email {
                value: item.get("value")?.as_str()?.to_owned(),
                primary: item.get("primary").and_then(Value::as_bool) == Some(true),
                kind: item.get("type").and_then(Value::as_str).map(str::to_owned),
            })
        })
        .collect()
}

/// The primary email's value, else the first one's.
pub(super) fn primary_value(emails: &[Email]) -> Option<String> {
    emails
        .iter()
        .find(|email| email.primary)
        .or_else(|| emails.first())
        .map(|email| email.value.clone())
}

/// The emails as the resource outputs them: `{value, primary, type?}`.
pub(super) fn to_json(emails: &[Email]) -> Value {
    Value::Array(
        emails
            .iter()
            .map(|email| {
                let mut object = Map::new();
                object.insert("value".to_owned(), Value::String(email.value.clone()));
                object.insert("primary".to_owned(), Value::Bool(email.primary));
                if let Some(kind) = &email.kind {
                    object.insert("type".to_owned(), Value::String(kind.clone()));
                }
                Value::Object(object)
            })
            .collect(),
    )
}

/// A single email address value (`emails.value` paths), lower-cased.
pub(super) fn read_value(value: Option<&Value>) -> Result<String, ScimError> {
    match value {
        Some(Value::String(text)) if text.len() <= MAX_EMAIL_LENGTH && is_email(text) => {
            Ok(text.to_lowercase())
        }
        _ => Err(invalid_value("emails.value must be an email")),
    }
}

/// An array of 1 to 20 PATCH emails `{value, primary?, type?}`; other keys are ignored.
pub(super) fn read_inputs(value: Option<&Value>) -> Result<Vec<EmailInput>, ScimError> {
    let invalid = || invalid_value("emails must contain between 1 and 20 valid emails");
    let Some(Value::Array(items)) = value else {
        return Err(invalid());
    };
    if items.is_empty() || items.len() > MAX_EMAILS {
        return Err(invalid());
    }
    items
        .iter()
        .map(|item| {
            let Value::Object(item) = item else {
                return Err(invalid());
            };
            let value = match item.get("value") {
                Some(Value::String(text)) if text.len() <= MAX_EMAIL_LENGTH && is_email(text) => {
                    text.clone()
                }
                _ => return Err(invalid()),
            };
            let primary = match item.get("primary") {
                None => None,
                Some(Value::Bool(primary)) => Some(*primary),
                Some(_) => return Err(invalid()),
            };
            let kind = match item.get("type") {
                None => None,
                Some(Value::String(kind)) if !kind.trim().is_empty() => {
                    Some(kind.trim().to_owned())
                }
                Some(_) => return Err(invalid()),
            };
            Ok(EmailInput {
                value,
                primary,
                kind,
            })
        })
        .collect()
}

/// Merges additions with the same tuple; a later explicit primary wins over the first copy's.
pub(super) fn coalesce(emails: Vec<EmailInput>) -> Vec<EmailInput> {
    let mut coalesced: Vec<EmailInput> = Vec::with_capacity(emails.len());
    for email in emails {
        let key = email.tuple_key();
        match coalesced
            .iter_mut()
            .find(|existing| existing.tuple_key() == key)
        {
            Some(existing) => {
                if email.primary == Some(true) {
                    existing.primary = Some(true);
                }
            }
            None => coalesced.push(email),
        }
    }
    coalesced
}

/// Validates a whole email set as upstream's `readEmailSet` does and canonicalises it with exactly
/// one primary (the explicit one, else the first `work` email, else the first).
pub(super) fn validated_set(
    emails: Vec<EmailInput>,
    user_name: &str,
) -> Result<Vec<Email>, ScimError> {
    let valid_count = (1..=MAX_EMAILS).contains(&emails.len());
    let valid_entries = emails.iter().all(|email| {
        email.value.len() <= MAX_EMAIL_LENGTH
            && is_email(&email.value)
            && email
                .kind
                .as_ref()
                .is_none_or(|kind| !kind.trim().is_empty())
    });
    if !valid_count || !valid_entries {
        return Err(invalid_value(
            "emails must contain between 1 and 20 valid emails",
        ));
    }
    if emails
        .iter()
        .filter(|email| email.primary == Some(true))
        .count()
        > 1
    {
        return Err(invalid_value(
            "emails cannot contain multiple primary values",
        ));
    }
    let tuples: HashSet<String> = emails.iter().map(EmailInput::tuple_key).collect();
    if tuples.len() != emails.len() {
        return Err(invalid_value(
            "emails cannot contain duplicate type and value pairs",
        ));
    }
    let defined_types: Vec<String> = emails
        .iter()
        .filter_map(|email| email.kind.as_ref().map(|kind| kind.trim().to_lowercase()))
        .collect();
    if defined_types.iter().collect::<HashSet<_>>().len() != defined_types.len() {
        return Err(invalid_value(
            "emails cannot contain duplicate defined types",
        ));
    }
    let normalized: Vec<EmailInput> = emails.into_iter().map(EmailInput::canonical).collect();
    if normalized.is_empty() {
        return Ok(vec![Email {
            value: user_name.to_lowercase(),
            primary: true,
            kind: None,
        }]);
    }
    let primary_index = normalized
        .iter()
        .position(|email| email.primary == Some(true))
        .or_else(|| {
            normalized
                .iter()
                .position(|email| email.kind.as_deref() == Some("work"))
        })
        .unwrap_or(0);
    Ok(normalized
        .into_iter()
        .enumerate()
        .map(|(index, email)| Email {
            value: email.value,
            primary: index == primary_index,
            kind: email.kind,
        })
        .collect())
}
