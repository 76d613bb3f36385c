//! The library's log for C programs: one callback for the core's events (logins, session
//! renewals, requests, retries, pauses), never carrying a secret.

use std::ffi::{CString, c_char, c_void};

use mikopbx_core::LogLevel;

use crate::error::{guard, invalid, mikopbx_status};

/// A level of `mikopbx_set_log_callback`: no events.
pub const MIKOPBX_LOG_OFF: i32 = 0;
/// Failures the library recovers from or reports (a refused login).
pub const MIKOPBX_LOG_ERROR: i32 = 1;
pub const MIKOPBX_LOG_WARN: i32 = 2;
/// Logins, logouts and session renewals.
pub const MIKOPBX_LOG_INFO: i32 = 3;
/// Every request and answer, retry and pause.
pub const MIKOPBX_LOG_DEBUG: i32 = 4;
pub const MIKOPBX_LOG_TRACE: i32 = 5;

/// Receives one event: its level (`MIKOPBX_LOG_*`), the library module it comes from (e.g.
/// `"mikopbx::transport"`) and its text. Both strings are valid only during the call.
pub type mikopbx_log_fn =
    Option<unsafe extern "C" fn(user_data: *mut c_void, level: i32, target: *const c_char, message: *const c_char)>;

/// The caller's `user_data`, handed back untouched on whatever thread logs.
struct UserData(*mut c_void);

impl UserData {
    /// (A method, so that closures capture the `Send` wrapper, not the bare pointer.)
    fn pointer(&self) -> *mut c_void {
        self.0
    }
}

// SAFETY: the library never dereferences it; the caller of `mikopbx_set_log_callback` accepts
// that the callback gets it on the library's threads.
unsafe impl Send for UserData {}
// SAFETY: as above.
unsafe impl Sync for UserData {}

/// Sends the library's events at `level` and above (`MIKOPBX_LOG_ERROR` … `MIKOPBX_LOG_TRACE`)
/// to `callback`, with `user_data`; `MIKOPBX_LOG_OFF` or a NULL `callback` stops it. Replaces
/// the callback set before. Events never contain a password, API key, token or cookie.
///
/// The callback runs on the library's own threads as well as the caller's, possibly on
/// several at once: it must be thread-safe and quick, and must not call this library. An
/// unknown level is `MIKOPBX_ERR_INVALID_ARGUMENT`.
///
/// # Safety
/// `callback` is NULL or a function that may be called with `user_data` from any thread until
/// the callback is replaced or stopped.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mikopbx_set_log_callback(
    level: i32,
    callback: mikopbx_log_fn,
    user_data: *mut c_void,
) -> mikopbx_status {
    guard(|| {
        let level =
            match level {
                MIKOPBX_LOG_OFF => None,
                other => Some(LogLevel::from_number(other).ok_or_else(|| {
                    invalid(format!("unknown log level {other}: MIKOPBX_LOG_OFF … MIKOPBX_LOG_TRACE"))
                })?),
            };
        let Some(callback) = callback.filter(|_| level.is_some()) else {
            mikopbx_core::set_log_level(None);
            return Ok(());
        };
        let user_data = UserData(user_data);
        mikopbx_core::set_log_sink(level, move |record| {
            // Texts with a NUL (never seen from the core) lose it rather than the event.
            let text = |s: &str| CString::new(s.replace('\0', "")).unwrap_or_default();
            let (target, message) = (text(record.target), text(record.message));
            // SAFETY: the caller's contract; the strings live until the call returns.
            unsafe { callback(user_data.pointer(), record.level as i32, target.as_ptr(), message.as_ptr()) };
        })
    })
}
