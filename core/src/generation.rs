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

/// Only a v3 server answers the probe with a v3 envelope. Any other answer below 500 (the
/// real legacy server's 404, or a 401/403 from servers that check authentication first)
/// means legacy; a 5xx says nothing about the generation.
pub(crate) async fn detect(transport: &Transport) -> Result<ApiGeneration> {
    let response = transport.send(&Request::get(PROBE_PATH), &[]).await?;
    let document: Option<Value> = serde_json::from_slice(&response.body).ok();
    let is_v3_envelope = document
        .as_ref()
        .and_then(Value::as_object)
        .is_some_and(|map| map.contains_key("result") && !map.contains_key("jsonapi"));
    if response.status == 200 && is_v3_envelope {
        return Ok(ApiGeneration::V3);
    }
    if response.status < 500 {
        return Ok(ApiGeneration::Legacy);
    }
    Err(Error::Decode {
        url: response.url,
        message: format!(
            "cannot tell the MikoPBX API generation (HTTP {}); set api_version to legacy or v3",
            response.status
        ),
        excerpt: excerpt(&response.body),
    })
}
