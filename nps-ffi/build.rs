//! Generates the C header from the crate's sources into `$OUT_DIR/nps.h`.
//!
//! The committed copy is `include/nps.h`; `tests/header.rs` and
//! `scripts/check-header.sh` fail when the two differ, and
//! `scripts/check-header.sh --fix` copies the generated header over it.
//! Also gives `libnps.so` its soname.

use std::env;
use std::path::PathBuf;

fn main() {
    let crate_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("set by cargo"));
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");

    let version = |name: &str| env::var(name).expect("set by cargo");
    let (major, minor, patch) = (
        version("CARGO_PKG_VERSION_MAJOR"),
        version("CARGO_PKG_VERSION_MINOR"),
        version("CARGO_PKG_VERSION_PATCH"),
    );

    let mut config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("nps-ffi/cbindgen.toml is valid");
    config.after_includes = Some(format!(
        "\n#define NPS_VERSION_MAJOR {major}\n\
         #define NPS_VERSION_MINOR {minor}\n\
         #define NPS_VERSION_PATCH {patch}\n\
         #define NPS_VERSION \"{}\"",
        version("CARGO_PKG_VERSION")
    ));
    cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen could not generate nps.h")
        .write_to_file(out_dir.join("nps.h"));

    // Shared-library ABI version: the major version, or 0.MINOR before 1.0
    // (where a minor release may break the ABI).
    let abi = if major == "0" {
        format!("0.{minor}")
    } else {
        major
    };
    if env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libnps.so.{abi}");
    }
}
