#!/usr/bin/env python3
"""Generates the bundled service-economics sample (deterministic, stdlib only):

- data/sample/econ_ledger.csv: service ledger lines of four regions of an
  equipment maker, 2025 by quarter (region, category, amount_minor in fen,
  booked_at, engineers of the region in the quarter on its delivery line).
  The remote West region is the source article's province: three resident
  engineers cost over 1,500,000 CNY a year against under 800,000 of service
  revenue.
- data/sample/econ_region_measures.csv: per region and quarter, NPS and
  first-visit resolution (the customer axis of the strategic value matrix).
- data/sample/econ_fleet_units.csv / econ_fleet_events.csv: machines sold
  2019-2025 (unit, product_line, sold, manufacturing_cost_minor) and their
  service cost events (unit, at, amount_minor); the excavator line's service
  cost over three years approaches its manufacturing cost.

Synthetic data for the report and the tests only.
Run: python3 scripts/gen_sample_econ.py
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "sample"
YUAN = 100  # fen per yuan

# region -> (engineers, yearly revenue by category in yuan, yearly cost by category in yuan)
REGIONS = {
    "East": (6, {"parts": 1_900_000, "extended_warranty": 600_000, "paid_service": 900_000,
                 "value_added_services": 500_000, "external": 200_000},
             {"quality_failure": 900_000, "service_delivery": 1_700_000, "parts_sunk": 150_000,
              "churn_credit": 100_000}),
    "South": (5, {"parts": 1_300_000, "extended_warranty": 300_000, "paid_service": 700_000,
                  "value_added_services": 100_000, "external": 0},
              {"quality_failure": 800_000, "service_delivery": 1_400_000, "parts_sunk": 200_000,
               "churn_credit": 300_000}),
    "North": (4, {"parts": 1_600_000, "extended_warranty": 200_000, "paid_service": 500_000,
                  "value_added_services": 50_000, "external": 0},
              {"quality_failure": 500_000, "service_delivery": 1_000_000, "parts_sunk": 100_000,
               "churn_credit": 50_000}),
    # The source's province: 3 engineers, > 1.5 M cost, < 0.8 M revenue.
    "West": (3, {"parts": 420_000, "extended_warranty": 60_000, "paid_service": 260_000,
                 "value_added_services": 0, "external": 0},
             {"quality_failure": 220_000, "service_delivery": 1_520_000, "parts_sunk": 90_000,
              "churn_credit": 120_000}),
}
# region -> (NPS by quarter, first-visit resolution by quarter)
MEASURES = {
    "East": ([42, 45, 48, 51], [0.82, 0.84, 0.85, 0.87]),
    "South": ([38, 30, 22, 10], [0.78, 0.74, 0.70, 0.40]),
    "North": ([-30, -25, -20, 2], [0.55, 0.56, 0.58, 0.72]),
    "West": ([-35, -30, -28, -22], [0.55, 0.56, 0.57, 0.58]),
}
QUARTERS = [dt.date(2025, 1, 1), dt.date(2025, 4, 1), dt.date(2025, 7, 1), dt.date(2025, 10, 1)]

# line -> (manufacturing cost in yuan, monthly event probability, mean event cost in yuan)
LINES = {
    "Excavator XE200": (300_000, 0.30, 22_000),
    "Loader LW300": (200_000, 0.12, 3_000),
    "Compactor CP100": (80_000, 0.15, 1_600),
}
AS_OF = dt.date(2025, 12, 31)


def add_months(d: dt.date, m: int) -> dt.date:
    y, mo = divmod(d.month - 1 + m, 12)
    return dt.date(d.year + y, mo + 1, min(d.day, 28))


def ledger(rng: random.Random) -> None:
    rows = []
    for region, (eng, revenue, cost) in REGIONS.items():
        for q, start in enumerate(QUARTERS):
            for side in (revenue, cost):
                for cat, yearly in side.items():
                    if yearly == 0:
                        continue
                    # Two lines per category and quarter, summing to about a quarter.
                    quarter = yearly / 4 * rng.uniform(0.9, 1.1)
                    split = rng.uniform(0.3, 0.7)
                    for part in (split, 1 - split):
                        day = start + dt.timedelta(days=rng.randrange(0, 89))
                        rows.append([region, cat, round(quarter * part * YUAN),
                                     f"{day.isoformat()}T10:00:00",
                                     eng if cat == "service_delivery" else ""])
    rows.sort(key=lambda r: (r[3], r[0], r[1]))
    with (OUT / "econ_ledger.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["region", "category", "amount_minor", "booked_at", "engineers"])
        w.writerows(rows)
    with (OUT / "econ_region_measures.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["region", "quarter", "nps", "first_visit_resolution"])
        for region, (nps, fvr) in MEASURES.items():
            for q, start in enumerate(QUARTERS):
                w.writerow([region, start.isoformat(), nps[q], fvr[q]])


def fleet(rng: random.Random) -> None:
    units, events = [], []
    n = 0
    for line, (mc, p, mean) in LINES.items():
        for k in range(40):
            n += 1
            sold = add_months(dt.date(2019, 1, 10), rng.randrange(0, 80))
            uid = f"M{n:04d}"
            units.append([uid, line, sold.isoformat(), round(mc * rng.uniform(0.95, 1.05) * YUAN)])
            age = 0
            while True:
                d = add_months(sold, age) + dt.timedelta(days=rng.randrange(0, 27))
                if d > AS_OF:
                    break
                if rng.random() < p:
                    cost = rng.expovariate(1 / mean)
                    events.append([uid, d.isoformat(), round(cost * YUAN)])
                age += 1
    with (OUT / "econ_fleet_units.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["unit", "product_line", "sold", "manufacturing_cost_minor"])
        w.writerows(units)
    events.sort(key=lambda e: (e[1], e[0]))
    with (OUT / "econ_fleet_events.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["unit", "at", "amount_minor"])
        w.writerows(events)


def main() -> None:
    rng = random.Random(15)
    ledger(rng)
    fleet(rng)


if __name__ == "__main__":
    main()
