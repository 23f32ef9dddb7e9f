"""Recovery statistics from a case table (one row per case):
``nps.recovery_stats_from_case_columns(df, case=..., opened=..., ...)``.

Expected figures are worked out by hand in the comments; the property test
compares with the same cases built event by event (``nps.Case``) and
``nps.recovery_stats``, which the table form must equal exactly.
"""

from __future__ import annotations

import pickle
import struct
from typing import Any

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nps

NAMES = dict(case="case_id", opened="opened", score="score", reason="reason",
             dealer="dealer", contacted="contacted", channel="channel", outcome="outcome")

# By hand: a (score 3, D1) contacted by visit at 1 h, recovered; b (score 5,
# D2) contacted by phone at 30 h, lost; c (score 8, D1) is not a low score.
# low_scores 2, launched 2, responded_24h 1, recovered 1, converted 0,
# lost 1; success 1/2.
TABLE = {
    "case_id": ["a", "b", "c"],
    "opened": [0, 0, 10],
    "score": [3, 5, 8],
    "reason": ["waiting", "price", "price"],
    "dealer": ["D1", "D2", "D1"],
    "contacted": [3600, 30 * 3600, None],
    "channel": ["visit", "phone", None],
    "outcome": ["recovered", "lost", None],
}

FORMS = {
    "pandas": lambda: pd.DataFrame(TABLE),
    "pandas_datetimes": lambda: pd.DataFrame(TABLE).assign(
        opened=pd.to_datetime(TABLE["opened"], unit="s", utc=True),
        contacted=pd.to_datetime(TABLE["contacted"], unit="s", utc=True)),
    "polars": lambda: pl.DataFrame(TABLE),
    "pyarrow": lambda: pa.table(TABLE),
}


@pytest.mark.parametrize("make", FORMS.values(), ids=FORMS.keys())
def test_hand_worked_statistics(make: Any) -> None:
    s = nps.recovery_stats_from_case_columns(make(), **NAMES)
    assert (s.low_scores, s.launched, s.responded_24h, s.recovered, s.converted, s.lost) == \
        (2, 2, 1, 1, 0, 1)
    assert s.success_rate.value == 0.5
    t = nps.recovery_stats_from_case_columns(make(), **NAMES, by="dealer")
    assert [(r[1], r[2].low_scores) for r in t] == [("D1", 1), ("D2", 1)]


def test_integer_case_ids_and_dealers() -> None:
    df = pl.DataFrame({**TABLE, "case_id": [7, 8, 9], "dealer": [1, 2, 1]})
    t = nps.recovery_stats_from_case_columns(df, **NAMES, by="dealer")
    assert [(r[1], r[2].low_scores) for r in t] == [("1", 1), ("2", 1)]


def test_integer_id_tables_before_their_rows_are_read() -> None:
    """A table of whole-number case ids (gathered by group only when first
    asked) pickled, merged and converted before any of its rows is read
    equals the table of the same cases with the ids as text."""
    n = 60
    frame = {
        "opened": [i * 864_000 for i in range(n)],
        "score": [i % 11 for i in range(n)],
        "reason": ["waiting" if i % 3 else "price" for i in range(n)],
        "dealer": [f"D{i % 4}" for i in range(n)],
        "contacted": [i * 864_000 + 3600 * (i % 5) if i % 4 else None for i in range(n)],
        "channel": ["visit" if i % 2 else "phone" if i % 4 else None for i in range(n)],
        "outcome": [["recovered", "lost", "converted"][i % 3] if i % 4 else None
                    for i in range(n)],
    }
    ids = [(i * 7919) % 1000 * 1_000_003 + i for i in range(n)]
    grouped = dict(period="month", by="dealer", tz="UTC")

    def table(case_ids: Any, rows: slice = slice(None)) -> Any:
        cut = {k: v[rows] for k, v in frame.items()}
        return nps.recovery_stats_from_case_columns(
            pl.DataFrame({**cut, "case_id": case_ids[rows]}), **NAMES, **grouped)

    want = table(pl.Series([str(i) for i in ids]))
    for case_ids in (pl.Series(ids, dtype=pl.UInt64), pl.Series(ids, dtype=pl.Int64),
                     pl.Series(ids, dtype=pl.UInt32)):
        assert pickle.loads(pickle.dumps(table(case_ids))) == want
        assert table(case_ids, slice(0, 25)).merge(table(case_ids, slice(25, None))) == want
        assert table(case_ids).to_dict() == want.to_dict()
        with pytest.raises(nps.InvalidArgumentError):  # the same cases twice
            table(case_ids).merge(table(case_ids, slice(50, None)))
        assert table(case_ids) == want


def test_integer_ids_are_the_cases_of_their_decimal_texts() -> None:
    """Integer case ids (kept as numbers): 7 is the case "7", so merging
    statistics of the same case given both ways is refused."""
    ints = nps.recovery_stats_from_case_columns(
        pl.DataFrame({**TABLE, "case_id": pl.Series([7, 8, 9], dtype=pl.UInt64)}), **NAMES)
    texts = nps.recovery_stats_from_case_columns(
        pl.DataFrame({**TABLE, "case_id": ["7", "8", "9"]}), **NAMES)
    assert ints == texts
    with pytest.raises(nps.InvalidArgumentError, match="`7`"):
        ints.merge(texts)
    other = nps.recovery_stats_from_case_columns(
        pl.DataFrame({**TABLE, "case_id": ["07", "08", "09"]}), **NAMES)
    assert ints.merge(other).low_scores == 4


def test_bad_row_with_integer_ids_and_categorical_columns() -> None:
    df = pl.DataFrame({**TABLE, "case_id": pl.Series([7, 8, 9], dtype=pl.Int64),
                       "outcome": ["recovered", "lost", "recovered"]}).with_columns(
        pl.col("reason", "channel", "outcome").cast(pl.Categorical))
    with pytest.raises(nps.InvalidValueError) as e:
        nps.recovery_stats_from_case_columns(df, **NAMES)
    assert (e.value.case_id, e.value.index, e.value.argument) == ("9", 2, "outcome")


def events_of(row: dict[str, Any]) -> list[dict[str, Any]]:
    """The events of a case that says what a table row says."""
    at = row["opened"]
    ev: list[dict[str, Any]] = [{
        "kind": "opened", "at": at, "score": row["score"], "reason": row["reason"],
        "dealer": row["dealer"], "high_value": False, "public_opinion_risk": False}]
    t = at
    if row["contacted"] is not None:
        ev.append({"kind": "acknowledged", "at": at})
        t = row["contacted"]
        ev.append({"kind": "contacted", "at": t, "channel": row["first"]})
        if row["later"] is not None:
            t += 600
            ev.append({"kind": "contacted", "at": t, "channel": row["later"]})
        if row["compensation"] is not None:
            t += 60
            ev.append({"kind": "solution_proposed", "at": t, "over_expectation": row["over"],
                       "items": [{"value": row["compensation"], "currency": "CNY",
                                  "layer": "loss_compensation"}]})
            t += 60
            ev.append({"kind": "solution_accepted", "at": t})
    if row["outcome"] == "converted":
        t += 60
        ev.append({"kind": "rerated", "at": t, "score": 10})
    if row["outcome"] is not None:
        ev.append({"kind": "closed", "at": t + 60, "outcome": row["outcome"]})
    return ev


STRENGTH = ["visit", "video", "phone", "message"]


@st.composite
def case_rows(draw: Any, i: int) -> dict[str, Any]:
    opened = draw(st.integers(1_700_000_000, 1_760_000_000))
    contacted = draw(st.one_of(st.none(), st.integers(0, 3 * 86_400).map(lambda d: opened + d)))
    first = draw(st.sampled_from(STRENGTH))
    later = draw(st.one_of(st.none(), st.sampled_from(STRENGTH)))
    outcomes = ["recovered", "converted", "lost"] if contacted is not None else ["lost"]
    comp = draw(st.one_of(st.none(), st.integers(0, 300_000)))
    return {
        "case_id": f"c{i}", "opened": opened, "score": draw(st.integers(0, 10)),
        "reason": draw(st.sampled_from(["waiting", "price", "staff"])),
        "dealer": draw(st.sampled_from(["D1", "D2", "D3"])), "contacted": contacted,
        "first": first, "later": later,
        "outcome": draw(st.one_of(st.none(), st.sampled_from(outcomes))),
        "compensation": comp if contacted is not None else None,
        "over": draw(st.booleans()) if contacted is not None and comp is not None else False,
    }


@st.composite
def tables(draw: Any) -> list[dict[str, Any]]:
    n = draw(st.integers(0, 25))
    return [draw(case_rows(i)) for i in range(n)]


@settings(max_examples=40, deadline=None)
@given(rows=tables(), rule=st.sampled_from(["strongest", "first_contact"]),
       int_ids=st.booleans())
def test_equals_the_cases(rows: list[dict[str, Any]], rule: str, int_ids: bool) -> None:
    if int_ids:  # integer ids: the cases of their decimal texts
        rows = [{**r, "case_id": 1000 + 7 * i} for i, r in enumerate(rows)]
    cases = [nps.Case.from_events(events_of(r), case_id=str(r["case_id"])) for r in rows]

    def channel(r: dict[str, Any]) -> str | None:
        if r["contacted"] is None:
            return None
        if rule == "first_contact" or r["later"] is None:
            return r["first"]
        return min(r["first"], r["later"], key=STRENGTH.index)

    df = pd.DataFrame({
        "case_id": pd.Series([r["case_id"] for r in rows],
                             dtype="int64" if int_ids else object),
        "opened": pd.Series([r["opened"] for r in rows], dtype="int64"),
        "score": pd.Series([r["score"] for r in rows], dtype="int64"),
        "reason": pd.Series([r["reason"] for r in rows], dtype=object),
        "dealer": pd.Series([r["dealer"] for r in rows], dtype=object),
        "contacted": pd.Series([r["contacted"] for r in rows], dtype="Int64"),
        "channel": pd.Series([channel(r) for r in rows], dtype=object),
        "outcome": pd.Series([r["outcome"] for r in rows], dtype=object),
        "compensation": pd.Series([r["compensation"] for r in rows], dtype="float64"),
        "over": pd.Series([r["over"] for r in rows], dtype=bool),
    })
    names = {**NAMES, "compensation": "compensation", "over_expectation": "over"}
    want = nps.recovery_stats(cases, channel_rule=rule)
    grouped = dict(period="month", by="dealer", tz="Asia/Shanghai", channel_rule=rule)
    want_t = nps.recovery_stats(cases, **grouped)
    text_cols = ["reason", "dealer", "channel", "outcome"]
    # Every column form: pandas objects, pandas categoricals, polars
    # strings (Arrow text read in place), polars categoricals; scores as
    # int64 and as bytes (read in place).
    forms = [df, df.astype({c: "category" for c in text_cols}), df.astype({"score": "uint8"})]
    if len(df):
        pf = pl.from_pandas(df)
        forms += [pf, pf.with_columns(pl.col(*text_cols).cast(pl.Categorical)),
                  pf.with_columns(pl.col("score").cast(pl.UInt8))]
    for frame in forms:
        got = nps.recovery_stats_from_case_columns(frame, **names, channel_rule=rule)
        assert got == want
        got_t = nps.recovery_stats_from_case_columns(frame, **names, **grouped)
        assert got_t == want_t
    assert pickle.loads(pickle.dumps(got_t)) == want_t


def bad(**changes: Any) -> pd.DataFrame:
    return pd.DataFrame({**TABLE, **changes})


@pytest.mark.parametrize("changes, row, column, case_id", [
    (dict(score=[3, 5, 11]), 2, "score", "c"),
    (dict(score=[3.5, 5, 8]), 0, "score", "a"),
    (dict(channel=["visit", "fax", None]), 1, "channel", "b"),
    (dict(channel=["visit", None, None]), 1, "channel", "b"),
    (dict(channel=["visit", "phone", "phone"]), 2, "channel", "c"),
    (dict(outcome=["recovered", "lost", "recovered"]), 2, "outcome", "c"),
    (dict(outcome=["won", "lost", None]), 0, "outcome", "a"),
    (dict(contacted=[3600, -5, None]), 1, "contacted", "b"),
    (dict(reason=["waiting", None, "price"]), 1, "reason", "b"),
])
def test_bad_rows_are_named(changes: dict[str, Any], row: int, column: str, case_id: str) -> None:
    with pytest.raises(nps.InvalidValueError) as e:
        nps.recovery_stats_from_case_columns(bad(**changes), **NAMES)
    assert (e.value.case_id, e.value.index, e.value.argument) == (case_id, row, column)


@pytest.mark.parametrize("make", [
    lambda s: pd.DataFrame({**TABLE, "score": pd.Series(s, dtype="uint8")}),
    lambda s: pl.DataFrame({**TABLE, "score": pl.Series(s, dtype=pl.UInt8)}),
], ids=["pandas", "polars"])
def test_byte_scores(make: Any) -> None:
    """Scores as bytes (read in place): the hand-worked figures, and a byte
    above 10 named as a bad score."""
    s = nps.recovery_stats_from_case_columns(make([3, 5, 8]), **NAMES)
    assert (s.low_scores, s.recovered, s.lost) == (2, 1, 1)
    assert s == nps.recovery_stats_from_case_columns(pd.DataFrame(TABLE), **NAMES)
    with pytest.raises(nps.InvalidValueError) as e:
        nps.recovery_stats_from_case_columns(make([3, 200, 8]), **NAMES, by="dealer")
    assert (e.value.case_id, e.value.index, e.value.argument) == ("b", 1, "score")


def test_bad_arguments() -> None:
    with pytest.raises(nps.InvalidArgumentError, match="no column") as a:
        nps.recovery_stats_from_case_columns(pd.DataFrame(TABLE), **{**NAMES, "channel": "how"})
    assert a.value.argument == "channel"
    with pytest.raises(nps.InvalidArgumentError) as a:
        nps.recovery_stats_from_case_columns(pd.DataFrame(TABLE), **NAMES, by="region")
    assert a.value.argument == "by"
    with pytest.raises(TypeError):
        nps.recovery_stats_from_case_columns(pd.DataFrame(TABLE), case="case_id")  # type: ignore[call-arg]


def test_cases_list_is_read_in_place() -> None:
    """The list form borrows the nps.Case objects: still usable after."""
    c = nps.Case.from_events(events_of({**{k: v[0] for k, v in TABLE.items()},
                                         "first": "visit", "later": None,
                                         "compensation": None, "over": False}),
                             case_id="a")
    assert nps.recovery_stats([c, ]).recovered == 1
    c.apply({"kind": "reviewed", "at": 20_000})
    assert nps.recovery_stats([c]).recovered == 1


def _string_views(views: list[bytes], data: list[bytes], valid: bytes | None = None) -> pa.Array:
    """A `string_view` column from raw 16-byte views (not validated)."""
    buffers = [None if valid is None else pa.py_buffer(valid), pa.py_buffer(b"".join(views))]
    return pa.Array.from_buffers(pa.string_view(), len(views), buffers + [pa.py_buffer(d)
                                                                            for d in data])


def _inline(b: bytes) -> bytes:
    return struct.pack("<I", len(b)) + b.ljust(12, b"\0")


def test_string_views_are_checked_by_the_core_and_nulls_not_read() -> None:
    """polars' strings (`string_view`) are read in place, each distinct
    text checked once by nps-core: a bad view is InvalidValueError naming
    the column and its row. The view of a null row is not checked, whatever
    it holds (here one that points outside the data)."""
    outside = struct.pack("<I", 20) + b"visi" + struct.pack("<II", 0, 1 << 20)
    channel = _string_views([_inline(b"visit"), _inline(b"phone"), outside], [b"x" * 32],
                            valid=bytes([0b011]))
    table = pa.table({**TABLE, "channel": channel})
    assert nps.recovery_stats_from_case_columns(table, **NAMES) == \
        nps.recovery_stats_from_case_columns(pa.table(TABLE), **NAMES)
    for column in ("reason", "case_id", "dealer"):
        values = [v.encode() for v in TABLE[column]]
        bad = [_inline(values[0]), struct.pack("<I", 1) + b"q\0\0x" + b"\0" * 8, _inline(values[2])]
        with pytest.raises(nps.InvalidValueError, match="row 1: .*padding") as e:
            nps.recovery_stats_from_case_columns(
                pa.table({**TABLE, column: _string_views(bad, [])}), **NAMES, by="dealer")
        assert (e.value.argument, e.value.index) == (column.removesuffix("_id"), 1)


def test_integer_instants_with_nulls_in_chunks() -> None:
    # An Arrow int64 column with nulls is read as its values (nulls on and
    # across the 64-row words of the validity bitmap, two chunks) and gives
    # what the float form with NaN gives.
    n = 200
    never = {i for i in range(n) if i % 3 == 0} | {63, 64, 127, 128, 129, 199}
    opened = [1_700_000_000 + 3_600 * i for i in range(n)]
    contacted = [None if i in never else opened[i] + 1_800 * (i % 60) for i in range(n)]
    table = {
        "case_id": list(range(n)), "opened": opened, "score": [i % 11 for i in range(n)],
        "reason": ["waiting", "price"] * (n // 2), "dealer": [f"D{i % 4}" for i in range(n)],
        "channel": [None if c is None else "phone" for c in contacted],
        "outcome": [None if c is None else "recovered" for c in contacted],
    }
    chunked = pa.chunked_array([pa.array(contacted[:130], pa.int64()),
                                pa.array(contacted[130:], pa.int64())])
    arrow = pa.table({**table, "contacted": chunked})
    floats = pd.DataFrame({**table, "contacted": [float("nan") if c is None else float(c)
                                                  for c in contacted]})
    for grouped in ({}, {"by": "dealer", "period": "month", "tz": "UTC"}):
        got = nps.recovery_stats_from_case_columns(arrow, **NAMES, **grouped)
        assert got == nps.recovery_stats_from_case_columns(floats, **NAMES, **grouped)
    s = nps.recovery_stats_from_case_columns(arrow, **NAMES)
    low = [i for i in range(n) if i % 11 <= 6]
    assert s.launched == sum(1 for i in low if i not in never)
    # A value a double cannot hold exactly takes the float path: the same
    # error as before, naming the row.
    # The least int64 (the marker of a missing instant inside nps) in a
    # row that is not null is such a value too.
    for value in (-2**63 + 1, -2**63):
        bad = pa.table({**TABLE, "contacted": pa.array([3600, value, None], pa.int64())})
        with pytest.raises(nps.InvalidValueError) as e:
            nps.recovery_stats_from_case_columns(bad, **NAMES)
        assert e.value.index == 1 and "not a Unix time" in str(e.value)
    # Around 2^53 (the fast path's edge): as the same values as floats.
    for value in (2**53 - 1, 2**53, -2**53, 2**53 + 2):
        ints = pa.table({**TABLE, "contacted": pa.array([3600, value, None], pa.int64())})
        floats = pd.DataFrame({**TABLE, "contacted": [3600.0, float(value), float("nan")]})
        got, want = [], []
        for frame, out in ((ints, got), (floats, want)):
            try:
                out.append(nps.recovery_stats_from_case_columns(frame, **NAMES))
            except nps.InvalidValueError as e:
                out.append(str(e))
        assert got == want
    # A slice, whose validity bits start inside a byte, reads as its rows.
    for skip in (3, 64, 67):
        padded = pa.array([None] * skip + contacted, pa.int64()).slice(skip)
        sliced = pa.table({**table, "contacted": padded})
        assert nps.recovery_stats_from_case_columns(sliced, **NAMES) == s


def test_text_nulls_on_and_across_bitmap_words() -> None:
    # Missing channels and outcomes in Arrow text columns — string views
    # sliced off their first rows (the validity bits start mid-byte), and
    # plain strings in two chunks — read as the same rows given as Python
    # lists (None): nulls on and across the 8-row bytes and 64-row words.
    n, skip = 203, 5
    never = {i for i in range(n) if i % 3 == 0} | {7, 8, 63, 64, 65, 127, 128, 200, 202}
    opened = [1_700_000_000 + 3_600 * i for i in range(n)]
    contacted = [None if i in never else opened[i] + 1_800 * (i % 60) for i in range(n)]
    channel = [None if c is None else ("phone", "visit")[i % 2] for i, c in enumerate(contacted)]
    outcome = [None if c is None and i % 2 else "lost" if c is None else "recovered"
               for i, c in enumerate(contacted)]
    table = {
        "case_id": list(range(n)), "opened": opened, "score": [i % 11 for i in range(n)],
        "reason": ["waiting", "price"] * (n // 2) + ["waiting"],
        "dealer": [f"D{i % 4}" for i in range(n)], "contacted": contacted,
        "channel": channel, "outcome": outcome,
    }
    lists = pd.DataFrame(table)

    def sliced_views(col: list[str | None]) -> pa.Array:
        return pa.array([None] * skip + col, pa.string_view()).slice(skip)

    def chunked(col: list[str | None]) -> pa.ChunkedArray:
        return pa.chunked_array([pa.array(col[:70], pa.string()), pa.array(col[70:], pa.string())])

    for form in (sliced_views, chunked):
        arrow = pa.table({**table, "channel": form(channel), "outcome": form(outcome)})
        for grouped in ({}, {"by": "dealer", "period": "month", "tz": "UTC"}):
            got = nps.recovery_stats_from_case_columns(arrow, **NAMES, **grouped)
            assert got == nps.recovery_stats_from_case_columns(lists, **NAMES, **grouped), form
    s = nps.recovery_stats_from_case_columns(lists, **NAMES)
    low = [i for i in range(n) if i % 11 <= 6]
    assert s.launched == sum(1 for i in low if i not in never)
    assert s.lost == sum(1 for i in low if outcome[i] == "lost")
