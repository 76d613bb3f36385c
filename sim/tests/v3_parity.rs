//! v3 behaviour checked against the 2026.1.223 server source (docs/server-notes.md), the
//! request sequences of MikoPBX's own clients, and the hostile-server faults.

use mikopbx_sim::{ApiGeneration, Fault, FaultKind, Simulator, SimulatorOptions};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const LOGIN: &str = "/pbxcore/api/v3/auth:login";
const REFRESH: &str = "/pbxcore/api/v3/auth:refresh";
const LOGOUT: &str = "/pbxcore/api/v3/auth:logout";
const PEERS: &str = "/pbxcore/api/v3/sip:getPeersStatuses";

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
    fn all(&self, name: &str) -> Vec<&str> {
        self.headers.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect()
    }
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    /// The `refreshToken=…` pair of the answer's cookie.
    fn refresh_cookie(&self) -> String {
        let line = self.all("set-cookie").into_iter().find(|c| c.starts_with("refreshToken=")).unwrap();
        line.split(';').next().unwrap().to_owned()
    }
}

/// One HTTP/1.1 request over a raw TCP stream (`Connection: close`), chunked bodies decoded.
async fn send(sim: &Simulator, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    let host = sim.url().trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    let mut bytes = request.into_bytes();
    bytes.extend_from_slice(body);
    stream.write_all(&bytes).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8(raw[..split].to_vec()).unwrap();
    let mut lines = head.lines();
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> =
        lines.filter_map(|l| l.split_once(": ")).map(|(k, v)| (k.to_ascii_lowercase(), v.to_owned())).collect();
    let mut body = raw[split + 4..].to_vec();
    if headers.iter().any(|(k, v)| k == "transfer-encoding" && v == "chunked") {
        body = dechunk(&body);
    }
    Reply { status, headers, body }
}

fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let line_end = raw.windows(2).position(|w| w == b"\r\n").unwrap();
        let size = usize::from_str_radix(std::str::from_utf8(&raw[..line_end]).unwrap().trim(), 16).unwrap();
        if size == 0 {
            return body;
        }
        body.extend_from_slice(&raw[line_end + 2..line_end + 2 + size]);
        raw = &raw[line_end + 4 + size..];
    }
}

async fn v3_sim() -> Simulator {
    Simulator::start(SimulatorOptions { api: ApiGeneration::V3, ..Default::default() }).await.unwrap()
}

const FORM: (&str, &str) = ("Content-Type", "application/x-www-form-urlencoded");
const JSON: (&str, &str) = ("Content-Type", "application/json");

async fn login_json(sim: &Simulator, body: Value) -> Reply {
    send(sim, "POST", LOGIN, &[JSON], body.to_string().as_bytes()).await
}

fn bearer(reply: &Reply) -> String {
    format!("Bearer {}", reply.json()["data"]["accessToken"].as_str().unwrap())
}

#[tokio::test]
async fn login_reads_json_form_and_query_and_remember_me_needs_a_json_true() {
    let sim = v3_sim().await;
    let reply = login_json(&sim, json!({"login": "admin", "password": "adminpassword", "rememberMe": true})).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let cookie = reply.all("set-cookie").into_iter().find(|c| c.starts_with("refreshToken=")).unwrap().to_owned();
    assert!(cookie.contains("; Max-Age=2592000; path=/; HttpOnly; SameSite=Strict"), "{cookie}");
    assert!(cookie.contains("; expires="), "{cookie}");
    assert_eq!(reply.refresh_cookie().len(), "refreshToken=".len() + 64);

    // A form's "true" is a string: a session cookie.
    let reply = send(&sim, "POST", LOGIN, &[FORM], b"login=admin&password=adminpassword&rememberMe=true").await;
    assert_eq!(reply.status, 200);
    let cookie = reply.all("set-cookie")[0];
    assert!(!cookie.contains("Max-Age") && cookie.ends_with("; path=/; HttpOnly; SameSite=Strict"), "{cookie}");

    // The query string counts and wins over the body; strings are trimmed.
    let path = format!("{LOGIN}?password=adminpassword");
    let reply = send(&sim, "POST", &path, &[JSON], br#"{"login":" admin ","password":"wrong"}"#).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let reply = send(&sim, "POST", &format!("{LOGIN}?login=admin&password=adminpassword"), &[], b"").await;
    assert_eq!(reply.status, 200);

    // A number is not a string: the login is missing.
    let reply = login_json(&sim, json!({"login": "admin", "password": 12345})).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.json()["messages"]["error"][0], "Either login+password or sessionToken must be provided");
}

#[tokio::test]
async fn login_throttle_counts_failures_only() {
    let sim = v3_sim().await;
    for _ in 0..12 {
        let reply = login_json(&sim, json!({"login": "admin", "password": "adminpassword"})).await;
        assert_eq!(reply.status, 200, "successful logins are not counted");
        assert_eq!(login_json(&sim, json!({"login": "admin"})).await.status, 400, "nor are incomplete ones");
    }
    for left in (0..10).rev() {
        let reply = login_json(&sim, json!({"login": "admin", "password": "wrong"})).await;
        assert_eq!(reply.status, 401);
        let answer = reply.json();
        assert_eq!(answer["messages"]["error"][0], format!("Authorization error, you have {left} attempts left"));
        assert_eq!(answer["httpCode"], 401);
        assert_eq!(answer["function"], "login");
        assert_eq!(answer["processor"], "MikoPBX\\PBXCoreREST\\Lib\\Auth\\LoginAction::main");
    }
    let reply = login_json(&sim, json!({"login": "admin", "password": "adminpassword"})).await;
    assert_eq!(reply.status, 429, "ten failures lock out everyone, right credentials included");
    let answer = reply.json();
    assert_eq!(
        answer["messages"]["error"][0],
        "Too many authorization attempts. Your IP address is blocked for 300 seconds."
    );
    assert_eq!(answer["httpCode"], 429);
    sim.reset_login_throttle();
    assert_eq!(login_json(&sim, json!({"login": "admin", "password": "adminpassword"})).await.status, 200);
}

#[tokio::test]
async fn authentication_comes_before_verb_and_id_checks_with_one_401_text() {
    let sim = v3_sim().await;
    for (method, path, headers) in [
        ("POST", PEERS, vec![]),
        ("GET", "/pbxcore/api/v3/sip:noSuchMethod", vec![]),
        ("GET", "/pbxcore/api/v3/sip:getStatus", vec![]),
        ("GET", PEERS, vec![("Authorization", "Bearer not-a-token")]),
        (
            "GET",
            PEERS,
            vec![("Authorization", "Bearer  5e1c0d7a3b9f42e68c2a71d4f0b3e9a1c6d8f2b47e0a9c3d5f1b8e2a6c4d0f97")],
        ),
    ] {
        let reply = send(&sim, method, path, &headers, b"").await;
        assert_eq!(reply.status, 401, "{method} {path} {headers:?}");
        let answer = reply.json();
        assert_eq!(answer["messages"], json!({"error": ["The user isn't authenticated."]}), "{method} {path}");
        assert_eq!((answer["function"].as_str(), answer.get("httpCode")), (Some(""), None));
    }
    let key = ("Authorization", "Bearer 5e1c0d7a3b9f42e68c2a71d4f0b3e9a1c6d8f2b47e0a9c3d5f1b8e2a6c4d0f97");
    let reply = send(&sim, "POST", PEERS, &[key], b"").await;
    assert_eq!(reply.status, 405);
    let answer = reply.json();
    assert_eq!(answer["messages"]["error"][0], "Method 'getPeersStatuses' is not allowed with HTTP POST");
    let keys: Vec<&str> = answer.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["result", "messages", "meta"], "sendErrorResponse's shape");
    let reply = send(&sim, "GET", "/pbxcore/api/v3/sip:getStatus", &[key], b"").await;
    assert_eq!(
        (reply.status, reply.json()["messages"]["error"][0].as_str()),
        (400, Some("Method 'getStatus' requires a resource ID"))
    );
    // Public endpoints check the verb without authentication.
    assert_eq!(send(&sim, "GET", LOGIN, &[], b"").await.status, 405);
    // Unknown resources are not routed at all.
    assert_eq!(send(&sim, "GET", "/pbxcore/api/v3/nosuch:thing", &[], b"").await.status, 404);
}

#[tokio::test]
async fn unknown_extension_status_is_422_without_http_code() {
    let sim = v3_sim().await;
    let key = ("Authorization", "Bearer 5e1c0d7a3b9f42e68c2a71d4f0b3e9a1c6d8f2b47e0a9c3d5f1b8e2a6c4d0f97");
    let reply = send(&sim, "GET", "/pbxcore/api/v3/sip/999:getStatus", &[key], b"").await;
    assert_eq!(reply.status, 422);
    let answer = reply.json();
    assert_eq!(answer["messages"], json!({"error": ["Extension not found or status unavailable"]}));
    assert_eq!(answer["function"], "getStatus");
    assert_eq!(answer["processor"], "MikoPBX\\PBXCoreREST\\Lib\\SIPStackProcessor::callBack");
    assert!(answer.get("httpCode").is_none(), "{answer}");
}

#[tokio::test]
async fn extension_statuses_are_cached_for_thirty_seconds() {
    let sim = v3_sim().await;
    let key = ("Authorization", "Bearer 5e1c0d7a3b9f42e68c2a71d4f0b3e9a1c6d8f2b47e0a9c3d5f1b8e2a6c4d0f97");
    let statuses = "/pbxcore/api/v3/sip:getStatuses";
    let first = send(&sim, "GET", statuses, &[key], b"").await.json();
    assert_eq!(first["messages"], json!([]), "the first check is fresh");
    assert_eq!(first["data"]["201"]["status"], "Available");
    let second = send(&sim, "GET", statuses, &[key], b"").await.json();
    assert_eq!(second["messages"], json!({"info": ["Using cached data (fresh)"]}));
    assert_eq!(second["data"], first["data"]);
    let forced = send(&sim, "GET", &format!("{statuses}?forceCheck=1"), &[key], b"").await.json();
    assert_eq!(forced["messages"], json!({"info": ["Force check completed, cache updated"]}));
    let simple = send(&sim, "GET", &format!("{statuses}?simplified=true"), &[key], b"").await.json();
    assert_eq!(simple["data"]["201"], json!({"extension": 201, "status": "Available"}));
    // The single-extension call answers from the same cache but drops its message.
    let single = send(&sim, "GET", "/pbxcore/api/v3/sip/201:getStatus", &[key], b"").await.json();
    assert_eq!(single["messages"], json!([]));
    // A state change through the control API is seen at once.
    sim.remove_peer("201");
    let after = send(&sim, "GET", statuses, &[key], b"").await.json();
    assert_eq!((after["messages"].clone(), after["data"].get("201")), (json!([]), None));
}

#[tokio::test]
async fn peers_list_trunks_and_lists_ws_twins_only_with_webrtc() {
    let sim = v3_sim().await;
    let key = ("Authorization", "Bearer 5e1c0d7a3b9f42e68c2a71d4f0b3e9a1c6d8f2b47e0a9c3d5f1b8e2a6c4d0f97");
    let ids = |reply: Reply| -> Vec<String> {
        reply.json()["data"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(ids(send(&sim, "GET", PEERS, &[key], b"").await), ["201", "241", "240", "SIP-1601534845"]);
    let trunk = &send(&sim, "GET", PEERS, &[key], b"").await.json()["data"][3];
    assert_eq!(trunk, &json!({"id": "SIP-1601534845", "state": "OK", "detailed-state": "Not in use"}));
    let mut state = sim.state();
    state.webrtc = true;
    sim.set_state(state);
    assert_eq!(
        ids(send(&sim, "GET", PEERS, &[key], b"").await),
        ["201", "201-WS", "241", "241-WS", "240", "240-WS", "SIP-1601534845"]
    );

    let legacy = Simulator::start(SimulatorOptions { trust_loopback: true, ..Default::default() }).await.unwrap();
    let answer = send(&legacy, "GET", "/pbxcore/api/sip/getPeersStatuses", &[], b"").await.json();
    assert_eq!(answer["data"].as_array().unwrap().len(), 3, "legacy lists no trunks");
}

#[test]
fn state_files_without_webrtc_still_load() {
    let state = mikopbx_sim::PbxState::from_json(r#"{"credentials":{"login":"a","password":"b"}}"#).unwrap();
    assert!(!state.webrtc);
}

#[tokio::test]
async fn refresh_takes_the_token_from_cookie_body_or_query() {
    let sim = v3_sim().await;
    let login = login_json(&sim, json!({"login": "admin", "password": "adminpassword"})).await;
    let pair = login.refresh_cookie();
    let token = pair.trim_start_matches("refreshToken=").to_owned();
    let body = json!({"refreshToken": token}).to_string();
    assert_eq!(send(&sim, "POST", REFRESH, &[JSON], body.as_bytes()).await.status, 200);
    assert_eq!(send(&sim, "POST", &format!("{REFRESH}?refreshToken={token}"), &[], b"").await.status, 200);
    // The cookie, when sent, is the one used.
    let reply = send(&sim, "POST", REFRESH, &[JSON, ("Cookie", "refreshToken=stale")], body.as_bytes()).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.json()["messages"]["error"][0], "Refresh token expired or not found");
    let reply = send(&sim, "POST", REFRESH, &[], b"").await;
    assert_eq!(
        (reply.status, reply.json()["messages"]["error"][0].as_str()),
        (401, Some("Refresh token is missing in cookie"))
    );
    assert_eq!(reply.json()["function"], "refresh");
}

#[tokio::test]
async fn refresh_throttle_refuses_the_hundredth_attempt() {
    let sim = v3_sim().await;
    for attempt in 1..100 {
        assert_eq!(send(&sim, "POST", REFRESH, &[], b"").await.status, 401, "attempt {attempt}");
    }
    assert_eq!(send(&sim, "POST", REFRESH, &[], b"").await.status, 429);
}

/// `tests/api/conftest.py` and `test_01_auth.py` at 2026.1.223: a form login with
/// `rememberMe: 'true'`, bearer calls with a JSON content type and the cookie, a refresh on
/// 401 (no body) and one retry, JSON logins with `rememberMe` true and false, a refresh with
/// `{}`, and a logout with bearer and cookie.
#[tokio::test]
async fn mikopbx_api_test_client_sequence() {
    let sim = v3_sim().await;
    let login = send(&sim, "POST", LOGIN, &[FORM], b"login=admin&password=adminpassword&rememberMe=true").await;
    assert!(login.json()["result"].as_bool().unwrap());
    let cookie = login.refresh_cookie();
    let auth = bearer(&login);
    let headers = [("Authorization", auth.as_str()), JSON, ("Cookie", cookie.as_str())];
    assert_eq!(send(&sim, "GET", PEERS, &headers, b"").await.status, 200);

    sim.expire_sessions();
    assert_eq!(send(&sim, "GET", PEERS, &headers, b"").await.status, 401);
    let refreshed = send(&sim, "POST", REFRESH, &[("Cookie", cookie.as_str())], b"").await;
    assert_eq!(refreshed.status, 200);
    assert!(refreshed.all("set-cookie").is_empty(), "no rotation");
    let auth = bearer(&refreshed);
    let headers = [("Authorization", auth.as_str()), JSON, ("Cookie", cookie.as_str())];
    assert_eq!(send(&sim, "GET", PEERS, &headers, b"").await.status, 200);

    for remember in [false, true] {
        let body = json!({"login": "admin", "password": "adminpassword", "rememberMe": remember}).to_string();
        let reply = send(&sim, "POST", LOGIN, &headers, body.as_bytes()).await;
        let data = &reply.json()["data"];
        assert_eq!((data["tokenType"].as_str(), data["expiresIn"].as_u64()), (Some("Bearer"), Some(900)));
        assert_eq!(data["accessToken"].as_str().unwrap().split('.').count(), 3);
        assert_eq!(reply.all("set-cookie")[0].contains("Max-Age"), remember);
    }
    let reply = send(&sim, "POST", REFRESH, &headers, b"{}").await;
    assert_eq!(reply.status, 200);

    let reply = send(&sim, "POST", LOGOUT, &headers, b"").await;
    assert_eq!(reply.json()["data"], json!({"message": "Successfully logged out"}));
    assert!(reply.all("set-cookie")[0].starts_with("refreshToken=deleted; expires=Thu, 01 Jan 1970"));
    assert_eq!(send(&sim, "POST", REFRESH, &[("Cookie", cookie.as_str())], b"").await.status, 401);
}

/// The admin web UI at 2026.1.223 (`Session/login-form.js`, `main/token-manager.js`): jQuery
/// form login (`rememberMe` serialised as "true"/"false"), an immediate refresh to test the
/// cookie, a refresh on every page load (cookie only, no body, no bearer), bearer calls, and
/// a logout with the bearer and the cookie.
#[tokio::test]
async fn web_ui_token_manager_sequence() {
    let sim = v3_sim().await;
    let ajax = ("X-Requested-With", "XMLHttpRequest");
    let form = ("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8");
    let login = send(&sim, "POST", LOGIN, &[ajax, form], b"login=admin&password=adminpassword&rememberMe=false").await;
    assert_eq!(login.status, 200);
    let cookie = login.refresh_cookie();
    let page_load = [ajax, ("Cookie", cookie.as_str())];
    assert_eq!(send(&sim, "POST", REFRESH, &page_load, b"").await.status, 200, "the login page's cookie test");
    let startup = send(&sim, "POST", REFRESH, &page_load, b"").await;
    let data = &startup.json()["data"];
    assert_eq!(data["homePage"], "/admin-cabinet/extensions/index");
    assert!(data["expiresIn"].as_u64().unwrap() > 120, "the silent refresh is planned expiresIn - 120 s ahead");
    let auth = bearer(&startup);
    let calls = [ajax, ("Authorization", auth.as_str()), ("Cookie", cookie.as_str())];
    assert_eq!(send(&sim, "GET", "/pbxcore/api/v3/sip:getStatuses", &calls, b"").await.status, 200);
    let reply = send(&sim, "POST", LOGOUT, &calls, b"").await;
    assert_eq!(reply.status, 200);
    assert_eq!(send(&sim, "POST", REFRESH, &page_load, b"").await.status, 401, "the next page load goes to the login");
}

#[tokio::test]
async fn endless_body_streams_until_the_client_hangs_up() {
    let sim = v3_sim().await;
    sim.add_fault(Fault::new(FaultKind::Endless));
    let host = sim.url().trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&host).await.unwrap();
    let request = format!("GET {PEERS} HTTP/1.1\r\nHost: {host}\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut received = Vec::new();
    let mut buffer = vec![0; 64 * 1024];
    while received.len() < 4 * 1024 * 1024 {
        let n = stream.read(&mut buffer).await.unwrap();
        assert!(n > 0, "the body never ends");
        received.extend_from_slice(&buffer[..n]);
    }
    drop(stream);
    let text = String::from_utf8_lossy(&received);
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200") && head.contains("transfer-encoding: chunked"), "{head}");
    assert!(!head.to_ascii_lowercase().contains("content-length"));
    assert!(body.split_once("\r\n").unwrap().1.starts_with(r#"{"result":true,"data":["#));
    // The simulator still answers once the client has gone.
    assert_eq!(send(&sim, "GET", "/pbxcore/api/v3/system:ping", &[], b"").await.status, 200);
}

#[tokio::test]
async fn huge_body_is_one_valid_envelope_of_about_the_asked_size() {
    let sim = v3_sim().await;
    sim.add_fault(Fault::new(FaultKind::Huge { bytes: 3_000_000 }));
    let reply = send(&sim, "GET", PEERS, &[], b"").await;
    assert_eq!(reply.status, 200);
    assert!((2_999_900..=3_000_000).contains(&reply.body.len()), "{}", reply.body.len());
    let answer = reply.json();
    assert_eq!(answer["result"], true);
    assert!(answer["data"].as_array().unwrap().len() > 30_000);
    sim.add_fault(Fault::new(FaultKind::Huge { bytes: 0 }));
    assert_eq!(send(&sim, "GET", PEERS, &[], b"").await.json()["data"], json!([]));
}

async fn control_fault(sim: &Simulator, fault: Value) -> u16 {
    send(sim, "POST", "/__sim/faults", &[JSON], fault.to_string().as_bytes()).await.status
}

#[tokio::test]
async fn answer_fault_sends_exactly_what_it_is_given() {
    let sim = v3_sim().await;
    let fault = json!({"kind": "answer", "status": 200, "path": LOGIN,
        "body": "{\"result\":true,\"data\":{\"accessToken\":\"x.y\",\"expiresIn\":18446744073709551615}}\u{1}",
        "headers": {"Set-Cookie": ["PHPSESSID=one; path=/", "PHPSESSID=two; path=/"], "X-Odd": "\tvalue"}});
    assert_eq!(control_fault(&sim, fault).await, 200);
    let reply = send(&sim, "POST", LOGIN, &[], b"").await;
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(reply.all("set-cookie"), ["PHPSESSID=one; path=/", "PHPSESSID=two; path=/"]);
    assert!(reply.text().ends_with("18446744073709551615}}\u{1}"));
    let fault = json!({"kind": "answer", "status": 502, "body": "<h1>bad</h1>", "content_type": "text/html"});
    assert_eq!(control_fault(&sim, fault).await, 200);
    let reply = send(&sim, "GET", PEERS, &[], b"").await;
    assert_eq!(
        (reply.status, reply.header("content-type"), reply.text().as_str()),
        (502, Some("text/html"), "<h1>bad</h1>")
    );
    // What HTTP cannot carry is refused when the fault is added.
    for bad in [
        json!({"kind": "answer", "status": 200, "headers": {"X-Bad": "a\r\nInjected: yes"}}),
        json!({"kind": "answer", "status": 99}),
        json!({"kind": "redirect", "status": 200, "location": "/"}),
    ] {
        assert_eq!(control_fault(&sim, bad.clone()).await, 400, "{bad}");
    }
}

#[tokio::test]
async fn echo_fault_repeats_every_header_and_the_body() {
    let sim = v3_sim().await;
    assert_eq!(control_fault(&sim, json!({"kind": "echo", "status": 502})).await, 200);
    let headers = [("Authorization", "Bearer secret-token-123"), ("Cookie", "refreshToken=secret-cookie-456"), FORM];
    let reply = send(&sim, "POST", &format!("{LOGIN}?q=1"), &headers, b"login=admin&password=secret-pass-789").await;
    assert_eq!((reply.status, reply.header("content-type")), (502, Some("text/html")));
    let page = reply.text();
    for expected in [
        "POST /pbxcore/api/v3/auth:login?q=1 HTTP/1.1",
        "authorization: Bearer secret-token-123",
        "cookie: refreshToken=secret-cookie-456",
        "login=admin&password=secret-pass-789",
    ] {
        assert!(page.contains(expected), "{expected} missing from {page}");
    }
}

#[tokio::test]
async fn redirect_fault_names_its_target() {
    let sim = v3_sim().await;
    assert_eq!(
        control_fault(&sim, json!({"kind": "redirect", "location": "https://evil.example/steal", "count": 1})).await,
        200
    );
    let reply = send(&sim, "GET", PEERS, &[], b"").await;
    assert_eq!((reply.status, reply.header("location")), (302, Some("https://evil.example/steal")));
    sim.add_fault(Fault::new(FaultKind::Redirect { status: 301, location: "https://127.0.0.1/".into() }));
    assert_eq!(send(&sim, "GET", PEERS, &[], b"").await.status, 301);
}
