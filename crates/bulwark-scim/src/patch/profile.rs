//! The typed profile of a User being patched — `userName`, `externalId`, `active`, `displayName`,
//! `name` and `emails` — and upstream v1.7.1's rules for changing it: a `displayName` equal to
//! `name.formatted` follows it, name parts change alone, and `emails` keep exactly one primary.

use serde_json::Value;

use crate::error::{ScimError, ScimType};

use super::email::{self, Email, EmailInput};
use super::{invalid_value, non_empty_string};

/// The profile part of the User that upstream keeps typed while patching.
#[derive(Debug)]
pub(super) struct Profile {
    pub(super) user_name: String,
    pub(super) emails: Vec<Email>,
    pub(super) primary_email: String,
    pub(super) display_name: String,
    pub(super) formatted: String,
    pub(super) given_name: Option<String>,
    pub(super) family_name: Option<String>,
    pub(super) middle_name: Option<String>,
    pub(super) honorific_prefix: Option<String>,
    pub(super) honorific_suffix: Option<String>,
    pub(super) external_id: Option<String>,
    pub(super) active: bool,
}

/// The name parts that a `name.<part>` path sets on their own.
pub(super) const NAME_PARTS: [&str; 5] = [
    "givenName",
    "familyName",
    "middleName",
    "honorificPrefix",
    "honorificSuffix",
];

impl Profile {
    pub(super) fn name_part(&mut self, part: &str) -> &mut Option<String> {
        match part {
            "givenName" => &mut self.given_name,
            "familyName" => &mut self.family_name,
            "middleName" => &mut self.middle_name,
            "honorificPrefix" => &mut self.honorific_prefix,
            _ => &mut self.honorific_suffix,
        }
    }

    /// Sets `name.formatted`; a `displayName` that equalled it follows.
    pub(super) fn set_formatted(&mut self, formatted: String) {
        if self.display_name == self.formatted {
            self.display_name.clone_from(&formatted);
        }
        self.formatted = formatted;
    }

    /// `"<givenName> <familyName>"` without missing parts.
    pub(super) fn composed_name(&self) -> String {
        [&self.given_name, &self.family_name]
            .into_iter()
            .flatten()
            .filter(|part| !part.is_empty())
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Merges a `name` object: keys case-insensitive, parts set alone, `formatted` last.
    pub(super) fn merge_name(&mut self, value: Option<&Value>) -> Result<(), ScimError> {
        let Some(Value::Object(name)) = value else {
            return Err(invalid_value("name must be an object"));
        };
        let mut parts: Vec<(&'static str, String)> = Vec::new();
        let mut formatted = None;
        for (key, part) in name {
            let lower = key.to_ascii_lowercase();
            if lower == "formatted" {
                formatted = Some(non_empty_string(Some(part), "name.formatted")?);
                continue;
            }
            let Some(canonical) = NAME_PARTS
                .into_iter()
                .find(|candidate| candidate.eq_ignore_ascii_case(&lower))
            else {
                return Err(ScimError::bad_request(
                    ScimType::InvalidPath,
                    format!("User attribute name.{key} is not supported"),
                ));
            };
            let text = non_empty_string(Some(part), &format!("name.{canonical}"))?;
            parts.retain(|(existing, _)| *existing != canonical);
            parts.push((canonical, text));
        }
        for (part, text) in parts {
            *self.name_part(part) = Some(text);
        }
        if let Some(formatted) = formatted {
            self.set_formatted(formatted);
        }
        Ok(())
    }

    /// Replaces the email set (validated like `POST`) and re-derives the primary email.
    pub(super) fn set_emails(&mut self, emails: Vec<EmailInput>) -> Result<(), ScimError> {
        let emails = email::validated_set(emails, &self.user_name)?;
        self.primary_email = email::primary_value(&emails)
            .ok_or_else(|| invalid_value("emails must contain at least one value"))?;
        self.emails = emails;
        Ok(())
    }

    /// Removes every email (only under `MissingEmail::Placeholder`); derived names fall back to the
    /// lower-cased `userName` as they do when a User is created without emails.
    pub(super) fn clear_emails(&mut self) {
        self.emails.clear();
        self.primary_email = self.user_name.to_lowercase();
    }

    /// `add emails`: appends new (type, value) tuples; a new explicit primary demotes the others.
    pub(super) fn add_emails(&mut self, value: Option<&Value>) -> Result<(), ScimError> {
        let additions = email::coalesce(
            email::read_inputs(value)?
                .into_iter()
                .map(EmailInput::canonical)
                .collect(),
        );
        if additions
            .iter()
            .filter(|email| email.primary == Some(true))
            .count()
            > 1
        {
            return Err(invalid_value(
                "emails cannot contain multiple primary values",
            ));
        }
        let existing: Vec<String> = self.emails.iter().map(Email::tuple_key).collect();
        let new: Vec<EmailInput> = additions
            .into_iter()
            .filter(|email| !existing.contains(&email.tuple_key()))
            .collect();
        if new.is_empty() {
            return Ok(());
        }
        let demote = new.iter().any(|email| email.primary == Some(true));
        let mut emails: Vec<EmailInput> = self
            .emails
            .iter()
            .map(|email| {
                let mut input = email.to_input();
                if demote {
                    input.primary = Some(false);
                }
                input
            })
            .collect();
        emails.extend(new);
        self.set_emails(emails)
    }

    /// `emails.value`: every email gets the value.
    pub(super) fn replace_all_email_values(
        &mut self,
        value: Option<&Value>,
    ) -> Result<(), ScimError> {
        let replacement = email::read_value(value)?;
        let emails = self
            .emails
            .iter()
            .map(|email| EmailInput {
                value: replacement.clone(),
                ..email.to_input()
            })
            .collect();
        self.set_emails(emails)
    }

    /// `emails[type eq "t"].value`: sets the value of the typed emails, or appends one.
    pub(super) fn replace_typed_email(
        &mut self,
        kind: &str,
        value: Option<&Value>,
    ) -> Result<(), ScimError> {
        let replacement = email::read_value(value)?;
        let matches = |email: &Email| email.kind.as_deref() == Some(kind);
        let mut emails: Vec<EmailInput> = self.emails.iter().map(Email::to_input).collect();
        if self.emails.iter().any(matches) {
            for (input, email) in emails.iter_mut().zip(&self.emails) {
                if matches(email) {
                    input.value.clone_from(&replacement);
                }
            }
        } else {
            emails.push(EmailInput {
                value: replacement,
                kind: Some(kind.to_owned()),
                primary: Some(false),
            });
        }
        self.set_emails(emails)
    }

    /// `remove emails[type eq "t"].value`: drops the typed emails (no-op without one).
    pub(super) fn remove_typed_emails(&mut self, kind: &str) -> Result<(), ScimError> {
        let remaining: Vec<EmailInput> = self
            .emails
            .iter()
            .filter(|email| email.kind.as_deref() != Some(kind))
            .map(Email::to_input)
            .collect();
        if remaining.len() == self.emails.len() {
            return Ok(());
        }
        self.set_emails(remaining)
    }

    /// `emails[primary eq true].value`: replaces the primary email's value.
    pub(super) fn replace_primary_email(&mut self, value: Option<&Value>) -> Result<(), ScimError> {
        let replacement = email::read_value(value)?;
        if !self.emails.iter().any(|email| email.primary) {
            return Err(ScimError::bad_request(
                ScimType::NoTarget,
                "No primary email matches the PATCH path",
            ));
        }
        let emails = self
            .emails
            .iter()
            .map(|email| {
                let mut input = email.to_input();
                if email.primary {
                    input.value.clone_from(&replacement);
                }
                input
            })
            .collect();
        self.set_emails(emails)
    }
}
