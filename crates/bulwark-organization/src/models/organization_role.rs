//! The `organizationRole` model (dynamic access control enabled).

use bulwark_core::adapter::{AdapterError, Row};
use bulwark_core::models::{Fields, Model, wire};
use serde::Serialize;
use time::OffsetDateTime;

use crate::access::Statements;

/// A role defined at run time for one organization; `permission` is a JSON object of resource → actions.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationRole {
    /// The organization.
    pub organization_id: String,
    /// The role name.
    pub role: String,
    /// The granted permissions as JSON text (`{"member":["create"]}`).
    pub permission: String,
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

impl OrganizationRole {
    /// The permissions, when `permission` is a JSON object of string arrays (upstream's check).
    pub fn statements(&self) -> Option<Statements> {
        let parsed: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&self.permission).ok()?;
        parsed
            .into_iter()
            .map(|(resource, actions)| {
                let actions = actions
                    .as_array()?
                    .iter()
                    .map(|a| a.as_str().map(str::to_owned))
                    .collect::<Option<Vec<_>>>()?;
                Some((resource, actions))
            })
            .collect()
    }
}

impl Model for OrganizationRole {
    const NAME: &'static str = "organizationRole";

    fn from_row(row: Row) -> Result<Self, AdapterError> {
        let mut f = Fields::new(Self::NAME, row);
        Ok(Self {
            id: f.string("id")?,
            organization_id: f.string("organizationId")?,
            role: f.string("role")?,
            permission: f.string("permission")?,
            created_at: f.date("createdAt")?,
            updated_at: f.opt_date("updatedAt")?,
            extra: f.rest(),
        })
    }

    fn to_row(&self) -> Row {
        let mut row = self.extra.clone();
        row.set("id", self.id.as_str());
        row.set("organizationId", self.organization_id.as_str());
        row.set("role", self.role.as_str());
        row.set("permission", self.permission.as_str());
        row.set("createdAt", self.created_at);
        row.set("updatedAt", self.updated_at);
        row
    }
}
