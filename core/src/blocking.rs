//! A synchronous facade over [`crate::Client`], running on the shared runtime.

use crate::config::Config;
use crate::error::Result;

/// Blocking client: the same calls as [`crate::Client`] (made from the same operations list,
/// `api/mod.rs`), waiting for each answer.
#[derive(Clone, Debug)]
pub struct Client {
    inner: crate::Client,
}

/// The blocking face of an asynchronous client (they share the session).
impl From<crate::Client> for Client {
    fn from(inner: crate::Client) -> Self {
        Client { inner }
    }
}

/// A stream as an iterator that waits on the shared runtime for each item and ends after the
/// first error (the blocking form of the streaming calls).
pub(crate) fn iterate<T: Send + 'static>(
    stream: impl futures_util::Stream<Item = Result<T>> + Send + 'static,
) -> impl Iterator<Item = Result<T>> + 'static {
    let mut stream = Box::pin(stream);
    let mut failed = false;
    std::iter::from_fn(move || {
        if failed {
            return None;
        }
        let next =
            crate::runtime::block_on(futures_util::StreamExt::next(&mut stream)).unwrap_or_else(|e| Some(Err(e)));
        failed = matches!(next, Some(Err(_)));
        next
    })
}

impl Client {
    pub fn new(config: Config) -> Result<Client> {
        Ok(Client { inner: crate::Client::new(config)? })
    }

    pub fn config(&self) -> &Config {
        self.inner.config()
    }

    /// The asynchronous client behind this one (they share the session).
    pub fn as_async(&self) -> &crate::Client {
        &self.inner
    }

    pub fn saved_session(&self) -> Option<crate::SavedSession> {
        self.inner.saved_session()
    }
    pub fn resume(&self, saved: &crate::SavedSession) -> bool {
        self.inner.resume(saved)
    }
}
