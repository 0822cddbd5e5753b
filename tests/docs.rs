//! The documentation states what the code does: every accuracy figure in
//! the README's kernel table and in the header's doc comments is the one in
//! `numkern::kernels::accuracy` (which `tests/accuracy.rs` holds the
//! kernels to), word for word.

use numkern::kernels::accuracy::{text, ACCURACY};

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// The `//` comment block right above `int32_t numkern_<name>(`.
fn header_doc<'a>(header: &'a str, name: &str) -> &'a str {
    let decl = header.find(&format!("int32_t numkern_{name}(")).unwrap_or_else(|| panic!("numkern_{name} not in the header"));
    let start = header[..decl].rfind("\n\n").unwrap_or(0);
    &header[start..decl]
}

#[test]
fn header_accuracy_matches_the_table() {
    let header = read("include/numkern.h");
    for a in ACCURACY {
        let doc = header_doc(&header, a.op.name());
        assert!(doc.contains(&format!("Accuracy: {}.", text(a))), "numkern_{} says:\n{doc}\nbut the table says: {}", a.op.name(), text(a));
    }
    // The activation codes' kernels, fused into numkern_linear, say the same.
    assert!(header_doc(&header, "linear").contains("same accuracy"));
}

#[test]
fn readme_accuracy_matches_the_table() {
    let readme = read("README.md");
    for a in ACCURACY {
        let row = readme
            .lines()
            .find(|l| l.starts_with("| ") && l[2..].split(" |").next().is_some_and(|cell| cell.split(", ").any(|n| n.split_whitespace().next() == Some(a.op.name()))))
            .unwrap_or_else(|| panic!("no README table row for {}", a.op.name()));
        assert!(row.contains(&text(a)), "README row for {}:\n{row}\nbut the table says: {}", a.op.name(), text(a));
    }
}
