//! Firewall bans: state section `banned_ips`, in the legacy server's shape, keyed by address:
//! `{"<ip>": [{"jail", "timeofban", "timeunban", "v"}]}` (none by default; `PATCH
//! /__sim/state` with `{"banned_ips": {...}}` sets them).

use serde_json::{Map, Value};

use super::{Answer, LegacyCall, Resource, no_v3, no_v3_methods};
use crate::{Shared, php};

pub const RESOURCE: Resource = Resource { legacy, v3_methods: no_v3_methods, v3: no_v3 };

/// The state section of this resource.
const SECTION: &str = "banned_ips";

fn legacy(shared: &Shared, call: &LegacyCall<'_>) -> Option<Answer> {
    match (call.group, call.action) {
        ("firewall", "getBannedIp") => {
            let bans: Map<String, Value> = shared.pbx().section(SECTION);
            Some(Answer::data("getBannedIp", "Firewall\\GetBannedIpAction::main", php::object(bans)))
        }
        _ => None,
    }
}
