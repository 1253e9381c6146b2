//! Runs a scenario against a target: substitutions, the cookie jar, captures, and the transcript.

use std::collections::BTreeMap;

use anyhow::{Context, bail};

use crate::scenario::{Scenario, Step};
use crate::transcript::{Exchange, Request, Response, Transcript};

/// A server a scenario can run against: the oracle (upstream in Node) or Bulwark in-process.
pub trait Target {
    /// The target's name in transcripts (`v1.6.30`, `bulwark`).
    fn name(&self) -> String;
    /// Builds a fresh server with `options` on `database`.
    fn init(
        &mut self,
        options: &serde_json::Value,
        database: &str,
    ) -> impl Future<Output = anyhow::Result<()>>;
    /// Sends one request.
    fn send(&mut self, request: &Request) -> impl Future<Output = anyhow::Result<Response>>;
    /// Makes one server-side API call; the answer is shaped like a JSON response (200 with the result,
    /// or the error's status and body).
    fn call(
        &mut self,
        method: &str,
        args: &serde_json::Value,
    ) -> impl Future<Output = anyhow::Result<Response>>;
}

/// Runs `scenario` with the options of `pin` on `database` against `target`.
pub async fn run<T: Target>(
    target: &mut T,
    scenario: &Scenario,
    pin: &str,
    database: &str,
) -> anyhow::Result<Transcript> {
    target
        .init(&scenario.options_for(pin), database)
        .await
        .with_context(|| format!("{}: init", scenario.id))?;
    let mut vars = BTreeMap::new();
    let mut jar = BTreeMap::new();
    let mut exchanges = Vec::new();
    for step in &scenario.steps {
        let context = || format!("{}: step `{}`", scenario.id, step.name);
        let sent_at_ms = now_ms();
        let (request, response) = if let Some(method) = &step.call {
            let args = step.args.as_ref().unwrap_or(&serde_json::Value::Null);
            let args = substitute_json(args, &vars).with_context(context)?;
            let request = Request {
                method: "CALL".to_owned(),
                path: method.clone(),
                headers: Vec::new(),
                body: Some(args.to_string()),
            };
            let response = target.call(method, &args).await.with_context(context)?;
            (request, response)
        } else {
            let request = build_request(step, &vars, &jar).with_context(context)?;
            let response = target.send(&request).await.with_context(context)?;
            (request, response)
        };
        if step.cookies {
            update_jar(&mut jar, &response);
        }
        for (name, source) in &step.capture {
            let value = capture(&response, source).with_context(|| {
                format!(
                    "{}: step `{}`: capture `{name}` from `{source}`",
                    scenario.id, step.name
                )
            })?;
            vars.insert(name.clone(), value);
        }
        exchanges.push(Exchange {
            step: step.name.clone(),
            sent_at_ms,
            request,
            response,
        });
    }
    Ok(Transcript {
        scenario: scenario.id.clone(),
        target: target.name(),
        database: database.to_owned(),
        exchanges,
    })
}

fn now_ms() -> i64 {
    #[expect(
        clippy::disallowed_methods,
        reason = "the harness times real requests; it is not library code"
    )]
    let now = time::OffsetDateTime::now_utc();
    i64::try_from(now.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

fn build_request(
    step: &Step,
    vars: &BTreeMap<String, String>,
    jar: &BTreeMap<String, String>,
) -> anyhow::Result<Request> {
    let (method, path) = step.method_and_path()?;
    let mut headers: Vec<(String, String)> = step
        .headers
        .iter()
        .map(|(k, v)| Ok((k.to_ascii_lowercase(), substitute(v, vars)?)))
        .collect::<anyhow::Result<_>>()?;
    let body = match (&step.json, &step.body) {
        (Some(json), _) => {
            if !headers.iter().any(|(k, _)| k == "content-type") {
                headers.push(("content-type".to_owned(), "application/json".to_owned()));
            }
            Some(serde_json::to_string(&substitute_json(json, vars)?)?)
        }
        (None, Some(raw)) => Some(substitute(raw, vars)?),
        (None, None) => None,
    };
    if step.cookies && !jar.is_empty() && !headers.iter().any(|(k, _)| k == "cookie") {
        let cookie = jar
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        headers.push(("cookie".to_owned(), cookie));
    }
    Ok(Request {
        method: method.to_owned(),
        path: substitute(path, vars)?,
        headers,
        body,
    })
}

/// Replaces every `{{name}}` with its captured value.
fn substitute(text: &str, vars: &BTreeMap<String, String>) -> anyhow::Result<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find("}}").context("unclosed `{{`")?;
        let name = after[..end].trim();
        let value = vars
            .get(name)
            .with_context(|| format!("`{{{{{name}}}}}` was never captured"))?;
        out.push_str(value);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

fn substitute_json(
    value: &serde_json::Value,
    vars: &BTreeMap<String, String>,
) -> anyhow::Result<serde_json::Value> {
    Ok(match value {
        serde_json::Value::String(s) => serde_json::Value::String(substitute(s, vars)?),
        serde_json::Value::Array(items) => serde_json::Value::Array(
            items
                .iter()
                .map(|v| substitute_json(v, vars))
                .collect::<anyhow::Result<_>>()?,
        ),
        serde_json::Value::Object(map) => serde_json::Value::Object(
            map.iter()
                .map(|(k, v)| Ok((k.clone(), substitute_json(v, vars)?)))
                .collect::<anyhow::Result<_>>()?,
        ),
        other => other.clone(),
    })
}

/// Applies `set-cookie` headers as a browser would: set, replace, or remove (empty value or `Max-Age=0`).
fn update_jar(jar: &mut BTreeMap<String, String>, response: &Response) {
    for cookie in response.header_values("set-cookie") {
        let mut parts = cookie.split(';');
        let Some((name, value)) = parts.next().and_then(|p| p.split_once('=')) else {
            continue;
        };
        let expired = parts.any(|attr| attr.trim().eq_ignore_ascii_case("max-age=0"));
        if expired || value.is_empty() {
            jar.remove(name.trim());
        } else {
            jar.insert(name.trim().to_owned(), value.to_owned());
        }
    }
}

fn capture(response: &Response, source: &str) -> anyhow::Result<String> {
    if let Some(name) = source.strip_prefix("header:") {
        return response
            .header(&name.to_ascii_lowercase())
            .map(str::to_owned)
            .context("no such header");
    }
    let pointer = source.strip_prefix("body:").unwrap_or(source);
    let body: serde_json::Value =
        serde_json::from_str(&response.body).context("the body is not JSON")?;
    match body.pointer(pointer) {
        Some(serde_json::Value::String(s)) => Ok(s.clone()),
        Some(serde_json::Value::Null) | None => bail!("nothing at `{pointer}`"),
        Some(other) => Ok(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substitution_replaces_every_capture_and_rejects_unknown_ones() {
        let vars = BTreeMap::from([("id".to_owned(), "u1".to_owned())]);
        assert_eq!(
            substitute("/users/{{id}}?x={{ id }}", &vars).unwrap(),
            "/users/u1?x=u1"
        );
        assert!(substitute("{{nope}}", &vars).is_err());
        assert!(substitute("{{id", &vars).is_err());
    }

    #[test]
    fn the_jar_sets_replaces_and_expires_cookies() {
        let mut jar = BTreeMap::new();
        let set = |v: &str| Response {
            status: 200,
            headers: vec![("set-cookie".to_owned(), v.to_owned())],
            body: String::new(),
        };
        update_jar(&mut jar, &set("a=1; Path=/"));
        update_jar(&mut jar, &set("b=2; Max-Age=10"));
        update_jar(&mut jar, &set("a=3"));
        assert_eq!(
            jar,
            BTreeMap::from([
                ("a".to_owned(), "3".to_owned()),
                ("b".to_owned(), "2".to_owned())
            ])
        );
        update_jar(&mut jar, &set("a=; Max-Age=0; Path=/"));
        assert_eq!(jar.keys().collect::<Vec<_>>(), ["b"]);
    }
}
