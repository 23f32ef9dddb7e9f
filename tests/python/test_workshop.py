"""nps.staffing and nps.capacity_gain against the golden vectors
(tests/golden/workshop_vectors.json, an independent oracle with fractions and
mpmath), the DataFrame forms, pickling, invariants and bad input."""

from __future__ import annotations

import datetime as dt
import json
import math
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nps

ROOT = Path(__file__).resolve().parents[2]
V = json.loads((ROOT / "tests/golden/workshop_vectors.json").read_text(encoding="utf-8"))
TOL = V["tolerance"]
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
MON = 1_748_822_400  # 2025-06-02 00:00 UTC, a Monday


def close(got, want, what):
    if want is None:
        assert got is None, (what, got)
    else:
        assert got is not None and math.isclose(got, want, rel_tol=TOL, abs_tol=TOL), (what, got, want)


def kwargs(options):
    kw = {}
    if "interval_s" in options:
        kw["interval"] = options["interval_s"]
    if "service_time_s" in options:
        kw["service_time"] = options["service_time_s"]
    if "target_wait_s" in options:
        kw["target_wait"] = options["target_wait_s"]
    if "target_share" in options:
        kw["target_share"] = options["target_share"]
    return kw


def roster_of(r):
    if r is None or isinstance(r, int):
        return r
    return {(WEEKDAYS[w], dt.timedelta(seconds=s)): n for w, s, n in r}


def check(t, want):
    assert t.days == want["days"]
    assert t.outside_hours == want["outside_hours"]
    d = t.to_dict()
    rows = want["rows"]
    assert len(t) == len(rows)
    for i, w in enumerate(rows):
        for k in ("weekday", "hour", "start", "arrivals", "open_s", "servers"):
            assert d[k][i] == w[k], (i, k)
        close(d["arrival_rate"][i], w["arrival_rate"], (i, "rate"))
        close(d["offered_load"][i], w["offered_load"], (i, "load"))
        if "roster" in w:
            assert d["roster"][i] == w["roster"]
            assert d["stable"][i] is w["stable"]
            for k in ("utilization", "prob_wait", "mean_wait_s", "within_target"):
                close(d[k][i], w[k], (i, k))
        else:
            assert "prob_wait" not in d


@pytest.mark.parametrize("case", V["staffing"], ids=lambda c: c["name"])
def test_golden_staffing(case):
    cal = None
    if case["calendar"] is not None:
        c = case["calendar"]
        cal = nps.Calendar(c["tz"], {k: [tuple(r) for r in v] for k, v in c["weekly"].items()})
    tz = None if cal is not None else case["tz"]
    t = nps.staffing(case["arrivals"], tz=tz, calendar=cal, roster=roster_of(case["roster"]),
                     **kwargs(case["options"]))
    check(t, case["expected"])
    assert t.tz == case["tz"]
    # A pandas column of aware datetimes gives the same table.
    s = pd.Series(pd.to_datetime(case["arrivals"], unit="s", utc=True))
    t2 = nps.staffing(s, tz=tz, calendar=cal, roster=roster_of(case["roster"]), **kwargs(case["options"]))
    assert t2.to_dict() == t.to_dict()


def test_defaults():
    d = V["defaults"]
    t = nps.staffing(d["staffing"]["arrivals"])
    check(t, d["staffing"]["expected"])
    o = d["staffing_options"]
    assert (t.interval_s, t.service_time_s, t.target_wait_s, t.target_share, t.tz) == (
        o["interval_s"], o["service_time_s"], o["target_wait_s"], o["target_share"], "UTC")
    g = nps.capacity_gain()
    c = d["capacity"]
    assert (g.per_day, g.per_year, g.revenue_minor, g.currency) == (
        c["per_day"], c["per_year"], c["revenue_minor"], c["currency"])
    assert g.revenue == nps.Money(c["revenue_minor"], c["currency"])


@pytest.mark.parametrize("case", V["capacity"], ids=lambda c: c["name"])
def test_golden_capacity(case):
    g = nps.capacity_gain(**case["options"])
    w = case["expected"]
    close(g.per_day, w["per_day"], "per_day")
    close(g.per_year, w["per_year"], "per_year")
    assert (g.revenue_minor, g.currency) == (w["revenue_minor"], w["currency"])


@pytest.mark.parametrize("case", V["bad"], ids=lambda c: c["what"])
def test_bad_staffing(case):
    err = {"NoData": nps.NoDataError, "InvalidArgument": nps.InvalidArgumentError,
           "InvalidValue": nps.InvalidValueError}[case["kind"]]
    r = case["roster"]
    roster = None if r is None else {(w, s // 3600 if s % 3600 == 0 else dt.timedelta(seconds=s)): n
                                     for w, s, n in r}
    with pytest.raises(err) as e:
        nps.staffing(np.array(case["arrivals"], dtype=np.int64), roster=roster, **kwargs(case["options"]))
    if case["name"] is not None:
        assert f"`{case['name']}`" in str(e.value)


@pytest.mark.parametrize("case", V["bad_capacity"], ids=lambda c: c["what"])
def test_bad_capacity(case):
    with pytest.raises(nps.InvalidArgumentError, match=f"`{case['name']}`"):
        nps.capacity_gain(**case["options"])


def test_bad_arguments():
    a = [MON + 9 * 3600]
    with pytest.raises(TypeError):
        nps.staffing(a, service_time="15 minutes")
    with pytest.raises(TypeError):
        nps.staffing(a, roster=1.5)
    with pytest.raises(TypeError):
        nps.staffing(a, roster={"mon": 2})
    with pytest.raises(nps.InvalidArgumentError, match="`roster`"):
        nps.staffing(a, roster={("someday", 9): 2})
    with pytest.raises(nps.InvalidArgumentError, match="`interval`"):
        nps.staffing(a, interval="fortnight")
    with pytest.raises(nps.InvalidArgumentError, match="`roster`"):
        nps.staffing(a, roster=-1)
    cal = nps.Calendar("Asia/Shanghai", {"mon": [("09:00", "17:00")]})
    with pytest.raises(nps.InvalidArgumentError, match="`tz`"):
        nps.staffing(a, calendar=cal, tz="UTC")
    with pytest.raises(nps.InvalidTimestampError, match="row 1"):
        nps.staffing([MON, None])


def test_forms_and_pickle():
    a = [MON + 9 * 3600 + 60 * i for i in range(12)]
    t = nps.staffing(a, service_time=dt.timedelta(minutes=15), target_wait=dt.timedelta(minutes=3),
                     target_share=0.9, interval="30min", roster={("mon", "09:00"): 1, **{
                         ("mon", f"{h:02d}:{m:02d}"): 3 for h in range(24) for m in (0, 30)
                         if (h, m) != (9, 0)}})
    df = t.to_pandas()
    assert list(df.columns[:3]) == ["weekday", "hour", "start"]
    row = df[df["start"] == "09:00"].iloc[0]
    assert row["arrival_rate"] == 24.0 and not row["stable"] and pd.isna(row["prob_wait"])
    t2 = pickle.loads(pickle.dumps(t))
    assert t2.to_dict() == t.to_dict() and t2.days == t.days
    g = nps.capacity_gain(share_of_time=0.5)
    g2 = pickle.loads(pickle.dumps(g))
    assert (g2.per_day, g2.per_year, g2.revenue) == (8.0, 2000.0, nps.Money(160_000_000, "CNY"))


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(0, 7 * 86_400 - 1), min_size=1, max_size=50),
    st.floats(60, 3600),
    st.floats(0, 600),
    st.floats(0.05, 0.99),
)
def test_servers_needed_is_the_minimum(offsets, service, wait, share):
    a = [MON + o for o in offsets]
    t = nps.staffing(a, service_time=service, target_wait=wait, target_share=share).to_dict()
    assert sum(t["arrivals"]) == len(a)
    for i, n in enumerate(t["arrivals"]):
        c = t["servers"][i]
        if n == 0:
            assert c == 0
            continue
        lam = t["arrival_rate"][i] / 3600
        assert nps.erlang_c(arrival_rate=lam, service_time=service, servers=c,
                            target_wait=wait).within_target >= share
        if c > 1:
            q = nps.erlang_c(arrival_rate=lam, service_time=service, servers=c - 1, target_wait=wait)
            assert not q.stable or q.within_target < share


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 7 * 86_400 - 1), min_size=1, max_size=40), st.integers(1, 5))
def test_more_servers_wait_less(offsets, extra):
    a = [MON + o for o in offsets]
    few = nps.staffing(a, roster=2).to_dict()
    many = nps.staffing(a, roster=2 + extra).to_dict()
    for i in range(len(few["arrivals"])):
        if few["stable"][i]:
            assert many["stable"][i]
            assert many["prob_wait"][i] <= few["prob_wait"][i] + 1e-15
            assert many["mean_wait_s"][i] <= few["mean_wait_s"][i] + 1e-12
            assert many["within_target"][i] + 1e-15 >= few["within_target"][i]


# ---- estimate accuracy ----


def check_kpi(got_value, got_num, got_den, got_cov, w, what):
    assert (got_num, got_den) == (w["numerator"], w["denominator"]), what
    close(got_value, w["value"], what)
    close(got_cov, w["coverage"], what)


def check_estimate(e, w):
    check_kpi(e.value, e.numerator, e.denominator, e.coverage, w["within"], "within")
    u = e.unapproved_table.overall
    check_kpi(u.value, u.numerator, u.denominator, u.coverage, w["unapproved"], "unapproved")
    assert e.unapproved == w["unapproved"]["numerator"]
    close(e.unapproved_share, w["unapproved"]["value"], "unapproved_share")
    assert e.unapproved_minor == w["unapproved_minor"]
    for k in ("overrun_minor", "overrun_relative"):
        got, want = getattr(e, k), w[k]
        assert got["n"] == want["n"]
        for s in ("mean", "median", "p90"):
            close(got[s], want[s], (k, s))


@pytest.mark.parametrize("case", V["estimate"], ids=lambda c: c["name"])
def test_golden_estimate(case):
    e = nps.kpi.estimate_accuracy(case["quoted"], case["final"], approved_minor=case["approved"],
                                  tolerance=case["tolerance"], currency=case["currency"],
                                  currencies=case.get("currencies"), by=case.get("keys"))
    check_estimate(e, case["expected"])
    assert (e.tolerance, e.currency) == (case["tolerance"], case["currency"])
    if "groups" in case["expected"]:
        d = e.table.to_dict()
        u = e.unapproved_table.to_dict()
        for i, g in enumerate(case["expected"]["groups"]):
            assert d["key"][i] == g["key"]
            assert (d["numerator"][i], d["denominator"][i]) == (g["within"]["numerator"], g["within"]["denominator"])
            assert u["numerator"][i] == g["unapproved"]["numerator"]
        # The DataFrame form gives the same.
        df = pd.DataFrame({"q": case["quoted"], "f": case["final"], "a": case["approved"], "dealer": case["keys"]})
        e2 = nps.kpi.estimate_accuracy(df, "f", quoted="q", approved_minor="a", by="dealer")
        assert e2.table.to_dict()["numerator"] == d["numerator"]
        check_estimate(e2, case["expected"])


def test_estimate_defaults_and_pickle():
    d = V["defaults"]
    e = nps.kpi.estimate_accuracy(d["estimate"]["quoted"], d["estimate"]["final"])
    check_estimate(e, d["estimate"]["expected"])
    assert (e.tolerance, e.currency) == (d["estimate_options"]["tolerance"], d["estimate_options"]["currency"])
    e2 = pickle.loads(pickle.dumps(e))
    check_estimate(e2, d["estimate"]["expected"])


@pytest.mark.parametrize("case", V["bad_estimate"], ids=lambda c: c["what"])
def test_bad_estimate(case):
    err = {"InvalidValue": nps.InvalidValueError, "InvalidArgument": nps.InvalidArgumentError,
           "LengthMismatch": nps.LengthMismatchError}[case["kind"]]
    with pytest.raises(err, match=f"`{case['name']}`") as e:
        nps.kpi.estimate_accuracy(case["quoted"], case["final"], currencies=case["currencies"],
                                  tolerance=case["tolerance"])
    if case["row"] is not None:
        assert f"row {case['row']}" in str(e.value)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 2 * 10**6)), min_size=1, max_size=40),
       st.floats(0, 1), st.floats(0, 1))
def test_wider_tolerance_never_lowers_accuracy(rows, t, extra):
    q = [r[0] for r in rows]
    f = [r[1] for r in rows]
    a = nps.kpi.estimate_accuracy(q, f, tolerance=t)
    b = nps.kpi.estimate_accuracy(q, f, tolerance=t + extra)
    assert b.numerator >= a.numerator
    assert a.overrun_minor == b.overrun_minor and a.unapproved_minor == b.unapproved_minor


# ---- parts availability ----


@pytest.mark.parametrize("case", V["parts"], ids=lambda c: c["name"])
def test_golden_parts(case):
    p = nps.kpi.parts_availability(case["ro"], case["from_stock"], wait_s=case["wait_s"],
                                   by=case.get("keys"))
    w = case["expected"]
    check_kpi(p.value, p.numerator, p.denominator, p.coverage, w["fill_rate"], "fill")
    d = p.delayed_ros
    check_kpi(d.value, d.numerator, d.denominator, d.coverage, w["delayed_ros"], "delayed")
    assert p.wait_s["n"] == w["wait_s"]["n"]
    for s in ("mean", "median", "p90"):
        close(p.wait_s[s], w["wait_s"][s], s)
    if "groups" in w:
        t = p.table.to_dict()
        assert t["key"] == [g["key"] for g in w["groups"]]
        assert t["numerator"] == [g["fill_rate"]["numerator"] for g in w["groups"]]
        df = pd.DataFrame({"ro": case["ro"], "stock": case["from_stock"],
                           "wait": [np.nan if x is None else x for x in case["wait_s"]],
                           "supplier": case["keys"]})
        p2 = nps.kpi.parts_availability(df, "stock", ro_column="ro", wait_s="wait", by="supplier")
        t2 = p2.table.to_dict()
        assert t2.pop("supplier") == t.pop("key")  # the DataFrame form names the key column
        assert t2 == t and p2.wait_s == p.wait_s
    p3 = pickle.loads(pickle.dumps(p))
    assert (p3.value, p3.wait_s) == (p.value, p.wait_s)


@pytest.mark.parametrize("case", V["bad_parts"], ids=lambda c: c["what"])
def test_bad_parts(case):
    with pytest.raises(nps.InvalidValueError, match=f"`{case['name']}` at row {case['row']}"):
        nps.kpi.parts_availability(case["ro"], case["from_stock"], wait_s=case["wait_s"])
