//! PHP sessions of the admin cabinet and the login throttles of both generations
//! (reference §2.1, §2.3; docs/server-notes.md).

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rand::distr::{Alphanumeric, SampleString};

/// Fixed window of the login throttle.
pub const THROTTLE_WINDOW_SECS: u64 = 300;

#[derive(Debug)]
pub struct Sessions {
    /// Authenticated sessions (`authAdminCabinet` set) and when they were last used.
    active: HashMap<String, Instant>,
    idle_timeout: Duration,
    /// Legacy `session/start`: every attempt counts.
    pub legacy_logins: Throttle,
    /// v3 `auth:login`: only failed attempts count.
    pub v3_login_failures: Throttle,
    /// v3 `auth:refresh`: every attempt counts (`RefreshAction::MAX_REFRESH_ATTEMPTS`).
    pub v3_refreshes: Throttle,
}

/// v3 `auth:refresh` attempts per client address per window.
pub const V3_REFRESH_LIMIT: u32 = 100;

/// A counter per key in fixed windows of [`THROTTLE_WINDOW_SECS`], like the servers' Redis
/// sorted sets `…LoginAttempts:<windowStart>`; `remaining` is their `max(limit - count, 0)`.
#[derive(Debug)]
pub struct Throttle {
    limit: u32,
    counts: HashMap<String, (u64, u32)>,
}

impl Throttle {
    pub fn new(limit: u32) -> Throttle {
        Throttle { limit, counts: HashMap::new() }
    }

    /// Counts one more for `key` when `increment`, then answers how many are left.
    pub fn remaining(&mut self, key: &str, increment: bool) -> u32 {
        let window = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()) / THROTTLE_WINDOW_SECS;
        let entry = self.counts.entry(key.to_owned()).or_insert((window, 0));
        if entry.0 != window {
            *entry = (window, 0);
        }
        if increment {
            entry.1 = entry.1.saturating_add(1);
        }
        self.limit.saturating_sub(entry.1)
    }

    pub fn reset(&mut self) {
        self.counts.clear();
    }
}

impl Sessions {
    pub fn new(idle_timeout: Duration, login_limit: u32) -> Sessions {
        Sessions {
            active: HashMap::new(),
            idle_timeout,
            legacy_logins: Throttle::new(login_limit),
            v3_login_failures: Throttle::new(login_limit),
            v3_refreshes: Throttle::new(V3_REFRESH_LIMIT),
        }
    }

    /// A PHP-style session id (32 characters).
    pub fn new_id() -> String {
        Alphanumeric.sample_string(&mut rand::rng(), 32).to_ascii_lowercase()
    }

    pub fn create(&mut self) -> String {
        let id = Self::new_id();
        self.active.insert(id.clone(), Instant::now());
        id
    }

    /// True when `id` is an authenticated session that has not idled out; refreshes it.
    pub fn touch(&mut self, id: &str) -> bool {
        let now = Instant::now();
        match self.active.get_mut(id) {
            Some(last) if now.duration_since(*last) <= self.idle_timeout => {
                *last = now;
                true
            }
            Some(_) => {
                self.active.remove(id);
                false
            }
            None => false,
        }
    }

    pub fn remove(&mut self, id: &str) {
        self.active.remove(id);
    }

    pub fn expire_all(&mut self) {
        self.active.clear();
    }

    pub fn active_count(&self) -> usize {
        self.active.len()
    }

    pub fn reset_throttle(&mut self) {
        self.legacy_logins.reset();
        self.v3_login_failures.reset();
        self.v3_refreshes.reset();
    }
}
