//! Reading C arguments: NULL and invalid UTF-8 become invalid-argument errors, never a crash.

use std::ffi::{CStr, c_char};

use mikopbx_core::Error;

use crate::error::invalid;

/// A required string argument.
///
/// # Safety
/// `text` is NULL or points to a NUL-terminated string that outlives `'a`.
pub(crate) unsafe fn required_str<'a>(text: *const c_char, name: &str) -> Result<&'a str, Error> {
    // SAFETY: forwarded to the caller's contract.
    unsafe { optional_str(text, name) }?.ok_or_else(|| invalid(format!("{name} must not be NULL")))
}

/// An optional string argument: NULL means "not given".
///
/// # Safety
/// `text` is NULL or points to a NUL-terminated string that outlives `'a`.
pub(crate) unsafe fn optional_str<'a>(text: *const c_char, name: &str) -> Result<Option<&'a str>, Error> {
    if text.is_null() {
        return Ok(None);
    }
    // SAFETY: non-NULL and NUL-terminated by the caller's contract.
    let bytes = unsafe { CStr::from_ptr(text) };
    bytes.to_str().map(Some).map_err(|_| invalid(format!("{name} is not valid UTF-8")))
}

/// An out-parameter: checked for NULL and set to NULL before any other work, so that it is
/// NULL whenever the call fails.
///
/// # Safety
/// `out` is NULL or points to writable storage for one pointer.
pub(crate) unsafe fn out_param<'a, T>(out: *mut *mut T, name: &str) -> Result<&'a mut *mut T, Error> {
    if out.is_null() {
        return Err(invalid(format!("{name} must not be NULL")));
    }
    // SAFETY: non-NULL and writable by the caller's contract.
    let out = unsafe { &mut *out };
    *out = std::ptr::null_mut();
    Ok(out)
}

/// A required pointer argument to a value this library handed out.
///
/// # Safety
/// `value` is NULL or a live pointer returned by this library.
pub(crate) unsafe fn required_ref<'a, T>(value: *const T, name: &str) -> Result<&'a T, Error> {
    // SAFETY: forwarded to the caller's contract.
    unsafe { value.as_ref() }.ok_or_else(|| invalid(format!("{name} must not be NULL")))
}
