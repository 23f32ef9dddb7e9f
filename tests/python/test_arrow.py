"""Arrow both ways: columns and tables in through the Arrow PyCapsule
interface (pyarrow, polars, pandas Arrow dtypes, nanoarrow, arro3, a bare
capsule producer; without pyarrow), every grouped result out as an Arrow C
stream (pyarrow, polars, DuckDB), the notebook display, categorical order.

Expected values are computed here by hand or with plain Python
(``calendar.timegm``, ``sorted``), never by the code under test.
"""

from __future__ import annotations

import calendar
import datetime as dt
import pickle
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
# By hand: a = (2, 0) -> 2 detractors, NPS -100; b = (10, 9, 10) -> 3
# promoters, NPS 100; c = (7) -> 1 passive, NPS 0. All: 3 - 2 of 6.
COUNTS = {"a": (2, 0, 0), "b": (0, 0, 3), "c": (0, 1, 0)}
NPS_BY_KEY = {"a": -100.0, "b": 100.0, "c": 0.0}
ALL_NPS = 100.0 * (3 - 2) / 6


class Stream:
    """A producer exporting nothing but ``__arrow_c_stream__`` (like a
    DataFrame library unknown to nps)."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        return self._inner.__arrow_c_stream__(requested_schema)


class ArrayCapsule:
    """A producer exporting nothing but ``__arrow_c_array__``."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __arrow_c_array__(self, requested_schema: Any = None) -> Any:
        return self._inner.__arrow_c_array__(requested_schema)


def counts(t: nps.Tally) -> tuple[int, int, int]:
    return (t.detractors, t.passives, t.promoters)


def score_forms() -> dict[str, Any]:
    forms: dict[str, Any] = {
        "pa_int8": pa.array(SCORES, pa.int8()),
        "pa_uint8": pa.array(SCORES, pa.uint8()),
        "pa_int64": pa.array(SCORES, pa.int64()),
        "pa_uint64": pa.array(SCORES, pa.uint64()),
        "pa_float32": pa.array(SCORES, pa.float32()),
        "pa_float64": pa.array(SCORES, pa.float64()),
        "pa_float16": pa.array(np.array(SCORES, dtype=np.float16)),
        "pa_chunked": pa.chunked_array([SCORES[:2], SCORES[2:5], SCORES[5:]], pa.int16()),
        "pa_sliced": pa.array([5] + SCORES + [5], pa.uint32()).slice(1, len(SCORES)),
        "pd_arrow": pd.Series(SCORES, dtype="int32[pyarrow]"),
        "pl_int": pl.Series(SCORES),
        "pl_chunked": pl.concat([pl.Series(SCORES[:3]), pl.Series(SCORES[3:])], rechunk=False),
        "stream_only": Stream(pa.chunked_array([SCORES])),
        "array_only": ArrayCapsule(pa.array(SCORES)),
    }
    try:
        import nanoarrow as na

        forms["nanoarrow"] = na.c_array(SCORES, na.int32())
    except ImportError:  # pragma: no cover - optional producer
        pass
    try:
        from arro3.core import Array

        forms["arro3"] = Array(pa.array(SCORES, pa.int64()))
    except ImportError:  # pragma: no cover - optional producer
        pass
    return forms


SCORE_FORMS = score_forms()


@pytest.mark.parametrize("form", list(SCORE_FORMS), ids=list(SCORE_FORMS))
def test_score_forms(form: str) -> None:
    col = SCORE_FORMS[form]
    t = nps.Tally.from_scores(col)
    assert (t.n, counts(t), t.nps) == (6, (2, 1, 3), ALL_NPS)
    r = nps.group_by(NAMES, col, min_n=0)
    assert [g.key for g in r] == ["a", "b", "c"]
    assert {g.key: counts(g.tally) for g in r} == COUNTS


@pytest.mark.parametrize(
    "col",
    [pa.array([9, None, 10]), pa.array([9.0, None, 10.0]), pl.Series([9, None, 10]),
     Stream(pa.chunked_array([[9], [None, 10]]))],
    ids=["pa_int", "pa_float", "pl_int", "stream"],
)
def test_null_scores_are_invalid_rows(col: Any) -> None:
    with pytest.raises(nps.InvalidScoreError) as e:
        nps.Tally.from_scores(col)
    assert e.value.index == 1
    t = nps.Tally.from_scores(col, invalid="skip")
    assert (t.n, t.skipped, t.promoters) == (2, 1, 2)


def test_booleans_and_wrong_types() -> None:
    # Flags: True = 1.
    assert nps.kpi.rate(pa.array([True, False, True, True])).value == 0.75
    assert nps.kpi.rate(Stream(pa.chunked_array([[True, False], [True, True]]))).value == 0.75
    with pytest.raises(TypeError, match="Arrow type"):
        nps.Tally.from_scores(pa.array(["9", "10"]))
    with pytest.raises(TypeError, match="must be a column"):
        nps.Tally.from_scores(Stream(pa.table({"s": SCORES})))


# Two instants in January and February 2025 (UTC); in Berlin the first is
# already February.
INSTANTS = [dt.datetime(2025, 1, 31, 23, 30, 15), dt.datetime(2025, 2, 3, 8, 0, 0)]
SECONDS = [calendar.timegm(d.timetuple()) for d in INSTANTS]


def timestamp_forms() -> dict[str, Any]:
    forms: dict[str, Any] = {}
    for unit, per in (("s", 1), ("ms", 1_000), ("us", 1_000_000), ("ns", 1_000_000_000)):
        ticks = [s * per for s in SECONDS]
        forms[f"pa_ts_{unit}"] = pa.array(ticks, pa.timestamp(unit))
        forms[f"pa_ts_{unit}_tokyo"] = pa.array(ticks, pa.timestamp(unit, tz="Asia/Tokyo"))
    forms["pa_int64"] = pa.array(SECONDS, pa.int64())
    forms["pa_float64"] = pa.array([s + 0.5 for s in SECONDS], pa.float64())
    forms["pa_chunked"] = pa.chunked_array([[SECONDS[0]], [SECONDS[1]]], pa.timestamp("s"))
    forms["pl_aware"] = pl.Series(INSTANTS).dt.replace_time_zone("UTC").dt.convert_time_zone("Asia/Tokyo")
    forms["pd_arrow"] = pd.Series(pa.array(SECONDS, pa.timestamp("s", tz="UTC")).to_pandas(
        types_mapper=pd.ArrowDtype))
    forms["stream_only"] = Stream(pa.chunked_array([SECONDS], pa.timestamp("ms")).cast(pa.timestamp("ms")))
    return forms


TIMESTAMP_FORMS = timestamp_forms()


@pytest.mark.parametrize("form", list(TIMESTAMP_FORMS), ids=list(TIMESTAMP_FORMS))
def test_timestamp_forms(form: str) -> None:
    ts = TIMESTAMP_FORMS[form]
    if form == "stream_only":
        ts = Stream(pa.chunked_array([[s * 1000 for s in SECONDS]], pa.timestamp("ms")))
    r = nps.group_by(None, [10, 0], timestamps=ts, period="month", min_n=0)
    assert [g.period for g in r] == ["2025-01", "2025-02"]
    berlin = nps.group_by(None, [10, 0], timestamps=ts, period="month", tz="Europe/Berlin", min_n=0)
    assert [g.period for g in berlin] == ["2025-02"]


def test_dates_and_null_timestamps() -> None:
    days = pa.array([dt.date(2024, 12, 30), dt.date(2025, 1, 5)], pa.date32())
    assert [g.period for g in nps.group_by(None, [9, 9], timestamps=days, period="week")] == ["2025-W01"]
    ms64 = pa.array([dt.date(1969, 12, 31), dt.date(1970, 1, 1)], pa.date64())
    assert [g.period for g in nps.group_by(None, [9, 9], timestamps=ms64, period="day")] == ["1969-12-31", "1970-01-01"]
    # Before the epoch, sub-second instants round down (Dec 1969, not Jan 1970).
    ms = pa.array([-1, 0], pa.timestamp("ms"))
    assert [g.period for g in nps.group_by(None, [9, 9], timestamps=ms, period="month")] == ["1969-12", "1970-01"]
    for ts in (pa.array([SECONDS[0], None], pa.timestamp("s")), pa.array([SECONDS[0], None], pa.int64())):
        with pytest.raises(nps.InvalidValueError) as e:
            nps.group_by(None, [9, 9], timestamps=ts, period="day")
        assert e.value.index == 1 and e.value.argument == "timestamps" and "missing" in str(e.value)
        r = nps.group_by(None, [9, 9], timestamps=ts, period="day", invalid="skip")
        assert r.skipped_timestamps == 1 and [g.period for g in r] == ["2025-01-31"]


def key_forms() -> dict[str, Any]:
    forms: dict[str, Any] = {
        "pa_str": pa.array(NAMES),
        "pa_large_str": pa.array(NAMES, pa.large_string()),
        "pa_str_view": pa.array(NAMES, pa.string_view()),
        "pa_chunked": pa.chunked_array([NAMES[:1], NAMES[1:4], NAMES[4:]]),
        "pd_arrow": pd.Series(NAMES, dtype="string[pyarrow]"),
        "pd_arrow_dtype": pd.Series(NAMES, dtype=pd.ArrowDtype(pa.large_string())),
        "pl_str": pl.Series(NAMES),
        "stream_only": Stream(pa.chunked_array([NAMES])),
        "array_only": ArrayCapsule(pa.array(NAMES, pa.string_view())),
    }
    try:
        import nanoarrow as na

        forms["nanoarrow"] = na.c_array(NAMES, na.string())
    except ImportError:  # pragma: no cover - optional producer
        pass
    return forms


KEY_FORMS = key_forms()


@pytest.mark.parametrize("form", list(KEY_FORMS), ids=list(KEY_FORMS))
def test_string_key_forms(form: str) -> None:
    r = nps.group_by(KEY_FORMS[form], SCORES, min_n=0)
    assert [g.key for g in r] == ["a", "b", "c"]  # strings: sorted
    assert {g.key: counts(g.tally) for g in r} == COUNTS
    # Respondent ids from Arrow strings: b's three answers are one respondent.
    ts = list(range(6))
    d = nps.group_by(None, SCORES, timestamps=ts, respondents=KEY_FORMS[form])
    assert d.dropped_repeats == 3 and d.total().n == 3


@pytest.mark.parametrize("typ", [pa.int8(), pa.int32(), pa.int64(), pa.uint8(), pa.uint32(), pa.uint64()],
                         ids=str)
def test_integer_key_forms(typ: Any) -> None:
    keys = pa.array([2, 1, 2, 3, 1, 2], typ)
    r = nps.group_by(keys, SCORES, min_n=0)
    assert [g.key for g in r] == [1, 2, 3]
    assert [counts(g.tally) for g in r] == [COUNTS["a"], COUNTS["b"], COUNTS["c"]]
    assert nps.group_by(pa.array([2.0, 1.0, 2.0, 3.0, 1.0, 2.0]), SCORES)[0].key == 1


@pytest.mark.parametrize(
    "keys",
    [pa.array(["a", None, "b", "c", "a", "b"]), pa.array([1, None, 2, 3, 1, 2]),
     pa.array(["a", None, "b", "c", "a", "b"]).dictionary_encode(),
     pl.Series(["a", None, "b", "c", "a", "b"], dtype=pl.Enum(["c", "b", "a"])),
     Stream(pa.chunked_array([["a", None], ["b", "c", "a", "b"]], pa.string_view()))],
    ids=["pa_str", "pa_int", "pa_dict", "pl_enum", "stream_view"],
)
def test_null_keys(keys: Any) -> None:
    # dropna (default): dropped and counted, in raise and skip mode alike.
    for invalid in ("raise", "skip"):
        r = nps.group_by(keys, SCORES, invalid=invalid)
        assert r.skipped_keys == 1 and r.total().n == 5
    r = nps.group_by(keys, SCORES, dropna=False)
    assert r.skipped_keys == 0 and r.total().n == 6 and r[-1].key is None


def frames() -> dict[str, Any]:
    data = {"dealer": NAMES, "score": SCORES, "at": [SECONDS[0]] * 3 + [SECONDS[1]] * 3}
    table = pa.table(data)
    return {
        "pa_table": table,
        "pl_frame": pl.DataFrame(data),
        "pd_arrow": pd.DataFrame(data).convert_dtypes(dtype_backend="pyarrow"),
        "stream_only": Stream(table),
        # Several record batches: each column comes in several chunks.
        "stream_batches": Stream(pa.Table.from_batches(table.to_batches(max_chunksize=4))),
    }


@pytest.mark.parametrize("form", list(frames()), ids=list(frames()))
def test_frame_forms(form: str) -> None:
    df = frames()[form]
    r = nps.group_by(df, by="dealer", score="score", time="at", period="month", min_n=0)
    # b rows 0, 2 in January, row 5 in February; a rows 1 (Jan), 4 (Feb); c row 3 (Feb).
    assert [(g.key, g.period, g.tally.n) for g in r] == [
        ("a", "2025-01", 1), ("a", "2025-02", 1), ("b", "2025-01", 2), ("b", "2025-02", 1), ("c", "2025-02", 1)]
    assert r.to_dict()["dealer"] == ["a", "a", "b", "b", "c"]
    with pytest.raises(nps.InvalidArgumentError, match="no column"):
        nps.group_by(df, by="nope", score="score")


def test_stream_only_frame_and_columns_without_pyarrow() -> None:
    """pyarrow blocked: polars' stream, wrapped so only ``__arrow_c_stream__``
    shows, is read in Rust, as a table and as columns; results export to
    polars (and DuckDB when installed) without pyarrow."""
    code = textwrap.dedent(
        """
        import sys
        sys.modules["pyarrow"] = None  # import pyarrow now raises ImportError
        import polars as pl
        import nps

        class Stream:
            def __init__(self, inner):
                self._inner = inner
            def __arrow_c_stream__(self, requested_schema=None):
                return self._inner.__arrow_c_stream__(requested_schema)

        df = pl.DataFrame({"dealer": ["b", "a", "b", "c", "a", "b"], "score": [10, 2, 9, 7, 0, 10],
                           "grade": pl.Series(["x", "y", "x", "y", "x", "y"], dtype=pl.Enum(["y", "x"]))})
        r = nps.group_by(Stream(df), by="dealer", score="score", min_n=0)
        assert [(g.key, g.tally.n) for g in r] == [("a", 2), ("b", 3), ("c", 1)], list(r)
        c = nps.group_by(Stream(df["grade"]), Stream(df["score"]), min_n=0)
        assert [g.key for g in c] == ["y", "x"]
        out = pl.DataFrame(r)
        assert out["dealer"].to_list() == ["a", "b", "c"] and out["n"].to_list() == [2, 3, 1]
        enum = c.to_polars()["key"]
        assert enum.dtype == pl.Enum(["y", "x"]), enum.dtype
        assert "pyarrow" not in [m for m in sys.modules if sys.modules[m] is not None]
        try:
            import duckdb
        except ImportError:
            pass
        else:
            assert duckdb.sql("select dealer, n from r order by dealer").fetchall() == [("a", 2), ("b", 3), ("c", 1)]
        print("ok")
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


# --- Out: every grouped result is an Arrow C stream -------------------------------------------


def grouped() -> nps.GroupResult:
    ts = [SECONDS[0]] * 3 + [SECONDS[1]] * 3
    return nps.group_by(pd.DataFrame({"dealer": NAMES, "score": SCORES, "at": ts}),
                        by="dealer", score="score", time="at", period="month", min_n=0)


def test_pyarrow_reads_the_stream() -> None:
    r = grouped()
    t = pa.table(r)
    assert t.schema.field("dealer").type == pa.string()
    assert t.schema.field("period").type == pa.date32()
    assert t.schema.field("n").type == pa.uint64()
    assert t.schema.field("nps").type == pa.float64()
    assert t.schema.field("thin").type == pa.bool_()
    assert t.column("dealer").to_pylist() == ["a", "a", "b", "b", "c"]
    assert t.column("period").to_pylist() == [dt.date(2025, 1, 1), dt.date(2025, 2, 1)] * 2 + [dt.date(2025, 2, 1)]
    assert t.column("n").to_pylist() == [1, 1, 2, 1, 1]
    assert t.to_pydict() == r.to_dict()
    assert r.to_arrow().equals(t)
    assert pa.schema(r) == t.schema
    # The interval options of to_arrow are the caller's.
    wald = r.to_arrow(interval="wald", confidence=0.9)
    assert wald.column("low").to_pylist() == [g.tally.interval("wald", 0.9).low for g in r]


def empty_months() -> nps.GroupResult:
    ts = [1736000000, 1744000000]  # January and April 2025: February and March are empty
    return nps.group_by(None, [10, 0], timestamps=ts, period="month", window=1, min_n=1)


def test_null_statistics_are_arrow_nulls() -> None:
    t = pa.table(empty_months())
    assert t.column("nps").to_pylist() == [100.0, None, None, -100.0]
    assert t.column("nps").null_count == 2 and t.column("n").to_pylist() == [1, 0, 0, 1]
    assert pl.DataFrame(empty_months())["low"].null_count() == 2


def test_polars_reads_the_stream() -> None:
    r = grouped()
    df = pl.DataFrame(r)
    assert df.columns[:3] == ["dealer", "period", "n"]
    assert df.schema["period"] == pl.Date and df.schema["n"] == pl.UInt64
    assert df["nps"].to_list() == r.to_dict()["nps"]
    assert r.to_polars().equals(df)


def test_duckdb_reads_the_stream() -> None:
    duckdb = pytest.importorskip("duckdb")
    r = grouped()
    rows = duckdb.sql("select dealer, sum(n) as n from r group by dealer order by dealer").fetchall()
    assert rows == [("a", 2), ("b", 3), ("c", 1)]


def test_kpi_tables_export_arrow_too() -> None:
    t = nps.kpi.rate([1, 0, 1, 1], by=["a", "a", "b", "b"])
    assert pa.table(t).column("value").to_pylist() == [0.5, 1.0]
    assert pl.DataFrame(t)["value"].to_list() == [0.5, 1.0]
    assert "<th>value</th>" in t._repr_html_()


# --- Categorical order -----------------------------------------------------------------------

CATS = ["c", "a", "b"]  # deliberately not alphabetical


def categorical_forms() -> dict[str, Any]:
    return {
        "pd_categorical": pd.Series(pd.Categorical(NAMES, categories=CATS, ordered=True)),
        "pd_categorical_bare": pd.Categorical(NAMES, categories=CATS, ordered=True),
        "pd_categorical_unordered": pd.Series(pd.Categorical(NAMES, categories=CATS)),
        "pl_enum": pl.Series(NAMES, dtype=pl.Enum(CATS)),
        "pa_dictionary": pa.DictionaryArray.from_arrays(
            pa.array([CATS.index(n) for n in NAMES], pa.int8()), pa.array(CATS)),
        "pa_dictionary_chunks": pa.chunked_array([
            pa.DictionaryArray.from_arrays(pa.array([2, 1], pa.int32()), pa.array(CATS)),
            # Another dictionary in the second chunk: mapped onto the first.
            pa.DictionaryArray.from_arrays(pa.array([0, 1, 2, 0], pa.int32()), pa.array(["b", "c", "a"])),
        ]),
        "stream_dictionary": Stream(pa.chunked_array([pa.DictionaryArray.from_arrays(
            pa.array([CATS.index(n) for n in NAMES], pa.int8()), pa.array(CATS, pa.large_string()))])),
    }


CATEGORICAL_FORMS = categorical_forms()


@pytest.mark.parametrize("form", list(CATEGORICAL_FORMS), ids=list(CATEGORICAL_FORMS))
def test_categorical_order_is_kept(form: str) -> None:
    keys = CATEGORICAL_FORMS[form]
    r = nps.group_by(keys, SCORES, min_n=0)
    assert [g.key for g in r] == CATS  # category order, not sorted
    assert {g.key: counts(g.tally) for g in r} == COUNTS
    assert list(r.tallies) == CATS
    assert r.to_dict()["key"] == CATS
    assert r.to_dict()["nps"] == [NPS_BY_KEY[k] for k in CATS]
    # pandas: a Categorical with the input's categories and order.
    key = r.to_pandas()["key"]
    assert isinstance(key.dtype, pd.CategoricalDtype)
    assert list(key.cat.categories) == CATS and key.tolist() == CATS
    # Ordered as the input: polars marks an Enum ordered.
    ordered = form in ("pd_categorical", "pd_categorical_bare", "pl_enum")
    assert key.cat.ordered == ordered
    # polars: an Enum of the categories.
    assert r.to_polars()["key"].dtype == pl.Enum(CATS)
    # Arrow: a dictionary of the categories.
    col = r.to_arrow().column("key")
    assert pa.types.is_dictionary(col.type)
    assert col.chunk(0).dictionary.to_pylist() == CATS and col.to_pylist() == CATS
    assert col.type.ordered == ordered


def test_categorical_by_period_and_several_keys() -> None:
    grade = pd.Series(pd.Categorical(["lo", "hi", "lo", "hi", "lo", "hi"], categories=["lo", "hi"]))
    r = nps.group_by([pd.Series(NAMES), grade], SCORES, min_n=0)
    # First key sorted (strings), second in category order.
    assert [g.key for g in r] == [("a", "lo"), ("a", "hi"), ("b", "lo"), ("b", "hi"), ("c", "hi")]
    t = r.to_pandas()
    assert t["key_1"].dtype == pd.CategoricalDtype(["lo", "hi"]) and t["key_0"].dtype == object
    df = pd.DataFrame({"band": pd.Categorical(NAMES, categories=CATS), "score": SCORES,
                       "at": [SECONDS[1], SECONDS[0]] * 3})
    p = nps.group_by(df, by="band", score="score", time="at", period="month", min_n=0)
    # By hand: c row 3 (Jan); a rows 1 (Jan), 4 (Feb); b rows 0, 2 (Feb), 5 (Jan).
    assert [(g.key, g.period) for g in p] == [
        ("c", "2025-01"), ("a", "2025-01"), ("a", "2025-02"), ("b", "2025-01"), ("b", "2025-02")]
    assert p.to_pandas()["band"].tolist() == ["c", "a", "a", "b", "b"]


def test_pd_cut_intervals() -> None:
    values = [5, 15, 25, 12, 7, 30]
    bands = pd.cut(pd.Series(values), bins=[0, 10, 20, 30])
    r = nps.group_by(bands, SCORES, min_n=0)
    # By hand: (0, 10] rows 0, 4 -> [10, 0]; (10, 20] rows 1, 3 -> [2, 7]; (20, 30] rows 2, 5 -> [9, 10].
    assert [g.key for g in r] == ["(0, 10]", "(10, 20]", "(20, 30]"]
    assert [counts(g.tally) for g in r] == [(1, 0, 1), (1, 1, 0), (0, 0, 2)]
    key = r.to_pandas()["key"]
    assert list(key.cat.categories) == ["(0, 10]", "(10, 20]", "(20, 30]"] and key.cat.ordered


def test_unobserved_and_missing_categories() -> None:
    cat = pd.Categorical(["b", None, "b", "c", "c", "b"], categories=["d", "c", "b", "a"])
    r = nps.group_by(pd.Series(cat), SCORES, dropna=False, min_n=0)
    assert [g.key for g in r] == ["c", "b", None] and r[2].tally.n == 1
    r = nps.group_by(pd.Series(cat), SCORES, min_n=0)
    assert r.skipped_keys == 1 and [g.key for g in r] == ["c", "b"]
    # The output keeps every category (the dtype), not only those seen.
    assert list(r.to_pandas()["key"].cat.categories) == ["d", "c", "b", "a"]
    assert r.to_arrow().column("key").chunk(0).dictionary.to_pylist() == ["d", "c", "b", "a"]


def test_categorical_result_pickles() -> None:
    r = nps.group_by(CATEGORICAL_FORMS["pd_categorical"], SCORES, min_n=0)
    back = pickle.loads(pickle.dumps(r))
    assert [g.key for g in back] == CATS and back.to_dict() == r.to_dict()
    assert back.to_pandas()["key"].cat.ordered


# --- Notebook display ------------------------------------------------------------------------


def test_repr_html_escapes_and_elides() -> None:
    r = nps.group_by(["<script>alert(1)</script>", "a & b"], [10, 0], min_n=0)
    h = r._repr_html_()
    assert "<script>" not in h and "&lt;script&gt;alert(1)&lt;/script&gt;" in h and "a &amp; b" in h
    assert "<th>key</th>" in h and "<small>str</small>" in h and "<small>float64</small>" in h
    assert "&lt;GroupResult: 2 groups" in h
    many = nps.group_by(list(range(50)), [9] * 50, min_n=0)
    h = many._repr_html_()
    # First ten and last ten rows, the 30 between elided.
    assert "<td>0</td>" in h and "<td>9</td>" in h and "<td>49</td>" in h and "<td>40</td>" in h
    assert "<td>10</td>" not in h and "<td>39</td>" not in h and "30 more rows" in h
    assert empty_months()._repr_html_().count("<i>null</i>") == 2 * 4  # nps, se, low, high of 2 months


# --- In place ---------------------------------------------------------------------------------


MEASURE = textwrap.dedent(
    """
    import sys
    import numpy as np, pyarrow as pa, nps

    def status(field):
        with open("/proc/self/status") as f:
            return next(int(l.split()[1]) * 1024 for l in f if l.startswith(field + ":"))

    n = 10_000_000
    data = np.full(n, 9.0)
    one = pa.array(data)  # a view of the numpy buffer
    assert one.buffers()[1].address == data.ctypes.data
    col = one if sys.argv[1] == "one" else pa.chunked_array([one.slice(0, n // 2), one.slice(n // 2)])
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # resets the peak (VmHWM) to the current RSS
    rss = status("VmRSS")
    assert nps.Tally.from_scores(col).n == n
    print(status("VmHWM") - rss)
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self")
def test_arrow_scores_are_read_in_place() -> None:
    """The peak RSS (VmHWM, reset just before the call) while tallying 10^7
    float64 scores from one pyarrow chunk grows by far less than the column
    (80 MB): it is read in place. The same column in two chunks is
    concatenated (a copy) and grows by about the column, which shows that
    the measure can fail."""
    growth = {}
    for form in ("one", "two"):
        out = subprocess.run([sys.executable, "-c", MEASURE, form], capture_output=True, text=True, timeout=300)
        assert out.returncode == 0, out.stderr
        growth[form] = int(out.stdout)
    column = 80_000_000
    assert growth["one"] < column // 8, growth
    assert growth["two"] > column * 3 // 4, growth


def test_private_docstring_examples_run() -> None:
    """The examples of the Arrow and notebook methods (test_docs runs only
    those of public names)."""
    import doctest

    from nps import _table

    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    docs = {name: getattr(nps.GroupResult, name).__doc__
            for name in ("__arrow_c_stream__", "__arrow_c_schema__", "_repr_html_")}
    docs["_table.to_html"] = _table.to_html.__doc__
    for name, doc in docs.items():
        assert doc and ">>>" in doc, name
        runner.run(parser.get_doctest(doc, {"nps": nps, "np": np, "to_html": _table.to_html}, name, None, 0))
    assert runner.summarize(verbose=False).failed == 0


@pytest.mark.parametrize("form", list(CATEGORICAL_FORMS), ids=list(CATEGORICAL_FORMS))
def test_kpi_tables_keep_categorical_order(form: str) -> None:
    keys = CATEGORICAL_FORMS[form]
    flags = [s >= 9 for s in SCORES]
    # By hand: c has row 3 (7: no); a rows 1, 4 (no, no); b rows 0, 2, 5 (yes, yes, yes).
    expected = {"c": (0.0, 1.0), "a": (0.0, 2.0), "b": (3.0, 3.0)}
    t = nps.kpi.rate(flags, by=keys)
    assert [k for k, _, _ in t] == CATS
    assert {k: (v.numerator, v.denominator) for k, _, v in t} == expected
    key = t.to_pandas()["key"]
    assert isinstance(key.dtype, pd.CategoricalDtype) and list(key.cat.categories) == CATS
    assert key.tolist() == CATS
    # Merging halves and pickling keep the order and the labels.
    half = len(SCORES) // 2
    part = lambda sl: nps.kpi.rate(flags[sl], by=pd.Series(pd.Categorical(
        NAMES[sl], categories=CATS)))
    merged = part(slice(0, half)) + part(slice(half, None))
    assert [(k, v.numerator, v.denominator) for k, _, v in merged] == \
        [(k, *expected[k]) for k in CATS]
    assert pickle.loads(pickle.dumps(t)) == t
    # Time KPIs too.
    tt = nps.kpi.time_kpi(target_seconds=5, seconds=list(range(len(SCORES))), by=keys)
    assert [k for k, _, _ in tt] == CATS
    assert pickle.loads(pickle.dumps(tt)) == tt


def test_kpi_tables_of_other_categories_do_not_merge() -> None:
    a = nps.kpi.rate([True], by=pd.Series(pd.Categorical(["a"], categories=["a", "b"])))
    b = nps.kpi.rate([True], by=pd.Series(pd.Categorical(["a"], categories=["b", "a"])))
    with pytest.raises(nps.InvalidArgumentError, match="categories"):
        a + b


# --- Heat maps keep categorical order ---------------------------------------------------------

# One complaint per row of NAMES, all in "repair", pain 1..6. By hand:
# c = row 3 -> 1 mention, heat 4; a = rows 1, 4 -> 2 mentions, heat 2 + 5 = 7;
# b = rows 0, 2, 5 -> 3 mentions, heat 1 + 3 + 6 = 10.
HEAT_PAIN = [1, 2, 3, 4, 5, 6]
HEAT_BY_KEY = {"c": (1, 4), "a": (2, 7), "b": (3, 10)}


def repair_rows(t: Any) -> dict[str, list[Any]]:
    d = t.to_dict()
    keep = [i for i, s in enumerate(d["stage"]) if s == "repair"]
    return {name: [col[i] for i in keep] for name, col in d.items()}


def key_name(t: Any) -> str:
    (name,) = [c for c in t.to_dict() if c not in ("stage", "column", "mentions", "heat")]
    return name


def heat_map(keys: Any, rows: slice = slice(None)) -> nps.HeatMap:
    n = len(HEAT_PAIN[rows])
    return nps.HeatMap.from_records(["repair"] * n, ["not fixed"] * n, HEAT_PAIN[rows], by=keys)


@pytest.mark.parametrize("form", list(CATEGORICAL_FORMS), ids=list(CATEGORICAL_FORMS))
def test_heat_maps_keep_categorical_order(form: str) -> None:
    keys = CATEGORICAL_FORMS[form]
    t = heat_map(keys).matrix(by="key")
    name = key_name(t)
    rows = repair_rows(t)
    assert rows["column"] == CATS and rows[name] == CATS  # category order, not sorted
    assert [(m, h) for m, h in zip(rows["mentions"], rows["heat"])] == \
        [HEAT_BY_KEY[k] for k in CATS]
    # Every stage lists the columns in category order.
    assert t.to_dict()["column"] == CATS * 6
    ordered = form in ("pd_categorical", "pd_categorical_bare", "pl_enum")
    key = t.to_pandas()[name]
    assert isinstance(key.dtype, pd.CategoricalDtype)
    assert list(key.cat.categories) == CATS and key.tolist() == CATS * 6
    assert key.cat.ordered == ordered
    assert t.to_polars()[name].dtype == pl.Enum(CATS)
    col = t.to_arrow().column(name)
    assert pa.types.is_dictionary(col.type) and col.type.ordered == ordered
    assert col.chunk(0).dictionary.to_pylist() == CATS and col.to_pylist() == CATS * 6
    # Tables pickle with their categories.
    back = pickle.loads(pickle.dumps(t))
    assert back.to_dict() == t.to_dict()
    assert list(back.to_pandas()[name].cat.categories) == CATS


def test_heat_maps_of_categories_merge_and_pickle() -> None:
    cat = lambda sl: pd.Series(pd.Categorical(NAMES[sl], categories=CATS, ordered=True))
    whole = heat_map(cat(slice(None)))
    # Halves see other subsets of the categories (the first half has no c).
    merged = heat_map(cat(slice(0, 3)), slice(0, 3)) + heat_map(cat(slice(3, None)), slice(3, None))
    assert merged == whole
    rows = repair_rows(merged.matrix(by="key"))
    assert rows["column"] == CATS
    assert list(zip(rows["mentions"], rows["heat"])) == [HEAT_BY_KEY[k] for k in CATS]
    back = pickle.loads(pickle.dumps(merged))
    assert back == merged and repair_rows(back.matrix(by="key"))["column"] == CATS
    assert back.matrix(by="key").to_pandas()["key"].cat.ordered


def test_heat_maps_of_other_categories_do_not_merge() -> None:
    a = heat_map(pd.Series(pd.Categorical(["a"], categories=["a", "b"])), slice(0, 1))
    b = heat_map(pd.Series(pd.Categorical(["a"], categories=["b", "a"])), slice(0, 1))
    with pytest.raises(nps.InvalidArgumentError, match="categories"):
        a + b
    # Text keys and categorical keys do not mix either.
    with pytest.raises(nps.InvalidArgumentError):
        a + heat_map(["a"], slice(0, 1))


def test_heat_map_dataframe_categorical_and_pd_cut() -> None:
    values = [5, 15, 25, 12, 7, 30]
    df = pd.DataFrame({"stage": ["repair"] * 6, "point": ["x"] * 6, "pain": HEAT_PAIN,
                       "band": pd.cut(pd.Series(values), bins=[0, 10, 20, 30])})
    m = nps.HeatMap.from_records(df, stage="stage", points="point", pain="pain", by="band")
    rows = repair_rows(m.matrix(by="key"))
    # By hand: (0, 10] rows 0, 4 -> pain 1 + 5; (10, 20] rows 1, 3 -> 2 + 4; (20, 30] rows 2, 5 -> 3 + 6.
    assert rows["band"] == ["(0, 10]", "(10, 20]", "(20, 30]"]
    assert rows["heat"] == [6, 6, 9]
    assert m.matrix(by="key").to_pandas()["band"].cat.ordered
    # Two key columns: the categorical one in category order, its labels in the column text.
    frame = pl.DataFrame({"stage": ["repair"] * 6, "point": ["x"] * 6, "pain": HEAT_PAIN,
                          "dealer": NAMES,
                          "grade": pl.Series(["lo", "hi", "lo", "hi", "lo", "hi"],
                                             dtype=pl.Enum(["lo", "hi"]))})
    m2 = nps.HeatMap.from_records(frame, stage="stage", points="point", pain="pain",
                                  by=["dealer", "grade"])
    rows = repair_rows(m2.matrix(by="key"))
    # By hand: a rows 1 (hi), 4 (lo); b rows 0, 2 (lo), 5 (hi); c row 3 (hi).
    assert rows["column"] == ["a | lo", "a | hi", "b | lo", "b | hi", "c | hi"]
    assert rows["heat"] == [5, 2, 4, 6, 4]
    assert m2.matrix(by="key").to_polars()["grade"].dtype == pl.Enum(["lo", "hi"])
