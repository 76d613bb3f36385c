//! Sessions: lazy login, renewal shared by concurrent callers (single flight), refresh
//! before expiry, logout. The per-generation exchanges live in `legacy` and `v3`.

mod legacy;
mod v3;

use std::sync::RwLock;
use std::time::{Duration, Instant};

use reqwest::header::{AUTHORIZATION, HeaderValue};
use secrecy::ExposeSecret;

use crate::config::Credentials;
use crate::error::{Error, Result};
use crate::generation::ApiGeneration;
use crate::saved_session::SavedSession;
use crate::transport::{AuthHeader, Transport};

/// The authentication to attach to one request, and which session it belongs to.
#[derive(Clone)]
pub(crate) struct Grant {
    pub header: Option<AuthHeader>,
    epoch: u64,
}

/// What a login or refresh yields.
pub(crate) struct Token {
    /// `Cookie: PHPSESSID=…` (legacy) or `Authorization: Bearer <JWT>` (v3).
    header: AuthHeader,
    /// v3: `Cookie: refreshToken=…`, to get a new access token without the password.
    refresh: Option<HeaderValue>,
    /// v3: when to refresh proactively (a little before the access token expires).
    refresh_at: Option<Instant>,
}

/// The access-token lifetime a server may claim is clamped to this range: a huge
/// `expiresIn` must not overflow the clock, a zero one must not make every call refresh.
const MIN_TOKEN_LIFETIME: Duration = Duration::from_secs(1);
const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(86_400);

impl Token {
    fn legacy(header: AuthHeader) -> Token {
        Token { header, refresh: None, refresh_at: None }
    }

    /// Refresh at three quarters of the token's life, at most a minute before expiry.
    fn refresh_time(lifetime: Duration) -> Instant {
        let lifetime = lifetime.clamp(MIN_TOKEN_LIFETIME, MAX_TOKEN_LIFETIME);
        let margin = (lifetime / 4).min(Duration::from_secs(60));
        let now = Instant::now();
        now.checked_add(lifetime.saturating_sub(margin)).unwrap_or(now)
    }

    /// The secret parts of this token's headers (cookie values, bearer token).
    fn secrets(&self) -> impl Iterator<Item = String> + '_ {
        std::iter::once(&self.header.1).chain(self.refresh.as_ref()).filter_map(|value| {
            let text = value.to_str().ok()?;
            let secret = text.split_once('=').map_or(text, |(_, v)| v);
            Some(secret.strip_prefix("Bearer ").unwrap_or(secret).to_owned())
        })
    }
}

/// Why a login failed, so that the session knows whether to try again.
pub(crate) struct LoginFailure {
    pub error: Error,
    pub refusal: Refusal,
}

/// What a failed login says about the next one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// A transient failure (connection, timeout, odd answer): the next call may try again.
    Transient,
    /// The server refused these credentials: sending them again only feeds fail2ban.
    Credentials,
    /// The server throttles logins from this address: wait this long.
    Throttled(Duration),
}

impl From<Error> for LoginFailure {
    fn from(error: Error) -> Self {
        LoginFailure { error, refusal: Refusal::Transient }
    }
}

/// How long to hold off after a throttled login when the server does not say.
pub(crate) const THROTTLE_PAUSE: Duration = Duration::from_secs(60);

#[derive(Default)]
struct Current {
    token: Option<Token>,
    /// Counts sessions; a caller that saw 401 under epoch N only renews if N is current.
    epoch: u64,
    /// Counts finished login attempts; a caller that waited for another's attempt shares its
    /// failure instead of sending the credentials again.
    login_attempts: u64,
    /// The last login's error, while no later one succeeded.
    last_failure: Option<Error>,
    /// Set when the server refused the credentials (until `login()` is called explicitly)
    /// or throttled logins (until the instant).
    refused: Option<(Error, Option<Instant>)>,
}

impl Current {
    fn is_fresh(&self) -> bool {
        self.token.as_ref().is_some_and(|t| t.refresh_at.is_none_or(|at| Instant::now() < at))
    }

    /// The refusal in force, if any.
    fn refusal(&self) -> Option<Error> {
        let (error, until) = self.refused.as_ref()?;
        until.is_none_or(|until| Instant::now() < until).then(|| error.clone())
    }
}

pub(crate) struct Session {
    credentials: Credentials,
    current: RwLock<Current>,
    /// Held while logging in, refreshing or logging out, so concurrent callers share one.
    renewal: tokio::sync::Mutex<()>,
}

impl Session {
    pub fn new(credentials: Credentials) -> Session {
        Session { credentials, current: RwLock::default(), renewal: tokio::sync::Mutex::new(()) }
    }

    pub fn has_credentials(&self) -> bool {
        !matches!(self.credentials, Credentials::None)
    }

    /// Only a login can be renewed; an API key or no credentials fail the same way twice.
    pub fn can_renew(&self) -> bool {
        matches!(self.credentials, Credentials::Password { .. })
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Current> {
        self.current.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Current> {
        self.current.write().unwrap_or_else(|p| p.into_inner())
    }

    /// The secrets of the current session, for redacting error texts.
    pub fn secrets(&self) -> Vec<String> {
        self.read().token.as_ref().map(|token| token.secrets().collect()).unwrap_or_default()
    }

    /// The current session, written down for another process.
    pub fn export(&self, generation: ApiGeneration) -> Option<SavedSession> {
        let current = self.read();
        let token = current.token.as_ref()?;
        let text = |value: &HeaderValue| value.to_str().ok().map(str::to_owned);
        Some(SavedSession {
            generation: generation.as_str().to_owned(),
            header_name: token.header.0.as_str().to_owned(),
            header_value: text(&token.header.1)?,
            refresh_cookie: token.refresh.as_ref().and_then(text),
            refresh_at_unix: token
                .refresh_at
                .and_then(|at| SavedSession::unix_in(at.saturating_duration_since(Instant::now()))),
        })
    }

    /// Continues a session written down by [`Session::export`]; a malformed one is ignored
    /// (the client then logs in as usual).
    pub fn import(&self, saved: &SavedSession) -> bool {
        if !self.can_renew() {
            return false;
        }
        let sensitive = |text: &str| {
            let mut value = HeaderValue::from_str(text).ok()?;
            value.set_sensitive(true);
            Some(value)
        };
        let Ok(name) = reqwest::header::HeaderName::from_bytes(saved.header_name.as_bytes()) else { return false };
        let Some(value) = sensitive(&saved.header_value) else { return false };
        let refresh = saved.refresh_cookie.as_deref().and_then(sensitive);
        let refresh_at = saved.refresh_in().and_then(|left| Instant::now().checked_add(left));
        self.store(Some(Token { header: (name, value), refresh, refresh_at }));
        true
    }

    /// The error to return instead of logging in: a refusal in force, or the failure of an
    /// attempt that finished while this caller waited for it (`seen` attempts before).
    fn shared_failure(&self, seen: u64) -> Option<Error> {
        let current = self.read();
        current.refusal().or_else(|| (current.login_attempts != seen).then(|| current.last_failure.clone()).flatten())
    }

    /// The current grant, if the session exists and needs no refresh yet.
    fn fresh_grant(&self) -> Option<Grant> {
        let current = self.read();
        current
            .is_fresh()
            .then(|| Grant { header: current.token.as_ref().map(|t| t.header.clone()), epoch: current.epoch })
    }

    fn store(&self, token: Option<Token>) -> Grant {
        let mut current = self.write();
        current.token = token;
        current.epoch += 1;
        Grant { header: current.token.as_ref().map(|t| t.header.clone()), epoch: current.epoch }
    }

    /// The authentication for the next request: logs in first if there is no session, and
    /// refreshes a v3 token that is about to expire. No request is ever sent
    /// unauthenticated while credentials are configured.
    pub async fn grant(&self, transport: &Transport, generation: ApiGeneration) -> Result<Grant> {
        if let Some(grant) = self.static_grant(generation)? {
            return Ok(grant);
        }
        if let Some(grant) = self.fresh_grant() {
            return Ok(grant);
        }
        let seen = self.read().login_attempts;
        if let Some(error) = self.shared_failure(seen) {
            return Err(error);
        }
        let _renewal = self.renewal.lock().await;
        if let Some(grant) = self.fresh_grant() {
            return Ok(grant);
        }
        if let Some(error) = self.shared_failure(seen) {
            return Err(error);
        }
        self.renew_locked(transport, generation).await
    }

    /// Called after the server refused `failed`: renews the session unless another caller
    /// already did since, in which case its session is reused.
    pub async fn renew(&self, transport: &Transport, generation: ApiGeneration, failed: &Grant) -> Result<Grant> {
        if let Some(grant) = self.static_grant(generation)? {
            return Ok(grant);
        }
        let seen = self.read().login_attempts;
        let _renewal = self.renewal.lock().await;
        if let Some(grant) = self.fresh_grant().filter(|g| g.epoch != failed.epoch) {
            return Ok(grant);
        }
        if let Some(error) = self.shared_failure(seen) {
            return Err(error);
        }
        self.renew_locked(transport, generation).await
    }

    /// Explicit login: always starts a fresh session, and tries credentials that the server
    /// refused before once more (the caller asked for it).
    pub async fn login(&self, transport: &Transport, generation: ApiGeneration) -> Result<()> {
        if self.static_grant(generation)?.is_some() {
            return Ok(());
        }
        let _renewal = self.renewal.lock().await;
        self.write().refused = None;
        self.login_locked(transport, generation).await.map(drop)
    }

    /// Ends the session on the server, if there is one.
    pub async fn logout(&self, transport: &Transport, generation: ApiGeneration) -> Result<()> {
        let _renewal = self.renewal.lock().await;
        let token = {
            let mut current = self.write();
            current.epoch += 1;
            current.token.take()
        };
        let Some(token) = token else { return Ok(()) };
        tracing::info!("logging out");
        match generation {
            ApiGeneration::Legacy => legacy::logout(transport, &token.header).await,
            ApiGeneration::V3 => v3::logout_renewing(transport, token).await,
        }
    }

    /// Grants that need no login: no credentials, or an API key.
    fn static_grant(&self, generation: ApiGeneration) -> Result<Option<Grant>> {
        match &self.credentials {
            Credentials::None => Ok(Some(Grant { header: None, epoch: 0 })),
            Credentials::ApiKey(key) => {
                if generation == ApiGeneration::Legacy {
                    return Err(Error::Unsupported {
                        message: "API keys need the v3 API (MikoPBX 2025.1+); this server speaks \
                                  the legacy API: use login and password"
                            .to_owned(),
                    });
                }
                let mut value = HeaderValue::from_str(&format!("Bearer {}", key.expose_secret().trim()))
                    .map_err(|_| Error::invalid("api_key contains characters not allowed in a header"))?;
                value.set_sensitive(true);
                Ok(Some(Grant { header: Some((AUTHORIZATION, value)), epoch: 0 }))
            }
            Credentials::Password { .. } => Ok(None),
        }
    }

    /// A v3 refresh when a refresh token is held, else (or when it is refused) a login.
    async fn renew_locked(&self, transport: &Transport, generation: ApiGeneration) -> Result<Grant> {
        let refresh = self.read().token.as_ref().and_then(|t| t.refresh.clone());
        if let Some(refresh) = refresh
            && let Some(token) = v3::refresh(transport, &refresh).await?
        {
            tracing::debug!("access token refreshed");
            return Ok(self.store(Some(token)));
        }
        self.login_locked(transport, generation).await
    }

    async fn login_locked(&self, transport: &Transport, generation: ApiGeneration) -> Result<Grant> {
        let Credentials::Password { login, password } = &self.credentials else {
            return Err(Error::invalid("login needs a login and password"));
        };
        tracing::info!(login = login.as_str(), generation = generation.as_str(), "logging in");
        let outcome = match generation {
            ApiGeneration::Legacy => legacy::login(transport, login, password).await.map(Token::legacy),
            ApiGeneration::V3 => v3::login(transport, login, password).await,
        };
        let mut current = self.write();
        current.login_attempts += 1;
        match outcome {
            Ok(token) => {
                current.last_failure = None;
                current.refused = None;
                drop(current);
                Ok(self.store(Some(token)))
            }
            Err(LoginFailure { error, refusal }) => {
                tracing::warn!(kind = error.kind().as_str(), "login failed: {error}");
                current.last_failure = Some(error.clone());
                current.refused = match refusal {
                    Refusal::Transient => None,
                    Refusal::Credentials => Some((error.clone(), None)),
                    Refusal::Throttled(pause) => {
                        let now = Instant::now();
                        Some((error.clone(), Some(now.checked_add(pause).unwrap_or(now))))
                    }
                };
                Err(error)
            }
        }
    }
}
