//! Integration tests of the wire types, through the public API only.

// `cfg(test)` lets clippy treat the helpers as test code (unwrap, indexing).
#[cfg(test)]
mod wire;
