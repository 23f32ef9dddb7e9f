#!/usr/bin/env python3
"""Golden vectors for goal tracking against a plan (nps-core ``goal::track``
with ``GoalOptions::plan_start``; issue 16, "goal tracking against the
plan"). Writes ``tests/golden/goal_vectors.json``; deterministic.

Independent oracle: the standard library only, plus the score (Tango)
interval of ``gen_vectors.py`` (the project's other oracle script, never the
nps library). Months are tallies ``[detractors, passives, promoters]``.

Rules encoded here:

- the plan starts at history index ``plan_start`` from that month's NPS v0;
  month k (0 = the plan start) is planned at v0 + (target - v0)·min(k, m)/m
  with m = ``months``;
- each month's actual is its NPS with the score interval at the confidence;
  status "ahead" when the interval's low end is above the planned value,
  "behind" when its high end is below, "on_track" otherwise, "no_data" for a
  month without responses;
- the trend is the ordinary least-squares slope through (k, NPS_k) over the
  months with responses since the plan start;
- the projection: "reached" when the last month's NPS reaches the target
  (month = the last k); "no_trend" with fewer than two months with
  responses; "not_reachable" when the slope is <= 0 or the crossing month is
  beyond 1200; else "projected": month = max(last + 1, ceil(x*)), x* = the
  month where the line reaches the target; its interval by Fieller's method
  with the months' sampling variances V/n (V = (p + d - (p - d)^2)·10^4):
  {x : (a + b x - T)^2 <= z^2 Var(a + b x)}, bounds mapped the same way;
  unbounded (null) high when b^2 <= z^2 Var(b) (the slope is within noise of
  0; low is then last + 1) or when the high bound is beyond 1200.
"""

from __future__ import annotations

import json
import math
import sys
from decimal import Decimal, getcontext
from fractions import Fraction as Fr
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_vectors import score_interval, z_of  # noqa: E402  (oracle helpers)

getcontext().prec = 50
OUT = Path(__file__).resolve().parent / "goal_vectors.json"
MAX_MONTHS = 1200


def nps(t):
    d, pa, p = t
    return Fr(100 * (p - d), d + pa + p)


def variance(t):
    """Sampling variance of the month's NPS, points^2: V / n."""
    d, pa, p = t
    n = d + pa + p
    pp, dd = Fr(p, n), Fr(d, n)
    return (pp + dd - (pp - dd) ** 2) * 10000 / n


def month_of(x: float, nxt: int) -> int:
    return max(nxt, math.ceil(x - 1e-9))


def plan(history, target, months, start, conf):
    since = history[start:]
    target = Fr(target)
    v0 = nps(since[0])
    z = z_of(conf)
    rows, pts = [], []
    for k, t in enumerate(since):
        planned = target if k >= months else v0 + (target - v0) * k / months
        n = sum(t)
        if n == 0:
            rows.append({"month": k, "planned": float(planned), "actual": None, "low": None,
                         "high": None, "n": 0, "status": "no_data"})
            continue
        y = nps(t)
        lo, hi = score_interval(tuple(t), conf)
        lo, hi = float(lo * 100), float(hi * 100)
        st = "ahead" if lo > planned else "behind" if hi < planned else "on_track"
        rows.append({"month": k, "planned": float(planned), "actual": float(y), "low": lo,
                     "high": hi, "n": n, "status": st})
        pts.append((k, y, variance(t)))
    last = len(since) - 1
    cur = rows[-1]["actual"]
    reached = cur is not None and nps(since[-1]) >= target
    proj = {"status": None, "month": None, "low": None, "high": None}
    trend = None
    if len(pts) >= 2:
        m = len(pts)
        mx = Fr(sum(p[0] for p in pts), m)
        my = sum((p[1] for p in pts), Fr(0)) / m
        sxx = sum((p[0] - mx) ** 2 for p in pts)
        c = {p[0]: (p[0] - mx) / sxx for p in pts}
        b = sum(c[p[0]] * p[1] for p in pts)
        a = my - b * mx
        trend = float(b)
        if reached:
            proj.update(status="reached", month=last)
        elif b <= 0:
            proj["status"] = "not_reachable"
        else:
            x = (target - a) / b
            k = month_of(float(x), last + 1)
            if k > MAX_MONTHS:
                proj["status"] = "not_reachable"
            else:
                vb = sum(c[p[0]] ** 2 * p[2] for p in pts)
                va = sum((Fr(1, m) - mx * c[p[0]]) ** 2 * p[2] for p in pts)
                cab = sum((Fr(1, m) - mx * c[p[0]]) * c[p[0]] * p[2] for p in pts)
                z2 = Decimal(z) ** 2
                D = lambda f: Decimal(f.numerator) / Decimal(f.denominator)  # noqa: E731
                qa = D(b) ** 2 - z2 * D(vb)
                qb = 2 * (D(a - target) * D(b) - z2 * D(cab))
                qc = D(a - target) ** 2 - z2 * D(va)
                if qa > 0:
                    disc = max(qb * qb - 4 * qa * qc, Decimal(0)).sqrt()
                    r1, r2 = (-qb - disc) / (2 * qa), (-qb + disc) / (2 * qa)
                    assert r1 <= D(x) <= r2
                    lo, hi = month_of(float(r1), last + 1), month_of(float(r2), last + 1)
                    hi = hi if hi <= MAX_MONTHS else None
                else:
                    lo, hi = last + 1, None
                proj.update(status="projected", month=k, low=lo, high=hi)
    else:
        proj.update(status="reached", month=last) if reached else proj.update(status="no_trend")
    return {"start": start, "start_value": float(v0), "due": months, "months": rows,
            "trend": trend, "projected": proj}


def cat(n, nps_points, passive_share=0.3):
    """A month of n answers with about the given NPS (exact counts)."""
    pa = round(n * passive_share)
    rest = n - pa
    # p - d = n * nps / 100, p + d = rest
    diff = round(n * nps_points / 100)
    p = (rest + diff) // 2
    d = rest - p
    return [d, pa, p]


def vector(name, history, target, months, plan_start, conf=0.95, note=""):
    v = {"name": name, "history": history, "target": target, "months": months,
         "plan_start": plan_start, "confidence": conf,
         "plan": plan(history, target, months, plan_start, conf)}
    if note:
        v["note"] = note
    return v


def main():
    seed = [cat(200, 60), cat(200, 52), cat(200, 45)]
    vs = [
        vector("seed_department_on_track",
               seed + [cat(200, x) for x in (46, 49, 48, 52, 53, 55)], 65.0, 12, 2,
               note="seed: NPS 60 -> 45, >= 65 within 12 months; the plan starts at 45"),
        vector("behind_and_falling",
               seed + [cat(400, x) for x in (44, 40, 38, 35)], 65.0, 12, 2,
               note="the actuals fall: behind the plan, not reachable at the trend"),
        vector("ahead_and_reached",
               [cat(1000, 20), cat(1000, 30), cat(1000, 45), cat(1000, 52)], 50.0, 12, 0,
               note="big samples, fast rise: ahead of the plan; the target is reached"),
        vector("month_without_answers",
               [cat(300, 10), [0, 0, 0], cat(300, 18), cat(300, 22), cat(300, 27)], 40.0, 6, 0),
        vector("no_trend_yet", seed, 65.0, 12, 2,
               note="the plan starts at the last month: one point, no trend"),
        vector("slope_within_noise",
               [cat(40, 10), cat(40, 5), cat(40, 20), cat(40, 12)], 60.0, 12, 0,
               note="small samples: the rising trend is within noise, the interval is unbounded"),
        vector("plan_past_its_due_month",
               [cat(500, 0)] + [cat(500, 4 * k) for k in range(1, 6)], 12.0, 3, 0,
               note="months after the due month are planned at the target"),
        vector("ninety_percent",
               seed + [cat(200, x) for x in (46, 49, 48, 52, 53, 55)], 65.0, 12, 2, conf=0.90),
    ]
    names = [v["name"] for v in vs]
    assert len(names) == len(set(names))
    doc = {
        "version": 1,
        "generator": "tests/golden/gen_goal_vectors.py",
        "tolerance": {"value": 1e-9, "interval": 1e-7},
        "defaults": {"confidence": 0.95, "plan_start": None,
                     "call": {"history": seed, "target": 65.0, "months": 12},
                     "plan": None},
        "plans": vs,
        "invalid": [
            {"name": "plan_start_past_the_history", "history": seed, "target": 65.0,
             "months": 12, "plan_start": 3, "argument": "plan_start"},
            {"name": "plan_start_on_an_empty_month", "history": [[0, 0, 0]] + seed,
             "target": 65.0, "months": 12, "plan_start": 0, "argument": "plan_start"},
        ],
    }
    OUT.write_text(json.dumps(doc, indent=1, allow_nan=False) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(vs)} plans)")


if __name__ == "__main__":
    main()
