//! End-to-end tests of the `bulwark-server` binary: the compiled executable, real sockets on loopback.
//!
//! Modules: `cli` (subcommands and configuration errors), `sqlite` (the full flow on a `SQLite` file,
//! development secrets), `db::postgres` (the full flow on a fresh `PostgreSQL` database; needs
//! `BULWARK_TEST_POSTGRES_URL`), `db::mysql` (the same on `MySQL`/`MariaDB`; needs
//! `BULWARK_TEST_MYSQL_URL`) and `scim` (`scim create-token`, the SCIM line of `serve`, `--disable-scim`).
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::print_stdout,
    reason = "test helpers outside #[test] functions fail loudly, like the tests themselves"
)]

mod cli;
mod db;
mod flow;
mod harness;
mod scim;
mod sqlite;
