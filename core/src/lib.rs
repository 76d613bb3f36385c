//! Client for the MikoPBX REST API.
//!
//! Speaks the legacy session-cookie API of MikoPBX ≤ 2024.x, detects the API generation of
//! a server, and returns typed models that keep the server's raw values.
//!
//! ```no_run
//! # async fn demo() -> mikopbx::Result<()> {
//! let config = mikopbx::Config::builder("https://pbx.example.com")
//!     .login("admin", "secret")
//!     .build()?;
//! let client = mikopbx::Client::new(config)?;
//! for peer in client.peer_statuses().await? {
//!     println!("{} {}", peer.id, peer.state);
//! }
//! # Ok(()) }
//! ```

mod api;
mod auth;
pub mod blocking;
mod caller_thread;
mod client;
mod config;
mod envelope;
mod error;
mod feed;
#[cfg(test)]
mod fuzz;
mod generation;
mod list_entry;
mod logging;
mod model;
mod options;
mod pacing;
mod path;
mod raw_json;
mod redact;
mod runtime;
mod saved_session;
mod server_certificate;
mod time;
mod tls;
mod transport;

pub use api::*;
pub use client::Client;
pub use config::{
    ApiVersion, Config, ConfigBuilder, Credentials, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_REQUEST_TIMEOUT, DEFAULT_RETRIES, MAX_RETRIES, MAX_TIMEOUT, TlsTrust, parse_sha256_pin, seconds,
};
pub use envelope::Messages;
pub use error::{Error, ErrorKind, Result};
pub use feed::{Feed, Pulled};
pub use generation::ApiGeneration;
pub use logging::{LogLevel, LogRecord, log_level, set_log_level, set_log_sink};
pub use options::{CredentialSource, ENV_API_KEY, ENV_LOGIN, ENV_PASSWORD, ENV_URL, Options, env_var};
pub use pacing::{AUTO_REQUESTS_PER_MINUTE, DEFAULT_MAX_IN_FLIGHT, LOCKOUT, MAX_BURST, MAX_IN_FLIGHT, Pacing};
pub use raw_json::RawJson;
pub use runtime::{block_on, block_on_interruptible, runtime, shutdown_runtime};
pub use saved_session::SavedSession;
pub use server_certificate::{ServerCertificate, server_certificate};
pub use time::{LocalTime, UnixTime};
pub use tls::certificate_sha256;
pub use transport::RequestBody;

/// What the operations list needs from other crates, by `$crate` path.
#[doc(hidden)]
pub mod __private {
    pub use serde_json::{Map, Value};

    /// The peer list of an answer, read as `peer_statuses` reads it (without the filters):
    /// for core's decode benchmark (`core/benches/decode.rs`), not an API.
    pub fn read_peer_list(answer: Vec<u8>) -> crate::Result<Vec<crate::PeerStatus>> {
        crate::envelope::read_list("benchmark", 200, false, &bytes::Bytes::from(answer))
    }
}
