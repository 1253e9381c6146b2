//! Attribute paths (`[schema URN ":"] name ["." sub-attribute]`), the names filters and PATCH
//! paths point at (RFC 7644 §3.10).

use std::fmt;

/// An attribute path: an optional schema URN, an attribute name and an optional sub-attribute.
///
/// `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value` has the URN
/// `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`, the name `manager` and the
/// sub-attribute `value`. Attribute names cannot contain `:`, so the URN is everything before the
/// last `:`; dots before that colon (`2.0`) belong to the URN.
///
/// Names are kept as written, and the derived `PartialEq` compares them exactly. SCIM attribute
/// names and schema URNs are case-insensitive: compare with [`AttrPath::eq_ignore_case`],
/// [`AttrPath::name_is`], [`AttrPath::sub_attr_is`] and [`AttrPath::in_schema`], or with the
/// lower-cased form from [`AttrPath::normalized`].
///
/// An attribute name starts with an ASCII letter or `$` (for `$ref`) and continues with ASCII
/// letters, digits, `_`, `-` and `$`.
///
/// ```
/// use bulwark_scim_protocol::AttrPath;
///
/// let path = AttrPath::parse("urn:ietf:params:scim:schemas:core:2.0:User:Name.GivenName")?;
/// assert_eq!(path.urn(), Some("urn:ietf:params:scim:schemas:core:2.0:User"));
/// assert!(path.name_is("name") && path.sub_attr_is("givenName"));
/// assert!(path.in_schema("URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER"));
/// # Ok::<(), bulwark_scim_protocol::InvalidAttrPath>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AttrPath {
    urn: Option<String>,
    name: String,
    sub_attr: Option<String>,
}

/// Why a text is not an attribute path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct InvalidAttrPath {
    reason: &'static str,
}

impl InvalidAttrPath {
    /// The reason, as a sentence fragment ("the attribute name is empty").
    pub fn reason(&self) -> &'static str {
        self.reason
    }
}

impl AttrPath {
    /// Parses `name`, `name.sub`, `urn:...:name` or `urn:...:name.sub`.
    pub fn parse(text: &str) -> Result<Self, InvalidAttrPath> {
        let invalid = |reason| Err(InvalidAttrPath { reason });
        let is_urn = text
            .get(..4)
            .is_some_and(|prefix| prefix.eq_ignore_ascii_case("urn:"));
        let (urn, relative) = if is_urn {
            let Some((urn, relative)) = text.rsplit_once(':') else {
                return invalid("a schema URN must be followed by `:` and an attribute name");
            };
            if urn.len() <= "urn:".len() {
                return invalid("a schema URN must be followed by `:` and an attribute name");
            }
            if !urn.bytes().all(is_urn_byte) {
                return invalid("the schema URN contains a character that URNs do not allow");
            }
            (Some(urn), relative)
        } else {
            (None, text)
        };
        let (name, sub_attr) = match relative.split_once('.') {
            Some((name, sub_attr)) => (name, Some(sub_attr)),
            None => (relative, None),
        };
        if name.is_empty() {
            return invalid("the attribute name is empty");
        }
        if !is_attr_name(name) {
            return invalid(
                "an attribute name starts with a letter or `$` and holds only letters, digits, `_`, `-` and `$`",
            );
        }
        if let Some(sub_attr) = sub_attr {
            if sub_attr.is_empty() {
                return invalid("the sub-attribute name after `.` is empty");
            }
            if sub_attr.contains('.') {
                return invalid("an attribute path has at most one sub-attribute");
            }
            if !is_attr_name(sub_attr) {
                return invalid(
                    "a sub-attribute name starts with a letter or `$` and holds only letters, digits, `_`, `-` and `$`",
                );
            }
        }
        Ok(Self {
            urn: urn.map(str::to_owned),
            name: name.to_owned(),
            sub_attr: sub_attr.map(str::to_owned),
        })
    }

    /// The schema URN the path is qualified with, as written.
    pub fn urn(&self) -> Option<&str> {
        self.urn.as_deref()
    }

    /// The attribute name, as written.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The sub-attribute name, as written.
    pub fn sub_attr(&self) -> Option<&str> {
        self.sub_attr.as_deref()
    }

    /// Whether the attribute name is `name`, ignoring ASCII case.
    pub fn name_is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }

    /// Whether the sub-attribute is `sub_attr`, ignoring ASCII case (false without one).
    pub fn sub_attr_is(&self, sub_attr: &str) -> bool {
        self.sub_attr
            .as_deref()
            .is_some_and(|own| own.eq_ignore_ascii_case(sub_attr))
    }

    /// Whether the path belongs to the schema `urn`: it carries no URN, or that URN (ignoring ASCII
    /// case). A path without a URN belongs to the resource's core schema, so callers check the
    /// extension URNs first.
    pub fn in_schema(&self, urn: &str) -> bool {
        self.urn
            .as_deref()
            .is_none_or(|own| own.eq_ignore_ascii_case(urn))
    }

    /// Whether both paths name the same attribute, ignoring ASCII case.
    pub fn eq_ignore_case(&self, other: &Self) -> bool {
        fn same(left: Option<&str>, right: Option<&str>) -> bool {
            match (left, right) {
                (Some(left), Some(right)) => left.eq_ignore_ascii_case(right),
                (None, None) => true,
                _ => false,
            }
        }
        self.name.eq_ignore_ascii_case(&other.name)
            && same(self.urn(), other.urn())
            && same(self.sub_attr(), other.sub_attr())
    }

    /// The path in lower case (`urn:...:user:name.givenname`), for maps keyed by attribute.
    pub fn normalized(&self) -> String {
        self.to_string().to_ascii_lowercase()
    }

    /// This path with `sub_attr` as its sub-attribute; `sub_attr` is a valid attribute name.
    pub(crate) fn with_sub_attr(mut self, sub_attr: &str) -> Self {
        self.sub_attr = Some(sub_attr.to_owned());
        self
    }
}

impl fmt::Display for AttrPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(urn) = &self.urn {
            write!(f, "{urn}:")?;
        }
        f.write_str(&self.name)?;
        if let Some(sub_attr) = &self.sub_attr {
            write!(f, ".{sub_attr}")?;
        }
        Ok(())
    }
}

impl std::str::FromStr for AttrPath {
    type Err = InvalidAttrPath;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

/// Whether `text` is an attribute name: an ASCII letter or `$`, then letters, digits, `_`, `-`, `$`.
pub(crate) fn is_attr_name(text: &str) -> bool {
    let mut bytes = text.bytes();
    bytes
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == b'$')
        && bytes.all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'-' | b'$'))
}

/// Whether `byte` may appear in a schema URN: visible ASCII other than quotes, brackets and
/// parentheses (which end a path in a filter).
fn is_urn_byte(byte: u8) -> bool {
    byte.is_ascii_graphic() && !matches!(byte, b'"' | b'(' | b')' | b'[' | b']')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, urn: Option<&str>, name: &str, sub_attr: Option<&str>) {
        let path = AttrPath::parse(text).unwrap();
        assert_eq!(
            (path.urn(), path.name(), path.sub_attr()),
            (urn, name, sub_attr)
        );
        assert_eq!(path.to_string(), text);
    }

    #[test]
    fn splits_urn_name_and_sub_attribute() {
        check("userName", None, "userName", None);
        check("name.givenName", None, "name", Some("givenName"));
        check("members.$ref", None, "members", Some("$ref"));
        check(
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber",
            Some("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"),
            "employeeNumber",
            None,
        );
        check(
            "urn:ietf:params:scim:schemas:core:2.0:User:name.givenName",
            Some("urn:ietf:params:scim:schemas:core:2.0:User"),
            "name",
            Some("givenName"),
        );
        check(
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
            Some("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"),
            "manager",
            Some("value"),
        );
        check("URN:x:y", Some("URN:x"), "y", None);
    }

    #[test]
    fn rejects_malformed_paths() {
        for text in [
            "",
            ".x",
            "name.",
            "a.b.c",
            "1abc",
            "user name",
            "a:b",
            "urn:x",
            "urn::x",
            "urn:x:",
            "urn:x:1a",
            "na(me",
            "é",
        ] {
            assert!(
                AttrPath::parse(text).is_err(),
                "{text:?} should be rejected"
            );
        }
    }

    #[test]
    fn compares_ignoring_case() {
        let path = AttrPath::parse("urn:Ext:1.0:Manager.Value").unwrap();
        assert!(path.eq_ignore_case(&AttrPath::parse("URN:ext:1.0:manager.VALUE").unwrap()));
        assert!(!path.eq_ignore_case(&AttrPath::parse("manager.value").unwrap()));
        assert!(path.in_schema("urn:ext:1.0"));
        assert!(!path.in_schema("urn:other"));
        assert!(AttrPath::parse("userName").unwrap().in_schema("urn:any"));
        assert!(!path.sub_attr_is("display"));
        assert_eq!(path.normalized(), "urn:ext:1.0:manager.value");
    }
}
