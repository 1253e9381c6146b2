//! `serve`: connect, migrate, bind, build the `Auth`, serve until Ctrl-C or SIGTERM.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context as _;
use axum::extract::Request;
use bulwark_core::{Adapter, Auth};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::cli::Config;
use crate::{configure, connect, scim, secret};

/// Runs the server.
pub(crate) async fn run(config: &Config) -> anyhow::Result<()> {
    // The secret comes first so that production misconfiguration fails before any connection.
    let secret = secret::resolve(config)?;
    let adapter = connect(config).await?;
    let addr = SocketAddr::new(config.host, config.port);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let bound = listener
        .local_addr()
        .context("cannot read the bound address")?;
    let base_url = config.base_url(bound);
    let auth = configure(Auth::builder(), config)
        .database(Arc::new(adapter.clone()) as Arc<dyn Adapter>)
        .secret(secret)
        .base_url(base_url.clone())
        .build()?;
    let report = adapter
        .migrate(auth.schema())
        .await
        .context("migration failed")?;
    tracing::info!(statements = report.statements.len(), "database migrated");
    let scim_url = (!config.disable_scim).then(|| scim::base_url(&auth));

    let app = bulwark_axum::router(auth).layer(
        // Only the method and path are recorded: headers carry cookies and queries carry tokens.
        TraceLayer::new_for_http()
            .make_span_with(|req: &Request| {
                tracing::info_span!("request", method = %req.method(), path = %req.uri().path())
            })
            .on_response(DefaultOnResponse::new().level(Level::INFO)),
    );
    announce(bound, scim_url.as_deref());
    tracing::info!(%base_url, "auth endpoints under {base_url}/api/auth");
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("server error")?;
    adapter.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Prints the bound address to stdout (tests and scripts read it to find an ephemeral port), then the
/// SCIM base URL an identity provider is given, when SCIM is on.
#[expect(
    clippy::print_stdout,
    reason = "the listening and SCIM lines are part of the command's output"
)]
fn announce(bound: SocketAddr, scim_url: Option<&str>) {
    println!("listening on http://{bound}");
    if let Some(url) = scim_url {
        println!("SCIM: {url}");
    }
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(%err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::error!(%err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutting down");
}
