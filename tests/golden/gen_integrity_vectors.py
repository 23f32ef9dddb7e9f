#!/usr/bin/env python3
"""Independent oracle for the integrity golden vectors (SPEC §3 "Integrity").

Writes ``tests/golden/integrity_vectors.json`` (schema: ``tests/golden/README.md``,
section "Integrity vectors").

Standard library only (``fractions``, ``math``); never imports nps. Every
binomial tail is an exact rational number (a finite sum of
``comb(n, k) p^k (1-p)^(n-k)`` with ``p`` the exact leave-one-out network
share); its natural logarithm is taken of the exact numerator and
denominator (``math.log`` of a Python int is correctly rounded for any size),
so the expected ``ln_p_value`` is accurate to ~1e-16 relative even where the
probability itself underflows a double. Flag verdicts compare the exact
p-value with the exact threshold ``alpha / m``.

Run from anywhere:  python3 tests/golden/gen_integrity_vectors.py
The output is deterministic (byte-identical on every run).
"""

from __future__ import annotations

import json
import math
from fractions import Fraction as Fr
from pathlib import Path

GENERATOR = "tests/golden/gen_integrity_vectors.py"
OUT = Path(__file__).resolve().parent / "integrity_vectors.json"

TOL_NPS = 1e-9  # points; NPS is a ratio of small integers
LN_RTOL = 1e-10  # relative tolerance on ln p-values (absolute 1e-12 near 0)
LN_ATOL = 1e-12

TESTS = ("tens", "few_detractors", "nothing_below_9", "rerating_pressure")
UPPER = {"tens": True, "few_detractors": False, "nothing_below_9": False, "rerating_pressure": True}


def category(s: int) -> str:
    return "detractor" if s <= 6 else ("passive" if s <= 8 else "promoter")


def tally(scores: list[int]) -> dict:
    counts = [0] * 11
    for s in scores:
        counts[s] += 1
    n = len(scores)
    det = sum(counts[:7])
    pro = counts[9] + counts[10]
    nps = None if n == 0 else float(Fr(100 * (pro - det), n))
    return {"counts": counts, "n": n, "detractors": det, "passives": n - det - pro, "promoters": pro, "nps": nps}


def rerating(original: list[int], rerated: list[int | None], basis: str) -> dict:
    after = [o if r is None else r for o, r in zip(original, rerated)]
    pairs = [(o, r) for o, r in zip(original, rerated) if r is not None]
    det = [(o, r) for o, r in pairs if category(o) == "detractor"]
    up = [(o, r) for o, r in det if category(r) != "detractor"]
    to_pro = [(o, r) for o, r in det if category(r) == "promoter"]
    t_orig, t_after = tally(original), tally(after)
    return {
        "basis": basis,
        "original": t_orig,
        "after_recovery": t_after,
        "reported_nps": (t_after if basis == "rerated" else t_orig)["nps"],
        "rerated": len(pairs),
        "detractors_rerated": len(det),
        "detractors_moved_up": len(up),
        "detractors_to_promoter": len(to_pro),
    }


def ln_fr(x: Fr) -> float | None:
    """Natural log of a non-negative exact rational; None stands for -inf."""
    if x == 0:
        return None
    return math.log(x.numerator) - math.log(x.denominator)


def tail(x: int, n: int, p: Fr, upper: bool) -> Fr:
    ks = range(x, n + 1) if upper else range(0, x + 1)
    q = 1 - p
    return sum((math.comb(n, k) * p**k * q ** (n - k) for k in ks), Fr(0))


def flags(scores: list[int], keys: list[int], rerated: list[int | None] | None, alpha: Fr, min_n: int, correction: str) -> dict:
    groups: dict[int, list[int]] = {}
    for i, k in enumerate(keys):
        groups.setdefault(k, []).append(i)
    tests = TESTS if rerated is not None else TESTS[:3]

    def counts(rows: list[int]) -> dict[str, tuple[int, int]]:
        s = [scores[i] for i in rows]
        det_rows = [i for i in rows if scores[i] <= 6]
        up = 0
        if rerated is not None:
            up = sum(1 for i in det_rows if rerated[i] is not None and rerated[i] >= 7)
        return {
            "tens": (len(s), sum(1 for v in s if v == 10)),
            "few_detractors": (len(s), sum(1 for v in s if v <= 6)),
            "nothing_below_9": (len(s), sum(1 for v in s if v <= 8)),
            "rerating_pressure": (len(det_rows), up),
        }

    per = {k: counts(rows) for k, rows in groups.items()}
    m = len(groups) * len(tests)
    threshold = alpha / m if correction == "bonferroni" else alpha
    rows_out = []
    for k in sorted(groups):
        for t in tests:
            n, x = per[k][t]
            nn = sum(per[g][t][0] for g in groups if g != k)
            nx = sum(per[g][t][1] for g in groups if g != k)
            row = {"key": k, "test": t, "n": n, "observed": x, "network_n": nn, "network_observed": nx,
                   "share": float(Fr(x, n)) if n else None,
                   "network_share": float(Fr(nx, nn)) if nn else None}
            if nn == 0:
                row.update(p_value=None, ln_p_value=None, ln_p_is_neg_inf=False, ln_min_p_value=None,
                           ln_min_is_neg_inf=False, status="no_data")
            else:
                p = Fr(nx, nn)
                pv = tail(x, n, p, UPPER[t])
                pmin = tail(n, n, p, True) if UPPER[t] else tail(0, n, p, False)
                group_n = per[k]["tens"][0]  # min_n applies to the group's responses
                if group_n < min_n or pmin > threshold:
                    status = "insufficient_n"
                elif pv <= threshold:
                    status = "flagged"
                else:
                    status = "not_flagged"
                row.update(p_value=float(pv), ln_p_value=ln_fr(pv), ln_p_is_neg_inf=pv == 0,
                           ln_min_p_value=ln_fr(pmin), ln_min_is_neg_inf=pmin == 0, status=status)
            rows_out.append(row)
    return {"comparisons": m, "threshold": float(threshold), "rows": rows_out}


def interleave(groups: list[tuple[int, list[int], list[int | None]]]) -> tuple[list[int], list[int], list[int | None]]:
    """Rows of all groups, round-robin (so no group is contiguous)."""
    scores: list[int] = []
    keys: list[int] = []
    rer: list[int | None] = []
    longest = max(len(s) for _, s, _ in groups)
    for i in range(longest):
        for k, s, r in groups:
            if i < len(s):
                scores.append(s[i])
                keys.append(k)
                rer.append(r[i])
    return scores, keys, rer


def spread(spec: dict[int, int]) -> list[int]:
    """Scores from {score: count}, cycling through the scores (not sorted)."""
    left = dict(spec)
    out: list[int] = []
    while any(left.values()):
        for s in sorted(left):
            if left[s]:
                out.append(s)
                left[s] -= 1
    return out


BASE = {10: 5, 9: 4, 8: 3, 7: 2, 6: 2, 5: 1, 3: 1, 1: 1, 0: 1}  # per 20 responses


def scaled(k: int) -> dict[int, int]:
    return {s: c * k for s, c in BASE.items()}


def dealer_network() -> tuple[list[int], list[int], list[int | None]]:
    groups = []
    # 1-3: ordinary dealers. Dealer 1 re-rates 2 detractors up, dealer 2 one (stays a detractor).
    for key, k in ((1, 5), (2, 6), (3, 4)):
        s = spread(scaled(k))
        r: list[int | None] = [None] * len(s)
        if key == 1:
            dets = [i for i, v in enumerate(s) if v <= 6][:2]
            for i in dets:
                r[i] = 9
        if key == 2:
            r[[i for i, v in enumerate(s) if v <= 6][0]] = 5
        groups.append((key, s, r))
    # 4: begging for a 10.
    s4 = spread({10: 60, 9: 8, 8: 6, 7: 2, 6: 2, 3: 2})
    groups.append((4, s4, [None] * len(s4)))
    # 5: a form that only accepts 9-10.
    s5 = spread({10: 35, 9: 25})
    groups.append((5, s5, [None] * len(s5)))
    # 6: eight 10s: too small to tell (below min_n).
    groups.append((6, [10] * 8, [None] * 8))
    # 7: twenty responses, no detractors: n >= min_n but (1-p)^20 cannot reach the threshold.
    s7 = spread({10: 5, 9: 5, 8: 5, 7: 5})
    groups.append((7, s7, [None] * len(s7)))
    # 8: ordinary scores, but 15 of its 18 detractors re-rated up (pressure).
    s8 = spread({10: 15, 9: 12, 8: 9, 7: 6, 6: 6, 5: 3, 3: 3, 1: 3, 0: 3})
    r8: list[int | None] = [None] * len(s8)
    for j, i in enumerate([i for i, v in enumerate(s8) if v <= 6][:15]):
        r8[i] = 10 if j % 2 else 8
    groups.append((8, s8, r8))
    return interleave(groups)


def main() -> None:
    rer_cases = []
    # Re-rated scores excluded from NPS by default: using them would change the NPS.
    original = [0, 2, 5, 6, 9, 10, 8, 7, 10, 3]
    rerated: list[int | None] = [9, 10, 8, None, None, None, None, None, None, 4]
    for basis in ("original", "rerated", "both"):
        rer_cases.append({"name": f"excluded_by_default_{basis}", "original": original, "rerated": rerated,
                          "basis": basis, "expected": rerating(original, rerated, basis)})
    rer_cases.append({"name": "default_basis", "original": original, "rerated": rerated, "basis": None,
                      "expected": rerating(original, rerated, "original")})
    o2 = [10, 9, 6, 0, 0, 4, 8, 7]
    r2: list[int | None] = [None, 3, 7, 6, 10, None, 10, None]  # a promoter re-rated down, a passive up
    rer_cases.append({"name": "mixed_moves", "original": o2, "rerated": r2, "basis": "rerated",
                      "expected": rerating(o2, r2, "rerated")})
    rer_cases.append({"name": "empty", "original": [], "rerated": [], "basis": "original",
                      "expected": rerating([], [], "original")})
    rer_cases.append({"name": "none_rerated", "original": [3, 9], "rerated": [None, None], "basis": "rerated",
                      "expected": rerating([3, 9], [None, None], "rerated")})

    scores, keys, rer = dealer_network()
    by_groups = {}
    for s, k, r in zip(scores, keys, rer):
        by_groups.setdefault(k, ([], []))
        by_groups[k][0].append(s)
        by_groups[k][1].append(r)
    rer_by = {"name": "dealer_network_by_dealer", "original": scores, "rerated": rer, "keys": keys, "basis": "original",
              "expected": [{"key": k, **rerating(by_groups[k][0], by_groups[k][1], "original")} for k in sorted(by_groups)]}

    flag_cases = [
        {"name": "dealers_with_rerating", "scores": scores, "keys": keys, "rerated": rer, "alpha": 0.001,
         "min_n": 20, "correction": "bonferroni",
         "expected": flags(scores, keys, rer, Fr(1, 1000), 20, "bonferroni")},
        {"name": "dealers_scores_only", "scores": scores, "keys": keys, "rerated": None, "alpha": 0.001,
         "min_n": 30, "correction": "bonferroni",
         "expected": flags(scores, keys, None, Fr(1, 1000), 30, "bonferroni")},
        {"name": "uncorrected_alpha_0.01", "scores": scores, "keys": keys, "rerated": None, "alpha": 0.01,
         "min_n": 10, "correction": "none",
         "expected": flags(scores, keys, None, Fr(1, 100), 10, "none")},
        {"name": "single_group_has_no_network", "scores": [10, 9, 3], "keys": [4, 4, 4], "rerated": None,
         "alpha": 0.001, "min_n": 1, "correction": "bonferroni",
         "expected": flags([10, 9, 3], [4, 4, 4], None, Fr(1, 1000), 1, "bonferroni")},
        {"name": "network_without_tens", "scores": [9, 8, 9, 7, 10, 10], "keys": [1, 1, 1, 1, 2, 2],
         "rerated": None, "alpha": 0.001, "min_n": 1, "correction": "bonferroni",
         "expected": flags([9, 8, 9, 7, 10, 10], [1, 1, 1, 1, 2, 2], None, Fr(1, 1000), 1, "bonferroni")},
    ]

    binomial = []
    for x, n, pn, pd, upper in (
        (0, 0, 1, 2, True), (3, 3, 1, 2, True), (0, 50, 1, 5, False), (1, 50, 1, 5, False),
        (30, 100, 1, 4, True), (10, 100, 1, 4, False), (25, 100, 1, 4, True), (25, 100, 1, 4, False),
        (60, 80, 1, 4, True), (0, 60, 3, 10, False), (1900, 2000, 1, 2, True), (100, 2000, 1, 2, False),
        (500, 2000, 1, 4, True), (499, 2000, 1, 4, False), (2000, 2000, 9, 10, True), (7, 1500, 1, 100, False),
    ):
        v = tail(x, n, Fr(pn, pd), upper)
        binomial.append({"x": x, "n": n, "p": pn / pd, "tail": "upper" if upper else "lower",
                         "ln_p": ln_fr(v), "p_value": float(v)})

    errors = [
        {"name": "invalid_original", "original": [9, 11, 3], "rerated": [None, None, 10],
         "kind": "invalid_score", "index": 1, "column": "original"},
        {"name": "invalid_rerated", "original": [9, 8, 3], "rerated": [None, None, 12],
         "kind": "invalid_value", "index": 2, "column": "rerated"},
        {"name": "fractional_rerated", "original": [9, 8, 3], "rerated": [6.5, None, None],
         "kind": "invalid_value", "index": 0, "column": "rerated"},
        {"name": "first_bad_row_wins", "original": [9, 8, -1], "rerated": [None, 11, None],
         "kind": "invalid_value", "index": 1, "column": "rerated"},
        {"name": "length_mismatch", "original": [9, 8, 3], "rerated": [None, None],
         "kind": "length_mismatch", "index": None, "column": "rerated"},
    ]

    doc = {
        "generator": GENERATOR,
        "tolerances": {"nps": TOL_NPS, "ln_rtol": LN_RTOL, "ln_atol": LN_ATOL},
        "rerated": rer_cases,
        "rerated_by": rer_by,
        "flags": flag_cases,
        "binomial": binomial,
        "errors": errors,
    }
    OUT.write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
