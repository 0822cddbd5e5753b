//! Builds the C tour and the C++ program with -Wall -Wextra -Werror against
//! libnumkern.so and libnumkern.a, runs them, and checks that the shared
//! library exports only numkern_-prefixed symbols.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Makes sure target/release has the cdylib and staticlib.
fn libdir() -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let st = Command::new(cargo).args(["build", "--release", "--lib"]).current_dir(root()).status().expect("cargo build");
    assert!(st.success(), "cargo build --release --lib failed");
    let target = std::env::var("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|_| root().join("target"));
    target.join("release")
}

#[test]
fn c_and_cpp_tours_build_warning_free_and_pass() {
    if cfg!(not(target_arch = "x86_64")) && std::env::var("NUMKERN_CROSS").is_ok() {
        return; // cross runs: the host toolchain cannot link the target's library
    }
    let lib = libdir();
    let out = Command::new("make")
        .args(["-C", "c_examples", "clean", "run"])
        .arg(format!("LIBDIR={}", lib.display()))
        .arg(format!("BUILD={}", lib.join("c_examples").display()))
        .current_dir(root())
        .output()
        .expect("make");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    println!("{text}");
    assert!(out.status.success(), "C examples failed:\n{text}");
    assert_eq!(text.matches("all checks passed").count(), 4, "expected 4 passing programs:\n{text}");
}

#[test]
fn shared_library_exports_only_prefixed_symbols() {
    let lib = libdir();
    let so = lib.join("libnumkern.so");
    if !Path::new(&so).exists() {
        panic!("{} missing", so.display());
    }
    let out = Command::new("nm").args(["-D", "--defined-only"]).arg(&so).output().expect("nm");
    let syms = String::from_utf8_lossy(&out.stdout);
    let exported: Vec<&str> = syms.lines().filter_map(|l| l.split_whitespace().nth(2)).collect();
    assert!(exported.len() > 50, "too few exports: {exported:?}");
    let foreign: Vec<&&str> = exported.iter().filter(|s| !s.starts_with("numkern_")).collect();
    assert!(foreign.is_empty(), "unprefixed exports: {foreign:?}");
}

/// The program written only against the standard cblas.h, linked to
/// numkern built with the `cblas` feature and to no other BLAS.
#[test]
fn cblas_program_links_to_numkern_and_passes() {
    if cfg!(not(target_arch = "x86_64")) && std::env::var("NUMKERN_CROSS").is_ok() {
        return;
    }
    let has_header = Command::new("sh").args(["-c", "echo '#include <cblas.h>' | cc -E - >/dev/null 2>&1"]).status().map(|s| s.success()).unwrap_or(false);
    assert!(has_header, "no cblas.h on this machine: install Debian's libopenblas-dev (tests/run_all.sh does)");
    let target = std::env::var("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|_| root().join("target"));
    let dir = target.join("cblas");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let st = Command::new(cargo)
        .args(["build", "--release", "--lib", "--features", "cblas", "--target-dir"])
        .arg(&dir)
        .current_dir(root())
        .status()
        .expect("cargo build");
    assert!(st.success(), "cargo build --features cblas failed");
    let lib = dir.join("release");
    let syms = Command::new("nm").args(["-D", "--defined-only"]).arg(lib.join("libnumkern.so")).output().expect("nm");
    let syms = String::from_utf8_lossy(&syms.stdout);
    // The feature adds the cblas_* routines and nothing else to the exports.
    let foreign: Vec<&str> = syms
        .lines()
        .filter_map(|l| l.split_whitespace().last())
        .filter(|s| !s.starts_with("numkern_") && !s.starts_with("cblas_"))
        .collect();
    assert!(foreign.is_empty(), "libnumkern.so (cblas feature) exports {foreign:?}");
    for p in ["s", "d"] {
        for f in ["gemm", "gemv", "dot", "axpy", "scal"] {
            let name = format!("cblas_{p}{f}");
            assert!(syms.lines().any(|l| l.ends_with(&format!(" {name}"))), "{name} not exported");
        }
    }
    let build = lib.join("c_examples");
    let out = Command::new("make")
        .args(["-C", "c_examples", "cblas"])
        .arg(format!("CBLAS_LIBDIR={}", lib.display()))
        .arg(format!("BUILD={}", build.display()))
        // cargo points LD_LIBRARY_PATH at the default build's libnumkern.so,
        // which lacks the cblas symbols.
        .env_remove("LD_LIBRARY_PATH")
        .current_dir(root())
        .output()
        .expect("make");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    println!("{text}");
    assert!(out.status.success() && text.contains("cblas: all checks passed"), "cblas program failed:\n{text}");
    let ldd = Command::new("ldd").arg(build.join("cblas_check")).env_remove("LD_LIBRARY_PATH").output().expect("ldd");
    let ldd = String::from_utf8_lossy(&ldd.stdout);
    assert!(ldd.contains(&format!("{}", lib.join("libnumkern.so").display())), "{ldd}");
    let other_blas = ldd.lines().filter(|l| !l.contains("libnumkern") && l.contains("blas")).count();
    assert_eq!(other_blas, 0, "another BLAS is linked in:\n{ldd}");
}
