//! The legacy (≤ 2024.x) API: admin-cabinet login/logout and `/pbxcore/api/<group>/<action>`
//! with the server's quirks (reference §2.1, §2.2, §3, §4 and checklist §10).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use serde_json::{Map, Value, json};

use crate::Shared;
use crate::api::{self, Outcome};
use crate::sessions::Sessions;
use crate::{php, request};

const SESSION_COOKIE: &str = "PHPSESSID";
const LIB: &str = "MikoPBX\\PBXCoreREST\\Lib\\";

pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/admin-cabinet/session/start", post(session_start))
        .route("/admin-cabinet/session/end", get(session_end))
        .route("/pbxcore/api/system/ping", get(ping))
        .route("/pbxcore/api/{*rest}", any(api))
}

/// Route groups of `RouterProvider::getRoutes()` in 2024.1 and their processor classes.
fn processor_of(group: &str) -> Option<&'static str> {
    Some(match group {
        "sip" => "SIPStackProcessor",
        "iax" => "IAXStackProcessor",
        "cdr" => "CdrDBProcessor",
        "firewall" => "FirewallManagementProcessor",
        "storage" => "StorageManagementProcessor",
        "system" => "SystemManagementProcessor",
        "syslog" => "SysLogsManagementProcessor",
        "sysinfo" => "SysinfoManagementProcessor",
        "files" => "FilesManagementProcessor",
        "advice" => "AdvicesProcessor",
        "extensions" => "ExtensionsManagementProcessor",
        "users" => "UsersManagementProcessor",
        "license" => "LicenseManagementProcessor",
        "call-queues" => "CallQueuesManagementProcessor",
        "conference-rooms" => "ConferenceRoomsManagementProcessor",
        "ivr-menu" => "IvrMenuManagementProcessor",
        "dialplan-applications" => "DialplanApplicationsProcessor",
        _ => return None,
    })
}

fn is_ajax(headers: &HeaderMap) -> bool {
    headers.get("x-requested-with").is_some_and(|v| v.as_bytes() == b"XMLHttpRequest")
}

fn session_id(headers: &HeaderMap) -> Option<&str> {
    request::cookie(headers, SESSION_COOKIE)
}

fn with_cookie(mut response: Response, id: &str) -> Response {
    if let Ok(value) = HeaderValue::from_str(&format!("{SESSION_COOKIE}={id}; path=/")) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// `POST /admin-cabinet/session/start`: form fields from `$_POST` only (a JSON body is not
/// understood), JSON answer only for `X-Requested-With: XMLHttpRequest`, HTTP 200 always.
async fn session_start(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    shared.count_login_attempt();
    let form = request::form(&headers, &body);
    let login = form.get("login").map_or("guest", String::as_str);
    let password = form.get("password").map_or("guest", String::as_str);
    let had_session = session_id(&headers).is_some();

    // `startAction` counts every attempt before looking at the credentials and refuses
    // when nothing is left, so the limit-th attempt of a window is already refused.
    let client = request::forwarded_client_address(&headers, peer.ip());
    let left = shared.sessions().legacy_logins.remaining(&client, true);
    let (answer, cookie) = if left == 0 {
        // The throttle's quirk: success:true, an error message, and no authenticated session.
        (
            json!({"success": true, "reload": "/admin-cabinet/session/index",
                   "message": {"error": ["Too many login attempts. Your IP address is blocked for 300 seconds."]}}),
            (!had_session).then(Sessions::new_id),
        )
    } else {
        let credentials = shared.pbx().credentials.clone();
        if login == credentials.login && password == credentials.password {
            let id = shared.sessions().create();
            shared.count_login();
            let reload = form.get("backUri").cloned().unwrap_or_else(|| "index/index".to_owned());
            (json!({"success": true, "reload": reload, "message": []}), Some(id))
        } else {
            (
                json!({"success": false, "reload": false,
                       "message": {"error": [format!("Authorization failed, you have {left} attempts left")]}}),
                (!had_session).then(Sessions::new_id),
            )
        }
    };
    let response = if is_ajax(&headers) { php::cabinet_json(answer) } else { php::login_page() };
    match cookie {
        Some(id) => with_cookie(response, &id),
        None => response,
    }
}

/// `GET /admin-cabinet/session/end`.
async fn session_end(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    if let Some(id) = session_id(&headers) {
        shared.sessions().remove(id);
    }
    if is_ajax(&headers) {
        php::cabinet_json(json!({"success": true, "reload": false, "message": []}))
    } else {
        php::login_page()
    }
}

/// nginx serves this static file itself: exactly `PONG`, no authentication.
pub async fn ping() -> Response {
    let mut response = "PONG".into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    response
}

/// `/pbxcore/api/<group>/<action>`: 404 for unrouted paths (before authentication), 401 for
/// missing sessions, then the processor's envelope.
async fn api(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    method: Method,
    headers: HeaderMap,
    Path(rest): Path<String>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    shared.count_api_request();
    let segments: Vec<&str> = rest.split('/').collect();
    let routed = matches!(method, Method::GET | Method::POST)
        && matches!(segments.as_slice(), [group, action] if processor_of(group).is_some() && !action.is_empty());
    let [group, action] = segments.as_slice() else {
        return php::error(StatusCode::NOT_FOUND, "404 (Not Found)");
    };
    if !routed {
        return php::error(StatusCode::NOT_FOUND, "404 (Not Found)");
    }
    let trusted = shared.trust_loopback && peer.ip() == IpAddr::V4(Ipv4Addr::LOCALHOST);
    if !trusted && !session_id(&headers).is_some_and(|id| shared.sessions().touch(id)) {
        shared.count_unauthorized();
        return php::error(StatusCode::UNAUTHORIZED, "The user isn't authenticated.");
    }
    // GET reads `$_REQUEST`; POST of the sip group reads the raw body as JSON, the other
    // groups' POST controllers `$_POST` (a form; `Controllers/Firewall/PostController.php`).
    let form = |text: &[u8]| -> Map<String, Value> {
        form_urlencoded::parse(text).map(|(k, v)| (k.into_owned(), Value::String(v.into_owned()))).collect()
    };
    let params: Map<String, Value> = if method == Method::GET {
        form(query.as_deref().unwrap_or("").as_bytes())
    } else if *group == "sip" {
        serde_json::from_slice::<Value>(&body).ok().and_then(|v| v.as_object().cloned()).unwrap_or_default()
    } else {
        form(&body)
    };
    dispatch(&shared, group, action, &params)
}

/// The resource's answer in the legacy envelope (`result: false` answers HTTP 200), or the
/// processor's "Unknown action".
fn dispatch(shared: &Shared, group: &str, action: &str, params: &Map<String, Value>) -> Response {
    match api::legacy(shared, &api::LegacyCall { group, action, params }) {
        Some(answer) => {
            let processor = format!("{LIB}{}", answer.processor);
            match answer.outcome {
                Outcome::Data { data, messages } => php::envelope(answer.function, &processor, true, data, messages),
                Outcome::Refused(message) => {
                    php::envelope(answer.function, &processor, false, json!([]), json!({"error": [message]}))
                }
            }
        }
        None => {
            let class = processor_of(group).unwrap_or("ApiProcessor");
            php::envelope(
                action,
                &format!("{LIB}{class}::callBack"),
                false,
                json!([]),
                json!({"error": [format!("Unknown action - {action} in {LIB}{class}")]}),
            )
        }
    }
}

/// Anything else on the web server: nginx's 404 page.
pub async fn not_found() -> Response {
    let mut response = (
        StatusCode::NOT_FOUND,
        "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
    )
        .into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
    response
}
