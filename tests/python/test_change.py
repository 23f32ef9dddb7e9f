"""Change tests for shares and counts (issue 16) through the Python API:
every vector of tests/golden/change_vectors.json (the independent mpmath
oracle tests/golden/gen_change_vectors.py; the Rust and C suites read the
same file), the defaults, bad input, pickling and properties."""

from __future__ import annotations

import inspect
import json
import math
import pickle
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nps

V = json.loads((Path(__file__).resolve().parents[1] / "golden" / "change_vectors.json").read_text())
RTOL = V["rtol"]


def close(what: str, got: float, want: Any) -> None:
    if want is None:
        assert got == math.inf, f"{what}: got {got}, want inf"
    else:
        assert abs(got - want) <= RTOL * abs(want) + 1e-15, f"{what}: got {got!r}, want {want!r}"


def test_defaults_are_the_documented_ones() -> None:
    """Python passes None for what is not given; the core fills the
    defaults, which are the documented values."""
    d = V["defaults"]
    c = nps.compare_shares(3, 10, 4, 10)
    assert c.interval.confidence == d["confidence"] and c.alternative == d["alternative"]
    c2 = nps.compare_counts(3, 4)
    assert c2.interval.confidence == d["confidence"] and c2.alternative == d["alternative"]
    fam = [((38, 100), (15, 100)), ((16, 100), (15, 100))]
    assert nps.compare_shares_many(fam) == nps.compare_shares_many(fam, adjust=d["adjust"])
    assert inspect.signature(nps.compare_counts).parameters["confidence"].default is None


@pytest.mark.parametrize("v", V["shares"], ids=[v["name"] for v in V["shares"]])
def test_shares_vectors(v: dict[str, Any]) -> None:
    (k1, n1), (k2, n2) = v["first"], v["second"]
    r = nps.compare_shares(k1, n1, k2, n2, confidence=v["confidence"], alternative=v["alternative"])
    e = v["expected"]
    for name in ("first", "second", "difference", "statistic", "p_value", "ln_p_value"):
        close(name, getattr(r, name), e[name])
    close("low", r.interval.low, e["low"])
    close("high", r.interval.high, e["high"])
    assert r.interval.method == "newcombe"
    if e["ratio"] is None:
        assert r.ratio is None
    else:
        assert r.ratio is not None
        close("ratio", r.ratio, e["ratio"])


@pytest.mark.parametrize("v", V["counts"], ids=[v["name"] for v in V["counts"]])
def test_counts_vectors(v: dict[str, Any]) -> None:
    (c1, e1), (c2, e2) = v["first"], v["second"]
    r = nps.compare_counts(
        c1, c2, exposure1=e1, exposure2=e2, confidence=v["confidence"], alternative=v["alternative"]
    )
    e = v["expected"]
    for name in ("first_rate", "second_rate", "ratio", "change", "p_value", "ln_p_value"):
        close(name, getattr(r, name), e[name])
    close("low", r.interval.low, e["low"])
    close("high", r.interval.high, e["high"])
    assert r.interval.method == "exact_conditional"


FAMILIES = [(nps.compare_shares_many, v) for v in V["shares_many"]] + [
    (nps.compare_counts_many, v) for v in V["counts_many"]
]


@pytest.mark.parametrize(("f", "v"), FAMILIES, ids=[v["name"] for _, v in FAMILIES])
def test_families(f: Any, v: dict[str, Any]) -> None:
    pairs = [tuple(tuple(side) for side in p) for p in v["pairs"]]
    adjust = None if v["adjust"] == "none" else v["adjust"]
    r = f(pairs, adjust=adjust, confidence=v["confidence"])
    assert len(r) == len(pairs)
    for i, (x, p, s) in enumerate(zip(r, v["p_adjusted"], v["significant"])):
        close(f"p_adjusted[{i}]", x.p_adjusted, p)
        assert x.significant == s


def test_bad_input_is_typed_and_located() -> None:
    with pytest.raises(nps.InvalidArgumentError, match="first"):
        nps.compare_shares(11, 10, 1, 10)
    with pytest.raises(nps.NoDataError):
        nps.compare_shares(1, 10, 0, 0)
    with pytest.raises(nps.NoDataError):
        nps.compare_counts(0, 0)
    with pytest.raises(nps.InvalidArgumentError, match="second"):
        nps.compare_counts(1, 2, exposure2=float("nan"))
    with pytest.raises(nps.InvalidArgumentError, match="confidence"):
        nps.compare_counts(1, 2, confidence=1.0)
    with pytest.raises(nps.InvalidArgumentError, match="alternative"):
        nps.compare_shares(1, 2, 1, 2, alternative="bigger")
    with pytest.raises(nps.NoDataError) as e:
        nps.compare_shares_many([((1, 2), (1, 2)), ((1, 2), (0, 0))])
    assert e.value.pair_index == 1
    with pytest.raises((OverflowError, TypeError)):
        nps.compare_shares(-1, 10, 1, 10)


def test_results_pickle_exactly() -> None:
    items = [
        nps.compare_shares(38, 100, 15, 100, alternative="greater"),
        nps.compare_counts(30, 20, exposure1=1200, exposure2=1500, confidence=0.9),
        *nps.compare_counts_many([((227, 1.0), (100, 1.0)), ((60, 1.0), (50, 1.0))], adjust="bh"),
    ]
    for x in items:
        y = pickle.loads(pickle.dumps(x))
        assert y == x and repr(y) == repr(x)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 400), st.integers(1, 400), st.integers(0, 400), st.integers(1, 400)
)
def test_mirror_and_ranges(k1: int, x1: int, k2: int, x2: int) -> None:
    """Swapping the sides mirrors the difference's interval and inverts the
    rate ratio's; estimates lie inside their intervals."""
    a = nps.compare_shares(k1, k1 + x1, k2, k2 + x2)
    b = nps.compare_shares(k2, k2 + x2, k1, k1 + x1)
    assert a.interval.low <= a.difference <= a.interval.high
    assert abs(a.interval.low + b.interval.high) < 1e-12
    assert abs(a.p_value - b.p_value) < 1e-12
    c = nps.compare_counts(k1 + 1, k2 + 1, exposure1=x1, exposure2=x2)
    d = nps.compare_counts(k2 + 1, k1 + 1, exposure1=x2, exposure2=x1)
    assert c.interval.low <= c.ratio <= c.interval.high
    assert abs(c.interval.low * d.interval.high - 1) < 1e-9
    assert 0 <= c.p_value <= 1
