#!/usr/bin/env python3
"""Time nps's operational analytics against polars and DuckDB.

Companion of ``benches/peers.py`` (which times the NPS counting kernels).
One deterministic data set (numpy ``Generator``, fixed seed); for every
task each peer runs the query a notebook user would write for the same
numbers, and before anything is timed its answer is checked equal to
nps's (counts exactly, floats to 1e-9 relative).

Tasks (``--tasks``):

* ``ftfr``              -- first-time-fix rate over ``--rows`` repair orders
  (vehicles ``rows / 3``, 8 complaint families, 30-day window): polars
  ``sort`` + ``shift(-1).over(vehicle, family)``; DuckDB ``lead() OVER
  (PARTITION BY vehicle, family ORDER BY opened)``;
* ``ftfr_dealer_month`` -- the same as a KPI table by dealer (500) x month
  of the opening instant (UTC);
* ``heat``              -- heat map from complaint records (60 pain points
  in 6 stages, pain 1..=10): heat (sum of pain) and mentions per pain
  point, plus the stage x dealer (50) and stage x month matrices;
* ``time_kpi``          -- waiting times by dealer (500): n, mean, median,
  p90 (linear interpolation) and the share within 180 s.

Usage::

    python3 benches/peers_ops.py                      # 10^6 rows, best of 3
    python3 benches/peers_ops.py --rows 10000000 --repeat 5
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

START_TS = 1_672_531_200  # 2023-01-01T00:00:00Z
DAY = 86_400
WINDOW_DAYS = 30
TASKS = ("ftfr", "ftfr_dealer_month", "heat", "time_kpi")
TOOLS = ("nps", "polars", "duckdb")
STAGES = ("appointment", "reception", "diagnosis", "repair", "delivery", "follow_up")


def generate(rows: int, seed: int) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    opened = START_TS + rng.integers(0, 730 * DAY, rows, dtype=np.int64)
    point = rng.integers(0, 60, rows)
    return {
        "vehicle": rng.integers(0, max(1, rows // 3), rows, dtype=np.uint64),
        "family": rng.integers(0, 8, rows, dtype=np.uint32),
        "opened": opened,
        "closed": opened + 3_600 + rng.integers(0, 3 * DAY, rows, dtype=np.int64),
        "dealer": rng.integers(0, 500, rows, dtype=np.uint32),
        "dealer50": rng.integers(0, 50, rows, dtype=np.uint32),
        "wait": rng.integers(0, 900, rows, dtype=np.int64),
        "stage": np.array(STAGES, dtype=object)[point % 6],
        "point": np.array([f"pain point {i}" for i in range(60)], dtype=object)[point],
        "pain": rng.integers(1, 11, rows, dtype=np.uint8),
    }


# ---------------------------------------------------------------- nps


def heat_frame(d: dict[str, Any]) -> Any:
    """The complaint records as a polars DataFrame (string columns)."""
    import polars as pl

    return pl.DataFrame({"stage": list(d["stage"]), "point": list(d["point"]),
                         "pain": d["pain"], "dealer": d["dealer50"], "ts": d["opened"]})


def nps_task(task: str, d: dict[str, Any]) -> Callable[[], Any]:
    import nps

    if task == "ftfr":
        return lambda: nps.kpi.first_time_fix_rate(
            d["vehicle"], d["opened"], d["closed"], complaints=d["family"],
            window_days=WINDOW_DAYS)
    if task == "ftfr_dealer_month":
        return lambda: nps.kpi.first_time_fix_rate(
            d["vehicle"], d["opened"], d["closed"], complaints=d["family"],
            window_days=WINDOW_DAYS, by=d["dealer"], timestamps=d["opened"],
            period="month", tz="UTC")
    if task == "heat":
        # The same polars DataFrame the polars query reads.
        df = heat_frame(d)
        return lambda: nps.HeatMap.from_records(
            df, stage="stage", points="point", pain="pain", by="dealer", time="ts",
            period="month", tz="UTC")
    if task == "time_kpi":
        return lambda: nps.kpi.time_kpi(target_seconds=180, seconds=d["wait"], by=d["dealer"])
    raise ValueError(task)


def nps_canon(task: str, r: Any) -> Any:
    if task == "ftfr":
        return (int(r.numerator), int(r.denominator))
    if task == "ftfr_dealer_month":
        t = r.to_dict()
        key = next(k for k in t if k not in ("period", "value", "numerator", "denominator",
                                             "coverage"))
        return {(int(k), str(p)[:7]): (int(n), int(m))
                for k, p, n, m in zip(t[key], t["period"], t["numerator"], t["denominator"])}
    if task == "heat":
        ranked = r.ranked().to_dict()
        points = {(s, p): (int(h), int(m)) for s, p, h, m in
                  zip(ranked["stage"], ranked["point"], ranked["heat"], ranked["mentions"])}
        return points, heat_matrix(r.matrix("key").to_dict()), heat_matrix(
            r.matrix("period").to_dict())
    if task == "time_kpi":
        t = r.to_dict()
        key = next(iter(t))
        return {int(k): (int(n), mean, med, p90, val) for k, n, mean, med, p90, val in
                zip(t[key], t["n"], t["mean"], t["median"], t["p90"], t["within_target_value"])}
    raise ValueError(task)


def heat_matrix(m: dict[str, list[Any]]) -> dict[tuple[str, str], int]:
    """{(stage, column label): heat} of the non-zero cells of a matrix table."""
    return {(s, c): int(h) for s, c, h in zip(m["stage"], m["column"], m["heat"]) if h}


# ---------------------------------------------------------------- polars


def polars_task(task: str, d: dict[str, Any]) -> Callable[[], Any]:
    import polars as pl

    window = WINDOW_DAYS * DAY
    if task in ("ftfr", "ftfr_dealer_month"):
        df = pl.DataFrame({k: d[k] for k in ("vehicle", "family", "opened", "closed", "dealer")})

        def judged() -> Any:
            return (
                df.lazy()
                .sort("vehicle", "family", "opened")
                .with_columns(nxt=pl.col("opened").shift(-1).over("vehicle", "family"))
                .with_columns(back=((pl.col("nxt") - pl.col("closed") <= window)
                                    & (pl.col("nxt") > pl.col("opened"))).fill_null(False))
            )
        if task == "ftfr":
            return lambda: judged().select(
                fixed=(~pl.col("back")).sum(), n=pl.len()).collect()
        return lambda: (
            judged()
            .group_by("dealer", pl.from_epoch("opened").dt.truncate("1mo").alias("month"))
            .agg(fixed=(~pl.col("back")).sum(), n=pl.len())
            .collect()
        )
    if task == "heat":
        df = heat_frame(d)

        def run() -> Any:
            lf = df.lazy().with_columns(pl.col("pain").cast(pl.UInt64))
            month = pl.from_epoch("ts").dt.truncate("1mo").alias("month")
            return pl.collect_all([
                lf.group_by("stage", "point").agg(heat=pl.col("pain").sum(), mentions=pl.len()),
                lf.group_by("stage", "dealer").agg(heat=pl.col("pain").sum()),
                lf.group_by("stage", month).agg(heat=pl.col("pain").sum()),
            ])
        return run
    if task == "time_kpi":
        df = pl.DataFrame({"dealer": d["dealer"], "wait": d["wait"]})
        return lambda: df.lazy().group_by("dealer").agg(
            n=pl.len(), mean=pl.col("wait").mean(), median=pl.col("wait").median(),
            p90=pl.col("wait").quantile(0.9, "linear"),
            within=(pl.col("wait") <= 180).mean()).collect()
    raise ValueError(task)


def polars_canon(task: str, r: Any) -> Any:
    if task == "ftfr":
        return (int(r["fixed"][0]), int(r["n"][0]))
    if task == "ftfr_dealer_month":
        return {(int(k), str(m)[:7]): (int(f), int(n)) for k, m, f, n in r.iter_rows()}
    if task == "heat":
        pts, dealer, month = r
        return ({(s, p): (int(h), int(m)) for s, p, h, m in pts.iter_rows()},
                {(s, str(k)): int(h) for s, k, h in dealer.iter_rows()},
                {(s, str(m)[:7]): int(h) for s, m, h in month.iter_rows()})
    if task == "time_kpi":
        return {int(k): (int(n), mean, med, p90, w) for k, n, mean, med, p90, w in r.iter_rows()}
    raise ValueError(task)


# ---------------------------------------------------------------- duckdb


def duckdb_task(task: str, d: dict[str, Any]) -> Callable[[], Any]:
    import duckdb
    import pyarrow as pa

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    window = WINDOW_DAYS * DAY
    if task in ("ftfr", "ftfr_dealer_month"):
        jobs = pa.table({k: d[k] for k in ("vehicle", "family", "opened", "closed", "dealer")})
        con.register("jobs", jobs)
        judged = f"""
            SELECT *, coalesce(nxt > opened AND nxt - closed <= {window}, false) AS back
            FROM (SELECT *, lead(opened) OVER (PARTITION BY vehicle, family ORDER BY opened)
                  AS nxt FROM jobs)"""
        if task == "ftfr":
            q = f"SELECT count(*) FILTER (WHERE NOT back), count(*) FROM ({judged})"
        else:
            q = f"""SELECT dealer, date_trunc('month', to_timestamp(opened)) AS month,
                    count(*) FILTER (WHERE NOT back), count(*) FROM ({judged}) GROUP BY ALL"""
        return lambda: con.execute(q).fetchall()
    if task == "heat":
        rec = pa.table({"stage": list(d["stage"]), "point": list(d["point"]),
                        "pain": d["pain"], "dealer": d["dealer50"], "ts": d["opened"]})
        con.register("rec", rec)

        def run() -> Any:
            return (
                con.execute("SELECT stage, point, sum(pain), count(*) FROM rec GROUP BY ALL")
                .fetchall(),
                con.execute("SELECT stage, dealer, sum(pain) FROM rec GROUP BY ALL").fetchall(),
                con.execute("""SELECT stage, date_trunc('month', to_timestamp(ts)) AS m,
                               sum(pain) FROM rec GROUP BY ALL""").fetchall(),
            )
        return run
    if task == "time_kpi":
        con.register("w", pa.table({"dealer": d["dealer"], "wait": d["wait"]}))
        q = """SELECT dealer, count(*), avg(wait), median(wait), quantile_cont(wait, 0.9),
               avg((wait <= 180)::INT) FROM w GROUP BY dealer"""
        return lambda: con.execute(q).fetchall()
    raise ValueError(task)


def duckdb_canon(task: str, r: Any) -> Any:
    if task == "ftfr":
        return (int(r[0][0]), int(r[0][1]))
    if task == "ftfr_dealer_month":
        return {(int(k), str(m)[:7]): (int(f), int(n)) for k, m, f, n in r}
    if task == "heat":
        pts, dealer, month = r
        return ({(s, p): (int(h), int(m)) for s, p, h, m in pts},
                {(s, str(k)): int(h) for s, k, h in dealer},
                {(s, str(m)[:7]): int(h) for s, m, h in month})
    if task == "time_kpi":
        return {int(k): (int(n), float(a), float(m), float(p), float(w)) for k, n, a, m, p, w in r}
    raise ValueError(task)


# ---------------------------------------------------------------- driver


def same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return bool(a == b)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--tasks", default=",".join(TASKS))
    ap.add_argument("--tools", default=",".join(TOOLS))
    a = ap.parse_args()
    tasks = a.tasks.split(",")
    tools = a.tools.split(",")
    import duckdb
    import nps
    import polars as pl

    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, polars {pl.__version__}, "
          f"DuckDB {duckdb.__version__}, nps {getattr(nps, '__version__', '?')}; "
          f"{a.rows:,} rows, best of {a.repeat}")
    d = generate(a.rows, a.seed)
    makers = {"nps": (nps_task, nps_canon), "polars": (polars_task, polars_canon),
              "duckdb": (duckdb_task, duckdb_canon)}
    print("| task | tool | seconds | M rows/s | time / nps time |")
    print("|---|---|---:|---:|---:|")
    for task in tasks:
        runs = {t: makers[t][0](task, d) for t in tools}
        want = nps_canon(task, runs["nps"]())
        for t in tools:
            got = makers[t][1](task, runs[t]())
            if not same(got, want):
                raise SystemExit(f"{t} disagrees with nps on {task}")
        best = {t: math.inf for t in tools}
        for _ in range(a.repeat):  # interleaved rounds: same stretch of time
            for t in tools:
                t0 = time.perf_counter()
                runs[t]()
                best[t] = min(best[t], time.perf_counter() - t0)
        for t in tools:
            print(f"| {task} | {t} | {best[t]:.4f} | {a.rows / best[t] / 1e6:,.1f} | "
                  f"{best[t] / best['nps']:.2f} |", flush=True)


if __name__ == "__main__":
    main()
