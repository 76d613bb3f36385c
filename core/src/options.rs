//! [`Options`]: the client's configuration as every surface takes it (Python keyword
//! arguments, the Kotlin `ClientConfig`, the C `mikopbx_config`, the CLI's flags). Every
//! field is optional; the defaults are applied and the values validated once, here and in
//! [`ConfigBuilder::build`](crate::ConfigBuilder::build).

use std::fmt;
use std::time::Duration;

use crate::config::{ApiVersion, Config, Credentials, TlsTrust};
use crate::error::Result;
use crate::pacing::Pacing;

/// Client options; `None` (or `false`) means "the default".
#[derive(Clone, Default)]
pub struct Options {
    /// `http://` or `https://` base URL of the PBX (any port, path prefix allowed).
    pub url: String,
    /// Web-interface login, given together with `password`.
    pub login: Option<String>,
    pub password: Option<String>,
    /// A v3 API key, instead of login and password.
    pub api_key: Option<String>,
    /// Default: [`ApiVersion::Auto`].
    pub api_version: Option<ApiVersion>,
    /// Accept any certificate; excludes `ca_pem` and `pin_sha256`.
    pub insecure: bool,
    /// Extra trusted CA certificates (PEM text).
    pub ca_pem: Option<String>,
    /// The server certificate's SHA-256 fingerprint (hex, colons allowed).
    pub pin_sha256: Option<String>,
    /// The deadline of a whole call. Default: [`DEFAULT_REQUEST_TIMEOUT`](crate::DEFAULT_REQUEST_TIMEOUT).
    pub timeout: Option<Duration>,
    /// Default: [`DEFAULT_CONNECT_TIMEOUT`](crate::DEFAULT_CONNECT_TIMEOUT).
    pub connect_timeout: Option<Duration>,
    /// Extra attempts for idempotent reads. Default: [`DEFAULT_RETRIES`](crate::DEFAULT_RETRIES).
    pub retries: Option<u32>,
    /// Default: [`DEFAULT_MAX_RESPONSE_BYTES`](crate::DEFAULT_MAX_RESPONSE_BYTES).
    pub max_response_bytes: Option<u64>,
    /// Default: `mikopbx-sdk/<version>`.
    pub user_agent: Option<String>,
    /// Requests a minute to the server, whatever its generation; `0` turns pacing off.
    /// Default: [`Pacing::Auto`] (150 a minute to a v3 server that is not on this host).
    pub requests_per_minute: Option<u32>,
    /// Requests in flight to the server at once. Default: [`DEFAULT_MAX_IN_FLIGHT`](crate::DEFAULT_MAX_IN_FLIGHT).
    pub max_in_flight: Option<u32>,
}

/// Never shows the password or the API key.
impl fmt::Debug for Options {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secret = |value: &Option<String>| value.as_ref().map(|_| "<redacted>");
        f.debug_struct("Options")
            .field("url", &self.url)
            .field("login", &self.login)
            .field("password", &secret(&self.password))
            .field("api_key", &secret(&self.api_key))
            .field("api_version", &self.api_version)
            .field("insecure", &self.insecure)
            .field("ca_pem", &self.ca_pem.as_ref().map(|_| "<pem>"))
            .field("pin_sha256", &self.pin_sha256)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retries", &self.retries)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("user_agent", &self.user_agent)
            .field("requests_per_minute", &self.requests_per_minute)
            .field("max_in_flight", &self.max_in_flight)
            .finish()
    }
}

impl Options {
    pub fn new(url: impl Into<String>) -> Options {
        Options { url: url.into(), ..Options::default() }
    }

    /// The validated configuration, defaults applied.
    pub fn into_config(self) -> Result<Config> {
        let credentials =
            Credentials::from_parts(self.login.as_deref(), self.password.as_deref(), self.api_key.as_deref())?;
        let tls = TlsTrust::from_options(self.insecure, self.ca_pem, self.pin_sha256.as_deref())?;
        let mut builder = Config::builder(self.url).credentials(credentials).tls(tls);
        if let Some(version) = self.api_version {
            builder = builder.api_version(version);
        }
        if let Some(timeout) = self.timeout {
            builder = builder.request_timeout(timeout);
        }
        if let Some(timeout) = self.connect_timeout {
            builder = builder.connect_timeout(timeout);
        }
        if let Some(retries) = self.retries {
            builder = builder.retries(retries);
        }
        if let Some(bytes) = self.max_response_bytes {
            builder = builder.max_response_bytes(usize::try_from(bytes).unwrap_or(usize::MAX));
        }
        if let Some(agent) = self.user_agent {
            builder = builder.user_agent(agent);
        }
        match self.requests_per_minute {
            Some(0) => builder = builder.pacing(Pacing::Off),
            Some(rate) => builder = builder.pacing(Pacing::PerMinute(rate)),
            None => {}
        }
        if let Some(requests) = self.max_in_flight {
            builder = builder.max_in_flight(requests);
        }
        builder.build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_applied_once_and_secrets_stay_hidden() {
        let config = Options::new("http://pbx/").into_config().unwrap();
        assert_eq!(config.request_timeout(), crate::DEFAULT_REQUEST_TIMEOUT);
        assert_eq!(config.retries(), crate::DEFAULT_RETRIES);
        assert_eq!(config.max_response_bytes(), crate::DEFAULT_MAX_RESPONSE_BYTES);
        let options =
            Options { login: Some("admin".into()), password: Some("s3cret".into()), ..Options::new("http://pbx/") };
        assert!(!format!("{options:?}").contains("s3cret"));
        let refused = Options { retries: Some(11), ..Options::new("http://pbx/") }.into_config().unwrap_err();
        assert_eq!(refused.kind(), crate::ErrorKind::InvalidInput);
    }
}
