//! Answers encoded the way MikoPBX's PHP does: `json_encode` defaults (slashes escaped as
//! `\/`, non-ASCII as `\uXXXX`), the legacy envelope with `jsonapi` first and `meta` last,
//! `meta.hash` and the non-standard `E-Tag` header.

use std::io;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Value, json};
use sha1::{Digest, Sha1};

/// serde_json's compact output plus PHP's escaping of `/` and non-ASCII characters.
struct PhpFormatter;

impl serde_json::ser::Formatter for PhpFormatter {
    fn write_string_fragment<W: ?Sized + io::Write>(&mut self, writer: &mut W, fragment: &str) -> io::Result<()> {
        let mut start = 0;
        for (index, ch) in fragment.char_indices() {
            if ch == '/' || !ch.is_ascii() {
                writer.write_all(&fragment.as_bytes()[start..index])?;
                if ch == '/' {
                    writer.write_all(b"\\/")?;
                } else {
                    let mut units = [0u16; 2];
                    for unit in ch.encode_utf16(&mut units) {
                        write!(writer, "\\u{unit:04x}")?;
                    }
                }
                start = index + ch.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }
}

pub fn encode(value: &impl Serialize) -> String {
    let mut out = Vec::with_capacity(256);
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, PhpFormatter);
    value.serialize(&mut serializer).expect("serialising JSON values cannot fail");
    String::from_utf8(out).expect("the formatter writes UTF-8")
}

fn sha1_hex(text: &str) -> String {
    hex::encode(Sha1::digest(text.as_bytes()))
}

/// PHP `date('c')` in the server's local time zone.
/// The current unix time in seconds (`time()`).
/// A PHP associative array as `json_encode` writes it: an empty one is `[]`, not `{}`.
pub fn object(map: serde_json::Map<String, Value>) -> Value {
    if map.is_empty() { Value::Array(Vec::new()) } else { Value::Object(map) }
}

pub fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

pub fn timestamp() -> String {
    chrono::Local::now().format("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

fn json_response(status: StatusCode, body: String, etag: Option<String>) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=UTF-8"));
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    if let Some(etag) = etag.and_then(|e| HeaderValue::from_str(&e).ok()) {
        headers.insert("E-Tag", etag);
    }
    response
}

/// Inner content + `meta` (and `jsonapi` first on the legacy API), as
/// `Http/Response::send()` builds it (reference §3.1, §3.3).
pub fn with_meta(status: StatusCode, inner: Value, jsonapi: bool) -> Response {
    let inner_text = encode(&inner);
    let timestamp = timestamp();
    let hash = sha1_hex(&format!("{timestamp}{inner_text}"));
    let mut document = serde_json::Map::new();
    if jsonapi {
        document.insert("jsonapi".into(), json!({"version": "1.0"}));
    }
    if let Value::Object(inner_map) = inner {
        document.extend(inner_map);
    }
    document.insert("meta".into(), json!({"timestamp": timestamp, "hash": hash}));
    json_response(status, encode(&document), Some(sha1_hex(&inner_text)))
}

/// A processor's answer (`PBXApiResult::getResult()`), always HTTP 200.
pub fn envelope(function: &str, processor: &str, result: bool, data: Value, messages: Value) -> Response {
    with_meta(
        StatusCode::OK,
        json!({
            "result": result,
            "data": data,
            "messages": messages,
            "function": function,
            "processor": processor,
            "pid": worker_pid(),
        }),
        true,
    )
}

/// The `errors` shape of 401/403/404/500 (`Response::setPayloadError`).
pub fn error(status: StatusCode, text: &str) -> Response {
    with_meta(status, json!({ "errors": [text] }), true)
}

/// The generic admin-cabinet AJAX answer (`BaseController::afterExecuteRoute`).
pub fn cabinet_json(value: Value) -> Response {
    json_response(StatusCode::OK, encode(&value), None)
}

/// What the admin cabinet renders for a browser (no `X-Requested-With`).
pub fn login_page() -> Response {
    let mut response = (
        StatusCode::OK,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>MikoPBX | Login</title></head>\
         <body class=\"login\"><form class=\"ui form\" method=\"post\" action=\"/admin-cabinet/session/start\">\
         <input name=\"login\"><input name=\"password\" type=\"password\"></form></body></html>\n",
    )
        .into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=UTF-8"));
    response
}

/// The PID of the forked worker child that answered; varies per answer on a real server.
pub fn worker_pid() -> u32 {
    rand::random_range(1000..65000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_php() {
        assert_eq!(encode(&json!({"p": "a/b", "r": "ü", "e": []})), r#"{"p":"a\/b","r":"\u00fc","e":[]}"#);
        assert_eq!(encode(&json!("😀")), r#""\ud83d\ude00""#);
    }
}
