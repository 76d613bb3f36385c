//! Client configuration: where the PBX is, how to authenticate, how to trust it.

use std::fmt;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::error::{Error, Result};
use crate::pacing::{DEFAULT_MAX_IN_FLIGHT, MAX_IN_FLIGHT, Pacing};

/// Which API generation to speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ApiVersion {
    /// Probe the server once (`GET /pbxcore/api/v3/system:ping`) and cache the answer.
    #[default]
    Auto,
    /// MikoPBX ≤ 2024.x: session cookie, `/pbxcore/api/<group>/<action>`.
    Legacy,
    /// MikoPBX 2025.1+: bearer JWT or API key, `/pbxcore/api/v3/...`.
    V3,
}

impl std::str::FromStr for ApiVersion {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "auto" | "" => Ok(ApiVersion::Auto),
            "legacy" | "v1" => Ok(ApiVersion::Legacy),
            "v3" => Ok(ApiVersion::V3),
            other => Err(Error::invalid(format!("unknown api version {other:?} (expected auto, legacy or v3)"))),
        }
    }
}

/// How the client authenticates. Secrets are never shown by `Debug`.
#[derive(Clone, Default)]
pub enum Credentials {
    /// Send no credentials: the PBX trusts this host (e.g. the client runs on the PBX).
    #[default]
    None,
    /// Web-interface login and password.
    Password { login: String, password: SecretString },
    /// A v3 API key (`Authorization: Bearer <key>`).
    ApiKey(SecretString),
}

impl Credentials {
    /// A login with a password (the only credentials that make a session).
    pub fn is_password(&self) -> bool {
        matches!(self, Credentials::Password { .. })
    }

    /// Credentials from the optional parts a binding or the command line receives: nothing,
    /// a login with a password, or an API key alone.
    pub fn from_parts(login: Option<&str>, password: Option<&str>, api_key: Option<&str>) -> Result<Credentials> {
        match (login, password, api_key) {
            (None, None, None) => Ok(Credentials::None),
            (Some(login), Some(password), None) => {
                Ok(Credentials::Password { login: login.to_owned(), password: SecretString::from(password) })
            }
            (None, None, Some(key)) => Ok(Credentials::ApiKey(SecretString::from(key))),
            (Some(_), None, None) => Err(Error::invalid("a login needs a password")),
            (None, Some(_), None) => Err(Error::invalid("a password needs a login")),
            _ => Err(Error::invalid("give a login and password, or an API key, not both")),
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::None => f.write_str("None"),
            Credentials::Password { login, .. } => {
                f.debug_struct("Password").field("login", login).field("password", &"<redacted>").finish()
            }
            Credentials::ApiKey(_) => f.write_str("ApiKey(<redacted>)"),
        }
    }
}

/// How the server's certificate is checked.
#[derive(Clone, Default)]
pub enum TlsTrust {
    /// System / webpki roots (the default).
    #[default]
    Verify,
    /// System roots plus these extra CA certificates (PEM text).
    ExtraCa(String),
    /// Accept exactly the server certificate whose DER SHA-256 is this (32 bytes).
    /// The safe answer to MikoPBX's self-signed default certificate.
    PinSha256([u8; 32]),
    /// Accept any certificate. Explicit opt-out: traffic can be intercepted.
    Insecure,
}

impl fmt::Debug for TlsTrust {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TlsTrust::Verify => f.write_str("Verify"),
            TlsTrust::ExtraCa(_) => f.write_str("ExtraCa(<pem>)"),
            TlsTrust::PinSha256(pin) => write!(f, "PinSha256({})", hex::encode(pin)),
            TlsTrust::Insecure => f.write_str("Insecure"),
        }
    }
}

impl TlsTrust {
    /// Reads a CA certificate file (PEM) for [`TlsTrust::ExtraCa`]; refuses files larger than
    /// a few MiB (and endless ones such as `/dev/zero`) without reading them whole.
    pub fn read_pem_file(path: &std::path::Path) -> Result<String> {
        use std::io::Read;
        let unreadable =
            |e: std::io::Error| Error::invalid(format!("cannot read the CA certificate {}: {e}", path.display()));
        let mut text = String::new();
        std::fs::File::open(path)
            .map_err(unreadable)?
            .take(MAX_PEM_FILE_BYTES + 1)
            .read_to_string(&mut text)
            .map_err(unreadable)?;
        if text.len() as u64 > MAX_PEM_FILE_BYTES {
            return Err(Error::invalid(format!(
                "the CA certificate {} is larger than {} MiB; it is not a PEM bundle",
                path.display(),
                MAX_PEM_FILE_BYTES / (1024 * 1024)
            )));
        }
        Ok(text)
    }

    /// Trust from the usual options, at most one of which may be given: accept any
    /// certificate, trust an extra CA (PEM text), or pin the certificate (hex SHA-256).
    pub fn from_options(insecure: bool, ca_pem: Option<String>, pin_sha256: Option<&str>) -> Result<TlsTrust> {
        match (insecure, ca_pem, pin_sha256) {
            (false, None, None) => Ok(TlsTrust::Verify),
            (true, None, None) => Ok(TlsTrust::Insecure),
            (false, Some(pem), None) => Ok(TlsTrust::ExtraCa(pem)),
            (false, None, Some(pin)) => Ok(TlsTrust::PinSha256(parse_sha256_pin(pin)?)),
            _ => Err(Error::invalid("insecure, a CA certificate and a pinned fingerprint exclude each other")),
        }
    }
}

/// Parses a SHA-256 fingerprint given as 64 hex digits, with or without `:` separators.
pub fn parse_sha256_pin(text: &str) -> Result<[u8; 32]> {
    let digits: String = text.chars().filter(|c| *c != ':' && !c.is_whitespace()).collect();
    let bytes =
        hex::decode(&digits).map_err(|_| Error::invalid("pin_sha256 must be 64 hex digits (colons allowed)"))?;
    bytes.try_into().map_err(|_| Error::invalid("pin_sha256 must be 64 hex digits (32 bytes)"))
}

/// Validated client configuration. Build it with [`Config::builder`].
#[derive(Clone, Debug)]
pub struct Config {
    pub(crate) base_url: Url,
    pub(crate) credentials: Credentials,
    pub(crate) api_version: ApiVersion,
    pub(crate) tls: TlsTrust,
    pub(crate) connect_timeout: Duration,
    pub(crate) request_timeout: Duration,
    pub(crate) retries: u32,
    pub(crate) user_agent: String,
    pub(crate) max_response_bytes: usize,
    pub(crate) pacing: Pacing,
    pub(crate) max_in_flight: u32,
}

impl Config {
    pub fn builder(url: impl Into<String>) -> ConfigBuilder {
        ConfigBuilder::new(url)
    }

    /// The server's base URL (scheme, host, port and optional path prefix), always with a
    /// trailing slash.
    pub fn base_url(&self) -> &Url {
        &self.base_url
    }
    pub fn api_version(&self) -> ApiVersion {
        self.api_version
    }
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }
    /// The deadline of one whole call: generation probe, login, every attempt and the
    /// pauses between retries.
    pub fn request_timeout(&self) -> Duration {
        self.request_timeout
    }
    pub fn retries(&self) -> u32 {
        self.retries
    }
    pub fn max_response_bytes(&self) -> usize {
        self.max_response_bytes
    }
    pub fn pacing(&self) -> Pacing {
        self.pacing
    }
    pub fn max_in_flight(&self) -> u32 {
        self.max_in_flight
    }
}

pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Longer than the 30 s a 2026.1 server waits for its API workers before it answers 400
/// (docs/server-notes.md), so a slow worker's answer still arrives.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(45);
pub const DEFAULT_RETRIES: u32 = 2;
/// More retries than this would only hammer a server that is down.
pub const MAX_RETRIES: u32 = 10;
/// Timeouts longer than a day are refused (they are mistakes, and would overflow clocks).
pub const MAX_TIMEOUT: Duration = Duration::from_secs(86_400);
/// MikoPBX answers are kilobytes (10,000 peers are about 300 KB); a body larger than this is
/// refused while it is read.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;
const MIN_RESPONSE_BYTES: usize = 1024;
/// A CA certificate file larger than this is not a certificate bundle.
const MAX_PEM_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// A timeout given as seconds by a binding or the command line: finite, positive, at most
/// [`MAX_TIMEOUT`].
pub fn seconds(name: &str, value: f64) -> Result<Duration> {
    Duration::try_from_secs_f64(value)
        .ok()
        .filter(|d| !d.is_zero() && *d <= MAX_TIMEOUT)
        .ok_or_else(|| Error::invalid(format!("{name} must be a positive number of seconds, at most one day")))
}

/// Builder for [`Config`]; `build()` validates everything at once.
#[derive(Debug, Clone)]
pub struct ConfigBuilder {
    url: String,
    credentials: Credentials,
    api_version: ApiVersion,
    tls: TlsTrust,
    connect_timeout: Duration,
    request_timeout: Duration,
    retries: u32,
    user_agent: Option<String>,
    max_response_bytes: usize,
    pacing: Pacing,
    max_in_flight: u32,
}

impl ConfigBuilder {
    pub fn new(url: impl Into<String>) -> Self {
        ConfigBuilder {
            url: url.into(),
            credentials: Credentials::None,
            api_version: ApiVersion::Auto,
            tls: TlsTrust::Verify,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            retries: DEFAULT_RETRIES,
            user_agent: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            pacing: Pacing::Auto,
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
        }
    }

    pub fn login(mut self, login: impl Into<String>, password: impl Into<String>) -> Self {
        self.credentials = Credentials::Password { login: login.into(), password: SecretString::from(password.into()) };
        self
    }

    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.credentials = Credentials::ApiKey(SecretString::from(key.into()));
        self
    }

    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = credentials;
        self
    }

    pub fn api_version(mut self, version: ApiVersion) -> Self {
        self.api_version = version;
        self
    }

    pub fn tls(mut self, tls: TlsTrust) -> Self {
        self.tls = tls;
        self
    }

    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The deadline of one whole call, covering the generation probe, login, retries and
    /// their pauses (default [`DEFAULT_REQUEST_TIMEOUT`]).
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// Extra attempts for idempotent reads after a connection error, 429, 502, 503 or 504
    /// (at most [`MAX_RETRIES`]); they happen only while the call's deadline allows.
    pub fn retries(mut self, retries: u32) -> Self {
        self.retries = retries;
        self
    }

    /// The largest answer body the client reads (default [`DEFAULT_MAX_RESPONSE_BYTES`]).
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// How requests are paced to stay under the server's rate limit (default
    /// [`Pacing::Auto`]: v3 servers off this host, docs/server-notes.md "Rate limit").
    pub fn pacing(mut self, pacing: Pacing) -> Self {
        self.pacing = pacing;
        self
    }

    /// Requests in flight to the server at once, shared by its clients in this process
    /// (default [`DEFAULT_MAX_IN_FLIGHT`], at most [`MAX_IN_FLIGHT`]).
    pub fn max_in_flight(mut self, requests: u32) -> Self {
        self.max_in_flight = requests;
        self
    }

    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    pub fn build(self) -> Result<Config> {
        let base_url = parse_base_url(&self.url)?;
        if let Credentials::Password { login, password } = &self.credentials
            && (login.is_empty() || password.expose_secret().is_empty())
        {
            return Err(Error::invalid("login and password must both be non-empty"));
        }
        if let Credentials::ApiKey(key) = &self.credentials
            && key.expose_secret().trim().is_empty()
        {
            return Err(Error::invalid("api_key must be non-empty"));
        }
        for timeout in [self.connect_timeout, self.request_timeout] {
            if timeout.is_zero() || timeout > MAX_TIMEOUT {
                return Err(Error::invalid("timeouts must be greater than zero and at most one day"));
            }
        }
        if self.retries > MAX_RETRIES {
            return Err(Error::invalid(format!("retries must be at most {MAX_RETRIES}")));
        }
        if !(1..=MAX_IN_FLIGHT).contains(&self.max_in_flight) {
            return Err(Error::invalid(format!("max_in_flight must be between 1 and {MAX_IN_FLIGHT}")));
        }
        if self.max_response_bytes < MIN_RESPONSE_BYTES {
            return Err(Error::invalid(format!("max_response_bytes must be at least {MIN_RESPONSE_BYTES}")));
        }
        if let TlsTrust::ExtraCa(pem) = &self.tls {
            reqwest::Certificate::from_pem_bundle(pem.as_bytes())
                .ok()
                .filter(|certs| !certs.is_empty())
                .ok_or_else(|| Error::invalid("ca certificate is not valid PEM"))?;
        }
        Ok(Config {
            base_url,
            credentials: self.credentials,
            api_version: self.api_version,
            tls: self.tls,
            connect_timeout: self.connect_timeout,
            request_timeout: self.request_timeout,
            retries: self.retries,
            max_response_bytes: self.max_response_bytes,
            pacing: self.pacing,
            max_in_flight: self.max_in_flight,
            user_agent: self.user_agent.unwrap_or_else(|| format!("mikopbx-sdk/{}", env!("CARGO_PKG_VERSION"))),
        })
    }
}

fn parse_base_url(text: &str) -> Result<Url> {
    // Never echo the URL text here: it may carry credentials.
    let mut url =
        Url::parse(text.trim()).map_err(|e| Error::invalid(format!("url is not a valid absolute URL ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::invalid("url must start with http:// or https://"));
    }
    if url.host_str().is_none() {
        return Err(Error::invalid("url has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::invalid("url must not contain credentials; pass login and password separately"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::invalid("url must not have a query or fragment"));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_gets_trailing_slash_and_keeps_prefix() {
        let cfg = Config::builder("https://pbx.example:8443/prefix").build().unwrap();
        assert_eq!(cfg.base_url().as_str(), "https://pbx.example:8443/prefix/");
    }

    #[test]
    fn url_with_credentials_is_refused_without_echoing_them() {
        let err = Config::builder("http://admin:s3cret@pbx").build().unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::InvalidInput);
        assert!(!err.to_string().contains("s3cret"));
    }

    #[test]
    fn pin_accepts_colons_and_rejects_short() {
        let hex64 = "AB".repeat(32);
        assert_eq!(parse_sha256_pin(&hex64).unwrap(), [0xAB; 32]);
        let colons = vec!["ab"; 32].join(":");
        assert_eq!(parse_sha256_pin(&colons).unwrap(), [0xAB; 32]);
        assert!(parse_sha256_pin("abcd").is_err());
    }

    #[test]
    fn credentials_and_trust_from_options() {
        assert!(matches!(Credentials::from_parts(Some("a"), Some("b"), None), Ok(Credentials::Password { .. })));
        assert!(matches!(Credentials::from_parts(None, None, Some("k")), Ok(Credentials::ApiKey(_))));
        assert!(Credentials::from_parts(Some("a"), None, None).is_err());
        assert!(Credentials::from_parts(Some("a"), Some("b"), Some("k")).is_err());
        assert!(matches!(TlsTrust::from_options(true, None, None), Ok(TlsTrust::Insecure)));
        assert!(TlsTrust::from_options(true, Some("pem".into()), None).is_err());
        assert!(TlsTrust::from_options(false, None, Some("zz")).is_err());
    }

    #[test]
    fn debug_hides_secrets() {
        let cfg = Config::builder("http://pbx").login("admin", "hunter2").build().unwrap();
        let text = format!("{cfg:?}");
        assert!(text.contains("admin") && !text.contains("hunter2"));
        let cfg = Config::builder("http://pbx").api_key("k3y-value").build().unwrap();
        assert!(!format!("{cfg:?}").contains("k3y-value"));
    }
}
