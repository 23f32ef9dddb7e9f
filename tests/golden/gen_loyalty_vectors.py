#!/usr/bin/env python3
"""Golden vectors of customer value and loyalty (issue 16): outcomes by
score band (rates, lifts, tests, censoring), customer and recovery value,
the high-value customer rule and the ranking of open cases by value.

Writes ``tests/golden/loyalty_vectors.json`` (schema: the "Loyalty"
section of ``tests/golden/README.md``).

Independent oracle: mpmath at 50 digits and fractions, never nps.

- Rates: Wilson's interval as the two roots of the score equation.
- Lift: Koopman's score interval of a ratio of proportions, found the long
  way: the constrained maximum-likelihood share solved from the score
  equation of the log-likelihood by bisection (not the quadratic the
  library uses), then the bounds by bisection of U(theta) = z^2 on
  ln theta. Checked against Koopman's (1984) published example
  (36/40 against 16/80: 2.94 to 7.15).
- Test: the pooled z test from the normal tails.
- Value: the annuity summed year by year with fractions (whole years) or
  mpmath (fractional years), rounded half away from zero.

Run from anywhere:  python3 tests/golden/gen_loyalty_vectors.py
"""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction
from pathlib import Path

import mpmath as mp

mp.mp.dps = 50
HERE = Path(__file__).resolve().parent
OUT = HERE / "loyalty_vectors.json"

CATEGORY_BANDS = [["detractor", 0, 6], ["passive", 7, 8], ["promoter", 9, 10]]
DEFAULTS = {
    "confidence": 0.95,
    "bands": CATEGORY_BANDS,
    "reference": "detractor",
    "margin": 1.0,
    "years": 1.0,
    "discount_rate": 0.0,
    "referral_value_minor": 0,
    "currency": "CNY",
    "high_value": {"annual_kwh_above": 5000.0,
                   "annual_spend_at_least": {"minor": 660000, "currency": "CNY"}},
}
RTOL = 1e-9


def z_of(conf):
    return mp.sqrt(2) * mp.erfinv(mp.mpf(conf))


def wilson(k, n, z):
    ph = mp.mpf(k) / n
    a = 1 + z * z / n
    b = -(2 * ph + z * z / n)
    c = ph * ph
    disc = mp.sqrt(max(b * b - 4 * a * c, 0))
    return max((-b - disc) / (2 * a), 0), min((-b + disc) / (2 * a), 1)


def bisect(f, lo, hi, steps=400):
    """The root of f on [lo, hi] (f(lo), f(hi) of opposite signs)."""
    flo = f(lo)
    for _ in range(steps):
        mid = (lo + hi) / 2
        fm = f(mid)
        if (fm < 0) == (flo < 0):
            lo, flo = mid, fm
        else:
            hi = mid
    return (lo + hi) / 2


def constrained_p2(x1, n1, x2, n2, theta):
    """argmax over p2 of the log-likelihood with p1 = theta * p2, by
    bisection on its derivative (decreasing in p2)."""
    top = min(mp.mpf(1), 1 / theta)
    eps = mp.mpf(10) ** -45

    def score(p):
        p1 = theta * p
        s = mp.mpf(0)
        s += x1 / p if x1 else 0
        s -= (n1 - x1) * theta / (1 - p1) if n1 - x1 else 0
        s += x2 / p if x2 else 0
        s -= (n2 - x2) / (1 - p) if n2 - x2 else 0
        return s

    lo, hi = eps, top * (1 - eps)
    if score(hi) > 0:
        return hi
    return bisect(score, lo, hi)


def koopman_u(x1, n1, x2, n2, theta):
    p2 = constrained_p2(x1, n1, x2, n2, theta)
    p1 = theta * p2

    def term(x, n, p):
        d = x - n * p
        v = n * p * (1 - p)
        if abs(d) < mp.mpf(10) ** -40:
            return mp.mpf(0)
        return d * d / v

    return term(x1, n1, p1) + term(x2, n2, p2)


def koopman(x1, n1, x2, n2, z):
    crit = z * z
    est = (max(mp.mpf(x1), mp.mpf("0.5")) / n1) / (max(mp.mpf(x2), mp.mpf("0.5")) / n2)
    centre = mp.log(est)
    if x1 == 0:
        while koopman_u(x1, n1, x2, n2, mp.exp(centre)) > crit:
            centre -= 1
    if x2 == 0:
        while koopman_u(x1, n1, x2, n2, mp.exp(centre)) > crit:
            centre += 1

    def g(t):
        return koopman_u(x1, n1, x2, n2, mp.exp(t)) - crit

    def bound(step):
        t = centre
        while g(t + step) <= 0:
            t += step
        return mp.exp(bisect(g, t, t + step, 200))

    low = mp.mpf(0) if x1 == 0 else bound(-1)
    high = None if x2 == 0 else bound(1)
    return low, high


def pooled_p(x1, n1, x2, n2):
    p1, p2 = mp.mpf(x1) / n1, mp.mpf(x2) / n2
    pooled = mp.mpf(x1 + x2) / (n1 + n2)
    var = pooled * (1 - pooled) * (mp.mpf(1) / n1 + mp.mpf(1) / n2)
    if var == 0:
        return mp.mpf(1)
    zs = abs(p1 - p2) / mp.sqrt(var)
    return min(mp.mpf(1), mp.erfc(zs / mp.sqrt(2)))


def f(x):
    return None if x is None else float(x)


def outcome_rows(scores, outcomes, until=None, as_of=None, bands=None, reference=None,
                 confidence=0.95, keys=None):
    bands = sorted(bands or CATEGORY_BANDS, key=lambda b: b[1])
    ref = 0 if reference is None else [b[0] for b in bands].index(reference)
    z = z_of(confidence)
    groups = sorted(set(keys)) if keys else [None]
    rows = []
    for g in groups:
        counts = []
        for name, lo, hi in bands:
            n = k = cens = 0
            for i, s in enumerate(scores):
                if keys and keys[i] != g:
                    continue
                if not lo <= s <= hi:
                    continue
                if until is not None and until[i] > as_of:
                    cens += 1
                else:
                    n += 1
                    k += 1 if outcomes[i] else 0
            counts.append((n, k, cens))
        rn, rk, _ = counts[ref]
        for j, ((name, _, _), (n, k, cens)) in enumerate(zip(bands, counts)):
            row = {"key": g, "band": name, "n": n, "outcomes": k, "censored": cens,
                   "rate": None, "low": None, "high": None, "lift": None,
                   "lift_low": None, "lift_high": None, "p_value": None}
            if n:
                row["rate"] = f(mp.mpf(k) / n)
                lo_, hi_ = wilson(k, n, z)
                row["low"], row["high"] = f(lo_), f(hi_)
            if j == ref:
                if n:
                    row["lift"] = 1.0
            elif n and rn:
                if rk:
                    row["lift"] = f((mp.mpf(k) / n) / (mp.mpf(rk) / rn))
                if k + rk:
                    lo_, hi_ = koopman(k, n, rk, rn, z)
                    row["lift_low"], row["lift_high"] = f(lo_), f(hi_)
                row["p_value"] = f(pooled_p(k, n, rk, rn))
            rows.append(row)
    return rows


class Lcg:
    """A small deterministic generator (numbers written into the JSON)."""

    def __init__(self, seed):
        self.s = seed

    def next(self):
        self.s = (self.s * 6364136223846793005 + 1442695040888963407) % 2**64
        return self.s >> 33

    def unit(self):
        return self.next() / 2**31


def sample(n, seed):
    r = Lcg(seed)
    scores, outcomes = [], []
    for _ in range(n):
        s = int(r.unit() * 11)
        p = 0.12 if s <= 6 else 0.22 if s <= 8 else 0.34
        scores.append(s)
        outcomes.append(r.unit() < p)
    return scores, outcomes


def round_half_away(x):
    x = mp.mpf(x)
    return int(mp.floor(abs(x) + mp.mpf("0.5"))) * (1 if x >= 0 else -1)


def annuity(years, rate):
    y, r = Fraction(years), Fraction(rate)
    if r == 0:
        return mp.mpf(y.numerator) / y.denominator
    if y.denominator == 1:
        return sum((mp.mpf(1) / (1 + mp.mpf(rate)) ** t for t in range(1, int(y) + 1)), mp.mpf(0))
    rr = mp.mpf(rate)
    return (1 - (1 + rr) ** (-mp.mpf(years))) / rr


def value(spend, referrals, margin, years, rate, referral_value):
    fac = annuity(years, rate)
    own = round_half_away(mp.mpf(spend) * mp.mpf(margin) * fac)
    ref = round_half_away(mp.mpf(referrals) * referral_value)
    return {"own_minor": own, "referral_minor": ref, "total_minor": own + ref,
            "annuity_factor": float(fac)}


def main():
    z95 = z_of(0.95)
    lo, hi = koopman(36, 40, 16, 80, z95)
    assert abs(lo - mp.mpf("2.94")) < 0.01 and abs(hi - mp.mpf("7.15")) < 0.01, (lo, hi)

    out = {"rtol": RTOL, "defaults": {}, "outcome": [], "outcome_errors": [],
           "value": [], "value_errors": [], "high_value": [], "rank": []}

    scores, outcomes = sample(60, 16)
    out["defaults"] = {
        "options": DEFAULTS,
        "outcome": {"scores": scores, "outcomes": outcomes,
                    "rows": outcome_rows(scores, outcomes)},
        "value": {"annual_spend_minor": 660000, "referrals": 0,
                  **value(660000, 0, 1, 1, 0, 0)},
    }

    def case(name, scores, outcomes, **kw):
        v = {"name": name, "scores": scores, "outcomes": outcomes}
        for k in ("until", "as_of", "bands", "reference", "confidence", "keys"):
            if k in kw:
                v["observed_until" if k == "until" else k] = kw[k]
        v["rows"] = outcome_rows(scores, outcomes, **kw)
        out["outcome"].append(v)

    case("categories", scores, outcomes)
    s2, o2 = sample(200, 7)
    case("eight_or_more", s2, o2, bands=[["0-7", 0, 7], ["8-10", 8, 10]], reference="0-7")
    case("promoter_reference_90", s2, o2, reference="promoter", confidence=0.9)
    # Koopman's example: 36 of 40 high scorers against 16 of 80 low scorers.
    ks = [9] * 40 + [3] * 80
    ko = [True] * 36 + [False] * 4 + [True] * 16 + [False] * 64
    case("koopman_example", ks, ko, bands=[["low", 0, 7], ["high", 8, 10]])
    # Zero counts: no detractor repurchased; no passive either.
    zs = [1, 2, 3, 7, 8, 9, 10, 10]
    zo = [False, False, False, False, False, True, False, True]
    case("zero_counts", zs, zo)
    zo2 = [True, False, False, False, False, False, False, False]
    case("nothing_above_reference", zs, zo2)
    # Censoring: windows ending after as_of are left out and counted.
    r = Lcg(3)
    until = [1_750_000_000 + int(r.unit() * 40) * 86400 for _ in s2]
    case("censored", s2, o2, until=until, as_of=1_750_000_000 + 20 * 86400)
    keys = ["D1" if i % 3 else "D2" for i in range(len(s2))]
    case("by_dealer", s2, o2, keys=keys, bands=[["0-7", 0, 7], ["8-10", 8, 10]])

    e = out["outcome_errors"]
    e.append({"name": "score_out_of_range", "scores": [9, 3, 11], "outcomes": [True, False, True],
              "kind": "invalid_score", "index": 2})
    e.append({"name": "score_not_whole", "scores": [9, 7.5], "outcomes": [True, False],
              "kind": "invalid_score", "index": 1})
    e.append({"name": "bands_overlap", "scores": [9], "outcomes": [True],
              "bands": [["low", 0, 8], ["high", 8, 10]], "kind": "invalid_argument",
              "argument": "bands"})
    e.append({"name": "bands_gap", "scores": [9], "outcomes": [True],
              "bands": [["low", 0, 6], ["high", 8, 10]], "kind": "invalid_argument",
              "argument": "bands"})
    e.append({"name": "unknown_reference", "scores": [9], "outcomes": [True],
              "reference": "nobody", "kind": "invalid_argument", "argument": "reference"})
    e.append({"name": "until_without_as_of", "scores": [9], "outcomes": [True],
              "observed_until": [5], "kind": "invalid_argument", "argument": "as_of"})
    e.append({"name": "outcomes_short", "scores": [9, 8], "outcomes": [True],
              "kind": "length_mismatch"})

    referral = 22_100_000  # 221,000 CNY: (480,000 - 38,000) / 2
    vals = [
        # name, spend, referrals, margin, years, rate, referral value
        ("wang_recovered", 3_800_000, 2, 1, 1, 0, referral),          # ≈ 480,000
        ("li_recovered", 4_500_000, 3, 1, 1, 0, referral),            # 708,000
        ("li_service_year", 3 * 220_000, 0, 1, 1, 0, 0),              # 6,600 a year
        ("li_service_5y_30pct_8pct", 3 * 220_000, 0, 0.3, 5, 0.08, 0),
        ("fractional_years", 1_234_567, 0.35, 0.25, 2.5, 0.05, 1_000_000),
        ("negative_rate", 500_000, 1.5, 0.4, 3, -0.02, 300_001),
        ("no_years", 500_000, 0, 0.4, 0, 0.1, 0),
    ]
    for name, sp, rf, m, y, rt, rv in vals:
        out["value"].append({"name": name, "annual_spend_minor": sp, "referrals": rf,
                             "margin": m, "years": y, "discount_rate": rt,
                             "referral_value_minor": rv, **value(sp, rf, m, y, rt, rv)})
    ve = out["value_errors"]
    base = {"annual_spend_minor": 100, "referrals": 0, "margin": 0.5, "years": 2,
            "discount_rate": 0, "referral_value_minor": 0}
    for name, change, arg in [
        ("negative_years", {"years": -1}, "years"),
        ("discount_minus_one", {"discount_rate": -1}, "discount_rate"),
        ("margin_above_one", {"margin": 1.5}, "margin"),
        ("negative_spend", {"annual_spend_minor": -5}, "annual_spend_minor"),
        ("negative_referrals", {"referrals": -1}, "referrals"),
        ("negative_referral_value", {"referral_value_minor": -1}, "referral_value_minor"),
    ]:
        ve.append({"name": name, **base, **change, "kind": "invalid_argument", "argument": arg})

    out["high_value"].append({
        "name": "default_rule", "rule": None,
        "annual_kwh": [5200.0, 5000.0, None, 100.0, None],
        "annual_spend_minor": [None, None, 660000, 659999, None],
        "expected": [True, False, True, False, False]})
    out["high_value"].append({
        "name": "spend_only", "rule": {"annual_kwh_above": None,
                                        "annual_spend_at_least": {"minor": 1000000, "currency": "CNY"}},
        "annual_kwh": [9000.0, 10.0],
        "annual_spend_minor": [999999, 1000000],
        "expected": [False, True]})

    # Two open cases (opened 2 h and 30 h before now): 0.85 x 480,000
    # against 0.40 x 708,000.
    now = 1_749_819_600
    def opened(cid, at):
        iso = dt.datetime.fromtimestamp(at, tz=dt.timezone.utc).isoformat()
        return {"id": cid, "events": [{"kind": "opened", "at": iso, "score": 2, "reason": "waiting",
                                       "high_value": False, "public_opinion_risk": False}]}
    out["rank"].append({
        "name": "wang_and_li", "now": now,
        "cases": [opened("wang", now - 2 * 3600), opened("li", now - 30 * 3600)],
        "annual_spend_minor": [3_800_000, 4_500_000], "referrals": [2, 3],
        "referral_value_minor": referral,
        "expected": [{"case_id": "wang", "value": 48_000_000.0, "probability": 0.85,
                      "expected": float(mp.mpf(48_000_000) * mp.mpf("0.85"))},
                     {"case_id": "li", "value": 70_800_000.0, "probability": 0.4,
                      "expected": float(mp.mpf(70_800_000) * mp.mpf("0.4"))}]})

    OUT.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
