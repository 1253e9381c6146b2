//! `MySQL`/`MariaDB` quirks: binary-collated strings, UTC `DATETIME`s, JSON as text, error numbers.

use bulwark_core::schema::{FieldType, ModelDef};
use bulwark_core::{AdapterError, AdapterErrorKind, Row, Value};
use sqlx::mysql::{MySqlDatabaseError, MySqlRow};
use sqlx::{Row as _, TypeInfo as _, ValueRef as _};
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::codec::{decode_json_text, to_millis_utc, wrong_type};
use crate::driver_error;

/// The collation of every table: byte-exact, so `Case::Sensitive` comparisons agree with the other
/// backends (case-insensitive ones go through lower-cased generated columns).
pub(crate) const COLLATION: &str = "utf8mb4_bin";

/// Decodes a row selected with every column of `model`, in field order.
pub(crate) fn decode_row(row: &MySqlRow, model: &ModelDef) -> Result<Row, AdapterError> {
    let mut out = Row::new();
    for (i, field) in model.fields.iter().enumerate() {
        let raw = row.try_get_raw(i).map_err(error)?;
        if raw.is_null() {
            out.set(field.name.clone(), Value::Null);
            continue;
        }
        let stored = raw.type_info().name().to_owned();
        let bad = |_| wrong_type(field, &stored);
        // Binary collations set the column's BINARY flag, which sqlx's checked `String` decoding
        // refuses; the bytes are still UTF-8 text.
        let text = || row.try_get_unchecked::<String, _>(i).map_err(bad);
        let is_text = matches!(
            stored.as_str(),
            "VARCHAR"
                | "CHAR"
                | "TEXT"
                | "TINYTEXT"
                | "MEDIUMTEXT"
                | "LONGTEXT"
                | "VARBINARY"
                | "BINARY"
                | "BLOB"
                | "TINYBLOB"
                | "MEDIUMBLOB"
                | "LONGBLOB"
                | "JSON"
        );
        let value = match (field.ty, stored.as_str()) {
            (FieldType::String, _) if is_text => Value::String(text()?),
            (FieldType::Number, "BIGINT") => Value::Int(row.try_get::<i64, _>(i).map_err(bad)?),
            (FieldType::Number, "INT" | "MEDIUMINT") => {
                Value::Int(i64::from(row.try_get::<i32, _>(i).map_err(bad)?))
            }
            (FieldType::Float, "DOUBLE") => Value::Float(row.try_get::<f64, _>(i).map_err(bad)?),
            (FieldType::Float, "FLOAT") => {
                Value::Float(f64::from(row.try_get::<f32, _>(i).map_err(bad)?))
            }
            (FieldType::Boolean, "BOOLEAN") => Value::Bool(row.try_get::<bool, _>(i).map_err(bad)?),
            (FieldType::Boolean, "TINYINT") => {
                Value::Bool(row.try_get::<i8, _>(i).map_err(bad)? != 0)
            }
            (FieldType::Date, "DATETIME") => Value::Timestamp(to_millis_utc(
                row.try_get::<PrimitiveDateTime, _>(i)
                    .map_err(bad)?
                    .assume_utc(),
            )),
            (FieldType::Date, "TIMESTAMP") => Value::Timestamp(to_millis_utc(
                row.try_get::<OffsetDateTime, _>(i).map_err(bad)?,
            )),
            (FieldType::Json | FieldType::StringList | FieldType::NumberList, _) if is_text => {
                decode_json_text(field, &text()?)?
            }
            _ => return Err(wrong_type(field, &stored)),
        };
        out.set(field.name.clone(), value);
    }
    Ok(out)
}

/// Maps a `MySQL`/`MariaDB` error to its portable kind by error number.
pub(crate) fn error(err: sqlx::Error) -> AdapterError {
    let sqlx::Error::Database(db) = &err else {
        return driver_error(err);
    };
    let number = db
        .try_downcast_ref::<MySqlDatabaseError>()
        .map_or(0, MySqlDatabaseError::number);
    let kind = match number {
        1062 | 1586 => AdapterErrorKind::UniqueViolation,
        1451 | 1452 | 1216 | 1217 => AdapterErrorKind::ForeignKeyViolation,
        1048 | 1364 | 3819 | 4025 => AdapterErrorKind::ConstraintViolation,
        1213 | 1205 => AdapterErrorKind::SerializationFailure,
        1040 | 1053 | 1927 => AdapterErrorKind::Unavailable,
        _ => AdapterErrorKind::Other,
    };
    AdapterError::new(kind, format!("mysql error {number}"))
}
