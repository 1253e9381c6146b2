//! PATCH operation paths (RFC 7644 §3.5.2): `attr`, `attr.sub`, `attr[filter]`, `attr[filter].sub`,
//! optionally schema-qualified, or a schema URN naming a whole extension.

use std::fmt;

use crate::syntax::{self, SyntaxErrorKind};
use crate::{AttrPath, Filter, Limits, ScimError, ScimType, urn};

/// The target of a PATCH operation.
///
/// ```
/// use bulwark_scim_protocol::{PatchPath, urn};
///
/// let path = PatchPath::parse(r#"emails[type eq "work"].value"#)?;
/// let PatchPath::Attribute { attr, value_filter: Some(filter) } = &path else { unreachable!() };
/// assert!(attr.name_is("emails") && attr.sub_attr_is("value"));
/// assert_eq!(filter.to_string(), r#"type eq "work""#);
///
/// assert_eq!(
///     PatchPath::parse(urn::ENTERPRISE_USER)?,
///     PatchPath::Schema(urn::ENTERPRISE_USER.to_owned())
/// );
/// # Ok::<(), bulwark_scim_protocol::PathError>(())
/// ```
///
/// Whitespace is allowed around the path and around `[`, `]` and the `.` after `]`, as upstream
/// v1.7.1 allows it (`roles [ type eq "x" ] . primary`), but not inside an attribute path
/// (`user Name` is an error). The value filter follows [`Filter`]'s grammar, without nested value
/// filters. [`Display`](fmt::Display) prints a canonical path that parses back to the same value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatchPath {
    /// A whole schema extension, e.g. the Enterprise User URN: the operation's value is the
    /// extension object. Holds the URN as written.
    Schema(String),
    /// An attribute, optionally narrowed to the values matching a filter.
    ///
    /// `attr`'s sub-attribute is the one after the attribute (`name.givenName`) or, with a value
    /// filter, the one after `]` (`emails[type eq "work"].value`).
    Attribute {
        /// The attribute and its optional sub-attribute.
        attr: AttrPath,
        /// The filter selecting values of a multi-valued attribute; it contains no value filter.
        value_filter: Option<Filter>,
    },
}

impl PatchPath {
    /// Parses a path with the default [`Limits`]; [`urn::RESOURCE_SCHEMAS`] name whole schemas.
    pub fn parse(text: &str) -> Result<Self, PathError> {
        Self::parse_with(text, &Limits::DEFAULT, &urn::RESOURCE_SCHEMAS)
    }

    /// Parses a path with the given limits. A path equal to one of `schemas` (ignoring ASCII case)
    /// is [`PatchPath::Schema`]; pass the resource's extension URNs, custom ones included. Any
    /// other URN-qualified path is an attribute path (the URN ends at the last `:`).
    pub fn parse_with(text: &str, limits: &Limits, schemas: &[&str]) -> Result<Self, PathError> {
        syntax::parse_patch_path(text, limits, schemas).map_err(|error| PathError {
            kind: error.kind,
            position: error.position,
        })
    }
}

impl std::str::FromStr for PatchPath {
    type Err = PathError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl fmt::Display for PatchPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Schema(urn) => f.write_str(urn),
            Self::Attribute {
                attr,
                value_filter: None,
            } => write!(f, "{attr}"),
            Self::Attribute {
                attr,
                value_filter: Some(filter),
            } => {
                if let Some(urn) = attr.urn() {
                    write!(f, "{urn}:")?;
                }
                write!(f, "{}[{filter}]", attr.name())?;
                if let Some(sub_attr) = attr.sub_attr() {
                    write!(f, ".{sub_attr}")?;
                }
                Ok(())
            }
        }
    }
}

/// A PATCH path that does not parse. Its SCIM error is `400` with `scimType: "invalidPath"`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid PATCH path at byte {position}: {kind}")]
pub struct PathError {
    kind: SyntaxErrorKind,
    position: usize,
}

impl PathError {
    /// What is wrong.
    pub fn kind(&self) -> &SyntaxErrorKind {
        &self.kind
    }

    /// The byte offset in the input where the problem is.
    pub fn position(&self) -> usize {
        self.position
    }

    /// `invalidPath`.
    pub fn scim_type(&self) -> ScimType {
        ScimType::InvalidPath
    }
}

impl From<PathError> for ScimError {
    fn from(error: PathError) -> Self {
        Self::bad_request(ScimType::InvalidPath, error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CompareOp, CompareValue};

    fn attr(text: &str) -> AttrPath {
        AttrPath::parse(text).unwrap()
    }

    fn type_eq(value: &str) -> Filter {
        Filter::Compare {
            path: attr("type"),
            op: CompareOp::Equal,
            value: CompareValue::String(value.to_owned()),
        }
    }

    fn check(text: &str, expected: &PatchPath, canonical: &str) {
        let path = PatchPath::parse(text).unwrap();
        assert_eq!(&path, expected, "{text}");
        assert_eq!(path.to_string(), canonical);
        assert_eq!(&PatchPath::parse(canonical).unwrap(), expected);
    }

    fn error(text: &str) -> SyntaxErrorKind {
        let error = PatchPath::parse(text).unwrap_err();
        assert_eq!(error.scim_type(), ScimType::InvalidPath);
        error.kind().clone()
    }

    #[test]
    fn simple_and_sub_attribute_paths() {
        let simple = |text: &str| PatchPath::Attribute {
            attr: attr(text),
            value_filter: None,
        };
        check("userName", &simple("userName"), "userName");
        check("  active ", &simple("active"), "active");
        check(
            "name.givenName",
            &simple("name.givenName"),
            "name.givenName",
        );
        check("members.$ref", &simple("members.$ref"), "members.$ref");
        check(
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
            &simple("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"),
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
        );
        check(
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
            &simple("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value"),
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
        );
        check(
            "urn:ietf:params:scim:schemas:core:2.0:User:name.familyName",
            &simple("urn:ietf:params:scim:schemas:core:2.0:User:name.familyName"),
            "urn:ietf:params:scim:schemas:core:2.0:User:name.familyName",
        );
    }

    #[test]
    fn whole_schema_paths() {
        check(
            urn::ENTERPRISE_USER,
            &PatchPath::Schema(urn::ENTERPRISE_USER.to_owned()),
            urn::ENTERPRISE_USER,
        );
        let lower = urn::ENTERPRISE_USER.to_ascii_lowercase();
        check(&lower, &PatchPath::Schema(lower.clone()), &lower);
        // A custom extension is a schema only when the caller names it.
        let custom = "urn:acme:params:scim:schemas:extension:2.0:Badge";
        let path = PatchPath::parse_with(custom, &Limits::DEFAULT, &[custom]).unwrap();
        assert_eq!(path, PatchPath::Schema(custom.to_owned()));
        let PatchPath::Attribute { attr, .. } = PatchPath::parse(custom).unwrap() else {
            panic!("an unknown URN is an attribute path");
        };
        assert_eq!(
            (attr.urn(), attr.name()),
            (Some("urn:acme:params:scim:schemas:extension:2.0"), "Badge")
        );
    }

    #[test]
    fn value_filter_paths() {
        let filtered = |text: &str, filter: Filter| PatchPath::Attribute {
            attr: attr(text),
            value_filter: Some(filter),
        };
        check(
            r#"emails[type eq "work"]"#,
            &filtered("emails", type_eq("work")),
            r#"emails[type eq "work"]"#,
        );
        check(
            r#"emails[type eq "work"].value"#,
            &filtered("emails.value", type_eq("work")),
            r#"emails[type eq "work"].value"#,
        );
        check(
            r#"roles [ type eq "x" ] . primary"#,
            &filtered("roles.primary", type_eq("x")),
            r#"roles[type eq "x"].primary"#,
        );
        let primary = Filter::Compare {
            path: attr("primary"),
            op: CompareOp::Equal,
            value: CompareValue::Bool(true),
        };
        check(
            "emails[primary eq TRUE].value",
            &filtered("emails.value", primary),
            "emails[primary eq true].value",
        );
        let both = Filter::And(
            Box::new(type_eq("work")),
            Box::new(Filter::Compare {
                path: attr("value"),
                op: CompareOp::EndsWith,
                value: CompareValue::String("@example.com".to_owned()),
            }),
        );
        check(
            r#"urn:ietf:params:scim:schemas:core:2.0:User:emails[type eq "work" and value ew "@example.com"]"#,
            &filtered("urn:ietf:params:scim:schemas:core:2.0:User:emails", both),
            r#"urn:ietf:params:scim:schemas:core:2.0:User:emails[type eq "work" and value ew "@example.com"]"#,
        );
        let members = Filter::Compare {
            path: attr("value"),
            op: CompareOp::Equal,
            value: CompareValue::String("2819c223".to_owned()),
        };
        check(
            r#"members[value eq "2819c223"]"#,
            &filtered("members", members),
            r#"members[value eq "2819c223"]"#,
        );
    }

    #[test]
    fn rejects_malformed_paths() {
        assert_eq!(error(""), SyntaxErrorKind::Empty);
        assert_eq!(error("   "), SyntaxErrorKind::Empty);
        assert!(matches!(
            error("user Name"),
            SyntaxErrorKind::Unexpected { found, .. } if found == "`Name`"
        ));
        assert!(matches!(
            error("name."),
            SyntaxErrorKind::InvalidAttributePath { .. }
        ));
        assert!(matches!(
            error("a.b.c"),
            SyntaxErrorKind::InvalidAttributePath { .. }
        ));
        assert_eq!(
            error(r#"emails[type eq "work""#),
            SyntaxErrorKind::UnclosedBracket
        );
        assert_eq!(error("emails]"), SyntaxErrorKind::UnmatchedBracket);
        assert_eq!(
            error(r#"name.givenName[type eq "x"]"#),
            SyntaxErrorKind::ValueFilterOnSubAttribute
        );
        assert_eq!(
            error("emails[addr[type pr]]"),
            SyntaxErrorKind::NestedValueFilter
        );
        assert!(matches!(
            error(r#"emails[type eq "work"].value.x"#),
            SyntaxErrorKind::InvalidAttributePath { .. }
        ));
        assert!(matches!(
            error(r#"emails[type eq "work"] value"#),
            SyntaxErrorKind::Unexpected { .. }
        ));
        assert!(matches!(
            error(r#"emails[type eq "work"]."#),
            SyntaxErrorKind::Unexpected { .. }
        ));
        assert!(matches!(
            error("emails[]"),
            SyntaxErrorKind::Unexpected { .. }
        ));
        assert_eq!(
            error(r#"emails[type zz "work"]"#),
            SyntaxErrorKind::UnknownOperator("zz".to_owned())
        );
        assert!(matches!(
            error(r#""userName""#),
            SyntaxErrorKind::Unexpected { .. }
        ));
        assert_eq!(error("userName)"), SyntaxErrorKind::UnmatchedParenthesis);
        let long = "a".repeat(5000);
        assert_eq!(
            error(&long),
            SyntaxErrorKind::TooLong {
                length: 5000,
                max: 4096
            }
        );
    }

    #[test]
    fn errors_become_invalid_path_bodies() {
        let error = PatchPath::parse("a..b").unwrap_err();
        let body = ScimError::from(error);
        assert_eq!(body.status, 400);
        assert_eq!(body.scim_type, Some(ScimType::InvalidPath));
        assert!(
            body.detail
                .as_deref()
                .unwrap()
                .starts_with("invalid PATCH path at byte 0: `a..b` is not a valid attribute path")
        );
    }
}
