//! Legacy authentication against the simulator: login, wrong password, the throttle quirk,
//! session expiry with concurrent callers, persistent 401.

mod common;

use std::sync::Arc;

use common::{client, config_for, sim, sim_with};
use mikopbx::{Config, ErrorKind};
use mikopbx_sim::{Fault, FaultKind, SimulatorOptions};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn explicit_login_creates_one_session() {
    let sim = sim().await;
    let client = client(config_for(&sim));
    client.login().await.expect("login");
    let stats = sim.stats();
    assert_eq!((stats.logins, stats.active_sessions), (1, 1));
    client.peer_statuses().await.expect("authenticated call");
    assert_eq!(sim.stats().logins, 1, "the session is reused");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lazy_login_sends_no_unauthenticated_call() {
    let sim = sim().await;
    let client = client(config_for(&sim));
    let peers = client.peer_statuses().await.expect("peers");
    assert_eq!(peers.len(), 3);
    let stats = sim.stats();
    assert_eq!(stats.logins, 1);
    assert_eq!(stats.unauthorized, 0, "nothing was sent without a session");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_password_is_an_authentication_error_with_the_server_message() {
    let sim = sim().await;
    let client = client(config_for(&sim).login("admin", "not-the-password"));
    let err = client.peer_statuses().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert_eq!(err.server_messages(), ["Authorization failed, you have 9 attempts left"]);
    assert!(err.to_string().contains(sim.url()), "the message names the server: {err}");
    assert!(!err.to_string().contains("not-the-password"));
    assert_eq!(sim.stats().unauthorized, 0, "no API call was made without a session");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttled_login_answering_success_true_is_not_trusted() {
    // 2024.1 refuses the `login_limit`-th attempt in its window (successes count too).
    let sim = sim_with(SimulatorOptions { login_limit: 2, ..Default::default() }).await;
    let first = client(config_for(&sim).login("admin", "wrong"));
    assert_eq!(first.login().await.unwrap_err().kind(), ErrorKind::Authentication);
    // The window is used up: the server now answers success:true without a session.
    let client = client(config_for(&sim));
    let err = client.peer_statuses().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert!(err.server_messages()[0].starts_with("Too many login attempts"), "{err:?}");
    assert_eq!(sim.stats().logins, 0);
    // The client now holds off instead of feeding the throttle.
    let attempts = sim.stats().login_attempts;
    assert_eq!(client.peer_statuses().await.unwrap_err().kind(), ErrorKind::Authentication);
    assert_eq!(sim.stats().login_attempts, attempts, "no login was sent while throttled");
    sim.reset_login_throttle();
    client.login().await.expect("an explicit login tries again");
    client.peer_statuses().await.expect("works once the throttle is lifted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_expiry_with_eight_concurrent_callers_relogs_in_exactly_once() {
    let sim = sim().await;
    let client = client(config_for(&sim));
    client.login().await.expect("login");
    sim.expire_sessions();
    let barrier = Arc::new(tokio::sync::Barrier::new(8));
    let calls = (0..8).map(|i| {
        let client = client.clone();
        let barrier = Arc::clone(&barrier);
        tokio::spawn(async move {
            barrier.wait().await;
            if i % 2 == 0 { client.peer_statuses().await.map(|_| ()) } else { client.peer("201").await.map(|_| ()) }
        })
    });
    for call in futures_util::future::join_all(calls).await {
        call.expect("task").expect("no call fails");
    }
    let stats = sim.stats();
    assert_eq!(stats.logins, 2, "one login plus exactly one re-login");
    assert!(stats.unauthorized <= 8, "each caller saw at most one 401: {stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn persistent_401_is_an_authentication_error_without_a_loop() {
    let sim = sim().await;
    let client = client(config_for(&sim));
    client.login().await.expect("login");
    sim.add_fault(Fault::new(FaultKind::Status { status: 401, retry_after: None }).on_path("/pbxcore/api/").forever());
    let err = client.peer_statuses().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    let stats = sim.stats();
    assert_eq!(stats.login_attempts, 2, "one login, one re-login, then it gave up: {stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_credentials_against_a_server_that_wants_them() {
    let sim = sim().await;
    let client = common::client(Config::builder(sim.url()));
    let err = client.peer_statuses().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert_eq!(err.server_messages(), ["The user isn't authenticated."]);
    assert_eq!(sim.stats().unauthorized, 1, "exactly one call, no retry");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trusted_loopback_needs_no_credentials() {
    let sim = sim_with(SimulatorOptions { trust_loopback: true, ..Default::default() }).await;
    let client = common::client(Config::builder(sim.url()));
    assert_eq!(client.peer_statuses().await.expect("peers").len(), 3);
    assert_eq!(sim.stats().login_attempts, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout_ends_the_session_and_the_next_call_logs_in_again() {
    let sim = sim().await;
    let client = client(config_for(&sim));
    client.login().await.expect("login");
    client.logout().await.expect("logout");
    assert_eq!(sim.stats().active_sessions, 0);
    client.peer_statuses().await.expect("lazy login again");
    assert_eq!(sim.stats().logins, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_never_appear_in_debug_or_errors() {
    let sim = sim().await;
    let secret = "S3cr3t-P4ss";
    let client = client(config_for(&sim).login("admin", secret));
    assert!(!format!("{client:?}").contains(secret));
    assert!(!format!("{:?}", client.config()).contains(secret));
    sim.add_fault(Fault::new(FaultKind::Html).on_path("/admin-cabinet/"));
    let errors = [
        client.peer_statuses().await.unwrap_err(),
        client.peer("201").await.unwrap_err(),
        common::client(config_for(&sim).login("admin", secret).request_timeout(std::time::Duration::from_millis(1)))
            .peer_statuses()
            .await
            .unwrap_err(),
    ];
    for err in errors {
        assert!(!err.to_string().contains(secret) && !format!("{err:?}").contains(secret), "{err:?}");
        assert!(!err.to_string().contains("PHPSESSID="), "{err}");
    }
}
