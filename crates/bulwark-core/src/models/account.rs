//! The `account` model: a way to sign in (the `credential` provider holds the password hash).

use serde::Serialize;
use time::OffsetDateTime;

use super::{Fields, Model, wire};
use crate::adapter::{AdapterError, Row};

/// An account, as upstream stores it. Secrets (`password`, tokens) are never serialised.
#[derive(Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    /// The id.
    pub id: String,
    /// The provider's id for the user (the user id for `credential`).
    pub account_id: String,
    /// The provider (`credential` for email and password).
    pub provider_id: String,
    /// The user it belongs to.
    pub user_id: String,
    /// An OAuth access token.
    #[serde(skip)]
    pub access_token: Option<String>,
    /// An OAuth refresh token.
    #[serde(skip)]
    pub refresh_token: Option<String>,
    /// An `OpenID` Connect id token.
    #[serde(skip)]
    pub id_token: Option<String>,
    /// When the access token expires.
    #[serde(skip)]
    pub access_token_expires_at: Option<OffsetDateTime>,
    /// When the refresh token expires.
    #[serde(skip)]
    pub refresh_token_expires_at: Option<OffsetDateTime>,
    /// Granted OAuth scopes.
    pub scope: Option<String>,
    /// The password hash (`credential` accounts only).
    #[serde(skip)]
    pub password: Option<String>,
    /// When the account was created.
    #[serde(serialize_with = "wire::date")]
    pub created_at: OffsetDateTime,
    /// When the account was last updated.
    #[serde(serialize_with = "wire::date")]
    pub updated_at: OffsetDateTime,
    /// Fields added by plugins.
    #[serde(flatten, serialize_with = "wire::extra")]
    pub extra: Row,
}

impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account")
            .field("id", &self.id)
            .field("provider_id", &self.provider_id)
            .field("user_id", &self.user_id)
            .finish_non_exhaustive()
    }
}

impl Model for Account {
    const NAME: &'static str = "account";

    fn from_row(row: Row) -> Result<Self, AdapterError> {
        let mut f = Fields::new(Self::NAME, row);
        Ok(Self {
            id: f.string("id")?,
            account_id: f.string("accountId")?,
            provider_id: f.string("providerId")?,
            user_id: f.string("userId")?,
            access_token: f.opt_string("accessToken")?,
            refresh_token: f.opt_string("refreshToken")?,
            id_token: f.opt_string("idToken")?,
            access_token_expires_at: f.opt_date("accessTokenExpiresAt")?,
            refresh_token_expires_at: f.opt_date("refreshTokenExpiresAt")?,
            scope: f.opt_string("scope")?,
            password: f.opt_string("password")?,
            created_at: f.date("createdAt")?,
            updated_at: f.date("updatedAt")?,
            extra: f.rest(),
        })
    }

    fn to_row(&self) -> Row {
        let mut row = self.extra.clone();
        row.set("id", self.id.as_str());
        row.set("accountId", self.account_id.as_str());
        row.set("providerId", self.provider_id.as_str());
        row.set("userId", self.user_id.as_str());
        row.set("accessToken", self.access_token.clone());
        row.set("refreshToken", self.refresh_token.clone());
        row.set("idToken", self.id_token.clone());
        row.set("accessTokenExpiresAt", self.access_token_expires_at);
        row.set("refreshTokenExpiresAt", self.refresh_token_expires_at);
        row.set("scope", self.scope.clone());
        row.set("password", self.password.clone());
        row.set("createdAt", self.created_at);
        row.set("updatedAt", self.updated_at);
        row
    }
}
