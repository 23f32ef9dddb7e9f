#!/usr/bin/env python3
"""Golden vectors of the change tests for shares and counts (issue 16):
``compare_shares``, ``compare_counts`` and their adjusted families.

Writes ``tests/golden/change_vectors.json`` (schema: the "Change tests"
section of ``tests/golden/README.md``).

Independent oracle: mpmath at 50 digits, never nps.

- Shares: Newcombe's hybrid score interval (method 10 of Newcombe 1998)
  from Wilson intervals solved as the roots of the score equation (not the
  closed form the library uses), the pooled z test from the normal tails.
- Counts: the binomial tails summed exactly term by term (rationals turned
  into mpf), the Clopper–Pearson bounds of pi found with mpmath.findroot on
  those sums, mapped to the rate ratio.
- Families: Holm and Benjamini–Hochberg written out from their definitions.

Run from anywhere:  python3 tests/golden/gen_change_vectors.py
"""

from __future__ import annotations

import json
from pathlib import Path

import mpmath as mp

mp.mp.dps = 50
HERE = Path(__file__).resolve().parent
OUT = HERE / "change_vectors.json"

# The documented defaults (ChangeOptions, ChangeManyOptions in nps-core).
DEFAULTS = {"confidence": 0.95, "alternative": "two_sided", "adjust": "holm"}
# Relative tolerance of the readers (the library's tails are double
# precision sums; bisection reaches the neighbouring float).
RTOL = 1e-9


def z_of(conf):
    return mp.sqrt(2) * mp.erfinv(mp.mpf(conf))


def upper_normal(z):
    return mp.erfc(z / mp.sqrt(2)) / 2


def wilson_by_roots(k, n, z):
    """Both roots of (p̂ − π)² = z² π(1 − π)/n, solved as a quadratic in π
    with mpmath (a different route from the library's centre ± half)."""
    ph = mp.mpf(k) / n
    a = 1 + z * z / n
    b = -(2 * ph + z * z / n)
    c = ph * ph
    disc = mp.sqrt(b * b - 4 * a * c)
    return (-b - disc) / (2 * a), (-b + disc) / (2 * a)


def p_from_z(z, alternative):
    if alternative == "greater":
        return upper_normal(z)
    if alternative == "less":
        return upper_normal(-z)
    return min(mp.mpf(1), 2 * upper_normal(abs(z)))


def shares(k1, n1, k2, n2, conf=0.95, alternative="two_sided"):
    z = z_of(conf)
    p1, p2 = mp.mpf(k1) / n1, mp.mpf(k2) / n2
    l1, u1 = wilson_by_roots(k1, n1, z)
    l2, u2 = wilson_by_roots(k2, n2, z)
    d = p1 - p2
    low = d - mp.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + mp.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    pooled = mp.mpf(k1 + k2) / (n1 + n2)
    var = pooled * (1 - pooled) * (mp.mpf(1) / n1 + mp.mpf(1) / n2)
    stat = d / mp.sqrt(var) if var > 0 else mp.mpf(0)
    p = p_from_z(stat, alternative)
    return {
        "first": float(p1), "second": float(p2), "difference": float(d),
        "low": float(low), "high": float(high), "statistic": float(stat),
        "p_value": float(p), "ln_p_value": float(mp.log(p)),
        "ratio": float(p1 / p2) if k2 > 0 else None,
    }


def binom_tails(k, n, pi):
    """(P(X ≤ k), P(X ≥ k)) summed term by term at 50 digits."""
    pmf = [mp.binomial(n, j) * pi ** j * (1 - pi) ** (n - j) for j in range(n + 1)]
    return mp.fsum(pmf[: k + 1]), mp.fsum(pmf[k:])


def counts(c1, c2, e1=1.0, e2=1.0, conf=0.95, alternative="two_sided"):
    n = c1 + c2
    half = (1 - mp.mpf(conf)) / 2
    e1m, e2m = mp.mpf(e1), mp.mpf(e2)

    def solve(f, lo, hi):
        # Bisection at 50 digits (the tails are monotone in pi).
        for _ in range(200):
            mid = (lo + hi) / 2
            if f(mid) < 0:
                lo = mid
            else:
                hi = mid
        return (lo + hi) / 2

    pi_low = mp.mpf(0) if c1 == 0 else solve(
        lambda x: binom_tails(c1, n, x)[1] - half, mp.mpf(0), mp.mpf(1))
    pi_high = mp.mpf(1) if c1 == n else solve(
        lambda x: half - binom_tails(c1, n, x)[0], mp.mpf(0), mp.mpf(1))

    def to_ratio(pi):
        return mp.inf if pi == 1 else pi / (1 - pi) * e2m / e1m

    lower, upper = binom_tails(c1, n, e1m / (e1m + e2m))
    if alternative == "greater":
        p = upper
    elif alternative == "less":
        p = lower
    else:
        p = min(mp.mpf(1), 2 * min(lower, upper))
    r1, r2 = mp.mpf(c1) / e1m, mp.mpf(c2) / e2m
    ratio = mp.inf if c2 == 0 else r1 / r2

    def fl(x):
        return None if x == mp.inf else float(x)

    return {
        "first_rate": float(r1), "second_rate": float(r2),
        "ratio": fl(ratio), "change": fl(ratio - 1 if ratio != mp.inf else mp.inf),
        "low": fl(to_ratio(pi_low)), "high": fl(to_ratio(pi_high)),
        "p_value": float(p), "ln_p_value": float(mp.log(p)),
    }


def adjust(ps, method):
    m = len(ps)
    order = sorted(range(m), key=lambda i: (ps[i], i))
    out = [None] * m
    if method == "holm":
        run = mp.mpf(0)
        for r, i in enumerate(order, start=1):
            run = max(run, min(mp.mpf(1), (m - r + 1) * ps[i]))
            out[i] = run
    elif method == "bh":
        run = mp.mpf(1)
        for r in range(m, 0, -1):
            i = order[r - 1]
            run = min(run, min(mp.mpf(1), mp.mpf(m) / r * ps[i]))
            out[i] = run
    else:
        out = list(ps)
    return out


def main():
    share_cases = [
        # (name, k1, n1, k2, n2, confidence, alternative)
        ("negative posts 38 % against 15 % (source 003)", 38, 100, 15, 100, 0.95, "two_sided"),
        ("Newcombe 1998 example (a): 56/70 - 48/80", 56, 70, 48, 80, 0.95, "two_sided"),
        ("Newcombe 1998 example (g): 0/10 - 0/20", 0, 10, 0, 20, 0.95, "two_sided"),
        ("all and none", 10, 10, 0, 10, 0.95, "two_sided"),
        ("one-sided greater, 90 %", 45, 200, 30, 210, 0.90, "greater"),
        ("one-sided less", 45, 200, 30, 210, 0.95, "less"),
        ("large samples, small change", 15_300, 100_000, 15_000, 100_000, 0.99, "two_sided"),
    ]
    count_cases = [
        # (name, c1, c2, e1, e2, confidence, alternative)
        ("complaints +127 % year on year (source 000)", 227, 100, 1.0, 1.0, 0.95, "two_sided"),
        ("equal counts", 40, 40, 1.0, 1.0, 0.95, "two_sided"),
        ("per visits: 30 in 1,200 against 20 in 1,500", 30, 20, 1200.0, 1500.0, 0.95, "two_sided"),
        ("none this year", 0, 7, 1.0, 1.0, 0.95, "two_sided"),
        ("none last year", 5, 0, 1.0, 1.0, 0.95, "two_sided"),
        ("one-sided greater, 90 %", 12, 5, 2.0, 1.5, 0.90, "greater"),
        ("one-sided less", 12, 5, 2.0, 1.5, 0.95, "less"),
        ("a rare event", 1, 0, 0.5, 3.0, 0.95, "two_sided"),
        ("hundreds", 520, 480, 1.0, 1.0, 0.99, "two_sided"),
    ]
    out = {
        "defaults": DEFAULTS,
        "rtol": RTOL,
        "shares": [],
        "counts": [],
        "shares_many": [],
        "counts_many": [],
    }
    for name, k1, n1, k2, n2, conf, alt in share_cases:
        out["shares"].append({
            "name": name, "first": [k1, n1], "second": [k2, n2],
            "confidence": conf, "alternative": alt,
            "expected": shares(k1, n1, k2, n2, conf, alt),
        })
    for name, c1, c2, e1, e2, conf, alt in count_cases:
        out["counts"].append({
            "name": name, "first": [c1, e1], "second": [c2, e2],
            "confidence": conf, "alternative": alt,
            "expected": counts(c1, c2, e1, e2, conf, alt),
        })
    # Families: dealers' negative shares against the region, and complaint
    # counts per dealer against last year.
    fam_shares = [(38, 100, 15, 100), (16, 100, 15, 100), (30, 120, 20, 110), (9, 50, 10, 50)]
    fam_counts = [(227, 100, 1.0, 1.0), (60, 50, 1.0, 1.0), (12, 30, 1.0, 1.0)]
    for method in ("holm", "bh", "none"):
        ps = [p_from_z(mp.mpf(shares(*t)["statistic"]), "two_sided") for t in fam_shares]
        adj = adjust(ps, method)
        out["shares_many"].append({
            "name": f"four dealers ({method})", "adjust": method, "confidence": 0.95,
            "pairs": [[[a, b], [c, d]] for a, b, c, d in fam_shares],
            "p_adjusted": [float(x) for x in adj],
            "significant": [bool(x <= mp.mpf("0.05")) for x in adj],
        })
        cps = []
        for c1, c2, e1, e2 in fam_counts:
            n = c1 + c2
            lower, upper = binom_tails(c1, n, mp.mpf(e1) / (e1 + e2))
            cps.append(min(mp.mpf(1), 2 * min(lower, upper)))
        adj = adjust(cps, method)
        out["counts_many"].append({
            "name": f"three dealers' complaints ({method})", "adjust": method, "confidence": 0.95,
            "pairs": [[[c1, e1], [c2, e2]] for c1, c2, e1, e2 in fam_counts],
            "p_adjusted": [float(x) for x in adj],
            "significant": [bool(x <= mp.mpf("0.05")) for x in adj],
        })
    OUT.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
