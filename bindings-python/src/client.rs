//! `Client` (blocking, detached from the interpreter while it waits) and `AsyncClient`
//! (asyncio, on the core runtime); both delegate every call to the core client. Every
//! operation of core's list (`mikopbx::for_each_operation!`) becomes a method of both.

use std::path::PathBuf;

use mikopbx::{ApiVersion, Config, Credentials, Options, TlsTrust};
use pyo3::IntoPyObjectExt;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyTuple, PyType};
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
    user_agent: Option<String>,
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
        user_agent,
        requests_per_minute,
        max_in_flight,
    })
}

/// The constructor's arguments, documented once for both classes (and in `_native.pyi`).
macro_rules! options_doc {
    () => {
        "Args:
    url: The PBX web interface: `http://` or `https://`, any port, a path prefix allowed.
    login: Web-interface login, given with `password`.
    password: Web-interface password.
    api_key: A v3 API key (MikoPBX 2025.1+), instead of login and password.
    api_version: `\"auto\"` (probe the server once), `\"legacy\"` or `\"v3\"`.
    verify: True (the system's roots), False (no verification: traffic can be read and
        changed) or the path of a CA certificate file (PEM).
    pin_sha256: SHA-256 fingerprint (hex, colons allowed) of the one server certificate to
        trust, e.g. MikoPBX's self-signed one (`mikopbx.testing.Simulator` shows its own).
    timeout: Seconds a whole call may take, login, retries and pauses included (45).
    connect_timeout: Seconds to connect (10).
    retries: Extra attempts of reads after connection errors and 429, 502, 503, 504 (2).
    max_response_bytes: Larger answers are refused (8 MiB).
    user_agent: The `User-Agent` header (`mikopbx-sdk/<version>`).
    requests_per_minute: Requests a minute to this server, `0` for no pacing (automatic:
        150 a minute to a v3 server that is not on this host).
    max_in_flight: Requests in flight to this server at once (4).

None, or leaving an argument out, is the default in parentheses.

Raises:
    InvalidInputError: An unusable option (bad URL, login without password, ...)."
    };
}

/// `cls(url, **options)` with what was not passed taken from the environment
/// (`MIKOPBX_URL`, `MIKOPBX_LOGIN`, `MIKOPBX_PASSWORD`, `MIKOPBX_API_KEY`), by the CLI's rule
/// (`mikopbx::CredentialSource::choose`): an explicit argument beats the environment, and the
/// credentials are one kind, login and password or an API key. The kind passed decides (an
/// explicit `login` takes its password from `MIKOPBX_PASSWORD`); without any, the
/// environment's login and password when either is set, else its API key.
fn from_env<'py>(
    cls: &Bound<'py, PyType>,
    url: Option<String>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let py = cls.py();
    let options = match options {
        Some(options) => options.copy()?,
        None => PyDict::new(py),
    };
    let url = match url {
        Some(url) => url,
        None => mikopbx::env_var(mikopbx::ENV_URL)
            .map_err(to_py_err)?
            .ok_or_else(|| invalid_input(format!("no server URL: pass url or set {}", mikopbx::ENV_URL)))?,
    };
    let given = |name: &str| -> PyResult<Option<String>> {
        match options.get_item(name)? {
            Some(value) if !value.is_none() => Ok(Some(value.extract()?)),
            _ => Ok(None),
        }
    };
    let passed = mikopbx::CredentialSource {
        login: given("login")?,
        password: given("password")?,
        api_key: given("api_key")?,
        login_wins: false,
    };
    let environment = mikopbx::CredentialSource::from_env().map_err(to_py_err)?;
    let chosen = mikopbx::CredentialSource::choose(&[passed, environment]).map_err(to_py_err)?;
    options.set_item("login", chosen.login)?;
    options.set_item("password", chosen.password)?;
    options.set_item("api_key", chosen.api_key)?;
    cls.call((url,), Some(&options))
}

/// The constructor, `from_env`, `url` and `repr()` of a client class (the same for both).
macro_rules! client_basics {
    ($class:ident) => {
        #[pymethods]
        impl $class {
            /// Validates the options (`None`: the default) and connects lazily: the first call
            /// logs in. Reads the level of the `mikopbx` loggers (see `configure_logging`).
            #[new]
            #[pyo3(signature = (url, *, login=None, password=None, api_key=None, api_version=None, verify=None,
                                                pin_sha256=None, timeout=None, connect_timeout=None, retries=None,
                                                max_response_bytes=None, user_agent=None, requests_per_minute=None,
                                                max_in_flight=None))]
            #[allow(clippy::too_many_arguments)]
            fn new(
                py: Python<'_>,
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
                user_agent: Option<String>,
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
                    user_agent,
                    requests_per_minute,
                    max_in_flight,
                )?;
                let config = options.into_config().map_err(to_py_err)?;
                let client = mikopbx::Client::new(config).map($class).map_err(to_py_err)?;
                crate::logging::refresh(py);
                Ok(client)
            }

            /// A client configured from the environment where the arguments leave it open,
            /// by the rule of the `mikopbx` command.
            ///
            /// `url` defaults to `MIKOPBX_URL`. Credentials are one kind, login and password
            /// or an API key. The kind passed decides: `login` and `password` (either one
            /// completed from `MIKOPBX_LOGIN` / `MIKOPBX_PASSWORD`), or `api_key`, and the
            /// environment's credentials of the other kind are not used. With none passed,
            /// `MIKOPBX_LOGIN` and `MIKOPBX_PASSWORD` when either is set, else
            /// `MIKOPBX_API_KEY`. Empty variables count as unset. The other keyword
            /// arguments are the constructor's.
            ///
            /// Raises:
            ///     InvalidInputError: No URL anywhere, or what the constructor refuses.
            #[classmethod]
            #[pyo3(signature = (url=None, **options))]
            fn from_env<'py>(
                cls: &Bound<'py, PyType>,
                url: Option<String>,
                options: Option<&Bound<'py, PyDict>>,
            ) -> PyResult<Bound<'py, PyAny>> {
                from_env(cls, url, options)
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
    outcome(py, None, call)?.map_err(to_py_err)
}

/// `wait` for a call of `client`, driven on this thread when it can be (no hand-over to the
/// core's runtime threads: core's `Client::wait_interruptible`).
fn wait_for<T: Send + 'static>(
    py: Python<'_>,
    client: &mikopbx::Client,
    call: impl std::future::Future<Output = mikopbx::Result<T>> + Send + 'static,
) -> PyResult<T> {
    outcome(py, Some(client), call)?.map_err(to_py_err)
}

/// `wait`, with the call's own error kept apart from Ctrl-C (the outer error).
fn outcome<T: Send + 'static>(
    py: Python<'_>,
    client: Option<&mikopbx::Client>,
    call: impl std::future::Future<Output = mikopbx::Result<T>> + Send + 'static,
) -> PyResult<mikopbx::Result<T>> {
    let interrupted = || crate::interpreter::try_attach(|py| py.check_signals().err()).flatten();
    crate::interpreter::detach(py, || match client {
        Some(client) => client.wait_interruptible(call, SIGNAL_CHECK_INTERVAL, interrupted),
        None => mikopbx::block_on_interruptible(call, SIGNAL_CHECK_INTERVAL, interrupted),
    })
}

/// What `close()` says about a logout that failed: a warning, not an exception, so that a
/// `with` block's own exception is never replaced and an unreachable PBX does not raise.
fn closed(py: Python<'_>, failure: Option<mikopbx::Error>) {
    if let Some(error) = failure {
        crate::logging::warn(py, &format!("close: could not log out: {error}"));
    }
}

/// The result of `AsyncClient.aclose()`: `None`, after the warning of a failed logout.
struct Closed(Option<mikopbx::Error>);

impl<'py> IntoPyObject<'py> for Closed {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        closed(py, self.0);
        Ok(py.None().into_bound(py))
    }
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

/// Client of the MikoPBX REST API for plain (threaded) code.
///
/// `Client(url, *, login=None, password=None, api_key=None, ...)`, or `Client.from_env()`.
/// The first call logs in; `with Client(...) as pbx:` (or `close()`) ends the session. Safe
/// to share between threads: every call releases the interpreter while it waits, and Ctrl-C
/// interrupts it with `KeyboardInterrupt` (the request is aborted).
///
#[doc = options_doc!()]
#[pyclass(frozen, module = "mikopbx")]
pub struct Client(mikopbx::Client);

client_basics!(Client);

#[pymethods]
impl Client {
    /// Ends the session, best effort: logs out if there is a session, and never raises for
    /// what the server does (a failure is a warning on the `mikopbx` logger), so leaving a
    /// `with` block keeps its own exception. A later call logs in again. `logout()` is the
    /// same but raises.
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        let client = self.0.clone();
        closed(py, outcome(py, Some(&self.0), async move { client.logout().await })?.err());
        Ok(())
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
        let result = wait_for(py, &self.0, async move { client.call_json(&operation, arguments).await })?;
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

    /// `close()`.
    #[pyo3(signature = (*_exc_info))]
    fn __exit__(&self, py: Python<'_>, _exc_info: &Bound<'_, PyTuple>) -> PyResult<()> {
        self.close(py)
    }
}

/// The same client for asyncio: every method is a coroutine running on the core runtime.
///
/// `AsyncClient(url, *, login=None, password=None, api_key=None, ...)`, or
/// `AsyncClient.from_env()`. The first call logs in; `async with AsyncClient(...) as pbx:`
/// (or `await pbx.aclose()`) ends the session. Safe to share between the tasks of an event
/// loop (and between loops and threads); cancelling a task cancels its request.
///
#[doc = options_doc!()]
#[pyclass(frozen, module = "mikopbx")]
pub struct AsyncClient(mikopbx::Client);

client_basics!(AsyncClient);

#[pymethods]
impl AsyncClient {
    /// Ends the session, best effort (see `Client.close()`): never raises for what the
    /// server does; a failure is a warning on the `mikopbx` logger.
    fn aclose<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let client = self.0.clone();
        coroutine(py, async move { Ok(Closed(client.logout().await.err())) })
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

    /// `aclose()`.
    #[pyo3(signature = (*_exc_info))]
    fn __aexit__<'py>(&self, py: Python<'py>, _exc_info: &Bound<'py, PyTuple>) -> PyResult<Bound<'py, PyAny>> {
        self.aclose(py)
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

/// The "Args:" section of a generated method's docstring, from the arguments' doc comments.
macro_rules! arguments_doc {
    () => {
        ""
    };
    ($( $arg:ident [$($arg_doc:literal)*] )+) => {
        concat!("\nArgs:\n", $( "    ", stringify!($arg), ":", $($arg_doc,)* "\n", )+)
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
                #[doc = arguments_doc!($( $arg [$($arg_doc)*] )*)]
                #[pyo3(signature = ($($arg $(= $default)?),*))]
                #[allow(clippy::too_many_arguments)] // as many as the operation has
                fn $name<'py>(&self, py: Python<'py> $(, $arg: python_argument!('py $($default)?))*) -> PyResult<Bound<'py, PyAny>> {
                    $( let $arg = <$ty as FromPython>::from_python(given!($arg $($default)?))?; )*
                    let client = self.0.clone();
                    let value = wait_for(py, &self.0, async move { client.$name($($arg),*).await.map(IntoPython::into_python) })?;
                    value.into_bound_py_any(py)
                }
            )*
        }

        #[pymethods]
        impl AsyncClient {
            $(
                $(#[doc = $doc])*
                #[doc = arguments_doc!($( $arg [$($arg_doc)*] )*)]
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
