//! Request bodies with upstream's validation messages (zod's words), including the nested paths and
//! union shapes the organization endpoints use (`[body.data.name]`, `role: string | string[]`).
//!
//! Problems are collected in schema order and reported together as one `400 VALIDATION_ERROR`.

use bulwark_core::ApiError;
use bulwark_core::adapter::Row;
use bulwark_core::endpoint::RequestCtx;
use bulwark_core::error::codes as core_codes;
use bulwark_core::schema::FieldType;
use http::StatusCode;
use serde_json::{Map, Value};

use crate::fields::{AdditionalField, expected};

/// An optional, nullable field: absent, `null`, or a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Nullish {
    /// The field is not there.
    Absent,
    /// The field is `null`.
    Null,
    /// The field has a value.
    Set(String),
}

impl Nullish {
    /// The value, if set.
    pub(crate) fn value(self) -> Option<String> {
        match self {
            Self::Set(v) => Some(v),
            Self::Absent | Self::Null => None,
        }
    }
}

/// A parsed JSON object body and the problems found so far.
#[derive(Debug, Default)]
pub(crate) struct Input {
    map: Map<String, Value>,
    problems: Vec<String>,
}

fn kind(v: Option<&Value>) -> &'static str {
    match v {
        None => "undefined",
        Some(Value::Null) => "null",
        Some(Value::Bool(_)) => "boolean",
        Some(Value::Number(_)) => "number",
        Some(Value::String(_)) => "string",
        Some(Value::Array(_)) => "array",
        Some(Value::Object(_)) => "object",
    }
}

fn validation_error(message: String) -> ApiError {
    ApiError::with_message(
        StatusCode::BAD_REQUEST,
        core_codes::VALIDATION_ERROR,
        message,
    )
}

impl Input {
    /// Parses the JSON body of `req`; a missing or non-object body fails at once.
    pub(crate) fn parse(req: &RequestCtx) -> Result<Self, ApiError> {
        match req.json_value(&["application/json"])? {
            Some(Value::Object(map)) => Ok(Self {
                map,
                problems: Vec::new(),
            }),
            other => Err(validation_error(format!(
                "[body] Invalid input: expected object, received {}",
                kind(other.as_ref())
            ))),
        }
    }

    /// The raw map (for whole-body checks).
    pub(crate) fn map(&self) -> &Map<String, Value> {
        &self.map
    }

    fn expected(&mut self, path: &str, expected: &str, got: Option<&Value>) {
        let received = kind(got);
        self.problems.push(format!(
            "[{path}] Invalid input: expected {expected}, received {received}"
        ));
    }

    /// Records a problem in upstream's words.
    pub(crate) fn problem(&mut self, message: impl Into<String>) {
        self.problems.push(message.into());
    }

    fn value<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
        map.get(key)
    }

    /// A required string at `path` (`body.x` or `body.data.x`) of `map`.
    fn string_in(&mut self, map: &Map<String, Value>, path: &str, key: &str) -> Option<String> {
        match Self::value(map, key) {
            Some(Value::String(s)) => Some(s.clone()),
            other => {
                let other = other.cloned();
                self.expected(&format!("{path}.{key}"), "string", other.as_ref());
                None
            }
        }
    }

    /// A required string field.
    pub(crate) fn string(&mut self, key: &str) -> Option<String> {
        let map = std::mem::take(&mut self.map);
        let value = self.string_in(&map, "body", key);
        self.map = map;
        value
    }

    /// A required string of at least one character.
    pub(crate) fn nonempty_string(&mut self, key: &str) -> Option<String> {
        let value = self.string(key)?;
        if value.is_empty() {
            self.too_small(&format!("body.{key}"));
        }
        Some(value)
    }

    fn too_small(&mut self, path: &str) {
        self.problems.push(format!(
            "[{path}] Too small: expected string to have >=1 characters"
        ));
    }

    /// An optional string field (absent is `None`; `null` is a type error).
    pub(crate) fn opt_string(&mut self, key: &str) -> Option<String> {
        let map = std::mem::take(&mut self.map);
        let value = opt_string_in(self, &map, "body", key, false).value();
        self.map = map;
        value
    }

    /// An optional, nullable string field.
    pub(crate) fn nullish_string(&mut self, key: &str) -> Nullish {
        let map = std::mem::take(&mut self.map);
        let value = opt_string_in(self, &map, "body", key, true);
        self.map = map;
        value
    }

    /// An optional string coerced from any scalar (zod's `z.coerce.string()`).
    pub(crate) fn coerced_string(&mut self, key: &str) -> Option<String> {
        match self.map.get(key) {
            None => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Null) => Some("null".to_owned()),
            Some(other) => Some(other.to_string()),
        }
    }

    /// An optional boolean field.
    pub(crate) fn opt_bool(&mut self, key: &str) -> Option<bool> {
        match self.map.get(key).cloned() {
            None => None,
            Some(Value::Bool(b)) => Some(b),
            other => {
                self.expected(&format!("body.{key}"), "boolean", other.as_ref());
                None
            }
        }
    }

    /// An optional record (JSON object) field.
    pub(crate) fn opt_record(&mut self, key: &str) -> Option<Map<String, Value>> {
        let map = std::mem::take(&mut self.map);
        let value = opt_record_in(self, &map, "body", key);
        self.map = map;
        value
    }

    /// A required `string | string[]` field, joined with `,` as upstream's `parseRoles` does.
    pub(crate) fn roles(&mut self, key: &str) -> Option<Vec<String>> {
        match self.map.get(key) {
            Some(Value::String(s)) => Some(vec![s.clone()]),
            Some(Value::Array(items)) if items.iter().all(Value::is_string) => Some(
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect(),
            ),
            _ => {
                self.problems.push(format!("[body.{key}] Invalid input"));
                None
            }
        }
    }

    /// A required object field whose members are read with `read`, reported under `body.<key>`.
    pub(crate) fn object<T>(
        &mut self,
        key: &str,
        read: impl FnOnce(&mut Self, &Map<String, Value>, &str) -> T,
    ) -> Option<T> {
        let map = std::mem::take(&mut self.map);
        let result = match map.get(key) {
            Some(Value::Object(inner)) => Some(read(self, inner, &format!("body.{key}"))),
            other => {
                let other = other.cloned();
                self.expected(&format!("body.{key}"), "object", other.as_ref());
                None
            }
        };
        self.map = map;
        result
    }

    /// An optional non-empty string inside a nested object.
    pub(crate) fn nested_nonempty(
        &mut self,
        map: &Map<String, Value>,
        path: &str,
        key: &str,
    ) -> Option<String> {
        let value = opt_string_in(self, map, path, key, false).value()?;
        if value.is_empty() {
            self.too_small(&format!("{path}.{key}"));
        }
        Some(value)
    }

    /// An optional, nullable string inside a nested object.
    pub(crate) fn nested_nullish(
        &mut self,
        map: &Map<String, Value>,
        path: &str,
        key: &str,
    ) -> Nullish {
        opt_string_in(self, map, path, key, true)
    }

    /// An optional record inside a nested object.
    pub(crate) fn nested_record(
        &mut self,
        map: &Map<String, Value>,
        path: &str,
        key: &str,
    ) -> Option<Map<String, Value>> {
        opt_record_in(self, map, path, key)
    }

    /// The additional fields that accept input, from the body's top level.
    pub(crate) fn additional(&mut self, fields: &[AdditionalField]) -> Row {
        let map = std::mem::take(&mut self.map);
        let row = self.additional_in(&map, "body", fields, false);
        self.map = map;
        row
    }

    /// The additional fields that accept input, from `map` at `path`, each checked against its type
    /// (zod's messages). A required one must be there unless `partial` (an update's `data`); an optional
    /// one may be `null`. Fields without `input` are ignored, as zod strips unknown keys.
    pub(crate) fn additional_in(
        &mut self,
        map: &Map<String, Value>,
        path: &str,
        fields: &[AdditionalField],
        partial: bool,
    ) -> Row {
        let mut row = Row::new();
        for field in fields.iter().filter(|f| f.input) {
            let at = format!("{path}.{}", field.name);
            let Some(json) = map.get(&field.name) else {
                if field.required && !partial {
                    self.expected(&at, expected(field), None);
                }
                continue;
            };
            if let Some(value) = field.value_from_json(json) {
                row.set(field.name.as_str(), value);
                continue;
            }
            let item_type = match field.ty {
                FieldType::StringList => Some("string"),
                FieldType::NumberList => Some("int"),
                _ => None,
            };
            if let (Some(item_type), Value::Array(items)) = (item_type, json) {
                let fits = |item: &Value| match field.ty {
                    FieldType::StringList => item.is_string(),
                    _ => item.as_i64().is_some(),
                };
                if let Some((index, item)) = items.iter().enumerate().find(|(_, i)| !fits(i)) {
                    self.expected(&format!("{at}.{index}"), item_type, Some(item));
                    continue;
                }
            }
            self.expected(&at, expected(field), Some(json));
        }
        row
    }

    /// Fails with upstream's validation error when anything was invalid.
    pub(crate) fn finish(self) -> Result<Map<String, Value>, ApiError> {
        if self.problems.is_empty() {
            return Ok(self.map);
        }
        Err(validation_error(self.problems.join("; ")))
    }
}

fn opt_string_in(
    input: &mut Input,
    map: &Map<String, Value>,
    path: &str,
    key: &str,
    nullable: bool,
) -> Nullish {
    match map.get(key) {
        None => Nullish::Absent,
        Some(Value::String(s)) => Nullish::Set(s.clone()),
        Some(Value::Null) if nullable => Nullish::Null,
        other => {
            input.expected(&format!("{path}.{key}"), "string", other);
            Nullish::Absent
        }
    }
}

fn opt_record_in(
    input: &mut Input,
    map: &Map<String, Value>,
    path: &str,
    key: &str,
) -> Option<Map<String, Value>> {
    match map.get(key) {
        None => None,
        Some(Value::Object(m)) => Some(m.clone()),
        other => {
            input.expected(&format!("{path}.{key}"), "record", other);
            None
        }
    }
}
