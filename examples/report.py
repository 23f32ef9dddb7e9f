#!/usr/bin/env python3
"""The main job: an NPS report on dealer survey responses.

    python3 examples/report.py data/sample/survey_responses.csv

Reads the survey export (see scripts/gen_sample_data.py for the columns),
keeps each respondent's latest answer, skips invalid scores (and says how
many), and prints NPS with confidence intervals for the network, per
dealer, per dealer and month, the month-on-month test per dealer, the
rolling trend, a goal-tracking plan for the dealer that fell from 60 to 45,
and the sample size needed for a ±5-point margin. Everything statistical is
computed by the nps library.
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict

import numpy as np

import nps

TZ = "Asia/Shanghai"
MIN_N = 30


def load(path: str) -> dict[str, np.ndarray]:
    cols: dict[str, list] = defaultdict(list)
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            cols["respondent"].append(int(row["respondent_id"]))
            cols["dealer"].append(row["dealer"])
            cols["ts"].append(int(row["submitted_at"]))
            cell = row["score"].strip()
            cols["score"].append(float(cell) if cell else float("nan"))
    return {
        "respondent": np.asarray(cols["respondent"], dtype=np.uint64),
        "dealer": np.asarray(cols["dealer"], dtype=object),
        "ts": np.asarray(cols["ts"], dtype=np.int64),
        "score": np.asarray(cols["score"], dtype=np.float64),
    }


def fmt_ci(iv) -> str:
    return f"[{iv.low:6.1f}, {iv.high:6.1f}]"


def fmt_nps(t) -> str:
    return f"{t.nps:6.1f}" if t.n else "   n/a"


def heading(text: str) -> None:
    print()
    print(text)
    print("-" * len(text))


def main(path: str) -> None:
    d = load(path)
    print(f"nps {nps.__version__} — NPS report on {path}")

    common = dict(timestamps=d["ts"], tz=TZ, respondents=d["respondent"],
                  min_n=MIN_N, invalid="skip")
    overall = nps.group_by(None, d["score"], **common)
    total = overall.total()
    print(f"{len(d['score'])} rows; {overall.skipped} invalid scores skipped; "
          f"{overall.dropped_repeats} earlier answers of repeat respondents dropped; "
          f"{total.n} responses analysed.")

    heading("Network NPS, 95% intervals by method")
    print(f"n = {total.n}: {total.promoters} promoters, {total.passives} passives, "
          f"{total.detractors} detractors; NPS {total.nps:.2f}, SE {total.se:.2f} points")
    for label, kwargs in [
        ("wald", dict(method="wald")),
        ("adjusted wald", dict(method="adjusted_wald")),
        ("score (Tango)", dict(method="score")),
        ("bayes equal-tailed", dict(method="bayes")),
        ("bayes HPD", dict(method="bayes", credible="hpd")),
    ]:
        iv = total.interval(confidence=0.95, **kwargs)
        print(f"  {label:<20} {fmt_ci(iv)}  centre {iv.center:6.2f}")

    heading(f"Per dealer (whole period; score interval; thin = n < {MIN_N})")
    by_dealer = nps.group_by(d["dealer"], d["score"], **common)
    print(f"  {'dealer':<28}{'n':>6}{'det%':>7}{'pas%':>7}{'pro%':>7}{'NPS':>8}  95% CI")
    for g in by_dealer:
        t = g.tally
        det, pas, pro = t.shares
        iv = t.interval(method="score")
        print(f"  {str(g.key):<28}{t.n:>6}{100 * det:>7.1f}{100 * pas:>7.1f}"
              f"{100 * pro:>7.1f}{t.nps:>8.1f}  {fmt_ci(iv)}{'  thin' if g.thin else ''}")

    monthly = nps.group_by(d["dealer"], d["score"], period="month", **common)
    months = sorted({g.period for g in monthly})
    last3 = months[-3:]
    heading(f"Per dealer and month ({TZ}), last three months: NPS [95% score CI]")
    cells: dict[tuple[str, str], object] = {(str(g.key), g.period): g for g in monthly}
    dealers = sorted({str(g.key) for g in monthly})
    print(f"  {'dealer':<28}" + "".join(f"{m:>26}" for m in last3))
    for dealer in dealers:
        row = f"  {dealer:<28}"
        for m in last3:
            g = cells.get((dealer, m))
            if g is None:
                row += f"{'no data':>26}"
            else:
                iv = g.tally.interval(method="score")
                row += f"{g.tally.nps:>7.1f} {fmt_ci(iv)}{'*' if g.thin else ' '}"
        print(row)
    print(f"  * thin sample (n < {MIN_N})")

    heading(f"Month-on-month change, {last3[-2]} -> {last3[-1]} (adjusted Wald, two-sided)")
    for dealer in dealers:
        a, b = cells.get((dealer, last3[-1])), cells.get((dealer, last3[-2]))
        if a is None or b is None:
            print(f"  {dealer:<28} no data in one of the months")
            continue
        r = nps.compare(a.tally, b.tally, method="adjusted_wald")
        verdict = "real change" if r.p_value < 0.05 else "within noise"
        print(f"  {dealer:<28} {r.difference:+6.1f} points  95% CI {fmt_ci(r.interval)}"
              f"  p = {r.p_value:.3f}  {verdict}")

    heading("Network trend: monthly NPS and rolling 3-month NPS")
    net = nps.group_by(None, d["score"], period="month", **common)
    rolling = nps.group_by(None, d["score"], period="month", window=3, **common)
    roll = {g.period: g for g in rolling}
    for g in net:
        r = roll[g.period]
        iv = r.tally.interval(method="score")
        print(f"  {g.period}  n {g.tally.n:>4}  NPS {g.tally.nps:6.1f}   "
              f"3-month n {r.tally.n:>5}  NPS {r.tally.nps:6.1f} {fmt_ci(iv)}")

    target_dealer = "103 Hangzhou West Lake"
    history = [cells[(target_dealer, m)].tally for m in months if (target_dealer, m) in cells]
    heading(f"Goal: {target_dealer} to NPS >= 65 within 12 months")
    first_q = sum(history[:3], nps.Tally())
    print(f"  first quarter NPS {first_q.nps:.1f}; last month NPS {history[-1].nps:.1f}")
    g = nps.track_goal(history, target=65.0, months=12)
    print(f"  gap {g.gap:+.1f} points -> {g.monthly_step:+.2f} points per month")
    print("  path: " + ", ".join(f"{v:.1f}" for v in g.path))
    if g.last_change is not None:
        print(f"  last change {g.last_change.difference:+.1f} points, p = "
              f"{g.last_change.p_value:.3f} -> "
              f"{'significant' if g.last_change_significant else 'not distinguishable from noise'}")
    print(f"  smallest month-on-month change visible at these sample sizes: "
          f"{g.minimum_detectable_change:.1f} points; the planned monthly step is "
          f"{'visible' if g.step_detectable else 'NOT visible month to month'}")
    print(f"  responses per month needed to see the monthly step: {g.n_per_month_to_detect_step}")

    heading("Planning")
    det, _, pro = total.shares
    n = nps.sample_size(margin=5.0, promoters=pro, detractors=det)
    print(f"  responses per dealer and month for a ±5-point margin at the network's mix: {n}")
    n_small = nps.sample_size(margin=5.0, promoters=pro, detractors=det, population=600)
    print(f"  ... for a dealer with 600 services a month (finite population): {n_small}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "data/sample/survey_responses.csv")
