#!/usr/bin/env bash
# README command (1): set everything up, then run the main job — `nps report`
# on the bundled sample data. Writes report.html and report.json in the
# repository root (git-ignored) and prints where they are and a short summary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
printf '\n'
s=data/sample
python3 -m nps report "$s/survey_responses.csv" \
  --score score --time submitted_at --tz Asia/Shanghai \
  --dealer dealer --advisor advisor --respondent respondent_id \
  --cases "$s/cases_events.json" --complaints "$s/heat_complaints.csv" \
  --jobs "$s/kpi_repair_orders.csv" --goal 65 \
  --ledger "$s/econ_ledger.csv" --region-measures "$s/econ_region_measures.csv" \
  --fleet "$s/econ_fleet_units.csv" "$s/econ_fleet_events.csv" \
  --outcomes "$s/loyalty_outcomes.csv" \
  --milestones "$s/flow_milestones.csv" \
  --html report.html --json report.json
