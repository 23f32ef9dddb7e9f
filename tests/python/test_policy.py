"""The Python contract of the recovery policy engine (issue 3, "Python API").

Expected values are worked out by hand from SPEC §4 (instants with the
standard library's datetime / zoneinfo); the golden vectors are checked in
test_policy_golden.py.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import pickle
import subprocess
import sys
import threading
import time
import zoneinfo
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nps

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
UTC = dt.timezone.utc
H = 3600
# Fri 2025-06-13 21:00 in Shanghai = 13:00 UTC.
FRI_21 = dt.datetime(2025, 6, 13, 21, 0, tzinfo=SHANGHAI)
T0 = int(FRI_21.timestamp())
POLICY = nps.Policy.default()
DEFAULT_JSON = json.loads(POLICY.to_json())


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON Merge Patch."""
    if not isinstance(patch, dict):
        return patch
    out = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = merge_patch(out.get(key), value)
    return out


def patched(patch: dict[str, Any]) -> nps.Policy:
    return nps.Policy.from_json(json.dumps(merge_patch(DEFAULT_JSON, patch)))


NINE_TO_SIX = {day: [["09:00", "12:00"], ["13:30", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}


# ---------------------------------------------------------------------------
# names


CONTRACT = [
    "Policy",
    "Triage",
    "TriageTable",
    "Money",
    "Item",
    "Approval",
    "CapCheck",
    "Calendar",
    "CaseStatus",
    "DeadlineStatus",
    "CaseEvent",
    "VisitAssessment",
    "VisitWarning",
    "InvalidPolicyError",
]


@pytest.mark.parametrize("name", CONTRACT)
def test_public_names(name: str) -> None:
    cls = getattr(nps, name)
    assert name in nps.__all__
    assert cls.__module__ == "nps"
    assert cls is getattr(nps._nps, name)


def test_no_builtin_is_shadowed() -> None:
    import builtins

    assert not {n for n in nps.__all__ if hasattr(builtins, n)}


def test_value_classes_are_frozen() -> None:
    for obj, attr in [
        (POLICY, "currency"),
        (nps.Money(1, "CNY"), "minor"),
        (nps.Item(1, "CNY", "problem_repair"), "layer"),
        (POLICY.triage(2, T0), "tier"),
    ]:
        with pytest.raises(AttributeError):
            setattr(obj, attr, None)


# ---------------------------------------------------------------------------
# Policy as data


def test_default_round_trip_equality_and_repr() -> None:
    again = nps.Policy.from_json(POLICY.to_json())
    assert again == POLICY
    assert repr(POLICY) == "Policy.default()"
    assert POLICY.currency == "CNY"
    assert POLICY.calendar is None
    assert POLICY.roles == ["service_advisor", "service_manager", "regional_manager"]
    other = patched({"warning_lead_seconds": 600})
    assert other != POLICY
    assert eval(repr(other), {"Policy": nps.Policy}) == other
    with pytest.raises(TypeError):
        hash(POLICY)


def test_pickling() -> None:
    cal_policy = patched({"calendar": {"tz": "Asia/Shanghai", "weekly": NINE_TO_SIX}})
    t = POLICY.triage(3, FRI_21, public_opinion_risk=True)
    for obj in [
        POLICY,
        cal_policy,
        cal_policy.calendar,
        nps.Money(-1005, "KWD"),
        nps.Item(180000, "CNY", "loss_compensation"),
        t,
    ]:
        again = pickle.loads(pickle.dumps(obj))
        assert again == obj and type(again) is type(obj)
    # A triage keeps its zone through pickling.
    assert pickle.loads(pickle.dumps(t)).acknowledge_by == dt.datetime(2025, 6, 13, 23, tzinfo=SHANGHAI)
    assert pickle.loads(pickle.dumps(t)).acknowledge_by.tzinfo == SHANGHAI


def test_json_schema_documents_every_field() -> None:
    schema = json.loads(nps.Policy.json_schema())
    assert set(schema["properties"]) == set(DEFAULT_JSON)
    assert set(schema["required"]) <= set(DEFAULT_JSON)
    for name, prop in schema["properties"].items():
        assert prop.get("description"), name


def test_calendar_property() -> None:
    spec = {"tz": "Asia/Shanghai", "weekly": NINE_TO_SIX}
    p = patched({"calendar": spec})
    assert p.calendar == nps.Calendar.from_json(json.dumps(spec))
    assert p.calendar.tz == "Asia/Shanghai"


# ---------------------------------------------------------------------------
# triage


def test_triage_red_alert_spec_example() -> None:
    # SPEC §4.4: a red alert at 21:00 is due at 23:00 (wall clock, default policy).
    t = POLICY.triage(2, FRI_21)
    assert isinstance(t, nps.Triage)
    assert (t.score, t.category, t.alert, t.tier) == (2, "detractor", "red", "S")
    assert t.owner == "service_manager"
    assert t.notify == ["service_manager"]
    assert t.mark == "urgent"
    assert t.acknowledge_by == dt.datetime(2025, 6, 13, 23, 0, tzinfo=SHANGHAI)
    assert t.acknowledge_by.tzinfo is FRI_21.tzinfo
    assert t.contact_by == dt.datetime(2025, 6, 13, 23, 0, tzinfo=SHANGHAI)  # tier S: 2 h
    assert t.submitted_at == FRI_21
    assert t.compensation_cap == nps.Money(500000, "CNY")
    assert (t.compensation_cap.minor, t.compensation_cap.currency) == (500000, "CNY")
    assert str(t.compensation_cap) == "5000.00 CNY"
    assert not t.escalate_immediately
    assert t.escalate_to == "regional_manager"  # if not acknowledged in time
    assert "alert='red'" in repr(t) and "tier='S'" in repr(t)


@pytest.mark.parametrize(
    ("score", "high_value", "risk", "alert", "tier", "owner", "ack_h", "contact_h", "cap"),
    [
        (0, False, False, "red", "S", "service_manager", 2, 2, 500000),
        (3, False, False, "red", "S", "service_manager", 2, 2, 500000),
        (4, False, False, "yellow", "A", "service_manager", 6, 6, 200000),
        (5, True, False, "yellow", "A", "service_manager", 6, 6, 200000),
        (6, False, False, "yellow", "B", "service_advisor", 6, 24, 50000),
        (6, True, False, "yellow", "A", "service_manager", 6, 6, 200000),  # SPEC §4.2 note
        (6, False, True, "yellow", "S", "service_manager", 6, 2, 500000),  # risk makes any detractor S
        (7, True, True, "orange", None, "service_advisor", 72, None, None),  # passive-conversion follow-up
        (8, False, False, None, None, None, None, None, None),
        (10, True, True, None, None, None, None, None, None),
    ],
)
def test_triage_table_of_spec(
    score: int,
    high_value: bool,
    risk: bool,
    alert: str | None,
    tier: str | None,
    owner: str | None,
    ack_h: int | None,
    contact_h: int | None,
    cap: int | None,
) -> None:
    t = POLICY.triage(score, T0, high_value=high_value, public_opinion_risk=risk)
    assert (t.alert, t.tier, t.owner) == (alert, tier, owner)
    due = lambda h: None if h is None else dt.datetime.fromtimestamp(T0 + h * H, UTC)  # noqa: E731
    assert t.acknowledge_by == due(ack_h)
    assert t.contact_by == due(contact_h)
    if t.acknowledge_by is not None:
        assert t.acknowledge_by.utcoffset() == dt.timedelta(0)  # ints come back in UTC
    assert t.compensation_cap == (None if cap is None else nps.Money(cap, "CNY"))
    assert t.escalate_immediately is (risk and score <= 6)
    assert t.category == ("detractor" if score <= 6 else "passive" if score <= 8 else "promoter")


def test_public_opinion_risk_escalates_at_once() -> None:
    t = POLICY.triage(5, FRI_21, public_opinion_risk=True)
    assert t.tier == "S" and t.escalate_immediately and t.escalate_to == "regional_manager"


def test_triage_zones() -> None:
    plus2 = dt.timezone(dt.timedelta(hours=2))
    t = POLICY.triage(4, FRI_21.astimezone(plus2))
    # Shown in the zone of submitted_at: 15:00+02:00 + 6 h.
    assert t.acknowledge_by is not None
    assert t.acknowledge_by.tzinfo is plus2
    assert (t.acknowledge_by.hour, t.acknowledge_by.minute) == (21, 0)
    # With a calendar, in the calendar's zone whatever the input zone.
    p = patched({"calendar": {"tz": "Europe/Berlin", "weekly": NINE_TO_SIX}})
    t = p.triage(4, FRI_21.astimezone(UTC))
    assert t.acknowledge_by is not None
    assert t.acknowledge_by.tzinfo == zoneinfo.ZoneInfo("Europe/Berlin")
    assert t.acknowledge_by == FRI_21 + dt.timedelta(hours=6)
    # Sub-second parts are dropped (floor): deadlines are whole seconds.
    t = POLICY.triage(1, FRI_21 + dt.timedelta(microseconds=999_999))
    assert t.acknowledge_by == dt.datetime(2025, 6, 13, 23, 0, tzinfo=SHANGHAI)


def test_triage_business_calendar() -> None:
    # Alerts and tiers counted in business hours on a 09:00-12:00, 13:30-18:00 calendar.
    p = patched(
        {
            "calendar": {"tz": "Asia/Shanghai", "weekly": NINE_TO_SIX},
            "alerts": [
                dict(a, acknowledge_within={"unit": "business", "seconds": a["acknowledge_within"]["seconds"]})
                for a in DEFAULT_JSON["alerts"]
            ],
        }
    )
    # Fri 21:00 + 2 business hours: Monday 09:00 + 2 h = Mon 2025-06-16 11:00.
    t = p.triage(2, FRI_21)
    assert t.acknowledge_by == dt.datetime(2025, 6, 16, 11, 0, tzinfo=SHANGHAI)
    # The tier clock stays wall-clock: 23:00 the same day.
    assert t.contact_by == dt.datetime(2025, 6, 13, 23, 0, tzinfo=SHANGHAI)


def test_triage_errors() -> None:
    with pytest.raises(nps.InvalidArgumentError) as e:
        POLICY.triage(2, dt.datetime(2025, 6, 13, 21, 0))
    assert e.value.argument == "submitted_at" and "naive" in str(e.value)
    with pytest.raises(nps.InvalidScoreError) as s:
        POLICY.triage(11, T0)
    assert (s.value.index, s.value.value) == (0, 11.0)
    with pytest.raises(nps.InvalidScoreError):
        POLICY.triage(6.5, T0)
    with pytest.raises(nps.InvalidScoreError):
        POLICY.triage(-1, T0)
    assert POLICY.triage(6.0, T0).tier == "B"
    with pytest.raises(TypeError):
        POLICY.triage("6", T0)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        POLICY.triage(6, 1.5)  # type: ignore[arg-type]
    with pytest.raises(nps.InvalidArgumentError):
        POLICY.triage(6, dt.date(2025, 6, 13))  # type: ignore[arg-type]
    with pytest.raises(nps.InvalidTimestampError):
        POLICY.triage(2, 10**15)  # beyond year 9999


def test_triage_equality() -> None:
    a = POLICY.triage(2, FRI_21)
    assert a == POLICY.triage(2, T0)  # the same instant; the display zone does not matter
    assert a != POLICY.triage(2, T0 + 1)
    with pytest.raises(TypeError):
        hash(a)


# ---------------------------------------------------------------------------
# triage_many


def check_rows(table: nps.TriageTable, scores: list[int], instants: list[int], hv: list[bool] | None = None) -> None:
    assert len(table) == len(scores)
    for i, (s, t) in enumerate(zip(scores, instants)):
        one = POLICY.triage(s, t, high_value=bool(hv and hv[i]))
        assert table[i] == one
    assert table[-1] == table[len(scores) - 1]
    with pytest.raises(IndexError):
        table[len(scores)]


def test_triage_many_numpy() -> None:
    scores = [0, 4, 6, 6, 7, 9]
    instants = [T0 + k * 60 for k in range(6)]
    hv = [False, False, False, True, False, False]
    for dtype in (np.uint8, np.int64, np.float64, np.int16):
        table = POLICY.triage_many(np.array(scores, dtype=dtype), np.array(instants), high_value=np.array(hv))
        check_rows(table, scores, instants, hv)
    d = table.to_dict()
    assert d["score"] == scores
    assert d["alert"] == ["red", "yellow", "yellow", "yellow", "orange", None]
    assert d["tier"] == ["S", "A", "B", "A", None, None]
    assert d["owner"] == [
        "service_manager",
        "service_manager",
        "service_advisor",
        "service_manager",
        "service_advisor",
        None,
    ]
    utc = lambda s: dt.datetime.fromtimestamp(s, UTC)  # noqa: E731
    assert d["acknowledge_by"] == [
        utc(instants[0] + 2 * H),
        utc(instants[1] + 6 * H),
        utc(instants[2] + 6 * H),
        utc(instants[3] + 6 * H),
        utc(instants[4] + 72 * H),
        None,
    ]
    assert d["contact_by"] == [
        utc(instants[0] + 2 * H),
        utc(instants[1] + 6 * H),
        utc(instants[2] + 24 * H),
        utc(instants[3] + 6 * H),
        None,
        None,
    ]
    assert d["compensation_cap_minor"] == [500000, 200000, 50000, 200000, None, None]
    assert d["currency"] == ["CNY"] * 4 + [None, None]
    assert d["escalate_immediately"] == [False] * 6
    assert [t.tier for t in table] == d["tier"]
    assert repr(table) == "<TriageTable: 6 rows>"


def test_triage_many_timestamp_columns() -> None:
    scores = [2, 5]
    instants = [T0, T0 + 3600]
    expected = [T0 + 2 * H, T0 + 3600 + 6 * H]
    aware = [dt.datetime.fromtimestamp(s, SHANGHAI) for s in instants]
    columns = [
        np.array(instants, dtype=np.int64),
        np.array(instants, dtype="datetime64[s]"),
        np.array([s * 10**9 for s in instants], dtype="datetime64[ns]"),
        pd.Series(pd.to_datetime(instants, unit="s", utc=True)).dt.tz_convert("Asia/Shanghai"),
        pl.Series(aware),  # Datetime(time_zone="Asia/Shanghai")
        aware,
        instants,
    ]
    for col in columns:
        d = POLICY.triage_many(scores, col).to_dict()
        assert [int(x.timestamp()) for x in d["acknowledge_by"]] == expected, type(col)


def test_triage_many_frames_and_flags() -> None:
    scores = pd.Series([1, 6, 6, 8], dtype="Int64")
    instants = pd.Series(pd.to_datetime([T0] * 4, unit="s", utc=True))
    hv = pd.Series([False, True, False, False], dtype="boolean")
    risk = pl.Series([False, False, True, False])
    df = POLICY.triage_many(scores, instants, high_value=hv, public_opinion_risk=risk).to_pandas()
    assert list(df.columns) == [
        "score",
        "alert",
        "tier",
        "owner",
        "acknowledge_by",
        "contact_by",
        "compensation_cap_minor",
        "currency",
        "escalate_immediately",
    ]
    assert df["tier"].tolist()[:3] == ["S", "A", "S"] and pd.isna(df["tier"][3])
    assert str(df["acknowledge_by"].dtype) == "datetime64[s, UTC]"
    assert df["acknowledge_by"][0] == pd.Timestamp(T0 + 2 * H, unit="s", tz="UTC")
    assert pd.isna(df["acknowledge_by"][3]) and pd.isna(df["contact_by"][3])
    assert df["contact_by"][1] == pd.Timestamp(T0 + 6 * H, unit="s", tz="UTC")  # high value: A, 6 h
    assert str(df["compensation_cap_minor"].dtype) == "Int64"
    assert df["compensation_cap_minor"].tolist()[:3] == [500000, 200000, 500000]
    assert pd.isna(df["compensation_cap_minor"][3])
    assert df["escalate_immediately"].tolist() == [False, False, True, False]
    assert df["score"].tolist() == [1, 6, 6, 8]

    out = POLICY.triage_many(
        pl.Series([1, 6, 6, 8]),
        pl.Series([T0] * 4),
        high_value=[False, True, False, False],
        public_opinion_risk=np.array([0, 0, 1, 0]),
    ).to_polars()
    assert out.columns == list(df.columns)
    assert out["tier"].to_list() == ["S", "A", "S", None]
    assert out["owner"].to_list() == ["service_manager", "service_manager", "service_manager", None]
    assert out.schema["acknowledge_by"] == pl.Datetime(time_zone="UTC", time_unit=out.schema["acknowledge_by"].time_unit)
    assert out["acknowledge_by"][0] == dt.datetime.fromtimestamp(T0 + 2 * H, UTC)
    assert out["contact_by"].to_list()[3] is None
    assert out["compensation_cap_minor"].to_list() == [500000, 200000, 500000, None]
    assert out["currency"].to_list() == ["CNY", "CNY", "CNY", None]
    assert out["escalate_immediately"].to_list() == [False, False, True, False]


def test_triage_many_empty() -> None:
    table = POLICY.triage_many(np.array([], dtype=np.uint8), np.array([], dtype=np.int64))
    assert len(table) == 0
    assert table.to_dict()["score"] == []
    assert len(table.to_pandas()) == 0 and len(table.to_polars()) == 0


def test_triage_many_errors() -> None:
    with pytest.raises(nps.InvalidScoreError) as e:
        POLICY.triage_many(np.array([9.0, 6.0, np.nan]), [T0] * 3)
    assert e.value.index == 2
    with pytest.raises(nps.InvalidScoreError) as e:
        POLICY.triage_many(np.array([9, 12, 3], dtype=np.uint8), [T0] * 3)
    assert (e.value.index, e.value.value) == (1, 12.0)
    with pytest.raises(nps.InvalidScoreError) as e:
        POLICY.triage_many(pd.Series([9, None, 3], dtype="Int64"), [T0] * 3)
    assert e.value.index == 1
    with pytest.raises(nps.LengthMismatchError) as m:
        POLICY.triage_many([1, 2, 3], [T0, T0])
    assert m.value.argument == "submitted_at"
    with pytest.raises(nps.LengthMismatchError) as m:
        POLICY.triage_many([1, 2], [T0, T0], high_value=[True])
    assert m.value.argument == "high_value"
    with pytest.raises(nps.InvalidArgumentError) as a:
        POLICY.triage_many([1, 2], [T0, T0], public_opinion_risk=pd.Series([True, None], dtype="boolean"))
    assert a.value.argument == "public_opinion_risk" and "row 1" in str(a.value)
    with pytest.raises(nps.InvalidArgumentError):
        POLICY.triage_many([1, 2], [T0, T0], high_value=[0, 2])
    with pytest.raises(nps.InvalidTimestampError) as ts:  # NaT: no instant
        POLICY.triage_many([1, 2], np.array(["2025-06-13", "NaT"], dtype="datetime64[s]"))
    assert ts.value.index == 1


def test_frames_imported_only_when_called() -> None:
    code = (
        "import sys, nps\n"
        "t = nps.Policy.default().triage_many([1, 9], [0, 0])\n"
        "t.to_dict()\n"
        "assert 'pandas' not in sys.modules and 'polars' not in sys.modules, 'eager import'\n"
        "t.to_pandas()\n"
        "assert 'pandas' in sys.modules and 'polars' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_triage_many_releases_the_gil() -> None:
    # Large enough that the call (about 30 ns a row) outlasts the OS's
    # scheduling noise on a loaded machine.
    n = 4_000_000
    rng = np.random.default_rng(3)
    scores = rng.integers(0, 11, size=n).astype(np.uint8)
    instants = np.full(n, T0, dtype=np.int64)
    t0 = time.perf_counter()
    POLICY.triage_many(scores, instants)
    one_call = time.perf_counter() - t0
    for _ in range(3):
        done = threading.Event()
        ticks: list[float] = []

        def run() -> None:
            POLICY.triage_many(scores, instants)
            done.set()

        worker = threading.Thread(target=run)
        worker.start()
        while not done.is_set():
            ticks.append(time.perf_counter())
        worker.join()
        stall = float(np.diff(np.array(ticks)).max()) if len(ticks) > 1 else one_call
        if stall < one_call / 2:
            return
    raise AssertionError(f"the main thread stalled {stall:.3f}s during a {one_call:.3f}s call")


# ---------------------------------------------------------------------------
# required approver


def yuan(y: int, layer: str = "loss_compensation") -> tuple[int, str, str]:
    return (y * 100, "CNY", layer)


def test_spec_worked_package() -> None:
    # SPEC §4.3: free service 1800, car washes 300, a ~2000 voucher and a 500
    # voucher for a 2-point detractor (tier S) stay within the 5000 cap.
    items: list[nps.Item | tuple[int, str, str]] = [
        yuan(1800, "problem_repair"),
        yuan(300, "loss_compensation"),
        nps.Item(200000, "CNY", "loss_compensation"),
        yuan(500, "loss_compensation"),  # seed 003: 500元精品抵用券 is 损失补偿
    ]
    a = POLICY.required_approver(items, tier="S")
    assert a.approver == "service_manager"  # 4600 > advisor's 500, <= manager's 5000 for S
    assert a.path == ["service_advisor", "service_manager"]
    assert a.within_cap is True
    assert (a.total_minor, a.currency) == (460000, "CNY")
    assert a.total == nps.Money(460000, "CNY")
    assert a.by_layer == {"problem_repair": 180000, "loss_compensation": 280000, "emotional_repair": 0}
    [cap] = a.caps
    assert (cap.scope, cap.cap_minor, cap.total_minor, cap.currency, cap.within) == ("tier", 500000, 460000, "CNY", True)
    assert a.reason
    assert "approver='service_manager'" in repr(a)


@pytest.mark.parametrize(
    ("minor", "tier", "approver", "within_cap"),
    [
        (50000, "B", "service_advisor", True),  # inclusive: 500.00 is within 500
        (50001, "B", "service_manager", False),  # above the B cap of 500
        (200000, "A", "service_manager", True),
        (200001, "A", "regional_manager", False),
        (500000, "S", "service_manager", True),
        (500001, "S", "regional_manager", False),
        (50001, None, "service_manager", True),  # no tier: no tier cap
    ],
)
def test_limits_are_inclusive(minor: int, tier: str | None, approver: str, within_cap: bool) -> None:
    a = POLICY.required_approver([(minor, "CNY", "loss_compensation")], tier=tier)
    assert (a.approver, a.within_cap) == (approver, within_cap)


def test_equal_escalates_setting() -> None:
    p = patched({"authority": {"equal_escalates": True}})
    assert p.required_approver([yuan(500)], tier="B").approver == "service_manager"
    assert p.required_approver([(49999, "CNY", "loss_compensation")], tier="B").approver == "service_advisor"


def test_deny_when_no_rule_matches() -> None:
    ladder = [dict(r) for r in DEFAULT_JSON["authority"]["ladder"]]
    ladder[2]["limit"] = {"minor": 1000000, "currency": "CNY"}
    p = patched({"authority": {"ladder": ladder}})
    a = p.required_approver([(1000001, "CNY", "loss_compensation")], tier="S")
    assert a.approver is None
    assert a.path == ["service_advisor", "service_manager", "regional_manager"]
    assert a.within_cap is False


def test_currencies_and_rates() -> None:
    items = [yuan(100), (10000, "USD", "loss_compensation")]
    with pytest.raises(nps.InvalidArgumentError) as e:
        POLICY.required_approver(items, tier="A")
    assert "[1]" in str(e.value) and "USD" in str(e.value)
    # 100.00 USD at 7.1234 = 712.34 CNY; 100.00 + 712.34 = 812.34 CNY.
    for rate in ["7.1234", decimal.Decimal("7.1234"), {"from": "USD", "to": "CNY", "rate": "7.1234"}]:
        rates: list[Any] = [rate] if isinstance(rate, dict) else [("USD", "CNY", rate)]
        a = POLICY.required_approver(items, tier="A", rates=rates)
        assert (a.total_minor, a.approver) == (81234, "service_manager")
    # The reverse rate works too: 1 CNY = 0.14 USD, so 7.00 USD = 50.00 CNY.
    a = POLICY.required_approver([(700, "USD", "emotional_repair")], tier="B", rates=[("CNY", "USD", "0.14")])
    assert a.by_layer["emotional_repair"] == 5000
    with pytest.raises(nps.InvalidArgumentError) as e:
        POLICY.required_approver(items, tier="A", rates=[("USD", "CNY", 7.1234)])  # type: ignore[list-item]
    assert e.value.argument == "rates"
    with pytest.raises(nps.InvalidArgumentError):
        POLICY.required_approver(items, tier="A", rates=[("USD", "CNY", "1e3")])


def test_item_and_money_validation() -> None:
    with pytest.raises(nps.InvalidArgumentError) as e:
        POLICY.required_approver([(100, "XYZ", "loss_compensation")], tier="B")
    assert "[0]" in str(e.value) and "XYZ" in str(e.value)
    with pytest.raises(nps.InvalidArgumentError):
        nps.Item(100, "XYZ", "loss_compensation")
    with pytest.raises(nps.InvalidArgumentError):
        nps.Money(100, "XAU")  # no minor unit
    with pytest.raises(nps.InvalidArgumentError):
        nps.Item(100, "CNY", "gifts")
    with pytest.raises(nps.InvalidArgumentError):
        POLICY.required_approver([(100, "CNY", "gifts")], tier="B")
    with pytest.raises(nps.InvalidArgumentError):
        POLICY.required_approver([(-1, "CNY", "loss_compensation")], tier="B")
    with pytest.raises(nps.InvalidArgumentError) as e:
        POLICY.required_approver([yuan(1)], tier="C")
    assert e.value.argument == "tier"
    with pytest.raises(TypeError):
        POLICY.required_approver([(100, "CNY")], tier="B")  # type: ignore[list-item]
    with pytest.raises(TypeError):
        POLICY.required_approver([yuan(1)])  # type: ignore[call-arg]  # tier is required (None = no tier)
    m = nps.Money(-1005, "KWD")
    assert (m.minor, m.currency, str(m), repr(m)) == (-1005, "KWD", "-1.005 KWD", "Money(-1005, 'KWD')")
    assert str(nps.Money(1500, "JPY")) == "1500 JPY"
    assert hash(m) == hash(nps.Money(-1005, "KWD"))
    i = nps.Item(180000, "CNY", "loss_compensation")
    assert eval(repr(i), {"Item": nps.Item}) == i
    assert (i.value_minor, i.currency, i.layer, i.value) == (180000, "CNY", "loss_compensation", nps.Money(180000, "CNY"))


def test_cumulative_caps() -> None:
    p = patched({"authority": {"cumulative": {"per_case": {"minor": 300000, "currency": "CNY"}}}})
    # 1500 granted on the case + 2000 now = 3500: within the S cap (5000) and the
    # manager's S limit, but over the 3000 per-case cap: escalates to the regional manager.
    a = p.required_approver([yuan(2000)], tier="S", granted={"case": 150000})
    assert a.approver == "regional_manager"
    assert a.path == ["service_advisor", "service_manager", "regional_manager"]
    assert a.within_cap is True
    assert a.total_minor == 200000
    assert [(c.scope, c.cap_minor, c.total_minor, c.within) for c in a.caps] == [
        ("tier", 500000, 350000, True),
        ("case", 300000, 350000, False),
    ]
    same = p.required_approver([yuan(2000)], tier="S", granted={"case": nps.Money(150000, "CNY"), "customer": None})
    assert same == a
    with pytest.raises(nps.InvalidArgumentError) as e:
        p.required_approver([yuan(1)], tier="S", granted={"dealer": 1})
    assert e.value.argument == "granted"
    # Granted in another currency needs a rate.
    with pytest.raises(nps.InvalidArgumentError):
        p.required_approver([yuan(1)], tier="S", granted={"case": (100, "USD")})
    a = p.required_approver([yuan(1)], tier="S", granted={"case": (100, "USD")}, rates=[("USD", "CNY", "7")])
    assert a.caps[1].total_minor == 100 + 700


# ---------------------------------------------------------------------------
# case status


def test_case_status_timeline() -> None:
    t = POLICY.triage(1, FRI_21)  # red + tier S: both clocks due at 23:00, warned from 22:30
    due = dt.datetime(2025, 6, 13, 23, 0, tzinfo=SHANGHAI)
    warn = dt.datetime(2025, 6, 13, 22, 30, tzinfo=SHANGHAI)
    second = dt.timedelta(seconds=1)

    s = POLICY.case_status(t, FRI_21, case_id="c1")
    assert [(d.name, d.state, d.due, d.warn_at) for d in s.deadlines] == [
        ("acknowledge", "pending", due, warn),
        ("contact", "pending", due, warn),
    ]
    assert s.events == [] and s.next_fire_at == warn
    assert s.next_fire_at.tzinfo == SHANGHAI

    # Acknowledged at 22:00; at 22:40 the contact clock is warned. Reaching
    # 23:00 itself is still in time: the next change is one second later.
    s = POLICY.case_status(t, T0 + 6000, acknowledged_at=T0 + 3600, case_id="c1")
    ack, contact = s.deadlines
    assert (ack.state, ack.met_at, contact.state) == ("met", FRI_21 + dt.timedelta(hours=1), "warned")
    assert [(e.key, e.kind, e.at) for e in s.events] == [("c1:contact:warned", "warned", warn)]
    assert s.next_fire_at == due + second
    assert [d.state for d in POLICY.case_status(t, due, case_id="c1").deadlines] == ["warned", "warned"]

    s = POLICY.case_status(t, due + second, case_id="c1")
    assert [d.state for d in s.deadlines] == ["breached", "breached"]
    assert s.deadlines[0].escalate_to == "regional_manager"
    assert s.deadlines[1].escalate_to is None
    events = {(e.key, e.kind, e.to, e.at) for e in s.events}
    assert ("c1:acknowledge:escalated", "escalated", "regional_manager", due + second) in events
    assert ("c1:acknowledge:breached", "breached", None, due + second) in events
    assert ("c1:contact:breached", "breached", None, due + second) in events
    assert s.next_fire_at is None
    # Later instants give the same keys (safe retries).
    later = POLICY.case_status(t, due + dt.timedelta(hours=5), case_id="c1")
    assert {e.key for e in later.events} == {e.key for e in s.events}
    with pytest.raises(nps.InvalidArgumentError):
        POLICY.case_status(t, dt.datetime(2025, 6, 13, 23, 0))
    with pytest.raises(TypeError):
        POLICY.case_status("not a triage", T0)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# early warnings during a visit


def test_assess_visit_spec_rules() -> None:
    promised = dt.datetime(2025, 6, 16, 10, 0, tzinfo=SHANGHAI)
    a = POLICY.assess_visit(
        now=promised + dt.timedelta(minutes=45),
        promised_at=promised,
        progress_inquiries=2,
        messages=["这也太离谱了，我要投诉"],
        ratings=[5, 3, 2],
    )
    assert a.level == "red"
    assert [(w.rule, w.level) for w in a.warnings] == [
        ("angry_wording", "red"),
        ("progress_inquiries", "orange"),
        ("waiting", "yellow"),
    ]
    assert "45" in a.warnings[2].detail
    assert a.retention_call == "regional_manager"
    calm = POLICY.assess_visit(now=promised, promised_at=promised, messages=("Thanks!",), ratings=[4, 3, 5])
    assert (calm.level, calm.warnings, calm.retention_call) == (None, [], None)
    assert POLICY.assess_visit(now=0, messages=["That is unacceptable."]).level == "red"
    with pytest.raises(TypeError):
        POLICY.assess_visit(now=0, messages="angry")
    with pytest.raises(nps.InvalidScoreError) as e:
        POLICY.assess_visit(now=0, ratings=[5, 300])
    assert e.value.index == 1
    with pytest.raises(nps.InvalidScoreError) as e:
        POLICY.assess_visit(now=0, ratings=[5, 4, 6])
    assert e.value.index == 2
    with pytest.raises(nps.InvalidArgumentError) as arg:
        POLICY.assess_visit(now=0, progress_inquiries=-1)
    assert arg.value.argument == "progress_inquiries"


# ---------------------------------------------------------------------------
# InvalidPolicyError


def test_invalid_policy_error_class() -> None:
    cls = nps.InvalidPolicyError
    assert issubclass(cls, nps.NpsError) and issubclass(cls, ValueError)
    assert cls.kind == "invalid_policy"


def test_every_problem_with_its_path() -> None:
    doc = json.loads(POLICY.to_json())
    doc["currency"] = "ZZZ"
    doc["warning_lead_seconds"] = -1
    doc["tiers"][1]["owner"] = "ceo"
    doc["calendar"] = {"tz": "Mars/Olympus", "weekly": {"mon": [["09:00", "18:00"]], "tue": [["18:00", "09:00"]]}}
    with pytest.raises(nps.InvalidPolicyError) as e:
        nps.Policy.from_json(json.dumps(doc))
    problems = e.value.problems
    assert isinstance(problems, list) and all(isinstance(p, tuple) and len(p) == 2 for p in problems)
    assert {path for path, _ in problems} == {
        "currency",
        "warning_lead_seconds",
        "tiers[1].owner",
        "calendar.tz",
        "calendar.weekly.tue[0]",
    }
    messages = dict(problems)
    assert "ZZZ" in messages["currency"] and "Mars/Olympus" in messages["calendar.tz"]
    assert e.value.kind == "invalid_policy"
    # Structural errors carry their path too.
    with pytest.raises(nps.InvalidPolicyError) as e:
        nps.Policy.from_json('{"currency": 5}')
    assert e.value.problems[0][0] == "currency"
    with pytest.raises(nps.InvalidPolicyError) as e:
        nps.Policy.from_json("")
    assert [p for p, _ in e.value.problems] == [""]


# ---------------------------------------------------------------------------
# properties


def _business_policy() -> nps.Policy:
    """Business-hour and business-day clocks on a calendar with a holiday,
    in a zone with daylight saving."""
    return patched(
        {
            "calendar": {"tz": "Europe/Berlin", "weekly": NINE_TO_SIX, "holidays": ["2025-12-25"]},
            "alerts": [
                dict(a, acknowledge_within={"unit": "business", "seconds": a["acknowledge_within"]["seconds"]})
                for a in DEFAULT_JSON["alerts"]
            ],
            "tiers": [dict(t, contact_within={"unit": "business_days", "days": 1 + k}) for k, t in enumerate(DEFAULT_JSON["tiers"])],
        }
    )


BUSINESS = _business_policy()


def _nat(d: dt.datetime | None) -> Any:
    return None if d is None else int(d.timestamp())


@settings(max_examples=50, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=10),
            st.one_of(
                st.integers(min_value=0, max_value=4_000_000_000),
                st.sampled_from([1_766_620_800, 1_774_746_000, 1_761_440_400]),
            ),
            st.booleans(),
            st.booleans(),
        ),
        max_size=40,
    ),
    business=st.booleans(),
)
def test_triage_many_is_triage_per_row(rows: list[tuple[int, int, bool, bool]], business: bool) -> None:
    # The table's rows and every column of its DataFrames (built from the
    # class column and the deadline columns) against row-by-row triage.
    policy = BUSINESS if business else POLICY
    table = policy.triage_many(
        np.array([r[0] for r in rows], dtype=np.int32),
        np.array([r[1] for r in rows], dtype=np.int64),
        high_value=np.array([r[2] for r in rows], dtype=bool),
        public_opinion_risk=[r[3] for r in rows],
    )
    want = [policy.triage(s, t, high_value=h, public_opinion_risk=p) for s, t, h, p in rows]
    assert list(table) == want
    assert [table[i] for i in range(len(rows))] == want
    cap = [None if w.compensation_cap is None else w.compensation_cap.minor for w in want]
    expect = {
        "score": [w.score for w in want],
        "alert": [w.alert for w in want],
        "tier": [w.tier for w in want],
        "owner": [w.owner for w in want],
        "acknowledge_by": [_nat(w.acknowledge_by) for w in want],
        "contact_by": [_nat(w.contact_by) for w in want],
        "compensation_cap_minor": cap,
        "currency": [None if c is None else "CNY" for c in cap],
        "escalate_immediately": [w.escalate_immediately for w in want],
    }
    pdf = table.to_pandas()
    pdf = pdf.astype(object).where(pdf.notna(), None)
    for frame in (table.to_polars().to_dict(as_series=False), table.to_arrow().to_pydict(), pdf.to_dict("list")):
        got = {k: list(v) for k, v in frame.items()}
        for name in ("acknowledge_by", "contact_by"):
            got[name] = [_nat(v.to_pydatetime() if hasattr(v, "to_pydatetime") else v) for v in got[name]]
        assert got == expect
    d = table.to_dict()
    d["acknowledge_by"] = [_nat(v) for v in d["acknowledge_by"]]
    d["contact_by"] = [_nat(v) for v in d["contact_by"]]
    assert d == expect
    assert pickle.loads(pickle.dumps(table)).to_dict() == table.to_dict()
