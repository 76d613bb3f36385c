//! The PBX's resources, one file each, each serving both API generations from its section of
//! the state: what a resource answers, not how a generation wraps it. `legacy.rs` and `v3.rs`
//! keep what is the generation's own (sessions or tokens, routing, envelopes, error shapes)
//! and ask every resource of [`RESOURCES`] in turn. A new resource is a new file here and a
//! line in [`RESOURCES`].

mod calls;
mod cdr;
mod employees;
mod firewall;
mod peers;
mod providers;
mod system;

use axum::http::Method;
use serde_json::{Map, Value};

use crate::Shared;

pub use peers::StatusSnapshot;

/// A resource's answer; the generation's module puts it into its envelope.
pub struct Answer {
    /// The server's `function` (the action name) and its processor class, below
    /// `MikoPBX\PBXCoreREST\Lib\`.
    pub function: &'static str,
    pub processor: String,
    pub outcome: Outcome,
}

pub enum Outcome {
    /// `result: true` with this `data` and these `messages` (`[]` for none).
    Data { data: Value, messages: Value },
    /// The processor's `result: false` with one error message (legacy: HTTP 200; v3: 422).
    Refused(String),
}

impl Answer {
    pub fn data(function: &'static str, processor: impl Into<String>, data: Value) -> Answer {
        Answer::with_messages(function, processor, data, Value::Array(Vec::new()))
    }

    pub fn with_messages(function: &'static str, processor: impl Into<String>, data: Value, messages: Value) -> Answer {
        Answer { function, processor: processor.into(), outcome: Outcome::Data { data, messages } }
    }

    pub fn refused(function: &'static str, processor: impl Into<String>, message: impl Into<String>) -> Answer {
        Answer { function, processor: processor.into(), outcome: Outcome::Refused(message.into()) }
    }
}

/// A legacy call: `/pbxcore/api/<group>/<action>` with `$_REQUEST` or the JSON body.
pub struct LegacyCall<'a> {
    pub group: &'a str,
    pub action: &'a str,
    pub params: &'a Map<String, Value>,
}

/// A v3 custom method call: `/pbxcore/api/v3/<resource>[/<id>]:<method>` with the merged
/// request data.
pub struct V3Call<'a> {
    pub resource: &'a str,
    pub id: Option<&'a str>,
    pub method: &'a str,
    pub data: &'a Map<String, Value>,
}

/// A v3 custom method a resource serves: resource, method, verb, and whether it needs an id.
pub struct V3Method {
    pub resource: &'static str,
    pub method: &'static str,
    pub verb: Method,
    pub needs_id: bool,
}

/// One resource of the simulated PBX.
pub struct Resource {
    /// Answers a legacy call of this resource, or `None` when it is not one.
    pub legacy: fn(&Shared, &LegacyCall<'_>) -> Option<Answer>,
    /// The v3 custom methods it serves (for the 404/405/400 checks of the router).
    pub v3_methods: fn() -> Vec<V3Method>,
    /// Answers a v3 call of one of its methods.
    pub v3: fn(&Shared, &V3Call<'_>) -> Option<Answer>,
}

/// Every resource, asked in this order.
pub const RESOURCES: &[Resource] = &[
    peers::RESOURCE,
    providers::RESOURCE,
    system::RESOURCE,
    firewall::RESOURCE,
    calls::RESOURCE,
    cdr::RESOURCE,
    employees::RESOURCE,
];

pub fn legacy(shared: &Shared, call: &LegacyCall<'_>) -> Option<Answer> {
    RESOURCES.iter().find_map(|resource| (resource.legacy)(shared, call))
}

pub fn v3(shared: &Shared, call: &V3Call<'_>) -> Option<Answer> {
    RESOURCES.iter().find_map(|resource| (resource.v3)(shared, call))
}

/// Every v3 custom method of every resource.
pub fn v3_methods() -> Vec<V3Method> {
    RESOURCES.iter().flat_map(|resource| (resource.v3_methods)()).collect()
}

/// PHP's `empty()`: missing, null, "" and "0" are empty; numbers are accepted.
pub fn non_empty(value: Option<&Value>) -> Option<String> {
    let text = match value? {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    (!text.is_empty() && text != "0").then_some(text)
}

/// PHP's `filter_var(…, FILTER_VALIDATE_BOOLEAN)`.
pub fn php_bool(value: Option<&Value>) -> bool {
    match value {
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_i64() == Some(1),
        Some(Value::String(s)) => matches!(s.to_ascii_lowercase().as_str(), "1" | "true" | "on" | "yes"),
        _ => false,
    }
}
