//! The `member` model: a user's membership of an organization, with its roles.

use bulwark_core::adapter::{AdapterError, Row};
use bulwark_core::models::{Fields, Model, User, wire};
use serde::Serialize;
use time::OffsetDateTime;

/// A membership, as upstream stores and returns it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    /// The organization.
    pub organization_id: String,
    /// The user.
    pub user_id: String,
    /// The roles, comma-separated (`"admin,sales"`).
    pub role: String,
    /// When the membership was created.
    #[serde(serialize_with = "wire::date")]
    pub created_at: OffsetDateTime,
    /// The id.
    pub id: String,
    /// Additional fields.
    #[serde(flatten, serialize_with = "wire::extra")]
    pub extra: Row,
}

impl Member {
    /// The roles, split and trimmed.
    pub fn roles(&self) -> Vec<String> {
        crate::access::split_roles(&self.role)
    }

    /// Whether the member holds `role`.
    pub fn has_role(&self, role: &str) -> bool {
        self.role.split(',').any(|r| r.trim() == role)
    }
}

impl Model for Member {
    const NAME: &'static str = "member";

    fn from_row(row: Row) -> Result<Self, AdapterError> {
        let mut f = Fields::new(Self::NAME, row);
        Ok(Self {
            id: f.string("id")?,
            organization_id: f.string("organizationId")?,
            user_id: f.string("userId")?,
            role: f.string("role")?,
            created_at: f.date("createdAt")?,
            extra: f.rest(),
        })
    }

    fn to_row(&self) -> Row {
        let mut row = self.extra.clone();
        row.set("id", self.id.as_str());
        row.set("organizationId", self.organization_id.as_str());
        row.set("userId", self.user_id.as_str());
        row.set("role", self.role.as_str());
        row.set("createdAt", self.created_at);
        row
    }
}

/// The user fields upstream attaches to a member in listings.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MemberUser {
    /// The user id.
    pub id: String,
    /// The name.
    pub name: String,
    /// The email address.
    pub email: String,
    /// The image URL.
    pub image: Option<String>,
}

impl From<&User> for MemberUser {
    fn from(user: &User) -> Self {
        Self {
            id: user.id.clone(),
            name: user.name.clone(),
            email: user.email.clone(),
            image: user.image.clone(),
        }
    }
}

/// A member with its user, as `/organization/list-members` and friends return it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MemberWithUser {
    /// The membership.
    #[serde(flatten)]
    pub member: Member,
    /// Its user.
    pub user: MemberUser,
}
