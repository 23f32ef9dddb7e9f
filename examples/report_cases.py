#!/usr/bin/env python3
"""Report section: detractor recovery cases and programme statistics
(SPEC §4.5) on the bundled sample.

    python3 examples/report_cases.py data/sample/survey_responses.csv

Reads the recovery-case event logs of the survey's low scores
(data/sample/cases_events.json next to the survey file, written by
scripts/gen_sample_cases.py) and prints the monthly programme statistics
(low scores, launch, 24-hour response, success, conversion and lost rates,
each with numerator and denominator), the same per dealer, the top
low-score reasons, the success splits by response speed, compensation level
and apology channel, and the open cases ranked by expected recovered value.
Everything is computed by the nps library.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys

import nps

TZ = "Asia/Shanghai"
NOW = dt.datetime(2026, 10, 31, 12, tzinfo=dt.timezone(dt.timedelta(hours=8)))
# Customer value used for the ranking (CNY): the source's example puts the
# long-term value of a recovered high-value customer at about 480,000.
VALUE_HIGH, VALUE_ORDINARY = 480_000.0, 120_000.0


def pct(r: nps.RecoveryRate) -> str:
    if r.value is None:
        return f"{'no data':>8} ({r.numerator}/{r.denominator})"
    return f"{100 * r.value:7.1f}% ({r.numerator}/{r.denominator})"


def load_cases(survey_csv_path: str) -> list[nps.Case]:
    path = os.path.join(os.path.dirname(os.path.abspath(survey_csv_path)), "cases_events.json")
    with open(path, encoding="utf-8") as f:
        logs = json.load(f)
    return [nps.Case.from_events(c["events"], case_id=c["id"]) for c in logs]


def section(survey_csv_path: str) -> None:
    cases = load_cases(survey_csv_path)
    print()
    print("Detractor recovery programme (SPEC §4.5)")
    print("=" * 40)
    print(f"{len(cases)} recovery cases (low scores of Aug-Oct 2026), as of {NOW:%Y-%m-%d %H:%M}")

    table = nps.recovery_stats(cases, period="month", tz=TZ)
    print()
    print(f"  {'month':<8} {'low':>4} {'launch':>18} {'24 h response':>18} {'success':>18}"
          f" {'converted':>18} {'lost':>18}")
    for i in range(len(table)):
        period, _, s = table[i]
        print(f"  {period:<8} {s.low_scores:>4} {pct(s.launch_rate):>18} {pct(s.response_24h_rate):>18}"
              f" {pct(s.success_rate):>18} {pct(s.conversion_rate):>18} {pct(s.lost_rate):>18}")

    print()
    print("  Per dealer (whole period):")
    by_dealer = nps.recovery_stats(cases, by="dealer")
    for i in range(len(by_dealer)):
        _, dealer, s = by_dealer[i]
        print(f"  {dealer or '(none)':<28} {s.low_scores:>4}  success {pct(s.success_rate)}"
              f"  within 24 h {pct(s.response_24h_rate)}")

    s = nps.recovery_stats(cases)
    print()
    print("  Low-score reasons (top 5):")
    for reason, share in s.reasons:
        print(f"    {reason:<16} {pct(share)}")
    for title, bands in (("response speed", s.by_speed), ("compensation level", s.by_compensation),
                         ("apology channel", s.by_channel)):
        print(f"  Success by {title}:")
        for b in bands:
            ref = "" if b.expected is None else f"   (policy: {100 * b.expected:.0f}%)"
            print(f"    {b.label:<16} {pct(b.success)}{ref}")

    open_cases = [c for c in cases if not c.is_closed]
    values = [VALUE_HIGH if c.events[0]["high_value"] else VALUE_ORDINARY for c in open_cases]
    ranked = nps.rank_open_cases(open_cases, values, NOW)
    print()
    print(f"  Open cases by expected recovered value ({len(ranked)} open; top 8):")
    for r in ranked[:8]:
        c = open_cases[r.index]
        st = c.status(NOW)
        late = ", ".join(st.late_steps) or "-"
        print(f"    {r.case_id:<7} {c.dealer or '':<26} score {c.original_score}"
              f"  band {r.band_label:<6} p={r.probability:.2f}  expected {r.expected:>9,.0f} CNY"
              f"  step {st.current_step}; late: {late}")


if __name__ == "__main__":
    section(sys.argv[1] if len(sys.argv) > 1 else "data/sample/survey_responses.csv")
