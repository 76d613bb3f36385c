//! Blocking calls driven on the caller's own thread.
//!
//! A call handed to the shared runtime's workers costs the waiting thread two wake-ups (a
//! worker's, then its own): about a third of a small call on loopback (docs/performance.md).
//! A blocking call does not need that hop. Each client keeps a current-thread runtime of its
//! own, with its own HTTP connections (a connection belongs to the runtime whose I/O driver
//! polls it), made on its first blocking call; the thread that waits for a call drives it
//! there itself. One thread at a time: a blocking call made while another thread drives the
//! client's runtime, or from inside a runtime, takes the shared runtime as before.

use std::future::Future;
use std::sync::{Mutex, MutexGuard, TryLockError};
use std::time::Duration;

use crate::config::Config;
use crate::error::Result;
use crate::runtime;
use crate::transport::Transport;

tokio::task_local! {
    /// Set while a call is driven on its caller's thread: the HTTP client to use there.
    static DRIVING: Driving;
}

struct Driving {
    /// The transport (by address) whose requests take `http`.
    transport: usize,
    http: reqwest::Client,
}

/// True while the current call is driven on its caller's thread: it must not be handed to the
/// shared runtime, and may block this thread (it is the only one waiting for it).
pub(crate) fn is_driving() -> bool {
    DRIVING.try_with(|_| ()).is_ok()
}

/// The HTTP client of the caller's runtime for `transport`'s requests, when the current call
/// is driven on its caller's thread.
pub(crate) fn http_client(transport: &Transport) -> Option<reqwest::Client> {
    DRIVING.try_with(|driving| (driving.transport == address(transport)).then(|| driving.http.clone())).ok().flatten()
}

fn address(transport: &Transport) -> usize {
    std::ptr::from_ref(transport) as usize
}

/// A client's current-thread runtime and the HTTP client whose connections live on it.
struct CallerRuntime {
    runtime: Option<tokio::runtime::Runtime>,
    http: reqwest::Client,
    /// `runtime::forks()` when it was made: its I/O driver belongs to that process.
    forks: u64,
}

impl Drop for CallerRuntime {
    fn drop(&mut self) {
        let Some(runtime) = self.runtime.take() else { return };
        if self.forks != runtime::forks() {
            // A parent process's runtime: its threads do not exist here.
            std::mem::forget(runtime);
        } else if tokio::runtime::Handle::try_current().is_ok() {
            // Waiting is not allowed inside a runtime: leave its threads to end by themselves.
            runtime.shutdown_background();
        } else {
            // Its only threads are blocking ones (name lookups), if any: let them end, so a
            // program that frees its clients leaves no thread of this library behind.
            runtime.shutdown_timeout(SHUTDOWN_WAIT);
        }
    }
}

/// How long dropping a client waits for its runtime's blocking threads.
const SHUTDOWN_WAIT: Duration = Duration::from_secs(1);

/// A client's caller runtime, made on its first blocking call.
#[derive(Default)]
pub(crate) struct CallerSlot(Mutex<Option<CallerRuntime>>);

impl CallerSlot {
    /// Runs `call` to completion on this thread, or hands it back when this thread cannot
    /// drive it (see the module's doc).
    pub(crate) fn block_on<F: Future>(&self, transport: &Transport, config: &Config, call: F) -> Result<F::Output, F> {
        let Some(slot) = self.take(config) else { return Err(call) };
        let Some((runtime, driving)) = ready(&slot, transport) else { return Err(call) };
        Ok(runtime.block_on(DRIVING.scope(driving, after_idle(call))))
    }

    /// [`CallerSlot::block_on`], asking `interrupted` every `check_every` whether the caller
    /// wants to stop; an interruption drops the call (which cancels it) and returns its value.
    pub(crate) fn block_on_interruptible<F: Future, I>(
        &self,
        transport: &Transport,
        config: &Config,
        call: F,
        check_every: Duration,
        mut interrupted: impl FnMut() -> Option<I>,
    ) -> Result<std::result::Result<F::Output, I>, F> {
        let Some(slot) = self.take(config) else { return Err(call) };
        let Some((runtime, driving)) = ready(&slot, transport) else { return Err(call) };
        Ok(runtime.block_on(DRIVING.scope(driving, async move {
            let mut call = std::pin::pin!(after_idle(call));
            loop {
                if let Ok(output) = tokio::time::timeout(check_every, call.as_mut()).await {
                    return Ok(output);
                }
                if let Some(interruption) = interrupted() {
                    return Err(interruption);
                }
            }
        })))
    }

    /// The slot, locked, with a runtime for this process in it; `None` when this thread cannot
    /// drive a call here.
    fn take(&self, config: &Config) -> Option<MutexGuard<'_, Option<CallerRuntime>>> {
        if tokio::runtime::Handle::try_current().is_ok() {
            // Nested `block_on` panics; the shared path has a way around it.
            return None;
        }
        let mut slot = match self.0.try_lock() {
            Ok(slot) => slot,
            // A panic is caught inside the call; the runtime is still sound.
            Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            Err(TryLockError::WouldBlock) => return None,
        };
        match slot.as_ref() {
            // A client made before `fork()` fails in `Client::run`, on the shared path.
            Some(caller) if caller.forks != runtime::forks() => return None,
            Some(_) => {}
            None => *slot = Some(CallerRuntime::new(config)?),
        }
        Some(slot)
    }
}

/// `call`, after the runtime has handled what happened while no one drove it: a connection
/// that the server closed while idle (its keep-alive timeout) must be seen closed before
/// `call` takes one from the pool. The first yield lets the runtime poll its I/O driver,
/// which wakes the connections' tasks; the second lets those tasks run.
async fn after_idle<F: Future>(call: F) -> F::Output {
    tokio::task::yield_now().await;
    tokio::task::yield_now().await;
    call.await
}

/// The runtime of a taken slot, and what a call driven there for `transport` needs.
fn ready<'a>(slot: &'a Option<CallerRuntime>, transport: &Transport) -> Option<(&'a tokio::runtime::Runtime, Driving)> {
    let caller = slot.as_ref()?;
    Some((caller.runtime.as_ref()?, Driving { transport: address(transport), http: caller.http.clone() }))
}

impl CallerRuntime {
    fn new(config: &Config) -> Option<CallerRuntime> {
        let made = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .thread_name("mikopbx-caller-blocking")
            .build()
            .map_err(|e| e.to_string())
            .and_then(|runtime| Ok((runtime, Transport::http_client(config).map_err(|e| e.to_string())?)));
        match made {
            Ok((runtime, http)) => Some(CallerRuntime { runtime: Some(runtime), http, forks: runtime::forks() }),
            Err(e) => {
                tracing::debug!("calls go through the shared runtime: cannot make a caller runtime: {e}");
                None
            }
        }
    }
}
