#!/usr/bin/env bash
# Builds libnps (release) and installs the C library:
#   PREFIX/include/nps.h
#   PREFIX/lib/libnps.a, libnps.so.X.Y.Z (+ soname and dev symlinks)
#   PREFIX/lib/pkgconfig/nps.pc             -> pkg-config --cflags --libs nps
#   PREFIX/lib/cmake/nps/npsConfig*.cmake   -> find_package(nps): nps::nps, nps::nps_static
#
# Usage: scripts/install-c.sh [--prefix DIR]   (default /usr/local)
# DESTDIR is honoured for staged installs. Needs cargo, and readelf (binutils).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

prefix=/usr/local
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) prefix=${2:?--prefix needs a directory}; shift 2 ;;
        --prefix=*) prefix=${1#--prefix=}; shift ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) echo "install-c: unknown argument $1" >&2; exit 2 ;;
    esac
done
case "$prefix" in
    /*) ;;
    *) prefix="$(pwd)/$prefix" ;;
esac

# The version of [workspace.package] in Cargo.toml.
version=$(awk '/^\[/{s=($0=="[workspace.package]")} s&&/^version *=/{gsub(/.*= *"|".*/,"");print;exit}' Cargo.toml)
major=${version%%.*}
rest=${version#*.}
minor=${rest%%.*}

# Build; the same command prints the system libraries the static library needs.
build_log=$(mktemp)
trap 'rm -f "$build_log"' EXIT
cargo rustc --release --locked -p nps-ffi --lib -- --print native-static-libs 2>&1 | tee "$build_log" >&2
# Keep the last occurrence of each library (link order matters for static links).
native_libs=$(sed -n 's/.*native-static-libs: //p' "$build_log" | tail -n 1 \
    | tr ' ' '\n' | grep -v '^$' | tac | awk '!seen[$0]++' | tac | tr '\n' ' ' | sed 's/ $//')
if [ -z "$native_libs" ]; then
    echo "install-c: rustc did not report native-static-libs" >&2
    exit 1
fi

target_dir=${CARGO_TARGET_DIR:-$root/target}
case "$target_dir" in
    /*) ;;
    *) target_dir="$root/$target_dir" ;;
esac
rel="$target_dir/release"
for f in libnps.a libnps.so; do
    [ -f "$rel/$f" ] || { echo "install-c: $rel/$f was not built" >&2; exit 1; }
done
soname=$(readelf -d "$rel/libnps.so" | sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p')
if [ -z "$soname" ]; then
    echo "install-c: libnps.so has no soname" >&2
    exit 1
fi
shared_file="libnps.so.$version"

dest="${DESTDIR:-}$prefix"
install -d "$dest/include" "$dest/lib/pkgconfig" "$dest/lib/cmake/nps"
install -m 644 include/nps.h "$dest/include/nps.h"
install -m 644 "$rel/libnps.a" "$dest/lib/libnps.a"
install -m 755 "$rel/libnps.so" "$dest/lib/$shared_file"
ln -sf "$shared_file" "$dest/lib/$soname"
ln -sf "$soname" "$dest/lib/libnps.so"

subst() {
    sed -e "s|@PREFIX@|$prefix|g" \
        -e "s|@VERSION@|$version|g" \
        -e "s|@VERSION_MAJOR@|$major|g" \
        -e "s|@VERSION_MINOR@|$minor|g" \
        -e "s|@NATIVE_STATIC_LIBS@|$native_libs|g" \
        -e "s|@NATIVE_STATIC_LIBS_CMAKE@|${native_libs// /;}|g" \
        -e "s|@SHARED_FILE@|$shared_file|g" \
        -e "s|@SONAME@|$soname|g" \
        -e "s|@SIZEOF_VOID_P@|$(getconf LONG_BIT | awk '{print $1/8}')|g" \
        "$1"
}
subst cmake/nps.pc.in > "$dest/lib/pkgconfig/nps.pc"
subst cmake/npsConfig.cmake.in > "$dest/lib/cmake/nps/npsConfig.cmake"
subst cmake/npsConfigVersion.cmake.in > "$dest/lib/cmake/nps/npsConfigVersion.cmake"

echo "install-c: installed nps $version into $dest (soname $soname)" >&2
echo "install-c: static link needs: $native_libs" >&2
