//! A synchronous facade over [`crate::Client`], running on the shared runtime.

use std::time::Duration;

use serde_json::Value;

use crate::config::Config;
use crate::error::Result;
use crate::generation::ApiGeneration;
use crate::models::{PeerDetail, PeerStatus, ProviderRegistration};
use crate::runtime::block_on;
use crate::transport::RequestBody;

/// Blocking client: the same calls as [`crate::Client`], waiting for each answer.
#[derive(Clone, Debug)]
pub struct Client {
    inner: crate::Client,
}

impl Client {
    pub fn new(config: Config) -> Result<Client> {
        Ok(Client { inner: crate::Client::new(config)? })
    }

    pub fn config(&self) -> &Config {
        self.inner.config()
    }

    /// The asynchronous client behind this one (they share the session).
    pub fn as_async(&self) -> &crate::Client {
        &self.inner
    }

    pub fn saved_session(&self) -> Option<crate::SavedSession> {
        self.inner.saved_session()
    }
    pub fn resume(&self, saved: &crate::SavedSession) -> bool {
        self.inner.resume(saved)
    }
    pub fn api_generation(&self) -> Result<ApiGeneration> {
        block_on(self.inner.api_generation())?
    }
    pub fn login(&self) -> Result<()> {
        block_on(self.inner.login())?
    }
    pub fn logout(&self) -> Result<()> {
        block_on(self.inner.logout())?
    }
    pub fn peer_statuses(&self) -> Result<Vec<PeerStatus>> {
        block_on(self.inner.peer_statuses())?
    }
    pub fn peer(&self, id: &str) -> Result<PeerDetail> {
        block_on(self.inner.peer(id))?
    }
    pub fn provider_registrations(&self) -> Result<Vec<ProviderRegistration>> {
        block_on(self.inner.provider_registrations())?
    }
    pub fn ping(&self) -> Result<Duration> {
        block_on(self.inner.ping())?
    }
    pub fn request(
        &self,
        method: &str,
        path: &str,
        query: Vec<(String, String)>,
        body: Option<RequestBody>,
    ) -> Result<Value> {
        block_on(self.inner.request(method, path, query, body))?
    }
}
