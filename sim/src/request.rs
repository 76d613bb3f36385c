//! Reading requests the way PHP does: `$_COOKIE` and `$_POST`.

use std::collections::HashMap;

use axum::http::{HeaderMap, header};

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
