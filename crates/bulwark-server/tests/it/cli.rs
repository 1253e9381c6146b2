//! Subcommands and configuration errors.

use crate::harness::{TempDir, run};

#[tokio::test]
async fn generate_prints_postgres_ddl_without_a_database() {
    let cwd = TempDir::new();
    // Nothing listens on port 1: the command must not try to connect.
    let output = run(
        cwd.path(),
        &[
            "generate",
            "--dialect",
            "postgres",
            "--database-url",
            "postgres://127.0.0.1:1/none",
        ],
    )
    .await;
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(!lines.is_empty());
    assert!(
        lines.iter().all(|l| l.ends_with(';') && !l.ends_with(";;")),
        "{stdout}"
    );
    // The organization plugin is registered by default, with teams.
    let tables = [
        "user",
        "session",
        "account",
        "verification",
        "organization",
        "member",
        "invitation",
        "team",
        "teamMember",
    ];
    for table in tables {
        let create = format!("CREATE TABLE IF NOT EXISTS \"{table}\"");
        let plain = format!("CREATE TABLE \"{table}\"");
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with(&create) || l.starts_with(&plain)),
            "no CREATE TABLE for {table}:\n{stdout}"
        );
    }
    assert!(
        std::fs::read_dir(cwd.path()).unwrap().next().is_none(),
        "generate writes no files"
    );
}

#[tokio::test]
async fn generate_rejects_unknown_dialects() {
    let cwd = TempDir::new();
    let output = run(cwd.path(), &["generate", "--dialect", "oracle"]).await;
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("oracle"), "{stderr}");
}

#[tokio::test]
async fn production_without_a_secret_fails_clearly() {
    let cwd = TempDir::new();
    let url = cwd.sqlite_url("prod.db");
    for args in [
        vec![
            "--production",
            "--port",
            "0",
            "--database-url",
            url.as_str(),
        ],
        vec![
            "serve",
            "--env",
            "production",
            "--port",
            "0",
            "--database-url",
            url.as_str(),
        ],
    ] {
        let output = run(cwd.path(), &args).await;
        assert!(!output.status.success(), "{args:?}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(
            stderr.contains("a secret is required in production")
                && stderr.contains("BULWARK_SECRET"),
            "{stderr}"
        );
        assert!(!stderr.contains("listening on"));
    }
    assert!(
        !cwd.path().join("prod.db").exists(),
        "nothing is created before the check"
    );
    assert!(!cwd.path().join(".bulwark-secret").exists());
}

#[tokio::test]
async fn migrate_prints_what_ran_and_is_idempotent() {
    let cwd = TempDir::new();
    let url = cwd.sqlite_url("m.db");
    let first = run(cwd.path(), &["migrate", "--database-url", &url]).await;
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let stdout = String::from_utf8(first.stdout).unwrap();
    assert!(
        stdout.lines().any(|l| l.starts_with("CREATE TABLE")),
        "{stdout}"
    );
    assert!(stdout.lines().all(|l| l.ends_with(';')), "{stdout}");
    assert!(cwd.path().join("m.db").is_file());

    let second = run(cwd.path(), &["migrate", "--database-url", &url]).await;
    assert!(second.status.success());
    assert_eq!(String::from_utf8(second.stdout).unwrap(), "");
}

#[tokio::test]
async fn short_secrets_are_refused_before_connecting() {
    let cwd = TempDir::new();
    let url = cwd.sqlite_url("short.db");
    let output = run(
        cwd.path(),
        &[
            "--port",
            "0",
            "--database-url",
            &url,
            "--secret",
            "too-short",
        ],
    )
    .await;
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("must be at least 32 characters"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("too-short"),
        "the secret is not echoed: {stderr}"
    );
    assert!(!cwd.path().join("short.db").exists());
}
