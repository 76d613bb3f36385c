//! The one tolerant reader for MikoPBX answers of both API generations.
//!
//! Shapes handled (reference §3): `{result, data, messages, ...}` with `messages` as `[]`,
//! `["text"]` or `{"error":[…],"warning":[…],"info":[…]}`; the legacy `{"errors":[…]}` shape
//! of 401/403/404/500; the v3 404 `{"success":false,…}`; HTTP 200 + `result:false` (legacy
//! business errors) and 4xx + `result:false` (v3).

use std::marker::PhantomData;

use bytes::Bytes;
use serde::de::{Deserialize, DeserializeSeed, Deserializer, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::error::{Error, Result, excerpt};
use crate::list_entry::{self, EntriesSeed, ListData, ListEntry, list_from, list_of_texts};

/// The server's diagnostic messages, grouped by severity.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Messages {
    pub error: Vec<String>,
    pub warning: Vec<String>,
    pub info: Vec<String>,
    /// 2026.1's `debug` texts (internals of the server); never part of an error message.
    pub debug: Vec<String>,
    /// Messages appended without a key (`["text"]`), or under an unfamiliar key.
    pub other: Vec<String>,
}

impl Messages {
    /// Reads `[]`, `["text"]`, `{"error":[…],…}` and PHP's mixed `{"0":"text","error":[…]}`.
    pub fn parse(value: &Value) -> Messages {
        let mut messages = Messages::default();
        match value {
            Value::Array(items) => items.iter().for_each(|v| push_texts(&mut messages.other, v)),
            Value::Object(map) => {
                for (key, v) in map {
                    let bucket = match key.as_str() {
                        "error" => &mut messages.error,
                        "warning" => &mut messages.warning,
                        "info" => &mut messages.info,
                        "debug" => &mut messages.debug,
                        _ => &mut messages.other,
                    };
                    push_texts(bucket, v);
                }
            }
            Value::Null => {}
            other => push_texts(&mut messages.other, other),
        }
        messages
    }

    pub fn is_empty(&self) -> bool {
        self.error.is_empty() && self.warning.is_empty() && self.info.is_empty() && self.other.is_empty()
    }

    /// The messages that explain a failure: errors and unkeyed texts, else everything.
    pub fn failure_texts(&self) -> Vec<String> {
        let primary: Vec<String> = self.error.iter().chain(&self.other).cloned().collect();
        if primary.is_empty() { self.warning.iter().chain(&self.info).cloned().collect() } else { primary }
    }
}

fn push_texts(out: &mut Vec<String>, value: &Value) {
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|v| push_texts(out, v)),
        Value::Object(map) => map.values().for_each(|v| push_texts(out, v)),
        Value::Null => {}
        other => out.push(other.to_string()),
    }
}

/// What a successful call may answer besides a JSON envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyExpectation {
    /// A JSON envelope with `result` (typed calls).
    Envelope,
    /// Any JSON document, or plain text returned as a JSON string (raw requests).
    Anything,
}

/// Classifies one HTTP answer (other than 401, which the session layer handles) and returns
/// the whole JSON document on success.
pub(crate) fn decode(
    url: &str,
    status: u16,
    is_plain_text: bool,
    body: &[u8],
    expect: BodyExpectation,
) -> Result<Value> {
    let success = (200..300).contains(&status);
    let document: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(e) => {
            if !success {
                return Err(Error::Http { url: url.to_owned(), status, message: excerpt(body) });
            }
            if expect == BodyExpectation::Anything
                && is_plain_text
                && let Ok(text) = std::str::from_utf8(body)
            {
                return Ok(Value::String(text.to_owned()));
            }
            return Err(Error::Decode {
                url: url.to_owned(),
                message: format!("the body is not valid JSON ({e})"),
                excerpt: excerpt(body),
            });
        }
    };
    classify(url, status, body, expect, document)
}

/// The list in the `data` of an answer, each entry read into a `T` (`list_entry`), with
/// `decode`'s checks of the rest of the answer. One pass reads it all; an answer that pass
/// cannot read (see `list_entry`) is read the two-pass way, and anything but a JSON object
/// takes `decode`'s whole path.
pub(crate) fn read_list<T: ListEntry>(url: &str, status: u16, is_plain_text: bool, body: &Bytes) -> Result<Vec<T>> {
    // UTF-8 checked once for the whole answer: read from a `str`, serde_json checks none of
    // the values it hands out again (from bytes, it checks every one).
    let Ok(text) = std::str::from_utf8(body) else { return read_list_in_two_passes(url, status, is_plain_text, body) };
    let seed = TopLevel { data: EntriesSeed::<T> { answer: body, read: PhantomData } };
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let one_pass = seed.deserialize(&mut deserializer).and_then(|top| deserializer.end().map(|()| top));
    let Ok((data, rest)) = one_pass else { return read_list_in_two_passes(url, status, is_plain_text, body) };
    classify(url, status, body, BodyExpectation::Envelope, Value::Object(rest))?;
    match data.flatten() {
        Some(entries) => list_from(url, entries),
        None => Err(list_entry::no_list(url)),
    }
}

/// The two-pass way of `read_list`: the envelope checked as `decode` checks it, its `data`
/// delimited into entries, and each entry read from its text (`list_entry::list_of_texts`).
/// Anything else takes `decode`'s whole path.
fn read_list_in_two_passes<T: ListEntry>(url: &str, status: u16, is_plain_text: bool, body: &Bytes) -> Result<Vec<T>> {
    let seed = TopLevel { data: PhantomData::<ListOf<'_>> };
    if let Ok((data, rest)) = seed.deserialize(&mut serde_json::Deserializer::from_slice(body)) {
        classify(url, status, body, BodyExpectation::Envelope, Value::Object(rest))?;
        return list_of_texts(url, data.map_or(ListData::Missing, |data| data.0), body);
    }
    // A scalar as `data`, or a body that is not a JSON object: `decode` says what is wrong.
    let data = take_data(&mut decode(url, status, is_plain_text, body, BodyExpectation::Envelope)?);
    if !(data.is_array() || data.is_object()) {
        let data = if data.is_null() { ListData::Missing } else { ListData::NotAList(data.to_string()) };
        return list_of_texts(url, data, body);
    }
    let text = Bytes::from(data.to_string());
    let entries = serde_json::from_slice::<ListOf<'_>>(&text)
        .map_err(|e| Error::Internal { message: format!("re-reading data failed: {e}") })?;
    list_of_texts(url, entries.0, &text)
}

/// An answer's top level: `data` read by a seed, the rest (small) as values.
struct TopLevel<S> {
    data: S,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for TopLevel<S> {
    type Value = (Option<S::Value>, Map<String, Value>);

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> std::result::Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, S: DeserializeSeed<'de>> Visitor<'de> for TopLevel<S> {
    type Value = (Option<S::Value>, Map<String, Value>);

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> std::result::Result<Self::Value, M::Error> {
        let (mut seed, mut data, mut rest) = (Some(self.data), None, Map::new());
        while let Some(key) = map.next_key::<String>()? {
            if key == "data" {
                let seed = seed.take().ok_or_else(|| M::Error::custom("\"data\" twice"))?;
                data = Some(map.next_value_seed(seed)?);
            } else {
                rest.insert(key, map.next_value()?);
            }
        }
        Ok((data, rest))
    }
}

/// A list or object `data` value as [`ListData`]: its entries are only delimited, not parsed
/// (anything else fails, for `decode` to name).
struct ListOf<'a>(ListData<'a>);

impl<'de: 'a, 'a> Deserialize<'de> for ListOf<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct Entries;
        impl<'de> Visitor<'de> for Entries {
            type Value = ListOf<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a list of entries")
            }
            fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> std::result::Result<ListOf<'de>, S::Error> {
                let mut entries = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(entry) = seq.next_element::<&'de RawValue>()? {
                    entries.push(entry);
                }
                Ok(ListOf(ListData::Entries(entries)))
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> std::result::Result<ListOf<'de>, M::Error> {
                let mut entries = Vec::new();
                while let Some((_, entry)) = map.next_entry::<IgnoredAny, &'de RawValue>()? {
                    entries.push(entry);
                }
                Ok(ListOf(ListData::Entries(entries)))
            }
            fn visit_unit<E: serde::de::Error>(self) -> std::result::Result<ListOf<'de>, E> {
                Ok(ListOf(ListData::Missing))
            }
        }
        deserializer.deserialize_any(Entries)
    }
}

/// What a parsed answer means: its document on success, else the error it is.
fn classify(url: &str, status: u16, body: &[u8], expect: BodyExpectation, document: Value) -> Result<Value> {
    let success = (200..300).contains(&status);
    let Value::Object(map) = &document else {
        if success && expect == BodyExpectation::Anything {
            return Ok(document);
        }
        return Err(unexpected_shape(url, status, body, "the body is not a JSON object"));
    };

    if let Some(result) = map.get("result") {
        return if result_is_true(result) {
            if success { Ok(document) } else { Err(http_error(url, status, map)) }
        } else {
            Err(Error::Api {
                url: url.to_owned(),
                status,
                messages: Messages::parse(map.get("messages").unwrap_or(&Value::Null)).failure_texts(),
            })
        };
    }
    if map.contains_key("errors") || map.contains_key("success") || !success {
        if success {
            // Legacy queue errors answer 200 with only `errors`.
            return Err(Error::Api { url: url.to_owned(), status, messages: error_texts(map) });
        }
        return Err(http_error(url, status, map));
    }
    match expect {
        BodyExpectation::Anything => Ok(document),
        BodyExpectation::Envelope => {
            Err(unexpected_shape(url, status, body, "the JSON object has no \"result\" field"))
        }
    }
}

/// `result` is a bool since 2020.2; pre-2020.2 servers sent `"Success"`.
fn result_is_true(value: &Value) -> bool {
    match value {
        Value::Bool(b) => *b,
        Value::String(s) => s.eq_ignore_ascii_case("success") || s == "true" || s == "1",
        Value::Number(n) => n.as_i64() == Some(1),
        _ => false,
    }
}

/// Texts of an error answer: legacy `errors`, else the `messages` of either generation.
pub(crate) fn error_texts(map: &Map<String, Value>) -> Vec<String> {
    let mut texts = Vec::new();
    if let Some(errors) = map.get("errors") {
        push_texts(&mut texts, errors);
    }
    if texts.is_empty() {
        texts = Messages::parse(map.get("messages").unwrap_or(&Value::Null)).failure_texts();
    }
    texts
}

/// An authentication error for a refused answer, carrying the server's messages if any.
pub(crate) fn authentication_error(url: &str, status: u16, body: &[u8], message: &str) -> Error {
    let server_messages =
        serde_json::from_slice::<Value>(body).ok().and_then(|v| v.as_object().map(error_texts)).unwrap_or_default();
    Error::Authentication { url: url.to_owned(), status: Some(status), message: message.to_owned(), server_messages }
}

fn http_error(url: &str, status: u16, map: &Map<String, Value>) -> Error {
    let texts = error_texts(map);
    let message = if texts.is_empty() { "no message".to_owned() } else { texts.join("; ") };
    Error::Http { url: url.to_owned(), status, message }
}

fn unexpected_shape(url: &str, status: u16, body: &[u8], what: &str) -> Error {
    Error::Decode { url: url.to_owned(), message: format!("{what} (HTTP {status})"), excerpt: excerpt(body) }
}

/// Moves `data` out of a decoded envelope; PHP's `[]` stands for an empty object.
pub(crate) fn take_data(document: &mut Value) -> Value {
    document.get_mut("data").map(Value::take).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;
    use serde_json::json;

    const URL: &str = "http://pbx/pbxcore/api/sip/x";

    fn run(status: u16, body: &str) -> Result<Value> {
        decode(URL, status, false, body.as_bytes(), BodyExpectation::Envelope)
    }

    #[test]
    fn messages_in_all_three_shapes() {
        assert!(Messages::parse(&json!([])).is_empty());
        assert_eq!(Messages::parse(&json!(["boom"])).other, vec!["boom"]);
        let keyed = Messages::parse(&json!({"error":["e1"],"warning":["w"],"info":["i"]}));
        assert_eq!((keyed.error, keyed.warning, keyed.info), (vec!["e1".into()], vec!["w".into()], vec!["i".into()]));
        let mixed = Messages::parse(&json!({"0":"plain","error":["e"]}));
        assert_eq!(mixed.failure_texts(), vec!["e", "plain"]);
        let debug = Messages::parse(&json!({"error":["e"],"debug":["SELECT * FROM m_Users /var/www"]}));
        assert_eq!(debug.failure_texts(), vec!["e"]);
        let only_debug = Messages::parse(&json!({"debug":["trace"]}));
        assert!(only_debug.failure_texts().is_empty());
    }

    #[test]
    fn result_false_on_200_is_api_error_with_messages() {
        let err = run(200, r#"{"result":false,"data":[],"messages":{"error":["Empty peer value in POST/GET data"]}}"#)
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Api);
        assert_eq!(err.server_messages(), ["Empty peer value in POST/GET data"]);
        let err = run(200, r#"{"result":false,"data":[],"messages":["plain text"]}"#).unwrap_err();
        assert_eq!(err.server_messages(), ["plain text"]);
    }

    #[test]
    fn v3_422_is_api_error() {
        let err = run(
            422,
            r#"{"result":false,"data":[],"messages":{"error":["Extension not found or status unavailable"]}}"#,
        )
        .unwrap_err();
        assert_eq!((err.kind(), err.status()), (ErrorKind::Api, Some(422)));
    }

    #[test]
    fn legacy_errors_shape_is_http_error() {
        let err = run(404, r#"{"jsonapi":{"version":"1.0"},"errors":["404 (Not Found)"],"meta":{}}"#).unwrap_err();
        assert_eq!((err.kind(), err.status()), (ErrorKind::Http, Some(404)));
        assert!(err.to_string().contains("404 (Not Found)"));
        let err =
            run(404, r#"{"success":false,"messages":{"error":["Endpoint not found: /x"]},"data":null}"#).unwrap_err();
        assert!(err.to_string().contains("Endpoint not found"));
    }

    #[test]
    fn html_and_truncated_bodies_are_decode_errors_with_excerpt() {
        let err = run(200, "<!DOCTYPE html><html><body>Login</body></html>").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode);
        assert!(err.to_string().contains("<!DOCTYPE html>"));
        let err = run(200, r#"{"jsonapi":{"version":"1.0"},"result":true,"data":[{"id":"2"#).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode);
        let long = "x".repeat(10_000);
        assert!(run(200, &long).unwrap_err().to_string().len() < 400);
    }

    #[test]
    fn empty_array_data_is_taken_as_is() {
        let mut doc = run(200, r#"{"result":true,"data":[],"messages":[]}"#).unwrap();
        assert_eq!(take_data(&mut doc), json!([]));
    }

    #[test]
    fn plain_text_is_a_json_string_for_raw_requests() {
        let v = decode(URL, 200, true, b"PONG", BodyExpectation::Anything).unwrap();
        assert_eq!(v, json!("PONG"));
    }
}
