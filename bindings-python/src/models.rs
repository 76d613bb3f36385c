//! Immutable Python views of the core models. `to_dict()` is the core's serde JSON form, the
//! same shape `mikopbx --format json` prints; states are members of the Python enums in
//! `mikopbx._enums`, with the server's exact string beside them (`state_raw`).

use mikopbx::{ContactStatus, PeerState, ProviderState};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use serde::Serialize;

use crate::convert::{map_to_py, to_py};

fn enum_member<'py>(py: Python<'py>, class: &str, member: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("mikopbx._enums")?.getattr(class)?.getattr(member)
}

fn peer_state<'py>(py: Python<'py>, state: &PeerState) -> PyResult<Bound<'py, PyAny>> {
    let member = match state {
        PeerState::Ok => "OK",
        PeerState::Unknown => "UNKNOWN",
        PeerState::Other(_) => "OTHER",
    };
    enum_member(py, "PeerState", member)
}

fn contact_status<'py>(py: Python<'py>, status: &ContactStatus) -> PyResult<Bound<'py, PyAny>> {
    let member = match status {
        ContactStatus::Reachable => "REACHABLE",
        ContactStatus::Unreachable => "UNREACHABLE",
        ContactStatus::NonQualified => "NON_QUALIFIED",
        ContactStatus::Unknown => "UNKNOWN",
        ContactStatus::Other(_) => "OTHER",
    };
    enum_member(py, "ContactStatus", member)
}

fn provider_state<'py>(py: Python<'py>, state: &ProviderState) -> PyResult<Bound<'py, PyAny>> {
    let member = match state {
        ProviderState::Registered => "REGISTERED",
        ProviderState::Unregistered => "UNREGISTERED",
        ProviderState::Rejected => "REJECTED",
        ProviderState::Off => "OFF",
        ProviderState::Ok => "OK",
        ProviderState::Unknown => "UNKNOWN",
        ProviderState::Other(_) => "OTHER",
    };
    enum_member(py, "ProviderState", member)
}

/// A string as Python's `repr()` writes it (single quotes).
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    for c in text.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '"' => out.push('"'),
            c => out.extend(c.escape_debug()),
        }
    }
    out.push('\'');
    out
}

/// The model's serde JSON form as Python objects.
fn dict_of<'py>(py: Python<'py>, model: &impl Serialize) -> PyResult<Bound<'py, PyAny>> {
    let value = serde_json::to_value(model).map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
    to_py(py, &value)
}

/// One entry of the peer list.
#[pyclass(frozen, eq, module = "mikopbx")]
#[derive(PartialEq)]
pub struct PeerStatus(pub mikopbx::PeerStatus);

#[pymethods]
impl PeerStatus {
    #[getter]
    fn id(&self) -> &str {
        &self.0.id
    }
    #[getter]
    fn state<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        peer_state(py, &self.0.state)
    }
    #[getter]
    fn state_raw(&self) -> &str {
        self.0.state.as_str()
    }
    #[getter]
    fn raw<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0.raw)
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        dict_of(py, &self.0)
    }
    fn __repr__(&self) -> String {
        format!("PeerStatus(id={}, state={})", quote(&self.0.id), quote(self.0.state.as_str()))
    }
}

/// One registered contact (device) of a peer.
#[pyclass(frozen, eq, module = "mikopbx")]
#[derive(PartialEq)]
pub struct Contact(pub mikopbx::Contact);

#[pymethods]
impl Contact {
    #[getter]
    fn aor(&self) -> &str {
        &self.0.aor
    }
    #[getter]
    fn uri(&self) -> &str {
        &self.0.uri
    }
    #[getter]
    fn user_agent(&self) -> &str {
        &self.0.user_agent
    }
    #[getter]
    fn reg_expire(&self) -> Option<i64> {
        self.0.reg_expire
    }
    #[getter]
    fn via_address(&self) -> &str {
        &self.0.via_address
    }
    #[getter]
    fn call_id(&self) -> &str {
        &self.0.call_id
    }
    #[getter]
    fn status<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.0.status.as_ref().map(|s| contact_status(py, s)).transpose()
    }
    #[getter]
    fn status_raw(&self) -> Option<&str> {
        self.0.status.as_ref().map(ContactStatus::as_str)
    }
    #[getter]
    fn roundtrip_usec(&self) -> Option<u64> {
        self.0.roundtrip_usec
    }
    #[getter]
    fn endpoint_name(&self) -> &str {
        &self.0.endpoint_name
    }
    #[getter]
    fn contact_id(&self) -> &str {
        &self.0.contact_id
    }
    #[getter]
    fn authenticate_qualify(&self) -> Option<bool> {
        self.0.authenticate_qualify
    }
    #[getter]
    fn outbound_proxy(&self) -> &str {
        &self.0.outbound_proxy
    }
    #[getter]
    fn path(&self) -> &str {
        &self.0.path
    }
    #[getter]
    fn qualify_frequency(&self) -> Option<u64> {
        self.0.qualify_frequency
    }
    #[getter]
    fn qualify_timeout(&self) -> Option<f64> {
        self.0.qualify_timeout
    }
    #[getter]
    fn is_reachable(&self) -> bool {
        self.0.is_reachable()
    }
    /// The contact's fields exactly as the server sent them.
    #[getter]
    fn fields<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(map_to_py(py, &self.0.fields)?.into_any())
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        dict_of(py, &self.0)
    }
    fn __repr__(&self) -> String {
        let status = self.0.status.as_ref().map_or("None".to_owned(), |s| quote(s.as_str()));
        let roundtrip = self.0.roundtrip_usec.map_or("None".to_owned(), |n| n.to_string());
        format!("Contact(uri={}, status={status}, roundtrip_usec={roundtrip})", quote(&self.0.uri))
    }
}

/// The detail of one peer: its state and registered contacts.
#[pyclass(frozen, eq, module = "mikopbx")]
#[derive(PartialEq)]
pub struct PeerDetail(pub mikopbx::PeerDetail);

#[pymethods]
impl PeerDetail {
    #[getter]
    fn id(&self) -> &str {
        &self.0.id
    }
    #[getter]
    fn state<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        peer_state(py, &self.0.state)
    }
    #[getter]
    fn state_raw(&self) -> &str {
        self.0.state.as_str()
    }
    #[getter]
    fn contact(&self) -> Option<Contact> {
        self.0.contact.clone().map(Contact)
    }
    #[getter]
    fn other_contacts(&self) -> Vec<Contact> {
        self.0.other_contacts.iter().cloned().map(Contact).collect()
    }
    /// All contacts, the primary one first.
    #[getter]
    fn contacts(&self) -> Vec<Contact> {
        self.0.contacts().cloned().map(Contact).collect()
    }
    #[getter]
    fn is_registered(&self) -> bool {
        self.0.is_registered()
    }
    #[getter]
    fn raw<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0.raw)
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        dict_of(py, &self.0)
    }
    fn __repr__(&self) -> String {
        let contact = match &self.0.contact {
            Some(c) => Contact(c.clone()).__repr__(),
            None => "None".to_owned(),
        };
        format!(
            "PeerDetail(id={}, state={}, contact={contact}, other_contacts={})",
            quote(&self.0.id),
            quote(self.0.state.as_str()),
            self.0.other_contacts.len()
        )
    }
}

/// Registration of one SIP provider (trunk).
#[pyclass(frozen, eq, module = "mikopbx")]
#[derive(PartialEq)]
pub struct ProviderRegistration(pub mikopbx::ProviderRegistration);

#[pymethods]
impl ProviderRegistration {
    #[getter]
    fn id(&self) -> &str {
        &self.0.id
    }
    #[getter]
    fn state<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        provider_state(py, &self.0.state)
    }
    #[getter]
    fn state_raw(&self) -> &str {
        self.0.state.as_str()
    }
    #[getter]
    fn username(&self) -> &str {
        &self.0.username
    }
    #[getter]
    fn host(&self) -> &str {
        &self.0.host
    }
    #[getter]
    fn raw<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0.raw)
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        dict_of(py, &self.0)
    }
    fn __repr__(&self) -> String {
        format!(
            "ProviderRegistration(id={}, state={}, username={}, host={})",
            quote(&self.0.id),
            quote(self.0.state.as_str()),
            quote(&self.0.username),
            quote(&self.0.host)
        )
    }
}
