//! Conversions between core [`Value`]s and SQL values shared by every backend: encoding by the schema's
//! field type and the dialect, and decoding of JSON-shaped columns.

use bulwark_core::schema::{FieldDef, FieldType};
use bulwark_core::{AdapterError, Value};
use sea_query::Value as SqlValue;
use time::{OffsetDateTime, UtcOffset};

use crate::dialect::Dialect;
use crate::sqlite;

/// The bound value for `value` stored in `field`.
pub(crate) fn encode(
    dialect: Dialect,
    field: &FieldDef,
    value: &Value,
) -> Result<SqlValue, AdapterError> {
    let mismatch = || {
        AdapterError::unsupported(format!(
            "a {} value cannot be stored in field `{}`",
            value.kind(),
            field.name
        ))
    };
    if value.is_null() {
        return Ok(null(dialect, field.ty));
    }
    Ok(match field.ty {
        FieldType::String => match value {
            Value::String(s) => SqlValue::String(Some(Box::new(s.clone()))),
            _ => return Err(mismatch()),
        },
        FieldType::Number => match value {
            Value::Int(n) => SqlValue::BigInt(Some(*n)),
            _ => return Err(mismatch()),
        },
        FieldType::Float => match value {
            Value::Float(x) => SqlValue::Double(Some(*x)),
            #[expect(
                clippy::cast_precision_loss,
                reason = "an integer stored in a float field is a float from then on"
            )]
            Value::Int(n) => SqlValue::Double(Some(*n as f64)),
            _ => return Err(mismatch()),
        },
        FieldType::Boolean => match value {
            Value::Bool(b) => SqlValue::Bool(Some(*b)),
            _ => return Err(mismatch()),
        },
        FieldType::Date => match value {
            Value::Timestamp(t) => timestamp(dialect, *t),
            _ => return Err(mismatch()),
        },
        FieldType::Json => match value {
            Value::Json(v) => json(dialect, v.clone()),
            Value::StringList(v) => json(dialect, serde_json::Value::from(v.clone())),
            Value::NumberList(v) => json(dialect, serde_json::Value::from(v.clone())),
            _ => return Err(mismatch()),
        },
        FieldType::StringList => match value {
            Value::StringList(v) => json(dialect, serde_json::Value::from(v.clone())),
            Value::Json(v @ serde_json::Value::Array(_)) => json(dialect, v.clone()),
            _ => return Err(mismatch()),
        },
        FieldType::NumberList => match value {
            Value::NumberList(v) => json(dialect, serde_json::Value::from(v.clone())),
            Value::Json(v @ serde_json::Value::Array(_)) => json(dialect, v.clone()),
            _ => return Err(mismatch()),
        },
        _ => return Err(mismatch()),
    })
}

/// The elements of an `In`/`NotIn` list, each encoded for `field`.
pub(crate) fn encode_list(
    dialect: Dialect,
    field: &FieldDef,
    value: &Value,
) -> Result<Vec<SqlValue>, AdapterError> {
    match value {
        Value::StringList(items) => items
            .iter()
            .map(|s| encode(dialect, field, &Value::String(s.clone())))
            .collect(),
        Value::NumberList(items) => items
            .iter()
            .map(|n| encode(dialect, field, &Value::Int(*n)))
            .collect(),
        _ => Err(AdapterError::unsupported(format!(
            "`in` and `not in` need a list value for field `{}`",
            field.name
        ))),
    }
}

/// A timestamp in UTC, truncated to milliseconds: the precision every backend stores.
pub(crate) fn to_millis_utc(t: OffsetDateTime) -> OffsetDateTime {
    let t = t.to_offset(UtcOffset::UTC);
    let millis = t.nanosecond() / 1_000_000 * 1_000_000;
    t.replace_nanosecond(millis).unwrap_or(t)
}

fn timestamp(dialect: Dialect, t: OffsetDateTime) -> SqlValue {
    let t = to_millis_utc(t);
    match dialect {
        Dialect::Sqlite => SqlValue::String(Some(Box::new(sqlite::format_timestamp(t)))),
        Dialect::Postgres => SqlValue::TimeDateTimeWithTimeZone(Some(Box::new(t))),
        // DATETIME has no zone: store the UTC wall clock, independent of the session time zone.
        Dialect::Mysql => SqlValue::TimeDateTime(Some(Box::new(time::PrimitiveDateTime::new(
            t.date(),
            t.time(),
        )))),
    }
}

fn json(dialect: Dialect, v: serde_json::Value) -> SqlValue {
    match dialect {
        Dialect::Postgres => SqlValue::Json(Some(Box::new(v))),
        Dialect::Sqlite | Dialect::Mysql => SqlValue::String(Some(Box::new(v.to_string()))),
    }
}

fn null(dialect: Dialect, ty: FieldType) -> SqlValue {
    match ty {
        FieldType::Number => SqlValue::BigInt(None),
        FieldType::Float => SqlValue::Double(None),
        FieldType::Boolean => SqlValue::Bool(None),
        FieldType::Date => match dialect {
            Dialect::Sqlite => SqlValue::String(None),
            Dialect::Postgres => SqlValue::TimeDateTimeWithTimeZone(None),
            Dialect::Mysql => SqlValue::TimeDateTime(None),
        },
        FieldType::Json | FieldType::StringList | FieldType::NumberList
            if dialect == Dialect::Postgres =>
        {
            SqlValue::Json(None)
        }
        _ => SqlValue::String(None),
    }
}

/// The value of a JSON-shaped field (`Json`, `StringList`, `NumberList`) from its JSON document.
pub(crate) fn decode_json(field: &FieldDef, doc: serde_json::Value) -> Result<Value, AdapterError> {
    let bad = || AdapterError::decode(format!("field `{}` does not hold a list", field.name));
    match field.ty {
        FieldType::StringList => match doc {
            serde_json::Value::Array(items) => items
                .into_iter()
                .map(|item| match item {
                    serde_json::Value::String(s) => Ok(s),
                    _ => Err(bad()),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Value::StringList),
            _ => Err(bad()),
        },
        FieldType::NumberList => match doc {
            serde_json::Value::Array(items) => items
                .into_iter()
                .map(|item| item.as_i64().ok_or_else(bad))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::NumberList),
            _ => Err(bad()),
        },
        _ => Ok(Value::Json(doc)),
    }
}

/// The value of a JSON-shaped field from its text form.
pub(crate) fn decode_json_text(field: &FieldDef, text: &str) -> Result<Value, AdapterError> {
    let doc = serde_json::from_str(text).map_err(|_| {
        AdapterError::decode(format!("field `{}` does not hold valid json", field.name))
    })?;
    decode_json(field, doc)
}

/// The `Decode` error for a column whose stored type does not fit its field.
pub(crate) fn wrong_type(field: &FieldDef, stored: &str) -> AdapterError {
    AdapterError::decode(format!(
        "field `{}` holds a {stored} value, which does not fit its type",
        field.name
    ))
}
