//! Endpoints: the request context handlers receive, the response they build, and route matching.

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::adapter::BoxFuture;
use crate::auth::Auth;
use crate::error::{ApiError, codes};

/// An endpoint handler.
pub type Handler =
    Arc<dyn Fn(RequestCtx) -> BoxFuture<'static, Result<ApiResponse, ApiError>> + Send + Sync>;

/// One route: a method, a path under the base path (segments starting with `:` are parameters) and a
/// handler.
#[derive(Clone)]
pub struct Endpoint {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) handler: Handler,
    /// Media types a body may have; checked (with JSON syntax) before any hook runs, as upstream does.
    pub(crate) media_types: &'static [&'static str],
    /// Whether the handler reads and checks the body itself (see [`Endpoint::own_body_checks`]).
    pub(crate) own_body_checks: bool,
}

impl Endpoint {
    /// An endpoint from an async function.
    pub fn new<F, Fut>(method: Method, path: impl Into<String>, handler: F) -> Self
    where
        F: Fn(RequestCtx) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<ApiResponse, ApiError>> + Send + 'static,
    {
        Self {
            method,
            path: path.into(),
            handler: Arc::new(move |req| Box::pin(handler(req))),
            media_types: &["application/json"],
            own_body_checks: false,
        }
    }

    /// Leaves the media type and JSON syntax checks to the handler: the core does not answer a bad body
    /// with its own error JSON before the handler runs. For protocols with their own error bodies (SCIM).
    #[must_use]
    pub fn own_body_checks(mut self) -> Self {
        self.own_body_checks = true;
        self
    }

    /// Sets the media types a request body may have (default: `application/json`).
    #[must_use]
    pub fn accepts(mut self, media_types: &'static [&'static str]) -> Self {
        self.media_types = media_types;
        self
    }

    /// The method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path pattern.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Matches `path` against the pattern, returning the parameters.
    pub(crate) fn match_path(&self, path: &str) -> Option<Vec<(String, String)>> {
        let mut params = Vec::new();
        let mut pattern = self.path.split('/');
        let mut actual = path.split('/');
        loop {
            match (pattern.next(), actual.next()) {
                (None, None) => return Some(params),
                (Some(p), Some(a)) => {
                    if let Some(name) = p.strip_prefix(':') {
                        if a.is_empty() {
                            return None;
                        }
                        params.push((name.to_owned(), percent_decode(a)));
                    } else if p != a {
                        return None;
                    }
                }
                _ => return None,
            }
        }
    }
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Endpoint({} {})", self.method, self.path)
    }
}

/// Decodes `%XX` escapes in a path segment (invalid escapes are kept as they are).
fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map_or_else(|| s.to_owned(), |(_, v)| v.into_owned())
}

/// Everything a handler knows about the request.
#[derive(Clone)]
pub struct RequestCtx {
    auth: Auth,
    method: Method,
    path: String,
    query: Option<String>,
    params: Vec<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
}

impl fmt::Debug for RequestCtx {
    // Headers and body may carry credentials, so only the route is shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RequestCtx({} {})", self.method, self.path)
    }
}

impl RequestCtx {
    /// A request context (the router builds these; tests and server-side calls may too).
    pub fn new(
        auth: Auth,
        method: Method,
        path: impl Into<String>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Self {
        Self {
            auth,
            method,
            path: path.into(),
            query: None,
            params: Vec::new(),
            headers,
            body,
        }
    }

    pub(crate) fn with_route(
        mut self,
        query: Option<String>,
        params: Vec<(String, String)>,
    ) -> Self {
        self.query = query;
        self.params = params;
        self
    }

    /// The auth instance.
    pub fn auth(&self) -> &Auth {
        &self.auth
    }

    /// The method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path below the base path, e.g. `/sign-in/email`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The raw query string, if any.
    pub fn query_string(&self) -> Option<&str> {
        self.query.as_deref()
    }

    /// The decoded value of query parameter `name`.
    pub fn query(&self, name: &str) -> Option<String> {
        let query = self.query.as_deref()?;
        url::form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }

    /// Every decoded value of query parameter `name`, in order (`?a=1&a=2`).
    pub fn query_all(&self, name: &str) -> Vec<String> {
        let Some(query) = self.query.as_deref() else {
            return Vec::new();
        };
        url::form_urlencoded::parse(query.as_bytes())
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .collect()
    }

    /// The value of path parameter `name` (`:id` in the pattern).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The request headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// Mutable request headers (for before-hooks).
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        &mut self.headers
    }

    /// A header as a string, if present and valid UTF-8.
    pub fn header(&self, name: impl header::AsHeaderName) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The raw body.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// Replaces the body (for before-hooks).
    pub fn set_body(&mut self, body: Bytes) {
        self.body = body;
    }

    /// The media type of the body, lower-cased, without parameters.
    pub fn content_type(&self) -> Option<String> {
        let value = self.header(header::CONTENT_TYPE)?;
        let media = value
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        Some(media)
    }

    /// The body as JSON, or `None` when the request has none, with upstream's errors: `415` for a media
    /// type outside `allowed` (matched as upstream does: the lower-cased base type equals or contains an
    /// allowed one) and `400` for JSON that does not parse. Form bodies become objects of strings.
    pub fn json_value(&self, allowed: &[&str]) -> Result<Option<serde_json::Value>, ApiError> {
        let media = self.content_type();
        let is_json = media.as_deref().is_some_and(is_json_media_type);
        if self.body.is_empty() && !is_json {
            return Ok(None);
        }
        let Some(media) = media else {
            return Err(ApiError::with_message(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                codes::UNSUPPORTED_MEDIA_TYPE,
                format!(
                    "Content-Type is required. Allowed types: {}",
                    allowed.join(", ")
                ),
            ));
        };
        if !allowed.iter().any(|a| media == *a || media.contains(a)) {
            let raw = self.header(header::CONTENT_TYPE).unwrap_or_default();
            return Err(ApiError::with_message(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                codes::UNSUPPORTED_MEDIA_TYPE,
                format!(
                    "Content-Type \"{raw}\" is not allowed. Allowed types: {}",
                    allowed.join(", ")
                ),
            ));
        }
        if is_json {
            return serde_json::from_slice(&self.body).map(Some).map_err(|_| {
                ApiError::with_message(
                    StatusCode::BAD_REQUEST,
                    codes::BAD_REQUEST,
                    "Invalid JSON in request body",
                )
            });
        }
        if media == "application/x-www-form-urlencoded" {
            let map = url::form_urlencoded::parse(&self.body)
                .map(|(k, v)| (k.into_owned(), serde_json::Value::String(v.into_owned())))
                .collect::<serde_json::Map<_, _>>();
            return Ok(Some(serde_json::Value::Object(map)));
        }
        Ok(None)
    }

    /// The body decoded into `T` (JSON only).
    pub fn parse_json<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        let value = self
            .json_value(&["application/json"])?
            .unwrap_or(serde_json::Value::Null);
        serde_json::from_value(value).map_err(|e| {
            ApiError::with_message(
                StatusCode::BAD_REQUEST,
                codes::VALIDATION_ERROR,
                e.to_string(),
            )
        })
    }
}

/// Whether a media type is JSON (`application/json` or `application/<x>+json`), as upstream decides.
fn is_json_media_type(media: &str) -> bool {
    media.strip_prefix("application/").is_some_and(|rest| {
        rest == "json"
            || rest.starts_with("json")
            || rest.split_once("+json").is_some_and(|(pre, _)| {
                pre.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".+-".contains(&b))
            })
    })
}

/// A response: status, headers and body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiResponse {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
}

impl ApiResponse {
    /// `200 OK` with a JSON body.
    pub fn json(value: &impl Serialize) -> Result<Self, ApiError> {
        Self::json_with_status(StatusCode::OK, "application/json", value)
    }

    /// A JSON body with a status and media type.
    pub fn json_with_status(
        status: StatusCode,
        media_type: &'static str,
        value: &impl Serialize,
    ) -> Result<Self, ApiError> {
        let body = serde_json::to_vec(value)
            .map_err(|e| ApiError::internal(codes::INTERNAL_SERVER_ERROR, &e))?;
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
        Ok(Self {
            status,
            headers,
            body: Bytes::from(body),
        })
    }

    /// An empty response.
    pub fn empty(status: StatusCode) -> Self {
        Self {
            status,
            headers: HeaderMap::new(),
            body: Bytes::new(),
        }
    }

    /// Adds a `Set-Cookie` header.
    pub fn set_cookie(&mut self, cookie: &str) {
        if let Ok(value) = HeaderValue::from_str(cookie) {
            self.headers.append(header::SET_COOKIE, value);
        }
    }

    /// Converts into an `http` response.
    pub fn into_http(self) -> http::Response<Bytes> {
        let mut res = http::Response::new(self.body);
        *res.status_mut() = self.status;
        *res.headers_mut() = self.headers;
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(pattern: &str, path: &str, expected: Option<&[(&str, &str)]>) {
        let endpoint = Endpoint::new(Method::GET, pattern, |_| async {
            Ok(ApiResponse::empty(StatusCode::OK))
        });
        let got = endpoint.match_path(path);
        let expected = expected.map(|e| {
            e.iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect::<Vec<_>>()
        });
        assert_eq!(got, expected, "{pattern} vs {path}");
    }

    #[test]
    fn paths_match_with_parameters() {
        check("/ok", "/ok", Some(&[]));
        check("/ok", "/ok/", None);
        check("/sign-in/email", "/sign-in/email", Some(&[]));
        check(
            "/scim/v2/Users/:id",
            "/scim/v2/Users/abc",
            Some(&[("id", "abc")]),
        );
        check(
            "/scim/v2/Users/:id",
            "/scim/v2/Users/a%20b",
            Some(&[("id", "a b")]),
        );
        check("/scim/v2/Users/:id", "/scim/v2/Users/", None);
        check("/scim/v2/Users/:id", "/scim/v2/Users", None);
    }
}
