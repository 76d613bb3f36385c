//! A health snapshot for monitoring systems: the Prometheus text exposition format and a
//! Nagios plugin status line with its exit code.

use std::fmt::Write;

use mikopbx::{ExtensionState, Health, ProviderStatusState};

/// The Prometheus text format (version 0.0.4). Names follow Asterisk's `res_prometheus`
/// where it has a counterpart (`asterisk_pjsip_outbound_registration_status`: 0
/// unregistered, 1 registered, 2 rejected).
pub fn prometheus(health: &Health) -> String {
    let mut out = Exposition::default();
    let mut metric = |name: &str, help: &str, samples: &[(String, String)]| out.family(name, "gauge", help, samples);
    metric("mikopbx_up", "Whether the PBX could be read (1) or not (0).", &one(u8::from(health.reachable)));
    metric("mikopbx_scrape_duration_seconds", "How long the snapshot took.", &one(health.duration_ms / 1000.0));
    if !health.reachable {
        return out.text;
    }
    let extensions: Vec<(String, String)> = health
        .extensions
        .iter()
        .filter_map(|e| {
            let value = match e.state {
                ExtensionState::Online => 2,
                ExtensionState::Offline => 1,
                ExtensionState::Unknown => 0,
                _ => return None,
            };
            Some((labels(&[("id", &e.id)]), value.to_string()))
        })
        .collect();
    metric("mikopbx_extension_state", "Extension state: 0 unknown, 1 offline, 2 online.", &extensions);
    let counts = [
        ("online", health.extensions_online),
        ("offline", health.extensions_offline),
        ("unknown", health.extensions_unknown),
        ("disabled", health.extensions_disabled),
    ];
    let counts: Vec<(String, String)> =
        counts.iter().map(|(state, n)| (labels(&[("state", state)]), n.to_string())).collect();
    metric("mikopbx_extensions", "Extensions by state.", &counts);
    let registrations: Vec<(String, String)> = health
        .providers
        .iter()
        .filter_map(|p| {
            let value = match p.state {
                ProviderStatusState::Registered => 1,
                ProviderStatusState::Rejected => 2,
                ProviderStatusState::Disabled => return None,
                _ => 0,
            };
            let technology = p.technology.to_string();
            let labels =
                labels(&[("id", &p.id), ("technology", &technology), ("host", &p.host), ("username", &p.username)]);
            Some((labels, value.to_string()))
        })
        .collect();
    metric(
        "mikopbx_provider_registration_status",
        "Provider registration: 0 unregistered, 1 registered, 2 rejected (disabled providers are left out).",
        &registrations,
    );
    let states: Vec<(String, String)> = health
        .providers
        .iter()
        .map(|p| {
            let (technology, state) = (p.technology.to_string(), p.state.to_string());
            (labels(&[("id", &p.id), ("technology", &technology), ("state", &state)]), "1".to_owned())
        })
        .collect();
    metric("mikopbx_provider_info", "Each provider with its normalised state.", &states);
    metric("mikopbx_active_calls", "Calls in progress.", &one(health.active_calls));
    out.text
}

/// Text in the exposition format being written, one metric family at a time.
#[derive(Default)]
pub struct Exposition {
    pub text: String,
}

impl Exposition {
    /// A family: its HELP and TYPE lines, then each sample as (labels, value).
    pub fn family(&mut self, name: &str, kind: &str, help: &str, samples: &[(String, String)]) {
        let _ = writeln!(self.text, "# HELP {name} {help}\n# TYPE {name} {kind}");
        for (labels, value) in samples {
            let _ = writeln!(self.text, "{name}{labels} {value}");
        }
    }
}

/// A sample without labels.
pub fn one(value: impl ToString) -> Vec<(String, String)> {
    vec![(String::new(), value.to_string())]
}

/// `{a="x",b="y"}` with the values escaped as the exposition format wants.
pub fn labels(pairs: &[(&str, &str)]) -> String {
    let inner: Vec<String> = pairs
        .iter()
        .map(|(name, value)| {
            let value = value.replace('\\', r"\\").replace('"', "\\\"").replace('\n', r"\n");
            format!("{name}=\"{value}\"")
        })
        .collect();
    format!("{{{}}}", inner.join(","))
}

/// Thresholds of the Nagios check: offline extensions and providers with problems, each a
/// count at or above which the check warns or is critical.
#[derive(Debug, Clone, Copy, Default)]
pub struct Thresholds {
    pub warn_offline: Option<u64>,
    pub crit_offline: Option<u64>,
    pub warn_providers: Option<u64>,
    pub crit_providers: Option<u64>,
}

/// The plugin exit codes.
pub const OK: i32 = 0;
pub const WARNING: i32 = 1;
pub const CRITICAL: i32 = 2;
pub const UNKNOWN: i32 = 3;

/// One status line with performance data, and the plugin's exit code: CRITICAL when the PBX
/// cannot be reached, UNKNOWN when it cannot be read for another reason (credentials, an odd
/// answer), else by the thresholds (providers with problems are CRITICAL unless set).
pub fn nagios(health: &Health, thresholds: Thresholds) -> (String, i32) {
    if !health.reachable {
        let kind = health.error_kind.as_deref().unwrap_or("");
        let code = if matches!(kind, "transport" | "timeout" | "tls" | "http") { CRITICAL } else { UNKNOWN };
        let reason = health.error.as_deref().unwrap_or("no answer").replace('|', "/");
        return (format!("MIKOPBX {} - {reason}", status_word(code)), code);
    }
    let offline = health.extensions_offline;
    let down = health.providers.iter().filter(|p| p.problem).count() as u64;
    let crit_providers = thresholds.crit_providers.or(Some(1).filter(|_| thresholds.warn_providers.is_none()));
    let reached = |limit: Option<u64>, value: u64| limit.is_some_and(|limit| value >= limit);
    let code = if reached(thresholds.crit_offline, offline) || reached(crit_providers, down) {
        CRITICAL
    } else if reached(thresholds.warn_offline, offline) || reached(thresholds.warn_providers, down) {
        WARNING
    } else {
        OK
    };
    let limit = |value: Option<u64>| value.map(|v| v.to_string()).unwrap_or_default();
    let mut line = format!(
        "MIKOPBX {} - {} online, {offline} offline extensions; {} of {} providers down; {} calls",
        status_word(code),
        health.extensions_online,
        down,
        health.providers.iter().filter(|p| p.state != ProviderStatusState::Disabled).count(),
        health.active_calls,
    );
    let problems: Vec<&str> = health.problems.iter().map(String::as_str).collect();
    if !problems.is_empty() {
        let _ = write!(line, " ({})", problems.join("; ").replace('|', "/"));
    }
    let _ = write!(
        line,
        " | online={};;;0 offline={offline};{};{};0 providers_down={down};{};{};0 calls={};;;0 time={:.3}s;;;0",
        health.extensions_online,
        limit(thresholds.warn_offline),
        limit(thresholds.crit_offline),
        limit(thresholds.warn_providers),
        limit(crit_providers),
        health.active_calls,
        health.duration_ms / 1000.0,
    );
    (line, code)
}

fn status_word(code: i32) -> &'static str {
    match code {
        OK => "OK",
        WARNING => "WARNING",
        CRITICAL => "CRITICAL",
        _ => "UNKNOWN",
    }
}

/// Zabbix low-level discovery: one object per extension (`{#EXTENSION}`, `{#STATE}`) and per
/// provider (`{#PROVIDERID}`, `{#TECHNOLOGY}`, `{#HOST}`, `{#USERNAME}`), as a JSON array
/// (Zabbix 4.2+).
pub fn zabbix_discovery(health: &Health) -> serde_json::Value {
    let extensions =
        health.extensions.iter().map(|e| serde_json::json!({"{#EXTENSION}": e.id, "{#STATE}": e.state.as_str()}));
    let providers = health.providers.iter().map(|p| {
        serde_json::json!({"{#PROVIDERID}": p.id, "{#TECHNOLOGY}": p.technology.as_str(), "{#HOST}": p.host,
                           "{#USERNAME}": p.username})
    });
    serde_json::Value::Array(extensions.chain(providers).collect())
}

/// One item's value for a Zabbix agent or external check, with the numbers of the Prometheus
/// format: `up`, `active_calls`, `extensions.online` (and `.offline`, `.unknown`,
/// `.disabled`), `extension.state[ID]`, `provider.status[ID]`, `provider.problem[ID]`.
pub fn zabbix_item(health: &Health, key: &str) -> Result<String, String> {
    let arg = |prefix: &str| key.strip_prefix(prefix).and_then(|rest| rest.strip_suffix(']'));
    let extension = |id: &str| health.extensions.iter().find(|e| e.id == id).ok_or(format!("no extension {id:?}"));
    let provider = |id: &str| health.providers.iter().find(|p| p.id == id).ok_or(format!("no provider {id:?}"));
    Ok(match key {
        "up" => u8::from(health.reachable).to_string(),
        "active_calls" => health.active_calls.to_string(),
        "extensions.online" => health.extensions_online.to_string(),
        "extensions.offline" => health.extensions_offline.to_string(),
        "extensions.unknown" => health.extensions_unknown.to_string(),
        "extensions.disabled" => health.extensions_disabled.to_string(),
        _ if !health.reachable => {
            return Err(health.error.clone().unwrap_or_else(|| "the PBX cannot be read".to_owned()));
        }
        _ => {
            if let Some(id) = arg("extension.state[") {
                match extension(id)?.state {
                    ExtensionState::Online => "2",
                    ExtensionState::Offline => "1",
                    _ => "0",
                }
                .to_owned()
            } else if let Some(id) = arg("provider.status[") {
                match provider(id)?.state {
                    ProviderStatusState::Registered => "1",
                    ProviderStatusState::Rejected => "2",
                    _ => "0",
                }
                .to_owned()
            } else if let Some(id) = arg("provider.problem[") {
                u8::from(provider(id)?.problem).to_string()
            } else {
                return Err(format!(
                    "unknown item {key:?}: up, active_calls, extensions.online|offline|unknown|disabled, \
                     extension.state[ID], provider.status[ID], provider.problem[ID]"
                ));
            }
        }
    })
}
