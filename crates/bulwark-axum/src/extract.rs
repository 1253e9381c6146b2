//! Session extractors for the application's own handlers: [`Session`] and [`OptionalSession`].
//!
//! Both look the session up with the core's `session::lookup`, exactly as `/get-session` does: the
//! signed session cookie is verified, an expired session is deleted, and a session that is due is
//! extended. A lookup may want cookies set (a refreshed session, or cleared stale cookies); a handler
//! passes them on by returning [`Session::cookies`] as a response part, and rejections carry them.

use axum::extract::{FromRef, FromRequestParts, OptionalFromRequestParts};
use axum::response::{IntoResponse, IntoResponseParts, Response, ResponseParts};
use bulwark_core::models::{Session as SessionModel, User};
use bulwark_core::session::{SessionWithUser, lookup};
use bulwark_core::{ApiError, Auth, ErrorCode, RequestCtx};
use bytes::Bytes;
use http::request::Parts;
use http::{HeaderValue, header};

/// Upstream's `UNAUTHORIZED` error of session-protected endpoints.
const UNAUTHORIZED: ErrorCode = ErrorCode::new("UNAUTHORIZED", "Unauthorized");

/// The signed-in user's session; rejects the request with upstream's `401 UNAUTHORIZED` JSON when
/// there is none.
///
/// Works in any router whose state `S` has `Auth: FromRef<S>` (the state may simply be the `Auth`).
/// `Option<Session>` and [`OptionalSession`] extract without rejecting.
#[derive(Clone, Debug)]
pub struct Session {
    found: SessionWithUser,
    cookies: SessionCookies,
}

impl Session {
    /// The session row.
    pub fn session(&self) -> &SessionModel {
        &self.found.session
    }

    /// The session's user.
    pub fn user(&self) -> &User {
        &self.found.user
    }

    /// The cookies the lookup wants set, e.g. the extended session cookie after a refresh. Return
    /// them from the handler (`(session.cookies(), body)`) to keep the browser's cookie in step.
    pub fn cookies(&self) -> SessionCookies {
        self.cookies.clone()
    }

    /// The session and its user.
    pub fn into_inner(self) -> SessionWithUser {
        self.found
    }
}

/// The signed-in user's session, if any. Never rejects for a missing session; storage failures
/// still answer `500`.
#[derive(Clone, Debug)]
pub struct OptionalSession(pub Option<Session>);

/// `Set-Cookie` values a session lookup produced, usable as a response part.
#[derive(Clone, Debug, Default)]
pub struct SessionCookies(Vec<String>);

impl SessionCookies {
    /// The `Set-Cookie` header values.
    pub fn values(&self) -> &[String] {
        &self.0
    }
}

impl IntoResponseParts for SessionCookies {
    type Error = std::convert::Infallible;

    fn into_response_parts(self, mut res: ResponseParts) -> Result<ResponseParts, Self::Error> {
        append_cookies(res.headers_mut(), &self.0);
        Ok(res)
    }
}

/// Why [`Session`] refused a request: no session (`401`), or a storage failure (`500`).
#[derive(Debug)]
pub struct SessionRejection {
    error: ApiError,
    cookies: SessionCookies,
}

impl SessionRejection {
    /// The error, as the core reports it.
    pub fn error(&self) -> &ApiError {
        &self.error
    }
}

impl IntoResponse for SessionRejection {
    fn into_response(self) -> Response {
        let mut res = self.error.into_response().map(axum::body::Body::from);
        append_cookies(res.headers_mut(), &self.cookies.0);
        res
    }
}

impl<S> FromRequestParts<S> for Session
where
    Auth: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = SessionRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match find(parts, state).await? {
            Found::Session(session) => Ok(*session),
            Found::None(cookies) => Err(SessionRejection {
                error: ApiError::unauthorized(UNAUTHORIZED),
                cookies,
            }),
        }
    }
}

impl<S> OptionalFromRequestParts<S> for Session
where
    Auth: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = SessionRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        match find(parts, state).await? {
            Found::Session(session) => Ok(Some(*session)),
            Found::None(_) => Ok(None),
        }
    }
}

impl<S> FromRequestParts<S> for OptionalSession
where
    Auth: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = SessionRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match find(parts, state).await? {
            Found::Session(session) => Ok(Self(Some(*session))),
            Found::None(_) => Ok(Self(None)),
        }
    }
}

/// The outcome of one lookup; cached in the request's extensions so several extractors share it.
#[derive(Clone, Debug)]
enum Found {
    Session(Box<Session>),
    None(SessionCookies),
}

async fn find<S>(parts: &mut Parts, state: &S) -> Result<Found, SessionRejection>
where
    Auth: FromRef<S>,
{
    if let Some(found) = parts.extensions.get::<Found>() {
        return Ok(found.clone());
    }
    let auth = Auth::from_ref(state);
    let ctx = RequestCtx::new(
        auth,
        parts.method.clone(),
        parts.uri.path(),
        parts.headers.clone(),
        Bytes::new(),
    );
    let mut result = lookup(&ctx, false)
        .await
        .map_err(|error| SessionRejection {
            error,
            cookies: SessionCookies::default(),
        })?;
    let cookies = SessionCookies(std::mem::take(&mut result.set_cookies));
    let found = match result.session {
        Some(found) => Found::Session(Box::new(Session { found, cookies })),
        None => Found::None(cookies),
    };
    parts.extensions.insert(found.clone());
    Ok(found)
}

fn append_cookies(headers: &mut http::HeaderMap, cookies: &[String]) {
    for cookie in cookies {
        if let Ok(value) = HeaderValue::from_str(cookie) {
            headers.append(header::SET_COOKIE, value);
        } else {
            tracing::warn!("dropped a session cookie that is not a valid header value");
        }
    }
}
