//! End-to-end cost of the hot path (request, envelope decode, model conversion) against the
//! embedded simulator on loopback. Run with `cargo bench -p mikopbx`.

use criterion::{Criterion, criterion_group, criterion_main};
use mikopbx::{Config, blocking::Client};
use mikopbx_sim::{Peer, Simulator, SimulatorOptions};
use serde_json::{Map, Value};

fn simulator_with_peers(count: usize) -> Simulator {
    let options = SimulatorOptions { trust_loopback: true, ..Default::default() };
    let sim = mikopbx::block_on(Simulator::start(options)).expect("runtime").expect("simulator");
    for n in 0..count {
        let mut contact = Map::new();
        for (key, value) in [
            ("URI", format!("sip:{n}@10.0.0.1:5060")),
            ("Status", "Reachable".into()),
            ("RoundtripUsec", "1234".into()),
        ] {
            contact.insert(key.to_owned(), Value::String(value));
        }
        sim.set_peer(Peer { id: format!("{}", 1000 + n), state: "OK".into(), contacts: vec![contact] });
    }
    sim
}

fn calls(c: &mut Criterion) {
    let sim = simulator_with_peers(500);
    let client = Client::new(Config::builder(sim.url()).build().expect("config")).expect("client");
    client.peer_statuses().expect("warm up");
    c.bench_function("peer_statuses (503 peers)", |b| b.iter(|| client.peer_statuses().expect("peers")));
    c.bench_function("peer (registered)", |b| b.iter(|| client.peer("201").expect("peer")));
    c.bench_function("request raw getRegistry", |b| {
        b.iter(|| client.request("GET", "sip/getRegistry", Vec::new(), None).expect("raw"))
    });
}

criterion_group!(benches, calls);
criterion_main!(benches);
