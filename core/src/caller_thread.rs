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
use std::mem::ManuallyDrop;
use std::sync::{Mutex, MutexGuard, TryLockError};
use std::time::{Duration, Instant};

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
    /// Taken out only by `drop`.
    runtime: ManuallyDrop<tokio::runtime::Runtime>,
    http: reqwest::Client,
    /// `runtime::forks()` when it was made: its I/O driver belongs to that process.
    forks: u64,
    /// When the last call driven here ended.
    last_done: Option<Instant>,
}

impl Drop for CallerRuntime {
    fn drop(&mut self) {
        // SAFETY: `runtime` is taken once, here, and not used after.
        let runtime = unsafe { ManuallyDrop::take(&mut self.runtime) };
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
        let Some(mut slot) = self.take(config) else { return Err(call) };
        let Some(caller) = slot.as_mut() else { return Err(call) };
        Ok(caller.drive(transport, call))
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
        let Some(mut slot) = self.take(config) else { return Err(call) };
        let Some(caller) = slot.as_mut() else { return Err(call) };
        Ok(caller.drive(transport, async move {
            let mut call = std::pin::pin!(call);
            loop {
                if let Ok(output) = tokio::time::timeout(check_every, call.as_mut()).await {
                    return Ok(output);
                }
                if let Some(interruption) = interrupted() {
                    return Err(interruption);
                }
            }
        }))
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

/// After this long without a call, a call first lets the runtime handle what happened while
/// no one drove it: a connection that the server closed while idle (its keep-alive timeout,
/// seconds at least) must be seen closed before the call takes one from the pool. Calls in
/// quick succession skip that (two wake-ups of the runtime's own, four system calls).
const IDLE: Duration = Duration::from_millis(100);

impl CallerRuntime {
    /// Drives `call` to completion on this thread, in this runtime.
    fn drive<F: Future>(&mut self, transport: &Transport, call: F) -> F::Output {
        let idle = self.last_done.is_none_or(|done| done.elapsed() >= IDLE);
        let driving = Driving { transport: address(transport), http: self.http.clone() };
        let output = self.runtime.block_on(DRIVING.scope(driving, async move {
            if idle {
                // The first yield lets the runtime poll its I/O driver, which wakes the tasks
                // of connections the server closed; the second lets those tasks run.
                tokio::task::yield_now().await;
                tokio::task::yield_now().await;
            }
            call.await
        }));
        self.last_done = Some(Instant::now());
        output
    }

    fn new(config: &Config) -> Option<CallerRuntime> {
        let made = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .thread_name("mikopbx-caller-blocking")
            .build()
            .map_err(|e| e.to_string())
            .and_then(|runtime| Ok((runtime, Transport::http_client(config).map_err(|e| e.to_string())?)));
        match made {
            Ok((runtime, http)) => Some(CallerRuntime {
                runtime: ManuallyDrop::new(runtime),
                http,
                forks: runtime::forks(),
                last_done: None,
            }),
            Err(e) => {
                tracing::debug!("calls go through the shared runtime: cannot make a caller runtime: {e}");
                None
            }
        }
    }
}
