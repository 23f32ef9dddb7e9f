#!/usr/bin/env python3
"""Golden vectors of workshop capacity (issue 14), computed independently of nps.

Plain Python with fractions (exact arrival rates and Erlang B) and mpmath
(50 digits, for the exponential of the share within target); never imports
nps. Writes tests/golden/workshop_vectors.json deterministically; read by
tests/integration/workshop.rs, tests/c/test_workshop.c and
tests/python/test_workshop.py. Schema: tests/golden/README.md
("workshop_vectors"). Run: python3 tests/golden/gen_workshop_vectors.py

Sections:
- ``staffing``: arrival instants (Unix seconds), an optional business
  calendar (JSON, zones without daylight saving so local time is a fixed
  offset here), options and an optional roster (an int for every interval
  or ``[weekday, start_s, servers]`` entries); expected per weekday ×
  interval with open time: arrivals, open seconds, the arrival rate per
  hour (arrivals ÷ open time), the offered load, the Erlang C servers
  needed (smallest c > A whose share waiting at most the target reaches
  the target share) and, with a roster, utilization, P(wait), mean wait,
  share within target and stability; plus the number of local dates and
  the arrivals outside opening hours.
- ``capacity``: options and the exact gain per day and year and the
  revenue (rounded half away from zero).
- ``defaults``: the default options of both, a staffing call with
  defaults only, and ``capacity_gain()`` with defaults (16 a day, 4000 a
  year, 3,200,000.00 CNY; the source's 8 a day is a share of 0.5).
- ``bad``: inputs each binding must reject, with the error kind and the
  argument it names.
- ``estimate`` / ``parts``: estimate accuracy and parts availability, some
  grouped by a key column and/or a calendar period (``timestamps``,
  ``period``, ``tz``; groups sorted by key, then period start, each with
  its share(s)), some with a ``split``: the result of rows ``[:split]``
  merged with that of ``[split:]`` must equal ``expected`` (one pass).
  ``bad_estimate``, ``bad_parts``: inputs to reject; ``bad_estimate_merge``:
  two option sets whose results must not merge (an error naming
  ``other`` and the option).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import random
from fractions import Fraction as F

import mpmath

mpmath.mp.dps = 50

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
OFFSET = {"UTC": 0, "Asia/Shanghai": 8 * 3600}

DEFAULT_STAFFING = {
    "interval_s": 3600,
    "service_time_s": 900.0,
    "target_wait_s": 180.0,
    "target_share": 0.9,
}
DEFAULT_CAPACITY = {
    "before_minutes": 15.0,
    "after_minutes": 10.0,
    "hours_per_day": 8.0,
    "share_of_time": 1.0,
    "days": 250.0,
    "ticket_minor": 80000,
    "currency": "CNY",
}


def hm(text):
    h, m = text.split(":")
    return int(h) * 3600 + int(m) * 60


def mp(q: F):
    return mpmath.mpf(q.numerator) / q.denominator


def erlang(a: F, c: int, s: F, t: F):
    """(P(wait), mean wait, share waiting at most t) of M/M/c, or None if
    a >= c. Erlang B exactly, then C = c·B / (c − A(1 − B))."""
    if a >= c:
        return None
    b = F(1)
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    p = c * b / (c - a * (1 - b))
    wq = p * s / (c - a)
    x = (c - a) * t / s
    within = 1 - mp(p) * mpmath.exp(-mp(x))
    return p, wq, within


def needed(a: F, s: F, t: F, share: F) -> int:
    c = math.floor(a) + 1
    while True:
        _, _, within = erlang(a, c, s, t)
        if within >= mp(share):
            return c
        c += 1


def staffing(arrivals, tz, calendar, options, roster):
    o = {**DEFAULT_STAFFING, **options}
    interval = o["interval_s"]
    s = F(o["service_time_s"])
    t = F(o["target_wait_s"])
    share = F(o["target_share"])
    off = OFFSET[tz]
    per_day = 86400 // interval
    first = min(arrivals) + off
    last = max(arrivals) + off
    d0, d1 = first // 86400, last // 86400  # local day numbers
    days = d1 - d0 + 1
    week = None
    if calendar is not None:
        week = {
            WEEKDAYS.index(k): [(hm(a), hm(b)) for a, b in v]
            for k, v in calendar["weekly"].items()
        }

    def weekday(day):
        return (dt.date(1970, 1, 1) + dt.timedelta(days=day)).weekday()

    def ranges(day):
        if week is None:
            return [(0, 86400)]
        return week.get(weekday(day), [])

    open_s = {}
    for day in range(d0, d1 + 1):
        wd = weekday(day)
        for k in range(per_day):
            a, b = k * interval, (k + 1) * interval
            sec = sum(max(0, min(b, y) - max(a, x)) for x, y in ranges(day))
            open_s[(wd, k)] = open_s.get((wd, k), 0) + sec
    counts = {}
    outside = 0
    for at in arrivals:
        local = at + off
        day, sod = local // 86400, local % 86400
        if not any(x <= sod < y for x, y in ranges(day)):
            outside += 1
            continue
        key = (weekday(day), sod // interval)
        counts[key] = counts.get(key, 0) + 1
    rost = None
    if isinstance(roster, int):
        rost = {key: roster for key in open_s}
    elif roster is not None:
        rost = {(w, st // interval): n for w, st, n in roster}
    rows = []
    for wd in range(7):
        for k in range(per_day):
            op = open_s.get((wd, k), 0)
            if op == 0:
                continue
            n = counts.get((wd, k), 0)
            lam = F(n, op)
            a = lam * s
            row = {
                "weekday": WEEKDAYS[wd],
                "start_s": k * interval,
                "hour": k * interval // 3600,
                "start": "%02d:%02d" % (k * interval // 3600, k * interval % 3600 // 60),
                "arrivals": n,
                "open_s": op,
                "arrival_rate": float(lam * 3600),
                "offered_load": float(a),
                "servers": 0 if n == 0 else needed(a, s, t, share),
            }
            if rost is not None:
                c = rost[(wd, k)]
                row["roster"] = c
                row["utilization"] = None if c == 0 else float(a / c)
                if n == 0:
                    q = (F(0), F(0), mpmath.mpf(1))
                elif c == 0:
                    q = None
                else:
                    q = erlang(a, c, s, t)
                row["stable"] = q is not None
                row["prob_wait"] = None if q is None else float(q[0])
                row["mean_wait_s"] = None if q is None else float(q[1])
                row["within_target"] = None if q is None else float(q[2])
            rows.append(row)
    return {"days": days, "outside_hours": outside, "rows": rows}


def capacity(options):
    o = {**DEFAULT_CAPACITY, **options}
    minutes = F(o["hours_per_day"]) * 60 * F(o["share_of_time"])
    per_day = minutes / F(o["after_minutes"]) - minutes / F(o["before_minutes"])
    per_year = per_day * F(o["days"])
    rev = per_year * o["ticket_minor"]
    sign = -1 if rev < 0 else 1
    rev = abs(rev)
    r = math.floor(rev) + (1 if rev - math.floor(rev) >= F(1, 2) else 0)
    return {
        "per_day": float(per_day),
        "per_year": float(per_year),
        "revenue_minor": sign * r,
        "currency": o["currency"],
    }


def quantile(sorted_values, p):
    if not sorted_values:
        return None
    h = (len(sorted_values) - 1) * p
    lo = math.floor(h)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (h - lo) * (sorted_values[hi] - sorted_values[lo])


def distribution(values):
    v = sorted(values)
    return {
        "n": len(v),
        "mean": None if not v else float(sum(v) / len(v)),
        "median": None if not v else float(quantile(v, F(1, 2))),
        "p90": None if not v else float(quantile(v, F(9, 10))),
    }


def local_date(t, tz):
    return dt.date(1970, 1, 1) + dt.timedelta(days=(t + OFFSET[tz]) // 86400)


def period_start(t, period, tz):
    """The local first day of the period of instant ``t`` (Monday weeks)."""
    d = local_date(t, tz)
    if period == "day":
        return d
    if period == "week":
        return d - dt.timedelta(days=d.weekday())
    if period == "month":
        return d.replace(day=1)
    if period == "quarter":
        return d.replace(month=(d.month - 1) // 3 * 3 + 1, day=1)
    if period == "year":
        return d.replace(month=1, day=1)
    raise ValueError(period)


def labels(n, keys, timestamps, period, tz):
    """The group label of every row: (key or None, period start or None)."""
    out = []
    for i in range(n):
        k = keys[i] if keys is not None else None
        p = period_start(timestamps[i], period, tz).isoformat() if period else None
        out.append((k, p))
    return out


def sort_label(label):
    k, p = label
    return ("" if k is None else k, "" if p is None else p)


def estimate(quoted, final, approved, tolerance, keys=None, timestamps=None, period=None, tz="UTC"):
    """Estimate accuracy: within |f - q| <= tol * q (exact), overruns,
    unapproved increases f > q + approved; a quote of 0 is no data."""
    tol = F(tolerance)
    rows = []
    for i, (q, f) in enumerate(zip(quoted, final)):
        if q == 0:
            rows.append(None)
            continue
        a = approved[i] if approved is not None else 0
        rows.append((abs(f - q) <= tol * q, f - q > a, max(0, f - q - a), F(f - q), F(f - q, q)))
    used = [r for r in rows if r is not None]

    def kpi(idx, sel):
        num = sum(1 for r in sel if r is not None and r[idx])
        den = sum(1 for r in sel if r is not None)
        return {"numerator": num, "denominator": den, "value": None if den == 0 else num / den,
                "coverage": None if not sel else den / len(sel)}

    out = {
        "within": kpi(0, rows),
        "unapproved": kpi(1, rows),
        "unapproved_minor": sum(r[2] for r in used),
        "overrun_minor": distribution([r[3] for r in used]),
        "overrun_relative": distribution([r[4] for r in used]),
    }
    if keys is not None or period is not None:
        lab = labels(len(rows), keys, timestamps, period, tz)
        groups = []
        for label in sorted(set(lab), key=sort_label):
            sel = [r for r, ll in zip(rows, lab) if ll == label]
            groups.append({"key": label[0], "period_start": label[1],
                           "within": kpi(0, sel), "unapproved": kpi(1, sel)})
        out["groups"] = groups
    return out


def parts(ro, from_stock, wait, keys=None, timestamps=None, period=None, tz="UTC"):
    """Fill rate = lines from stock / lines; ROs delayed = ROs with a line not
    from stock / ROs; waits of lines not from stock that were recorded. Per
    group: the same over the group's lines (an RO counts once per group it
    has lines in)."""
    n = len(ro)

    def fill(sel):
        num = sum(1 for i in sel if from_stock[i])
        den = len(sel)
        return {"numerator": num, "denominator": den, "value": None if den == 0 else num / den,
                "coverage": None if den == 0 else 1.0}

    def delayed(sel):
        ros = {}
        for i in sel:
            ros[ro[i]] = ros.get(ro[i], False) or not from_stock[i]
        d = sum(ros.values())
        return {"numerator": d, "denominator": len(ros),
                "value": None if not ros else d / len(ros),
                "coverage": None if not sel else 1.0}

    def waits(sel):
        return distribution([F(wait[i]) for i in sel
                             if wait is not None and not from_stock[i] and wait[i] is not None])

    every = list(range(n))
    out = {
        "fill_rate": fill(every),
        "delayed_ros": delayed(every),
        "wait_s": waits(every),
    }
    if keys is not None or period is not None:
        lab = labels(n, keys, timestamps, period, tz)
        groups = []
        for label in sorted(set(lab), key=sort_label):
            sel = [i for i in range(n) if lab[i] == label]
            groups.append({"key": label[0], "period_start": label[1], "fill_rate": fill(sel),
                           "delayed_ros": delayed(sel), "wait_s": waits(sel)})
        out["groups"] = groups
    return out


def ts(y, m, d, h=0, mi=0, tz="UTC"):
    return int(dt.datetime(y, m, d, h, mi, tzinfo=dt.timezone.utc).timestamp()) - OFFSET[tz]


def history(rng, tz, start, days, per_hour_by_weekday, open_hours):
    """Arrivals with a rate per weekday × hour (a deterministic draw)."""
    out = []
    for d in range(days):
        day = start + dt.timedelta(days=d)
        wd = day.weekday()
        for h in open_hours:
            n = per_hour_by_weekday[wd][h] if h in per_hour_by_weekday[wd] else 0
            for _ in range(rng.randint(max(0, n - 2), n + 2)):
                t0 = ts(day.year, day.month, day.day, h, tz=tz)
                out.append(t0 + rng.randrange(3600))
    rng.shuffle(out)
    return out


def main():
    rng = random.Random(14)
    shanghai_cal = {
        "tz": "Asia/Shanghai",
        "weekly": {
            **{d: [["08:30", "12:00"], ["13:30", "18:00"]] for d in WEEKDAYS[:5]},
            "sat": [["09:00", "12:00"]],
        },
    }
    # Monday mornings are the peak; lunch is closed; Saturday half a day.
    peaks = {
        wd: {h: (9 if wd == 0 and h in (9, 10) else 5 if h in (8, 9, 10, 14) else 3) for h in range(8, 18)}
        for wd in range(7)
    }
    shanghai = history(rng, "Asia/Shanghai", dt.date(2025, 6, 2), 21, peaks, range(8, 18))
    # A few arrivals during lunch and on Sunday: outside opening hours.
    shanghai += [ts(2025, 6, 4, 12, 20, "Asia/Shanghai"), ts(2025, 6, 8, 10, 0, "Asia/Shanghai")]
    utc_small = [ts(2025, 6, 2, 9, m) for m in (0, 5, 12, 30, 31, 45)] + [
        ts(2025, 6, 9, 9, 7),
        ts(2025, 6, 9, 10, 59),
        ts(2025, 6, 3, 23, 59),
    ]
    roster_entries = []
    for wd in range(6):
        for h in range(8, 18):
            if wd == 5 and not 9 <= h < 12:
                continue
            if wd < 5 and h == 12:
                # 12:00–13:00 is closed for lunch: not a row; the entry is unused.
                roster_entries.append([wd, h * 3600, 0])
                continue
            roster_entries.append([wd, h * 3600, 3 if (wd == 0 and h in (9, 10)) else 2])
    cases = [
        {
            "name": "utc_small_no_calendar",
            "tz": "UTC",
            "calendar": None,
            "arrivals": utc_small,
            "options": {},
            "roster": 1,
        },
        {
            "name": "utc_small_half_hours",
            "tz": "UTC",
            "calendar": None,
            "arrivals": utc_small,
            "options": {"interval_s": 1800, "service_time_s": 600.0, "target_wait_s": 60.0, "target_share": 0.8},
            "roster": None,
        },
        {
            "name": "shanghai_calendar_hourly",
            "tz": "Asia/Shanghai",
            "calendar": shanghai_cal,
            "arrivals": shanghai,
            "options": {"service_time_s": 900.0, "target_wait_s": 180.0, "target_share": 0.9},
            "roster": roster_entries,
        },
        {
            "name": "shanghai_calendar_half_hours",
            "tz": "Asia/Shanghai",
            "calendar": shanghai_cal,
            "arrivals": shanghai,
            "options": {"interval_s": 1800, "service_time_s": 720.0, "target_wait_s": 120.0, "target_share": 0.85},
            "roster": 2,
        },
        {
            "name": "shanghai_no_calendar_two_hours",
            "tz": "Asia/Shanghai",
            "calendar": None,
            "arrivals": shanghai,
            "options": {"interval_s": 7200, "service_time_s": 1200.0, "target_wait_s": 300.0, "target_share": 0.95},
            "roster": 4,
        },
    ]
    for c in cases:
        c["expected"] = staffing(c["arrivals"], c["tz"], c["calendar"], c["options"], c["roster"])
    capacity_cases = [
        {"name": "source_full_share", "options": {}},
        {"name": "source_half_share", "options": {"share_of_time": 0.5}},
        {
            "name": "usd_shorter_day",
            "options": {"before_minutes": 12.0, "after_minutes": 9.0, "hours_per_day": 7.5,
                        "share_of_time": 0.8, "days": 220.0, "ticket_minor": 65000, "currency": "USD"},
        },
        {"name": "thirds", "options": {"before_minutes": 7.0, "after_minutes": 6.0, "ticket_minor": 100}},
        {"name": "slower_is_a_loss", "options": {"before_minutes": 10.0, "after_minutes": 12.0, "currency": "JPY", "ticket_minor": 9000}},
    ]
    for c in capacity_cases:
        c["expected"] = capacity(c["options"])
    estimate_cases = [
        {"name": "source_800_to_1500", "quoted": [80000], "final": [150000], "approved": None,
         "tolerance": 0.1, "currency": "CNY"},
        {"name": "source_alignment_200", "quoted": [20000], "final": [20000], "approved": None,
         "tolerance": 0.1, "currency": "CNY"},
        {"name": "mixed_with_approvals_and_no_quote",
         "quoted": [80000, 20000, 0, 100000, 50000, 120000, 30000, 45000],
         "final": [150000, 20000, 9000, 110000, 40000, 160000, 33000, 45000],
         "approved": [0, 0, 0, 0, 0, 40000, 1000, 0],
         "tolerance": 0.1, "currency": "CNY", "currencies": ["CNY"] * 8,
         "keys": ["d1", "d1", "d1", "d2", "d2", "d2", "d3", "d3"], "split": 3},
        {"name": "usd_tolerance_5_percent", "quoted": [10000, 10000, 10000, 2500],
         "final": [10400, 10600, 9400, 2500], "approved": [0, 600, 0, 0],
         "tolerance": 0.05, "currency": "USD"},
        {"name": "no_quotes", "quoted": [0, 0], "final": [100, 200], "approved": None,
         "tolerance": 0.1, "currency": "CNY", "split": 1},
        # Dealer × month in Shanghai: 2025-05-31 16:30 UTC is June 1st
        # 00:30 local; a quote of 0 leaves a group with no data.
        {"name": "dealer_by_month_shanghai",
         "quoted": [80000, 20000, 100000, 50000, 0, 30000, 45000, 60000, 12000, 70000],
         "final": [150000, 20000, 108000, 40000, 5000, 33000, 45000, 90000, 12500, 70000],
         "approved": [0, 0, 0, 0, 0, 1000, 0, 20000, 0, 0],
         "tolerance": 0.1, "currency": "CNY",
         "keys": ["d1", "d2", "d1", "d2", "d3", "d1", "d2", "d1", "d3", "d2"],
         "timestamps": [ts(2025, 5, 3, 9), ts(2025, 5, 31, 16, 30), ts(2025, 6, 2, 10),
                        ts(2025, 5, 31, 15, 59), ts(2025, 6, 15), ts(2025, 6, 30, 15),
                        ts(2025, 6, 30, 16, 1), ts(2025, 5, 20), ts(2025, 7, 1), ts(2025, 5, 1)],
         "period": "month", "tz": "Asia/Shanghai", "split": 4},
        {"name": "by_week_only_usd",
         "quoted": [10000, 10000, 10000, 2500, 9900, 4000],
         "final": [10400, 12000, 9400, 2500, 9900, 3000],
         "approved": None, "tolerance": 0.05, "currency": "USD",
         "timestamps": [ts(2025, 6, 2, 8), ts(2025, 6, 8, 23, 59), ts(2025, 6, 9), ts(2025, 6, 4),
                        ts(2025, 6, 16, 12), ts(2025, 6, 10)],
         "period": "week", "tz": "UTC", "split": 2},
    ]
    for c in estimate_cases:
        c["expected"] = estimate(c["quoted"], c["final"], c["approved"], c["tolerance"], c.get("keys"),
                                 c.get("timestamps"), c.get("period"), c.get("tz", "UTC"))
    bad_estimate = [
        {"what": "mixed currencies", "quoted": [100, 100], "final": [100, 100], "currencies": ["CNY", "USD"],
         "tolerance": 0.1, "kind": "InvalidValue", "name": "currencies", "row": 1},
        {"what": "negative quote", "quoted": [100, -1], "final": [100, 100], "currencies": None,
         "tolerance": 0.1, "kind": "InvalidValue", "name": "quoted_minor", "row": 1},
        {"what": "final beyond 2^53", "quoted": [100], "final": [2**53 + 2], "currencies": None,
         "tolerance": 0.1, "kind": "InvalidValue", "name": "final_minor", "row": 0},
        {"what": "negative tolerance", "quoted": [100], "final": [100], "currencies": None,
         "tolerance": -0.1, "kind": "InvalidArgument", "name": "tolerance", "row": None},
        {"what": "length mismatch", "quoted": [100, 100], "final": [100], "currencies": None,
         "tolerance": 0.1, "kind": "LengthMismatch", "name": "final_minor", "row": None},
    ]
    parts_cases = [
        {"name": "source_three_day_wait", "ro": ["r1", "r1", "r2"], "from_stock": [True, True, False],
         "wait_s": [None, None, 259200]},
        {"name": "suppliers", "ro": ["a", "a", "b", "c", "c", "c", "d", "e"],
         "from_stock": [True, False, True, False, False, True, True, False],
         "wait_s": [None, 7200, None, 259200, 86400, None, 5, None],
         "keys": ["s1", "s2", "s1", "s2", "s2", "s1", "s3", "s3"],
         # RO c has lines on both sides of the split: one order, delayed.
         "split": 4},
        {"name": "no_waits_recorded", "ro": ["x", "y"], "from_stock": [False, True], "wait_s": None},
        {"name": "supplier_by_day_shanghai",
         "ro": ["a", "a", "b", "c", "c", "d", "d", "e", "f"],
         "from_stock": [True, False, True, False, True, True, True, False, False],
         "wait_s": [None, 172800, None, 259200, None, None, None, 3600, None],
         "keys": ["s1", "s2", "s1", "s2", "s1", "s1", "s1", "s3", "s2"],
         "timestamps": [ts(2025, 6, 2, 1), ts(2025, 6, 2, 1), ts(2025, 6, 2, 15, 59),
                        ts(2025, 6, 2, 16), ts(2025, 6, 2, 16), ts(2025, 6, 3, 9),
                        ts(2025, 6, 3, 9), ts(2025, 6, 3, 18), ts(2025, 6, 1, 17)],
         "period": "day", "tz": "Asia/Shanghai", "split": 4},
        {"name": "by_month_only", "ro": ["r1", "r2", "r2", "r3"],
         "from_stock": [False, True, False, True], "wait_s": [259200, None, 0, None],
         "timestamps": [ts(2025, 1, 31, 23, 59), ts(2025, 2, 1), ts(2025, 2, 1, 1), ts(2025, 3, 9)],
         "period": "month", "tz": "UTC", "split": 2},
    ]
    for c in parts_cases:
        c["expected"] = parts(c["ro"], c["from_stock"], c["wait_s"], c.get("keys"),
                              c.get("timestamps"), c.get("period"), c.get("tz", "UTC"))
    bad_estimate_merge = [
        {"what": "another tolerance", "a": {"tolerance": 0.1, "currency": "CNY"},
         "b": {"tolerance": 0.05, "currency": "CNY"}, "name": "other", "option": "tolerance"},
        {"what": "another currency", "a": {"tolerance": 0.1, "currency": "CNY"},
         "b": {"tolerance": 0.1, "currency": "USD"}, "name": "other", "option": "currency"},
    ]
    bad_parts = [
        {"what": "negative wait", "ro": ["a", "b"], "from_stock": [True, False], "wait_s": [None, -1],
         "kind": "InvalidValue", "name": "wait_s", "row": 1},
    ]
    default_arrivals = [ts(2025, 6, 2, 9, m) for m in range(0, 60, 4)] + [ts(2025, 6, 3, 14, 30)]
    defaults = {
        "staffing_options": DEFAULT_STAFFING,
        "capacity_options": DEFAULT_CAPACITY,
        "staffing": {
            "arrivals": default_arrivals,
            "expected": staffing(default_arrivals, "UTC", None, {}, None),
        },
        "capacity": capacity({}),
        "estimate_options": {"tolerance": 0.1, "currency": "CNY"},
        "estimate": {"quoted": [80000, 20000, 100000], "final": [150000, 20000, 109999],
                     "expected": estimate([80000, 20000, 100000], [150000, 20000, 109999], None, 0.1)},
    }
    bad = [
        {"what": "no arrivals", "arrivals": [], "options": {}, "roster": None, "kind": "NoData", "name": None},
        {"what": "interval not dividing the day", "arrivals": [0], "options": {"interval_s": 420}, "roster": None,
         "kind": "InvalidArgument", "name": "interval"},
        {"what": "interval below a minute", "arrivals": [0], "options": {"interval_s": 30}, "roster": None,
         "kind": "InvalidArgument", "name": "interval"},
        {"what": "service time 0", "arrivals": [0], "options": {"service_time_s": 0.0}, "roster": None,
         "kind": "InvalidArgument", "name": "service_time"},
        {"what": "negative target wait", "arrivals": [0], "options": {"target_wait_s": -1.0}, "roster": None,
         "kind": "InvalidArgument", "name": "target_wait"},
        {"what": "target share 1", "arrivals": [0], "options": {"target_share": 1.0}, "roster": None,
         "kind": "InvalidArgument", "name": "target_share"},
        {"what": "history of 200 years", "arrivals": [0, 200 * 366 * 86400], "options": {}, "roster": None,
         "kind": "InvalidArgument", "name": "arrivals"},
        {"what": "roster missing an interval", "arrivals": [ts(2025, 6, 2, 9)], "options": {},
         "roster": [[0, 9 * 3600, 1]], "kind": "InvalidArgument", "name": "roster"},
        {"what": "roster weekday 7", "arrivals": [ts(2025, 6, 2, 9)], "options": {},
         "roster": [[7, 9 * 3600, 1]], "kind": "InvalidValue", "name": "roster"},
        {"what": "roster start off the interval", "arrivals": [ts(2025, 6, 2, 9)], "options": {},
         "roster": [[0, 9 * 3600 + 60, 1]], "kind": "InvalidValue", "name": "roster"},
    ]
    bad_capacity = [
        {"what": "after 0", "options": {"after_minutes": 0.0}, "name": "after_minutes"},
        {"what": "share 0", "options": {"share_of_time": 0.0}, "name": "share_of_time"},
        {"what": "share above 1", "options": {"share_of_time": 1.5}, "name": "share_of_time"},
        {"what": "25-hour day", "options": {"hours_per_day": 25.0}, "name": "hours_per_day"},
        {"what": "negative days", "options": {"days": -1.0}, "name": "days"},
        {"what": "negative ticket", "options": {"ticket_minor": -1}, "name": "ticket_minor"},
        {"what": "unknown currency", "options": {"currency": "XYZ"}, "name": "currency"},
    ]
    out = {
        "about": "Workshop capacity golden vectors (issue 14); see gen_workshop_vectors.py.",
        "tolerance": 1e-12,
        "defaults": defaults,
        "staffing": cases,
        "capacity": capacity_cases,
        "bad": bad,
        "bad_capacity": bad_capacity,
        "estimate": estimate_cases,
        "bad_estimate": bad_estimate,
        "bad_estimate_merge": bad_estimate_merge,
        "parts": parts_cases,
        "bad_parts": bad_parts,
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "workshop_vectors.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, sort_keys=True, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
