//! Faults injected into answers through the control API: error statuses, slowness,
//! truncated or HTML bodies, dropped connections, and a hostile server's answers (endless or
//! huge bodies, crafted answers, echoed secrets, redirects).

use std::collections::BTreeMap;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::{StreamExt, stream};
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
    /// HTTP 200, `application/json`, chunked: `{"result":true,"data":[` and then
    /// `getPeersStatuses` entries for as long as the client keeps reading. Produced as it is
    /// read, so it costs the simulator no memory.
    Endless,
    /// A complete, valid `getPeersStatuses` envelope of about `bytes` bytes (never fewer than
    /// its empty form), chunked and produced as it is read.
    Huge { bytes: u64 },
    /// Exactly this answer: `status`, `body` (sent as is) and `content_type` (default
    /// `application/json`); `headers` adds headers, a list value repeating one (e.g. several
    /// `Set-Cookie`). Header values must be valid HTTP (no CR, LF or other control bytes
    /// except tab); the control API refuses others.
    Answer {
        status: u16,
        #[serde(default)]
        body: String,
        #[serde(default)]
        content_type: Option<String>,
        #[serde(default)]
        headers: BTreeMap<String, HeaderValues>,
    },
    /// An HTML error page, as a proxy would send, that repeats the request line, every
    /// request header (`Cookie` and `Authorization` included) and the request body verbatim
    /// (bodies over 1 MiB are left out): tests use it to check that no secret reaches an
    /// error message.
    Echo { status: u16 },
    /// A redirect (`status`, default 302) to `location`.
    Redirect {
        #[serde(default = "default_redirect_status")]
        status: u16,
        location: String,
    },
}

/// One header value, or several sent as repeated headers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum HeaderValues {
    One(String),
    Many(Vec<String>),
}

impl HeaderValues {
    fn values(&self) -> &[String] {
        match self {
            HeaderValues::One(value) => std::slice::from_ref(value),
            HeaderValues::Many(values) => values,
        }
    }
}

fn default_redirect_status() -> u16 {
    302
}

impl FaultKind {
    /// Why the simulator could not send this fault as asked, if it could not.
    pub fn problem(&self) -> Option<String> {
        let final_status = |status: u16| {
            (!(200..=999).contains(&status)).then(|| format!("status {status} is not a final HTTP status"))
        };
        match self {
            FaultKind::Answer { status, content_type, headers, .. } => final_status(*status)
                .or_else(|| {
                    content_type.as_deref().and_then(|v| {
                        HeaderValue::from_str(v).is_err().then(|| format!("content_type {v:?} is no header value"))
                    })
                })
                .or_else(|| {
                    headers.iter().find_map(|(name, values)| {
                        if HeaderName::from_bytes(name.as_bytes()).is_err() {
                            return Some(format!("{name:?} is no header name"));
                        }
                        values.values().iter().find_map(|v| {
                            HeaderValue::from_str(v).is_err().then(|| format!("{v:?} is no value for header {name}"))
                        })
                    })
                }),
            FaultKind::Echo { status } => final_status(*status),
            FaultKind::Redirect { status, location } => {
                if !(300..=399).contains(status) {
                    Some(format!("status {status} is no redirect"))
                } else {
                    HeaderValue::from_str(location)
                        .is_err()
                        .then(|| format!("location {location:?} is no header value"))
                }
            }
            _ => None,
        }
    }
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

/// The first chunk of [`FaultKind::Endless`] and [`FaultKind::Huge`] bodies.
const LIST_START: &str = "{\"result\":true,\"data\":[";
/// What closes a [`FaultKind::Huge`] body into a complete envelope.
const LIST_END: &str = "],\"messages\":[],\"function\":\"getPeersStatuses\",\"processor\":\"MikoPBX\\\\PBXCoreREST\\\\Lib\\\\Sip\\\\GetPeersStatusesAction::main\",\"pid\":4242}";
/// Entries per chunk of a streamed list (about 64 KiB).
const ENTRIES_PER_CHUNK: u64 = 1000;

/// Entry `index` of a streamed peer list; every entry has the same length.
fn list_entry(index: u64) -> String {
    format!("{{\"id\":\"{index:020}\",\"state\":\"OK\",\"detailed-state\":\"Not in use\"}}")
}

fn chunked_json(body: Body) -> Response {
    let mut response = Response::new(body);
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=UTF-8"));
    response
}

/// `entries` list entries after [`LIST_START`], produced a chunk at a time as the client reads.
fn list_stream(entries: Option<u64>) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> {
    let start = stream::once(async { Ok(Bytes::from_static(LIST_START.as_bytes())) });
    let chunks = stream::unfold(0u64, move |next| async move {
        let end = match entries {
            Some(total) if next >= total => return None,
            Some(total) => next.saturating_add(ENTRIES_PER_CHUNK).min(total),
            None => next.saturating_add(ENTRIES_PER_CHUNK),
        };
        let mut chunk = String::with_capacity(64 * 1024);
        for index in next..end {
            if index > 0 {
                chunk.push(',');
            }
            chunk.push_str(&list_entry(index));
        }
        Some((Ok(Bytes::from(chunk)), end))
    });
    start.chain(chunks)
}

pub fn endless() -> Response {
    chunked_json(Body::from_stream(list_stream(None)))
}

/// As many entries as fit in `bytes` with the envelope around them.
pub fn huge(bytes: u64) -> Response {
    let frame = (LIST_START.len() + LIST_END.len()) as u64;
    let entry = list_entry(0).len() as u64 + 1;
    let entries = bytes.saturating_sub(frame).saturating_add(1) / entry;
    let end = stream::once(async { Ok(Bytes::from_static(LIST_END.as_bytes())) });
    chunked_json(Body::from_stream(list_stream(Some(entries)).chain(end)))
}

/// The [`FaultKind::Answer`] as given; invalid parts (refused by the control API, possible
/// through [`crate::Simulator::add_fault`]) are left out.
pub fn answer(
    status: u16,
    body: String,
    content_type: Option<&str>,
    headers: &BTreeMap<String, HeaderValues>,
) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, body).into_response();
    let content_type = HeaderValue::from_str(content_type.unwrap_or("application/json"))
        .unwrap_or(HeaderValue::from_static("application/json"));
    response.headers_mut().insert(header::CONTENT_TYPE, content_type);
    for (name, values) in headers {
        let Ok(name) = HeaderName::from_bytes(name.as_bytes()) else { continue };
        if values.values().is_empty() {
            continue;
        }
        response.headers_mut().remove(&name);
        for value in values.values() {
            if let Ok(value) = HeaderValue::from_str(value) {
                response.headers_mut().append(name.clone(), value);
            }
        }
    }
    response
}

/// Largest request body [`FaultKind::Echo`] repeats.
const ECHO_BODY_LIMIT: usize = 1024 * 1024;

pub async fn echo(status: u16, request: Request) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
    let (parts, body) = request.into_parts();
    let title = format!("{} {}", status.as_u16(), status.canonical_reason().unwrap_or("Error"));
    let mut page = format!("<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<h1>{title}</h1>\r\n<pre>\r\n");
    let target = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    page.push_str(&format!("{} {target} {:?}\r\n", parts.method, parts.version));
    let mut page = page.into_bytes();
    for (name, value) in &parts.headers {
        page.extend_from_slice(name.as_str().as_bytes());
        page.extend_from_slice(b": ");
        page.extend_from_slice(value.as_bytes());
        page.extend_from_slice(b"\r\n");
    }
    page.extend_from_slice(b"\r\n");
    match axum::body::to_bytes(body, ECHO_BODY_LIMIT).await {
        Ok(bytes) => page.extend_from_slice(&bytes),
        Err(_) => page.extend_from_slice(b"[request body over 1 MiB left out]"),
    }
    page.extend_from_slice(b"\r\n</pre>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n");
    let mut response = (status, page).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
    response
}

pub fn redirect(status: u16, location: &str) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::FOUND);
    let mut response = status_response(status.as_u16(), None);
    if let Ok(location) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}
