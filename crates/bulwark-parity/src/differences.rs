//! `reference/differences.toml`: every intentional difference from upstream, with its reason.
//!
//! An entry names a scenario, a step (or `*`, or a list of steps that differ for one reason), the pins
//! it applies to (default: both) and what differs (a finding path or a prefix of one, such as `status`
//! or `body.user`). A finding that no entry explains
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
    /// The step names (`step = "name"` or `step = ["a", "b"]` in the file), or `*` for every step.
    #[serde(deserialize_with = "one_or_many")]
    pub step: Vec<String>,
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
    /// Whether the entry applies to the step `name`.
    pub fn names_step(&self, name: &str) -> bool {
        self.step.iter().any(|step| step == "*" || step == name)
    }

    /// The steps as written: `*`, one name, or the names joined by `, `.
    pub fn steps(&self) -> String {
        self.step.join(", ")
    }

    /// Whether this entry explains `finding` of `scenario` on `pin` and `database`.
    pub fn explains(&self, scenario: &str, pin: &str, database: &str, finding: &Finding) -> bool {
        (self.scenario == scenario || self.scenario == "*")
            && self.names_step(&finding.step)
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

/// A step given as one name or as a list of names.
fn one_or_many<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    match OneOrMany::deserialize(deserializer)? {
        OneOrMany::One(step) => Ok(vec![step]),
        OneOrMany::Many(steps) if !steps.is_empty() => Ok(steps),
        OneOrMany::Many(_) => Err(serde::de::Error::custom("`step` lists no step")),
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
            step: vec!["s".to_owned()],
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
            step: vec!["*".to_owned()],
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

    #[test]
    fn an_entry_may_list_several_steps() {
        let file: File = toml::from_str(
            r#"
            [[difference]]
            scenario = "scim/x"
            step = ["a", "b"]
            what = "status"
            why = "one reason"
            "#,
        )
        .unwrap();
        let d = &file.differences[0];
        assert_eq!(d.steps(), "a, b");
        for (step, explained) in [("a", true), ("b", true), ("c", false)] {
            assert_eq!(
                d.explains("scim/x", "v1.7.1", "memory", &finding(step, "status")),
                explained
            );
        }
        let empty = toml::from_str::<File>(
            "[[difference]]\nscenario = \"s\"\nstep = []\nwhat = \"status\"\nwhy = \"w\"",
        );
        assert!(empty.is_err());
    }
}
