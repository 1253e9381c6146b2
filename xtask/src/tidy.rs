//! `cargo xtask tidy`: repository conventions that rustc and clippy do not check.
//!
//! Over every `.rs` file under `crates/` and `xtask/`: it starts with a `//!` line, it carries no
//! ignore or should-panic test attribute, and it is not a `mod.rs`. Over every directory in
//! `crates/`: its package is named after the directory with a `bulwark-` prefix, its internal
//! (`bulwark-*`) dependencies go through `workspace = true`, and `ARCHITECTURE.md` mentions it in
//! backticks. The same checks run as the `tidy` test below, so `cargo nextest run` enforces them.
//!
//! Manifests are read line by line rather than with a TOML parser: the checks only need section
//! headers and `key = value` lines, and xtask keeps to std, anyhow and serde.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

/// Banned test attributes, assembled at compile time so this file does not match itself.
const BANNED_ATTRIBUTES: [(&str, &str); 2] = [
    (
        concat!("#[", "ignore"),
        "assert the current behaviour and add `// FIXME(parity): ...` instead",
    ),
    (concat!("#[", "should_panic"), "assert on `Err` instead"),
];

/// Prefix every workspace crate's package name carries.
const CRATE_PREFIX: &str = "bulwark-";

/// Runs every check from the workspace `root` and returns the violations, sorted, one per line.
pub(crate) fn check(root: &Path) -> anyhow::Result<Vec<String>> {
    let mut violations = Vec::new();

    let mut sources = Vec::new();
    for dir in ["crates", "xtask"] {
        collect_rust_files(&root.join(dir), &mut sources)?;
    }
    for path in &sources {
        let shown = relative(root, path);
        let text = fs::read_to_string(path).with_context(|| format!("could not read {shown}"))?;
        if path.file_name().is_some_and(|name| name == "mod.rs") {
            violations.push(format!(
                "{shown}: `mod.rs` file (use `foo.rs` next to a `foo/` directory)"
            ));
        }
        if !has_module_header(&text) {
            violations.push(format!(
                "{shown}: the first line must be a `//!` comment saying what the file owns"
            ));
        }
        for (line, attribute, advice) in banned_attributes(&text) {
            violations.push(format!(
                "{shown}:{line}: `{attribute}]` is banned; {advice}"
            ));
        }
    }

    let architecture = match fs::read_to_string(root.join("ARCHITECTURE.md")) {
        Ok(text) => Some(text),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            violations.push(
                "ARCHITECTURE.md: missing (every crate in crates/ needs a paragraph there)"
                    .to_owned(),
            );
            None
        }
        Err(err) => return Err(err).context("could not read ARCHITECTURE.md"),
    };

    for dir in crate_dirs(&root.join("crates"))? {
        let Some(dir_name) = dir.file_name().and_then(|name| name.to_str()) else {
            violations.push(format!(
                "{}: directory name is not UTF-8",
                relative(root, &dir)
            ));
            continue;
        };
        if let Some(text) = &architecture
            && !text.contains(&format!("`{dir_name}`"))
        {
            violations.push(format!(
                "ARCHITECTURE.md: no paragraph mentions `{dir_name}` (in backticks)"
            ));
        }
        let manifest_path = dir.join("Cargo.toml");
        let shown = relative(root, &manifest_path);
        let manifest = match fs::read_to_string(&manifest_path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                violations.push(format!("{shown}: missing"));
                continue;
            }
            Err(err) => return Err(err).with_context(|| format!("could not read {shown}")),
        };
        match package_name(&manifest) {
            None => violations.push(format!("{shown}: no `[package]` name")),
            Some(name) if !name.starts_with(CRATE_PREFIX) => violations.push(format!(
                "{shown}: package `{name}` must start with `{CRATE_PREFIX}`"
            )),
            Some(name) if name != dir_name => violations.push(format!(
                "{shown}: package `{name}` must match its directory `crates/{dir_name}`"
            )),
            Some(_) => {}
        }
        for dependency in non_workspace_internal_dependencies(&manifest) {
            violations.push(format!(
                "{shown}: internal dependency `{dependency}` must use `workspace = true`"
            ));
        }
    }
    // xtask is a member too: its internal dependencies follow the same rule.
    let xtask_manifest = root.join("xtask/Cargo.toml");
    let manifest =
        fs::read_to_string(&xtask_manifest).context("could not read xtask/Cargo.toml")?;
    for dependency in non_workspace_internal_dependencies(&manifest) {
        violations.push(format!(
            "xtask/Cargo.toml: internal dependency `{dependency}` must use `workspace = true`"
        ));
    }

    violations.sort();
    Ok(violations)
}

/// Appends every `.rs` file below `dir` (skipping `target/` and hidden directories), sorted.
fn collect_rust_files(dir: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let mut entries = read_dir_sorted(dir)?;
    for path in entries.drain(..) {
        let name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        if path.is_dir() {
            if name == "target" || name.starts_with('.') {
                continue;
            }
            collect_rust_files(&path, out)?;
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            out.push(path);
        }
    }
    Ok(())
}

/// The directories directly inside `crates/` (hidden ones skipped), sorted.
fn crate_dirs(crates: &Path) -> anyhow::Result<Vec<PathBuf>> {
    Ok(read_dir_sorted(crates)?
        .into_iter()
        .filter(|path| {
            path.is_dir()
                && !path
                    .file_name()
                    .is_some_and(|name| name.to_string_lossy().starts_with('.'))
        })
        .collect())
}

/// The entries of `dir`, sorted; an absent directory has none.
fn read_dir_sorted(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(err) => return Err(err).with_context(|| format!("could not list {}", dir.display())),
    };
    let mut paths = Vec::new();
    for entry in entries {
        paths.push(
            entry
                .with_context(|| format!("could not list {}", dir.display()))?
                .path(),
        );
    }
    paths.sort();
    Ok(paths)
}

/// `path` relative to `root`, with `/` separators, for messages.
fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Whether the file's first line is an inner doc comment.
fn has_module_header(text: &str) -> bool {
    text.trim_start_matches('\u{feff}').starts_with("//!")
}

/// Every banned attribute outside line comments: (1-based line, attribute, advice).
fn banned_attributes(text: &str) -> Vec<(usize, &'static str, &'static str)> {
    let mut found = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let code = line.trim_start();
        if code.starts_with("//") {
            continue;
        }
        for (attribute, advice) in BANNED_ATTRIBUTES {
            let is_attribute = code.match_indices(attribute).any(|(at, _)| {
                // `#[ignore]`, `#[ignore = "..."]`, `#[should_panic(expected = ...)]`, but not a
                // longer identifier that merely starts the same way.
                code.get(at + attribute.len()..)
                    .and_then(|rest| rest.chars().next())
                    .is_none_or(|next| !(next.is_alphanumeric() || next == '_'))
            });
            if is_attribute {
                found.push((index + 1, attribute, advice));
            }
        }
    }
    found
}

/// A `[section]` or `[[section]]` header's name, if `line` is one.
fn section_header(line: &str) -> Option<&str> {
    let line = line.trim();
    let inner = line.strip_prefix('[')?.split(']').next()?;
    Some(inner.trim_start_matches('[').trim())
}

/// Splits `key = value` (ignoring comment and blank lines), with the key's quotes removed.
fn key_value(line: &str) -> Option<(String, &str)> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    let (key, value) = line.split_once('=')?;
    let key: String = key
        .trim()
        .chars()
        .filter(|c| *c != '"' && *c != '\'')
        .collect();
    Some((key, value.trim()))
}

/// The `name` in the manifest's `[package]` section.
fn package_name(manifest: &str) -> Option<String> {
    let mut in_package = false;
    for line in manifest.lines() {
        if let Some(section) = section_header(line) {
            in_package = section == "package";
            continue;
        }
        if !in_package {
            continue;
        }
        if let Some((key, value)) = key_value(line)
            && key == "name"
        {
            return Some(value.trim_matches(|c| c == '"' || c == '\'').to_owned());
        }
    }
    None
}

/// Whether `section` is a dependency table (`[dependencies]`, `[target.'cfg(..)'.dev-dependencies]`, ...).
fn is_dependency_table(section: &str) -> bool {
    ["dependencies", "dev-dependencies", "build-dependencies"]
        .iter()
        .any(|kind| section == *kind || section.ends_with(&format!(".{kind}")))
}

/// For `[dependencies.foo]`-style tables: the dependency name.
fn dotted_dependency(section: &str) -> Option<&str> {
    ["dependencies.", "dev-dependencies.", "build-dependencies."]
        .iter()
        .find_map(|kind| {
            let at = section.find(kind)?;
            let before_ok = at == 0 || section.get(..at).is_some_and(|s| s.ends_with('.'));
            before_ok.then(|| section.get(at + kind.len()..)).flatten()
        })
        .map(|name| name.trim_matches(|c| c == '"' || c == '\''))
}

/// Internal (`bulwark-*`) dependencies that do not use `workspace = true`.
fn non_workspace_internal_dependencies(manifest: &str) -> Vec<String> {
    /// A `[dependencies.name]` table being read: its name, renamed package, workspace flag.
    struct Dotted {
        name: String,
        package: Option<String>,
        workspace: bool,
    }
    fn finish(table: Option<Dotted>, out: &mut Vec<String>) {
        if let Some(table) = table {
            let internal = table.name.starts_with(CRATE_PREFIX)
                || table
                    .package
                    .as_deref()
                    .is_some_and(|package| package.starts_with(CRATE_PREFIX));
            if internal && !table.workspace {
                out.push(table.name);
            }
        }
    }

    let compact = |value: &str| {
        value
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
    };
    let mut found = Vec::new();
    let mut in_table = false;
    let mut dotted: Option<Dotted> = None;
    for line in manifest.lines() {
        if let Some(section) = section_header(line) {
            finish(dotted.take(), &mut found);
            in_table = is_dependency_table(section);
            dotted = dotted_dependency(section).map(|name| Dotted {
                name: name.to_owned(),
                package: None,
                workspace: false,
            });
            continue;
        }
        let Some((key, value)) = key_value(line) else {
            continue;
        };
        if let Some(table) = dotted.as_mut() {
            match key.as_str() {
                "workspace" => table.workspace = value == "true",
                "package" => {
                    table.package = Some(value.trim_matches(|c| c == '"' || c == '\'').to_owned());
                }
                _ => {}
            }
            continue;
        }
        if !in_table {
            continue;
        }
        let value = compact(value);
        let (name, via_workspace) = match key.split_once('.') {
            Some((name, "workspace")) => (name, value == "true"),
            Some((name, _)) => (name, false),
            None => (key.as_str(), value.contains("workspace=true")),
        };
        let internal =
            name.starts_with(CRATE_PREFIX) || value.contains(&format!("package=\"{CRATE_PREFIX}"));
        if internal && !via_workspace {
            found.push(name.to_owned());
        }
    }
    finish(dotted, &mut found);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The repository itself passes every check.
    #[test]
    fn tidy() {
        let root = crate::workspace_root();
        let violations = check(&root).unwrap();
        assert!(
            violations.is_empty(),
            "`cargo xtask tidy` found {} violation(s):\n{}",
            violations.len(),
            violations.join("\n")
        );
    }

    /// A scratch repository with one violation of each kind is reported completely.
    #[test]
    fn check_reports_every_kind_of_violation() {
        let root = std::env::temp_dir().join(format!("xtask-tidy-{}", std::process::id()));
        if root.exists() {
            fs::remove_dir_all(&root).unwrap();
        }
        let write = |path: &str, text: &str| {
            let path = root.join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        };
        let ignore = concat!("#[", "ignore");
        write("xtask/Cargo.toml", "[package]\nname = \"xtask\"\n");
        write("xtask/src/main.rs", "//! Fine.\nfn main() {}\n");
        write(
            "crates/bulwark-good/Cargo.toml",
            "[package]\nname = \"bulwark-good\"\n[dependencies]\nbulwark-core.workspace = true\n",
        );
        write("crates/bulwark-good/src/lib.rs", "//! Fine.\n");
        write(
            "crates/bulwark-bad/Cargo.toml",
            "[package]\nname = \"bulwark-other\"\n[dependencies]\nbulwark-core = { path = \"../c\" }\n",
        );
        write("crates/bulwark-bad/src/lib.rs", "pub fn f() {}\n");
        write(
            "crates/bulwark-bad/src/db/mod.rs",
            &format!("//! Db.\n#[test]\n{ignore}]\nfn t() {{}}\n"),
        );
        write("crates/plain/Cargo.toml", "[package]\nname = \"plain\"\n");
        write("crates/bulwark-nomanifest/src/lib.rs", "//! Fine.\n");

        let without_architecture = check(&root).unwrap();
        write(
            "ARCHITECTURE.md",
            "## Code map\n\n### `bulwark-good`\n\nIt is good.\n",
        );
        let with_architecture = check(&root).unwrap();
        fs::remove_dir_all(&root).unwrap();

        assert!(without_architecture.contains(
            &"ARCHITECTURE.md: missing (every crate in crates/ needs a paragraph there)".to_owned()
        ));
        assert_eq!(
            with_architecture,
            [
                "ARCHITECTURE.md: no paragraph mentions `bulwark-bad` (in backticks)",
                "ARCHITECTURE.md: no paragraph mentions `bulwark-nomanifest` (in backticks)",
                "ARCHITECTURE.md: no paragraph mentions `plain` (in backticks)",
                "crates/bulwark-bad/Cargo.toml: internal dependency `bulwark-core` must use `workspace = true`",
                "crates/bulwark-bad/Cargo.toml: package `bulwark-other` must match its directory `crates/bulwark-bad`",
                "crates/bulwark-bad/src/db/mod.rs: `mod.rs` file (use `foo.rs` next to a `foo/` directory)",
                &format!(
                    "crates/bulwark-bad/src/db/mod.rs:3: `{ignore}]` is banned; assert the current behaviour and add `// FIXME(parity): ...` instead"
                ),
                "crates/bulwark-bad/src/lib.rs: the first line must be a `//!` comment saying what the file owns",
                "crates/bulwark-nomanifest/Cargo.toml: missing",
                "crates/plain/Cargo.toml: package `plain` must start with `bulwark-`",
            ]
        );
    }

    #[test]
    fn module_header() {
        let check =
            |text: &str, expected: bool| assert_eq!(has_module_header(text), expected, "{text:?}");
        check("//! Owns the thing.\n", true);
        check("\u{feff}//! With a byte-order mark.\n", true);
        check("//!\n//! Empty first line is still a header.\n", true);
        check("// Plain comment.\n", false);
        check("/// Outer doc.\n", false);
        check("\n//! Not on the first line.\n", false);
        check("", false);
    }

    #[test]
    fn banned_attributes_are_found_with_their_lines() {
        let ignore = concat!("#[", "ignore");
        let should_panic = concat!("#[", "should_panic");
        let check = |text: String, expected: &[(usize, &str)]| {
            let found: Vec<(usize, &str)> = banned_attributes(&text)
                .into_iter()
                .map(|(line, attribute, _)| (line, attribute))
                .collect();
            assert_eq!(found, expected, "{text:?}");
        };
        check(format!("#[test]\n{ignore}]\nfn a() {{}}\n"), &[(2, ignore)]);
        check(format!("    {ignore} = \"slow\"]\n"), &[(1, ignore)]);
        check(
            format!("#[test] {should_panic}(expected = \"x\")]\n"),
            &[(1, should_panic)],
        );
        check(
            format!("{should_panic}]\n{ignore}]\n"),
            &[(1, should_panic), (2, ignore)],
        );
        check(format!("// {ignore}] in a comment is fine\n"), &[]);
        check(format!("/// doc mentioning {ignore}]\n"), &[]);
        check(format!("{ignore}_case]\n"), &[]);
        check("#[test]\nfn plain() {}\n".to_owned(), &[]);
    }

    #[test]
    fn package_name_reads_the_package_section() {
        let check = |manifest: &str, expected: Option<&str>| {
            assert_eq!(package_name(manifest).as_deref(), expected, "{manifest:?}");
        };
        check(
            "[package]\nname = \"bulwark-core\"\nversion = \"0.1.0\"\n",
            Some("bulwark-core"),
        );
        check(
            "[lib]\nname = \"core_lib\"\n\n[package]\n# note\nname = 'bulwark-sql'\n",
            Some("bulwark-sql"),
        );
        check("[package]\nversion = \"1\"\n[lib]\nname = \"x\"\n", None);
        check("", None);
    }

    #[test]
    fn internal_dependencies_must_use_the_workspace() {
        let check = |manifest: &str, expected: &[&str]| {
            assert_eq!(
                non_workspace_internal_dependencies(manifest),
                expected,
                "{manifest:?}"
            );
        };
        check(
            "[dependencies]\nbulwark-core.workspace = true\nserde = { path = \"../serde\" }\n",
            &[],
        );
        check(
            "[dependencies]\nbulwark-core = { workspace = true, features = [\"x\"] }\n",
            &[],
        );
        check(
            "[dependencies]\nbulwark-core = { path = \"../bulwark-core\" }\n",
            &["bulwark-core"],
        );
        check(
            "[dev-dependencies]\nbulwark-sql = \"0.1\"\n",
            &["bulwark-sql"],
        );
        check(
            "[target.'cfg(unix)'.build-dependencies]\nbulwark-core.path = \"../bulwark-core\"\n",
            &["bulwark-core"],
        );
        check(
            "[dependencies]\ncore = { package = \"bulwark-core\", path = \"../bulwark-core\" }\n",
            &["core"],
        );
        check(
            "[dependencies.bulwark-core]\npath = \"../bulwark-core\"\n\n[lints]\nworkspace = true\n",
            &["bulwark-core"],
        );
        check(
            "[dependencies.bulwark-core]\nworkspace = true\nfeatures = [\"x\"]\n",
            &[],
        );
        check(
            "[dev-dependencies.core]\npackage = \"bulwark-core\"\npath = \"../bulwark-core\"\n",
            &["core"],
        );
        check(
            "[package]\nname = \"bulwark-x\"\n[features]\nbulwark-y = []\n[lints]\nworkspace = true\n",
            &[],
        );
    }
}
