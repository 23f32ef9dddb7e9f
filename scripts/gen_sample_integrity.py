#!/usr/bin/env python3
"""Generate the integrity sample files (standard library only, fixed seed,
byte-for-byte reproducible):

    python3 scripts/gen_sample_integrity.py

writes two files next to the bundled survey (which it does not touch):

- ``data/sample/integrity_managed_advisor.csv``: the survey's columns, 80
  responses of one extra advisor, "Sun Hao" at 107 Wuxi Binhu, whose
  scores look managed (only 9s and 10s, mostly 10s) — as if the customer
  were begged for a 10 or the form only accepted 9-10. The report appends
  these rows to the survey to show a flagged advisor.
- ``data/sample/integrity_rerated.csv``: a month of one dealer's responses
  with the re-rating recorded after a successful recovery next to the
  original score (``rerated_score`` blank = not re-rated). Columns:
  response_id, dealer, advisor, original_score, rerated_score.
"""

from __future__ import annotations

import random
from pathlib import Path

SEED = 20261123
OUT = Path(__file__).resolve().parent.parent / "data" / "sample"
START = 1767196800  # 2026-01-01 00:00 Asia/Shanghai is 2025-12-31 16:00 UTC


def managed_advisor(rng: random.Random) -> str:
    lines = ["response_id,respondent_id,dealer,advisor,submitted_at,score,high_value,public_opinion_risk"]
    for i in range(80):
        score = 10 if rng.random() < 0.86 else 9
        ts = START + rng.randrange(0, 300 * 86400)
        lines.append(f"{900001 + i},{107900001 + i},107 Wuxi Binhu,Sun Hao,{ts},{score},0,0")
    return "\n".join(lines) + "\n"


def rerated(rng: random.Random) -> str:
    lines = ["response_id,dealer,advisor,original_score,rerated_score"]
    advisors = ["Li Wei", "Wang Fang", "Zhang Min"]
    weights = [(10, 30), (9, 18), (8, 12), (7, 8), (6, 6), (5, 5), (4, 4), (3, 4), (2, 3), (1, 3), (0, 7)]
    population = [s for s, w in weights for _ in range(w)]
    for i in range(120):
        original = rng.choice(population)
        rerate = ""
        # About half the detractors were recovered and asked again.
        if original <= 6 and rng.random() < 0.5:
            rerate = str(rng.choice([6, 7, 8, 8, 9, 9, 10]))
        lines.append(f"{950001 + i},102 Shanghai Minhang,{advisors[i % 3]},{original},{rerate}")
    return "\n".join(lines) + "\n"


def main() -> None:
    rng = random.Random(SEED)
    (OUT / "integrity_managed_advisor.csv").write_text(managed_advisor(rng), encoding="utf-8")
    (OUT / "integrity_rerated.csv").write_text(rerated(rng), encoding="utf-8")


if __name__ == "__main__":
    main()
