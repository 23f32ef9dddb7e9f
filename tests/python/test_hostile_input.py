"""Issue 10 (Python side): skip mode for missing keys, timestamps and
respondents (10); errors inside the hierarchy that name the real cause (12);
the bindings of the core fixes (cases and policies, weights, confidence)."""

from __future__ import annotations

import datetime as dt
import json
import math
import pickle
from typing import Any, Callable

import numpy as np
import pandas as pd
import polars as pl
import pytest

import nps
from nps import kpi

UTC = dt.timezone.utc
DAY = 86_400
T0 = 1_735_689_600  # 2025-01-01 UTC


# --- (10) skip mode covers keys, timestamps and respondents -----------------


@pytest.mark.parametrize(
    "keys",
    [
        ["a", None, "b"],
        ["a", math.nan, "b"],
        ["a", pd.NA, "b"],
        np.array(["a", None, "b"], dtype=object),
        pd.Series(["a", None, "b"]),
        pd.Series(["a", None, "b"], dtype="string"),
        pd.Series(["a", None, "b"], dtype="category"),
        pd.Series([1, None, 2], dtype="Int64"),
        pl.Series(["a", None, "b"]),
        pl.Series([1, None, 2]),
        pl.Series(["a", None, "b"], dtype=pl.Categorical),
        np.array([1.0, np.nan, 2.0]),
        [1, None, 2],
    ],
    ids=["list_none", "list_nan", "list_pd_na", "np_object", "pd_object", "pd_string", "pd_category",
         "pd_Int64", "pl_str", "pl_int", "pl_cat", "np_float", "list_int_none"],
)
def test_missing_key_is_dropped_or_kept(keys: Any) -> None:
    # dropna=True (default): dropped and counted, whatever `invalid` says (issue 11).
    for invalid in ("raise", "skip"):
        r = nps.group_by(keys, [9, 0, 10], invalid=invalid, min_n=0)
        assert (r.skipped_keys, r.skipped_timestamps, r.skipped_respondents, r.skipped) == (1, 0, 0, 0)
        assert len(r) == 2 and r.total().n == 2 and r.total().nps == 100.0
    # dropna=False: a group of its own, key None, sorted last.
    r = nps.group_by(keys, [9, 0, 10], dropna=False, min_n=0)
    assert [g.key for g in r][-1] is None and r[-1].tally.n == 1 and r.skipped_keys == 0


@pytest.mark.parametrize(
    "ts",
    [
        np.array([T0, "NaT", T0 + DAY], dtype="datetime64[s]"),
        np.array([T0 * 10**9, np.datetime64("NaT"), (T0 + DAY) * 10**9], dtype="datetime64[ns]"),
        pd.Series(pd.to_datetime([T0, None, T0 + DAY], unit="s")),
        pd.Series(pd.to_datetime([T0, None, T0 + DAY], unit="s", utc=True)),
        pl.Series([dt.datetime(2025, 1, 1), None, dt.datetime(2025, 1, 2)]),
        [dt.datetime(2025, 1, 1, tzinfo=UTC), None, dt.datetime(2025, 1, 2, tzinfo=UTC)],
        [float(T0), math.nan, float(T0 + DAY)],
        [T0, None, T0 + DAY],
        pd.Series([T0, None, T0 + DAY], dtype="Int64"),
    ],
    ids=["np_s", "np_ns", "pd_naive", "pd_aware", "pl", "py_datetimes", "float_nan", "int_none", "pd_Int64"],
)
def test_missing_timestamp_raises_or_is_skipped(ts: Any) -> None:
    with pytest.raises(nps.InvalidValueError) as e:
        nps.group_by(None, [9, 0, 10], timestamps=ts, period="day")
    assert e.value.argument == "timestamps" and e.value.index == 1
    assert "NaN" in str(e.value) and "9223372036854775808" not in str(e.value)
    r = nps.group_by(None, [9, 0, 10], timestamps=ts, period="day", invalid="skip", min_n=0)
    assert r.skipped_timestamps == 1 and r.skipped == 0
    assert [g.period for g in r] == ["2025-01-01", "2025-01-02"]


def test_infinite_float_timestamp_is_an_invalid_value() -> None:
    for bad in (math.inf, -math.inf, 1e30):
        with pytest.raises(nps.InvalidValueError) as e:
            nps.group_by(None, [9, 9], timestamps=[0.0, bad], period="day", invalid="skip")
        assert e.value.index == 1 and e.value.argument == "timestamps"


@pytest.mark.parametrize(
    "who",
    [["u1", None, "u2"], pd.Series(["u1", None, "u2"]), pl.Series([1, None, 2]), np.array([1.0, np.nan, 2.0])],
    ids=["list", "pandas", "polars", "np_float"],
)
def test_missing_respondent_raises_or_is_skipped(who: Any) -> None:
    at = [T0, T0 + 1, T0 + 2]
    with pytest.raises(nps.InvalidValueError) as e:
        nps.group_by(None, [9, 0, 10], timestamps=at, respondents=who)
    assert e.value.argument == "respondents" and e.value.index == 1
    r = nps.group_by(None, [9, 0, 10], timestamps=at, respondents=who, invalid="skip")
    assert (r.skipped_respondents, r.dropped_repeats, r.total().n) == (1, 0, 2)


def test_each_row_counts_once_in_documented_order() -> None:
    # Row 1: key and timestamp missing -> keys; row 2: timestamp and
    # respondent missing -> timestamps; row 3: respondent missing and an
    # invalid score -> respondents; row 4: invalid score -> skipped.
    keys = ["a", None, "a", "a", "a", "b"]
    ts = [T0, None, None, T0, T0, T0]
    who = [1, 2, None, None, 5, 6]
    scores = [9, 9, 9, 11, -1, 0]
    r = nps.group_by(keys, scores, timestamps=ts, period="day", respondents=who, invalid="skip", min_n=0)
    assert (r.skipped_keys, r.skipped_timestamps, r.skipped_respondents, r.skipped) == (1, 1, 1, 1)
    assert r.total().n == 2
    assert "skipped_keys=1" in repr(r)
    # Raise mode names the first row with a missing value and its column
    # (row 1's missing key is dropped and counted: dropna).
    with pytest.raises(nps.InvalidValueError, match="`timestamps` at row 2"):
        nps.group_by(keys, scores, timestamps=ts, period="day", respondents=who)


def test_skipped_rows_take_no_part_in_latest_response() -> None:
    # Respondent 7's later answer has no timestamp: skipped, so the earlier
    # complete one is kept (not dropped as a repeat).
    r = nps.group_by(None, [10, 0], timestamps=[T0, None], respondents=[7, 7], invalid="skip")
    assert (r.dropped_repeats, r.skipped_timestamps) == (0, 1)
    assert r.total().nps == 100.0


def test_several_key_columns_and_dataframes_skip_missing_keys() -> None:
    r = nps.group_by([[1, 1, 2], ["x", None, "y"]], [10, 0, 9], invalid="skip", min_n=0)
    assert r.skipped_keys == 1 and [g.key for g in r] == [(1, "x"), (2, "y")]
    df = pd.DataFrame({"dealer": ["a", None, "b"], "score": [9, 0, 10],
                       "at": pd.to_datetime([T0, T0, None], unit="s")})
    r = nps.group_by(df, by="dealer", score="score", time="at", period="day", invalid="skip", min_n=0)
    assert (r.skipped_keys, r.skipped_timestamps) == (1, 1) and len(r) == 1
    assert nps.group_by(df, by="dealer", score="score").skipped_keys == 1
    pdf = pl.DataFrame({"dealer": ["a", None, "b"], "score": [9, 0, 10]})
    assert nps.group_by(pdf, by="dealer", score="score", invalid="skip").skipped_keys == 1


def test_all_rows_missing() -> None:
    r = nps.group_by([None, None], [9, 9], invalid="skip")
    assert len(r) == 0 and r.skipped_keys == 2
    r = nps.group_by(pl.Series([None, None], dtype=pl.String), [9, 9], invalid="skip")
    assert len(r) == 0 and r.skipped_keys == 2


# --- (12) every value error inside the hierarchy, naming the real cause ------

CAL = nps.Calendar("UTC", {d: [("08:00", "18:00")] for d in ("mon", "tue", "wed", "thu", "fri")})
START, END = dt.datetime(2025, 6, 9, tzinfo=UTC), dt.datetime(2025, 6, 14, tzinfo=UTC)
BIG = 10**40

REPRODUCERS: list[tuple[str, Callable[[], Any], type[Exception], list[str]]] = [
    ("set_max_threads(-1)", lambda: nps.set_max_threads(-1), nps.InvalidArgumentError, ["`n`", "-1"]),
    ("set_max_threads(10**40)", lambda: nps.set_max_threads(BIG), nps.InvalidArgumentError, ["`n`"]),
    ("erlang_c(servers=-1)", lambda: nps.erlang_c(arrival_rate=1.0, service_time=0.5, servers=-1),
     nps.InvalidArgumentError, ["servers", "-1"]),
    ("erlang_c(servers=10**40)", lambda: nps.erlang_c(arrival_rate=1.0, service_time=0.5, servers=BIG),
     nps.InvalidArgumentError, ["servers"]),
    ("servers_needed(arrival_rate=-1)", lambda: nps.servers_needed(
        arrival_rate=-1.0, service_time=0.2, target_wait=0.05, target_share=0.9),
     nps.InvalidArgumentError, ["arrival_rate"]),
    ("servers_needed(target_share=-1)", lambda: nps.servers_needed(
        arrival_rate=1.0, service_time=0.2, target_wait=0.05, target_share=-1.0),
     nps.InvalidArgumentError, ["target_share"]),
    ("bay_utilization(repair_bays=-1)", lambda: kpi.bay_utilization(
        [1.0], repair_bays=-1, calendar=CAL, start=START, end=END), nps.InvalidArgumentError, ["repair_bays", "-1"]),
    ("bay_utilization(repair_bays=10**40)", lambda: kpi.bay_utilization(
        [1.0], repair_bays=BIG, calendar=CAL, start=START, end=END), nps.InvalidArgumentError, ["repair_bays"]),
    ("repeat_complaint_rate(window_days=-1)", lambda: kpi.repeat_complaint_rate(
        ["a"], [0], [1], window_days=-1), nps.InvalidArgumentError, ["window_days", "-1"]),
    ("first_time_fix_rate(window_days=10**40)", lambda: kpi.first_time_fix_rate(
        ["v"], [0], [1], window_days=BIG), nps.InvalidArgumentError, ["window_days"]),
    ("follow_up_completion_rate(earliest_days=nan)", lambda: kpi.follow_up_completion_rate(
        [0], [1], earliest_days=math.nan), nps.InvalidArgumentError, ["earliest_days", "NaN"]),
    ("service_revenue_per_engineer(engineers=-1)", lambda: kpi.service_revenue_per_engineer(
        [100], engineers=-1), nps.InvalidArgumentError, ["engineers", "-1"]),
    ("time_kpi(target_seconds=10**40)", lambda: kpi.time_kpi(target_seconds=BIG, seconds=[1.0]),
     nps.InvalidArgumentError, ["target_seconds"]),
    ("Tally.interval(pseudo=(1,1))", lambda: nps.Tally(1, 2, 3).interval(pseudo=(1, 1)),
     nps.InvalidArgumentError, ["pseudo", "3 numbers", "got 2"]),
    ("Tally.interval(prior=(1,1,1,1))", lambda: nps.Tally(1, 2, 3).interval(method="bayes", prior=(1, 1, 1, 1)),
     nps.InvalidArgumentError, ["prior", "got 4"]),
    ("Policy.triage(2, pd.NaT)", lambda: nps.Policy.default().triage(2, pd.NaT),
     nps.InvalidArgumentError, ["submitted_at", "NaT"]),
    ("lone surrogate key", lambda: nps.group_by(["a", "\ud800"], [9, 9]),
     nps.InvalidValueError, ["keys", "row 1", "surrogate"]),
    ("lone surrogate key (pandas)", lambda: nps.group_by(pd.Series(["a", "b", "\ud800"], dtype=object), [9, 9, 9]),
     nps.InvalidValueError, ["keys", "row 2", "surrogate"]),
    ("lone surrogate respondent", lambda: nps.group_by(None, [9, 9], respondents=["\udfff", "a"]),
     nps.InvalidValueError, ["respondents", "row 0", "surrogate"]),
    ("NaN float timestamp", lambda: nps.group_by(None, [9, 9], timestamps=[0.0, math.nan], period="day"),
     nps.InvalidValueError, ["timestamps", "row 1", "NaN"]),
    ("NaT in triage_many", lambda: nps.Policy.default().triage_many(
        [1, 2], np.array(["2025-06-13", "NaT"], dtype="datetime64[s]")),
     nps.InvalidTimestampError, ["row 1", "NaT"]),
    ("Tally(-1)", lambda: nps.Tally(-1), nps.InvalidArgumentError, ["detractors", "-1"]),
    ("Tally(10**40)", lambda: nps.Tally(BIG), nps.InvalidArgumentError, ["detractors"]),
    ("Tally.from_counts([10**40]*11)", lambda: nps.Tally.from_counts([BIG] * 11), nps.InvalidArgumentError, ["counts"]),
    ("track_goal(months=-1)", lambda: nps.track_goal([nps.Tally(1, 1, 1)], target=65, months=-1),
     nps.InvalidArgumentError, ["months"]),
    ("track_goal(months=10**40)", lambda: nps.track_goal([nps.Tally(1, 1, 1)], target=65, months=BIG),
     nps.InvalidArgumentError, ["months"]),
    ("sample_size(population=10**40)", lambda: nps.sample_size(5.0, 0.5, 0.2, population=BIG),
     nps.InvalidArgumentError, ["population"]),
    ("group_by(min_n=-1)", lambda: nps.group_by(None, [9], min_n=-1), nps.InvalidArgumentError, ["min_n"]),
    ("group_by(min_n=10**40)", lambda: nps.group_by(None, [9], min_n=BIG), nps.InvalidArgumentError, ["min_n"]),
    ("group_by(window=-1)", lambda: nps.group_by(None, [9], timestamps=[0], period="day", window=-1),
     nps.InvalidArgumentError, ["window"]),
    ("Money(10**40)", lambda: nps.Money(BIG, "CNY"), nps.InvalidArgumentError, ["minor"]),
    ("Item(10**40)", lambda: nps.Item(BIG, "CNY", "loss_compensation"), nps.InvalidArgumentError, ["value_minor"]),
    ("managed_flags(min_n=-1)", lambda: nps.managed_flags([9, 9], ["a", "a"], min_n=-1),
     nps.InvalidArgumentError, ["min_n"]),
    ("integer key beyond 64 bits", lambda: nps.group_by([1, 10**30], [9, 9]),
     nps.InvalidValueError, ["keys", "row 1", "64 bits"]),
    ("deadline(business_days=10**40)", lambda: CAL.deadline(START, business_days=BIG),
     nps.InvalidArgumentError, ["business_days"]),
    ("single-currency USD package", lambda: nps.Policy.default().required_approver(
        [(10_000, "USD", "loss_compensation"), (5_000, "USD", "emotional_repair")], tier="A"),
     nps.NpsError, ["USD"]),
]


@pytest.mark.parametrize("call, cls, words", [r[1:] for r in REPRODUCERS], ids=[r[0] for r in REPRODUCERS])
def test_errors_are_typed_and_name_the_cause(call: Callable[[], Any], cls: type[Exception], words: list[str]) -> None:
    with pytest.raises(nps.NpsError) as e:
        call()
    assert isinstance(e.value, cls), f"{type(e.value).__name__}: {e.value}"
    assert isinstance(e.value, (ValueError, TypeError))
    assert not isinstance(e.value, (OverflowError, UnicodeError))
    message = str(e.value)
    for w in words:
        assert w in message, f"{w!r} not in {message!r}"
    assert "mixed currencies" not in message
    assert "timestamp -9223372036854775808" not in message  # NaN / NaT shown as a sentinel


def test_max_threads_still_settable() -> None:
    nps.set_max_threads(1)
    assert nps.max_threads() == 1
    nps.set_max_threads(0)


# --- (3) core changes followed by the bindings ------------------------------

AT = dt.datetime(2025, 6, 13, 10, tzinfo=UTC)
OPENED = {"kind": "opened", "at": AT, "score": 2, "reason": "waiting", "dealer": "D1",
          "high_value": False, "public_opinion_risk": False}
ACK = {"kind": "acknowledged", "at": AT + dt.timedelta(minutes=20)}
CONTACTED = {"kind": "contacted", "at": AT + dt.timedelta(minutes=40), "channel": "phone"}


def custom_policy() -> nps.Policy:
    d = json.loads(nps.Policy.default().to_json())
    d["warning_lead_seconds"] = 600
    return nps.Policy.from_json(json.dumps(d))


def usd_policy() -> nps.Policy:
    return nps.Policy.from_json(nps.Policy.default().to_json().replace('"CNY"', '"USD"'))


def test_case_with_custom_policy_round_trips_exactly() -> None:
    p = custom_policy()
    c = nps.Case.from_events([OPENED], policy=p, case_id="c1")
    c.apply({"kind": "acknowledged", "at": AT + dt.timedelta(minutes=20)})
    text = c.to_json()
    back = nps.Case.from_json(text)
    assert back.policy == p and back.to_json() == text
    assert nps.Case.from_json(text, policy=p).policy == p
    # A mismatched policy is refused, never a silent switch.
    with pytest.raises(nps.InvalidArgumentError) as e:
        nps.Case.from_json(text, policy=nps.Policy.default())
    assert e.value.argument == "policy"
    # A default-policy case still reads back with the default policy.
    d = nps.Case.from_events([OPENED])
    assert nps.Case.from_json(d.to_json()).policy == nps.Policy.default()


def test_package_in_another_currency_is_refused_at_apply() -> None:
    c = nps.Case.from_events([OPENED, ACK, CONTACTED], case_id="c1")  # the default policy: CNY
    before = c.to_json()
    usd = {"kind": "solution_proposed", "at": AT + dt.timedelta(hours=1),
           "items": [(10_000, "USD", "loss_compensation")]}
    with pytest.raises(nps.InvalidEventError) as e:
        c.apply(usd)
    assert "USD" in str(e.value) and e.value.index == 3
    assert c.to_json() == before and len(c) == 3
    with pytest.raises(nps.InvalidEventError) as e:
        nps.Case.from_events([OPENED, ACK, CONTACTED, usd])
    assert e.value.index == 3
    # On a USD policy the same package is accepted.
    u = nps.Case.from_events([OPENED, ACK, CONTACTED, usd], policy=usd_policy())
    assert len(u) == 4


def test_batch_errors_name_the_case() -> None:
    good = nps.Case.from_events([OPENED], case_id="good")
    bad = nps.Case.from_events([OPENED, ACK, CONTACTED, {"kind": "solution_proposed", "at": AT + dt.timedelta(hours=1),
                                         "items": [(10_000, "CNY", "loss_compensation")]}], case_id="bad")
    # Read against a USD policy, the CNY package of `bad` cannot be judged.
    with pytest.raises(nps.NpsError) as e:
        nps.recovery_stats([good, bad], policy=usd_policy())
    assert e.value.case_index == 1 and e.value.case_id == "bad"  # type: ignore[attr-defined]
    assert "bad" in str(e.value)


def test_weights_that_overflow_or_underflow_raise_naming_the_row() -> None:
    with pytest.raises(nps.InvalidWeightError) as e:
        nps.Tally.from_scores([9, 3], weights=[1e155, 1.0])
    assert e.value.index in (0, 1)
    with pytest.raises(nps.InvalidWeightError) as e:
        nps.Tally.from_scores([9], weights=[3.1e-214])
    assert e.value.index == 0
    # nps-core's range of a weight is 0 or [1e-100, 1e100]: 7e-300 is refused too.
    with pytest.raises(nps.InvalidWeightError):
        nps.Tally.from_scores([9], weights=[7e-300])
    t = nps.Tally.from_scores([9, 3, 10], weights=[7e-99, 7e-99, 3.3e99])
    assert pickle.loads(pickle.dumps(t)) == t
    assert nps.Tally.from_json(t.to_json()) == t


@pytest.mark.parametrize("confidence", [0.9999999999999999, 1e-17])
def test_confidence_outside_its_range_raises(confidence: float) -> None:
    t = nps.Tally(3, 4, 5)
    with pytest.raises(nps.InvalidArgumentError, match="confidence"):
        t.interval(confidence=confidence)
    with pytest.raises(nps.InvalidArgumentError, match="confidence"):
        nps.test_benchmark(t, 10.0, confidence=confidence)
    with pytest.raises(nps.InvalidArgumentError, match="confidence"):
        nps.sample_size(5.0, 0.5, 0.2, confidence=confidence)
