//! The `mikopbx._native` extension module: thin pyo3 wrappers over the core client, the
//! embedded simulator and the CLI. Logic lives in the core; this crate converts and delegates.

mod aio;
mod client;
mod convert;
mod errors;
mod models;
mod simulator;

use std::io::Write;

use pyo3::prelude::*;

/// Runs the `mikopbx` command-line tool (`args[0]` is the program name); returns its exit code.
#[pyfunction]
fn run_cli(py: Python<'_>, args: Vec<String>) -> i32 {
    py.detach(move || {
        // A panic in the tool (e.g. stdout closed by `| head`) ends it as it ends the binary:
        // the panic hook has printed the message, and 101 is Rust's exit code for a panic.
        let code = std::panic::catch_unwind(move || mikopbx_cli::run(args)).unwrap_or(101);
        // The tool writes through Rust's buffered stdout; flush it before Python goes on.
        let _ = std::io::stdout().flush();
        code
    })
}

#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    module.add_class::<client::Client>()?;
    module.add_class::<client::AsyncClient>()?;
    module.add_class::<models::PeerStatus>()?;
    module.add_class::<models::PeerDetail>()?;
    module.add_class::<models::Contact>()?;
    module.add_class::<models::ProviderRegistration>()?;
    module.add_class::<simulator::Simulator>()?;
    module.add_class::<aio::Call>()?;
    module.add_function(wrap_pyfunction!(run_cli, module)?)?;
    module.add_function(wrap_pyfunction!(client::operations, module)?)?;
    Ok(())
}
