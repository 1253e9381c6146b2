//! User endpoints: `/update-user`, `/change-password`, `/delete-user`.

use http::StatusCode;
use serde_json::json;

use super::email::{check_password_length, hash_password, verify_password};
use crate::adapter::{Row, Value, Where};
use crate::body::{self, Body};
use crate::endpoint::{ApiResponse, RequestCtx};
use crate::error::{ApiError, codes};
use crate::models::{Account, Session, User};
use crate::session::{self, CookieConfig};

/// `POST /update-user`: changes the name or image (the email cannot change here).
pub(crate) async fn update_user(req: RequestCtx) -> Result<ApiResponse, ApiError> {
    let mut body = Body::parse(&req, body::RECORD)?;
    let email_given = body.get("email").is_some_and(is_truthy);
    let name = body.opt_string("name");
    // `image: null` clears the image, as upstream allows.
    let image = body.nullable_string("image");
    body.finish()?;
    let (current, lookup) = session::require(&req).await?;
    if email_given {
        return Err(ApiError::bad_request(codes::EMAIL_CAN_NOT_BE_UPDATED));
    }
    if name.is_none() && image.is_none() {
        return Err(ApiError::message_only(
            StatusCode::BAD_REQUEST,
            "No fields to update",
        ));
    }
    let mut changes = Row::new().with("updatedAt", req.auth().env().clock.now());
    if let Some(name) = name {
        changes.set("name", name);
    }
    if let Some(image) = image {
        changes.set("image", image.map_or(Value::Null, Value::String));
    }
    req.store()
        .update::<User>(&Where::eq("id", current.user.id.as_str()), changes)
        .await?;
    let mut res = ApiResponse::json(&json!({ "status": true }))?;
    lookup.apply(&mut res);
    let dont_remember =
        session::signed_cookie(&req, &CookieConfig::of(&req).dont_remember).is_some();
    for cookie in session::sign_in_cookies(&req, &current.session.token, dont_remember) {
        res.set_cookie(&cookie);
    }
    Ok(res)
}

/// JavaScript truthiness of a JSON value.
fn is_truthy(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Null => false,
        serde_json::Value::Bool(b) => *b,
        serde_json::Value::Number(n) => n.as_f64().is_some_and(|x| x != 0.0 && !x.is_nan()),
        serde_json::Value::String(s) => !s.is_empty(),
        serde_json::Value::Array(_) | serde_json::Value::Object(_) => true,
    }
}

async fn credential_account(req: &RequestCtx, user_id: &str) -> Result<Option<Account>, ApiError> {
    let filter = Where::eq("userId", user_id).and(Where::eq("providerId", "credential"));
    let account = req.store().find_one::<Account>(&filter).await?;
    Ok(account.filter(|a| a.password.is_some()))
}

/// `POST /change-password`: checks the current password, stores the new one, and optionally revokes
/// every other session (answering with the new session's token).
pub(crate) async fn change_password(req: RequestCtx) -> Result<ApiResponse, ApiError> {
    let mut body = Body::parse(&req, body::OBJECT)?;
    let new_password = body.string("newPassword");
    let current_password = body.string("currentPassword");
    let revoke_others = body.opt_bool("revokeOtherSessions").unwrap_or(false);
    body.finish()?;
    let (current, lookup) = session::require(&req).await?;
    check_password_length(&req, &new_password)?;
    let Some(account) = credential_account(&req, &current.user.id).await? else {
        return Err(ApiError::bad_request(codes::CREDENTIAL_ACCOUNT_NOT_FOUND));
    };
    let stored_hash = account.password.clone().unwrap_or_default();
    let new_hash = hash_password(&req, new_password).await?;
    if !verify_password(stored_hash, current_password).await? {
        return Err(ApiError::bad_request(codes::INVALID_PASSWORD));
    }
    let now = req.auth().env().clock.now();
    let changes = Row::new().with("password", new_hash).with("updatedAt", now);
    req.store()
        .update::<Account>(&Where::eq("id", account.id.as_str()), changes)
        .await?;
    let mut token = None;
    let mut cookies = Vec::new();
    if revoke_others {
        req.store()
            .delete_many::<Session>(&Where::eq("userId", current.user.id.as_str()))
            .await?;
        let new_session = session::create(&req, &current.user.id, false).await?;
        cookies = session::sign_in_cookies(&req, &new_session.token, false);
        token = Some(new_session.token);
    }
    let mut res = ApiResponse::json(&json!({ "token": token, "user": current.user }))?;
    if cookies.is_empty() {
        lookup.apply(&mut res);
    }
    for cookie in cookies {
        res.set_cookie(&cookie);
    }
    Ok(res)
}

/// `POST /delete-user`: deletes the signed-in user (off unless `user.delete_user_enabled`). Requires the
/// password, or a fresh session.
pub(crate) async fn delete_user(req: RequestCtx) -> Result<ApiResponse, ApiError> {
    let mut body = Body::parse(&req, body::OBJECT)?;
    let _callback_url = body.opt_string("callbackURL");
    let password = body.opt_string("password");
    body.finish()?;
    let (current, _) = session::require(&req).await?;
    if !req.auth().options().user.delete_user_enabled {
        // Upstream answers a bare 404: JSON content type, empty body.
        let mut res = ApiResponse::empty(StatusCode::NOT_FOUND);
        res.headers.insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json"),
        );
        return Ok(res);
    }
    match password {
        Some(password) if !password.is_empty() => {
            let Some(account) = credential_account(&req, &current.user.id).await? else {
                return Err(ApiError::bad_request(codes::CREDENTIAL_ACCOUNT_NOT_FOUND));
            };
            if !verify_password(account.password.unwrap_or_default(), password).await? {
                return Err(ApiError::bad_request(codes::INVALID_PASSWORD));
            }
        }
        _ => {
            if !session::is_fresh(&req, &current.session) {
                return Err(ApiError::bad_request(codes::SESSION_EXPIRED));
            }
        }
    }
    let store = req.store();
    store
        .delete_many::<Session>(&Where::eq("userId", current.user.id.as_str()))
        .await?;
    store
        .delete_many::<Account>(&Where::eq("userId", current.user.id.as_str()))
        .await?;
    store
        .delete::<User>(&Where::eq("id", current.user.id.as_str()))
        .await?;
    let mut res = ApiResponse::json(&json!({ "success": true, "message": "User deleted" }))?;
    for cookie in session::clear_cookies(&CookieConfig::of(&req)) {
        res.set_cookie(&cookie);
    }
    Ok(res)
}
