//! The v3 API (MikoPBX 2025.1+) against the simulator in v3 mode: detection, JWT login,
//! refresh, API keys, and the same models as on the legacy API.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{client, config_for, sim_with};
use mikopbx::{ApiGeneration, ApiVersion, Config, ContactStatus, ErrorKind, PeerState, ProviderState};
use mikopbx_sim::{self as sim, Simulator, SimulatorOptions};
use serde_json::{Map, json};

fn v3() -> SimulatorOptions {
    SimulatorOptions { api: sim::ApiGeneration::V3, ..Default::default() }
}

async fn v3_sim() -> Simulator {
    sim_with(v3()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_detection_finds_each_generation() {
    let modern = v3_sim().await;
    let legacy = common::sim().await;
    for (server, expected) in [(&modern, ApiGeneration::V3), (&legacy, ApiGeneration::Legacy)] {
        let client = client(config_for(server));
        assert_eq!(client.api_generation().await.unwrap(), expected);
        let stats = server.stats();
        assert_eq!((stats.login_attempts, stats.unauthorized), (0, 0), "the probe is no login");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_calls_give_the_same_models_as_legacy() {
    // WebRTC on: each extension also has its `-WS` endpoint; trunks are listed too.
    let state = mikopbx_sim::PbxState { webrtc: true, ..Default::default() };
    let modern = sim_with(SimulatorOptions { state, ..v3() }).await;
    let legacy = common::sim().await;
    let (v3_client, legacy_client) = (client(config_for(&modern)), client(config_for(&legacy)));

    let ids = |peers: Vec<mikopbx::PeerStatus>| peers.into_iter().map(|p| (p.id, p.state)).collect::<Vec<_>>();
    let v3_peers = v3_client.peer_statuses().await.unwrap();
    assert!(v3_peers[0].raw.to_value().is_array(), "the WebRTC twin's entry is kept in raw");
    assert_eq!(ids(v3_peers), ids(legacy_client.peer_statuses().await.unwrap()), "-WS twins are folded");

    let peer = v3_client.peer("201").await.unwrap();
    assert_eq!(peer.state, PeerState::Ok, "available with a device reads as legacy OK");
    let contact = peer.contact.as_ref().unwrap();
    assert_eq!(
        (contact.via_address.as_str(), contact.user_agent.as_str()),
        ("172.16.156.1:60939", "Telephone-PT1C 1.1")
    );
    assert_eq!((contact.roundtrip_usec, contact.status.clone()), (Some(5870), Some(ContactStatus::Reachable)));

    for id in ["999", "240"] {
        let unknown = v3_client.peer(id).await.expect("unknown is a result, not an error");
        assert_eq!((&unknown.state, unknown.is_registered()), (&PeerState::Unknown, false), "{id}");
    }

    let providers = |list: Vec<mikopbx::ProviderRegistration>| {
        list.into_iter().map(|p| (p.id, p.state, p.username, p.host)).collect::<Vec<_>>()
    };
    assert_eq!(
        providers(v3_client.provider_registrations().await.unwrap()),
        providers(legacy_client.provider_registrations().await.unwrap())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outbound_registration_ids_lose_the_stray_reg_suffix() {
    let modern = v3_sim().await;
    let mut fields = Map::new();
    fields.insert("state".into(), json!("REGISTERED"));
    modern.set_provider("SIP-TRUNK-960E68DA", fields);
    let client = client(config_for(&modern));
    let raw = client.request("GET", "/pbxcore/api/v3/sip:getRegistry", Vec::new(), None).await.unwrap();
    assert_eq!(raw["data"][2]["id"], "SIP-TRUNK-960E68DA-REG", "the server's quirk");
    let providers = client.provider_registrations().await.unwrap();
    assert_eq!((providers[2].id.as_str(), &providers[2].state), ("SIP-TRUNK-960E68DA", &ProviderState::Registered));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_expiry_with_concurrent_callers_refreshes_once() {
    let modern = v3_sim().await;
    let client = client(config_for(&modern));
    client.login().await.unwrap();
    modern.expire_sessions();
    let barrier = Arc::new(tokio::sync::Barrier::new(8));
    let calls = (0..8).map(|_| {
        let (client, barrier) = (client.clone(), Arc::clone(&barrier));
        tokio::spawn(async move {
            barrier.wait().await;
            client.peer_statuses().await
        })
    });
    for call in futures_util::future::join_all(calls).await {
        call.unwrap().expect("no call fails");
    }
    let stats = modern.stats();
    assert_eq!((stats.logins, stats.refreshes), (1, 1), "{stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_refresh_cookie_falls_back_to_a_fresh_login() {
    let modern = v3_sim().await;
    let client = client(config_for(&modern));
    client.login().await.unwrap();
    modern.expire_sessions();
    modern.expire_refresh_tokens();
    assert_eq!(client.peer_statuses().await.unwrap().len(), 3);
    let stats = modern.stats();
    assert_eq!((stats.logins, stats.refreshes), (2, 0), "{stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_are_refreshed_before_they_expire() {
    let modern = sim_with(SimulatorOptions { access_token_ttl: Duration::from_secs(2), ..v3() }).await;
    let client = client(config_for(&modern));
    client.login().await.unwrap();
    tokio::time::sleep(Duration::from_millis(1700)).await;
    client.peer_statuses().await.unwrap();
    let stats = modern.stats();
    assert_eq!((stats.refreshes, stats.unauthorized), (1, 0), "refreshed proactively: {stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_keys_need_no_login_and_a_wrong_one_fails_once() {
    let modern = v3_sim().await;
    let key = modern.state().api_keys[0].clone();
    let good = common::client(Config::builder(modern.url()).api_key(&key));
    assert_eq!(good.peer("201").await.unwrap().state, PeerState::Ok);
    assert_eq!(modern.stats().login_attempts, 0);

    let bad = common::client(Config::builder(modern.url()).api_key("0000wrong-key"));
    let err = bad.peer_statuses().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert!(!err.to_string().contains("0000wrong-key"));
    assert_eq!(modern.stats().unauthorized, 1, "no retry loop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_password_and_throttle_are_authentication_errors() {
    let modern = sim_with(SimulatorOptions { login_limit: 2, ..v3() }).await;
    let client = client(config_for(&modern).login("admin", "wrong"));
    let err = client.peer_statuses().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert_eq!(err.server_messages(), ["Authorization error, you have 1 attempts left"]);
    client.login().await.unwrap_err();
    let err = client.login().await.unwrap_err();
    assert!(err.server_messages()[0].starts_with("Too many authorization attempts"), "{err:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loopback_trust_and_logout() {
    let trusting = sim_with(SimulatorOptions { trust_loopback: true, ..v3() }).await;
    let anonymous = common::client(Config::builder(trusting.url()));
    assert_eq!(anonymous.provider_registrations().await.unwrap().len(), 2);

    let modern = v3_sim().await;
    let err = common::client(Config::builder(modern.url())).peer_statuses().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert_eq!(err.server_messages(), ["The user isn't authenticated."]);

    let client = client(config_for(&modern));
    client.login().await.unwrap();
    client.logout().await.unwrap();
    client.peer_statuses().await.unwrap();
    assert_eq!(modern.stats().logins, 2, "after logout the next call logs in again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v3_error_statuses_map_to_kinds() {
    let modern = v3_sim().await;
    let client = client(config_for(&modern));
    let err = client.request("POST", "/pbxcore/api/v3/sip:getPeersStatuses", Vec::new(), None).await.unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::Api, Some(405)));
    let err = client.request("GET", "/pbxcore/api/v3/nosuch:thing", Vec::new(), None).await.unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::Http, Some(404)));
    assert!(err.to_string().contains("Endpoint not found"), "{err}");
    let err = client.request("GET", "/pbxcore/api/sip/getPeersStatuses", Vec::new(), None).await.unwrap_err();
    assert_eq!(err.status(), Some(404), "legacy paths are gone on v3 servers");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forced_generation_that_does_not_match_fails_clearly() {
    let modern = v3_sim().await;
    let client = client(config_for(&modern).api_version(ApiVersion::Legacy));
    let err = client.peer_statuses().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    assert!(err.to_string().contains("admin-cabinet/session/start"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ipv6_loopback_is_trusted_on_v3_only() {
    let bind: std::net::SocketAddr = "[::1]:0".parse().unwrap();
    let modern = sim_with(SimulatorOptions { trust_loopback: true, bind, ..v3() }).await;
    assert!(modern.url().starts_with("http://[::1]:"), "{}", modern.url());
    let anonymous = common::client(Config::builder(modern.url()));
    assert_eq!(anonymous.peer_statuses().await.unwrap().len(), 3);

    // The legacy server trusts exactly 127.0.0.1, not ::1.
    let legacy = sim_with(SimulatorOptions { trust_loopback: true, bind, ..Default::default() }).await;
    let err = common::client(Config::builder(legacy.url())).peer_statuses().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_tokens_are_accepted_for_the_leeway_after_expiry() {
    for (leeway, alive) in [(Duration::ZERO, 0), (Duration::from_secs(60), 1)] {
        let options = SimulatorOptions { access_token_ttl: Duration::from_secs(1), token_leeway: leeway, ..v3() };
        let modern = sim_with(options).await;
        client(config_for(&modern)).login().await.unwrap();
        tokio::time::sleep(Duration::from_millis(1200)).await;
        assert_eq!(modern.stats().active_sessions, alive, "leeway {leeway:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout_with_an_expired_access_token_refreshes_and_revokes() {
    let options = SimulatorOptions { access_token_ttl: Duration::from_secs(1), token_leeway: Duration::ZERO, ..v3() };
    let modern = sim_with(options).await;
    let client = client(config_for(&modern));
    client.login().await.unwrap();
    let saved = serde_json::to_value(client.saved_session().unwrap()).unwrap();
    let cookie = saved["refresh_cookie"].as_str().unwrap().to_owned();
    assert!(refresh_with(&modern, &cookie).await.is_ok(), "the refresh token works before logout");
    tokio::time::sleep(Duration::from_millis(1200)).await;
    client.logout().await.expect("refreshed, then logged out");
    assert_eq!(modern.stats().refreshes, 2, "ours and the client's");
    let refused = refresh_with(&modern, &cookie).await.unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::Authentication, "the refresh token is revoked: {refused}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout_says_when_the_server_session_may_remain() {
    let options = SimulatorOptions { access_token_ttl: Duration::from_secs(1), token_leeway: Duration::ZERO, ..v3() };
    let modern = sim_with(options).await;
    let client = client(config_for(&modern));
    client.login().await.unwrap();
    tokio::time::sleep(Duration::from_millis(1200)).await;
    modern.expire_refresh_tokens();
    let err = client.logout().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert!(err.to_string().contains("may remain"), "{err}");
}

/// `auth:refresh` with the token of this `refreshToken=…` cookie, sent as a parameter.
async fn refresh_with(modern: &Simulator, cookie: &str) -> mikopbx::Result<serde_json::Value> {
    let client = common::client(Config::builder(modern.url()).api_version(ApiVersion::V3));
    let token = cookie.split_once('=').map_or(cookie, |(_, token)| token).to_owned();
    client.request("POST", "/pbxcore/api/v3/auth:refresh", vec![("refreshToken".to_owned(), token)], None).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_throttled_refresh_falls_back_to_a_login() {
    let modern = v3_sim().await;
    let client = client(config_for(&modern));
    client.login().await.unwrap();
    modern.expire_sessions();
    let throttled = r#"{"result":false,"data":[],"messages":{"error":["Too many authorization attempts. Your IP address is blocked for 300 seconds."]},"httpCode":429}"#;
    modern.add_fault(
        sim::Fault::new(sim::FaultKind::Answer {
            status: 429,
            body: throttled.to_owned(),
            content_type: None,
            headers: Default::default(),
        })
        .on_path("/pbxcore/api/v3/auth:refresh"),
    );
    assert_eq!(client.peer_statuses().await.unwrap().len(), 3);
    assert_eq!(modern.stats().logins, 2, "a fresh login instead of an authentication error");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ids_outside_the_servers_pattern_are_invalid_input() {
    let modern = v3_sim().await;
    let client = client(config_for(&modern));
    for id in ["201.5", "20 1", "201/x", "2%01"] {
        assert_eq!(client.peer(id).await.unwrap_err().kind(), ErrorKind::InvalidInput, "{id}");
    }
    assert_eq!(modern.stats().api_requests, 1, "nothing was sent but the probe");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_short_request_form_works_on_both_generations() {
    let modern = v3_sim().await;
    let legacy = common::sim().await;
    for server in [&modern, &legacy] {
        let client = client(config_for(server));
        let date = client.request("GET", "system/getDate", Vec::new(), None).await.unwrap();
        assert!(date["data"]["timestamp"].is_u64(), "{date}");
        let registry = client.request("GET", "sip/getRegistry", Vec::new(), None).await.unwrap();
        assert_eq!(registry["data"].as_array().map(Vec::len), Some(2), "{registry}");
    }
}
