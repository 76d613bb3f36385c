//! Decoding alone: a legacy peer list of 10,000 entries (the big answer of `make bench`) read
//! into `PeerStatus` models, each with its `raw`, beside serde reading the same answer into
//! two strings per entry, as a user of serde would type it. Run with `cargo bench -p mikopbx`.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
struct Envelope {
    result: bool,
    data: Vec<Peer>,
}

#[derive(Deserialize)]
struct Peer {
    id: String,
    state: String,
}

/// The answer as 2024.1 sends it, escaped slashes included (bench/run.py writes the same).
fn big_answer() -> Vec<u8> {
    let data: Vec<_> = (0..10_000)
        .map(|n| json!({"id": format!("{}", 10_000 + n), "state": if n % 3 == 0 { "UNKNOWN" } else { "OK" }}))
        .collect();
    let document = json!({
        "result": true,
        "data": data,
        "messages": [],
        "function": "getPeersStatuses",
        "processor": "MikoPBX\\PBXCoreREST\\Lib\\SIPStackProcessor::callBack",
        "pid": 4821,
    });
    document.to_string().replace('/', "\\/").into_bytes()
}

fn decode(c: &mut Criterion) {
    let answer = big_answer();
    assert_eq!(mikopbx::__private::read_peer_list(answer.clone()).expect("peers").len(), 10_000);
    c.bench_function("read peer list (10,000 entries, with raw)", |b| {
        b.iter_batched(|| answer.clone(), mikopbx::__private::read_peer_list, BatchSize::LargeInput)
    });
    let typed = |answer: Vec<u8>| -> Vec<Peer> {
        let envelope: Envelope = serde_json::from_slice(&answer).expect("envelope");
        assert!(envelope.result);
        envelope.data
    };
    assert_eq!(typed(answer.clone()).iter().filter(|peer| peer.state == "OK" && peer.id.len() == 5).count(), 6_666);
    // Both results are dropped outside the measurement (`iter_batched`), like the inputs' copies.
    c.bench_function("serde typed (10,000 entries, two strings each)", |b| {
        b.iter_batched(|| answer.clone(), typed, BatchSize::LargeInput)
    });
}

criterion_group!(benches, decode);
criterion_main!(benches);
