//! Which PBX and how: the connection flags, the environment and a profile of the user's
//! config file become the client's options. Flags beat the environment, which beats the
//! profile; credentials are one kind (login and password, or an API key) from the first of
//! those that gives any (`CredentialSource::choose`, the rule of every `from_env` too).

use std::path::PathBuf;

use clap::parser::ValueSource;
use clap::{ArgMatches, Args};
use mikopbx::{CredentialSource, Options, TlsTrust};

use crate::config_file::{self, ConfigFile};
use crate::{Failure, usage};

/// The flags every command that talks to a PBX takes (global: before or after the command).
#[derive(Args, Debug)]
pub struct Connection {
    /// Base URL of the PBX web interface, e.g. https://pbx.example.com or http://10.0.0.5:8081
    #[arg(long, env = "MIKOPBX_URL", global = true)]
    pub url: Option<String>,
    /// Web-interface login.
    #[arg(long, env = "MIKOPBX_LOGIN", global = true)]
    login: Option<String>,
    /// Web-interface password (prefer the MIKOPBX_PASSWORD environment variable).
    #[arg(long, env = "MIKOPBX_PASSWORD", hide_env_values = true, global = true)]
    password: Option<String>,
    /// API key (v3 servers, MikoPBX 2025.1+; prefer the MIKOPBX_API_KEY environment variable).
    #[arg(long, env = "MIKOPBX_API_KEY", hide_env_values = true, global = true)]
    api_key: Option<String>,
    /// A PBX of the config file ($MIKOPBX_CONFIG, else ~/.config/mikopbx/config.toml): its
    /// `[pbx.NAME]` table gives what flags and environment leave out.
    #[arg(long, env = "MIKOPBX_PROFILE", value_name = "NAME", global = true)]
    profile: Option<String>,
    /// API generation: auto (probe the server, the default), legacy (≤ 2024.x) or v3 (2025.1+).
    #[arg(long, value_name = "VERSION", global = true)]
    api_version: Option<String>,
    /// Accept any TLS certificate (traffic can be intercepted).
    #[arg(long, global = true, conflicts_with_all = ["ca_cert", "pin_sha256"])]
    insecure: bool,
    /// Trust this CA certificate (PEM file) in addition to the system roots.
    #[arg(long, value_name = "FILE", global = true, conflicts_with = "pin_sha256")]
    ca_cert: Option<PathBuf>,
    /// Accept exactly the server certificate with this SHA-256 fingerprint (hex; `mikopbx
    /// cert` shows it).
    #[arg(long, value_name = "HEX", global = true)]
    pin_sha256: Option<String>,
    /// Seconds one command may take in all (probe, login, retries and their pauses; default 45).
    #[arg(long, value_name = "SECS", global = true)]
    pub timeout: Option<f64>,
    /// Requests a minute to the server (0: no pacing). Default: 150 to a v3 server that is
    /// not on this host, whose rate limit blocks an address for 5 minutes past 200.
    #[arg(long, value_name = "N", global = true)]
    requests_per_minute: Option<u32>,
    /// Requests in flight to the server at once (default 4).
    #[arg(long, value_name = "N", global = true)]
    max_in_flight: Option<u32>,
}

/// The flags above, as clap declares them (for commands that take none of them).
pub fn flags() -> Vec<clap::Arg> {
    Connection::augment_args(clap::Command::new("connection")).get_arguments().cloned().collect()
}

/// The user's config file: `$MIKOPBX_CONFIG`, else `$XDG_CONFIG_HOME/mikopbx/config.toml`,
/// else `~/.config/mikopbx/config.toml`. The CLI only reads it.
pub fn config_path() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("MIKOPBX_CONFIG").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    config_file::user_dir("XDG_CONFIG_HOME", ".config").map(|dir| dir.join("mikopbx").join("config.toml"))
}

impl Connection {
    /// Whether a PBX is named at all (a URL, or a profile that has one).
    pub fn names_a_pbx(&self) -> bool {
        self.url.is_some() || self.profile.is_some()
    }

    /// The client's options. `matches` tells flags from environment variables.
    pub fn options(&self, matches: &ArgMatches) -> Result<Options, Failure> {
        let mut options = match &self.profile {
            Some(name) => profile(name)?,
            None => Options::default(),
        };
        if let Some(url) = &self.url {
            options.url = url.clone();
        }
        if options.url.is_empty() {
            return Err(usage("no server URL: pass --url, set MIKOPBX_URL, or name a --profile"));
        }
        let from = |source: ValueSource, login_wins: bool| {
            let pick =
                |id: &str, value: &Option<String>| value.clone().filter(|_| matches.value_source(id) == Some(source));
            CredentialSource {
                login: pick("login", &self.login),
                password: pick("password", &self.password),
                api_key: pick("api_key", &self.api_key),
                login_wins,
            }
        };
        let profile = CredentialSource {
            login: options.login.take(),
            password: options.password.take(),
            api_key: options.api_key.take(),
            login_wins: false,
        };
        let sources = [from(ValueSource::CommandLine, false), from(ValueSource::EnvVariable, true), profile];
        let chosen = CredentialSource::choose(&sources)
            .map_err(|_| usage("give --login and --password, or --api-key, not both"))?;
        (options.login, options.password, options.api_key) = (chosen.login, chosen.password, chosen.api_key);
        if let Some(version) = &self.api_version {
            options.api_version = Some(version.parse()?);
        }
        // A trust flag replaces the profile's trust as a whole.
        if self.insecure || self.ca_cert.is_some() || self.pin_sha256.is_some() {
            options.insecure = self.insecure;
            options.ca_pem = self.ca_cert.as_deref().map(TlsTrust::read_pem_file).transpose()?;
            options.pin_sha256 = self.pin_sha256.clone();
        }
        if let Some(seconds) = self.timeout {
            let timeout = mikopbx::seconds("--timeout", seconds)?;
            options.timeout = Some(timeout);
            options.connect_timeout = Some(timeout.min(mikopbx::DEFAULT_CONNECT_TIMEOUT));
        }
        options.requests_per_minute = self.requests_per_minute.or(options.requests_per_minute);
        options.max_in_flight = self.max_in_flight.or(options.max_in_flight);
        Ok(options)
    }
}

/// The options of `[pbx.NAME]` in the user's config file.
fn profile(name: &str) -> Result<Options, Failure> {
    let path = config_path().ok_or_else(|| usage("--profile: no config file (set MIKOPBX_CONFIG or HOME)"))?;
    let file = ConfigFile::read(&path).map_err(usage)?;
    match file.pbx(name).map_err(usage)? {
        Some(pbx) => Ok(pbx.options),
        None => {
            let known: Vec<&str> = file.pbx.keys().map(String::as_str).collect();
            Err(usage(format!("no [pbx.{name}] in {}; it has: {}", path.display(), known.join(", "))))
        }
    }
}
