//! When zig links the extension (the manylinux wheels), it swaps the system's unwinder,
//! libgcc_s, for a static copy of its own libunwind. glibc unwinds a thread that
//! `pthread_exit` ends (CPython ends every thread that waits for the interpreter while it
//! finalizes) with libgcc_s, and Rust's personality routine would then read libgcc_s's frames
//! with zig's unwinder: a crash at exit. Linking the target's libgcc_s.so.1 before the
//! standard library keeps one unwinder, the one glibc uses (every manylinux system has it).

use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-env-changed=RUSTC_LINKER");
    let env = |name: &str| std::env::var(name).unwrap_or_default();
    let zig = Path::new(&env("RUSTC_LINKER")).file_name().is_some_and(|name| name.to_string_lossy().contains("zig"));
    if !zig || env("CARGO_CFG_TARGET_OS") != "linux" || env("CARGO_CFG_TARGET_ENV") != "gnu" {
        return;
    }
    let arch = env("CARGO_CFG_TARGET_ARCH");
    let host = env("HOST").starts_with(&format!("{arch}-"));
    let mut candidates: Vec<PathBuf> =
        [format!("/lib/{arch}-linux-gnu"), format!("/usr/lib/{arch}-linux-gnu"), format!("/usr/{arch}-linux-gnu/lib")]
            .into_iter()
            .map(PathBuf::from)
            .collect();
    if host {
        candidates.extend(["/lib64", "/usr/lib64"].map(PathBuf::from));
    }
    match candidates.into_iter().find(|dir| dir.join("libgcc_s.so.1").is_file()) {
        Some(dir) => {
            println!("cargo:rustc-link-search=native={}", dir.display());
            println!("cargo:rustc-link-lib=dylib:+verbatim=libgcc_s.so.1");
        }
        None => println!(
            "cargo:warning=no libgcc_s.so.1 for {arch}: the extension keeps zig's unwinder, and a daemon thread in a call at interpreter exit can crash the process"
        ),
    }
}
