//! Plugins and hooks: order, changes, cancellation, transaction timing, and build-time validation.

use std::sync::{Arc, Mutex};

use bulwark_core::error::ConfigError;
use bulwark_core::hooks::{Before, Create};
use bulwark_core::models::{Account, User};
use bulwark_core::schema::{FieldDef, FieldType};
use bulwark_core::{ApiError, ApiResponse, AuthBuilder, BuildError, Endpoint, Plugin, Where};
use http::{Method, StatusCode};
use serde_json::json;

use crate::Harness;

type Log = Arc<Mutex<Vec<String>>>;

/// A plugin that records when its user-create hooks run and adds an endpoint and a session field.
struct Recorder {
    id: &'static str,
    log: Log,
}

impl Plugin for Recorder {
    fn id(&self) -> &'static str {
        self.id
    }

    fn build(&self, auth: &mut AuthBuilder) -> Result<(), BuildError> {
        let log = Arc::clone(&self.log);
        let name = self.id;
        auth.on_before::<Create<User>>(Arc::new(move |_ctx, user| {
            log.lock().unwrap().push(format!("{name}: before"));
            Box::pin(async move { Ok(Before::Continue(user)) })
        }));
        let log = Arc::clone(&self.log);
        auth.on_after::<Create<User>>(Arc::new(move |ctx, user| {
            let log = Arc::clone(&log);
            Box::pin(async move {
                // After-hooks run after the commit: the user is visible to anyone.
                let visible = ctx
                    .auth
                    .store()
                    .find_one::<User>(&Where::eq("id", user.id.as_str()))
                    .await?;
                log.lock()
                    .unwrap()
                    .push(format!("{name}: after (visible: {})", visible.is_some()));
                Ok(())
            })
        }));
        auth.extend_model(
            "session",
            [FieldDef::new(format!("{name}Field"), FieldType::String)],
        );
        auth.endpoint(Endpoint::new(
            Method::GET,
            format!("/{name}/ping"),
            |_| async { ApiResponse::json(&json!({"pong": true})) },
        ));
        Ok(())
    }
}

fn with_recorders(log: &Log) -> impl FnOnce(AuthBuilder) -> AuthBuilder {
    let (a, b, app) = (Arc::clone(log), Arc::clone(log), Arc::clone(log));
    move |builder| {
        builder
            .plugin(Recorder {
                id: "first",
                log: a,
            })
            .plugin(Recorder {
                id: "second",
                log: b,
            })
            .database_hook_before::<Create<User>>(Arc::new(move |_ctx, mut user: User| {
                app.lock().unwrap().push("app: before".to_owned());
                user.name = user.name.to_uppercase();
                Box::pin(async move { Ok(Before::Continue(user)) })
            }))
    }
}

#[tokio::test]
async fn hooks_run_in_registration_order_and_may_change_data() {
    let log: Log = Arc::default();
    let h = Harness::with(with_recorders(&log));
    let res = h
        .post(
            "/sign-up/email",
            json!({"name": "ada", "email": "ada@example.com", "password": "password123"}),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(
        res.json["user"]["name"], "ADA",
        "the app hook changed the name before storing"
    );
    assert_eq!(
        *log.lock().unwrap(),
        [
            "first: before",
            "second: before",
            "app: before",
            "first: after (visible: true)",
            "second: after (visible: true)"
        ]
    );
    assert_eq!(
        h.auth.hooks().describe(),
        [
            "first: before Create user",
            "first: after Create user",
            "second: before Create user",
            "second: after Create user",
            "app: before Create user"
        ]
    );
    let ping = h.get("/first/ping", None).await;
    assert_eq!(ping.json, json!({"pong": true}));
    let session = h.auth.schema().model("session").unwrap();
    assert!(session.get("firstField").is_some() && session.get("secondField").is_some());
}

#[tokio::test]
async fn a_cancelling_before_hook_stops_sign_up() {
    let h = Harness::with(|b| {
        b.database_hook_before::<Create<User>>(Arc::new(|_ctx, _user| {
            Box::pin(async { Ok(Before::Cancel) })
        }))
    });
    let res = h
        .post(
            "/sign-up/email",
            json!({"name": "x", "email": "x@example.com", "password": "password123"}),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(res.json["code"], "FAILED_TO_CREATE_USER");
    assert_eq!(
        h.auth.store().count::<User>(&Where::all()).await.unwrap(),
        0
    );
}

#[tokio::test]
async fn a_failing_write_rolls_back_the_whole_sign_up_and_skips_after_hooks() {
    let log: Log = Arc::default();
    let h = Harness::with(|b| {
        with_recorders(&log)(b).database_hook_before::<Create<Account>>(Arc::new(
            |_ctx, _account| {
                Box::pin(async {
                    Err(ApiError::bad_request(
                        bulwark_core::error::codes::FAILED_TO_CREATE_USER,
                    ))
                })
            },
        ))
    });
    let res = h
        .post(
            "/sign-up/email",
            json!({"name": "x", "email": "x@example.com", "password": "password123"}),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        h.auth.store().count::<User>(&Where::all()).await.unwrap(),
        0,
        "the user was rolled back"
    );
    assert!(
        log.lock()
            .unwrap()
            .iter()
            .all(|line| !line.contains("after")),
        "{:?}",
        log.lock().unwrap()
    );
}

#[test]
fn build_reports_every_problem_at_once() {
    let log: Log = Arc::default();
    let err = bulwark_core::Auth::builder()
        .secret("short")
        .base_url("not a url")
        .plugin(Recorder {
            id: "dup",
            log: Arc::clone(&log),
        })
        .plugin(Recorder { id: "dup", log })
        .plugin(BadPlugin)
        .build()
        .unwrap_err();
    let problems = err.problems();
    assert!(
        problems.iter().any(|p| matches!(
            p,
            ConfigError::Invalid {
                option: "secret",
                ..
            }
        )),
        "{err}"
    );
    assert!(
        problems.iter().any(|p| matches!(
            p,
            ConfigError::Invalid {
                option: "base_url",
                ..
            }
        )),
        "{err}"
    );
    assert!(
        problems.contains(&ConfigError::DuplicatePlugin("dup".to_owned())),
        "{err}"
    );
    assert!(
        problems.contains(&ConfigError::Missing("database")),
        "{err}"
    );
    assert!(
        problems
            .iter()
            .any(|p| matches!(p, ConfigError::DuplicateEndpoint { .. })),
        "{err}"
    );
    assert!(
        problems.iter().any(|p| matches!(p, ConfigError::Schema(_))),
        "{err}"
    );
}

/// Registers an endpoint the core already has and extends a model that does not exist.
struct BadPlugin;

impl Plugin for BadPlugin {
    fn id(&self) -> &'static str {
        "bad"
    }

    fn build(&self, auth: &mut AuthBuilder) -> Result<(), BuildError> {
        auth.endpoint(Endpoint::new(Method::GET, "/ok", |_| async {
            ApiResponse::json(&json!({}))
        }));
        auth.extend_model("nope", [FieldDef::new("x", FieldType::String)]);
        Ok(())
    }
}

#[tokio::test]
async fn endpoint_hooks_can_answer_early_and_change_responses() {
    use bulwark_core::hooks::{BeforeEndpoint, Matcher};

    struct Gate;
    impl Plugin for Gate {
        fn id(&self) -> &'static str {
            "gate"
        }

        fn build(&self, auth: &mut AuthBuilder) -> Result<(), BuildError> {
            auth.before(
                Matcher::Path("/sign-up/email".to_owned()),
                Arc::new(|req| {
                    Box::pin(async move {
                        if req.header("x-invite").is_some() {
                            return Ok(BeforeEndpoint::Continue(req));
                        }
                        let mut res = ApiResponse::json(&json!({"message": "invite only"}))?;
                        res.status = StatusCode::FORBIDDEN;
                        Ok(BeforeEndpoint::Respond(res))
                    })
                }),
            );
            auth.after(
                Matcher::PathPrefix("/ok".to_owned()),
                Arc::new(|_req, res| {
                    Box::pin(async move {
                        let mut res = res?;
                        res.headers
                            .insert("x-checked", http::HeaderValue::from_static("yes"));
                        Ok(res)
                    })
                }),
            );
            Ok(())
        }
    }

    let h = Harness::with(|b| b.plugin(Gate));
    let res = h
        .post(
            "/sign-up/email",
            json!({"name": "x", "email": "x@example.com", "password": "password123"}),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(res.json, json!({"message": "invite only"}));
    assert_eq!(
        h.auth.store().count::<User>(&Where::all()).await.unwrap(),
        0
    );
    let req = http::Request::builder()
        .method(Method::POST)
        .uri("http://localhost:3000/api/auth/sign-up/email")
        .header("content-type", "application/json")
        .header("x-invite", "1")
        .body(bytes::Bytes::from(
            json!({"name": "x", "email": "x@example.com", "password": "password123"}).to_string(),
        ))
        .unwrap();
    assert_eq!(h.send(req).await.status, StatusCode::OK);
    let ok = h
        .auth
        .handle(
            http::Request::get("http://localhost:3000/api/auth/ok")
                .body(bytes::Bytes::new())
                .unwrap(),
        )
        .await;
    assert_eq!(ok.headers()["x-checked"], "yes");
}
