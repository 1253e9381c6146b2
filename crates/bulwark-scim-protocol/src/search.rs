//! The body of `POST /.search` (RFC 7644 §3.4.3).

use std::fmt;

use serde::{Deserialize, Serialize};

/// A query sent as a body instead of URL parameters.
///
/// Every field is optional and kept as sent: parse `filter` with [`Filter`](crate::Filter), and
/// `sortOrder` with [`SortOrder::parse`]. `startIndex` and `count` may be out of range (negative,
/// zero); normalising them is the server's choice.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchRequest {
    /// `["urn:ietf:params:scim:api:messages:2.0:SearchRequest"]`.
    #[serde(default)]
    pub schemas: Vec<String>,
    /// Attributes to return, instead of the default set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Vec<String>>,
    /// Attributes to leave out of the default set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excluded_attributes: Option<Vec<String>>,
    /// The filter, unparsed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    /// The attribute to sort by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort_by: Option<String>,
    /// `ascending` or `descending`, unparsed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort_order: Option<String>,
    /// The one-based index of the first result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_index: Option<i64>,
    /// The number of results per page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<i64>,
}

/// The direction of `sortBy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SortOrder {
    /// `ascending`, the default.
    #[default]
    Ascending,
    /// `descending`.
    Descending,
}

impl SortOrder {
    /// The order spelled `text`, ignoring ASCII case.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Ascending, Self::Descending]
            .into_iter()
            .find(|order| order.as_str().eq_ignore_ascii_case(text))
    }

    /// `ascending` or `descending`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ascending => "ascending",
            Self::Descending => "descending",
        }
    }
}

impl fmt::Display for SortOrder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
