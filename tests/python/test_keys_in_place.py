"""String and categorical keys read in place (issue 11, "Memory").

Every input form of a string key column — pandas `str` (Arrow-backed) and
`object`, pandas `Categorical` (int8 / int16 codes), pyarrow `string`,
`large_string` and `string_view` in several chunks, pyarrow dictionaries
with int8 / int32 indices, polars `String` and `Categorical` — groups
exactly as a plain list of Python strings, whatever the chunking, the
number of distinct keys (a code width changes at 128 categories) or
missing values (`dropna`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

import nps


def rows_of(g: nps.GroupResult) -> list[tuple[object, tuple[int, ...]]]:
    return [(grp.key, tuple(grp.tally.counts)) for grp in g]


def chunked(values: list[str | None], cuts: list[int], typ: pa.DataType) -> pa.ChunkedArray:
    bounds = sorted({0, len(values), *(c % (len(values) + 1) for c in cuts)})
    return pa.chunked_array([values[a:b] for a, b in zip(bounds, bounds[1:])] or [[]], typ)


keys_st = st.lists(st.integers(0, 300), min_size=1, max_size=400)


@settings(max_examples=60, deadline=None)
@given(keys=keys_st, cuts=st.lists(st.integers(0, 400), max_size=4),
       wide=st.booleans(), seed=st.integers(0, 2**32 - 1))
def test_every_string_form_groups_as_python_strings(keys, cuts, wide, seed):
    # `wide` spreads the keys over 300 distinct texts (pandas int16 codes),
    # else over at most 100 (int8 codes).
    names = [f"dealer {k if wide else k % 100:03d}" for k in keys]
    scores = np.random.default_rng(seed).integers(0, 11, len(names)).astype(np.uint8)
    expected = rows_of(nps.group_by(names, scores, min_n=0))
    cats = sorted(set(names))
    forms = {
        "pandas str": pd.Series(names, dtype="str"),
        "pandas object": pd.Series(names, dtype=object),
        "pandas categorical": pd.Series(pd.Categorical(names, categories=cats)),
        "pa string chunks": chunked(names, cuts, pa.string()),
        "pa large_string chunks": chunked(names, cuts, pa.large_string()),
        "pa string_view chunks": chunked(names, cuts, pa.string_view()),
        "pa dictionary int32": pa.array(names).dictionary_encode(),
        "polars string": pl.Series(names, dtype=pl.String),
        "polars categorical": pl.Series(names, dtype=pl.Categorical),
    }
    if len(cats) <= 127:
        forms["pa dictionary int8"] = pa.DictionaryArray.from_arrays(
            pa.array([cats.index(n) for n in names], pa.int8()), pa.array(cats))
    for form, col in forms.items():
        got = rows_of(nps.group_by(col, scores, min_n=0))
        if "categorical" in form or "dictionary" in form:
            # Categorical keys come in category order (sorted here too).
            got = sorted(got)
        assert got == expected, form


@settings(max_examples=40, deadline=None)
@given(keys=st.lists(st.one_of(st.none(), st.integers(0, 200)), min_size=1, max_size=300),
       cuts=st.lists(st.integers(0, 300), max_size=3), dropna=st.booleans())
def test_missing_keys_in_place(keys, cuts, dropna):
    names = [None if k is None else f"k{k}" for k in keys]
    scores = np.arange(len(names)) % 11
    frame = pd.DataFrame({"key": pd.Series(names, dtype=object), "score": scores})
    expected = nps.group_by(frame, by="key", score="score", dropna=dropna, min_n=0)
    for col in [pd.Series(names, dtype="str"), chunked(names, cuts, pa.large_string()),
                pd.Series(pd.Categorical(names)), pl.Series(names, dtype=pl.String)]:
        df = pd.DataFrame({"key": col, "score": scores}) if not isinstance(col, pa.ChunkedArray) \
            else pa.table({"key": col, "score": scores})
        got = nps.group_by(df, by="key", score="score", dropna=dropna, min_n=0)
        assert sorted(rows_of(got), key=repr) == sorted(rows_of(expected), key=repr)
        assert got.skipped_keys == expected.skipped_keys


def test_key_columns_combine_in_place():
    dealer = [f"d{i % 7}" for i in range(500)]
    advisor = [f"a{i % 13}" for i in range(500)]
    scores = np.arange(500) % 11
    plain = nps.group_by(pd.DataFrame({"dealer": pd.Series(dealer, dtype=object),
                                       "advisor": pd.Series(advisor, dtype=object),
                                       "score": scores}),
                         by=["dealer", "advisor"], score="score", min_n=0)
    arrow = nps.group_by(pa.table({"dealer": pa.chunked_array([dealer[:123], dealer[123:]]),
                                   "advisor": pa.array(advisor).dictionary_encode(),
                                   "score": scores}),
                         by=["dealer", "advisor"], score="score", min_n=0)
    assert sorted(rows_of(arrow)) == sorted(rows_of(plain))
    assert len(plain) == len(set(zip(dealer, advisor)))


def test_many_distinct_texts_group_as_python_strings():
    # More distinct texts per thread than the engine hashes (2^16), so they
    # are numbered by sorting on hash: short ASCII ids (exact values), long
    # ones and non-ASCII ones (hashed, compared), in chunks; the oracle is a
    # Python dict of the same rows.
    rng = np.random.default_rng(3)
    rows = 400_000
    draw = rng.integers(0, 300_000, rows)
    forms = np.array(["r{}", "respondent-{}-of-the-network", "é{}"], dtype=object)
    texts = [forms[d % 3].format(d) for d in draw]
    scores = rng.integers(0, 11, rows).astype(np.uint8)
    want: dict[str, list[int]] = {}
    for t, s in zip(texts, scores):
        want.setdefault(t, [0] * 11)[s] += 1
    col = pa.chunked_array([texts[:123_457], texts[123_457:]], pa.large_string())
    got = nps.group_by(col, scores)
    assert [g.key for g in got] == sorted(want)
    assert all(list(g.tally.counts) == want[g.key] for g in got)
