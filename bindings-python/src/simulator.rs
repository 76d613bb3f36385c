//! `mikopbx.testing.Simulator`: the embedded simulator of `sim/`, running on the core runtime.

use mikopbx_sim::{ApiGeneration, Fault, PbxState, Peer, SimulatorOptions};
use pyo3::exceptions::PyOSError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple};
use serde_json::{Map, Value};

use crate::convert::{from_py, seconds, to_py};
use crate::errors::{invalid_input, to_py_err};
use crate::pythonic::quote;

/// A state given as a dict (same shape as the simulator's `default-state.json`) or JSON text.
fn pbx_state(state: &Bound<'_, PyAny>) -> PyResult<PbxState> {
    let text = match state.cast::<PyString>() {
        Ok(text) => text.to_cow()?.into_owned(),
        Err(_) => from_py(state)?.to_string(),
    };
    PbxState::from_json(&text).map_err(invalid_input)
}

fn api_name(api: ApiGeneration) -> &'static str {
    match api {
        ApiGeneration::Legacy => "legacy",
        ApiGeneration::V3 => "v3",
    }
}

fn object_of(fields: Option<&Bound<'_, PyDict>>) -> PyResult<Map<String, Value>> {
    match fields.map(|f| from_py(f.as_any())).transpose()? {
        Some(Value::Object(map)) => Ok(map),
        _ => Ok(Map::new()),
    }
}

/// A running MikoPBX simulator for tests: a context manager that stops it on exit.
///
/// `Simulator(api="legacy")` serves the legacy API of MikoPBX ≤ 2024.x on
/// `http://127.0.0.1:<free port>` (`url`), with its own login and password (`login`,
/// `password`), in this process.
///
/// Args:
///     api: `"legacy"` or `"v3"` (MikoPBX 2025.1+: JWT logins and API keys).
///     https: Serve HTTPS with a generated self-signed certificate (`certificate_sha256`).
///     trust_loopback: Let loopback clients in without credentials, as the real server does.
///     login_limit: The login throttle's limit per 300 s, counted as the real servers count
///         (legacy: attempts per client address; v3: failed logins of all clients).
///     session_idle: Seconds after which an unused session expires.
///     access_token_ttl: Seconds a v3 access token lives.
///     state: The PBX state: a dict or JSON text shaped like the simulator's default state.
///     rate_limit: `"REQUESTS/WINDOW[/BLOCK]"` seconds, as `mikopbx-sim --rate-limit`
///         (`"200/60/300"` is MikoPBX 2026.1's).
#[pyclass(frozen, module = "mikopbx.testing")]
pub struct Simulator(mikopbx_sim::Simulator);

#[pymethods]
impl Simulator {
    #[new]
    #[pyo3(signature = (*, api="legacy", https=false, trust_loopback=false, login_limit=10, session_idle=3600.0,
                        access_token_ttl=900.0, state=None, rate_limit=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        api: &str,
        https: bool,
        trust_loopback: bool,
        login_limit: u32,
        session_idle: f64,
        access_token_ttl: f64,
        state: Option<&Bound<'_, PyAny>>,
        rate_limit: Option<&str>,
    ) -> PyResult<Self> {
        let state = match state.filter(|s| !s.is_none()) {
            Some(state) => pbx_state(state)?,
            None => PbxState::default(),
        };
        let options = SimulatorOptions {
            api: api.parse().map_err(invalid_input)?,
            https,
            trust_loopback,
            login_limit,
            session_idle: seconds("session_idle", session_idle)?,
            access_token_ttl: seconds("access_token_ttl", access_token_ttl)?,
            state,
            // "REQUESTS/WINDOW[/BLOCK]" seconds, as `mikopbx-sim --rate-limit`; "200/60/300" is
            // the real server's.
            rate_limit: rate_limit.map(str::parse).transpose().map_err(invalid_input)?,
            ..SimulatorOptions::default()
        };
        crate::interpreter::detach(py, || mikopbx::block_on(mikopbx_sim::Simulator::start(options)))
            .map_err(to_py_err)?
            .map(Simulator)
            .map_err(|e| PyOSError::new_err(format!("cannot start the simulator: {e}")))
    }

    /// Base URL, e.g. `http://127.0.0.1:41234`.
    #[getter]
    fn url(&self) -> &str {
        self.0.url()
    }
    /// The API generation it speaks: `"legacy"` or `"v3"`.
    #[getter]
    fn api(&self) -> &'static str {
        api_name(self.0.api())
    }
    /// The first API key of the state (v3 servers accept it as `api_key`).
    #[getter]
    fn api_key(&self) -> Option<String> {
        self.0.state().api_keys.into_iter().next()
    }
    /// The simulated PBX's web login.
    #[getter]
    fn login(&self) -> String {
        self.0.credentials().login
    }
    /// The simulated PBX's web password (a test credential).
    #[getter]
    fn password(&self) -> String {
        self.0.credentials().password
    }
    /// SHA-256 of the certificate (hex) when serving HTTPS: pass it as `pin_sha256`.
    #[getter]
    fn certificate_sha256(&self) -> Option<&str> {
        self.0.certificate_sha256()
    }
    /// The self-signed certificate (PEM) when serving HTTPS.
    #[getter]
    fn certificate_pem(&self) -> Option<&str> {
        self.0.certificate_pem()
    }

    /// The whole PBX state as a dict.
    fn state<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let value = serde_json::to_value(self.0.state()).map_err(|e| invalid_input(e.to_string()))?;
        to_py(py, &value)
    }
    /// Replaces the whole PBX state (a dict or JSON text, the shape `state()` returns).
    fn set_state(&self, state: &Bound<'_, PyAny>) -> PyResult<()> {
        self.0.set_state(pbx_state(state)?);
        Ok(())
    }

    /// Changes any section of the state with a JSON merge patch (`{"webrtc": True}`,
    /// `{"banned_ips": {...}}`; `None` removes a key).
    fn patch_state(&self, patch: &Bound<'_, PyAny>) -> PyResult<()> {
        self.0.patch_state(&from_py(patch)?).map_err(invalid_input)
    }

    /// Adds or replaces a peer; `contacts` are Asterisk contact fields (`{"URI": ..., ...}`).
    #[pyo3(signature = (id, state="OK", contacts=None))]
    fn set_peer(&self, id: String, state: &str, contacts: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
        let contacts = match contacts.filter(|c| !c.is_none()) {
            Some(contacts) => serde_json::from_value(from_py(contacts)?)
                .map_err(|_| invalid_input("contacts must be a list of dicts"))?,
            None => Vec::new(),
        };
        self.0.set_peer(Peer { id, state: state.to_owned(), contacts });
        Ok(())
    }
    /// Removes a peer (nothing happens when there is none).
    fn remove_peer(&self, id: &str) {
        self.0.remove_peer(id);
    }

    /// Sets fields of a provider (created when missing), e.g. `set_provider("SIP-1", state="REJECTED")`.
    #[pyo3(signature = (id, **fields))]
    fn set_provider(&self, id: &str, fields: Option<&Bound<'_, PyDict>>) -> PyResult<()> {
        self.0.set_provider(id, object_of(fields)?);
        Ok(())
    }

    /// Ends every session, as an idle timeout or a server restart would.
    fn expire_sessions(&self) {
        self.0.expire_sessions();
    }
    /// Ends every v3 refresh token, so the client's next renewal must log in again.
    fn expire_refresh_tokens(&self) {
        self.0.expire_refresh_tokens();
    }
    /// Forgets the logins counted by the login throttle.
    fn reset_login_throttle(&self) {
        self.0.reset_login_throttle();
    }

    /// Injects a fault, as a dict and/or keywords: `kind` (`status`, `delay`, `truncated`,
    /// `html`, `drop`), `status`, `retry_after`, `delay_ms`, `path` (prefix), `count`
    /// (absent: until `clear_faults()`).
    #[pyo3(signature = (fault=None, **fields))]
    fn add_fault(&self, fault: Option<&Bound<'_, PyDict>>, fields: Option<&Bound<'_, PyDict>>) -> PyResult<()> {
        let mut spec = object_of(fault)?;
        spec.extend(object_of(fields)?);
        let fault: Fault =
            serde_json::from_value(Value::Object(spec)).map_err(|e| invalid_input(format!("invalid fault: {e}")))?;
        self.0.add_fault(fault);
        Ok(())
    }
    /// Removes every injected fault.
    fn clear_faults(&self) {
        self.0.clear_faults();
    }

    /// Counters: `login_attempts`, `logins`, `api_requests`, `unauthorized`, `active_sessions`.
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let value = serde_json::to_value(self.0.stats()).map_err(|e| invalid_input(e.to_string()))?;
        to_py(py, &value)
    }

    /// Stops accepting and closes open connections.
    fn stop(&self, py: Python<'_>) {
        crate::interpreter::detach(py, || self.0.stop());
    }

    fn __enter__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    #[pyo3(signature = (*_exc_info))]
    /// `stop()`.
    fn __exit__(&self, _exc_info: &Bound<'_, PyTuple>) {
        self.0.stop();
    }

    fn __repr__(&self) -> String {
        format!("Simulator(url={}, api={})", quote(self.0.url()), quote(api_name(self.0.api())))
    }
}
