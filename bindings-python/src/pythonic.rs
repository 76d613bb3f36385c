//! How core values cross to Python and back, by type: the one place that knows, so the models
//! and operations expanded from core's lists need no glue of their own. Each trait also
//! names the Python type, for the generated stubs.

use std::hash::{Hash, Hasher};
use std::time::Duration;

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyInt, PyString};
use serde_json::{Map, Value};

use crate::convert::{Json, from_py, map_to_py, query_from_py, to_py};
use crate::errors::invalid_input;

/// A value a model holds, seen from Python (model getters), with its stub type and its part
/// of the model's `repr()`.
pub trait ToPython {
    fn to_python<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>>;
    /// How `repr()` shows it; `None` leaves it out (the server's raw JSON).
    fn repr(&self) -> Option<String>;
}

/// A model's field as part of a Python value: its share of the model's `hash()` and its
/// pickled form. The hash agrees with `==`: it covers every field but the server's raw JSON
/// (which `==` compares, and whose objects are equal in any key order). The pickled form is
/// exact, so an unpickled model is equal to the original.
pub trait Field: Sized {
    fn hash_into<H: Hasher>(&self, state: &mut H);
    fn save(&self) -> Value;
    /// `None` when `saved` is not this field's form (a damaged pickle).
    fn load(saved: &Value) -> Option<Self>;
}

/// The Python type of a value, as the stubs write it.
pub trait PyStub {
    fn stub() -> String;
}

/// The result of an operation, made ready for Python on the runtime's thread (the async
/// path converts it under the interpreter later).
pub trait IntoPython: Send + 'static {
    type Py: for<'py> IntoPyObject<'py> + Send + 'static;
    fn into_python(self) -> Self::Py;
}

/// An operation's argument, from what a Python caller passed (`None` when it was left out).
pub trait FromPython: Sized {
    fn from_python(value: Option<&Bound<'_, PyAny>>) -> PyResult<Self>;
    /// What it accepts, as the stubs write it.
    fn stub() -> String;
}

/// A string as Python's `repr()` writes it (single quotes).
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    for c in text.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '"' => out.push('"'),
            c => out.extend(c.escape_debug()),
        }
    }
    out.push('\'');
    out
}

impl ToPython for str {
    fn to_python<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(PyString::new(py, self).into_any())
    }
    fn repr(&self) -> Option<String> {
        Some(quote(self))
    }
}

impl ToPython for String {
    fn to_python<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.as_str().to_python(py)
    }
    fn repr(&self) -> Option<String> {
        self.as_str().repr()
    }
}

/// Numbers and booleans, shown as Python shows them.
macro_rules! scalar {
    ($($type:ty => $stub:literal),+) => {$(
        impl ToPython for $type {
            fn to_python<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                Ok(self.into_pyobject(py)?.to_owned().into_any())
            }
            fn repr(&self) -> Option<String> {
                Some(self.to_string())
            }
        }
        impl PyStub for $type {
            fn stub() -> String {
                $stub.to_owned()
            }
        }
    )+};
}

scalar!(i32 => "int", i64 => "int", u16 => "int", u32 => "int", u64 => "int", f64 => "float");

/// Times as `datetime.datetime`: unix times aware (UTC), the PBX's wall-clock times naive
/// (its time zone is not in the API); `repr()` shows the ISO 8601 text.
macro_rules! time {
    ($($type:ty),+) => {$(
        impl ToPython for $type {
            fn to_python<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                Ok(self.as_chrono().into_pyobject(py)?.into_any())
            }
            fn repr(&self) -> Option<String> {
                Some(quote(&self.to_iso8601()))
            }
        }
        impl PyStub for $type {
            fn stub() -> String {
                "datetime.datetime".to_owned()
            }
        }
    )+};
}

time!(mikopbx::UnixTime, mikopbx::LocalTime);

/// Numbers an operation takes or returns: Python's `int`/`float` (a `bool` is refused).
macro_rules! number_argument {
    ($($type:ty => $stub:literal),+) => {$(
        impl FromPython for $type {
            fn from_python(value: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
                match value {
                    Some(v) if !v.is_instance_of::<PyBool>() => v
                        .extract::<$type>()
                        .map_err(|_| invalid_input(concat!("expected ", $stub, " (", stringify!($type), ")"))),
                    _ => Err(invalid_input(concat!("expected ", $stub))),
                }
            }
            fn stub() -> String {
                $stub.to_owned()
            }
        }
        impl IntoPython for $type {
            type Py = $type;
            fn into_python(self) -> $type {
                self
            }
        }
    )+};
}

number_argument!(i32 => "int", i64 => "int", u16 => "int", u32 => "int", u64 => "int", f64 => "float");

impl FromPython for bool {
    fn from_python(value: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        match value {
            Some(v) if v.is_instance_of::<PyBool>() => Ok(v.is_truthy()?),
            _ => Err(invalid_input("expected a bool")),
        }
    }
    fn stub() -> String {
        "bool".to_owned()
    }
}

impl IntoPython for bool {
    type Py = bool;
    fn into_python(self) -> bool {
        self
    }
}

impl IntoPython for String {
    type Py = String;
    fn into_python(self) -> String {
        self
    }
}

/// An optional argument: `None` (or left out) is "not given".
impl<T: FromPython> FromPython for Option<T> {
    fn from_python(value: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        match value.filter(|v| !v.is_none()) {
            Some(v) => T::from_python(Some(v)).map(Some),
            None => Ok(None),
        }
    }
    fn stub() -> String {
        format!("Optional[{}]", T::stub())
    }
}

impl<T: IntoPython> IntoPython for Option<T> {
    type Py = Option<T::Py>;
    fn into_python(self) -> Self::Py {
        self.map(IntoPython::into_python)
    }
}

impl ToPython for bool {
    fn to_python<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(PyBool::new(py, *self).to_owned().into_any())
    }
    fn repr(&self) -> Option<String> {
        Some(if *self { "True" } else { "False" }.to_owned())
    }
}

impl PyStub for bool {
    fn stub() -> String {
        "bool".to_owned()
    }
}

impl PyStub for String {
    fn stub() -> String {
        "str".to_owned()
    }
}

impl PyStub for str {
    fn stub() -> String {
        "str".to_owned()
    }
}

impl<T: ToPython + ?Sized> ToPython for &T {
    fn to_python<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        (**self).to_python(py)
    }
    fn repr(&self) -> Option<String> {
        (**self).repr()
    }
}

impl<T: PyStub + ?Sized> PyStub for &T {
    fn stub() -> String {
        T::stub()
    }
}

impl<T: ToPython> ToPython for Option<T> {
    fn to_python<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self {
            Some(value) => value.to_python(py),
            None => Ok(py.None().into_bound(py)),
        }
    }
    fn repr(&self) -> Option<String> {
        match self {
            Some(value) => value.repr(),
            None => Some("None".to_owned()),
        }
    }
}

impl<T: PyStub> PyStub for Option<T> {
    fn stub() -> String {
        format!("Optional[{}]", T::stub())
    }
}

impl<T: ToPython> ToPython for Vec<T> {
    fn to_python<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let items = self.iter().map(|item| item.to_python(py)).collect::<PyResult<Vec<_>>>()?;
        Ok(pyo3::types::PyList::new(py, items)?.into_any())
    }
    fn repr(&self) -> Option<String> {
        let items: Vec<String> = self.iter().map(|item| item.repr().unwrap_or_else(|| "…".to_owned())).collect();
        Some(format!("[{}]", items.join(", ")))
    }
}

impl<T: PyStub> PyStub for Vec<T> {
    fn stub() -> String {
        format!("List[{}]", T::stub())
    }
}

/// The server's JSON, as plain Python data.
impl ToPython for Value {
    fn to_python<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, self)
    }
    fn repr(&self) -> Option<String> {
        None
    }
}

impl PyStub for Value {
    fn stub() -> String {
        "_JsonValue".to_owned()
    }
}

/// The server's JSON, parsed into plain Python data when it is read.
impl ToPython for mikopbx::RawJson {
    fn to_python<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.to_value())
    }
    fn repr(&self) -> Option<String> {
        None
    }
}

impl PyStub for mikopbx::RawJson {
    fn stub() -> String {
        "_JsonValue".to_owned()
    }
}

impl ToPython for Map<String, Value> {
    fn to_python<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(map_to_py(py, self)?.into_any())
    }
    fn repr(&self) -> Option<String> {
        None
    }
}

impl PyStub for Map<String, Value> {
    fn stub() -> String {
        "Dict[str, _JsonValue]".to_owned()
    }
}

impl IntoPython for () {
    type Py = ();
    fn into_python(self) {}
}

impl PyStub for () {
    fn stub() -> String {
        "None".to_owned()
    }
}

impl IntoPython for Value {
    type Py = Json;
    fn into_python(self) -> Json {
        Json(self)
    }
}

/// `"legacy"` or `"v3"`.
impl IntoPython for mikopbx::ApiGeneration {
    type Py = &'static str;
    fn into_python(self) -> &'static str {
        self.as_str()
    }
}

impl PyStub for mikopbx::ApiGeneration {
    fn stub() -> String {
        "str".to_owned()
    }
}

/// A round-trip time, in seconds.
impl IntoPython for Duration {
    type Py = f64;
    fn into_python(self) -> f64 {
        self.as_secs_f64()
    }
}

impl PyStub for Duration {
    fn stub() -> String {
        "float".to_owned()
    }
}

impl<T: IntoPython> IntoPython for Vec<T> {
    type Py = Vec<T::Py>;
    fn into_python(self) -> Self::Py {
        self.into_iter().map(IntoPython::into_python).collect()
    }
}

/// Ids and other texts; an `int` is taken as its decimal text (`peer(201)`).
impl FromPython for String {
    fn from_python(value: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        match value {
            Some(v) if v.is_instance_of::<PyString>() => Ok(v.str()?.to_cow()?.into_owned()),
            Some(v) if v.is_instance_of::<PyInt>() && !v.is_instance_of::<PyBool>() => {
                Ok(v.str()?.to_cow()?.into_owned())
            }
            _ => Err(invalid_input("expected a str (or an int)")),
        }
    }
    fn stub() -> String {
        "Union[str, int]".to_owned()
    }
}

/// A mapping or `(name, value)` pairs.
impl FromPython for mikopbx::Params {
    fn from_python(value: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        query_from_py(value).map(mikopbx::Params)
    }
    fn stub() -> String {
        "_Params".to_owned()
    }
}

/// Any JSON-able value, sent as the JSON body.
impl FromPython for Option<mikopbx::RequestBody> {
    fn from_python(value: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        value.filter(|v| !v.is_none()).map(|v| from_py(v).map(mikopbx::RequestBody::Json)).transpose()
    }
    fn stub() -> String {
        "_JsonValue".to_owned()
    }
}

impl Field for String {
    fn hash_into<H: Hasher>(&self, state: &mut H) {
        self.hash(state);
    }
    fn save(&self) -> Value {
        Value::String(self.clone())
    }
    fn load(saved: &Value) -> Option<Self> {
        saved.as_str().map(str::to_owned)
    }
}

impl Field for bool {
    fn hash_into<H: Hasher>(&self, state: &mut H) {
        self.hash(state);
    }
    fn save(&self) -> Value {
        Value::Bool(*self)
    }
    fn load(saved: &Value) -> Option<Self> {
        saved.as_bool()
    }
}

/// Integers, saved as JSON numbers.
macro_rules! integer_field {
    ($($type:ty),+) => {$(
        impl Field for $type {
            fn hash_into<H: Hasher>(&self, state: &mut H) {
                self.hash(state);
            }
            fn save(&self) -> Value {
                Value::from(*self)
            }
            fn load(saved: &Value) -> Option<Self> {
                match saved.as_i64() {
                    Some(n) => <$type>::try_from(n).ok(),
                    None => saved.as_u64().and_then(|n| <$type>::try_from(n).ok()),
                }
            }
        }
    )+};
}

integer_field!(i32, i64, u16, u32, u64);

impl Field for f64 {
    fn hash_into<H: Hasher>(&self, state: &mut H) {
        // 0.0 == -0.0, so both hash as 0.0 (NaN equals nothing: any hash does).
        let value = if *self == 0.0 { 0.0f64 } else { *self };
        value.to_bits().hash(state);
    }
    fn save(&self) -> Value {
        // NaN and the infinities, which JSON numbers cannot hold, as their text.
        serde_json::Number::from_f64(*self).map_or_else(|| Value::String(self.to_string()), Value::Number)
    }
    fn load(saved: &Value) -> Option<Self> {
        match saved {
            Value::String(text) => text.parse().ok(),
            other => other.as_f64(),
        }
    }
}

impl Field for mikopbx::UnixTime {
    fn hash_into<H: Hasher>(&self, state: &mut H) {
        self.hash(state);
    }
    fn save(&self) -> Value {
        Value::from(self.unix_seconds())
    }
    fn load(saved: &Value) -> Option<Self> {
        saved.as_i64().and_then(mikopbx::UnixTime::from_unix)
    }
}

impl Field for mikopbx::LocalTime {
    fn hash_into<H: Hasher>(&self, state: &mut H) {
        self.hash(state);
    }
    fn save(&self) -> Value {
        Value::String(self.to_iso8601())
    }
    fn load(saved: &Value) -> Option<Self> {
        saved.as_str().and_then(mikopbx::LocalTime::parse)
    }
}

/// The server's raw JSON: pickled, not hashed.
impl Field for mikopbx::RawJson {
    fn hash_into<H: Hasher>(&self, _: &mut H) {}
    fn save(&self) -> Value {
        self.to_value()
    }
    fn load(saved: &Value) -> Option<Self> {
        Some(mikopbx::RawJson::from_value(saved))
    }
}

/// The server's raw JSON: pickled, not hashed.
impl Field for Value {
    fn hash_into<H: Hasher>(&self, _: &mut H) {}
    fn save(&self) -> Value {
        self.clone()
    }
    fn load(saved: &Value) -> Option<Self> {
        Some(saved.clone())
    }
}

impl Field for Map<String, Value> {
    fn hash_into<H: Hasher>(&self, _: &mut H) {}
    fn save(&self) -> Value {
        Value::Object(self.clone())
    }
    fn load(saved: &Value) -> Option<Self> {
        saved.as_object().cloned()
    }
}

impl<T: Field> Field for Option<T> {
    fn hash_into<H: Hasher>(&self, state: &mut H) {
        self.is_some().hash(state);
        if let Some(value) = self {
            value.hash_into(state);
        }
    }
    fn save(&self) -> Value {
        self.as_ref().map_or(Value::Null, Field::save)
    }
    fn load(saved: &Value) -> Option<Self> {
        match saved {
            Value::Null => Some(None),
            value => T::load(value).map(Some),
        }
    }
}

impl<T: Field> Field for Vec<T> {
    fn hash_into<H: Hasher>(&self, state: &mut H) {
        self.len().hash(state);
        for item in self {
            item.hash_into(state);
        }
    }
    fn save(&self) -> Value {
        Value::Array(self.iter().map(Field::save).collect())
    }
    fn load(saved: &Value) -> Option<Self> {
        saved.as_array()?.iter().map(T::load).collect()
    }
}
