//! Session endpoints: `/get-session`, `/list-sessions`, `/revoke-session(s)`, `/revoke-other-sessions`,
//! `/sign-out`.

use serde_json::json;

use crate::adapter::{Op, Sort, Where};
use crate::body::{self, Body};
use crate::endpoint::{ApiResponse, RequestCtx};
use crate::error::{ApiError, codes};
use crate::models::Session;
use crate::session::{self, CookieConfig};

/// `GET /get-session`: the session and user, or `null`.
pub(crate) async fn get_session(req: RequestCtx) -> Result<ApiResponse, ApiError> {
    // Upstream coerces the flag: any non-empty value, "false" included, disables the refresh.
    let disable_refresh = req.query("disableRefresh").is_some_and(|v| !v.is_empty());
    let lookup = session::lookup(&req, disable_refresh).await?;
    let mut res = match &lookup.session {
        Some(found) => ApiResponse::json(found)?,
        None => ApiResponse::json(&serde_json::Value::Null)?,
    };
    res.headers.insert(
        http::header::CACHE_CONTROL,
        http::HeaderValue::from_static("no-store"),
    );
    res.headers.insert(
        http::header::PRAGMA,
        http::HeaderValue::from_static("no-cache"),
    );
    lookup.apply(&mut res);
    Ok(res)
}

/// `POST /get-session`: upstream allows it only with deferred session refresh, which Bulwark does not
/// offer, so it answers upstream's 405.
pub(crate) fn get_session_post() -> ApiResponse {
    let mut err = ApiError::new(
        http::StatusCode::METHOD_NOT_ALLOWED,
        codes::METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED,
    )
    .into_response();
    err.headers_mut().insert(
        http::header::CACHE_CONTROL,
        http::HeaderValue::from_static("no-store"),
    );
    err.headers_mut().insert(
        http::header::PRAGMA,
        http::HeaderValue::from_static("no-cache"),
    );
    let (parts, body) = err.into_parts();
    ApiResponse {
        status: parts.status,
        headers: parts.headers,
        body,
    }
}

/// `GET /list-sessions`: the user's unexpired sessions.
pub(crate) async fn list_sessions(req: RequestCtx) -> Result<ApiResponse, ApiError> {
    let (current, lookup) = session::require_fresh(&req).await?;
    let now = req.auth().env().clock.now();
    let filter =
        Where::eq("userId", current.user.id.as_str()).and(Where::cmp("expiresAt", Op::Gt, now));
    let sessions = req
        .store()
        .find_many::<Session>(&filter, &[Sort::asc("createdAt")], None, None)
        .await?;
    let mut res = ApiResponse::json(&sessions)?;
    lookup.apply(&mut res);
    Ok(res)
}

/// `POST /revoke-session`: deletes one of the user's sessions by token. A token of another user is
/// silently ignored, as upstream does.
pub(crate) async fn revoke_session(req: RequestCtx) -> Result<ApiResponse, ApiError> {
    let mut body = Body::parse(&req, body::OBJECT)?;
    let token = body.string("token");
    body.finish()?;
    let (current, lookup) = session::require(&req).await?;
    let filter =
        Where::eq("token", token.as_str()).and(Where::eq("userId", current.user.id.as_str()));
    req.store().delete::<Session>(&filter).await?;
    let mut res = ApiResponse::json(&json!({ "status": true }))?;
    lookup.apply(&mut res);
    Ok(res)
}

/// `POST /revoke-sessions`: deletes every session of the user, this one included.
pub(crate) async fn revoke_sessions(req: RequestCtx) -> Result<ApiResponse, ApiError> {
    let (current, lookup) = session::require(&req).await?;
    req.store()
        .delete_many::<Session>(&Where::eq("userId", current.user.id.as_str()))
        .await?;
    let mut res = ApiResponse::json(&json!({ "status": true }))?;
    lookup.apply(&mut res);
    Ok(res)
}

/// `POST /revoke-other-sessions`: deletes every session of the user but this one.
pub(crate) async fn revoke_other_sessions(req: RequestCtx) -> Result<ApiResponse, ApiError> {
    let (current, lookup) = session::require(&req).await?;
    let filter = Where::eq("userId", current.user.id.as_str()).and(Where::cmp(
        "token",
        Op::Ne,
        current.session.token.as_str(),
    ));
    req.store().delete_many::<Session>(&filter).await?;
    let mut res = ApiResponse::json(&json!({ "status": true }))?;
    lookup.apply(&mut res);
    Ok(res)
}

/// `POST /sign-out`: deletes the session (if the cookie names one) and clears the cookies. It always
/// succeeds.
pub(crate) async fn sign_out(req: RequestCtx) -> Result<ApiResponse, ApiError> {
    let cookies = CookieConfig::of(&req);
    if let Some(token) = session::signed_cookie(&req, &cookies.session_token)
        && let Err(err) = req
            .store()
            .delete::<Session>(&Where::eq("token", token.as_str()))
            .await
    {
        tracing::error!(%err, "failed to delete session on sign-out");
    }
    let mut res = ApiResponse::json(&json!({ "success": true }))?;
    for cookie in session::clear_cookies(&cookies) {
        res.set_cookie(&cookie);
    }
    Ok(res)
}
