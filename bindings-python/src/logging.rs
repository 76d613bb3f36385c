//! The core's log events in Python's `logging`: each event goes to the logger named after its
//! core module (`mikopbx::transport` → `mikopbx.transport`) at the matching level, through
//! `mikopbx._logging._emit`. The core formats only events at or above the level that
//! `configure_logging` read from those loggers, so quiet loggers cost the calls nothing.
//!
//! Events happen on the runtime's threads, which attach to the interpreter to deliver them,
//! until it shuts down (`interpreter`).

use mikopbx::{LogLevel, LogRecord};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

use crate::errors::to_py_err;
use crate::interpreter;

/// The `logging` level number of a core level (TRACE, which `logging` lacks, is 5).
fn python_level(level: LogLevel) -> u8 {
    match level {
        LogLevel::Error => 40,
        LogLevel::Warn => 30,
        LogLevel::Info => 20,
        LogLevel::Debug => 10,
        LogLevel::Trace => 5,
    }
}

/// Hands one record to `logging`, on whatever thread the core logged it.
fn deliver(record: &LogRecord<'_>) {
    interpreter::try_attach(|py| {
        if let Err(error) = emit(py, python_level(record.level), record.target, record.message) {
            error.write_unraisable(py, None);
        }
    });
}

fn emit(py: Python<'_>, level: u8, target: &str, message: &str) -> PyResult<()> {
    static EMIT: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let emit = EMIT.get_or_try_init(py, || py.import("mikopbx._logging")?.getattr("_emit").map(Bound::unbind))?;
    emit.call1(py, (level, target, message)).map(drop)
}

/// A warning of this binding's own (`close()` that could not log out), on the `mikopbx` logger.
pub fn warn(py: Python<'_>, message: &str) {
    if let Err(error) = emit(py, python_level(LogLevel::Warn), "mikopbx", message) {
        error.write_unraisable(py, None);
    }
}

/// Delivers the core's events at `level` (`"error"` … `"trace"`) and above to `logging`;
/// `None` delivers none. What `mikopbx.configure_logging()` calls with the level it read.
#[pyfunction(name = "_set_log_level")]
#[pyo3(signature = (level))]
pub fn set_level(level: Option<&str>) -> PyResult<()> {
    let level = level.map(str::parse::<LogLevel>).transpose().map_err(to_py_err)?;
    if !interpreter::open() {
        return Ok(());
    }
    // Installed each time (it is cheap), so that the SDK's sink is the one in place even if
    // the in-process CLI (`run_cli`) installed its own.
    mikopbx::set_log_sink(level, deliver).map_err(to_py_err)
}

/// Sets the core's level from the Python loggers, as `Client(...)` does at construction.
/// A failure leaves the client without a log, never without its calls.
pub fn refresh(py: Python<'_>) {
    static CONFIGURE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let configured = CONFIGURE
        .get_or_try_init(py, || py.import("mikopbx._logging")?.getattr("_refresh").map(Bound::unbind))
        .and_then(|refresh| refresh.call0(py));
    if let Err(error) = configured {
        error.write_unraisable(py, None);
    }
}
