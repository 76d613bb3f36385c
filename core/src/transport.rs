//! HTTP exchange with one MikoPBX server: URL building, timeouts, bounded retries and the
//! mapping of transport failures onto [`Error`].

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use url::Url;

use crate::caller_thread;
use crate::config::Config;
use crate::error::{Error, Result, excerpt};
use crate::pacing::{Pacer, Pacing};

/// A body to send with a request.
#[derive(Clone)]
pub enum RequestBody {
    /// Sent as the raw JSON document (`application/json`).
    Json(Value),
    /// Sent as `application/x-www-form-urlencoded`.
    Form(Vec<(String, String)>),
}

/// Shows form keys only: a login form carries a password.
impl std::fmt::Debug for RequestBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RequestBody::Json(_) => f.write_str("Json(..)"),
            RequestBody::Form(pairs) => {
                f.debug_tuple("Form").field(&pairs.iter().map(|(k, _)| k).collect::<Vec<_>>()).finish()
            }
        }
    }
}

/// One request, relative to the server's base URL.
#[derive(Debug, Clone)]
pub(crate) struct Request<'a> {
    pub method: Method,
    /// Path below the base URL, without a leading slash (`pbxcore/api/sip/getRegistry`).
    pub path: &'a str,
    pub query: &'a [(String, String)],
    pub body: Option<&'a RequestBody>,
    /// Extra headers (e.g. `X-Requested-With`).
    pub headers: &'a [(HeaderName, &'static str)],
    /// Safe to send again after a connection error or a 429/502/503/504.
    pub idempotent: bool,
}

impl<'a> Request<'a> {
    pub fn get(path: &'a str) -> Self {
        Request { method: Method::GET, path, query: &[], body: None, headers: &[], idempotent: true }
    }
}

/// Authentication material for one request: a `Cookie` or `Authorization` header.
pub(crate) type AuthHeader = (HeaderName, HeaderValue);

/// An HTTP answer read in full.
#[derive(Debug)]
pub(crate) struct Response {
    pub url: String,
    pub status: u16,
    pub headers: HeaderMap,
    pub body: bytes::Bytes,
}

impl Response {
    /// True for `text/plain` answers (nginx's `PONG`).
    pub fn is_plain_text(&self) -> bool {
        self.headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/plain"))
    }

    /// The value of the last `Set-Cookie` header named `name`: PHP's
    /// `session_regenerate_id` may send several, and the browser keeps the last.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.headers.get_all(reqwest::header::SET_COOKIE).iter().rev().find_map(|header| {
            let pair = header.to_str().ok()?.split(';').next()?;
            let (key, value) = pair.split_once('=')?;
            (key.trim() == name).then(|| value.trim())
        })
    }

    /// 2026.1's rate-limit block: a plain-text `429 Too many requests` from its nginx
    /// (docs/server-notes.md, "Rate limit"). Other 429s are retried as usual.
    pub fn is_lockout(&self) -> bool {
        self.status == 429 && self.body.trim_ascii().eq_ignore_ascii_case(b"Too many requests")
    }

    pub fn is_redirect(&self) -> bool {
        (300..400).contains(&self.status)
    }

    /// An error for a status the caller cannot use; a redirect names its target.
    pub fn status_error(&self) -> Error {
        let message = match self.headers.get(reqwest::header::LOCATION).and_then(|v| v.to_str().ok()) {
            Some(target) if self.is_redirect() => {
                format!("redirected to {target}; configure that URL (e.g. https://) instead")
            }
            _ => excerpt(&self.body),
        };
        Error::Http { url: self.url.clone(), status: self.status, message }
    }

    /// The `Retry-After` header in seconds, if the server sent one.
    pub fn retry_after(&self) -> Option<Duration> {
        self.headers
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs)
    }
}

tokio::task_local! {
    /// When the public call that this request serves must be over (set by the client for
    /// the whole call: probe, login, attempts and pauses).
    pub(crate) static DEADLINE: tokio::time::Instant;
}

/// Time left before the call's deadline; `None` outside a call.
fn time_left() -> Option<Duration> {
    DEADLINE.try_with(|deadline| deadline.saturating_duration_since(tokio::time::Instant::now())).ok()
}

/// First pause between retries; doubled each attempt up to [`MAX_BACKOFF`].
const BASE_BACKOFF: Duration = Duration::from_millis(200);
const MAX_BACKOFF: Duration = Duration::from_secs(5);
/// A `Retry-After` longer than this is not waited for; the error is returned instead.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

#[derive(Debug)]
pub(crate) struct Transport {
    http: reqwest::Client,
    base: Url,
    retries: u32,
    connect_timeout: Duration,
    request_timeout: Duration,
    max_response_bytes: usize,
    pacing: Pacing,
    /// Shared with every client of this server (`pacing`).
    pacer: Arc<Pacer>,
}

impl Transport {
    pub fn new(config: &Config) -> Result<Transport> {
        Ok(Transport {
            http: Transport::http_client(config)?,
            base: config.base_url.clone(),
            retries: config.retries,
            connect_timeout: config.connect_timeout,
            request_timeout: config.request_timeout,
            max_response_bytes: config.max_response_bytes,
            pacing: config.pacing,
            pacer: Pacer::shared(&config.base_url, config.pacing, config.max_in_flight),
        })
    }

    /// An HTTP client with the configuration's settings. Its connections belong to the runtime
    /// they are opened on: the shared one, or a caller's (`caller_thread`).
    pub fn http_client(config: &Config) -> Result<reqwest::Client> {
        let builder = reqwest::Client::builder()
            .user_agent(config.user_agent.clone())
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            // Redirects could carry the session to another host; MikoPBX's HTTP→HTTPS
            // redirect also turns POST into GET. Use the https URL instead.
            .redirect(reqwest::redirect::Policy::none());
        crate::tls::apply(builder, &config.tls)?
            .build()
            .map_err(|e| Error::invalid(format!("cannot build the HTTP client: {e}")))
    }

    /// Tells the pacer the server's generation: under `Pacing::Auto` only v3 is paced.
    pub fn server_is_legacy(&self) {
        self.pacer.server_is_legacy(self.pacing);
    }

    /// The URL of a path below the base URL; a path that would leave the base URL's path
    /// prefix (the session must not travel to `/pbx2/` from `/pbx1/`) is refused.
    pub fn url(&self, path: &str) -> Result<Url> {
        let url = self
            .base
            .join(path.trim_start_matches('/'))
            .map_err(|e| Error::invalid(format!("bad request path: {e}")))?;
        // The origin compared part by part: `Url::origin` allocates, and this runs per request.
        let same_origin = url.scheme() == self.base.scheme()
            && url.host_str() == self.base.host_str()
            && url.port_or_known_default() == self.base.port_or_known_default();
        if !same_origin || !url.path().starts_with(self.base.path()) {
            return Err(Error::invalid("request path leaves the configured base URL"));
        }
        Ok(url)
    }

    /// Sends the request, retrying idempotent ones on connection errors and 429/502/503/504.
    pub async fn send(&self, request: &Request<'_>, auth: &[AuthHeader]) -> Result<Response> {
        let mut url = self.url(request.path)?;
        if !request.query.is_empty() {
            url.query_pairs_mut().extend_pairs(request.query);
        }
        let shown_url = url.as_str();
        let mut attempt = 0;
        loop {
            let permit = self.pacer.admit(shown_url, time_left()).await?;
            let outcome = self.send_once(request, auth, &url, shown_url).await;
            drop(permit);
            if let Ok(response) = &outcome
                && response.is_lockout()
            {
                return Err(self.pacer.locked_out(shown_url, response.retry_after()));
            }
            let retry_in = match &outcome {
                _ if !request.idempotent || attempt >= self.retries => None,
                Ok(response) => retry_delay(response, attempt),
                Err(Error::Transport { .. }) => Some(backoff(attempt)),
                Err(_) => None,
            };
            // A pause that would outlast the call's deadline is not taken: the last answer
            // is a better error than a timeout.
            let retry_in = retry_in.filter(|delay| time_left().is_none_or(|left| *delay < left));
            match retry_in {
                Some(delay) => {
                    tracing::debug!(url = %shown_url, attempt, ?delay, "retrying");
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                None => return outcome,
            }
        }
    }

    async fn send_once(
        &self,
        request: &Request<'_>,
        auth: &[AuthHeader],
        url: &Url,
        shown_url: &str,
    ) -> Result<Response> {
        let caller_http = caller_thread::http_client(self);
        let mut builder = caller_http.as_ref().unwrap_or(&self.http).request(request.method.clone(), url.clone());
        for (name, value) in request.headers {
            builder = builder.header(name, *value);
        }
        for (name, value) in auth {
            builder = builder.header(name, value);
        }
        builder = match request.body {
            Some(RequestBody::Json(value)) => builder.json(value),
            Some(RequestBody::Form(pairs)) => builder.form(pairs),
            None => builder,
        };
        if let Some(left) = time_left() {
            if left.is_zero() {
                return Err(Error::Timeout { url: shown_url.to_owned(), after: self.request_timeout });
            }
            builder = builder.timeout(left.min(self.request_timeout));
        }
        tracing::debug!(method = %request.method, url = %shown_url, "request");
        let mut response = builder.send().await.map_err(|e| self.map_error(e, shown_url))?;
        let status = response.status().as_u16();
        let headers = std::mem::take(response.headers_mut());
        let body = self.read_body(response, shown_url).await?;
        tracing::debug!(url = %shown_url, status, bytes = body.len(), "response");
        Ok(Response { url: shown_url.to_owned(), status, headers, body })
    }

    /// Reads the body, refusing it as soon as it grows past `max_response_bytes`.
    async fn read_body(&self, mut response: reqwest::Response, url: &str) -> Result<bytes::Bytes> {
        let limit = self.max_response_bytes;
        let too_large = |start: &[u8]| Error::Decode {
            url: url.to_owned(),
            message: format!("the answer is larger than {limit} bytes (max_response_bytes); it was not read"),
            excerpt: excerpt(start),
        };
        match response.content_length() {
            // hyper never reads past a declared length, so this read is bounded.
            Some(length) if length <= limit as u64 => {
                return response.bytes().await.map_err(|e| self.map_error(e, url));
            }
            Some(_) => return Err(too_large(&[])),
            None => {}
        }
        let mut body = bytes::BytesMut::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.map_error(e, url))? {
            if chunk.len() > limit - body.len() {
                return Err(too_large(&body));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    }

    fn map_error(&self, error: reqwest::Error, url: &str) -> Error {
        let url = url.to_owned();
        if let Some(tls) = tls_cause(&error) {
            return Error::Tls { url, message: tls };
        }
        if error.is_timeout() {
            let after = if error.is_connect() { self.connect_timeout } else { self.request_timeout };
            return Error::Timeout { url, after };
        }
        Error::Transport { url, message: error_chain(&error) }
    }
}

/// How long to wait before retrying this answer, if it is worth retrying at all.
fn retry_delay(response: &Response, attempt: u32) -> Option<Duration> {
    let status = StatusCode::from_u16(response.status).ok()?;
    if !matches!(
        status,
        StatusCode::TOO_MANY_REQUESTS
            | StatusCode::BAD_GATEWAY
            | StatusCode::SERVICE_UNAVAILABLE
            | StatusCode::GATEWAY_TIMEOUT
    ) {
        return None;
    }
    match response.retry_after() {
        Some(delay) if delay > MAX_RETRY_AFTER => None,
        Some(delay) => Some(delay),
        None => Some(backoff(attempt)),
    }
}

fn backoff(attempt: u32) -> Duration {
    BASE_BACKOFF.saturating_mul(1 << attempt.min(16)).min(MAX_BACKOFF)
}

/// The TLS failure behind a connection error, if that is what it was.
fn tls_cause(error: &reqwest::Error) -> Option<String> {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(err) = current {
        if let Some(tls) = err.downcast_ref::<rustls::Error>() {
            return Some(crate::tls::describe(tls));
        }
        // io::Error::source() skips the error it wraps; step into it instead.
        current = match err.downcast_ref::<std::io::Error>() {
            Some(io) => io.get_ref().map(|inner| inner as &(dyn std::error::Error + 'static)),
            None => err.source(),
        };
    }
    None
}

/// The error and its causes in one line (reqwest's own message alone is vague).
fn error_chain(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(err) = source {
        let part = err.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = err.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff(0), Duration::from_millis(200));
        assert_eq!(backoff(2), Duration::from_millis(800));
        assert_eq!(backoff(30), MAX_BACKOFF);
    }
}
