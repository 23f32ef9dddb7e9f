#!/usr/bin/env python3
"""NPS by group over millions of distinct keys: nps against polars and DuckDB.

Respondent ids, vehicle numbers, repair orders: keys with as many distinct
values as rows. Every tool computes, per key, the number of responses,
detractors (score <= 6) and promoters (score >= 9), and hands back a table
(nps: ``nps.group_by(keys, scores)`` then ``to_arrow()``, ``to_polars()``
or ``to_pandas()``; polars: ``group_by().agg()``; DuckDB: SQL
``GROUP BY`` with ``count(*) FILTER`` into an Arrow table). nps does more:
all 11 score counts, the NPS, its standard error and 95 % score interval
per group, and the groups sorted by key (polars and DuckDB leave them
unsorted; sorting them would add to their time).

Data: ``--rows`` uint8 scores and keys drawn uniformly from ``--keys``
values (default: as many as rows, so about 63 % of them occur):

* ``int``  -- int64 keys ``0 .. keys`` scattered by a multiplier (not a
  dense range, so the hash path is taken);
* ``str``  -- Arrow large strings ``r0 .. r<keys-1>`` (respondent ids),
  given to nps as a ``pyarrow`` array and to polars as a String column.

Before timing, every peer's (n, detractors, promoters) per key is checked
equal to nps's. Rounds interleave the tools; the best of ``--repeat`` is
kept. Ratios, not absolute times, are the figures (shared, noisy machine).

    python3 benches/groups.py                        # 10^7 rows, int and str
    python3 benches/groups.py --rows 1000000 --repeat 5 --tasks int

Results are recorded in benches/README.md. Not run in CI.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import time
from collections.abc import Callable
from typing import Any

import numpy as np

TASKS = ("int", "str")
TOOLS = ("nps", "nps-arrow", "nps-polars", "polars", "duckdb")


def generate(rows: int, keys: int, seed: int) -> dict[str, Any]:
    import pyarrow as pa
    import pyarrow.compute as pc

    rng = np.random.default_rng(seed)
    draw = rng.integers(0, keys, rows, dtype=np.int64)
    scores = rng.choice(11, rows, p=[.02, .01, .01, .02, .02, .04, .06, .1, .17, .25, .3]).astype(np.uint8)
    ints = draw * 2_654_435_761 % (1 << 61)  # distinct for distinct draws
    digits = pa.array(draw).cast(pa.large_string())
    strs = pc.binary_join_element_wise(pa.scalar("r", pa.large_string()), digits,
                                       pa.scalar("", pa.large_string()))
    return {"int": ints, "str": strs, "scores": scores,
            "distinct": len(np.unique(draw))}


def tasks_of(task: str, d: dict[str, Any]) -> dict[str, Callable[[], Any]]:
    import duckdb
    import nps
    import polars as pl
    import pyarrow as pa

    keys, scores = d[task], d["scores"]
    frame = pl.DataFrame({"key": pl.Series(keys), "score": scores})
    arrow = pa.table({"key": keys, "score": scores})
    con = duckdb.connect()
    con.register("t", arrow)
    query = ("select key, count(*) as n, count(*) filter (where score <= 6) as detractors, "
             "count(*) filter (where score >= 9) as promoters from t group by key")
    return {
        "nps": lambda: nps.group_by(keys, scores),
        "nps-arrow": lambda: nps.group_by(keys, scores).to_arrow(),
        "nps-polars": lambda: nps.group_by(keys, scores).to_polars(),
        "polars": lambda: frame.group_by("key").agg(
            n=pl.len(), detractors=(pl.col("score") <= 6).sum(),
            promoters=(pl.col("score") >= 9).sum()),
        "duckdb": lambda: con.sql(query).arrow(),
    }


def canon(tool: str, r: Any) -> dict[Any, tuple[int, int, int]]:
    """{key: (n, detractors, promoters)} of any tool's answer."""
    import pyarrow as pa

    if tool == "nps":
        r = r.to_arrow()
    if hasattr(r, "to_arrow") and not isinstance(r, pa.Table):
        r = r.to_arrow()
    if not isinstance(r, pa.Table):
        r = pa.table(r)
    cols = [r.column(c).to_numpy() for c in ("key", "n", "detractors", "promoters")]
    return {k: (int(n), int(dd), int(p)) for k, n, dd, p in zip(*cols)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--keys", type=int, default=0, help="distinct values drawn from (default: rows)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--tasks", default=",".join(TASKS))
    ap.add_argument("--tools", default=",".join(TOOLS))
    ap.add_argument("--no-check", action="store_true", help="skip the equality check")
    a = ap.parse_args()
    import duckdb
    import nps
    import polars as pl

    tools = a.tools.split(",")
    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, polars {pl.__version__}, "
          f"DuckDB {duckdb.__version__}, nps {getattr(nps, '__version__', '?')}; "
          f"{a.rows:,} rows, best of {a.repeat}")
    d = generate(a.rows, a.keys or a.rows, a.seed)
    print(f"# {d['distinct']:,} distinct keys")
    print("| task | tool | seconds | M rows/s | time / polars time |")
    print("|---|---|---:|---:|---:|")
    for task in a.tasks.split(","):
        runs = tasks_of(task, d)
        if not a.no_check:
            want = canon("nps", runs["nps"]())
            for t in tools:
                if t != "nps" and canon(t, runs[t]()) != want:
                    raise SystemExit(f"{t} disagrees with nps on {task}")
        best = {t: math.inf for t in tools}
        for _ in range(a.repeat):  # interleaved rounds: same stretch of time
            for t in tools:
                t0 = time.perf_counter()
                r = runs[t]()
                best[t] = min(best[t], time.perf_counter() - t0)
                del r
        ref = best.get("polars", best[tools[0]])
        for t in tools:
            print(f"| {task} | {t} | {best[t]:.3f} | {a.rows / best[t] / 1e6:,.1f} | "
                  f"{best[t] / ref:.2f} |", flush=True)


if __name__ == "__main__":
    main()
