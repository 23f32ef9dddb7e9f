"""Every vector of tests/golden/policy_vectors.json through the Python API.

The file is written by tests/golden/gen_policy_vectors.py, an independent
oracle (standard library only); its schema is documented there and in
tests/golden/README.md. The Rust and C suites read the same file.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import zoneinfo
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import nps

VECTORS_PATH = Path(__file__).resolve().parents[1] / "golden" / "policy_vectors.json"
VECTORS: dict[str, Any] = json.loads(VECTORS_PATH.read_text(encoding="utf-8"))

# Error kind name -> exception class (the classes carry their kind).
ERRORS = {
    cls.kind: cls
    for cls in vars(nps).values()
    if isinstance(cls, type) and issubclass(cls, nps.NpsError) and cls is not nps.NpsError
}


def section(name: str) -> list[Any]:
    return [pytest.param(v, id=v["name"]) for v in VECTORS[name]]


def skip_known_issue(v: dict[str, Any]) -> None:
    if "known_issue" in v:
        pytest.skip(f"known issue: {v['known_issue']}")


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON Merge Patch."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = merge_patch(out.get(key), value)
    return out


DEFAULT_JSON: dict[str, Any] = json.loads(nps.Policy.default().to_json())
_POLICIES: dict[str, nps.Policy] = {}


def policy_of(v: dict[str, Any]) -> nps.Policy:
    patch = v.get("policy_patch")
    key = json.dumps(patch, sort_keys=True)
    if key not in _POLICIES:
        doc = DEFAULT_JSON if patch is None else merge_patch(DEFAULT_JSON, patch)
        _POLICIES[key] = nps.Policy.from_json(json.dumps(doc))
    return _POLICIES[key]


def unix(d: dt.datetime | None) -> int | None:
    if d is None:
        return None
    assert d.tzinfo is not None and d.utcoffset() is not None
    return int(d.timestamp())


def money(m: nps.Money | None) -> dict[str, Any] | None:
    return None if m is None else {"minor": m.minor, "currency": m.currency}


def error_class(kind: str) -> type[Exception]:
    return ERRORS[kind]


# --------------------------------------------------------------------------
# default policy


def is_subset(expected: Any, actual: Any, path: str = "$") -> None:
    if isinstance(expected, dict):
        assert isinstance(actual, dict), path
        for k, v in expected.items():
            assert k in actual, f"{path}.{k} missing"
            is_subset(v, actual[k], f"{path}.{k}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), path
        for i, (e, a) in enumerate(zip(expected, actual)):
            is_subset(e, a, f"{path}[{i}]")
    else:
        assert expected == actual, f"{path}: {actual!r} != {expected!r}"


def test_default_policy_matches_spec() -> None:
    is_subset(VECTORS["default_policy"], DEFAULT_JSON)


# --------------------------------------------------------------------------
# triage


@pytest.mark.parametrize("v", section("triage"))
def test_triage(v: dict[str, Any]) -> None:
    skip_known_issue(v)
    policy = policy_of(v)
    r = v["response"]
    call = lambda: policy.triage(  # noqa: E731
        r["score"],
        r["submitted_at"],
        high_value=r["high_value"],
        public_opinion_risk=r["public_opinion_risk"],
    )
    if "error" in v:
        with pytest.raises(error_class(v["error"]["kind"])) as e:
            call()
        if "index" in v["error"]:
            assert getattr(e.value, "index") == v["error"]["index"]
        return
    t = call()
    e = v["expect"]
    got = {
        "category": t.category,
        "alert": t.alert,
        "tier": t.tier,
        "owner": t.owner,
        "acknowledge_by": unix(t.acknowledge_by),
        "contact_by": unix(t.contact_by),
        "compensation_cap": money(t.compensation_cap),
        "escalate_immediately": t.escalate_immediately,
        "escalate_to": t.escalate_to,
        "mark": t.mark,
    }
    assert got == {k: e[k] for k in got}
    # Deadlines are shown in the calendar's zone, else in UTC (int input).
    cal = policy.calendar
    for d in (t.acknowledge_by, t.contact_by):
        if d is not None:
            if cal is None:
                assert d.utcoffset() == dt.timedelta(0)
            else:
                assert d.tzinfo == zoneinfo.ZoneInfo(cal.tz)


def test_triage_many_matches_every_triage_vector() -> None:
    """The vectorised path, per policy, over all valid triage vectors at once."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for v in VECTORS["triage"]:
        if "error" not in v and "known_issue" not in v:
            groups.setdefault(json.dumps(v.get("policy_patch"), sort_keys=True), []).append(v)
    assert groups
    for vs in groups.values():
        policy = policy_of(vs[0])
        r = [v["response"] for v in vs]
        table = policy.triage_many(
            np.array([x["score"] for x in r], dtype=np.int64),
            np.array([x["submitted_at"] for x in r], dtype=np.int64),
            high_value=np.array([x["high_value"] for x in r]),
            public_opinion_risk=np.array([x["public_opinion_risk"] for x in r]),
        )
        assert len(table) == len(vs)
        cols = table.to_dict()
        for i, v in enumerate(vs):
            e = v["expect"]
            assert cols["score"][i] == r[i]["score"]
            assert cols["alert"][i] == e["alert"], v["name"]
            assert cols["tier"][i] == e["tier"], v["name"]
            assert cols["owner"][i] == e["owner"], v["name"]
            assert unix(cols["acknowledge_by"][i]) == e["acknowledge_by"], v["name"]
            assert unix(cols["contact_by"][i]) == e["contact_by"], v["name"]
            cap = e["compensation_cap"]
            assert cols["compensation_cap_minor"][i] == (cap and cap["minor"]), v["name"]
            assert cols["currency"][i] == (cap and cap["currency"]), v["name"]
            assert cols["escalate_immediately"][i] == e["escalate_immediately"], v["name"]
            assert table[i] == policy.triage(
                r[i]["score"],
                r[i]["submitted_at"],
                high_value=r[i]["high_value"],
                public_opinion_risk=r[i]["public_opinion_risk"],
            )


# --------------------------------------------------------------------------
# approvals


def approval_args(v: dict[str, Any]) -> dict[str, Any]:
    return {
        "tier": v["tier"],
        "rates": [(r["from"], r["to"], r["rate"]) for r in v["rates"]],
        "granted": {
            k: None if m is None else nps.Money(m["minor"], m["currency"]) for k, m in v["granted"].items()
        },
    }


@pytest.mark.parametrize("v", section("approvals"))
def test_approval(v: dict[str, Any]) -> None:
    skip_known_issue(v)
    policy = policy_of(v)
    tuples = [(i["minor"], i["currency"], i["layer"]) for i in v["items"]]
    if "error" in v:
        with pytest.raises(error_class(v["error"]["kind"])):
            policy.required_approver(tuples, **approval_args(v))
        return
    a = policy.required_approver(tuples, **approval_args(v))
    e = v["expect"]
    assert a.approver == e["approver"]
    assert a.path == e["path"]
    assert a.total_minor == e["total_minor"]
    assert a.currency == policy.currency
    assert list(a.by_layer.values()) == e["by_layer_minor"]
    assert list(a.by_layer) == ["problem_repair", "loss_compensation", "emotional_repair"]
    assert a.within_cap is e["within_cap"]
    # Item objects are the same package.
    items = [nps.Item(*t) for t in tuples]
    assert policy.required_approver(items, **approval_args(v)) == a


# --------------------------------------------------------------------------
# calendars


def python_calendar(spec: dict[str, Any]) -> nps.Calendar:
    """The same calendar built with the Python constructor (dates as datetime.date)."""

    def date(s: str) -> dt.date:
        return dt.date.fromisoformat(s)

    def ranges(rs: list[list[str]]) -> list[tuple[str, str]]:
        return [(a, b) for a, b in rs]

    holidays: list[Any] = []
    for h in spec.get("holidays", []):
        if isinstance(h, str):
            holidays.append(date(h))
        else:
            closed = h.get("closed")
            holidays.append((date(h["date"]), None if closed is None else ranges(closed)))
    return nps.Calendar(
        spec["tz"],
        {day: ranges(rs) for day, rs in spec.get("weekly", {}).items()},
        holidays=holidays,
        working_days={date(d): ranges(rs) for d, rs in spec.get("working_days", {}).items()},
        schedules=[
            (date(s["from"]), {day: ranges(rs) for day, rs in s["weekly"].items()})
            for s in spec.get("schedules", [])
        ],
    )


def duration_kwargs(d: dict[str, Any]) -> dict[str, Any]:
    if d["unit"] == "wall":
        return {"hours": dt.timedelta(seconds=d["seconds"])}
    if d["unit"] == "business":
        return {"business_hours": dt.timedelta(seconds=d["seconds"])}
    assert d["unit"] == "business_days"
    return {"business_days": d["days"]}


def pauses_of(v: dict[str, Any]) -> list[tuple[int, int]]:
    return [(p["start"], p["end"]) for p in v["pauses"]]


@pytest.mark.parametrize("v", section("calendars"))
def test_calendar(v: dict[str, Any]) -> None:
    skip_known_issue(v)
    cal = nps.Calendar.from_json(json.dumps(v["calendar"]))
    assert python_calendar(v["calendar"]) == cal
    pauses = pauses_of(v)
    if v["op"] == "deadline":
        call: Any = lambda: cal.deadline(v["start"], pauses=pauses, **duration_kwargs(v["duration"]))  # noqa: E731
    else:
        assert v["op"] == "elapsed"
        call = lambda: cal.elapsed(v["start"], v["end"], pauses=pauses)  # noqa: E731
    if "error" in v:
        with pytest.raises(error_class(v["error"]["kind"])):
            call()
        return
    e = v["expect"]
    if v["op"] == "deadline":
        due = call()
        assert due.tzinfo == zoneinfo.ZoneInfo(v["calendar"]["tz"])
        assert unix(due) == e["deadline"]
        if "elapsed" in e:
            assert cal.elapsed(v["start"], due, pauses=pauses) == dt.timedelta(seconds=e["elapsed"])
    else:
        assert call() == dt.timedelta(seconds=e["elapsed"])


# --------------------------------------------------------------------------
# case status


@pytest.mark.parametrize("v", section("case_status"))
def test_case_status(v: dict[str, Any]) -> None:
    skip_known_issue(v)
    policy = policy_of(v)
    r = v["response"]
    t = policy.triage(
        r["score"], r["submitted_at"], high_value=r["high_value"], public_opinion_risk=r["public_opinion_risk"]
    )
    p = v["progress"]
    s = policy.case_status(
        t, v["now"], acknowledged_at=p["acknowledged_at"], contacted_at=p["contacted_at"], case_id=v["case_id"]
    )
    e = v["expect"]
    assert [
        {
            "name": d.name,
            "due": unix(d.due),
            "warn_at": unix(d.warn_at),
            "state": d.state,
            "met_at": unix(d.met_at),
            "escalate_to": d.escalate_to,
        }
        for d in s.deadlines
    ] == e["deadlines"]
    events = sorted(
        ({"key": x.key, "kind": x.kind, "deadline": x.deadline, "at": unix(x.at), "to": x.to} for x in s.events),
        key=lambda x: (x["at"], x["key"]),
    )
    assert events == e["events"]
    assert unix(s.next_fire_at) == e["next_fire_at"]


# --------------------------------------------------------------------------
# early warnings


@pytest.mark.parametrize("v", section("early_warnings"))
def test_early_warnings(v: dict[str, Any]) -> None:
    skip_known_issue(v)
    policy = policy_of(v)
    visit = v["visit"]
    call = lambda: policy.assess_visit(  # noqa: E731
        now=visit["now"],
        promised_at=visit["promised_at"],
        progress_inquiries=visit["progress_inquiries"],
        messages=visit["messages"],
        ratings=visit["ratings"],
    )
    if "error" in v:
        with pytest.raises(error_class(v["error"]["kind"])) as exc:
            call()
        if "index" in v["error"]:
            assert getattr(exc.value, "index") == v["error"]["index"]
        return
    a = call()
    e = v["expect"]
    assert a.level == e["level"]
    assert [{"rule": w.rule, "level": w.level} for w in a.warnings] == e["warnings"]
    assert a.retention_call == e["retention_call"]


# --------------------------------------------------------------------------
# policy errors


@pytest.mark.parametrize("v", section("policy_errors"))
def test_policy_error(v: dict[str, Any]) -> None:
    skip_known_issue(v)
    text = v["text"] if "text" in v else json.dumps(merge_patch(DEFAULT_JSON, v["policy_patch"]))
    with pytest.raises(nps.InvalidPolicyError) as e:
        nps.Policy.from_json(text)
    assert e.value.kind == v["expect"]["kind"] == "invalid_policy"
    problems = e.value.problems
    assert {path for path, _ in problems} == set(v["expect"]["paths"])
    assert all(isinstance(m, str) and m for _, m in problems)
    for path, _ in problems:
        assert (path or "$") in str(e.value)
