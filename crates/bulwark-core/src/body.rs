//! Request bodies: typed field access with upstream's validation errors (zod's messages), for the core's
//! endpoints and every plugin's, so all of them reject bad input with the same words.

use http::StatusCode;
use serde_json::{Map, Value};

use crate::endpoint::RequestCtx;
use crate::error::{ApiError, codes};

/// What an endpoint accepts as its body.
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    /// Accepted media types.
    pub media: &'static [&'static str],
    /// The schema kinds the whole body must satisfy, for upstream's messages (`object`, `record`).
    pub kinds: &'static [&'static str],
}

/// Form or JSON bodies, as sign-in and sign-up accept them.
pub const FORM_OR_JSON: &[&str] = &["application/x-www-form-urlencoded", "application/json"];

/// JSON only, an object.
pub const OBJECT: Shape = Shape {
    media: &["application/json"],
    kinds: &["object"],
};
/// JSON only, any record.
pub const RECORD: Shape = Shape {
    media: &["application/json"],
    kinds: &["record"],
};
/// Sign-in: JSON or form, an object.
pub const SIGN_IN: Shape = Shape {
    media: &["application/x-www-form-urlencoded", "application/json"],
    kinds: &["object"],
};
/// Sign-up: JSON or form, an object that also allows any other keys.
pub const SIGN_UP: Shape = Shape {
    media: &["application/x-www-form-urlencoded", "application/json"],
    kinds: &["object", "record"],
};

/// A parsed body with typed, validated field access. Problems are collected and reported together, in
/// field order, as upstream's validator does.
#[derive(Debug, Default)]
pub struct Body {
    map: Map<String, Value>,
    problems: Vec<String>,
}

impl Body {
    /// Parses the body of `req` as `shape`. A missing or non-object body is a validation error at once.
    pub fn parse(req: &RequestCtx, shape: Shape) -> Result<Self, ApiError> {
        let value = req.json_value(shape.media)?;
        let received = match &value {
            None => "undefined",
            Some(Value::Object(_)) => "",
            Some(other) => kind(other),
        };
        if !received.is_empty() {
            let message = shape
                .kinds
                .iter()
                .map(|k| format!("[body] Invalid input: expected {k}, received {received}"))
                .collect::<Vec<_>>()
                .join("; ");
            return Err(validation_error(message));
        }
        let map = match value {
            Some(Value::Object(map)) => map,
            _ => Map::new(),
        };
        Ok(Self {
            map,
            problems: Vec::new(),
        })
    }

    fn wrong_type(&mut self, field: &str, expected: &str) {
        let received = self.map.get(field).map_or("undefined", kind);
        self.problems.push(format!(
            "[body.{field}] Invalid input: expected {expected}, received {received}"
        ));
    }

    /// A required string field.
    pub fn string(&mut self, field: &str) -> String {
        if let Some(Value::String(s)) = self.map.get(field) {
            return s.clone();
        }
        self.wrong_type(field, "string");
        String::new()
    }

    /// A required, non-empty string field.
    pub fn nonempty_string(&mut self, field: &str) -> String {
        let value = self.string(field);
        if value.is_empty()
            && self.map.contains_key(field)
            && self.map.get(field).is_some_and(Value::is_string)
        {
            self.problems.push(format!(
                "[body.{field}] Too small: expected string to have >=1 characters"
            ));
        }
        value
    }

    /// A required string field holding an email address.
    pub fn email(&mut self, field: &str) -> String {
        let value = self.string(field);
        if self.map.get(field).is_some_and(Value::is_string) && !is_valid_email(&value) {
            self.problems
                .push(format!("[body.{field}] Invalid email address"));
        }
        value
    }

    /// An optional string field (absent is `None`; null is a type error, as upstream).
    pub fn opt_string(&mut self, field: &str) -> Option<String> {
        match self.map.get(field) {
            Some(Value::String(s)) => Some(s.clone()),
            None => None,
            Some(_) => {
                self.wrong_type(field, "string");
                None
            }
        }
    }

    /// An optional, nullable string field: `None` when absent, `Some(None)` for an explicit `null`.
    pub fn nullable_string(&mut self, field: &str) -> Option<Option<String>> {
        match self.map.get(field) {
            Some(Value::Null) => Some(None),
            _ => self.opt_string(field).map(Some),
        }
    }

    /// An optional boolean field.
    pub fn opt_bool(&mut self, field: &str) -> Option<bool> {
        match self.map.get(field) {
            Some(Value::Bool(b)) => Some(*b),
            None => None,
            Some(_) => {
                self.wrong_type(field, "boolean");
                None
            }
        }
    }

    /// The raw value of `field`.
    pub fn get(&self, field: &str) -> Option<&Value> {
        self.map.get(field)
    }

    /// Fails with upstream's validation error when any field was invalid.
    pub fn finish(self) -> Result<Map<String, Value>, ApiError> {
        if self.problems.is_empty() {
            return Ok(self.map);
        }
        Err(validation_error(self.problems.join("; ")))
    }
}

fn validation_error(message: String) -> ApiError {
    ApiError::with_message(StatusCode::BAD_REQUEST, codes::VALIDATION_ERROR, message)
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Whether `email` is valid by the pattern upstream's validator (zod 4's `email()`) uses:
/// a local part of `A-Z a-z 0-9 _ ' + - .` that neither starts with a dot nor ends with `.` or `'`,
/// no `..` anywhere, and a domain of alphanumeric-led labels ending in an alphabetic TLD of two or more.
pub fn is_valid_email(email: &str) -> bool {
    if email.starts_with('.') || email.contains("..") {
        return false;
    }
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    let local_ok = local
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"_'+-.".contains(&b))
        && local
            .bytes()
            .last()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b"_+-".contains(&b));
    let Some((labels, tld)) = domain.rsplit_once('.') else {
        return false;
    };
    let labels_ok = labels.split('.').all(|l| {
        l.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    });
    let tld_ok = tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic());
    local_ok && labels_ok && tld_ok
}

#[cfg(test)]
mod tests {
    use super::is_valid_email;

    #[test]
    fn emails_validate_like_upstream() {
        for ok in [
            "a@b.co",
            "first.last+tag@example.com",
            "x_y@sub.example.org",
            "o'neil@x.io",
            "a@b-c.de",
        ] {
            assert!(is_valid_email(ok), "{ok}");
        }
        for bad in [
            "",
            "a",
            "a@",
            "@b.co",
            "a@b",
            "a@b.c",
            "a..b@c.de",
            ".a@b.co",
            "a@-b.co",
            "a b@c.de",
            "a@b_c.de",
            " a@b.co",
            "a@b.co ",
            "jöse@x.de",
            "a.@b.co",
            "a@b@c.de",
            "a!b@c.de",
        ] {
            assert!(!is_valid_email(bad), "{bad}");
        }
    }
}
