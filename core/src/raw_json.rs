//! [`RawJson`]: a piece of a server's answer kept exactly as it was sent, as text. Models keep
//! their entry this way (`raw`) instead of as a `serde_json::Value` tree, which is what a big
//! answer used to spend most of its time building and freeing (docs/performance.md); a tree is
//! made only when someone asks for one. An entry read from an answer shares the answer's
//! buffer (a reference-counted slice of it), so keeping it costs no copy.

use bytes::Bytes;
use serde::{Serialize, Serializer};
use serde_json::Value;
use serde_json::value::RawValue;

/// JSON text as the server sent it. Always valid UTF-8 JSON: every constructor checks it or
/// takes it from text that `serde_json` has checked.
#[derive(Clone)]
pub struct RawJson(Bytes);

impl RawJson {
    /// The JSON text, exactly as sent.
    pub fn as_str(&self) -> &str {
        // Every constructor stores UTF-8 (see the type's doc); "null" is never reached.
        std::str::from_utf8(&self.0).unwrap_or("null")
    }

    /// The JSON text's bytes (UTF-8), exactly as sent, without the check `as_str` makes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The length of the text in bytes.
    pub(crate) fn byte_len(&self) -> usize {
        self.0.len()
    }

    /// The JSON as a tree (parsed now).
    pub fn to_value(&self) -> Value {
        serde_json::from_slice(&self.0).unwrap_or(Value::Null)
    }

    /// A tree written as JSON text.
    pub fn from_value(value: &Value) -> RawJson {
        serde_json::to_vec(value).map(|text| RawJson(Bytes::from(text))).unwrap_or_default()
    }

    /// JSON text, checked; `None` when it is not JSON.
    pub fn from_text(text: String) -> Option<RawJson> {
        serde_json::from_str::<serde::de::IgnoredAny>(&text).ok()?;
        Some(RawJson(Bytes::from(text)))
    }

    /// The JSON text at `range` of `answer`, which the caller knows to be whole JSON values
    /// and punctuation read by `serde_json` (so valid UTF-8): shared, not copied. `None` when
    /// the range is not within the answer.
    pub(crate) fn span_of(answer: &Bytes, range: std::ops::Range<usize>) -> Option<RawJson> {
        (range.start <= range.end && range.end <= answer.len()).then(|| RawJson(answer.slice(range)))
    }

    /// A part of `body` that `serde_json` read from it: shared with the body, not copied (a
    /// part from elsewhere is copied).
    pub(crate) fn part_of(body: &Bytes, part: &RawValue) -> RawJson {
        let text = part.get().as_bytes();
        let range = body.as_ptr_range();
        if range.contains(&text.as_ptr()) && text.as_ptr_range().end <= range.end {
            RawJson(body.slice_ref(text))
        } else {
            RawJson(Bytes::copy_from_slice(text))
        }
    }
}

impl Default for RawJson {
    fn default() -> Self {
        RawJson(Bytes::from_static(b"null"))
    }
}

/// The same JSON value, however it is written (`"a\/b"` and `"a/b"`, spacing).
impl PartialEq for RawJson {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0 || self.to_value() == other.to_value()
    }
}

impl std::fmt::Debug for RawJson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Written as the text it is, not re-encoded.
impl Serialize for RawJson {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let raw: &RawValue = serde_json::from_str(self.as_str()).map_err(serde::ser::Error::custom)?;
        raw.serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_is_kept_and_equality_is_of_the_value() {
        let sent = RawJson::from_text(r#"{"id": "a\/b"}"#.to_owned()).unwrap();
        assert_eq!(sent.as_str(), r#"{"id": "a\/b"}"#);
        let rewritten = RawJson::from_value(&sent.to_value());
        assert_eq!(rewritten.as_str(), r#"{"id":"a/b"}"#);
        assert_eq!(sent, rewritten);
        assert_ne!(sent, RawJson::default());
        assert!(RawJson::from_text("{".to_owned()).is_none());
        assert_eq!(serde_json::to_string(&sent).unwrap(), r#"{"id": "a\/b"}"#);
    }

    #[test]
    fn a_part_of_an_answer_shares_its_buffer() {
        let body = Bytes::from_static(br#"{"data":[{"id":"201"}]}"#);
        let list: Vec<&RawValue> = serde_json::from_slice(&body[8..body.len() - 1]).unwrap();
        let part = RawJson::part_of(&body, list[0]);
        assert_eq!(part.as_str(), r#"{"id":"201"}"#);
        assert_eq!(part.0.as_ptr(), body[9..].as_ptr(), "a slice of the body, not a copy");
        let elsewhere = RawValue::from_string("[1]".to_owned()).unwrap();
        assert_eq!(RawJson::part_of(&body, &elsewhere).as_str(), "[1]");
    }
}
