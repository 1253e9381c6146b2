//! The oracle: upstream Better Auth at a pinned version, driven in-process by `reference/oracle/driver.mjs`
//! over JSON lines on the child's stdin and stdout.

use std::path::Path;
use std::process::Stdio;

use anyhow::{Context, bail};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

use super::{BASE_PATH, SECRET};
use crate::runner::Target;
use crate::transcript::{Request, Response};

/// A running oracle process for one pin.
#[derive(Debug)]
pub struct OracleTarget {
    pin: String,
    child: Child,
    stdin: ChildStdin,
    stdout: Lines<BufReader<ChildStdout>>,
}

impl OracleTarget {
    /// Starts `node reference/oracle/driver.mjs <pin>` (the pin's packages must be installed).
    pub fn start(root: &Path, pin: &str) -> anyhow::Result<Self> {
        let driver = root.join("reference/oracle/driver.mjs");
        let mut child = Command::new("node")
            .arg(&driver)
            .arg(pin)
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting node {}", driver.display()))?;
        let stdin = child.stdin.take().context("no stdin")?;
        let stdout = BufReader::new(child.stdout.take().context("no stdout")?).lines();
        Ok(Self {
            pin: pin.to_owned(),
            child,
            stdin,
            stdout,
        })
    }

    async fn exchange(&mut self, message: &Value) -> anyhow::Result<Value> {
        let mut line = serde_json::to_string(message)?;
        line.push('\n');
        self.stdin.write_all(line.as_bytes()).await?;
        self.stdin.flush().await?;
        let Some(reply) = self.stdout.next_line().await? else {
            let status = self.child.try_wait()?;
            bail!("the oracle for {} exited ({status:?})", self.pin);
        };
        let reply: Value =
            serde_json::from_str(&reply).with_context(|| format!("oracle reply: {reply}"))?;
        if let Some(error) = reply.get("error") {
            bail!("the oracle for {} failed: {error}", self.pin);
        }
        Ok(reply)
    }
}

impl Target for OracleTarget {
    fn name(&self) -> String {
        self.pin.clone()
    }

    async fn init(&mut self, options: &Value, database: &str) -> anyhow::Result<()> {
        let mut options = options.clone();
        if options.is_null() {
            options = json!({});
        }
        if let Some(map) = options.as_object_mut() {
            map.entry("secret").or_insert_with(|| json!(SECRET));
        }
        let reply = self
            .exchange(&json!({"op": "init", "options": options, "database": database}))
            .await?;
        if reply.get("ok") != Some(&Value::Bool(true)) {
            bail!("the oracle for {} refused the options: {reply}", self.pin);
        }
        Ok(())
    }

    async fn call(&mut self, method: &str, args: &Value) -> anyhow::Result<Response> {
        let reply = self
            .exchange(&json!({"op": "call", "method": method, "args": args}))
            .await?;
        let json_response = |status: u16, body: &Value| Response {
            status,
            headers: vec![("content-type".to_owned(), "application/json".to_owned())],
            body: body.to_string(),
        };
        if reply.get("ok") == Some(&Value::Bool(true)) {
            return Ok(json_response(
                200,
                reply.get("result").unwrap_or(&Value::Null),
            ));
        }
        let status = reply
            .get("status")
            .and_then(Value::as_u64)
            .context("a failed call without status")?;
        Ok(json_response(
            u16::try_from(status)?,
            reply.get("body").unwrap_or(&Value::Null),
        ))
    }

    async fn send(&mut self, request: &Request) -> anyhow::Result<Response> {
        let message = json!({
            "op": "request",
            "method": request.method,
            "path": format!("{BASE_PATH}{}", request.path),
            "headers": request.headers,
            "body": request.body,
        });
        let reply = self.exchange(&message).await?;
        let status = reply
            .get("status")
            .and_then(Value::as_u64)
            .context("reply without status")?;
        let headers = serde_json::from_value(reply.get("headers").cloned().unwrap_or(json!([])))?;
        let body = reply
            .get("body")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        Ok(Response {
            status: u16::try_from(status)?,
            headers,
            body,
        })
    }
}
