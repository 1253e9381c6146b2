//! Sessions and their cookies: create, read, refresh and clear, the way upstream does.
//!
//! The session cookie carries `token.signature` (HMAC-SHA256 of the token with the secret, base64),
//! URL-encoded. A session is extended when less than `expiresIn - updateAge` of it remains, unless the
//! user asked not to be remembered (then the cookie has no `Max-Age` and the session lasts one day).

use std::fmt::Write as _;

use http::header;
use serde::Serialize;
use time::Duration;

use crate::adapter::{Row, Where};
use crate::crypto::{sign_cookie_value, verify_signed_cookie};
use crate::endpoint::{ApiResponse, RequestCtx};
use crate::error::{ApiError, codes};
use crate::models::{Session, User};
use crate::store::Store;

/// The prefix of cookies that require `Secure`.
const SECURE_PREFIX: &str = "__Secure-";

/// A session together with its user, as `/get-session` returns it.
#[derive(Clone, Debug, Serialize)]
pub struct SessionWithUser {
    /// The session.
    pub session: Session,
    /// Its user.
    pub user: User,
}

/// Cookie names and attributes derived from the options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CookieConfig {
    /// `better-auth.session_token` (with `__Secure-` when secure).
    pub session_token: String,
    /// `better-auth.session_data`.
    pub session_data: String,
    /// `better-auth.dont_remember`.
    pub dont_remember: String,
    /// Whether cookies carry `Secure`.
    pub secure: bool,
}

impl CookieConfig {
    /// The cookie configuration of `req`'s auth instance.
    pub fn of(req: &RequestCtx) -> Self {
        let options = req.auth().options();
        let secure = options
            .advanced
            .use_secure_cookies
            .unwrap_or(options.base_url.scheme() == "https");
        let prefix = if secure { SECURE_PREFIX } else { "" };
        let name = |cookie: &str| format!("{prefix}{}.{cookie}", options.advanced.cookie_prefix);
        Self {
            session_token: name("session_token"),
            session_data: name("session_data"),
            dont_remember: name("dont_remember"),
            secure,
        }
    }

    /// A `Set-Cookie` value with upstream's attributes (`Path=/`, `HttpOnly`, `SameSite=Lax`, and `Secure`
    /// when secure).
    pub fn serialize(&self, name: &str, value: &str, max_age: Option<i64>) -> String {
        let mut cookie = format!("{name}={}", encode_cookie_value(value));
        if let Some(max_age) = max_age {
            let _ = write!(cookie, "; Max-Age={max_age}");
        }
        cookie.push_str("; Path=/; HttpOnly");
        if self.secure {
            cookie.push_str("; Secure");
        }
        cookie.push_str("; SameSite=Lax");
        cookie
    }

    /// A `Set-Cookie` value that removes `name`.
    pub fn expire(&self, name: &str) -> String {
        self.serialize(name, "", Some(0))
    }
}

/// URL-encodes a cookie value as JavaScript's `encodeURIComponent` does.
fn encode_cookie_value(value: &str) -> String {
    const KEEP: &[u8] = b"-_.!~*'()";
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || KEEP.contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// The cookies of a request, by name (the first of each name wins), URL-decoded.
pub fn request_cookie(req: &RequestCtx, name: &str) -> Option<String> {
    for header in req.headers().get_all(header::COOKIE) {
        let Ok(header) = header.to_str() else {
            continue;
        };
        for pair in header.split(';') {
            let Some((k, v)) = pair.trim().split_once('=') else {
                continue;
            };
            if k.trim() == name {
                let v = v.trim().trim_matches('"');
                return Some(
                    url::form_urlencoded::parse(format!("v={}", v.replace('+', "%2B")).as_bytes())
                        .next()
                        .map_or_else(|| v.to_owned(), |(_, d)| d.into_owned()),
                );
            }
        }
    }
    None
}

/// Reads a signed cookie, returning its value when the signature verifies.
pub fn signed_cookie(req: &RequestCtx, name: &str) -> Option<String> {
    let raw = request_cookie(req, name)?;
    verify_signed_cookie(&raw, req.auth().options().secret.expose()).map(str::to_owned)
}

/// The outcome of looking up the request's session.
#[derive(Debug, Default)]
pub struct SessionLookup {
    /// The live session, if any.
    pub session: Option<SessionWithUser>,
    /// Cookies to set on the response (a refreshed session, or cleared cookies).
    pub set_cookies: Vec<String>,
}

impl SessionLookup {
    /// Appends the pending cookies to `res`.
    pub fn apply(&self, res: &mut ApiResponse) {
        for cookie in &self.set_cookies {
            res.set_cookie(cookie);
        }
    }
}

/// Looks up, validates and (when due) refreshes the session of `req`. Expired sessions are deleted and
/// their cookies cleared. `disable_refresh` mirrors the `disableRefresh` query flag.
pub async fn lookup(req: &RequestCtx, disable_refresh: bool) -> Result<SessionLookup, ApiError> {
    let cookies = CookieConfig::of(req);
    let Some(token) = signed_cookie(req, &cookies.session_token) else {
        return Ok(SessionLookup::default());
    };
    let store = req.store();
    let auth = req.auth();
    let now = auth.env().clock.now();
    let found = store
        .find_one::<Session>(&Where::eq("token", token.as_str()))
        .await?;
    let user = match &found {
        Some(session) => {
            store
                .find_one::<User>(&Where::eq("id", session.user_id.as_str()))
                .await?
        }
        None => None,
    };
    let (Some(session), Some(user)) = (found, user) else {
        return Ok(SessionLookup {
            session: None,
            set_cookies: clear_cookies(&cookies),
        });
    };
    if session.expires_at < now {
        store
            .delete::<Session>(&Where::eq("token", token.as_str()))
            .await?;
        return Ok(SessionLookup {
            session: None,
            set_cookies: clear_cookies(&cookies),
        });
    }
    let options = &auth.options().session;
    let dont_remember = signed_cookie(req, &cookies.dont_remember).is_some();
    let due = session.expires_at - options.expires_in + options.update_age <= now;
    if dont_remember || disable_refresh || options.disable_session_refresh || !due {
        return Ok(SessionLookup {
            session: Some(SessionWithUser { session, user }),
            set_cookies: Vec::new(),
        });
    }
    let changes = Row::new()
        .with("expiresAt", now + options.expires_in)
        .with("updatedAt", now);
    let Some(updated) = store
        .update::<Session>(&Where::eq("token", token.as_str()), changes)
        .await?
    else {
        return Err(ApiError::unauthorized(codes::FAILED_TO_GET_SESSION));
    };
    let cookie = session_cookie(req, &cookies, &updated.token, false);
    Ok(SessionLookup {
        session: Some(SessionWithUser {
            session: updated,
            user,
        }),
        set_cookies: vec![cookie],
    })
}

/// The session of `req`, or upstream's `401 UNAUTHORIZED`; the lookup's pending cookies (a refresh) are
/// returned for the response.
pub async fn require(req: &RequestCtx) -> Result<(SessionWithUser, SessionLookup), ApiError> {
    let mut found = lookup(req, false).await?;
    match found.session.take() {
        Some(session) => Ok((session, found)),
        None => Err(ApiError::unauthorized(codes::UNAUTHORIZED)),
    }
}

/// Like [`require`], and the session must be fresh (created within `freshAge`), else upstream's
/// `403 SESSION_NOT_FRESH`.
pub async fn require_fresh(req: &RequestCtx) -> Result<(SessionWithUser, SessionLookup), ApiError> {
    let (found, pending) = require(req).await?;
    if !is_fresh(req, &found.session) {
        return Err(ApiError::forbidden(codes::SESSION_NOT_FRESH));
    }
    Ok((found, pending))
}

/// Creates a session for `user_id` from `req` (IP address and user agent from its headers).
pub async fn create(
    req: &RequestCtx,
    user_id: &str,
    dont_remember: bool,
) -> Result<Session, ApiError> {
    create_in(&req.store(), req, user_id, dont_remember).await
}

/// Like [`create`], through `store` (for instance inside a transaction).
pub async fn create_in(
    store: &Store,
    req: &RequestCtx,
    user_id: &str,
    dont_remember: bool,
) -> Result<Session, ApiError> {
    let auth = req.auth();
    let env = auth.env();
    let now = env.clock.now();
    let lifetime = if dont_remember {
        Duration::days(1)
    } else {
        auth.options().session.expires_in
    };
    let session = Session {
        expires_at: now + lifetime,
        token: crate::clock::random_string(env.ids.as_ref(), 32, crate::clock::ALPHANUMERIC),
        created_at: now,
        updated_at: now,
        ip_address: Some(client_ip(req)),
        user_agent: Some(
            req.header(header::USER_AGENT)
                .unwrap_or_default()
                .to_owned(),
        ),
        user_id: user_id.to_owned(),
        id: env.ids.id(),
        extra: Row::new(),
    };
    store
        .create(session)
        .await?
        .ok_or_else(|| ApiError::bad_request(codes::FAILED_TO_CREATE_SESSION))
}

/// The client IP from `x-forwarded-for`, as upstream reads it by default: only a single-hop value that
/// parses as an IP is trusted; IPv4-mapped IPv6 becomes IPv4 and other IPv6 addresses are masked to /64
/// and written out in full. Anything else is the empty string.
fn client_ip(req: &RequestCtx) -> String {
    let Some(value) = req.header("x-forwarded-for").map(str::trim) else {
        return String::new();
    };
    if value.contains(',') {
        return String::new();
    }
    match value.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(v4)) => v4.to_string(),
        Ok(std::net::IpAddr::V6(v6)) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return v4.to_string();
            }
            let [a, b, c, d, ..] = v6.segments();
            [a, b, c, d, 0, 0, 0, 0]
                .iter()
                .map(|x| format!("{x:04x}"))
                .collect::<Vec<_>>()
                .join(":")
        }
        Err(_) => String::new(),
    }
}

/// The `Set-Cookie` values that sign `token` in (and remember the `dont_remember` choice).
pub fn sign_in_cookies(req: &RequestCtx, token: &str, dont_remember: bool) -> Vec<String> {
    let cookies = CookieConfig::of(req);
    let mut out = vec![session_cookie(req, &cookies, token, dont_remember)];
    if dont_remember {
        let secret = req.auth().options().secret.expose();
        out.push(cookies.serialize(
            &cookies.dont_remember,
            &sign_cookie_value("true", secret),
            None,
        ));
    }
    out
}

fn session_cookie(
    req: &RequestCtx,
    cookies: &CookieConfig,
    token: &str,
    dont_remember: bool,
) -> String {
    let options = req.auth().options();
    let max_age = (!dont_remember).then(|| options.session.expires_in.whole_seconds());
    cookies.serialize(
        &cookies.session_token,
        &sign_cookie_value(token, options.secret.expose()),
        max_age,
    )
}

/// The `Set-Cookie` values that sign the client out.
pub fn clear_cookies(cookies: &CookieConfig) -> Vec<String> {
    vec![
        cookies.expire(&cookies.session_token),
        cookies.expire(&cookies.session_data),
        cookies.expire(&cookies.dont_remember),
    ]
}

/// Whether a session was created within `fresh_age` (sensitive operations require it).
pub fn is_fresh(req: &RequestCtx, session: &Session) -> bool {
    let auth = req.auth();
    let fresh_age = auth.options().session.fresh_age;
    fresh_age.is_zero() || session.created_at + fresh_age >= auth.env().clock.now()
}

/// Convenience: a store bound to the request.
impl RequestCtx {
    /// The typed store, bound to this request's endpoint path (hooks see it).
    pub fn store(&self) -> Store {
        Store::new(self.auth().clone(), Some(self.path().to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::encode_cookie_value;

    #[test]
    fn cookie_values_encode_like_encode_uri_component() {
        assert_eq!(encode_cookie_value("abc.DEF+/="), "abc.DEF%2B%2F%3D");
        assert_eq!(encode_cookie_value("a b!~*'()"), "a%20b!~*'()");
    }
}
