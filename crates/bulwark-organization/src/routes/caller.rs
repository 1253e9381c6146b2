//! The signed-in caller of an organization endpoint: their session, their membership of the
//! organization in question, and the permission checks upstream runs on it.

use std::sync::Arc;

use bulwark_core::ApiError;
use bulwark_core::adapter::Value;
use bulwark_core::endpoint::{ApiResponse, RequestCtx};
use bulwark_core::session::{self, CookieConfig, SessionLookup, SessionWithUser};
use http::StatusCode;
use serde::Serialize;
use serde_json::Value as Json;

use crate::access::Permissions;
use crate::api::OrganizationApi;
use crate::fields::Output;
use crate::models::Member;
use crate::options::OrganizationOptions;

/// A request with a live session and the organization API bound to the request's store.
#[derive(Debug)]
pub(crate) struct Caller {
    pub(crate) req: RequestCtx,
    pub(crate) api: OrganizationApi,
    pub(crate) session: SessionWithUser,
    lookup: SessionLookup,
}

impl Caller {
    /// The signed-in caller, or upstream's `401 UNAUTHORIZED`.
    pub(crate) async fn signed_in(
        req: RequestCtx,
        options: &Arc<OrganizationOptions>,
    ) -> Result<Self, ApiError> {
        let (session, lookup) = session::require(&req).await?;
        Ok(Self::from_session(req, options, session, lookup))
    }

    /// The caller, or `err` when there is no session (some endpoints answer their own 401).
    pub(crate) async fn signed_in_or(
        req: RequestCtx,
        options: &Arc<OrganizationOptions>,
        err: ApiError,
    ) -> Result<Self, ApiError> {
        let mut lookup = session::lookup(&req, false).await?;
        match lookup.session.take() {
            Some(session) => Ok(Self::from_session(req, options, session, lookup)),
            None => Err(err),
        }
    }

    fn from_session(
        req: RequestCtx,
        options: &Arc<OrganizationOptions>,
        session: SessionWithUser,
        lookup: SessionLookup,
    ) -> Self {
        let api = api_for(&req, options);
        Self {
            req,
            api,
            session,
            lookup,
        }
    }

    /// The session's token.
    pub(crate) fn token(&self) -> &str {
        &self.session.session.token
    }

    /// The signed-in user's id.
    pub(crate) fn user_id(&self) -> &str {
        &self.session.user.id
    }

    /// The session's `activeOrganizationId`.
    pub(crate) fn active_organization_id(&self) -> Option<String> {
        self.session
            .session
            .extra
            .get("activeOrganizationId")
            .and_then(Value::as_str)
            .map(str::to_owned)
    }

    /// The caller's membership of `organization_id`, or `missing`.
    pub(crate) async fn member_of(
        &self,
        organization_id: &str,
        missing: ApiError,
    ) -> Result<Member, ApiError> {
        self.api
            .find_member(organization_id, self.user_id())
            .await?
            .ok_or(missing)
    }

    /// Fails with `denied` unless `member`'s roles grant `request` in `organization_id`.
    pub(crate) async fn require_permission(
        &self,
        organization_id: &str,
        member: &Member,
        request: &Permissions,
        denied: ApiError,
    ) -> Result<(), ApiError> {
        if self
            .api
            .roles_grant(organization_id, &member.role, request, false)
            .await?
        {
            return Ok(());
        }
        Err(denied)
    }

    /// Clears the active organization of the caller's session (as upstream does when the caller turns
    /// out not to be a member of it).
    pub(crate) async fn clear_active_organization(&self) -> Result<(), ApiError> {
        self.api.set_active_organization(self.token(), None).await?;
        Ok(())
    }

    /// The JSON answer for a plugin model, shaped by the additional fields.
    pub(crate) fn output<T: Output + ?Sized>(&self, value: &T) -> Json {
        value.output(&self.api.options().additional_fields)
    }

    /// A `200` JSON response carrying the session lookup's pending cookies.
    pub(crate) fn respond(&self, body: &impl Serialize) -> Result<ApiResponse, ApiError> {
        let mut res = ApiResponse::json(body)?;
        self.lookup.apply(&mut res);
        Ok(res)
    }

    /// Like [`Caller::respond`], and re-issues the session cookie (upstream's `setSessionCookie` after
    /// changing the session).
    pub(crate) fn respond_with_session_cookie(
        &self,
        body: &impl Serialize,
    ) -> Result<ApiResponse, ApiError> {
        let mut res = ApiResponse::json(body)?;
        let cookies = CookieConfig::of(&self.req);
        let dont_remember = session::signed_cookie(&self.req, &cookies.dont_remember).is_some();
        for cookie in session::sign_in_cookies(&self.req, self.token(), dont_remember) {
            res.set_cookie(&cookie);
        }
        Ok(res)
    }
}

/// The organization API bound to `req`'s store (so hooks see the endpoint path).
pub(crate) fn api_for(req: &RequestCtx, options: &Arc<OrganizationOptions>) -> OrganizationApi {
    OrganizationApi::with_store(req.auth().clone(), req.store(), Arc::clone(options))
}

/// Upstream's `APIError.fromStatus(status)`: a status with an empty body.
pub(crate) fn bare(status: StatusCode) -> ApiResponse {
    ApiResponse::empty(status)
}
