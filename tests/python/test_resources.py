"""Issue 10: each size / allocation reproducer runs in a subprocess under an
address-space limit (~1.5 GB) and a timeout, and must end with the expected
typed error or result: never a crash, a MemoryError or a timeout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

LIMIT_BYTES = 1536 * 1024 * 1024
TIMEOUT_S = 120

PRELUDE = textwrap.dedent(
    f"""
    import json, resource, sys
    resource.setrlimit(resource.RLIMIT_AS, ({LIMIT_BYTES}, {LIMIT_BYTES}))
    import numpy as np
    import nps
    from nps import kpi

    def report(value):
        print(json.dumps({{"ok": value}}))

    try:
        exec(compile(sys.argv[1], "<reproducer>", "exec"))
    except nps.NpsError as e:
        print(json.dumps({{"error": type(e).__name__, "message": str(e)[:300]}}))
    """
)

CASES = {
    # (1) 20 rows at the two ends of the calendar, by day (was 6.4 GB).
    "years_1_to_9999_by_day": (
        "r = nps.group_by(np.arange(20), np.full(20, 9, np.uint8), timestamps=np.where("
        "np.arange(20) % 2 == 0, -62135596800, 253402300799), period='day', min_n=0)\n"
        "report(len(r))",
        {"ok": 20},
    ),
    # 10^6 rows over 1,000 dealers plus one row at the epoch.
    "one_row_at_the_epoch": (
        "n = 10**6\nts = 1_735_689_600 + (np.arange(n) * 157) % 31_536_000\nts[7] = 0\n"
        "r = nps.group_by(np.arange(n) % 1000, (np.arange(n) % 11).astype(np.uint8), timestamps=ts,"
        " period='day', min_n=0)\nreport(int(r.total().n))",
        {"ok": 10**6},
    ),
    # (2) 10^6 distinct string keys, and as respondents.
    "a_million_string_keys": (
        "keys = np.array([f'r{i}' for i in range(10**6)], dtype=object)\n"
        "r = nps.group_by(keys, np.full(10**6, 9, np.uint8), min_n=0)\n"
        "w = nps.group_by(None, np.full(10**6, 9, np.uint8), timestamps=np.arange(10**6), respondents=keys)\n"
        "report([len(r), int(w.total().n)])",
        {"ok": [10**6, 10**6]},
    ),
    # (3) unbounded sizes from one argument.
    "track_goal_months_1e9": (
        "nps.track_goal([nps.Tally(30, 20, 50)] * 2, target=65, months=10**9)",
        {"error": "InvalidArgumentError"},
    ),
    "track_goal_months_1e40": (
        "nps.track_goal([nps.Tally(30, 20, 50)] * 2, target=65, months=10**40)",
        {"error": "InvalidArgumentError"},
    ),
    "servers_1e40": (
        "nps.erlang_c(arrival_rate=1.0, service_time=0.5, servers=10**40)",
        {"error": "InvalidArgumentError"},
    ),
    # (6) extreme confidence.
    "sample_size_confidence_1_minus_ulp": (
        "nps.sample_size(5.0, 0.5, 0.2, confidence=0.9999999999999999)",
        {"error": "InvalidArgumentError"},
    ),
    # (5) weights that overflow or underflow.
    "weights_overflow": (
        "nps.Tally.from_scores([9, 3], weights=[1e155, 1.0])",
        {"error": "InvalidWeightError"},
    ),
    "weights_underflow": (
        "nps.Tally.from_scores([9], weights=[3.1e-214])",
        {"error": "InvalidWeightError"},
    ),
    # (7) KPI sums that overflow: a typed error, never NaN / inf.
    "kpi_1e308_hours": (
        "t = kpi.technician_figures([1e308, 1e308], 8.0, srt_hours=[1e308, 1e308])\n"
        "v = t.efficiency.value\nreport(None if v is None else repr(v))",
        {"error": "InvalidValueError"},
    ),
    "kpi_hours_per_ro_1e308": (
        "k = kpi.hours_per_ro([1e308, 1e308])\nreport(repr(k.value))",
        {"error": "InvalidValueError"},
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_reproducer_ends_typed_under_memory_limit(name: str) -> None:
    code, expected = CASES[name]
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    try:
        p = subprocess.run(
            [sys.executable, "-c", PRELUDE, code],
            capture_output=True, text=True, timeout=TIMEOUT_S, env=env,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{name}: no answer within {TIMEOUT_S} s")
    assert p.returncode == 0, f"{name}: exit {p.returncode}\n{p.stderr[-2000:]}"
    lines = [line for line in p.stdout.splitlines() if line.startswith("{")]
    assert lines, f"{name}: no result\n{p.stdout[-500:]}\n{p.stderr[-2000:]}"
    got = json.loads(lines[-1])
    if "error" in expected:
        assert got.get("error") == expected["error"], got
    else:
        assert got == expected
