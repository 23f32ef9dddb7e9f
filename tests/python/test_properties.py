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


# --- Issue 10: properties with sizes -----------------------------------------

MIN_TS, MAX_TS = -62_135_596_800, 253_402_300_799  # years 1 ..= 9999
# Ordinary instants, the calendar's ends, and just outside them.
extreme_ts = st.one_of(
    st.integers(1_700_000_000, 1_800_000_000),
    st.sampled_from([MIN_TS, MAX_TS, 0, -1, MIN_TS - 1, MAX_TS + 1]),
    st.integers(MIN_TS, MAX_TS),
)
# Weights from subnormal to huge, plus the invalid ones.
extreme_weights = st.one_of(
    st.floats(min_value=0.0, max_value=1e308, allow_nan=False, allow_infinity=False),
    st.sampled_from([5e-324, 1e-300, 1e155, 1e300, -1.0, math.nan, math.inf]),
)
# Adversarial string keys: sequential ids, long common prefixes, keys that
# differ only at the end or in high code points, empty, lone surrogates.
adversarial_keys = st.one_of(
    st.integers(0, 10**6).map(lambda i: f"r{i}"),
    st.integers(0, 10**6).map(lambda i: "x" * 64 + str(i)),
    st.text(alphabet=st.characters(min_codepoint=0x80, max_codepoint=0x10FFFF, blacklist_categories=("Cs",)),
            max_size=4),
    st.sampled_from(["", "\x00", "a\x00b", "\ud800", "\udfff"]),
)
# Size-like arguments far beyond any limit, negative and huge.
big_ints = st.one_of(st.integers(-(10**40), 10**40), st.sampled_from([-1, 0, 2**31, 2**32, 2**63, 2**64, 10**9]))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10), st.integers(0, 3), extreme_ts), min_size=1, max_size=40),
       st.sampled_from(["day", "week", "month", "quarter"]))
def test_extreme_timestamps_group_or_name_the_row(rows: list[tuple[int, int, int]], period: str) -> None:
    scores, keys, ts = (list(c) for c in zip(*rows))
    bad = [i for i, t in enumerate(ts) if not MIN_TS <= t <= MAX_TS]
    try:
        r = nps.group_by(keys, scores, timestamps=ts, period=period, min_n=0)
    except nps.InvalidTimestampError as e:
        assert bad and e.index == bad[0]
        return
    assert not bad
    assert r.total().n == len(rows)
    # One group per occurring (key, period): never more than the rows.
    assert len(r) <= len(rows)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10), extreme_weights), min_size=1, max_size=20))
def test_extreme_weights_are_exact_or_a_typed_error(rows: list[tuple[int, float]]) -> None:
    scores, weights = (list(c) for c in zip(*rows))
    try:
        t = nps.Tally.from_scores(scores, weights=weights)
    except nps.InvalidWeightError as e:
        assert 0 <= e.index < len(rows)
        return
    try:
        value = t.nps
    except nps.NoDataError:
        assert all(w == 0.0 for w in weights)  # only zero weights: no data, never a false one
        return
    assert math.isfinite(value) and -100.0 <= value <= 100.0
    assert math.isfinite(t.effective_n)


@settings(max_examples=60, deadline=None)
@given(st.lists(adversarial_keys, min_size=1, max_size=60))
def test_adversarial_string_keys_group_exactly(keys: list[str]) -> None:
    def encodable(k: str) -> bool:
        try:
            k.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True

    bad = [i for i, k in enumerate(keys) if not encodable(k)]
    try:
        r = nps.group_by(keys, [9] * len(keys), min_n=0)
    except nps.InvalidValueError as e:
        assert bad and e.index == bad[0] and e.argument == "keys"
        return
    assert not bad
    assert {g.key: g.tally.n for g in r} == dict(Counter(keys))


@settings(max_examples=60, deadline=None)
@given(big_ints)
def test_size_arguments_are_bounded_or_typed(v: int) -> None:
    calls = [
        lambda: nps.track_goal([nps.Tally(30, 20, 50)] * 2, target=65, months=v),
        lambda: nps.erlang_c(arrival_rate=1.0, service_time=0.5, servers=v),
        lambda: nps.sample_size(5.0, 0.5, 0.2, population=v),
        lambda: nps.group_by(None, [9], min_n=v),
        lambda: nps.Tally(v),
    ]
    for call in calls:
        try:
            call()
        except nps.InvalidArgumentError as e:
            assert e.argument
        except nps.NpsError:
            pass  # another typed error (e.g. no data), never a built-in one


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(-1, 11), st.one_of(st.none(), st.integers(0, 3)),
                          st.one_of(st.none(), st.integers(1_735_689_600, 1_738_000_000)),
                          st.one_of(st.none(), st.integers(0, 5))), max_size=40))
def test_skip_missing_is_filtering_first(rows: list[tuple[int, int | None, int | None, int | None]]) -> None:
    scores = [r[0] for r in rows]
    keys = np.array([np.nan if r[1] is None else r[1] for r in rows], dtype=float)
    ts = [r[2] for r in rows]
    who = [r[3] for r in rows]
    got = nps.group_by(keys, scores, timestamps=ts, period="day", respondents=who, invalid="skip", min_n=0)
    ok = [r for r in rows if None not in r[1:]]
    want = nps.group_by([r[1] for r in ok], [r[0] for r in ok], timestamps=[r[2] for r in ok], period="day",
                        respondents=[r[3] for r in ok], invalid="skip", min_n=0)
    assert [(g.key, g.period, g.tally) for g in got] == [(g.key, g.period, g.tally) for g in want]
    assert got.skipped == want.skipped and got.dropped_repeats == want.dropped_repeats
    assert got.skipped_keys == sum(r[1] is None for r in rows)
    assert got.skipped_keys + got.skipped_timestamps + got.skipped_respondents == len(rows) - len(ok)
