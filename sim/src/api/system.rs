//! System: the server's clock, liveness and advice (no state of its own).

use axum::http::Method;
use serde_json::json;

use super::{Answer, LegacyCall, Resource, V3Call, V3Method};
use crate::{Shared, php};

pub const RESOURCE: Resource = Resource { legacy, v3_methods, v3 };

fn legacy(_: &Shared, call: &LegacyCall<'_>) -> Option<Answer> {
    Some(match (call.group, call.action) {
        ("system", "getDate") => {
            Answer::data("getDate", "SystemManagementProcessor::callBack", json!({"timestamp": php::unix_now()}))
        }
        ("advice", "getList") => Answer::data("getList", "Advice\\GetAdviceAction::main", json!({"advice": []})),
        _ => return None,
    })
}

fn v3_methods() -> Vec<V3Method> {
    vec![
        V3Method { resource: "system", method: "ping", verb: Method::GET, needs_id: false },
        V3Method { resource: "system", method: "datetime", verb: Method::GET, needs_id: false },
    ]
}

fn v3(_: &Shared, call: &V3Call<'_>) -> Option<Answer> {
    Some(match (call.resource, call.method) {
        ("system", "ping") => Answer::data("ping", "SystemManagementProcessor::handlePing", json!([])),
        // `Lib/System/DateTimeAction.php` (2026.1.223): GET answers the server's unix time.
        ("system", "datetime") => {
            Answer::data("datetime", "System\\DateTimeAction::main", json!({"timestamp": php::unix_now()}))
        }
        _ => return None,
    })
}
