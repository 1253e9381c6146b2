//! `POST /sign-up/email` and `POST /sign-in/email`.

use http::StatusCode;
use serde_json::json;

use crate::adapter::{AdapterErrorKind, Row, Where};
use crate::body::{self, Body, is_valid_email};
use crate::endpoint::{ApiResponse, RequestCtx};
use crate::error::{ApiError, ErrorCode, codes};
use crate::models::{Account, User};
use crate::session;

const SIGN_UP_DISABLED: ErrorCode = ErrorCode::new(
    "EMAIL_PASSWORD_SIGN_UP_DISABLED",
    "Email and password sign up is not enabled",
);
const EMAIL_PASSWORD_DISABLED: ErrorCode = ErrorCode::new(
    "EMAIL_PASSWORD_DISABLED",
    "Email and password is not enabled",
);

/// Hashes a password off the async executor (argon2 is deliberately slow).
pub(crate) async fn hash_password(req: &RequestCtx, password: String) -> Result<String, ApiError> {
    let ids = std::sync::Arc::clone(&req.auth().env().ids);
    tokio::task::spawn_blocking(move || crate::crypto::hash_password(&password, ids.as_ref()))
        .await
        .map_err(|e| ApiError::internal(codes::INTERNAL_SERVER_ERROR, &e))?
        .map_err(|e| ApiError::internal(codes::INTERNAL_SERVER_ERROR, &e))
}

/// Verifies a password off the async executor.
pub(crate) async fn verify_password(hash: String, password: String) -> Result<bool, ApiError> {
    tokio::task::spawn_blocking(move || crate::crypto::verify_password(&hash, &password))
        .await
        .map_err(|e| ApiError::internal(codes::INTERNAL_SERVER_ERROR, &e))?
        .or(Ok(false))
}

/// Checks a new password against the configured length limits.
pub(crate) fn check_password_length(req: &RequestCtx, password: &str) -> Result<(), ApiError> {
    let options = &req.auth().options().email_and_password;
    // Upstream measures JavaScript string length: UTF-16 code units.
    let len = password.encode_utf16().count();
    if len < options.min_password_length {
        return Err(ApiError::bad_request(codes::PASSWORD_TOO_SHORT));
    }
    if len > options.max_password_length {
        return Err(ApiError::bad_request(codes::PASSWORD_TOO_LONG));
    }
    Ok(())
}

/// `POST /sign-up/email`: creates a user with a credential account and, by default, signs them in.
pub(crate) async fn sign_up(req: RequestCtx) -> Result<ApiResponse, ApiError> {
    let mut body = Body::parse(&req, body::SIGN_UP)?;
    let name = body.string("name");
    let email = body.email("email");
    let password = body.nonempty_string("password");
    let image = body.opt_string("image");
    let _callback_url = body.opt_string("callbackURL");
    let remember_me = body.opt_bool("rememberMe");
    body.finish()?;
    let options = req.auth().options().email_and_password.clone();
    if !options.enabled || options.disable_sign_up {
        return Err(ApiError::bad_request(SIGN_UP_DISABLED));
    }
    if !is_valid_email(&email) {
        return Err(ApiError::bad_request(codes::INVALID_EMAIL));
    }
    if password.is_empty() {
        return Err(ApiError::bad_request(codes::INVALID_PASSWORD));
    }
    check_password_length(&req, &password)?;
    let email = email.to_lowercase();
    let store = req.store();
    // With verification required or auto sign-in off, a taken address must not be told apart from a
    // free one: upstream answers both with a user and no token.
    let generic_duplicates = !options.auto_sign_in || options.require_email_verification;
    let env = req.auth().env();
    let taken = store
        .find_one::<User>(&Where::eq("email", email.as_str()))
        .await?
        .is_some();
    if taken && !generic_duplicates {
        return Err(ApiError::unprocessable(
            codes::USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL,
        ));
    }
    let hash = hash_password(&req, password).await?;
    let now = env.clock.now();
    let user = User {
        name,
        email,
        email_verified: false,
        image,
        created_at: now,
        updated_at: now,
        id: env.ids.id(),
        extra: Row::new(),
    };
    if taken {
        // Nothing is stored: the answer has the shape of a real sign-up, with an unused id.
        return ApiResponse::json(&json!({ "token": null, "user": user }));
    }
    let account_id = env.ids.id();
    let dont_remember = remember_me == Some(false);
    let session_req = req.clone();
    let created = store
        .transaction(move |tx| {
            Box::pin(async move {
                let Some(user) = tx.create(user).await? else {
                    return Err(ApiError::bad_request(codes::FAILED_TO_CREATE_USER));
                };
                tx.create(credential_account(&user, hash, now, account_id))
                    .await?;
                let session = if generic_duplicates {
                    None
                } else {
                    Some(session::create_in(tx, &session_req, &user.id, dont_remember).await?)
                };
                Ok((user, session))
            })
        })
        .await;
    let (user, session) = match created {
        Ok(created) => created,
        Err(err) if err.adapter_kind() == Some(AdapterErrorKind::UniqueViolation) => {
            // Two sign-ups for one email passed the lookup together; the constraint decided.
            return Err(ApiError::unprocessable(
                codes::USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL,
            ));
        }
        Err(err) if err.status() == StatusCode::INTERNAL_SERVER_ERROR => {
            return Err(ApiError::unprocessable(codes::FAILED_TO_CREATE_USER));
        }
        Err(err) => return Err(err),
    };
    let Some(session) = session else {
        return ApiResponse::json(&json!({ "token": null, "user": user }));
    };
    let mut res = ApiResponse::json(&json!({ "token": session.token, "user": user }))?;
    for cookie in session::sign_in_cookies(&req, &session.token, dont_remember) {
        res.set_cookie(&cookie);
    }
    Ok(res)
}

/// The `credential` account that holds a user's password hash.
fn credential_account(user: &User, hash: String, now: time::OffsetDateTime, id: String) -> Account {
    Account {
        id,
        account_id: user.id.clone(),
        provider_id: "credential".to_owned(),
        user_id: user.id.clone(),
        access_token: None,
        refresh_token: None,
        id_token: None,
        access_token_expires_at: None,
        refresh_token_expires_at: None,
        scope: None,
        password: Some(hash),
        created_at: now,
        updated_at: now,
        extra: Row::new(),
    }
}

/// `POST /sign-in/email`: checks the password of the credential account and creates a session.
pub(crate) async fn sign_in(req: RequestCtx) -> Result<ApiResponse, ApiError> {
    let mut body = Body::parse(&req, body::SIGN_IN)?;
    let email = body.string("email");
    let password = body.string("password");
    let callback_url = body.opt_string("callbackURL");
    let remember_me = body.opt_bool("rememberMe");
    body.finish()?;
    let options = req.auth().options().email_and_password.clone();
    if !options.enabled {
        return Err(ApiError::bad_request(EMAIL_PASSWORD_DISABLED));
    }
    if !is_valid_email(&email) {
        return Err(ApiError::bad_request(codes::INVALID_EMAIL));
    }
    let invalid = || ApiError::unauthorized(codes::INVALID_EMAIL_OR_PASSWORD);
    let store = req.store();
    let email = email.to_lowercase();
    let Some(user) = store
        .find_one::<User>(&Where::eq("email", email.as_str()))
        .await?
    else {
        // Spend the same time as a real check so timing does not reveal which emails exist.
        hash_password(&req, password).await?;
        return Err(invalid());
    };
    let filter = Where::eq("userId", user.id.as_str()).and(Where::eq("providerId", "credential"));
    let account = store.find_one::<Account>(&filter).await?;
    let Some((account_id, hash)) = account.and_then(|a| Some((a.id, a.password?))) else {
        hash_password(&req, password).await?;
        return Err(invalid());
    };
    let upgrade = crate::crypto::needs_rehash(&hash);
    if !verify_password(hash, password.clone()).await? {
        return Err(invalid());
    }
    if upgrade {
        // A hash from upstream (scrypt) or older parameters: store today's argon2id hash instead.
        let now = req.auth().env().clock.now();
        let fresh = hash_password(&req, password).await?;
        let changes = Row::new().with("password", fresh).with("updatedAt", now);
        store
            .update::<Account>(&Where::eq("id", account_id.as_str()), changes)
            .await?;
    }
    if options.require_email_verification && !user.email_verified {
        return Err(ApiError::forbidden(codes::EMAIL_NOT_VERIFIED));
    }
    let dont_remember = remember_me == Some(false);
    let session = session::create(&req, &user.id, dont_remember).await?;
    let mut body = serde_json::Map::new();
    body.insert("redirect".to_owned(), json!(callback_url.is_some()));
    body.insert("token".to_owned(), json!(session.token));
    if let Some(url) = &callback_url {
        body.insert("url".to_owned(), json!(url));
    }
    body.insert("user".to_owned(), json!(user));
    let mut res = ApiResponse::json(&body)?;
    if let Some(location) = callback_url.and_then(|url| http::HeaderValue::from_str(&url).ok()) {
        res.headers.insert(http::header::LOCATION, location);
    }
    for cookie in session::sign_in_cookies(&req, &session.token, dont_remember) {
        res.set_cookie(&cookie);
    }
    Ok(res)
}
