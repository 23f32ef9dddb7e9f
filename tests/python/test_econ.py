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
        target_mix=dict(i["target_mix"]),
        categories=None if i["categories_policy"] is None else dict(i["categories_policy"]), **kw)
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


_CATS = sorted(nps.econ.CATEGORIES)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.tuples(st.sampled_from(["east", "west", "north"]), st.sampled_from(_CATS),
                               st.integers(0, 10**9), st.integers(0, 400)), max_size=30),
       split=st.integers(0, 30), by_quarter=st.booleans())
def test_ledger_merge_equals_one_pass(rows, split, by_quarter):
    """Ledgers of two parts of the lines merge into the ledger of all of
    them, and a pickled ledger merges like the original (Dask's path)."""
    import pickle

    def part(rs):
        kw = {}
        if by_quarter:
            kw = {"period": "quarter", "timestamps": [1_735_689_600 + r[3] * 86_400 for r in rs],
                  "tz": "Asia/Shanghai"}
        return nps.econ.ledger(None, unit=[r[0] for r in rs], category=[r[1] for r in rs],
                               amount_minor=[r[2] for r in rs], **kw)

    k = min(split, len(rows))
    whole, a, b = part(rows), part(rows[:k]), part(rows[k:])
    assert a.merge(b) == whole
    assert sum([a, b]) == whole
    assert pickle.loads(pickle.dumps(a)) + pickle.loads(pickle.dumps(b)) == whole
    assert a.merge(b).to_dict() == whole.to_dict()


def test_ledgers_of_other_options_do_not_merge():
    a = nps.econ.ledger(None, unit=["w"], category=["parts"], amount_minor=[1])
    usd = nps.econ.ledger(None, unit=["w"], category=["parts"], amount_minor=[1], currency="USD")
    with pytest.raises(nps.InvalidArgumentError, match="other"):
        a.merge(usd)
    q = nps.econ.quadrant  # not a table
    t = nps.econ.quadrants(None, unit=["d1"], measures={"nps": [40.0], "margin": [-0.3]})
    with pytest.raises(nps.InvalidArgumentError, match="only ledgers merge"):
        a.merge(t)
    assert q(0.5, 0.5).quadrant == "growth_engine"


def test_every_econ_table_pickles():
    import pickle
    data = Path(__file__).resolve().parents[2] / "data" / "sample"
    u = pd.read_csv(data / "econ_fleet_units.csv", parse_dates=["sold"])
    e = pd.read_csv(data / "econ_fleet_events.csv", parse_dates=["at"])
    lc = nps.econ.lifecycle_cost(u, e, manufacturing_cost_minor="manufacturing_cost_minor")
    led = nps.econ.ledger(pd.DataFrame({"r": pd.Categorical(["b", "a", "b"]),
                                        "c": ["parts", "parts", "parts_sunk"], "a": [5, 7, 2]}),
                          unit="r", category="c", amount_minor="a")
    t = nps.econ.quadrants(None, unit=["d1", "d2"], measures={"nps": [40.0, 10.0],
                                                              "margin": [-0.3, 0.2]})
    for x in (lc, lc.summary, led, t):
        y = pickle.loads(pickle.dumps(x))
        assert y == x and y.kind == x.kind and y.to_dict() == x.to_dict()
    # Categorical keys keep their categories through the pickle.
    assert list(pickle.loads(pickle.dumps(led)).to_pandas()["r"].cat.categories) == ["a", "b"]
    assert pickle.loads(pickle.dumps(lc)).summary == lc.summary


def test_tampered_state_does_not_load():
    import pickle
    led = nps.econ.ledger(None, unit=["w"], category=["parts"], amount_minor=[100])
    raw = pickle.dumps(led)
    assert b'"revenue_minor":100' in raw
    bad = raw.replace(b'"revenue_minor":100', b'"revenue_minor":900')
    with pytest.raises(nps.InvalidArgumentError, match="state"):
        pickle.loads(bad)


def test_custom_categories():
    """Categories are policy data: a new one books and totals like the
    defaults; an unknown side is an error naming ``categories``."""
    cats = {**nps.econ.CATEGORIES, "insurance": "revenue"}
    d = nps.econ.ledger(None, unit=["n", "n"], category=["insurance", "quality_failure"],
                        amount_minor=[300, 100], categories=cats).to_dict()
    assert (d["insurance_minor"], d["revenue_minor"], d["share_insurance"]) == ([300], [300], [1.0])
    with pytest.raises(nps.InvalidArgumentError, match="categories"):
        nps.econ.ledger(None, category=["x"], amount_minor=[1], categories={"x": "income"})
    with pytest.raises(nps.InvalidValueError, match="insurance"):
        nps.econ.ledger(None, category=["insurance"], amount_minor=[1])
    assert nps.econ.CATEGORIES["parts"] == "revenue" and len(nps.econ.CATEGORIES) == 9


def test_lifecycle_curve_is_sparse_over_a_long_span():
    """A unit sold in 1990 among units sold last year: the curve is given
    at the ages where it changes, not at every month since 1990."""
    units = pd.DataFrame({"unit": ["old", "a", "b"], "product_line": ["L"] * 3,
                          "sold": pd.to_datetime(["1990-01-01", "2024-01-01", "2024-02-01"])})
    events = pd.DataFrame({"unit": ["a", "b", "old"], "amount_minor": [100, 300, 50],
                           "at": pd.to_datetime(["2024-03-05", "2024-03-05", "1990-05-01"])})
    t = nps.econ.lifecycle_cost(units, events, as_of=pd.Timestamp("2025-01-01", tz="UTC"))
    d = t.to_dict()
    assert len(t) <= 8, d["age_months"]
    assert d["age_months"][-1] == 420  # 35 years
    assert d["at_risk"][-1] == 1


def test_lifecycle_chart_ends_where_the_data_end():
    """The chart draws each line up to its oldest age, never beyond, and
    the manufacturing cost as a level (the bundled sample)."""
    import matplotlib
    matplotlib.use("Agg")
    data = Path(__file__).resolve().parents[2] / "data" / "sample"
    u = pd.read_csv(data / "econ_fleet_units.csv", parse_dates=["sold"])
    e = pd.read_csv(data / "econ_fleet_events.csv", parse_dates=["at"])
    lc = nps.econ.lifecycle_cost(u, e, manufacturing_cost_minor="manufacturing_cost_minor")
    ax = nps.plot.lifecycle(lc)
    s = lc.summary.to_dict()
    curves = [p for p in ax.patches if p.get_gid() == "curve"]
    assert len(curves) == len(s["product_line"])
    ends = sorted(p.get_path().vertices[:, 0].max() for p in curves)
    assert ends == sorted(a + 1 for a in s["max_age_months"])
    levels = [c for c in ax.collections if c.get_gid() == "manufacturing"]
    assert len(levels) == sum(m is not None for m in s["manufacturing_cost_minor"])


def test_lifecycle_converts_currencies():
    """1.00 USD at 7.1 is 710 fen; without a rate the error names ``rates``."""
    units = pd.DataFrame({"unit": ["u1"], "product_line": ["A"], "sold": [1_735_689_600]})
    events = pd.DataFrame({"unit": ["u1", "u1"],
                           "at": [1_735_689_600 + 86_400, 1_735_689_600 + 2 * 86_400],
                           "amount_minor": [100, 300], "cur": ["USD", "CNY"]})
    with pytest.raises(nps.InvalidArgumentError, match="rates"):
        nps.econ.lifecycle_cost(units, events, currencies="cur")
    t = nps.econ.lifecycle_cost(units, events, currencies="cur", rates={("USD", "CNY"): "7.1"})
    assert t.to_dict()["cost_minor"][0] == 710 + 300
    assert t.summary.to_dict()["currency"] == ["CNY"]
    with pytest.raises(nps.InvalidArgumentError, match="XYZ"):
        nps.econ.lifecycle_cost(units, events, currency="XYZ")
