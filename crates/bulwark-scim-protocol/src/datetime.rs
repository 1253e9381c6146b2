//! RFC 3339 date-times, the `dateTime` values of SCIM (`meta.lastModified gt "2011-05-13T04:42:34Z"`).

use std::fmt;

/// An instant read from an RFC 3339 date-time, as seconds and nanoseconds since the Unix epoch (UTC).
///
/// The offset is applied and then dropped, so instants compare in time order whatever offsets
/// they were written with. Convert with [`Timestamp::unix_nanos`], e.g. into
/// `time::OffsetDateTime::from_unix_timestamp_nanos`.
///
/// ```
/// use bulwark_scim_protocol::Timestamp;
///
/// let utc = Timestamp::parse_rfc3339("2011-05-13T04:42:34Z")?;
/// let paris = Timestamp::parse_rfc3339("2011-05-13T06:42:34.5+02:00")?;
/// assert_eq!(utc.unix_seconds(), 1_305_261_754);
/// assert!(paris > utc);
/// # Ok::<(), bulwark_scim_protocol::InvalidTimestamp>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    seconds: i64,
    nanoseconds: u32,
}

/// A text that is not an RFC 3339 date-time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not an RFC 3339 date-time (expected e.g. 2011-05-13T04:42:34Z)")]
pub struct InvalidTimestamp;

impl Timestamp {
    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)`.
    ///
    /// `T` and `Z` may be lower case, and a space may separate date and time (RFC 3339 §5.6 allows
    /// both). Fractions beyond nanoseconds are truncated; a leap second (`:60`) reads as the last
    /// nanosecond of its minute.
    pub fn parse_rfc3339(text: &str) -> Result<Self, InvalidTimestamp> {
        let mut reader = Reader {
            bytes: text.as_bytes(),
            index: 0,
        };
        let year = reader.number(4)?;
        reader.expect(b"-")?;
        let month = reader.number(2)?;
        reader.expect(b"-")?;
        let day = reader.number(2)?;
        reader.expect(b"Tt ")?;
        let hour = reader.number(2)?;
        reader.expect(b":")?;
        let minute = reader.number(2)?;
        reader.expect(b":")?;
        let second = reader.number(2)?;
        let mut nanoseconds = 0;
        if reader.peek() == Some(b'.') {
            reader.index += 1;
            let start = reader.index;
            let mut scale = 100_000_000;
            while let Some(digit) = reader.peek().filter(u8::is_ascii_digit) {
                nanoseconds += u32::from(digit - b'0') * scale;
                scale /= 10;
                reader.index += 1;
            }
            if reader.index == start {
                return Err(InvalidTimestamp);
            }
        }
        let offset_minutes = match reader.peek() {
            Some(b'Z' | b'z') => {
                reader.index += 1;
                0
            }
            Some(sign @ (b'+' | b'-')) => {
                reader.index += 1;
                let hours = reader.number(2)?;
                reader.expect(b":")?;
                let minutes = reader.number(2)?;
                if hours > 23 || minutes > 59 {
                    return Err(InvalidTimestamp);
                }
                let offset = i64::from(hours * 60 + minutes);
                if sign == b'-' { -offset } else { offset }
            }
            _ => return Err(InvalidTimestamp),
        };
        if reader.index != reader.bytes.len()
            || !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(year, month)
            || hour > 23
            || minute > 59
            || second > 60
        {
            return Err(InvalidTimestamp);
        }
        let (second, nanoseconds) = if second == 60 {
            (59, 999_999_999)
        } else {
            (second, nanoseconds)
        };
        let days = days_from_civil(i64::from(year), i64::from(month), i64::from(day));
        let seconds =
            days * 86_400 + i64::from(hour) * 3_600 + i64::from(minute) * 60 + i64::from(second)
                - offset_minutes * 60;
        Ok(Self {
            seconds,
            nanoseconds,
        })
    }

    /// Whole seconds since 1970-01-01T00:00:00Z (negative before).
    pub fn unix_seconds(&self) -> i64 {
        self.seconds
    }

    /// Nanoseconds past [`Timestamp::unix_seconds`], below one second.
    pub fn subsec_nanos(&self) -> u32 {
        self.nanoseconds
    }

    /// Nanoseconds since the Unix epoch.
    pub fn unix_nanos(&self) -> i128 {
        i128::from(self.seconds) * 1_000_000_000 + i128::from(self.nanoseconds)
    }

    /// Milliseconds since the Unix epoch, rounded down (Bulwark stores milliseconds).
    pub fn unix_millis(&self) -> i64 {
        self.seconds * 1_000 + i64::from(self.nanoseconds / 1_000_000)
    }
}

impl fmt::Display for Timestamp {
    /// The Unix time with nanoseconds (`1305261754.500000000`); format dates with a time crate.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:09}", self.seconds, self.nanoseconds)
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    index: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.index).copied()
    }

    /// Exactly `width` ASCII digits.
    fn number(&mut self, width: usize) -> Result<u32, InvalidTimestamp> {
        let mut value = 0;
        for _ in 0..width {
            let digit = self
                .peek()
                .filter(u8::is_ascii_digit)
                .ok_or(InvalidTimestamp)?;
            value = value * 10 + u32::from(digit - b'0');
            self.index += 1;
        }
        Ok(value)
    }

    /// One byte out of `allowed`.
    fn expect(&mut self, allowed: &[u8]) -> Result<(), InvalidTimestamp> {
        match self.peek() {
            Some(byte) if allowed.contains(&byte) => {
                self.index += 1;
                Ok(())
            }
            _ => Err(InvalidTimestamp),
        }
    }
}

fn days_in_month(year: u32, month: u32) -> u32 {
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seconds(text: &str) -> Option<(i64, u32)> {
        Timestamp::parse_rfc3339(text)
            .ok()
            .map(|timestamp| (timestamp.unix_seconds(), timestamp.subsec_nanos()))
    }

    #[test]
    fn reads_instants() {
        assert_eq!(seconds("1970-01-01T00:00:00Z"), Some((0, 0)));
        assert_eq!(seconds("2011-05-13T04:42:34Z"), Some((1_305_261_754, 0)));
        assert_eq!(
            seconds("2011-05-13t04:42:34.123z"),
            Some((1_305_261_754, 123_000_000))
        );
        assert_eq!(
            seconds("2011-05-13 06:42:34+02:00"),
            Some((1_305_261_754, 0))
        );
        assert_eq!(
            seconds("2011-05-12T23:42:34-05:00"),
            Some((1_305_261_754, 0))
        );
        assert_eq!(
            seconds("2000-02-29T00:00:00.1234567891Z"),
            Some((951_782_400, 123_456_789))
        );
        assert_eq!(seconds("1969-12-31T23:59:59Z"), Some((-1, 0)));
        assert_eq!(
            seconds("2016-12-31T23:59:60Z"),
            Some((1_483_228_799, 999_999_999))
        );
        let millis = Timestamp::parse_rfc3339("2026-11-23T17:52:30.689Z").unwrap();
        assert_eq!(millis.unix_millis(), 1_795_456_350_689);
        assert_eq!(millis.unix_nanos(), 1_795_456_350_689_000_000);
    }

    #[test]
    fn rejects_other_texts() {
        for text in [
            "",
            "2011-05-13",
            "2011-05-13T04:42:34",
            "2011-05-13T04:42Z",
            "2011-13-13T04:42:34Z",
            "2011-02-29T04:42:34Z",
            "2100-02-29T00:00:00Z",
            "2011-05-13T24:00:00Z",
            "2011-05-13T04:42:34.Z",
            "2011-05-13T04:42:34+2:00",
            "2011-05-13T04:42:34+24:00",
            "2011-05-13T04:42:34Zjunk",
            "２011-05-13T04:42:34Z",
        ] {
            assert_eq!(
                Timestamp::parse_rfc3339(text),
                Err(InvalidTimestamp),
                "{text}"
            );
        }
    }
}
