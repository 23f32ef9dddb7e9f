"""Customer value and loyalty (issue 16) through the Python API: every
vector of tests/golden/loyalty_vectors.json (the independent mpmath oracle
tests/golden/gen_loyalty_vectors.py; the Rust and C suites read the same
file), the defaults, bad input, pickling, merging and properties."""

from __future__ import annotations

import datetime as dt
import inspect
import json
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nps

V = json.loads((Path(__file__).resolve().parents[1] / "golden" / "loyalty_vectors.json").read_text())
RTOL = V["rtol"]


def close(what: str, got: Any, want: Any) -> None:
    if want is None:
        assert got is None, f"{what}: got {got!r}, want None"
    else:
        assert got is not None and abs(got - want) <= RTOL * abs(want) + 1e-15, f"{what}: got {got!r}, want {want!r}"


def run(v: dict[str, Any]) -> nps.loyalty.OutcomeTable:
    kw: dict[str, Any] = {}
    for k in ("bands", "reference", "as_of", "confidence", "observed_until"):
        if k in v:
            kw[k] = v[k]
    if "keys" in v:
        kw["by"] = v["keys"]
    return nps.loyalty.outcome_by_score(v["scores"], v["outcomes"], **kw)


def check_rows(t: nps.loyalty.OutcomeTable, rows: list[dict[str, Any]]) -> None:
    d = t.to_dict()
    assert len(d["band"]) == len(rows)
    for i, r in enumerate(rows):
        if r["key"] is not None:
            assert d["key"][i] == r["key"]
        assert d["band"][i] == r["band"]
        for k in ("n", "outcomes", "censored"):
            assert d[k][i] == r[k], (i, k)
        for k in ("rate", "low", "high", "lift", "lift_low", "lift_high", "p_value"):
            close(f"row {i} {k}", d[k][i], r[k])


def test_defaults_are_the_documented_ones() -> None:
    d = V["defaults"]
    o = d["options"]
    assert [list(b) for b in nps.loyalty.CATEGORY_BANDS] == o["bands"]
    assert nps.loyalty.HIGH_VALUE_RULE == o["high_value"]
    t = nps.loyalty.outcome_by_score(d["outcome"]["scores"], d["outcome"]["outcomes"])
    assert t.reference == o["reference"]
    check_rows(t, d["outcome"]["rows"])
    v = nps.loyalty.customer_value(d["value"]["annual_spend_minor"])
    assert v.total_minor == d["value"]["total_minor"] and v.currency == o["currency"]
    assert v.annuity_factor == o["years"]
    for f in (nps.loyalty.outcome_by_score, nps.loyalty.customer_value):
        for name, p in inspect.signature(f).parameters.items():
            if p.kind is p.KEYWORD_ONLY:
                assert p.default is None, (f.__name__, name)


@pytest.mark.parametrize("v", V["outcome"], ids=[v["name"] for v in V["outcome"]])
def test_outcome_vectors(v: dict[str, Any]) -> None:
    check_rows(run(v), v["rows"])


@pytest.mark.parametrize("v", V["outcome_errors"], ids=[v["name"] for v in V["outcome_errors"]])
def test_outcome_errors(v: dict[str, Any]) -> None:
    with pytest.raises(nps.NpsError) as e:
        run(v)
    assert e.value.kind == v["kind"]
    if "index" in v:
        assert e.value.index == v["index"]
    if "argument" in v:
        assert v["argument"] in str(e.value)


@pytest.mark.parametrize("v", V["value"], ids=[v["name"] for v in V["value"]])
def test_value_vectors(v: dict[str, Any]) -> None:
    c = nps.loyalty.customer_value(
        v["annual_spend_minor"], margin=v["margin"], years=v["years"], discount_rate=v["discount_rate"],
        referrals=v["referrals"], referral_value_minor=v["referral_value_minor"])
    assert (c.own_minor, c.referral_minor, c.total_minor) == (v["own_minor"], v["referral_minor"], v["total_minor"])
    close("annuity", c.annuity_factor, v["annuity_factor"])
    many = nps.loyalty.customer_values(
        [v["annual_spend_minor"]], referrals=[v["referrals"]], years=[v["years"]], margin=v["margin"],
        discount_rate=v["discount_rate"], referral_value_minor=v["referral_value_minor"])
    assert many["total_minor"].tolist() == [v["total_minor"]]


@pytest.mark.parametrize("v", V["value_errors"], ids=[v["name"] for v in V["value_errors"]])
def test_value_errors(v: dict[str, Any]) -> None:
    with pytest.raises(nps.NpsError) as e:
        nps.loyalty.customer_value(
            v["annual_spend_minor"], margin=v["margin"], years=v["years"], discount_rate=v["discount_rate"],
            referrals=v["referrals"], referral_value_minor=v["referral_value_minor"])
    assert e.value.kind == v["kind"] and v["argument"] in str(e.value)


def test_values_name_the_row() -> None:
    with pytest.raises(nps.InvalidValueError) as e:
        nps.loyalty.customer_values([100, 200, 300], referrals=[0, -1, 0])
    assert e.value.index == 1 and "referrals" in str(e.value)


@pytest.mark.parametrize("v", V["high_value"], ids=[v["name"] for v in V["high_value"]])
def test_high_value_vectors(v: dict[str, Any]) -> None:
    got = nps.loyalty.high_value(v["annual_kwh"], v["annual_spend_minor"], rule=v["rule"])
    assert got.tolist() == v["expected"]


def test_high_value_feeds_triage() -> None:
    hv = nps.loyalty.high_value([5200, 100], [None, None])
    p = nps.Policy.default()
    t = p.triage_many([6, 6], [1_749_819_600, 1_749_819_600], high_value=hv)
    assert [x.tier for x in t] == ["A", "B"]


def test_high_value_from_the_policy() -> None:
    p = nps.Policy.default()
    assert json.loads(p.to_json())["high_value"] == V["defaults"]["options"]["high_value"]
    doc = json.loads(p.to_json())
    doc["high_value"] = {"annual_kwh_above": 8000.0, "annual_spend_at_least": None}
    q = nps.Policy.from_json(json.dumps(doc))
    assert nps.loyalty.high_value([6000, 9000], [1_000_000, None], policy=q).tolist() == [False, True]
    doc["high_value"] = {"annual_kwh_above": -1}
    with pytest.raises(nps.InvalidPolicyError) as e:
        nps.Policy.from_json(json.dumps(doc))
    assert "high_value.annual_kwh_above" in str(e.value)


def test_high_value_bad_input() -> None:
    with pytest.raises(nps.InvalidValueError) as e:
        nps.loyalty.high_value([10, -1])
    assert e.value.index == 1
    with pytest.raises(nps.NpsError):
        nps.loyalty.high_value([10], rule={"annual_kwh_above": -5})
    with pytest.raises(nps.NpsError):
        nps.loyalty.high_value([10], rule={"unknown": 1})


@pytest.mark.parametrize("v", V["rank"], ids=[v["name"] for v in V["rank"]])
def test_rank_vectors(v: dict[str, Any]) -> None:
    cases = [nps.Case.from_events(c["events"], case_id=c["id"]) for c in v["cases"]]
    now = dt.datetime.fromtimestamp(v["now"], tz=dt.timezone.utc)
    r = nps.loyalty.rank_open_cases(cases, now, annual_spend_minor=v["annual_spend_minor"],
                                    referrals=v["referrals"], referral_value_minor=v["referral_value_minor"])
    assert [x.case_id for x in r] == [e["case_id"] for e in v["expected"]]
    for x, e in zip(r, v["expected"]):
        close("value", x.value, e["value"])
        close("expected", x.expected, e["expected"])
    # The same values given directly.
    totals = nps.loyalty.customer_values(v["annual_spend_minor"], referrals=v["referrals"],
                                         referral_value_minor=v["referral_value_minor"])["total_minor"]
    assert [x.expected for x in nps.rank_open_cases(cases, totals, now)] == [x.expected for x in r]


def test_pickle_merge_and_frames() -> None:
    v = V["outcome"][1]
    t = run(v)
    assert pickle.loads(pickle.dumps(t)) == t
    half = len(v["scores"]) // 2
    a = nps.loyalty.outcome_by_score(v["scores"][:half], v["outcomes"][:half], bands=v["bands"], reference=v["reference"])
    b = nps.loyalty.outcome_by_score(v["scores"][half:], v["outcomes"][half:], bands=v["bands"], reference=v["reference"])
    assert a + b == t and sum([a, b]) == t
    with pytest.raises(nps.NpsError):
        a.merge(nps.loyalty.outcome_by_score([1], [True]))
    c = nps.loyalty.customer_value(100, margin=0.5)
    assert pickle.loads(pickle.dumps(c)) == c
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"s": v["scores"], "o": v["outcomes"], "d": v.get("keys", ["x"] * len(v["scores"]))})
    f = nps.loyalty.outcome_by_score("s", "o", data=df, by="d", bands=v["bands"], reference=v["reference"])
    assert list(f.to_pandas().columns[:2]) == ["d", "band"]
    assert f.to_pandas()["n"].sum() == len(v["scores"])


def test_censoring_with_datetimes() -> None:
    t0 = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
    until = [t0 + dt.timedelta(days=d) for d in (10, 20, 200)]
    t = nps.loyalty.outcome_by_score([9, 9, 9], [False, True, True], observed_until=until,
                                     as_of=t0 + dt.timedelta(days=30))
    assert (t.used, t.censored) == (2, 1)
    assert t.to_dict()["rate"][2] == 0.5
    with pytest.raises(nps.InvalidArgumentError):
        nps.loyalty.outcome_by_score([9], [True], observed_until=until[:1])


def test_bad_outcomes_are_named() -> None:
    with pytest.raises(nps.InvalidValueError) as e:
        nps.loyalty.outcome_by_score([9, 3], [True, 2])
    assert e.value.index == 1 and "outcome" in str(e.value)
    with pytest.raises(nps.InvalidScoreError) as e2:
        nps.loyalty.outcome_by_score([9, float("nan")], [True, False])
    assert e2.value.index == 1


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10), st.booleans(), st.integers(0, 9)), min_size=1, max_size=80),
       st.integers(0, 9))
def test_outcome_invariants(rows: list[tuple[int, bool, int]], as_of: int) -> None:
    s = [r[0] for r in rows]
    o = [r[1] for r in rows]
    u = [r[2] for r in rows]
    t = nps.loyalty.outcome_by_score(s, o, observed_until=u, as_of=as_of)
    assert t.used + t.censored == len(rows)
    d = t.to_dict()
    for i in range(len(d["band"])):
        if d["rate"][i] is not None:
            assert 0 <= d["low"][i] <= d["rate"][i] + 1e-12 <= d["high"][i] + 2e-12 <= 1 + 2e-12
        if d["lift"][i] is not None and d["lift_low"][i] is not None:
            assert d["lift_low"][i] <= d["lift"][i] * (1 + 1e-9)
            if d["lift_high"][i] is not None:
                assert d["lift"][i] <= d["lift_high"][i] * (1 + 1e-9)
    assert pickle.loads(pickle.dumps(t)) == t


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10**9), st.floats(0, 1), st.integers(0, 30), st.floats(0, 0.3))
def test_value_without_discount_is_the_product(spend: int, margin: float, years: int, rate: float) -> None:
    flat = nps.loyalty.customer_value(spend, margin=margin, years=years)
    assert flat.own_minor == int(np.round(np.float64(spend) * margin * years)) or abs(
        flat.own_minor - spend * margin * years) <= 0.5 + 1e-6 * spend * max(1, years)
    disc = nps.loyalty.customer_value(spend, margin=margin, years=years, discount_rate=rate)
    assert disc.own_minor <= flat.own_minor


def _doc_examples() -> list[tuple[str, str]]:
    objs: list[tuple[str, Any]] = [("nps.loyalty", nps.loyalty)]
    for name in nps.loyalty.__all__:
        obj = getattr(nps.loyalty, name)
        if callable(obj):
            objs.append((f"nps.loyalty.{name}", obj))
            if inspect.isclass(obj):
                objs += [(f"nps.loyalty.{name}.{a}", getattr(obj, a)) for a in vars(obj) if not a.startswith("_")]
    return [(n, o.__doc__) for n, o in objs if o.__doc__ and ">>>" in o.__doc__]


@pytest.mark.parametrize("name,doc", _doc_examples(), ids=[n for n, _ in _doc_examples()])
def test_docstring_examples_run(name: str, doc: str) -> None:
    import doctest

    t = doctest.DocTestParser().get_doctest(doc, {"nps": nps}, name, None, 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    out: list[str] = []
    runner.run(t, out=out.append)
    assert runner.failures == 0, "".join(out)


def test_plot_outcomes_example_runs() -> None:
    pytest.importorskip("matplotlib")
    import doctest

    import nps.plot

    doc = nps.plot.outcomes.__doc__ or ""
    t = doctest.DocTestParser().get_doctest(doc, {"nps": nps}, "nps.plot.outcomes", None, 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    out: list[str] = []
    runner.run(t, out=out.append)
    assert runner.failures == 0 and runner.tries > 0, "".join(out)


def test_grouped_by_period_is_the_sum_of_its_months() -> None:
    t0 = dt.datetime(2025, 1, 15, tzinfo=dt.timezone.utc)
    times = [t0, t0, t0 + dt.timedelta(days=31), t0 + dt.timedelta(days=31), t0 + dt.timedelta(days=62)]
    s, o = [9, 3, 10, 2, 8], [True, False, True, True, False]
    m = nps.loyalty.outcome_by_score(s, o, timestamps=times, period="month").to_dict()
    assert len(m["band"]) == 9 and sorted(set(m["period"])) == [
        dt.date(2025, 1, 1), dt.date(2025, 2, 1), dt.date(2025, 3, 1)]
    whole = nps.loyalty.outcome_by_score(s, o).to_dict()
    for j, band in enumerate(whole["band"]):
        assert sum(n for n, b in zip(m["n"], m["band"]) if b == band) == whole["n"][j]
        assert sum(k for k, b in zip(m["outcomes"], m["band"]) if b == band) == whole["outcomes"][j]
