//! Providers (trunks) and their registrations: SIP in the state's `providers`, IAX in the
//! section `iax_providers` (registry entries as both generations send them: `state`, `id`,
//! `username`, `host`, `noregister` and, for peers without registration, `time-response`;
//! none by default).

use axum::http::Method;
use serde_json::Value;

use super::{Answer, LegacyCall, Resource, V3Call, V3Method};
use crate::Shared;

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
    ]
}

fn v3(shared: &Shared, call: &V3Call<'_>) -> Option<Answer> {
    match (call.resource, call.method) {
        ("sip", "getRegistry") => Some(Answer::data("getRegistry", "Sip\\GetRegistryAction::main", registry(shared))),
        ("iax", "getRegistry") => {
            Some(Answer::data("getRegistry", "Iax\\GetRegistryAction::main", iax_registry(shared)))
        }
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
