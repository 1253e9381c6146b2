//! `/scim/v2/Users` (RFC 7644 §3.3–§3.6) with upstream v1.7.1's answers: `POST` (201 with `Location`
//! and `Content-Location`), `GET` one or a filtered page, `PUT` and `PATCH` (200 with `Location`) and
//! `DELETE` (204).

use std::sync::Arc;

use bulwark_core::adapter::Sort;
use bulwark_core::{ApiResponse, AuthBuilder};
use http::{HeaderValue, Method, StatusCode, header};
use serde_json::{Value, json};

use crate::error::{SCIM_MEDIA_TYPE, ScimError};
use crate::filter::MAX_RESULTS;
use crate::models::ScimUser;
use crate::options::ScimOptions;
use crate::projection::Projection;
use crate::routes::{Access, ScimRequest, scim};
use crate::users::input::parse_user_with;
use crate::users::profile::CanonicalUser;
use crate::users::{provisioning, resource};

/// The URN of list responses.
const LIST_RESPONSE: &str = bulwark_scim_protocol::urn::LIST_RESPONSE;
/// The URN of search requests.
const SEARCH_REQUEST: &str = bulwark_scim_protocol::urn::SEARCH_REQUEST;
/// Registers the Users endpoints.
pub(crate) fn register(auth: &mut AuthBuilder, options: &Arc<ScimOptions>) {
    auth.endpoint(scim(Method::POST, "/Users", Access::Users, options, create));
    auth.endpoint(scim(Method::GET, "/Users", Access::Users, options, list));
    auth.endpoint(scim(
        Method::POST,
        "/Users/.search",
        Access::Search,
        options,
        search,
    ));
    auth.endpoint(scim(
        Method::POST,
        "/.search",
        Access::Search,
        options,
        search,
    ));
    auth.endpoint(scim(Method::GET, "/Users/:id", Access::Users, options, get));
    auth.endpoint(scim(
        Method::PUT,
        "/Users/:id",
        Access::Users,
        options,
        replace,
    ));
    auth.endpoint(scim(
        Method::PATCH,
        "/Users/:id",
        Access::Users,
        options,
        patch,
    ));
    auth.endpoint(scim(
        Method::DELETE,
        "/Users/:id",
        Access::Users,
        options,
        delete,
    ));
}

async fn create(request: ScimRequest) -> Result<ApiResponse, ScimError> {
    let principal = request.principal()?;
    let body = request.body.as_ref().unwrap_or(&Value::Null);
    let profile = canonical(&request, body)?;
    let auth = request.req.auth();
    let created = provisioning::create(auth, &request.options, principal, profile).await?;
    let mut res = respond(&request, StatusCode::CREATED, &created)?;
    let location = res.headers.get(header::LOCATION).cloned();
    if let Some(location) = location {
        res.headers.insert(header::CONTENT_LOCATION, location);
    }
    Ok(res)
}

/// The canonical profile of a `POST` or `PUT` body, validated under the plugin's options.
fn canonical(request: &ScimRequest, body: &Value) -> Result<CanonicalUser, ScimError> {
    let options = &request.options;
    let input = parse_user_with(body, &options.schema_extensions, options.missing_email)?;
    Ok(CanonicalUser::new(input))
}

async fn get(request: ScimRequest) -> Result<ApiResponse, ScimError> {
    let principal = request.principal()?;
    let id = request.req.param("id").unwrap_or_default();
    let projection = projection(&request)?;
    let user = provisioning::find(request.req.auth(), principal, id).await?;
    let declared = &request.options.schema_extensions;
    let body = projection.apply(resource::render(request.req.auth(), &user, declared));
    json_response(StatusCode::OK, &body)
}

async fn replace(request: ScimRequest) -> Result<ApiResponse, ScimError> {
    let principal = request.principal()?;
    let id = request.req.param("id").unwrap_or_default();
    let auth = request.req.auth();
    let body = request.body.as_ref().unwrap_or(&Value::Null);
    let profile = canonical(&request, body)?;
    let replaced = provisioning::replace(auth, &request.options, principal, id, profile).await?;
    respond(&request, StatusCode::OK, &replaced)
}

async fn delete(request: ScimRequest) -> Result<ApiResponse, ScimError> {
    let principal = request.principal()?;
    let id = request.req.param("id").unwrap_or_default();
    provisioning::delete(request.req.auth(), &request.options, principal, id).await?;
    Ok(ApiResponse::empty(StatusCode::NO_CONTENT))
}

/// The parameters of a list or search: from the query string (`GET /Users`) or a `SearchRequest` body
/// (`POST /Users/.search`, `POST /.search`).
struct Search {
    filter: Option<String>,
    sort_by: Option<String>,
    sort_order: Option<String>,
    start_index: Option<i64>,
    count: Option<i64>,
    projection: Projection,
}

impl Search {
    fn from_query(request: &ScimRequest) -> Result<Self, ScimError> {
        let req = &request.req;
        Ok(Self {
            filter: req.query("filter"),
            sort_by: req.query("sortBy"),
            sort_order: req.query("sortOrder"),
            start_index: integer(req.query("startIndex"), "startIndex")?,
            count: integer(req.query("count"), "count")?,
            projection: projection(request)?,
        })
    }

    /// RFC 7644 §3.4.3: the same parameters as members of a `SearchRequest` (the schema URN is
    /// required; `attributes` and `excludedAttributes` are arrays of strings).
    fn from_body(request: &ScimRequest) -> Result<Self, ScimError> {
        let Some(Value::Object(body)) = request.body.as_ref() else {
            return Err(ScimError::invalid_value(
                "A SearchRequest must be a JSON object",
            ));
        };
        let schemas = body.get("schemas").and_then(Value::as_array);
        if !schemas.is_some_and(|s| s.iter().any(|v| v == SEARCH_REQUEST)) {
            return Err(ScimError::invalid_value(format!(
                "A SearchRequest must declare the {SEARCH_REQUEST} schema"
            )));
        }
        let text = |name: &str| -> Result<Option<String>, ScimError> {
            match body.get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(ScimError::invalid_value(format!("{name} must be a string"))),
            }
        };
        let list = |name: &str| -> Result<Vec<String>, ScimError> {
            match body.get(name) {
                None | Some(Value::Null) => Ok(Vec::new()),
                Some(Value::Array(items)) => items
                    .iter()
                    .map(|v| {
                        v.as_str().map(str::to_owned).ok_or_else(|| {
                            ScimError::invalid_value(format!("{name} must be an array of strings"))
                        })
                    })
                    .collect(),
                Some(Value::String(s)) => Ok(vec![s.clone()]),
                Some(_) => Err(ScimError::invalid_value(format!(
                    "{name} must be an array of strings"
                ))),
            }
        };
        let number = |name: &str| -> Result<Option<i64>, ScimError> {
            match body.get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::Number(n)) => n
                    .as_i64()
                    .map(Some)
                    .ok_or_else(|| ScimError::invalid_value(format!("{name} must be an integer"))),
                Some(Value::String(s)) => integer(Some(s.clone()), name),
                Some(_) => Err(ScimError::invalid_value(format!(
                    "{name} must be an integer"
                ))),
            }
        };
        Ok(Self {
            filter: text("filter")?,
            sort_by: text("sortBy")?,
            sort_order: text("sortOrder")?,
            start_index: number("startIndex")?,
            count: number("count")?,
            projection: Projection::from_query_with(
                &list("attributes")?,
                &list("excludedAttributes")?,
                &extension_urns(request),
            )?,
        })
    }

    /// The sort the parameters ask for: `sortBy` must name a sortable attribute; `sortOrder` is
    /// `ascending` (the default) or `descending`.
    fn sort(&self) -> Result<Option<Sort>, ScimError> {
        let Some(sort_by) = self.sort_by.as_deref().filter(|s| !s.trim().is_empty()) else {
            return Ok(None);
        };
        let column = crate::filter::sort_column(sort_by.trim()).ok_or_else(|| {
            ScimError::invalid_value(format!("sortBy attribute {sort_by} is not supported"))
        })?;
        let descending = match self.sort_order.as_deref().map(str::trim) {
            None | Some("") => false,
            Some(order) if order.eq_ignore_ascii_case("ascending") => false,
            Some(order) if order.eq_ignore_ascii_case("descending") => true,
            Some(_) => {
                return Err(ScimError::invalid_value(
                    "sortOrder must be ascending or descending",
                ));
            }
        };
        Ok(Some(if descending {
            Sort::desc(column)
        } else {
            Sort::asc(column)
        }))
    }
}

async fn list(request: ScimRequest) -> Result<ApiResponse, ScimError> {
    let search = Search::from_query(&request)?;
    run_search(&request, &search).await
}

/// `POST /Users/.search` and `POST /.search` (RFC 7644 §3.4.3): a list whose parameters travel in the
/// body, so filters with personal data stay out of URLs and logs.
async fn search(request: ScimRequest) -> Result<ApiResponse, ScimError> {
    let search = Search::from_body(&request)?;
    run_search(&request, &search).await
}

/// Runs a list: the filter and sort in the database, `totalResults` from a count, one page fetched.
async fn run_search(request: &ScimRequest, search: &Search) -> Result<ApiResponse, ScimError> {
    let principal = request.principal()?;
    let filter = match &search.filter {
        Some(text) => {
            let declared = &request.options.schema_extensions;
            crate::filter::parse_user_filter(text, &principal.connection_id, declared)?
        }
        None => None,
    };
    let sort = search.sort()?;
    let start_index = search.start_index.unwrap_or(1).max(1);
    // A negative count asks for none; the page never exceeds `filter.maxResults`.
    let limit = search.count.map_or(MAX_RESULTS, |count| {
        u64::try_from(count).unwrap_or(0).min(MAX_RESULTS)
    });
    let auth = request.req.auth();
    let offset = u64::try_from(start_index - 1).unwrap_or_default();
    let (total, page) = provisioning::list(auth, principal, filter, sort, offset, limit).await?;
    let resources: Vec<Value> = page
        .iter()
        .map(|u| {
            let declared = &request.options.schema_extensions;
            search.projection.apply(resource::render(auth, u, declared))
        })
        .collect();
    let body = json!({
        "schemas": [LIST_RESPONSE],
        "totalResults": total,
        "startIndex": start_index,
        "itemsPerPage": resources.len(),
        "Resources": resources,
    });
    json_response(StatusCode::OK, &body)
}

/// A paging parameter: an integer (`^-?\d+$` after trimming, within JavaScript's safe range), else
/// 400 `invalidValue`.
fn integer(raw: Option<String>, name: &str) -> Result<Option<i64>, ScimError> {
    const MAX_SAFE_INTEGER: i64 = (1 << 53) - 1;
    let Some(raw) = raw else {
        return Ok(None);
    };
    let text = raw.trim();
    let digits = text.strip_prefix('-').unwrap_or(text);
    let parsed = (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse::<i64>().ok())
        .flatten()
        .filter(|n| n.abs() <= MAX_SAFE_INTEGER);
    parsed
        .map(Some)
        .ok_or_else(|| ScimError::invalid_value(format!("{name} must be an integer")))
}

/// The `attributes` / `excludedAttributes` of the query string.
fn projection(request: &ScimRequest) -> Result<Projection, ScimError> {
    Projection::from_query_with(
        &request.req.query_all("attributes"),
        &request.req.query_all("excludedAttributes"),
        &extension_urns(request),
    )
}

/// The URNs of the declared schema extensions.
fn extension_urns(request: &ScimRequest) -> Vec<&str> {
    request
        .options
        .schema_extensions
        .iter()
        .map(|e| e.urn.as_str())
        .collect()
}

/// The resource of `user` with `status` and a `Location` header, projected as the query asks.
fn respond(
    request: &ScimRequest,
    status: StatusCode,
    user: &ScimUser,
) -> Result<ApiResponse, ScimError> {
    let auth = request.req.auth();
    let declared = &request.options.schema_extensions;
    let body = projection(request)?.apply(resource::render(auth, user, declared));
    let mut res = json_response(status, &body)?;
    if let Ok(location) = HeaderValue::from_str(&resource::location(auth, &user.id)) {
        res.headers.insert(header::LOCATION, location);
    }
    Ok(res)
}

fn json_response(status: StatusCode, body: &Value) -> Result<ApiResponse, ScimError> {
    Ok(ApiResponse::json_with_status(
        status,
        SCIM_MEDIA_TYPE,
        body,
    )?)
}

/// `PATCH /Users/:id`: the operations apply to the stored resource (without `meta`); the result is
/// validated as a `POST` body and written like a `PUT`. A patch that changes nothing writes nothing.
async fn patch(request: ScimRequest) -> Result<ApiResponse, ScimError> {
    let principal = request.principal()?;
    let id = request.req.param("id").unwrap_or_default();
    let auth = request.req.auth();
    let current = provisioning::find(auth, principal, id).await?;
    let declared = &request.options.schema_extensions;
    let missing_email = request.options.missing_email;
    let stored = resource::current(&current, declared);
    let body = request.body.as_ref().unwrap_or(&Value::Null);
    let patched = crate::patch::apply_under(&stored, body, declared, missing_email)?;
    if patched == stored {
        return respond(&request, StatusCode::OK, &current);
    }
    let input = parse_user_with(&patched, declared, missing_email).map_err(patched_error)?;
    let profile = CanonicalUser::new(input);
    let replaced = provisioning::replace(auth, &request.options, principal, id, profile).await?;
    respond(&request, StatusCode::OK, &replaced)
}

/// A patched resource that fails validation, in upstream's form `<path>: <message>`.
fn patched_error(err: ScimError) -> ScimError {
    let detail = err.detail.unwrap_or_default();
    let detail = detail
        .split("; ")
        .map(|issue| {
            let Some(rest) = issue.strip_prefix("[body") else {
                return issue.to_owned();
            };
            match rest.split_once("] ") {
                Some((path, message)) => {
                    let path = path.strip_prefix('.').unwrap_or(path);
                    if path.is_empty() {
                        message.to_owned()
                    } else {
                        format!("{path}: {message}")
                    }
                }
                None => issue.to_owned(),
            }
        })
        .collect::<Vec<_>>()
        .join("; ");
    ScimError::invalid_value(detail)
}
