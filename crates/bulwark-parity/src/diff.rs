//! The diff engine: compares two normalised transcripts step by step.
//!
//! A finding names where two servers disagree: `status`, `header:<name>`, or a body path such as
//! `body.user.image`. JSON is compared structurally; object key order counts only for steps that declare
//! it contractual (`ordered = true`).

use serde::Serialize;
use serde_json::Value;

use crate::normalize::NormalStep;

/// One disagreement between the expected (upstream) and the actual (Bulwark) transcript.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The step.
    pub step: String,
    /// What differs: `status`, `header:<name>`, `body`, `body.<path>`, `keys:<path>`, `steps`.
    pub path: String,
    /// Upstream's value, rendered.
    pub expected: String,
    /// Bulwark's value, rendered.
    pub actual: String,
}

/// Compares `expected` with `actual`; `ordered(step)` says whether key order counts in that step.
pub fn diff(
    expected: &[NormalStep],
    actual: &[NormalStep],
    ordered: &dyn Fn(&str) -> bool,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    if expected.len() != actual.len() {
        findings.push(Finding {
            step: String::new(),
            path: "steps".to_owned(),
            expected: expected.len().to_string(),
            actual: actual.len().to_string(),
        });
    }
    for (e, a) in expected.iter().zip(actual) {
        let mut push = |path: String, expected: String, actual: String| {
            findings.push(Finding {
                step: e.step.clone(),
                path,
                expected,
                actual,
            });
        };
        if e.status != a.status {
            push(
                "status".to_owned(),
                e.status.to_string(),
                a.status.to_string(),
            );
        }
        let names = e
            .headers
            .keys()
            .chain(a.headers.keys())
            .collect::<std::collections::BTreeSet<_>>();
        for name in names {
            let ev = e.headers.get(name);
            let av = a.headers.get(name);
            if ev != av {
                let render = |v: Option<&Vec<String>>| {
                    v.map_or_else(|| "(absent)".to_owned(), |v| v.join(" | "))
                };
                push(format!("header:{name}"), render(ev), render(av));
            }
        }
        let mut body = Vec::new();
        compare(&e.body, &a.body, "body", ordered(&e.step), &mut body);
        for (path, ev, av) in body {
            push(path, ev, av);
        }
    }
    findings
}

fn render(v: Option<&Value>) -> String {
    v.map_or_else(|| "(absent)".to_owned(), Value::to_string)
}

fn compare(
    e: &Value,
    a: &Value,
    path: &str,
    ordered: bool,
    out: &mut Vec<(String, String, String)>,
) {
    match (e, a) {
        (Value::Object(em), Value::Object(am)) => {
            for (k, ev) in em {
                let child = format!("{path}.{k}");
                match am.get(k) {
                    Some(av) => compare(ev, av, &child, ordered, out),
                    None => out.push((child, ev.to_string(), "(absent)".to_owned())),
                }
            }
            for (k, av) in am {
                if !em.contains_key(k) {
                    out.push((format!("{path}.{k}"), "(absent)".to_owned(), av.to_string()));
                }
            }
            if ordered {
                let ek: Vec<&String> = em.keys().filter(|k| am.contains_key(*k)).collect();
                let ak: Vec<&String> = am.keys().filter(|k| em.contains_key(*k)).collect();
                if ek != ak {
                    out.push((format!("keys:{path}"), format!("{ek:?}"), format!("{ak:?}")));
                }
            }
        }
        (Value::Array(ea), Value::Array(aa)) => {
            if ea.len() != aa.len() {
                out.push((
                    format!("{path}[]"),
                    format!("{} items", ea.len()),
                    format!("{} items", aa.len()),
                ));
            }
            for (i, (ev, av)) in ea.iter().zip(aa).enumerate() {
                compare(ev, av, &format!("{path}[{i}]"), ordered, out);
            }
        }
        _ if e != a => out.push((path.to_owned(), render(Some(e)), render(Some(a)))),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::json;

    use super::*;

    fn step(name: &str, status: u16, headers: &[(&str, &str)], body: Value) -> NormalStep {
        let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (k, v) in headers {
            map.entry((*k).to_owned())
                .or_default()
                .push((*v).to_owned());
        }
        NormalStep {
            step: name.to_owned(),
            status,
            headers: map,
            body,
        }
    }

    fn paths(findings: &[Finding]) -> Vec<String> {
        findings
            .iter()
            .map(|f| format!("{}:{}", f.step, f.path))
            .collect()
    }

    const JSON: (&str, &str) = ("content-type", "application/json");

    #[test]
    fn identical_transcripts_have_no_findings() {
        let a = vec![step("s", 200, &[JSON], json!({"a": 1}))];
        assert!(diff(&a, &a.clone(), &|_| false).is_empty());
    }

    #[test]
    fn a_changed_status_is_reported() {
        let e = vec![step("sign-up", 200, &[JSON], json!({}))];
        let a = vec![step("sign-up", 422, &[JSON], json!({}))];
        let found = diff(&e, &a, &|_| false);
        assert_eq!(paths(&found), ["sign-up:status"]);
        assert_eq!(
            (found[0].expected.as_str(), found[0].actual.as_str()),
            ("200", "422")
        );
    }

    #[test]
    fn a_changed_field_is_reported_with_its_path() {
        let e = vec![step(
            "s",
            200,
            &[JSON],
            json!({"user": {"name": "Ada", "image": null}}),
        )];
        let a = vec![step("s", 200, &[JSON], json!({"user": {"name": "ADA"}}))];
        assert_eq!(
            paths(&diff(&e, &a, &|_| false)),
            ["s:body.user.name", "s:body.user.image"]
        );
    }

    #[test]
    fn a_missing_header_is_reported() {
        let e = vec![step(
            "s",
            200,
            &[JSON, ("set-cookie", "a=<token:1>.<sig>; Path=/")],
            json!({}),
        )];
        let a = vec![step("s", 200, &[JSON], json!({}))];
        let found = diff(&e, &a, &|_| false);
        assert_eq!(paths(&found), ["s:header:set-cookie"]);
        assert_eq!(found[0].actual, "(absent)");
    }

    #[test]
    fn a_broken_cross_step_reference_is_reported() {
        // Upstream's session names the user created in the first step; ours names another id.
        let e = vec![
            step("sign-up", 200, &[JSON], json!({"user": {"id": "<id:1>"}})),
            step(
                "session",
                200,
                &[JSON],
                json!({"session": {"userId": "<id:1>"}}),
            ),
        ];
        let a = vec![
            step("sign-up", 200, &[JSON], json!({"user": {"id": "<id:1>"}})),
            step(
                "session",
                200,
                &[JSON],
                json!({"session": {"userId": "<id:2>"}}),
            ),
        ];
        assert_eq!(
            paths(&diff(&e, &a, &|_| false)),
            ["session:body.session.userId"]
        );
    }

    #[test]
    fn key_order_counts_only_where_declared() {
        let e = vec![step(
            "s",
            200,
            &[JSON],
            json!({"message": "m", "code": "C"}),
        )];
        let a = vec![step(
            "s",
            200,
            &[JSON],
            json!({"code": "C", "message": "m"}),
        )];
        assert!(diff(&e, &a, &|_| false).is_empty());
        assert_eq!(paths(&diff(&e, &a, &|_| true)), ["s:keys:body"]);
    }

    #[test]
    fn a_missing_step_is_reported() {
        let e = vec![
            step("a", 200, &[], json!(null)),
            step("b", 200, &[], json!(null)),
        ];
        let a = vec![step("a", 200, &[], json!(null))];
        assert_eq!(paths(&diff(&e, &a, &|_| false)), [":steps"]);
    }
}
