//! The `teamMember` model (teams enabled).

use bulwark_core::adapter::{AdapterError, Row};
use bulwark_core::models::{Fields, Model, wire};
use serde::Serialize;
use time::OffsetDateTime;

/// A user's membership of a team.
///
/// `membershipKey` is v1.7.1's unique key over (team, user) that makes concurrent adds idempotent; it is
/// never returned. Bulwark always has the column (nullable, so v1.6.30 rows without it stay valid).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamMember {
    /// The team.
    pub team_id: String,
    /// The user.
    pub user_id: String,
    /// The unique (team, user) key; not part of the JSON.
    #[serde(skip)]
    pub membership_key: Option<String>,
    /// When the membership was created.
    #[serde(serialize_with = "wire::opt_date")]
    pub created_at: Option<OffsetDateTime>,
    /// The id.
    pub id: String,
}

impl Model for TeamMember {
    const NAME: &'static str = "teamMember";

    fn from_row(row: Row) -> Result<Self, AdapterError> {
        let mut f = Fields::new(Self::NAME, row);
        Ok(Self {
            id: f.string("id")?,
            team_id: f.string("teamId")?,
            user_id: f.string("userId")?,
            membership_key: f.opt_string("membershipKey")?,
            created_at: f.opt_date("createdAt")?,
        })
    }

    fn to_row(&self) -> Row {
        let mut row = Row::new();
        row.set("id", self.id.as_str());
        row.set("teamId", self.team_id.as_str());
        row.set("userId", self.user_id.as_str());
        row.set("membershipKey", self.membership_key.clone());
        row.set("createdAt", self.created_at);
        row
    }
}

/// v1.7.1's `membershipKey`: base64url (unpadded) of the SHA-256 of the JSON array `[teamId, userId]`.
pub fn team_membership_key(team_id: &str, user_id: &str) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    let json = serde_json::json!([team_id, user_id]).to_string();
    let digest = sha2::Sha256::digest(json.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest)
}
