//! The `mikopbx._native` extension module: thin pyo3 wrappers over the core client, the
//! embedded simulator and the CLI. Logic lives in the core; this crate converts and delegates.

mod aio;
mod client;
mod convert;
mod errors;
mod interpreter;
mod logging;
mod models;
mod pythonic;
mod simulator;
mod streams;

use std::io::Write;

use pyo3::prelude::*;

/// Runs the `mikopbx` command-line tool (`args[0]` is the program name); returns its exit code.
#[pyfunction]
fn run_cli(py: Python<'_>, args: Vec<String>) -> i32 {
    interpreter::detach(py, move || {
        // A panic in the tool (e.g. stdout closed by `| head`) ends it as it ends the binary:
        // the panic hook has printed the message, and 101 is Rust's exit code for a panic.
        let code = std::panic::catch_unwind(move || mikopbx_cli::run(args)).unwrap_or(101);
        // The tool writes through Rust's buffered stdout; flush it before Python goes on.
        let _ = std::io::stdout().flush();
        code
    })
}

/// The core's models and state enums: `{"models": [{name, doc, fields}], "enums": [{name,
/// values}]}` (what every binding's classes carry).
#[pyfunction(name = "models")]
fn model_list(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    convert::to_py(py, &mikopbx::models_json())
}

/// What the stub generator (`make python-stubs`) reads: the models with their Python types,
/// and the operations with their arguments' and results' Python types.
#[pyfunction]
fn schema(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    let mut schema = models::schema();
    schema["operations"] = client::operation_schema();
    convert::to_py(py, &schema)
}

#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    module.add_class::<client::Client>()?;
    module.add_class::<client::AsyncClient>()?;
    models::add_classes(module)?;
    module.add_class::<simulator::Simulator>()?;
    module.add_class::<aio::Call>()?;
    module.add_class::<streams::SyncStream>()?;
    module.add_class::<streams::AsyncStream>()?;
    module.add_function(wrap_pyfunction!(run_cli, module)?)?;
    module.add_function(wrap_pyfunction!(client::operations, module)?)?;
    module.add_function(wrap_pyfunction!(model_list, module)?)?;
    module.add_function(wrap_pyfunction!(schema, module)?)?;
    module.add_function(wrap_pyfunction!(models::restore, module)?)?;
    module.add_function(wrap_pyfunction!(logging::set_level, module)?)?;
    module.add_function(wrap_pyfunction!(interpreter::shutdown, module)?)?;
    Ok(())
}
