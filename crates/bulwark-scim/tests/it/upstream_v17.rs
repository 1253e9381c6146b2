//! Upstream v1.7.1's unit tests of its list query parser and attribute projection, ported to Bulwark's
//! resource-independent equivalents (the RFC 7644 filter grammar of `bulwark_scim_protocol::Filter` and
//! `bulwark_scim::projection::Projection`), and its challenged authentication errors. The HTTP-visible
//! parts of the same files are the parity scenarios `scim/v17-*`.

use bulwark_scim::ScimOptions;
use bulwark_scim::options::{StaticConnection, StaticCredential};
use bulwark_scim::projection::{Projection, Selector};
use bulwark_scim_protocol::{CompareOp, CompareValue, Filter, ScimType};
use http::{Method, StatusCode, header};
use serde_json::json;
use time::macros::datetime;

use crate::harness::{auth_with, send};

/// The `(attribute, value)` of an `eq` comparison, or `None` for any other filter.
fn equality(filter: &Filter) -> Option<(String, String)> {
    let Filter::Compare {
        path,
        op: CompareOp::Equal,
        value: CompareValue::String(value),
    } = filter
    else {
        return None;
    };
    Some((path.to_string(), value.clone()))
}

/// upstream: collection-query.test.ts › collection filters › finds the top-level equality operator in %s
#[test]
fn the_equality_operator_is_found_outside_quoted_values() {
    for (text, value) in [
        (
            r#"displayName eq "MyPlatform BA SCIM - Admins""#,
            "MyPlatform BA SCIM - Admins",
        ),
        (
            r#"displayName eq "Research and Development""#,
            "Research and Development",
        ),
        (
            r#"displayName eq "Platform - \"Admins\"""#,
            r#"Platform - "Admins""#,
        ),
    ] {
        let filter = Filter::parse(text).unwrap();
        assert_eq!(
            equality(&filter),
            Some(("displayName".to_owned(), value.to_owned())),
            "{text}"
        );
    }
}

/// upstream: collection-query.test.ts › collection filters › preserves top-level conjunctions when a quoted value contains and
#[test]
fn a_quoted_and_does_not_split_the_conjunction() {
    let filter = Filter::parse(
        r#"displayName eq "Research and Development" and externalId eq "research-and-development""#,
    )
    .unwrap();
    let Filter::And(left, right) = &filter else {
        panic!("expected a conjunction, got {filter:?}");
    };
    assert_eq!(
        equality(left),
        Some((
            "displayName".to_owned(),
            "Research and Development".to_owned()
        ))
    );
    assert_eq!(
        equality(right),
        Some((
            "externalId".to_owned(),
            "research-and-development".to_owned()
        ))
    );
}

/// upstream: collection-query.test.ts › collection filters › returns invalid filter syntax for malformed %s quote or bracket state
#[test]
fn malformed_quotes_and_brackets_are_invalid_filters() {
    for text in [
        r#"displayName eq "unterminated"#,
        r#"displayName] eq "Admins""#,
        r#"emails[type eq "work".value eq "ada@example.com""#,
    ] {
        let error = Filter::parse(text).unwrap_err();
        assert_eq!(error.scim_type(), ScimType::InvalidFilter, "{text}");
    }
}

/// upstream: collection-query.test.ts › parseSCIMAttributeProjection › normalizes excluded attribute paths
#[test]
fn excluded_attribute_paths_are_trimmed_and_lower_cased() {
    let projection = Projection::from_query(&[], &["Members, Meta.Version".to_owned()]).unwrap();
    assert_eq!(
        projection,
        Projection::Exclude(vec![
            Selector {
                attribute: "members".to_owned(),
                sub: None,
            },
            Selector {
                attribute: "meta".to_owned(),
                sub: Some("version".to_owned()),
            },
        ])
    );
}

/// upstream: resource-attribute-projection.test.ts › projectSCIMResourceAttributes › retains mandatory fields in the projected result type
#[test]
fn an_empty_inclusion_still_answers_schemas_and_id() {
    let user = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "id": "u1",
        "userName": "ada@example.com",
        "name": {"formatted": "Ada Lovelace", "givenName": "Ada"},
        "emails": [{"value": "ada@example.com", "primary": true, "type": "work"}],
    });
    assert_eq!(
        Projection::Include(Vec::new()).apply(user.clone()),
        json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": "u1"})
    );
    let emails = Projection::from_query(&["emails.value".to_owned()], &[])
        .unwrap()
        .apply(user);
    assert_eq!(emails["emails"], json!([{"value": "ada@example.com"}]));
}

/// upstream: scim-http-contract.test.ts › SCIM HTTP contract › returns a challenged SCIM error for %s authentication
#[tokio::test]
async fn missing_and_expired_credentials_are_challenged() {
    let auth = auth_with(
        ScimOptions::default().connection(
            StaticConnection::new("workforce")
                .credential(StaticCredential::new("active", "active-scim-token"))
                .credential(
                    StaticCredential::new("expired", "expired-scim-token")
                        .expires_at(datetime!(2025-12-31 23:59:00 UTC)),
                ),
        ),
    );
    let accept = ("accept", "application/scim+json");
    for headers in [
        vec![accept],
        vec![accept, ("authorization", "Bearer expired-scim-token")],
    ] {
        let res = send(&auth, Method::GET, "/scim/v2/Users", &headers).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{headers:?}");
        assert_eq!(
            res.headers[header::CONTENT_TYPE],
            "application/scim+json",
            "{headers:?}"
        );
        assert_eq!(
            res.headers[header::WWW_AUTHENTICATE],
            r#"Bearer realm="SCIM""#
        );
        assert_eq!(
            res.json["schemas"],
            json!(["urn:ietf:params:scim:api:messages:2.0:Error"])
        );
        assert_eq!(res.json["status"], "401");
        assert!(res.json.get("code").is_none(), "{}", res.json);
    }
    let res = send(
        &auth,
        Method::GET,
        "/scim/v2/Users",
        &[accept, ("authorization", "Bearer active-scim-token")],
    )
    .await;
    assert_eq!(res.status, StatusCode::OK);
}

/// upstream: scim-connections.test.ts › SCIM connection provisioning › rejects ambiguous connection identifiers and bearer credentials
#[test]
fn ambiguous_connection_ids_and_bearer_tokens_are_refused() {
    let untrimmed = ScimOptions::default().connection(
        StaticConnection::new(" workforce ")
            .credential(StaticCredential::new("valid-token", "valid-token")),
    );
    let spaced = ScimOptions::default().connection(
        StaticConnection::new("workforce")
            .credential(StaticCredential::new("invalid-token", "invalid token")),
    );
    for (options, expected) in [
        (untrimmed, "SCIM connection ids must be trimmed"),
        (
            spaced,
            "SCIM bearer tokens cannot be empty or contain whitespace",
        ),
    ] {
        let problems = options.problems();
        assert!(
            problems.iter().any(|problem| problem.starts_with(expected)),
            "{problems:?}"
        );
        let refused = bulwark_core::Auth::builder()
            .database(
                std::sync::Arc::new(bulwark_core::adapter::memory::MemoryAdapter::new())
                    as std::sync::Arc<dyn bulwark_core::Adapter>,
            )
            .secret("test-secret-that-is-long-enough-for-hmac")
            .base_url("http://localhost:3000")
            .plugin(bulwark_scim::scim(options))
            .build();
        let error = refused.expect_err("the options are refused").to_string();
        assert!(error.contains(expected), "{error}");
    }
}
