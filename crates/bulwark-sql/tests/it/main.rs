//! Smoke tests of `SqlAdapter` on `SQLite`, and on `PostgreSQL` and `MySQL`/`MariaDB` when
//! `BULWARK_TEST_POSTGRES_URL` / `BULWARK_TEST_MYSQL_URL` are set (each test gets its own database).
//! The full behaviour is checked by the conformance suite in `bulwark-test-support`.

// `cfg(test)` lets clippy treat the helpers as test code (unwrap, println).
#[cfg(test)]
mod backend;
#[cfg(test)]
mod db;
