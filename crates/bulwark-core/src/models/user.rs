//! The `user` model.

use serde::Serialize;
use time::OffsetDateTime;

use super::{Fields, Model, wire};
use crate::adapter::{AdapterError, Row};

/// A user, as upstream stores and returns it (fields in upstream's JSON order).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// The display name.
    pub name: String,
    /// The email address, lower-cased.
    pub email: String,
    /// Whether the email address is verified.
    pub email_verified: bool,
    /// An image URL.
    pub image: Option<String>,
    /// When the user was created.
    #[serde(serialize_with = "wire::date")]
    pub created_at: OffsetDateTime,
    /// When the user was last updated.
    #[serde(serialize_with = "wire::date")]
    pub updated_at: OffsetDateTime,
    /// Fields added by plugins and `additionalFields`.
    #[serde(flatten, serialize_with = "wire::extra")]
    pub extra: Row,
    /// The id (last in upstream's JSON, after plugin fields).
    pub id: String,
}

impl Model for User {
    const NAME: &'static str = "user";

    fn from_row(row: Row) -> Result<Self, AdapterError> {
        let mut f = Fields::new(Self::NAME, row);
        Ok(Self {
            id: f.string("id")?,
            email: f.string("email")?,
            name: f.string("name")?,
            image: f.opt_string("image")?,
            email_verified: f.bool("emailVerified")?,
            created_at: f.date("createdAt")?,
            updated_at: f.date("updatedAt")?,
            extra: f.rest(),
        })
    }

    fn to_row(&self) -> Row {
        let mut row = self.extra.clone();
        row.set("id", self.id.as_str());
        row.set("email", self.email.as_str());
        row.set("name", self.name.as_str());
        row.set("image", self.image.clone());
        row.set("emailVerified", self.email_verified);
        row.set("createdAt", self.created_at);
        row.set("updatedAt", self.updated_at);
        row
    }
}
