"""GoalReport.actuals / trend / projected_months (nps-core goal::track)
against an independent oracle: the NPS of each month from its counts, and
numpy's least-squares fit (polyfit) of the months with answers."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import nps

month = st.tuples(st.integers(0, 60), st.integers(0, 60), st.integers(0, 60))


@settings(max_examples=300, deadline=None)
@given(
    history=st.lists(month, min_size=1, max_size=14).filter(lambda h: sum(h[-1]) > 0),
    target=st.integers(-100, 100).map(float),
)
def test_projection_matches_a_least_squares_oracle(history: list[tuple[int, int, int]],
                                                   target: float) -> None:
    tallies = [nps.Tally(d, p, q) for d, p, q in history]
    r = nps.track_goal(tallies, target=target, months=12)
    want = [None if d + p + q == 0 else 100.0 * (q - d) / (d + p + q) for d, p, q in history]
    assert len(r.actuals) == len(want)
    for got, exp in zip(r.actuals, want):
        assert (got is None) == (exp is None)
        if exp is not None:
            assert abs(got - exp) < 1e-9
    xs = [i for i, v in enumerate(want) if v is not None]
    ys = [want[i] for i in xs]
    current = ys[-1]
    if len(xs) < 2:
        assert r.trend is None
        assert r.projected_months == (0 if current >= target else None)
        return
    slope, intercept = np.polyfit(xs, ys, 1)
    assert abs(r.trend - slope) < 1e-7 * max(1.0, abs(slope))
    if current >= target:
        assert r.projected_months == 0
        return
    if slope <= 1e-9:
        if slope < -1e-9:
            assert r.projected_months is None
        return
    line = lambda k: intercept + slope * (len(history) - 1 + k)  # noqa: E731
    k = r.projected_months
    if k is None:
        assert (target - line(0)) / slope > 1200 - 1e-6
    else:
        assert 1 <= k <= 1200
        assert line(k) >= target - 1e-6
        assert k == 1 or line(k - 1) < target + 1e-6


def test_projection_by_hand() -> None:
    # NPS 0, 10, 20 (slope 10) from 20 at the last month to 50: month 3.
    h = [nps.Tally(40, 20, 40), nps.Tally(35, 20, 45), nps.Tally(30, 20, 50)]
    r = nps.track_goal(h, target=50, months=6)
    assert r.actuals == (0.0, 10.0, 20.0)
    assert abs(r.trend - 10.0) < 1e-12
    assert r.projected_months == 3
    assert nps.track_goal(h, target=20, months=6).projected_months == 0
    assert nps.track_goal(h[::-1], target=50, months=6).projected_months is None
