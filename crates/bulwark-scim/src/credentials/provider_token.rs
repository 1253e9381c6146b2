//! v1.6.30's provider tokens: `base64url(secret ":" providerId [":" organizationId])` with `=` padding,
//! whose 24-character secret is stored in `scimProvider.scimToken` as [`TokenStorage`] says.
//!
//! [`issue`] mints a token and writes its row; `POST /scim/generate-token` and the server's
//! `scim create-token` command both go through it, so the row is the same whichever way it was made.

use bulwark_core::adapter::BoxFuture;
use bulwark_core::crypto::{
    base64url_encode, constant_time_eq, generate_random_string, sha256, symmetric_decrypt,
    symmetric_encrypt,
};
use bulwark_core::error::codes;
use bulwark_core::store::Store;
use bulwark_core::{ApiError, Auth, Where};
use http::StatusCode;

use crate::credentials::{CredentialSource, Principal, Scopes};
use crate::error::ScimError;
use crate::models::ScimProvider;
use crate::options::{ScimOptions, TokenStorage};

/// The prefix of managed credentials, which never reach the verifier or the provider-token lookup.
pub const MANAGED_CREDENTIAL_PREFIX: &str = "ba_scim_credential_";

/// The length of the random secret in a provider token.
pub const SECRET_LEN: usize = 24;

/// Provider ids of Better Auth's built-in account providers, which a SCIM provider may not take: a token
/// for one of them would act on accounts it never provisioned.
pub const RESERVED_PROVIDER_IDS: &[&str] = &[
    "credential",
    "email-otp",
    "magic-link",
    "phone-number",
    "anonymous",
    "siwe",
];

/// The parts of a provider token.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenParts {
    /// The random secret.
    pub secret: String,
    /// The provider id.
    pub provider_id: String,
    /// The organization, if the token is scoped to one.
    pub organization_id: Option<String>,
}

impl std::fmt::Debug for TokenParts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenParts")
            .field("secret", &"[redacted]")
            .field("provider_id", &self.provider_id)
            .field("organization_id", &self.organization_id)
            .finish()
    }
}

/// Encodes a provider token as upstream does (base64url alphabet, `=`-padded).
pub fn encode(secret: &str, provider_id: &str, organization_id: Option<&str>) -> String {
    let mut raw = format!("{secret}:{provider_id}");
    if let Some(org) = organization_id {
        raw.push(':');
        raw.push_str(org);
    }
    let mut encoded = base64url_encode(raw.as_bytes());
    while !encoded.len().is_multiple_of(4) {
        encoded.push('=');
    }
    encoded
}

/// Decodes a provider token; `None` when it is not one (bad base64, not UTF-8, missing parts).
pub fn decode(token: &str) -> Option<TokenParts> {
    let bytes = bulwark_core::crypto::base64url_decode(token.trim_end_matches('=')).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let mut parts = text.splitn(3, ':');
    let secret = parts.next().filter(|s| !s.is_empty())?.to_owned();
    let provider_id = parts.next().filter(|s| !s.is_empty())?.to_owned();
    let organization_id = parts.next().filter(|s| !s.is_empty()).map(str::to_owned);
    Some(TokenParts {
        secret,
        provider_id,
        organization_id,
    })
}

/// A fresh random secret (upstream's alphabet `a-z A-Z 0-9 - _`).
pub fn new_secret(auth: &Auth) -> String {
    generate_random_string(auth.env().ids.as_ref(), SECRET_LEN)
}

/// The value stored for `secret` under `storage`.
pub fn stored_value(auth: &Auth, storage: &TokenStorage, secret: &str) -> Result<String, ApiError> {
    Ok(match storage {
        TokenStorage::Plain => secret.to_owned(),
        TokenStorage::Hashed => hash(secret),
        TokenStorage::Encrypted => symmetric_encrypt(
            auth.options().secret.expose(),
            secret,
            auth.env().ids.as_ref(),
        )
        .map_err(|e| ApiError::internal(codes::INTERNAL_SERVER_ERROR, &e))?,
        TokenStorage::CustomHash(hash) => hash(secret),
        TokenStorage::CustomEncryption { encrypt, .. } => encrypt(secret),
    })
}

/// Upstream's hashed form: unpadded base64url of SHA-256.
pub fn hash(secret: &str) -> String {
    base64url_encode(&sha256(secret.as_bytes()))
}

/// Whether `secret` matches the `stored` value, compared in constant time.
pub fn matches(auth: &Auth, storage: &TokenStorage, stored: &str, secret: &str) -> bool {
    let expected = match storage {
        TokenStorage::Plain => secret.to_owned(),
        TokenStorage::Hashed => hash(secret),
        TokenStorage::CustomHash(hash) => hash(secret),
        TokenStorage::Encrypted => {
            return symmetric_decrypt(auth.options().secret.expose(), stored)
                .is_ok_and(|plain| constant_time_eq(plain.as_bytes(), secret.as_bytes()));
        }
        TokenStorage::CustomEncryption { decrypt, .. } => {
            return decrypt(stored)
                .is_some_and(|plain| constant_time_eq(plain.as_bytes(), secret.as_bytes()));
        }
    };
    constant_time_eq(expected.as_bytes(), stored.as_bytes())
}

/// Upstream's checks on a provider id: no `:` (it separates the token's parts), and none of
/// [`RESERVED_PROVIDER_IDS`]. Both are `400` with upstream's messages.
pub fn check_provider_id(provider_id: &str) -> Result<(), ApiError> {
    if provider_id.contains(':') {
        return Err(ApiError::message_only(
            StatusCode::BAD_REQUEST,
            "Provider id contains forbidden characters",
        ));
    }
    if RESERVED_PROVIDER_IDS.contains(&provider_id) {
        return Err(ApiError::message_only(
            StatusCode::BAD_REQUEST,
            "Provider id collides with another account provider and cannot be used for SCIM",
        ));
    }
    Ok(())
}

/// What a new provider token is for.
#[derive(Clone, Copy, Debug)]
pub struct NewProviderToken<'a> {
    /// The provider id.
    pub provider_id: &'a str,
    /// The organization its users are provisioned into, if any.
    pub organization_id: Option<&'a str>,
    /// The user recorded as its owner, if any.
    pub user_id: Option<&'a str>,
}

/// Mints a provider token for `provider_id` (scoped to `organization_id` when given, owned by `user_id`
/// when given) and stores its row as the plugin's `store_scim_token` says, replacing the provider's
/// existing row, so the previous token stops working. Returns the bearer token and the stored row.
///
/// No access check runs: this is for callers that are trusted already (an administrator's command).
/// The plugin must be registered on `auth`.
pub async fn issue(
    auth: &Auth,
    provider_id: &str,
    organization_id: Option<&str>,
    user_id: Option<&str>,
) -> Result<(String, ScimProvider), ApiError> {
    let Some(options) = auth.extension::<ScimOptions>() else {
        return Err(ApiError::internal(
            codes::INTERNAL_SERVER_ERROR,
            &"provider tokens need the scim plugin",
        ));
    };
    check_provider_id(provider_id)?;
    let store = auth.store();
    let existing: Option<ScimProvider> = store
        .find_one(&Where::eq("providerId", provider_id))
        .await?;
    let new = NewProviderToken {
        provider_id,
        organization_id,
        user_id,
    };
    issue_in(
        &store,
        auth,
        &options.store_scim_token,
        new,
        existing.as_ref(),
        |_| Box::pin(async { Ok(()) }),
    )
    .await
}

/// [`issue`]'s steps with a checkpoint: `before` sees the new bearer token before anything is written
/// and may abort; then `replacing` (the row the caller looked up and checked) is deleted and the new
/// row inserted in one transaction, so an abort or a failure leaves the previous token valid.
pub(crate) async fn issue_in<F>(
    store: &Store,
    auth: &Auth,
    storage: &TokenStorage,
    new: NewProviderToken<'_>,
    replacing: Option<&ScimProvider>,
    before: F,
) -> Result<(String, ScimProvider), ApiError>
where
    F: FnOnce(String) -> BoxFuture<'static, Result<(), ApiError>>,
{
    let secret = new_secret(auth);
    let token = encode(&secret, new.provider_id, new.organization_id);
    before(token.clone()).await?;
    let row = ScimProvider {
        id: auth.env().ids.id(),
        provider_id: new.provider_id.to_owned(),
        scim_token: stored_value(auth, storage, &secret)?,
        organization_id: new.organization_id.map(str::to_owned),
        user_id: new.user_id.map(str::to_owned),
    };
    let replaced = replacing.map(|old| old.id.clone());
    let created = store
        .transaction(move |tx| {
            Box::pin(async move {
                if let Some(id) = replaced {
                    tx.delete::<ScimProvider>(&Where::eq("id", id)).await?;
                }
                tx.create(row).await?.ok_or_else(|| {
                    ApiError::message_only(
                        StatusCode::BAD_REQUEST,
                        "Failed to create SCIM provider: cancelled by a database hook",
                    )
                })
            })
        })
        .await?;
    Ok((token, created))
}

/// The principal of a provider token (a `default_scim` provider or a `scimProvider` row), `Ok(None)`
/// when `token` is not a provider token at all, and 401 when it is one that does not verify.
pub async fn verify(
    auth: &Auth,
    options: &ScimOptions,
    token: &str,
) -> Result<Option<Principal>, ScimError> {
    if token.starts_with(MANAGED_CREDENTIAL_PREFIX) {
        return Ok(None);
    }
    let Some(parts) = decode(token) else {
        return Ok(None);
    };
    let invalid = || ScimError::unauthorized("Invalid SCIM bearer token");
    let principal = |credential_id: String, source| Principal {
        connection_id: parts.provider_id.clone(),
        provisioning_domain_id: parts.provider_id.clone(),
        organization_id: parts.organization_id.clone(),
        source,
        credential_id,
        scopes: Scopes::all(),
    };
    let default = options.default_scim.iter().find(|p| {
        p.provider_id == parts.provider_id
            && (parts.organization_id.is_none() || p.organization_id == parts.organization_id)
    });
    if let Some(default) = default {
        return if constant_time_eq(default.scim_token.as_bytes(), parts.secret.as_bytes()) {
            Ok(Some(principal(
                default.provider_id.clone(),
                CredentialSource::DefaultProvider,
            )))
        } else {
            Err(invalid())
        };
    }
    let mut filter = Where::eq("providerId", parts.provider_id.as_str());
    if let Some(org) = &parts.organization_id {
        filter = filter.and(Where::eq("organizationId", org.as_str()));
    }
    let row: Option<ScimProvider> = auth.store().find_one(&filter).await?;
    let Some(row) = row else {
        return Ok(None);
    };
    if row.organization_id != parts.organization_id
        || !matches(
            auth,
            &options.store_scim_token,
            &row.scim_token,
            &parts.secret,
        )
    {
        return Err(invalid());
    }
    Ok(Some(principal(row.id, CredentialSource::ProviderToken)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_encode_as_upstream_does() {
        // Upstream's oracle: this token decodes to `y9kuJCQHVlC4c8ba6bSfMyyY:okta-oracle`.
        let token = encode("y9kuJCQHVlC4c8ba6bSfMyyY", "okta-oracle", None);
        assert_eq!(token, "eTlrdUpDUUhWbEM0YzhiYTZiU2ZNeXlZOm9rdGEtb3JhY2xl");
        let parts = decode(&token).unwrap();
        assert_eq!(parts.provider_id, "okta-oracle");
        assert_eq!(parts.organization_id, None);
        assert_eq!(encode("a", "b", None).len() % 4, 0);
    }

    #[test]
    fn organization_ids_with_colons_survive() {
        let token = encode("s3cret", "okta", Some("org:with:colons"));
        let parts = decode(&token).unwrap();
        assert_eq!(parts.secret, "s3cret");
        assert_eq!(parts.organization_id.as_deref(), Some("org:with:colons"));
    }

    #[test]
    fn non_tokens_do_not_decode() {
        assert!(decode("not base64 !").is_none());
        assert!(decode(&base64url_encode(b"only-a-secret")).is_none());
        assert!(decode(&base64url_encode(b":provider")).is_none());
    }

    #[test]
    fn hashed_secrets_are_43_characters() {
        assert_eq!(hash("abc").len(), 43);
    }
}
