//! Embeds Bulwark in an axum application: the auth endpoints under `/api/auth`, and an app route
//! `/me` that reads the session with the `Session` extractor. Data lives in `embed.db` (`SQLite`).
//!
//! ```text
//! cargo run -p bulwark-axum --example embed
//! curl -i -H 'content-type: application/json' \
//!   -d '{"name":"Ada","email":"ada@example.com","password":"correct horse battery"}' \
//!   http://127.0.0.1:3000/api/auth/sign-up/email
//! curl -H 'cookie: better-auth.session_token=...' http://127.0.0.1:3000/me
//! ```

use std::sync::Arc;

use axum::routing::get;
use axum::{Json, Router};
use bulwark_axum::Session;
use bulwark_core::Auth;
use bulwark_sql::SqlAdapter;
use serde_json::{Value, json};

/// A handler of the application: the signed-in user's profile.
async fn me(session: Session) -> Json<Value> {
    let user = session.user();
    Json(json!({
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "sessionExpiresAt": session.session().expires_at.unix_timestamp(),
    }))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt().init();

    let adapter = SqlAdapter::connect("sqlite://embed.db?mode=rwc").await?;
    let auth = Auth::builder()
        .database(Arc::new(adapter.clone()) as Arc<dyn bulwark_core::Adapter>)
        // A real application reads its secret from its configuration; this one is for the example only.
        .secret("example-secret-change-me-example-secret-change-me")
        .base_url("http://127.0.0.1:3000")
        .build()?;
    adapter.migrate(auth.schema()).await?;

    let app = Router::new()
        .route("/me", get(me))
        .with_state(auth.clone())
        .merge(bulwark_axum::router(auth));

    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    tracing::info!(addr = %listener.local_addr()?, "listening");
    axum::serve(listener, app).await?;
    Ok(())
}
