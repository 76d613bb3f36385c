//! `mikopbx exporter`: a Prometheus exporter. `/metrics` holds the exporter's own metrics
//! (and the PBX's when one is given by flags); `/probe?target=NAME` one PBX of the config
//! file, as blackbox_exporter does, so that one exporter serves many PBXes and the target
//! list lives in Prometheus. Each PBX has one client for the exporter's whole life (one
//! session: no login per scrape, no login throttle), and its snapshot is served from memory
//! until it is `cache_seconds` old, so scrapes never read a PBX faster than its own caches
//! refresh; scrapes that arrive together share one read.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use mikopbx::{Client, Config, WatchOptions};
use serde::Deserialize;

use crate::monitoring::{self, Exposition, labels, one};

/// How long a stopping exporter waits for the PBXes to end their sessions.
const LOGOUT_GRACE: Duration = Duration::from_secs(5);

/// The exporter's `Content-Type`: the text exposition format.
const TEXT_FORMAT: &str = "text/plain; version=0.0.4; charset=utf-8";

/// A PBX to export, before its client exists.
pub struct TargetSpec {
    pub name: String,
    pub config: Config,
    pub polling: WatchOptions,
}

/// One PBX being exported.
struct Target {
    name: String,
    client: Client,
    polling: WatchOptions,
    /// The last snapshot, rendered; locked for the length of a read so that scrapes arriving
    /// during one wait for it instead of starting another.
    snapshot: tokio::sync::Mutex<Option<Snapshot>>,
    probes: AtomicU64,
    reads: AtomicU64,
    failed_reads: AtomicU64,
    /// The last read: 0 none yet, 1 unreachable, 2 reachable.
    last_read: AtomicU8,
}

/// One of a target's counters.
type Counter = fn(&Target) -> &AtomicU64;

#[derive(Clone)]
struct Snapshot {
    taken: Instant,
    metrics: Arc<str>,
}

struct Exporter {
    /// `/probe` targets by name.
    targets: BTreeMap<String, Arc<Target>>,
    /// The PBX of the command-line flags, on `/metrics`.
    own: Option<Arc<Target>>,
}

impl Target {
    fn new(spec: TargetSpec) -> mikopbx::Result<Arc<Target>> {
        Ok(Arc::new(Target {
            name: spec.name,
            client: Client::new(spec.config)?,
            polling: spec.polling,
            snapshot: tokio::sync::Mutex::new(None),
            probes: AtomicU64::new(0),
            reads: AtomicU64::new(0),
            failed_reads: AtomicU64::new(0),
            last_read: AtomicU8::new(0),
        }))
    }

    /// The PBX's metrics, read again only when the kept snapshot is too old.
    async fn metrics(&self) -> mikopbx::Result<String> {
        self.probes.fetch_add(1, Ordering::Relaxed);
        let mut kept = self.snapshot.lock().await;
        let snapshot = match kept.as_ref().filter(|s| s.taken.elapsed() < self.polling.interval) {
            Some(fresh) => fresh.clone(),
            None => {
                let read = self.read().await?;
                *kept = Some(read.clone());
                read
            }
        };
        drop(kept);
        let mut out = Exposition { text: snapshot.metrics.to_string() };
        out.family(
            "mikopbx_snapshot_age_seconds",
            "gauge",
            "How old the served snapshot is (the exporter reads a PBX at most once per cache_seconds).",
            &one(snapshot.taken.elapsed().as_secs_f64()),
        );
        Ok(out.text)
    }

    async fn read(&self) -> mikopbx::Result<Snapshot> {
        self.reads.fetch_add(1, Ordering::Relaxed);
        let health = self.client.health(self.polling.include.clone(), self.polling.exclude.clone()).await?;
        if !health.reachable {
            self.failed_reads.fetch_add(1, Ordering::Relaxed);
        }
        // One log line when a PBX goes away and one when it is back, not one per scrape.
        let state = if health.reachable { 2 } else { 1 };
        if self.last_read.swap(state, Ordering::Relaxed) != state {
            if health.reachable {
                eprintln!("mikopbx exporter: {}: reachable", self.name);
            } else {
                let reason = health.error.as_deref().unwrap_or("no answer");
                eprintln!("mikopbx exporter: {}: cannot be read: {}", self.name, crate::output::printable(reason));
            }
        }
        Ok(Snapshot { taken: Instant::now(), metrics: monitoring::prometheus(&health).into() })
    }
}

impl Exporter {
    fn all(&self) -> impl Iterator<Item = &Arc<Target>> {
        self.own.iter().chain(self.targets.values())
    }

    /// The exporter's own metrics, per target.
    fn own_metrics(&self) -> String {
        let mut out = Exposition::default();
        out.family(
            "mikopbx_exporter_build_info",
            "gauge",
            "The exporter's version.",
            &[(labels(&[("version", env!("CARGO_PKG_VERSION"))]), "1".to_owned())],
        );
        out.family("mikopbx_exporter_targets", "gauge", "PBXes this exporter serves.", &one(self.all().count()));
        let per_target = |value: &dyn Fn(&Target) -> Option<u64>| -> Vec<(String, String)> {
            self.all().filter_map(|t| value(t).map(|v| (labels(&[("target", &t.name)]), v.to_string()))).collect()
        };
        let counters: [(&str, &str, Counter); 3] = [
            ("mikopbx_exporter_probes_total", "Scrapes of a PBX's metrics.", |t| &t.probes),
            ("mikopbx_exporter_pbx_reads_total", "Snapshots read from a PBX.", |t| &t.reads),
            ("mikopbx_exporter_pbx_read_failures_total", "Snapshots that found a PBX unreachable.", |t| {
                &t.failed_reads
            }),
        ];
        for (name, help, counter) in counters {
            out.family(name, "counter", help, &per_target(&|t| Some(counter(t).load(Ordering::Relaxed))));
        }
        out.family(
            "mikopbx_exporter_pbx_up",
            "gauge",
            "Whether the last read of a PBX reached it (absent before the first read).",
            &per_target(&|t| match t.last_read.load(Ordering::Relaxed) {
                0 => None,
                state => Some(u64::from(state == 2)),
            }),
        );
        out.text
    }
}

#[derive(Deserialize)]
struct ProbeQuery {
    target: Option<String>,
}

async fn metrics(State(exporter): State<Arc<Exporter>>) -> Response {
    // The PBX first, so that the exporter's own metrics count this scrape.
    let pbx = match &exporter.own {
        Some(own) => match own.metrics().await {
            Ok(text) => text,
            Err(error) => return failed(&error),
        },
        None => String::new(),
    };
    exposition(exporter.own_metrics() + &pbx)
}

async fn probe(State(exporter): State<Arc<Exporter>>, Query(query): Query<ProbeQuery>) -> Response {
    let Some(name) = query.target else {
        return (StatusCode::BAD_REQUEST, "give a target: /probe?target=NAME\n").into_response();
    };
    let Some(target) = exporter.targets.get(&name) else {
        let known: Vec<&str> = exporter.targets.keys().map(String::as_str).collect();
        let message = format!("no target {name:?} in the config file; it has: {}\n", known.join(", "));
        return (StatusCode::NOT_FOUND, message).into_response();
    };
    match target.metrics().await {
        Ok(text) => exposition(text),
        Err(error) => failed(&error),
    }
}

async fn index(State(exporter): State<Arc<Exporter>>) -> String {
    let mut text = "mikopbx exporter\n\n/metrics: the exporter's own metrics".to_owned();
    if exporter.own.is_some() {
        text.push_str(" and those of the PBX given by flags");
    }
    text.push('\n');
    for name in exporter.targets.keys() {
        text.push_str(&format!("/probe?target={name}\n"));
    }
    text
}

fn exposition(text: String) -> Response {
    ([(header::CONTENT_TYPE, TEXT_FORMAT)], text).into_response()
}

/// Only bad filters make `health` fail, and those are checked at start: still an answer.
fn failed(error: &mikopbx::Error) -> Response {
    (StatusCode::INTERNAL_SERVER_ERROR, format!("{error}\n")).into_response()
}

/// Serves until SIGTERM or Ctrl-C, then ends every PBX session it opened. Prints the address
/// it listens on (port 0 picks a free one) as its first line of output.
pub async fn serve(listen: SocketAddr, own: Option<TargetSpec>, targets: Vec<TargetSpec>) -> Result<(), String> {
    let exporter = Arc::new(Exporter {
        own: own.map(Target::new).transpose().map_err(|e| e.to_string())?,
        targets: targets
            .into_iter()
            .map(|spec| Ok((spec.name.clone(), Target::new(spec).map_err(|e| e.to_string())?)))
            .collect::<Result<_, String>>()?,
    });
    let listener =
        tokio::net::TcpListener::bind(listen).await.map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let address = listener.local_addr().map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    outln!("mikopbx exporter listening on http://{address} (/metrics, /probe?target=NAME)");
    let app = axum::Router::new()
        .route("/", get(index))
        .route("/metrics", get(metrics))
        .route("/probe", get(probe))
        .with_state(exporter.clone());
    axum::serve(listener, app).with_graceful_shutdown(stop_requested()).await.map_err(|e| e.to_string())?;
    let mut logouts = tokio::task::JoinSet::new();
    for target in exporter.all() {
        let client = target.client.clone();
        logouts.spawn(async move { client.logout().await });
    }
    // Best effort: a PBX that does not answer now lets its session expire by itself.
    let _ = tokio::time::timeout(LOGOUT_GRACE, logouts.join_all()).await;
    eprintln!("mikopbx exporter: stopped");
    Ok(())
}

async fn stop_requested() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => drop(signal.recv().await),
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        () = terminate => {}
        _ = tokio::signal::ctrl_c() => {}
    }
}
