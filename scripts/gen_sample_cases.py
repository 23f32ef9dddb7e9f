#!/usr/bin/env python3
"""Writes data/sample/cases_events.json: deterministic recovery-case event
logs (SPEC §4.5) for the low scores (0-6) of the bundled survey submitted
in Aug-Oct 2026 (data/sample/survey_responses.csv), for the main-job report
(the recovery funnel of `nps report --cases`).

    python3 scripts/gen_sample_cases.py [survey.csv] [out.json]

Each case follows the procedure with per-case pseudo-random delays seeded by
the response id (stdlib only, same output on every run): acknowledgement,
first contact (phone, visit or message), investigation, a compensation
package, acceptance, execution, follow-up, sometimes a re-rating, a close
(recovered, converted or lost; faster responses succeed more often, as in
the source) and a review. Cases opened in the last days of October are left
open at various steps, so the report can rank open cases. The file is a JSON
array of {"id", "events"} objects, one case per line.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import random
import sys

CST = dt.timezone(dt.timedelta(hours=8))
H = 3600
FIRST = int(dt.datetime(2026, 8, 1, tzinfo=CST).timestamp())
END = int(dt.datetime(2026, 10, 31, 12, tzinfo=CST).timestamp())  # the report's "now"
REASONS = [("waiting_time", 40), ("not_fixed", 25), ("attitude", 15), ("price_dispute", 12),
           ("communication", 8)]


def iso(t: int) -> str:
    return dt.datetime.fromtimestamp(t, CST).isoformat()


def ev(kind: str, t: int, **kw: object) -> dict:
    d: dict = {"kind": kind, "at": iso(t)}
    d.update(kw)
    return d


def pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([k for k, _ in weighted], weights=[w for _, w in weighted])[0]


def case_for(row: dict) -> dict:
    rid = int(row["response_id"])
    rng = random.Random(rid)
    t0 = int(row["submitted_at"])
    score = int(float(row["score"]))
    hv = row["high_value"] == "1"
    risk = row["public_opinion_risk"] == "1"
    events = [ev("opened", t0, score=score, reason=pick(rng, REASONS), high_value=hv,
                 public_opinion_risk=risk, dealer=row["dealer"])]

    def add(e: dict) -> bool:
        """Appends while before the report's now; False once past it."""
        if int(dt.datetime.fromisoformat(e["at"]).timestamp()) > END:
            return False
        events.append(e)
        return True

    t = t0 + rng.randint(5 * 60, 90 * 60)
    if not add(ev("acknowledged", t)):
        return {"id": f"r{rid}", "events": events}
    # first contact: mostly fast, sometimes slow
    delay = rng.choice([1, 2, 3, 4, 5, 8, 12, 20, 30, 50]) * H + rng.randint(0, 50 * 60)
    if rng.random() < 0.03:  # never reached
        t += 96 * H
        add(ev("closed", t, outcome="lost"))
        return {"id": f"r{rid}", "events": events}
    t = max(t, t0 + delay)
    channel = pick(rng, [("phone", 55), ("visit", 30), ("message", 15)])
    if not add(ev("contacted", t, channel=channel)):
        return {"id": f"r{rid}", "events": events}
    t += rng.randint(1, 6) * H
    if not add(ev("investigated", t, responsibility=pick(
            rng, [("company", 60), ("shared", 20), ("customer", 15), ("force_majeure", 5)]))):
        return {"id": f"r{rid}", "events": events}
    p_success = 0.85 if delay <= 6 * H else 0.65 if delay <= 24 * H else 0.40
    p_success += 0.05 if channel == "visit" else 0.0
    yuan = rng.choice([0, 0, 200, 300, 500, 800, 1500, 1800, 3000, 4600])
    if yuan:
        t += rng.randint(1, 4) * H
        items = [{"value": yuan * 100, "currency": "CNY", "layer": "loss_compensation"}]
        if channel == "visit":
            items.append({"value": 20000, "currency": "CNY", "layer": "emotional_repair"})
        if not add(ev("solution_proposed", t, items=items)):
            return {"id": f"r{rid}", "events": events}
        t += rng.randint(1, 5) * H
        if not add(ev("solution_accepted", t)):
            return {"id": f"r{rid}", "events": events}
        t += rng.randint(4, 30) * H
        if not add(ev("executed", t)):
            return {"id": f"r{rid}", "events": events}
        t += rng.randint(12, 40) * H
        if not add(ev("followed_up", t)):
            return {"id": f"r{rid}", "events": events}
    t += rng.randint(2, 24) * H
    success = rng.random() < p_success
    converted = success and rng.random() < 0.4
    if converted and not add(ev("rerated", t, score=rng.choice([9, 10]))):
        return {"id": f"r{rid}", "events": events}
    t += H
    outcome = "converted" if converted else "recovered" if success else "lost"
    if not add(ev("closed", t, outcome=outcome)):
        return {"id": f"r{rid}", "events": events}
    t += rng.randint(72, 120) * H
    add(ev("reviewed", t))
    return {"id": f"r{rid}", "events": events}


def main() -> None:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "data/sample/survey_responses.csv")
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(root, "data/sample/cases_events.json")
    cases = []
    with open(src, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            cell = row["score"].strip()
            try:
                score = float(cell)
            except ValueError:
                continue
            if not (0 <= score <= 6 and score == int(score)):
                continue
            if not FIRST <= int(row["submitted_at"]) <= END:
                continue
            cases.append(case_for(row))
    cases.sort(key=lambda c: (c["events"][0]["at"], c["id"]))
    with open(out, "w", encoding="utf-8") as f:
        f.write("[\n")
        f.write(",\n".join(json.dumps(c, ensure_ascii=False, separators=(",", ":")) for c in cases))
        f.write("\n]\n")


if __name__ == "__main__":
    main()
