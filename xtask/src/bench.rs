//! `cargo xtask bench scim [--users N]`: one SCIM workload against Bulwark and against upstream
//! Better Auth v1.6.30 and v1.7.1, on `SQLite`, on this machine, in one run; prints a table of
//! figures and ratios.
//!
//! Each line runs the same workload in its own process, one after another (never in parallel, so
//! they do not compete for the cores):
//! - Bulwark: `crates/bulwark-scim/examples/bench.rs`, built and run with `cargo run --release`
//!   (xtask itself is a dev build; the figures must come from optimized code), calling
//!   `Auth::handle` in-process on a `SQLite` file through `bulwark_sql::SqlAdapter`;
//! - upstream: `reference/oracle/bench.mjs <pin>`, calling `auth.handler(new Request(...))`
//!   in-process in Node on a better-sqlite3 file, with the pin's packages from
//!   `reference/oracle/<pin>/node_modules` (installed with `npm ci` when missing).
//!
//! Both print one JSON object ([`Results`]); this module only runs them and compares. The workload
//! and the caveats of each pin are described in `docs/performance.md`.

#![expect(
    clippy::print_stdout,
    reason = "the results table is the command's output"
)]

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context as _, bail};
use serde::Deserialize;

/// Users provisioned when `--users` is not given.
pub(crate) const DEFAULT_USERS: usize = 10_000;

/// The upstream pins compared, oldest first.
const PINS: [&str; 2] = ["v1.6.30", "v1.7.1"];

/// A lookup is "flat" when its latency at N users is at most this many times its latency at 1,000.
const FLAT: f64 = 1.5;

/// The figures one line prints (the JSON of `examples/bench.rs` and `bench.mjs`).
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Results {
    /// `bulwark` or the pin.
    pub(crate) line: String,
    /// Users provisioned.
    pub(crate) users: usize,
    /// Sequential `POST /Users` per second.
    pub(crate) creates_per_s: f64,
    /// Lookup rounds: at 1,000 users (when N > 1,000) and at N.
    pub(crate) lookups: Vec<Lookups>,
    /// Mean milliseconds for the page of 100 at `startIndex=1`.
    pub(crate) page_first_ms: f64,
    /// Mean milliseconds for the page of 100 at `page_deep_start`.
    pub(crate) page_deep_ms: f64,
    /// Resources in the first page.
    pub(crate) page_first_items: usize,
    /// Resources in the deep page.
    pub(crate) page_deep_items: usize,
    /// The `startIndex` of the deep page.
    pub(crate) page_deep_start: usize,
    /// Sequential `PATCH` (replace `displayName`) per second.
    pub(crate) patches_per_s: f64,
}

/// One round of lookups: mean microseconds per request and how many found exactly one user.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Lookups {
    /// Users provisioned when the round ran.
    pub(crate) at: usize,
    /// `userName eq` mean latency.
    #[serde(rename = "userName_us")]
    pub(crate) user_name_us: Option<f64>,
    /// `userName eq` lookups answering exactly one user.
    #[serde(rename = "userName_hits")]
    pub(crate) user_name_hits: Option<usize>,
    /// `externalId eq` mean latency; `None` where the line cannot filter on it.
    #[serde(rename = "externalId_us")]
    pub(crate) external_id_us: Option<f64>,
    /// `externalId eq` lookups answering exactly one user.
    #[serde(rename = "externalId_hits")]
    pub(crate) external_id_hits: Option<usize>,
}

/// Parses `bench scim` arguments: `[--users N]`.
pub(crate) fn parse_users(args: &[&str]) -> anyhow::Result<usize> {
    match args {
        [] => Ok(DEFAULT_USERS),
        ["--users", n] => {
            let users: usize = n
                .replace('_', "")
                .parse()
                .with_context(|| format!("--users needs a whole number, got {n:?}"))?;
            if users == 0 {
                bail!("--users must be at least 1");
            }
            Ok(users)
        }
        _ => bail!("usage: cargo xtask bench scim [--users N]"),
    }
}

/// Runs the workload on every line and prints the table.
pub(crate) fn scim(root: &Path, users: usize) -> anyhow::Result<()> {
    let dir = root.join("target/bench-scim");
    std::fs::create_dir_all(&dir)?;
    for pin in PINS {
        ensure_oracle_installed(root, pin)?;
    }

    eprintln!("bench: Bulwark (release build), {users} users");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut bulwark = Command::new(cargo);
    bulwark
        .args([
            "run",
            "--quiet",
            "--release",
            "--package",
            "bulwark-scim",
            "--example",
            "bench",
            "--",
            "--users",
        ])
        .arg(users.to_string())
        .arg("--db")
        .arg(dir.join("bulwark.db"));
    let mut lines = vec![run_line(root, bulwark, "bulwark")?];

    for pin in PINS {
        eprintln!("bench: upstream {pin} (node), {users} users");
        let mut node = Command::new("node");
        node.arg(root.join("reference/oracle/bench.mjs"))
            .arg(pin)
            .arg("--users")
            .arg(users.to_string())
            .arg("--db")
            .arg(dir.join(format!("{pin}.db")));
        lines.push(run_line(root, node, pin)?);
    }

    let raw = dir.join("results.json");
    std::fs::write(&raw, serde_json::to_string_pretty(&raw_json(&lines))?)?;
    let [bulwark, v16, v17] = lines.as_slice() else {
        bail!("expected three result lines");
    };
    println!("{}", table(bulwark, v16, v17));
    println!("{}", targets(bulwark, v16, v17));
    eprintln!("bench: raw results in {}", raw.display());
    Ok(())
}

/// Runs one line's process and parses the JSON object it prints last.
fn run_line(root: &Path, mut command: Command, name: &str) -> anyhow::Result<Results> {
    let output = command
        .current_dir(root)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("could not start the {name} benchmark"))?;
    if !output.status.success() {
        bail!("the {name} benchmark failed ({})", output.status);
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let last = stdout
        .lines()
        .rev()
        .find(|line| !line.trim().is_empty())
        .with_context(|| format!("the {name} benchmark printed nothing"))?;
    serde_json::from_str(last).with_context(|| format!("unreadable {name} results: {last}"))
}

/// Installs the pin's oracle packages with `npm ci` when they are missing (as the parity harness does).
fn ensure_oracle_installed(root: &Path, pin: &str) -> anyhow::Result<()> {
    let dir = root.join("reference/oracle").join(pin);
    if dir.join("node_modules").exists() {
        return Ok(());
    }
    eprintln!("bench: installing the {pin} oracle packages (npm ci)");
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--prefix"])
        .arg(&dir)
        .status()
        .context("running npm (Node and npm are needed for the upstream lines)")?;
    if !status.success() {
        bail!("npm ci failed for {}", dir.display());
    }
    Ok(())
}

/// The results of every line as one JSON array, kept next to the databases.
fn raw_json(lines: &[Results]) -> serde_json::Value {
    serde_json::Value::Array(
        lines
            .iter()
            .map(|r| {
                serde_json::json!({
                    "line": r.line,
                    "users": r.users,
                    "creates_per_s": r.creates_per_s,
                    "lookups": r.lookups.iter().map(|l| serde_json::json!({
                        "at": l.at,
                        "userName_us": l.user_name_us,
                        "userName_hits": l.user_name_hits,
                        "externalId_us": l.external_id_us,
                        "externalId_hits": l.external_id_hits,
                    })).collect::<Vec<_>>(),
                    "page_first_ms": r.page_first_ms,
                    "page_first_items": r.page_first_items,
                    "page_deep_ms": r.page_deep_ms,
                    "page_deep_items": r.page_deep_items,
                    "page_deep_start": r.page_deep_start,
                    "patches_per_s": r.patches_per_s,
                })
            })
            .collect(),
    )
}

/// Whether a bigger figure is better (throughput) or a smaller one (latency).
#[derive(Clone, Copy)]
enum Better {
    Higher,
    Lower,
}

/// One row: label, which way is better, and the figure of each line (Bulwark, v1.6.30, v1.7.1).
struct Row {
    label: String,
    better: Better,
    figures: [Option<f64>; 3],
}

fn rows(bulwark: &Results, v16: &Results, v17: &Results) -> Vec<Row> {
    let all = [bulwark, v16, v17];
    let mut rows = vec![Row {
        label: "creates/s".into(),
        better: Better::Higher,
        figures: all.map(|r| Some(r.creates_per_s)),
    }];
    for (index, round) in bulwark.lookups.iter().enumerate() {
        let at = round.at;
        let pick = |r: &Results, f: fn(&Lookups) -> Option<f64>| {
            r.lookups.get(index).filter(|l| l.at == at).and_then(f)
        };
        rows.push(Row {
            label: format!("userName eq @{at} users (µs)"),
            better: Better::Lower,
            figures: all.map(|r| pick(r, |l| l.user_name_us)),
        });
        rows.push(Row {
            label: format!("externalId eq @{at} users (µs)"),
            better: Better::Lower,
            figures: all.map(|r| pick(r, |l| l.external_id_us)),
        });
    }
    rows.push(Row {
        label: "page startIndex=1 count=100 (ms)".into(),
        better: Better::Lower,
        figures: all.map(|r| Some(r.page_first_ms)),
    });
    rows.push(Row {
        label: format!("page startIndex={} count=100 (ms)", bulwark.page_deep_start),
        better: Better::Lower,
        figures: all.map(|r| Some(r.page_deep_ms)),
    });
    rows.push(Row {
        label: "PATCH displayName/s".into(),
        better: Better::Higher,
        figures: all.map(|r| Some(r.patches_per_s)),
    });
    rows
}

/// How many times better Bulwark's figure is than `other`'s.
fn ratio(better: Better, bulwark: f64, other: f64) -> f64 {
    match better {
        Better::Higher => bulwark / other,
        Better::Lower => other / bulwark,
    }
}

fn figure(value: Option<f64>) -> String {
    match value {
        None => "n/a".into(),
        Some(v) if v >= 100.0 => format!("{v:.0}"),
        Some(v) if v >= 10.0 => format!("{v:.1}"),
        Some(v) => format!("{v:.2}"),
    }
}

/// The Markdown table of figures and ratios (Bulwark over each upstream line; >1 means Bulwark is better).
pub(crate) fn table(bulwark: &Results, v16: &Results, v17: &Results) -> String {
    let mut out = format!(
        "| operation ({} users) | Bulwark | v1.6.30 | v1.7.1 | ratios |\n| --- | ---: | ---: | ---: | --- |\n",
        bulwark.users
    );
    for row in rows(bulwark, v16, v17) {
        let [ours, old, new] = row.figures;
        let ratios = match ours {
            Some(ours) => [(old, "v1.6"), (new, "v1.7.1")]
                .iter()
                .filter_map(|(other, name)| {
                    other.map(|o| format!("{:.1}x {name}", ratio(row.better, ours, o)))
                })
                .collect::<Vec<_>>()
                .join(", "),
            None => String::new(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            row.label,
            figure(ours),
            figure(old),
            figure(new),
            if ratios.is_empty() {
                "n/a".into()
            } else {
                ratios
            }
        );
    }
    out
}

/// The targets, each with the measured figure and whether Bulwark meets it.
pub(crate) fn targets(bulwark: &Results, v16: &Results, v17: &Results) -> String {
    let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
    let mut out = String::from("targets:\n");
    let vs16 = bulwark.creates_per_s / v16.creates_per_s;
    let vs17 = bulwark.creates_per_s / v17.creates_per_s;
    let _ = writeln!(
        out,
        "- create throughput >= 10x v1.6.30: {vs16:.1}x ({})",
        verdict(vs16 >= 10.0)
    );
    let _ = writeln!(
        out,
        "- create throughput >= 30x v1.7.1: {vs17:.1}x ({})",
        verdict(vs17 >= 30.0)
    );
    match (bulwark.lookups.first(), bulwark.lookups.last()) {
        (Some(early), Some(full)) if early.at < full.at => {
            for (name, early_us, full_us) in [
                ("userName", early.user_name_us, full.user_name_us),
                ("externalId", early.external_id_us, full.external_id_us),
            ] {
                if let (Some(a), Some(b)) = (early_us, full_us) {
                    let growth = b / a;
                    let _ = writeln!(
                        out,
                        "- {name} eq latency flat from {} to {} users (<= {FLAT}x): {growth:.2}x ({})",
                        early.at,
                        full.at,
                        verdict(growth <= FLAT)
                    );
                }
            }
        }
        _ => {
            let _ = writeln!(
                out,
                "- lookup flatness: needs more than 1,000 users (run with --users 100000)"
            );
        }
    }
    let deep = bulwark.page_deep_ms / bulwark.page_first_ms;
    let _ = writeln!(
        out,
        "- deep page (startIndex={}) as fast as the first (<= {FLAT}x): {deep:.2}x ({})",
        bulwark.page_deep_start,
        verdict(deep <= FLAT)
    );
    if bulwark.page_deep_items != bulwark.page_first_items {
        let _ = writeln!(
            out,
            "  (the deep page held {} users, the first {})",
            bulwark.page_deep_items, bulwark.page_first_items
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn results(line: &str, creates: f64, lookup_us: Option<f64>) -> Results {
        serde_json::from_value(serde_json::json!({
            "line": line,
            "users": 10_000,
            "creates_per_s": creates,
            "lookups": [
                {"at": 1000, "userName_us": 100.0, "userName_hits": 1000,
                 "externalId_us": lookup_us, "externalId_hits": lookup_us.map(|_| 1000)},
                {"at": 10_000, "userName_us": 120.0, "userName_hits": 1000,
                 "externalId_us": lookup_us, "externalId_hits": lookup_us.map(|_| 1000)},
            ],
            "page_first_ms": 2.0,
            "page_first_items": 100,
            "page_deep_ms": 8.0,
            "page_deep_items": 100,
            "page_deep_start": 9901,
            "patches_per_s": 50.0,
        }))
        .unwrap()
    }

    #[test]
    fn users_default_to_ten_thousand_and_accept_underscores() {
        assert_eq!(parse_users(&[]).unwrap(), 10_000);
        assert_eq!(parse_users(&["--users", "100_000"]).unwrap(), 100_000);
        assert!(parse_users(&["--users", "0"]).is_err());
        assert!(parse_users(&["--users"]).is_err());
        assert!(parse_users(&["--fast"]).is_err());
    }

    #[test]
    fn table_gives_bulwark_over_each_upstream_line() {
        let table = table(
            &results("bulwark", 1230.0, Some(100.0)),
            &results("v1.6.30", 100.0, None),
            &results("v1.7.1", 30.0, Some(200.0)),
        );
        assert!(
            table.contains("| creates/s | 1230 | 100 | 30.0 | 12.3x v1.6, 41.0x v1.7.1 |"),
            "{table}"
        );
        // Latency ratios are upstream over Bulwark; a line that cannot filter shows n/a.
        assert!(
            table.contains("| externalId eq @1000 users (µs) | 100 | n/a | 200 | 2.0x v1.7.1 |"),
            "{table}"
        );
        assert!(
            table.contains("| page startIndex=9901 count=100 (ms) |"),
            "{table}"
        );
    }

    #[test]
    fn targets_report_misses() {
        let report = targets(
            &results("bulwark", 1230.0, Some(100.0)),
            &results("v1.6.30", 100.0, None),
            &results("v1.7.1", 60.0, Some(200.0)),
        );
        assert!(
            report.contains("- create throughput >= 10x v1.6.30: 12.3x (met)"),
            "{report}"
        );
        assert!(
            report.contains("- create throughput >= 30x v1.7.1: 20.5x (MISSED)"),
            "{report}"
        );
        assert!(
            report.contains(
                "userName eq latency flat from 1000 to 10000 users (<= 1.5x): 1.20x (met)"
            ),
            "{report}"
        );
        assert!(
            report.contains(
                "deep page (startIndex=9901) as fast as the first (<= 1.5x): 4.00x (MISSED)"
            ),
            "{report}"
        );
    }
}
