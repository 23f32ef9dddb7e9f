"""Heat maps from records whatever form the columns take: lists, numpy,
pandas (object, Categorical, Arrow-backed strings), polars (String,
Categorical, Enum), pyarrow (string, large_string, string_view,
dictionary, chunked) and DataFrames. Every form gives the map of plain
lists, which gives the sums written out here (the oracle); bad input
names its column and row in every form.
"""

from __future__ import annotations

import datetime as dt
import struct
from collections import defaultdict
from typing import Any, Callable

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nps

STAGES = ["appointment", "reception", "diagnosis", "repair", "delivery", "follow_up"]
# Short texts (held in an Arrow view), long ones, non-ASCII ones.
POINTS = ["q", "queue", "no progress update", "报价不透明", "a much longer description of a pain",
          "é", "not fixed after the repair"]
DEALERS = ["D1", "D02", "dealer 3", "东"]
T0 = 1_735_689_600  # 2025-01-01T00:00Z


def chunked(values: list[Any], kind: pa.DataType) -> pa.ChunkedArray:
    half = len(values) // 2
    return pa.chunked_array([pa.array(values[:half], kind), pa.array(values[half:], kind)],
                            type=kind)


# Each form of a text column: (name, converter).
TEXT_FORMS: list[tuple[str, Callable[[list[str]], Any]]] = [
    ("list", list),
    ("numpy object", lambda v: np.array(v, dtype=object)),
    ("numpy unicode", lambda v: np.array(v, dtype=str)),
    ("pandas object", lambda v: pd.Series(v, dtype=object)),
    ("pandas categorical", lambda v: pd.Series(pd.Categorical(v))),
    ("pandas categorical, unused categories",
     lambda v: pd.Series(pd.Categorical(
         v, categories=sorted({x for x in v if x is not None}) + ["zzz unused"]))),
    ("pandas string[pyarrow]", lambda v: pd.Series(v, dtype="string[pyarrow]")),
    ("polars string", lambda v: pl.Series(v, dtype=pl.String)),
    ("polars categorical", lambda v: pl.Series(v, dtype=pl.Categorical)),
    ("polars enum", lambda v: pl.Series(v, dtype=pl.Enum(sorted(set(v))))),
    ("arrow string", lambda v: pa.array(v, pa.string())),
    ("arrow large_string", lambda v: pa.array(v, pa.large_string())),
    ("arrow string_view", lambda v: pa.array(v, pa.string_view())),
    ("arrow dictionary", lambda v: pa.array(v, pa.string()).dictionary_encode()),
    ("arrow chunked string_view", lambda v: chunked(v, pa.string_view())),
    ("arrow chunked dictionary",
     lambda v: pa.chunked_array([pa.array(v[:len(v) // 2], pa.string()).dictionary_encode(),
                                 pa.array(v[len(v) // 2:], pa.string()).dictionary_encode()])),
]
# Key columns compared with lists: string forms without categories (a
# categorical key keeps its category order, tested in test_heat.py).
KEY_FORMS = [f for f in TEXT_FORMS if "categorical" not in f[0] and "enum" not in f[0]
             and "dictionary" not in f[0]]


def canon(m: nps.HeatMap) -> tuple[Any, ...]:
    """The ranking and both matrices (not the name of the key column,
    which a DataFrame gives)."""
    key, per = m.matrix(by="key").to_dict(), m.matrix(by="period").to_dict()
    return (m.ranked().to_dict(), [key[c] for c in ("stage", "column", "mentions", "heat")],
            [per[c] for c in ("stage", "column", "period", "mentions", "heat")])


records = st.integers(1, 60).flatmap(lambda n: st.tuples(
    st.lists(st.sampled_from(STAGES), min_size=n, max_size=n),
    st.lists(st.sampled_from(POINTS), min_size=n, max_size=n),
    st.lists(st.integers(1, 10), min_size=n, max_size=n),
    st.lists(st.sampled_from(DEALERS), min_size=n, max_size=n),
    st.lists(st.integers(0, 400 * 86_400), min_size=n, max_size=n),
))


@settings(max_examples=40, deadline=None)
@given(records, st.sampled_from(TEXT_FORMS), st.sampled_from(TEXT_FORMS),
       st.sampled_from(KEY_FORMS), st.sampled_from(["uint8", "int64", "float64"]))
def test_every_form_is_the_map_of_lists(rec: tuple[list[Any], ...], stage_form: Any,
                                        point_form: Any, key_form: Any, pain_dtype: str) -> None:
    stages, points, pain, dealers, secs = rec
    ts = [T0 + s for s in secs]
    want = nps.HeatMap.from_records(stages, points, pain, by=dealers, at=ts)
    # The lists' map is the straightforward sums.
    sums: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    cells: dict[tuple[str, str], int] = defaultdict(int)
    months: dict[tuple[str, str], int] = defaultdict(int)
    for s, p, q, d, t in zip(stages, points, pain, dealers, ts):
        sums[(s, p)][0] += 1
        sums[(s, p)][1] += q
        cells[(s, d)] += q
        month = dt.datetime.fromtimestamp(t, dt.timezone.utc).strftime("%Y-%m")
        months[(s, month)] += q
    r = want.ranked().to_dict()
    assert {(s, p): [m, h] for s, p, m, h in zip(r["stage"], r["point"], r["mentions"],
                                                r["heat"])} == sums
    k = want.matrix(by="key").to_dict()
    assert {(s, c): h for s, c, h in zip(k["stage"], k["column"], k["heat"]) if h} == cells
    per = want.matrix(by="period").to_dict()
    assert {(s, c): h for s, c, h in zip(per["stage"], per["column"], per["heat"]) if h} == months
    # Every other form: the same map.
    got = nps.HeatMap.from_records(
        stage_form[1](stages), point_form[1](points), np.array(pain, dtype=pain_dtype),
        by=key_form[1](dealers), at=np.array(ts, dtype=np.int64))
    assert canon(got) == canon(want)
    # And as DataFrames.
    cols = {"stage": stages, "point": points, "pain": pain, "dealer": dealers, "ts": ts}
    for df in (pl.DataFrame(cols).with_columns(pl.col("stage").cast(pl.Categorical)),
               pd.DataFrame(cols).astype({"point": "category"}),
               pa.table({**cols, "point": pa.array(points, pa.string_view())})):
        got = nps.HeatMap.from_records(df, stage="stage", points="point", pain="pain",
                                       by="dealer", time="ts")
        assert canon(got) == canon(want)


@pytest.mark.parametrize("form", TEXT_FORMS, ids=[f[0] for f in TEXT_FORMS])
def test_bad_input_names_column_and_row_in_every_form(form: Any) -> None:
    n = 3000
    stages = [STAGES[i % 6] for i in range(n)]
    points = [POINTS[i % 7] for i in range(n)]
    pain = [1 + i % 10 for i in range(n)]
    to = form[1]
    bad = list(stages)
    bad[2500] = "billing"
    with pytest.raises(nps.InvalidValueError, match="billing") as info:
        nps.HeatMap.from_records(to(bad), to(points), pain)
    assert (info.value.argument, info.value.index) == ("stages", 2500)
    blank = list(points)
    blank[1700] = "   "
    with pytest.raises(nps.InvalidValueError) as info:
        nps.HeatMap.from_records(to(bad), to(blank), pain)
    assert (info.value.argument, info.value.index) == ("points", 1700)
    hot = list(pain)
    hot[1200] = 11
    with pytest.raises(nps.InvalidValueError) as info:
        nps.HeatMap.from_records(to(bad), to(blank), hot)
    assert (info.value.argument, info.value.index) == ("pain", 1200)
    if form[0] in ("numpy unicode", "polars enum"):
        return  # no missing value in these forms
    missing: list[Any] = list(points)
    missing[900] = None
    with pytest.raises(nps.InvalidArgumentError, match="row 900") as info:
        nps.HeatMap.from_records(to(stages), to(missing), pain)
    assert info.value.argument == "points"


@pytest.mark.parametrize("form", TEXT_FORMS, ids=[f[0] for f in TEXT_FORMS])
def test_from_rows_reads_stage_names_in_every_form(form: Any) -> None:
    # Each distinct stage name is parsed once: the same map as plain lists,
    # and an unknown name is reported at its own row.
    n = 3000
    stages = [STAGES[(i * 7) % 6] for i in range(n)]
    points = [POINTS[i % 7] for i in range(n)]
    mentions = [i % 4 for i in range(n)]
    pain = [1 + i % 10 for i in range(n)]
    want = nps.HeatMap.from_rows(stages, points, mentions, pain)
    got = nps.HeatMap.from_rows(form[1](stages), points, mentions, pain)
    assert got.ranked().to_dict() == want.ranked().to_dict()
    bad = list(stages)
    bad[2222] = "billing"
    with pytest.raises(nps.InvalidValueError, match="billing") as info:
        nps.HeatMap.from_rows(form[1](bad), points, mentions, pain)
    assert (info.value.argument, info.value.index) == ("stages", 2222)


def test_large_polars_frame_matches_the_sums() -> None:
    # Enough rows for several threads: polars String columns (Arrow
    # string views: texts of up to 12 bytes in the view, longer ones in a
    # buffer), integer dealers, instants by month; against sums written
    # out here.
    n = 300_000
    rng = np.random.default_rng(5)
    point_ix = rng.integers(0, len(POINTS), n)
    stage_ix = rng.integers(0, 6, n)
    pain = rng.integers(1, 11, n).astype(np.uint8)
    dealer = rng.integers(0, 50, n).astype(np.uint32)
    ts = T0 + rng.integers(0, 700 * 86_400, n)
    stages = [STAGES[i] for i in stage_ix]
    points = [POINTS[i] for i in point_ix]
    df = pl.DataFrame({"stage": stages, "point": points, "pain": pain, "dealer": dealer,
                       "ts": ts})
    m = nps.HeatMap.from_records(df, stage="stage", points="point", pain="pain", by="dealer",
                                 time="ts")
    sums: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    cells: dict[tuple[str, int], int] = defaultdict(int)
    months: dict[tuple[str, str], int] = defaultdict(int)
    for s, p, q, d, t in zip(stages, points, pain.tolist(), dealer.tolist(), ts.tolist()):
        sums[(s, p)][0] += 1
        sums[(s, p)][1] += q
        cells[(s, d)] += q
        months[(s, dt.datetime.fromtimestamp(t, dt.timezone.utc).strftime("%Y-%m"))] += q
    r = m.ranked().to_dict()
    assert {(s, p): [c, h] for s, p, c, h in zip(r["stage"], r["point"], r["mentions"],
                                                r["heat"])} == sums
    k = m.matrix(by="key").to_dict()
    assert {(s, int(c)): h for s, c, h in zip(k["stage"], k["column"], k["heat"]) if h} == cells
    per = m.matrix(by="period").to_dict()
    assert {(s, c): h for s, c, h in zip(per["stage"], per["column"], per["heat"]) if h} == months


def _inline(b: bytes) -> bytes:
    return struct.pack("<I", len(b)) + b.ljust(12, b"\0")


def _long(b: bytes, buffer: int, offset: int) -> bytes:
    return struct.pack("<I", len(b)) + b[:4] + struct.pack("<II", buffer, offset)


def _views(views: list[bytes], data: list[bytes]) -> pa.Array:
    buffers = [None, pa.py_buffer(b"".join(views))] + [pa.py_buffer(d) for d in data]
    return pa.Array.from_buffers(pa.string_view(), len(views), buffers)


def test_string_views_are_checked_before_reading() -> None:
    """A `string_view` column (polars' strings) is checked before any text
    is read: by the heat map's core reader, each distinct text once
    (InvalidValueError at the row); by every other reader, fully on import
    like arrow-rs's validation, also on several threads
    (InvalidArgumentError). Either way the first bad row is named."""
    text = "é a text longer than twelve bytes".encode()
    data = text + "éééééééééé".encode()
    n = 300_000
    stages = ["repair"] * n
    fine = [_inline(b"q")] * (n - 1)
    good = _views([_long(text, 0, 0)] + fine, [data])
    assert nps.HeatMap.from_records(stages, good, [3] * n).total_heat == 3 * n
    assert len(nps.group_by(good, [9] * n)) == 2
    mid_char = data[len(text) + 1:len(text) + 15]
    for views, buffers, why in [
        ([_inline(b"\xff")], [], "UTF-8"),
        ([_long(mid_char, 0, len(text) + 1)], [data], "UTF-8"),
        ([_long(b"\xffabcdefghijklmn", 0, 0)], [b"\xffabcdefghijklmn"], "UTF-8"),
        ([struct.pack("<I", 14) + b"zzzz" + struct.pack("<II", 0, 0)], [data], "prefix"),
        ([struct.pack("<I", 1) + b"q\0\0x" + b"\0" * 8], [], "padding"),
        ([_long(text, 0, len(data))], [data], "not in the array|outside the data"),
    ]:
        bad = _views(fine[:250_000] + views + fine[250_000:], buffers)
        with pytest.raises(nps.InvalidValueError, match=f"row 250000: .*({why})") as info:
            nps.HeatMap.from_records(stages, bad, [3] * n)
        assert (info.value.argument, info.value.index) == ("points", 250_000)
        with pytest.raises(nps.InvalidArgumentError, match=f"row 250000: .*({why})|"
                           f"({why}).* row 250000") as arg:
            nps.group_by(bad, [9] * n)
        assert arg.value.argument == "keys"
