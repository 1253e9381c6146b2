//! The plugin's endpoints and the pipeline every `/scim/v2` request goes through: body checks (415,
//! 400 `invalidSyntax`), bearer authentication and scopes, then the handler; every failure becomes a
//! SCIM error body and every response is `application/scim+json`.

mod me;
mod metadata;
mod tokens;
mod users;

use std::future::Future;
use std::sync::Arc;

use bulwark_core::{ApiResponse, AuthBuilder, Endpoint, RequestCtx};
use http::{HeaderValue, Method, header};
use serde_json::Value;

use crate::credentials::{self, Principal, Scope};
use crate::error::{SCIM_MEDIA_TYPE, ScimError, ScimType};
use crate::options::ScimOptions;

/// Registers every endpoint of the plugin.
pub(crate) fn register(auth: &mut AuthBuilder, options: &Arc<ScimOptions>) {
    tokens::register(auth, options);
    me::register(auth, options);
    metadata::register(auth, options);
    users::register(auth, options);
    register_not_allowed(auth);
    // Anything else under /scim/v2 (a resource type Bulwark does not serve, `/Bulk`, a typo) is a SCIM
    // 404 (RFC 7644 §3.12), not an empty one.
    auth.fallback(
        Endpoint::new(Method::GET, "/scim/v2", |_| async {
            Ok(ScimError::not_found("Not a SCIM endpoint").into_response())
        })
        .own_body_checks(),
    );
}

/// The discovery endpoints are read-only: other methods answer `405 Method Not Allowed` as a SCIM error
/// (RFC 7644 §4: "the service provider SHALL return 405") rather than an empty `404`.
fn register_not_allowed(auth: &mut AuthBuilder) {
    let paths = [
        "/ServiceProviderConfig",
        "/Schemas",
        "/Schemas/:schemaId",
        "/ResourceTypes",
        "/ResourceTypes/:resourceTypeId",
    ];
    for path in paths {
        for method in [Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
            // Whatever the body, the method decides: no body checks, no credential.
            let endpoint = Endpoint::new(method, format!("/scim/v2{path}"), |req| async move {
                let mut res = ScimError::new(
                    http::StatusCode::METHOD_NOT_ALLOWED,
                    format!("{} is not supported on this endpoint", req.method()),
                )
                .into_response();
                res.headers
                    .insert(header::ALLOW, HeaderValue::from_static("GET"));
                Ok(res)
            })
            .own_body_checks();
            auth.endpoint(endpoint);
        }
    }
}

/// Who may call a `/scim/v2` endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Access {
    /// Anyone (discovery endpoints).
    Public,
    /// A bearer credential with the Users scope for the method.
    Users,
    /// A bearer credential that may read Users (`POST` searches read).
    Search,
}

/// A `/scim/v2` request that passed the pipeline.
#[derive(Clone, Debug)]
pub(crate) struct ScimRequest {
    /// The request.
    pub(crate) req: RequestCtx,
    /// The plugin's options.
    pub(crate) options: Arc<ScimOptions>,
    /// The authenticated caller (`None` on public endpoints).
    pub(crate) principal: Option<Principal>,
    /// The JSON body of `POST`, `PUT` and `PATCH` requests.
    pub(crate) body: Option<Value>,
}

impl ScimRequest {
    /// The authenticated caller.
    pub(crate) fn principal(&self) -> Result<&Principal, ScimError> {
        self.principal
            .as_ref()
            .ok_or_else(|| ScimError::unauthorized("SCIM bearer token is required"))
    }
}

/// A `/scim/v2` endpoint at `path` (below `/scim/v2`).
pub(crate) fn scim<F, Fut>(
    method: Method,
    path: &str,
    access: Access,
    options: &Arc<ScimOptions>,
    handler: F,
) -> Endpoint
where
    F: Fn(ScimRequest) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<ApiResponse, ScimError>> + Send + 'static,
{
    let options = Arc::clone(options);
    let handler = Arc::new(handler);
    Endpoint::new(method, format!("/scim/v2{path}"), move |req| {
        let options = Arc::clone(&options);
        let handler = Arc::clone(&handler);
        async move {
            let result = match prepare(req, options, access).await {
                Ok(request) => handler(request).await,
                Err(err) => Err(err),
            };
            let mut res = result.unwrap_or_else(ScimError::into_response);
            res.headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(SCIM_MEDIA_TYPE),
            );
            Ok(res)
        }
    })
    .own_body_checks()
}

/// Upstream v1.7.1's request pipeline: the body (media type, then JSON syntax) before the credential,
/// then the scope the method needs.
async fn prepare(
    req: RequestCtx,
    options: Arc<ScimOptions>,
    access: Access,
) -> Result<ScimRequest, ScimError> {
    let body = if matches!(*req.method(), Method::POST | Method::PUT | Method::PATCH) {
        Some(json_body(&req)?)
    } else {
        None
    };
    let principal = match access {
        Access::Public => None,
        Access::Users => {
            let principal = credentials::authenticate(&req, &options).await?;
            principal.require(Scope::for_users(req.method()))?;
            Some(principal)
        }
        Access::Search => {
            let principal = credentials::authenticate(&req, &options).await?;
            principal.require(Scope::UsersRead)?;
            Some(principal)
        }
    };
    Ok(ScimRequest {
        req,
        options,
        principal,
        body,
    })
}

/// The JSON body of a SCIM write: `application/json` or `application/scim+json`, valid JSON.
fn json_body(req: &RequestCtx) -> Result<Value, ScimError> {
    let media = req.content_type().unwrap_or_default();
    if media != "application/json" && media != SCIM_MEDIA_TYPE {
        return Err(ScimError::new(
            http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "SCIM requests must use application/scim+json or application/json",
        ));
    }
    serde_json::from_slice(req.body()).map_err(|_| {
        ScimError::bad_request(
            ScimType::InvalidSyntax,
            "SCIM request body must contain valid JSON",
        )
    })
}
