//! The two kinds of times MikoPBX sends, typed: [`UnixTime`] (unix seconds: bans, provider
//! states, the server clock) and [`LocalTime`] (the PBX's wall-clock text without an offset:
//! calls and the call history). Both serialize as ISO 8601 (`2023-11-14T22:13:20Z`,
//! `2026-01-15T10:30:45.123`), the form `--format json` prints; each model's `raw` keeps what
//! the server sent.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, NaiveDateTime};

/// A moment given as unix seconds. Times before 1970 or after the year 9999 are not
/// representable and read as absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnixTime(DateTime<chrono::Utc>);

impl UnixTime {
    /// The moment `seconds` after 1970-01-01 UTC, if it is one.
    pub fn from_unix(seconds: i64) -> Option<UnixTime> {
        (seconds >= 0).then(|| DateTime::from_timestamp(seconds, 0)).flatten().map(UnixTime)
    }
    /// Now, to the second.
    pub fn now() -> UnixTime {
        let seconds = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        UnixTime(DateTime::from_timestamp(i64::try_from(seconds).unwrap_or(0), 0).unwrap_or_default())
    }
    pub fn unix_seconds(&self) -> i64 {
        self.0.timestamp()
    }
    pub fn to_system_time(&self) -> SystemTime {
        // Not before 1970 (from_unix), so the seconds fit.
        UNIX_EPOCH + Duration::from_secs(self.0.timestamp().unsigned_abs())
    }
    /// `2023-11-14T22:13:20Z`.
    pub fn to_iso8601(&self) -> String {
        self.0.format("%Y-%m-%dT%H:%M:%SZ").to_string()
    }
    pub fn as_chrono(&self) -> DateTime<chrono::Utc> {
        self.0
    }
}

/// A wall-clock time of the PBX as it writes it (`2026-01-15 10:30:45.123`): the PBX's own
/// time zone, which the API does not name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LocalTime(NaiveDateTime);

impl LocalTime {
    /// The server's text (`2026-01-15 10:30:45.123`, a fraction of any length or none, `T`
    /// accepted for the space); anything else is absent.
    pub fn parse(text: &str) -> Option<LocalTime> {
        let text = text.trim();
        ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"]
            .iter()
            .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
            .map(LocalTime)
    }
    /// `2026-01-15T10:30:45.123` (a fraction of 3, 6 or 9 digits when there is one).
    pub fn to_iso8601(&self) -> String {
        self.0.format("%Y-%m-%dT%H:%M:%S%.f").to_string()
    }
    pub fn as_chrono(&self) -> NaiveDateTime {
        self.0
    }
}

/// Both show and serialize as their ISO 8601 text.
macro_rules! iso_text {
    ($($type:ty),+) => {$(
        impl std::fmt::Display for $type {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.to_iso8601())
            }
        }

        impl serde::Serialize for $type {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.to_iso8601())
            }
        }
    )+};
}

iso_text!(UnixTime, LocalTime);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_times_are_utc_iso_8601_and_impossible_ones_are_absent() {
        let ban = UnixTime::from_unix(1_700_000_000).unwrap();
        assert_eq!((ban.to_iso8601().as_str(), ban.unix_seconds()), ("2023-11-14T22:13:20Z", 1_700_000_000));
        assert_eq!(ban.to_system_time().duration_since(UNIX_EPOCH).unwrap().as_secs(), 1_700_000_000);
        assert!(UnixTime::from_unix(-1).is_none() && UnixTime::from_unix(i64::MAX).is_none());
    }

    #[test]
    fn local_times_keep_their_fraction() {
        assert_eq!(LocalTime::parse("2026-01-15 10:30:45.123").unwrap().to_iso8601(), "2026-01-15T10:30:45.123");
        assert_eq!(LocalTime::parse("2024-01-15 10:00:00.5").unwrap().to_iso8601(), "2024-01-15T10:00:00.500");
        assert_eq!(LocalTime::parse("2026-01-15T10:30:45").unwrap().to_iso8601(), "2026-01-15T10:30:45");
        assert!(LocalTime::parse("").is_none() && LocalTime::parse("yesterday").is_none());
    }
}
