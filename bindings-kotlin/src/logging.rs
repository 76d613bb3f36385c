//! The core's log events (requests, responses, retries, pacing, logins, renewals, logout)
//! handed to a Kotlin or Swift logger: `setLogger(level, logger)`. The core filters by level
//! before formatting, so a disabled level costs nothing.

use crate::Result;

/// How much the SDK logs, from the least to the most.
#[derive(uniffi::Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

impl LogLevel {
    fn to_core(self) -> mikopbx::LogLevel {
        match self {
            LogLevel::Error => mikopbx::LogLevel::Error,
            LogLevel::Warn => mikopbx::LogLevel::Warn,
            LogLevel::Info => mikopbx::LogLevel::Info,
            LogLevel::Debug => mikopbx::LogLevel::Debug,
            LogLevel::Trace => mikopbx::LogLevel::Trace,
        }
    }

    fn of(level: mikopbx::LogLevel) -> LogLevel {
        match level {
            mikopbx::LogLevel::Error => LogLevel::Error,
            mikopbx::LogLevel::Warn => LogLevel::Warn,
            mikopbx::LogLevel::Info => LogLevel::Info,
            mikopbx::LogLevel::Debug => LogLevel::Debug,
            mikopbx::LogLevel::Trace => LogLevel::Trace,
        }
    }
}

/// Receives the SDK's log events (see `setLogger`). It is called on the SDK's own threads,
/// while a call is in progress: it must return quickly (hand the record to your logging
/// framework) and must not call a client. What it throws is dropped.
#[uniffi::export(callback_interface)]
pub trait MikoPbxLogger: Send + Sync {
    /// `target` is the SDK module (`mikopbx::transport`, `mikopbx::auth`, ...), `message` the
    /// event with its fields (`retrying url=http://pbx/... attempt=1 delay=1s`); neither ever
    /// holds a password, key, token or session cookie.
    fn log(&self, level: LogLevel, target: String, message: String) -> Result<()>;
}

/// Sends the SDK's events at `level` and above (null: none) to `logger`, for every client of
/// the process, replacing the logger set before. Fails (`Unsupported`) only when the process
/// already has a Rust `tracing` subscriber of its own.
#[uniffi::export]
pub fn set_logger(level: Option<LogLevel>, logger: Box<dyn MikoPbxLogger>) -> Result<()> {
    mikopbx::set_log_sink(level.map(LogLevel::to_core), move |record| {
        // A logger that throws loses its record; it must not fail the call being logged.
        let _ = logger.log(LogLevel::of(record.level), record.target.to_owned(), record.message.to_owned());
    })?;
    Ok(())
}

/// Changes the level of the logger set by `setLogger` (null: nothing is logged).
#[uniffi::export]
pub fn set_log_level(level: Option<LogLevel>) {
    mikopbx::set_log_level(level.map(LogLevel::to_core));
}
