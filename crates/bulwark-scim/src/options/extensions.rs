//! Custom User schema extensions declared in options (upstream issue #10980): identity providers send
//! objects under vendor URNs such as `urn:ietf:params:scim:schemas:extension:acme:2.0:User` with
//! attributes of their own. A declared extension is accepted in `schemas`, validated against its
//! declaration, stored with the User, answered after the Enterprise User extension, filterable in the
//! database (single-valued attributes) and advertised in `/Schemas` and `/ResourceTypes/User`.
//!
//! ```
//! use bulwark_scim::ScimOptions;
//! use bulwark_scim::options::{AttributeKind, ExtensionAttribute, SchemaExtension};
//!
//! let options = ScimOptions::default().schema_extension(
//!     SchemaExtension::new("urn:ietf:params:scim:schemas:extension:acme:2.0:User", "AcmeUser")
//!         .attribute(ExtensionAttribute::new("badge", AttributeKind::String).case_exact())
//!         .attribute(ExtensionAttribute::new("clearance", AttributeKind::Integer).required()),
//! );
//! assert!(options.problems().is_empty());
//! ```

use std::collections::HashSet;

pub use bulwark_scim_protocol::Mutability;

/// The core User schema and the Enterprise User extension: never declarable.
const RESERVED: [&str; 2] = [
    bulwark_scim_protocol::urn::CORE_USER,
    bulwark_scim_protocol::urn::ENTERPRISE_USER,
];

/// A custom User schema extension.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaExtension {
    /// The schema URN (`urn:…`): the key of the extension object and its entry in `schemas`.
    pub urn: String,
    /// The schema's name in `/Schemas`.
    pub name: String,
    /// The schema's description in `/Schemas`.
    pub description: String,
    /// Whether every User must carry the extension (`schemaExtensions[].required`).
    pub required: bool,
    /// The extension's attributes, in output order.
    pub attributes: Vec<ExtensionAttribute>,
}

impl SchemaExtension {
    /// An optional extension without attributes yet.
    pub fn new(urn: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            urn: urn.into(),
            name: name.into(),
            description: String::new(),
            required: false,
            attributes: Vec::new(),
        }
    }

    /// Sets the description.
    #[must_use]
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = description.into();
        self
    }

    /// Makes the extension required on every User.
    #[must_use]
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// Adds an attribute.
    #[must_use]
    pub fn attribute(mut self, attribute: ExtensionAttribute) -> Self {
        self.attributes.push(attribute);
        self
    }

    /// The attribute called `name` (attribute names are case-insensitive).
    pub fn find(&self, name: &str) -> Option<&ExtensionAttribute> {
        self.attributes
            .iter()
            .find(|attribute| attribute.name.eq_ignore_ascii_case(name))
    }

    /// Every problem with the declaration.
    pub(crate) fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let urn = self.urn.as_str();
        let well_formed = urn.len() > "urn:".len()
            && urn
                .get(..4)
                .is_some_and(|prefix| prefix.eq_ignore_ascii_case("urn:"))
            && urn.bytes().all(|b| b.is_ascii_graphic() && b != b'"');
        if !well_formed {
            problems.push(format!(
                "SCIM schema extension {urn:?} must be a URN of the form urn:…"
            ));
        }
        if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(urn)) {
            problems.push(format!(
                "SCIM schema extension {urn} is built in and cannot be declared"
            ));
        }
        if self.name.trim().is_empty() {
            problems.push(format!("SCIM schema extension {urn} needs a name"));
        }
        let mut names = HashSet::new();
        for attribute in &self.attributes {
            let name = attribute.name.as_str();
            let valid = name.starts_with(|c: char| c.is_ascii_alphabetic())
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if !valid {
                problems.push(format!(
                    "SCIM schema extension {urn} has an invalid attribute name {name:?}"
                ));
            }
            if urn.len() + 1 + name.len() > 255 {
                problems.push(format!(
                    "SCIM schema extension {urn}: the URN and attribute name {name} exceed 254 characters"
                ));
            }
            if !names.insert(name.to_ascii_lowercase()) {
                problems.push(format!(
                    "SCIM schema extension {urn} declares attribute {name} twice"
                ));
            }
            if attribute.multi_valued && attribute.kind != AttributeKind::String {
                problems.push(format!(
                    "SCIM schema extension {urn}: only String attributes can be multi-valued ({name})"
                ));
            }
            if attribute.mutability == Mutability::ReadOnly {
                problems.push(format!(
                    "SCIM schema extension {urn}: attribute {name} cannot be readOnly (clients write extension attributes)"
                ));
            }
        }
        problems
    }
}

/// The type of an extension attribute (RFC 7643 §2.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AttributeKind {
    /// A string (trimmed, 1–255 characters: single values are an indexed column).
    String,
    /// A boolean (`"true"`/`"false"` strings are accepted, as Microsoft Entra sends them).
    Boolean,
    /// A JSON integer (64-bit).
    Integer,
    /// An RFC 3339 timestamp, stored and answered in UTC with milliseconds.
    DateTime,
    /// A URI (a string of 1–255 characters, compared exactly).
    Reference,
}

impl AttributeKind {
    /// The SCIM data type, as `/Schemas` advertises it.
    pub fn attribute_type(self) -> bulwark_scim_protocol::AttributeType {
        use bulwark_scim_protocol::AttributeType;
        match self {
            Self::String => AttributeType::String,
            Self::Boolean => AttributeType::Boolean,
            Self::Integer => AttributeType::Integer,
            Self::DateTime => AttributeType::DateTime,
            Self::Reference => AttributeType::Reference,
        }
    }

    /// The SCIM type name (`string`, `boolean`, `integer`, `dateTime`, `reference`).
    pub fn scim_type(self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Boolean => "boolean",
            Self::Integer => "integer",
            Self::DateTime => "dateTime",
            Self::Reference => "reference",
        }
    }
}

/// An attribute of a custom extension.
///
/// `mutability` is advertised; `writeOnly` attributes are stored but never answered. `readOnly` is
/// refused by [`crate::ScimOptions::problems`] (only clients write extension attributes), and
/// `immutable` is advertised without being enforced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtensionAttribute {
    /// The attribute name (a letter, then letters, digits, `_` or `-`); matched case-insensitively.
    pub name: String,
    /// The type.
    pub kind: AttributeKind,
    /// Whether the attribute is an array (String attributes only; not filterable).
    pub multi_valued: bool,
    /// Whether a User carrying the extension must have the attribute.
    pub required: bool,
    /// Whether string values compare case-sensitively in filters (`Reference` always does).
    pub case_exact: bool,
    /// Who may change the attribute.
    pub mutability: Mutability,
    /// The description in `/Schemas`.
    pub description: String,
}

impl ExtensionAttribute {
    /// A single-valued, optional, case-insensitive, writable attribute.
    pub fn new(name: impl Into<String>, kind: AttributeKind) -> Self {
        Self {
            name: name.into(),
            kind,
            multi_valued: false,
            required: false,
            case_exact: kind == AttributeKind::Reference,
            mutability: Mutability::ReadWrite,
            description: String::new(),
        }
    }

    /// Makes the attribute an array of values.
    #[must_use]
    pub fn multi_valued(mut self) -> Self {
        self.multi_valued = true;
        self
    }

    /// Makes the attribute required.
    #[must_use]
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// Makes string comparisons case-sensitive.
    #[must_use]
    pub fn case_exact(mut self) -> Self {
        self.case_exact = true;
        self
    }

    /// Sets the advertised mutability.
    #[must_use]
    pub fn mutability(mut self, mutability: Mutability) -> Self {
        self.mutability = mutability;
        self
    }

    /// Sets the description.
    #[must_use]
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = description.into();
        self
    }

    /// Whether filters compare the value case-insensitively (through the folded copy).
    pub(crate) fn folds_case(&self) -> bool {
        matches!(self.kind, AttributeKind::String) && !self.case_exact
    }
}

/// Problems across a list of declarations (each one's, and duplicated URNs).
pub(crate) fn problems(extensions: &[SchemaExtension]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut urns = HashSet::new();
    for extension in extensions {
        problems.extend(extension.problems());
        if !urns.insert(extension.urn.to_ascii_lowercase()) {
            problems.push(format!(
                "SCIM schema extension {} is declared twice",
                extension.urn
            ));
        }
    }
    problems
}
