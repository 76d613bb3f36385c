//! Legacy API calls against the simulator: the seed samples, peers, raw requests, error
//! shapes, retries, timeouts, bodies that are not JSON.

mod common;

use std::time::{Duration, Instant};

use common::{client, config_for, fixture, sim};
use mikopbx::{ContactStatus, ErrorKind, PeerState, ProviderState, RequestBody};
use mikopbx_sim::{Fault, FaultKind, Peer};
use serde_json::{Value, json};

/// The parts of an envelope that do not vary per answer (`meta` and `pid` do).
fn stable(mut envelope: Value) -> Value {
    let map = envelope.as_object_mut().expect("an envelope is an object");
    map.remove("meta");
    map.remove("pid");
    envelope
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seed_endpoints_answer_exactly_the_seed_samples() {
    let sim = sim().await;
    let client = client(config_for(&sim));
    for (method, path, body, sample) in [
        ("GET", "/pbxcore/api/sip/getPeersStatuses", None, "seed/getPeersStatuses.json"),
        ("POST", "/pbxcore/api/sip/getSipPeer", Some(json!({"peer": "201"})), "seed/getSipPeer.json"),
        ("GET", "/pbxcore/api/sip/getRegistry", None, "seed/getRegistry.json"),
    ] {
        let answer = client.request(method, path, Vec::new(), body.map(RequestBody::Json)).await.expect(path);
        assert_eq!(stable(answer.clone()), stable(fixture(sample)), "{path}");
        let keys: Vec<&String> = answer.as_object().unwrap().keys().collect();
        assert_eq!(keys.first().map(|k| k.as_str()), Some("jsonapi"), "jsonapi comes first");
        assert_eq!(keys.last().map(|k| k.as_str()), Some("meta"), "meta comes last");
        assert!(answer["pid"].is_u64());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_results_match_the_seed_samples() {
    let sim = sim().await;
    let client = client(config_for(&sim));

    let peers = client.peer_statuses().await.expect("peers");
    let sample = fixture("seed/getPeersStatuses.json");
    let expected: Vec<(&str, &str)> = sample["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p["state"].as_str().unwrap()))
        .collect();
    let got: Vec<(&str, &str)> = peers.iter().map(|p| (p.id.as_str(), p.state.as_str())).collect();
    assert_eq!(got, expected);
    assert_eq!(peers[0].state, PeerState::Ok);
    assert_eq!(peers[0].raw.to_value(), sample["data"][0]);

    let peer = client.peer("201").await.expect("peer 201");
    let contact = peer.contact.as_ref().expect("201 is registered");
    assert_eq!(peer.state, PeerState::Ok);
    assert_eq!(contact.uri, "sip:201@172.16.156.1:60939;ob");
    assert_eq!(contact.status, Some(ContactStatus::Reachable));
    assert_eq!(contact.roundtrip_usec, Some(5871));
    assert_eq!(contact.reg_expire, Some(1_643_110_170));
    assert_eq!(contact.qualify_frequency, Some(60));
    assert_eq!(contact.qualify_timeout, Some(5.0));
    assert_eq!(peer.raw, fixture("seed/getSipPeer.json")["data"]);

    let providers = client.provider_registrations().await.expect("providers");
    assert_eq!(providers.len(), 2);
    assert_eq!((providers[0].id.as_str(), &providers[0].state), ("SIP-1601534775", &ProviderState::Off));
    assert_eq!((providers[1].username.as_str(), providers[1].host.as_str()), ("316", "sip.zadarma.com"));
    assert_eq!(providers[1].state, ProviderState::Ok);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_peer_is_unknown_without_contact() {
    let sim = sim().await;
    let client = client(config_for(&sim));
    let peer = client.peer("999").await.expect("not an error");
    assert_eq!((&peer.state, peer.is_registered()), (&PeerState::Unknown, false));
    assert_eq!(peer.raw, json!({"state": "UNKNOWN"}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registered_but_unreachable_differs_from_unregistered() {
    let sim = sim().await;
    let mut contact = serde_json::Map::new();
    for (k, v) in [("URI", "sip:241@10.0.0.7:5060"), ("Status", "Unreachable"), ("RoundtripUsec", "0")] {
        contact.insert(k.into(), json!(v));
    }
    sim.set_peer(Peer { id: "241".into(), state: "UNKNOWN".into(), contacts: vec![contact] });
    let client = client(config_for(&sim));
    let unreachable = client.peer("241").await.unwrap();
    assert_eq!((unreachable.state.clone(), unreachable.is_registered()), (PeerState::Ok, true));
    assert!(!unreachable.contact.as_ref().unwrap().is_reachable());
    let unregistered = client.peer("240").await.unwrap();
    assert_eq!((&unregistered.state, unregistered.is_registered()), (&PeerState::Unknown, false));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_sip_peer_needs_a_raw_json_body() {
    let sim = sim().await;
    let client = client(config_for(&sim));
    // What a form-encoding client sends: the server reads no peer at all.
    let form = RequestBody::Form(vec![("peer".into(), "201".into())]);
    let err = client.request("POST", "sip/getSipPeer", Vec::new(), Some(form)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Api);
    assert_eq!(err.server_messages(), ["Empty peer value in POST/GET data"]);
    // GET with ?peer= works too.
    let answer =
        client.request("GET", "sip/getSipPeer", vec![("peer".into(), "201".into())], None).await.expect("GET form");
    assert_eq!(answer["data"]["state"], "OK");
    // The typed call sends what the server needs.
    assert!(client.peer("201").await.unwrap().is_registered());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn legacy_error_shapes_map_to_error_kinds() {
    let sim = sim().await;
    let client = client(config_for(&sim));
    let err = client.request("GET", "/pbxcore/api/nosuch/thing", Vec::new(), None).await.unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::Http, Some(404)));
    assert!(err.to_string().contains("404 (Not Found)"), "{err}");
    let err = client.request("GET", "sip/noSuchAction", Vec::new(), None).await.unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::Api, Some(200)));
    assert!(err.server_messages()[0].starts_with("Unknown action - noSuchAction"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raw_request_returns_plain_text_as_a_json_string() {
    let sim = sim().await;
    let client = client(config_for(&sim));
    let pong = client.request("GET", "/pbxcore/api/system/ping", Vec::new(), None).await.unwrap();
    assert_eq!(pong, json!("PONG"));
    assert!(client.ping().await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_unavailable_with_retry_after_is_retried() {
    let sim = sim().await;
    let client = client(config_for(&sim));
    client.login().await.unwrap();
    sim.add_fault(
        Fault::new(FaultKind::Status { status: 503, retry_after: Some(1) }).on_path("/pbxcore/api/sip/getRegistry"),
    );
    let started = Instant::now();
    let providers = client.provider_registrations().await.expect("second attempt succeeds");
    assert_eq!(providers.len(), 2);
    assert!(started.elapsed() >= Duration::from_millis(900), "Retry-After was honoured");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_are_bounded() {
    let sim = sim().await;
    let client = client(config_for(&sim).retries(1));
    client.login().await.unwrap();
    sim.add_fault(
        Fault::new(FaultKind::Status { status: 502, retry_after: None }).on_path("/pbxcore/api/sip/").forever(),
    );
    let before = sim.stats().api_requests;
    let err = client.peer_statuses().await.unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::Http, Some(502)));
    assert_eq!(sim.stats().api_requests - before, 0, "faults answer before the API handler");
    sim.clear_faults();
    // Non-idempotent raw requests are never retried.
    sim.add_fault(Fault::new(FaultKind::Status { status: 503, retry_after: Some(0) }).on_path("/pbxcore/api/system/"));
    let err = client.request("POST", "system/getDate", Vec::new(), None).await.unwrap_err();
    assert_eq!(err.status(), Some(503));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_server_times_out_within_the_configured_bound() {
    let sim = sim().await;
    let client = client(config_for(&sim).request_timeout(Duration::from_millis(300)));
    client.login().await.unwrap();
    sim.add_fault(Fault::new(FaultKind::Delay { delay_ms: 5000 }).on_path("/pbxcore/api/sip/"));
    let started = Instant::now();
    let err = client.peer_statuses().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(started.elapsed() < Duration::from_secs(2), "gave up after {:?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn html_and_truncated_bodies_are_decode_errors_with_an_excerpt() {
    let sim = sim().await;
    let client = client(config_for(&sim));
    client.login().await.unwrap();
    sim.add_fault(Fault::new(FaultKind::Html).on_path("/pbxcore/api/sip/getPeersStatuses"));
    let err = client.peer_statuses().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.to_string().contains("<!DOCTYPE html>"), "{err}");

    sim.add_fault(Fault::new(FaultKind::Truncated).on_path("/pbxcore/api/sip/getRegistry"));
    let err = client.provider_registrations().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.to_string().contains("{\"jsonapi\""), "{err}");
    assert!(err.to_string().len() < 500, "the excerpt is short");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_connection_is_a_transport_error_and_reads_are_retried() {
    let sim = sim().await;
    let client = client(config_for(&sim).retries(0));
    client.login().await.unwrap();
    sim.add_fault(Fault::new(FaultKind::Drop).on_path("/pbxcore/api/sip/getPeersStatuses"));
    assert_eq!(client.peer_statuses().await.unwrap_err().kind(), ErrorKind::Transport);

    let retrying = common::client(config_for(&sim).retries(2));
    retrying.login().await.unwrap();
    sim.add_fault(Fault::new(FaultKind::Drop).on_path("/pbxcore/api/sip/getPeersStatuses"));
    assert_eq!(retrying.peer_statuses().await.expect("retried").len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closed_port_is_a_transport_error_naming_the_url() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = common::client(mikopbx::Config::builder(&url).retries(0).login("a", "b"));
    let err = client.peer_statuses().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert!(err.to_string().contains(&url), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_key_on_a_legacy_server_is_unsupported() {
    let sim = sim().await;
    let client = common::client(mikopbx::Config::builder(sim.url()).api_key("0123456789abcdef"));
    let err = client.peer_statuses().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported);
    assert!(!err.to_string().contains("0123456789abcdef"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generation_is_detected_and_cached() {
    let sim = sim().await;
    let client = client(config_for(&sim));
    assert_eq!(client.api_generation().await.unwrap(), mikopbx::ApiGeneration::Legacy);
    client.peer_statuses().await.unwrap();
    client.provider_registrations().await.unwrap();
    let stats = sim.stats();
    // probe + verify + peers + the SIP and IAX registries: the probe ran once and was no
    // failed login.
    assert_eq!((stats.api_requests, stats.unauthorized), (5, 0), "{stats:?}");
}
