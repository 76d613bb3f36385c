//! The streaming calls as Python iterators and async iterators over core's `Feed`:
//! `cdr_records(**filters)` (every call record, page after page) and `watch(...)` (every
//! change of the PBX, forever). One pair of classes serves both; the items are converted into
//! Python objects as the loop reaches them.

use std::sync::Arc;

use futures_util::{Stream, TryStreamExt};
use pyo3::IntoPyObjectExt;
use pyo3::exceptions::PyStopAsyncIteration;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::aio::coroutine;
use crate::client::wait;
use crate::convert::from_py;
use crate::errors::to_py_err;
use crate::pythonic::IntoPython;

/// A stream's item on its way into Python.
pub(crate) trait Item: Send {
    fn into_py_any(self: Box<Self>, py: Python<'_>) -> PyResult<Bound<'_, PyAny>>;
}

impl<T: IntoPython> Item for T {
    fn into_py_any(self: Box<Self>, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        (*self).into_python().into_bound_py_any(py)
    }
}

pub(crate) type Items = Arc<mikopbx::Feed<Box<dyn Item>>>;

fn items<T: IntoPython>(stream: impl Stream<Item = mikopbx::Result<T>> + Send + 'static) -> Items {
    Arc::new(mikopbx::Feed::new(stream.map_ok(|item| Box::new(item) as Box<dyn Item>)))
}

/// The records of `client` that match the keyword filters (the `cdr` operation's, without
/// `cursor`).
pub fn cdr_records(client: &mikopbx::Client, filters: Option<&Bound<'_, PyDict>>) -> PyResult<Items> {
    let filters = filters.map(|f| from_py(f.as_any())).transpose()?.unwrap_or_default();
    let query = mikopbx::CdrQuery::from_json(filters).map_err(to_py_err)?;
    Ok(items(client.cdr_records(query)))
}

/// The changes of `client`'s PBX; bad options are refused here, before any request.
pub fn watch(
    client: &mikopbx::Client,
    interval: Option<f64>,
    include: Option<String>,
    exclude: Option<String>,
) -> PyResult<Items> {
    let options = mikopbx::WatchOptions::new(interval, include, exclude).map_err(to_py_err)?;
    Ok(items(client.watch(options)))
}

/// What `Client.cdr_records()` and `Client.watch()` return: a loop over their items, fetched
/// as the loop reaches them. Ctrl-C interrupts a wait (the next `next()` resumes it).
#[pyclass(frozen, name = "Stream", module = "mikopbx._native")]
pub struct SyncStream(pub(crate) Items);

#[pymethods]
impl SyncStream {
    fn __iter__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    /// The next item, waiting for it (Ctrl-C interrupts the wait).
    fn __next__<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let items = Arc::clone(&self.0);
        wait(py, async move { items.next().await })?.map(|item| item.into_py_any(py)).transpose()
    }
}

/// The asyncio form, what `AsyncClient.cdr_records()` and `AsyncClient.watch()` return: for
/// `async for`.
#[pyclass(frozen, module = "mikopbx._native")]
pub struct AsyncStream(pub(crate) Items);

/// The awaited next item; the end raises `StopAsyncIteration`.
struct Next(Option<Box<dyn Item>>);

impl<'py> IntoPyObject<'py> for Next {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;
    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self.0 {
            Some(item) => item.into_py_any(py),
            None => Err(PyStopAsyncIteration::new_err(())),
        }
    }
}

#[pymethods]
impl AsyncStream {
    fn __aiter__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    /// A coroutine of the next item; the end raises `StopAsyncIteration`.
    fn __anext__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let items = Arc::clone(&self.0);
        coroutine(py, async move { items.next().await.map(Next) })
    }
}
