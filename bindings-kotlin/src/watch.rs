//! `MikoPbxClient.openWatch`: the change stream of a PBX as an object Kotlin pulls from
//! (`WatchEvents.next()`); `Watch.kt` wraps it as the `Flow` users collect. No callbacks from
//! the runtime's threads: every event is awaited by a coroutine.

use std::sync::Arc;

use crate::client::MikoPbxClient;
use crate::ffi::IntoFfi;
use crate::{Result, WatchEvent};

/// Every change of one PBX, in order; made by `MikoPbxClient.openWatch`, freed by `close()`
/// (which stops the watcher).
#[derive(uniffi::Object)]
pub struct WatchEvents(mikopbx::Feed<mikopbx::WatchEvent>);

#[uniffi::export]
impl WatchEvents {
    /// The next change, as soon as the watcher sees it (the first is the `snapshot`). A
    /// cancelled coroutine loses nothing: the next call resumes the poll in progress. Never
    /// null: the watch does not end on its own.
    pub async fn next(&self) -> Result<Option<WatchEvent>> {
        Ok(self.0.next().await?.map(IntoFfi::into_ffi))
    }
}

#[uniffi::export]
impl MikoPbxClient {
    /// Starts watching (see `watch` in Watch.kt, the `Flow` made from this): polls
    /// `health(include, exclude)` every `intervalSeconds` (default 30, the server's status
    /// cache; at least 0.1) with this client's one session. Bad options throw here.
    #[uniffi::method(default(interval_seconds = None, include = None, exclude = None))]
    pub fn open_watch(
        &self,
        interval_seconds: Option<f64>,
        include: Option<String>,
        exclude: Option<String>,
    ) -> Result<Arc<WatchEvents>> {
        let options = mikopbx::WatchOptions::new(interval_seconds, include, exclude)?;
        Ok(Arc::new(WatchEvents(mikopbx::Feed::new(self.core().watch(options)))))
    }
}
