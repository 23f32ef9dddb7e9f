"""Several key columns in the heat map from records and in the recovery
programme statistics (issue 9, 3), with hand-computed values. The same
cases as tests/c/test_multikey.c and tests/c/test_cases.c."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

import nps

STAGES = ["repair", "repair", "reception", "repair"]
POINTS = ["a", "a", "q", "a"]
PAIN = [3, 5, 7, 2]
DEALER = np.array([20, 10, 10, 20], dtype=np.uint64)
ADVISOR = ["bo", "al", "al", "al"]


def matrix(m: nps.HeatMap) -> tuple[list[str], dict[tuple[str, str], int]]:
    d = m.matrix(by="key").to_dict()
    cols = list(dict.fromkeys(d["column"]))
    heat = {(s, c): h for s, c, h in zip(d["stage"], d["column"], d["heat"])}
    return cols, heat


def test_heat_map_by_integer_key() -> None:
    cols, heat = matrix(nps.HeatMap.from_records(STAGES, POINTS, PAIN, by=DEALER))
    assert cols == ["10", "20"]  # integer order, labelled by the key's text
    assert heat[("repair", "10")] == 5
    assert heat[("repair", "20")] == 5
    assert heat[("reception", "10")] == 7


def test_heat_map_by_several_key_columns() -> None:
    m = nps.HeatMap.from_records(STAGES, POINTS, PAIN, by=[DEALER, ADVISOR])
    cols, heat = matrix(m)
    assert cols == ["10 | al", "20 | al", "20 | bo"]
    assert [heat[("repair", c)] for c in cols] == [5, 2, 3]
    assert [heat[("reception", c)] for c in cols] == [7, 0, 0]
    # A string column alone still works as before.
    cols, _ = matrix(nps.HeatMap.from_records(STAGES, POINTS, PAIN, by=ADVISOR))
    assert cols == ["al", "bo"]
    with pytest.raises(nps.LengthMismatchError):
        nps.HeatMap.from_records(STAGES, POINTS, PAIN, by=[DEALER, ADVISOR[:3]])


AT = dt.datetime(2025, 6, 2, 2, tzinfo=dt.timezone.utc)


def case(case_id: str, dealer: str, contacted: bool = False) -> nps.Case:
    opened = {"kind": "opened", "at": AT, "score": 3, "reason": "wait", "dealer": dealer,
              "high_value": False, "public_opinion_risk": False}
    c = nps.Case.from_events([opened], case_id=case_id)
    if contacted:
        c.apply({"kind": "acknowledged", "at": AT + dt.timedelta(minutes=10)})
        c.apply({"kind": "contacted", "at": AT + dt.timedelta(hours=2), "channel": "phone"})
    return c


def test_recovery_stats_by_keys() -> None:
    cases = [case("a", "D1"), case("b", "D1", contacted=True), case("c", "D2")]
    advisor = [7, 8, 7]
    t = nps.recovery_stats(cases, keys=advisor)
    d = t.to_dict()
    assert d["key"] == [7, 8]
    assert d["low_scores"] == [2, 1]
    assert d["launched"] == [0, 1]
    assert "dealer" not in d and "period" not in d  # only the columns grouped by
    t = nps.recovery_stats(cases, by="dealer", keys=[["N", "N", "S"], advisor])
    d = t.to_dict()
    assert d["dealer"] == ["D1", "D1", "D2"]
    # One column per key column (unnamed lists: key_0, key_1).
    assert list(zip(d["key_0"], d["key_1"])) == [("N", 7), ("N", 8), ("S", 7)]
    # Named key columns (Series) name the table's columns.
    import pandas as pd

    named = nps.recovery_stats(cases, by="dealer", keys=[pd.Series(["N", "N", "S"], name="region"),
                                                         pd.Series(advisor, name="advisor")])
    assert list(named.to_pandas().columns[:3]) == ["dealer", "region", "advisor"]
    assert d["launch_rate"] == [0.0, 1.0, 0.0]
    # Without keys the table has no key column, as before.
    assert "key" not in nps.recovery_stats(cases, by="dealer").to_dict()
    with pytest.raises(nps.LengthMismatchError):
        nps.recovery_stats(cases, keys=[7, 8])
