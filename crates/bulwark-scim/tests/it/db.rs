//! Tests against real databases, one module per backend (`db::postgres::…`, `db::mysql::…`,
//! `db::sqlite::…`). They skip locally when their database URL is unset and fail under CI.

use std::sync::Arc;

use bulwark_core::adapter::memory::MemoryAdapter;
use bulwark_core::{Adapter, Auth, Environment};
use bulwark_scim::options::{StaticConnection, StaticCredential};
use bulwark_scim::{ScimOptions, scim};
use bulwark_test_support::{Backend, FakeClock, SequentialIds, TestDb};
use bytes::Bytes;
use http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};
use time::macros::datetime;

pub(crate) mod sqlite {
    use bulwark_test_support::Backend;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_user_creates_give_one_user() {
        crate::users::concurrent_creates_on(Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn email_filters_read_the_connection_s_emails() {
        super::email_filters_on(Backend::Sqlite).await;
    }
}

pub(crate) mod postgres {
    use bulwark_test_support::Backend;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_user_creates_give_one_user() {
        crate::users::concurrent_creates_on(Backend::Postgres).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn email_filters_read_the_connection_s_emails() {
        super::email_filters_on(Backend::Postgres).await;
    }
}

pub(crate) mod mysql {
    use bulwark_test_support::Backend;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_user_creates_give_one_user() {
        crate::users::concurrent_creates_on(Backend::Mysql).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn email_filters_read_the_connection_s_emails() {
        super::email_filters_on(Backend::Mysql).await;
    }
}

const OKTA: &str = "token-okta";
const ENTRA: &str = "token-entra";
const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";

/// The scim plugin with two connections (`okta`, `entra`) on `adapter`.
fn auth_on(adapter: Arc<dyn Adapter>) -> Auth {
    let options = ScimOptions::default()
        .connection(StaticConnection::new("okta").credential(StaticCredential::new("c1", OKTA)))
        .connection(StaticConnection::new("entra").credential(StaticCredential::new("c2", ENTRA)));
    Auth::builder()
        .database(adapter)
        .secret("test-secret-that-is-long-enough-for-hmac")
        .base_url("http://localhost:3000")
        .environment(Environment {
            clock: Arc::new(FakeClock::at(datetime!(2026-01-01 00:00:00 UTC))),
            ids: Arc::new(SequentialIds::new()),
        })
        .plugin(scim(options))
        .build()
        .expect("valid configuration")
}

/// `method /scim/v2<path>` with `token`, and the status and JSON body of the answer.
async fn call(
    auth: &Auth,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = Request::builder()
        .method(method)
        .uri(format!("http://localhost:3000/api/auth/scim/v2{path}"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"));
    if body.is_some() {
        req = req.header(header::CONTENT_TYPE, "application/scim+json");
    }
    let body = body.map_or_else(Bytes::new, |b| Bytes::from(b.to_string()));
    let res = auth.handle(req.body(body).unwrap()).await;
    let json = serde_json::from_slice(res.body()).unwrap_or(Value::Null);
    (res.status(), json)
}

/// Creates `user_name` with `emails` on the connection of `token` and returns its SCIM id.
async fn create(auth: &Auth, token: &str, user_name: &str, emails: Value) -> String {
    let body = json!({"schemas": [USER_SCHEMA], "userName": user_name, "emails": emails});
    let (status, json) = call(auth, Method::POST, "/Users", token, Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{json}");
    json["id"].as_str().unwrap().to_owned()
}

/// The ids a list with `filter` answers on the connection of `token`, sorted, checked against
/// `totalResults`.
async fn matching(auth: &Auth, token: &str, filter: &str) -> Vec<String> {
    let encoded: String = filter
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let path = format!("/Users?filter={encoded}");
    let (status, json) = call(auth, Method::GET, &path, token, None).await;
    assert_eq!(status, StatusCode::OK, "{filter}: {json}");
    let mut ids: Vec<String> = json["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(json["totalResults"], ids.len(), "{filter}");
    ids.sort();
    ids
}

/// `emails` filters, plain, in value filters and negated, on `backend`: each list sees only the emails
/// of its own connection.
pub(crate) async fn email_filters_on(backend: Backend) {
    let schema = auth_on(Arc::new(MemoryAdapter::new())).schema().clone();
    let Some(db) = TestDb::new(backend, &schema).await else {
        return;
    };
    let auth = auth_on(db.adapter());
    let ada = create(
        &auth,
        OKTA,
        "ada",
        json!([{"value": "ada@example.com", "type": "work"}, {"value": "ada@home.example", "type": "home"}]),
    )
    .await;
    let grace = create(
        &auth,
        OKTA,
        "grace",
        json!([{"value": "grace@example.com", "type": "work"}]),
    )
    .await;
    let entra = create(
        &auth,
        ENTRA,
        "edith",
        json!([{"value": "edith@example.com", "type": "work"}]),
    )
    .await;
    let mut both = vec![ada.clone(), grace.clone()];
    both.sort();
    for (filter, expected) in [
        (r#"emails.value eq "ADA@home.example""#, vec![ada.clone()]),
        (
            r#"emails[type eq "work" and value co "@example.com"]"#,
            both.clone(),
        ),
        (
            r#"emails[type eq "home"] or emails.value eq "grace@example.com""#,
            both.clone(),
        ),
        (
            r#"not (emails.value eq "ada@example.com")"#,
            vec![grace.clone()],
        ),
        (r#"emails.value eq "edith@example.com""#, vec![]),
        ("emails pr", both),
    ] {
        assert_eq!(matching(&auth, OKTA, filter).await, expected, "{filter}");
    }
    assert_eq!(matching(&auth, ENTRA, "emails pr").await, [entra]);
    drop(auth);
    db.cleanup().await;
}
