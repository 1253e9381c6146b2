//! `PostgreSQL` quirks: decoding by the stored column type, and SQLSTATE → portable error kinds.

use bulwark_core::schema::{FieldType, ModelDef};
use bulwark_core::{AdapterError, AdapterErrorKind, Row, Value};
use sqlx::postgres::PgRow;
use sqlx::{Row as _, TypeInfo as _, ValueRef as _};
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::codec::{decode_json, decode_json_text, to_millis_utc, wrong_type};
use crate::driver_error;

/// Opens the savepoint that guards one write inside a transaction: a failed statement aborts a whole
/// `PostgreSQL` transaction, while the other backends keep it usable, so each write gets a savepoint.
pub(crate) const SAVEPOINT: &str = "SAVEPOINT bulwark_write";
/// Keeps the guarded write.
pub(crate) const RELEASE: &str = "RELEASE SAVEPOINT bulwark_write";
/// Undoes the failed write and leaves the transaction usable.
pub(crate) const ROLLBACK_TO: &str = "ROLLBACK TO SAVEPOINT bulwark_write";

/// Decodes a row selected with every column of `model`, in field order.
pub(crate) fn decode_row(row: &PgRow, model: &ModelDef) -> Result<Row, AdapterError> {
    let mut out = Row::new();
    for (i, field) in model.fields.iter().enumerate() {
        let raw = row.try_get_raw(i).map_err(error)?;
        if raw.is_null() {
            out.set(field.name.clone(), Value::Null);
            continue;
        }
        let stored = raw.type_info().name().to_owned();
        let bad = |_| wrong_type(field, &stored);
        let value = match (field.ty, stored.as_str()) {
            (FieldType::String, "TEXT" | "VARCHAR" | "BPCHAR" | "NAME" | "CITEXT") => {
                Value::String(row.try_get::<String, _>(i).map_err(bad)?)
            }
            (FieldType::Number, "INT8") => Value::Int(row.try_get::<i64, _>(i).map_err(bad)?),
            (FieldType::Number, "INT4") => {
                Value::Int(i64::from(row.try_get::<i32, _>(i).map_err(bad)?))
            }
            (FieldType::Number, "INT2") => {
                Value::Int(i64::from(row.try_get::<i16, _>(i).map_err(bad)?))
            }
            (FieldType::Float, "FLOAT8") => Value::Float(row.try_get::<f64, _>(i).map_err(bad)?),
            (FieldType::Float, "FLOAT4") => {
                Value::Float(f64::from(row.try_get::<f32, _>(i).map_err(bad)?))
            }
            (FieldType::Float, "INT8") => {
                #[expect(
                    clippy::cast_precision_loss,
                    reason = "a float field read from an integer column"
                )]
                let x = row.try_get::<i64, _>(i).map_err(bad)? as f64;
                Value::Float(x)
            }
            (FieldType::Boolean, "BOOL") => Value::Bool(row.try_get::<bool, _>(i).map_err(bad)?),
            (FieldType::Date, "TIMESTAMPTZ") => Value::Timestamp(to_millis_utc(
                row.try_get::<OffsetDateTime, _>(i).map_err(bad)?,
            )),
            (FieldType::Date, "TIMESTAMP") => Value::Timestamp(to_millis_utc(
                row.try_get::<PrimitiveDateTime, _>(i)
                    .map_err(bad)?
                    .assume_utc(),
            )),
            (FieldType::Json | FieldType::StringList | FieldType::NumberList, "JSONB" | "JSON") => {
                decode_json(field, row.try_get::<serde_json::Value, _>(i).map_err(bad)?)?
            }
            (FieldType::Json | FieldType::StringList | FieldType::NumberList, "TEXT") => {
                decode_json_text(field, &row.try_get::<String, _>(i).map_err(bad)?)?
            }
            _ => return Err(wrong_type(field, &stored)),
        };
        out.set(field.name.clone(), value);
    }
    Ok(out)
}

/// Maps a `PostgreSQL` error to its portable kind by SQLSTATE.
pub(crate) fn error(err: sqlx::Error) -> AdapterError {
    let sqlx::Error::Database(db) = &err else {
        return driver_error(err);
    };
    let code = db
        .code()
        .map(std::borrow::Cow::into_owned)
        .unwrap_or_default();
    let kind = match code.as_str() {
        "23505" => AdapterErrorKind::UniqueViolation,
        "23503" => AdapterErrorKind::ForeignKeyViolation,
        "23502" | "23514" => AdapterErrorKind::ConstraintViolation,
        "40001" | "40P01" | "55P03" => AdapterErrorKind::SerializationFailure,
        "53300" | "57P01" | "57P02" | "57P03" => AdapterErrorKind::Unavailable,
        c if c.starts_with("08") => AdapterErrorKind::Unavailable,
        _ => AdapterErrorKind::Other,
    };
    let message = match db.constraint() {
        Some(constraint) => format!("sqlstate {code} on constraint `{constraint}`"),
        None => format!("sqlstate {code}"),
    };
    AdapterError::new(kind, message)
}
