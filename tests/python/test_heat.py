"""Heat maps and Erlang C through the Python API: every vector of
tests/golden/heat_vectors.json (written by the independent stdlib oracle
tests/golden/gen_heat_vectors.py; schema in tests/golden/README.md; the
Rust and C suites read the same file), column types, tables and bad input.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import math
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pytest

import nps

VECTORS: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[1] / "golden" / "heat_vectors.json").read_text("utf-8")
)
ERRORS = {
    cls.kind: cls
    for cls in vars(nps).values()
    if isinstance(cls, type) and issubclass(cls, nps.NpsError) and cls is not nps.NpsError
}


def same(got: float | None, want: float | None, tol: float = 1e-12) -> bool:
    if want is None or got is None:
        return got is None and want is None
    return abs(got - want) <= tol * max(1.0, abs(want))


def check_map(m: nps.HeatMap, exp: dict[str, Any]) -> None:
    assert m.total_heat == exp["total_heat"]
    r = m.ranked().to_dict()
    want = exp["ranked"]
    assert len(m) == len(want)
    for i, w in enumerate(want):
        assert r["rank"][i] == w["rank"]
        assert r["stage"][i] == w["stage"]
        assert r["point"][i] == w["point"]
        assert r["mentions"][i] == w["mentions"]
        assert r["heat"][i] == w["heat"]
        for k in ("pain", "share", "cumulative_share"):
            assert same(r[k][i], w[k]), (k, i)
    s = m.by_stage().to_dict()
    for i, w in enumerate(exp["by_stage"]):
        for k in ("stage", "points", "mentions", "heat", "top_point", "top_heat"):
            assert s[k][i] == w[k], (k, i)
        assert same(s["share"][i], w["share"]) and same(s["pain"][i], w["pain"])
    for p in exp["pareto"]:
        assert len(m.pareto(share=p["share"])) == p["count"]


@pytest.mark.parametrize("case", VECTORS["heat"], ids=lambda c: c["name"])
def test_golden_rows(case: dict[str, Any]) -> None:
    m = nps.HeatMap.from_rows(case["stages"], case["points"], case["mentions"], case["pain"])
    check_map(m, case["expect"])
    check_drivers(m, case["expect"]["drivers"])


def check_drivers(m: Any, want: list[dict[str, Any]]) -> None:
    """The driver view (default policy's rules) against the oracle."""
    d = m.drivers().to_dict()
    assert len(d["driver"]) == len(want)
    for i, w in enumerate(want):
        assert d["driver"][i] == w["driver"]
        assert d["weight"][i] == w["weight"]
        assert d["heat"][i] == w["heat"]
        assert d["stages"][i] == ",".join(w["stages"])
        assert d["points"][i] == " | ".join(w["points"])
        assert same(d["share"][i], w["share"])


def test_source_table_headline() -> None:
    case = VECTORS["heat"][0]
    m = nps.HeatMap.from_rows(
        pd.Series(case["stages"]),
        pl.Series(case["points"]),
        np.array(case["mentions"], dtype=np.uint64),
        np.array(case["pain"], dtype=np.int8),
    )
    top = m.ranked().to_pandas().iloc[0]
    assert (top["stage"], top["mentions"], top["heat"]) == ("reception", 893, 8037)
    # Waiting: the queue, the app, checkout and the silence while waiting
    # for the repair (the source's 5117 is waiting, not repair quality).
    assert m.drivers(policy=nps.Policy.default()).to_dict()["heat"][0] == 8037 + 762 + 1716 + 5117


def test_driver_rules_are_policy_data() -> None:
    """Rules from a policy document, from ``rules=`` and from a stage
    ``mapping``; heat no rule assigns is the ``unmapped`` row."""
    m = nps.HeatMap.from_rows(["repair", "repair", "delivery"], ["waited for parts", "rattle", "bill"],
                              [10, 4, 3], [5, 5, 5])
    p = json.loads(nps.Policy.default().to_json())
    p["pain_point_drivers"] = [{"driver": "parts_availability", "points": ["waited for parts"]},
                               {"driver": "repair_quality", "stages": ["repair"]}]
    d = m.drivers(policy=nps.Policy.from_json(json.dumps(p))).to_dict()
    got = dict(zip(d["driver"], d["heat"]))
    assert got["parts_availability"] == 50 and got["repair_quality"] == 20
    assert got["unmapped"] == 15 and d["driver"][-1] == "unmapped"
    assert d["weight"][d["driver"].index("parts_availability")] is None
    d = m.drivers(rules=[{"driver": "waiting_time", "keywords": ["WAIT"]}]).to_dict()
    assert dict(zip(d["driver"], d["heat"]))["waiting_time"] == 50
    d = m.drivers(mapping={"repair": "repair_quality", "delivery": "price_transparency"}).to_dict()
    assert dict(zip(d["driver"], d["heat"]))["repair_quality"] == 70
    with pytest.raises(nps.InvalidArgumentError, match="rules"):
        m.drivers(rules=[{"driver": "x"}])
    with pytest.raises(nps.InvalidArgumentError, match="mapping"):
        m.drivers(rules=[], mapping={"repair": "x"})
    p["pain_point_drivers"] = [{"driver": "", "keywords": [""]}]
    with pytest.raises(nps.InvalidPolicyError) as e:
        nps.Policy.from_json(json.dumps(p))
    assert "pain_point_drivers[0].driver" in str(e.value)
    assert "pain_point_drivers[0].keywords[0]" in str(e.value)


@pytest.mark.parametrize("case", VECTORS["records"], ids=lambda c: c["name"])
def test_golden_records(case: dict[str, Any]) -> None:
    at = [dt.datetime.fromtimestamp(t, dt.timezone.utc) for t in case["timestamps"]]
    m = nps.HeatMap.from_records(
        case["stages"],
        case["points"],
        case["pain"],
        by=case["keys"],
        at=at,
        period=case["period"],
        tz=case["tz"],
    )
    check_map(m, case["expect"])
    check_drivers(m, case["expect"]["drivers"])
    for by, key in (("key", "matrix_key"), ("period", "matrix_period")):
        d = m.matrix(by=by).to_dict()
        w = case["expect"][key]
        cols = w["columns"]
        assert d["column"][: len(cols)] == cols
        for s, stage in enumerate(VECTORS["stages"]):
            for c in range(len(cols)):
                i = s * len(cols) + c
                assert d["stage"][i] == stage
                assert d["heat"][i] == w["heat"][s][c]
                assert d["mentions"][i] == w["mentions"][s][c]
    # Unix seconds work as well as datetimes.
    m2 = nps.HeatMap.from_records(
        case["stages"], case["points"], case["pain"], at=np.array(case["timestamps"]),
        tz=case["tz"],
    )
    assert m2.matrix(by="period").to_dict() == m.matrix(by="period").to_dict()


@pytest.mark.parametrize("case", VECTORS["bad_heat"], ids=lambda c: c["name"])
def test_golden_bad_input(case: dict[str, Any]) -> None:
    err = case["error"]
    with pytest.raises(ERRORS[err["kind"]]) as info:
        nps.HeatMap.from_rows(case["stages"], case["points"], case["mentions"], case["pain"])
    if err["index"] is not None:
        assert info.value.index == err["index"]
    if err["column"] is not None:
        assert f"`{err['column']}`" in str(info.value)


def test_bad_input_types() -> None:
    ok = (["repair"], ["x"], [1], [5])
    with pytest.raises(nps.InvalidValueError):  # NaN mentions
        nps.HeatMap.from_rows(["repair"], ["x"], [math.nan], [5])
    with pytest.raises(nps.InvalidValueError):  # fractional pain
        nps.HeatMap.from_rows(["repair"], ["x"], [1], [5.5])
    with pytest.raises(TypeError):
        nps.HeatMap.from_rows([1], ["x"], [1], [5])  # stages must be strings
    with pytest.raises(TypeError):
        nps.HeatMap.from_rows(["repair"], ["x"], ["many"], [5])
    m = nps.HeatMap.from_rows(*ok)
    for share in (0.0, 1.5, math.nan):
        with pytest.raises(nps.InvalidArgumentError):
            m.pareto(share)
    with pytest.raises(nps.InvalidArgumentError):
        m.matrix(by="key")  # no keys
    with pytest.raises(nps.InvalidArgumentError):
        m.matrix(by="dealer")
    with pytest.raises(nps.InvalidArgumentError):
        m.drivers(mapping={"billing": "waiting_time"})
    with pytest.raises(nps.UnknownTimeZoneError):
        nps.HeatMap.from_records(["repair"], ["x"], [5], at=[0], tz="Mars/Olympus")
    with pytest.raises(nps.InvalidArgumentError):
        nps.HeatMap.from_records(["repair"], ["x"], [5], at=[0], period="fortnight")
    with pytest.raises(nps.LengthMismatchError):
        nps.HeatMap.from_records(["repair"], ["x"], [5], by=["a", "b"])
    zero = nps.HeatMap.from_rows(["repair"], ["x"], [0], [5])
    with pytest.raises(nps.NoDataError):
        zero.pareto()
    assert zero.ranked().to_dict()["share"] == [None]


def test_frames() -> None:
    case = VECTORS["heat"][0]
    m = nps.HeatMap.from_rows(case["stages"], case["points"], case["mentions"], case["pain"])
    df = m.by_stage().to_pandas()
    assert list(df["heat"]) == [b["heat"] for b in case["expect"]["by_stage"]]
    assert str(df["share"].dtype) == "Float64"
    pf = m.pareto().to_polars()
    assert pf.height == 4 and pf["heat"].dtype == pl.UInt64
    zero = nps.HeatMap.from_rows(["repair"], ["x"], [0], [5]).by_stage().to_pandas()
    assert zero["share"].isna().all()


@pytest.mark.skipif(
    importlib.util.find_spec("matplotlib") is None, reason="matplotlib is not installed"
)
def test_plot_agg() -> None:
    import matplotlib

    matplotlib.use("Agg")
    case = VECTORS["records"][0]
    m = nps.HeatMap.from_records(case["stages"], case["points"], case["pain"], by=case["keys"])
    cols = m.matrix(by="key").to_dict()
    ax = m.plot(by="key")
    grid = ax.images[0].get_array()
    stages = list(dict.fromkeys(cols["stage"]))
    labels = list(dict.fromkeys(cols["column"]))
    assert grid.shape == (len(stages), len(labels))
    # Every cell shows the matrix's heat for its stage and column.
    for stage, column, heat in zip(cols["stage"], cols["column"], cols["heat"]):
        assert grid[stages.index(stage), labels.index(column)] == heat
    assert [t.get_text() for t in ax.get_yticklabels()] == stages
    # Without `by`, the journey view (nps.plot.heatmap): one column per
    # stage in journey order, its top pain points by heat from the top.
    ax = m.plot()
    image = ax.images[0].get_array()
    ranked = m.ranked().to_dict()
    assert [t.get_text() for t in ax.get_xticklabels()] == m.by_stage().to_dict()["stage"]
    for c, stage in enumerate(m.by_stage().to_dict()["stage"]):
        heat = [h for s, h in zip(ranked["stage"], ranked["heat"]) if s == stage][:5]
        assert [v for v in image[:, c].tolist() if v is not None] == heat


def test_plot_without_matplotlib(monkeypatch: pytest.MonkeyPatch) -> None:
    # A None entry in sys.modules makes the import fail as if not installed.
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    m = nps.HeatMap.from_rows(["repair"], ["x"], [1], [5])
    with pytest.raises(ImportError, match=r"pip install nps\[plot\]"):
        m.plot()


@pytest.mark.parametrize("case", VECTORS["erlang"], ids=lambda c: c["name"])
def test_erlang_golden(case: dict[str, Any]) -> None:
    q = nps.erlang_c(
        arrival_rate=case["arrival_rate"],
        service_time=case["service_time"],
        servers=case["servers"],
        target_wait=case["target_wait"],
    )
    rtol = VECTORS["erlang_rtol"]
    assert q.status == case["status"]
    assert math.isclose(q.utilization, case["utilization"], rel_tol=rtol)
    if case["status"] == "unstable":
        assert not q.stable and q.prob_wait is None and q.mean_wait is None
        return
    for k in ("prob_wait", "mean_wait", "mean_response", "offered_load"):
        assert math.isclose(getattr(q, k), case[k], rel_tol=rtol), k
    if case["target_wait"] is None:
        assert q.within_target is None
    else:
        assert math.isclose(q.within_target, case["within_target"], rel_tol=rtol)


@pytest.mark.parametrize("case", VECTORS["servers_needed"], ids=lambda c: str(c["servers"]))
def test_servers_needed_golden(case: dict[str, Any]) -> None:
    q = nps.servers_needed(
        arrival_rate=case["arrival_rate"],
        service_time=case["service_time"],
        target_wait=case["target_wait"],
        target_share=case["target_share"],
        max_mean_wait=case["max_mean_wait"],
    )
    assert q.servers == case["servers"]
    assert math.isclose(q.within_target, case["within_target"], rel_tol=1e-9)


@pytest.mark.parametrize("case", VECTORS["erlang_bad"], ids=lambda c: c["name"])
def test_erlang_bad(case: dict[str, Any]) -> None:
    with pytest.raises(nps.InvalidArgumentError, match=case["name"]):
        nps.erlang_c(
            arrival_rate=case["arrival_rate"],
            service_time=case["service_time"],
            servers=case["servers"],
        )


def test_erlang_bad_types() -> None:
    with pytest.raises(nps.InvalidArgumentError):
        nps.erlang_c(arrival_rate=math.nan, service_time=1.0, servers=1)
    with pytest.raises(nps.InvalidArgumentError):
        nps.erlang_c(arrival_rate=1.0, service_time=1.0, servers=2, target_wait=-1.0)
    # Issue 10 (12): a negative count is an InvalidArgumentError, not an OverflowError.
    with pytest.raises(nps.InvalidArgumentError, match="servers"):
        nps.erlang_c(arrival_rate=1.0, service_time=1.0, servers=-1)
    with pytest.raises(TypeError):
        nps.erlang_c(1.0, 1.0, 1)  # type: ignore[misc]  # keywords only
    with pytest.raises(nps.InvalidArgumentError):
        nps.servers_needed(arrival_rate=1.0, service_time=1.0, target_wait=1.0, target_share=1.0)
