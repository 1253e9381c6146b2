//! The checkers' results as one list of checks, judged against `reference/conformance-expected.toml`.
//!
//! Each checker writes its own JSON (our scim2-tester driver's file, scim-sanity's `--json-output`);
//! both become [`Check`]s named as the checker names them (scim2-tester: `title [ResourceType]`,
//! scim-sanity: the test name, such as `GET /Users/{id}`). A failed check listed in the expected file
//! does not fail the run; a listed check that no longer fails (or no longer runs) is stale and does.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context as _, bail};
use serde::Deserialize;

/// The checkers, in the order they run and are reported.
pub(crate) const CHECKERS: [&str; 2] = [SCIM2_TESTER, SCIM_SANITY];
/// scim2-tester, through `scripts/conformance/scim2_tester_run.py`.
pub(crate) const SCIM2_TESTER: &str = "scim2-tester";
/// scim-sanity's `probe`.
pub(crate) const SCIM_SANITY: &str = "scim-sanity";

/// How one check ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    Pass,
    /// Passed with a remark the checker considers harmless (scim-sanity's `warn`).
    Warn,
    Skip,
    Fail,
}

/// One result of one checker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Check {
    pub(crate) checker: &'static str,
    pub(crate) name: String,
    pub(crate) outcome: Outcome,
    /// What the checker said: why it failed (request and response), or a remark.
    pub(crate) reason: String,
}

impl Check {
    /// A failure standing for a checker that produced no results, so that the run fails.
    pub(crate) fn broken(checker: &'static str, reason: String) -> Self {
        Self {
            checker,
            name: "(the checker did not run to the end)".to_owned(),
            outcome: Outcome::Fail,
            reason,
        }
    }
}

/// The results file of `scripts/conformance/scim2_tester_run.py`.
pub(crate) fn parse_scim2_tester(json: &str) -> anyhow::Result<Vec<Check>> {
    #[derive(Deserialize)]
    struct File {
        results: Vec<Row>,
    }
    #[derive(Deserialize)]
    struct Row {
        outcome: String,
        title: Option<String>,
        resource_type: Option<String>,
        reason: Option<String>,
        data: Option<String>,
    }
    let file: File = serde_json::from_str(json).context("not scim2-tester results")?;
    file.results
        .into_iter()
        .map(|row| {
            let outcome = match row.outcome.as_str() {
                "pass" => Outcome::Pass,
                "skip" => Outcome::Skip,
                "fail" => Outcome::Fail,
                other => bail!("unknown scim2-tester outcome `{other}`"),
            };
            let title = row.title.unwrap_or_else(|| "(untitled)".to_owned());
            let name = match row.resource_type {
                Some(resource_type) => format!("{title} [{resource_type}]"),
                None => title,
            };
            let reason = [row.reason, row.data]
                .into_iter()
                .flatten()
                .filter(|text| !text.is_empty() && text != "''")
                .collect::<Vec<_>>()
                .join(" | data: ");
            Ok(Check {
                checker: SCIM2_TESTER,
                name,
                outcome,
                reason,
            })
        })
        .collect()
}

/// The output of `scim-sanity probe --json-output`.
pub(crate) fn parse_scim_sanity(json: &str) -> anyhow::Result<Vec<Check>> {
    #[derive(Deserialize)]
    struct File {
        results: Vec<Row>,
    }
    #[derive(Deserialize)]
    struct Row {
        name: String,
        status: String,
        message: Option<String>,
        details: Option<String>,
    }
    let file: File = serde_json::from_str(json).context("not scim-sanity results")?;
    file.results
        .into_iter()
        .map(|row| {
            let outcome = match row.status.as_str() {
                "pass" => Outcome::Pass,
                "warn" => Outcome::Warn,
                "skip" => Outcome::Skip,
                "fail" | "error" => Outcome::Fail,
                other => bail!("unknown scim-sanity status `{other}`"),
            };
            let reason = [row.message, row.details]
                .into_iter()
                .flatten()
                .filter(|text| !text.is_empty())
                .collect::<Vec<_>>()
                .join(" | ");
            Ok(Check {
                checker: SCIM_SANITY,
                name: row.name,
                outcome,
                reason,
            })
        })
        .collect()
}

/// One deliberately failed check.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub(crate) struct Expected {
    pub(crate) checker: String,
    /// The check's name as the report prints it.
    pub(crate) check: String,
    /// Text the failure's message must contain, for a check that fails once per attribute (such as
    /// `check_remove_attribute [User]`): only that failure is expected, not every failure of the check.
    #[serde(default)]
    pub(crate) detail: Option<String>,
    /// Whether the failure depends on the checker's random data (it fails only when it draws a
    /// certain value): such an entry is not stale when the check passes, only when it does not run.
    #[serde(default)]
    pub(crate) intermittent: bool,
    /// Why Bulwark fails it, with the RFC section.
    pub(crate) reason: String,
}

impl Expected {
    /// Whether this entry is about `check` (whatever its outcome).
    fn covers(&self, check: &Check) -> bool {
        self.checker == check.checker
            && self.check == check.name
            && self.detail.as_ref().is_none_or(|detail| {
                check.outcome != Outcome::Fail || check.reason.contains(detail.as_str())
            })
    }
}

/// Reads the expected failures; a missing file means none.
pub(crate) fn load_expected(path: &Path) -> anyhow::Result<Vec<Expected>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(err) => return Err(err).with_context(|| format!("could not read {}", path.display())),
    };
    parse_expected(&text).with_context(|| format!("invalid {}", path.display()))
}

fn parse_expected(text: &str) -> anyhow::Result<Vec<Expected>> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct File {
        #[serde(default)]
        expected: Vec<Expected>,
    }
    let file: File = toml::from_str(text)?;
    for entry in &file.expected {
        if !CHECKERS.contains(&entry.checker.as_str()) {
            bail!(
                "unknown checker `{}` (known: {})",
                entry.checker,
                CHECKERS.join(", ")
            );
        }
        if entry.reason.trim().is_empty() {
            bail!("`{}` / `{}` has no reason", entry.checker, entry.check);
        }
    }
    Ok(file.expected)
}

/// The checks judged against the expected failures.
#[derive(Debug)]
pub(crate) struct Report<'a> {
    checks: &'a [Check],
    expected: &'a [Expected],
}

impl<'a> Report<'a> {
    pub(crate) fn new(checks: &'a [Check], expected: &'a [Expected]) -> Self {
        Self { checks, expected }
    }

    fn is_expected(&self, check: &Check) -> bool {
        self.expected.iter().any(|entry| entry.covers(check))
    }

    /// Failed checks that are not listed as expected.
    pub(crate) fn unexpected_failures(&self) -> impl Iterator<Item = &'a Check> + '_ {
        self.checks
            .iter()
            .filter(|check| check.outcome == Outcome::Fail && !self.is_expected(check))
    }

    /// Listed checks that did not fail: each with what happened instead.
    pub(crate) fn stale(&self) -> Vec<(&'a Expected, &'static str)> {
        self.expected
            .iter()
            .filter_map(|entry| {
                let matching: Vec<&Check> = self
                    .checks
                    .iter()
                    .filter(|check| entry.covers(check))
                    .collect();
                if matching.is_empty() {
                    Some((entry, "did not run"))
                } else if entry.intermittent
                    || matching.iter().any(|check| check.outcome == Outcome::Fail)
                {
                    None
                } else {
                    Some((entry, "passed"))
                }
            })
            .collect()
    }

    /// Whether the run passes: no unexpected failure and no stale entry.
    pub(crate) fn passed(&self) -> bool {
        self.unexpected_failures().next().is_none() && self.stale().is_empty()
    }

    /// The per-checker table, then every unexpected and expected failure with its reason, then stale
    /// entries.
    pub(crate) fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{:<14} {:>5} {:>5} {:>9} {:>5} {:>5}",
            "checker", "pass", "fail", "expected", "warn", "skip"
        );
        for checker in CHECKERS {
            let of = |wanted: &dyn Fn(&Check) -> bool| {
                self.checks
                    .iter()
                    .filter(|check| check.checker == checker && wanted(check))
                    .count()
            };
            let _ = writeln!(
                out,
                "{checker:<14} {:>5} {:>5} {:>9} {:>5} {:>5}",
                of(&|check| check.outcome == Outcome::Pass),
                of(&|check| check.outcome == Outcome::Fail && !self.is_expected(check)),
                of(&|check| check.outcome == Outcome::Fail && self.is_expected(check)),
                of(&|check| check.outcome == Outcome::Warn),
                of(&|check| check.outcome == Outcome::Skip),
            );
        }
        let sections = [
            ("failed", Outcome::Fail, false),
            ("failed as expected", Outcome::Fail, true),
            ("warnings", Outcome::Warn, false),
        ];
        for (heading, outcome, expected) in sections {
            let listed: Vec<&Check> = self
                .checks
                .iter()
                .filter(|check| check.outcome == outcome && self.is_expected(check) == expected)
                .collect();
            if listed.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n{heading}:");
            for check in listed {
                let _ = writeln!(
                    out,
                    "  {} › {}: {}",
                    check.checker, check.name, check.reason
                );
            }
        }
        let stale = self.stale();
        if !stale.is_empty() {
            let _ = writeln!(
                out,
                "\nstale entries in reference/conformance-expected.toml (remove them):"
            );
            for (entry, what) in stale {
                let _ = writeln!(out, "  {} › {}: {what}", entry.checker, entry.check);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(checker: &'static str, name: &str, outcome: Outcome) -> Check {
        Check {
            checker,
            name: name.to_owned(),
            outcome,
            reason: "because".to_owned(),
        }
    }

    fn expected(checker: &str, check: &str) -> Expected {
        Expected {
            checker: checker.to_owned(),
            check: check.to_owned(),
            detail: None,
            intermittent: false,
            reason: "RFC 7644 §3.3".to_owned(),
        }
    }

    #[test]
    fn scim2_tester_results_are_named_with_their_resource_type() {
        let json = r#"{"summary": {}, "results": [
            {"status": "SUCCESS", "outcome": "pass", "title": "query_all_schemas", "resource_type": null,
             "tags": [], "reason": null, "data": null},
            {"status": "ERROR", "outcome": "fail", "title": "object_creation", "resource_type": "User",
             "tags": ["crud:create"], "reason": "bad email", "data": "{'status': '400'}"},
            {"status": "ERROR", "outcome": "fail", "title": "random_url", "resource_type": null,
             "tags": ["misc"], "reason": "404 without a SCIM error", "data": "''"}
        ]}"#;
        let checks = parse_scim2_tester(json).unwrap();
        assert_eq!(
            checks,
            [
                Check {
                    reason: String::new(),
                    ..check(SCIM2_TESTER, "query_all_schemas", Outcome::Pass)
                },
                Check {
                    reason: "bad email | data: {'status': '400'}".to_owned(),
                    ..check(SCIM2_TESTER, "object_creation [User]", Outcome::Fail)
                },
                Check {
                    reason: "404 without a SCIM error".to_owned(),
                    ..check(SCIM2_TESTER, "random_url", Outcome::Fail)
                },
            ]
        );
        assert!(parse_scim2_tester(r#"{"results": [{"outcome": "odd"}]}"#).is_err());
    }

    #[test]
    fn scim_sanity_statuses_become_outcomes() {
        let json = r#"{"summary": {}, "issues": [], "results": [
            {"name": "GET /Schemas", "status": "pass", "phase": "Phase 1"},
            {"name": "POST /Users", "status": "fail", "message": "got 500", "details": "body", "phase": "Phase 2"},
            {"name": "PATCH /Users/{id}", "status": "error", "message": "timeout"},
            {"name": "GET /Users", "status": "warn", "message": "no totalResults"},
            {"name": "Group CRUD Lifecycle", "status": "skip", "message": "Group not in scope"}
        ]}"#;
        let outcomes: Vec<(String, Outcome, String)> = parse_scim_sanity(json)
            .unwrap()
            .into_iter()
            .map(|check| (check.name, check.outcome, check.reason))
            .collect();
        let expected = [
            ("GET /Schemas", Outcome::Pass, ""),
            ("POST /Users", Outcome::Fail, "got 500 | body"),
            ("PATCH /Users/{id}", Outcome::Fail, "timeout"),
            ("GET /Users", Outcome::Warn, "no totalResults"),
            ("Group CRUD Lifecycle", Outcome::Skip, "Group not in scope"),
        ]
        .map(|(name, outcome, reason)| (name.to_owned(), outcome, reason.to_owned()));
        assert_eq!(outcomes, expected);
    }

    #[test]
    fn expected_failures_do_not_fail_the_run() {
        let checks = [
            check(SCIM2_TESTER, "random_url", Outcome::Fail),
            check(SCIM_SANITY, "POST /Users", Outcome::Pass),
        ];
        let listed = [expected(SCIM2_TESTER, "random_url")];
        let report = Report::new(&checks, &listed);
        assert!(report.passed());
        assert!(
            report
                .render()
                .contains("failed as expected:\n  scim2-tester › random_url")
        );

        let report = Report::new(&checks, &[]);
        assert!(!report.passed());
        assert_eq!(report.unexpected_failures().count(), 1);
    }

    #[test]
    fn a_listed_check_that_passes_or_is_missing_is_stale() {
        let checks = [
            check(SCIM2_TESTER, "object_query [User]", Outcome::Pass),
            check(SCIM2_TESTER, "schemas_endpoint_methods", Outcome::Pass),
            check(SCIM2_TESTER, "schemas_endpoint_methods", Outcome::Fail),
        ];
        let listed = [
            expected(SCIM2_TESTER, "object_query [User]"),
            expected(SCIM_SANITY, "GET /Groups"),
            expected(SCIM2_TESTER, "schemas_endpoint_methods"),
        ];
        let report = Report::new(&checks, &listed);
        let stale: Vec<(&str, &str)> = report
            .stale()
            .into_iter()
            .map(|(entry, what)| (entry.check.as_str(), what))
            .collect();
        assert_eq!(
            stale,
            [
                ("object_query [User]", "passed"),
                ("GET /Groups", "did not run")
            ]
        );
        assert!(!report.passed());
        assert!(report.render().contains("stale entries"));
    }

    #[test]
    fn an_entry_with_a_detail_expects_only_the_failure_that_says_it() {
        let failure = |reason: &str| Check {
            reason: reason.to_owned(),
            ..check(SCIM2_TESTER, "check_remove_attribute [User]", Outcome::Fail)
        };
        let checks = [
            failure("did not remove attribute 'displayName'"),
            failure("did not remove attribute 'title'"),
            check(SCIM2_TESTER, "check_remove_attribute [User]", Outcome::Pass),
        ];
        let listed = [
            Expected {
                detail: Some("attribute 'displayName'".to_owned()),
                ..expected(SCIM2_TESTER, "check_remove_attribute [User]")
            },
            Expected {
                detail: Some("attribute 'active'".to_owned()),
                ..expected(SCIM2_TESTER, "check_remove_attribute [User]")
            },
        ];
        let report = Report::new(&checks, &listed);
        let unexpected: Vec<&str> = report
            .unexpected_failures()
            .map(|check| check.reason.as_str())
            .collect();
        assert_eq!(unexpected, ["did not remove attribute 'title'"]);
        let stale: Vec<Option<&str>> = report
            .stale()
            .into_iter()
            .map(|(entry, _)| entry.detail.as_deref())
            .collect();
        assert_eq!(stale, [Some("attribute 'active'")]);

        let intermittent = [Expected {
            intermittent: true,
            ..listed[1].clone()
        }];
        assert!(Report::new(&checks, &intermittent).stale().is_empty());
        assert_eq!(Report::new(&[], &intermittent).stale().len(), 1);
    }

    #[test]
    fn the_expected_file_is_checked() {
        let entry = r#"
            [[expected]]
            checker = "scim-sanity"
            check = "GET /Users"
            reason = "RFC 7644 §3.4.2"
        "#;
        assert_eq!(
            parse_expected(entry).unwrap(),
            [expected(SCIM_SANITY, "GET /Users")]
                .map(|entry| Expected {
                    reason: "RFC 7644 §3.4.2".to_owned(),
                    ..entry
                })
                .to_vec()
        );
        assert!(parse_expected("").unwrap().is_empty());
        assert!(parse_expected(&entry.replace("scim-sanity", "scim2-cli")).is_err());
        assert!(parse_expected(&entry.replace("RFC 7644 §3.4.2", " ")).is_err());
        assert!(parse_expected(&entry.replace("reason", "why")).is_err());
    }

    /// The committed file parses.
    #[test]
    fn the_repository_expected_file_is_valid() {
        let root = crate::workspace_root();
        load_expected(&root.join("reference/conformance-expected.toml")).unwrap();
    }
}
