//! Firewall bans (fail2ban) and unbanning, on both generations.
//!
//! Shapes (docs/server-notes.md, "Firewall bans"): legacy `firewall/getBannedIp` answers
//! `{"<ip>": [{jail, timeofban, timeunban, v}]}`; v3 `firewall:getBannedIps` answers
//! `{"<ip>": {country, countryName, bans: [{jail, timeofban, timeunban, v}]}}`; both send
//! `[]` when nothing is banned. Neither server checks the address given to unban.

use std::net::IpAddr;

use reqwest::Method;
use serde_json::{Value, json};

use crate::client::Inner;
use crate::envelope::BodyExpectation;
use crate::error::{Error, Result};
use crate::generation::ApiGeneration;
use crate::model::{data_error, define_models, string_field, unix_time_field};
use crate::transport::{Request, RequestBody};

const LEGACY_BANNED: &str = "pbxcore/api/firewall/getBannedIp";
const LEGACY_UNBAN: &str = "pbxcore/api/firewall/unBanIp";
const V3_BANNED: &str = "pbxcore/api/v3/firewall:getBannedIps";
const V3_UNBAN: &str = "pbxcore/api/v3/firewall:unbanIp";

/// The models of the firewall, declared once (see `__peer_models!`).
#[doc(hidden)]
#[macro_export]
macro_rules! __firewall_models {
    ($callback:ident) => {
        $callback! {
            enums {}
            models {
                /// One ban of one address by one fail2ban jail.
                struct BannedIp {
                    /// The banned address.
                    ip: String,
                    /// The fail2ban jail, as the server names it (`asterisk_public_v2`).
                    jail: String,
                    /// When the ban began.
                    banned_at: Option<$crate::UnixTime>,
                    /// When the ban ends.
                    unban_at: Option<$crate::UnixTime>,
                    /// The address's country code (v3 only; `LOCAL` for private networks).
                    country: Option<String>,
                    /// The country's name (v3 only).
                    country_name: Option<String>,
                    /// The ban's entry as sent.
                    #[serde(skip)]
                    raw: $crate::__private::Value,
                }
                methods {}
            }
        }
    };
}

__firewall_models!(define_models);

/// `banned_ips`: every ban, one entry per address and jail, in the server's order.
pub(crate) async fn banned_ips(inner: &Inner) -> Result<Vec<BannedIp>> {
    let generation = inner.generation().await?;
    let path = match generation {
        ApiGeneration::Legacy => LEGACY_BANNED,
        ApiGeneration::V3 => V3_BANNED,
    };
    let (url, data) = inner.get_data(path).await?;
    let entries = match data {
        Value::Object(map) => map,
        // PHP's empty array: nothing is banned.
        Value::Array(items) if items.is_empty() => return Ok(Vec::new()),
        other => return Err(data_error(&url, "the bans are not an object keyed by address", &other)),
    };
    let mut bans = Vec::new();
    for (ip, entry) in entries {
        let (country, country_name, list) = match (generation, entry) {
            (ApiGeneration::Legacy, Value::Array(list)) => (None, None, list),
            (ApiGeneration::V3, Value::Object(mut fields)) => {
                let text = |key: &str| string_field(&fields, key).filter(|s| !s.is_empty());
                let (country, name) = (text("country"), text("countryName"));
                match fields.remove("bans") {
                    Some(Value::Array(list)) => (country, name, list),
                    _ => (country, name, Vec::new()),
                }
            }
            (_, other) => return Err(data_error(&url, &format!("the bans of {ip} are not a list"), &other)),
        };
        for ban in list {
            let Value::Object(fields) = &ban else {
                return Err(data_error(&url, &format!("a ban of {ip} is not an object"), &ban));
            };
            bans.push(BannedIp {
                ip: ip.clone(),
                jail: string_field(fields, "jail").unwrap_or_default(),
                banned_at: unix_time_field(fields, "timeofban"),
                unban_at: unix_time_field(fields, "timeunban"),
                country: country.clone(),
                country_name: country_name.clone(),
                raw: ban,
            });
        }
    }
    Ok(bans)
}

/// `unban_ip`: lifts every ban of the address. The servers do not check it, so it is
/// checked here: an address that is not an IP address is invalid input.
pub(crate) async fn unban_ip(inner: &Inner, ip: String) -> Result<()> {
    let ip = ip.trim();
    let address: IpAddr = ip.parse().map_err(|_| Error::invalid(format!("{ip:?} is not an IP address")))?;
    let address = address.to_string();
    let (path, body) = match inner.generation().await? {
        // 2024.1 reads `$_POST` here: a form, not JSON.
        ApiGeneration::Legacy => (LEGACY_UNBAN, RequestBody::Form(vec![("ip".to_owned(), address)])),
        ApiGeneration::V3 => (V3_UNBAN, RequestBody::Json(json!({ "ip": address }))),
    };
    let request = Request { method: Method::POST, body: Some(&body), idempotent: false, ..Request::get(path) };
    inner.execute(&request, BodyExpectation::Envelope).await.map(drop)
}
