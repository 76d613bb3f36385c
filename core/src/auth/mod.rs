//! Sessions: lazy login, renewal after expiry shared by concurrent callers (single flight),
//! logout. The per-generation login exchanges live in submodules.

mod legacy;

use std::sync::RwLock;

use reqwest::header::{AUTHORIZATION, HeaderValue};
use secrecy::ExposeSecret;

use crate::config::Credentials;
use crate::error::{Error, Result};
use crate::generation::ApiGeneration;
use crate::transport::{AuthHeader, Transport};

/// The authentication to attach to one request, and which session it belongs to.
#[derive(Clone)]
pub(crate) struct Grant {
    pub header: Option<AuthHeader>,
    epoch: u64,
}

#[derive(Default)]
struct Current {
    header: Option<AuthHeader>,
    /// Counts sessions; a caller that saw 401 under epoch N only renews if N is current.
    epoch: u64,
}

pub(crate) struct Session {
    credentials: Credentials,
    current: RwLock<Current>,
    /// Held while logging in or out, so concurrent callers share one login.
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

    fn snapshot(&self) -> Grant {
        let current = self.current.read().unwrap_or_else(|p| p.into_inner());
        Grant { header: current.header.clone(), epoch: current.epoch }
    }

    fn store(&self, header: Option<AuthHeader>) -> Grant {
        let mut current = self.current.write().unwrap_or_else(|p| p.into_inner());
        current.header = header;
        current.epoch += 1;
        Grant { header: current.header.clone(), epoch: current.epoch }
    }

    /// The authentication for the next request, logging in first if there is no session.
    /// No request is ever sent unauthenticated while credentials are configured.
    pub async fn grant(&self, transport: &Transport, generation: ApiGeneration) -> Result<Grant> {
        if let Some(grant) = self.static_grant(generation)? {
            return Ok(grant);
        }
        let grant = self.snapshot();
        if grant.header.is_some() {
            return Ok(grant);
        }
        let _renewal = self.renewal.lock().await;
        let grant = self.snapshot();
        if grant.header.is_some() {
            return Ok(grant);
        }
        self.login_locked(transport, generation).await
    }

    /// Called after the server refused `failed`: logs in again unless another caller already
    /// did since, in which case its session is reused.
    pub async fn renew(&self, transport: &Transport, generation: ApiGeneration, failed: &Grant) -> Result<Grant> {
        if let Some(grant) = self.static_grant(generation)? {
            return Ok(grant);
        }
        let _renewal = self.renewal.lock().await;
        let grant = self.snapshot();
        if grant.epoch != failed.epoch && grant.header.is_some() {
            return Ok(grant);
        }
        self.login_locked(transport, generation).await
    }

    /// Explicit login: always starts a fresh session.
    pub async fn login(&self, transport: &Transport, generation: ApiGeneration) -> Result<()> {
        if self.static_grant(generation)?.is_some() {
            return Ok(());
        }
        let _renewal = self.renewal.lock().await;
        self.login_locked(transport, generation).await.map(drop)
    }

    /// Ends the session on the server, if there is one.
    pub async fn logout(&self, transport: &Transport, generation: ApiGeneration) -> Result<()> {
        let _renewal = self.renewal.lock().await;
        let Some(header) = self.snapshot().header else { return Ok(()) };
        if !matches!(self.credentials, Credentials::Password { .. }) {
            return Ok(());
        }
        self.store(None);
        match generation {
            ApiGeneration::Legacy => legacy::logout(transport, &header).await,
            ApiGeneration::V3 => Err(v3_unsupported()),
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

    async fn login_locked(&self, transport: &Transport, generation: ApiGeneration) -> Result<Grant> {
        let Credentials::Password { login, password } = &self.credentials else {
            return Ok(self.snapshot());
        };
        let header = match generation {
            ApiGeneration::Legacy => legacy::login(transport, login, password).await?,
            ApiGeneration::V3 => return Err(v3_unsupported()),
        };
        Ok(self.store(Some(header)))
    }
}

pub(crate) fn v3_unsupported() -> Error {
    Error::Unsupported {
        message: "this server speaks the v3 API (MikoPBX 2025.1+), which this SDK version does \
                  not support yet; use a MikoPBX ≤ 2024.x server"
            .to_owned(),
    }
}
