"""Issue 10 regressions in Python: grouping allocates O(occurring groups),
string keys do not go quadratic, a key column has one type, and size-like
arguments are bounded. The resource tests run in a subprocess under an
address-space limit and a timeout (hang detectors, not benchmarks)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import polars as pl
import pytest

import nps


def run_limited(code: str, *, mem_bytes: int, timeout: float) -> str:
    prelude = textwrap.dedent(
        f"""
        import resource
        resource.setrlimit(resource.RLIMIT_AS, ({mem_bytes}, {mem_bytes}))
        """
    )
    p = subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(code)],
                       capture_output=True, text=True, timeout=timeout)
    assert p.returncode == 0, f"exit {p.returncode}\n{p.stdout}\n{p.stderr}"
    return p.stdout


def test_extreme_timestamps_allocate_only_occurring_groups() -> None:
    # Used to abort allocating 6.4 GB (every key x every day from year 1 to 9999).
    out = run_limited(
        """
        import numpy as np, nps
        r = nps.group_by(np.arange(20), np.full(20, 9, np.uint8),
                         timestamps=np.where(np.arange(20) % 2 == 0, -62135596800, 253402300799),
                         period="day")
        print(len(r))
        """,
        mem_bytes=1_500_000_000,
        timeout=120,
    )
    assert out.split() == ["20"]


def test_adversarial_string_keys_group_correctly() -> None:
    n = 200_000
    sequential = np.array([f"r{i}" for i in range(n)], dtype=object)
    r = nps.group_by(sequential, np.full(n, 9, np.uint8), min_n=0)
    assert len(r) == n and r[0].tally.n == 1 and r[-1].tally.n == 1
    prefix = "x" * 64
    keys = [prefix + str(i % 1000) for i in range(10_000)]
    r = nps.group_by(keys, [i % 11 for i in range(10_000)], min_n=0)
    assert len(r) == 1000 and sum(g.tally.n for g in r) == 10_000
    high = ["\u00ff" * 8 + chr(0x100 + i) for i in range(500)] + ["\u00fe" * 8 + chr(0x100 + i) for i in range(500)]
    r = nps.group_by(high * 2, [10] * 2000, min_n=0)
    assert len(r) == 1000 and {g.tally.n for g in r} == {2}


def test_a_million_string_keys_finish() -> None:
    run_limited(
        """
        import numpy as np, nps
        n = 1_000_000
        keys = np.array([f"r{i}" for i in range(n)], dtype=object)
        r = nps.group_by(keys, np.full(n, 9, np.uint8), timestamps=np.arange(n), respondents=keys)
        assert len(r) == n
        """,
        mem_bytes=8_000_000_000,
        timeout=60,
    )


@pytest.mark.parametrize("keys", [[1, "1"], ["1", 1], np.array([1, "1"], dtype=object),
                                  pd.Series([1, "1"], dtype=object)])
def test_mixed_key_types_are_a_typed_error(keys: object) -> None:
    with pytest.raises(nps.InvalidArgumentError) as e:
        nps.group_by(keys, [0, 10])
    assert e.value.argument == "keys" and "row 1" in str(e.value)


def test_mixed_key_types_everywhere_keys_are_taken() -> None:
    with pytest.raises(nps.InvalidArgumentError) as e:
        nps.kpi.rate([1, 0], by=[1, "1"])
    assert e.value.argument == "by"
    with pytest.raises(nps.InvalidArgumentError):
        nps.managed_flags([10, 9], ["a", 2])
    with pytest.raises(nps.InvalidArgumentError):
        nps.rerated_nps_by([2, 9], [9, 9], [1, "a"])
    with pytest.raises(nps.InvalidArgumentError):
        nps.group_by([[1, 2], ["a", 3]], [0, 10])  # the second key column mixes
    with pytest.raises(nps.InvalidArgumentError):
        nps.group_by(None, [0, 10], respondents=[1, "1"])


def test_goal_months_are_bounded() -> None:
    import time

    t0 = time.perf_counter()
    with pytest.raises(nps.InvalidArgumentError):
        nps.track_goal([nps.Tally(30, 20, 50), nps.Tally(28, 20, 52)], target=65, months=10**9)
    assert time.perf_counter() - t0 < 5


def test_several_key_columns() -> None:
    dealer = np.array([7, 7, 9, 7], dtype=np.uint32)
    advisor = ["ann", "bo", "ann", "ann"]
    r = nps.group_by([dealer, advisor], [10, 0, 9, 3], min_n=0)
    assert [(g.key, g.tally.n) for g in r] == [((7, "ann"), 2), ((7, "bo"), 1), ((9, "ann"), 1)]
    df = r.to_pandas()
    assert list(df.columns[:2]) == ["key_0", "key_1"] and df["key_0"].tolist() == [7, 7, 9]
    named = nps.group_by([pd.Series(dealer, name="dealer"), pd.Series(advisor, name="advisor")],
                         [10, 0, 9, 3])
    assert named.to_arrow().column_names[:2] == ["dealer", "advisor"]
    t = nps.kpi.rate([1, 0, 1, 1], by=[dealer, advisor])
    assert [k for k, _, _ in t] == [(7, "ann"), (7, "bo"), (9, "ann")]
    assert t.to_pandas()["key_1"].tolist() == ["ann", "bo", "ann"]
    f = nps.managed_flags([10] * 4, [dealer, advisor], min_n=0)
    assert {x.key for x in f} == {(7, "ann"), (7, "bo"), (9, "ann")}
    rr = nps.rerated_nps_by([2, 9, 10, 6], [9, 9, 10, 6], [dealer, advisor])
    assert [x.key for x in rr] == [(7, "ann"), (7, "bo"), (9, "ann")]


@pytest.mark.parametrize("frame", ["pandas", "polars", "arrow"])
def test_dataframe_form(frame: str) -> None:
    data = {"dealer": [7, 7, 9, 7], "advisor": ["ann", "bo", "ann", "ann"],
            "score": [10, 0, 9, 3], "at": [1736000000, 1738700000, 1736000000, 1736000000],
            "rid": ["a", "b", "c", "a"]}
    if frame == "pandas":
        df: object = pd.DataFrame(data)
    elif frame == "polars":
        df = pl.DataFrame(data)
    else:
        import pyarrow as pa

        df = pa.table(data)
    r = nps.group_by(df, by=["dealer", "advisor"], score="score", time="at", period="month",
                     respondent="rid", min_n=0)
    t = r.to_arrow()
    assert t.column_names[:3] == ["dealer", "advisor", "period"]
    assert r.dropped_repeats == 1
    one = nps.group_by(df, by="dealer", score="score")
    assert [g.key for g in one] == [7, 9] and one.to_pandas().columns[0] == "dealer"
    with pytest.raises(nps.InvalidArgumentError):
        nps.group_by(df, by="nope", score="score")
