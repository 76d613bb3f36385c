//! The asyncio bridge. A call runs as a task on the core runtime and never touches Python
//! from a runtime thread: it keeps its result in Rust and wakes the event loop by closing a
//! socket that the loop watches (`loop.add_reader`); the result is converted on the loop's
//! thread. (pyo3-async-runtimes attaches to the interpreter from a runtime thread to set the
//! result, which can race the interpreter's shutdown and abort the process at exit.)

use std::future::Future;
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use pyo3::IntoPyObjectExt;
use pyo3::exceptions::{PyOSError, PyRuntimeError};
use pyo3::prelude::*;
use tokio::task::AbortHandle;

use crate::errors::to_py_err;

/// Turns the finished call's result into a Python object (or exception), on the loop thread.
type Convert = Box<dyn FnOnce(Python<'_>) -> PyResult<Py<PyAny>> + Send>;
type Work = Pin<Box<dyn Future<Output = Convert> + Send>>;

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// One pending call, driven by `mikopbx._aio.run`: `fileno()` becomes readable when the call
/// has finished, `start()` spawns it, `result()` returns its value or raises its error,
/// `cancel()` aborts it (dropping the core future cancels the request).
#[pyclass(frozen, module = "mikopbx._native")]
pub struct Call {
    /// The loop watches this end; the task holds the other and closes it when done.
    wake: UnixStream,
    pending: Mutex<Option<(Work, UnixStream)>>,
    task: Mutex<Option<AbortHandle>>,
    result: Arc<Mutex<Option<Convert>>>,
}

#[pymethods]
impl Call {
    /// The descriptor that becomes readable when the call has finished.
    fn fileno(&self) -> i32 {
        self.wake.as_raw_fd()
    }

    /// Spawns the call on the SDK's runtime (once).
    fn start(&self) -> PyResult<()> {
        let (work, notify) =
            lock(&self.pending).take().ok_or_else(|| PyRuntimeError::new_err("cannot reuse an awaited call"))?;
        let runtime = mikopbx::runtime().map_err(to_py_err)?;
        let slot = Arc::clone(&self.result);
        let task = runtime.spawn(async move {
            let convert = work.await;
            *lock(&slot) = Some(convert);
            drop(notify);
        });
        *lock(&self.task) = Some(task.abort_handle());
        Ok(())
    }

    /// Aborts the call, if it is still running.
    fn cancel(&self) {
        if let Some(task) = lock(&self.task).take() {
            task.abort();
        }
    }

    /// The finished call's value; raises its error.
    fn result(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let convert =
            lock(&self.result).take().ok_or_else(|| PyRuntimeError::new_err("the call ended without a result"))?;
        convert(py)
    }
}

/// A coroutine (so `asyncio.run(client.ping())` works) that runs `future` on the core
/// runtime once awaited; cancelling the awaiting task aborts the request.
pub fn coroutine<'py, T, F>(py: Python<'py>, future: F) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = mikopbx::Result<T>> + Send + 'static,
    T: for<'a> IntoPyObject<'a> + Send + 'static,
{
    // Fails here, not in the task, when used after fork().
    mikopbx::runtime().map_err(to_py_err)?;
    let (wake, notify) = UnixStream::pair().map_err(|e| PyOSError::new_err(e.to_string()))?;
    let work: Work = Box::pin(async move {
        let outcome = future.await;
        Box::new(move |py: Python<'_>| match outcome {
            Ok(value) => value.into_py_any(py),
            Err(error) => Err(to_py_err(error)),
        }) as Convert
    });
    let call = Call {
        wake,
        pending: Mutex::new(Some((work, notify))),
        task: Mutex::new(None),
        result: Arc::new(Mutex::new(None)),
    };
    py.import("mikopbx._aio")?.getattr("run")?.call1((call,))
}
