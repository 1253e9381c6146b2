//! `cargo xtask conformance`: the independent SCIM 2.0 checkers against a real `bulwark-server`.
//!
//! Two checkers written by others judge our `/scim/v2` endpoints over HTTP: scim2-tester (its Python
//! API `check_server`, through `scripts/conformance/scim2_tester_run.py`) and scim-sanity (`probe`).
//! Both run for the `User` resource only, against a throwaway server:
//!
//! 1. a Python venv in `target/conformance/venv` gets the pinned checker versions ([`PACKAGES`]) the
//!    first time (and again when the pins change), which needs the Python package index;
//! 2. `bulwark-server` is built (debug), a fresh `SQLite` database and secret are made, a provider token
//!    is minted with `bulwark-server scim create-token` (the last line of its stdout), and
//!    `bulwark-server serve` starts on a free loopback port, accepting Users without an email
//!    (`BULWARK_SCIM_USERS_WITHOUT_EMAIL`, as the checkers create them); the run waits until
//!    `GET /api/auth/scim/v2/ServiceProviderConfig` answers 200;
//! 3. both checkers run, whatever the first one found; the server is stopped afterwards, on failure too;
//! 4. their results are judged against `reference/conformance-expected.toml` ([`results`]) and a
//!    per-checker table is printed. Everything (results, logs, database) is kept in
//!    `target/conformance/<UTC timestamp>/`.
//!
//! The token is given to the checkers through the environment, never on a command line.
//! The exit code is non-zero when a check failed unexpectedly, an expected failure is stale, or a
//! checker did not run to the end.

mod results;

use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{Read as _, Write as _};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context as _, bail};

use self::results::{Check, Report};

/// The checker packages and versions, installed into the venv with pip.
const PACKAGES: [&str; 3] = [
    "scim2-tester==0.5.2",
    "scim2-client[httpx2]==0.13.2",
    "scim-sanity==0.7.4",
];
/// The resource types the checkers exercise (Groups are not served yet).
const RESOURCES: &str = "User";
/// Where the SCIM endpoints hang off the server's origin.
const SCIM_PATH: &str = "/api/auth/scim/v2";
/// The provider the token is minted for.
const PROVIDER_ID: &str = "conformance";
/// The environment variable that carries the token to the checkers.
const TOKEN_VAR: &str = "SCIM_CONFORMANCE_TOKEN";
/// How long the server may take to answer after it started.
const READY_TIMEOUT: Duration = Duration::from_mins(1);
/// Runs scim-sanity's command line with the token taken from [`TOKEN_VAR`] and appended as `--token`.
const SCIM_SANITY_MAIN: &str = "import os, sys\n\
    from scim_sanity.cli import main\n\
    sys.exit(main(sys.argv[1:] + ['--token', os.environ['SCIM_CONFORMANCE_TOKEN']], prog_name='scim-sanity'))";

/// Runs the checkers as the module documentation says.
pub(crate) fn run(root: &Path) -> anyhow::Result<ExitCode> {
    let expected_file = root.join("reference/conformance-expected.toml");
    let expected = results::load_expected(&expected_file)?;
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let work = target.join("conformance");
    let python = prepare_venv(&work.join("venv"))?;

    eprintln!("conformance: building bulwark-server");
    let status = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["build", "--quiet", "--package", "bulwark-server"])
        .current_dir(root)
        .status()
        .context("could not run cargo build")?;
    if !status.success() {
        bail!("cargo build --package bulwark-server failed ({status})");
    }
    let server_bin = target.join("debug/bulwark-server");

    #[expect(
        clippy::disallowed_methods,
        reason = "the results directory is named after the wall-clock time"
    )]
    let now = SystemTime::now();
    let out = work.join(timestamp(
        now.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs(),
    ));
    fs::create_dir_all(&out).with_context(|| format!("could not create {}", out.display()))?;
    let port = free_port()?;
    let origin = format!("http://127.0.0.1:{port}");
    let base = format!("{origin}{SCIM_PATH}");
    let settings = Settings {
        bin: &server_bin,
        database_url: format!("sqlite://{}?mode=rwc", out.join("bulwark.db").display()),
        origin: &origin,
        secret: random_hex()?,
        port,
    };

    let token = create_token(&settings, &out)?;
    let mut checks = Vec::new();
    {
        let mut server = Server::start(&settings, &out)?;
        server.wait_ready(port, &token)?;
        eprintln!(
            "conformance: server ready at {base}; running {}",
            results::SCIM2_TESTER
        );
        checks.extend(run_scim2_tester(root, &python, &base, &token, &out));
        eprintln!("conformance: running {}", results::SCIM_SANITY);
        checks.extend(run_scim_sanity(&python, &base, &token, &out));
        // Dropping the server stops it, here and on every early return above.
    }

    let report = Report::new(&checks, &expected);
    let text = report.render();
    eprintln!("\n{text}");
    fs::write(out.join("summary.txt"), &text).context("could not write summary.txt")?;
    eprintln!("conformance: results in {}", out.display());
    if report.passed() {
        eprintln!("conformance: ok");
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "conformance: FAILED (expected failures: {})",
            expected_file.display()
        );
        Ok(ExitCode::FAILURE)
    }
}

/// Creates the venv and installs [`PACKAGES`] unless it already holds exactly them; returns its python.
fn prepare_venv(venv: &Path) -> anyhow::Result<PathBuf> {
    let python = venv.join("bin/python");
    let stamp = venv.join("bulwark-packages.txt");
    let pins = PACKAGES.join("\n");
    if python.exists() && fs::read_to_string(&stamp).is_ok_and(|text| text == pins) {
        return Ok(python);
    }
    if !python.exists() {
        eprintln!("conformance: creating {}", venv.display());
        let status = Command::new("python3")
            .args(["-m", "venv"])
            .arg(venv)
            .status()
            .context(
                "could not run python3 -m venv (is python3 with the venv module installed?)",
            )?;
        if !status.success() {
            bail!("python3 -m venv failed ({status}); on Debian install python3-venv");
        }
    }
    eprintln!("conformance: installing {}", PACKAGES.join(" "));
    let status = Command::new(&python)
        .args(["-m", "pip", "install", "--quiet"])
        .args(PACKAGES)
        .status()
        .context("could not run pip")?;
    if !status.success() {
        bail!("pip install failed ({status}); it needs PyPI the first time");
    }
    fs::write(&stamp, pins).with_context(|| format!("could not write {}", stamp.display()))?;
    Ok(python)
}

/// What both `bulwark-server` invocations share.
struct Settings<'a> {
    bin: &'a Path,
    database_url: String,
    origin: &'a str,
    /// Passed as `BULWARK_SECRET`, so that it stays out of the process list.
    secret: String,
    port: u16,
}

impl Settings<'_> {
    fn command(&self) -> Command {
        let mut command = Command::new(self.bin);
        command
            .args([
                "--database-url",
                &self.database_url,
                "--base-url",
                self.origin,
            ])
            .args(["--port", &self.port.to_string()])
            .env("BULWARK_SECRET", &self.secret)
            // The checkers create Users with a random `userName` and no email (RFC 7643 requires
            // neither): the opt-in placeholder accepts them.
            .env("BULWARK_SCIM_USERS_WITHOUT_EMAIL", "true")
            .env("RUST_LOG", "info");
        command
    }
}

/// Migrates the database and mints a provider token; its stderr goes to `create-token.log`.
fn create_token(settings: &Settings<'_>, out: &Path) -> anyhow::Result<String> {
    let output = settings
        .command()
        .args(["scim", "create-token", "--provider-id", PROVIDER_ID])
        .stderr(log_file(out, "create-token.log")?)
        .output()
        .context("could not run bulwark-server scim create-token")?;
    if !output.status.success() {
        bail!(
            "bulwark-server scim create-token failed ({}); see {}",
            output.status,
            out.join("create-token.log").display()
        );
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    last_line(&stdout)
        .map(str::to_owned)
        .context("bulwark-server scim create-token printed no token")
}

/// The last non-empty line of a command's output.
fn last_line(output: &str) -> Option<&str> {
    output.lines().map(str::trim).rfind(|line| !line.is_empty())
}

/// A running `bulwark-server serve`, stopped when dropped.
struct Server {
    child: Child,
    log: PathBuf,
}

impl Server {
    fn start(settings: &Settings<'_>, out: &Path) -> anyhow::Result<Self> {
        let log = out.join("server.log");
        let stdout = log_file(out, "server.log")?;
        let stderr = stdout.try_clone().context("could not share server.log")?;
        let child = settings
            .command()
            .arg("serve")
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(stderr)
            .spawn()
            .context("could not start bulwark-server serve")?;
        Ok(Self { child, log })
    }

    /// Waits until `ServiceProviderConfig` answers 200, or fails when the server exits or takes too long.
    fn wait_ready(&mut self, port: u16, token: &str) -> anyhow::Result<()> {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().context("could not poll the server")? {
                bail!(
                    "bulwark-server exited ({status}); see {}",
                    self.log.display()
                );
            }
            if service_provider_config_answers(port, token) {
                return Ok(());
            }
            if started.elapsed() > READY_TIMEOUT {
                bail!(
                    "bulwark-server did not answer within {}s; see {}",
                    READY_TIMEOUT.as_secs(),
                    self.log.display()
                );
            }
            thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // SIGTERM lets it shut down gracefully; after a grace period it is killed.
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .stderr(Stdio::null())
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if !matches!(self.child.try_wait(), Ok(None)) {
                return;
            }
            thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One plain HTTP/1.1 request: does `GET <SCIM_PATH>/ServiceProviderConfig` answer 200?
fn service_provider_config_answers(port: u16, token: &str) -> bool {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_secs(1)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let request = format!(
        "GET {SCIM_PATH}/ServiceProviderConfig HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\
         Authorization: Bearer {token}\r\nAccept: application/scim+json\r\nConnection: close\r\n\r\n"
    );
    let mut status_line = [0_u8; 12];
    stream.write_all(request.as_bytes()).is_ok()
        && stream.read_exact(&mut status_line).is_ok()
        && &status_line == b"HTTP/1.1 200"
}

/// scim2-tester through our driver: its lines go to `scim2-tester.txt`, its results to
/// `scim2-tester.json`.
fn run_scim2_tester(root: &Path, python: &Path, base: &str, token: &str, out: &Path) -> Vec<Check> {
    let json = out.join("scim2-tester.json");
    let status = (|| {
        Command::new(python)
            .arg(root.join("scripts/conformance/scim2_tester_run.py"))
            .arg(base)
            .args(["--resource-types", RESOURCES, "--json"])
            .arg(&json)
            .env(TOKEN_VAR, token)
            .stdout(log_file(out, "scim2-tester.txt")?)
            .stderr(log_file(out, "scim2-tester.stderr")?)
            .status()
            .context("could not run the scim2-tester driver")
    })();
    collect(
        results::SCIM2_TESTER,
        status,
        &json,
        out,
        results::parse_scim2_tester,
    )
}

/// `scim-sanity probe` in strict mode: its JSON goes to `scim-sanity.json`.
fn run_scim_sanity(python: &Path, base: &str, token: &str, out: &Path) -> Vec<Check> {
    let json = out.join("scim-sanity.json");
    let status = (|| {
        Command::new(python)
            .args(["-c", SCIM_SANITY_MAIN, "probe", base])
            .args(["--i-accept-side-effects", "--json-output", "--strict"])
            .args(["--resource", RESOURCES])
            .env(TOKEN_VAR, token)
            .stdout(log_file(out, "scim-sanity.json")?)
            .stderr(log_file(out, "scim-sanity.stderr")?)
            .status()
            .context("could not run scim-sanity")
    })();
    collect(
        results::SCIM_SANITY,
        status,
        &json,
        out,
        results::parse_scim_sanity,
    )
}

/// A checker's results: exit codes 0 (all passed) and 1 (some failed) come with results; anything
/// else, or results that cannot be read, is one failed check saying so.
fn collect(
    checker: &'static str,
    status: anyhow::Result<ExitStatus>,
    json: &Path,
    out: &Path,
    parse: fn(&str) -> anyhow::Result<Vec<Check>>,
) -> Vec<Check> {
    let checks = status.and_then(|status| {
        if !matches!(status.code(), Some(0 | 1)) {
            bail!("exited with {status}; see {checker}.* in {}", out.display());
        }
        let text = fs::read_to_string(json)
            .with_context(|| format!("no results in {}", json.display()))?;
        parse(&text).with_context(|| format!("could not read {}", json.display()))
    });
    match checks {
        Ok(checks) => {
            let failed = checks
                .iter()
                .filter(|check| check.outcome == results::Outcome::Fail);
            eprintln!(
                "conformance: {checker}: {} checks, {} failed",
                checks.len(),
                failed.count()
            );
            checks
        }
        Err(err) => vec![Check::broken(checker, format!("{err:#}"))],
    }
}

fn log_file(out: &Path, name: &str) -> anyhow::Result<File> {
    let path = out.join(name);
    File::create(&path).with_context(|| format!("could not create {}", path.display()))
}

/// A loopback port nobody listens on right now.
fn free_port() -> anyhow::Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).context("no free loopback port")?;
    Ok(listener.local_addr().context("no local address")?.port())
}

/// A fresh secret for the throwaway server: 32 random bytes as hex.
fn random_hex() -> anyhow::Result<String> {
    let mut bytes = [0_u8; 32];
    File::open("/dev/urandom")
        .and_then(|mut random| random.read_exact(&mut bytes))
        .context("could not read /dev/urandom")?;
    Ok(bytes.iter().fold(String::new(), |mut hex, byte| {
        let _ = write!(hex, "{byte:02x}");
        hex
    }))
}

/// `YYYYMMDDTHHMMSSZ` for seconds since the Unix epoch (UTC, proleptic Gregorian calendar).
fn timestamp(unix_seconds: u64) -> String {
    let (days, seconds) = (unix_seconds / 86_400, unix_seconds % 86_400);
    // Howard Hinnant's `civil_from_days`, for days since 1970-01-01 (never negative here).
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    format!(
        "{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z",
        seconds / 3_600,
        seconds % 3_600 / 60,
        seconds % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_utc_calendar_times() {
        assert_eq!(timestamp(0), "19700101T000000Z");
        assert_eq!(timestamp(951_782_400), "20000229T000000Z");
        assert_eq!(timestamp(1_795_473_599), "20261123T223959Z");
        assert_eq!(timestamp(4_107_542_400), "21000301T000000Z");
    }

    #[test]
    fn the_token_is_the_last_line() {
        let output = "SCIM: http://127.0.0.1:1/api/auth/scim/v2\nc2NpbS10b2tlbg\n\n";
        assert_eq!(last_line(output), Some("c2NpbS10b2tlbg"));
        assert_eq!(last_line("\n \n"), None);
    }

    #[test]
    fn the_secret_is_fresh_hex() {
        let (first, second) = (random_hex().unwrap(), random_hex().unwrap());
        assert_eq!(first.len(), 64);
        assert!(first.bytes().all(|byte| byte.is_ascii_hexdigit()));
        assert_ne!(first, second);
    }

    #[test]
    fn a_checker_that_breaks_is_one_failure() {
        let out = Path::new("/nonexistent");
        let missing = collect(
            results::SCIM_SANITY,
            Ok(exit_status(0)),
            &out.join("scim-sanity.json"),
            out,
            results::parse_scim_sanity,
        );
        assert_eq!(missing.len(), 1);
        assert_eq!(missing[0].outcome, results::Outcome::Fail);
        assert!(
            missing[0].reason.contains("no results"),
            "{}",
            missing[0].reason
        );

        let crashed = collect(
            results::SCIM2_TESTER,
            Ok(exit_status(2)),
            &out.join("scim2-tester.json"),
            out,
            results::parse_scim2_tester,
        );
        assert!(
            crashed[0].reason.contains("exited with"),
            "{}",
            crashed[0].reason
        );
    }

    fn exit_status(code: i32) -> ExitStatus {
        use std::os::unix::process::ExitStatusExt as _;
        ExitStatus::from_raw(code << 8)
    }
}
