//! Faults injected into answers through the control API: error statuses, slowness,
//! truncated or HTML bodies, dropped connections.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

/// What goes wrong.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultKind {
    /// Answer this HTTP status (e.g. 503) instead of the real answer, optionally with
    /// `Retry-After: <seconds>`.
    Status {
        status: u16,
        #[serde(default)]
        retry_after: Option<u64>,
    },
    /// Wait this long, then answer normally.
    Delay { delay_ms: u64 },
    /// Send only the first half of the real answer's body.
    Truncated,
    /// Answer 200 with an HTML login page, as a misrouted proxy or the web UI would.
    Html,
    /// Close the connection without an answer.
    Drop,
}

/// A fault and the requests it applies to.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Fault {
    #[serde(flatten)]
    pub kind: FaultKind,
    /// Only requests whose path starts with this (default: every request outside `/__sim/`).
    #[serde(default)]
    pub path: Option<String>,
    /// How many requests it applies to; absent or 0 means until cleared.
    #[serde(default)]
    pub count: Option<u32>,
}

impl Fault {
    pub fn new(kind: FaultKind) -> Fault {
        Fault { kind, path: None, count: Some(1) }
    }
    pub fn times(mut self, count: u32) -> Fault {
        self.count = Some(count);
        self
    }
    pub fn forever(mut self) -> Fault {
        self.count = None;
        self
    }
    pub fn on_path(mut self, prefix: impl Into<String>) -> Fault {
        self.path = Some(prefix.into());
        self
    }
}

/// Takes the first fault matching `path`, using up one of its applications.
pub fn take_matching(faults: &mut Vec<Fault>, path: &str) -> Option<FaultKind> {
    let index = faults.iter().position(|f| f.path.as_deref().is_none_or(|p| path.starts_with(p)))?;
    let kind = faults[index].kind.clone();
    match &mut faults[index].count {
        Some(n) if *n <= 1 => {
            faults.remove(index);
        }
        Some(n) => *n -= 1,
        None => {}
    }
    Some(kind)
}

pub fn status_response(status: u16, retry_after: Option<u64>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    let reason = status.canonical_reason().unwrap_or("Error");
    let body = format!(
        "<html>\r\n<head><title>{code} {reason}</title></head>\r\n<body>\r\n<center><h1>{code} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
        code = status.as_u16()
    );
    let mut response = (status, body).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
    if let Some(seconds) = retry_after {
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

/// A response whose body fails at once, which makes hyper abort the connection.
pub fn dropped_connection() -> Response {
    let stream = futures_util::stream::once(async {
        Err::<axum::body::Bytes, _>(std::io::Error::new(std::io::ErrorKind::ConnectionAborted, "fault: drop"))
    });
    Response::new(Body::from_stream(stream))
}

/// Keeps the status and headers, cuts the body in half.
pub async fn truncate(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
    let half = bytes.slice(..bytes.len() / 2);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(half))
}
