"""Pickling, merging and the DataFrame forms of the policy, case, programme
and integrity results (issue 11).

Pickles round-trip exactly and a tampered state raises InvalidArgumentError
(argument ``state``). Partial results of disjoint inputs merge to the
one-pass result in any split (hypothesis), with hand-computed checks next
to them. The DataFrame forms equal the array forms, and tables name their
key columns after the input columns.
"""

from __future__ import annotations

import datetime as dt
import json
import pickle
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nps

UTC = dt.timezone.utc
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
T0 = 1_749_819_600  # 2025-06-13 13:00 UTC
AT = dt.datetime.fromtimestamp(T0, UTC)


def custom_policy() -> nps.Policy:
    doc = json.loads(nps.Policy.default().to_json())
    doc["warning_lead_seconds"] = 600
    doc["calendar"] = {"tz": "Asia/Shanghai", "weekly": {d: [["09:00", "18:00"]] for d in ("mon", "tue", "wed")}}
    doc["recovery"]["steps"][0]["to"] = {"unit": "wall", "seconds": 600}  # identify within 10 min
    return nps.Policy.from_json(json.dumps(doc))


def opened(score: int = 2, reason: str = "waiting", dealer: str | None = "D1", at: dt.datetime = AT) -> dict[str, Any]:
    e: dict[str, Any] = {"kind": "opened", "at": at, "score": score, "reason": reason,
                         "high_value": False, "public_opinion_risk": False}
    if dealer is not None:
        e["dealer"] = dealer
    return e


def case(i: int, score: int = 2, reason: str = "waiting", dealer: str | None = "D1", contact_min: int | None = None,
         outcome: str | None = None, at: dt.datetime = AT, policy: nps.Policy | None = None) -> nps.Case:
    c = nps.Case.from_events([opened(score, reason, dealer, at)], case_id=f"c{i}", policy=policy)
    if contact_min is not None:
        t = at + dt.timedelta(minutes=contact_min)
        c.apply({"kind": "acknowledged", "at": t})
        c.apply({"kind": "contacted", "at": t, "channel": "phone"})
        if outcome is not None:
            c.apply({"kind": "closed", "at": t + dt.timedelta(hours=1), "outcome": outcome})
    elif outcome == "lost":
        c.apply({"kind": "closed", "at": at + dt.timedelta(minutes=5), "outcome": "lost"})
    return c


def again(x: Any) -> Any:
    return pickle.loads(pickle.dumps(x))


def tamper(x: Any, old: bytes, new: bytes) -> Any:
    """Loads the pickled state of `x` with `old` replaced by `new`."""
    ctor, args = x.__reduce__()
    state = args[0]
    assert old in state, (old, state[:300])
    return ctor(state.replace(old, new, 1), *args[1:])


def truncated(x: Any) -> Any:
    ctor, args = x.__reduce__()
    return ctor(args[0][:-7], *args[1:])


# ---------------------------------------------------------------------------
# pickling


def flags_example() -> nps.ManagedFlags:
    scores = [10] * 40 + [9] * 5 + [10] * 10 + [9] * 10 + [8] * 10 + [5] * 10
    return nps.managed_flags(scores, ["A"] * 45 + ["B"] * 40, rerated=[np.nan] * 84 + [9.0])


def results() -> list[Any]:
    """One value of every result class of the policy, case, programme and
    integrity modules, each with something to lose in a sloppy pickle."""
    policy = custom_policy()
    t = policy.triage(3, T0, public_opinion_risk=True)
    status = policy.case_status(t, T0 + 3 * 3600, acknowledged_at=T0 + 600, case_id="c1")
    visit = nps.Policy.default().assess_visit(now=T0, promised_at=T0 - 1800, progress_inquiries=3)
    approval = nps.Policy.default().required_approver([(180000, "CNY", "loss_compensation")], tier="S")
    c = case(1, contact_min=30, policy=policy)
    stats = nps.recovery_stats([case(1, contact_min=30, outcome="recovered"), case(2, reason="price")])
    table = nps.recovery_stats([case(1), case(2, dealer="D2")], by="dealer", period="month",
                               keys=pd.Series([7, 8], name="advisor"))
    ranked = nps.rank_open_cases([case(1)], [100.0], T0 + 3600)
    flags = flags_example()
    rerating = nps.rerated_nps_by([2, 9, 4], [9, None, 7], pd.Series(["x", "y", "x"], name="dealer"))
    return [
        nps.Policy.default(), policy, policy.calendar, t, policy.triage_many([2, 9], [T0, T0]),
        status, status.deadlines[0], status.events[0] if status.events else status.deadlines[1],
        visit, visit.warnings[0], approval, approval.caps[0],
        c, c.status(T0 + 3600), c.status(T0 + 3600).steps[0],
        stats, stats.launch_rate, stats.by_speed[0], table, ranked[0],
        flags, flags[0], rerating, rerating[0], nps.rerated_nps([2, 9], [9, None]),
    ]


def fields(x: Any) -> Any:
    """What two equal results share, for classes without ``==``."""
    names = [n for n in dir(x) if not n.startswith("_") and not callable(getattr(x, n))]
    return {n: repr(getattr(x, n)) for n in names}


@pytest.mark.parametrize("x", results(), ids=lambda x: type(x).__name__)
def test_pickle_round_trips(x: Any) -> None:
    y = again(x)
    assert type(y) is type(x)
    assert fields(y) == fields(x)
    if type(x).__eq__ is not object.__eq__:
        assert y == x
    with pytest.raises(nps.InvalidArgumentError) as e:
        truncated(x)
    assert e.value.argument == "state"


def test_pickled_case_keeps_its_policy_and_zone() -> None:
    policy = custom_policy()
    c = nps.Case.from_events([opened(at=AT.astimezone(SHANGHAI))], case_id="c1", policy=policy)
    y = again(c)
    assert y == c and y.policy == policy and y.policy != nps.Policy.default()
    assert y.opened_at == c.opened_at and y.opened_at.utcoffset() == dt.timedelta(hours=8)
    now = T0 + 3600
    assert fields(y.status(now)) == fields(c.status(now))
    # The custom policy identifies within 10 minutes: read against the
    # default policy the same log is not late.
    assert y.status(now).late_steps == ["identify_and_grade"]
    plain = nps.Case.from_events([opened()], case_id="c1")
    assert plain.status(now).late_steps == []
    # A pickled triage and its table keep their zone.
    t = policy.triage(2, T0)
    assert again(t).acknowledge_by == t.acknowledge_by
    assert again(t).acknowledge_by.tzinfo == t.acknowledge_by.tzinfo


@pytest.mark.parametrize(
    ("make", "old", "new"),
    [
        (lambda: nps.Policy.default(), b'"CNY"', b'"XYZ"'),  # not a currency
        (lambda: custom_policy().calendar, b'"18:00"', b'"08:00"'),  # ends before it starts
        (lambda: case(1, policy=custom_policy()), b'"score":2', b'"score":11'),  # the log no longer replays
        (lambda: case(1, policy=custom_policy()), b'"warning_lead_seconds":600', b'"warning_lead_seconds":-1'),
        (lambda: nps.Policy.default().triage(2, T0), b'"score":2', b'"score":12'),
        (lambda: nps.Policy.default().triage_many([2], [T0]), b'"category":"detractor"', b'"category":"promoter"'),
        (lambda: nps.recovery_stats([case(1), case(2)]), b'"low_scores":2', b'"low_scores":3'),
        (lambda: nps.recovery_stats([case(1), case(2)], by="dealer"), b'"dealer":true', b'"dealer":false'),
        (lambda: flags_example(), b'"observed":40', b'"observed":39'),  # p-values no longer fit
        (lambda: flags_example(), b'"status":"flagged"', b'"status":"not_flagged"'),
        (lambda: nps.rerated_nps_by([2, 9], [9, None], ["x", "y"]), b'"detractors_to_promoter":1',
         b'"detractors_to_promoter":2'),
        (lambda: nps.recovery_stats([]).launch_rate, b'"denominator":0', b'"denominator":1'),
        (lambda: nps.Policy.default(), b'"nps_state":1', b'"nps_state":99'),
    ],
)
def test_tampered_state_is_refused(make: Any, old: bytes, new: bytes) -> None:
    x = make()
    with pytest.raises(nps.InvalidArgumentError) as e:
        tamper(x, old, new)
    assert e.value.argument == "state"


def test_state_of_another_kind_is_refused() -> None:
    _, (state,) = nps.Policy.default().__reduce__()
    with pytest.raises(nps.InvalidArgumentError, match="does not load as"):
        nps.Calendar._from_state(state)  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------
# merging managed flags


rows = st.lists(
    st.tuples(st.integers(0, 10), st.one_of(st.none(), st.integers(0, 10)), st.sampled_from(["a", "b", "c", "d"])),
    max_size=120,
)
masks = st.lists(st.booleans(), min_size=1, max_size=6)


def split(items: list[Any], mask: list[bool]) -> tuple[list[Any], list[Any]]:
    picks = [mask[i % len(mask)] for i in range(len(items))]
    return [x for x, m in zip(items, picks) if m], [x for x, m in zip(items, picks) if not m]


def flags_of(rs: list[tuple[int, int | None, str]], rerated: bool, **options: Any) -> nps.ManagedFlags:
    scores = [r[0] for r in rs]
    keys = pd.Series([r[2] for r in rs], name="dealer", dtype=object)
    re = [np.nan if r[1] is None else float(r[1]) for r in rs] if rerated else None
    return nps.managed_flags(scores, keys, rerated=re, **options)


@settings(max_examples=60, deadline=None)
@given(rs=rows, mask=masks, rerated=st.booleans(), min_n=st.integers(0, 20))
def test_flags_merge_in_any_split_equals_one_pass(rs: list[Any], mask: list[bool], rerated: bool, min_n: int) -> None:
    a, b = split(rs, mask)
    one = flags_of(rs, rerated, min_n=min_n, alpha=0.05)
    fa, fb = flags_of(a, rerated, min_n=min_n, alpha=0.05), flags_of(b, rerated, min_n=min_n, alpha=0.05)
    assert fa.merge(fb) == one
    assert fb + fa == one
    assert again(one) == one
    assert (fa + fb).to_dict() == one.to_dict()


def test_flags_merge_by_hand() -> None:
    # Dealer 1 gives 10s only (2 + 2); dealer 2 gives 10, 3, 9, 5.
    a = nps.managed_flags([10, 10, 3, 9], [1, 1, 2, 2], min_n=0)
    b = nps.managed_flags([10, 10, 10, 5], [1, 1, 2, 2], min_n=0)
    m = a + b
    tens = m[0]
    assert (tens.key, tens.test, tens.n, tens.observed) == (1, "tens", 4, 4)
    assert (tens.network_n, tens.network_observed, tens.network_share) == (4, 1, 0.25)
    assert tens.p_value == pytest.approx(0.25**4, rel=1e-12)  # P(X >= 4 | 4, 1/4)
    assert m.comparisons == 6 and m.threshold == pytest.approx(0.001 / 6)


def test_flags_merge_refuses_other_options() -> None:
    base = nps.managed_flags([9, 3], [1, 2])
    for other in (
        nps.managed_flags([9, 3], [1, 2], alpha=0.01),
        nps.managed_flags([9, 3], [1, 2], min_n=3),
        nps.managed_flags([9, 3], [1, 2], correction="none"),
        nps.managed_flags([9, 3], [1, 2], rerated=[None, 9]),
    ):
        with pytest.raises(nps.InvalidArgumentError) as e:
            base.merge(other)
        assert e.value.argument == "other"
    with pytest.raises(TypeError):
        base + 1  # type: ignore[operator]
    named = nps.managed_flags([9], pd.Series([1], name="dealer"))
    other = nps.managed_flags([9], pd.Series([2], name="advisor"))
    with pytest.raises(nps.InvalidArgumentError):
        named + other


# ---------------------------------------------------------------------------
# merging re-ratings


@settings(max_examples=60, deadline=None)
@given(rs=rows, mask=masks)
def test_rerating_merge_in_any_split_equals_one_pass(rs: list[Any], mask: list[bool]) -> None:
    def table(part: list[Any]) -> nps.ReratingTable:
        return nps.rerated_nps_by([r[0] for r in part], [r[1] for r in part], [r[2] for r in part], basis="rerated")

    a, b = split(rs, mask)
    one = table(rs)
    assert table(a) + table(b) == one
    assert table(b).merge(table(a)) == one
    assert again(one) == one
    whole = nps.rerated_nps([r[0] for r in rs], [r[1] for r in rs])
    parts = [nps.rerated_nps([r[0] for r in p], [r[1] for r in p]) for p in (a, b)]
    merged = parts[0] + parts[1]
    assert fields(merged) == fields(whole)


def test_rerating_merge_by_hand() -> None:
    m = nps.rerated_nps([2, 9], [9, None]) + nps.rerated_nps([6, 10], [7, None])
    # Originals 2, 9, 6, 10: 2 detractors, 2 promoters -> 0.
    assert m.original_nps == 0.0
    # After recovery 9, 9, 7, 10: 3 promoters, 1 passive -> 75.
    assert m.after_recovery_nps == 75.0
    assert (m.rerated, m.detractors_rerated, m.detractors_moved_up, m.detractors_to_promoter) == (2, 2, 2, 1)
    with pytest.raises(nps.InvalidArgumentError):
        nps.rerated_nps([2], [9]) + nps.rerated_nps([2], [9], basis="rerated")


# ---------------------------------------------------------------------------
# merging recovery statistics


case_specs = st.lists(
    st.tuples(
        st.integers(0, 10),  # score
        st.sampled_from(["wait", "price", "rude"]),
        st.sampled_from(["D1", "D2", None]),
        st.integers(0, 24 * 60),  # opened, hours after AT
        st.one_of(st.none(), st.integers(0, 3000)),  # contact delay, minutes
        st.sampled_from([None, "recovered", "lost", "converted"]),
    ),
    max_size=25,
)


def build(i: int, spec: tuple[Any, ...]) -> nps.Case:
    score, reason, dealer, hours, contact, outcome = spec
    at = AT + dt.timedelta(hours=hours)
    c = nps.Case.from_events([opened(score, reason, dealer, at)], case_id=f"c{i}")
    if contact is not None:
        t = at + dt.timedelta(minutes=contact)
        c.apply({"kind": "acknowledged", "at": t})
        c.apply({"kind": "contacted", "at": t, "channel": ["phone", "visit", "message"][contact % 3]})
        if outcome == "converted":
            c.apply({"kind": "rerated", "at": t, "score": 10})
        if outcome is not None:
            c.apply({"kind": "closed", "at": t + dt.timedelta(hours=1), "outcome": outcome})
    elif outcome == "lost":
        c.apply({"kind": "closed", "at": at, "outcome": "lost"})
    return c


@settings(max_examples=40, deadline=None)
@given(specs=case_specs, mask=masks, top=st.integers(1, 3))
def test_recovery_stats_merge_in_any_split_equals_one_pass(specs: list[Any], mask: list[bool], top: int) -> None:
    cases = [build(i, s) for i, s in enumerate(specs)]
    a, b = split(cases, mask)
    one = nps.recovery_stats(cases, top_reasons=top)
    sa, sb = nps.recovery_stats(a, top_reasons=top), nps.recovery_stats(b, top_reasons=top)
    assert sa + sb == one and sb.merge(sa) == one
    assert again(one) == one

    def table(part: list[nps.Case]) -> Any:
        keys = pd.Series([c.original_score % 2 for c in part], name="parity", dtype="int64")
        return nps.recovery_stats(part, by="dealer", period="month", tz="Asia/Shanghai", keys=keys, top_reasons=top)

    one_t = table(cases)
    assert table(a) + table(b) == one_t
    assert table(b).merge(table(a)) == one_t
    assert again(one_t) == one_t


def test_recovery_stats_merge_by_hand() -> None:
    a = nps.recovery_stats([case(1, contact_min=60, outcome="recovered"), case(2, score=9)])
    b = nps.recovery_stats([case(3, reason="price", outcome="lost"), case(4, contact_min=2000)])
    m = a + b
    # Low scores c1, c3, c4 (c2 is a promoter); launched c1, c4; within 24 h c1.
    assert (m.low_scores, m.launched, m.responded_24h, m.recovered, m.lost) == (3, 2, 1, 1, 1)
    assert m.success_rate.value == pytest.approx(1 / 3)
    assert m.reasons[0][0] == "waiting" and (m.reasons[0][1].numerator, m.reasons[0][1].denominator) == (2, 3)
    with pytest.raises(nps.InvalidArgumentError) as e:
        a + nps.recovery_stats([case(1)])  # case c1 in both
    assert e.value.argument == "other" and "c1" in str(e.value)
    with pytest.raises(nps.InvalidArgumentError):
        a + nps.recovery_stats([case(9)], top_reasons=2)
    with pytest.raises(nps.InvalidArgumentError):
        a + nps.recovery_stats([case(9)], policy=custom_policy())
    with pytest.raises(nps.InvalidArgumentError):
        nps.recovery_stats([case(1)], by="dealer") + nps.recovery_stats([case(2)], period="month")


# ---------------------------------------------------------------------------
# DataFrame forms


SCORES = [10] * 40 + [9] * 5 + [10] * 10 + [9] * 10 + [8] * 10 + [5] * 10
DEALERS = ["A"] * 45 + ["B"] * 40
ADVISORS = ["x", "y"] * 42 + ["x"]
RERATED = [None] * 84 + [9.0]


@pytest.mark.parametrize("kind", ["pandas", "polars", "arrow"])
def test_managed_flags_dataframe_form(kind: str) -> None:
    data = {"dealer": DEALERS, "advisor": ADVISORS, "nps": SCORES, "again": RERATED}
    df: Any = {"pandas": pd.DataFrame, "polars": pl.DataFrame, "arrow": pa.table}[kind](data)
    f = nps.managed_flags(df, by=["dealer", "advisor"], score="nps", rerated="again", min_n=0)
    expected = nps.managed_flags(SCORES, [DEALERS, ADVISORS], rerated=[np.nan if r is None else r for r in RERATED],
                                 min_n=0)
    assert [(x.key, x.test, x.status, x.p_value) for x in f] == [(x.key, x.test, x.status, x.p_value) for x in expected]
    t = f.to_pandas()
    assert list(t.columns[:3]) == ["dealer", "advisor", "test"]
    assert t["p_value"].dtype == "Float64"
    assert f.to_arrow().column_names[:2] == ["dealer", "advisor"]
    assert f.to_polars()["dealer"].to_list()[0] == "A"
    one = nps.managed_flags(df, by="dealer", score="nps")
    assert one.to_dict()["dealer"][:4] == ["A", "A", "A", "B"]


def test_managed_flags_dataframe_errors() -> None:
    df = pd.DataFrame({"dealer": DEALERS, "nps": SCORES})
    with pytest.raises(nps.InvalidArgumentError, match="score="):
        nps.managed_flags(df, by="dealer")
    with pytest.raises(nps.InvalidArgumentError, match="no column"):
        nps.managed_flags(df, by="region", score="nps")
    with pytest.raises(nps.InvalidArgumentError):
        nps.managed_flags(SCORES, DEALERS, score="nps")
    with pytest.raises(nps.InvalidArgumentError):
        nps.managed_flags(SCORES)


@pytest.mark.parametrize("kind", ["pandas", "polars", "arrow"])
def test_triage_many_dataframe_form(kind: str) -> None:
    data = {"nps": [1, 6, 6, 8], "at": [T0] * 4, "vip": [False, True, False, False], "risk": [False, False, True, False]}
    df: Any = {"pandas": pd.DataFrame, "polars": pl.DataFrame, "arrow": pa.table}[kind](data)
    p = nps.Policy.default()
    t = p.triage_many(df, score="nps", time="at", high_value="vip", public_opinion_risk="risk")
    expected = p.triage_many([1, 6, 6, 8], [T0] * 4, high_value=data["vip"], public_opinion_risk=data["risk"])
    assert list(t) == list(expected)
    assert list(t.to_pandas().columns[:2]) == ["nps", "alert"]
    assert t.to_dict()["nps"] == [1, 6, 6, 8]
    assert t.to_polars().columns[0] == "nps"
    # Hand-checked against SPEC §4: S (0-3), A (high value 6), S (risk), none (8).
    assert t.to_dict()["tier"] == ["S", "A", "S", None]
    assert again(t).to_dict() == t.to_dict()
    with pytest.raises(nps.InvalidArgumentError, match="time="):
        p.triage_many(df, score="nps")


def test_triage_to_arrow_types() -> None:
    t = nps.Policy.default().triage_many([1, 9], [T0, T0])
    a = t.to_arrow()
    assert a.column_names == list(t.to_dict())
    assert a.schema.field("acknowledge_by").type == pa.timestamp("s", tz="UTC")
    assert a.column("acknowledge_by").to_pylist()[1] is None
    assert a.column("tier").to_pylist() == ["S", None]
    assert a.column("acknowledge_by").to_pylist()[0] == dt.datetime.fromtimestamp(T0 + 2 * 3600, UTC)
    assert a.column("compensation_cap_minor").to_pylist() == [500000, None]


def test_recovery_stats_table_frames() -> None:
    t = nps.recovery_stats([case(1), case(2, at=AT + dt.timedelta(days=30), dealer="D2")], by="dealer",
                           period="month", tz="Asia/Shanghai")
    a = t.to_arrow()
    assert a.column_names[:2] == ["dealer", "period"]
    assert a.schema.field("period").type == pa.date32()
    assert a.column("period").to_pylist() == [dt.date(2025, 6, 1), dt.date(2025, 7, 1)]
    assert t.to_polars()["low_scores"].to_list() == [1, 1]
    assert t.to_dict()["launch_rate"] == [0.0, 0.0]
