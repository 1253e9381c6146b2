//! Crypto helpers: secrets, constant-time comparison, digests, random strings, and the submodules for
//! encodings, signed cookies, symmetric encryption and password hashing.
//!
//! Every format here is wire-compatible with Better Auth v1.6.30 and v1.7.1 (their crypto sources are
//! identical): a value signed, encrypted or hashed by an upstream server with the same secret is accepted
//! here, and the other way round (except for password hashes, where new ones are argon2id).
//! Randomness comes only from the injected [`IdGenerator`].

mod encoding;
mod password;
mod signature;
mod symmetric;

use std::fmt;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::clock::{IdGenerator, random_string};

pub use encoding::{
    base64_decode, base64_encode, base64url_decode, base64url_encode, hex_decode, hex_encode,
};
pub use password::{
    PasswordParams, hash_password, hash_password_with, needs_rehash, verify_password,
};
pub use signature::{make_signature, sign_cookie_value, verify_signed_cookie};
pub use symmetric::{SecretConfig, symmetric_decrypt, symmetric_encrypt};

/// A secret value (a signing secret, a token, a key) whose `Debug` and `Display` are redacted.
///
/// Equality compares in constant time. Read the value only where it is used, with [`Secret::expose`].
#[derive(Clone, Default)]
pub struct Secret<T = String>(T);

impl<T> Secret<T> {
    /// Wraps a secret value.
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// The secret value itself.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl<T> fmt::Display for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<T: AsRef<[u8]>> PartialEq for Secret<T> {
    fn eq(&self, other: &Self) -> bool {
        constant_time_eq(self.0.as_ref(), other.0.as_ref())
    }
}

impl<T: AsRef<[u8]>> Eq for Secret<T> {}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

/// Errors of the crypto helpers. Messages never contain the secret, key, plaintext or password involved.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CryptoError {
    /// Input that should be hex, base64 or base64url is not.
    #[error("invalid {0} encoding")]
    Encoding(&'static str),
    /// A ciphertext is malformed, was tampered with, or was encrypted under another key.
    #[error("decryption failed")]
    Decrypt,
    /// Encryption failed (the plaintext is larger than the cipher allows).
    #[error("encryption failed")]
    Encrypt,
    /// A versioned ciphertext names a secret version that is not configured (it may have been retired).
    #[error("secret version {0} not found")]
    UnknownSecretVersion(u64),
    /// An unversioned ciphertext was given to a [`SecretConfig`] that has no legacy secret.
    #[error("cannot decrypt an unversioned payload without a legacy secret")]
    MissingLegacySecret,
    /// A stored password hash is in no format we know, or is truncated.
    #[error("malformed password hash")]
    MalformedPasswordHash,
    /// The password hashing function rejected its parameters.
    #[error("password hashing failed")]
    PasswordHashing,
}

/// Compares two byte strings in constant time (for equal lengths; a length mismatch returns early,
/// lengths of tokens and signatures are public).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// SHA-256 of `bytes`.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// HMAC-SHA256 of `message` under `key`.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    hmac_sha256_mac(key, message).finalize().into_bytes().into()
}

/// The alphabet of upstream's `generateRandomString` default: `a-z`, `0-9`, `A-Z`, `-_` (in that order).
pub const RANDOM_STRING_ALPHABET: &[u8; 64] =
    b"abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-_";

/// A random string of `len` characters over [`RANDOM_STRING_ALPHABET`], like upstream's
/// `generateRandomString(len)`. For other alphabets use [`random_string`] directly.
pub fn generate_random_string(ids: &(impl IdGenerator + ?Sized), len: usize) -> String {
    random_string(ids, len, RANDOM_STRING_ALPHABET)
}

/// A keyed HMAC-SHA256 state with `message` already fed in.
fn hmac_sha256_mac(key: &[u8], message: &[u8]) -> Hmac<Sha256> {
    #[expect(clippy::expect_used, reason = "HMAC accepts keys of any length")]
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(message);
    mac
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::OsIdGenerator;

    #[test]
    fn secret_is_redacted_and_exposes_its_value() {
        let secret = Secret::from("hunter2-hunter2");
        assert_eq!(format!("{secret:?}"), "Secret(<redacted>)");
        assert_eq!(format!("{secret}"), "<redacted>");
        assert!(!format!("{secret:?} {secret}").contains("hunter2"));
        assert_eq!(secret.expose(), "hunter2-hunter2");
        assert_eq!(secret, Secret::new("hunter2-hunter2".to_owned()));
        assert_ne!(secret, Secret::from("hunter3-hunter3"));
    }

    #[test]
    fn constant_time_eq_compares_contents_and_lengths() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(constant_time_eq(b"", b""));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
        assert!(!constant_time_eq(b"", b"a"));
    }

    #[test]
    fn sha256_matches_known_vectors() {
        // FIPS 180-2 test vectors.
        assert_eq!(
            hex_encode(&sha256(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex_encode(&sha256(b"")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn hmac_sha256_matches_rfc_4231() {
        // RFC 4231, test cases 1 and 2.
        assert_eq!(
            hex_encode(&hmac_sha256(&[0x0b; 20], b"Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
        assert_eq!(
            hex_encode(&hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // Keys longer than the block size are hashed first (test case 6).
        assert_eq!(
            hex_encode(&hmac_sha256(
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            )),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn generate_random_string_uses_upstream_alphabet() {
        let a = generate_random_string(&OsIdGenerator, 64);
        let b = generate_random_string(&OsIdGenerator, 64);
        assert_eq!(a.len(), 64);
        assert!(a.bytes().all(|c| RANDOM_STRING_ALPHABET.contains(&c)));
        assert_ne!(a, b);
        assert_eq!(generate_random_string(&OsIdGenerator, 0), "");
    }

    #[test]
    fn errors_do_not_leak_inputs() {
        assert_eq!(CryptoError::Decrypt.to_string(), "decryption failed");
        assert_eq!(
            CryptoError::Encoding("hex").to_string(),
            "invalid hex encoding"
        );
        assert_eq!(
            CryptoError::UnknownSecretVersion(3).to_string(),
            "secret version 3 not found"
        );
    }
}
