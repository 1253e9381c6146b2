//! Origin checks, as upstream runs them on every state-changing request.
//!
//! 1. A request that carries a cookie must name a trusted origin in `Origin` (or `Referer`); a missing or
//!    `null` one is refused with `MISSING_OR_NULL_ORIGIN`, an untrusted one with `INVALID_ORIGIN`.
//! 2. Redirect targets in the body or query (`callbackURL`, `redirectTo`, `errorCallbackURL`,
//!    `newUserCallbackURL`) must be trusted origins or safe relative paths, with or without cookies.
//! 3. Sign-in and sign-up also check requests without cookies when the browser says where they come from
//!    (an `Origin`/`Referer` header or fetch metadata), and refuse cross-site navigations outright.

use std::sync::Arc;

use http::{Method, StatusCode, header};

use crate::auth::AuthBuilder;
use crate::endpoint::RequestCtx;
use crate::error::{ApiError, ErrorCode, codes};
use crate::hooks::{BeforeEndpoint, Matcher};

/// The redirect fields upstream validates, with the code each one fails with.
const REDIRECT_FIELDS: [(&str, &str, ErrorCode); 4] = [
    ("callbackURL", "callbackURL", codes::INVALID_CALLBACK_URL),
    ("redirectTo", "redirectURL", codes::INVALID_REDIRECT_URL),
    (
        "errorCallbackURL",
        "errorCallbackURL",
        codes::INVALID_ERROR_CALLBACK_URL,
    ),
    (
        "newUserCallbackURL",
        "newUserCallbackURL",
        codes::INVALID_NEW_USER_CALLBACK_URL,
    ),
];

/// Registers the checks as the first endpoint before-hook.
pub(crate) fn register(builder: &mut AuthBuilder) {
    builder.before(
        Matcher::Custom {
            name: "origin-check",
            test: needs_check,
        },
        Arc::new(|req: RequestCtx| {
            Box::pin(async move {
                check(&req)?;
                Ok(BeforeEndpoint::Continue(req))
            })
        }),
    );
}

fn needs_check(req: &RequestCtx) -> bool {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    !safe && !req.auth().options().advanced.disable_origin_check
}

fn check(req: &RequestCtx) -> Result<(), ApiError> {
    let has_cookie = req.headers().contains_key(header::COOKIE);
    if has_cookie {
        validate_origin(req)?;
    } else if matches!(req.path(), "/sign-in/email" | "/sign-up/email") {
        form_csrf(req)?;
    }
    check_redirects(req)
}

/// Upstream's form CSRF rule for sign-in and sign-up requests without cookies.
fn form_csrf(req: &RequestCtx) -> Result<(), ApiError> {
    let site = req.header("sec-fetch-site").unwrap_or_default();
    let mode = req.header("sec-fetch-mode").unwrap_or_default();
    let dest = req.header("sec-fetch-dest").unwrap_or_default();
    if !site.is_empty() || !mode.is_empty() || !dest.is_empty() {
        if site == "cross-site" && mode == "navigate" {
            return Err(ApiError::forbidden(
                codes::CROSS_SITE_NAVIGATION_LOGIN_BLOCKED,
            ));
        }
        return validate_origin(req);
    }
    if req.headers().contains_key(header::ORIGIN) || req.headers().contains_key(header::REFERER) {
        return validate_origin(req);
    }
    Ok(())
}

fn validate_origin(req: &RequestCtx) -> Result<(), ApiError> {
    let origin = req
        .header(header::ORIGIN)
        .or_else(|| req.header(header::REFERER));
    let Some(origin) = origin.filter(|o| !o.is_empty() && *o != "null") else {
        return Err(ApiError::forbidden(codes::MISSING_OR_NULL_ORIGIN));
    };
    if is_trusted(req, origin, false) {
        Ok(())
    } else {
        Err(ApiError::forbidden(codes::INVALID_ORIGIN))
    }
}

/// Checks the redirect fields of the body (when it is JSON) and `callbackURL` of the query.
fn check_redirects(req: &RequestCtx) -> Result<(), ApiError> {
    let body = match req.content_type().as_deref() {
        Some("application/json") => serde_json::from_slice::<serde_json::Value>(req.body()).ok(),
        _ => None,
    };
    for (field, label, code) in REDIRECT_FIELDS {
        let from_body = body
            .as_ref()
            .and_then(|b| b.get(field))
            .filter(|v| !v.is_null());
        let value = match from_body {
            Some(serde_json::Value::String(s)) if !s.is_empty() => s.clone(),
            Some(serde_json::Value::String(_)) | None => match field {
                "callbackURL" => match req.query(field) {
                    Some(q) if !q.is_empty() => q,
                    _ => continue,
                },
                _ => continue,
            },
            Some(_) => {
                return Err(ApiError::message_only(
                    StatusCode::BAD_REQUEST,
                    format!("Invalid {label}: expected a string"),
                ));
            }
        };
        if !is_trusted(req, &value, true) {
            return Err(ApiError::forbidden(code));
        }
    }
    Ok(())
}

/// Whether `url` belongs to a trusted origin. Relative paths are trusted only for redirect targets, and
/// only when they cannot leave the site (no `//`, backslash or encoded slash, no fragment).
pub(crate) fn is_trusted(req: &RequestCtx, url: &str, allow_relative: bool) -> bool {
    if url.starts_with('/') {
        return allow_relative && is_safe_relative_path(url);
    }
    let trusted = &req.auth().options().trusted_origins;
    trusted
        .iter()
        .any(|pattern| matches_origin_pattern(url, pattern))
}

fn is_safe_relative_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let rest = &lower[1..];
    if rest.starts_with('/')
        || rest.starts_with('\\')
        || rest.starts_with("%2f")
        || rest.starts_with("%5c")
    {
        return false;
    }
    let (path_part, query) = match path.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path, None),
    };
    let path_ok = path_part
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"_-.+/@".contains(&b));
    let query_ok = query.is_none_or(|q| {
        q.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-.+/=&%@".contains(&b))
    });
    path_ok && query_ok
}

/// Upstream's `matchesOriginPattern`: wildcard patterns match the origin (when they name a scheme) or
/// the host; other patterns must equal the URL's origin.
fn matches_origin_pattern(url: &str, pattern: &str) -> bool {
    let Ok(parsed) = url::Url::parse(url) else {
        return false;
    };
    if pattern.contains('*') || pattern.contains('?') {
        let subject = if pattern.contains("://") {
            parsed.origin().ascii_serialization()
        } else {
            parsed.host_str().unwrap_or_default().to_owned()
        };
        return wildcard_match(pattern, &subject);
    }
    if matches!(parsed.scheme(), "http" | "https") {
        return parsed.origin().ascii_serialization() == pattern;
    }
    url.starts_with(pattern)
}

/// Glob matching with `*` (any run) and `?` (one character).
fn wildcard_match(pattern: &str, subject: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let s: Vec<char> = subject.chars().collect();
    let (mut pi, mut si, mut star, mut mark) = (0, 0, None, 0);
    while si < s.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some(pi);
                mark = si;
                pi += 1;
            }
            Some(&c) if c == '?' || Some(&c) == s.get(si) => {
                pi += 1;
                si += 1;
            }
            _ => match star {
                Some(st) => {
                    pi = st + 1;
                    mark += 1;
                    si = mark;
                }
                None => return false,
            },
        }
    }
    p.get(pi..)
        .is_some_and(|rest| rest.iter().all(|&c| c == '*'))
}

#[cfg(test)]
mod tests {
    use super::{is_safe_relative_path, matches_origin_pattern, wildcard_match};

    #[test]
    fn origin_patterns_match_like_upstream() {
        assert!(matches_origin_pattern(
            "http://localhost:3000/some/page?x=1",
            "http://localhost:3000"
        ));
        assert!(matches_origin_pattern(
            "http://localhost:3000/",
            "http://localhost:3000"
        ));
        assert!(!matches_origin_pattern(
            "http://localhost:3001",
            "http://localhost:3000"
        ));
        assert!(!matches_origin_pattern(
            "http://auth.example.com",
            "https://auth.example.com"
        ));
        assert!(matches_origin_pattern(
            "https://foo.example.org",
            "*.example.org"
        ));
        assert!(matches_origin_pattern(
            "https://foo.example.org/x",
            "https://*.example.org"
        ));
        assert!(!matches_origin_pattern(
            "https://example.org.evil.com",
            "*.example.org"
        ));
        assert!(wildcard_match("a?c*", "abcdef"));
    }

    #[test]
    fn relative_redirects_must_stay_on_site() {
        assert!(is_safe_relative_path("/dashboard"));
        assert!(is_safe_relative_path("/a/b?x=1&y=%20"));
        assert!(!is_safe_relative_path("//evil.com"));
        assert!(!is_safe_relative_path("/\\evil.com"));
        assert!(!is_safe_relative_path("/%2F%2Fevil.com"));
        assert!(!is_safe_relative_path("/a#b"));
    }
}
