//! A stream that callers pull from one item at a time, from any thread or task, optionally
//! with a time limit: how the bindings expose the streaming calls (`cdr_records`, `watch`)
//! without callbacks from the runtime's threads into foreign code.
//!
//! Giving up on a pull (a time limit, a cancelled coroutine, Ctrl-C) loses nothing: the work
//! in progress stays inside the stream and the next pull resumes it.

use std::pin::Pin;
use std::time::Duration;

use futures_util::{Stream, StreamExt};

use crate::error::Result;

type Items<T> = Pin<Box<dyn Stream<Item = Result<T>> + Send>>;

/// A stream behind a lock (pulls from several threads take turns). It ends at the stream's
/// end or after its first error, which is returned once.
pub struct Feed<T> {
    items: tokio::sync::Mutex<Option<Items<T>>>,
}

/// What a pull with a time limit got.
#[derive(Debug, PartialEq)]
pub enum Pulled<T> {
    Item(T),
    /// Nothing came within the limit; pull again to go on waiting.
    Waiting,
    Ended,
}

impl<T> Feed<T> {
    pub fn new(items: impl Stream<Item = Result<T>> + Send + 'static) -> Feed<T> {
        Feed { items: tokio::sync::Mutex::new(Some(Box::pin(items))) }
    }

    /// The next item; `None` at the end.
    pub async fn next(&self) -> Result<Option<T>> {
        let mut items = self.items.lock().await;
        let Some(stream) = items.as_mut() else { return Ok(None) };
        match stream.next().await {
            Some(Ok(item)) => Ok(Some(item)),
            Some(Err(error)) => {
                *items = None;
                Err(error)
            }
            None => {
                *items = None;
                Ok(None)
            }
        }
    }

    /// The next item if it comes within `limit`.
    pub async fn next_within(&self, limit: Duration) -> Result<Pulled<T>> {
        match tokio::time::timeout(limit, self.next()).await {
            Ok(Ok(Some(item))) => Ok(Pulled::Item(item)),
            Ok(Ok(None)) => Ok(Pulled::Ended),
            Ok(Err(error)) => Err(error),
            Err(_) => Ok(Pulled::Waiting),
        }
    }
}

impl<T> std::fmt::Debug for Feed<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Feed")
    }
}

#[cfg(test)]
mod tests {
    use futures_util::stream;

    use super::*;
    use crate::Error;

    #[tokio::test]
    async fn ends_after_the_first_error_which_comes_once() {
        let feed = Feed::new(stream::iter([Ok(1), Err(Error::invalid("bad")), Ok(2)]));
        assert_eq!(feed.next().await.unwrap(), Some(1));
        assert!(feed.next().await.is_err());
        assert_eq!(feed.next().await.unwrap(), None);
        assert_eq!(feed.next_within(Duration::from_millis(1)).await.unwrap(), Pulled::Ended);
    }

    #[tokio::test]
    async fn a_pull_that_gives_up_loses_nothing() {
        let started = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = std::sync::Arc::clone(&started);
        let slow = stream::once(async move {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(300)).await;
            Ok("late")
        });
        let feed = Feed::new(slow);
        assert_eq!(feed.next_within(Duration::from_millis(20)).await.unwrap(), Pulled::Waiting);
        assert_eq!(feed.next_within(Duration::from_millis(20)).await.unwrap(), Pulled::Waiting);
        assert_eq!(feed.next_within(Duration::from_secs(30)).await.unwrap(), Pulled::Item("late"));
        assert_eq!(started.load(std::sync::atomic::Ordering::SeqCst), 1, "the work was resumed, not restarted");
    }
}
