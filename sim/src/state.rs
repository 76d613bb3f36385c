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
