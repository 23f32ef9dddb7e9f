#!/usr/bin/env python3
"""Golden vectors of repair-order timelines (issue 14), computed independently of nps.

Stdlib only (fractions for every mean and share, a hand-written type 7
quantile, business time by intersecting each day's opening ranges); never
imports nps. Writes tests/golden/flow_vectors.json deterministically; read by
tests/integration/flow.rs, tests/c/test_flow.c and tests/python/test_flow.py.
Schema: tests/golden/README.md ("flow_vectors").
Run: python3 tests/golden/gen_flow_vectors.py

Sections:
- ``defaults``: the documented defaults of nps_core::flow (vocabulary,
  stages, lead time, options).
- ``cases``: milestone tables (``ro``, ``milestone``, ``at``; optional
  ``by``, ``period``, ``tz``, ``calendar``, ``stages``, ``milestones``,
  ``on_anomaly``, ``promise_end``, ``silence_threshold_s``,
  ``update_lead_s``) and the expected stages, promises, silence and
  anomalies, or the error (kind, repair order, milestone). Case ``source``
  holds the source articles' numbers: 15 minutes to reach an advisor
  against a 3-minute target; promised 2 h and took 4 h (+100 %) or 5 h
  (+150 %); Li's tyre visit (第一站–第六站) inside every target.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from fractions import Fraction as F

UTC = dt.timezone.utc
H, M = 3600, 60

ORDERED = ["booked", "arrived", "greeted", "inspected", "diagnosed", "authorized",
           "repair_started", "repair_finished", "delivered", "left"]
DEFAULT_MILESTONES = ([{"name": n, "ordered": True, "repeats": False} for n in ORDERED]
                      + [{"name": "promised", "ordered": False, "repeats": False},
                         {"name": "updated", "ordered": False, "repeats": True}])
DEFAULT_STAGES = [
    {"name": "reception", "from": "arrived", "to": "greeted", "target_s": 180, "value_added": False},
    {"name": "inspection", "from": "greeted", "to": "inspected", "target_s": None, "value_added": True},
    {"name": "diagnosis", "from": "inspected", "to": "diagnosed", "target_s": None, "value_added": True},
    {"name": "authorization", "from": "diagnosed", "to": "authorized", "target_s": None, "value_added": False},
    {"name": "repair_wait", "from": "authorized", "to": "repair_started", "target_s": None, "value_added": False},
    {"name": "repair", "from": "repair_started", "to": "repair_finished", "target_s": None, "value_added": True},
    {"name": "delivery", "from": "repair_finished", "to": "left", "target_s": 900, "value_added": False},
]
DEFAULTS = {
    "milestones": DEFAULT_MILESTONES,
    "stages": DEFAULT_STAGES,
    "lead_time": ["arrived", "left"],
    "on_anomaly": "skip",
    "promise_end": "repair_finished",
    "silence_threshold_s": 3600,
    "update_lead_s": 3600,
}
TOL = 1e-9


def ts(y, mo, d, h=0, mi=0):
    return int(dt.datetime(y, mo, d, h, mi, tzinfo=UTC).timestamp())


def fl(x):
    return None if x is None else float(x)


def q7(xs, p):
    """Hyndman & Fan type 7 on sorted exact values."""
    if not xs:
        return None
    s = sorted(xs)
    h = (len(s) - 1) * F(p)
    lo = int(h)  # floor: h >= 0
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (h - lo) * (s[hi] - s[lo])


def dist(xs):
    xs = [F(x) for x in xs]
    return {
        "n": len(xs),
        "mean": fl(sum(xs) / len(xs)) if xs else None,
        "median": fl(q7(xs, F(1, 2))),
        "p90": fl(q7(xs, F(9, 10))),
    }


# ---- business time (UTC calendars only: weekday -> ranges) ----

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def hm(text):
    h, m = text.split(":")
    return int(h) * H + int(m) * M


def business(cal, a, b):
    """Seconds of [a, b) inside the weekly opening ranges (UTC zone)."""
    total = 0
    day = dt.datetime.fromtimestamp(a, UTC).date() - dt.timedelta(days=1)
    last = dt.datetime.fromtimestamp(b, UTC).date()
    while day <= last:
        base = int(dt.datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())
        for lo, hi in cal["weekly"].get(DAYS[day.weekday()], []):
            x, y = max(a, base + hm(lo)), min(b, base + hm(hi))
            if x < y:
                total += y - x
        day += dt.timedelta(days=1)
    return total


# ---- the oracle ----

def oracle(case):
    vocab = case.get("milestones") or DEFAULT_MILESTONES
    stages = case.get("stages") or DEFAULT_STAGES
    lead = DEFAULTS["lead_time"]
    raise_ = case.get("on_anomaly") == "raise"
    cal = case.get("calendar")
    clock = (lambda a, b: business(cal, a, b)) if cal else (lambda a, b: b - a)
    names = [m["name"] for m in vocab]
    rows = list(zip(case["ro"], case["milestone"], case["at"]))
    by = case.get("by")
    tl = {}   # ro -> name -> list of instants
    for i, (ro, m, t) in enumerate(rows):
        tl.setdefault(ro, {}).setdefault(m, []).append(t)
    ros = sorted(tl)  # keys sort the same in every language (all ints or all str)
    needed = set()
    for s in stages:
        needed |= {s["from"], s["to"]}
    needed |= set(lead)
    first = {ro: {m: min(v) for m, v in tl[ro].items()} for ro in ros}
    anomalies = []
    skipped = set()
    for ro in ros:
        latest = None
        for spec in vocab:
            n = spec["name"]
            kinds = []
            if n not in first[ro]:
                if n in needed:
                    kinds.append("missing")
            else:
                if len(tl[ro][n]) > 1 and not spec["repeats"]:
                    kinds.append("repeated")
                if spec["ordered"]:
                    if latest is not None and first[ro][n] < latest:
                        kinds.append("out_of_order")
                    latest = first[ro][n] if latest is None else max(latest, first[ro][n])
            for k in kinds:
                if raise_:
                    return {"error": {"kind": "invalid_event", "ro": ro, "milestone": n}}
                anomalies.append([ro, n, k])
                if k == "out_of_order":
                    skipped.add(ro)
    # groups: key (by of the ro's rows) x period (day of the arrived instant, UTC)
    period = case.get("period")
    assert period in (None, "day")

    def group_of(ro):
        key = None
        if by is not None:
            keys = {by[i] for i, r in enumerate(case["ro"]) if r == ro}
            assert len(keys) == 1
            key = keys.pop()
        day = None
        if period:
            anchor = first[ro].get("arrived", min(first[ro].values()))
            day = dt.datetime.fromtimestamp(anchor, UTC).date().isoformat()
        return (key, day)

    grouped = by is not None or period is not None
    labels = sorted({group_of(ro) for ro in ros}, key=lambda kd: (kd[0] is None, kd)) if grouped else [(None, None)]

    def dur(ro, a, b):
        if ro in skipped or a not in first[ro] or b not in first[ro]:
            return None
        x, y = first[ro][a], first[ro][b]
        assert y >= x
        return clock(x, y)

    def stage_group(members):
        leads = {ro: dur(ro, *lead) for ro in members}
        lead_sum = sum(v for v in leads.values() if v is not None)
        out_stages = []
        va = 0
        best = None
        for s in stages:
            d = {ro: dur(ro, s["from"], s["to"]) for ro in members}
            got = [v for v in d.values() if v is not None]
            in_lead = sum(v for ro, v in d.items() if v is not None and leads[ro] is not None)
            if s["value_added"]:
                va += in_lead
            t = s.get("target_s")
            share = fl(F(in_lead, lead_sum)) if lead_sum > 0 else None
            if share is not None and share > 0 and (best is None or share > best[1]):
                best = (s["name"], share)
            ds = dist(got)
            out_stages.append({
                "stage": s["name"], "n": len(got), "missing": len(members) - len(got),
                "mean_s": ds["mean"], "median_s": ds["median"], "p90_s": ds["p90"],
                "target_s": t,
                "within_target": fl(F(sum(1 for v in got if v <= t), len(got))) if t is not None and got else None,
                "share_of_lead_time": share,
                "value_added": s["value_added"],
            })
        got_leads = [v for v in leads.values() if v is not None]
        return {
            "repair_orders": len(members),
            "stages": out_stages,
            "lead_time": dist(got_leads),
            "lead_time_missing": len(members) - len(got_leads),
            "process_cycle_efficiency": fl(F(va, lead_sum)) if lead_sum > 0 else None,
            "bottleneck": best[0] if best else None,
        }

    end = case.get("promise_end", "repair_finished")

    def promise_group(members):
        per = []
        for ro in members:
            f = first[ro]
            if ro in skipped or not {"promised", "arrived", end} <= set(f):
                continue
            p, a, e = f["promised"], f["arrived"], f[end]
            over = clock(p, e) if e > p else 0
            promised = clock(a, p) if p > a else 0
            per.append((e <= p, over, F(over, promised) if promised > 0 else None))
        n = len(per)
        on = sum(1 for x in per if x[0])
        return {"n": n, "missing": len(members) - n, "on_time": fl(F(on, n)) if n else None,
                "overrun_s": dist([x[1] for x in per]),
                "overrun_relative": dist([x[2] for x in per if x[2] is not None])}

    thr = case.get("silence_threshold_s", 3600)
    lead_s = case.get("update_lead_s", 3600)

    def silence_group(members):
        per = []
        for ro in members:
            f = first[ro]
            if ro in skipped or "repair_started" not in f or "repair_finished" not in f:
                continue
            s, e = f["repair_started"], f["repair_finished"]
            if e < s:
                continue
            ups = sorted(u for u in tl[ro].get("updated", []) if s <= u <= e)
            points = [s] + ups + [e]
            longest = max(clock(x, y) for x, y in zip(points, points[1:]))
            told = any(clock(u, e) >= lead_s for u in ups)
            per.append((longest, told))
        n = len(per)
        above = sum(1 for x in per if x[0] > thr)
        told = sum(1 for x in per if x[1])
        return {"n": n, "missing": len(members) - n,
                "longest_gap_s": dist([x[0] for x in per]),
                "above_threshold": fl(F(above, n)) if n else None,
                "told_ahead": fl(F(told, n)) if n else None}

    def each(fn):
        out = {"overall": fn(ros), "groups": []}
        for key, day in labels:
            members = [ro for ro in ros if not grouped or group_of(ro) == (key, day)]
            g = fn(members)
            g["key"] = key
            g["period"] = day
            out["groups"].append(g)
        return out

    counts = {k: sum(1 for a in anomalies if a[2] == k) for k in ("missing", "repeated", "out_of_order")}
    counts["skipped_ros"] = len(skipped)
    counts["list"] = anomalies
    return {"stages": each(stage_group), "promises": each(promise_group),
            "silence": each(silence_group), "anomalies": counts}


# ---- cases ----

class Log:
    def __init__(self):
        self.ro, self.milestone, self.at, self.by = [], [], [], []

    def add(self, ro, t0, steps, by=None):
        for name, minutes in steps:
            self.ro.append(ro)
            self.milestone.append(name)
            self.at.append(t0 + round(minutes * M))
            self.by.append(by)

    def case(self, name, with_by=False, **extra):
        c = {"name": name, "ro": self.ro, "milestone": self.milestone, "at": self.at}
        if with_by:
            c["by"] = self.by
        c.update(extra)
        return c


def full(minutes_list):
    """The ordered default milestones arrived..left at the given minutes."""
    names = ["arrived", "greeted", "inspected", "diagnosed", "authorized",
             "repair_started", "repair_finished", "left"]
    return list(zip(names, minutes_list))


def build_cases():
    cases = []
    # 1. The source's numbers. Li's Tuesday visit (第二站–第五站): arrived
    # 09:55, greeted at once, walk-around, diagnosis at 10:10, authorised,
    # repair 10:25–11:10 as promised, left at 11:20. The VSM's customer
    # waited 15 minutes for an advisor; two customers promised 2 hours
    # waited 4 and 5 hours.
    day = ts(2025, 6, 10)
    log = Log()
    log.add("li", day + 9 * H + 55 * M, full([0, 2, 10, 15, 23, 30, 75, 85])
            + [("promised", 75), ("updated", 45)])
    log.add("vsm", day + 9 * H, full([0, 15, 25, 45, 55, 70, 130, 140]))
    log.add("p4h", day + 8 * H, full([0, 3, 13, 28, 35, 45, 240, 250]) + [("promised", 120)])
    log.add("p5h", day + 8 * H, full([0, 2, 12, 30, 38, 50, 300, 312])
            + [("promised", 120), ("updated", 100), ("updated", 200)])
    cases.append(log.case("source"))

    # 2. Anomalies: a missing greeting, rework (a second repair_started),
    # greeted before arrived (out of order: left out), integer ids, grouped
    # by dealer and day.
    log = Log()
    d1, d2 = ts(2025, 3, 3), ts(2025, 3, 4)
    log.add(101, d1 + 9 * H, full([0, 5, 20, 40, 50, 60, 180, 190]) + [("promised", 150), ("updated", 120)], by="D1")
    log.add(102, d1 + 10 * H, [("arrived", 0), ("inspected", 15), ("diagnosed", 30),
                                ("authorized", 35), ("repair_started", 40), ("repair_finished", 100),
                                ("repair_started", 130), ("repair_finished", 160), ("left", 175),
                                ("promised", 90)], by="D1")
    log.add(103, d1 + 11 * H, [("greeted", 0), ("arrived", 4), ("inspected", 20), ("left", 60)], by="D2")
    log.add(104, d2 + 8 * H, full([0, 1, 11, 21, 31, 41, 101, 111]) + [("promised", 101), ("booked", -1440)], by="D2")
    log.add(105, d2 + 14 * H, full([0, 2, 7, 12, 14, 20, 20, 26]) + [("promised", 30)], by="D1")
    cases.append(log.case("anomalies", with_by=True, period="day", tz="UTC"))

    # 3. The same first repair order under raise: the second one's missing
    # greeting is the first anomaly.
    log = Log()
    log.add("a", d1 + 9 * H, full([0, 5, 20, 40, 50, 60, 180, 190]))
    log.add("b", d1 + 10 * H, [("arrived", 0), ("inspected", 15), ("left", 60)])
    cases.append(log.case("raise", on_anomaly="raise"))

    # 4. Business time: Mon–Fri 08:00–12:00 and 13:00–18:00 (UTC); a repair
    # across lunch, an overnight parts wait, a promise over the weekend.
    cal = {"tz": "UTC", "weekly": {d: [["08:00", "12:00"], ["13:00", "18:00"]]
                                   for d in ["mon", "tue", "wed", "thu", "fri"]}}
    log = Log()
    fri = ts(2025, 6, 13)
    log.add("c1", fri + 11 * H, full([0, 4, 20, 35, 45, 50, 150, 160]) + [("promised", 120), ("updated", 100)])
    log.add("c2", fri + 16 * H, full([0, 3, 15, 30, 60, 3 * 24 * 60 - 6 * 60, 3 * 24 * 60 - 3 * 60, 3 * 24 * 60 - 2 * 60 - 50])
            + [("promised", 3 * 24 * 60 - 5 * 60), ("updated", 3 * 24 * 60 - 4 * 60)])
    cases.append(log.case("business_time", calendar=cal))

    # 5. Silence: the workshop window with and without updates; a
    # 30-minute threshold and a 2-hour lead.
    log = Log()
    t0 = ts(2025, 5, 5, 9)
    log.add("s1", t0, full([0, 2, 10, 20, 25, 30, 330, 340])
            + [("updated", 60), ("updated", 150), ("updated", 240), ("updated", 320), ("updated", 5)])
    log.add("s2", t0, full([0, 2, 10, 20, 25, 30, 90, 95]))
    log.add("s3", t0 + H, full([0, 2, 10, 20, 25, 30, 150, 160]) + [("updated", 31), ("updated", 149)])
    log.add("s4", t0 + 2 * H, full([0, 2, 10, 20, 25, 30, 30, 35]))
    cases.append(log.case("silence", silence_threshold_s=1800, update_lead_s=7200))

    # 6. Custom stages and a custom vocabulary (a wash between repair and
    # pick-up), promises kept by delivery.
    vocab = ([{"name": n, "ordered": True, "repeats": False}
              for n in ["arrived", "greeted", "repair_started", "repair_finished", "washed", "delivered", "left"]]
             + [{"name": "promised", "ordered": False, "repeats": False},
                {"name": "updated", "ordered": False, "repeats": True}])
    stages = [
        {"name": "check_in", "from": "arrived", "to": "greeted", "target_s": 300, "value_added": False},
        {"name": "work", "from": "greeted", "to": "repair_finished", "target_s": None, "value_added": True},
        {"name": "wash", "from": "repair_finished", "to": "washed", "target_s": 1200, "value_added": True},
        {"name": "hand_over", "from": "washed", "to": "left", "target_s": None, "value_added": False},
    ]
    log = Log()
    t0 = ts(2025, 7, 1, 8)
    for i in range(6):
        log.add(f"w{i}", t0 + i * 1800, [("arrived", 0), ("greeted", 2 + 2 * i), ("repair_started", 30),
                                          ("repair_finished", 90 + 7 * i), ("washed", 100 + 9 * i),
                                          ("delivered", 110 + 9 * i), ("left", 115 + 10 * i),
                                          ("promised", 120)])
    cases.append(log.case("custom", milestones=vocab, stages=stages, promise_end="delivered"))
    return cases


def main():
    cases = build_cases()
    for c in cases:
        c["expected"] = oracle(c)
    # The hand-checked numbers of the source case.
    src = cases[0]["expected"]
    rec = src["stages"]["overall"]["stages"][0]
    assert rec["stage"] == "reception" and rec["target_s"] == 180
    assert rec["within_target"] == 0.75  # the VSM's 15 minutes miss the 3-minute target
    rel = sorted(src["promises"]["overall"]["overrun_relative"]["median"] for _ in [0])
    p = src["promises"]["overall"]
    assert p["n"] == 3 and p["on_time"] == 1 / 3
    # li 0 %, p4h +100 %, p5h +150 %: mean 250/3 %, median 100 %.
    assert p["overrun_relative"]["median"] == 1.0 and rel
    assert abs(p["overrun_relative"]["mean"] - 2.5 / 3) < 1e-15
    assert cases[2]["expected"] == {"error": {"kind": "invalid_event", "ro": "b", "milestone": "greeted"}}
    data = {
        "about": "Repair-order timelines (issue 14); generated by gen_flow_vectors.py",
        "defaults": DEFAULTS,
        "tolerance": TOL,
        "cases": cases,
    }
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "flow_vectors.json")
    with open(out, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, sort_keys=False)
        f.write("\n")


if __name__ == "__main__":
    main()
