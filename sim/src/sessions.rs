//! PHP sessions of the admin cabinet and the login throttle (reference §2.1).

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rand::distr::{Alphanumeric, SampleString};

/// Fixed window of the login throttle.
pub const THROTTLE_WINDOW_SECS: u64 = 300;

#[derive(Debug)]
pub struct Sessions {
    /// Authenticated sessions (`authAdminCabinet` set) and when they were last used.
    active: HashMap<String, Instant>,
    idle_timeout: Duration,
    /// Login attempts per client address in the current window.
    attempts: HashMap<IpAddr, (u64, u32)>,
    pub login_limit: u32,
}

/// Outcome of counting one login attempt.
pub enum Attempt {
    /// Attempts left in this window after this one.
    Allowed {
        left: u32,
    },
    Throttled,
}

impl Sessions {
    pub fn new(idle_timeout: Duration, login_limit: u32) -> Sessions {
        Sessions { active: HashMap::new(), idle_timeout, attempts: HashMap::new(), login_limit }
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
        self.attempts.clear();
    }

    /// Counts an attempt from `ip` in the current fixed window.
    pub fn count_attempt(&mut self, ip: IpAddr) -> Attempt {
        let window = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()) / THROTTLE_WINDOW_SECS;
        let entry = self.attempts.entry(ip).or_insert((window, 0));
        if entry.0 != window {
            *entry = (window, 0);
        }
        if entry.1 >= self.login_limit {
            return Attempt::Throttled;
        }
        entry.1 += 1;
        Attempt::Allowed { left: self.login_limit - entry.1 }
    }
}
