#!/usr/bin/env bash
# README command (1): set everything up, then run the main job — the report
# on the bundled sample data.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
printf '\n'
python3 examples/report.py data/sample/survey_responses.csv
