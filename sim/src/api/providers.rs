//! Providers (trunks) and their registrations: SIP in the state's `providers`, IAX in the
//! section `iax_providers` (registry entries as both generations send them: `state`, `id`,
//! `username`, `host`, `noregister` and, for peers without registration, `time-response`;
//! none by default).

use axum::http::Method;
use serde_json::{Map, Value, json};

use super::{Answer, LegacyCall, Resource, V3Call, V3Method, php_bool};
use crate::{Shared, php};

pub const RESOURCE: Resource = Resource { legacy, v3_methods, v3 };

fn legacy(shared: &Shared, call: &LegacyCall<'_>) -> Option<Answer> {
    Some(match (call.group, call.action) {
        ("sip", "getRegistry") => {
            let data = shared.pbx().providers.iter().cloned().map(Value::Object).collect();
            Answer::data("getRegistry", "SIPStackProcessor::getRegistry", Value::Array(data))
        }
        ("iax", "getRegistry") => Answer::data("getRegistry", "Iax\\GetRegistryAction::main", iax_registry(shared)),
        _ => return None,
    })
}

fn v3_methods() -> Vec<V3Method> {
    vec![
        V3Method { resource: "sip", method: "getRegistry", verb: Method::GET, needs_id: false },
        V3Method { resource: "iax", method: "getRegistry", verb: Method::GET, needs_id: false },
        V3Method { resource: "sip-providers", method: "getStatuses", verb: Method::GET, needs_id: false },
        V3Method { resource: "iax-providers", method: "getStatuses", verb: Method::GET, needs_id: false },
        V3Method { resource: "providers", method: "getStatuses", verb: Method::GET, needs_id: false },
    ]
}

fn v3(shared: &Shared, call: &V3Call<'_>) -> Option<Answer> {
    match (call.resource, call.method) {
        ("sip", "getRegistry") => Some(Answer::data("getRegistry", "Sip\\GetRegistryAction::main", registry(shared))),
        ("iax", "getRegistry") => {
            Some(Answer::data("getRegistry", "Iax\\GetRegistryAction::main", iax_registry(shared)))
        }
        ("sip-providers" | "iax-providers" | "providers", "getStatuses") => Some(statuses(shared, call.data)),
        _ => None,
    }
}

/// Outbound registrations come from AMI with the `-REG` suffix 2026.1 leaves on their ids;
/// disabled and registration-less providers come from the database with plain ids.
fn registry(shared: &Shared) -> Value {
    let pbx = shared.pbx();
    let entries = pbx.providers.iter().map(|provider| {
        let mut entry = provider.clone();
        let outbound =
            matches!(entry.get("state").and_then(Value::as_str), Some("REGISTERED" | "UNREGISTERED" | "REJECTED"));
        if outbound && let Some(Value::String(id)) = entry.get_mut("id") {
            id.push_str("-REG");
        }
        Value::Object(entry)
    });
    Value::Array(entries.collect())
}

/// `Iax\GetRegistryAction` (the same on both generations): every IAX provider, ids unchanged.
fn iax_registry(shared: &Shared) -> Value {
    let providers: Vec<Value> = shared.pbx().section("iax_providers");
    Value::Array(providers)
}

/// How long `Providers\GetAllStatusesAction` answers from its cache: `time() - lastCheck < 10`.
const STATUS_CACHE_SECS: u64 = 10;

/// `GetAllStatusesAction::main` (all three paths): `{sip: {<id>: status}, iax: {…}}` with
/// every provider of both technologies; within 10 s of the last check the cached answer
/// with `messages.info` (`forceCheck` skips it).
fn statuses(shared: &Shared, data: &Map<String, Value>) -> Answer {
    // A cached answer is the last check's, times included.
    let (now, cached) = {
        let mut checked = shared.providers_checked();
        let now = php::unix_now();
        match *checked {
            Some(at) if !php_bool(data.get("forceCheck")) && now.saturating_sub(at) < STATUS_CACHE_SECS => (at, true),
            _ => {
                *checked = Some(now);
                (now, false)
            }
        }
    };
    let pbx = shared.pbx();
    let iax: Vec<Map<String, Value>> = pbx.section("iax_providers");
    let group = |providers: &[Map<String, Value>], technology: &str| -> Value {
        let entries: Map<String, Value> = providers
            .iter()
            .filter_map(|provider| {
                let id = provider.get("id")?.as_str()?.to_owned();
                Some((id.clone(), status(&id, provider, technology, now)))
            })
            .collect();
        // PHP's empty array.
        if entries.is_empty() { json!([]) } else { Value::Object(entries) }
    };
    let data = json!({"sip": group(&pbx.providers, "sip"), "iax": group(&iax, "iax")});
    let messages = if cached { json!({"info": ["Using cached data (fresh)"]}) } else { json!([]) };
    Answer::with_messages("getStatuses", "Providers\\GetAllStatusesAction::main", data, messages)
}

/// `AbstractProviderStatusAction::buildStatusData`: the registry state normalised the
/// server's way (outbound registrations lower-case, `OK`/`UNKNOWN`/`OFF` upper-case), times
/// as unix seconds, `rtt` in ms from the provider's optional `rtt` field.
fn status(id: &str, provider: &Map<String, Value>, technology: &str, now: u64) -> Value {
    let text = |key: &str| provider.get(key).and_then(Value::as_str).unwrap_or("").to_owned();
    let registry = text("state");
    let state = match registry.to_ascii_uppercase().as_str() {
        "OFF" => "OFF",
        "OK" => "OK",
        "REGISTERED" => "registered",
        "REJECTED" | "ERROR REGISTER." => "rejected",
        "UNREACHABLE" => "unreachable",
        "LAGGED" => "lagged",
        "UNKNOWN" | "" => "UNKNOWN",
        _ => "unregistered",
    };
    let since = now.saturating_sub(3600);
    let mut entry = json!({
        "id": id, "type": technology, "state": state, "stateText": state, "stateColor": "grey",
        "stateDescription": "", "host": text("host"), "username": text("username"),
        "description": provider.get("description").and_then(Value::as_str).unwrap_or(id),
        "lastUpdate": now, "lastChange": since, "rtt": provider.get("rtt").cloned().unwrap_or(Value::Null),
        "stateDuration": 3600, "stateStartTime": since,
    });
    if state == "registered" {
        entry["registrationDetails"] = json!(format!("Registered to {}", text("host")));
        entry["successDuration"] = json!(3600);
    }
    entry
}
