//! Keeping a client under the server's limits by itself: a token bucket of requests per
//! minute, a cap on requests in flight, and a remembered lock-out.
//!
//! Why (docs/server-notes.md, "Rate limit"): 2026.1 counts `/pbxcore/api` requests per
//! client address in fixed 60 s windows and, past 200 in one window, answers a plain-text
//! `429 Too many requests` and blocks the address for 300 s (doubling up to an hour), with no
//! `Retry-After`. Backing off after the 429 is too late, so the client paces itself before.
//! Loopback addresses are exempt on the server, so `Auto` does not pace them. The server runs
//! its API through three workers, so a few requests in flight are all it can use.
//!
//! One [`Pacer`] serves every client of the same origin with the same settings in this
//! process (clones included), so that ten clients of one PBX share one budget.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Mutex, PoisonError, Weak};
use std::time::Duration;

use tokio::sync::{Semaphore, SemaphorePermit};
use tokio::time::Instant;
use url::{Host, Url};

use crate::error::{Error, Result};

/// How the client paces its requests to one server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Pacing {
    /// [`AUTO_REQUESTS_PER_MINUTE`] (bursts of [`MAX_BURST`]) to a v3 server that is not on
    /// a loopback address; no pacing of legacy servers, which have no such limit.
    #[default]
    Auto,
    /// At most this many requests a minute to the server, whatever its generation, in
    /// bursts of up to [`MAX_BURST`] (fewer when the rate is lower).
    PerMinute(u32),
    /// No pacing.
    Off,
}

/// Requests a minute under `Auto`: with bursts of 20, at most 170 requests in any minute,
/// below the 200 at which 2026.1 blocks the address, leaving room for a browser.
pub const AUTO_REQUESTS_PER_MINUTE: u32 = 150;
/// The largest burst the bucket allows.
pub const MAX_BURST: u32 = 20;
/// Requests in flight to one server by default: its three API workers, plus one being read.
pub const DEFAULT_MAX_IN_FLIGHT: u32 = 4;
/// More in flight than this is a mistake (the server queues them, then answers 503).
pub const MAX_IN_FLIGHT: u32 = 64;
/// How long 2026.1 blocks an address at its first offence; later ones last longer.
pub const LOCKOUT: Duration = Duration::from_secs(300);

/// The shared state of the clients of one server.
#[derive(Debug)]
pub(crate) struct Pacer {
    /// `None` under `Off`.
    bucket: Option<Mutex<Bucket>>,
    in_flight: Semaphore,
    /// Under `Auto`: set once the server turns out to be legacy (or is on loopback).
    exempt: AtomicBool,
    /// Until when the server said this address is blocked.
    locked_until: Mutex<Option<Instant>>,
    requests_per_minute: u32,
}

#[derive(Debug)]
struct Bucket {
    /// May go below zero: each caller reserves its token and waits for it to be refilled.
    tokens: f64,
    capacity: f64,
    per_second: f64,
    refilled: Instant,
}

impl Bucket {
    /// Takes a token and returns how long to wait before using it.
    fn reserve(&mut self, now: Instant) -> Duration {
        let elapsed = now.saturating_duration_since(self.refilled).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.per_second).min(self.capacity);
        self.refilled = now;
        self.tokens -= 1.0;
        if self.tokens >= 0.0 { Duration::ZERO } else { Duration::from_secs_f64(-self.tokens / self.per_second) }
    }

    /// Gives back a token that will not be used.
    fn release(&mut self) {
        self.tokens = (self.tokens + 1.0).min(self.capacity);
    }
}

type PacerKey = (String, Pacing, u32);

static PACERS: LazyLock<Mutex<HashMap<PacerKey, Weak<Pacer>>>> = LazyLock::new(Mutex::default);

impl Pacer {
    /// The pacer of this server and these settings, shared with every other client that has
    /// them.
    pub fn shared(base: &Url, pacing: Pacing, max_in_flight: u32) -> Arc<Pacer> {
        let key = (base.origin().ascii_serialization(), pacing, max_in_flight);
        let mut pacers = PACERS.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(pacer) = pacers.get(&key).and_then(Weak::upgrade) {
            return pacer;
        }
        pacers.retain(|_, pacer| pacer.strong_count() > 0);
        let pacer = Arc::new(Pacer::new(pacing, max_in_flight, is_loopback(base)));
        pacers.insert(key, Arc::downgrade(&pacer));
        pacer
    }

    fn new(pacing: Pacing, max_in_flight: u32, loopback: bool) -> Pacer {
        let requests_per_minute = match pacing {
            Pacing::Auto => AUTO_REQUESTS_PER_MINUTE,
            Pacing::PerMinute(rate) => rate,
            Pacing::Off => 0,
        };
        let bucket = (requests_per_minute > 0).then(|| {
            let capacity = f64::from(requests_per_minute.min(MAX_BURST));
            Mutex::new(Bucket {
                tokens: capacity,
                capacity,
                per_second: f64::from(requests_per_minute) / 60.0,
                refilled: Instant::now(),
            })
        });
        Pacer {
            bucket,
            // At most MAX_IN_FLIGHT (checked by the configuration): fits any semaphore.
            in_flight: Semaphore::new(max_in_flight as usize),
            exempt: AtomicBool::new(pacing == Pacing::Auto && loopback),
            locked_until: Mutex::new(None),
            requests_per_minute,
        }
    }

    /// Under `Auto`, a legacy server is not paced (it has no rate limit).
    pub fn server_is_legacy(&self, pacing: Pacing) {
        if pacing == Pacing::Auto {
            self.exempt.store(true, Ordering::Relaxed);
        }
    }

    /// Waits for the right to send one request: not during a lock-out, a token of the
    /// bucket, and a place among the requests in flight. Fails at once when the wait would
    /// outlast the call (`time_left`).
    pub async fn admit(&self, url: &str, time_left: Option<Duration>) -> Result<SemaphorePermit<'_>> {
        self.check_lockout(url)?;
        if let Some(bucket) = self.bucket.as_ref().filter(|_| !self.exempt.load(Ordering::Relaxed)) {
            let wait = bucket.lock().unwrap_or_else(PoisonError::into_inner).reserve(Instant::now());
            if !wait.is_zero() {
                if time_left.is_some_and(|left| wait >= left) {
                    bucket.lock().unwrap_or_else(PoisonError::into_inner).release();
                    return Err(Error::RateLimited {
                        url: url.to_owned(),
                        message: format!(
                            "the client's pacing ({} requests a minute) would hold this call {:.1} s, \
                             past its timeout; fewer calls at once, a longer timeout or a higher \
                             requests_per_minute would let it through",
                            self.requests_per_minute,
                            wait.as_secs_f64()
                        ),
                        retry_after: Some(wait),
                    });
                }
                tracing::debug!(url, ?wait, "pacing");
                tokio::time::sleep(wait).await;
            }
        }
        self.in_flight.acquire().await.map_err(|_| Error::Internal { message: "the request gate closed".to_owned() })
    }

    /// Remembers a lock-out the server announced (its plain-text 429) and returns its error.
    pub fn locked_out(&self, url: &str, retry_after: Option<Duration>) -> Error {
        let lasts = retry_after.unwrap_or(LOCKOUT);
        *self.locked_until.lock().unwrap_or_else(PoisonError::into_inner) = Instant::now().checked_add(lasts);
        lockout_error(url, lasts, retry_after.is_some())
    }

    fn check_lockout(&self, url: &str) -> Result<()> {
        let mut locked_until = self.locked_until.lock().unwrap_or_else(PoisonError::into_inner);
        match *locked_until {
            Some(until) if until > Instant::now() => {
                Err(lockout_error(url, until.saturating_duration_since(Instant::now()), true))
            }
            Some(_) => {
                *locked_until = None;
                Ok(())
            }
            None => Ok(()),
        }
    }
}

fn lockout_error(url: &str, left: Duration, known: bool) -> Error {
    let how_long = if known {
        format!("about {} s more", left.as_secs().max(1))
    } else {
        format!(
            "at least {} s (MikoPBX 2026.1 blocks for 300 s, doubling for repeat offences up to an hour)",
            left.as_secs()
        )
    };
    Error::RateLimited {
        url: url.to_owned(),
        message: format!(
            "the server's rate limit has blocked this address for {how_long}; the client sends \
             it nothing until then"
        ),
        retry_after: Some(left),
    }
}

/// A base URL on this machine: 2026.1 does not rate-limit loopback clients.
fn is_loopback(base: &Url) -> bool {
    match base.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bucket_allows_its_burst_then_the_rate() {
        let start = Instant::now();
        let mut bucket = Bucket { tokens: 20.0, capacity: 20.0, per_second: 2.5, refilled: start };
        for _ in 0..20 {
            assert_eq!(bucket.reserve(start), Duration::ZERO);
        }
        assert_eq!(bucket.reserve(start), Duration::from_millis(400));
        assert_eq!(bucket.reserve(start), Duration::from_millis(800));
        // A minute later the reservations are paid and the bucket is full again.
        let later = start + Duration::from_secs(60);
        assert_eq!(bucket.reserve(later), Duration::ZERO);
        assert!(bucket.tokens <= 19.0);
    }

    #[test]
    fn clients_of_one_server_share_a_pacer_and_loopback_is_exempt_under_auto() {
        let url = Url::parse("https://pbx.example.com/").unwrap();
        let a = Pacer::shared(&url, Pacing::Auto, 4);
        let b = Pacer::shared(&url, Pacing::Auto, 4);
        assert!(Arc::ptr_eq(&a, &b));
        assert!(!a.exempt.load(Ordering::Relaxed));
        let other = Pacer::shared(&url, Pacing::PerMinute(60), 4);
        assert!(!Arc::ptr_eq(&a, &other));
        let local = Pacer::shared(&Url::parse("http://127.0.0.1:8080/").unwrap(), Pacing::Auto, 4);
        assert!(local.exempt.load(Ordering::Relaxed));
        let forced = Pacer::shared(&Url::parse("http://127.0.0.1:8080/").unwrap(), Pacing::PerMinute(60), 4);
        assert!(!forced.exempt.load(Ordering::Relaxed));
    }
}
