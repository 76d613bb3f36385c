//! C ABI of the MikoPBX SDK: `include/mikopbx.h` (generated from this crate by cbindgen),
//! `libmikopbx.so` and `libmikopbx.a`.
//!
//! A thin layer over `mikopbx::blocking::Client`: it converts C arguments to core values,
//! calls the core, and converts results and errors back. Every entry point runs inside
//! `error::guard`, which catches panics and records the thread's last error.

#![allow(non_camel_case_types)]

mod args;
mod config;
mod error;
mod log;
mod models;
mod watch;

use std::ffi::c_char;

use mikopbx_core::RequestBody;

use crate::args::{optional_str, out_param, required_ref, required_str};
pub use crate::config::{MIKOPBX_RETRIES_NONE, mikopbx_config};
pub use crate::error::*;
use crate::error::{guard, guard_value, guard_void, invalid};
pub use crate::log::*;
use crate::models::{free_string, owned};
pub use crate::models::{
    mikopbx_contact, mikopbx_peer_detail, mikopbx_peer_list, mikopbx_peer_status, mikopbx_provider_list,
    mikopbx_provider_registration,
};
pub use crate::watch::mikopbx_watch;

/// A connection to one PBX: configuration, connection pool and login session.
///
/// Opaque; made by `mikopbx_client_new`, released by `mikopbx_client_free`. One client may
/// be used from many threads at once (calls run in parallel and share one login); create
/// one per PBX and keep it.
pub struct mikopbx_client {
    inner: mikopbx_core::blocking::Client,
}

/// Borrows the client behind a C pointer.
///
/// # Safety
/// `client` is NULL or a live pointer from `mikopbx_client_new`.
unsafe fn client_arg<'a>(
    client: *const mikopbx_client,
) -> Result<&'a mikopbx_core::blocking::Client, mikopbx_core::Error> {
    // SAFETY: forwarded to the caller's contract.
    Ok(&unsafe { required_ref(client, "client") }?.inner)
}

/// Fills `cfg` with the defaults: `struct_size` = `sizeof(mikopbx_config)`, everything else
/// NULL / 0. Does nothing when `cfg` is NULL.
///
/// Thread-safe.
///
/// # Safety
/// `cfg` is NULL or points to writable storage for a `mikopbx_config`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mikopbx_config_init(cfg: *mut mikopbx_config) {
    guard_void(|| {
        if !cfg.is_null() {
            // SAFETY: non-NULL and writable by the caller's contract; plain data, no drop.
            unsafe { cfg.write(mikopbx_config::DEFAULT) };
        }
    });
}

/// Creates a client. Validates the configuration; does not contact the server (the first
/// call logs in).
///
/// On success `*out` is a new client, owned by the caller: release it with
/// `mikopbx_client_free`. On failure `*out` is NULL. `cfg` and its strings stay the
/// caller's; nothing is kept after the call returns.
///
/// Thread-safe. Returns `MIKOPBX_ERR_INVALID_ARGUMENT` for NULL `cfg`, `out` or `cfg->url`,
/// a config not filled by `mikopbx_config_init` (`struct_size` 0), strings that are not
/// UTF-8, and unusable values (URL, PEM, pin, api_version, retries, conflicting credentials
/// or TLS options).
///
/// # Safety
/// `cfg` is NULL or points to a `mikopbx_config` of `cfg->struct_size` bytes whose strings
/// are NULL or NUL-terminated; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mikopbx_client_new(
    cfg: *const mikopbx_config,
    out: *mut *mut mikopbx_client,
) -> mikopbx_status {
    guard(|| {
        // SAFETY (both): the caller's contract.
        let out = unsafe { out_param(out, "out") }?;
        let config = unsafe { mikopbx_config::read(required_ref(cfg, "cfg")?)?.to_core() }?;
        let inner = mikopbx_core::blocking::Client::new(config)?;
        *out = Box::into_raw(Box::new(mikopbx_client { inner }));
        Ok(())
    })
}

/// Releases a client and its connections. NULL is ignored.
///
/// Call it once, after every other call on this client has returned (from any thread).
/// It does not log out: call `mikopbx_logout` first to end the session on the server.
///
/// # Safety
/// `client` is NULL or a pointer from `mikopbx_client_new` not released before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mikopbx_client_free(client: *mut mikopbx_client) {
    guard_void(|| {
        if !client.is_null() {
            // SAFETY: made by `Box::into_raw` in `mikopbx_client_new`, released only here.
            drop(unsafe { Box::from_raw(client) });
        }
    });
}

/// Logs in now (otherwise the first call does) and starts a fresh session.
///
/// Thread-safe: the client may be shared between threads.
///
/// # Safety
/// `client` is NULL or a live client.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mikopbx_login(client: *mut mikopbx_client) -> mikopbx_status {
    // SAFETY: the caller's contract.
    guard(|| unsafe { client_arg(client) }?.login())
}

/// Ends the session on the server; later calls log in again. Succeeds without a session.
///
/// Thread-safe: the client may be shared between threads.
///
/// # Safety
/// `client` is NULL or a live client.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mikopbx_logout(client: *mut mikopbx_client) -> mikopbx_status {
    // SAFETY: the caller's contract.
    guard(|| unsafe { client_arg(client) }?.logout())
}

/// Registration state of every peer (extension).
///
/// On success `*out` is a new list owned by the caller: release it with
/// `mikopbx_peer_list_free`. On failure `*out` is NULL.
///
/// Thread-safe: the client may be shared between threads; the list belongs to the caller.
///
/// # Safety
/// `client` is NULL or a live client; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mikopbx_peer_statuses(
    client: *mut mikopbx_client,
    out: *mut *mut mikopbx_peer_list,
) -> mikopbx_status {
    guard(|| {
        // SAFETY (both): the caller's contract.
        let out = unsafe { out_param(out, "out") }?;
        let peers = unsafe { client_arg(client) }?.peer_statuses()?;
        *out = mikopbx_peer_list::boxed(&peers);
        Ok(())
    })
}

/// Releases a list from `mikopbx_peer_statuses` with all its strings. NULL is ignored.
///
/// # Safety
/// `list` is NULL or a list from `mikopbx_peer_statuses`, unmodified and not released before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mikopbx_peer_list_free(list: *mut mikopbx_peer_list) {
    // SAFETY: the caller's contract; the list was made by `mikopbx_peer_list::boxed`.
    guard_void(|| unsafe { mikopbx_peer_list::free(list) });
}

/// The detail of one peer. An unknown or unregistered peer is a normal result (state
/// `"UNKNOWN"`, `contact` NULL), as the server reports it.
///
/// On success `*out` is a new detail owned by the caller: release it with
/// `mikopbx_peer_detail_free`. On failure `*out` is NULL. `id` stays the caller's.
///
/// Thread-safe: the client may be shared between threads.
///
/// # Safety
/// `client` is NULL or a live client; `id` is NULL or NUL-terminated; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mikopbx_peer(
    client: *mut mikopbx_client,
    id: *const c_char,
    out: *mut *mut mikopbx_peer_detail,
) -> mikopbx_status {
    guard(|| {
        // SAFETY (all): the caller's contract.
        let out = unsafe { out_param(out, "out") }?;
        let client = unsafe { client_arg(client) }?;
        let id = unsafe { required_str(id, "id") }?;
        *out = Box::into_raw(Box::new(mikopbx_peer_detail::from(client.peer(id)?)));
        Ok(())
    })
}

/// Releases a detail from `mikopbx_peer` with its contacts and strings. NULL is ignored.
///
/// # Safety
/// `detail` is NULL or a detail from `mikopbx_peer`, unmodified and not released before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mikopbx_peer_detail_free(detail: *mut mikopbx_peer_detail) {
    // SAFETY: the caller's contract; the detail was made by `Box::into_raw`.
    guard_void(|| unsafe { drop_boxed(detail) });
}

/// Registration state of every SIP provider (trunk).
///
/// On success `*out` is a new list owned by the caller: release it with
/// `mikopbx_provider_list_free`. On failure `*out` is NULL.
///
/// Thread-safe: the client may be shared between threads.
///
/// # Safety
/// `client` is NULL or a live client; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mikopbx_provider_registrations(
    client: *mut mikopbx_client,
    out: *mut *mut mikopbx_provider_list,
) -> mikopbx_status {
    guard(|| {
        // SAFETY (both): the caller's contract.
        let out = unsafe { out_param(out, "out") }?;
        let providers = unsafe { client_arg(client) }?.provider_registrations()?;
        *out = mikopbx_provider_list::boxed(&providers);
        Ok(())
    })
}

/// Releases a list from `mikopbx_provider_registrations` with all its strings. NULL is
/// ignored.
///
/// # Safety
/// `list` is NULL or a list from `mikopbx_provider_registrations`, unmodified and not
/// released before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mikopbx_provider_list_free(list: *mut mikopbx_provider_list) {
    // SAFETY: the caller's contract; the list was made by `mikopbx_provider_list::boxed`.
    guard_void(|| unsafe { mikopbx_provider_list::free(list) });
}

/// Liveness check: `GET /pbxcore/api/system/ping` answers `PONG` (no login needed). On
/// success `*out_rtt_ms` (when not NULL) is the round trip in milliseconds.
///
/// Thread-safe: the client may be shared between threads.
///
/// # Safety
/// `client` is NULL or a live client; `out_rtt_ms` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mikopbx_ping(client: *mut mikopbx_client, out_rtt_ms: *mut f64) -> mikopbx_status {
    guard(|| {
        // SAFETY: the caller's contract.
        let rtt = unsafe { client_arg(client) }?.ping()?;
        if !out_rtt_ms.is_null() {
            // SAFETY: non-NULL and writable by the caller's contract.
            unsafe { *out_rtt_ms = rtt.as_secs_f64() * 1000.0 };
        }
        Ok(())
    })
}

/// Any endpoint, with the same login, retries and error handling as the typed calls.
///
/// `method`: an HTTP method (`"GET"`, `"POST"`, ...). `path`: below the base URL
/// (`"/pbxcore/api/system/getDate"`) or short (`"system/getDate"`). `body_json`: NULL for
/// no body, or a JSON document sent as `application/json`. GET and HEAD are retried on
/// transient failures, other methods never. An answer with `result: false` is
/// `MIKOPBX_ERR_API`, an HTTP error status `MIKOPBX_ERR_HTTP`.
///
/// On success `*out_json` is the server's whole answer as compact JSON text (a plain-text
/// answer becomes a JSON string), owned by the caller: release it with
/// `mikopbx_string_free`. On failure `*out_json` is NULL. The arguments stay the caller's.
///
/// Thread-safe: the client may be shared between threads.
///
/// # Safety
/// `client` is NULL or a live client; the strings are NULL or NUL-terminated; `out_json` is
/// NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mikopbx_request_json(
    client: *mut mikopbx_client,
    method: *const c_char,
    path: *const c_char,
    body_json: *const c_char,
    out_json: *mut *mut c_char,
) -> mikopbx_status {
    guard(|| {
        // SAFETY (all): the caller's contract.
        let out = unsafe { out_param(out_json, "out_json") }?;
        let client = unsafe { client_arg(client) }?;
        let method = unsafe { required_str(method, "method") }?;
        let path = unsafe { required_str(path, "path") }?;
        let body = match unsafe { optional_str(body_json, "body_json") }? {
            None => None,
            Some(text) => Some(RequestBody::Json(
                serde_json::from_str(text).map_err(|e| invalid(format!("body_json is not valid JSON ({e})")))?,
            )),
        };
        let answer = client.request(method, path, Vec::new(), body)?;
        *out = owned(&answer.to_string());
        Ok(())
    })
}

/// Runs any operation of the SDK by name: the typed calls above and every operation added
/// since, as `mikopbx_operations()` lists them (`"peer_statuses"`, `"peer"`, ...).
///
/// `args_json`: the operation's arguments as a JSON object (`{"id": "201"}`), or NULL for
/// none. An unknown operation, a missing or unknown argument is `MIKOPBX_ERR_INVALID_ARGUMENT`.
///
/// On success `*out_json` is the result as compact JSON text (the shape of the CLI's
/// `--format json`; `null` for operations without a result), owned by the caller: release it
/// with `mikopbx_string_free`. On failure `*out_json` is NULL.
///
/// Thread-safe: the client may be shared between threads.
///
/// # Safety
/// `client` is NULL or a live client; the strings are NULL or NUL-terminated; `out_json` is
/// NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mikopbx_call(
    client: *mut mikopbx_client,
    operation: *const c_char,
    args_json: *const c_char,
    out_json: *mut *mut c_char,
) -> mikopbx_status {
    guard(|| {
        // SAFETY (all): the caller's contract.
        let out = unsafe { out_param(out_json, "out_json") }?;
        let client = unsafe { client_arg(client) }?;
        let operation = unsafe { required_str(operation, "operation") }?;
        let arguments = match unsafe { optional_str(args_json, "args_json") }? {
            None => serde_json::Value::Null,
            Some(text) => {
                serde_json::from_str(text).map_err(|e| invalid(format!("args_json is not valid JSON ({e})")))?
            }
        };
        *out = owned(&client.call_json(operation, arguments)?.to_string());
        Ok(())
    })
}

/// The operations `mikopbx_call` runs, as a JSON array of objects with `name`, `doc`,
/// `arguments` (`name`, `doc`, `json_type`, `required`), `result`, `idempotent` and `example`
/// (arguments that make a valid call). Never NULL.
///
/// A static string owned by the library: do not free it. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn mikopbx_operations() -> *const c_char {
    static OPERATIONS: std::sync::OnceLock<std::ffi::CString> = std::sync::OnceLock::new();
    guard_value(c"[]".as_ptr(), || {
        OPERATIONS
            .get_or_init(|| {
                // JSON text has no NUL: serde escapes control characters.
                std::ffi::CString::new(mikopbx_core::operations_json().to_string()).unwrap_or_default()
            })
            .as_ptr()
    })
}

/// Releases a string returned by this library (`mikopbx_request_json`, `mikopbx_call`). NULL is ignored.
///
/// Not for `mikopbx_last_error`, `mikopbx_status_name` or `mikopbx_version`, whose strings
/// the library keeps.
///
/// # Safety
/// `s` is NULL or a string from this library not released before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mikopbx_string_free(s: *mut c_char) {
    // SAFETY: the caller's contract.
    guard_void(|| unsafe { free_string(s) });
}

/// The calling thread's last error message: empty after a successful call, never NULL.
///
/// Owned by the library: valid until this thread's next call into the library; do not free
/// it. Each thread has its own. Never contains a password, API key or session cookie; it
/// names the URL involved and includes the server's own messages when it sent any.
#[unsafe(no_mangle)]
pub extern "C" fn mikopbx_last_error() -> *const c_char {
    guard_value(c"".as_ptr(), error::last_error_ptr)
}

/// The calling thread's last error with every detail, as JSON text: `{"kind", "message",
/// "status", "url", "messages", "excerpt"}` (the same names as the other languages' errors;
/// absent details are `null`), or `null` after a successful call. Never NULL.
///
/// Owned by the library and thread-local like `mikopbx_last_error`: do not free it.
#[unsafe(no_mangle)]
pub extern "C" fn mikopbx_last_error_json() -> *const c_char {
    guard_value(c"null".as_ptr(), error::last_error_json_ptr)
}

/// The HTTP status that came with the calling thread's last error (`MIKOPBX_ERR_HTTP`,
/// `MIKOPBX_ERR_AUTH` (401, 403, or the status of a refused login) and `MIKOPBX_ERR_API`), or 0.
///
/// Thread-local like `mikopbx_last_error`.
#[unsafe(no_mangle)]
pub extern "C" fn mikopbx_last_error_http_status() -> i32 {
    guard_value(0, || error::last_error_http_status().into())
}

/// The name of a status code (`"MIKOPBX_ERR_AUTH"`); `"MIKOPBX_UNKNOWN_STATUS"` for a value
/// that is not a status. Never NULL.
///
/// A static string owned by the library: do not free it. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn mikopbx_status_name(status: mikopbx_status) -> *const c_char {
    guard_value(c"MIKOPBX_UNKNOWN_STATUS".as_ptr(), || error::status_name(status).as_ptr())
}

/// The library's version, e.g. `"0.1.0"`. A static string owned by the library: do not free
/// it. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn mikopbx_version() -> *const c_char {
    guard_value(c"".as_ptr(), || concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast())
}

/// Drops a value this library boxed for C; NULL is ignored.
///
/// # Safety
/// `value` is NULL or came from `Box::into_raw` here and was not released before.
unsafe fn drop_boxed<T>(value: *mut T) {
    if !value.is_null() {
        // SAFETY: the caller's contract.
        drop(unsafe { Box::from_raw(value) });
    }
}

/// Stops the library's threads and waits for them (at most 5 s), for a program about to exit:
/// afterwards valgrind's `--leak-check=full --error-exitcode=1` reports nothing of this
/// library. Call it last, when every client and watch is released and no other thread is in
/// the library; a call made after it starts the threads again. Does nothing when called from
/// a callback on a library thread.
#[unsafe(no_mangle)]
pub extern "C" fn mikopbx_shutdown() {
    guard_void(|| {
        // SAFETY: the documented contract: nothing of the library is in use now.
        unsafe { mikopbx_core::shutdown_runtime(std::time::Duration::from_secs(5)) };
    });
}
