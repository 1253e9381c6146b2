//! Bulwark for axum: mounts an [`Auth`] as an axum router and reads its sessions in handlers.
//!
//! The crate is a thin layer: every status, body and cookie decision stays in `bulwark-core`, which
//! answers through `Auth::handle`. This crate only collects the request body (with a size limit),
//! converts between `http` and axum bodies, and looks sessions up for the application's own routes.
//!
//! ```ignore
//! let app = Router::new()
//!     .route("/me", get(|session: Session| async move { session.user().email.clone() }))
//!     .with_state(auth.clone())
//!     .merge(bulwark_axum::router(auth));
//! ```

mod extract;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use axum::routing::any;
use bulwark_core::{ApiError, Auth};
use bytes::Bytes;
use http::{StatusCode, header};
use http_body_util::{BodyExt, LengthLimitError, Limited};

pub use extract::{OptionalSession, Session, SessionCookies, SessionRejection};

/// The default request body limit of [`router`]: 1 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// Options of [`router_with`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct RouterOptions {
    /// The largest request body, in bytes, the auth endpoints accept; larger ones get `413`.
    pub body_limit: usize,
}

impl Default for RouterOptions {
    fn default() -> Self {
        Self {
            body_limit: DEFAULT_BODY_LIMIT,
        }
    }
}

impl RouterOptions {
    /// Sets the request body limit in bytes.
    #[must_use]
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }
}

/// A router that serves `auth`'s endpoints at its base path (`/api/auth` by default) and everything
/// below it, for every method, with the default options.
///
/// The router has no state of its own, so it merges into any application router once that router's
/// state is provided (`app.with_state(state).merge(router(auth))`).
pub fn router(auth: Auth) -> Router {
    router_with(auth, RouterOptions::default())
}

/// Like [`router`], with explicit options.
#[expect(
    clippy::needless_pass_by_value,
    reason = "options are taken by value so that fields added later need no signature change"
)]
pub fn router_with(auth: Auth, options: RouterOptions) -> Router {
    let mount = mount_path(&auth.options().base_path);
    let below = if mount == "/" {
        "/{*rest}".to_owned()
    } else {
        format!("{mount}/{{*rest}}")
    };
    let RouterOptions { body_limit } = options;
    let state = Mounted { auth, body_limit };
    Router::new()
        .route(&mount, any(handle))
        .route(&below, any(handle))
        .with_state(state)
}

/// What the mounted handler needs.
#[derive(Clone, Debug)]
struct Mounted {
    auth: Auth,
    body_limit: usize,
}

/// Collects the body within the limit and hands the request to the core.
async fn handle(State(mounted): State<Mounted>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let limit = u64::try_from(mounted.body_limit).unwrap_or(u64::MAX);
    if declared.is_some_and(|len| len > limit) {
        return payload_too_large();
    }
    let body = match Limited::new(body, mounted.body_limit).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(err) if err.downcast_ref::<LengthLimitError>().is_some() => {
            return payload_too_large();
        }
        Err(err) => {
            tracing::debug!(error = %err, "failed to read the request body");
            return into_axum(
                ApiError::message_only(StatusCode::BAD_REQUEST, "Failed to read request body")
                    .into_response(),
            );
        }
    };
    let res = mounted
        .auth
        .handle(http::Request::from_parts(parts, body))
        .await;
    into_axum(res)
}

/// `413` with upstream's error JSON shape.
fn payload_too_large() -> Response {
    into_axum(
        ApiError::message_only(StatusCode::PAYLOAD_TOO_LARGE, "Payload Too Large").into_response(),
    )
}

/// Converts a core response into an axum one.
fn into_axum(res: http::Response<Bytes>) -> Response {
    res.map(Body::from)
}

/// The route path that covers `base_path`, in axum's path syntax.
///
/// Braces are escaped. A segment that axum would read as a parameter (`:x`, `*x`) ends the mount
/// path there: the router then covers a wider prefix, and the core answers `404` for anything outside
/// its base path, so nothing panics and nothing outside the base path is served.
fn mount_path(base_path: &str) -> String {
    let mut mount = String::new();
    for segment in base_path.split('/').filter(|s| !s.is_empty()) {
        if segment.starts_with([':', '*']) {
            break;
        }
        mount.push('/');
        mount.push_str(&segment.replace('{', "{{").replace('}', "}}"));
    }
    if mount.is_empty() {
        mount.push('/');
    }
    mount
}

#[cfg(test)]
mod tests {
    use super::mount_path;

    #[test]
    fn mount_paths_cover_the_base_path() {
        let check = |base: &str, expected: &str| assert_eq!(mount_path(base), expected, "{base}");
        check("/api/auth", "/api/auth");
        check("", "/");
        check("/", "/");
        check("/a/{b}", "/a/{{b}}");
        check("/a/:b/c", "/a");
        check("/*x", "/");
    }
}
