//! Storage values and rows: the closed set of values an [`Adapter`](super::Adapter) reads and writes.

use std::collections::BTreeMap;
use std::fmt;

use time::OffsetDateTime;

/// One stored value.
///
/// The set is closed on purpose: every backend maps each variant to one column type, so a plugin can never
/// ask a backend for something it cannot store. Timestamps are UTC with millisecond precision, like the
/// JavaScript `Date` upstream stores.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub enum Value {
    /// SQL `NULL` / JSON `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A signed 64-bit integer.
    Int(i64),
    /// A double-precision float.
    Float(f64),
    /// A UTF-8 string.
    String(String),
    /// A UTC instant, millisecond precision.
    Timestamp(OffsetDateTime),
    /// A JSON document.
    Json(serde_json::Value),
    /// A list of strings (upstream's `string[]` field type).
    StringList(Vec<String>),
    /// A list of integers (upstream's `number[]` field type).
    NumberList(Vec<i64>),
}

impl Value {
    /// Whether this is [`Value::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// The string inside, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(s) => Some(s),
            _ => None,
        }
    }

    /// The integer inside, if this is an integer.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Self::Int(n) => Some(*n),
            _ => None,
        }
    }

    /// The boolean inside, if this is a boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Self::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The timestamp inside, if this is a timestamp.
    pub fn as_timestamp(&self) -> Option<OffsetDateTime> {
        match self {
            Self::Timestamp(t) => Some(*t),
            _ => None,
        }
    }

    /// The JSON document inside, if this is JSON.
    pub fn as_json(&self) -> Option<&serde_json::Value> {
        match self {
            Self::Json(v) => Some(v),
            _ => None,
        }
    }

    /// A short name of the variant, for error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Null => "null",
            Self::Bool(_) => "boolean",
            Self::Int(_) => "integer",
            Self::Float(_) => "float",
            Self::String(_) => "string",
            Self::Timestamp(_) => "timestamp",
            Self::Json(_) => "json",
            Self::StringList(_) => "string list",
            Self::NumberList(_) => "number list",
        }
    }
}

impl fmt::Debug for Value {
    // Values may hold secrets (token digests, password hashes), so `Debug` shows the kind only for strings
    // and JSON; numbers, booleans and timestamps are harmless and shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Null => f.write_str("Null"),
            Self::Bool(b) => write!(f, "Bool({b})"),
            Self::Int(n) => write!(f, "Int({n})"),
            Self::Float(x) => write!(f, "Float({x})"),
            Self::Timestamp(t) => write!(f, "Timestamp({t})"),
            Self::String(s) => write!(f, "String(<{} bytes>)", s.len()),
            Self::Json(_) => f.write_str("Json(..)"),
            Self::StringList(v) => write!(f, "StringList(<{} items>)", v.len()),
            Self::NumberList(v) => write!(f, "NumberList({v:?})"),
        }
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Self::Bool(v)
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Self::Int(v)
    }
}

impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Self::Float(v)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Self::String(v.to_owned())
    }
}

impl From<String> for Value {
    fn from(v: String) -> Self {
        Self::String(v)
    }
}

impl From<OffsetDateTime> for Value {
    fn from(v: OffsetDateTime) -> Self {
        Self::Timestamp(v)
    }
}

impl From<serde_json::Value> for Value {
    fn from(v: serde_json::Value) -> Self {
        Self::Json(v)
    }
}

impl From<Vec<String>> for Value {
    fn from(v: Vec<String>) -> Self {
        Self::StringList(v)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Self::Null, Into::into)
    }
}

/// One stored record: logical field name to value, ordered by field name.
///
/// Field names are the schema's logical names (`emailVerified`, `userId`); adapters translate them to
/// physical column names.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Row(BTreeMap<String, Value>);

impl Row {
    /// An empty row.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `field` to `value`, replacing any previous value.
    pub fn set(&mut self, field: impl Into<String>, value: impl Into<Value>) {
        self.0.insert(field.into(), value.into());
    }

    /// Builder form of [`Row::set`].
    #[must_use]
    pub fn with(mut self, field: impl Into<String>, value: impl Into<Value>) -> Self {
        self.set(field, value);
        self
    }

    /// The value of `field`, if present.
    pub fn get(&self, field: &str) -> Option<&Value> {
        self.0.get(field)
    }

    /// Removes and returns the value of `field`.
    pub fn take(&mut self, field: &str) -> Option<Value> {
        self.0.remove(field)
    }

    /// Whether `field` is present (even if null).
    pub fn contains(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }

    /// Iterates over `(field, value)` pairs in field-name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The number of fields.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the row has no fields.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Copies every field of `other` into `self`, replacing existing values.
    pub fn merge(&mut self, other: Row) {
        self.0.extend(other.0);
    }
}

impl FromIterator<(String, Value)> for Row {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}

impl IntoIterator for Row {
    type Item = (String, Value);
    type IntoIter = std::collections::btree_map::IntoIter<String, Value>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}
