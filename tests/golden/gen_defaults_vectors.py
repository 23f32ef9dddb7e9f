#!/usr/bin/env python3
"""Golden vectors of the defaults: every public operation that takes options,
called with its defaults only, and the default values themselves.

Writes ``tests/golden/defaults_vectors.json`` (schema: the "Defaults" section
of ``tests/golden/README.md``).

Independent oracle: Python standard library only (``fractions``,
``decimal``, ``math``, ``statistics.NormalDist`` through the helpers of
``gen_vectors.py``; mpmath for the p-values of ``compare_many``, as in
``gen_vectors.py``); never imports nps. The documented default values are
written out here, once, by hand (``DEFAULTS``); the library's own defaults
are checked against them by the readers. The output is deterministic.

Run from anywhere:  python3 tests/golden/gen_defaults_vectors.py
"""

from __future__ import annotations

import json
import math
import sys
from decimal import Decimal
from fractions import Fraction as Fr
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from gen_vectors import (  # noqa: E402  (stdlib-only oracle helpers)
    P_RTOL,
    TOL_CLOSED,
    compare_many_vector,
    TOL_ROOT,
    dec,
    finish,
    fsqrt,
    score_interval,
    unit_stats,
    z_of,
)

OUT = HERE / "defaults_vectors.json"
DAY = 86_400

# The documented defaults (nps-core rustdoc of each options type).
DEFAULTS = {
    "confidence": 0.95,
    "interval": {
        "method": "score",
        "confidence": 0.95,
        "pseudo": [0.75, 1.5, 0.75],
        "clip": False,
        "prior": [1.0, 1.0, 1.0],
        "credible": "equal_tailed",
    },
    "test": {
        "method": "adjusted_wald",
        "pseudo": [0.75, 1.5, 0.75],
        "alternative": "two_sided",
        "confidence": 0.95,
    },
    "sample_size": {"confidence": 0.95, "population": None},
    # compare_many: the test options above, Holm's adjustment, and
    # significance at 1 - test.confidence.
    "compare_many": {"adjust": "holm"},
    "comeback": {
        "window_days": 30,
        "window_seconds": 30 * DAY,
        "as_of": None,
        "exclude_incomplete": True,
    },
    # Seed 001: the follow-up call comes 3-7 days after the service.
    "follow_up": {"earliest_days": 3, "latest_days": 7,
                  "earliest_seconds": 3 * DAY, "latest_seconds": 7 * DAY},
    "csat": {"satisfied_min": 4.0},
    # Time KPIs: the default target is the default policy's per-visit
    # standard (the benchmark's maximum, minutes) in seconds.
    "time_targets": {"reception_response_time": 180, "delivery_time": 900},
    # The share of visits a time benchmark requires within its per-visit
    # standard when the policy gives none (the default policy states it).
    "target_share": 0.9,
}

# SPEC §6 benchmarks of the default policy: name -> (min, max). The time
# benchmarks are per-visit standards: max = the standard in minutes,
# target_share = the share of visits required within it.
BENCH = {
    "first_time_fix_rate": (0.85, None),
    "comeback_rate": (None, 0.10),
    "technician_efficiency": (1.25, None),
    "technician_productivity": (0.85, 0.875),
    "technician_proficiency": (1.0, 1.2),
    "reception_response_minutes": (None, 3.0),
    "delivery_minutes": (None, 15.0),
    "follow_up_completion_rate": (1.0, None),
    "repeat_visit_rate": (0.30, None),
    "repeat_complaint_rate": (None, 0.15),
}
TARGET_SHARE = {"reception_response_minutes": 0.9, "delivery_minutes": 0.9}
TIME_BENCH = {"reception_response_time": "reception_response_minutes",
              "delivery_time": "delivery_minutes"}


def kpi(num, den, used, rows):
    num, den = Fr(num), Fr(den)
    return {
        "value": None if den == 0 else float(num / den),
        "numerator": float(num),
        "denominator": float(den),
        "coverage": None if rows == 0 else float(Fr(used, rows)),
    }


# ------------------------------------------------------------- statistics --
def interval_op(name, cats):
    conf = DEFAULTS["interval"]["confidence"]
    assert DEFAULTS["interval"]["method"] == "score"
    low, high = score_interval(cats, conf)
    d, _, p = cats
    center = Decimal(p - d) / Decimal(sum(cats))
    return {"name": name, "operation": "interval", "inputs": {"categories": list(cats)},
            "expected": {"low": float(100 * low), "high": float(100 * high),
                         "center": float(100 * center), "method": "score",
                         "confidence": conf},
            "tol": TOL_ROOT}


def adjusted(cats):
    assert DEFAULTS["test"]["method"] == "adjusted_wald"
    return [Fr(c) + Fr(x) for c, x in zip(cats, DEFAULTS["test"]["pseudo"])]


def test_expect(res):
    t = DEFAULTS["test"]
    return {**res, "method": t["method"], "alternative": t["alternative"],
            "confidence": t["confidence"]}


def test_op(name, cats, benchmark):
    nps, var, n = unit_stats(adjusted(cats))
    res = finish(nps - Fr(benchmark) / 100, var / n, DEFAULTS["test"]["confidence"],
                 DEFAULTS["test"]["alternative"])
    return {"name": name, "operation": "test_benchmark",
            "inputs": {"categories": list(cats), "benchmark": benchmark},
            "expected": test_expect(res), "tol": TOL_CLOSED, "p_rtol": P_RTOL}


def compare_op(name, a, b):
    na, va, nna = unit_stats(adjusted(a))
    nb, vb, nnb = unit_stats(adjusted(b))
    res = finish(na - nb, va / nna + vb / nnb, DEFAULTS["test"]["confidence"],
                 DEFAULTS["test"]["alternative"])
    return {"name": name, "operation": "compare", "inputs": {"a": list(a), "b": list(b)},
            "expected": test_expect(res), "tol": TOL_CLOSED, "p_rtol": P_RTOL}


def compare_many_op(name, pairs):
    t = DEFAULTS["test"]
    v = compare_many_vector(name, pairs, DEFAULTS["compare_many"]["adjust"], t["method"],
                            t["alternative"], t["confidence"])
    return {"name": name, "operation": "compare_many",
            "inputs": {"pairs": v["pairs"]}, "expected": {"results": v["expect"]},
            "tol": v["tol"], "p_rtol": v["p_rtol"], "ln_tol": v["ln_tol"]}


def sample_size_op(name, margin, promoters, detractors):
    p, d = Fr(promoters), Fr(detractors)
    z = Fr(z_of(DEFAULTS["sample_size"]["confidence"]))
    n = z * z * (p + d - (p - d) ** 2) / (Fr(margin) / 100) ** 2
    assert abs(n - round(n)) > Fr(1, 10**6), name
    return {"name": name, "operation": "sample_size",
            "inputs": {"margin": margin, "promoters": promoters, "detractors": detractors},
            "expected": {"n": math.ceil(n)}}


def margin_op(name, cats):
    nps, var, n = unit_stats(cats)
    m = Decimal(z_of(DEFAULTS["confidence"])) * fsqrt(var / n)
    return {"name": name, "operation": "margin_of_error", "inputs": {"categories": list(cats)},
            "expected": {"margin": float(100 * m)}, "tol": TOL_CLOSED}


# ------------------------------------------------------------------- KPIs --
def outcomes(vehicles, complaints, opened, closed):
    """The comeback rule of SPEC §6 with the default window and no as_of."""
    window = DEFAULTS["comeback"]["window_days"] * DAY
    assert DEFAULTS["comeback"]["as_of"] is None
    out = []
    for i in range(len(vehicles)):
        later = [j for j in range(len(vehicles))
                 if vehicles[j] == vehicles[i]
                 and (complaints is None or complaints[j] == complaints[i])
                 and opened[j] > opened[i]]
        back = bool(later) and min(opened[j] for j in later) - closed[i] <= window
        out.append("came_back" if back else "fixed")
    return out


def jobs_ops(name, vehicles, complaints, opened, closed):
    o = outcomes(vehicles, complaints, opened, closed)
    n = len(o)
    came = o.count("came_back")
    inputs = {"vehicles": vehicles, "complaints": complaints, "opened": opened, "closed": closed}
    return [
        {"name": name, "operation": "job_outcomes", "inputs": inputs, "expected": {"outcomes": o}},
        {"name": name, "operation": "first_time_fix_rate", "inputs": inputs,
         "expected": kpi(n - came, n, n, n)},
        {"name": name, "operation": "comeback_rate", "inputs": inputs,
         "expected": kpi(came, n, n, n)},
    ]


def episode_ops(name, vehicles, complaints, operations, opened, closed):
    """Diagnosis accuracy and visits per resolution with the default
    comeback options: each complaint's episode followed from its first
    visit through the jobs that came back (every window complete)."""
    o = outcomes(vehicles, complaints, opened, closed)
    n = len(o)

    def return_of(i):
        later = [j for j in range(n) if vehicles[j] == vehicles[i]
                 and (complaints is None or complaints[j] == complaints[i])
                 and opened[j] > opened[i]]
        return min(later, key=lambda j: (opened[j], j))

    returns = {return_of(i) for i in range(n) if o[i] == "came_back"}
    held = visits = episodes = 0
    for s in (s for s in range(n) if s not in returns):
        i, count, changed = s, 1, False
        while o[i] == "came_back":
            i = return_of(i)
            count += 1
            changed = changed or operations[i] != operations[s]
        episodes += 1
        held += 0 if changed else 1
        visits += count
    inputs = {"vehicles": vehicles, "complaints": complaints, "operations": operations,
              "opened": opened, "closed": closed}
    return [
        {"name": name, "operation": "diagnosis_accuracy", "inputs": inputs,
         "expected": kpi(held, episodes, episodes, episodes)},
        {"name": name, "operation": "visits_per_resolution", "inputs": inputs,
         "expected": kpi(visits, episodes, episodes, episodes)},
    ]


def repeat_op(name, subjects, raised, closed):
    o = outcomes(subjects, None, raised, closed)
    n = len(o)
    return {"name": name, "operation": "repeat_complaint_rate",
            "inputs": {"subjects": subjects, "raised": raised, "closed": closed},
            "expected": kpi(o.count("came_back"), n, n, n)}


def csat_op(name, ratings):
    ok = sum(1 for r in ratings if Fr(r) >= Fr(DEFAULTS["csat"]["satisfied_min"]))
    n = len(ratings)
    return {"name": name, "operation": "csat", "inputs": {"ratings": ratings},
            "expected": kpi(ok, n, n, n)}


def follow_up_op(name, end, follow):
    lo = DEFAULTS["follow_up"]["earliest_days"] * DAY
    hi = DEFAULTS["follow_up"]["latest_days"] * DAY
    ok = sum(1 for e, f in zip(end, follow) if f is not None and lo <= f - e <= hi)
    return {"name": name, "operation": "follow_up_completion_rate",
            "inputs": {"service_end": end, "follow_up": follow},
            "expected": kpi(ok, len(end), len(end), len(end))}


def time_target_op(kpi_name):
    bench = TIME_BENCH[kpi_name]
    target = round(BENCH[bench][1] * 60)
    assert target == DEFAULTS["time_targets"][kpi_name]
    return {"name": f"default target of {kpi_name}", "operation": "time_target",
            "inputs": {"kpi": kpi_name}, "expected": {"benchmark": bench, "target_seconds": target}}


def bounds(name):
    """What a scorecard value is judged against: a time benchmark judges the
    share of visits within its standard against its required share."""
    if name in TARGET_SHARE:
        return TARGET_SHARE[name], None
    return BENCH.get(name, (None, None))


def status(name, value):
    if value is None:
        return "no_data"
    if name not in BENCH:
        return "no_benchmark"
    lo, hi = bounds(name)
    return "misses" if (lo is not None and value < lo) or (hi is not None and value > hi) else "meets"


def scorecard_op(name, results):
    """`results`: {"kpi", "rate": [num, den]} (judged by num/den),
    {"kpi", "seconds": [...]} (a time KPI with the default target: judged by
    its share of visits within the per-visit standard) or
    {"kpi", "value": x|null}."""
    lines = []
    for r in results:
        if "rate" in r:
            num, den = r["rate"]
            v = None if den == 0 else Fr(num, den)
        elif "seconds" in r:
            s = r["seconds"]
            standard = round(BENCH[r["kpi"]][1] * 60)
            v = None if not s else Fr(sum(1 for x in s if x <= standard), len(s))
        else:
            v = None if r["value"] is None else Fr(r["value"])
        v = None if v is None else float(v)
        lo, hi = bounds(r["kpi"])
        std = BENCH[r["kpi"]][1] if r["kpi"] in TARGET_SHARE else None
        lines.append({"kpi": r["kpi"], "value": v, "min": lo, "max": hi,
                      "standard_minutes": std, "status": status(r["kpi"], v)})
    return {"name": name, "operation": "scorecard", "inputs": {"results": results},
            "expected": {"lines": lines}, "tol": TOL_CLOSED}


T0 = 1_740_000_000


def operations():
    ops = [
        interval_op("textbook 1/2/3", (1, 2, 3)),
        interval_op("dealer 20/28/77", (20, 28, 77)),
        test_op("20/30/50 against 20", (20, 30, 50), 20.0),
        test_op("all promoters against 50 (Wald would be degenerate)", (0, 0, 30), 50.0),
        compare_op("issue 9: 20/28/77 against 25/30/70", (20, 28, 77), (25, 30, 70)),
        compare_op("one category each (Wald would be degenerate)", (0, 0, 5), (0, 0, 7)),
        compare_many_op("three stores against one base (Holm, 95 %)",
                        [((10, 20, 70), (30, 20, 50)), ((28, 20, 52), (30, 20, 50)),
                         ((18, 22, 60), (30, 20, 50))]),
        sample_size_op("p50 d20 margin 5", 5.0, 0.5, 0.2),
        margin_op("20/30/50", (20, 30, 50)),
    ]
    ops += jobs_ops(
        "back on day 30 (inclusive) and on day 31",
        ["V1", "V1", "V2", "V2", "V3"], None,
        [T0, T0 + 30 * DAY + 3_600, T0, T0 + 31 * DAY + 3_601, T0],
        [T0 + 3_600, T0 + 30 * DAY + 7_200, T0 + 3_600, T0 + 31 * DAY + 7_200, T0 + 3_600])
    ops += jobs_ops(
        "complaint keys",
        ["V1", "V1", "V1"], ["brakes", "noise", "brakes"],
        [T0, T0 + DAY, T0 + 2 * DAY], [T0 + 3_600, T0 + DAY + 3_600, T0 + 2 * DAY + 3_600])
    ops += episode_ops(
        "a noise fixed on the fourth visit by another operation; a repair that held",
        ["V1", "V1", "V1", "V1", "V2"], ["noise", "noise", "noise", "noise", "tyres"],
        ["suspension", "suspension", "suspension", "body_weld", "alignment"],
        [T0, T0 + 10 * DAY, T0 + 20 * DAY, T0 + 30 * DAY, T0],
        [T0 + DAY, T0 + 11 * DAY, T0 + 21 * DAY, T0 + 35 * DAY, T0 + 3_600])
    ops += [
        repeat_op("same subject within 30 days, another after",
                  [7, 7, 8, 8], [T0, T0 + 10 * DAY, T0, T0 + 40 * DAY],
                  [T0 + 3_600, T0 + 11 * DAY, T0 + 3_600, T0 + 41 * DAY]),
        csat_op("1-5 scale: 4 and above satisfied", [5, 4, 3.5, 2, 4.0, 1]),
        follow_up_op("3-7 days inclusive: too early, on both bounds, late, before the end, none",
                     [T0] * 7, [T0 + DAY, T0 + 3 * DAY, T0 + 5 * DAY, T0 + 7 * DAY,
                                T0 + 7 * DAY + 1, T0 - 1, None]),
        time_target_op("reception_response_time"),
        time_target_op("delivery_time"),
        scorecard_op("rates, time KPIs by the share within the per-visit standard, plain values", [
            {"kpi": "first_time_fix_rate", "rate": [17, 20]},
            {"kpi": "comeback_rate", "rate": [3, 20]},
            {"kpi": "repeat_visit_rate", "rate": [0, 0]},
            {"kpi": "reception_response_minutes", "seconds": [120, 240, 170]},
            {"kpi": "delivery_minutes", "seconds": [600] * 9 + [5400]},
            {"kpi": "delivery_minutes", "seconds": []},
            {"kpi": "technician_efficiency", "value": 1.3},
            {"kpi": "delivery_minutes", "value": 0.95},
            {"kpi": "csat", "value": 0.9},
        ]),
    ]
    return ops


def main():
    doc = {
        "about": "Defaults of every option-taking operation; generated by gen_defaults_vectors.py",
        "defaults": DEFAULTS,
        "benchmarks": {k: {"min": lo, "max": hi, "target_share": TARGET_SHARE.get(k)}
                       for k, (lo, hi) in BENCH.items()},
        "operations": operations(),
    }
    # Round-trip through dec() keeps the helpers honest about exactness.
    assert dec(Fr(1, 4)) == Decimal("0.25")
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {OUT} ({len(doc['operations'])} operations)")


if __name__ == "__main__":
    main()
