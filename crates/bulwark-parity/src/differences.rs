//! `reference/differences.toml`: every intentional difference from upstream, with its reason.
//!
//! An entry names a scenario, a step (or `*`), the pins it applies to (default: both) and what differs
//! (a finding path or a prefix of one, such as `status` or `body.user`). A finding that no entry explains
//! is a regression; an entry that explains nothing is stale and is reported too, so the list stays true.

use std::path::Path;

use anyhow::Context;
use serde::Deserialize;

use crate::diff::Finding;

/// One recorded difference.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Difference {
    /// The scenario id (`core/update-user`).
    pub scenario: String,
    /// The step name, or `*` for every step.
    pub step: String,
    /// The pins it applies to; empty means both.
    #[serde(default)]
    pub pins: Vec<String>,
    /// The databases it applies to; empty means all.
    #[serde(default)]
    pub databases: Vec<String>,
    /// The finding path or prefix (`status`, `header:set-cookie`, `body.user.name`).
    pub what: String,
    /// Narrows the entry to findings of one shape: `absent-vs-null` matches only a key upstream leaves
    /// out where Bulwark answers `null`; `upstream-absent` a key upstream leaves out, whatever Bulwark
    /// answers.
    #[serde(default)]
    pub when: Option<String>,
    /// Why Bulwark differs.
    pub why: String,
}

#[derive(Debug, Default, Deserialize)]
struct File {
    #[serde(default, rename = "difference")]
    differences: Vec<Difference>,
}

impl Difference {
    /// Whether this entry explains `finding` of `scenario` on `pin` and `database`.
    pub fn explains(&self, scenario: &str, pin: &str, database: &str, finding: &Finding) -> bool {
        (self.scenario == scenario || self.scenario == "*")
            && (self.step == "*" || self.step == finding.step)
            && (self.pins.is_empty() || self.pins.iter().any(|p| p == pin))
            && (self.databases.is_empty() || self.databases.iter().any(|d| d == database))
            && (finding.path == self.what
                || finding.path.starts_with(&format!("{}.", self.what))
                || finding.path.starts_with(&format!("{}[", self.what)))
            && match self.when.as_deref() {
                None => true,
                Some("absent-vs-null") => {
                    finding.expected == "(absent)" && finding.actual == "null"
                }
                Some("upstream-absent") => finding.expected == "(absent)",
                Some(_) => false,
            }
    }
}

/// Loads the differences file (missing file: no differences).
pub fn load(path: &Path) -> anyhow::Result<Vec<Difference>> {
    if !path.exists() {
        return Ok(Vec::new());
    }
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let file: File =
        toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    Ok(file.differences)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(step: &str, path: &str) -> Finding {
        Finding {
            step: step.to_owned(),
            path: path.to_owned(),
            expected: String::new(),
            actual: String::new(),
        }
    }

    #[test]
    fn entries_match_by_scenario_step_pin_and_path_prefix() {
        let d = Difference {
            scenario: "core/x".to_owned(),
            step: "s".to_owned(),
            pins: vec!["v1.6.30".to_owned()],
            databases: Vec::new(),
            when: None,
            what: "body.user".to_owned(),
            why: "because".to_owned(),
        };
        assert!(d.explains(
            "core/x",
            "v1.6.30",
            "memory",
            &finding("s", "body.user.name")
        ));
        assert!(d.explains("core/x", "v1.6.30", "memory", &finding("s", "body.user")));
        assert!(!d.explains(
            "core/x",
            "v1.7.1",
            "memory",
            &finding("s", "body.user.name")
        ));
        assert!(!d.explains(
            "core/x",
            "v1.6.30",
            "memory",
            &finding("t", "body.user.name")
        ));
        assert!(!d.explains(
            "core/x",
            "v1.6.30",
            "memory",
            &finding("s", "body.username")
        ));
        assert!(!d.explains("core/y", "v1.6.30", "memory", &finding("s", "body.user")));
    }

    #[test]
    fn absent_vs_null_matches_only_that_shape() {
        let d = Difference {
            scenario: "*".to_owned(),
            step: "*".to_owned(),
            pins: Vec::new(),
            databases: vec!["memory".to_owned()],
            when: Some("absent-vs-null".to_owned()),
            what: "body".to_owned(),
            why: "memory adapter".to_owned(),
        };
        let shaped = |expected: &str, actual: &str| Finding {
            step: "s".to_owned(),
            path: "body.logo".to_owned(),
            expected: expected.to_owned(),
            actual: actual.to_owned(),
        };
        assert!(d.explains("x/y", "v1.7.1", "memory", &shaped("(absent)", "null")));
        assert!(!d.explains("x/y", "v1.7.1", "memory", &shaped("(absent)", "\"x\"")));
        assert!(!d.explains("x/y", "v1.7.1", "sqlite", &shaped("(absent)", "null")));
    }
}
