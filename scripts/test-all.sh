#!/usr/bin/env bash
# README command (2): the whole test suite — Rust, C and Python — plus the
# lint and header-drift checks. Sets up first (idempotent), so it works on a
# fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

# Each step prints the time since the start, so slow steps show in CI logs.
step() { printf '\n== [%dm%02ds] %s\n' $((SECONDS / 60)) $((SECONDS % 60)) "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all crates, all targets)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "header drift check (include/nps.h vs cbindgen)"
bash scripts/check-header.sh

step "rustdoc of nps-core (broken or redundant links are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc -p nps-core --no-deps --locked

step "Rust tests (nps-core, nps-ffi, golden vectors, properties, real data)"
cargo test --locked

step "short fuzz run (each fuzz target 20,000 executions; fuzz/README.md)"
bash scripts/fuzz.sh --short

step "C tests (golden vectors, bad input, ASan+UBSan, valgrind, CMake and pkg-config consumers)"
bash scripts/test-c.sh

step "Python tests (stubtest, golden vectors, pandas/polars, hypothesis)"
bash scripts/test-python.sh

step "all test suites passed"
