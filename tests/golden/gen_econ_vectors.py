#!/usr/bin/env python3
"""Golden vectors of service economics (issue 15), computed independently of nps.

Stdlib only (fractions for exact money ratios, statistics.NormalDist for the
band's z); never imports nps. Writes tests/golden/econ_vectors.json
deterministically; read by tests/integration/econ.rs, tests/c/test_econ.c and
tests/python/test_econ.py. Schema: tests/golden/README.md ("econ_vectors").
Run: python3 tests/golden/gen_econ_vectors.py

Sections:
- ``ledger``: lines (unit, category, amount in minor units, optional
  currency, optional engineers, timestamp), grouping (by unit, optional
  period) and options; expected per group: totals, profit, margin,
  input-output ratio, cost to revenue, revenue per engineer, per-category
  totals, revenue shares and gaps to the target mix. The first case is the
  source article's province: cost 1,500,000, revenue 800,000, a loss of
  700,000, ratio 8/15, cost to revenue 1.875.
- ``quadrant``: points and thresholds with their quadrant.
- ``quadrants``: measure columns per dealer and month, specs, expected axis
  values, quadrant, previous quadrant and movement.
- ``lifecycle``: a fleet and its service events, a hand-worked mean
  cumulative function with censoring (values asserted below), Nelson's
  robust standard error and the 95 % band, the cost at 36 / 60 months and
  its share of the manufacturing cost.
- ``bad``: inputs each binding must reject, with the error kind and the
  argument or column (and row) it names.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
from fractions import Fraction as F
from statistics import NormalDist

UTC = dt.timezone.utc

REVENUE = ["parts", "extended_warranty", "paid_service", "value_added_services", "external"]
COST = ["quality_failure", "service_delivery", "parts_sunk", "churn_credit"]
CATEGORIES = REVENUE + COST
EXPONENT = {"CNY": 2, "USD": 2, "JPY": 0, "EUR": 2}


def ts(y, m, d, h=0):
    return int(dt.datetime(y, m, d, h, tzinfo=UTC).timestamp())


def fl(x):
    return None if x is None else float(x)


def round_half_even(q: F) -> int:
    fl_ = math.floor(q)
    r = q - fl_
    if r > F(1, 2):
        return fl_ + 1
    if r < F(1, 2):
        return fl_
    return fl_ + (fl_ % 2)


def convert(minor, frm, to, rates):
    """Money conversion with an exact decimal rate, half to even."""
    if frm == to:
        return minor
    for r in rates:
        if (r["from"], r["to"]) == (frm, to):
            rate = F(r["rate"])
            break
        if (r["from"], r["to"]) == (to, frm):
            rate = 1 / F(r["rate"])
            break
    else:
        raise KeyError("no rate")
    q = F(minor) * rate * F(10) ** (EXPONENT[to] - EXPONENT[frm])
    return round_half_even(q)


def period_start(t, period):
    d = dt.datetime.fromtimestamp(t, UTC).date()
    if period == "month":
        return dt.date(d.year, d.month, 1)
    if period == "quarter":
        return dt.date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)
    raise ValueError(period)


# ----------------------------------------------------------------- ledger ----
def ledger_case(name, units, categories, amounts, *, times=None, period=None,
                currencies=None, engineers=None, currency="CNY", rates=(), target_mix=None,
                policy=None):
    # policy: categories replacing the defaults, name -> "revenue" / "cost".
    rates = list(rates)
    target_mix = dict(target_mix or {})
    cats = CATEGORIES if policy is None else list(policy)
    revenue = REVENUE if policy is None else [c for c, side in policy.items() if side == "revenue"]
    cost_cats = COST if policy is None else [c for c, side in policy.items() if side == "cost"]
    groups = {}
    for i in range(len(units)):
        key = (units[i], None if period is None else period_start(times[i], period).isoformat())
        g = groups.setdefault(key, {"lines": 0, "cat": {c: 0 for c in cats}, "eng": None})
        cur = currency if currencies is None else currencies[i]
        g["cat"][categories[i]] += convert(amounts[i], cur, currency, rates)
        g["lines"] += 1
        if engineers is not None and engineers[i] is not None:
            g["eng"] = engineers[i]
    out = []
    for (unit, per) in sorted(groups):
        g = groups[(unit, per)]
        rev = sum(g["cat"][c] for c in revenue)
        cost = sum(g["cat"][c] for c in cost_cats)
        profit = rev - cost
        shares = {c: None if rev == 0 else fl(F(g["cat"][c], rev)) for c in revenue}
        gaps = {c: None if rev == 0 else fl(F(g["cat"][c], rev) - F(t))
                for c, t in target_mix.items()}
        eng = g["eng"]
        out.append({
            "unit": unit,
            "period": per,
            "lines": g["lines"],
            "revenue_minor": rev,
            "cost_minor": cost,
            "profit_minor": profit,
            "margin": None if rev == 0 else fl(F(profit, rev)),
            "input_output_ratio": None if cost == 0 else fl(F(rev, cost)),
            "cost_to_revenue": None if rev == 0 else fl(F(cost, rev)),
            "engineers": eng,
            "revenue_per_engineer_minor": None if not eng else fl(F(rev) / F(eng)),
            "by_category": g["cat"],
            "shares": shares,
            "gaps": gaps,
        })
    return {
        "name": name,
        "input": {
            "units": units, "categories": categories, "amounts_minor": amounts,
            "times": times, "period": period, "currencies": currencies,
            "engineers": engineers, "currency": currency, "rates": rates,
            "target_mix": [[k, v] for k, v in target_mix.items()],
            "categories_policy": None if policy is None else [[k, v] for k, v in policy.items()],
        },
        "expected": out,
    }


def ledger_cases():
    cases = []
    # The source's province (in fen): three resident engineers cost over
    # 1,500,000 a year, service revenue under 800,000, a loss of 700,000.
    c = ledger_case(
        "province",
        ["west", "west", "west", "west"],
        ["service_delivery", "parts", "paid_service", "extended_warranty"],
        [150_000_000, 40_000_000, 30_000_000, 10_000_000],
        engineers=[3, None, None, 3],
    )
    w = c["expected"][0]
    assert w["profit_minor"] == -70_000_000
    assert F(w["revenue_minor"], w["cost_minor"]) == F(8, 15)
    assert F(w["cost_minor"], w["revenue_minor"]) == F(15, 8)  # 1.875
    cases.append(c)
    # Two regions over two quarters, the whole category list, a target mix.
    q1, q2 = ts(2025, 2, 10), ts(2025, 5, 3)
    cases.append(ledger_case(
        "regions_by_quarter",
        ["east", "east", "east", "east", "east", "west", "west", "west", "east", "west"],
        ["parts", "value_added_services", "quality_failure", "service_delivery", "external",
         "parts", "parts_sunk", "churn_credit", "parts", "service_delivery"],
        [900_000, 350_000, 120_000, 400_000, 50_000, 80_000, 30_000, 20_000, 700_000, 0],
        times=[q1, q1, q1, q1, q1, q1, q1, q1, q2, q2],
        period="quarter",
        engineers=[2, 2, None, None, None, 1.5, None, None, None, 1.5],
        target_mix={"parts": 0.5, "value_added_services": 0.3},
    ))
    # A group without revenue (margin, cost to revenue: no data) and one
    # without cost (input-output ratio: no data).
    cases.append(ledger_case(
        "zero_denominators",
        ["a", "b"], ["service_delivery", "parts"], [5_000, 7_000],
    ))
    # Lines in USD and JPY converted to CNY with exact rates, half to even:
    # 0.05 USD * 7.1 = 0.355 CNY -> 36 fen; 41 JPY / 20.5 = 2.00 CNY.
    cases.append(ledger_case(
        "mixed_currencies",
        ["r", "r", "r", "r"],
        ["parts", "paid_service", "quality_failure", "parts"],
        [5, 41, 100_00, 1_000],
        currencies=["USD", "JPY", "USD", "CNY"],
        rates=[{"from": "USD", "to": "CNY", "rate": "7.1"},
               {"from": "CNY", "to": "JPY", "rate": "20.5"}],
    ))
    assert cases[-1]["expected"][0]["by_category"]["parts"] == 36 + 1_000
    assert cases[-1]["expected"][0]["by_category"]["paid_service"] == 200
    # Categories are policy data: the defaults plus insurance commissions
    # (revenue) and a courtesy-car cost, with a target for the new revenue.
    policy = {c: "revenue" for c in REVENUE} | {c: "cost" for c in COST} | {
        "insurance": "revenue", "courtesy_car": "cost"}
    cases.append(ledger_case(
        "custom_categories",
        ["north", "north", "north", "south"],
        ["insurance", "parts", "courtesy_car", "insurance"],
        [30_000, 90_000, 45_000, 10_000],
        target_mix={"insurance": 0.2},
        policy=policy,
    ))
    n = cases[-1]["expected"][0]
    assert (n["revenue_minor"], n["cost_minor"]) == (120_000, 45_000)
    assert n["shares"]["insurance"] == 0.25 and n["gaps"]["insurance"] == 0.25 - 0.2
    return cases


# --------------------------------------------------------------- quadrant ----
def classify(c, b, ct=F(1, 2), bt=F(1, 2)):
    hc, hb = c >= ct, b >= bt
    return {(True, True): "growth_engine", (True, False): "value_island",
            (False, False): "cost_ruin", (False, True): "profit_extractor"}[(hc, hb)]


def quadrant_cases():
    pts = [
        (0.62, 0.30, 0.5, 0.5),
        (0.5, 0.5, 0.5, 0.5),  # on both thresholds: high, high
        (0.49, 0.5, 0.5, 0.5),
        (0.1, 0.2, 0.5, 0.5),
        (0.0, 1.0, 0.5, 0.5),
        (1.0, 0.0, 0.5, 0.5),
        (0.6, 0.6, 0.7, 0.4),  # custom thresholds
        (0.7, 0.3, 0.7, 0.4),
    ]
    return [{"customer_value": c, "business_value": b, "customer_threshold": ct,
             "business_threshold": bt,
             "quadrant": classify(F(c), F(b), F(ct), F(bt))} for c, b, ct, bt in pts]


KNOWN = {
    "nps": ("customer", -100, 100),
    "first_visit_resolution": ("customer", 0, 1),
    "margin": ("business", -1, 1),
    "input_output_ratio": ("business", 0, 2),
}


def normalize(v, low, high):
    x = (F(v) - F(low)) / (F(high) - F(low))
    return min(max(x, F(0)), F(1))


def quadrants_case():
    # Dealers by month; measures: nps (weight 2) and first-visit resolution
    # (weight 1) on the customer axis, margin and input-output ratio on the
    # business axis. d3 lacks its NPS in January: no quadrant that month.
    m1, m2 = ts(2025, 1, 15), ts(2025, 2, 15)
    dealer = ["d1", "d1", "d2", "d2", "d3", "d3", "d4"]
    time = [m1, m2, m1, m2, m1, m2, m1]
    cols = {
        "nps": [40, -10, -30, 0, None, 20, 0],
        "first_visit_resolution": [0.85, 0.55, 0.6, 0.7, 0.5, 0.4, 0.5],
        "margin": [-0.25, 0.1, 0.4, 0.2, -0.5, -0.1, 0],
        "input_output_ratio": [0.8, 1.2, 1.8, 1.3, 0.6, 0.9, 1],
    }
    weights = {"nps": 2, "first_visit_resolution": 1, "margin": 1, "input_output_ratio": 1}
    specs = [{"name": n, "axis": KNOWN[n][0], "weight": weights[n], "low": KNOWN[n][1],
              "high": KNOWN[n][2]} for n in cols]
    rows = {}
    for i in range(len(dealer)):
        rows[(dealer[i], period_start(time[i], "month").isoformat())] = i
    out = []
    prev = {}
    for key in sorted(rows):
        i = rows[key]
        axis = {}
        for ax in ("customer", "business"):
            num, den, missing = F(0), F(0), False
            for s in specs:
                if s["axis"] != ax:
                    continue
                v = cols[s["name"]][i]
                if v is None:
                    missing = True
                    break
                num += F(s["weight"]) * normalize(v, s["low"], s["high"])
                den += F(s["weight"])
            axis[ax] = None if missing else num / den
        q = None
        if axis["customer"] is not None and axis["business"] is not None:
            q = classify(axis["customer"], axis["business"])
        p = prev.get(key[0])
        out.append({
            "dealer": key[0], "period": key[1],
            "customer_value": fl(axis["customer"]), "business_value": fl(axis["business"]),
            "quadrant": q, "previous_quadrant": p,
            "moved": None if q is None or p is None else q != p,
        })
        prev[key[0]] = q
    # d4 sits exactly on both thresholds (NPS 0, FVR 0.5, margin 0, ratio 1).
    assert out[-1]["quadrant"] == "growth_engine" and out[-1]["customer_value"] == 0.5
    return {"input": {"dealer": dealer, "times": time, "period": "month", "measures": cols,
                      "specs": specs},
            "expected": out}


# -------------------------------------------------------------- lifecycle ----
def months_between(a: dt.date, b: dt.date) -> int:
    m = (b.year - a.year) * 12 + b.month - a.month
    return m - 1 if b.day < a.day else m


def mcf(fleet, events, as_of, horizons, confidence=0.95):
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    day = lambda t: dt.datetime.fromtimestamp(t, UTC).date()  # noqa: E731
    end = day(as_of)
    obs = {u: months_between(day(s), end) for u, s in zip(fleet["units"], fleet["sold"])
           if s <= as_of}
    sold = dict(zip(fleet["units"], fleet["sold"]))
    line_of = dict(zip(fleet["units"], fleet["product_lines"]))
    cost = {}
    nev = {}
    for u, t, a in zip(events["units"], events["at"], events["amounts_minor"]):
        if t > as_of:
            continue
        age = months_between(day(sold[u]), day(t))
        cost[(u, age)] = cost.get((u, age), 0) + a
        nev[(u, age)] = nev.get((u, age), 0) + 1
    out = []
    for line in sorted({line_of[u] for u in obs}):
        us = [u for u in obs if line_of[u] == line]
        top = max(obs[u] for u in us)
        m = F(0)
        s = {u: F(0) for u in us}
        ages = []
        for j in range(top + 1):
            risk = [u for u in us if obs[u] >= j]
            r = len(risk)
            d = sum(cost.get((u, j), 0) for u in risk)
            mean = F(d, r)
            m += mean
            for u in risk:
                s[u] += (cost.get((u, j), 0) - mean) / r
            se = math.sqrt(sum(x * x for x in s.values()))
            ages.append({"age_months": j, "at_risk": r,
                         "events": sum(nev.get((u, j), 0) for u in risk), "cost_minor": d,
                         "mean_cumulative_minor": float(m), "se": se,
                         "low": float(m) - z * se, "high": float(m) + z * se,
                         "_exact": m})
        costs = fleet.get("manufacturing_cost_minor") or [None] * len(fleet["units"])
        mc = [c for u, c in zip(fleet["units"], costs) if u in us and c is not None]
        mean_mc = F(sum(mc), len(mc)) if mc else None
        summary = {"product_line": line, "units": len(us), "max_age_months": top,
                   "manufacturing_cost_minor": fl(mean_mc)}
        for h in horizons:
            reach = top >= h
            a = ages[h - 1] if reach else None
            summary[f"cost_{h}m_minor"] = a["mean_cumulative_minor"] if a else None
            summary[f"share_of_manufacturing_{h}m"] = (
                fl(a["_exact"] / mean_mc) if a and mean_mc else None)
        # The curve is a step function: the library gives it at age 0, at
        # the ages with cost events, at the age before each horizon it
        # reaches and at the oldest age; the dense curve above is flat
        # between them (checked here).
        knots = {0, top} | {age for (u, age) in nev if u in us} | {
            h - 1 for h in horizons if top >= h}
        for j in range(1, top + 1):
            if j not in knots:
                assert ages[j]["mean_cumulative_minor"] == ages[j - 1]["mean_cumulative_minor"]
                assert ages[j]["se"] == ages[j - 1]["se"]
        dense = ages
        ages = [a for a in dense if a["age_months"] in knots]
        for a in ages:
            a.pop("_exact")
        out.append({"product_line": line, "ages": ages, "summary": summary})
    return out


def lifecycle_case():
    # Line A, hand-worked (as of 2025-01-15): u1 sold 2024-01-15 (observed
    # ages 0-12), u2 2024-06-15 (0-7), u3 2024-11-15 (0-2). Costs: u1 100 at
    # age 0 and 200 at age 5; u2 300 at age 1 and 400 at age 7; u3 50 at age
    # 2. At risk: 3 at ages 0-2, 2 at 3-7, 1 at 8-12. The MCF:
    #   M(0) = 100/3, M(1) = M(0) + 300/3 = 400/3, M(2) = 400/3 + 50/3 = 150,
    #   M(5) = 150 + 200/2 = 250, M(7) = 250 + 400/2 = 450, flat to age 12.
    # Line B: a unit 40 months old and a new one, manufacturing cost 10,000
    # and 12,000: the 36-month cost exists, the 60-month cost does not.
    fleet = {
        "units": ["u1", "u2", "u3", "b1", "b2", "b3"],
        "product_lines": ["A", "A", "A", "B", "B", "B"],
        "sold": [ts(2024, 1, 15), ts(2024, 6, 15), ts(2024, 11, 15), ts(2021, 9, 1),
                 ts(2024, 12, 20), ts(2025, 3, 1)],
        "manufacturing_cost_minor": [None, None, None, 10_000, 12_000, 9_000],
    }
    events = {
        "units": ["u1", "u1", "u2", "u2", "u3", "b1", "b1", "b2", "b1", "b3"],
        "at": [ts(2024, 1, 20), ts(2024, 6, 15, 9), ts(2024, 7, 30), ts(2025, 1, 15),
               ts(2025, 1, 15, 6), ts(2022, 3, 1), ts(2024, 8, 31), ts(2025, 1, 1),
               ts(2025, 1, 2), ts(2025, 3, 2)],
        "amounts_minor": [100, 200, 300, 400, 50, 2_500, 7_000, 600, 900, 100],
    }
    as_of = ts(2025, 1, 15, 12)
    lines = mcf(fleet, events, as_of, [36, 60])
    a = {x["age_months"]: x for x in lines[0]["ages"]}
    assert sorted(a) == [0, 1, 2, 5, 7, 12]  # event ages and the oldest age
    hand = {0: F(100, 3), 1: F(400, 3), 2: F(150), 5: F(250), 7: F(450), 12: F(450)}
    for age, want in hand.items():
        assert a[age]["mean_cumulative_minor"] == float(want), (age, a[age])
    assert [a[j]["at_risk"] for j in sorted(a)] == [3, 3, 3, 2, 2, 1]
    b = lines[1]["summary"]
    assert b["cost_36m_minor"] is not None and b["cost_60m_minor"] is None
    assert b["units"] == 2  # b3 is sold after as_of
    return {"input": {"fleet": fleet, "events": events, "as_of": as_of,
                      "horizons_months": [36, 60], "confidence": 0.95},
            "expected": lines}


# -------------------------------------------------------------------- bad ----
def bad_cases():
    return [
        {"function": "ledger", "what": "unknown category",
         "input": {"units": ["a", "a"], "categories": ["parts", "gifts"],
                   "amounts_minor": [1, 2]},
         "kind": "invalid_value", "name": "categories", "index": 1},
        {"function": "ledger", "what": "negative amount",
         "input": {"units": ["a", "a"], "categories": ["parts", "parts"],
                   "amounts_minor": [1, -2]},
         "kind": "invalid_value", "name": "amounts_minor", "index": 1},
        {"function": "ledger", "what": "line in USD without a rate",
         "input": {"units": ["a"], "categories": ["parts"], "amounts_minor": [1],
                   "currencies": ["USD"]},
         "kind": "invalid_argument", "name": "rates", "index": None},
        {"function": "ledger", "what": "engineers disagree within a group",
         "input": {"units": ["a", "a"], "categories": ["parts", "parts"],
                   "amounts_minor": [1, 2], "engineers": [2, 3]},
         "kind": "invalid_value", "name": "engineers", "index": 1},
        {"function": "quadrant", "what": "customer value above 1",
         "input": {"customer_value": 1.5, "business_value": 0.5},
         "kind": "invalid_argument", "name": "customer_value", "index": None},
        {"function": "quadrant", "what": "business value negative",
         "input": {"customer_value": 0.5, "business_value": -0.1},
         "kind": "invalid_argument", "name": "business_value", "index": None},
        {"function": "lifecycle", "what": "event before the sale",
         "input": {"units": ["u"], "product_lines": ["A"], "sold": [ts(2025, 1, 1)],
                   "event_units": ["u"], "at": [ts(2024, 12, 1)], "amounts_minor": [5]},
         "kind": "invalid_value", "name": "at", "index": 0},
        {"function": "lifecycle", "what": "event of an unknown unit",
         "input": {"units": ["u"], "product_lines": ["A"], "sold": [ts(2025, 1, 1)],
                   "event_units": ["u", "x"], "at": [ts(2025, 2, 1), ts(2025, 2, 1)],
                   "amounts_minor": [5, 5]},
         "kind": "invalid_value", "name": "event_units", "index": 1},
        {"function": "lifecycle", "what": "repeated unit id",
         "input": {"units": ["u", "u"], "product_lines": ["A", "A"],
                   "sold": [ts(2025, 1, 1), ts(2025, 1, 1)],
                   "event_units": [], "at": [], "amounts_minor": []},
         "kind": "invalid_value", "name": "units", "index": 1},
    ]


def main():
    data = {
        "about": "Service economics golden vectors; written by gen_econ_vectors.py "
                 "(independent oracle, never imports nps). Money in minor units.",
        "tolerance": 1e-9,
        "ledger": ledger_cases(),
        "quadrant": quadrant_cases(),
        "quadrants": quadrants_case(),
        "lifecycle": lifecycle_case(),
        "bad": bad_cases(),
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "econ_vectors.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, sort_keys=False)
        f.write("\n")


if __name__ == "__main__":
    main()
