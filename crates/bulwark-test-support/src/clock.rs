//! Deterministic time and ids for tests: a settable [`FakeClock`] and counting [`SequentialIds`].

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use bulwark_core::{Clock, IdGenerator};
use time::{Duration, OffsetDateTime};

/// The instant a [`FakeClock`] starts at: 2026-01-01T00:00:00.000Z.
pub const START: OffsetDateTime = time::macros::datetime!(2026-01-01 00:00:00 UTC);

/// A clock that only moves when told to.
///
/// Clones share the same time, so a test can keep one handle and give another to the code under test.
/// It keeps millisecond precision, like every [`Clock`].
#[derive(Clone, Debug)]
pub struct FakeClock {
    millis: Arc<AtomicI64>,
}

impl FakeClock {
    /// A clock at [`START`].
    pub fn new() -> Self {
        Self::at(START)
    }

    /// A clock at `instant` (truncated to milliseconds).
    pub fn at(instant: OffsetDateTime) -> Self {
        Self {
            millis: Arc::new(AtomicI64::new(to_millis(instant))),
        }
    }

    /// Moves the clock to `instant` (truncated to milliseconds); it may go backwards.
    pub fn set(&self, instant: OffsetDateTime) {
        self.millis.store(to_millis(instant), Ordering::SeqCst);
    }

    /// Moves the clock forward by `by` (backwards if negative), at millisecond precision.
    pub fn advance(&self, by: Duration) {
        let delta = i64::try_from(by.whole_milliseconds()).unwrap_or(i64::MAX);
        self.millis.fetch_add(delta, Ordering::SeqCst);
    }
}

impl Default for FakeClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for FakeClock {
    fn now(&self) -> OffsetDateTime {
        let millis = self.millis.load(Ordering::SeqCst);
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000).unwrap_or(START)
    }
}

fn to_millis(instant: OffsetDateTime) -> i64 {
    i64::try_from(instant.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

/// Predictable ids (`id000001`, `id000002`, ...) and predictable "random" bytes.
///
/// **Not secure, for tests only.** The bytes come from a small pseudo-random generator seeded with a
/// counter, so every run of a test sees the same tokens and secrets. Clones share the counters.
#[derive(Clone, Debug, Default)]
pub struct SequentialIds {
    ids: Arc<AtomicU64>,
    fills: Arc<AtomicU64>,
}

impl SequentialIds {
    /// Counters at zero: the first id is `id000001`.
    pub fn new() -> Self {
        Self::default()
    }
}

impl IdGenerator for SequentialIds {
    fn id(&self) -> String {
        let n = self.ids.fetch_add(1, Ordering::SeqCst) + 1;
        format!("id{n:06}")
    }

    fn fill(&self, buf: &mut [u8]) {
        // SplitMix64, seeded with the number of this call: deterministic, well spread, and not secure.
        let mut state = self
            .fills
            .fetch_add(1, Ordering::SeqCst)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15);
        for chunk in buf.chunks_mut(8) {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            for (byte, source) in chunk.iter_mut().zip(z.to_le_bytes()) {
                *byte = source;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fake_clock_starts_at_a_fixed_instant_and_moves_on_request() {
        let clock = FakeClock::new();
        let handle = clock.clone();
        assert_eq!(clock.now(), START);
        handle.advance(Duration::milliseconds(1_500));
        assert_eq!(
            clock.now(),
            time::macros::datetime!(2026-01-01 00:00:01.5 UTC)
        );
        handle.set(time::macros::datetime!(2030-05-06 07:08:09.123456 UTC));
        assert_eq!(
            clock.now(),
            time::macros::datetime!(2030-05-06 07:08:09.123 UTC)
        );
        handle.advance(Duration::days(-1));
        assert_eq!(
            clock.now(),
            time::macros::datetime!(2030-05-05 07:08:09.123 UTC)
        );
    }

    #[test]
    fn sequential_ids_are_predictable_and_bytes_repeat_across_generators() {
        let ids = SequentialIds::new();
        assert_eq!(ids.id(), "id000001");
        assert_eq!(ids.clone().id(), "id000002");

        let (a, b) = (SequentialIds::new(), SequentialIds::new());
        let (mut first, mut again, mut second) = ([0u8; 20], [0u8; 20], [0u8; 20]);
        a.fill(&mut first);
        b.fill(&mut again);
        a.fill(&mut second);
        assert_eq!(first, again);
        assert_ne!(first, second);
        assert!(first.iter().any(|&x| x != 0));
        let token = bulwark_core::clock::random_string(&a, 32, bulwark_core::clock::ALPHANUMERIC);
        assert_eq!(token.len(), 32);
    }
}
