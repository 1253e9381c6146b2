//! The core endpoints (email and password, sessions, user) and their registration.

mod email;
mod error_page;
mod origin;
mod sessions;
mod user;

use http::Method;

use crate::auth::AuthBuilder;
use crate::body;
use crate::endpoint::{ApiResponse, Endpoint};

/// Registers the core endpoints and the origin check.
pub(crate) fn register(builder: &mut AuthBuilder) {
    let endpoints = [
        Endpoint::new(Method::GET, "/ok", |_| async {
            ApiResponse::json(&serde_json::json!({ "ok": true }))
        }),
        Endpoint::new(Method::GET, "/error", error_page::error_page),
        Endpoint::new(Method::POST, "/sign-up/email", email::sign_up).accepts(body::FORM_OR_JSON),
        Endpoint::new(Method::POST, "/sign-in/email", email::sign_in).accepts(body::FORM_OR_JSON),
        Endpoint::new(Method::POST, "/sign-out", sessions::sign_out),
        Endpoint::new(Method::GET, "/get-session", sessions::get_session),
        Endpoint::new(Method::POST, "/get-session", |_| async {
            Ok(sessions::get_session_post())
        }),
        Endpoint::new(Method::GET, "/list-sessions", sessions::list_sessions),
        Endpoint::new(Method::POST, "/revoke-session", sessions::revoke_session),
        Endpoint::new(Method::POST, "/revoke-sessions", sessions::revoke_sessions),
        Endpoint::new(
            Method::POST,
            "/revoke-other-sessions",
            sessions::revoke_other_sessions,
        ),
        Endpoint::new(Method::POST, "/update-user", user::update_user),
        Endpoint::new(Method::POST, "/change-password", user::change_password),
        Endpoint::new(Method::POST, "/delete-user", user::delete_user),
    ];
    for endpoint in endpoints {
        builder.endpoint(endpoint);
    }
    origin::register(builder);
}
