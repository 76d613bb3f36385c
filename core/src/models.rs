//! Typed results, the same for both API generations. Every model keeps the server's raw JSON
//! beside the parsed fields, and every state keeps the server's string, so a value this SDK
//! does not know yet never breaks a program.

use std::collections::HashMap;

use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

/// Declares a state enum whose unknown values are kept as `Other(raw)`.
macro_rules! server_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this SDK does not know; the server's exact string.
            Other(String),
        }

        impl $name {
            /// Parses the server's string; unknown strings become `Other`.
            pub fn from_raw(raw: &str) -> Self {
                match raw {
                    $($text => $name::$variant,)+
                    other => $name::Other(other.to_owned()),
                }
            }

            /// The server's string for this value.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)+
                    $name::Other(raw) => raw,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    };
}

server_enum! {
    /// Peer state as MikoPBX reports it. `Ok`: the device is registered (legacy
    /// `getPeersStatuses`: Asterisk device state "Not in use"/"Busy"; `getSipPeer`: a contact
    /// URI exists). Everything else is `Unknown` on the legacy API.
    PeerState { Ok = "OK", Unknown = "UNKNOWN" }
}

server_enum! {
    /// Asterisk's qualify status of one registered contact.
    ContactStatus {
        Reachable = "Reachable",
        Unreachable = "Unreachable",
        NonQualified = "NonQualified",
        Unknown = "Unknown",
    }
}

server_enum! {
    /// Registration state of a SIP provider (trunk).
    ProviderState {
        Registered = "REGISTERED",
        Unregistered = "UNREGISTERED",
        Rejected = "REJECTED",
        /// The provider is disabled.
        Off = "OFF",
        /// A provider without outbound registration whose endpoint is reachable.
        Ok = "OK",
        Unknown = "UNKNOWN",
    }
}

/// One entry of the peer list (`getPeersStatuses`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeerStatus {
    pub id: String,
    pub state: PeerState,
    /// The server's entry as sent.
    #[serde(skip)]
    pub raw: Value,
}

/// One registered contact of a peer (an Asterisk `ContactStatusDetail`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contact {
    pub aor: String,
    pub uri: String,
    pub user_agent: String,
    /// Registration expiry, unix seconds.
    pub reg_expire: Option<i64>,
    pub via_address: String,
    pub call_id: String,
    pub status: Option<ContactStatus>,
    pub roundtrip_usec: Option<u64>,
    pub endpoint_name: String,
    /// Asterisk's contact id (`ID`), e.g. `201;@3002860e...`.
    pub contact_id: String,
    pub authenticate_qualify: Option<bool>,
    pub outbound_proxy: String,
    pub path: String,
    pub qualify_frequency: Option<u64>,
    /// Seconds.
    pub qualify_timeout: Option<f64>,
    /// This contact's fields exactly as sent (without the server's `-1`/`-WS1` key suffix).
    #[serde(skip)]
    pub fields: Map<String, Value>,
}

impl Contact {
    /// True when Asterisk's qualify says the device answers.
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

/// The detail of one peer (`getSipPeer`).
///
/// An unknown peer and a known but unregistered one look the same on the server: state
/// `Unknown` and no contact. A registered but unreachable phone has state `Ok` and a contact
/// whose status is `Unreachable`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeerDetail {
    /// The id that was asked for.
    pub id: String,
    pub state: PeerState,
    /// The primary contact's fields, flattened (absent when not registered).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
    /// Further contacts (several devices, or the WebRTC twin endpoint).
    pub other_contacts: Vec<Contact>,
    /// The server's `data` object as sent.
    #[serde(skip)]
    pub raw: Value,
}

impl PeerDetail {
    /// Registered: the server has at least one contact for this peer.
    pub fn is_registered(&self) -> bool {
        self.contact.is_some()
    }

    /// All contacts, the primary one first.
    pub fn contacts(&self) -> impl Iterator<Item = &Contact> {
        self.contact.iter().chain(&self.other_contacts)
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

/// Registration of one SIP provider (`getRegistry`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProviderRegistration {
    pub id: String,
    pub state: ProviderState,
    pub username: String,
    pub host: String,
    /// The server's entry as sent.
    #[serde(skip)]
    pub raw: Value,
}

impl PeerStatus {
    /// An entry with an `id`; anything else is handed back.
    pub(crate) fn from_entry(entry: Value) -> Result<PeerStatus, Value> {
        let Some(map) = entry.as_object() else { return Err(entry) };
        let Some(id) = string_field(map, "id") else { return Err(entry) };
        let state = PeerState::from_raw(&string_field(map, "state").unwrap_or_default());
        Ok(PeerStatus { id, state, raw: entry })
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
            base.raw = Value::Array(vec![base.raw.take(), twin.raw]);
        }
    }
    slots.into_iter().flatten().collect()
}

impl ProviderRegistration {
    /// 2026.1 names outbound registrations `<id>-REG` but still strips `REG-`, so ids come
    /// back as `SIP-TRUNK-960E68DA-REG`; the provider's id is without the suffix.
    pub(crate) fn normalize_v3_id(&mut self) {
        if let Some(base) = self.id.strip_suffix("-REG") {
            self.id = base.to_owned();
        }
    }

    /// An entry with an `id`; anything else is handed back.
    pub(crate) fn from_entry(entry: Value) -> Result<ProviderRegistration, Value> {
        let Some(map) = entry.as_object() else { return Err(entry) };
        let Some(id) = string_field(map, "id") else { return Err(entry) };
        Ok(ProviderRegistration {
            id,
            state: ProviderState::from_raw(&string_field(map, "state").unwrap_or_default()),
            username: string_field(map, "username").unwrap_or_default(),
            host: string_field(map, "host").unwrap_or_default(),
            raw: entry,
        })
    }
}

/// A string field; numbers are accepted and written as text.
fn string_field(map: &Map<String, Value>, key: &str) -> Option<String> {
    match map.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A number that the server may send as a JSON number or as a string ("5871", "5.000").
fn number_field<T: std::str::FromStr>(map: &Map<String, Value>, key: &str) -> Option<T> {
    match map.get(key)? {
        Value::String(s) => s.trim().parse().ok(),
        Value::Number(n) => n.to_string().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_states_keep_the_raw_string() {
        assert_eq!(PeerState::from_raw("OK"), PeerState::Ok);
        let odd = ProviderState::from_raw("Request Sent");
        assert_eq!(odd.as_str(), "Request Sent");
        assert_eq!(serde_json::to_value(&odd).unwrap(), json!("Request Sent"));
    }

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
        let peer = |id: &str, state: &str| PeerStatus::from_entry(json!({"id": id, "state": state})).unwrap();
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
                .map(|id| PeerStatus::from_entry(json!({"id": id, "state": "OK"})).unwrap())
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
