#!/usr/bin/env python3
"""The main job: an NPS report on dealer survey responses.

    python3 examples/report.py data/sample/survey_responses.csv

Reads the survey export (see scripts/gen_sample_data.py for the columns),
keeps each respondent's latest answer, skips invalid scores (and says how
many), and prints NPS with confidence intervals for the network, per
dealer, per dealer and month, the month-on-month test per dealer, the
rolling trend, a goal-tracking plan for the dealer that fell from 60 to 45,
and the sample size needed for a ±5-point margin. Everything statistical is
computed by the nps library.
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict

import numpy as np

import nps
import report_cases
import report_heat
import report_integrity
import report_kpi

TZ = "Asia/Shanghai"
MIN_N = 30


def load(path: str) -> dict[str, np.ndarray]:
    cols: dict[str, list] = defaultdict(list)
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            cols["respondent"].append(int(row["respondent_id"]))
            cols["dealer"].append(row["dealer"])
            cols["ts"].append(int(row["submitted_at"]))
            cell = row["score"].strip()
            cols["score"].append(float(cell) if cell else float("nan"))
    return {
        "respondent": np.asarray(cols["respondent"], dtype=np.uint64),
        "dealer": np.asarray(cols["dealer"], dtype=object),
        "ts": np.asarray(cols["ts"], dtype=np.int64),
        "score": np.asarray(cols["score"], dtype=np.float64),
    }


def fmt_ci(iv) -> str:
    return f"[{iv.low:6.1f}, {iv.high:6.1f}]"


def fmt_nps(t) -> str:
    return f"{t.nps:6.1f}" if t.n else "   n/a"


def heading(text: str) -> None:
    print()
    print(text)
    print("-" * len(text))


def main(path: str) -> None:
    d = load(path)
    print(f"nps {nps.__version__} — NPS report on {path}")

    common = dict(timestamps=d["ts"], tz=TZ, respondents=d["respondent"],
                  min_n=MIN_N, invalid="skip")
    overall = nps.group_by(None, d["score"], **common)
    total = overall.total()
    print(f"{len(d['score'])} rows; {overall.skipped} invalid scores skipped; "
          f"{overall.dropped_repeats} earlier answers of repeat respondents dropped; "
          f"{total.n} responses analysed.")

    heading("Network NPS, 95% intervals by method")
    print(f"n = {total.n}: {total.promoters} promoters, {total.passives} passives, "
          f"{total.detractors} detractors; NPS {total.nps:.2f}, SE {total.se:.2f} points")
    for label, kwargs in [
        ("wald", dict(method="wald")),
        ("adjusted wald", dict(method="adjusted_wald")),
        ("score (Tango)", dict(method="score")),
        ("bayes equal-tailed", dict(method="bayes")),
        ("bayes HPD", dict(method="bayes", credible="hpd")),
    ]:
        iv = total.interval(confidence=0.95, **kwargs)
        print(f"  {label:<20} {fmt_ci(iv)}  centre {iv.center:6.2f}")

    heading(f"Per dealer (whole period; score interval; thin = n < {MIN_N})")
    by_dealer = nps.group_by(d["dealer"], d["score"], **common)
    print(f"  {'dealer':<28}{'n':>6}{'det%':>7}{'pas%':>7}{'pro%':>7}{'NPS':>8}  95% CI")
    for g in by_dealer:
        t = g.tally
        det, pas, pro = t.shares
        iv = t.interval(method="score")
        print(f"  {str(g.key):<28}{t.n:>6}{100 * det:>7.1f}{100 * pas:>7.1f}"
              f"{100 * pro:>7.1f}{t.nps:>8.1f}  {fmt_ci(iv)}{'  thin' if g.thin else ''}")

    monthly = nps.group_by(d["dealer"], d["score"], period="month", **common)
    months = sorted({g.period for g in monthly})
    last3 = months[-3:]
    heading(f"Per dealer and month ({TZ}), last three months: NPS [95% score CI]")
    cells: dict[tuple[str, str], object] = {(str(g.key), g.period): g for g in monthly}
    dealers = sorted({str(g.key) for g in monthly})
    print(f"  {'dealer':<28}" + "".join(f"{m:>26}" for m in last3))
    for dealer in dealers:
        row = f"  {dealer:<28}"
        for m in last3:
            g = cells.get((dealer, m))
            if g is None:
                row += f"{'no data':>26}"
            else:
                iv = g.tally.interval(method="score")
                row += f"{g.tally.nps:>7.1f} {fmt_ci(iv)}{'*' if g.thin else ' '}"
        print(row)
    print(f"  * thin sample (n < {MIN_N})")

    heading(f"Month-on-month change, {last3[-2]} -> {last3[-1]} (adjusted Wald, two-sided)")
    for dealer in dealers:
        a, b = cells.get((dealer, last3[-1])), cells.get((dealer, last3[-2]))
        if a is None or b is None:
            print(f"  {dealer:<28} no data in one of the months")
            continue
        r = nps.compare(a.tally, b.tally, method="adjusted_wald")
        verdict = "real change" if r.p_value < 0.05 else "within noise"
        print(f"  {dealer:<28} {r.difference:+6.1f} points  95% CI {fmt_ci(r.interval)}"
              f"  p = {r.p_value:.3f}  {verdict}")

    heading("Network trend: monthly NPS and rolling 3-month NPS")
    net = nps.group_by(None, d["score"], period="month", **common)
    rolling = nps.group_by(None, d["score"], period="month", window=3, **common)
    roll = {g.period: g for g in rolling}
    for g in net:
        r = roll[g.period]
        iv = r.tally.interval(method="score")
        print(f"  {g.period}  n {g.tally.n:>4}  NPS {g.tally.nps:6.1f}   "
              f"3-month n {r.tally.n:>5}  NPS {r.tally.nps:6.1f} {fmt_ci(iv)}")

    target_dealer = "103 Hangzhou West Lake"
    history = [cells[(target_dealer, m)].tally for m in months if (target_dealer, m) in cells]
    heading(f"Goal: {target_dealer} to NPS >= 65 within 12 months")
    first_q = sum(history[:3], nps.Tally())
    print(f"  first quarter NPS {first_q.nps:.1f}; last month NPS {history[-1].nps:.1f}")
    g = nps.track_goal(history, target=65.0, months=12)
    print(f"  gap {g.gap:+.1f} points -> {g.monthly_step:+.2f} points per month")
    print("  path: " + ", ".join(f"{v:.1f}" for v in g.path))
    if g.last_change is not None:
        print(f"  last change {g.last_change.difference:+.1f} points, p = "
              f"{g.last_change.p_value:.3f} -> "
              f"{'significant' if g.last_change_significant else 'not distinguishable from noise'}")
    print(f"  smallest month-on-month change visible at these sample sizes: "
          f"{g.minimum_detectable_change:.1f} points; the planned monthly step is "
          f"{'visible' if g.step_detectable else 'NOT visible month to month'}")
    print(f"  responses per month needed to see the monthly step: {g.n_per_month_to_detect_step}")

    heading("Planning")
    det, _, pro = total.shares
    n = nps.sample_size(margin=5.0, promoters=pro, detractors=det)
    print(f"  responses per dealer and month for a ±5-point margin at the network's mix: {n}")
    n_small = nps.sample_size(margin=5.0, promoters=pro, detractors=det, population=600)
    print(f"  ... for a dealer with 600 services a month (finite population): {n_small}")


SHANGHAI_CALENDAR = """{
  "tz": "Asia/Shanghai",
  "weekly": {"mon": [["08:30", "12:00"], ["13:30", "18:00"]],
             "tue": [["08:30", "12:00"], ["13:30", "18:00"]],
             "wed": [["08:30", "12:00"], ["13:30", "18:00"]],
             "thu": [["08:30", "12:00"], ["13:30", "18:00"]],
             "fri": [["08:30", "12:00"], ["13:30", "18:00"]],
             "sat": [["09:00", "17:00"]]},
  "holidays": ["2025-10-01", "2025-10-02", "2025-10-03", "2025-10-04",
               "2025-10-06", "2025-10-07", "2025-10-08"],
  "working_days": {"2025-09-28": [["08:30", "12:00"], ["13:30", "18:00"]],
                   "2025-10-11": [["08:30", "12:00"], ["13:30", "18:00"]]}
}"""


def recovery_section(path: str) -> None:
    """Issue 3: triage, authority, calendars, deadlines, escalation, early warnings."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    d = load(path)
    policy = nps.Policy.default()
    shanghai = ZoneInfo(TZ)

    last_month_start = int(dt.datetime(2026, 10, 1, tzinfo=shanghai).timestamp())
    valid = ~np.isnan(d["score"]) & (d["score"] <= 10) & (d["ts"] >= last_month_start)
    rows = np.flatnonzero(valid)
    scores = d["score"][rows].astype(np.uint8)
    ts = d["ts"][rows]
    flags = load_flags(path)
    table = policy.triage_many(scores, ts, high_value=flags["high_value"][rows],
                               public_opinion_risk=flags["risk"][rows])
    cols = table.to_dict()
    heading("Detractor recovery, October 2026 (default policy, SPEC §4)")
    n = len(cols["score"])
    for level in ("red", "yellow", "orange"):
        k = sum(1 for a in cols["alert"] if a == level)
        print(f"  {level:<7} alerts {k:>4} ({100 * k / n:4.1f}% of {n} responses)")
    for tier in ("S", "A", "B"):
        k = sum(1 for t in cols["tier"] if t == tier)
        print(f"  tier {tier}  cases  {k:>4}")
    esc = sum(1 for e in cols["escalate_immediately"] if e)
    print(f"  escalated at once for public-opinion risk: {esc}")
    first_s = next(i for i, t in enumerate(cols["tier"]) if t == "S")
    t = policy.triage(int(scores[first_s]), dt.datetime.fromtimestamp(int(ts[first_s]), shanghai))
    print(f"  first tier-S case: score {int(scores[first_s])}, owner {t.owner}, "
          f"acknowledge by {t.acknowledge_by:%m-%d %H:%M}, contact by {t.contact_by:%m-%d %H:%M}, "
          f"cap {t.compensation_cap}")
    for label, now in [("30 min before the deadlines", t.acknowledge_by - dt.timedelta(minutes=30)),
                       ("one second past them, nothing done",
                        t.acknowledge_by + dt.timedelta(seconds=1))]:
        status = policy.case_status(t, now, case_id="oct-s-1")
        print(f"  {label}: " + ", ".join(f"{x.name} {x.state}" for x in status.deadlines)
              + (f"; next change at {status.next_fire_at:%m-%d %H:%M:%S}"
                 if status.next_fire_at else ""))
    for e in status.events:
        print(f"    event {e.key} at {e.at:%H:%M:%S}" + (f" -> notify {e.to}" if e.to else ""))

    heading("Who approves a compensation package (SPEC §4.3)")
    pkg = [(180000, "CNY", "loss_compensation"), (30000, "CNY", "loss_compensation"),
           (200000, "CNY", "loss_compensation"), (50000, "CNY", "emotional_repair")]
    for tier in ("S", "A", "B"):
        a = policy.required_approver(pkg, tier=tier)
        print(f"  4600.00 CNY on a tier-{tier} case: approver {a.approver}, "
              f"within the tier cap: {a.within_cap}, path {' -> '.join(a.path)}")
    a = policy.required_approver([(50000, "CNY", "loss_compensation")], tier="B")
    print(f"  500.00 CNY on a tier-B case (limits inclusive): approver {a.approver}")

    heading("Business-time deadlines with the Chinese National Day 2025 calendar")
    cal = nps.Calendar.from_json(SHANGHAI_CALENDAR)
    cases = [
        (dt.datetime(2025, 9, 30, 17, 0, tzinfo=shanghai), dict(business_hours=2),
         "2 business hours from Tue Sep 30 17:00"),
        (dt.datetime(2025, 9, 27, 16, 0, tzinfo=shanghai), dict(business_hours=4),
         "4 business hours from Sat Sep 27 16:00 (Sun 28th is a make-up day)"),
        (dt.datetime(2025, 10, 10, 18, 0, tzinfo=shanghai), dict(business_days=1),
         "1 business day from Fri Oct 10 18:00 (Sat 11th works)"),
        (dt.datetime(2025, 10, 8, 21, 0, tzinfo=shanghai), dict(hours=2),
         "2 wall-clock hours from Wed Oct 8 21:00"),
    ]
    for start, kw, label in cases:
        due = cal.deadline(start, **kw)
        print(f"  {label:<66} -> {due:%a %m-%d %H:%M}")
    start = dt.datetime(2025, 9, 30, 9, 0, tzinfo=shanghai)
    end = dt.datetime(2025, 10, 9, 9, 0, tzinfo=shanghai)
    print(f"  business time between Sep 30 09:00 and Oct 9 09:00: {cal.elapsed(start, end)}")

    heading("Early warnings during a visit (SPEC §4.6)")
    now = dt.datetime(2025, 6, 16, 11, 40, tzinfo=shanghai)
    a = policy.assess_visit(now=now, promised_at=now - dt.timedelta(minutes=35),
                            progress_inquiries=2, messages=["等了这么久，太离谱了！"],
                            ratings=[5, 3, 2])
    print(f"  level {a.level}; " + "; ".join(f"{w.rule}: {w.level} ({w.detail})" for w in a.warnings))
    print(f"  retention call by: {a.retention_call}")


def load_flags(path: str) -> dict[str, np.ndarray]:
    hv, risk = [], []
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            hv.append(row["high_value"] == "1")
            risk.append(row["public_opinion_risk"] == "1")
    return {"high_value": np.asarray(hv), "risk": np.asarray(risk)}


if __name__ == "__main__":
    source = sys.argv[1] if len(sys.argv) > 1 else "data/sample/survey_responses.csv"
    main(source)
    recovery_section(source)
    report_cases.section(source)
    report_integrity.section(source)
    report_kpi.section(source)
    report_heat.section(source)
