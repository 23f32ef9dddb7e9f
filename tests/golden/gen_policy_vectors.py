#!/usr/bin/env python3
"""Independent oracle for the recovery-policy golden vectors.

Writes ``tests/golden/policy_vectors.json``, read by the Rust
(``tests/integration/policy.rs``), C and Python suites.

It uses the Python standard library only (``zoneinfo``, ``datetime``,
``json``, ``decimal``, ``random``) and never imports or calls the nps
library. Expected values are derived from SPEC §4.1-4.4 and §4.6 and from
the documented boundary rules of ``nps_core::calendar`` / ``nps_core::policy``
(rustdoc), with algorithms of its own:

- business time is the measure of the *union* of opening intervals (each
  local opening range turned into UTC instants with ``zoneinfo``), minus the
  union of the pauses; elapsed time is interval arithmetic, and a deadline is
  found by **bisection** on elapsed time (the smallest instant at which the
  wanted business time has elapsed) -- not by walking forward as the library
  does. Vectors away from DST transitions are cross-checked by a
  minute-by-minute walk over local wall-clock time;
- money sums are exact integers; exchange rates use ``decimal`` with
  ROUND_HALF_EVEN in the target currency's minor unit.

Run from anywhere:  python3 tests/golden/gen_policy_vectors.py
The output is deterministic (byte-identical on every run).

SCHEMA of policy_vectors.json (also in tests/golden/README.md)
----------------------------------------------------------------
Conventions: instants are Unix seconds (UTC, integers); money is
{"minor": int, "currency": "CNY"}; durations are {"unit": "wall"|"business",
"seconds": n} or {"unit": "business_days", "days": n}; roles are strings
("service_advisor", "service_manager", "regional_manager"); alert is
"red"|"yellow"|"orange"|null; tier is "S"|"A"|"B"|null. A calendar is the
JSON object ``Calendar::from_json`` accepts (tz, weekly, schedules,
holidays, working_days). A pause is {"start": t, "end": t}.

Every vector has "name" (unique in its section) and may have:
  "policy_patch": an RFC 7386 JSON Merge Patch applied to the JSON of the
      default policy (Rust ``Policy::default().to_json()``, or the binding's
      equivalent) before loading it: objects merge key by key, arrays are
      replaced whole, null removes a key (= the field's default). No patch =
      the default policy.
  "known_issue": a string; the vector states what the oracle believes is
      right but the library currently disagrees. Readers skip it and print
      the note.
  "comment": free text (local times etc.), ignored by readers.
  "error": {"kind": K, ...} instead of "expect": the call must fail with the
      ErrorKind::name() K ("invalid_argument", "invalid_score",
      "invalid_policy"); "index" (for invalid_score) is the 0-based row.

{ "version": 1, "generator": "tests/golden/gen_policy_vectors.py",
  "default_policy": {...}  -- a SUBSET of the default policy's JSON: every
      key present here must be present in Policy::default().to_json() with a
      matching value (objects: recursively, keys not listed are ignored;
      arrays: same length, element-wise subset; scalars: equal).
  "triage": [ { "name", "policy_patch"?,
      "response": {"score": int, "submitted_at": t, "high_value": bool,
                   "public_opinion_risk": bool},
      "expect": {"category": "detractor"|"passive"|"promoter",
                 "alert", "tier", "owner": role|null,
                 "acknowledge_by": t|null, "contact_by": t|null,
                 "compensation_cap": money|null,
                 "escalate_immediately": bool, "escalate_to": role|null,
                 "mark": "urgent"|"important"|null}
      OR "error": {"kind": "invalid_score", "index": 0} } ],
  "approvals": [ { "name", "policy_patch"?,
      "items": [{"minor": int, "currency": str, "layer":
                 "problem_repair"|"loss_compensation"|"emotional_repair"}],
      "tier": "S"|"A"|"B"|null,
      "rates": [{"from": str, "to": str, "rate": "7.1234"}],
      "granted": {"case": money|null, "customer": money|null,
                  "vehicle": money|null},
      "expect": {"approver": role|null (null = deny), "path": [role, ...],
                 "total_minor": int (package total, policy currency),
                 "by_layer_minor": [problem_repair, loss_compensation,
                                    emotional_repair],
                 "within_cap": bool (case total within the tier cap)}
      OR "error": {"kind": "invalid_argument"} } ],
  "calendars": [ { "name", "calendar": {...},
      "op": "deadline": "start": t, "duration": {...}, "pauses": [...],
            "expect": {"deadline": t, "elapsed": s}  -- "elapsed" (business
            seconds from start to the deadline, pauses left out) is absent
            for wall durations
      "op": "elapsed": "start": t, "end": t, "pauses": [...],
            "expect": {"elapsed": s}
      OR "error": {"kind": "invalid_argument"} } ],
  "case_status": [ { "name", "policy_patch"?, "response": {...as triage},
      "progress": {"acknowledged_at": t|null, "contacted_at": t|null},
      "now": t, "case_id": str,
      "expect": {"deadlines": [{"name": "acknowledge"|"contact", "due": t,
                     "warn_at": t, "state": "pending"|"warned"|"breached"|
                     "met"|"met_late", "met_at": t|null,
                     "escalate_to": role|null}, ...]  (acknowledge first),
                 "events": [{"key": str, "kind": "warned"|"breached"|
                     "escalated", "deadline": str, "at": t,
                     "to": role|null}, ...]  sorted by (at, key); compare
                     after sorting the library's list the same way,
                 "next_fire_at": t|null} } ],
  "early_warnings": [ { "name", "policy_patch"?,
      "visit": {"promised_at": t|null, "now": t, "progress_inquiries": int,
                "messages": [str], "ratings": [int]},
      "expect": {"level": alert|null,
                 "warnings": [{"rule": "waiting"|"progress_inquiries"|
                     "angry_wording", "level": alert}, ...] most severe
                     first (red > orange > yellow during a visit),
                 "retention_call": role|null}
      OR "error": {"kind": "invalid_score", "index": i} } ],
  "policy_errors": [ { "name", "policy_patch": {...} OR "text": str (the
      whole document),
      "expect": {"kind": "invalid_policy", "paths": [str, ...]} -- the
      exact set of JSON paths of the reported problems (order ignored;
      "" is the document root; fields joined by ".", indices "[i]", map
      keys ".key") } ]
}
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import random
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from pathlib import Path
from zoneinfo import ZoneInfo

GENERATOR = "tests/golden/gen_policy_vectors.py"
OUT = Path(__file__).resolve().parent / "policy_vectors.json"

H = 3600
DAY = 86400

ADVISOR = "service_advisor"
MANAGER = "service_manager"
REGIONAL = "regional_manager"

# ISO 4217 minor-unit exponents of the currencies used here.
EXPONENT = {"CNY": 2, "USD": 2, "EUR": 2, "JPY": 0, "KWD": 3}


def money(minor: int, cur: str = "CNY") -> dict:
    return {"minor": minor, "currency": cur}


def yuan(y: int) -> dict:
    return money(y * 100)


def wall(seconds: int) -> dict:
    return {"unit": "wall", "seconds": seconds}


def business(seconds: int) -> dict:
    return {"unit": "business", "seconds": seconds}


def bdays(n: int) -> dict:
    return {"unit": "business_days", "days": n}


def local_ts(tz: str, text: str) -> int:
    """Unix seconds of an unambiguous local time "YYYY-MM-DD HH:MM[:SS]"."""
    naive = dt.datetime.fromisoformat(text)
    zi = ZoneInfo(tz)
    a = int(naive.replace(tzinfo=zi, fold=0).timestamp())
    b = int(naive.replace(tzinfo=zi, fold=1).timestamp())
    assert a == b, f"{text} is ambiguous or in a gap in {tz}"
    assert dt.datetime.fromtimestamp(a, zi).replace(tzinfo=None) == naive, text
    return a


def utc_ts(text: str) -> int:
    return int(dt.datetime.fromisoformat(text).replace(tzinfo=dt.timezone.utc).timestamp())


def show(tz: str, t: int) -> str:
    return dt.datetime.fromtimestamp(t, ZoneInfo(tz)).isoformat()


def merge_patch(target, patch):
    """RFC 7386 JSON Merge Patch."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = copy.deepcopy(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = merge_patch(out.get(k), v)
    return out


# --------------------------------------------------------------------------
# The default policy, restated from SPEC §4 (only the parts the oracle uses,
# in the JSON shape of the policy file). Checked against the library by the
# "default_policy" subset section.
# --------------------------------------------------------------------------

DEFAULT_ALERTS = [
    {"level": "red", "scores": [0, 3], "notify": [MANAGER],
     "acknowledge_within": wall(2 * H), "escalate_to": REGIONAL, "mark": "urgent"},
    {"level": "yellow", "scores": [4, 6], "notify": [MANAGER],
     "acknowledge_within": wall(6 * H), "escalate_to": None, "mark": "important"},
    {"level": "orange", "scores": [7, 7], "notify": [ADVISOR],
     "acknowledge_within": wall(72 * H), "escalate_to": None, "mark": None},
]

DEFAULT_TIERS = [
    {"tier": "S", "when": {"scores": [0, 3], "public_opinion_risk": True, "high_value": False},
     "contact_within": wall(2 * H), "owner": MANAGER, "compensation_cap": yuan(5000)},
    {"tier": "A", "when": {"scores": [4, 5], "public_opinion_risk": False, "high_value": True},
     "contact_within": wall(6 * H), "owner": MANAGER, "compensation_cap": yuan(2000)},
    {"tier": "B", "when": {"scores": [6, 6], "public_opinion_risk": False, "high_value": False},
     "contact_within": wall(24 * H), "owner": ADVISOR, "compensation_cap": yuan(500)},
]

DEFAULT_LADDER = [
    {"role": ADVISOR, "limit": yuan(500)},
    {"role": MANAGER, "limit": yuan(2000), "tier_limits": {"S": yuan(5000), "A": yuan(2000)}},
    {"role": REGIONAL, "limit": None},
]

DEFAULT_POLICY = {
    "currency": "CNY",
    "calendar": None,
    "warning_lead_seconds": 30 * 60,
    "alerts": DEFAULT_ALERTS,
    "tiers": DEFAULT_TIERS,
    "public_opinion_escalate_to": REGIONAL,
    "authority": {
        "ladder": DEFAULT_LADDER,
        "equal_escalates": False,
        "cumulative": {"per_case": None, "per_customer": None, "per_vehicle": None,
                       "escalate_to": REGIONAL},
    },
    "early_warnings": {
        "wait_over_promise_minutes": 30,
        "wait_level": "yellow",
        "progress_inquiries": 2,
        "inquiries_level": "orange",
        "angry_level": "red",
        "low_rating_below": 4,
        "rating_scale_max": 5,
        "low_rating_consecutive": 2,
        "retention_call_by": REGIONAL,
    },
    # SPEC §3: driver weights.
    "drivers": [{"weight": w} for w in (0.27, 0.24, 0.18, 0.16, 0.15)],
}


def default_policy_subset() -> dict:
    """What the library's default must contain (SPEC §4, §3 weights)."""
    return copy.deepcopy(DEFAULT_POLICY)


def policy_of(patch) -> dict:
    return merge_patch(DEFAULT_POLICY, patch or {})


# --------------------------------------------------------------------------
# Calendars
# --------------------------------------------------------------------------

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def tod(text: str) -> int:
    parts = [int(p) for p in text.split(":")]
    h, m = parts[0], parts[1]
    s = parts[2] if len(parts) == 3 else 0
    return h * H + m * 60 + s


def subtract(opens, closed):
    """Local ranges minus closed ranges (seconds of the day)."""
    out = []
    for a, b in opens:
        pieces = [(a, b)]
        for c, d in closed:
            nxt = []
            for x, y in pieces:
                if d <= x or c >= y:
                    nxt.append((x, y))
                    continue
                if x < c:
                    nxt.append((x, c))
                if d < y:
                    nxt.append((d, y))
            pieces = nxt
        out.extend(pieces)
    return sorted(out)


def union(intervals):
    out = []
    for a, b in sorted(intervals):
        if a >= b:
            continue
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def measure_inside(intervals, lo, hi, minus=()):
    """Length of (union(intervals) ∩ [lo, hi)) minus union(minus)."""
    total = 0
    ps = union(minus)
    for a, b in union(intervals):
        a, b = max(a, lo), min(b, hi)
        if a >= b:
            continue
        total += b - a
        for c, d in ps:
            c, d = max(c, a), min(d, b)
            if c < d:
                total -= d - c
    return total


class OCal:
    """The oracle's calendar: local opening ranges -> UTC instants."""

    def __init__(self, spec: dict):
        self.spec = spec
        self.zone = ZoneInfo(spec["tz"])
        self.base = self._week(spec.get("weekly", {}))
        self.schedules = sorted(
            (dt.date.fromisoformat(s["from"]), self._week(s["weekly"]))
            for s in spec.get("schedules", []))
        self.holidays = {}
        for h in spec.get("holidays", []):
            if isinstance(h, str):
                self.holidays[dt.date.fromisoformat(h)] = [(0, DAY)]
            else:
                closed = h.get("closed")
                self.holidays[dt.date.fromisoformat(h["date"])] = (
                    [(0, DAY)] if closed is None else [(tod(a), tod(b)) for a, b in closed])
        self.working = {dt.date.fromisoformat(k): sorted((tod(a), tod(b)) for a, b in v)
                        for k, v in spec.get("working_days", {}).items()}
        self._cache = {}

    @staticmethod
    def _week(weekly):
        return [sorted((tod(a), tod(b)) for a, b in weekly.get(d, [])) for d in WEEKDAYS]

    def local_ranges(self, day: dt.date):
        if day in self.working:
            return self.working[day]
        week = self.base
        for frm, w in self.schedules:
            if frm <= day:
                week = w
        ranges = week[day.weekday()]
        if day in self.holidays:
            ranges = subtract(ranges, self.holidays[day])
        return ranges

    def naive_of(self, t: int) -> dt.datetime:
        return dt.datetime.fromtimestamp(t, self.zone).replace(tzinfo=None)

    def instant(self, day: dt.date, secs: int, later: bool) -> int:
        """A local time of day as an instant. Fold: earlier occurrence for an
        opening, later for a closing; gap: the instant the gap ends."""
        naive = dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=secs)
        cands = set()
        for fold in (0, 1):
            t = int(naive.replace(tzinfo=self.zone, fold=fold).timestamp())
            if self.naive_of(t) == naive:
                cands.add(t)
        if cands:
            if later and len(cands) == 2:
                # Later occurrence only when the second before was lived twice
                # too; a closing on the fold's first second is the earlier one.
                prev = naive - dt.timedelta(seconds=1)
                twice = {int(prev.replace(tzinfo=self.zone, fold=f).timestamp()) for f in (0, 1)}
                twice = {t for t in twice if self.naive_of(t) == prev}
                return max(cands) if len(twice) == 2 else min(cands)
            return max(cands) if later else min(cands)
        # In a gap: the first instant whose local time is at/after `naive`.
        lo, hi = sorted(int(naive.replace(tzinfo=self.zone, fold=f).timestamp()) for f in (0, 1))
        assert self.naive_of(lo) < naive <= self.naive_of(hi) or self.naive_of(hi) > naive
        while lo + 1 < hi:
            mid = (lo + hi) // 2
            if self.naive_of(mid) >= naive:
                hi = mid
            else:
                lo = mid
        return hi

    def day_instants(self, day: dt.date):
        if day not in self._cache:
            out = []
            for a, b in self.local_ranges(day):
                x, y = self.instant(day, a, False), self.instant(day, b, True)
                if x < y:
                    out.append((x, y))
            self._cache[day] = out
        return self._cache[day]

    def local_date(self, t: int) -> dt.date:
        return self.naive_of(t).date()

    def intervals(self, lo: int, hi: int):
        d = self.local_date(lo) - dt.timedelta(days=1)
        end = self.local_date(hi) + dt.timedelta(days=1)
        out = []
        while d <= end:
            out.extend(self.day_instants(d))
            d += dt.timedelta(days=1)
        return out

    def elapsed(self, start: int, end: int, pauses=()) -> int:
        assert end >= start
        return measure_inside(self.intervals(start, end), start, end, pauses)

    def deadline_business(self, start: int, seconds: int, pauses=()) -> int:
        if seconds == 0:
            return start
        hi = start + max(seconds, H)
        while self.elapsed(start, hi, pauses) < seconds:
            hi = start + 2 * (hi - start)
            assert hi - start < 4 * 366 * DAY, "no opening hours"
        lo = start  # elapsed(lo) < seconds <= elapsed(hi)
        while lo + 1 < hi:
            mid = (lo + hi) // 2
            if self.elapsed(start, mid, pauses) >= seconds:
                hi = mid
            else:
                lo = mid
        return hi

    def deadline_days(self, start: int, n: int, pauses=()) -> int:
        day = self.local_date(start)
        count = 0
        for _ in range(4 * 366):
            inst = self.day_instants(day)
            if inst and not (day == self.local_date(start) and start > inst[0][0]):
                count += 1
                if count == n:
                    due = inst[-1][1]
                    need = self.elapsed(start, due)
                    return self.deadline_business(start, need, pauses)
            day += dt.timedelta(days=1)
        raise AssertionError("no working days")

    def deadline(self, start: int, duration: dict, pauses=()) -> int:
        unit = duration["unit"]
        if unit == "wall":
            return wall_deadline(start, duration["seconds"], pauses)
        if unit == "business":
            return self.deadline_business(start, duration["seconds"], pauses)
        return self.deadline_days(start, duration["days"], pauses)

    # Cross-check: minute-by-minute over local wall-clock time (valid only
    # when no DST transition lies in the span and everything is on minutes).
    def elapsed_by_minutes(self, start: int, end: int, pauses=()) -> int:
        assert start % 60 == 0 and end % 60 == 0
        ps = union(pauses)
        total = 0
        t = start
        while t < end:
            naive = self.naive_of(t)
            secs = naive.hour * H + naive.minute * 60
            open_ = any(a <= secs < b for a, b in self.local_ranges(naive.date()))
            paused = any(a <= t < b for a, b in ps)
            if open_ and not paused:
                total += 60
            t += 60
        return total


def wall_deadline(start: int, seconds: int, pauses=()) -> int:
    """Smallest t with (t - start) - overlap(pauses, [start, t)) >= seconds,
    found by bisection."""
    ps = union(pauses)

    def el(t):
        return (t - start) - sum(max(0, min(b, t) - max(a, start)) for a, b in ps)

    if seconds == 0:
        return start
    lo, hi = start, start + seconds
    while el(hi) < seconds:
        hi += seconds + 1
    while lo + 1 < hi:
        mid = (lo + hi) // 2
        if el(mid) >= seconds:
            hi = mid
        else:
            lo = mid
    return hi


def pauses_json(pauses):
    return [{"start": a, "end": b} for a, b in pauses]


def has_transition(zone: ZoneInfo, lo: int, hi: int) -> bool:
    off = dt.datetime.fromtimestamp(lo, zone).utcoffset()
    t = lo
    while t <= hi + DAY:
        if dt.datetime.fromtimestamp(t, zone).utcoffset() != off:
            return True
        t += H
    return False


def cal_vector(name, spec, start, duration=None, end=None, pauses=(), comment=None,
               error=None, known_issue=None):
    cal = OCal(spec)
    v = {"name": name, "calendar": spec}
    if duration is not None:
        v.update(op="deadline", start=start, duration=duration, pauses=pauses_json(pauses))
    else:
        v.update(op="elapsed", start=start, end=end, pauses=pauses_json(pauses))
    if error:
        v["error"] = {"kind": error}
    else:
        tz = spec["tz"]
        if duration is not None:
            due = cal.deadline(start, duration, pauses)
            v["expect"] = {"deadline": due}
            if duration["unit"] != "wall":
                v["expect"]["elapsed"] = cal.elapsed(start, due, pauses)
                if duration["unit"] == "business":
                    assert v["expect"]["elapsed"] == duration["seconds"], name
            end_for_check = due
            auto = f"start {show(tz, start)} -> deadline {show(tz, due)}"
        else:
            v["expect"] = {"elapsed": cal.elapsed(start, end, pauses)}
            end_for_check = end
            auto = f"{show(tz, start)} .. {show(tz, end)}"
        # Independent cross-check away from DST transitions.
        if (start % 60 == 0 and end_for_check % 60 == 0
                and all(a % 60 == 0 and b % 60 == 0 for a, b in pauses)
                and end_for_check - start <= 40 * DAY
                and not has_transition(cal.zone, start - DAY, end_for_check + DAY)):
            assert cal.elapsed_by_minutes(start, end_for_check, pauses) == cal.elapsed(
                start, end_for_check, pauses), name
        v["comment"] = (comment + "; " if comment else "") + auto
    if known_issue:
        v["known_issue"] = known_issue
    return v


def weekly(days, ranges):
    return {d: [list(r) for r in ranges] for d in days}


MON_FRI = WEEKDAYS[:5]
LUNCH = [("09:00", "12:00"), ("13:30", "18:00")]

SHANGHAI_CN = {
    "tz": "Asia/Shanghai",
    "weekly": weekly(MON_FRI, LUNCH),
    "holidays": [f"2025-10-0{d}" for d in range(1, 9)],
    "working_days": {"2025-09-28": [list(r) for r in LUNCH],
                     "2025-10-11": [list(r) for r in LUNCH]},
}


def nine_to_five(tz):
    return {"tz": tz, "weekly": weekly(MON_FRI, [("09:00", "17:00")])}




def calendars():
    out = []
    sh = "Asia/Shanghai"
    cn = SHANGHAI_CN
    L = lambda s: local_ts(sh, s)  # noqa: E731
    lunch_cal = {"tz": sh, "weekly": weekly(MON_FRI, LUNCH)}

    # Lunch breaks (Mon 2025-06-16).
    out.append(cal_vector("lunch_before_noon_plus_1h", lunch_cal, L("2025-06-16 11:30"),
                          business(H), comment="30 min before lunch, 30 min after"))
    out.append(cal_vector("lunch_lands_on_noon", lunch_cal, L("2025-06-16 11:00"), business(H),
                          comment="lands exactly on 12:00: that closing instant, not 13:30"))
    out.append(cal_vector("lunch_start_inside_break", lunch_cal, L("2025-06-16 12:30"),
                          business(30 * 60), comment="start during lunch counts from 13:30"))
    out.append(cal_vector("lunch_start_before_opening", lunch_cal, L("2025-06-16 07:15"),
                          business(3 * H), comment="start before opening counts from 09:00"))
    out.append(cal_vector("lunch_full_day", lunch_cal, L("2025-06-16 09:00"),
                          business(7 * H + 30 * 60)))
    out.append(cal_vector("lunch_elapsed_across_break", lunch_cal, L("2025-06-16 10:00"),
                          end=L("2025-06-16 15:00")))
    out.append(cal_vector("lunch_elapsed_inside_break", lunch_cal, L("2025-06-16 12:05"),
                          end=L("2025-06-16 13:25")))
    out.append(cal_vector("zero_business_seconds", lunch_cal, L("2025-06-16 12:30"),
                          business(0), comment="zero duration: due at the start itself"))

    # Weekends.
    out.append(cal_vector("weekend_friday_evening", lunch_cal, L("2025-06-13 17:30"),
                          business(H), comment="30 min on Friday, 30 min on Monday"))
    out.append(cal_vector("weekend_saturday_start", lunch_cal, L("2025-06-14 10:00"),
                          business(2 * H)))
    out.append(cal_vector("weekend_elapsed_fri_to_mon", lunch_cal, L("2025-06-13 16:00"),
                          end=L("2025-06-16 10:00")))
    out.append(cal_vector("weekend_elapsed_all_weekend", lunch_cal, L("2025-06-14 00:00"),
                          end=L("2025-06-16 00:00")))

    # Chinese National Day 2025.
    out.append(cal_vector("national_day_sunday_makeup_day", cn, L("2025-09-26 17:00"),
                          business(2 * H), comment="Fri 17-18, then Sun Sep 28 (working) 09-10"))
    out.append(cal_vector("national_day_saturday_start", cn, L("2025-09-27 10:00"),
                          business(H)))
    out.append(cal_vector("national_day_skips_holidays", cn, L("2025-09-30 17:00"),
                          business(2 * H), comment="Tue 17-18, holidays Oct 1-8, Thu Oct 9 09-10"))
    out.append(cal_vector("national_day_business_day_after_holidays", cn,
                          L("2025-09-30 11:00"), bdays(1),
                          comment="started after opening: next working day is Oct 9"))
    out.append(cal_vector("national_day_saturday_makeup_business_day", cn,
                          L("2025-10-10 18:00"), bdays(1),
                          comment="Fri Oct 10 after closing: Sat Oct 11 is a working day"))
    out.append(cal_vector("national_day_three_business_days", cn, L("2025-09-27 08:00"),
                          bdays(3), comment="Sun 28, Mon 29, Tue 30"))
    out.append(cal_vector("national_day_elapsed_whole_span", cn, L("2025-09-26 09:00"),
                          end=L("2025-10-13 09:00"),
                          comment="7 working days x 7.5 h"))
    out.append(cal_vector("national_day_elapsed_inside_holiday", cn, L("2025-10-02 09:00"),
                          end=L("2025-10-07 18:00")))
    out.append(cal_vector("national_day_40h", cn, L("2025-09-25 09:00"), business(40 * H)))

    # Closing time (SPEC §4.4): Fri 17:00 + 8 business hours on 09-17 -> Mon 17:00.
    for tz in ("UTC", "Europe/Berlin", "America/New_York", sh):
        slug = tz.split("/")[-1].lower()
        out.append(cal_vector(f"closing_time_rule_{slug}", nine_to_five(tz),
                              local_ts(tz, "2025-06-13 17:00"), business(8 * H),
                              comment="Fri 17:00 + 8 h -> Mon 17:00, not Mon 09:00"))
    out.append(cal_vector("closing_time_same_day", nine_to_five("UTC"),
                          utc_ts("2025-06-13 16:00"), business(H)))
    out.append(cal_vector("closing_time_one_second_more", nine_to_five("UTC"),
                          utc_ts("2025-06-13 16:00"), business(H + 1),
                          comment="one second past closing -> Mon 09:00:01"))
    out.append(cal_vector("business_days_start_before_opening", nine_to_five("UTC"),
                          utc_ts("2025-06-13 08:00"), bdays(1), comment="Friday counts"))
    out.append(cal_vector("business_days_start_at_opening", nine_to_five("UTC"),
                          utc_ts("2025-06-13 09:00"), bdays(1), comment="Friday counts"))
    out.append(cal_vector("business_days_start_mid_day", nine_to_five("UTC"),
                          utc_ts("2025-06-13 09:00:01"), bdays(1), comment="Monday is day 1"))
    out.append(cal_vector("business_days_five", nine_to_five("UTC"),
                          utc_ts("2025-06-11 12:00"), bdays(5)))

    # DST: Europe/Berlin 2025-03-30 (02:00 -> 03:00) and 2025-10-26 (03:00 -> 02:00).
    be = "Europe/Berlin"
    B = lambda s: local_ts(be, s)  # noqa: E731
    allweek = {"tz": be, "weekly": weekly(WEEKDAYS, [("00:00", "24:00")])}
    out.append(cal_vector("berlin_spring_day_is_23h", allweek, B("2025-03-30 00:00"),
                          end=B("2025-03-31 00:00")))
    out.append(cal_vector("berlin_spring_24_business_hours", allweek, B("2025-03-29 12:00"),
                          business(24 * H), comment="24/7 calendar: same as wall clock"))
    out.append(cal_vector("berlin_autumn_day_is_25h", allweek, B("2025-10-26 00:00"),
                          end=B("2025-10-27 00:00")))
    sun = lambda ranges: {"tz": be, "weekly": weekly(["sun"], ranges)}  # noqa: E731
    out.append(cal_vector("berlin_spring_opening_in_gap", sun([("02:30", "05:00")]),
                          B("2025-03-30 00:00"), end=B("2025-03-30 12:00"),
                          comment="opening 02:30 does not exist: opens at 03:00 CEST"))
    out.append(cal_vector("berlin_spring_closing_in_gap", sun([("01:00", "02:30")]),
                          B("2025-03-30 00:00"), end=B("2025-03-30 12:00"),
                          comment="closing 02:30 does not exist: closes at 03:00 CEST"))
    out.append(cal_vector("berlin_spring_range_inside_gap", sun([("02:00", "03:00"), ("09:00", "10:00")]),
                          B("2025-03-30 00:00"), end=B("2025-03-30 12:00"),
                          comment="02:00-03:00 vanishes entirely"))
    out.append(cal_vector("berlin_spring_touching_gap", sun([("00:00", "02:30"), ("02:30", "05:00")]),
                          B("2025-03-30 00:00"), end=B("2025-03-30 12:00")))
    out.append(cal_vector("berlin_spring_deadline_over_gap", sun([("01:00", "05:00")]),
                          B("2025-03-30 01:30"), business(H),
                          comment="01:30 CET + 1 h -> 03:30 CEST"))
    out.append(cal_vector("berlin_autumn_opening_in_fold", sun([("02:30", "04:00")]),
                          B("2025-10-26 00:00"), end=B("2025-10-26 12:00"),
                          comment="opens at the earlier 02:30 (CEST): 2.5 h"))
    out.append(cal_vector("berlin_autumn_closing_in_fold", sun([("00:00", "02:30")]),
                          B("2025-10-26 00:00"), end=B("2025-10-26 12:00"),
                          comment="closes at the later 02:30 (CET): 3.5 h"))
    fold_touch = sun([("00:00", "02:30"), ("02:30", "04:00")])
    out.append(cal_vector(
        "berlin_autumn_touching_in_fold", fold_touch,
        B("2025-10-26 00:00"), end=B("2025-10-26 12:00"),
        comment="open 00:00 CEST to 04:00 CET without a break: 5 h of real time"))
    out.append(cal_vector(
        "berlin_autumn_touching_in_fold_deadline", fold_touch,
        B("2025-10-26 00:00"), business(5 * H),
        comment="5 h of business time end at 04:00 CET, the closing"))
    out.append(cal_vector("berlin_dst_business_day_over_weekend", nine_to_five(be),
                          B("2025-03-28 10:00"), bdays(1),
                          comment="Fri after opening -> Mon 2025-03-31 17:00 CEST"))
    out.append(cal_vector("berlin_dst_business_hours_over_weekend", nine_to_five(be),
                          B("2025-10-24 16:00"), business(2 * H)))
    out.append(cal_vector("berlin_wall_24h_over_spring", nine_to_five(be),
                          B("2025-03-29 12:00"), wall(24 * H),
                          comment="wall clock: +86400 s, 13:00 local next day"))
    out.append(cal_vector("berlin_wall_24h_over_autumn", nine_to_five(be),
                          B("2025-10-25 12:00"), wall(24 * H),
                          comment="wall clock: +86400 s, 11:00 local next day"))

    # DST: America/New_York 2025-03-09 (02:00 -> 03:00) and 2025-11-02 (02:00 -> 01:00).
    ny = "America/New_York"
    N = lambda s: local_ts(ny, s)  # noqa: E731
    nsun = lambda ranges: {"tz": ny, "weekly": weekly(["sun"], ranges)}  # noqa: E731
    out.append(cal_vector("new_york_spring_range_in_gap", nsun([("02:00", "03:00")]),
                          N("2025-03-09 00:00"), end=N("2025-03-09 12:00"),
                          comment="both ends resolve to 03:00 EDT: zero"))
    out.append(cal_vector("new_york_spring_closing_in_gap", nsun([("01:30", "02:30")]),
                          N("2025-03-09 00:00"), end=N("2025-03-09 12:00")))
    out.append(cal_vector("new_york_spring_whole_night", nsun([("00:00", "06:00")]),
                          N("2025-03-09 00:00"), end=N("2025-03-09 12:00"),
                          comment="6 local hours are 5 real hours"))
    out.append(cal_vector("new_york_spring_deadline", nsun([("00:00", "06:00")]),
                          N("2025-03-09 01:00"), business(2 * H),
                          comment="01:00 EST + 2 h -> 04:00 EDT"))
    out.append(cal_vector("new_york_autumn_fold_range", nsun([("01:00", "02:00")]),
                          N("2025-11-02 00:00"), end=N("2025-11-02 12:00"),
                          comment="01:00 EDT to 02:00 EST: 2 h"))
    out.append(cal_vector("new_york_autumn_midnight_to_two", nsun([("00:00", "02:00")]),
                          N("2025-11-02 00:00"), end=N("2025-11-02 12:00")))
    ny_touch = nsun([("00:00", "01:30"), ("01:30", "03:00")])
    out.append(cal_vector(
        "new_york_autumn_touching_in_fold", ny_touch,
        N("2025-11-02 00:00"), end=N("2025-11-02 12:00"),
        comment="open 00:00 EDT to 03:00 EST without a break: 4 h of real time"))
    out.append(cal_vector(
        "new_york_autumn_touching_in_fold_deadline", ny_touch,
        N("2025-11-02 00:00"), business(4 * H)))
    out.append(cal_vector("new_york_wall_over_spring", nine_to_five(ny),
                          N("2025-03-08 21:00"), wall(6 * H),
                          comment="wall: 21:00 EST + 6 h = 04:00 EDT"))
    out.append(cal_vector("new_york_business_over_autumn", nine_to_five(ny),
                          N("2025-10-31 15:00"), business(4 * H),
                          comment="Fri 15-17 EDT, Mon 09-11 EST"))

    # Pauses.
    mon = "2025-06-16"
    out.append(cal_vector("pause_during_lunch_no_effect", lunch_cal, L(f"{mon} 11:00"),
                          business(2 * H),
                          pauses=[(L(f"{mon} 12:00"), L(f"{mon} 13:30"))]))
    out.append(cal_vector("pause_overnight_no_effect", lunch_cal, L(f"{mon} 17:00"),
                          business(2 * H),
                          pauses=[(L(f"{mon} 18:00"), L("2025-06-17 09:00"))]))
    out.append(cal_vector("pause_over_weekend_no_effect", lunch_cal, L("2025-06-13 17:00"),
                          business(2 * H),
                          pauses=[(L("2025-06-13 18:00"), L("2025-06-16 09:00"))]))
    out.append(cal_vector("pause_inside_extends", lunch_cal, L(f"{mon} 09:00"),
                          business(2 * H),
                          pauses=[(L(f"{mon} 09:30"), L(f"{mon} 10:15"))]))
    out.append(cal_vector("pauses_several_all_count", lunch_cal, L(f"{mon} 09:00"),
                          business(4 * H),
                          pauses=[(L(f"{mon} 09:30"), L(f"{mon} 10:00")),
                                  (L(f"{mon} 11:45"), L(f"{mon} 14:00")),
                                  (L(f"{mon} 15:00"), L(f"{mon} 15:20"))],
                          comment="30 + (15 + 30) + 20 min of business time paused"))
    out.append(cal_vector("pauses_overlapping_counted_once", lunch_cal, L(f"{mon} 09:00"),
                          business(2 * H),
                          pauses=[(L(f"{mon} 09:30"), L(f"{mon} 10:30")),
                                  (L(f"{mon} 10:00"), L(f"{mon} 11:00"))]))
    out.append(cal_vector("pause_before_start", lunch_cal, L(f"{mon} 10:00"),
                          business(H),
                          pauses=[(L(f"{mon} 09:00"), L(f"{mon} 10:30"))]))
    out.append(cal_vector("pause_unsorted_and_empty", lunch_cal, L(f"{mon} 09:00"),
                          business(H),
                          pauses=[(L(f"{mon} 16:00"), L(f"{mon} 16:30")),
                                  (L(f"{mon} 09:10"), L(f"{mon} 09:10")),
                                  (L(f"{mon} 09:20"), L(f"{mon} 09:40"))]))
    out.append(cal_vector("pause_elapsed", lunch_cal, L(f"{mon} 09:00"),
                          end=L(f"{mon} 18:00"),
                          pauses=[(L(f"{mon} 11:00"), L(f"{mon} 14:00")),
                                  (L(f"{mon} 17:30"), L("2025-06-17 10:00"))]))
    out.append(cal_vector("pause_business_days", lunch_cal, L(f"{mon} 08:00"), bdays(1),
                          pauses=[(L(f"{mon} 16:00"), L(f"{mon} 17:00"))],
                          comment="1 h paused on day 1 pushes the close to Tue 10:00"))
    out.append(cal_vector("pause_wall_clock", lunch_cal, L(f"{mon} 21:00"), wall(2 * H),
                          pauses=[(L(f"{mon} 21:30"), L(f"{mon} 22:00")),
                                  (L(f"{mon} 20:00"), L(f"{mon} 21:10"))],
                          comment="wall: start + 2 h + 10 + 30 min of pauses"))
    out.append(cal_vector("pause_wall_clock_ends_at_pause", lunch_cal, L(f"{mon} 21:00"),
                          wall(H), pauses=[(L(f"{mon} 22:00"), L(f"{mon} 23:00"))],
                          comment="due exactly when the pause begins"))

    # Part-day holidays.
    part = {"tz": sh, "weekly": weekly(MON_FRI, LUNCH),
            "holidays": [{"date": "2025-12-31", "closed": [["12:00", "24:00"]]},
                         {"date": "2025-06-18", "closed": [["10:00", "11:00"]]}]}
    out.append(cal_vector("part_day_holiday_afternoon_closed", part, L("2025-12-31 11:00"),
                          business(2 * H), comment="Wed Dec 31 closes at 12:00; Jan 1 is open"))
    out.append(cal_vector("part_day_holiday_hole", part, L("2025-06-18 09:30"),
                          business(H), comment="closed 10-11 on Jun 18"))
    out.append(cal_vector("part_day_holiday_elapsed", part, L("2025-06-18 00:00"),
                          end=L("2025-06-19 00:00")))
    whole = {"tz": sh, "weekly": weekly(MON_FRI, LUNCH),
             "holidays": [{"date": "2025-06-18"}]}
    out.append(cal_vector("holiday_object_without_closed_is_whole_day", whole,
                          L("2025-06-17 17:00"), business(2 * H)))

    # Effective-dated schedules.
    sched = {"tz": sh, "weekly": weekly(MON_FRI, [("09:00", "17:00")]),
             "schedules": [{"from": "2025-07-01",
                            "weekly": weekly(WEEKDAYS[:6], [("08:00", "20:00")])}]}
    out.append(cal_vector("schedule_changes_on_date", sched, L("2025-06-30 16:00"),
                          business(3 * H), comment="Mon Jun 30 16-17, Tue Jul 1 08-10"))
    out.append(cal_vector("schedule_saturday_after_change", sched, L("2025-07-04 19:00"),
                          business(2 * H)))

    # Errors.
    out.append(cal_vector("error_pause_ends_before_start", lunch_cal, L(f"{mon} 09:00"),
                          business(H), pauses=[(L(f"{mon} 11:00"), L(f"{mon} 10:00"))],
                          error="invalid_argument"))
    out.append(cal_vector("error_zero_business_days", lunch_cal, L(f"{mon} 09:00"), bdays(0),
                          error="invalid_argument"))
    out.append(cal_vector("error_negative_business_seconds", lunch_cal, L(f"{mon} 09:00"),
                          business(-1), error="invalid_argument"))
    out.append(cal_vector("error_elapsed_end_before_start", lunch_cal, L(f"{mon} 10:00"),
                          end=L(f"{mon} 09:00"), error="invalid_argument"))

    out.extend(random_calendar_vectors())
    return out


def random_calendar(rng: random.Random):
    tz = rng.choice(["UTC", "Asia/Shanghai", "Europe/Berlin", "America/New_York"])
    week = {}
    for d in WEEKDAYS:
        if rng.random() < 0.25:
            continue
        k = rng.randint(1, 3)
        cuts = sorted(rng.sample(range(0, 24 * 4 + 1), 2 * k))
        week[d] = [[fmt_q(cuts[2 * i]), fmt_q(cuts[2 * i + 1])] for i in range(k)]
    if not week:
        week["mon"] = [["09:00", "17:00"]]
    spec = {"tz": tz, "weekly": week}
    base = dt.date(2025, 3, 1)
    days = sorted(rng.sample(range(0, 300), 6))
    hol = [base + dt.timedelta(days=x) for x in days[:3]]
    wd = [base + dt.timedelta(days=x) for x in days[3:]]
    spec["holidays"] = [h.isoformat() for h in hol]
    spec["working_days"] = {w.isoformat(): [["10:00", "15:00"]] for w in wd}
    return spec, base


def fmt_q(q: int) -> str:
    return f"{q // 4:02d}:{q % 4 * 15:02d}"


def random_calendar_vectors():
    rng = random.Random(20250330)
    out = []
    for i in range(40):
        spec, base = random_calendar(rng)
        # Starts cluster around the DST changes and the random special days.
        anchor = rng.choice([dt.date(2025, 3, 9), dt.date(2025, 3, 30), dt.date(2025, 10, 26),
                             dt.date(2025, 11, 2), base + dt.timedelta(days=rng.randint(0, 300))])
        start = utc_ts(anchor.isoformat() + " 00:00") + rng.randint(-3 * DAY, DAY)
        kind = rng.random()
        if kind < 0.5:
            d = business(rng.randint(1, 40 * H))
        elif kind < 0.7:
            d = bdays(rng.randint(1, 6))
        elif kind < 0.8:
            d = wall(rng.randint(0, 3 * DAY))
        else:
            d = None
        pauses = []
        for _ in range(rng.randint(0, 3)):
            a = start + rng.randint(-DAY, 4 * DAY)
            pauses.append((a, a + rng.randint(0, 8 * H)))
        if d is None:
            out.append(cal_vector(f"random_{i:02d}_elapsed", spec, start,
                                  end=start + rng.randint(0, 6 * DAY), pauses=pauses))
        else:
            out.append(cal_vector(f"random_{i:02d}_{d['unit']}", spec, start, d, pauses=pauses))
    return out


# --------------------------------------------------------------------------
# Triage
# --------------------------------------------------------------------------

def category(score: int) -> str:
    return "detractor" if score <= 6 else ("passive" if score <= 8 else "promoter")


def o_triage(pol: dict, r: dict) -> dict:
    """SPEC §4.1/§4.2 with the SPEC's resolutions."""
    s = r["score"]
    cal = OCal(pol["calendar"]) if pol.get("calendar") else None

    def add(t, d):
        if d["unit"] == "wall":
            return t + d["seconds"]
        return cal.deadline(t, d)

    alert = next((a for a in pol["alerts"] if a["scores"][0] <= s <= a["scores"][1]), None)
    tier = None
    if category(s) == "detractor":
        for t in pol["tiers"]:  # most severe first, first match wins
            w = t["when"]
            sc = w.get("scores")
            if ((sc and sc[0] <= s <= sc[1]) or (w.get("public_opinion_risk") and r["public_opinion_risk"])
                    or (w.get("high_value") and r["high_value"])):
                tier = t
                break
    immediate = bool(r["public_opinion_risk"] and category(s) == "detractor"
                     and pol.get("public_opinion_escalate_to"))
    owner = tier["owner"] if tier else (alert["notify"][0] if alert else None)
    return {
        "category": category(s),
        "alert": alert["level"] if alert else None,
        "tier": tier["tier"] if tier else None,
        "owner": owner,
        "acknowledge_by": add(r["submitted_at"], alert["acknowledge_within"]) if alert else None,
        "contact_by": add(r["submitted_at"], tier["contact_within"]) if tier else None,
        "compensation_cap": tier["compensation_cap"] if tier else None,
        "escalate_immediately": immediate,
        "escalate_to": (pol["public_opinion_escalate_to"] if immediate
                        else (alert.get("escalate_to") if alert else None)),
        "mark": alert.get("mark") if alert else None,
    }


def response(score, at, hv=False, risk=False):
    return {"score": score, "submitted_at": at, "high_value": hv, "public_opinion_risk": risk}


SH_FRI_21 = local_ts("Asia/Shanghai", "2025-06-13 21:00")  # Fri 21:00 Shanghai


def triage():
    out = []
    pol = policy_of(None)
    for s in range(11):
        for hv in (False, True):
            for risk in (False, True):
                r = response(s, SH_FRI_21, hv, risk)
                e = o_triage(pol, r)
                # Hand-written expectations from the SPEC tables, as a check.
                exp_alert = "red" if s <= 3 else "yellow" if s <= 6 else "orange" if s == 7 else None
                exp_tier = (None if s > 6 else "S" if (s <= 3 or risk)
                            else "A" if (s <= 5 or hv) else "B")
                assert e["alert"] == exp_alert and e["tier"] == exp_tier, (s, hv, risk)
                if s <= 3:
                    assert e["acknowledge_by"] == SH_FRI_21 + 2 * H  # 23:00
                if s == 6 and not hv and not risk:
                    assert (e["acknowledge_by"], e["contact_by"]) == (SH_FRI_21 + 6 * H,
                                                                      SH_FRI_21 + 24 * H)
                if s == 7:
                    assert e["owner"] == ADVISOR and e["acknowledge_by"] == SH_FRI_21 + 72 * H
                flags = ("_high_value" if hv else "") + ("_public_opinion" if risk else "")
                out.append({"name": f"score_{s}{flags}", "response": r, "expect": e,
                            "comment": "submitted Fri 2025-06-13 21:00 Asia/Shanghai"})
    out.append({"name": "score_11_invalid", "response": response(11, SH_FRI_21),
                "error": {"kind": "invalid_score", "index": 0}})

    # A dealer counting the alert and tier clocks in business time.
    cal = {"tz": "Asia/Shanghai", "weekly": weekly(MON_FRI, LUNCH)}
    alerts = copy.deepcopy(DEFAULT_ALERTS)
    alerts[0]["acknowledge_within"] = business(2 * H)
    alerts[1]["acknowledge_within"] = business(6 * H)
    alerts[2]["acknowledge_within"] = bdays(3)
    tiers = copy.deepcopy(DEFAULT_TIERS)
    tiers[0]["contact_within"] = business(2 * H)
    tiers[1]["contact_within"] = business(6 * H)
    tiers[2]["contact_within"] = bdays(1)
    full_alerts = [dict(a, channel=c) for a, c in
                   zip(alerts, ("sms_phone", "messaging_app", "passive_conversion_plan"))]
    full_tiers = [dict(t, owner_mode=m) for t, m in
                  zip(tiers, ("personally", "supervising", "executing"))]
    patch = {"calendar": cal, "alerts": full_alerts, "tiers": full_tiers}
    pol = policy_of(patch)
    for s, at, label in [(2, SH_FRI_21, "fri_21"), (5, SH_FRI_21, "fri_21"),
                         (6, SH_FRI_21, "fri_21"), (7, SH_FRI_21, "fri_21"),
                         (1, local_ts("Asia/Shanghai", "2025-06-16 11:00"), "mon_11"),
                         (6, local_ts("Asia/Shanghai", "2025-06-16 08:00"), "mon_08")]:
        r = response(s, at)
        out.append({"name": f"business_calendar_score_{s}_{label}", "policy_patch": patch,
                    "response": r, "expect": o_triage(pol, r),
                    "comment": "alert and tier clocks in business time (09-12, 13:30-18 Mon-Fri)"})
    # The red alert on Friday 21:00 is due Monday 11:00 in business time.
    assert out[-6]["expect"]["acknowledge_by"] == local_ts("Asia/Shanghai", "2025-06-16 11:00")
    return out


# --------------------------------------------------------------------------
# Approvals
# --------------------------------------------------------------------------

LAYERS = ["problem_repair", "loss_compensation", "emotional_repair"]


class ApprovalError(Exception):
    pass


def convert(m: dict, to: str, rates) -> int:
    """Minor units of `to` for money `m`, with a rate in either direction,
    rounded half to even once, in the target's minor unit."""
    if m["currency"] == to:
        return m["minor"]
    major = Decimal(m["minor"]).scaleb(-EXPONENT[m["currency"]])
    for r in rates:
        if (r["from"], r["to"]) == (m["currency"], to):
            value = major * Decimal(r["rate"])
            break
        if (r["from"], r["to"]) == (to, m["currency"]):
            with localcontext() as ctx:
                ctx.prec = 60  # ample for the divisions used here
                value = major / Decimal(r["rate"])
            break
    else:
        raise ApprovalError("mixed currencies without a rate")
    return int(value.scaleb(EXPONENT[to]).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def o_approval(pol: dict, items, tier, rates, granted) -> dict:
    cur = pol["currency"]
    auth = pol["authority"]
    eq = auth.get("equal_escalates", False)

    def within(amount, cap):
        return amount < cap if eq else amount <= cap

    by_layer = [0, 0, 0]
    for m in granted.values():
        if m and m["minor"] < 0:
            raise ApprovalError("negative amount already granted")
    for it in items:
        if it["minor"] < 0:
            raise ApprovalError("negative item")
        by_layer[LAYERS.index(it["layer"])] += convert(it, cur, rates)
    total = sum(by_layer)
    g = {k: (convert(v, cur, rates) if v else None) for k, v in granted.items()}
    case_total = total + (g.get("case") or 0)
    tier_rule = next((t for t in pol["tiers"] if t["tier"] == tier), None) if tier else None
    within_cap = within(case_total, tier_rule["compensation_cap"]["minor"]) if tier_rule else True

    def limit_of(rung):
        tl = rung.get("tier_limits") or {}
        if tier in tl:
            return tl[tier]["minor"]
        return rung["limit"]["minor"] if rung.get("limit") else None

    ladder = auth["ladder"]
    idx = next((i for i, r in enumerate(ladder)
                if limit_of(r) is None or within(case_total, limit_of(r))), None)
    cum = auth["cumulative"]
    broken = False
    if cum.get("per_case") and not within(case_total, cum["per_case"]["minor"]):
        broken = True
    for scope in ("customer", "vehicle"):
        cap = cum.get(f"per_{scope}")
        if cap and not within(total + (g.get(scope) or 0), cap["amount"]["minor"]):
            broken = True
    if broken and idx is not None:
        esc = next(i for i, r in enumerate(ladder) if r["role"] == cum["escalate_to"])
        idx = max(idx, esc)
    roles = [r["role"] for r in ladder]
    return {
        "approver": roles[idx] if idx is not None else None,
        "path": roles[: idx + 1] if idx is not None else roles,
        "total_minor": total,
        "by_layer_minor": by_layer,
        "within_cap": within_cap,
    }


def item(minor, cur="CNY", layer="loss_compensation"):
    return {"minor": minor, "currency": cur, "layer": layer}


def approval_vector(name, items, tier, rates=(), granted=None, patch=None, comment=None,
                    known_issue=None):
    granted = granted or {"case": None, "customer": None, "vehicle": None}
    v = {"name": name}
    if patch:
        v["policy_patch"] = patch
    v.update(items=items, tier=tier, rates=list(rates), granted=granted)
    try:
        v["expect"] = o_approval(policy_of(patch), items, tier, list(rates), granted)
    except ApprovalError:
        v["error"] = {"kind": "invalid_argument"}
    if comment:
        v["comment"] = comment
    if known_issue:
        v["known_issue"] = known_issue
    return v


def approvals():
    out = []
    eq = {"authority": {"equal_escalates": True}}
    amounts = [0, 499_99, 500_00, 500_01, 1999_99, 2000_00, 2000_01, 4999_99, 5000_00, 5000_01]
    for tier in ("S", "A", "B", None):
        for convention, patch in (("inclusive", None), ("equal_escalates", eq)):
            for a in amounts:
                out.append(approval_vector(f"limit_{tier or 'none'}_{convention}_{a}",
                                           [item(a)], tier, patch=patch))
    # Spot checks of the ladder written by hand from SPEC §4.3.
    by = {v["name"]: v["expect"] for v in out}
    assert by["limit_B_inclusive_50000"]["approver"] == ADVISOR
    assert by["limit_B_inclusive_50001"]["approver"] == MANAGER
    assert not by["limit_B_inclusive_50001"]["within_cap"]
    assert by["limit_B_equal_escalates_50000"]["approver"] == MANAGER
    assert by["limit_S_inclusive_500000"] == {"approver": MANAGER, "path": [ADVISOR, MANAGER],
                                              "total_minor": 500000,
                                              "by_layer_minor": [0, 500000, 0],
                                              "within_cap": True}
    assert by["limit_S_inclusive_500001"]["approver"] == REGIONAL
    assert by["limit_A_inclusive_200001"]["approver"] == REGIONAL
    assert by["limit_S_equal_escalates_500000"]["approver"] == REGIONAL

    # SPEC §4.3 worked shape.
    out.append(approval_vector(
        "spec_worked_shape_tier_s",
        [item(1800_00, layer="problem_repair"), item(300_00), item(2000_00), item(500_00)],
        "S", comment="seed 003, Mr Wang: free service 1800 (problem repair, 问题修复), car washes "
                     "300, warranty voucher 2000, 500 voucher (loss compensation, 损失补偿)"))
    assert out[-1]["expect"]["approver"] == MANAGER and out[-1]["expect"]["within_cap"]
    out.append(approval_vector(
        "layers_split",
        [item(120_00, layer="problem_repair"), item(80_50), item(45_25, layer="emotional_repair"),
         item(10_00, layer="problem_repair")], "B"))
    out.append(approval_vector("empty_package", [], "B"))

    # Denial: a ladder whose top role is limited.
    capped = copy.deepcopy(DEFAULT_LADDER)
    capped[2]["limit"] = yuan(10000)
    deny = {"authority": {"ladder": capped}}
    out.append(approval_vector("deny_above_every_limit", [item(10000_01)], "S", patch=deny))
    out.append(approval_vector("top_limit_inclusive", [item(10000_00)], "S", patch=deny))
    assert out[-2]["expect"]["approver"] is None and out[-1]["expect"]["approver"] == REGIONAL

    # Currencies.
    out.append(approval_vector("mixed_currencies_without_rate_error",
                               [item(100_00), item(10_00, "USD")], "A"))
    usd_cny = {"from": "USD", "to": "CNY", "rate": "7.1234"}
    out.append(approval_vector("usd_with_rate", [item(100_00), item(100_00, "USD")], "A",
                               rates=[usd_cny], comment="100 USD = 712.34 CNY"))
    # A tie: 0.25 USD x 7.1234 = 1.78085 CNY -> 178.085 fen -> half-even 178.
    # 0.75 USD -> 534.255 fen -> 534; 0.50 USD -> 356.17 fen (no tie).
    assert convert(item(25, "USD"), "CNY", [usd_cny]) == 178
    assert convert(item(75, "USD"), "CNY", [usd_cny]) == 534
    out.append(approval_vector("usd_half_even_tie_down", [item(25, "USD")], "B", rates=[usd_cny]))
    out.append(approval_vector("usd_half_even_tie_even", [item(75, "USD")], "B", rates=[usd_cny]))
    jpy = {"from": "JPY", "to": "CNY", "rate": "0.045"}
    # 1 JPY = 4.5 fen -> 4 (tie to even); 3 JPY = 13.5 fen -> 14.
    out.append(approval_vector("jpy_tie_to_even_4", [item(1, "JPY")], "B", rates=[jpy]))
    out.append(approval_vector("jpy_tie_to_even_14", [item(3, "JPY")], "B", rates=[jpy]))
    assert out[-2]["expect"]["total_minor"] == 4 and out[-1]["expect"]["total_minor"] == 14
    inverse = {"from": "CNY", "to": "USD", "rate": "0.14"}
    out.append(approval_vector("reverse_rate_division", [item(7_00, "USD"), item(1_00, "USD")],
                               "B", rates=[inverse],
                               comment="7.00 USD / 0.14 = 50.00 CNY; 1.00 USD / 0.14 = 7.142857 -> 7.14"))
    assert out[-1]["expect"]["total_minor"] == 5000 + 714
    out.append(approval_vector("rate_for_other_pair_error", [item(1_00, "EUR")], "B",
                               rates=[usd_cny]))
    out.append(approval_vector("usd_pushes_over_advisor_limit",
                               [item(400_00), item(15_00, "USD")], "B", rates=[usd_cny],
                               comment="400 + 106.851 -> 106.85 = 506.85 CNY"))
    out.append(approval_vector("negative_item_error", [item(-1)], "B"))
    out.append(approval_vector(
        "negative_granted_error", [item(600_00)], "B",
        granted={"case": yuan(-500), "customer": None, "vehicle": None},
        comment="a negative amount already granted would lower the case total"))

    # Cumulative caps.
    none3 = {"case": None, "customer": None, "vehicle": None}
    per_case = {"authority": {"cumulative": {"per_case": yuan(3000)}}}
    out.append(approval_vector("cumulative_case_fits_tier_breaks_case_cap", [item(2000_00)], "S",
                               granted=dict(none3, case=yuan(1500)), patch=per_case,
                               comment="3500 on the case: manager's S limit fits, per-case cap 3000 does not"))
    assert out[-1]["expect"]["approver"] == REGIONAL and out[-1]["expect"]["within_cap"]
    out.append(approval_vector("cumulative_case_at_cap", [item(1500_00)], "S",
                               granted=dict(none3, case=yuan(1500)), patch=per_case))
    assert out[-1]["expect"]["approver"] == MANAGER
    out.append(approval_vector("cumulative_case_at_cap_equal_escalates", [item(1500_00)], "S",
                               granted=dict(none3, case=yuan(1500)),
                               patch=merge_patch(per_case, eq)))
    assert out[-1]["expect"]["approver"] == REGIONAL
    out.append(approval_vector("granted_case_counts_toward_role_limit", [item(200_00)], "B",
                               granted=dict(none3, case=yuan(400)),
                               comment="600 on a B case: above the advisor's 500 and the B cap"))
    assert out[-1]["expect"] == {"approver": MANAGER, "path": [ADVISOR, MANAGER],
                                 "total_minor": 20000, "by_layer_minor": [0, 20000, 0],
                                 "within_cap": False}
    per_customer = {"authority": {"cumulative": {"per_customer": {"amount": yuan(3000), "days": 365}}}}
    out.append(approval_vector("cumulative_customer_breaks", [item(300_00)], "B",
                               granted=dict(none3, customer=yuan(2800)), patch=per_customer))
    assert out[-1]["expect"]["approver"] == REGIONAL and out[-1]["expect"]["within_cap"]
    out.append(approval_vector("cumulative_customer_fits", [item(200_00)], "B",
                               granted=dict(none3, customer=yuan(2800)), patch=per_customer))
    assert out[-1]["expect"]["approver"] == ADVISOR
    per_vehicle = {"authority": {"cumulative": {"per_vehicle": {"amount": yuan(1000), "days": 180}}}}
    out.append(approval_vector("cumulative_vehicle_breaks", [item(450_00)], "A",
                               granted=dict(none3, vehicle=yuan(600)), patch=per_vehicle))
    assert out[-1]["expect"]["approver"] == REGIONAL
    out.append(approval_vector("cumulative_vehicle_not_counted_without_cap", [item(450_00)], "A",
                               granted=dict(none3, vehicle=yuan(600))))
    assert out[-1]["expect"]["approver"] == ADVISOR
    to_manager = {"authority": {"cumulative": {"per_case": yuan(300),
                                               "escalate_to": MANAGER}}}
    out.append(approval_vector("cumulative_escalates_to_manager", [item(400_00)], "B",
                               patch=to_manager))
    assert out[-1]["expect"]["approver"] == MANAGER
    out.append(approval_vector("cumulative_escalation_never_lowers", [item(3000_00)], "A",
                               patch=to_manager, comment="already regional by the ladder"))
    assert out[-1]["expect"]["approver"] == REGIONAL
    out.append(approval_vector("cumulative_granted_in_usd", [item(100_00)], "B",
                               rates=[usd_cny], granted=dict(none3, customer=money(400_00, "USD")),
                               patch=per_customer,
                               comment="2849.36 + 100 <= 3000"))
    out.append(approval_vector("cumulative_granted_usd_without_rate_error", [item(100_00)], "B",
                               granted=dict(none3, customer=money(400_00, "USD")),
                               patch=per_customer))
    return out


# --------------------------------------------------------------------------
# Case status
# --------------------------------------------------------------------------

STATE_NAMES = ("pending", "warned", "breached", "met", "met_late")


def o_case_status(pol, r, progress, now, case_id):
    t = o_triage(pol, r)
    lead = pol["warning_lead_seconds"]
    start = r["submitted_at"]
    alert = next((a for a in pol["alerts"] if a["level"] == t["alert"]), None)
    clocks = []
    if t["acknowledge_by"] is not None:
        clocks.append(("acknowledge", t["acknowledge_by"], progress["acknowledged_at"],
                       alert.get("escalate_to")))
    if t["contact_by"] is not None:
        clocks.append(("contact", t["contact_by"], progress["contacted_at"], None))
    deadlines, events, fires = [], [], []
    for name, due, met_at, esc in clocks:
        warn_at = max(due - lead, start)
        met = met_at if (met_at is not None and met_at <= now) else None
        if met is not None:
            state = "met" if met <= due else "met_late"
        elif now > due:  # reaching the deadline itself is still in time
            state = "breached"
        elif now >= warn_at:
            state = "warned"
        else:
            state = "pending"
        done = met if met is not None else float("inf")
        key = lambda kind: f"{case_id}:{name}:{kind}"  # noqa: E731
        if warn_at < due and warn_at <= now and warn_at < done:
            events.append({"key": key("warned"), "kind": "warned", "deadline": name,
                           "at": warn_at, "to": None})
        if due + 1 <= now and due < done:
            events.append({"key": key("breached"), "kind": "breached", "deadline": name,
                           "at": due + 1, "to": None})
            if esc:
                events.append({"key": key("escalated"), "kind": "escalated", "deadline": name,
                               "at": due + 1, "to": esc})
        if met is None:
            fires += [x for x in (warn_at, due + 1) if x > now]
        deadlines.append({"name": name, "due": due, "warn_at": warn_at, "state": state,
                          "met_at": met, "escalate_to": esc})
    if t["escalate_immediately"]:
        events.append({"key": f"{case_id}:public_opinion:escalated", "kind": "escalated",
                       "deadline": "public_opinion", "at": start, "to": t["escalate_to"]})
    events.sort(key=lambda e: (e["at"], e["key"]))
    return {"deadlines": deadlines, "events": events,
            "next_fire_at": min(fires) if fires else None}


def case_vector(name, r, now, ack=None, contact=None, patch=None, case_id="case-1", comment=None):
    progress = {"acknowledged_at": ack, "contacted_at": contact}
    v = {"name": name}
    if patch:
        v["policy_patch"] = patch
    v.update(response=r, progress=progress, now=now, case_id=case_id,
             expect=o_case_status(policy_of(patch), r, progress, now, case_id))
    if comment:
        v["comment"] = comment
    return v


def case_status():
    out = []
    t0 = SH_FRI_21
    red = response(2, t0)
    due = t0 + 2 * H
    out.append(case_vector("red_pending_at_submission", red, t0))
    assert out[-1]["expect"]["next_fire_at"] == due - 30 * 60
    out.append(case_vector("red_pending_just_before_warning", red, due - 30 * 60 - 1))
    out.append(case_vector("red_warned_at_lead", red, due - 30 * 60,
                           comment="warned exactly 30 min before the deadline"))
    assert out[-1]["expect"]["deadlines"][0]["state"] == "warned"
    assert out[-1]["expect"]["next_fire_at"] == due + 1  # the first second past the deadline
    out.append(case_vector("red_warned_one_second_before_due", red, due - 1))
    out.append(case_vector("red_at_due_still_in_time", red, due,
                           comment="at 23:00 exactly the deadline is not yet breached"))
    assert out[-1]["expect"]["deadlines"][0]["state"] == "warned"
    assert out[-1]["expect"]["next_fire_at"] == due + 1
    out.append(case_vector("red_not_acknowledged_breached_escalated", red, due + 1, case_id="c-42",
                           comment="23:00 passes without acknowledgement: regional manager"))
    ev = out[-1]["expect"]["events"]
    assert {"key": "c-42:acknowledge:escalated", "kind": "escalated", "deadline": "acknowledge",
            "at": due + 1, "to": REGIONAL} in ev
    assert out[-1]["expect"]["deadlines"][0]["state"] == "breached"
    out.append(case_vector("red_breached_later_same_keys", red, due + 5 * H, case_id="c-42",
                           comment="a later poll returns the same events with the same keys"))
    assert out[-1]["expect"]["events"] == ev and out[-1]["expect"]["next_fire_at"] is None
    out.append(case_vector("red_acknowledged_in_time_met", red, due + H, ack=t0 + 40 * 60,
                           contact=t0 + 50 * 60))
    assert [d["state"] for d in out[-1]["expect"]["deadlines"]] == ["met", "met"]
    assert out[-1]["expect"]["events"] == []
    out.append(case_vector("red_acknowledged_at_due_met", red, due, ack=due, contact=due))
    out.append(case_vector("red_acknowledged_after_warning", red, due + H, ack=due - 10 * 60,
                           contact=due - 5 * 60))
    out.append(case_vector("red_acknowledged_late", red, due + H, ack=due + 60))
    out.append(case_vector("red_acknowledgement_in_future_ignored", red, due - H,
                           ack=due - 30 * 60 + 1,
                           comment="progress after `now` is not known yet"))
    out.append(case_vector("yellow_two_clocks", response(6, t0), t0 + 6 * H + 1,
                           comment="ack 6 h breached (no escalation rule), contact 24 h pending"))
    assert [d["state"] for d in out[-1]["expect"]["deadlines"]] == ["breached", "pending"]
    out.append(case_vector("yellow_contact_warned", response(6, t0), t0 + 24 * H - 20 * 60,
                           ack=t0 + H))
    out.append(case_vector("orange_follow_up", response(7, t0), t0 + 71 * H))
    out.append(case_vector("promoter_nothing", response(10, t0), t0 + H))
    assert out[-1]["expect"] == {"deadlines": [], "events": [], "next_fire_at": None}
    out.append(case_vector("public_opinion_escalates_at_once", response(5, t0, risk=True), t0,
                           case_id="p-1"))
    assert out[-1]["expect"]["events"][0]["key"] == "p-1:public_opinion:escalated"
    out.append(case_vector("lead_longer_than_window", red, t0 + 60,
                           patch={"warning_lead_seconds": 3 * H},
                           comment="warning lead 3 h > 2 h window: warned from submission"))
    out.append(case_vector("lead_zero_no_warning", red, due, patch={"warning_lead_seconds": 0}))
    out.append(case_vector("lead_zero_breached", red, due + 1, patch={"warning_lead_seconds": 0}))
    return out


# --------------------------------------------------------------------------
# Early warnings
# --------------------------------------------------------------------------

EARLY_RANK = {"red": 3, "orange": 2, "yellow": 1}

KEYWORDS = {"en": ["angry", "unacceptable", "never again", "refund now"],
            "zh": ["生气", "投诉", "太差"], "de": ["ärgerlich"]}
KW_PATCH = {"early_warnings": {"angry_keywords": KEYWORDS}}


def keyword_in(text: str, kw: str) -> bool:
    """Case-insensitive; keywords of ASCII letters/digits/spaces match whole
    words, others (Chinese) as substrings."""
    text, kw = text.lower(), kw.strip().lower()
    if not kw:
        return False
    if not all((c.isascii() and c.isalnum()) or c == " " for c in kw):
        return kw in text
    i = text.find(kw)
    while i >= 0:
        before = text[i - 1] if i > 0 else ""
        after = text[i + len(kw)] if i + len(kw) < len(text) else ""
        # A word boundary for an English word: not an ASCII letter or digit
        # (Chinese text has no spaces: "我很angry" contains the word).
        if not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum()):
            return True
        i = text.find(kw, i + 1)
    return False


def o_visit(pol, v, keywords):
    ew = pol["early_warnings"]
    warnings = []
    if v["promised_at"] is not None and v["now"] - v["promised_at"] >= ew["wait_over_promise_minutes"] * 60:
        warnings.append({"rule": "waiting", "level": ew["wait_level"]})
    if v["progress_inquiries"] >= ew["progress_inquiries"]:
        warnings.append({"rule": "progress_inquiries", "level": ew["inquiries_level"]})
    if any(keyword_in(m, k) for m in v["messages"] for ks in keywords.values() for k in ks):
        warnings.append({"rule": "angry_wording", "level": ew["angry_level"]})
    run, retention = 0, False
    for i, r in enumerate(v["ratings"]):
        if not 1 <= r <= ew["rating_scale_max"]:
            return {"error": {"kind": "invalid_score", "index": i}}
        run = run + 1 if r < ew["low_rating_below"] else 0
        retention |= run >= ew["low_rating_consecutive"]
    warnings.sort(key=lambda w: -EARLY_RANK[w["level"]])
    return {"expect": {"level": warnings[0]["level"] if warnings else None,
                       "warnings": warnings,
                       "retention_call": ew["retention_call_by"] if retention else None}}


def visit_vector(name, promised=None, now=0, inquiries=0, messages=(), ratings=(),
                 patch=KW_PATCH, keywords=KEYWORDS, known_issue=None, comment=None):
    visit = {"promised_at": promised, "now": now, "progress_inquiries": inquiries,
             "messages": list(messages), "ratings": list(ratings)}
    v = {"name": name}
    if patch:
        v["policy_patch"] = patch
    v["visit"] = visit
    v.update(o_visit(policy_of(patch), visit, keywords))
    if known_issue:
        v["known_issue"] = known_issue
    if comment:
        v["comment"] = comment
    return v


def early_warnings():
    out = []
    p = 1_750_000_000
    for minutes, sec in ((29, 0), (29, 59), (30, 0), (31, 0)):
        out.append(visit_vector(f"wait_{minutes}m{sec:02d}s_past_promise", promised=p,
                                now=p + minutes * 60 + sec))
    assert out[1]["expect"]["level"] is None and out[2]["expect"]["level"] == "yellow"
    out.append(visit_vector("wait_before_promise", promised=p, now=p - 3600))
    out.append(visit_vector("no_promise", promised=None, now=p))
    for n in (1, 2, 3):
        out.append(visit_vector(f"inquiries_{n}", now=p, inquiries=n))
    out.append(visit_vector("angry_zh", now=p, messages=["等了两个小时，我要投诉！"]))
    out.append(visit_vector("angry_zh_second_message", now=p,
                            messages=["好的，谢谢", "服务太差了"]))
    out.append(visit_vector("angry_en", now=p, messages=["This is UNACCEPTABLE."]))
    out.append(visit_vector("angry_en_phrase", now=p, messages=["I want a Refund now!"]))
    out.append(visit_vector("angry_en_capitalised", now=p, messages=["Angry customer here"]))
    out.append(visit_vector("angry_unicode_case", now=p, messages=["Das ist ÄRGERLICH!"],
                            comment="Unicode lower-casing: Ä -> ä"))
    out.append(visit_vector("not_angry_angrybirds", now=p, messages=["I love angrybirds"]))
    out.append(visit_vector("not_angry_substring_prefix", now=p, messages=["hangry? no"]))
    out.append(visit_vector("not_angry_polite", now=p, messages=["谢谢，辛苦了", "thanks!"]))
    out.append(visit_vector(
        "angry_en_inside_chinese_text", now=p, messages=["我真的很angry"],
        comment="Chinese has no spaces: an English keyword next to Chinese characters is a word",
    ))
    out.append(visit_vector("angry_default_lists_zh", now=p, messages=["我要投诉你们"],
                            patch=None, keywords={"zh": ["投诉"]},
                            comment="the default Chinese list contains 投诉 (complaint)"))
    out.append(visit_vector("angry_default_lists_en", now=p, messages=["I am angry."],
                            patch=None, keywords={"en": ["angry"]},
                            comment="the default English list contains angry"))
    out.append(visit_vector("ratings_5_3_2_retention_call", now=p, ratings=[5, 3, 2]))
    assert out[-1]["expect"]["retention_call"] == REGIONAL
    out.append(visit_vector("ratings_3_5_3_none", now=p, ratings=[3, 5, 3]))
    assert out[-1]["expect"]["retention_call"] is None
    out.append(visit_vector("ratings_4_4_none", now=p, ratings=[4, 4]))
    out.append(visit_vector("ratings_1_1", now=p, ratings=[1, 1]))
    out.append(visit_vector("ratings_single_low", now=p, ratings=[1]))
    out.append(visit_vector("rating_0_error", now=p, ratings=[5, 0, 2]))
    assert out[-1]["error"] == {"kind": "invalid_score", "index": 1}
    out.append(visit_vector("rating_6_error", now=p, ratings=[3, 3, 6]))
    out.append(visit_vector("wait_and_inquiries_orange_over_yellow", promised=p, now=p + 45 * 60,
                            inquiries=2, comment="during a visit orange outranks yellow"))
    assert out[-1]["expect"]["level"] == "orange"
    out.append(visit_vector("all_three_red_first", promised=p, now=p + 45 * 60, inquiries=4,
                            messages=["太差了"], ratings=[2, 3]))
    out.append(visit_vector("custom_thresholds", promised=p, now=p + 10 * 60, inquiries=1,
                            patch={"early_warnings": {"wait_over_promise_minutes": 10,
                                                      "progress_inquiries": 1,
                                                      "low_rating_consecutive": 3,
                                                      "angry_keywords": KEYWORDS}},
                            ratings=[1, 2, 5, 1, 1, 1]))
    return out


# --------------------------------------------------------------------------
# Policy errors (expected paths by hand, from the documented schema)
# --------------------------------------------------------------------------

def full_tiers(modify):
    tiers = [dict(t, owner_mode=m) for t, m in
             zip(copy.deepcopy(DEFAULT_TIERS), ("personally", "supervising", "executing"))]
    modify(tiers)
    return tiers


def full_ladder(modify):
    ladder = copy.deepcopy(DEFAULT_LADDER)
    modify(ladder)
    return ladder


def full_alerts(modify):
    alerts = [dict(a, channel=c) for a, c in
              zip(copy.deepcopy(DEFAULT_ALERTS), ("sms_phone", "messaging_app",
                                                  "passive_conversion_plan"))]
    modify(alerts)
    return alerts


def policy_errors():
    out = []

    def add(name, paths, patch=None, text=None, comment=None, known_issue=None):
        v = {"name": name}
        if known_issue:
            v["known_issue"] = known_issue
        if text is not None:
            v["text"] = text
        else:
            v["policy_patch"] = patch
        v["expect"] = {"kind": "invalid_policy", "paths": sorted(paths)}
        if comment:
            v["comment"] = comment
        out.append(v)

    def t_unmatched(t):
        t[2]["when"]["scores"] = None

    add("tier_leaves_score_6_unmatched", ["tiers"], {"tiers": full_tiers(t_unmatched)},
        comment="no tier matches an ordinary 6")

    def t_overlap(t):
        t[2]["when"]["scores"] = [5, 6]

    add("tier_scores_overlap", ["tiers[2].when.scores"], {"tiers": full_tiers(t_overlap)},
        comment="B covers 5-6: 5 overlaps A; 6 is still matched (by B)")

    def t_passive(t):
        t[2]["when"]["scores"] = [6, 7]

    add("tier_covers_a_passive", ["tiers[2].when.scores"], {"tiers": full_tiers(t_passive)})

    def l_decrease(ladder):
        ladder[1]["tier_limits"]["S"] = yuan(400)

    add("cap_decreases_up_the_ladder_tier_limit", ["authority.ladder[1].tier_limits.S"],
        {"authority": {"ladder": full_ladder(l_decrease)}})

    def l_decrease2(ladder):
        ladder[1]["limit"] = yuan(300)

    add("cap_decreases_up_the_ladder_limit", ["authority.ladder[1].limit"],
        {"authority": {"ladder": full_ladder(l_decrease2)}},
        comment="the manager's general limit 300 is below the advisor's 500")

    def l_unlimited_middle(ladder):
        ladder[0]["limit"] = None

    add("unlimited_role_below_the_top", ["authority.ladder[0].limit", "authority.ladder[1].limit"],
        {"authority": {"ladder": full_ladder(l_unlimited_middle)}},
        comment="an unlimited advisor below a limited manager: both rungs are wrong")
    add("unknown_currency", ["currency"], {"currency": "ZZZ"})
    add("cap_in_unknown_currency", ["tiers[0].compensation_cap.currency"],
        {"tiers": full_tiers(lambda t: t[0].update(compensation_cap=money(1, "ZZZ")))},
        comment="a structural error: the first one is reported")
    add("cap_in_other_currency", ["tiers[0].compensation_cap"],
        {"tiers": full_tiers(lambda t: t[0].update(compensation_cap=money(500000, "USD")))})
    cal_ok = {"tz": "Asia/Shanghai", "weekly": {"tue": [["09:00", "18:00"]]}}
    add("calendar_interval_ends_before_start", ["calendar.weekly.mon[0]"],
        {"calendar": merge_patch(cal_ok, {"weekly": {"mon": [["18:00", "09:00"]]}})})
    add("calendar_unknown_time_zone", ["calendar.tz"],
        {"calendar": merge_patch(cal_ok, {"tz": "Mars/Olympus_Mons"})})
    add("calendar_holiday_is_also_working_day", ["calendar.holidays[0]"],
        {"calendar": merge_patch(cal_ok, {"holidays": ["2025-09-28"],
                                          "working_days": {"2025-09-28": [["09:00", "18:00"]]}})})
    add("calendar_duplicate_holiday", ["calendar.holidays[1]"],
        {"calendar": merge_patch(cal_ok, {"holidays": ["2025-10-01", "2025-10-01"]})})
    add("calendar_overlapping_ranges", ["calendar.weekly.tue"],
        {"calendar": merge_patch(cal_ok, {"weekly": {"tue": [["09:00", "12:00"],
                                                             ["11:00", "18:00"]]}})})
    add("structural_type_error_text", ["currency"], text='{"currency": 5}')
    add("structural_type_error_patch", ["warning_lead_seconds"],
        {"warning_lead_seconds": "soon"})
    add("structural_bad_duration_unit", ["alerts[0].acknowledge_within.unit"],
        {"alerts": full_alerts(lambda a: a[0].update(acknowledge_within={"unit": "fortnight",
                                                                          "seconds": 1}))})
    add("business_time_without_calendar", ["alerts[0].acknowledge_within"],
        {"alerts": full_alerts(lambda a: a[0].update(acknowledge_within=business(2 * H)))})
    add("alert_scores_overlap", ["alerts[1].scores"],
        {"alerts": full_alerts(lambda a: a[1].update(scores=[3, 6]))})
    add("owner_not_on_ladder", ["tiers[1].owner"],
        {"tiers": full_tiers(lambda t: t[1].update(owner="ceo"))})
    add("negative_warning_lead", ["warning_lead_seconds"], {"warning_lead_seconds": -1})
    add("every_problem_reported",
        ["currency", "calendar.tz", "tiers[1].owner", "warning_lead_seconds",
         "calendar.weekly.wed[0]"],
        {"currency": "ZZZ", "warning_lead_seconds": -5,
         "calendar": merge_patch(cal_ok, {"tz": "Nowhere/City",
                                          "weekly": {"wed": [["17:00", "08:00"]]}}),
         "tiers": full_tiers(lambda t: t[1].update(owner="ceo"))},
        comment="nothing half-loaded: all five problems at once")
    add("unknown_field", ["colour"], {"colour": "red"})
    add("empty_document", [""], text="")
    add("syntax_error", [""], text="{not json",
        comment="a syntax error at the document level names the root")
    return out


# --------------------------------------------------------------------------


def main():
    doc = {
        "version": 1,
        "generator": GENERATOR,
        "default_policy": default_policy_subset(),
        "triage": triage(),
        "approvals": approvals(),
        "calendars": calendars(),
        "case_status": case_status(),
        "early_warnings": early_warnings(),
        "policy_errors": policy_errors(),
    }
    for section, vs in doc.items():
        if isinstance(vs, list):
            names = [v["name"] for v in vs]
            assert len(names) == len(set(names)), f"duplicate names in {section}"
    text = json.dumps(doc, indent=1, ensure_ascii=False, allow_nan=False) + "\n"
    OUT.write_text(text, encoding="utf-8")
    counts = ", ".join(f"{k}: {len(v)}" for k, v in doc.items() if isinstance(v, list))
    print(f"wrote {OUT} ({counts})")


if __name__ == "__main__":
    main()
