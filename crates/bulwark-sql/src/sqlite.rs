//! `SQLite` quirks: connection pragmas, timestamps as fixed-width text, flexible decoding, error kinds.

use std::str::FromStr;
use std::time::Duration;

use bulwark_core::schema::{FieldType, ModelDef};
use bulwark_core::{AdapterError, AdapterErrorKind, Row, Value};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteRow, SqliteSynchronous};
use sqlx::{Row as _, TypeInfo as _, ValueRef as _};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::codec::{decode_json_text, to_millis_utc, wrong_type};
use crate::driver_error;

/// Connection options for `url`, and whether the database lives in memory.
pub(crate) fn connect_options(url: &str) -> Result<(SqliteConnectOptions, bool), AdapterError> {
    let in_memory = url.contains(":memory:") || url.contains("mode=memory");
    let mut options = SqliteConnectOptions::from_str(url)
        .map_err(|e| {
            AdapterError::new(AdapterErrorKind::Unsupported, "invalid sqlite url").with_source(e)
        })?
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5))
        .synchronous(SqliteSynchronous::Normal)
        // LIKE is ASCII case-insensitive by default; the adapter contract wants it exact.
        .pragma("case_sensitive_like", "ON")
        // Table statistics let the planner drive a semi-join (`id IN (SELECT … FROM child …)`) from
        // the child's index instead of walking every parent row: gather them when a pooled connection
        // closes (`PRAGMA optimize`, reading at most `analysis_limit` rows per index). Not when one
        // opens: `ANALYZE` writes, so it would wait for any open write transaction.
        .analysis_limit(400)
        .optimize_on_close(true, None);
    if !in_memory {
        options = options.journal_mode(SqliteJournalMode::Wal);
    }
    if !url.contains("mode=") {
        // A file URL without an explicit mode creates the database, like `mode=rwc`.
        options = options.create_if_missing(true);
    }
    Ok((options, in_memory))
}

/// `YYYY-MM-DDTHH:MM:SS.sssZ`: fixed width, so text order is time order.
pub(crate) fn format_timestamp(t: OffsetDateTime) -> String {
    let t = to_millis_utc(t);
    let format =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    t.format(&format).unwrap_or_else(|_| t.to_string())
}

/// Parses the timestamp forms found in `SQLite` databases: ours, RFC 3339, and `YYYY-MM-DD HH:MM:SS[.fff]`
/// (UTC), which `CURRENT_TIMESTAMP` and other tools write.
pub(crate) fn parse_timestamp(text: &str) -> Option<OffsetDateTime> {
    if let Ok(t) = OffsetDateTime::parse(text, &Rfc3339) {
        return Some(to_millis_utc(t));
    }
    let with_fraction =
        format_description!("[year]-[month]-[day] [hour]:[minute]:[second].[subsecond]");
    let plain = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    let text = text.replacen('T', " ", 1);
    PrimitiveDateTime::parse(&text, &with_fraction)
        .or_else(|_| PrimitiveDateTime::parse(&text, &plain))
        .ok()
        .map(|t| to_millis_utc(t.assume_utc()))
}

/// A timestamp stored as integer milliseconds since the Unix epoch.
fn timestamp_from_millis(millis: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000).ok()
}

/// Decodes a row selected with every column of `model`, in field order.
pub(crate) fn decode_row(row: &SqliteRow, model: &ModelDef) -> Result<Row, AdapterError> {
    let mut out = Row::new();
    for (i, field) in model.fields.iter().enumerate() {
        let raw = row.try_get_raw(i).map_err(error)?;
        if raw.is_null() {
            out.set(field.name.clone(), Value::Null);
            continue;
        }
        let stored = raw.type_info().name().to_owned();
        let text = || {
            row.try_get_unchecked::<String, _>(i)
                .map_err(|_| wrong_type(field, &stored))
        };
        let int = || {
            row.try_get_unchecked::<i64, _>(i)
                .map_err(|_| wrong_type(field, &stored))
        };
        let real = || {
            row.try_get_unchecked::<f64, _>(i)
                .map_err(|_| wrong_type(field, &stored))
        };
        let value = match (field.ty, stored.as_str()) {
            (FieldType::String, "TEXT") => Value::String(text()?),
            (FieldType::String, "INTEGER") => Value::String(int()?.to_string()),
            (FieldType::Number, "INTEGER") => Value::Int(int()?),
            (FieldType::Float, "REAL") => Value::Float(real()?),
            #[expect(
                clippy::cast_precision_loss,
                reason = "SQLite stores integral REAL values as integers"
            )]
            (FieldType::Float, "INTEGER") => Value::Float(int()? as f64),
            (FieldType::Boolean, "INTEGER") => Value::Bool(int()? != 0),
            (FieldType::Boolean, "TEXT") => match text()?.as_str() {
                "1" | "true" | "TRUE" => Value::Bool(true),
                "0" | "false" | "FALSE" => Value::Bool(false),
                _ => return Err(wrong_type(field, &stored)),
            },
            (FieldType::Date, "TEXT") => Value::Timestamp(
                parse_timestamp(&text()?).ok_or_else(|| wrong_type(field, &stored))?,
            ),
            (FieldType::Date, "INTEGER") => Value::Timestamp(
                timestamp_from_millis(int()?).ok_or_else(|| wrong_type(field, &stored))?,
            ),
            (FieldType::Json | FieldType::StringList | FieldType::NumberList, "TEXT") => {
                decode_json_text(field, &text()?)?
            }
            _ => return Err(wrong_type(field, &stored)),
        };
        out.set(field.name.clone(), value);
    }
    Ok(out)
}

/// Maps a `SQLite` error to its portable kind (extended result codes).
pub(crate) fn error(err: sqlx::Error) -> AdapterError {
    let sqlx::Error::Database(db) = &err else {
        return driver_error(err);
    };
    let code = db.code().and_then(|c| c.parse::<i32>().ok()).unwrap_or(0);
    let (kind, message) = match code {
        2067 | 1555 => (
            AdapterErrorKind::UniqueViolation,
            "unique constraint failed",
        ),
        787 => (
            AdapterErrorKind::ForeignKeyViolation,
            "foreign key constraint failed",
        ),
        // ON DELETE RESTRICT fails through SQLite's internal trigger machinery.
        1811 if db.message().contains("FOREIGN KEY") => (
            AdapterErrorKind::ForeignKeyViolation,
            "foreign key constraint failed",
        ),
        1811 => (
            AdapterErrorKind::ConstraintViolation,
            "constraint trigger failed",
        ),
        1299 | 275 => (
            AdapterErrorKind::ConstraintViolation,
            "not null or check constraint failed",
        ),
        // SQLITE_BUSY_SNAPSHOT: a read transaction went stale before writing; retrying succeeds.
        517 => (
            AdapterErrorKind::SerializationFailure,
            "database snapshot is stale",
        ),
        _ if code & 0xff == 5 || code & 0xff == 6 => {
            (AdapterErrorKind::Unavailable, "database is busy or locked")
        }
        _ => (AdapterErrorKind::Other, "sqlite error"),
    };
    AdapterError::new(kind, format!("{message} (sqlite code {code})"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn timestamps_are_fixed_width_and_round_trip() {
        let t = datetime!(2026-01-02 03:04:05.006 UTC);
        assert_eq!(format_timestamp(t), "2026-01-02T03:04:05.006Z");
        assert_eq!(
            format_timestamp(datetime!(2026-01-02 03:04:05 UTC)),
            "2026-01-02T03:04:05.000Z"
        );
        assert_eq!(parse_timestamp("2026-01-02T03:04:05.006Z"), Some(t));
    }

    #[test]
    fn other_timestamp_forms_decode() {
        let t = datetime!(2026-01-02 03:04:05 UTC);
        assert_eq!(parse_timestamp("2026-01-02 03:04:05"), Some(t));
        assert_eq!(parse_timestamp("2026-01-02T03:04:05+00:00"), Some(t));
        assert_eq!(parse_timestamp("2026-01-02T05:04:05+02:00"), Some(t));
        assert_eq!(
            parse_timestamp("2026-01-02 03:04:05.25"),
            Some(datetime!(2026-01-02 03:04:05.25 UTC))
        );
        assert_eq!(
            timestamp_from_millis(1_767_322_800_000),
            Some(datetime!(2026-01-02 03:00:00 UTC))
        );
        assert_eq!(parse_timestamp("yesterday"), None);
    }
}
