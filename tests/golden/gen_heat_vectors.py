#!/usr/bin/env python3
"""Independent oracle for the heat-map and Erlang C golden vectors.

Writes ``tests/golden/heat_vectors.json``, read by the Rust
(``tests/integration/heat.rs``), C (``tests/c/test_heat.c``) and Python
(``tests/python/test_heat.py``) suites. Standard library only; never imports
nps. Deterministic output.

Heat maps (SPEC §5): heat = mentions × pain, summed exactly with ints;
shares are ``Fraction``s written as floats; the ranking sorts by heat
descending, then journey order of the stage, then the description's UTF-8
bytes. Duplicate (stage, description) rows merge by summing mentions and
heat (mention-weighted pain). The Pareto set is the shortest ranking prefix
with cumulative heat / total >= Fraction(repr(share)).

Erlang C (SPEC §6, M/M/c): the probability of waiting is computed with
exact ``Fraction`` arithmetic from the textbook definition

    C(c, A) = (A^c / c!) · c/(c − A)  /  (Σ_{k<c} A^k/k!  +  A^c/c! · c/(c − A))

(e.g. L. Kleinrock, *Queueing Systems, Vol. 1*, 1975, eq. 3.40), with
A = λ·s given as exact decimals; Wq = C·s/(c − A) exactly; the share within
t, 1 − C·exp(−(c − A)·t/s), uses ``math.exp`` on the exact pieces. The
library instead uses the Erlang B recursion, so the two computations are
independent. The oracle cross-checks itself against:

- M/M/1 closed forms: C = ρ, Wq = ρ·s/(1 − ρ) (any queueing textbook, e.g.
  Kleinrock eq. 3.24-3.26);
- M/M/2 closed form: C = 2ρ²/(1 + ρ);
- the hand calculation A = 2, c = 3: Σ = 1 + 2 + 2 = 5, A³/3!·3/(3−2) = 4,
  C = 4/(5 + 4) = 4/9 (the 0.444 entry of printed Erlang C tables).

The worked example "360 calls per half hour, 4 min average handling,
55 agents, 15 s target" is the one commonly used to present the Erlang C
steps (call-centre staffing tutorials); only its inputs are taken from
there, its outputs are this oracle's exact computation.

Run:  python3 tests/golden/gen_heat_vectors.py
"""

from __future__ import annotations

import json
import math
import os
from datetime import datetime, timedelta, timezone
from fractions import Fraction

STAGES = ["appointment", "reception", "diagnosis", "repair", "delivery", "follow_up"]
DEFAULT_DRIVERS = [  # the default policy's driver weights (SPEC §3)
    ("waiting_time", 0.27),
    ("repair_quality", 0.24),
    ("advisor_attitude", 0.18),
    ("price_transparency", 0.16),
    ("resolution_efficiency", 0.15),
]
# The default rules of the driver view (nps_core::heatmap::default_pain_rules,
# documented; policy data `pain_point_drivers`): (driver, keywords, stages),
# tried by keyword in this order, then by stage.
DEFAULT_RULES = [
    ("advisor_attitude",
     ["attitude", "rude", "impolite", "greet", "indifferent", "态度", "冷漠", "敷衍"], []),
    ("price_transparency",
     ["quote", "price", "bill", "estimate", "overcharg", "报价", "费用", "价格", "收费"],
     ["diagnosis"]),
    ("repair_quality",
     ["not fixed", "not solved", "repeat", "again", "comeback", "dirty", "damage", "未解决",
      "返修", "没修好"], ["repair"]),
    ("waiting_time",
     ["wait", "queue", "slot", "slow", "delay", "progress", "排队", "等待", "等候", "进度"],
     ["appointment", "reception", "delivery"]),
    ("resolution_efficiency",
     ["complaint", "feedback", "unresponsive", "no response", "escalat", "投诉", "反馈", "回访"],
     ["follow_up"]),
]


def driver_of(stage: str, point: str) -> str | None:
    low = point.lower()
    for d, kws, _ in DEFAULT_RULES:
        if any(k.lower() in low for k in kws):
            return d
    for d, _, stages in DEFAULT_RULES:
        if stage in stages:
            return d
    return None


def f(x: Fraction | None) -> float | None:
    return None if x is None else float(x)


def ratio(a: int, b: int) -> Fraction | None:
    return Fraction(a, b) if b else None


def merge(rows):
    """rows: (stage, point, mentions, heat) -> merged points in ranking order."""
    acc: dict[tuple[str, str], list[int]] = {}
    for stage, point, m, h in rows:
        cur = acc.setdefault((stage, point), [0, 0])
        cur[0] += m
        cur[1] += h
    pts = [(s, p, m, h) for (s, p), (m, h) in acc.items()]
    pts.sort(key=lambda x: (-x[3], STAGES.index(x[0]), x[1].encode("utf-8")))
    return pts


def describe(pts):
    total = sum(p[3] for p in pts)
    ranked, cum = [], 0
    for i, (s, p, m, h) in enumerate(pts):
        cum += h
        ranked.append(
            {
                "rank": i + 1,
                "stage": s,
                "point": p,
                "mentions": m,
                "heat": h,
                "pain": f(ratio(h, m)),
                "share": f(ratio(h, total)),
                "cumulative_share": f(ratio(cum, total)),
            }
        )
    by_stage = []
    for s in STAGES:
        sp = [x for x in pts if x[0] == s]
        heat = sum(x[3] for x in sp)
        mentions = sum(x[2] for x in sp)
        by_stage.append(
            {
                "stage": s,
                "points": len(sp),
                "mentions": mentions,
                "heat": heat,
                "share": f(ratio(heat, total)),
                "pain": f(ratio(heat, mentions)),
                "top_point": sp[0][1] if sp else None,
                "top_heat": sp[0][3] if sp else 0,
            }
        )
    return total, ranked, by_stage


def pareto(pts, share: float):
    total = sum(p[3] for p in pts)
    target = Fraction(repr(share))
    cum = 0
    for i, p in enumerate(pts):
        cum += p[3]
        if Fraction(cum, total) >= target:
            return i + 1
    return len(pts)


def drivers(ranked, total):
    rows = {name: {"driver": name, "weight": w, "stages": [], "points": [], "heat": 0}
            for name, w in DEFAULT_DRIVERS}
    order = [name for name, _ in DEFAULT_DRIVERS]
    unmapped = {"driver": "unmapped", "weight": None, "stages": [], "points": [], "heat": 0}
    for r in ranked:  # hottest first
        d = driver_of(r["stage"], r["point"])
        if d is None:
            row = unmapped
        else:
            if d not in rows:
                rows[d] = {"driver": d, "weight": None, "stages": [], "points": [], "heat": 0}
                order.append(d)
            row = rows[d]
        if r["stage"] not in row["stages"]:
            row["stages"].append(r["stage"])
        row["points"].append(r["point"])
        row["heat"] += r["heat"]
    out = [rows[d] for d in order] + ([unmapped] if unmapped["points"] else [])
    for row in out:
        row["stages"].sort(key=STAGES.index)
        row["share"] = f(ratio(row["heat"], total))
    return out


def heat_case(name, stages, points, mentions, pain, shares):
    rows = [(s, p, m, m * q) for s, p, m, q in zip(stages, points, mentions, pain)]
    pts = merge(rows)
    total, ranked, by_stage = describe(pts)
    return {
        "name": name,
        "stages": stages,
        "points": points,
        "mentions": mentions,
        "pain": pain,
        "expect": {
            "total_heat": total,
            "ranked": ranked,
            "by_stage": by_stage,
            "pareto": [{"share": s, "count": pareto(pts, s)} for s in shares],
            "drivers": drivers(ranked, total),
        },
    }


# The source article's heat-map table (seeds/000, "痛点热力图示例"), verbatim
# descriptions; stage 到店 (arrival) = reception, 后续 = follow_up.
SOURCE_TABLE = [
    ("appointment", "App预约系统卡顿", 127, 6, 762),
    ("reception", "排队等候超过30分钟", 893, 9, 8037),
    ("diagnosis", "报价不透明,最终费用高于预期", 542, 8, 4336),
    ("repair", "等待过程中没有进度更新", 731, 7, 5117),
    ("repair", "维修后问题仍未解决", 398, 10, 3980),
    ("delivery", "结账等待时间过长", 286, 6, 1716),
    ("follow_up", "投诉反馈渠道不畅", 159, 8, 1272),
]


def heat_vectors():
    for s, p, m, q, h in SOURCE_TABLE:
        assert m * q == h, (p, m, q, h)  # the article's own products
    src = heat_case(
        "source_table",
        [r[0] for r in SOURCE_TABLE],
        [r[1] for r in SOURCE_TABLE],
        [r[2] for r in SOURCE_TABLE],
        [r[3] for r in SOURCE_TABLE],
        [0.8, 0.5, 0.3, 1.0, 0.851],
    )
    # The article's insight: queue on arrival is the biggest pain point.
    assert src["expect"]["ranked"][0]["heat"] == 8037
    cases = [src]
    # Duplicates merge mention-weighted; exact 80 % boundary; ties by stage
    # order then description bytes.
    cases.append(
        heat_case(
            "merge_and_ties",
            ["repair", "repair", "reception", "delivery", "appointment", "repair"],
            ["x", "x", "b", "a", "z", "y"],
            [1, 3, 2, 4, 8, 0],
            [10, 2, 8, 4, 2, 5],
            [0.8, 0.81, 1e-9],
        )
    )
    cases.append(
        heat_case(
            "exact_eighty",
            ["repair", "repair", "repair"],
            ["a", "b", "c"],
            [8, 1, 1],
            [1, 1, 1],
            [0.8, 0.81, 0.9, 0.91],
        )
    )
    return cases


def records_vector():
    # Complaint records at three dealers over a month boundary in
    # Asia/Shanghai (UTC+8, no DST: a fixed offset is exact here).
    tz = timezone(timedelta(hours=8))
    recs = [
        ("reception", "queue on arrival", 9, "D01", "2025-01-31T23:59:59"),
        ("reception", "queue on arrival", 8, "D02", "2025-02-01T00:00:00"),
        ("reception", "queue on arrival", 10, "D01", "2025-02-03T09:00:00"),
        ("repair", "no progress updates", 7, "D03", "2025-01-15T10:00:00"),
        ("repair", "no progress updates", 6, "D01", "2025-02-10T10:00:00"),
        ("repair", "not fixed", 10, "D02", "2025-01-20T12:00:00"),
        ("diagnosis", "quote unclear", 8, "D03", "2025-02-11T08:30:00"),
        ("delivery", "checkout wait", 5, "D02", "2025-02-12T17:00:00"),
        ("follow_up", "complaint ignored", 9, "D03", "2025-01-05T11:00:00"),
        ("appointment", "app stalls", 3, "D01", "2025-01-02T08:00:00"),
        ("reception", "no greeting", 4, "D03", "2025-01-31T12:00:00"),
        ("repair", "not fixed", 9, "D01", "2025-02-28T23:00:00"),
    ]
    ts = [int(datetime.fromisoformat(r[4]).replace(tzinfo=tz).timestamp()) for r in recs]
    pts = merge([(r[0], r[1], 1, r[2]) for r in recs])
    total, ranked, by_stage = describe(pts)

    def matrix(labels):
        cols = sorted(set(labels))
        heat = [[0] * len(cols) for _ in STAGES]
        mentions = [[0] * len(cols) for _ in STAGES]
        for r, lab in zip(recs, labels):
            heat[STAGES.index(r[0])][cols.index(lab)] += r[2]
            mentions[STAGES.index(r[0])][cols.index(lab)] += 1
        return {"columns": cols, "heat": heat, "mentions": mentions}

    months = [datetime.fromtimestamp(t, tz).strftime("%Y-%m") for t in ts]
    return {
        "name": "records_three_dealers",
        "stages": [r[0] for r in recs],
        "points": [r[1] for r in recs],
        "pain": [r[2] for r in recs],
        "keys": [r[3] for r in recs],
        "timestamps": ts,
        "tz": "Asia/Shanghai",
        "period": "month",
        "expect": {
            "total_heat": total,
            "ranked": ranked,
            "by_stage": by_stage,
            "pareto": [{"share": s, "count": pareto(pts, s)} for s in (0.8, 0.5)],
            "matrix_key": matrix([r[3] for r in recs]),
            "matrix_period": matrix(months),
            # The driver view with the default rules: "no greeting" is the
            # advisor's attitude, "no progress updates" waiting.
            "drivers": drivers(ranked, total),
        },
    }


def bad_heat():
    ok = dict(stages=["repair"], points=["x"], mentions=[1], pain=[5])
    cases = [
        ("pain_zero", dict(ok, pain=[0]), "invalid_value", "pain", 0),
        ("pain_eleven", dict(ok, stages=["repair", "delivery"], points=["x", "y"], mentions=[1, 2], pain=[5, 11]), "invalid_value", "pain", 1),
        ("unknown_stage", dict(ok, stages=["repair", "billing"], points=["x", "y"], mentions=[1, 2], pain=[5, 5]), "invalid_value", "stages", 1),
        ("negative_mentions", dict(ok, mentions=[-3]), "invalid_value", "mentions", 0),
        ("empty_description", dict(ok, points=[""]), "invalid_value", "points", 0),
        ("length_mismatch", dict(ok, pain=[5, 5]), "length_mismatch", None, None),
        ("no_rows", dict(stages=[], points=[], mentions=[], pain=[]), "no_data", None, None),
        ("heat_overflow", dict(ok, mentions=[2**64 - 1], pain=[2]), "overflow", None, None),
    ]
    return [
        {"name": n, **inp, "error": {"kind": k, "column": c, "index": i}}
        for n, inp, k, c, i in cases
    ]


# ---------------------------------------------------------------- Erlang C


def erlang_exact(lam: str, s: str, c: int):
    A = Fraction(lam) * Fraction(s)
    if A >= c:
        return A, None
    term = Fraction(1)
    total = Fraction(0)
    for k in range(c):
        total += term
        term = term * A / (k + 1)  # term = A^(k+1)/(k+1)!
    last = term * c / (c - A)  # A^c/c! · c/(c−A)
    return A, last / (total + last)


def erlang_case(name, lam, s, c, t, source):
    A, C = erlang_exact(lam, s, c)
    sv = Fraction(s)
    case = {
        "name": name,
        "source": source,
        "arrival_rate": float(Fraction(lam)),
        "service_time": float(sv),
        "servers": c,
        "target_wait": None if t is None else float(Fraction(t)),
        "offered_load": float(A),
        "utilization": float(A / c),
    }
    if C is None:
        case["status"] = "unstable"
        return case
    wq = C * sv / (c - A)
    case.update(
        status="stable",
        prob_wait=float(C),
        mean_wait=float(wq),
        mean_response=float(wq + sv),
        within_target=None
        if t is None
        else 1.0 - float(C) * math.exp(-float((c - A) * Fraction(t) / sv)),
    )
    return case


def erlang_vectors():
    # Self-checks against closed forms (see the module docstring).
    for lam in ("0.1", "0.5", "0.9"):
        A, C = erlang_exact(lam, "1", 1)
        assert C == A
        rho = Fraction(lam)
        A, C = erlang_exact(str(2 * rho), "1", 2)
        assert C == 2 * rho * rho / (1 + rho)
    assert erlang_exact("2", "1", 3)[1] == Fraction(4, 9)

    v = [
        erlang_case("mm1_half", "0.5", "1", 1, "1", "M/M/1 closed form C = rho"),
        erlang_case("mm2_rho07", "1.4", "1", 2, "0.5", "M/M/2 closed form C = 2rho^2/(1+rho)"),
        erlang_case("a2_c3_table", "2", "1", 3, "0", "hand calculation C = 4/9"),
        erlang_case(
            "call_centre_360_per_half_hour",
            "12",  # 360 calls per 30 min = 12 per minute
            "4",  # 4 minutes per call
            55,
            "0.25",  # 15 s in minutes
            "worked example inputs (360 calls/30 min, 4 min, 55 agents, 15 s)",
        ),
        erlang_case(
            "reception_morning_peak",
            "30",  # 30 arrivals per hour at the reception desk
            "0.2",  # 12 min per reception, in hours
            8,
            "0.05",  # 3 min target (SPEC §6 reception response time)
            "oracle",
        ),
        erlang_case("unstable_equal", "3", "1", 3, None, "rho = 1 is unstable"),
        erlang_case("unstable_over", "5", "2", 7, "1", "rho > 1 is unstable"),
        erlang_case("large_c_2000", "1950", "1", 2000, "0.01", "large c (exact Fraction sum)"),
        erlang_case("large_c_2000_light", "1500", "1", 2000, "0.001", "large c, light load"),
    ]
    return v


def servers_needed(lam, s, t, share, max_wait=None):
    A = Fraction(lam) * Fraction(s)
    c = math.floor(A) + 1
    prev = None
    while True:
        _, C = erlang_exact(lam, s, c)
        within = 1.0 - float(C) * math.exp(-float((c - A) * Fraction(t) / Fraction(s)))
        wq = float(C * Fraction(s) / (c - A))
        ok = within >= share and (max_wait is None or wq <= max_wait)
        if ok:
            # Refuse near-ties: the library's float result must not flip.
            assert within - share > 1e-9 or within == 1.0, (lam, s, c, within)
            if prev is not None:
                assert share - prev[0] > 1e-9 or (max_wait is not None and prev[1] - max_wait > 1e-9)
            return c, within, wq
        prev = (within, wq)
        c += 1


def staffing_vectors():
    out = []
    for lam, s, t, share, mw in [
        ("20", "0.25", "0.05", 0.8, None),  # 5 erlangs, 80 % within 3 min
        ("30", "0.2", "0.05", 0.9, None),  # reception morning peak
        ("12", "4", "0.25", 0.8, None),  # the call-centre example, 80/15
        ("12", "4", "0.25", 0.8, 0.1),  # ... and a mean wait <= 6 s
        ("0.5", "1", "0", 0.6, None),  # M/M/1 already meets 60 % "no wait"
        ("1950", "1", "0.01", 0.95, None),  # large c
    ]:
        c, within, wq = servers_needed(lam, s, t, share, mw)
        out.append(
            {
                "arrival_rate": float(Fraction(lam)),
                "service_time": float(Fraction(s)),
                "target_wait": float(Fraction(t)),
                "target_share": share,
                "max_mean_wait": mw,
                "servers": c,
                "within_target": within,
                "mean_wait": wq,
            }
        )
    return out


def main():
    doc = {
        "about": "generated by tests/golden/gen_heat_vectors.py; do not edit",
        "stages": STAGES,
        "tol": 1e-12,
        "erlang_rtol": 1e-9,
        "heat": heat_vectors(),
        "records": [records_vector()],
        "bad_heat": bad_heat(),
        "erlang": erlang_vectors(),
        "erlang_bad": [
            {"arrival_rate": 0.0, "service_time": 1.0, "servers": 1, "name": "arrival_rate"},
            {"arrival_rate": -1.0, "service_time": 1.0, "servers": 1, "name": "arrival_rate"},
            {"arrival_rate": 1.0, "service_time": 0.0, "servers": 1, "name": "service_time"},
            {"arrival_rate": 1.0, "service_time": 1.0, "servers": 0, "name": "servers"},
        ],
        "servers_needed": staffing_vectors(),
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "heat_vectors.json")
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, ensure_ascii=False, indent=1, sort_keys=True)
        fh.write("\n")


if __name__ == "__main__":
    main()
