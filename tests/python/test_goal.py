"""Goal tracking against a plan (``nps.track_goal(..., plan_start=...)``):
the golden vectors of tests/golden/goal_vectors.json (written by the
independent oracle tests/golden/gen_goal_vectors.py; shared with Rust and C),
the defaults, bad input and invariants."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nps

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "goal_vectors.json"
V: dict[str, Any] = json.loads(GOLDEN.read_text(encoding="utf-8"))
TOL, TOL_CI = V["tolerance"]["value"], V["tolerance"]["interval"]


def history(h: list[list[int]]) -> list[nps.Tally]:
    return [nps.Tally(d, pa, p) for d, pa, p in h]


def close(got: float | None, want: float | None, tol: float) -> None:
    assert (got is None) == (want is None)
    if want is not None:
        assert got is not None and abs(got - want) <= tol


@pytest.mark.parametrize("v", V["plans"], ids=[v["name"] for v in V["plans"]])
def test_golden_plan(v: dict[str, Any]) -> None:
    g = nps.track_goal(history(v["history"]), target=v["target"], months=v["months"],
                       plan_start=v["plan_start"], confidence=v["confidence"])
    p, w = g.plan, v["plan"]
    assert p is not None
    assert (p.start, p.due, len(p)) == (w["start"], w["due"], len(w["months"]))
    close(p.start_value, w["start_value"], TOL)
    close(p.trend, w["trend"], TOL)
    for m, e in zip(p.months, w["months"]):
        assert (m.month, m.n, m.status) == (e["month"], e["n"], e["status"])
        close(m.planned, e["planned"], TOL)
        close(m.actual, e["actual"], TOL)
        close(m.low, e["low"], TOL_CI)
        close(m.high, e["high"], TOL_CI)
    pr = w["projected"]
    assert (p.projected.status, p.projected.month, p.projected.low, p.projected.high) == (
        pr["status"], pr["month"], pr["low"], pr["high"])
    df = p.to_pandas()
    assert list(df.columns) == ["month", "planned", "actual", "low", "high", "n", "status"]
    assert list(df["status"]) == [e["status"] for e in w["months"]]
    assert p.to_dict()["actual"] == [m.actual for m in p.months]


def test_defaults_and_invalid() -> None:
    d = V["defaults"]
    c = d["call"]
    g = nps.track_goal(history(c["history"]), target=c["target"], months=c["months"])
    assert g.plan is None and d["plan"] is None and d["plan_start"] is None
    same = nps.track_goal(history(c["history"]), target=c["target"], months=c["months"],
                          confidence=d["confidence"], plan_start=None)
    assert (same.current, same.minimum_detectable_change) == (g.current, g.minimum_detectable_change)
    for b in V["invalid"]:
        with pytest.raises(nps.InvalidArgumentError) as e:
            nps.track_goal(history(b["history"]), target=b["target"], months=b["months"],
                           plan_start=b["plan_start"])
        assert e.value.argument == b["argument"], b["name"]
    with pytest.raises((OverflowError, TypeError)):
        nps.track_goal(history(c["history"]), target=65, months=12, plan_start=-1)


def test_not_reachable_is_an_answer_not_nan() -> None:
    v = next(x for x in V["plans"] if x["name"] == "behind_and_falling")
    p = nps.track_goal(history(v["history"]), target=65, months=12, plan_start=2).plan
    assert p is not None
    assert p.projected.status == "not_reachable" and p.projected.month is None
    assert "behind" in [m.status for m in p.months]
    assert repr(p.projected) == "Projection(status=\"not_reachable\", month=None, low=None, high=None)"


month = st.tuples(st.integers(0, 60), st.integers(0, 60), st.integers(1, 60))


@settings(max_examples=200, deadline=None)
@given(h=st.lists(month, min_size=1, max_size=12), data=st.data(),
       target=st.integers(-100, 100), horizon=st.integers(1, 24))
def test_plan_invariants(h: list[tuple[int, int, int]], data: st.DataObject, target: int,
                         horizon: int) -> None:
    start = data.draw(st.integers(0, len(h) - 1))
    p = nps.track_goal(history([list(x) for x in h]), target=target, months=horizon,
                       plan_start=start).plan
    assert p is not None and len(p.months) == len(h) - start
    assert p.months[0].planned == p.start_value == p.months[0].actual
    for m in p.months:
        assert m.low is not None and m.high is not None and m.actual is not None
        assert m.low <= m.actual <= m.high
        want = "ahead" if m.low > m.planned else "behind" if m.high < m.planned else "on_track"
        assert m.status == want
        if m.month >= horizon:
            assert m.planned == target
    pr = p.projected
    last = p.months[-1]
    if pr.status == "projected":
        assert pr.month is not None and pr.low is not None
        assert last.month < pr.low <= pr.month
        assert pr.high is None or pr.month <= pr.high
        assert p.trend is not None and p.trend > 0
    elif pr.status == "reached":
        assert last.actual >= target and pr.month == last.month
    elif pr.status == "no_trend":
        assert len(p.months) == 1
    else:
        assert pr.status == "not_reachable" and p.trend is not None
