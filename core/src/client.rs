//! The asynchronous client: typed calls and the raw escape hatch, one code path for all.

use std::future::Future;
use std::sync::Arc;

use secrecy::ExposeSecret;
use serde_json::Value;

use crate::auth::Session;
use crate::caller_thread::{self, CallerSlot};
use crate::config::{ApiVersion, Config};
use crate::envelope::{self, BodyExpectation};
use crate::error::{Error, Result};
use crate::generation::{self, ApiGeneration};
use crate::list_entry::ListEntry;
use crate::runtime::{self, runtime};
use crate::saved_session::SavedSession;
use crate::transport::{DEADLINE, Request, Response, Transport};

/// A MikoPBX REST API client. Cheap to clone; clones share the connection pool and session.
/// Safe to use from many tasks and threads at once.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) config: Config,
    pub(crate) transport: Transport,
    pub(crate) session: Session,
    generation: tokio::sync::OnceCell<ApiGeneration>,
    /// Where blocking calls are driven on their caller's thread.
    caller: CallerSlot,
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
        let caller = CallerSlot::default();
        Ok(Client { inner: Arc::new(Inner { config, transport, session, generation, caller, forks }) })
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
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

    /// Waits for a call of this client (a future of its operations), driving it on this
    /// thread when it can (`caller_thread`), else on the shared runtime. An error only when
    /// the shared runtime cannot start.
    pub(crate) fn wait<F>(&self, call: F) -> Result<F::Output>
    where
        F: Future + Send,
        F::Output: Send,
    {
        match self.inner.caller.block_on(&self.inner.transport, &self.inner.config, call) {
            Ok(output) => Ok(output),
            Err(call) => runtime::block_on(call),
        }
    }

    /// Waits for a call of this client (a future of its operations) as
    /// [`crate::block_on_interruptible`] does, asking `interrupted` every `check_every`
    /// whether the caller wants to stop (e.g. Python's Ctrl-C); an interruption cancels the
    /// call and returns the interruption's value. The call is driven on this thread when
    /// nothing else drives this client's calls here, which spares two thread wake-ups a call.
    pub fn wait_interruptible<T, I>(
        &self,
        call: impl Future<Output = Result<T>> + Send + 'static,
        check_every: std::time::Duration,
        mut interrupted: impl FnMut() -> Option<I>,
    ) -> std::result::Result<Result<T>, I>
    where
        T: Send + 'static,
    {
        let (transport, config) = (&self.inner.transport, &self.inner.config);
        match self.inner.caller.block_on_interruptible(transport, config, call, check_every, &mut interrupted) {
            Ok(outcome) => outcome,
            Err(call) => runtime::block_on_interruptible(call, check_every, interrupted),
        }
    }

    /// Runs the work under the call's deadline, cancels it when the caller stops waiting,
    /// and cleans the error it returns of every secret the client knows. A panic becomes an
    /// `Internal` error. The work runs on the shared runtime (where the connections of async
    /// callers live), or right here when the call is driven on its caller's thread.
    pub(crate) async fn run<T, F, Fut>(&self, work: F) -> Result<T>
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
        let outcome = if caller_thread::is_driving() {
            // The work lives on the heap, not on the caller's stack, which may be small (a JVM
            // thread's, a Python thread's): nested, a call's futures take hundreds of KiB.
            let call = std::panic::AssertUnwindSafe(Box::pin(call));
            futures_util::FutureExt::catch_unwind(call)
                .await
                .unwrap_or_else(|panic| Err(Error::Internal { message: panic_text(panic.as_ref()) }))
        } else {
            let mut task = AbortOnDrop(runtime()?.spawn(call));
            match (&mut task.0).await {
                Ok(result) => result,
                Err(e) if e.is_panic() => Err(Error::Internal { message: panic_text(e.into_panic().as_ref()) }),
                Err(_) => Err(Error::Transport {
                    url: self.inner.config.base_url.to_string(),
                    message: "the request was cancelled because the runtime shut down".to_owned(),
                }),
            }
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

    pub(crate) async fn generation(&self) -> Result<ApiGeneration> {
        let generation = *self.generation.get_or_try_init(|| generation::detect(&self.transport)).await?;
        if generation == ApiGeneration::Legacy {
            self.transport.server_is_legacy();
        }
        Ok(generation)
    }

    /// The generation if it is known already (configured, probed or resumed).
    pub(crate) fn known_generation(&self) -> Option<ApiGeneration> {
        self.generation.get().copied()
    }

    /// The full URL of a path below the base URL, for error messages.
    pub(crate) fn url(&self, path: &str) -> String {
        self.transport.url(path).map(|u| u.to_string()).unwrap_or_default()
    }

    /// The `data` of a GET answer, with the URL it came from.
    pub(crate) async fn get_data(&self, path: &str) -> Result<(String, Value)> {
        let mut document = self.execute(&Request::get(path), BodyExpectation::Envelope).await?;
        let url = self.url(path);
        Ok((url, envelope::take_data(&mut document)))
    }

    /// The list in the `data` of a GET answer, each entry read into a `T` straight from the
    /// answer's text (`list_entry`: no tree, no copy), where the answer is decoded: off the
    /// runtime for a big answer.
    pub(crate) async fn read_list<T: ListEntry + Send + 'static>(&self, path: &str) -> Result<Vec<T>> {
        let response = self.send(&Request::get(path)).await?;
        off_the_runtime(response, move |response: Response| {
            envelope::read_list(&response.url, response.status, response.is_plain_text(), &response.body)
        })
        .await
    }

    /// Sends with the session's authentication and decodes the answer.
    pub(crate) async fn execute(&self, request: &Request<'_>, expect: BodyExpectation) -> Result<Value> {
        let response = self.send(request).await?;
        off_the_runtime(response, move |response: Response| {
            envelope::decode(&response.url, response.status, response.is_plain_text(), &response.body, expect)
        })
        .await
    }

    /// Sends with the session's authentication; on 401 renews the session once (shared with
    /// concurrent callers) and retries once. A second 401 is an authentication error, a
    /// redirect or a 403 an error too; any other answer is returned to be decoded.
    async fn send(&self, request: &Request<'_>) -> Result<Response> {
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
            tracing::info!("the server ended the session (401): renewing it");
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
        Ok(response)
    }
}

/// Bodies at least this large are parsed on a blocking thread, so one huge answer cannot
/// stall every other call of the process on the runtime's few workers.
const BLOCKING_DECODE_BYTES: usize = 256 * 1024;

async fn off_the_runtime<T: Send + 'static>(
    response: Response,
    decode: impl FnOnce(Response) -> Result<T> + Send + 'static,
) -> Result<T> {
    // A thread that drives its own call keeps no one else waiting.
    if response.body.len() < BLOCKING_DECODE_BYTES || caller_thread::is_driving() {
        return decode(response);
    }
    tokio::task::spawn_blocking(move || decode(response))
        .await
        .unwrap_or_else(|e| Err(Error::Internal { message: format!("decoding the answer failed: {e}") }))
}

fn unauthorized(response: &Response, message: &str) -> Error {
    envelope::authentication_error(&response.url, response.status, &response.body, message)
}

#[cfg(test)]
mod tests {
    use super::*;

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
