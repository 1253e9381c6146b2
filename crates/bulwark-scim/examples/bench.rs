//! The Bulwark side of `cargo xtask bench scim`: provisions users through `Auth::handle` on a `SQLite`
//! file and prints one JSON object of timings on stdout.
//!
//! Usage: `cargo run --release -p bulwark-scim --example bench -- --users N --db PATH`.
//! The workload (kept in step with `reference/oracle/bench.mjs`, which runs it against upstream):
//! 1. create N users one after another (`POST /Users`), pausing after the first 1,000 for step 2;
//! 2. `userName eq` and `externalId eq` lookups of random provisioned users, at 1,000 users and at N;
//! 3. a page of 100 at `startIndex=1` and at the deepest full page (`startIndex=N-99`);
//! 4. `PATCH` replacing `displayName` on up to 1,000 random users.
//!
//! It is a benchmark, not a test: it asserts only that every request succeeded.

#![expect(
    clippy::print_stdout,
    reason = "the JSON results on stdout are the example's output"
)]
#![expect(
    clippy::cast_precision_loss,
    reason = "counts of users and requests are far below 2^52"
)]

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use bulwark_core::{Adapter, Auth};
use bulwark_scim::options::{StaticConnection, StaticCredential};
use bulwark_scim::{ScimOptions, scim};
use bulwark_sql::SqlAdapter;
use bytes::Bytes;
use http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};

const ORIGIN: &str = "http://localhost:3000";
const TOKEN: &str = "bench-static-token-0123456789abcdef";
const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const PATCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
/// Users provisioned before the first round of lookups.
const EARLY: usize = 1_000;
/// Lookups per attribute and round.
const LOOKUPS: usize = 1_000;
/// Users patched.
const PATCHES: usize = 1_000;
/// Times each page is fetched.
const PAGE_REPEATS: usize = 10;
/// Users per page.
const PAGE_SIZE: usize = 100;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut users = 10_000_usize;
    let mut db = String::from("target/bench-scim/bulwark.db");
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--users" => {
                users = iter
                    .next()
                    .context("--users needs a number")?
                    .parse()
                    .context("--users needs a number")?;
            }
            "--db" => db.clone_from(iter.next().context("--db needs a path")?),
            other => bail!("unknown argument {other:?} (expected --users N, --db PATH)"),
        }
    }
    if users == 0 {
        bail!("--users must be at least 1");
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let results = runtime.block_on(run(users, &db))?;
    println!("{results}");
    Ok(())
}

/// Builds the auth on a fresh `SQLite` file at `path`.
async fn setup(path: &str) -> anyhow::Result<Auth> {
    for suffix in ["", "-wal", "-shm"] {
        let file = format!("{path}{suffix}");
        if std::fs::metadata(&file).is_ok() {
            std::fs::remove_file(&file).with_context(|| format!("removing {file}"))?;
        }
    }
    if let Some(dir) = std::path::Path::new(path).parent() {
        std::fs::create_dir_all(dir)?;
    }
    let adapter = SqlAdapter::connect(&format!("sqlite://{path}")).await?;
    let options = ScimOptions::default().connection(
        StaticConnection::new("bench").credential(StaticCredential::new("bench-1", TOKEN)),
    );
    let auth = Auth::builder()
        .database(Arc::new(adapter.clone()) as Arc<dyn Adapter>)
        .secret("bench-secret-bench-secret-bench-secret-0123456789")
        .base_url(ORIGIN)
        .plugin(scim(options))
        .build()?;
    adapter.migrate(auth.schema()).await?;
    Ok(auth)
}

/// One SCIM request; fails unless the status is `expected`.
async fn call(
    auth: &Auth,
    method: Method,
    path: &str,
    body: Option<&Value>,
    expected: StatusCode,
) -> anyhow::Result<Bytes> {
    let mut req = Request::builder()
        .method(method.clone())
        .uri(format!("{ORIGIN}/api/auth/scim/v2{path}"))
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"));
    if body.is_some() {
        req = req.header(header::CONTENT_TYPE, "application/scim+json");
    }
    let body = body.map_or_else(Bytes::new, |b| Bytes::from(b.to_string()));
    let res = auth.handle(req.body(body)?).await;
    if res.status() != expected {
        bail!(
            "{method} {path} answered {}: {}",
            res.status(),
            String::from_utf8_lossy(res.body())
        );
    }
    Ok(res.into_body())
}

/// The user numbered `i`.
fn user(i: usize) -> Value {
    json!({
        "schemas": [USER_SCHEMA],
        "userName": format!("user{i}@example.com"),
        "externalId": format!("ext-{i}"),
        "displayName": format!("User {i}"),
        "name": {"givenName": "User", "familyName": format!("{i}")},
        "emails": [{"value": format!("user{i}@example.com"), "type": "work", "primary": true}],
        "active": true,
    })
}

/// A small deterministic generator (xorshift64), so both sides draw comparable samples.
struct Random(u64);

impl Random {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        usize::try_from(self.0 % n as u64).unwrap_or(0)
    }
}

/// Mean microseconds per lookup of `attribute eq value` over random users below `at`.
async fn lookups(auth: &Auth, at: usize, random: &mut Random) -> anyhow::Result<Value> {
    let mut round = serde_json::Map::new();
    round.insert("at".into(), json!(at));
    for (attribute, value) in [("userName", "user{}@example.com"), ("externalId", "ext-{}")] {
        let mut total = Duration::ZERO;
        let mut hits = 0_usize;
        for _ in 0..LOOKUPS {
            let wanted = value.replace("{}", &random.below(at).to_string());
            let filter = format!("{attribute} eq \"{wanted}\"");
            let path = format!("/Users?filter={}", encode(&filter));
            let started = Instant::now();
            let body = call(auth, Method::GET, &path, None, StatusCode::OK).await?;
            total += started.elapsed();
            let list: Value = serde_json::from_slice(&body)?;
            if list.get("totalResults") == Some(&json!(1)) {
                hits += 1;
            }
        }
        round.insert(
            format!("{attribute}_us"),
            json!(micros(total) / LOOKUPS as f64),
        );
        round.insert(format!("{attribute}_hits"), json!(hits));
    }
    Ok(Value::Object(round))
}

/// Mean milliseconds per fetch of the page of 100 at `start`, and the resources it held.
async fn page(auth: &Auth, start: usize) -> anyhow::Result<(f64, usize)> {
    let path = format!("/Users?startIndex={start}&count={PAGE_SIZE}");
    let mut total = Duration::ZERO;
    let mut items = 0;
    for _ in 0..PAGE_REPEATS {
        let started = Instant::now();
        let body = call(auth, Method::GET, &path, None, StatusCode::OK).await?;
        total += started.elapsed();
        let list: Value = serde_json::from_slice(&body)?;
        items = list
            .get("Resources")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
    }
    Ok((micros(total) / 1_000.0 / PAGE_REPEATS as f64, items))
}

async fn run(users: usize, db: &str) -> anyhow::Result<Value> {
    let auth = setup(db).await?;
    let mut random = Random(0x9E37_79B9_7F4A_7C15);
    let mut ids = Vec::with_capacity(users);
    let mut creating = Duration::ZERO;
    let mut rounds = Vec::new();
    for i in 0..users {
        let started = Instant::now();
        let body = call(
            &auth,
            Method::POST,
            "/Users",
            Some(&user(i)),
            StatusCode::CREATED,
        )
        .await?;
        creating += started.elapsed();
        let created: Value = serde_json::from_slice(&body)?;
        ids.push(
            created
                .get("id")
                .and_then(Value::as_str)
                .context("a created user without an id")?
                .to_owned(),
        );
        if i + 1 == EARLY && users > EARLY {
            rounds.push(lookups(&auth, EARLY, &mut random).await?);
        }
    }
    rounds.push(lookups(&auth, users, &mut random).await?);

    let deep_start = users.saturating_sub(PAGE_SIZE - 1).max(1);
    let (first_ms, first_items) = page(&auth, 1).await?;
    let (deep_ms, deep_items) = page(&auth, deep_start).await?;

    let patches = PATCHES.min(users);
    let started = Instant::now();
    for n in 0..patches {
        let id = ids.get(random.below(users)).context("a patched user")?;
        let body = json!({
            "schemas": [PATCH_SCHEMA],
            "Operations": [{"op": "replace", "path": "displayName", "value": format!("Renamed {n}")}],
        });
        call(
            &auth,
            Method::PATCH,
            &format!("/Users/{id}"),
            Some(&body),
            StatusCode::OK,
        )
        .await?;
    }
    let patching = started.elapsed();

    Ok(json!({
        "line": "bulwark",
        "users": users,
        "creates_per_s": users as f64 / creating.as_secs_f64(),
        "lookups": rounds,
        "page_first_ms": first_ms,
        "page_first_items": first_items,
        "page_deep_ms": deep_ms,
        "page_deep_items": deep_items,
        "page_deep_start": deep_start,
        "patches": patches,
        "patches_per_s": patches as f64 / patching.as_secs_f64(),
    }))
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1_000_000.0
}

/// Percent-encodes a query value (everything but unreserved characters).
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}
