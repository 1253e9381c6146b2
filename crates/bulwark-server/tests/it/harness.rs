//! Starting the compiled binary, temporary directories, and a minimal HTTP/1.1 client over loopback.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt as _, AsyncReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};

/// The binary under test.
pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_bulwark-server");

/// A secret long enough for the core.
pub(crate) const SECRET: &str = "e2e-secret-that-is-long-enough-for-bulwark-0123456789";

/// Variables of the developer's environment that would change the binary's configuration.
const CONFIG_VARS: &[&str] = &[
    "DATABASE_URL",
    "BULWARK_SECRET",
    "BULWARK_BASE_URL",
    "BULWARK_ENV",
    "BULWARK_HOST",
    "PORT",
];

/// A command for the binary with a clean configuration environment, running in `cwd`.
pub(crate) fn command(cwd: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args).current_dir(cwd).kill_on_drop(true);
    for var in CONFIG_VARS {
        cmd.env_remove(var);
    }
    cmd
}

/// Runs the binary to completion.
pub(crate) async fn run(cwd: &Path, args: &[&str]) -> Output {
    tokio::time::timeout(
        Duration::from_mins(2),
        command(cwd, args).stdin(Stdio::null()).output(),
    )
    .await
    .expect("the command finished in time")
    .expect("the binary started")
}

/// A directory under the system's temporary directory, removed on drop.
#[derive(Debug)]
pub(crate) struct TempDir(PathBuf);

impl TempDir {
    /// A new, empty directory.
    pub(crate) fn new() -> Self {
        let path = std::env::temp_dir().join(format!(
            "bulwark-server-e2e-{}-{:016x}",
            std::process::id(),
            rand::random::<u64>()
        ));
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }

    /// Its path.
    pub(crate) fn path(&self) -> &Path {
        &self.0
    }

    /// A `SQLite` URL for a database file inside it.
    pub(crate) fn sqlite_url(&self, file: &str) -> String {
        format!("sqlite://{}?mode=rwc", self.0.join(file).display())
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A running server; killed when dropped, so a failing test never leaves it behind.
#[derive(Debug)]
pub(crate) struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    /// Starts `bulwark-server serve` with `args` in `cwd` and waits for its `listening on` line.
    pub(crate) async fn start(cwd: &Path, args: &[&str]) -> Self {
        let mut child = command(cwd, args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the binary started");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = BufReader::new(stdout).lines();
        let addr = tokio::time::timeout(Duration::from_mins(2), async {
            while let Some(line) = lines.next_line().await.expect("readable stdout") {
                if let Some(addr) = line.strip_prefix("listening on http://") {
                    return addr.parse::<SocketAddr>().expect("a socket address");
                }
            }
            panic!("the server exited before listening")
        })
        .await
        .expect("the server listened in time");
        // Keep draining stdout so the child never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Self { child, addr }
    }

    /// The default base URL, which is also the origin the server trusts.
    pub(crate) fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Sends one request.
    pub(crate) async fn send(&self, req: Req<'_>) -> Res {
        send(self.addr, req).await
    }

    /// Sends raw bytes as a request and reads the response.
    pub(crate) async fn send_raw(&self, raw: &[u8]) -> Res {
        exchange(self.addr, raw).await
    }

    /// Asks the server to stop with SIGTERM and returns whether it exited successfully in time.
    pub(crate) async fn terminate(mut self) -> bool {
        let pid = self.child.id().expect("a running server").to_string();
        let sent = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill ran");
        assert!(sent.success());
        let status = tokio::time::timeout(Duration::from_secs(30), self.child.wait())
            .await
            .expect("the server stopped in time")
            .expect("an exit status");
        status.success()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

/// A request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Req<'a> {
    /// The method.
    pub(crate) method: &'a str,
    /// The path and query.
    pub(crate) path: &'a str,
    /// Extra headers.
    pub(crate) headers: &'a [(&'a str, &'a str)],
    /// A JSON body.
    pub(crate) json: Option<&'a str>,
}

impl<'a> Req<'a> {
    /// `GET path`.
    pub(crate) fn get(path: &'a str) -> Self {
        Self {
            method: "GET",
            path,
            headers: &[],
            json: None,
        }
    }

    /// `POST path` with a JSON body.
    pub(crate) fn post(path: &'a str, json: &'a str) -> Self {
        Self {
            method: "POST",
            path,
            headers: &[],
            json: Some(json),
        }
    }

    /// With these headers.
    pub(crate) fn headers(self, headers: &'a [(&'a str, &'a str)]) -> Self {
        Self { headers, ..self }
    }
}

/// A response.
#[derive(Debug)]
pub(crate) struct Res {
    /// The status code.
    pub(crate) status: u16,
    /// Header names (lower case) and values, in order.
    pub(crate) headers: Vec<(String, String)>,
    /// The body.
    pub(crate) body: String,
}

impl Res {
    /// The body as JSON.
    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|err| panic!("not JSON ({err}): {}", self.body))
    }

    /// The `Set-Cookie` values.
    pub(crate) fn set_cookies(&self) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(name, _)| name == "set-cookie")
            .map(|(_, value)| value.as_str())
            .collect()
    }

    /// `name=value` of the `Set-Cookie` named `name`.
    pub(crate) fn cookie(&self, name: &str) -> Option<String> {
        self.set_cookies()
            .into_iter()
            .filter_map(|c| c.split(';').next())
            .find(|pair| pair.split_once('=').is_some_and(|(n, _)| n == name))
            .map(str::to_owned)
    }
}

/// One HTTP/1.1 exchange on a fresh connection (`Connection: close`).
pub(crate) async fn send(addr: SocketAddr, req: Req<'_>) -> Res {
    let body = req.json.unwrap_or_default();
    let mut head = format!(
        "{} {} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        req.method,
        req.path,
        body.len()
    );
    if req.json.is_some() {
        head.push_str("Content-Type: application/json\r\n");
    }
    for (name, value) in req.headers {
        write!(head, "{name}: {value}\r\n").unwrap();
    }
    head.push_str("\r\n");
    head.push_str(body);
    exchange(addr, head.as_bytes()).await
}

/// Writes `request` on a fresh connection and reads until the server closes it.
async fn exchange(addr: SocketAddr, request: &[u8]) -> Res {
    let mut stream = TcpStream::connect(addr).await.expect("connected");
    stream.write_all(request).await.unwrap();
    let mut raw = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut raw))
        .await
        .expect("the response arrived in time")
        .expect("readable response");
    parse(&raw)
}

fn parse(raw: &[u8]) -> Res {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete response head");
    let head = std::str::from_utf8(&raw[..split]).expect("an ASCII head");
    let payload = &raw[split + 4..];
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("a status line: {status_line}"));
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
    let body = if chunked {
        dechunk(payload)
    } else {
        payload.to_vec()
    };
    Res {
        status,
        headers,
        body: String::from_utf8(body).expect("a UTF-8 body"),
    }
}

fn dechunk(mut payload: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let line_end = payload
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("a chunk size line");
        let size_line = std::str::from_utf8(&payload[..line_end]).unwrap();
        let size = usize::from_str_radix(size_line.split(';').next().unwrap().trim(), 16).unwrap();
        payload = &payload[line_end + 2..];
        if size == 0 {
            return body;
        }
        body.extend_from_slice(&payload[..size]);
        payload = &payload[size + 2..];
    }
}
