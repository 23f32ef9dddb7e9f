"""Integrity of the score: the golden vectors of tests/golden/integrity_vectors.json
(stdlib oracle gen_integrity_vectors.py), column types and bad input."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pytest

import nps

DOC = json.loads((Path(__file__).resolve().parents[1] / "golden" / "integrity_vectors.json").read_text())
TOL = DOC["tolerances"]


def _check_tally(t: nps.Tally, e: dict[str, Any]) -> None:
    assert list(t.counts) == e["counts"]
    assert t.n == e["n"]
    if e["nps"] is None:
        with pytest.raises(nps.NoDataError):
            _ = t.nps
    else:
        assert t.nps == pytest.approx(e["nps"], abs=TOL["nps"])


def _check_rerating(r: nps.Rerating, e: dict[str, Any]) -> None:
    _check_tally(r.original, e["original"])
    _check_tally(r.after_recovery, e["after_recovery"])
    assert r.basis == e["basis"]
    assert r.rerated == e["rerated"]
    assert r.detractors_rerated == e["detractors_rerated"]
    assert r.detractors_moved_up == e["detractors_moved_up"]
    assert r.detractors_to_promoter == e["detractors_to_promoter"]
    if e["reported_nps"] is None:
        assert r.nps is None
    else:
        assert r.nps == pytest.approx(e["reported_nps"], abs=TOL["nps"])
    # `reported` is the tally the report uses: the after-recovery one only
    # when asked for re-rated scores.
    _check_tally(r.reported, e["after_recovery"] if e["basis"] == "rerated" else e["original"])
    if e["original"]["nps"] is None:
        assert r.original_nps is None
    else:
        assert r.original_nps == pytest.approx(e["original"]["nps"], abs=TOL["nps"])


@pytest.mark.parametrize("case", DOC["rerated"], ids=lambda c: c["name"])
def test_golden_rerated(case: dict[str, Any]) -> None:
    kwargs = {} if case["basis"] is None else {"basis": case["basis"]}
    # A list with None for "not re-rated".
    _check_rerating(nps.rerated_nps(case["original"], case["rerated"], **kwargs), case["expected"])
    # numpy float with NaN, pandas nullable Int64 and polars with nulls.
    orig = np.array(case["original"], dtype=np.uint8)
    as_float = np.array([math.nan if v is None else v for v in case["rerated"]], dtype=np.float64)
    _check_rerating(nps.rerated_nps(orig, as_float, **kwargs), case["expected"])
    _check_rerating(
        nps.rerated_nps(pd.Series(case["original"]), pd.Series(case["rerated"], dtype="Int64"), **kwargs),
        case["expected"],
    )
    _check_rerating(
        nps.rerated_nps(pl.Series(case["original"]), pl.Series(case["rerated"], dtype=pl.Int64), **kwargs),
        case["expected"],
    )


def test_rerated_scores_are_excluded_by_default() -> None:
    case = DOC["rerated"][0]
    r = nps.rerated_nps(case["original"], case["rerated"])
    plain = nps.Tally.from_scores(case["original"])
    assert r.basis == "original"
    assert r.nps == plain.nps
    assert r.after_recovery_nps != plain.nps


def _close_ln(got: float | None, want: float | None, neg_inf: bool) -> None:
    if want is None:
        assert got is None or (neg_inf and got == -math.inf)
    else:
        assert got is not None
        assert abs(got - want) <= TOL["ln_atol"] + TOL["ln_rtol"] * abs(want)


@pytest.mark.parametrize("case", DOC["flags"], ids=lambda c: c["name"])
def test_golden_flags(case: dict[str, Any]) -> None:
    f = nps.managed_flags(
        case["scores"],
        by=np.array(case["keys"], dtype=np.uint32),
        alpha=case["alpha"],
        min_n=case["min_n"],
        correction=case["correction"],
        rerated=case["rerated"],
    )
    e = case["expected"]
    assert f.comparisons == e["comparisons"]
    assert f.threshold == pytest.approx(e["threshold"], rel=1e-15)
    assert len(f) == len(e["rows"])
    for got, x in zip(f, e["rows"], strict=True):
        assert (got.key, got.test, got.status) == (x["key"], x["test"], x["status"])
        assert (got.n, got.observed, got.network_n, got.network_observed) == (
            x["n"],
            x["observed"],
            x["network_n"],
            x["network_observed"],
        )
        assert got.flagged == (x["status"] == "flagged")
        _close_ln(got.ln_p_value, x["ln_p_value"], x["ln_p_is_neg_inf"])
        _close_ln(got.ln_min_p_value, x["ln_min_p_value"], x["ln_min_is_neg_inf"])
        if x["p_value"] is None:
            assert got.p_value is None
        else:
            assert got.p_value == pytest.approx(x["p_value"], rel=1e-9, abs=1e-300)
            assert 0.0 <= got.p_value <= 1.0
    # Tables.
    df = f.to_pandas()
    assert list(df["status"]) == [x["status"] for x in e["rows"]]
    assert df["p_value"].dtype == "Float64"
    pf = f.to_polars()
    assert pf.height == len(e["rows"])
    assert pf["flagged"].sum() == sum(x["status"] == "flagged" for x in e["rows"])


def test_string_keys_and_row_order() -> None:
    case = DOC["flags"][0]
    names = [f"dealer-{k}" for k in case["keys"]]
    f = nps.managed_flags(case["scores"], by=pd.Series(names), rerated=case["rerated"], min_n=20)
    rev = nps.managed_flags(case["scores"][::-1], by=pl.Series(names[::-1]), rerated=case["rerated"][::-1], min_n=20)
    assert [(r.key, r.test, r.status, r.p_value) for r in f] == [(r.key, r.test, r.status, r.p_value) for r in rev]
    assert {r.key for r in f.flagged()} == {"dealer-4", "dealer-5", "dealer-8"}


@pytest.mark.parametrize("case", DOC["errors"], ids=lambda c: c["name"])
def test_golden_errors(case: dict[str, Any]) -> None:
    exc = {
        "invalid_score": nps.InvalidScoreError,
        "invalid_value": nps.InvalidValueError,
        "length_mismatch": nps.LengthMismatchError,
    }[case["kind"]]
    with pytest.raises(exc) as info:
        nps.rerated_nps(case["original"], case["rerated"])
    if case["index"] is not None:
        assert str(case["index"]) in str(info.value)
    if case["kind"] != "invalid_score":
        assert case["column"] in str(info.value)


def test_bad_input() -> None:
    with pytest.raises(nps.InvalidArgumentError):
        nps.rerated_nps([9], [None], basis="after")  # type: ignore[arg-type]
    with pytest.raises(nps.InvalidScoreError):
        nps.rerated_nps([9, math.nan], [None, None])
    with pytest.raises(TypeError):
        nps.rerated_nps(9, [None])  # type: ignore[arg-type]
    for alpha in (0.0, 1.0, math.nan, -1.0):
        with pytest.raises(nps.InvalidArgumentError):
            nps.managed_flags([9, 10], by=[1, 2], alpha=alpha)
    with pytest.raises(nps.InvalidArgumentError):
        nps.managed_flags([9, 10], by=[1, 2], min_n=-1)
    with pytest.raises(nps.InvalidArgumentError):
        nps.managed_flags([9, 10], by=[1, 2], correction="holm")  # type: ignore[arg-type]
    with pytest.raises(nps.LengthMismatchError):
        nps.managed_flags([9, 10], by=[1])
    with pytest.raises(nps.LengthMismatchError):
        nps.managed_flags([9, 10], by=[1, 2], rerated=[None])
    with pytest.raises(nps.InvalidScoreError):
        nps.managed_flags([9, 11], by=[1, 2])
    with pytest.raises(nps.InvalidValueError):
        nps.managed_flags([3, 10], by=[1, 2], rerated=[12, None])
    f = nps.managed_flags([9, 10], by=["a", "b"])
    with pytest.raises(IndexError):
        f[6]
    assert f[-1].key == "b"
    assert "ManagedFlags" in repr(f)


def test_invalid_scores_can_be_skipped() -> None:
    f = nps.managed_flags([10, None, 9, 11, 3], by=[1, 1, 2, 2, 2], min_n=0, invalid="skip")
    clean = nps.managed_flags([10, 9, 3], by=[1, 2, 2], min_n=0)
    assert f.skipped == 2
    assert [(r.key, r.test, r.p_value, r.status) for r in f] == [(r.key, r.test, r.p_value, r.status) for r in clean]
    with pytest.raises(nps.InvalidArgumentError):
        nps.managed_flags([9], by=[1], invalid="drop")  # type: ignore[arg-type]


def test_golden_rerated_by() -> None:
    case = DOC["rerated_by"]
    names = [f"d{k}" for k in case["keys"]]
    for by, keys in ((np.array(case["keys"], dtype=np.uint32), None), (pl.Series(names), "d")):
        table = nps.rerated_nps_by(case["original"], case["rerated"], by, basis=case["basis"])
        assert len(table) == len(case["expected"])
        for got, e in zip(table, case["expected"], strict=True):
            assert got.key == (e["key"] if keys is None else f"d{e['key']}")
            _check_rerating(got, e)
        df = table.to_pandas()
        assert list(df["rerated"]) == [e["rerated"] for e in case["expected"]]
        assert table.to_polars().height == len(case["expected"])
    assert nps.rerated_nps([9], [None]).key is None
    with pytest.raises(nps.LengthMismatchError):
        nps.rerated_nps_by([9, 3], [None, 8], [1])
