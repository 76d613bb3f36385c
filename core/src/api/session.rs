//! The session operations: the API generation, login and logout.

use crate::client::Inner;
use crate::error::Result;
use crate::generation::ApiGeneration;

pub(crate) async fn api_generation(inner: &Inner) -> Result<ApiGeneration> {
    inner.generation().await
}

pub(crate) async fn login(inner: &Inner) -> Result<()> {
    let generation = inner.generation().await?;
    inner.session.login(&inner.transport, generation).await
}

pub(crate) async fn logout(inner: &Inner) -> Result<()> {
    // Without a known generation there has been no call, so there is no session to end.
    let Some(generation) = inner.known_generation() else { return Ok(()) };
    inner.session.logout(&inner.transport, generation).await
}
