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

fn answer(status: u16, body: &str) -> FaultKind {
    FaultKind::Answer { status, body: body.to_owned(), content_type: None, headers: Default::default() }
}

async fn v3_sim() -> mikopbx_sim::Simulator {
    common::sim_with(mikopbx_sim::SimulatorOptions { api: mikopbx_sim::ApiGeneration::V3, ..Default::default() }).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endless_and_huge_bodies_are_refused_at_the_cap() {
    let sim = sim().await;
    let client = client(config_for(&sim).max_response_bytes(256 * 1024));
    client.login().await.unwrap();
    for fault in [FaultKind::Endless, FaultKind::Huge { bytes: 4 * 1024 * 1024 }] {
        sim.add_fault(Fault::new(fault).on_path("/pbxcore/api/sip/getPeersStatuses"));
        let err = client.peer_statuses().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
        assert!(err.to_string().contains("larger than 262144 bytes"), "{err}");
    }
    sim.add_fault(Fault::new(FaultKind::Huge { bytes: 200 * 1024 }).on_path("/pbxcore/api/sip/getPeersStatuses"));
    assert!(client.peer_statuses().await.unwrap().len() > 1000, "a big answer under the cap is read");
}

/// Every secret the client knows: the password, the session cookie or tokens.
fn secrets_of(client: &mikopbx::Client, password: &str) -> Vec<String> {
    let saved = serde_json::to_value(client.saved_session().expect("logged in")).unwrap();
    let mut secrets = vec![password.to_owned()];
    for key in ["header_value", "refresh_cookie"] {
        if let Some(value) = saved[key].as_str() {
            let secret = value.split_once('=').map_or(value, |(_, v)| v);
            secrets.push(secret.trim_start_matches("Bearer ").to_owned());
        }
    }
    secrets
}

fn assert_no_secret(error: &mikopbx::Error, secrets: &[String]) {
    let shown = format!("{error} {error:?}");
    for secret in secrets {
        assert!(!shown.contains(secret.as_str()), "{secret:?} leaked into {shown}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn echoed_requests_leak_no_secret_on_either_generation() {
    for sim in [sim().await, v3_sim().await] {
        let password = sim.credentials().password;
        let client = client(config_for(&sim));
        client.login().await.unwrap();
        let secrets = secrets_of(&client, &password);
        assert!(secrets.len() >= 2, "{secrets:?}");
        for status in [200, 404, 500] {
            sim.add_fault(Fault::new(FaultKind::Echo { status }));
            let err = client.peer_statuses().await.unwrap_err();
            assert_no_secret(&err, &secrets);
            assert!(!err.to_string().chars().any(char::is_control), "{err}");
        }
        // Answers that put every secret first: in a message, an HTTP error and an excerpt.
        let all = secrets.join(" | ");
        let message = serde_json::json!({"result": false, "messages": {"error": [format!("echo\r\n{all}")]}});
        for fault in [answer(200, &message.to_string()), answer(500, &all), answer(200, &format!("<p>{all}</p>"))] {
            sim.add_fault(Fault::new(fault).on_path("/pbxcore/api/"));
            let err = client.peer_statuses().await.unwrap_err();
            assert_no_secret(&err, &secrets);
            assert!(format!("{err:?}").contains("<redacted>"), "{err:?}");
            let shown = format!("{err} {}", err.server_messages().join(" "));
            assert!(!shown.chars().any(char::is_control), "{shown}");
        }
        // The login form itself (the password) echoed back.
        let fresh = common::client(config_for(&sim));
        sim.add_fault(Fault::new(FaultKind::Echo { status: 200 }).times(3));
        let err = fresh.login().await.unwrap_err();
        assert_no_secret(&err, std::slice::from_ref(&password));
        sim.clear_faults();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_echoed_api_key_is_redacted() {
    let sim = v3_sim().await;
    let key = sim.state().api_keys[0].clone();
    let client = client(Config::builder(sim.url()).api_key(&key));
    sim.add_fault(Fault::new(FaultKind::Echo { status: 502 }).on_path("/pbxcore/api/v3/sip").forever());
    let err = client.peer_statuses().await.unwrap_err();
    assert_no_secret(&err, &[key]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_truncated_login_answer_shows_no_token() {
    let sim = v3_sim().await;
    let token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiIsImV4cCI6OTk5OTk5OTk5OX0.c2lnbmF0dXJlLXZhbHVl";
    let body = format!(r#"{{"result":true,"data":{{"accessToken":"{token}","tokenType":"Bearer","expiresIn":90"#);
    sim.add_fault(Fault::new(answer(200, &body)).on_path("/pbxcore/api/v3/auth:login"));
    let err = client(config_for(&sim)).login().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    for part in token.split('.') {
        assert!(!format!("{err} {err:?}").contains(part), "{err:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn absurd_token_lifetimes_do_not_panic() {
    let sim = v3_sim().await;
    for expires in ["18446744073709551615", "1e300", "-5", "0", "\"forever\""] {
        let body = format!(
            r#"{{"result":true,"data":{{"accessToken":"abc.def.ghi","tokenType":"Bearer","expiresIn":{expires}}}}}"#
        );
        sim.add_fault(Fault::new(answer(200, &body)).on_path("/pbxcore/api/v3/auth:login"));
        let client = client(config_for(&sim));
        client.login().await.unwrap_or_else(|e| panic!("expiresIn {expires}: {e}"));
        // The forged token is refused; the client logs in for real and carries on.
        let outcome = client.peer_statuses().await;
        assert!(outcome.as_ref().is_ok_and(|peers| peers.len() == 3), "expiresIn {expires}: {outcome:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn odd_data_is_a_decode_error() {
    let sim = sim().await;
    let client = client(config_for(&sim));
    client.login().await.unwrap();
    for body in [r#"{"result":true}"#, r#"{"result":true,"data":null}"#, r#"{"result":true,"data":"OK"}"#] {
        sim.add_fault(Fault::new(answer(200, body)).on_path("/pbxcore/api/sip/getPeersStatuses"));
        assert_eq!(client.peer_statuses().await.unwrap_err().kind(), ErrorKind::Decode, "{body}");
    }
    for body in [r#"{"result":true,"data":"OK"}"#, r#"{"result":true,"data":5}"#, r#"{"result":true,"data":true}"#] {
        sim.add_fault(Fault::new(answer(200, body)).on_path("/pbxcore/api/sip/getSipPeer"));
        assert_eq!(client.peer("201").await.unwrap_err().kind(), ErrorKind::Decode, "{body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_server_messages_makes_a_short_error() {
    let sim = sim().await;
    let client = client(config_for(&sim));
    client.login().await.unwrap();
    let messages: Vec<String> = (0..200_000).map(|i| format!("message {i}")).collect();
    let body = serde_json::json!({"result": false, "data": [], "messages": {"error": messages}}).to_string();
    sim.add_fault(Fault::new(answer(200, &body)).on_path("/pbxcore/api/sip/getPeersStatuses"));
    let err = client.peer_statuses().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Api);
    assert!(err.to_string().len() < 20_000, "{} bytes", err.to_string().len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirects_on_login_and_probe_name_their_target() {
    let sim = sim().await;
    let target = "https://pbx.example.com/admin-cabinet/session/start";
    for path in ["/admin-cabinet/session/start", "/pbxcore/api/v3/system:ping"] {
        sim.add_fault(Fault::new(FaultKind::Redirect { status: 301, location: target.to_owned() }).on_path(path));
        let err = client(config_for(&sim)).login().await.unwrap_err();
        assert_eq!((err.kind(), err.status()), (ErrorKind::Http, Some(301)), "{path}: {err}");
        assert!(err.to_string().contains(&format!("redirected to {target}")), "{err}");
    }
}
