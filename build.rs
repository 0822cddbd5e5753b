//! Generates include/numkern.h with cbindgen (pinned in Cargo.toml).
//!
//! The header is committed; `tests/header.rs` fails when the committed file
//! differs from this generation, so an API change without a regenerated
//! header cannot land.

use std::path::PathBuf;

fn main() {
    // The CBLAS drop-in's weak `cblas_xerbla` reference needs C: Rust
    // has no stable weak linkage.
    #[cfg(feature = "cblas")]
    {
        println!("cargo:rerun-if-changed=src/ffi/cblas_xerbla.c");
        cc::Build::new().file("src/ffi/cblas_xerbla.c").warnings(true).compile("numkern_cblas_xerbla");
    }
    let crate_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    let mut config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).expect("cbindgen.toml");
    let version = std::env::var("CARGO_PKG_VERSION").unwrap();
    let parts: Vec<&str> = version.split('.').collect();
    config.after_includes = Some(format!(
        "\n#define NUMKERN_VERSION_MAJOR {}\n#define NUMKERN_VERSION_MINOR {}\n#define NUMKERN_VERSION_PATCH {}\n#define NUMKERN_VERSION_STRING \"{version}\"",
        parts[0], parts[1], parts[2]
    ));
    let header = match cbindgen::Builder::new().with_crate(&crate_dir).with_config(config).generate() {
        Ok(h) => h,
        Err(e) => {
            // A broken parse must not block building the library itself.
            println!("cargo:warning=cbindgen failed: {e}");
            return;
        }
    };
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    header.write_to_file(out_dir.join("numkern.h"));
    // The committed copy is refreshed only when it differs (keeps mtimes stable).
    let committed = crate_dir.join("include/numkern.h");
    let fresh = std::fs::read(out_dir.join("numkern.h")).unwrap_or_default();
    if std::fs::read(&committed).ok().as_deref() != Some(&fresh[..]) {
        let _ = std::fs::write(&committed, &fresh);
    }
}
