//! `GET /error`: the page OAuth-style flows redirect to, showing an error code and description.

use std::fmt::Write as _;

use bytes::Bytes;
use http::{HeaderValue, StatusCode, header};

use crate::endpoint::{ApiResponse, RequestCtx};
use crate::error::ApiError;

/// Renders the error page. Like upstream, a code outside `['A-Za-z0-9_-]` is shown as `UNKNOWN` and the
/// description is HTML-escaped, so neither can inject markup.
pub(crate) async fn error_page(req: RequestCtx) -> Result<ApiResponse, ApiError> {
    let code = req
        .query("error")
        .filter(|c| is_safe_code(c))
        .unwrap_or_else(|| "UNKNOWN".to_owned());
    let description = req.query("error_description").filter(|d| !d.is_empty());
    let mut html = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"UTF-8\" /><title>Error</title></head>\n<body>\n",
    );
    let _ = writeln!(
        html,
        "<h1>Error</h1>\n<p><code>{}</code></p>",
        escape(&code)
    );
    if let Some(description) = description {
        let _ = writeln!(html, "<p>{}</p>", escape(&description));
    }
    html.push_str("</body>\n</html>\n");
    let mut res = ApiResponse::empty(StatusCode::OK);
    res.headers
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
    res.body = Bytes::from(html);
    Ok(res)
}

fn is_safe_code(code: &str) -> bool {
    !code.is_empty()
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"'_-".contains(&b))
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            c => out.push(c),
        }
    }
    out
}
