//! Requests no SCIM endpoint serves: other methods on the read-only discovery endpoints answer `405`,
//! and any other path under `/scim/v2` a SCIM `404` (RFC 7644 §3.12), never an empty body.

use http::{Method, StatusCode, header};
use serde_json::json;

use crate::harness::{auth, send};

const ERROR: &str = "urn:ietf:params:scim:api:messages:2.0:Error";

#[tokio::test]
async fn discovery_endpoints_refuse_writes_with_405() {
    let auth = auth();
    for path in [
        "/scim/v2/ServiceProviderConfig",
        "/scim/v2/Schemas",
        "/scim/v2/ResourceTypes",
        "/scim/v2/ResourceTypes/User",
    ] {
        for method in [Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
            let res = send(
                &auth,
                method.clone(),
                path,
                &[("content-type", "text/plain")],
            )
            .await;
            assert_eq!(
                res.status,
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path}"
            );
            assert_eq!(res.json["schemas"], json!([ERROR]));
            assert_eq!(res.json["status"], "405");
            assert_eq!(res.headers[header::ALLOW], "GET");
            assert_eq!(res.headers[header::CONTENT_TYPE], "application/scim+json");
        }
    }
}

#[tokio::test]
async fn unknown_scim_paths_answer_a_scim_404() {
    let auth = auth();
    for (method, path) in [
        (Method::GET, "/scim/v2/0b6f3c1e-5d0a-4a57-9c5e-2f1f0f7d8a11"),
        (Method::POST, "/scim/v2/Bulk"),
        (Method::GET, "/scim/v2/Users/some-id/extra"),
    ] {
        let res = send(&auth, method.clone(), path, &[]).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{method} {path}");
        assert_eq!(
            res.json,
            json!({"schemas": [ERROR], "status": "404", "detail": "Not a SCIM endpoint"})
        );
        assert_eq!(res.headers[header::CONTENT_TYPE], "application/scim+json");
    }
    // Outside /scim/v2 nothing changes: an unknown path is an empty 404.
    let res = send(&auth, Method::GET, "/scim/v2x", &[]).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(res.json, serde_json::Value::Null);
}
