//! Active calls (none on the simulated PBX yet).

use serde_json::json;

use super::{Answer, LegacyCall, Resource, no_v3, no_v3_methods};
use crate::Shared;

pub const RESOURCE: Resource = Resource { legacy, v3_methods: no_v3_methods, v3: no_v3 };

fn legacy(_: &Shared, call: &LegacyCall<'_>) -> Option<Answer> {
    match (call.group, call.action) {
        // The real server double-encodes this one (reference §5.1).
        ("cdr", "getActiveCalls") => {
            Some(Answer::data("getActiveCalls", "CdrDB\\GetActiveCallsAction::main", json!(["[]"])))
        }
        _ => None,
    }
}
