//! The core's events — requests and responses, retries, pacing, logins and session renewals —
//! for a binding's own logging: Python's `logging`, the CLI's `-v`, a Kotlin or C callback.
//! Rust programs subscribe with `tracing` as usual; a binding, which has no `tracing` of its
//! own, installs one sink with [`set_log_sink`] instead. Events carry no secrets: URLs are
//! shown without credentials, bodies are never logged, error texts are redacted.

use std::fmt::Write;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, OnceLock, RwLock};

use tracing::field::{Field, Visit};
use tracing::{Event, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

use crate::error::{Error, Result};

/// How much to log, from the least to the most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogLevel {
    Error = 1,
    Warn = 2,
    Info = 3,
    Debug = 4,
    Trace = 5,
}

impl LogLevel {
    /// The level of its number (`Error` = 1 … `Trace` = 5), as C passes it.
    pub fn from_number(number: i32) -> Option<LogLevel> {
        Some(match number {
            1 => LogLevel::Error,
            2 => LogLevel::Warn,
            3 => LogLevel::Info,
            4 => LogLevel::Debug,
            5 => LogLevel::Trace,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Error => "error",
            LogLevel::Warn => "warn",
            LogLevel::Info => "info",
            LogLevel::Debug => "debug",
            LogLevel::Trace => "trace",
        }
    }

    fn of(level: &tracing::Level) -> LogLevel {
        match *level {
            tracing::Level::ERROR => LogLevel::Error,
            tracing::Level::WARN => LogLevel::Warn,
            tracing::Level::INFO => LogLevel::Info,
            tracing::Level::DEBUG => LogLevel::Debug,
            tracing::Level::TRACE => LogLevel::Trace,
        }
    }
}

impl std::str::FromStr for LogLevel {
    type Err = Error;

    fn from_str(text: &str) -> Result<LogLevel> {
        Ok(match text.to_ascii_lowercase().as_str() {
            "error" => LogLevel::Error,
            "warn" | "warning" => LogLevel::Warn,
            "info" => LogLevel::Info,
            "debug" => LogLevel::Debug,
            "trace" => LogLevel::Trace,
            _ => return Err(Error::invalid(format!("unknown log level {text:?}: error, warn, info, debug or trace"))),
        })
    }
}

/// One event: `target` is the core module (`mikopbx::transport`, `mikopbx::auth`, …) and
/// `message` the text with the event's fields after it (`request method=GET url=…`).
#[derive(Debug)]
pub struct LogRecord<'a> {
    pub level: LogLevel,
    pub target: &'a str,
    pub message: &'a str,
}

type Sink = Arc<dyn Fn(&LogRecord<'_>) + Send + Sync>;

/// The most detailed level delivered (0: none), read for every event before any formatting.
static LEVEL: AtomicU8 = AtomicU8::new(0);
static SINK: RwLock<Option<Sink>> = RwLock::new(None);
static INSTALLED: OnceLock<std::result::Result<(), String>> = OnceLock::new();

/// Delivers the core's events at `level` and above to `sink`, replacing the sink set before;
/// `None` stops delivery. The sink is called on whatever thread the event happens, the
/// runtime's threads among them: it must be quick and must not call the client. Fails when
/// the process already has another global `tracing` subscriber.
pub fn set_log_sink(level: Option<LogLevel>, sink: impl Fn(&LogRecord<'_>) + Send + Sync + 'static) -> Result<()> {
    install()?;
    *SINK.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Arc::new(sink));
    set_log_level(level);
    Ok(())
}

/// Changes the level of the installed sink (`None`: nothing).
pub fn set_log_level(level: Option<LogLevel>) {
    LEVEL.store(level.map_or(0, |l| l as u8), Ordering::Relaxed);
}

/// The level events are delivered at now.
pub fn log_level() -> Option<LogLevel> {
    LogLevel::from_number(i32::from(LEVEL.load(Ordering::Relaxed)))
}

fn install() -> Result<()> {
    INSTALLED
        .get_or_init(|| {
            let subscriber = tracing_subscriber::registry().with(Forward);
            tracing::subscriber::set_global_default(subscriber).map_err(|e| e.to_string())
        })
        .clone()
        .map_err(|message| Error::Unsupported {
            message: format!(
                "cannot deliver the client's log: this process has its own tracing subscriber ({message})"
            ),
        })
}

/// The layer that hands enabled events of the core to the sink.
struct Forward;

impl<S: Subscriber> Layer<S> for Forward {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> tracing::subscriber::Interest {
        // Asked again for every event, so that a level change applies at once.
        tracing::subscriber::Interest::sometimes()
    }

    fn enabled(&self, metadata: &Metadata<'_>, _: Context<'_, S>) -> bool {
        metadata.target().starts_with("mikopbx")
            && (LogLevel::of(metadata.level()) as u8) <= LEVEL.load(Ordering::Relaxed)
    }

    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let Some(sink) = SINK.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone() else { return };
        let mut text = Text::default();
        event.record(&mut text);
        let message = if text.fields.is_empty() { text.message } else { format!("{}{}", text.message, text.fields) };
        let metadata = event.metadata();
        sink(&LogRecord { level: LogLevel::of(metadata.level()), target: metadata.target(), message: &message });
    }
}

/// An event's message, then its other fields as ` name=value`.
#[derive(Default)]
struct Text {
    message: String,
    fields: String,
}

impl Visit for Text {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            let _ = write!(self.fields, " {}={value}", field.name());
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            let _ = write!(self.fields, " {}={value:?}", field.name());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn events_reach_the_sink_at_its_level_only() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let into = Arc::clone(&seen);
        set_log_sink(Some(LogLevel::Info), move |record| {
            // (Other tests of this binary log too.)
            if record.target != "mikopbx::logging::tests" {
                return;
            }
            into.lock().unwrap().push(format!("{} {} {}", record.level.as_str(), record.target, record.message));
        })
        .unwrap();
        tracing::info!(url = "http://pbx/", attempt = 2, "retrying");
        tracing::debug!("not at info");
        set_log_level(Some(LogLevel::Debug));
        tracing::debug!(wait = ?std::time::Duration::from_millis(5), "pacing");
        set_log_level(None);
        tracing::error!("off");
        let seen = seen.lock().unwrap().clone();
        assert_eq!(
            seen,
            [
                "info mikopbx::logging::tests retrying url=http://pbx/ attempt=2",
                "debug mikopbx::logging::tests pacing wait=5ms"
            ]
        );
        assert_eq!("WARNING".parse::<LogLevel>().unwrap(), LogLevel::Warn);
        assert!("loud".parse::<LogLevel>().is_err());
    }
}
