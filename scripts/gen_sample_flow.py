#!/usr/bin/env python3
"""Generates the bundled repair-order milestone sample (deterministic, stdlib only):

data/sample/flow_milestones.csv: one row per repair order x milestone
(ro, dealer, advisor, milestone, at in Unix seconds), three dealers over two
working weeks (Asia/Shanghai, workshop 08:30-12:00 and 13:00-17:30). The
visit follows the source's journey (第一站–第六站): booked, arrived, greeted,
inspected (walk-around), diagnosed, authorized, repair_started,
repair_finished, delivered, left; plus the promised completion and progress
updates. Realistic trouble:

- reception: dealer 102 keeps customers waiting (the VSM's 15 minutes
  against a 3-minute standard); the others greet within minutes;
- lunch: a repair running over 12:00-13:00 stops for the hour;
- parts: about one repair order in eight waits one to three days for a part
  ("您要的配件没货,需要等3天");
- rework: about one in sixteen is repaired twice (a second repair_started
  and repair_finished);
- silence: dealer 101 sends an update about every 45 minutes, 102
  sometimes, 103 rarely ("no progress update while waiting");
- gaps in the record: greetings, walk-arounds and departures not scanned,
  and a few tablets whose clock ran early (a greeting before the arrival).

Synthetic data for the report and the tests only.
Run: python3 scripts/gen_sample_flow.py
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "sample" / "flow_milestones.csv"
CST = dt.timezone(dt.timedelta(hours=8))  # Asia/Shanghai has no DST
M = 60

DEALERS = {
    "101 Shanghai Pudong": {"reception": 2.0, "update_every": 45, "advisors": ["Wang", "Li", "Zhao"]},
    "102 Hangzhou West": {"reception": 11.0, "update_every": 100, "advisors": ["Chen", "Liu", "Yang"]},
    "103 Suzhou Park": {"reception": 2.5, "update_every": None, "advisors": ["Zhou", "Wu", "Xu"]},
}
DAYS = [dt.date(2025, 9, 1) + dt.timedelta(days=i) for i in range(14)
        if (dt.date(2025, 9, 1) + dt.timedelta(days=i)).weekday() < 5]


def at(day: dt.date, minutes: float) -> int:
    """Unix seconds of `minutes` after local midnight of `day`."""
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=CST).timestamp() + round(minutes * M))


def open_at(t: int) -> int:
    """`t`, or the next opening if the workshop is closed then."""
    local = dt.datetime.fromtimestamp(t, CST)
    minutes = local.hour * 60 + local.minute
    day = local.date()
    if minutes < 8 * 60 + 30:
        return at(day, 8 * 60 + 30)
    if 12 * 60 <= minutes < 13 * 60:
        return at(day, 13 * 60)
    if minutes >= 17 * 60 + 30:
        nxt = day + dt.timedelta(days=1)
        while nxt.weekday() >= 5:
            nxt += dt.timedelta(days=1)
        return at(nxt, 8 * 60 + 30)
    return t


def work(start: int, minutes: float) -> int:
    """The end of `minutes` of work from `start`, pausing for lunch and the
    night."""
    t = open_at(start)
    left = minutes * M
    while left > 0:
        local = dt.datetime.fromtimestamp(t, CST)
        mins = local.hour * 60 + local.minute + local.second / 60
        block_end = 12 * 60 if mins < 12 * 60 else 17 * 60 + 30
        room = (block_end - mins) * M
        if left <= room:
            return int(t + left)
        left -= room
        t = open_at(int(t + room))
    return t


def main() -> None:
    rnd = random.Random(14)
    rows = []
    ro = 250_901_000
    for day in DAYS:
        for dealer, d in DEALERS.items():
            for _ in range(rnd.randint(6, 10)):
                ro += 1
                adv = rnd.choice(d["advisors"])
                ev = []
                arrived = at(day, rnd.uniform(8 * 60 + 30, 15 * 60 + 30))
                if rnd.random() < 0.7:
                    ev.append(("booked", arrived - rnd.randint(1, 3) * 86_400 - rnd.randint(0, 20_000)))
                ev.append(("arrived", arrived))
                greeted = arrived + round(rnd.expovariate(1 / d["reception"]) * M)
                inspected = greeted + rnd.randint(5, 15) * M
                diagnosed = work(inspected, rnd.uniform(10, 40))
                authorized = diagnosed + rnd.randint(3, 20) * M
                wait = rnd.uniform(10, 50)
                parts = rnd.random() < 0.125
                if parts:
                    wait += rnd.randint(1, 3) * 24 * 60
                started = open_at(authorized + round(wait * M))
                hours = min(rnd.lognormvariate(4.3, 0.6), 300)
                finished = work(started, hours)
                ev += [("greeted", greeted), ("inspected", inspected), ("diagnosed", diagnosed),
                       ("authorized", authorized), ("repair_started", started),
                       ("repair_finished", finished)]
                if rnd.random() < 0.0625:  # rework: the road test fails
                    again = finished + rnd.randint(10, 40) * M
                    finished = work(again, rnd.uniform(30, 90))
                    ev += [("repair_started", again), ("repair_finished", finished)]
                # The promise: the advisor's estimate at authorization.
                if rnd.random() < 0.85:
                    estimate = round((wait + hours * rnd.uniform(0.5, 1.0)) / 30) * 30 + 30
                    if parts:
                        estimate = wait + 120
                    ev.append(("promised", work(authorized, estimate) if not parts
                                            else authorized + round(estimate * M)))
                # Progress updates in the workshop.
                every = d["update_every"]
                if every:
                    t = started + round(rnd.uniform(0.5, 1.5) * every * M)
                    while t < finished:
                        if rnd.random() < 0.85:
                            ev.append(("updated", t))
                        t += round(rnd.uniform(0.6, 1.4) * every * M)
                elif rnd.random() < 0.3:
                    ev.append(("updated", started + (finished - started) // 2))
                if rnd.random() < 0.5:  # "your car is ready"
                    ev.append(("updated", finished + rnd.randint(1, 5) * M))
                r = rnd.random()
                if r < 0.6:  # waited in the lounge: handed over at once
                    delivered = finished + rnd.randint(2, 10) * M
                elif r < 0.85:  # called back from town
                    delivered = finished + rnd.randint(30, 120) * M
                else:  # picked up the next morning
                    delivered = open_at(finished + 16 * 3600) + rnd.randint(0, 60) * M
                ev.append(("delivered", delivered))
                ev.append(("left", delivered + rnd.randint(3, 12) * M))
                # Gaps and a skewed tablet clock.
                r = rnd.random()
                if r < 0.05:
                    ev = [e for e in ev if e[0] != "greeted"]
                elif r < 0.08:
                    ev = [e for e in ev if e[0] != "inspected"]
                elif r < 0.10:
                    ev = [e for e in ev if e[0] != "left"]
                elif r < 0.115:
                    ev = [(n, arrived - 4 * M) if n == "greeted" else (n, t) for n, t in ev]
                rows += [(ro, dealer, adv, n, t) for n, t in ev]
    rows.sort(key=lambda r: (r[4], r[0]))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["ro", "dealer", "advisor", "milestone", "at"])
        w.writerows(rows)
    print(f"wrote {OUT.relative_to(ROOT)}: {len(rows)} rows, {ro - 250_901_000} repair orders")


if __name__ == "__main__":
    main()
