//! Normalisation: volatile values become placeholders so two servers' transcripts can be compared.
//!
//! - Random identifiers and tokens (a string of 16 or more `[A-Za-z0-9_-]` under a key named `id`,
//!   `token`, `…Id` or `…Token`, and the token inside a signed session cookie) become `<id:N>` /
//!   `<token:N>`, numbered in order of first appearance. The same value is the same placeholder
//!   everywhere in the transcript, also inside other strings, so a reference from one step to another
//!   (a session's `userId` naming the user created before) is compared too.
//! - Timestamps (ISO-8601, UTC) become their offset from the moment the request was sent, rounded to the
//!   minute: `<now>`, `<now+7d>`, `<now+23h>`.
//! - Cookie signatures become `<sig>`; cookie attributes are kept as they are.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::transcript::{Exchange, Transcript};

/// The headers whose values are compared.
pub const COMPARED_HEADERS: [&str; 4] =
    ["content-type", "location", "www-authenticate", "set-cookie"];

/// One step after normalisation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NormalStep {
    /// The step name.
    pub step: String,
    /// The status code.
    pub status: u16,
    /// The compared headers that are present, each with its values in order.
    pub headers: BTreeMap<String, Vec<String>>,
    /// The body: JSON when it parses, else the text (empty for no body).
    pub body: Value,
}

/// Normalises a whole transcript (placeholders are numbered across all its steps).
pub fn normalize(transcript: &Transcript) -> Vec<NormalStep> {
    let mut names = Placeholders::default();
    for exchange in &transcript.exchanges {
        names.learn(exchange);
    }
    transcript
        .exchanges
        .iter()
        .map(|e| names.apply(e))
        .collect()
}

#[derive(Default)]
struct Placeholders {
    /// Value to placeholder, in order of first appearance.
    known: Vec<(String, String)>,
    ids: usize,
    tokens: usize,
}

fn looks_random(s: &str) -> bool {
    // Base64 padding is allowed at the end (v1.6.30's SCIM provider tokens carry it).
    let s = s
        .strip_suffix("==")
        .or_else(|| s.strip_suffix('='))
        .unwrap_or(s);
    s.len() >= 16
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn key_class(key: &str) -> Option<&'static str> {
    if key == "token" || key.ends_with("Token") {
        Some("token")
    } else if key == "id" || key.ends_with("Id") {
        Some("id")
    } else {
        None
    }
}

impl Placeholders {
    fn register(&mut self, value: &str, class: &str) {
        if !looks_random(value) || self.known.iter().any(|(v, _)| v == value) {
            return;
        }
        let placeholder = if class == "token" {
            self.tokens += 1;
            format!("<token:{}>", self.tokens)
        } else {
            self.ids += 1;
            format!("<id:{}>", self.ids)
        };
        self.known.push((value.to_owned(), placeholder));
    }

    fn learn(&mut self, exchange: &Exchange) {
        for cookie in exchange.response.header_values("set-cookie") {
            if let Some((token, _)) = cookie_value(cookie).and_then(|v| split_signed(&v)) {
                self.register(&token, "token");
            }
        }
        if let Ok(body) = serde_json::from_str::<Value>(&exchange.response.body) {
            self.learn_json(&body, None);
        }
    }

    fn learn_json(&mut self, value: &Value, key: Option<&str>) {
        match value {
            Value::String(s) => {
                if let Some(class) = key.and_then(key_class) {
                    self.register(s, class);
                }
            }
            Value::Array(items) => items.iter().for_each(|v| self.learn_json(v, key)),
            Value::Object(map) => map.iter().for_each(|(k, v)| self.learn_json(v, Some(k))),
            _ => {}
        }
    }

    fn replace(&self, text: &str, sent_at_ms: i64) -> String {
        if let Some(relative) = relative_date(text, sent_at_ms) {
            return relative;
        }
        let mut out = text.to_owned();
        for (value, placeholder) in &self.known {
            if out.contains(value.as_str()) {
                out = out.replace(value.as_str(), placeholder);
            }
        }
        out
    }

    fn apply_json(&self, value: &Value, sent_at_ms: i64) -> Value {
        match value {
            Value::String(s) => Value::String(self.replace(s, sent_at_ms)),
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|v| self.apply_json(v, sent_at_ms))
                    .collect(),
            ),
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), self.apply_json(v, sent_at_ms)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    fn apply(&self, exchange: &Exchange) -> NormalStep {
        let res = &exchange.response;
        let mut headers = BTreeMap::new();
        for name in COMPARED_HEADERS {
            let values: Vec<String> = res
                .header_values(name)
                .map(|v| {
                    if name == "set-cookie" {
                        self.cookie(v)
                    } else {
                        self.replace(v, exchange.sent_at_ms)
                    }
                })
                .collect();
            if !values.is_empty() {
                headers.insert(name.to_owned(), values);
            }
        }
        let body = match serde_json::from_str::<Value>(&res.body) {
            Ok(json) => self.apply_json(&json, exchange.sent_at_ms),
            Err(_) => Value::String(self.replace(&res.body, exchange.sent_at_ms)),
        };
        NormalStep {
            step: exchange.step.clone(),
            status: res.status,
            headers,
            body,
        }
    }

    /// A `set-cookie` value with its token replaced and its signature masked; attributes unchanged
    /// (an `Expires` date is masked).
    fn cookie(&self, header: &str) -> String {
        let mut parts = header.split(';');
        let first = parts.next().unwrap_or_default();
        let (name, raw) = first.split_once('=').unwrap_or((first, ""));
        let decoded = decode_component(raw);
        let value = match split_signed(&decoded) {
            Some((token, _)) => format!("{}.<sig>", self.replace(&token, 0)),
            None => self.replace(&decoded, 0),
        };
        let attributes = parts.map(|a| {
            let a = a.trim();
            if a.to_ascii_lowercase().starts_with("expires=") {
                "Expires=<date>".to_owned()
            } else {
                a.to_owned()
            }
        });
        std::iter::once(format!("{name}={value}"))
            .chain(attributes)
            .collect::<Vec<_>>()
            .join("; ")
    }
}

fn cookie_value(header: &str) -> Option<String> {
    let first = header.split(';').next()?;
    let (_, raw) = first.split_once('=')?;
    Some(decode_component(raw))
}

/// `value.signature` where the signature is 44 base64 characters ending in `=`.
fn split_signed(value: &str) -> Option<(String, String)> {
    let (token, sig) = value.rsplit_once('.')?;
    (sig.len() == 44 && sig.ends_with('=') && !token.is_empty())
        .then(|| (token.to_owned(), sig.to_owned()))
}

/// Percent-decodes a cookie value (invalid escapes stay as they are).
fn decode_component(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        if let (b'%', Some(decoded)) = (b, hex) {
            out.push(decoded);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `<now>` or `<now±…>` for an ISO-8601 UTC timestamp, relative to `sent_at_ms` and rounded to minutes.
fn relative_date(text: &str, sent_at_ms: i64) -> Option<String> {
    let bytes = text.as_bytes();
    let shaped = text.len() >= 20
        && bytes.get(4) == Some(&b'-')
        && bytes.get(10) == Some(&b'T')
        && text.ends_with('Z');
    if !shaped {
        return None;
    }
    let at =
        time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()?;
    let ms = i64::try_from(at.unix_timestamp_nanos() / 1_000_000).ok()?;
    // Round half away from zero to whole minutes.
    let delta = ms - sent_at_ms;
    let minutes = (delta + delta.signum() * 30_000) / 60_000;
    if minutes == 0 {
        return Some("<now>".to_owned());
    }
    let sign = if minutes > 0 { '+' } else { '-' };
    let m = minutes.abs();
    let text = if m % 1440 == 0 {
        format!("{}d", m / 1440)
    } else if m % 60 == 0 {
        format!("{}h", m / 60)
    } else {
        format!("{m}m")
    };
    Some(format!("<now{sign}{text}>"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transcript::{Request, Response};

    fn exchange(step: &str, body: &str, cookies: &[&str]) -> Exchange {
        Exchange {
            step: step.to_owned(),
            sent_at_ms: 1_767_225_600_000, // 2026-01-01T00:00:00Z
            request: Request {
                method: "GET".to_owned(),
                path: "/".to_owned(),
                headers: Vec::new(),
                body: None,
            },
            response: Response {
                status: 200,
                headers: cookies
                    .iter()
                    .map(|c| ("set-cookie".to_owned(), (*c).to_owned()))
                    .collect(),
                body: body.to_owned(),
            },
        }
    }

    #[test]
    fn ids_tokens_dates_and_cookies_become_placeholders() {
        let transcript = Transcript {
            scenario: "t".to_owned(),
            target: "x".to_owned(),
            database: "memory".to_owned(),
            exchanges: vec![
                exchange(
                    "a",
                    r#"{"token":"TTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTT","user":{"id":"UUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUU","providerId":"credential","createdAt":"2026-01-01T00:00:00.010Z"}}"#,
                    &[
                        "better-auth.session_token=TTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTT.YSJDS3VyyReFGGnmW2g0J4TOHazK9KyuJWQVE8eWKwg%3D; Max-Age=604800; Path=/",
                    ],
                ),
                exchange(
                    "b",
                    r#"{"userId":"UUUUUUUUUUUUUUUUUUUUUUUUUUUUUUUU","expiresAt":"2026-01-08T00:00:00.000Z"}"#,
                    &[],
                ),
            ],
        };
        let steps = normalize(&transcript);
        assert_eq!(
            steps[0].body,
            serde_json::json!({"token":"<token:1>","user":{"id":"<id:1>","providerId":"credential","createdAt":"<now>"}})
        );
        assert_eq!(
            steps[0].headers["set-cookie"],
            ["better-auth.session_token=<token:1>.<sig>; Max-Age=604800; Path=/"]
        );
        assert_eq!(
            steps[1].body,
            serde_json::json!({"userId":"<id:1>","expiresAt":"<now+7d>"})
        );
    }
}
