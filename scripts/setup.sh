#!/usr/bin/env bash
# Installs everything nps needs on a fresh Debian machine with a Rust
# toolchain and Python 3 (idempotent: fast when already done), then builds
# the Python package and installs it into the current python3.
#
#   bash scripts/setup.sh
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n== %s\n' "$*"; }

# 1. System packages: C/C++ toolchain, cmake and pkg-config for C consumers,
#    valgrind for the memory checks, cJSON for the C golden-vector reader,
#    Chromium to render the HTML report in a headless test.
need=()
command -v cc >/dev/null || need+=(gcc)
command -v c++ >/dev/null || need+=(g++)
command -v make >/dev/null || need+=(make)
command -v cmake >/dev/null || need+=(cmake)
command -v pkg-config >/dev/null || need+=(pkg-config)
command -v valgrind >/dev/null || need+=(valgrind)
dpkg -s libcjson-dev >/dev/null 2>&1 || need+=(libcjson-dev)
command -v chromium >/dev/null || need+=(chromium)
if ((${#need[@]})); then
  log "apt-get install ${need[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# 1b. cargo-fuzz (scripts/fuzz.sh), from crates.io; it runs on the stable
#     toolchain with RUSTC_BOOTSTRAP=1 (see fuzz/README.md).
if ! cargo fuzz --version >/dev/null 2>&1; then
  log "cargo install cargo-fuzz --locked"
  cargo install cargo-fuzz --locked
fi

# 2. Python build and test tools.
log "pip install -r requirements-dev.txt"
python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore -r requirements-dev.txt

# 3. Build the abi3 wheel with maturin and install it.
log "maturin build (nps Python package)"
rm -rf target/wheels
python3 -m maturin build --release --locked -q -m nps-py/Cargo.toml --out target/wheels
python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore \
  --force-reinstall --no-deps target/wheels/nps-*.whl
python3 -c "import nps; print('nps', nps.__version__, 'installed')"
