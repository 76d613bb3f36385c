//! `Client` (blocking, detached from the interpreter while it waits) and `AsyncClient`
//! (asyncio, on the core runtime); both delegate every call to the core client.

use std::path::PathBuf;

use mikopbx::{ApiVersion, Config, Credentials, RequestBody, TlsTrust};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyInt, PyString, PyTuple};

use crate::aio::coroutine;
use crate::convert::{Json, from_py, query_from_py, seconds, to_py};
use crate::errors::{invalid_input, to_py_err};
use crate::models::{PeerDetail, PeerStatus, ProviderRegistration, quote};

/// Builds the core configuration from the constructor's keyword arguments.
#[allow(clippy::too_many_arguments)]
fn config(
    url: &str,
    login: Option<String>,
    password: Option<String>,
    api_key: Option<String>,
    api_version: &str,
    verify: Option<&Bound<'_, PyAny>>,
    pin_sha256: Option<&str>,
    timeout: f64,
    connect_timeout: f64,
    retries: i64,
) -> PyResult<Config> {
    let credentials =
        Credentials::from_parts(login.as_deref(), password.as_deref(), api_key.as_deref()).map_err(to_py_err)?;
    let api_version: ApiVersion = api_version.parse().map_err(to_py_err)?;
    let retries = u32::try_from(retries).map_err(|_| invalid_input("retries must be a non-negative number"))?;
    Config::builder(url)
        .credentials(credentials)
        .api_version(api_version)
        .tls(tls_trust(verify, pin_sha256)?)
        .request_timeout(seconds("timeout", timeout)?)
        .connect_timeout(seconds("connect_timeout", connect_timeout)?)
        .retries(retries)
        .build()
        .map_err(to_py_err)
}

/// `verify`: True (system roots), False (no verification) or a CA certificate file;
/// `pin_sha256` replaces verification by the certificate's fingerprint (core checks that at
/// most one of them departs from the default).
fn tls_trust(verify: Option<&Bound<'_, PyAny>>, pin_sha256: Option<&str>) -> PyResult<TlsTrust> {
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
    TlsTrust::from_options(insecure, ca_pem, pin_sha256).map_err(to_py_err)
}

/// A peer id given as `str` or `int`.
fn peer_id(id: &Bound<'_, PyAny>) -> PyResult<String> {
    if id.is_instance_of::<PyString>() || (id.is_instance_of::<PyInt>() && !id.is_instance_of::<PyBool>()) {
        return Ok(id.str()?.to_cow()?.into_owned());
    }
    Err(invalid_input("peer id must be a str or an int"))
}

fn request_body(json: Option<&Bound<'_, PyAny>>) -> PyResult<Option<RequestBody>> {
    json.filter(|j| !j.is_none()).map(|j| from_py(j).map(RequestBody::Json)).transpose()
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
/// every call releases the interpreter while it waits.
#[pyclass(frozen, module = "mikopbx")]
pub struct Client(mikopbx::blocking::Client);

#[pymethods]
impl Client {
    #[new]
    #[pyo3(signature = (url, *, login=None, password=None, api_key=None, api_version="auto".to_owned(),
                        verify=None, pin_sha256=None, timeout=30.0, connect_timeout=10.0, retries=2),
           text_signature = "(url, *, login=None, password=None, api_key=None, api_version='auto', verify=True, pin_sha256=None, timeout=30.0, connect_timeout=10.0, retries=2)")]
    #[allow(clippy::too_many_arguments)]
    fn new(
        url: String,
        login: Option<String>,
        password: Option<String>,
        api_key: Option<String>,
        api_version: String,
        verify: Option<&Bound<'_, PyAny>>,
        pin_sha256: Option<String>,
        timeout: f64,
        connect_timeout: f64,
        retries: i64,
    ) -> PyResult<Self> {
        let config = config(
            &url,
            login,
            password,
            api_key,
            &api_version,
            verify,
            pin_sha256.as_deref(),
            timeout,
            connect_timeout,
            retries,
        )?;
        mikopbx::blocking::Client::new(config).map(Client).map_err(to_py_err)
    }

    /// The server's base URL, with a trailing slash.
    #[getter]
    fn url(&self) -> &str {
        self.0.config().base_url().as_str()
    }

    /// `"legacy"` or `"v3"`: forced by `api_version`, or probed once and cached.
    fn api_generation(&self, py: Python<'_>) -> PyResult<&'static str> {
        py.detach(|| self.0.api_generation()).map(|g| g.as_str()).map_err(to_py_err)
    }

    fn login(&self, py: Python<'_>) -> PyResult<()> {
        py.detach(|| self.0.login()).map_err(to_py_err)
    }

    fn logout(&self, py: Python<'_>) -> PyResult<()> {
        py.detach(|| self.0.logout()).map_err(to_py_err)
    }

    /// Ends the session (like `logout()`); a later call would log in again.
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        self.logout(py)
    }

    fn peer_statuses(&self, py: Python<'_>) -> PyResult<Vec<PeerStatus>> {
        let peers = py.detach(|| self.0.peer_statuses()).map_err(to_py_err)?;
        Ok(peers.into_iter().map(PeerStatus).collect())
    }

    fn peer(&self, py: Python<'_>, id: &Bound<'_, PyAny>) -> PyResult<PeerDetail> {
        let id = peer_id(id)?;
        py.detach(|| self.0.peer(&id)).map(PeerDetail).map_err(to_py_err)
    }

    fn provider_registrations(&self, py: Python<'_>) -> PyResult<Vec<ProviderRegistration>> {
        let providers = py.detach(|| self.0.provider_registrations()).map_err(to_py_err)?;
        Ok(providers.into_iter().map(ProviderRegistration).collect())
    }

    /// Round-trip time of the unauthenticated ping, in seconds.
    fn ping(&self, py: Python<'_>) -> PyResult<f64> {
        py.detach(|| self.0.ping()).map(|d| d.as_secs_f64()).map_err(to_py_err)
    }

    #[pyo3(signature = (method, path, params=None, json=None))]
    fn request<'py>(
        &self,
        py: Python<'py>,
        method: String,
        path: String,
        params: Option<&Bound<'py, PyAny>>,
        json: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let query = query_from_py(params)?;
        let body = request_body(json)?;
        let document = py.detach(|| self.0.request(&method, &path, query, body)).map_err(to_py_err)?;
        to_py(py, &document)
    }

    fn __enter__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    #[pyo3(signature = (*_exc_info))]
    fn __exit__(&self, py: Python<'_>, _exc_info: &Bound<'_, PyTuple>) -> PyResult<()> {
        self.close(py)
    }

    fn __repr__(&self) -> String {
        describe("Client", self.0.config())
    }
}

/// The same client for asyncio: every method is a coroutine running on the core runtime.
/// Safe to share between the tasks of an event loop (and between loops and threads).
#[pyclass(frozen, module = "mikopbx")]
pub struct AsyncClient(mikopbx::Client);

#[pymethods]
impl AsyncClient {
    #[new]
    #[pyo3(signature = (url, *, login=None, password=None, api_key=None, api_version="auto".to_owned(),
                        verify=None, pin_sha256=None, timeout=30.0, connect_timeout=10.0, retries=2),
           text_signature = "(url, *, login=None, password=None, api_key=None, api_version='auto', verify=True, pin_sha256=None, timeout=30.0, connect_timeout=10.0, retries=2)")]
    #[allow(clippy::too_many_arguments)]
    fn new(
        url: String,
        login: Option<String>,
        password: Option<String>,
        api_key: Option<String>,
        api_version: String,
        verify: Option<&Bound<'_, PyAny>>,
        pin_sha256: Option<String>,
        timeout: f64,
        connect_timeout: f64,
        retries: i64,
    ) -> PyResult<Self> {
        let config = config(
            &url,
            login,
            password,
            api_key,
            &api_version,
            verify,
            pin_sha256.as_deref(),
            timeout,
            connect_timeout,
            retries,
        )?;
        mikopbx::Client::new(config).map(AsyncClient).map_err(to_py_err)
    }

    #[getter]
    fn url(&self) -> &str {
        self.0.config().base_url().as_str()
    }

    fn api_generation<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let client = self.0.clone();
        coroutine(py, async move { client.api_generation().await.map(|g| g.as_str()) })
    }

    fn login<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let client = self.0.clone();
        coroutine(py, async move { client.login().await })
    }

    fn logout<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let client = self.0.clone();
        coroutine(py, async move { client.logout().await })
    }

    fn close<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.logout(py)
    }

    fn peer_statuses<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let client = self.0.clone();
        coroutine(py, async move {
            client.peer_statuses().await.map(|peers| peers.into_iter().map(PeerStatus).collect::<Vec<_>>())
        })
    }

    fn peer<'py>(&self, py: Python<'py>, id: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let id = peer_id(id)?;
        let client = self.0.clone();
        coroutine(py, async move { client.peer(&id).await.map(PeerDetail) })
    }

    fn provider_registrations<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let client = self.0.clone();
        coroutine(py, async move {
            client
                .provider_registrations()
                .await
                .map(|providers| providers.into_iter().map(ProviderRegistration).collect::<Vec<_>>())
        })
    }

    fn ping<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let client = self.0.clone();
        coroutine(py, async move { client.ping().await.map(|d| d.as_secs_f64()) })
    }

    #[pyo3(signature = (method, path, params=None, json=None))]
    fn request<'py>(
        &self,
        py: Python<'py>,
        method: String,
        path: String,
        params: Option<&Bound<'py, PyAny>>,
        json: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let query = query_from_py(params)?;
        let body = request_body(json)?;
        let client = self.0.clone();
        coroutine(py, async move { client.request(&method, &path, query, body).await.map(Json) })
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

    fn __repr__(&self) -> String {
        describe("AsyncClient", self.0.config())
    }
}
