"""Invariants checked with hypothesis."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import nps

counts = st.lists(st.integers(min_value=0, max_value=10**6), min_size=11, max_size=11)
tallies = counts.map(nps.Tally.from_counts)
# Valid scores, out-of-range integers, fractions and missing values.
cells = st.one_of(
    st.integers(min_value=-3, max_value=13),
    st.sampled_from([6.5, 0.5, math.nan, None, 7.0, -0.0]),
)


@given(tallies, tallies, tallies)
def test_merge_is_associative(a: nps.Tally, b: nps.Tally, c: nps.Tally) -> None:
    assert (a + b) + c == a + (b + c)


@given(tallies, tallies)
def test_merge_is_commutative_with_identity(a: nps.Tally, b: nps.Tally) -> None:
    assert a + b == b + a
    assert a + nps.Tally() == a == sum([a], nps.Tally())


@given(st.lists(cells, max_size=200))
def test_tally_equals_counting_in_python(column: list[Any]) -> None:
    def score(v: Any) -> int | None:
        if v is None or isinstance(v, float) and (math.isnan(v) or v != int(v)):
            return None
        return int(v) if 0 <= v <= 10 else None

    valid = [s for s in map(score, column) if s is not None]
    c = Counter(valid)
    t = nps.Tally.from_scores(column, invalid="skip")
    assert t.counts == tuple(c[s] for s in range(11))
    assert t.skipped == len(column) - len(valid)
    assert t.n == len(valid)
    assert t.promoters == c[9] + c[10] and t.passives == c[7] + c[8]
    bad = [i for i, v in enumerate(column) if score(v) is None]
    if bad:
        try:
            nps.Tally.from_scores(column)
        except nps.InvalidScoreError as e:
            assert e.index == bad[0]
        else:
            raise AssertionError("invalid rows must raise")


@given(st.lists(st.integers(min_value=0, max_value=255), max_size=300), st.sampled_from(["uint8", "int16", "uint64", "float32", "float64"]))
def test_any_dtype_equals_list(values: list[int], dtype: str) -> None:
    arr = np.array(values, dtype=dtype)
    assert nps.Tally.from_scores(arr, invalid="skip") == nps.Tally.from_scores(values, invalid="skip")


@given(tallies)
def test_nps_in_range_and_interval_contains_it(t: nps.Tally) -> None:
    if t.n == 0:
        return
    assert -100.0 <= t.nps <= 100.0
    assert 0.0 <= t.variance <= 10_000.0
    ci = t.interval("score")
    assert -100.0 - 1e-9 <= ci.low <= t.nps <= ci.high <= 100.0 + 1e-9


@settings(max_examples=50)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 10)), max_size=100))
def test_groups_merge_to_total(rows: list[tuple[int, int]]) -> None:
    keys = [k for k, _ in rows]
    scores = [s for _, s in rows]
    r = nps.group_by(np.array(keys, dtype=np.uint32), np.array(scores, dtype=np.uint8), min_n=0)
    assert r.total() == nps.Tally.from_scores(scores)
    assert sum((g.tally for g in r), nps.Tally()) == nps.Tally.from_scores(scores)
    assert [g.key for g in r] == sorted(set(keys))
