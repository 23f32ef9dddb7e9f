//! Replays every saved fuzz input: `tests/fuzz_regressions/<target>/<file>`
//! goes through the very check of fuzz target `<target>` — this module
//! includes `fuzz/src/lib.rs` (the checks; the targets in `fuzz/` are one
//! line each), so a saved crash reproduces byte for byte here, without
//! libFuzzer or a nightly flag.
//!
//! Files named `open-<finding>-...` are defects found by fuzzing that are
//! not fixed in nps-core yet (issue 10): each has its own `#[ignore]`d test
//! below, and the fuzz runs tolerate their class (`OPEN_FINDINGS`). When
//! nps-core is fixed: drop the `open-` prefix and the `#[ignore]`d test, and
//! remove the entry from `OPEN_FINDINGS`.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

#[path = "../../fuzz/src/lib.rs"]
mod checks;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz_regressions")
}

/// Runs the strict check of `target` on `path`; the panic message on failure.
fn replay_file(target: &str, path: &Path) -> Result<(), String> {
    let data = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    catch_unwind(AssertUnwindSafe(|| checks::check_strict(target, &data))).map_err(|e| {
        let msg = e
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_default();
        format!("{}: {msg}", path.display())
    })
}

/// Replays the fixed (not `open-`) inputs of one target.
fn replay_dir(target: &str) {
    let dir = root().join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            !name.starts_with("open-") && !name.starts_with('.') && !name.ends_with(".md")
        })
        .collect();
    files.sort();
    let failures: Vec<String> = files
        .iter()
        .filter_map(|p| replay_file(target, p).err())
        .collect();
    eprintln!("{target}: replayed {} saved inputs", files.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Replays one open finding (an `#[ignore]`d test until nps-core is fixed).
fn replay_open(target: &str, file: &str) {
    let path = root().join(target).join(file);
    assert!(path.is_file(), "{} is missing", path.display());
    if let Err(msg) = replay_file(target, &path) {
        panic!("{msg}");
    }
}

macro_rules! replay_targets {
    ($($t:ident),*) => {$(
        #[test]
        fn $t() {
            replay_dir(stringify!($t));
        }
    )*};
}

replay_targets!(
    policy_json,
    calendar_ops,
    case_json,
    case_events,
    group_by,
    kpi,
    heatmap,
    heatmap_rows
);

#[test]
fn every_target_has_a_directory_and_no_other() {
    let mut dirs: Vec<String> = std::fs::read_dir(root())
        .expect("tests/fuzz_regressions")
        .flatten()
        .filter(|e| e.path().is_dir())
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    dirs.sort();
    let mut targets: Vec<String> = checks::TARGETS.iter().map(|s| s.to_string()).collect();
    targets.sort();
    assert_eq!(dirs, targets);
    // Every open finding's class is still tolerated by the fuzz runs.
    for (name, what) in checks::OPEN_FINDINGS {
        assert!(!what.is_empty());
        let saved = checks::TARGETS.iter().any(|t| {
            std::fs::read_dir(root().join(t)).is_ok_and(|d| {
                d.flatten().any(|e| {
                    e.file_name()
                        .to_str()
                        .is_some_and(|f| f.starts_with(&format!("open-{name}-")))
                })
            })
        });
        assert!(saved, "open finding {name} has no saved input");
    }
}

/// Fuzz findings of issue 10, fixed: replayed strictly like every other
/// saved input (they are also in their target's directory).
#[test]
fn fixed_findings_stay_fixed() {
    for (target, file) in [
        ("kpi", "kpi_ratio_overflow-technician_tiny_available"),
        ("kpi", "kpi_sum_overflow-technician_1e308_hours"),
        ("group_by", "group_by_dropped_row_timestamp-i64_min"),
    ] {
        replay_open(target, file);
    }
}
