//! The upstream test catalogue and how each test is accounted for.
//!
//! `reference/catalogue/<area>/tests-<pin>.tsv` lists every upstream test of an area at a pin (columns:
//! version, file, line, describe path, title, parameter cases). A test is accounted for by a scenario
//! that mirrors it, by a Rust test carrying an `upstream: <file> › <describe> › <title>` line, or by an
//! entry in `reference/catalogue/<area>/accounted.toml` that says why it does not apply (or which later
//! work will cover it). Keys compare the file by its base name, so a marker may give the full path.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::Deserialize;

use crate::scenario::Scenario;

/// One catalogued upstream test.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UpstreamTest {
    /// The area (`core`, `scim`).
    pub area: String,
    /// The pin (`v1.6.30`).
    pub pin: String,
    /// The test file's base name.
    pub file: String,
    /// The line in the file.
    pub line: u32,
    /// `file › describe › … › title`.
    pub key: String,
}

/// How a test is accounted for.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Account {
    /// Mirrored by a scenario (its id).
    Scenario(String),
    /// Ported as a Rust test (its file).
    RustTest(String),
    /// Does not apply, with the reason.
    NotApplicable(String),
    /// Planned, with the work that covers it.
    Pending(String),
}

/// An entry of `accounted.toml`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    /// A whole file (base name), or …
    #[serde(default)]
    file: Option<String>,
    /// … one test key.
    #[serde(default)]
    test: Option<String>,
    /// The pins it applies to; empty means both.
    #[serde(default)]
    pins: Vec<String>,
    /// `not-applicable` or `pending`.
    status: String,
    /// Why.
    reason: String,
}

#[derive(Debug, Default, Deserialize)]
struct EntryFile {
    #[serde(default, rename = "entry")]
    entries: Vec<Entry>,
}

/// A key with the file reduced to its base name and separators normalised.
pub fn normalize_key(key: &str) -> String {
    let parts: Vec<&str> = key.split('›').map(str::trim).collect();
    let mut parts: Vec<String> = parts.iter().map(|p| (*p).to_owned()).collect();
    if let Some(first) = parts.first_mut() {
        *first = first.rsplit('/').next().unwrap_or(first).to_owned();
    }
    parts.join(" › ")
}

/// Loads every catalogue under `dir` (`reference/catalogue`).
pub fn load_tests(dir: &Path) -> anyhow::Result<Vec<UpstreamTest>> {
    let mut tests = Vec::new();
    for area in sorted_dirs(dir)? {
        let area_name = area
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        for pin in crate::scenario::PINS {
            let file = area.join(format!("tests-{pin}.tsv"));
            if !file.exists() {
                continue;
            }
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            for (n, line) in text.lines().enumerate().skip(1) {
                let cols: Vec<&str> = line.split('\t').collect();
                let [_, test_file, test_line, describe, title, ..] = cols.as_slice() else {
                    bail!("{}:{}: expected at least 5 columns", file.display(), n + 1);
                };
                let mut key = (*test_file).to_owned();
                for part in describe.split(" > ").filter(|p| !p.is_empty()) {
                    key.push_str(" › ");
                    key.push_str(part);
                }
                key.push_str(" › ");
                key.push_str(title);
                tests.push(UpstreamTest {
                    area: area_name.clone(),
                    pin: pin.to_owned(),
                    file: (*test_file).to_owned(),
                    line: test_line.parse().unwrap_or(0),
                    key: normalize_key(&key),
                });
            }
        }
    }
    Ok(tests)
}

fn sorted_dirs(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut dirs = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            dirs.push(path);
        }
    }
    dirs.sort();
    Ok(dirs)
}

/// Every `upstream:` marker in the Rust sources under `crates/`, as (normalised key, file).
pub fn rust_markers(root: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let mut files = Vec::new();
    rust_files(&root.join("crates"), &mut files)?;
    files.sort();
    let mut markers = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file)?;
        let relative = file
            .strip_prefix(root)
            .unwrap_or(&file)
            .display()
            .to_string();
        for line in text.lines() {
            let trimmed = line.trim_start();
            let marker = trimmed
                .strip_prefix("/// upstream:")
                .or_else(|| trimmed.strip_prefix("// upstream:"));
            if let Some(key) = marker {
                markers.push((normalize_key(key.trim()), relative.clone()));
            }
        }
    }
    Ok(markers)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == "target") {
                continue;
            }
            rust_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    Ok(())
}

/// The result of accounting for every catalogued test.
#[derive(Debug, Default)]
pub struct Coverage {
    /// Each test with how it is accounted for (empty: unmapped).
    pub tests: Vec<(UpstreamTest, BTreeSet<Account>)>,
    /// Markers and mirrors that name no catalogued test: (key, where).
    pub unknown: Vec<(String, String)>,
}

impl Coverage {
    /// Tests that a scenario or a Rust test covers but `accounted.toml` still calls pending or not
    /// applicable: the entry is no longer true.
    pub fn stale_entries(&self) -> impl Iterator<Item = &UpstreamTest> {
        self.tests
            .iter()
            .filter(|(_, accounts)| {
                let covered = accounts
                    .iter()
                    .any(|a| matches!(a, Account::Scenario(_) | Account::RustTest(_)));
                let excused = accounts
                    .iter()
                    .any(|a| matches!(a, Account::NotApplicable(_) | Account::Pending(_)));
                covered && excused
            })
            .map(|(test, _)| test)
    }

    /// Tests nothing accounts for.
    pub fn unmapped(&self) -> impl Iterator<Item = &UpstreamTest> {
        self.tests
            .iter()
            .filter(|(_, a)| a.is_empty())
            .map(|(t, _)| t)
    }
}

/// Accounts for every catalogued test.
pub fn account(root: &Path, scenarios: &[Scenario]) -> anyhow::Result<Coverage> {
    let dir = root.join("reference/catalogue");
    let tests = load_tests(&dir)?;
    let known: BTreeSet<&str> = tests.iter().map(|t| t.key.as_str()).collect();
    let mut by_key: BTreeMap<(String, String), BTreeSet<Account>> = BTreeMap::new();
    let mut unknown = Vec::new();
    for scenario in scenarios {
        for mirror in &scenario.mirrors {
            let key = normalize_key(mirror);
            if !known.contains(key.as_str()) {
                unknown.push((key.clone(), scenario.id.clone()));
            }
            for pin in &scenario.pins {
                by_key
                    .entry((pin.clone(), key.clone()))
                    .or_default()
                    .insert(Account::Scenario(scenario.id.clone()));
            }
        }
    }
    for (key, file) in rust_markers(root)? {
        if !known.contains(key.as_str()) {
            unknown.push((key.clone(), file.clone()));
        }
        for pin in crate::scenario::PINS {
            by_key
                .entry((pin.to_owned(), key.clone()))
                .or_default()
                .insert(Account::RustTest(file.clone()));
        }
    }
    let mut entries = Vec::new();
    for area in sorted_dirs(&dir)? {
        let file = area.join("accounted.toml");
        if file.exists() {
            let text = std::fs::read_to_string(&file)?;
            let parsed: EntryFile =
                toml::from_str(&text).with_context(|| format!("parsing {}", file.display()))?;
            entries.extend(parsed.entries);
        }
    }
    let mut coverage = Coverage {
        tests: Vec::new(),
        unknown,
    };
    for test in tests {
        let mut accounts = by_key
            .get(&(test.pin.clone(), test.key.clone()))
            .cloned()
            .unwrap_or_default();
        let covered = !accounts.is_empty();
        for entry in &entries {
            let applies = entry.pins.is_empty() || entry.pins.contains(&test.pin);
            let names_test =
                entry.test.as_deref().map(normalize_key).as_deref() == Some(test.key.as_str());
            let names_file = entry.file.as_deref() == Some(test.file.as_str());
            // A file-wide `pending` entry speaks for the tests of the file nothing covers yet, so a
            // file can be ported test by test; a test-level entry, or a file-wide `not-applicable`,
            // must go when a test it names is covered.
            let rest_of_file = names_file && entry.status == "pending" && covered;
            if applies && (names_test || names_file) && !rest_of_file {
                accounts.insert(match entry.status.as_str() {
                    "pending" => Account::Pending(entry.reason.clone()),
                    _ => Account::NotApplicable(entry.reason.clone()),
                });
            }
        }
        coverage.tests.push((test, accounts));
    }
    Ok(coverage)
}

#[cfg(test)]
mod tests {
    use super::normalize_key;

    #[test]
    fn keys_compare_files_by_base_name() {
        assert_eq!(
            normalize_key(
                "packages/better-auth/src/api/routes/sign-up.test.ts ›  sign-up › should work"
            ),
            "sign-up.test.ts › sign-up › should work"
        );
    }
}
