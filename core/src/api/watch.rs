//! A stream of changes of a PBX, made by comparing health snapshots taken at an interval:
//! extension and provider state changes, calls started and ended, the PBX unreachable and
//! reachable again, and gaps when the watcher could not see. It never ends on its own and never
//! fails for what the server does; it keeps the client's one session for its whole life.
//!
//! Polling is the source: 2026.1 publishes status events on its event bus only while someone
//! views the admin pages (docs/server-notes.md). The default interval is the 30 s the server
//! caches extension statuses for: polling faster returns the same answers.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::Duration;

use futures_util::{Stream, stream};

use super::arguments;
use crate::error::{Error, Result};
use crate::model::define_models;
use crate::{Health, UnixTime};

/// The models of the watcher, declared once (see `__peer_models!`).
#[doc(hidden)]
#[macro_export]
macro_rules! __watch_models {
    ($callback:ident) => {
        $callback! {
            enums {
                /// What a watch event says.
                enum WatchEventKind {
                    /// The whole state (`snapshot`): the first event, and again after a gap.
                    Snapshot = "snapshot",
                    ExtensionChanged = "extension_changed",
                    ProviderChanged = "provider_changed",
                    /// A call (`id` is its `linkedid`) is in progress that was not before.
                    CallStarted = "call_started",
                    CallEnded = "call_ended",
                    /// The PBX could not be read (`error` says why); the watcher keeps trying.
                    Unreachable = "unreachable",
                    Reachable = "reachable",
                    /// The watcher could not see from `since` to `at`: changes in between may
                    /// be reported late (as the difference) or not at all (if undone).
                    Gap = "gap",
                }
            }
            models {
                /// One change seen by `watch`.
                struct WatchEvent {
                    /// What happened: `snapshot`, `extension_changed`, `provider_changed`,
                    /// `call_started`, `call_ended`, `unreachable`, `reachable` or `gap`.
                    kind: $crate::WatchEventKind,
                    /// When the watcher saw it (the snapshot's time).
                    at: $crate::UnixTime,
                    /// The extension's or provider's id, or the call's `linkedid`.
                    id: Option<String>,
                    /// The state before (normalised; absent for something new).
                    old_state: Option<String>,
                    /// The state now (normalised; absent for something gone).
                    new_state: Option<String>,
                    /// The server's word for the new state.
                    server_state: Option<String>,
                    /// Why the PBX is unreachable.
                    error: Option<String>,
                    /// The start of a gap: when the watcher last saw the PBX.
                    since: Option<$crate::UnixTime>,
                    /// The whole state, for `snapshot` events.
                    snapshot: Option<$crate::Health>,
                }
                methods {}
            }
        }
    };
}

__watch_models!(define_models);

/// How to watch.
#[derive(Debug, Clone, PartialEq)]
pub struct WatchOptions {
    /// Between snapshots (default [`DEFAULT_WATCH_INTERVAL`]; at least [`MIN_WATCH_INTERVAL`]).
    pub interval: Duration,
    /// As `health`: comma-separated id patterns.
    pub include: Option<String>,
    pub exclude: Option<String>,
}

/// The server's extension-status cache lives this long.
pub const DEFAULT_WATCH_INTERVAL: Duration = Duration::from_secs(30);
pub const MIN_WATCH_INTERVAL: Duration = Duration::from_millis(100);
/// The longest pause between attempts while the PBX is unreachable.
const MAX_RETRY_PAUSE: Duration = Duration::from_secs(300);

impl WatchOptions {
    /// Checked options from the bindings' arguments: the interval in seconds (default
    /// [`DEFAULT_WATCH_INTERVAL`]) and `health`'s patterns.
    pub fn new(
        interval_seconds: Option<f64>,
        include: Option<String>,
        exclude: Option<String>,
    ) -> Result<WatchOptions> {
        let interval = match interval_seconds {
            None => DEFAULT_WATCH_INTERVAL,
            Some(seconds) => Duration::try_from_secs_f64(seconds)
                .map_err(|_| Error::invalid(format!("the watch interval {seconds} is not a number of seconds")))?,
        };
        let options = WatchOptions { interval, include, exclude };
        options.check()?;
        Ok(options)
    }

    /// The options from JSON (`{"interval": 5, "include": "2*"}`; `null` for the defaults), as
    /// the C API takes them. Unknown names are refused.
    pub fn from_json(arguments: serde_json::Value) -> Result<WatchOptions> {
        const NAME: &str = "watch";
        let mut map = arguments::object(NAME, arguments)?;
        let interval = arguments::take(NAME, &mut map, "interval")?;
        let include = arguments::take(NAME, &mut map, "include")?;
        let exclude = arguments::take(NAME, &mut map, "exclude")?;
        arguments::no_others(NAME, &map)?;
        WatchOptions::new(interval, include, exclude)
    }

    /// Refuses an interval below [`MIN_WATCH_INTERVAL`] and patterns `health` refuses.
    pub fn check(&self) -> Result<()> {
        if self.interval < MIN_WATCH_INTERVAL {
            return Err(Error::invalid(format!("the watch interval must be at least {MIN_WATCH_INTERVAL:?}")));
        }
        super::health::check_patterns(self.include.as_deref(), self.exclude.as_deref())
    }
}

impl Default for WatchOptions {
    fn default() -> Self {
        WatchOptions { interval: DEFAULT_WATCH_INTERVAL, include: None, exclude: None }
    }
}

/// What the watcher knows between polls.
struct Watcher {
    client: crate::Client,
    options: WatchOptions,
    pending: VecDeque<WatchEvent>,
    /// The last snapshot the PBX answered, and whether the last attempt failed.
    last: Option<Health>,
    /// When the last answered snapshot came back, on the monotonic clock: what the watcher saw
    /// last (a snapshot's `taken_at` is when it was asked for, in whole seconds, and the first
    /// one's includes the login).
    last_seen: Option<tokio::time::Instant>,
    unreachable: bool,
    failures: u32,
    started: bool,
}

impl crate::Client {
    /// Every change of the PBX, forever (see the module's doc and [`WatchEventKind`]). Bad
    /// options are the first and only item, an `InvalidInput` error.
    pub fn watch(&self, options: WatchOptions) -> impl Stream<Item = Result<WatchEvent>> + Send + 'static {
        let watcher = Watcher {
            client: self.clone(),
            options,
            pending: VecDeque::new(),
            last: None,
            last_seen: None,
            unreachable: false,
            failures: 0,
            started: false,
        };
        stream::unfold(Some(watcher), |watcher| async move {
            let mut watcher = watcher?;
            loop {
                if let Some(event) = watcher.pending.pop_front() {
                    return Some((Ok(event), Some(watcher)));
                }
                if let Err(error) = watcher.poll().await {
                    return Some((Err(error), None));
                }
            }
        })
    }
}

impl crate::blocking::Client {
    /// [`crate::Client::watch`], waiting for each event as the iteration reaches it.
    pub fn watch(&self, options: WatchOptions) -> impl Iterator<Item = Result<WatchEvent>> + 'static {
        crate::blocking::iterate(self.as_async().watch(options))
    }
}

impl Watcher {
    /// Waits for the next snapshot (none before the first) and queues what it shows.
    async fn poll(&mut self) -> Result<()> {
        if !self.started {
            self.options.check()?;
        }
        if self.started {
            tokio::time::sleep(self.pause()).await;
        }
        self.started = true;
        let health = self.client.health(self.options.include.clone(), self.options.exclude.clone()).await?;
        let seen = tokio::time::Instant::now();
        let at = health.taken_at;
        if !health.reachable {
            self.failures = self.failures.saturating_add(1);
            if !self.unreachable {
                self.unreachable = true;
                self.pending.push_back(event(WatchEventKind::Unreachable, at, |e| e.error = health.error.clone()));
            }
            return Ok(());
        }
        self.failures = 0;
        let previous = self.last.take();
        let late = self.last_seen.replace(seen).is_some_and(|last| {
            seen.saturating_duration_since(last) > self.options.interval.saturating_mul(3) + Duration::from_secs(1)
        });
        let recovered = std::mem::replace(&mut self.unreachable, false);
        if recovered {
            self.pending.push_back(event(WatchEventKind::Reachable, at, |_| {}));
        }
        if let Some(previous) = &previous {
            if recovered || late {
                self.pending.push_back(event(WatchEventKind::Gap, at, |e| e.since = Some(previous.taken_at)));
            }
            self.pending.extend(changes(previous, &health));
        }
        if previous.is_none() || recovered || late {
            self.pending.push_back(event(WatchEventKind::Snapshot, at, |e| e.snapshot = Some(health.clone())));
        }
        self.last = Some(health);
        Ok(())
    }

    /// The interval, doubled for each failed attempt in a row up to five minutes.
    fn pause(&self) -> Duration {
        let interval = self.options.interval;
        if self.failures == 0 {
            return interval;
        }
        interval.saturating_mul(1 << self.failures.min(12)).min(MAX_RETRY_PAUSE.max(interval))
    }
}

fn event(kind: WatchEventKind, at: UnixTime, fill: impl FnOnce(&mut WatchEvent)) -> WatchEvent {
    let mut event = WatchEvent {
        kind,
        at,
        id: None,
        old_state: None,
        new_state: None,
        server_state: None,
        error: None,
        since: None,
        snapshot: None,
    };
    fill(&mut event);
    event
}

/// Every difference between two snapshots, in a stable order: extensions, providers, calls.
fn changes(before: &Health, after: &Health) -> Vec<WatchEvent> {
    let at = after.taken_at;
    let mut events = Vec::new();
    let states = |pairs: Vec<(String, String, String)>| -> BTreeMap<String, (String, String)> {
        pairs.into_iter().map(|(id, state, server)| (id, (state, server))).collect()
    };
    let extensions = |h: &Health| {
        states(h.extensions.iter().map(|e| (e.id.clone(), e.state.to_string(), e.server_state.clone())).collect())
    };
    let providers = |h: &Health| {
        states(h.providers.iter().map(|p| (p.id.clone(), p.state.to_string(), p.server_state.clone())).collect())
    };
    for (kind, old, new) in [
        (WatchEventKind::ExtensionChanged, extensions(before), extensions(after)),
        (WatchEventKind::ProviderChanged, providers(before), providers(after)),
    ] {
        let ids: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
        for id in ids {
            let (from, to) = (old.get(id), new.get(id));
            if from.map(|s| &s.0) != to.map(|s| &s.0) {
                events.push(event(kind.clone(), at, |e| {
                    e.id = Some(id.clone());
                    e.old_state = from.map(|s| s.0.clone());
                    e.new_state = to.map(|s| s.0.clone());
                    e.server_state = to.map(|s| s.1.clone());
                }));
            }
        }
    }
    let (old, new): (BTreeSet<&String>, BTreeSet<&String>) =
        (before.call_ids.iter().collect(), after.call_ids.iter().collect());
    for id in new.difference(&old) {
        events.push(event(WatchEventKind::CallStarted, at, |e| e.id = Some((*id).clone())));
    }
    for id in old.difference(&new) {
        events.push(event(WatchEventKind::CallEnded, at, |e| e.id = Some((*id).clone())));
    }
    events
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn options_are_checked_before_any_request() {
        let options = WatchOptions::from_json(json!({"interval": 0.5, "include": "2*"})).unwrap();
        assert_eq!((options.interval, options.include.as_deref()), (Duration::from_millis(500), Some("2*")));
        assert_eq!(WatchOptions::from_json(serde_json::Value::Null).unwrap(), WatchOptions::default());
        for bad in [json!({"interval": 0.01}), json!({"interval": -1}), json!({"exclude": ","}), json!({"every": 5})] {
            assert!(WatchOptions::from_json(bad.clone()).is_err(), "{bad}");
        }
    }
}
