//! The parity harness behind `cargo xtask parity`: scenarios run against the pinned upstream Better Auth
//! (the Node oracle in `reference/oracle/`) and against Bulwark in-process, normalised and diffed.
//!
//! Live mode runs the oracle and records its normalised transcripts in `reference/transcripts/`;
//! `--check` uses the recorded ones, so it needs no Node. Both run Bulwark, classify every finding as
//! intentional (listed in `reference/differences.toml`) or a regression, account for every upstream
//! test in `reference/catalogue/`, and write (or, with `--check`, verify) `docs/parity/`.

pub mod catalogue;
pub mod diff;
pub mod differences;
pub mod normalize;
pub mod report;
pub mod runner;
pub mod scenario;
pub mod target;
pub mod transcript;

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use normalize::NormalStep;
use report::Outcome;
use scenario::Scenario;
use target::{BulwarkTarget, OracleTarget};

/// What a run does.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// The repository root.
    pub root: PathBuf,
    /// Use recorded transcripts and verify the docs instead of running the oracle and writing.
    pub check: bool,
    /// Only scenarios whose id contains this.
    pub filter: Option<String>,
}

/// Problems that make a run fail.
#[derive(Debug, Default)]
pub struct Summary {
    /// Printable report.
    pub table: String,
    /// Every reason the run fails; empty when it passes.
    pub failures: Vec<String>,
}

fn transcript_path(root: &Path, pin: &str, scenario: &Scenario, database: &str) -> PathBuf {
    root.join("reference/transcripts")
        .join(pin)
        .join(format!("{}.{database}.json", scenario.id))
}

/// One expected transcript: (scenario id, pin, database, normalised steps).
type Expected = (String, String, String, Vec<NormalStep>);

/// Runs the harness.
pub async fn run(config: &Config) -> anyhow::Result<Summary> {
    let root = &config.root;
    let all_scenarios = scenario::load_all(&root.join("reference/scenarios"))?;
    let differences = differences::load(&root.join("reference/differences.toml"))?;
    let mut scenarios = all_scenarios.clone();
    if let Some(filter) = &config.filter {
        scenarios.retain(|s| s.id.contains(filter.as_str()));
    }
    let mut summary = Summary::default();
    let expected = if config.check {
        load_recorded(root, &scenarios)?
    } else {
        record_oracle(root, &scenarios, &mut summary.failures).await?
    };
    let outcomes = compare(&scenarios, &expected, &differences).await?;
    for o in &outcomes {
        for (f, why) in &o.findings {
            if why.is_none() {
                summary.failures.push(format!(
                    "regression: {} [{} {}] step `{}`: {}: upstream {} / bulwark {}",
                    o.scenario, o.pin, o.database, f.step, f.path, f.expected, f.actual
                ));
            }
        }
    }
    let coverage = catalogue::account(root, &all_scenarios)?;
    for test in coverage.unmapped() {
        summary.failures.push(format!(
            "unmapped upstream test [{}]: {}",
            test.pin, test.key
        ));
    }
    for test in coverage.stale_entries() {
        summary.failures.push(format!(
            "stale accounted.toml entry [{}]: {} is covered by a scenario or a Rust test now",
            test.pin, test.key
        ));
    }
    for (key, place) in &coverage.unknown {
        summary.failures.push(format!(
            "{place} names an upstream test that is not catalogued: {key}"
        ));
    }
    summary.table = report::table(&outcomes, &coverage);
    if config.filter.is_none() {
        stale_differences(&differences, &outcomes, &mut summary.failures);
        let pages = report::docs(&all_scenarios, &outcomes, &coverage, &differences);
        write_docs(root, pages, config.check, &mut summary.failures)?;
    }
    Ok(summary)
}

/// The recorded oracle transcripts of `scenarios`.
fn load_recorded(root: &Path, scenarios: &[Scenario]) -> anyhow::Result<Vec<Expected>> {
    let mut expected = Vec::new();
    for sc in scenarios {
        for pin in &sc.pins {
            for db in &sc.databases {
                let path = transcript_path(root, pin, sc, db);
                let text = std::fs::read_to_string(&path).with_context(|| {
                    format!(
                        "no recorded transcript {} (run `cargo xtask parity` to record it)",
                        path.display()
                    )
                })?;
                expected.push((
                    sc.id.clone(),
                    pin.clone(),
                    db.clone(),
                    serde_json::from_str(&text)?,
                ));
            }
        }
    }
    Ok(expected)
}

/// Runs `scenarios` against the oracle of each pin and records the normalised transcripts. A recorded
/// transcript that changes is reported: the pins are fixed, so upstream's answers must not move.
async fn record_oracle(
    root: &Path,
    scenarios: &[Scenario],
    failures: &mut Vec<String>,
) -> anyhow::Result<Vec<Expected>> {
    let mut expected = Vec::new();
    for pin in scenario::PINS {
        let wanted: Vec<&Scenario> = scenarios
            .iter()
            .filter(|s| s.pins.iter().any(|p| p == pin))
            .collect();
        if wanted.is_empty() {
            continue;
        }
        ensure_oracle_installed(root, pin)?;
        let mut oracle = OracleTarget::start(root, pin)?;
        for sc in wanted {
            for db in &sc.databases {
                let transcript = runner::run(&mut oracle, sc, pin, db).await?;
                let steps = normalize::normalize(&transcript);
                let path = transcript_path(root, pin, sc, db);
                let text = serde_json::to_string_pretty(&steps)? + "\n";
                if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
                    if path.exists() {
                        failures.push(format!(
                            "the oracle's transcript changed: {}",
                            path.display()
                        ));
                    }
                    if let Some(dir) = path.parent() {
                        std::fs::create_dir_all(dir)?;
                    }
                    std::fs::write(&path, &text)?;
                }
                expected.push((sc.id.clone(), pin.to_owned(), db.clone(), steps));
            }
        }
    }
    Ok(expected)
}

/// Runs each expected transcript's scenario against Bulwark and classifies the findings.
async fn compare(
    scenarios: &[Scenario],
    expected: &[Expected],
    differences: &[differences::Difference],
) -> anyhow::Result<Vec<Outcome>> {
    let mut outcomes = Vec::new();
    let mut bulwark = BulwarkTarget::default();
    for (id, pin, db, want) in expected {
        let Some(sc) = scenarios.iter().find(|s| &s.id == id) else {
            continue;
        };
        let transcript = runner::run(&mut bulwark, sc, pin, db).await?;
        let got = normalize::normalize(&transcript);
        let ordered = |step: &str| sc.steps.iter().any(|s| s.name == step && s.ordered);
        let findings = diff::diff(want, &got, &ordered)
            .into_iter()
            .map(|f| {
                let why = differences
                    .iter()
                    .find(|d| d.explains(id, pin, db, &f))
                    .cloned();
                (f, why)
            })
            .collect();
        outcomes.push(Outcome {
            scenario: id.clone(),
            area: sc.area.clone(),
            pin: pin.clone(),
            database: db.clone(),
            findings,
        });
    }
    Ok(outcomes)
}

/// Reports recorded differences that explain no finding, so the list stays true.
fn stale_differences(
    differences: &[differences::Difference],
    outcomes: &[Outcome],
    failures: &mut Vec<String>,
) {
    for d in differences {
        // Each step an entry lists must explain something, so a list cannot keep a fixed step.
        for step in &d.step {
            let used = outcomes
                .iter()
                .flat_map(|o| &o.findings)
                .any(|(finding, why)| {
                    why.as_ref().is_some_and(|w| {
                        w.scenario == d.scenario && w.step == d.step && w.what == d.what
                    }) && (step == "*" || *step == finding.step)
                });
            if !used {
                failures.push(format!(
                    "stale difference: {} step `{step}` `{}` explains nothing",
                    d.scenario, d.what
                ));
            }
        }
    }
}

/// Writes the generated pages, or with `check` reports the ones that would change.
fn write_docs(
    root: &Path,
    pages: Vec<(String, String)>,
    check: bool,
    failures: &mut Vec<String>,
) -> anyhow::Result<()> {
    let dir = root.join("docs/parity");
    for (name, content) in pages {
        let path = dir.join(&name);
        if std::fs::read_to_string(&path).ok().as_deref() == Some(content.as_str()) {
            continue;
        }
        if check {
            failures.push(format!(
                "{} is stale (run `cargo xtask parity`)",
                path.display()
            ));
        } else {
            std::fs::create_dir_all(&dir)?;
            std::fs::write(&path, content)?;
        }
    }
    Ok(())
}

/// Installs the pin's oracle packages with `npm ci` when they are missing.
fn ensure_oracle_installed(root: &Path, pin: &str) -> anyhow::Result<()> {
    let dir = root.join("reference/oracle").join(pin);
    if dir.join("node_modules").exists() {
        return Ok(());
    }
    let status = std::process::Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--prefix"])
        .arg(&dir)
        .status()
        .context(
            "running npm (Node and npm are needed for the live mode; `--check` works without them)",
        )?;
    if !status.success() {
        bail!("npm ci failed for {}", dir.display());
    }
    Ok(())
}
