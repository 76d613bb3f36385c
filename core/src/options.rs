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

/// The environment variables that name a PBX and its credentials, read by the CLI and by the
/// bindings' `from_env` constructors.
pub const ENV_URL: &str = "MIKOPBX_URL";
pub const ENV_LOGIN: &str = "MIKOPBX_LOGIN";
pub const ENV_PASSWORD: &str = "MIKOPBX_PASSWORD";
pub const ENV_API_KEY: &str = "MIKOPBX_API_KEY";

/// An environment variable, empty being the same as unset; one that is not UTF-8 is refused.
pub fn env_var(name: &str) -> Result<Option<String>> {
    match std::env::var(name) {
        Ok(value) if value.is_empty() => Ok(None),
        Ok(value) => Ok(Some(value)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(crate::Error::invalid(format!("{name} is not valid UTF-8"))),
    }
}

/// Login, password and API key as one source gives them: a program's arguments, the
/// environment, a profile.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct CredentialSource {
    pub login: Option<String>,
    pub password: Option<String>,
    pub api_key: Option<String>,
    /// Both kinds given here mean login and password (the environment of a shell often holds
    /// both); elsewhere they are refused as a contradiction.
    pub login_wins: bool,
}

/// Never shows the password or the API key.
impl fmt::Debug for CredentialSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialSource")
            .field("login", &self.login)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl CredentialSource {
    /// `MIKOPBX_LOGIN`, `MIKOPBX_PASSWORD` and `MIKOPBX_API_KEY`.
    pub fn from_env() -> Result<CredentialSource> {
        Ok(CredentialSource {
            login: env_var(ENV_LOGIN)?,
            password: env_var(ENV_PASSWORD)?,
            api_key: env_var(ENV_API_KEY)?,
            login_wins: true,
        })
    }

    fn has_login(&self) -> bool {
        self.login.is_some() || self.password.is_some()
    }

    /// The credentials to use from `sources` in order of precedence: one kind, login and
    /// password or an API key, from the first source that gives any, so that a login never
    /// meets another source's key; a missing half of a login comes from the later sources
    /// (`--login admin` with `MIKOPBX_PASSWORD`). Nothing when no source gives any.
    pub fn choose(sources: &[CredentialSource]) -> Result<CredentialSource> {
        let Some(index) = sources.iter().position(|s| s.has_login() || s.api_key.is_some()) else {
            return Ok(CredentialSource::default());
        };
        let first = &sources[index];
        if first.has_login() && first.api_key.is_some() && !first.login_wins {
            return Err(crate::Error::invalid("give a login and password, or an API key, not both"));
        }
        if !first.has_login() {
            return Ok(CredentialSource { api_key: first.api_key.clone(), ..CredentialSource::default() });
        }
        let later = &sources[index..];
        Ok(CredentialSource {
            login: later.iter().find_map(|s| s.login.clone()),
            password: later.iter().find_map(|s| s.password.clone()),
            ..CredentialSource::default()
        })
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

    #[test]
    fn credentials_are_one_kind_from_the_first_source_that_gives_any() {
        let source =
            |login: Option<&str>, password: Option<&str>, api_key: Option<&str>, login_wins: bool| CredentialSource {
                login: login.map(str::to_owned),
                password: password.map(str::to_owned),
                api_key: api_key.map(str::to_owned),
                login_wins,
            };
        let key_flag = source(None, None, Some("key"), false);
        let env = source(Some("admin"), Some("secret"), Some("env-key"), true);
        let chosen = CredentialSource::choose(&[key_flag, env.clone()]).unwrap();
        assert_eq!(chosen, source(None, None, Some("key"), false), "a key flag beats the environment's login");
        let login_flag = source(Some("root"), None, None, false);
        let chosen = CredentialSource::choose(&[login_flag, env.clone()]).unwrap();
        assert_eq!(chosen, source(Some("root"), Some("secret"), None, false), "the other half from later");
        let chosen = CredentialSource::choose(&[CredentialSource::default(), env]).unwrap();
        assert_eq!(chosen, source(Some("admin"), Some("secret"), None, false), "in the environment, login wins");
        let both = source(Some("root"), Some("x"), Some("key"), false);
        assert!(CredentialSource::choose(&[both]).is_err());
        assert_eq!(CredentialSource::choose(&[]).unwrap(), CredentialSource::default());
        let shown = format!("{:?}", source(Some("a"), Some("pw-secret"), Some("key-secret"), false));
        assert!(!shown.contains("pw-secret") && !shown.contains("key-secret"), "{shown}");
    }
}
