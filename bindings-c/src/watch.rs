//! The change stream of a PBX for C: `mikopbx_watch_open`, `mikopbx_watch_next` with a
//! timeout, `mikopbx_watch_close`. A pull API: the caller's thread waits for each event, so
//! no callback ever runs on the library's threads.

use std::ffi::c_char;
use std::time::Duration;

use mikopbx_core::{Feed, Pulled, WatchEvent, WatchOptions};

use crate::args::{optional_str, out_param, required_ref};
use crate::error::{guard, guard_void, invalid};
use crate::models::owned;
use crate::{client_arg, mikopbx_client};

/// A running watch of one PBX (`mikopbx_watch_open`). Opaque; released by
/// `mikopbx_watch_close`. Pull from one thread at a time (calls from several threads take
/// turns).
pub struct mikopbx_watch {
    events: Feed<WatchEvent>,
}

/// Starts watching the client's PBX: every change, forever (see `mikopbx_watch_next`). It polls
/// the `health` operation every `interval` seconds with the client's one session and never
/// fails for what the server does.
///
/// `options_json` is NULL for the defaults or a JSON object with any of `interval` (seconds,
/// default 30 — the server's status cache —, at least 0.1), `include` and `exclude` (id
/// patterns as `health` takes them, e.g. `"2*,SIP-*"`). Bad options are
/// `MIKOPBX_ERR_INVALID_ARGUMENT`, before any request.
///
/// On success `*out_watch` is the watch, owned by the caller: release it with
/// `mikopbx_watch_close`. It keeps what it needs of the client: the client may be freed first.
///
/// # Safety
/// `client` is NULL or a live client; `options_json` is NULL or NUL-terminated; `out_watch`
/// is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mikopbx_watch_open(
    client: *mut mikopbx_client,
    options_json: *const c_char,
    out_watch: *mut *mut mikopbx_watch,
) -> crate::mikopbx_status {
    guard(|| {
        // SAFETY (all): the caller's contract.
        let out = unsafe { out_param(out_watch, "out_watch") }?;
        let client = unsafe { client_arg(client) }?;
        let options = match unsafe { optional_str(options_json, "options_json") }? {
            None => WatchOptions::default(),
            Some(text) => WatchOptions::from_json(
                serde_json::from_str(text).map_err(|e| invalid(format!("options_json is not valid JSON ({e})")))?,
            )?,
        };
        let events = Feed::new(client.as_async().watch(options));
        *out = Box::into_raw(Box::new(mikopbx_watch { events }));
        Ok(())
    })
}

/// Waits up to `timeout_ms` milliseconds (a negative value: as long as it takes) for the next
/// change.
///
/// On `MIKOPBX_OK`, `*out_event_json` is the event as compact JSON text (the fields of the
/// `WatchEvent` model: `kind` — `snapshot` first, then `extension_changed`,
/// `provider_changed`, `call_started`, `call_ended`, `unreachable`, `reachable`, `gap` —,
/// `at`, `id`, `old_state`, `new_state`, `server_state`, `error`, `since`, `snapshot`), owned by
/// the caller: release it with `mikopbx_string_free`. When the time passes first, the status is
/// `MIKOPBX_OK` and `*out_event_json` is NULL: call again to go on waiting; nothing is lost.
///
/// # Safety
/// `watch` is NULL or a live watch; `out_event_json` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mikopbx_watch_next(
    watch: *mut mikopbx_watch,
    timeout_ms: i64,
    out_event_json: *mut *mut c_char,
) -> crate::mikopbx_status {
    guard(|| {
        // SAFETY (both): the caller's contract.
        let out = unsafe { out_param(out_event_json, "out_event_json") }?;
        let watch = unsafe { required_ref(watch, "watch") }?;
        let pulled = match u64::try_from(timeout_ms) {
            Ok(ms) => mikopbx_core::block_on(watch.events.next_within(Duration::from_millis(ms)))??,
            Err(_) => match mikopbx_core::block_on(watch.events.next())?? {
                Some(event) => Pulled::Item(event),
                None => Pulled::Ended,
            },
        };
        match pulled {
            Pulled::Item(event) => *out = owned(&mikopbx_core::serialized(&event).to_string()),
            Pulled::Waiting => {}
            // The watch's options were checked when it was opened: it has no other end.
            Pulled::Ended => return Err(invalid("the watch has ended")),
        }
        Ok(())
    })
}

/// Stops a watch and releases it (a poll in progress is abandoned). NULL is ignored.
///
/// # Safety
/// `watch` is NULL or a pointer from `mikopbx_watch_open` not released before, and no other
/// thread is in `mikopbx_watch_next` on it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mikopbx_watch_close(watch: *mut mikopbx_watch) {
    guard_void(|| {
        if !watch.is_null() {
            // SAFETY: made by `Box::into_raw` in `mikopbx_watch_open`, released only here.
            drop(unsafe { Box::from_raw(watch) });
        }
    });
}
