#!/usr/bin/env python3
"""Time nps against numpy, pandas, polars and DuckDB on the same data.

Everything runs in one process on one deterministic data set (numpy
``Generator`` with a fixed seed) of dealer survey responses:

* ``score``  uint8, 0..=10, skewed like real after-sales surveys;
* ``dealer`` uint32, uniform in ``0..--dealers`` (default 5,000);
* ``ts``     int64 Unix seconds, uniform over ``--months`` (default 24)
  average-length months from 2023-01-01T00:00:00Z.

Tasks (``--tasks``):

* ``overall``      -- NPS of all rows;
* ``dealer``       -- NPS per dealer;
* ``month``        -- NPS per calendar month in ``--tz`` (default UTC);
* ``dealer_month`` -- NPS per dealer and month.

Each peer computes what a user of that tool would write for an NPS report:
per group the number of responses, detractors (score <= 6) and promoters
(score >= 9). nps computes more (all 11 score counts, and it validates
every score), so the comparison does not favour it. Before anything is
timed, every tool's answer is checked against nps's: the detractor, passive
and promoter counts of every group must be equal.

The script also measures the machine's memory-read bandwidth (numpy
reductions over an 800 MB buffer at 10^8 rows: one thread, and two threads
each reducing one half, numpy releasing the GIL) and reports the overall-NPS
throughput of nps as a share of it.

Memory: the columns take 13 bytes per row (1.3 GB at 10^8 rows); pandas
keeps its own copy, and the peers' temporaries (numpy's int64 bin indices,
pandas' datetime columns, group codes) peak at a few more GB. Expect a peak
resident set of about 7 GB at 10^8 rows (printed at the end); use ``--rows``
to scale down.

Usage::

    python3 benches/peers.py                       # 10^8 rows, best of 3
    python3 benches/peers.py --rows 10000000 --repeat 5 --tz Asia/Shanghai
    python3 benches/peers.py --tools nps,polars,duckdb --tasks dealer

Threads: nps, polars and DuckDB use every core; numpy and pandas use one.
``nps-1t`` is nps limited to one thread (``nps.set_max_threads(1)``).
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import resource
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np

START_TS = 1_672_531_200  # 2023-01-01T00:00:00Z
MONTH_SECONDS = 2_629_800  # 365.25 / 12 days
# Cumulative weights (out of 100) of the scores 0..=10, as in benches/lib.rs.
CUMULATIVE = np.array([2, 3, 4, 6, 8, 12, 17, 27, 42, 64, 100])
TASKS = ("overall", "dealer", "month", "dealer_month")
TOOLS = ("nps", "nps-1t", "numpy", "pandas", "polars", "duckdb")

Canon = Any  # (D, Pa, P) for "overall", else {group key: (D, Pa, P)}


def generate(rows: int, dealers: int, months: int, seed: int) -> dict[str, np.ndarray]:
    """The data set, generated in chunks to keep temporaries small."""
    rng = np.random.default_rng(seed)
    score = np.empty(rows, dtype=np.uint8)
    dealer = np.empty(rows, dtype=np.uint32)
    ts = np.empty(rows, dtype=np.int64)
    step = 10_000_000
    for lo in range(0, rows, step):
        hi = min(rows, lo + step)
        u = rng.integers(0, 100, size=hi - lo)
        score[lo:hi] = np.searchsorted(CUMULATIVE, u, side="right")
        dealer[lo:hi] = rng.integers(0, dealers, size=hi - lo, dtype=np.uint32)
        ts[lo:hi] = START_TS + rng.integers(0, months * MONTH_SECONDS, size=hi - lo)
    return {"score": score, "dealer": dealer, "ts": ts}


def cats_from_counts(c: np.ndarray) -> tuple[int, int, int]:
    """Detractors, passives, promoters from the 11 score counts."""
    return int(c[:7].sum()), int(c[7:9].sum()), int(c[9:].sum())


def label(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


# --------------------------------------------------------------------------
# Tools. Each returns {task: (run, canon)}: `run()` is timed; `canon(result)`
# turns its result into the common form for the answer check (not timed).
# --------------------------------------------------------------------------


def tool_nps(data: dict[str, np.ndarray], tz: str, threads: int) -> dict[str, Any]:
    import nps

    s, d, ts = data["score"], data["dealer"], data["ts"]

    def with_threads(f: Callable[[], Any]) -> Callable[[], Any]:
        def run() -> Any:
            nps.set_max_threads(threads)
            try:
                return f()
            finally:
                nps.set_max_threads(0)

        return run

    def groups(key: Callable[[Any], Any]) -> Callable[[Any], Canon]:
        return lambda r: {
            key(g): (g.tally.detractors, g.tally.passives, g.tally.promoters) for g in r
        }

    return {
        "overall": (
            with_threads(lambda: nps.Tally.from_scores(s)),
            lambda t: (t.detractors, t.passives, t.promoters),
        ),
        "dealer": (with_threads(lambda: nps.group_by(d, s)), groups(lambda g: g.key)),
        "month": (
            with_threads(lambda: nps.group_by(None, s, timestamps=ts, period="month", tz=tz)),
            groups(lambda g: g.period),
        ),
        "dealer_month": (
            with_threads(lambda: nps.group_by(d, s, timestamps=ts, period="month", tz=tz)),
            groups(lambda g: (g.key, g.period)),
        ),
    }


def tool_numpy(data: dict[str, np.ndarray], tz: str) -> dict[str, Any]:
    s, d, ts = data["score"], data["dealer"], data["ts"]

    def month_index() -> tuple[np.ndarray, int]:
        m = ts.astype("datetime64[s]").astype("datetime64[M]").astype(np.int64)
        m0 = int(m.min())
        return m - m0, m0

    def month_label(m0: int, i: int) -> str:
        y, mo = divmod(m0 + i, 12)
        return label(1970 + y, mo + 1)

    def dealer() -> np.ndarray:
        return np.bincount(d * np.uint32(11) + s, minlength=11).reshape(-1, 11)

    def month() -> tuple[np.ndarray, int]:
        m, m0 = month_index()
        return np.bincount(m * 11 + s, minlength=11).reshape(-1, 11), m0

    def dealer_month() -> tuple[np.ndarray, int, int]:
        m, m0 = month_index()
        nm = int(m.max()) + 1
        idx = (d.astype(np.int64) * nm + m) * 11 + s
        return np.bincount(idx, minlength=11).reshape(-1, 11), m0, nm

    def per_group(c: np.ndarray, key: Callable[[int], Any]) -> Canon:
        return {key(i): cats_from_counts(row) for i, row in enumerate(c) if row.any()}

    tasks: dict[str, Any] = {
        "overall": (lambda: np.bincount(s, minlength=11), cats_from_counts),
        "dealer": (dealer, lambda c: per_group(c, lambda i: i)),
    }
    if tz == "UTC":  # numpy has no time zones
        tasks["month"] = (month, lambda r: per_group(r[0], lambda i: month_label(r[1], i)))
        tasks["dealer_month"] = (
            dealer_month,
            lambda r: per_group(r[0], lambda i: (i // r[2], month_label(r[1], i % r[2]))),
        )
    return tasks


def tool_pandas(data: dict[str, np.ndarray], tz: str) -> dict[str, Any]:
    import pandas as pd

    df = pd.DataFrame(data)

    def cats(frame: Any, by: list[str]) -> Any:
        return frame.groupby(by, sort=False).agg(
            n=("d", "size"), d=("d", "sum"), p=("p", "sum")
        )

    def with_month(extra: dict[str, Any]) -> Any:
        local = pd.to_datetime(df["ts"], unit="s", utc=True).dt.tz_convert(tz)
        month = local.dt.year * 12 + (local.dt.month - 1)
        return pd.DataFrame({**extra, "month": month, "d": df["score"] <= 6, "p": df["score"] >= 9})

    def overall() -> tuple[int, int, int]:
        sc = df["score"]
        return len(sc), int((sc <= 6).sum()), int((sc >= 9).sum())

    def dealer() -> Any:
        return cats(pd.DataFrame({"dealer": df["dealer"], "d": df["score"] <= 6, "p": df["score"] >= 9}), ["dealer"])

    def canon(r: Any, key: Callable[[Any], Any]) -> Canon:
        return {
            key(k): (int(d), int(n - d - p), int(p))
            for k, n, d, p in zip(r.index, r["n"], r["d"], r["p"], strict=True)
        }

    def month_key(m: int) -> str:
        y, mo = divmod(int(m), 12)
        return label(y, mo + 1)

    return {
        "overall": (overall, lambda r: (r[1], r[0] - r[1] - r[2], r[2])),
        "dealer": (dealer, lambda r: canon(r, int)),
        "month": (lambda: cats(with_month({}), ["month"]), lambda r: canon(r, month_key)),
        "dealer_month": (
            lambda: cats(with_month({"dealer": df["dealer"]}), ["dealer", "month"]),
            lambda r: canon(r, lambda k: (int(k[0]), month_key(k[1]))),
        ),
    }


def tool_polars(data: dict[str, np.ndarray], tz: str) -> dict[str, Any]:
    import polars as pl

    df = pl.DataFrame(data)
    aggs = [
        pl.len().alias("n"),
        (pl.col("score") <= 6).sum().alias("d"),
        (pl.col("score") >= 9).sum().alias("p"),
    ]
    if tz == "UTC":
        month = pl.from_epoch("ts", time_unit="s").dt.truncate("1mo")
    else:
        month = (
            pl.from_epoch("ts", time_unit="s")
            .dt.replace_time_zone("UTC")
            .dt.convert_time_zone(tz)
            .dt.truncate("1mo")
        )
    month = month.alias("month")

    def canon(r: Any, key: Callable[[dict[str, Any]], Any]) -> Canon:
        if "month" in r.columns:
            r = r.with_columns(pl.col("month").dt.strftime("%Y-%m"))
        return {key(row): (row["d"], row["n"] - row["d"] - row["p"], row["p"]) for row in r.iter_rows(named=True)}

    lf = df.lazy()  # the lazy API: several times faster than eager group_by here
    return {
        "overall": (
            lambda: lf.select(aggs).collect(),
            lambda r: (r["d"][0], r["n"][0] - r["d"][0] - r["p"][0], r["p"][0]),
        ),
        "dealer": (
            lambda: lf.group_by("dealer").agg(aggs).collect(),
            lambda r: canon(r, lambda x: x["dealer"]),
        ),
        "month": (
            lambda: lf.group_by(month).agg(aggs).collect(),
            lambda r: canon(r, lambda x: x["month"]),
        ),
        "dealer_month": (
            lambda: lf.group_by("dealer", month).agg(aggs).collect(),
            lambda r: canon(r, lambda x: (x["dealer"], x["month"])),
        ),
    }


def tool_duckdb(data: dict[str, np.ndarray], tz: str) -> dict[str, Any]:
    import duckdb
    import pyarrow as pa

    con = duckdb.connect()
    table = pa.table(data)  # zero-copy views of the numpy columns
    con.register("t", table)
    con.execute(f"SET TimeZone = '{tz}'")
    aggs = "count(*) AS n, count(*) FILTER (WHERE score <= 6) AS d, count(*) FILTER (WHERE score >= 9) AS p"
    if tz == "UTC":  # plain timestamps: no time-zone arithmetic needed
        month = "date_trunc('month', make_timestamp(ts * 1000000))"
    else:  # TIMESTAMPTZ, truncated in the session time zone
        month = "date_trunc('month', to_timestamp(ts))"

    def q(sql: str) -> Callable[[], Any]:
        return lambda: con.execute(sql).fetchall()

    grouped_month = f"SELECT strftime(m, '%Y-%m') AS month, n, d, p FROM (SELECT {month} AS m, {aggs} FROM t GROUP BY m)"
    grouped_dm = (
        f"SELECT dealer, strftime(m, '%Y-%m') AS month, n, d, p "
        f"FROM (SELECT dealer, {month} AS m, {aggs} FROM t GROUP BY dealer, m)"
    )

    def canon(rows: list[tuple[Any, ...]], width: int) -> Canon:
        out = {}
        for r in rows:
            key = r[0] if width == 1 else tuple(r[:width])
            n, d, p = r[width:]
            out[key] = (d, n - d - p, p)
        return out

    return {
        "overall": (q(f"SELECT {aggs} FROM t"), lambda r: (r[0][1], r[0][0] - r[0][1] - r[0][2], r[0][2])),
        "dealer": (q(f"SELECT dealer, {aggs} FROM t GROUP BY dealer"), lambda r: canon(r, 1)),
        "month": (q(grouped_month), lambda r: canon(r, 1)),
        "dealer_month": (q(grouped_dm), lambda r: canon(r, 2)),
    }


# --------------------------------------------------------------------------
# Memory-read bandwidth
# --------------------------------------------------------------------------


def best_of(f: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        out = f()
        best = min(best, time.perf_counter() - t0)
    return best, out


def read_bandwidth(buf: np.ndarray, repeat: int, threads: int) -> dict[str, float]:
    """Bytes per second reading `buf` (uint64): numpy reductions, which are
    single-threaded, once on one thread and once split over `threads` Python
    threads (numpy releases the GIL inside the reduction)."""
    out: dict[str, float] = {}
    for name, ufunc in (("sum", np.add), ("or", np.bitwise_or)):

        def one(u: np.ufunc = ufunc) -> Any:
            return u.reduce(buf)

        t, _ = best_of(one, repeat)
        out[f"1 thread ({name})"] = buf.nbytes / t
    if threads > 1:
        parts = np.array_split(buf, threads)

        def parallel() -> None:
            barrier = threading.Barrier(threads)

            def work(p: np.ndarray) -> None:
                barrier.wait()
                np.bitwise_or.reduce(p)

            ts = [threading.Thread(target=work, args=(p,)) for p in parts]
            for th in ts:
                th.start()
            for th in ts:
                th.join()

        t, _ = best_of(parallel, repeat)
        out[f"{threads} threads (or)"] = buf.nbytes / t
    return out


# --------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=100_000_000)
    ap.add_argument("--dealers", type=int, default=5_000)
    ap.add_argument("--months", type=int, default=24)
    ap.add_argument("--tz", default="UTC", help="IANA time zone of the months (default UTC)")
    ap.add_argument("--seed", type=int, default=20250101)
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per tool and task (best is kept)")
    ap.add_argument("--tools", default=",".join(TOOLS))
    ap.add_argument("--tasks", default=",".join(TASKS))
    args = ap.parse_args()
    tools = [t for t in args.tools.split(",") if t]
    tasks = [t for t in args.tasks.split(",") if t]
    for t in tools:
        if t not in TOOLS:
            ap.error(f"unknown tool {t!r}")
    for t in tasks:
        if t not in TASKS:
            ap.error(f"unknown task {t!r}")
    cores = os.cpu_count() or 1

    import duckdb
    import pandas as pd
    import polars as pl

    import nps

    print(f"python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}, "
          f"polars {pl.__version__}, duckdb {duckdb.__version__}, nps {nps.__version__}")
    print(f"{cores} logical CPUs; rows {args.rows:,}, dealers {args.dealers:,}, months {args.months}, "
          f"tz {args.tz}, best of {args.repeat}")

    t0 = time.perf_counter()
    data = generate(args.rows, args.dealers, args.months, args.seed)
    print(f"generated in {time.perf_counter() - t0:.1f} s")

    bw = read_bandwidth(data["ts"].view(np.uint64), max(args.repeat, 5), cores)
    for k, v in bw.items():
        print(f"memory read bandwidth, {k}: {v / 1e9:.2f} GB/s")
    bandwidth = max(bw.values())

    makers: dict[str, Callable[[], dict[str, Any]]] = {
        "nps": lambda: tool_nps(data, args.tz, 0),
        "nps-1t": lambda: tool_nps(data, args.tz, 1),
        "numpy": lambda: tool_numpy(data, args.tz),
        "pandas": lambda: tool_pandas(data, args.tz),
        "polars": lambda: tool_polars(data, args.tz),
        "duckdb": lambda: tool_duckdb(data, args.tz),
    }
    if "nps" not in tools:
        tools.insert(0, "nps")  # the reference answer
    impls = {tool: makers[tool]() for tool in tools}
    results: dict[tuple[str, str], float] = {}
    failed = False
    for task in tasks:
        # The answer check comes before any timing: every tool's detractor,
        # passive and promoter counts per group must equal nps's.
        timed = []
        reference = None
        for tool in tools:
            if task not in impls[tool]:
                print(f"{tool:7} {task:13} n/a (numpy has no time zones)")
                continue
            run, canon = impls[tool][task]
            got = canon(run())
            if tool == "nps":
                reference = got
            elif got != reference:
                print(f"{tool:7} {task:13} WRONG ANSWER: differs from nps", file=sys.stderr)
                failed = True
                continue
            timed.append(tool)
        # Rounds over all tools, so that every tool's best run is drawn from
        # the same stretch of time (this machine's load varies).
        for _ in range(args.repeat):
            for tool in timed:
                t, _ = best_of(impls[tool][task][0], 1)
                key = (tool, task)
                results[key] = min(results.get(key, float("inf")), t)
        for tool in timed:
            print(f"{tool:7} {task:13} {results[(tool, task)]:8.3f} s  (answer checked)", flush=True)

    rows = args.rows
    print()
    print("| tool | task | seconds (best of %d) | M rows/s | time / nps time |" % args.repeat)
    print("|---|---|---:|---:|---:|")
    for task in tasks:
        base = results.get(("nps", task))
        for tool in tools:
            t = results.get((tool, task))
            if t is None:
                continue
            ratio = f"{t / base:.2f}" if base else "-"
            print(f"| {tool} | {task} | {t:.4f} | {rows / t / 1e6:,.0f} | {ratio} |")
    print()
    peers = [t for t in tools if not t.startswith("nps")]
    for task in tasks:
        base = results.get(("nps", task))
        times = [(results[(p, task)], p) for p in peers if (p, task) in results]
        if base is None or not times:
            continue
        best, who = min(times)
        line = f"{task}: fastest peer {who} {rows / best / 1e6:,.0f} M rows/s; nps {rows / base / 1e6:,.0f} M rows/s = {best / base:.2f}x"
        if task != "overall":
            line += f" (target >= 3x: {'met' if best / base >= 3 else 'NOT met'})"
        print(line)
    if ("nps", "overall") in results:
        nbytes = data["score"].nbytes
        share = nbytes / results[("nps", "overall")] / bandwidth
        print(f"overall NPS: nps reads {nbytes / results[('nps', 'overall')] / 1e9:.2f} GB/s = {100 * share:.0f} % of the "
              f"measured read bandwidth {bandwidth / 1e9:.2f} GB/s (target >= 50 %: {'met' if share >= 0.5 else 'NOT met'})")
        for p in peers:
            if (p, "overall") in results:
                print(f"  {p}: {100 * nbytes / results[(p, 'overall')] / bandwidth:.0f} % of read bandwidth")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6  # KiB -> GB (approx.)
    print(f"peak resident set: {peak:.1f} GB")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
