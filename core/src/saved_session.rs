//! A session written down so that another process can continue it: the command-line tool
//! keeps one between runs, because 2024.1's login throttle counts successful logins too
//! (docs/server-notes.md) and a login per run locks an operator out within a minute.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::generation::ApiGeneration;

/// The authentication of a logged-in client, without the password: the legacy session
/// cookie, or the v3 access token, its refresh cookie and when to refresh. It is a secret:
/// store it only where the user alone can read it. `Debug` shows no secret.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SavedSession {
    /// `legacy` or `v3`.
    pub(crate) generation: String,
    /// The header the session sends: `Cookie: PHPSESSID=…` or `Authorization: Bearer …`.
    pub(crate) header_name: String,
    pub(crate) header_value: String,
    /// v3: the `Cookie: refreshToken=…` value.
    #[serde(default)]
    pub(crate) refresh_cookie: Option<String>,
    /// v3: when to refresh the access token, in unix seconds.
    #[serde(default)]
    pub(crate) refresh_at_unix: Option<u64>,
}

impl std::fmt::Debug for SavedSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SavedSession").field("generation", &self.generation).finish_non_exhaustive()
    }
}

impl SavedSession {
    pub(crate) fn generation(&self) -> Option<ApiGeneration> {
        match self.generation.as_str() {
            "legacy" => Some(ApiGeneration::Legacy),
            "v3" => Some(ApiGeneration::V3),
            _ => None,
        }
    }

    /// Unix seconds of a point that is `left` from now.
    pub(crate) fn unix_in(left: Duration) -> Option<u64> {
        SystemTime::now().checked_add(left)?.duration_since(UNIX_EPOCH).ok().map(|d| d.as_secs())
    }

    /// How long from now until `refresh_at_unix` (zero when it has passed).
    pub(crate) fn refresh_in(&self) -> Option<Duration> {
        let at = UNIX_EPOCH.checked_add(Duration::from_secs(self.refresh_at_unix?))?;
        Some(at.duration_since(SystemTime::now()).unwrap_or_default())
    }
}
