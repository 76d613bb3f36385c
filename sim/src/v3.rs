//! The v3 API (MikoPBX 2025.1+, target 2026.1.223): `/pbxcore/api/v3/<resource>[/<id>][:<method>]`,
//! bearer JWT or API key, real HTTP statuses, no `jsonapi` (reference §2.3, §3.3, §7).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use serde_json::{Map, Value, json};

use crate::tokens::REFRESH_TTL;
use crate::{Shared, api, legacy, php, request};

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

/// The methods of the token exchange, which are the generation's own; every other custom
/// method belongs to a resource (`api::v3_methods`).
const AUTH_METHODS: &[&str] = &["login", "refresh", "logout"];

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
    // A plain GET of a collection or a record is the REST controller's `getList` or
    // `getRecord` (`v3/cdr`, `v3/cdr/{id}`).
    let action = match route.method {
        Some(action) => action,
        None if method == Method::GET && route.id.is_some() => "getRecord",
        None if method == Method::GET => "getList",
        None => return not_found(uri).await,
    };
    let methods = api::v3_methods();
    let auth = route.resource == "auth";
    if !auth && !methods.iter().any(|known| known.resource == route.resource) {
        return not_found(uri).await;
    }
    let public = PUBLIC.iter().any(|prefix| uri.path().starts_with(prefix));
    if !public && let Some(refusal) = refuse(&shared, peer.ip(), &headers) {
        shared.count_unauthorized();
        return refusal;
    }
    let known = if auth {
        AUTH_METHODS.contains(&action) && method == Method::POST
    } else {
        methods.iter().any(|m| m.resource == route.resource && m.method == action && m.verb == method)
    };
    if !known {
        return rest_error(
            StatusCode::METHOD_NOT_ALLOWED,
            &format!("Method '{action}' is not allowed with HTTP {method}"),
        );
    }
    let id = route.id.filter(|id| !id.is_empty());
    let needs_id = methods.iter().any(|m| m.resource == route.resource && m.method == action && m.needs_id);
    if needs_id && id.is_none() {
        return rest_error(StatusCode::BAD_REQUEST, &format!("Method '{action}' requires a resource ID"));
    }
    let data = request::data(&method, &headers, uri.query(), &body);
    match (route.resource, action) {
        ("auth", "login") => login(&shared, &data),
        ("auth", "refresh") => refresh(&shared, peer.ip(), &headers, &data),
        ("auth", "logout") => logout(&shared, &headers, &data),
        _ => match api::v3(&shared, &api::V3Call { resource: route.resource, id, method: action, data: &data }) {
            Some(answer) => answered(answer),
            None => not_found(uri).await,
        },
    }
}

/// A resource's answer in the v3 envelope: `result: false` without `httpCode` is a 422.
fn answered(answer: api::Answer) -> Response {
    match answer.outcome {
        api::Outcome::Data { data, messages } => ok_with(answer.function, &answer.processor, data, messages),
        api::Outcome::Refused(message) => unprocessable(answer.function, &answer.processor, &message),
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
