"""nps.plot: each chart carries the library's numbers (NPS, interval bounds,
thin flags, rolling windows, heat and Pareto shares, scorecard status,
recovery counts, goal path and projection), draws on a given Axes, keeps
every label inside the figure, keeps text on coloured cells readable (WCAG
contrast ≥ 4.5, computed here independently) and renders to SVG."""

from __future__ import annotations

import datetime as dt
import io
import math
import sys
import xml.etree.ElementTree as ET
from typing import Any

import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.colors import to_rgb  # noqa: E402
from matplotlib.text import Text  # noqa: E402

import nps  # noqa: E402
import nps.plot  # noqa: E402

UTC = dt.timezone.utc


# --- independent checks ------------------------------------------------------


def _wcag_luminance(color: Any) -> float:
    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = to_rgb(color)
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


def _wcag_contrast(a: Any, b: Any) -> float:
    hi, lo = sorted((_wcag_luminance(a), _wcag_luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _drawn_texts(a: Any) -> list[Any]:
    """The texts matplotlib draws for Axes `a`: tick labels inside the view
    (the others exist but are not drawn), titles, axis labels, legend and
    annotation texts."""
    out = []
    for axis in (a.xaxis, a.yaxis):
        if not a.axison or not axis.get_visible():
            continue
        lo, hi = sorted(axis.get_view_interval())
        eps = (hi - lo) * 1e-9
        for tick in axis.get_major_ticks():
            if lo - eps <= tick.get_loc() <= hi + eps:
                out += [tick.label1, tick.label2]
        out.append(axis.label)
    out += [a.title, a._left_title, a._right_title, *a.texts]
    legend = a.get_legend()
    if legend is not None:
        out += legend.get_texts()
    return [t for t in out if t.get_visible() and t.get_text()]


def _check_figure(ax: Any) -> None:
    """No text outside the figure after drawing; the SVG parses."""
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    box = fig.bbox
    checked = 0
    for a in fig.axes:
        for t in _drawn_texts(a):
            e = t.get_window_extent(renderer)
            inside = (e.x0 >= box.x0 - 1 and e.x1 <= box.x1 + 1 and e.y0 >= box.y0 - 1
                      and e.y1 <= box.y1 + 1)
            assert inside, f"label {t.get_text()!r} is clipped: {e} outside {box}"
            checked += 1
    assert checked > 3
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    svg = buf.getvalue()
    assert svg
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")


def _by_gid(ax: Any, gid: str) -> list[Any]:
    return [x for a in ax.figure.axes for x in a.get_children() if x.get_gid() == gid]


def _months(ms: list[int]) -> list[dt.datetime]:
    return [dt.datetime(2025, m, 10, tzinfo=UTC) for m in ms]


@pytest.fixture(autouse=True)
def _close() -> Any:
    yield
    plt.close("all")


# --- trend ---------------------------------------------------------------------


def _monthly() -> nps.GroupResult:
    # Jan: 10 9 0 (NPS 33.3, 3 answers), Feb: 6 (thin), Mar: 9 9 9 8 (75),
    # Apr: 10 0 7 (0).
    months = [1, 1, 1, 2, 3, 3, 3, 3, 4, 4, 4]
    scores = [10, 9, 0, 6, 9, 9, 9, 8, 10, 0, 7]
    return nps.group_by(None, scores, timestamps=_months(months), period="month", min_n=3)


def test_trend_draws_the_library_numbers_on_the_given_axes() -> None:
    g = _monthly()
    fig, axes = plt.subplots(1, 2, layout="constrained", figsize=(12, 4))
    ax = nps.plot.trend(g, ax=axes[0], rolling=2, interval="wald", confidence=0.9)
    assert ax is axes[0]
    table = g.to_dict("wald", 0.9)
    line = _by_gid(ax, "nps")[0]
    assert list(line.get_ydata()) == [x.tally.nps for x in g] == table["nps"]
    assert list(line.get_xdata()) == [x.period_start for x in g]
    # The band: at each month, lowest and highest vertex = the interval.
    band = _by_gid(ax, "interval")[0]
    verts = band.get_paths()[0].vertices
    for x, low, high in zip(table["period"], table["low"], table["high"]):
        ys = [v[1] for v in verts if math.isclose(v[0], mdates.date2num(x))]
        assert min(ys) == pytest.approx(low, abs=1e-12) and max(ys) == pytest.approx(high, abs=1e-12)
    # Thin: exactly February.
    thin = _by_gid(ax, "thin")[0]
    assert list(thin.get_xdata()) == [x.period_start for x in g if x.thin] == [dt.date(2025, 2, 1)]
    # Rolling: complete windows solid, the partial first window dashed.
    r = g.rolling(2)
    solid = _by_gid(ax, "rolling")[0]
    ys = list(solid.get_ydata())
    assert [y for y in ys if not math.isnan(y)] == [w.tally.nps for w in r if w.complete]
    assert [w.complete for w in r] == [False, True, True, True]
    part = _by_gid(ax, "rolling_partial")[0]
    assert part.get_linestyle() == "--"
    assert list(part.get_ydata())[:2] == [r[0].tally.nps, r[1].tally.nps]
    assert math.isnan(list(part.get_ydata())[2])
    assert ax.get_ylabel() == "NPS (points)"
    assert "90 % wald" in band.get_label()
    _check_figure(ax)


def test_trend_of_one_key_and_errors() -> None:
    at = _months([1, 2, 1, 2])
    g = nps.group_by(["a", "a", "b", "b"], [10, 0, 9, 9], timestamps=at, period="month")
    with pytest.raises(nps.InvalidArgumentError, match="key"):
        nps.plot.trend(g)
    ax = nps.plot.trend(g, key="b")
    assert list(_by_gid(ax, "nps")[0].get_ydata()) == [x.tally.nps for x in g if x.key == "b"]
    assert "b" in ax.get_title()
    with pytest.raises(nps.InvalidArgumentError, match="period"):
        nps.plot.trend(nps.group_by(["a"], [10]))
    _check_figure(ax)


# --- forest --------------------------------------------------------------------


def _dealers() -> nps.GroupResult:
    keys = ["north"] * 4 + ["south"] * 3 + ["a dealer with a very long name indeed, longer"] * 5
    scores = [10, 10, 9, 0, 0, 6, 10, 9, 9, 7, 8, 10]
    return nps.group_by(keys, scores, min_n=4)


def test_forest_points_intervals_reference_and_thin() -> None:
    g = _dealers()
    fig, axes = plt.subplots(2, 1, layout="constrained", figsize=(6, 6))
    ax = nps.plot.forest(g, reference=nps.Tally(10, 20, 70), ax=axes[1])
    assert ax is axes[1]
    table = g.to_dict()
    order = sorted(range(len(g)), key=lambda i: table["nps"][i])  # bottom to top
    est = _by_gid(ax, "estimates")[0]
    assert list(est.get_xdata()) == [table["nps"][i] for i in order]
    segs = _by_gid(ax, "intervals")[0].get_segments()
    assert [(s[0][0], s[1][0]) for s in segs] == [(table["low"][i], table["high"][i]) for i in order]
    ref = _by_gid(ax, "reference")[0]
    assert list(ref.get_xdata()) == [60.0, 60.0]
    thin = _by_gid(ax, "thin")[0]
    assert list(thin.get_xdata()) == [table["nps"][i] for i in order if table["thin"][i]]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == "south" and labels[-1].endswith("…") and len(labels[-1]) <= 30
    assert ax.get_xlabel() == "NPS (points)"
    _check_figure(ax)


def test_forest_reference_default_is_the_network_and_false_is_none() -> None:
    g = _dealers()
    ax = nps.plot.forest(g)
    assert list(_by_gid(ax, "reference")[0].get_xdata())[0] == g.total().nps
    ax = nps.plot.forest(g, reference=False)
    assert _by_gid(ax, "reference") == []
    ax = nps.plot.forest(g, reference=g[0])
    assert list(_by_gid(ax, "reference")[0].get_xdata())[0] == g[0].tally.nps


# --- grid ----------------------------------------------------------------------


def _grid_result() -> nps.GroupResult:
    keys = ["a"] * 5 + ["b"] * 2 + ["c"] * 3
    months = [1, 1, 2, 2, 2, 1, 2, 1, 1, 1]
    scores = [10, 10, 0, 6, 9, 0, 7, 10, 8, 9]
    return nps.group_by(keys, scores, timestamps=_months(months), period="month", min_n=3)


def _cell_color(ax: Any, x: float, y: float) -> Any:
    image = _by_gid(ax, "cells")[0]
    data = image.get_array()
    r, c = int(round(y)), int(round(x))
    return image.cmap(image.norm(data[r, c]))


def test_grid_texts_thin_marks_and_contrast() -> None:
    g = _grid_result()
    fig, axes = plt.subplots(1, 2, layout="constrained", figsize=(10, 3))
    ax = nps.plot.grid(g, ax=axes[0])
    assert ax is axes[0]
    texts = [t for t in ax.texts if t.get_gid() == "value"]
    # cells row by row (keys a, b, c), columns Jan, Feb; c has no February.
    # a: Jan 10 10 (100), Feb 0 6 9 (-33.3); b: Jan 0 (-100), Feb 7 (0);
    # c: Jan 10 8 9 (66.7). Positions are (column, row).
    want = {(0, 0): 100.0, (1, 0): -100 / 3, (0, 1): -100.0, (1, 1): 0.0, (0, 2): 200 / 3}
    got = {(int(t.get_position()[0]), int(t.get_position()[1])): t.get_text() for t in texts}
    assert got == {k: f"{v:.1f}" for k, v in want.items()}
    assert [x.tally.nps for x in g] == pytest.approx([100.0, -100 / 3, -100.0, 0.0, 200 / 3])
    thin_cells = {(int(p.get_x() + 0.5), int(p.get_y() + 0.5)) for p in _by_gid(ax, "thin")}
    assert thin_cells == {(0, 0), (0, 1), (1, 1)}  # a-Jan (2), b-Jan (1), b-Feb (1)
    for t in texts:
        x, y = t.get_position()
        assert _wcag_contrast(t.get_color(), _cell_color(ax, x, y)) >= 4.5, t.get_text()
    _check_figure(ax)


def test_grid_other_value_and_bad_value() -> None:
    g = _grid_result()
    ax = nps.plot.grid(g, value="n", digits=0, mark_thin=False)
    assert sorted(t.get_text() for t in ax.texts if t.get_gid() == "value") == sorted(
        str(x.tally.n) for x in g)
    assert _by_gid(ax, "thin") == []
    with pytest.raises(nps.InvalidArgumentError, match="value"):
        nps.plot.grid(g, value="thin")
    with pytest.raises(nps.InvalidArgumentError):
        nps.plot.grid(nps.group_by(["a"], [10]))
    _check_figure(ax)


def test_contrast_holds_over_the_whole_colour_maps() -> None:
    from matplotlib import colormaps

    for name in ("RdBu", "cividis", "YlOrRd"):
        for i in range(256):
            c = colormaps[name](i / 255)
            assert _wcag_contrast(nps.plot.text_color(c), c) >= 4.5, (name, i)


# --- heat map and Pareto -------------------------------------------------------


def test_changes_points_intervals_and_adjusted_verdicts() -> None:
    # By hand (detractors, passives, promoters): D1 60 - 0 = +60, D2 10 - 6 = +4,
    # D3 0 - 50 = -50 over n = 100 each.
    pairs = [(nps.Tally(10, 20, 70), nps.Tally(40, 20, 40)),
             (nps.Tally(30, 30, 40), nps.Tally(32, 30, 38)),
             (nps.Tally(30, 40, 30), nps.Tally(10, 30, 60))]
    many = nps.compare_many(pairs, adjust="bh", method="wald")  # wald: the raw differences
    fig, axes = plt.subplots(1, 2, layout="constrained", figsize=(10, 3))
    ax = nps.plot.changes(many, ["D1", "D2", "a dealer with a very long name indeed"],
                          ax=axes[0], adjust="bh", title="Change March → April")
    assert ax is axes[0]
    assert [round(x, 9) for x in _by_gid(ax, "changes")[0].get_xdata()] == [-50.0, 4.0, 60.0]
    order = [2, 1, 0]  # sorted by change
    segs = _by_gid(ax, "intervals")[0].get_segments()
    assert [(s[0][0], s[1][0]) for s in segs] == [
        (many[i].result.interval.low, many[i].result.interval.high) for i in order]
    # Filled exactly where compare_many says the change is beyond noise.
    beyond = list(_by_gid(ax, "beyond_noise")[0].get_xdata())
    assert beyond == [many[i].result.difference for i in order if many[i].significant]
    assert beyond and len(beyond) < 3  # D2's +4 is within noise
    assert ax.get_title() == "Change March → April, Benjamini-Hochberg-adjusted for 3 tests"
    assert ax.get_yticklabels()[0].get_text().endswith("…")
    _check_figure(ax)
    with pytest.raises(nps.InvalidArgumentError, match="labels"):
        nps.plot.changes(many, ["D1"])


def _heat() -> nps.HeatMap:
    return nps.HeatMap.from_rows(
        ["reception", "reception", "repair", "delivery", "repair", "follow_up"],
        ["queue longer than 30 minutes on arrival", "no greeting", "not fixed first time",
         "car returned dirty", "parts missing", "no call back"],
        [893, 40, 120, 60, 10, 5],
        [9, 4, 8, 3, 6, 2],
    )


def test_heatmap_journey_view_texts_and_contrast() -> None:
    h = _heat()
    fig, axes = plt.subplots(2, 1, layout="constrained", figsize=(10, 7))
    ax = nps.plot.heatmap(h, ax=axes[0])
    assert ax is axes[0]
    heat = sorted(int(t.get_text().split()[1]) for t in ax.texts if t.get_gid() == "value")
    assert heat == sorted(h.ranked().to_dict()["heat"])
    for t in ax.texts:
        x, y = t.get_position()
        assert _wcag_contrast(t.get_color(), _cell_color(ax, x, y)) >= 4.5, t.get_text()
    _check_figure(ax)


def test_heatmap_matrix_and_heatmap_plot_delegates() -> None:
    h = nps.HeatMap.from_records(
        ["repair", "repair", "delivery", "reception"], ["not fixed"] * 2 + ["slow", "wait"],
        [9, 7, 3, 5], by=["D1", "D2", "D1", "D2"])
    ax = h.plot(by="key")
    m = h.matrix(by="key").to_dict()
    assert sorted(t.get_text() for t in ax.texts) == sorted(str(v) for v in m["heat"])
    for t in ax.texts:
        x, y = t.get_position()
        assert _wcag_contrast(t.get_color(), _cell_color(ax, x, y)) >= 4.5
    assert [t.get_text() for t in ax.get_xticklabels()] == ["D1", "D2"]
    _check_figure(ax)


def test_pareto_bars_cumulative_line_and_cut() -> None:
    h = _heat()
    fig, axes = plt.subplots(1, 2, layout="constrained", figsize=(12, 4))
    ax = nps.plot.pareto(h, ax=axes[1])
    assert ax is axes[1]
    ranked = h.ranked().to_dict()
    bars = _by_gid(ax, "heat")
    assert [p.get_height() for p in bars] == ranked["heat"]
    line = _by_gid(ax, "cumulative")[0]
    assert list(line.get_ydata()) == [100 * s for s in ranked["cumulative_share"]]
    cut = len(h.pareto())
    pareto_shares = [100 * s for s in h.pareto().to_dict()["cumulative_share"]]
    assert list(line.get_ydata())[:cut] == pareto_shares
    assert list(_by_gid(ax, "cut")[0].get_xdata()) == [cut - 0.5, cut - 0.5]
    assert list(_by_gid(ax, "share")[0].get_ydata()) == [80.0, 80.0]
    # the pareto() rows are the dark bars
    dark = [p for p in bars if p.get_facecolor()[:3] == to_rgb(nps.plot.BLUE)]
    assert len(dark) == cut == 1  # 893 * 9 = 8037 of 9245 heat
    _check_figure(ax)


# --- scorecard, funnel, goal ---------------------------------------------------


def test_scorecard_lights_values_units_and_contrast() -> None:
    card = nps.kpi.scorecard({
        "first_time_fix_rate": 0.9,
        "comeback_rate": 0.12,
        "delivery_minutes": 0.95,  # share of deliveries within 15 min
        "technician_productivity": None,
        "csat": 0.8,
    })
    fig, axes = plt.subplots(1, 2, figsize=(14, 3), layout="constrained")
    ax = nps.plot.scorecard(card, ax=axes[0])
    assert ax is axes[0]
    texts = {g: [t.get_text() for t in ax.texts if t.get_gid() == g]
             for g in ("value", "benchmark", "status", "mark")}
    assert texts["value"] == ["90.0 %", "12.0 %", "95.0 %", "no data", "80.0 %"]
    assert texts["benchmark"] == ["≥ 85.0 %", "≤ 10.0 %", "≥ 90.0 % ≤ 15 min", "85–87.5 %",
                                  "no benchmark"]
    assert texts["status"] == ["meets", "misses", "meets", "no data", "no benchmark"]
    assert [line.status for line in card] == ["meets", "misses", "meets", "no_data", "no_benchmark"]
    assert [line.unit for line in card] == ["fraction"] * 5
    assert [line.standard_minutes for line in card] == [None, None, 15.0, None, None]
    lights = _by_gid(ax, "light")
    colours = [to_rgb(p.get_facecolor()[0]) for p in lights]
    assert colours[0] == colours[2] == to_rgb(nps.plot.GREEN)
    assert colours[1] == to_rgb(nps.plot.VERMILLION)
    marks = [t for t in ax.texts if t.get_gid() == "mark"]
    for mark, colour in zip(marks, colours):
        assert _wcag_contrast(mark.get_color(), colour) >= 4.5
    _check_figure(ax)


def _case(i: int, events: list[dict[str, Any]]) -> nps.Case:
    at = dt.datetime(2025, 6, 13, 10, tzinfo=UTC)
    opened = {"kind": "opened", "at": at, "score": 2, "reason": "waiting", "dealer": "D1",
              "high_value": False, "public_opinion_risk": False}
    c = nps.Case.from_events([opened], case_id=f"c{i}")
    for e in events:
        c.apply({**e, "at": at + e["at"]})
    return c


def test_funnel_counts_and_rates() -> None:
    cases = [_case(i, []) for i in range(3)]
    stats = nps.recovery_stats(cases)
    fig, axes = plt.subplots(1, 2, figsize=(12, 3), layout="constrained")
    ax = nps.plot.funnel(stats, ax=axes[1])
    assert ax is axes[1]
    widths = [p.get_width() for p in _by_gid(ax, "stages")]
    assert widths == [stats.low_scores, stats.launched, stats.responded_24h, stats.recovered,
                      stats.converted, stats.lost] == [3, 0, 0, 0, 0, 0]
    counts = [t.get_text() for t in ax.texts if t.get_gid() == "count"]
    assert counts == ["3", "0 (0.0 %)", "0 (0.0 %)", "0 (0.0 %)", "0 (0.0 %)", "0 (0.0 %)"]
    for t, p in zip([t for t in ax.texts if t.get_gid() == "count"], _by_gid(ax, "stages")):
        inside = t.get_position()[0] < p.get_width()
        background = p.get_facecolor() if inside else "white"
        assert _wcag_contrast(t.get_color(), background) >= 4.5
    with pytest.raises(TypeError, match="RecoveryStats"):
        nps.plot.funnel(nps.recovery_stats(cases, by="dealer"))  # type: ignore[arg-type]
    _check_figure(ax)


def test_goal_path_actuals_target_and_projection() -> None:
    history = [nps.Tally(40, 10, 50), nps.Tally(0, 0, 0), nps.Tally(30, 20, 50),
               nps.Tally(20, 20, 60)]
    track = nps.track_goal(history, target=60, months=10)
    # NPS 10, -, 20, 40: least-squares slope 65/7 points a month; the line
    # (250/7 at the last month) reaches 60 in month 3.
    assert track.actuals == (10.0, None, 20.0, 40.0)
    assert track.trend == pytest.approx(65 / 7, abs=1e-12)
    assert track.projected_months == 3
    fig, axes = plt.subplots(2, 1, figsize=(7, 7), layout="constrained")
    ax = nps.plot.goal(track, ax=axes[0])
    assert ax is axes[0]
    actual = _by_gid(ax, "actual")[0]
    assert list(actual.get_xdata()) == [-3, -2, -1, 0]
    ys = list(actual.get_ydata())
    assert ys[0] == 10.0 and math.isnan(ys[1]) and ys[2:] == [20.0, 40.0]
    path = _by_gid(ax, "path")[0]
    assert list(path.get_ydata()) == [track.current, *track.path]
    assert list(_by_gid(ax, "target")[0].get_ydata()) == [60.0, 60.0]
    assert list(_by_gid(ax, "projected")[0].get_xdata()) == [3, 3]
    _check_figure(ax)
    falling = nps.track_goal([history[3], history[0]], target=60, months=10)
    assert falling.projected_months is None
    ax = nps.plot.goal(falling)
    assert _by_gid(ax, "projected") == []
    _check_figure(ax)


# --- common --------------------------------------------------------------------


def test_every_chart_makes_its_own_figure_without_pyplot() -> None:
    before = plt.get_fignums()
    ax = nps.plot.forest(_dealers())
    assert plt.get_fignums() == before  # nothing registered with pyplot
    assert ax.figure.get_layout_engine() is not None


def test_missing_matplotlib_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r"pip install nps\[plot\]"):
        nps.plot.forest(_dealers())


def test_shorten() -> None:
    assert nps.plot.shorten("x" * 40, 10) == "x" * 9 + "…"
    assert nps.plot.shorten("short") == "short"
    assert nps.plot.shorten(None) == "(missing)"


def test_goal_plan_planned_against_actual() -> None:
    """With a plan start the chart is the plan: the planned path from the
    plan-start month's NPS, the actuals with their intervals by status, the
    target and the projected month (or a note when not reachable)."""
    history = [nps.Tally(40, 30, 130), nps.Tally(50, 30, 120), nps.Tally(45, 30, 125),
               nps.Tally(20, 20, 160)]
    track = nps.track_goal(history, target=65, months=12, plan_start=1)
    plan = track.plan
    assert plan is not None
    ax = nps.plot.goal(track)
    planned = _by_gid(ax, "planned")[0]
    assert list(planned.get_xdata()) == list(range(0, 13))
    assert list(planned.get_ydata())[:3] == [35.0, 37.5, 40.0]
    assert planned.get_ydata()[-1] == 65.0
    assert ax.get_xlabel() == "months since the plan started"
    statuses = {m.status for m in plan.months}
    assert "ahead" in statuses  # 35 -> 70 two months later, n = 200
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("actual, ahead" in x for x in labels)
    _check_figure(ax)
    falling = nps.track_goal([history[0], history[1], history[1]], target=65, months=12,
                             plan_start=0)
    assert falling.plan is not None and falling.plan.projected.status == "not_reachable"
    ax = nps.plot.goal(falling)
    assert _by_gid(ax, "projected") == []
    assert any("not reachable" in t.get_text() for t in ax.get_legend().get_texts())
    _check_figure(ax)
