//! The monitoring calls beyond the shared scenarios: walking the call history while calls are
//! written, and the legacy extension composite staying within its bounds.

mod common;

use common::{client, config_for, sim_with};
use futures_util::TryStreamExt;
use mikopbx::{CdrQuery, ErrorKind};
use mikopbx_sim::{self as sim, Peer, SimulatorOptions};
use serde_json::{Value, json};

fn cdr_row(id: u64) -> Value {
    json!({"id": id, "start": format!("2026-01-15 10:{:02}:{:02}.000", id / 60, id % 60), "linkedid": format!("1768471200.{id}"),
           "src_num": "201", "dst_num": "202", "disposition": "ANSWERED", "duration": 30, "billsec": 20})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn walking_the_history_while_calls_are_written_returns_every_row_once() {
    let pbx = sim_with(SimulatorOptions { api: sim::ApiGeneration::V3, ..Default::default() }).await;
    pbx.patch_state(&json!({"cdr": (1..=100).map(cdr_row).collect::<Vec<_>>()})).unwrap();
    let client = client(config_for(&pbx));
    let query = CdrQuery { date_from: Some("2026-01-15".into()), limit: Some(30), ..Default::default() };
    let mut pages = std::pin::pin!(client.cdr_pages(query.clone()));
    let mut ids: Vec<u64> = Vec::new();
    let first = pages.try_next().await.unwrap().unwrap();
    ids.extend(first.records.iter().map(|r| r.id));
    // New calls land in the middle of the walk; the cursor still sees each row once.
    pbx.patch_state(&json!({"cdr": (1..=110).map(cdr_row).collect::<Vec<_>>()})).unwrap();
    while let Some(page) = pages.try_next().await.unwrap() {
        ids.extend(page.records.iter().map(|r| r.id));
    }
    assert_eq!(ids, (1..=110).collect::<Vec<_>>());
    let filtered: Vec<_> =
        client.cdr_records(CdrQuery { src_num: Some("999".into()), ..query }).try_collect().await.unwrap();
    assert!(filtered.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_legacy_extension_composite_asks_a_few_peers_at_a_time() {
    let pbx = common::sim().await;
    for n in 0..24 {
        let id = format!("3{n:02}");
        let contact =
            serde_json::from_value(json!({"URI": format!("sip:{id}@10.0.0.{n}:5060"), "UserAgent": "Yealink",
                                                    "Status": "Reachable", "RoundtripUsec": "1500",
                                                    "ViaAddress": format!("10.0.0.{n}:5060")}))
            .unwrap();
        pbx.set_peer(Peer { id, state: "OK".into(), contacts: vec![contact] });
    }
    let client = client(config_for(&pbx).max_in_flight(16));
    let extensions = client.extension_statuses().await.unwrap();
    assert_eq!(extensions.len(), 27);
    let added = extensions.iter().find(|e| e.id == "305").unwrap();
    assert_eq!(
        (added.devices[0].ip.as_str(), added.devices[0].port, added.rtt_ms),
        ("10.0.0.5", Some(5060), Some(1.5))
    );
    assert!(pbx.stats().peak_in_flight <= 4, "{:?}", pbx.stats());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_cursor_is_invalid_input() {
    let pbx = sim_with(SimulatorOptions { api: sim::ApiGeneration::V3, ..Default::default() }).await;
    let client = client(config_for(&pbx));
    let err = client.cdr(None, None, None, None, None, None, "abc".to_owned()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
}
