//! Every exported function wraps its whole body in the panic-catching
//! macros (`ffi_status!` / `ffi_value!`), so no panic can unwind into C.
//! This scans the sources: a new `extern "C" fn` without the wrapper fails.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, recursively (binding files live in
/// subdirectories such as `policy/` and `kpi/`).
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

#[test]
fn every_extern_fn_body_is_wrapped() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut checked = 0;
    let mut unwrapped = Vec::new();
    for path in rust_files(&src) {
        let text = std::fs::read_to_string(&path).unwrap();
        // Test modules define their own helper functions.
        let text = text.split("#[cfg(test)]").next().unwrap();
        let mut rest = text;
        while let Some(pos) = rest.find("extern \"C\" fn ") {
            let after = &rest[pos..];
            let name: String = after["extern \"C\" fn ".len()..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            // The body: from the first `{` after the signature to the next
            // line that closes a top-level item.
            let open = after.find("{\n").expect("function body");
            let close = after[open..].find("\n}\n").expect("end of function") + open;
            let body: Vec<&str> = after[open + 2..close]
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with("//"))
                .collect();
            let wrapped = body
                .first()
                .is_some_and(|l| l.starts_with("ffi_status!(") || l.starts_with("ffi_value!("));
            if !wrapped {
                unwrapped.push(format!("{}: {name}", path.display()));
            }
            checked += 1;
            rest = &after[close..];
        }
    }
    assert!(checked > 50, "found only {checked} exported functions");
    assert!(
        unwrapped.is_empty(),
        "not wrapped in ffi_status!/ffi_value!: {unwrapped:#?}"
    );
}
