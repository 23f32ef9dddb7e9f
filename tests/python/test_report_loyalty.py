"""The report section "What NPS is worth here" (nps._report_loyalty, issue
16) on the bundled sample data/sample/loyalty_outcomes.csv: it renders, its
numbers add up to the file, and they are the library's results."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

import nps
from nps import report as rep

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"


@pytest.fixture(scope="module")
def outcomes() -> pl.DataFrame:
    return pl.read_csv(SAMPLE / "loyalty_outcomes.csv")


@pytest.fixture(scope="module")
def report(outcomes: pl.DataFrame) -> rep.Report:
    survey = pl.read_csv(SAMPLE / "survey_responses.csv")
    return rep.build(survey, score="score", loyalty={"outcomes": outcomes})


def test_numbers_add_up(report: rep.Report, outcomes: pl.DataFrame) -> None:
    lo = report.figures["loyalty"]
    assert lo["rows"] == outcomes.height
    assert lo["as_of"] == outcomes["submitted_at"].max()
    open_ = int((outcomes["observed_until"] > lo["as_of"]).sum())
    for o in lo["outcomes"]:
        assert o["used"] + o["censored"] == outcomes.height
        assert o["censored"] == open_ > 0
        cats = o["by_category"]
        assert sum(r["n"] for r in cats) == o["used"]
        assert sum(r["censored"] for r in cats) == o["censored"]
        assert o["below_eight"]["n"] + o["eight_or_more"]["n"] == o["used"]
        closed = outcomes.filter(pl.col("observed_until") <= lo["as_of"])
        assert sum(r["outcomes"] for r in cats) == int(closed[o["outcome"]].sum())
        hi = closed.filter(pl.col("score") >= 8)
        assert o["eight_or_more"]["outcomes"] == int(hi[o["outcome"]].sum())
        assert o["eight_or_more"]["n"] == hi.height


def test_the_sample_shows_the_sources_27x(report: rep.Report) -> None:
    rep_ = next(o for o in report.figures["loyalty"]["outcomes"] if o["outcome"] == "repurchased")
    hi = rep_["eight_or_more"]
    assert 2.4 < hi["lift"] < 3.0 and hi["lift_low"] > 1.5 and hi["p_value"] < 1e-6


def test_figures_are_the_library_results(report: rep.Report, outcomes: pl.DataFrame) -> None:
    lo = report.figures["loyalty"]
    t = nps.loyalty.outcome_by_score(outcomes["score"].to_list(), outcomes["referred"].to_list(),
                                     observed_until=outcomes["observed_until"].to_list(),
                                     as_of=lo["as_of"])
    ref = next(o for o in lo["outcomes"] if o["outcome"] == "referred")
    assert [r["rate"] for r in ref["by_category"]] == t.to_dict()["rate"]


def test_section_renders(report: rep.Report) -> None:
    page = report.to_html(charts=False)
    assert '<section id="loyalty"><h2>What NPS is worth here</h2>' in page
    assert 'data-table="loyalty-repurchased"' in page and 'data-table="loyalty-referred"' in page
    assert "window was still open" in page
    json.loads(report.to_json())


def test_chart_renders(report: rep.Report) -> None:
    pytest.importorskip("matplotlib")
    page = report.to_html(charts=True)
    start = page.index('<section id="loyalty">')
    assert "<svg" in page[start:page.index("</section>", start)]


def test_missing_outcomes_is_listed() -> None:
    survey = pl.read_csv(SAMPLE / "survey_responses.csv")
    r = rep.build(survey, score="score")
    assert "--outcomes outcomes.csv" in {m["needs"] for m in r.figures["not_included"]}


def test_bad_outcomes_file_is_named() -> None:
    survey = pl.read_csv(SAMPLE / "survey_responses.csv")
    with pytest.raises(nps.InvalidArgumentError, match="score column"):
        rep.build(survey, score="score", loyalty={"outcomes": pl.DataFrame({"x": [1]})})
