//! Gives libmikopbx.so its SONAME, `libmikopbx.so.<major>`: programs link against the major
//! version, and an incompatible library gets a new major.

fn main() {
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_else(|_| "0".to_owned());
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libmikopbx.so.{major}");
}
