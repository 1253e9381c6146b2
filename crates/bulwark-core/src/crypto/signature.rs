//! HMAC-SHA256 signatures and signed cookie values, as upstream's `makeSignature` and better-call's
//! `signCookieValue` / `getSignedCookie` produce and check them.
//!
//! A signed cookie value is `value + "." + base64(HMAC-SHA256(secret, value))`, the signature in the
//! standard alphabet with its `=` padding (always 44 characters). better-call then percent-encodes the whole
//! string with `encodeURIComponent` when it writes the `Set-Cookie` header, and percent-decodes cookie values
//! when it parses the `Cookie` header; that encoding belongs to cookie serialization, not to this module:
//! [`sign_cookie_value`] returns, and [`verify_signed_cookie`] takes, the decoded form.

use hmac::Mac;

use super::{base64_decode, base64_encode, hmac_sha256, hmac_sha256_mac};

/// Length of a base64-encoded HMAC-SHA256 signature with its padding.
const SIGNATURE_LEN: usize = 44;

/// `base64(HMAC-SHA256(secret, value))` in the standard alphabet with padding (upstream's `makeSignature`).
pub fn make_signature(value: &str, secret: &str) -> String {
    base64_encode(&hmac_sha256(secret.as_bytes(), value.as_bytes()))
}

/// Signs a cookie value: `value.signature` (better-call's `signCookieValue` before percent-encoding).
pub fn sign_cookie_value(value: &str, secret: &str) -> String {
    format!("{value}.{}", make_signature(value, secret))
}

/// Checks a signed cookie value (already percent-decoded) and returns the value it signs.
///
/// Follows better-call's `getSignedCookie`: the signature is what follows the last `.`, the value before it
/// must be non-empty, and the signature must be 44 characters ending in `=`. The signature is compared in
/// constant time. Returns `None` for malformed input, a wrong secret or a tampered value or signature.
/// One deliberate difference: upstream's `atob` ignores stray low bits in the last base64 character, so it
/// also accepts three non-canonical spellings of each signature; we accept only the canonical one, which is
/// the one every signer (ours and upstream's) writes.
pub fn verify_signed_cookie<'a>(signed: &'a str, secret: &str) -> Option<&'a str> {
    let (value, signature) = signed.rsplit_once('.')?;
    if value.is_empty() || signature.len() != SIGNATURE_LEN || !signature.ends_with('=') {
        return None;
    }
    let signature = base64_decode(signature).ok()?;
    hmac_sha256_mac(secret.as_bytes(), value.as_bytes())
        .verify_slice(&signature)
        .ok()?;
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Produced with better-auth 1.6.30 (better-call 1.4.0) under Node 20:
    // `makeSignature(TOKEN, SECRET)` and `serializeSignedCookie("better-auth.session_token", TOKEN, SECRET,
    // { path: "/", httpOnly: true, sameSite: "lax" })`; better-auth 1.7.1 gives the same signature.
    const SECRET: &str = "better-auth-secret-12345678901234567890";
    const TOKEN: &str = "Xq3kP9vLmN2bR7tY8wZ1cD4fG6hJ0sA5";
    const UPSTREAM_SIGNATURE: &str = "Rf0ZGrDOnqP/KNTX2VXEVFWbDSuft/d9itxXfIJIxFQ=";
    const UPSTREAM_SET_COOKIE: &str = "better-auth.session_token=Xq3kP9vLmN2bR7tY8wZ1cD4fG6hJ0sA5.Rf0ZGrDOnqP%2FKNTX2VXEVFWbDSuft%2Fd9itxXfIJIxFQ%3D; Path=/; HttpOnly; SameSite=Lax";
    // `makeSignature("a.b.c", SECRET)`: a value that itself contains dots.
    const UPSTREAM_DOTTED_SIGNATURE: &str = "epRC6mq1REz1bnowJkVc60oUbO4y1aZaENouSgz2/HA=";

    /// The cookie value of the upstream `Set-Cookie` header, percent-decoded as better-call's parser does.
    fn upstream_cookie_value() -> String {
        let encoded = UPSTREAM_SET_COOKIE
            .split_once('=')
            .and_then(|(_, rest)| rest.split_once(';'))
            .map(|(value, _)| value)
            .unwrap();
        encoded
            .replace("%2F", "/")
            .replace("%2B", "+")
            .replace("%3D", "=")
    }

    #[test]
    fn signature_matches_upstream() {
        assert_eq!(make_signature(TOKEN, SECRET), UPSTREAM_SIGNATURE);
        assert_eq!(make_signature("a.b.c", SECRET), UPSTREAM_DOTTED_SIGNATURE);
    }

    #[test]
    fn signed_cookie_matches_upstream_and_verifies() {
        let cookie = upstream_cookie_value();
        assert_eq!(sign_cookie_value(TOKEN, SECRET), cookie);
        assert_eq!(verify_signed_cookie(&cookie, SECRET), Some(TOKEN));
    }

    #[test]
    fn value_with_dots_splits_at_the_last_dot() {
        let signed = format!("a.b.c.{UPSTREAM_DOTTED_SIGNATURE}");
        assert_eq!(sign_cookie_value("a.b.c", SECRET), signed);
        assert_eq!(verify_signed_cookie(&signed, SECRET), Some("a.b.c"));
    }

    #[test]
    fn round_trips_any_value() {
        for value in ["x", "token with spaces", "ünïcødé", "a=b;c"] {
            let signed = sign_cookie_value(value, "s3cret");
            assert_eq!(verify_signed_cookie(&signed, "s3cret"), Some(value));
        }
    }

    #[test]
    fn wrong_secret_is_rejected() {
        let cookie = upstream_cookie_value();
        assert_eq!(verify_signed_cookie(&cookie, "another-secret"), None);
        assert_eq!(verify_signed_cookie(&cookie, ""), None);
    }

    #[test]
    fn tampered_value_or_signature_is_rejected() {
        let cookie = upstream_cookie_value();
        let tampered_value = cookie.replacen('X', "Y", 1);
        assert_eq!(verify_signed_cookie(&tampered_value, SECRET), None);

        let other_signature = make_signature("other", SECRET);
        let swapped = format!("{TOKEN}.{other_signature}");
        assert_eq!(verify_signed_cookie(&swapped, SECRET), None);

        // Flip one character in the middle of the signature.
        let mut bytes = cookie.into_bytes();
        let middle = TOKEN.len() + 1 + 10;
        bytes[middle] = if bytes[middle] == b'A' { b'B' } else { b'A' };
        let flipped = String::from_utf8(bytes).unwrap();
        assert_eq!(verify_signed_cookie(&flipped, SECRET), None);
    }

    #[test]
    fn malformed_input_is_rejected() {
        let signature = make_signature(TOKEN, SECRET);
        let unpadded = signature.trim_end_matches('=');
        let cases = [
            String::new(),
            TOKEN.to_owned(),
            format!("{TOKEN}."),
            format!(".{signature}"),
            format!("{TOKEN}.{unpadded}"),
            format!("{TOKEN}.{signature}="),
            format!("{TOKEN}.{}", signature.replace('/', "_")),
            format!("{TOKEN}.{}", "!".repeat(44)),
            format!("{TOKEN}.{}=", "A".repeat(43)),
            format!("{TOKEN}.{}==", "A".repeat(42)),
        ];
        for case in &cases {
            assert_eq!(verify_signed_cookie(case, SECRET), None, "{case:?}");
        }
    }

    #[test]
    fn non_canonical_signature_spelling_is_rejected() {
        // The last data character carries 4 significant bits; changing only the 2 unused ones gives a
        // string that decodes to the same bytes under a lenient decoder.
        let signature = make_signature(TOKEN, SECRET);
        let last = signature.as_bytes()[42];
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let index = alphabet.iter().position(|&c| c == last).unwrap();
        let sibling = char::from(alphabet[index ^ 1]);
        let spelled = format!("{TOKEN}.{}{sibling}=", &signature[..42]);
        assert_eq!(verify_signed_cookie(&spelled, SECRET), None);
    }
}
