//! The audit trail of SCIM mutations: one `scimAuditEvent` row per change, written in the same
//! transaction as the change, naming the connection and the credential (its id, never its value).

use bulwark_core::adapter::Sort;
use bulwark_core::store::Store;
use bulwark_core::{ApiError, Auth, Where};

use crate::credentials::Principal;
use crate::models::ScimAuditEvent;

/// The most recent audit events of `connection_id`, newest first, at most `limit`.
pub async fn list(
    auth: &Auth,
    connection_id: &str,
    limit: u64,
) -> Result<Vec<ScimAuditEvent>, ApiError> {
    auth.store()
        .find_many(
            &Where::eq("connectionId", connection_id),
            &[Sort::desc("createdAt"), Sort::desc("id")],
            Some(limit),
            None,
        )
        .await
}

/// Records that `principal` did `action` to the User `resource_id` (linked to `user_id`).
pub(crate) async fn record_user(
    store: &Store,
    auth: &Auth,
    principal: &Principal,
    action: &str,
    resource_id: &str,
    user_id: &str,
) -> Result<(), ApiError> {
    let env = auth.env();
    let event = ScimAuditEvent {
        id: env.ids.id(),
        connection_id: principal.connection_id.clone(),
        credential_source: principal.source.as_str().to_owned(),
        credential_id: principal.credential_id.clone(),
        action: action.to_owned(),
        resource_type: "User".to_owned(),
        resource_id: resource_id.to_owned(),
        user_id: Some(user_id.to_owned()),
        created_at: env.clock.now(),
    };
    store.create(event).await?;
    Ok(())
}
