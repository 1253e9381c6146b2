//! The SCIM User resource (RFC 7643 §4.1 with the Enterprise User extension) as upstream v1.7.1 reads
//! and writes it: input validation of `POST`/`PUT` bodies ([`input`]), the canonical profile derived
//! from a valid body ([`profile`]), and the JSON resource answered to clients ([`resource`]).
//!
//! Storage and side effects (the Bulwark `user`, memberships, sessions, audit records) live in
//! [`provisioning`]; the HTTP endpoints in `routes/users.rs` only parse requests and shape responses.

use bulwark_scim_protocol::urn;

pub(crate) mod extension;
pub(crate) mod input;
pub(crate) mod profile;
pub(crate) mod provisioning;
pub(crate) mod resource;

/// The user schemas in registry order: a resource's `schemas` is normalised to this order.
pub(crate) const USER_SCHEMAS: [&str; 2] = [urn::CORE_USER, urn::ENTERPRISE_USER];

/// The key of the Enterprise User extension inside the stored `attributes` document.
pub(crate) const ENTERPRISE_ATTRIBUTE: &str = "enterprise";
