//! The asynchronous client: typed calls and the raw escape hatch, one code path for all.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::Method;
use reqwest::header::LOCATION;
use serde_json::{Value, json};

use crate::auth::Session;
use crate::config::{ApiVersion, Config};
use crate::envelope::{self, BodyExpectation};
use crate::error::{Error, Result, excerpt};
use crate::generation::{self, ApiGeneration};
use crate::models::{PeerDetail, PeerStatus, ProviderRegistration};
use crate::runtime::runtime;
use crate::transport::{Request, RequestBody, Response, Transport};

const LEGACY_PEER_STATUSES: &str = "pbxcore/api/sip/getPeersStatuses";
const LEGACY_PEER: &str = "pbxcore/api/sip/getSipPeer";
const LEGACY_REGISTRY: &str = "pbxcore/api/sip/getRegistry";
const V3_PEER_STATUSES: &str = "pbxcore/api/v3/sip:getPeersStatuses";
const V3_REGISTRY: &str = "pbxcore/api/v3/sip:getRegistry";
/// Served by nginx as a static file on both generations, without authentication.
const PING: &str = "pbxcore/api/system/ping";

/// A MikoPBX REST API client. Cheap to clone; clones share the connection pool and session.
/// Safe to use from many tasks and threads at once.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    transport: Transport,
    session: Session,
    generation: tokio::sync::OnceCell<ApiGeneration>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("url", &self.inner.config.base_url.as_str())
            .field("credentials", &self.inner.config.credentials)
            .field("api_version", &self.inner.config.api_version)
            .finish()
    }
}

impl Client {
    pub fn new(config: Config) -> Result<Client> {
        // Surfaces a broken environment (use after fork) at construction, not at first call.
        runtime()?;
        let transport = Transport::new(&config)?;
        let generation = tokio::sync::OnceCell::new();
        match config.api_version {
            ApiVersion::Legacy => generation.set(ApiGeneration::Legacy).ok(),
            ApiVersion::V3 => generation.set(ApiGeneration::V3).ok(),
            ApiVersion::Auto => None,
        };
        let session = Session::new(config.credentials.clone());
        Ok(Client { inner: Arc::new(Inner { config, transport, session, generation }) })
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The server's API generation: forced by the configuration, or probed once and cached.
    pub async fn api_generation(&self) -> Result<ApiGeneration> {
        self.run(|inner| async move { inner.generation().await }).await
    }

    /// Logs in now (otherwise the first call does). Starts a fresh session.
    pub async fn login(&self) -> Result<()> {
        self.run(|inner| async move {
            let generation = inner.generation().await?;
            inner.session.login(&inner.transport, generation).await
        })
        .await
    }

    /// Ends the session on the server. Later calls log in again.
    pub async fn logout(&self) -> Result<()> {
        self.run(|inner| async move {
            let Some(generation) = inner.generation.get().copied() else { return Ok(()) };
            inner.session.logout(&inner.transport, generation).await
        })
        .await
    }

    /// Registration state of every peer (extension).
    pub async fn peer_statuses(&self) -> Result<Vec<PeerStatus>> {
        self.run(|inner| async move {
            let generation = inner.generation().await?;
            let path = match generation {
                ApiGeneration::Legacy => LEGACY_PEER_STATUSES,
                ApiGeneration::V3 => V3_PEER_STATUSES,
            };
            let (url, data) = inner.get_data(path).await?;
            let peers = list_of(&url, data, PeerStatus::from_entry)?;
            Ok(match generation {
                ApiGeneration::Legacy => peers,
                ApiGeneration::V3 => crate::models::fold_webrtc_twins(peers),
            })
        })
        .await
    }

    /// Detail of one peer. An unknown or unregistered peer is a normal result with state
    /// `Unknown` and no contact, as the server reports it.
    pub async fn peer(&self, id: &str) -> Result<PeerDetail> {
        let id = id.trim().to_owned();
        if id.is_empty() {
            return Err(Error::invalid("peer id must not be empty"));
        }
        self.run(|inner| async move {
            match inner.generation().await? {
                ApiGeneration::Legacy => {
                    // The server reads the raw JSON body, whatever the content type (§4.2).
                    let body = RequestBody::Json(json!({ "peer": id }));
                    let request = Request { method: Method::POST, body: Some(&body), ..Request::get(LEGACY_PEER) };
                    let mut document = inner.execute(&request, BodyExpectation::Envelope).await?;
                    Ok(PeerDetail::from_legacy(&id, envelope::take_data(&mut document)))
                }
                ApiGeneration::V3 => {
                    if !id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')) {
                        return Err(Error::invalid(format!("{id:?} is not a valid extension number")));
                    }
                    let path = format!("pbxcore/api/v3/sip/{id}:getStatus");
                    match inner.execute(&Request::get(&path), BodyExpectation::Envelope).await {
                        Ok(mut document) => Ok(PeerDetail::from_v3(&id, envelope::take_data(&mut document))),
                        // v3 answers 422 for an extension it does not know; legacy answers a
                        // normal "UNKNOWN" result, and so does this client on both.
                        Err(Error::Api { status: 422, messages, .. })
                            if messages.iter().any(|m| m.contains("not found")) =>
                        {
                            Ok(PeerDetail::unknown(&id, Value::Null))
                        }
                        Err(e) => Err(e),
                    }
                }
            }
        })
        .await
    }

    /// Registration state of every SIP provider.
    pub async fn provider_registrations(&self) -> Result<Vec<ProviderRegistration>> {
        self.run(|inner| async move {
            let generation = inner.generation().await?;
            let path = match generation {
                ApiGeneration::Legacy => LEGACY_REGISTRY,
                ApiGeneration::V3 => V3_REGISTRY,
            };
            let (url, data) = inner.get_data(path).await?;
            let mut providers = list_of(&url, data, ProviderRegistration::from_entry)?;
            if generation == ApiGeneration::V3 {
                providers.iter_mut().for_each(ProviderRegistration::normalize_v3_id);
            }
            Ok(providers)
        })
        .await
    }

    /// Liveness check (`GET /pbxcore/api/system/ping` → `PONG`, no authentication).
    /// Returns the round-trip time.
    pub async fn ping(&self) -> Result<Duration> {
        self.run(|inner| async move {
            let started = Instant::now();
            let response = inner.transport.send(&Request::get(PING), &[]).await?;
            let elapsed = started.elapsed();
            if response.status == 200 && response.body.trim_ascii() == b"PONG" {
                return Ok(elapsed);
            }
            if response.status != 200 {
                return Err(status_error(&response));
            }
            Err(Error::Decode {
                url: response.url,
                message: "ping did not answer PONG".to_owned(),
                excerpt: excerpt(&response.body),
            })
        })
        .await
    }

    /// Any endpoint, with the same authentication, retries and error handling as the typed
    /// calls. `path` is below the base URL (`/pbxcore/api/system/getDate`) or short
    /// (`system/getDate`, taken as `/pbxcore/api/system/getDate`). Returns the whole JSON
    /// answer; a plain-text answer comes back as a JSON string. GET and HEAD are retried on
    /// transient failures, other methods never.
    pub async fn request(
        &self,
        method: &str,
        path: &str,
        query: Vec<(String, String)>,
        body: Option<RequestBody>,
    ) -> Result<Value> {
        let method = Method::from_bytes(method.trim().to_ascii_uppercase().as_bytes())
            .map_err(|_| Error::invalid(format!("{method:?} is not an HTTP method")))?;
        let path = normalize_path(path)?;
        self.run(|inner| async move {
            let request = Request {
                idempotent: matches!(method, Method::GET | Method::HEAD),
                method,
                path: &path,
                query: &query,
                body: body.as_ref(),
                headers: &[],
            };
            inner.execute(&request, BodyExpectation::Anything).await
        })
        .await
    }

    /// Runs the work on the shared runtime (reqwest's connections live there), and cancels it
    /// when the caller stops waiting.
    async fn run<T, F, Fut>(&self, work: F) -> Result<T>
    where
        F: FnOnce(Arc<Inner>) -> Fut,
        Fut: Future<Output = Result<T>> + Send + 'static,
        T: Send + 'static,
    {
        let mut task = AbortOnDrop(runtime()?.spawn(work(Arc::clone(&self.inner))));
        match (&mut task.0).await {
            Ok(result) => result,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(_) => Err(Error::Transport {
                url: self.inner.config.base_url.to_string(),
                message: "the request was cancelled because the runtime shut down".to_owned(),
            }),
        }
    }
}

/// Aborts the spawned request when the awaiting future is dropped (task cancellation).
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl Inner {
    async fn generation(&self) -> Result<ApiGeneration> {
        self.generation.get_or_try_init(|| generation::detect(&self.transport)).await.copied()
    }

    async fn get_data(&self, path: &str) -> Result<(String, Value)> {
        let mut document = self.execute(&Request::get(path), BodyExpectation::Envelope).await?;
        let url = self.transport.url(path)?.to_string();
        Ok((url, envelope::take_data(&mut document)))
    }

    /// Sends with the session's authentication; on 401 renews the session once (shared with
    /// concurrent callers) and retries once. A second 401 is an authentication error.
    async fn execute(&self, request: &Request<'_>, expect: BodyExpectation) -> Result<Value> {
        let generation = self.generation().await?;
        let grant = self.session.grant(&self.transport, generation).await?;
        let mut response = self.transport.send(request, grant.header.as_slice()).await?;
        if response.status == 401 {
            if !self.session.can_renew() {
                return Err(unauthorized(
                    &response,
                    if self.session.has_credentials() {
                        "the server refused the API key"
                    } else {
                        "the server requires authentication: configure login and password"
                    },
                ));
            }
            let grant = self.session.renew(&self.transport, generation, &grant).await?;
            response = self.transport.send(request, grant.header.as_slice()).await?;
            if response.status == 401 {
                return Err(unauthorized(&response, "the server refused a freshly created session"));
            }
        }
        if (300..400).contains(&response.status) {
            return Err(status_error(&response));
        }
        if response.status == 403 {
            return Err(unauthorized(&response, "the server denies this user access to the endpoint"));
        }
        envelope::decode(&response.url, response.status, response.is_plain_text(), &response.body, expect)
    }
}

fn unauthorized(response: &Response, message: &str) -> Error {
    envelope::authentication_error(&response.url, &response.body, message)
}

/// An error for a status the caller cannot use; redirects name their target.
fn status_error(response: &Response) -> Error {
    let message = match response.headers.get(LOCATION).and_then(|v| v.to_str().ok()) {
        Some(target) => format!("redirected to {target}; configure that URL (e.g. https://) instead"),
        None => excerpt(&response.body),
    };
    Error::Http { url: response.url.clone(), status: response.status, message }
}

/// Reads a list; PHP sends `[]` for an empty list and may send an object for a sparse one.
fn list_of<T>(url: &str, data: Value, parse: fn(Value) -> Result<T, Value>) -> Result<Vec<T>> {
    let entries = match data {
        Value::Array(items) => items,
        Value::Object(map) => map.into_iter().map(|(_, v)| v).collect(),
        Value::Null => Vec::new(),
        other => {
            return Err(Error::Decode {
                url: url.to_owned(),
                message: "data is not a list".to_owned(),
                excerpt: excerpt(other.to_string().as_bytes()),
            });
        }
    };
    entries
        .into_iter()
        .map(|entry| {
            parse(entry).map_err(|entry| Error::Decode {
                url: url.to_owned(),
                message: "a list entry has no \"id\"".to_owned(),
                excerpt: excerpt(entry.to_string().as_bytes()),
            })
        })
        .collect()
}

/// Accepts `/pbxcore/...` (or any path below the base URL) and the short `group/action`.
fn normalize_path(path: &str) -> Result<String> {
    let path = path.trim();
    if path.is_empty() {
        return Err(Error::invalid("request path must not be empty"));
    }
    if path.contains("://") || path.starts_with("//") {
        return Err(Error::invalid("request path must be a path on the configured server, not a URL"));
    }
    let path = path.trim_start_matches('/');
    if path.starts_with("pbxcore/") || path.starts_with("admin-cabinet/") {
        Ok(path.to_owned())
    } else {
        Ok(format!("pbxcore/api/{path}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_accept_php_shapes_and_name_a_bad_entry() {
        use serde_json::json;
        assert!(list_of("u", json!([]), PeerStatus::from_entry).unwrap().is_empty());
        let sparse = list_of("u", json!({"0": {"id": "201", "state": "OK"}}), PeerStatus::from_entry).unwrap();
        assert_eq!(sparse[0].id, "201");
        let err = list_of("u", json!([{"id": "201"}, {"name": "x"}]), PeerStatus::from_entry).unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::Decode);
        assert!(err.to_string().contains("\"name\""), "{err}");
    }

    #[test]
    fn paths_are_normalized() {
        assert_eq!(normalize_path("sip/getRegistry").unwrap(), "pbxcore/api/sip/getRegistry");
        assert_eq!(normalize_path("/pbxcore/api/sip/getRegistry").unwrap(), "pbxcore/api/sip/getRegistry");
        assert!(normalize_path("http://evil/x").is_err());
        assert!(normalize_path("//evil/x").is_err());
    }
}
