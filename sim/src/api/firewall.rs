//! Firewall bans (fail2ban): state section `banned_ips`, keyed by address:
//! `{"<ip>": {"country", "countryName", "bans": [{"jail", "timeofban", "timeunban", "v"}]}}`
//! (none by default; `PATCH /__sim/state` with `{"banned_ips": {...}}` sets them). Both
//! generations list the bans that have not ended; legacy without the country
//! (docs/server-notes.md, "Firewall bans").

use axum::http::Method;
use serde_json::{Map, Value};

use super::{Answer, LegacyCall, Resource, V3Call, V3Method};
use crate::{Shared, php};

pub const RESOURCE: Resource = Resource { legacy, v3_methods, v3 };

/// The state section of this resource.
const SECTION: &str = "banned_ips";

fn legacy(shared: &Shared, call: &LegacyCall<'_>) -> Option<Answer> {
    Some(match (call.group, call.action) {
        ("firewall", "getBannedIp") => {
            let bans = active_bans(shared)
                .into_iter()
                .map(|(ip, entry)| (ip, entry.get("bans").cloned().unwrap_or(Value::Array(Vec::new()))))
                .collect();
            Answer::data("getBannedIp", "Firewall\\GetBannedIpAction::main", php::object(bans))
        }
        ("firewall", "unBanIp") => {
            unban(shared, call.params.get("ip"));
            Answer::data("unBanIp", "Firewall\\Fail2BanUnbanAction::main", Value::Array(Vec::new()))
        }
        _ => return None,
    })
}

fn v3_methods() -> Vec<V3Method> {
    vec![
        V3Method { resource: "firewall", method: "getBannedIps", verb: Method::GET, needs_id: false },
        V3Method { resource: "firewall", method: "unbanIp", verb: Method::POST, needs_id: false },
    ]
}

fn v3(shared: &Shared, call: &V3Call<'_>) -> Option<Answer> {
    Some(match (call.resource, call.method) {
        ("firewall", "getBannedIps") => {
            let bans = active_bans(shared).into_iter().map(|(ip, entry)| (ip, Value::Object(entry))).collect();
            Answer::data("getBannedIps", "Firewall\\GetBannedIpsAction::main", php::object(bans))
        }
        ("firewall", "unbanIp") => {
            unban(shared, call.data.get("ip"));
            Answer::data("unbanIp", "Firewall\\UnbanIpAction::main", Value::Array(Vec::new()))
        }
        _ => return None,
    })
}

/// Each banned address with the bans that have not ended (`timeunban` in the future).
fn active_bans(shared: &Shared) -> Vec<(String, Map<String, Value>)> {
    let now = i64::try_from(php::unix_now()).unwrap_or(i64::MAX);
    let section: Map<String, Value> = shared.pbx().section(SECTION);
    section
        .into_iter()
        .filter_map(|(ip, entry)| {
            let Value::Object(mut entry) = entry else { return None };
            let bans: Vec<Value> = match entry.remove("bans") {
                Some(Value::Array(bans)) => bans,
                _ => Vec::new(),
            };
            let active: Vec<Value> =
                bans.into_iter().filter(|ban| ban["timeunban"].as_i64().is_none_or(|end| end > now)).collect();
            if active.is_empty() {
                return None;
            }
            entry.insert("bans".to_owned(), Value::Array(active));
            Some((ip, entry))
        })
        .collect()
}

/// Lifts every ban of the address; like the server, answers success whatever it was given.
fn unban(shared: &Shared, ip: Option<&Value>) {
    let Some(ip) = ip.and_then(Value::as_str) else { return };
    shared.edit_pbx(|pbx| {
        if let Some(Value::Object(bans)) = pbx.sections.get_mut(SECTION) {
            bans.remove(ip);
        }
    });
}
