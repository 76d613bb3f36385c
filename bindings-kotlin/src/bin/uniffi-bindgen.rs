//! `uniffi-bindgen` pinned to this workspace's uniffi version: generates the Kotlin and Swift
//! sources from the built `libmikopbx_uniffi.so` (see mk/kotlin.mk).

fn main() {
    uniffi::uniffi_bindgen_main()
}
