//! The committed header `include/nps.h` must be exactly what cbindgen
//! generates from the sources (build.rs writes it to `$OUT_DIR/nps.h`), and
//! its version defines must match the workspace version in Cargo.toml.

use std::path::Path;

const GENERATED: &str = include_str!(concat!(env!("OUT_DIR"), "/nps.h"));

fn committed() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../include/nps.h");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}\nGenerate it with: scripts/check-header.sh --fix",
            path.display()
        )
    })
}

#[test]
fn committed_header_is_up_to_date() {
    let committed = committed();
    if committed != GENERATED {
        let line = committed
            .lines()
            .zip(GENERATED.lines())
            .position(|(a, b)| a != b)
            .map_or_else(
                || committed.lines().count().min(GENERATED.lines().count()) + 1,
                |i| i + 1,
            );
        panic!(
            "include/nps.h differs from the header cbindgen generates (first difference at \
             line {line}).\nRegenerate it with: scripts/check-header.sh --fix \
             (then review and commit include/nps.h)"
        );
    }
}

/// The `version` of `[workspace.package]` in the root Cargo.toml, read as text.
fn workspace_version() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml");
    let text = std::fs::read_to_string(path).expect("root Cargo.toml");
    let mut in_section = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_section = line == "[workspace.package]";
        } else if in_section && line.starts_with("version") {
            let value = line.split('=').nth(1).expect("version = \"...\"").trim();
            return value.trim_matches('"').to_owned();
        }
    }
    panic!("no version in [workspace.package] of the root Cargo.toml");
}

#[test]
fn version_matches_cargo_toml() {
    let version = workspace_version();
    let mut parts = version.split(['.', '-', '+']);
    let (major, minor, patch) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    );
    for (name, value) in [("MAJOR", major), ("MINOR", minor), ("PATCH", patch)] {
        let define = format!("#define NPS_VERSION_{name} {value}\n");
        assert!(
            GENERATED.contains(&define),
            "header lacks `{}`",
            define.trim()
        );
    }
    assert!(GENERATED.contains(&format!("#define NPS_VERSION \"{version}\"\n")));
    // SAFETY: nps_version returns a static NUL-terminated string.
    let linked = unsafe { std::ffi::CStr::from_ptr(nps::nps_version()) };
    assert_eq!(linked.to_str().unwrap(), version);
}

#[test]
fn header_has_guard_banner_and_no_rust_only_names() {
    assert!(GENERATED.contains("#ifndef NPS_H\n#define NPS_H\n"));
    assert!(GENERATED.contains("do not edit"));
    for rust_only in ["FfiError", "LastError", "CSample", "Out<"] {
        assert!(
            !GENERATED.contains(rust_only),
            "{rust_only} leaked into the header"
        );
    }
}
