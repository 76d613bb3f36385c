//! Providers (SIP and IAX trunks): their registrations, on both generations.
//!
//! Quirk handled here: 2026.1 names outbound SIP registrations `<id>-REG`; IAX ids are the
//! provider's on both (docs/server-notes.md, "IAX registry").

use std::borrow::Cow;

use serde_json::Value;

use crate::client::Inner;
use crate::error::Result;
use crate::generation::ApiGeneration;
use crate::list_entry::{EntryFields, ListEntry, scalar_text};
use crate::model::{data_error, define_models, number_field, string_field, unix_time_field};
use crate::raw_json::RawJson;

const LEGACY_REGISTRY: &str = "pbxcore/api/sip/getRegistry";
const V3_REGISTRY: &str = "pbxcore/api/v3/sip:getRegistry";
const LEGACY_IAX_REGISTRY: &str = "pbxcore/api/iax/getRegistry";
const V3_IAX_REGISTRY: &str = "pbxcore/api/v3/iax:getRegistry";
/// Both technologies, whatever the path says (docs/server-notes.md, "Provider statuses").
const V3_STATUSES: &str = "pbxcore/api/v3/sip-providers:getStatuses";

/// The models of providers, declared once (see `__peer_models!`).
#[doc(hidden)]
#[macro_export]
macro_rules! __provider_models {
    ($callback:ident) => {
        $callback! {
            enums {
                /// The protocol of a provider.
                enum ProviderTechnology { Sip = "sip", Iax = "iax" }

                /// Registration state of a provider (trunk), as the server reports it: SIP
                /// registries use these upper-case words; IAX reports Asterisk's own
                /// (`Registered`, `Request Sent`, `Error register.`) or, without registration,
                /// the peer's status (`OK`, `UNREACHABLE`), kept as `Other` where unlisted.
                enum ProviderState {
                    Registered = "REGISTERED",
                    Unregistered = "UNREGISTERED",
                    Rejected = "REJECTED",
                    /// The provider is disabled.
                    Off = "OFF",
                    /// A provider without outbound registration whose endpoint is reachable.
                    Ok = "OK",
                    Unknown = "UNKNOWN",
                }

                /// A provider's state in one vocabulary for both generations, made by the SDK
                /// from the server's words (kept beside it as `server_state`):
                /// `REGISTERED`/`registered`/`Registered`, and `OK`/`lagged` of a provider
                /// without registration, are `registered`; `UNREGISTERED`, `unreachable`,
                /// `Timeout` are `unregistered`; `REJECTED`, `No Authentication`,
                /// `Error register.` are `rejected`; `OFF` is `disabled`; `Request Sent`,
                /// `Auth. Sent`, `Trying` are `checking`; anything else is `unknown` (this
                /// enum is never `Other`).
                enum ProviderStatusState {
                    Registered = "registered",
                    Unregistered = "unregistered",
                    Rejected = "rejected",
                    Disabled = "disabled",
                    Checking = "checking",
                    Unknown = "unknown",
                }
            }
            models {
                /// Registration of one provider (`sip/getRegistry`, `iax/getRegistry`).
                struct ProviderRegistration {
                    /// The provider's id, e.g. `SIP-1601534845`.
                    id: String,
                    /// `sip` or `iax`.
                    technology: $crate::ProviderTechnology,
                    /// The registry's word: `OK`, `REGISTERED`, `OFF` (disabled), `REJECTED`, …
                    /// (another word is kept as it came).
                    state: $crate::ProviderState,
                    /// The account name at the provider.
                    username: String,
                    /// The provider's host name or address.
                    host: String,
                    /// The server's entry as sent.
                    #[serde(skip)]
                    raw: $crate::RawJson,
                }
                methods {
                    /// The server's state string.
                    state_raw -> &str,
                }

                /// The status of one provider (`sip-providers:getStatuses` on v3; the
                /// registries on legacy, which have no round-trip times or state times).
                struct ProviderStatus {
                    /// The provider's id, e.g. `SIP-1601534845`.
                    id: String,
                    /// `sip` or `iax`.
                    technology: $crate::ProviderTechnology,
                    /// The state, normalised.
                    state: $crate::ProviderStatusState,
                    /// The server's state word as sent (`registered`, `OK`, `OFF`, …).
                    server_state: String,
                    /// The provider's host name or address.
                    host: String,
                    /// The account name at the provider.
                    username: String,
                    /// The provider's name in the PBX (v3 only).
                    description: Option<String>,
                    /// Qualify round-trip time, milliseconds (v3 only).
                    rtt_ms: Option<u64>,
                    /// Since when the provider is in this state (v3 only).
                    state_since: Option<$crate::UnixTime>,
                    /// When the server last checked (v3 only).
                    checked_at: Option<$crate::UnixTime>,
                    /// The server's explanation (`Registered to …`, a rejection reason), when
                    /// it gives one.
                    details: Option<String>,
                    /// The server's entry as sent.
                    #[serde(skip)]
                    raw: $crate::__private::Value,
                }
                methods {}
            }
        }
    };
}

__provider_models!(define_models);

impl ProviderRegistration {
    pub fn state_raw(&self) -> &str {
        self.state.as_str()
    }

    /// 2026.1 names outbound registrations `<id>-REG` but still strips `REG-`, so ids come
    /// back as `SIP-TRUNK-960E68DA-REG`; the provider's id is without the suffix.
    pub(crate) fn normalize_v3_id(&mut self) {
        if let Some(base) = self.id.strip_suffix("-REG") {
            self.id = base.to_owned();
        }
    }
}

/// A registry entry: its `id`, `state`, `username` and `host` (strings, or numbers as written);
/// the rest stays in `raw`. Read as a SIP provider; the IAX registry's are marked after.
impl ListEntry for ProviderRegistration {
    const FIELDS: &'static [&'static str] = &["id", "state", "username", "host"];

    fn from_fields(fields: &EntryFields<'_>, raw: RawJson) -> std::result::Result<ProviderRegistration, RawJson> {
        let text = |index: usize| fields[index].and_then(scalar_text);
        let Some(id) = text(0) else { return Err(raw) };
        Ok(ProviderRegistration {
            id: id.into_owned(),
            technology: ProviderTechnology::Sip,
            state: ProviderState::from_raw(text(1).as_deref().unwrap_or_default()),
            username: text(2).map(Cow::into_owned).unwrap_or_default(),
            host: text(3).map(Cow::into_owned).unwrap_or_default(),
            raw,
        })
    }
}

/// `provider_registrations`: every SIP provider's registration, then every IAX provider's,
/// with the same ids on both generations.
pub(crate) async fn registrations(inner: &Inner) -> Result<Vec<ProviderRegistration>> {
    let generation = inner.generation().await?;
    let (sip, iax) = match generation {
        ApiGeneration::Legacy => (LEGACY_REGISTRY, LEGACY_IAX_REGISTRY),
        ApiGeneration::V3 => (V3_REGISTRY, V3_IAX_REGISTRY),
    };
    let mut providers = inner.read_list::<ProviderRegistration>(sip).await?;
    if generation == ApiGeneration::V3 {
        providers.iter_mut().for_each(ProviderRegistration::normalize_v3_id);
    }
    let mut iax = inner.read_list::<ProviderRegistration>(iax).await?;
    iax.iter_mut().for_each(|provider| provider.technology = ProviderTechnology::Iax);
    providers.append(&mut iax);
    Ok(providers)
}

/// `provider_statuses`: every SIP provider, then every IAX one.
pub(crate) async fn statuses(inner: &Inner) -> Result<Vec<ProviderStatus>> {
    match inner.generation().await? {
        ApiGeneration::Legacy => Ok(registrations(inner).await?.into_iter().map(ProviderStatus::from).collect()),
        ApiGeneration::V3 => {
            let (url, data) = inner.get_data(V3_STATUSES).await?;
            v3_statuses(&url, data)
        }
    }
}

/// `{"sip": {<id>: status}, "iax": {<id>: status}}`; PHP sends `[]` for an empty group.
fn v3_statuses(url: &str, data: Value) -> Result<Vec<ProviderStatus>> {
    let Value::Object(mut groups) = data else {
        return Err(data_error(url, "the provider statuses are not an object of sip and iax", &data));
    };
    let mut statuses = Vec::new();
    for (key, technology) in [("sip", ProviderTechnology::Sip), ("iax", ProviderTechnology::Iax)] {
        let entries = match groups.remove(key) {
            Some(Value::Object(entries)) => entries.into_iter().collect(),
            Some(Value::Array(entries)) => entries.into_iter().map(|entry| (String::new(), entry)).collect(),
            Some(Value::Null) | None => Vec::new(),
            Some(other) => {
                return Err(data_error(url, &format!("the {key} provider statuses are not an object"), &other));
            }
        };
        for (id, entry) in entries {
            let Value::Object(fields) = &entry else {
                return Err(data_error(url, "a provider status is not an object", &entry));
            };
            let text = |key: &str| string_field(fields, key).filter(|text| !text.is_empty());
            let server_state = text("state").unwrap_or_default();
            statuses.push(ProviderStatus {
                id: text("id").unwrap_or(id),
                technology: technology.clone(),
                state: ProviderStatusState::normalize(&server_state),
                server_state,
                host: text("host").unwrap_or_default(),
                username: text("username").unwrap_or_default(),
                description: text("description"),
                rtt_ms: number_field(fields, "rtt"),
                state_since: unix_time_field(fields, "stateStartTime"),
                checked_at: unix_time_field(fields, "lastUpdate"),
                details: text("registrationDetails").or_else(|| text("rejectionReason")),
                raw: entry,
            });
        }
    }
    Ok(statuses)
}

impl ProviderStatusState {
    /// The state a server word stands for, on either generation (see the enum's doc).
    pub fn normalize(server_state: &str) -> ProviderStatusState {
        match server_state.trim().to_ascii_lowercase().as_str() {
            "registered" | "ok" | "lagged" | "reachable" => ProviderStatusState::Registered,
            "unregistered" | "unreachable" | "timeout" => ProviderStatusState::Unregistered,
            "rejected" | "no authentication" | "error register." | "failed" => ProviderStatusState::Rejected,
            "off" | "disabled" => ProviderStatusState::Disabled,
            "request sent" | "auth. sent" | "trying" | "sent" => ProviderStatusState::Checking,
            _ => ProviderStatusState::Unknown,
        }
    }
}

/// A legacy registry entry as a status: the same ids, no times.
impl From<ProviderRegistration> for ProviderStatus {
    fn from(registration: ProviderRegistration) -> Self {
        let server_state = registration.state.as_str().to_owned();
        ProviderStatus {
            id: registration.id,
            technology: registration.technology,
            state: ProviderStatusState::normalize(&server_state),
            server_state,
            host: registration.host,
            username: registration.username,
            description: None,
            rtt_ms: None,
            state_since: None,
            checked_at: None,
            details: None,
            raw: registration.raw.to_value(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_entries_are_read_from_their_text() {
        let body = bytes::Bytes::from_static(
            br#"{"result":true,"data":[{"id":"SIP-1","state":"REGISTERED","username":"u","host":"sip.example.com\/x","extra":[1]},{"id":7,"state":"LAGGED"},{"state":"OK"}]}"#,
        );
        let err = crate::envelope::read_list::<ProviderRegistration>("u", 200, false, &body).unwrap_err();
        assert!(err.to_string().contains(r#"{"state":"OK"}"#), "the entry without an id is quoted: {err}");
        let body = body.slice(..body.len() - r#",{"state":"OK"}]}"#.len());
        let body = bytes::Bytes::from([&body[..], b"]}"].concat());
        let read = crate::envelope::read_list::<ProviderRegistration>("u", 200, false, &body).unwrap();
        assert_eq!(
            (read[0].id.as_str(), read[0].state.clone(), read[0].host.as_str()),
            ("SIP-1", ProviderState::Registered, "sip.example.com/x")
        );
        assert_eq!((read[1].id.as_str(), read[1].state.as_str(), read[1].username.as_str()), ("7", "LAGGED", ""));
        assert_eq!(
            read[0].raw.as_str(),
            r#"{"id":"SIP-1","state":"REGISTERED","username":"u","host":"sip.example.com\/x","extra":[1]}"#
        );
        assert_eq!(read[0].technology, ProviderTechnology::Sip);
    }

    #[test]
    fn unknown_states_keep_the_raw_string() {
        let odd = ProviderState::from_raw("Request Sent");
        assert_eq!(odd.as_str(), "Request Sent");
        assert_eq!(serde_json::to_value(&odd).unwrap(), serde_json::json!("Request Sent"));
    }

    #[test]
    fn both_vocabularies_normalise_to_one() {
        use ProviderStatusState as S;
        for (word, state) in [
            ("REGISTERED", S::Registered),
            ("registered", S::Registered),
            ("Registered", S::Registered),
            ("OK", S::Registered),
            ("lagged", S::Registered),
            ("UNREGISTERED", S::Unregistered),
            ("unreachable", S::Unregistered),
            ("REJECTED", S::Rejected),
            ("Error register.", S::Rejected),
            ("OFF", S::Disabled),
            ("Request Sent", S::Checking),
            ("UNKNOWN", S::Unknown),
            ("something new", S::Unknown),
        ] {
            assert_eq!(S::normalize(word), state, "{word}");
        }
    }
}
