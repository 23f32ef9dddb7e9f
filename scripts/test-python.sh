#!/usr/bin/env bash
# Builds the `nps` wheel (maturin, abi3), installs it into the current Python,
# checks the type stubs against the built module and runs the Python suite.
#
# Needs: a Rust toolchain and `pip install maturin pytest hypothesis numpy
# pandas polars pyarrow mypy` (the README's setup). Usage:
#   scripts/test-python.sh [extra pytest arguments]
# PYTHON selects the interpreter (default python3).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
python="${PYTHON:-python3}"
wheels="$(mktemp -d)"
trap 'rm -rf "$wheels"' EXIT

echo "==> building the wheel"
"$python" -m maturin build --release --locked -m nps-py/Cargo.toml --interpreter "$python" --out "$wheels"
wheel="$(ls "$wheels"/nps-*.whl)"

echo "==> installing $(basename "$wheel")"
# --no-deps: numpy (the only dependency) is already installed by the setup.
PIP_ROOT_USER_ACTION=ignore "$python" -m pip install --quiet --force-reinstall --no-deps "$wheel"

# Run from a directory without an `nps/` folder so the installed package is tested.
cd "$root/tests"

echo "==> stubtest"
"$python" -m mypy.stubtest nps._nps

echo "==> pytest"
"$python" -m pytest "$root/tests/python" -q "$@"
