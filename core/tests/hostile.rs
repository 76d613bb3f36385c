//! Hostile servers and careless callers: every outcome is bounded in time and memory, typed,
//! and free of secrets.

mod common;

use std::time::{Duration, Instant};

use common::{client, config_for, sim};
use mikopbx::{Config, ErrorKind, TlsTrust};
use mikopbx_sim::{Fault, FaultKind};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_deadline_covers_retries_and_retry_after() {
    let sim = sim().await;
    sim.add_fault(Fault::new(FaultKind::Status { status: 503, retry_after: Some(1) }).forever());
    let timeout = Duration::from_millis(1500);
    let client = client(config_for(&sim).retries(10).request_timeout(timeout));
    let started = Instant::now();
    let err = client.peer_statuses().await.unwrap_err();
    let elapsed = started.elapsed();
    assert!(elapsed < timeout + Duration::from_millis(300), "took {elapsed:?}");
    assert_eq!(err.status(), Some(503), "a pause past the deadline is not taken; the answer is the error: {err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_deadline_covers_probe_login_and_call() {
    let sim = sim().await;
    sim.add_fault(Fault::new(FaultKind::Delay { delay_ms: 400 }).forever());
    let timeout = Duration::from_secs(1);
    let client = client(config_for(&sim).request_timeout(timeout));
    let started = Instant::now();
    let err = client.peer_statuses().await.unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(elapsed >= timeout && elapsed < timeout + Duration::from_millis(300), "took {elapsed:?}");
}

#[test]
fn retries_and_timeouts_are_bounded() {
    let builder = || Config::builder("http://127.0.0.1:1");
    assert_eq!(builder().retries(mikopbx::MAX_RETRIES + 1).build().unwrap_err().kind(), ErrorKind::InvalidInput);
    assert_eq!(
        builder().request_timeout(Duration::from_secs(u64::MAX)).build().unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    assert_eq!(builder().max_response_bytes(10).build().unwrap_err().kind(), ErrorKind::InvalidInput);
    for bad in [1e20, f64::NAN, f64::INFINITY, -1.0, 0.0] {
        assert_eq!(mikopbx::seconds("timeout", bad).unwrap_err().kind(), ErrorKind::InvalidInput, "{bad}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_is_sent_once_for_200_concurrent_callers() {
    let sim = sim().await;
    let client = client(config_for(&sim).login("admin", "wrong-password"));
    let calls = (0..200).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.peer_statuses().await })
    });
    for call in futures_util::future::join_all(calls).await {
        assert_eq!(call.unwrap().unwrap_err().kind(), ErrorKind::Authentication);
    }
    assert_eq!(sim.stats().login_attempts, 1, "one login for all 200 callers");
    for _ in 0..5 {
        assert_eq!(client.provider_registrations().await.unwrap_err().kind(), ErrorKind::Authentication);
    }
    assert_eq!(sim.stats().login_attempts, 1, "refused credentials are not sent again");
    assert_eq!(client.login().await.unwrap_err().kind(), ErrorKind::Authentication);
    assert_eq!(sim.stats().login_attempts, 2, "an explicit login tries once more");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_paths_cannot_leave_the_base_path() {
    let sim = sim().await;
    let client = client(config_for(&sim).api_version(mikopbx::ApiVersion::Legacy));
    let base = format!("{}/pbx1/", sim.url());
    let behind_prefix =
        common::client(Config::builder(&base).api_version(mikopbx::ApiVersion::Legacy).login("admin", "x"));
    for path in ["../pbx2/pbxcore/api/system/getDate", "pbxcore/%2e%2e/%2E%2E/x", "sip/..%2f..%2fx", "pbxcore/./api"] {
        for client in [&client, &behind_prefix] {
            let err = client.request("GET", path, Vec::new(), None).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidInput, "{path}: {err}");
        }
    }
    assert_eq!(sim.stats().api_requests, 0, "nothing was sent");
}

#[test]
fn endless_ca_files_are_refused() {
    let started = Instant::now();
    let err = TlsTrust::read_pem_file(std::path::Path::new("/dev/zero")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.to_string().contains("larger than"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

/// A server that speaks only TLS 1.0 either refuses a modern hello with a `protocol_version`
/// alert or answers with a TLS 1.0 ServerHello; both are TLS errors.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_old_tls_server_is_a_tls_error() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    // Alert record, TLS 1.0, fatal (2), protocol_version (70).
    let alert = vec![0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46];
    // Handshake record, TLS 1.0: ServerHello with version 3.1, a random, no session id,
    // TLS_RSA_WITH_AES_128_CBC_SHA, no compression.
    let mut hello = vec![0x02, 0x00, 0x00, 0x26, 0x03, 0x01];
    hello.extend([0x11; 32]);
    hello.extend([0x00, 0x00, 0x2f, 0x00]);
    let mut server_hello = vec![0x16, 0x03, 0x01, 0x00, u8::try_from(hello.len()).unwrap()];
    server_hello.extend(hello);
    for answer in [alert, server_hello] {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("https://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let mut client_hello = [0u8; 2048];
                let _ = stream.read(&mut client_hello).await;
                let _ = stream.write_all(&answer).await;
            }
        });
        let client = client(Config::builder(&url).retries(0));
        let err = client.ping().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Tls, "{err}");
    }
}
