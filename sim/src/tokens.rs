//! v3 tokens: JWT access tokens (HS256) and refresh tokens, each with an expiry
//! (reference §2.3; `Lib/Auth/JWTHelper.php` at 2026.1.223).

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;

/// Refresh tokens live 30 days on the real server.
pub const REFRESH_TTL: Duration = Duration::from_secs(30 * 24 * 3600);

#[derive(Debug)]
pub struct Tokens {
    secret: [u8; 32],
    pub access_ttl: Duration,
    /// How long past `exp` an access token is still accepted (`JWTHelper`: 600 s).
    leeway: Duration,
    access: HashMap<String, Instant>,
    refresh: HashMap<String, Instant>,
}

impl Tokens {
    pub fn new(access_ttl: Duration, leeway: Duration) -> Tokens {
        Tokens { secret: rand::random(), access_ttl, leeway, access: HashMap::new(), refresh: HashMap::new() }
    }

    /// A signed JWT like `JWTHelper::generateAccessToken`.
    pub fn issue_access(&mut self, login: &str) -> String {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let header = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"HS256"}"#);
        let payload = json!({
            "userId": login, "role": "admins", "language": "en",
            "iat": now, "nbf": now, "exp": now + self.access_ttl.as_secs(),
        });
        let payload = URL_SAFE_NO_PAD.encode(payload.to_string());
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.secret).expect("HMAC takes any key length");
        mac.update(format!("{header}.{payload}").as_bytes());
        let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        let token = format!("{header}.{payload}.{signature}");
        self.access.insert(token.clone(), Instant::now() + self.access_ttl);
        token
    }

    /// 64 hex characters, like `Random::hex(32)` in `LoginAction`.
    pub fn issue_refresh(&mut self) -> String {
        let token = hex::encode(rand::random::<[u8; 32]>());
        self.refresh.insert(token.clone(), Instant::now() + REFRESH_TTL);
        token
    }

    pub fn access_valid(&self, token: &str) -> bool {
        self.access.get(token).is_some_and(|expiry| Instant::now() < *expiry + self.leeway)
    }

    pub fn refresh_valid(&self, token: &str) -> bool {
        self.refresh.get(token).is_some_and(|expiry| Instant::now() < *expiry)
    }

    pub fn revoke_refresh(&mut self, token: &str) {
        self.refresh.remove(token);
    }

    /// Every access token expires now (as 15 minutes passing would).
    pub fn expire_access(&mut self) {
        self.access.clear();
    }

    pub fn expire_refresh(&mut self) {
        self.refresh.clear();
    }

    pub fn active_count(&self) -> usize {
        let now = Instant::now();
        self.access.values().filter(|expiry| now < **expiry + self.leeway).count()
    }
}
