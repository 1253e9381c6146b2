//! SCIM 2.0 on the wire: the resource and message types of RFC 7643 and RFC 7644, the filter
//! language, PATCH paths and the error body.
//!
//! This crate is pure data: no I/O, no storage, no HTTP, and no dependency on the rest of Bulwark,
//! so it can be fuzzed on its own. The SCIM plugin (`bulwark-scim`) parses requests with it and
//! builds responses from its types (or by hand, when upstream's exact key order differs).
//!
//! Everything here reads input from identity providers, so the parsers never panic, recurse only
//! within [`Limits`], and run in time linear in their input.
//!
//! - [`Filter`] parses the whole filter grammar of RFC 7644 §3.4.2.2 into a tree, and prints a
//!   canonical form; a [`FilterError`] becomes a `400 invalidFilter` [`ScimError`].
//! - [`PatchPath`] parses PATCH operation paths (§3.5.2); a [`PathError`] becomes `400 invalidPath`.
//! - [`AttrPath`] is a `[urn:]name[.sub]` attribute path with case-insensitive comparisons.
//! - [`Timestamp`] reads RFC 3339 date-times for `gt`/`lt` comparisons on dates.
//! - [`urn`] holds the schema and message URNs; [`MEDIA_TYPE`] is `application/scim+json`.
//! - Wire types, serde-ready and faithful to the RFCs: [`User`] (with [`EnterpriseUser`]),
//!   [`Group`], [`ListResponse`], [`PatchOp`], [`SearchRequest`], [`ServiceProviderConfig`],
//!   [`Schema`], [`ResourceType`], [`Meta`]. Their field order follows upstream v1.7.1's output;
//!   resources keep attributes they do not model, so they round-trip.
//!
//! ```
//! use bulwark_scim_protocol::{CompareOp, Filter, ScimError, ScimType};
//!
//! let filter = Filter::parse(r#"emails[type eq "work" and value co "@example.com"] or userName Eq "bjensen""#)?;
//! let Filter::Or(emails, _) = &filter else { unreachable!() };
//! let Filter::ValuePath { attr, filter: inner } = &**emails else { unreachable!() };
//! assert!(attr.name_is("EMAILS"));
//! assert_eq!(inner.to_string(), r#"type eq "work" and value co "@example.com""#);
//!
//! // A bad filter becomes the SCIM error body to answer with.
//! let error = ScimError::from(Filter::parse("userName eq").unwrap_err());
//! assert_eq!((error.status, error.scim_type), (400, Some(ScimType::InvalidFilter)));
//! # Ok::<(), bulwark_scim_protocol::FilterError>(())
//! ```

mod attr_path;
mod datetime;
mod discovery;
mod error;
mod filter;
mod group;
mod limits;
mod list;
mod meta;
mod patch;
mod path;
#[cfg(test)]
mod properties;
mod search;
mod syntax;
pub mod urn;
mod user;

pub use attr_path::{AttrPath, InvalidAttrPath};
pub use datetime::{InvalidTimestamp, Timestamp};
pub use discovery::{
    AttributeType, AuthenticationScheme, BulkSupport, FilterSupport, Mutability, ResourceType,
    Returned, Schema, SchemaAttribute, SchemaExtension, ServiceProviderConfig, Supported,
    Uniqueness,
};
pub use error::{ScimError, ScimType};
pub use filter::{CompareOp, CompareValue, Filter, FilterError};
pub use group::{Group, Member};
pub use limits::Limits;
pub use list::ListResponse;
pub use meta::Meta;
pub use patch::{PatchOp, PatchOpKind, PatchOperation};
pub use path::{PatchPath, PathError};
pub use search::{SearchRequest, SortOrder};
pub use syntax::SyntaxErrorKind;
pub use user::{Address, EnterpriseUser, Manager, MultiValuedAttribute, Name, Password, User};

/// The SCIM media type, `application/scim+json` (RFC 7644 §8.1).
pub const MEDIA_TYPE: &str = "application/scim+json";
