//! Expands the shared scenarios (`tests/scenarios/scenarios.json` → `expanded.json`: `only`
//! and the v3 patches applied, once, here) and runs them through the Rust API by name; every
//! binding runs the same expanded file through its own API.

mod common;

use std::time::Duration;

use mikopbx::Config;
use mikopbx_sim::{ApiGeneration, Fault, Peer, Simulator, SimulatorOptions, merge_patch};
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

async fn start_sim(scenario: &Value, api: ApiGeneration) -> Simulator {
    let sim_setup = &scenario["sim"];
    let mut options = SimulatorOptions { api, ..Default::default() };
    if let Some(limit) = sim_setup["login_limit"].as_u64() {
        options.login_limit = limit as u32;
    }
    let sim = common::sim_with(options).await;
    if let Some(patch) = sim_setup.get("state") {
        sim.patch_state(patch).expect("scenario state patch");
    }
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

/// Runs `call.op` by name with the rest of `call` as its arguments.
async fn call(client: &mikopbx::Client, call: &Value) -> mikopbx::Result<Value> {
    let mut arguments = call.as_object().expect("call is an object").clone();
    let op = arguments.remove("op").expect("call.op");
    client.call_json(op.as_str().expect("op is a string"), Value::Object(arguments)).await
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

/// The scenarios of each generation: `only` applied, the `v3` patch merged in.
fn expand(document: &Value) -> Value {
    let scenarios = document["scenarios"].as_array().expect("scenarios");
    let mut expanded = serde_json::Map::new();
    expanded.insert(
        "about".to_owned(),
        Value::from(
            "Generated from scenarios.json by `make scenarios` (core/tests/scenarios.rs): the scenarios of each \
             API generation, `only` and the `v3` patches applied. Do not edit.",
        ),
    );
    for generation in ["legacy", "v3"] {
        let list: Vec<Value> = scenarios
            .iter()
            .filter(|original| original["only"].as_str().is_none_or(|only| only == generation))
            .map(|original| {
                let mut scenario = original.clone();
                if generation == "v3"
                    && let Some(patch) = original.get("v3")
                {
                    merge_patch(&mut scenario, patch);
                }
                let map = scenario.as_object_mut().expect("scenario is an object");
                map.remove("only");
                map.remove("v3");
                scenario
            })
            .collect();
        expanded.insert(generation.to_owned(), Value::Array(list));
    }
    Value::Object(expanded)
}

const EXPANDED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/scenarios/expanded.json");

/// `expanded.json` is what `expand` makes of `scenarios.json` (`MIKOPBX_WRITE_SCENARIOS=1`,
/// which `make scenarios` sets, rewrites it).
#[test]
fn the_expanded_scenarios_are_fresh() {
    let fresh = serde_json::to_string_pretty(&expand(&common::fixture("../scenarios/scenarios.json"))).unwrap() + "\n";
    if std::env::var_os("MIKOPBX_WRITE_SCENARIOS").is_some() {
        std::fs::write(EXPANDED, &fresh).expect("write expanded.json");
    }
    let checked_in = std::fs::read_to_string(EXPANDED).unwrap_or_default();
    assert!(checked_in == fresh, "tests/scenarios/expanded.json is stale: run `make scenarios`");
}

async fn run_all(api: ApiGeneration, generation: &str) {
    let document = common::fixture("../scenarios/expanded.json");
    let scenarios = document[generation].as_array().expect("scenarios of the generation");
    let mut failures = Vec::new();
    for scenario in scenarios {
        let name = scenario["name"].as_str().expect("name");
        let sim = start_sim(scenario, api).await;
        let client = client_for(&sim, &scenario["client"]);
        if let Err(e) = check(&scenario["expect"], call(&client, &scenario["call"]).await) {
            failures.push(format!("{name}: {e}"));
        }
    }
    assert!(scenarios.len() >= 20, "only {} scenarios ran", scenarios.len());
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
