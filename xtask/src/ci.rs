//! `cargo xtask ci`: the CI steps, in order, stopping at the first failure.
//!
//! `.ci/run` prepares the machine (cargo-nextest, databases, `BULWARK_TEST_*_URL`, `INSTA_UPDATE=no`)
//! and then calls this; locally, `cargo xtask db start` plus `eval "$(cargo xtask db urls)"` gives the
//! same environment. The database-backed tests run inside the single nextest step: with the URLs
//! exported they also run on the `postgres` and `mysql` backends, and under `CI` they fail rather
//! than skip when a URL is missing. Each step inherits stdio, is echoed before it runs, and is timed.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};

/// One command of the CI run.
struct Step {
    /// Short name used in the progress and failure messages.
    name: &'static str,
    /// Environment variables set for this step only.
    env: &'static [(&'static str, &'static str)],
    program: &'static str,
    args: &'static [&'static str],
}

impl Step {
    const fn cargo(name: &'static str, args: &'static [&'static str]) -> Self {
        Self {
            name,
            env: &[],
            program: "cargo",
            args,
        }
    }

    /// The command line as a shell would spell it, for the log.
    fn display(&self) -> String {
        let env = self
            .env
            .iter()
            .map(|(key, value)| format!("{key}={value:?}"));
        let command = std::iter::once(self.program)
            .chain(self.args.iter().copied())
            .map(str::to_owned);
        env.chain(command).collect::<Vec<_>>().join(" ")
    }
}

/// The steps in the order they run.
fn steps() -> Vec<Step> {
    let mut steps = vec![
        Step::cargo("fmt", &["fmt", "--all", "--check"]),
        Step::cargo(
            "clippy",
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
        ),
        Step::cargo(
            "nextest",
            &["nextest", "run", "--workspace", "--profile", "ci"],
        ),
        // nextest does not run doctests; the crates whose examples are documentation run them here.
        Step::cargo("doctest", &["test", "--workspace", "--doc"]),
    ];
    // Parity against the recorded upstream transcripts first (no Node needed), then live against the
    // pinned upstream packages installed from npm, which also proves the recordings still reproduce.
    steps.push(Step::cargo("parity", &["xtask", "parity", "--check"]));
    steps.push(Step::cargo("parity-live", &["xtask", "parity"]));
    // The independent SCIM checkers against a real server (installed from the Python package index).
    steps.push(Step::cargo("conformance", &["xtask", "conformance"]));
    steps.push(Step {
        name: "doc",
        env: &[("RUSTDOCFLAGS", "-D rustdoc::broken_intra_doc_links")],
        program: "cargo",
        args: &["doc", "--workspace", "--no-deps"],
    });
    steps
}

/// Runs every step from the workspace root; fails with the first step that fails.
pub(crate) fn run(root: &Path) -> anyhow::Result<()> {
    let steps = steps();
    let total = steps.len();
    let started = Instant::now();
    let mut timings: Vec<(&'static str, Duration)> = Vec::with_capacity(total);
    for (index, step) in steps.iter().enumerate() {
        eprintln!(
            "\n==> [{}/{total}] {}: $ {}",
            index + 1,
            step.name,
            step.display()
        );
        let step_started = Instant::now();
        let status = Command::new(step.program)
            .args(step.args)
            .envs(step.env.iter().copied())
            .current_dir(root)
            .status()
            .with_context(|| format!("could not start `{}`", step.display()))?;
        let elapsed = step_started.elapsed();
        timings.push((step.name, elapsed));
        if !status.success() {
            print_summary(&timings);
            bail!(
                "ci step `{}` failed ({status}) after {:.1}s: $ {}",
                step.name,
                elapsed.as_secs_f64(),
                step.display()
            );
        }
        eprintln!("==> {} ok in {:.1}s", step.name, elapsed.as_secs_f64());
    }
    print_summary(&timings);
    eprintln!(
        "ci: all {total} steps passed in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn print_summary(timings: &[(&'static str, Duration)]) {
    eprintln!("\nci: step timings");
    for (name, elapsed) in timings {
        eprintln!("  {name:<12} {:>8.1}s", elapsed.as_secs_f64());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_run_in_the_documented_order() {
        let names: Vec<&str> = steps().iter().map(|step| step.name).collect();
        assert_eq!(
            names,
            [
                "fmt",
                "clippy",
                "nextest",
                "doctest",
                "parity",
                "parity-live",
                "conformance",
                "doc"
            ]
        );
    }

    #[test]
    fn display_spells_the_command_with_its_environment() {
        let lines: Vec<String> = steps().iter().map(Step::display).collect();
        assert_eq!(
            lines.first().map(String::as_str),
            Some("cargo fmt --all --check")
        );
        assert_eq!(
            lines.last().map(String::as_str),
            Some(
                "RUSTDOCFLAGS=\"-D rustdoc::broken_intra_doc_links\" cargo doc --workspace --no-deps"
            )
        );
    }
}
