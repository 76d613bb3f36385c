//! HTTPS against the simulator's self-signed certificate: pinning, insecure, extra CA and the
//! default verification.

mod common;

use common::{client, config_for, sim_with};
use mikopbx::{ErrorKind, TlsTrust, parse_sha256_pin};
use mikopbx_sim::{Simulator, SimulatorOptions};

async fn https_sim() -> Simulator {
    sim_with(SimulatorOptions { https: true, ..Default::default() }).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_right_pin_is_accepted() {
    let sim = https_sim().await;
    assert!(sim.url().starts_with("https://"));
    let pin = parse_sha256_pin(sim.certificate_sha256().unwrap()).unwrap();
    let client = client(config_for(&sim).tls(TlsTrust::PinSha256(pin)));
    assert_eq!(client.peer_statuses().await.expect("pinned").len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_pin_is_a_tls_error() {
    let sim = https_sim().await;
    let client = client(config_for(&sim).tls(TlsTrust::PinSha256([7; 32])).retries(0));
    let err = client.peer_statuses().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Tls, "{err}");
    assert!(err.to_string().contains("does not match the pinned"), "{err}");
    assert_eq!(sim.stats().login_attempts, 0, "no credentials were sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn insecure_accepts_the_self_signed_certificate() {
    let sim = https_sim().await;
    let client = client(config_for(&sim).tls(TlsTrust::Insecure));
    assert!(client.peer("201").await.expect("insecure").is_registered());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn default_verification_rejects_the_self_signed_certificate() {
    let sim = https_sim().await;
    let client = client(config_for(&sim).retries(0));
    let err = client.peer_statuses().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Tls, "{err}");
    // The error says what to do, with the fingerprint to pin.
    let pin = sim.certificate_sha256().unwrap().replace(':', "").to_ascii_lowercase();
    let text = err.to_string();
    assert!(text.contains(&format!("--pin-sha256 {pin}")) && text.contains("not trusted"), "{text}");
    assert_eq!(sim.stats().login_attempts, 0, "no credentials were sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_certificate_is_shown_for_trust_on_first_use() {
    let sim = https_sim().await;
    let shown = mikopbx::server_certificate(sim.url(), std::time::Duration::from_secs(5)).await.unwrap();
    let pin = sim.certificate_sha256().unwrap().replace(':', "").to_ascii_lowercase();
    assert_eq!(shown.sha256, pin);
    assert_eq!(shown.sha256_colons.replace(':', "").to_ascii_lowercase(), pin);
    assert!(!shown.trusted && shown.untrusted_reason.is_some(), "{shown:?}");
    assert_eq!(sim.stats().api_requests + sim.stats().login_attempts, 0, "a handshake, no request");
    // The fingerprint shown is one the client then accepts.
    let client = client(config_for(&sim).tls(TlsTrust::PinSha256(parse_sha256_pin(&shown.sha256).unwrap())));
    assert_eq!(client.peer_statuses().await.expect("pinned").len(), 3);
    let plain = mikopbx::server_certificate("http://127.0.0.1:1/", std::time::Duration::from_secs(1)).await;
    assert_eq!(plain.unwrap_err().kind(), ErrorKind::InvalidInput);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_certificate_as_extra_ca_is_accepted() {
    let sim = https_sim().await;
    let pem = sim.certificate_pem().unwrap().to_owned();
    let client = client(config_for(&sim).tls(TlsTrust::ExtraCa(pem)));
    assert_eq!(client.provider_registrations().await.expect("extra CA").len(), 2);
}

#[test]
fn invalid_ca_pem_is_invalid_input() {
    let err = mikopbx::Config::builder("https://pbx").tls(TlsTrust::ExtraCa("not a pem".into())).build().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
}
