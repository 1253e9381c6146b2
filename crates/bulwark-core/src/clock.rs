//! Injected time and identifiers: library code asks a `Clock` and an `IdGenerator`, never the system.

use std::fmt;
use std::sync::Arc;

use rand::RngCore;
use rand::rngs::OsRng;
use time::OffsetDateTime;

/// A source of the current time. Implementations return UTC instants truncated to milliseconds, the
/// precision upstream stores.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current instant, UTC, millisecond precision.
    fn now(&self) -> OffsetDateTime;
}

/// The real clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        #[expect(
            clippy::disallowed_methods,
            reason = "this is the one place that reads the system clock"
        )]
        let now = OffsetDateTime::now_utc();
        truncate_to_millis(now)
    }
}

/// Drops sub-millisecond precision, as JavaScript dates do.
pub fn truncate_to_millis(t: OffsetDateTime) -> OffsetDateTime {
    let nanos = t.nanosecond();
    t.replace_nanosecond(nanos - nanos % 1_000_000).unwrap_or(t)
}

/// A source of record ids and random secrets.
pub trait IdGenerator: Send + Sync + fmt::Debug {
    /// A new record id (upstream: 32 alphanumeric characters).
    fn id(&self) -> String;
    /// Fills `buf` with cryptographically secure random bytes.
    fn fill(&self, buf: &mut [u8]);
}

/// Ids and randomness from the operating system's CSPRNG.
#[derive(Clone, Copy, Debug, Default)]
pub struct OsIdGenerator;

/// The alphabet of upstream's ids and tokens: `a-z`, `A-Z`, `0-9`.
pub const ALPHANUMERIC: &[u8; 62] =
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

impl IdGenerator for OsIdGenerator {
    fn id(&self) -> String {
        random_string(self, 32, ALPHANUMERIC)
    }

    fn fill(&self, buf: &mut [u8]) {
        OsRng.fill_bytes(buf);
    }
}

/// A random string of `len` characters drawn uniformly from `alphabet` (rejection sampling, no modulo bias).
pub fn random_string(rng: &(impl IdGenerator + ?Sized), len: usize, alphabet: &[u8]) -> String {
    let n = alphabet.len().clamp(1, 256);
    // The largest multiple of `n` that fits in a byte; bytes at or above it are rejected.
    let limit = 256 - 256 % n;
    let mut out = String::with_capacity(len);
    let mut buf = [0u8; 64];
    while out.len() < len {
        rng.fill(&mut buf);
        for &b in &buf {
            if usize::from(b) < limit
                && out.len() < len
                && let Some(&c) = alphabet.get(usize::from(b) % n)
            {
                out.push(char::from(c));
            }
        }
    }
    out
}

/// Shared handles to the injected sources, as stored in `Auth`.
#[derive(Clone, Debug)]
pub struct Environment {
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// The id and randomness source.
    pub ids: Arc<dyn IdGenerator>,
}

impl Default for Environment {
    fn default() -> Self {
        Self {
            clock: Arc::new(SystemClock),
            ids: Arc::new(OsIdGenerator),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_32_alphanumerics_and_distinct() {
        let a = OsIdGenerator.id();
        let b = OsIdGenerator.id();
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, b);
    }

    #[test]
    fn system_clock_has_millisecond_precision() {
        assert_eq!(SystemClock.now().nanosecond() % 1_000_000, 0);
    }
}
