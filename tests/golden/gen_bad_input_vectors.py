#!/usr/bin/env python3
"""Writes tests/golden/bad_input_vectors.json and docs/bad-input.md: the
bad-input catalogue (issue 10, "A catalogue"), one table read by the Rust
(tests/integration/bad_input.rs), C (tests/c/test_bad_input_vectors.c) and
Python (tests/python/test_bad_input_vectors.py) suites.

Standard library only; never imports nps. Deterministic.

    python3 tests/golden/gen_bad_input_vectors.py          # rewrite both files
    python3 tests/golden/gen_bad_input_vectors.py --check  # exit 1 if stale

Each entry: {id, family, operation, inputs, error: {kind, index?, argument?,
path?, event?, case_id?}, status: "fixed" | "open", issue_item?, note?,
open_in?, inexpressible?}. The error is what the issue requires, never what
the library happens to do: an entry the library gets wrong today is
`"status": "open"` (all languages, or only those in `open_in`) and readers
skip and report it. `inexpressible` maps a language to why the input cannot
be written in it (e.g. two columns of different lengths through one C
`len`); readers skip those entries in that language only.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT_JSON = ROOT / "tests/golden/bad_input_vectors.json"
OUT_MD = ROOT / "docs/bad-input.md"

NAN, INF, NINF = "NaN", "inf", "-inf"
FIRST_TS, LAST_TS = -62135596800, 253402300799  # 0001-01-01, 9999-12-31T23:59:59Z
ONE_LEN = "one `len` for every column in C: a length mismatch cannot be written"
NO_MIX = "a typed key column (Rust `Keys`, C `keys_*`) cannot mix strings and integers"
NO_NEG = "the C parameter is unsigned"
NO_BOOL = "a Rust flag column is `&[bool]`"

CAL = {"tz": "UTC", "weekly": {d: [["09:00", "17:00"]] for d in ["mon", "tue", "wed", "thu", "fri"]}}
MONDAY = 1735516800  # 2024-12-30T00:00Z, a Monday

# family -> (title, accepts, limits)
FAMILIES: dict[str, tuple[str, str, str]] = {
    "tally": (
        "Tallies from scores",
        "a score column: integers 0..=10 (or a custom `Scale`), as integers or floats; "
        "`invalid` raise (default) or skip",
        "any length; counts are `u64` (a merge past `u64::MAX` is `overflow`)",
    ),
    "weighted_tally": (
        "Weighted tallies",
        "scores plus a weight column of the same length",
        "each weight 0 or in `WEIGHT_RANGE` = [1e-100, 1e100]; a bad weight is an error even "
        "under `invalid = skip` (weights are checked before scores, row by row)",
    ),
    "intervals": (
        "Intervals",
        "a tally (D, Pa, P) and `IntervalOptions` (method, confidence, pseudo-counts, clip, prior, credible)",
        "`CONFIDENCE_RANGE` = [1e-6, 1 − 1e-12]; pseudo-counts finite and >= 0; at least one response",
    ),
    "tests": (
        "Tests and comparisons",
        "one tally and a benchmark in points, or two tallies; `TestOptions`",
        "benchmark in [−100, 100]; `CONFIDENCE_RANGE`; a Wald test with SE 0 is `degenerate`",
    ),
    "sample_size": (
        "Sample size",
        "margin (points), planned promoter and detractor shares, confidence, optional population",
        "margin in (0, 200]; shares in [0, 1] with P + D <= 1; `CONFIDENCE_RANGE`; "
        "the result is at most `MAX_SAMPLE_SIZE` = 2^53, else `invalid_argument` naming `margin`",
    ),
    "group_by": (
        "Grouping (`group_by`)",
        "scores with optional keys (one type per column), timestamps (Unix seconds), period, "
        "IANA time zone, respondents, `invalid` raise / skip",
        "timestamps in years 1..=9999 (`-62135596800..=253402300799`); memory O(occurring groups)",
    ),
    "goal": (
        "Goal tracking",
        "a monthly history of tallies (oldest first), a target NPS and a horizon in months",
        "target in [−100, 100]; months in 1..=`goal::MAX_MONTHS` (1200); a non-empty history "
        "whose last month has responses",
    ),
    "policy": (
        "Policy JSON",
        "a policy document (`docs/policy.schema.json`); every problem is reported with its JSON path",
        "recovery steps: at least one, known names, `to` >= `from`; benchmark KPI names known and "
        "unique; messages quote at most `MAX_QUOTED_CHARS` (200) characters of the input",
    ),
    "calendar": (
        "Calendar JSON and deadlines",
        "a calendar document (tz, weekly ranges, holidays, working days); a start instant and a "
        "duration in wall seconds, business seconds or business days",
        "business durations up to `calendar::MAX_BUSINESS_SECONDS` (10^6 h) and "
        "`calendar::MAX_BUSINESS_DAYS` (100,000); durations >= 0; instants in years 1..=9999",
    ),
    "cases": (
        "Case event logs",
        "a log of events (JSON objects with `kind`, `at` as RFC 3339 text, and the kind's fields); "
        "`apply` of one event to a case",
        "`opened` first and once; events in time order; nothing after `closed` (except `reviewed`); "
        "amounts in the case's policy currency",
    ),
    "recovery": (
        "Recovery statistics and ranking",
        "cases (each a valid log) with the policy; for ranking a customer value per case and `now`",
        "values finite and >= 0, one per case; an error about one case names its position and id",
    ),
    "integrity": (
        "Re-rated NPS and managed flags",
        "original scores, re-ratings (missing = not re-rated), group keys; alpha, min_n",
        "scores and re-ratings 0..=10; alpha in (0, 1)",
    ),
    "kpi": (
        "Service KPIs",
        "KPI columns: hours, money in minor units, instants and durations in seconds, 0/1 flags, ratings",
        "hours 0 or in [`kpi::MIN_HOURS`, `kpi::MAX_HOURS`] = [1e-9, 1e6]; money |minor| <= "
        "`kpi::MAX_MINOR` (2^53); windows 0..=`kpi::MAX_WINDOW_SECONDS`; flags 0 or 1; "
        "durations >= 0; instants in years 1..=9999",
    ),
    "heat": (
        "Heat maps",
        "rows of (stage, pain point, mentions, pain 1..=10)",
        "stage one of the six journey stages; description non-empty; mentions >= 0; "
        "heat and totals fit in `u64` (else `overflow`)",
    ),
    "erlang": (
        "Erlang C / servers needed",
        "arrival rate, mean service time, servers (Erlang C) or a target share and wait (servers needed)",
        "rates and times finite and > 0; servers in 1..=`erlang::MAX_SERVERS` (10^7); "
        "target share in (0, 1); target wait finite and >= 0",
    ),
    "triage": (
        "Triage and threads",
        "a response (score 0..=10, submitted_at) and the policy; `set_max_threads(n)`",
        "score 0..=10; submitted_at a real instant (not NaT); n >= 0",
    ),
}

# operation -> family
OPS = {
    "tally_from_scores": "tally",
    "weighted_tally": "weighted_tally",
    "interval": "intervals",
    "test_benchmark": "tests",
    "compare": "tests",
    "sample_size": "sample_size",
    "group_by": "group_by",
    "track_goal": "goal",
    "policy_from_json": "policy",
    "calendar_from_json": "calendar",
    "calendar_deadline": "calendar",
    "case_from_events": "cases",
    "case_apply": "cases",
    "rank_open_cases": "recovery",
    "rerated_nps": "integrity",
    "managed_flags": "integrity",
    "technician_figures": "kpi",
    "hours_per_ro": "kpi",
    "bay_utilization": "kpi",
    "kpi_rate": "kpi",
    "csat": "kpi",
    "time_kpi": "kpi",
    "first_time_fix_rate": "kpi",
    "effective_labour_rate": "kpi",
    "follow_up_completion_rate": "kpi",
    "repeat_complaint_rate": "kpi",
    "heat_map_from_rows": "heat",
    "erlang_c": "erlang",
    "servers_needed": "erlang",
    "triage": "triage",
    "set_max_threads": "triage",
}

# Operations that have no entry point in a language (readers skip them there).
NOT_IN = {
    "rust": ["set_max_threads"],  # usize: nothing to reject
    "c": ["set_max_threads"],  # size_t, returns void
    "python": [],
}

# kind -> (Rust ErrorKind, C NpsStatus, Python class)
KINDS = {
    "invalid_score": ("InvalidScore", "NPS_STATUS_INVALID_SCORE", "InvalidScoreError"),
    "no_data": ("NoData", "NPS_STATUS_NO_DATA", "NoDataError"),
    "invalid_weight": ("InvalidWeight", "NPS_STATUS_INVALID_WEIGHT", "InvalidWeightError"),
    "invalid_timestamp": ("InvalidTimestamp", "NPS_STATUS_INVALID_TIMESTAMP", "InvalidTimestampError"),
    "invalid_argument": ("InvalidArgument", "NPS_STATUS_INVALID_ARGUMENT", "InvalidArgumentError"),
    "length_mismatch": ("LengthMismatch", "NPS_STATUS_LENGTH_MISMATCH", "LengthMismatchError"),
    "invalid_scale": ("InvalidScale", "NPS_STATUS_INVALID_SCALE", "InvalidScaleError"),
    "unknown_time_zone": ("UnknownTimeZone", "NPS_STATUS_UNKNOWN_TIME_ZONE", "UnknownTimeZoneError"),
    "degenerate": ("Degenerate", "NPS_STATUS_DEGENERATE", "DegenerateError"),
    "overflow": ("Overflow", "NPS_STATUS_OVERFLOW", "CountOverflowError"),
    "numerical": ("Numerical", "NPS_STATUS_NUMERICAL", "NumericalError"),
    "invalid_policy": ("InvalidPolicy", "NPS_STATUS_INVALID_POLICY", "InvalidPolicyError"),
    "invalid_value": ("InvalidValue", "NPS_STATUS_INVALID_VALUE", "InvalidValueError"),
    "invalid_event": ("InvalidEvent", "NPS_STATUS_INVALID_EVENT", "InvalidEventError"),
}

ENTRIES: list[dict] = []


def e(id_: str, op: str, inputs: dict, kind: str, *, index=None, argument=None, path=None,
      event=None, case_id=None, item=None, status="fixed", open_in=None, note=None,
      inexpressible=None) -> None:
    assert op in OPS, op
    assert kind in KINDS, kind
    assert all(x["id"] != id_ for x in ENTRIES), id_
    err: dict = {"kind": kind}
    for k, v in (("index", index), ("argument", argument), ("path", path), ("event", event),
                 ("case_id", case_id)):
        if v is not None:
            err[k] = v
    ent: dict = {"id": id_, "family": OPS[op], "operation": op, "inputs": inputs, "error": err,
                 "status": status}
    if item is not None:
        ent["issue_item"] = item
    if open_in:
        ent["open_in"] = open_in
    if inexpressible:
        ent["inexpressible"] = inexpressible
    if note:
        ent["note"] = note
    ENTRIES.append(ent)


def opened(at="2025-06-13T09:00:00+08:00", score=3):
    return {"kind": "opened", "at": at, "score": score, "reason": "waiting_time",
            "high_value": False, "public_opinion_risk": False}


# --- tallies -----------------------------------------------------------------
e("score_eleven", "tally_from_scores", {"scores": [9, 10, 7, 11, 3]}, "invalid_score", index=3)
e("score_negative", "tally_from_scores", {"scores": [9, -1]}, "invalid_score", index=1)
e("score_fraction", "tally_from_scores", {"scores": [6.5]}, "invalid_score", index=0)
e("score_nan", "tally_from_scores", {"scores": [9, 8, NAN]}, "invalid_score", index=2)
e("score_inf", "tally_from_scores", {"scores": [INF]}, "invalid_score", index=0)
e("score_first_bad_row_wins", "tally_from_scores", {"scores": [5, 12, -3]}, "invalid_score", index=1)

# --- weighted tallies ----------------------------------------------------------
e("weight_negative", "weighted_tally", {"scores": [9, 9, 9], "weights": [1.0, 1.0, -2.0]},
  "invalid_weight", index=2)
e("weight_nan", "weighted_tally", {"scores": [9, 3], "weights": [NAN, 1.0]}, "invalid_weight", index=0)
e("weight_inf", "weighted_tally", {"scores": [9, 3], "weights": [1.0, INF]}, "invalid_weight", index=1)
e("weight_huge", "weighted_tally", {"scores": [9, 3], "weights": [1e155, 1.0]}, "invalid_weight",
  index=0, item=5, note="Σw² would overflow to inf: NaN effective n and a false 'no data'")
e("weight_tiny", "weighted_tally", {"scores": [9], "weights": [3.1e-214]}, "invalid_weight",
  index=0, item=5, note="below WEIGHT_RANGE: a false 'no data' for one valid response")
e("weight_checked_before_score", "weighted_tally", {"scores": [11, 9], "weights": [-1.0, 1.0]},
  "invalid_weight", index=0)
e("weights_short", "weighted_tally", {"scores": [9, 9, 9], "weights": [1.0, 1.0]},
  "length_mismatch", argument="weights", inexpressible={"c": ONE_LEN})

# --- intervals -----------------------------------------------------------------
e("confidence_above_one", "interval", {"categories": [3, 4, 5], "confidence": 1.5},
  "invalid_argument", argument="confidence")
e("confidence_nan", "interval", {"categories": [3, 4, 5], "confidence": NAN},
  "invalid_argument", argument="confidence")
e("confidence_almost_one_wald", "interval",
  {"categories": [3, 4, 5], "method": "wald", "confidence": 0.9999999999999999},
  "invalid_argument", argument="confidence", item=6, note="was [−inf, inf]")
e("confidence_tiny_score", "interval", {"categories": [3, 4, 5], "method": "score", "confidence": 1e-16},
  "invalid_argument", argument="confidence", item=6, note="was [16.67, 100]")
e("interval_no_data", "interval", {"categories": [0, 0, 0]}, "no_data")
e("pseudo_negative", "interval",
  {"categories": [3, 4, 5], "method": "adjusted_wald", "pseudo": [-1.0, 1.5, 0.75]},
  "invalid_argument", argument="pseudo")

# --- tests / compare -------------------------------------------------------------
e("benchmark_out_of_range", "test_benchmark", {"categories": [3, 4, 5], "benchmark": 150.0},
  "invalid_argument", argument="benchmark")
e("benchmark_nan", "test_benchmark", {"categories": [3, 4, 5], "benchmark": NAN},
  "invalid_argument", argument="benchmark")
e("wald_test_se_zero", "test_benchmark", {"categories": [0, 0, 30], "benchmark": 50.0, "method": "wald"},
  "degenerate")
e("test_no_data", "test_benchmark", {"categories": [0, 0, 0], "benchmark": 0.0}, "no_data")
e("test_confidence_zero", "test_benchmark", {"categories": [3, 4, 5], "benchmark": 0.0, "confidence": 0.0},
  "invalid_argument", argument="confidence")
e("compare_no_data", "compare", {"a": [3, 4, 5], "b": [0, 0, 0]}, "no_data")
e("compare_wald_degenerate", "compare", {"a": [0, 0, 10], "b": [0, 0, 20], "method": "wald"}, "degenerate")

# --- sample size -----------------------------------------------------------------
e("margin_zero", "sample_size", {"margin": 0.0, "promoters": 0.5, "detractors": 0.2},
  "invalid_argument", argument="margin")
e("margin_nan", "sample_size", {"margin": NAN, "promoters": 0.5, "detractors": 0.2},
  "invalid_argument", argument="margin")
e("shares_above_one", "sample_size", {"margin": 5.0, "promoters": 0.7, "detractors": 0.5},
  "invalid_argument")
e("share_negative", "sample_size", {"margin": 5.0, "promoters": -0.1, "detractors": 0.2},
  "invalid_argument", argument="promoters")
e("sample_size_confidence_almost_one", "sample_size",
  {"margin": 5.0, "promoters": 0.5, "detractors": 0.2, "confidence": 0.9999999999999999},
  "invalid_argument", argument="confidence", item=6, note="was 18446744073709551615")
e("sample_size_too_large", "sample_size", {"margin": 1e-12, "promoters": 0.5, "detractors": 0.2},
  "invalid_argument", argument="margin", note="n would exceed MAX_SAMPLE_SIZE")

# --- grouping --------------------------------------------------------------------
e("group_keys_short", "group_by", {"keys": [1, 2], "scores": [9]}, "length_mismatch",
  inexpressible={"c": ONE_LEN})
e("group_score_invalid", "group_by", {"keys": [1, 2, 3], "scores": [9, 10, 11]}, "invalid_score", index=2)
e("group_unknown_tz", "group_by",
  {"scores": [9], "timestamps": [0], "period": "day", "tz": "Mars/Olympus_Mons"}, "unknown_time_zone")
e("group_timestamp_year_33658", "group_by",
  {"scores": [9, 9], "timestamps": [0, 10**12], "period": "day"}, "invalid_timestamp", index=1)
e("group_timestamp_before_year_1", "group_by",
  {"scores": [9, 9], "timestamps": [FIRST_TS - 1, 0], "period": "month"}, "invalid_timestamp", index=0)
e("group_period_without_timestamps", "group_by", {"scores": [9], "period": "day"}, "invalid_argument")
e("group_unknown_period", "group_by", {"scores": [9], "timestamps": [0], "period": "fortnight"},
  "invalid_argument", argument="period", inexpressible={"c": "the period is an enum; an unknown number is a separate check"})
e("group_mixed_keys_int_first", "group_by", {"keys": [1, "1"], "scores": [0, 10]}, "invalid_argument",
  index=None, item=8, inexpressible={"rust": NO_MIX, "c": NO_MIX},
  note="was one group '1' with n = 2")
e("group_mixed_keys_str_first", "group_by", {"keys": ["1", 1], "scores": [0, 10]}, "invalid_argument",
  item=8, inexpressible={"rust": NO_MIX, "c": NO_MIX})
e("group_nan_timestamp_raise", "group_by",
  {"scores": [9, 9], "timestamps": [0, NAN], "period": "day"}, "invalid_value", index=1, item=12,
  inexpressible={"rust": "timestamps are i64", "c": "timestamps are int64_t"},
  note="a missing (NaN) timestamp names its row and column (invalid=\"skip\" skips it); "
       "it was reported as -9223372036854775808")

# --- goal -------------------------------------------------------------------------
HIST = [[20, 40, 140], [30, 50, 120]]
e("goal_months_huge", "track_goal", {"history": HIST, "target": 65.0, "months": 10**9},
  "invalid_argument", argument="months", item=3, note="hung / 4.7 GB at 10**8")
e("goal_months_u32_max", "track_goal", {"history": HIST, "target": 65.0, "months": 2**32 - 1},
  "invalid_argument", argument="months", item=3, note="C aborted although no path was requested")
e("goal_months_just_above", "track_goal", {"history": HIST, "target": 65.0, "months": 1201},
  "invalid_argument", argument="months")
e("goal_months_zero", "track_goal", {"history": HIST, "target": 65.0, "months": 0},
  "invalid_argument", argument="months")
e("goal_target_out_of_range", "track_goal", {"history": HIST, "target": 101.0, "months": 12},
  "invalid_argument", argument="target")
e("goal_empty_history", "track_goal", {"history": [], "target": 65.0, "months": 12}, "no_data")
e("goal_confidence_nan", "track_goal",
  {"history": HIST, "target": 65.0, "months": 12, "confidence": NAN}, "invalid_argument",
  argument="confidence")

# --- policy -----------------------------------------------------------------------
e("policy_step_ends_before_start", "policy_from_json",
  {"patch": {"recovery": {"steps": [{"name": "first_contact", "from": {"unit": "wall", "seconds": 7200},
                                     "to": {"unit": "wall", "seconds": 3600}}]}}},
  "invalid_policy", path="recovery.steps[0].to", item=9)
e("policy_no_steps", "policy_from_json", {"patch": {"recovery": {"steps": []}}}, "invalid_policy",
  path="recovery.steps", item=9)
e("policy_unknown_benchmark", "policy_from_json",
  {"patch": {"benchmarks": [{"kpi": "bogus_kpi", "min": 0.5}]}}, "invalid_policy",
  path="benchmarks[0].kpi", item=9)
e("policy_unknown_step", "policy_from_json",
  {"patch": {"recovery": {"steps": [{"name": "teleport", "from": {"unit": "wall", "seconds": 0}}]}}},
  "invalid_policy", path="recovery.steps[0].name")
e("policy_unknown_currency", "policy_from_json", {"patch": {"currency": "ZZZ"}}, "invalid_policy",
  path="currency")
e("policy_negative_lead", "policy_from_json", {"patch": {"warning_lead_seconds": -1}}, "invalid_policy",
  path="warning_lead_seconds")
e("policy_unknown_field", "policy_from_json", {"patch": {"colour": "red"}}, "invalid_policy", path="colour")
e("policy_syntax_error", "policy_from_json", {"text": "{not json"}, "invalid_policy", path="")
e("policy_huge_invalid_value", "policy_from_json", {"patch": {"currency": "X" * 100000}},
  "invalid_policy", path="currency", item=12,
  note="the message quotes at most MAX_QUOTED_CHARS characters of the value (was the whole input)")

# --- calendars --------------------------------------------------------------------
e("calendar_range_reversed", "calendar_from_json",
  {"calendar": {"tz": "UTC", "weekly": {"mon": [["18:00", "09:00"]]}}}, "invalid_policy",
  path="weekly.mon[0]")
e("calendar_unknown_tz", "calendar_from_json",
  {"calendar": {"tz": "Mars/Olympus_Mons", "weekly": {"mon": [["09:00", "17:00"]]}}}, "invalid_policy",
  path="tz")
e("calendar_overlap", "calendar_from_json",
  {"calendar": {"tz": "UTC", "weekly": {"tue": [["09:00", "12:00"], ["11:00", "18:00"]]}}},
  "invalid_policy", path="weekly.tue")
e("deadline_negative", "calendar_deadline",
  {"calendar": CAL, "start": MONDAY, "duration": {"unit": "business", "seconds": -3600}},
  "invalid_argument")
e("deadline_business_hours_1e9", "calendar_deadline",
  {"calendar": CAL, "start": MONDAY, "duration": {"unit": "business", "seconds": 10**9 * 3600}},
  "invalid_argument", argument="seconds", item=12,
  note="above MAX_BUSINESS_SECONDS; was 'a duration must be >= 0 seconds'")
e("deadline_business_seconds_above_max", "calendar_deadline",
  {"calendar": CAL, "start": MONDAY, "duration": {"unit": "business", "seconds": 10**6 * 3600 + 1}},
  "invalid_argument", argument="seconds", note="one second above MAX_BUSINESS_SECONDS")
e("deadline_business_days_too_many", "calendar_deadline",
  {"calendar": CAL, "start": MONDAY, "duration": {"unit": "business_days", "days": 100001}},
  "invalid_argument", argument="days",
  note="beyond MAX_BUSINESS_DAYS, like too many business seconds (was `no_data`)")
e("deadline_zero_business_days", "calendar_deadline",
  {"calendar": CAL, "start": MONDAY, "duration": {"unit": "business_days", "days": 0}},
  "invalid_argument")

# --- case event logs ----------------------------------------------------------------
e("case_empty_log", "case_from_events", {"events": []}, "invalid_event", index=0, event="?")
e("case_not_opened_first", "case_from_events",
  {"events": [{"kind": "acknowledged", "at": "2025-06-13T09:01:00+08:00"}]}, "invalid_event",
  index=0, event="acknowledged")
e("case_opened_twice", "case_from_events", {"events": [opened(), opened()]}, "invalid_event",
  index=1, event="opened")
e("case_out_of_order", "case_from_events",
  {"events": [opened(), {"kind": "acknowledged", "at": "2025-06-13T08:00:00+08:00"}]},
  "invalid_event", index=1, event="acknowledged")
e("case_after_close", "case_from_events",
  {"events": [opened(), {"kind": "closed", "at": "2025-06-13T10:00:00+08:00", "outcome": "lost"},
              {"kind": "contacted", "at": "2025-06-13T11:00:00+08:00", "channel": "phone"}]},
  "invalid_event", index=2, event="contacted")
e("case_unknown_kind", "case_from_events",
  {"events": [opened(), {"kind": "teleported", "at": "2025-06-13T10:00:00+08:00"}]},
  "invalid_event", index=1)
e("case_usd_solution_on_cny_case", "case_apply",
  {"events": [opened()], "event": {"kind": "solution_proposed", "at": "2025-06-13T12:00:00+08:00",
                                   "items": [{"value": 10000, "currency": "USD",
                                              "layer": "loss_compensation"}]}},
  "invalid_event", event="solution_proposed", item=4,
  note="was accepted, then status() and recovery_stats raised 'mixed currencies' naming no case")
e("case_apply_before_open", "case_apply",
  {"events": [opened()], "event": {"kind": "acknowledged", "at": "2025-06-13T08:00:00+08:00"}},
  "invalid_event", event="acknowledged")

# --- recovery statistics / ranking ----------------------------------------------------
CASES2 = [{"id": "A-1", "events": [opened()]}, {"id": "B-2", "events": [opened(score=5)]}]
e("rank_value_negative", "rank_open_cases", {"cases": CASES2, "values": [100.0, -1.0], "now": 1749790800},
  "invalid_value", index=1, argument="values")
e("rank_value_nan", "rank_open_cases", {"cases": CASES2, "values": [NAN, 1.0], "now": 1749790800},
  "invalid_value", index=0, argument="values")
e("rank_values_short", "rank_open_cases", {"cases": CASES2, "values": [1.0], "now": 1749790800},
  "length_mismatch", argument="values", inexpressible={"c": ONE_LEN})

# --- integrity --------------------------------------------------------------------------
e("rerated_original_invalid", "rerated_nps", {"original": [9, 11, 3], "rerated": [None, None, 10]},
  "invalid_score", index=1)
e("rerated_invalid", "rerated_nps", {"original": [9, 8, 3], "rerated": [None, None, 12]},
  "invalid_value", index=2, argument="rerated")
e("rerated_fraction", "rerated_nps", {"original": [9, 8, 3], "rerated": [6.5, None, None]},
  "invalid_value", index=0, argument="rerated")
e("rerated_short", "rerated_nps", {"original": [9, 8, 3], "rerated": [None, None]},
  "length_mismatch", argument="rerated", inexpressible={"c": ONE_LEN})
e("flags_alpha_one", "managed_flags", {"scores": [9, 10, 3, 9], "keys": [1, 1, 2, 2], "alpha": 1.0},
  "invalid_argument", argument="alpha")
e("flags_alpha_nan", "managed_flags", {"scores": [9, 10, 3, 9], "keys": [1, 1, 2, 2], "alpha": NAN},
  "invalid_argument", argument="alpha")
e("flags_score_invalid", "managed_flags", {"scores": [9, 10, 13, 9], "keys": [1, 1, 2, 2]},
  "invalid_score", index=2)

# --- KPIs ---------------------------------------------------------------------------------
e("technician_hours_1e308", "technician_figures",
  {"worked_hours": [1e308, 1e308], "srt_hours": [1e308, 1e308], "available_hours": 8.0},
  "invalid_value", index=0, argument="worked_hours", item=7, note="efficiency was NaN")
e("technician_hours_negative", "technician_figures",
  {"worked_hours": [1.0, -0.5], "srt_hours": [1.0, 1.0], "available_hours": 8.0},
  "invalid_value", index=1, argument="worked_hours")
e("technician_hours_nan", "technician_figures",
  {"worked_hours": [NAN], "srt_hours": [1.0], "available_hours": 8.0},
  "invalid_value", index=0, argument="worked_hours")
e("technician_hours_below_min", "technician_figures",
  {"worked_hours": [1e-12], "srt_hours": [None], "available_hours": 8.0},
  "invalid_value", index=0, argument="worked_hours", note="0 or >= MIN_HOURS: every ratio stays finite")
e("technician_available_above_max", "technician_figures",
  {"worked_hours": [1.0], "srt_hours": [None], "available_hours": 2e6},
  "invalid_argument", argument="available_hours")
e("hours_per_ro_1e308", "hours_per_ro",
  {"srt_hours": [1e308, 1e308], "worked_hours": [1.0, 1.0], "basis": "srt"},
  "invalid_value", index=0, argument="srt_hours", item=7, note="was inf")
e("bay_utilization_1e308", "bay_utilization",
  {"occupied_hours": [1e308, 1e308], "repair_bays": 2, "calendar": CAL, "from": MONDAY,
   "to": MONDAY + 86400}, "invalid_value", index=0, argument="occupied_hours", item=7, note="was inf")
e("bay_utilization_negative_bays", "bay_utilization",
  {"occupied_hours": [1.0], "repair_bays": -1, "calendar": CAL, "from": MONDAY, "to": MONDAY + 86400},
  "invalid_argument", argument="repair_bays", item=12, inexpressible={"rust": "repair_bays is u32", "c": NO_NEG},
  note="was OverflowError")
e("bay_utilization_to_before_from", "bay_utilization",
  {"occupied_hours": [1.0], "repair_bays": 2, "calendar": CAL, "from": MONDAY + 86400, "to": MONDAY},
  "invalid_argument")
e("rate_flag_two", "kpi_rate", {"flags": [1, 2]}, "invalid_value", index=1, argument="flags",
  inexpressible={"rust": NO_BOOL})
e("rate_eligible_short", "kpi_rate", {"flags": [1, 0], "eligible": [1]}, "length_mismatch",
  argument="eligible", inexpressible={"c": ONE_LEN})
e("csat_rating_nan", "csat", {"ratings": [5, NAN]}, "invalid_value", index=1, argument="ratings")
e("csat_satisfied_min_nan", "csat", {"ratings": [5, 4], "satisfied_min": NAN}, "invalid_argument",
  argument="satisfied_min")
e("time_negative_duration", "time_kpi", {"seconds": [60, -1], "target_seconds": 180}, "invalid_value",
  index=1, argument="seconds")
e("time_negative_target", "time_kpi", {"seconds": [60], "target_seconds": -1}, "invalid_argument",
  argument="target_seconds")
e("ftfr_window_negative", "first_time_fix_rate",
  {"vehicles": [1, 1], "opened": [0, 86400], "closed": [3600, 90000], "window_days": -1},
  "invalid_argument", item=12, note="Python's window_days = -1 was OverflowError")
e("ftfr_window_above_max", "first_time_fix_rate",
  {"vehicles": [1, 1], "opened": [0, 86400], "closed": [3600, 90000],
   "window_seconds": LAST_TS - FIRST_TS + 1},
  "invalid_argument", argument="window_seconds", inexpressible={"python": "Python takes window_days"})
e("ftfr_closed_before_opened", "first_time_fix_rate",
  {"vehicles": [1, 1], "opened": [0, 86400], "closed": [3600, 80000]}, "invalid_value", index=1,
  argument="closed")
e("ftfr_timestamp_out_of_range", "first_time_fix_rate",
  {"vehicles": [1], "opened": [0], "closed": [10**13]}, "invalid_value", index=0, argument="closed",
  note="KPI columns report an instant outside years 1..=9999 as `invalid_value` naming the column")
e("labour_sales_above_max", "effective_labour_rate",
  {"sales_minor": [2**53 + 2], "hours_sold": [1.0], "pay_types": ["customer"]}, "invalid_value",
  index=0, argument="sales_minor")
e("labour_hours_1e308", "effective_labour_rate",
  {"sales_minor": [100], "hours_sold": [1e308], "pay_types": ["customer"]}, "invalid_value",
  index=0, argument="hours_sold", item=7)
e("labour_unknown_pay_type", "effective_labour_rate",
  {"sales_minor": [100], "hours_sold": [1.0], "pay_types": ["barter"]}, "invalid_value", index=0,
  argument="pay_types", inexpressible={"c": "pay types are an enum (uint32_t)", "rust": "pay types are the enum `PayType`"})
FOLLOW_SECONDS = "Python takes earliest_days / latest_days"
e("follow_up_window_nan", "follow_up_completion_rate",
  {"service_end": [0], "follow_up": [3600], "earliest_days": NAN}, "invalid_argument", item=12,
  argument="earliest_days",
  inexpressible={"rust": "the window is i64 seconds", "c": "the window is int64_t seconds"},
  note="was a plain ValueError")
e("follow_up_window_negative", "follow_up_completion_rate",
  {"service_end": [0], "follow_up": [3600], "latest_days": -1}, "invalid_argument",
  note="the argument is latest_days in Python, latest_seconds in Rust and C")
e("follow_up_earliest_seconds_negative", "follow_up_completion_rate",
  {"service_end": [0], "follow_up": [3600], "earliest_seconds": -1}, "invalid_argument",
  argument="earliest_seconds", inexpressible={"python": FOLLOW_SECONDS})
e("follow_up_window_reversed", "follow_up_completion_rate",
  {"service_end": [0], "follow_up": [3600], "earliest_seconds": 8 * 86400,
   "latest_seconds": 7 * 86400}, "invalid_argument", argument="latest_seconds",
  inexpressible={"python": FOLLOW_SECONDS},
  note="the window ends before it starts; named by its latest bound")
e("follow_up_window_days_reversed", "follow_up_completion_rate",
  {"service_end": [0], "follow_up": [3600], "earliest_days": 8, "latest_days": 7},
  "invalid_argument", argument="latest_days",
  inexpressible={"rust": "the window is i64 seconds", "c": "the window is int64_t seconds"})
e("follow_up_excluded_two", "follow_up_completion_rate",
  {"service_end": [0, 0], "follow_up": [3600, None], "excluded": [0, 2]}, "invalid_value",
  index=1, argument="excluded", inexpressible={"rust": NO_BOOL})
e("follow_up_excluded_short", "follow_up_completion_rate",
  {"service_end": [0, 0], "follow_up": [3600, None], "excluded": [1]}, "length_mismatch",
  argument="excluded", inexpressible={"c": ONE_LEN})
e("repeat_window_negative", "repeat_complaint_rate",
  {"subjects": [1, 1], "raised": [0, 86400], "closed": [3600, 90000], "window_days": -1},
  "invalid_argument", item=12, note="was OverflowError in Python")

# --- heat maps ------------------------------------------------------------------------------
e("heat_pain_eleven", "heat_map_from_rows",
  {"stages": ["repair", "delivery"], "points": ["x", "y"], "mentions": [1, 2], "pain": [5, 11]},
  "invalid_value", index=1, argument="pain")
e("heat_pain_zero", "heat_map_from_rows",
  {"stages": ["repair"], "points": ["x"], "mentions": [1], "pain": [0]}, "invalid_value", index=0,
  argument="pain")
e("heat_unknown_stage", "heat_map_from_rows",
  {"stages": ["repair", "billing"], "points": ["x", "y"], "mentions": [1, 2], "pain": [5, 5]},
  "invalid_value", index=1, argument="stages")
e("heat_empty_point", "heat_map_from_rows",
  {"stages": ["repair"], "points": [""], "mentions": [1], "pain": [5]}, "invalid_value", index=0,
  argument="points")
e("heat_negative_mentions", "heat_map_from_rows",
  {"stages": ["repair"], "points": ["x"], "mentions": [-3], "pain": [5]}, "invalid_value", index=0,
  argument="mentions", inexpressible={"c": "mentions are uint64_t"})
e("heat_no_rows", "heat_map_from_rows", {"stages": [], "points": [], "mentions": [], "pain": []}, "no_data")
e("heat_overflow", "heat_map_from_rows",
  {"stages": ["repair"], "points": ["x"], "mentions": [2**64 - 1], "pain": [2]}, "overflow")

# --- Erlang C ---------------------------------------------------------------------------------
e("erlang_arrival_zero", "erlang_c", {"arrival_rate": 0.0, "service_time": 1.0, "servers": 1},
  "invalid_argument", argument="arrival_rate")
e("erlang_arrival_nan", "erlang_c", {"arrival_rate": NAN, "service_time": 1.0, "servers": 1},
  "invalid_argument", argument="arrival_rate")
e("erlang_service_inf", "erlang_c", {"arrival_rate": 1.0, "service_time": INF, "servers": 1},
  "invalid_argument", argument="service_time")
e("erlang_servers_zero", "erlang_c", {"arrival_rate": 1.0, "service_time": 1.0, "servers": 0},
  "invalid_argument", argument="servers")
e("erlang_servers_above_max", "erlang_c", {"arrival_rate": 1.0, "service_time": 1.0, "servers": 10**7 + 1},
  "invalid_argument", argument="servers")
e("erlang_servers_negative", "erlang_c", {"arrival_rate": 1.0, "service_time": 1.0, "servers": -1},
  "invalid_argument", argument="servers", item=12,
  inexpressible={"rust": "servers is u32", "c": NO_NEG}, note="was OverflowError")
e("erlang_target_wait_negative", "erlang_c",
  {"arrival_rate": 1.0, "service_time": 1.0, "servers": 2, "target_wait": -1.0},
  "invalid_argument", argument="target_wait")
e("servers_needed_share_one", "servers_needed",
  {"arrival_rate": 20.0, "service_time": 0.25, "target_wait": 0.05, "target_share": 1.0},
  "invalid_argument", argument="target_share")
e("servers_needed_share_nan", "servers_needed",
  {"arrival_rate": 20.0, "service_time": 0.25, "target_wait": 0.05, "target_share": NAN},
  "invalid_argument", argument="target_share")

# --- triage / threads --------------------------------------------------------------------------
e("triage_score_eleven", "triage", {"score": 11, "submitted_at": 1749790800}, "invalid_score", index=0)
e("triage_nat", "triage", {"score": 2, "submitted_at": "NaT"}, "invalid_argument", item=12,
  inexpressible={"rust": "submitted_at is i64", "c": "submitted_at is int64_t"},
  note="was a plain ValueError")
e("threads_negative", "set_max_threads", {"n": -1}, "invalid_argument", item=12,
  note="was OverflowError")

# Entries the library gets wrong today (found by running the three readers);
# filled in below by id: (open_in or None for all, what is wrong today).
OPEN: dict[str, tuple[list[str] | None, str]] = {}

for ent in ENTRIES:
    if ent["id"] in OPEN:
        langs, wrong = OPEN[ent["id"]]
        ent["status"] = "open"
        if langs:
            ent["open_in"] = langs
        ent["wrong_today"] = wrong


def render_json() -> str:
    doc = {
        "comment": "Written by tests/golden/gen_bad_input_vectors.py; do not edit by hand.",
        "kinds": {k: {"rust": v[0], "c": v[1], "python": v[2]} for k, v in KINDS.items()},
        "operations": OPS,
        "not_in": NOT_IN,
        "entries": ENTRIES,
    }
    return json.dumps(doc, indent=1, ensure_ascii=False, allow_nan=False) + "\n"


def fmt_inputs(inputs: dict) -> str:
    s = json.dumps(inputs, ensure_ascii=False, separators=(", ", ": "))
    if len(s) > 90:
        s = s[:87] + "…"
    return s.replace("|", "\\|")


def fmt_error(err: dict) -> str:
    parts = [f"`{err['kind']}`"]
    for k in ("index", "argument", "path", "event", "case_id"):
        if k in err:
            parts.append(f"{k} `{err[k]}`" if err[k] != "" else f"{k} `\"\"` (root)")
    return ", ".join(parts)


def render_md() -> str:
    out = [
        "# Bad input: what each entry point accepts, its limits, and its errors",
        "",
        "<!-- Generated by tests/golden/gen_bad_input_vectors.py from the same data as",
        "     tests/golden/bad_input_vectors.json; do not edit by hand. -->",
        "",
        "Every public entry point rejects bad input with a typed error that names the",
        "row (`index`), the argument or column, the JSON path or the case; nothing",
        "aborts, allocates without bound or returns NaN (issue 10). This catalogue is",
        "**one table for the three languages**: each row below is an entry of",
        "[`tests/golden/bad_input_vectors.json`](../tests/golden/bad_input_vectors.json),",
        "replayed by `tests/integration/bad_input.rs` (Rust), `tests/c/test_bad_input_vectors.c`",
        "(C) and `tests/python/test_bad_input_vectors.py` (Python). Regenerate both files with",
        "`python3 tests/golden/gen_bad_input_vectors.py`; the Python suite fails when this page",
        "and the JSON disagree.",
        "",
        "## Error kinds in each language",
        "",
        "| kind | Rust `ErrorKind` | C `NpsStatus` | Python class |",
        "|---|---|---|---|",
    ]
    for k, (r, c, p) in KINDS.items():
        out.append(f"| `{k}` | `{r}` | `{c}` | `nps.{p}` |")
    out += [
        "",
        "Where the error names them: the row is `Error::index()` (Rust),",
        "`nps_last_error_index` (C) and `.index` (Python); the argument or column is",
        "`Error::argument()` / the column of `Error::InvalidValue` (Rust), quoted as",
        "`` `name` `` in `nps_last_error_message` (C) and `.argument` (Python); a policy",
        "problem's JSON path is `Error::problems()`, `nps_last_error_problem_path` and",
        "`.problems`; an event's kind is in the message and `.event` (Python).",
        "",
        "Status `open` means the library does not yet do what the row says (the readers",
        "skip it and print it); the row states the required behaviour, never today's.",
        "A language in *not expressible* cannot even write the input (a typed or",
        "unsigned parameter, one length for all C columns); that language skips the row.",
        "",
    ]
    by_fam: dict[str, list[dict]] = {}
    for ent in ENTRIES:
        by_fam.setdefault(ent["family"], []).append(ent)
    for fam, (title, accepts, limits) in FAMILIES.items():
        rows = by_fam.get(fam, [])
        assert rows, f"family {fam} has no entries"
        ops = sorted({r["operation"] for r in rows})
        out += [f"## {title}", "", f"Operations: {', '.join(f'`{o}`' for o in ops)}.", "",
                f"- **Accepts:** {accepts}.", f"- **Limits:** {limits}.", "",
                "| id | operation | input | error | status | issue 10 | not expressible in |",
                "|---|---|---|---|---|---|---|"]
        for r in rows:
            status = r["status"] + (f" ({', '.join(r['open_in'])})" if r.get("open_in") else "")
            item = f"item {r['issue_item']}" if "issue_item" in r else ""
            inex = ", ".join(sorted(r.get("inexpressible", {})))
            out.append(f"| `{r['id']}` | `{r['operation']}` | `{fmt_inputs(r['inputs'])}` | "
                       f"{fmt_error(r['error'])} | {status} | {item} | {inex} |")
        notes = [r for r in rows if "note" in r or "wrong_today" in r]
        if notes:
            out.append("")
            for r in notes:
                bits = []
                if "note" in r:
                    bits.append(r["note"])
                if "wrong_today" in r:
                    bits.append(f"**open:** {r['wrong_today']}")
                out.append(f"- `{r['id']}`: {'; '.join(bits)}.")
        out.append("")
    return "\n".join(out)


def main() -> int:
    files = {OUT_JSON: render_json(), OUT_MD: render_md()}
    if "--check" in sys.argv[1:]:
        stale = [str(p.relative_to(ROOT)) for p, t in files.items()
                 if not p.exists() or p.read_text(encoding="utf-8") != t]
        if stale:
            print("stale (run python3 tests/golden/gen_bad_input_vectors.py):", ", ".join(stale))
            return 1
        return 0
    for p, t in files.items():
        p.write_text(t, encoding="utf-8")
    print(f"{len(ENTRIES)} entries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
