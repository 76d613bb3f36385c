//! The one tokio runtime of the SDK, shared by the blocking facade and every binding.
//!
//! A runtime's threads do not survive `fork()`. The child gets a runtime of its own when it
//! first needs one, so clients created after forking work; clients created before the fork
//! carry the fork count of their birth and fail with a clear error instead of hanging.

use std::future::Future;
use std::sync::atomic::{AtomicPtr, AtomicU64, Ordering};
use std::time::Duration;

use crate::error::{Error, Result};

struct Shared {
    runtime: tokio::runtime::Runtime,
    /// [`forks()`] when this runtime was built.
    forks: u64,
}

/// The current process's runtime; replaced (and the parent's copy leaked, since its threads
/// are gone) in a forked child.
static SHARED: AtomicPtr<Shared> = AtomicPtr::new(std::ptr::null_mut());
/// Incremented in every child right after `fork()` (a `pthread_atfork` handler), so checking
/// for a fork costs one atomic load instead of a `getpid` call.
static FORKS: AtomicU64 = AtomicU64::new(0);

const WORKER_THREADS: usize = 2;

/// How many times this process is removed from the first one by `fork()`.
pub(crate) fn forks() -> u64 {
    FORKS.load(Ordering::Acquire)
}

extern "C" fn after_fork_in_child() {
    FORKS.fetch_add(1, Ordering::AcqRel);
}

fn register_fork_handler() {
    static REGISTERED: std::sync::Once = std::sync::Once::new();
    REGISTERED.call_once(|| {
        // SAFETY: the handler only touches an atomic, which is async-signal-safe.
        unsafe { libc::pthread_atfork(None, None, Some(after_fork_in_child)) };
    });
}

/// The shared multi-thread runtime of this process, built on first use (again in a forked
/// child).
pub fn runtime() -> Result<&'static tokio::runtime::Runtime> {
    let forks = forks();
    let current = SHARED.load(Ordering::Acquire);
    // SAFETY: pointers in SHARED come from `Box::into_raw` below and are freed only by
    // `shutdown_runtime`, whose caller guarantees that no reference is used after.
    if let Some(shared) = unsafe { current.as_ref() }
        && shared.forks == forks
    {
        return Ok(&shared.runtime);
    }
    register_fork_handler();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(WORKER_THREADS)
        .thread_name("mikopbx-worker")
        .enable_all()
        .build()
        .map_err(|e| Error::Transport { url: String::new(), message: format!("cannot start the I/O runtime: {e}") })?;
    let fresh = Box::into_raw(Box::new(Shared { runtime, forks }));
    match SHARED.compare_exchange(current, fresh, Ordering::AcqRel, Ordering::Acquire) {
        // The replaced runtime (if any) belonged to the parent process: leaked on purpose,
        // dropping it would wait for threads that do not exist here.
        // SAFETY: `fresh` was just leaked; see the first SAFETY note on freeing.
        Ok(_) => Ok(&unsafe { &*fresh }.runtime),
        Err(winner) => {
            // Another thread installed a runtime first: use it, and stop ours without waiting
            // (no task runs on it; a blocking drop would panic inside an async context).
            // SAFETY: `fresh` came from Box::into_raw above and was not shared.
            unsafe { Box::from_raw(fresh) }.runtime.shutdown_background();
            // SAFETY: as above, pointers in SHARED are leaked boxes.
            Ok(&unsafe { &*winner }.runtime)
        }
    }
}

/// Stops the shared runtime and waits (at most `timeout`) for its threads to end, so that a
/// program about to exit leaves no thread of this library behind (valgrind then reports no
/// "possibly lost" thread stacks). A later call starts a new runtime. False, and nothing
/// done, when called from a thread of a runtime.
///
/// # Safety
/// No thread uses the runtime now or later through an earlier [`runtime()`] reference: every
/// client, stream and call of the SDK is finished and dropped (a client made before fails
/// its next call, its connections having died with the runtime).
pub unsafe fn shutdown_runtime(timeout: Duration) -> bool {
    if tokio::runtime::Handle::try_current().is_ok() {
        return false;
    }
    let current = SHARED.swap(std::ptr::null_mut(), Ordering::AcqRel);
    if current.is_null() {
        return true;
    }
    // SAFETY: pointers in SHARED come from `Box::into_raw` in `runtime()`; the caller promises
    // that no reference to it is in use.
    let shared = unsafe { Box::from_raw(current) };
    if shared.forks == forks() {
        shared.runtime.shutdown_timeout(timeout);
    } else {
        // The parent's runtime: its threads do not exist in this process.
        std::mem::forget(shared);
    }
    true
}

/// The error for a client used in a child process after `fork()`.
pub(crate) fn forked_client_error() -> Error {
    Error::Unsupported {
        message: "this mikopbx client was created before fork(); create a new client in the child process".to_owned(),
    }
}

/// Runs a future to completion on the shared runtime from synchronous code.
///
/// Safe to call from inside another runtime's thread: there it waits on a scoped helper
/// thread instead of nesting `block_on`, which would panic.
pub fn block_on<F>(future: F) -> Result<F::Output>
where
    F: Future + Send,
    F::Output: Send,
{
    let runtime = runtime()?;
    if tokio::runtime::Handle::try_current().is_err() {
        return Ok(runtime.block_on(future));
    }
    Ok(std::thread::scope(|scope| {
        scope.spawn(|| runtime.block_on(future)).join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    }))
}

/// Runs a future on the shared runtime and waits for it, asking `interrupted` every
/// `check_every` whether the caller wants to stop (e.g. Python's Ctrl-C). An interruption
/// aborts the work and returns the interruption's value.
pub fn block_on_interruptible<T, I>(
    future: impl Future<Output = Result<T>> + Send + 'static,
    check_every: Duration,
    mut interrupted: impl FnMut() -> Option<I>,
) -> std::result::Result<Result<T>, I>
where
    T: Send + 'static,
{
    let runtime = match runtime() {
        Ok(runtime) => runtime,
        Err(e) => return Ok(Err(e)),
    };
    let (done, mut result) = tokio::sync::oneshot::channel();
    let waiter = std::thread::current();
    let task = runtime.spawn(async move {
        // The receiver is gone only when the caller was interrupted and stopped waiting.
        let _ = done.send(future.await);
        waiter.unpark();
    });
    loop {
        match result.try_recv() {
            Ok(outcome) => return Ok(outcome),
            Err(tokio::sync::oneshot::error::TryRecvError::Closed) => {
                return Ok(Err(Error::Internal { message: "the call's task ended without an answer".to_owned() }));
            }
            Err(tokio::sync::oneshot::error::TryRecvError::Empty) => {}
        }
        if let Some(interruption) = interrupted() {
            task.abort();
            return Err(interruption);
        }
        std::thread::park_timeout(check_every);
    }
}
