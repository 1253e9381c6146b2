//! The full flow on a fresh `MySQL`/`MariaDB` database created for the test and dropped afterwards.

use sqlx::{Connection as _, MySqlConnection};

use crate::flow;

/// The server URL, or `None` (printed as skipped) when unset outside CI.
fn server_url() -> Option<String> {
    match std::env::var_os("BULWARK_TEST_MYSQL_URL") {
        Some(url) => Some(url.into_string().expect("a UTF-8 URL")),
        None if std::env::var_os("CI").is_some() => {
            panic!("BULWARK_TEST_MYSQL_URL must be set when CI is set")
        }
        None => {
            println!("skipped: BULWARK_TEST_MYSQL_URL is not set");
            None
        }
    }
}

#[tokio::test]
async fn sign_up_sign_in_sign_out() {
    let Some(server) = server_url() else {
        return;
    };
    let name = format!("bulwark_e2e_{:016x}", rand::random::<u64>());
    let mut admin = MySqlConnection::connect(&server)
        .await
        .expect("connected to MySQL");
    sqlx::raw_sql(&format!("CREATE DATABASE `{name}`"))
        .execute(&mut admin)
        .await
        .expect("database created");
    let mut url = url::Url::parse(&server).expect("a URL");
    url.set_path(&name);

    // Run the flow in its own task so the database is dropped even when it fails.
    let result = tokio::spawn({
        let url = url.to_string();
        async move { flow::sign_up_sign_in_sign_out(&url).await }
    })
    .await;

    sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS `{name}`"))
        .execute(&mut admin)
        .await
        .expect("database dropped");
    admin.close().await.expect("closed");
    if let Err(err) = result {
        std::panic::resume_unwind(err.into_panic());
    }
}
