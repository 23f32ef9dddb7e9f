#!/usr/bin/env python3
"""Independent oracle for the nps golden vectors.

Writes ``tests/golden/vectors.json`` (schema: see ``tests/golden/README.md``).

This script uses the Python standard library only (``fractions``,
``decimal``, ``math``, ``statistics.NormalDist``, ``zoneinfo``) and never
imports or calls the nps library: every expected value is computed here from
the formulas of SPEC §3, in exact rational arithmetic where the formula is
rational and in 50-digit decimal arithmetic where it needs a square root or
a root finder. Only the normal quantile (``NormalDist.inv_cdf``) and the
complementary error function (``math.erfc``) are double precision.

Run from anywhere:  python3 tests/golden/gen_vectors.py
The output is deterministic (byte-identical on every run).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from decimal import Decimal, getcontext
from fractions import Fraction as Fr
from pathlib import Path
from statistics import NormalDist
from zoneinfo import ZoneInfo

getcontext().prec = 50

GENERATOR = "tests/golden/gen_vectors.py"
OUT = Path(__file__).resolve().parent / "vectors.json"

TOL_CLOSED = 1e-9  # closed forms (points)
TOL_ROOT = 1e-7  # root-found bounds (points)
P_RTOL = 1e-12  # libm erfc is ~1 ulp; the statistic itself carries ~1e-15
P_RTOL_TINY = 1e-10

SQRT2 = math.sqrt(2.0)

# --------------------------------------------------------------------------
# Small numeric helpers
# --------------------------------------------------------------------------


def z_of(conf: float) -> float:
    """Two-sided normal quantile, exactly as the spec defines it."""
    return NormalDist().inv_cdf(0.5 + conf / 2)


def dec(x) -> Decimal:
    """A Fraction / int / float as a Decimal (floats exactly)."""
    if isinstance(x, Fr):
        return Decimal(x.numerator) / Decimal(x.denominator)
    return Decimal(x)


def fsqrt(x: Fr) -> Decimal:
    return dec(x).sqrt()


def category(s: int) -> int:
    """0 = detractor, 1 = passive, 2 = promoter."""
    if 0 <= s <= 6:
        return 0
    if s <= 8:
        return 1
    return 2


def valid_score(v):
    """The score 0..10 a JSON value stands for, or None if invalid."""
    if isinstance(v, str):  # "NaN"
        return None
    if isinstance(v, float):
        if not math.isfinite(v) or v != int(v):
            return None
        v = int(v)
    return v if 0 <= v <= 10 else None


def unit_stats(d3):
    """NPS (±1 scale), per-respondent variance V and n from category
    counts (ints or Fractions). Everything exact."""
    D, Pa, P = (Fr(x) for x in d3)
    n = D + Pa + P
    d, p = D / n, P / n
    return p - d, p + d - (p - d) ** 2, n


# --------------------------------------------------------------------------
# Tallies
# --------------------------------------------------------------------------


def tally_vector(name, *, scores=None, counts=None, categories=None, weights=None, invalid=None):
    v = {"name": name}
    if scores is not None:
        v["input"] = {"scores": scores}
    elif counts is not None:
        v["input"] = {"counts": counts}
    else:
        v["input"] = {"categories": categories}
    if weights is not None:
        v["weights"] = weights
    if invalid is not None:
        v["invalid"] = invalid
    policy = invalid or "raise"

    # ---- build the per-score counts (and weights), or the error ----
    error = None
    skipped = 0
    per_score = [0] * 11
    wsum = [Fr(0)] * 11
    wsq = [Fr(0)] * 11
    cats = None
    if scores is not None:
        if weights is not None:
            assert len(weights) == len(scores)
        for i, raw in enumerate(scores):
            if weights is not None:
                w = weights[i]
                if not (math.isfinite(w) and w >= 0):
                    error = {"kind": "invalid_weight", "index": i}
                    break
            s = valid_score(raw)
            if s is None:
                if policy == "raise":
                    error = {"kind": "invalid_score", "index": i}
                    break
                skipped += 1
                continue
            per_score[s] += 1
            if weights is not None:
                wsum[s] += Fr(weights[i])
                wsq[s] += Fr(weights[i]) ** 2
    elif counts is not None:
        assert len(counts) == 11
        per_score = list(counts)
    else:
        cats = list(categories)

    if error is not None:
        v["error"] = error
        v["tol"] = TOL_CLOSED
        return v

    if cats is None:
        cats = [0, 0, 0]
        for s in range(11):
            cats[category(s)] += per_score[s]
    n = sum(cats)
    e = {"n": n}

    if weights is None:
        e["detractors"], e["passives"], e["promoters"] = cats
        e["skipped"] = skipped
        if n == 0:
            e.update(nps=None, mean=None, variance=None, se=None)
        else:
            nps, var, nn = unit_stats(cats)
            e["nps"] = float(100 * nps)
            e["mean"] = (
                None
                if categories is not None
                else float(Fr(sum(s * k for s, k in enumerate(per_score)), n))
            )
            e["variance"] = float(var * 10**4)
            e["se"] = float(100 * fsqrt(var / nn))
    else:
        wc = [Fr(0)] * 3
        for s in range(11):
            wc[category(s)] += wsum[s]
        sw = sum(wc)
        sw2 = sum(wsq)
        e["detractors"], e["passives"], e["promoters"] = (float(x) for x in wc)
        e["skipped"] = skipped
        if sw == 0:
            e.update(nps=None, mean=None, variance=None, se=None, effective_n=0.0)
        else:
            n_eff = sw * sw / sw2
            d, p = wc[0] / sw, wc[2] / sw
            var = p + d - (p - d) ** 2
            e["nps"] = float(100 * (p - d))
            e["mean"] = float(sum(s * wsum[s] for s in range(11)) / sw)
            e["variance"] = float(var * 10**4)
            e["se"] = float(100 * fsqrt(var / n_eff))
            e["effective_n"] = float(n_eff)
    v["expect"] = e
    v["tol"] = TOL_CLOSED
    return v


def tallies():
    out = []
    # Textbook (1, 2, 3): NPS 33.33, V = 5/9 (x 10^4), SE 30.43.
    out.append(tally_vector("textbook_123_categories", categories=[1, 2, 3]))
    out.append(tally_vector("textbook_123_scores", scores=[3, 7, 8, 9, 10, 10]))
    out.append(
        tally_vector("textbook_123_counts", counts=[0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 2])
    )
    out.append(tally_vector("textbook_123_float_scores", scores=[3.0, 7.0, 8.0, 9.0, 10.0, 10.0]))
    # n = 1 of each category, each form.
    for label, s in (("detractor", 0), ("passive", 7), ("promoter", 10)):
        out.append(tally_vector(f"n1_{label}_scores", scores=[s]))
        c = [0] * 11
        c[s] = 1
        out.append(tally_vector(f"n1_{label}_counts", counts=c))
        cat = [0, 0, 0]
        cat[category(s)] = 1
        out.append(tally_vector(f"n1_{label}_categories", categories=cat))
    # All one category.
    out.append(tally_vector("all_promoters_30", categories=[0, 0, 30]))
    out.append(tally_vector("all_passives_5", categories=[0, 5, 0]))
    out.append(tally_vector("all_detractors_scores", scores=[0, 1, 2, 3, 4, 5, 6]))
    # Every score once.
    out.append(tally_vector("every_score_once", scores=list(range(11))))
    out.append(tally_vector("every_score_once_counts", counts=[1] * 11))
    # Larger counts.
    out.append(
        tally_vector(
            "large_counts",
            counts=[
                1_000_003, 17, 2_000_000_011, 5, 0, 123_456_789, 987_654_321,
                3_000_000_019, 1, 4_000_000_007, 5_555_555_555,
            ],
        )
    )
    out.append(tally_vector("month_last_45", categories=[40, 30, 130]))
    out.append(tally_vector("month_this_52", categories=[36, 24, 140]))
    # Empty input: no data (never 0, never NaN).
    out.append(tally_vector("empty_scores", scores=[]))
    out.append(tally_vector("empty_counts", counts=[0] * 11))
    out.append(tally_vector("empty_categories", categories=[0, 0, 0]))
    # Invalid scores: raise names the first invalid row; skip counts them.
    out.append(tally_vector("invalid_minus1_raise", scores=[9, 10, -1, 7], invalid="raise"))
    out.append(tally_vector("invalid_11_raise", scores=[11, 9], invalid="raise"))
    out.append(tally_vector("invalid_6_5_raise", scores=[9.0, 6.5, 10.0]))
    out.append(tally_vector("invalid_nan_raise", scores=[10, 8, 6, "NaN"]))
    mixed = [10, 9, 11, 0, -1, 6.5, "NaN", 7, 8, 10.0, 3]
    out.append(tally_vector("invalid_mixed_raise_first_index", scores=mixed, invalid="raise"))
    out.append(tally_vector("invalid_mixed_skip", scores=mixed, invalid="skip"))
    out.append(tally_vector("invalid_minus1_skip", scores=[9, 10, -1, 7], invalid="skip"))
    out.append(tally_vector("invalid_11_skip", scores=[11, 9], invalid="skip"))
    out.append(tally_vector("invalid_6_5_skip", scores=[9.0, 6.5, 10.0], invalid="skip"))
    out.append(tally_vector("invalid_nan_skip", scores=[10, 8, 6, "NaN"], invalid="skip"))
    out.append(
        tally_vector("all_invalid_skip_is_no_data", scores=["NaN", 11, -1, 0.5], invalid="skip")
    )
    # Weighted: weighted shares, Kish effective n, SE with n_eff.
    ws = [10, 9, 8, 7, 6, 0, 10, 3, 9]
    ww = [2.0, 1.0, 0.5, 1.5, 1.0, 3.0, 0.25, 1.0, 2.0]
    out.append(tally_vector("weighted_basic", scores=ws, weights=ww))
    out.append(tally_vector("weighted_doc_example", scores=[10, 0, 9], weights=[2.0, 1.0, 1.0]))
    out.append(
        tally_vector("weighted_unit_weights_equal_unweighted", scores=[3, 7, 8, 9, 10, 10],
                     weights=[1.0] * 6)
    )
    out.append(
        tally_vector(
            "weighted_zero_weight_row",
            scores=[10, 0, 9, 7],
            weights=[1.0, 1.0, 0.0, 2.0],
        )
    )
    out.append(
        tally_vector(
            "weighted_skip_invalid_score",
            scores=[10, "NaN", 9, 7, 11],
            weights=[1.0, 5.0, 2.0, 0.5, 1.0],
            invalid="skip",
        )
    )
    out.append(
        tally_vector(
            "weighted_negative_weight",
            scores=[10, 9, 8, 0],
            weights=[1.0, 1.0, -0.5, 1.0],
        )
    )
    out.append(
        tally_vector(
            "weighted_negative_weight_skip",
            scores=[10, 9, 8, 0],
            weights=[1.0, 1.0, 1.0, -2.0],
            invalid="skip",
        )
    )
    out.append(
        tally_vector(
            "weighted_invalid_score_raise",
            scores=[10, 9, 12, 0],
            weights=[1.0, 1.0, 1.0, 1.0],
        )
    )
    return out


# --------------------------------------------------------------------------
# Tango's score interval (derived here; see README.md)
# --------------------------------------------------------------------------
#
# Under H: p - d = delta the log-likelihood of the trinomial sample is
#   l(d) = D ln d + P ln(d + delta) + Pa ln(1 - 2d - delta),
# concave on max(0, -delta) < d < (1 - delta)/2. Setting l'(d) = 0 and
# multiplying by d (d + delta)(1 - 2d - delta) gives
#   2n d^2 - B d - D delta (1 - delta) = 0,
#   B = D (1 - 3 delta) + P (1 - delta) - 2 Pa delta,
# whose root in the feasible interval is the restricted MLE. The score
# statistic is Z(delta) = (est - delta) / sqrt((p~ + d~ - delta^2) / n)
# and the interval is {delta : |Z(delta)| <= z}.


def restricted_d(D, Pa, P, delta: Decimal) -> Decimal:
    D, Pa, P = Decimal(D), Decimal(Pa), Decimal(P)
    n = D + Pa + P
    B = D * (1 - 3 * delta) + P * (1 - delta) - 2 * Pa * delta
    disc = B * B + 8 * n * D * delta * (1 - delta)
    if disc < 0:
        disc = Decimal(0)
    d = (B + disc.sqrt()) / (4 * n)
    lo = max(Decimal(0), -delta)
    hi = (1 - delta) / 2
    return min(max(d, lo), hi)


def restricted_d_check(D, Pa, P, delta: float) -> float:
    """The same MLE found without the quadratic: bisection on l'(d), which is
    strictly decreasing on the feasible interval (used to verify the above)."""
    lo, hi = max(0.0, -delta), (1.0 - delta) / 2.0

    def g(d):
        s = 0.0
        if D:
            s += D / d
        if P:
            s += P / (d + delta)
        if Pa:
            s -= 2.0 * Pa / (1.0 - 2.0 * d - delta)
        return s

    a, b = lo, hi
    eps = 1e-300
    ga = g(a) if not ((D and a == 0) or (P and a + delta == 0)) else math.inf
    gb = g(b) if not Pa else -math.inf
    if ga <= 0:
        return lo
    if gb >= 0:
        return hi
    for _ in range(300):
        m = 0.5 * (a + b)
        if m <= a + eps or m >= b - eps:
            break
        if g(m) > 0:
            a = m
        else:
            b = m
    return 0.5 * (a + b)


def score_z(D, Pa, P, delta: Decimal) -> Decimal | None:
    """Z(delta); None stands for +/- infinity (zero restricted variance)."""
    n = Decimal(D + Pa + P)
    est = Decimal(P - D) / n
    d = restricted_d(D, Pa, P, delta)
    var = (2 * d + delta - delta * delta) / n
    if var <= 0:
        return None
    return (est - delta) / var.sqrt()


def score_interval(cats, conf):
    D, Pa, P = cats
    n = D + Pa + P
    z = Decimal(z_of(conf))
    est = Decimal(P - D) / Decimal(n)

    def bisect(a: Decimal, b: Decimal, target: Decimal) -> Decimal:
        # Z decreasing; find Z(delta) = target with Z(a) > target > Z(b).
        for _ in range(130):
            m = (a + b) / 2
            zm = score_z(D, Pa, P, m)
            if zm is None:
                zm = Decimal("Infinity") if est > m else Decimal("-Infinity")
            if zm > target:
                a = m
            else:
                b = m
        return (a + b) / 2

    low = Decimal(-1) if est <= -1 else bisect(Decimal(-1), est, z)
    high = Decimal(1) if est >= 1 else bisect(est, Decimal(1), -z)

    # Self-checks: the MLE by another route, Z at the bounds, monotone Z.
    for delta in (low, high, (low + high) / 2, Decimal("-0.9"), Decimal("0.9"), Decimal(0)):
        if -1 < delta < 1:
            a = float(restricted_d(D, Pa, P, delta))
            b = restricted_d_check(D, Pa, P, float(delta))
            assert abs(a - b) < 1e-9, (cats, delta, a, b)
    if -1 < low:
        assert abs(score_z(D, Pa, P, low) - z) < Decimal("1e-20"), cats
    if high < 1:
        assert abs(score_z(D, Pa, P, high) + z) < Decimal("1e-20"), cats
    prev = None
    for k in range(1, 400):
        delta = Decimal(-1) + Decimal(k) / 200
        zk = score_z(D, Pa, P, delta)
        if zk is not None and prev is not None:
            assert zk <= prev + Decimal("1e-30"), (cats, delta)
        if zk is not None:
            prev = zk
    return low, high


# --------------------------------------------------------------------------
# Intervals
# --------------------------------------------------------------------------


def interval_vector(name, cats, method, conf=0.95, options=None, closed_form=None):
    v = {"name": name, "categories": list(cats), "method": method}
    if options:
        v["options"] = options
    v["confidence"] = conf
    D, Pa, P = cats
    n = D + Pa + P
    if n == 0:
        v["error"] = {"kind": "no_data"}
        v["tol"] = TOL_CLOSED
        return v
    if not (0 < conf < 1):
        v["error"] = {"kind": "invalid_argument"}
        v["tol"] = TOL_CLOSED
        return v
    z = Decimal(z_of(conf))
    tol = TOL_CLOSED
    if method == "wald":
        nps, var, nn = unit_stats(cats)
        h = z * fsqrt(var / nn)
        c = dec(nps)
        low, high, center = c - h, c + h, c
    elif method == "adjusted_wald":
        opts = options or {}
        pseudo = opts.get("pseudo", [0.75, 1.5, 0.75])
        if any(not (math.isfinite(x) and x >= 0) for x in pseudo):
            v["error"] = {"kind": "invalid_argument"}
            v["tol"] = TOL_CLOSED
            return v
        adj = [Fr(c) + Fr(x) for c, x in zip(cats, pseudo)]
        nps, var, nn = unit_stats(adj)
        h = z * fsqrt(var / nn)
        c = dec(nps)
        low, high, center = c - h, c + h, c
        if opts.get("clip", False):
            low, high = max(low, Decimal(-1)), min(high, Decimal(1))
    elif method == "score":
        low, high = score_interval(cats, conf)
        center = Decimal(P - D) / Decimal(n)
        tol = TOL_ROOT
        if closed_form is not None:
            cl, ch = closed_form(Decimal(n), z)
            assert abs(cl - low) < Decimal("1e-25") and abs(ch - high) < Decimal("1e-25"), name
            low, high = cl, ch
            tol = TOL_CLOSED
    else:
        raise ValueError(method)
    v["expect"] = {
        "low": float(100 * low),
        "high": float(100 * high),
        "center": float(100 * center),
    }
    v["tol"] = tol
    return v


def bayes_one_promoter(conf, credible):
    """Closed form for the posterior Dirichlet(1, 1, 2) of (d, pa, p): the
    uniform prior plus one promoter. For X = p - d the density is
    g(x) = 3(1+x)^2/4 (x < 0), 3((1+x)^2/4 - x^2) (x >= 0) and the CDF
    F(x) = (1+x)^3/4 (x < 0), 1/4 + ((1+x)^3 - 1)/4 - x^3 (x >= 0);
    the mean is (2 - 1)/4. Bounds by bisection in 50-digit decimals."""
    def F(x):
        return (1 + x) ** 3 / 4 if x < 0 else Decimal(1) / 4 + ((1 + x) ** 3 - 1) / 4 - x ** 3

    def g(x):
        return 3 * (1 + x) ** 2 / 4 if x < 0 else 3 * ((1 + x) ** 2 / 4 - x * x)

    def quantile(q):
        lo, hi = Decimal(-1), Decimal(1)
        for _ in range(200):
            mid = (lo + hi) / 2
            if F(mid) < q:
                lo = mid
            else:
                hi = mid
        return (lo + hi) / 2

    c = Decimal(conf)
    alpha = 1 - c
    if credible == "equal_tailed":
        low, high = quantile(alpha / 2), quantile(1 - alpha / 2)
    else:
        # Shortest interval of mass c: g(low) = g(high) (g is unimodal);
        # bisection on the lower-tail mass a in [0, alpha].
        lo, hi = Decimal(0), alpha
        for _ in range(200):
            a = (lo + hi) / 2
            if g(quantile(a)) < g(quantile(a + c)):
                lo = a
            else:
                hi = a
        a = (lo + hi) / 2
        low, high = quantile(a), quantile(a + c)
    return low, high, Decimal(1) / 4


def bayes_vectors():
    out = []
    for credible in ("equal_tailed", "hpd"):
        for conf in (0.95, 0.8):
            low, high, mean = bayes_one_promoter(conf, credible)
            for name, cats, sign in (("one_promoter", [0, 0, 1], 1),
                                     ("one_detractor", [1, 0, 0], -1)):
                lo, hi = (low, high) if sign > 0 else (-high, -low)
                out.append({
                    "name": f"bayes_{credible}_{name}_{int(conf * 100)}",
                    "categories": cats, "method": "bayes",
                    "options": {"prior": [1.0, 1.0, 1.0], "credible": credible},
                    "confidence": conf,
                    "expect": {"low": float(100 * lo), "high": float(100 * hi),
                               "center": float(100 * sign * mean)},
                    "tol": 1e-7,
                })
    out.append({"name": "bayes_invalid_prior", "categories": [1, 2, 3], "method": "bayes",
                "options": {"prior": [0.0, 1.0, 1.0]}, "confidence": 0.95,
                "error": {"kind": "invalid_argument"}, "tol": TOL_CLOSED})
    out.append({"name": "bayes_no_data", "categories": [0, 0, 0], "method": "bayes",
                "confidence": 0.95, "error": {"kind": "no_data"}, "tol": TOL_CLOSED})
    return out


def cf_promoters(n, z):
    return (n - z * z) / (n + z * z), Decimal(1)


def cf_passives(n, z):
    w = z * z / (n + z * z)
    return -w, w


def cf_detractors(n, z):
    return Decimal(-1), -(n - z * z) / (n + z * z)


def intervals():
    out = []
    # Closed-form edges of the score interval.
    for n in (1, 5, 30):
        out.append(
            interval_vector(f"score_all_promoters_n{n}", (0, 0, n), "score", closed_form=cf_promoters)
        )
        out.append(
            interval_vector(f"score_all_passives_n{n}", (0, n, 0), "score", closed_form=cf_passives)
        )
        out.append(
            interval_vector(
                f"score_all_detractors_n{n}", (n, 0, 0), "score", closed_form=cf_detractors
            )
        )
    out.append(
        interval_vector("score_all_promoters_n30_conf90", (0, 0, 30), "score", 0.90,
                        closed_form=cf_promoters)
    )
    out.append(
        interval_vector("score_all_passives_n1000_conf99", (0, 1000, 0), "score", 0.99,
                        closed_form=cf_passives)
    )
    # n = 1 of each category under every method (bayes: see the README).
    for label, cats in (("detractor", (1, 0, 0)), ("passive", (0, 1, 0)), ("promoter", (0, 0, 1))):
        for method in ("wald", "adjusted_wald", "score"):
            out.append(interval_vector(f"n1_{label}_{method}", cats, method))
    # Textbook and general cases.
    for conf in (0.80, 0.90, 0.95, 0.99):
        for method in ("wald", "adjusted_wald", "score"):
            out.append(interval_vector(f"textbook_123_{method}_conf{int(conf * 100)}", (1, 2, 3),
                                       method, conf))
    general = [
        ("month_last_45", (40, 30, 130)),
        ("month_this_52", (36, 24, 140)),
        ("mixed_13_21_40", (13, 21, 40)),
        ("mixed_5_9_16", (5, 9, 16)),
        ("no_passives_2_0_3", (2, 0, 3)),
        ("no_passives_1_0_1", (1, 0, 1)),
        ("no_promoters_1_1_0", (1, 1, 0)),
        ("no_detractors_0_1_1", (0, 1, 1)),
        ("negative_nps_60_25_15", (60, 25, 15)),
        ("large_1000_2000_7000", (1000, 2000, 7000)),
        ("nearly_all_promoters_1_0_99", (1, 0, 99)),
        ("nearly_all_detractors_97_2_1", (97, 2, 1)),
    ]
    for label, cats in general:
        for method in ("wald", "adjusted_wald", "score"):
            out.append(interval_vector(f"{label}_{method}", cats, method))
    # Adjusted Wald options: pseudo-counts and clipping where the raw bound
    # leaves [-100, 100].
    out.append(interval_vector("adjusted_all_promoters_n30_raw", (0, 0, 30), "adjusted_wald",
                               options={"clip": False}))
    out.append(interval_vector("adjusted_all_promoters_n30_clip", (0, 0, 30), "adjusted_wald",
                               options={"clip": True}))
    out.append(interval_vector("adjusted_all_detractors_n30_raw", (30, 0, 0), "adjusted_wald"))
    out.append(interval_vector("adjusted_all_detractors_n30_clip", (30, 0, 0), "adjusted_wald",
                               options={"clip": True}))
    out.append(interval_vector("adjusted_clip_no_effect", (1, 2, 3), "adjusted_wald",
                               options={"clip": True}))
    out.append(interval_vector("adjusted_pseudo_1_1_1", (1, 2, 3), "adjusted_wald",
                               options={"pseudo": [1.0, 1.0, 1.0]}))
    out.append(interval_vector("adjusted_pseudo_zero_is_wald", (13, 21, 40), "adjusted_wald",
                               options={"pseudo": [0.0, 0.0, 0.0], "clip": False}))
    out.append(interval_vector("adjusted_pseudo_2_0_2_clip", (0, 0, 5), "adjusted_wald", 0.99,
                               options={"pseudo": [2.0, 0.0, 2.0], "clip": True}))
    out.append(interval_vector("adjusted_negative_pseudo", (1, 2, 3), "adjusted_wald",
                               options={"pseudo": [-1.0, 1.5, 0.75]}))
    # Errors.
    for method in ("wald", "adjusted_wald", "score"):
        out.append(interval_vector(f"empty_{method}", (0, 0, 0), method))
    out.append(interval_vector("confidence_1_invalid", (1, 2, 3), "score", 1.0))
    out.append(interval_vector("confidence_0_invalid", (1, 2, 3), "wald", 0.0))
    return out


# --------------------------------------------------------------------------
# Tests and comparisons
# --------------------------------------------------------------------------


def p_values(stat: float, alternative: str) -> float:
    if alternative == "two_sided":
        return math.erfc(abs(stat) / SQRT2)
    if alternative == "greater":
        return 0.5 * math.erfc(stat / SQRT2)
    if alternative == "less":
        return 0.5 * math.erfc(-stat / SQRT2)
    raise ValueError(alternative)


def prepared(cats, method):
    if method == "wald":
        return [Fr(c) for c in cats]
    if method == "adjusted_wald":
        return [Fr(c) + Fr(x) for c, x in zip(cats, (0.75, 1.5, 0.75))]
    raise ValueError(method)


def finish(diff: Fr, var_of_diff: Fr, conf, alternative):
    """diff and its variance on the ±1 scale (exact) → the expect block."""
    if var_of_diff == 0:
        return None
    se = fsqrt(var_of_diff)
    stat = dec(diff) / se
    z = Decimal(z_of(conf))
    statf = float(stat)
    return {
        "difference": float(100 * diff),
        "se": float(100 * se),
        "statistic": statf,
        "p_value": p_values(statf, alternative),
        "low": float(100 * (dec(diff) - z * se)),
        "high": float(100 * (dec(diff) + z * se)),
    }


def test_vector(name, cats, benchmark, method="wald", alternative="two_sided", conf=0.95):
    v = {
        "name": name,
        "categories": list(cats),
        "benchmark": benchmark,
        "method": method,
        "alternative": alternative,
        "confidence": conf,
    }
    if not (-100 <= benchmark <= 100):
        v["error"] = {"kind": "invalid_argument"}
    elif sum(cats) == 0:
        v["error"] = {"kind": "no_data"}
    else:
        e = prepared(cats, method)
        nps, var, n = unit_stats(e)
        res = finish(nps - Fr(benchmark) / 100, var / n, conf, alternative)
        if res is None:
            v["error"] = {"kind": "degenerate"}
        else:
            v["expect"] = res
    v["tol"] = TOL_CLOSED
    v["p_rtol"] = P_RTOL_TINY if "expect" in v and v["expect"]["p_value"] < 1e-20 else P_RTOL
    return v


def compare_vector(name, a, b, method="wald", alternative="two_sided", conf=0.95):
    v = {
        "name": name,
        "a": list(a),
        "b": list(b),
        "method": method,
        "alternative": alternative,
        "confidence": conf,
    }
    if sum(a) == 0 or sum(b) == 0:
        v["error"] = {"kind": "no_data"}
    else:
        ea, eb = prepared(a, method), prepared(b, method)
        na, va, nna = unit_stats(ea)
        nb, vb, nnb = unit_stats(eb)
        res = finish(na - nb, va / nna + vb / nnb, conf, alternative)
        if res is None:
            v["error"] = {"kind": "degenerate"}
        else:
            v["expect"] = res
    v["tol"] = TOL_CLOSED
    v["p_rtol"] = P_RTOL_TINY if "expect" in v and v["expect"]["p_value"] < 1e-20 else P_RTOL
    return v


ALTS = ("two_sided", "greater", "less")


def tests():
    out = []
    for alt in ALTS:
        out.append(test_vector(f"doc_20_30_50_vs_20_{alt}", (20, 30, 50), 20.0, "wald", alt))
    for method in ("wald", "adjusted_wald"):
        for bench in (0.0, 30.0, -20.0):
            for alt in ALTS:
                out.append(
                    test_vector(f"nps45_vs_{bench:g}_{method}_{alt}", (40, 30, 130), bench, method,
                                alt)
                )
    out.append(test_vector("textbook_123_vs_0_conf90", (1, 2, 3), 0.0, "wald", "two_sided", 0.90))
    out.append(test_vector("negative_nps_vs_0_less", (60, 25, 15), 0.0, "wald", "less"))
    out.append(test_vector("estimate_equals_benchmark", (20, 30, 50), 30.0, "wald", "two_sided"))
    out.append(test_vector("benchmark_100_edge", (1, 2, 97), 100.0, "wald", "less"))
    out.append(test_vector("benchmark_minus100_edge", (80, 10, 10), -100.0, "wald", "greater"))
    out.append(test_vector("tiny_p_one_sample", (10, 30, 160), 20.0, "wald", "greater"))
    # Degenerate and invalid.
    out.append(test_vector("all_promoters_wald_degenerate", (0, 0, 30), 50.0, "wald"))
    out.append(test_vector("n1_promoter_wald_degenerate", (0, 0, 1), 0.0, "wald"))
    out.append(test_vector("all_promoters_adjusted_ok", (0, 0, 30), 50.0, "adjusted_wald"))
    out.append(test_vector("n1_passive_adjusted_ok", (0, 1, 0), 0.0, "adjusted_wald", "greater"))
    out.append(test_vector("empty_no_data", (0, 0, 0), 0.0, "wald"))
    out.append(test_vector("benchmark_out_of_range", (1, 2, 3), 150.0, "wald"))
    return out


def comparisons():
    out = []
    this, last = (36, 24, 140), (40, 30, 130)  # 52 vs 45, n = 200 each
    for method in ("wald", "adjusted_wald"):
        for alt in ALTS:
            out.append(compare_vector(f"this52_vs_last45_{method}_{alt}", this, last, method, alt))
            out.append(compare_vector(f"last45_vs_this52_{method}_{alt}", last, this, method, alt))
    out.append(compare_vector("this52_vs_last45_conf90", this, last, "wald", "two_sided", 0.90))
    out.append(compare_vector("unequal_sizes", (13, 21, 40), (120, 300, 580), "wald"))
    out.append(compare_vector("doc_example_adjusted", (20, 28, 77), (25, 30, 70), "adjusted_wald"))
    out.append(compare_vector("tiny_p_1e-30", (8, 87, 105), (100, 60, 40), "wald"))
    out.append(compare_vector("tiny_p_1e-30_greater", (8, 87, 105), (100, 60, 40), "wald",
                              "greater"))
    out.append(compare_vector("equal_samples", (5, 5, 10), (10, 10, 20), "wald"))
    out.append(compare_vector("one_side_degenerate_ok", (0, 0, 5), (1, 2, 3), "wald"))
    out.append(compare_vector("both_all_promoters_wald_degenerate", (0, 0, 5), (0, 0, 7), "wald"))
    out.append(compare_vector("both_all_promoters_adjusted_ok", (0, 0, 5), (0, 0, 7),
                              "adjusted_wald"))
    out.append(compare_vector("n1_vs_n1_adjusted", (0, 0, 1), (1, 0, 0), "adjusted_wald"))
    out.append(compare_vector("empty_a_no_data", (0, 0, 0), (1, 2, 3), "wald"))
    out.append(compare_vector("empty_b_no_data", (1, 2, 3), (0, 0, 0), "adjusted_wald"))
    return out


# --------------------------------------------------------------------------
# Many comparisons with adjusted p-values
# --------------------------------------------------------------------------
#
# The only section that needs mpmath (imported here, lazily): p-values far
# below f64's range, and their logs, are computed with 60-digit erfc so the
# log-form adjustment is checked where the library's p underflows to 0.
# Holm and Benjamini-Hochberg are written from their definitions (an
# explicit max / min over ranks, not a running one). When statsmodels is
# installed, its multipletests cross-checks them; it is not a dependency.

LN_TOL = 1e-8  # absolute tolerance of ln p and ln p-adjusted


def mp_p_value(stat, alternative):
    import mpmath as mp
    z = mp.mpf(str(stat))
    if alternative == "two_sided":
        return mp.erfc(abs(z) / mp.sqrt(2))
    if alternative == "greater":
        return mp.erfc(z / mp.sqrt(2)) / 2
    if alternative == "less":
        return mp.erfc(-z / mp.sqrt(2)) / 2
    raise ValueError(alternative)


def holm(ps):
    """Holm's step-down adjusted p-values (input order), by definition:
    p~(i) = max over j <= i of min(1, (m - j + 1) p(j)), ranks by (p, index)."""
    m = len(ps)
    order = sorted(range(m), key=lambda i: (ps[i], i))
    out = [None] * m
    for r, i in enumerate(order, start=1):
        out[i] = max(min(1, (m - j + 1) * ps[order[j - 1]]) for j in range(1, r + 1))
    return out


def benjamini_hochberg(ps):
    """BH step-up adjusted p-values: p~(i) = min over j >= i of min(1, m/j p(j))."""
    import mpmath as mp
    m = len(ps)
    order = sorted(range(m), key=lambda i: (ps[i], i))
    out = [None] * m
    for r, i in enumerate(order, start=1):
        out[i] = min(min(1, ps[order[j - 1]] * (mp.mpf(m) / j)) for j in range(r, m + 1))
    return out


def cross_check_statsmodels(ps, adjusted, adjust):
    try:
        from statsmodels.stats.multitest import multipletests
    except ImportError:
        return False
    method = {"holm": "holm", "bh": "fdr_bh"}[adjust]
    _, got, _, _ = multipletests([float(p) for p in ps], method=method)
    for g, w in zip(got, adjusted):
        if float(w) > 1e-300:
            assert abs(g - float(w)) <= 1e-12 * float(w), (adjust, got, adjusted)
    return True


STATSMODELS_CHECKED = []


def compare_many_vector(name, pairs, adjust="holm", method="adjusted_wald",
                        alternative="two_sided", conf=0.95):
    import mpmath as mp
    mp.mp.dps = 60
    v = {"name": name, "pairs": [{"a": list(a), "b": list(b)} for a, b in pairs],
         "method": method, "alternative": alternative, "confidence": conf,
         "adjust": adjust, "tol": TOL_CLOSED, "p_rtol": P_RTOL_TINY, "ln_tol": LN_TOL}
    results, ps = [], []
    for i, (a, b) in enumerate(pairs):
        one = compare_vector(f"{name}[{i}]", a, b, method, alternative, conf)
        if "error" in one:
            v["error"] = {**one["error"], "index": i}
            return v
        e = one["expect"]
        p = mp_p_value(e["statistic"], alternative)
        results.append(e)
        ps.append(p)
    if adjust == "holm":
        adj = holm(ps)
    elif adjust == "bh":
        adj = benjamini_hochberg(ps)
    elif adjust == "none":
        adj = list(ps)
    else:
        raise ValueError(adjust)
    if adjust != "none" and ps and cross_check_statsmodels(ps, adj, adjust):
        STATSMODELS_CHECKED.append(name)
    alpha = 1 - mp.mpf(conf)
    expect = []
    for e, p, q in zip(results, ps, adj):
        assert p <= q <= 1, (name, p, q)
        assert abs(q - alpha) > mp.mpf("1e-9") * alpha, f"{name}: p-adjusted too near alpha"
        # Keep subnormals out of the vectors: p is either normal or 0.
        for x in (p, q):
            assert x == 0 or x > mp.mpf("1e-300") or x < mp.mpf("1e-330"), (name, x)
        expect.append({**e, "p_value": float(p), "ln_p_value": float(mp.log(p)),
                       "p_adjusted": float(q), "ln_p_adjusted": float(mp.log(q)),
                       "significant": bool(q <= alpha)})
    v["expect"] = expect
    return v


def compare_many_section():
    base = (30, 20, 50)  # NPS 20, n = 100
    stores = [(10, 20, 70), (28, 20, 52), (18, 22, 60), (40, 20, 40), (22, 18, 60),
              (15, 25, 60)]
    pairs = [(s, base) for s in stores]
    out = []
    for adjust in ("holm", "bh", "none"):
        out.append(compare_many_vector(f"six_stores_vs_base_{adjust}", pairs, adjust))
    for adjust in ("holm", "bh"):
        out.append(compare_many_vector(f"six_stores_vs_base_wald_greater_conf90_{adjust}",
                                       pairs, adjust, "wald", "greater", 0.90))
    # Tied p-values (identical pairs) must get identical adjusted values.
    tied = [((20, 30, 50), (30, 30, 40)), ((5, 5, 10), (10, 10, 20)),
            ((20, 30, 50), (30, 30, 40)), ((10, 30, 60), (30, 30, 40))]
    for adjust in ("holm", "bh"):
        out.append(compare_many_vector(f"ties_{adjust}", tied, adjust, "wald"))
    # p far below f64's range: only the log form ranks and adjusts them.
    tiny = [((1000, 0, 9000), (9000, 0, 1000)), ((2000, 0, 8000), (8000, 0, 2000)),
            ((13, 21, 40), (120, 300, 580)), ((1500, 0, 8500), (8500, 0, 1500))]
    for adjust in ("holm", "bh"):
        out.append(compare_many_vector(f"underflowing_p_{adjust}", tiny, adjust, "wald"))
    # Large p: m p > 1 is capped at 1.
    big = [((20, 30, 50), (21, 30, 49)), ((5, 5, 10), (10, 10, 20)), ((30, 20, 50), (29, 22, 49))]
    for adjust in ("holm", "bh"):
        out.append(compare_many_vector(f"capped_at_one_{adjust}", big, adjust))
    out.append(compare_many_vector("one_pair_holm_is_raw", [((20, 28, 77), (25, 30, 70))]))
    out.append(compare_many_vector("empty_family", []))
    out.append(compare_many_vector("no_data_in_pair_2", [pairs[0], pairs[1], ((0, 0, 0), base)]))
    out.append(compare_many_vector("degenerate_wald_in_pair_1",
                                   [pairs[0], ((0, 0, 5), (0, 0, 7)), pairs[2]], "bh", "wald"))
    return out


# --------------------------------------------------------------------------
# Sample sizes
# --------------------------------------------------------------------------


def sample_size_vector(name, margin, promoters, detractors, conf=0.95, population=None):
    v = {
        "name": name,
        "margin": margin,
        "promoters": promoters,
        "detractors": detractors,
        "confidence": conf,
        "population": population,
    }
    if not (0 < margin <= 200):
        v["error"] = {"kind": "invalid_argument"}
        return v
    if not (0 <= promoters <= 1 and 0 <= detractors <= 1) or promoters + detractors > 1 + 1e-12:
        v["error"] = {"kind": "invalid_argument"}
        return v
    if population == 0 or not (0 < conf < 1):
        v["error"] = {"kind": "invalid_argument"}
        return v
    p, d = Fr(promoters), Fr(detractors)
    var = p + d - (p - d) ** 2
    if var <= 0:
        v["error"] = {"kind": "degenerate"}
        return v
    z = Fr(z_of(conf))
    e = Fr(margin) / 100
    n = z * z * var / (e * e)
    if population is not None:
        n = n / (1 + (n - 1) / population)
    # Refuse ambiguous cases (a value within 1e-6 of an integer).
    assert abs(n - round(n)) > Fr(1, 10**6), (name, float(n))
    v["expect"] = {"n": math.ceil(n)}
    return v


def sample_sizes():
    return [
        sample_size_vector("p50_d20_margin5", 5.0, 0.5, 0.2),
        sample_size_vector("p50_d20_margin5_population2000", 5.0, 0.5, 0.2, 0.95, 2000),
        sample_size_vector("p50_d20_margin5_population100", 5.0, 0.5, 0.2, 0.95, 100),
        sample_size_vector("p50_d50_margin10_worst_case", 10.0, 0.5, 0.5),
        sample_size_vector("p60_d10_margin3_conf90", 3.0, 0.6, 0.1, 0.90),
        sample_size_vector("p30_d30_margin2_conf99", 2.0, 0.3, 0.3, 0.99),
        sample_size_vector("p45_d15_margin7_population500", 7.0, 0.45, 0.15, 0.95, 500),
        sample_size_vector("p90_d0_margin5", 5.0, 0.9, 0.0),
        sample_size_vector("margin_0_invalid", 0.0, 0.5, 0.2),
        sample_size_vector("margin_negative_invalid", -5.0, 0.5, 0.2),
        sample_size_vector("shares_sum_above_1_invalid", 5.0, 0.7, 0.4),
        sample_size_vector("share_negative_invalid", 5.0, -0.1, 0.2),
        sample_size_vector("population_0_invalid", 5.0, 0.5, 0.2, 0.95, 0),
        sample_size_vector("confidence_1_invalid", 5.0, 0.5, 0.2, 1.0),
        sample_size_vector("all_promoters_degenerate", 5.0, 1.0, 0.0),
        sample_size_vector("all_passives_degenerate", 5.0, 0.0, 0.0),
    ]


# --------------------------------------------------------------------------
# Groups (calendar arithmetic with zoneinfo, independent of chrono)
# --------------------------------------------------------------------------


def utc(s: str) -> int:
    """'2025-01-31T16:30:00' (UTC) → Unix seconds."""
    t = dt.datetime.fromisoformat(s).replace(tzinfo=dt.timezone.utc)
    return int(t.timestamp())


def period_start(day: dt.date, period: str) -> dt.date:
    if period == "day":
        return day
    if period == "week":
        return day - dt.timedelta(days=day.weekday())  # ISO week starts Monday
    if period == "month":
        return day.replace(day=1)
    if period == "quarter":
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    if period == "year":
        return dt.date(day.year, 1, 1)
    raise ValueError(period)


def period_label(start: dt.date, period: str) -> str:
    if period == "day":
        return start.isoformat()
    if period == "week":
        iso = start.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    if period == "month":
        return f"{start.year}-{start.month:02d}"
    if period == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if period == "year":
        return f"{start.year:04d}"
    raise ValueError(period)


def group_vector(name, scores, keys=None, timestamps=None, period=None, tz="UTC",
                 respondents=None, min_n=0):
    m = len(scores)
    for col in (keys, timestamps, respondents):
        assert col is None or len(col) == m
    assert period is None or timestamps is not None
    rows = list(range(m))
    if respondents is not None:
        latest = {}
        for i in rows:
            r = respondents[i]
            j = latest.get(r)
            # Latest timestamp wins; ties → the later row.
            assert timestamps is not None, "keeping the latest answer needs timestamps"
            if j is None or timestamps[i] >= timestamps[j]:
                latest[r] = i
        rows = sorted(latest.values())
    zone = ZoneInfo(tz)
    groups: dict = {}
    for i in rows:
        s = valid_score(scores[i])
        assert s is not None, "group vectors use valid scores (invalid = raise)"
        key = keys[i] if keys is not None else None
        start = None
        if period is not None:
            local = dt.datetime.fromtimestamp(timestamps[i], zone).date()
            start = period_start(local, period)
        c = groups.setdefault((key, start), [0, 0, 0])
        c[category(s)] += 1
    expect = []
    for (key, start) in sorted(groups, key=lambda ks: (ks[0] if ks[0] is not None else 0,
                                                      ks[1] or dt.date.min)):
        D, Pa, P = groups[(key, start)]
        n = D + Pa + P
        expect.append({
            "key": key,
            "period": period_label(start, period) if start is not None else None,
            "n": n,
            "detractors": D,
            "passives": Pa,
            "promoters": P,
            "nps": float(Fr(100 * (P - D), n)),
            "thin": n < min_n,
        })
    return {
        "name": name,
        "scores": scores,
        "keys": keys,
        "timestamps": timestamps,
        "period": period,
        "tz": tz,
        "respondents": respondents,
        "min_n": min_n,
        "expect": expect,
    }


def groups():
    out = []
    s14 = [10, 9, 0, 7, 8, 10, 3, 6, 9, 10, 5, 7, 10, 9]
    k14 = [3, 1, 2, 1, 3, 3, 2, 1, 1, 7, -4, 3, 2, 0]
    out.append(group_vector("by_integer_key", s14, keys=k14))
    out.append(group_vector("by_integer_key_min_n3", s14, keys=k14, min_n=3))
    out.append(group_vector("no_key_no_period_one_group", s14, min_n=20))
    out.append(group_vector("empty_input", [], keys=[]))

    # Month in Asia/Shanghai (UTC+8, no DST) around month boundaries.
    ts = [
        utc("2025-01-31T15:59:59"),  # Jan 31 23:59:59 local
        utc("2025-01-31T16:00:00"),  # Feb 1 00:00 local
        utc("2025-01-31T16:30:00"),  # Feb 1 00:30 local
        utc("2025-01-15T12:00:00"),
        utc("2024-12-31T16:00:00"),  # Jan 1 2025 00:00 local
        utc("2024-12-31T15:59:59"),  # Dec 31 2024 local
        utc("2025-02-28T16:00:00"),  # Mar 1 local
        utc("1969-12-31T23:00:00"),  # negative Unix time: Jan 1 1970 07:00 local
        utc("2025-02-10T08:00:00"),
    ]
    sc = [10, 0, 9, 8, 7, 10, 6, 9, 10]
    out.append(group_vector("month_shanghai_boundaries", sc, timestamps=ts, period="month",
                            tz="Asia/Shanghai"))
    out.append(group_vector("month_utc_same_instants", sc, timestamps=ts, period="month",
                            tz="UTC"))

    # ISO weeks across year boundaries (UTC).
    wts = [
        utc("2024-12-29T12:00:00"),  # Sunday: 2024-W52
        utc("2024-12-30T00:00:00"),  # Monday: 2025-W01
        utc("2025-01-01T09:00:00"),  # 2025-W01
        utc("2025-01-05T23:59:59"),  # Sunday: 2025-W01
        utc("2025-01-06T00:00:00"),  # 2025-W02
        utc("2020-12-31T10:00:00"),  # 2020-W53
        utc("2021-01-03T10:00:00"),  # Sunday: 2020-W53
        utc("2021-01-04T10:00:00"),  # 2021-W01
    ]
    out.append(group_vector("iso_week_year_boundary", [9, 10, 3, 7, 10, 0, 8, 9],
                            timestamps=wts, period="week"))
    # The same instants in Asia/Tokyo (UTC+9): Sunday 23:59:59 UTC is Monday local.
    out.append(group_vector("iso_week_tokyo", [9, 10, 3, 7, 10, 0, 8, 9], timestamps=wts,
                            period="week", tz="Asia/Tokyo"))

    # Quarters; America/New_York shifts an early-UTC instant into the previous quarter.
    qts = [
        utc("2025-04-01T03:00:00"),  # Mar 31 23:00 EDT → Q1
        utc("2025-04-01T04:00:00"),  # Apr 1 00:00 EDT → Q2
        utc("2025-01-01T04:59:59"),  # Dec 31 23:59:59 EST → 2024-Q4
        utc("2025-01-01T05:00:00"),  # 2025-Q1
        utc("2025-09-30T12:00:00"),  # Q3
        utc("2025-10-01T03:59:59"),  # Sep 30 23:59:59 EDT → Q3
        utc("2025-12-31T23:00:00"),  # Q4
    ]
    qsc = [10, 9, 0, 7, 10, 6, 8]
    out.append(group_vector("quarter_new_york", qsc, timestamps=qts, period="quarter",
                            tz="America/New_York"))
    out.append(group_vector("quarter_utc", qsc, timestamps=qts, period="quarter"))
    # Years: New York's New Year's Eve 23:59:59 is already next year in UTC.
    out.append(group_vector("year_new_york", qsc, timestamps=qts, period="year",
                            tz="America/New_York"))
    out.append(group_vector("year_utc", qsc, timestamps=qts, period="year"))

    # Days in Europe/Berlin across the DST changes of 2025 (Mar 30, Oct 26).
    dts = [
        utc("2025-03-29T22:59:59"),  # Mar 29 23:59:59 CET
        utc("2025-03-29T23:00:00"),  # Mar 30 00:00 CET
        utc("2025-03-30T00:59:59"),  # Mar 30 01:59:59 CET
        utc("2025-03-30T01:00:00"),  # Mar 30 03:00 CEST (02:00-03:00 skipped)
        utc("2025-03-30T21:59:59"),  # Mar 30 23:59:59 CEST
        utc("2025-03-30T22:00:00"),  # Mar 31 00:00 CEST
        utc("2025-10-26T00:30:00"),  # Oct 26 02:30 CEST (first pass of the fold)
        utc("2025-10-26T01:30:00"),  # Oct 26 02:30 CET (second pass)
        utc("2025-10-26T22:59:59"),  # Oct 26 23:59:59 CET
        utc("2025-10-26T23:00:00"),  # Oct 27 00:00 CET
    ]
    dsc = [10, 9, 8, 0, 10, 7, 9, 3, 10, 10]
    out.append(group_vector("day_berlin_dst", dsc, timestamps=dts, period="day",
                            tz="Europe/Berlin"))

    # Key x month (Shanghai).
    kts = ts + [utc("2025-01-20T00:00:00"), utc("2025-02-20T00:00:00")]
    ksc = sc + [0, 9]
    kk = [1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
    out.append(group_vector("key_by_month_shanghai", ksc, keys=kk, timestamps=kts,
                            period="month", tz="Asia/Shanghai", min_n=2))

    # Respondents: latest timestamp wins (even across months and keys); ties → last row.
    rts = [
        utc("2025-01-10T10:00:00"),  # r1, older
        utc("2025-02-10T10:00:00"),  # r1, latest → counts (Feb)
        utc("2025-01-20T10:00:00"),  # r2, latest → counts (Jan)
        utc("2025-01-05T10:00:00"),  # r2, older (later row, earlier time)
        utc("2025-01-25T10:00:00"),  # r3, tie
        utc("2025-01-25T10:00:00"),  # r3, tie → last row counts
        utc("2025-02-01T10:00:00"),  # r4, single
        utc("2025-02-03T10:00:00"),  # r5, older
        utc("2025-02-04T10:00:00"),  # r5
        utc("2025-02-05T10:00:00"),  # r5, latest
    ]
    rsc = [0, 10, 9, 3, 6, 10, 7, 0, 5, 9]
    rr = [1, 1, 2, 2, 3, 3, 4, 5, 5, 5]
    rk = [10, 20, 10, 10, 20, 20, 10, 10, 20, 20]
    out.append(group_vector("respondents_latest_timestamp", rsc, timestamps=rts, period="month",
                            respondents=rr))
    out.append(group_vector("respondents_latest_by_key_no_period", rsc, keys=rk,
                            timestamps=rts, respondents=rr))
    # Keeping the latest answer needs timestamps (without them it is an
    # error, tested in each suite); on a tie the later row wins.
    out.append(group_vector("respondents_tied_timestamps_last_row", rsc, keys=rk,
                            timestamps=[1_750_000_000] * len(rsc), respondents=rr))
    out.append(group_vector("respondents_negative_ids", [10, 0, 8, 9], keys=[5, 5, 6, 5],
                            timestamps=[1_750_000_000, 1_750_000_100, 1_750_000_000,
                                        1_750_000_000], respondents=[-1, -1, 0, 7], min_n=2))
    return out


def main():
    doc = {
        "version": 1,
        "generator": GENERATOR,
        "tallies": tallies(),
        "intervals": intervals() + bayes_vectors(),
        "tests": tests(),
        "comparisons": comparisons(),
        "compare_many": compare_many_section(),
        "sample_sizes": sample_sizes(),
        "groups": groups(),
    }
    for section, vs in doc.items():
        if isinstance(vs, list):
            names = [v["name"] for v in vs]
            assert len(names) == len(set(names)), f"duplicate names in {section}"
    text = json.dumps(doc, indent=1, allow_nan=False) + "\n"
    OUT.write_text(text, encoding="utf-8")
    counts = ", ".join(f"{k}: {len(v)}" for k, v in doc.items() if isinstance(v, list))
    print(f"wrote {OUT} ({counts})")
    print("statsmodels cross-check: "
          + (f"{len(STATSMODELS_CHECKED)} vectors" if STATSMODELS_CHECKED
             else "skipped (statsmodels not installed)"))


if __name__ == "__main__":
    main()
