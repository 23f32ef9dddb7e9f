"""Columns of every kind: numpy dtypes, layouts, pandas, polars, Arrow, lists."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import nps

SCORES = [10, 9, 9, 8, 7, 6, 3, 10, 9, 0]
# Counted by hand: 0:1, 3:1, 6:1, 7:1, 8:1, 9:3, 10:2 -> NPS (5 - 3) / 10 = 20.
COUNTS = (1, 0, 0, 1, 0, 0, 1, 1, 1, 3, 2)
EXPECTED = nps.Tally.from_counts(COUNTS)

INT_DTYPES: list[Any] = [np.uint8, np.uint16, np.uint32, np.uint64, np.int8, np.int16, np.int32, np.int64]
FLOAT_DTYPES: list[Any] = [np.float32, np.float64]


@pytest.mark.parametrize("dtype", INT_DTYPES + FLOAT_DTYPES, ids=lambda d: np.dtype(d).name)
def test_every_dtype(dtype: Any) -> None:
    t = nps.Tally.from_scores(np.array(SCORES, dtype=dtype))
    assert t == EXPECTED and t.counts == COUNTS and t.nps == 20.0


@pytest.mark.parametrize("dtype", INT_DTYPES + FLOAT_DTYPES, ids=lambda d: np.dtype(d).name)
def test_every_dtype_invalid(dtype: Any) -> None:
    bad = 11 if np.dtype(dtype).kind == "u" else -1
    with pytest.raises(nps.InvalidScoreError) as e:
        nps.Tally.from_scores(np.array([9, 9, bad, 10], dtype=dtype))
    assert e.value.index == 2 and e.value.value == bad
    t = nps.Tally.from_scores(np.array([9, 9, bad, 10], dtype=dtype), invalid="skip")
    assert (t.n, t.skipped, t.promoters) == (3, 1, 3)


@pytest.mark.parametrize("dtype", ["float16", "longdouble"])
def test_other_float_dtypes(dtype: str) -> None:
    assert nps.Tally.from_scores(np.array(SCORES, dtype=dtype)) == EXPECTED


def test_uint8_out_of_range_values() -> None:
    col = np.array([10, 255, 11, 0], dtype=np.uint8)
    t = nps.Tally.from_scores(col, invalid="skip")
    assert (t.n, t.skipped) == (2, 2)


def test_float_non_integers_and_nan() -> None:
    for bad, index in ((6.5, 1), (math.nan, 1), (math.inf, 1), (-0.5, 1)):
        with pytest.raises(nps.InvalidScoreError) as e:
            nps.Tally.from_scores(np.array([7.0, bad, 9.0]))
        assert e.value.index == index
    assert nps.Tally.from_scores(np.array([7.0, -0.0, 10.0])).counts == (1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1)


def test_non_contiguous() -> None:
    base = np.array([v for s in SCORES for v in (s, 99)], dtype=np.int32)
    view = base[::2]
    assert not view.flags.c_contiguous
    assert nps.Tally.from_scores(view) == EXPECTED
    rev = np.array(SCORES[::-1], dtype=np.uint8)[::-1]
    assert nps.Tally.from_scores(rev) == EXPECTED
    column = np.asfortranarray(np.array([SCORES, SCORES]).T)[:, 1]
    assert nps.Tally.from_scores(column) == EXPECTED


def test_big_endian_and_misaligned() -> None:
    assert nps.Tally.from_scores(np.array(SCORES, dtype=">i4")) == EXPECTED
    assert nps.Tally.from_scores(np.array(SCORES, dtype=">f8")) == EXPECTED
    raw = b"\x00" + np.array(SCORES, dtype="<i4").tobytes()
    misaligned = np.frombuffer(raw, dtype="<i4", offset=1)
    assert not misaligned.flags.aligned
    assert nps.Tally.from_scores(misaligned) == EXPECTED


def test_read_only_array_is_not_modified() -> None:
    col = np.array(SCORES, dtype=np.uint8)
    col.flags.writeable = False
    assert nps.Tally.from_scores(col) == EXPECTED
    assert col.tolist() == SCORES


def test_wrong_types() -> None:
    with pytest.raises(TypeError):
        nps.Tally.from_scores(np.array([True, False]))
    with pytest.raises(TypeError):
        nps.Tally.from_scores(["9", "10"])
    with pytest.raises(TypeError):
        nps.Tally.from_scores(5)
    with pytest.raises(nps.InvalidArgumentError) as e:
        nps.Tally.from_scores(np.zeros((2, 2), dtype=np.uint8))
    assert e.value.argument == "scores"
    with pytest.raises(nps.InvalidArgumentError) as e:
        nps.Tally.from_scores([9], invalid="ignore")  # type: ignore[arg-type]
    assert e.value.argument == "invalid"


def test_lists_tuples_and_iterables() -> None:
    assert nps.Tally.from_scores(SCORES) == EXPECTED
    assert nps.Tally.from_scores(tuple(SCORES)) == EXPECTED
    assert nps.Tally.from_scores(float(s) for s in SCORES) == EXPECTED
    assert nps.Tally.from_scores([np.int64(s) for s in SCORES]) == EXPECTED
    assert nps.Tally.from_scores([]) == nps.Tally()
    # A huge integer is simply invalid, not an overflow.
    with pytest.raises(nps.InvalidScoreError) as e:
        nps.Tally.from_scores([9, 10**30])
    assert e.value.index == 1


@pytest.mark.parametrize("missing", [None, math.nan, pd.NA], ids=["None", "nan", "pd.NA"])
def test_missing_in_lists(missing: Any) -> None:
    with pytest.raises(nps.InvalidScoreError) as e:
        nps.Tally.from_scores([9, 10, missing, 3])
    assert e.value.index == 2 and math.isnan(e.value.value)
    t = nps.Tally.from_scores([9, 10, missing, 3], invalid="skip")
    assert (t.n, t.skipped, t.nps) == (3, 1, 100 / 3)


def test_pandas_float_with_nan() -> None:
    s = pd.Series([9.0, math.nan, 3.0], index=[100, 50, 7])  # the row is positional
    with pytest.raises(nps.InvalidScoreError) as e:
        nps.Tally.from_scores(s)
    assert e.value.index == 1
    assert nps.Tally.from_scores(s, invalid="skip").skipped == 1


@pytest.mark.parametrize("dtype", ["Int64", "UInt8", "Int8", "Float64", "int64[pyarrow]", "uint8[pyarrow]"])
def test_pandas_nullable_with_na(dtype: str) -> None:
    s = pd.Series([10, None, 0, 9], dtype=dtype)
    assert bool(s.isna().iloc[1])
    with pytest.raises(nps.InvalidScoreError) as e:
        nps.Tally.from_scores(s)
    assert e.value.index == 1
    t = nps.Tally.from_scores(s, invalid="skip")
    assert (t.n, t.skipped, t.detractors, t.promoters) == (3, 1, 1, 2)
    # Without missing values.
    assert nps.Tally.from_scores(pd.Series(SCORES, dtype=dtype)) == EXPECTED


def test_pandas_numpy_backed() -> None:
    for dtype in ("uint8", "int64", "float32"):
        assert nps.Tally.from_scores(pd.Series(SCORES, dtype=dtype)) == EXPECTED
    assert nps.Tally.from_scores(pd.Index(SCORES)) == EXPECTED
    assert nps.Tally.from_scores(pd.Series(SCORES, dtype="category")) == EXPECTED


@pytest.mark.parametrize("dtype", [pl.UInt8, pl.Int16, pl.Int64, pl.UInt64, pl.Float32, pl.Float64])
def test_polars_with_nulls(dtype: Any) -> None:
    s = pl.Series([10, None, 0, 9], dtype=dtype)
    with pytest.raises(nps.InvalidScoreError) as e:
        nps.Tally.from_scores(s)
    assert e.value.index == 1  # a null is an invalid row, never a 0
    t = nps.Tally.from_scores(s, invalid="skip")
    assert (t.n, t.skipped, t.detractors, t.promoters) == (3, 1, 1, 2)
    assert nps.Tally.from_scores(pl.Series(SCORES, dtype=dtype)) == EXPECTED


def test_polars_nan_and_null_both_invalid() -> None:
    s = pl.Series([10.0, float("nan"), None, 9.0])
    t = nps.Tally.from_scores(s, invalid="skip")
    assert (t.n, t.skipped) == (2, 2)


def test_arrow_and_array_interface() -> None:
    arr = pa.array([10, None, 9], type=pa.int32())
    t = nps.Tally.from_scores(arr, invalid="skip")
    assert (t.n, t.skipped, t.promoters) == (2, 1, 2)
    assert nps.Tally.from_scores(pa.chunked_array([[10, 9], [9, 8, 7, 6, 3, 10, 9, 0]])) == EXPECTED

    class ArrayLike:
        def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
            return np.array(SCORES, dtype=np.int8)

    assert nps.Tally.from_scores(ArrayLike()) == EXPECTED


def test_masked_array() -> None:
    col = np.ma.masked_array([10, 0, 9], mask=[False, True, False])
    with pytest.raises(nps.InvalidScoreError) as e:
        nps.Tally.from_scores(col)
    assert e.value.index == 1


def test_weights_columns() -> None:
    scores = np.array([10, 0, 9], dtype=np.uint8)
    # (2 + 1 promoters - 1 detractor) / 4 = 50 points; Kish n = 16 / 6.
    for w in ([2, 1, 1], np.array([2, 1, 1], dtype=np.float32), pd.Series([2.0, 1.0, 1.0]), pl.Series([2, 1, 1])):
        t = nps.Tally.from_scores(scores, weights=w)
        assert t.weighted and abs(t.nps - 50.0) < 1e-12 and abs(t.effective_n - 16 / 6) < 1e-12
    with pytest.raises(nps.InvalidWeightError) as e:
        nps.Tally.from_scores(scores, weights=pd.Series([1.0, None, 1.0], dtype="Float64"))
    assert e.value.index == 1 and math.isnan(e.value.value)
    with pytest.raises(nps.InvalidWeightError) as e:
        nps.Tally.from_scores(scores, weights=pl.Series([1.0, 2.0, None]))
    assert e.value.index == 2


def test_thread_count_does_not_change_results() -> None:
    rng = np.random.default_rng(7)
    col = rng.integers(0, 12, size=3_000_001, dtype=np.uint8)
    expected = tuple(int(c) for c in np.bincount(col, minlength=12)[:11])
    try:
        nps.set_max_threads(1)
        assert nps.max_threads() == 1
        one = nps.Tally.from_scores(col, invalid="skip")
        nps.set_max_threads(0)
        many = nps.Tally.from_scores(col, invalid="skip")
    finally:
        nps.set_max_threads(0)
    assert one == many
    assert one.counts == expected
    assert one.skipped == int((col > 10).sum())
