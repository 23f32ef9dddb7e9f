"""Every vector of tests/golden/vectors.json, through the Python API.

The vectors come from an independent oracle (tests/golden/gen_vectors.py,
exact fractions and 50-digit decimals); the same file drives the Rust and C
suites, so the three languages cannot drift.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pytest

import nps
from conftest import close, load_golden, p_close, scores_of

G = load_golden()


def ids(section: str) -> list[str]:
    return [v["name"] for v in G[section]]


def error_class(kind: str) -> type[nps.NpsError]:
    """The exception class of a kind, found through the classes' own `.kind`."""
    classes = [c for c in vars(nps).values() if isinstance(c, type) and issubclass(c, nps.NpsError)]
    matches = [c for c in classes if getattr(c, "kind", None) == kind]
    assert len(matches) == 1, f"one exception class per kind, got {matches} for {kind}"
    return matches[0]


def score_columns(values: list[Any]) -> list[Any]:
    """The same scores as a list, a float64 array, a pandas and a polars Series
    (and an int64 array when they are all integers)."""
    s = scores_of(values)
    cols: list[Any] = [s, np.array(s, dtype=np.float64), pd.Series(s, dtype="float64"), pl.Series(s, dtype=pl.Float64)]
    if all(isinstance(v, int) for v in s):
        cols.append(np.array(s, dtype=np.int64))
    return cols


def build_tally(vector: dict[str, Any], column: Any = None) -> nps.Tally:
    inp = vector["input"]
    invalid = vector.get("invalid", "raise")
    if "counts" in inp:
        return nps.Tally.from_counts(inp["counts"])
    if "categories" in inp:
        d, pa, p = inp["categories"]
        return nps.Tally(detractors=d, passives=pa, promoters=p)
    col = scores_of(inp["scores"]) if column is None else column
    return nps.Tally.from_scores(col, weights=vector.get("weights"), invalid=invalid)


def check_stat(t: nps.Tally, name: str, expected: float | None, tol: float) -> None:
    if expected is None:
        with pytest.raises(nps.NoDataError) as e:
            getattr(t, name)
        assert e.value.kind == "no_data"
    else:
        assert close(getattr(t, name), expected, tol), (name, getattr(t, name), expected)


@pytest.mark.parametrize("v", G["tallies"], ids=ids("tallies"))
def test_tally(v: dict[str, Any]) -> None:
    columns: list[Any] = [None]
    if "scores" in v["input"]:
        columns = score_columns(v["input"]["scores"])
    for column in columns:
        if "error" in v:
            err = v["error"]
            with pytest.raises(error_class(err["kind"])) as e:
                build_tally(v, column)
            assert e.value.kind == err["kind"]
            if "index" in err:
                assert e.value.index == err["index"]  # type: ignore[attr-defined]
            continue
        t = build_tally(v, column)
        ex, tol = v["expect"], v["tol"]
        assert t.n == ex["n"]
        assert t.skipped == ex["skipped"]
        if "weights" in v:
            # Weighted: the golden category values are weight totals.
            assert t.weighted
            d, pa, p = t.category_weights  # type: ignore[misc]
            assert close(d, ex["detractors"], tol) and close(pa, ex["passives"], tol)
            assert close(p, ex["promoters"], tol)
            assert close(t.effective_n, ex["effective_n"], tol)
        else:
            assert not t.weighted
            assert (t.detractors, t.passives, t.promoters) == (ex["detractors"], ex["passives"], ex["promoters"])
        for stat in ("nps", "mean", "variance", "se"):
            check_stat(t, stat, ex[stat], tol)


def categories(c: list[int]) -> nps.Tally:
    return nps.Tally(detractors=c[0], passives=c[1], promoters=c[2])


@pytest.mark.parametrize("v", G["intervals"], ids=ids("intervals"))
def test_interval(v: dict[str, Any]) -> None:
    t = categories(v["categories"])
    opts = v.get("options", {})
    call = lambda: t.interval(v["method"], v["confidence"], **opts)  # noqa: E731
    if "error" in v:
        with pytest.raises(error_class(v["error"]["kind"])):
            call()
        return
    ci = call()
    ex, tol = v["expect"], v["tol"]
    assert ci.method == v["method"]
    assert ci.confidence == v["confidence"]
    assert close(ci.low, ex["low"], tol), (ci.low, ex["low"])
    assert close(ci.high, ex["high"], tol), (ci.high, ex["high"])
    assert close(ci.center, ex["center"], tol)


def check_test_result(r: nps.TestResult, v: dict[str, Any]) -> None:
    ex, tol = v["expect"], v["tol"]
    assert r.method == v["method"] and r.alternative == v["alternative"]
    assert close(r.difference, ex["difference"], tol)
    assert close(r.se, ex["se"], tol)
    assert close(r.statistic, ex["statistic"], tol)
    assert p_close(r.p_value, ex["p_value"], v["p_rtol"]), (r.p_value, ex["p_value"])
    assert close(r.interval.low, ex["low"], tol) and close(r.interval.high, ex["high"], tol)
    if r.p_value > 0:
        assert abs(np.log(r.p_value) - r.ln_p_value) < 1e-9


@pytest.mark.parametrize("v", G["tests"], ids=ids("tests"))
def test_benchmark_test(v: dict[str, Any]) -> None:
    t = categories(v["categories"])
    call = lambda: nps.test_benchmark(t, v["benchmark"], v["method"], v["confidence"], v["alternative"])  # noqa: E731
    if "error" in v:
        with pytest.raises(error_class(v["error"]["kind"])):
            call()
        return
    check_test_result(call(), v)


@pytest.mark.parametrize("v", G["comparisons"], ids=ids("comparisons"))
def test_comparison(v: dict[str, Any]) -> None:
    a, b = categories(v["a"]), categories(v["b"])
    call = lambda: nps.compare(a, b, method=v["method"], confidence=v["confidence"], alternative=v["alternative"])  # noqa: E731
    if "error" in v:
        with pytest.raises(error_class(v["error"]["kind"])):
            call()
        return
    check_test_result(call(), v)


@pytest.mark.parametrize("v", G["compare_many"], ids=ids("compare_many"))
def test_compare_many(v: dict[str, Any]) -> None:
    pairs = [(categories(p["a"]), categories(p["b"])) for p in v["pairs"]]
    call = lambda: nps.compare_many(pairs, v["adjust"], v["method"], v["confidence"], v["alternative"])  # noqa: E731
    if "error" in v:
        with pytest.raises(error_class(v["error"]["kind"])) as e:
            call()
        assert e.value.pair_index == v["error"]["index"]  # type: ignore[attr-defined]
        return
    got = call()
    assert len(got) == len(v["expect"])
    tol, rtol, ln_tol = v["tol"], v["p_rtol"], v["ln_tol"]
    for i, (r, ex) in enumerate(zip(got, v["expect"])):
        t = r.result
        assert t.method == v["method"] and t.alternative == v["alternative"], i
        assert close(t.difference, ex["difference"], tol), i
        assert close(t.se, ex["se"], tol), i
        assert close(t.statistic, ex["statistic"], tol), i
        assert close(t.interval.low, ex["low"], tol) and close(t.interval.high, ex["high"], tol), i
        assert p_close(t.p_value, ex["p_value"], rtol), (i, t.p_value, ex["p_value"])
        assert close(t.ln_p_value, ex["ln_p_value"], ln_tol), (i, t.ln_p_value)
        assert p_close(r.p_adjusted, ex["p_adjusted"], rtol), (i, r.p_adjusted, ex["p_adjusted"])
        assert close(r.ln_p_adjusted, ex["ln_p_adjusted"], ln_tol), (i, r.ln_p_adjusted)
        assert r.significant is ex["significant"], i


@pytest.mark.parametrize("v", G["sample_sizes"], ids=ids("sample_sizes"))
def test_sample_size(v: dict[str, Any]) -> None:
    call = lambda: nps.sample_size(  # noqa: E731
        margin=v["margin"],
        promoters=v["promoters"],
        detractors=v["detractors"],
        confidence=v["confidence"],
        population=v["population"],
    )
    if "error" in v:
        with pytest.raises(error_class(v["error"]["kind"])):
            call()
        return
    n = call()
    assert isinstance(n, int) and n == v["expect"]["n"]


def group_rows(r: nps.GroupResult) -> list[dict[str, Any]]:
    return [
        {
            "key": g.key,
            "period": g.period,
            "n": g.tally.n,
            "detractors": g.tally.detractors,
            "passives": g.tally.passives,
            "promoters": g.tally.promoters,
            "thin": g.thin,
        }
        for g in r
    ]


@pytest.mark.parametrize("v", G["groups"], ids=ids("groups"))
@pytest.mark.parametrize("form", ["list", "numpy", "datetime64"])
def test_group(v: dict[str, Any], form: str) -> None:
    keys, ts, resp = v["keys"], v["timestamps"], v["respondents"]
    scores: Any = scores_of(v["scores"])
    if form != "list":
        scores = np.array(scores, dtype=np.float64)
        keys = None if keys is None else np.array(keys, dtype=np.int64)
        ts = None if ts is None else np.array(ts, dtype=np.int64)
        resp = None if resp is None else np.array(resp, dtype=np.int64)
    if form == "datetime64" and ts is not None:
        ts = ts.astype("datetime64[s]").astype("datetime64[ns]")
    r = nps.group_by(
        keys, scores, timestamps=ts, period=v["period"], tz=v["tz"], respondents=resp, min_n=v["min_n"]
    )
    expected = [{k: e[k] for k in ("key", "period", "n", "detractors", "passives", "promoters", "thin")} for e in v["expect"]]
    assert group_rows(r) == expected
    for g, e in zip(r, v["expect"]):
        if e["nps"] is None:
            with pytest.raises(nps.NoDataError):
                g.tally.nps
        else:
            assert close(g.tally.nps, e["nps"], 1e-9)
