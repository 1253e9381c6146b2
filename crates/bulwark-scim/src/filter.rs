//! SCIM filters on Users, translated to adapter `Where` trees that run in the database.
//!
//! Every attribute that identity providers filter on is a column of `scimUser` or `scimEmail`, so a
//! filter becomes one query: `userName` compares its lower-cased key (case-insensitive, as RFC 7643
//! declares it, and `userName eq` uses the unique index), `emails` and value filters such as
//! `emails[type eq "work" and value co "@example.com"]` become an `Exists` over the connection's
//! `scimEmail` rows (the SQL adapter's `id IN (SELECT scimUserId FROM scimEmail WHERE connectionId = ?
//! AND …)`, so `emails.value eq` is a search of the `(connectionId, value)` index), and
//! `meta.created`/`meta.lastModified` compare timestamps. An attribute that is not stored as a column
//! answers 400 `invalidFilter` instead of being filtered in memory.
//!
//! Attributes of custom schema extensions declared in options are named by their URN-qualified path
//! (`urn:…:acme:2.0:User:badge eq "B-7"`) and become an `Exists` over `scimUserAttribute`, where each
//! single-valued extension attribute is a row keyed `<urn>:<name>` (lower-cased): strings compare with
//! `eq ne co sw ew` (case-insensitive ones through the folded copy), booleans with `eq ne`, integers
//! with `eq ne gt ge lt le` on the numeric `number` column (text would put `10` before `9`), and
//! timestamps with the same operators on their RFC 3339 UTC millisecond text, which sorts like the
//! instants. `pr` asks for the row, and every comparison (`ne` included) matches only Users that have
//! the attribute. Multi-valued extension attributes are not filterable, nor sortable.

use bulwark_core::adapter::{Case, Exists, Op, Value};
use bulwark_core::models::wire::format_date;
use bulwark_core::{Where, clock::truncate_to_millis};
use bulwark_scim_protocol::{AttrPath, CompareOp, CompareValue, Filter, Limits, urn};
use time::OffsetDateTime;

use crate::error::{ScimError, ScimType};
use crate::options::{AttributeKind, ExtensionAttribute, SchemaExtension};

/// The most results a list answers (`filter.maxResults` in `ServiceProviderConfig`).
pub const MAX_RESULTS: u64 = 100;

/// Parses `text` and translates it: the filter over `scimUser` rows of connection `connection_id`.
/// The `scimUser` rows' own connection scope is the caller's to add; the subqueries over `scimEmail` and
/// `scimUserAttribute` rows are scoped here, so they search the indexes that lead with `connectionId`.
/// `declared` are the custom schema extensions whose attributes may be named.
pub fn parse_user_filter(
    text: &str,
    connection_id: &str,
    declared: &[SchemaExtension],
) -> Result<Option<Where>, ScimError> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    let filter = Filter::parse_with(text, &Limits::DEFAULT).map_err(|e| {
        ScimError::bad_request(ScimType::InvalidFilter, format!("Invalid filter: {e}"))
    })?;
    user_where(&filter, connection_id, declared).map(Some)
}

/// The `Where` tree of a parsed filter over `scimUser` rows of connection `connection_id` (see
/// [`parse_user_filter`]).
pub fn user_where(
    filter: &Filter,
    connection_id: &str,
    declared: &[SchemaExtension],
) -> Result<Where, ScimError> {
    let recurse = |inner: &Filter| user_where(inner, connection_id, declared);
    match filter {
        Filter::And(left, right) => Ok(recurse(left)?.and(recurse(right)?)),
        Filter::Or(left, right) => Ok(recurse(left)?.or(recurse(right)?)),
        Filter::Not(inner) => Ok(recurse(inner)?.negate()),
        Filter::Present(path) => match extension_attribute(path, declared)? {
            Some((key, _)) => Ok(attributes_exist(connection_id, Where::eq("key", key))),
            None => present(path, connection_id),
        },
        Filter::Compare { path, op, value } => match extension_attribute(path, declared)? {
            Some((key, attribute)) => {
                let matches = extension_compare(attribute, path, *op, value)?;
                let row = Where::eq("key", key).and(matches);
                Ok(attributes_exist(connection_id, row))
            }
            None => compare(path, *op, value, connection_id),
        },
        Filter::ValuePath { attr, filter } => {
            let attribute = user_attribute(attr)?;
            if attribute != UserAttribute::Emails {
                return Err(unsupported(attr));
            }
            Ok(emails_exist(connection_id, Some(email_where(filter)?)))
        }
    }
}

/// A User attribute a filter may name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum UserAttribute {
    Id,
    UserName,
    ExternalId,
    DisplayName,
    GivenName,
    FamilyName,
    Active,
    Emails,
    Created,
    LastModified,
}

/// How a column compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// Case-exact text.
    Exact,
    /// Case-insensitive text.
    Text,
    /// Text already stored lower-cased (the value is lower-cased before comparing).
    Folded,
    /// A boolean.
    Boolean,
    /// A timestamp.
    Date,
}

impl UserAttribute {
    /// The `scimUser` column and how it compares (`None` for `emails`, which is a child table).
    fn column(self) -> Option<(&'static str, Kind)> {
        Some(match self {
            Self::Id => ("id", Kind::Exact),
            Self::UserName => ("userNameKey", Kind::Folded),
            Self::ExternalId => ("externalId", Kind::Exact),
            Self::DisplayName => ("displayName", Kind::Text),
            Self::GivenName => ("givenName", Kind::Text),
            Self::FamilyName => ("familyName", Kind::Text),
            Self::Active => ("active", Kind::Boolean),
            Self::Created => ("createdAt", Kind::Date),
            Self::LastModified => ("updatedAt", Kind::Date),
            Self::Emails => return None,
        })
    }
}

fn unsupported(path: &AttrPath) -> ScimError {
    ScimError::bad_request(
        ScimType::InvalidFilter,
        format!("filter attribute {path} is not supported for User"),
    )
}

/// The attribute `path` names (core URN prefix allowed, names case-insensitive). For `emails` the
/// sub-attribute is read by the caller.
fn user_attribute(path: &AttrPath) -> Result<UserAttribute, ScimError> {
    if path
        .urn()
        .is_some_and(|prefix| !prefix.eq_ignore_ascii_case(urn::CORE_USER))
    {
        return Err(unsupported(path));
    }
    let name = path.name().to_ascii_lowercase();
    let sub = path.sub_attr().map(str::to_ascii_lowercase);
    Ok(match (name.as_str(), sub.as_deref()) {
        ("id", None) => UserAttribute::Id,
        ("username", None) => UserAttribute::UserName,
        ("externalid", None) => UserAttribute::ExternalId,
        ("displayname", None) => UserAttribute::DisplayName,
        ("name", Some("givenname")) => UserAttribute::GivenName,
        ("name", Some("familyname")) => UserAttribute::FamilyName,
        ("active", None) => UserAttribute::Active,
        ("emails", _) => UserAttribute::Emails,
        ("meta", Some("created")) => UserAttribute::Created,
        ("meta", Some("lastmodified")) => UserAttribute::LastModified,
        _ => return Err(unsupported(path)),
    })
}

fn present(path: &AttrPath, connection_id: &str) -> Result<Where, ScimError> {
    let attribute = user_attribute(path)?;
    if attribute == UserAttribute::Emails {
        let sub = path.sub_attr().map(str::to_ascii_lowercase);
        return Ok(match sub.as_deref() {
            None | Some("value") => emails_exist(connection_id, None),
            Some(sub) => emails_exist(connection_id, Some(email_present(sub, path)?)),
        });
    }
    let Some((column, _)) = attribute.column() else {
        return Err(unsupported(path));
    };
    Ok(Where::cmp(column, Op::Ne, Value::Null))
}

fn compare(
    path: &AttrPath,
    op: CompareOp,
    value: &CompareValue,
    connection_id: &str,
) -> Result<Where, ScimError> {
    let attribute = user_attribute(path)?;
    if attribute == UserAttribute::Emails {
        let sub = path.sub_attr().unwrap_or("value");
        let matches = email_compare(sub, path, op, value)?;
        return Ok(emails_exist(connection_id, Some(matches)));
    }
    let Some((column, kind)) = attribute.column() else {
        return Err(unsupported(path));
    };
    column_compare(column, kind, path, op, value)
}

/// `column op value` for a column of `kind`.
fn column_compare(
    column: &str,
    kind: Kind,
    path: &AttrPath,
    op: CompareOp,
    value: &CompareValue,
) -> Result<Where, ScimError> {
    if *value == CompareValue::Null {
        return match op {
            CompareOp::Equal => Ok(Where::eq(column, Value::Null)),
            CompareOp::NotEqual => Ok(Where::cmp(column, Op::Ne, Value::Null)),
            _ => Err(invalid_value(path, op)),
        };
    }
    let operator = adapter_op(op);
    match kind {
        Kind::Exact | Kind::Text | Kind::Folded => {
            let text = value.as_str().ok_or_else(|| invalid_value(path, op))?;
            Ok(match kind {
                Kind::Folded => Where::cmp(column, operator, text.to_lowercase()),
                Kind::Text => Where::cmp_case(column, operator, text, Case::Insensitive),
                _ => Where::cmp(column, operator, text),
            })
        }
        Kind::Boolean => {
            let flag = match value {
                CompareValue::Bool(flag) => *flag,
                CompareValue::String(text) | CompareValue::Unquoted(text)
                    if text.eq_ignore_ascii_case("true") || text.eq_ignore_ascii_case("false") =>
                {
                    text.eq_ignore_ascii_case("true")
                }
                _ => return Err(invalid_value(path, op)),
            };
            match op {
                CompareOp::Equal => Ok(Where::eq(column, flag)),
                CompareOp::NotEqual => Ok(Where::eq(column, !flag)),
                _ => Err(invalid_value(path, op)),
            }
        }
        Kind::Date => {
            let at = date_value(value).ok_or_else(|| invalid_value(path, op))?;
            if matches!(
                op,
                CompareOp::Contains | CompareOp::StartsWith | CompareOp::EndsWith
            ) {
                return Err(invalid_value(path, op));
            }
            Ok(Where::cmp(column, operator, at))
        }
    }
}

fn date_value(value: &CompareValue) -> Option<OffsetDateTime> {
    let at = value.as_timestamp()?;
    let nanos = at.unix_nanos();
    OffsetDateTime::from_unix_timestamp_nanos(nanos)
        .ok()
        .map(truncate_to_millis)
}

fn invalid_value(path: &AttrPath, op: CompareOp) -> ScimError {
    ScimError::bad_request(
        ScimType::InvalidFilter,
        format!("filter value for {path} {op} has the wrong type"),
    )
}

fn adapter_op(op: CompareOp) -> Op {
    match op {
        CompareOp::Equal => Op::Eq,
        CompareOp::NotEqual => Op::Ne,
        CompareOp::Contains => Op::Contains,
        CompareOp::StartsWith => Op::StartsWith,
        CompareOp::EndsWith => Op::EndsWith,
        CompareOp::GreaterThan => Op::Gt,
        CompareOp::GreaterOrEqual => Op::Gte,
        CompareOp::LessThan => Op::Lt,
        CompareOp::LessOrEqual => Op::Lte,
    }
}

/// A `scimEmail` row of the User in connection `connection_id` [matching `filter`]: in SQL,
/// `id IN (SELECT scimUserId FROM scimEmail WHERE connectionId = ? [AND filter])`. Every email row
/// belongs to its User's connection, so the scope changes no answer; it lets the lookup search the
/// `(connectionId, value)` index instead of reading every connection's emails.
fn emails_exist(connection_id: &str, filter: Option<Where>) -> Where {
    let in_connection = Where::eq("connectionId", connection_id);
    Where::Exists(Box::new(Exists {
        model: "scimEmail".to_owned(),
        foreign_field: "scimUserId".to_owned(),
        local_field: "id".to_owned(),
        filter: Some(match filter {
            Some(filter) => in_connection.and(filter),
            None => in_connection,
        }),
    }))
}

/// The filter inside `emails[...]`, over `scimEmail` rows: its paths name `value`, `type`, `primary`.
fn email_where(filter: &Filter) -> Result<Where, ScimError> {
    match filter {
        Filter::And(left, right) => Ok(email_where(left)?.and(email_where(right)?)),
        Filter::Or(left, right) => Ok(email_where(left)?.or(email_where(right)?)),
        Filter::Not(inner) => Ok(email_where(inner)?.negate()),
        Filter::Present(path) => email_present(path.name(), path),
        Filter::Compare { path, op, value } => email_compare(path.name(), path, *op, value),
        Filter::ValuePath { attr, .. } => Err(unsupported(attr)),
    }
}

/// The `scimEmail` column of sub-attribute `sub`.
fn email_column(sub: &str, path: &AttrPath) -> Result<(&'static str, Kind), ScimError> {
    match sub.to_ascii_lowercase().as_str() {
        "value" => Ok(("value", Kind::Folded)),
        "type" => Ok(("type", Kind::Folded)),
        "primary" => Ok(("primary", Kind::Boolean)),
        _ => Err(unsupported(path)),
    }
}

fn email_present(sub: &str, path: &AttrPath) -> Result<Where, ScimError> {
    let (column, kind) = email_column(sub, path)?;
    Ok(if kind == Kind::Boolean {
        Where::eq(column, true)
    } else {
        Where::cmp(column, Op::Ne, Value::Null)
    })
}

fn email_compare(
    sub: &str,
    path: &AttrPath,
    op: CompareOp,
    value: &CompareValue,
) -> Result<Where, ScimError> {
    let (column, kind) = email_column(sub, path)?;
    column_compare(column, kind, path, op, value)
}

/// The declared extension attribute `path` names, with its row key: `None` when the path does not
/// name a declared extension; `invalidFilter` for an undeclared attribute of a declared extension or
/// a multi-valued one.
fn extension_attribute<'d>(
    path: &AttrPath,
    declared: &'d [SchemaExtension],
) -> Result<Option<(String, &'d ExtensionAttribute)>, ScimError> {
    let Some(urn) = path.urn() else {
        return Ok(None);
    };
    let Some(extension) = declared.iter().find(|e| e.urn.eq_ignore_ascii_case(urn)) else {
        return Ok(None);
    };
    let attribute = extension
        .find(path.name())
        .filter(|attribute| !attribute.multi_valued && path.sub_attr().is_none())
        .ok_or_else(|| unsupported(path))?;
    Ok(Some((
        crate::users::extension::key(extension, attribute),
        attribute,
    )))
}

/// The comparison on a `scimUserAttribute` row of `attribute`.
fn extension_compare(
    attribute: &ExtensionAttribute,
    path: &AttrPath,
    op: CompareOp,
    value: &CompareValue,
) -> Result<Where, ScimError> {
    let operator = adapter_op(op);
    let ordering = matches!(
        op,
        CompareOp::GreaterThan
            | CompareOp::GreaterOrEqual
            | CompareOp::LessThan
            | CompareOp::LessOrEqual
    );
    let text_match = matches!(
        op,
        CompareOp::Contains | CompareOp::StartsWith | CompareOp::EndsWith
    );
    match attribute.kind {
        AttributeKind::String | AttributeKind::Reference => {
            let text = value.as_str().ok_or_else(|| invalid_value(path, op))?;
            if ordering {
                return Err(invalid_value(path, op));
            }
            Ok(if attribute.folds_case() {
                Where::cmp("folded", operator, text.to_lowercase())
            } else {
                Where::cmp("value", operator, text)
            })
        }
        AttributeKind::Boolean => {
            let flag = match value {
                CompareValue::Bool(flag) => *flag,
                CompareValue::String(text) | CompareValue::Unquoted(text)
                    if text.eq_ignore_ascii_case("true") || text.eq_ignore_ascii_case("false") =>
                {
                    text.eq_ignore_ascii_case("true")
                }
                _ => return Err(invalid_value(path, op)),
            };
            match op {
                CompareOp::Equal => Ok(Where::eq("value", flag.to_string())),
                CompareOp::NotEqual => Ok(Where::eq("value", (!flag).to_string())),
                _ => Err(invalid_value(path, op)),
            }
        }
        AttributeKind::Integer => {
            let number = match value {
                CompareValue::Number(number) => number.as_i64(),
                CompareValue::String(text) => text.trim().parse::<i64>().ok(),
                _ => None,
            }
            .ok_or_else(|| invalid_value(path, op))?;
            if text_match {
                return Err(invalid_value(path, op));
            }
            Ok(Where::cmp("number", operator, number))
        }
        AttributeKind::DateTime => {
            let at = date_value(value).ok_or_else(|| invalid_value(path, op))?;
            if text_match {
                return Err(invalid_value(path, op));
            }
            Ok(Where::cmp("value", operator, format_date(at)))
        }
    }
}

/// A `scimUserAttribute` row of the User in connection `connection_id` matching `filter`: in SQL,
/// `id IN (SELECT scimUserId FROM scimUserAttribute WHERE connectionId = ? AND filter)`, which the
/// indexes leading with `(connectionId, key)` serve.
fn attributes_exist(connection_id: &str, filter: Where) -> Where {
    Where::Exists(Box::new(Exists {
        model: "scimUserAttribute".to_owned(),
        foreign_field: "scimUserId".to_owned(),
        local_field: "id".to_owned(),
        filter: Some(Where::eq("connectionId", connection_id).and(filter)),
    }))
}

/// The `scimUser` column a `sortBy` attribute sorts on (`None`: not sortable).
pub fn sort_column(attribute: &str) -> Option<&'static str> {
    let path = AttrPath::parse(attribute).ok()?;
    let column = user_attribute(&path).ok()?.column()?.0;
    Some(column)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONNECTION: &str = "c1";

    fn parse(text: &str) -> Where {
        parse_user_filter(text, CONNECTION, &[]).unwrap().unwrap()
    }

    #[test]
    fn user_name_compares_its_folded_key() {
        assert_eq!(
            parse(r#"userName eq "BJensen@Example.com""#),
            Where::eq("userNameKey", "bjensen@example.com")
        );
        assert_eq!(
            parse(r#"urn:ietf:params:scim:schemas:core:2.0:User:USERNAME sw "B""#),
            Where::cmp("userNameKey", Op::StartsWith, "b")
        );
    }

    #[test]
    fn external_id_is_case_exact_and_display_name_is_not() {
        assert_eq!(
            parse(r#"externalId eq "AbC""#),
            Where::eq("externalId", "AbC")
        );
        assert_eq!(
            parse(r#"displayName co "Jen""#),
            Where::cmp_case("displayName", Op::Contains, "Jen", Case::Insensitive)
        );
    }

    #[test]
    fn email_filters_become_exists_over_the_connection_s_emails() {
        let emails = |filter: Option<Where>| {
            Where::Exists(Box::new(Exists {
                model: "scimEmail".to_owned(),
                foreign_field: "scimUserId".to_owned(),
                local_field: "id".to_owned(),
                filter,
            }))
        };
        let in_connection = || Where::eq("connectionId", CONNECTION);
        let work = Where::eq("type", "work").and(Where::cmp("value", Op::Contains, "@example.com"));
        assert_eq!(
            parse(r#"emails[type eq "work" and value co "@Example.com"]"#),
            emails(Some(in_connection().and(work)))
        );
        assert_eq!(
            parse(r#"emails.value eq "A@B.io""#),
            emails(Some(in_connection().and(Where::eq("value", "a@b.io"))))
        );
        assert_eq!(parse("emails pr"), emails(Some(in_connection())));
        // Negated, the scope stays inside the subquery.
        assert_eq!(
            parse(r#"not (emails.value eq "A@B.io")"#),
            emails_exist(CONNECTION, Some(Where::eq("value", "a@b.io"))).negate()
        );
    }

    #[test]
    fn logic_and_precedence_carry_over() {
        let got = parse(
            r#"active eq true or not (externalId pr) and meta.created gt "2020-01-01T00:00:00Z""#,
        );
        let created = OffsetDateTime::from_unix_timestamp(1_577_836_800).unwrap();
        let expected = Where::eq("active", true).or(Where::cmp("externalId", Op::Ne, Value::Null)
            .negate()
            .and(Where::cmp("createdAt", Op::Gt, created)));
        assert_eq!(got, expected);
    }

    #[test]
    fn declared_extension_attributes_become_exists_over_their_rows() {
        use crate::options::{AttributeKind, ExtensionAttribute, SchemaExtension};
        const ACME: &str = "urn:example:acme:2.0:User";
        let declared = [SchemaExtension::new(ACME, "Acme")
            .attribute(ExtensionAttribute::new("badge", AttributeKind::String))
            .attribute(ExtensionAttribute::new("level", AttributeKind::Integer))
            .attribute(ExtensionAttribute::new("since", AttributeKind::DateTime))];
        let parse = |text: &str| {
            parse_user_filter(text, CONNECTION, &declared)
                .unwrap()
                .unwrap()
        };
        let row = |name: &str, filter: Where| {
            attributes_exist(
                CONNECTION,
                Where::eq("key", format!("{}:{name}", ACME.to_lowercase())).and(filter),
            )
        };
        assert_eq!(
            parse(&format!(r#"{ACME}:Badge eq "B-7""#)),
            row("badge", Where::eq("folded", "b-7"))
        );
        assert_eq!(
            parse(&format!("{ACME}:level gt 9")),
            row("level", Where::cmp("number", Op::Gt, 9_i64))
        );
        assert_eq!(
            parse(&format!(r#"{ACME}:since le "2026-01-01T01:00:00+01:00""#)),
            row(
                "since",
                Where::cmp("value", Op::Lte, "2026-01-01T00:00:00.000Z")
            )
        );
        assert_eq!(
            parse(&format!("{ACME}:level pr")),
            attributes_exist(
                CONNECTION,
                Where::eq("key", format!("{}:level", ACME.to_lowercase()))
            )
        );
        // Without the declaration the path is not a User attribute.
        let err = parse_user_filter(&format!("{ACME}:level pr"), CONNECTION, &[]).unwrap_err();
        assert_eq!(err.scim_type, Some(ScimType::InvalidFilter));
    }

    #[test]
    fn unknown_attributes_and_bad_values_are_invalid_filters() {
        for text in [
            r#"title eq "x""#,
            r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "x""#,
            "active gt true",
            r#"meta.created eq "yesterday""#,
            r#"phoneNumbers[type eq "work"]"#,
            r#"userName eq "unterminated"#,
        ] {
            let err = parse_user_filter(text, CONNECTION, &[]).unwrap_err();
            assert_eq!(err.scim_type, Some(ScimType::InvalidFilter), "{text}");
            assert_eq!(err.status, http::StatusCode::BAD_REQUEST);
        }
        assert_eq!(parse_user_filter("  ", CONNECTION, &[]).unwrap(), None);
    }
}
