//! `bulwark-parity [--check] [--filter PAT]`: the parity harness (`cargo xtask parity` runs it).

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use bulwark_parity::{Config, run};

#[tokio::main]
async fn main() -> anyhow::Result<ExitCode> {
    let mut config = Config {
        root: PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .canonicalize()?,
        ..Config::default()
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--check" => config.check = true,
            "--filter" => config.filter = args.next(),
            other => anyhow::bail!(
                "unknown argument `{other}`; usage: bulwark-parity [--check] [--filter PAT]"
            ),
        }
    }
    let summary = run(&config).await?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", summary.table)?;
    for failure in &summary.failures {
        writeln!(out, "FAIL {failure}")?;
    }
    if summary.failures.is_empty() {
        writeln!(out, "parity: ok")?;
        Ok(ExitCode::SUCCESS)
    } else {
        writeln!(out, "parity: {} problem(s)", summary.failures.len())?;
        Ok(ExitCode::FAILURE)
    }
}
