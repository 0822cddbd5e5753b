//! The committed include/numkern.h must be exactly what cbindgen generates
//! from the current sources (build.rs writes the fresh one to OUT_DIR).

#[test]
fn committed_header_is_current() {
    let fresh = std::fs::read_to_string(concat!(env!("OUT_DIR"), "/numkern.h")).expect("build.rs generated a header");
    // Compare with what git has committed, not the working copy build.rs may have refreshed.
    let root = env!("CARGO_MANIFEST_DIR");
    let committed = std::process::Command::new("git")
        .args(["-C", root, "show", "HEAD:include/numkern.h"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_else(|| std::fs::read_to_string(format!("{root}/include/numkern.h")).expect("include/numkern.h"));
    assert!(
        committed == fresh,
        "include/numkern.h is stale: commit the header that build.rs regenerated (cargo build, then git add include/numkern.h)"
    );
    for needle in ["#ifndef NUMKERN_H", "extern \"C\"", "NUMKERN_VERSION_MAJOR", "NUMKERN_MAX_NDIM", "numkern_array"] {
        assert!(fresh.contains(needle), "header lacks {needle}");
    }
    // Every function carries a doc comment directly above it.
    let lines: Vec<&str> = fresh.lines().collect();
    for (i, l) in lines.iter().enumerate() {
        if l.contains(" numkern_") && l.trim_end().ends_with(");") && !l.starts_with("//") && !l.starts_with('#') {
            assert!(i > 0 && lines[i - 1].starts_with("//"), "undocumented: {l}");
        }
    }
}
