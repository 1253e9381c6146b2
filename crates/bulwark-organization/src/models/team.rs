//! The `team` model (teams enabled).

use bulwark_core::adapter::{AdapterError, Row};
use bulwark_core::models::{Fields, Model, wire};
use serde::Serialize;
use time::OffsetDateTime;

/// A team within an organization.
///
/// `memberCount` is v1.7.1's seat counter (v1.6.30 has no such column). Bulwark always has the column,
/// nullable so that a v1.6.30 database migrates additively; `None` means "not counted yet".
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Team {
    /// The name.
    pub name: String,
    /// How many team members the team has (v1.7.1's counter; never returned, as upstream).
    #[serde(skip)]
    pub member_count: Option<i64>,
    /// The organization.
    pub organization_id: String,
    /// When it was created.
    #[serde(serialize_with = "wire::date")]
    pub created_at: OffsetDateTime,
    /// When it was last updated.
    #[serde(serialize_with = "wire::opt_date")]
    pub updated_at: Option<OffsetDateTime>,
    /// The id.
    pub id: String,
    /// Additional fields.
    #[serde(flatten, serialize_with = "wire::extra")]
    pub extra: Row,
}

impl Model for Team {
    const NAME: &'static str = "team";

    fn from_row(row: Row) -> Result<Self, AdapterError> {
        let mut f = Fields::new(Self::NAME, row);
        Ok(Self {
            id: f.string("id")?,
            name: f.string("name")?,
            member_count: f.opt_int("memberCount")?,
            organization_id: f.string("organizationId")?,
            created_at: f.date("createdAt")?,
            updated_at: f.opt_date("updatedAt")?,
            extra: f.rest(),
        })
    }

    fn to_row(&self) -> Row {
        let mut row = self.extra.clone();
        row.set("id", self.id.as_str());
        row.set("name", self.name.as_str());
        row.set("memberCount", self.member_count);
        row.set("organizationId", self.organization_id.as_str());
        row.set("createdAt", self.created_at);
        row.set("updatedAt", self.updated_at);
        row
    }
}
