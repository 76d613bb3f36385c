//! `Client.cdr_records(**filters)` and `AsyncClient.cdr_records(**filters)`: every call
//! record, page after page, as a Python iterator and an async iterator over the core's stream
//! (`mikopbx::Client::cdr_records`, which keeps the cursor).

use std::pin::Pin;
use std::sync::Arc;

use futures_util::{Stream, StreamExt};
use pyo3::IntoPyObjectExt;
use pyo3::exceptions::PyStopAsyncIteration;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::aio::coroutine;
use crate::client::wait;
use crate::convert::from_py;
use crate::errors::to_py_err;
use crate::pythonic::IntoPython;

type Records = Arc<tokio::sync::Mutex<Pin<Box<dyn Stream<Item = mikopbx::Result<mikopbx::CdrRecord>> + Send>>>>;

/// The records of `client` that match the keyword filters (the `cdr` operation's, without
/// `cursor`).
pub fn records(client: &mikopbx::Client, filters: Option<&Bound<'_, PyDict>>) -> PyResult<Records> {
    let filters = filters.map(|f| from_py(f.as_any())).transpose()?.unwrap_or_default();
    let query = mikopbx::CdrQuery::from_json(filters).map_err(to_py_err)?;
    Ok(Arc::new(tokio::sync::Mutex::new(Box::pin(client.cdr_records(query)))))
}

/// The next record, or `None` at the end.
async fn next(records: Records) -> mikopbx::Result<Option<mikopbx::CdrRecord>> {
    records.lock().await.next().await.transpose()
}

/// Every call record that matches, oldest first, each once: `for record in
/// client.cdr_records(src_num="201"):`. Fetches a page as the loop reaches it; Ctrl-C
/// interrupts a wait.
#[pyclass(frozen, module = "mikopbx._native")]
pub struct CdrRecords(pub(crate) Records);

#[pymethods]
impl CdrRecords {
    fn __iter__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    fn __next__<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        match wait(py, next(Arc::clone(&self.0)))? {
            Some(record) => Ok(Some(record.into_python().into_bound_py_any(py)?)),
            None => Ok(None),
        }
    }
}

/// The asyncio form: `async for record in client.cdr_records(src_num="201"):`.
#[pyclass(frozen, module = "mikopbx._native")]
pub struct AsyncCdrRecords(pub(crate) Records);

/// The awaited next record; the end raises `StopAsyncIteration`.
struct Next(Option<mikopbx::CdrRecord>);

impl<'py> IntoPyObject<'py> for Next {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;
    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self.0 {
            Some(record) => record.into_python().into_bound_py_any(py),
            None => Err(PyStopAsyncIteration::new_err(())),
        }
    }
}

#[pymethods]
impl AsyncCdrRecords {
    fn __aiter__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    fn __anext__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let records = Arc::clone(&self.0);
        coroutine(py, async move { next(records).await.map(Next) })
    }
}
