#!/usr/bin/env python3
"""Generates the bundled loyalty sample (deterministic, stdlib only):

- data/sample/loyalty_outcomes.csv: for every valid response of
  data/sample/survey_responses.csv (same response_id, respondent_id,
  dealer, score, submitted_at), what the respondent did in the 6 months
  (183 days) after the survey: ``repurchased`` (bought again / renewed a
  service plan) and ``referred`` (a referral came in under their name),
  with ``observed_until`` = submitted_at + 183 days. The outcomes were read
  at ``AS_OF`` (2026-10-31, the day of the last survey): windows still open
  then hold only what had happened so far, and an analysis must censor them.

Shaped on the source articles (seed 001 §三.3, §四): customers scoring
after-sales >= 8 repurchase about 2.7x as often within 6 months as low
scorers (27 % against 10 %), and promoters refer far more (about 35 %)
than detractors. Dealers differ a little.

Synthetic data for the report and the tests only.
Run: python3 scripts/gen_sample_loyalty.py
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "data" / "sample" / "survey_responses.csv"
OUT = ROOT / "data" / "sample" / "loyalty_outcomes.csv"
WINDOW = 183 * 86400
AS_OF = 1_793_448_000  # 2026-10-31 12:00 UTC: when the outcomes were read


def repurchase_p(score: int) -> float:
    # < 8: about 10 %; >= 8: about 27 % (2.7x), a little rising with score.
    return 0.078 + 0.004 * score if score < 8 else 0.25 + 0.01 * (score - 8)


def referral_p(score: int) -> float:
    return 0.04 if score <= 6 else 0.15 if score <= 8 else 0.35


def main() -> None:
    rng = random.Random(16)
    rows = []
    with SRC.open(newline="") as f:
        for r in csv.DictReader(f):
            s = r["score"].strip()
            if not s.isdigit() or int(s) > 10:
                continue  # the survey file's deliberately bad rows
            score = int(s)
            at = int(r["submitted_at"])
            dealer_lift = 1.0 + 0.1 * (int(r["dealer"].split()[0]) % 3 - 1)
            # When in the window each outcome happens (if it does).
            rep = rng.random() < repurchase_p(score) * dealer_lift
            rep_at = at + int(rng.random() * WINDOW)
            ref = rng.random() < referral_p(score)
            ref_at = at + int(rng.random() * WINDOW)
            rows.append({
                "response_id": r["response_id"],
                "respondent_id": r["respondent_id"],
                "dealer": r["dealer"],
                "score": score,
                "submitted_at": at,
                "observed_until": at + WINDOW,
                # Read at AS_OF: an outcome after it is not known yet.
                "repurchased": int(rep and rep_at <= AS_OF),
                "referred": int(ref and ref_at <= AS_OF),
            })
    with OUT.open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {OUT} ({len(rows)} rows)")


if __name__ == "__main__":
    main()
