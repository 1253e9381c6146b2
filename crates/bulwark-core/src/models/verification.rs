//! The `verification` model: short-lived values keyed by an identifier (email tokens, OAuth state).

use serde::Serialize;
use time::OffsetDateTime;

use super::{Fields, Model, wire};
use crate::adapter::{AdapterError, Row};

/// A verification value.
#[derive(Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Verification {
    /// The id.
    pub id: String,
    /// What the value is looked up by.
    pub identifier: String,
    /// The value (often a secret).
    #[serde(skip)]
    pub value: String,
    /// When it expires.
    #[serde(serialize_with = "wire::date")]
    pub expires_at: OffsetDateTime,
    /// When it was created.
    #[serde(serialize_with = "wire::date")]
    pub created_at: OffsetDateTime,
    /// When it was last updated.
    #[serde(serialize_with = "wire::date")]
    pub updated_at: OffsetDateTime,
}

impl std::fmt::Debug for Verification {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verification")
            .field("id", &self.id)
            .field("identifier", &self.identifier)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

impl Model for Verification {
    const NAME: &'static str = "verification";

    fn from_row(row: Row) -> Result<Self, AdapterError> {
        let mut f = Fields::new(Self::NAME, row);
        Ok(Self {
            id: f.string("id")?,
            identifier: f.string("identifier")?,
            value: f.string("value")?,
            expires_at: f.date("expiresAt")?,
            created_at: f.date("createdAt")?,
            updated_at: f.date("updatedAt")?,
        })
    }

    fn to_row(&self) -> Row {
        Row::new()
            .with("id", self.id.as_str())
            .with("identifier", self.identifier.as_str())
            .with("value", self.value.as_str())
            .with("expiresAt", self.expires_at)
            .with("createdAt", self.created_at)
            .with("updatedAt", self.updated_at)
    }
}
