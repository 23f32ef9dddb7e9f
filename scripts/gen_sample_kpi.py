#!/usr/bin/env python3
"""Generates the bundled KPI sample (deterministic, stdlib only):

- data/sample/kpi_repair_orders.csv: one row per repair job at the dealers
  of data/sample/survey_responses.csv, 2025-09-29 .. 2025-10-26 (Shanghai
  opening hours; National Day holidays Oct 1-8 closed, make-up day Oct 11).
- data/sample/kpi_attendance.csv: hours available per technician.
- data/sample/kpi_srt_catalog.json: standard repair times per operation.
- data/sample/kpi_bays.csv: repair bays per dealer.

Synthetic data for the report only. Run: python3 scripts/gen_sample_kpi.py
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "sample"
SH = dt.timezone(dt.timedelta(hours=8))  # Asia/Shanghai has no DST

DEALERS = {
    "101 Shanghai Pudong": 8, "102 Shanghai Minhang": 7, "103 Hangzhou West Lake": 6,
    "104 Suzhou Industrial Park": 6, "105 Nanjing Jiangning": 5, "106 Ningbo Yinzhou": 4,
    "107 Wuxi Binhu": 3,
}  # dealer -> repair bays
SRT = {"OIL_SERVICE": 0.5, "WHEEL_ALIGN": 0.8, "BRAKE_PADS": 1.2, "AC_SERVICE": 1.0,
       "DIAG_ELECTRIC": 1.5, "CLUTCH": 4.0, "TIMING_BELT": 3.2}
OPS = list(SRT) + ["BODY_REPAIR"]  # body work has no SRT in this catalog
COMPLAINT = {"OIL_SERVICE": "maintenance", "WHEEL_ALIGN": "steering", "BRAKE_PADS": "brakes",
             "AC_SERVICE": "climate", "DIAG_ELECTRIC": "electrical", "CLUTCH": "drivetrain",
             "TIMING_BELT": "engine", "BODY_REPAIR": "body"}
HOLIDAYS = {dt.date(2025, 10, d) for d in (1, 2, 3, 4, 6, 7, 8)}
MAKEUP = {dt.date(2025, 9, 28), dt.date(2025, 10, 11)}


def working(d: dt.date) -> bool:
    return d in MAKEUP or (d.weekday() < 6 and d not in HOLIDAYS)


def main() -> None:
    rng = random.Random(20251029)
    days = [dt.date(2025, 9, 29) + dt.timedelta(days=i) for i in range(28)]
    rows = []
    attendance = []
    ro = 0
    for dealer, bays in DEALERS.items():
        code = dealer.split()[0]
        techs = [f"{code}-T{i + 1}" for i in range(bays + 1)]
        vehicles = [f"{code}-V{i:04d}" for i in range(bays * 40)]
        for t in techs:
            hours = sum(8.0 if d.weekday() < 5 or d in MAKEUP else 7.0 for d in days if working(d))
            attendance.append({"dealer": dealer, "technician": t,
                               "available_hours": hours - rng.choice([0, 0, 8, 16])})
        for d in (d for d in days if working(d)):
            for _ in range(rng.randint(bays * 2, bays * 3)):
                ro += 1
                op = rng.choice(OPS)
                srt = SRT.get(op)
                base = srt if srt is not None else rng.uniform(1.0, 5.0)
                worked = round(max(0.25, base * rng.uniform(0.65, 1.25)), 2)
                start_min = rng.randint(30, 8 * 60)  # after 08:30
                arrived = dt.datetime(d.year, d.month, d.day, 8, 0, tzinfo=SH) + dt.timedelta(minutes=start_min)
                greeted = arrived + dt.timedelta(seconds=int(rng.expovariate(1 / 130)))
                opened = greeted + dt.timedelta(minutes=rng.randint(5, 20))
                finished = opened + dt.timedelta(hours=worked + rng.uniform(0.2, 1.5))
                promised = opened + dt.timedelta(hours=worked + 1.0) if rng.random() < 0.8 else None
                left = finished + dt.timedelta(seconds=int(rng.expovariate(1 / 600)))
                pay = rng.choices(["customer", "warranty", "internal"], [70, 22, 8])[0]
                rate = {"customer": 32_000, "warranty": 24_000, "internal": 18_000}[pay]
                rows.append({
                    "ro_id": ro, "dealer": dealer, "technician": rng.choice(techs),
                    "vehicle": rng.choice(vehicles), "operation": op, "complaint": COMPLAINT[op],
                    "bay_type": "repair" if rng.random() < 0.93 else "wash",
                    "arrived_at": int(arrived.timestamp()), "greeted_at": int(greeted.timestamp()),
                    "opened_at": int(opened.timestamp()), "closed_at": int(left.timestamp()),
                    "finished_at": int(finished.timestamp()), "left_at": int(left.timestamp()),
                    "promised_at": "" if promised is None else int(promised.timestamp()),
                    "worked_hours": worked, "pay_type": pay,
                    "hours_sold": srt if srt is not None else worked,
                    "labour_sales_minor": int(round((srt if srt is not None else worked) * rate)),
                })
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / "kpi_repair_orders.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    with open(OUT / "kpi_attendance.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(attendance[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(attendance)
    with open(OUT / "kpi_bays.csv", "w", newline="", encoding="utf-8") as f:
        f.write("dealer,repair_bays\n")
        f.writelines(f"{d},{b}\n" for d, b in DEALERS.items())
    (OUT / "kpi_srt_catalog.json").write_text(json.dumps(SRT, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
