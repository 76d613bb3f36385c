//! The interpreter's shutdown, as the SDK's threads must see it. From `Py_FinalizeEx` on, a
//! thread that takes the interpreter again is ended with `pthread_exit` (CPython < 3.14):
//! a runtime thread that attaches then crashes the process, and a thread of the program is
//! unwound through the Rust frames of its call (undefined behaviour; see also build.rs).
//! (`try_attach` cannot tell a finalizing interpreter under the abi3 build.) So an `atexit`
//! hook, which runs before finalizing, closes the gate: from then on no runtime thread
//! attaches (the log's deliveries), and a thread of the program that waits in a call of the
//! SDK — a daemon thread; the others were joined before `atexit` — does not return to the
//! interpreter once its call is done.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::ThreadId;
use std::time::{Duration, Instant};

use pyo3::prelude::*;

/// False once the shutdown began.
static OPEN: AtomicBool = AtomicBool::new(true);
/// The thread that shuts the interpreter down, which may still call the SDK (an `atexit`
/// handler registered before ours).
static SHUTTING_DOWN: OnceLock<ThreadId> = OnceLock::new();
/// Attachments of other threads under way, which the shutdown waits for.
static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);
/// How long the shutdown waits for them: a count left by threads that a `fork()` did not copy
/// never drops to zero.
const SHUTDOWN_WAIT: Duration = Duration::from_secs(1);

/// Whether this thread must keep out of the interpreter: the shutdown began on another.
fn shut_out() -> bool {
    !OPEN.load(Ordering::SeqCst) && SHUTTING_DOWN.get() != Some(&std::thread::current().id())
}

/// `Python::try_attach`, unless the interpreter shuts down (`None` then).
pub fn try_attach<R>(work: impl FnOnce(Python<'_>) -> R) -> Option<R> {
    IN_FLIGHT.fetch_add(1, Ordering::SeqCst);
    let done = if shut_out() { None } else { Python::try_attach(work) };
    IN_FLIGHT.fetch_sub(1, Ordering::SeqCst);
    done
}

/// `py.detach(work)`; a thread that the shutdown shut out meanwhile does not return to the
/// interpreter: it sleeps until the process ends, as CPython 3.14 lets such threads sleep.
pub fn detach<T: Send>(py: Python<'_>, work: impl FnOnce() -> T + Send) -> T {
    py.detach(|| {
        let done = work();
        while shut_out() {
            std::thread::park();
        }
        done
    })
}

/// Closes the gate (the `atexit` hook of `mikopbx._logging`) and waits, detached, for the
/// attachments under way: they need the interpreter to finish.
#[pyfunction(name = "_shutdown")]
pub fn shutdown(py: Python<'_>) {
    let _ = SHUTTING_DOWN.set(std::thread::current().id());
    OPEN.store(false, Ordering::SeqCst);
    mikopbx::set_log_level(None);
    py.detach(|| {
        let started = Instant::now();
        while IN_FLIGHT.load(Ordering::SeqCst) > 0 && started.elapsed() < SHUTDOWN_WAIT {
            std::thread::sleep(Duration::from_millis(1));
        }
    });
}

/// Whether the gate is still open (the log is delivered only then).
pub fn open() -> bool {
    OPEN.load(Ordering::SeqCst)
}
