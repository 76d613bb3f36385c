//! JSON values to Python objects and back, in one pass without a text round trip.

use std::time::Duration;

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Number, Value};

use crate::errors::invalid_input;

/// Deeper documents are refused rather than risking the stack on a self-referencing list.
const MAX_DEPTH: usize = 128;

/// A JSON value on its way to Python (the result type of async calls).
pub struct Json(pub Value);

impl<'py> IntoPyObject<'py> for Json {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0)
    }
}

/// `dict`, `list`, `str`, `int`, `float`, `bool` and `None`, keeping the object's key order.
pub fn to_py<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => number_to_py(py, n)?,
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => map_to_py(py, map)?.into_any(),
    })
}

pub fn map_to_py<'py>(py: Python<'py>, map: &Map<String, Value>) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (key, item) in map {
        dict.set_item(PyString::new(py, key), to_py(py, item)?)?;
    }
    Ok(dict)
}

fn number_to_py<'py>(py: Python<'py>, n: &Number) -> PyResult<Bound<'py, PyAny>> {
    if let Some(i) = n.as_i64() {
        return Ok(i.into_pyobject(py)?.into_any());
    }
    if let Some(u) = n.as_u64() {
        return Ok(u.into_pyobject(py)?.into_any());
    }
    match n.as_f64() {
        Some(f) => Ok(PyFloat::new(py, f).into_any()),
        None => Err(invalid_input(format!("the number {n} does not fit a float"))),
    }
}

/// The JSON form of a Python value: `None`, `bool`, `int`, `float` (finite), `str`, lists or
/// tuples, and dicts with string keys.
pub fn from_py(object: &Bound<'_, PyAny>) -> PyResult<Value> {
    from_py_at(object, 0)
}

fn from_py_at(object: &Bound<'_, PyAny>, depth: usize) -> PyResult<Value> {
    if depth > MAX_DEPTH {
        return Err(invalid_input(format!("JSON value nested deeper than {MAX_DEPTH} levels")));
    }
    if object.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = object.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if object.is_instance_of::<PyInt>() {
        if let Ok(i) = object.extract::<i64>() {
            return Ok(Value::from(i));
        }
        if let Ok(u) = object.extract::<u64>() {
            return Ok(Value::from(u));
        }
        return Err(invalid_input("an integer does not fit 64 bits and cannot be sent as JSON"));
    }
    if let Ok(f) = object.cast::<PyFloat>() {
        return Number::from_f64(f.value())
            .map(Value::Number)
            .ok_or_else(|| invalid_input("NaN and infinity cannot be sent as JSON"));
    }
    if let Ok(s) = object.cast::<PyString>() {
        return Ok(Value::String(s.to_cow()?.into_owned()));
    }
    if let Ok(dict) = object.cast::<PyDict>() {
        let mut map = Map::with_capacity(dict.len());
        for (key, item) in dict.iter() {
            let key = key
                .cast::<PyString>()
                .map_err(|_| invalid_input("JSON object keys must be strings"))?
                .to_cow()?
                .into_owned();
            map.insert(key, from_py_at(&item, depth + 1)?);
        }
        return Ok(Value::Object(map));
    }
    if let Ok(list) = object.cast::<PyList>() {
        return list.iter().map(|item| from_py_at(&item, depth + 1)).collect::<PyResult<_>>().map(Value::Array);
    }
    if let Ok(tuple) = object.cast::<PyTuple>() {
        return tuple.iter().map(|item| from_py_at(&item, depth + 1)).collect::<PyResult<_>>().map(Value::Array);
    }
    let type_name = object.get_type().name()?.to_string();
    Err(invalid_input(format!("a {type_name} cannot be sent as JSON")))
}

/// Query parameters from a mapping or an iterable of `(name, value)` pairs; values may be
/// `str`, `int`, `float` or `bool` (sent as `true`/`false`).
pub fn query_from_py(params: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<(String, String)>> {
    let Some(params) = params.filter(|p| !p.is_none()) else { return Ok(Vec::new()) };
    let pairs = match params.cast::<PyDict>() {
        Ok(dict) => dict.items().into_any(),
        Err(_) => params.clone(),
    };
    let mut query = Vec::new();
    let pairs = pairs.try_iter().map_err(|_| invalid_input("params must be a mapping or (name, value) pairs"))?;
    for pair in pairs {
        let (name, value): (Bound<'_, PyAny>, Bound<'_, PyAny>) =
            pair?.extract().map_err(|_| invalid_input("params must be a mapping or (name, value) pairs"))?;
        let name = name
            .cast::<PyString>()
            .map_err(|_| invalid_input("query parameter names must be strings"))?
            .to_cow()?
            .into_owned();
        query.push((name, query_value(&value)?));
    }
    Ok(query)
}

fn query_value(value: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(b) = value.cast::<PyBool>() {
        return Ok(if b.is_true() { "true" } else { "false" }.to_owned());
    }
    if value.is_instance_of::<PyString>() || value.is_instance_of::<PyInt>() || value.is_instance_of::<PyFloat>() {
        return Ok(value.str()?.to_cow()?.into_owned());
    }
    Err(invalid_input("query parameter values must be str, int, float or bool"))
}

/// A positive, finite number of seconds, at most a day (core's rule).
pub fn seconds(name: &str, value: f64) -> PyResult<Duration> {
    mikopbx::seconds(name, value).map_err(crate::errors::to_py_err)
}
