//! The SCIM filter language (RFC 7644 §3.4.2.2) as a tree: parsing, the canonical printed form,
//! and the comparison values.

#[cfg(test)]
mod tests;

use std::fmt::{self, Write as _};

use crate::syntax::{self, SyntaxErrorKind};
use crate::{AttrPath, Limits, ScimError, ScimType, Timestamp};

/// A parsed SCIM filter.
///
/// The parser accepts the whole grammar of RFC 7644 §3.4.2.2: the operators `eq ne co sw ew gt ge
/// lt le pr`, `and`, `or`, `not (...)`, parentheses and value filters (`emails[type eq "work"]`).
/// `and` binds tighter than `or`, and both associate to the left: `a pr or b pr and c pr` is
/// `Or(a, And(b, c))`, and `a pr and b pr and c pr` is `And(And(a, b), c)`.
///
/// Leniencies, for what identity providers send:
/// - operators and the keywords `and`, `or`, `not`, `true`, `false`, `null` in any case (`EQ`, `Eq`);
/// - any amount of whitespace, and none where tokens are otherwise delimited (`(a pr)and(b pr)`);
/// - unquoted values ([`CompareValue::Unquoted`], e.g. `externalId eq 1234-abc`);
/// - Microsoft Entra's `emails[type eq "work"].value eq "x"` (a value filter followed by a
///   sub-attribute and a comparison), which upstream also accepts: it is read as
///   `emails[type eq "work" and value eq "x"]`, which means the same (one email has both).
///
/// A value filter cannot contain another one, and cannot follow a sub-attribute (`a.b[...]`).
///
/// [`Display`](fmt::Display) prints a canonical filter that parses back to the same tree: lower-case
/// operators, single spaces, parentheses only where the tree needs them, strings as JSON.
///
/// ```
/// use bulwark_scim_protocol::{CompareOp, CompareValue, Filter};
///
/// let filter = Filter::parse(r#"userName EQ "bjensen" OR (title pr AND not (active eq false))"#)?;
/// assert_eq!(
///     filter.to_string(),
///     r#"userName eq "bjensen" or title pr and not (active eq false)"#
/// );
/// let Filter::Or(left, _) = &filter else { unreachable!() };
/// let Filter::Compare { path, op, value } = &**left else { unreachable!() };
/// assert!(path.name_is("username"));
/// assert_eq!((*op, value), (CompareOp::Equal, &CompareValue::String("bjensen".into())));
/// # Ok::<(), bulwark_scim_protocol::FilterError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    /// `left and right`: both hold.
    And(Box<Filter>, Box<Filter>),
    /// `left or right`: either holds.
    Or(Box<Filter>, Box<Filter>),
    /// `not (filter)`: the filter does not hold.
    Not(Box<Filter>),
    /// `path pr`: the attribute has a non-empty value.
    Present(AttrPath),
    /// `path op value`: the attribute compares to the value.
    Compare {
        /// The attribute compared.
        path: AttrPath,
        /// The comparison.
        op: CompareOp,
        /// The value compared with.
        value: CompareValue,
    },
    /// `attr[filter]`: one value of the multi-valued attribute `attr` matches `filter`, whose
    /// paths name sub-attributes of that value (`type`, `value`, `primary`).
    ValuePath {
        /// The multi-valued attribute; it has no sub-attribute.
        attr: AttrPath,
        /// The filter one of its values must match; it contains no `ValuePath`.
        filter: Box<Filter>,
    },
}

impl Filter {
    /// Parses a filter with the default [`Limits`].
    pub fn parse(text: &str) -> Result<Self, FilterError> {
        Self::parse_with(text, &Limits::DEFAULT)
    }

    /// Parses a filter with the given limits.
    pub fn parse_with(text: &str, limits: &Limits) -> Result<Self, FilterError> {
        syntax::parse_filter(text, limits).map_err(|error| FilterError {
            kind: error.kind,
            position: error.position,
        })
    }
}

impl std::str::FromStr for Filter {
    type Err = FilterError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Or(left, right) => {
                write!(f, "{left} or ")?;
                write_operand(f, right, matches!(**right, Self::Or(..)))
            }
            Self::And(left, right) => {
                write_operand(f, left, matches!(**left, Self::Or(..)))?;
                f.write_str(" and ")?;
                write_operand(f, right, matches!(**right, Self::Or(..) | Self::And(..)))
            }
            Self::Not(inner) => write!(f, "not ({inner})"),
            Self::Present(path) => write!(f, "{path} pr"),
            Self::Compare { path, op, value } => write!(f, "{path} {op} {value}"),
            Self::ValuePath { attr, filter } => write!(f, "{attr}[{filter}]"),
        }
    }
}

fn write_operand(f: &mut fmt::Formatter<'_>, filter: &Filter, parenthesise: bool) -> fmt::Result {
    if parenthesise {
        write!(f, "({filter})")
    } else {
        write!(f, "{filter}")
    }
}

/// A comparison operator of RFC 7644 §3.4.2.2 (`pr` is [`Filter::Present`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompareOp {
    /// `eq`: equal.
    Equal,
    /// `ne`: not equal.
    NotEqual,
    /// `co`: contains the value as a substring.
    Contains,
    /// `sw`: starts with the value.
    StartsWith,
    /// `ew`: ends with the value.
    EndsWith,
    /// `gt`: greater than.
    GreaterThan,
    /// `ge`: greater than or equal.
    GreaterOrEqual,
    /// `lt`: less than.
    LessThan,
    /// `le`: less than or equal.
    LessOrEqual,
}

impl CompareOp {
    /// Every operator, in the RFC's order.
    pub const ALL: [Self; 9] = [
        Self::Equal,
        Self::NotEqual,
        Self::Contains,
        Self::StartsWith,
        Self::EndsWith,
        Self::GreaterThan,
        Self::GreaterOrEqual,
        Self::LessThan,
        Self::LessOrEqual,
    ];

    /// The operator spelled `text`, in any case (`eq`, `EQ`, `Eq`).
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|op| op.as_str().eq_ignore_ascii_case(text))
    }

    /// The operator's lower-case spelling (`eq`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Equal => "eq",
            Self::NotEqual => "ne",
            Self::Contains => "co",
            Self::StartsWith => "sw",
            Self::EndsWith => "ew",
            Self::GreaterThan => "gt",
            Self::GreaterOrEqual => "ge",
            Self::LessThan => "lt",
            Self::LessOrEqual => "le",
        }
    }
}

impl fmt::Display for CompareOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The value of a comparison.
///
/// Dates are strings in SCIM; [`CompareValue::as_timestamp`] reads one for `gt`/`lt` comparisons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CompareValue {
    /// A JSON string, escapes decoded.
    String(String),
    /// A JSON number. Integers that fit `u64` or `i64` are kept exactly; others are 64-bit floats.
    Number(serde_json::Number),
    /// `true` or `false`, in any case.
    Bool(bool),
    /// `null`, in any case.
    Null,
    /// An unquoted word that is not a number, a boolean, `null` or a keyword, as Microsoft's
    /// documentation shows (`externalId eq 1234-abc`, `userName eq john@contoso.com`). It is not
    /// RFC syntax: treat it as a string, or reject it (upstream v1.7.1 answers "filter equality
    /// value must be a valid quoted JSON string"). A word is a run of characters other than
    /// whitespace, `(`, `)`, `[`, `]` and `"`.
    Unquoted(String),
}

impl CompareValue {
    /// The text of a string or an unquoted value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(text) | Self::Unquoted(text) => Some(text),
            Self::Number(_) | Self::Bool(_) | Self::Null => None,
        }
    }

    /// The instant a string value names, if it is an RFC 3339 date-time (`"2011-05-13T04:42:34Z"`).
    pub fn as_timestamp(&self) -> Option<Timestamp> {
        match self {
            Self::String(text) => Timestamp::parse_rfc3339(text).ok(),
            _ => None,
        }
    }
}

impl fmt::Display for CompareValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::String(text) => write_json_string(f, text),
            Self::Number(number) => write!(f, "{number}"),
            Self::Bool(value) => write!(f, "{value}"),
            Self::Null => f.write_str("null"),
            // A word that would read back as something else is printed as a string.
            Self::Unquoted(word) if syntax::is_unquoted_word(word) => f.write_str(word),
            Self::Unquoted(word) => write_json_string(f, word),
        }
    }
}

fn write_json_string(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    f.write_char('"')?;
    for character in text.chars() {
        match character {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            '\u{8}' => f.write_str("\\b")?,
            '\u{c}' => f.write_str("\\f")?,
            control if control < ' ' => write!(f, "\\u{:04x}", u32::from(control))?,
            other => f.write_char(other)?,
        }
    }
    f.write_char('"')
}

/// A filter that does not parse. Its SCIM error is `400` with `scimType: "invalidFilter"`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid filter at byte {position}: {kind}")]
pub struct FilterError {
    kind: SyntaxErrorKind,
    position: usize,
}

impl FilterError {
    /// What is wrong.
    pub fn kind(&self) -> &SyntaxErrorKind {
        &self.kind
    }

    /// The byte offset in the input where the problem is.
    pub fn position(&self) -> usize {
        self.position
    }

    /// `invalidFilter`.
    pub fn scim_type(&self) -> ScimType {
        ScimType::InvalidFilter
    }
}

impl From<FilterError> for ScimError {
    fn from(error: FilterError) -> Self {
        Self::bad_request(ScimType::InvalidFilter, error.to_string())
    }
}
