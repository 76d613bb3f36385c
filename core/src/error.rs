//! The one error type of the SDK. Every binding maps [`ErrorKind`] once.

use std::time::Duration;

/// Stable classification of an [`Error`]; bindings map these to their own error types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// Login failed, the session or token was refused, or no credentials were configured
    /// for a server that requires them.
    Authentication,
    /// The server processed the call and answered `result: false`.
    Api,
    /// The server answered an HTTP error status without a usable envelope.
    Http,
    /// The connection could not be made or broke (refused, reset, DNS, banned IP).
    Transport,
    /// Connecting or waiting for the answer took longer than configured.
    Timeout,
    /// The TLS handshake failed (untrusted certificate, pin mismatch, protocol error).
    Tls,
    /// The answer was not the JSON shape the call expects (HTML page, truncated body).
    Decode,
    /// The caller passed something unusable (bad URL, bad PEM, empty id).
    InvalidInput,
    /// The server's API generation does not offer this call.
    Unsupported,
    /// A bug in this SDK (a panic caught at the boundary); the message says where.
    Internal,
    /// The server's rate limit blocked this address, or the client's own pacing could not
    /// fit the call into its timeout; `retry_after` says for how long.
    RateLimited,
}

impl ErrorKind {
    /// A short, stable, lower-case name (`"authentication"`, `"api"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Authentication => "authentication",
            ErrorKind::Api => "api",
            ErrorKind::Http => "http",
            ErrorKind::Transport => "transport",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Tls => "tls",
            ErrorKind::Decode => "decode",
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::Unsupported => "unsupported",
            ErrorKind::Internal => "internal",
            ErrorKind::RateLimited => "rate_limited",
        }
    }
}

impl std::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error from the client. Messages name the URL involved and never contain a secret.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    #[error("authentication failed at {url}: {message}")]
    Authentication {
        url: String,
        /// The HTTP status of the refusal (401, 403, a login page's 200), when there was one.
        status: Option<u16>,
        message: String,
        /// The server's own messages, when it gave any.
        server_messages: Vec<String>,
    },
    #[error("{url} answered result=false: {}", join_or(messages, "no message"))]
    Api {
        url: String,
        /// HTTP status of the answer (200 for legacy business errors).
        status: u16,
        messages: Vec<String>,
    },
    #[error("{url} answered HTTP {status}: {message}")]
    Http { url: String, status: u16, message: String },
    #[error("cannot reach {url}: {message}")]
    Transport { url: String, message: String },
    #[error("{url} did not answer within {after:?}")]
    Timeout { url: String, after: Duration },
    #[error("TLS failure with {url}: {message}")]
    Tls { url: String, message: String },
    #[error("unexpected answer from {url}: {message}; body starts with: `{excerpt}`")]
    Decode { url: String, message: String, excerpt: String },
    #[error("invalid input: {message}")]
    InvalidInput { message: String },
    #[error("{message}")]
    Unsupported { message: String },
    #[error("internal error in the mikopbx SDK (please report it): {message}")]
    Internal { message: String },
    #[error("{url}: {message}")]
    RateLimited {
        url: String,
        message: String,
        /// How long until a call may succeed, when known.
        retry_after: Option<Duration>,
    },
}

fn join_or(items: &[String], empty: &str) -> String {
    if items.is_empty() { empty.to_owned() } else { items.join("; ") }
}

impl Error {
    /// The stable classification of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Authentication { .. } => ErrorKind::Authentication,
            Error::Api { .. } => ErrorKind::Api,
            Error::Http { .. } => ErrorKind::Http,
            Error::Transport { .. } => ErrorKind::Transport,
            Error::Timeout { .. } => ErrorKind::Timeout,
            Error::Tls { .. } => ErrorKind::Tls,
            Error::Decode { .. } => ErrorKind::Decode,
            Error::InvalidInput { .. } => ErrorKind::InvalidInput,
            Error::Unsupported { .. } => ErrorKind::Unsupported,
            Error::Internal { .. } => ErrorKind::Internal,
            Error::RateLimited { .. } => ErrorKind::RateLimited,
        }
    }

    /// The server's messages for API and authentication errors (empty otherwise).
    pub fn server_messages(&self) -> &[String] {
        match self {
            Error::Api { messages, .. } => messages,
            Error::Authentication { server_messages, .. } => server_messages,
            _ => &[],
        }
    }

    /// The HTTP status, when the error came with one (authentication errors included).
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } | Error::Http { status, .. } => Some(*status),
            Error::Authentication { status, .. } => *status,
            _ => None,
        }
    }

    /// The URL involved, for errors that involve one.
    pub fn url(&self) -> Option<&str> {
        match self {
            Error::Authentication { url, .. }
            | Error::Api { url, .. }
            | Error::Http { url, .. }
            | Error::Transport { url, .. }
            | Error::Timeout { url, .. }
            | Error::Tls { url, .. }
            | Error::Decode { url, .. }
            | Error::RateLimited { url, .. } => Some(url),
            Error::InvalidInput { .. } | Error::Unsupported { .. } | Error::Internal { .. } => None,
        }
    }

    /// Every detail of the error as JSON, with the same names on every surface:
    /// `{"kind", "message", "status", "url", "messages", "excerpt", "retry_after"}` (absent
    /// details are `null`; `messages` is a list; `retry_after` is in seconds).
    pub fn details(&self) -> serde_json::Value {
        serde_json::json!({
            "kind": self.kind().as_str(),
            "message": self.to_string(),
            "status": self.status(),
            "url": self.url(),
            "messages": self.server_messages(),
            "excerpt": self.excerpt(),
            "retry_after": self.retry_after().map(|d| d.as_secs_f64()),
        })
    }

    /// How long until a rate-limited call may succeed, when known.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The start of the body that could not be decoded (decode errors only; secrets redacted).
    pub fn excerpt(&self) -> Option<&str> {
        match self {
            Error::Decode { excerpt, .. } => Some(excerpt),
            _ => None,
        }
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Error::InvalidInput { message: message.into() }
    }

    /// This error with every text cleaned for showing: the given secrets and secret-shaped
    /// tokens redacted, control characters dropped, lengths bounded (`redact`). Every error
    /// a public call returns has been through this.
    pub(crate) fn cleaned(self, secrets: &[&str]) -> Error {
        let clean = |text: String| crate::redact::clean(&text, secrets);
        let clean_all = |texts: Vec<String>| crate::redact::clean_all(&texts, secrets);
        match self {
            Error::Authentication { url, status, message, server_messages } => Error::Authentication {
                url: clean(url),
                status,
                message: clean(message),
                server_messages: clean_all(server_messages),
            },
            Error::Api { url, status, messages } => {
                Error::Api { url: clean(url), status, messages: clean_all(messages) }
            }
            Error::Http { url, status, message } => Error::Http { url: clean(url), status, message: clean(message) },
            Error::Transport { url, message } => Error::Transport { url: clean(url), message: clean(message) },
            Error::Timeout { url, after } => Error::Timeout { url: clean(url), after },
            Error::Tls { url, message } => Error::Tls { url: clean(url), message: clean(message) },
            Error::Decode { url, message, excerpt } => {
                Error::Decode { url: clean(url), message: clean(message), excerpt: clean(excerpt) }
            }
            Error::InvalidInput { message } => Error::InvalidInput { message: clean(message) },
            Error::Unsupported { message } => Error::Unsupported { message: clean(message) },
            Error::Internal { message } => Error::Internal { message: clean(message) },
            Error::RateLimited { url, message, retry_after } => {
                Error::RateLimited { url: clean(url), message: clean(message), retry_after }
            }
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// At most this many characters of a body are quoted in a decode error.
const EXCERPT_CHARS: usize = 120;

/// A short, single-line prefix of a response body for error messages.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(EXCERPT_CHARS * 4)]);
    let mut out: String = text.chars().take(EXCERPT_CHARS).map(|c| if c.is_control() { ' ' } else { c }).collect();
    if text.chars().count() > EXCERPT_CHARS {
        out.push('…');
    }
    out
}
