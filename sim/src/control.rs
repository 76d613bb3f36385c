//! `/__sim/…`: the control API (a prefix the real server never uses). Every operation is a
//! method of [`crate::Shared`], which the embedded [`crate::Simulator`] calls directly.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use serde_json::{Map, Value, json};

use crate::Shared;
use crate::faults::Fault;
use crate::state::{PbxState, Peer};

pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/__sim/state", get(get_state).put(put_state).patch(patch_state))
        .route("/__sim/peers/{id}", put(put_peer).delete(delete_peer))
        .route("/__sim/providers/{id}", put(put_provider))
        .route("/__sim/sessions/expire", post(expire_sessions))
        .route("/__sim/refresh-tokens/expire", post(expire_refresh_tokens))
        .route("/__sim/throttle/reset", post(reset_throttle))
        .route("/__sim/faults", post(add_fault).delete(clear_faults))
        .route("/__sim/stats", get(stats))
        .route("/__sim/{*rest}", delete(unknown).get(unknown).post(unknown).put(unknown))
}

fn done() -> Response {
    Json(json!({"ok": true})).into_response()
}

async fn get_state(State(shared): State<Arc<Shared>>) -> Json<PbxState> {
    Json(shared.pbx().clone())
}

async fn put_state(State(shared): State<Arc<Shared>>, Json(state): Json<PbxState>) -> Response {
    shared.set_state(state);
    done()
}

/// Body: a JSON merge patch of the state: changes any section (`{"webrtc": true}`,
/// `{"banned_ips": [...]}`); `null` removes a key.
async fn patch_state(State(shared): State<Arc<Shared>>, Json(patch): Json<Value>) -> Response {
    let patched = shared.pbx().patch(&patch);
    match patched {
        Ok(state) => {
            shared.set_state(state);
            done()
        }
        Err(e) => bad_request(&e),
    }
}

/// Body: `{"state": "OK", "contacts": [{…}]}`; omitted fields keep their value.
async fn put_peer(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    Json(body): Json<Map<String, Value>>,
) -> Response {
    let mut peer =
        shared.pbx().peer(&id).cloned().unwrap_or(Peer { id: id.clone(), state: "UNKNOWN".into(), contacts: vec![] });
    if let Some(state) = body.get("state").and_then(Value::as_str) {
        peer.state = state.to_owned();
    }
    if let Some(contacts) = body.get("contacts") {
        match serde_json::from_value(contacts.clone()) {
            Ok(contacts) => peer.contacts = contacts,
            Err(e) => return bad_request(&format!("contacts must be a list of objects: {e}")),
        }
    }
    shared.set_peer(peer);
    done()
}

async fn delete_peer(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    shared.remove_peer(&id);
    done()
}

/// Body: fields to set, e.g. `{"state": "REJECTED"}`.
async fn put_provider(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    Json(fields): Json<Map<String, Value>>,
) -> Response {
    shared.set_provider(&id, fields);
    done()
}

async fn expire_sessions(State(shared): State<Arc<Shared>>) -> Response {
    shared.expire_sessions();
    done()
}

async fn expire_refresh_tokens(State(shared): State<Arc<Shared>>) -> Response {
    shared.expire_refresh_tokens();
    done()
}

async fn reset_throttle(State(shared): State<Arc<Shared>>) -> Response {
    shared.sessions().reset_throttle();
    done()
}

/// Body: a [`Fault`], e.g. `{"kind":"status","status":503,"retry_after":1,"count":1}`; one
/// the simulator could not send as asked (an invalid header, a redirect without a 3xx) is
/// refused with 400.
async fn add_fault(State(shared): State<Arc<Shared>>, Json(fault): Json<Fault>) -> Response {
    if let Some(problem) = fault.kind.problem() {
        return bad_request(&problem);
    }
    shared.add_fault(fault);
    done()
}

async fn clear_faults(State(shared): State<Arc<Shared>>) -> Response {
    shared.clear_faults();
    done()
}

async fn stats(State(shared): State<Arc<Shared>>) -> Response {
    Json(shared.stats()).into_response()
}

async fn unknown() -> Response {
    (StatusCode::NOT_FOUND, Json(json!({"ok": false, "error": "unknown control endpoint"}))).into_response()
}

fn bad_request(message: &str) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({"ok": false, "error": message}))).into_response()
}
