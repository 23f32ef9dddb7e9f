"""Flow reports are partial results: the reports of a partition of the
repair orders merge (``a.merge(b)``, ``a + b``, ``sum([...])``) into the
report of one pass — medians and 90th percentiles included — and pickle
exactly, categorical keys kept. A repair order split across two parts is
an error naming it."""

from __future__ import annotations

import pickle

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nps

NAMES = ["booked", "arrived", "greeted", "inspected", "diagnosed", "authorized",
         "repair_started", "repair_finished", "delivered", "left", "promised", "updated"]
KINDS = ("stages", "promises", "silence")
MON = 1_709_510_400  # Monday 2024-03-04 00:00 UTC; the US clocks change on 03-10

rows = st.lists(st.tuples(st.integers(0, 15), st.sampled_from(NAMES),
                          st.integers(0, 12 * 86_400)), max_size=80)


def frame(rs: list[tuple[int, str, int]], categorical: bool = False) -> pd.DataFrame:
    # A typed frame even without rows (an empty list gives object columns).
    df = pd.DataFrame(rs or [(0, "arrived", 0)], columns=["ro", "milestone", "at"]).iloc[:len(rs)]
    df["at"] = df["at"] + MON
    df["dealer"] = [f"d{r % 3}" for r in df["ro"]]
    if categorical:
        df["dealer"] = pd.Categorical(df["dealer"], categories=["d0", "d1", "d2"])
    return df


def run(kind: str, df: pd.DataFrame):
    return getattr(nps.flow, kind)(df, by="dealer", period="day", tz="America/New_York")


@settings(max_examples=40, deadline=None)
@given(rows, st.lists(st.integers(0, 2), min_size=16, max_size=16))
def test_merge_of_a_partition_equals_one_pass(rs, part_of):
    df = frame(rs)
    parts = [df.loc[pd.Series([part_of[r] == k for r in df["ro"]], index=df.index, dtype=bool)]
             for k in range(3)]
    for kind in KINDS:
        whole = run(kind, df)
        a, b, c = (run(kind, p) for p in parts)
        assert a.merge(b).merge(c) == whole
        assert a.merge(b.merge(c)) == whole
        assert a + b + c == whole
        assert sum([a, b, c]) == whole
        assert (a + b + c).to_dict() == whole.to_dict()
        if kind == "stages":
            assert (a + b + c).groups(to="dict") == whole.groups(to="dict")
            assert (a + b + c).lead_time == whole.lead_time
        assert sorted((a + b + c).anomaly_list, key=str) == sorted(whole.anomaly_list, key=str)


@settings(max_examples=25, deadline=None)
@given(rows, st.lists(st.integers(0, 1), min_size=16, max_size=16))
def test_pickle_round_trip_then_merge(rs, part_of):
    df = frame(rs, categorical=True)
    parts = [df.loc[pd.Series([part_of[r] == k for r in df["ro"]], index=df.index, dtype=bool)]
             for k in range(2)]
    for kind in KINDS:
        a, b = (run(kind, p) for p in parts)
        a2, b2 = (pickle.loads(pickle.dumps(x)) for x in (a, b))
        assert a2 == a and b2 == b
        merged = a2 + b2
        assert merged == run(kind, df)
        out = merged.to_pandas()
        if len(out):
            assert isinstance(out["dealer"].dtype, pd.CategoricalDtype)
            assert list(out["dealer"].cat.categories) == ["d0", "d1", "d2"]


def test_the_source_promise_merges_and_a_split_repair_order_is_named():
    # Promised 2 h, took 4 h (+100 %) and promised 2 h, took 5 h (+150 %).
    h = 3600
    one = pd.DataFrame({"ro": ["r1"] * 3, "milestone": ["arrived", "promised", "repair_finished"],
                        "at": [0, 2 * h, 4 * h]})
    two = pd.DataFrame({"ro": ["r2"] * 3, "milestone": ["arrived", "promised", "repair_finished"],
                        "at": [0, 2 * h, 5 * h]})
    p = nps.flow.promises(one) + nps.flow.promises(two)
    assert p.overrun_relative.mean == 1.25 and p.on_time == 0.0
    assert p.overrun_s.median == 2.5 * h
    # r1's milestones in two parts: its timeline cannot be judged.
    with pytest.raises(nps.InvalidArgumentError, match="repair order `r1`") as e:
        nps.flow.promises(one.iloc[:2]) + nps.flow.promises(one.iloc[2:])
    assert e.value.argument == "other"
    # Another kind, other options: errors naming other.
    with pytest.raises(nps.InvalidArgumentError, match="merges only with another"):
        nps.flow.promises(one).merge(nps.flow.silence(two))
    with pytest.raises(nps.InvalidArgumentError, match="promise ends"):
        nps.flow.promises(one) + nps.flow.promises(two, promise_end="delivered")
    with pytest.raises(nps.InvalidArgumentError, match="period"):
        nps.flow.stages(one.assign(at=one["at"] + MON), period="day") + nps.flow.stages(two)
    with pytest.raises(TypeError):
        nps.flow.stages(one) + 1
    assert 0 + nps.flow.stages(one) == nps.flow.stages(one)
