//! Results of operations called by name: their JSON shape for the table and their JSON form
//! (the CLI's `--format json`).

use std::time::Duration;

use serde_json::{Value, json};

use crate::generation::ApiGeneration;

/// A result type of an operation.
pub trait Output {
    /// The JSON shape, for the operations table: a model name, `Model[]`, or a JSON type.
    const SHAPE: &'static str;
    fn into_json(self) -> Value;
}

#[doc(hidden)]
/// The JSON form of a model (its serde form); models are `Output` by their declaration
/// (`model::define_models!`).
pub fn serialized(model: &impl serde::Serialize) -> Value {
    // Models serialize to JSON without fail (string keys, finite numbers).
    serde_json::to_value(model).unwrap_or(Value::Null)
}

impl Output for () {
    const SHAPE: &'static str = "null";
    fn into_json(self) -> Value {
        Value::Null
    }
}

impl Output for Value {
    const SHAPE: &'static str = "any";
    fn into_json(self) -> Value {
        self
    }
}

impl Output for ApiGeneration {
    const SHAPE: &'static str = "\"legacy\" | \"v3\"";
    fn into_json(self) -> Value {
        Value::from(self.as_str())
    }
}

/// A round-trip time.
impl Output for Duration {
    const SHAPE: &'static str = "{\"rtt_ms\": number}";
    fn into_json(self) -> Value {
        json!({ "rtt_ms": self.as_secs_f64() * 1000.0 })
    }
}
