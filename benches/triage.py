#!/usr/bin/env python3
"""Time ``Policy.triage_many`` through Python (issue 12).

One deterministic set of responses (numpy ``Generator``, fixed seed):
uint8 scores 0..=10, int64 submission instants over two years, a
high-value flag (10 %) and a public-opinion-risk flag (5 %). Times, best
of ``--repeat``: the triage itself (the table), then each DataFrame form
built from it, then triage and a pandas DataFrame together.
``--business`` uses business-hour / business-day clocks on a calendar
(Europe/Berlin, 09:00-17:00 on weekdays) instead of the default policy's
wall-clock ones.

Usage::

    python3 benches/triage.py                  # 10^6 responses, best of 5
    python3 benches/triage.py --rows 10000000 --business
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from collections.abc import Callable
from typing import Any

import numpy as np

START_TS = 1_672_531_200  # 2023-01-01T00:00:00Z


def business_policy(nps: Any) -> Any:
    doc = json.loads(nps.Policy.default().to_json())
    week = {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
    doc["calendar"] = {"tz": "Europe/Berlin", "weekly": week}
    for a in doc["alerts"]:
        a["acknowledge_within"] = {"unit": "business", "seconds": a["acknowledge_within"]["seconds"]}
    for t in doc["tiers"]:
        t["contact_within"] = {"unit": "business_days", "days": 1}
    return nps.Policy.from_json(json.dumps(doc))


def best(f: Callable[[], Any], repeat: int) -> float:
    out = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        out = min(out, time.perf_counter() - t0)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--seed", type=int, default=41)
    ap.add_argument("--business", action="store_true")
    a = ap.parse_args()
    import nps

    rng = np.random.default_rng(a.seed)
    scores = rng.integers(0, 11, a.rows, dtype=np.uint8)
    at = START_TS + rng.integers(0, 730 * 86_400, a.rows, dtype=np.int64)
    hv = rng.random(a.rows) < 0.10
    risk = rng.random(a.rows) < 0.05
    policy = business_policy(nps) if a.business else nps.Policy.default()

    def triage() -> Any:
        return policy.triage_many(scores, at, high_value=hv, public_opinion_risk=risk)

    table = triage()
    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, nps from {os.path.dirname(nps.__file__)}; "
          f"{a.rows:,} responses, {'business-time' if a.business else 'default'} policy, "
          f"best of {a.repeat}")
    print("| step | seconds | M responses/s |")
    print("|---|---:|---:|")
    for name, f in (
        ("triage_many (the table)", triage),
        ("table.to_pandas()", table.to_pandas),
        ("table.to_arrow()", table.to_arrow),
        ("table.to_polars()", table.to_polars),
        ("triage_many + to_pandas", lambda: triage().to_pandas()),
    ):
        t = best(f, a.repeat)
        print(f"| {name} | {t:.4f} | {a.rows / t / 1e6:,.1f} |", flush=True)


if __name__ == "__main__":
    main()
