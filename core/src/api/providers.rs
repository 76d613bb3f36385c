//! Providers (SIP and IAX trunks): their registrations, on both generations.
//!
//! Quirk handled here: 2026.1 names outbound SIP registrations `<id>-REG`; IAX ids are the
//! provider's on both (docs/server-notes.md, "IAX registry").

use serde_json::Value;

use crate::client::Inner;
use crate::error::Result;
use crate::generation::ApiGeneration;
use crate::model::{define_models, list_of, string_field};

const LEGACY_REGISTRY: &str = "pbxcore/api/sip/getRegistry";
const V3_REGISTRY: &str = "pbxcore/api/v3/sip:getRegistry";
const LEGACY_IAX_REGISTRY: &str = "pbxcore/api/iax/getRegistry";
const V3_IAX_REGISTRY: &str = "pbxcore/api/v3/iax:getRegistry";

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
            }
            models {
                /// Registration of one provider (`sip/getRegistry`, `iax/getRegistry`).
                struct ProviderRegistration {
                    id: String,
                    /// `sip` or `iax`.
                    technology: $crate::ProviderTechnology,
                    state: $crate::ProviderState,
                    username: String,
                    host: String,
                    /// The server's entry as sent.
                    #[serde(skip)]
                    raw: $crate::__private::Value,
                }
                methods {
                    /// The server's state string.
                    state_raw -> &str,
                }
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

    /// A SIP registry entry with an `id`; anything else is handed back.
    pub(crate) fn from_entry(entry: Value) -> Result<ProviderRegistration, Value> {
        Self::from_registry_entry(entry, ProviderTechnology::Sip)
    }

    fn from_iax_entry(entry: Value) -> Result<ProviderRegistration, Value> {
        Self::from_registry_entry(entry, ProviderTechnology::Iax)
    }

    fn from_registry_entry(entry: Value, technology: ProviderTechnology) -> Result<ProviderRegistration, Value> {
        let Some(map) = entry.as_object() else { return Err(entry) };
        let Some(id) = string_field(map, "id") else { return Err(entry) };
        Ok(ProviderRegistration {
            id,
            technology,
            state: ProviderState::from_raw(&string_field(map, "state").unwrap_or_default()),
            username: string_field(map, "username").unwrap_or_default(),
            host: string_field(map, "host").unwrap_or_default(),
            raw: entry,
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
    let (url, data) = inner.get_data(sip).await?;
    let mut providers = list_of(&url, data, ProviderRegistration::from_entry)?;
    if generation == ApiGeneration::V3 {
        providers.iter_mut().for_each(ProviderRegistration::normalize_v3_id);
    }
    let (url, data) = inner.get_data(iax).await?;
    providers.extend(list_of(&url, data, ProviderRegistration::from_iax_entry)?);
    Ok(providers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_states_keep_the_raw_string() {
        let odd = ProviderState::from_raw("Request Sent");
        assert_eq!(odd.as_str(), "Request Sent");
        assert_eq!(serde_json::to_value(&odd).unwrap(), serde_json::json!("Request Sent"));
    }
}
