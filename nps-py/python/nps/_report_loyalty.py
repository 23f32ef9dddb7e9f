"""The report section "What NPS is worth here" (nps.loyalty; issue 16):
outcome rates by score category and by "8 or more" against "below 8",
with lifts, tests and censored windows, from a file linking survey
responses to what the respondents did afterwards.

Used by `nps.report.build(..., loyalty=...)` and `nps report --outcomes
FILE`; every figure comes from `nps.loyalty.outcome_by_score`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import nps

#: The outcome columns the section looks for, with their labels.
OUTCOMES = {"repurchased": "repurchased", "referred": "referred someone", "retained": "retained"}


def _seconds(df: Any, col: str) -> Any:
    """`col` as Unix seconds (integers pass; date-time text is parsed)."""
    import polars as pl

    t = df.schema[col]
    if t == pl.Utf8:
        return df.with_columns(pl.col(col).str.to_datetime(time_zone="UTC").dt.epoch("s"))
    if isinstance(t, pl.Datetime):
        return df.with_columns(pl.col(col).dt.epoch("s"))
    return df


def compute(lo: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The figures of the section, and the tables behind the chart.

    `lo["outcomes"]`: a polars DataFrame with a `score` column, one or more
    boolean outcome columns (`repurchased`, `referred`, `retained`) and,
    optionally, `observed_until` (end of each respondent's observation
    window) and `submitted_at`. `lo.get("as_of")`: when the outcomes were
    read (Unix seconds); not given, the latest `submitted_at` of the file
    (an export is read the day its last survey came in). Windows still open
    then are censored."""
    df = lo["outcomes"]
    cols = [c for c in OUTCOMES if c in df.columns]
    if "score" not in df.columns or not cols:
        raise nps.InvalidArgumentError(
            "outcomes: the file needs a score column and at least one of "
            + ", ".join(OUTCOMES) + f" (it has {', '.join(df.columns)})")
    as_of = lo.get("as_of")
    until = None
    if "observed_until" in df.columns:
        df = _seconds(df, "observed_until")
        until = "observed_until"
        if as_of is None:
            if "submitted_at" not in df.columns:
                raise nps.InvalidArgumentError(
                    "outcomes: observed_until needs as_of (or a submitted_at column)")
            df = _seconds(df, "submitted_at")
            as_of = int(df["submitted_at"].max())
    out: dict[str, Any] = {"rows": df.height, "as_of": as_of, "outcomes": []}
    res: dict[str, Any] = {}
    for c in cols:
        kw: dict[str, Any] = dict(data=df, observed_until=until, as_of=as_of if until else None)
        cat = nps.loyalty.outcome_by_score("score", c, **kw)
        eight = nps.loyalty.outcome_by_score("score", c, bands=[("below 8", 0, 7), ("8 or more", 8, 10)],
                                             **kw)
        res[c] = cat
        rows = _rows(cat)
        hi = _rows(eight)[1]
        out["outcomes"].append({
            "outcome": c, "label": OUTCOMES[c], "used": cat.used, "censored": cat.censored,
            "by_category": rows, "eight_or_more": hi, "below_eight": _rows(eight)[0]})
    return out, res


def _rows(t: Any) -> list[dict[str, Any]]:
    d = t.to_dict()
    keys = ("band", "n", "outcomes", "censored", "rate", "low", "high", "lift", "lift_low",
            "lift_high", "p_value")
    return [{k: d[k][i] for k in keys} for i in range(len(d["band"]))]


def html(lo: dict[str, Any], res: dict[str, Any], charts: dict[str, Any], plot: Any) -> str:
    from nps.report import _esc, _figure, _num, _table

    def pct(x: Any) -> Any:
        return None if x is None else 100 * x

    when = dt.datetime.fromtimestamp(lo["as_of"], dt.timezone.utc).date().isoformat() \
        if lo["as_of"] is not None else None
    out = ['<section id="loyalty"><h2>What NPS is worth here</h2>',
           "<p>What respondents did after the survey, by how they scored: the share who "
           "went on to each outcome within their observation window, with a 95% interval, "
           "and how many times the rate of the lowest band it is (lift).</p>"]
    for o in lo["outcomes"]:
        hi, low = o["eight_or_more"], o["below_eight"]
        lift = hi["lift"]
        if lift is not None and hi["lift_low"] is not None:
            top = "∞" if hi["lift_high"] is None else f"{hi['lift_high']:.1f}"
            out.append(
                f"<p>Customers scoring 8 or more {_esc(o['label'])} "
                f"<strong><span data-value=\"{lift!r}\">{lift:.1f}</span>×</strong> as often as "
                f"those below 8 ({100 * hi['rate']:.1f}% of {hi['n']} against "
                f"{100 * low['rate']:.1f}% of {low['n']}; 95% interval "
                f"{hi['lift_low']:.1f}–{top}×, p = {hi['p_value']:.2g}).</p>")
        if o["censored"]:
            out.append(f"<p class=\"muted\">{o['censored']} of {o['used'] + o['censored']} "
                       f"respondents left out: their window was still open"
                       + (f" on {when}" if when else "") + " (not counted as “no”).</p>")
        if plot is not None and o["outcome"] in res:
            t = res[o["outcome"]]
            out.append(_figure(charts, f"outcomes-{o['outcome']}",
                               lambda ax, t=t: plot.outcomes(t, ax=ax), (7, 3.6),
                               f"Share who {o['label']}, by score category, with its 95% "
                               "interval; the lift over detractors above each bar."))
        rows = [[f"<td>{_esc(r['band'])}</td>", _num(r["n"]), _num(r["outcomes"]),
                 _num(pct(r["rate"])), _num(pct(r["low"])), _num(pct(r["high"])),
                 _num(r["lift"], 2), _num(r["p_value"], 3), _num(r["censored"])]
                for r in o["by_category"] + [low, hi]]
        out.append(_table(["band", "respondents", o["label"], "%", "low %", "high %", "lift",
                           "p", "censored"], rows, f"loyalty-{o['outcome']}"))
    out.append("</section>")
    return "".join(out)
