//! Peers (extensions): their states and registered contacts (state section `peers`; v3 also
//! lists the providers' trunk endpoints and, with `webrtc` on, the `-WS` twins).

use std::time::{SystemTime, UNIX_EPOCH};

use axum::http::Method;
use serde_json::{Map, Value, json};

use super::{Answer, LegacyCall, Resource, V3Call, V3Method, non_empty, php_bool};
use crate::Shared;
use crate::state::Peer;

pub const RESOURCE: Resource = Resource { legacy, v3_methods, v3 };

fn legacy(shared: &Shared, call: &LegacyCall<'_>) -> Option<Answer> {
    Some(match (call.group, call.action) {
        ("sip", "getPeersStatuses") => {
            let pbx = shared.pbx();
            let data = pbx.peers.iter().map(|p| json!({"id": p.id, "state": p.state})).collect();
            Answer::data("getPeersStatuses", "SIPStackProcessor::getPeersStatuses", Value::Array(data))
        }
        ("sip", "getSipPeer") => match non_empty(call.params.get("peer")) {
            Some(id) => Answer::data("getSipPeer", "SIPStackProcessor::getPeerStatus", sip_peer(shared, &id)),
            None => {
                Answer::refused("getSipPeer", "SIPStackProcessor::getPeerStatus", "Empty peer value in POST/GET data")
            }
        },
        ("sip", "getSecret") => match non_empty(call.params.get("number")) {
            Some(number) => {
                Answer::data("getSecret", "SIPStackProcessor::getSecret", json!({"number": number, "secret": ""}))
            }
            None => Answer::refused("getSecret", "SIPStackProcessor::getSecret", "Empty number value in POST/GET data"),
        },
        _ => return None,
    })
}

fn v3_methods() -> Vec<V3Method> {
    vec![
        V3Method { resource: "sip", method: "getPeersStatuses", verb: Method::GET, needs_id: false },
        V3Method { resource: "sip", method: "getStatuses", verb: Method::GET, needs_id: false },
        V3Method { resource: "sip", method: "getStatus", verb: Method::GET, needs_id: true },
    ]
}

fn v3(shared: &Shared, call: &V3Call<'_>) -> Option<Answer> {
    Some(match (call.resource, call.method) {
        ("sip", "getPeersStatuses") => {
            Answer::data("getPeersStatuses", "Sip\\GetPeersStatusesAction::main", peers_statuses(shared))
        }
        ("sip", "getStatuses") => all_statuses(shared, call.data),
        ("sip", "getStatus") => peer_status(shared, call.id.unwrap_or_default(), call.data),
        _ => return None,
    })
}

/// `AsteriskManager::getPjSipPeer`: the first contact with plain keys, further ones with
/// `-1`, `-2`… suffixes, then `state` from whether a URI exists. Unknown and unregistered
/// peers are the same `{"state":"UNKNOWN"}`.
fn sip_peer(shared: &Shared, id: &str) -> Value {
    let pbx = shared.pbx();
    let mut data = Map::new();
    let contacts = pbx.peer(id).map(|p| p.contacts.as_slice()).unwrap_or_default();
    for (index, contact) in contacts.iter().enumerate() {
        for (key, value) in contact {
            let key = if index == 0 { key.clone() } else { format!("{key}-{index}") };
            data.insert(key, value.clone());
        }
    }
    let registered = data.get("URI").and_then(Value::as_str).is_some_and(|uri| !uri.is_empty());
    data.insert("state".into(), json!(if registered { "OK" } else { "UNKNOWN" }));
    Value::Object(data)
}

/// `AsteriskManager::getPjSipPeers` at 2026.1: one entry per PJSIP endpoint, keyed by its
/// name. Extensions; their WebRTC twins `<id>-WS` when WebRTC is on; the enabled providers'
/// trunk endpoints (named by uniqid). `detailed-state` is Asterisk's device state.
fn peers_statuses(shared: &Shared) -> Value {
    let pbx = shared.pbx();
    let mut entries = Vec::new();
    for peer in &pbx.peers {
        let detailed = match peer.state.as_str() {
            "OK" => "Not in use",
            "UNKNOWN" => "Unavailable",
            _ => "Unknown",
        };
        entries.push(json!({"id": peer.id, "state": peer.state, "detailed-state": detailed}));
        if pbx.webrtc {
            entries.push(json!({"id": format!("{}-WS", peer.id), "state": "UNKNOWN", "detailed-state": "Unavailable"}));
        }
    }
    for provider in &pbx.providers {
        let (Some(id), Some(state)) =
            (provider.get("id").and_then(Value::as_str), provider.get("state").and_then(Value::as_str))
        else {
            continue;
        };
        // Disabled providers (registry state OFF) get no endpoint at all.
        let (state, detailed) = match state {
            "OFF" => continue,
            "OK" | "REGISTERED" => ("OK", "Not in use"),
            _ => ("UNKNOWN", "Unavailable"),
        };
        entries.push(json!({"id": id, "state": state, "detailed-state": detailed}));
    }
    Value::Array(entries)
}

/// The statuses `GetAllStatusesAction` keeps in Redis and when they were checked.
pub struct StatusSnapshot {
    checked_at: u64,
    statuses: Map<String, Value>,
}

/// How long `GetAllStatusesAction` answers from its cache: `time() - lastCheck < 30`.
const STATUS_CACHE_SECS: u64 = 30;

/// `GetAllStatusesAction::main`: the cached statuses when checked less than 30 whole seconds
/// ago (and not empty), else a fresh check that refreshes the cache. True when cached.
fn extension_statuses(shared: &Shared, force: bool) -> (Map<String, Value>, bool) {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let mut cache = shared.status_cache();
    if !force
        && let Some(snapshot) = cache.as_ref()
        && !snapshot.statuses.is_empty()
        && now.saturating_sub(snapshot.checked_at) < STATUS_CACHE_SECS
    {
        return (snapshot.statuses.clone(), true);
    }
    let statuses: Map<String, Value> =
        shared.pbx().peers.iter().map(|peer| (peer.id.clone(), extension_status(peer))).collect();
    *cache = Some(StatusSnapshot { checked_at: now, statuses: statuses.clone() });
    (statuses, false)
}

/// A PHP array key: a canonical decimal integer string becomes an integer.
fn php_key(key: &str) -> Value {
    match key.parse::<i64>() {
        Ok(number) if number.to_string() == key => json!(number),
        _ => json!(key),
    }
}

/// `sip:getStatuses`: every extension's status keyed by number (`[]` when none), from the
/// 30-second cache with `messages.info` saying so; `forceCheck` skips the cache, `simplified`
/// keeps only `extension` (a PHP array key, so a number) and `status`.
fn all_statuses(shared: &Shared, data: &Map<String, Value>) -> Answer {
    let force = php_bool(data.get("forceCheck"));
    let (statuses, cached) = extension_statuses(shared, force);
    let messages = if cached {
        json!({"info": ["Using cached data (fresh)"]})
    } else if force {
        json!({"info": ["Force check completed, cache updated"]})
    } else {
        json!([])
    };
    let statuses: Map<String, Value> = if php_bool(data.get("simplified")) {
        statuses
            .into_iter()
            .map(|(extension, status)| {
                let simple = json!({"extension": php_key(&extension), "status": status["status"]});
                (extension, simple)
            })
            .collect()
    } else {
        statuses
    };
    let data = if statuses.is_empty() { json!([]) } else { Value::Object(statuses) };
    Answer::with_messages("getStatuses", "Extensions\\GetAllStatusesAction::main", data, messages)
}

/// `sip/{ext}:getStatus`: `SIPStackProcessor` takes the extension's entry from
/// `GetAllStatusesAction` (so from its cache) but drops its messages; an unknown extension is
/// a `result:false` without `httpCode`, hence 422.
fn peer_status(shared: &Shared, id: &str, data: &Map<String, Value>) -> Answer {
    const PROCESSOR: &str = "SIPStackProcessor::callBack";
    if id == "0" {
        // PHP's empty("0").
        return Answer::refused("getStatus", PROCESSOR, "Empty extension value in POST/GET data");
    }
    let (mut statuses, _) = extension_statuses(shared, php_bool(data.get("forceCheck")));
    match statuses.remove(id) {
        Some(status) => Answer::data("getStatus", PROCESSOR, status),
        None => Answer::refused("getStatus", PROCESSOR, "Extension not found or status unavailable"),
    }
}

fn extension_status(peer: &Peer) -> Value {
    let text =
        |contact: &Map<String, Value>, key: &str| contact.get(key).and_then(Value::as_str).unwrap_or("").to_owned();
    let devices: Vec<Value> = peer
        .contacts
        .iter()
        .map(|contact| {
            // ip and port from the contact URI (sip:201@172.16.156.1:60939;ob).
            let uri = text(contact, "URI");
            let host_port = uri.split_once('@').map_or("", |(_, rest)| rest).split(';').next().unwrap_or("");
            let (ip, port) = host_port.split_once(':').unwrap_or((host_port, "5060"));
            let rtt = text(contact, "RoundtripUsec").parse::<f64>().ok().map(|usec| (usec / 10.0).round() / 100.0);
            json!({"ip": ip, "port": port.parse::<u16>().unwrap_or(5060), "user_agent": text(contact, "UserAgent"),
                   "rtt": rtt, "country": "", "countryName": ""})
        })
        .collect();
    let available = peer.contacts.iter().any(|c| matches!(text(c, "Status").as_str(), "Reachable" | "NonQualified"));
    let best_rtt = devices.iter().filter_map(|d| d["rtt"].as_f64()).reduce(f64::min);
    json!({"extension": peer.id, "callerid": "", "status": if available { "Available" } else { "Unavailable" },
           "devices": devices, "rtt": best_rtt})
}
