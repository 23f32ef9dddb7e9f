#!/usr/bin/env bash
# Checks that include/nps.h is exactly the header cbindgen generates from
# nps-ffi (build.rs writes it into the build's OUT_DIR). Exits 1 on drift.
#   scripts/check-header.sh         check
#   scripts/check-header.sh --fix   write the generated header to include/nps.h
set -euo pipefail
cd "$(dirname "$0")/.."

fix=0
case "${1:-}" in
    --fix) fix=1 ;;
    "") ;;
    *) echo "usage: $0 [--fix]" >&2; exit 2 ;;
esac

# Build nps-ffi (debug) and find its build script's OUT_DIR.
out_dir=$(cargo build --locked -p nps-ffi --message-format=json \
    | sed -n 's/.*"reason":"build-script-executed","package_id":"[^"]*nps-ffi[^"]*".*"out_dir":"\([^"]*\)".*/\1/p' \
    | tail -n 1)
generated="$out_dir/nps.h"
if [ -z "$out_dir" ] || [ ! -f "$generated" ]; then
    echo "check-header: could not find the generated header (out_dir='$out_dir')" >&2
    exit 1
fi

if [ "$fix" = 1 ]; then
    mkdir -p include
    cp "$generated" include/nps.h
    echo "check-header: wrote include/nps.h"
    exit 0
fi

if [ ! -f include/nps.h ]; then
    echo "check-header: include/nps.h is missing; run scripts/check-header.sh --fix" >&2
    exit 1
fi
if ! diff -u include/nps.h "$generated"; then
    echo "check-header: include/nps.h is out of date; run scripts/check-header.sh --fix and commit it" >&2
    exit 1
fi
echo "check-header: include/nps.h is up to date"
