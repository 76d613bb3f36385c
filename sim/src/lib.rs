//! A faithful simulator of the MikoPBX REST API, for testing code that talks to a PBX
//! without one. Emulates either API generation with its quirks: the legacy API of
//! MikoPBX ≤ 2024.x or the v3 API of 2025.1+ (target 2026.1).
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let sim = mikopbx_sim::Simulator::start(mikopbx_sim::SimulatorOptions::default()).await?;
//! println!("simulator at {}", sim.url());
//! # Ok(()) }
//! ```

mod api;
mod control;
mod faults;
mod legacy;
mod php;
mod rate_limit;
mod request;
mod server;
mod sessions;
mod state;
mod tokens;
mod v3;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard};
use std::time::Duration;

use axum::Router;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tokio::sync::watch;

pub use faults::{Fault, FaultKind, HeaderValues};
pub use rate_limit::RateLimit;
pub use state::{Credentials, DEFAULT_STATE_JSON, PbxState, Peer, Provider, merge_patch};

use sessions::Sessions;
use tokens::Tokens;

/// Which API generation the simulator speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ApiGeneration {
    /// MikoPBX ≤ 2024.x: session cookie, `/pbxcore/api/<group>/<action>`.
    #[default]
    Legacy,
    /// MikoPBX 2025.1+ (2026.1): JWT or API key, `/pbxcore/api/v3/...`; legacy paths 404.
    V3,
}

impl std::str::FromStr for ApiGeneration {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "legacy" | "v1" => Ok(ApiGeneration::Legacy),
            "v3" => Ok(ApiGeneration::V3),
            other => Err(format!("unknown API generation {other:?} (legacy or v3)")),
        }
    }
}

/// How to run a simulator.
#[derive(Debug, Clone)]
pub struct SimulatorOptions {
    /// The API generation to speak.
    pub api: ApiGeneration,
    /// Where to listen; port 0 picks a free port.
    pub bind: SocketAddr,
    /// Serve HTTPS with a freshly generated self-signed certificate.
    pub https: bool,
    /// Let requests from 127.0.0.1 (v3: also ::1) without credentials skip authentication,
    /// as the real server does. Off by default so that local tests see what a remote
    /// client sees.
    pub trust_loopback: bool,
    pub state: PbxState,
    /// Sessions idle longer than this expire (the real server: about an hour).
    pub session_idle: Duration,
    /// The servers' login limit per 300-second window (the real server: 10), with their
    /// counting: legacy counts every attempt per client address and refuses the
    /// `login_limit`-th; v3 counts failed logins (of all clients together) and refuses every
    /// login once `login_limit` have failed.
    pub login_limit: u32,
    /// v3 access-token (JWT) lifetime (the real server: 900 s).
    pub access_token_ttl: Duration,
    /// How long past its expiry a v3 access token is still accepted (the real server: 600 s).
    pub token_leeway: Duration,
    /// 2026.1's per-address rate limit of `/pbxcore/api` requests (off by default; on a
    /// real 2026.1 it is on with [`RateLimit::default`]).
    pub rate_limit: Option<RateLimit>,
}

impl Default for SimulatorOptions {
    fn default() -> Self {
        SimulatorOptions {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            https: false,
            trust_loopback: false,
            state: PbxState::default(),
            session_idle: Duration::from_secs(3600),
            login_limit: 10,
            access_token_ttl: Duration::from_secs(900),
            token_leeway: Duration::from_secs(600),
            api: ApiGeneration::Legacy,
            rate_limit: None,
        }
    }
}

/// Counters of what the simulator has seen, for tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// `POST /admin-cabinet/session/start` requests.
    pub login_attempts: u64,
    /// Logins that created an authenticated session.
    pub logins: u64,
    /// `/pbxcore/api/...` requests (excluding the nginx-served ping).
    pub api_requests: u64,
    /// Of those, answered 401.
    pub unauthorized: u64,
    /// v3 access tokens issued through `auth:refresh`.
    pub refreshes: u64,
    /// Authenticated sessions (legacy) or accepted access tokens (v3) alive now.
    pub active_sessions: u64,
    /// Requests the rate limit refused with 429.
    pub rate_limited: u64,
    /// The most `/pbxcore/api` requests seen in progress at once.
    pub peak_in_flight: u64,
}

/// State shared by the HTTP handlers and the embedding program.
pub(crate) struct Shared {
    trust_loopback: bool,
    /// Serving HTTPS (the v3 refresh cookie is `secure` then).
    https: bool,
    pbx: RwLock<PbxState>,
    sessions: Mutex<Sessions>,
    tokens: Mutex<Tokens>,
    /// v3 extension statuses as last checked (`GetAllStatusesAction`'s 30-second cache).
    status_cache: Mutex<Option<api::StatusSnapshot>>,
    /// When provider statuses were last checked, unix seconds (`Providers\GetAllStatusesAction`'s
    /// 10-second cache; the state only changes through `edit_pbx`, which clears it).
    providers_checked: Mutex<Option<u64>>,
    faults: Mutex<Vec<Fault>>,
    rate_limiter: Option<Mutex<rate_limit::RateLimiter>>,
    in_flight: AtomicU64,
    peak_in_flight: AtomicU64,
    rate_limited: AtomicU64,
    login_attempts: AtomicU64,
    logins: AtomicU64,
    api_requests: AtomicU64,
    unauthorized: AtomicU64,
    refreshes: AtomicU64,
}

impl Shared {
    fn pbx(&self) -> RwLockReadGuard<'_, PbxState> {
        self.pbx.read().unwrap_or_else(|p| p.into_inner())
    }
    /// Changes the state; the next status check sees it at once (see docs/server-notes.md).
    fn edit_pbx(&self, edit: impl FnOnce(&mut PbxState)) {
        edit(&mut self.pbx.write().unwrap_or_else(|p| p.into_inner()));
        self.status_cache().take();
        self.providers_checked().take();
    }
    fn providers_checked(&self) -> MutexGuard<'_, Option<u64>> {
        self.providers_checked.lock().unwrap_or_else(|p| p.into_inner())
    }
    fn status_cache(&self) -> MutexGuard<'_, Option<api::StatusSnapshot>> {
        self.status_cache.lock().unwrap_or_else(|p| p.into_inner())
    }
    fn sessions(&self) -> MutexGuard<'_, Sessions> {
        self.sessions.lock().unwrap_or_else(|p| p.into_inner())
    }
    fn tokens(&self) -> MutexGuard<'_, Tokens> {
        self.tokens.lock().unwrap_or_else(|p| p.into_inner())
    }
    fn count_refresh(&self) {
        self.refreshes.fetch_add(1, Ordering::Relaxed);
    }
    fn faults(&self) -> MutexGuard<'_, Vec<Fault>> {
        self.faults.lock().unwrap_or_else(|p| p.into_inner())
    }
    fn count_login_attempt(&self) {
        self.login_attempts.fetch_add(1, Ordering::Relaxed);
    }
    fn count_login(&self) {
        self.logins.fetch_add(1, Ordering::Relaxed);
    }
    fn count_api_request(&self) {
        self.api_requests.fetch_add(1, Ordering::Relaxed);
    }
    fn count_unauthorized(&self) {
        self.unauthorized.fetch_add(1, Ordering::Relaxed);
    }

    fn set_state(&self, state: PbxState) {
        self.edit_pbx(|pbx| *pbx = state);
    }
    fn set_peer(&self, peer: Peer) {
        self.edit_pbx(|pbx| pbx.upsert_peer(peer));
    }
    fn remove_peer(&self, id: &str) {
        self.edit_pbx(|pbx| pbx.peers.retain(|p| p.id != id));
    }
    fn set_provider(&self, id: &str, fields: Map<String, Value>) {
        self.edit_pbx(|pbx| pbx.upsert_provider(id, fields));
    }
    fn expire_sessions(&self) {
        self.sessions().expire_all();
        self.tokens().expire_access();
    }
    fn expire_refresh_tokens(&self) {
        self.tokens().expire_refresh();
    }
    fn add_fault(&self, fault: Fault) {
        self.faults().push(fault);
    }
    fn clear_faults(&self) {
        self.faults().clear();
    }
    fn stats(&self) -> Stats {
        Stats {
            login_attempts: self.login_attempts.load(Ordering::Relaxed),
            logins: self.logins.load(Ordering::Relaxed),
            api_requests: self.api_requests.load(Ordering::Relaxed),
            unauthorized: self.unauthorized.load(Ordering::Relaxed),
            refreshes: self.refreshes.load(Ordering::Relaxed),
            active_sessions: (self.sessions().active_count() + self.tokens().active_count()) as u64,
            rate_limited: self.rate_limited.load(Ordering::Relaxed),
            peak_in_flight: self.peak_in_flight.load(Ordering::Relaxed),
        }
    }
}

/// The rate limit (before anything else, as nginx's access phase) and the in-flight count of
/// `/pbxcore/api` requests.
async fn limit_and_count(
    axum::extract::State(shared): axum::extract::State<Arc<Shared>>,
    axum::extract::ConnectInfo(peer): axum::extract::ConnectInfo<SocketAddr>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    if !request.uri().path().starts_with("/pbxcore/api/") {
        return next.run(request).await;
    }
    if let Some(limiter) = &shared.rate_limiter {
        let admitted = limiter.lock().unwrap_or_else(|p| p.into_inner()).admit(peer.ip(), std::time::Instant::now());
        if !admitted {
            shared.rate_limited.fetch_add(1, Ordering::Relaxed);
            return rate_limit::too_many_requests();
        }
    }
    let now = shared.in_flight.fetch_add(1, Ordering::Relaxed) + 1;
    shared.peak_in_flight.fetch_max(now, Ordering::Relaxed);
    let response = next.run(request).await;
    shared.in_flight.fetch_sub(1, Ordering::Relaxed);
    response
}

/// Applies injected faults to every request outside `/__sim/`.
async fn apply_faults(
    axum::extract::State(shared): axum::extract::State<Arc<Shared>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let path = request.uri().path();
    if path.starts_with("/__sim/") {
        return next.run(request).await;
    }
    let fault = faults::take_matching(&mut shared.faults(), path);
    match fault {
        None => next.run(request).await,
        Some(FaultKind::Status { status, retry_after }) => faults::status_response(status, retry_after),
        Some(FaultKind::Delay { delay_ms }) => {
            tokio::time::sleep(Duration::from_millis(delay_ms)).await;
            next.run(request).await
        }
        Some(FaultKind::Truncated) => faults::truncate(next.run(request).await).await,
        Some(FaultKind::Html) => php::login_page(),
        Some(FaultKind::Drop) => faults::dropped_connection(),
        Some(FaultKind::Endless) => faults::endless(),
        Some(FaultKind::Huge { bytes }) => faults::huge(bytes),
        Some(FaultKind::Answer { status, body, content_type, headers }) => {
            faults::answer(status, body, content_type.as_deref(), &headers)
        }
        Some(FaultKind::Echo { status }) => faults::echo(status, request).await,
        Some(FaultKind::Redirect { status, location }) => faults::redirect(status, &location),
    }
}

/// A running simulator. Stops when dropped (or on [`Simulator::stop`]).
pub struct Simulator {
    api: ApiGeneration,
    url: String,
    certificate: Option<(String, String)>,
    shared: Arc<Shared>,
    shutdown: watch::Sender<bool>,
}

impl std::fmt::Debug for Simulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulator").field("url", &self.url).finish_non_exhaustive()
    }
}

impl Simulator {
    /// Starts listening and serving on the current tokio runtime; returns once the port is
    /// bound, so the URL is usable at once.
    pub async fn start(options: SimulatorOptions) -> std::io::Result<Simulator> {
        let listener = tokio::net::TcpListener::bind(options.bind).await?;
        let address = listener.local_addr()?;
        let certificate =
            if options.https { Some(server::self_signed().map_err(std::io::Error::other)?) } else { None };
        let shared = Arc::new(Shared {
            trust_loopback: options.trust_loopback,
            https: options.https,
            pbx: RwLock::new(options.state),
            sessions: Mutex::new(Sessions::new(options.session_idle, options.login_limit)),
            tokens: Mutex::new(Tokens::new(options.access_token_ttl, options.token_leeway)),
            status_cache: Mutex::new(None),
            providers_checked: Mutex::new(None),
            faults: Mutex::new(Vec::new()),
            rate_limiter: options.rate_limit.map(|limit| Mutex::new(rate_limit::RateLimiter::new(limit))),
            in_flight: AtomicU64::new(0),
            peak_in_flight: AtomicU64::new(0),
            rate_limited: AtomicU64::new(0),
            login_attempts: AtomicU64::new(0),
            logins: AtomicU64::new(0),
            api_requests: AtomicU64::new(0),
            unauthorized: AtomicU64::new(0),
            refreshes: AtomicU64::new(0),
        });
        let api_routes = match options.api {
            ApiGeneration::Legacy => legacy::routes(),
            ApiGeneration::V3 => v3::routes(),
        };
        let app: Router = api_routes
            .merge(control::routes())
            .fallback(legacy::not_found)
            .layer(axum::middleware::from_fn_with_state(Arc::clone(&shared), apply_faults))
            .layer(axum::middleware::from_fn_with_state(Arc::clone(&shared), limit_and_count))
            .with_state(Arc::clone(&shared));
        let (shutdown, stop) = watch::channel(false);
        let scheme = if certificate.is_some() { "https" } else { "http" };
        let url = format!("{scheme}://{address}");
        let acceptor = certificate.as_ref().map(|c| c.acceptor.clone());
        tokio::spawn(server::serve(listener, app, acceptor, stop));
        Ok(Simulator {
            api: options.api,
            url,
            certificate: certificate.map(|c| (c.pem, c.sha256_hex)),
            shared,
            shutdown,
        })
    }

    pub fn api(&self) -> ApiGeneration {
        self.api
    }
    /// Base URL, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> &str {
        &self.url
    }
    /// The self-signed certificate (PEM) when serving HTTPS.
    pub fn certificate_pem(&self) -> Option<&str> {
        self.certificate.as_ref().map(|(pem, _)| pem.as_str())
    }
    /// SHA-256 of the certificate's DER encoding, lower-case hex, when serving HTTPS.
    pub fn certificate_sha256(&self) -> Option<&str> {
        self.certificate.as_ref().map(|(_, sha)| sha.as_str())
    }
    pub fn credentials(&self) -> Credentials {
        self.shared.pbx().credentials.clone()
    }
    pub fn state(&self) -> PbxState {
        self.shared.pbx().clone()
    }
    pub fn set_state(&self, state: PbxState) {
        self.shared.set_state(state);
    }
    /// Changes any section of the state with a JSON merge patch (as `PATCH /__sim/state`);
    /// a patch that breaks a typed section changes nothing.
    pub fn patch_state(&self, patch: &serde_json::Value) -> Result<(), String> {
        let state = self.shared.pbx().patch(patch)?;
        self.shared.set_state(state);
        Ok(())
    }
    /// Adds or replaces a peer.
    pub fn set_peer(&self, peer: Peer) {
        self.shared.set_peer(peer);
    }
    pub fn remove_peer(&self, id: &str) {
        self.shared.remove_peer(id);
    }
    /// Sets fields of a provider (created when missing).
    pub fn set_provider(&self, id: &str, fields: Map<String, Value>) {
        self.shared.set_provider(id, fields);
    }
    /// Ends every legacy session and v3 access token, as an idle timeout or 15 minutes
    /// passing would. v3 refresh tokens stay valid.
    pub fn expire_sessions(&self) {
        self.shared.expire_sessions();
    }
    /// Ends every v3 refresh token, so clients must log in again.
    pub fn expire_refresh_tokens(&self) {
        self.shared.expire_refresh_tokens();
    }
    pub fn reset_login_throttle(&self) {
        self.shared.sessions().reset_throttle();
    }
    pub fn add_fault(&self, fault: Fault) {
        self.shared.add_fault(fault);
    }
    pub fn clear_faults(&self) {
        self.shared.clear_faults();
    }
    pub fn stats(&self) -> Stats {
        self.shared.stats()
    }
    /// Stops accepting and closes open connections. Outside a runtime it returns once they
    /// are closed (within a second), so a client's next request finds the server gone; inside
    /// one, where waiting could hold up the very tasks that close them, it only starts that.
    pub fn stop(&self) {
        self.shutdown.send_replace(true);
        if tokio::runtime::Handle::try_current().is_ok() {
            return;
        }
        // The accept loop and every connection's task hold a receiver until they end.
        let deadline = std::time::Instant::now() + STOP_WAIT;
        while self.shutdown.receiver_count() > 0 && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    }
}

/// How long `Simulator::stop` waits for the connections to close.
const STOP_WAIT: std::time::Duration = std::time::Duration::from_secs(1);

impl Drop for Simulator {
    fn drop(&mut self) {
        self.stop();
    }
}
