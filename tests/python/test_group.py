"""nps.group_by (keys, periods, rolling windows, respondents), DataFrames, goals."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import nps

SCORES = [10, 2, 9, 7, 0, 10]
NAMES = ["b", "a", "b", "c", "a", "b"]
# Per key, by hand: a = (2, 0) -> 2 detractors; b = (10, 9, 10) -> 3 promoters; c = (7) -> 1 passive.
EXPECTED = {
    "a": nps.Tally.from_scores([2, 0]),
    "b": nps.Tally.from_scores([10, 9, 10]),
    "c": nps.Tally.from_scores([7]),
}


@pytest.mark.parametrize(
    "keys",
    [
        NAMES,
        tuple(NAMES),
        np.array(NAMES),
        np.array(NAMES, dtype=object),
        pd.Series(NAMES),
        pd.Series(NAMES, dtype=object),
        pd.Series(NAMES, dtype="category"),
        pd.Series(NAMES, dtype="string[pyarrow]"),
        pl.Series(NAMES),
        pl.Series(NAMES, dtype=pl.Categorical),
        pl.Series(NAMES, dtype=pl.Enum(["c", "b", "a"])),
    ],
    ids=["list", "tuple", "np_str", "np_object", "pd_str", "pd_object", "pd_category", "pd_arrow", "pl_str", "pl_cat", "pl_enum"],
)
def test_string_keys(keys: Any) -> None:
    r = nps.group_by(keys, SCORES, min_n=2)
    # An Enum groups in its category order (issue 11); strings, pandas
    # categories (sorted here) and polars Categorical (ordered by text) sorted.
    enum = isinstance(getattr(keys, "dtype", None), pl.Enum)
    assert [g.key for g in r] == (["c", "b", "a"] if enum else ["a", "b", "c"])
    assert r.tallies == EXPECTED
    assert [g.thin for g in r] == ([True, False, False] if enum else [False, False, True])
    assert all(g.period is None and g.period_start is None for g in r)


INT_KEYS = [2, 1, 2, 3, 1, 2]
INT_EXPECTED = {1: EXPECTED["a"], 2: EXPECTED["b"], 3: EXPECTED["c"]}


@pytest.mark.parametrize("dtype", ["uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64"])
def test_integer_key_dtypes(dtype: str) -> None:
    r = nps.group_by(np.array(INT_KEYS, dtype=dtype), np.array(SCORES, dtype=np.uint8), min_n=0)
    assert r.tallies == INT_EXPECTED
    assert all(type(g.key) is int for g in r)


def test_integer_keys_other_columns() -> None:
    for keys in (
        INT_KEYS,
        pd.Series(INT_KEYS, dtype="Int64"),
        pd.Series(INT_KEYS, dtype="category"),
        pd.Series(INT_KEYS, dtype=object),
        pl.Series(INT_KEYS, dtype=pl.UInt32),
        np.array(INT_KEYS, dtype=float),
    ):
        r = nps.group_by(keys, SCORES)
        assert r.tallies == INT_EXPECTED and all(type(g.key) is int for g in r)
    sparse = [10**12, -5, 10**12, 7, -5, 10**12]  # a wide range: hashed, same answer
    assert nps.group_by(sparse, SCORES).tallies == {-5: EXPECTED["a"], 7: EXPECTED["c"], 10**12: EXPECTED["b"]}


@pytest.mark.parametrize(
    "keys",
    [
        ["a", None, "b", "c", "a", "b"],
        pd.Series(["a", None, "b", "c", "a", "b"]),
        pd.Series([1, None, 2, 3, 1, 2], dtype="Int64"),
        pd.Series([1, None, 2, 3, 1, 2], dtype="category"),
        pl.Series([1, None, 2, 3, 1, 2]),
        pl.Series(["a", None, "b", "c", "a", "b"], dtype=pl.Categorical),
        np.array([1.0, np.nan, 2, 3, 1, 2]),
    ],
    ids=["list", "pd_str", "pd_int", "pd_int_cat", "pl_int", "pl_cat", "np_float"],
)
def test_missing_keys_are_dropped_and_counted(keys: Any) -> None:
    # dropna=True (the default, issue 11): the row is dropped and counted
    # as a missing key, in raise and skip mode alike.
    for invalid in ("raise", "skip"):
        r = nps.group_by(keys, SCORES, invalid=invalid)
        assert r.skipped_keys == 1 and r.skipped == 0
        assert r.total().n == len(SCORES) - 1
    r = nps.group_by(keys, SCORES, dropna=False)
    assert r.skipped_keys == 0 and r.total().n == len(SCORES) and r[-1].key is None


def test_bad_keys() -> None:
    with pytest.raises(TypeError):
        nps.group_by([1.5, 2, 2, 2, 2, 2], SCORES)
    # A key column has one type: a mix is an InvalidArgumentError naming the row (issue 10, 8).
    with pytest.raises(nps.InvalidArgumentError, match="row 1"):
        nps.group_by(["a", 1, "b", "c", "a", "b"], SCORES)
    with pytest.raises(nps.InvalidArgumentError, match="row 1"):
        nps.group_by(pd.Series(["a", 1, "b", "c", "a", "b"], dtype=object), SCORES)
    with pytest.raises(nps.LengthMismatchError) as e:
        nps.group_by([1, 2], SCORES)
    assert e.value.argument == "keys"


# Two instants around the turn of January in UTC; in Berlin (UTC+1) both are in February.
T1 = 1738366200  # 2025-01-31T23:30:00Z
T2 = 1738369800  # 2025-02-01T00:30:00Z
UTC_LABELS = ["2025-01", "2025-02"]
BERLIN_LABELS = ["2025-02"]


# Fixed offsets, so the test needs no system time-zone database.
TOKYO = dt.timezone(dt.timedelta(hours=9))
NEW_YORK = dt.timezone(dt.timedelta(hours=-5))


def as_datetimes(tz: dt.timezone | None) -> list[dt.datetime]:
    out = [dt.datetime.fromtimestamp(t, dt.timezone.utc) for t in (T1, T2)]
    if tz is None:
        return [d.replace(tzinfo=None) for d in out]  # naive = UTC
    return [d.astimezone(tz) for d in out]


TIMESTAMP_FORMS: dict[str, Any] = {
    "int_list": [T1, T2],
    "int64": np.array([T1, T2], dtype=np.int64),
    "float_seconds": np.array([T1, T2], dtype=np.float64),
    "dt64_s": np.array([T1, T2], dtype="datetime64[s]"),
    "dt64_ms": np.array([T1, T2], dtype="datetime64[s]").astype("datetime64[ms]"),
    "dt64_us": np.array([T1, T2], dtype="datetime64[s]").astype("datetime64[us]"),
    "dt64_ns": np.array([T1, T2], dtype="datetime64[s]").astype("datetime64[ns]"),
    "dt64_m": np.array([T1, T2], dtype="datetime64[s]").astype("datetime64[m]"),
    "pd_naive": pd.Series(pd.to_datetime([T1, T2], unit="s")),
    "pd_utc": pd.Series(pd.to_datetime([T1, T2], unit="s", utc=True)),
    "pd_tokyo": pd.Series(pd.to_datetime([T1, T2], unit="s", utc=True)).dt.tz_convert(TOKYO),
    "pd_index": pd.DatetimeIndex(pd.to_datetime([T1, T2], unit="s", utc=True)).tz_convert(NEW_YORK),
    "pl_naive": pl.Series(as_datetimes(None)),
    "pl_tokyo": pl.Series(as_datetimes(None)).dt.replace_time_zone("UTC").dt.convert_time_zone("Asia/Tokyo"),
    "pl_ms": pl.Series(as_datetimes(None)).cast(pl.Datetime("ms")),
    "py_naive": as_datetimes(None),
    "py_aware": as_datetimes(TOKYO),
}


@pytest.mark.parametrize("form", list(TIMESTAMP_FORMS), ids=list(TIMESTAMP_FORMS))
def test_timestamp_forms(form: str) -> None:
    ts = TIMESTAMP_FORMS[form]
    r = nps.group_by(None, [10, 0], timestamps=ts, period="month", min_n=0)
    assert [g.period for g in r] == UTC_LABELS
    assert [g.period_start for g in r] == [dt.date(2025, 1, 1), dt.date(2025, 2, 1)]
    berlin = nps.group_by(None, [10, 0], timestamps=ts, period="month", tz="Europe/Berlin", min_n=0)
    assert [g.period for g in berlin] == BERLIN_LABELS
    assert berlin[0].tally == nps.Tally.from_scores([10, 0])


def test_dates_and_negative_sub_second_instants() -> None:
    days = np.array(["2024-12-30", "2025-01-05"], dtype="datetime64[D]")
    r = nps.group_by(None, [9, 9], timestamps=days, period="week", min_n=0)
    assert [g.period for g in r] == ["2025-W01"]  # ISO week 1 of 2025 starts on 2024-12-30
    r = nps.group_by(None, [9, 9], timestamps=pl.Series([dt.date(2024, 12, 29), dt.date(2024, 12, 30)]), period="week")
    assert [g.period for g in r] == ["2024-W52", "2025-W01"]
    # 1969-12-31T23:59:59.999: rounding down gives December 1969 (truncation would give 1970).
    ms = np.array([-1, 0], dtype="datetime64[ms]")
    assert [g.period for g in nps.group_by(None, [9, 9], timestamps=ms, period="month")] == ["1969-12", "1970-01"]
    assert [g.period for g in nps.group_by(None, [9, 9], timestamps=[-0.5, 0.0], period="day")] == ["1969-12-31", "1970-01-01"]


@pytest.mark.parametrize(
    "ts",
    [
        np.array(["2025-01-01", "NaT"], dtype="datetime64[ns]"),
        pd.Series(pd.to_datetime(["2025-01-01", None])),
        pl.Series([dt.datetime(2025, 1, 1), None]),
        [dt.datetime(2025, 1, 1), None],
        [1735689600, None],
    ],
    ids=["np_nat", "pd_nat", "pl_null", "py_none", "int_none"],
)
def test_missing_timestamps_are_invalid(ts: Any) -> None:
    with pytest.raises(nps.InvalidValueError) as e:
        nps.group_by(None, [9, 9], timestamps=ts, period="day")
    assert e.value.index == 1 and e.value.argument == "timestamps"
    assert "missing" in str(e.value) and "9223372036854775808" not in str(e.value)
    r = nps.group_by(None, [9, 9], timestamps=ts, period="day", invalid="skip")
    assert r.skipped_timestamps == 1 and len(r) == 1 and r[0].period == "2025-01-01"


def test_rolling_window() -> None:
    # nps-core's example: one response in each of Jan, Feb and Apr 2025 (UTC).
    ts = [1736000000, 1738700000, 1744000000]
    r = nps.group_by(None, [10, 0, 10], timestamps=ts, period="month", window=2, min_n=1)
    assert [g.period for g in r] == ["2025-01", "2025-02", "2025-03", "2025-04"]
    assert [g.tally.n for g in r] == [1, 2, 1, 1]
    assert r.window == 2 and r.period == "month"
    plain = nps.group_by(None, [10, 0, 10], timestamps=ts, period="month", window=3, min_n=1)
    assert [g.tally.n for g in plain] == [1, 2, 2, 2]
    with pytest.raises(nps.InvalidArgumentError) as e:
        nps.group_by([1, 1, 1], [10, 0, 10], window=2)
    assert e.value.argument == "window"
    with pytest.raises(nps.InvalidArgumentError) as e:
        nps.group_by(None, [10], period="month")
    assert e.value.argument == "period"


def test_empty_periods_in_frames_are_null_not_nan() -> None:
    ts = [1736000000, 1744000000]  # January and April 2025: February and March are empty
    r = nps.group_by(None, [10, 0], timestamps=ts, period="month", window=1, min_n=1)
    assert [g.tally.n for g in r] == [1, 0, 0, 1]
    df = r.to_pandas()
    # No key column without keys; the period is a date (its local first day).
    assert list(df.columns) == ["period", "n", "detractors", "passives", "promoters", "nps", "se", "low", "high", "thin"]
    assert str(df["period"].dtype).startswith("datetime64") and df["period"][1] == pd.Timestamp("2025-02-01")
    assert str(df["nps"].dtype) == "Float64"
    assert df["nps"][1] is pd.NA and df["low"][2] is pd.NA
    assert df["nps"].tolist()[0] == 100.0 and df["nps"].tolist()[3] == -100.0
    assert df["thin"].tolist() == [False, True, True, False]
    pf = r.to_polars()
    assert pf.columns == list(df.columns)
    assert pf["nps"].null_count() == 2 and not pf["nps"].is_nan().any()
    d = r.to_dict()
    assert d["nps"] == [100.0, None, None, -100.0]
    assert d["period"] == [dt.date(2025, m, 1) for m in (1, 2, 3, 4)]
    assert r.to_arrow().schema.field("period").type == pa.date32()


def test_frames_match_tallies() -> None:
    r = nps.group_by(np.array(INT_KEYS, dtype=np.uint32), SCORES, min_n=2)
    df = r.to_pandas()
    assert df["key"].tolist() == [1, 2, 3] and "period" not in df.columns
    for row, g in zip(df.itertuples(), r):
        ci = g.tally.interval("score", 0.95)
        assert (row.n, row.detractors, row.passives, row.promoters) == (g.tally.n, g.tally.detractors, g.tally.passives, g.tally.promoters)
        assert (row.nps, row.se, row.low, row.high, row.thin) == (g.tally.nps, g.tally.se, ci.low, ci.high, g.thin)
    pf = r.to_polars()
    assert pf["key"].to_list() == [1, 2, 3] and pf["n"].to_list() == [2, 3, 1]
    assert pf["high"].to_list() == df["high"].tolist()
    # The interval is the caller's choice, not fixed at the 95 % score interval.
    wald = r.to_pandas(interval="wald", confidence=0.9)
    for row, g in zip(wald.itertuples(), r):
        if g.tally.n:
            ci = g.tally.interval("wald", 0.9)
            assert (row.low, row.high) == (ci.low, ci.high)
    with pytest.raises(nps.InvalidArgumentError):
        r.to_pandas(interval="score", prior=(2.0, 2.0, 2.0))  # an option of another method


def test_key_by_period() -> None:
    ts = [T1, T2, T1, T2, T2]
    r = nps.group_by(["x", "x", "y", "y", "y"], [10, 9, 0, 8, 10], timestamps=ts, period="month", min_n=0)
    assert [(g.key, g.period, g.tally.n) for g in r] == [("x", "2025-01", 1), ("x", "2025-02", 1), ("y", "2025-01", 1), ("y", "2025-02", 2)]
    assert set(r.tallies) == {("x", "2025-01"), ("x", "2025-02"), ("y", "2025-01"), ("y", "2025-02")}
    by_period = nps.group_by(None, [10, 9, 0, 8, 10], timestamps=ts, period="month")
    assert set(by_period.tallies) == {"2025-01", "2025-02"}
    assert nps.group_by(None, [10, 9]).tallies == {None: nps.Tally.from_scores([10, 9])}


def test_respondents_keep_latest() -> None:
    # Respondent "r1" answered 0 then 10 (later): only the 10 counts.
    ids = ["r1", "r2", "r1"]
    r = nps.group_by(None, [0, 9, 10], timestamps=[100, 50, 200], respondents=ids)
    assert r.dropped_repeats == 1 and r.total() == nps.Tally.from_scores([9, 10])
    # On a tie the later row wins; integer ids from numpy / polars.
    for ids2 in (np.array([5, 6, 5], dtype=np.uint32), pl.Series([5, 6, 5]), [-5, 6, -5]):
        r = nps.group_by(None, [0, 9, 3], timestamps=[7, 7, 7], respondents=ids2)
        assert r.total() == nps.Tally.from_scores([9, 3])
    # Without timestamps "latest" is undefined: an error says so (issue 11).
    with pytest.raises(nps.InvalidArgumentError, match="needs timestamps"):
        nps.group_by(None, [0, 9, 3], respondents=ids)


def test_invalid_scores_in_groups() -> None:
    with pytest.raises(nps.InvalidScoreError) as e:
        nps.group_by([1, 2, 3], pl.Series([9, None, 3]))
    assert e.value.index == 1
    r = nps.group_by([1, 2, 3], pl.Series([9, None, 3]), invalid="skip", min_n=0)
    assert r.skipped == 1 and [g.key for g in r] == [1, 3]


def test_group_result_sequence() -> None:
    r = nps.group_by(NAMES, SCORES, min_n=3)
    assert len(r) == 3 and r[-1].key == "c" and r[0].key == "a"
    with pytest.raises(IndexError):
        r[3]
    assert r.min_n == 3 and r.skipped == 0 and r.period is None and r.window == 1
    assert repr(r[0]).startswith("Group(key='a', period=None, tally=Tally.from_counts(")
    assert r.total() == nps.Tally.from_scores(SCORES)
    assert len(nps.group_by([], [])) == 0


def test_large_grouping_matches_numpy() -> None:
    rng = np.random.default_rng(3)
    keys = rng.integers(0, 500, size=400_000, dtype=np.uint32)
    scores = rng.integers(0, 11, size=400_000, dtype=np.uint8)
    r = nps.group_by(keys, scores, min_n=0)
    counts = np.zeros((500, 11), dtype=np.int64)
    np.add.at(counts, (keys, scores), 1)
    assert len(r) == 500
    for g in r:
        assert isinstance(g.key, int)
        assert g.tally.counts == tuple(int(c) for c in counts[g.key])


def test_pandas_and_polars_imported_only_when_called() -> None:
    code = textwrap.dedent(
        """
        import sys, numpy as np, nps
        r = nps.group_by(np.array([1, 2], dtype=np.uint32), np.array([9, 3], dtype=np.uint8))
        nps.Tally.from_scores([9, 10, None], invalid="skip")
        assert "pandas" not in sys.modules and "polars" not in sys.modules, "eager import"
        r.to_pandas()
        assert "pandas" in sys.modules and "polars" not in sys.modules
        """
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_track_goal() -> None:
    # nps-core's example: NPS 60 (n = 200) then 45 (n = 200); reach 65 in 12 months.
    history = [nps.Tally(20, 40, 140), nps.Tally(30, 50, 120)]
    g = nps.track_goal(history, target=65, months=12)
    assert (g.current, g.target, g.gap, g.months) == (45.0, 65.0, 20.0, 12)
    assert abs(g.monthly_step - 20 / 12) < 1e-12
    assert len(g.path) == 12 and g.path[-1] == 65.0 and abs(g.path[0] - (45 + 20 / 12)) < 1e-12
    assert g.last_change is not None and abs(g.last_change.difference + 15.0) < 1e-9
    assert g.last_change_significant is True and g.step_detectable is False
    # MDC = z * sqrt(se1^2 + se2^2), the two months' SEs from V = p + d - (p - d)^2.
    se_last = 100 * (0.6 + 0.15 - 0.45**2) ** 0.5 / 200**0.5
    se_prev = 100 * (0.7 + 0.1 - 0.6**2) ** 0.5 / 200**0.5
    assert g.minimum_detectable_change is not None
    assert abs(g.minimum_detectable_change - 1.959963984540054 * (se_last**2 + se_prev**2) ** 0.5) < 1e-9
    assert g.n_per_month_to_detect_step is not None and g.n_per_month_to_detect_step > 1000
    one = nps.track_goal(history[-1:], target=65, months=12)
    assert one.last_change is None and one.minimum_detectable_change is None and one.step_detectable is None
    assert repr(one).startswith("GoalReport(current=45.0, target=65.0, gap=20.0, months=12")


def test_track_goal_errors() -> None:
    with pytest.raises(nps.NoDataError):
        nps.track_goal([], target=65, months=12)
    with pytest.raises(nps.InvalidArgumentError) as e:
        nps.track_goal([nps.Tally(1, 2, 3)], target=65, months=0)
    assert e.value.argument == "months"
    with pytest.raises(nps.InvalidArgumentError) as e:
        nps.track_goal([nps.Tally.from_scores([9], weights=[1.0])], target=65, months=3)
    assert e.value.argument == "history"
    with pytest.raises(TypeError):
        nps.track_goal([[1, 2, 3]], target=65, months=3)  # type: ignore[list-item]
