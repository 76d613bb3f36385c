//! Helpers shared by the integration tests: a simulator per test, clients for it.

#![allow(dead_code)] // each test file uses a different subset

use std::time::Duration;

use mikopbx::{Client, Config, ConfigBuilder};
use mikopbx_sim::{Simulator, SimulatorOptions};

pub async fn sim() -> Simulator {
    sim_with(SimulatorOptions::default()).await
}

pub async fn sim_with(options: SimulatorOptions) -> Simulator {
    Simulator::start(options).await.expect("the simulator starts on a free port")
}

/// A config for the simulator with its own credentials and short timeouts.
pub fn config_for(sim: &Simulator) -> ConfigBuilder {
    let credentials = sim.credentials();
    Config::builder(sim.url()).login(credentials.login, credentials.password).request_timeout(Duration::from_secs(10))
}

pub fn client(builder: ConfigBuilder) -> Client {
    Client::new(builder.build().expect("valid test config")).expect("client")
}

pub fn fixture(relative: &str) -> serde_json::Value {
    let path = format!("{}/../tests/fixtures/{relative}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is not JSON: {e}"))
}
