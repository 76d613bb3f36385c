//! `include/mikopbx.h` is checked in; this test fails when it no longer matches the code.
//! `MIKOPBX_WRITE_HEADER=1 cargo test -p mikopbx-c --test header` (or `make c-header`)
//! rewrites it.

use std::path::Path;

const REGENERATE: &str = "make c-header   (or: MIKOPBX_WRITE_HEADER=1 cargo test -p mikopbx-c --test header)";

#[test]
fn checked_in_header_matches_the_code() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let header_path = crate_dir.join("../include/mikopbx.h");
    let config =
        cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).expect("bindings-c/cbindgen.toml is readable");
    let bindings = cbindgen::Builder::new()
        .with_crate(crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen can read bindings-c/src");
    let mut generated = Vec::new();
    bindings.write(&mut generated);
    let generated = String::from_utf8(generated).expect("cbindgen writes UTF-8");

    if std::env::var_os("MIKOPBX_WRITE_HEADER").is_some() {
        std::fs::write(&header_path, &generated).expect("include/mikopbx.h is writable");
        return;
    }
    let checked_in = std::fs::read_to_string(&header_path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "include/mikopbx.h is stale (it does not match bindings-c/src); regenerate it with:\n    {REGENERATE}"
    );
}
