//! How core values cross to Kotlin/Swift and back, by type: the one place that knows, so the
//! models and operations expanded from core's lists need no glue of their own.

use std::collections::HashMap;
use std::time::Duration;

use serde_json::{Map, Value};

use crate::{MikoPbxError, Result};

/// A core value as uniffi carries it.
pub trait IntoFfi {
    type Ffi;
    fn into_ffi(self) -> Self::Ffi;
}

/// A core argument made from what a Kotlin/Swift caller passed as the argument `name`.
pub trait FromFfi: Sized {
    type Ffi;
    fn from_ffi(ffi: Self::Ffi, name: &str) -> Result<Self>;
}

/// Types uniffi carries as they are.
macro_rules! as_is {
    ($($type:ty),+) => {$(
        impl IntoFfi for $type {
            type Ffi = $type;
            fn into_ffi(self) -> $type {
                self
            }
        }
        impl FromFfi for $type {
            type Ffi = $type;
            fn from_ffi(ffi: $type, _: &str) -> Result<$type> {
                Ok(ffi)
            }
        }
    )+};
}

as_is!(String, bool, i32, i64, f64, (), Duration);

/// Unsigned numbers cross as Kotlin's `Int` / `Long`, widened where that loses nothing: Kotlin's
/// `UShort`/`UInt`/`ULong` are inline classes that Java cannot call or read, and `Int`/`Long` are
/// what Kotlin code uses anyway. A u64 beyond `Long.MAX_VALUE` (no PBX count reaches it) is
/// shown as `Long.MAX_VALUE`.
macro_rules! unsigned_as {
    ($($type:ty => $ffi:ty),+) => {$(
        impl IntoFfi for $type {
            type Ffi = $ffi;
            fn into_ffi(self) -> $ffi {
                <$ffi>::try_from(self).unwrap_or(<$ffi>::MAX)
            }
        }
        impl FromFfi for $type {
            type Ffi = $ffi;
            fn from_ffi(ffi: $ffi, name: &str) -> Result<$type> {
                unsigned(name, ffi)
            }
        }
    )+};
}

unsigned_as!(u16 => i32, u32 => i64, u64 => i64);

/// A signed number a caller passed where the core takes an unsigned one: out of range (negative)
/// is invalid input naming the argument.
pub(crate) fn unsigned<T: TryFrom<i64>>(name: &str, value: impl Into<i64>) -> Result<T> {
    let value = value.into();
    T::try_from(value).map_err(|_| MikoPbxError::InvalidInput {
        reason: if value < 0 {
            format!("{name} must not be negative ({value})")
        } else {
            format!("{name} is too large ({value})")
        },
    })
}

/// An optional argument: Kotlin's `null` is "not given".
impl<T: FromFfi> FromFfi for Option<T> {
    type Ffi = Option<T::Ffi>;
    fn from_ffi(ffi: Self::Ffi, name: &str) -> Result<Self> {
        ffi.map(|value| T::from_ffi(value, name)).transpose()
    }
}

impl<T: IntoFfi> IntoFfi for Option<T> {
    type Ffi = Option<T::Ffi>;
    fn into_ffi(self) -> Self::Ffi {
        self.map(IntoFfi::into_ffi)
    }
}

impl<T: IntoFfi> IntoFfi for Vec<T> {
    type Ffi = Vec<T::Ffi>;
    fn into_ffi(self) -> Self::Ffi {
        self.into_iter().map(IntoFfi::into_ffi).collect()
    }
}

/// The server's JSON, as JSON text.
impl IntoFfi for Value {
    type Ffi = String;
    fn into_ffi(self) -> String {
        self.to_string()
    }
}

/// The server's JSON as it was sent: its own text, no re-encoding.
impl IntoFfi for mikopbx::RawJson {
    type Ffi = RawText;
    fn into_ffi(self) -> RawText {
        RawText(self)
    }
}

/// JSON text as the server sent it, on its way to Kotlin/Swift as a `String`: written into
/// uniffi's buffer straight from the answer it is a part of, with no `String` made for it on
/// the Rust side (a big peer list has 10,000 of them: docs/performance.md).
#[derive(Debug, Clone, PartialEq)]
pub struct RawText(mikopbx::RawJson);

impl RawText {
    /// JSON text that came back from Kotlin/Swift; anything else is refused.
    fn from_text(text: String) -> uniffi::Result<RawText> {
        let raw = mikopbx::RawJson::from_text(text).ok_or_else(|| uniffi::deps::anyhow::anyhow!("not JSON"))?;
        Ok(RawText(raw))
    }
}

// SAFETY: the methods follow uniffi's own `String` converter, whose wire form (a RustBuffer
// of UTF-8, or a big-endian i32 length and the bytes inside a buffer) and type id they use.
unsafe impl uniffi::FfiConverter<crate::UniFfiTag> for RawText {
    type FfiType = uniffi::RustBuffer;

    fn lower(obj: RawText) -> uniffi::RustBuffer {
        uniffi::RustBuffer::from_vec(obj.0.as_bytes().to_vec())
    }

    fn try_lift(v: uniffi::RustBuffer) -> uniffi::Result<RawText> {
        RawText::from_text(<String as uniffi::FfiConverter<crate::UniFfiTag>>::try_lift(v)?)
    }

    fn write(obj: RawText, buf: &mut Vec<u8>) {
        // An entry longer than an i32 cannot cross (nor be held by a Kotlin String): `null`.
        let (len, text) = match i32::try_from(obj.0.as_bytes().len()) {
            Ok(len) => (len, obj.0.as_bytes()),
            Err(_) => (4, &b"null"[..]),
        };
        buf.extend_from_slice(&len.to_be_bytes());
        buf.extend_from_slice(text);
    }

    fn try_read(buf: &mut &[u8]) -> uniffi::Result<RawText> {
        RawText::from_text(<String as uniffi::FfiConverter<crate::UniFfiTag>>::try_read(buf)?)
    }

    const TYPE_ID_META: uniffi::MetadataBuffer =
        uniffi::MetadataBuffer::from_code(uniffi::metadata::codes::TYPE_STRING);
}

uniffi::derive_ffi_traits!(local RawText);

/// A JSON object, as JSON text.
impl IntoFfi for Map<String, Value> {
    type Ffi = String;
    fn into_ffi(self) -> String {
        Value::Object(self).to_string()
    }
}

/// A unix time: `java.time.Instant` in Kotlin, `Date` in Swift.
impl IntoFfi for mikopbx::UnixTime {
    type Ffi = std::time::SystemTime;
    fn into_ffi(self) -> std::time::SystemTime {
        self.to_system_time()
    }
}

/// The PBX's wall-clock time as its ISO 8601 text (`2026-01-15T10:30:45.123`); Kotlin sees a
/// `java.time.LocalDateTime` (uniffi.toml), Swift the text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PbxLocalTime(String);

uniffi::custom_newtype!(PbxLocalTime, String);

impl IntoFfi for mikopbx::LocalTime {
    type Ffi = PbxLocalTime;
    fn into_ffi(self) -> PbxLocalTime {
        PbxLocalTime(self.to_iso8601())
    }
}

/// `"legacy"` or `"v3"`.
impl IntoFfi for mikopbx::ApiGeneration {
    type Ffi = String;
    fn into_ffi(self) -> String {
        self.as_str().to_owned()
    }
}

/// Query parameters: a map (null for none).
impl FromFfi for mikopbx::Params {
    type Ffi = Option<HashMap<String, String>>;
    fn from_ffi(ffi: Self::Ffi, _: &str) -> Result<Self> {
        Ok(mikopbx::Params(ffi.unwrap_or_default().into_iter().collect()))
    }
}

/// A request body: JSON text (null for none).
impl FromFfi for Option<mikopbx::RequestBody> {
    type Ffi = Option<String>;
    fn from_ffi(ffi: Self::Ffi, name: &str) -> Result<Self> {
        ffi.map(|text| json_text(name, &text).map(mikopbx::RequestBody::Json)).transpose()
    }
}

/// Parses a JSON argument; bad JSON is an invalid-input error naming the argument.
pub(crate) fn json_text(name: &str, text: &str) -> Result<Value> {
    serde_json::from_str(text)
        .map_err(|e| MikoPbxError::InvalidInput { reason: format!("{name} is not valid JSON ({e})") })
}

#[cfg(test)]
mod tests {
    use uniffi::FfiConverter;

    use super::*;

    type Tag = crate::UniFfiTag;

    #[test]
    fn raw_text_crosses_exactly_as_a_string_does() {
        let raw = mikopbx::RawJson::from_text(r#"{"id": "201", "ua": "caf\u00e9 \/ é"}"#.to_owned()).unwrap();
        let (mut written, mut as_string) = (Vec::new(), Vec::new());
        <RawText as FfiConverter<Tag>>::write(RawText(raw.clone()), &mut written);
        <String as FfiConverter<Tag>>::write(raw.as_str().to_owned(), &mut as_string);
        assert_eq!(written, as_string);
        let read = <RawText as FfiConverter<Tag>>::try_read(&mut written.as_slice()).unwrap();
        assert_eq!(read, RawText(raw.clone()));
        let lifted =
            <RawText as FfiConverter<Tag>>::try_lift(<RawText as FfiConverter<Tag>>::lower(RawText(raw.clone())));
        assert_eq!(lifted.unwrap(), RawText(raw));

        let mut not_json = Vec::new();
        <String as FfiConverter<Tag>>::write("{not json".to_owned(), &mut not_json);
        assert!(<RawText as FfiConverter<Tag>>::try_read(&mut not_json.as_slice()).is_err());
    }
}
