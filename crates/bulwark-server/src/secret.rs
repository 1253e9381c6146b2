//! The signing secret: given, required in production, or generated once and kept in a file in
//! development.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use rand::Rng as _;
use rand::distributions::Alphanumeric;
use rand::rngs::OsRng;

use crate::cli::{Config, Mode};

/// The file name of the generated development secret.
const SECRET_FILE: &str = ".bulwark-secret";
/// Length of a generated secret.
const GENERATED_LEN: usize = 64;
/// The shortest secret the core accepts.
const MIN_LEN: usize = 32;

/// The secret to sign with.
pub(crate) fn resolve(config: &Config) -> anyhow::Result<String> {
    if let Some(secret) = &config.secret {
        if secret.chars().count() < MIN_LEN {
            bail!("the secret (BULWARK_SECRET or --secret) must be at least {MIN_LEN} characters");
        }
        return Ok(secret.clone());
    }
    if config.mode() == Mode::Production {
        bail!(
            "a secret is required in production: set BULWARK_SECRET (or pass --secret) to a random \
             string of at least {MIN_LEN} characters"
        );
    }
    let path = secret_path(config.sqlite_path());
    let secret = load_or_create(&path)?;
    tracing::warn!(
        path = %path.display(),
        "no secret configured: using a generated development secret kept in this file; \
         set BULWARK_SECRET in production"
    );
    Ok(secret)
}

/// Next to the `SQLite` database file, or in the working directory for other databases.
fn secret_path(sqlite_path: Option<&str>) -> PathBuf {
    let dir = sqlite_path
        .and_then(|p| Path::new(p).parent())
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    dir.join(SECRET_FILE)
}

/// Reads the secret in `path`, creating the file (mode 0600) with a new random secret if it is absent.
fn load_or_create(path: &Path) -> anyhow::Result<String> {
    let secret: String = OsRng
        .sample_iter(&Alphanumeric)
        .take(GENERATED_LEN)
        .map(char::from)
        .collect();
    match create_private(path) {
        Ok(mut file) => {
            file.write_all(secret.as_bytes())
                .and_then(|()| file.sync_all())
                .with_context(|| format!("cannot write the secret to {}", path.display()))?;
            tracing::info!(path = %path.display(), "generated a development secret");
            Ok(secret)
        }
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
            let stored = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the secret in {}", path.display()))?;
            let stored = stored.trim().to_owned();
            if stored.len() < MIN_LEN {
                bail!(
                    "the secret in {} is shorter than {MIN_LEN} characters: delete the file to \
                     generate a new one",
                    path.display()
                );
            }
            Ok(stored)
        }
        Err(err) => Err(err).with_context(|| format!("cannot create {}", path.display())),
    }
}

#[cfg(unix)]
fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt as _;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

#[cfg(test)]
mod tests {
    use super::{load_or_create, secret_path};
    use std::path::Path;

    #[test]
    fn the_secret_lives_next_to_the_sqlite_file() {
        assert_eq!(
            secret_path(Some("bulwark.db")),
            Path::new("./.bulwark-secret")
        );
        assert_eq!(
            secret_path(Some("/var/lib/b/x.db")),
            Path::new("/var/lib/b/.bulwark-secret")
        );
        assert_eq!(secret_path(None), Path::new("./.bulwark-secret"));
    }

    #[test]
    fn a_generated_secret_is_private_and_reused() {
        let dir = std::env::temp_dir().join(format!("bulwark-secret-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(".bulwark-secret");
        let _ = std::fs::remove_file(&path);

        let first = load_or_create(&path).unwrap();
        assert_eq!(first.len(), 64);
        assert!(first.chars().all(|c| c.is_ascii_alphanumeric()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let second = load_or_create(&path).unwrap();
        assert_eq!(first, second);

        std::fs::write(&path, "short").unwrap();
        let err = load_or_create(&path).unwrap_err();
        assert!(err.to_string().contains("shorter than 32"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
