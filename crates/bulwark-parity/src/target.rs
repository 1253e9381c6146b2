//! The two kinds of target: Bulwark in-process and the upstream oracle in Node.

mod bulwark;
mod oracle;

pub use bulwark::BulwarkTarget;
pub use oracle::OracleTarget;

/// The base URL both targets serve (the oracle's default, and what scenarios send as `Origin`).
pub const BASE_URL: &str = "http://localhost:3000";
/// The base path of both targets.
pub const BASE_PATH: &str = "/api/auth";
/// The secret both targets sign with unless a scenario sets one.
pub const SECRET: &str = "parity-secret-parity-secret-parity-secret";
