"""nps.econ against the golden vectors (tests/golden/econ_vectors.json, an
independent stdlib oracle with fractions), the DataFrame forms, the bundled
sample and bad input."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nps

ROOT = Path(__file__).resolve().parents[2]
V = json.loads((ROOT / "tests/golden/econ_vectors.json").read_text(encoding="utf-8"))
TOL = V["tolerance"]


def close(got, want, what):
    if want is None:
        assert got is None, (what, got)
    else:
        assert got is not None and math.isclose(got, want, rel_tol=TOL, abs_tol=TOL), (what, got, want)


@pytest.mark.parametrize("case", V["ledger"], ids=lambda c: c["name"])
def test_golden_ledger(case):
    i = case["input"]
    df = {"unit": i["units"], "category": i["categories"], "amount": i["amounts_minor"]}
    kw = {}
    if i["currencies"] is not None:
        df["cur"] = i["currencies"]
        kw["currencies"] = "cur"
    if i["engineers"] is not None:
        df["eng"] = [math.nan if e is None else e for e in i["engineers"]]
        kw["engineers"] = "eng"
    if i["times"] is not None:
        df["t"] = i["times"]
        kw["time"] = "t"
        kw["period"] = i["period"]
    led = nps.econ.ledger(
        pd.DataFrame(df), unit="unit", category="category", amount_minor="amount",
        currency=i["currency"], rates={(r["from"], r["to"]): r["rate"] for r in i["rates"]},
        target_mix=dict(i["target_mix"]), **kw)
    d = led.to_dict()
    assert len(led) == len(case["expected"])
    for row, e in enumerate(case["expected"]):
        what = f"{case['name']} {e['unit']}"
        assert d["unit"][row] == e["unit"]
        if e["period"] is not None:
            assert d["period"][row].isoformat() == e["period"]
        for f in ("lines", "revenue_minor", "cost_minor", "profit_minor"):
            assert d[f][row] == e[f], (what, f)
        for f in ("margin", "input_output_ratio", "cost_to_revenue", "engineers",
                  "revenue_per_engineer_minor"):
            close(d[f][row], e[f], f"{what} {f}")
        for c, v in e["by_category"].items():
            assert d[f"{c}_minor"][row] == v, (what, c)
        for c, v in e["shares"].items():
            close(d[f"share_{c}"][row], v, f"{what} share {c}")
        for c, v in e["gaps"].items():
            close(d[f"gap_{c}"][row], v, f"{what} gap {c}")


def test_province_case():
    """The source's province: a loss of 700,000, ratio 0.5333…, 1.875."""
    e = V["ledger"][0]["expected"][0]
    assert e["profit_minor"] == -70_000_000
    led = nps.econ.ledger(None, unit=["west"] * 2, category=["service_delivery", "parts"],
                          amount_minor=[150_000_000, 80_000_000])
    d = led.to_dict()
    assert d["profit_minor"] == [-70_000_000]
    assert d["cost_to_revenue"] == [1.875]
    assert math.isclose(d["input_output_ratio"][0], 8 / 15, rel_tol=1e-15)


@pytest.mark.parametrize("p", V["quadrant"], ids=lambda p: p["quadrant"])
def test_golden_quadrant(p):
    q = nps.econ.quadrant(p["customer_value"], p["business_value"],
                          customer_threshold=p["customer_threshold"],
                          business_threshold=p["business_threshold"])
    assert q.quadrant == p["quadrant"]
    assert q.action == nps.econ.QUADRANTS[q.quadrant]["action"]


def test_golden_quadrants():
    c = V["quadrants"]
    i = c["input"]
    df = pd.DataFrame({"dealer": i["dealer"], "t": i["times"],
                       **{k: [math.nan if x is None else x for x in v]
                          for k, v in i["measures"].items()}})
    measures = {s["name"]: {"column": s["name"], "axis": s["axis"], "weight": s["weight"],
                            "low": s["low"], "high": s["high"]} for s in i["specs"]}
    t = nps.econ.quadrants(df, unit="dealer", measures=measures, period=i["period"], time="t")
    d = t.to_dict()
    assert len(t) == len(c["expected"])
    for row, e in enumerate(c["expected"]):
        assert d["dealer"][row] == e["dealer"]
        assert d["period"][row].isoformat() == e["period"]
        close(d["customer_value"][row], e["customer_value"], "customer")
        close(d["business_value"][row], e["business_value"], "business")
        assert d["quadrant"][row] == e["quadrant"]
        assert d["previous_quadrant"][row] == e["previous_quadrant"]
        assert d["moved"][row] == e["moved"]


def test_golden_lifecycle():
    c = V["lifecycle"]
    i = c["input"]
    f, ev = i["fleet"], i["events"]
    units = pd.DataFrame({"unit": f["units"], "product_line": f["product_lines"],
                          "sold": pd.to_datetime(f["sold"], unit="s"),
                          "mc": [math.nan if x is None else x for x in f["manufacturing_cost_minor"]]})
    events = pd.DataFrame({"unit": ev["units"], "at": pd.to_datetime(ev["at"], unit="s"),
                           "amount_minor": ev["amounts_minor"]})
    t = nps.econ.lifecycle_cost(units, events, manufacturing_cost_minor="mc",
                                as_of=i["as_of"],
                                confidence=i["confidence"])
    d = t.to_dict()
    row = 0
    for line in c["expected"]:
        for a in line["ages"]:
            assert d["product_line"][row] == line["product_line"]
            for k in ("age_months", "at_risk", "events", "cost_minor"):
                assert d[k][row] == a[k], (row, k)
            for k in ("mean_cumulative_minor", "se", "low", "high"):
                close(d[k][row], a[k], f"{row} {k}")
            row += 1
    assert row == len(t)
    s = t.summary.to_dict()
    for j, line in enumerate(c["expected"]):
        for k, v in line["summary"].items():
            if k == "product_line":
                assert s[k][j] == v
            elif isinstance(v, int) and not isinstance(v, bool) and k != "manufacturing_cost_minor":
                assert s[k][j] == v, k
            else:
                close(s[k][j], v, f"{line['product_line']} {k}")


def _bad(fn, i):
    if fn == "ledger":
        kw = {}
        if "currencies" in i:
            kw["currencies"] = i["currencies"]
        if "engineers" in i:
            kw["engineers"] = i["engineers"]
        return nps.econ.ledger(None, unit=i["units"], category=i["categories"],
                               amount_minor=i["amounts_minor"], **kw)
    if fn == "quadrant":
        return nps.econ.quadrant(i["customer_value"], i["business_value"])
    units = pd.DataFrame({"unit": i["units"], "product_line": i["product_lines"],
                          "sold": i["sold"]})
    events = pd.DataFrame({"unit": pd.Series(i["event_units"], dtype=object),
                           "at": pd.Series(i["at"], dtype="int64"),
                           "amount_minor": pd.Series(i["amounts_minor"], dtype="int64")})
    return nps.econ.lifecycle_cost(units, events)


@pytest.mark.parametrize("b", V["bad"], ids=lambda b: b["what"])
def test_bad_input(b):
    exc = nps.InvalidValueError if b["kind"] == "invalid_value" else nps.InvalidArgumentError
    with pytest.raises(exc) as e:
        _bad(b["function"], b["input"])
    assert b["name"] in str(e.value)
    if b["index"] is not None:
        assert f"row {b['index']}" in str(e.value)


def test_frames_and_forms():
    d = {"dealer": ["a", "a", "b"], "category": ["parts", "service_delivery", "parts"],
         "amount": [900, 300, 100]}
    want = nps.econ.ledger(pd.DataFrame(d), unit="dealer", category="category",
                           amount_minor="amount").to_dict()
    for df in (pl.DataFrame(d), pa.table(d)):
        got = nps.econ.ledger(df, unit="dealer", category="category",
                              amount_minor="amount").to_dict()
        assert got == want
    led = nps.econ.ledger(pd.DataFrame(d), unit="dealer", category="category",
                          amount_minor="amount")
    assert list(led.to_pandas()["dealer"]) == ["a", "b"]
    assert led.to_polars()["profit_minor"].to_list() == [600, 100]
    assert led.to_arrow().column("margin").to_pylist() == [600 / 900, 1.0]
    assert pd.isna(led.to_pandas()["input_output_ratio"][1])  # no cost: no data
    assert "EconTable" in repr(led) and "<table" in led._repr_html_()


def test_extendable_texts_and_measures():
    assert set(nps.econ.QUADRANTS) == {"growth_engine", "value_island", "cost_ruin",
                                       "profit_extractor"}
    assert nps.econ.QUADRANTS["cost_ruin"]["label_zh"] == "成本废墟"
    assert nps.econ.KNOWN_MEASURES["cost_to_revenue"] == ("business", 1.0, 2.0, 0.0)
    with pytest.raises(nps.InvalidArgumentError, match="measures"):
        nps.econ.quadrants(None, unit=["a"], measures={"loyalty": [1.0], "margin": [0.1]})
    t = nps.econ.quadrants(None, unit=["a"], measures={
        "loyalty": {"column": [3.0], "axis": "customer", "low": 0, "high": 4, "weight": 1},
        "margin": [0.1]})
    assert t.to_dict()["quadrant"] == ["growth_engine"]  # 0.75, 0.55


def test_bundled_sample():
    data = ROOT / "data" / "sample"
    ledger_csv, units_csv, events_csv = (data / "econ_ledger.csv", data / "econ_fleet_units.csv",
                                         data / "econ_fleet_events.csv")
    df = pd.read_csv(ledger_csv, parse_dates=["booked_at"])
    led = nps.econ.ledger(df, unit="region", category="category", amount_minor="amount_minor",
                          engineers="engineers", period="quarter", time="booked_at").to_pandas()
    # The sample has a loss-making remote region.
    assert (led["profit_minor"] < 0).any()
    u = pd.read_csv(units_csv, parse_dates=["sold"])
    e = pd.read_csv(events_csv, parse_dates=["at"])
    lc = nps.econ.lifecycle_cost(u, e, manufacturing_cost_minor="manufacturing_cost_minor")
    s = lc.summary.to_pandas()
    # One product line's service cost approaches its manufacturing cost.
    assert s["share_of_manufacturing_36m"].max() > 0.7


def test_year_period_sums_the_quarters():
    """The issue's ``period="year"``: a year's revenue and cost are the sums
    of its quarters (the sample's quarters, summed here in pandas)."""
    df = pd.read_csv(ROOT / "data" / "sample" / "econ_ledger.csv", parse_dates=["booked_at"])
    kw = dict(unit="region", category="category", amount_minor="amount_minor", time="booked_at")
    q = nps.econ.ledger(df, period="quarter", **kw).to_pandas()
    y = nps.econ.ledger(df, period="year", **kw).to_pandas()
    q["year"] = pd.to_datetime(q["period"]).dt.year
    want = q.groupby(["region", "year"])[["revenue_minor", "cost_minor"]].sum().reset_index()
    got = y.assign(year=pd.to_datetime(y["period"]).dt.year)[["region", "year", "revenue_minor", "cost_minor"]]
    got = got.sort_values(["region", "year"]).reset_index(drop=True)
    want = want.sort_values(["region", "year"]).reset_index(drop=True)
    assert len(got) == len(want) > 0
    assert (got.to_numpy() == want.to_numpy()).all()


@settings(max_examples=40, deadline=None)
@given(st.floats(0, 1), st.floats(0, 1))
def test_quadrant_thresholds(c, b):
    q = nps.econ.quadrant(c, b).quadrant
    assert (q in ("growth_engine", "value_island")) == (c >= 0.5)
    assert (q in ("growth_engine", "profit_extractor")) == (b >= 0.5)
