"""Charts of nps results with matplotlib (``pip install nps[plot]``).

Every function takes the library's result object and ``ax=None``: with no
``ax`` it draws on a new matplotlib ``Figure`` (constrained layout, not
registered with pyplot, so nothing pops up and nothing leaks in a loop;
display it in a notebook or save it with ``ax.figure.savefig``), else on the
given Axes (a subplot of the caller's figure). Each returns the Axes it drew
on. matplotlib is imported only when a function is called.

The numbers come from nps-core through the result objects (NPS, interval
bounds, thin flags, rolling windows, heat, Pareto shares, scorecard status,
recovery counts and rates, goal path and projection); this module only lays
them out: colour-blind-safe colours (Okabe-Ito, ``cividis``, ``RdBu``), text
colour picked per cell for contrast, labels shortened with an ellipsis so
they are never clipped, plain-language titles and axis labels with units.
Artists carrying numbers have a ``gid`` (``"nps"``, ``"interval"``,
``"estimates"``, ``"cumulative"``, ...), which is also their id in SVG.

- `trend`: NPS by period with its interval band, optional rolling line.
- `forest`: one point and interval per dealer (key), with a reference line.
- `grid`: key × period matrix as a coloured grid with the values written in.
- `changes`: many comparisons (`nps.compare_many`) with their intervals,
  beyond noise after the multiple-comparison adjustment or not.
- `heatmap`: the customer-journey pain-point heat map.
- `pareto`: pain points by heat with the cumulative share and the 80 % cut.
- `scorecard`: KPIs against the policy's benchmarks as traffic lights.
- `funnel`: the recovery funnel of a programme's low scores.
- `goal`: planned path, actual NPS, target and projected month.

>>> import datetime as dt
>>> import nps.plot
>>> at = [dt.datetime(2025, m, 3, tzinfo=dt.timezone.utc) for m in (1, 1, 2, 2, 3)]
>>> g = nps.group_by(None, [10, 6, 9, 9, 3], timestamps=at, period="month")
>>> ax = nps.plot.trend(g)
>>> ax.get_ylabel()
'NPS (points)'
>>> import io
>>> buf = io.StringIO()
>>> ax.figure.savefig(buf, format="svg")
>>> buf.getvalue().startswith("<?xml")
True
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from nps._nps import (
    AdjustedComparison,
    GoalReport,
    Group,
    GroupResult,
    HeatMap,
    InvalidArgumentError,
    RecoveryStats,
    Tally,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from nps.kpi import Scorecard

__all__ = [
    "trend",
    "forest",
    "grid",
    "changes",
    "heatmap",
    "pareto",
    "scorecard",
    "funnel",
    "goal",
    "shorten",
    "luminance",
    "contrast",
    "text_color",
]

# Okabe & Ito (2008), the colour-blind-safe qualitative palette.
BLUE = "#0072B2"
ORANGE = "#E69F00"
SKY = "#56B4E9"
GREEN = "#009E73"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
GREY = "#999999"
BLACK = "#000000"
WHITE = "#FFFFFF"
NO_DATA = "#F0F0F0"

LABEL_WIDTH = 30  # characters of a tick label before the ellipsis

_STATS = ("n", "detractors", "passives", "promoters", "nps", "se", "low", "high", "thin")
_PERIOD_NAMES = {"day": "day", "week": "week", "month": "month", "quarter": "quarter", "year": "year"}


# ---------------------------------------------------------------------------
# Helpers: matplotlib, axes, labels, contrast


def _mpl() -> Any:
    try:
        import matplotlib
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError(
            "nps.plot needs matplotlib, which is not installed: pip install nps[plot]"
        ) from e
    return matplotlib


def _axes(ax: Any, size: tuple[float, float]) -> Axes:
    """The given Axes, or one on a new constrained-layout Figure."""
    _mpl()
    if ax is not None:
        return ax  # type: ignore[no-any-return]
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, layout="constrained")
    FigureCanvasAgg(fig)  # draws and saves without a GUI (PNG, SVG, PDF)
    return fig.add_subplot()


def shorten(text: Any, width: int = LABEL_WIDTH) -> str:
    """`text` as a label of at most `width` characters, ending in an
    ellipsis when cut (tuples of keys are joined with " / ").

    >>> nps.plot.shorten("queue longer than 30 minutes on arrival", 20)
    'queue longer than 3…'
    >>> nps.plot.shorten(("north", 7))
    'north / 7'
    """
    if isinstance(text, tuple):
        text = " / ".join(str(t) for t in text)
    text = "(missing)" if text is None else str(text)
    return text if len(text) <= width else text[: max(width - 1, 1)] + "…"


def _wrap(text: str, width: int, lines: int) -> str:
    out = textwrap.wrap(text, width) or [""]
    if len(out) > lines:
        out = out[:lines]
        out[-1] = shorten(out[-1] + " …", width)
        if not out[-1].endswith("…"):
            out[-1] = out[-1].rstrip(" …") + "…"
    return "\n".join(out)


def luminance(color: Any) -> float:
    """WCAG relative luminance (0 black .. 1 white) of a matplotlib colour.

    >>> nps.plot.luminance("white"), nps.plot.luminance("black")
    (1.0, 0.0)
    """
    _mpl()
    from matplotlib.colors import to_rgb

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = to_rgb(color)
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: Any, b: Any) -> float:
    """WCAG contrast ratio (1..21) of two colours.

    >>> round(nps.plot.contrast("black", "white"), 1)
    21.0
    """
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_color(background: Any) -> str:
    """Black or white, whichever contrasts more with `background` (the
    better of the two always reaches a WCAG ratio of 4.5).

    >>> nps.plot.text_color("#0072B2"), nps.plot.text_color("#F0E442")
    ('#FFFFFF', '#000000')
    """
    return BLACK if contrast(BLACK, background) >= contrast(WHITE, background) else WHITE


def _num(v: Any) -> float:
    """A value for matplotlib: None ("no data") becomes NaN, a gap in a line."""
    return math.nan if v is None else float(v)


def _key_columns(cols: dict[str, list[Any]]) -> list[str]:
    return [c for c in cols if c not in _STATS and c != "period"]


def _interval_label(interval: str | None, confidence: float | None) -> str:
    if interval is None and confidence is None:
        return "confidence interval"
    parts = []
    if confidence is not None:
        parts.append(f"{confidence * 100:g} %")
    if interval is not None:
        parts.append(interval.replace("_", " "))
    return " ".join(parts) + " interval"


def _rows(g: GroupResult, interval: Any, confidence: float | None,
          options: dict[str, Any]) -> tuple[list[Group], dict[str, list[Any]]]:
    if not isinstance(g, GroupResult):
        raise TypeError(f"expected an nps.GroupResult, got {type(g).__name__}")
    return list(g), g.to_dict(interval, confidence, **options)


def _period_title(g: GroupResult) -> str:
    return _PERIOD_NAMES.get(g.period or "", "period")


# ---------------------------------------------------------------------------
# trend


def trend(g: GroupResult, ax: Any = None, rolling: int | None = None, *, key: Any = None,
          interval: str | None = None, confidence: float | None = None,
          title: str | None = None, **options: Any) -> Axes:
    """NPS by period with its interval band: `g` is a `GroupResult` grouped
    by period, overall or for one key (`key=` picks one of several). The
    band is `interval` at `confidence` (with the options of
    `GroupResult.to_dict`; not given: the result's interval). Thin periods
    (n < `g.min_n`) are hollow markers. `rolling` (periods) adds the
    rolling NPS of `g.rolling(rolling)`: complete windows as a solid line,
    windows that start before the data as a dashed line with hollow
    markers. Gids: ``nps``, ``interval``, ``thin``, ``rolling``,
    ``rolling_partial``.

    >>> import datetime as dt
    >>> at = [dt.datetime(2025, m, 3, tzinfo=dt.timezone.utc) for m in (1, 2, 2, 3, 3, 3)]
    >>> g = nps.group_by(None, [10, 6, 9, 9, 3, 10], timestamps=at, period="month", min_n=2)
    >>> ax = nps.plot.trend(g, rolling=2)
    >>> [line.get_gid() for line in ax.get_lines()]
    ['nps', 'thin', 'rolling', 'rolling_partial', 'zero']
    >>> ax.get_lines()[0].get_ydata().tolist()  # the NPS of each month
    [100.0, 0.0, 33.333333333333336]
    """
    groups, cols = _rows(g, interval, confidence, options)
    if g.period is None:
        raise InvalidArgumentError("g: a trend needs a result grouped by period (period=)")
    keys = list(dict.fromkeys(x.key for x in groups))
    if key is None and len(keys) > 1:
        raise InvalidArgumentError(
            f"key: g has {len(keys)} keys; pick one with key= (e.g. key={keys[0]!r})"
        )
    if key is not None and key not in keys:
        raise InvalidArgumentError(f"key: {key!r} is not a key of g")
    chosen = keys[0] if key is None else key
    idx = [i for i, x in enumerate(groups) if x.key == chosen]
    x = [groups[i].period_start for i in idx]
    y = [_num(cols["nps"][i]) for i in idx]
    low = [_num(cols["low"][i]) for i in idx]
    high = [_num(cols["high"][i]) for i in idx]
    ax = _axes(ax, (9.0, 3.8))
    band = ax.fill_between(x, low, high, color=SKY, alpha=0.35, linewidth=0,
                           label=_interval_label(interval, confidence))
    band.set_gid("interval")
    ax.plot(x, y, color=BLUE, marker="o", label="NPS", gid="nps")
    thin = [i for i, gi in enumerate(idx) if groups[gi].thin]
    ax.plot([x[i] for i in thin], [y[i] for i in thin], linestyle="none", marker="o",
            markersize=9, markerfacecolor=WHITE, markeredgecolor=VERMILLION, markeredgewidth=1.5,
            label=f"thin: fewer than {g.min_n} answers" if thin else "_thin", gid="thin")
    if rolling is not None:
        r = [w for w in g.rolling(rolling) if w.key == chosen]
        rx = [w.period_start for w in r]
        ry = [_num(w.tally.nps) if w.tally.n else math.nan for w in r]
        full = [v if w.complete else math.nan for w, v in zip(r, ry)]
        # the partial windows, joined to the first complete one
        first = next((i for i, w in enumerate(r) if w.complete), len(r))
        part = [v if i <= first else math.nan for i, v in enumerate(ry)]
        ax.plot(rx, full, color=ORANGE, linewidth=2.2,
                label=f"rolling {rolling}-{_period_title(g)} NPS", gid="rolling")
        ax.plot(rx, part, color=ORANGE, linewidth=1.6, linestyle="--", marker="o",
                markerfacecolor=WHITE, markevery=[i for i in range(len(r)) if not r[i].complete],
                label="rolling, partial window (fewer periods)", gid="rolling_partial")
    ticks: dict[Any, Any] = {groups[i].period_start: groups[i].period for i in idx}
    if rolling is not None:
        ticks.update({w.period_start: w.period for w in r})
    _date_axis(ax, ticks)
    ax.set_ylabel("NPS (points)")
    ax.set_xlabel(_period_title(g).capitalize())
    name = "" if chosen is None else f" — {shorten(chosen)}"
    ax.set_title(title or f"NPS by {_period_title(g)}{name}")
    ax.axhline(0, color=GREY, linewidth=0.8, zorder=0, gid="zero")
    _legend_outside(ax)
    return ax


def _legend_outside(ax: Axes) -> None:
    """The legend right of the plot, where it hides no data (constrained
    layout makes room for it)."""
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0,
              fontsize="small", frameon=False)


def _date_axis(ax: Axes, ticks: dict[Any, Any]) -> None:
    """Periods on the x axis: each labelled ("2025-03", "2025-W09") when
    there are at most 12, else matplotlib's date ticks."""
    import matplotlib.dates as mdates

    if len(ticks) <= 12:
        days = sorted(ticks)
        turn = len(days) > 6
        ax.set_xticks(days, [ticks[d] for d in days], rotation=45 if turn else 0,
                      ha="right" if turn else "center")
        return
    locator = mdates.AutoDateLocator(maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


# ---------------------------------------------------------------------------
# forest


def _reference_value(reference: Any, g: GroupResult) -> float | None:
    if reference is False:
        return None
    if reference is None:
        return g.total().nps
    if isinstance(reference, Group):
        return reference.tally.nps
    if isinstance(reference, Tally):
        return reference.nps
    return float(reference)


def forest(g: GroupResult, reference: Any = None, ax: Any = None, *,
           interval: str | None = None, confidence: float | None = None,
           title: str | None = None, **options: Any) -> Axes:
    """Dealers (the keys of `g`, one group each) as a forest plot: the NPS
    and its interval per key, highest at the top, thin groups (n < `g.min_n`)
    hollow, and a vertical reference line: `reference` a number (points), a
    `Tally` or a `Group` (its NPS), None for the NPS of all of `g`
    (``g.total()``, the network) or False for no line. Gids: ``estimates``,
    ``thin``, ``intervals``, ``reference``.

    >>> g = nps.group_by(["a", "b", "a", "b", "c"], [10, 0, 9, 9, 7])
    >>> ax = nps.plot.forest(g, reference=20.0)
    >>> [t.get_text() for t in ax.get_yticklabels()]  # bottom to top; ties in key order from the top
    ['c', 'b', 'a']
    >>> ax.get_lines()[0].get_xdata().tolist()  # their NPS
    [0.0, 0.0, 100.0]
    """
    groups, cols = _rows(g, interval, confidence, options)
    if "period" in cols and len({x.key for x in groups}) != len(groups):
        raise InvalidArgumentError(
            "g: a forest plot takes one group per key; group without period= "
            "(or pick one period)"
        )
    rows = [(cols["nps"][i], i) for i in range(len(groups)) if cols["nps"][i] is not None]
    rows.sort(key=lambda r: (r[0], -r[1]))  # lowest NPS at the bottom; ties keep key order
    ax = _axes(ax, (8.5, max(2.6, 0.32 * len(rows) + 1.4)))
    ys = list(range(len(rows)))
    xs = [float(v) for v, _ in rows]
    low = [float(cols["low"][i]) for _, i in rows]
    high = [float(cols["high"][i]) for _, i in rows]
    lines = ax.hlines(ys, low, high, color=BLUE, linewidth=1.8,
                      label=_interval_label(interval, confidence))
    lines.set_gid("intervals")
    ax.plot(xs, ys, linestyle="none", marker="o", color=BLUE, label="NPS", gid="estimates")
    thin = [k for k, (_, i) in enumerate(rows) if groups[i].thin]
    ax.plot([xs[k] for k in thin], [ys[k] for k in thin], linestyle="none", marker="o",
            markersize=8, markerfacecolor=WHITE, markeredgecolor=VERMILLION, markeredgewidth=1.5,
            label=f"thin: fewer than {g.min_n} answers" if thin else "_thin", gid="thin")
    ref = _reference_value(reference, g)
    if ref is not None:
        what = "network" if reference is None else "reference"
        ax.axvline(ref, color=GREY, linestyle="--", linewidth=1.2,
                   label=f"{what} NPS {ref:.1f}", gid="reference")
    ax.set_yticks(ys, [shorten(groups[i].key) if _key_columns(cols) else "all answers"
                       for _, i in rows])
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_xlabel("NPS (points)")
    ax.set_title(title or "NPS by dealer, with intervals")
    _legend_outside(ax)
    return ax


# ---------------------------------------------------------------------------
# changes

_ADJUST_NAMES = {"holm": "Holm", "bh": "Benjamini-Hochberg"}


def changes(comparisons: Iterable[AdjustedComparison], labels: Iterable[Any], ax: Any = None, *,
            adjust: str | None = "holm", title: str | None = None) -> Axes:
    """Many comparisons at once (the results of `nps.compare_many`, one per
    label, e.g. each dealer's last month against the month before): the
    change a − b in points with its interval, sorted, a line at no change,
    and each change filled when it is beyond noise *after* the adjustment
    for multiple comparisons (`significant`), hollow otherwise. `adjust` is
    the adjustment `compare_many` was called with; it is named in the title
    ("Holm-adjusted, 7 tests"). Gids: ``changes``, ``beyond_noise``,
    ``intervals``, ``zero``.

    >>> pairs = [(nps.Tally(10, 20, 70), nps.Tally(40, 20, 40)),
    ...          (nps.Tally(30, 30, 40), nps.Tally(32, 30, 38))]
    >>> many = nps.compare_many(pairs, adjust="holm", method="wald")
    >>> ax = nps.plot.changes(many, ["D1", "D2"])
    >>> [t.get_text() for t in ax.get_yticklabels()]  # smallest change at the bottom
    ['D2', 'D1']
    >>> [round(float(x), 6) for x in ax.get_lines()[0].get_xdata()]  # the changes (points)
    [4.0, 60.0]
    >>> ax.get_title()
    'Changes, Holm-adjusted for 2 tests'
    """
    comps = list(comparisons)
    names = list(labels)
    if len(names) != len(comps):
        raise InvalidArgumentError(
            f"labels: {len(names)} labels for {len(comps)} comparisons")
    order = sorted(range(len(comps)), key=lambda i: (comps[i].result.difference, -i))
    ax = _axes(ax, (8.5, max(2.6, 0.32 * len(order) + 1.4)))
    ys = list(range(len(order)))
    xs = [comps[i].result.difference for i in order]
    low = [comps[i].result.interval.low for i in order]
    high = [comps[i].result.interval.high for i in order]
    conf = comps[order[0]].result.interval.confidence if order else 0.95
    lines = ax.hlines(ys, low, high, color=GREY, linewidth=1.8,
                      label=f"{conf:.0%} interval of the change (one test)")
    lines.set_gid("intervals")
    ax.plot(xs, ys, linestyle="none", marker="o", markersize=7, markerfacecolor=WHITE,
            markeredgecolor=BLUE, markeredgewidth=1.5, label="within noise", gid="changes")
    sig = [k for k, i in enumerate(order) if comps[i].significant]
    ax.plot([xs[k] for k in sig], [ys[k] for k in sig], linestyle="none", marker="o",
            markersize=7, color=VERMILLION,
            label="beyond noise (adjusted)" if sig else "_beyond_noise", gid="beyond_noise")
    ax.axvline(0.0, color=BLACK, linewidth=0.8, gid="zero")
    ax.set_yticks(ys, [shorten(names[i]) for i in order])
    ax.set_ylim(-0.7, len(order) - 0.3)
    ax.set_xlabel("Change (NPS points)")
    how = (f"{_ADJUST_NAMES.get(adjust, adjust)}-adjusted for {len(comps)} tests"
           if adjust else f"not adjusted for multiple comparisons ({len(comps)} tests)")
    ax.set_title(f"{title or 'Changes'}, {how}")
    _legend_outside(ax)
    return ax


# ---------------------------------------------------------------------------
# grid


def grid(g: GroupResult, value: str = "nps", mark_thin: bool = True, ax: Any = None, *,
         digits: int = 1, interval: str | None = None, confidence: float | None = None,
         title: str | None = None, **options: Any) -> Axes:
    """The key × period matrix of `g` (grouped by one key and period) as a
    colour grid, with `value` (a numeric column of `GroupResult.to_dict`:
    "nps", "n", "se", "low", "high", ...) written in each cell with
    `digits` decimals. Cells of thin groups are hatched (``mark_thin``);
    cells without answers are light grey and empty. Text is black or white, whichever
    contrasts more with its cell. Gids: ``cells`` (the image), ``value``
    (cell texts), ``thin`` (hatches).

    >>> import datetime as dt
    >>> at = [dt.datetime(2025, m, 3, tzinfo=dt.timezone.utc) for m in (1, 1, 2, 2)]
    >>> g = nps.group_by(["a", "b", "a", "b"], [10, 0, 9, 7], timestamps=at, period="month")
    >>> ax = nps.plot.grid(g)
    >>> [t.get_text() for t in ax.texts if t.get_gid() == "value"]
    ['100.0', '100.0', '-100.0', '0.0']
    """
    groups, cols = _rows(g, interval, confidence, options)
    if "period" not in cols:
        raise InvalidArgumentError("g: a grid needs a result grouped by key and period")
    if value not in cols or value in ("thin",) or value in _key_columns(cols) or value == "period":
        numeric = [c for c in _STATS if c != "thin"]
        raise InvalidArgumentError(f"value: must be one of {numeric}, got {value!r}")
    keys = list(dict.fromkeys(x.key for x in groups))
    _mpl()
    periods = sorted({(x.period_start, x.period) for x in groups})
    col_of = {p: c for c, p in enumerate(periods)}
    row_of = {k: r for r, k in enumerate(keys)}
    import numpy as np

    data = np.full((len(keys), len(periods)), np.nan)
    thin = np.zeros(data.shape, dtype=bool)
    for i, x in enumerate(groups):
        r, c = row_of[x.key], col_of[(x.period_start, x.period)]
        data[r, c] = _num(cols[value][i])
        thin[r, c] = x.thin
    from matplotlib import colormaps
    from matplotlib.colors import Normalize

    if value in ("nps", "low", "high"):
        cmap, norm, unit = colormaps["RdBu"], Normalize(-100, 100), "NPS (points)"
    else:
        finite = data[np.isfinite(data)]
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        cmap, norm = colormaps["cividis"], Normalize(lo, hi if hi > lo else lo + 1)
        unit = {"se": "standard error (points)", "n": "answers"}.get(value, value)
    cmap = cmap.with_extremes(bad=NO_DATA)
    ax = _axes(ax, (max(4.0, 0.75 * len(periods) + 2.6), max(2.4, 0.38 * len(keys) + 1.4)))
    image = ax.imshow(np.ma.masked_invalid(data), cmap=cmap, norm=norm, aspect="auto")
    image.set_gid("cells")
    from matplotlib.patches import Rectangle

    for r in range(len(keys)):
        for c in range(len(periods)):
            v = data[r, c]
            if math.isnan(v):
                continue
            fg = text_color(cmap(norm(v)))
            if mark_thin and thin[r, c]:
                ax.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, fill=False, hatch="///",
                                       edgecolor=fg, alpha=0.45, linewidth=0, gid="thin"))
            ax.text(c, r, f"{v:.{digits}f}", ha="center", va="center", color=fg,
                    fontsize=8, gid="value")
    ax.set_yticks(range(len(keys)),
                  [shorten(k) if _key_columns(cols) else "all answers" for k in keys])
    ax.set_xticks(range(len(periods)), [p[1] for p in periods],
                  rotation=45 if len(periods) > 6 else 0, ha="right" if len(periods) > 6 else "center")
    ax.set_xlabel(_period_title(g).capitalize())
    bar = ax.figure.colorbar(image, ax=ax, label=unit)
    bar.ax.tick_params(labelsize=8)
    if mark_thin and thin.any():
        ax.set_xlabel(f"{_period_title(g).capitalize()} (hatched: fewer than {g.min_n} answers)")
    ax.set_title(title or f"{'NPS' if value == 'nps' else value} by dealer and {_period_title(g)}")
    return ax


# ---------------------------------------------------------------------------
# heat map and Pareto


def heatmap(h: HeatMap, ax: Any = None, *, by: str | None = None, top: int = 5,
            title: str | None = None) -> Axes:
    """The customer-journey heat map of `h`. With `by` ("key" or "period",
    for a map built from records with keys or timestamps) the stage ×
    key / period matrix of heat; else the journey view: one column per
    stage in journey order, its `top` pain points (descriptions) by heat
    from the top down. Cell colour is the heat, text black or white for
    contrast. Gids: ``cells``, ``value`` (heat texts), ``point``
    (descriptions).

    >>> h = nps.HeatMap.from_rows(["reception", "repair", "repair"],
    ...     ["long wait", "not fixed", "dirty car"], [4, 2, 3], [5, 9, 2])
    >>> ax = nps.plot.heatmap(h)
    >>> sorted(t.get_text() for t in ax.texts if t.get_gid() == "value")
    ['heat 18', 'heat 20', 'heat 6']
    """
    _mpl()
    import numpy as np
    from matplotlib import colormaps
    from matplotlib.colors import Normalize

    cmap = colormaps["YlOrRd"].with_extremes(bad=WHITE)
    if by is not None:
        cols = h.matrix(by=by).to_dict()  # type: ignore[arg-type]
        labels = list(dict.fromkeys(cols["column"]))
        stages = list(dict.fromkeys(cols["stage"]))
        data = np.full((len(stages), len(labels)), np.nan)
        for s, c, v in zip(cols["stage"], cols["column"], cols["heat"]):
            data[stages.index(s), labels.index(c)] = v
        norm = Normalize(0, max(float(np.nanmax(data)) if data.size else 1.0, 1.0))
        ax = _axes(ax, (max(4.5, 0.8 * len(labels) + 2.8), 3.6))
        image = ax.imshow(data, cmap=cmap, norm=norm, aspect="auto")
        image.set_gid("cells")
        for r in range(len(stages)):
            for c in range(len(labels)):
                v = data[r, c]
                ax.text(c, r, f"{v:.0f}", ha="center", va="center", fontsize=8,
                        color=text_color(cmap(norm(v))), gid="value")
        ax.set_yticks(range(len(stages)), stages)
        ax.set_xticks(range(len(labels)), [shorten(x, 16) for x in labels],
                      rotation=45 if len(labels) > 5 else 0,
                      ha="right" if len(labels) > 5 else "center")
        ax.set_xlabel("Dealer" if by == "key" else "Period")
        ax.set_ylabel("Journey stage")
    else:
        ranked = h.ranked().to_dict()
        stages = list(h.by_stage().to_dict()["stage"])
        cells: dict[str, list[tuple[str, int]]] = {s: [] for s in stages}
        for s, p, v in zip(ranked["stage"], ranked["point"], ranked["heat"]):
            if len(cells[s]) < top:
                cells[s].append((p, v))
        depth = max([len(c) for c in cells.values()] + [1])
        data = np.full((depth, len(stages)), np.nan)
        for c, s in enumerate(stages):
            for r, (_, v) in enumerate(cells[s]):
                data[r, c] = v
        norm = Normalize(0, max(float(np.nanmax(data)) if np.isfinite(data).any() else 1.0, 1.0))
        ax = _axes(ax, (9.5, 0.9 * depth + 1.8))
        image = ax.imshow(np.ma.masked_invalid(data), cmap=cmap, norm=norm, aspect="auto")
        image.set_gid("cells")
        for c, s in enumerate(stages):
            for r, (p, v) in enumerate(cells[s]):
                fg = text_color(cmap(norm(v)))
                ax.text(c, r - 0.12, _wrap(p, 16, 2), ha="center", va="center", fontsize=7,
                        color=fg, gid="point")
                ax.text(c, r + 0.3, f"heat {v}", ha="center", va="center", fontsize=7,
                        color=fg, fontweight="bold", gid="value")
        ax.set_xticks(range(len(stages)), stages)
        ax.set_yticks(range(depth), [f"#{r + 1}" for r in range(depth)])
        ax.set_ylabel("Rank within stage")
        ax.set_xlabel("Journey stage")
    bar = ax.figure.colorbar(image, ax=ax, label="heat (mentions × pain index)")
    bar.ax.tick_params(labelsize=8)
    ax.set_title(title or "Customer-journey pain points by heat")
    return ax


def pareto(h: HeatMap, ax: Any = None, *, share: float = 0.8, top: int | None = 25,
           title: str | None = None) -> Axes:
    """Pain points of `h` by heat, descending (bars, at most `top`), with the
    cumulative share of heat (line, right axis, %) from `h.ranked()` and the
    cut of `h.pareto(share)`: the fewest points carrying `share` of the heat
    (dark bars, a dotted vertical line, and the share as a dashed line).
    Returns the bars' Axes; the line and the share are on its right twin
    (another Axes of the same figure). Gids: ``heat`` (bars),
    ``cumulative``, ``cut``, ``share``.

    >>> h = nps.HeatMap.from_rows(["reception", "repair", "delivery"],
    ...     ["long wait", "not fixed", "dirty car"], [4, 2, 3], [5, 9, 2])
    >>> ax = nps.plot.pareto(h)
    >>> line = [l for a in ax.figure.axes for l in a.get_lines() if l.get_gid() == "cumulative"][0]
    >>> [round(v, 1) for v in line.get_ydata().tolist()]
    [45.5, 86.4, 100.0]
    """
    _mpl()
    ranked = h.ranked().to_dict()
    cut = len(h.pareto(share))
    n = len(ranked["heat"]) if top is None else min(top, len(ranked["heat"]))
    heat = ranked["heat"][:n]
    cum = [100.0 * float(v) for v in ranked["cumulative_share"][:n]]
    labels = [shorten(f"{s}: {p}", 28)
              for s, p in zip(ranked["stage"][:n], ranked["point"][:n])]
    ax = _axes(ax, (max(5.5, 0.42 * n + 2.5), 4.6))
    xs = list(range(n))
    bars = ax.bar(xs, heat, color=[BLUE if i < cut else SKY for i in xs],
                  label=f"heat; dark: the points carrying {share * 100:g} % of it")
    for bar in bars:
        bar.set_gid("heat")
    ax.set_xticks(xs, labels, rotation=45 if n > 1 else 0, ha="right" if n > 1 else "center",
                  fontsize=8)
    ax.set_ylabel("heat (mentions × pain index)")
    right = ax.twinx()
    right.plot(xs, cum, color=VERMILLION, marker="o", label="cumulative share of heat",
               gid="cumulative")
    right.axhline(share * 100, color=GREY, linestyle="--", linewidth=1,
                  label=f"{share * 100:g} % of heat", gid="share")
    right.set_ylim(0, 105)
    right.set_ylabel("cumulative share of heat (%)")
    if 0 < cut <= n:
        ax.axvline(cut - 0.5, color=BLACK, linestyle=":", linewidth=1.2, gid="cut")
    handles = ax.get_legend_handles_labels()
    more = right.get_legend_handles_labels()
    ax.legend(handles[0] + more[0], handles[1] + more[1], loc="center right", fontsize="small")
    ax.set_title(title or "Pain points by heat (Pareto)")
    return ax


# ---------------------------------------------------------------------------
# scorecard


# How a value in nps-core's unit (ScoreLine.unit, kpi::Unit) is shown.
_UNIT_LABELS: dict[str | None, tuple[str, float]] = {
    "fraction": ("%", 100.0),
    "minutes": ("min", 1.0),
    "hours": ("h", 1.0),
    "minor_units": ("minor units", 1.0),
    "minor_units_per_hour": ("minor units / h", 1.0),
    "visits": ("visits", 1.0),
}


def _fmt(v: float | None, unit: str | None) -> str:
    if v is None:
        return "no data"
    label, scale = _UNIT_LABELS.get(unit, ("", 1.0))
    if label == "%":
        return f"{v * scale:.1f} %"
    return f"{v * scale:.4g} {label}".rstrip()


def _benchmark_text(lo: float | None, hi: float | None, unit: str | None) -> str:
    if lo is None and hi is None:
        return "no benchmark"
    if lo is not None and hi is not None:
        _, scale = _UNIT_LABELS.get(unit, ("", 1.0))
        return f"{lo * scale:g}–{_fmt(hi, unit)}"
    return f"≥ {_fmt(lo, unit)}" if lo is not None else f"≤ {_fmt(hi, unit)}"


_STATUS = {
    "meets": (GREEN, "✓", "meets"),
    "misses": (VERMILLION, "✗", "misses"),
    "no_data": (NO_DATA, "–", "no data"),
    "no_benchmark": (NO_DATA, "?", "no benchmark"),
}


def scorecard(s: Scorecard | Iterable[Any], ax: Any = None, *, title: str | None = None) -> Axes:
    """A KPI scorecard (`nps.kpi.scorecard`) as traffic lights: one row per
    KPI with a light (green ✓ meets, vermillion ✗ misses, grey – no data
    or ? no benchmark: shape and word as well as colour), the KPI, its value
    and the policy's benchmark in the line's unit (nps-core's: fractions in
    percent, minutes, hours, minor units of money; reception and delivery
    time: the share of visits within the per-visit standard, "≥ 90.0 % ≤ 3
    min"). Gids: ``light`` (the lights), ``value``, ``benchmark``,
    ``status``.

    >>> card = nps.kpi.scorecard({"first_time_fix_rate": 0.9, "comeback_rate": 0.12})
    >>> ax = nps.plot.scorecard(card)
    >>> [t.get_text() for t in ax.texts if t.get_gid() == "value"]
    ['90.0 %', '12.0 %']
    >>> [t.get_text() for t in ax.texts if t.get_gid() == "benchmark"]
    ['≥ 85.0 %', '≤ 10.0 %']
    """
    lines = list(s)
    ax = _axes(ax, (7.0, 0.45 * len(lines) + 1.2))
    n = len(lines)
    for row, line in enumerate(lines):
        y = n - 1 - row
        color, mark, word = _STATUS.get(line.status, (NO_DATA, "?", line.status))
        ax.scatter([0.3], [y], s=260, color=color, edgecolors=GREY, linewidths=0.8,
                   gid="light", zorder=2)
        ax.text(0.3, y, mark, ha="center", va="center", color=text_color(color),
                fontsize=10, fontweight="bold", zorder=3, gid="mark")
        ax.text(0.8, y, shorten(line.kpi.replace("_", " ").capitalize(), 34), va="center",
                fontsize=9, gid="kpi")
        unit = getattr(line, "unit", None)
        ax.text(6.2, y, _fmt(line.value, unit), va="center", ha="right", fontsize=9,
                gid="value")
        bench = _benchmark_text(line.min, line.max, unit)
        standard = getattr(line, "standard_minutes", None)
        if standard is not None and line.min is not None:
            bench += f" ≤ {standard:g} min"  # share of visits within the per-visit standard
        ax.text(6.6, y, bench, va="center", fontsize=9, gid="benchmark")
        ax.text(9.1, y, word, va="center", fontsize=9, gid="status")
    for x, head, ha in ((0.8, "KPI", "left"), (6.2, "value", "right"),
                        (6.6, "benchmark", "left"), (9.1, "status", "left")):
        ax.text(x, n - 0.3, head, ha=ha, va="bottom", fontsize=9, fontweight="bold")
    ax.set_xlim(0, 10.6)
    ax.set_ylim(-0.6, n + 0.3)
    ax.set_axis_off()
    ax.set_title(title or "Service KPIs against the policy's benchmarks")
    return ax


# ---------------------------------------------------------------------------
# recovery funnel


def funnel(stats: RecoveryStats, ax: Any = None, *, title: str | None = None) -> Axes:
    """The recovery funnel of a programme's statistics (`nps.recovery_stats`
    without grouping): low scores (0–6) → recovery launched → responded
    within 24 h → recovered → converted, and lost beside them, each bar
    with its count and its rate over the low scores (nps-core's rates).
    Gids: ``stages`` (the bars), ``count`` (their texts).

    >>> import datetime as dt
    >>> at = dt.datetime(2025, 6, 13, 10, tzinfo=dt.timezone.utc)
    >>> opened = {"kind": "opened", "at": at, "score": 2, "reason": "waiting",
    ...           "dealer": "D1", "high_value": False, "public_opinion_risk": False}
    >>> c = nps.Case.from_events([opened], case_id="c1")
    >>> ax = nps.plot.funnel(nps.recovery_stats([c]))
    >>> [round(p.get_width()) for p in ax.patches]
    [1, 0, 0, 0, 0, 0]
    """
    if not isinstance(stats, RecoveryStats):
        raise TypeError(
            "funnel takes an nps.RecoveryStats (recovery_stats without period= / by=), "
            f"got {type(stats).__name__}"
        )
    stages = [
        ("Low scores (0–6)", stats.low_scores, None, BLUE),
        ("Recovery launched", stats.launched, stats.launch_rate, BLUE),
        ("Responded within 24 h", stats.responded_24h, stats.response_24h_rate, BLUE),
        ("Recovered", stats.recovered, stats.success_rate, GREEN),
        ("Converted (promoter)", stats.converted, stats.conversion_rate, GREEN),
        ("Lost", stats.lost, stats.lost_rate, VERMILLION),
    ]
    ax = _axes(ax, (7.0, 3.6))
    ys = list(range(len(stages)))[::-1]
    bars = ax.barh(ys, [c for _, c, _, _ in stages], color=[col for *_, col in stages],
                   height=0.65)
    for bar in bars:
        bar.set_gid("stages")
    top = max([c for _, c, _, _ in stages] + [1])
    for y, (_, count, rate, col) in zip(ys, stages):
        share = "" if rate is None else (
            " (no data)" if rate.value is None else f" ({rate.value * 100:.1f} %)")
        text = f"{count}{share}"
        inside = count >= 0.35 * top
        ax.text(count - top * 0.01 if inside else count + top * 0.01, y, text,
                ha="right" if inside else "left", va="center", fontsize=9,
                color=text_color(col) if inside else BLACK, gid="count")
    ax.set_yticks(ys, [name for name, *_ in stages])
    ax.set_xlim(0, top * 1.25)
    ax.set_xlabel("cases (share of low scores, %)")
    ax.set_title(title or "Recovery funnel of low scores")
    return ax


# ---------------------------------------------------------------------------
# goal


def goal(track: GoalReport, ax: Any = None, *, title: str | None = None) -> Axes:
    """Goal tracking (`nps.track_goal`): the actual NPS of the history's
    months, the planned path from the last month to the target, the target
    line, and the month the trend of the actuals is projected to reach the
    target (nps-core's ``projected_months``; none when the trend does not
    head there). Months are counted from the last month (0) of the history.
    Gids: ``actual``, ``path``, ``target``, ``projected``.

    With a plan start (``track_goal(..., plan_start=i)``) the chart is the
    plan against the actuals instead, months counted from the plan start:
    the planned path (gid ``planned``), each month's actual with its
    interval, coloured by status (gid ``plan_actual``: ahead green, on track
    blue, behind vermillion), the target, and the projected month with its
    interval shaded (gid ``projected``; a note when not reachable).

    >>> h = [nps.Tally(40, 30, 130), nps.Tally(50, 30, 120), nps.Tally(45, 30, 125)]
    >>> ax = nps.plot.goal(nps.track_goal(h, target=65, months=12, plan_start=1))
    >>> [l for l in ax.get_lines() if l.get_gid() == "planned"][0].get_ydata().tolist()[:2]
    [35.0, 37.5]

    >>> g = nps.track_goal([nps.Tally(30, 20, 50), nps.Tally(28, 20, 52)], target=65, months=12)
    >>> ax = nps.plot.goal(g)
    >>> line = [l for l in ax.get_lines() if l.get_gid() == "path"][0]
    >>> line.get_xdata().tolist()[:3], float(line.get_ydata()[-1])
    ([0, 1, 2], 65.0)
    """
    ax = _axes(ax, (9.0, 3.8))
    plan = getattr(track, "plan", None)
    if plan is not None:
        return _goal_plan(track, plan, ax, title)
    actual = list(track.actuals)
    ax_hist = list(range(1 - len(actual), 1))
    if actual:
        ax.plot(ax_hist, [_num(v) for v in actual], color=BLUE, marker="o",
                label="actual NPS", gid="actual")
    months = list(range(0, track.months + 1))
    ax.plot(months, [track.current, *track.path], color=ORANGE, linestyle="--",
            label=f"planned path ({track.monthly_step:+.2f} points a month)", gid="path")
    ax.axhline(track.target, color=GREEN, linewidth=1.5, label=f"target {track.target:g}",
               gid="target")
    projected = track.projected_months
    if projected is not None:
        ax.axvline(projected, color=PURPLE, linestyle=":", linewidth=1.5,
                   label=f"projected to reach the target in month {projected}",
                   gid="projected")
    elif actual:
        ax.plot([], [], linestyle="none", label="not projected to reach the target at the trend")
    ax.set_xlabel("months from the last month of data")
    ax.set_ylabel("NPS (points)")
    ax.set_title(title or "Goal tracking: NPS against the planned path")
    _legend_outside(ax)
    return ax


def _goal_plan(track: GoalReport, plan: Any, ax: Any, title: str | None) -> Axes:
    """`goal` with a plan: planned against actual per month since the start."""
    months = plan.months
    due = plan.due
    last = months[-1].month if months else 0
    end = max(due, last)
    xs = list(range(0, end + 1))
    step = (track.target - plan.start_value) / due
    planned = [track.target if k >= due else plan.start_value + step * k for k in xs]
    ax.plot(xs, planned, color=ORANGE, linestyle="--",
            label=f"plan ({step:+.2f} points a month from {plan.start_value:.1f})", gid="planned")
    colours = {"ahead": GREEN, "on_track": BLUE, "behind": VERMILLION}
    for status, colour in colours.items():
        ms = [m for m in months if m.status == status]
        if not ms:
            continue
        ys = [m.actual for m in ms]
        err = [[m.actual - m.low for m in ms], [m.high - m.actual for m in ms]]
        ax.errorbar([m.month for m in ms], ys, yerr=err, fmt="o", color=colour, capsize=3,
                    label=f"actual, {status.replace('_', ' ')}", gid="plan_actual")
    ax.axhline(track.target, color=GREEN, linewidth=1.5, label=f"target {track.target:g}",
               gid="target")
    pr = plan.projected
    if pr.status == "projected":
        ax.axvline(pr.month, color=PURPLE, linestyle=":", linewidth=1.5, gid="projected",
                   label=f"projected to reach the target in month {pr.month}")
        hi = pr.high if pr.high is not None else max(end, pr.month) + 3
        ax.axvspan(pr.low, hi, color=PURPLE, alpha=0.08,
                   label="projection interval" + ("" if pr.high is not None else " (unbounded)"))
    elif pr.status == "reached":
        ax.plot([], [], linestyle="none", label=f"target reached in month {pr.month}")
    elif pr.status == "not_reachable":
        ax.plot([], [], linestyle="none", label="not reachable at the current trend")
    ax.set_xlabel("months since the plan started")
    ax.set_ylabel("NPS (points)")
    ax.set_title(title or "Goal plan: planned against actual NPS")
    _legend_outside(ax)
    return ax


# ---------------------------------------------------------------------------
# lifecycle service cost (nps.econ.lifecycle_cost)

__all__ += ["lifecycle"]

_LINE_COLORS = (BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY)


def lifecycle(t: Any, ax: Any = None, *, scale: float = 100.0, unit: str = "CNY",
              title: str | None = None) -> Axes:
    """The lifecycle service cost (`nps.econ.lifecycle_cost`): per product
    line, the mean cumulative service cost per unit by age in months as a
    step curve with its confidence band, ending at the oldest age the data
    reach (never extrapolated), the 3- and 5-year horizons as vertical
    lines, and each line's mean manufacturing cost as a dotted level when
    known — a line whose curve approaches its level costs nearly as much to
    serve as to make. Amounts are minor units divided by ``scale`` (100:
    fen to yuan). Gids: ``curve``, ``band``, ``horizon``,
    ``manufacturing``.

    >>> import pandas as pd
    >>> units = pd.DataFrame({"unit": ["a", "b"], "product_line": ["L", "L"], "sold": [0, 0],
    ...                       "mc": [10_000, 10_000]})
    >>> events = pd.DataFrame({"unit": ["a", "b"], "at": [40 * 86_400, 70 * 86_400],
    ...                        "amount_minor": [3_000, 1_000]})
    >>> t = nps.econ.lifecycle_cost(units, events, manufacturing_cost_minor="mc",
    ...                             as_of=400 * 86_400)
    >>> ax = nps.plot.lifecycle(t)
    >>> [p.get_gid() for p in ax.patches if p.get_gid() in ("curve", "band")]
    ['curve', 'band']
    """
    ax = _axes(ax, (7.5, 4.5))
    d = t.to_dict()
    s = t.summary.to_dict() if t.summary is not None else {}
    mc = dict(zip(s.get("product_line", []), s.get("manufacturing_cost_minor", [])))
    lines: dict[Any, list[int]] = {}
    for i, name in enumerate(d["product_line"]):
        lines.setdefault(name, []).append(i)
    oldest = 0
    for n, (name, rows) in enumerate(lines.items()):
        color = _LINE_COLORS[n % len(_LINE_COLORS)]
        age = [d["age_months"][i] for i in rows]
        y = [d["mean_cumulative_minor"][i] / scale for i in rows]
        lo = [max(0.0, d["low"][i] / scale) for i in rows]
        hi = [d["high"][i] / scale for i in rows]
        # Points are where the step function changes; it holds until the
        # next one, and ends at the oldest age (the last point).
        x = age + [age[-1] + 1]
        ax.stairs(y, x, color=color, lw=1.6, label=shorten(name, 24), gid="curve",
                  baseline=None)
        ax.stairs(hi, x, baseline=lo, fill=True, color=color, alpha=0.15, gid="band")
        oldest = max(oldest, age[-1] + 1)
        m = mc.get(name)
        if m is not None:
            ax.hlines(m / scale, 0, age[-1] + 1, colors=color, linestyles=":", lw=1.0,
                      gid="manufacturing")
    for h in (36, 60):
        if h <= oldest:
            ax.axvline(h, color=GREY, lw=0.8, ls="--", gid="horizon")
            ax.text(h, ax.get_ylim()[1], f" {h // 12} years", fontsize=8, color=GREY,
                    va="top", gid="horizon")
    ax.set_xlim(0, max(oldest, 1))
    ax.set_ylim(bottom=0)
    ax.set_xlabel("age (months in service)")
    ax.set_ylabel(f"mean cumulative service cost per unit ({unit})")
    ax.set_title(title or "Lifecycle service cost by product line "
                 "(dotted: manufacturing cost; band: 95 % confidence)")
    if len(lines) > 1:
        _legend_outside(ax)
    return ax


# ---------------------------------------------------------------------------
# strategic value matrix (nps.econ.quadrants)

__all__ += ["quadrants"]

#: Quadrant colours (Okabe-Ito) and the source's names.
QUADRANT_STYLE = {
    "growth_engine": (GREEN, "growth engine"),
    "value_island": (SKY, "value island"),
    "cost_ruin": (VERMILLION, "cost ruin"),
    "profit_extractor": (ORANGE, "profit extractor"),
}


def quadrants(t: Any, ax: Any = None, *, customer_threshold: float = 0.5,
              business_threshold: float = 0.5, title: str | None = None) -> Axes:
    """The strategic value matrix (`nps.econ.quadrants`): each unit as a
    point at its business value (x) and customer value (y), coloured (and
    labelled) by quadrant in its latest period, with an arrow from its
    position in the previous period when it has one; the thresholds split
    the four quadrants. Units without a quadrant (a missing measure) are
    left out and listed in the title. Gids: ``unit`` (points), ``move``
    (arrows), ``threshold``.

    >>> t = nps.econ.quadrants(None, unit=["a", "b"], measures={"nps": [40.0, -20.0],
    ...                                                       "margin": [-0.3, 0.25]})
    >>> ax = nps.plot.quadrants(t)
    >>> sorted(x.get_text() for x in ax.texts if x.get_gid() == "label")
    ['a', 'b']
    """
    ax = _axes(ax, (7.0, 6.0))
    d = t.to_dict()
    names = list(d)
    unit = names[0]
    has_period = "period" in d
    latest: dict[Any, int] = {}
    previous: dict[Any, int] = {}
    for i, k in enumerate(d[unit]):
        if d["quadrant"][i] is None:
            continue
        if k in latest:
            previous[k] = latest[k]
        latest[k] = i
    missing = sorted({str(k) for i, k in enumerate(d[unit]) if k not in latest})
    for (x0, x1, y0, y1, q) in ((business_threshold, 1.0, customer_threshold, 1.0, "growth_engine"),
                                (0.0, business_threshold, customer_threshold, 1.0, "value_island"),
                                (0.0, business_threshold, 0.0, customer_threshold, "cost_ruin"),
                                (business_threshold, 1.0, 0.0, customer_threshold,
                                 "profit_extractor")):
        color, label = QUADRANT_STYLE[q]
        ax.axvspan(x0, x1, ymin=y0, ymax=y1, color=color, alpha=0.08, lw=0)
        ax.text((x0 + x1) / 2, y1 - 0.03, label, ha="center", va="top", fontsize=9,
                color=GREY, gid="quadrant")
    ax.axvline(business_threshold, color=GREY, lw=0.8, ls="--", gid="threshold")
    ax.axhline(customer_threshold, color=GREY, lw=0.8, ls="--", gid="threshold")
    for k, i in latest.items():
        x, y = d["business_value"][i], d["customer_value"][i]
        color, _ = QUADRANT_STYLE[d["quadrant"][i]]
        if k in previous:
            j = previous[k]
            ax.annotate("", xy=(x, y), xytext=(d["business_value"][j], d["customer_value"][j]),
                        arrowprops=dict(arrowstyle="->", color=GREY, lw=1.0), gid="move")
        ax.scatter([x], [y], s=70, color=color, edgecolors=BLACK, linewidths=0.6, zorder=3,
                   gid="unit")
        ax.text(x + 0.012, y + 0.012, shorten(k, 20), fontsize=8, gid="label")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("business value (0 = net cost centre, 1 = strategic growth)")
    ax.set_ylabel("customer value (0 = surface fixes, 1 = customer success)")
    what = "latest period, arrows from the previous" if has_period else "one period"
    ttl = title or f"Strategic value matrix ({what})"
    if missing:
        ttl += f"\nno quadrant (a measure missing): {shorten(', '.join(missing), 60)}"
    ax.set_title(ttl)
    return ax


def outcomes(t: Any, ax: Any = None, *, title: str | None = None) -> Axes:
    """Outcomes by score (`nps.loyalty.outcome_by_score`): each band's
    outcome rate (bars, in %) with its interval (whiskers), the reference
    band hatched, each other band's lift over it written above its bar.
    Grouped tables (by dealer or period) draw one bar per band and group,
    side by side. Bands without data are left out. Gids: ``rate`` (bars),
    ``interval``, ``lift`` (texts).

    >>> t = nps.loyalty.outcome_by_score([9, 10, 8, 3, 5, 2], [True, True, False, True, False, False],
    ...                                  bands=[("0-7", 0, 7), ("8-10", 8, 10)])
    >>> ax = nps.plot.outcomes(t)
    >>> [x.get_text() for x in ax.texts if x.get_gid() == "lift"]
    ['2.0×']
    """
    ax = _axes(ax, (7.0, 4.0))
    d = t.to_dict()
    names = list(d)
    nkeys = names.index("band")
    ref = t.reference
    bands = [b[0] for b in t.bands]
    groups: list[tuple[Any, ...]] = []
    for i in range(len(d["band"])):
        g = tuple(d[k][i] for k in names[:nkeys])
        if g not in groups:
            groups.append(g)
    width = 0.8 / max(1, len(groups))
    colors = [BLUE, ORANGE, GREEN, SKY, VERMILLION, PURPLE]
    labelled: set[tuple[Any, ...]] = set()
    for i in range(len(d["band"])):
        rate = d["rate"][i]
        if rate is None:
            continue
        g = tuple(d[k][i] for k in names[:nkeys])
        gi = groups.index(g)
        x = bands.index(d["band"][i]) - 0.4 + width * (gi + 0.5)
        is_ref = d["band"][i] == ref
        label = ", ".join(str(v) for v in g) if g and g not in labelled else None
        labelled.add(g)
        ax.bar([x], [100 * rate], width=width * 0.9, color=colors[gi % len(colors)],
               hatch="//" if is_ref else None, edgecolor=WHITE if not is_ref else BLACK,
               gid="rate", label=label)
        lo, hi = d["low"][i], d["high"][i]
        ax.errorbar([x], [100 * rate], yerr=[[100 * (rate - lo)], [100 * (hi - rate)]],
                    fmt="none", ecolor=BLACK, capsize=3, lw=0.8, gid="interval")
        if not is_ref and d["lift"][i] is not None:
            ax.text(x, 100 * hi + 1.0, f"{d['lift'][i]:.1f}×", ha="center", va="bottom",
                    fontsize=8, gid="lift")
    ax.set_xticks(range(len(bands)))
    ax.set_xticklabels([shorten(b, LABEL_WIDTH) for b in bands])
    ax.set_ylabel("outcome rate (%)")
    ax.set_ylim(bottom=0)
    if len(groups) > 1:
        _legend_outside(ax)
    ttl = title or f"Outcome rate by score band (lift over {ref}, hatched)"
    if t.censored:
        ttl += f"\n{t.censored} respondents left out: observation window still open"
    ax.set_title(ttl)
    return ax


# ---------------------------------------------------------------------------
# value stream of a workshop visit (nps.flow.stages)

__all__ += ["value_stream"]


def _duration_text(seconds: float) -> str:
    if seconds >= 86_400:
        return f"{seconds / 86_400:.1f} d"
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 60:.0f} min"


def value_stream(report: Any, ax: Any = None, *, title: str | None = None) -> Axes:
    """The value stream of a visit (`nps.flow.stages` without grouping): one
    horizontal bar per stage in visit order, its length the median time in
    minutes, value-added stages (inspection, diagnosis, repair) in green and
    waiting in orange, the share of lead time written beside each bar and
    the per-visit target marked (a black tick) where the stage has one; the
    title gives the lead time, the process-cycle efficiency and the
    bottleneck. Gids: ``stage`` (bars), ``target`` (ticks), ``share``
    (texts).

    >>> import pandas as pd
    >>> df = pd.DataFrame({"ro": ["a"] * 3, "milestone": ["arrived", "greeted", "left"],
    ...                    "at": [0, 900, 3600]})
    >>> ax = nps.plot.value_stream(nps.flow.stages(df))
    >>> [round(p.get_width()) for p in ax.patches if p.get_gid() == "stage"][:1]
    [15]
    """
    if getattr(report, "kind", None) != "stages":
        raise TypeError("value_stream takes the report of nps.flow.stages, "
                        f"got {type(report).__name__}")
    d = report.to_dict()
    if "period" in d or any(k not in (
            "stage", "value_added", "n", "missing", "mean_s", "median_s", "p90_s", "target_s",
            "within_target", "share_of_lead_time") for k in d):
        raise InvalidArgumentError("value_stream draws an ungrouped report (no by= / period=)")
    stages = d["stage"]
    ax = _axes(ax, (8.0, 0.5 * len(stages) + 1.6))
    ys = list(range(len(stages)))[::-1]
    widths = [(m or 0.0) / 60.0 for m in d["median_s"]]
    colors = [GREEN if va else ORANGE for va in d["value_added"]]
    bars = ax.barh(ys, widths, color=colors, height=0.6)
    for bar in bars:
        bar.set_gid("stage")
    top = max(widths + [t / 60.0 for t in d["target_s"] if t is not None] + [1.0])
    for y, w, share, median in zip(ys, widths, d["share_of_lead_time"], d["median_s"]):
        text = "no data" if median is None else (
            _duration_text(median) + ("" if share is None else f"  ({share * 100:.0f} % of lead time)"))
        ax.text(w + top * 0.01, y, text, va="center", fontsize=8, gid="share")
    for y, t in zip(ys, d["target_s"]):
        if t is not None:
            ax.plot([t / 60.0, t / 60.0], [y - 0.38, y + 0.38], color=BLACK, lw=2, gid="target")
    ax.set_yticks(ys, [shorten(s, 18) for s in stages])
    ax.set_xlim(0, top * 1.45)
    ax.set_xlabel("median time per visit (minutes); black tick = target")
    from matplotlib.patches import Patch

    ax.legend(handles=[Patch(color=GREEN, label="value-added"),
                       Patch(color=ORANGE, label="waiting / non-value-added")],
              loc="lower right", fontsize=8, frameon=False)
    lead = report.lead_time
    pce = report.process_cycle_efficiency
    parts = []
    if lead.median is not None:
        parts.append(f"median lead time {_duration_text(lead.median)}")
    if pce is not None:
        parts.append(f"process-cycle efficiency {pce * 100:.0f} %")
    if report.bottleneck is not None:
        parts.append(f"bottleneck: {report.bottleneck}")
    ax.set_title(title or ("Value stream of a visit" + ("\n" + ", ".join(parts) if parts else "")))
    return ax


# ---------------------------------------------------------------------------
# staffing profile by weekday and hour (nps.staffing)

__all__ += ["staffing"]


def staffing(table: Any, ax: Any = None, *, title: str | None = None) -> Axes:
    """The staffing profile of `nps.staffing`: a weekday × interval grid
    (weekdays down, Monday first; interval starts across) coloured by the
    arrival rate per hour, the Erlang C advisors (or bays) each interval
    needs for the waiting target written in the cell (nothing where none
    arrive), and — for a profile computed with a ``roster`` — every
    unstable interval (its load at or above the roster) outlined in
    vermillion with a cross. Intervals without open time stay light grey.
    The title gives the waiting target and the service time. Gids:
    ``rate`` (the image), ``servers`` (texts), ``unstable`` (outlines).

    >>> import datetime as dt
    >>> mon9 = dt.datetime(2025, 6, 2, 9, tzinfo=dt.timezone.utc)
    >>> t = nps.staffing([mon9 + dt.timedelta(minutes=6 * i) for i in range(10)], roster=1)
    >>> ax = nps.plot.staffing(t)
    >>> [x.get_text() for x in ax.texts if x.get_gid() == "servers"]
    ['5']
    >>> len([p for p in ax.patches if p.get_gid() == "unstable"])
    1
    """
    if not hasattr(table, "target_wait_s") or not hasattr(table, "service_time_s"):
        raise TypeError(f"staffing takes the table of nps.staffing, got {type(table).__name__}")
    _mpl()
    import numpy as np
    from matplotlib import colormaps
    from matplotlib.colors import Normalize
    from matplotlib.patches import Rectangle

    d = table.to_dict()
    days = list(dict.fromkeys(d["weekday"]))  # the table is Monday first
    starts = sorted(set(d["start"]))
    data = np.full((len(days), len(starts)), np.nan)
    for w, s, rate in zip(d["weekday"], d["start"], d["arrival_rate"]):
        data[days.index(w), starts.index(s)] = rate
    cmap = colormaps["cividis"].with_extremes(bad=NO_DATA)
    top = float(np.nanmax(data)) if np.isfinite(data).any() else 0.0
    norm = Normalize(0, max(top, 1e-9))
    ax = _axes(ax, (max(6.0, 0.32 * len(starts) + 2.5), 0.45 * max(len(days), 1) + 1.9))
    image = ax.imshow(np.ma.masked_invalid(data), cmap=cmap, norm=norm, aspect="auto")
    image.set_gid("rate")
    stable = d.get("stable")
    for i, (w, s, n) in enumerate(zip(d["weekday"], d["start"], d["servers"])):
        r, c = days.index(w), starts.index(s)
        if n:
            ax.text(c, r, str(n), ha="center", va="center", fontsize=7,
                    color=text_color(cmap(norm(data[r, c]))), gid="servers")
        if stable is not None and stable[i] is False:
            ax.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, fill=False, edgecolor=VERMILLION,
                                   lw=2, hatch="xx", gid="unstable"))
    step = max(1, len(starts) // 12)
    ax.set_xticks(range(0, len(starts), step), starts[::step],
                  rotation=45 if step > 1 or len(starts) > 12 else 0, fontsize=8)
    ax.set_yticks(range(len(days)), days)
    ax.set_xlabel("interval start (local time" + (f", {table.tz}" if table.tz else "") + ")")
    bar = ax.figure.colorbar(image, ax=ax, label="arrivals per hour")
    bar.ax.tick_params(labelsize=8)
    if title is None:
        title = (f"Arrivals per hour and advisors needed ({table.target_share * 100:.0f} % "
                 f"wait ≤ {_duration_text(table.target_wait_s)}, service "
                 f"{_duration_text(table.service_time_s)})")
        if stable is not None:
            title += "\nvermillion cross = unstable with the roster (load ≥ advisors on duty)"
    ax.set_title(title)
    return ax
