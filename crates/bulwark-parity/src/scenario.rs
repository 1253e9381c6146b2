//! Scenarios: the TOML files in `reference/scenarios/<area>/` that describe one exchange with the server.
//!
//! A scenario names the upstream tests it mirrors, the options both servers are built with (upstream's
//! own option names, so the oracle can pass them straight to `betterAuth`), and a list of steps. A step is
//! one HTTP request; it may capture values from its response (by JSON pointer or header) that later steps
//! use as `{{name}}`. Each scenario has a cookie jar, as a browser has, unless a step opts out.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::Deserialize;

/// The pinned upstream versions a scenario can run against.
pub const PINS: [&str; 2] = ["v1.6.30", "v1.7.1"];

/// One scenario file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// What the scenario shows, in a sentence.
    pub title: String,
    /// Upstream tests it mirrors, as `file › describe › title`.
    #[serde(default)]
    pub mirrors: Vec<String>,
    /// The pins it runs against (default: both).
    #[serde(default = "all_pins")]
    pub pins: Vec<String>,
    /// The databases it runs on (default: memory and sqlite).
    #[serde(default = "all_databases")]
    pub databases: Vec<String>,
    /// Upstream options (`emailAndPassword`, `session`, `plugins`, ...).
    #[serde(default)]
    pub options: serde_json::Value,
    /// Options for one pin where the two lines differ (`[pin_options."v1.7.1"]`): each top-level key
    /// replaces the same key of `options` on that pin (and on Bulwark when it is compared with that pin).
    #[serde(default)]
    pub pin_options: BTreeMap<String, serde_json::Value>,
    /// The requests, in order.
    #[serde(rename = "step")]
    pub steps: Vec<Step>,
    /// Set by the loader: `<area>/<file stem>`.
    #[serde(skip)]
    pub id: String,
    /// Set by the loader: the area (the directory).
    #[serde(skip)]
    pub area: String,
    /// Set by the loader: the file.
    #[serde(skip)]
    pub path: PathBuf,
}

fn all_pins() -> Vec<String> {
    PINS.iter().map(|p| (*p).to_owned()).collect()
}

fn all_databases() -> Vec<String> {
    vec!["memory".to_owned(), "sqlite".to_owned()]
}

/// One request.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// A short name, unique in the scenario (differences refer to it).
    pub name: String,
    /// `METHOD /path?query`, the path below the base path (empty for a server-side `call`).
    #[serde(default)]
    pub request: String,
    /// A server-side API call instead of an HTTP request: upstream's `auth.api.<call>(args)`, such as
    /// `addMember` (no HTTP route exists for it). Its answer is recorded like a response.
    #[serde(default)]
    pub call: Option<String>,
    /// The call's arguments (`{ body = {...} }`), with `{{captures}}` substituted.
    #[serde(default)]
    pub args: Option<serde_json::Value>,
    /// Request headers.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// A JSON body (sent with `content-type: application/json` unless a header says otherwise).
    #[serde(default)]
    pub json: Option<serde_json::Value>,
    /// A raw body, sent as it is.
    #[serde(default)]
    pub body: Option<String>,
    /// Values to remember: name to `body:/json/pointer` or `header:name`.
    #[serde(default)]
    pub capture: BTreeMap<String, String>,
    /// Whether to send and update the scenario's cookie jar (default true).
    #[serde(default = "yes")]
    pub cookies: bool,
    /// Whether object key order in the JSON body is part of the contract (default false).
    #[serde(default)]
    pub ordered: bool,
}

fn yes() -> bool {
    true
}

impl Step {
    /// The method and path of `request`.
    pub fn method_and_path(&self) -> anyhow::Result<(&str, &str)> {
        let (method, path) = self
            .request
            .split_once(' ')
            .context("request must be `METHOD /path`")?;
        if !path.starts_with('/') {
            bail!("step `{}`: path must start with `/`", self.name);
        }
        Ok((method, path))
    }
}

impl Scenario {
    /// The options both servers are built with when compared on `pin`: `options`, with the top-level
    /// keys of `pin_options[pin]` replacing the shared ones.
    pub fn options_for(&self, pin: &str) -> serde_json::Value {
        let Some(serde_json::Value::Object(overrides)) = self.pin_options.get(pin) else {
            return self.options.clone();
        };
        let mut options = match &self.options {
            serde_json::Value::Object(map) => map.clone(),
            _ => serde_json::Map::new(),
        };
        for (key, value) in overrides {
            options.insert(key.clone(), value.clone());
        }
        serde_json::Value::Object(options)
    }

    /// Parses one scenario file; `root` is `reference/scenarios`.
    pub fn load(root: &Path, path: &Path) -> anyhow::Result<Self> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let mut scenario: Scenario =
            toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
        let relative = path.strip_prefix(root).unwrap_or(path);
        let area = relative
            .parent()
            .and_then(Path::to_str)
            .unwrap_or_default()
            .to_owned();
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        scenario.id = format!("{area}/{stem}");
        scenario.area = area;
        path.clone_into(&mut scenario.path);
        scenario.validate()?;
        Ok(scenario)
    }

    fn validate(&self) -> anyhow::Result<()> {
        let mut names = std::collections::HashSet::new();
        for step in &self.steps {
            if !names.insert(step.name.as_str()) {
                bail!("{}: step name `{}` is used twice", self.id, step.name);
            }
            match (&step.call, step.request.is_empty()) {
                (Some(_), true) => {}
                (None, false) => {
                    step.method_and_path()
                        .with_context(|| format!("{}: step `{}`", self.id, step.name))?;
                }
                _ => bail!(
                    "{}: step `{}` needs exactly one of `request` and `call`",
                    self.id,
                    step.name
                ),
            }
            if step.json.is_some() && step.body.is_some() {
                bail!(
                    "{}: step `{}` has both `json` and `body`",
                    self.id,
                    step.name
                );
            }
            for source in step.capture.values() {
                if !(source.starts_with("body:") || source.starts_with("header:")) {
                    bail!(
                        "{}: step `{}`: capture `{source}` must start with `body:` or `header:`",
                        self.id,
                        step.name
                    );
                }
            }
        }
        for pin in &self.pins {
            if !PINS.contains(&pin.as_str()) {
                bail!("{}: unknown pin `{pin}`", self.id);
            }
        }
        for (pin, options) in &self.pin_options {
            if !self.pins.contains(pin) {
                bail!(
                    "{}: `pin_options` names `{pin}`, which the scenario does not run on",
                    self.id
                );
            }
            if !options.is_object() {
                bail!("{}: `pin_options.\"{pin}\"` must be a table", self.id);
            }
        }
        for db in &self.databases {
            if !matches!(db.as_str(), "memory" | "sqlite") {
                bail!("{}: unknown database `{db}` (memory or sqlite)", self.id);
            }
        }
        Ok(())
    }
}

/// Every scenario under `root`, sorted by id.
pub fn load_all(root: &Path) -> anyhow::Result<Vec<Scenario>> {
    let mut files = Vec::new();
    collect(root, &mut files)?;
    let mut scenarios = files
        .iter()
        .map(|f| Scenario::load(root, f))
        .collect::<anyhow::Result<Vec<_>>>()?;
    scenarios.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(scenarios)
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> anyhow::Result<Scenario> {
        let mut scenario: Scenario = toml::from_str(text)?;
        scenario.id = "area/test".to_owned();
        scenario.validate()?;
        Ok(scenario)
    }

    #[test]
    fn pin_options_replace_the_shared_keys_on_their_pin_only() {
        let scenario = parse(
            r#"
            title = "t"
            [options]
            emailAndPassword = { enabled = true }
            plugins = ["organization"]
            [pin_options."v1.7.1"]
            plugins = [{ name = "scim", options = { connections = [] } }]
            [[step]]
            name = "s"
            request = "GET /ok"
            "#,
        )
        .unwrap();
        let old = scenario.options_for("v1.6.30");
        assert_eq!(old["plugins"], serde_json::json!(["organization"]));
        let new = scenario.options_for("v1.7.1");
        assert_eq!(new["emailAndPassword"]["enabled"], true);
        assert_eq!(new["plugins"][0]["name"], "scim");
    }

    #[test]
    fn pin_options_for_a_pin_the_scenario_skips_are_refused() {
        let error = parse(
            r#"
            title = "t"
            pins = ["v1.6.30"]
            [pin_options."v1.7.1"]
            plugins = []
            [[step]]
            name = "s"
            request = "GET /ok"
            "#,
        )
        .unwrap_err();
        assert!(error.to_string().contains("does not run on"), "{error}");
    }
}
