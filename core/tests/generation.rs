//! Generation detection decides on positive evidence only: transient answers of a 2026.1
//! server (rate limiter, firewall, worker queue) are reported and asked again, never cached
//! as "legacy" (docs/server-notes.md, "Generation detection").

mod common;

use common::{client, config_for, sim_with};
use mikopbx::{ApiGeneration, ErrorKind};
use mikopbx_sim::{self as sim, Fault, FaultKind, SimulatorOptions};

const PROBE: &str = "/pbxcore/api/v3/system:ping";

fn status(status: u16) -> Fault {
    Fault::new(FaultKind::Status { status, retry_after: None }).on_path(PROBE)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transient_probe_answers_are_reported_and_not_cached() {
    let modern = sim_with(SimulatorOptions { api: sim::ApiGeneration::V3, ..Default::default() }).await;
    for code in [429, 403, 400, 503] {
        modern.add_fault(status(code));
    }
    let client = client(config_for(&modern).retries(0));
    for code in [429, 403, 400, 503] {
        let err = client.api_generation().await.unwrap_err();
        assert_eq!((err.kind(), err.status()), (ErrorKind::Http, Some(code)), "{err}");
        assert!(err.to_string().contains("cannot tell the MikoPBX API generation yet"), "{err}");
    }
    assert_eq!(client.api_generation().await.unwrap(), ApiGeneration::V3);
    assert_eq!(client.peer_statuses().await.unwrap().len(), 3);
    assert_eq!(modern.stats().login_attempts, 1, "no legacy login page was tried");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retried_transient_answers_end_in_detection() {
    let modern = sim_with(SimulatorOptions { api: sim::ApiGeneration::V3, ..Default::default() }).await;
    modern.add_fault(status(429));
    modern.add_fault(status(503));
    let client = client(config_for(&modern));
    assert_eq!(client.api_generation().await.unwrap(), ApiGeneration::V3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_down_pbx_reports_its_real_status() {
    let legacy = common::sim().await;
    legacy.add_fault(Fault::new(FaultKind::Status { status: 502, retry_after: None }).forever());
    let client = client(config_for(&legacy).retries(1));
    let err = client.peer_statuses().await.unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::Http, Some(502)), "{err}");
    assert!(!err.to_string().contains("api_version to"), "no advice to force a generation for a down PBX: {err}");
    legacy.clear_faults();
    assert_eq!(client.api_generation().await.unwrap(), ApiGeneration::Legacy);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_in_front_of_the_api_is_no_evidence() {
    let legacy = common::sim().await;
    legacy.add_fault(status(401));
    let client = client(config_for(&legacy));
    assert_eq!(client.api_generation().await.unwrap_err().status(), Some(401));
    assert_eq!(client.api_generation().await.unwrap(), ApiGeneration::Legacy, "the legacy 404 JSON is evidence");
    assert_eq!(client.peer_statuses().await.unwrap().len(), 3);
}
