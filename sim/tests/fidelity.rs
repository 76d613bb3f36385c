//! Simulator fidelity to the reference checklist (§10), seen through plain HTTP.

use std::time::Duration;

use mikopbx_sim::{PbxState, Simulator, SimulatorOptions};
use serde_json::{Value, json};

async fn http(
    sim: &Simulator,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    ajax: bool,
    body: Option<(&str, String)>,
) -> (u16, reqwest_like::Headers, String) {
    reqwest_like::send(sim.url(), method, path, cookie, ajax, body).await
}

/// A tiny HTTP/1.1 client over a raw TCP stream, so the simulator is seen exactly as sent.
mod reqwest_like {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    pub type Headers = Vec<(String, String)>;

    pub async fn send(
        url: &str,
        method: &str,
        path: &str,
        cookie: Option<&str>,
        ajax: bool,
        body: Option<(&str, String)>,
    ) -> (u16, Headers, String) {
        let host = url.trim_start_matches("http://");
        let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
        let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
        if let Some(cookie) = cookie {
            request.push_str(&format!("Cookie: {cookie}\r\n"));
        }
        if ajax {
            request.push_str("X-Requested-With: XMLHttpRequest\r\n");
        }
        let body = body.map(|(content_type, text)| {
            request.push_str(&format!("Content-Type: {content_type}\r\nContent-Length: {}\r\n", text.len()));
            text
        });
        request.push_str("\r\n");
        request.push_str(&body.unwrap_or_default());
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut raw = String::new();
        stream.read_to_string(&mut raw).await.unwrap();
        let (head, body) = raw.split_once("\r\n\r\n").unwrap();
        let mut lines = head.lines();
        let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
        let headers =
            lines.filter_map(|l| l.split_once(": ")).map(|(k, v)| (k.to_ascii_lowercase(), v.to_owned())).collect();
        (status, headers, body.to_owned())
    }
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

async fn login(sim: &Simulator) -> String {
    let (status, headers, body) = http(
        sim,
        "POST",
        "/admin-cabinet/session/start",
        None,
        true,
        Some(("application/x-www-form-urlencoded; charset=UTF-8", "login=admin&password=adminpassword".into())),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap(),
        json!({"success": true, "reload": "index/index", "message": []})
    );
    let cookie = header(&headers, "set-cookie").unwrap();
    assert!(cookie.ends_with("; path=/"));
    let pair = cookie.split(';').next().unwrap().to_owned();
    assert_eq!(pair.len(), "PHPSESSID=".len() + 32);
    pair
}

#[tokio::test]
async fn login_page_and_envelope_quirks() {
    let sim = Simulator::start(SimulatorOptions::default()).await.unwrap();
    let cookie = login(&sim).await;
    let (status, headers, body) =
        http(&sim, "GET", "/pbxcore/api/sip/getPeersStatuses", Some(&cookie), false, None).await;
    assert_eq!(status, 200);
    assert!(header(&headers, "e-tag").is_some_and(|t| t.len() == 40));
    assert!(body.starts_with("{\"jsonapi\":{\"version\":\"1.0\"},\"result\":true,"));
    assert!(body.contains("\"processor\":\"MikoPBX\\\\PBXCoreREST\\\\Lib\\\\SIPStackProcessor::getPeersStatuses\""));

    // Without X-Requested-With the cabinet answers HTML (the session is still created).
    let (_, headers, body) = http(
        &sim,
        "POST",
        "/admin-cabinet/session/start",
        None,
        false,
        Some(("application/x-www-form-urlencoded", "login=admin&password=adminpassword".into())),
    )
    .await;
    assert!(body.starts_with("<!DOCTYPE html>") && header(&headers, "set-cookie").is_some());
    // A JSON login body is not understood (PHP's $_POST stays empty).
    let (_, _, body) = http(
        &sim,
        "POST",
        "/admin-cabinet/session/start",
        None,
        true,
        Some(("application/json", r#"{"login":"admin","password":"adminpassword"}"#.into())),
    )
    .await;
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["success"], false);

    // Slashes are escaped as PHP does; empty objects are [].
    let (_, _, body) = http(&sim, "GET", "/pbxcore/api/firewall/getBannedIp", Some(&cookie), false, None).await;
    assert!(body.contains("\"data\":[]"), "{body}");
    let (_, _, body) = http(&sim, "GET", "/pbxcore/api/cdr/getActiveCalls", Some(&cookie), false, None).await;
    assert!(body.contains("\"data\":[\"[]\"]"), "{body}");
}

#[tokio::test]
async fn routing_and_auth_order() {
    let sim = Simulator::start(SimulatorOptions::default()).await.unwrap();
    // Unknown routes are 404 even unauthenticated (evaluated before auth).
    for path in ["/pbxcore/api/nosuch/x", "/pbxcore/api/sip/a/b", "/pbxcore/api/v3/system:ping"] {
        let (status, _, body) = http(&sim, "GET", path, None, false, None).await;
        assert_eq!(status, 404, "{path}");
        assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["errors"], json!(["404 (Not Found)"]));
    }
    let (status, _, _) = http(&sim, "PUT", "/pbxcore/api/sip/getPeersStatuses", None, false, None).await;
    assert_eq!(status, 404, "only GET and POST are routed");
    let (status, _, body) = http(&sim, "GET", "/pbxcore/api/sip/getPeersStatuses", None, false, None).await;
    assert_eq!(status, 401);
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["errors"], json!(["The user isn't authenticated."]));
    assert!(body.get("result").is_none());
    // nginx's ping needs no session.
    let (status, headers, body) = http(&sim, "GET", "/pbxcore/api/system/ping", None, false, None).await;
    assert_eq!((status, body.as_str(), header(&headers, "content-type")), (200, "PONG", Some("text/plain")));
}

#[tokio::test]
async fn sessions_idle_out() {
    let options = SimulatorOptions { session_idle: Duration::from_millis(200), ..Default::default() };
    let sim = Simulator::start(options).await.unwrap();
    let cookie = login(&sim).await;
    let (status, _, _) = http(&sim, "GET", "/pbxcore/api/system/getDate", Some(&cookie), false, None).await;
    assert_eq!(status, 200);
    tokio::time::sleep(Duration::from_millis(400)).await;
    let (status, _, _) = http(&sim, "GET", "/pbxcore/api/system/getDate", Some(&cookie), false, None).await;
    assert_eq!(status, 401);
}

async fn post_login(sim: &Simulator, form: &str) -> (Vec<(String, String)>, Value) {
    let (_, headers, body) = http(
        sim,
        "POST",
        "/admin-cabinet/session/start",
        None,
        true,
        Some(("application/x-www-form-urlencoded", form.to_owned())),
    )
    .await;
    (headers, serde_json::from_str(&body).unwrap())
}

#[tokio::test]
async fn throttle_answers_success_true_without_a_session() {
    // startAction counts the attempt first and refuses when none is left: with a limit of 2
    // the second attempt is already refused.
    let sim = Simulator::start(SimulatorOptions { login_limit: 2, ..Default::default() }).await.unwrap();
    let (_, answer) = post_login(&sim, "login=admin&password=x").await;
    assert_eq!(answer["message"]["error"][0], "Authorization failed, you have 1 attempts left");
    let (headers, answer) = post_login(&sim, "login=admin&password=adminpassword").await;
    assert_eq!(answer["success"], true);
    assert_eq!(answer["reload"], "/admin-cabinet/session/index");
    assert_eq!(answer["message"]["error"][0], "Too many login attempts. Your IP address is blocked for 300 seconds.");
    let cookie = header(&headers, "set-cookie").unwrap().split(';').next().unwrap().to_owned();
    let (status, _, _) = http(&sim, "GET", "/pbxcore/api/system/getDate", Some(&cookie), false, None).await;
    assert_eq!(status, 401, "the cookie of a throttled login is no session");
}

#[tokio::test]
async fn legacy_throttle_counts_successful_logins_and_refuses_the_tenth() {
    let sim = Simulator::start(SimulatorOptions::default()).await.unwrap();
    for attempt in 1..=9 {
        let (_, answer) = post_login(&sim, "login=admin&password=adminpassword").await;
        assert_eq!(answer["message"], json!([]), "attempt {attempt} is processed");
    }
    let (_, answer) = post_login(&sim, "login=admin&password=adminpassword").await;
    assert!(answer["message"]["error"][0].as_str().unwrap().starts_with("Too many login attempts"), "{answer}");
    assert_eq!(sim.stats().logins, 9);
}

#[tokio::test]
async fn legacy_throttle_is_keyed_by_the_forwarded_address() {
    // getClientAddress(true) trusts X-Forwarded-For, so each named address has its own count.
    let sim = Simulator::start(SimulatorOptions { login_limit: 2, ..Default::default() }).await.unwrap();
    let (_, answer) = post_login(&sim, "login=admin&password=adminpassword").await;
    assert_eq!(answer["message"], json!([]));
    let (_, answer) = post_login(&sim, "login=admin&password=adminpassword").await;
    assert_eq!(answer["reload"], "/admin-cabinet/session/index", "the limit-th attempt is refused");
    let host = sim.url().trim_start_matches("http://").to_owned();
    let body = "login=admin&password=adminpassword";
    let request = format!(
        "POST /admin-cabinet/session/start HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nX-Requested-With: XMLHttpRequest\r\n\
         X-Forwarded-For: 198.51.100.7, 10.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let mut stream = tokio::net::TcpStream::connect(&host).await.unwrap();
    tokio::io::AsyncWriteExt::write_all(&mut stream, request.as_bytes()).await.unwrap();
    let mut raw = String::new();
    tokio::io::AsyncReadExt::read_to_string(&mut stream, &mut raw).await.unwrap();
    let answer: Value = serde_json::from_str(raw.split_once("\r\n\r\n").unwrap().1).unwrap();
    assert_eq!(answer["message"], json!([]), "another address, another count: {answer}");
}

#[tokio::test]
async fn control_endpoints_change_state_and_inject_faults() {
    let sim = Simulator::start(SimulatorOptions { trust_loopback: true, ..Default::default() }).await.unwrap();
    let (status, _, _) = http(
        &sim,
        "PUT",
        "/__sim/providers/SIP-1601534845",
        None,
        false,
        Some(("application/json", r#"{"state":"REJECTED"}"#.into())),
    )
    .await;
    assert_eq!(status, 200);
    let (_, _, body) = http(&sim, "GET", "/pbxcore/api/sip/getRegistry", None, false, None).await;
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["data"][1]["state"], "REJECTED");
    http(
        &sim,
        "POST",
        "/__sim/faults",
        None,
        false,
        Some(("application/json", r#"{"kind":"status","status":503,"retry_after":7,"count":1}"#.into())),
    )
    .await;
    let (status, headers, _) = http(&sim, "GET", "/pbxcore/api/sip/getRegistry", None, false, None).await;
    assert_eq!((status, header(&headers, "retry-after")), (503, Some("7")));
    let (status, _, _) = http(&sim, "GET", "/pbxcore/api/sip/getRegistry", None, false, None).await;
    assert_eq!(status, 200, "count 1 applies to one request");
    let (_, _, body) = http(&sim, "GET", "/__sim/stats", None, false, None).await;
    assert!(serde_json::from_str::<Value>(&body).unwrap()["api_requests"].as_u64().unwrap() >= 2);
}

#[test]
fn state_files_load_and_bad_ones_are_refused() {
    let state = PbxState::from_json(mikopbx_sim::DEFAULT_STATE_JSON).unwrap();
    assert_eq!(state.peers.len(), 3);
    assert!(PbxState::from_json("{}").is_err());
    assert!(
        PbxState::from_json(r#"{"credentials":{"login":"a","password":"b"},"providers":[{"state":"OK"}]}"#).is_err()
    );
}

#[test]
fn binary_prints_its_url_first() {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mikopbx-sim"))
        .arg("--https")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let url = lines.next().unwrap().unwrap();
    let fingerprint = lines.next().unwrap().unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    assert!(fingerprint.starts_with("sha256 ") && fingerprint.len() == 7 + 64, "{fingerprint}");
}

/// One control route changes any section of the state, typed (`webrtc`) or a resource's own
/// (`banned_ips`, read by `api/firewall.rs`); a patch that breaks a typed section changes
/// nothing.
#[tokio::test]
async fn any_state_section_changes_through_one_patch_route() {
    let sim = Simulator::start(SimulatorOptions { trust_loopback: true, ..Default::default() }).await.unwrap();
    async fn patch(sim: &Simulator, body: Value) -> u16 {
        http(sim, "PATCH", "/__sim/state", None, false, Some(("application/json", body.to_string()))).await.0
    }
    let ban = json!({"jail": "asterisk_public_v2", "timeofban": 1700000000, "timeunban": 4102444800_u64, "v": "2"});
    let bans = json!({"10.0.0.9": {"country": "LOCAL", "countryName": "Local/Private Network", "bans": [ban]}});
    assert_eq!(patch(&sim, json!({"banned_ips": bans, "webrtc": true})).await, 200);
    let (_, _, body) = http(&sim, "GET", "/pbxcore/api/firewall/getBannedIp", None, false, None).await;
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["data"], json!({"10.0.0.9": [ban]}));
    assert!(sim.state().webrtc);
    assert_eq!(sim.state().sections["banned_ips"], bans);
    assert_eq!(patch(&sim, json!({"providers": [{"state": "OK"}]})).await, 400);
    assert_eq!(sim.state().sections["banned_ips"], bans);
    // 2024.1 reads the unban form from `$_POST`.
    let form = Some(("application/x-www-form-urlencoded", "ip=10.0.0.9".to_owned()));
    let (status, _, _) = http(&sim, "POST", "/pbxcore/api/firewall/unBanIp", None, false, form).await;
    assert_eq!(status, 200);
    let (_, _, body) = http(&sim, "GET", "/pbxcore/api/firewall/getBannedIp", None, false, None).await;
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["data"], json!([]));
    assert_eq!(patch(&sim, json!({"banned_ips": null})).await, 200);
    assert!(!sim.state().sections.contains_key("banned_ips"));
}
