//! Integration tests of bulwark-test-support: the adapter conformance suite on every backend.

mod db {
    bulwark_test_support::conformance_tests!(
        memory: Memory,
        sqlite: Sqlite,
        postgres: Postgres,
        mysql: Mysql,
    );
}
