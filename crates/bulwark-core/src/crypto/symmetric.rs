//! Symmetric encryption in upstream's format (`symmetricEncrypt` / `symmetricDecrypt`).
//!
//! The cipher is XChaCha20-Poly1305 with no associated data. The key is SHA-256 of the UTF-8 secret string.
//! The output is lowercase hex of `nonce (24 bytes) || ciphertext || tag (16 bytes)`, the nonce random.
//! With a versioned [`SecretConfig`] (upstream's `secrets` option and `BETTER_AUTH_SECRETS`), the hex is
//! wrapped in an envelope, `$ba$<version>$<hex>`, that names the secret version it was encrypted under.
//! Better Auth v1.6.30 and v1.7.1 share this format.

use std::collections::BTreeMap;

use chacha20poly1305::aead::Aead;
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};

use super::{CryptoError, Secret, hex_decode, hex_encode, sha256};
use crate::clock::IdGenerator;

/// The prefix of a versioned ciphertext envelope.
const ENVELOPE_PREFIX: &str = "$ba$";
/// The nonce length of `XChaCha20`.
const NONCE_LEN: usize = 24;

/// Encrypts `data` under `key` as upstream's `symmetricEncrypt({ key: string, data })` does: bare hex.
///
/// Fails only for plaintexts beyond the cipher's limit (about 256 GiB).
pub fn symmetric_encrypt(
    key: &str,
    data: &str,
    ids: &(impl IdGenerator + ?Sized),
) -> Result<String, CryptoError> {
    let mut nonce = [0u8; NONCE_LEN];
    ids.fill(&mut nonce);
    let ciphertext = cipher(key)
        .encrypt(&XNonce::from(nonce), data.as_bytes())
        .map_err(|_| CryptoError::Encrypt)?;
    let mut out = hex_encode(&nonce);
    out.push_str(&hex_encode(&ciphertext));
    Ok(out)
}

/// Decrypts bare hex produced by [`symmetric_encrypt`] or by upstream under the same key.
///
/// Hex of either case is accepted. Bytes that are not UTF-8 are replaced with U+FFFD, as JavaScript's
/// `TextDecoder` does. Fails with [`CryptoError::Encoding`] for input that is not hex and with
/// [`CryptoError::Decrypt`] for a short, tampered or wrong-key ciphertext.
pub fn symmetric_decrypt(key: &str, data: &str) -> Result<String, CryptoError> {
    let bytes = hex_decode(data)?;
    let (nonce, ciphertext) = bytes
        .split_first_chunk::<NONCE_LEN>()
        .ok_or(CryptoError::Decrypt)?;
    let plaintext = cipher(key)
        .decrypt(&XNonce::from(*nonce), ciphertext)
        .map_err(|_| CryptoError::Decrypt)?;
    Ok(String::from_utf8_lossy(&plaintext).into_owned())
}

/// Versioned secrets for key rotation: upstream's `SecretConfig`.
///
/// New ciphertexts use the current version and carry it in a `$ba$<version>$` envelope. Old ones are
/// decrypted with the version they name, and unversioned (bare hex) ones with the legacy secret, the single
/// `secret` a deployment used before it configured versions.
#[derive(Clone, Debug)]
pub struct SecretConfig {
    current_version: u64,
    current_secret: Secret,
    previous: BTreeMap<u64, Secret>,
    legacy_secret: Option<Secret>,
}

impl SecretConfig {
    /// A configuration whose current (encrypting) secret is `secret` at `version`.
    pub fn new(version: u64, secret: Secret) -> Self {
        Self {
            current_version: version,
            current_secret: secret,
            previous: BTreeMap::new(),
            legacy_secret: None,
        }
    }

    /// Adds an older secret that can still decrypt. A version already added is replaced; the current
    /// version cannot be (upstream rejects duplicate versions), so that call changes nothing.
    #[must_use]
    pub fn with_previous(mut self, version: u64, secret: Secret) -> Self {
        if version != self.current_version {
            self.previous.insert(version, secret);
        }
        self
    }

    /// Sets the secret that decrypts unversioned (bare hex) ciphertexts.
    #[must_use]
    pub fn with_legacy_secret(mut self, secret: Secret) -> Self {
        self.legacy_secret = Some(secret);
        self
    }

    /// The version new ciphertexts are encrypted under.
    pub fn current_version(&self) -> u64 {
        self.current_version
    }

    /// The secret new ciphertexts are encrypted under.
    pub fn current_secret(&self) -> &Secret {
        &self.current_secret
    }

    /// The secret of `version`, current or previous.
    pub fn secret(&self, version: u64) -> Option<&Secret> {
        if version == self.current_version {
            Some(&self.current_secret)
        } else {
            self.previous.get(&version)
        }
    }

    /// Encrypts `data` under the current secret, in a `$ba$<version>$<hex>` envelope.
    pub fn encrypt(
        &self,
        data: &str,
        ids: &(impl IdGenerator + ?Sized),
    ) -> Result<String, CryptoError> {
        let ciphertext = symmetric_encrypt(self.current_secret().expose(), data, ids)?;
        Ok(format!(
            "{ENVELOPE_PREFIX}{}${ciphertext}",
            self.current_version
        ))
    }

    /// Decrypts an envelope with the secret of the version it names, or bare hex with the legacy secret.
    pub fn decrypt(&self, data: &str) -> Result<String, CryptoError> {
        let Some(envelope) = data.strip_prefix(ENVELOPE_PREFIX) else {
            let legacy = self
                .legacy_secret
                .as_ref()
                .ok_or(CryptoError::MissingLegacySecret)?;
            return symmetric_decrypt(legacy.expose(), data);
        };
        let (version, ciphertext) = envelope.split_once('$').ok_or(CryptoError::Decrypt)?;
        if version.is_empty() || !version.bytes().all(|c| c.is_ascii_digit()) {
            return Err(CryptoError::Decrypt);
        }
        let version: u64 = version.parse().map_err(|_| CryptoError::Decrypt)?;
        let secret = self
            .secret(version)
            .ok_or(CryptoError::UnknownSecretVersion(version))?;
        symmetric_decrypt(secret.expose(), ciphertext)
    }
}

/// The cipher keyed with SHA-256 of the secret string.
fn cipher(key: &str) -> XChaCha20Poly1305 {
    XChaCha20Poly1305::new(&sha256(key.as_bytes()).into())
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;
    use crate::clock::OsIdGenerator;

    // Produced with better-auth 1.6.30 under Node 20 (`symmetricEncrypt` from `better-auth/crypto`, once with a
    // string key and once with a `SecretConfig`); better-auth 1.7.1's `symmetricDecrypt` reads them too.
    const KEY: &str = "bulwark-test-secret-0123456789abcdef";
    const PLAINTEXT: &str = "hello, bulwark \u{2713} \u{2014} \u{fc}n\u{ef}code";
    const UPSTREAM_CIPHERTEXT: &str = "bc0f47e0cc74a9de94efc1f9aa9ddd530db40e6eea7aa6071ff079d2357dea3cb9c97b3c7ade5d640d9b541e8e4a70d7043e58301a0f3a56db1d253df564111cda86a77ecf52a4fc";
    const UPSTREAM_EMPTY: &str =
        "c5b1da594d6da3cbf8740759e50a105edbfad0d94136dbddffa9b1a5a9d053b28886267b912edead";
    const SECRET_V2: &str = "rotated-secret-version-two-abcdefghij";
    const SECRET_V1: &str = "old-secret-version-one-klmnopqrstuv";
    const UPSTREAM_ENVELOPE_V2: &str = "$ba$2$5f2cf8e779bfb4e363189d40ac6564ee54c9d2a77b44a3cda529ca066fd66fc78c165f3bbe3218526890e82a8af82535143171af0f6918bbfb8aab18c8d7b9cd4de0c9";
    const UPSTREAM_ENVELOPE_V1: &str = "$ba$1$c574629640bdb4833cc1879462e244cbffd7ab12e55b57366bae878ab6920a9599281cb33104dcddcec28ac4407466c7f44e";

    /// Hands out a fixed byte sequence, so a nonce is known in advance.
    #[derive(Debug)]
    struct FixedBytes(Mutex<u8>);

    impl IdGenerator for FixedBytes {
        fn id(&self) -> String {
            String::from("fixed")
        }

        fn fill(&self, buf: &mut [u8]) {
            let mut next = self.0.lock().unwrap();
            for byte in buf {
                *byte = *next;
                *next = next.wrapping_add(1);
            }
        }
    }

    fn rotated() -> SecretConfig {
        SecretConfig::new(2, Secret::from(SECRET_V2)).with_previous(1, Secret::from(SECRET_V1))
    }

    #[test]
    fn decrypts_upstream_ciphertext() {
        assert_eq!(
            symmetric_decrypt(KEY, UPSTREAM_CIPHERTEXT).unwrap(),
            PLAINTEXT
        );
        assert_eq!(symmetric_decrypt(KEY, UPSTREAM_EMPTY).unwrap(), "");
        let upper = UPSTREAM_CIPHERTEXT.to_ascii_uppercase();
        assert_eq!(symmetric_decrypt(KEY, &upper).unwrap(), PLAINTEXT);
    }

    #[test]
    fn decrypts_upstream_envelopes() {
        let config = rotated();
        assert_eq!(
            config.decrypt(UPSTREAM_ENVELOPE_V2).unwrap(),
            r#"{"totp":"JBSWY3DPEHPK3PXP"}"#
        );
        assert_eq!(config.decrypt(UPSTREAM_ENVELOPE_V1).unwrap(), "v1 payload");
    }

    #[test]
    fn output_layout_is_nonce_then_ciphertext_in_hex() {
        let ids = FixedBytes(Mutex::new(0));
        let out = symmetric_encrypt(KEY, "abc", &ids).unwrap();
        let nonce = hex_encode(&(0u8..24).collect::<Vec<u8>>());
        assert!(out.starts_with(&nonce), "{out}");
        // 24 nonce bytes, 3 ciphertext bytes, 16 tag bytes.
        assert_eq!(out.len(), 2 * (24 + 3 + 16));
        assert!(
            out.bytes()
                .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
        );
        assert_eq!(symmetric_decrypt(KEY, &out).unwrap(), "abc");
    }

    #[test]
    fn round_trips_with_fresh_nonces() {
        let a = symmetric_encrypt(KEY, PLAINTEXT, &OsIdGenerator).unwrap();
        let b = symmetric_encrypt(KEY, PLAINTEXT, &OsIdGenerator).unwrap();
        assert_ne!(a, b);
        assert_eq!(symmetric_decrypt(KEY, &a).unwrap(), PLAINTEXT);
        assert_eq!(symmetric_decrypt(KEY, &b).unwrap(), PLAINTEXT);
    }

    #[test]
    fn wrong_key_is_rejected() {
        assert!(matches!(
            symmetric_decrypt("another key", UPSTREAM_CIPHERTEXT),
            Err(CryptoError::Decrypt)
        ));
    }

    #[test]
    fn tampering_is_rejected() {
        // Flip a bit in the nonce, in the ciphertext, and in the tag.
        for position in [0, 60, UPSTREAM_CIPHERTEXT.len() - 1] {
            let mut bytes = UPSTREAM_CIPHERTEXT.as_bytes().to_vec();
            bytes[position] = if bytes[position] == b'0' { b'1' } else { b'0' };
            let tampered = String::from_utf8(bytes).unwrap();
            assert!(matches!(
                symmetric_decrypt(KEY, &tampered),
                Err(CryptoError::Decrypt)
            ));
        }
        let truncated = &UPSTREAM_CIPHERTEXT[..UPSTREAM_CIPHERTEXT.len() - 2];
        assert!(symmetric_decrypt(KEY, truncated).is_err());
    }

    #[test]
    fn malformed_input_is_an_error() {
        for input in ["", "00", "abc", "zz", &"00".repeat(24), &"00".repeat(39)] {
            assert!(symmetric_decrypt(KEY, input).is_err(), "{input:?}");
        }
        assert!(matches!(
            symmetric_decrypt(KEY, "xyz0"),
            Err(CryptoError::Encoding("hex"))
        ));
        assert!(symmetric_decrypt(KEY, UPSTREAM_ENVELOPE_V1).is_err());
    }

    #[test]
    fn config_writes_envelopes_of_the_current_version() {
        let config = rotated();
        let out = config.encrypt("secret data", &OsIdGenerator).unwrap();
        assert!(out.starts_with("$ba$2$"), "{out}");
        assert_eq!(config.decrypt(&out).unwrap(), "secret data");
        assert_eq!(
            symmetric_decrypt(SECRET_V2, out.trim_start_matches("$ba$2$")).unwrap(),
            "secret data"
        );
        assert_eq!(config.current_version(), 2);
        assert_eq!(config.current_secret().expose(), SECRET_V2);
    }

    #[test]
    fn config_reads_bare_hex_only_with_a_legacy_secret() {
        let without = rotated();
        assert!(matches!(
            without.decrypt(UPSTREAM_CIPHERTEXT),
            Err(CryptoError::MissingLegacySecret)
        ));
        let with = rotated().with_legacy_secret(Secret::from(KEY));
        assert_eq!(with.decrypt(UPSTREAM_CIPHERTEXT).unwrap(), PLAINTEXT);
    }

    #[test]
    fn config_rejects_retired_versions_and_bad_envelopes() {
        let only_v2 = SecretConfig::new(2, Secret::from(SECRET_V2));
        assert!(matches!(
            only_v2.decrypt(UPSTREAM_ENVELOPE_V1),
            Err(CryptoError::UnknownSecretVersion(1))
        ));
        let config = rotated();
        let wrong_version = UPSTREAM_ENVELOPE_V2.replacen("$ba$2$", "$ba$1$", 1);
        assert!(matches!(
            config.decrypt(&wrong_version),
            Err(CryptoError::Decrypt)
        ));
        for input in [
            "$ba$",
            "$ba$2",
            "$ba$$00",
            "$ba$-1$00",
            "$ba$x$00",
            "$ba$99999999999999999999999$00",
        ] {
            assert!(config.decrypt(input).is_err(), "{input:?}");
        }
    }

    #[test]
    fn config_keeps_the_current_secret_when_a_previous_one_reuses_its_version() {
        let config = rotated().with_previous(2, Secret::from("impostor-secret"));
        assert_eq!(config.current_secret().expose(), SECRET_V2);
        assert_eq!(
            config.secret(1).map(Secret::expose),
            Some(&SECRET_V1.to_owned())
        );
        assert!(config.secret(3).is_none());
        assert_eq!(
            config.decrypt(UPSTREAM_ENVELOPE_V2).unwrap(),
            r#"{"totp":"JBSWY3DPEHPK3PXP"}"#
        );
    }

    #[test]
    fn config_debug_is_redacted() {
        let debug = format!("{:?}", rotated().with_legacy_secret(Secret::from(KEY)));
        assert!(!debug.contains(SECRET_V1));
        assert!(!debug.contains(SECRET_V2));
        assert!(!debug.contains(KEY));
    }
}
