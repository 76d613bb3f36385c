//! The one tokio runtime of the SDK, shared by the blocking facade and every binding.

use std::future::Future;
use std::sync::OnceLock;

use crate::error::{Error, Result};

struct Shared {
    runtime: tokio::runtime::Runtime,
    /// The process that built the runtime; its threads do not survive `fork()`.
    pid: u32,
}

static SHARED: OnceLock<std::result::Result<Shared, String>> = OnceLock::new();

const WORKER_THREADS: usize = 2;

/// The shared multi-thread runtime, built on first use.
///
/// Fails (rather than hanging) when used in a child process after `fork()`, whose copy of
/// the runtime has no threads.
pub fn runtime() -> Result<&'static tokio::runtime::Runtime> {
    let shared = SHARED.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(WORKER_THREADS)
            .thread_name("mikopbx-worker")
            .enable_all()
            .build()
            .map(|runtime| Shared { runtime, pid: std::process::id() })
            .map_err(|e| e.to_string())
    });
    match shared {
        Ok(shared) if shared.pid == std::process::id() => Ok(&shared.runtime),
        Ok(_) => Err(Error::Unsupported {
            message: "the mikopbx client was used in a child process after fork(); \
                      create clients after forking or use a spawn-based process pool"
                .to_owned(),
        }),
        Err(e) => Err(Error::Transport { url: String::new(), message: format!("cannot start the I/O runtime: {e}") }),
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
