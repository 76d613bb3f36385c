//! [`RawJson`]: a piece of a server's answer kept exactly as it was sent, as text. Models keep
//! their entry this way (`raw`) instead of as a `serde_json::Value` tree, which is what a big
//! answer used to spend most of its time building and freeing (docs/performance.md); a tree is
//! made only when someone asks for one.

use serde::{Serialize, Serializer};
use serde_json::Value;
use serde_json::value::RawValue;

/// JSON text as the server sent it.
#[derive(Clone)]
pub struct RawJson(Box<RawValue>);

impl RawJson {
    /// The JSON text, exactly as sent.
    pub fn as_str(&self) -> &str {
        self.0.get()
    }

    /// The JSON as a tree (parsed now).
    pub fn to_value(&self) -> Value {
        serde_json::from_str(self.0.get()).unwrap_or(Value::Null)
    }

    /// A tree written as JSON text.
    pub fn from_value(value: &Value) -> RawJson {
        RawJson(serde_json::value::to_raw_value(value).unwrap_or_else(|_| RawValue::NULL.to_owned()))
    }

    /// JSON text, checked; `None` when it is not JSON.
    pub fn from_text(text: String) -> Option<RawJson> {
        RawValue::from_string(text).ok().map(RawJson)
    }

    pub(crate) fn from_raw(raw: &RawValue) -> RawJson {
        RawJson(raw.to_owned())
    }
}

impl Default for RawJson {
    fn default() -> Self {
        RawJson(RawValue::NULL.to_owned())
    }
}

/// The same JSON value, however it is written (`"a\/b"` and `"a/b"`, spacing).
impl PartialEq for RawJson {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str() || self.to_value() == other.to_value()
    }
}

impl std::fmt::Debug for RawJson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for RawJson {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
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
}
