//! Byte encodings used on the wire: base64 (standard, padded), base64url (no padding) and lowercase hex.

use base64::Engine;
use base64::alphabet;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};

use super::CryptoError;

/// base64url that writes no padding and reads input with or without it.
const URL_SAFE_LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Standard base64 with `=` padding (JavaScript's `btoa`).
pub fn base64_encode(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// Decodes standard, padded base64. Non-canonical encodings (stray bits in the last character) are rejected.
pub fn base64_decode(text: &str) -> Result<Vec<u8>, CryptoError> {
    STANDARD
        .decode(text)
        .map_err(|_| CryptoError::Encoding("base64"))
}

/// base64url without padding (RFC 4648 section 5), as upstream uses for hashed tokens.
pub fn base64url_encode(bytes: &[u8]) -> String {
    URL_SAFE_LENIENT.encode(bytes)
}

/// Decodes base64url, with or without trailing `=` padding.
pub fn base64url_decode(text: &str) -> Result<Vec<u8>, CryptoError> {
    URL_SAFE_LENIENT
        .decode(text)
        .map_err(|_| CryptoError::Encoding("base64url"))
}

/// Lowercase hex.
pub fn hex_encode(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &byte in bytes {
        for nibble in [byte >> 4, byte & 0x0f] {
            if let Some(&digit) = DIGITS.get(usize::from(nibble)) {
                out.push(char::from(digit));
            }
        }
    }
    out
}

/// Decodes hex of either case; the length must be even.
pub fn hex_decode(text: &str) -> Result<Vec<u8>, CryptoError> {
    let nibble = |c: u8| match c {
        b'0'..=b'9' => Ok(c - b'0'),
        b'a'..=b'f' => Ok(c - b'a' + 10),
        b'A'..=b'F' => Ok(c - b'A' + 10),
        _ => Err(CryptoError::Encoding("hex")),
    };
    let (pairs, rest) = text.as_bytes().as_chunks::<2>();
    if !rest.is_empty() {
        return Err(CryptoError::Encoding("hex"));
    }
    pairs
        .iter()
        .map(|&[high, low]| Ok((nibble(high)? << 4) | nibble(low)?))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips_with_padding() {
        assert_eq!(base64_encode(b"f"), "Zg==");
        assert_eq!(base64_encode(b"fo"), "Zm8=");
        assert_eq!(base64_encode(b"foo"), "Zm9v");
        assert_eq!(base64_encode(&[0xfb, 0xff]), "+/8=");
        assert_eq!(base64_decode("+/8=").unwrap(), vec![0xfb, 0xff]);
        assert_eq!(base64_decode("").unwrap(), Vec::<u8>::new());
    }

    #[test]
    fn base64_rejects_bad_input() {
        assert!(matches!(
            base64_decode("Zm8"),
            Err(CryptoError::Encoding("base64"))
        ));
        assert!(base64_decode("-_8=").is_err());
        assert!(
            base64_decode("Zm9=").is_err(),
            "non-canonical trailing bits"
        );
        assert!(base64_decode("Zm 8=").is_err());
    }

    #[test]
    fn base64url_has_no_padding_and_reads_both_forms() {
        assert_eq!(base64url_encode(&[0xfb, 0xff]), "-_8");
        assert_eq!(base64url_encode(b"f"), "Zg");
        assert_eq!(base64url_decode("-_8").unwrap(), vec![0xfb, 0xff]);
        assert_eq!(base64url_decode("-_8=").unwrap(), vec![0xfb, 0xff]);
        assert!(base64url_decode("+/8").is_err());
    }

    #[test]
    fn hex_round_trips_and_reads_both_cases() {
        assert_eq!(hex_encode(&[0x00, 0x0f, 0xab, 0xff]), "000fabff");
        assert_eq!(
            hex_decode("000fabff").unwrap(),
            vec![0x00, 0x0f, 0xab, 0xff]
        );
        assert_eq!(
            hex_decode("000FABFF").unwrap(),
            vec![0x00, 0x0f, 0xab, 0xff]
        );
        assert_eq!(hex_decode("").unwrap(), Vec::<u8>::new());
    }

    #[test]
    fn hex_rejects_odd_length_and_non_digits() {
        assert!(matches!(
            hex_decode("abc"),
            Err(CryptoError::Encoding("hex"))
        ));
        assert!(hex_decode("zz").is_err());
        assert!(hex_decode("é0").is_err());
    }
}
