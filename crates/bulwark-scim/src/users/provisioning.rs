//! Storage and side effects of SCIM Users: the `scimUser`, `scimEmail` and `scimUserAttribute` rows
//! (the last for single-valued attributes of declared schema extensions), the Bulwark `user` they are
//! linked to, organization memberships, session revocation, audit records and hooks.
//!
//! Every change runs in one `Store` transaction. Uniqueness of `userName` and `externalId` per
//! connection and of the Bulwark user's email is decided by unique indexes alone, with no reads
//! before the write: when a write violates one, the rows are read after the rollback to name the
//! conflict (409 `uniqueness`), so two concurrent creates of one user give one user and one 409.

use bulwark_core::adapter::{AdapterErrorKind, Op, Sort};
use bulwark_core::error::codes as core_codes;
use bulwark_core::models::{Account, Model, Session, User};
use bulwark_core::store::Store;
use bulwark_core::{ApiError, Auth, Row, Where};
use bulwark_organization::api::NewMember;
use bulwark_organization::models::Member;
use bulwark_organization::{OrganizationApi, OrganizationOptions};
use http::StatusCode;

use super::profile::CanonicalUser;
use crate::audit;
use crate::credentials::Principal;
use crate::error::ScimError;
use crate::models::{ScimEmail, ScimUser, ScimUserAttribute};
use crate::options::{
    DeleteUsers, IdentityInput, IdentityResolution, MissingEmail, ProfileAuthority,
    SchemaExtension, ScimOptions, ScimUserEvent, ScimUserHook,
};

/// 404 for a User the connection does not have.
pub(crate) const NOT_FOUND: &str = "SCIM User not found";
const USER_NAME_TAKEN: &str = "SCIM User userName already exists";
const EXTERNAL_ID_TAKEN: &str = "SCIM User externalId already exists";
const EMAIL_TAKEN: &str = "A Better Auth User already uses this email";
const CHANGED_CONCURRENTLY: &str = "The SCIM User identity changed concurrently";
const USER_GONE: &str = "The linked Better Auth User no longer exists";
const ALREADY_LINKED: &str =
    "The Better Auth User is already linked to a SCIM User of this connection";
const PROFILE_MANAGED: &str = "Another SCIM source already manages this User profile";

/// How often a change that lost a serialization race is tried again.
const ATTEMPTS: usize = 3;

/// The SCIM User `id` of the principal's connection.
pub(crate) async fn find(
    auth: &Auth,
    principal: &Principal,
    id: &str,
) -> Result<ScimUser, ScimError> {
    auth.store()
        .find_one::<ScimUser>(&scoped(principal, id))
        .await?
        .ok_or_else(|| ScimError::not_found(NOT_FOUND))
}

/// One page of the connection's Users matching `filter`, in creation order: the total and the page.
/// Both are queries (`COUNT`, then `LIMIT`/`OFFSET`), so only the page is read.
pub(crate) async fn list(
    auth: &Auth,
    principal: &Principal,
    filter: Option<Where>,
    sort: Option<Sort>,
    offset: u64,
    limit: u64,
) -> Result<(u64, Vec<ScimUser>), ScimError> {
    let store = auth.store();
    let in_connection = Where::eq("connectionId", principal.connection_id.as_str());
    let filter = match filter {
        Some(filter) => in_connection.and(filter),
        None => in_connection,
    };
    let total = store.count::<ScimUser>(&filter).await?;
    if limit == 0 {
        return Ok((total, Vec::new()));
    }
    // Creation order (then id) breaks ties, so pages of a sorted list are stable.
    let order: Vec<Sort> = sort
        .into_iter()
        .chain([Sort::asc("createdAt"), Sort::asc("id")])
        .collect();
    let page = store
        .find_many(&filter, &order, Some(limit), Some(offset))
        .await?;
    Ok((total, page))
}

/// Creates the SCIM User `profile` for the principal's connection, with its Bulwark user (and, for an
/// organization-scoped connection, its membership).
pub(crate) async fn create(
    auth: &Auth,
    options: &ScimOptions,
    principal: &Principal,
    profile: CanonicalUser,
) -> Result<ScimUser, ScimError> {
    let organization = match &principal.organization_id {
        Some(organization_id) => {
            let Some(api) = OrganizationApi::new(auth) else {
                return Err(ScimError::invalid_value(
                    "Organization-scoped SCIM provisioning requires the organization plugin",
                ));
            };
            Some((api, organization_id.clone()))
        }
        None => None,
    };
    let resolution = match &options.resolve_user {
        Some(resolve) => resolve(IdentityInput {
            connection_id: principal.connection_id.clone(),
            provisioning_domain_id: principal.provisioning_domain_id.clone(),
            organization_id: principal.organization_id.clone(),
            user_name: profile.user_name.clone(),
            external_id: profile.external_id.clone(),
            primary_email: profile.primary_email.clone(),
            display_name: profile.display_name.clone(),
            auth: auth.clone(),
        })
        .await
        .map_err(ScimError::from)?,
        None => IdentityResolution::Create,
    };
    let link = match &resolution {
        IdentityResolution::Link { user_id, profile } => Some(Link {
            user_id: user_id.as_str(),
            manages: *profile == ProfileAuthority::Manage,
        }),
        _ => None,
    };
    let declared = &options.schema_extensions;
    let scim_user = retry(auth, principal, &profile, None, link, || {
        insert(
            auth,
            principal,
            &profile,
            declared,
            &resolution,
            organization.as_ref(),
        )
    })
    .await?;
    notify(
        options.on_user_provisioned.as_ref(),
        ScimUserEvent {
            action: "user.created",
            connection_id: principal.connection_id.clone(),
            scim_user: scim_user.clone(),
            user_deleted: false,
        },
    )
    .await;
    Ok(scim_user)
}

/// Replaces the SCIM User `id` with `profile` (PUT, and PATCH after its operations applied). The
/// Bulwark user follows the primary email and display name; deactivation revokes its sessions when no
/// other active SCIM user links it.
pub(crate) async fn replace(
    auth: &Auth,
    options: &ScimOptions,
    principal: &Principal,
    id: &str,
    profile: CanonicalUser,
) -> Result<ScimUser, ScimError> {
    let declared = &options.schema_extensions;
    let (scim_user, action) = retry(auth, principal, &profile, Some(id), None, || {
        update(auth, principal, id, &profile, declared)
    })
    .await?;
    notify(
        options.on_user_updated.as_ref(),
        ScimUserEvent {
            action,
            connection_id: principal.connection_id.clone(),
            scim_user: scim_user.clone(),
            user_deleted: false,
        },
    )
    .await;
    Ok(scim_user)
}

/// Deletes the SCIM User `id`, its emails and its organization membership; the Bulwark user goes too
/// when [`DeleteUsers::WhenUnused`] applies.
pub(crate) async fn delete(
    auth: &Auth,
    options: &ScimOptions,
    principal: &Principal,
    id: &str,
) -> Result<(), ScimError> {
    let organization = match &principal.organization_id {
        Some(organization_id) => {
            let Some(api) = OrganizationApi::new(auth) else {
                return Err(ScimError::invalid_value(
                    "Organization-scoped SCIM deprovisioning requires the organization plugin",
                ));
            };
            Some((api, organization_id.clone()))
        }
        None => None,
    };
    let delete_users = options.delete_users;
    let (owned_auth, owned_principal, owned_id) = (auth.clone(), principal.clone(), id.to_owned());
    let (removed, user_deleted) = auth
        .store()
        .transaction(move |tx| {
            Box::pin(async move {
                let (auth, principal, id) = (&owned_auth, &owned_principal, owned_id.as_str());
                remove(tx, auth, principal, id, delete_users, organization).await
            })
        })
        .await
        .map_err(scim_error)?;
    notify(
        options.on_user_deprovisioned.as_ref(),
        ScimUserEvent {
            action: "user.deleted",
            connection_id: principal.connection_id.clone(),
            scim_user: removed,
            user_deleted,
        },
    )
    .await;
    Ok(())
}

/// `id` within the principal's connection.
fn scoped(principal: &Principal, id: &str) -> Where {
    Where::eq("id", id).and(Where::eq("connectionId", principal.connection_id.as_str()))
}

/// A transaction's error as a SCIM error (uniqueness conflicts are named by [`retry`]).
fn scim_error(err: ApiError) -> ScimError {
    match err.status() {
        StatusCode::NOT_FOUND | StatusCode::CONFLICT => ScimError::new(err.status(), err.message()),
        _ => ScimError::from(err),
    }
}

/// Runs a write, naming the conflict when it lost a race on a unique index, and trying it again (up
/// to [`ATTEMPTS`] times) when it lost a serialization race without a visible conflict.
async fn retry<T, F, Fut>(
    auth: &Auth,
    principal: &Principal,
    profile: &CanonicalUser,
    except: Option<&str>,
    link: Option<Link<'_>>,
    write: F,
) -> Result<T, ScimError>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<T, ApiError>>,
{
    let mut attempt = 1;
    loop {
        let err = match write().await {
            Ok(value) => return Ok(value),
            Err(err) => err,
        };
        let kind = err.adapter_kind();
        let raced = matches!(
            kind,
            Some(AdapterErrorKind::UniqueViolation | AdapterErrorKind::SerializationFailure)
        ) || err.message() == CHANGED_CONCURRENTLY;
        if !raced {
            return Err(scim_error(err));
        }
        if let Some(detail) = taken(&auth.store(), principal, profile, except, link).await? {
            return Err(ScimError::conflict(detail));
        }
        if kind == Some(AdapterErrorKind::UniqueViolation) || attempt >= ATTEMPTS {
            return Err(scim_error(err));
        }
        attempt += 1;
    }
}

/// The existing Bulwark user a SCIM User being created links, and whether it manages its profile.
#[derive(Clone, Copy, Debug)]
struct Link<'a> {
    user_id: &'a str,
    manages: bool,
}

/// Which unique value of `profile` another row holds, if any: the connection's `userName` (any case)
/// or `externalId`; for a link, a SCIM User of this connection already linking the user, or another
/// source managing its profile; and, when the profile is managed, the email of another Bulwark user.
/// `except` is the SCIM User being replaced, `link` the user a create links.
async fn taken(
    store: &Store,
    principal: &Principal,
    profile: &CanonicalUser,
    except: Option<&str>,
    link: Option<Link<'_>>,
) -> Result<Option<&'static str>, ApiError> {
    let in_connection = Where::eq("connectionId", principal.connection_id.as_str());
    let not_self = |filter: Where| match except {
        Some(id) => filter.and(Where::cmp("id", Op::Ne, id)),
        None => filter,
    };
    let others = not_self(in_connection.clone());
    let user_name = others
        .clone()
        .and(Where::eq("userNameKey", profile.user_name.to_lowercase()));
    if let Some(found) = store.find_one::<ScimUser>(&user_name).await? {
        tracing::debug!(scim_user = %found.id, "userName taken");
        return Ok(Some(USER_NAME_TAKEN));
    }
    if let Some(external_id) = &profile.external_id {
        let filter = others.and(Where::eq("externalId", external_id.as_str()));
        if store.find_one::<ScimUser>(&filter).await?.is_some() {
            return Ok(Some(EXTERNAL_ID_TAKEN));
        }
    }
    // The Bulwark user this SCIM User links, and whether it manages its profile.
    let linked = match (except, link) {
        (_, Some(link)) => Some((link.user_id.to_owned(), link.manages)),
        (Some(id), None) => store
            .find_one::<ScimUser>(&Where::eq("id", id))
            .await?
            .map(|u| (u.user_id, u.profile_user_id.is_some())),
        (None, None) => None,
    };
    if let (Some(link), Some((user_id, manages))) = (link, &linked) {
        let same_user = Where::eq("userId", user_id.as_str());
        if store
            .find_one::<ScimUser>(&in_connection.and(same_user))
            .await?
            .is_some()
        {
            return Ok(Some(ALREADY_LINKED));
        }
        let managed = Where::eq("profileUserId", link.user_id);
        if *manages
            && store
                .find_one::<ScimUser>(&not_self(managed))
                .await?
                .is_some()
        {
            return Ok(Some(PROFILE_MANAGED));
        }
    }
    let manages = linked.as_ref().is_none_or(|(_, manages)| *manages);
    // A placeholder address is the SCIM user's own, and a preserved profile keeps its email.
    let Some(primary_email) = profile.primary_email.as_ref().filter(|_| manages) else {
        return Ok(None);
    };
    let email = store
        .find_one::<User>(&Where::eq("email", primary_email.as_str()))
        .await?;
    Ok(email
        .filter(|user| Some(&user.id) != linked.as_ref().map(|(id, _)| id))
        .map(|_| EMAIL_TAKEN))
}

/// One create attempt in one transaction: the Bulwark user (new, or the one `resolution` links), the
/// SCIM user, its emails, the audit record and, for an organization-scoped connection, the membership
/// (through the organization plugin's API, so its hooks and limits apply; when it refuses, nothing of
/// the create remains).
async fn insert(
    auth: &Auth,
    principal: &Principal,
    profile: &CanonicalUser,
    declared: &[SchemaExtension],
    resolution: &IdentityResolution,
    organization: Option<&(OrganizationApi, String)>,
) -> Result<ScimUser, ApiError> {
    let (auth, principal, profile) = (auth.clone(), principal.clone(), profile.clone());
    let declared = declared.to_vec();
    let resolution = resolution.clone();
    let organization = organization.cloned();
    auth.clone()
        .store()
        .transaction(move |tx| {
            Box::pin(async move {
                let (auth, principal, profile) = (&auth, &principal, &profile);
                let env = auth.env();
                let now = env.clock.now();
                let scim_user_id = env.ids.id();
                let email = bulwark_email(profile, &scim_user_id);
                let (user, manages, linked) = match resolution {
                    IdentityResolution::Link {
                        user_id,
                        profile: authority,
                    } => {
                        let manages = authority == ProfileAuthority::Manage;
                        let user = if manages {
                            follow_profile(tx, &user_id, profile, &email, now).await?
                        } else {
                            tx.find_one::<User>(&Where::eq("id", user_id.as_str()))
                                .await?
                                .ok_or_else(|| {
                                    ApiError::message_only(StatusCode::CONFLICT, USER_GONE)
                                })?
                        };
                        (user, manages, true)
                    }
                    IdentityResolution::Create => {
                        let user = User {
                            name: profile.display_name.clone(),
                            email: email.clone(),
                            email_verified: false,
                            image: None,
                            created_at: now,
                            updated_at: now,
                            extra: Row::new(),
                            id: env.ids.id(),
                        };
                        let Some(user) = tx.create(user).await? else {
                            return Err(ApiError::bad_request(core_codes::FAILED_TO_CREATE_USER));
                        };
                        (user, true, false)
                    }
                };
                let mut scim_user = row(scim_user_id, principal, &user.id, profile, email, 1, now);
                scim_user.profile_user_id = manages.then(|| user.id.clone());
                let Some(scim_user) = tx.create(scim_user).await? else {
                    return Err(ApiError::bad_request(core_codes::FAILED_TO_CREATE_USER));
                };
                write_emails(tx, auth, &scim_user, profile).await?;
                write_attributes(tx, auth, &scim_user, &declared).await?;
                audit::record_user(tx, auth, principal, "user.created", &scim_user.id, &user.id)
                    .await?;
                if let Some((api, organization_id)) = organization {
                    let api = api.within(tx);
                    // A linked user may already be a member (through another source, or by hand).
                    let member = if linked {
                        api.find_member(&organization_id, &user.id).await?
                    } else {
                        None
                    };
                    if member.is_none() {
                        let member = NewMember::new(organization_id, user.id.as_str(), &["member"]);
                        api.add_member(member).await?;
                    }
                }
                if linked && !scim_user.active {
                    revoke_if_inactive(tx, &user.id).await?;
                }
                Ok(scim_user)
            })
        })
        .await
}

/// One replace attempt: the SCIM user (only if its version is still the one read), its emails, the
/// Bulwark user's email and name, session revocation on deactivation, and the audit record.
async fn update(
    auth: &Auth,
    principal: &Principal,
    id: &str,
    profile: &CanonicalUser,
    declared: &[SchemaExtension],
) -> Result<(ScimUser, &'static str), ApiError> {
    let (auth, principal, profile) = (auth.clone(), principal.clone(), profile.clone());
    let declared = declared.to_vec();
    let id = id.to_owned();
    auth.clone()
        .store()
        .transaction(move |tx| {
            Box::pin(async move {
                let (auth, principal, profile, id) = (&auth, &principal, &profile, id.as_str());
                let Some(current) = tx.find_one::<ScimUser>(&scoped(principal, id)).await? else {
                    return Err(ApiError::message_only(StatusCode::NOT_FOUND, NOT_FOUND));
                };
                let env = auth.env();
                let now = env.clock.now();
                let email = bulwark_email(profile, &current.id);
                if current.profile_user_id.is_some() {
                    follow_profile(tx, &current.user_id, profile, &email, now).await?;
                }
                let mut next = row(
                    current.id.clone(),
                    principal,
                    &current.user_id,
                    profile,
                    email,
                    current.version + 1,
                    current.created_at,
                );
                next.updated_at = now;
                next.profile_user_id.clone_from(&current.profile_user_id);
                let mut changes = next.to_row();
                changes.take("id");
                changes.take("createdAt");
                changes.take("organizationId");
                let same_version = scoped(principal, id).and(Where::eq("version", current.version));
                let Some(updated) = tx.update::<ScimUser>(&same_version, changes).await? else {
                    return Err(ApiError::message_only(
                        StatusCode::CONFLICT,
                        CHANGED_CONCURRENTLY,
                    ));
                };
                tx.delete_many::<ScimEmail>(&Where::eq("scimUserId", updated.id.as_str()))
                    .await?;
                write_emails(tx, auth, &updated, profile).await?;
                tx.delete_many::<ScimUserAttribute>(&Where::eq("scimUserId", updated.id.as_str()))
                    .await?;
                write_attributes(tx, auth, &updated, &declared).await?;
                let action = match (current.active, updated.active) {
                    (true, false) => {
                        revoke_if_inactive(tx, &updated.user_id).await?;
                        "user.deactivated"
                    }
                    (false, true) => "user.reactivated",
                    _ => "user.updated",
                };
                audit::record_user(tx, auth, principal, action, &updated.id, &updated.user_id)
                    .await?;
                Ok((updated, action))
            })
        })
        .await
}

/// The Bulwark user follows the primary email (`email`, no longer verified when it changes) and the
/// display name; another user's email is a 409. Returns the user as it now is.
async fn follow_profile(
    tx: &Store,
    user_id: &str,
    profile: &CanonicalUser,
    email: &str,
    now: time::OffsetDateTime,
) -> Result<User, ApiError> {
    let Some(user) = tx.find_one::<User>(&Where::eq("id", user_id)).await? else {
        return Err(ApiError::message_only(StatusCode::CONFLICT, USER_GONE));
    };
    let mut changes = Row::new();
    if user.email != email {
        changes.set("email", email);
        changes.set("emailVerified", false);
    }
    if user.name != profile.display_name {
        changes.set("name", profile.display_name.as_str());
    }
    if changes.is_empty() {
        return Ok(user);
    }
    changes.set("updatedAt", now);
    tx.update::<User>(&Where::eq("id", user_id), changes)
        .await?
        .ok_or_else(|| ApiError::message_only(StatusCode::CONFLICT, USER_GONE))
}

/// Deletes the SCIM user `id` in `tx`, and the Bulwark user too when it is unused; sessions are revoked
/// when no active SCIM user links the Bulwark user any more. For an organization-scoped connection the
/// user's membership goes first, through the organization plugin's API (its hooks run), in the same
/// transaction. Returns the removed row and whether the Bulwark user was deleted.
async fn remove(
    tx: &Store,
    auth: &Auth,
    principal: &Principal,
    id: &str,
    delete_users: DeleteUsers,
    organization: Option<(OrganizationApi, String)>,
) -> Result<(ScimUser, bool), ApiError> {
    let Some(current) = tx.find_one::<ScimUser>(&scoped(principal, id)).await? else {
        return Err(ApiError::message_only(StatusCode::NOT_FOUND, NOT_FOUND));
    };
    if let Some((api, organization_id)) = organization {
        let api = api.within(tx);
        if let Some(member) = api.find_member(&organization_id, &current.user_id).await? {
            api.remove_member(&organization_id, &member.id).await?;
        }
    }
    tx.delete_many::<ScimEmail>(&Where::eq("scimUserId", current.id.as_str()))
        .await?;
    tx.delete_many::<ScimUserAttribute>(&Where::eq("scimUserId", current.id.as_str()))
        .await?;
    tx.delete::<ScimUser>(&Where::eq("id", current.id.as_str()))
        .await?;
    let user_id = current.user_id.as_str();
    let linked = Where::eq("userId", user_id);
    // With the organization plugin, a membership that remains (another organization's, after this
    // connection's own was removed) is a use too.
    let organizations = auth.extension::<OrganizationOptions>().is_some();
    let unused = delete_users == DeleteUsers::WhenUnused
        && tx.count::<ScimUser>(&linked).await? == 0
        && tx.count::<Account>(&linked).await? == 0
        && (!organizations || tx.count::<Member>(&linked).await? == 0);
    if unused {
        tx.delete_many::<Session>(&linked).await?;
        tx.delete::<User>(&Where::eq("id", user_id)).await?;
    } else {
        revoke_if_inactive(tx, user_id).await?;
    }
    audit::record_user(tx, auth, principal, "user.deleted", &current.id, user_id).await?;
    Ok((current, unused))
}

/// Revokes the sessions of `user_id` unless an active SCIM user still links it.
async fn revoke_if_inactive(tx: &Store, user_id: &str) -> Result<(), ApiError> {
    let active = Where::eq("userId", user_id).and(Where::eq("active", true));
    if tx.count::<ScimUser>(&active).await? == 0 {
        tx.delete_many::<Session>(&Where::eq("userId", user_id))
            .await?;
    }
    Ok(())
}

/// The email of the Bulwark user linked to the SCIM user `scim_user_id` with `profile`: its primary
/// email, or the SCIM user's placeholder address when it has none.
fn bulwark_email(profile: &CanonicalUser, scim_user_id: &str) -> String {
    profile
        .primary_email
        .clone()
        .unwrap_or_else(|| MissingEmail::placeholder(scim_user_id))
}

/// The `scimUser` row of `profile`, whose Bulwark user has `email`, created (and last updated) at
/// `created_at`.
fn row(
    id: String,
    principal: &Principal,
    user_id: &str,
    profile: &CanonicalUser,
    email: String,
    version: i64,
    created_at: time::OffsetDateTime,
) -> ScimUser {
    ScimUser {
        id,
        connection_id: principal.connection_id.clone(),
        organization_id: principal.organization_id.clone(),
        user_id: user_id.to_owned(),
        user_name: profile.user_name.clone(),
        user_name_key: profile.user_name.to_lowercase(),
        external_id: profile.external_id.clone(),
        display_name: profile.display_name.clone(),
        given_name: profile.given_name.clone(),
        family_name: profile.family_name.clone(),
        primary_email: email,
        active: profile.active,
        profile_user_id: Some(user_id.to_owned()),
        attributes: profile.attributes.clone(),
        version,
        created_at,
        updated_at: created_at,
    }
}

/// Writes one `scimEmail` row per email of `profile`.
async fn write_emails(
    tx: &Store,
    auth: &Auth,
    scim_user: &ScimUser,
    profile: &CanonicalUser,
) -> Result<(), ApiError> {
    for email in &profile.emails {
        tx.create(ScimEmail {
            id: auth.env().ids.id(),
            scim_user_id: scim_user.id.clone(),
            connection_id: scim_user.connection_id.clone(),
            value: email.value.clone(),
            r#type: email.r#type.clone(),
            primary: email.primary,
        })
        .await?;
    }
    Ok(())
}

/// Writes one `scimUserAttribute` row per single-valued attribute of a declared extension of
/// `scim_user` (read from its stored `attributes`).
async fn write_attributes(
    tx: &Store,
    auth: &Auth,
    scim_user: &ScimUser,
    declared: &[SchemaExtension],
) -> Result<(), ApiError> {
    for indexed in super::extension::indexed(&scim_user.attributes, declared) {
        tx.create(ScimUserAttribute {
            id: auth.env().ids.id(),
            scim_user_id: scim_user.id.clone(),
            connection_id: scim_user.connection_id.clone(),
            key: indexed.key,
            value: indexed.value,
            folded: indexed.folded,
            number: indexed.number,
        })
        .await?;
    }
    Ok(())
}

/// Runs a hook after a committed change; its failure is logged, not answered.
async fn notify(hook: Option<&ScimUserHook>, event: ScimUserEvent) {
    let Some(hook) = hook else {
        return;
    };
    let action = event.action;
    if let Err(err) = hook(event).await {
        tracing::warn!(%err, action, "SCIM user hook failed");
    }
}
