"""Heat maps and KPI tables as partial results, and their DataFrame form.

- Merging: the results of any split of the input, merged in any tree
  (``a.merge(b)``, ``a + b``, ``sum``), equal the result of one pass over the
  whole input (hypothesis); the quantiles of merged time tables equal
  numpy's percentiles (an independent oracle); first-time-fix tables merge
  only when the input was partitioned by vehicle.
- Pickling: every result round-trips exactly; a tampered state raises
  ``nps.InvalidArgumentError``.
- The DataFrame form (pandas, polars, pyarrow) gives the results of the
  array form, with key columns named after the input columns.
"""

from __future__ import annotations

import functools
import pickle
from typing import Any, Callable

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nps
from nps import kpi

DAY = 86_400
BASE = 1_735_000_000  # 2024-12-24
STAGES = ["appointment", "reception", "diagnosis", "repair", "delivery", "follow_up"]


def split(n: int, cuts: list[int], empty: bool) -> list[slice]:
    """Slices of ``range(n)`` cut at ``cuts`` (positions modulo ``n + 1``);
    repeated cuts give empty parts when ``empty``, else every part has rows."""
    pos = [c % (n + 1) for c in cuts]
    at = sorted([0, n, *pos]) if empty else sorted({0, n, *pos})
    return [slice(a, b) for a, b in zip(at, at[1:])]


def tree(parts: list[Any], choices: list[int], merge: Callable[[Any, Any], Any]) -> Any:
    """Merges ``parts`` in order as a binary tree whose shape ``choices`` picks."""
    it = iter(choices * (len(parts) + 1) or [0] * (len(parts) + 1))

    def go(xs: list[Any]) -> Any:
        if len(xs) == 1:
            return xs[0]
        k = 1 + next(it) % (len(xs) - 1)
        return merge(go(xs[:k]), go(xs[k:]))

    return go(parts)


def roundtrip(x: Any) -> Any:
    return pickle.loads(pickle.dumps(x))


# ---- heat maps ----

records = st.lists(
    st.tuples(
        st.sampled_from(STAGES),
        st.integers(0, 3),  # point
        st.integers(1, 10),  # pain
        st.sampled_from(["D1", "D2", "D3"]),
        st.integers(0, 2),  # advisor
        st.integers(0, 400),  # day offset
    ),
    min_size=1,
    max_size=40,
)


def heat_map(rows: list[tuple[Any, ...]], dims: int) -> nps.HeatMap:
    stages = [r[0] for r in rows]
    points = [f"point {r[1]}" for r in rows]
    pain = np.array([r[2] for r in rows], dtype=np.int64)
    by: Any = None
    if dims == 1:
        by = pd.Series([r[3] for r in rows], name="dealer")
    elif dims == 2:
        by = [pd.Series([r[3] for r in rows], name="dealer"),
              pd.Series(np.array([r[4] for r in rows], dtype=np.uint32), name="advisor")]
    at = np.array([BASE + r[5] * DAY for r in rows]) if dims >= 2 else None
    return nps.HeatMap.from_records(stages, points, pain, by=by, at=at, tz="Asia/Shanghai")


def heat_tables(m: nps.HeatMap) -> list[dict[str, list[Any]]]:
    out = [m.ranked().to_dict(), m.by_stage().to_dict()]
    for by in ("key", "period"):
        try:
            out.append(m.matrix(by=by).to_dict())
        except nps.InvalidArgumentError:
            out.append({})
    return out


@settings(max_examples=60, deadline=None)
@given(rows=records, dims=st.integers(0, 3), cuts=st.lists(st.integers(0, 50), max_size=4),
       choices=st.lists(st.integers(0, 50), max_size=6))
def test_heat_maps_merge_exactly(rows, dims, cuts, choices) -> None:
    whole = heat_map(rows, dims)
    parts = [heat_map(rows[s], dims) for s in split(len(rows), cuts, empty=False)]
    merged = tree(parts, choices, lambda a, b: a + b)
    assert merged == whole
    assert heat_tables(merged) == heat_tables(whole)
    assert sum(parts) == whole
    # Oracle: the total heat is the sum of the pain indexes.
    assert merged.total_heat == sum(r[2] for r in rows)
    again = roundtrip(whole)
    assert again == whole and heat_tables(again) == heat_tables(whole)


def test_heat_map_merge_errors_and_pickle() -> None:
    a = nps.HeatMap.from_records(["repair"], ["x"], [3], by=["D1"])
    b = nps.HeatMap.from_records(["repair"], ["x"], [3])
    with pytest.raises(nps.InvalidArgumentError) as info:
        a.merge(b)
    assert info.value.argument == "other"
    with pytest.raises(nps.InvalidArgumentError):
        a + nps.HeatMap.from_records(["repair"], ["x"], [3], by=[1])  # int vs str keys
    with pytest.raises(TypeError):
        a + 1  # type: ignore[operator]
    named = nps.HeatMap.from_records(["repair"], ["x"], [3], by=pd.Series(["D1"], name="dealer"))
    other = nps.HeatMap.from_records(["repair"], ["x"], [3], by=pd.Series(["D2"], name="branch"))
    with pytest.raises(nps.InvalidArgumentError, match="named"):
        named + other
    # A tampered state is an InvalidArgumentError naming `state`.
    fn, (state,) = a.__reduce__()
    for bad in (state[: len(state) // 2], state.replace(b'"heat":3', b'"heat":31'),
                state.replace(b'"nps.HeatMap"', b'"nps.kpi.KpiTable"')):
        with pytest.raises(nps.InvalidArgumentError) as info:
            fn(bad)
        assert info.value.argument == "state"
    t = a.matrix(by="key")
    t2 = roundtrip(t)
    assert t2.kind == "matrix" and t2.to_dict() == t.to_dict() and len(t2) == len(t)
    assert t2.to_pandas().equals(t.to_pandas())


# ---- rate tables ----

rate_rows = st.lists(
    st.tuples(st.booleans(), st.booleans(), st.sampled_from(["a", "b", "c"]), st.integers(0, 200),
              st.integers(1, 5)),
    max_size=40,
)


def rate_table(rows: list[tuple[Any, ...]], by_period: bool) -> kpi.KpiTable:
    group: dict[str, Any] = {"by": pd.Series([r[2] for r in rows], name="dealer", dtype=object)}
    if by_period:
        group.update(timestamps=np.array([BASE + r[3] * DAY for r in rows], dtype=np.int64),
                     period="month", tz="Asia/Shanghai")
    return kpi.rate(np.array([r[0] for r in rows], dtype=bool),
                    eligible=np.array([r[1] for r in rows], dtype=bool), **group)


@settings(max_examples=60, deadline=None)
@given(rows=rate_rows, by_period=st.booleans(), cuts=st.lists(st.integers(0, 50), max_size=4),
       choices=st.lists(st.integers(0, 50), max_size=6))
def test_rate_tables_merge_exactly(rows, by_period, cuts, choices) -> None:
    whole = rate_table(rows, by_period)
    parts = [rate_table(rows[s], by_period) for s in split(len(rows), cuts, empty=True)]
    merged = tree(parts, choices, lambda a, b: a.merge(b))
    assert merged == whole
    assert merged.to_dict() == whole.to_dict()
    assert sum(parts) == whole
    # Oracle: the overall counts.
    assert merged.numerator == sum(1 for r in rows if r[0] and r[1])
    assert merged.denominator == sum(1 for r in rows if r[1])
    assert roundtrip(whole) == whole
    assert roundtrip(whole.overall) == whole.overall


@settings(max_examples=40, deadline=None)
@given(rows=rate_rows, cut=st.integers(0, 50))
def test_csat_tables_merge_exactly(rows, cut) -> None:
    def table(rs):
        return kpi.csat([r[4] for r in rs], by=[r[2] for r in rs], satisfied_min=4)

    k = cut % (len(rows) + 1)
    assert table(rows[:k]) + table(rows[k:]) == table(rows)


follow_rows = st.lists(
    st.tuples(st.integers(0, 12 * DAY), st.one_of(st.none(), st.integers(-DAY, 12 * DAY)),
              st.booleans(), st.sampled_from(["D1", "D2"])),
    max_size=40)


@settings(max_examples=60, deadline=None)
@given(rows=follow_rows, earliest=st.integers(0, 8), span=st.integers(0, 8),
       cuts=st.lists(st.integers(0, 50), max_size=4))
def test_follow_up_tables_merge_exactly(rows, earliest, span, cuts) -> None:
    """The follow-up window and the exclusion column: any split sums to the
    one-pass table, pickles exactly, and counts what the rule says."""
    def table(rs):
        return kpi.follow_up_completion_rate(
            [BASE + r[0] for r in rs], [None if r[1] is None else BASE + r[0] + r[1] for r in rs],
            excluded=[r[2] for r in rs], by=[r[3] for r in rs], earliest_days=earliest,
            latest_days=earliest + span)

    whole = table(rows)
    assert sum(table(rows[s]) for s in split(len(rows), cuts, empty=True)) == whole
    assert roundtrip(whole) == whole
    due = [r for r in rows if not r[2]]
    lo, hi = earliest * DAY, (earliest + span) * DAY
    assert whole.denominator == len(due)
    assert whole.numerator == sum(1 for r in due if r[1] is not None and lo <= r[1] <= hi)


# ---- time tables ----


@settings(max_examples=60, deadline=None)
@given(secs=st.lists(st.integers(0, 3_000), max_size=50),
       keys=st.lists(st.integers(0, 2), min_size=50, max_size=50),
       cuts=st.lists(st.integers(0, 60), max_size=4),
       choices=st.lists(st.integers(0, 50), max_size=6), target=st.integers(0, 3_000))
def test_time_tables_merge_exactly(secs, keys, cuts, choices, target) -> None:
    keys = keys[: len(secs)]

    def table(s: slice) -> kpi.TimeTable:
        return kpi.time_kpi(target_seconds=target, seconds=np.array(secs[s], dtype=np.int64),
                            by=np.array(keys[s], dtype=np.uint32))

    whole = table(slice(0, len(secs)))
    parts = [table(s) for s in split(len(secs), cuts, empty=True)]
    merged = tree(parts, choices, lambda a, b: a + b)
    assert merged == whole
    assert merged.to_dict() == whole.to_dict()
    assert roundtrip(whole) == whole
    assert roundtrip(whole.overall) == whole.overall
    if secs:  # numpy's linear interpolation, the documented definition
        assert merged.overall.median == np.percentile(secs, 50)
        assert merged.overall.p90 == pytest.approx(np.percentile(secs, 90), rel=1e-12)
    else:
        assert merged.overall.median is None


def test_time_tables_of_other_targets_do_not_merge() -> None:
    a = kpi.time_kpi(target_seconds=180, seconds=[60])
    b = kpi.time_kpi(target_seconds=900, seconds=[60])
    with pytest.raises(nps.InvalidArgumentError, match="target_seconds") as info:
        a + b
    assert info.value.argument == "other"
    c = kpi.time_kpi(target_seconds=180, seconds=[60], by=["x"], )
    with pytest.raises(nps.InvalidArgumentError, match="type"):
        a + c  # no key column here, a key column there


# ---- first-time fix ----

jobs = st.lists(
    st.tuples(st.integers(0, 5), st.integers(0, 120 * DAY), st.integers(0, 3 * DAY),
              st.sampled_from(["D1", "D2"])),
    min_size=1,
    max_size=30,
)


def ftfr(rows: list[tuple[Any, ...]], window: int) -> kpi.KpiTable:
    opened = np.array([BASE + r[1] for r in rows], dtype=np.int64)
    closed = opened + np.array([r[2] for r in rows], dtype=np.int64)
    return kpi.first_time_fix_rate([f"V{r[0]}" for r in rows], opened, closed,
                                   window_days=window, by=[r[3] for r in rows])


@settings(max_examples=60, deadline=None)
@given(rows=jobs, part_of=st.lists(st.integers(0, 2), min_size=6, max_size=6),
       choices=st.lists(st.integers(0, 50), max_size=6), window=st.integers(0, 40))
def test_ftfr_merges_when_partitioned_by_vehicle(rows, part_of, choices, window) -> None:
    parts_rows = [[r for r in rows if part_of[r[0]] == p] for p in range(3)]
    whole = ftfr([r for p in parts_rows for r in p], window)
    merged = tree([ftfr(p, window) for p in parts_rows], choices, lambda a, b: a + b)
    assert merged == whole
    assert roundtrip(whole) == whole
    # Halves that share a vehicle do not merge.
    first, rest = rows[::2], rows[1::2]
    shared = {r[0] for r in first} & {r[0] for r in rest}
    if shared:
        with pytest.raises(nps.InvalidArgumentError, match="partitioned by vehicle") as info:
            ftfr(first, window) + ftfr(rest, window)
        assert info.value.argument == "other"
    else:
        assert ftfr(first, window) + ftfr(rest, window) == ftfr(first + rest, window)


def test_tables_of_other_options_do_not_merge() -> None:
    with pytest.raises(nps.InvalidArgumentError, match="satisfied_min"):
        kpi.csat([5], satisfied_min=4) + kpi.csat([5], satisfied_min=3)
    with pytest.raises(nps.InvalidArgumentError, match="csat"):
        kpi.csat([5]) + kpi.rate([1])
    with pytest.raises(nps.InvalidArgumentError, match="window_seconds"):
        ftfr([(0, 0, 0, "D1")], 30) + ftfr([(1, 0, 0, "D1")], 7)
    with pytest.raises(nps.InvalidArgumentError, match="latest_seconds"):
        kpi.follow_up_completion_rate([0], [DAY]) + kpi.follow_up_completion_rate(
            [0], [DAY], latest_days=8)
    both = kpi.follow_up_completion_rate([0], [4 * DAY], excluded=[False]) + \
        kpi.follow_up_completion_rate([0], [4 * DAY], excluded=[True])
    assert (both.numerator, both.denominator, both.coverage) == (1, 1, 0.5)
    ts = [BASE]
    with pytest.raises(nps.InvalidArgumentError, match="Asia/Tokyo"):
        (kpi.rate([1], timestamps=ts, period="month")
         + kpi.rate([1], timestamps=ts, period="month", tz="Asia/Tokyo"))
    with pytest.raises(TypeError):
        kpi.rate([1]) + kpi.time_kpi(target_seconds=1, seconds=[1])  # type: ignore[operator]


def test_kpi_pickles_and_tampered_states() -> None:
    t = kpi.rate([1, 0, 1], by=np.array([7, 7, 9], dtype=np.uint32))
    again = roundtrip(t)
    assert again == t and again.to_dict()["key"] == [7, 9]
    assert again.to_arrow().schema.field("key").type == pa.uint64()  # unsigned stays unsigned
    fn, (state,) = t.__reduce__()
    for bad in (state[:-3], state.replace(b'"numerator":1', b'"numerator":5'),
                state.replace(b'"nps.kpi.KpiTable"', b'"nps.kpi.TimeTable"')):
        with pytest.raises(nps.InvalidArgumentError) as info:
            fn(bad)
        assert info.value.argument == "state"
    tt = kpi.time_kpi(target_seconds=10, seconds=[5, 5, 20])
    fn, (state,) = tt.__reduce__()
    with pytest.raises(nps.InvalidArgumentError):
        fn(state.replace(b"[5,2]", b"[5,0]"))
    cat = kpi.SrtCatalog({"OIL": 0.5})
    assert roundtrip(cat) == cat
    k = kpi.rate([1, 0]).overall
    fn, (state,) = k.__reduce__()
    with pytest.raises(nps.InvalidArgumentError):
        fn(state.replace(b"0.5", b"0.7"))
    figs = kpi.technician_figures([7.2], 8.0, srt_hours=[9.0])
    assert roundtrip(figs) == figs
    line = kpi.scorecard({"csat": kpi.csat([5])})[0]
    assert roundtrip(line) == line


# ---- the DataFrame form ----

FRAMES = {
    "pandas": lambda d: pd.DataFrame(d),
    "polars": lambda d: pl.DataFrame(d),
    "pyarrow": lambda d: pa.table(d),
}


@pytest.mark.parametrize("make", FRAMES.values(), ids=FRAMES.keys())
def test_heat_map_dataframe_form(make) -> None:
    d = {
        "stage": ["reception", "reception", "repair", "delivery"],
        "complaint": ["queue", "queue", "not fixed", "slow"],
        "pain": [9, 7, 10, 3],
        "dealer": ["D1", "D2", "D1", "D1"],
        "advisor": [2, 1, 2, 1],
        "at": [BASE, BASE, BASE + 40 * DAY, BASE + 40 * DAY],
    }
    df = make(d)
    m = nps.HeatMap.from_records(df, stage="stage", points="complaint", pain="pain",
                                 by=["dealer", "advisor"], time="at", tz="Asia/Shanghai")
    want = nps.HeatMap.from_records(d["stage"], d["complaint"], d["pain"],
                                    by=[d["dealer"], d["advisor"]], at=d["at"],
                                    tz="Asia/Shanghai")
    assert m.ranked().to_dict() == want.ranked().to_dict()
    mx = m.matrix(by="key").to_dict()
    assert list(mx)[:4] == ["stage", "column", "dealer", "advisor"]
    assert mx["column"][:3] == ["D1 | 1", "D1 | 2", "D2 | 1"]
    assert mx["dealer"][:3] == ["D1", "D1", "D2"] and mx["advisor"][:3] == [1, 2, 1]
    per = m.matrix(by="period").to_pandas()
    assert str(per["period"].dtype).startswith("datetime64")
    assert m.matrix(by="key").to_polars()["advisor"].dtype in (pl.Int64, pl.UInt64)
    rows = nps.HeatMap.from_rows(df, stage="stage", points="complaint", mentions="pain", pain="pain")
    assert rows.total_heat == 81 + 49 + 100 + 9
    with pytest.raises(nps.InvalidArgumentError, match="no column"):
        nps.HeatMap.from_records(df, stage="stage", points="nope", pain="pain")
    with pytest.raises(nps.InvalidArgumentError, match="stage"):
        nps.HeatMap.from_records(df, points="complaint", pain="pain")


@pytest.mark.parametrize("make", FRAMES.values(), ids=FRAMES.keys())
def test_kpi_dataframe_form(make) -> None:
    d = {
        "vin": ["V1", "V2", "V1", "V3"],
        "opened": [BASE, BASE, BASE + 10 * DAY, BASE],
        "closed": [BASE + DAY, BASE + DAY, BASE + 11 * DAY, BASE + DAY],
        "dealer": ["D1", "D2", "D1", "D2"],
        "kept": [True, False, True, True],
        "stars": [5.0, 2.0, 4.0, 3.0],
        "wait": [60, 240, 90, 30],
        "promised": [BASE + DAY, BASE, BASE + 11 * DAY, BASE + DAY],
    }
    df = make(d)
    t = kpi.first_time_fix_rate(df, vehicle="vin", opened="opened", closed="closed", by="dealer",
                                time="opened", period="month")
    want = kpi.first_time_fix_rate(d["vin"], d["opened"], d["closed"], by=d["dealer"],
                                   timestamps=d["opened"], period="month")
    assert t.to_dict()["value"] == want.to_dict()["value"]
    assert list(t.to_dict())[:2] == ["dealer", "period"]
    assert kpi.comeback_rate(df, vehicle="vin", opened="opened", closed="closed").numerator == 1.0
    assert kpi.job_outcomes(df, vehicle="vin", opened="opened", closed="closed") == \
        kpi.job_outcomes(d["vin"], d["opened"], d["closed"])
    assert kpi.repeat_complaint_rate(df, subject="vin", raised="opened", closed="closed").numerator == 1.0
    r = kpi.rate(df, flag="kept", by="dealer")
    assert r.to_dict() == {**kpi.rate(d["kept"], by=pd.Series(d["dealer"], name="dealer")).to_dict()}
    assert kpi.appointment_fulfillment_rate(df, flag="kept").value == 0.75
    assert kpi.pre_service_inspection_rate(df, flag="kept").value == 0.75
    assert kpi.repeat_visit_rate(df, flag="kept").value == 0.75
    assert kpi.first_contact_resolution_rate(df, flag="kept", resolved="kept").value == 1.0
    c = kpi.csat(df, rating="stars", by=["dealer", "vin"])
    assert list(c.to_dict())[:2] == ["dealer", "vin"]
    assert c.value == 0.5
    assert kpi.ready_when_promised(df, delivery="closed", promised="promised").value == 0.75
    # Calls one day after the service: too early for the default 3-7 days.
    assert kpi.follow_up_completion_rate(df, end="opened", follow_up="closed").value == 0.0
    fu = kpi.follow_up_completion_rate(df, end="opened", follow_up="closed", earliest_days=1,
                                       excluded="kept", by="dealer")
    assert (fu.value, fu.coverage) == (1.0, 0.25)  # only the row not kept is due
    assert fu.to_dict()["dealer"] == ["D1", "D2"] and fu.to_dict()["value"][0] is None
    tt = kpi.time_kpi(df, target_seconds=100, seconds="wait", by="dealer")
    assert tt.to_dict()["dealer"] == ["D1", "D2"] and tt.overall.median == 75.0
    assert kpi.reception_response_time(df, start="opened", end="closed").overall.n == 4
    assert kpi.delivery_time(df, start="opened", end="closed", target_seconds=DAY).value == 1.0
    assert kpi.time_kpi(df, target_seconds=DAY, start="opened", end="closed").value == 1.0
    assert kpi.hours_per_ro(df, worked="stars", basis="worked").value == 3.5
    assert kpi.service_revenue_per_engineer(df, 2, revenue="wait").value == 210.0
    labour = kpi.effective_labour_rate(make({"s": [100, 300], "h": [1.0, 1.0],
                                             "p": ["customer", "warranty"]}),
                                        sales="s", hours_sold="h", pay_types="p")
    assert labour["all"].value == 200.0 and labour["warranty"].value == 300.0
    figs = kpi.technician_figures(make({"w": [4.0, 2.0], "srt": [5.0, 1.0], "tech": ["a", "b"]}),
                                  make({"h": [8.0, 4.0], "tech": ["a", "b"]}),
                                  worked="w", srt_hours="srt", technicians="tech", available="h")
    assert [f.key for f in figs] == ["a", "b"] and figs[0].productivity.value == 0.5
    # Errors name the argument.
    with pytest.raises(nps.InvalidArgumentError, match="no column") as info:
        kpi.csat(df, rating="nope")
    assert info.value.argument == "rating"
    with pytest.raises(nps.InvalidArgumentError, match="needs rating=") as info:
        kpi.csat(df)
    assert info.value.argument == "rating"
    with pytest.raises(nps.InvalidArgumentError, match="time="):
        kpi.csat(df, rating="stars", timestamps=d["opened"], period="month")
    with pytest.raises(nps.InvalidArgumentError, match="DataFrame"):
        kpi.csat(d["stars"], rating="stars")


class Stream:
    """An object exporting nothing but an Arrow stream (a table or a column)."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        return self._inner.__arrow_c_stream__(requested_schema)


def test_a_bare_stream_is_a_table_when_its_column_is_named() -> None:
    table = pa.table({"stars": [5, 2, 4], "dealer": ["a", "b", "a"]})
    t = kpi.csat(Stream(table), rating="stars", by="dealer")
    assert t.to_dict()["dealer"] == ["a", "b"] and t.value == 2 / 3
    # Without the name, the stream is the column itself.
    assert kpi.csat(Stream(pa.chunked_array([[5, 2], [4]]))).value == 2 / 3
    m = nps.HeatMap.from_records(Stream(pa.table({"s": ["repair"], "p": ["x"], "pain": [4]})),
                                 stage="s", points="p", pain="pain")
    assert m.total_heat == 4


def test_dataframe_tables_merge_across_partitions() -> None:
    df = pd.DataFrame({"dealer": ["D1", "D2", "D1", "D2", "D1"], "stars": [5, 2, 4, 3, 1]})
    whole = kpi.csat(df, rating="stars", by="dealer")
    parts = [kpi.csat(df.iloc[i:i + 2], rating="stars", by="dealer") for i in range(0, 5, 2)]
    assert functools.reduce(lambda a, b: a + b, parts) == whole
    assert sum(parts).to_pandas().equals(whole.to_pandas())
    assert list(roundtrip(whole).to_pandas().columns)[0] == "dealer"


def test_dask_partitions_merge_to_the_one_machine_result() -> None:
    dask = pytest.importorskip("dask")
    dd = pytest.importorskip("dask.dataframe")
    df = pd.DataFrame({
        "stage": ["reception", "repair", "reception", "delivery", "repair", "reception"],
        "complaint": ["queue", "not fixed", "queue", "slow", "not fixed", "rude"],
        "pain": [9, 10, 7, 3, 8, 6],
        "dealer": ["D1", "D2", "D1", "D1", "D2", "D2"],
        "wait": [60, 240, 90, 30, 600, 120],
    })
    ddf = dd.from_pandas(df, npartitions=3)
    parts = ddf.to_delayed()

    def heat(p: pd.DataFrame) -> nps.HeatMap:
        return nps.HeatMap.from_records(p, stage="stage", points="complaint", pain="pain",
                                        by="dealer")

    def waits(p: pd.DataFrame) -> kpi.TimeTable:
        return kpi.time_kpi(p, target_seconds=180, seconds="wait", by="dealer")

    m = nps.dask.reduce_tree([dask.delayed(heat)(p) for p in parts]).compute()
    assert m == heat(df)
    t = nps.dask.reduce_tree([dask.delayed(waits)(p) for p in parts], split_every=2).compute()
    assert t == waits(df) and t.to_dict()["median"] == waits(df).to_dict()["median"]
