//! The `session` model.

use serde::Serialize;
use time::OffsetDateTime;

use super::{Fields, Model, wire};
use crate::adapter::{AdapterError, Row};

/// A session, as upstream stores and returns it (fields in upstream's JSON order).
#[derive(Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    /// When the session ends.
    #[serde(serialize_with = "wire::date")]
    pub expires_at: OffsetDateTime,
    /// The bearer secret carried by the session cookie.
    pub token: String,
    /// When the session was created.
    #[serde(serialize_with = "wire::date")]
    pub created_at: OffsetDateTime,
    /// When the session was last refreshed.
    #[serde(serialize_with = "wire::date")]
    pub updated_at: OffsetDateTime,
    /// The client's IP address, if known.
    pub ip_address: Option<String>,
    /// The client's user agent, if known.
    pub user_agent: Option<String>,
    /// The user it belongs to.
    pub user_id: String,
    /// Fields added by plugins (`activeOrganizationId`, ...).
    #[serde(flatten, serialize_with = "wire::extra")]
    pub extra: Row,
    /// The id (last in upstream's JSON, after plugin fields).
    pub id: String,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("id", &self.id)
            .field("expires_at", &self.expires_at)
            .field("token", &"<redacted>")
            .field("user_id", &self.user_id)
            .finish_non_exhaustive()
    }
}

impl Model for Session {
    const NAME: &'static str = "session";

    fn from_row(row: Row) -> Result<Self, AdapterError> {
        let mut f = Fields::new(Self::NAME, row);
        Ok(Self {
            id: f.string("id")?,
            expires_at: f.date("expiresAt")?,
            token: f.string("token")?,
            created_at: f.date("createdAt")?,
            updated_at: f.date("updatedAt")?,
            ip_address: f.opt_string("ipAddress")?,
            user_agent: f.opt_string("userAgent")?,
            user_id: f.string("userId")?,
            extra: f.rest(),
        })
    }

    fn to_row(&self) -> Row {
        let mut row = self.extra.clone();
        row.set("id", self.id.as_str());
        row.set("expiresAt", self.expires_at);
        row.set("token", self.token.as_str());
        row.set("createdAt", self.created_at);
        row.set("updatedAt", self.updated_at);
        row.set("ipAddress", self.ip_address.clone());
        row.set("userAgent", self.user_agent.clone());
        row.set("userId", self.user_id.as_str());
        row
    }
}
