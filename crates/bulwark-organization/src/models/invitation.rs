//! The `invitation` model.

use bulwark_core::adapter::{AdapterError, Row, Value};
use bulwark_core::models::{Fields, Model, wire};
use serde::Serialize;
use time::OffsetDateTime;

/// An invitation to join an organization.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Invitation {
    /// The organization.
    pub organization_id: String,
    /// The invited email address.
    pub email: String,
    /// The role(s) offered, comma-separated.
    pub role: Option<String>,
    /// The team offered; the outer `Option` is `None` when teams are off (the column does not exist).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team_id: Option<Option<String>>,
    /// `pending`, `accepted`, `rejected` or `canceled`.
    pub status: String,
    /// When the invitation expires.
    #[serde(serialize_with = "wire::date")]
    pub expires_at: OffsetDateTime,
    /// When it was created.
    #[serde(serialize_with = "wire::date")]
    pub created_at: OffsetDateTime,
    /// The user who invited.
    pub inviter_id: String,
    /// The id.
    pub id: String,
    /// Additional fields.
    #[serde(flatten, serialize_with = "wire::extra")]
    pub extra: Row,
}

impl Model for Invitation {
    const NAME: &'static str = "invitation";

    fn from_row(row: Row) -> Result<Self, AdapterError> {
        let has_team = row.contains("teamId");
        let mut f = Fields::new(Self::NAME, row);
        Ok(Self {
            id: f.string("id")?,
            organization_id: f.string("organizationId")?,
            email: f.string("email")?,
            role: f.opt_string("role")?,
            team_id: if has_team {
                Some(f.opt_string("teamId")?)
            } else {
                None
            },
            status: f.string("status")?,
            expires_at: f.date("expiresAt")?,
            created_at: f.date("createdAt")?,
            inviter_id: f.string("inviterId")?,
            extra: f.rest(),
        })
    }

    fn to_row(&self) -> Row {
        let mut row = self.extra.clone();
        row.set("id", self.id.as_str());
        row.set("organizationId", self.organization_id.as_str());
        row.set("email", self.email.as_str());
        row.set("role", self.role.clone());
        if let Some(team_id) = &self.team_id {
            row.set("teamId", team_id.clone().map_or(Value::Null, Value::from));
        }
        row.set("status", self.status.as_str());
        row.set("expiresAt", self.expires_at);
        row.set("createdAt", self.created_at);
        row.set("inviterId", self.inviter_id.as_str());
        row
    }
}
