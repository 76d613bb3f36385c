//! System operations.

use std::time::{Duration, Instant};

use crate::client::Inner;
use crate::error::{Error, Result, excerpt};
use crate::transport::Request;

/// Served by nginx as a static file on both generations, without authentication.
const PING: &str = "pbxcore/api/system/ping";

/// `ping`: the round-trip time of `PONG`.
pub(crate) async fn ping(inner: &Inner) -> Result<Duration> {
    let started = Instant::now();
    let response = inner.transport.send(&Request::get(PING), &[]).await?;
    let elapsed = started.elapsed();
    if response.status == 200 && response.body.trim_ascii() == b"PONG" {
        return Ok(elapsed);
    }
    if response.status != 200 {
        return Err(response.status_error());
    }
    Err(Error::Decode {
        url: response.url,
        message: "ping did not answer PONG".to_owned(),
        excerpt: excerpt(&response.body),
    })
}
