//! Peers (extensions): their states and registered contacts, on both generations.
//!
//! Quirks handled here: 2024.1 lists inbound trunks as `-AUTH` peers, 2026.1 lists every
//! endpoint (trunks and `-WS` WebRTC twins included) and answers 422 for an unknown peer.

use std::collections::{HashMap, HashSet};

use reqwest::Method;
use serde_json::{Map, Value, json};

use crate::client::Inner;
use crate::envelope::{self, BodyExpectation};
use crate::error::{Error, Result};
use crate::generation::ApiGeneration;
use crate::list_entry::{EntryFields, ListEntry, scalar_text};
#[cfg(test)]
use crate::model::text_of;
use crate::model::{data_error, define_models, number_field, string_field};
use crate::raw_json::RawJson;
use crate::transport::{Request, RequestBody};

const LEGACY_PEER_STATUSES: &str = "pbxcore/api/sip/getPeersStatuses";
const LEGACY_PEER: &str = "pbxcore/api/sip/getSipPeer";
const V3_PEER_STATUSES: &str = "pbxcore/api/v3/sip:getPeersStatuses";
const V3_EXTENSION_STATUSES: &str = "pbxcore/api/v3/sip:getStatuses";

/// The models of peers, declared once: core defines them from this list, and every binding
/// expands it into its own classes (`for_each_model!`). Field types are `$crate::` paths.
#[doc(hidden)]
#[macro_export]
macro_rules! __peer_models {
    ($callback:ident) => {
        $callback! {
            enums {
                /// Peer state as MikoPBX reports it. `Ok`: the device is registered (legacy
                /// `getPeersStatuses`: Asterisk device state "Not in use"/"Busy"; `getSipPeer`:
                /// a contact URI exists). Everything else is `Unknown` on the legacy API.
                enum PeerState { Ok = "OK", Unknown = "UNKNOWN" }

                /// Asterisk's qualify status of one registered contact.
                enum ContactStatus {
                    Reachable = "Reachable",
                    Unreachable = "Unreachable",
                    NonQualified = "NonQualified",
                    Unknown = "Unknown",
                }
            }
            models {
                /// One entry of the peer list (`getPeersStatuses`).
                struct PeerStatus {
                    /// The peer (extension) number, e.g. `201`.
                    id: String,
                    /// `OK` when a device is registered and answers, else `UNKNOWN` (another
                    /// word is kept as it came).
                    state: $crate::PeerState,
                    /// The server's entry as sent.
                    #[serde(skip)]
                    raw: $crate::RawJson,
                }
                methods {
                    /// The server's state string.
                    state_raw -> &str,
                }

                /// One registered contact of a peer (an Asterisk `ContactStatusDetail`).
                struct Contact {
                    /// The address of record: the extension the contact belongs to.
                    aor: String,
                    /// The contact's SIP URI, where the PBX reaches the device.
                    uri: String,
                    /// The device's `User-Agent` (phone model and firmware).
                    user_agent: String,
                    /// Registration expiry, unix seconds.
                    reg_expire: Option<i64>,
                    /// The address and port the registration came from (`ip:port`).
                    via_address: String,
                    /// The SIP `Call-ID` of the registration.
                    call_id: String,
                    /// Whether the PBX reaches the device: `Reachable`, `Unreachable`, …
                    /// (qualify result).
                    status: Option<$crate::ContactStatus>,
                    /// The qualify round-trip time, microseconds.
                    roundtrip_usec: Option<u64>,
                    /// The Asterisk endpoint the contact belongs to.
                    endpoint_name: String,
                    /// Asterisk's contact id (`ID`), e.g. `201;@3002860e...`.
                    contact_id: String,
                    /// Whether qualify requests are authenticated.
                    authenticate_qualify: Option<bool>,
                    /// The outbound proxy used to reach the device, if any.
                    outbound_proxy: String,
                    /// The SIP `Path` header of the registration, if any.
                    path: String,
                    /// Seconds between qualify requests (0: none).
                    qualify_frequency: Option<u64>,
                    /// Seconds.
                    qualify_timeout: Option<f64>,
                    /// This contact's fields exactly as sent (without the server's `-1`/`-WS1`
                    /// key suffix).
                    #[serde(skip)]
                    fields: $crate::__private::Map<String, $crate::__private::Value>,
                }
                methods {
                    /// The server's status string.
                    status_raw -> Option<&str>,
                    /// True when Asterisk's qualify says the device answers.
                    is_reachable -> bool,
                }

                /// The detail of one peer (`getSipPeer`).
                ///
                /// An unknown peer and a known but unregistered one look the same on the
                /// server: state `Unknown` and no contact. A registered but unreachable phone
                /// has state `Ok` and a contact whose status is `Unreachable`.
                struct PeerDetail {
                    /// The id that was asked for.
                    id: String,
                    /// `OK` when a device is registered, else `UNKNOWN` (an unknown peer too).
                    state: $crate::PeerState,
                    /// The primary contact (absent when not registered); its fields are
                    /// flattened into the peer's JSON form.
                    #[serde(flatten, skip_serializing_if = "Option::is_none")]
                    contact: Option<$crate::Contact>,
                    /// Further contacts (several devices, or the WebRTC twin endpoint).
                    other_contacts: Vec<$crate::Contact>,
                    /// The server's `data` object as sent.
                    #[serde(skip)]
                    raw: $crate::__private::Value,
                }
                methods {
                    /// The server's state string.
                    state_raw -> &str,
                    /// All contacts, the primary one first.
                    contacts -> Vec<&$crate::Contact>,
                    /// Registered: the server has at least one contact for this peer.
                    is_registered -> bool,
                }
            }
        }
    };
}

__peer_models!(define_models);

impl PeerStatus {
    pub fn state_raw(&self) -> &str {
        self.state.as_str()
    }
}

impl Contact {
    pub fn status_raw(&self) -> Option<&str> {
        self.status.as_ref().map(ContactStatus::as_str)
    }

    pub fn is_reachable(&self) -> bool {
        self.status == Some(ContactStatus::Reachable)
    }

    fn from_fields(fields: Map<String, Value>) -> Contact {
        let text = |key: &str| string_field(&fields, key).unwrap_or_default();
        Contact {
            aor: text("AOR"),
            uri: text("URI"),
            user_agent: text("UserAgent"),
            reg_expire: number_field(&fields, "RegExpire"),
            via_address: text("ViaAddress"),
            call_id: text("CallID"),
            status: string_field(&fields, "Status").map(|s| ContactStatus::from_raw(&s)),
            roundtrip_usec: number_field(&fields, "RoundtripUsec"),
            endpoint_name: text("EndpointName"),
            contact_id: text("ID"),
            authenticate_qualify: number_field::<u8>(&fields, "AuthenticateQualify").map(|n| n != 0),
            outbound_proxy: text("OutboundProxy"),
            path: text("Path"),
            qualify_frequency: number_field(&fields, "QualifyFrequency"),
            qualify_timeout: number_field(&fields, "QualifyTimeout"),
            fields,
        }
    }
}

impl PeerDetail {
    pub fn state_raw(&self) -> &str {
        self.state.as_str()
    }

    pub fn is_registered(&self) -> bool {
        self.contact.is_some()
    }

    pub fn contacts(&self) -> Vec<&Contact> {
        self.contact.iter().chain(&self.other_contacts).collect()
    }

    pub(crate) fn unknown(id: &str, raw: Value) -> PeerDetail {
        PeerDetail { id: id.to_owned(), state: PeerState::Unknown, contact: None, other_contacts: Vec::new(), raw }
    }

    /// Reads a v3 `sip/{id}:getStatus` entry: `{"extension", "status": "Available" |
    /// "Unavailable" | "Unknown", "devices": [{"ip", "port", "user_agent", "rtt" (ms)}], …}`.
    /// A device is a registered contact, so `state` is `Ok` exactly when there is one, as on
    /// the legacy API; v3 reports reachability per extension only, so every contact gets
    /// the extension's status. v3 sends no contact URI or expiry: those stay empty.
    pub(crate) fn from_v3(id: &str, data: Value) -> Result<PeerDetail, Value> {
        if !data.is_object() {
            return Err(data);
        }
        let status = match data["status"].as_str() {
            Some("Available") => Some(ContactStatus::Reachable),
            Some("Unavailable") => Some(ContactStatus::Unreachable),
            Some(other) => Some(ContactStatus::from_raw(other)),
            None => None,
        };
        let mut contacts =
            data["devices"].as_array().into_iter().flatten().filter_map(Value::as_object).map(|device| {
                let ip = string_field(device, "ip").unwrap_or_default();
                let via_address = match string_field(device, "port") {
                    Some(port) if !ip.is_empty() => format!("{ip}:{port}"),
                    _ => ip,
                };
                let rtt_ms: Option<f64> = number_field(device, "rtt");
                Contact {
                    aor: id.to_owned(),
                    uri: String::new(),
                    user_agent: string_field(device, "user_agent").unwrap_or_default(),
                    reg_expire: None,
                    via_address,
                    call_id: String::new(),
                    status: status.clone(),
                    roundtrip_usec: rtt_ms.filter(|ms| *ms >= 0.0).map(|ms| (ms * 1000.0).round() as u64),
                    endpoint_name: id.to_owned(),
                    contact_id: String::new(),
                    authenticate_qualify: None,
                    outbound_proxy: String::new(),
                    path: String::new(),
                    qualify_frequency: None,
                    qualify_timeout: None,
                    fields: device.clone(),
                }
            });
        let contact = contacts.next();
        let other_contacts = contacts.collect();
        let state = if contact.is_some() { PeerState::Ok } else { PeerState::Unknown };
        Ok(PeerDetail { id: id.to_owned(), state, contact, other_contacts, raw: data })
    }

    /// Reads a legacy `getSipPeer` `data` object; keys of further contacts carry a suffix
    /// (`URI-1`, `URI-WS1`), and `state` is MikoPBX's own key.
    /// Anything but an object or PHP's empty array is handed back.
    pub(crate) fn from_legacy(id: &str, data: Value) -> Result<PeerDetail, Value> {
        let map = match &data {
            Value::Object(map) => map,
            // `data: []` (PHP's empty array) means the same as an unknown peer.
            Value::Array(items) if items.is_empty() => return Ok(PeerDetail::unknown(id, data)),
            _ => return Err(data),
        };
        let state = string_field(map, "state").map_or(PeerState::Unknown, |s| PeerState::from_raw(&s));
        let mut groups: Vec<(&str, Map<String, Value>)> = Vec::new();
        let mut group_of: HashMap<&str, usize> = HashMap::new();
        for (key, value) in map {
            if key == "state" {
                continue;
            }
            let (base, suffix) = key.split_once('-').unwrap_or((key.as_str(), ""));
            let position = *group_of.entry(suffix).or_insert_with(|| {
                groups.push((suffix, Map::new()));
                groups.len() - 1
            });
            groups[position].1.insert(base.to_owned(), value.clone());
        }
        // The unsuffixed group is the primary contact; a group without URI is no contact.
        groups.sort_by_key(|(suffix, _)| !suffix.is_empty());
        let mut contacts =
            groups.into_iter().map(|(_, fields)| Contact::from_fields(fields)).filter(|c| !c.uri.is_empty());
        let contact = contacts.next();
        let other_contacts = contacts.collect();
        Ok(PeerDetail { id: id.to_owned(), state, contact, other_contacts, raw: data })
    }
}

/// A peer-list entry: its `id` (a string, or a number as written) and `state`; the rest
/// stays in `raw`.
impl ListEntry for PeerStatus {
    const FIELDS: &'static [&'static str] = &["id", "state"];

    fn from_fields(fields: &EntryFields<'_>, raw: RawJson) -> std::result::Result<PeerStatus, RawJson> {
        let Some(id) = fields[0].and_then(scalar_text) else { return Err(raw) };
        let state = PeerState::from_raw(fields[1].and_then(scalar_text).as_deref().unwrap_or_default());
        Ok(PeerStatus { id: id.into_owned(), state, raw })
    }
}

/// 2024.1 lists inbound-registration trunks as `<provider id>-AUTH` among the peers; peers
/// are extensions only, on both generations (docs/server-notes.md).
pub(crate) fn drop_legacy_trunks(mut peers: Vec<PeerStatus>) -> Vec<PeerStatus> {
    peers.retain(|peer| !peer.id.ends_with("-AUTH"));
    peers
}

/// 2026.1 lists every endpoint, trunks included (`SIP-TRUNK-…`, or an inbound trunk's
/// username): keep the extensions (and their `-WS` twins) of `extensions`, or, on a server
/// that cannot say which extensions exist, drop ids that are provider ids.
pub(crate) fn keep_v3_extensions(
    mut peers: Vec<PeerStatus>,
    extensions: Option<&std::collections::HashSet<String>>,
) -> Vec<PeerStatus> {
    match extensions {
        Some(extensions) => peers.retain(|peer| {
            extensions.contains(&peer.id) || peer.id.strip_suffix("-WS").is_some_and(|base| extensions.contains(base))
        }),
        None => peers.retain(|peer| !(peer.id.starts_with("SIP-") || peer.id.starts_with("IAX-"))),
    }
    peers
}

/// v3 lists each extension's WebRTC endpoint (`201-WS`) separately; legacy merges it into
/// the extension. Fold twins into their extension so both generations list the same ids:
/// the extension is `Ok` if either endpoint is, and its `raw` becomes the array of both
/// entries as sent. A `-WS` entry without its extension is kept as it is.
pub(crate) fn fold_webrtc_twins(peers: Vec<PeerStatus>) -> Vec<PeerStatus> {
    // Most PBXes have no WebRTC endpoints: a big list is then handed back without an index.
    if !peers.iter().any(|peer| peer.id.ends_with("-WS")) {
        return peers;
    }
    let positions: HashMap<&str, usize> = peers.iter().enumerate().map(|(i, p)| (p.id.as_str(), i)).collect();
    let twin_base = |id: &str| id.strip_suffix("-WS").and_then(|base| positions.get(base).copied());
    // A twin folds into its base only if the base is not itself folded away (`201-WS-WS`).
    let base_of: Vec<Option<usize>> =
        peers.iter().map(|p| twin_base(&p.id).filter(|&base| twin_base(&peers[base].id).is_none())).collect();
    let mut slots: Vec<Option<PeerStatus>> = peers.into_iter().map(Some).collect();
    for (twin_index, base_index) in base_of.iter().enumerate() {
        let Some(base_index) = *base_index else { continue };
        let Some(twin) = slots[twin_index].take() else { continue };
        if let Some(base) = slots[base_index].as_mut() {
            if twin.state == PeerState::Ok {
                base.state = PeerState::Ok;
            }
            let both = format!("[{},{}]", base.raw.as_str(), twin.raw.as_str());
            base.raw = RawJson::from_text(both).unwrap_or_default();
        }
    }
    slots.into_iter().flatten().collect()
}

/// `peer_statuses`: the extensions and their states, the same set on both generations.
pub(crate) async fn statuses(inner: &Inner) -> Result<Vec<PeerStatus>> {
    let generation = inner.generation().await?;
    let path = match generation {
        ApiGeneration::Legacy => LEGACY_PEER_STATUSES,
        ApiGeneration::V3 => V3_PEER_STATUSES,
    };
    let peers = inner.read_list::<PeerStatus>(path).await?;
    Ok(match generation {
        ApiGeneration::Legacy => drop_legacy_trunks(peers),
        ApiGeneration::V3 => {
            let extensions = v3_extension_numbers(inner).await?;
            fold_webrtc_twins(keep_v3_extensions(peers, extensions.as_ref()))
        }
    })
}

/// `peer`: one peer's state and contacts. An unknown peer is a normal `Unknown` result on
/// both generations.
pub(crate) async fn detail(inner: &Inner, id: String) -> Result<PeerDetail> {
    let id = id.trim();
    if id.is_empty() {
        return Err(Error::invalid("peer id must not be empty"));
    }
    match inner.generation().await? {
        ApiGeneration::Legacy => {
            // The server reads the raw JSON body, whatever the content type (§4.2).
            let body = RequestBody::Json(json!({ "peer": id }));
            let request = Request { method: Method::POST, body: Some(&body), ..Request::get(LEGACY_PEER) };
            let mut document = inner.execute(&request, BodyExpectation::Envelope).await?;
            PeerDetail::from_legacy(id, envelope::take_data(&mut document))
                .map_err(|data| peer_data_error(inner, LEGACY_PEER, &data))
        }
        ApiGeneration::V3 => {
            // The server's route pattern for ids is `[0-9A-Za-z_-]+`; anything else would be
            // a 404 for a reason the caller cannot see.
            if !id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_')) {
                return Err(Error::invalid(format!("{id:?} is not a valid extension number")));
            }
            let path = format!("pbxcore/api/v3/sip/{id}:getStatus");
            match inner.execute(&Request::get(&path), BodyExpectation::Envelope).await {
                Ok(mut document) => PeerDetail::from_v3(id, envelope::take_data(&mut document))
                    .map_err(|data| peer_data_error(inner, &path, &data)),
                // v3 answers 422 for an extension it does not know; legacy answers a normal
                // "UNKNOWN" result, and so does this client on both.
                Err(Error::Api { status: 422, messages, .. }) if messages.iter().any(|m| m.contains("not found")) => {
                    Ok(PeerDetail::unknown(id, Value::Null))
                }
                Err(e) => Err(e),
            }
        }
    }
}

/// The extension numbers of a v3 server (`sip:getStatuses`, which lists enabled SIP
/// extensions only), to tell extensions from trunks in its peer list; `None` when the server
/// lacks the call (early 2025.x).
async fn v3_extension_numbers(inner: &Inner) -> Result<Option<HashSet<String>>> {
    let query = [("simplified".to_owned(), "true".to_owned())];
    let request = Request { query: &query, ..Request::get(V3_EXTENSION_STATUSES) };
    match inner.execute(&request, BodyExpectation::Envelope).await {
        Ok(mut document) => Ok(Some(match envelope::take_data(&mut document) {
            Value::Object(map) => map.into_iter().map(|(number, _)| number).collect(),
            _ => HashSet::new(),
        })),
        Err(Error::Http { status: 404, .. } | Error::Api { status: 404 | 405, .. }) => {
            tracing::debug!("no sip:getStatuses on this server; trunks are told from extensions by their ids");
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// A peer answer whose `data` is not an object.
fn peer_data_error(inner: &Inner, path: &str, data: &Value) -> Error {
    data_error(&inner.url(path), "the peer answer's \"data\" is not an object", data)
}

#[cfg(test)]
impl PeerStatus {
    /// A peer from an entry of the list (a test's shorthand).
    pub(crate) fn from_json(entry: &Value) -> PeerStatus {
        let raw = RawJson::from_value(entry);
        let text = entry.get("id").and_then(text_of).unwrap_or_default();
        let state = entry.get("state").and_then(text_of).unwrap_or_default();
        PeerStatus { id: text, state: PeerState::from_raw(&state), raw }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn string_numbers_become_numbers() {
        let d = PeerDetail::from_legacy(
            "201",
            json!({"URI":"sip:201@h","RegExpire":"1643110170","RoundtripUsec":"5871",
                   "QualifyFrequency":"60","QualifyTimeout":"5.000","AuthenticateQualify":"0",
                   "Status":"Reachable","state":"OK"}),
        )
        .unwrap();
        let c = d.contact.as_ref().unwrap();
        assert_eq!((c.reg_expire, c.roundtrip_usec, c.qualify_frequency), (Some(1643110170), Some(5871), Some(60)));
        assert_eq!((c.qualify_timeout, c.authenticate_qualify), (Some(5.0), Some(false)));
    }

    #[test]
    fn suffixed_contacts_are_grouped() {
        let d = PeerDetail::from_legacy(
            "201",
            json!({"URI":"sip:201@ws","Status":"Reachable","URI-0":"sip:201@a","Status-0":"Unreachable","state":"OK"}),
        )
        .unwrap();
        assert_eq!(d.contact.as_ref().unwrap().uri, "sip:201@ws");
        assert_eq!(d.other_contacts.len(), 1);
        assert_eq!(d.other_contacts[0].status, Some(ContactStatus::Unreachable));
    }

    #[test]
    fn empty_array_data_is_an_unknown_peer() {
        let d = PeerDetail::from_legacy("999", json!([])).unwrap();
        assert_eq!((&d.state, d.is_registered()), (&PeerState::Unknown, false));
    }

    #[test]
    fn scalar_peer_data_is_refused() {
        for data in [json!("OK"), json!(1), json!(true), json!(null), json!([1])] {
            assert!(PeerDetail::from_legacy("201", data.clone()).is_err(), "{data}");
            assert!(PeerDetail::from_v3("201", data.clone()).is_err(), "{data}");
        }
    }

    #[test]
    fn twins_fold_into_their_extension_in_one_pass() {
        let peer = |id: &str, state: &str| PeerStatus::from_json(&json!({"id": id, "state": state}));
        let folded = fold_webrtc_twins(vec![
            peer("201", "UNKNOWN"),
            peer("201-WS", "OK"),
            peer("202-WS", "OK"),
            peer("203", "OK"),
            peer("203-WS", "UNKNOWN"),
            peer("203-WS-WS", "OK"),
        ]);
        let ids: Vec<(&str, &str)> = folded.iter().map(|p| (p.id.as_str(), p.state.as_str())).collect();
        assert_eq!(ids, [("201", "OK"), ("202-WS", "OK"), ("203", "OK"), ("203-WS-WS", "OK")]);
        let without_twins = vec![peer("202", "OK"), peer("201", "UNKNOWN"), peer("WS", "OK")];
        assert_eq!(fold_webrtc_twins(without_twins.clone()), without_twins);
    }

    /// The shortest of three runs, in seconds.
    fn fastest(mut work: impl FnMut()) -> f64 {
        (0..3)
            .map(|_| {
                let started = std::time::Instant::now();
                work();
                started.elapsed().as_secs_f64()
            })
            .fold(f64::MAX, f64::min)
    }

    /// Quadratic decoding would take 100× for 10× the entries; linear takes about 10×.
    #[test]
    fn decoding_ten_times_the_entries_takes_about_ten_times_as_long() {
        let peers = |n: usize| -> Vec<PeerStatus> {
            (0..n)
                .flat_map(|i| [format!("{i}"), format!("{i}-WS")])
                .map(|id| PeerStatus::from_json(&json!({"id": id, "state": "OK"})))
                .collect()
        };
        let (small, big) = (peers(2_000), peers(20_000));
        let fold_small = fastest(|| drop(fold_webrtc_twins(small.clone())));
        let fold_big = fastest(|| drop(fold_webrtc_twins(big.clone())));
        assert!(fold_big / fold_small < 40.0, "folding: {fold_small:.5}s vs {fold_big:.5}s");

        let contacts = |n: usize| -> Value {
            let mut map = Map::new();
            for i in 0..n {
                map.insert(format!("URI-{i}"), json!(format!("sip:201@10.0.0.{i}")));
                map.insert(format!("Status-{i}"), json!("Reachable"));
            }
            Value::Object(map)
        };
        let (small, big) = (contacts(1_000), contacts(10_000));
        let peer_small = fastest(|| drop(PeerDetail::from_legacy("201", small.clone())));
        let peer_big = fastest(|| drop(PeerDetail::from_legacy("201", big.clone())));
        assert!(peer_big / peer_small < 40.0, "contacts: {peer_small:.5}s vs {peer_big:.5}s");
    }
}
