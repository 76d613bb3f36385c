//! Reading requests the way PHP does: `$_COOKIE`, `$_POST`, Phalcon's client address and
//! the v3 `Request::getData()`.

use std::collections::HashMap;
use std::net::IpAddr;

use axum::http::{HeaderMap, Method, header};
use serde_json::{Map, Value};

/// The value of cookie `name` sent with the request.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| pair.trim().split_once('=').filter(|(k, _)| *k == name).map(|(_, v)| v))
}

/// `$_POST`: filled only for url-encoded form bodies (a JSON body leaves it empty).
pub fn form(headers: &HeaderMap, body: &[u8]) -> HashMap<String, String> {
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if is_form { form_urlencoded::parse(body).into_owned().collect() } else { HashMap::new() }
}

/// Phalcon's `getClientAddress(true)`, which the legacy login throttle uses: the first entry
/// of `X-Forwarded-For`, else `Client-IP`, else the connection's address. A client can name
/// any address there, as on the real server.
pub fn forwarded_client_address(headers: &HeaderMap, peer: IpAddr) -> String {
    let named = headers.get("x-forwarded-for").or_else(|| headers.get("client-ip")).and_then(|v| v.to_str().ok());
    match named {
        Some(value) => value.split(',').next().unwrap_or(value).to_owned(),
        None => peer.to_string(),
    }
}

/// v3 `Request::getData()` with `BaseController::sanitizeData`: a JSON object body when the
/// content type contains `application/json`, else the url-encoded form of a POST; then the
/// query string on top (query wins). Strings are trimmed, as the sanitiser's `trim` does.
pub fn data(method: &Method, headers: &HeaderMap, query: Option<&str>, body: &[u8]) -> Map<String, Value> {
    let is_json =
        headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("application/json"));
    let mut data = if is_json {
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(object)) => object,
            _ => Map::new(),
        }
    } else if method == Method::POST {
        form(headers, body).into_iter().map(|(k, v)| (k, Value::String(v))).collect()
    } else {
        Map::new()
    };
    for (key, value) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        data.insert(key.into_owned(), Value::String(value.into_owned()));
    }
    for value in data.values_mut() {
        trim_strings(value);
    }
    data
}

/// PHP's `trim()` characters: space, tab, newline, carriage return, NUL, vertical tab.
fn trim_strings(value: &mut Value) {
    match value {
        Value::String(text) => {
            let trimmed = text.trim_matches([' ', '\t', '\n', '\r', '\0', '\x0b']);
            if trimmed.len() != text.len() {
                *text = trimmed.to_owned();
            }
        }
        Value::Array(items) => items.iter_mut().for_each(trim_strings),
        Value::Object(object) => object.values_mut().for_each(trim_strings),
        _ => {}
    }
}
