//! `mikopbx_config`: the C form of the core configuration builder.

use std::ffi::c_char;
use std::time::Duration;

use mikopbx_core::{ApiVersion, Config, Error, Options};

use crate::args::{optional_str, required_str};
use crate::error::invalid;

/// `retries` value that turns retries off (0 means "the default", 2).
pub const MIKOPBX_RETRIES_NONE: i32 = -1;

/// `requests_per_minute` value that turns pacing off (0 means "the default").
pub const MIKOPBX_PACING_OFF: i32 = -1;

/// Client configuration. Fill it with `mikopbx_config_init` (which sets `struct_size` and
/// every default), then set the fields you need: NULL strings and 0 numbers mean "the
/// default".
///
/// The struct grows at its end in later versions; `struct_size` tells the library which
/// version the caller was compiled with, so a program built against an older header keeps
/// working with a newer library (the fields it does not have take their defaults).
///
/// The library copies everything it needs in `mikopbx_client_new`; the strings remain the
/// caller's and may be freed right after that call.
#[repr(C)]
pub struct mikopbx_config {
    /// `sizeof(mikopbx_config)` as the caller sees it; set by `mikopbx_config_init`. 0 is
    /// refused (`MIKOPBX_ERR_INVALID_ARGUMENT`): the struct was not initialised.
    pub struct_size: usize,
    /// Required. Base URL of the PBX: `http://` or `https://`, any port, an optional path
    /// prefix; no credentials, query or fragment.
    pub url: *const c_char,
    /// Web-interface login; give it together with `password`.
    pub login: *const c_char,
    /// Web-interface password. Never appears in errors or logs.
    pub password: *const c_char,
    /// A v3 API key (MikoPBX 2025.1+), instead of login and password. Never appears in
    /// errors or logs. Against a legacy server calls fail with `MIKOPBX_ERR_UNSUPPORTED`.
    pub api_key: *const c_char,
    /// `"auto"` (NULL: probe the server once and cache the answer), `"legacy"` or `"v3"`.
    pub api_version: *const c_char,
    /// Non-zero: accept any server certificate (traffic can be intercepted). Excludes
    /// `ca_cert_pem` and `pin_sha256`.
    pub insecure: i32,
    /// Extra trusted CA certificate(s), PEM text, added to the system roots.
    pub ca_cert_pem: *const c_char,
    /// Accept exactly the server certificate with this SHA-256 fingerprint: 64 hex digits,
    /// colons allowed. The safe answer to MikoPBX's self-signed default certificate.
    pub pin_sha256: *const c_char,
    /// Deadline of a whole call (probe, login, retries and their pauses) in milliseconds;
    /// 0: 45 000. At most one day.
    pub timeout_ms: u32,
    /// Connect timeout in milliseconds; 0: 10 000.
    pub connect_timeout_ms: u32,
    /// Extra attempts for idempotent reads after a connection error, 429, 502, 503 or 504:
    /// 0: the default (2), `MIKOPBX_RETRIES_NONE` (-1): none, N > 0: N.
    pub retries: i32,
    /// HTTP User-Agent; NULL: `mikopbx-sdk/<version>`.
    pub user_agent: *const c_char,
    /// The largest answer body read, in bytes; 0: 8 MiB (8 388 608). At least 1024.
    /// (Since 0.2: a smaller `struct_size` leaves it at the default.)
    pub max_response_bytes: u64,
    /// Requests a minute to the server, whatever its generation: 0: the default (150 a
    /// minute to a v3 server that is not on this host, the rate limit of MikoPBX 2026.1
    /// being 200), `MIKOPBX_PACING_OFF` (-1): no pacing, N > 0: N. (Since 0.3.)
    pub requests_per_minute: i32,
    /// Requests in flight to the server at once, shared by its clients in the process;
    /// 0: 4. At most 64. (Since 0.3.)
    pub max_in_flight: u32,
}

/// The size of the first `mikopbx_config` that had `struct_size` (up to `user_agent`): the
/// smallest a caller may pass.
const FIRST_SIZE: usize = std::mem::offset_of!(mikopbx_config, user_agent) + size_of::<*const c_char>();

impl mikopbx_config {
    pub(crate) const DEFAULT: mikopbx_config = mikopbx_config {
        struct_size: size_of::<mikopbx_config>(),
        url: std::ptr::null(),
        login: std::ptr::null(),
        password: std::ptr::null(),
        api_key: std::ptr::null(),
        api_version: std::ptr::null(),
        insecure: 0,
        ca_cert_pem: std::ptr::null(),
        pin_sha256: std::ptr::null(),
        timeout_ms: 0,
        connect_timeout_ms: 0,
        retries: 0,
        user_agent: std::ptr::null(),
        max_response_bytes: 0,
        requests_per_minute: 0,
        max_in_flight: 0,
    };

    /// Reads the caller's config of `struct_size` bytes: a smaller (older) struct gets the
    /// defaults for the fields it lacks; a larger (newer) one has its unknown fields ignored.
    ///
    /// # Safety
    /// `cfg` is non-NULL and points to a readable `mikopbx_config` of at least `struct_size`
    /// bytes (its first field).
    pub(crate) unsafe fn read(cfg: *const mikopbx_config) -> Result<mikopbx_config, Error> {
        // SAFETY: every version starts with `struct_size`, by the caller's contract.
        let size = unsafe { cfg.cast::<usize>().read_unaligned() };
        if size == 0 {
            return Err(invalid(
                "config.struct_size is 0: fill the config with mikopbx_config_init() (or set struct_size = \
                 sizeof(mikopbx_config))",
            ));
        }
        if size < FIRST_SIZE {
            return Err(invalid(format!(
                "config.struct_size {size} is smaller than any mikopbx_config ({FIRST_SIZE})"
            )));
        }
        let mut config = mikopbx_config::DEFAULT;
        let known = size.min(size_of::<mikopbx_config>());
        // SAFETY: `known` bytes are readable at `cfg` (caller's contract) and fit in `config`;
        // every field is plain data for which any bit pattern the C side wrote is valid.
        unsafe { std::ptr::copy_nonoverlapping(cfg.cast::<u8>(), (&raw mut config).cast::<u8>(), known) };
        Ok(config)
    }

    /// Converts to the core's options, which apply the defaults and validate.
    ///
    /// # Safety
    /// Every string field is NULL or a NUL-terminated string.
    pub(crate) unsafe fn to_core(&self) -> Result<Config, Error> {
        // SAFETY (all reads below): the caller's contract on the string fields.
        let url = unsafe { required_str(self.url, "config.url") }?;
        let login = unsafe { optional_str(self.login, "config.login") }?;
        let password = unsafe { optional_str(self.password, "config.password") }?;
        let api_key = unsafe { optional_str(self.api_key, "config.api_key") }?;
        let api_version = unsafe { optional_str(self.api_version, "config.api_version") }?;
        let ca_cert_pem = unsafe { optional_str(self.ca_cert_pem, "config.ca_cert_pem") }?;
        let pin_sha256 = unsafe { optional_str(self.pin_sha256, "config.pin_sha256") }?;
        let user_agent = unsafe { optional_str(self.user_agent, "config.user_agent") }?;

        let retries = match self.retries {
            0 => None,
            MIKOPBX_RETRIES_NONE => Some(0),
            n if n > 0 => Some(n.unsigned_abs()),
            _ => return Err(invalid("retries must be 0 (default), -1 (none) or a positive count")),
        };
        let requests_per_minute = match self.requests_per_minute {
            0 => None,
            MIKOPBX_PACING_OFF => Some(0),
            n if n > 0 => Some(n.unsigned_abs()),
            _ => return Err(invalid("requests_per_minute must be 0 (default), -1 (off) or a positive rate")),
        };
        let owned = |text: Option<&str>| text.map(str::to_owned);
        let positive_ms = |ms: u32| (ms > 0).then(|| Duration::from_millis(ms.into()));
        Options {
            url: url.to_owned(),
            login: owned(login),
            password: owned(password),
            api_key: owned(api_key),
            api_version: api_version.map(str::parse::<ApiVersion>).transpose()?,
            insecure: self.insecure != 0,
            ca_pem: owned(ca_cert_pem),
            pin_sha256: owned(pin_sha256),
            timeout: positive_ms(self.timeout_ms),
            connect_timeout: positive_ms(self.connect_timeout_ms),
            retries,
            max_response_bytes: (self.max_response_bytes > 0).then_some(self.max_response_bytes),
            user_agent: owned(user_agent),
            requests_per_minute,
            max_in_flight: (self.max_in_flight > 0).then_some(self.max_in_flight),
        }
        .into_config()
    }
}
