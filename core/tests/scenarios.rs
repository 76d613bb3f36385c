//! Runs the shared scenarios (`tests/scenarios/scenarios.json`) through the Rust API; every
//! binding runs the same file through its own API.

mod common;

use std::time::Duration;

use mikopbx::{Config, RequestBody};
use mikopbx_sim::{ApiGeneration, Fault, Peer, Simulator, SimulatorOptions};
use serde_json::Value;

/// `expected` is contained in `actual`: objects by key (extra keys allowed), arrays
/// element-wise with equal length, numbers by value.
fn contains(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => e.iter().all(|(k, v)| a.get(k).is_some_and(|av| contains(v, av))),
        (Value::Array(e), Value::Array(a)) => e.len() == a.len() && e.iter().zip(a).all(|(ev, av)| contains(ev, av)),
        (Value::Number(e), Value::Number(a)) => e.as_f64() == a.as_f64(),
        _ => expected == actual,
    }
}

/// RFC 7386 JSON merge patch.
fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(serde_json::Map::new());
    }
    let Value::Object(map) = target else { return };
    for (key, value) in patch {
        if value.is_null() {
            map.remove(key);
        } else {
            merge_patch(map.entry(key.clone()).or_insert(Value::Null), value);
        }
    }
}

async fn start_sim(scenario: &Value, api: ApiGeneration) -> Simulator {
    let sim_setup = &scenario["sim"];
    let mut options = SimulatorOptions { api, ..Default::default() };
    if let Some(limit) = sim_setup["login_limit"].as_u64() {
        options.login_limit = limit as u32;
    }
    let sim = common::sim_with(options).await;
    for peer in sim_setup["peers"].as_array().into_iter().flatten() {
        sim.set_peer(serde_json::from_value::<Peer>(peer.clone()).expect("scenario peer"));
    }
    for fault in sim_setup["faults"].as_array().into_iter().flatten() {
        sim.add_fault(serde_json::from_value::<Fault>(fault.clone()).expect("scenario fault"));
    }
    sim
}

fn client_for(sim: &Simulator, setup: &Value) -> mikopbx::Client {
    let credentials = sim.credentials();
    let mut builder = Config::builder(sim.url());
    if let Some(key) = setup["api_key"].as_str() {
        builder = builder.api_key(key);
    } else {
        match setup["credentials"].as_str() {
            Some("none") => {}
            Some("api_key") => builder = builder.api_key(&sim.state().api_keys[0]),
            _ => {
                let password = setup["password"].as_str().map_or(credentials.password, str::to_owned);
                builder = builder.login(credentials.login, password);
            }
        }
    }
    if let Some(ms) = setup["timeout_ms"].as_u64() {
        builder = builder.request_timeout(Duration::from_millis(ms));
    }
    if let Some(retries) = setup["retries"].as_u64() {
        builder = builder.retries(retries as u32);
    }
    common::client(builder)
}

async fn call(client: &mikopbx::Client, call: &Value) -> mikopbx::Result<Value> {
    Ok(match call["op"].as_str().expect("op") {
        "login" => {
            client.login().await?;
            Value::Null
        }
        "peer_statuses" => json(&client.peer_statuses().await?),
        "peer" => json(&client.peer(call["id"].as_str().expect("id")).await?),
        "provider_registrations" => json(&client.provider_registrations().await?),
        "ping" => {
            client.ping().await?;
            Value::Null
        }
        "request" => {
            let body = call.get("body").cloned().map(RequestBody::Json);
            let method = call["method"].as_str().expect("method");
            client.request(method, call["path"].as_str().expect("path"), Vec::new(), body).await?
        }
        other => panic!("unknown op {other}"),
    })
}

fn json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("models serialise")
}

fn check(expect: &Value, outcome: mikopbx::Result<Value>) -> Result<(), String> {
    match outcome {
        Ok(actual) => {
            if let Some(kind) = expect["error"].as_str() {
                return Err(format!("expected a {kind} error, got {actual}"));
            }
            if let Some(expected) = expect.get("result")
                && !contains(expected, &actual)
            {
                return Err(format!("result {actual} does not contain {expected}"));
            }
            for key in expect["absent"].as_array().into_iter().flatten().filter_map(Value::as_str) {
                if actual.get(key).is_some() {
                    return Err(format!("result {actual} has {key:?}"));
                }
            }
            Ok(())
        }
        Err(err) => {
            let Some(kind) = expect["error"].as_str() else { return Err(format!("unexpected error: {err}")) };
            if err.kind().as_str() != kind {
                return Err(format!("expected {kind}, got {:?}: {err}", err.kind()));
            }
            if let Some(status) = expect["status"].as_u64()
                && err.status() != Some(status as u16)
            {
                return Err(format!("expected status {status}: {err}"));
            }
            if let Some(text) = expect["message_contains"].as_str() {
                let found = err.to_string().contains(text) || err.server_messages().iter().any(|m| m.contains(text));
                if !found {
                    return Err(format!("{text:?} not in {err} / {:?}", err.server_messages()));
                }
            }
            Ok(())
        }
    }
}

async fn run_all(api: ApiGeneration, generation: &str) {
    let document = common::fixture("../scenarios/scenarios.json");
    let scenarios = document["scenarios"].as_array().expect("scenarios");
    let mut failures = Vec::new();
    let mut ran = 0;
    for original in scenarios {
        if original["only"].as_str().is_some_and(|only| only != generation) {
            continue;
        }
        let mut scenario = original.clone();
        if generation == "v3"
            && let Some(patch) = original.get("v3")
        {
            merge_patch(&mut scenario, patch);
        }
        let name = scenario["name"].as_str().expect("name");
        let sim = start_sim(&scenario, api).await;
        let client = client_for(&sim, &scenario["client"]);
        if let Err(e) = check(&scenario["expect"], call(&client, &scenario["call"]).await) {
            failures.push(format!("{name}: {e}"));
        }
        ran += 1;
    }
    assert!(ran >= 20, "only {ran} scenarios ran");
    assert!(failures.is_empty(), "failed {generation} scenarios:\n{}", failures.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shared_scenarios_pass_on_the_legacy_api() {
    run_all(ApiGeneration::Legacy, "legacy").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shared_scenarios_pass_on_the_v3_api() {
    run_all(ApiGeneration::V3, "v3").await;
}
