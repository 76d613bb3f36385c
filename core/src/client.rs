//! The asynchronous client: typed calls and the raw escape hatch, one code path for all.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::Method;
use secrecy::ExposeSecret;
use serde_json::{Value, json};

use crate::auth::Session;
use crate::config::{ApiVersion, Config};
use crate::envelope::{self, BodyExpectation};
use crate::error::{Error, Result, excerpt};
use crate::generation::{self, ApiGeneration};
use crate::models::{PeerDetail, PeerStatus, ProviderRegistration};
use crate::runtime::{self, runtime};
use crate::saved_session::SavedSession;
use crate::transport::{DEADLINE, Request, RequestBody, Response, Transport};

const LEGACY_PEER_STATUSES: &str = "pbxcore/api/sip/getPeersStatuses";
const LEGACY_PEER: &str = "pbxcore/api/sip/getSipPeer";
const LEGACY_REGISTRY: &str = "pbxcore/api/sip/getRegistry";
const V3_PEER_STATUSES: &str = "pbxcore/api/v3/sip:getPeersStatuses";
const V3_REGISTRY: &str = "pbxcore/api/v3/sip:getRegistry";
const V3_EXTENSION_STATUSES: &str = "pbxcore/api/v3/sip:getStatuses";
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
    /// `runtime::forks()` at construction: the client's connections belong to that process.
    forks: u64,
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
        let forks = runtime::forks();
        Ok(Client { inner: Arc::new(Inner { config, transport, session, generation, forks }) })
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

    /// The current session, to continue it in another process with [`Client::resume`]
    /// (`None` before login, and for API keys or no credentials). It is a secret.
    pub fn saved_session(&self) -> Option<SavedSession> {
        let generation = self.inner.generation.get().copied()?;
        self.inner.session.export(generation)
    }

    /// Continues a session saved by another client of the same server and login, so that no
    /// new login is needed. Returns false (and changes nothing) when it does not fit this
    /// client: other generation, no login configured, or malformed.
    pub fn resume(&self, saved: &SavedSession) -> bool {
        let Some(generation) = saved.generation() else { return false };
        if self.inner.generation.get().is_some_and(|known| *known != generation) {
            return false;
        }
        if !self.inner.session.import(saved) {
            return false;
        }
        // Cannot fail: the generation is unset or equal.
        let _ = self.inner.generation.set(generation);
        true
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
                ApiGeneration::Legacy => crate::models::drop_legacy_trunks(peers),
                ApiGeneration::V3 => {
                    let extensions = inner.v3_extension_numbers().await?;
                    crate::models::fold_webrtc_twins(crate::models::keep_v3_extensions(peers, extensions.as_ref()))
                }
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
                    PeerDetail::from_legacy(&id, envelope::take_data(&mut document))
                        .map_err(|data| peer_data_error(&inner, LEGACY_PEER, &data))
                }
                ApiGeneration::V3 => {
                    // The server's route pattern for ids is `[0-9A-Za-z_-]+`; anything else
                    // would be a 404 for a reason the caller cannot see.
                    if !id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_')) {
                        return Err(Error::invalid(format!("{id:?} is not a valid extension number")));
                    }
                    let path = format!("pbxcore/api/v3/sip/{id}:getStatus");
                    match inner.execute(&Request::get(&path), BodyExpectation::Envelope).await {
                        Ok(mut document) => PeerDetail::from_v3(&id, envelope::take_data(&mut document))
                            .map_err(|data| peer_data_error(&inner, &path, &data)),
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
                return Err(response.status_error());
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
    /// calls. `path` is below the base URL (`/pbxcore/api/v3/system:ping`,
    /// `/pbxcore/api/system/getDate`) or short: `sip/getRegistry` is
    /// `/pbxcore/api/sip/getRegistry` on a legacy server and `/pbxcore/api/v3/sip:getRegistry`
    /// on a v3 server (the few calls v3 renamed, such as `system/getDate` →
    /// `system:datetime`, are mapped); a short path with a `:` (`sip/201:getStatus`) is a
    /// v3 path. Returns the whole JSON answer; a plain-text answer comes back as a JSON
    /// string. GET and HEAD are retried on transient failures, other methods never.
    pub async fn request(
        &self,
        method: &str,
        path: &str,
        query: Vec<(String, String)>,
        body: Option<RequestBody>,
    ) -> Result<Value> {
        let method = Method::from_bytes(method.trim().to_ascii_uppercase().as_bytes())
            .map_err(|_| Error::invalid(format!("{method:?} is not an HTTP method")))?;
        let path = crate::path::RequestPath::parse(path)?;
        self.run(|inner| async move {
            let path = path.resolve(inner.generation().await?);
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

    /// Runs the work on the shared runtime (reqwest's connections live there) under the
    /// call's deadline, cancels it when the caller stops waiting, and cleans the error it
    /// returns of every secret the client knows. A panic becomes an `Internal` error.
    async fn run<T, F, Fut>(&self, work: F) -> Result<T>
    where
        F: FnOnce(Arc<Inner>) -> Fut,
        Fut: Future<Output = Result<T>> + Send + 'static,
        T: Send + 'static,
    {
        if self.inner.forks != runtime::forks() {
            return Err(runtime::forked_client_error());
        }
        let timeout = self.inner.config.request_timeout;
        // `timeout` is at most a day (checked by the configuration): no overflow.
        let deadline = tokio::time::Instant::now() + timeout;
        let base_url = self.inner.config.base_url.to_string();
        let work = work(Arc::clone(&self.inner));
        let call = DEADLINE.scope(deadline, async move {
            tokio::time::timeout_at(deadline, work)
                .await
                .unwrap_or_else(|_| Err(Error::Timeout { url: base_url, after: timeout }))
        });
        let mut task = AbortOnDrop(runtime()?.spawn(call));
        let outcome = match (&mut task.0).await {
            Ok(result) => result,
            Err(e) if e.is_panic() => Err(Error::Internal { message: panic_text(e.into_panic().as_ref()) }),
            Err(_) => Err(Error::Transport {
                url: self.inner.config.base_url.to_string(),
                message: "the request was cancelled because the runtime shut down".to_owned(),
            }),
        };
        outcome.map_err(|error| self.inner.clean(error))
    }
}

/// The message of a caught panic.
fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

/// Aborts the spawned request when the awaiting future is dropped (task cancellation).
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl Inner {
    /// The error with every secret this client knows (credentials, session cookie, tokens)
    /// and every secret-shaped token redacted.
    fn clean(&self, error: Error) -> Error {
        let mut secrets = self.session.secrets();
        match &self.config.credentials {
            crate::Credentials::Password { password, .. } => secrets.push(password.expose_secret().to_owned()),
            crate::Credentials::ApiKey(key) => secrets.push(key.expose_secret().trim().to_owned()),
            crate::Credentials::None => {}
        }
        let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
        error.cleaned(&secrets)
    }

    async fn generation(&self) -> Result<ApiGeneration> {
        self.generation.get_or_try_init(|| generation::detect(&self.transport)).await.copied()
    }

    /// The extension numbers of a v3 server (`sip:getStatuses`, which lists enabled SIP
    /// extensions only), to tell extensions from trunks in its peer list; `None` when the
    /// server lacks the call (early 2025.x).
    async fn v3_extension_numbers(&self) -> Result<Option<std::collections::HashSet<String>>> {
        let query = [("simplified".to_owned(), "true".to_owned())];
        let request = Request { query: &query, ..Request::get(V3_EXTENSION_STATUSES) };
        match self.execute(&request, BodyExpectation::Envelope).await {
            Ok(mut document) => Ok(Some(match envelope::take_data(&mut document) {
                Value::Object(map) => map.into_iter().map(|(number, _)| number).collect(),
                _ => std::collections::HashSet::new(),
            })),
            Err(Error::Http { status: 404, .. } | Error::Api { status: 404 | 405, .. }) => {
                tracing::debug!("no sip:getStatuses on this server; trunks are told from extensions by their ids");
                Ok(None)
            }
            Err(e) => Err(e),
        }
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
        if response.is_redirect() {
            return Err(response.status_error());
        }
        if response.status == 403 {
            return Err(unauthorized(&response, "the server denies this user access to the endpoint"));
        }
        decode_off_the_runtime(response, expect).await
    }
}

/// Bodies at least this large are parsed on a blocking thread, so one huge answer cannot
/// stall every other call of the process on the runtime's few workers.
const BLOCKING_DECODE_BYTES: usize = 256 * 1024;

async fn decode_off_the_runtime(response: Response, expect: BodyExpectation) -> Result<Value> {
    let decode = move |response: Response| {
        envelope::decode(&response.url, response.status, response.is_plain_text(), &response.body, expect)
    };
    if response.body.len() < BLOCKING_DECODE_BYTES {
        return decode(response);
    }
    tokio::task::spawn_blocking(move || decode(response))
        .await
        .unwrap_or_else(|e| Err(Error::Internal { message: format!("decoding the answer failed: {e}") }))
}

fn unauthorized(response: &Response, message: &str) -> Error {
    envelope::authentication_error(&response.url, &response.body, message)
}

/// A peer answer whose `data` is not an object.
fn peer_data_error(inner: &Inner, path: &str, data: &Value) -> Error {
    Error::Decode {
        url: inner.transport.url(path).map(|u| u.to_string()).unwrap_or_default(),
        message: "the peer answer's \"data\" is not an object".to_owned(),
        excerpt: excerpt(data.to_string().as_bytes()),
    }
}

/// Reads a list; PHP sends `[]` for an empty list and may send an object for a sparse one.
fn list_of<T>(url: &str, data: Value, parse: fn(Value) -> Result<T, Value>) -> Result<Vec<T>> {
    let entries = match data {
        Value::Array(items) => items,
        Value::Object(map) => map.into_iter().map(|(_, v)| v).collect(),
        Value::Null => {
            return Err(Error::Decode {
                url: url.to_owned(),
                message: "the answer has no \"data\" list".to_owned(),
                excerpt: String::new(),
            });
        }
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

    #[tokio::test(flavor = "multi_thread", worker_threads = 1)]
    async fn a_panic_in_a_call_is_an_internal_error() {
        let client = Client::new(Config::builder("http://127.0.0.1:1").build().unwrap()).unwrap();
        let should_panic = !client.config().base_url().as_str().is_empty();
        let err = client
            .run(|_| async move {
                if should_panic {
                    panic!("boom in a call");
                }
                Ok(())
            })
            .await
            .unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::Internal);
        assert!(err.to_string().contains("boom in a call"), "{err}");
    }
}
