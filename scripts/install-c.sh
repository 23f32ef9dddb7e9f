#!/usr/bin/env bash
# Builds libnps (release) and installs the C library:
#   PREFIX/include/nps.h
#   PREFIX/lib/libnps.a, libnps.so.X.Y.Z (+ soname and dev symlinks), both
#                                           stripped of debug info
#   PREFIX/lib/pkgconfig/nps.pc             -> pkg-config --cflags --libs nps
#   PREFIX/lib/cmake/nps/npsConfig*.cmake   -> find_package(nps): nps::nps, nps::nps_static
#
# Usage: scripts/install-c.sh [--prefix DIR]   (default /usr/local)
# DESTDIR is honoured for staged installs; STRIP names the strip program
# (default strip). Needs cargo, rustc, readelf and strip (binutils). When the
# release library is already built and up to date, nothing is rebuilt or
# relinked: the files are copied.
#
# Linking (a C program, main.c):
#   shared:  cc main.c $(pkg-config --cflags --libs nps)
#   static:  cc -static main.c $(pkg-config --static --cflags --libs nps)
#            (Libs.private lists the system libraries libnps.a needs; with
#            CMake, nps::nps_static links libnps.a into a dynamic program)
#
# Finding libnps.so at run time: the dynamic loader does not search PREFIX/lib
# unless it is a system directory (/usr/lib, /usr/local/lib after ldconfig).
# Either record the directory in the program (an rpath, the usual choice for
# a private prefix):
#   cc main.c $(pkg-config --cflags --libs nps) -Wl,-rpath,$(pkg-config --variable=libdir nps)
# or name it when running: LD_LIBRARY_PATH=PREFIX/lib ./main
# (for a system prefix, run ldconfig once after installing instead).
# `ldd ./main` shows which libnps.so.X.Y it resolves to.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

prefix=/usr/local
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) prefix=${2:?--prefix needs a directory}; shift 2 ;;
        --prefix=*) prefix=${1#--prefix=}; shift ;;
        -h|--help) sed -n '2,32p' "$0"; exit 0 ;;
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

# Build: a no-op when the release library is up to date (no relink: a plain
# `cargo build` shares its fingerprint with every other release build of
# nps-ffi, unlike `cargo rustc -- --print ...`). The JSON messages carry the
# libraries build scripts link.
build_log=$(mktemp)
work=$(mktemp -d)
trap 'rm -rf "$build_log" "$work"' EXIT
cargo build --release --locked -p nps-ffi --message-format=json-render-diagnostics >"$build_log"

# The system libraries a static link of libnps.a needs: those of Rust's
# standard library, which rustc prints for any static library of this target
# (an empty one takes a second; `cargo rustc -p nps-ffi --release
# --crate-type staticlib -- --print native-static-libs` prints the same list
# but relinks libnps), plus those of build scripts (none today).
: >"$work/empty.rs"
std_libs=$("${RUSTC:-rustc}" --crate-type staticlib --crate-name nps_native_libs --print native-static-libs \
    -o "$work/empty.a" "$work/empty.rs" 2>&1 | sed -n 's/.*native-static-libs: //p' | tail -n 1)
script_libs=$(grep -o '"linked_libs":\[[^]]*\]' "$build_log" | grep -o '"[^"]*"' | grep -v '"linked_libs"' \
    | tr -d '"' | sed 's/^\(static=\|dylib=\)//; s/^/-l/' | tr '\n' ' ' || true)
# Keep the last occurrence of each library (link order matters for static links).
native_libs=$(echo "$script_libs $std_libs" \
    | tr ' ' '\n' | grep -v '^$' | tac | awk '!seen[$0]++' | tac | tr '\n' ' ' | sed 's/ $//')
if [ -z "$std_libs" ]; then
    echo "install-c: rustc did not report native-static-libs" >&2
    exit 1
fi
# pkg-config leaves -lgcc_s out: the compiler driver adds libgcc_s to a
# dynamic program and libgcc_eh to a `-static` one by itself, and a named
# -lgcc_s makes `cc -static` fail (there is no libgcc_s.a).
pc_libs=$(echo "$native_libs" | tr ' ' '\n' | grep -vx -- '-lgcc_s' | tr '\n' ' ' | sed 's/ $//')

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
# The release profile keeps line tables (debug = 1) for backtraces in the
# build tree; the installed copies drop them (symbols stay).
"${STRIP:-strip}" --strip-debug "$dest/lib/$shared_file" "$dest/lib/libnps.a"
ln -sf "$shared_file" "$dest/lib/$soname"
ln -sf "$soname" "$dest/lib/libnps.so"
size() { stat -c %s "$1"; }
echo "install-c: libnps.so $(size "$rel/libnps.so") -> $(size "$dest/lib/$shared_file") bytes," \
    "libnps.a $(size "$rel/libnps.a") -> $(size "$dest/lib/libnps.a") bytes (strip --strip-debug)" >&2

subst() {
    sed -e "s|@PREFIX@|$prefix|g" \
        -e "s|@VERSION@|$version|g" \
        -e "s|@VERSION_MAJOR@|$major|g" \
        -e "s|@VERSION_MINOR@|$minor|g" \
        -e "s|@NATIVE_STATIC_LIBS@|$native_libs|g" \
        -e "s|@PC_STATIC_LIBS@|$pc_libs|g" \
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
