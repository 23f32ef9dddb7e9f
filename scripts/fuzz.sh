#!/usr/bin/env bash
# Runs the cargo-fuzz targets of fuzz/ (see fuzz/README.md) on the stable
# toolchain (RUSTC_BOOTSTRAP=1 for cargo-fuzz's -Z flags).
#
#   bash scripts/fuzz.sh --short            # CI: each target 20,000 executions (kpi 4,000) from the
#                                           # committed seeds, fixed seed, no sanitizer,
#                                           # unoptimised build (dev profile)
#   bash scripts/fuzz.sh --long             # each target >= 1,000,000 executions, ASan,
#                                           # corpus kept in fuzz/corpus/<target>
#   bash scripts/fuzz.sh --long group_by    # only some targets
#
# Options (before the target names):
#   --runs N          executions per target (default: 20000 short, 1000000 long)
#   --sanitizer S     address | none (default: none short, address long)
#
# Every run has a memory limit (-rss_limit_mb=2048, which is also the
# largest single allocation), a time limit per input (-timeout=10 s) and a
# maximum input length, so an allocation blow-up or a slow input is a crash.
# A crash stops the script with a non-zero status; the input is in
# fuzz/artifacts/<target>/ — save it in tests/fuzz_regressions/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=""
runs=""
runs_set=""
sanitizer=""
targets=()
while (($#)); do
  case "$1" in
    --short | --long) mode="${1#--}" ;;
    --runs) runs="$2"; runs_set=1; shift ;;
    --sanitizer) sanitizer="$2"; shift ;;
    -h | --help) sed -n '2,20p' "$0"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1") ;;
  esac
  shift
done
[ -n "$mode" ] || { echo "usage: bash scripts/fuzz.sh --short|--long [target...]" >&2; exit 2; }

all=(policy_json calendar_ops case_json case_events group_by kpi heatmap heatmap_rows)
((${#targets[@]})) || targets=("${all[@]}")

if [ "$mode" = short ]; then
  runs="${runs:-20000}"
  sanitizer="${sanitizer:-none}"
  seed_flag=(-seed=1)      # reproducible in CI
  # Unoptimised (dev profile): builds in about half the time of a release
  # build, and 20,000 executions still take seconds.
  profile=(--dev)
else
  runs="${runs:-1000000}"
  sanitizer="${sanitizer:-address}"
  seed_flag=()
  profile=()               # release (optimised), overflow checks and debug assertions on
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz.sh: cargo-fuzz is missing; run bash scripts/setup.sh (cargo install cargo-fuzz --locked)" >&2
  exit 1
fi

export RUSTC_BOOTSTRAP=1
# The root workspace's CARGO_TARGET_DIR must not leak into the fuzz
# workspace: its builds (other RUSTFLAGS) stay in fuzz/target.
unset CARGO_TARGET_DIR
cd fuzz

max_len() {
  case "$1" in
    policy_json | case_json) echo 16384 ;;
    calendar_ops) echo 8192 ;;
    *) echo 4096 ;;
  esac
}
# Executions of one target: --runs, else 20,000 short (kpi: 4,000 — its
# inputs run ~1,000 calendar days each, ~130 executions/s in the short build)
# and 1,000,000 long.
runs_of() {
  if [ -n "$runs_set" ]; then echo "$runs"
  elif [ "$mode" = short ] && [ "$1" = kpi ]; then echo 4000
  else echo "$runs"; fi
}
dict() {
  case "$1" in
    policy_json | calendar_ops) echo "-dict=policy_json.dict" ;;
    case_json) echo "-dict=case_json.dict" ;;
  esac
}

logs=$(mktemp -d)
t0=$(date +%s)
echo "== cargo fuzz build (sanitizer $sanitizer)"
one=()
((${#targets[@]} == 1)) && one=("${targets[0]}")
cargo fuzz build "${profile[@]}" --sanitizer "$sanitizer" "${one[@]}"
t1=$(date +%s)
echo "   built in $((t1 - t0)) s"

for t in "${targets[@]}"; do
  if [ "$mode" = short ]; then
    corpus=$(mktemp -d)
  else
    corpus="corpus/$t"
    mkdir -p "$corpus"
  fi
  seeds=()
  [ -d "seeds/$t" ] && seeds=("seeds/$t")
  s=$(date +%s)
  # shellcheck disable=SC2046
  if ! cargo fuzz run "${profile[@]}" --sanitizer "$sanitizer" "$t" "$corpus" "${seeds[@]}" -- \
    -runs="$(runs_of "$t")" -rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=10 \
    -max_len="$(max_len "$t")" $(dict "$t") "${seed_flag[@]}" \
    -print_final_stats=1 >"$logs/$t.log" 2>&1; then
    tail -n 60 "$logs/$t.log" >&2
    echo "fuzz.sh: $t crashed; the input is in fuzz/artifacts/$t/." >&2
    echo "Save it in tests/fuzz_regressions/$t/ (see fuzz/README.md)." >&2
    [ "$mode" = short ] && rm -rf "$corpus"
    exit 1
  fi
  e=$(date +%s)
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$logs/$t.log" | grep -o '[0-9]*$' || echo "?")
  cov=$(grep -o 'cov: [0-9]*' "$logs/$t.log" | tail -n 1 || true)
  printf '   %-13s %8s executions in %4d s  (%s)\n' "$t" "$execs" "$((e - s))" "$cov"
  [ "$mode" = short ] && rm -rf "$corpus"
done
echo "== fuzz $mode: ${#targets[@]} targets passed in $(($(date +%s) - t0)) s (build $((t1 - t0)) s)"
