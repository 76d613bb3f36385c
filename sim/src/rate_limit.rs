//! 2026.1's per-address rate limit, as its nginx Lua (`lua/unified-security.lua`) counts
//! (docs/server-notes.md, "Rate limit"): a counter per client address that starts with the
//! first request and lives one window; the request that takes it past the limit (180 + a
//! burst of 20 by default) blocks the address, and every request of a blocked address gets
//! a plain-text `429 Too many requests` without `Retry-After`. The block lasts 300 s and
//! doubles with each offence up to an hour. Unlike the server, the simulator also limits
//! loopback clients (it is always on loopback).

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

/// The limit's settings; [`RateLimit::default`] is the real server's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateLimit {
    /// Requests allowed in one window, the burst included (the server: 180 + 20).
    pub requests: u32,
    /// The window (the server: 60 s).
    pub window: Duration,
    /// The first block (the server: 300 s); each later offence doubles it, up to an hour.
    pub block: Duration,
}

impl Default for RateLimit {
    fn default() -> Self {
        RateLimit { requests: 200, window: Duration::from_secs(60), block: Duration::from_secs(300) }
    }
}

/// `REQUESTS/WINDOW[/BLOCK]`, seconds (`200/60/300`).
impl std::str::FromStr for RateLimit {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let number = |part: Option<&str>| part.and_then(|p| p.trim().parse::<u32>().ok()).filter(|n| *n > 0);
        let mut parts = text.split('/');
        let requests = number(parts.next());
        let window = number(parts.next());
        let block = match parts.next() {
            None => Some(300),
            some => number(some),
        };
        match (requests, window, block, parts.next()) {
            (Some(requests), Some(window), Some(block), None) => Ok(RateLimit {
                requests,
                window: Duration::from_secs(window.into()),
                block: Duration::from_secs(block.into()),
            }),
            _ => Err(format!("{text:?} is not REQUESTS/WINDOW[/BLOCK] in positive whole numbers")),
        }
    }
}

/// The longest block (the server caps it at an hour).
const MAX_BLOCK: Duration = Duration::from_secs(3600);

#[derive(Debug, Default)]
struct Address {
    window_start: Option<Instant>,
    count: u32,
    blocked_until: Option<Instant>,
    offences: u32,
}

/// The counters of every client address.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    limit: RateLimit,
    addresses: HashMap<IpAddr, Address>,
}

impl RateLimiter {
    pub fn new(limit: RateLimit) -> RateLimiter {
        RateLimiter { limit, addresses: HashMap::new() }
    }

    /// Counts one request; false when the address is (now) blocked.
    pub fn admit(&mut self, client: IpAddr, now: Instant) -> bool {
        let limit = self.limit;
        let address = self.addresses.entry(client).or_default();
        if address.blocked_until.is_some_and(|until| until > now) {
            return false;
        }
        if address.window_start.is_none_or(|start| now.duration_since(start) >= limit.window) {
            address.window_start = Some(now);
            address.count = 0;
        }
        address.count = address.count.saturating_add(1);
        if address.count <= limit.requests {
            return true;
        }
        let block = limit.block.saturating_mul(1 << address.offences.min(12)).min(MAX_BLOCK);
        address.blocked_until = now.checked_add(block);
        address.offences = address.offences.saturating_add(1);
        false
    }
}

/// nginx's answer to a blocked address (`ngx.say` adds the newline).
pub(crate) fn too_many_requests() -> Response {
    (StatusCode::TOO_MANY_REQUESTS, [(header::CONTENT_TYPE, "text/plain")], "Too many requests\n").into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_past_the_limit_blocks_the_address_and_blocks_double() {
        let limit = RateLimit { requests: 3, window: Duration::from_secs(10), block: Duration::from_secs(30) };
        let mut limiter = RateLimiter::new(limit);
        let client = IpAddr::from([10, 0, 0, 1]);
        let start = Instant::now();
        assert!((0..3).all(|_| limiter.admit(client, start)));
        assert!(!limiter.admit(client, start));
        // Blocked past the window's end, free after the block.
        assert!(!limiter.admit(client, start + Duration::from_secs(20)));
        let later = start + Duration::from_secs(31);
        assert!((0..3).all(|_| limiter.admit(client, later)));
        assert!(!limiter.admit(client, later));
        assert!(!limiter.admit(client, later + Duration::from_secs(59)));
        assert!(limiter.admit(client, later + Duration::from_secs(61)));
        // Another address has its own counter.
        assert!(limiter.admit(IpAddr::from([10, 0, 0, 2]), later));
    }
}
