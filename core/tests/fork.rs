//! After `fork()`, a client created in the child works (a fork-start process pool is common
//! in Python scripts); a client inherited from the parent fails clearly instead of hanging.

mod common;

use common::config_for;
use mikopbx::ErrorKind;

#[test]
fn a_new_client_in_a_forked_child_works() {
    let sim_runtime = tokio::runtime::Runtime::new().unwrap();
    let sim = sim_runtime.block_on(common::sim());
    let inherited = mikopbx::blocking::Client::new(config_for(&sim).build().unwrap()).unwrap();
    assert_eq!(inherited.peer_statuses().unwrap().len(), 3, "the parent's runtime is running");

    // SAFETY: the child only runs the code below and leaves with `_exit`.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        let inherited_fails = inherited.peer_statuses().is_err_and(|e| e.kind() == ErrorKind::Unsupported);
        let fresh = mikopbx::blocking::Client::new(config_for(&sim).build().unwrap());
        let fresh_works = fresh.is_ok_and(|c| c.peer_statuses().is_ok_and(|peers| peers.len() == 3));
        let code = match (inherited_fails, fresh_works) {
            (true, true) => 0,
            (false, _) => 2,
            (true, false) => 3,
        };
        // SAFETY: ends the child without running the parent's destructors or test harness.
        unsafe { libc::_exit(code) };
    }
    let mut status = 0;
    // SAFETY: `pid` is our child; `status` is writable.
    assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
    assert!(libc::WIFEXITED(status), "the child ended normally");
    let code = libc::WEXITSTATUS(status);
    assert_eq!(code, 0, "2: the inherited client did not fail clearly; 3: a new client in the child failed");
}
