//! Password hashing: argon2id for new hashes, and verification of upstream's scrypt hashes too.
//!
//! New hashes are argon2id PHC strings (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`, OWASP's first
//! recommended setting). Upstream Better Auth (v1.6.30 and v1.7.1, through `@better-auth/utils` 0.4.2)
//! stores `<salt>:<key>`: the salt is 16 random bytes written as 32 hex digits, and the key is 64 bytes of
//! scrypt (N = 16384, r = 16, p = 1) in lowercase hex, derived with the salt's *hex text* as the salt bytes.
//! Both formats hash the password after Unicode NFKC normalization, as upstream does, so a password typed
//! in another normalization form still matches. Hashing is CPU-bound (tens of milliseconds); async
//! callers should run it on a blocking thread.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Version};
use unicode_normalization::UnicodeNormalization;

use super::{CryptoError, constant_time_eq, hex_decode};
use crate::clock::IdGenerator;

/// Salt length of new argon2id hashes, in bytes.
const SALT_LEN: usize = 16;
/// Upstream's scrypt cost: log2(N) = 14, that is N = 16384.
const SCRYPT_LOG_N: u8 = 14;
/// Upstream's scrypt block size.
const SCRYPT_R: u32 = 16;
/// Upstream's scrypt parallelism.
const SCRYPT_P: u32 = 1;
/// Upstream's scrypt key length, in bytes.
const SCRYPT_KEY_LEN: usize = 64;
/// The most memory a stored argon2 hash may ask for, in KiB (1 GiB): a corrupted or planted hash must not
/// be able to exhaust the server's memory.
const MAX_MEMORY_KIB: u32 = 1024 * 1024;
/// The most passes a stored argon2 hash may ask for.
const MAX_ITERATIONS: u32 = 64;

/// Cost parameters of argon2id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PasswordParams {
    /// Memory, in KiB.
    pub memory_kib: u32,
    /// Number of passes over the memory.
    pub iterations: u32,
    /// Degree of parallelism (lanes).
    pub parallelism: u32,
}

impl PasswordParams {
    /// OWASP's recommended argon2id setting: 19 MiB, 2 passes, 1 lane. [`hash_password`] uses it, and
    /// [`needs_rehash`] flags hashes weaker than it.
    pub const RECOMMENDED: Self = Self {
        memory_kib: 19 * 1024,
        iterations: 2,
        parallelism: 1,
    };
}

impl Default for PasswordParams {
    fn default() -> Self {
        Self::RECOMMENDED
    }
}

/// Hashes `password` with argon2id at [`PasswordParams::RECOMMENDED`], with a salt from `ids`.
pub fn hash_password(
    password: &str,
    ids: &(impl IdGenerator + ?Sized),
) -> Result<String, CryptoError> {
    hash_password_with(password, PasswordParams::RECOMMENDED, ids)
}

/// Hashes `password` with argon2id at the given cost. Fails if the parameters are out of argon2's range.
pub fn hash_password_with(
    password: &str,
    params: PasswordParams,
    ids: &(impl IdGenerator + ?Sized),
) -> Result<String, CryptoError> {
    let argon2_params = argon2::Params::new(
        params.memory_kib,
        params.iterations,
        params.parallelism,
        None,
    )
    .map_err(|_| CryptoError::PasswordHashing)?;
    let mut salt = [0u8; SALT_LEN];
    ids.fill(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|_| CryptoError::PasswordHashing)?;
    let normalized: String = password.nfkc().collect();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, argon2_params)
        .hash_password(normalized.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|_| CryptoError::PasswordHashing)
}

/// Checks `password` against a stored hash: an argon2 PHC string (ours) or upstream's scrypt `salt:key`.
///
/// Returns `Ok(false)` for a wrong password and an error for a hash in neither format. Keys are compared in
/// constant time. Upstream's scrypt check compares lowercase hex; we compare the decoded bytes, so a key
/// stored in uppercase hex is also accepted.
pub fn verify_password(hash: &str, password: &str) -> Result<bool, CryptoError> {
    let normalized: String = password.nfkc().collect();
    if hash.starts_with('$') {
        verify_argon2(hash, &normalized)
    } else {
        verify_scrypt(hash, &normalized)
    }
}

/// Whether a stored hash should be replaced by a fresh [`hash_password`] hash after the next successful
/// sign-in: true for upstream's scrypt hashes, for any other algorithm or version than argon2id v19, for
/// argon2id weaker than [`PasswordParams::RECOMMENDED`], and for anything unparsable.
pub fn needs_rehash(hash: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return true;
    };
    let Ok(params) = argon2::Params::try_from(&parsed) else {
        return true;
    };
    let recommended = PasswordParams::RECOMMENDED;
    parsed.algorithm != argon2::ARGON2ID_IDENT
        || parsed.version != Some(Version::V0x13.into())
        || params.m_cost() < recommended.memory_kib
        || params.t_cost() < recommended.iterations
        || params.p_cost() < recommended.parallelism
}

/// Verifies an argon2 PHC string; the variant, version and cost come from the string.
fn verify_argon2(hash: &str, password: &str) -> Result<bool, CryptoError> {
    let parsed = PasswordHash::new(hash).map_err(|_| CryptoError::MalformedPasswordHash)?;
    if parsed.salt.is_none() || parsed.hash.is_none() {
        return Err(CryptoError::MalformedPasswordHash);
    }
    let params =
        argon2::Params::try_from(&parsed).map_err(|_| CryptoError::MalformedPasswordHash)?;
    if params.m_cost() > MAX_MEMORY_KIB || params.t_cost() > MAX_ITERATIONS {
        return Err(CryptoError::MalformedPasswordHash);
    }
    match Argon2::default().verify_password(password.as_bytes(), &parsed) {
        Ok(()) => Ok(true),
        Err(argon2::password_hash::Error::Password) => Ok(false),
        Err(_) => Err(CryptoError::MalformedPasswordHash),
    }
}

/// Verifies upstream's `salt:key` scrypt hash. Like upstream, the first two `:`-separated parts are the salt
/// and the key, and the salt is used as text.
fn verify_scrypt(hash: &str, password: &str) -> Result<bool, CryptoError> {
    let mut parts = hash.split(':');
    let (Some(salt), Some(key)) = (parts.next(), parts.next()) else {
        return Err(CryptoError::MalformedPasswordHash);
    };
    if salt.is_empty() {
        return Err(CryptoError::MalformedPasswordHash);
    }
    let expected = hex_decode(key).map_err(|_| CryptoError::MalformedPasswordHash)?;
    if expected.len() != SCRYPT_KEY_LEN {
        return Err(CryptoError::MalformedPasswordHash);
    }
    let derived = scrypt_key(password, salt)?;
    Ok(constant_time_eq(&derived, &expected))
}

/// Upstream's scrypt key derivation for an already normalized password.
fn scrypt_key(password: &str, salt: &str) -> Result<[u8; SCRYPT_KEY_LEN], CryptoError> {
    let params = scrypt::Params::new(SCRYPT_LOG_N, SCRYPT_R, SCRYPT_P, SCRYPT_KEY_LEN)
        .map_err(|_| CryptoError::PasswordHashing)?;
    let mut key = [0u8; SCRYPT_KEY_LEN];
    scrypt::scrypt(password.as_bytes(), salt.as_bytes(), &params, &mut key)
        .map_err(|_| CryptoError::PasswordHashing)?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::OsIdGenerator;
    use crate::crypto::hex_encode;

    // Produced with better-auth 1.6.30 under Node 20: `hashPassword(password)` from `better-auth/crypto`
    // (better-auth 1.7.1's `verifyPassword` accepts them too). The second password was hashed as
    // "\u{fb01}ance\u{301}" (a ligature and a combining accent) and upstream verifies it as "fiancé".
    const UPSTREAM_PASSWORD: &str = "correct horse battery staple";
    const UPSTREAM_HASH: &str = "eb98e1cf7578c8a4cc510564aeaeb821:219f3cfb8b381c368c507711b64115160bc2d6df3086b33a80585f8c9ba4c281b58c831766f118e0b3abd2d0219d35e222c26225eb023b7daee6e98d66c52c96";
    const UPSTREAM_NFKC_HASH: &str = "025a72c41f2d31cef60e835ec700e881:b12dd1b9a8a28a157e4105a05d44be392f615ea2fa5e3be187515d036592c0b717c4418b72e3fc004e21f6d5f1eae54b53e37160f386b1ffcaa5f0805e7ba872";

    /// A cheap argon2id setting so round-trip tests stay fast; production parameters are tested separately.
    const CHEAP: PasswordParams = PasswordParams {
        memory_kib: 64,
        iterations: 1,
        parallelism: 1,
    };

    #[test]
    fn verifies_upstream_scrypt_hashes() {
        assert!(verify_password(UPSTREAM_HASH, UPSTREAM_PASSWORD).unwrap());
        assert!(!verify_password(UPSTREAM_HASH, "correct horse battery stapler").unwrap());
        assert!(!verify_password(UPSTREAM_HASH, "").unwrap());
        assert!(needs_rehash(UPSTREAM_HASH));
    }

    #[test]
    fn normalizes_passwords_like_upstream() {
        assert!(verify_password(UPSTREAM_NFKC_HASH, "fianc\u{e9}").unwrap());
        assert!(verify_password(UPSTREAM_NFKC_HASH, "\u{fb01}ance\u{301}").unwrap());
        assert!(!verify_password(UPSTREAM_NFKC_HASH, "fiance").unwrap());

        let hash = hash_password_with("\u{fb01}ance\u{301}", CHEAP, &OsIdGenerator).unwrap();
        assert!(verify_password(&hash, "fianc\u{e9}").unwrap());
    }

    #[test]
    fn scrypt_derivation_uses_the_salt_text() {
        let salt = "00112233445566778899aabbccddeeff";
        let key = scrypt_key(UPSTREAM_PASSWORD, salt).unwrap();
        let stored = format!("{salt}:{}", hex_encode(&key));
        assert!(verify_password(&stored, UPSTREAM_PASSWORD).unwrap());
        let uppercase_key = format!("{salt}:{}", hex_encode(&key).to_ascii_uppercase());
        assert!(verify_password(&uppercase_key, UPSTREAM_PASSWORD).unwrap());
        // Upstream splits on every `:` and reads only the first two parts.
        assert!(verify_password(&format!("{stored}:ignored"), UPSTREAM_PASSWORD).unwrap());
        // The salt is text: the same hex with another case is a different salt.
        let recased = format!("{}:{}", salt.to_ascii_uppercase(), hex_encode(&key));
        assert!(!verify_password(&recased, UPSTREAM_PASSWORD).unwrap());
    }

    #[test]
    fn production_params_round_trip() {
        let hash = hash_password("s3cure-Passw0rd", &OsIdGenerator).unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_password(&hash, "s3cure-Passw0rd").unwrap());
        assert!(!verify_password(&hash, "s3cure-Passw0rd!").unwrap());
        assert!(!needs_rehash(&hash));
    }

    #[test]
    fn hashes_are_salted_from_the_injected_generator() {
        let a = hash_password_with("same password", CHEAP, &OsIdGenerator).unwrap();
        let b = hash_password_with("same password", CHEAP, &OsIdGenerator).unwrap();
        assert_ne!(a, b);
        assert!(verify_password(&a, "same password").unwrap());
        assert!(verify_password(&b, "same password").unwrap());
        assert!(!verify_password(&a, "Same password").unwrap());
        assert!(!verify_password(&a, "").unwrap());
    }

    #[test]
    fn needs_rehash_flags_weak_or_foreign_hashes() {
        let cheap = hash_password_with("pw", CHEAP, &OsIdGenerator).unwrap();
        assert!(needs_rehash(&cheap));
        let stronger = PasswordParams {
            memory_kib: 32 * 1024,
            ..PasswordParams::RECOMMENDED
        };
        let strong = hash_password_with("pw", stronger, &OsIdGenerator).unwrap();
        assert!(!needs_rehash(&strong));
        let argon2i = cheap.replacen("$argon2id$", "$argon2i$", 1);
        assert!(needs_rehash(&argon2i));
        assert!(needs_rehash(""));
        assert!(needs_rehash("not a hash"));
    }

    #[test]
    fn malformed_hashes_are_errors() {
        let cheap = hash_password_with("pw", CHEAP, &OsIdGenerator).unwrap();
        let without_output = &cheap[..cheap.rfind('$').unwrap()];
        let without_salt = &without_output[..without_output.rfind('$').unwrap()];
        let greedy = cheap.replacen("m=64,", "m=4194304,", 1);
        let cases = [
            "",
            "no-colon",
            ":",
            "salt:",
            ":00",
            "salt:zz",
            "salt:0011",
            "$",
            "$argon2id$",
            "$2b$10$abcdefghijklmnopqrstuuNnC2tyIw9K1p8d8cQh8hN2oY1O6Y7cW",
            "$scrypt$ln=14,r=16,p=1$c2FsdA$aGFzaA",
            without_output,
            without_salt,
            &greedy,
        ];
        for case in cases {
            assert!(
                matches!(
                    verify_password(case, "pw"),
                    Err(CryptoError::MalformedPasswordHash)
                ),
                "{case:?}"
            );
        }
    }

    #[test]
    fn out_of_range_params_are_errors() {
        let zero = PasswordParams {
            iterations: 0,
            ..CHEAP
        };
        assert!(matches!(
            hash_password_with("pw", zero, &OsIdGenerator),
            Err(CryptoError::PasswordHashing)
        ));
    }
}
