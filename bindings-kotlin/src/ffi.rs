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
    type Ffi = String;
    fn into_ffi(self) -> String {
        self.as_str().to_owned()
    }
}

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
