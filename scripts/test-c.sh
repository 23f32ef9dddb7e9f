#!/usr/bin/env bash
# The C test suite of libnps. From a clean clone it needs cargo, gcc, g++,
# cmake, valgrind, pkg-config and libcjson-dev (Debian: apt-get install -y
# libcjson-dev). Steps:
#   1. include/nps.h matches the header cbindgen generates (scripts/check-header.sh)
#   2. release build + install into a temporary prefix (scripts/install-c.sh)
#   3. tests/c (golden vectors, bad input, API, C++ header; the recovery
#      policy's golden vectors and API/bad input; the defaults vectors; key
#      columns and NpsTable; hostile sizes, also under `ulimit -v 1000000`;
#      several key columns in heat maps, flags, re-ratings and technicians)
#      against the debug
#      library (Rust debug assertions on), compiled with
#      -std=c99 -Wall -Wextra -Wpedantic -Werror:
#        a. normally, linked to libnps.so
#        b. under AddressSanitizer + UBSan (-fno-sanitize-recover=all), linked
#           to libnps.a, with leak detection (ASAN_OPTIONS=detect_leaks=1)
#        c. under valgrind --leak-check=full, linked to libnps.so
#   4. tests/cpp-consumer built with find_package(nps) (shared and static),
#      test_api.c built with `pkg-config --cflags --libs nps` and, fully
#      static, with `cc -static ... pkg-config --static --cflags --libs nps`
#      (no dynamic dependency left), and the C example of README.md, against
#      the installed prefix, and run.
# Prints "c: N passed, M failed" last (N counts test cases of the normal run
# plus one per sanitizer/valgrind run, install and consumer build) and exits
# non-zero on any failure.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}
case "$CARGO_TARGET_DIR" in
    /*) ;;
    *) CARGO_TARGET_DIR="$root/$CARGO_TARGET_DIR" ;;
esac
work=$(mktemp -d "${TMPDIR:-/tmp}/nps-test-c.XXXXXX")
trap 'rm -rf "$work"' EXIT

passed=0
failed=0
BASE_CFLAGS=(-std=c99 -Wall -Wextra -Wpedantic -Werror -g)
CFLAGS=("${BASE_CFLAGS[@]}" -I"$root/include")
CXXFLAGS=(-std=c++11 -Wall -Wextra -Werror -g -I"$root/include")
SAN=(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
version=$(awk '/^\[/{s=($0=="[workspace.package]")} s&&/^version *=/{gsub(/.*= *"|".*/,"");print;exit}' Cargo.toml)

# run_stage NAME COUNT CMD...: runs CMD with its output in a log. COUNT is
# "cases" to count the "<x>: N passed, M failed" lines CMD prints, or a
# number of cases the stage stands for. On failure the log is shown.
run_stage() {
    local name=$1 count=$2 log="$work/log.$RANDOM"
    shift 2
    if "$@" >"$log" 2>&1; then
        local ok=1
    else
        local ok=0
    fi
    local p=0 f=0
    if [ "$count" = cases ]; then
        read -r p f < <(awk '/^[a-z_]+: [0-9]+ passed, [0-9]+ failed$/{p+=$2; f+=$4} END{print p+0, f+0}' "$log")
        grep -E '^[a-z_]+: [0-9]+ passed, [0-9]+ failed$' "$log" | sed "s/^/  [$name] /"
        if [ "$ok" = 1 ] && [ "$p" -eq 0 ]; then ok=0; fi
        if [ "$ok" = 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    elif [ "$ok" = 1 ]; then
        p=$count
        echo "  [$name] ok"
    else
        f=1
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "$ok" = 0 ]; then
        echo "  [$name] FAILED; output:"
        sed 's/^/    /' "$log" | tail -n 60
    fi
    rm -f "$log"
    [ "$ok" = 1 ]
}

echo "== header"
run_stage header 1 scripts/check-header.sh

echo "== release build and install"
prefix="$work/prefix"
if ! run_stage install 1 scripts/install-c.sh --prefix "$prefix"; then
    echo "c: $passed passed, $((failed + 1)) failed"
    exit 1
fi
native_libs=$(sed -n 's/^Libs.private: //p' "$prefix/lib/pkgconfig/nps.pc")
read -r -a NATIVE <<<"$native_libs"

echo "== debug library"
run_stage build-debug 0 cargo build --locked -p nps-ffi || { echo "c: $passed passed, $failed failed"; exit 1; }
debug="$CARGO_TARGET_DIR/debug"
lib="$work/lib"
mkdir -p "$lib"
soname=$(readelf -d "$debug/libnps.so" | sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p')
ln -sf "$debug/libnps.so" "$lib/libnps.so"
ln -sf "$debug/libnps.so" "$lib/$soname"
DYN=(-L"$lib" -lnps -Wl,-rpath,"$lib")

# One line per test program: name, source, extra link libraries, arguments.
programs=()
declare -A src=() extra=() args=()
prog() { programs+=("$1"); src[$1]=$2; extra[$1]=$3; args[$1]=$4; }
prog golden        tests/c/test_golden.c        -lcjson  "$root/tests/golden/vectors.json"
prog bad_input     tests/c/test_bad_input.c     ""       ""
prog api           tests/c/test_api.c           -pthread ""
prog policy_golden tests/c/test_policy_golden.c -lcjson  "$root/tests/golden/policy_vectors.json"
prog policy        tests/c/test_policy.c        -pthread ""
prog cases         tests/c/test_cases.c         -lcjson  "$root/tests/golden/cases_vectors.json"
prog integrity     tests/c/test_integrity.c     -lcjson  "$root/tests/golden/integrity_vectors.json"
prog kpi           tests/c/test_kpi.c           -lcjson  "$root/tests/golden/kpi_vectors.json"
prog heat          tests/c/test_heat.c          -lcjson  "$root/tests/golden/heat_vectors.json"
prog econ          tests/c/test_econ.c          -lcjson  "$root/tests/golden/econ_vectors.json"
prog workshop      tests/c/test_workshop.c      -lcjson  "$root/tests/golden/workshop_vectors.json"
prog defaults      tests/c/test_defaults.c      -lcjson  "$root/tests/golden/defaults_vectors.json"
prog table         tests/c/test_table.c         -lcjson  "$root/tests/golden/vectors.json"
prog limits        tests/c/test_limits.c        ""       ""
prog multikey      tests/c/test_multikey.c      ""       ""
prog group_merge   tests/c/test_group_merge.c   ""       ""
prog bad_input_vectors tests/c/test_bad_input_vectors.c -lcjson "$root/tests/golden/bad_input_vectors.json"
prog change        tests/c/test_change.c        -lcjson  "$root/tests/golden/change_vectors.json"
prog loyalty       tests/c/test_loyalty.c       -lcjson  "$root/tests/golden/loyalty_vectors.json"
prog flow          tests/c/test_flow.c          -lcjson  "$root/tests/golden/flow_vectors.json"
prog event_log     tests/c/test_event_log.c     ""       ""
prog case_columns  tests/c/test_case_columns.c  ""       ""
prog goal          tests/c/test_goal.c          -lcjson  "$root/tests/golden/goal_vectors.json"
defs=(-DEXPECTED_VERSION="\"$version\"")

echo "== compile"
compiled=()
for p in "${programs[@]}"; do
    # shellcheck disable=SC2086
    if run_stage "compile $p" 0 gcc "${CFLAGS[@]}" "${defs[@]}" ${src[$p]} tests/c/testlib.c \
            "${DYN[@]}" ${extra[$p]} -lm -o "$work/$p" &&
       run_stage "compile $p (asan)" 0 gcc "${CFLAGS[@]}" "${SAN[@]}" "${defs[@]}" ${src[$p]} \
            tests/c/testlib.c "$debug/libnps.a" ${extra[$p]} "${NATIVE[@]}" -o "$work/$p.asan"; then
        compiled+=("$p")
    fi
done
if run_stage "compile cpp_header" 0 g++ "${CXXFLAGS[@]}" tests/c/test_header.cpp "${DYN[@]}" -o "$work/cpp_header" &&
   run_stage "compile cpp_header (asan)" 0 g++ "${CXXFLAGS[@]}" "${SAN[@]}" tests/c/test_header.cpp \
        "$debug/libnps.a" "${NATIVE[@]}" -o "$work/cpp_header.asan"; then
    compiled+=(cpp_header)
    args[cpp_header]=""
fi

# The runs (normal, ASan+UBSan, valgrind) are independent: they go through a
# pool of $(nproc) jobs, each with its output and counts in files, shown in
# order afterwards (valgrind is most of the suite's time).
jobs_max=$(nproc 2>/dev/null || echo 2)
queued=()
queue() { # queue NAME COUNT CMD...: run_stage in the background
    local i=${#queued[@]}
    queued+=("$i")
    while (($(jobs -rp | wc -l) >= jobs_max)); do wait -n || true; done
    (
        passed=0 failed=0
        run_stage "$@" >"$work/out.$i" 2>&1
        echo "$passed $failed" >"$work/cnt.$i"
    ) &
}
drain() { # waits for the queue, prints its output in order, adds its counts
    wait
    local i p f
    for i in "${queued[@]}"; do
        cat "$work/out.$i"
        read -r p f <"$work/cnt.$i" || { p=0; f=1; }
        passed=$((passed + p))
        failed=$((failed + f))
    done
    queued=()
}

echo "== run, AddressSanitizer + UBSan, valgrind ($jobs_max at a time)"
for p in "${compiled[@]}"; do
    # shellcheck disable=SC2086
    queue "$p" cases "$work/$p" ${args[$p]}
done
# The hostile-size regressions (issue 10) again under about 1 GB of address
# space: an allocation that grows with the key or period range fails here.
if [[ " ${compiled[*]} " == *" limits "* ]]; then
    queue "limits (ulimit -v 1000000)" 1 sh -c "ulimit -v 1000000 && exec '$work/limits'"
fi
for p in "${compiled[@]}"; do
    # shellcheck disable=SC2086
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
        queue "$p asan" 1 "$work/$p.asan" ${args[$p]}
done
for p in "${compiled[@]}"; do
    # shellcheck disable=SC2086
    queue "$p valgrind" 1 valgrind -q --error-exitcode=1 --leak-check=full \
        --suppressions="$root/tests/c/valgrind.supp" \
        --errors-for-leak-kinds=definite,possible "$work/$p" ${args[$p]}
done
drain

echo "== consumers of the installed library"
run_stage "cmake configure" 0 cmake -S tests/cpp-consumer -B "$work/consumer" \
    -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release
run_stage "cmake build" 0 cmake --build "$work/consumer"
run_stage "cmake consumer (nps::nps)" 1 "$work/consumer/consumer"
run_stage "cmake consumer (nps::nps_static)" 1 "$work/consumer/consumer_static"
# test_api.c includes <nps.h> from the installed prefix only.
run_stage "pkg-config build" 0 sh -c "cc ${BASE_CFLAGS[*]} -pthread -DEXPECTED_VERSION='\"$version\"' \
    tests/c/test_api.c tests/c/testlib.c \
    \$(PKG_CONFIG_PATH='$prefix/lib/pkgconfig' pkg-config --cflags --libs nps) \
    -Wl,-rpath,'$prefix/lib' -lm -o '$work/api_pkgconfig'"
run_stage "pkg-config consumer" 1 "$work/api_pkgconfig"
# `pkg-config --static` with `cc -static`: -lnps can only be libnps.a, and
# Libs.private must name every system library it needs. The program must
# run with no dynamic dependency at all (no libnps.so to find).
run_stage "pkg-config --static build" 0 sh -c "cc ${BASE_CFLAGS[*]} -static -pthread -DEXPECTED_VERSION='\"$version\"' \
    tests/c/test_api.c tests/c/testlib.c \
    \$(PKG_CONFIG_PATH='$prefix/lib/pkgconfig' pkg-config --static --cflags --libs nps) \
    -lm -o '$work/api_static'"
run_stage "pkg-config --static consumer" 1 sh -c "'$work/api_static' &&
    ! readelf -d '$work/api_static' | grep -q NEEDED"

# The C example of README.md (the first ```c block), built with pkg-config:
# it must compile warning-free and print the NPS of its scores (20.0).
awk '/^```c$/{f=1;next} f&&/^```$/{exit} f' README.md >"$work/readme_example.c"
run_stage "README C example" 1 sh -c "test -s '$work/readme_example.c' &&
    cc ${BASE_CFLAGS[*]} '$work/readme_example.c' \
        \$(PKG_CONFIG_PATH='$prefix/lib/pkgconfig' pkg-config --cflags --libs nps) \
        -Wl,-rpath,'$prefix/lib' -o '$work/readme_example' &&
    '$work/readme_example' | grep -qx 'NPS 20.0'"

echo "c: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
