"""Recovery cases and programme analytics: the golden vectors of
tests/golden/cases_vectors.json (shared with Rust and C) and bad input."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import nps

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "cases_vectors.json"
V: dict[str, Any] = json.loads(GOLDEN.read_text(encoding="utf-8"))
CST = dt.timezone(dt.timedelta(hours=8))


def events_py(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Golden events with "at" as aware datetimes (the Python contract)."""
    out = []
    for e in events:
        e = dict(e)
        if isinstance(e.get("at"), str) and e["at"][-6:].startswith(("+", "-")):
            e["at"] = dt.datetime.fromisoformat(e["at"])
        out.append(e)
    return out


def case_of(c: dict[str, Any], policy: nps.Policy | None = None) -> nps.Case:
    return nps.Case.from_events(events_py(c["events"]), case_id=c.get("id"), policy=policy)


def policy_of(name: str) -> nps.Policy:
    if name == "default":
        return nps.Policy.default()
    doc = json.loads(nps.Policy.default().to_json())
    doc.update(V["business_policy_top"])
    return nps.Policy.from_json(json.dumps(doc))


def ts(d: dt.datetime | None) -> int | None:
    return None if d is None else int(d.timestamp())


def check_rate(r: nps.RecoveryRate, e: dict[str, Any]) -> None:
    assert (r.numerator, r.denominator) == (e["numerator"], e["denominator"])
    if e["value"] is None:
        assert r.value is None
    else:
        assert r.value == pytest.approx(e["value"], abs=1e-12)


def check_stats(s: nps.RecoveryStats, e: dict[str, Any]) -> None:
    for k in ("low_scores", "launched", "responded_24h", "recovered", "converted", "lost"):
        assert getattr(s, k) == e[k], k
    for k in ("launch_rate", "response_24h_rate", "success_rate", "conversion_rate", "lost_rate"):
        check_rate(getattr(s, k), e[k])
    assert [r for r, _ in s.reasons] == [x["reason"] for x in e["reasons"]]
    for (_, rate), x in zip(s.reasons, e["reasons"]):
        check_rate(rate, x["share"])
    for split in ("by_speed", "by_compensation", "by_channel", "by_expectation"):
        bands = getattr(s, split)
        assert [b.label for b in bands] == [x["label"] for x in e[split]], split
        for b, x in zip(bands, e[split]):
            check_rate(b.success, x["success"])
            if "expected" in x:
                assert b.expected == x["expected"]


def check_follow_up(a: nps.StepStatus | None, e: dict[str, Any] | None) -> None:
    if e is None:
        assert a is None
        return
    assert a is not None and a.name == "follow_up"
    assert (ts(a.start), ts(a.due), ts(a.completed_at)) == (e["start"], e["due"], e["completed_at"])
    assert (a.state, a.late_seconds) == (e["state"], e["late_seconds"])


def test_month_like_the_source() -> None:
    m = V["month"]
    s = nps.recovery_stats([case_of(c) for c in m["cases"]])
    check_stats(s, m["stats"])
    # The source's figures: 25 / 25 / 24 / 17 / 7 / 8 and 100 %, 96 %, 68 %, 28 %, 32 %.
    assert (s.low_scores, s.launched, s.responded_24h, s.recovered, s.converted, s.lost) == (
        25, 25, 24, 17, 7, 8)
    assert [s.launch_rate.value, s.response_24h_rate.value, s.success_rate.value,
            s.conversion_rate.value, s.lost_rate.value] == [1.0, 0.96, 0.68, 0.28, 0.32]


def test_programme_groups() -> None:
    g = V["programme"]
    cases = [case_of(c) for c in g["cases"]]
    check_stats(nps.recovery_stats(cases), g["stats"])
    t = nps.recovery_stats(cases, by="dealer")
    assert len(t) == len(g["by_dealer"])
    for i, e in enumerate(g["by_dealer"]):
        period, dealer, s = t[i]
        assert period is None and dealer == e["dealer"]
        check_stats(s, e["stats"])
    t = nps.recovery_stats(cases, period="month", tz=g["tz"])
    assert [t[i][0] for i in range(len(t))] == [e["period"] for e in g["by_month"]]
    for i, e in enumerate(g["by_month"]):
        check_stats(t[i][2], e["stats"])
    df = t.to_pandas()
    # The period column is the local first day of the period (a date).
    assert [d.strftime("%Y-%m-%d") for d in df["period"]] == ["2025-06-01", "2025-07-01"]
    assert list(df["low_scores"]) == [e["stats"]["low_scores"] for e in g["by_month"]]
    pl = t.to_polars()
    assert pl["success_rate"].to_list() == [e["stats"]["success_rate"]["value"] for e in g["by_month"]]


@pytest.mark.parametrize("v", V["status"], ids=[v["name"] for v in V["status"]])
def test_status(v: dict[str, Any]) -> None:
    c = case_of(v, policy_of(v["policy"]))
    s = c.status(v["now"])
    assert s.current_step == v["current_step"]
    assert len(s.steps) == len(v["steps"])
    for a, e in zip(s.steps, v["steps"]):
        assert a.name == e["name"]
        assert (ts(a.start), ts(a.due), ts(a.completed_at)) == (e["start"], e["due"], e["completed_at"])
        assert (a.state, a.late_seconds) == (e["state"], e["late_seconds"]), a.name
    check_follow_up(s.follow_up, v["follow_up"])
    assert [(a.total.minor, a.within_cap) for a in s.approvals] == [
        (e["total"], e["within_cap"]) for e in v["approvals"]]
    if v["deadlines"] is not None:
        got = [(d.name, ts(d.due), d.state) for d in s.deadlines.deadlines]
        assert got == [(d["name"], d["due"], d["state"]) for d in v["deadlines"]]


@pytest.mark.parametrize("v", V["invalid"], ids=[v["name"] for v in V["invalid"]])
def test_invalid_logs(v: dict[str, Any]) -> None:
    with pytest.raises(nps.InvalidEventError) as exc:
        nps.Case.from_events(events_py(v["events"]))
    assert exc.value.kind == "invalid_event"
    assert exc.value.index == v["index"]
    assert exc.value.event == v["event"]


def test_rejected_event_leaves_the_case_unchanged() -> None:
    for v in V["invalid"]:
        bad = v["index"]
        if bad == 0:
            continue
        c = nps.Case.from_events(events_py(v["events"][:bad]))
        before = c.to_json()
        with pytest.raises(nps.InvalidEventError):
            c.apply(events_py([v["events"][bad]])[0])
        assert c.to_json() == before


def test_rerating_is_kept_next_to_the_original() -> None:
    r = V["rerated"]
    c = nps.Case.from_events(events_py(r["events"]), case_id="r")
    assert (c.original_score, c.rerated_score, c.outcome) == (
        r["original_score"], r["rerated_score"], r["outcome"])
    back = nps.Case.from_json(c.to_json())
    assert back == c
    assert back.original_score == 2 and back.rerated_score == 10
    ev = c.events
    assert ev[0]["kind"] == "opened" and ev[0]["at"].utcoffset() == dt.timedelta(hours=8)
    # Mr Wang's package as the source files it: the free 1,800 service is
    # problem repair, the 500 voucher loss compensation.
    assert ev[4]["items"][0] == (180000, "CNY", "problem_repair")
    assert ev[4]["items"][3] == (50000, "CNY", "loss_compensation")


def test_ranking() -> None:
    r = V["ranking"]
    cases = [case_of(c) for c in r["cases"]]
    values = np.array([c["value"] for c in r["cases"]])
    got = nps.rank_open_cases(cases, values, r["now"])
    assert [(x.index, x.case_id, x.band, x.probability) for x in got] == [
        (e["index"], e["case_id"], e["band"], e["probability"]) for e in r["expected"]]
    assert [x.expected for x in got] == pytest.approx([e["expected"] for e in r["expected"]])
    # Band labels name the policy's speed bands (6 h, 24 h, then slower).
    labels = {0: "<= 6h", 1: "<= 24h", 2: "> 24h"}
    assert [x.band_label for x in got] == [labels[x.band] for x in got]
    with pytest.raises(nps.LengthMismatchError):
        nps.rank_open_cases(cases, [1.0], r["now"])
    bad = list(values)
    bad[2] = math.nan
    with pytest.raises(nps.InvalidValueError) as exc:
        nps.rank_open_cases(cases, bad, r["now"])
    assert exc.value.index == 2


def test_apply_step_by_step_with_datetimes() -> None:
    t0 = dt.datetime(2025, 6, 13, 9, tzinfo=CST)
    c = nps.Case.from_events([{"kind": "opened", "at": t0, "score": 2, "reason": "waiting",
                               "high_value": False, "public_opinion_risk": False}], case_id="a")
    c.apply({"kind": "acknowledged", "at": t0 + dt.timedelta(minutes=30)})
    c.apply({"kind": "contacted", "at": t0 + dt.timedelta(hours=3), "channel": "visit"})
    c.apply({"kind": "solution_proposed", "at": t0 + dt.timedelta(hours=4),
             "items": [nps.Item(180000, "CNY", "problem_repair"), (50000, "CNY", "loss_compensation")]})
    s = c.status(t0 + dt.timedelta(hours=9))
    assert s.current_step == "investigation"
    assert s.late_steps == ["investigation"]
    assert s.last_approval is not None and s.last_approval.total.minor == 230000
    assert s.steps[0].start == t0
    assert len(c) == 4 and c.channel == "visit" and c.id == "a"
    assert c.responsibility is None and not c.is_closed
    c.apply({"kind": "investigated", "at": t0 + dt.timedelta(hours=5), "responsibility": "shared"})
    c.apply({"kind": "closed", "at": t0 + dt.timedelta(hours=6), "outcome": "lost"})
    assert c.responsibility == "shared" and c.is_closed and c.outcome == "lost"


def test_empty_programme_is_no_data() -> None:
    s = nps.recovery_stats([])
    assert s.low_scores == 0 and s.success_rate.value is None and s.success_rate.denominator == 0


def test_bad_input() -> None:
    t0 = dt.datetime(2025, 6, 13, 9, tzinfo=CST)
    op = {"kind": "opened", "at": t0, "score": 2, "reason": "w", "high_value": False,
          "public_opinion_risk": False}
    with pytest.raises(TypeError):
        nps.Case.from_events("not a list")
    with pytest.raises(TypeError):
        nps.Case.from_events([op, 3])
    with pytest.raises(nps.InvalidEventError) as exc:
        nps.Case.from_events([op, {"kind": "acknowledged", "at": dt.datetime(2025, 6, 13, 10)}])
    assert exc.value.index == 1
    with pytest.raises(nps.InvalidEventError):
        nps.Case.from_events([dict(op, score=math.nan)])
    with pytest.raises(nps.InvalidEventError):
        nps.Case.from_events([dict(op, score=object())])
    with pytest.raises(TypeError):
        nps.recovery_stats([1, 2])
    with pytest.raises(nps.InvalidArgumentError):
        nps.recovery_stats([], by="advisor")
    with pytest.raises(nps.InvalidArgumentError):
        nps.recovery_stats([], period="fortnight")
    with pytest.raises(nps.UnknownTimeZoneError):
        nps.recovery_stats([], period="month", tz="Mars/Olympus")
    with pytest.raises(nps.InvalidArgumentError):
        nps.Case.from_json("{}")
    c = nps.Case.from_events([op])
    with pytest.raises(nps.InvalidArgumentError):
        c.status(dt.datetime(2025, 6, 13, 10))


def test_rfc3339_text_and_datetimes_give_the_same_case() -> None:
    m = V["month"]["cases"][0]
    from_text = nps.Case.from_events(m["events"], case_id=m["id"])
    from_datetimes = case_of(m)
    assert from_text == from_datetimes
    assert from_text.to_json() == from_datetimes.to_json()
    assert from_datetimes.opened_at.utcoffset() == dt.timedelta(hours=8)


def test_showcase_cases_count_the_visit() -> None:
    """Seed 003: both showcase customers were phoned first and visited later;
    the apology channel is the strongest one by default (visit 2 of 2), the
    first contact's on request (visit 0 of 0, as before)."""
    v = V["showcase"]
    cases = [case_of(c) for c in v["cases"]]
    s = nps.recovery_stats(cases)
    check_stats(s, v["stats"])
    assert (s.by_channel[0].label, s.by_channel[0].success.numerator,
            s.by_channel[0].success.denominator) == ("visit", 2, 2)
    f = nps.recovery_stats(cases, channel_rule="first_contact")
    check_stats(f, v["stats_first_contact"])
    assert f.by_channel[0].success.denominator == 0
    assert [c.channel for c in cases] == ["phone", "phone"]
    assert [c.strongest_channel for c in cases] == ["visit", "visit"]
    with pytest.raises(nps.InvalidArgumentError) as e:
        nps.recovery_stats(cases, channel_rule="loudest")
    assert e.value.argument == "channel_rule"
    with pytest.raises(nps.InvalidArgumentError):
        s.merge(nps.recovery_stats([], channel_rule="first_contact"))


def test_showcase_execution_and_follow_up_are_not_late() -> None:
    """Mr Wang: execution started on day 2, delivered on day 7, called back
    on day 10: step 5 is done on time and so is the follow-up."""
    st = V["showcase"]["status"]
    c = case_of(V["showcase"]["cases"][0])
    s = c.status(st["now"])
    for a, e in zip(s.steps, st["steps"]):
        assert (a.name, a.state, a.late_seconds) == (e["name"], e["state"], e["late_seconds"])
    check_follow_up(s.follow_up, st["follow_up"])
    assert s.late_steps == []


def test_month_first_contact_and_expectation() -> None:
    cases = [case_of(c) for c in V["month"]["cases"]]
    check_stats(nps.recovery_stats(cases, channel_rule="first_contact"), V["month_first_contact"])
    s = nps.recovery_stats(cases)
    assert [b.label for b in s.by_expectation] == V["defaults"]["expectation_bands"]


def test_defaults() -> None:
    d = V["defaults"]
    cases = [case_of(c) for c in V["showcase"]["cases"]]
    def figures(s: nps.RecoveryStats) -> list[Any]:
        return [(b.label, b.success.numerator, b.success.denominator)
                for b in s.by_channel + s.by_expectation] + [r for r, _ in s.reasons]
    assert figures(nps.recovery_stats(cases)) == figures(nps.recovery_stats(
        cases, channel_rule=d["stats_options"]["channel_rule"],
        top_reasons=d["stats_options"]["top_reasons"]))
    assert [b.label for b in nps.recovery_stats(cases).by_channel] == d["channels"]
    rec = json.loads(nps.Policy.default().to_json())["recovery"]
    step = next(x for x in rec["steps"] if x["name"] == d["execution_step"]["name"])
    assert (step["from"]["seconds"], step["to"]["seconds"]) == (
        d["execution_step"]["from"], d["execution_step"]["to"])
    fu = rec["follow_up"]
    assert (fu["from"]["seconds"], fu["to"]["seconds"]) == (d["follow_up"]["from"], d["follow_up"]["to"])


def test_expectation_flag_and_amount() -> None:
    t0 = dt.datetime(2025, 6, 13, 9, tzinfo=CST)
    h = dt.timedelta(hours=1)
    base = [{"kind": "opened", "at": t0, "score": 4, "reason": "waiting",
             "high_value": False, "public_opinion_risk": False},
            {"kind": "acknowledged", "at": t0 + h},
            {"kind": "contacted", "at": t0 + 2 * h, "channel": "video"}]
    pkg = {"kind": "solution_proposed", "at": t0 + 3 * h, "items": [(30000, "CNY", "loss_compensation")]}
    acc = {"kind": "solution_accepted", "at": t0 + 4 * h}
    close = {"kind": "closed", "at": t0 + 5 * h, "outcome": "recovered"}
    over = nps.Case.from_events(base + [dict(pkg, expectation=20000), acc, close], case_id="o")
    std = nps.Case.from_events(base + [dict(pkg, expectation=30000), acc, close], case_id="s")
    marked = nps.Case.from_events(base + [dict(pkg, over_expectation=True), acc], case_id="m")
    s = nps.recovery_stats([over, std, marked])
    got = {b.label: (b.success.numerator, b.success.denominator) for b in s.by_expectation}
    assert got == {"none": (0, 0), "standard": (1, 1), "over_expectation": (1, 2)}
    assert {b.label: b.success.denominator for b in s.by_channel}["video"] == 3
    with pytest.raises(nps.InvalidEventError) as e:
        nps.Case.from_events(base + [dict(pkg, over_expectation=True, expectation=30000)])
    assert e.value.index == 3
