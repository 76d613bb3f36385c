//! The one mapping of core errors to the Python exception classes of `mikopbx._errors`.

use mikopbx::{Error, ErrorKind};
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// The Python exception for a core error: its class follows `kind()`, its text is the core's
/// message (which never contains a secret), with `kind`, `status` and `messages` attached.
pub fn to_py_err(error: Error) -> PyErr {
    Python::attach(|py| build(py, &error).unwrap_or_else(|failure| failure))
}

/// An `InvalidInputError` (also a `ValueError`) for an unusable argument.
pub fn invalid_input(message: impl Into<String>) -> PyErr {
    to_py_err(Error::InvalidInput { message: message.into() })
}

fn class_name(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::Authentication => "AuthenticationError",
        ErrorKind::Api => "ApiError",
        ErrorKind::Http => "HttpError",
        ErrorKind::Transport => "TransportError",
        ErrorKind::Timeout => "TimeoutError",
        ErrorKind::Tls => "TlsError",
        ErrorKind::Decode => "DecodeError",
        ErrorKind::InvalidInput => "InvalidInputError",
        ErrorKind::Unsupported => "UnsupportedError",
        ErrorKind::Internal => "InternalError",
        ErrorKind::RateLimited => "RateLimitedError",
    }
}

fn build(py: Python<'_>, error: &Error) -> PyResult<PyErr> {
    let class = py.import("mikopbx._errors")?.getattr(class_name(error.kind()))?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("kind", error.kind().as_str())?;
    kwargs.set_item("status", error.status())?;
    kwargs.set_item("messages", error.server_messages())?;
    kwargs.set_item("url", error.url())?;
    kwargs.set_item("excerpt", error.excerpt())?;
    kwargs.set_item("retry_after", error.retry_after().map(|d| d.as_secs_f64()))?;
    Ok(PyErr::from_value(class.call((error.to_string(),), Some(&kwargs))?))
}
