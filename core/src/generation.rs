//! The two API generations of MikoPBX and how to tell which one a server speaks (reference
//! §0 and §11).

use serde_json::Value;

use crate::error::{Error, Result, excerpt};
use crate::transport::{Request, Transport};

/// The API generation a server speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApiGeneration {
    /// MikoPBX ≤ 2024.x: session cookie, `/pbxcore/api/<group>/<action>`.
    Legacy,
    /// MikoPBX 2025.1+: bearer JWT or API key, `/pbxcore/api/v3/<resource>[:method]`.
    V3,
}

impl ApiGeneration {
    pub fn as_str(self) -> &'static str {
        match self {
            ApiGeneration::Legacy => "legacy",
            ApiGeneration::V3 => "v3",
        }
    }
}

impl std::fmt::Display for ApiGeneration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Public on v3, unknown (404, answered before authentication) on legacy servers, so the
/// probe never counts as a failed login on either generation.
pub(crate) const PROBE_PATH: &str = "pbxcore/api/v3/system:ping";

/// Decides on positive evidence only: a v3 server answers the probe with its envelope
/// (`result`, no `jsonapi`); a legacy server answers its own JSON error shape (`jsonapi`
/// and `errors`, a 404 before any authentication, docs/server-notes.md). Anything else
/// (a rate limiter's 429, a firewall's 403, a worker's 400 or 503, a proxy's page) says
/// nothing about the generation: it is returned as the error, and the next call probes
/// again.
pub(crate) async fn detect(transport: &Transport) -> Result<ApiGeneration> {
    let response = transport.send(&Request::get(PROBE_PATH), &[]).await?;
    if response.is_redirect() {
        return Err(response.status_error());
    }
    let document: Option<Value> = serde_json::from_slice(&response.body).ok();
    let map = document.as_ref().and_then(Value::as_object);
    if let Some(map) = map {
        if response.status == 200 && map.contains_key("result") && !map.contains_key("jsonapi") {
            return Ok(ApiGeneration::V3);
        }
        if matches!(response.status, 401 | 403 | 404) && map.contains_key("jsonapi") && map.contains_key("errors") {
            return Ok(ApiGeneration::Legacy);
        }
    }
    let excerpt = excerpt(&response.body);
    if (200..300).contains(&response.status) {
        return Err(Error::Decode {
            url: response.url,
            message: format!(
                "this is no MikoPBX API: the generation probe answered HTTP {} with something else \
                 (set api_version to legacy or v3 if it is one)",
                response.status
            ),
            excerpt,
        });
    }
    Err(Error::Http {
        url: response.url,
        status: response.status,
        message: format!("cannot tell the MikoPBX API generation yet (the next call asks again): {excerpt}"),
    })
}
