//! Status codes, the thread-local last error, and the guard every entry point runs in.

use std::cell::RefCell;
use std::ffi::{CStr, CString, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};

use mikopbx_core::{Error, ErrorKind};

/// The result of every fallible call: `MIKOPBX_OK` (0) or one of the `MIKOPBX_ERR_*` codes.
///
/// A plain integer type rather than a C `enum`, so that any value a caller hands back (for
/// example to `mikopbx_status_name`) is well defined. Codes are stable across versions.
pub type mikopbx_status = i32;

/// Success.
pub const MIKOPBX_OK: mikopbx_status = 0;
/// An argument was NULL, not valid UTF-8, or unusable (bad URL, bad PEM, bad pin, bad JSON
/// body, empty peer id, conflicting options).
pub const MIKOPBX_ERR_INVALID_ARGUMENT: mikopbx_status = 1;
/// Login failed, the session or token was refused, or the server needs credentials that
/// were not configured.
pub const MIKOPBX_ERR_AUTH: mikopbx_status = 2;
/// The server processed the call and answered `result: false` (its messages are in
/// `mikopbx_last_error()`).
pub const MIKOPBX_ERR_API: mikopbx_status = 3;
/// The server answered an HTTP error status (see `mikopbx_last_error_http_status()`).
pub const MIKOPBX_ERR_HTTP: mikopbx_status = 4;
/// The connection could not be made or broke (refused, reset, DNS).
pub const MIKOPBX_ERR_TRANSPORT: mikopbx_status = 5;
/// Connecting or waiting for the answer took longer than configured.
pub const MIKOPBX_ERR_TIMEOUT: mikopbx_status = 6;
/// The TLS handshake failed (untrusted certificate, pin mismatch, protocol error).
pub const MIKOPBX_ERR_TLS: mikopbx_status = 7;
/// The answer was not the JSON shape the call expects (HTML page, truncated body).
pub const MIKOPBX_ERR_DECODE: mikopbx_status = 8;
/// The server's API generation does not offer this call (for example an API key against a
/// legacy server), or the library was used in a child process after `fork()`.
pub const MIKOPBX_ERR_UNSUPPORTED: mikopbx_status = 9;
/// An internal error (a bug in the library, such as a panic) was caught before it reached
/// the caller; the message says where.
pub const MIKOPBX_ERR_PANIC: mikopbx_status = 10;
/// The server's rate limit blocked this address (MikoPBX 2026.1 blocks for 300 s and more),
/// or the client's pacing could not fit the call into its timeout; the details' `retry_after`
/// (`mikopbx_last_error_json()`) says for how long.
pub const MIKOPBX_ERR_RATE_LIMITED: mikopbx_status = 11;

const PANIC_MESSAGE: &str = "internal error: the mikopbx library panicked (a bug; details on stderr)";

struct LastError {
    message: CString,
    http_status: u16,
    /// `Error::details` as JSON text; `null` after a success.
    details: CString,
}

impl Default for LastError {
    fn default() -> Self {
        LastError { message: CString::default(), http_status: 0, details: c"null".to_owned() }
    }
}

thread_local! {
    static LAST_ERROR: RefCell<LastError> = RefCell::new(LastError::default());
}

/// The status code of a core error kind: one code per kind.
pub(crate) fn status_of(kind: ErrorKind) -> mikopbx_status {
    match kind {
        ErrorKind::InvalidInput => MIKOPBX_ERR_INVALID_ARGUMENT,
        ErrorKind::Authentication => MIKOPBX_ERR_AUTH,
        ErrorKind::Api => MIKOPBX_ERR_API,
        ErrorKind::Http => MIKOPBX_ERR_HTTP,
        ErrorKind::Transport => MIKOPBX_ERR_TRANSPORT,
        ErrorKind::Timeout => MIKOPBX_ERR_TIMEOUT,
        ErrorKind::Tls => MIKOPBX_ERR_TLS,
        ErrorKind::Decode => MIKOPBX_ERR_DECODE,
        ErrorKind::Unsupported => MIKOPBX_ERR_UNSUPPORTED,
        ErrorKind::Internal => MIKOPBX_ERR_PANIC,
        ErrorKind::RateLimited => MIKOPBX_ERR_RATE_LIMITED,
    }
}

/// The stable name of a status code, `"MIKOPBX_ERR_AUTH"` for example.
pub(crate) fn status_name(status: mikopbx_status) -> &'static CStr {
    match status {
        MIKOPBX_OK => c"MIKOPBX_OK",
        MIKOPBX_ERR_INVALID_ARGUMENT => c"MIKOPBX_ERR_INVALID_ARGUMENT",
        MIKOPBX_ERR_AUTH => c"MIKOPBX_ERR_AUTH",
        MIKOPBX_ERR_API => c"MIKOPBX_ERR_API",
        MIKOPBX_ERR_HTTP => c"MIKOPBX_ERR_HTTP",
        MIKOPBX_ERR_TRANSPORT => c"MIKOPBX_ERR_TRANSPORT",
        MIKOPBX_ERR_TIMEOUT => c"MIKOPBX_ERR_TIMEOUT",
        MIKOPBX_ERR_TLS => c"MIKOPBX_ERR_TLS",
        MIKOPBX_ERR_DECODE => c"MIKOPBX_ERR_DECODE",
        MIKOPBX_ERR_UNSUPPORTED => c"MIKOPBX_ERR_UNSUPPORTED",
        MIKOPBX_ERR_PANIC => c"MIKOPBX_ERR_PANIC",
        MIKOPBX_ERR_RATE_LIMITED => c"MIKOPBX_ERR_RATE_LIMITED",
        _ => c"MIKOPBX_UNKNOWN_STATUS",
    }
}

/// An invalid-argument error (core's messages never contain secrets; neither do these).
pub(crate) fn invalid(message: impl Into<String>) -> Error {
    Error::InvalidInput { message: message.into() }
}

/// The error's text plus the server's own messages when the text does not already carry
/// them (authentication errors keep them apart).
fn describe(error: &Error) -> String {
    let mut text = error.to_string();
    let extra: Vec<&str> = error
        .server_messages()
        .iter()
        .map(String::as_str)
        .filter(|message| !message.is_empty() && !text.contains(message))
        .collect();
    if !extra.is_empty() {
        text = format!("{text} (server: {})", extra.join("; "));
    }
    text
}

/// Records the thread's last outcome: `None` for a success.
fn record(error: Option<&Error>) {
    match error {
        Some(error) => store(&describe(error), error.status().unwrap_or(0), &error.details().to_string()),
        None => store("", 0, "null"),
    }
}

/// Records a caught panic: a fixed message (the panic's own text goes to stderr only).
fn record_panic() {
    let details = Error::Internal { message: PANIC_MESSAGE.to_owned() }.details();
    store(PANIC_MESSAGE, 0, &details.to_string());
}

fn store(message: &str, http_status: u16, details: &str) {
    // `try_with` fails only while the thread is exiting; there is nobody left to tell then.
    let _ = LAST_ERROR.try_with(|cell| {
        if let Ok(mut last) = cell.try_borrow_mut() {
            last.message = c_string(message);
            last.http_status = http_status;
            last.details = c_string(details);
        }
    });
}

/// Runs one entry point: records its outcome as the thread's last error and turns a panic
/// into `MIKOPBX_ERR_PANIC`.
pub(crate) fn guard(work: impl FnOnce() -> Result<(), Error>) -> mikopbx_status {
    let outcome = catch_unwind(AssertUnwindSafe(|| match work() {
        Ok(()) => {
            record(None);
            MIKOPBX_OK
        }
        Err(error) => {
            record(Some(&error));
            status_of(error.kind())
        }
    }));
    outcome.unwrap_or_else(|_| {
        // Recording can only panic on allocation failure; the status still gets through.
        let _ = catch_unwind(record_panic);
        MIKOPBX_ERR_PANIC
    })
}

/// Runs an entry point that cannot report a status (the `_free` functions): a panic is
/// stopped at the boundary and recorded as the thread's last error.
pub(crate) fn guard_void(work: impl FnOnce()) {
    if catch_unwind(AssertUnwindSafe(work)).is_err() {
        let _ = catch_unwind(record_panic);
    }
}

/// Runs an infallible entry point (one that returns a value, not a status): a panic is
/// stopped at the boundary and `fallback` returned.
pub(crate) fn guard_value<T>(fallback: T, work: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(work)).unwrap_or(fallback)
}

/// The thread's last error message; valid until the thread's next call into the library.
pub(crate) fn last_error_ptr() -> *const c_char {
    LAST_ERROR
        .try_with(|cell| cell.try_borrow().map(|last| last.message.as_ptr()).ok())
        .ok()
        .flatten()
        .unwrap_or(c"".as_ptr())
}

/// The thread's last error as JSON (`Error::details`), `null` after a success.
pub(crate) fn last_error_json_ptr() -> *const c_char {
    LAST_ERROR
        .try_with(|cell| cell.try_borrow().map(|last| last.details.as_ptr()).ok())
        .ok()
        .flatten()
        .unwrap_or(c"null".as_ptr())
}

pub(crate) fn last_error_http_status() -> u16 {
    LAST_ERROR.try_with(|cell| cell.try_borrow().map(|last| last.http_status).unwrap_or(0)).unwrap_or(0)
}

/// A C copy of `text`.
pub(crate) fn c_string(text: &str) -> CString {
    // A NUL cannot sit inside a C string: it becomes U+FFFD, so the change is visible (the
    // JSON fields keep the server's exact text, with the NUL escaped). Text without one, all
    // but every text, is copied once, into a buffer with room for the NUL (a big list
    // converts thousands: docs/performance.md).
    let text = if text.contains('\0') { CString::new(text.replace('\0', "\u{FFFD}")) } else { CString::new(text) };
    text.unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn last_message() -> String {
        // SAFETY: `last_error_ptr` always returns a valid NUL-terminated string.
        unsafe { CStr::from_ptr(last_error_ptr()) }.to_string_lossy().into_owned()
    }

    #[test]
    fn a_panic_becomes_the_panic_status_with_a_fixed_message() {
        let status = guard(|| panic!("an internal detail"));
        assert_eq!(status, MIKOPBX_ERR_PANIC);
        assert_eq!(last_message(), PANIC_MESSAGE);
        guard_void(|| panic!("in a free function"));
        assert_eq!(last_message(), PANIC_MESSAGE);
        assert_eq!(guard(|| Ok(())), MIKOPBX_OK);
        assert_eq!(last_message(), "");
    }

    #[test]
    fn a_nul_in_text_becomes_the_replacement_character() {
        assert_eq!(c_string("201").as_bytes_with_nul(), b"201\0");
        assert_eq!(c_string("a\0b").to_str(), Ok("a\u{FFFD}b"));
        assert_eq!(c_string("").as_bytes_with_nul(), b"\0");
    }

    #[test]
    fn every_kind_has_a_named_code() {
        let kinds = [
            ErrorKind::InvalidInput,
            ErrorKind::Authentication,
            ErrorKind::Api,
            ErrorKind::Http,
            ErrorKind::Transport,
            ErrorKind::Timeout,
            ErrorKind::Tls,
            ErrorKind::Decode,
            ErrorKind::Unsupported,
            ErrorKind::Internal,
            ErrorKind::RateLimited,
        ];
        let mut codes: Vec<_> = kinds.iter().map(|kind| status_of(*kind)).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes, (1..=11).collect::<Vec<_>>());
        assert!(codes.iter().all(|code| status_name(*code) != c"MIKOPBX_UNKNOWN_STATUS"));
    }

    #[test]
    fn server_messages_are_appended_once() {
        let error = Error::Authentication {
            url: "http://pbx/".to_owned(),
            status: Some(200),
            message: "refused".to_owned(),
            server_messages: vec!["Authorization failed".to_owned()],
        };
        assert_eq!(status_of(error.kind()), MIKOPBX_ERR_AUTH);
        let text = describe(&error);
        assert!(text.ends_with("(server: Authorization failed)"), "{text}");
    }
}
