//! `cargo xtask`: workspace automation, written in Rust so it runs wherever cargo does.
//!
//! Wiring: `.cargo/config.toml` defines the alias `xtask = "run --quiet --package xtask --"`, so
//! `cargo xtask <subcommand>` builds and runs this binary from the workspace root. CI runs
//! `bash .ci/run`, which only prepares the machine (cargo-nextest, databases via `scripts/db.sh`,
//! the test URLs) and then calls `cargo xtask ci`; running that command locally therefore repeats CI.
//!
//! Subcommands (arguments are matched by hand; there is no CLI framework):
//! - `tidy`: repository conventions that rustc and clippy cannot see (see [`tidy`]); they also run as a
//!   `#[test]`, so `cargo nextest run --workspace` enforces them.
//! - `ci`: every CI step in order, stopping at the first failure (see [`ci`]).
//! - `parity [--check] [--filter PAT]`: the parity harness, delegated to the `bulwark-parity` binary
//!   (it links the whole server, which this crate deliberately does not).
//! - `bench scim [--users N]`: the SCIM workload against Bulwark (release build) and upstream
//!   v1.6.30 and v1.7.1 in Node, with ratios (see [`mod@bench`]).
//! - `db start|stop|urls`: the loopback database servers (`postgres`, `mariadbd`) for the
//!   database-backed tests, delegated to `scripts/db.sh` because it must also work before cargo exists.
//! - `conformance`: the independent SCIM checkers against a real `bulwark-server` on loopback (see
//!   [`conformance`]).
//!
//! To add a subcommand, add an arm to `run` and a line to `USAGE`.

#![expect(
    clippy::print_stderr,
    reason = "xtask is a command-line tool: progress and findings go to stderr, like cargo's"
)]

mod bench;
mod ci;
mod conformance;
mod tidy;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{Context as _, bail};

const USAGE: &str = "\
usage: cargo xtask <subcommand>

subcommands:
  tidy                  check repository conventions (headers, banned attributes, crate names, ARCHITECTURE.md)
  ci                    run every CI step in order, as `bash .ci/run` does
  bench scim [--users N]
                        provision N users (default 10000) and time lookups, paging and PATCH on
                        Bulwark (release build) and upstream v1.6.30 and v1.7.1 (Node), on SQLite
  db start|stop|urls    manage loopback PostgreSQL and MariaDB for the database-backed tests
  parity [--check] [--filter PAT]
                        diff Bulwark against the pinned upstream Better Auth (live: runs the Node
                        oracle and records its transcripts; --check: recorded transcripts, no Node)
  conformance           run the SCIM checkers scim2-tester and scim-sanity against bulwark-server
                        (needs python3 with venv; PyPI the first time)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match run(&args) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("xtask: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[&str]) -> anyhow::Result<ExitCode> {
    let root = workspace_root();
    match args {
        ["tidy"] => {
            let violations = tidy::check(&root)?;
            if violations.is_empty() {
                eprintln!("tidy: ok");
                return Ok(ExitCode::SUCCESS);
            }
            for violation in &violations {
                eprintln!("tidy: {violation}");
            }
            eprintln!("tidy: {} violation(s)", violations.len());
            Ok(ExitCode::FAILURE)
        }
        ["ci"] => {
            ci::run(&root)?;
            Ok(ExitCode::SUCCESS)
        }
        ["parity", rest @ ..] => {
            let status = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
                .args(["run", "--quiet", "--package", "bulwark-parity", "--"])
                .args(rest)
                .current_dir(&root)
                .status()
                .context("could not run the parity harness")?;
            Ok(if status.success() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        ["conformance"] => conformance::run(&root),
        ["bench", "scim", rest @ ..] => {
            bench::scim(&root, bench::parse_users(rest)?)?;
            Ok(ExitCode::SUCCESS)
        }
        ["db", action @ ("start" | "stop" | "urls")] => {
            let status = Command::new("bash")
                .arg(root.join("scripts/db.sh"))
                .arg(action)
                .current_dir(&root)
                .status()
                .context("could not run bash scripts/db.sh")?;
            if !status.success() {
                bail!("scripts/db.sh {action} failed ({status})");
            }
            Ok(ExitCode::SUCCESS)
        }
        _ => {
            eprintln!("{USAGE}");
            Ok(ExitCode::from(2))
        }
    }
}

/// The workspace root: the parent of this crate's manifest directory.
fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}
