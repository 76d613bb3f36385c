//! A stream that callers pull from one item at a time, from any thread or task, optionally
//! with a time limit: how the bindings expose the streaming calls (`cdr_records`, `watch`)
//! without callbacks from the runtime's threads into foreign code.
//!
//! Each pull runs on the shared runtime (foreign executors such as uniffi's have no tokio
//! context). Giving up on a pull (a time limit, a cancelled coroutine, Ctrl-C) loses nothing:
//! the work in progress stays inside the stream and the next pull resumes it, and an item that
//! arrives just as its caller leaves is kept for the next pull.

use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{Stream, StreamExt};

use crate::error::{Error, Result};

type Items<T> = Pin<Box<dyn Stream<Item = Result<T>> + Send>>;

/// A stream behind a lock (pulls from several threads take turns). It ends at the stream's
/// end or after its first error, which is returned once.
pub struct Feed<T> {
    state: Arc<tokio::sync::Mutex<State<T>>>,
}

struct State<T> {
    /// `None` once ended.
    items: Option<Items<T>>,
    /// What the last pull got after its caller had gone.
    unclaimed: Option<Result<Option<T>>>,
}

/// What a pull with a time limit got.
#[derive(Debug, PartialEq)]
pub enum Pulled<T> {
    Item(T),
    /// Nothing came within the limit; pull again to go on waiting.
    Waiting,
    Ended,
}

impl<T: Send + 'static> Feed<T> {
    pub fn new(items: impl Stream<Item = Result<T>> + Send + 'static) -> Feed<T> {
        Feed { state: Arc::new(tokio::sync::Mutex::new(State { items: Some(Box::pin(items)), unclaimed: None })) }
    }

    /// The next item; `None` at the end.
    pub async fn next(&self) -> Result<Option<T>> {
        let state = Arc::clone(&self.state);
        let (answer, answered) = tokio::sync::oneshot::channel();
        let pull = crate::runtime::runtime()?.spawn(async move {
            let mut state = state.lock().await;
            let next = match state.unclaimed.take() {
                Some(next) => next,
                None => state.pull().await,
            };
            // No await from here on: an abort cannot come between the item and its keeping.
            if let Err(next) = answer.send(next) {
                state.unclaimed = Some(next);
            }
        });
        let _abort = AbortOnDrop(pull);
        answered
            .await
            .unwrap_or_else(|_| Err(Error::Internal { message: "the feed's pull ended without an answer".to_owned() }))
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

impl<T> State<T> {
    async fn pull(&mut self) -> Result<Option<T>> {
        let Some(stream) = self.items.as_mut() else { return Ok(None) };
        let next = stream.next().await.transpose();
        if !matches!(next, Ok(Some(_))) {
            self.items = None;
        }
        next
    }
}

/// Stops a pull whose caller has gone (the stream keeps its work; see the module's doc).
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
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

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn callers_that_leave_at_any_moment_lose_no_item_and_see_none_twice() {
        let feed = Feed::new(stream::iter((1..=20).map(Ok)));
        let mut seen = Vec::new();
        for _ in 0..200 {
            if let Ok(next) = tokio::time::timeout(Duration::ZERO, feed.next()).await {
                seen.extend(next.unwrap());
            }
            tokio::task::yield_now().await;
        }
        while let Some(item) = feed.next().await.unwrap() {
            seen.push(item);
        }
        assert_eq!(seen, (1..=20).collect::<Vec<_>>());
    }
}
