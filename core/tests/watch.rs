//! `watch`: the first event is the snapshot, a change made through the simulator's control
//! appears as exactly one event, an outage is reported and followed by a gap and a fresh
//! snapshot, and the whole run keeps one session.

mod common;

use std::time::Duration;

use common::{client, config_for, sim_with};
use futures_util::StreamExt;
use mikopbx::{WatchEvent, WatchEventKind, WatchOptions};
use mikopbx_sim::{self as sim, Peer, Simulator, SimulatorOptions};

const INTERVAL: Duration = Duration::from_millis(200);

async fn next(events: &mut (impl futures_util::Stream<Item = mikopbx::Result<WatchEvent>> + Unpin)) -> WatchEvent {
    tokio::time::timeout(Duration::from_secs(20), events.next()).await.expect("an event in time").unwrap().unwrap()
}

fn v3_options(bind: Option<std::net::SocketAddr>) -> SimulatorOptions {
    let mut options = SimulatorOptions { api: sim::ApiGeneration::V3, ..Default::default() };
    if let Some(address) = bind {
        options.bind = address;
    }
    options
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_outages_and_one_session() {
    let pbx = sim_with(v3_options(None)).await;
    let client = client(config_for(&pbx).retries(0).request_timeout(Duration::from_secs(3)));
    let mut events = Box::pin(client.watch(WatchOptions { interval: INTERVAL, ..Default::default() }));

    let first = next(&mut events).await;
    assert_eq!(first.kind, WatchEventKind::Snapshot);
    let snapshot = first.snapshot.unwrap();
    assert!(snapshot.reachable && snapshot.extensions_online == 1, "{snapshot:?}");

    // Peer 240 registers: exactly one change, within two intervals.
    let contact =
        serde_json::from_value(serde_json::json!({"URI": "sip:240@10.0.0.40:5060", "Status": "Reachable"})).unwrap();
    pbx.set_peer(Peer { id: "240".into(), state: "OK".into(), contacts: vec![contact] });
    let change =
        tokio::time::timeout(INTERVAL * 3, events.next()).await.expect("within two intervals").unwrap().unwrap();
    assert_eq!(
        (
            change.kind,
            change.id.as_deref(),
            change.old_state.as_deref(),
            change.new_state.as_deref(),
            change.server_state.as_deref()
        ),
        (WatchEventKind::ExtensionChanged, Some("240"), Some("offline"), Some("online"), Some("Available"))
    );
    assert!(tokio::time::timeout(INTERVAL * 3, events.next()).await.is_err(), "nothing invented");
    assert_eq!(pbx.stats().logins, 1, "one session for the whole run");

    // The PBX goes away and comes back (a new one on the same address, where 240 is offline
    // again): unreachable, then reachable, a gap, the change, a fresh snapshot.
    let address: std::net::SocketAddr = pbx.url().trim_start_matches("http://").parse().unwrap();
    pbx.stop();
    drop(pbx);
    let down = next(&mut events).await;
    assert_eq!(down.kind, WatchEventKind::Unreachable, "{down:?}");
    assert!(down.error.is_some());
    let back = restart(address).await;
    let mut kinds = Vec::new();
    loop {
        let event = next(&mut events).await;
        kinds.push((event.kind.clone(), event.id.clone()));
        if event.kind == WatchEventKind::Snapshot {
            assert!(event.snapshot.unwrap().reachable);
            break;
        }
    }
    assert_eq!(
        kinds,
        [
            (WatchEventKind::Reachable, None),
            (WatchEventKind::Gap, None),
            (WatchEventKind::ExtensionChanged, Some("240".to_owned())),
            (WatchEventKind::Snapshot, None),
        ]
    );
    drop(back);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_start_and_end_by_linkedid_and_bad_options_end_the_stream() {
    let pbx = sim_with(v3_options(None)).await;
    let client = client(config_for(&pbx));
    let mut events = Box::pin(client.watch(WatchOptions { interval: INTERVAL, ..Default::default() }));
    assert_eq!(next(&mut events).await.kind, WatchEventKind::Snapshot);
    let leg = serde_json::json!({"start": "2026-01-15 10:30:45.123", "answer": "", "endtime": "", "src_num": "201",
                                 "dst_num": "202", "linkedid": "1768462245.42"});
    pbx.patch_state(&serde_json::json!({"calls": [leg]})).unwrap();
    let started = next(&mut events).await;
    assert_eq!((started.kind, started.id.as_deref()), (WatchEventKind::CallStarted, Some("1768462245.42")));
    pbx.patch_state(&serde_json::json!({"calls": []})).unwrap();
    let ended = next(&mut events).await;
    assert_eq!((ended.kind, ended.id.as_deref()), (WatchEventKind::CallEnded, Some("1768462245.42")));

    let mut bad = Box::pin(client.watch(WatchOptions { interval: Duration::from_millis(1), ..Default::default() }));
    assert_eq!(bad.next().await.unwrap().unwrap_err().kind(), mikopbx::ErrorKind::InvalidInput);
    assert!(bad.next().await.is_none());
}

/// A simulator on `address` once the old one has let go of it.
async fn restart(address: std::net::SocketAddr) -> Simulator {
    for _ in 0..100 {
        if let Ok(sim) = Simulator::start(v3_options(Some(address))).await {
            return sim;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{address} stays taken");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_first_login_is_no_gap_and_a_watcher_left_unread_is_one() {
    let pbx = sim_with(v3_options(None)).await;
    // The first snapshot's first request takes longer than the gap threshold.
    pbx.add_fault(sim::Fault::new(sim::FaultKind::Delay { delay_ms: 2_000 }));
    let client = client(config_for(&pbx).retries(0).request_timeout(Duration::from_secs(10)));
    let mut events = Box::pin(client.watch(WatchOptions { interval: INTERVAL, ..Default::default() }));
    assert_eq!(next(&mut events).await.kind, WatchEventKind::Snapshot);
    let contact =
        serde_json::from_value(serde_json::json!({"URI": "sip:240@10.0.0.40:5060", "Status": "Reachable"})).unwrap();
    pbx.set_peer(Peer { id: "240".into(), state: "OK".into(), contacts: vec![contact] });
    let change = next(&mut events).await;
    assert_eq!((change.kind, change.id.as_deref()), (WatchEventKind::ExtensionChanged, Some("240")));

    // Not read for longer than three intervals and a second: the watcher could not see.
    tokio::time::sleep(INTERVAL * 3 + Duration::from_millis(1_500)).await;
    pbx.set_peer(Peer { id: "240".into(), state: "UNKNOWN".into(), contacts: Vec::new() });
    let kinds: Vec<WatchEventKind> = [next(&mut events).await, next(&mut events).await, next(&mut events).await]
        .into_iter()
        .map(|event| event.kind)
        .collect();
    assert_eq!(kinds, [WatchEventKind::Gap, WatchEventKind::ExtensionChanged, WatchEventKind::Snapshot]);
}
