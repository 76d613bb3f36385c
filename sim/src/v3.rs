//! The v3 API (MikoPBX 2025.1+, target 2026.1.223): `/pbxcore/api/v3/<resource>[/<id>][:<method>]`,
//! bearer JWT or API key, real HTTP statuses, no `jsonapi` (reference §2.3, §3.3, §7).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use serde_json::{Map, Value, json};

use crate::sessions::Attempt;
use crate::state::Peer;
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

/// Custom methods the simulator knows: resource, method, verb, needs an id, public.
const METHODS: &[(&str, &str, Method, bool, bool)] = &[
    ("system", "ping", Method::GET, false, true),
    ("auth", "login", Method::POST, false, true),
    ("auth", "refresh", Method::POST, false, true),
    ("auth", "logout", Method::POST, false, false),
    ("sip", "getPeersStatuses", Method::GET, false, false),
    ("sip", "getRegistry", Method::GET, false, false),
    ("sip", "getStatus", Method::GET, true, false),
];

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
    let known = METHODS.iter().find(|(r, m, ..)| *r == route.resource && *m == action);
    let Some((_, _, verb, needs_id, public)) = known else { return not_found(uri).await };
    if *verb != method {
        return error(StatusCode::METHOD_NOT_ALLOWED, &format!("Method '{action}' is not allowed with HTTP {method}"));
    }
    if *needs_id != route.id.is_some() {
        return error(StatusCode::BAD_REQUEST, &format!("Method '{action}' requires a resource id"));
    }
    if !*public && let Some(refusal) = refuse(&shared, peer.ip(), &headers) {
        shared.count_unauthorized();
        return refusal;
    }
    match (route.resource, action) {
        ("system", "ping") => ok("ping", "SystemManagementProcessor::handlePing", json!([])),
        ("auth", "login") => login(&shared, peer.ip(), &headers, &body),
        ("auth", "refresh") => refresh(&shared, &headers),
        ("auth", "logout") => logout(&shared, &headers),
        ("sip", "getPeersStatuses") => {
            ok("getPeersStatuses", "Sip\\GetPeersStatusesAction::main", peers_statuses(&shared))
        }
        ("sip", "getRegistry") => ok("getRegistry", "Sip\\GetRegistryAction::main", registry(&shared)),
        ("sip", "getStatus") => peer_status(&shared, route.id.unwrap_or_default()),
        _ => not_found(uri).await,
    }
}

/// Bearer JWT or API key; without a token, loopback (`127.0.0.1` or `::1`) is trusted when
/// configured. A bad token is refused even from loopback.
fn refuse(shared: &Shared, ip: IpAddr, headers: &HeaderMap) -> Option<Response> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    match bearer {
        Some(token) if shared.tokens().access_valid(token) || shared.pbx().api_keys.iter().any(|k| k == token) => None,
        Some(_) => Some(error(StatusCode::UNAUTHORIZED, "Invalid or expired Bearer token")),
        None if shared.trust_loopback && is_local(ip) => None,
        None => Some(error(StatusCode::UNAUTHORIZED, "The user isn't authenticated.")),
    }
}

/// `REMOTE_ADDR` is exactly `127.0.0.1` or `::1` (not the rest of 127.0.0.0/8).
fn is_local(ip: IpAddr) -> bool {
    ip == IpAddr::from([127, 0, 0, 1]) || ip == IpAddr::from([0u16, 0, 0, 0, 0, 0, 0, 1])
}

fn login(shared: &Shared, ip: IpAddr, headers: &HeaderMap, body: &[u8]) -> Response {
    shared.count_login_attempt();
    let form = request::form(headers, body);
    let left = match shared.sessions().count_attempt(ip) {
        Attempt::Throttled => {
            return error(StatusCode::TOO_MANY_REQUESTS, "Too many login attempts. Please try again in 300 seconds.");
        }
        Attempt::Allowed { left } => left,
    };
    let (Some(login), Some(password)) = (form.get("login"), form.get("password")) else {
        return error(StatusCode::BAD_REQUEST, "Login and password are required");
    };
    let credentials = shared.pbx().credentials.clone();
    if *login != credentials.login || *password != credentials.password {
        return failure(StatusCode::UNAUTHORIZED, &format!("Authorization failed, you have {left} attempts left"));
    }
    shared.count_login();
    let mut tokens = shared.tokens();
    let access = tokens.issue_access(login);
    let refresh = tokens.issue_refresh();
    let data =
        json!({"accessToken": access, "tokenType": "Bearer", "expiresIn": tokens.access_ttl.as_secs(), "login": login});
    with_refresh_cookie(ok("login", "Auth\\LoginAction::main", data), &refresh)
}

fn refresh(shared: &Shared, headers: &HeaderMap) -> Response {
    let Some(token) = request::cookie(headers, REFRESH_COOKIE) else {
        return failure(StatusCode::UNAUTHORIZED, "Refresh token is missing");
    };
    let mut tokens = shared.tokens();
    if !tokens.refresh_valid(token) {
        return failure(StatusCode::UNAUTHORIZED, "Refresh token expired or invalid");
    }
    shared.count_refresh();
    let login = shared.pbx().credentials.login.clone();
    let access = tokens.issue_access(&login);
    let data = json!({"accessToken": access, "tokenType": "Bearer", "expiresIn": tokens.access_ttl.as_secs(),
                      "homePage": "/admin-cabinet/extensions/index"});
    ok("refresh", "Auth\\RefreshAction::main", data)
}

fn logout(shared: &Shared, headers: &HeaderMap) -> Response {
    if let Some(token) = request::cookie(headers, REFRESH_COOKIE) {
        shared.tokens().revoke_refresh(token);
    }
    let mut response = ok("logout", "Auth\\LogoutAction::main", json!({"message": "Successfully logged out"}));
    response.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_static(
            "refreshToken=deleted; expires=Thu, 01 Jan 1970 00:00:01 GMT; path=/; HttpOnly; SameSite=Strict",
        ),
    );
    response
}

fn with_refresh_cookie(mut response: Response, token: &str) -> Response {
    if let Ok(value) = HeaderValue::from_str(&format!("{REFRESH_COOKIE}={token}; path=/; HttpOnly; SameSite=Strict")) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// `AsteriskManager::getPjSipPeers` at 2026.1: keyed by endpoint, so each extension's
/// WebRTC twin `<id>-WS` is its own entry; `detailed-state` is Asterisk's device state.
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
        entries.push(json!({"id": format!("{}-WS", peer.id), "state": "UNKNOWN", "detailed-state": "Unavailable"}));
    }
    Value::Array(entries)
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

/// `sip/{ext}:getStatus`: the extension's entry of `GetAllStatusesAction`, or 422.
fn peer_status(shared: &Shared, id: &str) -> Response {
    let pbx = shared.pbx();
    let Some(peer) = pbx.peer(id) else {
        return failure(StatusCode::UNPROCESSABLE_ENTITY, "Extension not found or status unavailable");
    };
    ok("getStatus", "SIPStackProcessor::callBack", extension_status(peer))
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
    envelope(
        StatusCode::OK,
        json!({
            "result": true, "data": data, "messages": [], "function": function,
            "processor": format!("{LIB}{processor}"), "pid": php::worker_pid(),
        }),
    )
}

/// A processor's `result:false` with `httpCode` (`BaseController` answers that status).
fn failure(status: StatusCode, message: &str) -> Response {
    envelope(
        status,
        json!({
            "result": false, "data": [], "messages": {"error": [message]}, "function": "", "processor": "",
            "pid": php::worker_pid(), "httpCode": status.as_u16(),
        }),
    )
}

/// `Response::setPayloadError` (middleware errors: 401, 403, 405…).
fn error(status: StatusCode, message: &str) -> Response {
    envelope(
        status,
        json!({
            "result": false, "data": [], "messages": {"error": [message]}, "function": "", "processor": "",
            "pid": php::worker_pid(),
        }),
    )
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
