//! The v3 API (MikoPBX 2025.1+, target 2026.1.223): `/pbxcore/api/v3/<resource>[/<id>][:<method>]`,
//! bearer JWT or API key, real HTTP statuses, no `jsonapi` (reference §2.3, §3.3, §7).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use serde_json::{Map, Value, json};

use crate::state::Peer;
use crate::tokens::REFRESH_TTL;
use crate::{Shared, legacy, php, request};

const LIB: &str = "MikoPBX\\PBXCoreREST\\Lib\\";
const REFRESH_COOKIE: &str = "refreshToken";

pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/pbxcore/api/system/ping", get(legacy::ping))
        .route("/pbxcore/api/v3/{*rest}", any(api))
        .route("/pbxcore/api/{*rest}", any(not_found))
}

/// `…/<resource>[/<id>][:<method>]`, e.g. `sip/201:getStatus`.
struct Route<'a> {
    resource: &'a str,
    id: Option<&'a str>,
    method: Option<&'a str>,
}

fn parse(rest: &str) -> Option<Route<'_>> {
    let (path, method) = match rest.rsplit_once(':') {
        Some((path, method)) => (path, Some(method)),
        None => (rest, None),
    };
    let mut segments = path.split('/');
    let resource = segments.next().filter(|s| !s.is_empty())?;
    let id = segments.next();
    if segments.next().is_some() {
        return None;
    }
    Some(Route { resource, id, method })
}

/// Custom methods the simulator knows: resource, method, verb, resource-level (needs an id).
const METHODS: &[(&str, &str, Method, bool)] = &[
    ("system", "ping", Method::GET, false),
    ("system", "datetime", Method::GET, false),
    ("auth", "login", Method::POST, false),
    ("auth", "refresh", Method::POST, false),
    ("auth", "logout", Method::POST, false),
    ("sip", "getPeersStatuses", Method::GET, false),
    ("sip", "getStatuses", Method::GET, false),
    ("sip", "getRegistry", Method::GET, false),
    ("sip", "getStatus", Method::GET, true),
];

/// `PublicEndpointsRegistry`: URI prefixes that skip authentication, whatever the verb.
const PUBLIC: &[&str] = &["/pbxcore/api/v3/system:ping", "/pbxcore/api/v3/auth:login", "/pbxcore/api/v3/auth:refresh"];

/// `LoginAction` keys its throttle by a client address the controller never passes, so all
/// clients share this one bucket.
const LOGIN_THROTTLE_KEY: &str = "unknown";
const TOO_MANY_ATTEMPTS: &str = "Too many authorization attempts. Your IP address is blocked for 300 seconds.";

/// The router matches `<resource>:<method>` for every verb; authentication comes first,
/// then `BaseRestController::handleCustomRequest` checks the verb (405) and the id (400).
async fn api(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    uri: Uri,
    method: Method,
    headers: HeaderMap,
    Path(rest): Path<String>,
    body: Bytes,
) -> Response {
    shared.count_api_request();
    let Some(route) = parse(&rest) else { return not_found(uri).await };
    let Some(action) = route.method else { return not_found(uri).await };
    if !METHODS.iter().any(|(resource, ..)| *resource == route.resource) {
        return not_found(uri).await;
    }
    let public = PUBLIC.iter().any(|prefix| uri.path().starts_with(prefix));
    if !public && let Some(refusal) = refuse(&shared, peer.ip(), &headers) {
        shared.count_unauthorized();
        return refusal;
    }
    let known = METHODS.iter().find(|(r, m, verb, _)| *r == route.resource && *m == action && *verb == method);
    let Some((_, _, _, resource_level)) = known else {
        return rest_error(
            StatusCode::METHOD_NOT_ALLOWED,
            &format!("Method '{action}' is not allowed with HTTP {method}"),
        );
    };
    let id = route.id.filter(|id| !id.is_empty());
    if *resource_level && id.is_none() {
        return rest_error(StatusCode::BAD_REQUEST, &format!("Method '{action}' requires a resource ID"));
    }
    let data = request::data(&method, &headers, uri.query(), &body);
    match (route.resource, action) {
        ("system", "ping") => ok("ping", "SystemManagementProcessor::handlePing", json!([])),
        // `Lib/System/DateTimeAction.php` (2026.1.223): GET answers the server's unix time.
        ("system", "datetime") => ok("datetime", "System\\DateTimeAction::main", json!({"timestamp": php::unix_now()})),
        ("auth", "login") => login(&shared, &data),
        ("auth", "refresh") => refresh(&shared, peer.ip(), &headers, &data),
        ("auth", "logout") => logout(&shared, &headers, &data),
        ("sip", "getPeersStatuses") => {
            ok("getPeersStatuses", "Sip\\GetPeersStatusesAction::main", peers_statuses(&shared))
        }
        ("sip", "getStatuses") => all_statuses(&shared, &data),
        ("sip", "getRegistry") => ok("getRegistry", "Sip\\GetRegistryAction::main", registry(&shared)),
        ("sip", "getStatus") => peer_status(&shared, id.unwrap_or_default(), &data),
        _ => not_found(uri).await,
    }
}

/// Bearer JWT or API key; without a token, loopback (`127.0.0.1` or `::1`) is trusted when
/// configured. A bad token is refused even from loopback, with the same text as no token.
fn refuse(shared: &Shared, ip: IpAddr, headers: &HeaderMap) -> Option<Response> {
    // `Request::getBearerToken`: exactly `Bearer ` and everything after it, untrimmed.
    let bearer =
        headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    let allowed = match bearer {
        Some(token) => shared.tokens().access_valid(token) || shared.pbx().api_keys.iter().any(|k| k == token),
        None => shared.trust_loopback && is_local(ip),
    };
    (!allowed).then(|| error(StatusCode::UNAUTHORIZED, "The user isn't authenticated."))
}

/// `REMOTE_ADDR` is exactly `127.0.0.1` or `::1` (not the rest of 127.0.0.0/8).
fn is_local(ip: IpAddr) -> bool {
    ip == IpAddr::from([127, 0, 0, 1]) || ip == IpAddr::from([0u16, 0, 0, 0, 0, 0, 0, 1])
}

fn text<'a>(data: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    data.get(key).and_then(Value::as_str)
}

/// `LoginAction::main`: refused while the failures of this window have used up the limit;
/// only wrong credentials count. `rememberMe` makes the cookie persistent only when it is a
/// JSON `true` (a form's `"true"` is a string).
fn login(shared: &Shared, data: &Map<String, Value>) -> Response {
    const PROCESSOR: &str = "Auth\\LoginAction::main";
    shared.count_login_attempt();
    if shared.sessions().v3_login_failures.remaining(LOGIN_THROTTLE_KEY, false) == 0 {
        return refused(StatusCode::TOO_MANY_REQUESTS, "login", PROCESSOR, TOO_MANY_ATTEMPTS);
    }
    let credentials = shared.pbx().credentials.clone();
    let authenticated = if text(data, "sessionToken").is_some() {
        // A passkey session token; the simulator has no passkeys, so none is valid.
        false
    } else if let (Some(login), Some(password)) = (text(data, "login"), text(data, "password")) {
        login == credentials.login && password == credentials.password
    } else {
        return refused(
            StatusCode::BAD_REQUEST,
            "login",
            PROCESSOR,
            "Either login+password or sessionToken must be provided",
        );
    };
    if !authenticated {
        let left = shared.sessions().v3_login_failures.remaining(LOGIN_THROTTLE_KEY, true);
        return refused(
            StatusCode::UNAUTHORIZED,
            "login",
            PROCESSOR,
            &format!("Authorization error, you have {left} attempts left"),
        );
    }
    shared.count_login();
    let remember = data.get("rememberMe") == Some(&Value::Bool(true));
    let mut tokens = shared.tokens();
    let access = tokens.issue_access(&credentials.login);
    let refresh = tokens.issue_refresh();
    let data = json!({"accessToken": access, "tokenType": "Bearer", "expiresIn": tokens.access_ttl.as_secs(),
                      "login": credentials.login});
    let mut response = ok("login", PROCESSOR, data);
    let lifetime = remember.then_some(REFRESH_TTL);
    if let Ok(value) = HeaderValue::from_str(&refresh_cookie(&refresh, lifetime, shared.https)) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// PHP's `setcookie` line for the refresh token: a session cookie, or one that lasts
/// `lifetime`; `secure` only over HTTPS.
fn refresh_cookie(value: &str, lifetime: Option<Duration>, https: bool) -> String {
    let mut cookie = format!("{REFRESH_COOKIE}={value}");
    if let Some(lifetime) = lifetime {
        let seconds = i64::try_from(lifetime.as_secs()).unwrap_or(i64::MAX);
        let expires = chrono::Utc::now().checked_add_signed(chrono::TimeDelta::seconds(seconds));
        if let Some(expires) = expires {
            cookie.push_str(&format!("; expires={}", expires.format("%a, %d %b %Y %H:%M:%S GMT")));
        }
        cookie.push_str(&format!("; Max-Age={seconds}"));
    }
    cookie.push_str("; path=/");
    if https {
        cookie.push_str("; secure");
    }
    cookie.push_str("; HttpOnly; SameSite=Strict");
    cookie
}

/// The refresh token from the `refreshToken` cookie when one is sent, else from the body or
/// query (the controller puts the cookie over the request data).
fn refresh_token<'a>(headers: &'a HeaderMap, data: &'a Map<String, Value>) -> Option<&'a str> {
    request::cookie(headers, REFRESH_COOKIE).or_else(|| text(data, REFRESH_COOKIE)).filter(|t| !t.is_empty())
}

/// `RefreshAction::main`: every attempt counts towards 100 per 300 s per client address.
fn refresh(shared: &Shared, ip: IpAddr, headers: &HeaderMap, data: &Map<String, Value>) -> Response {
    const PROCESSOR: &str = "Auth\\RefreshAction::main";
    if shared.sessions().v3_refreshes.remaining(&ip.to_string(), true) == 0 {
        return refused(StatusCode::TOO_MANY_REQUESTS, "refresh", PROCESSOR, TOO_MANY_ATTEMPTS);
    }
    let Some(token) = refresh_token(headers, data) else {
        return refused(StatusCode::UNAUTHORIZED, "refresh", PROCESSOR, "Refresh token is missing in cookie");
    };
    let mut tokens = shared.tokens();
    if !tokens.refresh_valid(token) {
        return refused(StatusCode::UNAUTHORIZED, "refresh", PROCESSOR, "Refresh token expired or not found");
    }
    shared.count_refresh();
    let login = shared.pbx().credentials.login.clone();
    let access = tokens.issue_access(&login);
    let data = json!({"accessToken": access, "tokenType": "Bearer", "expiresIn": tokens.access_ttl.as_secs(),
                      "homePage": "/admin-cabinet/extensions/index"});
    ok("refresh", PROCESSOR, data)
}

/// `LogoutAction::main`: without a refresh token there is nothing to revoke and no cookie
/// to clear.
fn logout(shared: &Shared, headers: &HeaderMap, data: &Map<String, Value>) -> Response {
    let token = refresh_token(headers, data);
    let mut response = ok("logout", "Auth\\LogoutAction::main", json!({"message": "Successfully logged out"}));
    if let Some(token) = token {
        shared.tokens().revoke_refresh(token);
        let secure = if shared.https { "; secure" } else { "" };
        let cleared = format!(
            "{REFRESH_COOKIE}=deleted; expires=Thu, 01 Jan 1970 00:00:01 GMT; Max-Age=0; path=/{secure}; HttpOnly; SameSite=Strict"
        );
        if let Ok(value) = HeaderValue::from_str(&cleared) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// `AsteriskManager::getPjSipPeers` at 2026.1: one entry per PJSIP endpoint, keyed by its
/// name. Extensions; their WebRTC twins `<id>-WS` when WebRTC is on; the enabled providers'
/// trunk endpoints (named by uniqid). `detailed-state` is Asterisk's device state.
fn peers_statuses(shared: &Shared) -> Value {
    let pbx = shared.pbx();
    let mut entries = Vec::new();
    for peer in &pbx.peers {
        let detailed = match peer.state.as_str() {
            "OK" => "Not in use",
            "UNKNOWN" => "Unavailable",
            _ => "Unknown",
        };
        entries.push(json!({"id": peer.id, "state": peer.state, "detailed-state": detailed}));
        if pbx.webrtc {
            entries.push(json!({"id": format!("{}-WS", peer.id), "state": "UNKNOWN", "detailed-state": "Unavailable"}));
        }
    }
    for provider in &pbx.providers {
        let (Some(id), Some(state)) =
            (provider.get("id").and_then(Value::as_str), provider.get("state").and_then(Value::as_str))
        else {
            continue;
        };
        // Disabled providers (registry state OFF) get no endpoint at all.
        let (state, detailed) = match state {
            "OFF" => continue,
            "OK" | "REGISTERED" => ("OK", "Not in use"),
            _ => ("UNKNOWN", "Unavailable"),
        };
        entries.push(json!({"id": id, "state": state, "detailed-state": detailed}));
    }
    Value::Array(entries)
}

/// The statuses `GetAllStatusesAction` keeps in Redis and when they were checked.
pub struct StatusSnapshot {
    checked_at: u64,
    statuses: Map<String, Value>,
}

/// How long `GetAllStatusesAction` answers from its cache: `time() - lastCheck < 30`.
const STATUS_CACHE_SECS: u64 = 30;

/// `GetAllStatusesAction::main`: the cached statuses when checked less than 30 whole seconds
/// ago (and not empty), else a fresh check that refreshes the cache. True when cached.
fn extension_statuses(shared: &Shared, force: bool) -> (Map<String, Value>, bool) {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let mut cache = shared.status_cache();
    if !force
        && let Some(snapshot) = cache.as_ref()
        && !snapshot.statuses.is_empty()
        && now.saturating_sub(snapshot.checked_at) < STATUS_CACHE_SECS
    {
        return (snapshot.statuses.clone(), true);
    }
    let statuses: Map<String, Value> =
        shared.pbx().peers.iter().map(|peer| (peer.id.clone(), extension_status(peer))).collect();
    *cache = Some(StatusSnapshot { checked_at: now, statuses: statuses.clone() });
    (statuses, false)
}

/// PHP's `filter_var(…, FILTER_VALIDATE_BOOLEAN)`.
fn php_bool(value: Option<&Value>) -> bool {
    match value {
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_i64() == Some(1),
        Some(Value::String(s)) => matches!(s.to_ascii_lowercase().as_str(), "1" | "true" | "on" | "yes"),
        _ => false,
    }
}

/// A PHP array key: a canonical decimal integer string becomes an integer.
fn php_key(key: &str) -> Value {
    match key.parse::<i64>() {
        Ok(number) if number.to_string() == key => json!(number),
        _ => json!(key),
    }
}

/// `sip:getStatuses`: every extension's status keyed by number (`[]` when none), from the
/// 30-second cache with `messages.info` saying so; `forceCheck` skips the cache, `simplified`
/// keeps only `extension` (a PHP array key, so a number) and `status`.
fn all_statuses(shared: &Shared, data: &Map<String, Value>) -> Response {
    let force = php_bool(data.get("forceCheck"));
    let (statuses, cached) = extension_statuses(shared, force);
    let messages = if cached {
        json!({"info": ["Using cached data (fresh)"]})
    } else if force {
        json!({"info": ["Force check completed, cache updated"]})
    } else {
        json!([])
    };
    let statuses: Map<String, Value> = if php_bool(data.get("simplified")) {
        statuses
            .into_iter()
            .map(|(extension, status)| {
                let simple = json!({"extension": php_key(&extension), "status": status["status"]});
                (extension, simple)
            })
            .collect()
    } else {
        statuses
    };
    let data = if statuses.is_empty() { json!([]) } else { Value::Object(statuses) };
    ok_with("getStatuses", "Extensions\\GetAllStatusesAction::main", data, messages)
}

/// Outbound registrations come from AMI with the `-REG` suffix 2026.1 leaves on their ids;
/// disabled and registration-less providers come from the database with plain ids.
fn registry(shared: &Shared) -> Value {
    let pbx = shared.pbx();
    let entries = pbx.providers.iter().map(|provider| {
        let mut entry = provider.clone();
        let outbound =
            matches!(entry.get("state").and_then(Value::as_str), Some("REGISTERED" | "UNREGISTERED" | "REJECTED"));
        if outbound && let Some(Value::String(id)) = entry.get_mut("id") {
            id.push_str("-REG");
        }
        Value::Object(entry)
    });
    Value::Array(entries.collect())
}

/// `sip/{ext}:getStatus`: `SIPStackProcessor` takes the extension's entry from
/// `GetAllStatusesAction` (so from its cache) but drops its messages; an unknown extension is
/// a `result:false` without `httpCode`, hence 422.
fn peer_status(shared: &Shared, id: &str, data: &Map<String, Value>) -> Response {
    const PROCESSOR: &str = "SIPStackProcessor::callBack";
    if id == "0" {
        // PHP's empty("0").
        return unprocessable("getStatus", PROCESSOR, "Empty extension value in POST/GET data");
    }
    let (mut statuses, _) = extension_statuses(shared, php_bool(data.get("forceCheck")));
    match statuses.remove(id) {
        Some(status) => ok("getStatus", PROCESSOR, status),
        None => unprocessable("getStatus", PROCESSOR, "Extension not found or status unavailable"),
    }
}

fn extension_status(peer: &Peer) -> Value {
    let text =
        |contact: &Map<String, Value>, key: &str| contact.get(key).and_then(Value::as_str).unwrap_or("").to_owned();
    let devices: Vec<Value> = peer
        .contacts
        .iter()
        .map(|contact| {
            // ip and port from the contact URI (sip:201@172.16.156.1:60939;ob).
            let uri = text(contact, "URI");
            let host_port = uri.split_once('@').map_or("", |(_, rest)| rest).split(';').next().unwrap_or("");
            let (ip, port) = host_port.split_once(':').unwrap_or((host_port, "5060"));
            let rtt = text(contact, "RoundtripUsec").parse::<f64>().ok().map(|usec| (usec / 10.0).round() / 100.0);
            json!({"ip": ip, "port": port.parse::<u16>().unwrap_or(5060), "user_agent": text(contact, "UserAgent"),
                   "rtt": rtt, "country": "", "countryName": ""})
        })
        .collect();
    let available = peer.contacts.iter().any(|c| matches!(text(c, "Status").as_str(), "Reachable" | "NonQualified"));
    let best_rtt = devices.iter().filter_map(|d| d["rtt"].as_f64()).reduce(f64::min);
    json!({"extension": peer.id, "callerid": "", "status": if available { "Available" } else { "Unavailable" },
           "devices": devices, "rtt": best_rtt})
}

fn ok(function: &str, processor: &str, data: Value) -> Response {
    ok_with(function, processor, data, json!([]))
}

fn ok_with(function: &str, processor: &str, data: Value, messages: Value) -> Response {
    envelope(
        StatusCode::OK,
        json!({
            "result": true, "data": data, "messages": messages, "function": function,
            "processor": format!("{LIB}{processor}"), "pid": php::worker_pid(),
        }),
    )
}

/// A processor's `result:false` with `httpCode` (`BaseController` answers that status).
fn refused(status: StatusCode, function: &str, processor: &str, message: &str) -> Response {
    envelope(
        status,
        json!({
            "result": false, "data": [], "messages": {"error": [message]}, "function": function,
            "processor": format!("{LIB}{processor}"), "pid": php::worker_pid(), "httpCode": status.as_u16(),
        }),
    )
}

/// A processor's `result:false` without `httpCode`: `BaseController` answers 422.
fn unprocessable(function: &str, processor: &str, message: &str) -> Response {
    envelope(
        StatusCode::UNPROCESSABLE_ENTITY,
        json!({
            "result": false, "data": [], "messages": {"error": [message]}, "function": function,
            "processor": format!("{LIB}{processor}"), "pid": php::worker_pid(),
        }),
    )
}

/// `Response::setPayloadError` (middleware errors: 401, 403).
fn error(status: StatusCode, message: &str) -> Response {
    envelope(
        status,
        json!({
            "result": false, "data": [], "messages": {"error": [message]}, "function": "", "processor": "",
            "pid": php::worker_pid(),
        }),
    )
}

/// `BaseRestController::sendErrorResponse` (wrong verb 405, missing id 400): only `result`
/// and `messages` before `meta`.
fn rest_error(status: StatusCode, message: &str) -> Response {
    envelope(status, json!({"result": false, "messages": {"error": [message]}}))
}

fn envelope(status: StatusCode, inner: Value) -> Response {
    php::with_meta(status, inner, false)
}

/// `RouterProvider`'s notFound handler: note `success`, not `result`.
async fn not_found(uri: Uri) -> Response {
    let body = json!({"success": false, "messages": {"error": [format!("Endpoint not found: {}", uri.path())]},
                      "data": null});
    php::with_meta(StatusCode::NOT_FOUND, body, false).into_response()
}
