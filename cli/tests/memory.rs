//! A server streaming an endless body costs the client bounded memory: measured as the peak
//! RSS of a `mikopbx` child process (one test in this binary, so the children's maximum is
//! this child's).

use std::process::Command;

use mikopbx_sim::{Fault, FaultKind, Simulator, SimulatorOptions};

/// Far above what the 8 MiB default cap needs, far below the gigabytes an unbounded read takes.
const MAX_RSS_KIB: i64 = 200 * 1024;

#[test]
fn an_endless_body_costs_bounded_memory() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let sim = rt.block_on(Simulator::start(SimulatorOptions::default())).unwrap();
    sim.add_fault(Fault::new(FaultKind::Endless).on_path("/pbxcore/api/sip/getPeersStatuses").forever());
    let out = Command::new(env!("CARGO_BIN_EXE_mikopbx"))
        .args(["--url", sim.url(), "--login", "admin", "--password", "adminpassword", "--no-session-cache", "peers"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("larger than"), "{stderr}");
    // SAFETY: getrusage writes into the zeroed struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    assert_eq!(unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) }, 0);
    assert!(usage.ru_maxrss < MAX_RSS_KIB, "peak RSS {} KiB", usage.ru_maxrss);
}
