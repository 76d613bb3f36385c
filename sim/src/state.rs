//! The simulated PBX: credentials, peers with their registered contacts, providers.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Default state: the peers and providers of the API page this project started from.
pub const DEFAULT_STATE_JSON: &str = include_str!("../default-state.json");

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Credentials {
    pub login: String,
    pub password: String,
}

/// A peer (extension). `state` is what `getPeersStatuses` reports ("OK"/"UNKNOWN"); each
/// contact is an Asterisk `ContactStatusDetail` (all values strings, as AMI sends them).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Peer {
    pub id: String,
    pub state: String,
    #[serde(default)]
    pub contacts: Vec<Map<String, Value>>,
}

/// A SIP provider as `getRegistry` reports it; the object is sent as stored, so its key
/// order and any extra keys are kept.
pub type Provider = Map<String, Value>;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PbxState {
    pub credentials: Credentials,
    #[serde(default)]
    pub peers: Vec<Peer>,
    #[serde(default)]
    pub providers: Vec<Provider>,
    /// v3 API keys accepted as `Authorization: Bearer <key>`.
    #[serde(default)]
    pub api_keys: Vec<String>,
    /// The general setting `UseWebRTC` (off on a fresh PBX): when on, every extension also
    /// has a `<id>-WS` endpoint, which v3 `sip:getPeersStatuses` lists as its own entry.
    #[serde(default)]
    pub webrtc: bool,
    /// The sections of resources that type their own state (`sim/src/api/<resource>.rs`),
    /// by name; see [`PbxState::section`].
    #[serde(flatten)]
    pub sections: Map<String, Value>,
}

impl Default for PbxState {
    fn default() -> Self {
        serde_json::from_str(DEFAULT_STATE_JSON).expect("the embedded default state is valid")
    }
}

impl PbxState {
    /// Reads a state file (same shape as `default-state.json`).
    pub fn from_json(text: &str) -> Result<PbxState, String> {
        let state: PbxState = serde_json::from_str(text).map_err(|e| format!("invalid state JSON: {e}"))?;
        if let Some(bad) = state.providers.iter().find(|p| !p.get("id").is_some_and(Value::is_string)) {
            return Err(format!("every provider needs a string \"id\": {}", Value::Object(bad.clone())));
        }
        Ok(state)
    }

    /// A resource's section of the state, read as its own type; `T::default()` when the
    /// state has none (a section that does not fit was refused by [`PbxState::patch`]).
    pub fn section<T: serde::de::DeserializeOwned + Default>(&self, name: &str) -> T {
        self.sections.get(name).and_then(|value| serde_json::from_value(value.clone()).ok()).unwrap_or_default()
    }

    /// Applies a JSON merge patch (RFC 7386) to the whole state: any section, typed or not.
    pub fn patch(&self, patch: &Value) -> Result<PbxState, String> {
        let mut document = serde_json::to_value(self).map_err(|e| e.to_string())?;
        merge_patch(&mut document, patch);
        PbxState::from_json(&document.to_string())
    }

    pub fn peer(&self, id: &str) -> Option<&Peer> {
        self.peers.iter().find(|p| p.id == id)
    }

    pub fn upsert_peer(&mut self, peer: Peer) {
        match self.peers.iter_mut().find(|p| p.id == peer.id) {
            Some(existing) => *existing = peer,
            None => self.peers.push(peer),
        }
    }

    /// Merges `fields` into the provider `id` (created when missing).
    pub fn upsert_provider(&mut self, id: &str, fields: Map<String, Value>) {
        let position = self.providers.iter().position(|p| p.get("id").and_then(Value::as_str) == Some(id));
        let provider = match position {
            Some(i) => &mut self.providers[i],
            None => {
                let mut fresh = Map::new();
                for key in ["state", "id", "username", "host"] {
                    fresh.insert(key.to_owned(), Value::String(String::new()));
                }
                fresh.insert("id".to_owned(), Value::String(id.to_owned()));
                self.providers.push(fresh);
                self.providers.last_mut().expect("just pushed")
            }
        };
        for (key, value) in fields {
            if key != "id" {
                provider.insert(key, value);
            }
        }
    }
}

/// RFC 7386: objects merge key by key, `null` deletes a key, anything else replaces.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let Value::Object(map) = target else { return };
    for (key, value) in patch {
        if value.is_null() {
            map.remove(key);
        } else {
            merge_patch(map.entry(key.clone()).or_insert(Value::Null), value);
        }
    }
}
