//! Paths given to the raw `request()`: checked so they stay below the configured base URL,
//! and the short `group/action` form mapped onto each API generation.

use percent_encoding::percent_decode_str;

use crate::error::{Error, Result};
use crate::generation::ApiGeneration;

/// Legacy actions that v3 names differently (docs/server-notes.md).
const V3_RENAMES: &[(&str, &str)] = &[
    ("system/getDate", "system:datetime"),
    ("cdr/getActiveCalls", "pbx-status:getActiveCalls"),
    ("cdr/getActiveChannels", "pbx-status:getActiveChannels"),
    ("firewall/getBannedIp", "firewall:getBannedIps"),
    ("firewall/unBanIp", "firewall:unbanIp"),
];

/// A checked request path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RequestPath {
    /// Below the base URL as given (`pbxcore/...`, `admin-cabinet/...`), without the leading
    /// slash.
    Full(String),
    /// `group/action` (or a v3 `resource[/id]:method`), mapped per generation.
    Short(String),
}

impl RequestPath {
    pub fn parse(path: &str) -> Result<RequestPath> {
        let path = path.trim();
        if path.is_empty() {
            return Err(Error::invalid("request path must not be empty"));
        }
        if path.contains("://") || path.starts_with("//") {
            return Err(Error::invalid("request path must be a path on the configured server, not a URL"));
        }
        let path = path.trim_start_matches('/');
        let route = path.split(['?', '#']).next().unwrap_or_default();
        if route.split('/').any(climbs) {
            return Err(Error::invalid(
                "request path must not contain `.` or `..` segments (plain or percent-encoded) or encoded slashes",
            ));
        }
        Ok(if path.starts_with("pbxcore/") || path.starts_with("admin-cabinet/") {
            RequestPath::Full(path.to_owned())
        } else {
            RequestPath::Short(path.to_owned())
        })
    }

    /// The path below the base URL for a server of this generation.
    pub fn resolve(self, generation: ApiGeneration) -> String {
        let short = match self {
            RequestPath::Full(path) => return path,
            RequestPath::Short(short) => short,
        };
        let short = short.strip_prefix("v3/").map_or(short.clone(), str::to_owned);
        let route = short.split(['?', '#']).next().unwrap_or_default();
        if route.contains(':') {
            return format!("pbxcore/api/v3/{short}");
        }
        match generation {
            ApiGeneration::Legacy => format!("pbxcore/api/{short}"),
            ApiGeneration::V3 => {
                let rest = &short[route.len()..];
                let renamed = V3_RENAMES.iter().find(|(legacy, _)| *legacy == route).map(|(_, v3)| (*v3).to_owned());
                let v3_route = renamed.unwrap_or_else(|| match route.rsplit_once('/') {
                    Some((resource, action)) => format!("{resource}:{action}"),
                    None => route.to_owned(),
                });
                format!("pbxcore/api/v3/{v3_route}{rest}")
            }
        }
    }
}

/// A segment that, once a server decodes it, moves up or sideways: `.`, `..`, or one with an
/// encoded `/` or `\`.
fn climbs(segment: &str) -> bool {
    let decoded = percent_decode_str(segment).decode_utf8_lossy();
    decoded == "." || decoded == ".." || decoded.contains(['/', '\\'])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(path: &str, generation: ApiGeneration) -> String {
        RequestPath::parse(path).unwrap().resolve(generation)
    }

    #[test]
    fn full_paths_stay_as_given() {
        for generation in [ApiGeneration::Legacy, ApiGeneration::V3] {
            assert_eq!(resolve("/pbxcore/api/sip/getRegistry", generation), "pbxcore/api/sip/getRegistry");
            assert_eq!(resolve("pbxcore/api/v3/system:ping", generation), "pbxcore/api/v3/system:ping");
        }
    }

    #[test]
    fn short_paths_map_per_generation() {
        assert_eq!(resolve("sip/getRegistry", ApiGeneration::Legacy), "pbxcore/api/sip/getRegistry");
        assert_eq!(resolve("sip/getRegistry", ApiGeneration::V3), "pbxcore/api/v3/sip:getRegistry");
        assert_eq!(resolve("system/getDate", ApiGeneration::V3), "pbxcore/api/v3/system:datetime");
        assert_eq!(resolve("system/getDate", ApiGeneration::Legacy), "pbxcore/api/system/getDate");
        assert_eq!(resolve("sip/201:getStatus", ApiGeneration::V3), "pbxcore/api/v3/sip/201:getStatus");
        assert_eq!(resolve("v3/cdr?limit=5", ApiGeneration::V3), "pbxcore/api/v3/cdr?limit=5");
        assert_eq!(
            resolve("cdr/getActiveCalls?x=1", ApiGeneration::V3),
            "pbxcore/api/v3/pbx-status:getActiveCalls?x=1"
        );
    }

    #[test]
    fn climbing_paths_are_refused() {
        for bad in [
            "../pbx2/pbxcore/api/sip/getRegistry",
            "pbxcore/api/../../pbx2/x",
            "pbxcore/%2e%2e/x",
            "pbxcore/.%2E/x",
            "pbxcore/%2E/x",
            "sip/..%2fx",
            "sip/..%5cx",
            "http://evil/x",
            "//evil/x",
            "",
        ] {
            assert_eq!(RequestPath::parse(bad).unwrap_err().kind(), crate::ErrorKind::InvalidInput, "{bad}");
        }
    }
}
