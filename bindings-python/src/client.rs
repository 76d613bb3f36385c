//! `Client` (blocking, detached from the interpreter while it waits) and `AsyncClient`
//! (asyncio, on the core runtime); both delegate every call to the core client. Every
//! operation of core's list (`mikopbx::for_each_operation!`) becomes a method of both.

use std::path::PathBuf;

use mikopbx::{ApiVersion, Config, Credentials, Options, TlsTrust};
use pyo3::IntoPyObjectExt;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyTuple};
use serde_json::{Value, json};

use crate::aio::coroutine;
use crate::convert::{Json, from_py, seconds, to_py};
use crate::errors::{invalid_input, to_py_err};
use crate::pythonic::{FromPython, IntoPython, PyStub, quote};
use crate::streams::{self, AsyncStream, SyncStream};

/// The constructor's keyword arguments as the core's options (which apply the defaults and
/// validate). `verify`: True (system roots), False (no verification) or a CA certificate file.
#[allow(clippy::too_many_arguments)]
fn options(
    url: String,
    login: Option<String>,
    password: Option<String>,
    api_key: Option<String>,
    api_version: Option<&str>,
    verify: Option<&Bound<'_, PyAny>>,
    pin_sha256: Option<String>,
    timeout: Option<f64>,
    connect_timeout: Option<f64>,
    retries: Option<i64>,
    max_response_bytes: Option<u64>,
    requests_per_minute: Option<u32>,
    max_in_flight: Option<u32>,
) -> PyResult<Options> {
    let (insecure, ca_pem) = match verify {
        None => (false, None),
        Some(v) if v.is_instance_of::<PyBool>() => (!v.is_truthy()?, None),
        Some(v) => {
            let path: PathBuf = v
                .extract()
                .map_err(|_| invalid_input("verify must be True, False or the path of a CA certificate (PEM)"))?;
            (false, Some(TlsTrust::read_pem_file(&path).map_err(to_py_err)?))
        }
    };
    let retries = retries
        .map(|n| u32::try_from(n).map_err(|_| invalid_input("retries must be a non-negative number")))
        .transpose()?;
    Ok(Options {
        url,
        login,
        password,
        api_key,
        api_version: api_version.map(str::parse::<ApiVersion>).transpose().map_err(to_py_err)?,
        insecure,
        ca_pem,
        pin_sha256,
        timeout: timeout.map(|t| seconds("timeout", t)).transpose()?,
        connect_timeout: connect_timeout.map(|t| seconds("connect_timeout", t)).transpose()?,
        retries,
        max_response_bytes,
        user_agent: None,
        requests_per_minute,
        max_in_flight,
    })
}

/// The constructor, `url` and `repr()` of a client class (the same for both).
macro_rules! client_basics {
    ($class:ident) => {
        #[pymethods]
        impl $class {
            /// Validates the options (`None`: the default) and connects lazily: the first call
            /// logs in.
            #[new]
            #[pyo3(signature = (url, *, login=None, password=None, api_key=None, api_version=None, verify=None,
                                                pin_sha256=None, timeout=None, connect_timeout=None, retries=None,
                                                max_response_bytes=None, requests_per_minute=None, max_in_flight=None))]
            #[allow(clippy::too_many_arguments)]
            fn new(
                url: String,
                login: Option<String>,
                password: Option<String>,
                api_key: Option<String>,
                api_version: Option<String>,
                verify: Option<&Bound<'_, PyAny>>,
                pin_sha256: Option<String>,
                timeout: Option<f64>,
                connect_timeout: Option<f64>,
                retries: Option<i64>,
                max_response_bytes: Option<u64>,
                requests_per_minute: Option<u32>,
                max_in_flight: Option<u32>,
            ) -> PyResult<Self> {
                let options = options(
                    url,
                    login,
                    password,
                    api_key,
                    api_version.as_deref(),
                    verify,
                    pin_sha256,
                    timeout,
                    connect_timeout,
                    retries,
                    max_response_bytes,
                    requests_per_minute,
                    max_in_flight,
                )?;
                let config = options.into_config().map_err(to_py_err)?;
                mikopbx::Client::new(config).map($class).map_err(to_py_err)
            }

            /// The server's base URL, with a trailing slash.
            #[getter]
            fn url(&self) -> &str {
                self.0.config().base_url().as_str()
            }

            fn __repr__(&self) -> String {
                describe(stringify!($class), self.0.config())
            }
        }
    };
}

/// How often a waiting sync call looks for Ctrl-C (and other signal handlers).
const SIGNAL_CHECK_INTERVAL: std::time::Duration = std::time::Duration::from_millis(50);

/// Runs a call of the core client for the sync `Client`: detached from the interpreter while
/// it waits, and interruptible by Ctrl-C, which aborts the request and raises
/// `KeyboardInterrupt`.
pub(crate) fn wait<T: Send + 'static>(
    py: Python<'_>,
    call: impl std::future::Future<Output = mikopbx::Result<T>> + Send + 'static,
) -> PyResult<T> {
    py.detach(|| {
        mikopbx::block_on_interruptible(call, SIGNAL_CHECK_INTERVAL, || Python::attach(|py| py.check_signals().err()))
    })?
    .map_err(to_py_err)
}

/// `call`'s arguments: a dict (or None) as JSON.
fn call_arguments(args: Option<&Bound<'_, PyAny>>) -> PyResult<serde_json::Value> {
    args.filter(|a| !a.is_none()).map(from_py).transpose().map(Option::unwrap_or_default)
}

/// The operations of the SDK: a list of dicts with `name`, `doc`, `arguments`, `result`,
/// `idempotent` and `example` (arguments that make a valid call).
#[pyfunction]
pub fn operations(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    to_py(py, &mikopbx::operations_json())
}

/// `Client(url='…', login='admin', api_version='auto')`; never a password or key.
fn describe(class: &str, config: &Config) -> String {
    let auth = match config.credentials() {
        Credentials::None => String::new(),
        Credentials::Password { login, .. } => format!(", login={}", quote(login)),
        Credentials::ApiKey(_) => ", api_key=<hidden>".to_owned(),
    };
    let version = format!("{:?}", config.api_version()).to_ascii_lowercase();
    format!("{class}(url={}{auth}, api_version={})", quote(config.base_url().as_str()), quote(&version))
}

/// Client of the MikoPBX REST API for plain (threaded) code. Safe to share between threads;
/// every call releases the interpreter while it waits and can be interrupted by Ctrl-C.
#[pyclass(frozen, module = "mikopbx")]
pub struct Client(mikopbx::Client);

client_basics!(Client);

#[pymethods]
impl Client {
    /// Ends the session (like `logout()`); a later call would log in again.
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        let client = self.0.clone();
        wait(py, async move { client.logout().await })
    }

    /// Runs any operation of `mikopbx.operations()` by name with its arguments (a dict, or
    /// None); returns the result as plain Python data (the CLI's `--format json` shape).
    #[pyo3(signature = (operation, args=None))]
    fn call<'py>(
        &self,
        py: Python<'py>,
        operation: String,
        args: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let arguments = call_arguments(args)?;
        let client = self.0.clone();
        let result = wait(py, async move { client.call_json(&operation, arguments).await })?;
        to_py(py, &result)
    }

    /// Every call record that matches the filters (keywords of `cdr()` but `cursor`),
    /// oldest first, each once; a page is fetched as the loop reaches it.
    #[pyo3(signature = (**filters))]
    fn cdr_records(&self, filters: Option<&Bound<'_, PyDict>>) -> PyResult<SyncStream> {
        streams::cdr_records(&self.0, filters).map(SyncStream)
    }

    /// Every change of the PBX, forever: `for change in client.watch(interval=30):`. The
    /// first item is a `snapshot` (a `Health`), then `extension_changed`, `provider_changed`,
    /// `call_started`, `call_ended`, `unreachable`, `reachable` and `gap` events
    /// (`WatchEvent.kind`). Polls `health(include, exclude)` every `interval` seconds (default
    /// 30, the server's status cache; at least 0.1) with one session; never raises for what the
    /// server does. Ctrl-C ends the loop with `KeyboardInterrupt`.
    #[pyo3(signature = (interval=None, include=None, exclude=None))]
    fn watch(&self, interval: Option<f64>, include: Option<String>, exclude: Option<String>) -> PyResult<SyncStream> {
        streams::watch(&self.0, interval, include, exclude).map(SyncStream)
    }

    fn __enter__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    #[pyo3(signature = (*_exc_info))]
    fn __exit__(&self, py: Python<'_>, _exc_info: &Bound<'_, PyTuple>) -> PyResult<()> {
        self.close(py)
    }
}

/// The same client for asyncio: every method is a coroutine running on the core runtime.
/// Safe to share between the tasks of an event loop (and between loops and threads).
#[pyclass(frozen, module = "mikopbx")]
pub struct AsyncClient(mikopbx::Client);

client_basics!(AsyncClient);

#[pymethods]
impl AsyncClient {
    /// Ends the session (like `logout()`); a later call would log in again.
    fn close<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let client = self.0.clone();
        coroutine(py, async move { client.logout().await })
    }

    /// Runs any operation of `mikopbx.operations()` by name (see `Client.call`).
    #[pyo3(signature = (operation, args=None))]
    fn call<'py>(
        &self,
        py: Python<'py>,
        operation: String,
        args: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let arguments = call_arguments(args)?;
        let client = self.0.clone();
        coroutine(py, async move { client.call_json(&operation, arguments).await.map(Json) })
    }

    /// Every call record that matches the filters, for `async for` (see `Client.cdr_records`).
    #[pyo3(signature = (**filters))]
    fn cdr_records(&self, filters: Option<&Bound<'_, PyDict>>) -> PyResult<AsyncStream> {
        streams::cdr_records(&self.0, filters).map(AsyncStream)
    }

    /// Every change of the PBX, for `async for` (see `Client.watch`).
    #[pyo3(signature = (interval=None, include=None, exclude=None))]
    fn watch(&self, interval: Option<f64>, include: Option<String>, exclude: Option<String>) -> PyResult<AsyncStream> {
        streams::watch(&self.0, interval, include, exclude).map(AsyncStream)
    }

    fn __aenter__<'py>(slf: Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let this = slf.unbind();
        coroutine(py, async move { Ok(this) })
    }

    #[pyo3(signature = (*_exc_info))]
    fn __aexit__<'py>(&self, py: Python<'py>, _exc_info: &Bound<'py, PyTuple>) -> PyResult<Bound<'py, PyAny>> {
        self.close(py)
    }
}

/// An argument's Python type in a generated method: optional arguments may be left out.
macro_rules! python_argument {
    ($py:lifetime) => { &Bound<$py, PyAny> };
    ($py:lifetime None) => { Option<&Bound<$py, PyAny>> };
}

/// What the caller passed, for `FromPython` (`None`: left out).
macro_rules! given {
    ($arg:ident) => {
        Some($arg)
    };
    ($arg:ident None) => {
        $arg
    };
}

macro_rules! python_operations {
    ($(
        $(#[doc = $doc:literal])*
        $name:ident ( $( $(#[doc = $arg_doc:literal])* $arg:ident : $ty:ty $(= $default:ident)? ),* $(,)? ) -> $out:ty,
            $effect:ident = $implementation:path, example $example:literal;
    )*) => {
        #[pymethods]
        impl Client {
            $(
                $(#[doc = $doc])*
                #[pyo3(signature = ($($arg $(= $default)?),*))]
                #[allow(clippy::too_many_arguments)] // as many as the operation has
                fn $name<'py>(&self, py: Python<'py> $(, $arg: python_argument!('py $($default)?))*) -> PyResult<Bound<'py, PyAny>> {
                    $( let $arg = <$ty as FromPython>::from_python(given!($arg $($default)?))?; )*
                    let client = self.0.clone();
                    let value = wait(py, async move { client.$name($($arg),*).await.map(IntoPython::into_python) })?;
                    value.into_bound_py_any(py)
                }
            )*
        }

        #[pymethods]
        impl AsyncClient {
            $(
                $(#[doc = $doc])*
                #[pyo3(signature = ($($arg $(= $default)?),*))]
                #[allow(clippy::too_many_arguments)] // as many as the operation has
                fn $name<'py>(&self, py: Python<'py> $(, $arg: python_argument!('py $($default)?))*) -> PyResult<Bound<'py, PyAny>> {
                    $( let $arg = <$ty as FromPython>::from_python(given!($arg $($default)?))?; )*
                    let client = self.0.clone();
                    coroutine(py, async move { client.$name($($arg),*).await.map(IntoPython::into_python) })
                }
            )*
        }
    };
}

mikopbx::for_each_operation!(python_operations);

/// Whether a generated method's argument may be left out.
macro_rules! optional {
    () => {
        false
    };
    (None) => {
        true
    };
}

/// The operations as the stub generator reads them: each argument's and result's Python type.
pub fn operation_schema() -> Value {
    macro_rules! describe {
        ($(
            $(#[doc = $doc:literal])*
            $name:ident ( $( $(#[doc = $arg_doc:literal])* $arg:ident : $ty:ty $(= $default:ident)? ),* $(,)? ) -> $out:ty,
                $effect:ident = $implementation:path, example $example:literal;
        )*) => {
            json!([$( {
                "name": stringify!($name),
                "arguments": [$( {
                    "name": stringify!($arg),
                    "type": <$ty as FromPython>::stub(),
                    "optional": optional!($($default)?),
                } ),*],
                "result": <$out as PyStub>::stub(),
            } ),*])
        };
    }
    mikopbx::for_each_operation!(describe)
}
