//! The list response of queries (RFC 7644 §3.4.2).

use serde::{Deserialize, Serialize};

use crate::urn;

/// A page of query results: `{"schemas":[ListResponse], "totalResults", "startIndex",
/// "itemsPerPage", "Resources"}`, in that key order (upstream v1.7.1's).
///
/// `Resources` is always written, empty or not, as upstream does; it reads as empty when absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListResponse<T> {
    /// `["urn:ietf:params:scim:api:messages:2.0:ListResponse"]`.
    pub schemas: Vec<String>,
    /// How many resources match the query, over all pages.
    pub total_results: u64,
    /// The one-based index of the first resource of this page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_index: Option<u64>,
    /// How many resources this page holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items_per_page: Option<u64>,
    /// The resources of this page.
    #[serde(rename = "Resources", default = "Vec::new")]
    pub resources: Vec<T>,
}

impl<T> ListResponse<T> {
    /// A page of `resources` starting at the one-based `start_index`, out of `total_results`.
    pub fn new(resources: Vec<T>, total_results: u64, start_index: u64) -> Self {
        Self {
            schemas: vec![urn::LIST_RESPONSE.to_owned()],
            total_results,
            start_index: Some(start_index),
            items_per_page: Some(resources.len() as u64),
            resources,
        }
    }
}
