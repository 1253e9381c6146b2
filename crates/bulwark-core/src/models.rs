//! Core models (`user`, `session`, `account`, `verification`): their schema and typed row conversions.
//!
//! Field names, physical names and JSON shapes are upstream's. Each model keeps fields contributed by
//! plugins or `additionalFields` in `extra`, so a plugin can extend a model without the core knowing it.

mod account;
mod session;
mod user;
mod verification;

use time::OffsetDateTime;

pub use account::Account;
pub use session::Session;
pub use user::User;
pub use verification::Verification;

use crate::adapter::{AdapterError, Row, Value};
use crate::schema::{FieldDef, FieldType, ModelDef};

/// A typed model stored through the [`Adapter`](crate::Adapter).
pub trait Model: Sized {
    /// The logical model name.
    const NAME: &'static str;
    /// Decodes a stored row.
    fn from_row(row: Row) -> Result<Self, AdapterError>;
    /// Encodes for storage.
    fn to_row(&self) -> Row;
}

/// The core models, in dependency order, with upstream's fields.
pub fn core_models() -> Vec<ModelDef> {
    vec![
        ModelDef::new("user")
            .field(FieldDef::new("name", FieldType::String).required())
            .field(
                FieldDef::new("email", FieldType::String)
                    .required()
                    .unique()
                    .case_insensitive(),
            )
            .field(FieldDef::new("emailVerified", FieldType::Boolean).required())
            .field(FieldDef::new("image", FieldType::String))
            .field(FieldDef::new("createdAt", FieldType::Date).required())
            .field(FieldDef::new("updatedAt", FieldType::Date).required()),
        ModelDef::new("session")
            .field(FieldDef::new("expiresAt", FieldType::Date).required())
            .field(
                FieldDef::new("token", FieldType::String)
                    .required()
                    .unique(),
            )
            .field(FieldDef::new("createdAt", FieldType::Date).required())
            .field(FieldDef::new("updatedAt", FieldType::Date).required())
            .field(FieldDef::new("ipAddress", FieldType::String))
            .field(FieldDef::new("userAgent", FieldType::String))
            .field(
                FieldDef::new("userId", FieldType::String)
                    .required()
                    .index()
                    .references("user", "id"),
            ),
        ModelDef::new("account")
            .field(FieldDef::new("accountId", FieldType::String).required())
            .field(FieldDef::new("providerId", FieldType::String).required())
            .field(
                FieldDef::new("userId", FieldType::String)
                    .required()
                    .index()
                    .references("user", "id"),
            )
            .field(FieldDef::new("accessToken", FieldType::String))
            .field(FieldDef::new("refreshToken", FieldType::String))
            .field(FieldDef::new("idToken", FieldType::String))
            .field(FieldDef::new("accessTokenExpiresAt", FieldType::Date))
            .field(FieldDef::new("refreshTokenExpiresAt", FieldType::Date))
            .field(FieldDef::new("scope", FieldType::String))
            .field(FieldDef::new("password", FieldType::String))
            .field(FieldDef::new("createdAt", FieldType::Date).required())
            .field(FieldDef::new("updatedAt", FieldType::Date).required()),
        ModelDef::new("verification")
            .field(
                FieldDef::new("identifier", FieldType::String)
                    .required()
                    .index(),
            )
            .field(FieldDef::new("value", FieldType::String).required())
            .field(FieldDef::new("expiresAt", FieldType::Date).required())
            .field(FieldDef::new("createdAt", FieldType::Date).required())
            .field(FieldDef::new("updatedAt", FieldType::Date).required()),
    ]
}

/// Reads typed fields out of a row, reporting the model and field on a mismatch (for `Model::from_row`).
#[derive(Debug)]
pub struct Fields {
    model: &'static str,
    row: Row,
}

impl Fields {
    /// Starts reading `row` of `model`.
    pub fn new(model: &'static str, row: Row) -> Self {
        Self { model, row }
    }

    fn missing(&self, field: &str, expected: &str) -> AdapterError {
        AdapterError::decode(format!("{}.{field}: expected {expected}", self.model))
    }

    /// A required string.
    pub fn string(&mut self, field: &str) -> Result<String, AdapterError> {
        match self.row.take(field) {
            Some(Value::String(s)) => Ok(s),
            _ => Err(self.missing(field, "a string")),
        }
    }

    /// An optional string.
    pub fn opt_string(&mut self, field: &str) -> Result<Option<String>, AdapterError> {
        match self.row.take(field) {
            Some(Value::String(s)) => Ok(Some(s)),
            None | Some(Value::Null) => Ok(None),
            Some(_) => Err(self.missing(field, "a string or null")),
        }
    }

    /// An optional JSON document (backends without a JSON type may hand back its text).
    pub fn opt_json(&mut self, field: &str) -> Result<Option<serde_json::Value>, AdapterError> {
        match self.row.take(field) {
            Some(Value::Json(v)) => Ok(Some(v)),
            Some(Value::String(s)) => serde_json::from_str(&s)
                .map(Some)
                .map_err(|_| self.missing(field, "a JSON document")),
            None | Some(Value::Null) => Ok(None),
            Some(_) => Err(self.missing(field, "a JSON document or null")),
        }
    }

    /// A required boolean.
    pub fn bool(&mut self, field: &str) -> Result<bool, AdapterError> {
        match self.row.take(field) {
            Some(Value::Bool(b)) => Ok(b),
            Some(Value::Int(n)) => Ok(n != 0),
            _ => Err(self.missing(field, "a boolean")),
        }
    }

    /// A required timestamp.
    pub fn date(&mut self, field: &str) -> Result<OffsetDateTime, AdapterError> {
        match self.row.take(field) {
            Some(Value::Timestamp(t)) => Ok(t),
            _ => Err(self.missing(field, "a timestamp")),
        }
    }

    /// An optional timestamp.
    pub fn opt_date(&mut self, field: &str) -> Result<Option<OffsetDateTime>, AdapterError> {
        match self.row.take(field) {
            Some(Value::Timestamp(t)) => Ok(Some(t)),
            None | Some(Value::Null) => Ok(None),
            Some(_) => Err(self.missing(field, "a timestamp or null")),
        }
    }

    /// A required integer.
    pub fn int(&mut self, field: &str) -> Result<i64, AdapterError> {
        match self.row.take(field) {
            Some(Value::Int(n)) => Ok(n),
            _ => Err(self.missing(field, "an integer")),
        }
    }

    /// An optional integer.
    pub fn opt_int(&mut self, field: &str) -> Result<Option<i64>, AdapterError> {
        match self.row.take(field) {
            Some(Value::Int(n)) => Ok(Some(n)),
            None | Some(Value::Null) => Ok(None),
            Some(_) => Err(self.missing(field, "an integer or null")),
        }
    }

    /// An optional boolean.
    pub fn opt_bool(&mut self, field: &str) -> Result<Option<bool>, AdapterError> {
        match self.row.take(field) {
            Some(Value::Bool(b)) => Ok(Some(b)),
            Some(Value::Int(n)) => Ok(Some(n != 0)),
            None | Some(Value::Null) => Ok(None),
            Some(_) => Err(self.missing(field, "a boolean or null")),
        }
    }

    /// The fields nobody took: plugin and additional fields.
    pub fn rest(self) -> Row {
        self.row
    }
}

/// JSON encoding of model values, as upstream's JSON (dates as `2026-01-01T00:00:00.000Z`).
pub mod wire {
    use serde::Serializer;
    use time::OffsetDateTime;
    use time::format_description::well_known::Iso8601;
    use time::format_description::well_known::iso8601::{Config, EncodedConfig, TimePrecision};

    use crate::adapter::{Row, Value};

    const JS_DATE: EncodedConfig = Config::DEFAULT
        .set_time_precision(TimePrecision::Second {
            decimal_digits: std::num::NonZeroU8::new(3),
        })
        .encode();

    /// Formats a timestamp as JavaScript's `Date.prototype.toISOString` does.
    pub fn format_date(t: OffsetDateTime) -> String {
        let utc = t.to_offset(time::UtcOffset::UTC);
        utc.format(&Iso8601::<JS_DATE>).unwrap_or_default()
    }

    /// Parses an ISO-8601 / RFC 3339 timestamp.
    pub fn parse_date(s: &str) -> Option<OffsetDateTime> {
        OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
            .ok()
            .map(crate::clock::truncate_to_millis)
    }

    /// `serialize_with` for a timestamp.
    pub fn date<S: Serializer>(t: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_date(*t))
    }

    /// `serialize_with` for an optional timestamp.
    pub fn opt_date<S: Serializer>(t: &Option<OffsetDateTime>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_str(&format_date(*t)),
            None => s.serialize_none(),
        }
    }

    /// A stored value as JSON.
    pub fn value_to_json(v: &Value) -> serde_json::Value {
        match v {
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Int(n) => serde_json::Value::from(*n),
            Value::Float(x) => serde_json::Value::from(*x),
            Value::String(s) => serde_json::Value::String(s.clone()),
            Value::Timestamp(t) => serde_json::Value::String(format_date(*t)),
            Value::Json(j) => j.clone(),
            Value::StringList(l) => serde_json::Value::from(l.clone()),
            Value::NumberList(l) => serde_json::Value::from(l.clone()),
            _ => serde_json::Value::Null,
        }
    }

    /// `serialize_with` that flattens extra fields into the object.
    pub fn extra<S: Serializer>(row: &Row, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(row.len()))?;
        for (k, v) in row.iter() {
            map.serialize_entry(k, &value_to_json(v))?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::wire::{format_date, parse_date};

    #[test]
    fn dates_format_like_javascript() {
        assert_eq!(
            format_date(datetime!(2026-01-02 03:04:05.006 UTC)),
            "2026-01-02T03:04:05.006Z"
        );
        assert_eq!(
            format_date(datetime!(2026-01-02 03:04:05 UTC)),
            "2026-01-02T03:04:05.000Z"
        );
        assert_eq!(
            parse_date("2026-01-02T03:04:05.006Z"),
            Some(datetime!(2026-01-02 03:04:05.006 UTC))
        );
    }
}
