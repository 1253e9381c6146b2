//! The `organization` model.

use bulwark_core::adapter::{AdapterError, Row};
use bulwark_core::models::{Fields, Model, wire};
use serde::Serialize;
use serde_json::Value as Json;
use time::OffsetDateTime;

/// An organization, as stored and as upstream returns it from reads (`metadata` is the stored JSON text).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    /// The display name.
    pub name: String,
    /// The unique slug.
    pub slug: String,
    /// A logo URL.
    pub logo: Option<String>,
    /// When the organization was created.
    #[serde(serialize_with = "wire::date")]
    pub created_at: OffsetDateTime,
    /// Application metadata, stored as JSON text (upstream stores a string column).
    pub metadata: Option<String>,
    /// The id.
    pub id: String,
    /// Additional fields.
    #[serde(flatten, serialize_with = "wire::extra")]
    pub extra: Row,
}

impl Organization {
    /// The metadata parsed as JSON (`None` when absent or not JSON).
    pub fn metadata_json(&self) -> Option<Json> {
        self.metadata
            .as_deref()
            .and_then(|m| serde_json::from_str(m).ok())
    }

    /// The JSON upstream answers after a create or an update: `metadata` parsed, and left out when the
    /// organization has none.
    pub fn to_written_json(&self) -> Json {
        let mut json = serde_json::to_value(self).unwrap_or(Json::Null);
        if let Json::Object(map) = &mut json {
            match self.metadata_json() {
                Some(parsed) => {
                    map.insert("metadata".to_owned(), parsed);
                }
                None => {
                    map.remove("metadata");
                }
            }
        }
        json
    }
}

impl Model for Organization {
    const NAME: &'static str = "organization";

    fn from_row(row: Row) -> Result<Self, AdapterError> {
        let mut f = Fields::new(Self::NAME, row);
        Ok(Self {
            id: f.string("id")?,
            name: f.string("name")?,
            slug: f.string("slug")?,
            logo: f.opt_string("logo")?,
            created_at: f.date("createdAt")?,
            metadata: f.opt_string("metadata")?,
            extra: f.rest(),
        })
    }

    fn to_row(&self) -> Row {
        let mut row = self.extra.clone();
        row.set("id", self.id.as_str());
        row.set("name", self.name.as_str());
        row.set("slug", self.slug.as_str());
        row.set("logo", self.logo.clone());
        row.set("createdAt", self.created_at);
        row.set("metadata", self.metadata.clone());
        row
    }
}
