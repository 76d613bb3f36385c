//! What every model shares: states that keep unknown server strings, and tolerant readers of
//! PHP-style fields and lists.

use serde_json::{Map, Value};

use crate::error::{Error, Result, excerpt};
use crate::list_entry::{no_id, no_list, not_a_list};

/// Declares a state enum whose unknown values are kept as `Other(raw)`.
macro_rules! server_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this SDK does not know; the server's exact string.
            Other(String),
        }

        impl $name {
            /// Parses the server's string; unknown strings become `Other`.
            pub fn from_raw(raw: &str) -> Self {
                match raw {
                    $($text => $name::$variant,)+
                    other => $name::Other(other.to_owned()),
                }
            }

            /// The server's string for this value.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)+
                    $name::Other(raw) => raw,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    };
}
pub(crate) use server_enum;

/// Defines one resource's state enums and models from its declaration: the callback of the
/// resource's model list (`for_each_model!`), which every binding expands into its own
/// classes from the same declaration.
macro_rules! define_models {
    (
        enums { $(
            $(#[doc = $enum_doc:literal])*
            enum $enum:ident { $( $(#[doc = $variant_doc:literal])* $variant:ident = $text:literal ),+ $(,)? }
        )* }
        models { $(
            $(#[doc = $doc:literal])*
            struct $model:ident {
                $( $(#[doc = $field_doc:literal])* $(#[serde($($serde:tt)*)])* $field:ident : $type:ty ),* $(,)?
            }
            methods { $( $(#[doc = $method_doc:literal])* $method:ident -> $method_type:ty ),* $(,)? }
        )* }
    ) => {
        $(
            $crate::model::server_enum! {
                $(#[doc = $enum_doc])*
                $enum { $( $(#[doc = $variant_doc])* $variant = $text ),+ }
            }
        )*
        $(
            $(#[doc = $doc])*
            #[derive(Debug, Clone, PartialEq, serde::Serialize)]
            pub struct $model {
                $( $(#[doc = $field_doc])* $(#[serde($($serde)*)])* pub $field: $type, )*
            }

            impl $crate::api::Output for $model {
                const SHAPE: &'static str = stringify!($model);
                fn into_json(self) -> serde_json::Value {
                    $crate::api::serialized(&self)
                }
            }

            impl $crate::api::Output for Vec<$model> {
                const SHAPE: &'static str = concat!(stringify!($model), "[]");
                fn into_json(self) -> serde_json::Value {
                    $crate::api::serialized(&self)
                }
            }
        )*
    };
}
pub(crate) use define_models;

/// A string field; numbers are accepted and written as text.
pub(crate) fn string_field(map: &Map<String, Value>, key: &str) -> Option<String> {
    text_of(map.get(key)?)
}

/// A value as text: strings as they are, numbers and booleans as written.
pub(crate) fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A number that the server may send as a JSON number or as a string ("5871", "5.000").
pub(crate) fn number_field<T: std::str::FromStr>(map: &Map<String, Value>, key: &str) -> Option<T> {
    match map.get(key)? {
        Value::String(s) => s.trim().parse().ok(),
        Value::Number(n) => n.to_string().parse().ok(),
        _ => None,
    }
}

/// A time given as unix seconds (number or text); `0`, which servers write for "unknown", and
/// impossible values are absent.
pub(crate) fn unix_time_field(map: &Map<String, Value>, key: &str) -> Option<crate::UnixTime> {
    number_field::<i64>(map, key).filter(|t| *t > 0).and_then(crate::UnixTime::from_unix)
}

/// A PBX wall-clock time text; `""` and unreadable text are absent (the model's `raw` keeps it).
pub(crate) fn local_time_field(map: &Map<String, Value>, key: &str) -> Option<crate::LocalTime> {
    map.get(key).and_then(Value::as_str).and_then(crate::LocalTime::parse)
}

/// A decode error about part of an answer's `data`, quoting the start of that part.
pub(crate) fn data_error(url: &str, message: &str, data: &Value) -> Error {
    Error::Decode { url: url.to_owned(), message: message.to_owned(), excerpt: excerpt(data.to_string().as_bytes()) }
}

/// Reads a list; PHP sends `[]` for an empty list and may send an object for a sparse one.
pub(crate) fn list_of<T>(url: &str, data: Value, parse: fn(Value) -> Result<T, Value>) -> Result<Vec<T>> {
    let entries = match data {
        Value::Array(items) => items,
        Value::Object(map) => map.into_iter().map(|(_, v)| v).collect(),
        Value::Null => return Err(no_list(url)),
        other => return Err(not_a_list(url, &other.to_string())),
    };
    entries.into_iter().map(|entry| parse(entry).map_err(|entry| no_id(url, &entry.to_string()))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PeerStatus;

    /// The list of an answer `{"result":true,"data":<data>}`, read as `Inner::read_list` does.
    fn read_list(data: &str) -> Result<Vec<PeerStatus>> {
        let body = bytes::Bytes::from(format!(r#"{{"result":true,"data":{data}}}"#));
        crate::envelope::read_list::<PeerStatus>("u", 200, false, &body)
    }

    #[test]
    fn lists_accept_php_shapes_and_name_a_bad_entry() {
        assert!(read_list("[]").unwrap().is_empty());
        let sparse = read_list(r#"{"0": {"id": "201", "state": "OK"}, "1": {"id": 202}}"#).unwrap();
        assert_eq!((sparse[0].id.as_str(), sparse[1].id.as_str()), ("201", "202"));
        assert_eq!(sparse[1].raw.as_str(), r#"{"id": 202}"#, "the entry as sent");
        for not_a_list in ["null", r#""text""#, "5", "123456789012345678901234567890", "true"] {
            let err = read_list(not_a_list).unwrap_err();
            assert_eq!(err.kind(), crate::ErrorKind::Decode, "{not_a_list}");
        }
        for bad_entry in [r#"[{"id": "201"}, {"name": "x"}]"#, r#"[{"id": "201"}, "name"]"#, r#"[{"id": "201"}, {}]"#] {
            let err = read_list(bad_entry).unwrap_err();
            assert_eq!(err.kind(), crate::ErrorKind::Decode);
            assert!(err.to_string().contains("name") || err.to_string().contains("{}"), "{err}");
        }
    }

    #[test]
    fn entries_are_read_whatever_their_spacing_and_escapes() {
        let peers = read_list(
            "[ {\"id\":\"201\",\"state\":\"OK\"} ,\n\t{ \"state\" : \"UNKNOWN\" , \"id\" : 202 } ,              {\"\\u0069d\": \"2\\/03\", \"x\": [1, {\"id\": 9}]}, {\"id\": \"204\", \"id\": \"205\"}]",
        )
        .unwrap();
        let read: Vec<(&str, &str, &str)> =
            peers.iter().map(|p| (p.id.as_str(), p.state.as_str(), p.raw.as_str())).collect();
        assert_eq!(
            read,
            [
                ("201", "OK", r#"{"id":"201","state":"OK"}"#),
                ("202", "UNKNOWN", r#"{ "state" : "UNKNOWN" , "id" : 202 }"#),
                ("2/03", "", r#"{"\u0069d": "2\/03", "x": [1, {"id": 9}]}"#),
                ("205", "", r#"{"id": "204", "id": "205"}"#),
            ]
        );
    }

    #[test]
    fn scalars_are_read_from_their_text() {
        use crate::list_entry::scalar_text;
        use serde_json::value::RawValue;
        let text = |json: &str| scalar_text(&RawValue::from_string(json.to_owned()).unwrap()).map(|t| t.into_owned());
        assert_eq!(text(r#""201""#).as_deref(), Some("201"));
        assert_eq!(text(r#""a\/b \u00e9""#).as_deref(), Some("a/b é"));
        assert_eq!(text("123456789012345678901234567890").as_deref(), Some("123456789012345678901234567890"));
        assert_eq!(text("-1.50").as_deref(), Some("-1.50"));
        assert_eq!(text("true").as_deref(), Some("true"));
        assert_eq!((text("null"), text("[1]"), text(r#"{"a":1}"#)), (None, None, None));
    }

    #[test]
    fn a_zero_or_impossible_unix_time_is_absent() {
        use serde_json::json;
        let map =
            json!({"zero": 0, "text": "1700000000", "huge": 99_999_999_999_999_i64}).as_object().cloned().unwrap();
        assert!(unix_time_field(&map, "zero").is_none() && unix_time_field(&map, "huge").is_none());
        assert_eq!(unix_time_field(&map, "text").map(|t| t.unix_seconds()), Some(1_700_000_000));
    }
}
