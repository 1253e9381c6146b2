//! Transcripts: what was sent and received at each step, as recorded from the oracle or from Bulwark.

use serde::{Deserialize, Serialize};

/// One run of a scenario against one target on one database.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Transcript {
    /// The scenario id (`core/sign-up`).
    pub scenario: String,
    /// The target: a pin (`v1.6.30`) or `bulwark`.
    pub target: String,
    /// `memory` or `sqlite`.
    pub database: String,
    /// The exchanges, one per step.
    pub exchanges: Vec<Exchange>,
}

/// One request and its response.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Exchange {
    /// The step name.
    pub step: String,
    /// When the request was sent, in milliseconds since the Unix epoch (dates are compared relative to it).
    pub sent_at_ms: i64,
    /// The request as sent (after substitutions).
    pub request: Request,
    /// The response.
    pub response: Response,
}

/// An HTTP request below the base path.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The method.
    pub method: String,
    /// The path and query below the base path.
    pub path: String,
    /// Headers, lower-case names, in order.
    pub headers: Vec<(String, String)>,
    /// The raw body, if any.
    pub body: Option<String>,
}

/// An HTTP response.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// Headers, lower-case names, in order (every `set-cookie` separately).
    pub headers: Vec<(String, String)>,
    /// The raw body.
    pub body: String,
}

impl Response {
    /// The values of header `name`, in order.
    pub fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first value of header `name`.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}
