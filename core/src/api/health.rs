//! One monitoring snapshot of a PBX: reachable or not (and why), its extensions and providers
//! in normalised states, its calls in progress, when it was taken and how long it took.
//!
//! Sources, asked at once: the peer list (v3: `sip:getStatuses`, whose 30 s cache makes it
//! cheap, and the employee list for the disabled extensions), the provider statuses (legacy:
//! the SIP and IAX registries) and the active calls — four requests a snapshot
//! (docs/server-notes.md, "Extension statuses", "Provider statuses", "Disabled extensions"). A snapshot never fails
//! for what the server does: an unreachable PBX, a refused login or an odd answer is
//! `reachable: false` with the error's kind and text; only bad filters are an error.

use std::time::Instant;

use regex::Regex;

use super::{calls, extensions, peers, providers};
use crate::client::Inner;
use crate::error::{Error, Result};
use crate::generation::ApiGeneration;
use crate::model::define_models;
use crate::{PeerState, ProviderStatusState, UnixTime};

/// The models of health, declared once (see `__peer_models!`).
#[doc(hidden)]
#[macro_export]
macro_rules! __health_models {
    ($callback:ident) => {
        $callback! {
            enums {
                /// An extension's state for monitoring, made by the SDK from both generations'
                /// words (kept as `server_state`): v3 `Available` and legacy `OK` are `online`,
                /// v3 `Unavailable` and legacy `UNKNOWN` (no registered device) `offline`, v3
                /// `Unknown` `unknown`; `disabled` for extensions switched off in the PBX,
                /// which v3 names in its employee list and 2024.1's API does not name at all
                /// (this enum is never `Other`).
                enum ExtensionState {
                    Online = "online",
                    Offline = "offline",
                    Unknown = "unknown",
                    Disabled = "disabled",
                }
            }
            models {
                /// One extension in a health snapshot.
                struct ExtensionHealth {
                    /// The extension number, e.g. `201`.
                    id: String,
                    /// `online`, `offline`, `unknown` or `disabled`, the same on both
                    /// generations.
                    state: $crate::ExtensionState,
                    /// The server's word (`Available`, `OK`, `UNKNOWN`, …).
                    server_state: String,
                }
                methods {}

                /// One provider in a health snapshot.
                struct ProviderHealth {
                    /// The provider's id, e.g. `SIP-1601534845`.
                    id: String,
                    /// `sip` or `iax`.
                    technology: $crate::ProviderTechnology,
                    /// `registered`, `unregistered`, `rejected`, `disabled`, `checking` or
                    /// `unknown`.
                    state: $crate::ProviderStatusState,
                    /// The server's word (`registered`, `OK`, `OFF`, …).
                    server_state: String,
                    /// The provider's host name or address.
                    host: String,
                    /// The account name at the provider.
                    username: String,
                    /// Qualify round-trip time, milliseconds (v3 only).
                    rtt_ms: Option<u64>,
                    /// Counts as a problem: `unregistered` or `rejected` (a disabled provider,
                    /// one still checking or of unknown state does not).
                    problem: bool,
                }
                methods {}

                /// One snapshot of a PBX for monitoring.
                struct Health {
                    /// Everything was read; when false, `error` says why and the lists are empty.
                    reachable: bool,
                    /// The kind of the error that stopped the snapshot (`transport`, `timeout`,
                    /// `authentication`, …), as every surface names error kinds.
                    error_kind: Option<String>,
                    /// Its message.
                    error: Option<String>,
                    /// `legacy` or `v3`, when known.
                    api_generation: Option<String>,
                    /// When the snapshot was started.
                    taken_at: $crate::UnixTime,
                    /// How long it took, milliseconds.
                    duration_ms: f64,
                    /// Every extension (after the include/exclude patterns) with its state.
                    extensions: Vec<$crate::ExtensionHealth>,
                    /// How many extensions are `online`.
                    extensions_online: u64,
                    /// How many extensions are `offline`.
                    extensions_offline: u64,
                    /// How many extensions are `unknown`.
                    extensions_unknown: u64,
                    /// How many extensions are `disabled` (v3 only: 2024.1's API does not name
                    /// them).
                    extensions_disabled: u64,
                    /// Every provider (after the patterns) with its state.
                    providers: Vec<$crate::ProviderHealth>,
                    /// Calls in progress: distinct `linkedid`s with a leg that has not ended.
                    active_calls: u64,
                    /// Their `linkedid`s, sorted.
                    call_ids: Vec<String>,
                    /// What needs attention, one sentence each: the PBX unreachable, a provider
                    /// unregistered or rejected.
                    problems: Vec<String>,
                }
                methods {}
            }
        }
    };
}

__health_models!(define_models);

/// Ids to keep: `include` and `exclude` are comma-separated patterns where `*` is any text
/// and `?` one character (`2*,SIP-*`); an id is kept when it matches an include (or there is
/// none) and no exclude.
struct Filter {
    include: Option<Regex>,
    exclude: Option<Regex>,
}

impl Filter {
    fn new(include: Option<&str>, exclude: Option<&str>) -> Result<Filter> {
        Ok(Filter { include: include.map(pattern).transpose()?, exclude: exclude.map(pattern).transpose()? })
    }

    fn keeps(&self, id: &str) -> bool {
        self.include.as_ref().is_none_or(|p| p.is_match(id)) && !self.exclude.as_ref().is_some_and(|p| p.is_match(id))
    }
}

/// Refuses patterns `health` would refuse, before any request.
pub(crate) fn check_patterns(include: Option<&str>, exclude: Option<&str>) -> Result<()> {
    Filter::new(include, exclude).map(drop)
}

fn pattern(text: &str) -> Result<Regex> {
    let alternatives: Vec<String> = text
        .split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| regex::escape(part).replace(r"\*", ".*").replace(r"\?", "."))
        .collect();
    if alternatives.is_empty() {
        return Err(Error::invalid(format!("{text:?} is not an id pattern (e.g. `2*,SIP-*`)")));
    }
    Regex::new(&format!("^(?:{})$", alternatives.join("|")))
        .map_err(|e| Error::invalid(format!("{text:?} is not an id pattern: {e}")))
}

/// `health`: the snapshot.
pub(crate) async fn snapshot(inner: &Inner, include: Option<String>, exclude: Option<String>) -> Result<Health> {
    let filter = Filter::new(include.as_deref(), exclude.as_deref())?;
    let started = Instant::now();
    let taken_at = UnixTime::now();
    let read = read(inner, &filter).await;
    let duration_ms = started.elapsed().as_secs_f64() * 1000.0;
    let api_generation = inner.known_generation().map(|g| g.as_str().to_owned());
    Ok(match read {
        Ok((extensions, providers, call_ids)) => {
            let count = |state: ExtensionState| extensions.iter().filter(|e| e.state == state).count() as u64;
            let problems = providers
                .iter()
                .filter(|p| p.problem)
                .map(|p| format!("provider {} ({}@{}) is {}", p.id, p.username, p.host, p.state))
                .collect();
            Health {
                reachable: true,
                error_kind: None,
                error: None,
                api_generation,
                taken_at,
                duration_ms,
                extensions_online: count(ExtensionState::Online),
                extensions_offline: count(ExtensionState::Offline),
                extensions_unknown: count(ExtensionState::Unknown),
                extensions_disabled: count(ExtensionState::Disabled),
                extensions,
                providers,
                active_calls: call_ids.len() as u64,
                call_ids,
                problems,
            }
        }
        Err(error) => Health {
            reachable: false,
            error_kind: Some(error.kind().as_str().to_owned()),
            problems: vec![format!("the PBX cannot be read: {error}")],
            error: Some(error.to_string()),
            api_generation,
            taken_at,
            duration_ms,
            extensions: Vec::new(),
            extensions_online: 0,
            extensions_offline: 0,
            extensions_unknown: 0,
            extensions_disabled: 0,
            providers: Vec::new(),
            active_calls: 0,
            call_ids: Vec::new(),
        },
    })
}

type Parts = (Vec<ExtensionHealth>, Vec<ProviderHealth>, Vec<String>);

async fn read(inner: &Inner, filter: &Filter) -> Result<Parts> {
    let generation = inner.generation().await?;
    let (extensions, providers, calls) =
        tokio::join!(extension_states(inner, generation), providers::statuses(inner), calls::active_calls(inner));
    let extensions = extensions?.into_iter().filter(|e| filter.keeps(&e.id)).collect();
    let providers = providers?
        .into_iter()
        .filter(|p| filter.keeps(&p.id))
        .map(|p| ProviderHealth {
            problem: matches!(p.state, ProviderStatusState::Unregistered | ProviderStatusState::Rejected),
            id: p.id,
            technology: p.technology,
            state: p.state,
            server_state: p.server_state,
            host: p.host,
            username: p.username,
            rtt_ms: p.rtt_ms,
        })
        .collect();
    let mut live: Vec<String> =
        calls?.into_iter().filter(|leg| leg.endtime.is_none()).map(|leg| leg.linkedid).collect();
    live.sort_unstable();
    live.dedup();
    Ok((extensions, providers, live))
}

/// v3: `sip:getStatuses` (one cached request, the server's own availability), then the
/// disabled extensions it leaves out, from the employee list; legacy: the peer list (one
/// request; `OK` is a registered device; disabled extensions are not in it, nor anywhere in
/// 2024.1's API).
async fn extension_states(inner: &Inner, generation: ApiGeneration) -> Result<Vec<ExtensionHealth>> {
    Ok(match generation {
        ApiGeneration::V3 => {
            let (statuses, disabled) =
                futures_util::try_join!(extensions::statuses(inner), extensions::disabled_numbers(inner))?;
            let mut states: Vec<ExtensionHealth> = statuses
                .into_iter()
                .map(|e| ExtensionHealth {
                    state: ExtensionState::from_v3(&e.server_status),
                    server_state: e.server_status,
                    id: e.id,
                })
                .collect();
            let mut listed: std::collections::HashSet<String> = states.iter().map(|e| e.id.clone()).collect();
            for id in disabled.unwrap_or_default() {
                if listed.insert(id.clone()) {
                    states.push(ExtensionHealth {
                        id,
                        state: ExtensionState::Disabled,
                        server_state: "disabled".to_owned(),
                    });
                }
            }
            states
        }
        ApiGeneration::Legacy => peers::statuses(inner)
            .await?
            .into_iter()
            .map(|p| ExtensionHealth {
                state: if p.state == PeerState::Ok { ExtensionState::Online } else { ExtensionState::Offline },
                server_state: p.state.as_str().to_owned(),
                id: p.id,
            })
            .collect(),
    })
}

impl ExtensionState {
    fn from_v3(status: &str) -> ExtensionState {
        match status {
            "Available" => ExtensionState::Online,
            "Unavailable" => ExtensionState::Offline,
            _ => ExtensionState::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_are_comma_separated_wildcards() {
        let filter = Filter::new(Some("2*, SIP-*"), Some("24?")).unwrap();
        assert!(filter.keeps("201") && filter.keeps("SIP-1601534775"));
        assert!(!filter.keeps("241") && !filter.keeps("IAX-1") && !filter.keeps("x201"));
        assert!(Filter::new(None, None).unwrap().keeps("anything"));
        assert_eq!(Filter::new(Some(" , "), None).err().map(|e| e.kind()), Some(crate::ErrorKind::InvalidInput));
        assert!(
            Filter::new(Some("a.b"), None).unwrap().keeps("a.b")
                && !Filter::new(Some("a.b"), None).unwrap().keeps("axb")
        );
    }
}
