//! Extensions with their devices: one call on v3, a bounded composite on legacy.
//!
//! Shapes (docs/server-notes.md, "Extension statuses"): 2026.1's `sip:getStatuses` answers an
//! object keyed by extension, `{extension, callerid, status, devices: [{ip, port, user_agent,
//! rtt, country, countryName}], rtt}`, `status` being `Available`, `Unavailable` or
//! `Unknown`, from a 30 s cache. 2024.1 has no such call: the client reads the peer list and
//! then the detail of each registered peer, a few at a time.

use futures_util::{StreamExt, TryStreamExt, stream};
use serde_json::Value;

use super::peers::{self, Contact, PeerState};
use crate::client::Inner;
use crate::error::Result;
use crate::generation::ApiGeneration;
use crate::model::{data_error, define_models, number_field, string_field};

const V3_STATUSES: &str = "pbxcore/api/v3/sip:getStatuses";
const V3_EMPLOYEES: &str = "pbxcore/api/v3/employees";
/// Peer details asked at once by the legacy composite (the in-flight cap also applies).
const LEGACY_DETAILS_AT_ONCE: usize = 4;

/// The models of extensions, declared once (see `__peer_models!`).
#[doc(hidden)]
#[macro_export]
macro_rules! __extension_models {
    ($callback:ident) => {
        $callback! {
            enums {}
            models {
                /// One registered device of an extension.
                struct ExtensionDevice {
                    /// The address the device registered from.
                    ip: String,
                    /// The port the device registered from.
                    port: Option<u16>,
                    /// The device's `User-Agent` (phone model and firmware).
                    user_agent: String,
                    /// Qualify round-trip time, milliseconds.
                    rtt_ms: Option<f64>,
                    /// The address's country code (v3 only).
                    country: Option<String>,
                    /// The device's entry as sent (legacy: the contact's fields).
                    #[serde(skip)]
                    raw: $crate::__private::Value,
                }
                methods {}

                /// The status of one extension with its devices.
                struct ExtensionStatus {
                    /// The extension number, e.g. `201`.
                    id: String,
                    /// The same values as `peer_statuses`: `OK` when a device is registered and
                    /// answers (v3 `Available`), else `UNKNOWN`.
                    state: $crate::PeerState,
                    /// The server's status word: v3 `Available`/`Unavailable`/`Unknown`, legacy
                    /// the peer list's `OK`/`UNKNOWN`.
                    server_status: String,
                    /// The extension's caller id name (v3 only).
                    caller_id: Option<String>,
                    /// The devices registered for it (none when it is offline).
                    devices: Vec<$crate::ExtensionDevice>,
                    /// The best round-trip time of its devices, milliseconds.
                    rtt_ms: Option<f64>,
                    /// The server's entry as sent (legacy: the peer list's).
                    #[serde(skip)]
                    raw: $crate::__private::Value,
                }
                methods {}
            }
        }
    };
}

__extension_models!(define_models);

/// `extension_statuses`: every extension, in the server's order.
pub(crate) async fn statuses(inner: &Inner) -> Result<Vec<ExtensionStatus>> {
    match inner.generation().await? {
        ApiGeneration::V3 => {
            let (url, data) = inner.get_data(V3_STATUSES).await?;
            v3_statuses(&url, data)
        }
        ApiGeneration::Legacy => legacy_statuses(inner).await,
    }
}

/// v3: the numbers of disabled extensions, from `GET employees` (`Employees/GetListAction`),
/// the only answer that names them: status lists leave them out, and 2024.1's API has no way
/// to tell (docs/server-notes.md, "Disabled extensions"). None on a server without the call.
pub(crate) async fn disabled_numbers(inner: &Inner) -> Result<Option<Vec<String>>> {
    let (url, data) = match inner.get_data(V3_EMPLOYEES).await {
        Ok(answer) => answer,
        Err(crate::Error::Http { status: 404, .. }) => return Ok(None),
        Err(error) => return Err(error),
    };
    let rows = match data.get("data") {
        Some(Value::Array(rows)) => rows,
        _ => return Err(data_error(&url, "the employees are not a list under data.data", &data)),
    };
    Ok(Some(
        rows.iter()
            .filter(|row| row.get("disabled").is_some_and(|flag| flag == &Value::Bool(true) || flag == "1"))
            .filter_map(|row| string_field(row.as_object()?, "number"))
            .filter(|number| !number.is_empty())
            .collect(),
    ))
}

fn v3_statuses(url: &str, data: Value) -> Result<Vec<ExtensionStatus>> {
    let entries: Vec<(String, Value)> = match data {
        Value::Object(map) => map.into_iter().collect(),
        // PHP's empty array: no extensions.
        Value::Array(items) if items.is_empty() => Vec::new(),
        other => return Err(data_error(url, "the extension statuses are not an object keyed by extension", &other)),
    };
    entries
        .into_iter()
        .map(|(key, entry)| {
            let Value::Object(fields) = &entry else {
                return Err(data_error(url, &format!("the status of {key} is not an object"), &entry));
            };
            let server_status = string_field(fields, "status").unwrap_or_default();
            let devices = match fields.get("devices") {
                Some(Value::Array(devices)) => devices.iter().map(ExtensionDevice::from_v3).collect(),
                _ => Vec::new(),
            };
            Ok(ExtensionStatus {
                id: string_field(fields, "extension").filter(|id| !id.is_empty()).unwrap_or(key),
                state: if server_status == "Available" { PeerState::Ok } else { PeerState::Unknown },
                server_status,
                caller_id: string_field(fields, "callerid").filter(|name| !name.is_empty()),
                rtt_ms: number_field(fields, "rtt"),
                devices,
                raw: entry,
            })
        })
        .collect()
}

/// The peer list, then the detail of every registered peer, at most
/// [`LEGACY_DETAILS_AT_ONCE`] at a time, in the list's order.
async fn legacy_statuses(inner: &Inner) -> Result<Vec<ExtensionStatus>> {
    let peers = peers::statuses(inner).await?;
    stream::iter(peers)
        .map(|peer| async move {
            let devices = if peer.state == PeerState::Ok {
                let detail = peers::detail(inner, peer.id.clone()).await?;
                detail.contacts().into_iter().map(ExtensionDevice::from_contact).collect()
            } else {
                Vec::new()
            };
            let rtt_ms = devices.iter().filter_map(|d: &ExtensionDevice| d.rtt_ms).reduce(f64::min);
            Ok(ExtensionStatus {
                server_status: peer.state.as_str().to_owned(),
                state: peer.state,
                id: peer.id,
                caller_id: None,
                devices,
                rtt_ms,
                raw: peer.raw.to_value(),
            })
        })
        .buffered(LEGACY_DETAILS_AT_ONCE)
        .try_collect()
        .await
}

impl ExtensionDevice {
    fn from_v3(entry: &Value) -> ExtensionDevice {
        let empty = serde_json::Map::new();
        let fields = entry.as_object().unwrap_or(&empty);
        ExtensionDevice {
            ip: string_field(fields, "ip").unwrap_or_default(),
            port: number_field(fields, "port"),
            user_agent: string_field(fields, "user_agent").unwrap_or_default(),
            rtt_ms: number_field(fields, "rtt"),
            country: string_field(fields, "country").filter(|c| !c.is_empty()),
            raw: entry.clone(),
        }
    }

    /// A legacy contact: the address from `ViaAddress` (`172.16.156.1:60939`), else from the
    /// URI (`sip:201@172.16.156.1:60939;ob`).
    fn from_contact(contact: &Contact) -> ExtensionDevice {
        let address = if contact.via_address.is_empty() {
            contact.uri.split_once('@').map_or("", |(_, rest)| rest).split(';').next().unwrap_or("")
        } else {
            contact.via_address.as_str()
        };
        let (ip, port) = match address.rsplit_once(':') {
            Some((ip, port)) if !ip.ends_with(':') => (ip, port.parse().ok()),
            _ => (address, None),
        };
        ExtensionDevice {
            ip: ip.trim_matches(['[', ']']).to_owned(),
            port,
            user_agent: contact.user_agent.clone(),
            rtt_ms: contact.roundtrip_usec.filter(|usec| *usec > 0).map(|usec| usec as f64 / 1000.0),
            country: None,
            raw: Value::Object(contact.fields.clone()),
        }
    }
}
