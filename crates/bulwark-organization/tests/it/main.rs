//! HTTP and API tests of the organization plugin through `Auth::handle`, on the in-memory adapter, and
//! concurrency tests on `PostgreSQL` and `MySQL` (`db::`).

// `cfg(test)` lets clippy treat the helpers as test code (unwrap, indexing).
#[cfg(test)]
mod additional_fields;
#[cfg(test)]
mod api;
#[cfg(test)]
mod backends;
#[cfg(test)]
mod bad_input;
#[cfg(test)]
mod db;
#[cfg(test)]
mod harness;
#[cfg(test)]
mod invitations;
#[cfg(test)]
mod members;
#[cfg(test)]
mod organization;
#[cfg(test)]
mod organization_hooks;
#[cfg(test)]
mod owner_roles;
#[cfg(test)]
mod ported_fixtures;
#[cfg(test)]
mod ported_invites;
#[cfg(test)]
mod ported_organization;
#[cfg(test)]
mod ported_roles_and_hooks;
#[cfg(test)]
mod ported_teams;
#[cfg(test)]
mod roles;
#[cfg(test)]
mod rollback;
#[cfg(test)]
mod team_hooks;
#[cfg(test)]
mod teams;

#[cfg(test)]
pub(crate) use harness::Harness;
