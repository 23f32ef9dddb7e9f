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
  p90 (linear interpolation) and the share within 180 s;
* ``time_kpi_dealer_month`` -- the same by dealer (500) x month (UTC);
* ``kpi_dealer_month``  -- two KPI tables by dealer (500) x month: a rate
  (appointments kept among the eligible rows) and CSAT (ratings >= 4 of
  1..=5); the peers compute both in one ``group_by``;
* ``managed``           -- managed-score flags by dealer (500, three of them
  managed): per dealer the three tests ("tens", "few_detractors",
  "nothing_below_9") against the rest of the network with exact binomial
  tails, Bonferroni threshold, ``min_n`` and the "insufficient n" rule. The
  peers count per dealer (polars ``group_by`` / SQL) and take the tails
  from ``scipy.stats.binom`` (``logsf`` / ``logcdf``), which is what a
  notebook would do: neither has a binomial tail of its own;
* ``recovery``          -- recovery statistics (SPEC 4.5) by dealer (50) x
  month over ``rows / 10`` recovery cases: low scores, launched, responded
  within 24 h, recovered, converted, lost, success by response speed
  (<= 6 h, <= 24 h, later, not contacted) and by channel. Everyone reads
  the flat case table (one row per case) a DMS export would give: nps
  with ``nps.recovery_stats_from_case_columns`` (a polars DataFrame with a
  case id, the reason, and the first contact as an instant);
* ``recovery_objects``  -- the same statistics from a list of ``nps.Case``
  objects (built from their events before timing), the peers as above.

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
TASKS = ("ftfr", "ftfr_dealer_month", "heat", "time_kpi", "time_kpi_dealer_month",
         "kpi_dealer_month", "managed", "recovery", "recovery_objects")
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
        **generate_more(rows, seed + 1),
    }


# Score distribution of an ordinary dealer (0..=10).
SCORE_P = np.array([2, 1, 1, 2, 2, 3, 4, 8, 14, 25, 38], dtype=float) / 100
CHANNELS = ("phone", "visit", "message")


def generate_more(rows: int, seed: int) -> dict[str, Any]:
    """Columns of the tasks added later (a generator of their own, so the
    first tasks' data stay as they were)."""
    rng = np.random.default_rng(seed)
    dealer = rng.integers(0, 500, rows, dtype=np.uint32)
    score = rng.choice(11, size=rows, p=SCORE_P).astype(np.uint8)
    # Three managed dealers: only 9-10 on the form, begging for a 10.
    score[dealer == 0] = rng.choice([9, 10], size=int((dealer == 0).sum()), p=[0.3, 0.7])
    score[dealer == 1] = np.where(rng.random(int((dealer == 1).sum())) < 0.8, 10,
                                  score[dealer == 1])
    score[dealer == 2] = np.maximum(score[dealer == 2], 7)
    cases = max(1, rows // 10)
    contacted = rng.random(cases) < 0.8
    outcome = rng.choice(4, size=cases, p=[0.2, 0.4, 0.15, 0.25])  # open, recovered, converted, lost
    outcome[~contacted & (outcome != 0)] = 3  # a case never contacted is open or lost
    contact = np.where(rng.random(cases) < 0.05, rng.choice([6 * 3600, 24 * 3600], cases),
                       rng.integers(0, 3 * DAY, cases)).astype(np.int64)
    return {
        "score": score,
        "score_dealer": dealer,
        "kept": rng.random(rows) < 0.8,
        "eligible": rng.random(rows) < 0.9,
        "rating": rng.integers(1, 6, rows, dtype=np.uint8),
        "case_opened": START_TS + rng.integers(0, 730 * DAY, cases, dtype=np.int64),
        "case_score": rng.integers(0, 11, cases, dtype=np.uint8),
        "case_dealer": rng.integers(0, 50, cases, dtype=np.uint32),
        "case_reason": np.array(["waiting", "price", "repair", "staff", "parts"])[
            rng.integers(0, 5, cases)],
        # Contact delay: within 6 h, 24 h or later, the exact bounds included;
        # the acknowledgement comes first.
        "case_contact": contact,
        "case_ack": np.minimum(rng.integers(60, 6 * 3600, cases, dtype=np.int64), contact),
        "case_contacted": contacted,
        "case_channel": rng.integers(0, 3, cases, dtype=np.uint8),
        "case_outcome": outcome,
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
    if task == "time_kpi_dealer_month":
        return lambda: nps.kpi.time_kpi(target_seconds=180, seconds=d["wait"], by=d["dealer"],
                                        timestamps=d["opened"], period="month", tz="UTC")
    if task == "kpi_dealer_month":
        group = {"by": d["score_dealer"], "timestamps": d["opened"], "period": "month", "tz": "UTC"}
        return lambda: (nps.kpi.rate(d["kept"], eligible=d["eligible"], **group),
                        nps.kpi.csat(d["rating"], **group))
    if task == "managed":
        return lambda: nps.managed_flags(d["score"], d["score_dealer"])
    if task == "recovery":
        # The flat case table (one row per case, a polars DataFrame) read
        # by nps-core's case-table path.
        df = nps_case_frame(d)
        return lambda: nps.recovery_stats_from_case_columns(
            df, case="case_id", opened="opened", score="score", reason="reason",
            dealer="dealer", contacted="contacted", channel="channel", outcome="outcome",
            period="month", by="dealer", tz="UTC")
    if task == "recovery_objects":
        cases = recovery_cases(d)
        return lambda: nps.recovery_stats(cases, period="month", by="dealer", tz="UTC")
    raise ValueError(task)


def nps_case_frame(d: dict[str, Any]) -> Any:
    """The case table nps reads: the peers' columns with a case id, the
    low-score reason, and the first contact as an instant (null when never
    contacted)."""
    import polars as pl

    contacted = d["case_contacted"]
    return pl.DataFrame({
        "case_id": np.arange(len(contacted), dtype=np.uint64),
        "opened": d["case_opened"], "score": d["case_score"],
        "reason": list(d["case_reason"]), "dealer": d["case_dealer"],
        "contacted": pl.Series([int(o + c) if k else None for o, c, k in
                                zip(d["case_opened"], d["case_contact"], contacted)],
                               dtype=pl.Int64),
        "channel": [CHANNELS[c] if k else None for c, k in zip(d["case_channel"], contacted)],
        "outcome": [OUTCOMES[o] for o in d["case_outcome"]],
    })


OUTCOMES = (None, "recovered", "converted", "lost")


def recovery_cases(d: dict[str, Any]) -> list[Any]:
    """The recovery cases as ``nps.Case`` objects, replayed from events."""
    import nps

    out = []
    for i in range(len(d["case_opened"])):
        at = int(d["case_opened"][i])
        events: list[dict[str, Any]] = [{
            "kind": "opened", "at": at, "score": int(d["case_score"][i]),
            "reason": str(d["case_reason"][i]), "dealer": str(int(d["case_dealer"][i])),
            "high_value": False, "public_opinion_risk": False}]
        contact = at + int(d["case_contact"][i])
        if d["case_contacted"][i]:
            events.append({"kind": "acknowledged", "at": at + int(d["case_ack"][i])})
            events.append({"kind": "contacted", "at": contact,
                           "channel": CHANNELS[d["case_channel"][i]]})
        outcome = OUTCOMES[d["case_outcome"][i]]
        if outcome == "converted":
            events.append({"kind": "rerated", "at": contact + 1_800, "score": 9})
        if outcome is not None:
            events.append({"kind": "closed", "at": max(contact, at) + 3_600, "outcome": outcome})
        out.append(nps.Case.from_events(events, case_id=str(i)))
    return out


def case_frame(d: dict[str, Any]) -> dict[str, Any]:
    """The flat case table of the peers: contact delay and channel null when
    never contacted, outcome null while open."""
    contacted = d["case_contacted"]
    return {
        "opened": d["case_opened"], "score": d["case_score"], "dealer": d["case_dealer"],
        "contact": [int(c) if k else None for c, k in zip(d["case_contact"], contacted)],
        "channel": [CHANNELS[c] if k else None for c, k in zip(d["case_channel"], contacted)],
        "outcome": [OUTCOMES[o] for o in d["case_outcome"]],
    }


# The figures compared per group of the recovery task.
RECOVERY_FIGURES = ("low", "launched", "r24", "recovered", "converted", "lost",
                    "s6_n", "s6_k", "s24_n", "s24_k", "late_n", "late_k", "none_n", "none_k",
                    "phone_n", "phone_k", "visit_n", "visit_k", "message_n", "message_k")
TESTS = ("tens", "few_detractors", "nothing_below_9")


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
    if task == "time_kpi_dealer_month":
        t = r.to_dict()
        key = next(k for k in t if k != "period")
        return {(int(k), str(p)[:7]): (int(n), mean, med, p90, val)
                for k, p, n, mean, med, p90, val in
                zip(t[key], t["period"], t["n"], t["mean"], t["median"], t["p90"],
                    t["within_target_value"])}
    if task == "kpi_dealer_month":
        out = []
        for table in r:
            t = table.to_dict()
            key = next(k for k in t if k not in ("period", "value", "numerator", "denominator",
                                                 "coverage"))
            out.append({(int(k), str(p)[:7]): (int(n), int(m)) for k, p, n, m in
                        zip(t[key], t["period"], t["numerator"], t["denominator"])})
        return tuple(out)
    if task == "managed":
        return {(int(f.key), f.test): (f.n, f.observed, f.network_n, f.network_observed,
                                       f.status, f.p_value) for f in r}
    if task in ("recovery", "recovery_objects"):
        return recovery_canon(r)
    raise ValueError(task)


def recovery_canon(r: Any) -> dict[tuple[int, str], tuple[int, ...]]:
    """{(dealer, month): RECOVERY_FIGURES} of a recovery statistics table."""
    out = {}
    for period, dealer, s in r:
        speed = {b.label: b.success for b in s.by_speed}
        chan = {b.label: b.success for b in s.by_channel}
        nk = [(speed[x].denominator, speed[x].numerator)
              for x in ("<= 6h", "<= 24h", "> 24h", "not_contacted")]
        nk += [(chan[c].denominator, chan[c].numerator) for c in CHANNELS]
        out[(int(dealer), str(period)[:7])] = (
            s.low_scores, s.launched, s.responded_24h, s.recovered, s.converted, s.lost,
            *[v for pair in nk for v in pair])
    return {k: v for k, v in out.items() if v[0]}


def flags_from_counts(counts: Any, min_n: int = 30, alpha: float = 0.001) -> dict[Any, Any]:
    """The peers' second half of the managed-score flags: per dealer and test,
    the leave-one-out network share and the exact binomial tail
    (``scipy.stats.binom``), Bonferroni over dealers x tests, and the
    statuses (``dealer, n, tens, detractors, below_9`` columns in)."""
    from scipy.stats import binom

    dealer = np.asarray(counts["dealer"])
    n = np.asarray(counts["n"], dtype=np.int64)
    threshold = alpha / (len(dealer) * len(TESTS))
    out = {}
    for test, col, upper in (("tens", "tens", True), ("few_detractors", "detractors", False),
                             ("nothing_below_9", "below_9", False)):
        x = np.asarray(counts[col], dtype=np.int64)
        net_n, net_x = n.sum() - n, x.sum() - x
        with np.errstate(divide="ignore", invalid="ignore"):
            p = np.where(net_n > 0, net_x / np.maximum(net_n, 1), np.nan)
            if upper:
                ln_p, ln_min = binom.logsf(x - 1, n, p), binom.logsf(n - 1, n, p)
            else:
                ln_p, ln_min = binom.logcdf(x, n, p), binom.logcdf(0, n, p)
        status = np.where(net_n == 0, "no_data",
                          np.where((n < min_n) | (ln_min > math.log(threshold)), "insufficient_n",
                                   np.where(ln_p <= math.log(threshold), "flagged",
                                            "not_flagged")))
        for i, k in enumerate(dealer):
            out[(int(k), test)] = (int(n[i]), int(x[i]), int(net_n[i]), int(net_x[i]),
                                   str(status[i]), float(np.exp(ln_p[i])))
    return out


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
    month = pl.from_epoch("opened").dt.truncate("1mo").alias("month")
    if task == "time_kpi_dealer_month":
        df = pl.DataFrame({"dealer": d["dealer"], "wait": d["wait"], "opened": d["opened"]})
        return lambda: df.lazy().group_by("dealer", month).agg(
            n=pl.len(), mean=pl.col("wait").mean(), median=pl.col("wait").median(),
            p90=pl.col("wait").quantile(0.9, "linear"),
            within=(pl.col("wait") <= 180).mean()).collect()
    if task == "kpi_dealer_month":
        df = pl.DataFrame({"dealer": d["score_dealer"], "opened": d["opened"], "kept": d["kept"],
                           "eligible": d["eligible"], "rating": d["rating"]})
        return lambda: df.lazy().group_by("dealer", month).agg(
            kept=(pl.col("kept") & pl.col("eligible")).sum(), eligible=pl.col("eligible").sum(),
            satisfied=(pl.col("rating") >= 4).sum(), rated=pl.len()).collect()
    if task == "managed":
        df = pl.DataFrame({"dealer": d["score_dealer"], "score": d["score"]})
        return lambda: flags_from_counts(df.lazy().group_by("dealer").agg(
            n=pl.len(), tens=(pl.col("score") == 10).sum(),
            detractors=(pl.col("score") <= 6).sum(),
            below_9=(pl.col("score") <= 8).sum()).collect())
    if task in ("recovery", "recovery_objects"):
        df = pl.DataFrame(case_frame(d))
        c, ok = pl.col("contact"), pl.col("outcome").is_in(["recovered", "converted"])
        bands = {"s6": c <= 6 * 3600, "s24": (c > 6 * 3600) & (c <= 86_400),
                 "late": c > 86_400, "none": c.is_null(),
                 **{ch: pl.col("channel") == ch for ch in CHANNELS}}
        agg = dict(low=pl.len(), launched=c.is_not_null().sum(), r24=(c <= 86_400).sum(),
                   recovered=ok.sum(), converted=(pl.col("outcome") == "converted").sum(),
                   lost=(pl.col("outcome") == "lost").sum())
        for name, band in bands.items():
            agg[f"{name}_n"] = band.sum()
            agg[f"{name}_k"] = (band & ok).sum()
        return lambda: (df.lazy().filter(pl.col("score") <= 6)
                        .group_by("dealer", month).agg(**agg).collect())
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
    if task == "time_kpi_dealer_month":
        return {(int(k), str(m)[:7]): (int(n), mean, med, p90, w)
                for k, m, n, mean, med, p90, w in r.iter_rows()}
    if task == "kpi_dealer_month":
        rows = list(r.iter_rows())
        return ({(int(k), str(m)[:7]): (int(a), int(b)) for k, m, a, b, _, _ in rows},
                {(int(k), str(m)[:7]): (int(a), int(b)) for k, m, _, _, a, b in rows})
    if task == "managed":
        return r
    if task in ("recovery", "recovery_objects"):
        return {(int(k), str(m)[:7]): tuple(int(v) for v in rest) for k, m, *rest in r.iter_rows()}
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
    month = "date_trunc('month', to_timestamp(opened)) AS month"
    if task == "time_kpi_dealer_month":
        con.register("w", pa.table({"dealer": d["dealer"], "wait": d["wait"], "opened": d["opened"]}))
        q = f"""SELECT dealer, {month}, count(*), avg(wait), median(wait),
               quantile_cont(wait, 0.9), avg((wait <= 180)::INT) FROM w GROUP BY ALL"""
        return lambda: con.execute(q).fetchall()
    if task == "kpi_dealer_month":
        con.register("k", pa.table({"dealer": d["score_dealer"], "opened": d["opened"],
                                    "kept": d["kept"], "eligible": d["eligible"],
                                    "rating": d["rating"]}))
        q = f"""SELECT dealer, {month}, count(*) FILTER (WHERE kept AND eligible),
               count(*) FILTER (WHERE eligible), count(*) FILTER (WHERE rating >= 4), count(*)
               FROM k GROUP BY ALL"""
        return lambda: con.execute(q).fetchall()
    if task == "managed":
        con.register("s", pa.table({"dealer": d["score_dealer"], "score": d["score"]}))
        q = """SELECT dealer, count(*) AS n, count(*) FILTER (WHERE score = 10) AS tens,
               count(*) FILTER (WHERE score <= 6) AS detractors,
               count(*) FILTER (WHERE score <= 8) AS below_9 FROM s GROUP BY dealer"""
        return lambda: flags_from_counts(con.execute(q).fetchnumpy())
    if task in ("recovery", "recovery_objects"):
        con.register("cases", pa.table(case_frame(d)))
        ok = "outcome IN ('recovered', 'converted')"
        bands = {"s6": "contact <= 21600", "s24": "contact > 21600 AND contact <= 86400",
                 "late": "contact > 86400", "none": "contact IS NULL",
                 **{ch: f"channel = '{ch}'" for ch in CHANNELS}}
        cols = ", ".join(f"count(*) FILTER (WHERE {b}), count(*) FILTER (WHERE ({b}) AND {ok})"
                         for b in bands.values())
        q = f"""SELECT dealer, {month}, count(*), count(contact),
               count(*) FILTER (WHERE contact <= 86400), count(*) FILTER (WHERE {ok}),
               count(*) FILTER (WHERE outcome = 'converted'),
               count(*) FILTER (WHERE outcome = 'lost'), {cols}
               FROM cases WHERE score <= 6 GROUP BY ALL"""
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
    if task == "time_kpi_dealer_month":
        return {(int(k), str(mo)[:7]): (int(n), float(a), float(m), float(p), float(w))
                for k, mo, n, a, m, p, w in r}
    if task == "kpi_dealer_month":
        return ({(int(k), str(m)[:7]): (int(a), int(b)) for k, m, a, b, _, _ in r},
                {(int(k), str(m)[:7]): (int(a), int(b)) for k, m, _, _, a, b in r})
    if task == "managed":
        return r
    if task in ("recovery", "recovery_objects"):
        return {(int(k), str(m)[:7]): tuple(int(v) for v in rest) for k, m, *rest in r}
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
    ap.add_argument("--skip", default="", help="tasks to leave out (comma-separated)")
    ap.add_argument("--tools", default=",".join(TOOLS))
    a = ap.parse_args()
    tasks = [t for t in a.tasks.split(",") if t not in a.skip.split(",")]
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
        size = max(1, a.rows // 10) if task.startswith("recovery") else a.rows  # cases
        for t in tools:
            print(f"| {task} | {t} | {best[t]:.4f} | {size / best[t] / 1e6:,.1f} | "
                  f"{best[t] / best['nps']:.2f} |", flush=True)


if __name__ == "__main__":
    main()
